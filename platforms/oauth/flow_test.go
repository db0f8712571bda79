package oauth

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"mizan/core"
)

func TestAuthorizeURL(t *testing.T) {
	ep := Endpoint{AuthURL: "https://accounts.example.com/oauth2/auth?lang=ar"}
	got, err := AuthorizeURL(ep, "cid", "http://127.0.0.1:8765/callback", []string{"offline_access", "products.read_write"}, "abc123")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(got)
	want := url.Values{
		"lang": {"ar"}, "client_id": {"cid"}, "response_type": {"code"},
		"redirect_uri": {"http://127.0.0.1:8765/callback"}, "scope": {"offline_access products.read_write"}, "state": {"abc123"},
	}
	if u.Host != "accounts.example.com" || u.Path != "/oauth2/auth" || u.Query().Encode() != want.Encode() ||
		!strings.Contains(got, "scope=offline_access%20products.read_write") {
		t.Errorf("authorize URL = %s", got)
	}
	if _, err := AuthorizeURL(Endpoint{AuthURL: "not an address"}, "cid", "x", nil, "s"); err == nil {
		t.Error("a bad authorize address was accepted")
	}
}

func TestNewState(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		s := NewState()
		if len(s) != 32 {
			t.Fatalf("state %q is %d long", s, len(s))
		}
		for _, c := range s {
			if !strings.ContainsRune(stateLetters, c) {
				t.Fatalf("state %q has %q", s, c)
			}
		}
		if seen[s] {
			t.Fatalf("state %q repeated", s)
		}
		seen[s] = true
	}
}

func TestParseRedirect(t *testing.T) {
	const state = "AbC123xyz"
	cases := []struct {
		name, pasted string
		code         string
		errText      string
		noCode       bool
	}{
		{name: "full address", pasted: "https://example.com/callback?code=the-code&state=AbC123xyz", code: "the-code"},
		{name: "spaces around", pasted: "  https://example.com/callback?state=AbC123xyz&code=c1&scope=x \n", code: "c1"},
		{name: "hyphens stripped", pasted: "https://example.com/cb?code=c2&state=AbC-123-xyz", code: "c2"},
		{name: "query only", pasted: "code=c3&state=AbC123xyz", code: "c3"},
		{name: "in the fragment", pasted: "https://example.com/cb#code=c4&state=AbC123xyz", code: "c4"},
		{name: "empty", pasted: "  ", errText: "paste the address"},
		{name: "no code", pasted: "https://example.com/callback?state=AbC123xyz", errText: "no authorization code", noCode: true},
		{name: "no query", pasted: "https://example.com/callback", errText: "no authorization code", noCode: true},
		{name: "error", pasted: "https://example.com/cb?error=access_denied&error_description=The+merchant+refused&state=AbC123xyz", errText: "did not approve the connection (access_denied: The merchant refused)"},
		{name: "other state", pasted: "https://example.com/cb?code=c5&state=Other", errText: "another connection attempt"},
		{name: "no state", pasted: "https://example.com/cb?code=c6", errText: "another connection attempt"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, err := ParseRedirect(tc.pasted, state)
			if tc.errText != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errText) {
					t.Fatalf("error %v, want one saying %q (code %q)", err, tc.errText, code)
				}
				if errors.Is(err, ErrNoCode) != tc.noCode {
					t.Errorf("errors.Is(ErrNoCode) = %v", !tc.noCode)
				}
				return
			}
			if err != nil || code != tc.code {
				t.Fatalf("code %q, error %v; want %q", code, err, tc.code)
			}
		})
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"http://127.0.0.1:8765/callback": true,
		"http://localhost:8765/cb":       true,
		"http://LOCALHOST:1/":            true,
		"http://[::1]:8765/cb":           true,
		"https://127.0.0.1:8765/cb":      false,
		"http://0.0.0.0:8765/cb":         false,
		"http://192.168.1.5:8765/cb":     false,
		"https://example.com/callback":   false,
		"not an address":                 false,
	} {
		if got := IsLoopback(addr); got != want {
			t.Errorf("IsLoopback(%q) = %v", addr, got)
		}
	}
	if _, err := Listen("http://0.0.0.0:0/cb", "s"); err == nil {
		t.Error("Listen accepted 0.0.0.0")
	}
}

