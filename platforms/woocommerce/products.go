package woocommerce

import (
	"context"
	"encoding/json"
	"errors"
	"html"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/jsonnum"
)

// productNode is a product or a variation as the API returns it.
type productNode struct {
	ID             wcID        `json:"id"`
	ParentID       wcID        `json:"parent_id"`
	Name           string      `json:"name"`
	Type           string      `json:"type"`
	Status         string      `json:"status"`
	SKU            string      `json:"sku"`
	GlobalUniqueID string      `json:"global_unique_id"`
	RegularPrice   num         `json:"regular_price"`
	SalePrice      num         `json:"sale_price"`
	Price          num         `json:"price"`
	ManageStock    manageStock `json:"manage_stock"`
	StockQuantity  num         `json:"stock_quantity"`
	Categories     []struct {
		ID   wcID   `json:"id"`
		Name string `json:"name"`
	} `json:"categories"`
	Variations []wcID `json:"variations"`
	Attributes []struct {
		Name   string `json:"name"`
		Option string `json:"option"`
	} `json:"attributes"`
	DateModifiedGMT wcTime `json:"date_modified_gmt"`
	COGS            *cogs  `json:"cost_of_goods_sold"`

	// raw and bad keep a variation that could not be read, for its unreadable StoreProduct.
	raw json.RawMessage
	bad error
}

// badItem is an item of an answer that could not be read (a malformed or out-of-range number):
// it is reported on its own rather than failing the request it came in.
type badItem struct {
	what string
	err  error
}

func (e *badItem) Error() string { return e.what + " could not be read: " + unreadableReason(e.err) }

// unreadableReason says what was wrong with an item, for the merchant.
func unreadableReason(err error) string {
	var bad *badItem
	if errors.As(err, &bad) {
		return bad.Error()
	}
	return jsonnum.Describe(err)
}

// unreadableProduct is a product or variation the client could not read, with what could be
// read of it: its id, SKU, name and modification time.
func unreadableProduct(raw json.RawMessage, err error) core.StoreProduct {
	var id struct {
		ID       wcID   `json:"id"`
		SKU      string `json:"sku"`
		Name     string `json:"name"`
		Modified wcTime `json:"date_modified_gmt"`
	}
	_ = json.Unmarshal(raw, &id) // what could be read: the fields are independent
	return core.StoreProduct{ExternalID: id.ID.String(), ProductID: id.ID.String(), SKU: strings.TrimSpace(id.SKU),
		Name: html.UnescapeString(strings.TrimSpace(id.Name)), UpdatedAt: id.Modified.Time, Unreadable: unreadableReason(err)}
}

// cogs is the Cost of Goods Sold block, present when the store has the feature on.
type cogs struct {
	Values []struct {
		DefinedValue num `json:"defined_value"`
	} `json:"values"`
	TotalValue num `json:"total_value"`
}

func (c *cogs) value() decimal.Decimal {
	if c.TotalValue.Valid {
		return c.TotalValue.Decimal
	}
	t := decimal.Zero
	for _, v := range c.Values {
		t = t.Add(v.DefinedValue.Decimal)
	}
	return t
}

func (n *productNode) isVariation() bool {
	return n.Type == "variation" || (n.ParentID != 0 && n.Type == "")
}

