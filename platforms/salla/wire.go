package salla

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"mizan/platforms/jsonnum"
	"mizan/platforms/jsontime"
)

// envelope is Salla's answer: {status, success, data, pagination} or, on an error,
// {status, success: false, error: {code, message, fields}}.
type envelope struct {
	Status     jsonnum.Num     `json:"status"`
	Success    *bool           `json:"success"`
	Data       json.RawMessage `json:"data"`
	Pagination *pagination     `json:"pagination"`
	Error      *apiError       `json:"error"`
}

// pagination is Salla's paging block. links is {} on a single page.
type pagination struct {
	Count       jsonnum.Num `json:"count"`
	Total       jsonnum.Num `json:"total"`
	PerPage     jsonnum.Num `json:"perPage"`
	CurrentPage jsonnum.Num `json:"currentPage"`
	TotalPages  jsonnum.Num `json:"totalPages"`
}

// apiError is Salla's error block. code is a word ("unauthorized") or a number; message is a
// text; fields maps a field to its messages.
type apiError struct {
	Code    json.RawMessage            `json:"code"`
	Message json.RawMessage            `json:"message"`
	Fields  map[string]json.RawMessage `json:"fields"`
}

func (e *apiError) code() string { return rawText(e.Code) }

// text renders the error for the merchant: its message and what it says about fields.
func (e *apiError) text() string {
	msg := rawText(e.Message)
	var parts []string
	for f, raw := range e.Fields {
		var msgs []string
		if json.Unmarshal(raw, &msgs) != nil {
			msgs = []string{rawText(raw)}
		}
		parts = append(parts, f+": "+strings.Join(msgs, "; "))
	}
	if len(parts) > 0 {
		sortStrings(parts)
		if msg != "" {
			msg += " "
		}
		msg += "(" + strings.Join(parts, ", ") + ")"
	}
	return msg
}

// rawText is a JSON string's text, or a number's digits; other values give "".
func rawText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// sid is an id Salla sends as a number or a string; it is kept as text.
type sid = jsonnum.ID

// money is an amount as Salla sends it: {amount, currency}, a bare number or a string; {} and
// null leave it unset (a sale price that is not set).
type money struct {
	jsonnum.Num
	Currency string
}

func (m *money) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*m = money{}
	if len(b) > 0 && b[0] == '{' {
		// {amount, currency}; a tax's {percent, amount: {amount, currency}} nests one deeper.
		var o struct {
			Amount   json.RawMessage `json:"amount"`
			Currency text            `json:"currency"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		a := bytes.TrimSpace(o.Amount)
		if len(a) > 0 && a[0] == '{' {
			var in money
			if bytes.Contains(a[1:], []byte("{")) {
				return fmt.Errorf("not an amount: %.40s", b)
			}
			if err := in.UnmarshalJSON(a); err != nil {
				return err
			}
			*m = in
			if m.Currency == "" {
				m.Currency = string(o.Currency)
			}
			return nil
		}
		if len(a) > 0 {
			if err := m.Num.UnmarshalJSON(a); err != nil {
				return err
			}
		}
		m.Currency = string(o.Currency)
		return nil
	}
	if len(b) > 0 && b[0] == '[' { // an empty list stands for "none" in some answers
		var l []json.RawMessage
		if err := json.Unmarshal(b, &l); err != nil || len(l) > 0 {
			return fmt.Errorf("not an amount: %.40s", b)
		}
		return nil
	}
	return m.Num.UnmarshalJSON(b)
}

// flag is a boolean Salla may send as true/false, 0/1 or "0"/"1".
type flag bool

func (f *flag) UnmarshalJSON(b []byte) error {
	switch strings.Trim(strings.TrimSpace(string(b)), `"`) {
	case "true", "1", "yes":
		*f = true
	case "false", "0", "", "null", "no":
		*f = false
	default:
		return fmt.Errorf("not a yes or no: %.20s", b)
	}
	return nil
}

// text is a string Salla may send as a string, a number, null, or a multi-language object
// {"ar": …, "en": …} (the Arabic one is taken when there is one).
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("not a text: %w", err)
		}
		for _, k := range []string{"ar", "en"} {
			if v := strings.TrimSpace(m[k]); v != "" {
				*t = text(v)
				return nil
			}
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sortStrings(keys)
		for _, k := range keys {
			if v := strings.TrimSpace(m[k]); v != "" {
				*t = text(v)
				return nil
			}
		}
		*t = ""
		return nil
	}
	*t = text(rawText(b))
	return nil
}

// ---- products

