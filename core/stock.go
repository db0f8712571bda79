package core

import (
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"mizan/storage"
)

// Stock is settled per linked product from four facts: what the store had when the engine last
// accounted for it (the binding's store_qty), the store documents seen since (sales and restocks,
// kept as stock events with the store's time), the store quantity read this run, and the books'
// quantity in the connection's warehouse. What the store gained or lost that no store document
// explains was changed by hand in the store admin, and becomes an adjustment in the books (when
// the books do not own quantity). Then the store is brought to the books' quantity less what open,
// not-yet-invoiced store orders hold, by a relative change, so a sale made meanwhile is kept.

// readStock reads the store's quantities changed since the last run (all of them when a product
// needs its first reconciliation or a stock change was left unconfirmed by a crash).
func (s *syncer) readStock() error {
	since, err := s.watermark("stock")
	if err != nil {
		return err
	}
	var needFull bool
	if err := s.e.db.View(s.ctx, func(tx *storage.Tx) error {
		return tx.QueryRow(`SELECT EXISTS (SELECT 1 FROM sync_bindings WHERE connection_id = ? AND kind = 'product' AND store_qty IS NULL)`,
			s.conn.ID).Scan(&needFull)
	}); err != nil {
		return err
	}
	if needFull || len(s.resync) > 0 || s.req.FullProducts {
		since = timeZero
	}
	var first time.Time
	n := 0
	err = s.store.Stock(s.ctx, since, func(p StockPage) error {
		if first.IsZero() {
			first = p.ReadAt
		}
		for _, l := range p.Levels {
			s.reads[l.ExternalID] = stockRead{qty: l.Quantity, readAt: p.ReadAt}
		}
		n += len(p.Levels)
		s.progress("stock", n, 0)
		return nil
	})
	if err != nil {
		return sayErr("stock.read_failed", err)
	}
	s.stockOK = true
	return s.setWatermark("stock", first)
}

type productStock struct {
	b       binding
	events  []stockEvent
	books   decimal.Decimal
	holding decimal.Decimal // held by store documents not in the books (open orders)
}

type stockEvent struct {
	key   string
	delta decimal.Decimal
	at    time.Time
}

// settleStock reconciles and pushes stock for every linked product that the store counts.
func (s *syncer) settleStock() error {
	if !s.stockOK || !s.ordersOK {
		s.run.note(LogEntry{Level: Warning, Kind: "stock", Say: say("stock.not_settled")})
		return nil
	}
	// One read-only pass finds the products with anything to settle: most of an idle sync's
	// products have none, and skipping them skips a write transaction each.
	var ids []string
	needs := map[string]bool{}
	if err := s.e.db.View(s.ctx, func(tx *storage.Tx) error {
		rows, err := tx.Query(`SELECT b.external_id, b.store_qty, COALESCE(l.quantity, '0'),
				EXISTS (SELECT 1 FROM sync_stock_events e INDEXED BY sync_stock_events_product WHERE e.connection_id = b.connection_id AND e.product_id = b.local_id AND e.applied = 0),
				COALESCE((SELECT group_concat(e.delta, ' ') FROM sync_stock_events e INDEXED BY sync_stock_events_product
					WHERE e.connection_id = b.connection_id AND e.product_id = b.local_id AND e.posted = 0), '')
			FROM sync_bindings b LEFT JOIN stock_levels l ON l.product_id = b.local_id AND l.warehouse_id = ?
			WHERE b.connection_id = ? AND b.kind = 'product' ORDER BY b.local_id`, s.conn.WarehouseID, s.conn.ID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, books, unposted string
			var storeQty sql.NullString
			var unapplied bool
			if err := rows.Scan(&id, &storeQty, &books, &unapplied, &unposted); err != nil {
				return err
			}
			ids = append(ids, id)
			need, err := stockNeedsSettling(storeQty, books, unapplied, unposted)
			if err != nil {
				return sayErr("stock.of", id, err)
			}
			needs[id] = need
		}
		return rows.Err()
	}); err != nil {
		return err
	}
	var pushes []StockChange
	for i, id := range ids {
		if err := s.ctx.Err(); err != nil {
			return err
		}
		_, read := s.reads[id]
		var ch *StockChange
		var err error
		if read || s.resync[id] || needs[id] {
			ch, err = s.settleOne(id)
		}
		if err != nil {
			if fatal(err) {
				return err
			}
			s.itemErr("stock", id, id, sayErr("stock.of", id, err))
		}
		if ch != nil {
			pushes = append(pushes, *ch)
		}
		if i%50 == 0 {
			s.progress("push stock", i, len(ids))
		}
	}
	return s.sendPushes(pushes)
}

