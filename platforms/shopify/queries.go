package shopify

import (
	"bytes"
	"embed"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"github.com/vektah/gqlparser/v2/parser"
)

//go:embed queries/*.graphql
var queryFiles embed.FS

// fragmentsFile holds the fragments; every other file is one operation.
const fragmentsFile = "fragments"

// Document names (the files under queries/ without ".graphql").
const (
	docShop              = "shop"
	docProducts          = "products"
	docProductVariants   = "product_variants"
	docVariantsBySKU     = "variants_by_sku"
	docVariant           = "variant"
	docProductCreate     = "product_create"
	docProductUpdate     = "product_update"
	docVariantsUpdate    = "variants_update"
	docInventoryActivate = "inventory_activate"
	docInventoryAdjust   = "inventory_adjust"
	docInventoryLevel    = "inventory_level"
	docStock             = "stock"
	docOrders            = "orders"
	docOrderMore         = "order_more"
	docRefundMore        = "refund_more"
	docRefundLines       = "refund_lines"
	docBulkRun           = "bulk_run"
	docBulkCurrent       = "bulk_current"
	docBulkPoll          = "bulk_poll"
	docBulkCancel        = "bulk_cancel"
	docBulkOrders        = "bulk_orders"
	docBulkProducts      = "bulk_products"
	docBulkRefunds       = "bulk_refunds"
	docBulkStock         = "bulk_stock"
	docBulkRunning       = "bulk_running"
)

// documents are the operations with the fragments each uses appended, by name.
var documents = mustLoadDocuments()

var (
	reFragmentStart = regexp.MustCompile(`(?m)^fragment\s+(\w+)\s+on\s`)
	reSpread        = regexp.MustCompile(`\.\.\.\s*([A-Za-z_]\w*)`)
)

func mustLoadDocuments() map[string]string {
	docs, err := loadDocuments()
	if err != nil {
		panic(err)
	}
	return docs
}

func loadDocuments() (map[string]string, error) {
	entries, err := queryFiles.ReadDir("queries")
	if err != nil {
		return nil, err
	}
	raw := map[string]string{}
	for _, e := range entries {
		b, err := queryFiles.ReadFile(path.Join("queries", e.Name()))
		if err != nil {
			return nil, err
		}
		raw[strings.TrimSuffix(e.Name(), ".graphql")] = string(b)
	}
	frags := splitFragments(raw[fragmentsFile])
	docs := map[string]string{}
	for name, text := range raw {
		if name == fragmentsFile {
			continue
		}
		full, err := withFragments(text, frags)
		if err != nil {
			return nil, fmt.Errorf("shopify: query %s: %w", name, err)
		}
		docs[name] = full
	}
	return docs, nil
}

// splitFragments cuts a file of fragment definitions into one text per fragment name.
func splitFragments(text string) map[string]string {
	out := map[string]string{}
	locs := reFragmentStart.FindAllStringSubmatchIndex(text, -1)
	for i, l := range locs {
		end := len(text)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		out[text[l[2]:l[3]]] = strings.TrimSpace(text[l[0]:end])
	}
	return out
}

// withFragments appends to an operation the fragments it spreads, directly or through other
// fragments, each once.
func withFragments(op string, frags map[string]string) (string, error) {
	need := map[string]bool{}
	var visit func(text string) error
	visit = func(text string) error {
		for _, m := range reSpread.FindAllStringSubmatch(text, -1) {
			name := m[1]
			if name == "on" || need[name] {
				continue
			}
			f, ok := frags[name]
			if !ok {
				return fmt.Errorf("unknown fragment %s", name)
			}
			need[name] = true
			if err := visit(f); err != nil {
				return err
			}
		}
		return nil
	}
	if err := visit(op); err != nil {
		return "", err
	}
	names := make([]string, 0, len(need))
	for n := range need {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(strings.TrimSpace(op))
	for _, n := range names {
		b.WriteString("\n\n")
		b.WriteString(frags[n])
	}
	b.WriteString("\n")
	return b.String(), nil
}

// withoutDirective returns doc without the named field directive, dropping variable definitions
// that only it used. Versions before a directive existed get documents rewritten this way.
func withoutDirective(doc, name string) (string, error) {
	if !strings.Contains(doc, "@"+name) {
		return doc, nil
	}
	q, err := parser.ParseQuery(&ast.Source{Input: doc})
	if err != nil {
		return "", err
	}
	for _, op := range q.Operations {
		dropDirectives(op.SelectionSet, name)
	}
	for _, f := range q.Fragments {
		dropDirectives(f.SelectionSet, name)
	}
	used := map[string]bool{}
	for _, op := range q.Operations {
		collectVars(op.SelectionSet, used)
	}
	for _, f := range q.Fragments {
		collectVars(f.SelectionSet, used)
	}
	for _, op := range q.Operations {
		kept := ast.VariableDefinitionList{}
		for _, v := range op.VariableDefinitions {
			if used[v.Variable] {
				kept = append(kept, v)
			}
		}
		op.VariableDefinitions = kept
	}
	var b bytes.Buffer
	formatter.NewFormatter(&b).FormatQueryDocument(q)
	return b.String(), nil
}

func dropDirectives(set ast.SelectionSet, name string) {
	keep := func(list ast.DirectiveList) ast.DirectiveList {
		out := ast.DirectiveList{}
		for _, d := range list {
			if d.Name != name {
				out = append(out, d)
			}
		}
		return out
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			s.Directives = keep(s.Directives)
			dropDirectives(s.SelectionSet, name)
		case *ast.InlineFragment:
			s.Directives = keep(s.Directives)
			dropDirectives(s.SelectionSet, name)
		case *ast.FragmentSpread:
			s.Directives = keep(s.Directives)
		}
	}
}

