package storetest

import (
	"math"
	"time"
)

// Bucket is a leaky-bucket rate limit as the platforms' stores run it: each request adds one, the
// bucket drains at Leak requests a second, and a request that would overflow Limit is refused. A
// negative Limit never refuses (the limit is off; -Limit is what a store may still announce). It is
// not safe for concurrent use: a store holds its own lock around it.
type Bucket struct {
	Limit int
	Leak  float64
	level float64
	at    time.Time
}

func (b *Bucket) drain(now time.Time) {
	if !b.at.IsZero() && now.After(b.at) {
		b.level = math.Max(0, b.level-now.Sub(b.at).Seconds()*b.Leak)
	}
	b.at = now
}

// Take adds a request at now; when it does not fit, it reports false and the whole seconds until
// it would (at least 1).
func (b *Bucket) Take(now time.Time) (bool, int) {
	if b.Limit < 0 {
		return true, 0
	}
	b.drain(now)
	if b.level+1 > float64(b.Limit) {
		return false, max(1, int(math.Ceil((b.level+1-float64(b.Limit))/b.Leak)))
	}
	b.level++
	return true, 0
}

// Level is how full the bucket is at now (0 when the limit is off).
func (b *Bucket) Level(now time.Time) float64 {
	if b.Limit < 0 {
		return 0
	}
	b.drain(now)
	return b.level
}
