package core

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

var placeRE = regexp.MustCompile(`%\[(\d+)\]([sq])|%`)

// places lists a format's places by number, failing on any verb that is not an indexed %[n]s or
// %[n]q (a translation could not reorder it).
func places(t *testing.T, code, format string) map[int]bool {
	t.Helper()
	out := map[int]bool{}
	for _, m := range placeRE.FindAllStringSubmatch(format, -1) {
		if m[1] == "" {
			t.Errorf("%s: %q has a verb that is not %%[n]s or %%[n]q", code, format)
			continue
		}
		n, _ := strconv.Atoi(m[1])
		out[n] = true
	}
	for n := 1; n <= len(out); n++ {
		if !out[n] {
			t.Errorf("%s: %q skips place %d", code, format, n)
		}
	}
	return out
}

// Every sentence the engine writes to the sync log is in the catalogue, named by a literal code
// (or one of the families below), with as many arguments as the sentence has places.
func TestEverySentenceIsInTheCatalogue(t *testing.T) {
	for code, w := range logText {
		n := len(places(t, code, w.English))
		if w.One != "" && len(places(t, code, w.One)) != n {
			t.Errorf("%s: its singular and plural have different places", code)
		}
		if (w.One != "") != (w.Count > 0) || w.Count > n {
			t.Errorf("%s: a count in place %d of %d, singular %q", code, w.Count, n, w.One)
		}
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
			if !ok || (id.Name != "say" && id.Name != "sayErr") || len(call.Args) == 0 {
				return true
			}
			calls++
			at := fset.Position(call.Pos())
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok {
				return true // a code chosen at run time: checked by the families below
			}
			code, _ := strconv.Unquote(lit.Value)
			w, ok := logText[code]
			if !ok {
				t.Errorf("%s: %q is not in the catalogue (core/messages.go)", at, code)
				return true
			}
			if _, spread := call.Args[len(call.Args)-1].(*ast.Ellipsis); !spread && len(call.Args)-1 != len(places(t, code, w.English)) {
				t.Errorf("%s: %q takes %d arguments, given %d", at, code, len(places(t, code, w.English)), len(call.Args)-1)
			}
			return true
		})
	}
	if calls < 60 {
		t.Fatalf("found only %d sentences written", calls)
	}
	// Codes made at run time.
	var made []string
	for _, f := range ProductFieldList {
		made = append(made, fieldWord(f).Code)
	}
	for _, step := range []string{"products", "push products", "stock", "orders", "push stock"} {
		made = append(made, stepWord(step).Code)
	}
	made = append(made, "product.by_code", "product.by_barcode", "order.more", "order.less", "order.tax_included",
		"order.tax_excluded", "payment.received", "payment.refunded", "payment.failed", "payment.refund_failed",
		"field.kept_books", "field.kept_store", "sep.comma", "sep.semicolon", "mapping.keeps_books", "mapping.keeps_store")
	sort.Strings(made)
	for _, code := range made {
		if _, ok := logText[code]; !ok {
			t.Errorf("%q is not in the catalogue", code)
		}
	}
}

func TestPhraseRender(t *testing.T) {
	p := say("order.changed", "#1001", "INV-7", listOf("semicolon", []Phrase{say("change.total", "10.00", "12.00"),
		say("change.line_removed", `Thobe "S"`)}))
	want := `Order #1001 changed in the store after it was invoiced as INV-7: total from 10.00 to 12.00; line "Thobe \"S\"" removed. ` +
		"The invoice was not changed; issue a correcting document if needed"
	if got := p.English(); got != want {
		t.Errorf("English:\n%s\nwant\n%s", got, want)
	}
	for n, want := range map[int]string{1: "1 product of the books was", 2: "2 products of the books were", 0: "0 products"} {
		if got := say("product.not_created_yet", n).English(); !strings.HasPrefix(got, want) {
			t.Errorf("%d: %q", n, got)
		}
	}
	// A translation reorders the places; a code it lacks stays in English.
	ar := map[string]string{"change.total": "المجموع من %[1]s إلى %[2]s", "order.changed": "%[3]s :%[1]s (%[2]s)", "sep.semicolon": "؛ "}
	got := p.Render(func(code string, _ *int) (string, bool) { f, ok := ar[code]; return f, ok })
	if want := `المجموع من 10.00 إلى 12.00؛ line "Thobe \"S\"" removed :#1001 (INV-7)`; got != want {
		t.Errorf("translated: %q, want %q", got, want)
	}
	// An error the engine worded keeps its words inside another sentence.
	err := sayErr("product.push_failed", "SKU-1", errTest("HTTP 422: sku taken"))
	if got := say("product.failed", "SKU-1", err); got.Args[1].Code != "product.push_failed" {
		t.Errorf("the error's sentence was lost: %+v", got)
	}
}

type errTest string

func (e errTest) Error() string { return string(e) }
