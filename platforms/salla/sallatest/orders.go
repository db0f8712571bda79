package sallatest

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// routeOrders answers the order endpoints. Called with s.mu held.
func (s *Server) routeOrders(r *http.Request, parts []string) (answer, *apiError, bool) {
	if r.Method != http.MethodGet || len(parts) == 0 || parts[0] != "orders" {
		return answer{}, nil, false
	}
	q := r.URL.Query()
	orderParam := func() (*order, *apiError) {
		n, _ := strconv.ParseInt(q.Get("order_id"), 10, 64)
		if q.Get("order_id") == "" {
			return nil, invalid("order_id", "The order id field is required.")
		}
		if o := s.st.orders[n]; o != nil {
			return o, nil
		}
		return nil, invalid("order_id", "The selected order id is invalid.")
	}
	switch {
	case len(parts) == 1:
		a, e := s.listOrders(r)
		return a, e, true
	case len(parts) == 2 && parts[1] == "items":
		o, e := orderParam()
		if e != nil {
			return answer{}, e, true
		}
		a, e := s.pageOf(r, len(o.items), func(i int) any { return itemJSON(o.items[i]) })
		return a, e, true
	case len(parts) == 2 && parts[1] == "invoices":
		var docs []*document
		var owners []*order
		if q.Get("order_id") != "" {
			o, e := orderParam()
			if e != nil {
				return answer{}, e, true
			}
			for _, d := range o.docs {
				docs, owners = append(docs, d), append(owners, o)
			}
		} else {
			for _, id := range sortedKeys(s.st.orders) {
				for _, d := range s.st.orders[id].docs {
					docs, owners = append(docs, d), append(owners, s.st.orders[id])
				}
			}
		}
		a, e := s.pageOf(r, len(docs), func(i int) any { return docJSON(owners[i], docs[i]) })
		return a, e, true
	case len(parts) == 2 && parts[1] == "statuses":
		return ok(s.statusesJSON()), nil, true
	case len(parts) == 2:
		n, _ := strconv.ParseInt(parts[1], 10, 64)
		o := s.st.orders[n]
		if o == nil {
			return answer{}, errorf(http.StatusNotFound, "not_found", "The order was not found."), true
		}
		light := !s.opt.ExtendedDetail || q.Get("format") == "light"
		return ok(s.orderJSON(o, light)), nil, true
	case len(parts) == 3 && parts[2] == "histories":
		n, _ := strconv.ParseInt(parts[1], 10, 64)
		o := s.st.orders[n]
		if o == nil {
			return answer{}, errorf(http.StatusNotFound, "not_found", "The order was not found."), true
		}
		hs := append([]*history(nil), o.histories...)
		sort.SliceStable(hs, func(i, j int) bool { // newest first
			if hs[i].at.Equal(hs[j].at) {
				return hs[i].id > hs[j].id
			}
			return hs[i].at.After(hs[j].at)
		})
		a, e := s.pageOf(r, len(hs), func(i int) any { return historyJSON(hs[i]) })
		return a, e, true
	}
	return answer{}, nil, false
}

