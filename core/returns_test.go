package core_test

import (
	"testing"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/storage"
)

func (e *env) invoicesOf(orderName string) (sales []storage.Invoice, returns []storage.Invoice) {
	e.t.Helper()
	invs, err := e.db.FullInvoices(ctx, storage.InvoiceFilter{})
	must(e.t, err)
	for _, inv := range invs {
		if inv.Source.OrderName != orderName {
			continue
		}
		if inv.Type == storage.SalesInvoice {
			sales = append(sales, inv)
		} else {
			returns = append(returns, inv)
		}
	}
	return sales, returns
}

// An order refunded twice, one unit returned and restocked and then the shipping on its own, is
// one sales invoice and two returns adding up to the refunds; the shipping return moves no stock.
func TestShippingOnlyRefund(t *testing.T) {
	for _, afterInvoice := range []bool{false, true} {
		name := map[bool]string{false: "both refunds before the first sync", true: "refunds after the invoice"}[afterInvoice]
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			small, _, _ := e.catalogue()
			o := e.store.PlaceOrder(orderOf(nil, "23.00", nil, line(small, "2")))
			if afterInvoice {
				e.sync()
			}
			e.store.Refund(o.ExternalID, core.StoreRefund{Lines: []core.StoreRefundLine{{LineID: o.Lines[0].ExternalID,
				Quantity: d("1"), Subtotal: d("32.00"), Tax: d("4.17"), Restock: true}}, Total: d("32.00")})
			e.clock.Advance(30e9)
			e.store.Refund(o.ExternalID, core.StoreRefund{Shipping: d("23.00"), ShippingTax: d("3.00"), Total: d("23.00"), Note: "late delivery"})
			sum := e.sync()
			if sum.Counts.Errors != 0 {
				t.Errorf("errors: %+v", sum.Counts)
			}
			sales, returns := e.invoicesOf(o.Name)
			if len(sales) != 1 || len(returns) != 2 {
				t.Fatalf("%d sales and %d return invoices, want 1 and 2", len(sales), len(returns))
			}
			total := decimal.Zero
			for _, r := range returns {
				total = total.Add(r.Total)
				if r.OriginalID != sales[0].ID {
					t.Errorf("return %s is not linked to %s", r.Number, sales[0].Number)
				}
			}
			if !total.Equal(d("55.00")) {
				t.Errorf("returns add up to %s, the store refunded 55.00", total)
			}
			ship := returns[1]
			if len(ship.Lines) != 0 || !ship.Shipping.Equal(d("23")) || !ship.Tax.Equal(d("3")) || !ship.Total.Equal(d("23")) {
				t.Errorf("shipping-only return: lines %d, shipping %s, tax %s, total %s", len(ship.Lines), ship.Shipping, ship.Tax, ship.Total)
			}
			if got := e.qty("COF-250"); got != "19" { // 20 − 2 sold + 1 restocked
				t.Errorf("coffee %s, want 19: stock moved more than once", got)
			}
			if n := e.count("sync_retries"); n != 0 {
				t.Errorf("%d retries left", n)
			}
		})
	}
}

// A return that cannot be posted is logged and queued on its own: the sales invoice and the
// order's other returns go through, and Retry in the log posts it once it can be.
func TestBadReturnHoldsNothingBack(t *testing.T) {
	e := newEnv(t)
	small, _, _ := e.catalogue()
	o := e.store.PlaceOrder(orderOf(nil, "", nil, line(small, "2")))
	// A refund returning a line the order does not have (a line edited away), then a good one.
	e.store.Refund(o.ExternalID, core.StoreRefund{ExternalID: "Refund/bad", Lines: []core.StoreRefundLine{{LineID: "LineItem/gone",
		Quantity: d("1"), Subtotal: d("10.00")}}, Total: d("10.00")})
	e.store.Refund(o.ExternalID, core.StoreRefund{Total: d("5.00"), Note: "goodwill"})
	sum := e.sync()
	sales, returns := e.invoicesOf(o.Name)
	if len(sales) != 1 || len(returns) != 1 || !returns[0].Total.Equal(d("5")) {
		t.Fatalf("%d sales and %d returns (%+v); want the invoice and the good return", len(sales), len(returns), sum.Counts)
	}
	if len(returns[0].Lines) != 0 || len(returns[0].Charges) != 1 || returns[0].Charges[0].Description != "Refund: goodwill" {
		t.Errorf("amount-only return: %+v %+v", returns[0].Lines, returns[0].Charges)
	}
	entries, err := e.eng.Log(ctx, core.LogFilter{ConnectionID: e.conn.ID, Level: core.Error})
	must(t, err)
	if len(entries) != 1 || entries[0].Kind != "refund" || entries[0].StoreRef != o.Name {
		t.Fatalf("error entries %+v, want one for the refund", entries)
	}
	var kind string
	must(t, e.db.SQL().QueryRow(`SELECT kind FROM sync_retries`).Scan(&kind))
	if kind != "refund" {
		t.Errorf("queued as %q, want its own kind", kind)
	}
	// The store's refund is corrected; Retry in the log posts it, and only it.
	e.store.UpdateOrder(o.ExternalID, func(so *core.StoreOrder) { so.Refunds[0].Lines[0].LineID = so.Lines[0].ExternalID })
	req, ok := core.RetryRequest(entries[0])
	if !ok {
		t.Fatal("no Retry for the refund's entry")
	}
	if _, err := e.eng.SyncNow(ctx, e.conn.ID, req); err != nil {
		t.Fatal(err)
	}
	sales, returns = e.invoicesOf(o.Name)
	if len(sales) != 1 || len(returns) != 2 || e.count("sync_retries") != 0 {
		t.Errorf("after Retry: %d sales, %d returns, %d retries", len(sales), len(returns), e.count("sync_retries"))
	}
}

// An order in another currency than the store's is not posted as if it were in the store's: it
// is logged as an error naming both currencies and queued for retry, and the other orders go on.
func TestOrderInAnotherCurrency(t *testing.T) {
	e := newEnv(t)
	_, _, tea := e.catalogue()
	foreign := orderOf(nil, "", nil, line(tea, "1"))
	foreign.Currency = "XYZ"
	f := e.store.PlaceOrder(foreign)
	ok := e.store.PlaceOrder(orderOf(nil, "", nil, line(tea, "2")))
	sum := e.sync()
	if sales, _ := e.invoicesOf(f.Name); len(sales) != 0 {
		t.Errorf("the XYZ order was invoiced: %s %s", sales[0].Total, sales[0].Currency)
	}
	if sales, _ := e.invoicesOf(ok.Name); len(sales) != 1 || sales[0].Currency != "SAR" {
		t.Errorf("the SAR order after it: %d invoices", len(sales))
	}
	if sum.Counts.Errors != 1 || !e.logHas(core.Error, "it is in XYZ, but the store's currency, in which this connection's invoices are kept, is SAR") {
		t.Errorf("the log does not name both currencies: %+v", sum.Counts)
	}
	var n int
	must(t, e.db.SQL().QueryRow(`SELECT COUNT(*) FROM sync_retries WHERE kind = 'order'`).Scan(&n))
	if n != 1 {
		t.Errorf("%d orders queued for retry, want the XYZ one", n)
	}
}
