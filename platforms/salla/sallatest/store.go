package sallatest

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// ProductInput is a product to add directly (as the merchant would in the dashboard).
type ProductInput struct {
	Name       string
	SKU        string // for a product without variants
	Barcode    string // gtin
	Price      decimal.Decimal
	Cost       *decimal.Decimal
	Quantity   int
	Unlimited  bool
	Category   string // created when new
	Option     string // the option's name ("الحجم") when there are variants
	Variants   []VariantInput
	CostAsText bool // the store sends cost_price as a string
	QtyAsText  bool // the store sends quantities as strings
}

// VariantInput is one value of the product's option and its SKU.
type VariantInput struct {
	Value     string
	SKU       string
	Barcode   string
	Price     decimal.Decimal
	Cost      *decimal.Decimal
	Quantity  int
	Unlimited bool
}

// AddProduct adds a product and returns its id and its variants' ids (none without variants).
func (s *Server) AddProduct(in ProductInput) (int64, []int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addProduct(in)
}

func (s *Server) addProduct(in ProductInput) (int64, []int64) {
	now := s.clock.Now()
	br := s.st.defaultBranch().id
	p := &product{id: s.st.id("product"), name: in.Name, sku: in.SKU, gtin: in.Barcode, price: in.Price, cost: in.Cost,
		costText: in.CostAsText, qtyText: in.QtyAsText, unlimited: in.Unlimited, status: "sale", stock: map[int64]int{},
		createdAt: now, updatedAt: now}
	if in.Category != "" {
		p.categories = []int64{s.category(in.Category)}
	}
	var ids []int64
	if len(in.Variants) == 0 {
		p.stock[br] = in.Quantity
	} else {
		o := &option{id: s.st.id("option"), name: in.Option}
		if o.name == "" {
			o.name = "النوع"
		}
		p.options = []*option{o}
		for _, vi := range in.Variants {
			val := &optionValue{id: s.st.id("value"), name: vi.Value}
			o.values = append(o.values, val)
			v := &sku{id: s.st.id("sku"), product: p, sku: vi.SKU, barcode: vi.Barcode, price: vi.Price, cost: vi.Cost,
				stock: map[int64]int{br: vi.Quantity}, unlimited: vi.Unlimited, values: []*optionValue{val}, updatedAt: now,
				quantityText: in.QtyAsText}
			p.skus = append(p.skus, v)
			s.st.skus[v.id] = v
			ids = append(ids, v.id)
		}
		p.price = in.Variants[0].Price
	}
	s.st.products[p.id] = p
	return p.id, ids
}

func (s *Server) category(name string) int64 {
	for _, id := range sortedKeys(s.st.categories) {
		if s.st.categories[id].name == name {
			return id
		}
	}
	id := s.st.id("category")
	s.st.categories[id] = &category{id: id, name: name, updatedAt: s.clock.Now()}
	return id
}

// AddBranch adds a branch (a warehouse) and returns its id.
func (s *Server) AddBranch(name string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.st.id("branch")
	s.st.branches[id] = &branch{id: id, name: name, city: "جدة"}
	return id
}

// DefaultBranch is the default branch's id.
func (s *Server) DefaultBranch() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.defaultBranch().id
}

// AddStatus adds a merchant's own order status under an original one (by slug); it returns
// the new status's id.
func (s *Server) AddStatus(name, parentSlug string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.addStatus(name, parentSlug).id
}

// CustomerInput is a customer account.
type CustomerInput struct {
	First, Last, Mobile, Email, City string
}

// AddCustomer adds a customer and returns the id.
func (s *Server) AddCustomer(c CustomerInput) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	id := s.st.id("customer")
	s.st.customers[id] = &customer{id: id, first: c.First, last: c.Last, mobile: c.Mobile, mobileCode: "+966", email: c.Email,
		city: c.City, createdAt: now, updateAt: now}
	return id
}

// OrderInput is an order to place.
type OrderInput struct {
	Lines      []LineInput
	CustomerID int64           // 0: a guest
	Guest      CustomerInput   // the guest's checkout details
	Coupon     string          // a code
	Percent    decimal.Decimal // the coupon's percentage, or
	Amount     decimal.Decimal // its amount, as charged
	Shipping   decimal.Decimal // as charged (with VAT unless PricesExcludeTax)
	COD        decimal.Decimal // cash-on-delivery fee as charged (payment_method cod)
	Payment    string          // default mada, or cod when COD is set
	Status     string          // slug (default under_review); a custom status's id as a decimal string also works
	At         time.Time       // default now
	// PricesExcludeTax: the shown prices are without VAT (added on top); by default they
	// include it, as Saudi stores show them.
	PricesExcludeTax bool
}

// LineInput is a quantity of a product without variants (its id) or of a variant (its id).
type LineInput struct {
	ID       int64
	Quantity int
}

// PlaceOrder places an order: the units leave the default branch's stock at once.
func (s *Server) PlaceOrder(in OrderInput) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.placeOrder(in)
}

