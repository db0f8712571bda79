package zidtest

import (
	"fmt"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/contract"
	"mizan/platforms/storetest"
)

// HarnessOptions set up a Harness.
type HarnessOptions struct {
	// Platform is the Zid platform under test (the client package's).
	Platform core.Platform
	// Credentials turns the app and the store's current grant into the connection's
	// credentials; default DefaultCredentials.
	Credentials func(app App, t Tokens) map[string]string
	// Options are the connection's options; nil is DefaultOptions (an empty map gives none).
	Options map[string]string
	// IdleRequests is the fewest requests a sync that finds nothing new can make (0: not said).
	IdleRequests func(s *Server) int
	// Invoiced are the order statuses the connection invoices by default (default: delivered).
	// An order counts as paid while it is in one of them, or reversed (in part or whole, or
	// being reversed) after it was in one.
	Invoiced []string
	// Store configures the store; its rate limit is off unless set (set Store.RateLimit to 60
	// for Zid's).
	Store Options
}

// App is what the merchant's Zid app and store are: its keys, its redirect address (refreshes
// send it) and the store's id.
type App struct {
	ClientID, ClientSecret, RedirectURI string
	StoreID                             int64
}

// Credential keys, as the Zid client registers them (DefaultCredentials gives exactly these).
const (
	CredAuthorization = "authorization"
	CredAccessToken   = "access_token"
	CredRefreshToken  = "refresh_token"
	CredExpiresAt     = "expires_at" // Unix seconds
	CredClientID      = "client_id"
	CredClientSecret  = "client_secret"
	CredRedirectURI   = "redirect_uri" // the address the tokens were issued for: a refresh sends it
)

// OptStoreID is the option the Zid client takes the store's id in (the Store-Id header): the
// store's identity is a setting kept in the books, not a credential.
const OptStoreID = "store_id"

// HarnessRedirect is the redirect address the harness's grants were issued for.
const HarnessRedirect = "http://127.0.0.1:8765/callback"

// DefaultCredentials names the credentials authorization, access_token, refresh_token,
// expires_at (absolute Unix seconds), client_id, client_secret and redirect_uri, as the Zid
// client registers them.
func DefaultCredentials(app App, t Tokens) map[string]string {
	return map[string]string{CredAuthorization: t.Authorization, CredAccessToken: t.AccessToken, CredRefreshToken: t.RefreshToken,
		CredExpiresAt: strconv.FormatInt(t.Expires.Unix(), 10), CredClientID: app.ClientID, CredClientSecret: app.ClientSecret,
		CredRedirectURI: app.RedirectURI}
}

// DefaultOptions are the settings a merchant who pastes the tokens gives with them: the store's
// id (OptStoreID).
func DefaultOptions(app App) map[string]string {
	return map[string]string{OptStoreID: strconv.FormatInt(app.StoreID, 10)}
}

// Harness drives a zidtest store for the shared contract suite. The store's address serves the
// API under /v1 and OAuth under /oauth. Variant ids are the ids of what is sold: a product's
// own id when it has no variants, else its variants' ids. Orders are named "#" and their id
// (which is also their invoice_number).
type Harness struct {
	S     *Server
	HS    *httptest.Server
	opt   HarnessOptions
	first Tokens
}

var _ contract.Harness = (*Harness)(nil)

// NewHarness starts a store for one test (stopped when the test ends) with a grant issued to
// the app, and the rate limit off.
func NewHarness(t testing.TB, o HarnessOptions) *Harness {
	if o.Store.RateLimit == 0 {
		o.Store.RateLimit = -60
	}
	if o.Credentials == nil {
		o.Credentials = DefaultCredentials
	}
	if len(o.Invoiced) == 0 {
		o.Invoiced = []string{StatusDelivered}
	}
	s := NewServer(o.Store)
	hs := s.Start()
	t.Cleanup(hs.Close)
	h := &Harness{S: s, HS: hs, opt: o, first: s.IssueTokens()}
	if h.opt.Options == nil {
		h.opt.Options = DefaultOptions(h.App())
	}
	if err := registered(o.Platform, h.opt.Credentials(h.App(), h.first), h.opt.Options); err != nil {
		t.Fatalf("zidtest: %v", err)
	}
	return h
}

