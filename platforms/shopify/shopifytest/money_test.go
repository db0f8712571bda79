package shopifytest

import (
	"testing"

	"github.com/shopspring/decimal"
)

const orderMoneyQuery = `query($id: ID!) { order(id: $id) {
  name taxesIncluded displayFinancialStatus displayFulfillmentStatus cancelledAt cancelReason customer { id } email phone
  discountCodes
  subtotalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount } }
  totalShippingPriceSet { shopMoney { amount } }
  totalTaxSet { shopMoney { amount } }
  totalDiscountsSet { shopMoney { amount } }
  totalPriceSet { shopMoney { amount } }
  currentTotalPriceSet { shopMoney { amount } }
  totalRefundedSet { shopMoney { amount } }
  taxLines { title rate ratePercentage priceSet { shopMoney { amount } } }
  lineItems(first: 20) { nodes { id sku quantity currentQuantity
    originalUnitPriceSet { shopMoney { amount } }
    discountedUnitPriceAfterAllDiscountsSet { shopMoney { amount } }
    totalDiscountSet { shopMoney { amount } }
    discountAllocations { allocatedAmountSet { shopMoney { amount } } }
    taxLines { priceSet { shopMoney { amount } } } } }
  shippingLines(first: 5) { nodes { title code originalPriceSet { shopMoney { amount } } discountedPriceSet { shopMoney { amount } } taxLines { priceSet { shopMoney { amount } } } } }
  refunds { id totalRefundedSet { shopMoney { amount } }
    refundLineItems(first: 20) { nodes { quantity restockType restocked location { id } lineItem { id } priceSet { shopMoney { amount } } subtotalSet { shopMoney { amount } } totalTaxSet { shopMoney { amount } } } }
    refundShippingLines(first: 5) { nodes { subtotalAmountSet { shopMoney { amount } } taxAmountSet { shopMoney { amount } } } }
    transactions(first: 5) { nodes { kind status amountSet { shopMoney { amount } } } } }
} }`

// checkOrderConsistency verifies the money identities of an order as
// returned by the API, and returns the order.
func checkOrderConsistency(t *testing.T, e *testEnv, gid string) map[string]any {
	t.Helper()
	d := e.query(orderMoneyQuery, map[string]any{"id": gid})
	o, _ := d["order"].(map[string]any)
	amt := func(path ...any) decimal.Decimal { return digDec(t, o, append(path, "shopMoney", "amount")...) }
	subtotal, shipping, tax, disc, total := amt("subtotalPriceSet"), amt("totalShippingPriceSet"), amt("totalTaxSet"), amt("totalDiscountsSet"), amt("totalPriceSet")
	want := subtotal.Add(shipping)
	if dig(o, "taxesIncluded") == false {
		want = want.Add(tax)
	}
	if !total.Equal(want) {
		t.Errorf("%s: total %s != subtotal %s + shipping %s + tax %s (included %v)", digStr(o, "name"), total, subtotal, shipping, tax, dig(o, "taxesIncluded"))
	}
	sumNet, sumDisc, sumTax := decimal.Zero, decimal.Zero, decimal.Zero
	for _, l := range dig(o, "lineItems", "nodes").([]any) {
		q := decimal.NewFromInt(int64(dig(l, "quantity").(float64)))
		orig := digDec(t, l, "originalUnitPriceSet", "shopMoney", "amount").Mul(q)
		ld := digDec(t, l, "totalDiscountSet", "shopMoney", "amount")
		allocs := decimal.Zero
		for _, a := range dig(l, "discountAllocations").([]any) {
			allocs = allocs.Add(digDec(t, a, "allocatedAmountSet", "shopMoney", "amount"))
		}
		if !allocs.Equal(ld) {
			t.Errorf("line allocations %s != totalDiscount %s", allocs, ld)
		}
		sumNet = sumNet.Add(orig.Sub(ld))
		sumDisc = sumDisc.Add(ld)
		for _, tl := range dig(l, "taxLines").([]any) {
			sumTax = sumTax.Add(digDec(t, tl, "priceSet", "shopMoney", "amount"))
		}
	}
	sumShip := decimal.Zero
	for _, s := range dig(o, "shippingLines", "nodes").([]any) {
		sumShip = sumShip.Add(digDec(t, s, "originalPriceSet", "shopMoney", "amount"))
		for _, tl := range dig(s, "taxLines").([]any) {
			sumTax = sumTax.Add(digDec(t, tl, "priceSet", "shopMoney", "amount"))
		}
	}
	orderTax := decimal.Zero
	for _, tl := range dig(o, "taxLines").([]any) {
		orderTax = orderTax.Add(digDec(t, tl, "priceSet", "shopMoney", "amount"))
	}
	// Lines that were edited away keep their quantity; the sums only hold
	// for orders without edits, which is all this helper is used on.
	if !sumNet.Equal(subtotal) || !sumDisc.Equal(disc) || !sumTax.Equal(tax) || !orderTax.Equal(tax) || !sumShip.Equal(shipping) {
		t.Errorf("%s: lines net %s/subtotal %s, discounts %s/%s, tax %s/%s/%s, shipping %s/%s", digStr(o, "name"), sumNet, subtotal, sumDisc, disc, sumTax, orderTax, tax, sumShip, shipping)
	}
	refunded := decimal.Zero
	for _, r := range dig(o, "refunds").([]any) {
		refunded = refunded.Add(digDec(t, r, "totalRefundedSet", "shopMoney", "amount"))
	}
	if !refunded.Equal(amt("totalRefundedSet")) {
		t.Errorf("refunds %s != totalRefunded %s", refunded, amt("totalRefundedSet"))
	}
	return o
}

