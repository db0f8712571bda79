package sallatest

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
)

// HarnessOptions set up a Harness.
type HarnessOptions struct {
	// Platform is the Salla platform under test (the client package's).
	Platform core.Platform
	// Credentials turns the app's keys and the store's current tokens into the connection's
	// credentials; default DefaultCredentials.
	Credentials func(clientID, clientSecret string, t Tokens) map[string]string
	// Options are the connection's options.
	Options map[string]string
	// IdleRequests is the fewest requests a sync that finds nothing new can make (0: not said).
	IdleRequests func(s *Server) int
	// Store configures the store; its rate limit is off unless set (a negative RateLimit there
	// is "off"; set Store.RateLimit to 120 for the Plus limit).
	Store Options
}

// Credential keys DefaultCredentials uses.
const (
	CredClientID     = "client_id"
	CredClientSecret = "client_secret"
	CredAccessToken  = "access_token"
	CredRefreshToken = "refresh_token"
	CredExpires      = "expires" // Unix seconds
)

// DefaultCredentials names the credentials client_id, client_secret, access_token,
// refresh_token and expires (Unix seconds, as the token answer sends it).
func DefaultCredentials(clientID, clientSecret string, t Tokens) map[string]string {
	return map[string]string{CredClientID: clientID, CredClientSecret: clientSecret, CredAccessToken: t.AccessToken,
		CredRefreshToken: t.RefreshToken, CredExpires: strconv.FormatInt(t.Expires.Unix(), 10)}
}

// Harness drives a sallatest store for the shared contract suite. Variant ids are, as the
// store's API names them, the product's id for a product without options and the sku's id
// (skus[].id) for a variant.
type Harness struct {
	S     *Server
	HS    *httptest.Server
	opt   HarnessOptions
	first Tokens
}

var _ contract.Harness = (*Harness)(nil)

// NewHarness starts a store for one test (stopped when the test ends) with a pair of tokens
// issued to the app, and the rate limit off.
func NewHarness(t testing.TB, o HarnessOptions) *Harness {
	if o.Store.RateLimit == 0 {
		o.Store.RateLimit = -120
	}
	if o.Credentials == nil {
		o.Credentials = DefaultCredentials
	}
	s := NewServer(o.Store)
	hs := s.Start()
	t.Cleanup(hs.Close)
	return &Harness{S: s, HS: hs, opt: o, first: s.IssueTokens()}
}

func (h *Harness) Platform() core.Platform { return h.opt.Platform }

// Config gives the store's address and the credentials with the newest tokens of the chain
// the harness was given (after the client renewed them, the renewed pair, as the merchant's
// keyring would hold them); a revoked chain gives the first pair, which no longer works.
func (h *Harness) Config() contract.Config {
	t, live := h.S.CurrentTokens(h.first)
	if !live {
		t = h.first
	}
	idle := 0
	if h.opt.IdleRequests != nil {
		idle = h.opt.IdleRequests(h.S)
	}
	return contract.Config{StoreURL: h.HS.URL, Credentials: h.opt.Credentials(h.S.ClientID(), h.S.ClientSecret(), t),
		Options: h.opt.Options, HTTPClient: h.HS.Client(), IdleRequests: idle}
}

func (h *Harness) Now() time.Time          { return h.S.Clock().Now() }
func (h *Harness) Advance(d time.Duration) { h.S.Clock().Advance(d) }

func costPtr(d decimal.Decimal) *decimal.Decimal {
	if d.IsZero() {
		return nil
	}
	return &d
}

func (h *Harness) AddProduct(p contract.Product) []string {
	in := ProductInput{Name: p.Title, Category: p.Category}
	if len(p.Variants) == 1 && p.Variants[0].Title == "" {
		v := p.Variants[0]
		in.SKU, in.Barcode, in.Price, in.Cost, in.Quantity, in.Unlimited = v.SKU, v.Barcode, v.Price, costPtr(v.Cost), v.Quantity, v.Untracked
		id, _ := h.S.AddProduct(in)
		return []string{strconv.FormatInt(id, 10)}
	}
	for _, v := range p.Variants {
		in.Variants = append(in.Variants, VariantInput{Value: v.Title, SKU: v.SKU, Barcode: v.Barcode, Price: v.Price,
			Cost: costPtr(v.Cost), Quantity: v.Quantity, Unlimited: v.Untracked})
	}
	_, ids := h.S.AddProduct(in)
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = strconv.FormatInt(id, 10)
	}
	return out
}

func (h *Harness) Rename(variantID, title string) {
	h.S.Edit(storetest.ParseID(variantID), &title, nil, nil)
}
func (h *Harness) SetPrice(variantID string, price decimal.Decimal) {
	h.S.Edit(storetest.ParseID(variantID), nil, &price, nil)
}
func (h *Harness) SetQuantity(variantID string, qty int) {
	h.S.Edit(storetest.ParseID(variantID), nil, nil, &qty)
}

