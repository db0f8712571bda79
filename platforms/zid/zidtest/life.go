package zidtest

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// CustomerInput is a shopper's details.
type CustomerInput struct {
	Name, Email, Mobile string
}

// AddCustomer adds a customer account and returns its id.
func (s *Server) AddCustomer(c CustomerInput) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addCustomer(c)
}

func (s *Server) addCustomer(c CustomerInput) int64 {
	s.st.nextCust += 3
	id := s.st.nextCust
	s.st.customers[id] = &customer{id: id, name: c.Name, email: c.Email, mobile: c.Mobile}
	return id
}

// OrderInput is an order to place.
type OrderInput struct {
	Lines      []LineInput
	CustomerID int64         // 0: a guest
	Guest      CustomerInput // the guest's checkout details
	Coupon     string        // a code
	Percent    decimal.Decimal
	Amount     decimal.Decimal // the coupon's amount, as charged
	// Shipping and COD (the cash-on-delivery fee) are as charged: with VAT unless
	// PricesExcludeVAT, when VAT is added on top.
	Shipping decimal.Decimal
	COD      decimal.Decimal
	Payment  string    // zidpay (default), zid_bank_transfer, or zid_cod (the default with a COD fee)
	Status   string    // default new
	At       time.Time // default now
	// PricesExcludeVAT: the store showed prices without VAT (is_vat_included_in_product_price
	// false) and adds it on top; by default they include it, as Saudi stores show them.
	PricesExcludeVAT bool
	Location         string // the location the order ships from (default the default location)
	Language         string // "ar" (default) or "en"
}

// LineInput is a quantity of a product without variants or of a variant (by id).
type LineInput struct {
	ID       string
	Quantity int
}

// PlaceOrder places an order; its units leave the location's stock at once.
func (s *Server) PlaceOrder(in OrderInput) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.placeOrder(in)
}

// netOf is a charged amount without VAT: Zid keeps the net with 11 decimals.
func netOf(charged decimal.Decimal, exclusive bool) decimal.Decimal {
	if exclusive {
		return charged
	}
	return round11(charged.Div(withVAT))
}

func (s *Server) placeOrder(in OrderInput) (int64, error) {
	at := cmp.Or(in.At, s.clock.Now()).Truncate(time.Second)
	s.st.nextOrder += 3
	o := &order{id: s.st.nextOrder, status: StatusNew, payment: in.Payment, paid: "paid", exclusive: in.PricesExcludeVAT,
		location: s.st.defaultLocation(), createdAt: at, updatedAt: at, language: in.Language}
	o.code = orderCode(o.id)
	if o.language == "" {
		o.language = "ar"
	}
	if in.Location != "" {
		if o.location = s.st.location(in.Location); o.location == nil {
			return 0, fmt.Errorf("no location %s", in.Location)
		}
	}
	if o.payment == "" {
		o.payment = "zidpay"
		if in.COD.IsPositive() {
			o.payment = "zid_cod"
		}
	}
	if o.payment != "zidpay" {
		o.paid = "pending" // cash and transfers are paid on delivery or confirmation
	}
	if in.CustomerID != 0 {
		if o.buyer = s.st.customers[in.CustomerID]; o.buyer == nil {
			return 0, fmt.Errorf("no customer %d", in.CustomerID)
		}
	} else {
		// A guest checks out with a name and a mobile; Zid keeps them as a customer record of
		// their own and marks the order is_guest_customer.
		o.guest = true
		o.buyer = s.st.customers[s.addCustomer(in.Guest)]
	}
	for _, l := range in.Lines {
		p := s.st.byID[l.ID]
		if p == nil || !p.sellable() {
			return 0, fmt.Errorf("no product or variant %s", l.ID)
		}
		if l.Quantity <= 0 {
			return 0, fmt.Errorf("quantity %d", l.Quantity)
		}
		s.st.nextOpID++
		it := &item{opID: s.st.nextOpID, of: p, name: p.name.text(), sku: p.sku, barcode: p.barcode, quantity: l.Quantity,
			net: netOf(p.unitPrice(), o.exclusive)}
		if o.language == "en" && p.name.en != "" {
			it.name = p.name.en
		}
		o.items = append(o.items, it)
		s.move(o, p, -l.Quantity, at)
	}
	if len(o.items) == 0 {
		return 0, fmt.Errorf("an order needs lines")
	}
	if in.Coupon != "" {
		o.coupon = &coupon{id: 395000 + o.id%1000, code: in.Coupon, percent: in.Percent, amount: in.Amount}
	}
	o.money.shipping = netOf(in.Shipping, o.exclusive)
	o.money.cod = netOf(in.COD, o.exclusive)
	s.compute(o)
	s.st.orders[o.id] = o
	o.histories = append(o.histories, history{status: StatusNew, comment: "تم إنشاء الطلب .", at: at, by: o.buyer.name})
	if in.Status != "" && in.Status != StatusNew {
		if _, known := statusInfo[in.Status]; !known {
			return 0, fmt.Errorf("no status %q", in.Status)
		}
		s.setStatus(o, in.Status, at)
	}
	return o.id, nil
}

