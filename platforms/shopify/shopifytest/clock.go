package shopifytest

import (
	"time"

	"mizan/platforms/storetest"
)

// FakeClock is a manually advanced clock for Options.Now: the one every test store shares.
type FakeClock = storetest.Clock

// NewFakeClock returns a clock stopped at t.
func NewFakeClock(t time.Time) *FakeClock { return storetest.NewClock(t) }
