package zidtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// invoice reads payment.invoice[] by code, checking each value's shape.
func invoice(t *testing.T, doc map[string]any) map[string]decimal.Decimal {
	t.Helper()
	out := map[string]decimal.Decimal{}
	for _, x := range obj(doc["payment"])["invoice"].([]any) {
		l := obj(x)
		v, text := l["value"].(string)
		if _, frac, _ := strings.Cut(v, "."); text && len(frac) != 14 {
			t.Errorf("%s value %q has not 14 decimals", l["code"], v)
		}
		if n, isNum := l["value"].(json.Number); isNum {
			v = string(n) // a variant some answers send
		}
		if !strings.HasSuffix(l["value_string"].(string), " SAR") {
			t.Errorf("%s value_string %q", l["code"], l["value_string"])
		}
		out[l["code"].(string)] = d(v)
	}
	return out
}

// adds checks that an invoice's parts add up to its total exactly, and returns the total.
func adds(t *testing.T, inv map[string]decimal.Decimal) decimal.Decimal {
	t.Helper()
	sum := inv["sub_totals_before_vat"].Add(inv["coupon"]).Add(inv["shipping"]).Add(inv["cash_on_delivery"])
	if !sum.Equal(inv["taxable_amount"]) {
		t.Errorf("parts %s, taxable_amount %s", sum, inv["taxable_amount"])
	}
	if !inv["taxable_amount"].Mul(d("0.15")).Equal(inv["vat"]) {
		t.Errorf("vat %s is not 15%% of %s", inv["vat"], inv["taxable_amount"])
	}
	if total := inv["taxable_amount"].Add(inv["vat"]); !total.Equal(inv["total"]) || !total.Equal(inv["sub_totals_after_vat"]) {
		t.Errorf("taxable + vat %s, total %s", total, inv["total"])
	}
	return inv["total"]
}

// TestOrderMoney: orders as the list (payload_type=default) shows them, to the halala.
func TestOrderMoney(t *testing.T) {
	c := start(t, Options{RateLimit: -1})
	_, coffee := c.s.AddProduct(ProductInput{Name: Names{Ar: "قهوة"}, Option: "الحجم", Variants: []VariantInput{
		{Value: "250g", SKU: "C-250", Price: d("35.00"), Quantity: 40}, {Value: "1kg", SKU: "C-1K", Price: d("120.00"), Quantity: 10}}})
	dates, _ := c.s.AddProduct(ProductInput{Name: Names{Ar: "تمر سكري"}, SKU: "DAT", Price: d("49.90"), Quantity: 60})
	member := c.s.AddCustomer(CustomerInput{Name: "سارة القحطاني", Mobile: "966501234567", Email: "sara@example.com"})
	cases := []struct {
		name  string
		in    OrderInput
		total string // what the shopper pays
		guest bool
	}{
		{"registered", OrderInput{CustomerID: member, Lines: []LineInput{{coffee[0], 2}}}, "70.00", false},
		{"guest with a coupon and shipping", OrderInput{Guest: CustomerInput{Name: "ضيف", Mobile: "966555000111"},
			Lines: []LineInput{{coffee[0], 2}, {dates, 3}}, Coupon: "SAVE10", Amount: d("10"), Shipping: d("25")}, "234.70", true},
		{"percentage coupon", OrderInput{CustomerID: member, Lines: []LineInput{{coffee[1], 1}, {dates, 1}}, Coupon: "RAMADAN10",
			Percent: d("10")}, "152.91", false},
		{"cash on delivery", OrderInput{CustomerID: member, Lines: []LineInput{{dates, 2}}, Shipping: d("20"), COD: d("15")}, "134.80", false},
		{"prices without VAT", OrderInput{CustomerID: member, Lines: []LineInput{{coffee[1], 1}}, Shipping: d("20"),
			PricesExcludeVAT: true}, "161.00", false},
	}
	ids := map[int64]int{}
	for i, tc := range cases {
		id, err := c.s.PlaceOrder(tc.in)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		ids[id] = i
	}
	body := c.get("/v1/managers/store/orders?payload_type=default&per_page=100")
	if body["total_order_count"] != json.Number(fmt.Sprint(len(cases))) {
		t.Fatalf("total_order_count %v", body["total_order_count"])
	}
	for _, x := range body["orders"].([]any) {
		o := obj(x)
		n, _ := o["id"].(json.Number).Int64()
		tc := cases[ids[n]]
		t.Run(tc.name, func(t *testing.T) {
			total := adds(t, invoice(t, o))
			if !total.Equal(dec(o["order_total"])) || !total.Round(2).Equal(d(tc.total)) {
				t.Errorf("total %s (order_total %v), want %s to the halala", total, o["order_total"], tc.total)
			}
			if !dec(o["transaction_amount"]).Round(2).Equal(d(tc.total)) || o["order_total_string"] != tc.total+" SAR" {
				t.Errorf("transaction_amount %v, order_total_string %v", o["transaction_amount"], o["order_total_string"])
			}
			if g := o["is_guest_customer"]; (g == json.Number("1")) != tc.guest || obj(o["customer"])["id"] == nil {
				t.Errorf("is_guest_customer %v, customer %v", g, o["customer"])
			}
			if _, err := time.Parse("2006-01-02 15:04:05", o["created_at"].(string)); err != nil {
				t.Errorf("created_at %v", o["created_at"])
			}
			var lines decimal.Decimal
			for _, p := range o["products"].([]any) {
				lines = lines.Add(dec(obj(p)["total"]))
				if _, isText := obj(p)["tax_amount"].(string); !isText {
					t.Errorf("tax_amount %v is not a string", obj(p)["tax_amount"])
				}
			}
			if tc.in.Coupon != "" {
				cp := obj(o["coupon"])
				if cp["code"] != tc.in.Coupon || !strings.HasPrefix(cp["discount"].(string), "-") {
					t.Errorf("coupon %v", cp)
				}
			} else if o["coupon"] != nil {
				t.Errorf("coupon %v", o["coupon"])
			}
		})
	}
	// The simple payload (the default) has no products; the detail has histories.
	simple := obj(c.get("/v1/managers/store/orders")["orders"].([]any)[0])
	if _, has := simple["products"]; has {
		t.Error("payload simple lists products")
	}
	var first int64
	for id := range ids {
		first = id
	}
	detail := c.get(fmt.Sprintf("/v1/managers/store/orders/%d/view", first))
	if o := obj(detail["order"]); o["histories"] == nil || o["products"] == nil || detail["status"] != "object" {
		t.Errorf("detail %v", detail)
	}
}

