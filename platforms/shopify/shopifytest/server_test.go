package shopifytest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestAuth(t *testing.T) {
	e := newEnv(t, Options{AccessTokens: []string{"shpat_good"}})
	const q = `{ shop { name } }`
	tests := []struct {
		name   string
		token  string
		status int
	}{
		{"missing token", "", 401},
		{"wrong token", "shpat_bad", 401},
		{"configured token", "shpat_good", 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.post(tc.token, q, nil)
			if r.Status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.Status, tc.status, r.Raw)
			}
			if tc.status == 401 && string(r.Raw) != `{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}` {
				t.Fatalf("body %s", r.Raw)
			}
			if got := r.Header.Get("X-Shopify-API-Version"); got != "2025-01" {
				t.Fatalf("X-Shopify-API-Version %q", got)
			}
		})
	}
	if s := e.srv.Stats(); s.Unauthorized != 2 || s.Executed != 1 {
		t.Fatalf("stats %+v", s)
	}
}

func grant(t *testing.T, base string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(base+"/admin/oauth/access_token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &m)
	return resp.StatusCode, m
}

func TestClientCredentialsGrantAndExpiry(t *testing.T) {
	e := newEnv(t, Options{ClientID: "cid", ClientSecret: "csecret", TokenTTL: time.Hour})
	status, body := grant(t, e.http.URL, url.Values{"grant_type": {"client_credentials"}, "client_id": {"cid"}, "client_secret": {"wrong"}})
	if status != 400 || body["error"] != "invalid_client" {
		t.Fatalf("bad secret: %d %v", status, body)
	}
	status, body = grant(t, e.http.URL, url.Values{"grant_type": {"client_credentials"}, "client_id": {"cid"}, "client_secret": {"csecret"}})
	if status != 200 {
		t.Fatalf("grant: %d %v", status, body)
	}
	token, _ := body["access_token"].(string)
	if !strings.HasPrefix(token, "shpat_") || body["expires_in"] != float64(3600) || body["scope"] == "" {
		t.Fatalf("grant body %v", body)
	}
	if r := e.post("shpat_test", `{shop{name}}`, nil); r.Status != 401 {
		t.Fatalf("default token must be off when a client is configured: %d", r.Status)
	}
	if r := e.post(token, `{shop{name}}`, nil); r.Status != 200 {
		t.Fatalf("granted token refused: %d %s", r.Status, r.Raw)
	}
	e.clock.Advance(time.Hour - time.Second)
	if r := e.post(token, `{shop{name}}`, nil); r.Status != 200 {
		t.Fatalf("token expired early: %d", r.Status)
	}
	e.clock.Advance(time.Second)
	if r := e.post(token, `{shop{name}}`, nil); r.Status != 401 {
		t.Fatalf("expired token accepted: %d", r.Status)
	}
	if e.srv.Stats().TokenGrants != 1 {
		t.Fatal("grant not counted")
	}
}

func TestDefaultTokenTTL(t *testing.T) {
	e := newEnv(t, Options{ClientID: "a", ClientSecret: "b"})
	_, body := grant(t, e.http.URL, url.Values{"grant_type": {"client_credentials"}, "client_id": {"a"}, "client_secret": {"b"}})
	if body["expires_in"] != float64(86399) {
		t.Fatalf("expires_in %v", body["expires_in"])
	}
}

func addProducts(t *testing.T, s *Server, n int) []ProductInfo {
	t.Helper()
	var out []ProductInfo
	for i := 0; i < n; i++ {
		p, err := s.AddProduct(ProductInput{Title: fmt.Sprintf("منتج %03d — Product %03d", i, i), ProductType: "Test",
			Variants: []VariantInput{{SKU: fmt.Sprintf("SKU-%03d", i), Barcode: fmt.Sprintf("628%010d", i), Price: dec("10"), Quantity: 5}}})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

func TestPagingProducts(t *testing.T) {
	e := newEnv(t, Options{})
	all := addProducts(t, e.srv, 301)
	for _, style := range []string{"edges", "nodes"} {
		t.Run(style, func(t *testing.T) {
			seen := map[string]bool{}
			after := any(nil)
			pages := 0
			for {
				sel := `edges { cursor node { id legacyResourceId } }`
				if style == "nodes" {
					sel = `nodes { id legacyResourceId }`
				}
				d := e.query(`query P($after: String) { products(first: 250, after: $after) { `+sel+` pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`, map[string]any{"after": after})
				pages++
				list, _ := dig(d, "products", style).([]any)
				for _, it := range list {
					id := digStr(it, "id")
					if style == "edges" {
						id = digStr(it, "node", "id")
					}
					if seen[id] {
						t.Fatalf("duplicate %s", id)
					}
					seen[id] = true
				}
				if pages == 1 && (len(list) != 250 || dig(d, "products", "pageInfo", "hasPreviousPage") != false) {
					t.Fatalf("first page: %d items", len(list))
				}
				if dig(d, "products", "pageInfo", "hasNextPage") != true {
					if dig(d, "products", "pageInfo", "hasPreviousPage") != true {
						t.Fatal("last page should have a previous page")
					}
					break
				}
				after = dig(d, "products", "pageInfo", "endCursor")
			}
			if pages != 2 || len(seen) != len(all) {
				t.Fatalf("pages %d, products %d", pages, len(seen))
			}
			if !seen[all[0].GID] || !seen[all[300].GID] {
				t.Fatal("missing products")
			}
		})
	}
	t.Run("reverse and last/before", func(t *testing.T) {
		d := e.query(`{ products(first: 2, reverse: true) { nodes { id } } }`, nil)
		if digStr(d, "products", "nodes", 0, "id") != all[300].GID {
			t.Fatalf("reverse: %v", d)
		}
		d = e.query(`{ products(last: 3) { edges { cursor node { id } } pageInfo { hasPreviousPage hasNextPage } } }`, nil)
		if digStr(d, "products", "edges", 2, "node", "id") != all[300].GID || dig(d, "products", "pageInfo", "hasPreviousPage") != true {
			t.Fatalf("last: %v", d)
		}
		cur := digStr(d, "products", "edges", 0, "cursor")
		d = e.query(`query($c:String){ products(last: 1, before: $c) { nodes { id } } }`, map[string]any{"c": cur})
		if digStr(d, "products", "nodes", 0, "id") != all[297].GID {
			t.Fatalf("before: %v", d)
		}
	})
	t.Run("page size limits", func(t *testing.T) {
		for _, q := range []string{`{ products(first: 251) { nodes { id } } }`, `{ products { nodes { id } } }`} {
			r := e.post(e.token, q, nil)
			if len(r.Errors) == 0 || r.Data != nil {
				t.Fatalf("%s: want an error, got %s", q, r.Raw)
			}
		}
	})
}

func TestSearchFilters(t *testing.T) {
	e := newEnv(t, Options{})
	ps := addProducts(t, e.srv, 20)
	e.clock.Advance(2 * time.Hour)
	for _, i := range []int{3, 7, 11} {
		title := fmt.Sprintf("Renamed %d", i)
		if err := e.srv.UpdateProduct(ps[i].ID, ProductUpdate{Title: &title}); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.srv.SetQuantity(ps[15].Variants[0].ID, 0, 99); err != nil {
		t.Fatal(err)
	}
	_ = e.srv.UpdateProduct(ps[19].ID, ProductUpdate{Status: ptr("DRAFT")})
	cut := t0.Add(time.Hour).Format(time.RFC3339)
	tests := []struct {
		query string
		want  []int
	}{
		{"updated_at:>'" + cut + "'", []int{3, 7, 11, 15, 19}},
		{"updated_at:>" + cut, []int{3, 7, 11, 15, 19}},
		{`updated_at:>="` + t0.Add(2*time.Hour).Format(time.RFC3339) + `"`, []int{3, 7, 11, 15, 19}},
		{"updated_at:<'" + cut + "' AND sku:SKU-004", []int{4}},
		{"created_at:<=" + t0.Format(time.RFC3339) + " sku:SKU-002", []int{2}},
		{"barcode:6280000000009", []int{9}},
		{"id:" + fmt.Sprint(ps[5].ID), []int{5}},
		{"status:draft", []int{19}},
		{"updated_at:>'" + cut + "' -status:draft", []int{3, 7, 11, 15}},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			d := e.query(`query($q:String){ products(first: 50, query: $q, sortKey: UPDATED_AT) { nodes { id } } }`, map[string]any{"q": tc.query})
			got := map[string]bool{}
			for _, n := range dig(d, "products", "nodes").([]any) {
				got[digStr(n, "id")] = true
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d products, want %d", len(got), len(tc.want))
			}
			for _, i := range tc.want {
				if !got[ps[i].GID] {
					t.Fatalf("missing product %d", i)
				}
			}
		})
	}
	d := e.query(`{ productVariants(first: 5, query: "sku:SKU-012") { nodes { sku product { id } } } }`, nil)
	if digStr(d, "productVariants", "nodes", 0, "product", "id") != ps[12].GID {
		t.Fatalf("variant search: %v", d)
	}
}

func ptr[T any](v T) *T { return &v }

func TestOrdersFilterAndNameSearch(t *testing.T) {
	e := newEnv(t, Options{})
	ps := addProducts(t, e.srv, 3)
	var orders []OrderInfo
	for i := 0; i < 5; i++ {
		o, err := e.srv.PlaceOrder(OrderInput{Lines: []OrderLine{{VariantID: ps[i%3].Variants[0].ID, Quantity: 1}}, Email: "g@example.sa"})
		if err != nil {
			t.Fatal(err)
		}
		orders = append(orders, o)
		e.clock.Advance(time.Hour)
	}
	if _, err := e.srv.RefundOrder(orders[1].ID, RefundInput{Amount: dec("1")}); err != nil {
		t.Fatal(err)
	}
	d := e.query(`{ a: orders(first: 10, query: "name:#1003") { nodes { name } } b: orders(first: 10, query: "name:1004") { nodes { name } }
		c: orders(first: 10, sortKey: UPDATED_AT, query: "updated_at:>='`+t0.Add(4*time.Hour).Format(time.RFC3339)+`'") { nodes { name } } }`, nil)
	if digStr(d, "a", "nodes", 0, "name") != "#1003" || digStr(d, "b", "nodes", 0, "name") != "#1004" {
		t.Fatalf("name search: %v", d)
	}
	c := dig(d, "c", "nodes").([]any)
	if len(c) != 2 || digStr(c[0], "name") != "#1005" || digStr(c[1], "name") != "#1002" {
		t.Fatalf("updated_at filter with refunded order last: %v", c)
	}
}

func TestThrottleBucket(t *testing.T) {
	e := newEnv(t, Options{Bucket: BucketOptions{MaximumAvailable: 100, RestoreRate: 10}})
	addProducts(t, e.srv, 3)
	const q = `{ products(first: 40) { nodes { id } } }` // requested 2 + 40×1 = 42
	r := e.post(e.token, q, nil)
	cost := dig(r.Extensions, "cost").(map[string]any)
	if cost["requestedQueryCost"] != float64(42) || cost["actualQueryCost"] != float64(5) {
		t.Fatalf("cost %v", cost)
	}
	if got := dig(cost, "throttleStatus", "currentlyAvailable"); got != float64(95) {
		t.Fatalf("available after first query %v", got)
	}
	// Drain: a 42-point query needs 42 available.
	e.post(e.token, `{ a: products(first: 40) { nodes { id } } b: products(first: 40) { nodes { id } } }`, nil) // 84 requested, 10 actual → 85 left
	big := `{ a: products(first: 45) { nodes { id } } b: products(first: 45) { nodes { id } } }`                // 94 requested
	r = e.post(e.token, big, nil)
	if r.Status != 200 || len(r.Errors) != 1 || dig(r.Errors[0], "extensions", "code") != "THROTTLED" || r.Errors[0]["message"] != "Throttled" {
		t.Fatalf("want THROTTLED, got %d %s", r.Status, r.Raw)
	}
	if dig(r.Extensions, "cost", "actualQueryCost") != nil || dig(r.Extensions, "cost", "requestedQueryCost") != float64(94) {
		t.Fatalf("throttled cost %v", r.Extensions)
	}
	e.clock.Advance(time.Second) // +10 → 95
	if r = e.post(e.token, big, nil); len(r.Errors) != 0 {
		t.Fatalf("after restore: %s", r.Raw)
	}
	if s := e.srv.Stats(); s.Throttled != 1 || s.Executed != 3 {
		t.Fatalf("stats %+v", s)
	}
}

func TestThrottle429Option(t *testing.T) {
	e := newEnv(t, Options{Bucket: BucketOptions{MaximumAvailable: 50, RestoreRate: 1}, ThrottleHTTPStatus: 429})
	r := e.post(e.token, `{ products(first: 60) { nodes { id } } }`, nil)
	if r.Status != 429 || r.Header.Get("Retry-After") == "" || dig(r.Errors[0], "extensions", "code") != "THROTTLED" {
		t.Fatalf("got %d %s", r.Status, r.Raw)
	}
}

func TestMaxCostExceeded(t *testing.T) {
	e := newEnv(t, Options{})
	q := `{ orders(first: 250) { nodes { id lineItems(first: 50) { nodes { id } } } } }`
	r := e.post(e.token, q, nil)
	if r.Status != 200 || len(r.Errors) != 1 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	ext := r.Errors[0]["extensions"].(map[string]any)
	want := 2 + 250*(1+2+50)
	if ext["code"] != "MAX_COST_EXCEEDED" || ext["cost"] != float64(want) || ext["maxCost"] != float64(1000) {
		t.Fatalf("extensions %v", ext)
	}
	if !strings.HasPrefix(r.Errors[0]["message"].(string), fmt.Sprintf("Query cost is %d, which exceeds the single query max cost limit (1000).", want)) {
		t.Fatalf("message %q", r.Errors[0]["message"])
	}
	if e.srv.Stats().MaxCost != 1 || e.srv.BucketAvailable() != 2000 {
		t.Fatal("max cost must not spend the bucket")
	}
}

func TestQueryCostRules(t *testing.T) {
	e := newEnv(t, Options{})
	tests := []struct {
		q    string
		want int
	}{
		{`{ shop { name } }`, 1},
		{`{ products(first: 10) { edges { cursor node { id title } } pageInfo { hasNextPage } } }`, 12},
		{`{ products(first: 10) { nodes { id variants(first: 5) { nodes { price } } } } }`, 2 + 10*(1+2+5)},
		{`{ order(id: "gid://shopify/Order/1") { totalPriceSet { shopMoney { amount } } } }`, 3},
		{`{ nodes(ids: ["gid://shopify/Product/1", "gid://shopify/Product/2"]) { id ... on Product { title } } }`, 2},
		{`mutation { a: productCreate(product: {title: "x"}) { product { id } } b: productCreate(product: {title: "y"}) { product { id } } }`, 20},
	}
	for _, tc := range tests {
		r := e.post(e.token, tc.q, nil)
		if got := dig(r.Extensions, "cost", "requestedQueryCost"); got != float64(tc.want) {
			t.Errorf("%s: requested %v, want %d (%s)", tc.q, got, tc.want, r.Raw)
		}
	}
}

func TestGraphQLErrors(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.post(e.token, `{ products(first: 1) { nodes { nope } } }`, nil)
	if len(r.Errors) != 1 || r.Errors[0]["message"] != "Field 'nope' doesn't exist on type 'Product'" || dig(r.Errors[0], "extensions", "code") != "undefinedField" {
		t.Fatalf("%s", r.Raw)
	}
	r = e.post(e.token, `query($id: ID!) { product(id: $id) { id } }`, nil)
	if len(r.Errors) != 1 || r.Data != nil {
		t.Fatalf("missing variable: %s", r.Raw)
	}
	r = e.post(e.token, `{ product(id: "gid://shopify/Product/1") { id } }`, nil)
	if len(r.Errors) != 0 || dig(r.Data, "product") != nil {
		t.Fatalf("unknown id must give null: %s", r.Raw)
	}
	if s := e.srv.Stats(); s.Invalid != 2 || s.ByRootField["product"] != 1 {
		t.Fatalf("stats %+v", s)
	}
}

func TestFragmentsAliasesTypename(t *testing.T) {
	e := newEnv(t, Options{})
	ps := addProducts(t, e.srv, 2)
	q := `fragment V on ProductVariant { sku price }
	query Q($id: ID!, $skip: Boolean!) {
	  p: product(id: $id) { __typename name: title ...on Product { handle } variants(first: 1) { nodes { ...V extra: sku } } vendor @skip(if: $skip) }
	  n: nodes(ids: [$id]) { __typename ... on Product { id } }
	}`
	d := e.query(q, map[string]any{"id": ps[1].GID, "skip": true})
	b, _ := json.Marshal(d)
	want := `{"n":[{"__typename":"Product","id":"` + ps[1].GID + `"}],"p":{"__typename":"Product","handle":"منتج-001-product-001","name":"منتج 001 — Product 001","variants":{"nodes":[{"extra":"SKU-001","price":"10.00","sku":"SKU-001"}]}}}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	// Response keys keep the order of the selection.
	r := e.post(e.token, `{ product(id: "`+ps[0].GID+`") { title id handle } }`, nil)
	if !strings.Contains(string(r.Raw), `{"product":{"title":"منتج 000 — Product 000","id":"`+ps[0].GID+`","handle"`) {
		t.Fatalf("order: %s", r.Raw)
	}
}
