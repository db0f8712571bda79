package zid

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
)

// zmoney writes an amount as Zid's orders do: a 14-decimal string.
func zmoney(v string) string { return fmt.Sprintf("%q", decimal.RequireFromString(v).StringFixed(14)) }

type lineSpec struct {
	opID, id, name, sku string
	qty                 int
	price, net, tax     string // gross unit price, net unit price, the line's VAT
	rate                string
}

func (l lineSpec) json() string {
	return fmt.Sprintf(`{"id":%q,"order_product_id":%s,"parent_id":null,"name":%q,"sku":%q,"barcode":null,"quantity":%d,
"net_price":%s,"net_price_string":"","gross_price":%s,"price":%s,"tax_percentage":%s,"tax_amount":%s,"tax_amount_string":"",
"total":%s,"discounted_total":%s,"options":[]}`, l.id, l.opID, l.name, l.sku, l.qty, l.net, l.price, l.price, l.rate, zmoney(l.tax),
		l.price, l.price)
}

type orderSpec struct {
	id, status string
	guest      bool
	lines      []lineSpec
	invoice    [][2]string // code, value
	total      string
	updated    string
}

func (o orderSpec) json() string {
	var ls []string
	for _, l := range o.lines {
		ls = append(ls, l.json())
	}
	var inv []string
	for _, f := range o.invoice {
		inv = append(inv, fmt.Sprintf(`{"code":%q,"value":%s,"value_string":"","title":%q}`, f[0], zmoney(f[1]), strings.ReplaceAll(f[0], "_", " ")))
	}
	guest := 0
	if o.guest {
		guest = 1
	}
	upd := o.updated
	if upd == "" {
		upd = "2026-01-30 15:56:06"
	}
	return fmt.Sprintf(`{"id":%s,"invoice_number":%s,"code":"zrDH30DWiX","order_status":{"name":"x","code":%q},"currency_code":"SAR",
"customer":{"id":257,"name":"سارة","email":"sara@example.sa","mobile":"966500000005","type":"individual"},"is_guest_customer":%d,
"order_total":%s,"order_total_string":"","transaction_amount":1.5,"payment_status":"paid","created_at":"2026-01-30 15:56:02","updated_at":%q,
"payment":{"method":{"name":"x","code":"zid_cod"},"invoice":[%s]},"products":[%s],"edits_count":0}`,
		o.id, o.id, o.status, guest, zmoney(o.total), upd, strings.Join(inv, ","), strings.Join(ls, ","))
}

func (o orderSpec) read(t *testing.T) core.StoreOrder {
	t.Helper()
	var d order
	if err := json.Unmarshal([]byte(o.json()), &d); err != nil {
		t.Fatalf("%s", err)
	}
	out := core.StoreOrder{ExternalID: d.ID.String(), Status: statusOf(d.OrderStatus.Code)}
	customer(&out, &d)
	if err := fillMoney(&out, &d); err != nil {
		out.Unreadable = err.Error()
	}
	return out
}

// adds computes what the engine computes of an order before it posts it: the parts' total.
func adds(o core.StoreOrder) decimal.Decimal {
	sum := decimal.Zero
	for _, l := range o.Lines {
		sum = sum.Add(l.Quantity.Mul(l.UnitPrice).Sub(l.Discount)).Add(l.Tax)
	}
	for _, c := range o.Charges {
		sum = sum.Add(c.Amount).Add(c.Tax)
	}
	return sum.Sub(o.Discount)
}

// dates from 100 SAR with VAT at 15%: 86.95652173913 before it.
var dates = lineSpec{opID: "62262", id: "23edd6a6-3533-495d-8ffc-7f9e7c8c1f6a", name: "تمر سكري", sku: "DATE-1", qty: 1,
	price: "100", net: "86.95652173913", tax: "13.04347826087", rate: "15"}

func withQty(l lineSpec, q int, tax string) lineSpec { l.qty, l.tax = q, tax; return l }

