package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Tx is one transaction on the books. Operations on a Tx become visible together when the
// function given to Update returns nil, and not at all otherwise.
type Tx struct {
	ctx context.Context
	tx  *sql.Tx
	db  *DB
	now time.Time
	// stmts are this transaction's handles on the books' prepared statements, made once per
	// transaction (a page of orders runs the same few statements hundreds of times).
	stmts map[string]txStmt
	// memo holds what the transaction read once and may read again (see Memo), and memoTables the
	// tables it was read from.
	memo       map[any]memoEntry
	memoTables map[string]bool
	// stock are the stock levels the transaction knows (see StockLevel).
	stock map[stockKey]decimal.Decimal
	// levels are the savepoints open (see atomic), innermost last; the last uncovered of them
	// have had nothing written since they began, and have no SQL savepoint yet.
	levels    []level
	uncovered int
	// searchIDs are the invoices this transaction wrote, whose search entries it writes when it
	// commits (see writeSearch).
	searchIDs []int64
	// seqs are the document counters the transaction has read and advanced, written when it
	// commits, and seqTaken the numbers it gave, in order (see nextSeq).
	seqs     map[seqKey]seqCount
	seqTaken []seqTaken
}

// Update runs fn in one write transaction. Several operations (an invoice, its store binding and
// its log entry, say) commit together or not at all.
func (d *DB) Update(ctx context.Context, fn func(*Tx) error) error {
	return d.inTx(ctx, func(stx *sql.Tx) error {
		t := &Tx{ctx: ctx, tx: stx, db: d, now: d.now()}
		if err := fn(t); err != nil {
			return err
		}
		if err := t.writeNumbers(); err != nil {
			return err
		}
		return t.writeSearch()
	})
}

// Context is the context the transaction runs under.
func (t *Tx) Context() context.Context { return t.ctx }

// Now is the transaction's clock reading, the same for every row it writes.
func (t *Tx) Now() time.Time { return t.now }

// Exec runs a statement in the transaction (for packages that keep their own tables in the books).
// Statements are prepared once per connection and reused.
func (t *Tx) Exec(query string, args ...any) (sql.Result, error) {
	st, err := t.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(t.ctx, args...)
}

// QueryRow runs a single-row query in the transaction.
func (t *Tx) QueryRow(query string, args ...any) *sql.Row {
	st, err := t.stmt(query)
	if err != nil {
		return t.tx.QueryRowContext(t.ctx, query, args...) // reports the same error through Scan
	}
	return st.QueryRowContext(t.ctx, args...)
}

// Query runs a query in the transaction.
func (t *Tx) Query(query string, args ...any) (*sql.Rows, error) {
	st, err := t.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(t.ctx, args...)
}

// txStmt is a transaction's handle on a prepared statement, with what the statement writes.
type txStmt struct {
	st    *sql.Stmt
	w     writes
	added string // "+table" when the statement may add rows to table (see Memo)
}

// stmt gives the transaction's handle on the books' prepared statement for query. A statement
// that may change what the transaction's memo holds makes it forget that first.
func (t *Tx) stmt(query string) (*sql.Stmt, error) {
	ts, ok := t.stmts[query]
	if !ok {
		t.db.stmtMu.Lock()
		st, ok := t.db.stmts[query]
		t.db.stmtMu.Unlock()
		if !ok {
			var err error
			if st, err = t.db.sql.PrepareContext(t.ctx, query); err != nil {
				return nil, err
			}
			t.db.stmtMu.Lock()
			if prev, ok := t.db.stmts[query]; ok {
				st.Close()
				st = prev
			} else {
				t.db.stmts[query] = st
			}
			t.db.stmtMu.Unlock()
		}
		if t.stmts == nil {
			t.stmts = map[string]txStmt{}
		}
		ts = txStmt{st: t.tx.StmtContext(t.ctx, st), w: writesOf(query)}
		if ts.w.adds {
			ts.added = "+" + ts.w.table
		}
		t.stmts[query] = ts
	}
	if ts.w.write && t.uncovered > 0 {
		if err := t.cover(); err != nil {
			return nil, err
		}
	}
	if len(t.stock) > 0 && ts.w.write && (ts.w.table == "stock_levels" || ts.w.table == "") {
		clear(t.stock)
	}
	if len(t.memo) > 0 {
		if ts.w.changes {
			t.forget(ts.w.table)
		}
		if ts.w.adds {
			t.forget(ts.added)
		}
	}
	return ts.st, nil
}

// writes is what a statement may write, as far as the transaction's memo is concerned.
type writes struct {
	// table is the one table the statement writes; "" with changes set means any table.
	table string
	// changes: the statement may change or delete rows that exist, not only add new ones.
	changes bool
	// adds: the statement may add rows to table, or change them (it is not a DELETE).
	adds bool
	// write: the statement may write (it is not a read, nor a savepoint's own statement).
	write bool
}

