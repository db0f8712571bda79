package shopifytest

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

type address struct {
	id        int64
	firstName string
	lastName  string
	phone     string
	address1  string
	city      string
	country   string
	code      string
}

type order struct {
	id            int64
	number        int
	createdAt     time.Time
	processedAt   time.Time
	updatedAt     time.Time
	cancelledAt   *time.Time
	cancelReason  string
	closedAt      *time.Time
	customer      *customer
	email         string
	phone         string
	billing       *address
	shippingAddr  *address
	note          string
	sourceName    string
	taxesIncluded bool
	taxRate       decimal.Decimal
	taxTitle      string

	discountCode    string
	discountAmount  decimal.Decimal
	discountPercent decimal.Decimal

	lines        []*lineItem
	shipping     []*shippingLine
	refunds      []*refund
	transactions []*transaction
	location     *location
	gateway      string

	// computed by recompute
	subtotal       decimal.Decimal
	totalDiscounts decimal.Decimal
	shippingTotal  decimal.Decimal
	totalTax       decimal.Decimal
	totalPrice     decimal.Decimal
	originalTotal  decimal.Decimal
}

func (o *order) name() string { return fmt.Sprintf("#%d", o.number) }

type lineItem struct {
	id           int64
	ord          *order
	variant      *variant
	product      *product
	title        string
	variantTitle string
	sku          string
	vendor       string
	quantity     int
	removed      int
	fulfilled    int
	unitPrice    decimal.Decimal
	taxable      bool

	// computed by recompute
	original decimal.Decimal
	discount decimal.Decimal
	net      decimal.Decimal
	tax      decimal.Decimal

	// running refund totals
	refundedQty         int
	refundedUnfulfilled int
	refundedSubtotal    decimal.Decimal
	refundedTax         decimal.Decimal
	refundedDiscount    decimal.Decimal
}

func (l *lineItem) effQty() int     { return l.quantity - l.removed }
func (l *lineItem) currentQty() int { return l.effQty() - l.refundedQty }
func (l *lineItem) unfulfilledLeft() int {
	n := l.effQty() - l.fulfilled - l.refundedUnfulfilled
	if n < 0 {
		return 0
	}
	return n
}

func (l *lineItem) name() string {
	if l.variantTitle == "" {
		return l.title
	}
	return l.title + " - " + l.variantTitle
}

type shippingLine struct {
	id    int64
	title string
	code  string
	price decimal.Decimal
	tax   decimal.Decimal

	refunded    decimal.Decimal
	refundedTax decimal.Decimal
}

type refund struct {
	id           int64
	order        *order
	createdAt    time.Time
	note         string
	lines        []*refundLine
	shipping     []*refundShipping
	amount       decimal.Decimal
	amountOnly   bool
	transactions []*transaction
}

type refundLine struct {
	id          int64
	line        *lineItem
	qty         int
	restockType string
	restocked   bool
	location    *location
	price       decimal.Decimal
	subtotal    decimal.Decimal
	tax         decimal.Decimal
	discount    decimal.Decimal
}

type refundShipping struct {
	id     int64
	line   *shippingLine
	amount decimal.Decimal
	tax    decimal.Decimal
}

type transaction struct {
	id        int64
	kind      string
	status    string
	gateway   string
	amount    decimal.Decimal
	createdAt time.Time
}

// OrderLine is one line of an order to place.
type OrderLine struct {
	VariantID int64
	Quantity  int
	// Price overrides the variant's current price when non-nil.
	Price *decimal.Decimal
}

// ShippingInput is the shipping line of an order to place.
type ShippingInput struct {
	Title string // default "Standard"
	Code  string
	Price decimal.Decimal // in the order's tax basis (tax-inclusive when taxes are included)
}

// AddressInput is a mailing address.
type AddressInput struct {
	FirstName, LastName, Phone, Address1, City string
	CountryCode                                string // default "SA"
}

