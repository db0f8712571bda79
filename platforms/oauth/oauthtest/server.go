// Package oauthtest is an OAuth authorization server for tests of the connect flow in the
// window and the command line.
package oauthtest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// The app credentials the server accepts, and what it grants for them.
const (
	ClientID     = "cid"
	ClientSecret = "app-secret-9876"
	AccessToken  = "tok-from-code-1234"
	RefreshToken = "ref-from-code-5678"
	Expires      = 1797500000 // the tokens' expiry, as Unix seconds (Salla's `expires`)
	// DenyClient is a client ID whose approval the merchant refuses.
	DenyClient = "deny"
)

// Options shape the server's answers.
type Options struct {
	// Again: every grant after the first gives new tokens ("-again" added once per earlier
	// grant), as a store does when the app is approved again.
	Again bool
}

// NewServer starts the server, closed when the test ends. /oauth2/auth approves at once,
// redirecting the browser to redirect_uri with a code and the state (an error for DenyClient);
// /oauth2/token exchanges ClientID's code, with ClientSecret, for AccessToken and RefreshToken,
// and answers invalid_grant to anything else.
func NewServer(t testing.TB, o Options) *httptest.Server {
	var mu sync.Mutex
	grants := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/oauth2/auth":
			q := r.URL.Query()
			back, _ := url.Parse(q.Get("redirect_uri"))
			v := url.Values{"state": {q.Get("state")}}
			if q.Get("client_id") == DenyClient {
				v.Set("error", "access_denied")
			} else {
				v.Set("code", "code-"+q.Get("client_id"))
			}
			back.RawQuery = v.Encode()
			http.Redirect(w, r, back.String(), http.StatusFound)
		case "/oauth2/token":
			_ = r.ParseForm()
			if r.PostForm.Get("code") != "code-"+ClientID || r.PostForm.Get("client_secret") != ClientSecret {
				w.WriteHeader(http.StatusBadRequest)
				_, _ = io.WriteString(w, `{"error":"invalid_grant"}`)
				return
			}
			again := ""
			if o.Again {
				mu.Lock()
				grants++
				again = strings.Repeat("-again", grants-1)
				mu.Unlock()
			}
			_, _ = io.WriteString(w, `{"access_token":"`+AccessToken+again+`","refresh_token":"`+RefreshToken+again+`","expires":1797500000}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}
