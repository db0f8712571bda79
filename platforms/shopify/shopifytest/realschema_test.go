package shopifytest

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// realSchemaRel is where the published Admin API schema lives relative to
// this package directory.
const realSchemaRel = "../../../../shared/reference/shopify/admin_2025-01.graphql.gz"

var (
	realOnce   sync.Once
	realSchema *ast.Schema
	realErr    error
	realPath   string
)

func loadRealSchema(t *testing.T) *ast.Schema {
	t.Helper()
	realOnce.Do(func() {
		wd, err := os.Getwd()
		if err != nil {
			realErr = err
			return
		}
		realPath = filepath.Clean(filepath.Join(wd, filepath.FromSlash(realSchemaRel)))
		f, err := os.Open(realPath)
		if err != nil {
			realErr = err
			return
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			realErr = err
			return
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			realErr = err
			return
		}
		s, gerr := gqlparser.LoadSchema(&ast.Source{Name: "admin_2025-01.graphql", Input: string(b)})
		if gerr != nil {
			realErr = gerr
			return
		}
		realSchema = s
	})
	if realErr != nil {
		if os.IsNotExist(realErr) {
			t.Skipf("published Shopify Admin schema not available at %s (expected beside the checkout); skipping", realPath)
		}
		t.Fatalf("loading published schema: %v", realErr)
	}
	return realSchema
}

// newerTypes are the subset's types that only newerFields use (API 2026-01 and later, documented
// at https://shopify.dev/docs/api/admin-graphql/2026-01/queries/bulkOperations), absent from the
// published 2025-01 schema.
var newerTypes = map[string]bool{"BulkOperationConnection": true, "BulkOperationEdge": true, "BulkOperationsSortKeys": true}

func TestSubsetSchemaMatchesPublishedSchema(t *testing.T) {
	sub := mustSubsetSchema()
	real := loadRealSchema(t)
	builtin := map[string]bool{"String": true, "Int": true, "Float": true, "Boolean": true, "ID": true}
	for name, def := range sub.Types {
		if builtin[name] || len(name) > 2 && name[:2] == "__" {
			continue
		}
		rdef := real.Types[name]
		if rdef == nil && newerTypes[name] {
			continue
		}
		if rdef == nil {
			t.Errorf("type %s does not exist in the published schema", name)
			continue
		}
		if rdef.Kind != def.Kind {
			t.Errorf("type %s: kind %s, published %s", name, def.Kind, rdef.Kind)
			continue
		}
		for _, iface := range def.Interfaces {
			found := false
			for _, ri := range rdef.Interfaces {
				found = found || ri == iface
			}
			if !found {
				t.Errorf("type %s: does not implement %s in the published schema", name, iface)
			}
		}
		for _, ev := range def.EnumValues {
			if rdef.EnumValues.ForName(ev.Name) == nil {
				t.Errorf("enum %s: value %s does not exist in the published schema", name, ev.Name)
			}
		}
		for _, f := range def.Fields {
			if len(f.Name) > 2 && f.Name[:2] == "__" {
				continue
			}
			rf := rdef.Fields.ForName(f.Name)
			if rf == nil && newerFields[name+"."+f.Name] != "" {
				continue
			}
			if rf == nil {
				t.Errorf("%s.%s does not exist in the published schema", name, f.Name)
				continue
			}
			if f.Type.String() != rf.Type.String() {
				t.Errorf("%s.%s: type %s, published %s", name, f.Name, f.Type, rf.Type)
			}
			for _, a := range f.Arguments {
				ra := rf.Arguments.ForName(a.Name)
				if ra == nil {
					t.Errorf("%s.%s(%s:) does not exist in the published schema", name, f.Name, a.Name)
					continue
				}
				if a.Type.String() != ra.Type.String() {
					t.Errorf("%s.%s(%s:): type %s, published %s", name, f.Name, a.Name, a.Type, ra.Type)
				}
				if (a.DefaultValue == nil) != (ra.DefaultValue == nil) ||
					a.DefaultValue != nil && a.DefaultValue.String() != ra.DefaultValue.String() {
					t.Errorf("%s.%s(%s:): default %v, published %v", name, f.Name, a.Name, a.DefaultValue, ra.DefaultValue)
				}
			}
			// A required argument in the published schema must be present in the subset.
			for _, ra := range rf.Arguments {
				if ra.Type.NonNull && ra.DefaultValue == nil && f.Arguments.ForName(ra.Name) == nil {
					t.Errorf("%s.%s: required argument %s missing from the subset", name, f.Name, ra.Name)
				}
			}
		}
		// Required input fields of the published schema must be in the subset.
		if def.Kind == ast.InputObject {
			for _, rf := range rdef.Fields {
				if rf.Type.NonNull && rf.DefaultValue == nil && def.Fields.ForName(rf.Name) == nil {
					t.Errorf("input %s: required field %s missing from the subset", name, rf.Name)
				}
			}
		}
	}
}

