package zidtest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"testing"

	"github.com/shopspring/decimal"
)

// kind names a JSON value's type as the docs' examples have it.
func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "bool"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// shape checks an object against the fields (with their JSON types) a documented example has.
func shape(t *testing.T, what string, o map[string]any, fields map[string]string) {
	t.Helper()
	for f, want := range fields {
		v, has := o[f]
		if !has {
			t.Errorf("%s has no %s", what, f)
			continue
		}
		if got := kind(v); want != "any" && got != want {
			t.Errorf("%s.%s is %s (%v), the docs show %s", what, f, got, v, want)
		}
	}
}

var (
	orderTime14 = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$`)
	isoZ        = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$`)
	uuidShape   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

// TestShapes: the answers have the fields and JSON types of the documented examples (the
// docs' pages and the examples in Zid's SDK): the products list and detail, a stock row, a
// location, the profile, an order in the list and in the detail, a product line, a credit note.
func TestShapes(t *testing.T) {
	c := start(t, Options{RateLimit: -1})
	_, vids := c.s.AddProduct(ProductInput{Name: Names{Ar: "قهوة", En: "Coffee"}, Category: Names{Ar: "قهوة"}, Option: "الحجم",
		Variants: []VariantInput{{Value: "250g", SKU: "C-250", Price: d("35"), Cost: dp("18.5"), Quantity: 4}}})
	member := c.s.AddCustomer(CustomerInput{Name: "سارة", Mobile: "966501234567", Email: "s@example.sa"})
	id, err := c.s.PlaceOrder(OrderInput{CustomerID: member, Lines: []LineInput{{vids[0], 2}}, Coupon: "EID15", Percent: d("15"),
		Shipping: d("20"), Status: StatusDelivered})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.s.CreditNote(id, []CreditLine{{Line: 0, Quantity: 1, Restock: true}}, false, decimal.Zero); err != nil {
		t.Fatal(err)
	}

	list := c.get("/v1/products/?extended=true")
	shape(t, "products list", list, map[string]string{"count": "number", "next": "null", "previous": "null", "results": "array",
		"total_products_count": "number"})
	p := obj(results(list)[0])
	product := map[string]string{"id": "string", "sku": "string", "barcode": "string", "parent_id": "any", "name": "object",
		"price": "number", "sale_price": "null", "formatted_price": "string", "currency": "string", "attributes": "array",
		"categories": "array", "has_options": "bool", "images": "array", "is_draft": "bool", "quantity": "number",
		"is_infinite": "bool", "structure": "string", "store_id": "number", "cost": "any", "is_published": "bool", "stocks": "array",
		"created_at": "string", "updated_at": "string"}
	shape(t, "product", p, product)
	shape(t, "category", obj(p["categories"].([]any)[0]), map[string]string{"id": "string", "name": "object", "slug": "string"})
	v := obj(p["variants"].([]any)[0])
	shape(t, "variant", v, product)
	shape(t, "stock", obj(v["stocks"].([]any)[0]), map[string]string{"id": "string", "location": "object",
		"available_quantity": "number", "is_infinite": "bool"})
	if !uuidShape.MatchString(v["id"].(string)) || v["parent_id"] != p["id"] || v["structure"] != "child" || !isoZ.MatchString(v["updated_at"].(string)) {
		t.Errorf("variant id %v parent %v structure %v updated_at %v", v["id"], v["parent_id"], v["structure"], v["updated_at"])
	}
	loc := obj(results(c.get("/v1/locations/"))[0])
	shape(t, "location", loc, map[string]string{"id": "string", "name": "object", "city": "object", "type": "string",
		"coordinates": "object", "full_address": "string", "is_default": "bool", "is_enabled": "bool", "channels": "array"})
	prof := c.get("/v1/managers/account/profile")
	store := obj(obj(prof["user"])["store"])
	shape(t, "profile store", store, map[string]string{"id": "number", "uuid": "string", "title": "string", "url": "string",
		"currency": "object", "timezone": "string"})

	listed := obj(c.get("/v1/managers/store/orders?payload_type=default")["orders"].([]any)[0])
	order := map[string]string{"id": "number", "invoice_number": "number", "code": "string", "store_id": "number",
		"order_status": "object", "display_status": "object", "currency_code": "string", "customer": "object",
		"is_guest_customer": "number", "order_total": "any", "order_total_string": "string", "transaction_amount": "number",
		"transaction_amount_string": "string", "issue_date": "string", "payment_status": "string", "created_at": "string",
		"updated_at": "string", "shipping": "object", "payment": "object", "coupon": "object", "products": "array",
		"currency": "object", "language": "string", "inventory_address": "object", "edits_count": "number",
		"reverse_order_label_requests": "array"}
	shape(t, "listed order", listed, order)
	if _, has := listed["histories"]; has {
		t.Error("a listed order has histories (only the detail has them)")
	}
	if !orderTime14.MatchString(listed["created_at"].(string)) {
		t.Errorf("created_at %v", listed["created_at"])
	}
	detail := obj(c.get(fmt.Sprintf("/v1/managers/store/orders/%d/view", id))["order"])
	order["histories"] = "array"
	shape(t, "order detail", detail, order)
	shape(t, "history", obj(detail["histories"].([]any)[0]), map[string]string{"order_status_id": "number",
		"order_status_name": "string", "changed_by_details": "object", "comment": "string", "created_at": "string"})
	shape(t, "coupon", obj(detail["coupon"]), map[string]string{"id": "number", "code": "string", "name": "string",
		"discount": "string", "discount_string": "string"})
	line := obj(detail["products"].([]any)[0])
	shape(t, "order product", line, map[string]string{"id": "string", "order_product_id": "number", "parent_id": "string",
		"name": "string", "sku": "string", "quantity": "number", "net_price": "number", "gross_price": "number",
		"price": "number", "price_string": "string", "total": "number", "total_string": "string", "tax_percentage": "number",
		"tax_amount": "string", "tax_amount_string": "string", "discounted_total": "number"})
	shape(t, "invoice line", obj(obj(detail["payment"])["invoice"].([]any)[0]), map[string]string{"code": "string",
		"value": "any", "value_string": "string", "title": "string"})
	shape(t, "shipping address", obj(obj(detail["shipping"])["address"]), map[string]string{"city": "object", "country": "object"})

	notes := c.get(fmt.Sprintf("/v1/managers/store/orders/%d/credit-notes", id))
	shape(t, "credit notes", notes, map[string]string{"code": "string", "message": "null", "payload": "object"})
	cn := obj(obj(notes["payload"])["credit_notes"].([]any)[0])
	shape(t, "credit note", cn, map[string]string{"id": "string", "order_id": "number", "store_id": "number",
		"invoice_type": "string", "original_invoice_number": "number", "invoice_number": "number", "issue_reason": "string",
		"order_status": "object", "customer": "object", "order_total": "string", "order_total_string": "string", "items": "array",
		"payment": "object", "created_at": "string"})
	shape(t, "credit note item", obj(cn["items"].([]any)[0]), map[string]string{"id": "string", "product_id": "string",
		"name": "string", "sku": "string", "quantity": "number", "price": "number", "price_string": "string", "total": "number",
		"total_string": "string"})
}
