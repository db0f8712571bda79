// Package returns books an order's returns as the store's refunds, the part every platform does
// alike: each returned item found among the order's lines (by the store's id of the line, else
// by its product, SKU or name), the units each line has had back, and, when the whole order comes
// back, what that adds beyond the returns already booked. What a returned item is worth, and what
// of the shipping comes back, are each platform's own rules.
package returns

import (
	"strings"

	"github.com/shopspring/decimal"

	"mizan/core"
)

// Item is what a return's item says of the order line it returns. An empty field is not looked up.
type Item struct {
	LineIDs   []string // the store's ids of the order line, tried in turn
	ProductID string
	SKU       string // letter case and surrounding spaces aside
	Name      string // letter case and surrounding spaces aside
}

// Returns follows one order's returns as they are booked.
type Returns struct {
	order                            *core.StoreOrder
	byLine, byProduct, bySKU, byName map[string]int
	returned                         []decimal.Decimal
	paid                             decimal.Decimal
	booked                           []core.StoreRefund
}

// Of starts the returns of order o, none booked yet. Where two lines share a product, SKU or
// name, that key finds the later one.
func Of(o *core.StoreOrder) *Returns {
	r := &Returns{order: o, byLine: map[string]int{}, byProduct: map[string]int{}, bySKU: map[string]int{},
		byName: map[string]int{}, returned: make([]decimal.Decimal, len(o.Lines))}
	for i, l := range o.Lines {
		put(r.byLine, l.ExternalID, i)
		put(r.byProduct, l.ProductID, i)
		put(r.bySKU, fold(l.SKU), i)
		put(r.byName, fold(l.Name), i)
	}
	return r
}

func put(m map[string]int, key string, i int) {
	if key != "" {
		m[key] = i
	}
}

func fold(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Take finds the order line item returns, first by the store's line ids, then by product, SKU
// and name, and counts q of its units as returned. ok is false, and nothing is counted, when the
// order has no such line.
func (r *Returns) Take(item Item, q decimal.Decimal) (line core.StoreLine, ok bool) {
	i, ok := r.find(item)
	if !ok {
		return core.StoreLine{}, false
	}
	r.returned[i] = r.returned[i].Add(q)
	return r.order.Lines[i], true
}

func (r *Returns) find(item Item) (int, bool) {
	// No key is empty: an empty field finds nothing.
	for _, id := range item.LineIDs {
		if i, ok := r.byLine[id]; ok {
			return i, true
		}
	}
	if i, ok := r.byProduct[item.ProductID]; ok {
		return i, true
	}
	if i, ok := r.bySKU[fold(item.SKU)]; ok {
		return i, true
	}
	i, ok := r.byName[fold(item.Name)]
	return i, ok
}

// Book adds a refund the store issued (a credit note) to those booked: its total is paid back.
func (r *Returns) Book(rf core.StoreRefund) {
	r.booked = append(r.booked, rf)
	r.paid = r.paid.Add(rf.Total)
}

// Booked are the refunds booked so far, in the order they were booked.
func (r *Returns) Booked() []core.StoreRefund { return r.booked }

// Rest is the refunds booked and, after them, the refund of what they leave when the whole order
// comes back: head (its id, date, note and whatever of the shipping it gives back) with a line
// for each order line's units not yet returned, as part books them, and the order's total less
// what the booked refunds paid back, never below zero. It is left out when it would return no
// line and no money.
func (r *Returns) Rest(head core.StoreRefund, part func(l core.StoreLine, left decimal.Decimal) core.StoreRefundLine) []core.StoreRefund {
	head.Lines = nil
	head.Total = r.order.Total.Sub(r.paid)
	for i, l := range r.order.Lines {
		if left := l.Quantity.Sub(r.returned[i]); left.IsPositive() && l.Quantity.IsPositive() {
			head.Lines = append(head.Lines, part(l, left))
		}
	}
	if len(head.Lines) == 0 && !head.Total.IsPositive() {
		return r.booked
	}
	if head.Total.IsNegative() {
		head.Total = decimal.Zero
	}
	return append(r.booked[:len(r.booked):len(r.booked)], head)
}
