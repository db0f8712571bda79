package wootest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// route answers an API request; the store's lock is held.
func (s *Server) route(r *http.Request, path string, body []byte) (answer, error) {
	q := r.URL.Query()
	parts := strings.Split(strings.Trim(path, "/"), "/")
	m := r.Method
	n := len(parts)
	id := func(i int) int64 { v, _ := strconv.ParseInt(parts[i], 10, 64); return v }
	switch {
	case path == "/system_status" && m == http.MethodGet:
		return one(map[string]any{
			"environment": map[string]any{"home_url": s.siteURL(r), "site_url": s.siteURL(r), "version": s.opt.Version,
				"wp_version": "6.8.1", "timezone": "Asia/Riyadh", "secure_connection": true},
			"settings": map[string]any{"currency": s.opt.Currency, "currency_symbol": "&#x631;.&#x633;", "currency_position": "right_space",
				"number_of_decimals": 2, "tax_round_at_subtotal": true, "prices_include_tax": s.opt.PricesIncludeTax},
		}), nil
	case path == "/data/currencies/current" && m == http.MethodGet:
		return one(map[string]any{"code": s.opt.Currency, "name": "Saudi riyal", "symbol": "&#x631;.&#x633;"}), nil
	case path == "/products/categories" && m == http.MethodGet:
		var out []any
		search := strings.ToLower(q.Get("search"))
		for _, cid := range sortedIDs(s.st.cats) {
			c := s.st.cats[cid]
			if search == "" || strings.Contains(strings.ToLower(c.Name), search) {
				out = append(out, map[string]any{"id": c.ID, "name": htmlEscape(c.Name), "slug": c.Slug})
			}
		}
		return s.page(q, out)
	case path == "/products/categories" && m == http.MethodPost:
		var in struct{ Name string }
		json.Unmarshal(body, &in)
		if c := s.st.categoryByName(in.Name); c != nil {
			e := errorf(http.StatusBadRequest, "term_exists", "A term with the name provided already exists with this parent.")
			e.extra = map[string]any{"resource_id": c.ID}
			return answer{}, e
		}
		cid := s.st.ensureCategory(in.Name)
		return answer{status: http.StatusCreated, body: map[string]any{"id": cid, "name": in.Name}}, nil
	case path == "/products" && m == http.MethodGet:
		return s.listProducts(q, 0)
	case path == "/products" && m == http.MethodPost:
		p, err := s.createProduct(body, 0)
		if err != nil {
			return answer{}, err
		}
		return answer{status: http.StatusCreated, body: s.renderProduct(p)}, nil
	case path == "/products/batch" && m == http.MethodPost:
		return s.batch(body, 0)
	case n == 2 && parts[0] == "products" && m == http.MethodGet:
		p := s.st.products[id(1)]
		if p == nil {
			return answer{}, errorf(http.StatusNotFound, "woocommerce_rest_product_invalid_id", "Invalid ID.")
		}
		return one(s.renderProduct(p)), nil
	case n == 2 && parts[0] == "products" && (m == http.MethodPut || m == http.MethodPost):
		p, err := s.updateProduct(id(1), body, 0)
		if err != nil {
			return answer{}, err
		}
		return one(s.renderProduct(p)), nil
	case n == 3 && parts[0] == "products" && parts[2] == "variations" && m == http.MethodGet:
		if p := s.st.products[id(1)]; p == nil || p.Type != "variable" {
			return answer{}, errorf(http.StatusNotFound, "woocommerce_rest_product_invalid_id", "Invalid ID.")
		}
		return s.listProducts(q, id(1))
	case n == 4 && parts[0] == "products" && parts[2] == "variations" && parts[3] == "batch" && m == http.MethodPost:
		return s.batch(body, id(1))
	case n == 4 && parts[0] == "products" && parts[2] == "variations" && (m == http.MethodPut || m == http.MethodPost):
		p, err := s.updateProduct(id(3), body, id(1))
		if err != nil {
			return answer{}, err
		}
		return one(s.renderProduct(p)), nil
	case path == "/orders" && m == http.MethodGet:
		return s.listOrders(q)
	case n == 2 && parts[0] == "orders" && m == http.MethodGet:
		o := s.st.orders[id(1)]
		if o == nil {
			return answer{}, errorf(http.StatusNotFound, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
		}
		return one(s.renderOrder(o)), nil
	case n == 3 && parts[0] == "orders" && parts[2] == "refunds" && m == http.MethodGet:
		o := s.st.orders[id(1)]
		if o == nil {
			return answer{}, errorf(http.StatusNotFound, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
		}
		var out []any
		for i := len(o.Refunds) - 1; i >= 0; i-- { // newest first, as WooCommerce lists them
			out = append(out, s.renderRefund(o, o.Refunds[i]))
		}
		return s.page(q, out)
	}
	return answer{}, errorf(http.StatusNotFound, "rest_no_route", "No route was found matching the URL and request method.")
}

func one(v any) answer { return answer{status: http.StatusOK, body: v} }

// pageIDs cuts a list of ids by page and renders only that page.
func (s *Server) pageIDs(q url.Values, ids []int64, render func(int64) any) (answer, error) {
	placeholder := make([]any, len(ids))
	for i, id := range ids {
		placeholder[i] = id
	}
	ans, err := s.page(q, placeholder)
	if err != nil {
		return ans, err
	}
	list := ans.body.([]any)
	out := make([]any, len(list))
	for i, v := range list {
		out[i] = onlyFields(q, render(v.(int64)))
	}
	ans.body = out
	return ans, nil
}

// onlyFields keeps the top-level fields _fields names, as WordPress does for every REST route.
func onlyFields(q url.Values, v any) any {
	m, ok := v.(map[string]any)
	if !ok || q.Get("_fields") == "" {
		return v
	}
	keep := map[string]any{}
	for _, f := range strings.Split(q.Get("_fields"), ",") {
		f = strings.TrimSpace(strings.SplitN(f, ".", 2)[0])
		if x, ok := m[f]; ok {
			keep[f] = x
		}
	}
	return keep
}

// page cuts a list by page and per_page (default 10, at most 100).
func (s *Server) page(q url.Values, all []any) (answer, error) {
	per := 10
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return answer{}, errorf(http.StatusBadRequest, "rest_invalid_param", "Invalid parameter(s): per_page")
		}
		per = n
	}
	pg := 1
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return answer{}, errorf(http.StatusBadRequest, "rest_invalid_param", "Invalid parameter(s): page")
		}
		pg = n
	}
	pages := (len(all) + per - 1) / per
	if pg > pages && len(all) > 0 {
		return answer{}, errorf(http.StatusBadRequest, "rest_post_invalid_page_number", "The page number requested is larger than the number of pages available.")
	}
	start := min((pg-1)*per, len(all))
	out := all[start:min(start+per, len(all))]
	if out == nil {
		out = []any{}
	}
	return answer{status: http.StatusOK, body: out, list: true, total: len(all), totalPages: pages}, nil
}

