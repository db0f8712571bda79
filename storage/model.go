package storage

import (
	"time"

	"github.com/shopspring/decimal"
)

// Branch is a place of business; every invoice belongs to one and is numbered in its sequence.
type Branch struct {
	ID   int64
	Code string // short, unique; prefixes the branch's document numbers
	Name string
}

// Warehouse holds stock.
type Warehouse struct {
	ID       int64
	Name     string
	BranchID int64 // 0 when not tied to a branch
}

// Category groups products.
type Category struct {
	ID   int64
	Name string
}

// Product is one sellable item (one store variant maps to one product).
type Product struct {
	ID            int64
	Code          string // unique: the store's SKU when it has one
	Barcode       string // unique when set
	Name          string
	Category      string // category name; empty for none
	PurchasePrice decimal.Decimal
	SalePrice     decimal.Decimal
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// Archived products stay in the books and their documents but are offered for nothing new
	// and never created in a store.
	Archived bool
}

// Client is a customer of the merchant.
type Client struct {
	ID        int64
	Name      string
	Email     string
	Phone     string // as entered
	PhoneE164 string // normalised for matching; empty when the phone is not a valid number
}

// MovementKind says why stock moved.
type MovementKind string

// The kinds of stock movement.
const (
	MoveInbound    MovementKind = "inbound"    // manual inbound requisition
	MoveOutbound   MovementKind = "outbound"   // manual outbound requisition
	MoveSale       MovementKind = "sale"       // a sales invoice
	MoveReturn     MovementKind = "return"     // a return invoice
	MoveAdjustment MovementKind = "adjustment" // a stock adjustment
	MoveTransfer   MovementKind = "transfer"   // a transfer between warehouses (out of one, into the other)
)

// Movement is one entry of the append-only stock ledger.
type Movement struct {
	ID          int64
	ProductID   int64
	WarehouseID int64
	Quantity    decimal.Decimal // positive into the warehouse, negative out
	Kind        MovementKind
	SourceType  string // requisition, sales_invoice, return_invoice, adjustment, stock_document
	SourceID    int64
	SourceRef   string    // the source document's number
	Date        time.Time // the source document's date
	CreatedAt   time.Time // when it was recorded
}

// RequisitionKind is inbound or outbound.
type RequisitionKind string

// Requisition kinds.
const (
	Inbound  RequisitionKind = "inbound"
	Outbound RequisitionKind = "outbound"
)

// RequisitionLine is a product and a positive quantity.
type RequisitionLine struct {
	ProductID int64
	Quantity  decimal.Decimal
}

// Requisition is a manual stock document moving goods into or out of a warehouse.
type Requisition struct {
	ID          int64
	Number      string
	Kind        RequisitionKind
	WarehouseID int64
	Date        time.Time
	Note        string
	Lines       []RequisitionLine
	// ConnectionID is the store connection a sync posted it for (0: none, e.g. the demo's).
	ConnectionID int64
	// NoteWords is the note Mizan wrote, in words a window translates (Note is their English).
	NoteWords NoteWords
}

// InvoiceType is sales or return.
type InvoiceType string

// Invoice types.
const (
	SalesInvoice  InvoiceType = "sales"
	ReturnInvoice InvoiceType = "return"
)

// InvoiceLine is one line of an invoice. ProductID may be 0 for a line that is not a product
// (an amount-only refund, a store's custom item); such a line never moves stock.
type InvoiceLine struct {
	ProductID   int64
	Description string          // defaults to the product name
	Quantity    decimal.Decimal // positive
	UnitPrice   decimal.Decimal
	Discount    decimal.Decimal // line discount, an amount off quantity × unit price
	Tax         decimal.Decimal // the line's tax amount
	Total       decimal.Decimal // computed: quantity × unit price − discount (+ tax unless tax-inclusive)
	// Restock (returns only): whether the returned quantity goes back into the warehouse.
	Restock bool
	// Filled in when reading.
	ProductCode string
}

// ChargeKind classifies an additional cost on an invoice.
type ChargeKind string

// Charge kinds.
const (
	ChargeShipping ChargeKind = "shipping"
	ChargeFee      ChargeKind = "fee"
	ChargeOther    ChargeKind = "other"
)

// Charge is shipping or another additional cost carried by an invoice.
type Charge struct {
	Kind        ChargeKind
	Description string
	Amount      decimal.Decimal // before tax unless the invoice is tax-inclusive
	Tax         decimal.Decimal
}

// Source names the store document an invoice came from.
type Source struct {
	Connection string
	Platform   string
	ExternalID string
	OrderName  string
}

// StoreDocument is the tax document a store issued itself for an invoice's order or refund (its
// tax invoice or credit note), when the store issues a connection's tax invoices.
type StoreDocument struct {
	Number string // the store's number for it
	QR     string // the text of its QR code, as the store gives it (ZATCA's base64 TLV)
}

// Invoice is a sales or return invoice. On input the totals are computed; on output they are
// the stored values.
type Invoice struct {
	ID           int64
	Type         InvoiceType
	Number       string
	BranchID     int64
	WarehouseID  int64
	ClientID     int64
	Currency     string
	IssueDate    time.Time
	TaxInclusive bool // unit prices and charges already include their tax
	// OriginalID is the sales invoice a return invoice returns against.
	OriginalID int64
	Lines      []InvoiceLine
	Charges    []Charge
	Discount   decimal.Decimal // order-level discount
	Notes      string
	Source     Source
	// StoreDoc is the store's own tax document for it, when the store gave one (empty otherwise).
	StoreDoc StoreDocument

	// Computed totals.
	Subtotal     decimal.Decimal // Σ line (quantity × unit price − line discount)
	Shipping     decimal.Decimal // Σ shipping charges
	OtherCharges decimal.Decimal // Σ fee and other charges
	Tax          decimal.Decimal // Σ line and charge tax
	Total        decimal.Decimal // subtotal − discount + shipping + other (+ tax unless inclusive)

	// Filled in when reading.
	BranchName     string
	WarehouseName  string
	Client         Client
	OriginalNumber string
	CreatedAt      time.Time
}
