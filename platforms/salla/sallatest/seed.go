package sallatest

import (
	"fmt"
	"math/rand"
	"time"

	"github.com/shopspring/decimal"

	"mizan/platforms/storetest"
)

// SeedOptions configure Seed (see storetest.SeedOptions).
type SeedOptions = storetest.SeedOptions

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

// Seed fills the store: products (about half with variants; some without SKU, some
// unlimited, costs as numbers or strings), customers, and orders spread over time with
// registered and guest buyers, coupons, COD fees, every status (a custom one under completed
// among them), restored orders and partial credit notes. Deterministic from the seed and the
// clock.
func (s *Server) Seed(o SeedOptions) SeedResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	o = o.Sized(s.clock.Now())
	r := rand.New(rand.NewSource(o.Seed))
	var res SeedResult
	var units []int64
	for i := 0; i < o.Products; i++ {
		t := seedCatalogue[i%len(seedCatalogue)]
		name := fmt.Sprintf("%s %d", storetest.Pick(r, t.names), i+1)
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
					v.Barcode = storetest.EAN13(r)
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
				in.Barcode = storetest.EAN13(r)
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
		f, l := storetest.Pick(r, storetest.FirstNames), storetest.Pick(r, storetest.LastNames)
		now := o.Start
		s.st.customers[id] = &customer{id: id, first: f, last: l, mobile: fmt.Sprintf("5%08d", r.Intn(100_000_000)), mobileCode: "+966",
			email: fmt.Sprintf("c%d@example.sa", i+1), city: storetest.Pick(r, storetest.Cities), createdAt: now, updateAt: now}
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
	for i := 0; i < o.Orders && len(units) > 0; i++ {
		at := storetest.Spread(o.Start, o.End, i, o.Orders)
		in := OrderInput{At: at, Shipping: decimal.NewFromInt(int64(storetest.Pick(r, []int{0, 15, 20, 25, 30})))}
		picked, qty := storetest.PickLines(r, units, 1+r.Intn(3), s.canSell) // the store sells no more than it has
		for k, u := range picked {
			in.Lines = append(in.Lines, LineInput{ID: u, Quantity: qty[k]})
		}
		if len(in.Lines) == 0 { // the merchant restocks something to sell
			u := storetest.Pick(r, units)
			s.restock(u, 40, at)
			in.Lines = append(in.Lines, LineInput{ID: u, Quantity: 1})
		}
		if r.Intn(4) == 0 {
			in.Guest = CustomerInput{First: storetest.Pick(r, storetest.FirstNames), Last: storetest.Pick(r, storetest.LastNames), Mobile: fmt.Sprintf("5%08d", r.Intn(100_000_000)),
				City: storetest.Pick(r, storetest.Cities)}
			res.Guests++
		} else {
			in.CustomerID = storetest.Pick(r, customers)
		}
		if r.Intn(5) == 0 {
			c := storetest.Pick(r, storetest.Coupons)
			in.Coupon, in.Percent, in.Amount = c.Code, decimal.NewFromInt(c.Percent), decimal.NewFromInt(c.Amount)
			res.Coupons++
		}
		if r.Intn(4) == 0 {
			in.COD = decimal.NewFromInt(int64(storetest.Pick(r, []int{10, 15})))
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
