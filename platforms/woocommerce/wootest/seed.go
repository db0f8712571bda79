package wootest

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/shopspring/decimal"
)

// SeedOptions size a seeded store.
type SeedOptions struct {
	Products int // products (a fifth of them variable, with 2–3 variations each)
	Orders   int
	Seed     int64
}

var seedCategories = []string{"تمور", "Coffee & Tea", "بهارات", "Gifts", "عطور", "Kitchen"}

var seedNames = []string{"تمر سكري", "Ajwa Dates", "قهوة عربية", "Saffron", "هيل", "Oud Oil", "دلة نحاس", "Rose Water", "عسل سدر", "Green Tea",
	"بخور", "Cardamom Coffee", "معمول", "Medjool Dates", "زعفران", "Prayer Mat"}

var seedPeople = [][2]string{{"محمد", "العتيبي"}, {"Sara", "Khan"}, {"فاطمة", "الزهراني"}, {"John", "Smith"}, {"عبدالله", "القحطاني"},
	{"Aisha", "Rahman"}, {"نورة", "الشمري"}, {"Omar", "Farouk"}}

// Seed fills the store with a catalogue and an order history spread over the last 60 days:
// Arabic and English names, simple and variable products, three tax classes (15%, 5%, 0%),
// customers and guests, percentage and fixed coupons (some with free shipping), fee lines (a
// cash-on-delivery fee, a discount fee), partial and amount-only refunds, cancellations, and
// orders in every status, paid by card, bank transfer, Tabby or cash on delivery (some of those
// still unpaid, some completed and paid a day later). The clock is left where it was; order dates lie before it.
func (s *Server) Seed(o SeedOptions) {
	rng := rand.New(rand.NewPCG(uint64(o.Seed), 0x5eed))
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	start := now.Add(-60 * 24 * time.Hour)
	var sellable []int64
	taxClasses := []string{"", "", "", "reduced-rate", "zero-rate"}
	for i := 0; i < o.Products; i++ {
		at := start.Add(time.Duration(i) * time.Minute)
		name := fmt.Sprintf("%s %d", seedNames[i%len(seedNames)], i+1)
		p := &product{ID: s.st.id(), Name: name, Type: "simple", SKU: fmt.Sprintf("WC-%05d", i+1), TaxClass: taxClasses[rng.IntN(len(taxClasses))],
			Created: at, Changed: at}
		p.Cats = []int64{s.st.ensureCategory(seedCategories[rng.IntN(len(seedCategories))])}
		if rng.IntN(2) == 0 {
			p.GTIN = fmt.Sprintf("628%010d", i+1)
		}
		if s.opt.COGS {
			c := decimal.NewFromInt(int64(5 + rng.IntN(40)))
			p.Cost = &c
		}
		s.st.products[p.ID] = p
		if i%5 == 4 {
			p.Type, p.Regular = "variable", ""
			for j, opt := range []string{"250g", "500g", "1kg"}[:2+rng.IntN(2)] {
				v := &product{ID: s.st.id(), ParentID: p.ID, Type: "variation", SKU: fmt.Sprintf("%s-%d", p.SKU, j+1), TaxClass: p.TaxClass,
					Regular: seedPrice(rng), Attrs: []attr{{Name: "Weight", Option: opt}}, Manage: true,
					Stock: decimal.NewFromInt(int64(20 + rng.IntN(200))), Created: at, Changed: at, Cost: p.Cost}
				s.st.products[v.ID] = v
				p.Variations = append(p.Variations, v.ID)
				sellable = append(sellable, v.ID)
			}
			continue
		}
		p.Regular = seedPrice(rng)
		if rng.IntN(10) > 0 {
			p.Manage, p.Stock = true, decimal.NewFromInt(int64(20+rng.IntN(200)))
		}
		sellable = append(sellable, p.ID)
	}
	var customers []int64
	for i := 0; i < 8+o.Orders/50; i++ {
		pp := seedPeople[i%len(seedPeople)]
		c := &customer{ID: s.st.id(), First: pp[0], Last: pp[1], Email: fmt.Sprintf("buyer%d@example.com", i+1), Tel: fmt.Sprintf("+96650%07d", i+1)}
		s.st.customers[c.ID] = c
		customers = append(customers, c.ID)
	}
	if len(sellable) == 0 {
		return
	}
	step := 60 * 24 * time.Hour / time.Duration(o.Orders+1)
	for i := 0; i < o.Orders; i++ {
		at := start.Add(time.Duration(i+1) * step)
		saved := s.clock.Now()
		s.clock.Set(at)
		in := OrderInput{Shipping: decimal.NewFromInt(int64([]int{0, 15, 25, 30}[rng.IntN(4)]))}
		for n := 1 + rng.IntN(3); n > 0; n-- {
			in.Lines = append(in.Lines, LineInput{ProductID: sellable[rng.IntN(len(sellable))], Quantity: 1 + rng.IntN(3)})
		}
		if rng.IntN(10) < 3 {
			pp := seedPeople[rng.IntN(len(seedPeople))]
			in.Billing = Billing{First: pp[0], Last: pp[1], Email: fmt.Sprintf("guest%d@example.com", i), Phone: fmt.Sprintf("+96655%07d", i)}
		} else {
			in.CustomerID = customers[rng.IntN(len(customers))]
		}
		switch rng.IntN(10) {
		case 0:
			in.Coupon = &CouponInput{Code: "RAMADAN10", Percent: decimal.NewFromInt(10)}
		case 1:
			in.Coupon = &CouponInput{Code: "FREESHIP", Percent: decimal.NewFromInt(5), FreeShipping: true}
		case 2:
			in.Coupon = &CouponInput{Code: "SAVE15", Amount: decimal.NewFromInt(15)}
		}
		switch rng.IntN(10) {
		case 0:
			in.Fees = []FeeInput{{Name: "رسوم الدفع عند الاستلام", Amount: decimal.NewFromInt(10), Taxable: true}}
		case 1:
			in.Fees = []FeeInput{{Name: "Loyalty discount", Amount: decimal.NewFromInt(-5)}}
		}
		if rng.IntN(4) == 0 {
			t := !s.opt.PricesIncludeTax
			in.PricesIncludeTax = &t
		}
		in.Status = []string{"processing", "completed", "completed", "completed", "processing", "on-hold", "pending"}[rng.IntN(7)]
		in.PaymentMethod = []string{"cod", "stripe", "cod", "bacs", "tabby_installments"}[i%5]
		id, err := s.placeOrder(in)
		if err == nil {
			ord := s.st.orders[id]
			switch r := rng.IntN(100); {
			case r < 10 && ord.Status != "pending":
				l := ord.Lines[0]
				s.mu.Unlock()
				s.Refund(id, RefundInput{Lines: []RefundLine{{LineID: l.ID, Quantity: 1}}, Restock: true, Reason: "Damaged"})
				s.mu.Lock()
			case r < 15 && ord.Status != "pending":
				s.mu.Unlock()
				s.Refund(id, RefundInput{Amount: decimal.RequireFromString("7.50"), Reason: "Late delivery"})
				s.mu.Lock()
			case r < 18:
				s.setStatus(ord, "cancelled")
			}
			if ord.Method == "cod" && ord.Status == "processing" && i%4 < 2 && at.Add(24*time.Hour).Before(saved) {
				// The courier brings the cash a day later: completed, and paid then.
				s.clock.Set(at.Add(24 * time.Hour))
				s.setStatus(ord, "completed")
			}
		}
		s.clock.Set(saved)
	}
}

func seedPrice(rng *rand.Rand) string {
	if rng.IntN(3) == 0 {
		return fmt.Sprintf("%d.%02d", 5+rng.IntN(200), []int{25, 50, 75, 99}[rng.IntN(4)])
	}
	return fmt.Sprintf("%d", 5+rng.IntN(300))
}
