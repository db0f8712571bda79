package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"mizan/core"
	"mizan/platforms/shopify"
	"mizan/platforms/shopify/shopifytest"
	"mizan/storage"
)

// signalChildEnv carries a signal child's job: the books and the store to sync.
const signalChildEnv = "MIZAN_SIGNAL_CHILD"

type signalJob struct {
	Dir, Store, Credentials string
}

const (
	signalToken    = "shpat_signal_test_token"
	childConnected = "signal child: connected"
)

// lockedBuffer collects a child's output while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestSignalCancelsSync runs the command line in a child process (this test binary, run again)
// that connects a Shopify test store and syncs it, the store hanging or answering slowly; then
// sends the child SIGINT or SIGTERM. The child must exit within 5 s, the run must be recorded as
// cancelled, and the books must open again at once (the data directory's lock released).
func TestSignalCancelsSync(t *testing.T) {
	if raw := os.Getenv(signalChildEnv); raw != "" {
		signalChild(raw)
		return
	}
	if testing.Short() {
		t.Skip("runs child processes; skipped with -short")
	}
	const clientID, clientSecret = "signal-client-id", "shpss_signal_client_secret"
	hangs := shopifytest.Fault{Kind: shopifytest.FaultSlow, Match: "products", Delay: time.Hour, Times: -1}
	slow := shopifytest.Fault{Kind: shopifytest.FaultSlow, Delay: 100 * time.Millisecond, Times: -1}
	tokenDown := shopifytest.Fault{Kind: shopifytest.FaultHTTP503, Match: shopifytest.MatchTokenGrant, Times: -1}
	tests := []struct {
		name  string
		sig   syscall.Signal
		grant bool // connect with a client ID and secret instead of a token
		fault shopifytest.Fault
		ready func(shopifytest.Stats) bool // the signal goes once the store's counts say so
	}{
		{"SIGINT while the store hangs", syscall.SIGINT, false, hangs, func(s shopifytest.Stats) bool { return s.ByRootField["products"] >= 1 }},
		{"SIGTERM while the store hangs", syscall.SIGTERM, false, hangs, func(s shopifytest.Stats) bool { return s.ByRootField["products"] >= 1 }},
		{"SIGINT while the store is slow", syscall.SIGINT, false, slow, func(s shopifytest.Stats) bool { return s.ByRootField["orders"] >= 2 }},
		{"SIGTERM while the store is slow", syscall.SIGTERM, false, slow, func(s shopifytest.Stats) bool { return s.ByRootField["orders"] >= 2 }},
		// The first refusal is logged as a retry (through the log scrubber) before the signal.
		{"SIGINT while the token grant is retried", syscall.SIGINT, true, tokenDown, func(s shopifytest.Stats) bool { return s.Faults >= 1 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := shopifytest.NewServer(shopifytest.Options{AccessTokens: []string{signalToken}, ClientID: clientID, ClientSecret: clientSecret})
			if _, err := srv.Seed(shopifytest.SeedOptions{Products: 20, Orders: 600, Seed: 4}); err != nil {
				t.Fatal(err)
			}
			hs := srv.Start()
			defer hs.Close()
			dir := t.TempDir()
			creds := `{"access_token": "` + signalToken + `"}`
			if tc.grant {
				creds = `{"client_id": "` + clientID + `", "client_secret": "` + clientSecret + `"}`
			}
			job, _ := json.Marshal(signalJob{Dir: dir, Store: hs.URL, Credentials: creds})
			cmd := exec.Command(os.Args[0], "-test.run=^TestSignalCancelsSync$", "-test.count=1", "-test.timeout=2m")
			cmd.Env = append(os.Environ(), signalChildEnv+"="+string(job))
			out := &lockedBuffer{}
			cmd.Stdout, cmd.Stderr = out, out
			goOn, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			wait := func(what string, cond func() bool) {
				t.Helper()
				deadline := time.Now().Add(60 * time.Second)
				for !cond() {
					select {
					case err := <-done:
						t.Fatalf("the child ended before %s (%v):\n%s", what, err, out.String())
					default:
					}
					if time.Now().After(deadline) {
						_ = cmd.Process.Kill()
						<-done
						t.Fatalf("the child never got to %s:\n%s", what, out.String())
					}
					time.Sleep(5 * time.Millisecond)
				}
			}
			// The store misbehaves once the connection is made, for the sync.
			wait("connecting the store", func() bool { return strings.Contains(out.String(), childConnected) })
			if tc.grant {
				// The token granted while connecting was saved: revoked, the sync must ask again.
				srv.RevokeTokens()
			}
			srv.InjectFaults(tc.fault)
			_, _ = goOn.Write([]byte("sync\n"))
			wait("the point of the signal", func() bool { return tc.ready(srv.Stats()) })
			time.Sleep(100 * time.Millisecond)
			sent := time.Now()
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			var exitErr error
			select {
			case exitErr = <-done:
			case <-time.After(5 * time.Second):
				_ = cmd.Process.Kill()
				<-done
				t.Fatalf("the child was still running 5s after %v:\n%s", tc.sig, out.String())
			}
			took := time.Since(sent)
			var ee *exec.ExitError
			if exitErr != nil && !errors.As(exitErr, &ee) {
				t.Fatal(exitErr)
			}
			if ee != nil && !ee.Exited() {
				t.Fatalf("the child was killed by the signal instead of stopping cleanly: %v\n%s", exitErr, out.String())
			}

			// The books open at once: the lock is released.
			db, err := storage.Open(context.Background(), dir, storage.Options{})
			if err != nil {
				t.Fatalf("the books do not open after the child exited: %v\n%s", err, out.String())
			}
			var outcome, message string
			var ended *string
			err = db.SQL().QueryRow(`SELECT outcome, message, ended_at FROM sync_runs ORDER BY id DESC LIMIT 1`).Scan(&outcome, &message, &ended)
			db.Close()
			if err != nil {
				t.Fatalf("no sync run recorded: %v\n%s", err, out.String())
			}
			if outcome != string(core.OutcomeCancelled) || ended == nil {
				t.Errorf("the run is recorded as %q (%s), ended %v; want %q\n%s", outcome, message, ended, core.OutcomeCancelled, out.String())
			}
			if !strings.Contains(out.String(), "Slow shop: cancelled (run ") {
				t.Errorf("the sync does not say it was cancelled:\n%s", out.String())
			}
			withShopify(t)
			code, runs, errOut := runIn(t, dir, "", "runs")
			if code != 0 || !strings.Contains(runs, "cancelled") {
				t.Errorf("mizan runs: %d\n%s%s", code, runs, errOut)
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			t.Logf("%v: exited (%v) %s after the signal; the run: %s; the child's last words: %s", tc.sig, exitErr,
				took.Round(time.Millisecond), outcome, lines[len(lines)-1])
		})
	}
}

// signalChild connects the store and syncs it under the same signal handling as the mizan
// binary, then exits with the command's status.
func signalChild(raw string) {
	var job signalJob
	if err := json.Unmarshal([]byte(raw), &job); err != nil {
		fmt.Fprintln(os.Stderr, "signal child:", err)
		os.Exit(9)
	}
	secrets := core.NewMemorySecrets()
	SetWiring(Wiring{Platforms: func() core.Platforms { return core.NewPlatforms(shopify.Platform()) },
		Secrets: func() core.Secrets { return secrets },
		Log:     slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	ctx, stop := SignalContext(context.Background())
	defer stop()
	// The signal's points are the store's pages: the first import reads by pages, not by one bulk
	// operation.
	add := Run(ctx, []string{"--data", job.Dir, "connections", "add", "--platform", "shopify", "--name", "Slow shop",
		"--store", job.Store, "--since", "2000-01-01", "--option", "bulk_threshold=off"}, strings.NewReader(job.Credentials), os.Stdout, os.Stderr)
	if add != 0 {
		os.Exit(8)
	}
	fmt.Println(childConnected)
	// The parent makes the store misbehave, then says go on.
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		os.Exit(7)
	}
	os.Exit(Run(ctx, []string{"--data", job.Dir, "sync"}, nil, os.Stdout, os.Stderr))
}

// TestExitIfStuck: after the signal, a process that finishes closing within the grace is left
// alone; one that does not is ended, saying where its goroutines were.
func TestExitIfStuck(t *testing.T) {
	for _, tc := range []struct {
		name     string
		signal   bool
		closeIn  time.Duration // -1: never
		wantExit bool
	}{
		{"no signal, closes normally", false, 10 * time.Millisecond, false},
		{"signal, closes in time", true, 20 * time.Millisecond, false},
		{"signal, stuck", true, -1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan struct{})
			if tc.signal {
				cancel()
			}
			if tc.closeIn >= 0 {
				time.AfterFunc(tc.closeIn, func() { close(done) })
			}
			var stacks string
			exited := -1
			finished := make(chan struct{})
			go func() {
				defer close(finished)
				ExitIfStuck(ctx, done, 200*time.Millisecond, func(s string) { stacks = s }, func(code int) { exited = code })
			}()
			select {
			case <-finished:
			case <-time.After(10 * time.Second):
				t.Fatal("ExitIfStuck did not return")
			}
			if got := exited == 1; got != tc.wantExit {
				t.Fatalf("exited %d, want exit %v", exited, tc.wantExit)
			}
			if tc.wantExit && !strings.Contains(stacks, "TestExitIfStuck") {
				t.Errorf("the report does not show the goroutines: %.200q", stacks)
			}
		})
	}
}
