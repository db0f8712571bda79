package wootest

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// ProductInput describes a product to add: simple, or variable when Variations is not empty.
type ProductInput struct {
	Name       string
	SKU        string
	Barcode    string // global_unique_id
	Price      string // regular price as stored, e.g. "89" or "12.50"
	SalePrice  string
	Category   string
	Stock      *int // nil: stock not managed
	TaxClass   string
	Cost       *decimal.Decimal
	Variations []VariationInput
}

// VariationInput is one variation of a variable product.
type VariationInput struct {
	Option  string // the value of the product's "Option" attribute, e.g. "1kg"
	SKU     string
	Barcode string
	Price   string
	Stock   *int
	// SharesParentStock makes manage_stock "parent".
	SharesParentStock bool
	Cost              *decimal.Decimal
}

// IntPtr is a convenience for stock quantities.
func IntPtr(n int) *int { return &n }

// AddProduct creates a product and returns its id and its variations' ids.
func (s *Server) AddProduct(in ProductInput) (int64, []int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	p := &product{ID: s.st.id(), Name: in.Name, Type: "simple", SKU: in.SKU, GTIN: in.Barcode, Regular: in.Price, Sale: in.SalePrice,
		TaxClass: in.TaxClass, Cost: in.Cost, Created: now, Changed: now}
	if in.Category != "" {
		p.Cats = []int64{s.st.ensureCategory(in.Category)}
	}
	if in.Stock != nil {
		p.Manage, p.Stock = true, decimal.NewFromInt(int64(*in.Stock))
	}
	s.st.products[p.ID] = p
	var vids []int64
	if len(in.Variations) > 0 {
		p.Type, p.SKU, p.Regular = "variable", in.SKU, ""
		for _, v := range in.Variations {
			vids = append(vids, s.addVariation(p, v))
		}
	}
	return p.ID, vids
}

// AddVariation adds a variation to a variable product.
func (s *Server) AddVariation(productID int64, in VariationInput) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.products[productID]
	if p == nil || p.Type != "variable" {
		return 0, fmt.Errorf("product %d is not a variable product", productID)
	}
	return s.addVariation(p, in), nil
}

func (s *Server) addVariation(p *product, in VariationInput) int64 {
	now := s.clock.Now()
	v := &product{ID: s.st.id(), ParentID: p.ID, Type: "variation", SKU: in.SKU, GTIN: in.Barcode, Regular: in.Price,
		TaxClass: p.TaxClass, Attrs: []attr{{Name: "Option", Option: in.Option}}, Cost: in.Cost, Created: now, Changed: now}
	if in.Stock != nil {
		v.Manage, v.Stock = true, decimal.NewFromInt(int64(*in.Stock))
	}
	v.ManageParent = in.SharesParentStock
	s.st.products[v.ID] = v
	p.Variations = append(p.Variations, v.ID)
	p.Changed = now
	return v.ID
}

// ProductUpdate changes a product or variation as a merchant would in the admin; nil fields stay.
type ProductUpdate struct {
	Name, SKU, Barcode, Price, Category *string
}

// UpdateProduct edits a product or variation. Editing a variation also touches its parent, as
// WooCommerce does when it syncs a variable product after a variation is saved.
func (s *Server) UpdateProduct(id int64, u ProductUpdate) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.products[id]
	if p == nil {
		return errNotFound("product", id)
	}
	now := s.clock.Now()
	if u.Name != nil {
		if p.Type == "variation" {
			if parent := s.st.products[p.ParentID]; parent != nil {
				parent.Name = *u.Name
			}
		} else {
			p.Name = *u.Name
		}
	}
	if u.SKU != nil {
		p.SKU = *u.SKU
	}
	if u.Barcode != nil {
		p.GTIN = *u.Barcode
	}
	if u.Price != nil {
		p.Regular = *u.Price
	}
	if u.Category != nil {
		target := p
		if p.Type == "variation" {
			target = s.st.products[p.ParentID]
		}
		target.Cats = []int64{s.st.ensureCategory(*u.Category)}
	}
	s.touch(p, now)
	return nil
}

func (s *Server) touch(p *product, now time.Time) {
	p.Changed = now
	if p.Type == "variation" {
		if parent := s.st.products[p.ParentID]; parent != nil {
			parent.Changed = now
		}
	}
}

