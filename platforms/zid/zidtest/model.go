package zidtest

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"
)

// riyadh is the store's zone (Saudi Arabia keeps +03:00 all year).
var riyadh = time.FixedZone("Asia/Riyadh", 3*3600)

var (
	vat     = decimal.RequireFromString("0.15")
	withVAT = decimal.RequireFromString("1.15")
	hundred = decimal.NewFromInt(100)
)

// Zid keeps money with 11 decimals (a net price is the shown price ÷ 1.15 cut there) and shows
// it with 14; every amount the double derives is rounded so.
const places = 11

func round11(d decimal.Decimal) decimal.Decimal { return d.Round(places) }

// Order status codes. The docs' enum spells the cancelled state "canceled"; the counts in real
// answers spell it "cancelled". The double stores whichever an order was given and shows it so.
const (
	StatusNew               = "new"
	StatusPreparing         = "preparing"
	StatusReady             = "ready"
	StatusInDelivery        = "indelivery"
	StatusDelivered         = "delivered"
	StatusCanceled          = "canceled"
	StatusCancelled         = "cancelled"
	StatusReverseInProgress = "reverse_in_progress"
	StatusPartiallyReversed = "partially_reversed"
	StatusReversed          = "reversed"
)

// statusInfo is a status's display id, colour and names.
var statusInfo = map[string]struct {
	id      int
	color   string
	en, ar  string
	counted string // the key of total_order_count_per_status
}{
	StatusNew:               {1, "#3498db", "New", "جديد", "new"},
	StatusPreparing:         {2, "#f39c12", "Preparing", "جاري التجهيز", "preparing"},
	StatusReady:             {3, "#9b59b6", "Ready", "جاهز", "ready"},
	StatusInDelivery:        {4, "#1abc9c", "In delivery", "جاري التوصيل", "indelivery"},
	StatusDelivered:         {5, "#27ae60", "Delivered", "تم التوصيل", "delivered"},
	StatusCanceled:          {6, "#e74c3c", "Canceled", "ملغي", "cancelled"},
	StatusCancelled:         {6, "#e74c3c", "Cancelled", "ملغي", "cancelled"},
	StatusReverseInProgress: {7, "#e67e22", "Reverse in progress", "جاري الاسترجاع", "reverse_in_progress"},
	StatusPartiallyReversed: {8, "#d35400", "Partially reversed", "مسترجع جزئياً", "partially_reversed"},
	StatusReversed:          {9, "#7f8c8d", "Reversed", "مسترجع", "reversed"},
}

// names is Zid's {ar, en}: a name may have only one of them.
type names struct{ ar, en string }

func (n names) json() map[string]any {
	out := map[string]any{}
	if n.ar != "" {
		out["ar"] = n.ar
	}
	if n.en != "" {
		out["en"] = n.en
	}
	return out
}

// text is the name in one language: Arabic unless there is none.
func (n names) text() string {
	if n.ar != "" {
		return n.ar
	}
	return n.en
}

type location struct {
	id        string
	name      names
	city      string
	isDefault bool
	address   string
}

type category struct {
	id     string // a numeric string
	name   names
	parent *category // nil for a top-level category
}

// stock is a sellable product's row at one location.
type stock struct {
	id       string
	location *location
	qty      int
	infinite bool
}

// product is a row of Zid's products: standalone, a parent (with variants), or a child (a
// variant, sold on its own).
type product struct {
	id         string
	structure  string // standalone, parent, child
	parent     *product
	children   []*product
	name       names
	sku        string
	barcode    string
	price      decimal.Decimal // as shown in the store: with VAT unless the store excludes it
	salePrice  *decimal.Decimal
	cost       *decimal.Decimal
	stocks     []*stock // standalone and child only
	categories []*category
	option     string // a parent's option name ("الحجم"); a child's is its parent's
	value      string // a child's option value ("250g")
	createdAt  time.Time
	updatedAt  time.Time
}

func (p *product) sellable() bool { return p.structure != "parent" }

// unitPrice is what a shopper pays for one: the sale price when there is one.
func (p *product) unitPrice() decimal.Decimal {
	if p.salePrice != nil {
		return *p.salePrice
	}
	return p.price
}

func (p *product) stockAt(l *location) *stock {
	for _, s := range p.stocks {
		if s.location == l {
			return s
		}
	}
	return nil
}

