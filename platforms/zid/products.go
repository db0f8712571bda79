package zid

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/httpx"
	"mizan/platforms/jsonnum"
	"mizan/platforms/jsontime"
	"mizan/platforms/skus"
)

// pageSize is the largest product page Zid serves.
const pageSize = 50

// follow checks a DRF next link before it is followed: it must name the API's own host (the
// tokens go with it) and a path under the API; it is then requested over the API's own scheme,
// as Zid writes its links with http:// behind its https front.
func (s *Store) follow(next string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(next))
	base, _ := url.Parse(s.ep.API)
	if err != nil || u.Host == "" || !strings.EqualFold(u.Host, base.Host) || !strings.HasPrefix(u.Path, base.Path+"/") || u.User != nil {
		return "", &core.StoreError{Op: "list products", Message: "Zid's next page is at " + httpx.RedactURL(next) +
			", not on its API's own address: not followed, so that no token leaves it"}
	}
	u.Scheme = base.Scheme
	return u.String(), nil
}

// productPages pages through GET /v1/products/ (with variants) and calls fn with each page's
// items and when the store read it. fn returns false to stop.
func (s *Store) productPages(ctx context.Context, op string, q url.Values, fn func(at time.Time, items []json.RawMessage) (bool, error)) error {
	q.Set("page_size", strconv.Itoa(pageSize))
	q.Set("extended", "true")
	next := "/products/"
	for page := 1; next != ""; page++ {
		var p productPage
		r := request{op: fmt.Sprintf("%s (page %d)", op, page), scheme: catalog, method: http.MethodGet, path: next}
		if page == 1 {
			r.query = q
		}
		rep, err := s.do(ctx, r, &p)
		if err != nil {
			return err
		}
		more, err := fn(rep.Date, p.Results)
		if err != nil || !more {
			return err
		}
		next = ""
		if p.Next != nil && strings.TrimSpace(*p.Next) != "" && len(p.Results) > 0 {
			if next, err = s.follow(*p.Next); err != nil {
				return err
			}
		}
	}
	return nil
}

// Products pages through the catalogue from the most recently changed, with the variants of
// each product: a product without variants is one store product, each variant of one with
// variants another. Paging stops at the first page whose products all changed before since.
// An item that cannot be read is handed over as unreadable.
func (s *Store) Products(ctx context.Context, since time.Time, fn func([]core.StoreProduct) error) error {
	locID, _, err := s.stockLocation(ctx)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	levels := []core.StockPage{} // not nil: read, even when it holds nothing
	full := true
	start := s.storeNow()
	err = s.productPages(ctx, "list products", url.Values{"ordering": {"-updated_at"}}, func(at time.Time, items []json.RawMessage) (bool, error) {
		var out []core.StoreProduct
		newer := false
		page := core.StockPage{ReadAt: at}
		for _, raw := range items {
			for _, sp := range s.readProduct(raw, locID) {
				if seen[sp.ExternalID] && sp.ExternalID != "" {
					continue
				}
				seen[sp.ExternalID] = true
				if sp.UpdatedAt.IsZero() || !sp.UpdatedAt.Before(since) || sp.Unreadable != "" {
					newer = true
				}
				if since.IsZero() || sp.UpdatedAt.IsZero() || !sp.UpdatedAt.Before(since) || sp.Unreadable != "" {
					out = append(out, sp)
				}
				if sp.Unreadable == "" && sp.TracksStock {
					page.Levels = append(page.Levels, core.StockLevel{ExternalID: sp.ExternalID, StockRef: sp.StockRef, Quantity: sp.Quantity, UpdatedAt: sp.UpdatedAt})
				}
			}
		}
		if len(page.Levels) > 0 {
			levels = append(levels, page)
		}
		if len(out) > 0 {
			if err := fn(out); err != nil {
				return false, err
			}
		}
		if !since.IsZero() && !newer {
			full = false
			return false, nil
		}
		return true, nil
	})
	if err == nil && full {
		s.mu.Lock()
		s.levels, s.levelsAt = levels, start
		s.mu.Unlock()
	}
	return err
}

