package ui

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"mizan/core"
	"mizan/core/memstore"
	"mizan/platforms/oauth"
	"mizan/platforms/oauth/oauthtest"
	"mizan/storage"
)

// oauthEnv opens empty books with an engine over the in-memory store twin offered with OAuth
// through a loopback authorize page (approving at once, refusing client "deny") and token
// endpoint. The window's browser opener plays the browser with browse.
type oauthEnv struct {
	*engineEnv
	mu     sync.Mutex
	opened []string
	browse func(addr string)
}

func newOAuthEnv(t *testing.T) *oauthEnv {
	t.Helper()
	srv := oauthtest.NewServer(t, oauthtest.Options{Again: true})
	st := memstore.New(time.Now)
	p := memstore.Platform(st)
	p.Credentials = []core.CredentialField{{Key: "client_id", Label: "Client ID"}, {Key: "client_secret", Label: "Client secret"},
		{Key: "token", Label: "Access token"}, {Key: "refresh", Label: "Refresh token"}, {Key: "expires_at", Label: "Access token expiry"}}
	p.OAuth = oauth.Connect(core.OAuthConnect{Scopes: []string{"offline_access"}, RedirectHint: "http://127.0.0.1:0/callback",
		ClientIDKey: "client_id", ClientSecretKey: "client_secret", AccessTokenKey: "token", RefreshTokenKey: "refresh",
		ExpiresAtKey: "expires_at"},
		oauth.Config{Endpoint: func(string) (oauth.Endpoint, error) {
			return oauth.Endpoint{AuthURL: srv.URL + "/oauth2/auth", TokenURL: srv.URL + "/oauth2/token"}, nil
		}})
	o := &oauthEnv{browse: func(addr string) {
		if resp, err := http.Get(addr); err == nil {
			resp.Body.Close()
		}
	}}
	deps := Deps{OpenBrowser: func(addr string) error {
		o.mu.Lock()
		o.opened = append(o.opened, addr)
		browse := o.browse
		o.mu.Unlock()
		go browse(addr)
		return nil
	}}
	o.engineEnv = openEngineApp(t, deps, func(db *storage.DB, secrets core.Secrets) *core.Engine {
		return core.New(db, secrets, core.NewPlatforms(p), core.Options{})
	})
	o.mem = st
	return o
}

func (o *oauthEnv) stored() map[string]string {
	out := map[string]string{}
	for _, k := range o.secrets.Keys() {
		v, _ := o.secrets.Get(k)
		out[k[strings.LastIndex(k, "/")+1:]] = v
	}
	return out
}

// newForm opens the new-connection form with a name, an address and the app's credentials.
func (o *oauthEnv) newForm(t *testing.T, name, clientID string) *ConnectionForm {
	t.Helper()
	m := o.m
	f := openNewConnection(t, m)
	if f == nil || f.OAuth == nil {
		t.Fatal("the form offers no connection in the browser")
	}
	test.Type(f.Name, name)
	test.Type(f.StoreURL, "https://shop.example")
	test.Type(f.Credentials["client_id"], clientID)
	test.Type(f.Credentials["client_secret"], "app-secret-9876")
	return f
}

// TestConnectionFormOAuth connects in the browser through a loopback redirect: the window opens
// the browser, which the store's approval page sends back to Mizan's listener; the tokens fill
// the form, and Save keeps them in the keyring.
func TestConnectionFormOAuth(t *testing.T) {
	o := newOAuthEnv(t)
	m := o.m
	f := o.newForm(t, "Browser shop", "cid")
	test.Tap(f.OAuth.Connect)
	m.Idle()
	if !strings.Contains(f.OAuth.Status.Text, "approved the app") {
		t.Fatalf("status %q", f.OAuth.Status.Text)
	}
	if len(o.opened) != 1 || f.OAuth.Address.Text != o.opened[0] || !strings.Contains(o.opened[0], "state=") {
		t.Errorf("browser opened at %v; address shown %q", o.opened, f.OAuth.Address.Text)
	}
	if f.Credentials["token"].Text != "tok-from-code-1234" || f.Credentials["refresh"].Text != "ref-from-code-5678" {
		t.Errorf("token entries %q %q", f.Credentials["token"].Text, f.Credentials["refresh"].Text)
	}
	test.Tap(f.Save)
	m.Idle()
	if !m.Connections.ShowingList() {
		t.Fatalf("not saved: %q", f.Status.Text)
	}
	want := map[string]string{"client_id": "cid", "client_secret": "app-secret-9876", "token": "tok-from-code-1234",
		"refresh": "ref-from-code-5678", "expires_at": "1797500000"}
	got := o.stored()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("keyring %s = %q, want %q", k, got[k], v)
		}
	}
	noDialog(t, m)

	// Connecting it again (its edit form, where Reconnect leads): the app's credentials are
	// typed again, and the new tokens replace the stored ones.
	conns, _ := o.eng.Connections(context.Background())
	test.Tap(m.Connections.Rows[conns[0].ID].Edit)
	m.Idle()
	f = m.Connections.Form
	test.Tap(f.OAuth.Connect)
	m.Idle()
	if !strings.Contains(f.OAuth.Status.Text, "again") || len(o.opened) != 1 {
		t.Fatalf("without the app's credentials: %q", f.OAuth.Status.Text)
	}
	test.Type(f.Credentials["client_id"], "cid")
	test.Type(f.Credentials["client_secret"], "app-secret-9876")
	test.Tap(f.OAuth.Connect)
	m.Idle()
	test.Tap(f.Save)
	m.Idle()
	if got := o.stored(); !m.Connections.ShowingList() || got["token"] != "tok-from-code-1234-again" {
		t.Fatalf("reconnecting: %q %q", f.Status.Text, got["token"])
	}
}

