package shopify

import (
	"context"
	"errors"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"mizan/core"
	"mizan/platforms/httpx"
	"mizan/platforms/shopify/shopifytest"
)

const (
	grantClientID     = "grant-client-id-4711"
	grantClientSecret = "shpss_grant_secret_value_0815"
)

// grantRetry is the retry budget of the token tests: the production policy's shape, scaled down
// so that a failing grant gives up in seconds.
var grantRetry = httpx.Policy{MaxAttempts: 4, BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second,
	MaxRetryAfter: 2 * time.Second, MaxWait: 10 * time.Second}

const grantTimeout = 300 * time.Millisecond

// grantStore opens a client ID/secret connection to srv with real sleeps and a logger that
// passes every retry line through the scrubber, as in production.
func grantStore(t *testing.T, srv *shopifytest.Server, logs *syncBuffer) *Store {
	t.Helper()
	hs := srv.Start()
	t.Cleanup(hs.Close)
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	st, err := New(core.StoreConfig{StoreURL: hs.URL, HTTPClient: hs.Client(), Log: log,
		Credentials: map[string]string{CredClientID: grantClientID, CredClientSecret: grantClientSecret}},
		Options{Timeout: grantTimeout, Retry: grantRetry})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func grantServer() *shopifytest.Server {
	return shopifytest.NewServer(shopifytest.Options{ClientID: grantClientID, ClientSecret: grantClientSecret, TokenTTL: time.Hour})
}

// within runs f and fails the test, with every goroutine's stack, if it has not returned after
// limit: a grant that deadlocks must fail the test rather than hang it.
func within(t *testing.T, limit time.Duration, f func() error) (error, time.Duration) {
	t.Helper()
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err, time.Since(start)
	case <-time.After(limit):
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		t.Fatalf("still running after %s: hung\n%s", limit, buf[:n])
		return nil, 0
	}
}

// TestTokenGrantRetries: the client credentials grant answered with 503, 429 (Retry-After), a
// reset connection or a timeout is retried through the logging retry layer; it succeeds on a
// later try, or fails with a clear error once the budget is spent, and never hangs.
func TestTokenGrantRetries(t *testing.T) {
	slow := 5 * time.Second // longer than the per-attempt timeout: a timeout
	tests := []struct {
		name    string
		fault   shopifytest.Fault
		wantErr string // "" = the call succeeds
		max     time.Duration
	}{
		{"503 then a token", shopifytest.Fault{Kind: shopifytest.FaultHTTP503, Times: 2}, "", 3 * time.Second},
		{"429 with Retry-After then a token", shopifytest.Fault{Kind: shopifytest.FaultHTTP429, RetryAfter: 1, Times: 1}, "", 3 * time.Second},
		{"reset then a token", shopifytest.Fault{Kind: shopifytest.FaultReset, Times: 2}, "", 3 * time.Second},
		{"timeout then a token", shopifytest.Fault{Kind: shopifytest.FaultSlow, Delay: slow, Times: 2}, "", 3 * time.Second},
		{"503 throughout", shopifytest.Fault{Kind: shopifytest.FaultHTTP503, Times: -1}, "gave up after 4 attempts: Service Unavailable", 5 * time.Second},
		{"429 throughout", shopifytest.Fault{Kind: shopifytest.FaultHTTP429, RetryAfter: 1, Times: -1}, "gave up after 4 attempts: Too Many Requests", 6 * time.Second},
		{"reset throughout", shopifytest.Fault{Kind: shopifytest.FaultReset, Times: -1}, "gave up after 4 attempts", 5 * time.Second},
		{"timeout throughout", shopifytest.Fault{Kind: shopifytest.FaultSlow, Delay: slow, Times: -1}, "gave up after 4 attempts: no answer within 300ms", 5 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := grantServer()
			logs := &syncBuffer{}
			st := grantStore(t, srv, logs)
			tc.fault.Match = shopifytest.MatchTokenGrant
			srv.InjectFaults(tc.fault)
			err, took := within(t, 15*time.Second, func() error {
				_, err := st.Info(context.Background())
				return err
			})
			srv.ClearFaults()
			t.Logf("%s: %v after %s", tc.name, err, took.Round(time.Millisecond))
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				if g := srv.Stats().TokenGrants; g != 1 {
					t.Errorf("%d tokens granted, want 1", g)
				}
			} else {
				var se *core.StoreError
				if !errors.Is(err, core.ErrUnreachable) || !errors.As(err, &se) || !strings.Contains(err.Error(), tc.wantErr) ||
					!strings.Contains(err.Error(), "get an access token") {
					t.Fatalf("err = %v, want ErrUnreachable with %q", err, tc.wantErr)
				}
			}
			if took > tc.max {
				t.Errorf("took %s, more than the %s its budget allows", took, tc.max)
			}
			if !strings.Contains(logs.String(), "retrying after") {
				t.Errorf("no retry was logged:\n%s", logs.String())
			}
			text := logs.String()
			if err != nil {
				text += err.Error()
			}
			checkNoSecrets(t, text, grantClientSecret, grantClientID, "shpat_")
		})
	}
}

// TestTokenGrantOneAtATime: callers that need a token while a grant is being retried wait for
// that grant instead of starting their own, and a caller whose context ends stops waiting.
func TestTokenGrantOneAtATime(t *testing.T) {
	srv := grantServer()
	logs := &syncBuffer{}
	st := grantStore(t, srv, logs)
	srv.InjectFaults(shopifytest.Fault{Kind: shopifytest.FaultHTTP503, Times: 3, Match: shopifytest.MatchTokenGrant})
	const callers = 6
	err, took := within(t, 15*time.Second, func() error {
		var wg sync.WaitGroup
		errs := make(chan error, callers+1)
		for i := 0; i < callers; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := st.tokens.get(context.Background())
				errs <- err
			}()
		}
		// One more caller gives up waiting after 50ms.
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		time.Sleep(10 * time.Millisecond)
		if _, err := st.tokens.get(ctx); !errors.Is(err, context.DeadlineExceeded) {
			errs <- errors.New("a waiting caller whose context ended got " + errString(err))
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if g := srv.Stats().TokenGrants; g != 1 {
		t.Errorf("%d tokens granted for %d callers, want 1", g, callers)
	}
	t.Logf("%d callers got one token in %s", callers, took.Round(time.Millisecond))
}

func errString(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}
