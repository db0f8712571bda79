package woocommerce

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/jsontime"
)

type orderNode struct {
	ID               wcID   `json:"id"`
	Number           string `json:"number"`
	Status           string `json:"status"`
	Currency         string `json:"currency"`
	PricesIncludeTax bool   `json:"prices_include_tax"`
	DateCreatedGMT   wcTime `json:"date_created_gmt"`
	DateModifiedGMT  wcTime `json:"date_modified_gmt"`
	CustomerID       wcID   `json:"customer_id"`
	Billing          struct {
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
		Company   string `json:"company"`
		Email     string `json:"email"`
		Phone     string `json:"phone"`
	} `json:"billing"`
	Shipping struct {
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
		Phone     string `json:"phone"`
	} `json:"shipping"`
	LineItems     []lineNode   `json:"line_items"`
	ShippingLines []chargeNode `json:"shipping_lines"`
	FeeLines      []chargeNode `json:"fee_lines"`
	CouponLines   []struct {
		Code         string `json:"code"`
		Discount     num    `json:"discount"`
		FreeShipping bool   `json:"free_shipping"`
	} `json:"coupon_lines"`
	Total num `json:"total"`
	// PaymentMethod is the gateway's id ("cod", "bacs", "stripe", …) and PaymentMethodTitle its
	// title; DatePaidGMT is when the order was paid, null while it is not (WooCommerce sets it
	// when the order reaches its gateway's paid status: processing, or completed for cash on
	// delivery).
	PaymentMethod      string `json:"payment_method"`
	PaymentMethodTitle string `json:"payment_method_title"`
	DatePaidGMT        wcTime `json:"date_paid_gmt"`
	Refunds            []struct {
		ID    wcID `json:"id"`
		Total num  `json:"total"`
	} `json:"refunds"`
}

type taxNode struct {
	ID    wcID `json:"id"`
	Total num  `json:"total"`
}

type lineNode struct {
	ID          wcID       `json:"id"`
	Name        string     `json:"name"`
	ProductID   wcID       `json:"product_id"`
	VariationID wcID       `json:"variation_id"`
	Quantity    num        `json:"quantity"`
	SKU         string     `json:"sku"`
	Subtotal    num        `json:"subtotal"`
	Total       num        `json:"total"`
	TotalTax    num        `json:"total_tax"`
	Taxes       []taxNode  `json:"taxes"`
	MetaData    []metaItem `json:"meta_data"`
}

// chargeNode is a shipping or fee line.
type chargeNode struct {
	ID          wcID      `json:"id"`
	MethodTitle string    `json:"method_title"`
	Name        string    `json:"name"`
	Total       num       `json:"total"`
	TotalTax    num       `json:"total_tax"`
	Taxes       []taxNode `json:"taxes"`
}

type refundNode struct {
	ID             wcID         `json:"id"`
	DateCreatedGMT wcTime       `json:"date_created_gmt"`
	Amount         num          `json:"amount"`
	Reason         string       `json:"reason"`
	LineItems      []lineNode   `json:"line_items"`
	ShippingLines  []chargeNode `json:"shipping_lines"`
}

// Orders pages through orders changed at or after since (all when zero), by id for stable paging.
// An order with refunds is completed with /orders/{id}/refunds.
func (s *Store) Orders(ctx context.Context, since time.Time, fn func([]core.StoreOrder) error) error {
	q := url.Values{"orderby": {"id"}, "order": {"asc"}, "status": {"any"}}
	if !since.IsZero() {
		q.Set("modified_after", gmtParam(since.Add(-time.Second)))
		q.Set("dates_are_gmt", "true")
	}
	return s.listOrders(ctx, "list orders", q, fn)
}

// listOrders reads a page's orders one by one: an order that cannot be read (a malformed or
// out-of-range number in it or in one of its refunds) is handed over as unreadable, with its id
// and number, and the rest of the page goes through.
func (s *Store) listOrders(ctx context.Context, op string, q url.Values, fn func([]core.StoreOrder) error) error {
	return s.pages(ctx, op, "/orders", q, func(_ reply, items []json.RawMessage) error {
		page := make([]core.StoreOrder, 0, len(items))
		for _, raw := range items {
			var o orderNode
			if err := json.Unmarshal(raw, &o); err != nil {
				page = append(page, unreadableOrder(raw, err))
				continue
			}
			var refunds []refundNode
			if len(o.Refunds) > 0 {
				var err error
				refunds, err = s.refunds(ctx, &o)
				var bad *badItem
				if errors.As(err, &bad) {
					page = append(page, unreadableOrder(raw, err))
					continue
				}
				if err != nil {
					return err
				}
			}
			page = append(page, s.storeOrder(&o, refunds))
		}
		return fn(page)
	})
}

