package salla

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

// sallaDate is a date as Salla writes it in orders.
func sallaDate(s string) string {
	return fmt.Sprintf(`{"date":"%s.000000","timezone_type":3,"timezone":"Asia/Riyadh"}`, s)
}

func sar(v string) string { return fmt.Sprintf(`{"amount":%s,"currency":"SAR"}`, v) }

type itemSpec struct {
	id, name, sku      string
	qty                int
	price, disc, tax   string
	total              string
	optionValueID      string
	optionValueName    string
	taxPerUnitInAnswer bool
}

func (it itemSpec) json() string {
	opts := "[]"
	if it.optionValueID != "" {
		opts = fmt.Sprintf(`[{"id":1,"product_option_id":5,"name":"اللون","type":"radio","value":{"id":%s,"name":%q,"price":{"amount":0,"currency":"SAR"}}}]`, it.optionValueID, it.optionValueName)
	}
	return fmt.Sprintf(`{"id":%s,"name":%q,"sku":%q,"quantity":%d,"currency":"SAR","amounts":{"price_without_tax":%s,"total_discount":%s,"tax":{"percent":"15.00","amount":%s},"total":%s},"options":%s}`,
		it.id, it.name, it.sku, it.qty, sar(it.price), sar(it.disc), sar(it.tax), sar(it.total), opts)
}

type orderSpec struct {
	id, ref       string
	updated       string
	status        string // the status object
	customer      string // the customer object, "" for none
	items         []itemSpec
	subTotal      string
	shipping, cod string
	discounts     string // the discounts list
	tax, total    string
	invoices      string // /orders/invoices data
	histories     string // /orders/{id}/histories data
}

func (o orderSpec) install(wr *wire) {
	cust := ""
	if o.customer != "" {
		cust = `,"customer":` + o.customer
	}
	wr.on("GET /admin/v2/orders/"+o.id, fmt.Sprintf(`{"id":%s,"reference_id":%s,"date":%s,"updated_at":%s,"status":%s,"currency":"SAR","amounts":{"sub_total":%s,"shipping_cost":%s,"cash_on_delivery":%s,"tax":{"percent":"15.00","amount":%s},"discounts":%s,"total":%s}%s}`,
		o.id, o.ref, sallaDate("2026-11-01 10:00:00"), sallaDate(o.updated), o.status, sar(o.subTotal), sar(o.shipping), sar(o.cod), sar(o.tax), o.discounts, sar(o.total), cust))
	var items []string
	for _, it := range o.items {
		items = append(items, it.json())
	}
	wr.mu.Lock()
	prevItems := wr.routes["GET /admin/v2/orders/items"]
	prevInv := wr.routes["GET /admin/v2/orders/invoices"]
	wr.mu.Unlock()
	itemsBody := "[" + strings.Join(items, ",") + "]"
	invBody := o.invoices
	if invBody == "" {
		invBody = "[]"
	}
	wr.handle("GET /admin/v2/orders/items", byOrder(o.id, itemsBody, prevItems))
	wr.handle("GET /admin/v2/orders/invoices", byOrder(o.id, invBody, prevInv))
	if o.histories != "" {
		wr.on("GET /admin/v2/orders/"+o.id+"/histories", o.histories)
	}
}

const completed = `{"id":1,"name":"تم التنفيذ","slug":"completed","customized":{"id":1,"name":"تم التنفيذ"}}`

const statusList = `[{"id":1,"name":"تم التنفيذ","type":"original","slug":"completed"},{"id":2,"name":"مسترجع","type":"original","slug":"restored"},
{"id":3,"name":"ملغي","type":"original","slug":"canceled"},
{"id":900,"name":"جاهز للاستلام","type":"custom","slug":"ready-for-pickup","original":{"id":1,"name":"تم التنفيذ"},"parent":{"id":1,"name":"تم التنفيذ"}}]`

const registered = `{"id":5001,"first_name":"سارة","last_name":"القحطاني","mobile":"501234567","mobile_code":"+966","email":"sara@example.com"}`

