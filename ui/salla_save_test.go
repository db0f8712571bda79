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

// TestSallaFormSaveFailsAfterRenewal: a Salla connection typed with tokens whose access token
// has expired, for a store that already has a live connection. Save renews the pair on the way
// (spending the refresh token typed) and is then refused; once the other connection is removed,
// pressing Save again with the same form saves the pair the store renewed, and the connection
// syncs, instead of the store refusing the spent refresh token.
func TestSallaFormSaveFailsAfterRenewal(t *testing.T) {
	h := sallatest.NewHarness(t, sallatest.HarnessOptions{Platform: salla.Platform()})
	h.Seed(3, 4, 1)
	cfg := h.Config()
	e := openEngineApp(t, Deps{}, func(db *storage.DB, secrets core.Secrets) *core.Engine {
		return core.New(db, secrets, core.NewPlatforms(salla.Platform()), core.Options{HTTPClient: h.HS.Client()})
	})
	ctx := context.Background()
	first, err := e.eng.AddConnection(ctx, core.ConnectionInput{Name: "First", Platform: "salla", StoreURL: cfg.StoreURL,
		Credentials: map[string]string{salla.CredClientID: h.S.ClientID(), salla.CredClientSecret: h.S.ClientSecret(),
			salla.CredAccessToken: cfg.Credentials[sallatest.CredAccessToken], salla.CredRefreshToken: cfg.Credentials[sallatest.CredRefreshToken],
			salla.CredExpiresAt: cfg.Credentials[sallatest.CredExpires]}})
	if err != nil {
		t.Fatal(err)
	}
	typed := h.S.IssueTokens() // a second pair for the same store
	h.S.ExpireTokens()
	m := e.m
	if err := m.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	f := openNewConnection(t, m)
	if f == nil || f.OAuth == nil {
		t.Fatal("the form offers no Salla connection")
	}
	test.Type(f.Name, "Second")
	test.Type(f.StoreURL, cfg.StoreURL)
	test.Type(f.Credentials[salla.CredClientID], h.S.ClientID())
	test.Type(f.Credentials[salla.CredClientSecret], h.S.ClientSecret())
	test.Type(f.Credentials[salla.CredAccessToken], typed.AccessToken)
	test.Type(f.Credentials[salla.CredRefreshToken], typed.RefreshToken)
	test.Type(f.Credentials[salla.CredExpiresAt], strconv.FormatInt(typed.Expires.Unix(), 10))
	test.Tap(f.Save)
	m.Idle()
	if m.Connections.ShowingList() || !strings.Contains(f.Status.Text, "First") {
		t.Fatalf("a second live connection to the store was saved: %q", f.Status.Text)
	}
	if top := m.Window.Canvas().Overlays().Top(); top != nil {
		closeDialog(t, m, top, "Close")
	}
	now, live := h.S.CurrentTokens(typed)
	if !live || now.RefreshToken == typed.RefreshToken {
		t.Fatalf("the refused save renewed nothing (live %v)", live)
	}
	if err := e.eng.RemoveConnection(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	test.Tap(f.Save)
	m.Idle()
	if !m.Connections.ShowingList() {
		t.Fatalf("the second save failed: %q", f.Status.Text)
	}
	if top := m.Window.Canvas().Overlays().Top(); top != nil {
		closeDialog(t, m, top, "OK") // the store's history re-attached
	}
	conns, err := e.eng.Connections(ctx)
	if err != nil || len(conns) != 1 {
		t.Fatalf("connections %d: %v", len(conns), err)
	}
	books, err := e.eng.BooksID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{salla.CredAccessToken: now.AccessToken, salla.CredRefreshToken: now.RefreshToken} {
		if got, _ := e.secrets.Get(core.SecretKey(books, conns[0].ID, k)); got != want {
			t.Errorf("the keyring's %s is not the one the store renewed", k)
		}
	}
	for _, k := range e.secrets.Keys() {
		if strings.Contains(k, "/renewed/") {
			t.Errorf("renewed credentials kept after the save: %s", k)
		}
	}
	sum, err := e.eng.SyncNow(ctx, conns[0].ID, core.SyncRequest{})
	if err != nil || sum.Outcome != core.OutcomeOK {
		t.Fatalf("sync: %v %s %s", err, sum.Outcome, sum.Message)
	}
}
