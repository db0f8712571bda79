package storetest

import (
	"fmt"
	"math/rand"
	"time"

	"github.com/shopspring/decimal"
)

// What a seeded Saudi store is made of, in no platform's terms: its shoppers' names and cities,
// its coupons, and a catalogue of products (Seeded). Every draw comes from the caller's random
// source, so a seed gives the same store.

// FirstNames, LastNames and Cities are shoppers' names and cities.
var (
	FirstNames = []string{"محمد", "عبدالله", "فهد", "نورة", "سارة", "ريم", "خالد", "لمى", "فيصل", "هيفاء", "تركي", "منيرة"}
	LastNames  = []string{"العتيبي", "القحطاني", "الشمري", "الحربي", "الغامدي", "الدوسري", "المطيري", "الزهراني"}
	Cities     = []string{"الرياض", "جدة", "مكة المكرمة", "المدينة المنورة", "الدمام", "أبها"}
)

// Coupon is a coupon code: a percentage off, or an amount off (as charged).
type Coupon struct {
	Code            string
	Percent, Amount int64
}

// Coupons are a store's coupon codes.
var Coupons = []Coupon{{"RAMADAN10", 10, 0}, {"EID15", 15, 0}, {"SAVE25", 0, 25}, {"WELCOME50", 0, 50}}

// Pick is one of xs at random.
func Pick[T any](r *rand.Rand, xs []T) T { return xs[r.Intn(len(xs))] }

// EAN13 is a random Saudi (628) EAN-13 barcode with its check digit.
func EAN13(r *rand.Rand) string {
	d := fmt.Sprintf("628%09d", r.Intn(1_000_000_000))
	sum := 0
	for i, c := range d {
		n := int(c - '0')
		if i%2 == 1 {
			n *= 3
		}
		sum += n
	}
	return d + fmt.Sprint((10-sum%10)%10)
}

// Spread is the i-th of n instants spread evenly from start to end, to the second.
func Spread(start, end time.Time, i, n int) time.Time {
	return start.Add(time.Duration(float64(end.Sub(start)) * float64(i) / float64(max(1, n)))).Truncate(time.Second)
}

// PickLines picks an order's lines: up to want different units (1 to 3 of each) that canSell
// says the store has, in at most 12 tries. It may pick none.
func PickLines[T comparable](r *rand.Rand, units []T, want int, canSell func(u T, q int) bool) ([]T, []int) {
	var picked []T
	var qty []int
	seen := map[T]bool{}
	for tries := 0; len(picked) < want && tries < 12; tries++ {
		u, q := Pick(r, units), 1+r.Intn(3)
		if !seen[u] && canSell(u, q) {
			seen[u] = true
			picked, qty = append(picked, u), append(qty, q)
		}
	}
	return picked, qty
}

// SeededProduct is a product of a seeded catalogue: with variants (Option names the option),
// or sold on its own.
type SeededProduct struct {
	Name, NameEn         string // NameEn is empty for a product named in Arabic only
	Category, CategoryEn string
	Option               string
	SKU, Barcode         string // SKU may be empty, as merchants leave it
	Price                decimal.Decimal
	SalePrice, Cost      *decimal.Decimal
	Quantity             int
	Unlimited            bool
	Variants             []SeededVariant
}

// SeededVariant is one value of a seeded product's option.
type SeededVariant struct {
	Value, SKU, Barcode string
	Price               decimal.Decimal
	Cost                *decimal.Decimal
	Quantity            int
}

