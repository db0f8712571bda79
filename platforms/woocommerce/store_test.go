package woocommerce_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/woocommerce"
	"mizan/platforms/woocommerce/wootest"
)

func TestInfo(t *testing.T) {
	e := newEnv(t, wootest.Options{}, nil)
	info, err := e.store.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.Version != "WooCommerce 9.8.5" || info.Currency != "SAR" || info.Name != "متجر التمور & Dates" || info.Platform != "woocommerce" {
		t.Fatalf("info = %+v", info)
	}
}

func TestStoreAddress(t *testing.T) {
	cases := []struct {
		url, wantErr string
	}{
		{"http://shop.example.com", "must use https://: the API keys go with every request"},
		{"ftp://shop.example.com", "must use https://"},
		{"https://shop.example.com/?x=1", "must not contain"},
		{"https://shop.example.com/blog", ""},
		{"http://127.0.0.1:8080", ""},
		{"shop.example.com", ""},
	}
	for _, c := range cases {
		_, err := woocommerce.New(core.StoreConfig{StoreURL: c.url, Credentials: map[string]string{"consumer_key": "ck_a", "consumer_secret": "cs_b"}}, woocommerce.Options{})
		if (c.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.wantErr)) {
			t.Errorf("%s: err = %v, want %q", c.url, err, c.wantErr)
		}
	}
}

func TestProductsPagingVariationsAndMoney(t *testing.T) {
	e := newEnv(t, wootest.Options{COGS: true}, nil)
	e.srv.Seed(wootest.SeedOptions{Products: 230, Seed: 3})
	pid, vids := e.srv.AddProduct(wootest.ProductInput{Name: "قهوة & Tea", Category: "Coffee & Tea", Variations: []wootest.VariationInput{
		{Option: "250g", SKU: "CT-250", Barcode: "6281000000017", Price: "12.50", Stock: wootest.IntPtr(4)},
		{Option: "1kg", SKU: "CT-1K", Price: "45", Stock: wootest.IntPtr(2), Cost: ptr(d("20.125"))},
	}})
	before := e.srv.RequestsTo("/products")
	got := e.products()
	want := 0
	for _, p := range e.srv.Products() {
		if p.Type == "simple" || p.Type == "variation" {
			want++
		}
	}
	if len(got) != want {
		t.Fatalf("%d products, want %d", len(got), want)
	}
	if n := e.srv.RequestsTo("/products") - before; n < 3 {
		t.Fatalf("%d product requests: paging not exercised", n)
	}
	byID := map[string]core.StoreProduct{}
	for _, p := range got {
		if byID[p.ExternalID].ExternalID != "" {
			t.Fatalf("product %s twice", p.ExternalID)
		}
		byID[p.ExternalID] = p
	}
	v := byID[decimal.NewFromInt(vids[1]).String()]
	if v.Name != "قهوة & Tea - 1kg" || v.SKU != "CT-1K" || !v.SalePrice.Equal(d("45")) || !v.Quantity.Equal(d("2")) ||
		!v.TracksStock || v.Category != "Coffee & Tea" || v.ProductID != decimal.NewFromInt(pid).String() || !v.HasCost || !v.PurchasePrice.Equal(d("20.125")) {
		t.Fatalf("variation = %+v", v)
	}
	v0 := byID[decimal.NewFromInt(vids[0]).String()]
	if v0.Barcode != "6281000000017" || !v0.SalePrice.Equal(d("12.50")) || v0.StockRef != decimal.NewFromInt(pid).String() {
		t.Fatalf("variation = %+v", v0)
	}
}

func TestNoCostWithoutCOGS(t *testing.T) {
	e := newEnv(t, wootest.Options{}, nil)
	e.srv.AddProduct(wootest.ProductInput{Name: "Dates", SKU: "D1", Price: "10", Stock: wootest.IntPtr(1)})
	p := e.products()[0]
	if p.HasCost || !p.PurchasePrice.IsZero() {
		t.Fatalf("cost reported without COGS: %+v", p)
	}
}

