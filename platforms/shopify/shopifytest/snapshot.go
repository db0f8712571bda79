package shopifytest

import (
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// LocationInfo is a read-only copy of a location.
type LocationInfo struct {
	ID      int64
	GID     string
	Name    string
	Primary bool
	Active  bool
}

// LevelInfo is the stock of a variant at one location.
type LevelInfo struct {
	LocationID int64
	Available  int
	Committed  int
	OnHand     int
	UpdatedAt  time.Time
}

// VariantInfo is a read-only copy of a variant and its inventory item.
type VariantInfo struct {
	ID               int64
	GID              string
	ProductID        int64
	InventoryItemID  int64
	InventoryItemGID string
	Title            string
	OptionValues     []string
	SKU              string
	Barcode          string
	Price            decimal.Decimal
	CompareAtPrice   *decimal.Decimal
	Cost             *decimal.Decimal
	Tracked          bool
	// Available is the sum over locations (ProductVariant.inventoryQuantity).
	Available int
	Levels    []LevelInfo
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ProductInfo is a read-only copy of a product.
type ProductInfo struct {
	ID             int64
	GID            string
	Title          string
	Handle         string
	ProductType    string
	Vendor         string
	Status         string
	Tags           []string
	Options        []string
	TotalInventory int
	Variants       []VariantInfo
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// CustomerInfo is a read-only copy of a customer.
type CustomerInfo struct {
	ID        int64
	GID       string
	FirstName string
	LastName  string
	Email     string
	Phone     string
	City      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// LineInfo is a read-only copy of an order line with its money.
type LineInfo struct {
	ID              int64
	GID             string
	VariantID       int64
	ProductID       int64
	Title           string
	VariantTitle    string
	SKU             string
	Quantity        int // ordered, including removed and refunded units
	Removed         int // removed by order edits
	CurrentQuantity int
	Fulfilled       int
	UnitPrice       decimal.Decimal
	OriginalTotal   decimal.Decimal // UnitPrice × (Quantity − Removed)
	Discount        decimal.Decimal
	DiscountedTotal decimal.Decimal // OriginalTotal − Discount
	Tax             decimal.Decimal
}

// ShippingInfo is a read-only copy of a shipping line.
type ShippingInfo struct {
	ID       int64
	Title    string
	Code     string
	Price    decimal.Decimal
	Tax      decimal.Decimal
	Refunded decimal.Decimal
}

// RefundLineInfo is one refunded line.
type RefundLineInfo struct {
	ID          int64
	LineItemID  int64
	Quantity    int
	RestockType string
	Restocked   bool
	Price       decimal.Decimal
	Subtotal    decimal.Decimal
	Tax         decimal.Decimal
}

// RefundShippingInfo is one refunded shipping amount.
type RefundShippingInfo struct {
	ShippingLineID int64
	Amount         decimal.Decimal
	Tax            decimal.Decimal
}

// RefundInfo is a read-only copy of a refund.
type RefundInfo struct {
	ID         int64
	GID        string
	OrderID    int64
	CreatedAt  time.Time
	Note       string
	Amount     decimal.Decimal // totalRefundedSet
	AmountOnly bool
	Lines      []RefundLineInfo
	Shipping   []RefundShippingInfo
}

// OrderMoney holds every order-level money figure (see the money model).
type OrderMoney struct {
	Subtotal              decimal.Decimal
	TotalDiscounts        decimal.Decimal
	TotalShipping         decimal.Decimal
	TotalTax              decimal.Decimal
	TotalPrice            decimal.Decimal
	OriginalTotalPrice    decimal.Decimal
	CurrentSubtotal       decimal.Decimal
	CurrentShipping       decimal.Decimal
	CurrentTax            decimal.Decimal
	CurrentDiscounts      decimal.Decimal
	CurrentTotal          decimal.Decimal
	TotalRefunded         decimal.Decimal
	TotalRefundedShipping decimal.Decimal
	Received              decimal.Decimal
	NetPayment            decimal.Decimal
	Outstanding           decimal.Decimal
}

// OrderInfo is a read-only copy of an order.
type OrderInfo struct {
	ID                int64
	GID               string
	Name              string
	Number            int
	CustomerID        int64 // 0 for guests
	Email             string
	Phone             string
	CreatedAt         time.Time
	ProcessedAt       time.Time
	UpdatedAt         time.Time
	CancelledAt       *time.Time
	CancelReason      string
	ClosedAt          *time.Time
	TaxesIncluded     bool
	TaxRate           decimal.Decimal
	DiscountCode      string
	FinancialStatus   string
	FulfillmentStatus string
	Lines             []LineInfo
	Shipping          []ShippingInfo
	Refunds           []RefundInfo
	Money             OrderMoney
}

// Snapshot is a consistent copy of the whole store.
type Snapshot struct {
	Locations []LocationInfo
	Products  []ProductInfo
	Customers []CustomerInfo
	Orders    []OrderInfo
}

// Snapshot copies the whole store, each list in id order.
func (s *Server) Snapshot() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	var snap Snapshot
	for _, l := range sortedByID(s.st.locations, func(l *location) int64 { return l.id }) {
		snap.Locations = append(snap.Locations, locationInfo(l))
	}
	for _, p := range sortedByID(s.st.products, func(p *product) int64 { return p.id }) {
		snap.Products = append(snap.Products, productInfo(p))
	}
	for _, c := range sortedByID(s.st.customers, func(c *customer) int64 { return c.id }) {
		snap.Customers = append(snap.Customers, customerInfo(c))
	}
	for _, o := range sortedByID(s.st.orders, func(o *order) int64 { return o.id }) {
		snap.Orders = append(snap.Orders, orderInfo(o))
	}
	return snap
}

// Product returns one product.
func (s *Server) Product(id int64) (ProductInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.productByID[id]
	if p == nil {
		return ProductInfo{}, false
	}
	return productInfo(p), true
}

// Variant returns one variant.
func (s *Server) Variant(id int64) (VariantInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.st.variantByID[id]
	if v == nil {
		return VariantInfo{}, false
	}
	return variantInfo(v), true
}

// VariantBySKU returns the first variant with the SKU.
func (s *Server) VariantBySKU(sku string) (VariantInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.st.products {
		for _, v := range p.variants {
			if v.sku == sku && sku != "" {
				return variantInfo(v), true
			}
		}
	}
	return VariantInfo{}, false
}

// Order returns one order.
func (s *Server) Order(id int64) (OrderInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.st.orderByID[id]
	if o == nil {
		return OrderInfo{}, false
	}
	return orderInfo(o), true
}

// OrderByName returns the order named "#1001" (the '#' is optional).
func (s *Server) OrderByName(name string) (OrderInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.st.orders {
		if strings.TrimPrefix(o.name(), "#") == strings.TrimPrefix(name, "#") {
			return orderInfo(o), true
		}
	}
	return OrderInfo{}, false
}

// Customer returns one customer.
func (s *Server) Customer(id int64) (CustomerInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.st.customerByID[id]
	if c == nil {
		return CustomerInfo{}, false
	}
	return customerInfo(c), true
}

func locationInfo(l *location) LocationInfo {
	return LocationInfo{ID: l.id, GID: GID(KindLocation, l.id), Name: l.name, Primary: l.primary, Active: l.active}
}

func copyDec(d *decimal.Decimal) *decimal.Decimal {
	if d == nil {
		return nil
	}
	c := *d
	return &c
}

func variantInfo(v *variant) VariantInfo {
	vi := VariantInfo{
		ID: v.id, GID: GID(KindProductVariant, v.id), ProductID: v.product.id,
		InventoryItemID: v.item.id, InventoryItemGID: GID(KindInventoryItem, v.item.id),
		Title: v.title(), OptionValues: append([]string(nil), v.optionValues...), SKU: v.sku, Barcode: v.barcode,
		Price: v.price, CompareAtPrice: copyDec(v.compareAtPrice), Cost: copyDec(v.item.cost), Tracked: v.item.tracked,
		Available: v.available(), CreatedAt: v.createdAt, UpdatedAt: v.updatedAt,
	}
	for _, l := range v.item.levels {
		vi.Levels = append(vi.Levels, LevelInfo{LocationID: l.loc.id, Available: l.available, Committed: l.committed, OnHand: l.onHand(), UpdatedAt: l.updatedAt})
	}
	return vi
}

func productInfo(p *product) ProductInfo {
	pi := ProductInfo{
		ID: p.id, GID: GID(KindProduct, p.id), Title: p.title, Handle: p.handle, ProductType: p.productType,
		Vendor: p.vendor, Status: p.status, Tags: append([]string(nil), p.tags...), TotalInventory: p.totalInventory(),
		CreatedAt: p.createdAt, UpdatedAt: p.updatedAt,
	}
	for _, o := range p.options {
		pi.Options = append(pi.Options, o.name)
	}
	for _, v := range p.variants {
		pi.Variants = append(pi.Variants, variantInfo(v))
	}
	return pi
}

func customerInfo(c *customer) CustomerInfo {
	return CustomerInfo{ID: c.id, GID: GID(KindCustomer, c.id), FirstName: c.firstName, LastName: c.lastName,
		Email: c.email, Phone: c.phone, City: c.city, CreatedAt: c.createdAt, UpdatedAt: c.updatedAt}
}

func refundInfo(r *refund) RefundInfo {
	ri := RefundInfo{ID: r.id, GID: GID(KindRefund, r.id), OrderID: r.order.id, CreatedAt: r.createdAt, Note: r.note, Amount: r.amount, AmountOnly: r.amountOnly}
	for _, rl := range r.lines {
		ri.Lines = append(ri.Lines, RefundLineInfo{ID: rl.id, LineItemID: rl.line.id, Quantity: rl.qty, RestockType: rl.restockType,
			Restocked: rl.restocked, Price: rl.price, Subtotal: rl.subtotal, Tax: rl.tax})
	}
	for _, rs := range r.shipping {
		ri.Shipping = append(ri.Shipping, RefundShippingInfo{ShippingLineID: rs.line.id, Amount: rs.amount, Tax: rs.tax})
	}
	return ri
}

func copyTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}

func orderInfo(o *order) OrderInfo {
	c := o.current()
	oi := OrderInfo{
		ID: o.id, GID: GID(KindOrder, o.id), Name: o.name(), Number: o.number, Email: o.email, Phone: o.phone,
		CreatedAt: o.createdAt, ProcessedAt: o.processedAt, UpdatedAt: o.updatedAt, CancelledAt: copyTime(o.cancelledAt),
		CancelReason: o.cancelReason, ClosedAt: copyTime(o.closedAt), TaxesIncluded: o.taxesIncluded, TaxRate: o.taxRate,
		DiscountCode: o.discountCode, FinancialStatus: o.financialStatus(), FulfillmentStatus: o.fulfillmentStatus(),
		Money: OrderMoney{
			Subtotal: o.subtotal, TotalDiscounts: o.totalDiscounts, TotalShipping: o.shippingTotal, TotalTax: o.totalTax,
			TotalPrice: o.totalPrice, OriginalTotalPrice: o.originalTotal, CurrentSubtotal: c.subtotal, CurrentShipping: c.shipping,
			CurrentTax: c.tax, CurrentDiscounts: c.discounts, CurrentTotal: c.total, TotalRefunded: c.refunded,
			TotalRefundedShipping: c.refundedShipping, Received: o.received(), NetPayment: o.received().Sub(c.refunded),
			Outstanding: o.outstanding(),
		},
	}
	if o.customer != nil {
		oi.CustomerID = o.customer.id
	}
	for _, l := range o.lines {
		li := LineInfo{ID: l.id, GID: GID(KindLineItem, l.id), Title: l.title, VariantTitle: l.variantTitle, SKU: l.sku,
			Quantity: l.quantity, Removed: l.removed, CurrentQuantity: l.currentQty(), Fulfilled: l.fulfilled,
			UnitPrice: l.unitPrice, OriginalTotal: l.original, Discount: l.discount, DiscountedTotal: l.net, Tax: l.tax}
		if l.variant != nil {
			li.VariantID = l.variant.id
		}
		if l.product != nil {
			li.ProductID = l.product.id
		}
		oi.Lines = append(oi.Lines, li)
	}
	for _, s := range o.shipping {
		oi.Shipping = append(oi.Shipping, ShippingInfo{ID: s.id, Title: s.title, Code: s.code, Price: s.price, Tax: s.tax, Refunded: s.refunded})
	}
	for _, r := range o.refunds {
		oi.Refunds = append(oi.Refunds, refundInfo(r))
	}
	return oi
}