// since reads a date parameter: UTC with dates_are_gmt, else site time.
func since(q url.Values, name string) (time.Time, bool) {
	v := q.Get(name)
	if v == "" {
		return time.Time{}, false
	}
	zone := siteZone
	if q.Get("dates_are_gmt") == "true" || q.Get("dates_are_gmt") == "1" {
		zone = time.UTC
	}
	t, err := time.ParseInLocation("2006-01-02T15:04:05", v, zone)
	if err != nil {
		if t, err = time.Parse(time.RFC3339, v); err != nil {
			return time.Time{}, false
		}
	}
	return t.UTC(), true
}

func includes(q url.Values) map[int64]bool {
	v := q.Get("include")
	if v == "" {
		return nil
	}
	out := map[int64]bool{}
	for _, part := range strings.Split(v, ",") {
		if n, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64); err == nil {
			out[n] = true
		}
	}
	return out
}

func ordered(q url.Values, ids []int64, key func(int64) time.Time) {
	desc := q.Get("order") != "asc"
	by := q.Get("orderby")
	sort.SliceStable(ids, func(i, j int) bool {
		a, b := ids[i], ids[j]
		if by == "date" && key != nil && !key(a).Equal(key(b)) {
			if desc {
				return key(a).After(key(b))
			}
			return key(a).Before(key(b))
		}
		if desc {
			return a > b
		}
		return a < b
	})
}

