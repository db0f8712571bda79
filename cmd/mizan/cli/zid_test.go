package cli

import (
	"strings"
	"testing"
	"time"

	"mizan/core"
	"mizan/platforms/storetest"
	"mizan/platforms/zid"
	"mizan/platforms/zid/zidtest"
)

// TestConnectionsAddZidOAuth connects a Zid store in the browser against the Zid test store (a
// loopback --store points /v1 and /oauth/… there): the code becomes its two tokens, kept with the
// redirect address Zid's renewals send again; the store says who it is (its profile), and a sync
// with them imports its products and orders.
func TestConnectionsAddZidOAuth(t *testing.T) {
	srv := zidtest.NewServer(zidtest.Options{StoreID: 7373, RateLimit: -1, Clock: storetest.NewClock(time.Now())})
	srv.Seed(zidtest.SeedOptions{Products: 3, Orders: 2})
	hs := srv.Start()
	t.Cleanup(hs.Close)
	secrets := core.NewMemorySecrets()
	opened := browserWiring(t, zid.Platform(), secrets, followAll)
	dir := t.TempDir()
	app := `{"client_id": "` + srv.ClientID() + `", "client_secret": "` + srv.ClientSecret() + `"}`
	code, out, errOut := runIn(t, dir, app, "connections", "add", "--platform", "zid", "--name", "متجر زد",
		"--store", hs.URL, "--oauth", "--redirect", "http://127.0.0.1:0/callback")
	if code != 0 || !strings.Contains(out, "Connected") || len(*opened) != 1 || !strings.HasPrefix((*opened)[0], hs.URL+"/oauth/authorize?") {
		t.Fatalf("add: %d %s %s (browser %v)", code, out, errOut, *opened)
	}
	got := stored(t, secrets)
	if srv.TokenState(got[zid.CredAccessToken]) != "live" || got[zid.CredAuthorization] == "" || got[zid.CredRefreshToken] == "" ||
		!strings.HasPrefix(got[zid.CredRedirect], "http://127.0.0.1:") || got[zid.CredClientSecret] != srv.ClientSecret() {
		t.Fatalf("keyring keys %d, access token %s", len(got), srv.TokenState(got[zid.CredAccessToken]))
	}
	for _, k := range []string{zid.CredClientSecret, zid.CredAccessToken, zid.CredAuthorization, zid.CredRefreshToken} {
		if strings.Contains(out+errOut, got[k]) {
			t.Errorf("the output shows the %s", k)
		}
	}
	code, out, errOut = runIn(t, dir, "", "sync", "--quiet")
	if code != 0 || !strings.Contains(out, "imported") {
		t.Fatalf("sync: %d %s %s", code, out, errOut)
	}
}
