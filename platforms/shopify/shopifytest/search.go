package shopifytest

import (
	"strconv"
	"strings"
	"time"
)

// searchTerm is one term of a Shopify search query string, such as
// updated_at:>'2026-03-01T00:00:00Z', -status:draft or sku:ABC-1.
type searchTerm struct {
	field string // lower case; "" for free text
	op    string // "=", ">", ">=", "<", "<="
	value string
	neg   bool
}

// parseSearch splits a query string into terms. Terms are ANDed; the words
// AND are skipped, NOT and a leading '-' negate the next term. OR separates
// alternatives with a lower precedence than AND ("a b OR c" is "(a AND b) OR
// c"); it is kept as a separator term (op "OR") that matchAll splits on.
// Parentheses are not supported.
func parseSearch(q string) []searchTerm {
	var toks []string
	var cur strings.Builder
	quote := rune(0)
	for _, r := range q {
		switch {
		case quote != 0:
			cur.WriteRune(r)
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
			cur.WriteRune(r)
		case r == ' ' || r == '\t' || r == '\n':
			if cur.Len() > 0 {
				toks = append(toks, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		toks = append(toks, cur.String())
	}
	var terms []searchTerm
	neg := false
	for _, t := range toks {
		switch t {
		case "AND":
			continue
		case "OR":
			terms = append(terms, searchTerm{op: "OR"})
			neg = false
			continue
		case "NOT":
			neg = true
			continue
		}
		st := searchTerm{op: "=", neg: neg}
		neg = false
		if strings.HasPrefix(t, "-") && len(t) > 1 {
			st.neg = true
			t = t[1:]
		}
		field, val, ok := strings.Cut(t, ":")
		if !ok || strings.HasPrefix(t, "'") || strings.HasPrefix(t, "\"") {
			st.value = unquote(t)
			terms = append(terms, st)
			continue
		}
		st.field = strings.ToLower(field)
		for _, op := range []string{">=", "<=", ">", "<"} {
			if strings.HasPrefix(val, op) {
				st.op = op
				val = val[len(op):]
				break
			}
		}
		st.value = unquote(val)
		terms = append(terms, st)
	}
	return terms
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '\'' || s[0] == '"') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// termMatcher answers one term for one item; known is false for fields the
// resource does not filter on (such terms are ignored, as Shopify does).
type termMatcher func(t searchTerm) (match, known bool)

// matchAll reports whether an item matches every term of one of the
// OR-separated alternatives.
func matchAll(terms []searchTerm, m termMatcher) bool {
	start := 0
	for i := 0; i <= len(terms); i++ {
		if i < len(terms) && terms[i].op != "OR" {
			continue
		}
		if matchGroup(terms[start:i], m) {
			return true
		}
		start = i + 1
	}
	return false
}

func matchGroup(terms []searchTerm, m termMatcher) bool {
	for _, t := range terms {
		ok, known := m(t)
		if !known {
			continue
		}
		if ok == t.neg {
			return false
		}
	}
	return true
}

// parseSearchTime reads the time value of a date filter. Values without a
// zone are in the shop's time zone.
func parseSearchTime(v string, loc *time.Location) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func cmpOp[T int64 | string](a, b T, op string) bool {
	switch op {
	case ">":
		return a > b
	case ">=":
		return a >= b
	case "<":
		return a < b
	case "<=":
		return a <= b
	}
	return a == b
}

func matchTime(t time.Time, term searchTerm, loc *time.Location) bool {
	v, ok := parseSearchTime(term.value, loc)
	if !ok {
		return false
	}
	a, b := t.Truncate(time.Second).Unix(), v.Unix()
	if term.op == "=" && len(term.value) == len("2006-01-02") {
		// a bare date matches the whole day
		return a >= b && a < v.AddDate(0, 0, 1).Unix()
	}
	return cmpOp(a, b, term.op)
}

func matchID(id int64, term searchTerm) bool {
	v := term.value
	if _, n, ok := ParseGID(v); ok {
		return cmpOp(id, n, term.op)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return false
	}
	return cmpOp(id, n, term.op)
}

// matchText compares case-insensitively; a trailing '*' makes it a prefix
// match, otherwise the value must equal the field.
func matchText(s string, term searchTerm) bool {
	s, v := strings.ToLower(s), strings.ToLower(term.value)
	if strings.HasSuffix(v, "*") {
		return strings.HasPrefix(s, strings.TrimSuffix(v, "*"))
	}
	if term.op != "=" {
		return cmpOp(s, v, term.op)
	}
	return s == v
}

func matchWords(s string, term searchTerm) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(strings.TrimSuffix(term.value, "*")))
}

// matchList matches a comma separated list of alternatives ("status:active,draft").
func matchList(s string, term searchTerm) bool {
	for _, alt := range strings.Split(term.value, ",") {
		if strings.EqualFold(strings.TrimSpace(alt), s) {
			return true
		}
	}
	return false
}

func (s *Server) productMatcher(p *product) termMatcher {
	return func(t searchTerm) (bool, bool) {
		switch t.field {
		case "":
			return matchWords(p.title, t), true
		case "id":
			return matchID(p.id, t), true
		case "title":
			return matchWords(p.title, t), true
		case "handle":
			return matchText(p.handle, t), true
		case "status":
			return matchList(p.status, t), true
		case "product_type":
			return matchText(p.productType, t), true
		case "vendor":
			return matchText(p.vendor, t), true
		case "tag":
			for _, tag := range p.tags {
				if matchText(tag, t) {
					return true, true
				}
			}
			return false, true
		case "created_at":
			return matchTime(p.createdAt, t, s.loc), true
		case "updated_at":
			return matchTime(p.updatedAt, t, s.loc), true
		case "sku", "barcode":
			for _, v := range p.variants {
				val := v.sku
				if t.field == "barcode" {
					val = v.barcode
				}
				if val != "" && matchText(val, t) {
					return true, true
				}
			}
			return false, true
		case "inventory_total":
			n, err := strconv.ParseInt(t.value, 10, 64)
			return err == nil && cmpOp(int64(p.totalInventory()), n, t.op), true
		}
		return false, false
	}
}

func (s *Server) variantMatcher(v *variant) termMatcher {
	return func(t searchTerm) (bool, bool) {
		switch t.field {
		case "":
			return matchWords(v.product.title+" "+v.title(), t) || matchText(v.sku, t), true
		case "id":
			return matchID(v.id, t), true
		case "product_id":
			return matchID(v.product.id, t), true
		case "sku":
			return matchText(v.sku, t), true
		case "barcode":
			return matchText(v.barcode, t), true
		case "title":
			return matchWords(v.title(), t), true
		case "product_status":
			return matchList(v.product.status, t), true
		case "created_at":
			return matchTime(v.createdAt, t, s.loc), true
		case "updated_at":
			return matchTime(v.updatedAt, t, s.loc), true
		case "inventory_quantity":
			n, err := strconv.ParseInt(t.value, 10, 64)
			return err == nil && cmpOp(int64(v.available()), n, t.op), true
		}
		return false, false
	}
}

func (s *Server) orderMatcher(o *order) termMatcher {
	return func(t searchTerm) (bool, bool) {
		switch t.field {
		case "":
			return matchWords(o.name()+" "+o.email+" "+o.phone, t), true
		case "id":
			return matchID(o.id, t), true
		case "name":
			want := strings.TrimPrefix(t.value, "#")
			return strings.TrimPrefix(o.name(), "#") == want, true
		case "created_at":
			return matchTime(o.createdAt, t, s.loc), true
		case "processed_at":
			return matchTime(o.processedAt, t, s.loc), true
		case "updated_at":
			return matchTime(o.updatedAt, t, s.loc), true
		case "email":
			return matchText(o.email, t), true
		case "customer_id":
			return o.customer != nil && matchID(o.customer.id, t), true
		case "financial_status":
			return matchList(o.financialStatus(), t), true
		case "fulfillment_status":
			fs := strings.ToLower(o.fulfillmentStatus())
			if fs == "fulfilled" {
				fs = "shipped"
			}
			return matchList(fs, t) || matchList(o.fulfillmentStatus(), t), true
		case "status":
			st := "open"
			switch {
			case o.cancelledAt != nil:
				st = "cancelled"
			case o.closedAt != nil:
				st = "closed"
			}
			return matchList(st, t), true
		case "sku":
			for _, l := range o.lines {
				if l.sku != "" && matchText(l.sku, t) {
					return true, true
				}
			}
			return false, true
		}
		return false, false
	}
}

func (s *Server) levelMatcher(l *inventoryLevel) termMatcher {
	return func(t searchTerm) (bool, bool) {
		switch t.field {
		case "id":
			return matchID(l.id, t), true
		case "inventory_item_id":
			return matchID(l.item.id, t), true
		case "created_at":
			return matchTime(l.createdAt, t, s.loc), true
		case "updated_at":
			return matchTime(l.updatedAt, t, s.loc), true
		}
		return false, false
	}
}

func (s *Server) customerMatcher(c *customer) termMatcher {
	return func(t searchTerm) (bool, bool) {
		switch t.field {
		case "":
			return matchWords(c.displayName()+" "+c.email+" "+c.phone, t), true
		case "id":
			return matchID(c.id, t), true
		case "email":
			return matchText(c.email, t), true
		case "phone":
			return matchText(c.phone, t), true
		case "first_name":
			return matchText(c.firstName, t), true
		case "last_name":
			return matchText(c.lastName, t), true
		case "created_at":
			return matchTime(c.createdAt, t, s.loc), true
		case "updated_at":
			return matchTime(c.updatedAt, t, s.loc), true
		}
		return false, false
	}
}

func (s *Server) locationMatcher(l *location) termMatcher {
	return func(t searchTerm) (bool, bool) {
		switch t.field {
		case "", "name":
			return matchWords(l.name, t), true
		case "id":
			return matchID(l.id, t), true
		case "active":
			return strconv.FormatBool(l.active) == strings.ToLower(t.value), true
		}
		return false, false
	}
}
