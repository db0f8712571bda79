package salla

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/jsontime"
	"mizan/platforms/returns"
)

// originals are Salla's own status slugs.
var originals = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range States {
		m[s] = true
	}
	return m
}()

// Orders pages through the orders from the most recently changed back (Salla has no "changed
// since" filter, and its list carries no change time): each listed order is read in full (its
// light detail, its items and its credit notes, and its history when it was returned or
// cancelled), and paging stops at the first order changed before since. An order that changes
// while the pages are read moves to the front and is seen by the next sync.
//
// A full read (since zero) first lists the store's invoices once, so that each order's credit
// notes need no request of their own; an incremental one asks each changed order for its own.
func (s *Store) Orders(ctx context.Context, since time.Time, fn func([]core.StoreOrder) error) error {
	var all map[string][]invoice
	if since.IsZero() {
		var err error
		if all, err = s.allCreditNotes(ctx); err != nil {
			return err
		}
	}
	q := url.Values{"sort_by": {"updated_at-desc"}}
	return s.pages(ctx, "list orders", "/orders", q, func(_ reply, items []json.RawMessage) (bool, error) {
		var out []core.StoreOrder
		more := true
		for _, raw := range items {
			var li orderListItem
			if err := json.Unmarshal(raw, &li); err != nil || li.ID == "" {
				if err == nil {
					err = errors.New("the order has no id")
				}
				out = append(out, core.StoreOrder{ExternalID: li.ID.String(), Name: string(li.ReferenceID), Unreadable: unreadableReason(err)})
				continue
			}
			o, err := s.order(ctx, li.ID.String(), since, all)
			if errors.Is(err, core.ErrNotFound) {
				continue // deleted since the list was read
			}
			if err != nil {
				return false, err
			}
			if !since.IsZero() && o.Unreadable == "" && !o.UpdatedAt.IsZero() && o.UpdatedAt.Before(since) {
				more = false
				break
			}
			if o.Name == "" {
				o.Name = "#" + string(li.ReferenceID)
			}
			out = append(out, o)
		}
		if len(out) > 0 {
			if err := fn(out); err != nil {
				return false, err
			}
		}
		return more, nil
	})
}