var (
	// writeStatement reads the table an INSERT, REPLACE, UPDATE or DELETE writes.
	writeStatement = regexp.MustCompile(`(?is)^(INSERT|REPLACE|UPDATE|DELETE)\s+(?:OR\s+[A-Z]+\s+)?(?:INTO\s+|FROM\s+)?(?:[A-Z_][A-Z0-9_]*\.)?([A-Z_][A-Z0-9_]*)\b`)
	// upsert: an INSERT that may replace or update a row that exists.
	upsert = regexp.MustCompile(`(?is)\bOR\s+REPLACE\b|\bDO\s+UPDATE\b`)
	// writeWord: a statement of another kind (WITH …) that writes.
	writeWord = regexp.MustCompile(`(?i)\b(INSERT|REPLACE|UPDATE|DELETE)\b`)
)

// cascadeParents are the tables whose rows other tables' rows are deleted with (ON DELETE
// CASCADE): a statement that changes them may change those too, and makes the memo forget all.
var cascadeParents = map[string]bool{"connections": true, "sync_runs": true}

// writesOf says what query may write. Reads, savepoints and their release write nothing; an
// INSERT that cannot replace a row only adds; anything else not understood may write anything.
func writesOf(query string) writes {
	q := strings.TrimSpace(query)
	first, _, _ := strings.Cut(q, " ")
	switch strings.ToUpper(strings.TrimSpace(first)) {
	case "SELECT", "SAVEPOINT", "RELEASE":
		return writes{}
	case "ROLLBACK":
		return writes{changes: true}
	case "WITH":
		if !writeWord.MatchString(q) {
			return writes{}
		}
		return writes{changes: true, write: true}
	}
	m := writeStatement.FindStringSubmatch(q)
	if m == nil {
		return writes{changes: true, write: true}
	}
	table := strings.ToLower(m[2])
	if cascadeParents[table] || table == "into" || table == "from" { // the last two: a quoted name
		return writes{changes: true, write: true}
	}
	switch strings.ToUpper(m[1]) {
	case "INSERT":
		return writes{table: table, changes: upsert.MatchString(q), adds: true, write: true}
	case "DELETE":
		return writes{table: table, changes: true, write: true}
	default:
		return writes{table: table, changes: true, adds: true, write: true}
	}
}

// Memo gives what read gives for key, reading it once per transaction: a page of orders reads
// the same branch, warehouse, accounts and bindings for most of its orders. What read found is
// kept until the transaction writes to one of tables (the tables it is read from) other than by
// adding rows, or undoes a savepoint; so what Memo gives is always what read would give. What
// read did not find (found false) or failed to read is not kept. Nothing is kept from one
// transaction to the next. Keys of different kinds must be of different types.
//
// A table named with a leading "+" ("+sync_retries") is one read for what it lacks (that it holds
// no rows of some kind, say): what is kept is forgotten when a statement may add rows to it or
// change them, and kept when rows are deleted.
func Memo[T any](t *Tx, key any, read func() (T, bool, error), tables ...string) (T, bool, error) {
	if e, ok := t.memo[key]; ok {
		return e.v.(T), true, nil
	}
	v, found, err := read()
	if err == nil && found {
		t.remember(key, v, tables...)
	}
	return v, found, err
}

// memoEntry is a value the transaction read, and the tables it read it from.
type memoEntry struct {
	v      any
	tables []string
}

// remember keeps v for key (see Memo).
func (t *Tx) remember(key, v any, tables ...string) {
	if t.memo == nil {
		t.memo, t.memoTables = map[any]memoEntry{}, map[string]bool{}
	}
	t.memo[key] = memoEntry{v: v, tables: tables}
	for _, tb := range tables {
		t.memoTables[tb] = true
	}
}

// forget drops what the memo read from table ("": from any table).
func (t *Tx) forget(table string) {
	if table == "" {
		clear(t.memo)
		clear(t.memoTables)
		clear(t.stock)
		return
	}
	if !t.memoTables[table] {
		return
	}
	for k, e := range t.memo {
		for _, tb := range e.tables {
			if tb == table {
				delete(t.memo, k)
				break
			}
		}
	}
	delete(t.memoTables, table)
}

// ValidationError is bad input refused by an operation; its message is meant for the user. A
// refusal worded by a sentence of the catalogue (refusals) names it by Code, with the words that
// fill its places in Args, so a window can say it in its own language.
type ValidationError struct {
	Msg    string
	Code   string
	Args   []string
	Nested []*ValidationError // the refusal that fills a place of Args, for a sentence that wraps one (nil elsewhere)
}