// TestOrderPaging: pages come from total_order_count (no next link), per_page is cut to 100,
// and date_attribute=updated_at with date_from finds the orders changed since.
func TestOrderPaging(t *testing.T) {
	c := start(t, Options{RateLimit: -1})
	id, _ := c.s.AddProduct(ProductInput{Name: Names{Ar: "تمر"}, SKU: "D", Price: d("10"), Infinite: true})
	t0 := c.s.clock.Now()
	var orders []int64
	for i := 0; i < 230; i++ {
		o, err := c.s.PlaceOrder(OrderInput{Guest: CustomerInput{Name: "ضيف"}, Lines: []LineInput{{id, 1}}, At: t0.Add(time.Duration(i) * time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		orders = append(orders, o)
	}
	seen := map[string]bool{}
	for page := 1; page <= 3; page++ {
		body := c.get(fmt.Sprintf("/v1/managers/store/orders?page=%d&per_page=500&sort_by=asc", page))
		if body["total_order_count"] != json.Number("230") || body["next"] != nil {
			t.Fatalf("page %d: %v %v", page, body["total_order_count"], body["next"])
		}
		rows := body["orders"].([]any)
		if want := min(100, 230-(page-1)*100); len(rows) != want {
			t.Fatalf("page %d: %d orders, want %d", page, len(rows), want)
		}
		for _, x := range rows {
			seen[string(obj(x)["id"].(json.Number))] = true
		}
	}
	if len(seen) != 230 {
		t.Errorf("%d distinct orders on 3 pages", len(seen))
	}
	if rows := c.get("/v1/managers/store/orders?page=4&per_page=100")["orders"].([]any); len(rows) != 0 {
		t.Errorf("page 4: %d orders", len(rows))
	}
	// Two old orders change later; updated since finds them alone.
	c.s.clock.Set(t0.Add(10 * time.Hour))
	for _, o := range orders[3:5] {
		if err := c.s.SetStatus(o, StatusPreparing); err != nil {
			t.Fatal(err)
		}
	}
	since := url.QueryEscape(t0.Add(9 * time.Hour).Format("2006-01-02T15:04:05.000-0700"))
	body := c.get("/v1/managers/store/orders?date_attribute=updated_at&date_from=" + since)
	if body["total_order_count"] != json.Number("2") {
		t.Errorf("updated since: %v orders", body["total_order_count"])
	}
	// An unencoded "+" arrives as a space: not a date.
	raw := t0.Add(9*time.Hour).Format("2006-01-02T15:04:05.000") + "+0000"
	if resp, body := c.do(http.MethodGet, "/v1/managers/store/orders?date_attribute=updated_at&date_from="+raw, nil); resp.StatusCode != 422 {
		t.Errorf("date_from %s: %d %v", raw, resp.StatusCode, body)
	}
}

// TestStatusesAndCancelling: both spellings of the cancelled state are served and found by
// either; cancelling restocks.
func TestStatusesAndCancelling(t *testing.T) {
	c := start(t, Options{RateLimit: -1})
	id, _ := c.s.AddProduct(ProductInput{Name: Names{Ar: "تمر"}, SKU: "D", Price: d("10"), Quantity: 10})
	a, _ := c.s.PlaceOrder(OrderInput{Guest: CustomerInput{Name: "ضيف"}, Lines: []LineInput{{id, 2}}})
	b, _ := c.s.PlaceOrder(OrderInput{Guest: CustomerInput{Name: "ضيف"}, Lines: []LineInput{{id, 3}}})
	if in, _ := c.s.Sellable(id); in.Quantity != 5 {
		t.Fatalf("stock %d after selling 5", in.Quantity)
	}
	if c.s.SetStatus(a, StatusCanceled) != nil || c.s.SetStatus(b, StatusCancelled) != nil {
		t.Fatal("cancel")
	}
	if in, _ := c.s.Sellable(id); in.Quantity != 10 {
		t.Errorf("stock %d after cancelling both", in.Quantity)
	}
	codes := map[string]bool{}
	for _, filter := range []string{StatusCanceled, StatusCancelled} {
		body := c.get("/v1/managers/store/orders?order_status=" + filter)
		if body["total_order_count"] != json.Number("2") {
			t.Errorf("order_status=%s: %v", filter, body["total_order_count"])
		}
		for _, x := range body["orders"].([]any) {
			codes[obj(obj(x)["order_status"])["code"].(string)] = true
		}
		if n := obj(body["total_order_count_per_status"])["cancelled"]; n != json.Number("2") {
			t.Errorf("cancelled count %v", n)
		}
	}
	if !codes[StatusCanceled] || !codes[StatusCancelled] {
		t.Errorf("codes %v", codes)
	}
}

// TestCreditNotes: a partial reversal by credit note gives back its units' share of the coupon
// and restocks them; reversing the rest gives back the remainder, so the notes add up to the
// order exactly; returned_items counts the units.
func TestCreditNotes(t *testing.T) {
	c := start(t, Options{RateLimit: -1})
	_, vids := c.s.AddProduct(ProductInput{Name: Names{Ar: "قهوة"}, Option: "الحجم", Variants: []VariantInput{
		{Value: "250g", SKU: "C-250", Price: d("35.00"), Quantity: 10}, {Value: "1kg", SKU: "C-1K", Price: d("120.00"), Quantity: 5}}})
	id, err := c.s.PlaceOrder(OrderInput{Lines: []LineInput{{vids[0], 3}, {vids[1], 1}}, Coupon: "EID15", Percent: d("15"),
		Shipping: d("23"), COD: d("11.50"), Guest: CustomerInput{Name: "ضيف"}, Status: StatusDelivered})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.s.CreditNote(id, []CreditLine{{Line: 0, Quantity: 1, Restock: true}}, false, decimal.Zero); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/v1/managers/store/orders/%d/credit-notes", id)
	notes := obj(c.get(path)["payload"])["credit_notes"].([]any)
	if len(notes) != 1 {
		t.Fatalf("credit notes %v", notes)
	}
	cn := obj(notes[0])
	// One of three coffees at 35 with 15% off: 29.75.
	if got := adds(t, invoice(t, cn)); !got.Round(2).Equal(d("29.75")) || !got.Equal(d(cn["order_total"].(string))) {
		t.Errorf("credit note total %s (%v)", got, cn["order_total"])
	}
	if items := cn["items"].([]any); len(items) != 1 || obj(items[0])["quantity"] != json.Number("1") || obj(items[0])["sku"] != "C-250" {
		t.Errorf("items %v", cn["items"])
	}
	if q, _ := c.s.Sellable(vids[0]); q.Quantity != 8 {
		t.Errorf("stock %d after selling 3 and restocking 1", q.Quantity)
	}
	if st := obj(obj(c.get(fmt.Sprintf("/v1/managers/store/orders/%d/view", id))["order"])["order_status"])["code"]; st != StatusPartiallyReversed {
		t.Errorf("status %v", st)
	}
	if err := c.s.Reverse(id); err != nil {
		t.Fatal(err)
	}
	body := obj(c.get(path)["payload"])
	var sum decimal.Decimal
	for _, x := range body["credit_notes"].([]any) {
		sum = sum.Add(adds(t, invoice(t, obj(x))))
	}
	order := c.s.Orders()[0]
	if !sum.Equal(order.Exact) || order.Status != StatusReversed {
		t.Errorf("credit notes give back %s of %s; status %s", sum, order.Exact, order.Status)
	}
	returned := body["returned_items"].([]any)
	if len(returned) != 2 || obj(returned[0])["quantity"] != json.Number("3") {
		t.Errorf("returned_items %v", returned)
	}
	if q, _ := c.s.Sellable(vids[1]); q.Quantity != 5 {
		t.Errorf("1kg stock %d after the reversal", q.Quantity)
	}
	if err := c.s.CreditNote(id, nil, true, decimal.Zero); err == nil {
		t.Error("a second shipping refund was issued")
	}
}

// TestReverseOrders: a return opened through the API (Access-Token headers) is credited and
// restocked at its location when refunded.
func TestReverseOrders(t *testing.T) {
	c := start(t, Options{RateLimit: -1})
	jeddah := c.s.AddLocation(Names{Ar: "جدة"}, "جدة")
	id, _ := c.s.AddProduct(ProductInput{Name: Names{Ar: "تمر"}, SKU: "D", Price: d("20"), Quantity: 10})
	o, _ := c.s.PlaceOrder(OrderInput{Guest: CustomerInput{Name: "ضيف"}, Lines: []LineInput{{id, 4}}, Status: StatusDelivered})
	var opID json.Number
	for _, x := range obj(c.get(fmt.Sprintf("/v1/managers/store/orders/%d/view", o))["order"])["products"].([]any) {
		opID = obj(x)["order_product_id"].(json.Number)
	}
	req := map[string]any{"order_id": o, "is_partial": true, "inventory_location_id": jeddah,
		"products": []any{map[string]any{"order_product_id": opID, "quantity": 1}}, "consignee_name": "ضيف"}
	h := c.headers("/v1/products/") // the manager token as X-Manager-Token is refused here
	h.Del("Access-Token")
	h.Set("X-Manager-Token", c.tok.AccessToken)
	if resp, _ := c.send(http.MethodPost, "/v1/managers/store/reverse-orders", h, req); resp.StatusCode != 401 {
		t.Errorf("reverse order with X-Manager-Token: %d", resp.StatusCode)
	}
	resp, body := c.do(http.MethodPost, "/v1/managers/store/reverse-orders", req)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("reverse order: %d %v", resp.StatusCode, body)
	}
	if st := c.s.Orders()[0].Status; st != StatusReverseInProgress {
		t.Errorf("status %s", st)
	}
	rid := obj(body["order_reverse"])["id"].(string)
	if total := obj(body["order_reverse"])["refund_total"]; !dec(total).Round(2).Equal(d("20")) {
		t.Errorf("refund_total %v", total)
	}
	// The totals preview is a manager endpoint: X-Manager-Token, a form.
	form := url.Values{"order_id": {fmt.Sprint(o)}, "is_partial": {"1"}, "products[0][order_product_id]": {string(opID)},
		"products[0][quantity]": {"1"}}
	preview := func(h http.Header) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodPost, c.hs.URL+"/v1/managers/reverse-credit-note/totals", strings.NewReader(form.Encode()))
		req.Header = h
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := c.hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		dec := json.NewDecoder(resp.Body)
		dec.UseNumber()
		_ = dec.Decode(&out)
		return resp.StatusCode, out
	}
	if status, _ := preview(c.headers("/v1/managers/store/reverse-orders")); status != 401 {
		t.Errorf("totals with Access-Token: %d", status)
	}
	status, totals := preview(c.headers("/v1/managers/reverse-credit-note/totals"))
	if status != 200 {
		t.Fatalf("totals: %d %v", status, totals)
	}
	for _, x := range totals["invoice"].([]any) {
		if l := obj(x); l["code"] == "total" && !dec(l["value"]).Round(2).Equal(d("20")) {
			t.Errorf("preview total %v", l["value"])
		}
	}
	if resp, body := c.do(http.MethodPost, "/v1/managers/store/reverse-orders/refund", map[string]any{"order_reverse_id": rid,
		"amount": 20, "payment_method": "cash"}); resp.StatusCode != 200 {
		t.Fatalf("refund: %d %v", resp.StatusCode, body)
	}
	info := c.s.Orders()[0]
	if info.Status != StatusPartiallyReversed || len(info.Credits) != 1 || !info.Credits[0].Equal(d("20")) {
		t.Errorf("after the refund %+v", info)
	}
	if in, _ := c.s.Sellable(id); in.Stocks[jeddah] != 1 || in.Quantity != 6 {
		t.Errorf("stocks %v", in.Stocks)
	}
}

