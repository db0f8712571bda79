package invoicepdf

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mizan/storage"
)

// Each kind of stock document prints to a PDF a reader opens, with its title, number, date,
// warehouse and lines, in each language.
func TestStockDocumentPrints(t *testing.T) {
	db, _, _ := books(t)
	day := time.Date(2026, 12, 3, 9, 15, 0, 0, time.UTC)
	var rec, cnt, rev storage.StockDocument
	var in storage.Requisition
	err := db.Update(ctx, func(tx *storage.Tx) error {
		coffee, err := tx.ProductByCode("COF-250")
		if err != nil {
			return err
		}
		if rec, err = tx.PostStockDocument(storage.StockDocument{Kind: storage.DocReceive, Date: day, WarehouseID: 1,
			Note: "مورد القهوة", Lines: []storage.StockDocLine{{ProductID: coffee.ID, Quantity: d("12"), UnitCost: d("18.25"), HasCost: true}}}); err != nil {
			return err
		}
		if cnt, err = tx.PostStockDocument(storage.StockDocument{Kind: storage.DocCount, Date: day, WarehouseID: 1,
			Lines: []storage.StockDocLine{{ProductID: coffee.ID, Counted: d("9")}}}); err != nil {
			return err
		}
		if rev, err = tx.ReverseStockDocument(cnt.ID, day, ""); err != nil {
			return err
		}
		if in, err = tx.PostRequisition(storage.Requisition{Kind: storage.Inbound, WarehouseID: 1, Date: day, Note: "Store quantity",
			Lines: []storage.RequisitionLine{{ProductID: coffee.ID, Quantity: d("4")}}}); err != nil {
			return err
		}
		return tx.AdjustBy(coffee.ID, 1, d("-2"), "the store's count")
	})
	if err != nil {
		t.Fatal(err)
	}
	seller, err := db.Seller(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		number string
		lang   Lang
		want   []string
	}{
		{rec.Number, Both, []string{"شركة ميزان للتجارة", "Mizan Trading Co.", "سند استلام بضاعة", "Goods Received Note", "REC-000001",
			"2026-12-03 09:15", "Main warehouse", "مورد القهوة", "COF-250", "قهوة عربية فاخرة", "12", "18.25", "219.00"}},
		{cnt.Number, English, []string{"Stock Count", "CNT-000001", "Counted", "Books had", "Difference", "9", "-1", "Reversed by", "CNT-000002"}},
		{rev.Number, Arabic, []string{"محضر جرد", "CNT-000002", "يعكس", "CNT-000001", "+1"}},
		{in.Number, English, []string{"Inbound Requisition", in.Number, "Store quantity", "COF-250", "4"}},
		{"ADJ-000001", Both, []string{"تسوية مخزون", "Stock Adjustment", "ADJ-000001", "the store's count", "COF-250", "-2"}},
	} {
		doc, err := db.StockDocumentByNumber(ctx, tc.number)
		if err != nil {
			t.Fatal(err)
		}
		pdf, err := RenderStockDocument(doc, seller, Options{Lang: tc.lang, Location: time.UTC})
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), StockDocumentFileName(doc))
		if err := os.WriteFile(path, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		if info, err := exec.Command(needTool(t, "pdfinfo"), path).CombinedOutput(); err != nil || !strings.Contains(string(info), "Pages:") {
			t.Fatalf("pdfinfo cannot read the PDF: %v\n%s", err, info)
		}
		text := pdfText(t, path)
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s %s: %q is not in the text:\n%s", tc.number, tc.lang, w, text)
			}
		}
	}
}