func TestOrderMoney(t *testing.T) {
	cases := []struct {
		name      string
		spec      orderSpec
		status    string
		guest     bool
		charges   []core.StoreCharge
		discount  string
		refunds   []string // each refund's total, restock of its first line
		restocked bool
		cancelled bool
		productID string // the first line's variant, when the catalogue names it
	}{
		{
			name: "registered, coupon on the items, shipping with VAT",
			spec: orderSpec{id: "101", ref: "1001", updated: "2026-11-02 09:00:00", status: completed, customer: registered,
				items:    []itemSpec{{id: "9001", name: "تمر سكري", sku: "DATE-1", qty: 2, price: "100", disc: "20", tax: "27", total: "207"}},
				subTotal: "200", shipping: "20", cod: "0", discounts: `[{"title":"كوبون","type":"fixed","code":"EID","discount":"20.00","discounted_shipping":0}]`,
				tax: "30", total: "230"},
			status:  "completed",
			charges: []core.StoreCharge{{Kind: "shipping", Title: "Shipping", Amount: decimal.RequireFromString("20"), Tax: decimal.RequireFromString("3")}},
		},
		{
			name: "guest with a cash-on-delivery fee",
			spec: orderSpec{id: "102", ref: "1002", updated: "2026-11-02 09:00:00", status: completed,
				customer: `{"id":null,"first_name":"زائر","last_name":"","mobile":"0551112222","mobile_code":"966","email":""}`,
				items:    []itemSpec{{id: "9002", name: "قهوة", sku: "COF-1", qty: 1, price: "50", disc: "0", tax: "7.5", total: "57.5"}},
				subTotal: "50", shipping: "0", cod: "10", discounts: `[]`, tax: "9", total: "69"},
			status: "completed", guest: true,
			charges: []core.StoreCharge{{Kind: "fee", Title: "Cash on delivery", Amount: decimal.RequireFromString("10"), Tax: decimal.RequireFromString("1.5")}},
		},
		{
			name: "an order discount the items do not carry",
			spec: orderSpec{id: "103", ref: "1003", updated: "2026-11-02 09:00:00", status: completed, customer: registered,
				items:    []itemSpec{{id: "9003", name: "هيل", sku: "CARD-1", qty: 1, price: "100", disc: "0", tax: "13.5", total: "113.5"}},
				subTotal: "100", shipping: "0", cod: "0", discounts: `[{"title":"خصم","type":"fixed","code":null,"discount":"10.00"}]`,
				tax: "13.5", total: "103.5"},
			status: "completed", discount: "10",
		},
		{
			name: "tax per unit in the item's amounts",
			spec: orderSpec{id: "104", ref: "1004", updated: "2026-11-02 09:00:00", status: completed, customer: registered,
				items:    []itemSpec{{id: "9004", name: "زعفران", sku: "SAF-1", qty: 3, price: "10", disc: "0", tax: "1.5", total: "34.5"}},
				subTotal: "30", shipping: "0", cod: "0", discounts: `[]`, tax: "4.5", total: "34.5"},
			status: "completed",
		},
		{
			name: "a merchant's status made from completed",
			spec: orderSpec{id: "105", ref: "1005", updated: "2026-11-02 09:00:00", customer: registered,
				status:   `{"id":900,"name":"جاهز للاستلام","slug":"ready-for-pickup","customized":{"id":900,"name":"جاهز للاستلام"}}`,
				items:    []itemSpec{{id: "9005", name: "تمر", sku: "", qty: 1, price: "10", disc: "0", tax: "1.5", total: "11.5", optionValueID: "777", optionValueName: "أحمر"}},
				subTotal: "10", shipping: "0", cod: "0", discounts: `[]`, tax: "1.5", total: "11.5"},
			status: "completed", productID: "5555",
		},
		{
			name: "restored with no credit note: a return of the whole order, restocked",
			spec: orderSpec{id: "106", ref: "1006", updated: "2026-11-05 09:00:00", customer: registered,
				status:   `{"id":2,"name":"مسترجع","slug":"restored","customized":{"id":2,"name":"مسترجع"}}`,
				items:    []itemSpec{{id: "9006", name: "تمر سكري", sku: "DATE-1", qty: 2, price: "100", disc: "0", tax: "30", total: "230"}},
				subTotal: "200", shipping: "20", cod: "0", discounts: `[]`, tax: "33", total: "253",
				histories: `[{"id":1,"status":"مسترجع","customized":{"id":2,"name":"مسترجع","slug":"restored"},"type":"activity","created_at":` + sallaDate("2026-11-04 12:00:00") + `}]`},
			status:  "restored",
			charges: []core.StoreCharge{{Kind: "shipping", Title: "Shipping", Amount: decimal.RequireFromString("20"), Tax: decimal.RequireFromString("3")}},
			refunds: []string{"253"}, restocked: true,
		},
		{
			name: "a partial credit note",
			spec: orderSpec{id: "107", ref: "1007", updated: "2026-11-05 09:00:00", status: completed, customer: registered,
				items: []itemSpec{{id: "9007", name: "تمر سكري", sku: "DATE-1", qty: 2, price: "100", disc: "0", tax: "30", total: "230"},
					{id: "9008", name: "قهوة", sku: "COF-1", qty: 1, price: "50", disc: "0", tax: "7.5", total: "57.5"}},
				subTotal: "250", shipping: "0", cod: "0", discounts: `[]`, tax: "37.5", total: "287.5",
				invoices: `[{"id":1,"invoice_number":"INV-1","order_id":107,"type":"Tax Invoice","date":"2026-11-02","total":287.5,"items":[]},
{"id":2,"invoice_number":"CN-1","order_id":107,"type":"Credit Note","date":"2026-11-04","sub_total":50,"shipping_cost":{"amount":0,"taxable":true},"cod_cost":0,"discount":0,"tax":{"percent":"15.00","amount":7.5},"total":57.5,
 "items":[{"id":31,"product_id":444,"item_id":9008,"name":"قهوة","quantity":1,"type":"product","price":50,"discount":0,"tax":7.5,"total":57.5}]}]`},
			status: "completed", refunds: []string{"57.5"}, restocked: true,
		},
		{
			name: "items' taxes rounded above the order's",
			spec: orderSpec{id: "109", ref: "1009", updated: "2026-11-02 09:00:00", status: completed, customer: registered,
				items: []itemSpec{{id: "9010", name: "تمر", sku: "D-1", qty: 1, price: "10.10", disc: "0", tax: "1.52", total: "11.62"},
					{id: "9011", name: "قهوة", sku: "C-1", qty: 1, price: "10.10", disc: "0", tax: "1.52", total: "11.62"}},
				subTotal: "20.20", shipping: "0", cod: "0", discounts: `[]`, tax: "3.03", total: "23.23"},
			status: "completed",
		},
		{
			name: "an item with neither SKU nor options is named by its product's name",
			spec: orderSpec{id: "110", ref: "1010", updated: "2026-11-02 09:00:00", status: completed, customer: registered,
				items:    []itemSpec{{id: "9012", name: "هيل سائب", sku: "", qty: 1, price: "10", disc: "0", tax: "1.5", total: "11.5"}},
				subTotal: "10", shipping: "0", cod: "0", discounts: `[]`, tax: "1.5", total: "11.5"},
			status: "completed", productID: "6666",
		},
		{
			name: "cancelled",
			spec: orderSpec{id: "108", ref: "1008", updated: "2026-11-05 09:00:00", customer: registered,
				status:   `{"id":3,"name":"ملغي","slug":"canceled"}`,
				items:    []itemSpec{{id: "9009", name: "قهوة", sku: "COF-1", qty: 1, price: "50", disc: "0", tax: "7.5", total: "57.5"}},
				subTotal: "50", shipping: "0", cod: "0", discounts: `[]`, tax: "7.5", total: "57.5",
				histories: `[{"id":1,"status":"ملغي","customized":{"id":3,"name":"ملغي","slug":"canceled"},"type":"activity","created_at":` + sallaDate("2026-11-03 08:00:00") + `}]`},
			status: "canceled", cancelled: true, refunds: []string{"57.5"}, restocked: true,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wr := newWire(t)
			wr.on("GET /admin/v2/orders/statuses", statusList)
			tc.spec.install(wr)
			s := wr.open(nil, nil)
			s.remember("DATE-1", "4001", nil)
			s.remember("OTHER", "5555", []sid{"777"})
			s.rememberName("هيل سائب", "6666")
			s.rememberName("تمر", "7001") // two items named alike name neither
			s.rememberName("تمر", "7002")
			o, err := s.order(context.Background(), tc.spec.id, time.Time{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if o.Unreadable != "" {
				t.Fatalf("unreadable: %s", o.Unreadable)
			}
			if o.Status != tc.status || o.Name != "#"+tc.spec.ref || o.Currency != "SAR" {
				t.Errorf("status %q name %q currency %q", o.Status, o.Name, o.Currency)
			}
			if got := total(o); !got.Equal(o.Total) {
				t.Errorf("parts add up to %s, the store's total is %s (lines %+v charges %+v discount %s)", got, o.Total, o.Lines, o.Charges, o.Discount)
			}
			if !o.Total.Equal(decimal.RequireFromString(tc.spec.total)) {
				t.Errorf("total %s, want the store's %s", o.Total, tc.spec.total)
			}
			if tc.guest != (o.Customer == nil) {
				t.Errorf("customer %+v, guest %v", o.Customer, tc.guest)
			}
			if tc.guest && (o.GuestName != "زائر" || o.GuestPhone != "+966551112222") {
				t.Errorf("guest %q %q", o.GuestName, o.GuestPhone)
			}
			if !tc.guest && (o.Customer.Name != "سارة القحطاني" || o.Customer.Phone != "+966501234567") {
				t.Errorf("customer %+v", o.Customer)
			}
			if len(tc.charges) != len(o.Charges) {
				t.Errorf("charges %+v, want %+v", o.Charges, tc.charges)
			} else {
				for i, c := range tc.charges {
					g := o.Charges[i]
					if g.Kind != c.Kind || !g.Amount.Equal(c.Amount) || !g.Tax.Equal(c.Tax) {
						t.Errorf("charge %d: %+v, want %+v", i, g, c)
					}
				}
			}
			wantDisc := decimal.Zero
			if tc.discount != "" {
				wantDisc = decimal.RequireFromString(tc.discount)
			}
			if !o.Discount.Equal(wantDisc) {
				t.Errorf("discount %s, want %s", o.Discount, wantDisc)
			}
			if len(o.Refunds) != len(tc.refunds) {
				t.Fatalf("refunds %+v, want totals %v", o.Refunds, tc.refunds)
			}
			for i, want := range tc.refunds {
				r := o.Refunds[i]
				if !r.Total.Equal(decimal.RequireFromString(want)) || len(r.Lines) == 0 || r.Lines[0].Restock != tc.restocked || r.CreatedAt.IsZero() {
					t.Errorf("refund %d: %+v, want total %s restock %v", i, r, want, tc.restocked)
				}
			}
			if tc.name == "restored with no credit note: a return of the whole order, restocked" {
				r := o.Refunds[0]
				if !r.CreatedAt.Equal(time.Date(2026, 11, 4, 9, 0, 0, 0, time.UTC)) || !r.Shipping.Equal(decimal.NewFromInt(20)) || !r.Lines[0].Quantity.Equal(decimal.NewFromInt(2)) {
					t.Errorf("restored refund %+v: want dated by its history, with the shipping and both units", r)
				}
			}
			if tc.name == "a partial credit note" {
				r := o.Refunds[0]
				if len(r.Lines) != 1 || r.Lines[0].LineID != "9008" || !r.Lines[0].Subtotal.Equal(decimal.NewFromInt(50)) || !r.Lines[0].Tax.Equal(decimal.RequireFromString("7.5")) {
					t.Errorf("credit note refund %+v, want exactly its coffee", r)
				}
			}
			if o.Cancelled != tc.cancelled || (tc.cancelled && !o.CancelledAt.Equal(time.Date(2026, 11, 3, 5, 0, 0, 0, time.UTC))) {
				t.Errorf("cancelled %v at %s", o.Cancelled, o.CancelledAt)
			}
			if tc.productID != "" && o.Lines[0].ProductID != tc.productID {
				t.Errorf("line product %q, want %q (by its option)", o.Lines[0].ProductID, tc.productID)
			}
		})
	}
}

// total adds an order's parts up as the engine does.
func total(o core.StoreOrder) decimal.Decimal {
	t := decimal.Zero
	for _, l := range o.Lines {
		t = t.Add(l.Quantity.Mul(l.UnitPrice).Sub(l.Discount))
		if !o.TaxesIncluded {
			t = t.Add(l.Tax)
		}
	}
	t = t.Sub(o.Discount)
	for _, c := range o.Charges {
		t = t.Add(c.Amount)
		if !o.TaxesIncluded {
			t = t.Add(c.Tax)
		}
	}
	return t
}

// Orders pages from the most recently changed and stops at the first order changed before since.
func TestOrdersStopAtSince(t *testing.T) {
	wr := newWire(t)
	wr.on("GET /admin/v2/orders/statuses", statusList)
	wr.on("GET /admin/v2/orders", `[{"id":201,"reference_id":2001},{"id":202,"reference_id":2002},{"id":203,"reference_id":2003}]`)
	for i, upd := range []string{"2026-11-10 12:00:00", "2026-11-09 12:00:00", "2026-11-01 12:00:00"} {
		orderSpec{id: fmt.Sprint(201 + i), ref: fmt.Sprint(2001 + i), updated: upd, status: completed, customer: registered,
			items:    []itemSpec{{id: fmt.Sprint(9100 + i), name: "قهوة", sku: "COF-1", qty: 1, price: "50", disc: "0", tax: "7.5", total: "57.5"}},
			subTotal: "50", shipping: "0", cod: "0", discounts: `[]`, tax: "7.5", total: "57.5"}.install(wr)
	}
	s := wr.open(nil, nil)
	var got []string
	since := time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC)
	if err := s.Orders(context.Background(), since, func(os []core.StoreOrder) error {
		for _, o := range os {
			got = append(got, o.Name)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != "#2001,#2002" {
		t.Errorf("orders %v, want the two changed since", got)
	}
	if n := wr.count("GET /admin/v2/orders/items"); n != 2 {
		t.Errorf("%d item reads, want 2 (none for the order before since)", n)
	}
	for _, r := range wr.requests() {
		if strings.HasPrefix(r, "GET /admin/v2/orders?") && (!strings.Contains(r, "sort_by=updated_at-desc") || !strings.Contains(r, "per_page=60")) {
			t.Errorf("list request %q, want sorted by change, 60 a page", r)
		}
		if strings.HasPrefix(r, "GET /admin/v2/orders/20") && !strings.Contains(r, "format=light") && !strings.Contains(r, "histories") {
			t.Errorf("detail request %q, want the light format", r)
		}
	}
}

func TestOrdersByNumber(t *testing.T) {
	wr := newWire(t)
	wr.on("GET /admin/v2/orders/statuses", statusList)
	wr.on("GET /admin/v2/orders", `[{"id":301,"reference_id":3001}]`)
	orderSpec{id: "301", ref: "3001", updated: "2026-11-10 12:00:00", status: completed, customer: registered,
		items:    []itemSpec{{id: "9301", name: "قهوة", sku: "COF-1", qty: 1, price: "50", disc: "0", tax: "7.5", total: "57.5"}},
		subTotal: "50", shipping: "0", cod: "0", discounts: `[]`, tax: "7.5", total: "57.5"}.install(wr)
	s := wr.open(nil, nil)
	os, err := s.OrdersByNumber(context.Background(), []string{"#3001", " 3999 "})
	if err != nil {
		t.Fatal(err)
	}
	if len(os) != 1 || os[0].Name != "#3001" {
		t.Fatalf("orders %+v", os)
	}
	if n := wr.count("GET /admin/v2/orders?reference_id=3001"); n != 1 {
		t.Errorf("requests %v", wr.requests())
	}
}

// A credit note restocks its items as the connection's setting says; a restored or cancelled
// order's refunds always restock.
func TestCreditNoteRestock(t *testing.T) {
	o := core.StoreOrder{ExternalID: "1", Total: decimal.NewFromInt(115), UpdatedAt: time.Date(2026, 11, 4, 9, 0, 0, 0, time.UTC),
		Lines: []core.StoreLine{{ExternalID: "L1", Name: "قهوة", Quantity: decimal.NewFromInt(2), UnitPrice: decimal.NewFromInt(50), Tax: decimal.NewFromInt(15)}}}
	var note invoice
	if err := json.Unmarshal([]byte(`{"id":7,"type":"Credit Note","date":"2026-11-04","total":57.5,"tax":{"percent":"15.00","amount":"7.50"},
		"shipping_cost":{"amount":"0.00","taxable":true},"items":[{"item_id":"L1","name":"قهوة","quantity":1,"price":{"amount":"50.00"},"discount":"0","tax":{"percent":"15.00","amount":"7.50"}}]}`), &note); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		back    string
		restock bool
		want    []bool // each refund's first line
	}{
		{"", true, []bool{true}},
		{"", false, []bool{false}},
		{"restored", false, []bool{true, true}},
		{"canceled", false, []bool{true, true}},
	}
	for _, tc := range cases {
		rs := refunds(&o, []invoice{note}, tc.back, tc.restock, nil)
		var got []bool
		for _, r := range rs {
			got = append(got, r.Lines[0].Restock)
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("back %q restock %v: %v, want %v", tc.back, tc.restock, got, tc.want)
		}
		if !rs[0].CreatedAt.Equal(o.UpdatedAt) || !rs[0].Lines[0].Tax.Equal(decimal.RequireFromString("7.5")) {
			t.Errorf("credit note refund %+v: want the order's time on its day and the item's tax", rs[0])
		}
		if len(rs) == 2 && (!rs[1].Total.Equal(decimal.RequireFromString("57.5")) || !rs[1].Lines[0].Quantity.Equal(decimal.NewFromInt(1))) {
			t.Errorf("the rest of the order %+v: want the unit and the money the credit note left", rs[1])
		}
	}
}

// An order deleted between the list and its detail is left out; the rest go through.
func TestOrderDeletedMeanwhile(t *testing.T) {
	wr := newWire(t)
	wr.on("GET /admin/v2/orders/statuses", statusList)
	wr.on("GET /admin/v2/orders", `[{"id":400,"reference_id":4000},{"id":401,"reference_id":4001}]`)
	orderSpec{id: "401", ref: "4001", updated: "2026-11-10 12:00:00", status: completed, customer: registered,
		items:    []itemSpec{{id: "9401", name: "قهوة", sku: "COF-1", qty: 1, price: "50", disc: "0", tax: "7.5", total: "57.5"}},
		subTotal: "50", shipping: "0", cod: "0", discounts: `[]`, tax: "7.5", total: "57.5"}.install(wr)
	s := wr.open(nil, nil)
	var got []string
	if err := s.Orders(context.Background(), time.Time{}, func(os []core.StoreOrder) error {
		for _, o := range os {
			got = append(got, o.Name)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != "#4001" {
		t.Errorf("orders %v, want the one still there", got)
	}
}

// A full read lists the store's invoices once instead of asking each order for its own; an
// invoice that cannot be read sends each order back to its own list.
func TestFullReadListsInvoicesOnce(t *testing.T) {
	for _, garbled := range []bool{false, true} {
		wr := newWire(t)
		wr.on("GET /admin/v2/orders/statuses", statusList)
		wr.on("GET /admin/v2/orders", `[{"id":501,"reference_id":5001},{"id":502,"reference_id":5002}]`)
		for i := 0; i < 2; i++ {
			orderSpec{id: fmt.Sprint(501 + i), ref: fmt.Sprint(5001 + i), updated: "2026-11-10 12:00:00", status: completed, customer: registered,
				items:    []itemSpec{{id: fmt.Sprint(9501 + i), name: "قهوة", sku: "COF-1", qty: 1, price: "50", disc: "0", tax: "7.5", total: "57.5"}},
				subTotal: "50", shipping: "0", cod: "0", discounts: `[]`, tax: "7.5", total: "57.5"}.install(wr)
		}
		note := `{"id":71,"order_id":502,"type":"Credit Note","date":"2026-11-10","total":57.5,"tax":{"percent":"15.00","amount":"7.50"},
			"items":[{"item_id":9502,"name":"قهوة","quantity":1,"price":"50.00","discount":"0","tax":{"percent":"15.00","amount":"7.50"}}]}`
		other := `{"id":70,"order_id":501,"type":"Tax Invoice","date":"2026-11-10","total":57.5,"items":[]}`
		if garbled {
			other = `{"id":70,"order_id":501,"type":"Tax Invoice","date":"2026-11-10","total":"lots","items":[]}`
		}
		wr.handle("GET /admin/v2/orders/invoices", func(w http.ResponseWriter, r *http.Request) {
			body := "[]"
			switch r.URL.Query().Get("order_id") {
			case "":
				body = "[" + other + "," + note + "]"
			case "502":
				body = "[" + note + "]"
			}
			_, _ = fmt.Fprintf(w, `{"status":200,"success":true,"data":%s,"pagination":{"currentPage":1,"totalPages":1}}`, body)
		})
		s := wr.open(nil, nil)
		var refunds int
		if err := s.Orders(context.Background(), time.Time{}, func(os []core.StoreOrder) error {
			for _, o := range os {
				refunds += len(o.Refunds)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		perOrder := wr.count("GET /admin/v2/orders/invoices?order_id")
		if refunds != 1 || (perOrder != 0) == !garbled {
			t.Errorf("garbled %v: %d refunds, %d per-order invoice requests", garbled, refunds, perOrder)
		}
	}
}
