package shopify

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/jsontime"
)

type ordersData struct {
	Orders conn[lenient[orderNode]] `json:"orders"`
}

// unreadableOrder is an order node that could not be read, with what could be read of it.
func unreadableOrder(raw json.RawMessage, err error) core.StoreOrder {
	var o struct {
		ID        string `json:"id"`
		Name      string `json:"name"`
		UpdatedAt stamp  `json:"updatedAt"`
	}
	_ = json.Unmarshal(raw, &o) // what could be read: the fields are independent
	return core.StoreOrder{ExternalID: o.ID, Name: o.Name, UpdatedAt: o.UpdatedAt.Time, Unreadable: err.Error()}
}

type orderNode struct {
	ID                     string  `json:"id"`
	Name                   string  `json:"name"`
	CreatedAt              stamp   `json:"createdAt"`
	UpdatedAt              stamp   `json:"updatedAt"`
	CancelledAt            stamp   `json:"cancelledAt"`
	DisplayFinancialStatus *string `json:"displayFinancialStatus"`
	CurrencyCode           string  `json:"currencyCode"`
	TaxesIncluded          bool    `json:"taxesIncluded"`
	Email                  *string `json:"email"`
	Phone                  *string `json:"phone"`
	TotalPriceSet          money   `json:"totalPriceSet"`
	Customer               *struct {
		ID          string  `json:"id"`
		DisplayName string  `json:"displayName"`
		Email       *string `json:"email"`
		Phone       *string `json:"phone"`
	} `json:"customer"`
	BillingAddress  *addressNode            `json:"billingAddress"`
	ShippingAddress *addressNode            `json:"shippingAddress"`
	LineItems       *conn[lineItemNode]     `json:"lineItems"`
	ShippingLines   *conn[shippingLineNode] `json:"shippingLines"`
	Refunds         []refundNode            `json:"refunds"`
	// PaymentGatewayNames are the gateways the order was (to be) paid through; Transactions the
	// money attempts on it (at most the first 20 are read: an order has a sale or two and its refunds).
	PaymentGatewayNames []string          `json:"paymentGatewayNames"`
	Transactions        []transactionNode `json:"transactions"`
}

type transactionNode struct {
	ID               string  `json:"id"`
	Kind             string  `json:"kind"`
	Status           string  `json:"status"`
	Gateway          *string `json:"gateway"`
	FormattedGateway *string `json:"formattedGateway"`
	ProcessedAt      stamp   `json:"processedAt"`
	CreatedAt        stamp   `json:"createdAt"`
	AmountSet        money   `json:"amountSet"`
}

type addressNode struct {
	Name  *string `json:"name"`
	Phone *string `json:"phone"`
}

type lineItemNode struct {
	ID              string  `json:"id"`
	Name            string  `json:"name"`
	Title           string  `json:"title"`
	VariantTitle    *string `json:"variantTitle"`
	SKU             *string `json:"sku"`
	Quantity        num     `json:"quantity"`
	CurrentQuantity num     `json:"currentQuantity"`
	Variant         *struct {
		ID      string  `json:"id"`
		Barcode *string `json:"barcode"`
	} `json:"variant"`
	OriginalUnitPriceSet money `json:"originalUnitPriceSet"`
	DiscountAllocations  []struct {
		AllocatedAmountSet money `json:"allocatedAmountSet"`
	} `json:"discountAllocations"`
	TaxLines []taxLineNode `json:"taxLines"`
}

type taxLineNode struct {
	PriceSet money `json:"priceSet"`
}

type shippingLineNode struct {
	Title              string        `json:"title"`
	DiscountedPriceSet money         `json:"discountedPriceSet"`
	TaxLines           []taxLineNode `json:"taxLines"`
}