// listProducts lists products (parent 0) or one product's variations. A sku filter searches
// variations too.
func (s *Server) listProducts(q url.Values, parent int64) (answer, error) {
	inc := includes(q)
	skus := map[string]bool{}
	for _, v := range strings.Split(q.Get("sku"), ",") {
		if v = strings.TrimSpace(v); v != "" {
			skus[v] = true
		}
	}
	after, hasAfter := since(q, "modified_after")
	typ := q.Get("type")
	var ids []int64
	for _, pid := range sortedIDs(s.st.products) {
		p := s.st.products[pid]
		switch {
		case parent != 0 && p.ParentID != parent:
			continue
		case parent == 0 && p.Type == "variation" && len(skus) == 0:
			continue
		case len(skus) > 0 && !skus[p.SKU]:
			continue
		case inc != nil && !inc[p.ID]:
			continue
		case hasAfter && !p.Changed.After(after):
			continue
		case typ != "" && p.Type != typ:
			continue
		}
		ids = append(ids, pid)
	}
	ordered(q, ids, func(id int64) time.Time { return s.st.products[id].Created })
	return s.pageIDs(q, ids, func(id int64) any { return s.renderProduct(s.st.products[id]) })
}

func (s *Server) renderProduct(p *product) map[string]any {
	price := p.Sale
	if price == "" {
		price = p.Regular
	}
	var cats []any
	for _, c := range p.Cats {
		if cat := s.st.cats[c]; cat != nil {
			cats = append(cats, map[string]any{"id": cat.ID, "name": htmlEscape(cat.Name), "slug": cat.Slug})
		}
	}
	if cats == nil {
		cats = []any{}
	}
	var stock any
	if p.Manage {
		stock = json.Number(p.Stock.String())
	}
	var manage any = p.Manage
	if p.ManageParent {
		manage = "parent"
	}
	stockStatus := "instock"
	if p.Manage && !p.Stock.IsPositive() {
		stockStatus = "outofstock"
	}
	attrs := []any{}
	for _, a := range p.Attrs {
		attrs = append(attrs, map[string]any{"id": 0, "name": a.Name, "option": a.Option})
	}
	out := map[string]any{
		"id": p.ID, "name": htmlEscape(s.st.displayName(p)), "slug": slug(p.Name), "type": p.Type, "status": "publish",
		"sku": p.SKU, "global_unique_id": p.GTIN, "price": price, "regular_price": p.Regular, "sale_price": p.Sale,
		"date_created": local(p.Created), "date_created_gmt": gmt(p.Created),
		"date_modified": local(p.Changed), "date_modified_gmt": gmt(p.Changed),
		"manage_stock": manage, "stock_quantity": stock, "stock_status": stockStatus, "tax_class": p.TaxClass,
		"categories": cats, "attributes": attrs, "meta_data": []any{},
	}
	if p.Type == "variation" {
		out["parent_id"] = p.ParentID
		delete(out, "categories")
	} else {
		vars := p.Variations
		if vars == nil {
			vars = []int64{}
		}
		out["variations"] = vars
		out["parent_id"] = 0
	}
	if s.opt.COGS {
		cost := decimal.Zero
		if p.Cost != nil {
			cost = *p.Cost
		}
		out["cost_of_goods_sold"] = map[string]any{
			"values":                    []any{map[string]any{"defined_value": cost.InexactFloat64(), "effective_value": cost.InexactFloat64()}},
			"defined_value_is_additive": false, "total_value": cost.InexactFloat64(),
		}
	}
	for k, v := range p.Raw {
		out[k] = v
	}
	return out
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// productIn is what a create or update may set.
type productIn struct {
	ID             json.Number  `json:"id"`
	Name           *string      `json:"name"`
	Type           string       `json:"type"`
	SKU            *string      `json:"sku"`
	GlobalUniqueID *string      `json:"global_unique_id"`
	RegularPrice   *string      `json:"regular_price"`
	ManageStock    *bool        `json:"manage_stock"`
	StockQuantity  *json.Number `json:"stock_quantity"`
	Categories     *[]struct {
		ID int64 `json:"id"`
	} `json:"categories"`
	COGS *struct {
		Values []struct {
			DefinedValue json.Number `json:"defined_value"`
		} `json:"values"`
	} `json:"cost_of_goods_sold"`
}

func (s *Server) createProduct(body []byte, parent int64) (*product, error) {
	var in productIn
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, errorf(http.StatusBadRequest, "rest_invalid_json", "Invalid JSON body passed.")
	}
	return s.create(in, parent)
}

