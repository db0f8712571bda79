package shopifytest

import (
	"testing"
	"time"
)

func TestProductMutations(t *testing.T) {
	e := newEnv(t, Options{})
	loc := e.srv.PrimaryLocation()
	d := e.query(`mutation($p: ProductCreateInput!) { productCreate(product: $p) { product { id title status productType variants(first: 5) { nodes { id title price } } } userErrors { field message } } }`,
		map[string]any{"p": map[string]any{"title": "عسل سدر — Sidr honey", "productType": "عسل", "status": "ACTIVE",
			"productOptions": []any{map[string]any{"name": "الوزن", "values": []any{map[string]any{"name": "250g"}}}}}})
	pid := digStr(d, "productCreate", "product", "id")
	if pid == "" || digStr(d, "productCreate", "product", "variants", "nodes", 0, "title") != "250g" {
		t.Fatalf("productCreate %v", d)
	}
	d = e.query(`mutation { productCreate(product: {title: ""}) { product { id } userErrors { field message } } }`, nil)
	if digStr(d, "productCreate", "userErrors", 0, "field", 0) != "title" {
		t.Fatalf("blank title %v", d)
	}

	e.clock.Advance(time.Minute)
	d = e.query(`mutation($pid: ID!, $v: [ProductVariantsBulkInput!]!) { productVariantsBulkCreate(productId: $pid, variants: $v) {
		productVariants { id sku barcode price inventoryQuantity inventoryItem { id tracked unitCost { amount } } selectedOptions { name value } }
		userErrors { field message code } } }`,
		map[string]any{"pid": pid, "v": []any{
			map[string]any{"price": "120.00", "barcode": "6281234567897", "optionValues": []any{map[string]any{"name": "1kg", "optionName": "الوزن"}},
				"inventoryItem":       map[string]any{"sku": "HON-1KG", "cost": "61.5", "tracked": true},
				"inventoryQuantities": []any{map[string]any{"availableQuantity": 12, "locationId": loc.GID}}},
			map[string]any{"price": "-1", "optionValues": []any{map[string]any{"name": "2kg", "optionName": "الوزن"}}},
		}})
	if code := digStr(d, "productVariantsBulkCreate", "userErrors", 0, "code"); code != "NEGATIVE_PRICE_VALUE" || dig(d, "productVariantsBulkCreate", "productVariants") != nil {
		t.Fatalf("negative price must be refused and nothing created: %v", d)
	}
	d = e.query(`mutation($pid: ID!, $v: [ProductVariantsBulkInput!]!) { productVariantsBulkCreate(productId: $pid, variants: $v) {
		productVariants { id sku barcode price inventoryQuantity inventoryItem { id unitCost { amount } } } userErrors { field message code } } }`,
		map[string]any{"pid": pid, "v": []any{map[string]any{"price": "120.00", "barcode": "6281234567897", "optionValues": []any{map[string]any{"name": "1kg", "optionName": "الوزن"}},
			"inventoryItem": map[string]any{"sku": "HON-1KG", "cost": "61.5"}, "inventoryQuantities": []any{map[string]any{"availableQuantity": 12, "locationId": loc.GID}}}}})
	nv := dig(d, "productVariantsBulkCreate", "productVariants", 0)
	if digStr(nv, "sku") != "HON-1KG" || digStr(nv, "price") != "120.00" || dig(nv, "inventoryQuantity") != float64(12) || digStr(nv, "inventoryItem", "unitCost", "amount") != "61.5" {
		t.Fatalf("bulk create %v", d)
	}
	vid, itemID := digStr(nv, "id"), digStr(nv, "inventoryItem", "id")

	e.clock.Advance(time.Minute)
	d = e.query(`mutation($pid: ID!, $v: [ProductVariantsBulkInput!]!) { productVariantsBulkUpdate(productId: $pid, variants: $v) {
		product { updatedAt } productVariants { price compareAtPrice barcode updatedAt inventoryItem { sku } } userErrors { field message code } } }`,
		map[string]any{"pid": pid, "v": []any{map[string]any{"id": vid, "price": "110", "compareAtPrice": "130", "barcode": "6280000000001", "inventoryItem": map[string]any{"sku": "HON-1000"}}}})
	uv := dig(d, "productVariantsBulkUpdate", "productVariants", 0)
	now := e.srv.Now().Format(time.RFC3339)
	if digStr(uv, "price") != "110.00" || digStr(uv, "compareAtPrice") != "130.00" || digStr(uv, "inventoryItem", "sku") != "HON-1000" || digStr(uv, "updatedAt") != now || digStr(d, "productVariantsBulkUpdate", "product", "updatedAt") != now {
		t.Fatalf("bulk update %v", d)
	}
	d = e.query(`mutation($pid: ID!, $v: [ProductVariantsBulkInput!]!) { productVariantsBulkUpdate(productId: $pid, variants: $v) { userErrors { field code } } }`,
		map[string]any{"pid": pid, "v": []any{map[string]any{"id": vid, "inventoryQuantities": []any{map[string]any{"availableQuantity": 1, "locationId": loc.GID}}}}})
	if digStr(d, "productVariantsBulkUpdate", "userErrors", 0, "code") != "NO_INVENTORY_QUANTITIES_ON_VARIANTS_UPDATE" {
		t.Fatalf("quantities on update %v", d)
	}

	d = e.query(`mutation($id: ID!) { inventoryItemUpdate(id: $id, input: {cost: "58.25", sku: "HON-1000-B"}) { inventoryItem { sku unitCost { amount currencyCode } } userErrors { message } } }`, map[string]any{"id": itemID})
	if digStr(d, "inventoryItemUpdate", "inventoryItem", "unitCost", "amount") != "58.25" || digStr(d, "inventoryItemUpdate", "inventoryItem", "sku") != "HON-1000-B" {
		t.Fatalf("inventoryItemUpdate %v", d)
	}
	d = e.query(`mutation { productUpdate(product: {id: "`+pid+`", title: "عسل سدر جبلي"}) { product { title } userErrors { message } } }`, nil)
	if digStr(d, "productUpdate", "product", "title") != "عسل سدر جبلي" {
		t.Fatalf("productUpdate %v", d)
	}
	if s := e.srv.Stats(); s.ByRootField["productVariantsBulkCreate"] != 2 || s.ByRootField["productCreate"] != 2 {
		t.Fatalf("counters %v", s.ByRootField)
	}
}

