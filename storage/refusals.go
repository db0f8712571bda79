package storage

import "fmt"

// refusals is every sentence the books' own checks of a product, a stock document, a warehouse,
// a branch, a client, a requisition or an invoice's quantities refuse it with, by code. The command line and the logs read the English (ValidationError.Msg); a window
// translates the sentence by its code and fills its places with the refusal's arguments, so a
// refusal reads in the window's language with the merchant's own words (a code, a quantity, a
// warehouse's name) as they are. Each place is an indexed verb (%[n]s, %[n]q) so a translation
// may put them in another order.
var refusals = map[string]string{
	"code_required":    "a product needs a code",
	"code_too_long":    "product code %[1]q… is longer than %[2]s characters",
	"code_control":     "product code %[1]q holds a control character",
	"code_taken":       "product code %[1]q is already used by %[2]q",
	"barcode_too_long": "product %[1]q: the barcode is longer than %[2]s characters",
	"barcode_control":  "product %[1]q: the barcode holds a control character",
	"barcode_taken":    "barcode %[1]q is already used by product %[2]q",
	"name_required":    "product %[1]q needs a name",
	"name_too_long":    "product %[1]q: the name is longer than %[2]s characters",
	"duplicate":        "product %[1]q duplicates another product",

	"purchase_price_negative":  "product %[1]q: purchase price %[2]s is negative",
	"purchase_price_too_large": "product %[1]q: purchase price %[2]s is too large",
	"purchase_price_decimals":  "product %[1]q: purchase price %[2]s has more than %[3]s decimal places",
	"sale_price_negative":      "product %[1]q: sale price %[2]s is negative",
	"sale_price_too_large":     "product %[1]q: sale price %[2]s is too large",
	"sale_price_decimals":      "product %[1]q: sale price %[2]s has more than %[3]s decimal places",

	"doc_date_future":       "the document's date %[1]s is in the future",
	"doc_same_warehouse":    "a transfer moves goods to another warehouse, not back into %[1]q",
	"doc_no_lines":          "a stock document needs at least one product",
	"doc_archived":          "line %[1]s: product %[2]q is archived",
	"doc_counted_twice":     "product %[1]q is counted on lines %[2]s and %[3]s: count it once",
	"doc_quantity_zero":     "line %[1]s: the quantity must be more than zero (got %[2]s)",
	"doc_quantity_large":    "line %[1]s: the quantity %[2]s is too large",
	"doc_quantity_decimals": "line %[1]s: the quantity %[2]s has more than 6 decimal places",
	"doc_cost_not_received": "line %[1]s: only goods received carry a purchase price",
	"doc_short_issue":       "line %[1]s: not enough %[2]q in %[3]s: taking out %[4]s leaves %[5]s",
	"doc_short_transfer":    "line %[1]s: not enough %[2]q in %[3]s: moving out %[4]s leaves %[5]s",
	"doc_reversed":          "that document has already been reversed",
	"doc_reversed_by":       "%[1]s has already been reversed by %[2]s",
	"doc_nothing_to_undo":   "%[1]s booked no difference: there is nothing to reverse",
	"stock_doc_missing":     "stock document %[1]s does not exist",

	"branch_code":             "branch code %[1]q must be 1 to 10 letters A–Z or digits",
	"branch_name_required":    "a branch needs a name",
	"branch_taken":            "a branch with code %[1]q or name %[2]q already exists",
	"branch_name_taken":       "a branch named %[1]q already exists",
	"branch_missing":          "branch %[1]s does not exist",
	"warehouse_name_required": "a warehouse needs a name",
	"warehouse_name_taken":    "a warehouse named %[1]q already exists",
	"warehouse_missing":       "warehouse %[1]s does not exist",
	"client_name_required":    "a client needs a name",
	"client_email_invalid":    "client %[1]q: %[2]q is not an email address",
	"client_phone_taken":      "%[1]s already has this phone",
	"client_email_taken":      "%[1]s already has this email",
	"client_none":             "no client given to edit",
	"client_missing":          "client %[1]s does not exist",

	"product_none":             "no product given to edit",
	"product_missing":          "product %[1]s does not exist",
	"product_used_movements":   "product %[1]q has stock movements, so it cannot be deleted: archive it instead",
	"product_used_invoices":    "product %[1]q has invoice lines, so it cannot be deleted: archive it instead",
	"product_used_requisition": "product %[1]q has requisitions, so it cannot be deleted: archive it instead",
	"product_used_documents":   "product %[1]q has stock documents, so it cannot be deleted: archive it instead",
	"product_used_adjustments": "product %[1]q has adjustments, so it cannot be deleted: archive it instead",
	"product_used_store":       "product %[1]q has a store's product, so it cannot be deleted: archive it instead",
	"product_used_store_stock": "product %[1]q has a store's stock, so it cannot be deleted: archive it instead",

	"requisition_kind":              "requisition kind must be inbound or outbound, not %[1]q",
	"requisition_no_lines":          "a requisition needs at least one line",
	"requisition_quantity_zero":     "requisition line %[1]s: quantity must be more than zero (got %[2]s)",
	"requisition_quantity_decimals": "requisition line %[1]s: quantity %[2]s has more than 6 decimal places",
	"requisition_short":             "not enough %[1]q in stock: taking out %[2]s leaves %[3]s",
	"sales_quantity_zero":           "sales invoice line %[1]s: quantity must be more than zero (got %[2]s)",
	"sales_quantity_decimals":       "sales invoice line %[1]s: quantity %[2]s has more than 6 decimal places",
	"return_quantity_zero":          "return invoice line %[1]s: quantity must be more than zero (got %[2]s)",
	"return_quantity_decimals":      "return invoice line %[1]s: quantity %[2]s has more than 6 decimal places",

	// An invoice's refusals: of the invoice, of a line or a charge (around why), of a return.
	"sales_invoice_refused":       "sales invoice: %[1]s",
	"return_invoice_refused":      "return invoice: %[1]s",
	"sales_line_refused":          "sales invoice line %[1]s: %[2]s",
	"return_line_refused":         "return invoice line %[1]s: %[2]s",
	"sales_charge_refused":        "sales invoice charge %[1]s: %[2]s",
	"return_charge_refused":       "return invoice charge %[1]s: %[2]s",
	"currency_code":               "currency %[1]q is not a three-letter code such as SAR",
	"invoice_no_lines":            "it needs at least one line",
	"invoice_no_lines_or_charges": "it needs at least one line or charge",
	"unit_price_negative":         "unit price %[1]s is negative",
	"discount_negative":           "discount %[1]s is negative",
	"line_discount_over":          "discount %[1]s is more than the line's %[2]s",
	"tax_negative":                "tax %[1]s is negative",
	"line_description":            "a line without a product needs a description",
	"charge_kind":                 "kind must be shipping, fee or other, not %[1]q",
	"charge_negative":             "amount %[1]s and tax %[2]s cannot be negative",
	"invoice_discount_over":       "the discount %[1]s is more than the invoice is worth (total would be %[2]s)",
	"invoice_missing":             "invoice %[1]s does not exist",
	"sales_with_original":         "a sales invoice cannot return against another invoice",
	"return_without_original":     "a return invoice must name the sales invoice it returns against",
	"return_of_return":            "invoice %[1]s is a return invoice; a return must be against a sales invoice",
	"return_currency":             "return invoice is in %[1]s but %[2]s is in %[3]s",
	"return_more_than_sold":       "%[1]s sold %[2]s of %[3]q and %[4]s already came back, so %[5]s cannot be returned",
	"return_total_over":           "return invoice total %[1]s with the %[2]s already returned is more than %[3]s's total %[4]s",

	// The seller's details (a field's name is a sentence of its own, "seller_field_<key>", see init).
	"vat_length":              "VAT registration number: %[1]q has %[2]s characters; it must be 15 digits",
	"vat_digits":              "VAT registration number: %[1]q must be digits only (0-9)",
	"vat_three":               "VAT registration number: %[1]s must start and end with 3",
	"seller_unknown":          "there is no seller detail %[1]q (known: %[2]s)",
	"seller_ten_digits":       "%[1]s: %[2]q must be 10 digits",
	"seller_plain_text":       "%[1]s: it must be plain text",
	"seller_too_long":         "%[1]s: at most 300 characters",
	"logo_too_large":          "Logo: the image is %[1]s KB; at most 1024 KB",
	"logo_format":             "Logo: the file must be a PNG or JPEG image",
	"issuer_unknown":          "Tax invoice issued by: %[1]q must be mizan or store",
	"connection_missing":      "connection %[1]s does not exist",
	"connection_name_unknown": "no connection is named %[1]q",

	// The treasury: accounts, payment methods and payments.
	"iban_length":            "IBAN %[1]q is not 15 to 34 letters and digits long",
	"iban_form":              "IBAN %[1]q must start with a country code and two check digits, then letters and digits only",
	"iban_saudi_length":      "IBAN %[1]q: a Saudi IBAN is 24 characters (SA, 2 check digits, 20 more), not %[2]s",
	"iban_check":             "IBAN %[1]q: its check digits do not match (a mistyped character?)",
	"account_name_required":  "a treasury account needs a name",
	"account_kind":           "account %[1]q: kind must be cash or bank, not %[2]q",
	"account_cash_iban":      "account %[1]q: a cash account has no IBAN",
	"account_name_taken":     "there is already an account named %[1]q",
	"account_missing":        "treasury account %[1]s does not exist",
	"method_name_required":   "a payment method needs a name",
	"payment_direction":      "a payment goes in or out, not %[1]q",
	"payment_amount":         "a payment's amount must be more than zero, not %[1]s",
	"payment_return_invoice": "money comes in for a sales invoice; %[1]s is a return invoice",
	"payment_reversed":       "that payment has already been reversed",
	"payment_reversal":       "%[1]s is itself a reversal of %[2]s; record the payment again instead of reversing it",
	"payment_reversed_by":    "%[1]s was already reversed by %[2]s",
}