func (s *Server) create(in productIn, parent int64) (*product, error) {
	if in.SKU != nil && *in.SKU != "" && s.st.bySKU(*in.SKU) != nil {
		return nil, errorf(http.StatusBadRequest, "product_invalid_sku", "Invalid or duplicated SKU.")
	}
	if in.GlobalUniqueID != nil && *in.GlobalUniqueID != "" {
		for _, p := range s.st.products {
			if p.GTIN == *in.GlobalUniqueID {
				return nil, errorf(http.StatusBadRequest, "product_invalid_global_unique_id", "Invalid or duplicated GTIN, UPC, EAN or ISBN.")
			}
		}
	}
	now := s.clock.Now()
	p := &product{ID: s.st.id(), Type: "simple", Created: now, Changed: now}
	if parent != 0 {
		p.Type, p.ParentID = "variation", parent
	}
	s.st.products[p.ID] = p
	if err := s.apply(p, in); err != nil {
		delete(s.st.products, p.ID)
		return nil, err
	}
	return p, nil
}

func (s *Server) updateProduct(id int64, body []byte, parent int64) (*product, error) {
	var in productIn
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, errorf(http.StatusBadRequest, "rest_invalid_json", "Invalid JSON body passed.")
	}
	return s.update(id, in, parent)
}

func (s *Server) update(id int64, in productIn, parent int64) (*product, error) {
	p := s.st.products[id]
	if p == nil || (parent != 0 && p.ParentID != parent) || (parent == 0 && p.Type == "variation") {
		return nil, errorf(http.StatusBadRequest, "woocommerce_rest_product_invalid_id", "Invalid ID.")
	}
	if in.SKU != nil && *in.SKU != "" {
		if other := s.st.bySKU(*in.SKU); other != nil && other.ID != p.ID {
			return nil, errorf(http.StatusBadRequest, "product_invalid_sku", "Invalid or duplicated SKU.")
		}
	}
	if err := s.apply(p, in); err != nil {
		return nil, err
	}
	return p, nil
}

// apply writes fields; a change of anything but stock moves the modification date (and the
// parent's, for a variation).
func (s *Server) apply(p *product, in productIn) error {
	changed := false
	if in.Name != nil {
		p.Name, changed = *in.Name, true
	}
	if in.SKU != nil {
		p.SKU, changed = *in.SKU, true
	}
	if in.GlobalUniqueID != nil {
		p.GTIN, changed = *in.GlobalUniqueID, true
	}
	if in.RegularPrice != nil {
		if _, err := decimal.NewFromString(*in.RegularPrice); err != nil && *in.RegularPrice != "" {
			return errorf(http.StatusBadRequest, "rest_invalid_param", "Invalid parameter(s): regular_price")
		}
		p.Regular, changed = *in.RegularPrice, true
	}
	if in.Type != "" && p.Type != "variation" {
		p.Type = in.Type
	}
	if in.Categories != nil {
		p.Cats = nil
		for _, c := range *in.Categories {
			if s.st.cats[c.ID] != nil {
				p.Cats = append(p.Cats, c.ID)
			}
		}
		changed = true
	}
	if in.COGS != nil && len(in.COGS.Values) > 0 && s.opt.COGS {
		// Without the feature the field is not in the product schema, and WooCommerce ignores
		// it as it ignores any field it does not know.
		d := dec(in.COGS.Values[0].DefinedValue.String())
		p.Cost, changed = &d, true
	}
	if in.ManageStock != nil {
		p.Manage = *in.ManageStock
	}
	if in.StockQuantity != nil {
		d, err := decimal.NewFromString(in.StockQuantity.String())
		if err != nil {
			return errorf(http.StatusBadRequest, "rest_invalid_param", "Invalid parameter(s): stock_quantity")
		}
		p.Stock = d
	}
	if changed {
		s.touch(p, s.clock.Now())
	}
	return nil
}

