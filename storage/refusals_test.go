package storage

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

var refusalPlace = regexp.MustCompile(`%\[(\d+)\]([sq])|%`)

// Every refusal is worded by a sentence of the catalogue, named by a literal code (or by the
// prices' family), given as many arguments as the sentence has places, each an indexed verb.
func TestRefusalsAreInTheCatalogue(t *testing.T) {
	places := map[string]int{}
	for code, english := range refusals {
		seen := map[int]bool{}
		for _, m := range refusalPlace.FindAllStringSubmatch(english, -1) {
			if m[1] == "" {
				t.Errorf("%s: %q has a verb that is not %%[n]s or %%[n]q", code, english)
				continue
			}
			n, _ := strconv.Atoi(m[1])
			seen[n] = true
		}
		for n := 1; n <= len(seen); n++ {
			if !seen[n] {
				t.Errorf("%s: %q skips place %d", code, english, n)
			}
		}
		places[code] = len(seen)
	}
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	calls := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			id, ok := call.Fun.(*ast.Ident)
			if !ok {
				return true
			}
			codeAt := map[string]int{"refuse": 0, "refusal": 0, "refuseField": 1}
			at, ok := codeAt[id.Name]
			if !ok || len(call.Args) <= at {
				return true
			}
			calls++
			lit, ok := call.Args[at].(*ast.BasicLit)
			if !ok {
				return true // a code made at run time: the prices' family, below
			}
			code, _ := strconv.Unquote(lit.Value)
			want, ok := places[code]
			if !ok {
				t.Errorf("%s: %q is not in the catalogue (refusals)", fset.Position(call.Pos()), code)
			} else if given := len(call.Args) - at - 1; given != want {
				t.Errorf("%s: %q takes %d arguments, given %d", fset.Position(call.Pos()), code, want, given)
			}
			return true
		})
	}
	if calls < 20 {
		t.Fatalf("found only %d refusals", calls)
	}
	for _, price := range []string{"purchase_price", "sale_price"} {
		for _, what := range []string{"_negative", "_too_large", "_decimals"} {
			if _, ok := refusals[price+what]; !ok {
				t.Errorf("%s%s is not in the catalogue", price, what)
			}
		}
	}
}

// A refusal keeps its English message and the field it names, and says which sentence it is with
// the merchant's own words that fill it.
func TestRefusalNamesItsSentence(t *testing.T) {
	f := newFixture(t)
	err := f.db.Update(ctx, func(tx *Tx) error {
		_, err := tx.CreateProduct(Product{Code: "NEW-1", Barcode: f.coffee.Barcode, Name: "x"})
		return err
	})
	var v *ValidationError
	if !errors.As(err, &v) || InvalidField(err) != "barcode" || v.Code != "barcode_taken" ||
		strings.Join(v.Args, "|") != f.coffee.Barcode+"|COF-250" ||
		err.Error() != `barcode "6281000000017" is already used by product "COF-250"` {
		t.Fatalf("a barcode taken: %v (%+v, field %q)", err, v, InvalidField(err))
	}
	_, err = f.db.StockDocument(ctx, 999)
	if !errors.As(err, &v) || v.Code != "stock_doc_missing" || err.Error() != "stock document 999 does not exist" {
		t.Fatalf("a stock document that does not exist: %v %+v", err, v)
	}
	_, err = f.db.StockDocumentOf(ctx, DocAdjustment, 999)
	if !errors.As(err, &v) || v.Code != "" {
		t.Fatalf("a refusal not in the catalogue: %v %+v", err, v)
	}
}

