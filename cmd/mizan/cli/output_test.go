package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"mizan/storage"
)

func TestCleanCell(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"قهوة عربية", "قهوة عربية"},
		{"two\nlines", `two\nlines`},
		{"cr\r\ttab", `cr\r\ttab`},
		{"nul\x00byte", `nul\x00byte`},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"del\x7f", `del\x7f`},
		{"c1\u0085next", `c1\u0085next`},
		{"\u202eevil", `\u202eevil`},
		{"\u202a\u202b\u202c\u202d", `\u202a\u202b\u202c\u202d`},
		{"\u2066iso\u2069 \u2067 \u2068", `\u2066iso\u2069 \u2067 \u2068`},
		{"line\u2028para\u2029", `line\u2028para\u2029`},
		// Marks Arabic text needs stay: right-to-left mark, Arabic letter mark, zero-width joiners.
		{"متجر\u200f \u061c ك\u200dـ \u200c", "متجر\u200f \u061c ك\u200dـ \u200c"},
		{`back\slash`, `back\slash`},
	} {
		if got := cleanCell(tc.in); got != tc.want {
			t.Errorf("cleanCell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestTablesEscapeWhatWouldBreakThem: product names with line breaks, NUL, escape sequences and
// bidirectional overrides keep one row each in the table, shown escaped; JSON keeps them exact.
func TestTablesEscapeWhatWouldBreakThem(t *testing.T) {
	names := map[string]string{
		"NL-1":  "first line\nMAIN-INV-999999  forged row",
		"NUL-1": "nul\x00inside",
		"RLO-1": "\u202eتخفيض 05.99",
		"ESC-1": "\x1b[2J\x1b[31mcleared",
		"LRI-1": "open \u2066isolate",
	}
	dir := t.TempDir()
	db, err := storage.Open(context.Background(), dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(context.Background(), func(tx *storage.Tx) error {
		for code, name := range names {
			if _, err := tx.CreateProduct(storage.Product{Code: code, Name: name, Category: "tab\there", SalePrice: d("5")}); err != nil {
				return err
			}
		}
		return nil
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	code, out, errs := run(t, dir, "products", "list")
	if code != 0 {
		t.Fatalf("products list: %d %s", code, errs)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(names)+1 {
		t.Fatalf("%d products make %d lines:\n%s", len(names), len(lines), out)
	}
	for _, bad := range []string{"\x00", "\x1b", "\u202e", "\u2066", "\t", "\r"} {
		if strings.Contains(out, bad) {
			t.Fatalf("the table carries %q:\n%s", bad, out)
		}
	}
	for _, want := range []string{`first line\nMAIN-INV-999999  forged row`, `nul\x00inside`, `\u202eتخفيض 05.99`,
		`\x1b[2J\x1b[31mcleared`, `open \u2066isolate`, `tab\there`} {
		if !strings.Contains(out, want) {
			t.Fatalf("the table does not show %q:\n%s", want, out)
		}
	}
	// Every row's columns line up: the code column is followed by the same padding.
	width := strings.Index(lines[0], "BARCODE")
	for _, l := range lines[1:] {
		if code, _, _ := strings.Cut(l, " "); len(code) >= width || strings.TrimLeft(l[len(code):width], " ") != "" {
			t.Fatalf("row %q does not line up with the header %q", l, lines[0])
		}
	}

	code, out, errs = run(t, dir, "products", "export", "--format", "json")
	if code != 0 {
		t.Fatalf("products export: %d %s", code, errs)
	}
	var got []struct{ Code, Name, Category string }
	if err := json.NewDecoder(bytes.NewReader([]byte(out))).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(names) {
		t.Fatalf("JSON has %d products", len(got))
	}
	for _, p := range got {
		if p.Name != names[p.Code] || p.Category != "tab\there" {
			t.Fatalf("JSON changed %s: %q %q", p.Code, p.Name, p.Category)
		}
	}
}