// OrdersByNumber fetches orders by the numbers the merchant sees (Salla's reference_id).
func (s *Store) OrdersByNumber(ctx context.Context, numbers []string) ([]core.StoreOrder, error) {
	var out []core.StoreOrder
	seen := map[string]bool{}
	for _, n := range numbers {
		n = jsontime.OrderNumber(n)
		if n == "" {
			continue
		}
		var list []orderListItem
		if _, err := s.call(ctx, "find order "+n, http.MethodGet, "/orders", url.Values{"reference_id": {n}}, nil, &list); err != nil {
			return nil, err
		}
		for _, li := range list {
			if string(li.ReferenceID) != n || seen[li.ID.String()] {
				continue
			}
			seen[li.ID.String()] = true
			o, err := s.order(ctx, li.ID.String(), time.Time{}, nil)
			if errors.Is(err, core.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			out = append(out, o)
		}
	}
	return out, nil
}

// order reads one order in full. What cannot be read makes the order unreadable; a failed
// request is an error. With since set, an order changed before it is returned after its detail
// alone (the caller stops there).
func (s *Store) order(ctx context.Context, id string, since time.Time, all map[string][]invoice) (core.StoreOrder, error) {
	var raw json.RawMessage
	if _, err := s.call(ctx, "read order "+id, http.MethodGet, "/orders/"+url.PathEscape(id), url.Values{"format": {"light"}}, nil, &raw); err != nil {
		return core.StoreOrder{}, err
	}
	var d orderDetail
	if err := json.Unmarshal(raw, &d); err != nil {
		return unreadableOrder(id, raw, err), nil
	}
	o := core.StoreOrder{ExternalID: d.ID.String(), Name: "#" + string(d.ReferenceID), CreatedAt: d.Date.In(riyadh),
		UpdatedAt: d.UpdatedAt.In(riyadh), Currency: string(d.Currency), StockReduced: true}
	if o.ExternalID == "" {
		o.ExternalID = id
	}
	if d.ReferenceID == "" {
		o.Name = ""
	}
	if o.Currency == "" {
		o.Currency = d.Amounts.Total.Currency
	}
	if !since.IsZero() && !o.UpdatedAt.IsZero() && o.UpdatedAt.Before(since) {
		return o, nil
	}
	status, err := s.statusSlug(ctx, d.Status)
	if err != nil {
		return core.StoreOrder{}, err
	}
	o.Status = status
	s.customer(&o, &d)

	items, bad, err := s.items(ctx, o.ExternalID)
	if err != nil {
		return core.StoreOrder{}, err
	}
	if bad != nil {
		o.Unreadable = "its items could not be read: " + unreadableReason(bad)
		return o, nil
	}
	if err := fillMoney(&o, &d, items); err != nil {
		o.Unreadable = err.Error()
		return o, nil
	}
	s.linkProducts(o.Lines, items)

	var notes []invoice
	if all != nil {
		notes = all[o.ExternalID]
	} else if notes, bad, err = s.creditNotes(ctx, o.ExternalID); err != nil {
		return core.StoreOrder{}, err
	}
	if bad != nil {
		o.Unreadable = "its credit notes could not be read: " + unreadableReason(bad)
		return o, nil
	}
	notes = taxInvoice(&o, notes)
	var when map[string]time.Time
	if status == "restored" || status == "canceled" {
		if when, err = s.histories(ctx, o.ExternalID); err != nil {
			return core.StoreOrder{}, err
		}
	}
	back := ""
	if status == "restored" || status == "canceled" {
		back = status
	}
	o.Refunds = refunds(&o, notes, back, s.restockNotes, when)
	if status == "canceled" {
		o.Cancelled, o.CancelledAt = true, at(when, "canceled", o.UpdatedAt)
	}
	creditNoteDocuments(&o, notes)
	orderPayments(&o, string(d.PaymentMethod))
	return o, nil
}

// unreadableOrder is an order that could not be read, with what could be: id, number, change time.
func unreadableOrder(id string, raw json.RawMessage, err error) core.StoreOrder {
	o := core.StoreOrder{ExternalID: id, Unreadable: unreadableReason(err)}
	var parts map[string]json.RawMessage
	if json.Unmarshal(raw, &parts) == nil {
		var ref text
		var upd jsontime.Time
		if json.Unmarshal(parts["reference_id"], &ref) == nil && ref != "" {
			o.Name = "#" + string(ref)
		}
		if json.Unmarshal(parts["updated_at"], &upd) == nil {
			o.UpdatedAt = upd.In(riyadh)
		}
	}
	return o
}

// customer fills the order's customer, or its guest details when the order has no customer
// account (no customer, a customer without an id, or one marked as a guest).
func (s *Store) customer(o *core.StoreOrder, d *orderDetail) {
	c := d.Customer
	if c != nil && c.ID != "" && c.ID != "0" && !c.IsGuest {
		name := strings.TrimSpace(strings.TrimSpace(string(c.FirstName)) + " " + strings.TrimSpace(string(c.LastName)))
		if name == "" {
			name = firstText(c.FullName, c.Name)
		}
		o.Customer = &core.StoreCustomer{ExternalID: c.ID.String(), Name: name, Email: strings.TrimSpace(string(c.Email)), Phone: phone(c.MobileCode, c.Mobile)}
		return
	}
	if c != nil {
		o.GuestName = strings.TrimSpace(strings.TrimSpace(string(c.FirstName)) + " " + strings.TrimSpace(string(c.LastName)))
		if o.GuestName == "" {
			o.GuestName = firstText(c.FullName, c.Name)
		}
		o.GuestEmail, o.GuestPhone = strings.TrimSpace(string(c.Email)), phone(c.MobileCode, c.Mobile)
	}
	if r := d.Receiver; r != nil {
		if o.GuestName == "" {
			o.GuestName = strings.TrimSpace(string(r.Name))
		}
		if o.GuestEmail == "" {
			o.GuestEmail = strings.TrimSpace(string(r.Email))
		}
		if o.GuestPhone == "" {
			o.GuestPhone = strings.TrimSpace(string(r.Phone))
		}
	}
}

// phone joins a mobile number and its country code ("+966", "966") as +966…
func phone(code, mobile text) string {
	m := strings.TrimSpace(string(mobile))
	if m == "" {
		return ""
	}
	c := strings.TrimPrefix(strings.TrimSpace(string(code)), "+")
	if c == "" || strings.HasPrefix(m, "+") {
		return m
	}
	if strings.HasPrefix(m, c) && len(m) > 9 {
		return "+" + m
	}
	return "+" + c + strings.TrimPrefix(m, "0")
}

// statusSlug is the Salla status an order is in, as the slug of Salla's own status: a
// merchant's custom status counts as the status it was made from. Display names are never used.
func (s *Store) statusSlug(ctx context.Context, st orderStatus) (string, error) {
	for _, v := range []text{st.Slug, slugOf(st.Original), slugOf(st.Parent)} {
		if originals[strings.ToLower(string(v))] {
			return strings.ToLower(string(v)), nil
		}
	}
	var ids []string
	if st.Customized != nil {
		if sl := strings.ToLower(string(st.Customized.Slug)); originals[sl] {
			return sl, nil
		}
		ids = append(ids, st.Customized.ID.String())
	}
	if st.Original != nil {
		ids = append(ids, st.Original.ID.String())
	}
	if st.Parent != nil {
		ids = append(ids, st.Parent.ID.String())
	}
	ids = append(ids, st.ID.String())
	table, err := s.statusTable(ctx)
	if err != nil {
		return "", err
	}
	for _, id := range ids {
		if sl := table[id]; id != "" && sl != "" {
			return sl, nil
		}
	}
	return strings.ToLower(strings.TrimSpace(string(st.Slug))), nil
}

func slugOf(r *statusRef) text {
	if r == nil {
		return ""
	}
	return r.Slug
}

// statusTable maps the store's status ids, custom ones included, to Salla's own slugs. It is
// read once per connection.
func (s *Store) statusTable(ctx context.Context) (map[string]string, error) {
	s.mu.Lock()
	t := s.statuses
	s.mu.Unlock()
	if t != nil {
		return t, nil
	}
	var list []statusEntry
	if _, err := s.call(ctx, "list the store's order statuses", http.MethodGet, "/orders/statuses", nil, nil, &list); err != nil {
		return nil, err
	}
	t = map[string]string{}
	byID := map[string]statusEntry{}
	for _, e := range list {
		byID[e.ID.String()] = e
		if sl := strings.ToLower(string(e.Slug)); originals[sl] {
			t[e.ID.String()] = sl
		}
	}
	// A custom status follows its original (or parent), which may itself be custom.
	for _, e := range list {
		cur, hops := e, 0
		for t[e.ID.String()] == "" && hops < 8 {
			var next *statusRef
			switch {
			case cur.Original != nil && cur.Original.ID != "":
				next = cur.Original
			case cur.Parent != nil && cur.Parent.ID != "":
				next = cur.Parent
			}
			if next == nil {
				break
			}
			if sl := strings.ToLower(string(next.Slug)); originals[sl] {
				t[e.ID.String()] = sl
				break
			}
			if sl := t[next.ID.String()]; sl != "" {
				t[e.ID.String()] = sl
				break
			}
			n, ok := byID[next.ID.String()]
			if !ok {
				break
			}
			cur, hops = n, hops+1
		}
	}
	s.mu.Lock()
	s.statuses = t
	s.mu.Unlock()
	return t, nil
}

// items reads an order's items. bad is set when an item could not be read.
func (s *Store) items(ctx context.Context, orderID string) (out []orderItem, bad error, err error) {
	err = s.pages(ctx, "list the items of order "+orderID, "/orders/items", url.Values{"order_id": {orderID}}, func(_ reply, raws []json.RawMessage) (bool, error) {
		for _, raw := range raws {
			var it orderItem
			if e := json.Unmarshal(raw, &it); e != nil {
				bad = e
				return false, nil
			}
			out = append(out, it)
		}
		return true, nil
	})
	return out, bad, err
}

// creditNotes reads an order's credit notes, and its tax invoice when Salla issued one.
func (s *Store) creditNotes(ctx context.Context, orderID string) (out []invoice, bad error, err error) {
	err = s.pages(ctx, "list the invoices of order "+orderID, "/orders/invoices", url.Values{"order_id": {orderID}}, func(_ reply, raws []json.RawMessage) (bool, error) {
		for _, raw := range raws {
			var inv invoice
			if e := json.Unmarshal(raw, &inv); e != nil {
				bad = e
				return false, nil
			}
			if inv.OrderID == "" || inv.OrderID.String() == orderID {
				out = append(out, inv)
			}
		}
		return true, nil
	})
	return out, bad, err
}

// allCreditNotes lists the store's invoices once and keeps them by order (an order without any
// has none): its credit notes, and its tax invoice when Salla issued one. When one cannot be read
// it gives nil: each order then asks for its own,
// so that only the order concerned is held back.
func (s *Store) allCreditNotes(ctx context.Context) (map[string][]invoice, error) {
	out := map[string][]invoice{}
	readable := true
	err := s.pages(ctx, "list the store's invoices", "/orders/invoices", url.Values{}, func(_ reply, raws []json.RawMessage) (bool, error) {
		for _, raw := range raws {
			var inv invoice
			if json.Unmarshal(raw, &inv) != nil || inv.OrderID == "" {
				readable = false
				return false, nil
			}
			out[inv.OrderID.String()] = append(out[inv.OrderID.String()], inv)
		}
		return true, nil
	})
	if err != nil || !readable {
		return nil, err
	}
	return out, nil
}

// histories reads when the order last entered each status (by Salla's own slug).
func (s *Store) histories(ctx context.Context, orderID string) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	table, err := s.statusTable(ctx)
	if err != nil {
		return nil, err
	}
	err = s.pages(ctx, "read the history of order "+orderID, "/orders/"+url.PathEscape(orderID)+"/histories", url.Values{}, func(_ reply, raws []json.RawMessage) (bool, error) {
		for _, raw := range raws {
			var h history
			if json.Unmarshal(raw, &h) != nil || h.Customized == nil || !h.CreatedAt.Valid {
				continue // a comment, or an entry that cannot date anything
			}
			c := h.Customized
			sl := strings.ToLower(string(c.Slug))
			if !originals[sl] {
				sl = table[c.ID.String()]
			}
			if !originals[sl] && c.Original != nil {
				if o := strings.ToLower(string(c.Original.Slug)); originals[o] {
					sl = o
				} else {
					sl = table[c.Original.ID.String()]
				}
			}
			if sl == "" {
				continue
			}
			if t := h.CreatedAt.In(riyadh); t.After(out[sl]) {
				out[sl] = t
			}
		}
		return true, nil
	})
	return out, err
}

