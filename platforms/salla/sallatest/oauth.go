package sallatest

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"mizan/platforms/storetest"
)

// Tokens are a grant as the store issued it.
type Tokens struct {
	AccessToken, RefreshToken string
	Expires                   time.Time // absolute, to the second
	Scope                     string
}

// DefaultScope is the scope the store grants when none is asked for.
const DefaultScope = "offline_access products.read_write categories.read_write orders.read customers.read branches.read"

// IssueTokens hands out a new pair directly, as Salla's app.store.authorize event delivers
// one (without the authorization-code flow).
func (s *Server) IssueTokens() Tokens {
	s.mu.Lock()
	defer s.mu.Unlock()
	return tokensOf(s.st.issue(s.clock.Now(), s.opt.TokenLifetime, DefaultScope, 0))
}

// IssueTokensFor hands out a new pair granted scope (space-separated), as an app registered
// with other scopes gets.
func (s *Server) IssueTokensFor(scope string) Tokens {
	s.mu.Lock()
	defer s.mu.Unlock()
	return tokensOf(s.st.issue(s.clock.Now(), s.opt.TokenLifetime, scope, 0))
}

// CurrentTokens is the newest pair still usable that was renewed from pair t (t itself when it
// was never renewed), and false when the chain has been revoked.
func (s *Server) CurrentTokens(t Tokens) (Tokens, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.st.grants.ByAccess(t.AccessToken)
	if g == nil {
		return Tokens{}, false
	}
	l := s.st.grants.Latest(g.Family)
	if l == nil {
		return Tokens{}, false
	}
	return tokensOf(l), true
}

// TokenState tells whether an access token is live, expired or revoked ("unknown" when the
// store never issued it).
func (s *Server) TokenState(access string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.grants.State(access, s.clock.Now())
}

// ExpireTokens makes every access token issued so far expire now.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.grants.ExpireAll(s.clock.Now())
}

func tokensOf(g *storetest.Grant) Tokens {
	return Tokens{AccessToken: g.Access, RefreshToken: g.Refresh, Expires: g.Expires, Scope: g.Scope}
}

func (s *Server) serveOAuth(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/oauth2/auth":
		s.authorizeApp(w, r)
	case "/oauth2/token":
		if r.Method != http.MethodPost {
			oauthError(w, http.StatusMethodNotAllowed, "invalid_request", "The token endpoint takes POST.")
			return
		}
		s.token(w, r)
	case "/oauth2/user/info":
		s.userInfo(w, r)
	default:
		oauthError(w, http.StatusNotFound, "not_found", "Not Found")
	}
}

// oauthError is the OAuth server's error body.
func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]any{"error": code, "error_description": desc, "message": desc})
}

// redirectAllowed checks a redirect address against the app's registered one (any loopback
// address when none is registered).
func (s *Server) redirectAllowed(raw string) bool {
	return storetest.RedirectAllowed(s.opt.RedirectURI, raw)
}

// authorizeApp stands for the merchant signing in and approving the app at once: it redirects
// to the registered address with a single-use code (valid 10 minutes) and the state with its
// hyphens stripped, as Salla sends it back.
func (s *Server) authorizeApp(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != s.opt.ClientID {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed")
		return
	}
	redirect := q.Get("redirect_uri")
	if !s.redirectAllowed(redirect) {
		oauthError(w, http.StatusBadRequest, "invalid_request", "The redirect_uri does not match the app's registered redirect address.")
		return
	}
	target, _ := url.Parse(redirect)
	back := target.Query()
	if state := q.Get("state"); state != "" {
		back.Set("state", strings.ReplaceAll(state, "-", ""))
	}
	if q.Get("response_type") != "code" {
		back.Set("error", "unsupported_response_type")
		target.RawQuery = back.Encode()
		http.Redirect(w, r, target.String(), http.StatusFound)
		return
	}
	scope := q.Get("scope")
	if scope == "" {
		scope = DefaultScope
	}
	s.mu.Lock()
	code := "def50200" + randomToken(32)
	s.st.codes[code] = &authCode{code: code, redirect: redirect, scope: scope, expires: s.clock.Now().Add(10 * time.Minute)}
	s.mu.Unlock()
	back.Set("code", code)
	back.Set("scope", scope)
	target.RawQuery = back.Encode()
	http.Redirect(w, r, target.String(), http.StatusFound)
}

// token answers the authorization_code and refresh_token grants. A refresh spends its refresh
// token: the answer is a new pair and the old pair stops working. Spending a refresh token a
// second time revokes the whole chain, the pair it already bought included.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "The request body could not be read.")
		return
	}
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != s.opt.ClientID || secret != s.opt.ClientSecret {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	var g *storetest.Grant
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		c := s.st.codes[r.PostForm.Get("code")]
		switch {
		case c == nil || c.used || !now.Before(c.expires):
			oauthError(w, http.StatusBadRequest, "invalid_grant", "The authorization code is invalid, expired or already used.")
			return
		case r.PostForm.Get("redirect_uri") != c.redirect:
			oauthError(w, http.StatusBadRequest, "invalid_grant", "The redirect_uri does not match the one the code was issued for.")
			return
		}
		c.used = true
		g = s.st.issue(now, s.opt.TokenLifetime, c.scope, 0)
	case "refresh_token":
		old := s.st.grants.ByRefresh(r.PostForm.Get("refresh_token"))
		switch {
		case old == nil:
			oauthError(w, http.StatusBadRequest, "invalid_grant", "The refresh token is invalid.")
			return
		case old.Spent:
			s.st.grants.RevokeFamily(old.Family)
			oauthError(w, http.StatusUnauthorized, "invalid_grant", "The refresh token has already been used; the app's tokens are revoked.")
			return
		case old.Revoked:
			oauthError(w, http.StatusUnauthorized, "invalid_grant", "The refresh token has been revoked.")
			return
		}
		old.Spent, old.Revoked = true, true
		g = s.st.issue(now, s.opt.TokenLifetime, old.Scope, old.Family)
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.")
		return
	}
	body := map[string]any{"token_type": "bearer", "access_token": g.Access, "expires": g.Expires.Unix(),
		"refresh_token": g.Refresh, "scope": g.Scope}
	if s.opt.ExpiresIn {
		body["expires_in"] = int64(g.Expires.Sub(now) / time.Second)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, body)
}

// userInfo answers GET /oauth2/user/info. The docs page for it shows the usual
// {status, success, data} envelope with the merchant inside data; Salla's app kit describes the
// answer without data. The double follows the docs page.
func (s *Server) userInfo(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	e := s.st.authorize(r.Header.Get("Authorization"), s.clock.Now())
	s.mu.Unlock()
	if e != nil {
		writeError(w, e)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": 200, "success": true, "data": map[string]any{
		"id": 1689171978, "name": "عبدالله العتيبي", "email": "owner@example.sa", "mobile": "+966551234567", "role": "user",
		"created_at": "2023-03-27 21:51:56",
		"merchant": map[string]any{"id": s.opt.MerchantID, "username": "oasis-dates", "name": s.opt.StoreName,
			"avatar": "", "store_location": "24.7136,46.6753", "plan": s.plan(), "status": "active",
			"domain": "https://oasis-dates.example", "tax_number": "300123456700003", "commercial_number": "1010123456",
			"created_at": "2023-03-27 21:51:56"},
	}})
}

func (s *Server) plan() string {
	switch l := s.opt.RateLimit; {
	case l >= 720 || l <= -720:
		return "special"
	case l >= 360 || l <= -360:
		return "pro"
	}
	return "plus"
}