// TestConnectionFormOAuthPasted: a redirect address that is not on this computer; the merchant
// pastes the address the browser ended on. An address of another attempt is refused first.
func TestConnectionFormOAuthPasted(t *testing.T) {
	o := newOAuthEnv(t)
	m := o.m
	ended := make(chan string, 1)
	o.browse = func(addr string) {
		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := noFollow.Get(addr)
		if err != nil {
			ended <- ""
			return
		}
		resp.Body.Close()
		ended <- resp.Header.Get("Location")
	}
	f := o.newForm(t, "Pasted shop", "cid")
	f.OAuth.Redirect.SetText("https://example.com/callback")
	test.Tap(f.OAuth.Connect)
	m.Idle()
	addr := <-ended
	if !strings.HasPrefix(addr, "https://example.com/callback?") || f.OAuth.UsePasted.Disabled() {
		t.Fatalf("the browser ended on %q; use button disabled %v; status %q", addr, f.OAuth.UsePasted.Disabled(), f.OAuth.Status.Text)
	}
	test.Type(f.OAuth.Pasted, "https://example.com/callback?code=code-cid&state=NotThisOne")
	test.Tap(f.OAuth.UsePasted)
	m.Idle()
	if !strings.Contains(f.OAuth.Status.Text, "another connection attempt") || f.Credentials["token"].Text != "" {
		t.Fatalf("another attempt's address: status %q", f.OAuth.Status.Text)
	}
	f.OAuth.Pasted.SetText(addr)
	test.Tap(f.OAuth.UsePasted)
	m.Idle()
	if f.Credentials["token"].Text != "tok-from-code-1234" {
		t.Fatalf("status %q", f.OAuth.Status.Text)
	}
	test.Tap(f.Save)
	m.Idle()
	if !m.Connections.ShowingList() || o.stored()["token"] != "tok-from-code-1234" {
		t.Fatalf("not saved: %q %v", f.Status.Text, o.stored())
	}
}

func TestConnectionFormOAuthRefused(t *testing.T) {
	o := newOAuthEnv(t)
	m := o.m
	f := o.newForm(t, "Refused", "deny")
	test.Tap(f.OAuth.Connect)
	m.Idle()
	if !strings.Contains(f.OAuth.Status.Text, "did not approve") || f.OAuth.Connect.Disabled() {
		t.Fatalf("status %q", f.OAuth.Status.Text)
	}
	// Without the app's credentials nothing starts.
	f.Credentials["client_id"].SetText("")
	test.Tap(f.OAuth.Connect)
	m.Idle()
	if !strings.Contains(f.OAuth.Status.Text, "client ID and client secret first") {
		t.Fatalf("status %q", f.OAuth.Status.Text)
	}
}

// TestConnectionFormTokens: "I already have tokens", with the expiry as days from now.
func TestConnectionFormTokens(t *testing.T) {
	o := newOAuthEnv(t)
	m := o.m
	f := o.newForm(t, "Token shop", "cid")
	test.Type(f.Credentials["token"], "tok-pasted")
	test.Type(f.Credentials["refresh"], "ref-pasted")
	test.Type(f.Credentials["expires_at"], "soon")
	test.Tap(f.Save)
	m.Idle()
	if m.Connections.ShowingList() || !strings.Contains(f.Status.Text, "token expiry is not a date") {
		t.Fatalf("a bad expiry: %q", f.Status.Text)
	}
	f.Credentials["expires_at"].SetText("14d")
	before := time.Now()
	test.Tap(f.Save)
	m.Idle()
	if !m.Connections.ShowingList() {
		t.Fatalf("not saved: %q", f.Status.Text)
	}
	got := o.stored()
	secs, _ := strconv.ParseInt(got["expires_at"], 10, 64)
	if got["token"] != "tok-pasted" || secs < before.AddDate(0, 0, 14).Unix()-1 || secs > time.Now().AddDate(0, 0, 14).Unix() {
		t.Errorf("keyring %v", got)
	}
	if len(o.opened) != 0 {
		t.Errorf("the browser was opened: %v", o.opened)
	}
}