type product struct {
	ID                sid           `json:"id"`
	Name              text          `json:"name"`
	SKU               text          `json:"sku"`
	MPN               text          `json:"mpn"`
	GTIN              text          `json:"gtin"`
	Barcode           text          `json:"barcode"`
	Type              text          `json:"type"`
	Price             money         `json:"price"`
	RegularPrice      money         `json:"regular_price"`
	SalePrice         money         `json:"sale_price"`
	CostPrice         money         `json:"cost_price"`
	Quantity          jsonnum.Num   `json:"quantity"`
	UnlimitedQuantity flag          `json:"unlimited_quantity"`
	Status            text          `json:"status"`
	Categories        []category    `json:"categories"`
	Options           []option      `json:"options"`
	SKUs              []variant     `json:"skus"`
	UpdatedAt         jsontime.Time `json:"updated_at"`
}

type category struct {
	ID   sid  `json:"id"`
	Name text `json:"name"`
}

type option struct {
	ID     sid  `json:"id"`
	Name   text `json:"name"`
	Values []struct {
		ID   sid  `json:"id"`
		Name text `json:"name"`
	} `json:"values"`
}

type variant struct {
	ID                  sid           `json:"id"`
	Price               money         `json:"price"`
	RegularPrice        money         `json:"regular_price"`
	SalePrice           money         `json:"sale_price"`
	CostPrice           money         `json:"cost_price"`
	StockQuantity       jsonnum.Num   `json:"stock_quantity"`
	UnlimitedQuantity   flag          `json:"unlimited_quantity"`
	Barcode             text          `json:"barcode"`
	SKU                 text          `json:"sku"`
	MPN                 text          `json:"mpn"`
	GTIN                text          `json:"gtin"`
	RelatedOptionValues []sid         `json:"related_option_values"`
	UpdatedAt           jsontime.Time `json:"updated_at"`
}

// quantityRow is one row of /products/quantities: a product, or one variant of it.
type quantityRow struct {
	ID                sid         `json:"id"`
	Name              text        `json:"name"`
	SKUID             sid         `json:"sku_id"`
	VariantID         sid         `json:"variant_id"`
	SKU               text        `json:"sku"`
	Quantity          jsonnum.Num `json:"quantity"`
	UnlimitedQuantity flag        `json:"unlimited_quantity"`
	// Variant is the variant's name (or {id, name}), null for a product without options.
	Variant json.RawMessage `json:"variant"`
}

type branch struct {
	ID        sid  `json:"id"`
	Name      text `json:"name"`
	IsDefault flag `json:"is_default"`
	Status    text `json:"status"`
}

// ---- orders

type orderStatus struct {
	ID         sid  `json:"id"`
	Name       text `json:"name"`
	Slug       text `json:"slug"`
	Customized *struct {
		ID   sid  `json:"id"`
		Name text `json:"name"`
		Slug text `json:"slug"`
	} `json:"customized"`
	Original *statusRef `json:"original"`
	Parent   *statusRef `json:"parent"`
}

type statusRef struct {
	ID   sid  `json:"id"`
	Name text `json:"name"`
	Slug text `json:"slug"`
}

// statusEntry is one of the store's statuses (/orders/statuses).
type statusEntry struct {
	ID       sid        `json:"id"`
	Name     text       `json:"name"`
	Type     text       `json:"type"` // original or custom
	Slug     text       `json:"slug"`
	Original *statusRef `json:"original"`
	Parent   *statusRef `json:"parent"`
}

// orderListItem is an order as /orders lists it: no updated_at.
type orderListItem struct {
	ID          sid  `json:"id"`
	ReferenceID text `json:"reference_id"`
}

type orderDetail struct {
	ID          sid           `json:"id"`
	ReferenceID text          `json:"reference_id"`
	Date        jsontime.Time `json:"date"`
	UpdatedAt   jsontime.Time `json:"updated_at"`
	Status      orderStatus   `json:"status"`
	Currency    text          `json:"currency"`
	Amounts     orderAmounts  `json:"amounts"`
	// PaymentMethod is how the order is paid: cod, mada, credit_card, apple_pay, bank, tabby, …
	PaymentMethod text `json:"payment_method"`
	Customer      *struct {
		ID          sid  `json:"id"`
		FirstName   text `json:"first_name"`
		LastName    text `json:"last_name"`
		Mobile      text `json:"mobile"`
		MobileCode  text `json:"mobile_code"`
		Email       text `json:"email"`
		FullName    text `json:"full_name"`
		Name        text `json:"name"`
		IsGuest     flag `json:"is_guest"`
		CountryCode text `json:"country_code"`
	} `json:"customer"`
	Receiver *struct {
		Name  text `json:"name"`
		Email text `json:"email"`
		Phone text `json:"phone"`
	} `json:"receiver"`
}

