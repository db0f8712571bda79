package core

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"mizan/storage"
)

// Engine syncs connected stores with the books. It is safe for concurrent use; each connection
// syncs at most once at a time.
type Engine struct {
	db        *storage.DB
	secrets   Secrets
	platforms Platforms
	log       *slog.Logger
	now       func() time.Time
	// HTTPClient, when set, is handed to every platform (tests, the demo store).
	HTTPClient *http.Client

	mu     sync.Mutex
	active map[int64]context.CancelFunc

	keys keyNames // the books' id, for naming keyring entries
	// turns holds each connection's credential renewals to one at a time.
	turns turns
}

// Options configure an engine.
type Options struct {
	Log        *slog.Logger
	Now        func() time.Time
	HTTPClient *http.Client
}

// New makes an engine over the books, a secret store and the known platforms.
func New(db *storage.DB, secrets Secrets, platforms Platforms, opts Options) *Engine {
	e := &Engine{db: db, secrets: secrets, platforms: platforms, log: opts.Log, now: opts.Now,
		HTTPClient: opts.HTTPClient, active: map[int64]context.CancelFunc{}}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.now == nil {
		e.now = time.Now
	}
	return e
}

// Platforms lists the platforms the engine can connect to.
func (e *Engine) Platforms() Platforms { return e.platforms }

// DB is the books the engine writes to.
func (e *Engine) DB() *storage.DB { return e.db }

// Progress reports how far a sync has got.
type Progress struct {
	Connection string
	Phase      string // "products", "push products", "stock", "orders", "push stock", "done"
	Done       int
	Total      int // 0 when not known yet
}

// ErrBusy is returned when a connection is already syncing.
var ErrBusy = errors.New("this connection is already syncing")

func (e *Engine) running(id int64) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, ok := e.active[id]
	return ok
}

// IsSyncing reports whether a connection is syncing now.
func (e *Engine) IsSyncing(id int64) bool { return e.running(id) }

// Cancel stops a connection's sync, if one is running.
func (e *Engine) Cancel(id int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if cancel, ok := e.active[id]; ok {
		cancel()
	}
}

func (e *Engine) claim(ctx context.Context, id int64) (context.Context, func(), error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, busy := e.active[id]; busy {
		return nil, nil, ErrBusy
	}
	ctx, cancel := context.WithCancel(ctx)
	e.active[id] = cancel
	return ctx, func() {
		e.mu.Lock()
		delete(e.active, id)
		e.mu.Unlock()
		cancel()
	}, nil
}

// Trigger says why a sync ran.
type Trigger string

// Triggers.
const (
	TriggerManual   Trigger = "manual"
	TriggerSchedule Trigger = "schedule"
	TriggerRetry    Trigger = "retry"
	TriggerNumbers  Trigger = "orders by number"
	TriggerFull     Trigger = "all products"
)

// SyncRequest is what a sync should do; the zero value is an ordinary "Sync now".
type SyncRequest struct {
	Trigger Trigger
	// FullProducts reconciles the whole catalogue, not just what changed ("Sync all products").
	FullProducts bool
	// OrderNumbers, when set, syncs only these orders (up to 100), whatever their dates.
	OrderNumbers []string
	// Progress, when set, is called as the sync goes (from the syncing goroutine).
	Progress func(Progress)
}

// SyncNow runs one sync of a connection: pull product changes, push local product changes, read
// the store's stock, pull orders changed since the last run into invoices and return invoices,
// then settle and push stock. It returns the run's summary; the error is non-nil only when the
// run could not be carried out at all (the connection is busy or gone, the keyring is locked, the
// store refused the credentials or could not be reached). Failures of single items are in the
// run's log and counts, and never stop the rest of the run.
func (e *Engine) SyncNow(ctx context.Context, connID int64, req SyncRequest) (RunSummary, error) {
	ctx, release, err := e.claim(ctx, connID)
	if err != nil {
		return RunSummary{}, err
	}
	defer release()
	conn, err := e.Connection(ctx, connID)
	if err != nil {
		return RunSummary{}, err
	}
	if conn.NeedsReconnect() {
		// Nothing is asked of the store until the merchant connects it again.
		return RunSummary{}, reconnectError(conn)
	}
	if req.Trigger == "" {
		req.Trigger = TriggerManual
	}
	if len(req.OrderNumbers) > 100 {
		return RunSummary{}, invalid("at most 100 order numbers at once (got %d)", len(req.OrderNumbers))
	}
	run, err := e.startRun(ctx, conn, req.Trigger)
	if err != nil {
		return RunSummary{}, err
	}
	s := &syncer{e: e, conn: conn, run: run, req: req, ctx: ctx}
	err = s.sync()
	if errors.Is(err, ErrReconnect) {
		// The store refused to renew the credentials for good: say plainly what to do.
		if now, cerr := e.Connection(context.WithoutCancel(ctx), connID); cerr == nil && now.NeedsReconnect() {
			err = reconnectError(now)
		}
	}
	sum, err := run.finish(err)
	e.logRun(conn, req.Trigger, sum, err)
	return sum, err
}

