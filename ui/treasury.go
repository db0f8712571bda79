package ui

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"mizan/storage"
)

// balanceColumns are the widths of the balances: account (stretches), kind, IBAN, received, paid
// out, balance, currency.
var balanceColumns = []float32{200, 70, 230, 120, 120, 130, 44}

// movementColumns are the widths of the movements: number, date, account, invoice, client
// (stretches), method, amount, balance after, currency. A number, a date, an invoice, an amount
// and a currency are shown whole; with the navigation they fit the window's first size.
var movementColumns = []float32{140, 130, 110, 135, 90, 100, 90, 100, 42}

// TreasuryScreen shows what each cash box and bank account holds, and the payments in and out of
// them, with the accounts, the payment methods each store's payments go to, and CSV export.
type TreasuryScreen struct {
	// Balances has one row per account and currency (the account's name, kind, IBAN, money in,
	// money out and balance).
	Balances *fyne.Container
	// Account chooses whose movements the list shows (all accounts first).
	Account   *widget.Select
	Movements *widget.List
	Status    *widget.Label
	// AddAccount adds a bank or cash account; EditAccount renames the account chosen or changes
	// its IBAN; Methods chooses the account each store payment method pays into.
	AddAccount  *widget.Button
	EditAccount *widget.Button
	Methods     *widget.Button
	// Reverse corrects the movement selected in the list with a reversing payment.
	Reverse *widget.Button
	Export  *widget.Button
	Content fyne.CanvasObject

	m         *App
	accounts  []storage.TreasuryAccount
	accountOf map[string]int64 // shown name → account id
	moves     []storage.Payment
	after     []decimal.Decimal // each movement's account balance after it (its currency)
	selected  int               // index in moves, -1 for none
	want      int64             // the account whose movements to show (0: all); UI goroutine
}

func newTreasuryScreen(m *App) *TreasuryScreen {
	s := &TreasuryScreen{m: m, selected: -1, accountOf: map[string]int64{}}
	s.Balances = container.NewVBox()
	s.Account = widget.NewSelect([]string{tr("treasury.all_accounts", "All accounts")}, func(name string) {
		s.want = s.accountOf[name]
		s.EditAccount.Disable()
		if s.want != 0 {
			s.EditAccount.Enable()
		}
		s.reload()
	})
	s.Status = widget.NewLabel("")
	s.AddAccount = widget.NewButtonWithIcon(tr("treasury.add_account", "Add an account"), theme.ContentAddIcon(), func() {
		s.accountForm(storage.TreasuryAccount{Kind: storage.AccountBank})
	})
	s.EditAccount = widget.NewButtonWithIcon(tr("action.edit", "Edit"), theme.DocumentCreateIcon(), func() {
		for _, a := range s.accounts {
			if a.ID == s.want {
				s.accountForm(a)
			}
		}
	})
	s.EditAccount.Disable()
	s.Methods = widget.NewButtonWithIcon(tr("treasury.methods", "Payment methods"), theme.SettingsIcon(), func() { s.ShowMethods(0) })
	s.Reverse = widget.NewButtonWithIcon(tr("treasury.reverse", "Reverse"), theme.ContentUndoIcon(), s.confirmReverse)
	s.Reverse.Disable()
	s.Export = widget.NewButtonWithIcon(tr("treasury.export", "Export CSV"), theme.DownloadIcon(), s.chooseExportFile)
	s.Account.SetSelectedIndex(0)

	s.Movements = widget.NewList(func() int { return len(s.moves) }, s.newRow, s.updateRow)
	s.Movements.OnSelected = func(id widget.ListItemID) {
		s.selected = len(s.moves) - 1 - id
		if s.selected >= 0 && s.selected < len(s.moves) && s.moves[s.selected].ReversesID == 0 && s.moves[s.selected].ReversedBy == "" {
			s.Reverse.Enable()
		} else {
			s.Reverse.Disable()
		}
	}
	s.Movements.OnUnselected = func(widget.ListItemID) {
		s.selected = -1
		s.Reverse.Disable()
	}

	title := widget.NewLabelWithStyle(tr("treasury.title", "Treasury"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	balHead := container.New(&columns{widths: balanceColumns, flex: 0},
		headerLabel(tr("col.account", "Account")), headerLabel(tr("col.kind", "Kind")), headerLabel(tr("col.iban", "IBAN")),
		headerLabel(tr("col.in", "Received"), fyne.TextAlignTrailing), headerLabel(tr("col.out", "Paid out"), fyne.TextAlignTrailing),
		headerLabel(tr("col.balance", "Balance"), fyne.TextAlignTrailing), headerLabel(""))
	movHead := container.New(&columns{widths: movementColumns, flex: 4},
		headerLabel(tr("col.number", "Number")), headerLabel(tr("col.date", "Date")), headerLabel(tr("col.account", "Account")),
		headerLabel(tr("col.invoice", "Invoice")), headerLabel(tr("col.client", "Client")), headerLabel(tr("col.method", "Method")),
		headerLabel(tr("col.amount", "Amount"), fyne.TextAlignTrailing), headerLabel(tr("col.balance", "Balance"), fyne.TextAlignTrailing),
		headerLabel(""))
	bar := container.NewBorder(nil, nil, container.NewHBox(widget.NewLabel(tr("treasury.movements_of", "Movements of")),
		container.NewGridWrap(fyne.NewSize(220, s.Account.MinSize().Height), s.Account), s.EditAccount),
		container.NewHBox(s.Reverse, s.Export))
	top := container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewHBox(s.Status, s.Methods, s.AddAccount), title),
		container.NewPadded(balHead), s.Balances, widget.NewSeparator(), bar, container.NewPadded(movHead))
	s.Content = container.NewBorder(top, nil, nil, nil, s.Movements)
	return s
}