// registered checks that the credentials are exactly the ones the platform registers and that
// each option is one it registers (a platform that registers none is not checked): a key the
// client does not know would be stored in the keyring or the books and never read.
func registered(p core.Platform, creds, opts map[string]string) error {
	if len(p.Credentials) == 0 {
		return nil
	}
	want := map[string]bool{}
	for _, f := range p.Credentials {
		want[f.Key] = true
	}
	var extra, missing []string
	for k := range creds {
		if !want[k] {
			extra = append(extra, k)
		}
	}
	for k := range want {
		if _, ok := creds[k]; !ok {
			missing = append(missing, k)
		}
	}
	known := map[string]bool{}
	for _, f := range p.Options {
		known[f.Key] = true
	}
	var unknown []string
	for k := range opts {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	if len(extra)+len(missing)+len(unknown) == 0 {
		return nil
	}
	slices.Sort(extra)
	slices.Sort(missing)
	slices.Sort(unknown)
	return fmt.Errorf("the harness's settings are not the ones %s registers: credentials it does not register %q, credentials it registers and lacks %q, options it does not register %q",
		p.Name, extra, missing, unknown)
}

func (h *Harness) Platform() core.Platform { return h.opt.Platform }

// App is the app the harness's grants belong to.
func (h *Harness) App() App {
	redirect := h.S.opt.RedirectURI
	if redirect == "" {
		redirect = HarnessRedirect
	}
	return App{ClientID: h.S.ClientID(), ClientSecret: h.S.ClientSecret(), RedirectURI: redirect, StoreID: h.S.StoreID()}
}

// Config gives the store's address and the credentials with the newest grant of the chain the
// harness was given (after the client renewed it, the renewed one, as the merchant's keyring
// would hold it); when none is usable, the first grant, which no longer works.
func (h *Harness) Config() contract.Config {
	t, live := h.S.CurrentTokens(h.first)
	if !live {
		t = h.first
	}
	idle := 0
	if h.opt.IdleRequests != nil {
		idle = h.opt.IdleRequests(h.S)
	}
	return contract.Config{StoreURL: h.HS.URL, Credentials: h.opt.Credentials(h.App(), t), Options: h.opt.Options,
		HTTPClient: h.HS.Client(), IdleRequests: idle}
}

func (h *Harness) Now() time.Time          { return h.S.Clock().Now() }
func (h *Harness) Advance(d time.Duration) { h.S.Clock().Advance(d) }

// namesOf puts a title in Arabic when it has Arabic letters, else in English.
func namesOf(title string) Names {
	for _, r := range title {
		if unicode.Is(unicode.Arabic, r) {
			return Names{Ar: title}
		}
	}
	return Names{En: title}
}

func costPtr(d decimal.Decimal) *decimal.Decimal {
	if d.IsZero() {
		return nil
	}
	return &d
}

func (h *Harness) AddProduct(p contract.Product) []string {
	in := ProductInput{Name: namesOf(p.Title)}
	if p.Category != "" {
		in.Category = namesOf(p.Category)
	}
	if len(p.Variants) == 1 && p.Variants[0].Title == "" {
		v := p.Variants[0]
		in.SKU, in.Barcode, in.Price, in.Cost, in.Quantity, in.Infinite = v.SKU, v.Barcode, v.Price, costPtr(v.Cost), v.Quantity, v.Untracked
		_, ids := h.S.AddProduct(in)
		return ids
	}
	for _, v := range p.Variants {
		in.Variants = append(in.Variants, VariantInput{Value: v.Title, SKU: v.SKU, Barcode: v.Barcode, Price: v.Price,
			Cost: costPtr(v.Cost), Quantity: v.Quantity, Infinite: v.Untracked})
	}
	_, ids := h.S.AddProduct(in)
	return ids
}

func (h *Harness) Rename(variantID, title string) { _ = h.S.Edit(variantID, &title, nil, nil) }
func (h *Harness) SetPrice(variantID string, price decimal.Decimal) {
	_ = h.S.Edit(variantID, nil, &price, nil)
}
func (h *Harness) SetQuantity(variantID string, qty int) { _ = h.S.Edit(variantID, nil, nil, &qty) }

func toVariant(in SellableInfo) contract.Variant {
	name := in.Name.Ar
	if name == "" {
		name = in.Name.En
	}
	v := contract.Variant{Title: in.Value, SKU: in.SKU, Barcode: in.Barcode, Price: in.Price, Quantity: in.Quantity, Name: name,
		Untracked: in.Infinite}
	if in.Value != "" {
		v.Name = name + " - " + in.Value
	}
	if in.Cost != nil {
		v.Cost = *in.Cost
	}
	return v
}

func (h *Harness) Variant(variantID string) (contract.Variant, bool) {
	in, found := h.S.Sellable(variantID)
	return toVariant(in), found
}

func (h *Harness) VariantBySKU(sku string) (contract.Variant, bool) {
	in, found := h.S.SellableBySKU(sku)
	return toVariant(in), found
}

// PlaceOrder places an order paid by card and delivered at once. Discount and shipping are as
// charged: with VAT unless TaxExclusive.
func (h *Harness) PlaceOrder(o contract.Order) string {
	in := OrderInput{Status: StatusDelivered, PricesExcludeVAT: o.TaxExclusive, Shipping: o.Shipping}
	if o.Discount.IsPositive() {
		in.Coupon, in.Amount = "DISCOUNT", o.Discount
	}
	for _, l := range o.Lines {
		in.Lines = append(in.Lines, LineInput{ID: l.VariantID, Quantity: l.Quantity})
	}
	if c := o.Customer; c != nil {
		in.CustomerID = h.customer(*c)
	} else {
		in.Guest = CustomerInput{Name: "ضيف", Mobile: "966555000111"}
	}
	id, err := h.S.PlaceOrder(in)
	if err != nil {
		panic("zidtest: place order: " + err.Error())
	}
	return "#" + strconv.FormatInt(id, 10)
}

// zidMobile writes a Saudi mobile as Zid does: 9665XXXXXXXX.
func zidMobile(phone string) string {
	var digits strings.Builder
	for _, r := range phone {
		if r >= '0' && r <= '9' {
			digits.WriteRune(r)
		}
	}
	d := strings.TrimPrefix(digits.String(), "00")
	switch {
	case len(d) == 10 && strings.HasPrefix(d, "05"):
		return "966" + d[1:]
	case len(d) == 9 && strings.HasPrefix(d, "5"):
		return "966" + d
	}
	return d
}

// customer finds the shopper's account: Zid knows a shopper by mobile (or email).
func (h *Harness) customer(c contract.Customer) int64 {
	mobile := zidMobile(c.Phone)
	h.S.mu.Lock()
	for _, id := range sortedIDs(h.S.st.customers) {
		x := h.S.st.customers[id]
		if (c.Email != "" && strings.EqualFold(x.email, c.Email)) || (mobile != "" && x.mobile == mobile) {
			h.S.mu.Unlock()
			return id
		}
	}
	h.S.mu.Unlock()
	return h.S.AddCustomer(CustomerInput{Name: c.Name, Email: c.Email, Mobile: mobile})
}

// Refund issues a credit note for the lines, the shipping, or the amount.
func (h *Harness) Refund(orderName string, r contract.Refund) {
	var lines []CreditLine
	for _, l := range r.Lines {
		lines = append(lines, CreditLine{Line: l.Line, Quantity: l.Quantity, Restock: l.Restock})
	}
	if err := h.S.CreditNote(storetest.ParseID(orderName), lines, r.Shipping, r.Amount); err != nil {
		panic("zidtest: refund: " + err.Error())
	}
}

// Cancel reverses a delivered order without a credit note (its units go back to stock), as a
// merchant does when the shipment comes back; an order not yet delivered is cancelled.
func (h *Harness) Cancel(orderName string) {
	id := storetest.ParseID(orderName)
	status := StatusCancelled
	for _, o := range h.S.Orders() {
		if o.ID == id && contains(o.Reached, StatusDelivered) {
			status = StatusReversed
		}
	}
	if err := h.S.SetStatus(id, status); err != nil {
		panic("zidtest: cancel: " + err.Error())
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func (h *Harness) Orders() []contract.OrderTotals {
	var out []contract.OrderTotals
	for _, o := range h.S.Orders() {
		invoiced := contains(h.opt.Invoiced, o.Status)
		if o.Status == StatusPartiallyReversed || o.Status == StatusReversed || o.Status == StatusReverseInProgress {
			for _, st := range h.opt.Invoiced {
				invoiced = invoiced || contains(o.Reached, st)
			}
		}
		out = append(out, contract.OrderTotals{Name: "#" + strconv.FormatInt(o.ID, 10), Total: o.Total, Shipping: o.ShippingPaid,
			RefundTotals: o.Credits, Guest: o.Guest, Paid: invoiced, Lines: o.Lines,
			Cancelled: o.Status == StatusCanceled || o.Status == StatusCancelled || o.Status == StatusReversed})
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
	h.S.InjectFaults(contract.StoreFaults(kind, "/v1/products", ordersPath)...)
}

func (h *Harness) Requests() int { return h.S.Requests() }