type refundNode struct {
	ID                  string                    `json:"id"`
	CreatedAt           stamp                     `json:"createdAt"`
	Note                *string                   `json:"note"`
	TotalRefundedSet    money                     `json:"totalRefundedSet"`
	RefundLineItems     *conn[refundLineNode]     `json:"refundLineItems"`
	RefundShippingLines *conn[refundShippingNode] `json:"refundShippingLines"`
}

type refundLineNode struct {
	Quantity    num    `json:"quantity"`
	RestockType string `json:"restockType"`
	Restocked   bool   `json:"restocked"`
	LineItem    *struct {
		ID string `json:"id"`
	} `json:"lineItem"`
	SubtotalSet money `json:"subtotalSet"`
	TotalTaxSet money `json:"totalTaxSet"`
}

type refundShippingNode struct {
	SubtotalAmountSet money `json:"subtotalAmountSet"`
	TaxAmountSet      money `json:"taxAmountSet"`
}

// Orders pages through orders changed at or after since (all when zero), oldest change first.
// An order changed while the pages are read comes again on a later page.
//
// The first import (since zero) reads by a bulk operation, and so does the rest of a read that
// pages past the connection's bulk threshold (see bulk.go); a bulk read that cannot be done
// falls back to pages.
func (s *Store) Orders(ctx context.Context, since time.Time, fn func([]core.StoreOrder) error) error {
	query := ""
	if !since.IsZero() {
		query = "updated_at:>='" + searchTime(since) + "'"
	}
	if s.bulkThreshold() == 0 {
		return s.orders(ctx, "list orders", query, fn)
	}
	if since.IsZero() {
		err := s.ordersBulk(ctx, "", fn)
		if !errors.Is(err, errBulkUnavailable) {
			return err
		}
		s.fallBack("orders", err)
		return s.orders(ctx, "list orders", query, fn)
	}
	last, more, err := s.ordersUpTo(ctx, "list orders", query, s.bulkThreshold(), fn)
	if err != nil || !more {
		return err
	}
	// Pages are oldest change first: the bulk read takes over from the last change handed over.
	rest := "updated_at:>='" + searchTime(last) + "'"
	err = s.ordersBulk(ctx, rest, fn)
	if errors.Is(err, errBulkUnavailable) {
		s.fallBack("orders", err)
		return s.orders(ctx, "list orders", rest, fn)
	}
	return err
}

