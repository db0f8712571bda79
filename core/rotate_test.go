package core_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"mizan/core"
	"mizan/core/memstore"
	"mizan/storage"
)

const (
	firstAccess  = "mem_access_first_7f3a"
	firstRefresh = "mem_refresh_first_9c2e"
)

// rotEnv is a connection to a store whose credentials rotate (an OAuth store): every call needs
// the current access token, and a refresh token renews it once.
type rotEnv struct {
	*env
	secrets core.Secrets
	mem     *core.MemorySecrets
	dir     string
}

// setFails is a keyring whose writes fail while fail is set (a locked keyring, say).
type setFails struct {
	*core.MemorySecrets
	mu   sync.Mutex
	fail bool
}

func (s *setFails) Set(key, value string) error {
	s.mu.Lock()
	fail := s.fail
	s.mu.Unlock()
	if fail {
		return &core.KeyringError{Op: "save", Key: key, Cause: "the keyring is locked", Advice: "Unlock it", Err: errors.New("locked")}
	}
	return s.MemorySecrets.Set(key, value)
}

func (s *setFails) failing(on bool) {
	s.mu.Lock()
	s.fail = on
	s.mu.Unlock()
}

func newRotEnv(t *testing.T, wrap func(*core.MemorySecrets) core.Secrets) *rotEnv {
	t.Helper()
	c := &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	dir := t.TempDir()
	db, err := storage.Open(ctx, dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st := memstore.New(c.Now)
	st.RotateTokens(firstAccess, firstRefresh)
	mem := core.NewMemorySecrets()
	var secrets core.Secrets = mem
	if wrap != nil {
		secrets = wrap(mem)
	}
	logs := &syncLog{}
	eng := core.New(db, secrets, core.NewPlatforms(memstore.Platform(st)), core.Options{Now: c.Now,
		Log: slog.New(slog.NewTextHandler(logs, nil))})
	conn, err := eng.AddConnection(ctx, core.ConnectionInput{Name: "Rotating shop", Platform: "memory", StoreURL: "https://rotating.example",
		Credentials: map[string]string{memstore.KeyToken: firstAccess, memstore.KeyRefresh: firstRefresh}})
	if err != nil {
		t.Fatal(err)
	}
	r := &rotEnv{env: &env{t: t, clock: c, db: db, store: st, eng: eng, conn: conn}, secrets: secrets, mem: mem, dir: dir}
	t.Cleanup(func() {
		// No credential ever reaches the books or the log.
		stored := r.keyring()
		a, rf := st.Tokens()
		for _, v := range []string{firstAccess, firstRefresh, stored[memstore.KeyToken], stored[memstore.KeyRefresh], a, rf} {
			if v != "" && strings.Contains(logs.String(), v) {
				t.Errorf("a credential reached the log")
			}
		}
	})
	return r
}

// syncLog is a log buffer several goroutines write to.
type syncLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// keyring returns the connection's credentials as stored now.
func (r *rotEnv) keyring() map[string]string {
	r.t.Helper()
	books, err := r.eng.BooksID(ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	out := map[string]string{}
	for _, k := range []string{memstore.KeyToken, memstore.KeyRefresh} {
		if v, err := r.mem.Get(core.SecretKey(books, r.conn.ID, k)); err == nil {
			out[k] = v
		}
	}
	return out
}

// requests counts every call made to the store, its token endpoint included.
func (r *rotEnv) requests() int {
	n := 0
	for _, c := range r.store.Calls() {
		n += c
	}
	return n
}

func (r *rotEnv) connection() core.Connection {
	r.t.Helper()
	c, err := r.eng.Connection(ctx, r.conn.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	return c
}

// restart is a new process on the same books and keyring.
func (r *rotEnv) restart() {
	r.eng = core.New(r.db, r.secrets, core.NewPlatforms(memstore.Platform(r.store)), core.Options{Now: r.clock.Now})
}

// TestRotateOnceForConcurrentCallers: callers of one connection that need a renewal at the same
// time (a scheduled sync and a Test connection) wait for one another: the store is asked once,
// both use the new token, and the keyring holds the new pair.
func TestRotateOnceForConcurrentCallers(t *testing.T) {
	r := newRotEnv(t, nil)
	r.catalogue()
	r.store.ExpireToken()
	r.store.OnRefresh(func() { time.Sleep(150 * time.Millisecond) }) // the other caller arrives meanwhile
	var wg sync.WaitGroup
	errs := make([]error, 2)
	wg.Add(2)
	go func() {
		defer wg.Done()
		_, errs[0] = r.eng.SyncNow(ctx, r.conn.ID, core.SyncRequest{Trigger: core.TriggerSchedule})
	}()
	go func() {
		defer wg.Done()
		_, errs[1] = r.eng.TestConnection(ctx, r.conn.ID)
	}()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("caller %d: %v", i, err)
		}
	}
	if n := r.store.Calls()["Refresh"]; n != 1 {
		t.Errorf("the store was asked to renew %d times, want 1", n)
	}
	access, refresh := r.store.Tokens()
	if got := r.keyring(); got[memstore.KeyToken] != access || got[memstore.KeyRefresh] != refresh {
		t.Errorf("the keyring does not hold the store's new pair")
	}
	if r.connection().NeedsReconnect() {
		t.Errorf("connection marked as needing reconnecting")
	}
}

// TestRotateKeyringFails: a keyring that cannot take writes when a renewal starts stops it
// before the store is asked, so the refresh token is not spent and a later renewal works. One
// that fails once the store has answered: the renewed pair is not used, the error names the key
// (never a value), and the keyring keeps the pair it had. The store has spent the old refresh
// token by then: the next renewal is refused, and the connection is marked as needing to be
// connected again, after one request, saying that a renewal did not finish.
func TestRotateKeyringFails(t *testing.T) {
	t.Run("locked before the renewal", func(t *testing.T) {
		var keys *setFails
		r := newRotEnv(t, func(m *core.MemorySecrets) core.Secrets { keys = &setFails{MemorySecrets: m}; return keys })
		r.catalogue()
		r.store.ExpireToken()
		keys.failing(true)
		before := r.requests()
		_, err := r.eng.SyncNow(ctx, r.conn.ID, core.SyncRequest{})
		if err == nil || !strings.Contains(err.Error(), "the store was not asked") {
			t.Fatalf("sync with a locked keyring: %v", err)
		}
		if strings.Contains(err.Error(), firstAccess) || strings.Contains(err.Error(), firstRefresh) {
			t.Errorf("error holds a credential: %s", err)
		}
		if got := r.requests() - before; got != 0 {
			t.Errorf("%d store requests, want 0", got)
		}
		keys.failing(false)
		if sum := r.sync(); sum.Outcome != core.OutcomeOK {
			t.Fatalf("sync once the keyring is open: %s %s", sum.Outcome, sum.Message)
		}
		access, refresh := r.store.Tokens()
		if got := r.keyring(); got[memstore.KeyToken] != access || got[memstore.KeyRefresh] != refresh {
			t.Errorf("the keyring does not hold the renewed pair")
		}
		if n := r.store.Calls()["Refresh"]; n != 1 {
			t.Errorf("%d renewals, want 1", n)
		}
	})
	t.Run("locked once the store answered", func(t *testing.T) {
		var keys *setFails
		r := newRotEnv(t, func(m *core.MemorySecrets) core.Secrets { keys = &setFails{MemorySecrets: m}; return keys })
		r.catalogue()
		r.store.ExpireToken()
		r.store.OnRefresh(func() { keys.failing(true) })
		before := r.requests()
		_, err := r.eng.SyncNow(ctx, r.conn.ID, core.SyncRequest{})
		if err == nil {
			t.Fatal("sync succeeded with a renewed pair the keyring refused")
		}
		r.store.OnRefresh(nil)
		msg := err.Error()
		if !strings.Contains(msg, "could not be saved, so it was not used") || !strings.Contains(msg, memstore.KeyRefresh) &&
			!strings.Contains(msg, memstore.KeyToken) {
			t.Errorf("error does not say what failed: %s", msg)
		}
		access, refresh := r.store.Tokens()
		for _, v := range []string{access, refresh, firstAccess, firstRefresh} {
			if v != "" && strings.Contains(msg, v) {
				t.Errorf("error holds a credential: %s", msg)
			}
		}
		if got := r.requests() - before; got != 1 {
			t.Errorf("%d store requests, want 1 (the renewal; the new token is not used)", got)
		}
		if got := r.keyring(); got[memstore.KeyToken] != firstAccess || got[memstore.KeyRefresh] != firstRefresh {
			t.Errorf("the keyring changed: %v", slices.Sorted(maps.Keys(got)))
		}
		keys.failing(false)
		before = r.requests()
		_, err = r.eng.SyncNow(ctx, r.conn.ID, core.SyncRequest{})
		if !errors.Is(err, core.ErrReconnect) {
			t.Fatalf("next sync: %v, want ErrReconnect", err)
		}
		if got := r.requests() - before; got != 1 {
			t.Errorf("next sync: %d store requests, want 1", got)
		}
		if c := r.connection(); !c.NeedsReconnect() || !strings.Contains(c.Reconnect, "renewal of Mizan's access to the store was interrupted") {
			t.Errorf("state: %v %q", c.NeedsReconnect(), c.Reconnect)
		}
	})
}

// TestRotateReconnect: a renewal the store refuses for good marks the connection; the run stops
// with a plain message; scheduled and manual syncs and Test connection then ask nothing of the
// store and say why; an edit of the credentials clears the state and syncing works again.
func TestRotateReconnect(t *testing.T) {
	r := newRotEnv(t, nil)
	r.catalogue()
	r.store.ExpireToken()
	r.store.FailNext("Refresh", &core.StoreError{Op: "renew the access token", Status: 400,
		Message: "invalid_grant: the refresh token was revoked", Err: core.ErrReconnect})
	sum, err := r.eng.SyncNow(ctx, r.conn.ID, core.SyncRequest{})
	if !errors.Is(err, core.ErrReconnect) {
		t.Fatalf("sync: %v, want ErrReconnect", err)
	}
	if sum.Outcome != core.OutcomeFailed || !strings.Contains(sum.Message, "needs to be connected again") ||
		!strings.Contains(sum.Message, "Reconnect") {
		t.Errorf("run: %s %q", sum.Outcome, sum.Message)
	}
	c := r.connection()
	if !c.NeedsReconnect() || c.ReconnectAt.IsZero() || !strings.Contains(c.Reconnect, "invalid_grant") {
		t.Fatalf("state: %q at %v", c.Reconnect, c.ReconnectAt)
	}
	before := r.requests()
	runs, _ := r.eng.Runs(ctx, r.conn.ID, 100)
	for _, attempt := range []struct {
		name string
		do   func() error
	}{
		{"scheduled", func() error {
			_, err := r.eng.SyncNow(ctx, r.conn.ID, core.SyncRequest{Trigger: core.TriggerSchedule})
			return err
		}},
		{"manual", func() error { _, err := r.eng.SyncNow(ctx, r.conn.ID, core.SyncRequest{}); return err }},
		{"orders by number", func() error {
			_, err := r.eng.SyncNow(ctx, r.conn.ID, core.SyncRequest{OrderNumbers: []string{"#1001"}})
			return err
		}},
		{"test connection", func() error { _, err := r.eng.TestConnection(ctx, r.conn.ID); return err }},
	} {
		for i := 0; i < 3; i++ {
			err := attempt.do()
			if !errors.Is(err, core.ErrReconnect) || !strings.Contains(err.Error(), "needs to be connected again") {
				t.Errorf("%s: %v", attempt.name, err)
			}
		}
	}
	if got := r.requests() - before; got != 0 {
		t.Errorf("%d store requests while the connection needs reconnecting, want 0", got)
	}
	if after, _ := r.eng.Runs(ctx, r.conn.ID, 100); len(after) != len(runs) {
		t.Errorf("%d runs recorded for syncs that did not run", len(after)-len(runs))
	}
	// An edit that leaves the credentials alone does not clear it.
	in := core.ConnectionInput{Name: c.Name, Platform: c.Platform, StoreURL: c.StoreURL, PollInterval: 10 * time.Minute}
	if c, err = r.eng.UpdateConnection(ctx, c.ID, in); err != nil || !c.NeedsReconnect() {
		t.Fatalf("edit of the settings: %v, needs reconnecting %v", err, c.NeedsReconnect())
	}
	// The merchant connects the store again: new tokens.
	r.store.RotateTokens("mem_access_again_51d0", "mem_refresh_again_77b1")
	in.Credentials = map[string]string{memstore.KeyToken: "mem_access_again_51d0", memstore.KeyRefresh: "mem_refresh_again_77b1"}
	if c, err = r.eng.UpdateConnection(ctx, c.ID, in); err != nil || c.NeedsReconnect() || !c.ReconnectAt.IsZero() {
		t.Fatalf("edit of the credentials: %v, still %q", err, c.Reconnect)
	}
	if sum := r.sync(); sum.Outcome != core.OutcomeOK || sum.Counts.ProductsCreated != 3 {
		t.Errorf("sync after reconnecting: %s %s", sum.Outcome, sum.Message)
	}
}

// TestRotateInterrupted: what a connection is left with when the renewal is cut off between the
// store issuing the new pair and the engine saving it.
//
//   - The caller gives up (its context ends) once the pair is received: the pair is still saved,
//     and the connection goes on with it; nothing is asked twice.
//   - The process dies (here: the renewal panics) before the pair is saved: the keyring keeps the
//     old pair, whose refresh token the store has spent. The next renewal presents it, the store
//     refuses it (and, as Salla does, revokes the pair it led to), and the connection is marked as
//     needing to be connected again after that one request, saying a renewal was interrupted;
//     nothing retries until the merchant does.
func TestRotateInterrupted(t *testing.T) {
	t.Run("caller gives up", func(t *testing.T) {
		r := newRotEnv(t, nil)
		r.catalogue()
		r.store.ExpireToken()
		cctx, cancel := context.WithCancel(ctx)
		r.store.OnRefresh(cancel)
		if _, err := r.eng.SyncNow(cctx, r.conn.ID, core.SyncRequest{}); !errors.Is(err, context.Canceled) {
			t.Fatalf("sync: %v, want cancelled", err)
		}
		r.store.OnRefresh(nil)
		access, refresh := r.store.Tokens()
		if got := r.keyring(); got[memstore.KeyToken] != access || got[memstore.KeyRefresh] != refresh {
			t.Fatalf("the received pair was not saved")
		}
		r.restart()
		if sum := r.sync(); sum.Outcome != core.OutcomeOK {
			t.Errorf("next sync: %s %s", sum.Outcome, sum.Message)
		}
		if n := r.store.Calls()["Refresh"]; n != 1 {
			t.Errorf("%d renewals, want 1", n)
		}
	})
	t.Run("process dies", func(t *testing.T) {
		r := newRotEnv(t, nil)
		r.catalogue()
		r.store.ExpireToken()
		r.store.OnRefresh(func() { panic("killed") })
		func() {
			defer func() {
				if recover() == nil {
					t.Fatal("the renewal did not die")
				}
			}()
			r.eng.TestConnection(ctx, r.conn.ID)
		}()
		r.store.OnRefresh(nil)
		if got := r.keyring(); got[memstore.KeyToken] != firstAccess || got[memstore.KeyRefresh] != firstRefresh {
			t.Fatalf("the keyring changed")
		}
		r.restart()
		before := r.requests()
		_, err := r.eng.SyncNow(ctx, r.conn.ID, core.SyncRequest{})
		if !errors.Is(err, core.ErrReconnect) || !strings.Contains(err.Error(), "Reconnect") {
			t.Fatalf("sync after the crash: %v", err)
		}
		if got := r.requests() - before; got != 1 {
			t.Errorf("%d requests, want 1 (the refused renewal)", got)
		}
		for i := 0; i < 5; i++ {
			r.eng.SyncNow(ctx, r.conn.ID, core.SyncRequest{Trigger: core.TriggerSchedule})
		}
		if got := r.requests() - before; got != 1 {
			t.Errorf("%d requests after five more syncs, want still 1", got)
		}
		if c := r.connection(); !c.NeedsReconnect() || !strings.Contains(c.Reconnect, "renewal of Mizan's access to the store was interrupted") {
			t.Errorf("state: %v %q, want needing reconnecting after an interrupted renewal", c.NeedsReconnect(), c.Reconnect)
		}
	})
}

// TestRotateSavesNewKeys: a renewal may bring a credential the connection did not have (an
// expiry time, say): it is saved and named in the books, so the next process reads it too. A
// renewal that finds the stored credentials fresh changes nothing.
func TestRotateSavesNewKeys(t *testing.T) {
	r := newRotEnv(t, nil)
	plat := memstore.Platform(r.store)
	var rotate core.RotateFunc
	open := plat.Open
	plat.Open = func(cfg core.StoreConfig) (core.Store, error) {
		rotate = cfg.Rotate
		return open(cfg)
	}
	eng := core.New(r.db, r.mem, core.NewPlatforms(plat), core.Options{Now: r.clock.Now})
	if _, err := eng.TestConnection(ctx, r.conn.ID); err != nil {
		t.Fatal(err)
	}
	if rotate == nil {
		t.Fatal("a saved connection was opened without Rotate")
	}
	tests := []struct {
		name    string
		changed map[string]string
		want    map[string]string
		keys    []string
	}{
		{"nothing changed", nil, map[string]string{memstore.KeyToken: firstAccess, memstore.KeyRefresh: firstRefresh},
			[]string{memstore.KeyRefresh, memstore.KeyToken}},
		{"same values", map[string]string{memstore.KeyToken: firstAccess}, map[string]string{memstore.KeyToken: firstAccess, memstore.KeyRefresh: firstRefresh},
			[]string{memstore.KeyRefresh, memstore.KeyToken}},
		{"a new key", map[string]string{memstore.KeyToken: "mem_access_2_aa", "expires": "1790000000"},
			map[string]string{memstore.KeyToken: "mem_access_2_aa", memstore.KeyRefresh: firstRefresh, "expires": "1790000000"},
			[]string{"expires", memstore.KeyRefresh, memstore.KeyToken}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := rotate(ctx, func(map[string]string) (map[string]string, error) { return tt.changed, nil })
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("got %v keys", slices.Sorted(maps.Keys(got)))
			}
			c := r.connection()
			if fmt.Sprint(c.SecretKeys) != fmt.Sprint(tt.keys) {
				t.Errorf("secret keys %v, want %v", c.SecretKeys, tt.keys)
			}
			books, _ := eng.BooksID(ctx)
			for k, v := range tt.want {
				if s, _ := r.mem.Get(core.SecretKey(books, r.conn.ID, k)); s != v {
					t.Errorf("keyring %s differs", k)
				}
			}
		})
	}
	if _, err := rotate(ctx, func(map[string]string) (map[string]string, error) {
		return map[string]string{"token": ""}, nil
	}); err == nil {
		t.Errorf("an empty renewed value was saved")
	}
}