// OrderInput describes an order placed by a shopper.
type OrderInput struct {
	Lines []OrderLine
	// CustomerID links a customer; 0 places a guest order (Order.customer is null).
	CustomerID int64
	// Email and Phone override (or, for guests, provide) the contact details.
	Email, Phone string
	// DiscountCode with either DiscountAmount (fixed, shop currency) or
	// DiscountPercent (0–100) applied across all lines.
	DiscountCode    string
	DiscountAmount  decimal.Decimal
	DiscountPercent decimal.Decimal
	// Shipping adds one shipping line; nil means no shipping line.
	Shipping *ShippingInput
	// TaxesExcluded makes prices tax-exclusive (VAT added on top).
	TaxesExcluded bool
	// TaxRate overrides the default 0.15 (Saudi VAT); use a zero-valued
	// pointer for untaxed orders.
	TaxRate *decimal.Decimal
	// Unpaid leaves the order PENDING (for example cash on delivery).
	Unpaid bool
	// Gateway names the payment gateway (default "manual").
	Gateway string
	// Fulfilled marks every unit fulfilled at once.
	Fulfilled bool
	// ProcessedAt sets the order time; zero means the server clock.
	ProcessedAt time.Time
	// LocationID is the location stock is taken from (0 = primary).
	LocationID int64
	// AllowOversell lets an order take tracked stock below zero.
	AllowOversell   bool
	Note            string
	SourceName      string // default "web"
	ShippingAddress *AddressInput
}

// ErrNotFound is returned for unknown ids.
var ErrNotFound = errors.New("shopifytest: not found")

func (st *store) newAddress(a *AddressInput, c *customer) *address {
	if a == nil && c == nil {
		return nil
	}
	ad := &address{id: st.newID(KindMailingAddress), country: "Saudi Arabia", code: "SA"}
	if c != nil {
		ad.firstName, ad.lastName, ad.phone, ad.city = c.firstName, c.lastName, c.phone, c.city
		ad.address1 = "King Fahd Road"
	}
	if a != nil {
		ad.firstName, ad.lastName, ad.phone, ad.address1, ad.city = a.FirstName, a.LastName, a.Phone, a.Address1, a.City
		if a.CountryCode != "" && a.CountryCode != "SA" {
			ad.code, ad.country = a.CountryCode, a.CountryCode
		}
	}
	return ad
}

