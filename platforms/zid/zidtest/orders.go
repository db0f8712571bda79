package zidtest

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

const ordersPath = "/v1/managers/store/orders"

// routeOrders answers the order endpoints (under /v1/managers/store). Called with s.mu held.
func (s *Server) routeOrders(r *http.Request, parts []string) (answer, *apiError, bool) {
	path := "/" + strings.Join(parts, "/")
	if !strings.HasPrefix(path, ordersPath) {
		if strings.HasPrefix(path, "/v1/managers/store/reverse-orders") {
			a, e := s.routeReverse(r, path)
			return a, e, true
		}
		if path == "/v1/managers/reverse-credit-note/totals" && r.Method == http.MethodPost {
			a, e := s.reverseTotals(r)
			return a, e, true
		}
		return answer{}, nil, false
	}
	if r.Method != http.MethodGet {
		return answer{}, errorf(http.StatusMethodNotAllowed, "method_not_allowed", "The %s method is not supported for this route.", r.Method), true
	}
	rest := strings.Split(strings.Trim(strings.TrimPrefix(path, ordersPath), "/"), "/")
	if len(rest) == 1 && rest[0] == "" {
		a, e := s.listOrders(r)
		return a, e, true
	}
	id, _ := strconv.ParseInt(rest[0], 10, 64)
	o := s.st.orders[id]
	if len(rest) != 2 || (rest[1] != "view" && rest[1] != "credit-notes") {
		return answer{}, nil, false
	}
	if o == nil {
		return answer{}, errorf(http.StatusNotFound, "order_not_found", "Order not found."), true
	}
	if rest[1] == "view" {
		return ok(map[string]any{"status": "object", "order": s.orderJSON(o, "default", true, lang(r)),
			"message": map[string]any{"type": "object", "code": nil, "name": nil, "description": nil}}), nil, true
	}
	notes := []any{}
	for _, cn := range o.notes {
		notes = append(notes, s.creditNoteJSON(o, cn, lang(r)))
	}
	return ok(map[string]any{"code": "SUCCESS_WITH_SINGLE_PAYLOAD_OBJECT", "message": nil,
		"payload": map[string]any{"credit_notes": notes, "returned_items": returnedItems(o)}}), nil, true
}

// lang is the answer's language, from Accept-Language (Arabic unless English is asked for).
func lang(r *http.Request) string {
	if strings.HasPrefix(strings.ToLower(r.Header.Get("Accept-Language")), "en") {
		return "en"
	}
	return "ar"
}

