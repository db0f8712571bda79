package zidtest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// route answers an API request. Called with s.mu held.
func (s *Server) route(r *http.Request) (answer, *apiError) {
	path := r.URL.Path
	parts := strings.Split(strings.Trim(path, "/"), "/") // "v1", …
	switch {
	case strings.HasPrefix(path, "/v1/products"):
		// A Django REST framework service: its paths end with a slash.
		if !strings.HasSuffix(path, "/") {
			return answer{}, notFound()
		}
		return s.routeProducts(r, parts[2:])
	case strings.HasPrefix(path, "/v1/locations"):
		if !strings.HasSuffix(path, "/") || r.Method != http.MethodGet {
			return answer{}, notFound()
		}
		if len(parts) == 2 {
			return s.drfPage(r, len(s.st.locations), func(i int) any { return s.locationJSON(s.st.locations[i]) },
				map[string]any{"active_locations_limit": 10, "active_locations_count": len(s.st.locations)})
		}
		if l := s.st.location(parts[2]); l != nil && len(parts) == 3 {
			return ok(s.locationJSON(l)), nil
		}
		return answer{}, notFound()
	case strings.TrimSuffix(path, "/") == "/v1/managers/account/profile" && r.Method == http.MethodGet:
		return ok(s.profileJSON()), nil
	}
	if a, e, handled := s.routeCategories(r, path); handled {
		return a, e
	}
	if a, e, handled := s.routeOrders(r, parts); handled {
		return a, e
	}
	return answer{}, errorf(http.StatusNotFound, "not_found", "The requested URL was not found.")
}

func (s *Server) routeProducts(r *http.Request, parts []string) (answer, *apiError) {
	get, post, patch := r.Method == http.MethodGet, r.Method == http.MethodPost, r.Method == http.MethodPatch
	if len(parts) == 0 {
		switch {
		case get:
			return s.listProducts(r)
		case post:
			return s.createProduct(r)
		}
		return answer{}, errorf(http.StatusMethodNotAllowed, "method_not_allowed", "Method \"%s\" not allowed.", r.Method)
	}
	p := s.st.byID[parts[0]]
	if p == nil {
		return answer{}, notFound()
	}
	switch {
	case len(parts) == 1 && get:
		return ok(s.productJSON(p, true)), nil
	case len(parts) == 1 && patch:
		if e := s.updateProduct(r, p); e != nil {
			return answer{}, e
		}
		return ok(s.productJSON(p, true)), nil
	case len(parts) == 2 && parts[1] == "categories" && post:
		return s.attachCategory(r, p)
	case len(parts) == 3 && parts[1] == "categories" && r.Method == http.MethodDelete:
		return s.detachCategory(p, parts[2])
	case len(parts) == 2 && parts[1] == "stocks" && get:
		return s.drfPage(r, len(p.stocks), func(i int) any { return stockJSON(p.stocks[i]) }, nil)
	case len(parts) == 2 && parts[1] == "stocks" && patch:
		return s.bulkStocks(r, p)
	case len(parts) == 2 && parts[1] == "stocks" && post:
		return s.createStock(r, p)
	case len(parts) == 3 && parts[1] == "stocks":
		var row *stock
		for _, x := range p.stocks {
			if x.id == parts[2] {
				row = x
			}
		}
		if row == nil {
			return answer{}, notFound()
		}
		if patch {
			if e := s.setStock(r, p, row); e != nil {
				return answer{}, e
			}
		} else if !get {
			break
		}
		return ok(stockJSON(row)), nil
	}
	return answer{}, notFound()
}

// drfPage answers one page of a Django REST framework list: {count, next, previous, results}
// with next and previous absolute addresses written with http://, as the docs' examples show
// them. page_size (per_page also taken) is 10 by default and at most 50; a page past the last
// is 404 "Invalid page.".
func (s *Server) drfPage(r *http.Request, n int, item func(i int) any, extra map[string]any) (answer, *apiError) {
	q := r.URL.Query()
	pg, size := 1, 10
	if v := q.Get("page"); v != "" {
		k, err := strconv.Atoi(v)
		if err != nil || k < 1 {
			return answer{}, errorf(http.StatusNotFound, "not_found", "Invalid page.")
		}
		pg = k
	}
	for _, key := range []string{"page_size", "per_page"} {
		if v := q.Get(key); v != "" {
			if k, err := strconv.Atoi(v); err == nil && k > 0 {
				size = min(k, 50)
			}
		}
	}
	pages := max(1, (n+size-1)/size)
	if pg > pages {
		return answer{}, errorf(http.StatusNotFound, "not_found", "Invalid page.")
	}
	link := func(k int) any {
		if k < 1 || k > pages {
			return nil
		}
		v := r.URL.Query()
		if k == 1 {
			v.Del("page") // DRF's first page has no page parameter
		} else {
			v.Set("page", strconv.Itoa(k))
		}
		u := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawQuery: v.Encode()}
		return u.String()
	}
	results := []any{}
	for i := (pg - 1) * size; i < min(n, pg*size); i++ {
		results = append(results, item(i))
	}
	body := map[string]any{"count": n, "next": link(pg + 1), "previous": link(pg - 1), "results": results}
	for k, v := range extra {
		body[k] = v
	}
	return ok(body), nil
}

