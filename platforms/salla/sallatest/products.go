package sallatest

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// route answers an API request (path after /admin/v2). Called with s.mu held.
func (s *Server) route(r *http.Request, path string) (answer, *apiError) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	get, post, put := r.Method == http.MethodGet, r.Method == http.MethodPost, r.Method == http.MethodPut
	id := func(i int) int64 {
		if i >= len(parts) {
			return 0
		}
		n, _ := strconv.ParseInt(parts[i], 10, 64)
		return n
	}
	switch {
	case get && path == "/products":
		return s.listProducts(r)
	case post && path == "/products":
		return s.createProduct(r)
	case get && path == "/products/quantities":
		return s.listQuantities(r)
	case post && path == "/products/quantities/bulk":
		return s.bulkQuantities(r)
	case put && len(parts) == 4 && parts[1] == "quantities" && parts[2] == "variant":
		return s.setVariantQuantity(r, id(3))
	case get && len(parts) == 3 && parts[1] == "sku":
		for _, pid := range sortedKeys(s.st.products) {
			if p := s.st.products[pid]; p.sku != "" && p.sku == parts[2] {
				return ok(s.productJSON(p, true)), nil
			}
		}
		return answer{}, errorf(http.StatusNotFound, "not_found", "The product was not found.")
	case len(parts) == 3 && parts[0] == "products" && parts[1] == "variants":
		v := s.st.skus[id(2)]
		if v == nil {
			return answer{}, errorf(http.StatusNotFound, "not_found", "The variant was not found.")
		}
		if put {
			if e := s.updateVariant(r, v); e != nil {
				return answer{}, e
			}
		} else if !get {
			break
		}
		return ok(s.skuJSON(v)), nil
	case len(parts) == 2 && parts[0] == "products":
		p := s.st.products[id(1)]
		if p == nil {
			return answer{}, errorf(http.StatusNotFound, "not_found", "The product was not found.")
		}
		if put {
			if e := s.updateProduct(r, p); e != nil {
				return answer{}, e
			}
		} else if !get {
			break
		}
		return ok(s.productJSON(p, true)), nil
	case get && len(parts) == 3 && parts[0] == "products" && parts[2] == "variants":
		p := s.st.products[id(1)]
		if p == nil {
			return answer{}, errorf(http.StatusNotFound, "not_found", "The product was not found.")
		}
		return s.pageOf(r, len(p.skus), func(i int) any { return s.skuJSON(p.skus[i]) })
	case get && path == "/categories":
		if e := s.needScope(r, "categories.read", "categories.read_write"); e != nil {
			return answer{}, e
		}
		return s.listCategories(r)
	case post && path == "/categories":
		if e := s.needScope(r, "categories.read_write"); e != nil {
			return answer{}, e
		}
		return s.createCategory(r)
	case get && path == "/branches":
		ids := sortedKeys(s.st.branches)
		return s.pageOf(r, len(ids), func(i int) any { return branchJSON(s.st.branches[ids[i]]) })
	case get && len(parts) == 2 && parts[0] == "branches":
		if b := s.st.branches[id(1)]; b != nil {
			return ok(branchJSON(b)), nil
		}
		return answer{}, errorf(http.StatusNotFound, "not_found", "The branch was not found.")
	case get && path == "/customers":
		ids := sortedKeys(s.st.customers)
		sort.Slice(ids, func(i, j int) bool { return ids[i] > ids[j] })
		return s.pageOf(r, len(ids), func(i int) any { return customerJSON(s.st.customers[ids[i]]) })
	case get && len(parts) == 2 && parts[0] == "customers":
		if c := s.st.customers[id(1)]; c != nil {
			return ok(customerJSON(c)), nil
		}
		return answer{}, errorf(http.StatusNotFound, "not_found", "The customer was not found.")
	}
	if a, e, handled := s.routeOrders(r, parts); handled {
		return a, e
	}
	return answer{}, errorf(http.StatusNotFound, "not_found", "The requested URL was not found.")
}

// pageOf answers one page of a list of n things.
func (s *Server) pageOf(r *http.Request, n int, item func(i int) any) (answer, *apiError) {
	pg, per, e := paging(r.URL.Query())
	if e != nil {
		return answer{}, e
	}
	from, to := slice(n, pg, per)
	data := make([]any, 0, to-from)
	for i := from; i < to; i++ {
		data = append(data, item(i))
	}
	return answer{status: http.StatusOK, data: data, page: &page{total: n, perPage: per, current: pg}}, nil
}

