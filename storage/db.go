// Package storage keeps Mizan's books in one embedded SQLite database: the catalogue, the stock
// ledger, clients, and sales and return invoices, with the operations that post to them. Every
// operation runs in a single transaction, so a failure leaves nothing behind.
package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// FileName is the name of the database file inside the data directory.
const FileName = "mizan.db"

//go:embed migrations/*.sql
var migrationFiles embed.FS

// DB is an open set of books. It is safe for concurrent use.
type DB struct {
	sql  *sql.DB
	dir  string
	lock *dirLock
	now  func() time.Time
	// readOnly: opened with Options.ReadOnly on existing books (no lock, no writes).
	readOnly bool

	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt

	schemaVersion int // Options.schemaVersion
}

// Options tune Open. The zero value is what the app uses.
type Options struct {
	// Now returns the current time; tests pin it. Defaults to time.Now.
	Now func() time.Time
	// NoSeed skips seeding the first branch, warehouse and client.
	NoSeed bool
	// Names names the first branch, warehouse and client of new books (in the language of the
	// first run, see DefaultNames); books that have them keep theirs. Empty names are English.
	Names FirstNames
	// ReadOnly opens books that exist for reading only (SQLite's mode=ro) and without the data
	// directory's lock, so commands that only read work beside a running Mizan and in a directory
	// they may not write to. Books that do not exist yet, or that this Mizan must migrate first,
	// are opened as without it (locked and writable), since that needs writing; so are books
	// with sync runs a session that is gone left marked running, when the lock is free and the
	// directory writable, to mark them interrupted.
	ReadOnly bool
	// keepStale: a read-only open leaves runs marked running as they are.
	keepStale bool
	// schemaVersion: tests open books as an older Mizan wrote them, migrated this far (0: all).
	schemaVersion int
}

// ErrLocked is returned by Open when another Mizan process holds the data directory.
var ErrLocked = errors.New("this data directory is already open by another Mizan")

// ErrDamaged is matched (errors.Is) by the error Open returns when the books' file is damaged:
// SQLite's check found a fault, it is not a database, or it is empty.
var ErrDamaged = errors.New("the books are damaged")

// DamagedError says what is wrong with a damaged books file, and what to do about it.
type DamagedError struct {
	Path     string
	Problems []string // what SQLite's check found, or why the file is not usable
	Empty    bool     // the file has no bytes at all
}

func (e *DamagedError) Error() string {
	if e.Empty {
		return e.Summary() + ": it was cut short or overwritten, so it is not opened as new books. " +
			"Nothing was changed. Restore mizan.db from your latest backup; to start with new, empty books instead, move the empty file away"
	}
	return e.Summary() + ". Nothing was changed. Keep a copy of it (with mizan.db-wal beside it, if there is one), " +
		"then restore mizan.db from your latest backup; `mizan check` lists every problem it finds"
}

// Summary says what is wrong, without the advice Error adds.
func (e *DamagedError) Summary() string {
	if e.Empty {
		return fmt.Sprintf("the books file %s is empty (0 bytes)", e.Path)
	}
	problems := e.Problems
	more := ""
	if len(problems) > 3 {
		problems, more = problems[:3], fmt.Sprintf(" (and %d more)", len(e.Problems)-3)
	}
	return fmt.Sprintf("the books file %s is damaged: %s%s", e.Path, strings.Join(problems, "; "), more)
}

// Is makes errors.Is(err, ErrDamaged) true.
func (e *DamagedError) Is(target error) bool { return target == ErrDamaged }

// sqliteCode is SQLite's primary result code for err, or 0.
func sqliteCode(err error) int {
	var se interface{ Code() int }
	if errors.As(err, &se) {
		return se.Code() & 0xff
	}
	return 0
}

