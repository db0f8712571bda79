package shopifytest

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

type shopValue struct{ st *store }

func fmtTime(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }

func fmtTimePtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return fmtTime(*t)
}

func legacy(id int64) string { return strconv.FormatInt(id, 10) }

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (ec *execCtx) money(d decimal.Decimal) record {
	m := record{"amount": formatDecimal(d), "currencyCode": ec.s.st.currency}
	return record{"shopMoney": m, "presentmentMoney": m}
}

func (ec *execCtx) moneyV2(d decimal.Decimal) record {
	return record{"amount": formatDecimal(d), "currencyCode": ec.s.st.currency}
}

func (ec *execCtx) taxLine(amount decimal.Decimal, rate decimal.Decimal, title string) record {
	r, _ := rate.Float64()
	pct, _ := rate.Mul(hundred).Float64()
	return record{"title": title, "rate": r, "ratePercentage": pct, "source": "Shopify", "channelLiable": false, "priceSet": ec.money(amount)}
}

func stringArg(args map[string]any, name string) string {
	s, _ := args[name].(string)
	return s
}

func boolArg(args map[string]any, name string) bool {
	b, _ := args[name].(bool)
	return b
}

// lookupGID resolves a global ID to a stored object, or nil.
func (st *store) lookupGID(gid string) any {
	kind, id, ok := ParseGID(gid)
	if !ok {
		return nil
	}
	switch kind {
	case KindProduct:
		if p := st.productByID[id]; p != nil {
			return p
		}
	case KindProductVariant:
		if v := st.variantByID[id]; v != nil {
			return v
		}
	case KindInventoryItem:
		if it := st.itemByID[id]; it != nil {
			return it
		}
	case KindLocation:
		if l := st.locationByID[id]; l != nil {
			return l
		}
	case KindCustomer:
		if c := st.customerByID[id]; c != nil {
			return c
		}
	case KindOrder:
		if o := st.orderByID[id]; o != nil {
			return o
		}
	case KindAdjustmentGroup:
		if g := st.groups[id]; g != nil {
			return g
		}
	case KindRefund:
		for _, o := range st.orders {
			for _, r := range o.refunds {
				if r.id == id {
					return r
				}
			}
		}
	}
	return nil
}

func limitArg(args map[string]any, n int) int {
	if f, ok := intArg(args, "first"); ok && f < n {
		return f
	}
	return n
}

func productSortKey(p *product, key string) sortKey {
	k := sortKey{id: p.id}
	switch key {
	case "CREATED_AT", "PUBLISHED_AT":
		k.num = p.createdAt.Unix()
	case "UPDATED_AT":
		k.num = p.updatedAt.Unix()
	case "TITLE":
		k.str = strings.ToLower(p.title)
	case "PRODUCT_TYPE":
		k.str = strings.ToLower(p.productType)
	case "VENDOR":
		k.str = strings.ToLower(p.vendor)
	case "INVENTORY_TOTAL":
		k.num = int64(p.totalInventory())
	}
	return k
}

func variantSortKey(v *variant, key string) sortKey {
	k := sortKey{id: v.id}
	switch key {
	case "POSITION":
		k.num = int64(v.position)
	case "SKU":
		k.str = strings.ToLower(v.sku)
	case "TITLE":
		k.str = strings.ToLower(v.title())
	case "FULL_TITLE", "NAME":
		k.str = strings.ToLower(v.product.title + " " + v.title())
	case "INVENTORY_QUANTITY", "INVENTORY_LEVELS_AVAILABLE":
		k.num = int64(v.available())
	}
	return k
}

func orderSortKey(o *order, key string) sortKey {
	k := sortKey{id: o.id}
	switch key {
	case "PROCESSED_AT":
		k.num = o.processedAt.Unix()
	case "CREATED_AT":
		k.num = o.createdAt.Unix()
	case "UPDATED_AT":
		k.num = o.updatedAt.Unix()
	case "ORDER_NUMBER":
		k.num = int64(o.number)
	case "TOTAL_PRICE":
		k.num = o.totalPrice.Shift(2).IntPart()
	case "FINANCIAL_STATUS":
		k.str = o.financialStatus()
	case "FULFILLMENT_STATUS":
		k.str = o.fulfillmentStatus()
	case "CUSTOMER_NAME":
		if o.customer != nil {
			k.str = strings.ToLower(o.customer.displayName())
		}
	}
	return k
}

func customerSortKey(c *customer, key string) sortKey {
	k := sortKey{id: c.id}
	switch key {
	case "CREATED_AT":
		k.num = c.createdAt.Unix()
	case "UPDATED_AT":
		k.num = c.updatedAt.Unix()
	case "NAME":
		k.str = strings.ToLower(c.displayName())
	}
	return k
}

var resolvers map[string]map[string]resolver

func init() {
	resolvers = map[string]map[string]resolver{
		"QueryRoot":                queryRootResolvers(),
		"Mutation":                 mutationResolvers(),
		"Shop":                     shopResolvers(),
		"Location":                 locationResolvers(),
		"Product":                  productResolvers(),
		"ProductOption":            optionResolvers(),
		"ProductVariant":           variantResolvers(),
		"InventoryItem":            inventoryItemResolvers(),
		"InventoryLevel":           inventoryLevelResolvers(),
		"Customer":                 customerResolvers(),
		"MailingAddress":           addressResolvers(),
		"Order":                    orderResolvers(),
		"LineItem":                 lineItemResolvers(),
		"Refund":                   refundResolvers(),
		"RefundShippingLine":       refundShippingResolvers(),
		"OrderTransaction":         transactionResolvers(),
		"InventoryAdjustmentGroup": adjustmentGroupResolvers(),
	}
}