// SetStock sets a product's quantity by hand (stock managed from then on). Like WooCommerce's
// stock updates, it does not change the product's modification date.
func (s *Server) SetStock(id int64, qty int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.products[id]
	if p == nil {
		return errNotFound("product", id)
	}
	p.Manage, p.Stock = true, decimal.NewFromInt(int64(qty))
	return nil
}

// Stock reads a product's quantity and whether stock is managed.
func (s *Server) Stock(id int64) (decimal.Decimal, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.products[id]
	if p == nil {
		return decimal.Zero, false
	}
	return p.Stock, p.Manage
}

// ProductInfo is a product or variation as the store has it.
type ProductInfo struct {
	ID, ParentID int64
	Type         string
	Name         string // variations: "Parent - Option"
	SKU, Barcode string
	Price        string
	Category     string
	Stock        decimal.Decimal
	Managed      bool
	Cost         *decimal.Decimal
}

// Product reads a product or variation.
func (s *Server) Product(id int64) (ProductInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.products[id]
	if p == nil {
		return ProductInfo{}, false
	}
	return s.info(p), true
}

// ProductBySKU finds a product or variation by SKU.
func (s *Server) ProductBySKU(sku string) (ProductInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.bySKU(sku)
	if p == nil {
		return ProductInfo{}, false
	}
	return s.info(p), true
}

// Products lists every product and variation.
func (s *Server) Products() []ProductInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []ProductInfo
	for _, id := range sortedIDs(s.st.products) {
		out = append(out, s.info(s.st.products[id]))
	}
	return out
}

func (s *Server) info(p *product) ProductInfo {
	cats := p.Cats
	if p.Type == "variation" {
		if parent := s.st.products[p.ParentID]; parent != nil {
			cats = parent.Cats
		}
	}
	cat := ""
	if len(cats) > 0 && s.st.cats[cats[0]] != nil {
		cat = s.st.cats[cats[0]].Name
	}
	return ProductInfo{ID: p.ID, ParentID: p.ParentID, Type: p.Type, Name: s.st.displayName(p), SKU: p.SKU, Barcode: p.GTIN,
		Price: p.Regular, Category: cat, Stock: p.Stock, Managed: p.Manage, Cost: p.Cost}
}

// AddCustomer adds a customer account.
func (s *Server) AddCustomer(first, last, email, phone string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &customer{ID: s.st.id(), First: first, Last: last, Email: email, Tel: phone}
	s.st.customers[c.ID] = c
	return c.ID
}

// OrderInput is an order to place.
type OrderInput struct {
	Lines []LineInput
	// CustomerID is 0 for a guest checkout.
	CustomerID int64
	Billing    Billing // for guests, or to override the customer's
	Coupon     *CouponInput
	// Shipping is the shipping cost before tax; ShippingTitle names the method.
	Shipping      decimal.Decimal
	ShippingTitle string
	Fees          []FeeInput
	// Status: "processing" unless given (pending, on-hold, completed, …).
	Status string
	// PricesIncludeTax: product prices include VAT (the store's default when nil).
	PricesIncludeTax *bool
	// PaymentMethod is the gateway's id ("cod" unless given: cash on delivery; "bacs" is a direct
	// bank transfer, "stripe" a card) and PaymentTitle its title. SetPaid marks the order paid as
	// the API's set_paid does (paid now, and processing unless a status is given).
	PaymentMethod, PaymentTitle string
	SetPaid                     bool
}

// paymentTitles are the titles of the gateways the test store knows.
var paymentTitles = map[string]string{"cod": "Cash on delivery", "bacs": "Direct bank transfer", "stripe": "Credit Card (Stripe)",
	"tabby_installments": "Tabby - Pay in 4"}

// Billing is the buyer's details.
type Billing struct{ First, Last, Email, Phone string }

// LineInput is a product or variation and a quantity.
type LineInput struct {
	ProductID int64
	Quantity  int
}

// CouponInput is a coupon used on the order: a percentage or a fixed cart amount (before tax),
// and or free shipping.
type CouponInput struct {
	Code         string
	Percent      decimal.Decimal
	Amount       decimal.Decimal
	FreeShipping bool
}

// FeeInput is a fee line; a negative amount is a discount added as a fee.
type FeeInput struct {
	Name    string
	Amount  decimal.Decimal // before tax
	Taxable bool
}

