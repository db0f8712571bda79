package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"mizan/storage"
)

// A return reads negative in the invoice list, in its own view and among its sale's returns; the
// view shows an invoice's total without scrolling on a 1280×800 screen.
func TestReturnReadsNegativeEverywhere(t *testing.T) {
	m, db := openApp(t, seededDir(t, 40))
	ctx := context.Background()
	rets, err := db.Invoices(ctx, storage.InvoiceFilter{Type: storage.ReturnInvoice, Limit: 1})
	if err != nil || len(rets) == 0 {
		t.Fatalf("no return in the demo books: %v", err)
	}
	ret, err := db.Invoice(ctx, rets[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	want := "-" + money(ret.Total)
	m.Window.Resize(fyne.NewSize(1280, 800))
	test.Tap(m.Nav[ScreenInvoices])
	test.Type(m.Invoices.Search, ret.Number)
	m.Idle()
	mustShow(t, m.Invoices.List, ret.Number, want)

	tapText(t, m.Window, ret.Number)
	m.Idle()
	v := m.Invoices.View
	if v.Invoice.ID != ret.ID {
		t.Fatalf("opened %d, want %d", v.Invoice.ID, ret.ID)
	}
	mustShow(t, v.Totals, want+" "+ret.Currency)
	totalShown(t, m, want+" "+ret.Currency)

	// The sale it was issued against lists it, and what was returned in all, negative too.
	test.Tap(v.Original)
	m.Idle()
	if v.Invoice.ID != ret.OriginalID || len(v.ReturnLinks) == 0 {
		t.Fatalf("the original invoice %d shows %d returns", v.Invoice.ID, len(v.ReturnLinks))
	}
	var found bool
	for _, b := range v.ReturnLinks {
		if strings.HasPrefix(b.Text, ret.Number) {
			found = strings.Contains(b.Text, want+" "+ret.Currency)
		}
	}
	if !found {
		t.Fatalf("the sale's returns do not show %s at %s", ret.Number, want)
	}
	mustShow(t, v.Links, "Returned in all: -")
	sale := v.Invoice
	totalShown(t, m, money(sale.Total)+" "+sale.Currency)

	// An invoice of thirty lines still shows its total.
	var long storage.Invoice
	if err := db.Update(ctx, func(tx *storage.Tx) error {
		in := storage.Invoice{BranchID: 1, WarehouseID: 1, ClientID: 1, Currency: "SAR"}
		for i := 0; i < 30; i++ {
			in.Lines = append(in.Lines, storage.InvoiceLine{Description: "Gift box " + itoa(i+1), Quantity: decimal.NewFromInt(1),
				UnitPrice: decimal.NewFromInt(10)})
		}
		var err error
		long, err = tx.IssueSalesInvoice(in)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	m.Invoices.Open(long.ID)
	m.Idle()
	totalShown(t, m, money(long.Total)+" SAR")
}

// totalShown fails unless the invoice view's Total line is inside the window, with the view
// scrolled to its top.
func totalShown(t *testing.T, m *App, text string) {
	t.Helper()
	v := m.Invoices.View
	v.scroll.ScrollToTop()
	d := fyne.CurrentApp().Driver()
	bottom := d.AbsolutePositionForObject(m.Invoices.Content).Y + m.Window.Canvas().Size().Height
	for _, p := range drawn(v.Totals) {
		if l, ok := p.obj.(*widget.Label); ok && l.Text == text {
			at := d.AbsolutePositionForObject(l)
			t.Logf("the total %q ends at y=%.0f; the view shows down to y=%.0f", text, at.Y+l.Size().Height, bottom)
			if at.Y+l.Size().Height > bottom {
				t.Fatalf("the total %q ends at y=%.0f, below the %.0f the window shows without scrolling",
					text, at.Y+l.Size().Height, bottom)
			}
			return
		}
	}
	t.Fatalf("no total %q in %q", text, texts(v.Totals))
}
