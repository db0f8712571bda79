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

	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt
}

// Options tune Open. The zero value is what the app uses.
type Options struct {
	// Now returns the current time; tests pin it. Defaults to time.Now.
	Now func() time.Time
	// NoSeed skips seeding the first branch, warehouse and client.
	NoSeed bool
}

// ErrLocked is returned by Open when another Mizan process holds the data directory.
var ErrLocked = errors.New("this data directory is already open by another Mizan")

// Open opens (creating if needed) the books in dir, takes the directory's lock, applies pending
// migrations and, on first run, seeds the default branch, warehouse and client.
func Open(ctx context.Context, dir string, opts Options) (*DB, error) {
	if dir == "" {
		return nil, errors.New("open books: no data directory given")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open books: create data directory: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	db, err := openLocked(ctx, dir, lock, opts)
	if err != nil {
		lock.release()
		return nil, err
	}
	return db, nil
}

func openLocked(ctx context.Context, dir string, lock *dirLock, opts Options) (*DB, error) {
	sqldb, err := sql.Open("sqlite", dsn(filepath.Join(dir, FileName)))
	if err != nil {
		return nil, fmt.Errorf("open books: %w", err)
	}
	d := &DB{sql: sqldb, dir: dir, lock: lock, now: opts.Now, stmts: map[string]*sql.Stmt{}}
	if d.now == nil {
		d.now = time.Now
	}
	if err := sqldb.PingContext(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("open books %s: %w", filepath.Join(dir, FileName), err)
	}
	if err := d.migrate(ctx); err != nil {
		sqldb.Close()
		return nil, err
	}
	if !opts.NoSeed {
		if err := d.seed(ctx); err != nil {
			sqldb.Close()
			return nil, err
		}
	}
	return d, nil
}

// dsn builds the connection string; the pragmas live in it so they hold on every pooled connection.
func dsn(path string) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
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
	d.lock.release()
	return err
}

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
