package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"mizan/core"
	"mizan/platforms/shopify"
	"mizan/storage"
)

// Options configure a demo session.
type Options struct {
	// Dir is the demo's data directory (see Dir).
	Dir string
	// DB, when set, is the demo's books already opened on Dir (the window opens them itself);
	// otherwise Start opens them and Close closes them.
	DB *storage.DB
	// Platforms are the platforms the demo's engine knows; Shopify is added when missing.
	Platforms core.Platforms
	// HTTPClient is the client the engine's platforms use (nil: the platform's own).
	HTTPClient *http.Client
	// Log receives the store's and the engine's diagnostics.
	Log *slog.Logger
	// Store configures the demo store (address, sizes of a new store).
	Store StoreOptions
	// ShopperEvery, when positive, starts the simulated shopper: an order every ShopperEvery.
	ShopperEvery time.Duration
}

// Session is a running demo: the store, the demo's books, an engine over them and the demo
// store's connection.
type Session struct {
	Store      *Store
	DB         *storage.DB
	Engine     *core.Engine
	Connection core.Connection

	ownDB   bool
	stop    context.CancelFunc
	wg      sync.WaitGroup
	closeMu sync.Mutex
	closed  bool
}

// Start starts the demo store for o.Dir, opens the demo's books (unless o.DB is given) and
// connects the store to them: on first use it adds the connection; later it points the same
// connection at the store's new address, keeping its bindings and watermarks. The connection's
// token comes from Secrets, never from the OS keyring.
func Start(ctx context.Context, o Options) (*Session, error) {
	if o.Dir == "" {
		return nil, errors.New("demo: no data directory given")
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Store.Log == nil {
		o.Store.Log = o.Log
	}
	st, err := OpenStore(o.Dir, o.Store)
	if err != nil {
		return nil, err
	}
	s := &Session{Store: st, DB: o.DB}
	if s.DB == nil {
		s.DB, err = storage.Open(ctx, o.Dir, storage.Options{})
		if err != nil {
			st.Close()
			return nil, fmt.Errorf("demo: open the demo's books: %w", err)
		}
		s.ownDB = true
	}
	platforms := core.Platforms{}
	for name, p := range o.Platforms {
		platforms[name] = p
	}
	if _, ok := platforms["shopify"]; !ok {
		sp := shopify.Platform()
		platforms[sp.Name] = sp
	}
	s.Engine = core.New(s.DB, NewSecrets(), platforms, core.Options{HTTPClient: o.HTTPClient, Log: o.Log})
	if s.Connection, err = connect(ctx, s.Engine, s.DB, st.URL()); err != nil {
		s.Close()
		return nil, err
	}
	sctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	if o.ShopperEvery > 0 {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			st.RunShopper(sctx, o.ShopperEvery)
		}()
	}
	return s, nil
}

// connect adds the demo store's connection, with the bank account its online payments go to,
// or points the existing one at the store's address.
func connect(ctx context.Context, eng *core.Engine, db *storage.DB, url string) (core.Connection, error) {
	c, err := eng.ConnectionByName(ctx, ConnectionName)
	if err != nil {
		// The books have no demo connection yet.
		c, err = eng.AddConnection(ctx, core.ConnectionInput{
			Name: ConnectionName, Platform: "shopify", StoreURL: url,
			PollInterval: time.Minute,
			Credentials:  map[string]string{shopify.CredAccessToken: Token},
		})
		if err != nil {
			return c, fmt.Errorf("demo: connect the demo store: %w", err)
		}
		return c, setUpMoney(ctx, db, c.ID)
	}
	if strings.EqualFold(c.StoreURL, url) {
		return c, nil
	}
	push := c.PushProducts
	c, err = eng.UpdateConnection(ctx, c.ID, core.ConnectionInput{
		Name: c.Name, Platform: c.Platform, StoreURL: url, ClientID: c.ClientID, WarehouseID: c.WarehouseID,
		BranchID: c.BranchID, StartDate: c.StartDate, InvoiceStates: c.InvoiceStates, PollInterval: c.PollInterval,
		Owners: c.Owners, PushProducts: &push, Options: c.Options,
	})
	if err != nil {
		return c, fmt.Errorf("demo: point the demo connection at %s: %w", url, err)
	}
	return c, nil
}

// Sync runs one sync of the demo store's connection.
func (s *Session) Sync(ctx context.Context, req core.SyncRequest) (core.RunSummary, error) {
	return s.Engine.SyncNow(ctx, s.Connection.ID, req)
}

// Close stops the shopper and the store, and closes the books if Start opened them. It is safe
// to call more than once.
func (s *Session) Close() error {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if s.stop != nil {
		s.stop()
	}
	s.wg.Wait()
	if s.Connection.ID != 0 {
		s.Engine.Cancel(s.Connection.ID)
	}
	err := s.Store.Close()
	if s.ownDB {
		if cerr := s.DB.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	return err
}

// Secrets is the demo's secret store: it answers the demo token for any connection's access
// token, and keeps anything else it is given in memory for the life of the process. It never
// touches the OS keyring.
type Secrets struct {
	mem *core.MemorySecrets
}

// NewSecrets returns the demo's secret store.
func NewSecrets() *Secrets { return &Secrets{mem: core.NewMemorySecrets()} }

// Get reads a secret.
func (s *Secrets) Get(key string) (string, error) {
	v, err := s.mem.Get(key)
	if errors.Is(err, core.ErrNoSecret) && strings.HasSuffix(key, "/"+shopify.CredAccessToken) {
		return Token, nil
	}
	return v, err
}

// Set keeps a secret in memory (the demo token needs no keeping).
func (s *Secrets) Set(key, value string) error {
	if value == Token {
		return s.mem.Delete(key)
	}
	return s.mem.Set(key, value)
}

// Delete forgets a secret.
func (s *Secrets) Delete(key string) error { return s.mem.Delete(key) }