func queryRootResolvers() map[string]resolver {
	return map[string]resolver{
		"shop": func(ec *execCtx, _ any, _ map[string]any) (any, error) { return &shopValue{ec.s.st}, nil },
		"location": func(ec *execCtx, _ any, args map[string]any) (any, error) {
			if id := stringArg(args, "id"); id != "" {
				if l, ok := ec.s.st.lookupGID(id).(*location); ok {
					return l, nil
				}
				return nil, nil
			}
			return ec.s.st.primary(), nil
		},
		"locations": func(ec *execCtx, _ any, args map[string]any) (any, error) {
			terms := parseSearch(stringArg(args, "query"))
			sortBy, _ := args["sortKey"].(string)
			var items []item
			for _, l := range ec.s.st.locations {
				if !l.active && !boolArg(args, "includeInactive") || !matchAll(terms, ec.s.locationMatcher(l)) {
					continue
				}
				k := sortKey{id: l.id}
				if sortBy == "NAME" {
					k.str = strings.ToLower(l.name)
				}
				items = append(items, item{k, l})
			}
			return paginate(items, args, boolArg(args, "reverse"))
		},
		"product": func(ec *execCtx, _ any, args map[string]any) (any, error) {
			if p, ok := ec.s.st.lookupGID(stringArg(args, "id")).(*product); ok {
				return p, nil
			}
			return nil, nil
		},
		"products": func(ec *execCtx, _ any, args map[string]any) (any, error) {
			terms := parseSearch(stringArg(args, "query"))
			sortBy, _ := args["sortKey"].(string)
			var items []item
			for _, p := range ec.s.st.products {
				if matchAll(terms, ec.s.productMatcher(p)) {
					items = append(items, item{productSortKey(p, sortBy), p})
				}
			}
			return paginate(items, args, boolArg(args, "reverse"))
		},
		"productVariant": func(ec *execCtx, _ any, args map[string]any) (any, error) {
			if v, ok := ec.s.st.lookupGID(stringArg(args, "id")).(*variant); ok {
				return v, nil
			}
			return nil, nil
		},
		"productVariants": func(ec *execCtx, _ any, args map[string]any) (any, error) {
			terms := parseSearch(stringArg(args, "query"))
			sortBy, _ := args["sortKey"].(string)
			var items []item
			for _, p := range ec.s.st.products {
				for _, v := range p.variants {
					if matchAll(terms, ec.s.variantMatcher(v)) {
						items = append(items, item{variantSortKey(v, sortBy), v})
					}
				}
			}
			return paginate(items, args, boolArg(args, "reverse"))
		},
		"inventoryItem": func(ec *execCtx, _ any, args map[string]any) (any, error) {
			if it, ok := ec.s.st.lookupGID(stringArg(args, "id")).(*inventoryItem); ok {
				return it, nil
			}
			return nil, nil
		},
		"order": func(ec *execCtx, _ any, args map[string]any) (any, error) {
			if o, ok := ec.s.st.lookupGID(stringArg(args, "id")).(*order); ok {
				return o, nil
			}
			return nil, nil
		},
		"orders": func(ec *execCtx, _ any, args map[string]any) (any, error) {
			terms := parseSearch(stringArg(args, "query"))
			sortBy, _ := args["sortKey"].(string)
			var items []item
			for _, o := range ec.s.st.orders {
				if matchAll(terms, ec.s.orderMatcher(o)) {
					items = append(items, item{orderSortKey(o, sortBy), o})
				}
			}
			c, err := paginate(items, args, boolArg(args, "reverse"))
			if err == nil {
				ec.servedOrdersPage(c)
			}
			return c, err
		},
		"customer": func(ec *execCtx, _ any, args map[string]any) (any, error) {
			if c, ok := ec.s.st.lookupGID(stringArg(args, "id")).(*customer); ok {
				return c, nil
			}
			return nil, nil
		},
		"customers": func(ec *execCtx, _ any, args map[string]any) (any, error) {
			terms := parseSearch(stringArg(args, "query"))
			sortBy, _ := args["sortKey"].(string)
			var items []item
			for _, c := range ec.s.st.customers {
				if matchAll(terms, ec.s.customerMatcher(c)) {
					items = append(items, item{customerSortKey(c, sortBy), c})
				}
			}
			return paginate(items, args, boolArg(args, "reverse"))
		},
		"node": func(ec *execCtx, _ any, args map[string]any) (any, error) {
			if op := ec.s.bulkByGID(stringArg(args, "id")); op != nil {
				return ec.s.bulkRecord(op), nil
			}
			return ec.s.st.lookupGID(stringArg(args, "id")), nil
		},
		"bulkOperations": bulkOperationsQuery,
		"currentBulkOperation": func(ec *execCtx, _ any, args map[string]any) (any, error) {
			if t, _ := args["type"].(string); t != "" && t != "QUERY" {
				return nil, nil // bulk mutations are not modelled: there is never a current one
			}
			if n := len(ec.s.bulk.ops); n > 0 {
				return ec.s.bulkRecord(ec.s.bulk.ops[n-1]), nil
			}
			return nil, nil
		},
		"nodes": func(ec *execCtx, _ any, args map[string]any) (any, error) {
			ids, _ := args["ids"].([]any)
			if len(ids) > MaxPageSize {
				return nil, errf("The list of ids cannot have more than %d elements.", MaxPageSize)
			}
			out := make(connNodes, len(ids))
			for i, id := range ids {
				s, _ := id.(string)
				out[i] = ec.s.st.lookupGID(s)
			}
			return out, nil
		},
	}
}

