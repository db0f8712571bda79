package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"mizan/core"
)

// childEnv carries a crash child's instructions: the books to open and the store to sync.
const childEnv = "MIZAN_CONTRACT_CHILD"

type childJob struct {
	Dir    string
	ConnID int64
	Config Config
	// InPage, when set, has the child kill itself InPage after the store handed it its first page
	// of orders, while orders are being posted; the ids of each page the store handed over are
	// written to PagesFile (one JSON list a line) before the engine gets the page.
	InPage    time.Duration
	PagesFile string
}

func childRequested() bool { return os.Getenv(childEnv) != "" }

// runChild is the crash test's child process: one sync of existing books, then exit. The parent
// kills it with SIGKILL somewhere in the middle.
func runChild(t *testing.T, open func(t *testing.T) Harness) {
	var job childJob
	if err := json.Unmarshal([]byte(os.Getenv(childEnv)), &job); err != nil {
		t.Fatalf("crash child: %v", err)
	}
	p := open(t).Platform()
	if job.InPage > 0 {
		p = killedInPage(t, p, job)
	}
	job.Config.HTTPClient = nil
	b := Reopen(t, p, job.Config, job.Dir, job.ConnID)
	sum, err := b.Engine.SyncNow(ctx, job.ConnID, core.SyncRequest{})
	if err != nil {
		t.Fatalf("crash child: %v", err)
	}
	b.DB.Close()
	code := 0
	if sum.Counts.Errors > 0 {
		code = 3
	}
	os.Exit(code)
}

// killedInPage wraps a platform so that its stores write down each page of orders they hand over,
// and kill this process job.InPage after the first.
func killedInPage(t *testing.T, p core.Platform, job childJob) core.Platform {
	f, err := os.OpenFile(job.PagesFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatalf("crash child: %v", err)
	}
	open := p.Open
	p.Open = func(cfg core.StoreConfig) (core.Store, error) {
		st, err := open(cfg)
		if err != nil {
			return nil, err
		}
		return &pageWriter{Store: st, pages: f, killAfter: job.InPage}, nil
	}
	return p
}

type pageWriter struct {
	core.Store
	pages     *os.File
	killAfter time.Duration
	once      sync.Once
}

func (w *pageWriter) Orders(ctx context.Context, since time.Time, fn func([]core.StoreOrder) error) error {
	return w.Store.Orders(ctx, since, func(page []core.StoreOrder) error {
		ids := make([]string, len(page))
		for i, o := range page {
			ids[i] = o.ExternalID
		}
		line, _ := json.Marshal(ids)
		if _, err := w.pages.Write(append(line, '\n')); err != nil {
			return err
		}
		w.once.Do(func() {
			time.AfterFunc(w.killAfter, func() {
				if self, err := os.FindProcess(os.Getpid()); err == nil {
					_ = self.Kill() // SIGKILL: no deferred function, no clean close
				}
			})
		})
		return fn(page)
	})
}

// checkPagesWhole reads the pages of orders a killed child was handed and the orders its books
// hold (an order posted, refused or set aside leaves a log entry naming it), and fails unless
// each page is in the books whole or not at all. It reports whether a page handed over was not
// in the books: the kill came before that page was committed.
func checkPagesWhole(t *testing.T, round int, pagesFile string, b *Books) bool {
	t.Helper()
	raw, err := os.ReadFile(pagesFile)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	posted := map[string]bool{}
	rows, err := b.DB.SQL().Query(`SELECT DISTINCT external_id FROM sync_log WHERE kind = 'order' AND external_id <> ''`)
	must(t, err)
	for rows.Next() {
		var id string
		must(t, rows.Scan(&id))
		posted[id] = true
	}
	must(t, rows.Err())
	rows.Close()
	seen := map[string]bool{}
	cut := false
	for i, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		if line == "" {
			continue
		}
		var ids []string
		must(t, json.Unmarshal([]byte(line), &ids))
		in, n := 0, 0
		for _, id := range ids {
			if seen[id] {
				continue // an order the store gave twice counts with its first page
			}
			seen[id] = true
			n++
			if posted[id] {
				in++
			}
		}
		if in != 0 && in != n {
			t.Errorf("round %d: page %d of orders is in the books in part (%d of %d orders): a page is committed whole or not at all", round, i+1, in, n)
		}
		cut = cut || (n > 0 && in == 0)
	}
	return cut
}

