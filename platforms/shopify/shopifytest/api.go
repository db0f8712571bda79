package shopifytest

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// ProductInput describes a product added from the store side.
type ProductInput struct {
	Title       string
	Handle      string // default derived from Title
	Description string
	ProductType string
	Vendor      string // default the shop name
	Status      string // ACTIVE (default), DRAFT or ARCHIVED
	Tags        []string
	// Options names the product options (for example "Size", "Colour");
	// empty means a single "Default Title" variant.
	Options  []string
	Variants []VariantInput
	// CreatedAt back-dates the product; zero means the server clock.
	CreatedAt time.Time
}

// VariantInput describes a variant.
type VariantInput struct {
	// OptionValues has one value per product option.
	OptionValues   []string
	SKU            string
	Barcode        string
	Price          decimal.Decimal
	CompareAtPrice *decimal.Decimal
	Cost           *decimal.Decimal
	// Quantity is the available quantity at the primary location.
	Quantity int
	// Untracked turns off inventory tracking.
	Untracked bool
	// AllowOversell sets the inventory policy to CONTINUE.
	AllowOversell bool
}

// ProductUpdate changes the non-nil fields of a product.
type ProductUpdate struct {
	Title, ProductType, Vendor, Status, Description *string
	Tags                                            *[]string
}

// VariantUpdate changes the non-nil fields of a variant.
type VariantUpdate struct {
	SKU, Barcode   *string
	Price          *decimal.Decimal
	CompareAtPrice *decimal.Decimal
	Cost           *decimal.Decimal
	Tracked        *bool
}

// CustomerInput describes a customer.
type CustomerInput struct {
	FirstName, LastName, Email, Phone, Note, City string
	Tags                                          []string
	CreatedAt                                     time.Time
}

// Now returns the server clock, truncated to seconds as stored timestamps are.
func (s *Server) Now() time.Time { return s.now() }

func (s *Server) stamp(t time.Time) time.Time {
	if t.IsZero() {
		return s.now()
	}
	return t.UTC().Truncate(time.Second)
}

// AddLocation adds an active, non-primary location.
func (s *Server) AddLocation(name string) LocationInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return locationInfo(s.st.addLocation(name, false, s.now()))
}

// PrimaryLocation returns the primary location.
func (s *Server) PrimaryLocation() LocationInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return locationInfo(s.st.primary())
}

// AddProduct adds a product with its variants and stock.
func (s *Server) AddProduct(in ProductInput) (ProductInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if in.Title == "" {
		return ProductInfo{}, errors.New("shopifytest: product title is required")
	}
	at := s.stamp(in.CreatedAt)
	variants := in.Variants
	if len(variants) == 0 {
		variants = []VariantInput{{}}
	}
	for _, v := range variants {
		if len(v.OptionValues) != len(in.Options) {
			return ProductInfo{}, fmt.Errorf("shopifytest: variant has %d option values for %d options", len(v.OptionValues), len(in.Options))
		}
	}
	p := s.st.newProduct(in.Title, in.Handle, in.ProductType, in.Vendor, in.Status, in.Tags, in.Options, at)
	p.description = in.Description
	for _, vin := range variants {
		v := s.st.newVariant(p, vin.OptionValues, vin.Price, at)
		s.applyVariantInput(v, vin, at)
	}
	return productInfo(p), nil
}

func (s *Server) applyVariantInput(v *variant, in VariantInput, at time.Time) {
	v.sku, v.barcode = in.SKU, in.Barcode
	if in.CompareAtPrice != nil {
		c := round2(*in.CompareAtPrice)
		v.compareAtPrice = &c
	}
	if in.Cost != nil {
		c := round2(*in.Cost)
		v.item.cost = &c
	}
	v.item.tracked = !in.Untracked
	if in.AllowOversell {
		v.policy = "CONTINUE"
	}
	if loc := s.st.primary(); loc != nil {
		lv := s.st.ensureLevel(v.item, loc, at)
		lv.available = in.Quantity
		lv.updatedAt = at
	}
}

// AddVariant adds a variant to a product.
func (s *Server) AddVariant(productID int64, in VariantInput) (VariantInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.productByID[productID]
	if p == nil {
		return VariantInfo{}, fmt.Errorf("product %d: %w", productID, ErrNotFound)
	}
	if len(in.OptionValues) != len(p.options) {
		return VariantInfo{}, fmt.Errorf("shopifytest: variant has %d option values for %d options", len(in.OptionValues), len(p.options))
	}
	now := s.now()
	v := s.st.newVariant(p, in.OptionValues, in.Price, now)
	s.applyVariantInput(v, in, now)
	return variantInfo(v), nil
}