func sameDay(t time.Time, y int, m time.Month, d int) bool {
	ty, tm, td := t.In(riyadh).Date()
	return ty == y && tm == m && td == d
}

func at(when map[string]time.Time, slug string, fallback time.Time) time.Time {
	if t, ok := when[slug]; ok && !t.IsZero() {
		return t
	}
	return fallback
}

// fillMoney fills the order's lines, charges, discount and total from its items and amounts.
//
// Salla gives each item's unit price without tax, its discount and its tax, and the order's
// shipping, cash-on-delivery fee, discounts, tax and total. The order is booked with prices
// before tax (TaxesIncluded false): lines at their price without tax and their own tax, the
// shipping and the COD fee as charges carrying the tax the lines do not account for, and any
// discount the items do not carry as the order's discount. Salla does not say how its order
// discounts relate to the items' (allocated or not) nor whether a free-shipping coupon is already
// off the shipping cost, so the readings are tried in turn and the one whose parts add up to
// Salla's total exactly is kept; when none does, the first is handed over and the engine refuses
// it, saying by how much it is off.
func fillMoney(o *core.StoreOrder, d *orderDetail, items []orderItem) error {
	a := &d.Amounts
	if !a.Total.Valid {
		return errors.New("the order has no total")
	}
	o.Total = a.Total.Decimal
	o.TaxesIncluded = false
	lineDisc, lineTax := decimal.Zero, decimal.Zero
	for _, it := range items {
		q := it.Quantity.Decimal
		p := it.Amounts.PriceWithoutTax.Decimal
		disc := it.Amounts.TotalDiscount.Decimal
		tax := it.Amounts.Tax.Amount.Decimal
		net := q.Mul(p).Sub(disc)
		// The item's tax is for the whole line; an item whose total only adds up with a tax per
		// unit has it per unit.
		if t := it.Amounts.Total; t.Valid && !t.Equal(net.Add(tax)) && t.Equal(net.Add(tax.Mul(q))) {
			tax = tax.Mul(q)
		}
		o.Lines = append(o.Lines, core.StoreLine{ExternalID: it.ID.String(), SKU: strings.TrimSpace(string(it.SKU)),
			Name: itemName(it), Quantity: q, UnitPrice: p, Discount: disc, Tax: tax})
		lineDisc, lineTax = lineDisc.Add(disc), lineTax.Add(tax)
	}
	orderDisc, shipDisc := decimal.Zero, decimal.Zero
	for _, dc := range a.Discounts {
		orderDisc = orderDisc.Add(dc.Discount.Decimal.Abs())
		shipDisc = shipDisc.Add(dc.DiscountedShipping.Decimal.Abs())
	}
	chargeTax := a.Tax.Amount.Decimal.Sub(lineTax)
	if chargeTax.IsNegative() && len(o.Lines) > 0 {
		// Salla rounds the order's tax once and each item's on its own: when the items' taxes
		// come to more than the order's, the order's figure is the one charged, and the
		// difference is taken off the largest item tax.
		big := 0
		for i, l := range o.Lines {
			if l.Tax.GreaterThan(o.Lines[big].Tax) {
				big = i
			}
		}
		if o.Lines[big].Tax.Add(chargeTax).IsNegative() {
			return fmt.Errorf("the order's tax %s is less than its items' taxes %s", a.Tax.Amount.Decimal, lineTax)
		}
		o.Lines[big].Tax = o.Lines[big].Tax.Add(chargeTax)
		lineTax = lineTax.Add(chargeTax)
		chargeTax = decimal.Zero
	}
	unallocated := orderDisc.Sub(lineDisc)
	if unallocated.IsNegative() {
		unallocated = decimal.Zero
	}
	type reading struct{ disc, ship decimal.Decimal }
	readings := []reading{
		{unallocated, a.ShippingCost.Decimal},
		{unallocated, a.ShippingCost.Decimal.Sub(shipDisc)},
		{orderDisc, a.ShippingCost.Decimal},
		{orderDisc, a.ShippingCost.Decimal.Sub(shipDisc)},
		{decimal.Zero, a.ShippingCost.Decimal},
		{unallocated.Sub(shipDisc), a.ShippingCost.Decimal},
	}
	lines := decimal.Zero
	for _, l := range o.Lines {
		lines = lines.Add(l.Quantity.Mul(l.UnitPrice).Sub(l.Discount))
	}
	pick := readings[0]
	for _, r := range readings {
		if r.disc.IsNegative() || r.ship.IsNegative() {
			continue
		}
		sum := lines.Sub(r.disc).Add(r.ship).Add(a.CashOnDelivery.Decimal).Add(lineTax).Add(chargeTax)
		if sum.Equal(o.Total) {
			pick = r
			break
		}
	}
	o.Discount = pick.disc
	ship, cod := pick.ship, a.CashOnDelivery.Decimal
	shipTax, codTax := chargeTax, decimal.Zero
	if !ship.IsPositive() && cod.IsPositive() {
		shipTax, codTax = decimal.Zero, chargeTax
	}
	if ship.IsPositive() || shipTax.IsPositive() {
		o.Charges = append(o.Charges, core.StoreCharge{Kind: "shipping", Title: "Shipping", Amount: ship, Tax: shipTax})
	}
	if cod.IsPositive() || codTax.IsPositive() {
		o.Charges = append(o.Charges, core.StoreCharge{Kind: "fee", Title: "Cash on delivery", Amount: cod, Tax: codTax})
	}
	if !ship.IsPositive() && !cod.IsPositive() && chargeTax.IsPositive() {
		o.Charges = append(o.Charges, core.StoreCharge{Kind: "fee", Title: "Tax not on the items", Tax: chargeTax})
	}
	return nil
}