// storeProduct maps a simple product, or a variation with its parent, to a StoreProduct.
func (s *Store) storeProduct(n *productNode, parent *productNode) core.StoreProduct {
	sp := core.StoreProduct{
		ExternalID:  n.ID.String(),
		ProductID:   n.ID.String(),
		Name:        html.UnescapeString(strings.TrimSpace(n.Name)),
		SKU:         strings.TrimSpace(n.SKU),
		Barcode:     strings.TrimSpace(n.GlobalUniqueID),
		SalePrice:   n.RegularPrice.Decimal,
		TracksStock: n.ManageStock.On,
		UpdatedAt:   n.DateModifiedGMT.Time,
	}
	if !n.RegularPrice.Valid {
		sp.SalePrice = n.Price.Decimal
	}
	if n.ManageStock.On {
		sp.Quantity = n.StockQuantity.Decimal
	}
	if n.COGS != nil {
		sp.HasCost, sp.PurchasePrice = true, n.COGS.value()
		s.mu.Lock()
		s.cogs = true
		s.mu.Unlock()
	}
	cats := n.Categories
	if parent != nil {
		sp.ProductID, sp.StockRef = parent.ID.String(), parent.ID.String()
		sp.Name = variationName(parent, n)
		cats = parent.Categories
		if parent.DateModifiedGMT.After(sp.UpdatedAt) {
			sp.UpdatedAt = parent.DateModifiedGMT.Time
		}
	}
	if len(cats) > 0 {
		sp.Category = html.UnescapeString(strings.TrimSpace(cats[0].Name))
	}
	return sp
}

// variationName is "Parent - Option, Option", as WooCommerce names variations.
func variationName(parent, v *productNode) string {
	name := html.UnescapeString(strings.TrimSpace(parent.Name))
	var opts []string
	for _, a := range v.Attributes {
		if o := strings.TrimSpace(a.Option); o != "" {
			opts = append(opts, html.UnescapeString(o))
		}
	}
	if len(opts) == 0 {
		if own := html.UnescapeString(strings.TrimSpace(v.Name)); own != "" {
			return own
		}
		return name
	}
	return name + " - " + strings.Join(opts, ", ")
}

// Products pages through simple products and the variations of variable products changed at or
// after since (all when zero). A variable product's variations are read with it (one request per
// variable product); a variation edited in the admin is seen when its parent's modification date
// moves, which WooCommerce does when it syncs the parent after a variation save.
func (s *Store) Products(ctx context.Context, since time.Time, fn func([]core.StoreProduct) error) error {
	const op = "list products"
	q := url.Values{"orderby": {"id"}, "order": {"asc"}}
	if !since.IsZero() {
		q.Set("modified_after", gmtParam(since.Add(-time.Second)))
		q.Set("dates_are_gmt", "true")
	}
	return s.pages(ctx, op, "/products", q, func(_ reply, items []json.RawMessage) error {
		var page []core.StoreProduct
		for _, raw := range items {
			n := &productNode{}
			if err := json.Unmarshal(raw, n); err != nil {
				page = append(page, unreadableProduct(raw, err))
				continue
			}
			switch n.Type {
			case "variable":
				vars, err := s.variations(ctx, n, nil)
				if err != nil {
					return err
				}
				for j := range vars {
					if vars[j].bad != nil {
						page = append(page, unreadableProduct(vars[j].raw, vars[j].bad))
						continue
					}
					page = append(page, s.storeProduct(&vars[j], n))
				}
			case "grouped", "external":
				// not sold from stock: a grouped product is a list of others, an external one a link
			default:
				page = append(page, s.storeProduct(n, nil))
			}
		}
		if len(page) == 0 {
			return nil
		}
		return fn(page)
	})
}

// variations reads a variable product's variations (those in include only, when given).
func (s *Store) variations(ctx context.Context, parent *productNode, include []wcID) ([]productNode, error) {
	op := "list variations of product " + parent.ID.String()
	q := url.Values{"orderby": {"id"}, "order": {"asc"}}
	if len(include) > 0 {
		q.Set("include", idList(include))
	}
	var out []productNode
	err := s.pages(ctx, op, "/products/"+parent.ID.String()+"/variations", q, func(_ reply, items []json.RawMessage) error {
		nodes := make([]productNode, len(items))
		for i, raw := range items {
			if err := json.Unmarshal(raw, &nodes[i]); err != nil {
				nodes[i] = productNode{raw: raw, bad: err}
			}
		}
		for i := range nodes {
			if nodes[i].ParentID == 0 {
				nodes[i].ParentID = parent.ID
			}
			nodes[i].Type = "variation"
		}
		out = append(out, nodes...)
		return nil
	})
	return out, err
}