// UpdateProduct edits a product as a merchant would in the admin.
func (s *Server) UpdateProduct(productID int64, u ProductUpdate) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.productByID[productID]
	if p == nil {
		return fmt.Errorf("product %d: %w", productID, ErrNotFound)
	}
	if u.Title != nil {
		p.title = *u.Title
	}
	if u.ProductType != nil {
		p.productType = *u.ProductType
	}
	if u.Vendor != nil {
		p.vendor = *u.Vendor
	}
	if u.Status != nil {
		p.status = *u.Status
	}
	if u.Description != nil {
		p.description = *u.Description
	}
	if u.Tags != nil {
		p.tags = append([]string(nil), (*u.Tags)...)
	}
	p.updatedAt = s.now()
	return nil
}

// UpdateVariant edits a variant as a merchant would in the admin.
func (s *Server) UpdateVariant(variantID int64, u VariantUpdate) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.st.variantByID[variantID]
	if v == nil {
		return fmt.Errorf("variant %d: %w", variantID, ErrNotFound)
	}
	if u.SKU != nil {
		v.sku = *u.SKU
	}
	if u.Barcode != nil {
		v.barcode = *u.Barcode
	}
	if u.Price != nil {
		v.price = round2(*u.Price)
	}
	if u.CompareAtPrice != nil {
		c := round2(*u.CompareAtPrice)
		v.compareAtPrice = &c
	}
	if u.Cost != nil {
		c := round2(*u.Cost)
		v.item.cost = &c
	}
	if u.Tracked != nil {
		v.item.tracked = *u.Tracked
	}
	touchVariant(v, s.now())
	return nil
}

// DeleteProduct removes a product; order lines keep their copies of titles
// and SKUs but their variant and product become null.
func (s *Server) DeleteProduct(productID int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.productByID[productID]
	if p == nil {
		return fmt.Errorf("product %d: %w", productID, ErrNotFound)
	}
	for _, v := range append([]*variant(nil), p.variants...) {
		s.st.removeVariant(v)
	}
	delete(s.st.productByID, p.id)
	out := s.st.products[:0]
	for _, x := range s.st.products {
		if x != p {
			out = append(out, x)
		}
	}
	s.st.products = out
	return nil
}

// SetQuantity sets the available quantity of a variant at a location
// (0 = primary) by hand, as a merchant editing stock in the admin.
func (s *Server) SetQuantity(variantID, locationID int64, available int) error {
	return s.changeQuantity(variantID, locationID, func(lv *inventoryLevel) { lv.available = available })
}

// AdjustQuantity adds delta to the available quantity of a variant at a
// location (0 = primary).
func (s *Server) AdjustQuantity(variantID, locationID int64, delta int) error {
	return s.changeQuantity(variantID, locationID, func(lv *inventoryLevel) { lv.available += delta })
}

func (s *Server) changeQuantity(variantID, locationID int64, f func(*inventoryLevel)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.st.variantByID[variantID]
	if v == nil {
		return fmt.Errorf("variant %d: %w", variantID, ErrNotFound)
	}
	loc := s.st.primary()
	if locationID != 0 {
		loc = s.st.locationByID[locationID]
		if loc == nil {
			return fmt.Errorf("location %d: %w", locationID, ErrNotFound)
		}
	}
	now := s.now()
	lv := s.st.ensureLevel(v.item, loc, now)
	f(lv)
	lv.updatedAt = now
	touchVariant(v, now)
	return nil
}

// AddCustomer adds a customer.
func (s *Server) AddCustomer(in CustomerInput) CustomerInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	at := s.stamp(in.CreatedAt)
	c := &customer{id: s.st.newID(KindCustomer), firstName: in.FirstName, lastName: in.LastName, email: in.Email,
		phone: in.Phone, note: in.Note, tags: append([]string(nil), in.Tags...), city: in.City,
		addressID: s.st.newID(KindMailingAddress), createdAt: at, updatedAt: at}
	s.st.customers = append(s.st.customers, c)
	s.st.customerByID[c.id] = c
	return customerInfo(c)
}

// UpdateCustomer changes a customer's contact details (empty strings are
// left unchanged).
func (s *Server) UpdateCustomer(customerID int64, in CustomerInput) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.st.customerByID[customerID]
	if c == nil {
		return fmt.Errorf("customer %d: %w", customerID, ErrNotFound)
	}
	for _, f := range []struct {
		dst *string
		src string
	}{{&c.firstName, in.FirstName}, {&c.lastName, in.LastName}, {&c.email, in.Email}, {&c.phone, in.Phone}, {&c.note, in.Note}, {&c.city, in.City}} {
		if f.src != "" {
			*f.dst = f.src
		}
	}
	c.updatedAt = s.now()
	return nil
}