// listOrders answers GET /orders: sort_by (id, total, updated_at, created_at with -asc or
// -desc; default id-desc), status[] (status ids, an original's id taking its custom children),
// from_date/to_date (creation date, yyyy-mm-dd, store time), customer_id, reference_id. The
// rows are the short list form: no updated_at.
func (s *Server) listOrders(r *http.Request) (answer, *apiError) {
	q := r.URL.Query()
	field, dir := "id", "desc"
	if v := q.Get("sort_by"); v != "" {
		f, d, found := strings.Cut(v, "-")
		if !found || (d != "asc" && d != "desc") || (f != "id" && f != "total" && f != "updated_at" && f != "created_at") {
			return answer{}, invalid("sort_by", "The selected sort by is invalid.")
		}
		field, dir = f, d
	}
	statuses := map[int64]bool{}
	for _, k := range []string{"status[]", "status"} {
		for _, v := range q[k] {
			for _, p := range strings.Split(v, ",") {
				n, _ := strconv.ParseInt(strings.TrimSpace(p), 10, 64)
				statuses[n] = true
			}
		}
	}
	var from, to time.Time
	for _, d := range []struct {
		key string
		to  *time.Time
	}{{"from_date", &from}, {"to_date", &to}} {
		if v := q.Get(d.key); v != "" {
			t, err := time.ParseInLocation("2006-01-02", v, riyadh)
			if err != nil {
				return answer{}, invalid(d.key, "The "+strings.ReplaceAll(d.key, "_", " ")+" does not match the format Y-m-d.")
			}
			*d.to = t
		}
	}
	var list []*order
	for _, id := range sortedKeys(s.st.orders) {
		o := s.st.orders[id]
		if len(statuses) > 0 && !statuses[o.status.id] && (o.status.original == nil || !statuses[o.status.original.id]) {
			continue
		}
		if !from.IsZero() && o.createdAt.Before(from) {
			continue
		}
		if !to.IsZero() && !o.createdAt.Before(to.AddDate(0, 0, 1)) {
			continue
		}
		if v := q.Get("customer_id"); v != "" && (o.buyer.customer == nil || strconv.FormatInt(o.buyer.customer.id, 10) != v) {
			continue
		}
		if v := q.Get("reference_id"); v != "" && strconv.FormatInt(o.reference, 10) != v {
			continue
		}
		list = append(list, o)
	}
	keys := make(map[*order]int64, len(list))
	for _, o := range list {
		switch field {
		case "total":
			keys[o] = o.compute().total.Shift(2).IntPart()
		case "updated_at":
			keys[o] = o.updatedAt.UnixNano()
		case "created_at":
			keys[o] = o.createdAt.UnixNano()
		default:
			keys[o] = o.id
		}
	}
	sort.SliceStable(list, func(i, j int) bool {
		a, b := keys[list[i]], keys[list[j]]
		if a == b {
			a, b = list[i].id, list[j].id
		}
		if dir == "asc" {
			return a < b
		}
		return a > b
	})
	ans, e := s.pageOf(r, len(list), func(i int) any { return s.orderRow(list[i]) })
	if e != nil {
		return ans, e
	}
	pg, per, _ := paging(q)
	lo, hi := slice(len(list), pg, per)
	for _, o := range list[lo:hi] {
		ans.orderIDs = append(ans.orderIDs, o.id)
	}
	return ans, nil
}

func statusJSON(st *status) map[string]any {
	orig := st
	if st.original != nil {
		orig = st.original
	}
	return map[string]any{"id": orig.id, "name": st.name, "slug": orig.slug,
		"customized": map[string]any{"id": st.id, "name": st.name}}
}

func (s *Server) statusesJSON() []any {
	var out []any
	for i, st := range s.st.statuses {
		row := map[string]any{"id": st.id, "name": st.name, "type": "original", "slug": st.slug, "sort": i, "is_active": true,
			"message": "", "color": "#58C9B9", "icon": "sicon-box", "original": nil, "parent": nil}
		if st.custom {
			row["type"] = "custom"
			row["original"] = map[string]any{"id": st.original.id, "name": st.original.name}
			row["parent"] = map[string]any{"id": st.original.id, "name": st.original.name}
		}
		out = append(out, row)
	}
	return out
}

// orderRow is an order as GET /orders lists it.
func (s *Server) orderRow(o *order) map[string]any {
	a := o.compute()
	items := []any{}
	for _, it := range o.items {
		items = append(items, map[string]any{"name": it.name, "quantity": it.quantity, "thumbnail": ""})
	}
	return map[string]any{"id": o.id, "reference_id": o.reference, "total": money(a.total), "date": dateObj(o.createdAt),
		"status": statusJSON(o.status), "can_cancel": o.status.slug == StatusUnderReview || o.status.slug == StatusPaymentPending,
		"can_reorder": true, "is_pending_payment": o.status.slug == StatusPaymentPending, "payment_method": o.payment,
		"features": map[string]any{"digitalable": false, "shippable": true}, "items": items}
}

