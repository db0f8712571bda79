package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"mizan/storage"
)

// The invoice list reads the books in pages of pageSize rows and keeps the maxPages most recently
// used in memory, so a hundred thousand invoices cost a few hundred rows of memory.
const (
	pageSize       = 200
	maxPages       = 8
	searchDebounce = 250 * time.Millisecond
	dayLayout      = "2006-01-02"
)

// invoiceColumns are the list's column widths: number, date, type, client (stretches), store
// order, payment status, total, currency.
var invoiceColumns = []float32{170, 130, 70, 200, 110, 110, 120, 44}

// InvoicesScreen lists sales and return invoices with search and filters, and shows one invoice.
type InvoicesScreen struct {
	Search       *widget.Entry
	Type         *widget.Select
	Connection   *widget.Select
	Branch       *widget.Select
	From, To     *widget.Entry
	ClearFilters *widget.Button
	Export       *widget.Button
	// Status says how many invoices the filters select, or what is wrong with them.
	Status *widget.Label
	List   *widget.List
	// View shows the invoice opened from the list.
	View    *InvoiceView
	Content fyne.CanvasObject

	m        *App
	debounce *debouncer
	pager    invoicePager
	latest   atomic.Int64 // id of the newest search asked for
	// want is the filter of the newest search; guarded by mu as Refresh reads it off the UI goroutine.
	mu   sync.Mutex
	want storage.InvoiceFilter

	branchIDs   map[string]int64
	connections map[string]string // shown name → source_connection value
	stack       []int64           // invoices opened, the shown one last
	cards       *fyne.Container
	listView    fyne.CanvasObject
	reported    bool // a paging error was shown; do not repeat it for every page
}

// invoicePager holds the rows of the current search, by page. UI goroutine only.
type invoicePager struct {
	pager[invoiceRow]
	filter storage.InvoiceFilter
}

// invoiceRow is a row of the invoice list: an invoice and its payment state, when it was read.
type invoiceRow struct {
	storage.Invoice
	state    storage.PaymentState
	hasState bool
}

func invoiceRows(invs []storage.Invoice, states map[int64]storage.PaymentState) []invoiceRow {
	rows := make([]invoiceRow, len(invs))
	for i, inv := range invs {
		rows[i].Invoice = inv
		rows[i].state, rows[i].hasState = states[inv.ID]
	}
	return rows
}

func (p *invoicePager) reset(f storage.InvoiceFilter, count int, first []storage.Invoice, states map[int64]storage.PaymentState) {
	p.filter = f
	p.pager.reset(count, invoiceRows(first, states))
}