// orderCode is the order's code ("zrDH30DWiX"), made from its id.
func orderCode(id int64) string {
	const letters = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
	x := uint64(id)*2654435761 + 97
	var b strings.Builder
	for i := 0; i < 10; i++ {
		b.WriteByte(letters[x%uint64(len(letters))])
		x = x/uint64(len(letters)) + uint64(i+1)*7919
	}
	return b.String()
}

// move changes a product's stock at the order's location by n (a row is made when it has
// none there); an unlimited row does not count.
func (s *Server) move(o *order, p *product, n int, at time.Time) { s.moveAt(o.location, p, n, at) }

func (s *Server) moveAt(l *location, p *product, n int, at time.Time) {
	row := p.stockAt(l)
	if row == nil {
		row = &stock{id: s.st.uuid("stock"), location: l}
		p.stocks = append(p.stocks, row)
	}
	if !row.infinite {
		row.qty += n
	}
	p.touch(at)
}

// compute sets the order's money from its lines and coupon. Money model, with r = 15%: a line's
// unit price without VAT is its shown price ÷ 1.15 with 11 decimals (the shown price itself when
// the store excludes VAT); sub_totals_before_vat = Σ unit × quantity; a percentage coupon takes
// P% of it, an amount coupon its amount ÷ 1.15 (at most the sub-total), each with 11 decimals,
// spread over the lines by their share (the last line takes the rest); shipping and the COD fee
// are ÷ 1.15 the same way. taxable_amount = sub-total − coupon + shipping + COD fee; vat =
// 15% of it, exactly; total = taxable + vat. Nothing is rounded to the halala: the amounts
// carry Zid's tails ("200.00000086523"), add up exactly, and the shopper pays the total rounded
// to the halala.
func (s *Server) compute(o *order) {
	var sub decimal.Decimal
	for _, it := range o.items {
		sub = sub.Add(it.netTotal())
	}
	var disc decimal.Decimal
	if c := o.coupon; c != nil {
		if c.percent.IsPositive() {
			disc = round11(sub.Mul(c.percent).Div(hundred))
		} else {
			disc = decimal.Min(netOf(c.amount, o.exclusive), sub)
		}
	}
	left, last := disc, -1
	for i, it := range o.items {
		if it.quantity > 0 && it.net.IsPositive() {
			last = i
		}
	}
	for i, it := range o.items {
		it.share = decimal.Zero
		switch {
		case disc.IsZero() || sub.IsZero() || i > last:
		case i == last:
			it.share = left
		default:
			it.share = round11(disc.Mul(it.netTotal()).Div(sub))
			left = left.Sub(it.share)
		}
	}
	o.money.subTotal, o.money.coupon = sub, disc
}

func (s *Server) history(o *order, status, comment string, at time.Time) {
	o.histories = append(o.histories, history{status: status, comment: comment, at: at, by: s.opt.StoreName})
}

// setStatus moves an order on. Delivering collects a cash or transfer payment; cancelling or
// reversing puts the units still in the order back in stock at its location (Zid's "restock
// cancelled orders" setting, on).
func (s *Server) setStatus(o *order, status string, at time.Time) {
	o.status, o.updatedAt = status, at
	s.history(o, status, fmt.Sprintf("تم تغيير حالة الطلب إلى \"%s\"", statusInfo[status].ar), at)
	switch status {
	case StatusDelivered:
		if o.paid == "pending" {
			o.paid = "paid"
		}
	case StatusCanceled, StatusCancelled, StatusReversed:
		if !o.restocked {
			for _, it := range o.items {
				if left := it.quantity - it.returned; left > 0 {
					s.move(o, it.of, left, at)
					if status == StatusReversed {
						it.returned = it.quantity
					}
				}
			}
			o.restocked = true
		}
		if o.paid == "paid" {
			o.paid = "refunded"
		}
	}
}

