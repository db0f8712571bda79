package zid

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/jsonnum"
	"mizan/platforms/jsontime"
	"mizan/platforms/returns"
)

// perPage is the largest order page Zid serves.
const perPage = 100

// Order times are written without a zone, in UTC (a real answer's issue_date, the local display
// text, is three hours later).
var orderZone = time.UTC

// Orders pages through the orders changed at or after since (all when zero), by Zid's own
// "updated since" filter, oldest first. The list has no next link: its pages come from
// total_order_count. Each order is read from its list entry (which carries its products and
// invoice figures); one that lacks them is read from its detail, and a reversed one's credit
// notes are read too.
func (s *Store) Orders(ctx context.Context, since time.Time, fn func([]core.StoreOrder) error) error {
	// Oldest created first: an order changed while the pages are read keeps its place, and one
	// placed meanwhile comes after the others.
	q := url.Values{"payload_type": {"default"}, "per_page": {strconv.Itoa(perPage)}, "date_attribute": {"updated_at"},
		"order_by": {"created_at"}, "sort_by": {"asc"}}
	if !since.IsZero() {
		q.Set("date_from", since.UTC().Format("2006-01-02T15:04:05.000-0700"))
	}
	for page, pages := 1, 1; page <= pages; page++ {
		q.Set("page", strconv.Itoa(page))
		var l orderList
		if _, err := s.do(ctx, request{op: fmt.Sprintf("list orders (page %d)", page), scheme: manager, method: http.MethodGet,
			path: "/managers/store/orders", query: q}, &l); err != nil {
			return err
		}
		if n := int(l.TotalOrderCount.IntPart()); l.TotalOrderCount.Valid && n > 0 {
			pages = (n + perPage - 1) / perPage
		}
		var out []core.StoreOrder
		for _, raw := range l.Orders {
			o, err := s.order(ctx, raw, true)
			if errors.Is(err, core.ErrNotFound) {
				continue // deleted since the list was read
			}
			if err != nil {
				return err
			}
			out = append(out, o)
		}
		if err := s.storeQRs(ctx, out); err != nil {
			return err
		}
		if len(out) > 0 {
			if err := fn(out); err != nil {
				return err
			}
		}
		if len(l.Orders) == 0 {
			break
		}
	}
	return nil
}

