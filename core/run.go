package core

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"mizan/storage"
)

// Counts are what a run did.
type Counts struct {
	ProductsCreated int `json:"products_created"` // local products made from store products
	ProductsLinked  int `json:"products_linked"`  // existing local products bound to store products
	ProductsUpdated int `json:"products_updated"` // local products changed from the store
	StoreCreated    int `json:"store_created"`    // store products made from local products
	StoreUpdated    int `json:"store_updated"`    // store products changed from the books
	Invoices        int `json:"invoices"`
	Returns         int `json:"returns"`
	Clients         int `json:"clients"` // clients created
	Adjustments     int `json:"adjustments"`
	StockPushed     int `json:"stock_pushed"`
	OrdersSeen      int `json:"orders_seen"`
	Warnings        int `json:"warnings"`
	Errors          int `json:"errors"`
}

// Outcome is how a run ended.
type Outcome string

// Outcomes.
const (
	OutcomeRunning   Outcome = "running"
	OutcomeOK        Outcome = "ok"
	OutcomeWarnings  Outcome = "warnings" // done, with warnings
	OutcomeErrors    Outcome = "errors"   // done, but some items failed and will be retried
	OutcomeFailed    Outcome = "failed"   // stopped: the store could not be used
	OutcomeCancelled Outcome = "cancelled"
	// OutcomeInterrupted: the process running it ended (killed, crashed, power cut) before it could
	// record how it ended; storage.Open marks such runs when it next opens the books.
	OutcomeInterrupted Outcome = "interrupted"
)

// RunSummary is a finished (or running) sync run.
type RunSummary struct {
	ID           int64
	ConnectionID int64
	Connection   string
	Trigger      Trigger
	StartedAt    time.Time
	EndedAt      time.Time
	Outcome      Outcome
	Message      string // in English
	// Say is why a run stopped (a failed or cancelled run) in words a window translates, when the
	// engine worded it; else empty.
	Say    Phrase
	Counts Counts
}

// Level grades a log entry.
type Level string

// Levels.
const (
	Info    Level = "info"
	Warning Level = "warning"
	Error   Level = "error"
)

// LogEntry is one line of a run's log, about one item.
type LogEntry struct {
	ID           int64
	RunID        int64
	ConnectionID int64
	At           time.Time
	Level        Level
	Kind         string // one of LogKinds
	Message      string // in English
	// Say is the message in words a window translates (Code empty on rows written before them).
	Say        Phrase
	StoreRef   string // what the merchant sees in the store: "#1001", a SKU
	ExternalID string // the store object's id (for Retry)
	DocType    string // local document: sales_invoice, return_invoice, product, client, requisition, adjustment
	DocID      int64
}

type runLog struct {
	e    *Engine
	conn Connection
	sum  RunSummary

	mu sync.Mutex
}