func shopResolvers() map[string]resolver {
	get := func(f func(st *store) any) resolver {
		return func(_ *execCtx, p any, _ map[string]any) (any, error) { return f(p.(*shopValue).st), nil }
	}
	return map[string]resolver{
		"id":                   get(func(st *store) any { return GID(KindShop, shopNumber(st.domain)) }),
		"name":                 get(func(st *store) any { return st.shopName }),
		"email":                get(func(st *store) any { return st.email }),
		"contactEmail":         get(func(st *store) any { return st.email }),
		"currencyCode":         get(func(st *store) any { return st.currency }),
		"ianaTimezone":         get(func(st *store) any { return st.timezone }),
		"timezoneAbbreviation": get(func(st *store) any { return "AST" }),
		"myshopifyDomain":      get(func(st *store) any { return st.domain }),
		"taxesIncluded":        get(func(st *store) any { return true }),
	}
}

// shopNumber is a shop's numeric id: fixed for a domain (a shop keeps its id), different for
// another one, as two shops' ids are.
func shopNumber(domain string) int64 {
	h := fnv.New32a()
	h.Write([]byte(strings.ToLower(domain)))
	return 68_000_000_000 + int64(h.Sum32()%1_000_000_000)
}

func locationResolvers() map[string]resolver {
	get := func(f func(l *location) any) resolver {
		return func(_ *execCtx, p any, _ map[string]any) (any, error) { return f(p.(*location)), nil }
	}
	return map[string]resolver{
		"id":                   get(func(l *location) any { return GID(KindLocation, l.id) }),
		"legacyResourceId":     get(func(l *location) any { return legacy(l.id) }),
		"name":                 get(func(l *location) any { return l.name }),
		"isActive":             get(func(l *location) any { return l.active }),
		"isPrimary":            get(func(l *location) any { return l.primary }),
		"fulfillsOnlineOrders": get(func(l *location) any { return l.active }),
		"shipsInventory":       get(func(l *location) any { return l.active }),
		"inventoryLevel": func(ec *execCtx, p any, args map[string]any) (any, error) {
			l := p.(*location)
			it, ok := ec.s.st.lookupGID(stringArg(args, "inventoryItemId")).(*inventoryItem)
			if !ok {
				return nil, nil
			}
			for _, lv := range it.levels {
				if lv.loc == l {
					return lv, nil
				}
			}
			return nil, nil
		},
		"inventoryLevels": func(ec *execCtx, p any, args map[string]any) (any, error) {
			l := p.(*location)
			terms := parseSearch(stringArg(args, "query"))
			var items []item
			for _, pr := range ec.s.st.products {
				for _, v := range pr.variants {
					for _, lv := range v.item.levels {
						if lv.loc == l && matchAll(terms, ec.s.levelMatcher(lv)) {
							items = append(items, item{sortKey{id: lv.id}, lv})
						}
					}
				}
			}
			return paginate(items, args, boolArg(args, "reverse"))
		},
	}
}

func productResolvers() map[string]resolver {
	get := func(f func(p *product) any) resolver {
		return func(_ *execCtx, p any, _ map[string]any) (any, error) { return f(p.(*product)), nil }
	}
	return map[string]resolver{
		"id":               get(func(p *product) any { return GID(KindProduct, p.id) }),
		"legacyResourceId": get(func(p *product) any { return legacy(p.id) }),
		"title":            get(func(p *product) any { return p.title }),
		"handle":           get(func(p *product) any { return p.handle }),
		"descriptionHtml":  get(func(p *product) any { return p.description }),
		"status":           get(func(p *product) any { return p.status }),
		"vendor":           get(func(p *product) any { return p.vendor }),
		"productType":      get(func(p *product) any { return p.productType }),
		"tags":             get(func(p *product) any { return append([]string{}, p.tags...) }),
		"createdAt":        get(func(p *product) any { return fmtTime(p.createdAt) }),
		"updatedAt":        get(func(p *product) any { return fmtTime(p.updatedAt) }),
		"publishedAt": get(func(p *product) any {
			if p.status != "ACTIVE" {
				return nil
			}
			return fmtTime(p.createdAt)
		}),
		"totalInventory": get(func(p *product) any { return p.totalInventory() }),
		"variantsCount":  get(func(p *product) any { return record{"count": len(p.variants), "precision": "EXACT"} }),
		"options": func(_ *execCtx, parent any, args map[string]any) (any, error) {
			p := parent.(*product)
			opts := p.options
			if len(opts) == 0 {
				return []any{record{"__typename": "ProductOption", "id": GID(KindProductOption, p.id), "name": "Title", "position": 1, "values": []string{"Default Title"}}}, nil
			}
			var out []any
			for i, o := range opts[:limitArg(args, len(opts))] {
				out = append(out, record{"__typename": "ProductOption", "id": GID(KindProductOption, o.id), "name": o.name, "position": i + 1, "values": append([]string{}, o.values...)})
			}
			return out, nil
		},
		"variants": func(_ *execCtx, parent any, args map[string]any) (any, error) {
			p := parent.(*product)
			sortBy, _ := args["sortKey"].(string)
			items := make([]item, 0, len(p.variants))
			for _, v := range p.variants {
				items = append(items, item{variantSortKey(v, sortBy), v})
			}
			return paginate(items, args, boolArg(args, "reverse"))
		},
	}
}

