package shopifytest

import (
	"context"
	"fmt"
	"math/rand"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"mizan/platforms/storetest"
)

// SeedOptions configures Seed.
type SeedOptions struct {
	Products  int   // default 60
	Customers int   // default Orders/3, at least 10
	Orders    int   // default 150
	Seed      int64 // random seed; the same seed gives the same store
	// Start is when the catalogue appears; orders spread from Start to End.
	// Defaults: End = server clock, Start = End − 90 days.
	Start, End time.Time
	// Currency overrides the shop currency (default keeps the server's).
	Currency string
}

// SeedResult summarises what Seed created.
type SeedResult struct {
	Products, Variants, Customers, Orders   int
	Cancelled, Refunded, AmountOnly, Edited int
}

type catalogueTemplate struct {
	category string // productType
	prefix   string // SKU prefix
	titles   []string
	option   string
	values   []string
	minPrice float64
	maxPrice float64
}

var catalogue = []catalogueTemplate{
	{"قهوة", "COF", []string{"قهوة عربية — Arabic coffee", "قهوة خولانية — Khawlani coffee", "قهوة إثيوبية مختصة — Ethiopian specialty coffee", "قهوة شقراء", "هيل مطحون — Ground cardamom"}, "الحجم", []string{"250g", "500g", "1kg"}, 25, 160},
	{"تمور", "DAT", []string{"تمر سكري — Sukkari dates", "تمر عجوة المدينة — Ajwa dates", "تمر خلاص — Khalas dates", "تمر مجدول", "معمول بالتمر — Date maamoul"}, "الوزن", []string{"500g", "1kg", "3kg"}, 20, 220},
	{"عطور", "PRF", []string{"دهن عود — Oud oil", "بخور معطر — Bakhoor", "عطر مسك أبيض — White musk", "عطر ورد طائفي", "مخمرية — Mukhamaria"}, "الحجم", []string{"12ml", "50ml", "100ml"}, 45, 650},
	{"ملابس", "CLO", []string{"ثوب رجالي — Men's thobe", "شماغ — Shemagh", "عباية سوداء — Black abaya", "جلابية نسائية", "طاقية — Kufi cap"}, "المقاس", []string{"S", "M", "L", "XL"}, 35, 480},
	{"أواني", "HOM", []string{"دلة قهوة نحاسية — Copper dallah", "فناجين قهوة ٦ قطع — Coffee cups set of 6", "مبخرة — Incense burner", "صينية تقديم", "ترمس — Thermos flask"}, "اللون", []string{"ذهبي Gold", "فضي Silver", "أسود Black"}, 30, 350},
	{"عسل", "HON", []string{"عسل سدر — Sidr honey", "عسل طلح — Talh honey", "عسل مجرى", "عسل زهور برية — Wildflower honey"}, "الوزن", []string{"250g", "500g", "1kg"}, 40, 420},
}

var (
	firstNames = []string{"محمد", "عبدالله", "فهد", "سلطان", "خالد", "نورة", "سارة", "ريم", "عبدالرحمن", "لمى", "فيصل", "هيفاء", "تركي", "منيرة", "ياسر", "أمل", "بندر", "دانة"}
	lastNames  = []string{"العتيبي", "القحطاني", "الشمري", "الحربي", "الغامدي", "الزهراني", "الدوسري", "المطيري", "السبيعي", "العنزي", "الشهري", "البقمي"}
	latinNames = []string{"mohammed", "abdullah", "fahad", "sultan", "khalid", "noura", "sarah", "reem", "abdulrahman", "lama", "faisal", "haifa", "turki", "munira", "yasser", "amal", "bandar", "dana"}
	cities     = []string{"الرياض", "جدة", "مكة المكرمة", "المدينة المنورة", "الدمام", "الخبر", "أبها", "تبوك"}
	codes      = []struct {
		code    string
		percent int
		amount  int
	}{{"RAMADAN10", 10, 0}, {"EID15", 15, 0}, {"WELCOME20", 20, 0}, {"SAVE25", 0, 25}, {"VIP50", 0, 50}, {"NATIONALDAY", 0, 10}}
)

// saudiPhone formats one number in one of the formats seen in the wild.
func saudiPhone(r *rand.Rand) string {
	n := fmt.Sprintf("5%d%07d", r.Intn(10), r.Intn(10_000_000))
	switch r.Intn(4) {
	case 0:
		return "0" + n
	case 1:
		return "966" + n
	case 2:
		return fmt.Sprintf("+966 %s %s %s", n[:2], n[2:5], n[5:])
	}
	return "+966" + n
}