var catalogue = []struct {
	ar, en, prefix, option string
	names                  [][2]string // Arabic, English ("" when the store has none)
	values                 []string
	min, max               int
}{
	{"تمور", "Dates", "DAT", "الوزن", [][2]string{{"تمر سكري", "Sukkari dates"}, {"تمر عجوة المدينة", "Ajwa dates"}, {"تمر خلاص", ""},
		{"تمر مجدول", "Medjool dates"}, {"تمر صقعي", ""}}, []string{"500 جرام", "1 كيلو", "3 كيلو"}, 25, 240},
	{"قهوة", "Coffee", "COF", "الحجم", [][2]string{{"قهوة عربية بالهيل", "Arabic coffee with cardamom"}, {"قهوة خولانية", ""},
		{"بن يمني", "Yemeni beans"}, {"قهوة مختصة إثيوبية", ""}}, []string{"250 جرام", "500 جرام", "1 كيلو"}, 30, 180},
	{"عطور", "", "PRF", "الحجم", [][2]string{{"دهن عود كمبودي", ""}, {"بخور معطر", "Scented incense"}, {"مسك أبيض", ""},
		{"عطر ورد طائفي", "Taif rose perfume"}}, []string{"12 مل", "50 مل", "100 مل"}, 45, 690},
	{"عسل", "Honey", "HON", "الوزن", [][2]string{{"عسل سدر", "Sidr honey"}, {"عسل طلح", ""}, {"عسل سمر", ""}, {"عسل زهور برية", "Wildflower honey"}},
		[]string{"250 جرام", "500 جرام", "1 كيلو"}, 40, 450},
	{"ملابس", "Clothing", "CLO", "المقاس", [][2]string{{"ثوب رجالي", "Men's thobe"}, {"شماغ أحمر", ""}, {"عباية سوداء", "Black abaya"},
		{"جلابية نسائية", ""}}, []string{"S", "M", "L", "XL"}, 40, 520},
}

// Seeded is the i-th product of a seeded catalogue (i from 0): dates, coffee, perfume, honey
// and clothes in turn, about half with variants; some named in Arabic only, some without SKU,
// barcode or cost, some unlimited or on sale.
func Seeded(r *rand.Rand, i int) SeededProduct {
	t := catalogue[i%len(catalogue)]
	nm := Pick(r, t.names)
	p := SeededProduct{Name: fmt.Sprintf("%s %d", nm[0], i+1), Category: t.ar, CategoryEn: t.en}
	if nm[1] != "" && r.Intn(3) > 0 {
		p.NameEn = fmt.Sprintf("%s %d", nm[1], i+1)
	}
	p.Price = decimal.NewFromInt(int64(t.min + r.Intn(t.max-t.min))).Add(decimal.New(int64(r.Intn(4))*25, -2))
	if cost := p.Price.Mul(decimal.NewFromFloat(0.55 + r.Float64()*0.2)).Round(2); r.Intn(6) > 0 {
		p.Cost = &cost
	}
	if r.Intn(2) == 0 {
		p.Option = t.option
		for j, n := 0, 2+r.Intn(len(t.values)-1); j < n; j++ {
			price := p.Price.Add(decimal.NewFromInt(int64(j * 15)))
			cost := price.Mul(decimal.NewFromFloat(0.6)).Round(2)
			v := SeededVariant{Value: t.values[j], SKU: fmt.Sprintf("%s-%03d-%d", t.prefix, i+1, j+1), Price: price, Cost: &cost,
				Quantity: r.Intn(60)}
			if r.Intn(3) == 0 {
				v.Barcode = EAN13(r)
			}
			if r.Intn(15) == 0 {
				v.SKU = ""
			}
			p.Variants = append(p.Variants, v)
		}
		return p
	}
	p.SKU, p.Quantity = fmt.Sprintf("%s-%03d", t.prefix, i+1), r.Intn(80)
	if r.Intn(3) == 0 {
		p.Barcode = EAN13(r)
	}
	if r.Intn(12) == 0 {
		p.SKU = ""
	}
	p.Unlimited = r.Intn(10) == 0
	if r.Intn(8) == 0 {
		sale := p.Price.Mul(decimal.NewFromFloat(0.9)).Round(2)
		p.SalePrice = &sale
	}
	return p
}

// SeedOptions say how large a seeded store is and which seed draws it.
type SeedOptions struct {
	Products  int   // default 40
	Orders    int   // default 120; a negative number: none
	Customers int   // default Orders/3, at least 5
	Seed      int64 // the same seed (and clock) gives the same store
	// Start and End bound the orders' times (default End = now, Start = End − 90 days).
	Start, End time.Time
}

// Sized is o with its defaults filled in, now being the store's clock.
func (o SeedOptions) Sized(now time.Time) SeedOptions {
	if o.Products <= 0 {
		o.Products = 40
	}
	if o.Orders < 0 {
		o.Orders = 0
	} else if o.Orders == 0 {
		o.Orders = 120
	}
	if o.Customers <= 0 {
		o.Customers = max(5, o.Orders/3)
	}
	if o.End.IsZero() {
		o.End = now
	}
	if o.Start.IsZero() {
		o.Start = o.End.AddDate(0, 0, -90)
	}
	return o
}
