package invoicepdf

import (
	"fmt"
	"time"

	"github.com/carlos7ags/folio/layout"
	"github.com/shopspring/decimal"

	"mizan/storage"
)

// RenderVATReport prints a period's VAT report on A4 pages in the chosen language(s) (the
// layout option is ignored): the seller with its VAT number, the period, the store and the
// invoices counted, then each rate's taxable amounts and VAT on sales and on returns and what is
// left after the returns, the total last. The amounts are the report's, exactly as summed.
func RenderVATReport(rep storage.VATReport, seller storage.Seller, opt Options) ([]byte, error) {
	period := rep.From.Format(time.DateOnly) + " – " + rep.To.Format(time.DateOnly)
	return renderA4Report(a4Report{info: "VAT report " + period, arTitle: "تقرير ضريبة القيمة المضافة", enTitle: "VAT Report",
		facts:  func(p *printer) [][3]string { return p.vatReportFacts(rep, period) },
		table:  func(p *printer) *layout.Table { return p.vatReportTable(rep) },
		noteAR: "المبالغ الخاضعة بدون الضريبة، مجموعة بدقة من الفواتير؛ صافي الضريبة = ضريبة المبيعات - ضريبة المرتجعات",
		noteEN: "Taxable amounts exclude VAT and are summed exactly from the invoices; net VAT = sales VAT - returns VAT",
		what:   "the VAT report"}, seller, opt)
}

// vatReportFacts are what the VAT report prints under its title.
func (p *printer) vatReportFacts(rep storage.VATReport, period string) [][3]string {
	store := p.label("كل المتاجر", "All stores")
	if rep.Connection != "" {
		store = rep.Connection
	}
	facts := [][3]string{
		{"الفترة", "Period", period},
		{"المتجر", "Store", store},
		{"العملة", "Currency", rep.Currency},
		{"الفواتير", "Invoices", p.label(fmt.Sprintf("%d مبيعات، %d مرتجعات", rep.Sales, rep.Returns),
			fmt.Sprintf("%d sales, %d returns", rep.Sales, rep.Returns))},
	}
	if rep.OtherCurrency > 0 {
		facts = append(facts, [3]string{"بعملات أخرى (لم تُجمع)", "In other currencies (not summed)", fmt.Sprint(rep.OtherCurrency)})
	}
	return facts
}

// vatReportTable is the VAT report's rows, the total last.
func (p *printer) vatReportTable(rep storage.VATReport) *layout.Table {
	rows := rep.Rows()
	t := p.table([]float64{16, 14, 14, 14, 14, 14, 14})
	h := t.AddHeaderRow()
	for _, col := range [][2]string{{"النسبة", "Rate"}, {"المبيعات الخاضعة", "Sales taxable"}, {"ضريبة المبيعات", "Sales VAT"},
		{"المرتجعات الخاضعة", "Returns taxable"}, {"ضريبة المرتجعات", "Returns VAT"}, {"الصافي الخاضع", "Net taxable"},
		{"صافي الضريبة", "Net VAT"}} {
		align := p.end()
		if col[1] == "Rate" {
			align = p.start()
		}
		c := h.AddCellElement(p.heading(col[0], col[1], 7.5, align))
		c.SetBackground(shade).SetPadding(3)
		c.SetBorders(layout.CellBorders{Bottom: layout.SolidBorder(0.8, ink)})
	}
	for i, rw := range rows {
		last := i == len(rows)-1
		r := t.AddRow()
		cells := []string{p.vatRowLabel(rw, last), money(rw.SalesTaxable), money(rw.SalesVAT), money(rw.ReturnsTaxable),
			money(rw.ReturnsVAT), money(rw.NetTaxable()), money(rw.NetVAT())}
		for j, s := range cells {
			align := p.end()
			if j == 0 {
				align = p.start()
			}
			c := p.cell(r, s, 8.5, last, align)
			c.SetBorders(layout.CellBorders{Bottom: layout.SolidBorder(0.4, rule)})
			if last {
				c.SetBackground(shade)
			}
		}
	}
	return t
}

// vatRowLabel names a report row in the chosen language(s).
func (p *printer) vatRowLabel(r storage.VATReportRow, last bool) string {
	switch {
	case last:
		return p.label("الإجمالي", "Total")
	case r.Label == "Order discounts":
		return p.label("خصومات الطلبات", "Order discounts")
	case r.Rate.Equal(decimal.NewFromInt(-1)):
		return p.label("ضريبة بلا مبلغ", "VAT on no amount")
	case !r.Known:
		return percent(r.Rate) + " " + p.label("(نسبة غير معروفة)", "(not a known rate)")
	}
	return percent(r.Rate)
}

// both is a sentence in the chosen language(s), one line each.
func (p *printer) both(ar, en string) []string {
	switch p.opt.Lang {
	case Arabic:
		return []string{ar}
	case English:
		return []string{en}
	}
	return []string{ar, en}
}

// VATReportFileName is the name a VAT report is saved under.
func VATReportFileName(rep storage.VATReport) string {
	return fmt.Sprintf("vat-report-%s-%s.pdf", rep.From.Format(time.DateOnly), rep.To.Format(time.DateOnly))
}
