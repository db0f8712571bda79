package core_test

import (
	"testing"

	"mizan/core"
	"mizan/core/memstore"
)

// TestTestCredentialsHandsBackRenewal: testing credentials not saved yet whose access token has
// expired renews them (the store spends the refresh token given), and the test hands back the
// renewed pair; adding the connection with it works and syncs, while adding it with the pair
// typed would be refused. A second test with the renewed pair renews nothing and hands it back
// unchanged.
func TestTestCredentialsHandsBackRenewal(t *testing.T) {
	r := newRotEnv(t, nil)
	if err := r.eng.RemoveConnection(ctx, r.conn.ID); err != nil {
		t.Fatal(err)
	}
	r.store.RotateTokens("mem_access_test_1", "mem_refresh_test_1")
	r.store.ExpireToken()
	typed := map[string]string{memstore.KeyToken: "mem_access_test_1", memstore.KeyRefresh: "mem_refresh_test_1"}
	in := core.ConnectionInput{Name: "Tested first", Platform: "memory", StoreURL: "https://rotating.example", Credentials: typed}
	info, creds, err := r.eng.TestCredentials(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if info.StoreID == "" {
		t.Errorf("the test did not say which store it is")
	}
	access, refresh := r.store.Tokens()
	if creds[memstore.KeyToken] != access || creds[memstore.KeyRefresh] != refresh {
		t.Fatalf("the test did not hand back the pair the store renewed")
	}
	if typed[memstore.KeyRefresh] != "mem_refresh_test_1" {
		t.Errorf("the caller's credentials were changed in place")
	}
	again, creds2, err := r.eng.TestCredentials(ctx, core.ConnectionInput{Platform: "memory", StoreURL: in.StoreURL, Credentials: creds})
	if err != nil || again.StoreID != info.StoreID {
		t.Fatalf("a second test with the renewed pair: %v", err)
	}
	if creds2[memstore.KeyToken] != access || creds2[memstore.KeyRefresh] != refresh {
		t.Errorf("a test that renewed nothing handed back other credentials")
	}
	if n := r.store.Calls()["Refresh"]; n != 1 {
		t.Errorf("%d renewals, want 1", n)
	}
	in.Credentials = creds
	c, err := r.eng.AddConnection(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	r.conn = c
	if got := r.keyring(); got[memstore.KeyToken] != access || got[memstore.KeyRefresh] != refresh {
		t.Fatalf("the pair saved is not the one the store renewed")
	}
	if sum := r.sync(); sum.Outcome != core.OutcomeOK || r.connection().NeedsReconnect() {
		t.Fatalf("sync: %s %s", sum.Outcome, sum.Message)
	}
}