func optionResolvers() map[string]resolver { return map[string]resolver{} }

func variantResolvers() map[string]resolver {
	get := func(f func(v *variant) any) resolver {
		return func(_ *execCtx, p any, _ map[string]any) (any, error) { return f(p.(*variant)), nil }
	}
	return map[string]resolver{
		"id":               get(func(v *variant) any { return GID(KindProductVariant, v.id) }),
		"legacyResourceId": get(func(v *variant) any { return legacy(v.id) }),
		"title":            get(func(v *variant) any { return v.title() }),
		"displayName":      get(func(v *variant) any { return v.product.title + " - " + v.title() }),
		"sku":              get(func(v *variant) any { return v.sku }),
		"barcode":          get(func(v *variant) any { return nullIfEmpty(v.barcode) }),
		"price":            get(func(v *variant) any { return formatMoney(v.price) }),
		"compareAtPrice": get(func(v *variant) any {
			if v.compareAtPrice == nil {
				return nil
			}
			return formatMoney(*v.compareAtPrice)
		}),
		"taxable":           get(func(v *variant) any { return v.taxable }),
		"position":          get(func(v *variant) any { return v.position }),
		"availableForSale":  get(func(v *variant) any { return !v.item.tracked || v.policy == "CONTINUE" || v.available() > 0 }),
		"inventoryPolicy":   get(func(v *variant) any { return v.policy }),
		"inventoryQuantity": get(func(v *variant) any { return v.available() }),
		"createdAt":         get(func(v *variant) any { return fmtTime(v.createdAt) }),
		"updatedAt":         get(func(v *variant) any { return fmtTime(v.updatedAt) }),
		"product":           get(func(v *variant) any { return v.product }),
		"inventoryItem":     get(func(v *variant) any { return v.item }),
		"selectedOptions": get(func(v *variant) any {
			if len(v.optionValues) == 0 {
				return []record{{"name": "Title", "value": "Default Title"}}
			}
			out := make([]record, 0, len(v.optionValues))
			for i, val := range v.optionValues {
				name := fmt.Sprintf("Option%d", i+1)
				if i < len(v.product.options) {
					name = v.product.options[i].name
				}
				out = append(out, record{"name": name, "value": val})
			}
			return out
		}),
	}
}

func inventoryItemResolvers() map[string]resolver {
	get := func(f func(it *inventoryItem) any) resolver {
		return func(_ *execCtx, p any, _ map[string]any) (any, error) { return f(p.(*inventoryItem)), nil }
	}
	return map[string]resolver{
		"id":               get(func(it *inventoryItem) any { return GID(KindInventoryItem, it.id) }),
		"legacyResourceId": get(func(it *inventoryItem) any { return legacy(it.id) }),
		"sku":              get(func(it *inventoryItem) any { return it.variant.sku }),
		"tracked":          get(func(it *inventoryItem) any { return it.tracked }),
		"requiresShipping": get(func(it *inventoryItem) any { return it.requiresShipping }),
		"createdAt":        get(func(it *inventoryItem) any { return fmtTime(it.createdAt) }),
		"updatedAt":        get(func(it *inventoryItem) any { return fmtTime(it.updatedAt) }),
		"variant":          get(func(it *inventoryItem) any { return it.variant }),
		"unitCost": func(ec *execCtx, p any, _ map[string]any) (any, error) {
			it := p.(*inventoryItem)
			if it.cost == nil {
				return nil, nil
			}
			return ec.moneyV2(*it.cost), nil
		},
		"inventoryLevel": func(ec *execCtx, p any, args map[string]any) (any, error) {
			it := p.(*inventoryItem)
			_, locID, _ := ParseGID(stringArg(args, "locationId"))
			for _, l := range it.levels {
				if l.loc.id == locID {
					return l, nil
				}
			}
			return nil, nil
		},
		"inventoryLevels": func(ec *execCtx, p any, args map[string]any) (any, error) {
			it := p.(*inventoryItem)
			var items []item
			for _, l := range it.levels {
				items = append(items, item{sortKey{id: l.id}, l})
			}
			return paginate(items, args, boolArg(args, "reverse"))
		},
	}
}

func levelGID(l *inventoryLevel) string {
	return fmt.Sprintf("gid://shopify/InventoryLevel/%d?inventory_item_id=%d", l.id, l.item.id)
}

