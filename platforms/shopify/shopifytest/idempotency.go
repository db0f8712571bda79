package shopifytest

import (
	"bytes"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"github.com/vektah/gqlparser/v2/parser"
)

// Idempotency
//
// From API version 2026-01 inventoryAdjustQuantities accepts the field
// directive @idempotent(key:), and from 2026-04 it requires it. The server
// remembers the payload of every successful adjustment by key: a request
// repeating a key gets the original payload back and changes nothing (so a
// retry after a lost response moves stock once). Without the directive,
// requests to 2026-04 or later get a field error with the extension code
// IDEMPOTENCY_KEY_REQUIRED (the code is this server's own); earlier versions
// accept the mutation without it.

// idempotentFrom is the first version whose schema has the directive, and
// idempotentRequiredFrom the first that requires it on the mutation.
const (
	idempotentFrom         = "2026-01"
	idempotentRequiredFrom = "2026-04"
)

// versionAtLeast compares YYYY-MM versions; "unstable" is newer than all.
func versionAtLeast(v, min string) bool {
	if v == "unstable" {
		return true
	}
	return v >= min
}

// idempotencyKey returns the key of the field being resolved, if it carries
// @idempotent.
func (ec *execCtx) idempotencyKey() (string, bool) {
	if ec.field == nil {
		return "", false
	}
	d := ec.field.Directives.ForName("idempotent")
	if d == nil {
		return "", false
	}
	key, _ := d.ArgumentMap(ec.vars)["key"].(string)
	return key, true
}

// withoutNewerDirectives removes @idempotent (and variables used only by it)
// from a document, so that it can be checked against the 2025-01 schema.
// Documents without the directive, or that do not parse, are returned as is.
func withoutNewerDirectives(query string) string {
	if !strings.Contains(query, "@idempotent") {
		return query
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return query
	}
	for _, op := range doc.Operations {
		stripDirective(op.SelectionSet, "idempotent")
	}
	for _, f := range doc.Fragments {
		stripDirective(f.SelectionSet, "idempotent")
	}
	for _, op := range doc.Operations {
		used := map[string]bool{}
		usedVars(op.SelectionSet, used)
		for _, f := range doc.Fragments {
			usedVars(f.SelectionSet, used)
		}
		kept := op.VariableDefinitions[:0]
		for _, v := range op.VariableDefinitions {
			if used[v.Variable] {
				kept = append(kept, v)
			}
		}
		op.VariableDefinitions = kept
	}
	var b bytes.Buffer
	formatter.NewFormatter(&b).FormatQueryDocument(doc)
	return b.String()
}

func stripDirective(set ast.SelectionSet, name string) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			s.Directives = dropDirective(s.Directives, name)
			stripDirective(s.SelectionSet, name)
		case *ast.InlineFragment:
			s.Directives = dropDirective(s.Directives, name)
			stripDirective(s.SelectionSet, name)
		case *ast.FragmentSpread:
			s.Directives = dropDirective(s.Directives, name)
		}
	}
}

func dropDirective(list ast.DirectiveList, name string) ast.DirectiveList {
	out := list[:0]
	for _, d := range list {
		if d.Name != name {
			out = append(out, d)
		}
	}
	return out
}

func usedVars(set ast.SelectionSet, used map[string]bool) {
	args := func(list ast.ArgumentList) {
		for _, a := range list {
			valueVars(a.Value, used)
		}
	}
	dirs := func(list ast.DirectiveList) {
		for _, d := range list {
			args(d.Arguments)
		}
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			args(s.Arguments)
			dirs(s.Directives)
			usedVars(s.SelectionSet, used)
		case *ast.InlineFragment:
			dirs(s.Directives)
			usedVars(s.SelectionSet, used)
		case *ast.FragmentSpread:
			dirs(s.Directives)
		}
	}
}

func valueVars(v *ast.Value, used map[string]bool) {
	if v == nil {
		return
	}
	if v.Kind == ast.Variable {
		used[v.Raw] = true
	}
	for _, c := range v.Children {
		valueVars(c.Value, used)
	}
}