// logRun writes a run's outcome to the engine's log, whoever started it (the window, its
// scheduler or the command line).
func (e *Engine) logRun(c Connection, trigger Trigger, sum RunSummary, err error) {
	if err != nil {
		e.log.Warn("sync failed", "connection", c.Name, "platform", c.Platform, "trigger", string(trigger), "err", err.Error())
		return
	}
	n := sum.Counts
	e.log.Info("sync done", "connection", c.Name, "platform", c.Platform, "trigger", string(trigger), "run", sum.ID,
		"outcome", string(sum.Outcome), "took", sum.EndedAt.Sub(sum.StartedAt).Round(time.Millisecond),
		"products_created", n.ProductsCreated, "products_updated", n.ProductsUpdated, "invoices", n.Invoices,
		"returns", n.Returns, "clients", n.Clients, "errors", n.Errors, "warnings", n.Warnings)
}

// openStore opens a connection's store with its credentials from the keyring.
func (e *Engine) openStore(c Connection) (Store, Platform, error) {
	p, err := e.platforms.Get(c.Platform)
	if err != nil {
		return nil, p, err
	}
	if err := e.settleBeforeOpen(c); err != nil {
		return nil, p, err
	}
	creds, err := e.credentials(c)
	if err != nil {
		return nil, p, err
	}
	// Who issues the tax invoices is read at every opening: the merchant may change it between syncs.
	var issuer storage.Issuer
	if err := e.db.View(context.Background(), func(tx *storage.Tx) error {
		var err error
		issuer, err = tx.InvoiceIssuer(c.ID)
		return err
	}); err != nil {
		return nil, p, fmt.Errorf("open %s: %w", c.Name, err)
	}
	st, err := p.Open(StoreConfig{StoreURL: c.StoreURL, Credentials: creds, Options: c.Options,
		HTTPClient: e.HTTPClient, Log: e.log.With("connection", c.Name), Rotate: e.rotator(c),
		StoreIssuesInvoices: issuer == storage.IssuerStore})
	if err != nil {
		return nil, p, fmt.Errorf("open %s: %w", c.Name, err)
	}
	return st, p, nil
}

// TestConnection asks the store who it is, with the saved credentials.
func (e *Engine) TestConnection(ctx context.Context, connID int64) (StoreInfo, error) {
	c, err := e.Connection(ctx, connID)
	if err != nil {
		return StoreInfo{}, err
	}
	if c.NeedsReconnect() {
		return StoreInfo{}, reconnectError(c)
	}
	st, _, err := e.openStore(c)
	if err != nil {
		return StoreInfo{}, err
	}
	info, err := st.Info(ctx)
	if err == nil && c.StoreID != "" && info.StoreID != "" && info.StoreID != c.StoreID {
		return info, otherStore(c, info)
	}
	return info, err
}

// TestCredentials asks a store who it is with credentials not saved yet (the Connections form).
//
// It also returns the credentials with whatever the store renewed while it was asked (an
// expired access token, say), even when the test failed after the renewal: a store whose
// refresh token is single use has spent the one given, so the credentials returned, not those
// given, are the ones to save. They are the input's when nothing was renewed; nil when the
// store could not be opened. What an earlier test, add or edit with the same credentials had
// renewed is started from (see pendingFor).
func (e *Engine) TestCredentials(ctx context.Context, in ConnectionInput) (StoreInfo, map[string]string, error) {
	p, err := e.platforms.Get(in.Platform)
	if err != nil {
		return StoreInfo{}, nil, err
	}
	if err := checkCredentials(p, in.Credentials); err != nil {
		return StoreInfo{}, nil, err
	}
	pending := newPending(in.Credentials)
	if books, err := e.keyringReady(ctx); err == nil {
		pending, _ = e.pendingFor(books, in.Credentials) // what it renews is kept until the connection is saved
	}
	st, err := p.Open(StoreConfig{StoreURL: in.StoreURL, Credentials: pending.current(), Options: in.Options,
		HTTPClient: e.HTTPClient, Log: e.log, Rotate: pending.rotate})
	if err != nil {
		return StoreInfo{}, nil, err
	}
	info, err := st.Info(ctx)
	return info, pending.current(), err
}
