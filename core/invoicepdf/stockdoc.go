package invoicepdf

import (
	"time"

	"github.com/carlos7ags/folio/layout"
	"github.com/shopspring/decimal"

	"mizan/storage"
)

// stockDocTitle is a kind of stock document's title in Arabic and English.
func stockDocTitle(k storage.StockDocKind) (string, string) {
	switch k {
	case storage.DocReceive:
		return "سند استلام بضاعة", "Goods Received Note"
	case storage.DocIssue:
		return "سند صرف بضاعة", "Goods Issue Note"
	case storage.DocTransfer:
		return "سند تحويل بين المستودعات", "Stock Transfer"
	case storage.DocInbound:
		return "إذن إضافة مخزون", "Inbound Requisition"
	case storage.DocOutbound:
		return "إذن صرف مخزون", "Outbound Requisition"
	case storage.DocAdjustment:
		return "تسوية مخزون", "Stock Adjustment"
	}
	return "محضر جرد", "Stock Count"
}

// RenderStockDocument prints a posted stock document on an A4 page in the chosen language(s)
// (the layout option is ignored): the seller, the document's title, number, date, warehouses,
// the document it reverses and its note, then its lines with their quantities (a receipt's
// purchase prices and value; a count's counted quantity, what the books had and the difference).
func RenderStockDocument(doc storage.StockDocument, seller storage.Seller, opt Options) ([]byte, error) {
	arTitle, enTitle := stockDocTitle(doc.Kind)
	return renderA4Report(a4Report{info: enTitle + " " + doc.Number, arTitle: arTitle, enTitle: enTitle,
		facts:  func(p *printer) [][3]string { return stockDocFacts(doc, p.opt.Location) },
		table:  func(p *printer) *layout.Table { return p.stockDocTable(doc) },
		noteAR: "مستند مرحل لا يعدل، ويصحح بمستند يعكسه",
		noteEN: "A posted document is never changed: it is corrected by a document that reverses it",
		what:   doc.Number}, seller, opt)
}

// stockDocFacts are what a stock document prints under its title.
func stockDocFacts(doc storage.StockDocument, loc *time.Location) [][3]string {
	facts := [][3]string{
		{"الرقم", "Number", doc.Number},
		{"التاريخ", "Date", doc.Date.In(loc).Format("2006-01-02 15:04")},
	}
	if doc.Kind == storage.DocTransfer {
		facts = append(facts, [3]string{"من المستودع", "From warehouse", doc.Warehouse}, [3]string{"إلى المستودع", "To warehouse", doc.ToWarehouse})
	} else {
		facts = append(facts, [3]string{"المستودع", "Warehouse", doc.Warehouse})
	}
	if doc.Source != "" {
		facts = append(facts, [3]string{"من المتجر", "From the store", doc.Source})
	}
	if doc.ReversesNumber != "" {
		facts = append(facts, [3]string{"يعكس", "Reverses", doc.ReversesNumber})
	}
	if doc.ReversedByNumber != "" {
		facts = append(facts, [3]string{"عكسه المستند", "Reversed by", doc.ReversedByNumber})
	}
	if doc.Note != "" {
		facts = append(facts, [3]string{"ملاحظة", "Note", doc.Note})
	}
	return facts
}

// stockDocTable is a stock document's lines.
func (p *printer) stockDocTable(doc storage.StockDocument) *layout.Table {
	counted := doc.Kind == storage.DocCount && doc.ReversesID == 0
	cols := [][2]string{{"الرمز", "Code"}, {"المنتج", "Product"}}
	widths := []float64{18, 46}
	switch {
	case counted:
		cols = append(cols, [2]string{"المعدود", "Counted"}, [2]string{"في الدفاتر", "Books had"}, [2]string{"الفرق", "Difference"})
		widths = append(widths, 12, 12, 12)
	case doc.Kind == storage.DocReceive:
		cols = append(cols, [2]string{"الكمية", "Quantity"}, [2]string{"سعر الشراء", "Purchase price"}, [2]string{"القيمة", "Value"})
		widths = append(widths, 12, 12, 12)
	default:
		cols = append(cols, [2]string{"الكمية", "Quantity"})
		widths[1] = 64
		widths = append(widths, 18)
	}
	t := p.table(widths)
	h := t.AddHeaderRow()
	for i, col := range cols {
		align := p.end()
		if i < 2 {
			align = p.start()
		}
		c := h.AddCellElement(p.heading(col[0], col[1], 7.5, align))
		c.SetBackground(shade).SetPadding(3)
		c.SetBorders(layout.CellBorders{Bottom: layout.SolidBorder(0.8, ink)})
	}
	total, value, hasValue := decimal.Zero, decimal.Zero, false
	for _, l := range doc.Lines {
		r := t.AddRow()
		cells := []string{l.Code, l.Name}
		switch {
		case counted:
			cells = append(cells, l.Counted.String(), l.Before.String(), signedQuantity(l.Quantity))
		case doc.Kind == storage.DocReceive:
			price, amount := "", ""
			if l.HasCost {
				v := l.Quantity.Mul(l.UnitCost)
				price, amount = money(l.UnitCost), money(v)
				value, hasValue = value.Add(v), true
			}
			cells = append(cells, l.Quantity.String(), price, amount)
		case doc.Kind == storage.DocCount || doc.Kind == storage.DocAdjustment:
			cells = append(cells, signedQuantity(l.Quantity)) // a reversed count's or an adjustment's differences, either sign
		default:
			cells = append(cells, l.Quantity.String())
		}
		total = total.Add(l.Quantity)
		for j, s := range cells {
			align := p.end()
			if j < 2 {
				align = p.start()
			}
			c := p.cell(r, s, 8.5, false, align)
			c.SetBorders(layout.CellBorders{Bottom: layout.SolidBorder(0.4, rule)})
		}
	}
	if !counted {
		r := t.AddRow()
		cells := []string{p.label("الإجمالي", "Total"), "", total.String()}
		if doc.Kind == storage.DocReceive {
			amount := ""
			if hasValue {
				amount = money(value)
			}
			cells = append(cells, "", amount)
		}
		for j, s := range cells {
			align := p.end()
			if j < 2 {
				align = p.start()
			}
			p.cell(r, s, 8.5, true, align).SetBackground(shade)
		}
	}
	return t
}

func signedQuantity(d decimal.Decimal) string {
	if d.IsPositive() {
		return "+" + d.String()
	}
	return d.String()
}

// StockDocumentFileName is the name a stock document is saved under.
func StockDocumentFileName(doc storage.StockDocument) string {
	return doc.Number + ".pdf"
}
