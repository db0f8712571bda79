package core

import (
	"context"
	"errors"
	"time"

	"github.com/shopspring/decimal"

	"mizan/storage"
)

// overlap is how far before a watermark each incremental read starts again: store timestamps are
// coarse and a write can land a moment after the read that should have seen it. Whatever is read
// twice is recognised by its binding and changes nothing.
const overlap = 2 * time.Minute

type stockRead struct {
	qty    decimal.Decimal
	readAt time.Time
}

type syncer struct {
	e     *Engine
	conn  Connection
	run   *runLog
	req   SyncRequest
	ctx   context.Context
	store Store
	info  StoreInfo

	reads   map[string]stockRead // this run's store quantities, by variant id
	resync  map[string]bool      // products whose last stock change is unconfirmed
	stockOK bool                 // the stock read completed
	// productsOK: the store's catalogue was read to the end this run (every product changed since
	// the last run was seen). While it is false, nothing may treat a store product the books lack
	// as missing from the store: an order line whose product is not bound waits, and local products
	// are not created in the store (the store may have them).
	productsOK bool
	// productsFailed are the store products (by variant id) this run or an earlier one read but
	// could not bring into the books; they wait in the retry queue, and order lines for them wait.
	productsFailed map[string]bool
	ordersOK       bool // every order changed since the last run was seen
	skippedOld     int
	ordersDone     map[string]bool
	progressAt     time.Time
	// page is the write transaction of the page of orders being posted, nil between pages.
	page *storage.Tx
	// baselines are the stock baselines of the products the page's orders moved, read once a page
	// (orders do not move a baseline; a product an order line creates has none).
	baselines map[int64]time.Time
	// pageOrders are the page's orders' bindings as the page began (see readPageOrders).
	pageOrders map[string]pageOrder
	// pagePayments are the page's store payments in the books as the page began (see readPagePayments).
	pagePayments map[string]bool
}

// fatal errors end the whole run: nothing more can be done with this store now.
func fatal(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrUnreachable) || errors.Is(err, ErrKeyringUnavailable) ||
		errors.Is(err, ErrReconnect)
}

func (s *syncer) progress(phase string, done, total int) {
	if s.req.Progress == nil {
		return
	}
	s.req.Progress(Progress{Connection: s.conn.Name, Phase: phase, Done: done, Total: total})
}

func (s *syncer) sync() error {
	st, _, err := s.e.openStore(s.conn)
	if err != nil {
		return err
	}
	s.store = st
	s.reads = map[string]stockRead{}
	s.ordersDone = map[string]bool{}
	s.productsFailed = map[string]bool{}
	s.progress("connecting", 0, 0)
	if s.info, err = st.Info(s.ctx); err != nil {
		return sayErr("run.connect_failed", s.conn.Name, err)
	}
	if err := s.e.checkStoreIdentity(s.ctx, s.conn, s.info); err != nil {
		return err
	}
	if len(s.req.OrderNumbers) > 0 {
		// Orders by number still read the catalogue's changes first, so that a line's product is
		// found in the books rather than made from the line.
		if err := s.pullProducts(); err != nil {
			if fatal(err) {
				return err
			}
			s.run.note(LogEntry{Level: Error, Kind: "run", Say: say("run.step_failed", say("step.products"), err)})
		}
		return s.ordersByNumber(s.req.OrderNumbers)
	}
	if err := s.finishPendingPushes(); err != nil {
		return err
	}
	if p, ok := st.(ReadPlanner); ok {
		since, err := s.watermark("orders")
		if err != nil {
			return err
		}
		p.PlanReads(s.ctx, ReadPlan{AllOrders: since.IsZero()})
	}
	type phase struct {
		name string
		run  func() error
	}
	for _, p := range []phase{{"products", s.pullProducts}, {"push products", s.pushProducts},
		{"stock", s.readStock}, {"orders", s.pullOrders}, {"push stock", s.settleStock}} {
		if err := s.ctx.Err(); err != nil {
			return err
		}
		s.progress(p.name, 0, 0)
		if err := p.run(); err != nil {
			if fatal(err) {
				return err
			}
			s.run.note(LogEntry{Level: Error, Kind: "run", Say: say("run.step_failed", stepWord(p.name), err)})
		}
	}
	s.progress("done", 1, 1)
	return nil
}

// itemErr logs an item's failure: it does not stop the run.
func (s *syncer) itemErr(kind, ref, externalID string, err error) {
	s.run.note(LogEntry{Level: Error, Kind: kind, Say: errPhrase(err), StoreRef: ref, ExternalID: externalID})
}

// update writes one unit of work (an order's invoice, a return, a failure's log entry and retry):
// in a savepoint of the page being posted, so that a unit refused undoes only itself, or in a
// transaction of its own between pages.
func (s *syncer) update(fn func(tx *storage.Tx) error) error {
	if s.page != nil {
		return s.page.Savepoint(func() error { return fn(s.page) })
	}
	return s.e.db.Update(s.ctx, fn)
}

func (s *syncer) watermark(stream string) (time.Time, error) {
	var t time.Time
	err := s.e.db.View(s.ctx, func(tx *storage.Tx) error {
		var err error
		t, err = watermark(tx, s.conn.ID, stream)
		return err
	})
	if !t.IsZero() {
		t = t.Add(-overlap)
	}
	return t, err
}

// seenUntil is how far a complete read of a change stream has seen: up to the store's clock when
// the run began (the read started after it), or up to the newest change read when the store's
// clock is unknown. The next read starts an overlap before it, so a change stamped just before
// and saved just after is not missed; on the store's clock, a store idle for longer than the
// overlap is then asked for nothing it already gave.
func (s *syncer) seenUntil(newest time.Time) time.Time {
	if s.info.Now.After(newest) {
		return s.info.Now
	}
	return newest
}

// setWatermark moves a stream's watermark forward (never back).
func (s *syncer) setWatermark(stream string, t time.Time) error {
	if t.IsZero() {
		return nil
	}
	return s.update(func(tx *storage.Tx) error {
		cur, err := watermark(tx, s.conn.ID, stream)
		if err != nil || !t.After(cur) {
			return err
		}
		return setWatermark(tx, s.conn.ID, stream, t)
	})
}