func TestSinceFilters(t *testing.T) {
	e := newEnv(t, wootest.Options{}, nil)
	a, _ := e.srv.AddProduct(wootest.ProductInput{Name: "A", SKU: "A", Price: "1", Stock: wootest.IntPtr(5)})
	e.srv.AddProduct(wootest.ProductInput{Name: "B", SKU: "B", Price: "1", Stock: wootest.IntPtr(5)})
	o1, _ := e.srv.PlaceOrder(wootest.OrderInput{Lines: []wootest.LineInput{{ProductID: a, Quantity: 1}}})
	e.srv.Clock().Advance(time.Hour)
	mark := e.srv.Clock().Now()
	e.srv.Clock().Advance(time.Hour)
	name := "A2"
	e.srv.UpdateProduct(a, wootest.ProductUpdate{Name: &name})
	o2, _ := e.srv.PlaceOrder(wootest.OrderInput{Lines: []wootest.LineInput{{ProductID: a, Quantity: 1}}})
	var ps []core.StoreProduct
	e.store.Products(ctx, mark, func(p []core.StoreProduct) error { ps = append(ps, p...); return nil })
	if len(ps) != 1 || ps[0].Name != "A2" {
		t.Fatalf("products since = %+v", ps)
	}
	os := e.orders(mark)
	if len(os) != 1 || os[0].ExternalID != decimal.NewFromInt(o2).String() {
		t.Fatalf("orders since = %+v (o1 %d)", os, o1)
	}
}

func TestOrderMapping(t *testing.T) {
	cases := []struct {
		name  string
		in    wootest.OrderInput
		check func(t *testing.T, o core.StoreOrder)
	}{
		{"guest, prices with tax", wootest.OrderInput{Billing: wootest.Billing{First: "Sara", Last: "Khan", Email: "s@example.com", Phone: "+966501234567"},
			Shipping: d("25"), PricesIncludeTax: ptr(true)}, func(t *testing.T, o core.StoreOrder) {
			if o.Customer != nil || o.GuestName != "Sara Khan" || o.GuestEmail != "s@example.com" || o.GuestPhone != "+966501234567" {
				t.Fatalf("guest = %+v %q", o.Customer, o.GuestName)
			}
		}},
		{"coupon with free shipping", wootest.OrderInput{Coupon: &wootest.CouponInput{Code: "FREESHIP", Percent: d("10"), FreeShipping: true}, Shipping: d("30")},
			func(t *testing.T, o core.StoreOrder) {
				if len(o.Charges) != 1 || !o.Charges[0].Amount.IsZero() || o.Lines[0].Discount.IsZero() {
					t.Fatalf("charges %+v lines %+v", o.Charges, o.Lines)
				}
			}},
		{"fixed coupon over mixed rates", wootest.OrderInput{Coupon: &wootest.CouponInput{Code: "SAVE15", Amount: d("15")}}, nil},
		{"fee lines", wootest.OrderInput{Fees: []wootest.FeeInput{{Name: "رسوم الدفع عند الاستلام", Amount: d("10"), Taxable: true}, {Name: "Loyalty", Amount: d("-5")}}},
			func(t *testing.T, o core.StoreOrder) {
				if len(o.Charges) != 1 || o.Charges[0].Kind != "fee" || !o.Charges[0].Tax.Equal(d("1.50")) || !o.Discount.Equal(d("5")) {
					t.Fatalf("charges %+v discount %s", o.Charges, o.Discount)
				}
			}},
		{"customer", wootest.OrderInput{CustomerID: -1}, func(t *testing.T, o core.StoreOrder) {
			if o.Customer == nil || o.Customer.Email != "m@example.com" || o.Customer.Name != "محمد العتيبي" {
				t.Fatalf("customer = %+v", o.Customer)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, wootest.Options{}, nil)
			a, _ := e.srv.AddProduct(wootest.ProductInput{Name: "تمر سكري", SKU: "S1", Price: "33.33", Stock: wootest.IntPtr(50)})
			b, _ := e.srv.AddProduct(wootest.ProductInput{Name: "Book", SKU: "B1", Price: "19.99", TaxClass: "zero-rate", Stock: wootest.IntPtr(50)})
			r, _ := e.srv.AddProduct(wootest.ProductInput{Name: "Milk", SKU: "M1", Price: "7.77", TaxClass: "reduced-rate", Stock: wootest.IntPtr(50)})
			in := c.in
			if in.CustomerID == -1 {
				in.CustomerID = e.srv.AddCustomer("محمد", "العتيبي", "m@example.com", "+966500000001")
			}
			in.Lines = []wootest.LineInput{{ProductID: a, Quantity: 3}, {ProductID: b, Quantity: 1}, {ProductID: r, Quantity: 7}}
			id, err := e.srv.PlaceOrder(in)
			if err != nil {
				t.Fatal(err)
			}
			o := e.order(id)
			info, _ := e.srv.Order(id)
			if !o.Total.Equal(info.Total) || !parts(o).Equal(o.Total) {
				t.Fatalf("total %s, store %s, parts %s: %+v", o.Total, info.Total, parts(o), o)
			}
			if !o.StockReduced || o.Status != "processing" || o.Name != "#"+decimal.NewFromInt(id).String() || o.Currency != "SAR" {
				t.Fatalf("order = %+v", o)
			}
			if c.check != nil {
				c.check(t, o)
			}
		})
	}
}

