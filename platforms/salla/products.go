package salla

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/categories"
	"mizan/platforms/jsonnum"
	"mizan/platforms/jsontime"
	"mizan/platforms/skus"
)

// Stock references: how /products/quantities/bulk names an item.
const (
	refProduct = "id"         // a product without options
	refVariant = "variant_id" // one variant (SKU) of a product with options
)

// Products pages through the catalogue: each product without options is one store product,
// each variant (skus[]) of a product with options another. Salla's list has no "changed since"
// filter, so every page is read; only items changed at or after since (or whose change time is
// unknown) are handed over. A product with options whose list entry lacks its skus is completed
// from /products/{id}/variants. An item that cannot be read is handed over as unreadable.
func (s *Store) Products(ctx context.Context, since time.Time, fn func([]core.StoreProduct) error) error {
	return s.pages(ctx, "list products", "/products", url.Values{}, func(_ reply, items []json.RawMessage) (bool, error) {
		var out []core.StoreProduct
		for _, raw := range items {
			sps, err := s.readProduct(ctx, raw)
			if err != nil {
				return false, err
			}
			for _, sp := range sps {
				if since.IsZero() || sp.UpdatedAt.IsZero() || !sp.UpdatedAt.Before(since) || sp.Unreadable != "" {
					out = append(out, sp)
				}
			}
		}
		if len(out) == 0 {
			return true, nil
		}
		return true, fn(out)
	})
}

// readProduct reads one product of a list into its store products. Only a failure to fetch its
// variants is an error; what cannot be read is reported as unreadable.
func (s *Store) readProduct(ctx context.Context, raw json.RawMessage) ([]core.StoreProduct, error) {
	var p product
	if err := json.Unmarshal(raw, &p); err != nil {
		return []core.StoreProduct{unreadableProduct(raw, err)}, nil
	}
	if len(p.Options) > 0 && len(p.SKUs) == 0 {
		vs, err := s.variants(ctx, p.ID.String())
		if err != nil && !errors.Is(err, core.ErrNotFound) {
			return nil, err
		}
		p.SKUs = vs
	}
	return s.storeProducts(&p), nil
}

// variants reads a product's variants.
func (s *Store) variants(ctx context.Context, productID string) ([]variant, error) {
	var out []variant
	err := s.pages(ctx, "list the variants of product "+productID, "/products/"+url.PathEscape(productID)+"/variants", url.Values{},
		func(_ reply, items []json.RawMessage) (bool, error) {
			for _, raw := range items {
				var v variant
				if err := json.Unmarshal(raw, &v); err != nil {
					var id struct {
						ID sid `json:"id"`
					}
					_ = json.Unmarshal(raw, &id)
					v = variant{ID: id.ID, SKU: text("\x00" + err.Error())}
				}
				out = append(out, v)
			}
			return true, nil
		})
	return out, err
}