func TestOrderMoney(t *testing.T) {
	d := decimal.RequireFromString
	type line struct{ unit, disc, tax string }
	type charge struct{ kind, amount, tax string }
	cases := []struct {
		name     string
		o        orderSpec
		lines    []line
		charges  []charge
		discount string
		total    string
		guest    bool
		off      bool // the parts do not reconcile: the engine refuses it
	}{
		{name: "registered, one item with VAT inside its price",
			o: orderSpec{id: "1001", status: "delivered", lines: []lineSpec{dates},
				invoice: [][2]string{{"sub_totals_before_vat", "86.95652173913"}, {"taxable_amount", "86.95652173913"}, {"vat", "13.04347826087"},
					{"sub_totals_after_vat", "100"}, {"total", "100"}}, total: "100"},
			lines: []line{{"86.96", "0", "13.04"}}, total: "100"},
		{name: "three of them: a halala of rounding kept as the line's discount",
			o: orderSpec{id: "1002", status: "delivered", lines: []lineSpec{withQty(dates, 3, "39.13043478261")},
				invoice: [][2]string{{"sub_totals_before_vat", "260.86956521739"}, {"vat", "39.13043478261"}, {"total", "300"}}, total: "300"},
			lines: []line{{"86.96", "0.01", "39.13"}}, total: "300"},
		{name: "loyalty points, shipping and VAT on both (the docs' example, 24%)",
			o: orderSpec{id: "1003", status: "delivered",
				lines: []lineSpec{{opID: "62039", id: "de410a62-31e5-48aa-b652-c52d38ca1930", name: "Z.1", sku: "Z.1", qty: 1, price: "200",
					net: "161.29032327841", tax: "38.70967758682", rate: "24"}},
				invoice: [][2]string{{"sub_totals_before_vat", "161.29032327841"}, {"loyalty_redemption", "-1"},
					{"sub_totals_after_loyalty_redemption_discount", "160.29032327841"}, {"shipping", "20"}, {"taxable_amount", "180.29032327841"},
					{"vat", "43.269677586818"}, {"sub_totals_after_vat", "223.56000086523"}, {"total", "223.56000086523"}}, total: "223.56000086523"},
			lines: []line{{"161.29", "0", "38.47"}}, charges: []charge{{"shipping", "20", "4.8"}}, discount: "1", total: "223.56"},
		{name: "guest, coupon, shipping and cash on delivery",
			o: orderSpec{id: "1004", status: "delivered", guest: true,
				lines:   []lineSpec{{opID: "7", id: "p-7", name: "Coffee", sku: "COF", qty: 2, price: "115", net: "100", tax: "30", rate: "15"}},
				invoice: [][2]string{{"sub_totals_before_vat", "200"}, {"coupon", "-10"}, {"shipping", "15"}, {"cod", "5"}, {"vat", "31.5"}, {"total", "241.5"}},
				total:   "241.5"},
			lines: []line{{"100", "0", "28.5"}}, charges: []charge{{"shipping", "15", "2.25"}, {"fee", "5", "0.75"}}, discount: "10", total: "241.5", guest: true},
		{name: "shipping with its VAT inside",
			o: orderSpec{id: "1005", status: "delivered",
				lines:   []lineSpec{{opID: "8", id: "p-8", name: "Tea", sku: "TEA", qty: 1, price: "115", net: "100", tax: "15", rate: "15"}},
				invoice: [][2]string{{"sub_totals_before_vat", "100"}, {"shipping", "23"}, {"vat", "18"}, {"total", "138"}}, total: "138"},
			lines: []line{{"100", "0", "15"}}, charges: []charge{{"shipping", "20", "3"}}, total: "138"},
		{name: "figures each rounded to the halala miss the total by one: the largest remainder gives it back",
			o: orderSpec{id: "1007", status: "delivered",
				lines: []lineSpec{{opID: "9", id: "p-9", name: "Honey", sku: "HON", qty: 1, price: "103", net: "89.565217391304", tax: "13.434782608696", rate: "15"}},
				invoice: [][2]string{{"sub_totals_before_vat", "89.565217391304"}, {"shipping", "26.086956521739"}, {"vat", "17.347826086957"},
					{"total", "133"}}, total: "133"},
			lines: []line{{"89.56", "0", "13.44"}}, charges: []charge{{"shipping", "26.09", "3.91"}}, total: "133"},
		{name: "figures that do not reconcile are handed over as they are",
			o: orderSpec{id: "1006", status: "delivered", lines: []lineSpec{dates},
				invoice: [][2]string{{"sub_totals_before_vat", "86.95652173913"}, {"vat", "13.04347826087"}, {"total", "100.05"}}, total: "100.05"},
			lines: []line{{"86.96", "0", "13.04"}}, total: "100.05", off: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.o.read(t)
			if o.Unreadable != "" {
				t.Fatal(o.Unreadable)
			}
			if !o.Total.Equal(d(tc.total)) || (adds(o).Equal(o.Total)) == tc.off {
				t.Errorf("total %s, parts add up to %s (want %s, reconciled %v)", o.Total, adds(o), tc.total, !tc.off)
			}
			if len(o.Lines) != len(tc.lines) {
				t.Fatalf("lines %+v", o.Lines)
			}
			for i, w := range tc.lines {
				l := o.Lines[i]
				if !l.UnitPrice.Equal(d(w.unit)) || !l.Discount.Equal(d(w.disc)) || !l.Tax.Equal(d(w.tax)) || l.ExternalID == "" || l.ProductID == "" {
					t.Errorf("line %d: %+v, want %+v", i, l, w)
				}
			}
			if len(o.Charges) != len(tc.charges) {
				t.Fatalf("charges %+v", o.Charges)
			}
			for i, w := range tc.charges {
				c := o.Charges[i]
				if c.Kind != w.kind || !c.Amount.Equal(d(w.amount)) || !c.Tax.Equal(d(w.tax)) {
					t.Errorf("charge %d: %+v, want %+v", i, c, w)
				}
			}
			if tc.discount == "" {
				tc.discount = "0"
			}
			if !o.Discount.Equal(d(tc.discount)) || o.TaxesIncluded {
				t.Errorf("discount %s, taxes included %v", o.Discount, o.TaxesIncluded)
			}
			if (o.Customer == nil) != tc.guest {
				t.Errorf("customer %+v, guest %v", o.Customer, tc.guest)
			}
			if tc.guest && (o.GuestName != "سارة" || o.GuestPhone != "+966500000005") {
				t.Errorf("guest %q %q", o.GuestName, o.GuestPhone)
			}
			if !tc.guest && (o.Customer.ExternalID != "257" || o.Customer.Phone != "+966500000005") {
				t.Errorf("customer %+v", o.Customer)
			}
		})
	}
}