// orderJSON is GET /orders/{id}. The light form leaves out items, shipments, pickup_branch
// and the customer's groups. A guest's customer object has the checkout's details and id null
// (how Salla marks a guest in the API is not documented).
func (s *Server) orderJSON(o *order, light bool) map[string]any {
	a := o.compute()
	b := o.buyer
	cust := map[string]any{"id": nil, "first_name": b.first, "last_name": b.last, "mobile": b.mobile, "mobile_code": "+966",
		"email": b.em, "city": b.city, "country": "السعودية", "country_code": "SA", "avatar": "", "urls": map[string]any{}}
	if b.customer != nil {
		cust["id"] = b.customer.id
	}
	discounts := []any{}
	if o.coupon != nil && a.discount.IsPositive() {
		kind := "fixed"
		if o.coupon.percent.IsPositive() {
			kind = "percentage"
		}
		discounts = append(discounts, map[string]any{"title": "كوبون " + o.coupon.code, "type": kind, "code": o.coupon.code,
			"discount": a.discount.StringFixed(2), "discounted_shipping": "0.00"})
	}
	out := map[string]any{
		"id": o.id, "reference_id": o.reference, "date": dateObj(o.createdAt), "updated_at": dateObj(o.updatedAt),
		"source": "store", "status": statusJSON(o.status), "payment_method": o.payment, "currency": "SAR",
		"is_pending_payment": o.status.slug == StatusPaymentPending, "exchange_rate": nil,
		"amounts": map[string]any{
			"sub_total": money(a.subTotal), "shipping_cost": money(a.shipping), "cash_on_delivery": money(a.cod),
			"tax":       map[string]any{"percent": "15.00", "amount": money(a.tax)},
			"discounts": discounts, "total": money(a.total),
		},
		"customer": cust,
		"receiver": map[string]any{"name": strings.TrimSpace(b.first + " " + b.last), "email": b.em, "phone": b.mobile},
		"urls":     map[string]any{"admin": fmt.Sprintf("https://s.salla.sa/orders/order/%d", o.id)},
	}
	if !light {
		items := []any{}
		for _, it := range o.items {
			items = append(items, itemJSON(it))
		}
		out["items"] = items
		out["shipments"] = []any{}
		out["pickup_branch"] = nil
	}
	return out
}

// itemJSON is an order line as GET /orders/items lists it: no product or variant id, only the
// SKU and the chosen option values.
func itemJSON(it *item) map[string]any {
	opts := []any{}
	for _, v := range it.values {
		opts = append(opts, map[string]any{"id": v.id, "product_option_id": v.id - 1, "name": "", "type": "radio",
			"value": map[string]any{"id": v.id, "name": v.name, "price": money(v.price)}})
	}
	return map[string]any{"id": it.id, "name": it.name, "sku": it.sku, "quantity": it.quantity, "currency": "SAR",
		"weight": 0, "product_type": "product", "notes": "", "options": opts,
		"amounts": map[string]any{
			"price_without_tax": money(it.unit), "total_discount": money(it.discount),
			"tax":   map[string]any{"percent": "15.00", "amount": money(it.tax)},
			"total": money(it.total),
		}}
}

func historyJSON(h *history) map[string]any {
	st := h.status
	cz := map[string]any{"id": st.id, "name": st.name, "type": "original", "slug": st.slug, "original": map[string]any{"id": st.id, "name": st.name}, "parent": nil}
	if st.custom {
		cz["type"] = "custom"
		cz["original"] = map[string]any{"id": st.original.id, "name": st.original.name}
		cz["parent"] = map[string]any{"id": st.original.id, "name": st.original.name}
	}
	return map[string]any{"id": h.id, "status": st.name, "customized": cz, "note": h.note, "created_at": dateObj(h.at),
		"created_by": nil, "type": h.kind}
}

