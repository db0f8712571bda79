package cli

import (
	"context"
	"flag"
	"io"
	"strings"
	"time"

	"mizan/core"
	"mizan/storage"
)

// Env is what a command runs with: its standard streams, the environment, the data directory and
// the books, opened on first use.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads an environment variable.
	Getenv func(string) string
	// Location is the time zone dates are shown and read in (the computer's).
	Location *time.Location

	dataDir    string
	realDir    string // dataDir without --demo
	demo       bool   // --demo: dataDir is the demo's
	dataDirErr error
	// readOnly: the command only reads the books (see readOnlyCommands).
	readOnly bool
	db       *storage.DB
	engine   *core.Engine
}

// readOnlyCommands only read the books. They open them read-only and without the data
// directory's lock (storage.Options.ReadOnly), so they work while Mizan's window or another
// command has the books open, and on books in a directory they may not write to. Every other
// command takes the lock.
var readOnlyCommands = map[string]bool{
	"products list": true, "products export": true, "stock": true,
	"invoices list": true, "invoices show": true, "invoices export": true,
	"runs": true, "log": true, "connections list": true, "check": true,
}

// forCommand sets the env up for the command it runs.
func (e *Env) forCommand(name string) { e.readOnly = readOnlyCommands[name] }

// DataDir is the data directory the command works on: --data, else $MIZAN_DATA, else the
// platform's default. The error says why none could be found.
func (e *Env) DataDir() (string, error) { return e.dataDir, e.dataDirErr }

// DB opens the books in the data directory on first call and returns the same handle after:
// read-only for the commands that only read (readOnlyCommands). When another Mizan holds the
// directory, a command that writes gets an error that wraps storage.ErrLocked.
func (e *Env) DB(ctx context.Context) (*storage.DB, error) {
	if e.db != nil {
		return e.db, nil
	}
	dir, err := e.DataDir()
	if err != nil {
		return nil, err
	}
	db, err := storage.Open(ctx, dir, storage.Options{ReadOnly: e.readOnly, Names: storage.DefaultNames(e.language())})
	if err != nil {
		return nil, err
	}
	e.db = db
	return db, nil
}

// argsThenBooks parses a command's flags and arguments as parseArgs does, then opens the books
// (read-only for the commands that only read).
func argsThenBooks(ctx context.Context, env *Env, fs *flag.FlagSet, args []string, argsOK func([]string) error, checks ...func() error) ([]string, *storage.DB, error) {
	pos, err := parseArgs(fs, args, argsOK, checks...)
	if err != nil {
		return nil, nil, err
	}
	db, err := env.DB(ctx)
	if err != nil {
		return nil, nil, err
	}
	return pos, db, nil
}

// flagsThenBooks is argsThenBooks for a command that takes no positional arguments.
func flagsThenBooks(ctx context.Context, env *Env, fs *flag.FlagSet, args []string, checks ...func() error) (*storage.DB, error) {
	_, db, err := argsThenBooks(ctx, env, fs, args, noArgs, checks...)
	return db, err
}

// language is the language of the environment's locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG:
// the first set), which new books' first branch, warehouse and client are named in.
func (e *Env) language() string {
	if e.Getenv == nil {
		return ""
	}
	for _, name := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
		if v, _, _ := strings.Cut(e.Getenv(name), ":"); v != "" {
			return v
		}
	}
	return ""
}

// Close closes the books if DB opened them. It is safe to call more than once.
func (e *Env) Close() error {
	if e.db == nil {
		return nil
	}
	err := e.db.Close()
	e.db, e.engine = nil, nil
	return err
}

func (e *Env) loc() *time.Location {
	if e.Location != nil {
		return e.Location
	}
	return time.Local
}