// PlaceOrder places an order and returns its id (which is also its number). Stock of managed
// items is taken when the status is processing, on-hold or completed.
func (s *Server) PlaceOrder(in OrderInput) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.placeOrder(in)
}

func (s *Server) placeOrder(in OrderInput) (int64, error) {
	now := s.clock.Now()
	incl := s.opt.PricesIncludeTax
	if in.PricesIncludeTax != nil {
		incl = *in.PricesIncludeTax
	}
	o := &order{ID: s.st.id(), Status: in.Status, CustomerID: in.CustomerID, PricesIncludeTax: incl, Created: now, Changed: now,
		Method: firstNonEmpty(in.PaymentMethod, "cod")}
	o.MethodTitle = firstNonEmpty(in.PaymentTitle, paymentTitles[o.Method], o.Method)
	if o.Status == "" {
		o.Status = "processing"
	}
	if in.SetPaid {
		o.Paid = now
	}
	o.maybePaid(now)
	o.Billing = billing(in.Billing)
	if c := s.st.customers[in.CustomerID]; c != nil && o.Billing.Email == "" {
		o.Billing = billing{First: c.First, Last: c.Last, Email: c.Email, Phone: c.Tel}
	} else if in.CustomerID != 0 && c == nil {
		return 0, errNotFound("customer", in.CustomerID)
	}
	if len(in.Lines) == 0 {
		return 0, fmt.Errorf("an order needs lines")
	}
	subSum := decimal.Zero
	for _, li := range in.Lines {
		p := s.st.products[li.ProductID]
		if p == nil || p.Type == "variable" || li.Quantity <= 0 {
			return 0, fmt.Errorf("line: product %d cannot be ordered", li.ProductID)
		}
		rate := taxRates[p.TaxClass]
		q := decimal.NewFromInt(int64(li.Quantity))
		sub := p.price().Mul(q)
		if incl {
			sub = sub.DivRound(decimal.NewFromInt(1).Add(rate.Rate), 6)
		}
		l := &oline{ID: s.st.itemID(), ProductID: p.ID, Name: s.st.displayName(p), SKU: p.SKU, Q: li.Quantity, RateID: rate.ID, Sub: sub, Total: sub}
		if p.Type == "variation" {
			l.ProductID, l.VariationID = p.ParentID, p.ID
		}
		o.Lines = append(o.Lines, l)
		subSum = subSum.Add(sub)
	}
	freeShip := false
	if c := in.Coupon; c != nil {
		cp := &ocoupon{ID: s.st.itemID(), Code: c.Code, FreeShipping: c.FreeShipping, Type: "percent"}
		left := decimal.Min(c.Amount, subSum)
		for i, l := range o.Lines {
			var d decimal.Decimal
			switch {
			case c.Percent.IsPositive():
				d = l.Sub.Mul(c.Percent).Div(decimal.NewFromInt(100)).Round(6)
			case c.Amount.IsPositive():
				cp.Type = "fixed_cart"
				if i == len(o.Lines)-1 {
					d = left
				} else {
					d = decimal.Min(c.Amount, subSum).Mul(l.Sub).DivRound(subSum, 6)
					left = left.Sub(d)
				}
			}
			l.Total = l.Sub.Sub(d)
			cp.Discount = cp.Discount.Add(d)
			cp.DiscountTax = cp.DiscountTax.Add(d.Mul(s.rate(l.RateID)))
		}
		freeShip = c.FreeShipping
		o.Coupons = append(o.Coupons, cp)
	}
	for _, l := range o.Lines {
		r := s.rate(l.RateID)
		l.SubTax, l.Tax = l.Sub.Mul(r).Round(6), l.Total.Mul(r).Round(6)
	}
	if in.Shipping.IsPositive() || freeShip {
		sh := &ocharge{ID: s.st.itemID(), Title: firstNonEmpty(in.ShippingTitle, "Flat rate"), MethodID: "flat_rate", Total: in.Shipping}
		if freeShip {
			sh.Title, sh.MethodID, sh.Total = "Free shipping", "free_shipping", decimal.Zero
		}
		sh.Tax = sh.Total.Mul(taxRates[""].Rate).Round(6)
		o.Shipping = append(o.Shipping, sh)
	}
	for _, f := range in.Fees {
		fee := &ocharge{ID: s.st.itemID(), Title: f.Name, Total: f.Amount}
		if f.Taxable {
			fee.Tax = f.Amount.Mul(taxRates[""].Rate).Round(6)
		}
		o.Fees = append(o.Fees, fee)
	}
	s.st.orders[o.ID] = o
	if stockTaking[o.Status] {
		s.reduceStock(o)
	}
	return o.ID, nil
}