func newInvoicesScreen(m *App) *InvoicesScreen {
	s := &InvoicesScreen{m: m, debounce: &debouncer{w: m.work, delay: searchDebounce},
		branchIDs: map[string]int64{}, connections: map[string]string{}}
	s.pager.reset(storage.InvoiceFilter{}, 0, nil, nil)

	s.Search = widget.NewEntry()
	s.Search.SetPlaceHolder(tr("invoices.search", "Search number, client or store order"))
	s.Search.OnChanged = func(string) { s.filtersChanged(true) }
	s.Type = widget.NewSelect([]string{tr("filter.all_types", "All types"), tr("filter.sales", "Sales"),
		tr("filter.returns", "Returns")}, func(string) { s.filtersChanged(false) })
	s.Type.SetSelectedIndex(0)
	s.Connection = widget.NewSelect([]string{tr("filter.all_connections", "All connections")}, func(string) { s.filtersChanged(false) })
	s.Connection.SetSelectedIndex(0)
	s.Branch = widget.NewSelect([]string{tr("filter.all_branches", "All branches")}, func(string) { s.filtersChanged(false) })
	s.Branch.SetSelectedIndex(0)
	s.From = widget.NewEntry()
	s.From.SetPlaceHolder(tr("filter.from", "From YYYY-MM-DD"))
	s.To = widget.NewEntry()
	s.To.SetPlaceHolder(tr("filter.to", "To YYYY-MM-DD"))
	for _, e := range []*widget.Entry{s.From, s.To} {
		e.Validator = validDay
		e.OnChanged = func(string) { s.filtersChanged(true) }
	}
	s.ClearFilters = widget.NewButtonWithIcon(tr("filter.clear", "Clear"), theme.ContentClearIcon(), s.clearFilters)
	s.Export = widget.NewButtonWithIcon(tr("invoices.export", "Export CSV"), theme.DownloadIcon(), s.chooseExportFile)
	s.Status = widget.NewLabel(tr("invoices.loading", "Loading invoices…"))

	s.List = widget.NewList(s.length, s.newRow, s.updateRow)
	s.List.OnSelected = func(id widget.ListItemID) {
		if row, ok, _ := s.pager.get(id); ok {
			s.stack = nil
			s.Open(row.ID)
		}
		s.List.UnselectAll()
	}

	s.View = newInvoiceView(s)
	header := container.New(&columns{widths: invoiceColumns, flex: 3},
		headerLabel(tr("col.number", "Number")), headerLabel(tr("col.date", "Date")), headerLabel(tr("col.type", "Type")),
		headerLabel(tr("col.client", "Client")), headerLabel(tr("col.order", "Store order")), headerLabel(tr("col.payment", "Payment")),
		headerLabel(tr("col.total", "Total"), fyne.TextAlignTrailing), headerLabel(""))
	dates := container.NewGridWithColumns(2, newDatePicker(s.From).Content, newDatePicker(s.To).Content) // typed or picked
	selects := container.NewGridWithColumns(3, s.Type, s.Connection, s.Branch)
	filters := container.NewVBox(
		container.NewBorder(nil, nil, nil, s.Export, s.Search),
		container.NewBorder(nil, nil, nil, s.ClearFilters, container.NewGridWithColumns(2, selects, dates)),
	)
	title := widget.NewLabelWithStyle(tr("invoices.title", "Invoices"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	top := container.NewVBox(container.NewBorder(nil, nil, nil, s.Status, title), filters, widget.NewSeparator(),
		container.NewPadded(header))
	s.listView = container.NewBorder(top, nil, nil, nil, s.List)
	s.cards = container.NewStack(s.listView)
	s.Content = s.cards
	return s
}

func headerLabel(text string, align ...fyne.TextAlign) *widget.Label {
	l := widget.NewLabelWithStyle(visual(text), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	if len(align) > 0 {
		l.Alignment = align[0]
	}
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

func validDay(s string) error {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	if _, err := time.ParseInLocation(dayLayout, strings.TrimSpace(s), time.Local); err != nil {
		return errors.New(tr("filter.bad_date", "Write the date as YYYY-MM-DD, e.g. 2026-01-31"))
	}
	return nil
}

func (s *InvoicesScreen) length() int { return s.pager.count }

func (s *InvoicesScreen) newRow() fyne.CanvasObject {
	cells := make([]fyne.CanvasObject, len(invoiceColumns))
	for i := range cells {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		if i == 6 {
			l.Alignment = fyne.TextAlignTrailing
		}
		cells[i] = l
	}
	return container.New(&columns{widths: invoiceColumns, flex: 3}, cells...)
}

func (s *InvoicesScreen) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	cells := o.(*fyne.Container).Objects
	set := func(i int, text string) { cells[i].(*widget.Label).SetText(text) }
	row, ok, known := s.pager.get(id)
	inv := row.Invoice
	if !ok {
		for i := range cells {
			set(i, "")
		}
		if !known {
			set(0, "…")
			s.requestPage(id / pageSize)
		}
		return
	}
	set(0, inv.Number)
	set(1, localDateTime(inv.IssueDate))
	set(2, invoiceTypeName(inv.Type))
	set(3, visual(inv.Client.Name))
	set(4, inv.Source.OrderName)
	pay := cells[5].(*widget.Label)
	if row.hasState {
		pay.Importance = payImportance(row.state.Status)
		pay.SetText(payStatusName(inv.Type, row.state.Status))
	} else {
		pay.SetText("")
	}
	set(6, money(signedAmount(inv.Type, inv.Total)))
	set(7, inv.Currency)
}

// signedAmount is an amount of an invoice as the screens show it: a return's money goes back to
// the client, so its totals read negative wherever they are shown (the list, the return itself, a
// sale's returns), as they do on the command line. The dashboard's figures and the VAT report
// show returns in columns of their own, as the amounts returned, and subtract them.
func signedAmount(typ storage.InvoiceType, d decimal.Decimal) decimal.Decimal {
	if typ == storage.ReturnInvoice {
		return d.Neg()
	}
	return d
}

// payStatusName is how an invoice's payment status reads: for a return invoice, whether its money
// was paid back.
func payStatusName(typ storage.InvoiceType, st storage.PayStatus) string {
	if typ == storage.ReturnInvoice {
		switch st {
		case storage.PayPaid:
			return tr("pay.refunded", "Refunded")
		case storage.PayPartly:
			return tr("pay.partly_refunded", "Partly refunded")
		case storage.PayUnpaid:
			return tr("pay.not_refunded", "Not refunded")
		}
	}
	switch st {
	case storage.PayPaid:
		return tr("pay.paid", "Paid")
	case storage.PayPartly:
		return tr("pay.partly_paid", "Partly paid")
	case storage.PayUnpaid:
		return tr("pay.unpaid", "Unpaid")
	case storage.PayNothingDue:
		return tr("pay.nothing_due", "Nothing due")
	case storage.PayUntracked:
		return tr("pay.untracked", "Not recorded")
	}
	return string(st)
}

func payImportance(st storage.PayStatus) widget.Importance {
	switch st {
	case storage.PayUnpaid:
		return widget.DangerImportance
	case storage.PayPartly:
		return widget.WarningImportance
	case storage.PayPaid:
		return widget.SuccessImportance
	case storage.PayUntracked:
		return widget.LowImportance
	}
	return widget.MediumImportance
}

// requestPage loads a page of the current search in the background. UI goroutine.
func (s *InvoicesScreen) requestPage(page int) {
	p := &s.pager
	if !p.start(page) {
		return
	}
	gen, f := p.gen, p.filter
	f.Limit, f.Offset = pageSize, page*pageSize
	s.m.work.Go(func() {
		rows, err := s.m.db.Invoices(context.Background(), f)
		var states map[int64]storage.PaymentState
		if err == nil {
			states, err = s.m.db.PaymentStates(context.Background(), rows)
		}
		uiDo(func() {
			if gen != p.gen {
				return
			}
			if err != nil {
				p.failed(gen, page)
				if !s.reported {
					s.reported = true
					showProblem(s.m.Window, tr("doing.load_invoices", "load the invoices"), err)
				}
				return
			}
			p.put(gen, page, invoiceRows(rows, states))
			s.List.Refresh()
		})
	})
}

// filter reads the filter widgets. UI goroutine.
func (s *InvoicesScreen) filter() (storage.InvoiceFilter, error) {
	f := storage.InvoiceFilter{Search: strings.TrimSpace(s.Search.Text)}
	switch s.Type.SelectedIndex() {
	case 1:
		f.Type = storage.SalesInvoice
	case 2:
		f.Type = storage.ReturnInvoice
	}
	f.Connection = s.connections[s.Connection.Selected]
	f.BranchID = s.branchIDs[s.Branch.Selected]
	from, to := strings.TrimSpace(s.From.Text), strings.TrimSpace(s.To.Text)
	if from != "" {
		t, err := time.ParseInLocation(dayLayout, from, time.Local)
		if err != nil {
			return f, fmt.Errorf("%s", tr("filter.bad_from", "The “from” date is not a date: write it as YYYY-MM-DD."))
		}
		f.From = t
	}
	if to != "" {
		t, err := time.ParseInLocation(dayLayout, to, time.Local)
		if err != nil {
			return f, fmt.Errorf("%s", tr("filter.bad_to", "The “to” date is not a date: write it as YYYY-MM-DD."))
		}
		// The books keep whole seconds: the day ends at its last second.
		f.To = t.AddDate(0, 0, 1).Add(-time.Second)
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		return f, fmt.Errorf("%s", tr("filter.from_after_to", "The “from” date is after the “to” date."))
	}
	return f, nil
}

// filtersChanged runs the search the filters now describe; typing waits for a pause first.
func (s *InvoicesScreen) filtersChanged(typed bool) {
	if s.Status == nil || s.List == nil { // still being built
		return
	}
	f, err := s.filter()
	if err != nil {
		s.Status.SetText(err.Error())
		s.Status.Importance = widget.DangerImportance
		s.Status.Refresh()
		return
	}
	s.mu.Lock()
	s.want = f
	s.mu.Unlock()
	id := s.latest.Add(1)
	job := func() { s.query(context.Background(), id, f) }
	if typed {
		s.debounce.Trigger(job)
	} else {
		s.m.work.Go(job)
	}
}

func (s *InvoicesScreen) clearFilters() {
	s.Search.SetText("")
	s.From.SetText("")
	s.To.SetText("")
	s.Type.SetSelectedIndex(0)
	s.Connection.SetSelectedIndex(0)
	s.Branch.SetSelectedIndex(0)
	s.filtersChanged(false)
}

// query counts and reads the first page of a search, on the worker, and shows it unless a newer
// search was asked for meanwhile.
func (s *InvoicesScreen) query(ctx context.Context, id int64, f storage.InvoiceFilter) error {
	if id != s.latest.Load() {
		return nil
	}
	rows, count, err := s.m.db.InvoicePage(ctx, f, pageSize)
	var states map[int64]storage.PaymentState
	if err == nil {
		states, err = s.m.db.PaymentStates(ctx, rows)
	}
	uiDo(func() {
		if id != s.latest.Load() {
			return
		}
		if err != nil {
			s.Status.SetText(tr("invoices.failed", "Could not load the invoices"))
			showProblem(s.m.Window, tr("doing.load_invoices", "load the invoices"), err)
			return
		}
		s.reported = false
		s.pager.reset(f, count, rows, states)
		s.Status.Importance = widget.MediumImportance
		s.Status.SetText(trn("invoices.count", "{{.Count}} invoices", count, map[string]any{"Count": count}))
		s.List.UnselectAll()
		scrollToTop(s.List)
		s.List.Refresh()
	})
	return err
}

// load refreshes the filter choices and the list from the books. Worker.
func (s *InvoicesScreen) load(ctx context.Context) error {
	branches, err := s.m.db.Branches(ctx)
	if err != nil {
		s.m.showProblem(tr("doing.load_branches", "load the branches"), err)
		return err
	}
	conns, err := invoiceConnections(ctx, s.m.db)
	if err != nil {
		s.m.showProblem(tr("doing.load_connections", "load the store connections"), err)
		return err
	}
	uiDo(func() { s.setChoices(branches, conns) })
	s.mu.Lock()
	f := s.want
	s.mu.Unlock()
	return s.query(ctx, s.latest.Add(1), f)
}

// setChoices fills the branch and connection filters, keeping what was chosen. UI goroutine.
func (s *InvoicesScreen) setChoices(branches []storage.Branch, conns []string) {
	s.branchIDs = map[string]int64{}
	opts := []string{tr("filter.all_branches", "All branches")}
	for _, b := range branches {
		name := visual(b.Name)
		s.branchIDs[name] = b.ID
		opts = append(opts, name)
	}
	keep := s.Branch.Selected
	s.Branch.Options = opts
	if _, ok := s.branchIDs[keep]; !ok {
		keep = opts[0]
	}
	s.Branch.Selected = keep
	s.Branch.Refresh()

	s.connections = map[string]string{}
	copts := []string{tr("filter.all_connections", "All connections")}
	for _, c := range conns {
		name := visual(c)
		s.connections[name] = c
		copts = append(copts, name)
	}
	keep = s.Connection.Selected
	s.Connection.Options = copts
	if _, ok := s.connections[keep]; !ok {
		keep = copts[0]
	}
	s.Connection.Selected = keep
	if len(conns) == 0 {
		s.Connection.Disable()
	} else {
		s.Connection.Enable()
	}
	s.Connection.Refresh()
}

// invoiceConnections lists the store connections invoices came from. storage has no query for it
// yet, so it reads the books through a read-only transaction.
func invoiceConnections(ctx context.Context, db *storage.DB) ([]string, error) {
	var out []string
	err := db.View(ctx, func(tx *storage.Tx) error {
		rows, err := tx.Query(`SELECT DISTINCT source_connection FROM invoices WHERE source_connection <> '' ORDER BY source_connection`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}

// Open shows an invoice, remembering the one shown before so Back returns to it. UI goroutine.
func (s *InvoicesScreen) Open(id int64) {
	s.stack = append(s.stack, id)
	s.View.show(id)
	s.cards.Objects = []fyne.CanvasObject{s.View.Content}
	s.cards.Refresh()
}

// back returns to the invoice shown before, or to the list.
func (s *InvoicesScreen) back() {
	if len(s.stack) > 0 {
		s.stack = s.stack[:len(s.stack)-1]
	}
	if len(s.stack) > 0 {
		s.View.show(s.stack[len(s.stack)-1])
		return
	}
	s.cards.Objects = []fyne.CanvasObject{s.listView}
	s.cards.Refresh()
}

// ShowingList reports whether the list (rather than an invoice) is shown.
func (s *InvoicesScreen) ShowingList() bool {
	return len(s.cards.Objects) == 1 && s.cards.Objects[0] == s.listView
}
