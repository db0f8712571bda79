package salla_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"mizan/core"
	"mizan/platforms/salla"
	"mizan/platforms/salla/sallatest"
	"mizan/storage"
)

// killChildEnv carries a kill child's job: books, keyring file, and where to stop.
const killChildEnv = "MIZAN_SALLA_REFRESH_KILL_CHILD"

type killJob struct {
	Dir, Keyring string
	ConnID       int64
	Pause        string
}

// fileKeyring is a keyring kept in one file that every write replaces whole (a temporary file,
// synced, then renamed), so a process killed at any point leaves it as it was before or after
// one write, as a system keyring does. pause, when set, is called around each write.
type fileKeyring struct {
	path  string
	mu    sync.Mutex
	pause func(op, key string, done bool)
}

func (k *fileKeyring) load() (map[string]string, error) {
	raw, err := os.ReadFile(k.path)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	return m, json.Unmarshal(raw, &m)
}

func (k *fileKeyring) store(m map[string]string) error {
	raw, err := json.Marshal(m)
	if err != nil {
		return err
	}
	tmp := k.path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := f.Write(raw); err != nil {
		f.Close()
		return err
	}
	if err := errors.Join(f.Sync(), f.Close()); err != nil {
		return err
	}
	return os.Rename(tmp, k.path)
}

func (k *fileKeyring) Get(key string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	m, err := k.load()
	if err != nil {
		return "", err
	}
	v, ok := m[key]
	if !ok {
		return "", core.ErrNoSecret
	}
	return v, nil
}

func (k *fileKeyring) change(op, key string, f func(m map[string]string)) error {
	if k.pause != nil {
		k.pause(op, key, false)
	}
	k.mu.Lock()
	m, err := k.load()
	if err == nil {
		f(m)
		err = k.store(m)
	}
	k.mu.Unlock()
	if err == nil && k.pause != nil {
		k.pause(op, key, true)
	}
	return err
}

func (k *fileKeyring) Set(key, value string) error {
	return k.change("set", key, func(m map[string]string) { m[key] = value })
}

func (k *fileKeyring) Delete(key string) error {
	return k.change("delete", key, func(m map[string]string) { delete(m, key) })
}

// The points a renewal's keyring writes pass, in order: the record of the renewal is written
// before the store is asked; once the store has answered, the record is written again holding
// every new value; then each credential (access_token, expires_at, refresh_token, by name); then
// the record is deleted and the store goes on with the new pair.
const (
	pauseAsking   = "asking"   // after the first record: the refresh request is not sent
	pauseAnswered = "answered" // before the second record: the store has answered, nothing is saved
	pauseWriting  = "writing"  // before the refresh token is written: the new access token is
	pauseSaved    = "saved"    // before the record is deleted: every new value is saved
)

// renewalEntry is how the test tells the engine's record of a renewal from credentials in the
// keyring (a name no credential has).
func renewalEntry(key string) bool { return strings.HasSuffix(key, "/~renewal") }

// pauser stops the child at its point: it says so on stdout and waits to be killed.
func pauser(point string) func(op, key string, done bool) {
	records := 0
	return func(op, key string, done bool) {
		stop := false
		switch {
		case renewalEntry(key) && op == "set" && done:
			records++
			stop = point == pauseAsking && records == 1
		case renewalEntry(key) && op == "set" && !done:
			stop = point == pauseAnswered && records == 1
		case strings.HasSuffix(key, "/"+salla.CredRefreshToken) && op == "set" && !done:
			stop = point == pauseWriting
		case renewalEntry(key) && op == "delete" && !done:
			stop = point == pauseSaved && records == 2
		}
		if stop {
			fmt.Printf("kill child: paused at %s\n", point)
			time.Sleep(time.Hour)
		}
	}
}

// killChild is the child process: one sync of the books, stopping at its point.
func killChild(raw string) {
	var job killJob
	if err := json.Unmarshal([]byte(raw), &job); err != nil {
		fmt.Println("kill child:", err)
		os.Exit(2)
	}
	ctx := context.Background()
	db, err := storage.Open(ctx, job.Dir, storage.Options{})
	if err != nil {
		fmt.Println("kill child:", err)
		os.Exit(2)
	}
	keys := &fileKeyring{path: job.Keyring, pause: pauser(job.Pause)}
	eng := core.New(db, keys, core.NewPlatforms(salla.Platform()), core.Options{})
	_, err = eng.SyncNow(ctx, job.ConnID, core.SyncRequest{})
	fmt.Println("kill child: the sync ended without stopping:", err)
	os.Exit(3)
}

// tokenCounter counts the refresh requests that reach the store.
type tokenCounter struct {
	h       http.Handler
	all     atomic.Int64
	refresh atomic.Int64
}

func (c *tokenCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.all.Add(1)
	if r.URL.Path == "/oauth2/token" {
		c.refresh.Add(1)
	}
	c.h.ServeHTTP(w, r)
}

