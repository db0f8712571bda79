package invoicepdf

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"mizan/storage"
)

// A copy of an invoice the store issued names the store's invoice and carries the store's own QR
// code, exactly as the store gave it; Mizan's own invoice prints neither.
func TestACopyCarriesTheStoresNumberAndQR(t *testing.T) {
	db, sale, _ := books(t)
	doc, err := Load(ctx, db, sale.Number)
	if err != nil {
		t.Fatal(err)
	}
	tlv, err := EncodeTLV(QRFields("متجر سلة", "300000000000003", time.Date(2026, 12, 1, 10, 30, 0, 0, time.UTC), sale.Total, sale.Tax))
	if err != nil {
		t.Fatal(err)
	}
	storeQR := base64.StdEncoding.EncodeToString(tlv)
	doc.Invoice.StoreDoc = storage.StoreDocument{Number: "INV-SALLA-77", QR: storeQR}
	for _, layout := range []Layout{A4, Receipt} {
		doc.Issuer = storage.IssuerStore
		path := render(t, doc, Options{Layout: layout, Lang: English})
		if text := pdfText(t, path); !strings.Contains(text, "INV-SALLA-77") || !strings.Contains(text, "Store's invoice No.") {
			t.Errorf("%s: the copy does not name the store's invoice:\n%s", layout, text)
		}
		if got := decodeQR(t, path); got != storeQR {
			t.Errorf("%s: the copy's QR reads %q, want the store's %q", layout, got, storeQR)
		}
		doc.Issuer = storage.IssuerMizan
		path = render(t, doc, Options{Layout: layout, Lang: English})
		if text := pdfText(t, path); strings.Contains(text, "INV-SALLA-77") {
			t.Errorf("%s: Mizan's own invoice names the store's", layout)
		}
		if got := decodeQR(t, path); got == storeQR {
			t.Errorf("%s: Mizan's own invoice carries the store's QR code", layout)
		}
	}
}