func laterOf(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func touchVariantAt(v *variant, t time.Time) {
	v.updatedAt = laterOf(v.updatedAt, t)
	v.item.updatedAt = laterOf(v.item.updatedAt, t)
	v.product.updatedAt = laterOf(v.product.updatedAt, t)
}

// moveStock changes a line's stock at loc: available and committed deltas.
func (st *store) moveStock(l *lineItem, loc *location, dAvail, dCommitted int, at time.Time) {
	v := l.variant
	if v == nil || !v.item.tracked || loc == nil {
		return
	}
	lv := st.ensureLevel(v.item, loc, at)
	lv.available += dAvail
	lv.committed += dCommitted
	if lv.committed < 0 {
		lv.committed = 0
	}
	lv.updatedAt = laterOf(lv.updatedAt, at)
	touchVariantAt(v, at)
}

func (st *store) placeOrder(in OrderInput, now time.Time) (*order, error) {
	if len(in.Lines) == 0 {
		return nil, errors.New("shopifytest: an order needs at least one line")
	}
	at := in.ProcessedAt
	if at.IsZero() {
		at = now
	}
	at = at.UTC().Truncate(time.Second)
	loc := st.primary()
	if in.LocationID != 0 {
		loc = st.locationByID[in.LocationID]
		if loc == nil {
			return nil, fmt.Errorf("location %d: %w", in.LocationID, ErrNotFound)
		}
	}
	o := &order{
		id: st.newID(KindOrder), number: st.nextOrderNo, createdAt: at, processedAt: at, updatedAt: at,
		taxesIncluded: !in.TaxesExcluded, taxRate: decimal.RequireFromString("0.15"), taxTitle: "VAT",
		discountCode: in.DiscountCode, discountAmount: in.DiscountAmount, discountPercent: in.DiscountPercent,
		note: in.Note, sourceName: in.SourceName, location: loc, gateway: in.Gateway,
		email: in.Email, phone: in.Phone,
	}
	if in.TaxRate != nil {
		o.taxRate = *in.TaxRate
	}
	if o.sourceName == "" {
		o.sourceName = "web"
	}
	if o.gateway == "" {
		o.gateway = "manual"
	}
	if in.CustomerID != 0 {
		c := st.customerByID[in.CustomerID]
		if c == nil {
			return nil, fmt.Errorf("customer %d: %w", in.CustomerID, ErrNotFound)
		}
		o.customer = c
		if o.email == "" {
			o.email = c.email
		}
		if o.phone == "" {
			o.phone = c.phone
		}
	}
	if in.DiscountCode == "" && (in.DiscountAmount.IsPositive() || in.DiscountPercent.IsPositive()) {
		o.discountCode = "DISCOUNT"
	}
	if in.DiscountPercent.GreaterThan(hundred) || in.DiscountPercent.IsNegative() || in.DiscountAmount.IsNegative() {
		return nil, errors.New("shopifytest: invalid discount")
	}
	need := map[*variant]int{}
	for _, ln := range in.Lines {
		v := st.variantByID[ln.VariantID]
		if v == nil {
			return nil, fmt.Errorf("variant %d: %w", ln.VariantID, ErrNotFound)
		}
		if ln.Quantity <= 0 {
			return nil, errors.New("shopifytest: line quantity must be positive")
		}
		need[v] += ln.Quantity
		price := v.price
		if ln.Price != nil {
			price = round2(*ln.Price)
		}
		l := &lineItem{
			id: st.newID(KindLineItem), ord: o, variant: v, product: v.product, title: v.product.title,
			sku: v.sku, vendor: v.product.vendor, quantity: ln.Quantity, unitPrice: price, taxable: v.taxable,
		}
		if len(v.optionValues) > 0 {
			l.variantTitle = v.title()
		}
		o.lines = append(o.lines, l)
	}
	if !in.AllowOversell {
		for v, q := range need {
			if !v.item.tracked || v.policy == "CONTINUE" {
				continue
			}
			have := 0
			if lv := v.level(loc.id); lv != nil {
				have = lv.available
			}
			if have < q {
				return nil, fmt.Errorf("shopifytest: not enough stock for %s (SKU %q): %d available, %d wanted", v.product.title, v.sku, have, q)
			}
		}
	}
	if in.Shipping != nil {
		title := in.Shipping.Title
		if title == "" {
			title = "Standard"
		}
		code := in.Shipping.Code
		if code == "" {
			code = title
		}
		o.shipping = append(o.shipping, &shippingLine{id: st.newID(KindShippingLine), title: title, code: code, price: round2(in.Shipping.Price)})
	}
	var cust *customer
	if o.customer != nil {
		cust = o.customer
	}
	o.shippingAddr = st.newAddress(in.ShippingAddress, cust)
	o.billing = st.newAddress(in.ShippingAddress, cust)
	o.recompute()
	o.originalTotal = o.totalPrice
	if !in.Unpaid {
		o.transactions = append(o.transactions, &transaction{id: st.newID(KindTransaction), kind: "SALE", status: "SUCCESS", gateway: o.gateway, amount: o.totalPrice, createdAt: at})
	}
	st.nextOrderNo++
	for _, l := range o.lines {
		st.moveStock(l, loc, -l.quantity, l.quantity, at)
	}
	st.orders = append(st.orders, o)
	st.orderByID[o.id] = o
	if o.customer != nil {
		o.customer.updatedAt = laterOf(o.customer.updatedAt, at)
	}
	if in.Fulfilled {
		st.fulfill(o, at)
	}
	return o, nil
}

func (st *store) fulfill(o *order, at time.Time) {
	for _, l := range o.lines {
		n := l.unfulfilledLeft()
		if n <= 0 {
			continue
		}
		l.fulfilled += n
		st.moveStock(l, o.location, 0, -n, at)
	}
	o.updatedAt = laterOf(o.updatedAt, at)
}

// RefundLine refunds units of one line item.
type RefundLine struct {
	LineItemID int64
	Quantity   int
	// RestockType is RETURN, CANCEL or NO_RESTOCK. Empty means RETURN for
	// fulfilled units and CANCEL for unfulfilled ones.
	RestockType string
}

// RefundInput describes a refund. With no Lines and no shipping it is an
// amount-only refund of Amount.
type RefundInput struct {
	Lines []RefundLine
	// Shipping refunds this much of the shipping (same tax basis as the
	// shipping price); FullShipping refunds all that is left.
	Shipping     decimal.Decimal
	FullShipping bool
	// Amount is the money returned by an amount-only refund.
	Amount decimal.Decimal
	Note   string
	// At sets the refund time; zero means the server clock.
	At time.Time
}

func (st *store) refundOrder(o *order, in RefundInput, now time.Time, cancel bool) (*refund, error) {
	at := in.At
	if at.IsZero() {
		at = now
	}
	at = at.UTC().Truncate(time.Second)
	paid := o.received().IsPositive()
	if !paid && !cancel {
		return nil, errors.New("shopifytest: cannot refund an order that is not paid")
	}
	r := &refund{id: st.newID(KindRefund), order: o, createdAt: at, note: in.Note}
	seen := map[int64]int{}
	for _, rl := range in.Lines {
		seen[rl.LineItemID] += rl.Quantity
	}
	for _, rl := range in.Lines {
		var l *lineItem
		for _, x := range o.lines {
			if x.id == rl.LineItemID {
				l = x
			}
		}
		if l == nil {
			return nil, fmt.Errorf("line item %d: %w", rl.LineItemID, ErrNotFound)
		}
		if rl.Quantity <= 0 || seen[l.id] > l.currentQty() {
			return nil, fmt.Errorf("shopifytest: cannot refund %d of line %d (%d left)", seen[l.id], l.id, l.currentQty())
		}
	}
	// Validate shipping.
	shipLeft := decimal.Zero
	for _, s := range o.shipping {
		shipLeft = shipLeft.Add(s.price.Sub(s.refunded))
	}
	shipAmt := round2(in.Shipping)
	if in.FullShipping {
		shipAmt = shipLeft
	}
	if shipAmt.IsNegative() || shipAmt.GreaterThan(shipLeft) {
		return nil, fmt.Errorf("shopifytest: shipping refund %s exceeds the %s left", shipAmt, shipLeft)
	}
	amount := decimal.Zero
	for _, in := range in.Lines {
		var l *lineItem
		for _, x := range o.lines {
			if x.id == in.LineItemID {
				l = x
			}
		}
		left := l.currentQty()
		eff := l.effQty()
		k := in.Quantity
		x := &refundLine{id: st.newID(KindRefundLineItem), line: l, qty: k, restockType: in.RestockType}
		x.price = decimal.Zero
		if eff > 0 {
			x.price = round2(l.net.Div(decimal.NewFromInt(int64(eff))))
		}
		x.subtotal = prorate(l.net, l.refundedSubtotal, k, eff, left)
		x.tax = prorate(l.tax, l.refundedTax, k, eff, left)
		x.discount = prorate(l.discount, l.refundedDiscount, k, eff, left)
		unf := l.unfulfilledLeft()
		if x.restockType == "" {
			if unf > 0 {
				x.restockType = "CANCEL"
			} else {
				x.restockType = "RETURN"
			}
		}
		switch x.restockType {
		case "RETURN", "CANCEL", "NO_RESTOCK", "LEGACY_RESTOCK":
		default:
			return nil, fmt.Errorf("shopifytest: unknown restock type %q", x.restockType)
		}
		x.restocked = x.restockType != "NO_RESTOCK"
		fromUnf := k
		if x.restockType == "RETURN" {
			// returned units come from fulfilled ones first
			fromUnf = k - (l.fulfilled - (l.refundedQty - l.refundedUnfulfilled))
			if fromUnf < 0 {
				fromUnf = 0
			}
		}
		if fromUnf > unf {
			fromUnf = unf
		}
		dAvail := 0
		if x.restocked {
			dAvail = k
			x.location = o.location
		}
		if l.variant != nil && l.variant.item.tracked {
			st.moveStock(l, o.location, dAvail, -fromUnf, at)
		}
		l.refundedQty += k
		l.refundedUnfulfilled += fromUnf
		l.refundedSubtotal = l.refundedSubtotal.Add(x.subtotal)
		l.refundedTax = l.refundedTax.Add(x.tax)
		l.refundedDiscount = l.refundedDiscount.Add(x.discount)
		r.lines = append(r.lines, x)
		amount = amount.Add(x.subtotal)
		if !o.taxesIncluded {
			amount = amount.Add(x.tax)
		}
	}
	if shipAmt.IsPositive() {
		remaining := shipAmt
		for _, s := range o.shipping {
			left := s.price.Sub(s.refunded)
			if !remaining.IsPositive() || !left.IsPositive() {
				continue
			}
			take := decimal.Min(left, remaining)
			rs := &refundShipping{id: st.newID(KindRefundShipping), line: s, amount: take}
			if take.Equal(left) {
				rs.tax = s.tax.Sub(s.refundedTax)
			} else {
				rs.tax = taxOf(take, o.taxRate, o.taxesIncluded)
			}
			s.refunded = s.refunded.Add(take)
			s.refundedTax = s.refundedTax.Add(rs.tax)
			remaining = remaining.Sub(take)
			r.shipping = append(r.shipping, rs)
			amount = amount.Add(take)
			if !o.taxesIncluded {
				amount = amount.Add(rs.tax)
			}
		}
	}
	if len(r.lines) == 0 && len(r.shipping) == 0 {
		if cancel {
			amount = decimal.Zero
		} else {
			if !in.Amount.IsPositive() {
				return nil, errors.New("shopifytest: an amount-only refund needs a positive amount")
			}
			r.amountOnly = true
			amount = round2(in.Amount)
		}
	}
	if !paid {
		amount = decimal.Zero
	}
	avail := o.received().Sub(o.current().refunded)
	if amount.GreaterThan(avail) {
		if cancel {
			amount = avail
		} else {
			return nil, fmt.Errorf("shopifytest: refund of %s exceeds the %s that can be refunded", amount, avail)
		}
	}
	r.amount = amount
	if amount.IsPositive() {
		t := &transaction{id: st.newID(KindTransaction), kind: "REFUND", status: "SUCCESS", gateway: o.gateway, amount: amount, createdAt: at}
		r.transactions = append(r.transactions, t)
		o.transactions = append(o.transactions, t)
	}
	o.refunds = append(o.refunds, r)
	o.updatedAt = laterOf(o.updatedAt, at)
	return r, nil
}

// CancelInput describes an order cancellation.
type CancelInput struct {
	// Reason is an OrderCancelReason (default "CUSTOMER").
	Reason string
	// NoRestock leaves cancelled units out of stock (default: restock).
	NoRestock bool
	// NoRefund cancels without returning money.
	NoRefund bool
	At       time.Time
}

func (st *store) cancelOrder(o *order, in CancelInput, now time.Time) error {
	if o.cancelledAt != nil {
		return errors.New("shopifytest: order already cancelled")
	}
	at := in.At
	if at.IsZero() {
		at = now
	}
	at = at.UTC().Truncate(time.Second)
	ri := RefundInput{FullShipping: !in.NoRefund, At: at, Note: "Order cancelled"}
	for _, l := range o.lines {
		if n := l.currentQty(); n > 0 {
			rt := "CANCEL"
			if l.unfulfilledLeft() == 0 {
				rt = "RETURN"
			}
			if in.NoRestock {
				rt = "NO_RESTOCK"
			}
			ri.Lines = append(ri.Lines, RefundLine{LineItemID: l.id, Quantity: n, RestockType: rt})
		}
	}
	if in.NoRefund {
		// restock without returning money: record the restock with a zero refund
		ri.FullShipping = false
	}
	r, err := st.refundOrder(o, ri, now, true)
	if err != nil {
		return err
	}
	if in.NoRefund && r.amount.IsPositive() {
		r.amount = decimal.Zero
		r.transactions = nil
		o.transactions = o.transactions[:len(o.transactions)-1]
	}
	reason := in.Reason
	if reason == "" {
		reason = "CUSTOMER"
	}
	o.cancelledAt = &at
	o.cancelReason = reason
	if o.closedAt == nil {
		o.closedAt = &at
	}
	o.updatedAt = laterOf(o.updatedAt, at)
	return nil
}

// OrderEdit changes an order that has no refunds yet.
type OrderEdit struct {
	// Remove maps line item ids to the number of unfulfilled units to remove.
	Remove map[int64]int
	// Add appends new lines (no discount is allocated to the code again unless
	// it is a percentage; see the money model).
	Add []OrderLine
	At  time.Time
}

func (st *store) editOrder(o *order, in OrderEdit, now time.Time) error {
	if len(o.refunds) > 0 || o.cancelledAt != nil {
		return errors.New("shopifytest: only orders without refunds or cancellation can be edited")
	}
	at := in.At
	if at.IsZero() {
		at = now
	}
	at = at.UTC().Truncate(time.Second)
	for id, n := range in.Remove {
		var l *lineItem
		for _, x := range o.lines {
			if x.id == id {
				l = x
			}
		}
		if l == nil {
			return fmt.Errorf("line item %d: %w", id, ErrNotFound)
		}
		if n <= 0 || n > l.unfulfilledLeft() {
			return fmt.Errorf("shopifytest: cannot remove %d units of line %d", n, id)
		}
	}
	for _, ln := range in.Add {
		if st.variantByID[ln.VariantID] == nil || ln.Quantity <= 0 {
			return fmt.Errorf("variant %d: %w", ln.VariantID, ErrNotFound)
		}
	}
	for id, n := range in.Remove {
		for _, l := range o.lines {
			if l.id == id {
				l.removed += n
				st.moveStock(l, o.location, n, -n, at)
			}
		}
	}
	for _, ln := range in.Add {
		v := st.variantByID[ln.VariantID]
		price := v.price
		if ln.Price != nil {
			price = round2(*ln.Price)
		}
		l := &lineItem{id: st.newID(KindLineItem), ord: o, variant: v, product: v.product, title: v.product.title, sku: v.sku,
			vendor: v.product.vendor, quantity: ln.Quantity, unitPrice: price, taxable: v.taxable}
		if len(v.optionValues) > 0 {
			l.variantTitle = v.title()
		}
		o.lines = append(o.lines, l)
		st.moveStock(l, o.location, -ln.Quantity, ln.Quantity, at)
	}
	o.recompute()
	o.updatedAt = laterOf(o.updatedAt, at)
	return nil
}
