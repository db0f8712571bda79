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
	id   int64
	name string
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
	unit     decimal.Decimal // price without tax
	discount decimal.Decimal // this line's share of the coupon
	tax      decimal.Decimal // round((unit×qty − discount) × 15%)
	values   []*optionValue
}

func (it *item) net() decimal.Decimal {
	return it.unit.Mul(decimal.NewFromInt(int64(it.quantity))).Sub(it.discount)
}

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
	shipping  decimal.Decimal // without tax
	cod       decimal.Decimal // cash-on-delivery fee, without tax
	histories []*history
	docs      []*document
	// restocked: the order's units went back to stock (cancelled or restored).
	restocked bool
}

// amounts are an order's money, as its detail shows it.
type amounts struct {
	subTotal, discount, shipping, cod, tax, total decimal.Decimal
}

// compute sets the lines' discounts and taxes and returns the order's amounts. Money model:
//
//	unit_i     = the shown price ÷ 1.15 (prices include VAT), rounded to the halala
//	sub_total  = Σ unit_i × q_i
//	D          = coupon: percentage → round(sub_total × P/100); amount → min(A, sub_total)
//	discount_i = D spread in proportion to unit_i × q_i (rounded; the last line takes the rest)
//	tax_i      = round((unit_i × q_i − discount_i) × 15%)
//	tax        = round((sub_total − D + shipping + cod) × 15%)
//	total      = sub_total − D + shipping + cod + tax
//
// The order's tax is rounded once over the order, so the items' taxes may differ from it by a
// halala, as Salla's do.
func (o *order) compute() amounts {
	var a amounts
	for _, it := range o.items {
		a.subTotal = a.subTotal.Add(it.unit.Mul(decimal.NewFromInt(int64(it.quantity))))
	}
	if c := o.coupon; c != nil {
		if c.percent.IsPositive() {
			a.discount = round2(a.subTotal.Mul(c.percent).Div(hundred))
		} else {
			a.discount = decimal.Min(c.amount, a.subTotal)
		}
	}
	left := a.discount
	last := -1
	for i, it := range o.items {
		if it.quantity > 0 && it.unit.IsPositive() {
			last = i
		}
	}
	for i, it := range o.items {
		it.discount = decimal.Zero
		if a.discount.IsZero() || a.subTotal.IsZero() {
		} else if i == last {
			it.discount = left
		} else if i < last {
			it.discount = round2(a.discount.Mul(it.unit.Mul(decimal.NewFromInt(int64(it.quantity)))).Div(a.subTotal))
			left = left.Sub(it.discount)
		}
		it.tax = round2(it.net().Mul(vat))
	}
	a.shipping, a.cod = o.shipping, o.cod
	a.tax = round2(a.subTotal.Sub(a.discount).Add(a.shipping).Add(a.cod).Mul(vat))
	a.total = a.subTotal.Sub(a.discount).Add(a.shipping).Add(a.cod).Add(a.tax)
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