// readProduct maps one listed product to its sellable items at the location.
func (s *Store) readProduct(raw json.RawMessage, locID string) []core.StoreProduct {
	var p product
	if err := json.Unmarshal(raw, &p); err != nil {
		return []core.StoreProduct{unreadableProduct(raw, err)}
	}
	if len(p.Variants) == 0 {
		pid := p.ID.String()
		if p.ParentID != nil && p.ParentID.String() != "" {
			pid = p.ParentID.String()
		}
		return []core.StoreProduct{item(&p, &p, pid, locID)}
	}
	out := make([]core.StoreProduct, 0, len(p.Variants))
	for i := range p.Variants {
		out = append(out, item(&p, &p.Variants[i], p.ID.String(), locID))
	}
	return out
}

// item is one sellable item: v, a variant of p (or p itself).
func item(p, v *product, productID, locID string) core.StoreProduct {
	sp := core.StoreProduct{ExternalID: v.ID.String(), ProductID: productID, SKU: strings.TrimSpace(v.SKU),
		UpdatedAt: v.UpdatedAt.In(time.UTC)}
	if v.Barcode != nil {
		sp.Barcode = strings.TrimSpace(*v.Barcode)
	}
	if u := p.UpdatedAt.In(time.UTC); u.After(sp.UpdatedAt) {
		sp.UpdatedAt = u
	}
	sp.Name = v.Name.String()
	if v != p {
		var vals []string
		for _, a := range v.Attributes {
			if t := a.Value.String(); t != "" {
				vals = append(vals, t)
			}
		}
		if base := p.Name.String(); base != "" && len(vals) > 0 {
			sp.Name = base + " - " + strings.Join(vals, ", ")
		} else if sp.Name == "" {
			sp.Name = base
		}
	}
	cats := v.Categories
	if len(cats) == 0 {
		cats = p.Categories
	}
	if len(cats) > 0 {
		sp.Category = cats[0].Name.String()
	}
	// What a shopper pays: the sale price while there is one.
	sp.SalePrice = v.Price.Decimal
	if v.SalePrice.Valid && v.SalePrice.IsPositive() {
		sp.SalePrice = v.SalePrice.Decimal
	}
	sp.PurchasePrice, sp.HasCost = v.Cost.Decimal, v.Cost.Valid
	sp.TracksStock = !v.IsInfinite
	sp.StockRef = ""
	found := false
	for _, st := range v.Stocks {
		if st.Location.ID.String() == locID {
			found = true
			sp.StockRef = st.ID.String()
			sp.TracksStock = !st.IsInfinite
			sp.Quantity = st.AvailableQuantity.Decimal
		}
	}
	if !found && sp.TracksStock {
		// No stock row at the location yet: nothing there (the first change creates the row).
		sp.Quantity = decimal.Zero
	}
	if !sp.TracksStock {
		sp.Quantity = decimal.Zero
	}
	return sp
}

// unreadableProduct is a product that could not be read, with what could be: its id, SKU,
// name and change time.
func unreadableProduct(raw json.RawMessage, err error) core.StoreProduct {
	var parts map[string]json.RawMessage
	var id jsonnum.ID
	var n names
	var sku string
	var upd jsontime.Time
	if json.Unmarshal(raw, &parts) == nil { // each field on its own: one bad field must not hide the others
		_ = json.Unmarshal(parts["id"], &id)
		_ = json.Unmarshal(parts["name"], &n)
		_ = json.Unmarshal(parts["sku"], &sku)
		_ = json.Unmarshal(parts["updated_at"], &upd)
	}
	return core.StoreProduct{ExternalID: id.String(), ProductID: id.String(), SKU: strings.TrimSpace(sku), Name: n.String(),
		UpdatedAt: upd.In(time.UTC), Unreadable: unreadableReason(err)}
}

// unreadableReason says what was wrong with an item, for the merchant.
func unreadableReason(err error) string { return jsonnum.Describe(err) }