// parseDate reads date_from and date_to: the docs' "2020-01-01T00:00:00.000+0000", or a
// plain date or date and time (UTC, as the orders' dates are).
func parseDate(v string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05-0700", time.RFC3339Nano,
		"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, time.UTC); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// listOrders answers GET /v1/managers/store/orders: page (from 1), per_page (10 by default,
// at most 100), payload_type (simple by default: no products; default adds them; tiny; print
// adds the tax invoice's QR text to default), order_id (ids, comma-separated),
// order_status (one code or several, comma-separated), payment_status, customer_id, date_from/date_to on date_attribute (created_at
// or updated_at), order_by (created_at, updated_at or id) and sort_by (asc or desc, desc by
// default). There is no next link: total_order_count says how many orders match.
func (s *Server) listOrders(r *http.Request) (answer, *apiError) {
	q := r.URL.Query()
	page, per := 1, 10
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return answer{}, invalid("page", "The page must be at least 1.")
		}
		page = n
	}
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return answer{}, invalid("per_page", "The per page must be at least 1.")
		}
		per = min(n, 100)
	}
	payload := q.Get("payload_type")
	switch payload {
	case "":
		payload = "simple"
	case "default", "simple", "tiny", "print":
	default:
		return answer{}, invalid("payload_type", "The selected payload type is invalid.")
	}
	attr := q.Get("date_attribute")
	if attr == "" {
		attr = "created_at"
	}
	if attr != "created_at" && attr != "updated_at" {
		return answer{}, invalid("date_attribute", "The selected date attribute is invalid.")
	}
	var from, to time.Time
	for _, p := range []struct {
		key string
		at  *time.Time
	}{{"date_from", &from}, {"date_to", &to}} {
		if v := q.Get(p.key); v != "" {
			t, good := parseDate(v)
			if !good {
				return answer{}, invalid(p.key, "The %s is not a valid date.", strings.ReplaceAll(p.key, "_", " "))
			}
			*p.at = t
		}
	}
	orderBy, sortBy := q.Get("order_by"), q.Get("sort_by")
	if orderBy == "" {
		orderBy = "created_at"
	}
	if sortBy == "" {
		sortBy = "desc"
	}
	if (orderBy != "created_at" && orderBy != "updated_at" && orderBy != "id") || (sortBy != "asc" && sortBy != "desc") {
		return answer{}, invalid("sort_by", "The selected sort by is invalid.")
	}
	var list []*order
	only := orderIDs(q)
	for _, id := range sortedIDs(s.st.orders) {
		o := s.st.orders[id]
		if only != nil && !only[id] {
			continue
		}
		at := o.createdAt
		if attr == "updated_at" {
			at = o.updatedAt
		}
		switch {
		case !from.IsZero() && at.Before(from), !to.IsZero() && at.After(to):
			continue
		case q.Get("order_status") != "" && !anyStatus(o.status, q.Get("order_status")):
			continue
		case q.Get("payment_status") != "" && o.paid != q.Get("payment_status"):
			continue
		case q.Get("customer_id") != "" && strconv.FormatInt(o.buyer.id, 10) != q.Get("customer_id"):
			continue
		}
		list = append(list, o)
	}
	key := func(o *order) int64 {
		switch orderBy {
		case "updated_at":
			return o.updatedAt.Unix()
		case "id":
			return o.id
		}
		return o.createdAt.Unix()
	}
	sort.SliceStable(list, func(i, j int) bool {
		a, b := key(list[i]), key(list[j])
		if a == b {
			a, b = list[i].id, list[j].id
		}
		return (a < b) == (sortBy == "asc")
	})
	counts := map[string]int{"new": 0, "preparing": 0, "ready": 0, "indelivery": 0, "delivered": 0, "cancelled": 0,
		"reversed": 0, "reverse_in_progress": 0, "partially_reversed": 0, "initial": 0}
	for _, o := range s.st.orders {
		counts[statusInfo[o.status].counted]++
	}
	rows := []any{}
	var ids []int64
	for i := (page - 1) * per; i < min(len(list), page*per); i++ {
		rows = append(rows, s.orderJSON(list[i], payload, false, lang(r)))
		ids = append(ids, list[i].id)
	}
	return answer{status: http.StatusOK, orderIDs: ids, body: map[string]any{"status": "object", "orders": rows,
		"grand_total": len(list), "total_order_count": len(list), "total_order_count_per_status": counts,
		"tax_settings": taxSettings()}}, nil
}

// anyStatus: order_status may list several codes, comma-separated.
func anyStatus(have, want string) bool {
	for _, w := range strings.Split(want, ",") {
		if sameStatus(have, strings.TrimSpace(w)) {
			return true
		}
	}
	return false
}

// sameStatus: a filter for either spelling of the cancelled state finds both.
func sameStatus(have, want string) bool {
	cancelled := func(s string) bool { return s == StatusCanceled || s == StatusCancelled }
	return have == want || (cancelled(have) && cancelled(want))
}

func taxSettings() map[string]any {
	return map[string]any{"can_use_vat": true, "vat_activate": true, "is_vat_self_paid": true,
		"is_vat_included_in_product_price": true, "is_shipping_fee_included_in_vat": true, "other_countries_tax_percentage": 0.15,
		"countries": []any{map[string]any{"id": uuid("vat-country", 184), "country": map[string]any{"id": 184,
			"name": map[string]any{"ar": "السعودية", "en": "Saudi Arabia"}, "iso_code_2": "SA", "iso_code_3": "SAU"},
			"tax_percentage": 0.15, "vat_number": "300123456700003", "settings": []any{}}}}
}