var stockTaking = map[string]bool{"processing": true, "on-hold": true, "completed": true}

func (s *Server) rate(id int64) decimal.Decimal {
	for _, r := range taxRates {
		if r.ID == id {
			return r.Rate
		}
	}
	return decimal.Zero
}

func (s *Server) item(l *oline) *product {
	if l.VariationID != 0 {
		return s.st.products[l.VariationID]
	}
	return s.st.products[l.ProductID]
}

func (s *Server) reduceStock(o *order) {
	for _, l := range o.Lines {
		if p := s.item(l); p != nil && p.Manage && l.Reduced == 0 {
			p.Stock = p.Stock.Sub(decimal.NewFromInt(int64(l.Q)))
			l.Reduced = l.Q
		}
	}
}

// SetStatus changes an order's status as the admin would: into processing, on-hold or completed
// takes stock (once); into cancelled or pending puts taken stock back.
func (s *Server) SetStatus(orderID int64, status string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.st.orders[orderID]
	if o == nil {
		return errNotFound("order", orderID)
	}
	s.setStatus(o, status)
	return nil
}

func (s *Server) setStatus(o *order, status string) {
	o.Status, o.Changed = status, s.clock.Now()
	o.maybePaid(o.Changed)
	switch {
	case stockTaking[status]:
		s.reduceStock(o)
	case status == "cancelled" || status == "pending":
		for _, l := range o.Lines {
			if p := s.item(l); p != nil && p.Manage && l.Reduced > 0 {
				p.Stock = p.Stock.Add(decimal.NewFromInt(int64(l.Reduced)))
			}
			l.Reduced = 0
		}
	}
}

// CancelOrder cancels an order (its taken stock goes back).
func (s *Server) CancelOrder(orderID int64) error { return s.SetStatus(orderID, "cancelled") }

// RefundInput is a refund: lines (by order line id) with quantities, the whole remaining
// shipping, or an amount only.
type RefundInput struct {
	Lines    []RefundLine
	Shipping bool
	Amount   decimal.Decimal // amount-only refund (when no lines and no shipping)
	Restock  bool
	Reason   string
}

// RefundLine refunds a quantity of an order line.
type RefundLine struct {
	LineID   int64
	Quantity int
}

// Refund refunds part of an order. A line's refunded amount is its total × k / q rounded, and the
// refund that takes a line to nothing left gets the exact remainder. When the refunds reach the
// order's total, the status becomes refunded.
func (s *Server) Refund(orderID int64, in RefundInput) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.st.orders[orderID]
	if o == nil {
		return 0, errNotFound("order", orderID)
	}
	now := s.clock.Now()
	r := &refund{ID: s.st.id(), Created: now, Reason: in.Reason}
	for _, rl := range in.Lines {
		var l *oline
		for _, x := range o.Lines {
			if x.ID == rl.LineID {
				l = x
			}
		}
		if l == nil {
			return 0, fmt.Errorf("order %d has no line %d", orderID, rl.LineID)
		}
		done, doneTotal, doneTax := 0, decimal.Zero, decimal.Zero
		for _, pr := range o.Refunds {
			for _, x := range pr.Lines {
				if x.ItemID == l.ID {
					done += x.Q
					doneTotal, doneTax = doneTotal.Add(x.Total), doneTax.Add(x.Tax)
				}
			}
		}
		if rl.Quantity <= 0 || done+rl.Quantity > l.Q {
			return 0, fmt.Errorf("line %d: cannot refund %d of %d (%d refunded)", l.ID, rl.Quantity, l.Q, done)
		}
		k, q := decimal.NewFromInt(int64(rl.Quantity)), decimal.NewFromInt(int64(l.Q))
		line := rline{ID: s.st.itemID(), ItemID: l.ID, Q: rl.Quantity, Total: r2(r2(l.Total).Mul(k).Div(q)), Tax: r2(l.Tax.Mul(k).Div(q))}
		if done+rl.Quantity == l.Q {
			line.Total, line.Tax = r2(l.Total).Sub(doneTotal), r2(l.Tax).Sub(doneTax)
		}
		r.Lines = append(r.Lines, line)
		r.Amount = r.Amount.Add(line.Total).Add(line.Tax)
		if in.Restock {
			if p := s.item(l); p != nil && p.Manage {
				p.Stock = p.Stock.Add(k)
				l.Reduced = max(0, l.Reduced-rl.Quantity)
			}
		}
	}
	if in.Shipping {
		ship, tax := decimal.Zero, decimal.Zero
		for _, sh := range o.Shipping {
			ship, tax = ship.Add(r2(sh.Total)), tax.Add(sh.Tax)
		}
		tax = r2(tax)
		for _, pr := range o.Refunds {
			ship, tax = ship.Sub(pr.Shipping), tax.Sub(pr.ShippingTax)
		}
		r.Shipping, r.ShippingTax = ship, tax
		r.Amount = r.Amount.Add(ship).Add(tax)
	}
	if len(r.Lines) == 0 && !in.Shipping {
		r.Amount = in.Amount
	}
	if !r.Amount.IsPositive() {
		return 0, fmt.Errorf("a refund needs an amount")
	}
	if r.Amount.Add(o.refunded()).GreaterThan(o.totals().Total) {
		return 0, fmt.Errorf("invalid refund amount (more than the order's remaining total)")
	}
	o.Refunds = append(o.Refunds, r)
	o.Changed = now
	if o.refunded().Equal(o.totals().Total) {
		o.Status = "refunded"
	}
	return r.ID, nil
}