func collectVars(set ast.SelectionSet, used map[string]bool) {
	var value func(v *ast.Value)
	value = func(v *ast.Value) {
		if v == nil {
			return
		}
		if v.Kind == ast.Variable {
			used[v.Raw] = true
		}
		for _, c := range v.Children {
			value(c.Value)
		}
	}
	directives := func(list ast.DirectiveList) {
		for _, d := range list {
			for _, a := range d.Arguments {
				value(a.Value)
			}
		}
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			for _, a := range s.Arguments {
				value(a.Value)
			}
			directives(s.Directives)
			collectVars(s.SelectionSet, used)
		case *ast.InlineFragment:
			directives(s.Directives)
			collectVars(s.SelectionSet, used)
		case *ast.FragmentSpread:
			directives(s.Directives)
		}
	}
}

// withoutArgument returns doc without the named argument on any field, dropping variable
// definitions that only it used. Versions before an argument existed get documents rewritten
// this way.
func withoutArgument(doc, name string) (string, error) {
	if !strings.Contains(doc, name) {
		return doc, nil
	}
	q, err := parser.ParseQuery(&ast.Source{Input: doc})
	if err != nil {
		return "", err
	}
	var drop func(set ast.SelectionSet)
	drop = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				kept := ast.ArgumentList{}
				for _, a := range s.Arguments {
					if a.Name != name {
						kept = append(kept, a)
					}
				}
				s.Arguments = kept
				drop(s.SelectionSet)
			case *ast.InlineFragment:
				drop(s.SelectionSet)
			}
		}
	}
	for _, op := range q.Operations {
		drop(op.SelectionSet)
	}
	for _, f := range q.Fragments {
		drop(f.SelectionSet)
	}
	return format(q), nil
}

// inlineVariables returns doc with its variables replaced by the given values (strings or
// nil) and their definitions dropped: a bulk query is sent as text, without variables.
func inlineVariables(doc string, vals map[string]any) (string, error) {
	q, err := parser.ParseQuery(&ast.Source{Input: doc})
	if err != nil {
		return "", err
	}
	var value func(v *ast.Value) error
	value = func(v *ast.Value) error {
		if v == nil {
			return nil
		}
		if v.Kind == ast.Variable {
			x, ok := vals[v.Raw]
			if !ok {
				return fmt.Errorf("no value for $%s", v.Raw)
			}
			switch x := x.(type) {
			case nil:
				v.Kind, v.Raw = ast.NullValue, "null"
			case string:
				v.Kind, v.Raw = ast.StringValue, x
			default:
				return fmt.Errorf("$%s: a %T cannot be inlined", v.Raw, x)
			}
			return nil
		}
		for _, c := range v.Children {
			if err := value(c.Value); err != nil {
				return err
			}
		}
		return nil
	}
	var walk func(set ast.SelectionSet) error
	walk = func(set ast.SelectionSet) error {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				for _, a := range s.Arguments {
					if err := value(a.Value); err != nil {
						return err
					}
				}
				if err := walk(s.SelectionSet); err != nil {
					return err
				}
			case *ast.InlineFragment:
				if err := walk(s.SelectionSet); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, op := range q.Operations {
		if err := walk(op.SelectionSet); err != nil {
			return "", err
		}
		op.VariableDefinitions = nil
	}
	for _, f := range q.Fragments {
		if err := walk(f.SelectionSet); err != nil {
			return "", err
		}
	}
	return format(q), nil
}

func format(q *ast.QueryDocument) string {
	var b bytes.Buffer
	formatter.NewFormatter(&b).FormatQueryDocument(q)
	return b.String()
}