func branchJSON(b *branch) map[string]any {
	return map[string]any{"id": b.id, "name": b.name, "status": "active", "is_default": b.isDefault, "type": "warehouse",
		"city": map[string]any{"name": b.city}, "country": map[string]any{"name": "السعودية", "code": "SA"}}
}

func customerJSON(c *customer) map[string]any {
	return map[string]any{"id": c.id, "first_name": c.first, "last_name": c.last, "mobile": c.mobile, "mobile_code": c.mobileCode,
		"email": c.email, "gender": "", "city": c.city, "country": "السعودية", "country_code": "SA", "currency": "SAR",
		"location": "", "avatar": "", "updated_at": dateObj(c.updateAt), "groups": []any{}}
}

func (s *Server) listProducts(r *http.Request) (answer, *apiError) {
	q := r.URL.Query()
	keyword, status, cat := q.Get("keyword"), q.Get("status"), q.Get("category")
	var ps []*product
	for _, id := range sortedKeys(s.st.products) {
		p := s.st.products[id]
		if status != "" && p.status != status {
			continue
		}
		if cat != "" && !hasCategory(p, cat) {
			continue
		}
		if keyword != "" && !matchesKeyword(p, keyword) {
			continue
		}
		ps = append(ps, p)
	}
	// newest first, as the dashboard lists them
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].id > ps[j].id })
	withSKUs := !s.opt.ListOmitsSKUs && q.Get("format") != "light"
	return s.pageOf(r, len(ps), func(i int) any { return s.productJSON(ps[i], withSKUs) })
}

func hasCategory(p *product, cat string) bool {
	for _, c := range p.categories {
		if strconv.FormatInt(c, 10) == cat {
			return true
		}
	}
	return false
}

// matchesKeyword: the keyword is a product's name or SKU (a variant's SKU too).
func matchesKeyword(p *product, k string) bool {
	if strings.Contains(p.name, k) || strings.EqualFold(p.sku, k) {
		return true
	}
	for _, v := range p.skus {
		if strings.EqualFold(v.sku, k) {
			return true
		}
	}
	return false
}

func total(m map[int64]int) int {
	n := 0
	for _, q := range m {
		n += q
	}
	return n
}

func (s *Server) productQuantity(p *product) int {
	if len(p.skus) == 0 {
		return total(p.stock)
	}
	n := 0
	for _, v := range p.skus {
		n += total(v.stock)
	}
	return n
}

// productJSON is a product as GET /products/{id} shows it. Quirks kept from the docs: the
// schema has quantity and cost_price as numbers while the examples show strings ("0",
// "10.00"); the double sends some products each way. Prices include VAT: price is what the
// shopper pays, pre_tax_price without VAT.
func (s *Server) productJSON(p *product, withSKUs bool) map[string]any {
	price := p.price
	pre := round2(price.Div(decimal.NewFromInt(1).Add(vat)))
	var qty any = s.productQuantity(p)
	if p.qtyText {
		qty = strconv.Itoa(s.productQuantity(p))
	}
	var cost any = 0
	if p.cost != nil {
		cost = num(*p.cost)
		if p.costText {
			cost = p.cost.StringFixed(2)
		}
	} else if p.costText {
		cost = ""
	}
	sale := money(decimal.Zero)
	if p.salePrice != nil {
		sale = money(*p.salePrice)
	}
	cats := []any{}
	for _, c := range p.categories {
		if cat := s.st.categories[c]; cat != nil {
			cats = append(cats, map[string]any{"id": cat.id, "name": cat.name})
		}
	}
	opts := []any{}
	for _, o := range p.options {
		vals := []any{}
		for _, v := range o.values {
			vals = append(vals, map[string]any{"id": v.id, "name": v.name, "price": money(v.price), "display_value": v.name,
				"option_id": o.id, "is_default": false})
		}
		opts = append(opts, map[string]any{"id": o.id, "name": o.name, "type": "radio", "required": true, "display_type": "text",
			"values": vals})
	}
	out := map[string]any{
		"id": p.id, "sku": p.sku, "mpn": p.mpn, "gtin": p.gtin, "type": "product", "name": p.name,
		"description": p.description, "price": money(price), "taxed_price": money(price), "pre_tax_price": money(pre),
		"tax": money(price.Sub(pre)), "regular_price": money(p.price), "sale_price": sale, "cost_price": cost,
		"quantity": qty, "unlimited_quantity": p.unlimited, "status": p.status, "is_available": p.status == "sale",
		"with_tax": true, "require_shipping": true, "managed_by_branches": len(s.st.branches) > 1,
		"categories": cats, "options": opts, "brand": nil, "tags": []any{},
		"urls": map[string]any{"customer": "https://oasis-dates.example/p" + strconv.FormatInt(p.id, 10),
			"admin": "https://s.salla.sa/products/" + strconv.FormatInt(p.id, 10)},
		"updated_at": plainTime(p.updatedAt),
	}
	if withSKUs {
		skus := []any{}
		for _, v := range p.skus {
			skus = append(skus, s.skuJSON(v))
		}
		out["skus"] = skus
	}
	return out
}