func (e *Engine) startRun(ctx context.Context, c Connection, trigger Trigger) (*runLog, error) {
	r := &runLog{e: e, conn: c, sum: RunSummary{ConnectionID: c.ID, Connection: c.Name, Trigger: trigger,
		StartedAt: e.now().UTC(), Outcome: OutcomeRunning}}
	err := e.db.Update(ctx, func(tx *storage.Tx) error {
		res, err := tx.Exec(`INSERT INTO sync_runs(connection_id, trigger, started_at) VALUES (?, ?, ?)`,
			c.ID, string(trigger), fmtTime(r.sum.StartedAt))
		if err != nil {
			return err
		}
		r.sum.ID, _ = res.LastInsertId()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("record sync run: %w", err)
	}
	return r, nil
}

// add records an entry in the caller's transaction, so it commits with the document it speaks of.
func (r *runLog) add(tx *storage.Tx, en LogEntry) error {
	r.mu.Lock()
	switch en.Level {
	case Warning:
		r.sum.Counts.Warnings++
	case Error:
		r.sum.Counts.Errors++
	}
	r.mu.Unlock()
	if en.Message == "" {
		en.Message = en.Say.English()
	}
	args := ""
	if len(en.Say.Args) > 0 {
		args = mustJSON(en.Say.Args)
	}
	_, err := tx.Exec(`INSERT INTO sync_log(run_id, connection_id, at, level, kind, message, code, args, store_ref, external_id, doc_type, doc_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.sum.ID, r.conn.ID, fmtTime(r.e.now()), string(en.Level), en.Kind,
		en.Message, en.Say.Code, args, en.StoreRef, en.ExternalID, en.DocType, en.DocID)
	if err != nil {
		return fmt.Errorf("write sync log: %w", err)
	}
	return nil
}

// note records an entry in a transaction of its own (for failures, whose documents were not
// written). It uses a fresh context so a cancelled run can still say why it stopped.
func (r *runLog) note(en LogEntry) {
	err := r.e.db.Update(context.Background(), func(tx *storage.Tx) error { return r.add(tx, en) })
	if err != nil {
		r.e.log.Error("cannot write the sync log", "err", err)
	}
}

// counts and setCounts read and put back the run's counts (a page of orders undone takes what
// it counted with it).
func (r *runLog) counts() Counts {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sum.Counts
}

func (r *runLog) setCounts(c Counts) {
	r.mu.Lock()
	r.sum.Counts = c
	r.mu.Unlock()
}

func (r *runLog) count(f func(*Counts)) {
	r.mu.Lock()
	f(&r.sum.Counts)
	r.mu.Unlock()
}

func (r *runLog) finish(runErr error) (RunSummary, error) {
	r.mu.Lock()
	sum := r.sum
	r.mu.Unlock()
	sum.EndedAt = r.e.now().UTC()
	switch {
	case errors.Is(runErr, context.Canceled):
		sum.Outcome, sum.Message = OutcomeCancelled, "cancelled"
	case runErr != nil:
		sum.Outcome, sum.Message = OutcomeFailed, runErr.Error()
	case sum.Counts.Errors > 0:
		sum.Outcome = OutcomeErrors
	case sum.Counts.Warnings > 0:
		sum.Outcome = OutcomeWarnings
	default:
		sum.Outcome = OutcomeOK
	}
	if sum.Message == "" {
		sum.Message = sum.Counts.String()
	}
	ctx := context.Background()
	err := r.e.db.Update(ctx, func(tx *storage.Tx) error {
		if runErr != nil {
			level := Error
			if sum.Outcome == OutcomeCancelled {
				level = Warning
			}
			why := errPhrase(runErr)
			if sum.Outcome == OutcomeCancelled {
				why = say("run.cancelled")
			}
			if err := r.add(tx, LogEntry{Level: level, Kind: "run", Say: say("run.stopped", why)}); err != nil {
				return err
			}
			r.mu.Lock()
			sum.Counts = r.sum.Counts
			r.mu.Unlock()
		}
		_, err := tx.Exec(`UPDATE sync_runs SET ended_at = ?, outcome = ?, message = ?, counts = ? WHERE id = ?`,
			fmtTime(sum.EndedAt), string(sum.Outcome), sum.Message, mustJSON(sum.Counts), sum.ID)
		return err
	})
	if err != nil {
		return sum, fmt.Errorf("record end of sync run: %w", err)
	}
	return sum, runErr
}

// String summarises counts for a person.
func (c Counts) String() string {
	var parts []string
	add := func(n int, one, many string) {
		if n == 1 {
			parts = append(parts, "1 "+one)
		} else if n > 1 {
			parts = append(parts, fmt.Sprintf("%d %s", n, many))
		}
	}
	add(c.Invoices, "invoice", "invoices")
	add(c.Returns, "return invoice", "return invoices")
	add(c.ProductsCreated, "product imported", "products imported")
	add(c.ProductsLinked, "product linked", "products linked")
	add(c.ProductsUpdated, "product updated from the store", "products updated from the store")
	add(c.StoreCreated, "product created in the store", "products created in the store")
	add(c.StoreUpdated, "store product updated", "store products updated")
	add(c.Clients, "client created", "clients created")
	add(c.Adjustments, "stock adjustment", "stock adjustments")
	add(c.StockPushed, "stock level pushed", "stock levels pushed")
	add(c.Warnings, "warning", "warnings")
	add(c.Errors, "error", "errors")
	if len(parts) == 0 {
		return "nothing new"
	}
	return strings.Join(parts, ", ")
}

// Runs lists a connection's runs (all connections when connID is 0), newest first.
func (e *Engine) Runs(ctx context.Context, connID int64, limit int) ([]RunSummary, error) {
	if limit <= 0 {
		limit = 100
	}
	var out []RunSummary
	err := e.db.View(ctx, func(tx *storage.Tx) error {
		// Why a run stopped is the argument of its last "sync stopped" entry.
		rows, err := tx.Query(`SELECT r.id, r.connection_id, c.name, r.trigger, r.started_at, COALESCE(r.ended_at, ''), r.outcome,
			r.message, r.counts, COALESCE((SELECT l.args FROM sync_log l WHERE l.run_id = r.id AND l.kind = 'run' AND l.code = 'run.stopped'
			ORDER BY l.id DESC LIMIT 1), '') FROM sync_runs r JOIN connections c ON c.id = r.connection_id
			WHERE ? = 0 OR r.connection_id = ? ORDER BY r.id DESC LIMIT ?`, connID, connID, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var s RunSummary
			var trig, started, ended, outcome, counts, stopped string
			if err := rows.Scan(&s.ID, &s.ConnectionID, &s.Connection, &trig, &started, &ended, &outcome, &s.Message, &counts, &stopped); err != nil {
				return err
			}
			var why []Phrase
			if stopped != "" && json.Unmarshal([]byte(stopped), &why) == nil && len(why) == 1 {
				s.Say = why[0]
			}
			s.Trigger, s.Outcome = Trigger(trig), Outcome(outcome)
			s.StartedAt, s.EndedAt = parseTime(started), parseTime(ended)
			if err := json.Unmarshal([]byte(counts), &s.Counts); err != nil {
				return err
			}
			out = append(out, s)
		}
		return rows.Err()
	})
	return out, err
}

// LogFilter selects log entries.
type LogFilter struct {
	RunID        int64
	ConnectionID int64
	Level        Level  // only this level
	Search       string // part of the message or store reference
	// Reading, when set, is how the log is read (a window in its language): Search then finds
	// the text read there, in the message, kind, level or store reference, letters folded as
	// FoldText does. Without it Search finds the English message or the store reference.
	Reading *LogReading
	Limit   int // at most this many entries (10,000 when not set)
}

// Log lists log entries, oldest first within a run, newest runs first.
func (e *Engine) Log(ctx context.Context, f LogFilter) ([]LogEntry, error) {
	if f.Limit <= 0 {
		f.Limit = 10000
	}
	if f.Reading != nil && FoldText(strings.TrimSpace(f.Search)) != "" {
		return e.searchLog(ctx, f)
	}
	like := "%" + f.Search + "%"
	var out []LogEntry
	err := e.db.View(ctx, func(tx *storage.Tx) error {
		rows, err := tx.Query(`SELECT `+logColumns+`
			FROM sync_log WHERE (? = 0 OR run_id = ?) AND (? = 0 OR connection_id = ?) AND (? = '' OR level = ?)
			AND (? = '' OR message LIKE ? OR store_ref LIKE ?) ORDER BY run_id DESC, id LIMIT ?`,
			f.RunID, f.RunID, f.ConnectionID, f.ConnectionID, string(f.Level), string(f.Level), f.Search, like, like, f.Limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			en, err := scanLogEntry(rows)
			if err != nil {
				return err
			}
			out = append(out, en)
		}
		return rows.Err()
	})
	return out, err
}