func money(r *rand.Rand, lo, hi float64) decimal.Decimal {
	v := lo + r.Float64()*(hi-lo)
	// prices end in .00, .50, .95 or .99 like real shops
	base := decimal.NewFromInt(int64(v))
	ends := []string{"0", "0.5", "0.95", "0.99", "0"}
	return base.Add(decimal.RequireFromString(ends[r.Intn(len(ends))]))
}

// Seed fills the store with a deterministic, realistic catalogue, customers
// and order history (guests, discount codes, free and paid shipping,
// tax-exclusive orders, unpaid cash-on-delivery orders, cancellations,
// partial refunds with restock, amount-only refunds and order edits).
func (s *Server) Seed(o SeedOptions) (SeedResult, error) {
	if o.Products <= 0 {
		o.Products = 60
	}
	if o.Orders < 0 {
		o.Orders = 0
	} else if o.Orders == 0 {
		o.Orders = 150
	}
	if o.Customers <= 0 {
		o.Customers = max(10, o.Orders/3)
	}
	if o.End.IsZero() {
		o.End = s.now()
	}
	if o.Start.IsZero() {
		o.Start = o.End.AddDate(0, 0, -90)
	}
	if o.Currency != "" {
		s.mu.Lock()
		s.st.currency = o.Currency
		s.mu.Unlock()
	}
	r := rand.New(rand.NewSource(o.Seed))
	var res SeedResult
	span := o.End.Sub(o.Start)
	if span <= 0 {
		span = time.Hour
	}
	catalogueEnd := o.Start.Add(span / 10)
	for i := 0; i < o.Products; i++ {
		tpl := catalogue[i%len(catalogue)]
		title := tpl.titles[(i/len(catalogue))%len(tpl.titles)]
		if round := i / (len(catalogue) * len(tpl.titles)); round > 0 {
			title = fmt.Sprintf("%s %d", title, round+1)
		}
		in := ProductInput{
			Title: title, ProductType: tpl.category, Vendor: s.opts.ShopName,
			Tags:      []string{tpl.category},
			CreatedAt: o.Start.Add(time.Duration(r.Int63n(int64(catalogueEnd.Sub(o.Start)) + 1))),
		}
		if r.Intn(10) == 0 {
			in.Status = "DRAFT"
		}
		nVariants := 1
		if r.Intn(10) >= 4 {
			nVariants = 2 + r.Intn(min(3, len(tpl.values)-1))
		}
		if nVariants > 1 {
			in.Options = []string{tpl.option}
		} else {
			in.Title = fmt.Sprintf("%s %s", title, tpl.values[r.Intn(len(tpl.values))])
		}
		base := money(r, tpl.minPrice, tpl.maxPrice/2)
		for j := 0; j < nVariants; j++ {
			price := base.Mul(decimal.NewFromFloat(1 + 0.8*float64(j))).Round(0).Sub(decimal.RequireFromString([]string{"0", "0.05", "0.01", "0.5"}[r.Intn(4)]))
			v := VariantInput{Price: price, Quantity: 20 + r.Intn(120)}
			if nVariants > 1 {
				v.OptionValues = []string{tpl.values[j]}
			}
			if r.Intn(20) != 0 {
				v.SKU = fmt.Sprintf("%s-%04d-%d", tpl.prefix, i+1, j+1)
			}
			if r.Intn(10) != 0 {
				v.Barcode = storetest.EAN13(r)
			}
			if r.Intn(20) != 0 {
				c := price.Mul(decimal.NewFromFloat(0.35 + r.Float64()*0.3)).Round(2)
				v.Cost = &c
			}
			if r.Intn(12) == 0 {
				v.CompareAtPrice = decp2(price.Mul(decimal.NewFromFloat(1.2)).Round(0))
			}
			if r.Intn(25) == 0 {
				v.Quantity = 0
			}
			in.Variants = append(in.Variants, v)
		}
		p, err := s.AddProduct(in)
		if err != nil {
			return res, err
		}
		res.Products++
		res.Variants += len(p.Variants)
	}
	var customers []CustomerInfo
	for i := 0; i < o.Customers; i++ {
		fi := r.Intn(len(firstNames))
		in := CustomerInput{
			FirstName: firstNames[fi], LastName: lastNames[r.Intn(len(lastNames))],
			Phone: saudiPhone(r), City: cities[r.Intn(len(cities))],
			CreatedAt: o.Start.Add(time.Duration(r.Int63n(int64(span)))),
		}
		if r.Intn(4) != 0 {
			in.Email = fmt.Sprintf("%s.%d@example.sa", latinNames[fi], 100+i)
		}
		if r.Intn(8) == 0 {
			in.Phone = ""
			if in.Email == "" {
				in.Email = fmt.Sprintf("%s%d@example.sa", latinNames[fi], i)
			}
		}
		customers = append(customers, s.AddCustomer(in))
	}
	sort.Slice(customers, func(i, j int) bool { return customers[i].CreatedAt.Before(customers[j].CreatedAt) })
	times := make([]time.Time, o.Orders)
	for i := range times {
		times[i] = o.Start.Add(span/10 + time.Duration(r.Int63n(int64(span-span/10)))).Truncate(time.Second)
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	g := &orderGen{s: s, r: r}
	for _, at := range times {
		oi, err := g.place(at, customers, o.End)
		if err != nil {
			continue
		}
		res.Orders++
		// Later events on the order, kept before End.
		later := at.Add(time.Duration(1+r.Intn(72)) * time.Hour)
		if later.After(o.End) {
			continue
		}
		switch k := r.Intn(100); {
		case k < 6:
			if _, err := s.CancelOrder(oi.ID, CancelInput{Reason: []string{"CUSTOMER", "INVENTORY", "FRAUD", "DECLINED"}[r.Intn(4)], At: later}); err == nil {
				res.Cancelled++
			}
		case k < 16 && oi.Money.Received.IsPositive():
			if err := g.partialRefund(oi, later); err == nil {
				res.Refunded++
			}
		case k < 20 && oi.Money.Received.IsPositive():
			amt := oi.Money.TotalPrice.Mul(decimal.NewFromFloat(0.1)).Round(2)
			if _, err := s.RefundOrder(oi.ID, RefundInput{Amount: amt, Note: "تعويض — goodwill", At: later}); err == nil {
				res.AmountOnly++
			}
		case k < 23 && oi.FulfillmentStatus == "UNFULFILLED":
			edit := OrderEdit{At: later}
			if oi.Lines[0].Quantity > 1 {
				edit.Remove = map[int64]int{oi.Lines[0].ID: 1}
			} else if v := g.pickVariant(); v != 0 {
				edit.Add = []OrderLine{{VariantID: v, Quantity: 1}}
			}
			if _, err := s.EditOrder(oi.ID, edit); err == nil {
				res.Edited++
			}
		}
	}
	s.mu.Lock()
	res.Customers = len(s.st.customers)
	s.mu.Unlock()
	return res, nil
}

func decp2(d decimal.Decimal) *decimal.Decimal { return &d }

type orderGen struct {
	s *Server
	r *rand.Rand
}

// pickVariant returns a random active variant with stock, or 0.
func (g *orderGen) pickVariant() int64 {
	g.s.mu.Lock()
	defer g.s.mu.Unlock()
	ps := g.s.st.products
	for tries := 0; tries < 30 && len(ps) > 0; tries++ {
		p := ps[g.r.Intn(len(ps))]
		if p.status != "ACTIVE" || len(p.variants) == 0 {
			continue
		}
		v := p.variants[g.r.Intn(len(p.variants))]
		if !v.item.tracked || v.available() > 3 {
			return v.id
		}
	}
	return 0
}

// place creates one random order at time at.
func (g *orderGen) place(at time.Time, customers []CustomerInfo, end time.Time) (OrderInfo, error) {
	r := g.r
	in := OrderInput{ProcessedAt: at}
	nLines := 1 + r.Intn(3)
	if r.Intn(10) == 0 {
		nLines = 4
	}
	seen := map[int64]bool{}
	for i := 0; i < nLines; i++ {
		v := g.pickVariant()
		if v == 0 || seen[v] {
			continue
		}
		seen[v] = true
		in.Lines = append(in.Lines, OrderLine{VariantID: v, Quantity: 1 + r.Intn(3)*r.Intn(2)})
	}
	if len(in.Lines) == 0 {
		return OrderInfo{}, fmt.Errorf("no stock")
	}
	var eligible []CustomerInfo
	for _, c := range customers {
		if !c.CreatedAt.After(at) {
			eligible = append(eligible, c)
		}
	}
	if r.Intn(100) < 15 || len(eligible) == 0 {
		in.Email = fmt.Sprintf("guest%d@example.sa", r.Intn(100000))
		if r.Intn(2) == 0 {
			in.Phone = saudiPhone(r)
		}
		in.ShippingAddress = &AddressInput{FirstName: firstNames[r.Intn(len(firstNames))], LastName: lastNames[r.Intn(len(lastNames))], City: cities[r.Intn(len(cities))], Address1: "حي النخيل"}
	} else {
		in.CustomerID = eligible[r.Intn(len(eligible))].ID
	}
	if r.Intn(5) == 0 {
		c := codes[r.Intn(len(codes))]
		in.DiscountCode = c.code
		in.DiscountPercent = decimal.NewFromInt(int64(c.percent))
		in.DiscountAmount = decimal.NewFromInt(int64(c.amount))
	}
	switch k := r.Intn(10); {
	case k == 0:
		// store pickup: no shipping line
	case k < 4:
		in.Shipping = &ShippingInput{Title: "شحن مجاني — Free shipping", Code: "FREE", Price: decimal.Zero}
	case k < 8:
		in.Shipping = &ShippingInput{Title: "سمسا — SMSA Express", Code: "SMSA", Price: decimal.NewFromInt(25)}
	default:
		in.Shipping = &ShippingInput{Title: "أرامكس — Aramex", Code: "ARAMEX", Price: decimal.RequireFromString("34.5")}
	}
	if r.Intn(10) == 0 {
		in.TaxesExcluded = true
	}
	if r.Intn(100) < 15 {
		in.Unpaid = true
		in.Gateway = "Cash on Delivery (COD)"
	} else {
		in.Gateway = []string{"shopify_payments", "mada", "tabby", "tamara"}[r.Intn(4)]
	}
	if end.Sub(at) > 72*time.Hour && r.Intn(10) < 8 {
		in.Fulfilled = true
	}
	oi, err := g.s.PlaceOrder(in)
	if err != nil {
		return oi, err
	}
	if in.Unpaid && in.Fulfilled && r.Intn(3) != 0 {
		// paid on delivery, a few days later (never after the end of the history)
		paidAt := at.Add(time.Duration(24+r.Intn(72)) * time.Hour)
		if paidAt.After(end) {
			paidAt = end
		}
		oi, _ = g.s.MarkOrderPaidAt(oi.ID, paidAt)
	}
	return oi, nil
}

func (g *orderGen) partialRefund(oi OrderInfo, at time.Time) error {
	l := oi.Lines[g.r.Intn(len(oi.Lines))]
	in := RefundInput{At: at, Note: "إرجاع — return"}
	k := 1
	if l.CurrentQuantity > 1 && g.r.Intn(2) == 0 {
		k = l.CurrentQuantity
	}
	rt := "RETURN"
	if g.r.Intn(4) == 0 {
		rt = "NO_RESTOCK"
	}
	if l.Fulfilled == 0 {
		rt = "CANCEL"
	}
	in.Lines = []RefundLine{{LineItemID: l.ID, Quantity: k, RestockType: rt}}
	if len(oi.Shipping) > 0 && oi.Shipping[0].Price.IsPositive() && g.r.Intn(3) == 0 {
		in.FullShipping = true
	}
	_, err := g.s.RefundOrder(oi.ID, in)
	return err
}

// Shopper places random orders on a store, for the built-in demo.
type Shopper struct {
	s        *Server
	gen      *orderGen
	interval time.Duration
	// OnOrder, when set, is called after each order is placed.
	OnOrder func(OrderInfo)
}

// NewShopper returns a shopper placing an order every interval.
func (s *Server) NewShopper(interval time.Duration, seed int64) *Shopper {
	return &Shopper{s: s, gen: &orderGen{s: s, r: rand.New(rand.NewSource(seed))}, interval: interval}
}

// Step places one random order now (and sometimes refunds or cancels an
// earlier one).
func (sh *Shopper) Step() (OrderInfo, error) {
	s := sh.s
	s.mu.Lock()
	var customers []CustomerInfo
	for _, c := range s.st.customers {
		customers = append(customers, customerInfo(c))
	}
	var recent []int64
	for i := len(s.st.orders) - 1; i >= 0 && len(recent) < 20; i-- {
		if s.st.orders[i].cancelledAt == nil {
			recent = append(recent, s.st.orders[i].id)
		}
	}
	s.mu.Unlock()
	now := s.now()
	oi, err := sh.gen.place(now, customers, now)
	if err != nil {
		return oi, err
	}
	if len(recent) > 0 && sh.gen.r.Intn(10) == 0 {
		id := recent[sh.gen.r.Intn(len(recent))]
		if prev, ok := s.Order(id); ok {
			if sh.gen.r.Intn(2) == 0 {
				_, _ = s.CancelOrder(id, CancelInput{})
			} else if prev.Money.Received.IsPositive() {
				_ = sh.gen.partialRefund(prev, time.Time{})
			}
		}
	}
	if sh.OnOrder != nil {
		sh.OnOrder(oi)
	}
	return oi, nil
}

// Run places orders every interval until ctx is done.
func (sh *Shopper) Run(ctx context.Context) error {
	if sh.interval <= 0 {
		sh.interval = time.Second
	}
	t := time.NewTicker(sh.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			_, _ = sh.Step()
		}
	}
}