// Representative documents a sync client sends; each must be valid for the
// published schema and run on the in-memory server.
var clientQueries = []struct {
	name string
	q    string
	vars map[string]any
}{
	{"products changed since", `query Products($after: String, $q: String) {
  products(first: 20, after: $after, sortKey: UPDATED_AT, query: $q) {
    pageInfo { hasNextPage endCursor }
    nodes { id legacyResourceId title handle status vendor productType tags createdAt updatedAt totalInventory
      variants(first: 10) { nodes { id legacyResourceId title sku barcode price compareAtPrice inventoryQuantity updatedAt
        selectedOptions { name value }
        inventoryItem { id tracked unitCost { amount currencyCode } } } } } } }`, map[string]any{"q": "updated_at:>'2026-01-01T00:00:00Z'"}},
	{"orders changed since", `query Orders($after: String, $q: String) {
  orders(first: 2, after: $after, sortKey: UPDATED_AT, query: $q) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id legacyResourceId name createdAt processedAt updatedAt cancelledAt cancelReason closedAt
      displayFinancialStatus displayFulfillmentStatus currencyCode presentmentCurrencyCode taxesIncluded email phone
      customer { id legacyResourceId firstName lastName displayName email phone }
      billingAddress { name phone firstName lastName address1 city countryCodeV2 }
      shippingAddress { name phone city countryCodeV2 }
      discountCodes
      subtotalPriceSet { shopMoney { amount currencyCode } }
      totalShippingPriceSet { shopMoney { amount } }
      totalTaxSet { shopMoney { amount } }
      totalDiscountsSet { shopMoney { amount } }
      totalPriceSet { shopMoney { amount } presentmentMoney { amount currencyCode } }
      currentTotalPriceSet { shopMoney { amount } }
      totalRefundedSet { shopMoney { amount } }
      taxLines { title rate ratePercentage priceSet { shopMoney { amount } } }
      lineItems(first: 10) { nodes { id name title variantTitle sku quantity currentQuantity variant { id } product { id }
        originalUnitPriceSet { shopMoney { amount } } discountedUnitPriceAfterAllDiscountsSet { shopMoney { amount } }
        totalDiscountSet { shopMoney { amount } } taxLines { title rate priceSet { shopMoney { amount } } }
        discountAllocations { allocatedAmountSet { shopMoney { amount } } } } }
      shippingLines(first: 3) { nodes { id title code source originalPriceSet { shopMoney { amount } } discountedPriceSet { shopMoney { amount } } taxLines { rate priceSet { shopMoney { amount } } } } }
      refunds(first: 5) { id createdAt updatedAt note totalRefundedSet { shopMoney { amount } }
        refundLineItems(first: 10) { nodes { id quantity restockType restocked location { id } lineItem { id sku } priceSet { shopMoney { amount } } subtotalSet { shopMoney { amount } } totalTaxSet { shopMoney { amount } } } }
        refundShippingLines(first: 3) { nodes { subtotalAmountSet { shopMoney { amount } } taxAmountSet { shopMoney { amount } } } }
        transactions(first: 3) { nodes { kind status gateway amountSet { shopMoney { amount } } } } } } } } }`, map[string]any{"q": "updated_at:>='2026-01-01T00:00:00Z'"}},
	{"stock levels", `query Stock($loc: ID!) { location { id name isActive } locations(first: 10) { nodes { id name isActive isPrimary } }
  productVariants(first: 50, query: "sku:COF-250") { nodes { id sku inventoryItem { id inventoryLevel(locationId: $loc) { id quantities(names: ["available", "on_hand"]) { name quantity } } } } } }`, nil},
	{"customers", `{ customers(first: 50, sortKey: UPDATED_AT, query: "updated_at:>2026-01-01") { nodes { id legacyResourceId firstName lastName displayName email phone createdAt updatedAt } pageInfo { hasNextPage endCursor } } shop { id name currencyCode ianaTimezone myshopifyDomain } }`, nil},
	{"set stock", `mutation Set($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { inventoryAdjustmentGroup { createdAt reason changes { name delta quantityAfterChange } } userErrors { field message code } } }`, nil},
	{"update variants", `mutation Upd($productId: ID!, $variants: [ProductVariantsBulkInput!]!) { productVariantsBulkUpdate(productId: $productId, variants: $variants) { productVariants { id price barcode inventoryItem { sku unitCost { amount } } } userErrors { field message code } } }`, nil},
}