// SQLite's primary result codes that mean the file itself is at fault.
const (
	sqliteCorrupt  = 11 // SQLITE_CORRUPT: database disk image is malformed
	sqliteReadOnly = 8  // SQLITE_READONLY (such as SQLITE_READONLY_DIRECTORY: no -shm can be made)
	sqliteCantOpen = 14 // SQLITE_CANTOPEN
	sqliteNotADB   = 26 // SQLITE_NOTADB: file is not a database
)

// damaged turns an error that means the file is damaged into a *DamagedError; others pass.
func damaged(path string, err error) error {
	if c := sqliteCode(err); c == sqliteCorrupt || c == sqliteNotADB {
		return &DamagedError{Path: path, Problems: []string{err.Error()}}
	}
	return err
}

// Open opens (creating if needed) the books in dir, takes the directory's lock, applies pending
// migrations and, on first run, seeds the default branch, warehouse and client.
func Open(ctx context.Context, dir string, opts Options) (*DB, error) {
	if dir == "" {
		return nil, errors.New("open books: no data directory given")
	}
	path := filepath.Join(dir, FileName)
	if opts.ReadOnly {
		db, err := openReadOnly(ctx, dir, opts)
		if errors.Is(err, errStaleRuns) {
			// Opened with the lock, the runs of a session that is gone are marked interrupted.
			// If another Mizan holds the lock, they are its own and still run; if the
			// directory cannot be written, they stay as they are.
			opts.ReadOnly = false
			if db, err := Open(ctx, dir, opts); err == nil || errors.Is(err, ErrDamaged) {
				return db, err
			}
			opts.ReadOnly, opts.keepStale = true, true
			db, err = openReadOnly(ctx, dir, opts)
		}
		if err == nil || !errors.Is(err, errNeedsWriting) {
			return db, err
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open books: create data directory: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	// A zero-length file is damage (SQLite would take it for new, empty books); no file at all is
	// new books, made whole under another name first so that a crash never leaves an empty one.
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := createBooks(ctx, dir, opts); err != nil {
			lock.release()
			return nil, err
		}
	case err == nil && fi.Size() == 0 && !hasContent(path+"-wal"):
		lock.release()
		return nil, &DamagedError{Path: path, Empty: true}
	}
	db, err := openLocked(ctx, dir, lock, opts)
	if err != nil {
		lock.release()
		return nil, err
	}
	return db, nil
}

// newBooksName is where new books are made before they take their name.
const newBooksName = ".mizan.db.new"

// createBooks makes new books (migrated and seeded) under a temporary name in dir and renames them
// to mizan.db once they are complete and closed. The caller holds the lock.
func createBooks(ctx context.Context, dir string, opts Options) error {
	tmp := filepath.Join(dir, newBooksName)
	clear := func() {
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			os.Remove(tmp + suffix)
		}
	}
	clear() // what a creation that was cut short left
	sqldb, err := sql.Open("sqlite", dsn(tmp))
	if err != nil {
		return fmt.Errorf("create books: %w", err)
	}
	d := &DB{sql: sqldb, dir: dir, now: opts.Now, stmts: map[string]*sql.Stmt{}, schemaVersion: opts.schemaVersion}
	if d.now == nil {
		d.now = time.Now
	}
	err = d.migrate(ctx)
	if err == nil && !opts.NoSeed {
		err = d.seed(ctx, opts.Names)
	}
	if err == nil {
		_, err = sqldb.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err == nil && hasContent(tmp+"-wal") {
		err = errors.New("the new books' write-ahead log was not merged")
	}
	if err == nil {
		os.Remove(tmp + "-wal")
		os.Remove(tmp + "-shm")
		err = os.Rename(tmp, filepath.Join(dir, FileName))
	}
	if err != nil {
		clear()
		return fmt.Errorf("create books in %s: %w", dir, err)
	}
	return nil
}

func hasContent(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Size() > 0
}

func openLocked(ctx context.Context, dir string, lock *dirLock, opts Options) (*DB, error) {
	path := filepath.Join(dir, FileName)
	sqldb, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("open books: %w", err)
	}
	d := &DB{sql: sqldb, dir: dir, lock: lock, now: opts.Now, stmts: map[string]*sql.Stmt{}, schemaVersion: opts.schemaVersion}
	if d.now == nil {
		d.now = time.Now
	}
	fail := func(err error) (*DB, error) {
		sqldb.Close()
		return nil, damaged(path, err)
	}
	if err := sqldb.PingContext(ctx); err != nil {
		return fail(fmt.Errorf("open books %s: %w", path, err))
	}
	// The last session on these books did not close them (killed, crashed, power cut): check the
	// file before anything is written to it.
	if lock.unclean {
		problems, err := d.check(ctx, "quick_check")
		if err != nil && !errors.Is(damaged(path, err), ErrDamaged) {
			err = fmt.Errorf("check books %s: %w", path, err)
		}
		if err != nil {
			return fail(err)
		}
		if len(problems) > 0 {
			return fail(&DamagedError{Path: path, Problems: problems})
		}
	}
	if err := d.migrate(ctx); err != nil {
		return fail(err)
	}
	if err := d.markInterruptedRuns(ctx); err != nil {
		return fail(err)
	}
	if !opts.NoSeed {
		if err := d.seed(ctx, opts.Names); err != nil {
			return fail(err)
		}
	}
	return d, nil
}