func TestSeededOrdersAddUp(t *testing.T) {
	e := newEnv(t, wootest.Options{PricesIncludeTax: true}, nil)
	e.srv.Seed(wootest.SeedOptions{Products: 40, Orders: 400, Seed: 9})
	orders := e.orders(time.Time{})
	if len(orders) != 400 {
		t.Fatalf("%d orders", len(orders))
	}
	guests := 0
	for _, o := range orders {
		if !parts(o).Equal(o.Total) {
			t.Fatalf("order %s: parts %s ≠ total %s", o.Name, parts(o), o.Total)
		}
		if o.Customer == nil {
			guests++
		}
	}
	if guests == 0 {
		t.Fatal("no guest orders")
	}
}

func TestRefundsAndCancellation(t *testing.T) {
	for _, restock := range []string{"yes", "no"} {
		t.Run("restock="+restock, func(t *testing.T) {
			e := newEnv(t, wootest.Options{}, map[string]string{woocommerce.OptRestock: restock})
			a, _ := e.srv.AddProduct(wootest.ProductInput{Name: "A", SKU: "A", Price: "10", Stock: wootest.IntPtr(10)})
			id, _ := e.srv.PlaceOrder(wootest.OrderInput{Lines: []wootest.LineInput{{ProductID: a, Quantity: 3}}, Shipping: d("20")})
			info, _ := e.srv.Order(id)
			e.srv.Refund(id, wootest.RefundInput{Lines: []wootest.RefundLine{{LineID: info.LineIDs[0], Quantity: 1}}, Restock: true})
			e.srv.Refund(id, wootest.RefundInput{Amount: d("4.25"), Reason: "late"})
			o := e.order(id)
			if len(o.Refunds) != 2 {
				t.Fatalf("refunds = %+v", o.Refunds)
			}
			var items, amount core.StoreRefund
			for _, r := range o.Refunds {
				if len(r.Lines) > 0 {
					items = r
				} else {
					amount = r
				}
			}
			rl := items.Lines[0]
			if rl.LineID != decimal.NewFromInt(info.LineIDs[0]).String() || !rl.Quantity.Equal(d("1")) || !rl.Subtotal.Equal(d("10")) ||
				!rl.Tax.Equal(d("1.5")) || !items.Total.Equal(d("11.5")) || rl.Restock != (restock == "yes") {
				t.Fatalf("item refund = %+v", items)
			}
			if !amount.Total.Equal(d("4.25")) || amount.Note != "late" {
				t.Fatalf("amount refund = %+v", amount)
			}
			e.srv.CancelOrder(id)
			o = e.order(id)
			if !o.Cancelled || o.Status != "cancelled" || len(o.Refunds) != 3 {
				t.Fatalf("cancelled = %+v", o)
			}
			c := o.Refunds[2]
			if !c.Lines[0].Quantity.Equal(d("2")) || !c.Lines[0].Restock || !c.Total.Equal(o.Total.Sub(d("15.75"))) || !c.Shipping.Equal(d("20")) {
				t.Fatalf("cancellation = %+v", c)
			}
		})
	}
}

func TestFullRefundIsCancellation(t *testing.T) {
	e := newEnv(t, wootest.Options{}, nil)
	a, _ := e.srv.AddProduct(wootest.ProductInput{Name: "A", SKU: "A", Price: "10", Stock: wootest.IntPtr(10)})
	id, _ := e.srv.PlaceOrder(wootest.OrderInput{Lines: []wootest.LineInput{{ProductID: a, Quantity: 1}}})
	e.srv.Refund(id, wootest.RefundInput{Amount: d("11.50")})
	o := e.order(id)
	if o.Status != "refunded" || !o.Cancelled || len(o.Refunds) != 1 {
		t.Fatalf("order = %+v", o)
	}
}