// storeProducts maps a product to its sellable items.
func (s *Store) storeProducts(p *product) []core.StoreProduct {
	cat := ""
	if len(p.Categories) > 0 {
		cat = strings.TrimSpace(string(p.Categories[0].Name))
	}
	name := strings.TrimSpace(string(p.Name))
	updated := p.UpdatedAt.In(riyadh)
	if len(p.SKUs) == 0 {
		sp := core.StoreProduct{
			ExternalID: p.ID.String(), ProductID: p.ID.String(), Name: name, SKU: strings.TrimSpace(string(p.SKU)),
			Barcode: firstText(p.Barcode, p.GTIN), Category: cat, SalePrice: charged(p.Price, p.RegularPrice, p.SalePrice),
			PurchasePrice: p.CostPrice.Decimal, HasCost: p.CostPrice.Valid, TracksStock: !bool(p.UnlimitedQuantity),
			StockRef: refProduct, UpdatedAt: updated,
		}
		if sp.TracksStock {
			sp.Quantity = p.Quantity.Decimal
		}
		s.remember(sp.SKU, sp.ExternalID, nil)
		s.rememberName(sp.Name, sp.ExternalID)
		return []core.StoreProduct{sp}
	}
	values := map[string]string{}
	for _, o := range p.Options {
		for _, v := range o.Values {
			values[v.ID.String()] = strings.TrimSpace(string(v.Name))
		}
	}
	out := make([]core.StoreProduct, 0, len(p.SKUs))
	for _, v := range p.SKUs {
		sp := core.StoreProduct{ExternalID: v.ID.String(), ProductID: p.ID.String(), Name: name, Category: cat, StockRef: refVariant, UpdatedAt: updated}
		if u := v.UpdatedAt.In(riyadh); u.After(sp.UpdatedAt) {
			sp.UpdatedAt = u
		}
		if strings.HasPrefix(string(v.SKU), "\x00") {
			sp.Unreadable = "the variant could not be read: " + strings.TrimPrefix(string(v.SKU), "\x00")
			out = append(out, sp)
			continue
		}
		var opts []string
		for _, id := range v.RelatedOptionValues {
			if n := values[id.String()]; n != "" {
				opts = append(opts, n)
			}
		}
		if len(opts) > 0 {
			sp.Name = name + " - " + strings.Join(opts, ", ")
		}
		sp.SKU = strings.TrimSpace(string(v.SKU))
		sp.Barcode = firstText(v.Barcode, v.GTIN)
		sp.SalePrice = charged(v.Price, v.RegularPrice, v.SalePrice)
		sp.PurchasePrice, sp.HasCost = v.CostPrice.Decimal, v.CostPrice.Valid
		sp.TracksStock = !bool(v.UnlimitedQuantity)
		if sp.TracksStock {
			sp.Quantity = v.StockQuantity.Decimal
		}
		out = append(out, sp)
		s.remember(sp.SKU, sp.ExternalID, v.RelatedOptionValues)
		s.rememberName(sp.Name, sp.ExternalID)
	}
	return out
}

// charged is the price a shopper pays for an item, the books' sale price: Salla's sale_price
// when it is set and not zero (a discount shown beside the struck-out price), otherwise the
// item's own price (regular_price, or price when that is missing).
func charged(price, regular, sale money) decimal.Decimal {
	switch {
	case sale.Valid && sale.IsPositive():
		return sale.Decimal
	case regular.Valid && !regular.IsZero():
		return regular.Decimal
	}
	return price.Decimal
}

// remember notes a variant's SKU and option values, for order items.
func (s *Store) remember(sku, id string, values []sid) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bySKU == nil {
		s.bySKU, s.byOptions = map[string]string{}, map[string]string{}
	}
	if sku != "" {
		s.bySKU[strings.ToLower(sku)] = id
	}
	if len(values) > 0 {
		ids := make([]string, len(values))
		for i, v := range values {
			ids[i] = v.String()
		}
		s.byOptions[optionKey(ids)] = id
	}
}

// rememberName notes an item's full name, for order items with neither a SKU nor options; a
// name two items share names neither.
func (s *Store) rememberName(name, id string) {
	key := strings.ToLower(strings.TrimSpace(name))
	if key == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byName == nil {
		s.byName = map[string]string{}
	}
	if prev, ok := s.byName[key]; ok && prev != id {
		s.byName[key] = ""
		return
	}
	s.byName[key] = id
}

func firstText(vs ...text) string {
	for _, v := range vs {
		if t := strings.TrimSpace(string(v)); t != "" {
			return t
		}
	}
	return ""
}

