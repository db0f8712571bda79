package core

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// Store is one connected online store as the engine sees it. Each platform package (Shopify,
// WooCommerce, Salla, Zid) implements it over the platform's own API; the engine never sees a
// platform's wire format. Methods must honour ctx, and return errors that say what the store
// answered without ever including a credential.
//
// Times are the store's clock, in UTC. Amounts are the store's own figures, exactly (never
// recomputed or rounded by the platform package).
type Store interface {
	// Info checks the credentials and describes the store.
	Info(ctx context.Context) (StoreInfo, error)

	// Products calls fn with pages of the store's sellable items (one StoreProduct per variant,
	// a simple product being its own single variant) changed at or after since, or all of them
	// when since is zero. A page is handed over once complete; if fn returns an error, paging
	// stops and that error is returned.
	Products(ctx context.Context, since time.Time, fn func([]StoreProduct) error) error

	// Stock calls fn with pages of the quantities at the store's stock location that changed at or
	// after since (all tracked items when since is zero). Platforms that cannot filter by change
	// return every tracked item. Each page says when it was read, by the store's clock.
	Stock(ctx context.Context, since time.Time, fn func(StockPage) error) error

	// Orders calls fn with pages of orders changed at or after since (all when zero), each order
	// complete with its lines, charges and refunds. Platforms without an "updated since" filter
	// page from the newest change backwards until they pass since; order across pages is not
	// guaranteed, and an order may come twice.
	Orders(ctx context.Context, since time.Time, fn func([]StoreOrder) error) error

	// OrdersByNumber fetches orders by the numbers the merchant sees ("#1001" or "1001"). Numbers
	// that match no order are left out of the result.
	OrdersByNumber(ctx context.Context, numbers []string) ([]StoreOrder, error)

	// CreateProduct creates a product (one variant) in the store from the books' values and
	// returns it as the store now has it. It must be safe to repeat: when the store already has a
	// variant with this SKU, it returns that variant instead of creating a second one.
	CreateProduct(ctx context.Context, p ProductFields) (StoreProduct, error)

	// UpdateProduct writes the given fields of an existing store product and returns the product
	// as the store now has it.
	UpdateProduct(ctx context.Context, ref StoreProduct, p ProductFields, fields FieldSet) (StoreProduct, error)

	// AdjustStock changes store quantities at the stock location by each change's Delta. A
	// platform with relative adjustments applies the delta (so a sale made meanwhile is kept); one
	// that can only set absolute quantities reads the current value, writes current+Delta only if
	// it is unchanged (compare-and-set or read-compare-write), and re-reads and retries on a
	// mismatch. Key identifies the change for platforms that deduplicate retried writes. The
	// result gives each item's quantity after the change, in the order given.
	AdjustStock(ctx context.Context, changes []StockChange) ([]StockResult, error)
}

// ReadPlanner is implemented by a Store that can begin a sync's large reads early (Shopify runs
// bulk operations on the store's side, several at once). Before a sync's first read the engine
// says which reads will be of everything; the store may start those then, and answers each read
// when it is called as if the read began then or later (never with data older than the sync's
// start).
type ReadPlanner interface {
	PlanReads(ctx context.Context, plan ReadPlan)
}

// ReadPlan says which of a sync's reads will read everything.
type ReadPlan struct {
	AllOrders bool // Orders will be called with since zero (the first import of orders)
}

// StoreInfo describes a connected store.
type StoreInfo struct {
	Name       string // the shop's name
	Platform   string // "shopify", "woocommerce", "salla", "zid"
	Version    string // API version in use, or the platform software's version
	Currency   string // the shop's currency
	Location   string // the stock location the connection reads and writes (name)
	LocationID string // its id
	Details    string // anything else worth showing after "Test connection"
	// StoreID is what the store says it is, the same whatever address or credentials reach it
	// (Shopify: the shop's GraphQL id; WooCommerce: the site's home address, normalised). The
	// books recognise a store by it: connecting a store they already know re-attaches its
	// history, and a connection whose address or credentials now reach another store is refused.
	// Empty when the store does not say.
	StoreID string
	// Now is the store's clock when it answered (its HTTP Date header), zero when unknown. The
	// engine measures its change watermarks on the store's clock, so a sync of an idle store
	// re-reads nothing once the safety overlap has passed.
	Now time.Time
}

// StoreProduct is one sellable item of a store: a variant (a simple product is one variant).
type StoreProduct struct {
	ExternalID    string // the variant's id: what a binding keys on
	ProductID     string // the parent product's id (same as ExternalID for simple products)
	Name          string // the product's title, with the variant's title when it has several
	SKU           string
	Barcode       string
	Category      string
	SalePrice     decimal.Decimal
	PurchasePrice decimal.Decimal
	HasCost       bool // the store exposes a cost (PurchasePrice is meaningful)
	Quantity      decimal.Decimal
	TracksStock   bool   // the store counts this item's stock
	StockRef      string // what the platform needs to change stock (Shopify: inventory item id)
	UpdatedAt     time.Time
	// Unreadable, when not empty, says why the platform could not read this item (a malformed
	// or out-of-range number, a field of the wrong type). Then only ExternalID is sure, with SKU,
	// Name and UpdatedAt when they could be read. The platform hands such an item over in its
	// page instead of failing the page; the engine logs it as an error for this item, queues it
	// for retry and keeps its products watermark before it, and the rest of the page goes on.
	Unreadable string
}

