package contract

import (
	"testing"

	"mizan/core"
)

// RenewsAcrossSyncs checks that tokens the store stops taking between syncs are renewed through
// the engine's rotation: the sync that meets them goes through, and the next ones (each opening
// the connection afresh from the keyring) work with the renewed ones, so these were saved before
// the old ones were dropped. expire makes the store stop taking the tokens in use.
func RenewsAcrossSyncs(t *testing.T, h Harness, expire func()) {
	t.Helper()
	h.Seed(5, 10, 1)
	b := Connect(t, h, "", core.ConnectionInput{})
	for i := 0; i < 4; i++ {
		if i == 1 || i == 3 {
			expire()
		}
		sum, err := b.Engine.SyncNow(ctx, b.Conn.ID, core.SyncRequest{})
		if err != nil || sum.Counts.Errors > 0 {
			t.Fatalf("sync %d: %v, %+v\n%s", i, err, sum.Counts, b.errorLog())
		}
	}
}