func TestClientQueriesAgainstPublishedSchema(t *testing.T) {
	real := loadRealSchema(t)
	e := newEnv(t, Options{Schema: real})
	a, _, _ := catalogueFor(t, e.srv)
	c := e.srv.AddCustomer(CustomerInput{FirstName: "خالد", Phone: "966501112233"})
	oi, err := e.srv.PlaceOrder(OrderInput{CustomerID: c.ID, Lines: []OrderLine{{VariantID: a.ID, Quantity: 2}}, Shipping: &ShippingInput{Price: dec("25")}, Fulfilled: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.RefundOrder(oi.ID, RefundInput{Lines: []RefundLine{{LineItemID: oi.Lines[0].ID, Quantity: 1}}, FullShipping: true}); err != nil {
		t.Fatal(err)
	}
	loc := e.srv.PrimaryLocation()
	for _, cq := range clientQueries {
		t.Run(cq.name, func(t *testing.T) {
			vars := cq.vars
			switch cq.name {
			case "stock levels":
				vars = map[string]any{"loc": loc.GID}
			case "set stock":
				vars = map[string]any{"input": map[string]any{"name": "available", "reason": "correction", "ignoreCompareQuantity": true,
					"quantities": []any{map[string]any{"inventoryItemId": a.InventoryItemGID, "locationId": loc.GID, "quantity": 3}}}}
			case "update variants":
				vars = map[string]any{"productId": GID(KindProduct, a.ProductID), "variants": []any{map[string]any{"id": a.GID, "price": "47.5", "inventoryItem": map[string]any{"cost": "20"}}}}
			}
			r := e.post(e.token, cq.q, vars)
			if r.Status != 200 || len(r.Errors) > 0 || r.Data == nil {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
		})
	}
	t.Run("invalid for Shopify", func(t *testing.T) {
		r := e.post(e.token, `{ products(first: 1) { nodes { id inventoryQuantity } } }`, nil)
		if len(r.Errors) != 1 || r.Errors[0]["message"] != "Field 'inventoryQuantity' doesn't exist on type 'Product'" || dig(r.Errors[0], "extensions", "code") != "undefinedField" {
			t.Fatalf("%s", r.Raw)
		}
		r = e.post(e.token, `{ orders(first: 1, sortKey: NEWEST) { nodes { id } } }`, nil)
		if len(r.Errors) == 0 {
			t.Fatalf("bad enum accepted: %s", r.Raw)
		}
	})
	t.Run("valid for Shopify but not served here", func(t *testing.T) {
		r := e.post(e.token, `{ products(first: 1) { nodes { id onlineStoreUrl } } }`, nil)
		if len(r.Errors) != 1 || dig(r.Errors[0], "extensions", "code") != "NOT_SUPPORTED_BY_TEST_SERVER" {
			t.Fatalf("%s", r.Raw)
		}
	})
}