// unreadableProduct is a product that could not be read, with what could be: its id, SKU,
// name and change time.
func unreadableProduct(raw json.RawMessage, err error) core.StoreProduct {
	var id struct {
		ID        sid           `json:"id"`
		SKU       text          `json:"sku"`
		Name      text          `json:"name"`
		UpdatedAt jsontime.Time `json:"updated_at"`
	}
	var parts map[string]json.RawMessage
	if json.Unmarshal(raw, &parts) == nil { // each field on its own: one bad field must not hide the others
		_ = json.Unmarshal(parts["id"], &id.ID)
		_ = json.Unmarshal(parts["sku"], &id.SKU)
		_ = json.Unmarshal(parts["name"], &id.Name)
		_ = json.Unmarshal(parts["updated_at"], &id.UpdatedAt)
	}
	return core.StoreProduct{ExternalID: id.ID.String(), ProductID: id.ID.String(), SKU: strings.TrimSpace(string(id.SKU)),
		Name: strings.TrimSpace(string(id.Name)), UpdatedAt: id.UpdatedAt.In(riyadh), Unreadable: unreadableReason(err)}
}

// unreadableReason says what was wrong with an item, for the merchant.
func unreadableReason(err error) string { return jsonnum.Describe(err) }

// productBody is what POST /products and PUT /products/{id} take.
type productBody struct {
	Name        string           `json:"name,omitempty"`
	Price       *decimal.Decimal `json:"price,omitempty"`
	ProductType string           `json:"product_type,omitempty"`
	Quantity    *int             `json:"quantity,omitempty"`
	SKU         *string          `json:"sku,omitempty"`
	GTIN        *string          `json:"gtin,omitempty"`
	CostPrice   *decimal.Decimal `json:"cost_price,omitempty"`
	// Categories are the product's categories, all of them: an update replaces the list (an
	// empty list takes the product out of every category).
	Categories *[]json.Number `json:"categories,omitempty"`
	// SalePrice, sent as 0 with a new price, ends a discount that would otherwise be what the
	// shopper pays instead of the price written.
	SalePrice *decimal.Decimal `json:"sale_price,omitempty"`
}

// variantBody is what PUT /products/variants/{variant} takes.
type variantBody struct {
	SKU       *string          `json:"sku,omitempty"`
	Barcode   *string          `json:"barcode,omitempty"`
	Price     *decimal.Decimal `json:"price,omitempty"`
	SalePrice *decimal.Decimal `json:"sale_price,omitempty"` // 0 with a new price: see productBody
	CostPrice *decimal.Decimal `json:"cost_price,omitempty"`
}

// CreateProduct creates a product without options from the books' values, with no stock (stock
// travels as stock changes), filed under the books' category: the store's category of that name,
// created when it has none. When the store already has an item with this SKU, that item is
// returned instead.
func (s *Store) CreateProduct(ctx context.Context, p core.ProductFields) (core.StoreProduct, error) {
	sku := strings.TrimSpace(p.Code)
	if sku != "" {
		if sp, ok, err := s.findBySKU(ctx, sku); err != nil || ok {
			return sp, err
		}
	}
	zero := 0
	body := productBody{Name: p.Name, Price: &p.SalePrice, ProductType: "product", Quantity: &zero}
	if strings.TrimSpace(p.Category) != "" { // a new product filed under no category sends none
		var err error
		if body.Categories, err = s.categoryList(ctx, p.Category); err != nil {
			return core.StoreProduct{}, err
		}
	}
	if sku != "" {
		body.SKU = &sku
	}
	if b := strings.TrimSpace(p.Barcode); b != "" {
		body.GTIN = &b
	}
	if !p.PurchasePrice.IsZero() {
		body.CostPrice = &p.PurchasePrice
	}
	var created json.RawMessage
	if _, err := s.call(ctx, "create product "+sku, http.MethodPost, "/products", nil, body, &created); err != nil {
		return core.StoreProduct{}, err
	}
	sps, err := s.readProduct(ctx, created)
	if err != nil {
		return core.StoreProduct{}, err
	}
	if len(sps) == 0 || sps[0].Unreadable != "" {
		return core.StoreProduct{}, &core.StoreError{Op: "create product " + sku, Message: "Salla's answer does not describe the new product"}
	}
	return sps[0], nil
}