// TestRotateWhileAdding: credentials whose access token has expired by the time the connection
// is added are renewed while the store is asked who it is, and the renewed pair is what is saved
// (the refresh token given was spent by then). An edit that changes the store's address renews
// the stored pair the same way and saves it.
func TestRotateWhileAdding(t *testing.T) {
	r := newRotEnv(t, nil)
	if err := r.eng.RemoveConnection(ctx, r.conn.ID); err != nil {
		t.Fatal(err)
	}
	r.store.RotateTokens("mem_access_add_1", "mem_refresh_add_1")
	r.store.ExpireToken()
	c, err := r.eng.AddConnection(ctx, core.ConnectionInput{Name: "Added late", Platform: "memory", StoreURL: "https://rotating.example",
		Credentials: map[string]string{memstore.KeyToken: "mem_access_add_1", memstore.KeyRefresh: "mem_refresh_add_1"}})
	if err != nil {
		t.Fatal(err)
	}
	r.conn = c
	access, refresh := r.store.Tokens()
	if got := r.keyring(); got[memstore.KeyToken] != access || got[memstore.KeyRefresh] != refresh {
		t.Fatalf("the pair saved is not the one the store renewed")
	}
	if sum := r.sync(); sum.Outcome != core.OutcomeOK {
		t.Fatalf("sync: %s %s", sum.Outcome, sum.Message)
	}
	r.store.ExpireToken()
	in := core.ConnectionInput{Name: c.Name, Platform: c.Platform, StoreURL: "https://rotating.example/shop"}
	if _, err := r.eng.UpdateConnection(ctx, c.ID, in); err != nil {
		t.Fatal(err)
	}
	access, refresh = r.store.Tokens()
	if got := r.keyring(); got[memstore.KeyToken] != access || got[memstore.KeyRefresh] != refresh {
		t.Fatalf("the pair renewed during the edit was not saved")
	}
	if sum := r.sync(); sum.Outcome != core.OutcomeOK || r.connection().NeedsReconnect() {
		t.Fatalf("sync after the edit: %s %s", sum.Outcome, sum.Message)
	}
	if n := r.store.Calls()["Refresh"]; n != 2 {
		t.Errorf("%d renewals, want 2", n)
	}
}

