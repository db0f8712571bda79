package core

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"mizan/storage"
)

// Orders are posted a page at a time: the store's page (or a batch fetched by number) is one write
// transaction, and each order's documents inside it are a savepoint of their own (see
// syncer.update). A crash loses at most the page being posted, and never leaves half an order:
// what is committed carries its bindings, so reading the page again changes nothing twice. While
// one page is posted, the store is asked for the next.

// postPage posts a page of orders in one transaction. An order's own failures stay its own (they
// are logged and queued, as when each order had a transaction); an error that makes the books
// unusable undoes the page, and the run's counts with it. A cancelled run stops between two
// orders and keeps the orders posted before it.
func (s *syncer) postPage(page []StoreOrder, each func(StoreOrder)) error {
	if len(page) == 0 {
		return nil
	}
	counts := s.run.counts()
	var stopped error
	err := s.e.db.Update(context.WithoutCancel(s.ctx), func(tx *storage.Tx) error {
		s.page, s.baselines = tx, map[int64]time.Time{}
		defer func() { s.page, s.baselines, s.pageOrders, s.pagePayments = nil, nil, nil, nil }()
		if err := s.readPageProducts(tx, page); err != nil {
			return err
		}
		if err := s.readPageOrders(tx, page); err != nil {
			return err
		}
		if err := s.readPagePayments(tx, page); err != nil {
			return err
		}
		for _, o := range page {
			if err := s.ctx.Err(); err != nil {
				stopped = err
				return nil
			}
			if err := s.processOrder(o); err != nil {
				return err
			}
			if each != nil {
				each(o)
			}
		}
		return nil
	})
	if err != nil {
		s.run.setCounts(counts)
		return err
	}
	return stopped
}