// categoryItem is a category as GET /categories lists it, with the categories under it.
type categoryItem struct {
	ID   sid            `json:"id"`
	Name text           `json:"name"`
	Subs []categoryItem `json:"sub_categories"`
}

func (c categoryItem) parts() (string, []string, []categoryItem) {
	return c.ID.String(), []string{string(c.Name)}, c.Subs
}

// categoryID returns the id of the store's category named name (letter case aside), looked up
// through the list's keyword (which matches names) and created when the store has none, once
// per name. It is "" when the app may not read or write categories (the connection was made
// before Mizan asked for categories.read_write): the product is then created without a
// category, and the merchant is told once in the log.
func (s *Store) categoryID(ctx context.Context, name string) (string, error) {
	return s.cats.ID(ctx, name, categories.Store{
		Find: func(ctx context.Context, name string) (string, error) {
			var id string
			err := s.pages(ctx, "find category "+name, "/categories", url.Values{"keyword": {name}}, func(_ reply, items []json.RawMessage) (bool, error) {
				var list []categoryItem
				for _, raw := range items {
					var c categoryItem
					if json.Unmarshal(raw, &c) == nil {
						list = append(list, c)
					}
				}
				id = categories.Find(list, name, categoryItem.parts)
				return id == "", nil
			})
			return id, err
		},
		Create: func(ctx context.Context, name string) (string, error) {
			var created categoryItem
			if _, err := s.call(ctx, "create category "+name, http.MethodPost, "/categories", nil,
				map[string]any{"name": name, "status": "active"}, &created); err != nil {
				return "", err
			}
			if created.ID.String() == "" {
				return "", &core.StoreError{Op: "create category " + name, Message: "Salla's answer does not give the new category's id"}
			}
			return created.ID.String(), nil
		},
		Refused: func(err error) {
			s.log.Warn("Salla refused Mizan's access to categories, so products made in the books are created without one; "+
				"connect the store again so that the app is granted categories.read_write", slog.String("err", err.Error()))
		},
	})
}

// findBySKU looks for a store item with this SKU (the list's keyword matches names and SKUs).
func (s *Store) findBySKU(ctx context.Context, sku string) (core.StoreProduct, bool, error) {
	return skus.First(sku, func(yield func(core.StoreProduct) bool) error {
		return s.pages(ctx, "find product "+sku, "/products", url.Values{"keyword": {sku}}, func(_ reply, items []json.RawMessage) (bool, error) {
			for _, raw := range items {
				sps, err := s.readProduct(ctx, raw)
				if err != nil {
					return false, err
				}
				for _, sp := range sps {
					if !yield(sp) {
						return false, nil
					}
				}
			}
			return true, nil
		})
	})
}

