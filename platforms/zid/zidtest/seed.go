package zidtest

import (
	"fmt"
	"math/rand"
	"time"

	"github.com/shopspring/decimal"
)

// SeedOptions configure Seed.
type SeedOptions struct {
	Products  int   // default 40
	Orders    int   // default 120
	Customers int   // default Orders/3, at least 5
	Seed      int64 // the same seed (and clock) gives the same store
	// Start and End bound the orders' times (default End = now, Start = End − 90 days).
	Start, End time.Time
}

// SeedResult counts what Seed made.
type SeedResult struct {
	Products, Variants, Customers, Orders                                  int
	ArabicOnly, Infinite, Guests, Coupons, COD, Cancelled, Reversed, Edits int
	PartialCredits, ReversedWithoutNote, InProgress                        int
}

var seedCatalogue = []struct {
	ar, en, prefix, option string
	names                  [][2]string
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

var (
	seedFirst  = []string{"محمد", "عبدالله", "فهد", "نورة", "سارة", "ريم", "خالد", "لمى", "فيصل", "هيفاء", "تركي", "منيرة"}
	seedLast   = []string{"العتيبي", "القحطاني", "الشمري", "الحربي", "الغامدي", "الدوسري", "المطيري", "الزهراني"}
	seedCoupon = []struct {
		code            string
		percent, amount int64
	}{{"RAMADAN10", 10, 0}, {"EID15", 15, 0}, {"SAVE25", 0, 25}, {"WELCOME50", 0, 50}}
	seedLocations = []struct{ ar, en, city string }{{"مستودع جدة", "Jeddah warehouse", "جدة"}, {"فرع الدمام", "", "الدمام"}}
)

func ean13(r *rand.Rand) string {
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

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.Intn(len(xs))] }

// canSell tells whether q units are at the default location (or the stock is unlimited).
func (s *Server) canSell(p *product, q int) bool {
	row := p.stockAt(s.st.defaultLocation())
	return row != nil && (row.infinite || row.qty >= q)
}