func (s *TreasuryScreen) newRow() fyne.CanvasObject {
	cells := make([]fyne.CanvasObject, len(movementColumns))
	for i := range cells {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		if i == 6 || i == 7 {
			l.Alignment = fyne.TextAlignTrailing
		}
		cells[i] = l
	}
	return container.New(&columns{widths: movementColumns, flex: 4}, cells...)
}

// updateRow shows the newest movement first.
func (s *TreasuryScreen) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	cells := o.(*fyne.Container).Objects
	i := len(s.moves) - 1 - id
	if i < 0 || i >= len(s.moves) {
		return
	}
	p := s.moves[i]
	number := p.Number
	switch {
	case p.ReversesNumber != "":
		number += " «"
	case p.ReversedBy != "":
		number += " ×"
	}
	texts := []string{number, localDateTime(p.Date), visual(p.AccountName), p.InvoiceNumber, visual(p.ClientName),
		visual(methodLabel(p.Method, p.MethodTitle)), signedMoney(p), money(s.after[i]), p.Currency}
	for j, t := range texts {
		l := cells[j].(*widget.Label)
		l.Importance = widget.MediumImportance
		if j == 6 && p.Direction == storage.PaymentOut {
			l.Importance = widget.DangerImportance
		}
		l.SetText(t)
	}
}

// load reads the accounts, their balances and the movements shown. Worker.
func (s *TreasuryScreen) load(ctx context.Context) error {
	accounts, err := s.m.db.TreasuryAccounts(ctx)
	var balances []storage.Balance
	if err == nil {
		balances, err = s.m.db.TreasuryBalances(ctx)
	}
	var all []storage.Payment
	if err == nil {
		all, err = s.m.db.Payments(ctx, storage.PaymentFilter{})
	}
	if err != nil {
		s.m.showProblem(tr("doing.load_treasury", "load the treasury"), err)
		return err
	}
	uiDo(func() { s.show(accounts, balances, all) })
	return nil
}

// reload reads the books again in the background. UI goroutine.
func (s *TreasuryScreen) reload() {
	if s.Movements == nil { // still being built
		return
	}
	s.m.work.Go(func() { s.load(context.Background()) })
}