// errNeedsWriting: the books cannot be opened read-only as they are (missing, or due a migration).
var errNeedsWriting = errors.New("the books must be opened for writing first")

// errStaleRuns: the books have sync runs marked running, which may be a session's that is gone.
var errStaleRuns = errors.New("the books have sync runs marked running")

// openReadOnly opens existing books for reading, without the directory's lock.
func openReadOnly(ctx context.Context, dir string, opts Options) (*DB, error) {
	path := filepath.Join(dir, FileName)
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, errNeedsWriting
	case err != nil:
		return nil, fmt.Errorf("open books: %w", err)
	case fi.Size() == 0 && !hasContent(path+"-wal"):
		return nil, &DamagedError{Path: path, Empty: true}
	}
	d, err := openReadOnlyFile(ctx, dir, path, opts)
	if err != nil {
		return nil, damaged(path, fmt.Errorf("open books %s read-only: %w", path, err))
	}
	// As a writing open does, check books whose last session did not close them.
	if sessionLeftUnclean(dir) {
		problems, err := d.check(ctx, "quick_check")
		if err == nil && len(problems) > 0 {
			err = &DamagedError{Path: path, Problems: problems}
		}
		if err != nil {
			d.sql.Close()
			return nil, damaged(path, err)
		}
	}
	ms, err := loadMigrations()
	if err != nil {
		d.sql.Close()
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	v, err := d.SchemaVersion(ctx)
	switch {
	case err != nil:
		d.sql.Close()
		return nil, damaged(path, fmt.Errorf("open books %s read-only: %w", path, err))
	case v > len(ms):
		d.sql.Close()
		return nil, fmt.Errorf("the books were written by a newer Mizan (schema version %d, this one knows %d): update Mizan", v, len(ms))
	case v < len(ms):
		d.sql.Close()
		return nil, errNeedsWriting
	}
	if !opts.keepStale {
		var running int
		if err := d.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM sync_runs WHERE outcome = 'running'`).Scan(&running); err != nil {
			d.sql.Close()
			return nil, damaged(path, fmt.Errorf("open books %s read-only: %w", path, err))
		}
		if running > 0 {
			d.sql.Close()
			return nil, errStaleRuns
		}
	}
	return d, nil
}

// openReadOnlyFile opens the books' file for reading. Reading a WAL database needs its -wal and
// -shm files, which SQLite makes when they are missing. A connection opened with mode=ro cannot
// remove them again when it closes (SQLite removes them only after the checkpoint of the last
// connection to close, which a read-only connection cannot write), so books that were closed
// cleanly (no -wal) are read through connections that may write but are held to reading
// (query_only): the last to close, this one or a writer's beside it, checkpoints and removes the
// files as SQLite's locks allow, and the directory is left as it was found. Where they cannot be
// made (a directory it may not write to), everything is in the main file, and it is read as a
// file that does not change.
func openReadOnlyFile(ctx context.Context, dir, path string, opts Options) (*DB, error) {
	if !exists(path + "-wal") {
		d, err := openFile(ctx, dir, dsnReader(path), opts)
		if err == nil {
			// The first read makes the -wal and -shm files, or finds it cannot.
			var n int
			if err = d.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master`).Scan(&n); err == nil {
				return d, nil
			}
			d.sql.Close()
		}
	}
	d, err := openFile(ctx, dir, dsnReadOnly(path, false), opts)
	if c := sqliteCode(err); err != nil && (c == sqliteReadOnly || c == sqliteCantOpen) && !exists(path+"-wal") {
		d, err = openFile(ctx, dir, dsnReadOnly(path, true), opts)
	}
	return d, err
}

