package shopify

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"mizan/platforms/shopify/shopifytest"
)

// publishedSchema is the Admin API 2025-01 schema, relative to this package's directory (it lives
// beside the project checkout and is not part of it).
const publishedSchema = "../../../shared/reference/shopify/admin_2025-01.graphql.gz"

func loadPublishedSchema(t *testing.T) *ast.Schema {
	t.Helper()
	path := filepath.FromSlash(publishedSchema)
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		abs, _ := filepath.Abs(path)
		t.Skipf("the published Shopify Admin schema is not at %s; skipping the schema check", abs)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	s, gerr := gqlparser.LoadSchema(&ast.Source{Name: "admin_2025-01.graphql", Input: string(b)})
	if gerr != nil {
		t.Fatalf("loading the published schema: %v", gerr)
	}
	return s
}

// newerConstruct is something a document uses that the 2025-01 schema does not have. It is
// removed for the schema check only; every other validation error fails the test.
type newerConstruct struct {
	doc     string
	what    string
	version string
	source  string
	strip   func(string) (string, error)
}

var newerConstructs = []newerConstruct{
	{
		doc:     docBulkRun,
		what:    "groupObjects argument of bulkOperationRunQuery",
		version: "2025-07 (default true; false from 2026-01)",
		source:  "https://shopify.dev/docs/api/admin-graphql/latest/mutations/bulkOperationRunQuery",
		strip:   func(d string) (string, error) { return withoutArgument(d, "groupObjects") },
	},
	{
		doc:     docBulkRunning,
		what:    "bulkOperations query (the whole document)",
		version: "2026-01",
		source:  "https://shopify.dev/docs/api/admin-graphql/2026-01/queries/bulkOperations",
		strip:   func(string) (string, error) { return "", nil }, // checked against the test store's schema, which has it
	},
	{
		doc:     docInventoryAdjust,
		what:    "@idempotent(key:) directive on inventoryAdjustQuantities",
		version: "2026-01 (optional), required from 2026-04",
		source:  "https://shopify.dev/changelog/making-idempotency-mandatory-for-inventory-adjustments-and-refund-mutations",
		strip:   func(d string) (string, error) { return withoutDirective(d, "idempotent") },
	},
}

func TestDocumentsMatchPublishedSchema(t *testing.T) {
	schema := loadPublishedSchema(t)
	names := make([]string, 0, len(documents))
	for n := range documents {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			text := documents[name]
			for _, nc := range newerConstructs {
				if nc.doc != name {
					continue
				}
				// The construct must really be beyond 2025-01, or the list is stale.
				if _, errs := gqlparser.LoadQuery(schema, text); len(errs) == 0 {
					t.Errorf("%s is listed as newer than 2025-01 but validates without stripping", nc.what)
				}
				var err error
				if text, err = nc.strip(text); err != nil {
					t.Fatalf("stripping %s: %v", nc.what, err)
				}
				t.Logf("checked without %s (needs API %s; %s)", nc.what, nc.version, nc.source)
			}
			check := schema
			if text == "" {
				// wholly newer than 2025-01: checked against the test store's schema, whose
				// newer fields follow their version's documentation
				sub, err := shopifytest.SubsetSchema()
				if err != nil {
					t.Fatal(err)
				}
				text, check = documents[name], sub
			}
			if _, errs := gqlparser.LoadQuery(check, text); len(errs) > 0 {
				for _, e := range errs {
					t.Errorf("%s", e)
				}
			}
		})
	}
}

func TestDocumentsAreComplete(t *testing.T) {
	for _, name := range []string{docShop, docProducts, docProductVariants, docVariantsBySKU, docVariant, docProductCreate,
		docProductUpdate, docVariantsUpdate, docInventoryActivate, docInventoryAdjust, docInventoryLevel, docStock,
		docOrders, docOrderMore, docRefundMore} {
		if documents[name] == "" {
			t.Errorf("no document %s", name)
		}
	}
	raw, _ := queryFiles.ReadFile("queries/" + fragmentsFile + ".graphql")
	for frag := range splitFragments(string(raw)) {
		used := false
		for _, d := range documents {
			if strings.Contains(d, "..."+frag) {
				used = true
			}
		}
		if !used {
			t.Errorf("fragment %s is used by no document", frag)
		}
	}
}

func TestWithoutDirective(t *testing.T) {
	out, err := withoutDirective(documents[docInventoryAdjust], "idempotent")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "@idempotent") || strings.Contains(out, "$key") {
		t.Errorf("directive or its variable left:\n%s", out)
	}
	if !strings.Contains(out, "$input") || !strings.Contains(out, "UserErrorFields") {
		t.Errorf("too much removed:\n%s", out)
	}
}