// docJSON is a Tax Invoice or Credit Note as GET /orders/invoices lists it. The docs' example
// sends sub_total, shipping_cost, cod_cost, discount and the tax amount as strings ("1000.00")
// but total as a number (1161.5); the double does the same.
func docJSON(o *order, d *document) map[string]any {
	items := []any{}
	for _, l := range d.lines {
		items = append(items, map[string]any{"id": l.it.id, "item_id": l.it.id, "product_id": l.it.of.p.id, "name": l.it.name,
			"quantity": l.quantity, "type": "product", "price": moneyText(l.price), "discount": moneyText(l.discount),
			"tax": map[string]any{"percent": "15.00", "amount": moneyText(l.tax)}, "total": money(l.total)})
	}
	return map[string]any{"id": d.id, "invoice_number": d.number, "uuid": d.uuid, "order_id": o.id,
		"invoice_reference_id": nil, "type": d.kind, "date": d.at.In(riyadh).Format("2006-01-02"),
		"qr_code": "AQ" + d.uuid[:8], "payment_method": o.payment,
		"sub_total":     moneyText(d.subTotal),
		"shipping_cost": map[string]any{"amount": d.shipping.StringFixed(2), "taxable": true, "currency": "SAR"},
		"cod_cost":      map[string]any{"amount": d.cod.StringFixed(2), "taxable": true, "currency": "SAR"},
		"discount":      moneyText(d.discount),
		"tax":           map[string]any{"percent": "15.00", "amount": moneyText(d.tax)},
		"total":         money(d.total), "items": items}
}

// Order life. All called with s.mu held.

func (s *Server) setStatus(o *order, st *status, note string, at time.Time) {
	was := o.status
	o.status = st
	o.updatedAt = at
	o.histories = append(o.histories, &history{id: s.st.id("history"), status: st, note: note, at: at, kind: "activity"})
	if s.opt.NoInvoices {
		s.applyStock(o, was, st)
		return
	}
	if st.slug == StatusCompleted && !hasDoc(o, "Tax Invoice") {
		s.issueInvoice(o, at)
	}
	if st.slug == StatusRestored {
		s.creditRest(o, at)
	}
	s.applyStock(o, was, st)
}

// applyStock puts an order's units back when it is cancelled or restored.
func (s *Server) applyStock(o *order, was, now *status) {
	if o.restocked || (now.slug != StatusCanceled && now.slug != StatusRestored) {
		return
	}
	br := s.st.defaultBranch().id
	for _, it := range o.items {
		if left := it.quantity - it.returned; left > 0 {
			it.of.stockMap()[br] += left
			it.of.touch(o.updatedAt)
		}
		if now.slug == StatusRestored {
			it.returned = it.quantity
		}
	}
	o.restocked = true
}

func hasDoc(o *order, kind string) bool {
	for _, d := range o.docs {
		if d.kind == kind {
			return true
		}
	}
	return false
}

func (s *Server) newDoc(kind string, at time.Time) *document {
	s.st.nextDoc++
	prefix := "INV"
	if kind == "Credit Note" {
		prefix = "CN"
	}
	u := fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", s.st.nextDoc*2654435761%0xffffffff, s.st.nextDoc%0xffff, s.st.nextDoc%0xfff,
		(s.st.nextDoc*7)%0xfff, s.st.nextDoc*104729)
	return &document{id: s.st.id("doc"), number: fmt.Sprintf("%s-%d", prefix, s.st.nextDoc), uuid: u, kind: kind, at: at}
}

// issueInvoice issues the order's Tax Invoice: all its lines and amounts.
func (s *Server) issueInvoice(o *order, at time.Time) {
	a := o.compute()
	d := s.newDoc("Tax Invoice", at)
	for _, it := range o.items {
		d.lines = append(d.lines, docLine{it: it, quantity: it.quantity, price: it.unit, discount: it.discount, tax: it.tax,
			total: it.total})
	}
	d.subTotal, d.shipping, d.cod, d.discount, d.tax, d.total = a.subTotal, a.shipping, a.cod, a.discount, a.tax, a.total
	o.docs = append(o.docs, d)
}