// show fills the screen. UI goroutine.
func (s *TreasuryScreen) show(accounts []storage.TreasuryAccount, balances []storage.Balance, all []storage.Payment) {
	s.accounts = accounts
	s.accountOf = map[string]int64{}
	opts := []string{tr("treasury.all_accounts", "All accounts")}
	keep := opts[0]
	for _, a := range accounts {
		name := visual(a.Name)
		s.accountOf[name] = a.ID
		opts = append(opts, name)
		if a.ID == s.want {
			keep = name
		}
	}
	if keep == opts[0] {
		s.want = 0
	}
	s.Account.Options = opts
	s.Account.Selected = keep
	s.Account.Refresh()

	s.Balances.RemoveAll()
	for _, b := range balances {
		kind := tr("treasury.kind_bank", "Bank")
		if b.Kind == storage.AccountCash {
			kind = tr("treasury.kind_cash", "Cash")
		}
		cells := []fyne.CanvasObject{cell(visual(b.AccountName), fyne.TextAlignLeading, true), cell(kind, fyne.TextAlignLeading, false),
			cell(b.IBAN, fyne.TextAlignLeading, false), cell(money(b.In), fyne.TextAlignTrailing, false),
			cell(money(b.Out), fyne.TextAlignTrailing, false), cell(money(b.Balance), fyne.TextAlignTrailing, true),
			cell(b.Currency, fyne.TextAlignLeading, false)}
		s.Balances.Add(container.New(&columns{widths: balanceColumns, flex: 0}, cells...))
	}
	s.Balances.Refresh()

	// Running balances are over every movement of an account and currency, the list showing one
	// account's or all.
	running := map[string]decimal.Decimal{}
	s.moves, s.after = nil, nil
	for _, p := range all {
		key := fmt.Sprint(p.AccountID, "/", p.Currency)
		running[key] = running[key].Add(p.Signed())
		if s.want == 0 || p.AccountID == s.want {
			s.moves = append(s.moves, p)
			s.after = append(s.after, running[key])
		}
	}
	s.selected = -1
	s.Reverse.Disable()
	s.Status.SetText(trn("treasury.count", "{{.Count}} movements", len(s.moves), map[string]any{"Count": len(s.moves)}))
	s.Movements.UnselectAll()
	s.Movements.Refresh()
}

// accountForm adds an account (a zero ID) or edits one.
func (s *TreasuryScreen) accountForm(a storage.TreasuryAccount) {
	name := newFormEntry()
	name.SetText(a.Name)
	name.Validator = func(v string) error {
		if len([]rune(v)) == 0 {
			return errors.New(tr("treasury.name_needed", "An account needs a name"))
		}
		return nil
	}
	iban := newFormEntry()
	iban.SetText(a.IBAN)
	iban.SetPlaceHolder("SA00 0000 0000 0000 0000 0000")
	iban.Validator = func(v string) error {
		if v = storage.NormalizeIBAN(v); v == "" {
			return nil
		}
		if err := storage.CheckIBAN(v); err != nil {
			return errors.New(tr("treasury.bad_iban", "This IBAN is not valid: check it against the bank's papers"))
		}
		return nil
	}
	kind := newFormRadioGroup([]string{tr("treasury.kind_bank", "Bank"), tr("treasury.kind_cash", "Cash")}, func(v string) {
		if v == tr("treasury.kind_cash", "Cash") {
			iban.SetText("")
			iban.Disable()
		} else {
			iban.Enable()
		}
	})
	kind.SetSelected(tr("treasury.kind_bank", "Bank"))
	if a.Kind == storage.AccountCash {
		kind.SetSelected(tr("treasury.kind_cash", "Cash"))
	}
	items := []*widget.FormItem{widget.NewFormItem(tr("treasury.account_name", "Name"), name)}
	title := tr("treasury.edit_account", "Edit the account")
	if a.ID == 0 {
		title = tr("treasury.add_account", "Add an account")
		items = append(items, widget.NewFormItem(tr("col.kind", "Kind"), kind))
	} else if a.Kind == storage.AccountCash {
		iban.Disable()
	}
	items = append(items, widget.NewFormItem(tr("col.iban", "IBAN"), iban))
	d := newFormDialog(title, tr("action.save", "Save"), tr("action.cancel", "Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		a.Name, a.IBAN = name.Text, iban.Text
		if a.ID == 0 && kind.Selected == tr("treasury.kind_cash", "Cash") {
			a.Kind = storage.AccountCash
		}
		s.saveAccount(a)
	}, s.m.Window)
	d.Resize(fyne.NewSize(520, d.MinSize().Height))
	d.Show()
}

