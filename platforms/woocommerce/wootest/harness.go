package wootest

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/contract"
	"mizan/platforms/storetest"
	"mizan/platforms/woocommerce"
)

// Harness drives a wootest store for the shared contract suite.
type Harness struct {
	S  *Server
	HS *httptest.Server
}

var _ contract.Harness = (*Harness)(nil)

// NewHarness starts a store for one test and stops it when the test ends.
// The store exposes the Cost of Goods Sold fields, as current WooCommerce does once the feature
// is on, so purchase prices arrive from it.
func NewHarness(t testing.TB) contract.Harness { return NewHarnessWith(t, Options{COGS: true}) }

// NewHarnessWith starts a store with options.
func NewHarnessWith(t testing.TB, o Options) *Harness {
	s := NewServer(o)
	hs := s.Start()
	t.Cleanup(hs.Close)
	return &Harness{S: s, HS: hs}
}

func (h *Harness) Platform() core.Platform { return woocommerce.Platform() }

func (h *Harness) Config() contract.Config {
	return contract.Config{StoreURL: h.HS.URL,
		Credentials: map[string]string{woocommerce.CredConsumerKey: h.S.Key(), woocommerce.CredConsumerSecret: h.S.Secret()},
		HTTPClient:  h.HS.Client(), IdleRequests: h.idleRequests()}
}

// idleRequests is the fewest requests a sync that finds nothing new can make: the store's
// status and name, products modified since the last sync, orders modified since, and the stock of every
// tracked product (WooCommerce changes stock without touching a product's modification date):
// a page of 100 products at a time and one request for each variable product's variations.
func (h *Harness) idleRequests() int {
	parents, variable := 0, map[int64]bool{}
	for _, p := range h.S.Products() {
		switch p.Type {
		case "variation":
			if p.Managed { // variations that share the parent's stock are read with it
				variable[p.ParentID] = true
			}
		default:
			parents++
		}
	}
	return 4 + (parents+99)/100 + len(variable)
}

func (h *Harness) Now() time.Time          { return h.S.clock.Now() }
func (h *Harness) Advance(d time.Duration) { h.S.clock.Advance(d) }

func (h *Harness) AddProduct(p contract.Product) []string {
	in := ProductInput{Name: p.Title, Category: p.Category}
	if len(p.Variants) == 1 && p.Variants[0].Title == "" {
		v := p.Variants[0]
		in.SKU, in.Barcode, in.Price, in.Stock = v.SKU, v.Barcode, v.Price.String(), IntPtr(v.Quantity)
		if !v.Cost.IsZero() {
			c := v.Cost
			in.Cost = &c
		}
		id, _ := h.S.AddProduct(in)
		return []string{strconv.FormatInt(id, 10)}
	}
	for _, v := range p.Variants {
		vi := VariationInput{Option: v.Title, SKU: v.SKU, Barcode: v.Barcode, Price: v.Price.String(), Stock: IntPtr(v.Quantity)}
		if !v.Cost.IsZero() {
			c := v.Cost
			vi.Cost = &c
		}
		in.Variations = append(in.Variations, vi)
	}
	_, vids := h.S.AddProduct(in)
	out := make([]string, len(vids))
	for i, id := range vids {
		out[i] = strconv.FormatInt(id, 10)
	}
	return out
}

func (h *Harness) Rename(variantID, title string) {
	h.S.UpdateProduct(storetest.ParseID(variantID), ProductUpdate{Name: &title})
}

func (h *Harness) SetPrice(variantID string, price decimal.Decimal) {
	p := price.String()
	h.S.UpdateProduct(storetest.ParseID(variantID), ProductUpdate{Price: &p})
}

func (h *Harness) SetQuantity(variantID string, qty int) {
	h.S.SetStock(storetest.ParseID(variantID), qty)
}

func toVariant(p ProductInfo) contract.Variant {
	v := contract.Variant{SKU: p.SKU, Barcode: p.Barcode, Price: dec(p.Price), Quantity: int(p.Stock.IntPart()), Name: p.Name,
		Untracked: !p.Managed}
	if p.Cost != nil {
		v.Cost = *p.Cost
	}
	if p.Type == "variation" {
		if i := strings.LastIndex(p.Name, " - "); i >= 0 {
			v.Title = p.Name[i+3:]
		}
	}
	return v
}

func (h *Harness) Variant(variantID string) (contract.Variant, bool) {
	p, ok := h.S.Product(storetest.ParseID(variantID))
	if !ok {
		return contract.Variant{}, false
	}
	return toVariant(p), true
}

