package shopify

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/contract"
	"mizan/platforms/shopify/shopifytest"
)

// TestContract runs the suite every platform passes against the Shopify test store over real
// HTTP, with the engine on real SQLite books.
func TestContract(t *testing.T) {
	contract.Run(t, func(t *testing.T) contract.Harness { return newHarness(t) })
}

// harness drives a shopifytest store for the contract suite.
type harness struct {
	t     *testing.T
	srv   *shopifytest.Server
	hs    *httptest.Server
	clock *shopifytest.FakeClock
	loc   int64

	mu        sync.Mutex
	requests  int
	customers map[string]int64 // by name and contact
}

const contractToken = "shpat_contract_0f1e2d3c4b5a"

func newHarness(t *testing.T) *harness {
	clock := shopifytest.NewFakeClock(t0)
	// The store's clock only moves when a test says so, so its cost bucket would never refill:
	// the rate limit is off here (costs are still reported) and throttling is injected as a fault.
	srv := shopifytest.NewServer(shopifytest.Options{Now: clock.Now, AccessTokens: []string{contractToken},
		DisableRateLimit: true, Schema: optionalSchema()})
	h := &harness{t: t, srv: srv, clock: clock, loc: srv.PrimaryLocation().ID, customers: map[string]int64{}}
	h.hs = httptest.NewServer(counting(&h.mu, &h.requests, srv))
	t.Cleanup(h.hs.Close)
	t.Cleanup(func() {
		if n := srv.PendingFaults(); n > 0 {
			t.Errorf("%d injected faults never fired", n)
		}
	})
	return h
}

// Platform is Shopify's, with the store's clock moved on by the time a client waits (a bulk
// operation runs on that clock: polling it must let it go on).
func (h *harness) Platform() core.Platform {
	p := Platform()
	p.Open = func(cfg core.StoreConfig) (core.Store, error) {
		return New(cfg, Options{Sleep: func(ctx context.Context, d time.Duration) error {
			h.clock.Advance(d)
			return ctx.Err()
		}})
	}
	return p
}

func (h *harness) Config() contract.Config {
	// A sync that finds nothing new reads the shop, then asks for products, stock levels and
	// orders changed since the last sync: one request each, as each answer fits one page.
	cfg := contract.Config{StoreURL: h.hs.URL, Credentials: map[string]string{CredAccessToken: contractToken}, IdleRequests: 4}
	// MIZAN_SHOPIFY_BULK_THRESHOLD runs the suite with another bulk threshold ("off": every read
	// by pages), as a connection may be set; the default reads the first import in bulk.
	if v := os.Getenv("MIZAN_SHOPIFY_BULK_THRESHOLD"); v != "" {
		cfg.Options = map[string]string{OptBulkThreshold: v}
	}
	return cfg
}

func (h *harness) Now() time.Time          { return h.clock.Now() }
func (h *harness) Advance(d time.Duration) { h.clock.Advance(d) }

func (h *harness) Requests() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.requests
}

func (h *harness) AddProduct(p contract.Product) []string {
	in := shopifytest.ProductInput{Title: p.Title, ProductType: p.Category}
	if len(p.Variants) > 1 {
		in.Options = []string{"Size"}
	}
	for _, v := range p.Variants {
		cost := v.Cost
		vi := shopifytest.VariantInput{SKU: v.SKU, Barcode: v.Barcode, Price: v.Price, Cost: &cost, Quantity: v.Quantity}
		if len(p.Variants) > 1 {
			vi.OptionValues = []string{v.Title}
		}
		in.Variants = append(in.Variants, vi)
	}
	info, err := h.srv.AddProduct(in)
	if err != nil {
		h.t.Fatalf("add product: %v", err)
	}
	var ids []string
	for _, v := range info.Variants {
		ids = append(ids, v.GID)
	}
	return ids
}

func gidNumber(t *testing.T, gid string) int64 {
	n, err := strconv.ParseInt(gid[strings.LastIndex(gid, "/")+1:], 10, 64)
	if err != nil {
		t.Fatalf("not a GID: %q", gid)
	}
	return n
}