// TestMoneyVariants: most orders send order_total and the invoice values as 14-decimal strings
// and customer.id as a number; some send numbers and a text id, as real answers do; both carry
// the same amounts.
func TestMoneyVariants(t *testing.T) {
	c := start(t, Options{RateLimit: -1})
	c.s.Seed(SeedOptions{Products: 10, Orders: 40, Seed: 9})
	kinds := map[string]bool{}
	for _, x := range c.get("/v1/managers/store/orders?per_page=100&payload_type=default")["orders"].([]any) {
		o := obj(x)
		kinds[fmt.Sprintf("order_total %T", o["order_total"])] = true
		kinds[fmt.Sprintf("customer.id %T", obj(o["customer"])["id"])] = true
		for _, l := range obj(o["payment"])["invoice"].([]any) {
			kinds[fmt.Sprintf("value %T", obj(l)["value"])] = true
		}
		if total := adds(t, invoice(t, o)); !total.Equal(dec(o["order_total"])) {
			t.Errorf("order %v: invoice total %s, order_total %v", o["id"], total, o["order_total"])
		}
	}
	for _, k := range []string{"order_total string", "order_total json.Number", "customer.id string", "customer.id json.Number",
		"value string", "value json.Number"} {
		if !kinds[k] {
			t.Errorf("no order with %s (saw %v)", k, kinds)
		}
	}
}