func (s *Server) listProducts(r *http.Request) (answer, *apiError) {
	q := r.URL.Query()
	var list []*product
	structure := q.Get("structure")
	ids := map[string]bool{}
	for _, id := range strings.Split(q.Get("id__in"), ",") {
		if id = strings.TrimSpace(id); id != "" {
			ids[id] = true
		}
	}
	search := strings.ToLower(q.Get("search"))
	for _, p := range s.st.products {
		switch {
		case structure != "" && p.structure != structure:
			continue
		case structure == "" && p.structure == "child": // variants are listed inside their parents
			continue
		case len(ids) > 0 && !ids[p.id]:
			continue
		case q.Get("barcode") != "" && p.barcode != q.Get("barcode"):
			continue
		case search != "" && !strings.Contains(strings.ToLower(p.name.ar+" "+p.name.en+" "+p.sku), search):
			continue
		}
		list = append(list, p)
	}
	index := map[*product]int{}
	for i, p := range s.st.products {
		index[p] = i
	}
	ordering := q.Get("ordering")
	if ordering == "" {
		ordering = "-created_at" // newest first, as the dashboard lists them
	}
	desc := strings.HasPrefix(ordering, "-")
	field := strings.TrimPrefix(ordering, "-")
	if field != "created_at" && field != "updated_at" {
		return answer{}, invalid("ordering", "Select a valid choice. %s is not one of the available choices.", ordering)
	}
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i].createdAt, list[j].createdAt
		if field == "updated_at" {
			a, b = list[i].updatedAt, list[j].updatedAt
		}
		if a.Equal(b) {
			return (index[list[i]] < index[list[j]]) != desc
		}
		return a.Before(b) != desc
	})
	extended := q.Get("extended") == "true" || q.Get("extended") == "True" || q.Get("extended") == "1"
	return s.drfPage(r, len(list), func(i int) any { return s.productJSON(list[i], extended) }, map[string]any{
		"total_products_count": len(list), "normal_products_count": len(list), "voucher_products_count": 0,
		"grouped_products_count": 0, "downloadable_products_count": 0, "dynamic_bundle_products_count": 0,
		"donation_item_count": 0, "crowd_funding_count": 0})
}

func money2(d decimal.Decimal) string { return " SAR " + d.StringFixed(2) }

func (s *Server) categoryJSON(c *category) map[string]any {
	return map[string]any{"id": c.id, "name": c.name.json(), "slug": c.name.text(), "description": map[string]any{"ar": "", "en": ""},
		"cover_image": nil, "image": nil, "display_order": nil, "meta": map[string]any{"childs": []any{}, "parents": []any{}}}
}

func stockJSON(x *stock) map[string]any {
	var qty any = x.qty
	if x.infinite {
		qty = nil
	}
	return map[string]any{"id": x.id, "location": map[string]any{"id": x.location.id, "name": x.location.name.json(),
		"type": "PHYSICAL", "full_address": x.location.address}, "available_quantity": qty, "is_infinite": x.infinite}
}