// skuJSON is a variant. Its cost_price is a money object, its sale_price {} when there is none,
// its stock_quantity sometimes a string.
func (s *Server) skuJSON(v *sku) map[string]any {
	var sale any = map[string]any{}
	if v.salePrice != nil {
		sale = money(*v.salePrice)
	}
	var cost any = map[string]any{}
	if v.cost != nil {
		cost = money(*v.cost)
	}
	var qty any = total(v.stock)
	if v.quantityText {
		qty = strconv.Itoa(total(v.stock))
	}
	opts, vals := []any{}, []any{}
	for _, val := range v.values {
		for _, o := range v.product.options {
			for _, ov := range o.values {
				if ov == val {
					opts = append(opts, o.id)
				}
			}
		}
		vals = append(vals, val.id)
	}
	branches := []any{}
	for _, b := range sortedKeys(v.stock) {
		branches = append(branches, map[string]any{"branch_id": b, "quantity": v.stock[b]})
	}
	return map[string]any{"id": v.id, "product_id": v.product.id, "price": money(v.price), "regular_price": money(v.price),
		"cost_price": cost, "sale_price": sale, "has_special_price": v.salePrice != nil,
		"stock_quantity": qty, "unlimited_quantity": v.unlimited, "notify_low": nil, "barcode": v.barcode,
		"sku": v.sku, "mpn": v.mpn, "gtin": v.gtin, "related_options": opts, "related_option_values": vals,
		"quantities": branches, "is_default": false, "updated_at": plainTime(v.updatedAt)}
}

// sellables lists every sellable unit in a stable order: products, then their variants.
func (s *Server) sellables() []sellable {
	var out []sellable
	for _, id := range sortedKeys(s.st.products) {
		p := s.st.products[id]
		if len(p.skus) == 0 {
			out = append(out, sellable{p: p})
		}
		for _, v := range p.skus {
			out = append(out, sellable{p: p, v: v})
		}
	}
	return out
}

// listQuantities answers GET /products/quantities: one row per sellable SKU, the stock of one
// branch (branch=, default: the default branch). A variant's row has the product's id and the
// variant in variant{id, name}; a product without options has variant null. (The docs list
// the fields without saying which id a variant's row carries.)
func (s *Server) listQuantities(r *http.Request) (answer, *apiError) {
	q := r.URL.Query()
	br := s.st.defaultBranch().id
	if v := q.Get("branch"); v != "" {
		n, _ := strconv.ParseInt(v, 10, 64)
		if s.st.branches[n] == nil {
			return answer{}, invalid("branch", "The selected branch is invalid.")
		}
		br = n
	}
	k := q.Get("keyword")
	var rows []sellable
	for _, x := range s.sellables() {
		if k != "" && !strings.Contains(x.p.name, k) && !strings.EqualFold(x.skuCode(), k) {
			continue
		}
		rows = append(rows, x)
	}
	return s.pageOf(r, len(rows), func(i int) any {
		x := rows[i]
		row := map[string]any{"id": x.p.id, "name": x.p.name, "sku": x.skuCode(), "quantity": x.stockMap()[br],
			"unlimited_quantity": x.unlimited(), "price": money(x.price()), "variant": nil}
		if x.v != nil {
			row["variant"] = map[string]any{"id": x.v.id, "name": variantName(x.v)}
		}
		return row
	})
}

// bulkRow is one row of POST /products/quantities/bulk. The docs spell the fields identifer
// and identifer_type; the double also takes identifier and identifier_type.
type bulkRow struct {
	Type      string          `json:"identifer_type"`
	Type2     string          `json:"identifier_type"`
	ID        json.RawMessage `json:"identifer"`
	ID2       json.RawMessage `json:"identifier"`
	Quantity  *json.Number    `json:"quantity"`
	Mode      string          `json:"mode"`
	Unlimited *bool           `json:"unlimited_quantity"`
	Branch    json.Number     `json:"branch"`
	ReasonID  json.Number     `json:"reason_id"`
}