// crashStore is the store every crash round starts from.
func crashStore(h Harness) {
	h.Seed(30, 120, 5)
	h.Advance(minute)
}

const crashRounds = 20

// testCrash syncs a store once cleanly, then, 20 times, on an identical store, runs the sync in a
// child process killed with SIGKILL, and finishes with a sync in this process. The books and the
// store must end exactly as after the clean run. In half the rounds the kill comes after a random
// number of API requests (and a random few milliseconds more); in the other half, a random
// moment (up to 200 ms) after the store handed over its first page of orders, while pages are
// posted: each page the child was handed must then be in its books whole or not at all.
func testCrash(t *testing.T, open func(t *testing.T) Harness, tr *tracker) {
	if testing.Short() {
		t.Skip("the crash test runs child processes; skipped with -short")
	}
	ref := open(t)
	crashStore(ref)
	rb := tr.connect(t, ref, "", core.ConnectionInput{})
	start := ref.Requests()
	rb.Sync(core.SyncRequest{})
	total := ref.Requests() - start
	want, wantStore := rb.Dump(), storeDump(rb, ref)
	if total < 3 {
		t.Fatalf("a clean sync made only %d requests: nothing to interrupt", total)
	}

	seed := uint64(time.Now().UnixNano())
	t.Logf("clean sync: %d requests; kill points drawn with seed %d", total, seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	var killed, finished, inPage, cut int
	for round := 0; round < crashRounds; round++ {
		h := open(t)
		crashStore(h)
		dir := tr.dir(t)
		b := tr.connect(t, h, dir, core.ConnectionInput{})
		connID := b.Conn.ID
		b.DB.Close()

		point := 1 + rng.IntN(total-1)
		jitter := time.Duration(rng.IntN(4000)) * time.Microsecond
		job := childJob{Dir: dir, ConnID: connID, Config: h.Config()}
		if round%4 >= 2 {
			point = 1 << 30 // the child kills itself
			job.InPage = time.Duration(rng.IntN(200_000)) * time.Microsecond
			job.PagesFile = filepath.Join(t.TempDir(), "pages")
			jitter = job.InPage
		}
		wasKilled, out := runChildUntil(t, h, job, point, jitter)
		if wasKilled {
			killed++
		} else {
			finished++
		}
		after := Reopen(t, h.Platform(), h.Config(), dir, connID)
		tr.add(after, h.Config())
		if job.InPage > 0 && wasKilled {
			inPage++
			if checkPagesWhole(t, round, job.PagesFile, after) {
				cut++
			}
		}
		between := reconnect(t, h, after, round)
		h.Advance(minute)
		sum := after.Sync(core.SyncRequest{})
		if got := after.Dump(); got != want {
			t.Errorf("round %d (killed after %d requests +%v: %v, then %s): books differ from a clean run:\n%s\nchild said:\n%s\nlog:\n%s",
				round, point, jitter, wasKilled, between, diff(want, got), out, after.errorLog())
		}
		if got := storeDump(after, h); got != wantStore {
			t.Errorf("round %d (killed after %d requests): the store differs from a clean run:\n%s", round, point, diff(wantStore, got))
		}
		if sum.Counts.Errors > 0 {
			t.Errorf("round %d: the sync after the crash logged errors:\n%s", round, after.errorLog())
		}
		after.DB.Close()
	}
	t.Logf("%d children killed mid-sync, %d finished before their kill point; %d killed while posting orders, %d of them before a page they were handed was committed",
		killed, finished, inPage, cut)
	if killed < crashRounds/2 {
		t.Errorf("only %d of %d children were killed mid-sync", killed, crashRounds)
	}
}

// reconnect does what a merchant may do between a crash and the next sync: on even rounds,
// remove the connection and add the same store again (which must re-attach its history, an
// unconfirmed stock push included); on odd ones, edit the connection with the same token entered
// again. It says which it did.
func reconnect(t *testing.T, h Harness, b *Books, round int) string {
	t.Helper()
	cfg := h.Config()
	in := core.ConnectionInput{Name: b.Conn.Name, Platform: h.Platform().Name, StoreURL: cfg.StoreURL, Credentials: cfg.Credentials,
		Options: cfg.Options}
	if round%2 == 1 {
		push := b.Conn.PushProducts
		in.ClientID, in.WarehouseID, in.BranchID, in.StartDate = b.Conn.ClientID, b.Conn.WarehouseID, b.Conn.BranchID, b.Conn.StartDate
		in.InvoiceStates, in.PollInterval, in.Owners, in.PushProducts = b.Conn.InvoiceStates, b.Conn.PollInterval, b.Conn.Owners, &push
		c, err := b.Engine.UpdateConnection(ctx, b.Conn.ID, in)
		if err != nil {
			t.Fatalf("round %d: edit the token: %v", round, err)
		}
		b.Conn = c
		return "a token edit"
	}
	if err := b.Engine.RemoveConnection(ctx, b.Conn.ID); err != nil {
		t.Fatalf("round %d: remove: %v", round, err)
	}
	c, err := b.Engine.AddConnection(ctx, in)
	if err != nil {
		t.Fatalf("round %d: add again: %v", round, err)
	}
	if !c.Reattached || c.ID != b.Conn.ID {
		t.Fatalf("round %d: adding the store again did not re-attach its history (reattached %v, id %d, was %d)", round, c.Reattached, c.ID, b.Conn.ID)
	}
	b.Conn = c
	return "a remove and re-add"
}

// runChildUntil starts a child syncing job and kills it with SIGKILL once the store has served
// point more requests (plus jitter). It reports whether the child was killed, and its output.
func runChildUntil(t *testing.T, h Harness, job childJob, point int, jitter time.Duration) (bool, string) {
	t.Helper()
	job.Config.HTTPClient = nil
	raw, err := json.Marshal(job)
	must(t, err)
	top := strings.SplitN(t.Name(), "/", 2)[0]
	cmd := exec.Command(os.Args[0], "-test.run=^"+top+"$", "-test.count=1", "-test.timeout=2m")
	cmd.Env = append(os.Environ(), childEnv+"="+string(raw))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := h.Requests()
	must(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.After(90 * time.Second)
	// The store's clock goes on while the child syncs (a second every 10 ms), as it would in the
	// parent's own sync, where a client that waits moves it on: a child waiting for a Shopify bulk
	// operation could otherwise wait for ever, and never reach its pages of orders.
	ticked := time.Now()
	for {
		if time.Since(ticked) >= 10*time.Millisecond {
			h.Advance(time.Second)
			ticked = time.Now()
		}
		select {
		case err := <-done:
			var ee *exec.ExitError
			if errors.As(err, &ee) && !ee.Exited() {
				return true, out.String() // it killed itself (an in-page round)
			}
			if err != nil {
				t.Logf("child ended on its own with %v", err)
			}
			return false, out.String()
		case <-deadline:
			_ = cmd.Process.Kill()
			<-done
			t.Fatalf("crash child did not finish:\n%s", out.String())
		default:
		}
		if h.Requests()-start >= point {
			time.Sleep(jitter)
			_ = cmd.Process.Kill() // SIGKILL: no deferred function, no clean close
			err := <-done
			return err != nil, out.String()
		}
		time.Sleep(100 * time.Microsecond)
	}
}