// productJSON is a product as the list (withVariants: with extended=true) and the detail
// show it. Prices and cost are numbers; a product without a cost has cost null (the docs show
// both 0 and null); quantity is null when the stock is unlimited. A parent's own stocks are
// empty: its variants hold the stock.
func (s *Server) productJSON(p *product, withVariants bool) map[string]any {
	var sale, saleText, cost any
	if p.salePrice != nil {
		sale, saleText = num(*p.salePrice), money2(*p.salePrice)
	}
	if p.cost != nil {
		cost = num(*p.cost)
	}
	cats := []any{}
	for _, c := range p.categories {
		cats = append(cats, s.categoryJSON(c))
	}
	stocks := []any{}
	for _, x := range p.stocks {
		stocks = append(stocks, stockJSON(x))
	}
	var qty any = p.quantity()
	infinite := p.infinite()
	if p.structure == "parent" {
		n, all := 0, len(p.children) > 0
		for _, c := range p.children {
			n += c.quantity()
			all = all && c.infinite()
		}
		qty, infinite = n, all
	}
	if infinite {
		qty = nil
	}
	attrs := []any{}
	if p.structure == "child" {
		attrs = append(attrs, map[string]any{"id": uuidOf("attribute-value", p.parent.option+"/"+p.value), "slug": p.value, "name": p.parent.option,
			"value": names{ar: p.value}.json(), "type": "default", "type_value": map[string]any{"ar": "", "en": ""},
			"product_id": p.id, "attribute_id": uuidOf("attribute", p.parent.option), "display_order": 1, "use_as_filter": false})
	}
	var parentID any
	if p.parent != nil {
		parentID = p.parent.id
	}
	out := map[string]any{
		"id": p.id, "product_class": nil, "sku": p.sku, "barcode": p.barcode, "parent_id": parentID, "name": p.name.json(),
		"slug": strings.ReplaceAll(p.name.text(), " ", "-"), "price": num(p.price), "sale_price": sale,
		"formatted_price": money2(p.price), "formatted_sale_price": saleText, "currency": "SAR", "currency_symbol": " SAR ",
		"short_description": map[string]any{"ar": "", "en": ""}, "attributes": attrs, "categories": cats,
		"display_order": nil, "has_options": p.structure == "parent", "has_fields": false, "images": []any{}, "videos": []any{},
		"is_draft": false, "quantity": qty, "is_infinite": infinite,
		"html_url":          "https://nakhla.zid.store/products/" + p.id,
		"weight":            map[string]any{"value": nil, "unit": "kg"},
		"keywords":          []any{},
		"requires_shipping": true, "is_taxable": true, "structure": p.structure, "store_id": s.opt.StoreID,
		"metafields": []any{}, "meta": map[string]any{}, "badge": nil, "cost": cost, "is_published": true,
		"waiting_customers_count": nil, "group_products": nil, "stocks": stocks, "sold_products_count": nil,
		"created_at": isoTime(p.createdAt), "updated_at": isoTime(p.updatedAt),
	}
	if p.structure == "parent" && withVariants {
		vs := []any{}
		choices := []any{}
		for _, c := range p.children {
			vs = append(vs, s.productJSON(c, false))
			choices = append(choices, c.value)
		}
		out["variants"] = vs
		out["options"] = []any{map[string]any{"id": uuidOf("attribute", p.option), "name": p.option, "slug": p.option, "choices": choices}}
	}
	return out
}

func (s *Server) locationJSON(l *location) map[string]any {
	return map[string]any{"id": l.id, "name": l.name.json(),
		"city":         map[string]any{"id": 1, "name": "Riyadh", "ar_name": l.city, "country_code": "SA"},
		"type":         "PHYSICAL",
		"coordinates":  map[string]any{"latitude": 24.7136, "longitude": 46.6753},
		"full_address": l.address, "short_address": nil, "district": "", "street": "", "fulfillment_priority": 1,
		"is_default": l.isDefault, "is_private": false, "is_enabled": true, "has_stocks": true,
		"channels": []any{"catalog", "pos"}, "linked_users": []any{}}
}

// profileJSON is GET /v1/managers/account/profile: the manager, with the store inside.
func (s *Server) profileJSON() map[string]any {
	return map[string]any{"status": "object", "user": map[string]any{
		"id": 91823, "uuid": uuid("user", 1), "name": "عبدالله العتيبي", "username": "abdullah", "email": "owner@example.sa",
		"mobile": "966551234567", "language_code": "ar",
		"roles": []any{map[string]any{"id": uuid("role", 1), "slug": "owner", "name": "Owner"}},
		"store": map[string]any{
			"id": s.opt.StoreID, "uuid": uuid("store", 1), "username": "nakhla", "title": s.opt.StoreName,
			"phone": "966551234567", "email": "store@example.sa", "url": "https://nakhla.zid.store/", "timezone": "Asia/Riyadh",
			"currency":                                        map[string]any{"id": 4, "name": "Saudi Riyal", "code": "SAR", "symbol": "ر.س"},
			"language":                                        map[string]any{"id": 1, "name": "العربية", "code": "ar", "direction": "rtl"},
			"created_at":                                      "2024-05-02 10:11:12",
			"is_restock_cancelled_orders_enabled":             true,
			"has_multi_product_inventory":                     len(s.st.locations) > 1,
			"is_buy_as_a_guest_enabled":                       true,
			"is_zid_invoice_generation_enabled":               true,
			"is_orders_assigned_to_closest_inventory_enabled": false,
		},
	}}
}

