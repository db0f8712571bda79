package invoicepdf

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/shopspring/decimal"
	"golang.org/x/text/unicode/norm"

	"mizan/storage"
)

var ctx = context.Background()

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestEncodeTLVCountsBytes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fields []Field
		want   []byte
	}{
		{"ascii", []Field{{1, "Bobs"}}, append([]byte{1, 4}, "Bobs"...)},
		// Five Arabic letters are ten UTF-8 bytes: the length says 10, not 5.
		{"arabic seller", []Field{{1, "ميزان"}}, append([]byte{1, 10}, "ميزان"...)},
		{"arabic and space", []Field{{1, "متجر الميزان"}}, append([]byte{1, 23}, "متجر الميزان"...)},
		{"all five tags", QRFields("شركة", "310123456789003", time.Date(2026, 12, 3, 9, 5, 7, 0, time.FixedZone("AST", 3*3600)), d("115"), d("15")),
			bytes.Join([][]byte{
				append([]byte{1, 8}, "شركة"...),
				append([]byte{2, 15}, "310123456789003"...),
				append([]byte{3, 20}, "2026-12-03T06:05:07Z"...), // in UTC
				append([]byte{4, 6}, "115.00"...),
				append([]byte{5, 5}, "15.00"...),
			}, nil)},
		{"empty value", []Field{{2, ""}}, []byte{2, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := EncodeTLV(tc.fields)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.want) {
				t.Fatalf("EncodeTLV = % x\nwant        % x", got, tc.want)
			}
			back, err := DecodeTLV(got)
			if err != nil || len(back) != len(tc.fields) {
				t.Fatalf("DecodeTLV = %v, %v", back, err)
			}
			for i := range back {
				if back[i] != tc.fields[i] {
					t.Fatalf("field %d came back as %+v, want %+v", i, back[i], tc.fields[i])
				}
			}
		})
	}
	if _, err := EncodeTLV([]Field{{1, strings.Repeat("م", 128)}}); err == nil {
		t.Fatal("a 256-byte value was encoded")
	}
	if _, err := DecodeTLV([]byte{1, 5, 'a'}); err == nil {
		t.Fatal("a short field was decoded")
	}
}

// books makes books with seller details and a sales invoice (an Arabic product, a discount, VAT
// at 15%, shipping) and a return against it.
func books(t *testing.T) (*storage.DB, storage.Invoice, storage.Invoice) {
	t.Helper()
	db, err := storage.Open(ctx, t.TempDir(), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var sale, ret storage.Invoice
	err = db.Update(ctx, func(tx *storage.Tx) error {
		for k, v := range map[string]string{"name_ar": "شركة ميزان للتجارة", "name_en": "Mizan Trading Co.",
			"vat_number": "310123456789003", "cr_number": "1010123456", "address_ar": "الرياض، حي العليا",
			"address_en": "Olaya, Riyadh"} {
			if err := tx.SetSeller(0, k, v); err != nil {
				return err
			}
		}
		coffee, err := tx.CreateProduct(storage.Product{Code: "COF-250", Name: "قهوة عربية فاخرة", SalePrice: d("40")})
		if err != nil {
			return err
		}
		tea, err := tx.CreateProduct(storage.Product{Code: "TEA-100", Name: "Green tea (100 g)", SalePrice: d("12.50")})
		if err != nil {
			return err
		}
		sale, err = tx.IssueSalesInvoice(storage.Invoice{BranchID: 1, WarehouseID: 1, ClientID: 1, Currency: "SAR",
			IssueDate: time.Date(2026, 12, 1, 10, 30, 0, 0, time.UTC),
			Lines: []storage.InvoiceLine{
				{ProductID: coffee.ID, Quantity: d("2"), UnitPrice: d("40"), Discount: d("5"), Tax: d("11.25")},
				{ProductID: tea.ID, Quantity: d("3"), UnitPrice: d("12.50"), Tax: d("5.625")},
			},
			Charges: []storage.Charge{{Kind: storage.ChargeShipping, Description: "Shipping", Amount: d("20"), Tax: d("3")}},
			Source:  storage.Source{OrderName: "#1042"}})
		if err != nil {
			return err
		}
		ret, err = tx.IssueReturnInvoice(storage.Invoice{OriginalID: sale.ID, IssueDate: time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC),
			Lines: []storage.InvoiceLine{{ProductID: tea.ID, Quantity: d("1"), UnitPrice: d("12.50"), Tax: d("1.875"), Restock: true}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return db, sale, ret
}

func needTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not installed (Debian: apt-get install poppler-utils); the printed page is not checked", name)
	}
	return path
}

func render(t *testing.T, doc Document, opt Options) string {
	t.Helper()
	opt.Location = time.UTC
	pdf, err := Render(doc, opt)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "invoice.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	info, err := exec.Command(needTool(t, "pdfinfo"), path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo cannot read the PDF: %v\n%s", err, info)
	}
	return path
}

// decodeQR renders the PDF's first page to an image and reads its QR code.
func decodeQR(t *testing.T, path string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "page")
	if msg, err := exec.Command(needTool(t, "pdftoppm"), "-r", "200", "-png", "-singlefile", path, out).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, msg)
	}
	f, err := os.Open(out + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("no QR code could be read from the printed page: %v", err)
	}
	return res.GetText()
}

