package ui

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"mizan/core"
	"mizan/platforms/salla"
	"mizan/platforms/salla/sallatest"
	"mizan/storage"
)

// TestSallaFormTestThenSave: a Salla connection typed with tokens whose access token has
// expired. Testing it renews the pair (Salla's refresh token is single use, so the one typed is
// spent); Save keeps the renewed pair, never shown in the form, and the connection syncs
// instead of needing to be connected again.
func TestSallaFormTestThenSave(t *testing.T) {
	h := sallatest.NewHarness(t, sallatest.HarnessOptions{Platform: salla.Platform()})
	h.Seed(3, 4, 1)
	cfg := h.Config()
	typed := cfg.Credentials
	h.S.ExpireTokens()
	e := openEngineApp(t, Deps{}, func(db *storage.DB, secrets core.Secrets) *core.Engine {
		return core.New(db, secrets, core.NewPlatforms(salla.Platform()), core.Options{HTTPClient: h.HS.Client()})
	})
	m := e.m
	f := openNewConnection(t, m)
	if f == nil || f.OAuth == nil {
		t.Fatal("the form offers no Salla connection")
	}
	test.Type(f.Name, "Salla shop")
	test.Type(f.StoreURL, cfg.StoreURL)
	for _, k := range []string{salla.CredClientID, salla.CredClientSecret, salla.CredAccessToken, salla.CredRefreshToken} {
		test.Type(f.Credentials[k], typed[k])
	}
	test.Type(f.Credentials[salla.CredExpiresAt], typed[sallatest.CredExpires])
	test.Tap(f.Test)
	m.Idle()
	if !strings.Contains(f.TestResult.Text, "renewed") {
		t.Fatalf("test result %q", f.TestResult.Text)
	}
	now, live := h.S.CurrentTokens(sallatest.Tokens{AccessToken: typed[sallatest.CredAccessToken]})
	if !live || now.RefreshToken == typed[sallatest.CredRefreshToken] {
		t.Fatalf("the test renewed nothing (live %v)", live)
	}
	for k, entry := range f.Credentials {
		if strings.Contains(entry.Text, now.AccessToken) || strings.Contains(entry.Text, now.RefreshToken) {
			t.Errorf("the %s entry shows a renewed token", k)
		}
	}
	for _, s := range texts(m.Window.Content()) {
		if strings.Contains(s, now.AccessToken) || strings.Contains(s, now.RefreshToken) {
			t.Errorf("the window shows a renewed token")
		}
	}
	test.Tap(f.Save)
	m.Idle()
	if !m.Connections.ShowingList() {
		t.Fatalf("not saved: %q", f.Status.Text)
	}
	noDialog(t, m)
	ctx := context.Background()
	conns, err := e.eng.Connections(ctx)
	if err != nil || len(conns) != 1 {
		t.Fatalf("connections %d: %v", len(conns), err)
	}
	stored := map[string]string{}
	for _, k := range e.secrets.Keys() {
		v, _ := e.secrets.Get(k)
		stored[k[strings.LastIndex(k, "/")+1:]] = v
	}
	if stored[salla.CredAccessToken] != now.AccessToken || stored[salla.CredRefreshToken] != now.RefreshToken ||
		stored[salla.CredExpiresAt] != strconv.FormatInt(now.Expires.Unix(), 10) {
		t.Errorf("the keyring does not hold the pair the test renewed")
	}
	sum, err := e.eng.SyncNow(ctx, conns[0].ID, core.SyncRequest{})
	if err != nil || sum.Outcome != core.OutcomeOK {
		t.Fatalf("sync: %v %s %s", err, sum.Outcome, sum.Message)
	}
	if c, err := e.eng.Connection(ctx, conns[0].ID); err != nil || c.NeedsReconnect() {
		t.Fatalf("the connection needs reconnecting: %v %q", err, c.Reconnect)
	}
}