func inventoryLevelResolvers() map[string]resolver {
	get := func(f func(l *inventoryLevel) any) resolver {
		return func(_ *execCtx, p any, _ map[string]any) (any, error) { return f(p.(*inventoryLevel)), nil }
	}
	return map[string]resolver{
		"id":        get(func(l *inventoryLevel) any { return levelGID(l) }),
		"createdAt": get(func(l *inventoryLevel) any { return fmtTime(l.createdAt) }),
		"updatedAt": get(func(l *inventoryLevel) any { return fmtTime(l.updatedAt) }),
		"item":      get(func(l *inventoryLevel) any { return l.item }),
		"location":  get(func(l *inventoryLevel) any { return l.loc }),
		"quantities": func(_ *execCtx, p any, args map[string]any) (any, error) {
			l := p.(*inventoryLevel)
			names, _ := args["names"].([]any)
			out := make([]record, 0, len(names))
			for _, n := range names {
				name, _ := n.(string)
				q, ok := l.quantity(name)
				if !ok {
					return nil, errf("The quantity name '%s' is not valid.", name)
				}
				out = append(out, record{
					"id":        fmt.Sprintf("gid://shopify/InventoryQuantity/%d?inventory_item_id=%d&name=%s", l.id, l.item.id, name),
					"name":      name,
					"quantity":  q,
					"updatedAt": fmtTime(l.updatedAt),
				})
			}
			return out, nil
		},
	}
}

func customerResolvers() map[string]resolver {
	get := func(f func(c *customer) any) resolver {
		return func(_ *execCtx, p any, _ map[string]any) (any, error) { return f(p.(*customer)), nil }
	}
	return map[string]resolver{
		"id":               get(func(c *customer) any { return GID(KindCustomer, c.id) }),
		"legacyResourceId": get(func(c *customer) any { return legacy(c.id) }),
		"firstName":        get(func(c *customer) any { return nullIfEmpty(c.firstName) }),
		"lastName":         get(func(c *customer) any { return nullIfEmpty(c.lastName) }),
		"displayName":      get(func(c *customer) any { return c.displayName() }),
		"email":            get(func(c *customer) any { return nullIfEmpty(c.email) }),
		"phone":            get(func(c *customer) any { return nullIfEmpty(c.phone) }),
		"note":             get(func(c *customer) any { return nullIfEmpty(c.note) }),
		"tags":             get(func(c *customer) any { return append([]string{}, c.tags...) }),
		"state":            get(func(c *customer) any { return "ENABLED" }),
		"verifiedEmail":    get(func(c *customer) any { return c.email != "" }),
		"taxExempt":        get(func(c *customer) any { return false }),
		"createdAt":        get(func(c *customer) any { return fmtTime(c.createdAt) }),
		"updatedAt":        get(func(c *customer) any { return fmtTime(c.updatedAt) }),
		"defaultAddress": get(func(c *customer) any {
			if c.city == "" {
				return nil
			}
			return &address{id: c.addressID, firstName: c.firstName, lastName: c.lastName, phone: c.phone, city: c.city, country: "Saudi Arabia", code: "SA", address1: "King Fahd Road"}
		}),
		"numberOfOrders": func(ec *execCtx, p any, _ map[string]any) (any, error) {
			n := 0
			for _, o := range ec.s.st.orders {
				if o.customer == p.(*customer) {
					n++
				}
			}
			return strconv.Itoa(n), nil
		},
		"amountSpent": func(ec *execCtx, p any, _ map[string]any) (any, error) {
			sum := decimal.Zero
			for _, o := range ec.s.st.orders {
				if o.customer == p.(*customer) {
					sum = sum.Add(o.received()).Sub(o.current().refunded)
				}
			}
			return ec.moneyV2(sum), nil
		},
	}
}

func addressResolvers() map[string]resolver {
	get := func(f func(a *address) any) resolver {
		return func(_ *execCtx, p any, _ map[string]any) (any, error) { return f(p.(*address)), nil }
	}
	return map[string]resolver{
		"id": get(func(a *address) any { return GID(KindMailingAddress, a.id) }),
		"name": get(func(a *address) any {
			return nullIfEmpty(strings.TrimSpace(a.firstName + " " + a.lastName))
		}),
		"firstName":     get(func(a *address) any { return nullIfEmpty(a.firstName) }),
		"lastName":      get(func(a *address) any { return nullIfEmpty(a.lastName) }),
		"company":       get(func(a *address) any { return nil }),
		"phone":         get(func(a *address) any { return nullIfEmpty(a.phone) }),
		"address1":      get(func(a *address) any { return nullIfEmpty(a.address1) }),
		"address2":      get(func(a *address) any { return nil }),
		"city":          get(func(a *address) any { return nullIfEmpty(a.city) }),
		"province":      get(func(a *address) any { return nil }),
		"zip":           get(func(a *address) any { return nil }),
		"country":       get(func(a *address) any { return nullIfEmpty(a.country) }),
		"countryCodeV2": get(func(a *address) any { return nullIfEmpty(a.code) }),
	}
}

