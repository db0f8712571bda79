package salla

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"mizan/core"
	"mizan/platforms/httpx"
	"mizan/platforms/salla/sallatest"
)

// counting counts the answers by status.
type counting struct {
	next     http.RoundTripper
	all, got atomic.Int64 // requests, 429s
}

func (c *counting) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	c.all.Add(1)
	if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
		c.got.Add(1)
	}
	return resp, err
}

// An import against the test store's leaky bucket (its limit a minute, drained 30 times faster
// than Salla's so the test takes seconds) meets few 429s when paced by the headers, and many
// without. Figures are logged.
func TestPacedImport(t *testing.T) {
	if testing.Short() {
		t.Skip("runs against a rate-limited store for a few seconds")
	}
	run := func(paced bool) (requests, refused int64, took time.Duration) {
		srv := sallatest.NewServer(sallatest.Options{RateLimit: 60, LeakPerSecond: 30})
		hs := srv.Start()
		defer hs.Close()
		srv.Seed(sallatest.SeedOptions{Products: 20, Orders: 60, Seed: 3})
		tok := srv.IssueTokens()
		ct := &counting{next: hs.Client().Transport}
		hc := *hs.Client()
		hc.Transport = ct
		s, err := New(core.StoreConfig{StoreURL: hs.URL, HTTPClient: &hc, Credentials: map[string]string{
			CredAccessToken: tok.AccessToken, CredRefreshToken: tok.RefreshToken, CredClientID: srv.ClientID(), CredClientSecret: srv.ClientSecret()}},
			Options{Tuning: httpx.Tuning{Retry: httpxPolicyForTest()}})
		if err != nil {
			t.Fatal(err)
		}
		if !paced {
			s.http.Pacer, s.writes.Pacer = nil, nil
		}
		start := time.Now()
		ctx := context.Background()
		if _, err := s.Info(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.Products(ctx, time.Time{}, func([]core.StoreProduct) error { return nil }); err != nil {
			t.Fatal(err)
		}
		if err := s.Stock(ctx, time.Time{}, func(core.StockPage) error { return nil }); err != nil {
			t.Fatal(err)
		}
		if err := s.Orders(ctx, time.Time{}, func([]core.StoreOrder) error { return nil }); err != nil {
			t.Fatal(err)
		}
		return ct.all.Load(), ct.got.Load(), time.Since(start)
	}
	pr, p429, pt := run(true)
	ur, u429, ut := run(false)
	t.Logf("paced: %d requests, %d refused with 429, %s; unpaced: %d requests, %d refused with 429, %s", pr, p429, pt.Round(time.Millisecond), ur, u429, ut.Round(time.Millisecond))
	if p429*10 > pr || p429 >= u429 {
		t.Errorf("paced import met %d 429s in %d requests (unpaced %d): want few, and fewer", p429, pr, u429)
	}
}

func httpxPolicyForTest() httpx.Policy {
	return httpx.Policy{MaxAttempts: 20, MaxWait: 10 * time.Minute}
}