// itemName is an item's name with its chosen options ("Shirt - Red, XL").
func itemName(it orderItem) string {
	name := strings.TrimSpace(string(it.Name))
	var opts []string
	for _, o := range it.Options {
		if o.Value != nil && strings.TrimSpace(string(o.Value.Name)) != "" {
			opts = append(opts, strings.TrimSpace(string(o.Value.Name)))
		}
	}
	if len(opts) > 0 && !strings.Contains(name, " - ") {
		return name + " - " + strings.Join(opts, ", ")
	}
	return name
}

// linkProducts names each line's variant when the catalogue read by this connection tells it:
// by SKU, else by the option values chosen, else, for an item with neither, by its name when
// one item of the catalogue has it (Salla's items carry no product or variant id).
func (s *Store) linkProducts(lines []core.StoreLine, items []orderItem) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range lines {
		if id := s.bySKU[strings.ToLower(lines[i].SKU)]; lines[i].SKU != "" && id != "" {
			lines[i].ProductID = id
			continue
		}
		var vals []string
		for _, o := range items[i].Options {
			if o.Value != nil && o.Value.ID != "" {
				vals = append(vals, o.Value.ID.String())
			}
		}
		if len(vals) > 0 {
			lines[i].ProductID = s.byOptions[optionKey(vals)]
		}
		if lines[i].ProductID == "" && lines[i].SKU == "" {
			lines[i].ProductID = s.byName[strings.ToLower(strings.TrimSpace(lines[i].Name))]
		}
	}
}