// Fields gives the synced field values of a store product.
func (p StoreProduct) Fields() ProductFields {
	return ProductFields{Name: p.Name, Code: p.SKU, Barcode: p.Barcode, Category: p.Category,
		PurchasePrice: p.PurchasePrice, SalePrice: p.SalePrice}
}

// ProductFields are the product fields synced between the books and a store (quantity travels
// separately, as stock).
type ProductFields struct {
	Name          string
	Code          string // the SKU
	Barcode       string
	Category      string
	PurchasePrice decimal.Decimal
	SalePrice     decimal.Decimal
}

// Field names a synced product field.
type Field string

// The synced product fields.
const (
	FieldName          Field = "name"
	FieldCode          Field = "code"
	FieldBarcode       Field = "barcode"
	FieldCategory      Field = "category"
	FieldPurchasePrice Field = "purchase_price"
	FieldSalePrice     Field = "sale_price"
	FieldQuantity      Field = "quantity"
)

// ProductFieldList lists the fields in display order (quantity last).
var ProductFieldList = []Field{FieldName, FieldCode, FieldBarcode, FieldCategory, FieldPurchasePrice, FieldSalePrice, FieldQuantity}

// FieldSet is a set of fields.
type FieldSet map[Field]bool

// Has reports whether f is in the set.
func (s FieldSet) Has(f Field) bool { return s[f] }

// StockPage is one page of store quantities.
type StockPage struct {
	ReadAt time.Time // when the store read them, by the store's clock
	Levels []StockLevel
}

// StockLevel is an item's quantity at the stock location.
type StockLevel struct {
	ExternalID string // the variant's id
	StockRef   string
	Quantity   decimal.Decimal
	UpdatedAt  time.Time
}

// StockChange asks a store to move an item's quantity by Delta.
type StockChange struct {
	ExternalID string
	StockRef   string
	Expected   decimal.Decimal // the quantity the engine believes the store has now
	Delta      decimal.Decimal
	Key        string // unique per intended change, for idempotent retries
	Reason     string // shown in the store's inventory history where it has one
}

// StockResult is an item's quantity after a stock change.
type StockResult struct {
	ExternalID string
	Quantity   decimal.Decimal
	Reread     int // how many times the current value had to be read again (a sale came in between)
}

// StoreCustomer is a store's customer.
type StoreCustomer struct {
	ExternalID string
	Name       string
	Email      string
	Phone      string
}

// StoreOrder is one order with everything that becomes its invoice and returns.
//
// Amounts follow the invoice model of the books: each line has its quantity, unit price, line
// discount (every discount allocated to the line, order-level ones included) and tax; charges are
// shipping and fees after their own discounts; Discount is any order-level discount the store did
// not allocate to lines. With TaxesIncluded, prices and charges include their tax. Then
//
//	Total = Σ(quantity × unit price − line discount) − Discount + Σ charges (+ Σ taxes unless included)
//
// and the platform package must fill Total with the store's own figure, not a recomputed one: the
// engine refuses an order whose parts do not add up to it.
type StoreOrder struct {
	ExternalID    string
	Name          string // the number the merchant sees, e.g. "#1001"
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Status        string // the platform's state, lower-case (Shopify: the financial status)
	Cancelled     bool
	CancelledAt   time.Time
	Currency      string
	TaxesIncluded bool
	Customer      *StoreCustomer // nil for a guest checkout
	GuestName     string         // what the order says about a guest buyer
	GuestEmail    string
	GuestPhone    string
	Lines         []StoreLine
	Charges       []StoreCharge
	Discount      decimal.Decimal
	Total         decimal.Decimal
	// StockReduced says the store took this order's quantities out of its stock (Shopify does for
	// every order; WooCommerce only from certain states).
	StockReduced bool
	Refunds      []StoreRefund
	// PaymentMethod is how the order is (to be) paid, by the store's own name for it (Shopify: the
	// payment gateway, such as "shopify_payments" or "Cash on Delivery (COD)"; WooCommerce: the
	// gateway id, such as "cod" or "bacs"; Salla: its payment_method, such as "mada" or "cod"), and
	// PaymentMethodTitle what the store shows for it. Set even before the money is (an order to be
	// paid on delivery), so a connection's methods appear as its store uses them; empty when the
	// store does not say.
	PaymentMethod      string
	PaymentMethodTitle string
	// Payments are the money the store says moved for the order, as it dated it. Rules:
	//   - only money that changed hands: an authorization not captured yet, a pending, failed or
	//     voided attempt, or an order to be paid on delivery whose cash is not collected yet, is no
	//     payment (the order's invoice stays unpaid; when the store marks it paid, the order comes
	//     again, changed, with its payment);
	//   - each payment keeps its ExternalID, unique in the store and the same each time the order
	//     is read: the engine brings a payment into the books once, by it;
	//   - Amount is positive, in the order's currency (a payment of zero, such as an order whose
	//     discounts leave nothing to pay, is left out); Refund says the money went back to the
	//     customer, and RefundID then names the StoreRefund it pays when the store says.
	Payments []StorePayment
	// Invoice is the tax invoice the store issued itself for the order (its number and the text of
	// its QR code), when the store issues tax invoices and its API gives them; empty otherwise.
	// The books keep it with the order's invoice when the connection says the store issues the
	// tax invoices, and print their own as a copy naming it.
	Invoice StoreDocument
	// Unreadable, when not empty, says why the platform could not read this order (see
	// StoreProduct.Unreadable). Then ExternalID and Name (the number Retry asks for) are set when
	// they could be read, and UpdatedAt when known. The engine posts nothing for it, logs it as an
	// error, and queues it for retry by number; an unreadable order without a Name holds the
	// orders watermark before it instead, so the next run reads it again.
	Unreadable string
}