func orderResolvers() map[string]resolver {
	get := func(f func(o *order) any) resolver {
		return func(_ *execCtx, p any, _ map[string]any) (any, error) { return f(p.(*order)), nil }
	}
	money := func(f func(o *order) decimal.Decimal) resolver {
		return func(ec *execCtx, p any, _ map[string]any) (any, error) { return ec.money(f(p.(*order))), nil }
	}
	return map[string]resolver{
		"id":                       get(func(o *order) any { return GID(KindOrder, o.id) }),
		"legacyResourceId":         get(func(o *order) any { return legacy(o.id) }),
		"name":                     get(func(o *order) any { return o.name() }),
		"note":                     get(func(o *order) any { return nullIfEmpty(o.note) }),
		"test":                     get(func(o *order) any { return false }),
		"sourceName":               get(func(o *order) any { return nullIfEmpty(o.sourceName) }),
		"createdAt":                get(func(o *order) any { return fmtTime(o.createdAt) }),
		"processedAt":              get(func(o *order) any { return fmtTime(o.processedAt) }),
		"updatedAt":                get(func(o *order) any { return fmtTime(o.updatedAt) }),
		"cancelledAt":              get(func(o *order) any { return fmtTimePtr(o.cancelledAt) }),
		"cancelReason":             get(func(o *order) any { return nullIfEmpty(o.cancelReason) }),
		"closed":                   get(func(o *order) any { return o.closedAt != nil }),
		"closedAt":                 get(func(o *order) any { return fmtTimePtr(o.closedAt) }),
		"displayFinancialStatus":   get(func(o *order) any { return o.financialStatus() }),
		"displayFulfillmentStatus": get(func(o *order) any { return o.fulfillmentStatus() }),
		"returnStatus":             get(func(o *order) any { return "NO_RETURN" }),
		"currencyCode":             func(ec *execCtx, _ any, _ map[string]any) (any, error) { return ec.s.st.currency, nil },
		"presentmentCurrencyCode":  func(ec *execCtx, _ any, _ map[string]any) (any, error) { return ec.s.st.currency, nil },
		"taxesIncluded":            get(func(o *order) any { return o.taxesIncluded }),
		"email":                    get(func(o *order) any { return nullIfEmpty(o.email) }),
		"phone":                    get(func(o *order) any { return nullIfEmpty(o.phone) }),
		"customer": get(func(o *order) any {
			if o.customer == nil {
				return nil
			}
			return o.customer
		}),
		"billingAddress": get(func(o *order) any {
			if o.billing == nil {
				return nil
			}
			return o.billing
		}),
		"shippingAddress": get(func(o *order) any {
			if o.shippingAddr == nil {
				return nil
			}
			return o.shippingAddr
		}),
		"discountCode": get(func(o *order) any { return nullIfEmpty(o.discountCode) }),
		"discountCodes": get(func(o *order) any {
			if o.discountCode == "" {
				return []string{}
			}
			return []string{o.discountCode}
		}),
		"subtotalLineItemsQuantity": get(func(o *order) any {
			n := 0
			for _, l := range o.lines {
				n += l.effQty()
			}
			return n
		}),
		"currentSubtotalLineItemsQuantity": get(func(o *order) any {
			n := 0
			for _, l := range o.lines {
				n += l.currentQty()
			}
			return n
		}),
		"subtotalPriceSet":         money(func(o *order) decimal.Decimal { return o.subtotal }),
		"currentSubtotalPriceSet":  money(func(o *order) decimal.Decimal { return o.current().subtotal }),
		"cartDiscountAmountSet":    money(func(o *order) decimal.Decimal { return o.totalDiscounts }),
		"totalDiscountsSet":        money(func(o *order) decimal.Decimal { return o.totalDiscounts }),
		"currentTotalDiscountsSet": money(func(o *order) decimal.Decimal { return o.current().discounts }),
		"totalShippingPriceSet":    money(func(o *order) decimal.Decimal { return o.shippingTotal }),
		"currentShippingPriceSet":  money(func(o *order) decimal.Decimal { return o.current().shipping }),
		"totalTaxSet":              money(func(o *order) decimal.Decimal { return o.totalTax }),
		"currentTotalTaxSet":       money(func(o *order) decimal.Decimal { return o.current().tax }),
		"totalPriceSet":            money(func(o *order) decimal.Decimal { return o.totalPrice }),
		"originalTotalPriceSet":    money(func(o *order) decimal.Decimal { return o.originalTotal }),
		"currentTotalPriceSet":     money(func(o *order) decimal.Decimal { return o.current().total }),
		"totalRefundedSet":         money(func(o *order) decimal.Decimal { return o.current().refunded }),
		"totalRefundedShippingSet": money(func(o *order) decimal.Decimal { return o.current().refundedShipping }),
		"totalReceivedSet":         money(func(o *order) decimal.Decimal { return o.received() }),
		"totalOutstandingSet":      money(func(o *order) decimal.Decimal { return o.outstanding() }),
		"netPaymentSet":            money(func(o *order) decimal.Decimal { return o.received().Sub(o.current().refunded) }),
		"taxLines": func(ec *execCtx, p any, _ map[string]any) (any, error) {
			o := p.(*order)
			if o.taxRate.IsZero() {
				return []record{}, nil
			}
			return []record{ec.taxLine(o.totalTax, o.taxRate, o.taxTitle)}, nil
		},
		"currentTaxLines": func(ec *execCtx, p any, _ map[string]any) (any, error) {
			o := p.(*order)
			if o.taxRate.IsZero() {
				return []record{}, nil
			}
			return []record{ec.taxLine(o.current().tax, o.taxRate, o.taxTitle)}, nil
		},
		"lineItems": func(ec *execCtx, p any, args map[string]any) (any, error) {
			o := p.(*order)
			items := make([]item, 0, len(o.lines))
			for i, l := range o.lines {
				items = append(items, item{sortKey{id: l.id, num: int64(i)}, l})
			}
			return paginate(items, args, boolArg(args, "reverse"))
		},
		"shippingLines": func(ec *execCtx, p any, args map[string]any) (any, error) {
			o := p.(*order)
			items := make([]item, 0, len(o.shipping))
			for i, s := range o.shipping {
				items = append(items, item{sortKey{id: s.id, num: int64(i)}, ec.shippingRecord(o, s)})
			}
			return paginate(items, args, boolArg(args, "reverse"))
		},
		"refunds": func(_ *execCtx, p any, args map[string]any) (any, error) {
			o := p.(*order)
			return o.refunds[:limitArg(args, len(o.refunds))], nil
		},
		// The order's sales agreements: the order itself, then each refund (order edits and
		// returns are not modelled as agreements). An agreement's number is its order's or
		// refund's own, their ranges being apart.
		"agreements": func(_ *execCtx, p any, args map[string]any) (any, error) {
			o := p.(*order)
			items := []item{{sortKey{id: o.id}, record{"__typename": "OrderAgreement", "id": GID(KindSalesAgreement, o.id),
				"happenedAt": fmtTime(o.createdAt), "reason": "ORDER", "order": o}}}
			for i, r := range o.refunds {
				items = append(items, item{sortKey{id: r.id, num: int64(i + 1)}, record{"__typename": "RefundAgreement", "id": GID(KindSalesAgreement, r.id),
					"happenedAt": fmtTime(r.createdAt), "reason": "REFUND", "refund": r}})
			}
			return paginate(items, args, boolArg(args, "reverse"))
		},
		"transactions": func(_ *execCtx, p any, args map[string]any) (any, error) {
			ts := p.(*order).transactions
			if n, ok := intArg(args, "first"); ok && n >= 0 && n < len(ts) {
				ts = ts[:n]
			}
			return ts, nil
		},
		"paymentGatewayNames": get(func(o *order) any { return []any{o.gateway} }),
	}
}