// infinite: every stock row is unlimited (a product without rows is not).
func (p *product) infinite() bool {
	for _, s := range p.stocks {
		if !s.infinite {
			return false
		}
	}
	return len(p.stocks) > 0
}

// quantity sums the counted rows.
func (p *product) quantity() int {
	n := 0
	for _, s := range p.stocks {
		if !s.infinite {
			n += s.qty
		}
	}
	return n
}

func (p *product) touch(t time.Time) {
	p.updatedAt = t
	if p.parent != nil {
		p.parent.updatedAt = t
	}
}

type customer struct {
	id     int64
	name   string
	email  string
	mobile string // 9665XXXXXXXX
}

type coupon struct {
	id      int64
	code    string
	percent decimal.Decimal // a percentage coupon, or
	amount  decimal.Decimal // an amount as charged
}

// item is an order line. Money per unit is kept net of VAT with 11 decimals, as Zid keeps it.
type item struct {
	opID     int64 // order_product_id
	of       *product
	name     string
	sku      string
	barcode  string
	quantity int
	returned int             // units taken back by credit notes or a reversal
	net      decimal.Decimal // unit price without VAT
	share    decimal.Decimal // this line's share of the coupon, without VAT
}

func (it *item) gross() decimal.Decimal { return it.net.Mul(withVAT) }

func (it *item) netTotal() decimal.Decimal { return it.net.Mul(decimal.NewFromInt(int64(it.quantity))) }

type history struct {
	status  string
	comment string
	at      time.Time
	by      string
}

// amounts are a document's money without VAT (except vat and total), 11 to 14 decimals.
type amounts struct {
	subTotal decimal.Decimal // Σ net unit × quantity
	coupon   decimal.Decimal // coupon without VAT (positive)
	shipping decimal.Decimal // shipping fee without VAT
	cod      decimal.Decimal // cash-on-delivery fee without VAT
}

func (a amounts) taxable() decimal.Decimal {
	return a.subTotal.Sub(a.coupon).Add(a.shipping).Add(a.cod)
}

func (a amounts) vat() decimal.Decimal { return a.taxable().Mul(vat) }

func (a amounts) total() decimal.Decimal { return a.taxable().Add(a.vat()) }

func (a amounts) add(b amounts) amounts {
	return amounts{a.subTotal.Add(b.subTotal), a.coupon.Add(b.coupon), a.shipping.Add(b.shipping), a.cod.Add(b.cod)}
}

func (a amounts) sub(b amounts) amounts {
	return amounts{a.subTotal.Sub(b.subTotal), a.coupon.Sub(b.coupon), a.shipping.Sub(b.shipping), a.cod.Sub(b.cod)}
}

// creditNote is a credit note Zid issued for (part of) an order.
type creditNote struct {
	id     string
	number int64
	reason string // order_partially_reversed, order_reversed, order_refund
	lines  []cnLine
	money  amounts
	at     time.Time
}

type cnLine struct {
	it       *item
	quantity int
	share    decimal.Decimal // the coupon share given back, without VAT
}

type order struct {
	id        int64
	code      string
	buyer     *customer
	guest     bool
	status    string
	payment   string // zidpay, zid_cod, zid_bank_transfer
	paid      string // payment_status: pending, paid, refunded
	items     []*item
	coupon    *coupon
	money     amounts
	exclusive bool // the shown prices excluded VAT (added on top)
	location  *location
	createdAt time.Time
	updatedAt time.Time
	histories []history
	notes     []*creditNote
	edits     int
	restocked bool // its units went back to stock (cancelled or reversed)
	language  string
}

// credited sums what the order's credit notes gave back.
func (o *order) credited() amounts {
	var a amounts
	for _, cn := range o.notes {
		a = a.add(cn.money)
	}
	return a
}

// reached tells whether the order was ever in one of the statuses.
func (o *order) reached(statuses ...string) bool {
	for _, h := range o.histories {
		for _, s := range statuses {
			if h.status == s {
				return true
			}
		}
	}
	return false
}

// uuid makes a stable UUID-shaped id from a kind and a number, so stores built alike have the
// same ids.
func uuid(kind string, n int) string { return uuidOf(kind, fmt.Sprint(n)) }

// uuidOf makes a stable UUID-shaped id from a kind and a key.
func uuidOf(kind, key string) string {
	sum := sha1.Sum([]byte(kind + "/" + key))
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

func sortedIDs[V any](m map[int64]V) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
