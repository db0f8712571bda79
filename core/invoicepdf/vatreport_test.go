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

// The VAT report prints to a PDF a reader opens, with the seller, the period and each rate's
// figures, the net VAT equal to the invoices' VAT less the returns', in each language.
func TestVATReportPrints(t *testing.T) {
	db, sale, ret := books(t)
	rep, err := db.VATReport(ctx, storage.Period{From: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		To: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	seller, err := db.Seller(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	// Summed here from the two invoices: 19.875 VAT on the sale, 1.875 on the return.
	netVAT := money(sale.Tax.Sub(ret.Tax))
	if netVAT != "18.00" || money(rep.Total.NetVAT()) != netVAT {
		t.Fatalf("the fixture's net VAT is %s, the report's %s", netVAT, rep.Total.NetVAT())
	}
	for _, tc := range []struct {
		lang Lang
		want []string
	}{
		{Both, []string{"شركة ميزان للتجارة", "Mizan Trading Co.", "310123456789003", "تقرير ضريبة القيمة المضافة", "VAT Report",
			"2026-12-01", "2026-12-31", "15%", "19.88", "1.88", netVAT, "الإجمالي", "Total", "sales VAT - returns VAT"}},
		{Arabic, []string{"شركة ميزان للتجارة", "تقرير ضريبة القيمة المضافة", "الفترة", "15%", netVAT, "الإجمالي"}},
		{English, []string{"Mizan Trading Co.", "VAT No.: 310123456789003", "VAT Report", "2026-12-01 – 2026-12-31", "Net VAT", "15%", netVAT, "Total"}},
	} {
		pdf, err := RenderVATReport(rep, seller, Options{Lang: tc.lang, Location: time.UTC})
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), VATReportFileName(rep))
		if err := os.WriteFile(path, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		if info, err := exec.Command(needTool(t, "pdfinfo"), path).CombinedOutput(); err != nil || !strings.Contains(string(info), "Pages:") {
			t.Fatalf("pdfinfo cannot read the PDF: %v\n%s", err, info)
		}
		text := pdfText(t, path)
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: %q is not in the text:\n%s", tc.lang, w, text)
			}
		}
		if strings.Contains(text, "\ufffd") {
			t.Errorf("%s: the text has characters that could not be mapped back", tc.lang)
		}
	}
}
