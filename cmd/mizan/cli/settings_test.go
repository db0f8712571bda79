package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mizan/storage"
	uidemo "mizan/ui/demo"
)

func TestSettings(t *testing.T) {
	b := seedBooks(t)
	logo := filepath.Join(t.TempDir(), "logo.png")
	if err := os.WriteFile(logo, []byte("\x89PNG\r\n\x1a\nnot really"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args     []string
		code     int
		out, err string
	}{
		{[]string{"settings", "set", "name_ar=متجر الميزان", "name_en=Mizan Store", "vat_number=310123456789003", "logo=" + logo}, 0, "", "Saved 4"},
		{[]string{"settings", "set", "vat_number=310123456789004"}, 1, "", "must start and end with 3"},
		{[]string{"settings", "set", "name_en=Other", "vat_number=12"}, 1, "", "VAT registration number"},
		{[]string{"settings", "set", "colour=red"}, 1, "", `no seller detail "colour"`},
		{[]string{"settings", "set", "issuer=store"}, 2, "", "--connection"},
		{[]string{"settings", "set", "--connection", "nope", "issuer=store"}, 1, "", `no connection is named "nope"`},
		{[]string{"settings", "set", "--branch", "MAIN", "address_en=King Fahd Rd"}, 0, "", "Saved 1"},
		{[]string{"settings", "show"}, 0, "Mizan Store", ""},
		{[]string{"settings", "show", "--branch", "main"}, 0, "King Fahd Rd", ""},
		{[]string{"settings", "show", "--branch", "XYZ"}, 2, "", "no branch"},
	} {
		code, out, errOut := run(t, b.dir, tc.args...)
		if code != tc.code || !strings.Contains(out, tc.out) || !strings.Contains(errOut, tc.err) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit %d with %q / %q", tc.args, code, out, errOut, tc.code, tc.out, tc.err)
		}
	}
	// The refused command saved nothing: the name is still the first one.
	_, out, _ := run(t, b.dir, "settings", "show")
	for _, want := range []string{"متجر الميزان", "Mizan Store", "310123456789003", "an image of 1 KB"} {
		if !strings.Contains(out, want) {
			t.Errorf("settings show lacks %q:\n%s", want, out)
		}
	}
}

func TestInvoicesPDF(t *testing.T) {
	b := seedBooks(t)
	if code, _, errOut := run(t, b.dir, "settings", "set", "name_ar=متجر الميزان", "vat_number=310123456789003"); code != 0 {
		t.Fatal(errOut)
	}
	dir := t.TempDir()
	code, out, errOut := run(t, b.dir, "invoices", "pdf", "main-inv-000001", "MAIN-RET-000001", "--out", dir, "--layout", "receipt")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, n := range []string{"MAIN-INV-000001", "MAIN-RET-000001"} {
		path := filepath.Join(dir, n+".pdf")
		if !strings.Contains(out, path) {
			t.Errorf("the output does not name %s:\n%s", path, out)
		}
		data, err := os.ReadFile(path)
		if err != nil || !strings.HasPrefix(string(data), "%PDF-") {
			t.Fatalf("%s: %v (%d bytes)", path, err, len(data))
		}
		if pdfinfo, err := exec.LookPath("pdfinfo"); err == nil {
			if msg, err := exec.Command(pdfinfo, path).CombinedOutput(); err != nil {
				t.Errorf("pdfinfo %s: %v\n%s", n, err, msg)
			}
		}
	}
	assertNoTempFiles(t, dir)
	for _, tc := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"invoices", "pdf"}, 2, "which invoices"},
		{[]string{"invoices", "pdf", "MAIN-INV-999999", "--out", dir}, 1, "there is no invoice numbered"},
		{[]string{"invoices", "pdf", "MAIN-INV-000001", "--layout", "a5"}, 2, "use a4 or receipt"},
		{[]string{"invoices", "pdf", "MAIN-INV-000001", "--lang", "fr"}, 2, "use ar, en or both"},
		{[]string{"invoices", "pdf", "MAIN-INV-000001", "--out", filepath.Join(dir, "missing")}, 1, "is not a directory"},
	} {
		code, _, errOut := run(t, b.dir, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.err) {
			t.Errorf("%q: exit %d, stderr %q; want %d with %q", tc.args, code, errOut, tc.code, tc.err)
		}
	}
}

// Printing and showing the settings only read: they work while another Mizan holds the books,
// and setting is refused then.
func TestPrintingBesideAnOpenMizan(t *testing.T) {
	b := seedBooks(t)
	db, err := storage.Open(context.Background(), b.dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dir := t.TempDir()
	if code, _, errOut := run(t, b.dir, "invoices", "pdf", "MAIN-INV-000001", "--out", dir); code != 0 {
		t.Errorf("invoices pdf beside an open Mizan: exit %d: %s", code, errOut)
	}
	if code, _, errOut := run(t, b.dir, "settings", "show"); code != 0 {
		t.Errorf("settings show beside an open Mizan: exit %d: %s", code, errOut)
	}
	if code, _, errOut := run(t, b.dir, "settings", "set", "name_en=X"); code != 1 || !strings.Contains(errOut, "already open by another Mizan") {
		t.Errorf("settings set beside an open Mizan: exit %d: %s", code, errOut)
	}
}

// Every invoice and return of demo books prints, in each layout, to a PDF that a PDF reader opens.
func TestInvoicesPDFOnDemoBooks(t *testing.T) {
	dir := t.TempDir()
	if _, err := uidemo.Seed(context.Background(), dir, uidemo.Options{Invoices: 40, End: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := run(t, dir, "settings", "set", "name_ar=مؤسسة ميزان للتجارة", "name_en=Mizan Trading Est.",
		"vat_number=310123456789003"); code != 0 {
		t.Fatal(errOut)
	}
	db, err := storage.Open(context.Background(), dir, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	invs, err := db.Invoices(context.Background(), storage.InvoiceFilter{})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	var numbers []string
	returns := 0
	for _, inv := range invs {
		numbers = append(numbers, inv.Number)
		if inv.Type == storage.ReturnInvoice {
			returns++
		}
	}
	if returns == 0 || len(numbers) < 40 {
		t.Fatalf("the demo books have %d invoices, %d returns", len(numbers), returns)
	}
	pdfinfo, _ := exec.LookPath("pdfinfo")
	for _, layout := range []string{"a4", "receipt"} {
		out := t.TempDir()
		code, stdout, errOut := run(t, dir, append([]string{"invoices", "pdf", "--out", out, "--layout", layout}, numbers...)...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", layout, code, errOut)
		}
		if n := strings.Count(stdout, ".pdf\n"); n != len(numbers) {
			t.Fatalf("%s: %d files written, want %d", layout, n, len(numbers))
		}
		if pdfinfo == "" {
			t.Logf("pdfinfo is not installed (Debian: apt-get install poppler-utils): the files are not opened")
			continue
		}
		for _, n := range numbers {
			if msg, err := exec.Command(pdfinfo, filepath.Join(out, n+".pdf")).CombinedOutput(); err != nil {
				t.Errorf("%s %s: %v\n%s", layout, n, err, msg)
			}
		}
	}
}
