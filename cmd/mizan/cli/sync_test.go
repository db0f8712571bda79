package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mizan/core"
	"mizan/core/memstore"
)

// withMemoryStore wires the store commands to an in-memory store and secret store.
func withMemoryStore(t *testing.T) (*memstore.Store, *core.MemorySecrets) {
	t.Helper()
	st := memstore.New(time.Now)
	secrets := core.NewMemorySecrets()
	prev := wiring
	SetWiring(Wiring{Platforms: func() core.Platforms { return core.NewPlatforms(memstore.Platform(st)) },
		Secrets: func() core.Secrets { return secrets }})
	t.Cleanup(func() { SetWiring(prev) })
	return st, secrets
}

func runIn(t *testing.T, dir, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut strings.Builder
	code := Run(context.Background(), append([]string{"--data", dir}, args...), strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestStoreCommands(t *testing.T) {
	st, secrets := withMemoryStore(t)
	dir := t.TempDir()
	st.AddProduct(core.StoreProduct{Name: "قهوة عربية", SKU: "COF-9", SalePrice: d("30"), Quantity: d("4"), TracksStock: true})
	const token = "tok_cli_secret_value"

	code, out, errOut := runIn(t, dir, `{"token": "`+token+`"}`, "connections", "add", "--platform", "memory", "--name", "My shop",
		"--store", "https://shop.example", "--since", "2026-01-01", "--warehouse", "Main warehouse")
	if code != 0 || !strings.Contains(out, `Connected "My shop"`) {
		t.Fatalf("add: %d %s %s", code, out, errOut)
	}
	if keys := secrets.Keys(); len(keys) != 1 || !strings.HasSuffix(keys[0], "/connection/1/token") {
		t.Fatalf("keyring entries %v, want the connection's token", keys)
	} else if v, err := secrets.Get(keys[0]); err != nil || v != token {
		t.Fatalf("the token is not in the secret store: %q %v", v, err)
	}
	code, out, _ = runIn(t, dir, "", "connections", "list")
	if code != 0 || !strings.Contains(out, "My shop") || !strings.Contains(out, "never") || !strings.Contains(out, "2026-01-01") {
		t.Fatalf("list: %s", out)
	}
	code, out, errOut = runIn(t, dir, "", "sync", "--quiet")
	if code != 0 || !strings.Contains(out, "1 product imported") {
		t.Fatalf("sync: %d %s %s", code, out, errOut)
	}
	code, out, _ = runIn(t, dir, "", "log")
	if code != 0 || !strings.Contains(out, "Imported COF-9") {
		t.Fatalf("log: %s", out)
	}
	code, out, _ = runIn(t, dir, "", "products", "list")
	if !strings.Contains(out, "قهوة عربية") || !strings.Contains(out, "4") {
		t.Fatalf("products after sync: %s", out)
	}

	// A failing item makes sync exit 1.
	o := core.StoreOrder{Status: "paid", Currency: "SAR", Total: d("99"), Lines: []core.StoreLine{{SKU: "COF-9", Name: "x", Quantity: d("1"), UnitPrice: d("30")}}}
	st.PlaceOrder(o)
	code, out, _ = runIn(t, dir, "", "sync", "--quiet", "--connection", "my shop")
	if code != 1 || !strings.Contains(out, "1 error") {
		t.Fatalf("sync with a bad order: %d %s", code, out)
	}
	code, out, _ = runIn(t, dir, "", "log", "--level", "error")
	if !strings.Contains(out, "store's total is 99.00 SAR") {
		t.Fatalf("error log: %s", out)
	}

	// Bad credentials input never echoes what was given.
	code, _, errOut = runIn(t, dir, `{"token": 12345678}`, "connections", "add", "--platform", "memory", "--name", "B", "--store", "https://b.example")
	if code != 2 || strings.Contains(errOut, "12345678") {
		t.Fatalf("bad credentials: %d %s", code, errOut)
	}
	code, out, _ = runIn(t, dir, "", "connections", "remove", "My shop")
	if code != 0 || len(secrets.Keys()) != 0 {
		t.Fatalf("remove: %d %s, keys left %v", code, out, secrets.Keys())
	}
	raw, err := os.ReadFile(filepath.Join(dir, "mizan.db"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), token) {
		t.Fatal("the token was written to the database")
	}
}

// TestListShowsNeedsReconnecting: a connection whose store refused to renew its credentials is
// listed as needing reconnecting, since when, and what to do; sync asks nothing of the store
// and says why; new credentials clear it.
func TestListShowsNeedsReconnecting(t *testing.T) {
	st, _ := withMemoryStoreRotating(t, "mem_access_cli_1", "mem_refresh_cli_1")
	dir := t.TempDir()
	code, out, errOut := runIn(t, dir, `{"token": "mem_access_cli_1", "refresh_token": "mem_refresh_cli_1"}`, "connections", "add",
		"--platform", "memory", "--name", "Oauth shop", "--store", "https://oauth.example")
	if code != 0 {
		t.Fatalf("add: %d %s %s", code, out, errOut)
	}
	code, out, _ = runIn(t, dir, "", "connections", "list")
	if code != 0 || !strings.Contains(out, "STATE") || !strings.Contains(out, "connected") || strings.Contains(out, "reconnecting") {
		t.Fatalf("list: %s", out)
	}
	st.ExpireToken()
	st.FailNext("Refresh", &core.StoreError{Op: "renew the access token", Status: 400, Message: "invalid_grant", Err: core.ErrReconnect})
	code, out, _ = runIn(t, dir, "", "sync", "--quiet")
	if code == 0 || !strings.Contains(out, "needs to be connected again") {
		t.Fatalf("sync: %d %s", code, out)
	}
	code, out, _ = runIn(t, dir, "", "connections", "list")
	if code != 0 || !strings.Contains(out, "needs reconnecting since") || !strings.Contains(out, "Oauth shop is not synced: the store refused") {
		t.Fatalf("list after a refused renewal: %s", out)
	}
	calls := st.Calls()
	code, out, _ = runIn(t, dir, "", "sync", "--quiet")
	if code == 0 || !strings.Contains(out, "needs to be connected again") || fmt.Sprint(st.Calls()) != fmt.Sprint(calls) {
		t.Fatalf("sync while it needs reconnecting: %d %s (calls %v, before %v)", code, out, st.Calls(), calls)
	}
	st.RotateTokens("mem_access_cli_2", "mem_refresh_cli_2")
	code, out, errOut = runIn(t, dir, `{"token": "mem_access_cli_2", "refresh_token": "mem_refresh_cli_2"}`, "connections", "edit", "Oauth shop",
		"--credentials")
	if code != 0 {
		t.Fatalf("edit: %d %s %s", code, out, errOut)
	}
	code, out, _ = runIn(t, dir, "", "connections", "list")
	if code != 0 || strings.Contains(out, "reconnecting") {
		t.Fatalf("list after new credentials: %s", out)
	}
}

// withMemoryStoreRotating is withMemoryStore for a store whose credentials rotate.
func withMemoryStoreRotating(t *testing.T, access, refresh string) (*memstore.Store, *core.MemorySecrets) {
	t.Helper()
	st := memstore.New(time.Now)
	st.RotateTokens(access, refresh)
	secrets := core.NewMemorySecrets()
	prev := wiring
	SetWiring(Wiring{Platforms: func() core.Platforms { return core.NewPlatforms(memstore.Platform(st)) },
		Secrets: func() core.Secrets { return secrets }})
	t.Cleanup(func() { SetWiring(prev) })
	return st, secrets
}
