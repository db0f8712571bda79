package salla_test

import (
	"context"
	"testing"

	"mizan/core"
	"mizan/platforms/contract"
	"mizan/platforms/salla"
	"mizan/platforms/salla/sallatest"
)

// Tokens that expire between syncs are renewed through the engine's rotation: the sync that
// meets them goes through, and the next ones (each opening the connection afresh from the
// keyring) work with the renewed pair, so it was saved before the spent one was dropped.
func TestExpiredTokensRenewThroughTheKeyring(t *testing.T) {
	h := sallatest.NewHarness(t, sallatest.HarnessOptions{Platform: salla.Platform(), Credentials: credentials})
	h.Seed(5, 10, 1)
	b := contract.Connect(t, h, "", core.ConnectionInput{})
	for i := 0; i < 4; i++ {
		if i == 1 || i == 3 {
			h.S.ExpireTokens()
		}
		sum, err := b.Engine.SyncNow(context.Background(), b.Conn.ID, core.SyncRequest{})
		if err != nil || sum.Counts.Errors > 0 {
			t.Fatalf("sync %d: %v, %+v", i, err, sum.Counts)
		}
	}
}