func rawString(m json.RawMessage) string {
	var s string
	if json.Unmarshal(m, &s) == nil {
		return s
	}
	return strings.TrimSpace(string(m))
}

// find returns the sellable an identifier names: by product id (a product without options),
// by variant id, or by SKU.
func (s *Server) find(kind, ident string) (sellable, bool) {
	switch kind {
	case "id":
		n, _ := strconv.ParseInt(ident, 10, 64)
		if p := s.st.products[n]; p != nil && len(p.skus) == 0 {
			return sellable{p: p}, true
		}
	case "variant_id":
		n, _ := strconv.ParseInt(ident, 10, 64)
		if v := s.st.skus[n]; v != nil {
			return sellable{p: v.product, v: v}, true
		}
	case "sku":
		for _, x := range s.sellables() {
			if ident != "" && x.skuCode() == ident {
				return x, true
			}
		}
	}
	return sellable{}, false
}

// bulkQuantities answers POST /products/quantities/bulk: every row is checked before any is
// applied; overwrite sets, increment and decrement change the branch's stock relatively (a
// decrement may take it below zero, as a sale can).
func (s *Server) bulkQuantities(r *http.Request) (answer, *apiError) {
	var body struct {
		Products []bulkRow `json:"products"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		return answer{}, errorf(http.StatusBadRequest, "bad_request", "The request body is not valid JSON.")
	}
	if len(body.Products) == 0 {
		return answer{}, invalid("products", "The products field is required.")
	}
	type change struct {
		x      sellable
		branch int64
		mode   string
		qty    int
		unlim  *bool
	}
	var changes []change
	for i, row := range body.Products {
		f := func(name string) string { return "products." + strconv.Itoa(i) + "." + name }
		kind := row.Type
		if kind == "" {
			kind = row.Type2
		}
		ident := rawString(row.ID)
		if len(row.ID) == 0 {
			ident = rawString(row.ID2)
		}
		x, found := s.find(kind, ident)
		if kind != "id" && kind != "variant_id" && kind != "sku" {
			return answer{}, invalid(f("identifer_type"), "The selected identifer type is invalid.")
		}
		if !found {
			return answer{}, invalid(f("identifer"), "The selected identifer is invalid.")
		}
		mode := row.Mode
		if mode == "" {
			mode = "overwrite"
		}
		if mode != "overwrite" && mode != "increment" && mode != "decrement" {
			return answer{}, invalid(f("mode"), "The selected mode is invalid.")
		}
		qty := 0
		if row.Quantity != nil {
			n, err := strconv.Atoi(row.Quantity.String())
			if err != nil || n < 0 {
				return answer{}, invalid(f("quantity"), "The quantity must be a whole number of at least 0.")
			}
			qty = n
		} else if row.Unlimited == nil {
			return answer{}, invalid(f("quantity"), "The quantity field is required.")
		}
		br := s.st.defaultBranch().id
		if row.Branch != "" {
			n, _ := strconv.ParseInt(row.Branch.String(), 10, 64)
			if s.st.branches[n] == nil {
				return answer{}, invalid(f("branch"), "The selected branch is invalid.")
			}
			br = n
		}
		changes = append(changes, change{x: x, branch: br, mode: mode, qty: qty, unlim: row.Unlimited})
	}
	now := s.clock.Now()
	var out []any
	for _, c := range changes {
		m := c.x.stockMap()
		switch c.mode {
		case "overwrite":
			m[c.branch] = c.qty
		case "increment":
			m[c.branch] += c.qty
		case "decrement":
			m[c.branch] -= c.qty
		}
		if c.unlim != nil {
			if c.x.v != nil {
				c.x.v.unlimited = *c.unlim
			} else {
				c.x.p.unlimited = *c.unlim
			}
		}
		c.x.touch(now)
		out = append(out, map[string]any{"id": c.x.id(), "sku": c.x.skuCode(), "quantity": m[c.branch], "branch": c.branch})
	}
	return ok(out), nil
}

// setVariantQuantity answers PUT /products/quantities/variant/{id} {quantity}.
func (s *Server) setVariantQuantity(r *http.Request, id int64) (answer, *apiError) {
	v := s.st.skus[id]
	if v == nil {
		return answer{}, errorf(http.StatusNotFound, "not_found", "The variant was not found.")
	}
	var body struct {
		Quantity *json.Number `json:"quantity"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Quantity == nil {
		return answer{}, invalid("quantity", "The quantity field is required.")
	}
	n, err := strconv.Atoi(body.Quantity.String())
	if err != nil || n < 0 {
		return answer{}, invalid("quantity", "The quantity must be a whole number of at least 0.")
	}
	v.stock[s.st.defaultBranch().id] = n
	sellable{p: v.product, v: v}.touch(s.clock.Now())
	return ok(s.skuJSON(v)), nil
}

// needScope refuses a request whose token was granted none of scopes, as Salla does: 401,
// naming the scopes (a new token would not change it).
func (s *Server) needScope(r *http.Request, scopes ...string) *apiError {
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if g := s.st.grants.ByAccess(strings.TrimSpace(tok)); g != nil {
		for _, have := range strings.Fields(g.Scope) {
			for _, want := range scopes {
				if have == want {
					return nil
				}
			}
		}
	}
	return errorf(http.StatusUnauthorized, "Unauthorized", "The access token should have access to one of those scopes: %s", strings.Join(scopes, ", "))
}

// listCategories answers GET /categories: the store's categories, those whose name holds
// keyword (any level) when it is given, else the top level with their sub_categories; status
// filters by active or hidden.
func (s *Server) listCategories(r *http.Request) (answer, *apiError) {
	q := r.URL.Query()
	keyword, status := strings.ToLower(strings.TrimSpace(q.Get("keyword"))), q.Get("status")
	var cs []*category
	for _, id := range sortedKeys(s.st.categories) {
		c := s.st.categories[id]
		switch {
		case status != "" && c.status() != status:
		case keyword != "" && !strings.Contains(strings.ToLower(c.name), keyword):
		case keyword == "" && c.parent != 0:
		default:
			cs = append(cs, c)
		}
	}
	return s.pageOf(r, len(cs), func(i int) any { return s.categoryJSON(cs[i]) })
}

func (s *Server) categoryJSON(c *category) map[string]any {
	subs := []any{}
	for _, id := range sortedKeys(s.st.categories) {
		if sub := s.st.categories[id]; sub.parent == c.id {
			subs = append(subs, s.categoryJSON(sub))
		}
	}
	return map[string]any{"id": c.id, "name": c.name, "image": nil, "parent_id": c.parent, "sort_order": c.sort,
		"status": c.status(), "show_in": map[string]any{"app": true, "salla_points": false}, "has_hidden_products": false,
		"urls":      map[string]any{"customer": "https://oasis-dates.example/c" + strconv.FormatInt(c.id, 10), "admin": "/categories"},
		"update_at": plainTime(c.updatedAt), "metadata": map[string]any{"title": nil, "description": nil, "url": nil},
		"sub_categories": subs}
}

// createCategory answers POST /categories: name (required), status (active or hidden),
// parent_id (an existing category, or 0 for the top level) and sort_order.
func (s *Server) createCategory(r *http.Request) (answer, *apiError) {
	var in struct {
		Name     *string         `json:"name"`
		Status   *string         `json:"status"`
		ParentID json.RawMessage `json:"parent_id"`
		Sort     json.RawMessage `json:"sort_order"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		return answer{}, errorf(http.StatusBadRequest, "bad_request", "The request body is not valid JSON.")
	}
	if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
		return answer{}, invalid("name", "The name field is required.")
	}
	c := &category{id: s.st.id("category"), name: strings.TrimSpace(*in.Name), updatedAt: s.clock.Now()}
	if in.Status != nil {
		switch *in.Status {
		case "active":
		case "hidden":
			c.hidden = true
		default:
			return answer{}, invalid("status", "The selected status is invalid.")
		}
	}
	if len(in.ParentID) > 0 && string(in.ParentID) != "null" {
		n, good := intOf(in.ParentID)
		if !good || (n != 0 && s.st.categories[int64(n)] == nil) {
			return answer{}, invalid("parent_id", "The selected parent id is invalid.")
		}
		c.parent = int64(n)
	}
	if len(in.Sort) > 0 {
		n, good := intOf(in.Sort)
		if !good {
			return answer{}, invalid("sort_order", "The sort order must be a number.")
		}
		c.sort = n
	}
	s.st.categories[c.id] = c
	return answer{status: http.StatusCreated, data: s.categoryJSON(c)}, nil
}