func (e *ValidationError) Error() string { return e.Msg }

func invalid(format string, args ...any) error {
	return &ValidationError{Msg: fmt.Sprintf(format, args...)}
}

// IsValidation reports whether err is bad input rather than a failure of the books.
func IsValidation(err error) bool {
	var v *ValidationError
	return errors.As(err, &v)
}

// ErrNotFound is returned when a looked-up record does not exist.
var ErrNotFound = errors.New("not found")

// dec is a decimal stored as canonical text; it scans from TEXT, INTEGER or REAL columns.
type dec struct{ d *decimal.Decimal }

func (s dec) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*s.d = decimal.Zero
		return nil
	case string:
		return s.parse(x)
	case []byte:
		return s.parse(string(x))
	case int64:
		*s.d = decimal.NewFromInt(x)
		return nil
	default:
		return fmt.Errorf("decimal column holds %T", v)
	}
}

func (s dec) parse(x string) error {
	d, err := decimal.NewFromString(x)
	if err != nil {
		return fmt.Errorf("decimal column: %w", err)
	}
	*s.d = d
	return nil
}

func decStr(d decimal.Decimal) string { return d.String() }

// timeCol scans a stored timestamp.
type timeCol struct{ t *time.Time }

func (s timeCol) Scan(v any) error {
	var str string
	switch x := v.(type) {
	case nil:
		*s.t = time.Time{}
		return nil
	case string:
		str = x
	case []byte:
		str = string(x)
	default:
		return fmt.Errorf("time column holds %T", v)
	}
	t, err := parseTime(str)
	if err != nil {
		return err
	}
	*s.t = t
	return nil
}

func isUniqueViolation(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

func nullIfZero(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// atomic runs one operation inside a savepoint, so that an operation refused half-way (a
// requisition found short of stock after its first line, say) leaves nothing behind even when
// the caller goes on to commit the rest of its transaction.
//
// The SQL savepoint is made when the operation first writes (an operation that writes nothing
// has nothing to undo), and operations nested with nothing written between their beginnings
// share one: undoing the savepoint undoes exactly what the innermost of them wrote, as nothing
// was written between their beginnings. A page of orders so makes one savepoint where an order
// and the invoice it issues first made two.
func (t *Tx) atomic(fn func() error) error {
	t.levels = append(t.levels, uncovered)
	t.uncovered++
	taken := len(t.seqTaken)
	err := fn()
	top := t.levels[len(t.levels)-1]
	t.levels = t.levels[:len(t.levels)-1]
	if top == uncovered {
		t.uncovered--
	}
	// Savepoints nest by name: ROLLBACK TO and RELEASE act on the innermost one called "op",
	// which is this level's own or the one it shares with the levels around it.
	if err != nil {
		t.forget("") // what it read may have been written inside the savepoint
		t.giveNumbersBack(taken)
		if top == uncovered {
			return err // it wrote nothing
		}
		if _, rbErr := t.Exec("ROLLBACK TO op"); rbErr != nil {
			return errors.Join(err, fmt.Errorf("undo refused operation: %w", rbErr))
		}
		if top == owns {
			t.Exec("RELEASE op")
		}
		return err
	}
	if top == owns {
		_, err = t.Exec("RELEASE op")
	}
	return err
}

// level is an open savepoint's state (see atomic).
type level uint8

const (
	uncovered level = iota // nothing written since it began: no SQL savepoint yet
	owns                   // it made the SQL savepoint
	shares                 // it undoes to the savepoint of a level around it
)

// cover makes the SQL savepoint for the levels that have none, before a statement that may
// write: the outermost of them owns it, and the others, which began after it with nothing
// written in between, share it.
func (t *Tx) cover() error {
	n := t.uncovered
	t.uncovered = 0 // before the statement, which is not a write
	if _, err := t.Exec("SAVEPOINT op"); err != nil {
		t.uncovered = n
		return err
	}
	first := len(t.levels) - n
	t.levels[first] = owns
	for i := first + 1; i < len(t.levels); i++ {
		t.levels[i] = shares
	}
	return nil
}

// Savepoint runs fn as one unit inside the transaction: when fn returns an error, everything it
// wrote is undone and the error returned, and the transaction goes on (the caller may still
// commit what was written before and after). A page of orders posted in one transaction gives
// each order's documents a savepoint, so that an order the books refuse takes nothing else with it.
func (t *Tx) Savepoint(fn func() error) error { return t.atomic(fn) }

func atomicOp[T any](t *Tx, fn func() (T, error)) (T, error) {
	var out T
	err := t.atomic(func() (err error) {
		out, err = fn()
		return err
	})
	return out, err
}
