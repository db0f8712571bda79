package shopifytest

import (
	"fmt"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
)

type adjustmentGroup struct {
	id        int64
	createdAt time.Time
	reason    string
	reference string
	changes   []*inventoryChange
}

type inventoryChange struct {
	name   string
	delta  int
	after  int
	ledger string
	item   *inventoryItem
	loc    *location
}

// validReasons are the inventory change reasons the Admin API accepts.
var validReasons = map[string]bool{
	"correction": true, "cycle_count_available": true, "damaged": true, "movement_created": true,
	"movement_updated": true, "movement_received": true, "movement_canceled": true, "other": true,
	"promotion": true, "quality_control": true, "received": true, "reservation_created": true,
	"reservation_deleted": true, "reservation_updated": true, "restock": true, "safety_stock": true,
	"shrinkage": true,
}

func userError(field []string, msg string) record {
	return record{"field": field, "message": msg}
}

func codedError(typename, code string, field []string, msg string) record {
	return record{"__typename": typename, "code": code, "field": field, "message": msg}
}

func objArg(args map[string]any, name string) map[string]any {
	m, _ := args[name].(map[string]any)
	return m
}

func listArg(args map[string]any, name string) []any {
	l, _ := args[name].([]any)
	return l
}

func decArg(m map[string]any, name string) (decimal.Decimal, bool, error) {
	v, ok := m[name]
	if !ok || v == nil {
		return decimal.Zero, false, nil
	}
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case float64:
		s = strconv.FormatFloat(x, 'f', -1, 64)
	case int64:
		s = strconv.FormatInt(x, 10)
	case int:
		s = strconv.Itoa(x)
	default:
		s = fmt.Sprint(x)
	}
	d, err := decimal.NewFromString(s)
	return d, true, err
}

