package shopify

import (
	"context"
	"strings"

	"mizan/core"
)

type bySKUData struct {
	ProductVariants conn[variantNode] `json:"productVariants"`
}

// findBySKU returns the variant with exactly this SKU, if any.
func (s *Store) findBySKU(ctx context.Context, sku, loc string) (*variantNode, error) {
	var d bySKUData
	if _, err := s.call(ctx, "find product by SKU "+sku, docVariantsBySKU,
		map[string]any{"query": "sku:" + searchValue(sku), "location": loc}, &d); err != nil {
		return nil, err
	}
	for i := range d.ProductVariants.Nodes {
		v := &d.ProductVariants.Nodes[i]
		if str(v.SKU) == sku {
			return v, nil
		}
	}
	return nil, nil
}

// CreateProduct creates a product with one variant from the books' values, or returns the
// existing variant with the same SKU. Three requests at most: the SKU lookup, productCreate
// (Shopify gives the product a default variant) and productVariantsBulkUpdate (price, barcode,
// SKU, cost, tracked). Stock stays at 0: the engine pushes quantities separately.
//
// A product without a SKU cannot be looked up, so repeating such a create makes a second product.
func (s *Store) CreateProduct(ctx context.Context, p core.ProductFields) (core.StoreProduct, error) {
	op := "create product " + p.Name
	loc, err := s.locationID(ctx)
	if err != nil {
		return core.StoreProduct{}, err
	}
	sku := strings.TrimSpace(p.Code)
	if sku != "" {
		v, err := s.findBySKU(ctx, sku, loc)
		if err != nil {
			return core.StoreProduct{}, err
		}
		if v != nil {
			return variantParent(v), nil
		}
	}
	if strings.TrimSpace(p.Name) == "" {
		return core.StoreProduct{}, &core.StoreError{Op: op, Message: "a product needs a name"}
	}
	var created struct {
		ProductCreate *struct {
			Product *struct {
				ID       string `json:"id"`
				Variants conn[struct {
					ID            string `json:"id"`
					InventoryItem struct {
						ID string `json:"id"`
					} `json:"inventoryItem"`
				}] `json:"variants"`
			} `json:"product"`
			UserErrors []userError `json:"userErrors"`
		} `json:"productCreate"`
	}
	input := map[string]any{"title": p.Name, "productType": p.Category, "status": "ACTIVE"}
	if _, err := s.call(ctx, op, docProductCreate, map[string]any{"product": input}, &created); err != nil {
		return core.StoreProduct{}, err
	}
	pc := created.ProductCreate
	if pc == nil {
		return core.StoreProduct{}, &core.StoreError{Op: op, Message: "the store returned no result"}
	}
	if len(pc.UserErrors) > 0 {
		return core.StoreProduct{}, s.userErr(op, pc.UserErrors)
	}
	if pc.Product == nil || len(pc.Product.Variants.Nodes) == 0 {
		return core.StoreProduct{}, &core.StoreError{Op: op, Message: "the store created no variant"}
	}
	pv := pc.Product.Variants.Nodes[0]
	variant := map[string]any{
		"id":      pv.ID,
		"price":   p.SalePrice.StringFixed(2),
		"barcode": p.Barcode,
		"inventoryItem": map[string]any{
			"sku":     sku,
			"cost":    p.PurchasePrice.String(),
			"tracked": true,
		},
	}
	v, err := s.updateVariant(ctx, op, pc.Product.ID, variant, loc)
	if err != nil {
		return core.StoreProduct{}, err
	}
	if v.InventoryItem.InventoryLevel == nil {
		// Shopify stocks a new product at its default location; the stock location may be
		// another one.
		if err := s.activate(ctx, pv.InventoryItem.ID, loc); err != nil {
			return core.StoreProduct{}, err
		}
	}
	return variantParent(v), nil
}

type variantsUpdateData struct {
	ProductVariantsBulkUpdate *struct {
		ProductVariants []variantNode `json:"productVariants"`
		UserErrors      []userError   `json:"userErrors"`
	} `json:"productVariantsBulkUpdate"`
}