func (s *Store) refunds(ctx context.Context, o *orderNode) ([]refundNode, error) {
	op := "list refunds of order #" + orderNumber(o)
	var out []refundNode
	err := s.pages(ctx, op, "/orders/"+o.ID.String()+"/refunds", url.Values{}, func(_ reply, items []json.RawMessage) error {
		for _, raw := range items {
			var r refundNode
			if err := json.Unmarshal(raw, &r); err != nil {
				return &badItem{what: "a refund", err: err}
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// unreadableOrder is an order the client could not read, with what could be read of it.
func unreadableOrder(raw json.RawMessage, err error) core.StoreOrder {
	var id struct {
		ID       wcID   `json:"id"`
		Number   string `json:"number"`
		Modified wcTime `json:"date_modified_gmt"`
	}
	_ = json.Unmarshal(raw, &id) // what could be read: the fields are independent
	o := core.StoreOrder{ExternalID: id.ID.String(), UpdatedAt: id.Modified.Time, Unreadable: unreadableReason(err)}
	if n := strings.TrimSpace(id.Number); n != "" {
		o.Name = "#" + n
	} else if id.ID != 0 {
		o.Name = "#" + id.ID.String()
	}
	return o
}

// OrdersByNumber fetches orders by the numbers the merchant sees ("#1001" or "1001"). WooCommerce's
// order number is the order id unless a plugin renumbers orders; numbers not found by id are
// searched for.
func (s *Store) OrdersByNumber(ctx context.Context, numbers []string) ([]core.StoreOrder, error) {
	want := map[string]bool{}
	var ids []wcID
	var others []string
	for _, n := range numbers {
		n = jsontime.OrderNumber(n)
		if n == "" || want[n] {
			continue
		}
		want[n] = true
		if id, err := strconv.ParseInt(n, 10, 64); err == nil && id > 0 {
			ids = append(ids, wcID(id))
		} else {
			others = append(others, n)
		}
	}
	var out []core.StoreOrder
	found := map[string]bool{}
	keep := func(page []core.StoreOrder) error {
		for _, o := range page {
			n := jsontime.OrderNumber(o.Name)
			if want[n] && !found[n] {
				found[n] = true
				out = append(out, o)
			}
		}
		return nil
	}
	for start := 0; start < len(ids); start += perPage {
		q := url.Values{"include": {idList(ids[start:min(start+perPage, len(ids))])}, "status": {"any"}, "orderby": {"id"}, "order": {"asc"}}
		if err := s.listOrders(ctx, "find orders by number", q, keep); err != nil {
			return nil, err
		}
	}
	for _, id := range ids {
		if !found[id.String()] {
			others = append(others, id.String())
		}
	}
	for _, n := range others {
		if err := s.listOrders(ctx, "find order #"+n, url.Values{"search": {n}, "status": {"any"}}, keep); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func orderNumber(o *orderNode) string {
	if n := strings.TrimSpace(o.Number); n != "" {
		return n
	}
	return o.ID.String()
}

// stockTaken are the statuses whose items WooCommerce has taken out of stock (cancelled orders
// count too: see cancelRefund).
var stockTaken = map[string]bool{"processing": true, "on-hold": true, "completed": true, "refunded": true, "cancelled": true}

// storeOrder maps an order to the invoice model of core.StoreOrder.
//
// WooCommerce keeps line, shipping and fee amounts before tax even when prices are entered with
// tax (prices_include_tax only says how they were entered), with
//
//	total = Σ line total + Σ shipping total + Σ fee total + total_tax
//
// where a line's total is after every coupon. So the order is reported with TaxesIncluded false:
// each line has its quantity, a unit price of subtotal ÷ quantity (rounded up to 6 places so it
// stays exact), a discount taking it to its total, and its tax from the raw, unrounded taxes[]
// rounded to the currency's decimals. WooCommerce may round tax once over the whole order
// ("round tax at subtotal level"), so those per-line taxes can differ from the order's tax by a
// cent or two; the difference is put on the line (or charge) with the most tax, so the parts add
// up to the store's total exactly. A negative fee (a discount added as a fee) becomes the order
// discount.
func (s *Store) storeOrder(o *orderNode, refunds []refundNode) core.StoreOrder {
	status := strings.ToLower(strings.TrimSpace(o.Status))
	so := core.StoreOrder{
		ExternalID:         o.ID.String(),
		Name:               "#" + orderNumber(o),
		CreatedAt:          o.DateCreatedGMT.Time,
		UpdatedAt:          o.DateModifiedGMT.Time,
		Status:             status,
		Cancelled:          status == "cancelled" || status == "refunded",
		Currency:           strings.ToUpper(o.Currency),
		Total:              o.Total.Decimal,
		StockReduced:       stockTaken[status],
		PaymentMethod:      strings.TrimSpace(o.PaymentMethod),
		PaymentMethodTitle: strings.TrimSpace(o.PaymentMethodTitle),
	}
	if !o.DatePaidGMT.IsZero() && o.Total.IsPositive() {
		// One payment of the order's total, when it was paid.
		so.Payments = append(so.Payments, core.StorePayment{ExternalID: "paid-" + so.ExternalID, Method: so.PaymentMethod,
			MethodTitle: so.PaymentMethodTitle, Amount: o.Total.Decimal, PaidAt: o.DatePaidGMT.Time})
	}
	if so.Cancelled {
		so.CancelledAt = o.DateModifiedGMT.Time
	}
	dp := int32(2)
	if e := o.Total.Exponent(); o.Total.Valid && e <= 0 {
		dp = -e
	}
	name := strings.TrimSpace(o.Billing.FirstName + " " + o.Billing.LastName)
	if name == "" {
		name = strings.TrimSpace(o.Shipping.FirstName + " " + o.Shipping.LastName)
	}
	if name == "" {
		name = strings.TrimSpace(o.Billing.Company)
	}
	phone := firstOf(o.Billing.Phone, o.Shipping.Phone)
	if o.CustomerID != 0 {
		so.Customer = &core.StoreCustomer{ExternalID: o.CustomerID.String(), Name: name, Email: strings.TrimSpace(o.Billing.Email), Phone: strings.TrimSpace(phone)}
	} else {
		so.GuestName, so.GuestEmail, so.GuestPhone = name, strings.TrimSpace(o.Billing.Email), strings.TrimSpace(phone)
	}
	parts := decimal.Zero
	for _, l := range o.LineItems {
		q := l.Quantity.Decimal
		line := core.StoreLine{ExternalID: l.ID.String(), SKU: strings.TrimSpace(l.SKU), Name: strings.TrimSpace(l.Name), Quantity: q,
			Tax: taxOf(l.Taxes, l.TotalTax, dp)}
		if id := firstID(l.VariationID, l.ProductID); id != 0 {
			line.ProductID = id.String()
		}
		if q.IsPositive() {
			base := decimal.Max(l.Subtotal.Decimal, l.Total.Decimal)
			line.UnitPrice = unitPrice(base, q)
			line.Discount = line.UnitPrice.Mul(q).Sub(l.Total.Decimal)
		}
		parts = parts.Add(line.UnitPrice.Mul(q)).Sub(line.Discount).Add(line.Tax)
		so.Lines = append(so.Lines, line)
	}
	add := func(kind, title string, c chargeNode) {
		tax := taxOf(c.Taxes, c.TotalTax, dp)
		if c.Total.IsNegative() || tax.IsNegative() {
			so.Discount = so.Discount.Sub(c.Total.Decimal).Sub(tax)
			parts = parts.Add(c.Total.Decimal).Add(tax)
			return
		}
		so.Charges = append(so.Charges, core.StoreCharge{Kind: kind, Title: title, Amount: c.Total.Decimal, Tax: tax})
		parts = parts.Add(c.Total.Decimal).Add(tax)
	}
	for _, c := range o.ShippingLines {
		add("shipping", firstOf(c.MethodTitle, "Shipping"), c)
	}
	for _, c := range o.FeeLines {
		add("fee", firstOf(c.Name, "Fee"), c)
	}
	reconcileTax(&so, so.Total.Sub(parts), dp)
	var refunded decimal.Decimal
	lineRefunded := map[string]decimal.Decimal{}
	shipRefunded, shipTaxRefunded := decimal.Zero, decimal.Zero
	for _, r := range refunds {
		sr := core.StoreRefund{ExternalID: "refund-" + r.ID.String(), CreatedAt: r.DateCreatedGMT.Time, Note: strings.TrimSpace(r.Reason),
			Total: r.Amount.Abs()}
		for _, rl := range r.LineItems {
			line := core.StoreRefundLine{LineID: metaString(rl.MetaData, "_refunded_item_id"), Quantity: rl.Quantity.Abs(),
				Subtotal: rl.Total.Abs(), Tax: taxOf(rl.Taxes, rl.TotalTax, dp).Abs(), Restock: s.set.restock}
			lineRefunded[line.LineID] = lineRefunded[line.LineID].Add(line.Quantity)
			sr.Lines = append(sr.Lines, line)
		}
		for _, sh := range r.ShippingLines {
			sr.Shipping = sr.Shipping.Add(sh.Total.Abs())
			sr.ShippingTax = sr.ShippingTax.Add(taxOf(sh.Taxes, sh.TotalTax, dp).Abs())
		}
		shipRefunded, shipTaxRefunded = shipRefunded.Add(sr.Shipping), shipTaxRefunded.Add(sr.ShippingTax)
		refunded = refunded.Add(sr.Total)
		so.Refunds = append(so.Refunds, sr)
		if !o.DatePaidGMT.IsZero() && sr.Total.IsPositive() {
			// A refund of a paid order gives its money back (through the gateway or by hand).
			so.Payments = append(so.Payments, core.StorePayment{ExternalID: "refund-paid-" + r.ID.String(), Refund: true,
				RefundID: sr.ExternalID, Method: so.PaymentMethod, MethodTitle: so.PaymentMethodTitle, Amount: sr.Total, PaidAt: sr.CreatedAt})
		}
	}
	if status == "cancelled" {
		so.Refunds = append(so.Refunds, cancelRefund(&so, lineRefunded, refunded, shipRefunded, shipTaxRefunded, dp))
	}
	return so
}

// cancelRefund reports a cancellation as the refund of everything not refunded yet, restocked:
// WooCommerce puts a cancelled order's items back into stock when it had taken them out. An order
// cancelled before it took stock is reported as having taken it too (StockReduced), so both sides
// cancel out either way.
func cancelRefund(so *core.StoreOrder, lineRefunded map[string]decimal.Decimal, refunded, ship, shipTax decimal.Decimal, dp int32) core.StoreRefund {
	r := core.StoreRefund{ExternalID: "cancel-" + so.ExternalID, CreatedAt: so.CancelledAt, Note: "Order cancelled in the store"}
	for _, l := range so.Lines {
		if !l.Quantity.IsPositive() {
			continue
		}
		rem := l.Quantity.Sub(lineRefunded[l.ExternalID])
		if !rem.IsPositive() {
			continue
		}
		net := l.UnitPrice.Mul(l.Quantity).Sub(l.Discount)
		r.Lines = append(r.Lines, core.StoreRefundLine{LineID: l.ExternalID, Quantity: rem, Restock: true,
			Subtotal: net.Mul(rem).Div(l.Quantity).Round(dp), Tax: l.Tax.Mul(rem).Div(l.Quantity).Round(dp)})
	}
	for _, c := range so.Charges {
		if c.Kind == "shipping" {
			r.Shipping, r.ShippingTax = r.Shipping.Add(c.Amount), r.ShippingTax.Add(c.Tax)
		}
	}
	r.Shipping = decimal.Max(decimal.Zero, r.Shipping.Sub(ship))
	r.ShippingTax = decimal.Max(decimal.Zero, r.ShippingTax.Sub(shipTax))
	r.Total = decimal.Max(decimal.Zero, so.Total.Sub(refunded))
	return r
}

// reconcileTax puts a small difference between the store's total and the sum of the parts (tax
// rounded once over the order rather than per line) on the tax of the line or charge with the
// most tax. A larger difference is left for the engine to report.
func reconcileTax(so *core.StoreOrder, diff decimal.Decimal, dp int32) {
	if diff.IsZero() {
		return
	}
	unit := decimal.New(1, -dp)
	if diff.Abs().GreaterThan(unit.Mul(decimal.NewFromInt(int64(len(so.Lines) + len(so.Charges))))) {
		return
	}
	var best *decimal.Decimal
	for i := range so.Lines {
		if best == nil || so.Lines[i].Tax.GreaterThan(*best) {
			best = &so.Lines[i].Tax
		}
	}
	for i := range so.Charges {
		if best == nil || so.Charges[i].Tax.GreaterThan(*best) {
			best = &so.Charges[i].Tax
		}
	}
	if best == nil || best.Add(diff).IsNegative() || (best.IsZero() && diff.IsNegative()) {
		return
	}
	*best = best.Add(diff)
}

// taxOf is the tax of a line: its raw per-rate taxes summed and rounded to dp places, or its
// rounded total_tax when it has no per-rate detail.
func taxOf(taxes []taxNode, total num, dp int32) decimal.Decimal {
	if len(taxes) == 0 {
		return total.Decimal
	}
	t := decimal.Zero
	for _, x := range taxes {
		t = t.Add(x.Total.Decimal)
	}
	return t.Round(dp)
}

// unitPrice is amount ÷ q, exact when that has at most 6 decimals, else rounded up to 6 so that
// q × unit ≥ amount (the rest becomes discount).
func unitPrice(amount, q decimal.Decimal) decimal.Decimal {
	u := amount.DivRound(q, 6)
	if u.Mul(q).LessThan(amount) {
		u = u.Add(decimal.New(1, -6))
	}
	return u
}

func firstID(ids ...wcID) wcID {
	for _, id := range ids {
		if id != 0 {
			return id
		}
	}
	return 0
}