// readPageProducts reads, in one query, the bindings of the store products the page's lines name:
// their local products go into the transaction's memo (see boundID), with the products
// themselves and their stock levels in the connection's warehouse, and their stock baselines
// into the page's (each local product has one product binding per connection). Each order would
// read them one line at a time.
func (s *syncer) readPageProducts(tx *storage.Tx, page []StoreOrder) error {
	seen := map[string]bool{}
	var ids []string
	for _, o := range page {
		for _, l := range o.Lines {
			if l.ProductID != "" && !seen[l.ProductID] {
				seen[l.ProductID] = true
				ids = append(ids, l.ProductID)
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := tx.Query(`SELECT `+bindingCols+` FROM sync_bindings WHERE connection_id = ? AND kind = 'product'
		AND external_id IN (SELECT value FROM json_each(?))`, s.conn.ID, mustJSON(ids))
	if err != nil {
		return fmt.Errorf("read the page's product bindings: %w", err)
	}
	defer rows.Close()
	var local []int64
	for rows.Next() {
		b, err := scanBinding(rows)
		if err != nil {
			return err
		}
		if _, _, err := storage.Memo(tx, boundKey{s.conn.ID, "product", b.ExternalID}, func() (int64, bool, error) {
			return b.LocalID, true, nil
		}, "sync_bindings"); err != nil {
			return err
		}
		s.baselines[b.LocalID] = b.BaselineAt
		local = append(local, b.LocalID)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the page's product bindings: %w", err)
	}
	rows.Close()
	if err := tx.ReadStockLevels(s.conn.WarehouseID, local); err != nil {
		return err
	}
	return tx.ReadProducts(local)
}

// pageOrder is an order's binding as its page began; found is false when it had none.
type pageOrder struct {
	b     binding
	found bool
}

// readPageOrders reads, in one query, the bindings of the page's orders (a first import finds
// none), where each order would look its own up. Only an order's own processing writes its
// binding, so what is read holds for the first time the page names each order; a later time
// (an order the store's page repeats) looks it up again (see orderBinding).
func (s *syncer) readPageOrders(tx *storage.Tx, page []StoreOrder) error {
	s.pageOrders = make(map[string]pageOrder, len(page))
	var ids []string
	for _, o := range page {
		if o.ExternalID != "" {
			if _, ok := s.pageOrders[o.ExternalID]; !ok {
				s.pageOrders[o.ExternalID] = pageOrder{}
				ids = append(ids, o.ExternalID)
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := tx.Query(`SELECT `+bindingCols+` FROM sync_bindings WHERE connection_id = ? AND kind = 'order'
		AND external_id IN (SELECT value FROM json_each(?))`, s.conn.ID, mustJSON(ids))
	if err != nil {
		return fmt.Errorf("read the page's order bindings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		b, err := scanBinding(rows)
		if err != nil {
			return err
		}
		s.pageOrders[b.ExternalID] = pageOrder{b: b, found: true}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the page's order bindings: %w", err)
	}
	return nil
}

// readPagePayments reads, in one query, which of the page's store payments the books hold (a
// first import finds none), where each payment would look itself up. Only a payment's own
// recording writes it into sync_payments, so what is read holds for the first time the page asks
// about each payment; a later time (a payment a repeated order names again, or one asked about
// again after its savepoint was undone) looks it up again (see paymentRecorded).
func (s *syncer) readPagePayments(tx *storage.Tx, page []StoreOrder) error {
	s.pagePayments = map[string]bool{}
	var ids []string
	for _, o := range page {
		for _, p := range o.Payments {
			if _, ok := s.pagePayments[p.ExternalID]; !ok {
				s.pagePayments[p.ExternalID] = false
				ids = append(ids, p.ExternalID)
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := tx.Query(`SELECT external_id FROM sync_payments WHERE connection_id = ? AND external_id IN (SELECT value FROM json_each(?))`,
		s.conn.ID, mustJSON(ids))
	if err != nil {
		return fmt.Errorf("read the page's payments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return fmt.Errorf("read the page's payments: %w", err)
		}
		s.pagePayments[id] = true
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the page's payments: %w", err)
	}
	return nil
}

// paymentRecorded says whether the books hold a store payment: the page's reading the first time
// the page asks, the books' after (and outside a page).
func (s *syncer) paymentRecorded(tx *storage.Tx, externalID string) (bool, error) {
	if tx == s.page {
		if held, ok := s.pagePayments[externalID]; ok {
			delete(s.pagePayments, externalID)
			return held, nil
		}
	}
	var id int64
	err := tx.QueryRow(`SELECT payment_id FROM sync_payments WHERE connection_id = ? AND external_id = ?`, s.conn.ID, externalID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("look store payment %s up: %w", externalID, err)
	}
	return true, nil
}

// orderBinding looks an order's binding up: the page's reading the first time the page names
// the order, the books' after.
func (s *syncer) orderBinding(externalID string) (binding, bool, error) {
	if po, ok := s.pageOrders[externalID]; ok {
		delete(s.pageOrders, externalID)
		return po.b, po.found, nil
	}
	var b binding
	var found bool
	err := s.view(func(tx *storage.Tx) error {
		var err error
		b, found, err = findBinding(tx, s.conn.ID, "order", externalID)
		return err
	})
	return b, found, err
}

// view reads the books: inside the page being posted (which sees what the page wrote so far), or
// in a read transaction of its own.
func (s *syncer) view(fn func(tx *storage.Tx) error) error {
	if s.page != nil {
		return fn(s.page)
	}
	return s.e.db.View(s.ctx, fn)
}

// note records a log entry on its own: in the page being posted, or in a transaction of its own.
func (s *syncer) note(en LogEntry) {
	if s.page == nil {
		s.run.note(en)
		return
	}
	if err := s.page.Savepoint(func() error { return s.run.add(s.page, en) }); err != nil {
		s.e.log.Error("cannot write the sync log", "err", err)
	}
}

// readOrders calls post with each page of orders changed since, while the next page is read:
// the store's paging runs in a goroutine of its own, one page ahead of the posting. An error
// from post stops the paging; the store's error is returned once the pages read before it are
// posted. Nothing is left running when it returns.
func (s *syncer) readOrders(since time.Time, post func([]StoreOrder) error) error {
	ctx, stop := context.WithCancel(s.ctx)
	defer stop()
	pages := make(chan []StoreOrder)
	var readErr error
	go func() {
		defer close(pages)
		readErr = s.store.Orders(ctx, since, func(page []StoreOrder) error {
			select {
			case pages <- page:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	var postErr error
	for page := range pages {
		if postErr != nil {
			continue // the paging was stopped; it ends at its next page
		}
		if postErr = post(page); postErr != nil {
			stop()
		}
	}
	// pages is closed: the paging goroutine has returned and readErr is set.
	if postErr == nil {
		postErr = readErr
	}
	if postErr != nil {
		return fmt.Errorf("read the store's orders: %w", postErr)
	}
	return nil
}
