package zidtest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
)

// TestOAuth: the authorization code flow, and a refresh that rotates the three tokens: the
// old grant stops working, its refresh token is refused when it comes back, the new grant
// works; a refresh needs redirect_uri.
func TestOAuth(t *testing.T) {
	c := start(t, Options{RateLimit: -1})
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	redirect := "http://127.0.0.1:53682/callback"
	authorize := c.hs.URL + "/oauth/authorize?" + url.Values{"client_id": {c.s.ClientID()}, "redirect_uri": {redirect},
		"response_type": {"code"}, "state": {"a1-b2"}}.Encode()
	resp, err := noRedirect.Get(authorize)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || back.Query().Get("state") != "a1-b2" || back.Query().Get("code") == "" || back.Host != "127.0.0.1:53682" {
		t.Fatalf("authorize: %d %s", resp.StatusCode, back)
	}
	if resp, _ := noRedirect.Get(c.hs.URL + "/oauth/authorize?client_id=" + c.s.ClientID() + "&response_type=code&redirect_uri=" +
		url.QueryEscape("https://evil.example/cb")); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a foreign redirect address: %d", resp.StatusCode)
	}
	app := url.Values{"client_id": {c.s.ClientID()}, "client_secret": {c.s.ClientSecret()}}
	with := func(v url.Values, kv ...string) url.Values {
		out := url.Values{}
		for k, x := range app {
			out[k] = x
		}
		for k, x := range v {
			out[k] = x
		}
		for i := 0; i < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	code := back.Query().Get("code")
	status, body := c.token(with(nil, "grant_type", "authorization_code", "code", code, "redirect_uri", redirect))
	if status != 200 || body["access_token"] == nil || body["Authorization"] == nil || body["refresh_token"] == nil || body["expires_in"] != json.Number("31536000") {
		t.Fatalf("exchange: %d %v", status, body)
	}
	if status, _ := c.token(with(nil, "grant_type", "authorization_code", "code", code, "redirect_uri", redirect)); status != 400 {
		t.Errorf("a code used twice: %d", status)
	}
	first := Tokens{Authorization: body["Authorization"].(string), AccessToken: body["access_token"].(string), RefreshToken: body["refresh_token"].(string)}
	c.tok = first
	c.get("/v1/managers/account/profile")

	steps := []struct {
		name   string
		form   url.Values
		status int
		hint   string
	}{
		{"a refresh without redirect_uri", with(nil, "grant_type", "refresh_token", "refresh_token", first.RefreshToken), 400, "Check the `redirect_uri` parameter"},
		{"a refresh with the wrong secret", with(nil, "grant_type", "refresh_token", "refresh_token", first.RefreshToken,
			"redirect_uri", redirect, "client_secret", "nope"), 401, ""},
		{"a refresh", with(nil, "grant_type", "refresh_token", "refresh_token", first.RefreshToken, "redirect_uri", redirect), 200, ""},
		{"the spent refresh token again", with(nil, "grant_type", "refresh_token", "refresh_token", first.RefreshToken, "redirect_uri", redirect), 400, "Token has been revoked"},
	}
	var renewed Tokens
	for _, s := range steps {
		status, body := c.token(s.form)
		if status != s.status || (s.hint != "" && body["hint"] != s.hint) {
			t.Fatalf("%s: %d %v", s.name, status, body)
		}
		if status == 200 {
			renewed = Tokens{Authorization: body["Authorization"].(string), AccessToken: body["access_token"].(string), RefreshToken: body["refresh_token"].(string)}
		}
	}
	if resp, _ := c.do(http.MethodGet, "/v1/managers/account/profile", nil); resp.StatusCode != 401 {
		t.Errorf("the old grant after a refresh: %d", resp.StatusCode)
	}
	if c.s.TokenState(first.AccessToken) != "revoked" || c.s.TokenState(renewed.AccessToken) != "live" {
		t.Errorf("states %s %s", c.s.TokenState(first.AccessToken), c.s.TokenState(renewed.AccessToken))
	}
	c.tok = renewed
	c.get("/v1/managers/account/profile")
	c.get("/v1/products/")
	if cur, live := c.s.CurrentTokens(first); !live || cur.AccessToken != renewed.AccessToken {
		t.Errorf("current tokens %v %v", cur, live)
	}
}

// TestLowercaseAuthorization: the token answer can spell its key "authorization".
func TestLowercaseAuthorization(t *testing.T) {
	c := start(t, Options{RateLimit: -1, LowercaseAuthorization: true})
	status, body := c.token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {c.tok.RefreshToken}, "client_id": {c.s.ClientID()},
		"client_secret": {c.s.ClientSecret()}, "redirect_uri": {"http://localhost:9000/cb"}})
	if status != 200 || body["authorization"] == nil || body["Authorization"] != nil {
		t.Errorf("%d %v", status, body)
	}
}