func (s *syncer) loadStock(tx *storage.Tx, externalID string) (*productStock, error) {
	b, found, err := findBinding(tx, s.conn.ID, "product", externalID)
	if err != nil || !found {
		return nil, err
	}
	ps := &productStock{b: b}
	if ps.books, err = tx.StockLevel(b.LocalID, s.conn.WarehouseID); err != nil {
		return nil, err
	}
	rows, err := tx.Query(`SELECT key, delta, store_at, posted, applied FROM sync_stock_events INDEXED BY sync_stock_events_product WHERE connection_id = ? AND product_id = ?
		AND (applied = 0 OR posted = 0) ORDER BY store_at, key`, s.conn.ID, b.LocalID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var ev stockEvent
		var delta, at string
		var posted, applied bool
		if err := rows.Scan(&ev.key, &delta, &at, &posted, &applied); err != nil {
			return nil, err
		}
		if ev.delta, err = decimal.NewFromString(delta); err != nil {
			return nil, err
		}
		ev.at = parseTime(at)
		if !posted {
			ps.holding = ps.holding.Sub(ev.delta)
		}
		if !applied {
			ps.events = append(ps.events, ev)
		}
	}
	return ps, rows.Err()
}

// sum adds the events at or before t (before) or after it.
func sumEvents(evs []stockEvent, t time.Time, before bool) decimal.Decimal {
	total := decimal.Zero
	for _, e := range evs {
		if before == !e.at.After(t) {
			total = total.Add(e.delta)
		}
	}
	return total
}

// stockNeedsSettling tells whether a product the store did not report this run still has
// something to settle: store documents not yet applied, or books whose quantity (less what open
// store orders hold) is no longer what the store was last left with.
func stockNeedsSettling(storeQty sql.NullString, books string, unapplied bool, unposted string) (bool, error) {
	if !storeQty.Valid {
		return false, nil // never counted in the store: only a store read can start it
	}
	if unapplied {
		return true, nil
	}
	last, err := decimal.NewFromString(storeQty.String)
	if err != nil {
		return false, err
	}
	target, err := decimal.NewFromString(books)
	if err != nil {
		return false, err
	}
	for _, d := range strings.Fields(unposted) {
		delta, err := decimal.NewFromString(d)
		if err != nil {
			return false, err
		}
		target = target.Add(delta) // an unposted sale (negative delta) holds stock
	}
	if target.IsNegative() {
		target = decimal.Zero
	}
	return !target.Equal(last), nil
}

// settleOne reconciles one product in a transaction of its own and returns the store change to
// make, recorded as pending so a crash before it is confirmed is noticed.
func (s *syncer) settleOne(externalID string) (*StockChange, error) {
	var change *StockChange
	err := s.update(func(tx *storage.Tx) error {
		ps, err := s.loadStock(tx, externalID)
		if err != nil || ps == nil {
			return err
		}
		b := ps.b
		if !b.storeSnapshot().Tracked {
			return nil
		}
		p, err := tx.Product(b.LocalID)
		if err != nil {
			return err
		}
		read, hasRead := s.reads[externalID]
		owner := s.conn.Owner(FieldQuantity)
		books := ps.books
		adjust := func(delta decimal.Decimal, why Phrase) error {
			if delta.IsZero() {
				return nil
			}
			if err := tx.AdjustFrom(s.conn.ID, p.ID, s.conn.WarehouseID, delta, why.English(), noteWords(why)); err != nil {
				return err
			}
			books = books.Add(delta)
			s.run.count(func(c *Counts) { c.Adjustments++ })
			return s.run.add(tx, LogEntry{Level: Info, Kind: "stock", StoreRef: p.Code, ExternalID: externalID, DocType: "product", DocID: p.ID,
				Say: say("stock.adjusted", p.Code, why, ps.books, books, s.warehouseName(tx))})
		}
		var cur decimal.Decimal
		pushOK := owner != OwnerStore
		switch {
		case b.StoreQty == nil:
			if !hasRead {
				return nil // the store reported no quantity for it yet
			}
			cur = read.qty.Add(sumEvents(ps.events, read.readAt, false))
			if b.Origin == "store" || owner == OwnerStore {
				want := cur.Add(ps.holding)
				if err := adjust(want.Sub(books), say("stock.opening")); err != nil {
					return err
				}
			}
			b.BaselineAt = read.readAt
		case hasRead && s.resync[externalID]:
			// A stock change of an interrupted run may or may not have landed: trust the store's count.
			cur = read.qty.Add(sumEvents(ps.events, read.readAt, false))
		default:
			expected := *b.StoreQty
			base := expected.Add(sumEvents(ps.events, read.readAt, true))
			if !hasRead {
				base = expected.Add(sumEvents(ps.events, maxTime, true))
			} else if !read.qty.Equal(base) {
				handEdit := read.qty.Sub(base)
				if owner == OwnerBooks {
					if err := s.run.add(tx, LogEntry{Level: Warning, Kind: "stock", StoreRef: p.Code, ExternalID: externalID,
						DocType: "product", DocID: p.ID, Say: say("stock.set_back", p.Code, base, read.qty)}); err != nil {
						return err
					}
				} else if err := adjust(handEdit, say("stock.hand_edit", base, read.qty)); err != nil {
					return err
				}
				base = read.qty
			}
			cur = base
			if hasRead {
				cur = base.Add(sumEvents(ps.events, read.readAt, false))
			}
		}
		target := books.Sub(ps.holding)
		if target.IsNegative() {
			target = decimal.Zero
		}
		delta := target.Sub(cur)
		if !pushOK {
			delta = decimal.Zero
		}
		b.StoreQty = &cur
		if err := saveBinding(tx, s.conn.ID, b); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE sync_stock_events INDEXED BY sync_stock_events_product SET applied = 1 WHERE connection_id = ? AND product_id = ? AND applied = 0`,
			s.conn.ID, b.LocalID); err != nil {
			return err
		}
		if delta.IsZero() {
			return nil
		}
		change = &StockChange{ExternalID: externalID, StockRef: b.StockRef, Expected: cur, Delta: delta,
			Key: fmt.Sprintf("mizan-%d-%d-%s", s.conn.ID, s.run.sum.ID, p.Code), Reason: "Mizan: books quantity"}
		_, err = tx.Exec(`INSERT INTO sync_pushes(connection_id, key, product_id, external_id, stock_ref, expected, delta, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, s.conn.ID, change.Key, p.ID, externalID, b.StockRef, cur.String(), delta.String(), fmtTime(tx.Now()))
		return err
	})
	return change, err
}

