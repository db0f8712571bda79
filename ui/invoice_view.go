package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

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
	Details     *fyne.Container
	Lines       *fyne.Container
	Charges     *fyne.Container
	Totals      *fyne.Container
	Links       *fyne.Container
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
	v.Details = container.NewGridWithColumns(2)
	v.Lines = container.NewVBox()
	v.Charges = container.NewVBox()
	v.Totals = container.NewVBox()
	v.Links = container.NewVBox()
	v.body = container.NewVBox(v.Details, widget.NewSeparator(), v.Lines, v.Charges,
		container.NewHBox(layout.NewSpacer(), v.Totals), widget.NewSeparator(), v.Links)
	v.scroll = container.NewVScroll(container.NewPadded(v.body))
	v.Content = container.NewBorder(container.NewVBox(container.NewHBox(v.Back, v.Title, layout.NewSpacer(), v.Original),
		widget.NewSeparator()), nil, nil, nil, v.scroll)
	return v
}

// show loads an invoice in the background and shows it. UI goroutine.
func (v *InvoiceView) show(id int64) {
	v.showing = id
	v.Invoice = storage.Invoice{}
	v.Title.SetText(tr("invoice.loading", "Loading the invoice…"))
	v.Original.Hide()
	for _, c := range []*fyne.Container{v.Details, v.Lines, v.Charges, v.Totals, v.Links} {
		c.RemoveAll()
	}
	v.relayout()
	db := v.s.m.db
	v.s.m.work.Go(func() {
		ctx := context.Background()
		inv, err := db.Invoice(ctx, id)
		var returns []storage.Invoice
		if err == nil && inv.Type == storage.SalesInvoice {
			returns, err = db.ReturnsOf(ctx, id)
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
		})
	})
}

func valueLabel(text string) *widget.Label {
	l := widget.NewLabel(visual(text))
	l.Wrapping = fyne.TextWrapWord
	return l
}

func keyLabel(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
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
	l := widget.NewLabelWithStyle(text, align, fyne.TextStyle{Bold: bold})
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

func (v *InvoiceView) render(inv storage.Invoice, returns []storage.Invoice) {
	v.Invoice = inv
	isReturn := inv.Type == storage.ReturnInvoice
	if isReturn {
		v.Title.SetText(tr("invoice.return_title", "Return invoice {{.Number}}", map[string]any{"Number": inv.Number}))
	} else {
		v.Title.SetText(tr("invoice.sales_title", "Sales invoice {{.Number}}", map[string]any{"Number": inv.Number}))
	}

	prices := tr("invoice.prices_before_tax", "before tax")
	if inv.TaxInclusive {
		prices = tr("invoice.prices_include_tax", "include tax")
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
	add(tr("total.subtotal", "Subtotal"), money(inv.Subtotal), false)
	if !inv.Discount.IsZero() {
		add(tr("total.discount", "Discount"), "-"+money(inv.Discount), false)
	}
	if !inv.Shipping.IsZero() {
		add(tr("total.shipping", "Shipping"), money(inv.Shipping), false)
	}
	if !inv.OtherCharges.IsZero() {
		add(tr("total.other", "Other charges"), money(inv.OtherCharges), false)
	}
	if inv.TaxInclusive {
		add(tr("total.tax_included", "Tax (included)"), money(inv.Tax), false)
	} else {
		add(tr("total.tax", "Tax"), money(inv.Tax), false)
	}
	add(tr("total.total", "Total"), money(inv.Total)+" "+inv.Currency, true)
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
				b := widget.NewButtonWithIcon(r.Number+"   "+localDate(r.IssueDate)+"   "+money(r.Total)+" "+r.Currency,
					theme.DocumentIcon(), func() { v.s.Open(id) })
				b.Alignment = widget.ButtonAlignLeading
				v.ReturnLinks = append(v.ReturnLinks, b)
				v.Links.Add(container.NewHBox(b))
				returned = returned.Add(r.Total)
			}
			v.Links.Add(widget.NewLabel(tr("invoice.returned_total", "Returned in all: {{.Amount}}",
				map[string]any{"Amount": money(returned) + " " + inv.Currency})))
		}
	}
	if inv.Notes != "" {
		v.Links.Add(form(tr("field.notes", "Notes"), inv.Notes))
	}
	v.relayout()
}

// relayout lays the body out again after its sections changed, and scrolls back to the top.
func (v *InvoiceView) relayout() {
	for _, c := range []*fyne.Container{v.Details, v.Lines, v.Charges, v.Totals, v.Links, v.body} {
		c.Refresh()
	}
	v.scroll.Content.Refresh()
	v.scroll.Refresh()
	v.scroll.ScrollToTop()
}

func itoa(i int) string { return decimal.NewFromInt(int64(i)).String() }