func (s *Server) placeOrder(in OrderInput) (int64, error) {
	at := in.At
	if at.IsZero() {
		at = s.clock.Now()
	}
	o := &order{id: s.st.id("order"), createdAt: at, updatedAt: at, shipping: in.Shipping.Round(2), cod: in.COD.Round(2),
		payment: in.Payment, exclusive: in.PricesExcludeTax}
	s.st.nextRef++
	o.reference = s.st.nextRef
	if o.payment == "" {
		o.payment = "mada"
		if in.COD.IsPositive() {
			o.payment = "cod"
		}
	}
	if in.CustomerID != 0 {
		c := s.st.customers[in.CustomerID]
		if c == nil {
			return 0, fmt.Errorf("no customer %d", in.CustomerID)
		}
		o.buyer = buyer{customer: c, first: c.first, last: c.last, mobile: c.mobile, em: c.email, city: c.city}
	} else {
		g := in.Guest
		o.buyer = buyer{first: g.First, last: g.Last, mobile: g.Mobile, em: g.Email, city: g.City}
	}
	if in.Coupon != "" {
		o.coupon = &coupon{code: in.Coupon, percent: in.Percent, amount: in.Amount}
	}
	br := s.st.defaultBranch().id
	for _, l := range in.Lines {
		var x sellable
		if v := s.st.skus[l.ID]; v != nil {
			x = sellable{p: v.product, v: v}
		} else if p := s.st.products[l.ID]; p != nil && len(p.skus) == 0 {
			x = sellable{p: p}
		} else {
			return 0, fmt.Errorf("no product or variant %d", l.ID)
		}
		if l.Quantity <= 0 {
			return 0, fmt.Errorf("quantity %d", l.Quantity)
		}
		it := &item{id: s.st.id("item"), of: x, name: x.p.name, sku: x.skuCode(), quantity: l.Quantity, price: x.price()}
		if x.v != nil {
			it.values = x.v.values
			it.name = x.p.name + " - " + variantName(x.v)
		}
		o.items = append(o.items, it)
		if !x.unlimited() {
			x.stockMap()[br] -= l.Quantity
		}
		x.touch(at)
	}
	if len(o.items) == 0 {
		return 0, fmt.Errorf("an order needs lines")
	}
	o.compute()
	s.st.orders[o.id] = o
	first := s.st.bySlug[StatusUnderReview]
	if in.Status == StatusPaymentPending {
		first = s.st.bySlug[StatusPaymentPending]
	}
	o.status = first
	o.histories = append(o.histories, &history{id: s.st.id("history"), status: first, at: at, kind: "activity"})
	if in.Status != "" && in.Status != first.slug {
		st := s.statusNamed(in.Status)
		if st == nil {
			return 0, fmt.Errorf("no status %q", in.Status)
		}
		s.setStatus(o, st, "", at)
	}
	return o.id, nil
}

func (s *Server) statusNamed(name string) *status {
	if st := s.st.bySlug[name]; st != nil {
		return st
	}
	for _, st := range s.st.statuses {
		if fmt.Sprint(st.id) == name {
			return st
		}
	}
	return nil
}

// SetStatus moves an order to a status (a slug, or a status id as a decimal string). Moving to
// completed issues the Tax Invoice (unless NoInvoices); restored issues the Credit Note for
// whatever is left and restocks; canceled restocks.
func (s *Server) SetStatus(orderID int64, slugOrID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.st.orders[orderID]
	st := s.statusNamed(slugOrID)
	if o == nil || st == nil {
		return fmt.Errorf("no order %d or status %q", orderID, slugOrID)
	}
	s.setStatus(o, st, "", s.clock.Now())
	return nil
}

// CreditNote issues a partial Credit Note (see creditNote for the money).
func (s *Server) CreditNote(orderID int64, lines []CreditLine, shipping bool, amount decimal.Decimal) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.st.orders[orderID]
	if o == nil {
		return fmt.Errorf("no order %d", orderID)
	}
	_, err := s.creditNote(o, lines, shipping, amount, s.clock.Now())
	return err
}

// OrderInfo is a read-only view of an order's money and state.
type OrderInfo struct {
	ID, Reference                                 int64
	Status                                        string // slug (a custom status: its parent's)
	StatusID                                      int64  // the status itself (custom or original)
	Guest                                         bool
	Coupon                                        string
	SubTotal, Discount, Shipping, COD, Tax, Total decimal.Decimal
	ItemTax                                       decimal.Decimal // Σ items' taxes
	Credits                                       []decimal.Decimal
	Invoiced                                      bool
	Lines                                         map[string]int // units kept, by SKU
	CreatedAt, UpdatedAt                          time.Time

	// ShippingPaid is what the shopper paid for shipping, its VAT included (Shipping is
	// shipping_cost, before VAT).
	ShippingPaid decimal.Decimal
}

