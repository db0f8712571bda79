package shopifytest

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Resource kinds used in global IDs (gid://shopify/{Kind}/{id}).
const (
	KindProduct         = "Product"
	KindProductVariant  = "ProductVariant"
	KindInventoryItem   = "InventoryItem"
	KindInventoryLevel  = "InventoryLevel"
	KindLocation        = "Location"
	KindCustomer        = "Customer"
	KindOrder           = "Order"
	KindLineItem        = "LineItem"
	KindShippingLine    = "ShippingLine"
	KindRefund          = "Refund"
	KindSalesAgreement  = "SalesAgreement"
	KindRefundLineItem  = "RefundLineItem"
	KindRefundShipping  = "RefundShippingLine"
	KindTransaction     = "OrderTransaction"
	KindMailingAddress  = "MailingAddress"
	KindProductOption   = "ProductOption"
	KindAdjustmentGroup = "InventoryAdjustmentGroup"
	KindShop            = "Shop"
)

// GID formats a Shopify global ID.
func GID(kind string, id int64) string {
	return "gid://shopify/" + kind + "/" + strconv.FormatInt(id, 10)
}

// ParseGID splits a global ID into its kind and numeric id. Query strings
// after the id (as on InventoryLevel ids) are ignored.
func ParseGID(gid string) (kind string, id int64, ok bool) {
	rest, found := strings.CutPrefix(gid, "gid://shopify/")
	if !found {
		return "", 0, false
	}
	kind, num, found := strings.Cut(rest, "/")
	if !found {
		return "", 0, false
	}
	num, _, _ = strings.Cut(num, "?")
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 {
		return "", 0, false
	}
	return kind, n, true
}

// idBase gives each resource kind its own realistic-looking id range.
var idBase = map[string]int64{
	KindProduct:         8_100_000_000_000,
	KindProductVariant:  4_500_000_000_000,
	KindInventoryItem:   4_700_000_000_000,
	KindInventoryLevel:  1_100_000_000_000,
	KindLocation:        70_000_000_000,
	KindCustomer:        7_300_000_000_000,
	KindOrder:           5_900_000_000_000,
	KindLineItem:        13_600_000_000_000,
	KindShippingLine:    4_900_000_000_000,
	KindRefund:          930_000_000_000,
	KindRefundLineItem:  560_000_000_000,
	KindRefundShipping:  610_000_000_000,
	KindTransaction:     7_200_000_000_000,
	KindMailingAddress:  9_400_000_000_000,
	KindProductOption:   10_200_000_000_000,
	KindAdjustmentGroup: 3_300_000_000_000,
}

type location struct {
	id        int64
	name      string
	active    bool
	primary   bool
	createdAt time.Time
}

type option struct {
	id     int64
	name   string
	values []string
}

type product struct {
	id          int64
	title       string
	handle      string
	description string
	vendor      string
	productType string
	status      string
	tags        []string
	options     []*option
	variants    []*variant
	createdAt   time.Time
	updatedAt   time.Time
}

type variant struct {
	id             int64
	product        *product
	optionValues   []string
	sku            string
	barcode        string
	price          decimal.Decimal
	compareAtPrice *decimal.Decimal
	taxable        bool
	policy         string
	position       int
	createdAt      time.Time
	updatedAt      time.Time
	item           *inventoryItem
}

type inventoryItem struct {
	id               int64
	variant          *variant
	cost             *decimal.Decimal
	tracked          bool
	requiresShipping bool
	createdAt        time.Time
	updatedAt        time.Time
	levels           []*inventoryLevel
}

type inventoryLevel struct {
	id        int64
	item      *inventoryItem
	loc       *location
	available int
	committed int
	createdAt time.Time
	updatedAt time.Time
}

func (l *inventoryLevel) onHand() int { return l.available + l.committed }

func (l *inventoryLevel) quantity(name string) (int, bool) {
	switch name {
	case "available":
		return l.available, true
	case "committed":
		return l.committed, true
	case "on_hand":
		return l.onHand(), true
	case "incoming", "reserved", "damaged", "safety_stock", "quality_control":
		return 0, true
	}
	return 0, false
}

type customer struct {
	id        int64
	firstName string
	lastName  string
	email     string
	phone     string
	note      string
	tags      []string
	city      string
	country   string
	addressID int64
	createdAt time.Time
	updatedAt time.Time
}

func (c *customer) displayName() string {
	n := strings.TrimSpace(c.firstName + " " + c.lastName)
	switch {
	case n != "":
		return n
	case c.email != "":
		return c.email
	default:
		return c.phone
	}
}

// title returns the variant title: its option values joined by " / ", or
// "Default Title" for a product without options.
func (v *variant) title() string {
	if len(v.optionValues) == 0 {
		return "Default Title"
	}
	return strings.Join(v.optionValues, " / ")
}

func (v *variant) available() int {
	n := 0
	for _, l := range v.item.levels {
		n += l.available
	}
	return n
}

func (v *variant) level(locID int64) *inventoryLevel {
	for _, l := range v.item.levels {
		if l.loc.id == locID {
			return l
		}
	}
	return nil
}

func (p *product) totalInventory() int {
	n := 0
	for _, v := range p.variants {
		n += v.available()
	}
	return n
}

// store holds all mutable state; every access happens under Server.mu.
type store struct {
	shopName    string
	domain      string
	currency    string
	timezone    string
	email       string
	nextID      map[string]int64
	nextOrderNo int

	locations []*location
	products  []*product
	customers []*customer
	orders    []*order

	productByID  map[int64]*product
	variantByID  map[int64]*variant
	itemByID     map[int64]*inventoryItem
	locationByID map[int64]*location
	customerByID map[int64]*customer
	orderByID    map[int64]*order
	groups       map[int64]*adjustmentGroup
	idempotent   map[string]record // payloads of keyed adjustments, by key
}

func newStore() *store {
	return &store{
		nextID:       map[string]int64{},
		nextOrderNo:  1001,
		productByID:  map[int64]*product{},
		variantByID:  map[int64]*variant{},
		itemByID:     map[int64]*inventoryItem{},
		locationByID: map[int64]*location{},
		customerByID: map[int64]*customer{},
		orderByID:    map[int64]*order{},
		groups:       map[int64]*adjustmentGroup{},
	}
}

func (st *store) newID(kind string) int64 {
	st.nextID[kind]++
	return idBase[kind] + st.nextID[kind]*7 // sparse, increasing
}

func (st *store) primary() *location {
	for _, l := range st.locations {
		if l.primary {
			return l
		}
	}
	return nil
}

func (st *store) addLocation(name string, primary bool, now time.Time) *location {
	l := &location{id: st.newID(KindLocation), name: name, active: true, primary: primary, createdAt: now}
	st.locations = append(st.locations, l)
	st.locationByID[l.id] = l
	return l
}

// ensureLevel returns the inventory level of item at loc, activating it when missing.
func (st *store) ensureLevel(it *inventoryItem, loc *location, now time.Time) *inventoryLevel {
	for _, l := range it.levels {
		if l.loc == loc {
			return l
		}
	}
	l := &inventoryLevel{id: st.newID(KindInventoryLevel), item: it, loc: loc, createdAt: now, updatedAt: now}
	it.levels = append(it.levels, l)
	return l
}

// touchVariant bumps the updatedAt of a variant and its product.
func touchVariant(v *variant, now time.Time) {
	v.updatedAt = now
	v.item.updatedAt = now
	v.product.updatedAt = now
}

func handleize(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		isWord := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 0x7f && r != '—' && r != '–'
		if isWord {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.Trim(b.String(), "-")
}

func (st *store) uniqueHandle(h string, self *product) string {
	if h == "" {
		h = "product"
	}
	cand := h
	for i := 1; ; i++ {
		clash := false
		for _, p := range st.products {
			if p != self && p.handle == cand {
				clash = true
				break
			}
		}
		if !clash {
			return cand
		}
		cand = fmt.Sprintf("%s-%d", h, i)
	}
}

func (st *store) newProduct(title, handle, ptype, vendor, status string, tags []string, optionNames []string, now time.Time) *product {
	if status == "" {
		status = "ACTIVE"
	}
	if vendor == "" {
		vendor = st.shopName
	}
	p := &product{
		id: st.newID(KindProduct), title: title, productType: ptype, vendor: vendor,
		status: status, tags: append([]string(nil), tags...), createdAt: now, updatedAt: now,
	}
	if handle == "" {
		handle = handleize(title)
	}
	p.handle = st.uniqueHandle(handle, p)
	for _, n := range optionNames {
		p.options = append(p.options, &option{id: st.newID(KindProductOption), name: n})
	}
	st.products = append(st.products, p)
	st.productByID[p.id] = p
	return p
}

func (st *store) newVariant(p *product, optionValues []string, price decimal.Decimal, now time.Time) *variant {
	v := &variant{
		id: st.newID(KindProductVariant), product: p, optionValues: append([]string(nil), optionValues...),
		price: price.Round(2), taxable: true, policy: "DENY", position: len(p.variants) + 1,
		createdAt: now, updatedAt: now,
	}
	v.item = &inventoryItem{id: st.newID(KindInventoryItem), variant: v, tracked: true, requiresShipping: true, createdAt: now, updatedAt: now}
	for i, val := range optionValues {
		if i < len(p.options) && !contains(p.options[i].values, val) {
			p.options[i].values = append(p.options[i].values, val)
		}
	}
	p.variants = append(p.variants, v)
	st.variantByID[v.id] = v
	st.itemByID[v.item.id] = v.item
	if loc := st.primary(); loc != nil {
		st.ensureLevel(v.item, loc, now)
	}
	p.updatedAt = now
	return v
}

func (st *store) removeVariant(v *variant) {
	p := v.product
	out := p.variants[:0]
	for _, x := range p.variants {
		if x != v {
			out = append(out, x)
		}
	}
	p.variants = out
	for i, x := range p.variants {
		x.position = i + 1
	}
	delete(st.variantByID, v.id)
	delete(st.itemByID, v.item.id)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortedByID[T any](items []T, id func(T) int64) []T {
	out := append([]T(nil), items...)
	sort.SliceStable(out, func(i, j int) bool { return id(out[i]) < id(out[j]) })
	return out
}
