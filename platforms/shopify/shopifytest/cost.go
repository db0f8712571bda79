package shopifytest

import (
	"math"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
)

// Query cost
//
// The requested cost of a query is computed statically before it runs,
// following the documented rules of the Admin API: scalars and enums cost 0,
// every object 1, a connection 2 plus first (or last) times the cost of one
// node (the node object plus its selection; edges, cursor and pageInfo are
// free), an interface or union the most expensive of its possible selections,
// a plain list of objects is charged like a single object, nodes(ids:) charges
// each id, and every mutation root field costs 10. The actual cost uses the
// same rules on what was returned (connections charge for the nodes actually
// returned), so it never exceeds the requested cost. The bucket is debited the
// requested cost before execution and credited the difference afterwards.

const mutationCost = 10

// DefaultSingleQueryMaxCost is the most a single query may request.
const DefaultSingleQueryMaxCost = 1000

type costCalc struct {
	schema *ast.Schema
	doc    *ast.QueryDocument
	vars   map[string]any
}

func (c *costCalc) operation(op *ast.OperationDefinition) int {
	if op.Operation == ast.Mutation {
		n := 0
		for _, sel := range op.SelectionSet {
			if f, ok := sel.(*ast.Field); ok && f.Name != "__typename" {
				n += mutationCost
			}
		}
		return n
	}
	root := c.schema.Query
	return c.selection(root, op.SelectionSet, 0)
}

// selection returns the cost of a selection set on a type (object or
// abstract: then the maximum over possible types).
func (c *costCalc) selection(def *ast.Definition, set ast.SelectionSet, depth int) int {
	if depth > 30 {
		return 0
	}
	if def.IsAbstractType() {
		best := 0
		for _, p := range c.schema.GetPossibleTypes(def) {
			if v := c.objectSelection(p, set, depth); v > best {
				best = v
			}
		}
		return best
	}
	return c.objectSelection(def, set, depth)
}

func (c *costCalc) objectSelection(def *ast.Definition, set ast.SelectionSet, depth int) int {
	total := 0
	for _, f := range c.fields(def.Name, set) {
		total += c.field(def, f, depth)
	}
	return total
}

func (c *costCalc) fields(typeName string, set ast.SelectionSet) []*ast.Field {
	ec := &execCtx{schema: c.schema, doc: c.doc, vars: c.vars}
	var keys []string
	groups := map[string][]*ast.Field{}
	ec.collectFields(typeName, set, &keys, groups, map[string]bool{})
	var out []*ast.Field
	for _, k := range keys {
		fs := groups[k]
		merged := *fs[0]
		for _, x := range fs[1:] {
			merged.SelectionSet = append(append(ast.SelectionSet(nil), merged.SelectionSet...), x.SelectionSet...)
		}
		out = append(out, &merged)
	}
	return out
}

func (c *costCalc) field(parent *ast.Definition, f *ast.Field, depth int) int {
	if f.Name == "__typename" {
		return 0
	}
	fd := parent.Fields.ForName(f.Name)
	if fd == nil {
		return 0
	}
	def := c.schema.Types[fd.Type.Name()]
	if def == nil || def.Kind == ast.Scalar || def.Kind == ast.Enum {
		return 0
	}
	args := f.ArgumentMap(c.vars)
	if strings.HasSuffix(def.Name, "Connection") {
		n, ok := intArg(args, "first")
		if !ok {
			n, _ = intArg(args, "last")
		}
		if n < 0 {
			n = 0
		}
		return 2 + n*c.nodeCost(def, f.SelectionSet, depth)
	}
	if parent.Name == "QueryRoot" && f.Name == "nodes" {
		ids, _ := args["ids"].([]any)
		return len(ids) * (1 + c.selection(def, f.SelectionSet, depth+1))
	}
	return 1 + c.selection(def, f.SelectionSet, depth+1)
}

// nodeCost is the cost of one node of a connection: the node object plus its
// selection, summed over edges.node and nodes.
func (c *costCalc) nodeCost(conn *ast.Definition, set ast.SelectionSet, depth int) int {
	total := 0
	for _, f := range c.fields(conn.Name, set) {
		switch f.Name {
		case "nodes":
			nodeDef := c.schema.Types[conn.Fields.ForName("nodes").Type.Name()]
			total += 1 + c.selection(nodeDef, f.SelectionSet, depth+1)
		case "edges":
			edgeDef := c.schema.Types[conn.Fields.ForName("edges").Type.Name()]
			for _, ef := range c.fields(edgeDef.Name, f.SelectionSet) {
				if ef.Name == "node" {
					nodeDef := c.schema.Types[edgeDef.Fields.ForName("node").Type.Name()]
					total += 1 + c.selection(nodeDef, ef.SelectionSet, depth+1)
				}
			}
		}
	}
	return total
}

// BucketOptions configures the leaky bucket of calculated query costs.
type BucketOptions struct {
	// MaximumAvailable is the bucket size (default 2000).
	MaximumAvailable float64
	// RestoreRate is the points restored per second (default 100).
	RestoreRate float64
	// SingleQueryMax is the most one query may request (default 1000).
	SingleQueryMax int
}

type bucket struct {
	opts      BucketOptions
	available float64
	last      time.Time
}

func newBucket(o BucketOptions, now time.Time) *bucket {
	if o.MaximumAvailable <= 0 {
		o.MaximumAvailable = 2000
	}
	if o.RestoreRate <= 0 {
		o.RestoreRate = 100
	}
	if o.SingleQueryMax <= 0 {
		o.SingleQueryMax = DefaultSingleQueryMaxCost
	}
	return &bucket{opts: o, available: o.MaximumAvailable, last: now}
}

func (b *bucket) refill(now time.Time) {
	if now.After(b.last) {
		b.available = math.Min(b.opts.MaximumAvailable, b.available+now.Sub(b.last).Seconds()*b.opts.RestoreRate)
	}
	b.last = now
}

func (b *bucket) status() *omap {
	m := newOmap()
	m.set("maximumAvailable", b.opts.MaximumAvailable)
	m.set("currentlyAvailable", math.Floor(b.available))
	m.set("restoreRate", b.opts.RestoreRate)
	return m
}
