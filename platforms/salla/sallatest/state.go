package sallatest

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"mizan/platforms/storetest"
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
	grants storetest.Grants
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
		codes: map[string]*authCode{}}
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
func (st *state) issue(now time.Time, life time.Duration, scope string, family int) *storetest.Grant {
	return st.grants.Issue(&storetest.Grant{Access: "ory_at_" + randomToken(24), Refresh: "ory_rt_" + randomToken(24),
		Expires: now.Add(life).Truncate(time.Second), Scope: scope}, family)
}

// authorize checks an API request's bearer token. The Responses doc lists 401 with the
// response "unauthorized" and the slug "Unauthorized" without saying which one error.code
// carries; the double sends "Unauthorized".
func (st *state) authorize(header string, now time.Time) *apiError {
	tok, found := strings.CutPrefix(header, "Bearer ")
	if !found || strings.TrimSpace(tok) == "" {
		return errorf(http.StatusUnauthorized, "Unauthorized", "The access token should be sent in the Authorization header.")
	}
	g := st.grants.ByAccess(strings.TrimSpace(tok))
	switch {
	case g == nil || g.Revoked:
		return errorf(http.StatusUnauthorized, "Unauthorized", "The access token is invalid or has been revoked.")
	case !now.Before(g.Expires):
		return errorf(http.StatusUnauthorized, "Unauthorized", "The access token has expired.")
	}
	return nil
}
