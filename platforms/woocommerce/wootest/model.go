package wootest

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"mizan/platforms/storetest"
)

// Clock is a settable clock for the store's timestamps: the one every test store shares.
type Clock = storetest.Clock

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return storetest.NewClock(t.UTC()) }

// Tax rates: WooCommerce tax classes map to one rate each.
type taxRate struct {
	ID    int64
	Label string
	Rate  decimal.Decimal // 0.15
}

var taxRates = map[string]taxRate{
	"":             {ID: 1, Label: "VAT", Rate: decimal.RequireFromString("0.15")},
	"reduced-rate": {ID: 2, Label: "Reduced VAT", Rate: decimal.RequireFromString("0.05")},
	"zero-rate":    {ID: 3, Label: "Zero rate", Rate: decimal.Zero},
}

type attr struct{ Name, Option string }

type product struct {
	// Raw are fields the API sends exactly as given, in place of the rendered ones (see
	// Server.SetRawField).
	Raw              map[string]json.RawMessage
	ID, ParentID     int64
	Name, Type, SKU  string
	GTIN             string
	Regular, Sale    string // as stored ("89", "12.50", "")
	Manage           bool
	ManageParent     bool // a variation whose stock is its parent's
	Stock            decimal.Decimal
	Cats             []int64
	Variations       []int64
	Attrs            []attr
	TaxClass         string
	Cost             *decimal.Decimal
	Created, Changed time.Time
}

func (p *product) price() decimal.Decimal {
	if p.Sale != "" {
		return decimal.RequireFromString(p.Sale)
	}
	if p.Regular == "" {
		return decimal.Zero
	}
	return decimal.RequireFromString(p.Regular)
}

type category struct {
	ID   int64
	Name string
	Slug string
}

type customer struct {
	ID                      int64
	First, Last, Email, Tel string
}

type billing struct{ First, Last, Email, Phone string }

type oline struct {
	ID, ProductID, VariationID int64
	Name, SKU                  string
	Q                          int
	RateID                     int64
	Sub, Total                 decimal.Decimal // before tax, 6 places
	SubTax, Tax                decimal.Decimal // raw
	Reduced                    int             // _reduced_stock
}

type ocharge struct {
	ID       int64
	Title    string
	MethodID string
	Total    decimal.Decimal
	Tax      decimal.Decimal // raw
}

type ocoupon struct {
	ID           int64
	Code         string
	Discount     decimal.Decimal
	DiscountTax  decimal.Decimal
	FreeShipping bool
	Type         string
}

type rline struct {
	ID, ItemID int64
	Q          int
	Total, Tax decimal.Decimal // positive; shown negative
}

type refund struct {
	ID          int64
	Created     time.Time
	Amount      decimal.Decimal
	Reason      string
	Lines       []rline
	Shipping    decimal.Decimal
	ShippingTax decimal.Decimal
}

type order struct {
	Raw              map[string]json.RawMessage // as product.Raw
	ID               int64
	Status           string
	CustomerID       int64
	Billing          billing
	PricesIncludeTax bool
	Created, Changed time.Time
	Lines            []*oline
	Shipping         []*ocharge
	Fees             []*ocharge
	Coupons          []*ocoupon
	Refunds          []*refund
	// Method and MethodTitle are the payment gateway's id and title; Paid is when the order was
	// paid (zero while it is not: a cash on delivery order before the cash is collected).
	Method, MethodTitle string
	Paid                time.Time
}

// paidStatus is the status at which WooCommerce takes an order as paid and sets its date_paid:
// processing for a gateway that takes the money at checkout, completed for cash on delivery (its
// gateway moves the "payment complete" status to completed, so a processing COD order is unpaid).
func (o *order) paidStatus() string {
	if o.Method == "cod" {
		return "completed"
	}
	return "processing"
}

// maybePaid sets the paid date as WooCommerce's maybe_set_date_paid does on a status change: once,
// when the order reaches its paid status (or completed, past processing).
func (o *order) maybePaid(now time.Time) {
	if o.Paid.IsZero() && (o.Status == o.paidStatus() || o.Status == "completed") {
		o.Paid = now
	}
}

func r2(d decimal.Decimal) decimal.Decimal { return d.Round(2) }