// Seed fills the store: two more locations, products (about half with variants, their stock
// spread over the locations; names in Arabic only or in Arabic and English; some without SKU
// or barcode, some unlimited), customers, and orders spread over time with registered and
// guest buyers, coupons, cash on delivery, every status (cancelled spelt both ways), partial
// reversals by credit note, full reversals with and without one, returns in progress and
// orders edited after delivery. Deterministic from the seed and the clock.
func (s *Server) Seed(o SeedOptions) SeedResult {
	s.mu.Lock()
	defer s.mu.Unlock()
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
		o.End = s.clock.Now()
	}
	if o.Start.IsZero() {
		o.Start = o.End.AddDate(0, 0, -90)
	}
	r := rand.New(rand.NewSource(o.Seed))
	var res SeedResult
	if len(s.st.locations) == 1 {
		for _, l := range seedLocations {
			s.st.locations = append(s.st.locations, &location{id: s.st.uuid("location"), name: names{ar: l.ar, en: l.en}, city: l.city,
				address: l.city})
		}
	}
	others := s.st.locations[1:]
	spread := func() map[string]int {
		m := map[string]int{}
		for _, l := range others {
			if r.Intn(2) == 0 {
				m[l.id] = r.Intn(30)
			}
		}
		return m
	}
	var units []*product
	for i := 0; i < o.Products; i++ {
		t := seedCatalogue[i%len(seedCatalogue)]
		nm := pick(r, t.names)
		name := Names{Ar: fmt.Sprintf("%s %d", nm[0], i+1)}
		if nm[1] != "" && r.Intn(3) > 0 {
			name.En = fmt.Sprintf("%s %d", nm[1], i+1)
		} else {
			res.ArabicOnly++
		}
		price := decimal.NewFromInt(int64(t.min + r.Intn(t.max-t.min))).Add(decimal.New(int64(r.Intn(4))*25, -2))
		in := ProductInput{Name: name, Category: Names{Ar: t.ar, En: t.en}, Price: price}
		cost := price.Mul(decimal.NewFromFloat(0.55 + r.Float64()*0.2)).Round(2)
		if r.Intn(6) > 0 {
			in.Cost = &cost
		}
		if r.Intn(2) == 0 {
			in.Option = t.option
			n := 2 + r.Intn(len(t.values)-1)
			for j := 0; j < n; j++ {
				vp := price.Add(decimal.NewFromInt(int64(j * 15)))
				vc := vp.Mul(decimal.NewFromFloat(0.6)).Round(2)
				v := VariantInput{Value: t.values[j], SKU: fmt.Sprintf("%s-%03d-%d", t.prefix, i+1, j+1), Price: vp, Cost: &vc,
					Quantity: r.Intn(60), Stocks: spread()}
				if r.Intn(3) == 0 {
					v.Barcode = ean13(r)
				}
				if r.Intn(15) == 0 {
					v.SKU = "" // a variant without SKU, as merchants leave them
				}
				in.Variants = append(in.Variants, v)
			}
		} else {
			in.SKU = fmt.Sprintf("%s-%03d", t.prefix, i+1)
			in.Quantity, in.Stocks = r.Intn(80), spread()
			if r.Intn(3) == 0 {
				in.Barcode = ean13(r)
			}
			if r.Intn(12) == 0 {
				in.SKU = ""
			}
			if in.Infinite = r.Intn(10) == 0; in.Infinite {
				res.Infinite++
			}
			if r.Intn(8) == 0 {
				sale := price.Mul(decimal.NewFromFloat(0.9)).Round(2)
				in.SalePrice = &sale
			}
		}
		_, ids := s.addProduct(in)
		res.Products++
		if len(in.Variants) > 0 {
			res.Variants += len(ids)
		}
		for _, id := range ids {
			units = append(units, s.st.byID[id])
		}
	}
	var customers []int64
	for i := 0; i < o.Customers; i++ {
		customers = append(customers, s.addCustomer(CustomerInput{Name: pick(r, seedFirst) + " " + pick(r, seedLast),
			Email: fmt.Sprintf("c%d@example.sa", i+1), Mobile: fmt.Sprintf("9665%08d", r.Intn(100_000_000))}))
	}
	res.Customers = o.Customers
	span := o.End.Sub(o.Start)
	for i := 0; i < o.Orders && len(units) > 0; i++ {
		at := o.Start.Add(time.Duration(float64(span) * float64(i) / float64(max(1, o.Orders)))).Truncate(time.Second)
		in := OrderInput{At: at, Shipping: decimal.NewFromInt(int64(pick(r, []int{0, 15, 20, 25, 30})))}
		seen := map[*product]bool{}
		want := 1 + r.Intn(3)
		for tries := 0; len(in.Lines) < want && tries < 12; tries++ {
			u, q := pick(r, units), 1+r.Intn(3)
			if !seen[u] && s.canSell(u, q) { // the store sells no more than it has
				seen[u] = true
				in.Lines = append(in.Lines, LineInput{ID: u.id, Quantity: q})
			}
		}
		if len(in.Lines) == 0 { // the merchant restocks something to sell
			u := pick(r, units)
			if row := u.stockAt(s.st.defaultLocation()); row != nil {
				row.qty += 40
				u.touch(at)
			}
			in.Lines = append(in.Lines, LineInput{ID: u.id, Quantity: 1})
		}
		if r.Intn(4) == 0 {
			in.Guest = CustomerInput{Name: pick(r, seedFirst) + " " + pick(r, seedLast), Mobile: fmt.Sprintf("9665%08d", r.Intn(100_000_000))}
			res.Guests++
		} else {
			in.CustomerID = pick(r, customers)
		}
		if r.Intn(5) == 0 {
			c := pick(r, seedCoupon)
			in.Coupon, in.Percent, in.Amount = c.code, decimal.NewFromInt(c.percent), decimal.NewFromInt(c.amount)
			res.Coupons++
		}
		switch r.Intn(8) {
		case 0, 1:
			in.COD = decimal.NewFromInt(int64(pick(r, []int{10, 15})))
			res.COD++
		case 2:
			in.Payment = "zid_bank_transfer"
		}
		id, err := s.placeOrder(in)
		if err != nil {
			continue
		}
		res.Orders++
		ord := s.st.orders[id]
		step := func(status string, d time.Duration) {
			if at = at.Add(d); at.After(o.End) {
				at = o.End
			}
			s.setStatus(ord, status, at)
		}
		deliver := func() {
			step(StatusPreparing, time.Hour)
			step(StatusReady, 3*time.Hour)
			step(StatusInDelivery, 5*time.Hour)
			step(StatusDelivered, 30*time.Hour)
		}
		later := func(d time.Duration) time.Time {
			if at = at.Add(d); at.After(o.End) {
				at = o.End
			}
			return at
		}
		switch roll := r.Intn(100); {
		case roll < 6: // stays new
		case roll < 12:
			step(StatusPreparing, time.Hour)
		case roll < 15:
			step(StatusPreparing, time.Hour)
			step(StatusReady, 2*time.Hour)
		case roll < 18:
			step(StatusPreparing, time.Hour)
			step(StatusReady, 2*time.Hour)
			step(StatusInDelivery, 3*time.Hour)
		case roll < 24:
			step(pick(r, []string{StatusCanceled, StatusCancelled}), 2*time.Hour)
			res.Cancelled++
		case roll < 29:
			deliver()
			_, _ = s.creditNote(ord, []CreditLine{{Line: 0, Quantity: 1 + r.Intn(ord.items[0].quantity), Restock: r.Intn(4) > 0}},
				false, decimal.Zero, nil, later(72*time.Hour))
			res.PartialCredits++
		case roll < 32:
			deliver()
			var lines []CreditLine
			for li, it := range ord.items {
				lines = append(lines, CreditLine{Line: li, Quantity: it.quantity, Restock: true})
			}
			_, _ = s.creditNote(ord, lines, true, decimal.Zero, nil, later(96*time.Hour))
			res.Reversed++
		case roll < 34:
			deliver()
			step(StatusReversed, 96*time.Hour) // reversed with no credit note
			res.ReversedWithoutNote++
		case roll < 36:
			deliver()
			step(StatusReverseInProgress, 48*time.Hour)
			res.InProgress++
		default:
			deliver()
			if r.Intn(25) == 0 { // edited after delivery
				it := ord.items[0]
				if s.canSell(it.of, 1) {
					s.editOrder(ord, 0, it.quantity+1, later(time.Hour))
					res.Edits++
				}
			}
		}
	}
	return res
}
