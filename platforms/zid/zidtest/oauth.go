package zidtest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"mizan/platforms/storetest"
)

// Tokens are a grant as the store's OAuth server issued it.
type Tokens struct {
	Authorization string // sent as "Authorization: Bearer …"
	AccessToken   string // the store's manager token: X-Manager-Token, or Access-Token
	RefreshToken  string
	Expires       time.Time // now + expires_in, to the second
}

func tokensOf(g *storetest.Grant) Tokens {
	return Tokens{Authorization: g.Extra, AccessToken: g.Access, RefreshToken: g.Refresh, Expires: g.Expires}
}

// IssueTokens hands out a new grant directly, as if the merchant had just installed the app.
func (s *Server) IssueTokens() Tokens {
	s.mu.Lock()
	defer s.mu.Unlock()
	return tokensOf(s.st.issue(s.clock.Now(), s.opt.TokenLifetime, 0))
}

// CurrentTokens is the newest grant still usable that was renewed from t (t itself when it
// was never renewed), and false when none is.
func (s *Server) CurrentTokens(t Tokens) (Tokens, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.st.grants.ByAccess(t.AccessToken)
	if g == nil {
		return Tokens{}, false
	}
	if l := s.st.grants.Latest(g.Family); l != nil {
		return tokensOf(l), true
	}
	return Tokens{}, false
}

// TokenState tells whether a grant (by its access token) is "live", "expired" or "revoked"
// ("unknown" when the store never issued it).
func (s *Server) TokenState(access string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.grants.State(access, s.clock.Now())
}

// ExpireTokens makes every grant issued so far expire now.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.grants.ExpireAll(s.clock.Now())
}

// serveOAuth answers /oauth/authorize and /oauth/token (oauth.zid.sa in production).
func (s *Server) serveOAuth(w http.ResponseWriter, r *http.Request) {
	f, hit := s.Faults.Take(r.URL.Path, func(f storetest.Fault) bool { return strings.HasPrefix(f.Path, "/oauth") })
	if hit && f.Kind == storetest.TokenExpires {
		hit = false
	}
	if hit && f.Kind != storetest.Truncated && f.Kind != storetest.CutJSON && f.Kind != storetest.ChangesMidPaging {
		if s.writeFault(w, r, f) {
			return
		}
	}
	var status int
	var body any
	switch r.URL.Path {
	case "/oauth/authorize":
		s.authorizeApp(w, r)
		return
	case "/oauth/token":
		if r.Method != http.MethodPost {
			status, body = oauthError(http.StatusMethodNotAllowed, "invalid_request", "The token endpoint takes POST.", "")
		} else {
			status, body = s.token(r)
		}
	default:
		status, body = oauthError(http.StatusNotFound, "not_found", "Not Found", "")
	}
	raw, _ := json.Marshal(body)
	switch {
	case hit && f.Kind == storetest.Truncated:
		storetest.WriteTruncated(w, status, "application/json", raw)
	case hit && f.Kind == storetest.CutJSON:
		storetest.WriteCutJSON(w, raw)
	default:
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(raw)
	}
}

// oauthError is the OAuth server's error body (Laravel Passport's: error, error_description,
// hint, message).
func oauthError(status int, code, desc, hint string) (int, any) {
	return status, map[string]any{"error": code, "error_description": desc, "hint": hint, "message": desc}
}

// redirectAllowed checks a redirect address against the app's registered one (any loopback
// http address when none is registered).
func (s *Server) redirectAllowed(raw string) bool {
	return storetest.RedirectAllowed(s.opt.RedirectURI, raw)
}

