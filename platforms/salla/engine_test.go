package salla_test

import (
	"testing"

	"mizan/platforms/contract"
	"mizan/platforms/salla"
	"mizan/platforms/salla/sallatest"
)

// Tokens that expire between syncs are renewed through the engine's rotation: the sync that
// meets them goes through, and the next ones (each opening the connection afresh from the
// keyring) work with the renewed pair, so it was saved before the spent one was dropped.
func TestExpiredTokensRenewThroughTheKeyring(t *testing.T) {
	h := sallatest.NewHarness(t, sallatest.HarnessOptions{Platform: salla.Platform(), Credentials: credentials})
	contract.RenewsAcrossSyncs(t, h, h.S.ExpireTokens)
}