// credited sums what earlier credit notes gave back.
func credited(o *order) (sub, disc, ship, cod, tax, tot decimal.Decimal) {
	for _, d := range o.docs {
		if d.kind == "Credit Note" {
			sub, disc, ship, cod, tax, tot = sub.Add(d.subTotal), disc.Add(d.discount), ship.Add(d.shipping), cod.Add(d.cod), tax.Add(d.tax), tot.Add(d.total)
		}
	}
	return
}

// CreditLine asks for k units of an order's line i back.
type CreditLine struct {
	Line, Quantity int
	Restock        bool
}

// creditNote issues a Credit Note for some units of some lines, the shipping or not, or an
// amount only (tax included). Money: each line gives back unit × k less its discount share
// (round(discount_i × k / q_i)) and that net's tax rounded; a credit note that empties a line
// takes the exact remainders. Shipping gives back what is left of it, with its tax.
func (s *Server) creditNote(o *order, lines []CreditLine, shipping bool, amount decimal.Decimal, at time.Time) (*document, error) {
	if s.opt.NoInvoices {
		return nil, fmt.Errorf("the store issues no credit notes")
	}
	if !hasDoc(o, "Tax Invoice") {
		s.issueInvoice(o, at) // a credit note needs the tax invoice first
	}
	o.compute()
	d := s.newDoc("Credit Note", at)
	br := s.st.defaultBranch().id
	if amount.IsPositive() && len(lines) == 0 && !shipping {
		d.total = round2(amount)
		d.tax = round2(amount.Mul(vat).Div(decimal.NewFromInt(1).Add(vat)))
		d.subTotal = d.total.Sub(d.tax)
		o.docs = append(o.docs, d)
		o.updatedAt = at
		return d, nil
	}
	for _, cl := range lines {
		if cl.Line < 0 || cl.Line >= len(o.items) {
			return nil, fmt.Errorf("no line %d", cl.Line)
		}
		it := o.items[cl.Line]
		if cl.Quantity <= 0 || cl.Quantity > it.quantity-it.returned {
			return nil, fmt.Errorf("line %d has %d units left", cl.Line, it.quantity-it.returned)
		}
		k := decimal.NewFromInt(int64(cl.Quantity))
		var goneDisc, goneTax, goneTotal decimal.Decimal
		for _, prev := range o.docs {
			if prev.kind != "Credit Note" {
				continue
			}
			for _, l := range prev.lines {
				if l.it == it {
					goneDisc, goneTax, goneTotal = goneDisc.Add(l.discount), goneTax.Add(l.tax), goneTotal.Add(l.total)
				}
			}
		}
		l := docLine{it: it, quantity: cl.Quantity, price: it.unit}
		if it.returned+cl.Quantity == it.quantity {
			l.discount, l.tax, l.total = it.discount.Sub(goneDisc), it.tax.Sub(goneTax), it.total.Sub(goneTotal)
		} else {
			q := decimal.NewFromInt(int64(it.quantity))
			l.discount = round2(it.discount.Mul(k).Div(q))
			l.total = round2(it.total.Mul(k).Div(q))
			l.tax = l.total.Sub(it.unit.Mul(k).Sub(l.discount))
		}
		it.returned += cl.Quantity
		if cl.Restock {
			it.of.stockMap()[br] += cl.Quantity
			it.of.touch(at)
		}
		d.lines = append(d.lines, l)
		d.subTotal = d.subTotal.Add(it.unit.Mul(k))
		d.discount = d.discount.Add(l.discount)
		d.tax = d.tax.Add(l.tax)
		d.total = d.total.Add(l.total)
	}
	if shipping {
		// What is left of the shipping and the COD fee, with their tax: as charged when
		// prices include VAT, plus VAT on top when they exclude it.
		a := o.compute()
		_, _, ship, cod, _, _ := credited(o)
		d.shipping, d.cod = a.shipping.Sub(ship), a.cod.Sub(cod)
		charged := o.shipping.Add(o.cod).Sub(o.shipCredited)
		if o.exclusive {
			charged = d.shipping.Add(d.cod).Add(round2(d.shipping.Add(d.cod).Mul(vat)))
		}
		o.shipCredited = o.shipCredited.Add(charged)
		d.tax = d.tax.Add(charged.Sub(d.shipping).Sub(d.cod))
		d.total = d.total.Add(charged)
	}
	o.docs = append(o.docs, d)
	o.updatedAt = at
	return d, nil
}