// saveAccount writes an account in the background and shows the screen again.
func (s *TreasuryScreen) saveAccount(a storage.TreasuryAccount) {
	s.m.work.Go(func() {
		err := s.m.db.Update(context.Background(), func(tx *storage.Tx) error {
			var err error
			if a.ID == 0 {
				_, err = tx.CreateTreasuryAccount(a)
			} else {
				_, err = tx.UpdateTreasuryAccount(a)
			}
			return err
		})
		if err != nil {
			s.m.showProblem(tr("doing.save_account", "save the account"), err)
			return
		}
		s.load(context.Background())
	})
}

// SelectedMovement is the movement selected in the list, if any.
func (s *TreasuryScreen) SelectedMovement() (storage.Payment, bool) {
	if s.selected < 0 || s.selected >= len(s.moves) {
		return storage.Payment{}, false
	}
	return s.moves[s.selected], true
}

// confirmReverse asks before reversing the selected movement.
func (s *TreasuryScreen) confirmReverse() {
	p, ok := s.SelectedMovement()
	if !ok {
		return
	}
	showConfirm(tr("treasury.reverse_title", "Reverse this payment?"),
		tr("treasury.reverse_confirm", "Payment {{.Number}} stays in the books; a new payment of {{.Amount}} {{.Currency}} the other way cancels it.",
			map[string]any{"Number": p.Number, "Amount": money(p.Amount), "Currency": p.Currency}),
		func(yes bool) {
			if yes {
				s.ReversePayment(p.ID)
			}
		}, s.m.Window)
}

// ReversePayment records the reversal of a payment in the background and shows the screen again.
func (s *TreasuryScreen) ReversePayment(id int64) {
	s.m.work.Go(func() {
		err := s.m.db.Update(context.Background(), func(tx *storage.Tx) error {
			_, err := tx.ReversePayment(id, time.Time{}, "")
			return err
		})
		if err != nil {
			s.m.showProblem(tr("doing.reverse_payment", "reverse the payment"), err)
			return
		}
		s.load(context.Background())
	})
}

// ExportCSV writes the movements shown (oldest first, with each one's running balance) to w.
// UI goroutine for reading what is shown; the writing is quick.
func (s *TreasuryScreen) ExportCSV(w *bufio.Writer) error {
	if _, err := w.WriteString("\uFEFF"); err != nil {
		return err
	}
	if err := storage.WritePaymentsCSV(w, s.moves); err != nil {
		return err
	}
	return w.Flush()
}

func (s *TreasuryScreen) chooseExportFile() {
	w := s.m.Window
	askSaveFile(w, fmt.Sprintf("treasury-%s.csv", time.Now().Format(dayLayout)), ".csv", tr("doing.export_treasury", "export the movements"), func(wc fyne.URIWriteCloser) {
		err := s.ExportCSV(bufio.NewWriter(wc))
		if cerr := wc.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			showProblem(w, tr("doing.export_treasury", "export the movements"), err)
			return
		}
		showInformation(tr("export.done_title", "Export finished"),
			tr("treasury.exported", "Exported {{.Movements}} to {{.File}}.", map[string]any{"File": wc.URI().Name(),
				"Movements": countText("treasury.count", "{{.Count}} movements", len(s.moves))}), w)
	})
}