func (h *harness) variantInfo(id string) shopifytest.VariantInfo {
	v, ok := h.srv.Variant(gidNumber(h.t, id))
	if !ok {
		h.t.Fatalf("no variant %s", id)
	}
	return v
}

func (h *harness) Rename(variantID, title string) {
	if err := h.srv.UpdateProduct(h.variantInfo(variantID).ProductID, shopifytest.ProductUpdate{Title: &title}); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) SetPrice(variantID string, price decimal.Decimal) {
	if err := h.srv.UpdateVariant(gidNumber(h.t, variantID), shopifytest.VariantUpdate{Price: &price}); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) SetQuantity(variantID string, qty int) {
	if err := h.srv.SetQuantity(gidNumber(h.t, variantID), h.loc, qty); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) variant(v shopifytest.VariantInfo) contract.Variant {
	p, _ := h.srv.Product(v.ProductID)
	name := p.Title
	if len(p.Variants) > 1 {
		name += " - " + v.Title
	}
	out := contract.Variant{Title: v.Title, SKU: v.SKU, Barcode: v.Barcode, Price: v.Price, Name: name, Untracked: !v.Tracked}
	if v.Cost != nil {
		out.Cost = *v.Cost
	}
	for _, l := range v.Levels {
		if l.LocationID == h.loc {
			out.Quantity = l.Available
		}
	}
	return out
}

func (h *harness) Variant(id string) (contract.Variant, bool) {
	v, ok := h.srv.Variant(gidNumber(h.t, id))
	if !ok {
		return contract.Variant{}, false
	}
	return h.variant(v), true
}

func (h *harness) VariantBySKU(sku string) (contract.Variant, bool) {
	v, ok := h.srv.VariantBySKU(sku)
	if !ok {
		return contract.Variant{}, false
	}
	return h.variant(v), true
}

func (h *harness) customer(c *contract.Customer) int64 {
	if c == nil {
		return 0
	}
	key := c.Name + "|" + c.Email + "|" + c.Phone
	h.mu.Lock()
	id, ok := h.customers[key]
	h.mu.Unlock()
	if ok {
		return id
	}
	first, last, _ := strings.Cut(c.Name, " ")
	info := h.srv.AddCustomer(shopifytest.CustomerInput{FirstName: first, LastName: last, Email: c.Email, Phone: c.Phone})
	h.mu.Lock()
	h.customers[key] = info.ID
	h.mu.Unlock()
	return info.ID
}

func (h *harness) PlaceOrder(o contract.Order) string {
	in := shopifytest.OrderInput{CustomerID: h.customer(o.Customer), TaxesExcluded: o.TaxExclusive}
	for _, l := range o.Lines {
		in.Lines = append(in.Lines, shopifytest.OrderLine{VariantID: gidNumber(h.t, l.VariantID), Quantity: l.Quantity})
	}
	if o.Discount.IsPositive() {
		in.DiscountCode, in.DiscountAmount = "SAVE", o.Discount
	}
	if o.Shipping.IsPositive() {
		in.Shipping = &shopifytest.ShippingInput{Title: "Standard", Price: o.Shipping}
	}
	info, err := h.srv.PlaceOrder(in)
	if err != nil {
		h.t.Fatalf("place order: %v", err)
	}
	return info.Name
}

func (h *harness) order(name string) shopifytest.OrderInfo {
	o, ok := h.srv.OrderByName(name)
	if !ok {
		h.t.Fatalf("no order %s", name)
	}
	return o
}

func (h *harness) Refund(orderName string, r contract.Refund) {
	o := h.order(orderName)
	in := shopifytest.RefundInput{FullShipping: r.Shipping, Amount: r.Amount}
	for _, l := range r.Lines {
		rl := shopifytest.RefundLine{LineItemID: o.Lines[l.Line].ID, Quantity: l.Quantity}
		if !l.Restock {
			rl.RestockType = "NO_RESTOCK"
		}
		in.Lines = append(in.Lines, rl)
	}
	if _, err := h.srv.RefundOrder(o.ID, in); err != nil {
		h.t.Fatalf("refund %s: %v", orderName, err)
	}
}