// StoreDocument is a tax document a store issued itself: a tax invoice or a credit note.
type StoreDocument struct {
	Number string // the store's number for it
	QR     string // the text of its QR code, as the store gives it (ZATCA's base64 TLV)
}

// StorePayment is money that moved for an order: paid by the customer, or refunded to them.
type StorePayment struct {
	ExternalID  string
	Refund      bool   // money given back to the customer (else money received)
	RefundID    string // for a refund, the StoreRefund it belongs to; empty when the store does not say
	Method      string // how it was paid or paid back, by the store's own name (see StoreOrder.PaymentMethod)
	MethodTitle string
	Amount      decimal.Decimal
	PaidAt      time.Time // when the store says the money moved
}

// StoreLine is one line of an order.
type StoreLine struct {
	ExternalID string
	ProductID  string // the variant's id; empty when the store does not say (Salla) or the product is gone
	SKU        string
	Barcode    string
	Name       string
	Quantity   decimal.Decimal
	UnitPrice  decimal.Decimal
	Discount   decimal.Decimal
	Tax        decimal.Decimal
}

// StoreCharge is shipping or a fee on an order.
type StoreCharge struct {
	Kind   string // "shipping" or "fee"
	Title  string
	Amount decimal.Decimal
	Tax    decimal.Decimal
}

// StoreRefund is money given back on an order, with the returned items if any. A cancellation
// that restocks without a refund object on the platform is reported as a refund too.
type StoreRefund struct {
	ExternalID  string
	CreatedAt   time.Time
	Note        string
	Lines       []StoreRefundLine
	Shipping    decimal.Decimal // shipping refunded, in the order's tax basis
	ShippingTax decimal.Decimal
	// Total is the money refunded, as the store reports it.
	Total decimal.Decimal
	// CreditNote is the credit note the store issued itself for the refund, when it says (see
	// StoreOrder.Invoice).
	CreditNote StoreDocument
}

// StoreRefundLine is a returned quantity of one order line.
type StoreRefundLine struct {
	LineID   string // the order line's ExternalID
	Quantity decimal.Decimal
	Subtotal decimal.Decimal // the refunded amount for the line, before tax unless taxes are included
	Tax      decimal.Decimal
	Restock  bool // the quantity went back into the store's stock
}

// Errors a Store returns that the engine treats specially. Wrap them with detail.
var (
	// ErrUnauthorized: the credentials were refused. The run stops; the user must fix them.
	ErrUnauthorized = errors.New("the store refused the credentials")
	// ErrUnreachable: the store could not be reached or kept failing after retries.
	ErrUnreachable = errors.New("the store could not be reached")
	// ErrNotFound: the object asked for does not exist in the store.
	ErrNotFound = errors.New("not found in the store")
	// ErrReconnect: the store refused to renew the connection's tokens for good (a refresh token
	// revoked, expired or already spent). The run stops, the connection is marked as needing to
	// be connected again, and nothing retries until the merchant does.
	ErrReconnect = errors.New("the store needs to be connected again")
)

// StoreError is a store's refusal of one request, with what it said.
type StoreError struct {
	Op      string // what was being done, e.g. "list orders"
	Status  int    // HTTP status, 0 when not HTTP
	Message string // what the store said (never a credential)
	Err     error  // one of the sentinel errors above, or nil
}

func (e *StoreError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("%s: the store answered %d: %s", e.Op, e.Status, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Op, e.Message)
}

func (e *StoreError) Unwrap() error { return e.Err }