// authorizeApp stands for the merchant signing in and approving the app at once: it
// redirects to the redirect address with a single-use code (valid 10 minutes) and the state
// as it was sent. Scopes are set on the app in Zid's partner dashboard, so none is asked for.
func (s *Server) authorizeApp(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != s.opt.ClientID {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "invalid_client", "error_description": "Client authentication failed",
			"message": "Client authentication failed"})
		return
	}
	redirect := q.Get("redirect_uri")
	if !s.redirectAllowed(redirect) {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_request",
			"error_description": "The redirect_uri does not match the app's redirect address.", "message": "The redirect_uri does not match the app's redirect address."})
		return
	}
	target, _ := url.Parse(redirect)
	back := target.Query()
	if state := q.Get("state"); state != "" {
		back.Set("state", state)
	}
	if q.Get("response_type") != "code" {
		back.Set("error", "unsupported_response_type")
		target.RawQuery = back.Encode()
		http.Redirect(w, r, target.String(), http.StatusFound)
		return
	}
	s.mu.Lock()
	code := "def50200" + randomHex(64)
	s.st.codes[code] = &authCode{code: code, redirect: redirect, expires: s.clock.Now().Add(10 * time.Minute)}
	s.mu.Unlock()
	back.Set("code", code)
	target.RawQuery = back.Encode()
	http.Redirect(w, r, target.String(), http.StatusFound)
}

// token answers the authorization_code and refresh_token grants with {token_type,
// expires_in, access_token, Authorization, refresh_token}.
//
// Refreshing: Zid's docs have the app send grant_type=refresh_token with the refresh token,
// client_id, client_secret and redirect_uri, and "save all three new tokens" (the SDK replaces
// the Authorization, the store token and the refresh token with the answer's). The double takes
// that to mean the old three stop working: a refresh spends its refresh token and revokes the
// pair it came with, and a spent refresh token is refused (invalid_grant, "Token has been
// revoked", as the OAuth server behind oauth.zid.sa answers a revoked one). The docs say
// nothing of revoking the new grant when an old refresh token comes back, so the new grant
// stays good.
func (s *Server) token(r *http.Request) (int, any) {
	if err := r.ParseForm(); err != nil {
		return oauthError(http.StatusBadRequest, "invalid_request", "The request body could not be read.", "")
	}
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != s.opt.ClientID || secret != s.opt.ClientSecret {
		return oauthError(http.StatusUnauthorized, "invalid_client", "Client authentication failed", "")
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
			return oauthError(http.StatusBadRequest, "invalid_grant", "The authorization code is invalid, expired or already used.", "")
		case r.PostForm.Get("redirect_uri") != c.redirect:
			return oauthError(http.StatusBadRequest, "invalid_grant", "The redirect_uri does not match the one the code was issued for.", "")
		}
		c.used = true
		g = s.st.issue(now, s.opt.TokenLifetime, 0)
	case "refresh_token":
		redirect := r.PostForm.Get("redirect_uri")
		switch {
		case redirect == "":
			return oauthError(http.StatusBadRequest, "invalid_request",
				"The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.",
				"Check the `redirect_uri` parameter")
		case !s.redirectAllowed(redirect):
			return oauthError(http.StatusBadRequest, "invalid_request", "The redirect_uri does not match the app's redirect address.", "")
		}
		ref := r.PostForm.Get("refresh_token")
		old := s.st.grants.ByRefresh(ref)
		switch {
		case old == nil:
			return oauthError(http.StatusBadRequest, "invalid_grant", "The refresh token is invalid.", "Cannot decrypt the refresh token")
		case old.Spent || old.Revoked:
			return oauthError(http.StatusBadRequest, "invalid_grant", "The refresh token is invalid.", "Token has been revoked")
		}
		old.Spent, old.Revoked = true, true
		g = s.st.issue(now, s.opt.TokenLifetime, old.Family)
	default:
		return oauthError(http.StatusBadRequest, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.", "")
	}
	key := "Authorization"
	if s.opt.LowercaseAuthorization {
		key = "authorization"
	}
	return http.StatusOK, map[string]any{"token_type": "Bearer", "expires_in": int64(g.Expires.Sub(now) / time.Second),
		"access_token": g.Access, key: g.Extra, "refresh_token": g.Refresh}
}