func toVariant(in SellableInfo) contract.Variant {
	v := contract.Variant{Title: in.Value, SKU: in.SKU, Barcode: in.Barcode, Price: in.Price, Quantity: in.Quantity,
		Name: in.Name, Untracked: in.Unlimited}
	if in.Value != "" {
		v.Name = in.Name + " - " + in.Value
	}
	if in.Cost != nil {
		v.Cost = *in.Cost
	}
	return v
}

func (h *Harness) Variant(variantID string) (contract.Variant, bool) {
	in, found := h.S.Sellable(storetest.ParseID(variantID))
	return toVariant(in), found
}

func (h *Harness) VariantBySKU(sku string) (contract.Variant, bool) {
	in, found := h.S.SellableBySKU(sku)
	return toVariant(in), found
}

// PlaceOrder places an order that is paid and completed at once (Salla issues its Tax Invoice
// then). Discount and shipping are as charged: with VAT unless TaxExclusive.
func (h *Harness) PlaceOrder(o contract.Order) string {
	in := OrderInput{Status: StatusCompleted, PricesExcludeTax: o.TaxExclusive}
	in.Shipping = o.Shipping
	if o.Discount.IsPositive() {
		in.Coupon, in.Amount = "DISCOUNT", o.Discount
	}
	for _, l := range o.Lines {
		in.Lines = append(in.Lines, LineInput{ID: storetest.ParseID(l.VariantID), Quantity: l.Quantity})
	}
	if c := o.Customer; c != nil {
		in.CustomerID = h.customer(*c)
	} else {
		in.Guest = CustomerInput{First: "ضيف", Last: "", Mobile: "555000111"}
	}
	id, err := h.S.PlaceOrder(in)
	if err != nil {
		panic("sallatest: place order: " + err.Error())
	}
	for _, info := range h.S.Orders() {
		if info.ID == id {
			return "#" + strconv.FormatInt(info.Reference, 10)
		}
	}
	panic("sallatest: the order just placed is gone")
}

func (h *Harness) customer(c contract.Customer) int64 {
	h.S.mu.Lock()
	for _, id := range sortedKeys(h.S.st.customers) {
		if x := h.S.st.customers[id]; (c.Email != "" && strings.EqualFold(x.email, c.Email)) || (c.Phone != "" && x.mobile == c.Phone) {
			h.S.mu.Unlock()
			return id
		}
	}
	h.S.mu.Unlock()
	first, last, _ := strings.Cut(c.Name, " ")
	return h.S.AddCustomer(CustomerInput{First: first, Last: last, Mobile: c.Phone, Email: c.Email, City: "الرياض"})
}

func (h *Harness) orderID(name string) int64 {
	ref := storetest.ParseID(name)
	for _, o := range h.S.Orders() {
		if o.Reference == ref {
			return o.ID
		}
	}
	panic("sallatest: no order " + name)
}

// Refund issues a Credit Note for the lines, the shipping, or the amount.
func (h *Harness) Refund(orderName string, r contract.Refund) {
	var lines []CreditLine
	for _, l := range r.Lines {
		lines = append(lines, CreditLine{Line: l.Line, Quantity: l.Quantity, Restock: l.Restock})
	}
	if err := h.S.CreditNote(h.orderID(orderName), lines, r.Shipping, r.Amount); err != nil {
		panic("sallatest: refund: " + err.Error())
	}
}

// Cancel moves the order to canceled (its units go back to stock; no Credit Note is issued).
func (h *Harness) Cancel(orderName string) {
	if err := h.S.SetStatus(h.orderID(orderName), StatusCanceled); err != nil {
		panic("sallatest: cancel: " + err.Error())
	}
}

func (h *Harness) Orders() []contract.OrderTotals {
	var out []contract.OrderTotals
	for _, o := range h.S.Orders() {
		out = append(out, contract.OrderTotals{Name: "#" + strconv.FormatInt(o.Reference, 10), Total: o.Total,
			Shipping: o.ShippingPaid, RefundTotals: o.Credits, Cancelled: o.Status == StatusCanceled || o.Status == StatusRestored, Guest: o.Guest,
			Paid: o.Status == StatusCompleted, Lines: o.Lines})
	}
	return out
}

func (h *Harness) Seed(products, orders int, seed int64) {
	h.S.Seed(SeedOptions{Products: products, Orders: orders, Seed: seed})
}

// Fault makes the store commit the contract's fault (FaultNone clears the queue).
func (h *Harness) Fault(kind contract.Fault) {
	if kind == contract.FaultNone {
		h.S.ClearFaults()
		return
	}
	h.S.InjectFaults(contract.StoreFaults(kind, "/products", "/orders")...)
}

func (h *Harness) Requests() int { return h.S.Requests() }
