package sallatest

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
)

// state is everything the store holds. It is guarded by Server.mu.
type state struct {
	nextID     map[string]int64
	branches   map[int64]*branch
	categories map[int64]*category
	products   map[int64]*product
	skus       map[int64]*sku
	customers  map[int64]*customer
	orders     map[int64]*order
	statuses   []*status // originals first, then the merchant's own
	bySlug     map[string]*status
	nextRef    int64
	nextDoc    int64

	codes  map[string]*authCode
	grants map[string]*grant // by access token
	byRef  map[string]*grant // by refresh token
	family int
}

// grant is one access token and the refresh token issued with it.
type grant struct {
	access, refresh string
	expires         time.Time
	scope           string
	family          int  // grants renewed from one another share a family
	spent           bool // its refresh token has been used
	revoked         bool
}

type authCode struct {
	code, redirect, scope string
	expires               time.Time
	used                  bool
}

var idBase = map[string]int64{
	"branch": 1587220000, "category": 1250000000, "product": 1330000000, "sku": 1860000000, "value": 1410000000,
	"option": 1520000000, "customer": 1100000000, "order": 1700000000, "item": 1950000000, "history": 1620000000,
	"doc": 1479530000, "status": 2100000000,
}

func newState(now time.Time) *state {
	st := &state{nextID: map[string]int64{}, branches: map[int64]*branch{}, categories: map[int64]*category{},
		products: map[int64]*product{}, skus: map[int64]*sku{}, customers: map[int64]*customer{}, orders: map[int64]*order{},
		bySlug: map[string]*status{}, nextRef: 219043210, nextDoc: 1000,
		codes: map[string]*authCode{}, grants: map[string]*grant{}, byRef: map[string]*grant{}}
	for _, o := range originals {
		s := &status{id: o.id, name: o.name, slug: o.slug}
		st.statuses = append(st.statuses, s)
		st.bySlug[o.slug] = s
	}
	id := st.id("branch")
	st.branches[id] = &branch{id: id, name: "المستودع الرئيسي", isDefault: true, city: "الرياض"}
	return st
}

// id hands out the next id of a kind; ids are large integers, distinct across kinds.
func (st *state) id(kind string) int64 {
	st.nextID[kind]++
	return idBase[kind] + st.nextID[kind]*7
}

func (st *state) defaultBranch() *branch {
	for _, b := range st.branches {
		if b.isDefault {
			return b
		}
	}
	return nil
}

// addStatus adds a merchant's own status under an original.
func (st *state) addStatus(name, parentSlug string) *status {
	parent := st.bySlug[parentSlug]
	s := &status{id: st.id("status"), name: name, slug: parent.slug, original: parent, custom: true}
	st.statuses = append(st.statuses, s)
	return s
}

func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// issue makes a new grant in a family (0: a new family).
func (st *state) issue(now time.Time, life time.Duration, scope string, family int) *grant {
	if family == 0 {
		st.family++
		family = st.family
	}
	g := &grant{access: "ory_at_" + randomToken(24), refresh: "ory_rt_" + randomToken(24), expires: now.Add(life).Truncate(time.Second),
		scope: scope, family: family}
	st.grants[g.access] = g
	st.byRef[g.refresh] = g
	return g
}

// revokeFamily revokes every grant renewed from the same first one.
func (st *state) revokeFamily(family int) {
	for _, g := range st.grants {
		if g.family == family {
			g.revoked = true
		}
	}
}

// latest is the grant of a family still usable (at most one is: renewing spends the old one),
// or nil.
func (st *state) latest(family int) *grant {
	var found *grant
	for _, g := range st.grants {
		if g.family == family && !g.revoked && !g.spent {
			found = g
		}
	}
	return found
}

func (st *state) expireAll(now time.Time) {
	for _, g := range st.grants {
		if g.expires.After(now) {
			g.expires = now
		}
	}
}

// authorize checks an API request's bearer token. The Responses doc lists 401 with the
// response "unauthorized" and the slug "Unauthorized" without saying which one error.code
// carries; the double sends "Unauthorized".
func (st *state) authorize(header string, now time.Time) *apiError {
	tok, found := strings.CutPrefix(header, "Bearer ")
	if !found || strings.TrimSpace(tok) == "" {
		return errorf(http.StatusUnauthorized, "Unauthorized", "The access token should be sent in the Authorization header.")
	}
	g := st.grants[strings.TrimSpace(tok)]
	switch {
	case g == nil || g.revoked:
		return errorf(http.StatusUnauthorized, "Unauthorized", "The access token is invalid or has been revoked.")
	case !now.Before(g.expires):
		return errorf(http.StatusUnauthorized, "Unauthorized", "The access token has expired.")
	}
	return nil
}
