package shopifytest

import (
	"strings"

	"github.com/shopspring/decimal"
)

// The money model implemented here is documented in the package comment
// (doc.go).

var (
	hundred = decimal.NewFromInt(100)
	one     = decimal.NewFromInt(1)
)

// round2 rounds half away from zero to cents.
func round2(d decimal.Decimal) decimal.Decimal { return d.Round(2) }

// taxOf returns the tax contained in (included) or added to (excluded) amount.
func taxOf(amount, rate decimal.Decimal, included bool) decimal.Decimal {
	if rate.IsZero() || amount.IsZero() {
		return decimal.Zero
	}
	if included {
		return round2(amount.Mul(rate).Div(one.Add(rate)))
	}
	return round2(amount.Mul(rate))
}

// formatMoney renders a Money scalar (variant prices): always two decimals.
func formatMoney(d decimal.Decimal) string { return d.StringFixed(2) }

// formatDecimal renders a Decimal scalar (MoneyV2.amount) the way the Admin
// API does: trailing zeros trimmed but at least one decimal ("10.0", "12.5",
// "29.99").
func formatDecimal(d decimal.Decimal) string {
	s := d.Round(2).StringFixed(2)
	s = strings.TrimRight(s, "0")
	if strings.HasSuffix(s, ".") {
		s += "0"
	}
	return s
}

// allocate spreads total over weights in proportion, rounding each share to
// cents and giving the remainder to the last non-zero weight.
func allocate(total decimal.Decimal, weights []decimal.Decimal) []decimal.Decimal {
	out := make([]decimal.Decimal, len(weights))
	sum := decimal.Zero
	last := -1
	for i, w := range weights {
		sum = sum.Add(w)
		if w.IsPositive() {
			last = i
		}
	}
	if total.IsZero() || !sum.IsPositive() {
		for i := range out {
			out[i] = decimal.Zero
		}
		return out
	}
	given := decimal.Zero
	for i, w := range weights {
		switch {
		case i == last:
			out[i] = total.Sub(given)
		case w.IsPositive():
			out[i] = round2(total.Mul(w).Div(sum))
			given = given.Add(out[i])
		default:
			out[i] = decimal.Zero
		}
	}
	return out
}

// prorate returns part×k/q rounded, or the exact remainder total−done when k
// covers everything that is left.
func prorate(total, done decimal.Decimal, k, q, left int) decimal.Decimal {
	if k >= left {
		return total.Sub(done)
	}
	if q == 0 {
		return decimal.Zero
	}
	return round2(total.Mul(decimal.NewFromInt(int64(k))).Div(decimal.NewFromInt(int64(q))))
}

// recompute applies the money model to o from its lines, discount and shipping.
func (o *order) recompute() {
	weights := make([]decimal.Decimal, len(o.lines))
	gross := decimal.Zero
	for i, l := range o.lines {
		l.original = l.unitPrice.Mul(decimal.NewFromInt(int64(l.effQty())))
		weights[i] = l.original
		gross = gross.Add(l.original)
	}
	d := decimal.Zero
	switch {
	case o.discountCode == "":
	case o.discountPercent.IsPositive():
		d = round2(gross.Mul(o.discountPercent).Div(hundred))
	case o.discountAmount.IsPositive():
		d = decimal.Min(o.discountAmount, gross)
	}
	allocs := allocate(d, weights)
	o.subtotal, o.totalTax, o.shippingTotal = decimal.Zero, decimal.Zero, decimal.Zero
	for i, l := range o.lines {
		l.discount = allocs[i]
		l.net = l.original.Sub(l.discount)
		if l.taxable {
			l.tax = taxOf(l.net, o.taxRate, o.taxesIncluded)
		} else {
			l.tax = decimal.Zero
		}
		o.subtotal = o.subtotal.Add(l.net)
		o.totalTax = o.totalTax.Add(l.tax)
	}
	for _, s := range o.shipping {
		s.tax = taxOf(s.price, o.taxRate, o.taxesIncluded)
		o.shippingTotal = o.shippingTotal.Add(s.price)
		o.totalTax = o.totalTax.Add(s.tax)
	}
	o.totalDiscounts = d
	o.totalPrice = o.subtotal.Add(o.shippingTotal)
	if !o.taxesIncluded {
		o.totalPrice = o.totalPrice.Add(o.totalTax)
	}
}

// current figures after refunds.
type currentMoney struct {
	subtotal, shipping, tax, discounts, total  decimal.Decimal
	refunded, refundedShipping, linkedRefunded decimal.Decimal
}

func (o *order) current() currentMoney {
	c := currentMoney{subtotal: o.subtotal, shipping: o.shippingTotal, tax: o.totalTax, discounts: o.totalDiscounts}
	for _, r := range o.refunds {
		c.refunded = c.refunded.Add(r.amount)
		if !r.amountOnly {
			c.linkedRefunded = c.linkedRefunded.Add(r.amount)
		}
		for _, rl := range r.lines {
			c.subtotal = c.subtotal.Sub(rl.subtotal)
			c.tax = c.tax.Sub(rl.tax)
			c.discounts = c.discounts.Sub(rl.discount)
		}
		for _, rs := range r.shipping {
			c.shipping = c.shipping.Sub(rs.amount)
			c.tax = c.tax.Sub(rs.tax)
			c.refundedShipping = c.refundedShipping.Add(rs.amount)
			if !o.taxesIncluded {
				c.refundedShipping = c.refundedShipping.Add(rs.tax)
			}
		}
	}
	c.total = c.subtotal.Add(c.shipping)
	if !o.taxesIncluded {
		c.total = c.total.Add(c.tax)
	}
	return c
}

func (o *order) received() decimal.Decimal {
	sum := decimal.Zero
	for _, t := range o.transactions {
		if (t.kind == "SALE" || t.kind == "CAPTURE") && t.status == "SUCCESS" {
			sum = sum.Add(t.amount)
		}
	}
	return sum
}

func (o *order) outstanding() decimal.Decimal {
	c := o.current()
	out := c.total.Sub(o.received().Sub(c.linkedRefunded))
	if out.IsNegative() {
		return decimal.Zero
	}
	return out
}

func (o *order) financialStatus() string {
	rec := o.received()
	c := o.current()
	switch {
	case o.cancelledAt != nil && rec.IsZero():
		return "VOIDED"
	case rec.IsZero():
		return "PENDING"
	case c.refunded.GreaterThanOrEqual(rec):
		return "REFUNDED"
	case c.refunded.IsPositive():
		return "PARTIALLY_REFUNDED"
	case o.outstanding().IsPositive():
		return "PARTIALLY_PAID"
	}
	return "PAID"
}

func (o *order) fulfillmentStatus() string {
	total, done := 0, 0
	for _, l := range o.lines {
		cur := l.currentQty()
		total += cur
		f := l.fulfilled
		if f > cur {
			f = cur
		}
		done += f
	}
	switch {
	case total == 0 && o.anyFulfilled():
		return "FULFILLED"
	case total == 0 || done == 0:
		return "UNFULFILLED"
	case done < total:
		return "PARTIALLY_FULFILLED"
	}
	return "FULFILLED"
}

func (o *order) anyFulfilled() bool {
	for _, l := range o.lines {
		if l.fulfilled > 0 {
			return true
		}
	}
	return false
}