// product reads one product or variation by id.
func (s *Store) product(ctx context.Context, op string, id string) (*productNode, error) {
	var n productNode
	if _, err := s.call(ctx, op, http.MethodGet, "/products/"+url.PathEscape(id), nil, nil, &n); err != nil {
		return nil, err
	}
	return &n, nil
}

// resolve maps a product or variation read by id to a StoreProduct, reading the parent of a
// variation for its name and category.
func (s *Store) resolve(ctx context.Context, op string, n *productNode) (core.StoreProduct, error) {
	if !n.isVariation() {
		return s.storeProduct(n, nil), nil
	}
	parent, err := s.product(ctx, op, n.ParentID.String())
	if err != nil {
		return core.StoreProduct{}, err
	}
	return s.storeProduct(n, parent), nil
}

// findBySKU returns the product or variation with exactly this SKU (WooCommerce's sku filter
// searches variations too).
func (s *Store) findBySKU(ctx context.Context, sku string) (*productNode, error) {
	var list []productNode
	if _, err := s.call(ctx, "find product by SKU "+sku, http.MethodGet, "/products", url.Values{"sku": {sku}}, nil, &list); err != nil {
		return nil, err
	}
	for i := range list {
		if strings.TrimSpace(list[i].SKU) == sku {
			return &list[i], nil
		}
	}
	return nil, nil
}

// batchItem is one entry of a batch answer: the object, or an error in its place.
type batchItem struct {
	productNode
	Error *wcError `json:"error"`
}

type batchReply struct {
	Create []batchItem `json:"create"`
	Update []batchItem `json:"update"`
}

// maxBatch is the most objects WooCommerce accepts in one batch request.
const maxBatch = 100

// CreateProduct creates a simple product from the books' values with the batch endpoint, or
// returns the product or variation that already has this SKU. Stock is tracked from 0: the
// engine pushes quantities separately. A product without a SKU cannot be looked up, so repeating
// such a create makes a second product.
//
// The cost goes with the product when the store is known to keep costs (Cost of Goods Sold, a
// feature the store may have off). A store none of whose products has been read yet (an empty
// one) has not said; the new product's answer says it, and the cost is then written to it at
// once, so that the product is whole after this one sync.
func (s *Store) CreateProduct(ctx context.Context, p core.ProductFields) (core.StoreProduct, error) {
	op := "create product " + p.Name
	sku := strings.TrimSpace(p.Code)
	if sku != "" {
		found, err := s.findBySKU(ctx, sku)
		if err != nil {
			return core.StoreProduct{}, err
		}
		if found != nil {
			return s.resolve(ctx, op, found)
		}
	}
	if strings.TrimSpace(p.Name) == "" {
		return core.StoreProduct{}, errf(op, "a product needs a name")
	}
	obj := map[string]any{"name": p.Name, "type": "simple", "status": "publish", "manage_stock": true, "stock_quantity": 0,
		"regular_price": p.SalePrice.String()}
	if sku != "" {
		obj["sku"] = sku
	}
	if bc := strings.TrimSpace(p.Barcode); bc != "" {
		obj["global_unique_id"] = bc
	}
	sentCost := s.hasCOGS() && !p.PurchasePrice.IsZero()
	if sentCost {
		obj["cost_of_goods_sold"] = cogsValue(p.PurchasePrice)
	}
	if c := strings.TrimSpace(p.Category); c != "" {
		id, err := s.categoryID(ctx, c)
		if err != nil {
			return core.StoreProduct{}, err
		}
		obj["categories"] = []any{map[string]any{"id": id}}
	}
	var rep batchReply
	if _, err := s.call(ctx, op, http.MethodPost, "/products/batch", nil, map[string]any{"create": []any{obj}}, &rep); err != nil {
		return core.StoreProduct{}, err
	}
	if len(rep.Create) != 1 {
		return core.StoreProduct{}, errf(op, "the store returned %d results for one product", len(rep.Create))
	}
	it := rep.Create[0]
	if it.Error != nil {
		if sku != "" && strings.Contains(it.Error.Code, "sku") {
			// created meanwhile (an earlier attempt whose answer was lost): return that one
			if found, err := s.findBySKU(ctx, sku); err == nil && found != nil {
				return s.resolve(ctx, op, found)
			}
		}
		return core.StoreProduct{}, s.itemErr(op, it.Error)
	}
	sp := s.storeProduct(&it.productNode, nil)
	if sp.HasCost && !sentCost && !p.PurchasePrice.IsZero() {
		n, err := s.batchUpdate(ctx, op, "/products/batch", map[string]any{"id": json.Number(sp.ExternalID),
			"cost_of_goods_sold": cogsValue(p.PurchasePrice)})
		if err != nil {
			return core.StoreProduct{}, err
		}
		sp = s.storeProduct(n, nil)
	}
	return sp, nil
}

