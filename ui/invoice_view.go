package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	fstorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"mizan/core/invoicepdf"
	"mizan/storage"
)

// Column widths of an invoice's lines: #, code, item (stretches), quantity, unit price, discount,
// tax, total, back to stock (returns only).
var lineColumns = []float32{28, 110, 200, 70, 100, 90, 90, 110, 90}

// InvoiceView shows one invoice: header, client, store source, lines, charges, totals, and the
// invoices linked to it (the original of a return, the returns of a sale).
type InvoiceView struct {
	Back  *widget.Button
	Title *widget.Label
	// Original opens the sales invoice a return was issued against (hidden for sales).
	Original *widget.Button
	// ReturnLinks open the returns issued against a sales invoice.
	ReturnLinks []*widget.Button
	// Print saves the invoice as a PDF (Ctrl+P too, ui/shortcuts.go), on the page PrintLayout chooses (A4 or an
	// 80 mm receipt) in the languages PrintLang chooses (Arabic and English by default).
	Print       *widget.Button
	PrintLayout *widget.Select
	PrintLang   *widget.Select
	Details     *fyne.Container
	Lines       *fyne.Container
	Charges     *fyne.Container
	Totals      *fyne.Container
	Links       *fyne.Container
	// PayStatus says whether the invoice is paid, partly paid or unpaid (for a return: whether
	// its money was paid back), and Payments lists the payments behind it.
	PayStatus *widget.Label
	Payments  *fyne.Container
	// Invoice is the invoice shown (zero while loading).
	Invoice storage.Invoice
	Content fyne.CanvasObject

	s       *InvoicesScreen
	showing int64
	body    *fyne.Container
	scroll  *container.Scroll
}

func newInvoiceView(s *InvoicesScreen) *InvoiceView {
	v := &InvoiceView{s: s}
	v.Back = widget.NewButtonWithIcon(tr("action.back", "Back"), theme.NavigateBackIcon(), s.back)
	v.Title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.Title.SizeName = theme.SizeNameHeadingText
	v.Original = widget.NewButtonWithIcon("", theme.DocumentIcon(), nil)
	v.Original.Hide()
	v.Print = widget.NewButtonWithIcon(tr("invoice.print", "Print / Save as PDF"), theme.DocumentPrintIcon(), v.choosePDFFile)
	v.Print.Disable()
	v.PrintLayout = widget.NewSelect([]string{tr("print.a4", "A4 page"), tr("print.receipt", "80 mm receipt")}, nil)
	v.PrintLayout.SetSelectedIndex(0)
	v.PrintLang = widget.NewSelect([]string{tr("print.both", "Arabic and English"), tr("print.ar", "Arabic"),
		tr("print.en", "English")}, nil)
	v.PrintLang.SetSelectedIndex(0)
	v.Details = container.NewGridWithColumns(2)
	v.Lines = container.NewVBox()
	v.Charges = container.NewVBox()
	v.Totals = container.NewVBox()
	v.Links = container.NewVBox()
	v.PayStatus = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.Payments = container.NewVBox()
	v.body = container.NewVBox(v.Details, widget.NewSeparator(), v.Lines, v.Charges,
		widget.NewSeparator(), v.PayStatus, v.Payments, widget.NewSeparator(), v.Links)
	v.scroll = container.NewVScroll(container.NewPadded(v.body))
	// The totals stay under the scrolled part: an invoice's total is in sight however many lines
	// it has.
	totals := container.NewVBox(widget.NewSeparator(), container.NewHBox(layout.NewSpacer(), v.Totals))
	v.Content = container.NewBorder(container.NewVBox(container.NewHBox(v.Back, v.Title, layout.NewSpacer(), v.Original,
		container.NewCenter(container.NewGridWrap(fyne.NewSize(150, v.PrintLayout.MinSize().Height), v.PrintLayout)),
		container.NewCenter(container.NewGridWrap(fyne.NewSize(190, v.PrintLang.MinSize().Height), v.PrintLang)), v.Print),
		widget.NewSeparator()), totals, nil, nil, v.scroll)
	return v
}