func optionKey(ids []string) string {
	c := append([]string(nil), ids...)
	sort.Strings(c)
	return strings.Join(c, ",")
}

// refunds are the order's credit notes as refunds of exactly their items and amounts, and, for
// an order restored or cancelled (back: Salla then puts its units back into stock), a refund of
// whatever they do not cover, restocked: the whole order when the store issued no credit note.
// Such an order's credit notes restock their items too. A cancelled order is also reported as
// Cancelled; its refund is what explains the units coming back to the store's stock, as the
// engine expects of a cancellation that restocks.
//
// Salla's credit notes do not say whether their items went back into stock; restock (the
// connection's setting) says what the merchant's returns do.
func refunds(o *core.StoreOrder, notes []invoice, back string, restock bool, when map[string]time.Time) []core.StoreRefund {
	restored := back != ""
	ret := returns.Of(o)
	shipping := decimal.Zero
	for _, n := range notes {
		r := core.StoreRefund{ExternalID: "credit-note-" + n.ID.String(), CreatedAt: n.Date.In(riyadh), Total: n.Total.Decimal.Abs(),
			Note: strings.TrimSpace("Credit note " + string(n.InvoiceNumber)), Shipping: n.ShippingCost.Amount.Decimal.Abs()}
		// A credit note is dated by its day only; on the day the order last changed (issuing it
		// changes the order), that change is its time.
		if y, m, d := r.CreatedAt.In(riyadh).Date(); r.CreatedAt.IsZero() || (!o.UpdatedAt.Before(r.CreatedAt) && sameDay(o.UpdatedAt, y, m, d)) {
			r.CreatedAt = o.UpdatedAt
		}
		itemTax := decimal.Zero
		for _, it := range n.Items {
			// Its order item's id, then its own, is tried as the line's; Salla's lines carry no
			// product or SKU of the note's, so the name is the last resort.
			q := it.Quantity.Decimal.Abs()
			l, ok := ret.Take(returns.Item{LineIDs: []string{it.ItemID.String(), it.ID.String()}, Name: string(it.Name)}, q)
			if !ok {
				continue // an item the order does not have: its money stays in the total
			}
			sub := q.Mul(it.Price.Decimal.Abs()).Sub(it.Discount.Decimal.Abs())
			r.Lines = append(r.Lines, core.StoreRefundLine{LineID: l.ExternalID, Quantity: q, Subtotal: sub,
				Tax: it.Tax.Decimal.Abs(), Restock: restored || restock})
			itemTax = itemTax.Add(it.Tax.Decimal.Abs())
		}
		// The note's tax beyond its items' is the shipping's (and the COD fee's).
		if t := n.Tax.Amount.Decimal.Abs().Sub(itemTax); t.IsPositive() && (r.Shipping.IsPositive() || n.CODCost.IsPositive()) {
			r.ShippingTax = t
		}
		shipping = shipping.Add(r.Shipping)
		ret.Book(r)
	}
	if !restored {
		return ret.Booked()
	}
	r := core.StoreRefund{ExternalID: back + "-" + o.ExternalID, CreatedAt: at(when, back, o.UpdatedAt), Note: "Order restored"}
	if back == "canceled" {
		r.Note = "Order cancelled"
	}
	for _, c := range o.Charges {
		if c.Kind == "shipping" {
			r.Shipping, r.ShippingTax = c.Amount.Sub(shipping), c.Tax
		}
	}
	if r.Shipping.IsNegative() {
		r.Shipping = decimal.Zero
	}
	return ret.Rest(r, func(l core.StoreLine, left decimal.Decimal) core.StoreRefundLine {
		share := left.Div(l.Quantity)
		return core.StoreRefundLine{LineID: l.ExternalID, Quantity: left,
			Subtotal: l.Quantity.Mul(l.UnitPrice).Sub(l.Discount).Mul(share).Round(2), Tax: l.Tax.Mul(share).Round(2), Restock: true}
	})
}