// totals are an order's figures as WooCommerce reports them: lines, shipping and fees rounded to
// two places each, tax rounded once over the order per kind ("round tax at subtotal level").
type totals struct {
	Discount, DiscountTax, Shipping, ShippingTax, CartTax, FeeTax, TotalTax, Total decimal.Decimal
}

func (o *order) totals() totals {
	var t totals
	lines, cartTax := decimal.Zero, decimal.Zero
	for _, l := range o.Lines {
		lines = lines.Add(r2(l.Total))
		cartTax = cartTax.Add(l.Tax)
		t.Discount = t.Discount.Add(l.Sub.Sub(l.Total))
	}
	for _, c := range o.Coupons {
		t.DiscountTax = t.DiscountTax.Add(c.DiscountTax)
	}
	shipTax := decimal.Zero
	for _, s := range o.Shipping {
		t.Shipping = t.Shipping.Add(r2(s.Total))
		shipTax = shipTax.Add(s.Tax)
	}
	fees := decimal.Zero
	for _, f := range o.Fees {
		fees = fees.Add(r2(f.Total))
		t.FeeTax = t.FeeTax.Add(r2(f.Tax))
	}
	t.Discount, t.DiscountTax = r2(t.Discount), r2(t.DiscountTax)
	t.CartTax, t.ShippingTax = r2(cartTax), r2(shipTax)
	t.TotalTax = t.CartTax.Add(t.ShippingTax).Add(t.FeeTax)
	t.Total = lines.Add(t.Shipping).Add(fees).Add(t.TotalTax)
	return t
}

func (o *order) refunded() decimal.Decimal {
	t := decimal.Zero
	for _, r := range o.Refunds {
		t = t.Add(r.Amount)
	}
	return t
}

// state is everything the store holds.
type state struct {
	nextID    int64
	products  map[int64]*product
	cats      map[int64]*category
	customers map[int64]*customer
	orders    map[int64]*order
	lineIDs   int64
}

func newState() *state {
	return &state{nextID: 100, products: map[int64]*product{}, cats: map[int64]*category{}, customers: map[int64]*customer{},
		orders: map[int64]*order{}, lineIDs: 1}
}

func (st *state) id() int64 {
	st.nextID++
	return st.nextID
}

func (st *state) itemID() int64 {
	st.lineIDs++
	return st.lineIDs
}

func (st *state) categoryByName(name string) *category {
	for _, c := range st.cats {
		if strings.EqualFold(c.Name, name) {
			return c
		}
	}
	return nil
}

func (st *state) ensureCategory(name string) int64 {
	if c := st.categoryByName(name); c != nil {
		return c.ID
	}
	c := &category{ID: st.id(), Name: name, Slug: slug(name)}
	st.cats[c.ID] = c
	return c.ID
}

func slug(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), "-"))
}

func sortedIDs[T any](m map[int64]T) []int64 {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

func (st *state) bySKU(sku string) *product {
	for _, id := range sortedIDs(st.products) {
		if p := st.products[id]; p.SKU != "" && p.SKU == sku {
			return p
		}
	}
	return nil
}

// variationTitle is the name WooCommerce shows for a variation.
func (st *state) displayName(p *product) string {
	if p.Type != "variation" {
		return p.Name
	}
	parent := st.products[p.ParentID]
	var opts []string
	for _, a := range p.Attrs {
		opts = append(opts, a.Option)
	}
	if parent == nil {
		return strings.Join(opts, ", ")
	}
	if len(opts) == 0 {
		return parent.Name
	}
	return parent.Name + " - " + strings.Join(opts, ", ")
}

func gmt(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05") }

// siteZone is the site's time zone (Asia/Riyadh, UTC+3, no daylight saving).
var siteZone = time.FixedZone("Asia/Riyadh", 3*3600)

func local(t time.Time) string { return t.In(siteZone).Format("2006-01-02T15:04:05") }

func money(d decimal.Decimal) string { return d.StringFixed(2) }

// raw renders an unrounded amount as WooCommerce does: up to 6 places, trailing zeros trimmed.
func raw(d decimal.Decimal) string { return d.Round(6).String() }

func errNotFound(kind string, id int64) error { return fmt.Errorf("%s %d not found", kind, id) }