// show loads an invoice in the background and shows it. UI goroutine.
func (v *InvoiceView) show(id int64) {
	v.showing = id
	v.Invoice = storage.Invoice{}
	v.Title.SetText(tr("invoice.loading", "Loading the invoice…"))
	v.Original.Hide()
	v.Print.Disable()
	for _, c := range []*fyne.Container{v.Details, v.Lines, v.Charges, v.Totals, v.Links, v.Payments} {
		c.RemoveAll()
	}
	v.PayStatus.SetText("")
	v.relayout()
	db := v.s.m.db
	v.s.m.work.Go(func() {
		ctx := context.Background()
		inv, err := db.Invoice(ctx, id)
		var returns []storage.Invoice
		if err == nil && inv.Type == storage.SalesInvoice {
			returns, err = db.ReturnsOf(ctx, id)
		}
		var pays []storage.Payment
		var states map[int64]storage.PaymentState
		if err == nil {
			pays, err = db.Payments(ctx, storage.PaymentFilter{InvoiceID: id})
		}
		if err == nil {
			states, err = db.PaymentStates(ctx, []storage.Invoice{inv})
		}
		uiDo(func() {
			if v.showing != id {
				return
			}
			if err != nil {
				v.Title.SetText(tr("invoice.failed", "Could not load the invoice"))
				showProblem(v.s.m.Window, tr("doing.load_invoice", "load the invoice"), err)
				return
			}
			v.render(inv, returns)
			v.renderPayments(inv, states[inv.ID], pays)
			v.relayout()
		})
	})
}

// valueLabel shows a value, wrapped to its width in reading order (a client's name, a note).
func valueLabel(text string) *WrapLabel {
	return NewWrapLabel(text)
}

func keyLabel(text string) *widget.Label {
	return widget.NewLabelWithStyle(visual(text), fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
}

func form(pairs ...string) *fyne.Container {
	c := container.New(layout.NewFormLayout())
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			continue
		}
		c.Add(keyLabel(pairs[i]))
		c.Add(valueLabel(pairs[i+1]))
	}
	return c
}