// Orders lists the orders, oldest first.
func (s *Server) Orders() []OrderInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []OrderInfo
	for _, id := range sortedKeys(s.st.orders) {
		o := s.st.orders[id]
		a := o.compute()
		info := OrderInfo{ID: o.id, Reference: o.reference, Status: o.status.slug, StatusID: o.status.id, Guest: o.buyer.customer == nil,
			SubTotal: a.subTotal, Discount: a.discount, Shipping: a.shipping, ShippingPaid: o.shipping, COD: a.cod, Tax: a.tax, Total: a.total,
			Lines: map[string]int{}, CreatedAt: o.createdAt, UpdatedAt: o.updatedAt, Invoiced: hasDoc(o, "Tax Invoice")}
		if o.coupon != nil {
			info.Coupon = o.coupon.code
		}
		if o.exclusive {
			info.ShippingPaid = o.shipping.Add(round2(o.shipping.Mul(vat)))
		}
		for _, it := range o.items {
			info.ItemTax = info.ItemTax.Add(it.tax)
			if left := it.quantity - it.returned; left > 0 && o.status.slug != StatusCanceled {
				info.Lines[it.sku] += left
			}
		}
		for _, d := range o.docs {
			if d.kind == "Credit Note" {
				info.Credits = append(info.Credits, d.total)
			}
		}
		out = append(out, info)
	}
	return out
}

// Stock is a product's (without variants) or a variant's stock in a branch (0: the default).
func (s *Server) Stock(id, branchID int64) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if branchID == 0 {
		branchID = s.st.defaultBranch().id
	}
	if v := s.st.skus[id]; v != nil {
		return v.stock[branchID], true
	}
	if p := s.st.products[id]; p != nil && len(p.skus) == 0 {
		return p.stock[branchID], true
	}
	return 0, false
}

// SellableInfo is a read-only view of a product without variants or of one variant.
type SellableInfo struct {
	ID, ProductID int64
	Name, Value   string // the product's name; the variant's option value
	SKU, Barcode  string
	Price         decimal.Decimal
	Cost          *decimal.Decimal
	Quantity      int // in the default branch
	Unlimited     bool
	Categories    []string // the product's categories, by name
	// OnSale is the discounted price shoppers pay instead of the struck-out one, nil when none
	// (Price is then the item's own price).
	OnSale *decimal.Decimal
}

func (s *Server) infoOf(x sellable) SellableInfo {
	in := SellableInfo{ID: x.id(), ProductID: x.p.id, Name: x.p.name, SKU: x.skuCode(), Price: x.price(),
		Quantity: x.stockMap()[s.st.defaultBranch().id], Unlimited: x.unlimited(), Barcode: x.p.gtin, Cost: x.p.cost}
	for _, c := range x.p.categories {
		if cat := s.st.categories[c]; cat != nil {
			in.Categories = append(in.Categories, cat.name)
		}
	}
	in.OnSale = x.p.salePrice
	if x.v != nil {
		in.OnSale = x.v.salePrice
	}
	if x.v != nil {
		in.Value, in.Barcode, in.Cost = variantName(x.v), x.v.barcode, x.v.cost
		if in.Barcode == "" {
			in.Barcode = x.v.gtin
		}
	}
	return in
}

// Sellable looks up a product without variants or a variant by id.
func (s *Server) Sellable(id int64) (SellableInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.sellables() {
		if x.id() == id {
			return s.infoOf(x), true
		}
	}
	return SellableInfo{}, false
}

// SellableBySKU looks one up by SKU.
func (s *Server) SellableBySKU(code string) (SellableInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if x, found := s.find("sku", code); found {
		return s.infoOf(x), true
	}
	return SellableInfo{}, false
}

// Sellables lists every product without variants and every variant.
func (s *Server) Sellables() []SellableInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []SellableInfo
	for _, x := range s.sellables() {
		out = append(out, s.infoOf(x))
	}
	return out
}

// SetSalePrice puts a product without variants or a variant on sale at sale by hand (nil ends
// the sale): Salla shows it beside the struck-out price, and shoppers pay it.
func (s *Server) SetSalePrice(id int64, sale *decimal.Decimal) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.sellables() {
		if x.id() != id {
			continue
		}
		if x.v != nil {
			x.v.salePrice = sale
		} else {
			x.p.salePrice = sale
		}
		x.touch(s.clock.Now())
		return true
	}
	return false
}

// Edit changes a product without variants or a variant by hand: any of name (the product's),
// price, quantity (default branch).
func (s *Server) Edit(id int64, name *string, price *decimal.Decimal, quantity *int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.sellables() {
		if x.id() != id {
			continue
		}
		if name != nil {
			x.p.name = *name
		}
		if price != nil {
			if x.v != nil {
				x.v.price, x.v.salePrice = *price, nil
			} else {
				x.p.price, x.p.salePrice = *price, nil
			}
		}
		if quantity != nil {
			x.stockMap()[s.st.defaultBranch().id] = *quantity
		}
		x.touch(s.clock.Now())
		return true
	}
	return false
}