func pdfText(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command(needTool(t, "pdftotext"), path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	// The bidi marks poppler puts around runs, and Arabic presentation forms folded back to letters.
	clean := strings.NewReplacer("\u202a", "", "\u202b", "", "\u202c", "").Replace(string(out))
	return norm.NFKC.String(clean)
}

func TestQRRoundTripFromThePrintedPage(t *testing.T) {
	db, sale, ret := books(t)
	for _, tc := range []struct {
		name   string
		number string
		opt    Options
	}{
		{"sale a4", sale.Number, Options{Layout: A4, Lang: Both}},
		{"sale receipt", sale.Number, Options{Layout: Receipt, Lang: Arabic}},
		{"credit note a4", ret.Number, Options{Layout: A4, Lang: English}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Load(ctx, db, strings.ToLower(tc.number))
			if err != nil {
				t.Fatal(err)
			}
			text := decodeQR(t, render(t, doc, tc.opt))
			raw, err := base64.StdEncoding.DecodeString(text)
			if err != nil {
				t.Fatalf("the QR code holds %q, not base64: %v", text, err)
			}
			fields, err := DecodeTLV(raw)
			if err != nil {
				t.Fatal(err)
			}
			inv := doc.Invoice
			want := map[byte]string{
				TagSellerName: "شركة ميزان للتجارة",
				TagVATNumber:  "310123456789003",
				TagTimestamp:  inv.IssueDate.UTC().Format(time.RFC3339),
				TagTotal:      inv.Total.StringFixed(2),
				TagVATTotal:   inv.Tax.StringFixed(2),
			}
			if len(fields) != len(want) {
				t.Fatalf("the QR code has %d fields, want %d: %+v", len(fields), len(want), fields)
			}
			for i, f := range fields {
				if f.Tag != byte(i+1) || f.Value != want[f.Tag] {
					t.Errorf("field %d: tag %d = %q, want tag %d = %q", i, f.Tag, f.Value, i+1, want[byte(i+1)])
				}
			}
		})
	}
}

func TestTheSaleReadsInLogicalOrder(t *testing.T) {
	db, sale, _ := books(t)
	doc, err := Load(ctx, db, sale.Number)
	if err != nil {
		t.Fatal(err)
	}
	// 2×40−5 = 75, 3×12.50 = 37.50, shipping 20: 132.50 net, VAT 19.875, total 152.375.
	if got := doc.Invoice.Total.String(); got != "152.375" {
		t.Fatalf("the fixture's total is %s", got)
	}
	// The seller, the title, the number and the totals read in this order. Table cells come out
	// in the reader's own order, so a line's items are only looked for.
	for _, tc := range []struct {
		opt     Options
		ordered []string
		has     []string
	}{
		{Options{Layout: A4, Lang: Both}, []string{"شركة ميزان للتجارة", "Mizan Trading Co.", "الرقم الضريبي", "310123456789003",
			"فاتورة ضريبية مبسطة", "Simplified Tax Invoice", sale.Number, "132.50 SAR", "19.88 SAR", "152.38 SAR"},
			[]string{"قهوة عربية فاخرة", "Green tea", "86.25", "43.13", "ضريبة القيمة المضافة"}},
		{Options{Layout: Receipt, Lang: Arabic}, []string{"شركة ميزان للتجارة", "الرقم الضريبي", "310123456789003",
			"فاتورة ضريبية مبسطة", sale.Number, "132.50 SAR", "19.88 SAR", "152.38 SAR"},
			[]string{"قهوة عربية فاخرة", "Green tea", "86.25", "الإجمالي شامل الضريبة"}},
		{Options{Layout: A4, Lang: English}, []string{"Mizan Trading Co.", "VAT No.: 310123456789003", "Simplified Tax Invoice",
			sale.Number, "Total excl. VAT", "132.50 SAR", "152.38 SAR"},
			[]string{"قهوة عربية فاخرة", "Green tea", "Unit price"}},
	} {
		text := pdfText(t, render(t, doc, tc.opt))
		at := 0
		for _, w := range tc.ordered {
			i := strings.Index(text[at:], w)
			if i < 0 {
				t.Errorf("%s/%s: %q is not in the text after position %d:\n%s", tc.opt.Layout, tc.opt.Lang, w, at, text)
				break
			}
			at += i + len(w)
		}
		for _, w := range tc.has {
			if !strings.Contains(text, w) {
				t.Errorf("%s/%s: %q is not in the text:\n%s", tc.opt.Layout, tc.opt.Lang, w, text)
			}
		}
		if strings.Contains(text, "\ufffd") {
			t.Errorf("%s/%s: the text has characters that could not be mapped back", tc.opt.Layout, tc.opt.Lang)
		}
	}
}

