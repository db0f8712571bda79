package shopify

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
)

type productNode struct {
	ID            string             `json:"id"`
	Title         string             `json:"title"`
	ProductType   string             `json:"productType"`
	UpdatedAt     stamp              `json:"updatedAt"`
	Variants      *conn[variantNode] `json:"variants"`
	VariantsCount *struct {
		Count int `json:"count"`
	} `json:"variantsCount"`
}

type productsData struct {
	Products conn[lenient[productNode]] `json:"products"`
}

// lenient is one node of a page, read on its own: a node that cannot be read (a malformed or
// out-of-range number) keeps its raw JSON and the error instead of failing the whole page, and
// is handed to the engine as unreadable.
type lenient[T any] struct {
	V   T
	Raw json.RawMessage
	Err error
}

func (l *lenient[T]) UnmarshalJSON(b []byte) error {
	l.Raw = append(json.RawMessage(nil), b...)
	if err := json.Unmarshal(b, &l.V); err != nil {
		l.Err = err
	}
	return nil
}

// unreadableProducts are the variants of a product node that could not be read, with what could
// be read of them (ids, SKUs, title, update time); the product's id stands in when not even its
// variants' ids could be read.
func unreadableProducts(raw json.RawMessage, err error) []core.StoreProduct {
	var p struct {
		ID        string `json:"id"`
		Title     string `json:"title"`
		UpdatedAt stamp  `json:"updatedAt"`
		Variants  struct {
			Nodes []struct {
				ID  string  `json:"id"`
				SKU *string `json:"sku"`
			} `json:"nodes"`
		} `json:"variants"`
	}
	_ = json.Unmarshal(raw, &p) // what could be read: the fields are independent
	why := err.Error()
	var out []core.StoreProduct
	for _, v := range p.Variants.Nodes {
		if v.ID != "" {
			out = append(out, core.StoreProduct{ExternalID: v.ID, ProductID: p.ID, Name: p.Title, SKU: str(v.SKU),
				UpdatedAt: p.UpdatedAt.Time, Unreadable: why})
		}
	}
	if len(out) == 0 {
		out = append(out, core.StoreProduct{ExternalID: p.ID, ProductID: p.ID, Name: p.Title, UpdatedAt: p.UpdatedAt.Time, Unreadable: why})
	}
	return out
}

type variantNode struct {
	ID            string  `json:"id"`
	Title         string  `json:"title"`
	SKU           *string `json:"sku"`
	Barcode       *string `json:"barcode"`
	Price         num     `json:"price"`
	UpdatedAt     stamp   `json:"updatedAt"`
	InventoryItem struct {
		ID       string `json:"id"`
		Tracked  bool   `json:"tracked"`
		UnitCost *struct {
			Amount num `json:"amount"`
		} `json:"unitCost"`
		InventoryLevel *levelQuantities `json:"inventoryLevel"`
	} `json:"inventoryItem"`
	Product *productNode `json:"product"`
}

type levelQuantities struct {
	Quantities []struct {
		Name     string `json:"name"`
		Quantity num    `json:"quantity"`
	} `json:"quantities"`
}

// available is the "available" quantity, zero when the item is not stocked at the location.
func (l *levelQuantities) available() decimal.Decimal {
	if l == nil {
		return decimal.Zero
	}
	for _, q := range l.Quantities {
		if q.Name == "available" {
			return q.Quantity.Decimal
		}
	}
	return decimal.Zero
}

// defaultVariantTitle is the title Shopify gives the variant of a product without options.
const defaultVariantTitle = "Default Title"

// storeProduct maps a variant; several says whether its product has more than one variant.
func storeProduct(p *productNode, v *variantNode, several bool) core.StoreProduct {
	name := p.Title
	if several && v.Title != "" && v.Title != defaultVariantTitle {
		name += " - " + v.Title
	}
	sp := core.StoreProduct{
		ExternalID:  v.ID,
		ProductID:   p.ID,
		Name:        name,
		SKU:         str(v.SKU),
		Barcode:     str(v.Barcode),
		Category:    p.ProductType,
		SalePrice:   v.Price.Decimal,
		Quantity:    v.InventoryItem.InventoryLevel.available(),
		TracksStock: v.InventoryItem.Tracked,
		StockRef:    v.InventoryItem.ID,
		UpdatedAt:   laterTime(p.UpdatedAt.Time, v.UpdatedAt.Time),
	}
	if c := v.InventoryItem.UnitCost; c != nil && c.Amount.Valid {
		sp.PurchasePrice, sp.HasCost = c.Amount.Decimal, true
	}
	return sp
}

func laterTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// variantParent maps a variant read with its product (and the product's variant count).
func variantParent(v *variantNode) core.StoreProduct {
	p := v.Product
	if p == nil {
		p = &productNode{}
	}
	several := p.VariantsCount != nil && p.VariantsCount.Count > 1
	return storeProduct(p, v, several)
}

// Products pages through products changed at or after since (all when zero), oldest change
// first, one StoreProduct per variant. As with orders, a read of every product (since zero) is a
// bulk operation, and so is the rest of a read that pages past the bulk threshold.
func (s *Store) Products(ctx context.Context, since time.Time, fn func([]core.StoreProduct) error) error {
	loc, err := s.locationID(ctx)
	if err != nil {
		return err
	}
	query := ""
	if !since.IsZero() {
		query = "updated_at:>='" + searchTime(since) + "'"
	}
	if s.bulkThreshold() == 0 {
		_, _, err := s.productsPaged(ctx, query, loc, 0, fn)
		return err
	}
	if since.IsZero() {
		err := s.productsBulk(ctx, "", loc, fn)
		if !errors.Is(err, errBulkUnavailable) {
			return err
		}
		s.fallBack("products", err)
		_, _, err = s.productsPaged(ctx, query, loc, 0, fn)
		return err
	}
	last, more, err := s.productsPaged(ctx, query, loc, s.bulkThreshold(), fn)
	if err != nil || !more {
		return err
	}
	rest := "updated_at:>='" + searchTime(last) + "'"
	err = s.productsBulk(ctx, rest, loc, fn)
	if errors.Is(err, errBulkUnavailable) {
		s.fallBack("products", err)
		_, _, err = s.productsPaged(ctx, rest, loc, 0, fn)
	}
	return err
}

// productsPaged pages through products matching query. With limit above zero it stops once it
// has handed over that many variants when more pages remain, and says so (more) with the
// latest change handed over.
func (s *Store) productsPaged(ctx context.Context, query, loc string, limit int, fn func([]core.StoreProduct) error) (last time.Time, more bool, err error) {
	const op = "list products"
	after := ""
	handed := 0
	for {
		var d productsData
		_, err := s.callSized(ctx, op, docProducts, func(sz pageSizes) map[string]any {
			return map[string]any{"first": sz.Products, "after": nullable(after), "query": nullable(query),
				"variants": sz.Variants, "location": loc}
		}, func(sz *pageSizes) []*int { return []*int{&sz.Products, &sz.Variants} },
			func() any { d = productsData{}; return &d })
		if err != nil {
			return last, false, err
		}
		var page []core.StoreProduct
		for i := range d.Products.Nodes {
			if n := &d.Products.Nodes[i]; n.Err != nil {
				page = append(page, unreadableProducts(n.Raw, n.Err)...)
				continue
			}
			p := &d.Products.Nodes[i].V
			last = laterTime(last, p.UpdatedAt.Time)
			variants, err := s.allVariants(ctx, p, loc)
			if err != nil {
				return last, false, err
			}
			for j := range variants {
				page = append(page, storeProduct(p, &variants[j], len(variants) > 1))
			}
		}
		if len(page) > 0 {
			if err := fn(page); err != nil {
				return last, false, err
			}
		}
		handed += len(page)
		if !d.Products.PageInfo.HasNextPage || d.Products.PageInfo.EndCursor == "" {
			return last, false, nil
		}
		if limit > 0 && handed >= limit && !last.IsZero() {
			return last, true, nil
		}
		after = d.Products.PageInfo.EndCursor
	}
}

// allVariants returns a product's variants, fetching those beyond the first page.
func (s *Store) allVariants(ctx context.Context, p *productNode, loc string) ([]variantNode, error) {
	if p.Variants == nil {
		return nil, nil
	}
	out := p.Variants.Nodes
	pi := p.Variants.PageInfo
	for pi.HasNextPage && pi.EndCursor != "" {
		var d struct {
			Product *productNode `json:"product"`
		}
		after := pi.EndCursor
		_, err := s.callSized(ctx, "list a product's variants", docProductVariants, func(sz pageSizes) map[string]any {
			return map[string]any{"id": p.ID, "first": min(sz.More*2, maxPage), "after": after, "location": loc}
		}, func(sz *pageSizes) []*int { return []*int{&sz.More} }, func() any { d.Product = nil; return &d })
		if err != nil {
			return nil, err
		}
		if d.Product == nil || d.Product.Variants == nil {
			break // the product went away meanwhile
		}
		out = append(out, d.Product.Variants.Nodes...)
		pi = d.Product.Variants.PageInfo
	}
	return out, nil
}