func (s *Store) updateVariant(ctx context.Context, op, productID string, variant map[string]any, loc string) (*variantNode, error) {
	var d variantsUpdateData
	vars := map[string]any{"productId": productID, "variants": []any{variant}, "location": loc}
	if _, err := s.call(ctx, op, docVariantsUpdate, vars, &d); err != nil {
		return nil, err
	}
	u := d.ProductVariantsBulkUpdate
	if u == nil {
		return nil, &core.StoreError{Op: op, Message: "the store returned no result"}
	}
	if len(u.UserErrors) > 0 {
		return nil, s.userErr(op, u.UserErrors)
	}
	if len(u.ProductVariants) == 0 {
		return nil, &core.StoreError{Op: op, Message: "the store returned no variant", Err: core.ErrNotFound}
	}
	return &u.ProductVariants[0], nil
}

// UpdateProduct writes the requested fields: name and category on the product (productUpdate),
// price, barcode, SKU and cost on the variant (productVariantsBulkUpdate). It returns the product
// as the store now has it.
//
// The name goes to the product's title; for a variant of a product with several variants, whose
// name carries " - <variant title>", that suffix is removed first.
func (s *Store) UpdateProduct(ctx context.Context, ref core.StoreProduct, p core.ProductFields, fields core.FieldSet) (core.StoreProduct, error) {
	op := "update product " + ref.ExternalID
	loc, err := s.locationID(ctx)
	if err != nil {
		return core.StoreProduct{}, err
	}
	productID := ref.ProductID
	var current *variantNode
	if productID == "" || productID == ref.ExternalID || fields.Has(core.FieldName) {
		if current, err = s.variant(ctx, ref.ExternalID, loc); err != nil {
			return core.StoreProduct{}, err
		}
		if current.Product != nil {
			productID = current.Product.ID
		}
	}
	product := map[string]any{"id": productID}
	if fields.Has(core.FieldName) {
		product["title"] = productTitle(current, p.Name)
	}
	if fields.Has(core.FieldCategory) {
		product["productType"] = p.Category
	}
	if len(product) > 1 {
		var d struct {
			ProductUpdate *struct {
				UserErrors []userError `json:"userErrors"`
			} `json:"productUpdate"`
		}
		if _, err := s.call(ctx, op, docProductUpdate, map[string]any{"product": product}, &d); err != nil {
			return core.StoreProduct{}, err
		}
		if d.ProductUpdate == nil {
			return core.StoreProduct{}, &core.StoreError{Op: op, Message: "the store returned no result"}
		}
		if len(d.ProductUpdate.UserErrors) > 0 {
			return core.StoreProduct{}, s.userErr(op, d.ProductUpdate.UserErrors)
		}
	}
	variant := map[string]any{"id": ref.ExternalID}
	item := map[string]any{}
	if fields.Has(core.FieldSalePrice) {
		variant["price"] = p.SalePrice.StringFixed(2)
	}
	if fields.Has(core.FieldBarcode) {
		variant["barcode"] = p.Barcode
	}
	if fields.Has(core.FieldCode) {
		item["sku"] = strings.TrimSpace(p.Code)
	}
	if fields.Has(core.FieldPurchasePrice) {
		item["cost"] = p.PurchasePrice.String()
	}
	if len(item) > 0 {
		variant["inventoryItem"] = item
	}
	if len(variant) > 1 {
		v, err := s.updateVariant(ctx, op, productID, variant, loc)
		if err != nil {
			return core.StoreProduct{}, err
		}
		return variantParent(v), nil
	}
	v, err := s.variant(ctx, ref.ExternalID, loc)
	if err != nil {
		return core.StoreProduct{}, err
	}
	return variantParent(v), nil
}

// productTitle turns a store product's name back into its product's title: a variant of a
// product with several variants is named "<title> - <variant title>".
func productTitle(v *variantNode, name string) string {
	several := v.Product != nil && v.Product.VariantsCount != nil && v.Product.VariantsCount.Count > 1
	if several && v.Title != "" && v.Title != defaultVariantTitle {
		return strings.TrimSuffix(name, " - "+v.Title)
	}
	return name
}