// PlaceOrder places an order as a shopper at checkout would: stock moves from
// available to committed at the order's location.
func (s *Server) PlaceOrder(in OrderInput) (OrderInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.st.placeOrder(in, s.now())
	if err != nil {
		return OrderInfo{}, err
	}
	return orderInfo(o), nil
}

func (s *Server) withOrder(orderID int64, f func(o *order) error) (OrderInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.st.orderByID[orderID]
	if o == nil {
		return OrderInfo{}, fmt.Errorf("order %d: %w", orderID, ErrNotFound)
	}
	if err := f(o); err != nil {
		return OrderInfo{}, err
	}
	return orderInfo(o), nil
}

// RefundOrder refunds lines, shipping or an amount.
func (s *Server) RefundOrder(orderID int64, in RefundInput) (RefundInfo, error) {
	var r *refund
	_, err := s.withOrder(orderID, func(o *order) error {
		var err error
		r, err = s.st.refundOrder(o, in, s.now(), false)
		return err
	})
	if err != nil {
		return RefundInfo{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return refundInfo(r), nil
}

// CancelOrder cancels an order, refunding and restocking what is left.
func (s *Server) CancelOrder(orderID int64, in CancelInput) (OrderInfo, error) {
	return s.withOrder(orderID, func(o *order) error { return s.st.cancelOrder(o, in, s.now()) })
}

// EditOrder removes units from or adds lines to an order without refunds.
func (s *Server) EditOrder(orderID int64, in OrderEdit) (OrderInfo, error) {
	return s.withOrder(orderID, func(o *order) error { return s.st.editOrder(o, in, s.now()) })
}

// FulfillOrder fulfils every unfulfilled unit (committed stock leaves on hand).
func (s *Server) FulfillOrder(orderID int64) (OrderInfo, error) {
	return s.withOrder(orderID, func(o *order) error {
		s.st.fulfill(o, s.now())
		return nil
	})
}

// CloseOrder archives an order.
func (s *Server) CloseOrder(orderID int64) (OrderInfo, error) {
	return s.withOrder(orderID, func(o *order) error {
		now := s.now()
		o.closedAt = &now
		o.updatedAt = now
		return nil
	})
}

// MarkOrderPaid records a payment of the outstanding amount now.
func (s *Server) MarkOrderPaid(orderID int64) (OrderInfo, error) {
	return s.MarkOrderPaidAt(orderID, time.Time{})
}

// MarkOrderPaidAt records a payment of the outstanding amount at a given time (zero: now), as
// when a cash-on-delivery order is paid on delivery.
func (s *Server) MarkOrderPaidAt(orderID int64, at time.Time) (OrderInfo, error) {
	return s.withOrder(orderID, func(o *order) error {
		out := o.outstanding()
		if !out.IsPositive() {
			return errors.New("shopifytest: nothing outstanding")
		}
		if at.IsZero() {
			at = s.now()
		}
		at = at.UTC().Truncate(time.Second)
		o.transactions = append(o.transactions, &transaction{id: s.st.newID(KindTransaction), kind: "SALE", status: "SUCCESS", gateway: o.gateway, amount: out, createdAt: at})
		o.updatedAt = laterOf(o.updatedAt, at)
		return nil
	})
}

// TransactionInput is a payment attempt on an order, as a gateway reports it.
type TransactionInput struct {
	Kind    string // SALE, CAPTURE, AUTHORIZATION, VOID, REFUND, CHANGE
	Status  string // SUCCESS, FAILURE, PENDING, ERROR
	Gateway string // the order's gateway when empty
	Amount  decimal.Decimal
	At      time.Time // zero: now
}

// RecordTransaction adds a transaction to an order without any other effect: a declined card
// attempt (SALE, FAILURE), an authorization, a pending payment. Money received and refunded
// follows from SUCCESS transactions only.
func (s *Server) RecordTransaction(orderID int64, in TransactionInput) (OrderInfo, error) {
	return s.withOrder(orderID, func(o *order) error {
		at := in.At
		if at.IsZero() {
			at = s.now()
		}
		at = at.UTC().Truncate(time.Second)
		gw := in.Gateway
		if gw == "" {
			gw = o.gateway
		}
		o.transactions = append(o.transactions, &transaction{id: s.st.newID(KindTransaction), kind: in.Kind, status: in.Status, gateway: gw,
			amount: in.Amount, createdAt: at})
		o.updatedAt = laterOf(o.updatedAt, at)
		return nil
	})
}

// TouchOrder changes an order's note, bumping its updatedAt.
func (s *Server) TouchOrder(orderID int64, note string) error {
	_, err := s.withOrder(orderID, func(o *order) error {
		o.note = note
		o.updatedAt = laterOf(o.updatedAt.Add(time.Second), s.now())
		return nil
	})
	return err
}