// SetStatus moves an order to a status by its code. Reversing this way issues no credit note
// (a reversal the merchant made without one); see Reverse for one with it.
func (s *Server) SetStatus(id int64, status string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.st.orders[id]
	if _, known := statusInfo[status]; o == nil || !known {
		return fmt.Errorf("no order %d or status %q", id, status)
	}
	s.setStatus(o, status, s.clock.Now())
	return nil
}

// CreditLine asks for k units of an order's line i back.
type CreditLine struct {
	Line, Quantity int
	Restock        bool // the units go back to the order's location
}

// CreditNote issues a credit note for units of some lines, what is left of the shipping and
// COD fee, or an amount alone (VAT included); see creditNote.
func (s *Server) CreditNote(id int64, lines []CreditLine, shipping bool, amount decimal.Decimal) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.st.orders[id]
	if o == nil {
		return fmt.Errorf("no order %d", id)
	}
	_, err := s.creditNote(o, lines, shipping, amount, nil, s.clock.Now())
	return err
}

// Reverse reverses what is left of an order with a credit note for it (the units back in
// stock): the order is reversed.
func (s *Server) Reverse(id int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.st.orders[id]
	if o == nil {
		return fmt.Errorf("no order %d", id)
	}
	var lines []CreditLine
	for i, it := range o.items {
		if left := it.quantity - it.returned; left > 0 {
			lines = append(lines, CreditLine{Line: i, Quantity: left, Restock: true})
		}
	}
	_, err := s.creditNote(o, lines, true, decimal.Zero, nil, s.clock.Now())
	return err
}

// creditNote issues a credit note. Money: k of a line's q units give back k × its unit price
// without VAT less round(share × k / q) of its coupon share (the units that empty a line take
// the exact rest), the shipping and COD fee what is left of them; VAT is 15% of what is given
// back, exactly, so the credit notes of a whole order add up to its total. An amount alone is
// given back as amount ÷ 1.15 plus its VAT. The order becomes partially_reversed, or reversed
// when nothing is left in it. Restocked units go to restockAt (nil: the order's location).
func (s *Server) creditNote(o *order, lines []CreditLine, shipping bool, amount decimal.Decimal, restockAt *location,
	at time.Time) (*creditNote, error) {
	if restockAt == nil {
		restockAt = o.location
	}
	cl, money, err := credit(o, lines, shipping, amount)
	if err != nil {
		return nil, err
	}
	s.st.nextNote++
	cn := &creditNote{id: uuid("credit-note", int(s.st.nextNote)), number: s.st.nextNote, at: at, lines: cl, money: money,
		reason: "order_partially_reversed"}
	if len(lines) == 0 && !shipping {
		cn.reason = "order_refund"
	}
	for i, l := range lines {
		cl[i].it.returned += l.Quantity
		if l.Restock {
			s.moveAt(restockAt, cl[i].it.of, l.Quantity, at)
		}
	}
	o.notes = append(o.notes, cn)
	left := false
	for _, it := range o.items {
		left = left || it.returned < it.quantity
	}
	status := StatusPartiallyReversed
	if !left {
		status, cn.reason = StatusReversed, "order_reversed"
		o.restocked = true // what was not restocked was kept back by the merchant
	}
	s.setStatus(o, status, at)
	return cn, nil
}

