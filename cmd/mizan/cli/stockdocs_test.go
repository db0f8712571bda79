package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mizan/storage"
)

// stockOf reads one product's quantity in one warehouse through mizan stock.
func stockOf(t *testing.T, dir, code, warehouse string) string {
	t.Helper()
	code0, out, errOut := run(t, dir, "stock", "--format", "json", "--warehouse", warehouse)
	if code0 != 0 {
		t.Fatalf("stock: %s", errOut)
	}
	var rows []stockJSON
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Code == code {
			return r.Quantity
		}
	}
	return "0"
}

func TestProductsAddAndEdit(t *testing.T) {
	b := seedBooks(t)
	tests := []struct {
		name   string
		args   []string
		code   int
		output string // in stdout when code is 0, in stderr otherwise
	}{
		{"add", []string{"products", "add", "--code", "OUD-12", "--name", "عود كمبودي", "--barcode", "6281234500012",
			"--category", "Perfume", "--purchase-price", "80.5", "--sale-price", "149.95"}, 0, "Added OUD-12 (عود كمبودي)"},
		{"duplicate code", []string{"products", "add", "--code", "COF-1", "--name", "x"}, 1, `--code: product code "COF-1" is already used by "قهوة عربية"`},
		{"duplicate barcode", []string{"products", "add", "--code", "X-1", "--name", "x", "--barcode", "6281000000011"}, 1, "--barcode: barcode"},
		{"negative price", []string{"products", "add", "--code", "X-2", "--name", "x", "--sale-price", "-1"}, 1, "--sale-price: "},
		{"absurd price", []string{"products", "add", "--code", "X-3", "--name", "x", "--purchase-price", "1e15"}, 1, "--purchase-price: "},
		{"no name", []string{"products", "add", "--code", "X-4"}, 1, "--name: "},
		{"not a number", []string{"products", "add", "--code", "X-5", "--name", "x", "--sale-price", "ten"}, 2, `--sale-price "ten" is not a number`},
		{"edit the price", []string{"products", "edit", "OUD-12", "--sale-price", "139"}, 0, "Changed OUD-12"},
		{"edit onto another's code", []string{"products", "edit", "OUD-12", "--code", "TEA-1"}, 1, "--code: "},
		{"edit nothing", []string{"products", "edit", "OUD-12"}, 2, "nothing to change"},
		{"edit an unknown product", []string{"products", "edit", "NOPE", "--name", "x"}, 1, `no product has the code "NOPE"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := run(t, b.dir, tc.args...)
			got := out
			if tc.code != 0 {
				got = errOut
			}
			if code != tc.code || !strings.Contains(got, tc.output) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit %d with %q", code, out, errOut, tc.code, tc.output)
			}
		})
	}
	_, out, _ := run(t, b.dir, "products", "export", "--format", "json")
	var products []productJSON
	if err := json.Unmarshal([]byte(out), &products); err != nil {
		t.Fatal(err)
	}
	var oud productJSON
	for _, p := range products {
		if p.Code == "OUD-12" {
			oud = p
		}
	}
	if oud.Name != "عود كمبودي" || oud.Barcode != "6281234500012" || oud.Category != "Perfume" || oud.PurchasePrice != "80.5" || oud.SalePrice != "139" {
		t.Errorf("the product as exported: %+v", oud)
	}
}

func TestStockDocumentCommands(t *testing.T) {
	b := seedBooks(t)
	steps := []struct {
		name   string
		args   []string
		code   int
		output string
	}{
		{"receive", []string{"stock", "receive", "--date", "2026-03-02", "--note", "Supplier 12", "COF-1=10@18.75", "6281000000011=1"}, 0,
			"Posted REC-000001 (2 lines, Main warehouse, 2026-03-02)"},
		{"issue too much", []string{"stock", "issue", "TEA-1=4"}, 1, `not enough "TEA-1" in Main warehouse`},
		{"issue", []string{"stock", "issue", "--date", "2026-03-03", "TEA-1=1"}, 0, "Posted ISS-000001"},
		{"price on an issue", []string{"stock", "issue", "TEA-1=1@3"}, 2, "only goods received carry a purchase price"},
		{"transfer", []string{"stock", "transfer", "--from", "main warehouse", "--to", "مستودع جدة", "--date", "2026-03-04", "COF-1=5"}, 0,
			"Posted TRF-000001 (1 line, Main warehouse → مستودع جدة, 2026-03-04)"},
		{"transfer without --to", []string{"stock", "transfer", "--from", "Main warehouse", "COF-1=1"}, 2, "needs --from and --to"},
		{"count", []string{"stock", "count", "--date", "2026-03-05", "COF-1=14", "TEA-1=2"}, 0, "COF-1: counted 14, the books had 15: -1 booked"},
		{"unknown product", []string{"stock", "receive", "NOPE=1"}, 1, `no product has the code or barcode "NOPE"`},
		{"not a line", []string{"stock", "receive", "COF-1"}, 2, "write CODE=QUANTITY"},
		{"bad date", []string{"stock", "receive", "--date", "2026-02-30", "COF-1=1"}, 2, "is not a date"},
		{"zero", []string{"stock", "receive", "COF-1=0"}, 1, "more than zero"},
		{"reverse", []string{"stock", "reverse", "cnt-000001"}, 0, "Posted CNT-000002, which reverses CNT-000001"},
		{"reverse again", []string{"stock", "reverse", "CNT-000001"}, 1, "already been reversed by CNT-000002"},
		{"reverse a requisition Mizan recorded", []string{"stock", "reverse", "IN-000001"}, 1, "IN-000001 was recorded by Mizan, not posted by hand"},
		{"an unknown kind", []string{"stock", "documents", "--kind", "gift"}, 2, "--kind"},
		{"a bad day", []string{"stock", "documents", "--from", "2026-13-01"}, 2, `--from "2026-13-01" is not a date`},
	}
	for _, s := range steps {
		code, out, errOut := run(t, b.dir, s.args...)
		got := out
		if s.code != 0 {
			got = errOut
		}
		if code != s.code || !strings.Contains(got, s.output) {
			t.Fatalf("%s: exit %d, stdout %q, stderr %q; want exit %d with %q", s.name, code, out, errOut, s.code, s.output)
		}
	}
	// 9 + 11 received − 5 transferred (the count's −1 reversed) in the main warehouse; 3 + 5 in Jeddah.
	for _, tc := range []struct{ code, warehouse, want string }{
		{"COF-1", "Main warehouse", "15"}, {"COF-1", "مستودع جدة", "8"}, {"TEA-1", "Main warehouse", "2"},
	} {
		if got := stockOf(t, b.dir, tc.code, tc.warehouse); got != tc.want {
			t.Errorf("%s in %s: %s, want %s", tc.code, tc.warehouse, got, tc.want)
		}
	}

	code, out, errOut := run(t, b.dir, "stock", "show", "REC-000001", "--format", "csv")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(recs) != 3 || strings.Join(recs[1][:12], "|") !=
		"REC-000001|receive|2026-03-02T00:00:00Z|Main warehouse|||Supplier 12|1|COF-1|قهوة عربية|10|18.75" {
		t.Fatalf("show csv: exit %d %v %s %q", code, err, errOut, recs)
	}
	code, out, _ = run(t, b.dir, "stock", "show", "CNT-000001")
	if code != 0 || !containsInOrder(out, []string{"CNT-000001", "count", "2026-03-05"}) || !strings.Contains(out, "\nReversed by CNT-000002\n") ||
		!containsInOrder(out, []string{"COF-1", "قهوة عربية", "-1", "14", "15"}) {
		t.Fatalf("show table: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, b.dir, "stock", "documents", "--format", "json", "--kind", "count")
	var docs []stockDocJSON
	if err := json.Unmarshal([]byte(out), &docs); code != 0 || err != nil || len(docs) != 2 || docs[1].ReversedBy != "CNT-000002" {
		t.Fatalf("documents: exit %d %v %+v", code, err, docs)
	}
	// The requisitions Mizan recorded are listed too, with their lines, and by their dates.
	code, out, _ = run(t, b.dir, "stock", "documents", "--format", "json", "--kind", "inbound", "--to", "2024-04-30")
	if err := json.Unmarshal([]byte(out), &docs); code != 0 || err != nil || len(docs) != 2 || docs[0].Number != "IN-000002" ||
		docs[0].Warehouse != "مستودع جدة" || docs[1].LineCount != 2 {
		t.Fatalf("inbound requisitions: exit %d %v %+v", code, err, docs)
	}
	code, out, _ = run(t, b.dir, "stock", "documents", "--from", "2024-05-01", "--kind", "inbound")
	if code != 0 || !strings.Contains(out, "No stock documents") {
		t.Fatalf("inbound requisitions from 2024-05-01: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, b.dir, "stock", "show", "in-000001")
	if code != 0 || !containsInOrder(out, []string{"IN-000001", "inbound", "2024-04-30", "Main warehouse"}) ||
		!containsInOrder(out, []string{"COF-1", "قهوة عربية", "10"}) || !containsInOrder(out, []string{"TEA-1", "شاي أخضر", "5"}) {
		t.Fatalf("show IN-000001: exit %d\n%s", code, out)
	}
}

func TestClientsCommands(t *testing.T) {
	b := seedBooks(t)
	for _, s := range []struct {
		args   []string
		code   int
		output string
	}{
		{[]string{"clients", "add", "--name", "أمل الحربي", "--phone", "0551234567"}, 0, "Added client أمل الحربي"},
		{[]string{"clients", "add", "--name", "أمل الحربي", "--email", "amal@example.com"}, 0, "Added client"},
		{[]string{"clients", "add", "--name", "Amal", "--phone", "+966 55 123 4567"}, 1, "--phone: أمل الحربي already has this phone"},
		{[]string{"clients", "add", "--name", "Amal", "--email", "AMAL@example.com"}, 1, "--email: "},
		{[]string{"clients", "add", "--phone", "0559999999"}, 1, "--name: a client needs a name"},
	} {
		code, out, errOut := run(t, b.dir, s.args...)
		got := out
		if s.code != 0 {
			got = errOut
		}
		if code != s.code || !strings.Contains(got, s.output) {
			t.Fatalf("%v: exit %d, stdout %q, stderr %q", s.args, code, out, errOut)
		}
	}
	code, out, _ := run(t, b.dir, "clients", "list", "--search", "966551234567", "--format", "json")
	var found []clientRowJSON
	if err := json.Unmarshal([]byte(out), &found); code != 0 || err != nil || len(found) != 1 || found[0].Phone != "0551234567" {
		t.Fatalf("search by phone: exit %d %v %+v", code, err, found)
	}
	code, out, _ = run(t, b.dir, "clients", "list", "--search", "أمل")
	if code != 0 || !containsInOrder(out, []string{"NAME", "PHONE", "EMAIL"}) || !strings.Contains(out, "0551234567") ||
		!strings.Contains(out, "amal@example.com") {
		t.Fatalf("list:\n%s", out)
	}
}

func TestStockPDFBesideAnOpenMizan(t *testing.T) {
	b := seedBooks(t)
	if code, _, errOut := run(t, b.dir, "stock", "receive", "--note", "مورد القهوة", "COF-1=10@18.75"); code != 0 {
		t.Fatal(errOut)
	}
	db, err := storage.Open(context.Background(), b.dir, storage.Options{}) // the window holds the books
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := t.TempDir()
	code, stdout, errOut := run(t, b.dir, "stock", "pdf", "REC-000001", "--out", out, "--lang", "en")
	if code != 0 || strings.TrimSpace(stdout) != filepath.Join(out, "REC-000001.pdf") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, errOut)
	}
	pdf, err := os.ReadFile(filepath.Join(out, "REC-000001.pdf"))
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %v", err)
	}
	for _, args := range [][]string{{"stock", "documents"}, {"stock", "show", "REC-000001"}, {"clients", "list"}} {
		if code, _, errOut := run(t, b.dir, args...); code != 0 {
			t.Errorf("%v beside an open Mizan: exit %d, %s", args, code, errOut)
		}
	}
	if code, _, errOut := run(t, b.dir, "stock", "receive", "COF-1=1"); code != 1 || !strings.Contains(errOut, "already open by another Mizan") {
		t.Errorf("posting beside an open Mizan: exit %d, %s", code, errOut)
	}
}