// authorizeServer plays a platform's authorize page that approves at once: it redirects the
// browser to redirect_uri with a code and the state (with hyphens stripped, as Salla does), or
// with an error when deny is set; and a token endpoint that takes that code.
func authorizeServer(t *testing.T, deny bool) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/oauth2/auth":
			q := r.URL.Query()
			back, _ := url.Parse(q.Get("redirect_uri"))
			v := url.Values{"state": {strings.ReplaceAll(q.Get("state"), "-", "")}}
			if deny {
				v.Set("error", "access_denied")
				v.Set("error_description", "The merchant refused")
			} else {
				v.Set("code", "code-for-"+q.Get("client_id"))
			}
			back.RawQuery = v.Encode()
			http.Redirect(w, r, back.String(), http.StatusFound)
		case "/oauth2/token":
			_ = r.ParseForm()
			if r.PostForm.Get("code") != "code-for-cid" || r.PostForm.Get("client_secret") != "csecret" {
				w.WriteHeader(400)
				_, _ = io.WriteString(w, `{"error":"invalid_grant"}`)
				return
			}
			_, _ = io.WriteString(w, `{"access_token":"acc","refresh_token":"ref","expires_in":1209600,"token_type":"bearer","authorization":"app-auth"}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// browse plays the browser: it opens addr and follows redirects, returning the last page.
func browse(t *testing.T, addr string) (int, string) {
	t.Helper()
	resp, err := http.Get(addr)
	if err != nil {
		t.Errorf("browser: %v", err)
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestLoopbackRedirect(t *testing.T) {
	srv := authorizeServer(t, false)
	ep := Endpoint{AuthURL: srv.URL + "/oauth2/auth", TokenURL: srv.URL + "/oauth2/token"}
	state := NewState()
	l, err := Listen("http://127.0.0.1:0/oauth/callback", state)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if host, _, _ := net.SplitHostPort(l.Addr()); host != "127.0.0.1" {
		t.Fatalf("listening on %s, not loopback", l.Addr())
	}
	// A browser asks for the icon first, and something may probe the address: both are ignored.
	if st, _ := browse(t, "http://"+l.Addr()+"/favicon.ico"); st != http.StatusNotFound {
		t.Errorf("favicon: %d", st)
	}
	if resp, err := http.Head(l.Redirect() + "?code=probe&state=" + state); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("HEAD: %v %v", resp, err)
	}
	authURL, err := AuthorizeURL(ep, "cid", l.Redirect(), []string{"offline_access"}, state)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var page string
	var status int
	go func() {
		defer close(done)
		status, page = browse(t, authURL)
	}()
	code, err := l.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	<-done
	if status != 200 || !strings.Contains(page, "You can close this window") {
		t.Errorf("browser shown %d %q", status, page)
	}
	tok, err := Exchange(context.Background(), testClient(), ep, "cid", "csecret", code, l.Redirect(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "acc" || tok.RefreshToken != "ref" || !tok.Expiry.Equal(testNow.Add(14*24*time.Hour)) {
		t.Errorf("token %+v", tok)
	}
	// A second return to the path (a reload) changes nothing.
	if st, p := browse(t, l.Redirect()+"?code=other&state="+state); st != 200 || !strings.Contains(p, "already been received") {
		t.Errorf("reload: %d %q", st, p)
	}
}

func TestLoopbackRedirectRefused(t *testing.T) {
	cases := []struct {
		name    string
		deny    bool
		state   string // sent to the authorize page instead of the listener's
		errText string
	}{
		{name: "merchant refuses", deny: true, errText: "access_denied: The merchant refused"},
		{name: "other state", state: "SomeoneElses", errText: "another connection attempt"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := authorizeServer(t, tc.deny)
			state := NewState()
			l, err := Listen("http://localhost:0/cb", state)
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			sent := state
			if tc.state != "" {
				sent = tc.state
			}
			authURL, _ := AuthorizeURL(Endpoint{AuthURL: srv.URL + "/oauth2/auth"}, "cid", l.Redirect(), nil, sent)
			go browse(t, authURL)
			code, err := l.Wait(context.Background())
			if err == nil || !strings.Contains(err.Error(), tc.errText) {
				t.Fatalf("code %q, error %v; want %q", code, err, tc.errText)
			}
		})
	}
}

func TestListenerWaitEnds(t *testing.T) {
	l, err := Listen("http://127.0.0.1:0/cb", "s")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := l.Wait(ctx); err == nil {
		t.Fatal("Wait returned without a browser")
	}
	addr := l.Addr()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	// Once closed, the port is free again.
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("port still taken: %v", err)
	}
	ln.Close()
	// A port in use is reported.
	busy, _ := net.Listen("tcp", "127.0.0.1:0")
	defer busy.Close()
	if _, err := Listen("http://127.0.0.1:"+strings.Split(busy.Addr().String(), ":")[1]+"/cb", "s"); err == nil || !strings.Contains(err.Error(), "another program") {
		t.Errorf("busy port: %v", err)
	}
}

func TestConnect(t *testing.T) {
	srv := authorizeServer(t, false)
	desc := core.OAuthConnect{
		Scopes: []string{"offline_access"}, ClientIDKey: "client_id", ClientSecretKey: "client_secret",
		AccessTokenKey: "access_token", RefreshTokenKey: "refresh_token", ExpiresAtKey: "expires_at",
	}
	var asked string
	oc := Connect(desc, Config{Endpoint: func(storeURL string) (Endpoint, error) {
		asked = storeURL
		return Endpoint{AuthURL: srv.URL + "/oauth2/auth", TokenURL: srv.URL + "/oauth2/token"}, nil
	}})
	ctx := context.Background()
	t.Run("loopback", func(t *testing.T) {
		att, err := oc.Start(ctx, core.OAuthRequest{StoreURL: "https://shop.example/", ClientID: "cid", ClientSecret: "csecret", Redirect: "http://127.0.0.1:0/callback"})
		if err != nil {
			t.Fatal(err)
		}
		defer att.Close()
		if !att.Loopback || asked != "https://shop.example" {
			t.Fatalf("loopback %v, endpoint asked for %q", att.Loopback, asked)
		}
		go browse(t, att.URL)
		creds, err := att.Wait(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if creds["client_id"] != "cid" || creds["client_secret"] != "csecret" || creds["access_token"] != "acc" ||
			creds["refresh_token"] != "ref" || creds["expires_at"] == "" || len(creds) != 5 {
			t.Errorf("credentials %v", creds)
		}
	})
	t.Run("pasted", func(t *testing.T) {
		att, err := oc.Start(ctx, core.OAuthRequest{ClientID: "cid", ClientSecret: "csecret", Redirect: "https://example.com/callback"})
		if err != nil {
			t.Fatal(err)
		}
		defer att.Close()
		if att.Loopback {
			t.Fatal("a remote redirect is not loopback")
		}
		if _, err := att.Wait(ctx); err == nil {
			t.Error("Wait without a listener did not fail")
		}
		// The browser ends on the remote address, which does not answer; the merchant copies it.
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get(att.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		ended := resp.Header.Get("Location")
		if _, err := att.Paste(ctx, "https://example.com/callback?code=code-for-cid&state=Wrong"); err == nil {
			t.Error("a pasted address of another attempt was accepted")
		}
		creds, err := att.Paste(ctx, ended)
		if err != nil {
			t.Fatal(err)
		}
		if creds["access_token"] != "acc" {
			t.Errorf("credentials %v", creds)
		}
	})
	t.Run("extra keys and redirect", func(t *testing.T) {
		// The answer spells the field "authorization"; the platform asks for "Authorization".
		zoc := Connect(desc, Config{ExtraKeys: map[string]string{"Authorization": "authorization"}, RedirectKey: "redirect_uri",
			Endpoint: func(string) (Endpoint, error) {
				return Endpoint{AuthURL: srv.URL + "/oauth2/auth", TokenURL: srv.URL + "/oauth2/token"}, nil
			}})
		att, err := zoc.Start(ctx, core.OAuthRequest{ClientID: "cid", ClientSecret: "csecret", Redirect: "https://example.com/callback"})
		if err != nil {
			t.Fatal(err)
		}
		defer att.Close()
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get(att.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		creds, err := att.Paste(ctx, resp.Header.Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		if creds["authorization"] != "app-auth" || creds["redirect_uri"] != "https://example.com/callback" {
			t.Errorf("credentials %v", creds)
		}
	})
	t.Run("missing", func(t *testing.T) {
		for _, req := range []core.OAuthRequest{
			{ClientSecret: "s", Redirect: "https://example.com/cb"},
			{ClientID: "c", Redirect: "https://example.com/cb"},
			{ClientID: "c", ClientSecret: "s"},
			{ClientID: "c", ClientSecret: "s", Redirect: "example.com/cb"},
		} {
			if _, err := oc.Start(ctx, req); err == nil {
				t.Errorf("%+v accepted", req)
			}
		}
	})
}