type orderAmounts struct {
	SubTotal       money `json:"sub_total"`
	ShippingCost   money `json:"shipping_cost"`
	CashOnDelivery money `json:"cash_on_delivery"`
	Tax            struct {
		Percent jsonnum.Num `json:"percent"`
		Amount  money       `json:"amount"`
	} `json:"tax"`
	Discounts []struct {
		Title              text        `json:"title"`
		Type               text        `json:"type"`
		Code               text        `json:"code"`
		Discount           jsonnum.Num `json:"discount"`
		DiscountedShipping jsonnum.Num `json:"discounted_shipping"`
	} `json:"discounts"`
	Total money `json:"total"`
}

type orderItem struct {
	ID       sid         `json:"id"`
	Name     text        `json:"name"`
	SKU      text        `json:"sku"`
	Quantity jsonnum.Num `json:"quantity"`
	Currency text        `json:"currency"`
	Amounts  struct {
		PriceWithoutTax money `json:"price_without_tax"`
		TotalDiscount   money `json:"total_discount"`
		Tax             struct {
			Percent jsonnum.Num `json:"percent"`
			Amount  money       `json:"amount"`
		} `json:"tax"`
		Total money `json:"total"`
	} `json:"amounts"`
	Options []struct {
		ID              sid  `json:"id"`
		ProductOptionID sid  `json:"product_option_id"`
		Name            text `json:"name"`
		Value           *struct {
			ID   sid  `json:"id"`
			Name text `json:"name"`
		} `json:"value"`
	} `json:"options"`
}

// invoice is one of Salla's own tax documents for an order: a "Tax Invoice" or a "Credit Note".
type invoice struct {
	ID            sid           `json:"id"`
	InvoiceNumber text          `json:"invoice_number"`
	QRCode        text          `json:"qr_code"`
	OrderID       sid           `json:"order_id"`
	Type          text          `json:"type"`
	Date          jsontime.Time `json:"date"`
	SubTotal      money         `json:"sub_total"`
	ShippingCost  struct {
		Amount  money `json:"amount"`
		Taxable flag  `json:"taxable"`
	} `json:"shipping_cost"`
	CODCost  money `json:"cod_cost"`
	Discount money `json:"discount"`
	Tax      struct {
		Percent jsonnum.Num `json:"percent"`
		Amount  money       `json:"amount"`
	} `json:"tax"`
	Total money `json:"total"`
	Items []struct {
		ID        sid         `json:"id"`
		ProductID sid         `json:"product_id"`
		ItemID    sid         `json:"item_id"`
		Name      text        `json:"name"`
		Quantity  jsonnum.Num `json:"quantity"`
		Price     money       `json:"price"`
		Discount  money       `json:"discount"`
		Tax       money       `json:"tax"`
		Total     money       `json:"total"`
	} `json:"items"`
}

// isCreditNote says whether an invoice is a credit note ("Credit Note", "credit_note").
func (inv invoice) isCreditNote() bool {
	t := strings.ToLower(strings.NewReplacer("_", " ", "-", " ").Replace(string(inv.Type)))
	return strings.Join(strings.Fields(t), " ") == "credit note"
}

type history struct {
	ID         sid           `json:"id"`
	Status     text          `json:"status"`
	Customized *statusEntry  `json:"customized"`
	Type       text          `json:"type"`
	CreatedAt  jsontime.Time `json:"created_at"`
}

// shippingAmount reads an invoice's shipping_cost, which the docs show as {amount, taxable}
// and some answers give as a bare amount.
func (inv *invoice) UnmarshalJSON(b []byte) error {
	type plain invoice
	var p struct {
		plain
		ShippingCost json.RawMessage `json:"shipping_cost"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*inv = invoice(p.plain)
	raw := bytes.TrimSpace(p.ShippingCost)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil
	}
	if raw[0] == '{' {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return err
		}
		if _, ok := obj["taxable"]; ok {
			if err := json.Unmarshal(raw, &inv.ShippingCost); err != nil {
				return fmt.Errorf("shipping_cost: %w", err)
			}
			return nil
		}
	}
	if err := json.Unmarshal(raw, &inv.ShippingCost.Amount); err != nil {
		return fmt.Errorf("shipping_cost: %w", err)
	}
	return nil
}