func cell(text string, align fyne.TextAlign, bold bool) *widget.Label {
	l := widget.NewLabelWithStyle(visual(text), align, fyne.TextStyle{Bold: bold})
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

func (v *InvoiceView) render(inv storage.Invoice, returns []storage.Invoice) {
	v.Invoice = inv
	v.Print.Enable()
	isReturn := inv.Type == storage.ReturnInvoice
	if isReturn {
		v.Title.SetText(tr("invoice.return_title", "Return invoice {{.Number}}", map[string]any{"Number": inv.Number}))
	} else {
		v.Title.SetText(tr("invoice.sales_title", "Sales invoice {{.Number}}", map[string]any{"Number": inv.Number}))
	}

	prices := trText("invoice.prices_before_tax", "before tax")
	if inv.TaxInclusive {
		prices = trText("invoice.prices_include_tax", "include tax")
	}
	left := form(
		tr("field.date", "Date"), localDateTime(inv.IssueDate),
		tr("field.branch", "Branch"), inv.BranchName,
		tr("field.warehouse", "Warehouse"), inv.WarehouseName,
		tr("field.currency", "Currency"), inv.Currency,
		tr("field.prices", "Prices"), prices,
	)
	right := form(
		tr("field.client", "Client"), inv.Client.Name,
		tr("field.email", "Email"), inv.Client.Email,
		tr("field.phone", "Phone"), inv.Client.Phone,
		tr("field.connection", "Store connection"), inv.Source.Connection,
		tr("field.platform", "Platform"), inv.Source.Platform,
		tr("field.order", "Store order"), inv.Source.OrderName,
		tr("field.external_id", "Store ID"), inv.Source.ExternalID,
		tr("field.store_doc", "Store's tax document"), inv.StoreDoc.Number,
	)
	v.Details.Objects = []fyne.CanvasObject{left, right}
	v.Details.Refresh()

	if isReturn {
		v.Original.SetText(tr("invoice.original", "Original invoice {{.Number}}", map[string]any{"Number": inv.OriginalNumber}))
		orig := inv.OriginalID
		v.Original.OnTapped = func() { v.s.Open(orig) }
		v.Original.Show()
	}

	widths := lineColumns
	if !isReturn {
		widths = lineColumns[:len(lineColumns)-1]
	}
	lay := func() *columns { return &columns{widths: widths, flex: 2} }
	head := []fyne.CanvasObject{cell("#", fyne.TextAlignLeading, true), cell(tr("col.code", "Code"), fyne.TextAlignLeading, true),
		cell(tr("col.item", "Item"), fyne.TextAlignLeading, true), cell(tr("col.quantity", "Qty"), fyne.TextAlignTrailing, true),
		cell(tr("col.unit_price", "Unit price"), fyne.TextAlignTrailing, true), cell(tr("col.discount", "Discount"), fyne.TextAlignTrailing, true),
		cell(tr("col.tax", "Tax"), fyne.TextAlignTrailing, true), cell(tr("col.total", "Total"), fyne.TextAlignTrailing, true)}
	if isReturn {
		head = append(head, cell(tr("col.restock", "To stock"), fyne.TextAlignTrailing, true))
	}
	v.Lines.Add(container.New(lay(), head...))
	for i, l := range inv.Lines {
		row := []fyne.CanvasObject{cell(itoa(i+1), fyne.TextAlignLeading, false), cell(l.ProductCode, fyne.TextAlignLeading, false),
			cell(visual(l.Description), fyne.TextAlignLeading, false), cell(quantity(l.Quantity, false), fyne.TextAlignTrailing, false),
			cell(money(l.UnitPrice), fyne.TextAlignTrailing, false), cell(money(l.Discount), fyne.TextAlignTrailing, false),
			cell(money(l.Tax), fyne.TextAlignTrailing, false), cell(money(l.Total), fyne.TextAlignTrailing, false)}
		if isReturn {
			restock := tr("answer.no", "No")
			if l.Restock && l.ProductID != 0 {
				restock = tr("answer.yes", "Yes")
			}
			row = append(row, cell(restock, fyne.TextAlignTrailing, false))
		}
		v.Lines.Add(container.New(lay(), row...))
	}

	if len(inv.Charges) > 0 {
		chargeCols := func() *columns { return &columns{widths: []float32{110, 240, 110, 90}, flex: 1} }
		v.Charges.Add(widget.NewLabelWithStyle(tr("invoice.charges", "Shipping and other charges"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		for _, c := range inv.Charges {
			v.Charges.Add(container.New(chargeCols(), cell(chargeKindName(c.Kind), fyne.TextAlignLeading, false),
				cell(visual(c.Description), fyne.TextAlignLeading, false), cell(money(c.Amount), fyne.TextAlignTrailing, false),
				cell(tr("invoice.charge_tax", "tax {{.Amount}}", map[string]any{"Amount": money(c.Tax)}), fyne.TextAlignTrailing, false)))
		}
	}

	totals := container.New(layout.NewFormLayout())
	add := func(key, value string, bold bool) {
		totals.Add(keyLabel(key))
		totals.Add(widget.NewLabelWithStyle(value, fyne.TextAlignTrailing, fyne.TextStyle{Bold: bold}))
	}
	// A return's totals are money going back: negative, as in the invoice list (signedAmount).
	sign := func(d decimal.Decimal) string { return money(signedAmount(inv.Type, d)) }
	add(tr("total.subtotal", "Subtotal"), sign(inv.Subtotal), false)
	if !inv.Discount.IsZero() {
		add(tr("total.discount", "Discount"), sign(inv.Discount.Neg()), false)
	}
	if !inv.Shipping.IsZero() {
		add(tr("total.shipping", "Shipping"), sign(inv.Shipping), false)
	}
	if !inv.OtherCharges.IsZero() {
		add(tr("total.other", "Other charges"), sign(inv.OtherCharges), false)
	}
	if inv.TaxInclusive {
		add(tr("total.tax_included", "Tax (included)"), sign(inv.Tax), false)
	} else {
		add(tr("total.tax", "Tax"), sign(inv.Tax), false)
	}
	add(tr("total.total", "Total"), sign(inv.Total)+" "+inv.Currency, true)
	v.Totals.Add(totals)

	v.ReturnLinks = nil
	if !isReturn {
		if len(returns) == 0 {
			v.Links.Add(widget.NewLabel(tr("invoice.no_returns", "No returns against this invoice.")))
		} else {
			v.Links.Add(widget.NewLabelWithStyle(tr("invoice.returns", "Returns against this invoice"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
			returned := decimal.Zero
			for _, r := range returns {
				id := r.ID
				b := widget.NewButtonWithIcon(r.Number+"   "+localDate(r.IssueDate)+"   "+money(signedAmount(r.Type, r.Total))+" "+r.Currency,
					theme.DocumentIcon(), func() { v.s.Open(id) })
				b.Alignment = widget.ButtonAlignLeading
				v.ReturnLinks = append(v.ReturnLinks, b)
				v.Links.Add(container.NewHBox(b))
				returned = returned.Add(r.Total)
			}
			v.Links.Add(widget.NewLabel(tr("invoice.returned_total", "Returned in all: {{.Amount}}",
				map[string]any{"Amount": money(returned.Neg()) + " " + inv.Currency})))
		}
	}
	if inv.Notes != "" {
		v.Links.Add(form(tr("field.notes", "Notes"), inv.Notes))
	}
	v.relayout()
}

// relayout lays the body out again after its sections changed, and scrolls back to the top.
func (v *InvoiceView) relayout() {
	for _, c := range []*fyne.Container{v.Details, v.Lines, v.Charges, v.Totals, v.Links, v.Payments, v.body} {
		c.Refresh()
	}
	v.scroll.Content.Refresh()
	v.scroll.Refresh()
	v.scroll.ScrollToTop()
	v.Content.Refresh() // the totals under the scroll may have grown
}

// paymentColumns are the widths of an invoice's payment rows: number, date, invoice, account,
// method (stretches), amount.
var paymentColumns = []float32{150, 130, 150, 140, 160, 130}

// renderPayments shows the invoice's payment status and the payments behind it (for a sales
// invoice, its returns' refunds too).
func (v *InvoiceView) renderPayments(inv storage.Invoice, st storage.PaymentState, pays []storage.Payment) {
	text := tr("invoice.payment_status", "Payment: {{.Status}}", map[string]any{"Status": payStatusName(inv.Type, st.Status)})
	if st.Status == storage.PayPartly || st.Status == storage.PayUnpaid {
		text += "   " + tr("invoice.paid_of", "{{.Paid}} of {{.Due}} {{.Currency}}",
			map[string]any{"Paid": money(st.Paid), "Due": money(st.Due), "Currency": inv.Currency})
	}
	v.PayStatus.SetText(text)
	v.PayStatus.Importance = payImportance(st.Status)
	v.PayStatus.Refresh()
	if len(pays) == 0 {
		v.Payments.Add(widget.NewLabel(tr("invoice.no_payments", "No payments recorded for this invoice.")))
		return
	}
	lay := func() *columns { return &columns{widths: paymentColumns, flex: 4} }
	v.Payments.Add(container.New(lay(), cell(tr("col.number", "Number"), fyne.TextAlignLeading, true),
		cell(tr("col.date", "Date"), fyne.TextAlignLeading, true), cell(tr("col.invoice", "Invoice"), fyne.TextAlignLeading, true),
		cell(tr("col.account", "Account"), fyne.TextAlignLeading, true), cell(tr("col.method", "Method"), fyne.TextAlignLeading, true),
		cell(tr("col.amount", "Amount"), fyne.TextAlignTrailing, true)))
	for _, p := range pays {
		v.Payments.Add(container.New(lay(), cell(p.Number, fyne.TextAlignLeading, false), cell(localDateTime(p.Date), fyne.TextAlignLeading, false),
			cell(p.InvoiceNumber, fyne.TextAlignLeading, false), cell(visual(p.AccountName), fyne.TextAlignLeading, false),
			cell(visual(methodLabel(p.Method, p.MethodTitle)), fyne.TextAlignLeading, false),
			cell(signedMoney(p)+" "+p.Currency, fyne.TextAlignTrailing, false)))
	}
}

// methodLabel is how a store's payment method reads: its title, with its name when they differ.
func methodLabel(method, title string) string {
	switch {
	case title != "" && title != method && method != "":
		return title + " (" + method + ")"
	case title != "":
		return title
	}
	return method
}

// signedMoney is a payment's amount, negative when the money went out.
func signedMoney(p storage.Payment) string {
	if p.Direction == storage.PaymentOut {
		return "-" + money(p.Amount)
	}
	return money(p.Amount)
}

func itoa(i int) string { return decimal.NewFromInt(int64(i)).String() }

// printOptions are the layout and languages the view's selects choose.
func (v *InvoiceView) printOptions() invoicepdf.Options {
	opt := invoicepdf.Options{Layout: invoicepdf.A4, Lang: invoicepdf.Both}
	if v.PrintLayout.SelectedIndex() == 1 {
		opt.Layout = invoicepdf.Receipt
	}
	switch v.PrintLang.SelectedIndex() {
	case 1:
		opt.Lang = invoicepdf.Arabic
	case 2:
		opt.Lang = invoicepdf.English
	}
	return opt
}

// PDF prints the invoice shown to PDF, as the selects choose. It reads the books: call it off the
// UI goroutine.
func (v *InvoiceView) PDF(ctx context.Context, id int64, opt invoicepdf.Options) ([]byte, error) {
	doc, err := invoicepdf.LoadID(ctx, v.s.m.db, id)
	if err != nil {
		return nil, err
	}
	return invoicepdf.Render(doc, opt)
}

// SavePDF prints the invoice shown to a PDF file at path, replacing it only once the whole file is
// written. It runs on the caller's goroutine.
func (v *InvoiceView) SavePDF(ctx context.Context, path string) error {
	pdf, err := v.PDF(ctx, v.Invoice.ID, v.printOptions())
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	_, err = tmp.Write(pdf)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("save %s: %w", filepath.Base(path), err)
	}
	return nil
}

// choosePDFFile asks where to save the PDF, then prints it in the background.
func (v *InvoiceView) choosePDFFile() {
	if v.Invoice.ID == 0 {
		return
	}
	id, number, opt := v.Invoice.ID, v.Invoice.Number, v.printOptions()
	v.s.m.savePDF(invoicepdf.FileName(number), tr("doing.print", "save the invoice as PDF"),
		func(ctx context.Context) ([]byte, error) { return v.PDF(ctx, id, opt) },
		tr("print.done_title", "Saved"), func(file string) string {
			return tr("print.done", "Invoice {{.Number}} was saved as {{.File}}.", map[string]any{"Number": number, "File": file})
		})
}

// savePDF asks where to save a PDF, offering the name given, then prints it there in the
// background and says so (the title and message for the file's name), or what went wrong doing
// it. UI goroutine.
func (m *App) savePDF(name, doing string, print func(context.Context) ([]byte, error), title string, saved func(file string) string) {
	w := m.Window
	askSaveFile(w, name, ".pdf", doing, func(wc fyne.URIWriteCloser) {
		m.work.arm()
		go func() {
			defer m.work.done()
			pdf, err := print(context.Background())
			if err == nil {
				_, err = wc.Write(pdf)
			}
			if cerr := wc.Close(); err == nil {
				err = cerr
			}
			file := wc.URI().Name()
			uiDo(func() {
				if err != nil {
					showProblem(w, doing, err)
					return
				}
				showInformation(title, saved(file), w)
			})
		}()
	})
}

// askSaveFile asks where to save a file, offering the name given and showing the files whose
// names end in ext, then hands save the file opened (not when cancelled). A problem opening it is
// shown as one doing what doing says. UI goroutine, save too.
func askSaveFile(w fyne.Window, name, ext, doing string, save func(fyne.URIWriteCloser)) {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			showProblem(w, doing, err)
			return
		}
		if wc == nil { // cancelled
			return
		}
		save(wc)
	}, w)
	d.SetFileName(name)
	d.SetFilter(fstorage.NewExtensionFileFilter([]string{ext}))
	d.Show()
	// Only after Show: until the dialog has built its pop-up, the toolkit's FileDialog.Resize
	// (through MinSize) reads that pop-up and crashes on its absence (fyne v2.8.1). A build whose
	// save dialog is the desktop's own has no pop-up at all, so it is left at the desktop's size.
	if !nativeFileDialogs {
		d.Resize(fyne.NewSize(800, 560))
	}
}