// batch runs a products or variations batch.
func (s *Server) batch(body []byte, parent int64) (answer, error) {
	var in struct {
		Create []productIn `json:"create"`
		Update []productIn `json:"update"`
		Delete []int64     `json:"delete"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return answer{}, errorf(http.StatusBadRequest, "rest_invalid_json", "Invalid JSON body passed.")
	}
	if len(in.Create)+len(in.Update)+len(in.Delete) > 100 {
		return answer{}, errorf(http.StatusRequestEntityTooLarge, "woocommerce_rest_request_entity_too_large", "Unable to accept more than 100 items for this request.")
	}
	if parent != 0 {
		if p := s.st.products[parent]; p == nil || p.Type != "variable" {
			return answer{}, errorf(http.StatusNotFound, "woocommerce_rest_product_invalid_id", "Invalid ID.")
		}
	}
	itemErr := func(err error) any {
		e := err.(*apiError)
		return map[string]any{"id": 0, "error": map[string]any{"code": e.code, "message": e.message, "data": map[string]any{"status": e.status}}}
	}
	out := map[string]any{}
	if len(in.Create) > 0 {
		var res []any
		for _, c := range in.Create {
			p, err := s.create(c, parent)
			if err != nil {
				res = append(res, itemErr(err))
				continue
			}
			if parent != 0 {
				s.st.products[parent].Variations = append(s.st.products[parent].Variations, p.ID)
			}
			res = append(res, s.renderProduct(p))
		}
		out["create"] = res
	}
	if len(in.Update) > 0 {
		var res []any
		for _, u := range in.Update {
			uid, _ := u.ID.Int64()
			p, err := s.update(uid, u, parent)
			if err != nil {
				res = append(res, itemErr(err))
				continue
			}
			res = append(res, s.renderProduct(p))
		}
		out["update"] = res
	}
	return one(out), nil
}

func (s *Server) listOrders(q url.Values) (answer, error) {
	inc := includes(q)
	modAfter, hasMod := since(q, "modified_after")
	createdAfter, hasCreated := since(q, "after")
	statuses := map[string]bool{}
	for _, v := range strings.Split(q.Get("status"), ",") {
		if v = strings.TrimSpace(v); v != "" && v != "any" {
			statuses[v] = true
		}
	}
	search := strings.TrimSpace(q.Get("search"))
	var ids []int64
	for _, oid := range sortedIDs(s.st.orders) {
		o := s.st.orders[oid]
		switch {
		case inc != nil && !inc[o.ID]:
			continue
		case hasMod && !o.Changed.After(modAfter):
			continue
		case hasCreated && !o.Created.After(createdAfter):
			continue
		case len(statuses) > 0 && !statuses[o.Status]:
			continue
		case search != "" && strconv.FormatInt(o.ID, 10) != search && !strings.Contains(strings.ToLower(o.Billing.Email), strings.ToLower(search)):
			continue
		}
		ids = append(ids, oid)
	}
	ordered(q, ids, func(id int64) time.Time { return s.st.orders[id].Created })
	return s.pageIDs(q, ids, func(id int64) any { return s.renderOrder(s.st.orders[id]) })
}

func taxList(rateID int64, total, subtotal decimal.Decimal, withSub bool) []any {
	t := map[string]any{"id": rateID, "total": raw(total)}
	if withSub {
		t["subtotal"] = raw(subtotal)
	}
	return []any{t}
}

func (s *Server) renderOrder(o *order) map[string]any {
	t := o.totals()
	var lines []any
	for _, l := range o.Lines {
		meta := []any{}
		if l.Reduced > 0 {
			meta = append(meta, map[string]any{"id": l.ID * 10, "key": "_reduced_stock", "value": strconv.Itoa(l.Reduced)})
		}
		price := r2(l.Total).DivRound(decimal.NewFromInt(int64(l.Q)), 6)
		lines = append(lines, map[string]any{
			"id": l.ID, "name": htmlEscape(l.Name), "product_id": l.ProductID, "variation_id": l.VariationID, "quantity": l.Q,
			"tax_class": "", "subtotal": money(l.Sub), "subtotal_tax": money(l.SubTax), "total": money(l.Total), "total_tax": money(l.Tax),
			"taxes": taxList(l.RateID, l.Tax, l.SubTax, true), "meta_data": meta, "sku": l.SKU, "price": json.Number(price.String()),
			"global_unique_id": "",
		})
	}
	charges := func(list []*ocharge, fee bool) []any {
		out := []any{}
		for _, c := range list {
			m := map[string]any{"id": c.ID, "total": money(c.Total), "total_tax": money(c.Tax), "taxes": []any{}, "meta_data": []any{}}
			if c.Tax.IsPositive() {
				m["taxes"] = taxList(1, c.Tax, decimal.Zero, false)
			}
			if fee {
				m["name"], m["tax_status"] = htmlEscape(c.Title), "taxable"
			} else {
				m["method_title"], m["method_id"] = c.Title, c.MethodID
			}
			out = append(out, m)
		}
		return out
	}
	coupons := []any{}
	for _, c := range o.Coupons {
		coupons = append(coupons, map[string]any{"id": c.ID, "code": c.Code, "discount": raw(c.Discount), "discount_tax": raw(c.DiscountTax),
			"discount_type": c.Type, "free_shipping": c.FreeShipping, "meta_data": []any{}})
	}
	refunds := []any{}
	for i := len(o.Refunds) - 1; i >= 0; i-- {
		r := o.Refunds[i]
		refunds = append(refunds, map[string]any{"id": r.ID, "reason": r.Reason, "total": "-" + money(r.Amount)})
	}
	paid, paidLocal := any(nil), any(nil)
	if !o.Paid.IsZero() {
		paid, paidLocal = gmt(o.Paid), local(o.Paid)
	}
	out := map[string]any{
		"id": o.ID, "parent_id": 0, "number": strconv.FormatInt(o.ID, 10), "order_key": "wc_order_" + strconv.FormatInt(o.ID*7919, 36),
		"created_via": "checkout", "version": s.opt.Version, "status": o.Status, "currency": s.opt.Currency,
		"date_created": local(o.Created), "date_created_gmt": gmt(o.Created), "date_modified": local(o.Changed), "date_modified_gmt": gmt(o.Changed),
		"date_paid": paidLocal, "date_paid_gmt": paid,
		"discount_total": money(t.Discount), "discount_tax": money(t.DiscountTax), "shipping_total": money(t.Shipping),
		"shipping_tax": money(t.ShippingTax), "cart_tax": money(t.CartTax), "total": money(t.Total), "total_tax": money(t.TotalTax),
		"prices_include_tax": o.PricesIncludeTax, "customer_id": o.CustomerID,
		"billing": map[string]any{"first_name": o.Billing.First, "last_name": o.Billing.Last, "company": "", "email": o.Billing.Email,
			"phone": o.Billing.Phone, "country": "SA", "city": "Riyadh"},
		"shipping":       map[string]any{"first_name": o.Billing.First, "last_name": o.Billing.Last, "phone": "", "country": "SA"},
		"payment_method": o.Method, "payment_method_title": o.MethodTitle, "transaction_id": "",
		"line_items": lines, "shipping_lines": charges(o.Shipping, false), "fee_lines": charges(o.Fees, true),
		"coupon_lines": coupons, "tax_lines": []any{}, "refunds": refunds, "meta_data": []any{},
	}
	for k, v := range o.Raw {
		out[k] = v
	}
	return out
}

func (s *Server) renderRefund(o *order, r *refund) map[string]any {
	var lines []any
	for _, rl := range r.Lines {
		var l *oline
		for _, x := range o.Lines {
			if x.ID == rl.ItemID {
				l = x
			}
		}
		if l == nil {
			continue
		}
		lines = append(lines, map[string]any{
			"id": rl.ID, "name": htmlEscape(l.Name), "product_id": l.ProductID, "variation_id": l.VariationID, "quantity": -rl.Q,
			"subtotal": "-" + money(rl.Total), "subtotal_tax": "-" + money(rl.Tax), "total": "-" + money(rl.Total), "total_tax": "-" + money(rl.Tax),
			"taxes":     []any{map[string]any{"id": l.RateID, "total": "-" + raw(rl.Tax), "subtotal": "-" + raw(rl.Tax)}},
			"meta_data": []any{map[string]any{"id": rl.ID * 10, "key": "_refunded_item_id", "value": strconv.FormatInt(l.ID, 10)}},
			"sku":       l.SKU, "price": json.Number("-" + r2(rl.Total).DivRound(decimal.NewFromInt(int64(rl.Q)), 6).String()),
		})
	}
	if lines == nil {
		lines = []any{}
	}
	ship := []any{}
	if r.Shipping.IsPositive() || r.ShippingTax.IsPositive() {
		ship = append(ship, map[string]any{"id": r.ID + 1, "method_title": "Shipping", "total": "-" + money(r.Shipping),
			"total_tax": "-" + money(r.ShippingTax), "taxes": []any{map[string]any{"id": 1, "total": "-" + raw(r.ShippingTax)}}})
	}
	return map[string]any{"id": r.ID, "date_created": local(r.Created), "date_created_gmt": gmt(r.Created), "amount": money(r.Amount),
		"reason": r.Reason, "refunded_by": 1, "refunded_payment": false, "meta_data": []any{}, "line_items": lines, "shipping_lines": ship}
}