func (ec *execCtx) shippingRecord(o *order, s *shippingLine) record {
	var taxLines []record
	if !o.taxRate.IsZero() {
		taxLines = []record{ec.taxLine(s.tax, o.taxRate, o.taxTitle)}
	}
	return record{
		"__typename":                "ShippingLine",
		"id":                        GID(KindShippingLine, s.id),
		"title":                     s.title,
		"code":                      s.code,
		"source":                    "shopify",
		"carrierIdentifier":         nil,
		"isRemoved":                 false,
		"originalPriceSet":          ec.money(s.price),
		"discountedPriceSet":        ec.money(s.price),
		"currentDiscountedPriceSet": ec.money(s.price.Sub(s.refunded)),
		"taxLines":                  taxLines,
		"discountAllocations":       []record{},
	}
}

func lineItemResolvers() map[string]resolver {
	get := func(f func(l *lineItem) any) resolver {
		return func(_ *execCtx, p any, _ map[string]any) (any, error) { return f(p.(*lineItem)), nil }
	}
	money := func(f func(l *lineItem) decimal.Decimal) resolver {
		return func(ec *execCtx, p any, _ map[string]any) (any, error) { return ec.money(f(p.(*lineItem))), nil }
	}
	return map[string]resolver{
		"id":                     get(func(l *lineItem) any { return GID(KindLineItem, l.id) }),
		"name":                   get(func(l *lineItem) any { return l.name() }),
		"title":                  get(func(l *lineItem) any { return l.title }),
		"variantTitle":           get(func(l *lineItem) any { return nullIfEmpty(l.variantTitle) }),
		"vendor":                 get(func(l *lineItem) any { return nullIfEmpty(l.vendor) }),
		"sku":                    get(func(l *lineItem) any { return l.sku }),
		"quantity":               get(func(l *lineItem) any { return l.quantity }),
		"currentQuantity":        get(func(l *lineItem) any { return l.currentQty() }),
		"refundableQuantity":     get(func(l *lineItem) any { return l.currentQty() }),
		"unfulfilledQuantity":    get(func(l *lineItem) any { return l.unfulfilledLeft() }),
		"nonFulfillableQuantity": get(func(l *lineItem) any { return l.refundedQty + l.removed }),
		"taxable":                get(func(l *lineItem) any { return l.taxable }),
		"requiresShipping":       get(func(l *lineItem) any { return true }),
		"isGiftCard":             get(func(l *lineItem) any { return false }),
		"variant": func(ec *execCtx, p any, _ map[string]any) (any, error) {
			l := p.(*lineItem)
			if l.variant == nil || ec.s.st.variantByID[l.variant.id] == nil {
				return nil, nil
			}
			return l.variant, nil
		},
		"product": func(ec *execCtx, p any, _ map[string]any) (any, error) {
			l := p.(*lineItem)
			if l.product == nil || ec.s.st.productByID[l.product.id] == nil {
				return nil, nil
			}
			return l.product, nil
		},
		"originalUnitPriceSet":   money(func(l *lineItem) decimal.Decimal { return l.unitPrice }),
		"originalTotalSet":       money(func(l *lineItem) decimal.Decimal { return l.original }),
		"discountedUnitPriceSet": money(func(l *lineItem) decimal.Decimal { return l.unitPrice }),
		"discountedUnitPriceAfterAllDiscountsSet": money(func(l *lineItem) decimal.Decimal {
			if l.effQty() == 0 {
				return l.unitPrice
			}
			return round2(l.net.Div(decimal.NewFromInt(int64(l.effQty()))))
		}),
		"discountedTotalSet": func(ec *execCtx, p any, args map[string]any) (any, error) {
			l := p.(*lineItem)
			if boolArg(args, "withCodeDiscounts") {
				return ec.money(l.net), nil
			}
			return ec.money(l.original), nil
		},
		"totalDiscountSet": money(func(l *lineItem) decimal.Decimal { return l.discount }),
		"taxLines": func(ec *execCtx, p any, _ map[string]any) (any, error) {
			l := p.(*lineItem)
			o := l.ord
			if o == nil || o.taxRate.IsZero() || !l.taxable {
				return []record{}, nil
			}
			return []record{ec.taxLine(l.tax, o.taxRate, o.taxTitle)}, nil
		},
		"discountAllocations": func(ec *execCtx, p any, _ map[string]any) (any, error) {
			l := p.(*lineItem)
			if l.discount.IsZero() {
				return []record{}, nil
			}
			return []record{{"allocatedAmountSet": ec.money(l.discount)}}, nil
		},
	}
}

