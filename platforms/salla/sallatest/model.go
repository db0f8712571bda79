package sallatest

import (
	"sort"
	"time"

	"github.com/shopspring/decimal"
)

// riyadh is the store's zone (Saudi Arabia keeps +03:00 all year).
var riyadh = time.FixedZone("Asia/Riyadh", 3*3600)

// vat is Saudi VAT.
var vat = decimal.RequireFromString("0.15")

var hundred = decimal.NewFromInt(100)

// round2 rounds money to the halala, half away from zero.
func round2(d decimal.Decimal) decimal.Decimal { return d.Round(2) }

// Status slugs of Salla's original order statuses.
const (
	StatusPaymentPending = "payment_pending"
	StatusUnderReview    = "under_review"
	StatusInProgress     = "in_progress"
	StatusCompleted      = "completed"
	StatusDelivering     = "delivering"
	StatusDelivered      = "delivered"
	StatusShipped        = "shipped"
	StatusCanceled       = "canceled"
	StatusRestoring      = "restoring"
	StatusRestored       = "restored"
)

// status is an order status: one of Salla's originals, or a merchant's own with a parent.
type status struct {
	id       int64
	name     string
	slug     string  // the original's slug (a custom status has its parent's)
	original *status // nil for an original
	custom   bool
}

var originals = []struct {
	slug, name string
	id         int64
}{
	{StatusPaymentPending, "بانتظار الدفع", 566146469},
	{StatusUnderReview, "بانتظار المراجعة", 1473353380},
	{StatusInProgress, "قيد التنفيذ", 1939592358},
	{StatusCompleted, "تم التنفيذ", 1298199463},
	{StatusDelivering, "جاري التوصيل", 349994915},
	{StatusDelivered, "تم التوصيل", 1723506348},
	{StatusShipped, "تم الشحن", 814202285},
	{StatusCanceled, "ملغي", 525144736},
	{StatusRestoring, "قيد الإسترجاع", 1548352431},
	{StatusRestored, "مسترجع", 989286562},
}

type branch struct {
	id        int64
	name      string
	isDefault bool
	city      string
}

type category struct {
	id        int64
	name      string
	parent    int64 // 0 at the top level
	sort      int
	hidden    bool
	updatedAt time.Time
}

func (c *category) status() string {
	if c.hidden {
		return "hidden"
	}
	return "active"
}

// optionValue is one value of a product option ("أحمر", "1kg").
type optionValue struct {
	id    int64
	name  string
	price decimal.Decimal // added to the product price
}

type option struct {
	id     int64
	name   string
	values []*optionValue
}

// sku is a variant: one combination of option values.
type sku struct {
	id           int64
	product      *product
	sku          string
	barcode      string
	mpn, gtin    string
	price        decimal.Decimal
	salePrice    *decimal.Decimal
	cost         *decimal.Decimal
	stock        map[int64]int // by branch
	unlimited    bool
	values       []*optionValue
	updatedAt    time.Time
	quantityText bool // the store sends its stock_quantity as a string ("0")
}

type product struct {
	id          int64
	name        string
	description string
	sku         string
	mpn, gtin   string
	price       decimal.Decimal
	salePrice   *decimal.Decimal
	cost        *decimal.Decimal
	costText    bool // cost_price comes as a string, as in the docs' examples
	stock       map[int64]int
	unlimited   bool
	status      string // sale, out, hidden
	categories  []int64
	options     []*option
	skus        []*sku
	createdAt   time.Time
	updatedAt   time.Time
	qtyText     bool // quantity comes as a string ("0")
}

// sellable is what an order line refers to: a product without options, or one of its skus.
type sellable struct {
	p *product
	v *sku // nil: the product itself
}

func (s sellable) id() int64 {
	if s.v != nil {
		return s.v.id
	}
	return s.p.id
}

func (s sellable) skuCode() string {
	if s.v != nil {
		return s.v.sku
	}
	return s.p.sku
}

func (s sellable) price() decimal.Decimal {
	if s.v != nil {
		if s.v.salePrice != nil {
			return *s.v.salePrice
		}
		return s.v.price
	}
	if s.p.salePrice != nil {
		return *s.p.salePrice
	}
	return s.p.price
}

func (s sellable) stockMap() map[int64]int {
	if s.v != nil {
		return s.v.stock
	}
	return s.p.stock
}

func (s sellable) unlimited() bool {
	if s.v != nil {
		return s.v.unlimited
	}
	return s.p.unlimited
}

func (s sellable) touch(t time.Time) {
	if s.v != nil {
		s.v.updatedAt = t
	}
	s.p.updatedAt = t
}

func variantName(v *sku) string {
	out := ""
	for i, val := range v.values {
		if i > 0 {
			out += " / "
		}
		out += val.name
	}
	return out
}

type customer struct {
	id                  int64
	first, last         string
	mobile, mobileCode  string
	email               string
	city                string
	createdAt, updateAt time.Time
}

// buyer is who placed an order: a customer, or a guest with the details given at checkout.
type buyer struct {
	customer                *customer // nil: a guest
	first, last, mobile, em string
	city                    string
}

type coupon struct {
	code    string
	percent decimal.Decimal // or
	amount  decimal.Decimal
}

type item struct {
	id       int64
	of       sellable
	name     string
	sku      string
	quantity int
	returned int             // units taken back by credit notes or a restore
	price    decimal.Decimal // the shown unit price (with VAT unless the order's prices exclude it)
	unit     decimal.Decimal // price without tax
	discount decimal.Decimal // this line's share of the coupon, without tax
	tax      decimal.Decimal
	total    decimal.Decimal // unit × quantity − discount + tax
	values   []*optionValue
}