// Writes.

// productBody is what POST and PATCH /v1/products/ take. name is a string or {ar, en}.
type productBody struct {
	Name      json.RawMessage  `json:"name"`
	Price     *decimal.Decimal `json:"price"`
	SalePrice *json.RawMessage `json:"sale_price"`
	Cost      *json.RawMessage `json:"cost"`
	SKU       *string          `json:"sku"`
	Barcode   *string          `json:"barcode"`
	Quantity  *int             `json:"quantity"`
	Infinite  *bool            `json:"is_infinite"`
}

func readNames(raw json.RawMessage) (names, bool) {
	var txt string
	if json.Unmarshal(raw, &txt) == nil {
		return names{ar: txt}, strings.TrimSpace(txt) != ""
	}
	var n struct{ Ar, En string }
	if json.Unmarshal(raw, &n) == nil && (strings.TrimSpace(n.Ar) != "" || strings.TrimSpace(n.En) != "") {
		return names{ar: n.Ar, en: n.En}, true
	}
	return names{}, false
}

// optionalMoney reads a nullable amount: absent (nil, false), null (nil, true) or a number.
func optionalMoney(raw *json.RawMessage) (*decimal.Decimal, bool, bool) {
	if raw == nil {
		return nil, false, true
	}
	if string(*raw) == "null" {
		return nil, true, true
	}
	var d decimal.Decimal
	if err := json.Unmarshal(*raw, &d); err != nil || d.IsNegative() {
		return nil, true, false
	}
	return &d, true, true
}

func (s *Server) skuTaken(sku string, except *product) bool {
	for _, p := range s.st.products {
		if p != except && sku != "" && p.sku == sku {
			return true
		}
	}
	return false
}

// createProduct answers POST /v1/products/: a standalone product whose stock is at the
// default location. name, price and sku are required; the SKU must be new.
func (s *Server) createProduct(r *http.Request) (answer, *apiError) {
	var b productBody
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		return answer{}, errorf(http.StatusBadRequest, "bad_request", "JSON parse error.")
	}
	n, named := readNames(b.Name)
	switch {
	case !named:
		return answer{}, invalid("name", "This field is required.")
	case b.Price == nil || b.Price.IsNegative():
		return answer{}, invalid("price", "A valid number is required.")
	case b.SKU == nil || strings.TrimSpace(*b.SKU) == "":
		return answer{}, invalid("sku", "This field is required.")
	case s.skuTaken(*b.SKU, nil):
		return answer{}, invalid("sku", "product with this sku already exists.")
	}
	in := ProductInput{Name: Names{Ar: n.ar, En: n.en}, SKU: *b.SKU, Price: *b.Price}
	if b.Barcode != nil {
		in.Barcode = *b.Barcode
	}
	if sale, _, good := optionalMoney(b.SalePrice); !good {
		return answer{}, invalid("sale_price", "A valid number is required.")
	} else if sale != nil {
		in.SalePrice = sale
	}
	if cost, _, good := optionalMoney(b.Cost); !good {
		return answer{}, invalid("cost", "A valid number is required.")
	} else if cost != nil {
		in.Cost = cost
	}
	if b.Infinite != nil {
		in.Infinite = *b.Infinite
	}
	if b.Quantity != nil {
		in.Quantity = *b.Quantity
	}
	id, _ := s.addProduct(in)
	return answer{status: http.StatusCreated, body: s.productJSON(s.st.byID[id], true)}, nil
}