// invoiceLine is one of payment.invoice[]: value a 14-decimal string, value_string formatted.
func invoiceLine(code, en, ar, language string, v decimal.Decimal, numeric bool) map[string]any {
	title := ar
	if language == "en" {
		title = en
	}
	var value any = fixed14(v)
	if numeric {
		value = num(v)
	}
	return map[string]any{"code": code, "value": value, "value_string": formatted(v), "title": title}
}

// numericMoney: some orders send order_total and payment.invoice[].value as JSON numbers
// instead of 14-decimal strings (the SDK's models take "str | float" for both, and real
// answers show numbers there); the double does so for every sixth order by its id.
func numericMoney(o *order) bool { return (o.id/3)%6 == 1 }

// textIDs: some answers send customer.id as a string (the docs' examples do); the double does
// so for every fifth order by its id.
func textIDs(o *order) bool { return (o.id/3)%5 == 2 }

// invoiceLines are a document's payment.invoice[]. The codes are the ones real answers show
// (sub_totals_before_vat, coupon, sub_totals_after_coupon_discount, shipping, taxable_amount,
// vat, sub_totals_after_vat, total); the cash-on-delivery fee's code, cash_on_delivery, is
// not in any example seen and is the double's guess.
func invoiceLines(a amounts, language string, numeric bool) []any {
	line := func(code, en, ar string, v decimal.Decimal) map[string]any {
		return invoiceLine(code, en, ar, language, v, numeric)
	}
	out := []any{line("sub_totals_before_vat", "Total without VAT", "المجموع غير شامل الضريبة", a.subTotal)}
	if a.coupon.IsPositive() {
		out = append(out, line("coupon", "Coupon discount", "قسيمة التخفيض", a.coupon.Neg()),
			line("sub_totals_after_coupon_discount", "Total after discount", "قيمة المنتجات بعد التخفيض", a.subTotal.Sub(a.coupon)))
	}
	if a.shipping.IsPositive() {
		out = append(out, line("shipping", "Shipping", "التوصيل", a.shipping))
	}
	if a.cod.IsPositive() {
		out = append(out, line("cash_on_delivery", "Cash on delivery fee", "رسوم الدفع عند الاستلام", a.cod))
	}
	return append(out,
		line("taxable_amount", "Taxable amount", "المبلغ الخاضع للضريبة", a.taxable()),
		line("vat", "VAT (%15)", "ضريبة القيمة المضافة (15%)", a.vat()),
		line("sub_totals_after_vat", "Total Inc. VAT", "المجموع شامل الضريبة", a.total()),
		line("total", "Total", "المجموع الكلي", a.total()))
}

func statusJSON(status, language string) (map[string]any, map[string]any) {
	info := statusInfo[status]
	name := info.ar
	if language == "en" {
		name = info.en
	}
	return map[string]any{"name": name, "code": status}, map[string]any{"id": info.id, "code": status, "color": info.color, "name": name}
}

func customerJSON(c *customer, textID bool) map[string]any {
	var id any = c.id
	if textID {
		id = strconv.FormatInt(c.id, 10)
	}
	return map[string]any{"id": id, "name": c.name, "email": c.email, "mobile": c.mobile, "note": "", "verified": 1, "type": "individual"}
}

var paymentNames = map[string][3]string{
	"zidpay":            {"بطاقة إئتمانية", "Credit card", "cc"},
	"zid_cod":           {"الدفع عند الاستلام", "Cash on delivery", "zid_cod"},
	"zid_bank_transfer": {"تحويل بنكي", "Bank Transfer", "zid_bank_transfer"},
}