func openFile(ctx context.Context, dir, dsn string, opts Options) (*DB, error) {
	sqldb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	d := &DB{sql: sqldb, dir: dir, now: opts.Now, stmts: map[string]*sql.Stmt{}, readOnly: true}
	if d.now == nil {
		d.now = time.Now
	}
	if err := sqldb.PingContext(ctx); err != nil {
		sqldb.Close()
		return nil, err
	}
	return d, nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// logCodesVersion is the migration that gives the sync log's entries their sentence's code.
const logCodesVersion = 11

// markInterruptedRuns ends the sync runs still marked running: the lock is held, so no other
// process is running them, and this one has not started any yet. Each gets a last log line
// saying so, and the time of its last log entry (or its start) as its end.
func (d *DB) markInterruptedRuns(ctx context.Context) error {
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		now := formatTime(d.now())
		const stopped = "sync stopped: interrupted (Mizan was stopped before the sync ended); the next sync carries on"
		if _, err := tx.ExecContext(ctx, `INSERT INTO sync_log(run_id, connection_id, at, level, kind, message)
			SELECT id, connection_id, ?, 'warning', 'run', ? FROM sync_runs WHERE outcome = 'running'`, now, stopped); err != nil {
			return err
		}
		if d.schemaVersion == 0 || d.schemaVersion >= logCodesVersion {
			// The engine's code for the sentence (core's catalogue), which a window translates.
			if _, err := tx.ExecContext(ctx, `UPDATE sync_log SET code = 'run.interrupted' WHERE kind = 'run' AND code = '' AND message = ?
				AND run_id IN (SELECT id FROM sync_runs WHERE outcome = 'running')`, stopped); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE sync_runs SET outcome = 'interrupted',
			ended_at = COALESCE((SELECT MAX(l.at) FROM sync_log l WHERE l.run_id = sync_runs.id AND l.kind <> 'run'), started_at),
			message = 'interrupted: Mizan was stopped before the sync ended'
			WHERE outcome = 'running'`)
		return err
	})
	if err != nil {
		return fmt.Errorf("open books: mark interrupted sync runs: %w", err)
	}
	return nil
}

// check runs SQLite's quick_check or integrity_check and returns what it found wrong (nothing
// when the books are sound).
func (d *DB) check(ctx context.Context, pragma string) ([]string, error) {
	rows, err := d.sql.QueryContext(ctx, "PRAGMA "+pragma)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		if s != "ok" {
			out = append(out, s)
		}
	}
	return out, rows.Err()
}

// Check runs SQLite's full integrity check on the books in dir, read-only and without the lock,
// and returns the problems it found: none when the books are sound. Books it cannot read at all
// are reported as one problem. A missing file is an error.
func Check(ctx context.Context, dir string) ([]string, error) {
	path := filepath.Join(dir, FileName)
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("check books: %w", err)
	}
	if fi.Size() == 0 && !hasContent(path+"-wal") {
		return []string{(&DamagedError{Path: path, Empty: true}).Summary()}, nil
	}
	d, err := openReadOnlyFile(ctx, dir, path, Options{})
	if err != nil {
		if c := sqliteCode(err); c == sqliteCorrupt || c == sqliteNotADB {
			return []string{err.Error()}, nil
		}
		return nil, fmt.Errorf("check books %s: %w", path, err)
	}
	defer d.Close()
	problems, err := d.check(ctx, "integrity_check")
	if err != nil {
		if c := sqliteCode(err); c == sqliteCorrupt || c == sqliteNotADB {
			return []string{err.Error()}, nil
		}
		return nil, fmt.Errorf("check books %s: %w", path, err)
	}
	return problems, nil
}

// dsn builds the connection string; the pragmas live in it so they hold on every pooled connection.
func dsn(path string) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	// Savepoints inside a transaction (an order's documents inside its page) keep the pages they
	// may have to undo in memory rather than in a temporary file written at every change.
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Set("_txlock", "immediate")
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// dsnReader builds the connection string of a read-only open through connections that could
// write (see openReadOnlyFile): query_only refuses every statement that would.
func dsnReader(path string) string {
	q := url.Values{}
	q.Set("mode", "rw")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "query_only(1)")
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// dsnReadOnly builds the connection string of a read-only open; immutable tells SQLite the file
// cannot change while it is open (no -shm file is then needed).
func dsnReadOnly(path string, immutable bool) string {
	q := url.Values{}
	q.Set("mode", "ro")
	if immutable {
		q.Set("immutable", "1")
	}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "query_only(1)")
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Close closes the database and releases the directory lock.
func (d *DB) Close() error {
	d.stmtMu.Lock()
	for _, st := range d.stmts {
		st.Close()
	}
	d.stmts = map[string]*sql.Stmt{}
	d.stmtMu.Unlock()
	err := d.sql.Close()
	if err == nil {
		d.lock.markClean()
	}
	d.lock.release()
	return err
}

// ReadOnly reports whether the books were opened read-only (see Options.ReadOnly).
func (d *DB) ReadOnly() bool { return d.readOnly }

// Dir is the data directory the books live in.
func (d *DB) Dir() string { return d.dir }

// SQL exposes the underlying handle for read-only reporting queries in this module's tests.
func (d *DB) SQL() *sql.DB { return d.sql }

type migration struct {
	version int
	name    string
	body    string
}

func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		prefix, _, ok := strings.Cut(e.Name(), "_")
		if !ok {
			return nil, fmt.Errorf("migration %q: name must be NNNN_description.sql", e.Name())
		}
		v, err := strconv.Atoi(prefix)
		if err != nil {
			return nil, fmt.Errorf("migration %q: %w", e.Name(), err)
		}
		body, err := fs.ReadFile(migrationFiles, "migrations/"+e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), body: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %q: expected version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// migrate applies each pending migration in its own transaction, recording it in the same one.
func (d *DB) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	if _, err := d.sql.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if d.schemaVersion > 0 && d.schemaVersion < len(ms) {
		ms = ms[:d.schemaVersion]
	}
	var current int
	if err := d.sql.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("migrate: read version: %w", err)
	}
	if current > len(ms) {
		return fmt.Errorf("the books were written by a newer Mizan (schema version %d, this one knows %d): update Mizan", current, len(ms))
	}
	for _, m := range ms[current:] {
		err := d.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, m.body); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, formatTime(d.now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("apply migration %s: %w", m.name, err)
		}
	}
	return nil
}

// SchemaVersion reports the newest applied migration.
func (d *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := d.sql.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}

func (d *DB) inTx(ctx context.Context, fn func(*sql.Tx) error) (err error) {
	tx, err := d.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

const timeLayout = "2006-01-02T15:04:05Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Parse(time.RFC3339Nano, s)
	}
	return t, nil
}