func refundResolvers() map[string]resolver {
	get := func(f func(r *refund) any) resolver {
		return func(_ *execCtx, p any, _ map[string]any) (any, error) { return f(p.(*refund)), nil }
	}
	return map[string]resolver{
		"id":               get(func(r *refund) any { return GID(KindRefund, r.id) }),
		"legacyResourceId": get(func(r *refund) any { return legacy(r.id) }),
		"createdAt":        get(func(r *refund) any { return fmtTime(r.createdAt) }),
		"updatedAt":        get(func(r *refund) any { return fmtTime(r.createdAt) }),
		"note":             get(func(r *refund) any { return nullIfEmpty(r.note) }),
		"order":            get(func(r *refund) any { return r.order }),
		"totalRefundedSet": func(ec *execCtx, p any, _ map[string]any) (any, error) {
			return ec.money(p.(*refund).amount), nil
		},
		"refundLineItems": func(ec *execCtx, p any, args map[string]any) (any, error) {
			r := p.(*refund)
			var items []item
			for i, rl := range r.lines {
				rec := record{
					"__typename":  "RefundLineItem",
					"id":          GID(KindRefundLineItem, rl.id),
					"quantity":    rl.qty,
					"restockType": rl.restockType,
					"restocked":   rl.restocked,
					"location":    nil,
					"lineItem":    rl.line,
					"priceSet":    ec.money(rl.price),
					"subtotalSet": ec.money(rl.subtotal),
					"totalTaxSet": ec.money(rl.tax),
				}
				if rl.location != nil {
					rec["location"] = rl.location
				}
				items = append(items, item{sortKey{id: rl.id, num: int64(i)}, rec})
			}
			return paginate(items, args, boolArg(args, "reverse"))
		},
		"refundShippingLines": func(ec *execCtx, p any, args map[string]any) (any, error) {
			r := p.(*refund)
			var items []item
			for i, rs := range r.shipping {
				items = append(items, item{sortKey{id: rs.id, num: int64(i)}, rs})
			}
			return paginate(items, args, boolArg(args, "reverse"))
		},
		"transactions": func(ec *execCtx, p any, args map[string]any) (any, error) {
			r := p.(*refund)
			var items []item
			for i, t := range r.transactions {
				items = append(items, item{sortKey{id: t.id, num: int64(i)}, t})
			}
			return paginate(items, args, boolArg(args, "reverse"))
		},
	}
}

func refundShippingResolvers() map[string]resolver {
	return map[string]resolver{
		"id": func(_ *execCtx, p any, _ map[string]any) (any, error) {
			return GID(KindRefundShipping, p.(*refundShipping).id), nil
		},
		"shippingLine": func(ec *execCtx, p any, _ map[string]any) (any, error) {
			rs := p.(*refundShipping)
			for _, o := range ec.s.st.orders {
				for _, s := range o.shipping {
					if s == rs.line {
						return ec.shippingRecord(o, s), nil
					}
				}
			}
			return nil, nil
		},
		"subtotalAmountSet": func(ec *execCtx, p any, _ map[string]any) (any, error) {
			return ec.money(p.(*refundShipping).amount), nil
		},
		"taxAmountSet": func(ec *execCtx, p any, _ map[string]any) (any, error) {
			return ec.money(p.(*refundShipping).tax), nil
		},
	}
}

// formattedGateway is the name Shopify shows for a gateway: its own for the ones it knows, the
// gateway's name itself (a manual method's, such as "Cash on Delivery (COD)") otherwise.
func formattedGateway(g string) string {
	switch g {
	case "shopify_payments":
		return "Shopify Payments"
	case "manual":
		return "Manual"
	case "bogus":
		return "Bogus"
	}
	return g
}

func transactionResolvers() map[string]resolver {
	get := func(f func(t *transaction) any) resolver {
		return func(_ *execCtx, p any, _ map[string]any) (any, error) { return f(p.(*transaction)), nil }
	}
	return map[string]resolver{
		"id":               get(func(t *transaction) any { return GID(KindTransaction, t.id) }),
		"kind":             get(func(t *transaction) any { return t.kind }),
		"status":           get(func(t *transaction) any { return t.status }),
		"gateway":          get(func(t *transaction) any { return nullIfEmpty(t.gateway) }),
		"formattedGateway": get(func(t *transaction) any { return nullIfEmpty(formattedGateway(t.gateway)) }),
		"createdAt":        get(func(t *transaction) any { return fmtTime(t.createdAt) }),
		"processedAt":      get(func(t *transaction) any { return fmtTime(t.createdAt) }),
		"amountSet": func(ec *execCtx, p any, _ map[string]any) (any, error) {
			return ec.money(p.(*transaction).amount), nil
		},
	}
}
