package zidtest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"time"
)

// state is everything the store holds. It is guarded by Server.mu.
type state struct {
	counter    map[string]int
	locations  []*location
	categories []*category
	products   []*product // in creation order, children after their parent
	byID       map[string]*product
	customers  map[int64]*customer
	orders     map[int64]*order
	nextOrder  int64
	nextOpID   int64
	nextCust   int64
	nextNote   int64
	reverses   []*reverseOrder

	codes  map[string]*authCode
	grants []*grant
	family int
}

// grant is one pair of tokens the OAuth server issued: the Authorization (sent as
// "Authorization: Bearer …"), the access token (the store's manager token) and the refresh
// token that renews them.
type grant struct {
	authorization, access, refresh string
	expires                        time.Time
	family                         int  // grants renewed from one another share a family
	spent                          bool // its refresh token was used
	revoked                        bool
}

type authCode struct {
	code, redirect string
	expires        time.Time
	used           bool
}

func newState() *state {
	st := &state{counter: map[string]int{}, byID: map[string]*product{}, customers: map[int64]*customer{},
		orders: map[int64]*order{}, nextOrder: 39018000, nextOpID: 62000, nextCust: 250, nextNote: 7100,
		codes: map[string]*authCode{}}
	st.locations = append(st.locations, &location{id: st.uuid("location"), name: names{ar: "المستودع الرئيسي", en: "Main warehouse"},
		city: "الرياض", isDefault: true, address: "6137 طريق الملك عبدالعزيز، الرياض"})
	return st
}

// uuid hands out the next id of a kind.
func (st *state) uuid(kind string) string {
	st.counter[kind]++
	return uuid(kind, st.counter[kind])
}

func (st *state) defaultLocation() *location {
	for _, l := range st.locations {
		if l.isDefault {
			return l
		}
	}
	return st.locations[0]
}

func (st *state) location(id string) *location {
	for _, l := range st.locations {
		if l.id == id {
			return l
		}
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// jwtLike is a random token shaped like the signed tokens Zid hands out.
func jwtLike() string {
	b := make([]byte, 96)
	_, _ = rand.Read(b)
	return "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString(b[:64]) + "." +
		base64.RawURLEncoding.EncodeToString(b[64:])
}

// issue makes a new grant in a family (0: a new family).
func (st *state) issue(now time.Time, life time.Duration, family int) *grant {
	if family == 0 {
		st.family++
		family = st.family
	}
	g := &grant{authorization: jwtLike(), access: jwtLike(), refresh: "def50200" + randomHex(48),
		expires: now.Add(life).Truncate(time.Second), family: family}
	st.grants = append(st.grants, g)
	return g
}

func (st *state) grantBy(match func(g *grant) bool) *grant {
	for _, g := range st.grants {
		if match(g) {
			return g
		}
	}
	return nil
}

// latest is the usable grant of a family (renewing spends the old one), or nil.
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