func (s *Store) itemErr(op string, e *wcError) error {
	var sentinel error
	if strings.HasSuffix(e.Code, "_invalid_id") {
		sentinel = core.ErrNotFound
	}
	return s.storeErr(op, e.Data.Status, e.Message+" ("+e.Code+")", sentinel)
}

func (s *Store) hasCOGS() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cogs
}

func cogsValue(d decimal.Decimal) map[string]any {
	return map[string]any{"values": []any{map[string]any{"defined_value": decimalJSON(d)}}}
}

// UpdateProduct writes the given fields. A simple product is updated with /products/batch. For a
// variation, SKU, barcode, prices and cost go to /products/{parent}/variations/batch and the
// category to its parent; its name is made by WooCommerce from the parent and the options, so a
// name change is not written. The cost goes as CreateProduct's does: with the other fields when
// the store is known to keep costs, else at once after them when their answer says it does.
func (s *Store) UpdateProduct(ctx context.Context, ref core.StoreProduct, p core.ProductFields, fields core.FieldSet) (core.StoreProduct, error) {
	op := "update product " + firstOf(p.Code, p.Name, ref.ExternalID)
	variation := ref.ProductID != "" && ref.ProductID != ref.ExternalID
	if ref.ProductID == "" {
		n, err := s.product(ctx, op, ref.ExternalID)
		if err != nil {
			return core.StoreProduct{}, err
		}
		if n.isVariation() {
			variation, ref.ProductID = true, n.ParentID.String()
		}
	}
	own := map[string]any{"id": json.Number(ref.ExternalID)}
	if fields.Has(core.FieldCode) {
		own["sku"] = strings.TrimSpace(p.Code)
	}
	if fields.Has(core.FieldBarcode) {
		own["global_unique_id"] = strings.TrimSpace(p.Barcode)
	}
	if fields.Has(core.FieldSalePrice) {
		own["regular_price"] = p.SalePrice.String()
	}
	costSent := fields.Has(core.FieldPurchasePrice) && s.hasCOGS()
	if costSent {
		own["cost_of_goods_sold"] = cogsValue(p.PurchasePrice)
	}
	parent := own
	if variation {
		parent = map[string]any{"id": json.Number(ref.ProductID)}
	} else if fields.Has(core.FieldName) && strings.TrimSpace(p.Name) != "" {
		own["name"] = strings.TrimSpace(p.Name)
	}
	if fields.Has(core.FieldCategory) {
		cats := []any{}
		if c := strings.TrimSpace(p.Category); c != "" {
			id, err := s.categoryID(ctx, c)
			if err != nil {
				return core.StoreProduct{}, err
			}
			cats = append(cats, map[string]any{"id": id})
		}
		parent["categories"] = cats
	}
	if variation && len(parent) > 1 {
		if _, err := s.batchUpdate(ctx, op, "/products/batch", parent); err != nil {
			return core.StoreProduct{}, err
		}
	}
	path := "/products/batch"
	if variation {
		path = "/products/" + url.PathEscape(ref.ProductID) + "/variations/batch"
	}
	n, err := s.batchUpdate(ctx, op, path, own)
	if err != nil {
		return core.StoreProduct{}, err
	}
	if fields.Has(core.FieldPurchasePrice) && !costSent && n.COGS != nil {
		// The store keeps costs, which it had not shown this connection yet (none of its
		// products was read since it was opened): the cost is written now.
		if n, err = s.batchUpdate(ctx, op, path, map[string]any{"id": own["id"], "cost_of_goods_sold": cogsValue(p.PurchasePrice)}); err != nil {
			return core.StoreProduct{}, err
		}
	}
	if variation {
		n.Type, n.ParentID = "variation", wcID(mustInt(ref.ProductID))
	}
	return s.resolve(ctx, op, n)
}

