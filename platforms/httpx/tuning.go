package httpx

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

// Tuning adjusts a platform's clients beyond its connection settings (tests, benchmarks); the
// zero value is right for production.
type Tuning struct {
	// Now is the local clock, used when the store sends no Date header.
	Now func() time.Time
	// Sleep waits d or until ctx ends (retries and pacing).
	Sleep func(ctx context.Context, d time.Duration) error
	// Retry is the retry budget of each request (default DefaultPolicy).
	Retry Policy
	// Timeout bounds one attempt of a request (default DefaultTimeout).
	Timeout time.Duration
	// Jitter scales retry backoffs, in [0, 1) (default random).
	Jitter func() float64
}

// Client is a client with this tuning for a platform's requests over hc (nil: the default),
// logging its retries to log, paced by pacer when it is not nil.
func (t Tuning) Client(hc *http.Client, log *slog.Logger, platform string, pacer *Pacer) *Client {
	return &Client{HTTP: hc, Timeout: t.Timeout, Policy: t.Retry, Log: log, Platform: platform, Sleep: t.Sleep, Now: t.Now,
		Jitter: t.Jitter, Pacer: pacer}
}

// Once is Client with a single attempt for each request: for a request the store may act on
// even when its answer is lost (a token renewal that spends a refresh token), which must not be
// sent twice.
func (t Tuning) Once(hc *http.Client, log *slog.Logger, platform string, pacer *Pacer) *Client {
	c := t.Client(hc, log, platform, pacer)
	c.Policy = Policy{MaxAttempts: 1}
	c.Jitter = nil
	return c
}