func TestCreateProductIsIdempotent(t *testing.T) {
	e := newEnv(t, wootest.Options{}, nil)
	f := core.ProductFields{Name: "Saffron زعفران", Code: "SAF-1", Barcode: "6280000000001", Category: "بهارات", SalePrice: d("55.50")}
	p1, err := e.store.CreateProduct(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := e.store.CreateProduct(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if p1.ExternalID != p2.ExternalID || len(e.srv.Products()) != 1 || p1.Category != "بهارات" || !p1.SalePrice.Equal(d("55.5")) || !p1.TracksStock {
		t.Fatalf("p1 %+v p2 %+v", p1, p2)
	}
	_, vids := e.srv.AddProduct(wootest.ProductInput{Name: "Tea", Variations: []wootest.VariationInput{{Option: "S", SKU: "TEA-S", Price: "5"}}})
	p3, err := e.store.CreateProduct(ctx, core.ProductFields{Name: "Tea S", Code: "TEA-S"})
	if err != nil || p3.ExternalID != decimal.NewFromInt(vids[0]).String() || p3.Name != "Tea - S" {
		t.Fatalf("variation by SKU: %+v %v", p3, err)
	}
	up, err := e.store.UpdateProduct(ctx, p3, core.ProductFields{Code: "TEA-S", SalePrice: d("6.25"), Category: "Gifts"},
		core.FieldSet{core.FieldSalePrice: true, core.FieldCategory: true})
	if err != nil || !up.SalePrice.Equal(d("6.25")) || up.Category != "Gifts" {
		t.Fatalf("update variation: %+v %v", up, err)
	}
}

func TestAdjustStockKeepsConcurrentSales(t *testing.T) {
	t.Run("sale before the change is read", func(t *testing.T) {
		e := newEnv(t, wootest.Options{}, nil)
		a, _ := e.srv.AddProduct(wootest.ProductInput{Name: "A", SKU: "A", Price: "10", Stock: wootest.IntPtr(10)})
		e.srv.PlaceOrder(wootest.OrderInput{Lines: []wootest.LineInput{{ProductID: a, Quantity: 2}}}) // 10 → 8
		res, err := e.store.AdjustStock(ctx, []core.StockChange{{ExternalID: decimal.NewFromInt(a).String(), Expected: d("10"), Delta: d("5")}})
		if err != nil {
			t.Fatal(err)
		}
		if q, _ := e.srv.Stock(a); !q.Equal(d("13")) || !res[0].Quantity.Equal(d("13")) || res[0].Reread != 1 {
			t.Fatalf("stock %s, result %+v", q, res)
		}
	})
	t.Run("sale between read and write", func(t *testing.T) {
		e := newEnv(t, wootest.Options{}, nil)
		a, _ := e.srv.AddProduct(wootest.ProductInput{Name: "A", SKU: "A", Price: "10", Stock: wootest.IntPtr(10)})
		_, vids := e.srv.AddProduct(wootest.ProductInput{Name: "V", Variations: []wootest.VariationInput{{Option: "x", SKU: "V1", Price: "3", Stock: wootest.IntPtr(7)}}})
		fired := false
		e.srv.OnStockWrite(func() {
			if !fired {
				fired = true
				e.srv.PlaceOrder(wootest.OrderInput{Lines: []wootest.LineInput{{ProductID: a, Quantity: 3}, {ProductID: vids[0], Quantity: 1}}})
			}
		})
		res, err := e.store.AdjustStock(ctx, []core.StockChange{
			{ExternalID: decimal.NewFromInt(a).String(), Expected: d("10"), Delta: d("-4")},
			{ExternalID: decimal.NewFromInt(vids[0]).String(), Expected: d("7"), Delta: d("2")},
		})
		if err != nil {
			t.Fatal(err)
		}
		qa, _ := e.srv.Stock(a)
		qv, _ := e.srv.Stock(vids[0])
		if !fired || !qa.Equal(d("3")) || !qv.Equal(d("8")) {
			t.Fatalf("stock %s and %s, want 3 and 8 (fired %v)", qa, qv, fired)
		}
		if res[0].Reread == 0 || !res[0].Quantity.Equal(d("3")) || !res[1].Quantity.Equal(d("8")) {
			t.Fatalf("results %+v", res)
		}
		if !strings.Contains(e.logs.String(), "overwritten") {
			t.Fatalf("no log of the re-read: %s", e.logs)
		}
	})
}

func TestQueryStringKeyFallback(t *testing.T) {
	e := newEnv(t, wootest.Options{StripAuthorization: true}, nil)
	if _, err := e.store.Info(ctx); err != nil {
		t.Fatal(err)
	}
	n := e.srv.Requests()
	e.products()
	if e.srv.Requests()-n != 1 {
		t.Fatalf("%d requests after the fallback was learnt, want 1", e.srv.Requests()-n)
	}
	bad := e.open(e.srv.Key(), "cs_wrong_secret_value", nil)
	_, err := bad.Info(ctx)
	if !errors.Is(err, core.ErrUnauthorized) || !strings.Contains(err.Error(), "Consumer secret is invalid") {
		t.Fatalf("err = %v", err)
	}
	for _, s := range []string{e.srv.Secret(), e.srv.Key(), "cs_wrong_secret_value"} {
		if strings.Contains(err.Error(), s) || strings.Contains(e.logs.String(), s) {
			t.Fatalf("a key leaked: %v\n%s", err, e.logs)
		}
	}
}

func TestFaults(t *testing.T) {
	cases := []struct {
		fault   wootest.FaultKind
		times   int
		wantErr string // "" = the call succeeds
		is      error
	}{
		{wootest.Fault429, 2, "", nil},
		{wootest.Fault429NoRetryAfter, 1, "", nil},
		{wootest.Fault503, 1, "", nil},
		{wootest.Fault503RetryAfter, 1, "", nil},
		{wootest.Fault500, 1, "", nil},
		{wootest.FaultTruncated, 1, "", nil},
		{wootest.FaultSlow, 1, "", nil},
		{wootest.Fault500, 9, "gave up after 4 attempts", core.ErrUnreachable},
		{wootest.FaultTruncated, 9, "gave up after 4 attempts", core.ErrUnreachable},
		{wootest.FaultCutJSON, 2, "", nil},
		{wootest.FaultCutJSON, 9, "gave up after 4 attempts: the body is not valid JSON", core.ErrUnreachable},
		{wootest.FaultHTML, 1, "web page instead of API data (\"Just a moment...\")", nil},
		{wootest.FaultLoginRedirect, 1, "redirected the API request to a login page", core.ErrUnauthorized},
		{wootest.FaultNoRoute, 1, `Settings › Permalinks in WordPress to anything but "Plain"`, nil},
	}
	for _, c := range cases {
		t.Run(string(c.fault), func(t *testing.T) {
			e := newEnv(t, wootest.Options{SlowDelay: 50 * time.Millisecond}, nil)
			e.srv.Seed(wootest.SeedOptions{Products: 120, Orders: 30, Seed: 1})
			want := len(e.products())
			e.srv.InjectFaults(wootest.Fault{Kind: c.fault, Times: c.times, Path: "/products"})
			var got []core.StoreProduct
			err := e.store.Products(ctx, time.Time{}, func(p []core.StoreProduct) error { got = append(got, p...); return nil })
			if c.wantErr == "" {
				if err != nil || len(got) != want {
					t.Fatalf("err %v, %d products of %d", err, len(got), want)
				}
				return
			}
			var se *core.StoreError
			if err == nil || !errors.As(err, &se) || !strings.Contains(err.Error(), c.wantErr) || (c.is != nil && !errors.Is(err, c.is)) {
				t.Fatalf("err = %v, want %q", err, c.wantErr)
			}
			if strings.Contains(err.Error(), e.srv.Secret()) || strings.Contains(e.logs.String(), e.srv.Secret()) {
				t.Fatal("secret leaked")
			}
		})
	}
}

func TestOrderChangesMidPaging(t *testing.T) {
	e := newEnv(t, wootest.Options{}, nil)
	e.srv.Seed(wootest.SeedOptions{Products: 20, Orders: 250, Seed: 2})
	start := e.srv.Clock().Now()
	e.srv.Clock().Advance(time.Minute)
	e.srv.InjectFaults(wootest.Fault{Kind: wootest.FaultChangeMidPaging})
	all := e.orders(time.Time{})
	if len(all) != 250 {
		t.Fatalf("%d orders", len(all))
	}
	again := e.orders(start)
	if len(again) != 1 {
		t.Fatalf("the order changed while paging is not read again: %d", len(again))
	}
}

// TestCreateProductCost: a product made in the books carries its cost into a store that keeps
// costs (Cost of Goods Sold on) from its creation, whether or not the store's catalogue was read
// first (an empty store has shown nothing); a store without the feature gets no cost and no
// extra request.
func TestCreateProductCost(t *testing.T) {
	for _, c := range []struct {
		name      string
		cogs      bool
		readFirst bool
		requests  int // batch requests for the creation
		cost      string
	}{
		{"an empty store keeping costs", true, false, 2, "80.5"},
		{"a store keeping costs, its catalogue read", true, true, 1, "80.5"},
		{"a store without costs", false, false, 1, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, wootest.Options{COGS: c.cogs}, nil)
			if c.readFirst {
				e.srv.AddProduct(wootest.ProductInput{Name: "Dates", SKU: "D1", Price: "10", Stock: wootest.IntPtr(1)})
				e.products()
			}
			before := e.srv.RequestsTo("/products/batch")
			sp, err := e.store.CreateProduct(ctx, core.ProductFields{Name: "عود", Code: "OUD-1", PurchasePrice: d("80.50"), SalePrice: d("149.95")})
			if err != nil {
				t.Fatal(err)
			}
			if n := e.srv.RequestsTo("/products/batch") - before; n != c.requests {
				t.Errorf("%d batch requests, want %d", n, c.requests)
			}
			got, _ := e.srv.ProductBySKU("OUD-1")
			switch {
			case c.cost == "" && (got.Cost != nil || sp.HasCost):
				t.Errorf("a cost without the feature: the store has %v, the answer %+v", got.Cost, sp)
			case c.cost != "" && (got.Cost == nil || !got.Cost.Equal(d(c.cost)) || !sp.HasCost || !sp.PurchasePrice.Equal(d(c.cost))):
				t.Errorf("the store's cost %v, the answer's %s (has %v), want %s", got.Cost, sp.PurchasePrice, sp.HasCost, c.cost)
			}
		})
	}
}