// TestRefreshKilled kills a process with SIGKILL at each point of a token renewal against the
// Salla test store, and checks what the next process does with what it left:
//
//   - asking (the refresh request not sent): the stored pair still works; the next sync renews
//     once and goes on.
//   - answered (the store spent the refresh token, nothing saved): what the store issued is
//     lost. The next sync makes one request (refused: the old token was replaced) and one
//     refresh (refused: spent), then the connection needs reconnecting and says a renewal was
//     interrupted; later syncs ask the store nothing; reconnecting makes it work again.
//   - writing (the new access token saved, not yet the refresh token): the next process saves
//     the rest before it uses the connection; no refresh is made and the keyring holds the
//     store's current pair.
//   - saved (everything saved, the record not yet dropped): the next sync goes on with the new
//     pair, no refresh made.
//
// Except after "answered", the refresh token kept is live: the renewal after that works.
func TestRefreshKilled(t *testing.T) {
	if raw := os.Getenv(killChildEnv); raw != "" {
		killChild(raw)
		return
	}
	if testing.Short() {
		t.Skip("runs child processes; skipped with -short")
	}
	for _, point := range []string{pauseAsking, pauseAnswered, pauseWriting, pauseSaved} {
		t.Run(point, func(t *testing.T) {
			ctx := context.Background()
			s := sallatest.NewServer(sallatest.Options{RateLimit: -120})
			count := &tokenCounter{h: s}
			hs := httptest.NewServer(count)
			defer hs.Close()
			s.Seed(sallatest.SeedOptions{Products: 5, Orders: 10, Seed: 1})
			first := s.IssueTokens()
			dir := t.TempDir()
			keys := &fileKeyring{path: filepath.Join(t.TempDir(), "keyring.json")}
			open := func() (*storage.DB, *core.Engine) {
				db, err := storage.Open(ctx, dir, storage.Options{})
				if err != nil {
					t.Fatal(err)
				}
				return db, core.New(db, keys, core.NewPlatforms(salla.Platform()), core.Options{})
			}
			db, eng := open()
			conn, err := eng.AddConnection(ctx, core.ConnectionInput{Name: "Oasis", Platform: "salla", StoreURL: hs.URL,
				Credentials: credentials(s.ClientID(), s.ClientSecret(), first)})
			if err != nil {
				t.Fatal(err)
			}
			if sum, err := eng.SyncNow(ctx, conn.ID, core.SyncRequest{}); err != nil || sum.Counts.Errors > 0 {
				t.Fatalf("first sync: %v %+v", err, sum.Counts)
			}
			db.Close()
			s.ExpireTokens() // the child's first request is refused and it renews
			s.Clock().Advance(time.Minute)

			out := runKillChild(t, killJob{Dir: dir, Keyring: keys.path, ConnID: conn.ID, Pause: point})
			refreshed := count.refresh.Load()
			stored := keyringOf(t, keys)
			current, live := s.CurrentTokens(first)

			db, eng = open()
			defer db.Close()
			books, err := eng.BooksID(ctx)
			if err != nil {
				t.Fatal(err)
			}
			cred := func(k string) string { return stored[core.SecretKey(books, conn.ID, k)] }
			record := func() bool { _, ok := keys.mustGet(t, core.SecretKey(books, conn.ID, "~renewal")); return ok }
			if !record() {
				t.Fatalf("the killed renewal left no record in the keyring:\n%s", out)
			}
			allBefore, refreshBefore := count.all.Load(), count.refresh.Load()
			sum, syncErr := eng.SyncNow(ctx, conn.ID, core.SyncRequest{})
			all, refreshes := count.all.Load()-allBefore, count.refresh.Load()-refreshBefore
			after := keyringOf(t, keys)
			now, nowLive := s.CurrentTokens(first)
			t.Logf("killed %s: the store had received %d refresh request(s); the next sync made %d request(s), %d of them refreshes: %v",
				point, refreshed, all, refreshes, syncErr)

			switch point {
			case pauseAsking:
				if refreshed != 0 || cred(salla.CredRefreshToken) != first.RefreshToken {
					t.Fatalf("killed before asking: %d refreshes reached the store", refreshed)
				}
			case pauseAnswered:
				if refreshed != 1 || cred(salla.CredRefreshToken) != first.RefreshToken || cred(salla.CredAccessToken) != first.AccessToken {
					t.Fatalf("killed after the answer: %d refreshes, the keyring changed", refreshed)
				}
			case pauseWriting:
				if refreshed != 1 || !live || cred(salla.CredAccessToken) != current.AccessToken || cred(salla.CredRefreshToken) != first.RefreshToken {
					t.Fatalf("killed while writing: the keyring does not hold the new access token beside the old refresh token")
				}
			case pauseSaved:
				if refreshed != 1 || !live || cred(salla.CredAccessToken) != current.AccessToken || cred(salla.CredRefreshToken) != current.RefreshToken {
					t.Fatalf("killed once saved: the keyring does not hold the new pair")
				}
			}

			if point == pauseAnswered {
				if !errors.Is(syncErr, core.ErrReconnect) {
					t.Fatalf("sync after the kill: %v, want ErrReconnect", syncErr)
				}
				if all != 2 || refreshes != 1 {
					t.Errorf("%d requests, %d of them refreshes, want 2 and 1", all, refreshes)
				}
				c, err := eng.Connection(ctx, conn.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !c.NeedsReconnect() || !strings.Contains(c.Reconnect, "renewal of Mizan's access to the store was interrupted") {
					t.Errorf("state: %v %q", c.NeedsReconnect(), c.Reconnect)
				}
				if nowLive {
					t.Errorf("the store still has a live pair after the spent token was presented")
				}
				before := count.all.Load()
				for i := 0; i < 3; i++ {
					eng.SyncNow(ctx, conn.ID, core.SyncRequest{Trigger: core.TriggerSchedule})
				}
				if n := count.all.Load() - before; n != 0 {
					t.Errorf("%d requests from syncs of a connection that needs reconnecting", n)
				}
				// The merchant connects the store again.
				again := s.IssueTokens()
				in := core.ConnectionInput{Name: c.Name, Platform: c.Platform, StoreURL: c.StoreURL,
					Credentials: credentials(s.ClientID(), s.ClientSecret(), again)}
				if _, err := eng.UpdateConnection(ctx, c.ID, in); err != nil {
					t.Fatal(err)
				}
				if sum, err := eng.SyncNow(ctx, conn.ID, core.SyncRequest{}); err != nil || sum.Counts.Errors > 0 {
					t.Fatalf("sync after reconnecting: %v %+v", err, sum.Counts)
				}
				return
			}
			if syncErr != nil || sum.Counts.Errors > 0 {
				t.Fatalf("sync after the kill: %v %+v", syncErr, sum.Counts)
			}
			wantRefreshes := int64(0)
			if point == pauseAsking {
				wantRefreshes = 1
			}
			if refreshes != wantRefreshes {
				t.Errorf("%d refreshes, want %d", refreshes, wantRefreshes)
			}
			if !nowLive || after[core.SecretKey(books, conn.ID, salla.CredAccessToken)] != now.AccessToken ||
				after[core.SecretKey(books, conn.ID, salla.CredRefreshToken)] != now.RefreshToken {
				t.Errorf("the keyring does not hold the store's current pair")
			}
			if record() {
				t.Errorf("the record of the renewal is still in the keyring")
			}
			// The refresh token kept is live: the next renewal works.
			s.Clock().Advance(15 * 24 * time.Hour)
			s.ExpireTokens()
			before := count.refresh.Load()
			if sum, err := eng.SyncNow(ctx, conn.ID, core.SyncRequest{}); err != nil || sum.Counts.Errors > 0 {
				t.Fatalf("sync after the next renewal: %v %+v", err, sum.Counts)
			}
			if n := count.refresh.Load() - before; n != 1 {
				t.Errorf("%d refreshes for the next renewal, want 1", n)
			}
		})
	}
}

func (k *fileKeyring) mustGet(t *testing.T, key string) (string, bool) {
	t.Helper()
	v, err := k.Get(key)
	if errors.Is(err, core.ErrNoSecret) {
		return "", false
	}
	if err != nil {
		t.Fatal(err)
	}
	return v, true
}

func keyringOf(t *testing.T, k *fileKeyring) map[string]string {
	t.Helper()
	m, err := k.load()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// lineWatch collects a child's output and says when a line appears.
type lineWatch struct {
	mu   sync.Mutex
	b    strings.Builder
	want string
	seen chan struct{}
	once sync.Once
}

func (l *lineWatch) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.Write(p)
	if strings.Contains(l.b.String(), l.want+"\n") {
		l.once.Do(func() { close(l.seen) })
	}
	return len(p), nil
}

func (l *lineWatch) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// runKillChild starts the child, waits until it says it stopped at its point, kills it with
// SIGKILL and returns its output.
func runKillChild(t *testing.T, job killJob) string {
	t.Helper()
	raw, err := json.Marshal(job)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRefreshKilled$", "-test.count=1", "-test.timeout=2m")
	cmd.Env = append(os.Environ(), killChildEnv+"="+string(raw))
	out := &lineWatch{want: "kill child: paused at " + job.Pause, seen: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-out.seen:
		_ = cmd.Process.Kill() // SIGKILL: no deferred function, no clean close
		<-done
	case err := <-done:
		t.Fatalf("the child ended (%v) without reaching %s:\n%s", err, job.Pause, out.String())
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("the child did not reach %s in time:\n%s", job.Pause, out.String())
	}
	return out.String()
}
