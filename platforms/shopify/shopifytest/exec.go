package shopifytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
)

// omap is a JSON object that keeps its keys in insertion order, so responses
// list fields in the order the query selected them.
type omap struct {
	keys []string
	vals map[string]any
}

func newOmap() *omap { return &omap{vals: map[string]any{}} }

func (m *omap) set(k string, v any) {
	if _, ok := m.vals[k]; !ok {
		m.keys = append(m.keys, k)
	}
	m.vals[k] = v
}

func (m *omap) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range m.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := marshalNoEscape(m.vals[k])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// gqlError is one entry of a GraphQL "errors" array.
type gqlError struct {
	Message    string         `json:"message"`
	Locations  []errLocation  `json:"locations,omitempty"`
	Path       []any          `json:"path,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

type errLocation struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// fieldError is returned by resolvers for a GraphQL field error.
type fieldError struct {
	msg  string
	code string
}

func (e *fieldError) Error() string { return e.msg }

func errf(format string, a ...any) error { return &fieldError{msg: fmt.Sprintf(format, a...)} }

// record is a plain object whose fields are looked up by name.
type record map[string]any

// resolver computes one field of a parent value.
type resolver func(ec *execCtx, parent any, args map[string]any) (any, error)

// execCtx carries the state of one operation.
type execCtx struct {
	s        *Server
	schema   *ast.Schema
	doc      *ast.QueryDocument
	vars     map[string]any
	errors   []gqlError
	cost     int
	now      time.Time
	afterRun []func()
	pages    map[string]int // connection pages served, by root field
	version  string         // API version of the request path
	field    *ast.Field     // the field being resolved
	// bulk runs a bulk operation's query: every connection is read to its end, whatever its
	// first/last, and nothing is charged.
	bulk bool
	// fault is the request's injected fault, for those a resolver carries out
	// (FaultBulkFails).
	fault *Fault
	// host is scheme://host of the request, where bulk results are served
	// unless BulkOptions.FilesBase says otherwise.
	host string
}

func (ec *execCtx) addError(f *ast.Field, path []any, msg string, ext map[string]any) {
	e := gqlError{Message: msg, Path: append([]any(nil), path...), Extensions: ext}
	if f != nil && f.Position != nil {
		e.Locations = []errLocation{{Line: f.Position.Line, Column: f.Position.Column}}
	}
	ec.errors = append(ec.errors, e)
}

// collectFields groups the fields of a selection set that apply to the
// concrete object type typeName by response key, following fragments and
// honouring @skip/@include.
func (ec *execCtx) collectFields(typeName string, set ast.SelectionSet, keys *[]string, groups map[string][]*ast.Field, visited map[string]bool) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if !ec.included(s.Directives) {
				continue
			}
			key := s.Alias
			if key == "" {
				key = s.Name
			}
			if _, ok := groups[key]; !ok {
				*keys = append(*keys, key)
			}
			groups[key] = append(groups[key], s)
		case *ast.InlineFragment:
			if !ec.included(s.Directives) || !ec.typeApplies(s.TypeCondition, typeName) {
				continue
			}
			ec.collectFields(typeName, s.SelectionSet, keys, groups, visited)
		case *ast.FragmentSpread:
			if !ec.included(s.Directives) || visited[s.Name] {
				continue
			}
			def := s.Definition
			if def == nil {
				def = ec.doc.Fragments.ForName(s.Name)
			}
			if def == nil || !ec.typeApplies(def.TypeCondition, typeName) {
				continue
			}
			visited[s.Name] = true
			ec.collectFields(typeName, def.SelectionSet, keys, groups, visited)
		}
	}
}

func (ec *execCtx) typeApplies(cond, typeName string) bool {
	if cond == "" || cond == typeName {
		return true
	}
	def := ec.schema.Types[cond]
	if def == nil {
		return false
	}
	for _, p := range ec.schema.GetPossibleTypes(def) {
		if p.Name == typeName {
			return true
		}
	}
	return false
}

func (ec *execCtx) included(dirs ast.DirectiveList) bool {
	for _, d := range dirs {
		if d.Name != "skip" && d.Name != "include" {
			continue
		}
		args := d.ArgumentMap(ec.vars)
		b, _ := args["if"].(bool)
		if d.Name == "skip" && b || d.Name == "include" && !b {
			return false
		}
	}
	return true
}

// executeObject resolves the selection set against obj of the object type
// def. It returns nil when a non-null field failed (null propagation).
func (ec *execCtx) executeObject(def *ast.Definition, obj any, set ast.SelectionSet, path []any, free bool) (*omap, bool) {
	var keys []string
	groups := map[string][]*ast.Field{}
	ec.collectFields(def.Name, set, &keys, groups, map[string]bool{})
	out := newOmap()
	for _, key := range keys {
		fields := groups[key]
		f := fields[0]
		fpath := append(append([]any(nil), path...), key)
		if f.Name == "__typename" {
			out.set(key, def.Name)
			continue
		}
		fdef := def.Fields.ForName(f.Name)
		if since := newerFields[def.Name+"."+f.Name]; since != "" && !versionAtLeast(ec.version, since) {
			fdef = nil // not in the schema of the version asked for
		}
		if fdef == nil {
			ec.addError(f, fpath, fmt.Sprintf("Field '%s' doesn't exist on type '%s'", f.Name, def.Name), map[string]any{"code": "undefinedField", "typeName": def.Name, "fieldName": f.Name})
			return nil, false
		}
		args := f.ArgumentMap(ec.vars)
		ec.field = f
		var val any
		var err error
		if ec.bulk && strings.HasSuffix(fdef.Type.Name(), "Connection") {
			val, err = ec.resolveAll(def.Name, f.Name, obj, args)
		} else {
			val, err = ec.resolve(def.Name, f.Name, obj, args)
		}
		if err != nil {
			ext := map[string]any(nil)
			if fe, ok := err.(*fieldError); ok && fe.code != "" {
				ext = map[string]any{"code": fe.code}
			}
			ec.addError(f, fpath, err.Error(), ext)
			if fdef.Type.NonNull {
				return nil, false
			}
			out.set(key, nil)
			continue
		}
		var sub ast.SelectionSet
		for _, x := range fields {
			sub = append(sub, x.SelectionSet...)
		}
		v, ok := ec.complete(fdef.Type, val, sub, fpath, f, free)
		if !ok {
			return nil, false
		}
		out.set(key, v)
	}
	return out, true
}

func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface:
		return rv.IsNil()
	}
	return false
}

// complete turns a resolved Go value into its JSON form for type t. The bool
// is false when a null reached a non-null position.
func (ec *execCtx) complete(t *ast.Type, val any, set ast.SelectionSet, path []any, f *ast.Field, free bool) (any, bool) {
	if t.Elem != nil && val != nil && reflect.ValueOf(val).Kind() == reflect.Slice {
		// a nil slice is an empty list
	} else if isNil(val) {
		if t.NonNull {
			ec.addError(f, path, fmt.Sprintf("Cannot return null for non-nullable field %s", f.Name), nil)
			return nil, false
		}
		return nil, true
	}
	if t.Elem != nil {
		rv := reflect.ValueOf(val)
		if rv.Kind() != reflect.Slice {
			ec.addError(f, path, "internal error: list expected", nil)
			return nil, !t.NonNull
		}
		out := make([]any, 0, rv.Len())
		counted := isCountedList(val)
		for i := 0; i < rv.Len(); i++ {
			item, ok := ec.complete(t.Elem, rv.Index(i).Interface(), set, append(append([]any(nil), path...), i), f, free || i > 0 && !counted)
			if !ok {
				if t.NonNull {
					return nil, false
				}
				return nil, true
			}
			out = append(out, item)
		}
		return out, true
	}
	def := ec.schema.Types[t.NamedType]
	switch def.Kind {
	case ast.Scalar, ast.Enum:
		return val, true
	case ast.Interface, ast.Union:
		name := typeNameOf(val)
		def = ec.schema.Types[name]
		if def == nil {
			ec.addError(f, path, "internal error: unknown concrete type for "+t.NamedType, nil)
			return nil, !t.NonNull
		}
	}
	if !free {
		ec.cost += objectCost(def.Name)
	}
	obj, ok := ec.executeObject(def, val, set, path, free)
	if !ok {
		if t.NonNull {
			return nil, false
		}
		return nil, true
	}
	return obj, true
}

// connNodes is the "nodes" list of a connection; like edges, every element
// of it is charged, whereas plain object lists are charged once.
type connNodes []any

func isCountedList(v any) bool {
	switch v.(type) {
	case []*edge, connNodes:
		return true
	}
	return false
}

// resolve looks up the resolver for typeName.field and runs it.
func (ec *execCtx) resolve(typeName, field string, parent any, args map[string]any) (any, error) {
	switch p := parent.(type) {
	case record:
		return p[field], nil
	case *connection:
		switch field {
		case "edges":
			return p.edges, nil
		case "nodes":
			nodes := make(connNodes, len(p.edges))
			for i, e := range p.edges {
				nodes[i] = e.node
			}
			return nodes, nil
		case "pageInfo":
			return p.pageInfo(), nil
		}
	case *edge:
		switch field {
		case "cursor":
			return p.cursor, nil
		case "node":
			return p.node, nil
		}
	}
	if m := resolvers[typeName]; m != nil {
		if r := m[field]; r != nil {
			return r(ec, parent, args)
		}
	}
	return nil, errf("shopifytest: field %s.%s is not implemented by the in-memory server", typeName, field)
}

// typeNameOf returns the GraphQL object type of a resolved value.
func typeNameOf(v any) string {
	switch x := v.(type) {
	case *product:
		return "Product"
	case *variant:
		return "ProductVariant"
	case *inventoryItem:
		return "InventoryItem"
	case *inventoryLevel:
		return "InventoryLevel"
	case *location:
		return "Location"
	case *customer:
		return "Customer"
	case *order:
		return "Order"
	case *lineItem:
		return "LineItem"
	case *refund:
		return "Refund"
	case *refundShipping:
		return "RefundShippingLine"
	case *transaction:
		return "OrderTransaction"
	case *adjustmentGroup:
		return "InventoryAdjustmentGroup"
	case *shopValue:
		return "Shop"
	case *address:
		return "MailingAddress"
	case record:
		if n, ok := x["__typename"].(string); ok {
			return n
		}
	}
	return ""
}

// objectCost is the cost of one returned object of the named type: 2 for a
// connection, 0 for edges and page info, 1 for other objects.
func objectCost(typeName string) int {
	switch {
	case strings.HasSuffix(typeName, "Connection"):
		return 2
	case strings.HasSuffix(typeName, "Edge"), typeName == "PageInfo":
		return 0
	}
	return 1
}
