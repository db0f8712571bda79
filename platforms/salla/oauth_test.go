package salla

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"mizan/core"
	"mizan/platforms/salla/sallatest"
)

// browseTo plays the merchant's browser: it opens addr, following redirects (the test store
// approves at once and sends the browser back to the redirect address).
func browseTo(t *testing.T, addr string, follow bool) *http.Response {
	c := &http.Client{}
	if !follow {
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	resp, err := c.Get(addr)
	if err != nil {
		t.Errorf("browser: %v", err)
		return nil
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func TestOAuthConnectAuthorizeURL(t *testing.T) {
	if Platform().OAuth != oauthConnect {
		t.Fatal("the platform does not offer connecting in the browser")
	}
	att, err := oauthConnect.Start(context.Background(), core.OAuthRequest{StoreURL: "https://salla.sa/oasis-dates",
		ClientID: "app-id", ClientSecret: "app-secret", Redirect: "https://example.com/callback"})
	if err != nil {
		t.Fatal(err)
	}
	defer att.Close()
	u, err := url.Parse(att.URL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Scheme+"://"+u.Host+u.Path != "https://accounts.salla.sa/oauth2/auth" || q.Get("client_id") != "app-id" ||
		q.Get("response_type") != "code" || q.Get("redirect_uri") != "https://example.com/callback" ||
		q.Get("scope") != "offline_access products.read_write categories.read_write orders.read customers.read branches.read" ||
		q.Get("state") == "" || strings.Contains(q.Get("state"), "-") || att.Loopback {
		t.Errorf("authorize address %s (loopback %v)", att.URL, att.Loopback)
	}
	if _, err := oauthConnect.Start(context.Background(), core.OAuthRequest{StoreURL: "http://shop.example",
		ClientID: "a", ClientSecret: "b", Redirect: "https://example.com/callback"}); err == nil {
		t.Error("a plain http store address that is not a test store was accepted")
	}
}

// TestOAuthConnectLoopback connects through a real loopback redirect: the browser goes to the
// test store's authorize page, which sends it back to Mizan's listener with a code; the code is
// exchanged, and the tokens are the store's live ones; the store then says who it is.
func TestOAuthConnectLoopback(t *testing.T) {
	srv := sallatest.NewServer(sallatest.Options{MerchantID: 4242})
	hs := srv.Start()
	defer hs.Close()
	ctx := context.Background()
	att, err := oauthConnect.Start(ctx, core.OAuthRequest{StoreURL: hs.URL, ClientID: srv.ClientID(),
		ClientSecret: srv.ClientSecret(), Redirect: "http://127.0.0.1:0/callback"})
	if err != nil {
		t.Fatal(err)
	}
	defer att.Close()
	if !att.Loopback || !strings.HasPrefix(att.URL, hs.URL+"/oauth2/auth?") {
		t.Fatalf("authorize address %s (loopback %v)", att.URL, att.Loopback)
	}
	go browseTo(t, att.URL, true)
	creds, err := att.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if srv.TokenState(creds[CredAccessToken]) != "live" || creds[CredRefreshToken] == "" ||
		creds[CredClientID] != srv.ClientID() || creds[CredClientSecret] != srv.ClientSecret() {
		t.Fatalf("credentials %v (token %s)", keysOf(creds), srv.TokenState(creds[CredAccessToken]))
	}
	cur, _ := srv.CurrentTokens(sallatest.Tokens{AccessToken: creds[CredAccessToken]})
	if creds[CredExpiresAt] != strconv.FormatInt(cur.Expires.Unix(), 10) {
		t.Errorf("expires_at %s, the store says %d", creds[CredExpiresAt], cur.Expires.Unix())
	}
	st, err := Platform().Open(core.StoreConfig{StoreURL: hs.URL, Credentials: creds})
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.StoreID != "4242" {
		t.Errorf("store id %q, want the merchant id 4242", info.StoreID)
	}
}

// TestOAuthConnectPasted: with a redirect address that is not on this computer, the merchant
// pastes the address the browser ended on.
func TestOAuthConnectPasted(t *testing.T) {
	const redirect = "https://mizan.example/salla/callback"
	srv := sallatest.NewServer(sallatest.Options{RedirectURI: redirect})
	hs := srv.Start()
	defer hs.Close()
	ctx := context.Background()
	att, err := oauthConnect.Start(ctx, core.OAuthRequest{StoreURL: hs.URL, ClientID: srv.ClientID(),
		ClientSecret: srv.ClientSecret(), Redirect: redirect})
	if err != nil {
		t.Fatal(err)
	}
	defer att.Close()
	resp := browseTo(t, att.URL, false)
	if resp == nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize answered %v", resp)
	}
	ended := resp.Header.Get("Location")
	if !strings.HasPrefix(ended, redirect+"?") {
		t.Fatalf("the browser ended on %s", ended)
	}
	creds, err := att.Paste(ctx, ended)
	if err != nil {
		t.Fatal(err)
	}
	if srv.TokenState(creds[CredAccessToken]) != "live" {
		t.Errorf("access token %s", srv.TokenState(creds[CredAccessToken]))
	}
	// The code is single use: pasting the same address again is refused, and says to connect again.
	if _, err := att.Paste(ctx, ended); err == nil || !strings.Contains(err.Error(), "connect the store again") {
		t.Errorf("a spent code: %v", err)
	}
}

func keysOf(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+"("+strconv.Itoa(len(v))+")")
	}
	return out
}
