package storage

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
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
	_, err = f.db.Product(ctx, 999)
	if !errors.As(err, &v) || v.Code != "" {
		t.Fatalf("a refusal not in the catalogue: %v %+v", err, v)
	}
}
