package sallatest

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
	Products, Variants, Customers, Orders                         int
	Guests, Coupons, COD, Restored, Canceled, CreditNotes, Custom int
}

var seedCatalogue = []struct {
	category, prefix, option string
	names                    []string
	values                   []string
	min, max                 int
}{
	{"تمور", "DAT", "الوزن", []string{"تمر سكري", "تمر عجوة المدينة", "تمر خلاص", "تمر مجدول", "تمر صقعي"}, []string{"500 جرام", "1 كيلو", "3 كيلو"}, 25, 240},
	{"قهوة", "COF", "الحجم", []string{"قهوة عربية بالهيل", "قهوة خولانية", "بن يمني", "قهوة مختصة إثيوبية"}, []string{"250 جرام", "500 جرام", "1 كيلو"}, 30, 180},
	{"عطور", "PRF", "الحجم", []string{"دهن عود كمبودي", "بخور معطر", "مسك أبيض", "عطر ورد طائفي"}, []string{"12 مل", "50 مل", "100 مل"}, 45, 690},
	{"عسل", "HON", "الوزن", []string{"عسل سدر", "عسل طلح", "عسل سمر", "عسل زهور برية"}, []string{"250 جرام", "500 جرام", "1 كيلو"}, 40, 450},
	{"ملابس", "CLO", "المقاس", []string{"ثوب رجالي", "شماغ أحمر", "عباية سوداء", "جلابية نسائية"}, []string{"S", "M", "L", "XL"}, 40, 520},
}

var (
	seedFirst  = []string{"محمد", "عبدالله", "فهد", "نورة", "سارة", "ريم", "خالد", "لمى", "فيصل", "هيفاء", "تركي", "منيرة"}
	seedLast   = []string{"العتيبي", "القحطاني", "الشمري", "الحربي", "الغامدي", "الدوسري", "المطيري", "الزهراني"}
	seedCities = []string{"الرياض", "جدة", "مكة المكرمة", "المدينة المنورة", "الدمام", "أبها"}
	seedCodes  = []struct {
		code            string
		percent, amount int64
	}{{"RAMADAN10", 10, 0}, {"EID15", 15, 0}, {"SAVE25", 0, 25}, {"WELCOME50", 0, 50}}
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

// canSell tells whether q units of a product without variants or a variant are in the
// default branch (or its stock is unlimited).
func (s *Server) canSell(id int64, q int) bool {
	br := s.st.defaultBranch().id
	if v := s.st.skus[id]; v != nil {
		return v.unlimited || v.stock[br] >= q
	}
	p := s.st.products[id]
	return p != nil && (p.unlimited || p.stock[br] >= q)
}

// restock adds n units to the default branch.
func (s *Server) restock(id int64, n int, at time.Time) {
	br := s.st.defaultBranch().id
	if v := s.st.skus[id]; v != nil {
		v.stock[br] += n
		sellable{p: v.product, v: v}.touch(at)
	} else if p := s.st.products[id]; p != nil {
		p.stock[br] += n
		p.updatedAt = at
	}
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.Intn(len(xs))] }