// OrdersByNumber fetches orders by the numbers the merchant sees (Zid's order ids).
func (s *Store) OrdersByNumber(ctx context.Context, numbers []string) ([]core.StoreOrder, error) {
	var out []core.StoreOrder
	seen := map[string]bool{}
	for _, n := range numbers {
		n = jsontime.OrderNumber(n)
		if _, err := strconv.ParseInt(n, 10, 64); err != nil || seen[n] {
			continue
		}
		seen[n] = true
		raw, err := s.view(ctx, n)
		var o core.StoreOrder
		if err == nil {
			o, err = s.order(ctx, raw, false)
		}
		switch {
		case errors.Is(err, core.ErrNotFound): // no such order: left out
		case err != nil:
			return nil, err
		default:
			out = append(out, o)
		}
	}
	if err := s.storeQRs(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// view reads an order's detail.
func (s *Store) view(ctx context.Context, id string) (json.RawMessage, error) {
	var v orderView
	if _, err := s.do(ctx, request{op: "read order " + id, scheme: manager, method: http.MethodGet,
		path: "/managers/store/orders/" + url.PathEscape(id) + "/view"}, &v); err != nil {
		return nil, err
	}
	if len(v.Order) == 0 || string(v.Order) == "null" {
		return nil, &core.StoreError{Op: "read order " + id, Message: "Zid's answer has no order", Err: core.ErrNotFound}
	}
	return v.Order, nil
}

// complete says whether an order read from the list has what its invoice needs.
func complete(raw json.RawMessage) bool {
	var parts map[string]json.RawMessage
	if json.Unmarshal(raw, &parts) != nil {
		return false
	}
	var pay struct {
		Invoice []json.RawMessage `json:"invoice"`
	}
	var products []json.RawMessage
	return json.Unmarshal(parts["products"], &products) == nil && len(products) > 0 &&
		json.Unmarshal(parts["payment"], &pay) == nil && len(pay.Invoice) > 0
}

// reversedStates are the statuses of an order some of which came back.
var reversedStates = map[string]bool{"reverse_in_progress": true, "partially_reversed": true, "reversed": true}

// order reads one order in full. What cannot be read makes the order unreadable; a failed
// request is an error. listed: raw is a list entry, read again from its detail when it lacks
// what an invoice needs.
func (s *Store) order(ctx context.Context, raw json.RawMessage, listed bool) (core.StoreOrder, error) {
	if listed && !complete(raw) {
		var id struct {
			ID jsonnum.ID `json:"id"`
		}
		if json.Unmarshal(raw, &id) == nil && id.ID != "" {
			detail, err := s.view(ctx, id.ID.String())
			if err != nil {
				return core.StoreOrder{}, err
			}
			raw = detail
		}
	}
	var d order
	if err := json.Unmarshal(raw, &d); err != nil {
		return unreadableOrder(raw, err), nil
	}
	code := statusOf(d.OrderStatus.Code)
	o := core.StoreOrder{ExternalID: d.ID.String(), Name: "#" + d.ID.String(), CreatedAt: d.CreatedAt.In(orderZone),
		UpdatedAt: d.UpdatedAt.In(orderZone), Currency: strings.ToUpper(strings.TrimSpace(d.CurrencyCode)),
		Status: code, StockReduced: true}
	if reversedStates[code] {
		// Only a delivered order is returned: it is invoiced as delivered, and its returns follow.
		o.Status = "delivered"
	}
	if o.ExternalID == "" {
		return core.StoreOrder{Unreadable: "the order has no id"}, nil
	}
	customer(&o, &d)
	if err := fillMoney(&o, &d); err != nil {
		o.Unreadable = err.Error()
		return o, nil
	}
	var notes []creditNote
	if reversedStates[code] {
		var bad error
		var err error
		if notes, bad, err = s.creditNotes(ctx, o.ExternalID); err != nil {
			return core.StoreOrder{}, err
		}
		if bad != nil {
			o.Unreadable = "its credit notes could not be read: " + unreadableReason(bad)
			return o, nil
		}
	}
	s.mu.Lock()
	restock := code == "reversed" || (code == "canceled" && !s.keepsCancelled)
	s.mu.Unlock()
	o.Refunds = refunds(&o, code, notes, vatRate(&d, readFigures(d.Payment.Invoice)), restock)
	orderPayments(&o, &d, notes)
	if o.Status == "canceled" {
		o.Cancelled, o.CancelledAt = true, o.UpdatedAt
	}
	return o, nil
}

// statusOf is the status code as the books keep it: lower case, and "cancelled", as Zid's
// answers also spell it, read as the documented "canceled".
func statusOf(code string) string {
	c := strings.ToLower(strings.TrimSpace(code))
	if c == "cancelled" {
		return "canceled"
	}
	return c
}

// unreadableOrder is an order that could not be read, with what could be: its id and change time.
func unreadableOrder(raw json.RawMessage, err error) core.StoreOrder {
	o := core.StoreOrder{Unreadable: unreadableReason(err)}
	var parts map[string]json.RawMessage
	if json.Unmarshal(raw, &parts) == nil {
		var id jsonnum.ID
		var upd jsontime.Time
		if json.Unmarshal(parts["id"], &id) == nil && id != "" {
			o.ExternalID, o.Name = id.String(), "#"+id.String()
		}
		if json.Unmarshal(parts["updated_at"], &upd) == nil {
			o.UpdatedAt = upd.In(orderZone)
		}
	}
	return o
}

// customer fills the order's customer, or its guest details for a guest checkout
// (is_guest_customer 1), which goes to the connection's default client.
func customer(o *core.StoreOrder, d *order) {
	c := d.Customer
	guest := d.IsGuestCustomer.Valid && !d.IsGuestCustomer.IsZero()
	if c != nil && !guest && c.ID != "" && c.ID != "0" {
		o.Customer = &core.StoreCustomer{ExternalID: c.ID.String(), Name: strings.TrimSpace(c.Name),
			Email: strings.TrimSpace(c.Email), Phone: phone(c.Mobile)}
		return
	}
	if c != nil {
		o.GuestName, o.GuestEmail, o.GuestPhone = strings.TrimSpace(c.Name), strings.TrimSpace(c.Email), phone(c.Mobile)
	}
	if k := d.Consignee; k != nil {
		if o.GuestName == "" {
			o.GuestName = strings.TrimSpace(k.Name)
		}
		if o.GuestEmail == "" {
			o.GuestEmail = strings.TrimSpace(k.Email)
		}
		if o.GuestPhone == "" {
			o.GuestPhone = phone(k.Mobile)
		}
	}
}

// phone writes a Zid mobile (966500000005) in international form.
func phone(m string) string {
	m = strings.TrimSpace(m)
	if m == "" || strings.HasPrefix(m, "+") || strings.HasPrefix(m, "0") {
		return m
	}
	return "+" + m
}

// creditNotes reads an order's credit notes. bad is set when a note could not be read.
func (s *Store) creditNotes(ctx context.Context, id string) (out []creditNote, bad error, err error) {
	var raw struct {
		Payload struct {
			CreditNotes []json.RawMessage `json:"credit_notes"`
		} `json:"payload"`
	}
	if _, err := s.do(ctx, request{op: "read the credit notes of order " + id, scheme: manager, method: http.MethodGet,
		path: "/managers/store/orders/" + url.PathEscape(id) + "/credit-notes"}, &raw); err != nil {
		if errors.Is(err, core.ErrNotFound) {
			return nil, nil, nil
		}
		return nil, nil, err
	}
	for _, r := range raw.Payload.CreditNotes {
		var n creditNote
		if e := json.Unmarshal(r, &n); e != nil {
			return nil, e, nil
		}
		if n.OrderID == "" || n.OrderID.String() == id {
			out = append(out, n)
		}
	}
	return out, nil, nil
}

// rateOf reads a product's tax_percentage: 15 in the docs' examples, 0.15 in some answers.
func rateOf(p orderProduct) decimal.Decimal {
	r := p.TaxPercentage.Decimal
	if r.GreaterThan(decimal.NewFromInt(1)) {
		r = r.Div(decimal.NewFromInt(100))
	}
	return r
}

// vatRate is the order's VAT rate, for its charges: its products' when they share one, else its
// VAT over what it was charged on.
func vatRate(d *order, f figures) decimal.Decimal {
	var r decimal.Decimal
	for i, p := range d.Products {
		if i > 0 && !rateOf(p).Equal(r) {
			taxable := f.subtotal.Sub(f.discount).Add(f.shipping).Add(f.cod)
			if !taxable.IsPositive() {
				return decimal.Zero
			}
			return f.vat.DivRound(taxable, 6)
		}
		r = rateOf(p)
	}
	return r
}

// cents rounds an amount to the halala, as Zid's own *_string figures show it.
func cents(d decimal.Decimal) decimal.Decimal { return d.Round(2) }

// figures are an order's payment.invoice[] figures, as Zid sends them (unrounded).
type figures struct {
	subtotal, vat, total  decimal.Decimal
	hasSubtotal, hasTotal bool
	shipping, cod         decimal.Decimal
	discount              decimal.Decimal // every figure that takes money off, as a positive amount
	fees                  []core.StoreCharge
}

// summary are the invoice figures that sum others up rather than add to the order.
func summary(code string) bool {
	switch code {
	case "taxable_amount", "total", "vat", "tax", "grand_total":
		return true
	}
	return strings.HasPrefix(code, "sub_total") || strings.HasPrefix(code, "subtotal") || strings.HasPrefix(code, "total_")
}

func readFigures(lines []invoiceLine) figures {
	var f figures
	for _, l := range lines {
		code := strings.ToLower(strings.TrimSpace(l.Code))
		if !l.Value.Valid {
			continue
		}
		v := l.Value.Decimal
		switch {
		case code == "sub_totals_before_vat":
			f.subtotal, f.hasSubtotal = v, true
		case code == "vat" || code == "tax":
			f.vat = f.vat.Add(v)
		case code == "total":
			f.total, f.hasTotal = v, true
		case summary(code):
		case code == "shipping":
			f.shipping = f.shipping.Add(v)
		case code == "cod" || code == "cash_on_delivery" || strings.HasPrefix(code, "cod_") || strings.HasPrefix(code, "cash_on_delivery"):
			f.cod = f.cod.Add(v)
		case v.IsNegative() || strings.Contains(code, "discount") || strings.Contains(code, "coupon"):
			f.discount = f.discount.Add(v.Abs())
		case v.IsPositive():
			title := strings.TrimSpace(l.Title)
			if title == "" {
				title = code
			}
			f.fees = append(f.fees, core.StoreCharge{Kind: "fee", Title: title, Amount: v})
		}
	}
	return f
}

// part is one figure an order's total is made of: Zid's amount, and the halalas it is booked at.
type part struct {
	exact, booked decimal.Decimal
	sign          int64 // +1 adds to the total, -1 takes off it
}

var halala = decimal.New(1, -2)

// reconcile books the parts at the halala so that they add up to total exactly. Each part is
// booked at its amount rounded down or up to the halala: rounded to the nearest, and where the
// rounded parts miss the total, the halalas missing go to the parts the rounding moved furthest
// from their amounts (the largest remainders), one each. It reports false, with every part
// rounded to the nearest, when no such booking makes the total: the figures do not add up.
func reconcile(parts []*part, total decimal.Decimal) bool {
	sum := decimal.Zero
	for _, p := range parts {
		p.booked = cents(p.exact)
		sum = sum.Add(p.booked.Mul(decimal.NewFromInt(p.sign)))
	}
	off := total.Sub(sum)
	dir := int64(off.Sign())
	moved := map[int]bool{}
	for steps := off.Abs().Div(halala).IntPart(); steps > 0; steps-- {
		best := -1
		var gain decimal.Decimal
		for i, p := range parts {
			// A part moves one halala at most, and only towards its amount's other rounding.
			step := halala.Mul(decimal.NewFromInt(dir * p.sign))
			if moved[i] || p.exact.Sub(p.booked.Add(step)).Abs().GreaterThanOrEqual(halala) {
				continue
			}
			if g := p.exact.Sub(p.booked).Mul(decimal.NewFromInt(dir * p.sign)); best < 0 || g.GreaterThan(gain) {
				best, gain = i, g
			}
		}
		if best < 0 {
			for _, p := range parts {
				p.booked = cents(p.exact)
			}
			return false
		}
		moved[best] = true
		parts[best].booked = parts[best].booked.Add(halala.Mul(decimal.NewFromInt(dir * parts[best].sign)))
	}
	return true
}

// fillMoney fills the order's lines, charges, discount and total from its products and its
// payment.invoice[] figures, to the halala.
//
// Zid's figures are before VAT: the products' sub-total, the discounts (coupons, loyalty points),
// shipping and the cash-on-delivery fee, then the VAT on all of them and the total, each with
// more decimals than a halala. The order is booked with prices before tax: each line at its net
// price with its own VAT, the discounts as the order's discount, shipping and COD as charges
// carrying the VAT the lines do not. The figures are booked at the halala so that they add up to
// the total exactly (see reconcile), and the lines' net amounts to the sub-total (the rounding's
// difference on the largest); a line whose amount is not its quantity times a price in halalas
// keeps the difference as its discount. Zid does not say whether its charges include VAT: the
// reading whose figures make the total (charges before VAT, or charges with their VAT inside) is
// kept, and when neither does, the first is handed over and the engine refuses it, saying by how
// much it is off: nothing is posted that does not reconcile to the halala.
func fillMoney(o *core.StoreOrder, d *order) error {
	if d.Payment == nil || len(d.Payment.Invoice) == 0 {
		return errors.New("the order has no invoice figures (payment.invoice)")
	}
	f := readFigures(d.Payment.Invoice)
	switch {
	case f.hasTotal:
		o.Total = cents(f.total)
	case d.OrderTotal.Valid:
		o.Total = cents(d.OrderTotal.Decimal)
	default:
		return errors.New("the order has no total")
	}
	if len(d.Products) == 0 {
		return errors.New("the order has no products")
	}
	o.TaxesIncluded = false
	nets := make([]decimal.Decimal, len(d.Products))
	taxes := make([]decimal.Decimal, len(d.Products))
	exactNets, exactTaxes := decimal.Zero, decimal.Zero
	big := 0
	for i, p := range d.Products {
		q := p.Quantity.Decimal
		if !q.IsPositive() {
			return fmt.Errorf("product %q has quantity %s", p.Name, q)
		}
		net := p.NetPrice
		if !net.Valid {
			net = p.Price
		}
		exact := q.Mul(net.Decimal)
		rate := rateOf(p)
		tax := p.TaxAmount.Decimal
		// tax_amount is the line's; an answer whose tax only matches the rate per unit has it per unit.
		if q.GreaterThan(decimal.NewFromInt(1)) && tax.Sub(net.Decimal.Mul(rate)).Abs().LessThan(tax.Sub(exact.Mul(rate)).Abs()) {
			tax = tax.Mul(q)
		}
		nets[i], taxes[i] = cents(exact), cents(tax)
		exactNets, exactTaxes = exactNets.Add(exact), exactTaxes.Add(tax)
		if nets[i].GreaterThan(nets[big]) {
			big = i
		}
	}
	if !f.hasSubtotal {
		f.subtotal = exactNets
	}

	// The two readings of the charges, each as the parts of the total.
	sub, disc, ship, cod := &part{exact: f.subtotal, sign: 1}, &part{exact: f.discount, sign: -1}, &part{exact: f.shipping, sign: 1}, &part{exact: f.cod, sign: 1}
	fees := make([]*part, len(f.fees))
	for i, c := range f.fees {
		fees[i] = &part{exact: c.Amount, sign: 1}
	}
	vat := &part{exact: f.vat, sign: 1}
	lineVAT := &part{exact: exactTaxes, sign: 1}
	parts := func(last *part) []*part { return append(append([]*part{sub, disc, ship, cod}, fees...), last) }
	inside := false
	if !reconcile(parts(vat), o.Total) {
		if reconcile(parts(lineVAT), o.Total) {
			inside = true // the charges hold their own VAT: Zid's VAT beyond the lines' is inside them
		} else {
			reconcile(parts(vat), o.Total) // handed over as it is: the engine says by how much it is off
		}
	}

	// The lines, to the booked sub-total.
	sum := decimal.Zero
	for _, n := range nets {
		sum = sum.Add(n)
	}
	if diff := sub.booked.Sub(sum); !diff.IsZero() && diff.Abs().LessThanOrEqual(halala.Mul(decimal.NewFromInt(int64(len(nets)+2)))) {
		nets[big] = nets[big].Add(diff)
	}
	lineTax := decimal.Zero
	for i, p := range d.Products {
		q := p.Quantity.Decimal
		unit, dsc := unitPrice(nets[i], q)
		l := core.StoreLine{ExternalID: p.OrderProductID.String(), ProductID: p.ID.String(), SKU: strings.TrimSpace(p.SKU),
			Barcode: barcode(p.Barcode), Name: strings.TrimSpace(p.Name), Quantity: q, UnitPrice: unit, Discount: dsc, Tax: taxes[i]}
		if l.ExternalID == "" {
			l.ExternalID = p.ID.String()
		}
		o.Lines = append(o.Lines, l)
		lineTax = lineTax.Add(taxes[i])
	}
	// The charges' VAT at the order's rate (Zid gives one VAT for the whole order); the lines
	// carry the rest, the difference from their own figures (a discount lowers it) on the largest.
	rate := vatRate(d, f)
	shipAmt, codAmt := ship.booked, cod.booked
	var shipTax, codTax decimal.Decimal
	if inside {
		shipTax = shipAmt.Sub(shipAmt.DivRound(decimal.NewFromInt(1).Add(rate), 2))
		codTax = codAmt.Sub(codAmt.DivRound(decimal.NewFromInt(1).Add(rate), 2))
		shipAmt, codAmt = shipAmt.Sub(shipTax), codAmt.Sub(codTax)
		if diff := lineVAT.booked.Sub(lineTax); !diff.IsZero() {
			o.Lines[big].Tax = o.Lines[big].Tax.Add(diff)
		}
	} else {
		shipTax, codTax = cents(shipAmt.Mul(rate)), cents(codAmt.Mul(rate))
		if shipTax.Add(codTax).GreaterThan(vat.booked) {
			shipTax, codTax = decimal.Zero, decimal.Zero
		}
		diff := vat.booked.Sub(shipTax).Sub(codTax).Sub(lineTax)
		if o.Lines[big].Tax.Add(diff).IsNegative() {
			// The lines' own figures do not leave room: the charges carry what the lines do not.
			shipTax, codTax = vat.booked.Sub(lineTax), decimal.Zero
			if !shipAmt.IsPositive() && codAmt.IsPositive() {
				shipTax, codTax = decimal.Zero, shipTax
			}
			if shipTax.Add(codTax).IsNegative() {
				return fmt.Errorf("the order's VAT %s is less than its products' %s", vat.booked, lineTax)
			}
		} else {
			o.Lines[big].Tax = o.Lines[big].Tax.Add(diff)
		}
	}
	o.Discount = disc.booked
	if shipAmt.IsPositive() || shipTax.IsPositive() {
		o.Charges = append(o.Charges, core.StoreCharge{Kind: "shipping", Title: "Shipping", Amount: shipAmt, Tax: shipTax})
	}
	if codAmt.IsPositive() || codTax.IsPositive() {
		o.Charges = append(o.Charges, core.StoreCharge{Kind: "fee", Title: "Cash on delivery", Amount: codAmt, Tax: codTax})
	}
	for i, c := range f.fees {
		o.Charges = append(o.Charges, core.StoreCharge{Kind: "fee", Title: c.Title, Amount: fees[i].booked})
	}
	return nil
}

// unitPrice writes a line's net amount as a unit price and a discount: the amount over the
// quantity when that is exact (to six places), else the price in halalas rounded up, the
// difference being the line's discount.
func unitPrice(net, q decimal.Decimal) (unit, disc decimal.Decimal) {
	if u := net.DivRound(q, 6); u.Mul(q).Equal(net) {
		return u, decimal.Zero
	}
	u := net.Div(q).RoundCeil(2)
	return u, q.Mul(u).Sub(net)
}

func barcode(b *string) string {
	if b == nil {
		return ""
	}
	return strings.TrimSpace(*b)
}

// refunds are the order's credit notes as refunds of exactly their items and amounts, restocked
// into the stock location, and, when the whole order came back (restock: a reversed order, or a
// cancelled one in a store that restocks cancelled orders), a refund of whatever they do not
// cover, restocked: the whole order when Zid issued no credit note. A cancelled order is also
// reported as Cancelled; its refund is what explains its units coming back to the store's stock.
func refunds(o *core.StoreOrder, code string, notes []creditNote, rate decimal.Decimal, restock bool) []core.StoreRefund {
	ret := returns.Of(o)
	for _, n := range notes {
		r := core.StoreRefund{ExternalID: "credit-note-" + n.ID.String(), CreatedAt: n.CreatedAt.In(orderZone),
			Note: strings.TrimSpace("Credit note " + n.InvoiceNumber.String())}
		if r.CreatedAt.IsZero() {
			r.CreatedAt = o.UpdatedAt
		}
		items := decimal.Zero
		for _, it := range n.Items {
			q := it.Quantity.Decimal.Abs()
			if !q.IsPositive() {
				continue
			}
			l, ok := ret.Take(returns.Item{LineIDs: []string{it.OrderProductID.String()}, ProductID: it.ProductID.String(), SKU: it.SKU}, q)
			if !ok {
				continue // an item the order does not have: its money stays in the note's total
			}
			rl := share(l, q)
			r.Lines = append(r.Lines, rl)
			items = items.Add(rl.Subtotal).Add(rl.Tax)
		}
		// A note's own figures say what of the shipping it gives back, with its VAT (what the
		// note's VAT is beyond its items').
		if n.Payment != nil {
			if nf := readFigures(n.Payment.Invoice); nf.shipping.IsPositive() {
				r.Shipping = cents(nf.shipping)
				itemTax := decimal.Zero
				for _, l := range r.Lines {
					itemTax = itemTax.Add(l.Tax)
				}
				r.ShippingTax = cents(nf.vat).Sub(itemTax)
				if r.ShippingTax.IsNegative() || r.ShippingTax.GreaterThan(r.Shipping) {
					r.ShippingTax = cents(r.Shipping.Mul(rate))
				}
				items = items.Add(r.Shipping).Add(r.ShippingTax)
			}
		}
		r.Total = items
		if n.OrderTotal.Valid {
			r.Total = cents(n.OrderTotal.Decimal.Abs())
		}
		ret.Book(r)
	}
	if !restock {
		return ret.Booked()
	}
	r := core.StoreRefund{ExternalID: code + "-" + o.ExternalID, CreatedAt: o.UpdatedAt, Note: "Order reversed"}
	if code == "canceled" {
		r.Note = "Order cancelled"
	}
	if len(notes) == 0 {
		for _, c := range o.Charges {
			if c.Kind == "shipping" {
				r.Shipping, r.ShippingTax = c.Amount, c.Tax
			}
		}
	}
	return ret.Rest(r, share)
}

// share is q units of line l returned: their part of its net amount and of its VAT, restocked.
func share(l core.StoreLine, q decimal.Decimal) core.StoreRefundLine {
	net := l.Quantity.Mul(l.UnitPrice).Sub(l.Discount)
	rl := core.StoreRefundLine{LineID: l.ExternalID, Quantity: q, Subtotal: net, Tax: l.Tax, Restock: true}
	if !q.Equal(l.Quantity) {
		part := q.Div(l.Quantity)
		rl.Subtotal, rl.Tax = cents(net.Mul(part)), cents(l.Tax.Mul(part))
	}
	return rl
}