// credit works out a credit note's lines and money (see creditNote) without issuing it.
func credit(o *order, lines []CreditLine, shipping bool, amount decimal.Decimal) ([]cnLine, amounts, error) {
	var money amounts
	for _, l := range lines { // every line is checked before any is credited
		if l.Line < 0 || l.Line >= len(o.items) {
			return nil, money, fmt.Errorf("no line %d", l.Line)
		}
		if it := o.items[l.Line]; l.Quantity <= 0 || l.Quantity > it.quantity-it.returned {
			return nil, money, fmt.Errorf("line %d has %d units left", l.Line, it.quantity-it.returned)
		}
	}
	done := o.credited()
	if len(lines) == 0 && !amount.IsPositive() && (!shipping || (done.shipping.Equal(o.money.shipping) && done.cod.Equal(o.money.cod))) {
		return nil, money, fmt.Errorf("nothing to credit")
	}
	if amount.IsPositive() && len(lines) == 0 && !shipping {
		money.subTotal = round11(amount.Div(withVAT))
		return nil, money, nil
	}
	var out []cnLine
	for _, l := range lines {
		it := o.items[l.Line]
		var given decimal.Decimal
		for _, prev := range o.notes {
			for _, pl := range prev.lines {
				if pl.it == it {
					given = given.Add(pl.share)
				}
			}
		}
		share := it.share.Sub(given)
		if it.returned+l.Quantity < it.quantity {
			share = round11(it.share.Mul(decimal.NewFromInt(int64(l.Quantity))).Div(decimal.NewFromInt(int64(it.quantity))))
		}
		out = append(out, cnLine{it: it, quantity: l.Quantity, share: share})
		money.subTotal = money.subTotal.Add(it.net.Mul(decimal.NewFromInt(int64(l.Quantity))))
		money.coupon = money.coupon.Add(share)
	}
	if shipping {
		money.shipping, money.cod = o.money.shipping.Sub(done.shipping), o.money.cod.Sub(done.cod)
	}
	return out, money, nil
}

// EditOrder changes the quantity of one of an order's lines, as a merchant editing an order
// does: the money is computed again, the stock moves by the difference, edits_count goes up.
func (s *Server) EditOrder(id int64, line, quantity int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.st.orders[id]
	if o == nil || line < 0 || line >= len(o.items) || quantity <= 0 {
		return fmt.Errorf("no order %d or line %d", id, line)
	}
	s.editOrder(o, line, quantity, s.clock.Now())
	return nil
}

func (s *Server) editOrder(o *order, line, quantity int, at time.Time) {
	it := o.items[line]
	s.move(o, it.of, it.quantity-quantity, at)
	it.quantity = quantity
	s.compute(o)
	o.edits++
	o.updatedAt = at
	s.history(o, o.status, "تم تعديل الطلب .", at)
}

// OrderInfo is a read-only view of an order's money and state.
type OrderInfo struct {
	ID         int64
	Code       string
	Status     string
	Guest      bool
	Coupon     string
	Payment    string
	CustomerID int64
	// The money as the order's invoice lines show it (unrounded), and Total the shopper paid
	// (rounded to the halala). ShippingPaid is what the shopper paid for shipping, VAT in.
	SubTotal, Discount, Shipping, COD, VAT, Exact decimal.Decimal
	Total, ShippingPaid                           decimal.Decimal
	Credits                                       []decimal.Decimal // each credit note's total, to the halala
	Lines                                         map[string]int    // units kept, by SKU (none once cancelled)
	Reached                                       []string          // every status the order was in
	Edits                                         int
	CreatedAt, UpdatedAt                          time.Time
}

// Orders lists the orders, oldest first.
func (s *Server) Orders() []OrderInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []OrderInfo
	for _, id := range sortedIDs(s.st.orders) {
		o := s.st.orders[id]
		a := o.money
		info := OrderInfo{ID: o.id, Code: o.code, Status: o.status, Guest: o.guest, Payment: o.payment, CustomerID: o.buyer.id,
			SubTotal: a.subTotal, Discount: a.coupon, Shipping: a.shipping, COD: a.cod, VAT: a.vat(), Exact: a.total(),
			Total: a.total().Round(2), ShippingPaid: a.shipping.Mul(withVAT).Round(2), Lines: map[string]int{}, Edits: o.edits,
			CreatedAt: o.createdAt, UpdatedAt: o.updatedAt}
		if o.coupon != nil {
			info.Coupon = o.coupon.code
		}
		for _, cn := range o.notes {
			info.Credits = append(info.Credits, cn.money.total().Round(2))
		}
		cancelled := o.status == StatusCanceled || o.status == StatusCancelled
		for _, it := range o.items {
			if left := it.quantity - it.returned; left > 0 && !cancelled {
				info.Lines[it.sku] += left
			}
		}
		seen := map[string]bool{}
		for _, h := range o.histories {
			if !seen[h.status] {
				seen[h.status] = true
				info.Reached = append(info.Reached, h.status)
			}
		}
		out = append(out, info)
	}
	return out
}
