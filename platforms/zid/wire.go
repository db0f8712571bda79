package zid

import (
	"bytes"
	"encoding/json"
	"strings"

	"mizan/platforms/jsonnum"
	"mizan/platforms/jsontime"
)

// names is a name as Zid writes it: {"ar": …, "en": …} (either may be missing or empty), or a
// plain string on a few endpoints.
type names struct {
	Ar, En string
}

func (n *names) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*n = names{}
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
		return nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		n.Ar = strings.TrimSpace(s)
		return nil
	}
	var o struct {
		Ar *string `json:"ar"`
		En *string `json:"en"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return err
	}
	if o.Ar != nil {
		n.Ar = strings.TrimSpace(*o.Ar)
	}
	if o.En != nil {
		n.En = strings.TrimSpace(*o.En)
	}
	return nil
}

// String is the name the books keep: the Arabic one, or the English one when that is all.
func (n names) String() string {
	if n.Ar != "" {
		return n.Ar
	}
	return n.En
}

// ---- products (DRF)

// productPage is one page of GET /v1/products/.
type productPage struct {
	Count    jsonnum.Num       `json:"count"`
	Next     *string           `json:"next"`
	Previous *string           `json:"previous"`
	Results  []json.RawMessage `json:"results"`
}

type product struct {
	ID         jsonnum.ID    `json:"id"`
	ParentID   *jsonnum.ID   `json:"parent_id"`
	Structure  string        `json:"structure"` // standalone, parent, child
	SKU        string        `json:"sku"`
	Barcode    *string       `json:"barcode"`
	Name       names         `json:"name"`
	Price      jsonnum.Num   `json:"price"`
	SalePrice  jsonnum.Num   `json:"sale_price"`
	Cost       jsonnum.Num   `json:"cost"`
	Quantity   jsonnum.Num   `json:"quantity"`
	IsInfinite bool          `json:"is_infinite"`
	Stocks     []stock       `json:"stocks"`
	Categories []category    `json:"categories"`
	Attributes []attribute   `json:"attributes"`
	Variants   []product     `json:"variants"`
	UpdatedAt  jsontime.Time `json:"updated_at"`
}

type category struct {
	ID   jsonnum.ID `json:"id"`
	Name names      `json:"name"`
}

// categoryNode is a category as GET /v1/managers/store/categories lists it: its name in the
// answer's language beside both (names), and the categories under it.
type categoryNode struct {
	ID    jsonnum.ID     `json:"id"`
	Name  names          `json:"name"`
	Names names          `json:"names"`
	Subs  []categoryNode `json:"sub_categories"`
}

type attribute struct {
	Name  names `json:"name"`
	Value names `json:"value"`
}

type stock struct {
	ID                jsonnum.ID  `json:"id"`
	Location          location    `json:"location"`
	AvailableQuantity jsonnum.Num `json:"available_quantity"`
	IsInfinite        bool        `json:"is_infinite"`
}

type location struct {
	ID   jsonnum.ID `json:"id"`
	Name names      `json:"name"`
	Type string     `json:"type"`
}

// ---- store

type profile struct {
	User struct {
		Name  string `json:"name"`
		Store struct {
			ID       jsonnum.ID `json:"id"`
			Title    string     `json:"title"`
			Username string     `json:"username"`
			URL      string     `json:"url"`
			Currency *struct {
				Code string `json:"code"`
			} `json:"currency"`
			RestockCancelled *bool `json:"is_restock_cancelled_orders_enabled"`
		} `json:"store"`
	} `json:"user"`
}

// ---- orders

// orderList is one page of GET /v1/managers/store/orders.
type orderList struct {
	Orders          []json.RawMessage `json:"orders"`
	TotalOrderCount jsonnum.Num       `json:"total_order_count"`
}

// orderView is GET /v1/managers/store/orders/{id}/view.
type orderView struct {
	Order json.RawMessage `json:"order"`
}

type order struct {
	ID          jsonnum.ID `json:"id"`
	Code        string     `json:"code"`
	OrderStatus struct {
		Code string `json:"code"`
		Name string `json:"name"`
	} `json:"order_status"`
	CurrencyCode    string       `json:"currency_code"`
	OrderTotal      jsonnum.Long `json:"order_total"`
	IsGuestCustomer jsonnum.Num  `json:"is_guest_customer"`
	Customer        *struct {
		ID     jsonnum.ID `json:"id"`
		Name   string     `json:"name"`
		Email  string     `json:"email"`
		Mobile string     `json:"mobile"`
	} `json:"customer"`
	Consignee *struct {
		Name   string `json:"name"`
		Email  string `json:"email"`
		Mobile string `json:"mobile"`
	} `json:"consignee"`
	Payment *struct {
		Method *struct {
			Code      string    `json:"code"`
			Name      string    `json:"name"`
			UpdatedAt looseTime `json:"updated_at"` // when its payment last changed
		} `json:"method"`
		Invoice []invoiceLine `json:"invoice"`
	} `json:"payment"`
	Products   []orderProduct `json:"products"`
	EditsCount jsonnum.Num    `json:"edits_count"`
	Histories  []struct {
		OrderStatusName string        `json:"order_status_name"`
		CreatedAt       jsontime.Time `json:"created_at"`
	} `json:"histories"`
	CreatedAt jsontime.Time `json:"created_at"`
	UpdatedAt jsontime.Time `json:"updated_at"`
	moneyState
}

// invoiceLine is one figure of payment.invoice[]: {code, value, value_string, title}.
type invoiceLine struct {
	Code  string       `json:"code"`
	Value jsonnum.Long `json:"value"`
	Title string       `json:"title"`
}

type orderProduct struct {
	ID             jsonnum.ID   `json:"id"` // the variant's (or product's) id
	OrderProductID jsonnum.ID   `json:"order_product_id"`
	ParentID       *jsonnum.ID  `json:"parent_id"`
	Name           string       `json:"name"`
	SKU            string       `json:"sku"`
	Barcode        *string      `json:"barcode"`
	Quantity       jsonnum.Num  `json:"quantity"`
	Price          jsonnum.Long `json:"price"`
	NetPrice       jsonnum.Long `json:"net_price"`
	GrossPrice     jsonnum.Long `json:"gross_price"`
	TaxPercentage  jsonnum.Long `json:"tax_percentage"`
	TaxAmount      jsonnum.Long `json:"tax_amount"`
	Total          jsonnum.Long `json:"total"`
}

type creditNote struct {
	// creditNote is one of GET /v1/managers/store/orders/{id}/credit-notes's payload.credit_notes.
	ID                    jsonnum.ID   `json:"id"`
	OrderID               jsonnum.ID   `json:"order_id"`
	InvoiceNumber         jsonnum.ID   `json:"invoice_number"`
	OriginalInvoiceNumber jsonnum.ID   `json:"original_invoice_number"`
	IssueReason           string       `json:"issue_reason"`
	OrderTotal            jsonnum.Long `json:"order_total"`
	Items                 []struct {
		ProductID      jsonnum.ID   `json:"product_id"`
		OrderProductID jsonnum.ID   `json:"order_product_id"`
		SKU            string       `json:"sku"`
		Quantity       jsonnum.Num  `json:"quantity"`
		Price          jsonnum.Long `json:"price"`
		Total          jsonnum.Long `json:"total"`
	} `json:"items"`
	Payment *struct {
		Invoice []invoiceLine `json:"invoice"`
	} `json:"payment"`
	CreatedAt jsontime.Time `json:"created_at"`
}