// The refusals of a warehouse, a branch, a client, a requisition's or an invoice's quantity and a
// product that cannot be deleted say which sentence they are, with the English they always had.
func TestRefusalsOfRecordsAndQuantities(t *testing.T) {
	f := newFixture(t)
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.AddClient(Client{Name: "سارة", Phone: "0501234567", Email: "sara@example.sa"}); err != nil {
			return err
		}
		_, err := tx.PostRequisition(Requisition{Kind: Inbound, WarehouseID: f.warehouse, Lines: []RequisitionLine{{ProductID: f.tea.ID, Quantity: d("2")}}})
		return err
	}))
	one := func(q string) []RequisitionLine { return []RequisitionLine{{ProductID: f.coffee.ID, Quantity: d(q)}} }
	sale := Invoice{Type: SalesInvoice, BranchID: f.branch, WarehouseID: f.warehouse, ClientID: f.client, Currency: "SAR",
		Lines: []InvoiceLine{{ProductID: f.coffee.ID, Quantity: d("0"), UnitPrice: d("10")}}}
	for _, c := range []struct {
		name, field, code, english string
		do                         func(tx *Tx) error
	}{
		{"a warehouse's name taken", "name", "warehouse_name_taken", `a warehouse named "Main warehouse" already exists`,
			func(tx *Tx) error { _, err := tx.CreateWarehouse(" Main warehouse ", 0); return err }},
		{"a warehouse renamed to nothing", "name", "warehouse_name_required", "a warehouse needs a name",
			func(tx *Tx) error { _, err := tx.RenameWarehouse(f.warehouse, " "); return err }},
		{"a branch's code", "code", "branch_code", `branch code "JEDDAH-WEST" must be 1 to 10 letters A–Z or digits`,
			func(tx *Tx) error { _, err := tx.CreateBranch("jeddah-west", "Jeddah"); return err }},
		{"a branch taken", "", "branch_taken", `a branch with code "MAIN" or name "x" already exists`,
			func(tx *Tx) error { _, err := tx.CreateBranch("MAIN", "x"); return err }},
		{"a warehouse that is not", "", "warehouse_missing", "warehouse 404 does not exist",
			func(tx *Tx) error { _, err := tx.Warehouse(404); return err }},
		{"a client's phone taken", "phone", "client_phone_taken", "سارة already has this phone",
			func(tx *Tx) error {
				_, err := tx.AddClient(Client{Name: "نورة", Phone: "+966501234567"})
				return err
			}},
		{"a client's email taken", "email", "client_email_taken", "سارة already has this email",
			func(tx *Tx) error {
				_, err := tx.AddClient(Client{Name: "نورة", Email: "SARA@example.sa"})
				return err
			}},
		{"a client without a name", "name", "client_name_required", "a client needs a name",
			func(tx *Tx) error { _, err := tx.AddClient(Client{Name: " "}); return err }},
		{"a requisition's zero", "", "requisition_quantity_zero", "requisition line 1: quantity must be more than zero (got 0)",
			func(tx *Tx) error {
				_, err := tx.PostRequisition(Requisition{Kind: Inbound, WarehouseID: f.warehouse, Lines: one("0")})
				return err
			}},
		{"a requisition's decimals", "", "requisition_quantity_decimals", "requisition line 1: quantity 0.0000001 has more than 6 decimal places",
			func(tx *Tx) error {
				_, err := tx.PostRequisition(Requisition{Kind: Inbound, WarehouseID: f.warehouse, Lines: one("0.0000001")})
				return err
			}},
		{"a requisition short", "", "requisition_short", `not enough "COF-250" in stock: taking out 3 leaves -3`,
			func(tx *Tx) error {
				_, err := tx.PostRequisition(Requisition{Kind: Outbound, WarehouseID: f.warehouse, Lines: one("3")})
				return err
			}},
		{"a sales invoice's zero", "", "sales_quantity_zero", "sales invoice line 1: quantity must be more than zero (got 0)",
			func(tx *Tx) error { _, err := tx.IssueSalesInvoice(sale); return err }},
		{"a product that is not", "", "product_missing", "product 404 does not exist",
			func(tx *Tx) error { _, err := tx.Product(404); return err }},
		{"a product with stock movements", "", "product_used_movements", `product "TEA-100" has stock movements, so it cannot be deleted: archive it instead`,
			func(tx *Tx) error { return tx.DeleteProduct(f.tea.ID) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := f.db.Update(ctx, c.do)
			var v *ValidationError
			if !errors.As(err, &v) || v.Code != c.code || err.Error() != c.english || InvalidField(err) != c.field {
				t.Fatalf("%v (%+v, field %q), want %s: %q on %q", err, v, InvalidField(err), c.code, c.english, c.field)
			}
		})
	}
	// What keeps a product from being deleted is said by a sentence of its own, in the words
	// ProductInUse gives.
	for _, used := range []string{"stock movements", "invoice lines", "requisitions", "stock documents", "adjustments", "a store's product", "a store's stock"} {
		want := fmt.Sprintf("product %q has %s, so it cannot be deleted: archive it instead", "X-1", used)
		if err := productUsed("X-1", used); err.Error() != want {
			t.Errorf("%s: %q, want %q", used, err, want)
		}
	}
}

// An invoice's refusal is a sentence around why: the invoice, its line or its charge, with the
// reason a sentence of its own; the English is as it always was.
func TestInvoiceRefusalsWrapTheirReason(t *testing.T) {
	f := newFixture(t)
	one := func(price string) InvoiceLine {
		return InvoiceLine{ProductID: f.coffee.ID, Quantity: decimal.NewFromInt(1), UnitPrice: decimal.RequireFromString(price)}
	}
	for _, c := range []struct {
		name    string
		inv     func() Invoice
		english string
		codes   string // the sentence and the one it wraps
	}{
		{"a negative price", func() Invoice { return f.sale(one("10"), one("-2")) },
			"sales invoice line 2: unit price -2 is negative", "sales_line_refused/unit_price_negative"},
		{"a product that does not exist", func() Invoice {
			l := one("10")
			l.ProductID = 999
			return f.sale(l)
		}, "sales invoice line 1: product 999 does not exist", "sales_line_refused/product_missing"},
		{"a negative charge", func() Invoice {
			inv := f.sale(one("10"))
			inv.Charges = []Charge{{Kind: ChargeShipping, Amount: decimal.NewFromInt(-1)}}
			return inv
		}, "sales invoice charge 1: amount -1 and tax 0 cannot be negative", "sales_charge_refused/charge_negative"},
		{"a currency that is not a code", func() Invoice {
			inv := f.sale(one("10"))
			inv.Currency = "riyal"
			return inv
		}, `sales invoice: currency "RIYAL" is not a three-letter code such as SAR`, "sales_invoice_refused/currency_code"},
	} {
		err := f.db.Update(ctx, func(tx *Tx) error { _, err := tx.IssueSalesInvoice(c.inv()); return err })
		var v *ValidationError
		if !errors.As(err, &v) || err.Error() != c.english {
			t.Errorf("%s: %v, want %q", c.name, err, c.english)
			continue
		}
		if len(v.Nested) == 0 || v.Nested[len(v.Nested)-1] == nil ||
			v.Code+"/"+v.Nested[len(v.Nested)-1].Code != c.codes {
			t.Errorf("%s: %+v, want the sentences %s", c.name, v, c.codes)
		}
	}
}
