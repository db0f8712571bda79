package cli

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"mizan/core"
	"mizan/platforms/salla"
	"mizan/platforms/salla/sallatest"
	"mizan/platforms/storetest"
)

// TestConnectionsAddAgainAfterRenewal: "connections add" of Salla tokens whose access token has
// expired, for a store that already has a live connection. Asking the store who it is renews the
// pair (spending the refresh token given) and the add is then refused. Once the other
// connection is removed, the same command with the same tokens connects the store with the pair
// the store renewed, instead of the store refusing the spent refresh token.
func TestConnectionsAddAgainAfterRenewal(t *testing.T) {
	srv := sallatest.NewServer(sallatest.Options{MerchantID: 5252, RateLimit: -1, Clock: storetest.NewClock(time.Now())})
	srv.Seed(sallatest.SeedOptions{Products: 3, Orders: 2})
	hs := srv.Start()
	t.Cleanup(hs.Close)
	secrets := core.NewMemorySecrets()
	prev := wiring
	SetWiring(Wiring{Platforms: func() core.Platforms { return core.NewPlatforms(salla.Platform()) },
		Secrets: func() core.Secrets { return secrets }})
	t.Cleanup(func() { SetWiring(prev) })
	tokens := func(tk sallatest.Tokens) string {
		raw, _ := json.Marshal(map[string]string{salla.CredClientID: srv.ClientID(), salla.CredClientSecret: srv.ClientSecret(),
			salla.CredAccessToken: tk.AccessToken, salla.CredRefreshToken: tk.RefreshToken,
			salla.CredExpiresAt: strconv.FormatInt(tk.Expires.Unix(), 10)})
		return string(raw)
	}
	dir := t.TempDir()
	if code, out, errOut := runIn(t, dir, tokens(srv.IssueTokens()), "connections", "add", "--platform", "salla", "--name", "First",
		"--store", hs.URL); code != 0 {
		t.Fatalf("add First: %d %s %s", code, out, errOut)
	}
	second := srv.IssueTokens()
	srv.ExpireTokens()
	add := []string{"connections", "add", "--platform", "salla", "--name", "Second", "--store", hs.URL}
	code, out, errOut := runIn(t, dir, tokens(second), add...)
	if code == 0 || !strings.Contains(errOut, `already connected as "First"`) {
		t.Fatalf("add Second beside First: %d %s %s", code, out, errOut)
	}
	now, live := srv.CurrentTokens(second)
	if !live || now.RefreshToken == second.RefreshToken {
		t.Fatalf("the refused add renewed nothing (live %v)", live)
	}
	if code, out, errOut := runIn(t, dir, "", "connections", "remove", "First"); code != 0 {
		t.Fatalf("remove First: %d %s %s", code, out, errOut)
	}
	code, out, errOut = runIn(t, dir, tokens(second), add...)
	if code != 0 || !strings.Contains(out, `Connected "Second"`) {
		t.Fatalf("the same add again: %d %s %s", code, out, errOut)
	}
	got := stored(t, secrets)
	if got[salla.CredAccessToken] != now.AccessToken || got[salla.CredRefreshToken] != now.RefreshToken {
		t.Errorf("the keyring does not hold the pair the store renewed (%s)", srv.TokenState(got[salla.CredAccessToken]))
	}
	for _, k := range secrets.Keys() {
		if strings.Contains(k, "/renewed/") {
			t.Errorf("renewed credentials kept after the save: %s", k)
		}
	}
	for _, v := range []string{now.AccessToken, now.RefreshToken} {
		if strings.Contains(out+errOut, v) {
			t.Errorf("the output shows a token")
		}
	}
	if code, out, errOut := runIn(t, dir, "", "sync", "--quiet"); code != 0 {
		t.Fatalf("sync: %d %s %s", code, out, errOut)
	}
}