func (s *Store) batchUpdate(ctx context.Context, op, path string, obj map[string]any) (*productNode, error) {
	var rep batchReply
	if _, err := s.call(ctx, op, http.MethodPost, path, nil, map[string]any{"update": []any{obj}}, &rep); err != nil {
		return nil, err
	}
	if len(rep.Update) != 1 {
		return nil, errf(op, "the store returned %d results for one product", len(rep.Update))
	}
	if e := rep.Update[0].Error; e != nil {
		return nil, s.itemErr(op, e)
	}
	return &rep.Update[0].productNode, nil
}

// categoryID finds a product category by name (case-insensitive), creating it when missing.
func (s *Store) categoryID(ctx context.Context, name string) (wcID, error) {
	key := strings.ToLower(name)
	s.mu.Lock()
	id, ok := s.cats[key]
	s.mu.Unlock()
	if ok {
		return id, nil
	}
	op := "find product category " + name
	var list []struct {
		ID   wcID   `json:"id"`
		Name string `json:"name"`
	}
	if _, err := s.call(ctx, op, http.MethodGet, "/products/categories", url.Values{"search": {name}, "per_page": {"100"}}, nil, &list); err != nil {
		return 0, err
	}
	for _, c := range list {
		if strings.EqualFold(html.UnescapeString(c.Name), name) {
			id = c.ID
		}
	}
	if id == 0 {
		var created struct {
			ID wcID `json:"id"`
		}
		_, err := s.call(ctx, "create product category "+name, http.MethodPost, "/products/categories", nil, map[string]any{"name": name}, &created)
		var se *core.StoreError
		if errors.As(err, &se) && strings.Contains(se.Message, "term_exists") {
			return s.categoryIDAgain(ctx, name)
		}
		if err != nil {
			return 0, err
		}
		id = created.ID
	}
	s.mu.Lock()
	s.cats[key] = id
	s.mu.Unlock()
	return id, nil
}

// categoryIDAgain looks a category up once more after the store said it exists (made meanwhile).
func (s *Store) categoryIDAgain(ctx context.Context, name string) (wcID, error) {
	var list []struct {
		ID   wcID   `json:"id"`
		Name string `json:"name"`
	}
	if _, err := s.call(ctx, "find product category "+name, http.MethodGet, "/products/categories", url.Values{"search": {name}, "per_page": {"100"}}, nil, &list); err != nil {
		return 0, err
	}
	for _, c := range list {
		if strings.EqualFold(html.UnescapeString(c.Name), name) {
			return c.ID, nil
		}
	}
	return 0, errf("find product category "+name, "the store says the category exists but does not list it")
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

func mustInt(s string) int64 {
	var id wcID
	_ = id.UnmarshalJSON([]byte(s))
	return int64(id)
}