// productBody is what POST /v1/products/ and PATCH /v1/products/{id}/ take.
type productBody struct {
	Name       *names           `json:"name,omitempty"`
	Price      *json.Number     `json:"price,omitempty"`      // numbers, as Zid writes them
	SalePrice  *json.RawMessage `json:"sale_price,omitempty"` // null clears the sale price
	Cost       *json.Number     `json:"cost,omitempty"`
	SKU        *string          `json:"sku,omitempty"`
	Barcode    *string          `json:"barcode,omitempty"`
	IsInfinite *bool            `json:"is_infinite,omitempty"`
}

// number writes an amount as a JSON number.
func number(d decimal.Decimal) *json.Number {
	n := json.Number(d.String())
	return &n
}

// MarshalJSON writes a name as {ar, en}: the books' one name in both.
func (n names) MarshalJSON() ([]byte, error) {
	en := n.En
	if en == "" {
		en = n.Ar
	}
	return json.Marshal(map[string]string{"ar": n.Ar, "en": en})
}

// CreateProduct creates a product without variants from the books' values, with no stock (stock
// travels as stock changes), filed under the books' category: the store's category of that
// name, created when it has none. When the store already has an item with this SKU, that item is
// returned instead, filed under the books' category when it has none (so a creation whose
// filing failed is completed when it is tried again).
func (s *Store) CreateProduct(ctx context.Context, p core.ProductFields) (core.StoreProduct, error) {
	sku := strings.TrimSpace(p.Code)
	locID, _, err := s.stockLocation(ctx)
	if err != nil {
		return core.StoreProduct{}, err
	}
	var sp core.StoreProduct
	found := false
	if sku != "" {
		if sp, found, err = s.findBySKU(ctx, sku, locID); err != nil {
			return core.StoreProduct{}, err
		}
	}
	category := strings.TrimSpace(p.Category)
	if found && (category == "" || sp.Category != "") {
		return sp, nil
	}
	catID, err := s.categoryID(ctx, category)
	if err != nil {
		return core.StoreProduct{}, err
	}
	if !found {
		if sp, err = s.create(ctx, p, sku, locID); err != nil {
			return core.StoreProduct{}, err
		}
	}
	if catID == "" {
		return sp, nil
	}
	pid := sp.ProductID
	if pid == "" {
		pid = sp.ExternalID
	}
	if err := s.fileUnder(ctx, pid, catID); err != nil {
		return core.StoreProduct{}, err
	}
	return s.reread(ctx, sp)
}

// create makes the product: POST /v1/products/.
func (s *Store) create(ctx context.Context, p core.ProductFields, sku, locID string) (core.StoreProduct, error) {
	no := false
	body := productBody{Name: &names{Ar: strings.TrimSpace(p.Name)}, Price: number(p.SalePrice), IsInfinite: &no}
	if sku != "" {
		body.SKU = &sku
	}
	if b := strings.TrimSpace(p.Barcode); b != "" {
		body.Barcode = &b
	}
	if !p.PurchasePrice.IsZero() {
		body.Cost = number(p.PurchasePrice)
	}
	var created json.RawMessage
	if _, err := s.do(ctx, request{op: "create product " + sku, scheme: catalog, method: http.MethodPost, path: "/products/", body: body}, &created); err != nil {
		return core.StoreProduct{}, err
	}
	s.dropLevels()
	sps := s.readProduct(created, locID)
	if len(sps) == 0 || sps[0].Unreadable != "" || sps[0].ExternalID == "" {
		return core.StoreProduct{}, &core.StoreError{Op: "create product " + sku, Message: "Zid's answer does not describe the new product"}
	}
	return sps[0], nil
}

// findBySKU looks for a store item with this SKU (the list's search matches names and SKUs).
func (s *Store) findBySKU(ctx context.Context, sku, locID string) (core.StoreProduct, bool, error) {
	return skus.First(sku, func(yield func(core.StoreProduct) bool) error {
		return s.productPages(ctx, "find product "+sku, url.Values{"search": {sku}}, func(_ time.Time, items []json.RawMessage) (bool, error) {
			for _, raw := range items {
				for _, sp := range s.readProduct(raw, locID) {
					if !yield(sp) {
						return false, nil
					}
				}
			}
			return true, nil
		})
	})
}

