package contract

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
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

// crashStore is the store every crash round starts from.
func crashStore(h Harness) {
	h.Seed(30, 120, 5)
	h.Advance(minute)
}

const crashRounds = 20

// testCrash syncs a store once cleanly, then, 20 times, on an identical store, runs the sync in a
// child process killed with SIGKILL after a random number of API requests (and a random few
// milliseconds more), and finishes with a sync in this process. The books and the store must end
// exactly as after the clean run.
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
	var killed, finished int
	for round := 0; round < crashRounds; round++ {
		h := open(t)
		crashStore(h)
		dir := tr.dir(t)
		b := tr.connect(t, h, dir, core.ConnectionInput{})
		connID := b.Conn.ID
		b.DB.Close()

		point := 1 + rng.IntN(total-1)
		jitter := time.Duration(rng.IntN(4000)) * time.Microsecond
		wasKilled, out := runChildUntil(t, h, childJob{Dir: dir, ConnID: connID, Config: h.Config()}, point, jitter)
		if wasKilled {
			killed++
		} else {
			finished++
		}
		after := Reopen(t, h.Platform(), h.Config(), dir, connID)
		tr.add(after, h.Config())
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
	t.Logf("%d children killed mid-sync, %d finished before their kill point", killed, finished)
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
	for {
		select {
		case err := <-done:
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
