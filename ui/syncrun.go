package ui

import (
	"context"
	"errors"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"mizan/core"
)

// tasks runs work that may take long (store calls, syncs) on goroutines of its own, so it never
// holds up the books' worker; Wait lets tests and Close wait for all of it.
type tasks struct {
	mu   sync.Mutex
	cond *sync.Cond
	n    int
}

func newTasks() *tasks {
	t := &tasks{}
	t.cond = sync.NewCond(&t.mu)
	return t
}

// Go runs f on a goroutine of its own.
func (t *tasks) Go(f func()) {
	t.mu.Lock()
	t.n++
	t.mu.Unlock()
	go func() {
		defer func() {
			t.mu.Lock()
			t.n--
			t.cond.Broadcast()
			t.mu.Unlock()
		}()
		f()
	}()
}

// Wait blocks until no task runs.
func (t *tasks) Wait() {
	t.mu.Lock()
	for t.n > 0 {
		t.cond.Wait()
	}
	t.mu.Unlock()
}

// Count is how many tasks run now.
func (t *tasks) Count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.n
}

// syncState is a sync the window started and has not seen end.
type syncState struct {
	name     string
	progress core.Progress
	// Fraction is how far the whole run has got, from 0 to 1.
	fraction float64
}

// phases are a run's phases in the order the engine goes through them.
var phases = []string{"connecting", "products", "push products", "stock", "orders", "push stock", "done"}

// runFraction turns a phase and its count into how far the whole run has got.
func runFraction(p core.Progress) float64 {
	idx := -1
	for i, ph := range phases {
		if ph == p.Phase {
			idx = i
		}
	}
	if idx < 0 {
		return 0
	}
	if p.Phase == "done" {
		return 1
	}
	within := 0.0
	if p.Total > 0 {
		within = float64(min(p.Done, p.Total)) / float64(p.Total)
	}
	return (float64(idx) + within) / float64(len(phases)-1)
}

func phaseName(phase string) string {
	switch phase {
	case "connecting":
		return tr("phase.connecting", "Connecting to the store…")
	case "products":
		return tr("phase.products", "Reading the store's products…")
	case "push products":
		return tr("phase.push_products", "Sending product changes to the store…")
	case "stock":
		return tr("phase.stock", "Reading the store's stock…")
	case "orders":
		return tr("phase.orders", "Turning orders into invoices…")
	case "push stock":
		return tr("phase.push_stock", "Settling stock…")
	case "done":
		return tr("phase.done", "Finishing…")
	}
	return phase
}

var activeMu sync.Mutex

// StartSync runs a sync of a connection off the UI goroutine, showing its progress on the
// screens; it does nothing when the window already runs one for that connection. UI goroutine.
func (m *App) StartSync(c core.Connection, req core.SyncRequest) bool {
	if _, busy := m.syncing[c.ID]; busy || m.sched.stopped() {
		return false
	}
	st := &syncState{name: c.Name}
	m.syncing[c.ID] = st
	activeMu.Lock()
	m.active()[c.ID] = true
	activeMu.Unlock()
	m.syncChanged(c.ID)
	id := c.ID
	req.Progress = func(p core.Progress) {
		uiDo(func() {
			cur, ok := m.syncing[id]
			if !ok {
				return
			}
			cur.progress = p
			if f := runFraction(p); f > cur.fraction {
				cur.fraction = f
			}
			m.syncChanged(id)
			if m.OnProgress != nil {
				m.OnProgress(id, p)
			}
		})
	}
	m.tasks.Go(func() {
		sum, err := m.engine.SyncNow(context.Background(), id, req)
		activeMu.Lock()
		delete(m.active(), id)
		activeMu.Unlock()
		uiDo(func() {
			delete(m.syncing, id)
			m.syncChanged(id)
			m.syncEnded(c, req, sum, err)
		})
		m.reload(context.Background())
	})
	return true
}

// active is the set of connections syncing, guarded by activeMu (Close reads it off the UI
// goroutine).
func (m *App) active() map[int64]bool {
	if m.activeIDs == nil {
		m.activeIDs = map[int64]bool{}
	}
	return m.activeIDs
}

func (m *App) runningIDs() []int64 {
	activeMu.Lock()
	defer activeMu.Unlock()
	var out []int64
	for id := range m.active() {
		out = append(out, id)
	}
	return out
}

// Syncing reports whether the window runs a sync of a connection. UI goroutine.
func (m *App) Syncing(connID int64) bool {
	_, ok := m.syncing[connID]
	return ok
}

// syncChanged tells the screens that a sync started, moved on or ended. UI goroutine.
func (m *App) syncChanged(connID int64) {
	m.Dashboard.syncChanged(connID)
	m.Mapping.syncChanged()
	m.SyncLog.syncChanged()
	m.Connections.syncChanged()
}

