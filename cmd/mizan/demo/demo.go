// Package demo is Mizan's built-in demo: a Shopify store served in-process on loopback (the
// shopifytest store, seeded with a catalogue and order history), connected to books of their own
// through the real Shopify client, with a simulated shopper placing new orders while it runs.
//
// The demo's books live in a directory of their own next to the real ones (Dir), so the demo can
// be removed in one call without touching real data. The store keeps its state in memory; what
// must survive a restart is kept in that directory too: the seed settings (demo-store.json) and a
// journal of everything that changed the store after seeding (the shopper's orders and the
// writes Mizan sent). On start the store is seeded again with the same seed, giving the same
// products, orders and IDs, and the journal is replayed, so the books' bindings and watermarks
// still match the store.
//
// The demo's access token is a fixed, made-up value (Token). It is no secret: the demo never
// puts it in the OS keyring or in the books; Secrets hands it to the engine from memory.
package demo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"mizan/storage"
)

// Token is the demo store's access token. It opens nothing but the demo store.
const Token = "shpat_mizan_demo_0000000000000000"

// ConnectionName is the name of the demo store's connection in the demo's books.
const ConnectionName = "Demo store"

// Default sizes of the seeded store.
const (
	DefaultProducts = 200
	DefaultOrders   = 1000
	DefaultSeed     = 20260101
)

// DefaultShopperEvery is how often the simulated shopper places an order while the demo runs.
const DefaultShopperEvery = 5 * time.Second

// dirSuffix is appended to the real data directory to name the demo's.
const dirSuffix = "-demo"

// settingsFile marks a directory as the demo's and holds the store's seed settings.
const settingsFile = "demo-store.json"

// journalFile records what changed the store after seeding.
const journalFile = "demo-store.journal"

// Dir is the demo's data directory for a real data directory: a sibling named after it with
// "-demo" appended (~/.local/share/mizan-demo for ~/.local/share/mizan).
func Dir(dataDir string) string {
	return filepath.Clean(dataDir) + dirSuffix
}

// IsDemoDir reports whether dir holds the demo's books (it has the demo's settings file).
func IsDemoDir(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, settingsFile))
	return err == nil
}

// ErrNotDemo is returned by Remove for a directory that is not the demo's.
var ErrNotDemo = errors.New("not a demo directory")

// Remove deletes the demo's directory and everything in it. It refuses a directory that does not
// carry the demo's settings file (so it can never delete real books), and one that a running Mizan
// holds open (the error wraps storage.ErrLocked). A directory that does not exist is not an error.
func Remove(ctx context.Context, dir string) error {
	dir = filepath.Clean(dir)
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if !IsDemoDir(dir) {
		return fmt.Errorf("remove the demo in %s: %w (it has no %s)", dir, ErrNotDemo, settingsFile)
	}
	// Taking the books' lock proves no Mizan has them open; it is held until the files are gone.
	db, err := storage.Open(ctx, dir, storage.Options{})
	if err != nil {
		return fmt.Errorf("remove the demo in %s: %w", dir, err)
	}
	// Where open files can be deleted (Unix) the lock is held until the files are gone; elsewhere
	// (Windows) the books are closed first.
	if err := os.RemoveAll(dir); err == nil {
		if err := db.Close(); err != nil {
			return fmt.Errorf("remove the demo: close its books: %w", err)
		}
		return nil
	}
	if err := db.Close(); err != nil {
		return fmt.Errorf("remove the demo: close its books: %w", err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("remove the demo: %w", err)
	}
	return nil
}