func TestACreditNoteNamesItsInvoice(t *testing.T) {
	db, sale, ret := books(t)
	doc, err := Load(ctx, db, ret.Number)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Kind() != CreditNote {
		t.Fatalf("a return prints as kind %d", doc.Kind())
	}
	text := pdfText(t, render(t, doc, Options{Lang: Both}))
	for _, w := range []string{"إشعار دائن", "Credit Note", "الفاتورة الأصلية", "Original invoice", sale.Number, ret.Number} {
		if !strings.Contains(text, w) {
			t.Errorf("%q is not on the credit note:\n%s", w, text)
		}
	}
}

func TestWhatEachDocumentPrintsAs(t *testing.T) {
	sale := storage.Invoice{Type: storage.SalesInvoice}
	ret := storage.Invoice{Type: storage.ReturnInvoice}
	vat := storage.Seller{NameAR: "متجر", VATNumber: "310123456789003"}
	for _, tc := range []struct {
		doc   Document
		kind  Kind
		hasQR bool
	}{
		{Document{Invoice: sale, Seller: vat, Issuer: storage.IssuerMizan}, SimplifiedTaxInvoice, true},
		{Document{Invoice: ret, Seller: vat, Issuer: storage.IssuerMizan}, CreditNote, true},
		{Document{Invoice: sale, Seller: vat, Issuer: storage.IssuerStore}, Copy, false},
		{Document{Invoice: sale, Seller: storage.Seller{NameAR: "متجر"}, Issuer: storage.IssuerMizan}, PlainInvoice, false},
	} {
		if tc.doc.Kind() != tc.kind || tc.doc.HasQR() != tc.hasQR {
			t.Errorf("%+v: kind %d, QR %v; want %d, %v", tc.doc, tc.doc.Kind(), tc.doc.HasQR(), tc.kind, tc.hasQR)
		}
	}
}

func TestACopyHasNoQRAndSaysWhoIssues(t *testing.T) {
	db, sale, _ := books(t)
	doc, err := Load(ctx, db, sale.Number)
	if err != nil {
		t.Fatal(err)
	}
	doc.Issuer = storage.IssuerStore
	path := render(t, doc, Options{Lang: English})
	if text := pdfText(t, path); !strings.Contains(text, "the tax invoice is issued by the store") || !strings.Contains(text, "Invoice (copy)") {
		t.Errorf("the copy does not say so:\n%s", text)
	}
	out := filepath.Join(t.TempDir(), "page")
	if msg, err := exec.Command(needTool(t, "pdftoppm"), "-r", "150", "-png", "-singlefile", path, out).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, msg)
	}
	f, err := os.Open(out + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
	if _, err := qrcode.NewQRCodeReader().Decode(bmp, nil); err == nil {
		t.Error("the copy carries a QR code")
	}
}

func TestMoney(t *testing.T) {
	for in, want := range map[string]string{"0": "0.00", "5": "5.00", "1234.5": "1,234.50", "-1234567.125": "-1,234,567.13", "999.999": "1,000.00"} {
		if got := money(d(in)); got != want {
			t.Errorf("money(%s) = %s, want %s", in, got, want)
		}
	}
}

// The Arabic face has no Latin letters and no ASCII punctuation: every character must go to a
// face that draws it, including brackets and dots next to Arabic words.
func TestEveryCharacterGoesToAFaceThatDrawsIt(t *testing.T) {
	if err := loadFaces(); err != nil {
		t.Fatal(err)
	}
	p := newFontPair(faces.arabic, faces.latin)
	for _, s := range []string{"متجر الميزان (الرياض)", "شركة ميزان للتجارة Mizan Trading Co.", "الرقم الضريبي / VAT No.: 310123456789003",
		"قهوة عربية 250 جم × 2 - 5.00", "Green tea (100 g)", "#1042", "٪١٥ ض", ""} {
		for _, r := range p.runs(s, 9, ink) {
			for _, c := range r.Text {
				if !p.has(r.Embedded, c) {
					t.Errorf("%q: %q went to a face without it", s, c)
				}
			}
		}
	}
}

// A receipt is one strip of paper, however many lines it has and however long their names.
func TestAReceiptIsOnePage(t *testing.T) {
	inv := storage.Invoice{Type: storage.SalesInvoice, Number: "MAIN-INV-000009", Currency: "SAR"}
	for i := 0; i < 60; i++ {
		inv.Lines = append(inv.Lines, storage.InvoiceLine{Description: strings.Repeat("صنف باسم طويل ", i%8+1),
			Quantity: d("1"), UnitPrice: d("10"), Tax: d("1.5")})
	}
	inv.ComputeTotals()
	doc := Document{Invoice: inv, Seller: storage.Seller{NameAR: "متجر", NameEN: "Shop", VATNumber: "310123456789003"}}
	for _, lang := range []Lang{Both, English} {
		path := render(t, doc, Options{Layout: Receipt, Lang: lang})
		info, err := exec.Command(needTool(t, "pdfinfo"), path).Output()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(info), "Pages:           1\n") {
			t.Errorf("%s: the receipt is not one page:\n%s", lang, info)
		}
	}
}