func (h *Harness) VariantBySKU(sku string) (contract.Variant, bool) {
	p, ok := h.S.ProductBySKU(sku)
	if !ok {
		return contract.Variant{}, false
	}
	return toVariant(p), true
}

func (h *Harness) PlaceOrder(o contract.Order) string {
	incl := !o.TaxExclusive
	in := OrderInput{Shipping: o.Shipping, PricesIncludeTax: &incl}
	for _, l := range o.Lines {
		in.Lines = append(in.Lines, LineInput{ProductID: storetest.ParseID(l.VariantID), Quantity: l.Quantity})
	}
	if o.Discount.IsPositive() {
		in.Coupon = &CouponInput{Code: "DISCOUNT", Amount: o.Discount}
	}
	if c := o.Customer; c != nil {
		first, last, _ := strings.Cut(c.Name, " ")
		in.CustomerID = h.customer(first, last, c.Email, c.Phone)
	} else {
		in.Billing = Billing{First: "Guest", Last: "Buyer", Email: "guest@example.com"}
	}
	id, err := h.S.PlaceOrder(in)
	if err != nil {
		panic("wootest: place order: " + err.Error())
	}
	return "#" + strconv.FormatInt(id, 10)
}

func (h *Harness) customer(first, last, email, phone string) int64 {
	h.S.mu.Lock()
	for _, id := range sortedIDs(h.S.st.customers) {
		if c := h.S.st.customers[id]; strings.EqualFold(c.Email, email) && email != "" {
			h.S.mu.Unlock()
			return id
		}
	}
	h.S.mu.Unlock()
	return h.S.AddCustomer(first, last, email, phone)
}

func (h *Harness) Refund(orderName string, r contract.Refund) {
	info, ok := h.S.Order(storetest.ParseID(orderName))
	if !ok {
		panic("wootest: no order " + orderName)
	}
	in := RefundInput{Shipping: r.Shipping, Amount: r.Amount, Reason: "Refund"}
	for _, l := range r.Lines {
		in.Lines = append(in.Lines, RefundLine{LineID: info.LineIDs[l.Line], Quantity: l.Quantity})
		in.Restock = in.Restock || l.Restock
	}
	if _, err := h.S.Refund(info.ID, in); err != nil {
		panic("wootest: refund: " + err.Error())
	}
}

func (h *Harness) Cancel(orderName string) { h.S.CancelOrder(storetest.ParseID(orderName)) }

func (h *Harness) Orders() []contract.OrderTotals {
	var out []contract.OrderTotals
	for _, o := range h.S.Orders() {
		out = append(out, contract.OrderTotals{Name: "#" + strconv.FormatInt(o.ID, 10), Total: o.Total, RefundTotals: o.Refunds, Shipping: o.Shipping,
			Cancelled: o.Status == "cancelled" || o.Status == "refunded", Guest: o.Guest,
			Paid: o.Status == "processing" || o.Status == "completed", Lines: o.Reduced})
	}
	return out
}

func (h *Harness) Seed(products, orders int, seed int64) {
	h.S.Seed(SeedOptions{Products: products, Orders: orders, Seed: seed})
}

func (h *Harness) Fault(kind contract.Fault) {
	switch kind {
	case contract.FaultThrottle:
		h.S.InjectFaults(Fault{Kind: Fault429NoRetryAfter})
	case contract.Fault429:
		h.S.InjectFaults(Fault{Kind: Fault429, RetryAfter: "1"})
	case contract.Fault500:
		h.S.InjectFaults(Fault{Kind: Fault500})
	case contract.FaultSlow:
		h.S.InjectFaults(Fault{Kind: FaultSlow})
	case contract.FaultTruncated:
		h.S.InjectFaults(Fault{Kind: FaultTruncated})
	case contract.FaultChangesMidPaging:
		h.S.InjectFaults(Fault{Kind: FaultChangeMidPaging})
	case contract.FaultErrorIn200:
		h.S.InjectFaults(Fault{Kind: FaultCutJSON, Path: "/products"}, Fault{Kind: FaultCutJSON, Path: "/orders", Times: 2})
	case contract.FaultProductsDown: // a firewall page in place of every product page
		h.S.InjectFaults(Fault{Kind: FaultHTML, Path: "/products", Times: 1 << 30})
	case contract.FaultNone:
		h.S.ClearFaults()
	}
}

func (h *Harness) Requests() int { return h.S.Requests() }