// syncEnded says how a sync ended: a desktop notification for every run that was not cancelled
// (its counts, or why it failed), whether the merchant or the schedule started it, and a dialog
// too when the merchant asked for it and it could not run. UI goroutine.
func (m *App) syncEnded(c core.Connection, req core.SyncRequest, sum core.RunSummary, err error) {
	cancelled := errors.Is(err, context.Canceled) || sum.Outcome == core.OutcomeCancelled
	name := map[string]any{"Name": c.Name}
	switch {
	case cancelled:
		return
	case err != nil && errors.Is(err, core.ErrBusy) && req.Trigger == core.TriggerSchedule:
		return
	case err != nil:
		if req.Trigger != core.TriggerSchedule {
			showProblem(m.Window, tr("doing.sync", "sync {{.Name}}", name), err)
		}
		m.app.SendNotification(fyne.NewNotification(trText("notify.failed", "Sync of {{.Name}} failed", name), failureCause(err)))
	case sum.Outcome == core.OutcomeErrors:
		m.app.SendNotification(fyne.NewNotification(
			trText("notify.errors", "Sync of {{.Name}} ended with errors", name),
			trText("notify.errors.body", "{{.Summary}}. See the Sync log for what failed.", map[string]any{"Summary": runCountsText(sum)})))
	case sum.Outcome == core.OutcomeFailed:
		m.app.SendNotification(fyne.NewNotification(trText("notify.failed", "Sync of {{.Name}} failed", name), sum.Message))
	default:
		m.app.SendNotification(fyne.NewNotification(trText("notify.done", "Sync of {{.Name}} finished", name), runCountsText(sum)))
	}
}

// failureCause is why a sync failed, for a notification: what happened and what to do when the
// error is one Mizan knows, else the error itself.
func failureCause(err error) string {
	if p, ok := knownProblemIn(err, trText); ok && p.Title != "" {
		return p.Title + ". " + p.Todo
	}
	return logPhrase(core.PhraseOf(err))
}

// scheduler syncs each connection on its own at its poll interval while the window is open.
type scheduler struct {
	m    *App
	tick time.Duration
	stop chan struct{}
	done chan struct{}
	once sync.Once
	mu   sync.Mutex
	off  bool
}

func startScheduler(m *App, tick time.Duration) *scheduler {
	if tick <= 0 {
		tick = 15 * time.Second
	}
	s := &scheduler{m: m, tick: tick, stop: make(chan struct{}), done: make(chan struct{})}
	go s.loop()
	return s
}

func (s *scheduler) loop() {
	defer close(s.done)
	t := time.NewTicker(s.tick)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.check()
		}
	}
}

// Stop ends the scheduler and waits for it; syncs it started run on until they end.
func (s *scheduler) Stop() {
	s.once.Do(func() {
		s.mu.Lock()
		s.off = true
		s.mu.Unlock()
		close(s.stop)
	})
	<-s.done
}

func (s *scheduler) stopped() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.off
}

// check starts the syncs that are due.
func (s *scheduler) check() {
	ctx := context.Background()
	due, err := s.m.dueConnections(ctx)
	if err != nil {
		fyne.LogError("mizan: scheduled sync", err)
		return
	}
	for _, c := range due {
		c := c
		select {
		case <-s.stop:
			return
		default:
		}
		uiDo(func() { s.m.StartSync(c, core.SyncRequest{Trigger: core.TriggerSchedule}) })
	}
}

// nextSync is when a connection is due: its poll interval after its last run started (or after
// the window opened, when it has never run).
func (m *App) nextSync(c core.Connection, last *core.RunSummary) time.Time {
	from := m.openedAt
	if last != nil && last.StartedAt.After(from) {
		from = last.StartedAt
	}
	return from.Add(c.PollInterval)
}

// dueConnections lists the connections whose next sync time has come. Any goroutine.
func (m *App) dueConnections(ctx context.Context) ([]core.Connection, error) {
	conns, err := m.engine.Connections(ctx)
	if err != nil {
		return nil, err
	}
	last, err := m.lastRuns(ctx, conns)
	if err != nil {
		return nil, err
	}
	now := m.deps.Now()
	var out []core.Connection
	for _, c := range conns {
		var lr *core.RunSummary
		if r, ok := last[c.ID]; ok {
			lr = &r
		}
		if !m.engine.IsSyncing(c.ID) && !c.NeedsReconnect() && !now.Before(m.nextSync(c, lr)) {
			out = append(out, c)
		}
	}
	return out, nil
}

// lastRuns reads each connection's newest run, leaving out the product mapping changes made by
// hand (they are not syncs).
func (m *App) lastRuns(ctx context.Context, conns []core.Connection) (map[int64]core.RunSummary, error) {
	out := map[int64]core.RunSummary{}
	for _, c := range conns {
		runs, err := m.engine.Runs(ctx, c.ID, 20)
		if err != nil {
			return nil, err
		}
		for _, r := range runs {
			if r.Trigger != core.TriggerMapping {
				out[c.ID] = r
				break
			}
		}
	}
	return out, nil
}