// OrdersByNumber fetches orders by the numbers the merchant sees ("#1001" or "1001"), several
// per query (name terms joined with OR).
func (s *Store) OrdersByNumber(ctx context.Context, numbers []string) ([]core.StoreOrder, error) {
	const batch = 25
	want := map[string]bool{}
	var terms []string
	for _, n := range numbers {
		n = jsontime.OrderNumber(n)
		if n == "" || want[n] {
			continue
		}
		want[n] = true
		terms = append(terms, "name:"+searchValue(n))
	}
	var out []core.StoreOrder
	seen := map[string]bool{}
	for start := 0; start < len(terms); start += batch {
		q := strings.Join(terms[start:min(start+batch, len(terms))], " OR ")
		err := s.orders(ctx, "find orders by number", q, func(page []core.StoreOrder) error {
			for _, o := range page {
				// keep exact matches only: the search may match more loosely
				if want[jsontime.OrderNumber(o.Name)] && !seen[o.ExternalID] {
					seen[o.ExternalID] = true
					out = append(out, o)
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) orders(ctx context.Context, op, query string, fn func([]core.StoreOrder) error) error {
	_, _, err := s.ordersUpTo(ctx, op, query, 0, fn)
	return err
}

// ordersUpTo pages through orders matching query. With limit above zero it stops once it has
// handed over that many when more pages remain, and says so (more) with the latest change
// handed over.
func (s *Store) ordersUpTo(ctx context.Context, op, query string, limit int, fn func([]core.StoreOrder) error) (last time.Time, more bool, err error) {
	after := ""
	handed := 0
	for {
		var d ordersData
		_, err := s.callSized(ctx, op, docOrders, func(sz pageSizes) map[string]any {
			return map[string]any{"first": sz.Orders, "after": nullable(after), "query": nullable(query),
				"lines": sz.Lines, "shipping": sz.Shipping, "refundLines": sz.RefundLines, "refundShipping": sz.RefundShip}
		}, func(sz *pageSizes) []*int {
			return []*int{&sz.Orders, &sz.Lines, &sz.RefundLines, &sz.Shipping}
		}, func() any { d = ordersData{}; return &d })
		if err != nil {
			return last, false, err
		}
		page := make([]core.StoreOrder, 0, len(d.Orders.Nodes))
		for i := range d.Orders.Nodes {
			if n := &d.Orders.Nodes[i]; n.Err != nil {
				page = append(page, unreadableOrder(n.Raw, n.Err))
				continue
			}
			o := &d.Orders.Nodes[i].V
			if err := s.completeOrder(ctx, o); err != nil {
				return last, false, err
			}
			page = append(page, storeOrder(o))
		}
		if len(page) > 0 {
			if err := fn(page); err != nil {
				return last, false, err
			}
		}
		for _, o := range page {
			last = laterTime(last, o.UpdatedAt)
		}
		handed += len(page)
		if !d.Orders.PageInfo.HasNextPage || d.Orders.PageInfo.EndCursor == "" {
			return last, false, nil
		}
		if limit > 0 && handed >= limit && !last.IsZero() {
			return last, true, nil
		}
		after = d.Orders.PageInfo.EndCursor
	}
}

// completeOrder fetches the line items, shipping lines and refund parts an orders page did not
// carry in full.
func (s *Store) completeOrder(ctx context.Context, o *orderNode) error {
	for more(o.LineItems) || more(o.ShippingLines) {
		var d struct {
			Order *struct {
				LineItems     *conn[lineItemNode]     `json:"lineItems"`
				ShippingLines *conn[shippingLineNode] `json:"shippingLines"`
			} `json:"order"`
		}
		lines, ship := more(o.LineItems), more(o.ShippingLines)
		_, err := s.callSized(ctx, "read order "+o.Name, docOrderMore, func(sz pageSizes) map[string]any {
			return map[string]any{"id": o.ID, "first": sz.More, "lines": lines, "linesAfter": cursor(o.LineItems),
				"shipping": ship, "shippingAfter": cursor(o.ShippingLines)}
		}, func(sz *pageSizes) []*int { return []*int{&sz.More} }, func() any { d.Order = nil; return &d })
		if err != nil {
			return err
		}
		if d.Order == nil {
			return &core.StoreError{Op: "read order " + o.Name, Message: "the order was deleted while it was read", Err: core.ErrNotFound}
		}
		extend(o.LineItems, d.Order.LineItems)
		extend(o.ShippingLines, d.Order.ShippingLines)
	}
	for i := range o.Refunds {
		r := &o.Refunds[i]
		for more(r.RefundLineItems) || more(r.RefundShippingLines) {
			var d struct {
				Node *struct {
					RefundLineItems     *conn[refundLineNode]     `json:"refundLineItems"`
					RefundShippingLines *conn[refundShippingNode] `json:"refundShippingLines"`
				} `json:"node"`
			}
			lines, ship := more(r.RefundLineItems), more(r.RefundShippingLines)
			_, err := s.callSized(ctx, "read a refund of order "+o.Name, docRefundMore, func(sz pageSizes) map[string]any {
				return map[string]any{"id": r.ID, "first": sz.More, "lines": lines, "linesAfter": cursor(r.RefundLineItems),
					"shipping": ship, "shippingAfter": cursor(r.RefundShippingLines)}
			}, func(sz *pageSizes) []*int { return []*int{&sz.More} }, func() any { d.Node = nil; return &d })
			if err != nil {
				return err
			}
			if d.Node == nil {
				return &core.StoreError{Op: "read a refund of order " + o.Name, Message: "the refund could not be read", Err: core.ErrNotFound}
			}
			extend(r.RefundLineItems, d.Node.RefundLineItems)
			extend(r.RefundShippingLines, d.Node.RefundShippingLines)
		}
	}
	return nil
}

func more[T any](c *conn[T]) bool {
	return c != nil && c.PageInfo.HasNextPage && c.PageInfo.EndCursor != ""
}

func cursor[T any](c *conn[T]) any {
	if !more(c) {
		return nil
	}
	return c.PageInfo.EndCursor
}

// extend appends a follow-up page to c (when it was asked for) and takes over its page info.
func extend[T any](c, next *conn[T]) {
	if c == nil || next == nil || !more(c) {
		return
	}
	c.Nodes = append(c.Nodes, next.Nodes...)
	c.PageInfo = next.PageInfo
}

func nodes[T any](c *conn[T]) []T {
	if c == nil {
		return nil
	}
	return c.Nodes
}

// restocking restock types put the returned units back in stock.
var restocking = map[string]bool{"RETURN": true, "CANCEL": true, "LEGACY_RESTOCK": true}

// storeOrder maps an order (complete with its lines) to the invoice model of core.StoreOrder.
//
// A line's quantity is the quantity sold after any order edit: the ordered quantity less units an
// edit removed, which is currentQuantity plus the units refunded (refunds are returns, reported
// separately). Shopify's totalPriceSet counts the order after edits and before refunds, and
// discountAllocations and taxLines are those of the edited line, so with that quantity
//
//	totalPriceSet = Σ(q × originalUnitPrice − Σ discountAllocations) + Σ shipping discountedPrice
//	                (+ Σ line and shipping taxLines unless taxesIncluded)
//
// holds exactly. Shopify allocates every discount (order-level codes included) to lines, so the
// order-level Discount is zero.
func storeOrder(o *orderNode) core.StoreOrder {
	so := core.StoreOrder{
		ExternalID:    o.ID,
		Name:          o.Name,
		CreatedAt:     o.CreatedAt.Time,
		UpdatedAt:     o.UpdatedAt.Time,
		Status:        strings.ToLower(str(o.DisplayFinancialStatus)),
		Cancelled:     !o.CancelledAt.IsZero(),
		CancelledAt:   o.CancelledAt.Time,
		Currency:      o.CurrencyCode,
		TaxesIncluded: o.TaxesIncluded,
		Total:         o.TotalPriceSet.amount(),
		StockReduced:  true,
	}
	if c := o.Customer; c != nil {
		so.Customer = &core.StoreCustomer{ExternalID: c.ID, Name: c.DisplayName,
			Email: firstOf(str(c.Email), str(o.Email)), Phone: firstOf(str(c.Phone), str(o.Phone))}
	} else {
		so.GuestEmail = str(o.Email)
		so.GuestPhone = str(o.Phone)
		for _, a := range []*addressNode{o.BillingAddress, o.ShippingAddress} {
			if a == nil {
				continue
			}
			so.GuestName = firstOf(so.GuestName, strings.TrimSpace(str(a.Name)))
			so.GuestPhone = firstOf(so.GuestPhone, str(a.Phone))
		}
	}
	refunded := map[string]decimal.Decimal{}
	for _, r := range o.Refunds {
		for _, rl := range nodes(r.RefundLineItems) {
			if rl.LineItem != nil {
				refunded[rl.LineItem.ID] = refunded[rl.LineItem.ID].Add(rl.Quantity.Decimal)
			}
		}
	}
	for _, l := range nodes(o.LineItems) {
		qty := l.Quantity.Decimal
		if l.CurrentQuantity.Valid {
			if kept := l.CurrentQuantity.Add(refunded[l.ID]); kept.LessThan(qty) {
				qty = kept // units removed by an order edit were never sold
			}
		}
		line := core.StoreLine{
			ExternalID: l.ID,
			SKU:        str(l.SKU),
			Name:       l.Name,
			Quantity:   qty,
			UnitPrice:  l.OriginalUnitPriceSet.amount(),
			Tax:        sumTax(l.TaxLines),
		}
		if line.Name == "" {
			line.Name = l.Title
		}
		if l.Variant != nil {
			line.ProductID = l.Variant.ID
			line.Barcode = str(l.Variant.Barcode)
		}
		for _, a := range l.DiscountAllocations {
			line.Discount = line.Discount.Add(a.AllocatedAmountSet.amount())
		}
		so.Lines = append(so.Lines, line)
	}
	for _, sl := range nodes(o.ShippingLines) {
		so.Charges = append(so.Charges, core.StoreCharge{Kind: "shipping", Title: sl.Title,
			Amount: sl.DiscountedPriceSet.amount(), Tax: sumTax(sl.TaxLines)})
	}
	for _, r := range o.Refunds {
		sr := core.StoreRefund{ExternalID: r.ID, CreatedAt: r.CreatedAt.Time, Note: str(r.Note), Total: r.TotalRefundedSet.amount()}
		for _, rl := range nodes(r.RefundLineItems) {
			line := core.StoreRefundLine{Quantity: rl.Quantity.Decimal, Subtotal: rl.SubtotalSet.amount(),
				Tax: rl.TotalTaxSet.amount(), Restock: restocking[rl.RestockType] && rl.Restocked}
			if rl.LineItem != nil {
				line.LineID = rl.LineItem.ID
			}
			sr.Lines = append(sr.Lines, line)
		}
		for _, rs := range nodes(r.RefundShippingLines) {
			sr.Shipping = sr.Shipping.Add(rs.SubtotalAmountSet.amount())
			sr.ShippingTax = sr.ShippingTax.Add(rs.TaxAmountSet.amount())
		}
		so.Refunds = append(so.Refunds, sr)
	}
	storePayments(o, &so)
	return so
}

// storePayments fills an order's payment method and payments from its transactions. Money moved
// only by a transaction whose status is SUCCESS: a SALE or CAPTURE brought it in, a REFUND gave it
// back, and so did a CHANGE (the change handed back on cash paid over the amount). Authorizations,
// voids, suggestions and pending or failed attempts moved none; an order to be paid on delivery has
// none until the merchant marks it paid; nor did a transaction of nothing. Each payment is dated
// when the gateway processed it.
func storePayments(o *orderNode, so *core.StoreOrder) {
	for _, g := range o.PaymentGatewayNames {
		if g = strings.TrimSpace(g); g != "" {
			so.PaymentMethod = g
			break
		}
	}
	for _, t := range o.Transactions {
		if t.Status != "SUCCESS" || !t.AmountSet.amount().IsPositive() {
			continue
		}
		p := core.StorePayment{ExternalID: t.ID, Method: strings.TrimSpace(str(t.Gateway)), MethodTitle: strings.TrimSpace(str(t.FormattedGateway)),
			Amount: t.AmountSet.amount(), PaidAt: t.ProcessedAt.Time}
		if p.PaidAt.IsZero() {
			p.PaidAt = t.CreatedAt.Time
		}
		switch t.Kind {
		case "SALE", "CAPTURE":
		case "REFUND", "CHANGE":
			p.Refund = true
		default:
			continue
		}
		if so.PaymentMethod == "" {
			so.PaymentMethod = p.Method
		}
		if p.Method == so.PaymentMethod && so.PaymentMethodTitle == "" {
			so.PaymentMethodTitle = p.MethodTitle
		}
		so.Payments = append(so.Payments, p)
	}
}

func sumTax(lines []taxLineNode) decimal.Decimal {
	t := decimal.Zero
	for _, x := range lines {
		t = t.Add(x.PriceSet.amount())
	}
	return t
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