// TestEditRenewsStoredCredentials: an edit that asks the store with the stored credentials (a
// new address) and meets an expired token renews them, spending the stored refresh token. When
// the edit is then refused (the address reaches another store), the renewed pair is still the
// connection's: the next sync works instead of presenting the spent token.
func TestEditRenewsStoredCredentials(t *testing.T) {
	r := newRotEnv(t, nil)
	r.catalogue()
	r.store.ExpireToken()
	id := r.store.ID
	r.store.ID = "another-store"
	in := core.ConnectionInput{Name: r.conn.Name, Platform: r.conn.Platform, StoreURL: "https://elsewhere.example"}
	if _, err := r.eng.UpdateConnection(ctx, r.conn.ID, in); err == nil || !strings.Contains(err.Error(), "another store") {
		t.Fatalf("edit to another store: %v", err)
	}
	r.store.ID = id
	access, refresh := r.store.Tokens()
	if got := r.keyring(); got[memstore.KeyToken] != access || got[memstore.KeyRefresh] != refresh {
		t.Fatalf("the keyring does not hold the pair the edit renewed")
	}
	if sum := r.sync(); sum.Outcome != core.OutcomeOK {
		t.Errorf("sync after the refused edit: %s %s", sum.Outcome, sum.Message)
	}
	if n := r.store.Calls()["Refresh"]; n != 1 {
		t.Errorf("%d renewals, want 1", n)
	}
}

// TestRemoveDropsRenewalRecord: a connection removed after a renewal was cut off leaves nothing
// of it in the keyring.
func TestRemoveDropsRenewalRecord(t *testing.T) {
	r := newRotEnv(t, nil)
	r.catalogue()
	r.store.ExpireToken()
	r.store.OnRefresh(func() { panic("killed") })
	func() {
		defer func() { _ = recover() }()
		r.eng.TestConnection(ctx, r.conn.ID)
	}()
	r.store.OnRefresh(nil)
	left := func() []string {
		var out []string
		for _, k := range r.mem.Keys() {
			if strings.Contains(k, fmt.Sprintf("/connection/%d/", r.conn.ID)) {
				out = append(out, k[strings.LastIndex(k, "/")+1:])
			}
		}
		return out
	}
	if got := left(); !slices.Contains(got, "~renewal") {
		t.Fatalf("no record of the renewal cut off: %v", got)
	}
	r.restart()
	if err := r.eng.RemoveConnection(ctx, r.conn.ID); err != nil {
		t.Fatal(err)
	}
	if got := left(); len(got) != 0 {
		t.Errorf("left in the keyring after removal: %v", got)
	}
}