// updateProduct answers PATCH /v1/products/{id}/: any of name, price, sale_price (null clears
// it), cost, sku, barcode, quantity (the default location's) and is_infinite.
func (s *Server) updateProduct(r *http.Request, p *product) *apiError {
	var b productBody
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		return errorf(http.StatusBadRequest, "bad_request", "JSON parse error.")
	}
	if b.Name != nil {
		n, named := readNames(b.Name)
		if !named {
			return invalid("name", "This field may not be blank.")
		}
		p.name = n
	}
	if b.Price != nil {
		if b.Price.IsNegative() {
			return invalid("price", "Ensure this value is greater than or equal to 0.")
		}
		p.price = *b.Price
	}
	sale, given, good := optionalMoney(b.SalePrice)
	if !good {
		return invalid("sale_price", "A valid number is required.")
	}
	if given {
		p.salePrice = sale
	}
	cost, given, good := optionalMoney(b.Cost)
	if !good {
		return invalid("cost", "A valid number is required.")
	}
	if given {
		p.cost = cost
	}
	if b.SKU != nil {
		if s.skuTaken(*b.SKU, p) {
			return invalid("sku", "product with this sku already exists.")
		}
		p.sku = *b.SKU
	}
	if b.Barcode != nil {
		p.barcode = *b.Barcode
	}
	if p.sellable() && (b.Quantity != nil || b.Infinite != nil) {
		row := p.stockAt(s.st.defaultLocation())
		if row == nil {
			row = &stock{id: s.st.uuid("stock"), location: s.st.defaultLocation()}
			p.stocks = append(p.stocks, row)
		}
		if b.Quantity != nil {
			row.qty = *b.Quantity
		}
		if b.Infinite != nil {
			row.infinite = *b.Infinite
		}
	}
	p.touch(s.clock.Now())
	return nil
}

// stockBody is one stock row as the stock endpoints take it.
type stockBody struct {
	Location  string `json:"location"`
	Available *int   `json:"available_quantity"`
	Infinite  *bool  `json:"is_infinite"`
}

func (s *Server) applyStock(p *product, row *stock, b stockBody) *apiError {
	if b.Available != nil && *b.Available < 0 {
		return invalid("available_quantity", "Ensure this value is greater than or equal to 0.")
	}
	if b.Available == nil && (b.Infinite == nil || !*b.Infinite) && !row.infinite {
		return invalid("available_quantity", "This field is required when the stock is not infinite.")
	}
	if b.Available != nil {
		row.qty = *b.Available
	}
	if b.Infinite != nil {
		row.infinite = *b.Infinite
	}
	p.touch(s.clock.Now())
	return nil
}

// setStock answers PATCH /v1/products/{id}/stocks/{stock_id}/: the row's available quantity
// is set to the number given (Zid takes absolute quantities, not changes).
func (s *Server) setStock(r *http.Request, p *product, row *stock) *apiError {
	var b stockBody
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		return errorf(http.StatusBadRequest, "bad_request", "JSON parse error.")
	}
	return s.applyStock(p, row, b)
}

// bulkStocks answers PATCH /v1/products/{id}/stocks/ with [{location, available_quantity,
// is_infinite}]: every row is checked before any is written; 204.
func (s *Server) bulkStocks(r *http.Request, p *product) (answer, *apiError) {
	var rows []stockBody
	if err := json.NewDecoder(r.Body).Decode(&rows); err != nil || len(rows) == 0 {
		return answer{}, errorf(http.StatusBadRequest, "bad_request", "Expected a list of items.")
	}
	targets := make([]*stock, len(rows))
	for i, b := range rows {
		l := s.st.location(b.Location)
		if l == nil {
			return answer{}, invalid("location", "Invalid pk \"%s\" - object does not exist.", b.Location)
		}
		if targets[i] = p.stockAt(l); targets[i] == nil {
			return answer{}, invalid("location", "The product has no stock at this location.")
		}
		if b.Available != nil && *b.Available < 0 {
			return answer{}, invalid("available_quantity", "Ensure this value is greater than or equal to 0.")
		}
	}
	for i, b := range rows {
		if e := s.applyStock(p, targets[i], b); e != nil {
			return answer{}, e
		}
	}
	return answer{status: http.StatusNoContent}, nil
}

// createStock answers POST /v1/products/{id}/stocks/: a row at a location the product has
// none at.
func (s *Server) createStock(r *http.Request, p *product) (answer, *apiError) {
	var b stockBody
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		return answer{}, errorf(http.StatusBadRequest, "bad_request", "JSON parse error.")
	}
	l := s.st.location(b.Location)
	switch {
	case !p.sellable():
		return answer{}, invalid("location", "A product with variants keeps its stock in its variants.")
	case l == nil:
		return answer{}, invalid("location", "Invalid pk \"%s\" - object does not exist.", b.Location)
	case p.stockAt(l) != nil:
		return answer{}, invalid("location", "The product already has stock at this location.")
	}
	row := &stock{id: s.st.uuid("stock"), location: l}
	if e := s.applyStock(p, row, b); e != nil {
		return answer{}, e
	}
	p.stocks = append(p.stocks, row)
	return answer{status: http.StatusCreated, body: stockJSON(row)}, nil
}