// Seed fills the store: products (about half with variants; some without SKU, some
// unlimited, costs as numbers or strings), customers, and orders spread over time with
// registered and guest buyers, coupons, COD fees, every status (a custom one under completed
// among them), restored orders and partial credit notes. Deterministic from the seed and the
// clock.
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
	var units []int64
	for i := 0; i < o.Products; i++ {
		t := seedCatalogue[i%len(seedCatalogue)]
		name := fmt.Sprintf("%s %d", pick(r, t.names), i+1)
		price := decimal.NewFromInt(int64(t.min + r.Intn(t.max-t.min))).Add(decimal.New(int64(r.Intn(4))*25, -2))
		in := ProductInput{Name: name, Category: t.category, Price: price, CostAsText: r.Intn(2) == 0, QtyAsText: r.Intn(5) == 0}
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
					Quantity: r.Intn(60)}
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
			in.Quantity = r.Intn(80)
			if r.Intn(3) == 0 {
				in.Barcode = ean13(r)
			}
			if r.Intn(12) == 0 {
				in.SKU = ""
			}
			in.Unlimited = r.Intn(10) == 0
		}
		pid, vids := s.addProduct(in)
		res.Products++
		res.Variants += len(vids)
		if len(vids) == 0 {
			units = append(units, pid)
		}
		units = append(units, vids...)
	}
	var customers []int64
	for i := 0; i < o.Customers; i++ {
		id := s.st.id("customer")
		f, l := pick(r, seedFirst), pick(r, seedLast)
		now := o.Start
		s.st.customers[id] = &customer{id: id, first: f, last: l, mobile: fmt.Sprintf("5%08d", r.Intn(100_000_000)), mobileCode: "+966",
			email: fmt.Sprintf("c%d@example.sa", i+1), city: pick(r, seedCities), createdAt: now, updateAt: now}
		customers = append(customers, id)
	}
	res.Customers = o.Customers
	var custom *status
	for _, st := range s.st.statuses {
		if st.custom && st.name == "تم التسليم للعميل" {
			custom = st
		}
	}
	if custom == nil {
		custom = s.st.addStatus("تم التسليم للعميل", StatusCompleted)
	}
	span := o.End.Sub(o.Start)
	for i := 0; i < o.Orders && len(units) > 0; i++ {
		at := o.Start.Add(time.Duration(float64(span) * float64(i) / float64(max(1, o.Orders)))).Truncate(time.Second)
		in := OrderInput{At: at, Shipping: decimal.NewFromInt(int64(pick(r, []int{0, 15, 20, 25, 30})))}
		seen := map[int64]bool{}
		want := 1 + r.Intn(3)
		for tries := 0; len(in.Lines) < want && tries < 12; tries++ {
			u, q := pick(r, units), 1+r.Intn(3)
			if !seen[u] && s.canSell(u, q) { // the store sells no more than it has
				seen[u] = true
				in.Lines = append(in.Lines, LineInput{ID: u, Quantity: q})
			}
		}
		if len(in.Lines) == 0 { // the merchant restocks something to sell
			u := pick(r, units)
			s.restock(u, 40, at)
			in.Lines = append(in.Lines, LineInput{ID: u, Quantity: 1})
		}
		if r.Intn(4) == 0 {
			in.Guest = CustomerInput{First: pick(r, seedFirst), Last: pick(r, seedLast), Mobile: fmt.Sprintf("5%08d", r.Intn(100_000_000)),
				City: pick(r, seedCities)}
			res.Guests++
		} else {
			in.CustomerID = pick(r, customers)
		}
		if r.Intn(5) == 0 {
			c := pick(r, seedCodes)
			in.Coupon, in.Percent, in.Amount = c.code, decimal.NewFromInt(c.percent), decimal.NewFromInt(c.amount)
			res.Coupons++
		}
		if r.Intn(4) == 0 {
			in.COD = decimal.NewFromInt(int64(pick(r, []int{10, 15})))
			res.COD++
		}
		id, err := s.placeOrder(in)
		if err != nil {
			continue
		}
		res.Orders++
		ord := s.st.orders[id]
		step := func(slug string, d time.Duration) {
			at = at.Add(d)
			if at.After(o.End) {
				at = o.End
			}
			s.setStatus(ord, s.st.bySlug[slug], "", at)
		}
		switch roll := r.Intn(100); {
		case roll < 4:
			step(StatusPaymentPending, 0)
		case roll < 8: // stays under review
		case roll < 16:
			step(StatusInProgress, time.Hour)
		case roll < 21:
			step(StatusCanceled, 2*time.Hour)
			res.Canceled++
		case roll < 26:
			step(StatusInProgress, time.Hour)
			step(StatusCompleted, 3*time.Hour)
			step(StatusRestoring, 48*time.Hour)
			step(StatusRestored, 24*time.Hour)
			res.Restored++
		case roll < 28:
			step(StatusInProgress, time.Hour)
			step(StatusCompleted, 3*time.Hour)
			step(StatusRestoring, 48*time.Hour)
		case roll < 34:
			step(StatusInProgress, time.Hour)
			step(StatusCompleted, 3*time.Hour)
			if at = at.Add(time.Hour); at.After(o.End) {
				at = o.End
			}
			s.setStatus(ord, custom, "", at)
			res.Custom++
		case roll < 44:
			step(StatusInProgress, time.Hour)
			step(StatusCompleted, 3*time.Hour)
			step(StatusShipped, 5*time.Hour)
			step(StatusDelivered, 30*time.Hour)
		default:
			step(StatusInProgress, time.Hour)
			step(StatusCompleted, 3*time.Hour)
			if r.Intn(10) == 0 && !s.opt.NoInvoices {
				it := ord.items[0]
				if at = at.Add(72 * time.Hour); at.After(o.End) {
					at = o.End
				}
				if _, err := s.creditNote(ord, []CreditLine{{Line: 0, Quantity: 1 + r.Intn(it.quantity), Restock: true}}, false,
					decimal.Zero, at); err == nil {
					res.CreditNotes++
				}
			}
		}
	}
	return res
}
