package cli

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"mizan/core"
	"mizan/core/memstore"
	"mizan/platforms/oauth"
	"mizan/platforms/oauth/oauthtest"
	"mizan/platforms/salla"
	"mizan/platforms/salla/sallatest"
	"mizan/platforms/storetest"
)

// withOAuthStore wires the store commands to an in-memory store that connects with OAuth
// through a loopback authorize page (approving at once, or refusing for client "deny") and
// token endpoint. opened records the addresses given to the browser, which browse plays.
func withOAuthStore(t *testing.T, browse func(addr string)) (*core.MemorySecrets, *[]string) {
	t.Helper()
	srv := oauthtest.NewServer(t, oauthtest.Options{Again: false})
	st := memstore.New(time.Now)
	secrets := core.NewMemorySecrets()
	p := memstore.Platform(st)
	p.OAuth = oauth.Connect(core.OAuthConnect{Scopes: []string{"offline_access"}, RedirectHint: "http://127.0.0.1:0/callback",
		ClientIDKey: "client_id", ClientSecretKey: "client_secret", AccessTokenKey: "token", RefreshTokenKey: "refresh",
		ExpiresAtKey: "expires_at"},
		oauth.Config{Endpoint: func(string) (oauth.Endpoint, error) {
			return oauth.Endpoint{AuthURL: srv.URL + "/oauth2/auth", TokenURL: srv.URL + "/oauth2/token"}, nil
		}})
	return secrets, browserWiring(t, p, secrets, browse)
}

func stored(t *testing.T, secrets *core.MemorySecrets) map[string]string {
	out := map[string]string{}
	for _, k := range secrets.Keys() {
		v, _ := secrets.Get(k)
		out[k[strings.LastIndex(k, "/")+1:]] = v
	}
	return out
}

// browserWiring wires the command line to platform p and secrets, with a browser that plays
// browse on each address it is sent to (followAll: the test store's approval page, then the
// redirect back to Mizan). It returns the addresses opened.
func browserWiring(t *testing.T, p core.Platform, secrets core.Secrets, browse func(addr string)) *[]string {
	t.Helper()
	var opened []string
	prev := wiring
	SetWiring(Wiring{Platforms: func() core.Platforms { return core.NewPlatforms(p) },
		Secrets: func() core.Secrets { return secrets },
		OpenBrowser: func(addr string) error {
			opened = append(opened, addr)
			go browse(addr)
			return nil
		}})
	t.Cleanup(func() { SetWiring(prev) })
	return &opened
}

func followAll(addr string) {
	if resp, err := http.Get(addr); err == nil {
		resp.Body.Close()
	}
}

func TestConnectionsAddOAuthLoopback(t *testing.T) {
	secrets, opened := withOAuthStore(t, followAll)
	dir := t.TempDir()
	code, out, errOut := runIn(t, dir, `{"client_id": "cid", "client_secret": "app-secret-9876"}`,
		"connections", "add", "--platform", "memory", "--name", "Shop", "--store", "https://shop.example", "--oauth")
	if code != 0 || !strings.Contains(out, `Connected "Shop"`) {
		t.Fatalf("add: %d %s %s", code, out, errOut)
	}
	if len(*opened) != 1 || !strings.Contains(out, (*opened)[0]) || !strings.Contains(out, "Waiting for the browser") {
		t.Errorf("the browser was opened at %v; printed:\n%s", *opened, out)
	}
	got := stored(t, secrets)
	want := map[string]string{"client_id": "cid", "client_secret": "app-secret-9876", "token": "tok-from-code-1234",
		"refresh": "ref-from-code-5678", "expires_at": "1797500000"}
	if len(got) != len(want) {
		t.Fatalf("keyring %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("keyring %s = %q, want %q", k, got[k], v)
		}
	}
	for _, secret := range []string{"app-secret-9876", "tok-from-code-1234", "ref-from-code-5678"} {
		if strings.Contains(out+errOut, secret) {
			t.Errorf("the output shows %q", secret)
		}
	}
}

func TestConnectionsAddOAuthRefused(t *testing.T) {
	withOAuthStore(t, followAll)
	code, out, errOut := runIn(t, t.TempDir(), `{"client_id": "deny", "client_secret": "app-secret-9876"}`,
		"connections", "add", "--platform", "memory", "--name", "Shop", "--store", "https://shop.example", "--oauth")
	if code == 0 || !strings.Contains(errOut, "did not approve") {
		t.Fatalf("refused approval: %d %s %s", code, out, errOut)
	}
	code, _, errOut = runIn(t, t.TempDir(), `{"client_id": "cid"`,
		"connections", "add", "--platform", "memory", "--name", "Shop", "--store", "https://shop.example", "--oauth")
	if code != 2 || !strings.Contains(errOut, "JSON object") {
		t.Fatalf("bad JSON: %d %s", code, errOut)
	}
}