func (it *item) gross() decimal.Decimal { return it.unit.Mul(decimal.NewFromInt(int64(it.quantity))) }

type history struct {
	id     int64
	status *status
	note   string
	at     time.Time
	kind   string // activity, comment
}

// document is a Tax Invoice or a Credit Note the store issued for an order.
type document struct {
	id       int64
	number   string
	uuid     string
	kind     string // "Tax Invoice" or "Credit Note"
	at       time.Time
	lines    []docLine
	subTotal decimal.Decimal
	shipping decimal.Decimal
	cod      decimal.Decimal
	discount decimal.Decimal
	tax      decimal.Decimal
	total    decimal.Decimal
}

type docLine struct {
	it       *item
	quantity int
	price    decimal.Decimal // unit, without tax
	discount decimal.Decimal
	tax      decimal.Decimal
	total    decimal.Decimal
}

type order struct {
	id        int64
	reference int64
	createdAt time.Time
	updatedAt time.Time
	status    *status
	buyer     buyer
	payment   string // mada, credit_card, cod, bank, apple_pay, tabby, tamara
	items     []*item
	coupon    *coupon
	shipping  decimal.Decimal // as charged: with VAT unless exclusive
	cod       decimal.Decimal // cash-on-delivery fee, as charged
	exclusive bool            // the shown prices exclude VAT (added on top)
	histories []*history
	docs      []*document
	// restocked: the order's units went back to stock (cancelled or restored).
	restocked bool
	// shipCredited is the shipping and COD fee credit notes gave back, as charged.
	shipCredited decimal.Decimal
}

// amounts are an order's money, as its detail shows it.
type amounts struct {
	subTotal, discount, shipping, cod, tax, total decimal.Decimal
}

// compute sets the lines' amounts and returns the order's. Money model, with r = 15%:
//
// Prices that include VAT (Saudi stores show them so; the default). The shopper pays exactly
// the shown prices: with p_i the unit price and q_i the quantity,
//
//	G          = Σ p_i × q_i
//	D          = coupon: percentage → round(G × P/100); amount A → min(A, G)
//	d_i        = D spread in proportion to p_i × q_i (rounded; the last line takes the rest)
//	total      = G − D + shipping + cod                 (shipping and COD fee as charged)
//	item:  price_without_tax = round(p_i / 1.15), total_discount = round(d_i / 1.15),
//	       total = p_i × q_i − d_i, tax = total − (price_without_tax × q_i − total_discount)
//	sub_total  = Σ price_without_tax × q_i;  discount = Σ total_discount
//	shipping_cost = round(shipping / 1.15);  cash_on_delivery = round(cod / 1.15)
//	tax        = total − (sub_total − discount + shipping_cost + cash_on_delivery)
//
// so the amounts add up to the total and the tax, which takes the roundings, is within a few
// halalas of 15% of the rest.
//
// Prices that exclude VAT (added on top): price_without_tax = p_i; D on Σ p_i × q_i as above;
// shipping and COD as charged; item tax = round((p_i × q_i − d_i) × r); the order's
// tax = round((sub_total − discount + shipping + cod) × r), rounded once over the order, so
// the items' taxes may differ from it by a halala; total = sub_total − discount + shipping +
// cod + tax.
func (o *order) compute() amounts {
	var a amounts
	one := decimal.NewFromInt(1).Add(vat)
	var g decimal.Decimal
	for _, it := range o.items {
		g = g.Add(it.price.Mul(decimal.NewFromInt(int64(it.quantity))))
	}
	var d decimal.Decimal
	if c := o.coupon; c != nil {
		if c.percent.IsPositive() {
			d = round2(g.Mul(c.percent).Div(hundred))
		} else {
			d = decimal.Min(c.amount, g)
		}
	}
	shares := make([]decimal.Decimal, len(o.items))
	left, last := d, -1
	for i, it := range o.items {
		if it.quantity > 0 && it.price.IsPositive() {
			last = i
		}
	}
	for i, it := range o.items {
		switch {
		case d.IsZero() || g.IsZero() || i > last:
		case i == last:
			shares[i] = left
		default:
			shares[i] = round2(d.Mul(it.price.Mul(decimal.NewFromInt(int64(it.quantity)))).Div(g))
			left = left.Sub(shares[i])
		}
	}
	if o.exclusive {
		for i, it := range o.items {
			it.unit, it.discount = it.price, shares[i]
			it.tax = round2(it.gross().Sub(it.discount).Mul(vat))
			it.total = it.gross().Sub(it.discount).Add(it.tax)
			a.subTotal = a.subTotal.Add(it.gross())
		}
		a.discount, a.shipping, a.cod = d, o.shipping, o.cod
		a.tax = round2(a.subTotal.Sub(a.discount).Add(a.shipping).Add(a.cod).Mul(vat))
		a.total = a.subTotal.Sub(a.discount).Add(a.shipping).Add(a.cod).Add(a.tax)
		return a
	}
	for i, it := range o.items {
		it.unit = round2(it.price.Div(one))
		it.discount = round2(shares[i].Div(one))
		it.total = it.price.Mul(decimal.NewFromInt(int64(it.quantity))).Sub(shares[i])
		it.tax = it.total.Sub(it.gross().Sub(it.discount))
		a.subTotal, a.discount = a.subTotal.Add(it.gross()), a.discount.Add(it.discount)
	}
	a.shipping, a.cod = round2(o.shipping.Div(one)), round2(o.cod.Div(one))
	a.total = g.Sub(d).Add(o.shipping).Add(o.cod)
	a.tax = a.total.Sub(a.subTotal.Sub(a.discount).Add(a.shipping).Add(a.cod))
	return a
}

func sortedKeys[V any](m map[int64]V) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