// creditRest issues the Credit Note of a restored order: whatever earlier credit notes left,
// to the halala, so the credit notes add up to the invoice.
func (s *Server) creditRest(o *order, at time.Time) {
	if !hasDoc(o, "Tax Invoice") {
		s.issueInvoice(o, at)
	}
	var inv *document
	for _, d := range o.docs {
		if d.kind == "Tax Invoice" {
			inv = d
		}
	}
	sub, disc, ship, cod, tax, tot := credited(o)
	if tot.Equal(inv.total) {
		return
	}
	d := s.newDoc("Credit Note", at)
	for _, it := range o.items {
		left := it.quantity - it.returned
		if left <= 0 {
			continue
		}
		var goneDisc, goneTax decimal.Decimal
		for _, prev := range o.docs {
			for _, l := range prev.lines {
				if prev.kind == "Credit Note" && l.it == it {
					goneDisc, goneTax = goneDisc.Add(l.discount), goneTax.Add(l.tax)
				}
			}
		}
		k := decimal.NewFromInt(int64(left))
		l := docLine{it: it, quantity: left, price: it.unit, discount: it.discount.Sub(goneDisc), tax: it.tax.Sub(goneTax)}
		l.total = it.unit.Mul(k).Sub(l.discount).Add(l.tax)
		d.lines = append(d.lines, l)
	}
	d.subTotal, d.discount = inv.subTotal.Sub(sub), inv.discount.Sub(disc)
	d.shipping, d.cod, d.tax = inv.shipping.Sub(ship), inv.cod.Sub(cod), inv.tax.Sub(tax)
	d.total = inv.total.Sub(tot)
	o.docs = append(o.docs, d)
}

// nextStatus is where an order moves when it changes between two pages of a list: on along
// the flow, but never into or out of completed, so whether the order is invoiced under the
// default rule does not change (a completed order moves to a merchant's status under
// completed). Canceled and returned orders do not move.
func (s *Server) nextStatus(st *status) *status {
	switch st.slug {
	case StatusPaymentPending:
		return s.st.bySlug[StatusUnderReview]
	case StatusUnderReview:
		return s.st.bySlug[StatusInProgress]
	case StatusDelivering, StatusShipped:
		return s.st.bySlug[StatusDelivered]
	case StatusCompleted:
		for _, c := range s.st.statuses {
			if c.custom && c.original.slug == StatusCompleted && c != st {
				return c
			}
		}
		if !st.custom {
			return s.st.addStatus("تم التسليم للعميل", StatusCompleted)
		}
	}
	return st
}

// changeOrder is the ChangesMidPaging fault: the order moves to its next status (a comment
// when it has none), which bumps its updated_at and so its place in an updated_at sort.
func (s *Server) changeOrder(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.st.orders[id]
	if o == nil {
		return
	}
	now := s.clock.Now().Add(time.Second)
	if next := s.nextStatus(o.status); next != o.status {
		s.setStatus(o, next, "", now)
		return
	}
	o.histories = append(o.histories, &history{id: s.st.id("history"), status: o.status, note: "تواصل العميل", at: now, kind: "comment"})
	o.updatedAt = now
}
