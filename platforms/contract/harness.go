// Package contract is the end-to-end test suite every platform passes: a real engine on real
// SQLite books syncing a platform's test double over real HTTP. Each platform supplies a Harness
// for its double; the suite is written once.
package contract

import (
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
)

// Harness drives one platform's test store the way a merchant and shoppers would.
type Harness interface {
	// Platform is the platform under test, and Config how to connect to the running store.
	Platform() core.Platform
	Config() Config
	// Now is the store's clock; Advance moves it on (the store's timestamps follow it).
	Now() time.Time
	Advance(d time.Duration)

	// AddProduct creates a product with its variants and returns the variants' ids (as the
	// platform's Store reports them in StoreProduct.ExternalID), in order.
	AddProduct(p Product) []string
	// Rename changes a variant's product title; SetPrice its price; SetQuantity its stock by hand.
	Rename(variantID, title string)
	SetPrice(variantID string, price decimal.Decimal)
	SetQuantity(variantID string, qty int)
	// Variant reads a variant as the store has it.
	Variant(variantID string) (Variant, bool)
	VariantBySKU(sku string) (Variant, bool)

	// PlaceOrder places an order and returns the number the merchant sees.
	PlaceOrder(o Order) string
	// Refund refunds part of an order; Cancel cancels it (with a refund if it was paid).
	Refund(orderName string, r Refund)
	Cancel(orderName string)
	// Orders lists every order as the store reports its money, for checking invoices.
	Orders() []OrderTotals

	// Seed fills the store with a realistic catalogue and order history.
	Seed(products, orders int, seed int64)
	// Fault makes the store misbehave on its next requests.
	Fault(kind Fault)
	// Requests counts the API requests served so far.
	Requests() int
}

// Config is how the engine reaches a harness's store.
type Config struct {
	StoreURL    string
	Credentials map[string]string
	Options     map[string]string
	HTTPClient  *http.Client
	// IdleRequests is the fewest API requests a sync can make when nothing changed in the store
	// (the platform's reads that cannot be skipped); 0 when the platform does not say.
	IdleRequests int
}

// Product is a product with one or more variants.
type Product struct {
	Title    string
	Category string
	Variants []Variant
}

// Variant is one sellable variant.
type Variant struct {
	Title    string // for products with several variants ("1kg")
	SKU      string
	Barcode  string
	Price    decimal.Decimal
	Cost     decimal.Decimal
	Quantity int
	Name     string // the full name the store shows (read back only)
	// Untracked: the store does not count this variant's stock (read back only).
	Untracked bool
}

// Order is what a shopper orders.
type Order struct {
	Lines    []OrderLine
	Customer *Customer // nil: a guest checkout
	// Discount: an order discount amount spread over the lines by the store.
	Discount decimal.Decimal
	Shipping decimal.Decimal
	// TaxExclusive: prices exclude VAT (added on top) instead of including it.
	TaxExclusive bool
}

// OrderLine is a variant and a quantity.
type OrderLine struct {
	VariantID string
	Quantity  int
}

// Customer is a store account.
type Customer struct {
	Name, Email, Phone string
}

// Refund returns lines (restocked or not), shipping, or just an amount.
type Refund struct {
	Lines    []RefundLine
	Shipping bool            // refund the whole shipping
	Amount   decimal.Decimal // an amount-only refund
}

// RefundLine returns a quantity of one of the order's lines (by its index in Order.Lines).
type RefundLine struct {
	Line     int
	Quantity int
	Restock  bool
}

// OrderTotals is an order's money as the store reports it.
type OrderTotals struct {
	Name         string
	Total        decimal.Decimal
	RefundTotals []decimal.Decimal
	Cancelled    bool
	Guest        bool
	Paid         bool // in a state the connection invoices by default
	// Lines are the quantities the order still holds (after edits and refunds), by SKU: an open
	// order that is not invoiced keeps them out of the store's available stock while the books,
	// which have no invoice for it yet, still count them.
	Lines map[string]int
	// Shipping is what the shopper paid for shipping, its VAT included (before any refund).
	Shipping decimal.Decimal
}

// Fault is a way for the store to misbehave.
type Fault string

// Faults every harness can inject.
const (
	FaultThrottle         Fault = "throttle"           // the platform's rate-limit signal
	Fault429              Fault = "429"                // HTTP 429 with Retry-After
	Fault500              Fault = "500"                // a server error
	FaultSlow             Fault = "slow"               // a response slower than usual
	FaultTruncated        Fault = "truncated"          // a body cut off half-way
	FaultChangesMidPaging Fault = "changes mid-paging" // an order changes between two pages
)

// FaultProductsDown makes every request for the store's product pages fail, with an answer the
// platform's client does not retry (or still fails after its retries), until FaultNone: a fault
// that lasts a whole run, so it is not in AllFaults.
const FaultProductsDown Fault = "products down"

// FaultNone clears every fault still waiting.
const FaultNone Fault = "none"

// FaultErrorIn200 is a 200 answer whose body is an error, not data (on Shopify an
// INTERNAL_SERVER_ERROR or "data": null in the GraphQL body; on WooCommerce JSON that stops
// half-way), on a products page and an orders page: the client retries it as it retries a 5xx.
const FaultErrorIn200 Fault = "error in 200"

// AllFaults lists the faults in a stable order.
var AllFaults = []Fault{FaultThrottle, Fault429, Fault500, FaultSlow, FaultTruncated, FaultChangesMidPaging, FaultErrorIn200}

// BenchSize is the store a platform's import benchmark seeds: MIZAN_BENCH_PRODUCTS products
// (2,000 by default) and MIZAN_BENCH_ORDERS orders (10,000 by default).
func BenchSize() (products, orders int) {
	return envInt("MIZAN_BENCH_PRODUCTS", 2000), envInt("MIZAN_BENCH_ORDERS", 10000)
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}