// OrderInfo is an order's money and state.
type OrderInfo struct {
	ID         int64
	Status     string
	Total      decimal.Decimal
	Refunds    []decimal.Decimal
	Guest      bool
	LineIDs    []int64
	CustomerID int64
	// Reduced is the stock each SKU's lines took from the store (_reduced_stock).
	Reduced map[string]int

	// Shipping is the shipping charged with its tax (shipping_total + shipping_tax).
	Shipping decimal.Decimal
	// Paid says the order has been paid (date_paid is set), with the gateway's id.
	Paid          bool
	PaymentMethod string
}

// Order reads an order.
func (s *Server) Order(id int64) (OrderInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.st.orders[id]
	if o == nil {
		return OrderInfo{}, false
	}
	return s.orderInfo(o), true
}

// Orders lists every order by id.
func (s *Server) Orders() []OrderInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []OrderInfo
	for _, id := range sortedIDs(s.st.orders) {
		out = append(out, s.orderInfo(s.st.orders[id]))
	}
	return out
}

func (s *Server) orderInfo(o *order) OrderInfo {
	t := o.totals()
	info := OrderInfo{ID: o.ID, Status: o.Status, Total: t.Total, Shipping: t.Shipping.Add(t.ShippingTax), Guest: o.CustomerID == 0, CustomerID: o.CustomerID,
		Paid: !o.Paid.IsZero(), PaymentMethod: o.Method}
	for _, r := range o.Refunds {
		info.Refunds = append(info.Refunds, r.Amount)
	}
	info.Reduced = map[string]int{}
	for _, l := range o.Lines {
		info.LineIDs = append(info.LineIDs, l.ID)
		if l.Reduced != 0 {
			info.Reduced[l.SKU] += l.Reduced
		}
	}
	return info
}

// TouchOrder changes an order's modification date (an admin note, say).
func (s *Server) TouchOrder(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.st.orders[id]; o != nil {
		o.Changed = s.clock.Now()
	}
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// SetRawField makes the API send a product's, variation's or order's field as the given raw JSON
// from now on, as a plugin or a damaged database row can (a price of "NaN", a total of
// 1e1000000000); the object counts as changed. An empty raw value sends the field as usual again.
func (s *Server) SetRawField(id int64, field, raw string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	set := func(m *map[string]json.RawMessage) {
		if raw == "" {
			delete(*m, field)
			return
		}
		if *m == nil {
			*m = map[string]json.RawMessage{}
		}
		(*m)[field] = json.RawMessage(raw)
	}
	if p := s.st.products[id]; p != nil {
		set(&p.Raw)
		p.Changed = s.clock.Now()
		if parent := s.st.products[p.ParentID]; parent != nil {
			parent.Changed = p.Changed // WooCommerce syncs the parent after a variation save
		}
		return
	}
	if o := s.st.orders[id]; o != nil {
		set(&o.Raw)
		o.Changed = s.clock.Now()
	}
}
