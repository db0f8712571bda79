package zidtest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"time"

	"mizan/platforms/storetest"
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

	codes map[string]*authCode
	// grants: a grant's Extra is its Authorization (sent as "Authorization: Bearer …"), its
	// Access the store's manager token.
	grants storetest.Grants
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
func (st *state) issue(now time.Time, life time.Duration, family int) *storetest.Grant {
	return st.grants.Issue(&storetest.Grant{Extra: jwtLike(), Access: jwtLike(), Refresh: "def50200" + randomHex(48),
		Expires: now.Add(life).Truncate(time.Second)}, family)
}