// UpdateProduct writes the given fields: a product without options through PUT /products/{id},
// a variant's SKU, barcode and prices through PUT /products/variants/{id} and its name and
// category through its product. A sale price is written as the item's price with its discount
// (sale_price) cleared, so that the shopper pays what the books say. The books' category becomes
// the product's only one (the store's category of that name, created when it has none; none
// when the books have none). It returns the item as the store then has it.
func (s *Store) UpdateProduct(ctx context.Context, ref core.StoreProduct, p core.ProductFields, fields core.FieldSet) (core.StoreProduct, error) {
	op := "update product " + ref.ExternalID
	code, barcode := strings.TrimSpace(p.Code), strings.TrimSpace(p.Barcode)
	isVariant := ref.StockRef == refVariant || (ref.ProductID != "" && ref.ProductID != ref.ExternalID)
	var cats *[]json.Number
	if fields.Has(core.FieldCategory) {
		var err error
		if cats, err = s.categoryList(ctx, p.Category); err != nil {
			return core.StoreProduct{}, err
		}
	}
	if !isVariant {
		body := productBody{Categories: cats}
		if fields.Has(core.FieldName) {
			body.Name = p.Name
		}
		if fields.Has(core.FieldSalePrice) {
			noSale := decimal.Zero
			body.Price, body.SalePrice = &p.SalePrice, &noSale
		}
		if fields.Has(core.FieldCode) {
			body.SKU = &code
		}
		if fields.Has(core.FieldBarcode) {
			body.GTIN = &barcode
		}
		if fields.Has(core.FieldPurchasePrice) {
			body.CostPrice = &p.PurchasePrice
		}
		var raw json.RawMessage
		if _, err := s.call(ctx, op, http.MethodPut, "/products/"+url.PathEscape(ref.ExternalID), nil, body, &raw); err != nil {
			return core.StoreProduct{}, err
		}
		return s.reread(ctx, ref)
	}
	if fields.Has(core.FieldName) || cats != nil {
		body := productBody{Categories: cats}
		if fields.Has(core.FieldName) {
			body.Name = baseName(p.Name, ref)
		}
		if _, err := s.call(ctx, op, http.MethodPut, "/products/"+url.PathEscape(ref.ProductID), nil, body, nil); err != nil {
			return core.StoreProduct{}, err
		}
	}
	var body variantBody
	changed := false
	if fields.Has(core.FieldCode) {
		body.SKU, changed = &code, true
	}
	if fields.Has(core.FieldBarcode) {
		body.Barcode, changed = &barcode, true
	}
	if fields.Has(core.FieldSalePrice) {
		noSale := decimal.Zero
		body.Price, body.SalePrice, changed = &p.SalePrice, &noSale, true
	}
	if fields.Has(core.FieldPurchasePrice) {
		body.CostPrice, changed = &p.PurchasePrice, true
	}
	if changed {
		if _, err := s.call(ctx, op, http.MethodPut, "/products/variants/"+url.PathEscape(ref.ExternalID), nil, body, nil); err != nil {
			return core.StoreProduct{}, err
		}
	}
	return s.reread(ctx, ref)
}

// categoryList is the category list a product filed under the books' category has: that
// category alone, or none when the books have none. It is nil, and the product's categories
// are left as they are, when the app may not read or write categories (see categoryID).
func (s *Store) categoryList(ctx context.Context, category string) (*[]json.Number, error) {
	name := strings.TrimSpace(category)
	if name == "" {
		return &[]json.Number{}, nil
	}
	id, err := s.categoryID(ctx, name)
	if err != nil || id == "" {
		return nil, err
	}
	return &[]json.Number{json.Number(id)}, nil
}

// baseName is the product's own name from a variant's full name ("Name - Option, Option").
func baseName(full string, ref core.StoreProduct) string {
	if i := strings.LastIndex(ref.Name, " - "); i > 0 && strings.HasSuffix(full, ref.Name[i:]) {
		return strings.TrimSuffix(full, ref.Name[i:])
	}
	return full
}

// reread fetches an item as the store has it now.
func (s *Store) reread(ctx context.Context, ref core.StoreProduct) (core.StoreProduct, error) {
	pid := ref.ProductID
	if pid == "" {
		pid = ref.ExternalID
	}
	var raw json.RawMessage
	if _, err := s.call(ctx, "read product "+pid, http.MethodGet, "/products/"+url.PathEscape(pid), nil, nil, &raw); err != nil {
		return core.StoreProduct{}, err
	}
	sps, err := s.readProduct(ctx, raw)
	if err != nil {
		return core.StoreProduct{}, err
	}
	for _, sp := range sps {
		if sp.ExternalID == ref.ExternalID {
			if sp.Unreadable != "" {
				return core.StoreProduct{}, &core.StoreError{Op: "read product " + pid, Message: sp.Unreadable}
			}
			return sp, nil
		}
	}
	return core.StoreProduct{}, &core.StoreError{Op: "read product " + pid, Message: "the store no longer has item " + ref.ExternalID, Err: core.ErrNotFound}
}
