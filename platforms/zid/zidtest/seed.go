package zidtest

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
	Products, Variants, Customers, Orders                                  int
	ArabicOnly, Infinite, Guests, Coupons, COD, Cancelled, Reversed, Edits int
	PartialCredits, ReversedWithoutNote, InProgress                        int
}

// seedLocations are the locations Seed adds beside the default one.
var seedLocations = []struct{ ar, en, city string }{{"مستودع جدة", "Jeddah warehouse", "جدة"}, {"فرع الدمام", "", "الدمام"}}

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
	o = o.Sized(s.clock.Now())
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
		sp := storetest.Seeded(r, i)
		in := ProductInput{Name: Names{Ar: sp.Name, En: sp.NameEn}, Category: Names{Ar: sp.Category, En: sp.CategoryEn},
			SKU: sp.SKU, Barcode: sp.Barcode, Price: sp.Price, SalePrice: sp.SalePrice, Cost: sp.Cost, Quantity: sp.Quantity,
			Infinite: sp.Unlimited, Option: sp.Option}
		if sp.NameEn == "" {
			res.ArabicOnly++
		}
		if sp.Unlimited {
			res.Infinite++
		}
		if len(sp.Variants) == 0 {
			in.Stocks = spread()
		}
		for _, v := range sp.Variants {
			in.Variants = append(in.Variants, VariantInput{Value: v.Value, SKU: v.SKU, Barcode: v.Barcode, Price: v.Price, Cost: v.Cost,
				Quantity: v.Quantity, Stocks: spread()})
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
		customers = append(customers, s.addCustomer(CustomerInput{Name: storetest.Pick(r, storetest.FirstNames) + " " + storetest.Pick(r, storetest.LastNames),
			Email: fmt.Sprintf("c%d@example.sa", i+1), Mobile: fmt.Sprintf("9665%08d", r.Intn(100_000_000))}))
	}
	res.Customers = o.Customers
	for i := 0; i < o.Orders && len(units) > 0; i++ {
		at := storetest.Spread(o.Start, o.End, i, o.Orders)
		in := OrderInput{At: at, Shipping: decimal.NewFromInt(int64(storetest.Pick(r, []int{0, 15, 20, 25, 30})))}
		picked, qty := storetest.PickLines(r, units, 1+r.Intn(3), s.canSell) // the store sells no more than it has
		for k, u := range picked {
			in.Lines = append(in.Lines, LineInput{ID: u.id, Quantity: qty[k]})
		}
		if len(in.Lines) == 0 { // the merchant restocks something to sell
			u := storetest.Pick(r, units)
			if row := u.stockAt(s.st.defaultLocation()); row != nil {
				row.qty += 40
				u.touch(at)
			}
			in.Lines = append(in.Lines, LineInput{ID: u.id, Quantity: 1})
		}
		if r.Intn(4) == 0 {
			in.Guest = CustomerInput{Name: storetest.Pick(r, storetest.FirstNames) + " " + storetest.Pick(r, storetest.LastNames),
				Mobile: fmt.Sprintf("9665%08d", r.Intn(100_000_000))}
			res.Guests++
		} else {
			in.CustomerID = storetest.Pick(r, customers)
		}
		if r.Intn(5) == 0 {
			c := storetest.Pick(r, storetest.Coupons)
			in.Coupon, in.Percent, in.Amount = c.Code, decimal.NewFromInt(c.Percent), decimal.NewFromInt(c.Amount)
			res.Coupons++
		}
		switch r.Intn(8) {
		case 0, 1:
			in.COD = decimal.NewFromInt(int64(storetest.Pick(r, []int{10, 15})))
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
			step(storetest.Pick(r, []string{StatusCanceled, StatusCancelled}), 2*time.Hour)
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