func (h *harness) Cancel(orderName string) {
	if _, err := h.srv.CancelOrder(h.order(orderName).ID, shopifytest.CancelInput{}); err != nil {
		h.t.Fatalf("cancel %s: %v", orderName, err)
	}
}

func (h *harness) Orders() []contract.OrderTotals {
	invoiced := map[string]bool{}
	for _, s := range DefaultStates {
		invoiced[s] = true
	}
	var out []contract.OrderTotals
	for _, o := range h.srv.Snapshot().Orders {
		ot := contract.OrderTotals{Name: o.Name, Total: o.Money.TotalPrice, Cancelled: o.CancelledAt != nil,
			Guest: o.CustomerID == 0, Paid: invoiced[strings.ToLower(o.FinancialStatus)]}
		for _, r := range o.Refunds {
			ot.RefundTotals = append(ot.RefundTotals, r.Amount)
		}
		for _, s := range o.Shipping {
			ot.Shipping = ot.Shipping.Add(s.Price)
			if !o.TaxesIncluded {
				ot.Shipping = ot.Shipping.Add(s.Tax)
			}
		}
		ot.Lines = map[string]int{}
		for _, l := range o.Lines {
			ot.Lines[l.SKU] += l.CurrentQuantity
		}
		out = append(out, ot)
	}
	return out
}

func (h *harness) Seed(products, orders int, seed int64) {
	if _, err := h.srv.Seed(shopifytest.SeedOptions{Products: products, Orders: orders, Seed: seed}); err != nil {
		h.t.Fatalf("seed: %v", err)
	}
}

func (h *harness) Fault(kind contract.Fault) {
	var f []shopifytest.Fault
	switch kind {
	case contract.FaultThrottle:
		f = []shopifytest.Fault{{Kind: shopifytest.FaultThrottled, Match: "products"}, {Kind: shopifytest.FaultThrottled, Match: "orders", Times: 2}}
	case contract.Fault429:
		f = []shopifytest.Fault{{Kind: shopifytest.FaultHTTP429, Match: "orders", RetryAfter: 1}}
	case contract.Fault500:
		f = []shopifytest.Fault{{Kind: shopifytest.FaultHTTP500, Match: "orders"}, {Kind: shopifytest.FaultHTTP502, Match: "products"}, {Kind: shopifytest.FaultHTTP503, Match: "location"}}
	case contract.FaultSlow:
		f = []shopifytest.Fault{{Kind: shopifytest.FaultSlow, Match: "orders", Delay: 1500 * time.Millisecond}}
	case contract.FaultTruncated:
		f = []shopifytest.Fault{{Kind: shopifytest.FaultTruncated, Match: "orders"}, {Kind: shopifytest.FaultTruncated, Match: "products"}}
	case contract.FaultChangesMidPaging:
		// The first import reads orders by two bulk operations, each counting as one page (the
		// order changes while it reads): the refunds' read, then the orders' own.
		f = []shopifytest.Fault{{Kind: shopifytest.FaultOrderChangesBetweenPages, AfterPage: 1}, {Kind: shopifytest.FaultOrderChangesBetweenPages, AfterPage: 2}}
	case contract.FaultErrorIn200:
		f = []shopifytest.Fault{{Kind: shopifytest.FaultInternalError, Match: "products"}, {Kind: shopifytest.FaultDataNull, Match: "orders"}, {Kind: shopifytest.FaultNotJSON, Match: "orders"}}
	case contract.FaultProductsDown:
		f = []shopifytest.Fault{{Kind: shopifytest.FaultQueryError, Match: "products", Times: -1}}
	case contract.FaultNone:
		h.srv.ClearFaults()
	default:
		h.t.Fatalf("unknown fault %q", kind)
	}
	h.srv.InjectFaults(f...)
}

// counting counts the requests h serves.
func counting(mu *sync.Mutex, n *int, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		*n++
		mu.Unlock()
		h.ServeHTTP(w, r)
	})
}