// TestUpdateProductCost: a cost edited in the books reaches a store that keeps costs even when
// the connection has read none of its products since it was opened (a sync with nothing new in
// the store), for a simple product and for a variation; a store without the feature gets none.
func TestUpdateProductCost(t *testing.T) {
	for _, c := range []struct {
		name      string
		cogs      bool
		variation bool
		requests  int
	}{
		{"a simple product", true, false, 2},
		{"a variation", true, true, 2},
		{"a store without costs", false, false, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, wootest.Options{COGS: c.cogs}, nil)
			id, vids := e.srv.AddProduct(wootest.ProductInput{Name: "عود", SKU: "OUD-1", Price: "150", Stock: wootest.IntPtr(1), Cost: ptr(d("80"))})
			ref := core.StoreProduct{ExternalID: strconv.FormatInt(id, 10), ProductID: strconv.FormatInt(id, 10)}
			if c.variation {
				id, vids = e.srv.AddProduct(wootest.ProductInput{Name: "Dates", Variations: []wootest.VariationInput{
					{Option: "1kg", SKU: "OUD-1K", Price: "40", Stock: wootest.IntPtr(3), Cost: ptr(d("80"))}}})
				ref = core.StoreProduct{ExternalID: strconv.FormatInt(vids[0], 10), ProductID: strconv.FormatInt(id, 10)}
			}
			before := e.srv.RequestsTo("/products")
			sp, err := e.store.UpdateProduct(ctx, ref, core.ProductFields{Name: "عود", PurchasePrice: d("82.25")}, core.FieldSet{core.FieldPurchasePrice: true})
			if err != nil {
				t.Fatal(err)
			}
			got, _ := e.srv.Product(mustParse(t, sp.ExternalID))
			if c.cogs && (got.Cost == nil || !got.Cost.Equal(d("82.25")) || !sp.PurchasePrice.Equal(d("82.25"))) {
				t.Errorf("the store's cost %v, read back %s; want 82.25", got.Cost, sp.PurchasePrice)
			}
			if !c.cogs && (sp.HasCost || got.Cost != nil && !got.Cost.Equal(d("80"))) {
				t.Errorf("a cost without the feature: %v, %+v", got.Cost, sp)
			}
			if n := e.srv.RequestsTo("/products") - before; n < c.requests || n > c.requests+1 {
				t.Errorf("%d product requests, want %d (and the parent read for a variation)", n, c.requests)
			}
		})
	}
}

func mustParse(t *testing.T, id string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