// TestEditOrder: a merchant editing a delivered order changes its lines and money, moves the
// stock by the difference, bumps edits_count and updated_at, and leaves a history line.
func TestEditOrder(t *testing.T) {
	c := start(t, Options{RateLimit: -1})
	id, _ := c.s.AddProduct(ProductInput{Name: Names{Ar: "تمر"}, SKU: "D", Price: d("20"), Quantity: 10})
	o, _ := c.s.PlaceOrder(OrderInput{Guest: CustomerInput{Name: "ضيف"}, Lines: []LineInput{{id, 2}}, Status: StatusDelivered})
	before := obj(c.get(fmt.Sprintf("/v1/managers/store/orders/%d/view", o))["order"])
	c.s.clock.Advance(time.Hour)
	if err := c.s.EditOrder(o, 0, 3); err != nil {
		t.Fatal(err)
	}
	after := obj(c.get(fmt.Sprintf("/v1/managers/store/orders/%d/view", o))["order"])
	if after["edits_count"] != json.Number("1") || after["updated_at"] == before["updated_at"] || after["order_total_string"] != "60.00 SAR" {
		t.Errorf("after the edit: edits %v, updated %v (was %v), total %v", after["edits_count"], after["updated_at"], before["updated_at"],
			after["order_total_string"])
	}
	if got := obj(after["histories"].([]any)[0])["comment"]; got != "تم تعديل الطلب ." {
		t.Errorf("newest history %v", got)
	}
	if in, _ := c.s.Sellable(id); in.Quantity != 7 {
		t.Errorf("stock %d after selling 2 and editing to 3", in.Quantity)
	}
	if rows := c.get("/v1/managers/store/orders?order_status=new,delivered")["orders"].([]any); len(rows) != 1 {
		t.Errorf("order_status=new,delivered: %d orders", len(rows))
	}
}
