package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"mizan/core"
	"mizan/storage"
)

// MethodsDialog chooses, per store connection, the account each payment method pays into. The
// methods are those the store has used (they appear as its orders come in); one not chosen yet
// pays into the cash box.
type MethodsDialog struct {
	Connection *FormSelect
	// Accounts has one choice per payment method of the connection shown, by method.
	Accounts map[string]*FormSelect
	Empty    *widget.Label

	s       *TreasuryScreen
	d       dialog.Dialog
	rows    *fyne.Container
	conns   []core.Connection
	connIDs map[string]int64
}

// ShowMethods opens the payment methods of a connection (the first one when connID is 0).
// UI goroutine. It returns the dialog, whose widgets fill in once the books are read.
func (s *TreasuryScreen) ShowMethods(connID int64) *MethodsDialog {
	md := &MethodsDialog{s: s, Accounts: map[string]*FormSelect{}, connIDs: map[string]int64{}}
	md.Connection = newFormSelect(nil, func(name string) { md.showConnection(md.connIDs[name]) })
	md.Empty = widget.NewLabel("")
	md.Empty.Wrapping = fyne.TextWrapWord
	md.rows = container.NewVBox()
	help := widget.NewLabel(tr("methods.help", "Each payment a store reports goes into the account chosen for its method; a method not chosen yet goes into the cash box. Payments already recorded keep their account."))
	help.Wrapping = fyne.TextWrapWord
	body := container.NewBorder(container.NewVBox(help, md.Connection, widget.NewSeparator()), nil, nil, nil,
		container.NewVScroll(container.NewVBox(md.Empty, md.rows)))
	md.d = newCustomDialog(tr("treasury.methods", "Payment methods"), tr("action.close", "Close"), body, s.m.Window)
	md.d.Resize(fyne.NewSize(640, 460))
	md.d.Show()
	s.m.work.Go(func() {
		conns, err := s.m.engine.Connections(context.Background())
		if err != nil {
			s.m.showProblem(tr("doing.load_connections", "load the store connections"), err)
			return
		}
		uiDo(func() {
			md.conns = conns
			var names []string
			pick := ""
			for _, c := range conns {
				name := visual(c.Name)
				md.connIDs[name] = c.ID
				names = append(names, name)
				if c.ID == connID {
					pick = name
				}
			}
			md.Connection.Options = names
			if len(conns) == 0 {
				md.Connection.Hide()
				md.Empty.SetText(tr("methods.no_connections", "No store is connected yet."))
				return
			}
			if pick == "" {
				pick = names[0]
			}
			md.Connection.SetSelected(pick)
		})
	})
	return md
}

// showConnection reads a connection's methods and the accounts, and shows one choice per method.
func (md *MethodsDialog) showConnection(connID int64) {
	s := md.s
	s.m.work.Go(func() {
		ctx := context.Background()
		methods, err := s.m.db.PaymentMethods(ctx, connID)
		var accounts []storage.TreasuryAccount
		if err == nil {
			accounts, err = s.m.db.TreasuryAccounts(ctx)
		}
		if err != nil {
			s.m.showProblem(tr("doing.load_methods", "load the payment methods"), err)
			return
		}
		uiDo(func() { md.fill(connID, methods, accounts) })
	})
}

func (md *MethodsDialog) fill(connID int64, methods []storage.PaymentMethod, accounts []storage.TreasuryAccount) {
	md.rows.RemoveAll()
	md.Accounts = map[string]*FormSelect{}
	if len(methods) == 0 {
		md.Empty.SetText(tr("methods.none", "This store has not reported a payment method yet: they appear here as its orders come in."))
		md.Empty.Show()
	} else {
		md.Empty.Hide()
	}
	var names []string
	ids := map[string]int64{}
	for _, a := range accounts {
		name := visual(a.Name)
		if a.ID == storage.DefaultAccountID {
			name = tr("methods.default_account", "{{.Name}} (default)", map[string]any{"Name": name})
		}
		ids[name] = a.ID
		names = append(names, name)
	}
	for _, m := range methods {
		m := m
		sel := newFormSelect(names, nil)
		for name, id := range ids {
			if id == m.AccountID || (m.AccountID == 0 && id == storage.DefaultAccountID) {
				sel.Selected = name
			}
		}
		sel.OnChanged = func(name string) {
			account := ids[name]
			md.s.m.work.Go(func() {
				err := md.s.m.db.Update(context.Background(), func(tx *storage.Tx) error {
					return tx.MapPaymentMethod(connID, m.Method, account)
				})
				if err != nil {
					md.s.m.showProblem(tr("doing.save_method", "choose the method's account"), err)
				}
			})
		}
		md.Accounts[m.Method] = sel
		label := widget.NewLabel(visual(methodLabel(m.Method, m.Title)))
		label.Truncation = fyne.TextTruncateEllipsis
		md.rows.Add(container.NewGridWithColumns(2, label, sel))
	}
	md.rows.Refresh()
}

// Hide closes the dialog.
func (md *MethodsDialog) Hide() { md.d.Hide() }