// Each seller detail's name is a sentence of the catalogue, for the refusals that name it.
func init() {
	for _, f := range SellerFields {
		refusals["seller_field_"+f.Key] = f.Label
	}
}

// Refusals is the catalogue of the books' refusals, by code (a copy).
func Refusals() map[string]string {
	out := make(map[string]string, len(refusals))
	for k, v := range refusals {
		out[k] = v
	}
	return out
}

// refusal is a validation error worded by a sentence of the catalogue; its arguments are kept as
// text.
func refusal(code string, args ...any) *ValidationError {
	format, ok := refusals[code]
	if !ok {
		panic("storage: no refusal is worded " + code)
	}
	v := &ValidationError{Code: code, Args: make([]string, len(args))}
	texts := make([]any, len(args))
	for i, a := range args {
		if inner, ok := a.(*ValidationError); ok {
			// A sentence that wraps another refusal keeps it whole, so a window says both.
			if v.Nested == nil {
				v.Nested = make([]*ValidationError, len(args))
			}
			v.Nested[i] = inner
			a = inner.Msg
		}
		v.Args[i] = fmt.Sprint(a)
		texts[i] = v.Args[i]
	}
	v.Msg = fmt.Sprintf(format, texts...)
	return v
}

// refuse is a refusal of the input as a whole.
func refuse(code string, args ...any) error { return refusal(code, args...) }

// refuseField is a refusal of one field of the input (see FieldError).
func refuseField(field, code string, args ...any) error {
	return &FieldError{Field: field, Err: refusal(code, args...)}
}
