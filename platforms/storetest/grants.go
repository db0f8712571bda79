package storetest

import (
	"net/url"
	"time"

	"mizan/platforms/httpx"
)

// Grant is one set of tokens a store's OAuth server issued, and where it stands. Grants renewed
// from one another share a family; renewing spends the old grant's refresh token.
type Grant struct {
	Access, Refresh string
	// Extra is a further token some platforms hand out with the pair (Zid's Authorization).
	Extra   string
	Scope   string
	Expires time.Time
	Family  int
	Spent   bool // its refresh token was used
	Revoked bool
}

// Grants are the grants a store's OAuth server issued. It is not safe for concurrent use: the
// store holds its lock around it.
type Grants struct {
	all    []*Grant
	family int
}

// Issue records g, whose tokens and expiry the store has set, in a family (0: a new one).
func (gs *Grants) Issue(g *Grant, family int) *Grant {
	if family == 0 {
		gs.family++
		family = gs.family
	}
	g.Family = family
	gs.all = append(gs.all, g)
	return g
}

// Find is the first grant match accepts, or nil.
func (gs *Grants) Find(match func(g *Grant) bool) *Grant {
	for _, g := range gs.all {
		if match(g) {
			return g
		}
	}
	return nil
}

// ByAccess and ByRefresh find a grant by one of its tokens ("" finds none).
func (gs *Grants) ByAccess(access string) *Grant {
	return gs.Find(func(g *Grant) bool { return access != "" && g.Access == access })
}

func (gs *Grants) ByRefresh(refresh string) *Grant {
	return gs.Find(func(g *Grant) bool { return refresh != "" && g.Refresh == refresh })
}

// Latest is the usable grant of a family (renewing spends the old one), or nil.
func (gs *Grants) Latest(family int) *Grant {
	var found *Grant
	for _, g := range gs.all {
		if g.Family == family && !g.Revoked && !g.Spent {
			found = g
		}
	}
	return found
}

// RevokeFamily revokes every grant renewed from the same first one.
func (gs *Grants) RevokeFamily(family int) {
	for _, g := range gs.all {
		if g.Family == family {
			g.Revoked = true
		}
	}
}

// ExpireAll makes every grant issued so far expire at now.
func (gs *Grants) ExpireAll(now time.Time) {
	for _, g := range gs.all {
		if g.Expires.After(now) {
			g.Expires = now
		}
	}
}

// State tells whether the grant with an access token is "live", "expired" or "revoked" at now
// ("unknown" when none has it).
func (gs *Grants) State(access string, now time.Time) string {
	g := gs.ByAccess(access)
	switch {
	case g == nil:
		return "unknown"
	case g.Revoked:
		return "revoked"
	case !now.Before(g.Expires):
		return "expired"
	}
	return "live"
}

// RedirectAllowed checks an OAuth redirect address against the app's registered one; when none
// is registered, any http address on this computer (127.0.0.1, localhost) is taken.
func RedirectAllowed(registered, raw string) bool {
	if registered != "" {
		return raw == registered
	}
	u, err := url.Parse(raw)
	return err == nil && u.Scheme == "http" && httpx.IsLoopback(u.Hostname())
}