func catalogueFor(t *testing.T, s *Server) (a, b, c VariantInfo) {
	t.Helper()
	p1, err := s.AddProduct(ProductInput{Title: "قهوة عربية — Arabic coffee", ProductType: "قهوة", Options: []string{"الحجم"},
		Variants: []VariantInput{{OptionValues: []string{"250g"}, SKU: "COF-250", Price: dec("45"), Quantity: 10}, {OptionValues: []string{"500g"}, SKU: "COF-500", Price: dec("85.50"), Quantity: 10}}})
	if err != nil {
		t.Fatal(err)
	}
	p2, err := s.AddProduct(ProductInput{Title: "تمر سكري", Variants: []VariantInput{{SKU: "DAT-1", Price: dec("19.99"), Quantity: 10}}})
	if err != nil {
		t.Fatal(err)
	}
	return p1.Variants[0], p1.Variants[1], p2.Variants[0]
}

func TestOrderMoney(t *testing.T) {
	e := newEnv(t, Options{})
	a, b, c := catalogueFor(t, e.srv)
	cust := e.srv.AddCustomer(CustomerInput{FirstName: "نورة", LastName: "الشمري", Phone: "0501234567", Email: "noura@example.sa"})
	zero := decimal.Zero
	tests := []struct {
		name                                     string
		in                                       OrderInput
		subtotal, shipping, tax, discount, total string
		lineDiscounts, lineTaxes                 []string
		guest                                    bool
	}{
		{
			name: "taxes included, 10% code, paid shipping",
			in: OrderInput{CustomerID: cust.ID, Lines: []OrderLine{{VariantID: a.ID, Quantity: 2}, {VariantID: b.ID, Quantity: 1}},
				DiscountCode: "RAMADAN10", DiscountPercent: dec("10"), Shipping: &ShippingInput{Title: "SMSA", Price: dec("25")}},
			subtotal: "157.95", shipping: "25", tax: "23.87", discount: "17.55", total: "182.95",
			lineDiscounts: []string{"9", "8.55"}, lineTaxes: []string{"10.57", "10.04"},
		},
		{
			name: "taxes excluded, fixed 20 off, paid shipping",
			in: OrderInput{CustomerID: cust.ID, TaxesExcluded: true, Lines: []OrderLine{{VariantID: c.ID, Quantity: 3}, {VariantID: a.ID, Quantity: 2, Price: decp("12.50")}},
				DiscountCode: "SAVE20", DiscountAmount: dec("20"), Shipping: &ShippingInput{Price: dec("30")}},
			subtotal: "64.97", shipping: "30", tax: "14.25", discount: "20", total: "109.22",
			lineDiscounts: []string{"14.12", "5.88"}, lineTaxes: []string{"6.88", "2.87"},
		},
		{
			name:     "guest, free shipping, no discount",
			in:       OrderInput{Email: "guest@example.sa", Phone: "+966 55 123 4567", Lines: []OrderLine{{VariantID: b.ID, Quantity: 1, Price: decp("100")}}, Shipping: &ShippingInput{Title: "Free", Price: zero}},
			subtotal: "100", shipping: "0", tax: "13.04", discount: "0", total: "100",
			lineDiscounts: []string{"0"}, lineTaxes: []string{"13.04"}, guest: true,
		},
		{
			name:     "untaxed, no shipping line",
			in:       OrderInput{CustomerID: cust.ID, TaxRate: &zero, Lines: []OrderLine{{VariantID: c.ID, Quantity: 2}}},
			subtotal: "39.98", shipping: "0", tax: "0", discount: "0", total: "39.98",
			lineDiscounts: []string{"0"}, lineTaxes: nil,
		},
		{
			name:     "discount larger than the order is capped",
			in:       OrderInput{CustomerID: cust.ID, Lines: []OrderLine{{VariantID: c.ID, Quantity: 1}}, DiscountAmount: dec("50"), Shipping: &ShippingInput{Price: dec("10")}},
			subtotal: "0", shipping: "10", tax: "1.3", discount: "19.99", total: "10",
			lineDiscounts: []string{"19.99"}, lineTaxes: []string{"0"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			oi, err := e.srv.PlaceOrder(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			o := checkOrderConsistency(t, e, oi.GID)
			for field, want := range map[string]string{"subtotalPriceSet": tc.subtotal, "totalShippingPriceSet": tc.shipping, "totalTaxSet": tc.tax, "totalDiscountsSet": tc.discount, "totalPriceSet": tc.total} {
				if got := digDec(t, o, field, "shopMoney", "amount"); !got.Equal(dec(want)) {
					t.Errorf("%s = %s, want %s", field, got, want)
				}
			}
			if digStr(o, "subtotalPriceSet", "shopMoney", "currencyCode") != "SAR" || digStr(o, "subtotalPriceSet", "presentmentMoney", "amount") == "" {
				t.Errorf("money bag: %v", dig(o, "subtotalPriceSet"))
			}
			for i, l := range dig(o, "lineItems", "nodes").([]any) {
				if got := digDec(t, l, "totalDiscountSet", "shopMoney", "amount"); !got.Equal(dec(tc.lineDiscounts[i])) {
					t.Errorf("line %d discount %s, want %s", i, got, tc.lineDiscounts[i])
				}
				taxes := dig(l, "taxLines").([]any)
				if tc.lineTaxes == nil {
					if len(taxes) != 0 {
						t.Errorf("line %d: unexpected tax lines", i)
					}
					continue
				}
				if got := digDec(t, taxes[0], "priceSet", "shopMoney", "amount"); !got.Equal(dec(tc.lineTaxes[i])) {
					t.Errorf("line %d tax %s, want %s", i, got, tc.lineTaxes[i])
				}
			}
			if (dig(o, "customer") == nil) != tc.guest {
				t.Errorf("customer %v, guest %v", dig(o, "customer"), tc.guest)
			}
			if tc.guest && (digStr(o, "email") != "guest@example.sa" || digStr(o, "phone") == "") {
				t.Errorf("guest contact: %v %v", dig(o, "email"), dig(o, "phone"))
			}
			if dig(o, "displayFinancialStatus") != "PAID" {
				t.Errorf("status %v", dig(o, "displayFinancialStatus"))
			}
			// The snapshot agrees with the API.
			snap, _ := e.srv.Order(oi.ID)
			if !snap.Money.TotalPrice.Equal(dec(tc.total)) || !snap.Money.TotalTax.Equal(dec(tc.tax)) {
				t.Errorf("snapshot money %+v", snap.Money)
			}
		})
	}
}

func level(t *testing.T, s *Server, variantID int64) LevelInfo {
	t.Helper()
	v, ok := s.Variant(variantID)
	if !ok || len(v.Levels) == 0 {
		t.Fatalf("variant %d has no level", variantID)
	}
	return v.Levels[0]
}

func TestInventoryFollowsOrders(t *testing.T) {
	e := newEnv(t, Options{})
	a, _, c := catalogueFor(t, e.srv)
	oi, err := e.srv.PlaceOrder(OrderInput{Lines: []OrderLine{{VariantID: a.ID, Quantity: 3}, {VariantID: c.ID, Quantity: 1}}, Email: "x@example.sa"})
	if err != nil {
		t.Fatal(err)
	}
	if l := level(t, e.srv, a.ID); l.Available != 7 || l.Committed != 3 || l.OnHand != 10 {
		t.Fatalf("after order: %+v", l)
	}
	if _, err := e.srv.FulfillOrder(oi.ID); err != nil {
		t.Fatal(err)
	}
	if l := level(t, e.srv, a.ID); l.Available != 7 || l.Committed != 0 || l.OnHand != 7 {
		t.Fatalf("after fulfilment: %+v", l)
	}
	if _, err := e.srv.PlaceOrder(OrderInput{Lines: []OrderLine{{VariantID: a.ID, Quantity: 8}}}); err == nil {
		t.Fatal("overselling a DENY variant must fail")
	}
	d := e.query(`query($id: ID!, $loc: ID!) { productVariant(id: $id) { inventoryQuantity updatedAt inventoryItem { inventoryLevel(locationId: $loc) { quantities(names: ["available", "on_hand", "committed"]) { name quantity } } } } }`,
		map[string]any{"id": a.GID, "loc": e.srv.PrimaryLocation().GID})
	if dig(d, "productVariant", "inventoryQuantity") != float64(7) || dig(d, "productVariant", "inventoryItem", "inventoryLevel", "quantities", 1, "quantity") != float64(7) {
		t.Fatalf("%v", d)
	}
}

func TestRefunds(t *testing.T) {
	e := newEnv(t, Options{})
	a, _, c := catalogueFor(t, e.srv)
	oi, err := e.srv.PlaceOrder(OrderInput{TaxesExcluded: true, Lines: []OrderLine{{VariantID: c.ID, Quantity: 3}, {VariantID: a.ID, Quantity: 2, Price: decp("12.50")}},
		DiscountAmount: dec("20"), DiscountCode: "SAVE20", Shipping: &ShippingInput{Price: dec("30")}, Fulfilled: true, Email: "r@example.sa"})
	if err != nil {
		t.Fatal(err)
	}
	line := oi.Lines[0]
	e.clock.Advance(3600e9)
	r1, err := e.srv.RefundOrder(oi.ID, RefundInput{Lines: []RefundLine{{LineItemID: line.ID, Quantity: 1, RestockType: "RETURN"}}, Shipping: dec("10")})
	if err != nil {
		t.Fatal(err)
	}
	if !r1.Amount.Equal(dec("29.07")) || !r1.Lines[0].Subtotal.Equal(dec("15.28")) || !r1.Lines[0].Tax.Equal(dec("2.29")) || !r1.Shipping[0].Tax.Equal(dec("1.5")) {
		t.Fatalf("first refund %+v", r1)
	}
	if l := level(t, e.srv, c.ID); l.Available != 8 || l.OnHand != 8 {
		t.Fatalf("restock: %+v", l)
	}
	r2, err := e.srv.RefundOrder(oi.ID, RefundInput{Lines: []RefundLine{{LineItemID: line.ID, Quantity: 2, RestockType: "NO_RESTOCK"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !r2.Lines[0].Subtotal.Equal(dec("30.57")) || !r2.Lines[0].Tax.Equal(dec("4.59")) || !r2.Amount.Equal(dec("35.16")) {
		t.Fatalf("second refund must take the exact remainders: %+v", r2)
	}
	if l := level(t, e.srv, c.ID); l.Available != 8 {
		t.Fatalf("NO_RESTOCK changed stock: %+v", l)
	}
	if _, err := e.srv.RefundOrder(oi.ID, RefundInput{Lines: []RefundLine{{LineItemID: line.ID, Quantity: 1}}}); err == nil {
		t.Fatal("refunding more than was bought must fail")
	}
	o := checkOrderConsistency(t, e, oi.GID)
	if got := digDec(t, o, "currentTotalPriceSet", "shopMoney", "amount"); !got.Equal(dec("44.99")) {
		t.Errorf("currentTotal %s", got)
	}
	if got := digDec(t, o, "totalRefundedSet", "shopMoney", "amount"); !got.Equal(dec("64.23")) {
		t.Errorf("totalRefunded %s", got)
	}
	if dig(o, "displayFinancialStatus") != "PARTIALLY_REFUNDED" || dig(o, "lineItems", "nodes", 0, "currentQuantity") != float64(0) {
		t.Errorf("status %v, current qty %v", dig(o, "displayFinancialStatus"), dig(o, "lineItems", "nodes", 0, "currentQuantity"))
	}
	rli := dig(o, "refunds", 0, "refundLineItems", "nodes", 0)
	if dig(rli, "restockType") != "RETURN" || dig(rli, "restocked") != true || digStr(rli, "location", "id") != e.srv.PrimaryLocation().GID || digStr(rli, "lineItem", "id") != line.GID {
		t.Errorf("refund line %v", rli)
	}
	if dig(o, "refunds", 0, "transactions", "nodes", 0, "kind") != "REFUND" || digStr(o, "refunds", 0, "refundShippingLines", "nodes", 0, "subtotalAmountSet", "shopMoney", "amount") != "10.0" {
		t.Errorf("refund %v", dig(o, "refunds", 0))
	}

	// An amount-only refund changes what was refunded, not the current total.
	r3, err := e.srv.RefundOrder(oi.ID, RefundInput{Amount: dec("5")})
	if err != nil || !r3.AmountOnly {
		t.Fatal(err)
	}
	o = checkOrderConsistency(t, e, oi.GID)
	if !digDec(t, o, "currentTotalPriceSet", "shopMoney", "amount").Equal(dec("44.99")) || !digDec(t, o, "totalRefundedSet", "shopMoney", "amount").Equal(dec("69.23")) {
		t.Errorf("after amount-only refund: %v %v", dig(o, "currentTotalPriceSet"), dig(o, "totalRefundedSet"))
	}
	if _, err := e.srv.RefundOrder(oi.ID, RefundInput{Amount: dec("100")}); err == nil {
		t.Fatal("refunding more than was paid must fail")
	}
	if got, _ := e.srv.Order(oi.ID); !got.UpdatedAt.Equal(e.srv.Now()) {
		t.Errorf("refund did not bump updatedAt: %v", got.UpdatedAt)
	}
}

func TestCancel(t *testing.T) {
	e := newEnv(t, Options{})
	a, b, _ := catalogueFor(t, e.srv)
	paid, _ := e.srv.PlaceOrder(OrderInput{Lines: []OrderLine{{VariantID: a.ID, Quantity: 2}, {VariantID: b.ID, Quantity: 1}}, Shipping: &ShippingInput{Price: dec("25")}, DiscountPercent: dec("15")})
	cod, _ := e.srv.PlaceOrder(OrderInput{Lines: []OrderLine{{VariantID: a.ID, Quantity: 1}}, Unpaid: true, Gateway: "Cash on Delivery (COD)"})
	if got, _ := e.srv.Order(cod.ID); got.FinancialStatus != "PENDING" {
		t.Fatalf("COD order %s", got.FinancialStatus)
	}
	e.clock.Advance(600e9)
	if _, err := e.srv.CancelOrder(paid.ID, CancelInput{Reason: "CUSTOMER"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.CancelOrder(cod.ID, CancelInput{Reason: "DECLINED"}); err != nil {
		t.Fatal(err)
	}
	if l := level(t, e.srv, a.ID); l.Available != 10 || l.Committed != 0 {
		t.Fatalf("cancel must restock: %+v", l)
	}
	o := checkOrderConsistency(t, e, paid.GID)
	if dig(o, "cancelledAt") == nil || dig(o, "cancelReason") != "CUSTOMER" || dig(o, "displayFinancialStatus") != "REFUNDED" {
		t.Fatalf("cancelled order %v %v %v", dig(o, "cancelledAt"), dig(o, "cancelReason"), dig(o, "displayFinancialStatus"))
	}
	if !digDec(t, o, "currentTotalPriceSet", "shopMoney", "amount").IsZero() ||
		!digDec(t, o, "totalRefundedSet", "shopMoney", "amount").Equal(digDec(t, o, "totalPriceSet", "shopMoney", "amount")) {
		t.Fatalf("cancel money: %v %v", dig(o, "currentTotalPriceSet"), dig(o, "totalRefundedSet"))
	}
	if dig(o, "refunds", 0, "refundLineItems", "nodes", 0, "restockType") != "CANCEL" {
		t.Fatal("cancel refund lines must be CANCEL")
	}
	o = checkOrderConsistency(t, e, cod.GID)
	if dig(o, "displayFinancialStatus") != "VOIDED" || !digDec(t, o, "totalRefundedSet", "shopMoney", "amount").IsZero() {
		t.Fatalf("cancelled COD order: %v", o)
	}
	if _, err := e.srv.CancelOrder(paid.ID, CancelInput{}); err == nil {
		t.Fatal("double cancel must fail")
	}
}

func TestEditOrder(t *testing.T) {
	e := newEnv(t, Options{})
	a, b, c := catalogueFor(t, e.srv)
	oi, _ := e.srv.PlaceOrder(OrderInput{Lines: []OrderLine{{VariantID: a.ID, Quantity: 3}}, DiscountPercent: dec("10"), Shipping: &ShippingInput{Price: dec("25")}})
	e.clock.Advance(60e9)
	got, err := e.srv.EditOrder(oi.ID, OrderEdit{Remove: map[int64]int{oi.Lines[0].ID: 1}, Add: []OrderLine{{VariantID: c.ID, Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	// 2×45 + 19.99 = 109.99; 10% = 11.00; subtotal 98.99; total 123.99.
	if !got.Money.Subtotal.Equal(dec("98.99")) || !got.Money.TotalPrice.Equal(dec("123.99")) || !got.Money.OriginalTotalPrice.Equal(dec("146.5")) {
		t.Fatalf("edited money %+v", got.Money)
	}
	if got.Lines[0].CurrentQuantity != 2 || got.Lines[0].Quantity != 3 || !got.Money.Outstanding.IsZero() {
		t.Fatalf("edited line %+v outstanding %s", got.Lines[0], got.Money.Outstanding)
	}
	if l := level(t, e.srv, a.ID); l.Available != 8 || l.Committed != 2 {
		t.Fatalf("edit restock %+v", l)
	}
	if !got.UpdatedAt.After(oi.UpdatedAt) {
		t.Fatal("edit must bump updatedAt")
	}
	_ = b
}