// TestConnectionsAddOAuthPasted: with a redirect address that is not on this computer, the
// address the browser ended on is read as a line after the JSON.
func TestConnectionsAddOAuthPasted(t *testing.T) {
	in, typed := io.Pipe()
	secrets, _ := withOAuthStore(t, func(addr string) {
		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := noFollow.Get(addr)
		if err != nil {
			typed.CloseWithError(err)
			return
		}
		resp.Body.Close()
		_, _ = io.WriteString(typed, resp.Header.Get("Location")+"\n")
	})
	go func() { _, _ = io.WriteString(typed, `{"client_id": "cid", "client_secret": "app-secret-9876"}`+"\n") }()
	var out, errOut strings.Builder
	code := Run(context.Background(), []string{"--data", t.TempDir(), "connections", "add", "--platform", "memory", "--name", "Shop",
		"--store", "https://shop.example", "--oauth", "--redirect", "https://example.com/callback"}, in, &out, &errOut)
	if code != 0 || !strings.Contains(out.String(), "Paste here the whole address") {
		t.Fatalf("add: %d %s %s", code, out.String(), errOut.String())
	}
	if got := stored(t, secrets); got["token"] != "tok-from-code-1234" {
		t.Errorf("keyring %v", got)
	}
}

func TestConnectionsAddTokens(t *testing.T) {
	secrets, opened := withOAuthStore(t, followAll)
	dir := t.TempDir()
	code, out, errOut := runIn(t, dir, `{"client_id": "cid", "client_secret": "s", "token": "t", "refresh": "r", "expires_at": "2026-12-17"}`,
		"connections", "add", "--platform", "memory", "--name", "Shop", "--store", "https://shop.example")
	if code != 0 || len(*opened) != 0 {
		t.Fatalf("add: %d %s %s (browser %v)", code, out, errOut, *opened)
	}
	want, _ := time.ParseInLocation("2006-01-02", "2026-12-17", time.Local)
	if got := stored(t, secrets)["expires_at"]; got != strconv.FormatInt(want.Unix(), 10) {
		t.Errorf("expires_at %q, want %d", got, want.Unix())
	}
	code, _, errOut = runIn(t, t.TempDir(), `{"client_id": "cid", "client_secret": "s", "token": "t", "refresh": "r", "expires_at": "soon"}`,
		"connections", "add", "--platform", "memory", "--name", "Shop", "--store", "https://shop.example")
	if code != 2 || !strings.Contains(errOut, "not an expiry") {
		t.Errorf("a bad expiry: %d %s", code, errOut)
	}
}

// TestConnectionsAddSallaOAuth connects a Salla store by flow (a) against the Salla test store:
// the browser goes to its approval page and back to Mizan's loopback listener; the code becomes
// tokens, the store says who it is (its merchant id), the keyring gets the tokens, and a sync
// with them imports the store's products.
func TestConnectionsAddSallaOAuth(t *testing.T) {
	// The store's clock is the wall clock: the tokens it issues are fresh for the client too.
	srv := sallatest.NewServer(sallatest.Options{MerchantID: 5151, RateLimit: -1, Clock: storetest.NewClock(time.Now())})
	srv.Seed(sallatest.SeedOptions{Products: 3, Orders: 2})
	hs := srv.Start()
	t.Cleanup(hs.Close)
	secrets := core.NewMemorySecrets()
	opened := browserWiring(t, salla.Platform(), secrets, followAll)
	dir := t.TempDir()
	app := `{"client_id": "` + srv.ClientID() + `", "client_secret": "` + srv.ClientSecret() + `"}`
	code, out, errOut := runIn(t, dir, app, "connections", "add", "--platform", "salla", "--name", "متجر سلة",
		"--store", hs.URL, "--oauth", "--redirect", "http://127.0.0.1:0/callback")
	if code != 0 || !strings.Contains(out, "Connected") || len(*opened) != 1 || !strings.HasPrefix((*opened)[0], hs.URL+"/oauth2/auth?") {
		t.Fatalf("add: %d %s %s (browser %v)", code, out, errOut, *opened)
	}
	got := stored(t, secrets)
	if srv.TokenState(got["access_token"]) != "live" || got["refresh_token"] == "" || got["expires_at"] == "" ||
		got["client_secret"] != srv.ClientSecret() {
		t.Fatalf("keyring keys %d, access token %s", len(got), srv.TokenState(got["access_token"]))
	}
	for _, k := range []string{"client_secret", "access_token", "refresh_token"} {
		if strings.Contains(out+errOut, got[k]) {
			t.Errorf("the output shows the %s", k)
		}
	}
	code, out, errOut = runIn(t, dir, "", "sync", "--quiet")
	if code != 0 || !strings.Contains(out, "imported") {
		t.Fatalf("sync: %d %s %s", code, out, errOut)
	}

	// Connecting it again in the browser (as for a connection that needs reconnecting) replaces
	// the tokens in place.
	code, out, errOut = runIn(t, dir, app, "connections", "edit", "متجر سلة", "--oauth", "--redirect", "http://127.0.0.1:0/callback")
	if code != 0 || !strings.Contains(out, "(credentials)") || len(*opened) != 2 {
		t.Fatalf("edit --oauth: %d %s %s", code, out, errOut)
	}
	again := stored(t, secrets)
	if again["access_token"] == got["access_token"] || srv.TokenState(again["access_token"]) != "live" {
		t.Errorf("the tokens were not replaced: %s", srv.TokenState(again["access_token"]))
	}
	code, _, errOut = runIn(t, dir, app, "connections", "edit", "متجر سلة", "--oauth", "--credentials")
	if code != 2 || !strings.Contains(errOut, "choose one") {
		t.Errorf("--oauth with --credentials: %d %s", code, errOut)
	}
}