// The orders list: updated since, with products, 100 a page, its pages from total_order_count;
// an entry without products is read from its detail, a reversed one's credit notes are read, and
// each becomes a return of exactly its items; a reversed order without a credit note is returned
// whole.
func TestOrders(t *testing.T) {
	wr := newWire(t)
	full := orderSpec{id: "2001", status: "delivered", lines: []lineSpec{dates},
		invoice: [][2]string{{"sub_totals_before_vat", "86.95652173913"}, {"vat", "13.04347826087"}, {"total", "100"}}, total: "100"}
	three := orderSpec{id: "2002", status: "partially_reversed", lines: []lineSpec{withQty(dates, 3, "39.13043478261")},
		invoice: [][2]string{{"sub_totals_before_vat", "260.86956521739"}, {"vat", "39.13043478261"}, {"total", "300"}}, total: "300"}
	back := orderSpec{id: "2003", status: "reversed", lines: []lineSpec{dates},
		invoice: [][2]string{{"sub_totals_before_vat", "86.95652173913"}, {"shipping", "10"}, {"vat", "14.54347826087"}, {"total", "111.5"}}, total: "111.5"}
	gone := orderSpec{id: "2004", status: "cancelled", lines: []lineSpec{dates},
		invoice: [][2]string{{"sub_totals_before_vat", "86.95652173913"}, {"vat", "13.04347826087"}, {"total", "100"}}, total: "100"}
	bare := `{"id":2001,"code":"x","order_status":{"code":"delivered"},"updated_at":"2026-01-30 15:56:06"}`
	wr.handle("GET /v1/managers/store/orders", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "2" {
			_, _ = fmt.Fprintf(w, `{"status":"object","orders":[%s],"total_order_count":101}`, gone.json())
			return
		}
		_, _ = fmt.Fprintf(w, `{"status":"object","orders":[%s,%s,%s],"total_order_count":101}`, bare, three.json(), back.json())
	})
	wr.on("GET /v1/managers/store/orders/2001/view", `{"status":"object","order":`+full.json()+`,"message":{"type":"object","code":null}}`)
	wr.on("GET /v1/managers/store/orders/2002/credit-notes", `{"code":"SUCCESS_WITH_SINGLE_PAYLOAD_OBJECT","message":null,"payload":{"credit_notes":[
{"id":"cn-1","order_id":2002,"invoice_type":"credit_note","original_invoice_number":"2002","invoice_number":"CN-0001","issue_reason":"return",
 "order_total":"100.00000000000000","items":[{"product_id":"23edd6a6-3533-495d-8ffc-7f9e7c8c1f6a","sku":"DATE-1","quantity":1,"price":100,"total":100}],
 "created_at":"2026-02-01 10:00:00"}],"returned_items":[]}}`)
	wr.on("GET /v1/managers/store/orders/2003/credit-notes", `{"code":"SUCCESS_WITH_SINGLE_PAYLOAD_OBJECT","message":null,"payload":{"credit_notes":[],"returned_items":[]}}`)
	s := open(t, wr, nil, nil, nil)
	since := time.Date(2026, 1, 30, 12, 0, 0, 0, time.UTC)
	var got []core.StoreOrder
	if err := s.Orders(context.Background(), since, func(o []core.StoreOrder) error { got = append(got, o...); return nil }); err != nil {
		t.Fatal(err)
	}
	lists := 0
	for _, r := range wr.requests() {
		if r.URL.Path != "/v1/managers/store/orders" {
			continue
		}
		lists++
		q := r.URL.Query()
		if q.Get("date_attribute") != "updated_at" || q.Get("date_from") != "2026-01-30T12:00:00.000+0000" || q.Get("payload_type") != "default" || q.Get("per_page") != "100" {
			t.Errorf("orders asked as %s", r.URL.RawQuery)
		}
	}
	if lists != 2 || wr.count("GET /v1/managers/store/orders/2001/view") != 1 || wr.count("GET /v1/managers/store/orders/2001/credit-notes") != 0 {
		t.Errorf("requests %d lists, %d views", lists, wr.count("GET /v1/managers/store/orders/2001/view"))
	}
	if len(got) != 4 {
		t.Fatalf("%d orders: %+v", len(got), got)
	}
	d := decimal.RequireFromString
	if got[0].Name != "#2001" || !got[0].Total.Equal(d("100")) || len(got[0].Refunds) != 0 || got[0].UpdatedAt != time.Date(2026, 1, 30, 15, 56, 6, 0, time.UTC) {
		t.Errorf("order from its detail: %+v", got[0])
	}
	partial := got[1]
	if len(partial.Refunds) != 1 {
		t.Fatalf("partial reversal: %+v", partial.Refunds)
	}
	r := partial.Refunds[0]
	if r.ExternalID != "credit-note-cn-1" || !r.Total.Equal(d("100")) || len(r.Lines) != 1 || r.Lines[0].LineID != "62262" ||
		!r.Lines[0].Quantity.Equal(d("1")) || !r.Lines[0].Subtotal.Equal(d("86.96")) || !r.Lines[0].Tax.Equal(d("13.04")) || !r.Lines[0].Restock {
		t.Errorf("credit note as a return: %+v", r)
	}
	whole := got[2]
	if len(whole.Refunds) != 1 || !whole.Refunds[0].Total.Equal(d("111.5")) || !whole.Refunds[0].Lines[0].Quantity.Equal(d("1")) ||
		!whole.Refunds[0].Shipping.Equal(d("10")) || !whole.Refunds[0].ShippingTax.Equal(d("1.5")) {
		t.Errorf("reversed without a credit note: %+v", whole.Refunds)
	}
	// A cancelled order: the store put its units back (its profile does not say otherwise).
	if !got[3].Cancelled || got[3].Status != "canceled" || len(got[3].Refunds) != 1 || !got[3].Refunds[0].Lines[0].Restock ||
		!got[3].Refunds[0].Total.Equal(d("100")) {
		t.Errorf("cancelled: %+v", got[3])
	}
	// A returned order was delivered: it is invoiced as such, with its returns.
	if partial.Status != "delivered" || whole.Status != "delivered" {
		t.Errorf("returned orders' states %q, %q", partial.Status, whole.Status)
	}
}