func TestInventoryMutations(t *testing.T) {
	e := newEnv(t, Options{})
	a, _, _ := catalogueFor(t, e.srv)
	loc := e.srv.PrimaryLocation()
	const setQ = `mutation($in: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $in) {
		inventoryAdjustmentGroup { reason referenceDocumentUri changes { name delta quantityAfterChange item { id } location { id } } }
		userErrors { field message code } } }`
	q := func(compare any) map[string]any {
		m := map[string]any{"inventoryItemId": a.InventoryItemGID, "locationId": loc.GID, "quantity": 4}
		if compare != nil {
			m["compareQuantity"] = compare
		}
		return map[string]any{"in": map[string]any{"name": "available", "reason": "correction", "referenceDocumentUri": "mizan://stock/1", "quantities": []any{m}}}
	}
	tests := []struct {
		name string
		vars map[string]any
		code string
	}{
		{"missing compare quantity", q(nil), "COMPARE_QUANTITY_REQUIRED"},
		{"stale compare quantity", q(9), "COMPARE_QUANTITY_STALE"},
		{"bad reason", map[string]any{"in": map[string]any{"name": "available", "reason": "because", "ignoreCompareQuantity": true,
			"quantities": []any{map[string]any{"inventoryItemId": a.InventoryItemGID, "locationId": loc.GID, "quantity": 1}}}}, "INVALID_REASON"},
		{"unknown item", map[string]any{"in": map[string]any{"name": "available", "reason": "correction", "ignoreCompareQuantity": true,
			"quantities": []any{map[string]any{"inventoryItemId": "gid://shopify/InventoryItem/1", "locationId": loc.GID, "quantity": 1}}}}, "INVALID_INVENTORY_ITEM"},
		{"matching compare quantity", q(10), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := e.query(setQ, tc.vars)
			if got := digStr(d, "inventorySetQuantities", "userErrors", 0, "code"); got != tc.code {
				t.Fatalf("code %q, want %q: %v", got, tc.code, d)
			}
		})
	}
	if l := level(t, e.srv, a.ID); l.Available != 4 {
		t.Fatalf("set: %+v", l)
	}
	e.clock.Advance(time.Minute)
	d := e.query(`mutation($in: InventoryAdjustQuantitiesInput!) { inventoryAdjustQuantities(input: $in) { inventoryAdjustmentGroup { changes(quantityNames: ["available"]) { delta quantityAfterChange } } userErrors { code } } }`,
		map[string]any{"in": map[string]any{"name": "available", "reason": "received", "changes": []any{map[string]any{"delta": 6, "inventoryItemId": a.InventoryItemGID, "locationId": loc.GID}}}})
	if dig(d, "inventoryAdjustQuantities", "inventoryAdjustmentGroup", "changes", 0, "quantityAfterChange") != float64(10) {
		t.Fatalf("adjust %v", d)
	}
	v, _ := e.srv.Variant(a.ID)
	if !v.UpdatedAt.Equal(e.srv.Now()) {
		t.Fatalf("inventory change must bump variant updatedAt: %v", v.UpdatedAt)
	}
	// A second location: activate and set.
	wh := e.srv.AddLocation("مستودع جدة")
	d = e.query(`mutation($i: ID!, $l: ID!) { inventoryActivate(inventoryItemId: $i, locationId: $l, available: 3) { inventoryLevel { location { id } quantities(names: ["available"]) { quantity } } userErrors { message } } }`,
		map[string]any{"i": a.InventoryItemGID, "l": wh.GID})
	if dig(d, "inventoryActivate", "inventoryLevel", "quantities", 0, "quantity") != float64(3) {
		t.Fatalf("activate %v", d)
	}
	d = e.query(`query($id: ID!) { productVariant(id: $id) { inventoryQuantity } }`, map[string]any{"id": a.GID})
	if dig(d, "productVariant", "inventoryQuantity") != float64(13) {
		t.Fatalf("inventoryQuantity over locations %v", d)
	}
}