func (s *syncer) warehouseName(tx *storage.Tx) string {
	w, err := tx.Warehouse(s.conn.WarehouseID)
	if err != nil {
		return "the default warehouse"
	}
	return w.Name
}

// sendPushes sends the pending store changes in batches and confirms each.
func (s *syncer) sendPushes(changes []StockChange) error {
	const batch = 50
	for start := 0; start < len(changes); start += batch {
		part := changes[start:min(start+batch, len(changes))]
		results, err := s.store.AdjustStock(s.ctx, part)
		if err != nil {
			if fatal(err) {
				return err
			}
			for _, c := range part {
				s.itemErr("stock", c.ExternalID, c.ExternalID, sayErr("stock.push_failed", c.ExternalID, err))
			}
			continue
		}
		got := map[string]StockResult{}
		for _, r := range results {
			got[r.ExternalID] = r
		}
		for _, c := range part {
			if err := s.confirmPush(c, got[c.ExternalID]); err != nil {
				return err
			}
		}
		s.progress("push stock", start+len(part), len(changes))
	}
	return nil
}

func (s *syncer) confirmPush(c StockChange, r StockResult) error {
	return s.update(func(tx *storage.Tx) error {
		b, found, err := findBinding(tx, s.conn.ID, "product", c.ExternalID)
		if err != nil || !found {
			return err
		}
		after := c.Expected.Add(c.Delta)
		b.StoreQty = &after
		if err := saveBinding(tx, s.conn.ID, b); err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM sync_pushes WHERE connection_id = ? AND key = ?`, s.conn.ID, c.Key); err != nil {
			return err
		}
		p, err := tx.Product(b.LocalID)
		if err != nil {
			return err
		}
		msg := say("stock.pushed", p.Code, c.Expected, after, signed(c.Delta))
		if r.Reread > 0 {
			msg = say("stock.pushed_reread", p.Code, c.Expected, after, signed(c.Delta), r.Reread)
		}
		s.run.count(func(cn *Counts) { cn.StockPushed++ })
		return s.run.add(tx, LogEntry{Level: Info, Kind: "stock", Say: msg, StoreRef: p.Code, ExternalID: c.ExternalID,
			DocType: "product", DocID: p.ID})
	})
}

func signed(d decimal.Decimal) string {
	if d.IsPositive() {
		return "+" + d.String()
	}
	return d.String()
}

// finishPendingPushes deals with store changes an interrupted run sent without confirming: whether
// they landed is unknown, so those products are settled this run from a fresh store count.
func (s *syncer) finishPendingPushes() error {
	s.resync = map[string]bool{}
	return s.update(func(tx *storage.Tx) error {
		rows, err := tx.Query(`SELECT external_id FROM sync_pushes WHERE connection_id = ?`, s.conn.ID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			s.resync[id] = true
		}
		rows.Close()
		if len(s.resync) == 0 {
			return nil
		}
		if _, err := tx.Exec(`DELETE FROM sync_pushes WHERE connection_id = ?`, s.conn.ID); err != nil {
			return err
		}
		return s.run.add(tx, LogEntry{Level: Warning, Kind: "stock", Say: say("stock.interrupted", len(s.resync))})
	})
}