func TestOrdersByNumber(t *testing.T) {
	wr := newWire(t)
	o := orderSpec{id: "3001", status: "delivered", lines: []lineSpec{dates},
		invoice: [][2]string{{"sub_totals_before_vat", "86.95652173913"}, {"vat", "13.04347826087"}, {"total", "100"}}, total: "100"}
	wr.on("GET /v1/managers/store/orders/3001/view", `{"status":"object","order":`+o.json()+`}`)
	s := open(t, wr, nil, nil, nil)
	got, err := s.OrdersByNumber(context.Background(), []string{"#3001", " 3001", "4040", "abc"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ExternalID != "3001" || wr.count("GET /v1/managers/store/orders/4040/view") != 1 {
		t.Errorf("%+v", got)
	}
}

func TestUnitPrice(t *testing.T) {
	d := decimal.RequireFromString
	cases := []struct{ net, q, unit, disc string }{
		{"100", "1", "100", "0"},
		{"260.87", "3", "86.96", "0.01"},
		{"10", "4", "2.5", "0"},
		{"0.01", "3", "0.01", "0.02"},
		{"7.5", "0.5", "15", "0"},
	}
	for _, tc := range cases {
		u, disc := unitPrice(d(tc.net), d(tc.q))
		if !u.Equal(d(tc.unit)) || !disc.Equal(d(tc.disc)) || !d(tc.q).Mul(u).Sub(disc).Equal(d(tc.net)) {
			t.Errorf("%s / %s: %s less %s", tc.net, tc.q, u, disc)
		}
	}
}