// lineJSON is an order's product line. Prices and totals are numbers (with Zid's tails),
// tax_amount a 14-decimal string, each with its *_string.
func lineJSON(it *item) map[string]any {
	q := decimal.NewFromInt(int64(it.quantity))
	gross := it.gross()
	total := gross.Mul(q)
	tax := total.Sub(it.netTotal())
	discounted := it.netTotal().Sub(it.share).Mul(withVAT)
	var parentID, parentName any
	options := []any{}
	if p := it.of.parent; p != nil {
		parentID, parentName = p.id, p.name.text()
		options = append(options, map[string]any{"name": p.option, "value": it.of.value})
	}
	discounts := []any{}
	if it.share.IsPositive() {
		discounts = append(discounts, map[string]any{"type": "coupon", "amount": num(it.share.Mul(withVAT))})
	}
	return map[string]any{
		"id": it.of.id, "order_product_id": it.opID, "parent_id": parentID, "parent_name": parentName, "product_class": nil,
		"name": it.name, "short_description": nil, "sku": it.sku, "barcode": nilIfEmpty(it.barcode), "custom_fields": []any{},
		"quantity": it.quantity, "weight": nil, "is_taxable": true, "is_discounted": it.share.IsPositive(), "meta": nil,
		"is_external_product": false, "discounts": discounts,
		"net_price_with_additions": num(it.net), "net_price_with_additions_string": formatted(it.net),
		"price_with_additions": num(gross), "price_with_additions_string": formatted(gross),
		"net_price": num(it.net), "net_price_string": formatted(it.net), "net_sale_price": nil, "net_sale_price_string": nil,
		"gross_price": num(gross), "gross_price_string": formatted(gross), "gross_sale_price": nil, "gross_sale_price_string": nil,
		"price_before": nil, "price_before_string": nil, "total_before": nil, "total_before_string": nil,
		"discount_percentage": 0, "tax_percentage": 0.15,
		"tax_amount": fixed14(tax), "tax_amount_string": formatted(tax), "tax_amount_string_per_item": formatted(gross.Sub(it.net)),
		"price": num(gross), "price_string": formatted(gross), "additions_price": 0, "additions_price_string": "0.00 SAR",
		"total": num(total), "total_string": formatted(total),
		"discounted_total": num(discounted), "discounted_total_string": formatted(discounted),
		"images": []any{}, "options": options, "inventory_allocations": []any{},
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// orderJSON is an order as the list (payload simple, default or tiny) and the detail show it.
// Dates are "YYYY-MM-DD HH:MM:SS" in UTC with no zone; order_total is a 14-decimal string
// beside order_total_string, transaction_amount a float.
func (s *Server) orderJSON(o *order, payload string, detail bool, language string) map[string]any {
	total := o.money.total()
	st, display := statusJSON(o.status, language)
	if payload == "tiny" {
		return map[string]any{"id": o.id, "invoice_number": o.id, "currency": "SAR", "customer": customerJSON(o.buyer, textIDs(o)),
			"status": o.status, "source": "Store", "shipping_method": "عادي", "payment": o.payment, "payment_status": o.paid,
			"total": fixed14(total), "created_at": orderTime(o.createdAt), "updated_at": orderTime(o.updatedAt)}
	}
	var orderTotal any = fixed14(total)
	if numericMoney(o) {
		orderTotal = num(total)
	}
	guest := 0
	if o.guest {
		guest = 1
	}
	pay := paymentNames[o.payment]
	payName := pay[0]
	if language == "en" {
		payName = pay[1]
	}
	out := map[string]any{
		"id": o.id, "invoice_number": o.id, "code": o.code, "store_id": s.opt.StoreID,
		"order_url": "https://nakhla.zid.store/o/" + o.code + "/inv", "store_name": s.opt.StoreName,
		"shipping_method_code": "zid_zidship", "store_url": "https://nakhla.zid.store/",
		"order_status": st, "display_status": display, "currency_code": "SAR", "customer": customerJSON(o.buyer, textIDs(o)),
		"has_different_consignee": 0, "is_guest_customer": guest, "is_gift_order": 0, "gift_card_details": nil,
		"is_quick_checkout_order": false, "order_total": orderTotal, "order_total_string": formatted(total),
		"has_different_transaction_currency": false, "transaction_reference": nil,
		"transaction_amount": num(total), "transaction_amount_string": formatted(total), "issue_date": issueDate(o.createdAt),
		"payment_status": o.paid, "is_potential_fraud": false, "source": "Store", "source_code": "catalog",
		"is_reseller_transaction": false, "created_at": orderTime(o.createdAt), "updated_at": orderTime(o.updatedAt),
		"is_on_demand": false, "import_id": nil, "tags": []any{}, "requires_shipping": true,
		"should_merchant_set_shipping_method": false,
		"shipping": map[string]any{
			"method": map[string]any{"id": 503934, "name": "عادي", "code": "zid_zidship", "estimated_delivery_time": "1-5 أيام عمل",
				"is_system_option": true, "waybill": nil, "tracking": map[string]any{"number": nil, "status": nil, "url": nil},
				"courier": nil, "return_shipment": nil},
			"address": map[string]any{"formatted_address": nil, "street": "طريق الملك فهد", "district": "العليا", "lat": nil, "lng": nil,
				"city": map[string]any{"id": 1, "name": "الرياض"}, "country": map[string]any{"id": 184, "name": "السعودية", "code": "SA"}},
		},
		"payment": map[string]any{"method": map[string]any{"name": payName, "code": o.payment, "type": pay[2]},
			"invoice": invoiceLines(o.money, language, numericMoney(o))},
		"cod_confirmed": o.payment == "zid_cod" && o.paid == "paid", "reverse_order_label_request": nil,
		"reverse_order_label_requests": []any{},
	}
	paymentState(out, o)
	if payload == "simple" {
		return out
	}
	var cpn any
	if c := o.coupon; c != nil {
		kind, value := "fixed", c.amount
		if c.percent.IsPositive() {
			kind, value = "percentage", c.percent
		}
		cpn = map[string]any{"id": c.id, "code": c.code, "name": c.code, "discount": o.money.coupon.Neg().StringFixed(4),
			"discount_string": formatted(o.money.coupon.Neg()), "discount_type": kind, "discount_value": value.String()}
	}
	products := []any{}
	var gross decimal.Decimal
	for _, it := range o.items {
		products = append(products, lineJSON(it))
		gross = gross.Add(it.gross().Mul(decimal.NewFromInt(int64(it.quantity))))
	}
	var delivered any
	for _, h := range o.histories {
		if h.status == StatusDelivered {
			delivered = orderTime(h.at)
		}
	}
	l := o.location
	more := map[string]any{
		"customer_note": "", "gift_message": nil, "payment_link": nil, "weight": 0, "weight_cost_details": []any{},
		"currency": map[string]any{"order_currency": map[string]any{"id": 4, "code": "SAR", "exchange_rate": 1},
			"order_store_currency": map[string]any{"id": 4, "code": "SAR", "exchange_rate": nil}},
		"coupon": cpn, "products": products, "products_count": len(products), "products_sum_total_string": formatted(gross),
		"language": o.language, "is_reactivated": false, "return_policy": nil, "packages_count": 1,
		// The fulfilling location's id is written without hyphens, as real answers do.
		"inventory_address": map[string]any{"id": strings.ReplaceAll(l.id, "-", ""), "name": l.name.text(),
			"city":         map[string]any{"id": 1, "name": "Riyadh", "ar_name": l.city, "en_name": "Riyadh", "country_code": "SA"},
			"full_address": l.address, "street": l.address, "is_pickup_option": false},
		"expected_shipping_method_type": nil, "reseller_meta": nil, "zidship_ticket_number": nil, "edits_count": o.edits,
		"delivered_at": delivered, "is_marketplace_order": false, "invoice_link": nil, "payment_network": nil,
	}
	for k, v := range more {
		out[k] = v
	}
	if detail {
		hs := []any{}
		for i := len(o.histories) - 1; i >= 0; i-- { // newest first
			h := o.histories[i]
			name := statusInfo[h.status].ar
			if language == "en" {
				name = statusInfo[h.status].en
			}
			hs = append(hs, map[string]any{"order_status_id": statusInfo[h.status].id, "order_status_name": name,
				"changed_by_id": 182939, "changed_by_type": "تاجر",
				"changed_by_details": map[string]any{"action": h.comment, "by": h.by, "comment": ""},
				"comment":            h.comment, "created_at": orderTime(h.at), "humanized_created_at": ""})
		}
		out["histories"] = hs
		out["previous_order"], out["next_order"] = nil, nil
		out["invoice_settings"] = map[string]any{"is_order_notifications_enabled": true, "is_zid_invoice_generation_enabled": true}
	}
	if payload == "print" {
		s.printFields(o, out)
	}
	return out
}

// creditNoteJSON is one of /orders/{id}/credit-notes: its items with unit prices and totals as
// numbers (with VAT), order_total the credit note's total as a 14-decimal string, and its
// payment.invoice[] as an order's.
func (s *Server) creditNoteJSON(o *order, cn *creditNote, language string) map[string]any {
	items := []any{}
	for _, l := range cn.lines {
		q := decimal.NewFromInt(int64(l.quantity))
		unit := l.it.gross()
		total := l.it.net.Mul(q).Sub(l.share).Mul(withVAT)
		items = append(items, map[string]any{"id": uuidOf("credit-note-item", fmt.Sprintf("%s/%d", cn.id, l.it.opID)),
			"product_id": l.it.of.id, "code": o.code, "name": l.it.name, "sku": l.it.sku, "quantity": l.quantity,
			"price": num(unit), "price_string": formatted(unit), "total": num(total), "total_string": formatted(total),
			"images": []any{}})
	}
	st, _ := statusJSON(o.status, language)
	reasons := map[string][2]string{"order_partially_reversed": {"Order partially reversed", "استرجاع جزئي للطلب"},
		"order_reversed": {"Order reversed", "استرجاع الطلب"}, "order_refund": {"Refund", "استرداد مبلغ"}}
	reason := reasons[cn.reason][1]
	if language == "en" {
		reason = reasons[cn.reason][0]
	}
	total := cn.money.total()
	return map[string]any{
		"id": cn.id, "order_id": o.id, "store_id": s.opt.StoreID, "invoice_type": "credit_note",
		"translated_invoice_type": "إشعار دائن", "original_invoice_number": o.id, "invoice_number": cn.number,
		"issue_reason": cn.reason, "invoice_title": "إشعار دائن", "translated_issue_reason": reason,
		"store_name": s.opt.StoreName, "store_url": "https://nakhla.zid.store/", "order_status": st,
		"payment_status": o.paid, "currency_code": "SAR", "customer": customerJSON(o.buyer, textIDs(o)),
		"order_total": fixed14(total), "order_total_string": formatted(total), "items": items,
		"payment":    map[string]any{"method": map[string]any{"code": o.payment}, "invoice": invoiceLines(cn.money, language, false)},
		"created_at": orderTime(cn.at), "updated_at": orderTime(cn.at),
	}
}

// returnedItems sums the units the credit notes took back, per order line.
func returnedItems(o *order) []any {
	out := []any{}
	for _, it := range o.items {
		n := 0
		for _, cn := range o.notes {
			for _, l := range cn.lines {
				if l.it == it {
					n += l.quantity
				}
			}
		}
		if n > 0 {
			out = append(out, map[string]any{"order_product_id": it.opID, "product_id": it.of.id, "sku": it.sku, "name": it.name,
				"quantity": n})
		}
	}
	return out
}

// movesOn is where an order goes when it changes between two pages of a list: one step along
// the way to delivery, never into or out of delivered, so whether it is invoiced does not
// change.
var movesOn = map[string]string{StatusNew: StatusPreparing, StatusPreparing: StatusReady, StatusReady: StatusInDelivery}

// changeOrder is the ChangesMidPaging fault: the order moves on (see movesOn) a second after
// the page was served, which bumps its updated_at and so its place in a list by update time; an
// order that cannot move gets a comment instead, which bumps it just the same.
func (s *Server) changeOrder(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.st.orders[id]; o != nil {
		s.nudge(o, s.clock.Now().Add(time.Second))
	}
}

func (s *Server) nudge(o *order, at time.Time) {
	if to, moves := movesOn[o.status]; moves {
		s.setStatus(o, to, at)
		return
	}
	s.history(o, o.status, "تواصل العميل", at)
	o.updatedAt = at
}
