package cli

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/storage"
)

func TestMain(m *testing.M) {
	// Dates are shown and read in the local zone; pin it so day filters are deterministic.
	time.Local = time.UTC
	os.Exit(m.Run())
}

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// books is what seedBooks wrote, for the tests to check against.
type books struct {
	dir                string
	coffee, tea        storage.Product
	jeddah             storage.Warehouse
	client             storage.Client
	sale, ret, storeIn storage.Invoice
}

// seedBooks creates books in a temporary directory and closes them again:
//
//	COF-1 قهوة عربية: 10 into the main warehouse, 3 into مستودع جدة, 2 sold, 1 returned → 9 + 3
//	TEA-1 شاي أخضر:   5 into the main warehouse, 1 sold, 1 sold in the store order → 3
//	MAIN-INV-000001 (1 May): 2 lines, shipping, order discount, to محمد العتيبي
//	MAIN-RET-000001 (3 May): returns one coffee against it
//	MAIN-INV-000002 (5 May): from the store connection "my-shop", order #1001
func seedBooks(t *testing.T) books {
	t.Helper()
	ctx := context.Background()
	b := books{dir: t.TempDir()}
	db, err := storage.Open(ctx, b.dir, storage.Options{
		Now: func() time.Time { return time.Date(2024, 4, 30, 9, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(ctx, func(tx *storage.Tx) error {
		var err error
		if b.coffee, err = tx.CreateProduct(storage.Product{Code: "COF-1", Barcode: "6281000000011", Name: "قهوة عربية",
			Category: "مشروبات", PurchasePrice: d("20"), SalePrice: d("35.5")}); err != nil {
			return err
		}
		if b.tea, err = tx.CreateProduct(storage.Product{Code: "TEA-1", Name: "شاي أخضر", PurchasePrice: d("8.25"),
			SalePrice: d("12")}); err != nil {
			return err
		}
		if b.jeddah, err = tx.CreateWarehouse("مستودع جدة", 0); err != nil {
			return err
		}
		if _, err = tx.PostRequisition(storage.Requisition{Kind: storage.Inbound, WarehouseID: 1, Lines: []storage.RequisitionLine{
			{ProductID: b.coffee.ID, Quantity: d("10")}, {ProductID: b.tea.ID, Quantity: d("5")},
		}}); err != nil {
			return err
		}
		if _, err = tx.PostRequisition(storage.Requisition{Kind: storage.Inbound, WarehouseID: b.jeddah.ID, Lines: []storage.RequisitionLine{
			{ProductID: b.coffee.ID, Quantity: d("3")},
		}}); err != nil {
			return err
		}
		if b.client, err = tx.CreateClient(storage.Client{Name: "محمد العتيبي", Email: "m@example.com", Phone: "0501234567"}); err != nil {
			return err
		}
		b.sale, err = tx.IssueSalesInvoice(storage.Invoice{
			BranchID: 1, WarehouseID: 1, ClientID: b.client.ID, Currency: "SAR",
			IssueDate: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC),
			Lines: []storage.InvoiceLine{
				{ProductID: b.coffee.ID, Quantity: d("2"), UnitPrice: d("35.5"), Discount: d("1"), Tax: d("10.5")},
				{ProductID: b.tea.ID, Quantity: d("1"), UnitPrice: d("12"), Tax: d("1.8")},
			},
			Charges:  []storage.Charge{{Kind: storage.ChargeShipping, Description: "أرامكس", Amount: d("15"), Tax: d("2.25")}},
			Discount: d("5"),
			Notes:    "عميل مميز",
		})
		if err != nil {
			return err
		}
		b.ret, err = tx.IssueReturnInvoice(storage.Invoice{
			OriginalID: b.sale.ID, IssueDate: time.Date(2024, 5, 3, 12, 0, 0, 0, time.UTC),
			Lines: []storage.InvoiceLine{{ProductID: b.coffee.ID, Quantity: d("1"), UnitPrice: d("35.5"), Tax: d("5.325"), Restock: true}},
		})
		if err != nil {
			return err
		}
		b.storeIn, err = tx.IssueSalesInvoice(storage.Invoice{
			BranchID: 1, WarehouseID: 1, ClientID: 1, Currency: "SAR", TaxInclusive: true,
			IssueDate: time.Date(2024, 5, 5, 12, 0, 0, 0, time.UTC),
			Lines:     []storage.InvoiceLine{{ProductID: b.tea.ID, Quantity: d("1"), UnitPrice: d("13.8"), Tax: d("1.8")}},
			Source: storage.Source{Connection: "my-shop", Platform: "shopify",
				ExternalID: "gid://shopify/Order/1001", OrderName: "#1001"},
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// run runs the command line on the books and returns its exit status and output.
func run(t *testing.T, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	full := append([]string{"--data", dir}, args...)
	code = Run(context.Background(), full, nil, &out, &errb)
	return code, out.String(), errb.String()
}