func strSlice(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func mutationResolvers() map[string]resolver {
	return map[string]resolver{
		"productCreate":             mutProductCreate,
		"productUpdate":             mutProductUpdate,
		"productVariantsBulkCreate": mutVariantsBulkCreate,
		"productVariantsBulkUpdate": mutVariantsBulkUpdate,
		"inventoryItemUpdate":       mutInventoryItemUpdate,
		"inventoryAdjustQuantities": mutInventoryAdjust,
		"inventorySetQuantities":    mutInventorySet,
		"inventoryActivate":         mutInventoryActivate,
		"bulkOperationRunQuery":     mutBulkRunQuery,
		"bulkOperationCancel":       mutBulkCancel,
	}
}

func mutProductCreate(ec *execCtx, _ any, args map[string]any) (any, error) {
	st := ec.s.st
	in := objArg(args, "product")
	payload := record{"product": nil, "shop": &shopValue{st}, "userErrors": []record{}}
	title, _ := in["title"].(string)
	if title == "" {
		payload["userErrors"] = []record{userError([]string{"title"}, "Title can't be blank")}
		return payload, nil
	}
	status, _ := in["status"].(string)
	handle, _ := in["handle"].(string)
	ptype, _ := in["productType"].(string)
	vendor, _ := in["vendor"].(string)
	var optNames []string
	var firstValues []string
	for _, o := range listArg(in, "productOptions") {
		om, _ := o.(map[string]any)
		name, _ := om["name"].(string)
		optNames = append(optNames, name)
		val := "Default"
		if vals := listArg(om, "values"); len(vals) > 0 {
			if vm, ok := vals[0].(map[string]any); ok {
				if s, ok := vm["name"].(string); ok {
					val = s
				}
			}
		}
		firstValues = append(firstValues, val)
	}
	p := st.newProduct(title, handle, ptype, vendor, status, strSlice(in["tags"]), optNames, ec.now)
	if d, ok := in["descriptionHtml"].(string); ok {
		p.description = d
	}
	st.newVariant(p, firstValues, decimal.Zero, ec.now)
	payload["product"] = p
	return payload, nil
}

func mutProductUpdate(ec *execCtx, _ any, args map[string]any) (any, error) {
	st := ec.s.st
	in := objArg(args, "product")
	payload := record{"product": nil, "userErrors": []record{}}
	id, _ := in["id"].(string)
	p, ok := st.lookupGID(id).(*product)
	if !ok {
		payload["userErrors"] = []record{userError([]string{"id"}, "Product does not exist")}
		return payload, nil
	}
	if v, ok := in["title"].(string); ok {
		if v == "" {
			payload["userErrors"] = []record{userError([]string{"title"}, "Title can't be blank")}
			return payload, nil
		}
		p.title = v
	}
	if v, ok := in["handle"].(string); ok && v != "" {
		p.handle = st.uniqueHandle(v, p)
	}
	if v, ok := in["descriptionHtml"].(string); ok {
		p.description = v
	}
	if v, ok := in["productType"].(string); ok {
		p.productType = v
	}
	if v, ok := in["vendor"].(string); ok {
		p.vendor = v
	}
	if v, ok := in["status"].(string); ok {
		p.status = v
	}
	if _, ok := in["tags"]; ok {
		p.tags = strSlice(in["tags"])
	}
	p.updatedAt = ec.now
	payload["product"] = p
	return payload, nil
}

// variantInput is a validated ProductVariantsBulkInput.
type variantInput struct {
	v            *variant
	price        *decimal.Decimal
	compareAt    *decimal.Decimal
	clearCompare bool
	barcode      *string
	taxable      *bool
	policy       *string
	sku          *string
	cost         *decimal.Decimal
	clearCost    bool
	tracked      *bool
	optionValues []string
	optionNames  []string
	quantities   map[*location]int
}

func parseVariantInput(ec *execCtx, m map[string]any, idx int, typename string, update bool) (*variantInput, []record) {
	st := ec.s.st
	vi := &variantInput{}
	base := []string{"variants", strconv.Itoa(idx)}
	field := func(f ...string) []string { return append(append([]string(nil), base...), f...) }
	var errs []record
	if d, ok, err := decArg(m, "price"); err != nil {
		errs = append(errs, codedError(typename, "INVALID_INPUT", field("price"), "Price is invalid"))
	} else if ok {
		if d.IsNegative() {
			errs = append(errs, codedError(typename, "NEGATIVE_PRICE_VALUE", field("price"), "Price must be greater than or equal to 0"))
		}
		d = round2(d)
		vi.price = &d
	}
	if v, present := m["compareAtPrice"]; present {
		if v == nil {
			vi.clearCompare = true
		} else if d, _, err := decArg(m, "compareAtPrice"); err != nil {
			errs = append(errs, codedError(typename, "INVALID_INPUT", field("compareAtPrice"), "Compare at price is invalid"))
		} else {
			d = round2(d)
			vi.compareAt = &d
		}
	}
	if v, present := m["barcode"]; present {
		s, _ := v.(string)
		vi.barcode = &s
	}
	if v, ok := m["taxable"].(bool); ok {
		vi.taxable = &v
	}
	if v, ok := m["inventoryPolicy"].(string); ok {
		vi.policy = &v
	}
	if ii := objArg(m, "inventoryItem"); ii != nil {
		if v, present := ii["sku"]; present {
			s, _ := v.(string)
			vi.sku = &s
		}
		if v, present := ii["cost"]; present {
			if v == nil {
				vi.clearCost = true
			} else if d, _, err := decArg(ii, "cost"); err == nil {
				d = round2(d)
				vi.cost = &d
			} else {
				errs = append(errs, codedError(typename, "INVALID_INPUT", field("inventoryItem", "cost"), "Cost is invalid"))
			}
		}
		if v, ok := ii["tracked"].(bool); ok {
			vi.tracked = &v
		}
	}
	for _, ov := range listArg(m, "optionValues") {
		om, _ := ov.(map[string]any)
		name, _ := om["name"].(string)
		optName, _ := om["optionName"].(string)
		vi.optionValues = append(vi.optionValues, name)
		vi.optionNames = append(vi.optionNames, optName)
	}
	if qs := listArg(m, "inventoryQuantities"); len(qs) > 0 {
		if update {
			errs = append(errs, codedError(typename, "NO_INVENTORY_QUANTITIES_ON_VARIANTS_UPDATE", field("inventoryQuantities"), "Inventory quantities can only be provided during create. To update inventory for existing variants, use inventoryAdjustQuantities."))
		}
		vi.quantities = map[*location]int{}
		for i, q := range qs {
			qm, _ := q.(map[string]any)
			locID, _ := qm["locationId"].(string)
			loc, ok := st.lookupGID(locID).(*location)
			if !ok {
				errs = append(errs, codedError(typename, "TRACKED_VARIANT_LOCATION_NOT_FOUND", field("inventoryQuantities", strconv.Itoa(i), "locationId"), "Location does not exist"))
				continue
			}
			n, _ := intArg(qm, "availableQuantity")
			vi.quantities[loc] = n
		}
	}
	if update {
		id, _ := m["id"].(string)
		if id == "" {
			errs = append(errs, codedError(typename, "PRODUCT_VARIANT_ID_MISSING", field("id"), "Product variant is missing ID attribute"))
		} else if v, ok := st.lookupGID(id).(*variant); ok {
			vi.v = v
		} else {
			errs = append(errs, codedError(typename, "PRODUCT_VARIANT_DOES_NOT_EXIST", field("id"), "Product variant does not exist"))
		}
	}
	return vi, errs
}

func (vi *variantInput) apply(st *store, v *variant, now time.Time) {
	if vi.price != nil {
		v.price = *vi.price
	}
	if vi.clearCompare {
		v.compareAtPrice = nil
	} else if vi.compareAt != nil {
		c := *vi.compareAt
		v.compareAtPrice = &c
	}
	if vi.barcode != nil {
		v.barcode = *vi.barcode
	}
	if vi.taxable != nil {
		v.taxable = *vi.taxable
	}
	if vi.policy != nil {
		v.policy = *vi.policy
	}
	if vi.sku != nil {
		v.sku = *vi.sku
	}
	if vi.clearCost {
		v.item.cost = nil
	} else if vi.cost != nil {
		c := *vi.cost
		v.item.cost = &c
	}
	if vi.tracked != nil {
		v.item.tracked = *vi.tracked
	}
	for loc, n := range vi.quantities {
		lv := st.ensureLevel(v.item, loc, now)
		lv.available = n
		lv.updatedAt = now
	}
	touchVariant(v, now)
}

func mutVariantsBulkCreate(ec *execCtx, _ any, args map[string]any) (any, error) {
	const tn = "ProductVariantsBulkCreateUserError"
	st := ec.s.st
	payload := record{"product": nil, "productVariants": nil, "userErrors": []record{}}
	p, ok := st.lookupGID(stringArg(args, "productId")).(*product)
	if !ok {
		payload["userErrors"] = []record{codedError(tn, "PRODUCT_DOES_NOT_EXIST", []string{"productId"}, "Product does not exist")}
		return payload, nil
	}
	var inputs []*variantInput
	var errs []record
	seen := map[string]bool{}
	removeStandalone := stringArg(args, "strategy") == "REMOVE_STANDALONE_VARIANT"
	standalone := len(p.variants) == 1 && len(p.variants[0].optionValues) == 0 && len(p.options) == 0
	for _, v := range p.variants {
		if !(removeStandalone && standalone) {
			seen[v.title()] = true
		}
	}
	for i, raw := range listArg(args, "variants") {
		m, _ := raw.(map[string]any)
		vi, e := parseVariantInput(ec, m, i, tn, false)
		errs = append(errs, e...)
		if len(p.options) > 0 && len(vi.optionValues) != len(p.options) && len(vi.optionValues) > 0 {
			errs = append(errs, codedError(tn, "INVALID_INPUT", []string{"variants", strconv.Itoa(i), "optionValues"}, "Option values must be provided for every product option"))
		}
		key := "Default Title"
		if len(vi.optionValues) > 0 {
			key = (&variant{optionValues: vi.optionValues}).title()
		}
		if seen[key] {
			errs = append(errs, codedError(tn, "VARIANT_ALREADY_EXISTS", []string{"variants", strconv.Itoa(i)}, fmt.Sprintf("The variant '%s' already exists.", key)))
		}
		seen[key] = true
		inputs = append(inputs, vi)
	}
	if len(errs) > 0 {
		payload["userErrors"] = errs
		return payload, nil
	}
	if removeStandalone && standalone {
		st.removeVariant(p.variants[0])
	}
	if len(p.options) == 0 && len(inputs) > 0 && len(inputs[0].optionValues) > 0 {
		for i, n := range inputs[0].optionNames {
			if n == "" {
				n = fmt.Sprintf("Option%d", i+1)
			}
			p.options = append(p.options, &option{id: st.newID(KindProductOption), name: n})
		}
	}
	var created []*variant
	for _, vi := range inputs {
		price := decimal.Zero
		if vi.price != nil {
			price = *vi.price
		}
		v := st.newVariant(p, vi.optionValues, price, ec.now)
		vi.apply(st, v, ec.now)
		created = append(created, v)
	}
	payload["product"] = p
	payload["productVariants"] = created
	return payload, nil
}

func mutVariantsBulkUpdate(ec *execCtx, _ any, args map[string]any) (any, error) {
	const tn = "ProductVariantsBulkUpdateUserError"
	st := ec.s.st
	payload := record{"product": nil, "productVariants": nil, "userErrors": []record{}}
	p, ok := st.lookupGID(stringArg(args, "productId")).(*product)
	if !ok {
		payload["userErrors"] = []record{codedError(tn, "PRODUCT_DOES_NOT_EXIST", []string{"productId"}, "Product does not exist")}
		return payload, nil
	}
	var inputs []*variantInput
	var errs []record
	for i, raw := range listArg(args, "variants") {
		m, _ := raw.(map[string]any)
		vi, e := parseVariantInput(ec, m, i, tn, true)
		if vi.v != nil && vi.v.product != p {
			e = append(e, codedError(tn, "PRODUCT_VARIANT_DOES_NOT_EXIST", []string{"variants", strconv.Itoa(i), "id"}, "Product variant does not exist"))
		}
		errs = append(errs, e...)
		inputs = append(inputs, vi)
	}
	if len(errs) > 0 && !boolArg(args, "allowPartialUpdates") {
		payload["userErrors"] = errs
		payload["product"] = p
		return payload, nil
	}
	var updated []*variant
	for _, vi := range inputs {
		if vi.v == nil || vi.v.product != p || len(vi.quantities) > 0 {
			continue
		}
		vi.apply(st, vi.v, ec.now)
		updated = append(updated, vi.v)
	}
	payload["userErrors"] = errs
	payload["product"] = p
	payload["productVariants"] = updated
	return payload, nil
}

func mutInventoryItemUpdate(ec *execCtx, _ any, args map[string]any) (any, error) {
	st := ec.s.st
	payload := record{"inventoryItem": nil, "userErrors": []record{}}
	it, ok := st.lookupGID(stringArg(args, "id")).(*inventoryItem)
	if !ok {
		payload["userErrors"] = []record{userError([]string{"id"}, "Inventory item does not exist")}
		return payload, nil
	}
	in := objArg(args, "input")
	vi := &variantInput{}
	if v, present := in["sku"]; present {
		s, _ := v.(string)
		vi.sku = &s
	}
	if v, present := in["cost"]; present {
		if v == nil {
			vi.clearCost = true
		} else if d, _, err := decArg(in, "cost"); err == nil {
			d = round2(d)
			vi.cost = &d
		} else {
			payload["userErrors"] = []record{userError([]string{"input", "cost"}, "Cost is invalid")}
			return payload, nil
		}
	}
	if v, ok := in["tracked"].(bool); ok {
		vi.tracked = &v
	}
	if v, ok := in["requiresShipping"].(bool); ok {
		it.requiresShipping = v
	}
	vi.apply(st, it.variant, ec.now)
	payload["inventoryItem"] = it
	return payload, nil
}

type qtyChange struct {
	level *inventoryLevel
	item  *inventoryItem
	loc   *location
	delta int
}

func (ec *execCtx) resolveItemLocation(itemGID, locGID string) (*inventoryItem, *location, string) {
	it, ok := ec.s.st.lookupGID(itemGID).(*inventoryItem)
	if !ok {
		return nil, nil, "INVALID_INVENTORY_ITEM"
	}
	loc, ok := ec.s.st.lookupGID(locGID).(*location)
	if !ok {
		return it, nil, "INVALID_LOCATION"
	}
	for _, l := range it.levels {
		if l.loc == loc {
			return it, loc, ""
		}
	}
	return it, loc, "ITEM_NOT_STOCKED_AT_LOCATION"
}

var inventoryErrorMessages = map[string]string{
	"INVALID_INVENTORY_ITEM":       "The specified inventory item could not be found.",
	"INVALID_LOCATION":             "The specified location could not be found.",
	"ITEM_NOT_STOCKED_AT_LOCATION": "The specified inventory item is not stocked at the location.",
}

func (ec *execCtx) applyChanges(name, reason, ref string, changes []qtyChange) *adjustmentGroup {
	st := ec.s.st
	g := &adjustmentGroup{id: st.newID(KindAdjustmentGroup), createdAt: ec.now, reason: reason, reference: ref}
	for _, c := range changes {
		lv := c.level
		lv.available += c.delta
		lv.updatedAt = ec.now
		touchVariant(c.item.variant, ec.now)
		g.changes = append(g.changes,
			&inventoryChange{name: "available", delta: c.delta, after: lv.available, item: c.item, loc: c.loc},
			&inventoryChange{name: "on_hand", delta: c.delta, after: lv.onHand(), item: c.item, loc: c.loc})
	}
	st.groups[g.id] = g
	return g
}

func mutInventoryAdjust(ec *execCtx, _ any, args map[string]any) (any, error) {
	const tn = "InventoryAdjustQuantitiesUserError"
	key, keyed := ec.idempotencyKey()
	if keyed && !versionAtLeast(ec.version, idempotentFrom) {
		return nil, &fieldError{msg: "Directive 'idempotent' is not supported by API version " + ec.version + ".", code: "BAD_REQUEST"}
	}
	if !keyed && versionAtLeast(ec.version, idempotentRequiredFrom) {
		return nil, &fieldError{msg: "The @idempotent directive with a key is required for this mutation.", code: "IDEMPOTENCY_KEY_REQUIRED"}
	}
	if keyed {
		if prev, ok := ec.s.st.idempotent[key]; ok {
			return prev, nil
		}
	}
	payload, err := inventoryAdjust(ec, tn, objArg(args, "input"))
	if err == nil && keyed && payload["inventoryAdjustmentGroup"] != nil {
		if ec.s.st.idempotent == nil {
			ec.s.st.idempotent = map[string]record{}
		}
		ec.s.st.idempotent[key] = payload
	}
	return payload, err
}

func inventoryAdjust(ec *execCtx, tn string, in map[string]any) (record, error) {
	payload := record{"inventoryAdjustmentGroup": nil, "userErrors": []record{}}
	name, _ := in["name"].(string)
	reason, _ := in["reason"].(string)
	ref, _ := in["referenceDocumentUri"].(string)
	var errs []record
	if name != "available" && name != "on_hand" {
		errs = append(errs, codedError(tn, "INVALID_QUANTITY_NAME", []string{"input", "name"}, "The quantity name must be one of: available, on_hand."))
	}
	if !validReasons[reason] {
		errs = append(errs, codedError(tn, "INVALID_REASON", []string{"input", "reason"}, "The specified reason is invalid."))
	}
	var changes []qtyChange
	for i, raw := range listArg(in, "changes") {
		m, _ := raw.(map[string]any)
		itemID, _ := m["inventoryItemId"].(string)
		locID, _ := m["locationId"].(string)
		delta, _ := intArg(m, "delta")
		it, loc, code := ec.resolveItemLocation(itemID, locID)
		if code != "" {
			f := "inventoryItemId"
			if code != "INVALID_INVENTORY_ITEM" {
				f = "locationId"
			}
			errs = append(errs, codedError(tn, code, []string{"input", "changes", strconv.Itoa(i), f}, inventoryErrorMessages[code]))
			continue
		}
		changes = append(changes, qtyChange{level: it.variant.level(loc.id), item: it, loc: loc, delta: delta})
	}
	if len(errs) > 0 {
		payload["userErrors"] = errs
		return payload, nil
	}
	payload["inventoryAdjustmentGroup"] = ec.applyChanges(name, reason, ref, changes)
	return payload, nil
}

func mutInventorySet(ec *execCtx, _ any, args map[string]any) (any, error) {
	const tn = "InventorySetQuantitiesUserError"
	in := objArg(args, "input")
	payload := record{"inventoryAdjustmentGroup": nil, "userErrors": []record{}}
	name, _ := in["name"].(string)
	reason, _ := in["reason"].(string)
	ref, _ := in["referenceDocumentUri"].(string)
	ignoreCompare, _ := in["ignoreCompareQuantity"].(bool)
	var errs []record
	if name != "available" && name != "on_hand" {
		errs = append(errs, codedError(tn, "INVALID_NAME", []string{"input", "name"}, "The quantity name must be either 'available' or 'on_hand'."))
	}
	if !validReasons[reason] {
		errs = append(errs, codedError(tn, "INVALID_REASON", []string{"input", "reason"}, "The specified reason is invalid."))
	}
	var changes []qtyChange
	seen := map[[2]int64]bool{}
	for i, raw := range listArg(in, "quantities") {
		m, _ := raw.(map[string]any)
		idx := strconv.Itoa(i)
		itemID, _ := m["inventoryItemId"].(string)
		locID, _ := m["locationId"].(string)
		qty, _ := intArg(m, "quantity")
		it, loc, code := ec.resolveItemLocation(itemID, locID)
		if code != "" {
			f := "inventoryItemId"
			if code != "INVALID_INVENTORY_ITEM" {
				f = "locationId"
			}
			errs = append(errs, codedError(tn, code, []string{"input", "quantities", idx, f}, inventoryErrorMessages[code]))
			continue
		}
		if seen[[2]int64{it.id, loc.id}] {
			errs = append(errs, codedError(tn, "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR", []string{"input", "quantities", idx}, "The combination of inventoryItemId and locationId must be unique."))
			continue
		}
		seen[[2]int64{it.id, loc.id}] = true
		if qty < 0 && name == "on_hand" {
			errs = append(errs, codedError(tn, "INVALID_QUANTITY_NEGATIVE", []string{"input", "quantities", idx, "quantity"}, "The quantity can't be negative."))
			continue
		}
		lv := it.variant.level(loc.id)
		current := lv.available
		if name == "on_hand" {
			current = lv.onHand()
		}
		if !ignoreCompare {
			cq, present := intArg(m, "compareQuantity")
			if !present {
				errs = append(errs, codedError(tn, "COMPARE_QUANTITY_REQUIRED", []string{"input", "quantities", idx, "compareQuantity"}, "The compareQuantity argument must be given to each quantity or ignored using ignoreCompareQuantity."))
				continue
			}
			if cq != current {
				errs = append(errs, codedError(tn, "COMPARE_QUANTITY_STALE", []string{"input", "quantities", idx, "compareQuantity"}, "The compareQuantity value does not match persisted value."))
				continue
			}
		}
		changes = append(changes, qtyChange{level: lv, item: it, loc: loc, delta: qty - current})
	}
	if len(errs) > 0 {
		payload["userErrors"] = errs
		return payload, nil
	}
	payload["inventoryAdjustmentGroup"] = ec.applyChanges(name, reason, ref, changes)
	return payload, nil
}

func mutInventoryActivate(ec *execCtx, _ any, args map[string]any) (any, error) {
	st := ec.s.st
	payload := record{"inventoryLevel": nil, "userErrors": []record{}}
	it, ok := st.lookupGID(stringArg(args, "inventoryItemId")).(*inventoryItem)
	if !ok {
		payload["userErrors"] = []record{userError([]string{"inventoryItemId"}, "Inventory item does not exist")}
		return payload, nil
	}
	loc, ok := st.lookupGID(stringArg(args, "locationId")).(*location)
	if !ok {
		payload["userErrors"] = []record{userError([]string{"locationId"}, "Location does not exist")}
		return payload, nil
	}
	lv := st.ensureLevel(it, loc, ec.now)
	if n, ok := intArg(args, "available"); ok {
		lv.available = n
		lv.updatedAt = ec.now
	}
	touchVariant(it.variant, ec.now)
	payload["inventoryLevel"] = lv
	return payload, nil
}

func adjustmentGroupResolvers() map[string]resolver {
	return map[string]resolver{
		"id": func(_ *execCtx, p any, _ map[string]any) (any, error) {
			return GID(KindAdjustmentGroup, p.(*adjustmentGroup).id), nil
		},
		"createdAt": func(_ *execCtx, p any, _ map[string]any) (any, error) {
			return fmtTime(p.(*adjustmentGroup).createdAt), nil
		},
		"reason": func(_ *execCtx, p any, _ map[string]any) (any, error) { return p.(*adjustmentGroup).reason, nil },
		"referenceDocumentUri": func(_ *execCtx, p any, _ map[string]any) (any, error) {
			return nullIfEmpty(p.(*adjustmentGroup).reference), nil
		},
		"changes": func(_ *execCtx, p any, args map[string]any) (any, error) {
			g := p.(*adjustmentGroup)
			items := strSlice(args["inventoryItemIds"])
			locs := strSlice(args["locationIds"])
			names := strSlice(args["quantityNames"])
			var out []record
			for _, c := range g.changes {
				if args["inventoryItemIds"] != nil && !contains(items, GID(KindInventoryItem, c.item.id)) ||
					args["locationIds"] != nil && !contains(locs, GID(KindLocation, c.loc.id)) ||
					args["quantityNames"] != nil && !contains(names, c.name) {
					continue
				}
				out = append(out, record{"name": c.name, "delta": c.delta, "quantityAfterChange": c.after,
					"ledgerDocumentUri": nullIfEmpty(c.ledger), "item": c.item, "location": c.loc})
			}
			return out, nil
		},
	}
}
