package shopifytest

import (
	"encoding/base64"
	"encoding/json"
	"sort"
	"strings"
)

// MaxPageSize is the largest first/last a connection accepts.
const MaxPageSize = 250

type edge struct {
	cursor string
	node   any
}

type connection struct {
	edges           []*edge
	hasNext         bool
	hasPrevious     bool
	startCursor     string
	endCursor       string
	totalCandidates int
}

func (c *connection) pageInfo() record {
	r := record{"hasNextPage": c.hasNext, "hasPreviousPage": c.hasPrevious, "startCursor": nil, "endCursor": nil}
	if len(c.edges) > 0 {
		r["startCursor"] = c.startCursor
		r["endCursor"] = c.endCursor
	}
	return r
}

// sortKey is the position of an item in a connection: a sort value (int64
// or string) and the item id as tie breaker.
type sortKey struct {
	id  int64
	num int64
	str string
}

type item struct {
	key  sortKey
	node any
}

func lessKey(a, b sortKey) bool {
	if a.str != b.str {
		return a.str < b.str
	}
	if a.num != b.num {
		return a.num < b.num
	}
	return a.id < b.id
}

// cursorJSON is the content of an opaque cursor.
type cursorJSON struct {
	LastID    int64  `json:"last_id"`
	LastValue any    `json:"last_value"`
	Str       string `json:"s,omitempty"`
}

func encodeCursor(k sortKey) string {
	c := cursorJSON{LastID: k.id, LastValue: k.num}
	if k.str != "" {
		c.LastValue = k.str
		c.Str = "1"
	}
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (sortKey, bool) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return sortKey{}, false
	}
	var c struct {
		LastID    int64           `json:"last_id"`
		LastValue json.RawMessage `json:"last_value"`
		Str       string          `json:"s"`
	}
	if json.Unmarshal(b, &c) != nil || c.LastID == 0 {
		return sortKey{}, false
	}
	k := sortKey{id: c.LastID}
	if c.Str != "" {
		if json.Unmarshal(c.LastValue, &k.str) != nil {
			return sortKey{}, false
		}
	} else if json.Unmarshal(c.LastValue, &k.num) != nil {
		return sortKey{}, false
	}
	return k, true
}

// paginate applies first/after/last/before to items (any order; they are
// sorted here by key, descending when reverse). Cursors are keyset cursors:
// "after" continues strictly after the cursor's sort position even when the
// item it came from has since changed or vanished.
func paginate(items []item, args map[string]any, reverse bool) (*connection, error) {
	first, hasFirst := intArg(args, "first")
	last, hasLast := intArg(args, "last")
	if !hasFirst && !hasLast {
		return nil, errf("you must provide one of first or last")
	}
	if hasFirst && hasLast {
		return nil, errf("providing both first and last is not supported")
	}
	if hasFirst && (first < 0 || first > MaxPageSize) || hasLast && (last < 0 || last > MaxPageSize) {
		return nil, errf("The connection cannot return more than %d records. Use `first` or `last` with a value between 0 and %d.", MaxPageSize, MaxPageSize)
	}
	sort.SliceStable(items, func(i, j int) bool {
		if reverse {
			return lessKey(items[j].key, items[i].key)
		}
		return lessKey(items[i].key, items[j].key)
	})
	before := func(a, b sortKey) bool { // a comes before b in output order
		if reverse {
			return lessKey(b, a)
		}
		return lessKey(a, b)
	}
	lo, hi := 0, len(items)
	if s, ok := args["after"].(string); ok && s != "" {
		k, valid := decodeCursor(s)
		if !valid {
			return nil, errf("Invalid cursor for current pagination sort.")
		}
		lo = sort.Search(len(items), func(i int) bool { return before(k, items[i].key) })
	}
	if s, ok := args["before"].(string); ok && s != "" {
		k, valid := decodeCursor(s)
		if !valid {
			return nil, errf("Invalid cursor for current pagination sort.")
		}
		hi = sort.Search(len(items), func(i int) bool { return !before(items[i].key, k) })
	}
	if hi < lo {
		hi = lo
	}
	start, end := lo, hi
	if hasFirst && end-start > first {
		end = start + first
	}
	if hasLast && end-start > last {
		start = end - last
	}
	c := &connection{hasPrevious: start > 0, hasNext: end < len(items), totalCandidates: len(items)}
	for _, it := range items[start:end] {
		c.edges = append(c.edges, &edge{cursor: encodeCursor(it.key), node: it.node})
	}
	if len(c.edges) > 0 {
		c.startCursor = c.edges[0].cursor
		c.endCursor = c.edges[len(c.edges)-1].cursor
	}
	return c, nil
}

func intArg(args map[string]any, name string) (int, bool) {
	switch v := args[name].(type) {
	case int:
		return v, true
	case int64:
		return int(v), true
	case float64:
		return int(v), true
	case json.Number:
		n, err := v.Int64()
		return int(n), err == nil
	}
	return 0, false
}