// UpdateProduct writes the given fields with PATCH /v1/products/{id}/: a variant's SKU,
// barcode, prices and cost on the variant, its name on its product. A sale price is written as
// the item's price with its sale price cleared, so that the shopper pays what the books say. The
// category is the product's (a variant's parent's), refiled through the product's categories
// endpoints (refile). It returns the item as the store then has it.
func (s *Store) UpdateProduct(ctx context.Context, ref core.StoreProduct, p core.ProductFields, fields core.FieldSet) (core.StoreProduct, error) {
	op := "update product " + ref.ExternalID
	isVariant := ref.ProductID != "" && ref.ProductID != ref.ExternalID
	if fields.Has(core.FieldCategory) {
		pid := ref.ProductID
		if pid == "" {
			pid = ref.ExternalID
		}
		if err := s.refile(ctx, pid, p.Category); err != nil {
			return core.StoreProduct{}, err
		}
	}
	code, barcode := strings.TrimSpace(p.Code), strings.TrimSpace(p.Barcode)
	var body productBody
	changed := false
	if fields.Has(core.FieldName) {
		if isVariant {
			name := &names{Ar: baseName(p.Name, ref)}
			if _, err := s.do(ctx, request{op: op, scheme: catalog, method: http.MethodPatch, path: "/products/" + url.PathEscape(ref.ProductID) + "/",
				body: productBody{Name: name}}, nil); err != nil {
				return core.StoreProduct{}, err
			}
		} else {
			body.Name, changed = &names{Ar: strings.TrimSpace(p.Name)}, true
		}
	}
	if fields.Has(core.FieldCode) {
		body.SKU, changed = &code, true
	}
	if fields.Has(core.FieldBarcode) {
		body.Barcode, changed = &barcode, true
	}
	if fields.Has(core.FieldSalePrice) {
		// What the shopper pays is the books' price: the price, with any sale price cleared.
		none := json.RawMessage("null")
		body.Price, body.SalePrice, changed = number(p.SalePrice), &none, true
	}
	if fields.Has(core.FieldPurchasePrice) {
		body.Cost, changed = number(p.PurchasePrice), true
	}
	if changed {
		if _, err := s.do(ctx, request{op: op, scheme: catalog, method: http.MethodPatch, path: "/products/" + url.PathEscape(ref.ExternalID) + "/", body: body}, nil); err != nil {
			return core.StoreProduct{}, err
		}
	}
	s.dropLevels()
	return s.reread(ctx, ref)
}

// baseName is the product's own name from a variant's full name ("Name - Value, Value").
func baseName(full string, ref core.StoreProduct) string {
	full = strings.TrimSpace(full)
	if i := strings.LastIndex(ref.Name, " - "); i > 0 && strings.HasSuffix(full, ref.Name[i:]) {
		return strings.TrimSuffix(full, ref.Name[i:])
	}
	return full
}

// reread fetches an item as the store has it now.
func (s *Store) reread(ctx context.Context, ref core.StoreProduct) (core.StoreProduct, error) {
	locID, _, err := s.stockLocation(ctx)
	if err != nil {
		return core.StoreProduct{}, err
	}
	pid := ref.ProductID
	if pid == "" {
		pid = ref.ExternalID
	}
	var raw json.RawMessage
	if _, err := s.do(ctx, request{op: "read product " + pid, scheme: catalog, method: http.MethodGet, path: "/products/" + url.PathEscape(pid) + "/"}, &raw); err != nil {
		return core.StoreProduct{}, err
	}
	for _, sp := range s.readProduct(raw, locID) {
		if sp.ExternalID == ref.ExternalID {
			if sp.Unreadable != "" {
				return core.StoreProduct{}, &core.StoreError{Op: "read product " + pid, Message: sp.Unreadable}
			}
			return sp, nil
		}
	}
	return core.StoreProduct{}, &core.StoreError{Op: "read product " + pid, Message: "the store no longer has item " + ref.ExternalID, Err: core.ErrNotFound}
}
