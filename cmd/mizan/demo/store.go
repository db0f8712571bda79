package demo

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"mizan/platforms/shopify/shopifytest"
)

// StoreOptions configure the demo store.
type StoreOptions struct {
	// Addr is the address to listen on (default 127.0.0.1:0, a free loopback port).
	Addr string
	// Products and Orders size a new store (defaults DefaultProducts and DefaultOrders). A store
	// already created in the directory keeps the sizes it was created with.
	Products, Orders int
	// Log receives the store's diagnostics (never a token).
	Log *slog.Logger
}

// Plan is the rate limit the demo store applies: that of Shopify's largest plan (Shopify for
// enterprise), which Shopify documents as 2000 points restored per second, with a bucket twenty
// times the restore rate, the ratio the test store uses for the standard plan (2000 points at
// 100 per second). The first import of the seeded store costs about 39,000 points (a thousand
// orders with their lines and refunds): the standard plan would make it wait over six minutes
// for points and Shopify Plus (1000 per second) about twenty seconds, while this bucket holds it
// whole, so the import is paced by the work itself; a client that overspends is still throttled.
var Plan = shopifytest.BucketOptions{MaximumAvailable: 40000, RestoreRate: 2000}

// settings are what a demo directory remembers of its store, to seed the same store again.
type settings struct {
	Version  int       `json:"version"`
	Seed     int64     `json:"seed"`
	Products int       `json:"products"`
	Orders   int       `json:"orders"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
}

// entry is one journal line: a store write that ran (the GraphQL request as sent) or one step of
// the simulated shopper, with the store's clock when it happened.
type entry struct {
	At      time.Time `json:"at"`
	Kind    string    `json:"kind"` // "graphql" or "shopper"
	Version string    `json:"version,omitempty"`
	Body    string    `json:"body,omitempty"`
}

const (
	kindGraphQL = "graphql"
	kindShopper = "shopper"
)

// Store is the demo Shopify store, served on loopback.
type Store struct {
	dir     string
	set     settings
	srv     *shopifytest.Server
	clock   *clock
	shopper *shopifytest.Shopper
	log     *slog.Logger
	seeded  shopifytest.SeedResult

	// mu orders the writes: each runs, and is journaled, alone.
	mu      sync.Mutex
	journal *os.File
	closed  bool

	ln   net.Listener
	http *http.Server
	url  string
}

// OpenStore creates the demo store for a demo directory (creating the directory and its settings
// on first use), seeds it, replays its journal and starts serving it. With an empty dir the store
// keeps nothing: it is seeded as of now and forgets its changes when closed.
func OpenStore(dir string, o StoreOptions) (*Store, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	var set settings
	var err error
	if dir == "" {
		set = newSettings(o)
	} else {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("demo store: create %s: %w", dir, err)
		}
		if set, err = loadSettings(dir, o); err != nil {
			return nil, err
		}
	}
	s := &Store{dir: dir, set: set, clock: &clock{}, log: o.Log}
	// The store is built and seeded at the moment it was first created, so the same settings give
	// the same timestamps, the same IDs and the same cursors every time.
	s.clock.pin(set.End)
	s.srv = shopifytest.NewServer(shopifytest.Options{AccessTokens: []string{Token}, Now: s.clock.Now, Bucket: Plan})
	s.seeded, err = s.srv.Seed(shopifytest.SeedOptions{Products: set.Products, Orders: set.Orders, Seed: set.Seed,
		Start: set.Start, End: set.End})
	if err != nil {
		return nil, fmt.Errorf("demo store: seed: %w", err)
	}
	s.shopper = s.srv.NewShopper(DefaultShopperEvery, set.Seed+1)
	if dir != "" {
		if err := s.replay(); err != nil {
			return nil, err
		}
		s.journal, err = os.OpenFile(filepath.Join(dir, journalFile), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return nil, fmt.Errorf("demo store: open journal: %w", err)
		}
	}
	s.clock.unpin()
	addr := o.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	s.ln, err = net.Listen("tcp", addr)
	if err != nil {
		if s.journal != nil {
			s.journal.Close()
		}
		return nil, fmt.Errorf("demo store: listen on %s: %w", addr, err)
	}
	s.url = reachableURL(s.ln.Addr())
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := s.http.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("demo store stopped serving", "err", err)
		}
	}()
	s.log.Info("demo store started", "url", s.url, "products", s.seeded.Products, "orders", s.seeded.Orders)
	return s, nil
}

// loadSettings reads the directory's store settings, writing them on first use.
func loadSettings(dir string, o StoreOptions) (settings, error) {
	path := filepath.Join(dir, settingsFile)
	raw, err := os.ReadFile(path)
	if err == nil {
		var set settings
		if err := json.Unmarshal(raw, &set); err != nil || set.Version != 1 || set.End.IsZero() {
			return set, fmt.Errorf("demo store: %s is damaged: remove the demo and start it again", path)
		}
		return set, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return settings{}, fmt.Errorf("demo store: %w", err)
	}
	set := newSettings(o)
	raw, _ = json.MarshalIndent(set, "", "  ")
	if err := os.WriteFile(path, append(raw, '\n'), 0o600); err != nil {
		return set, fmt.Errorf("demo store: %w", err)
	}
	return set, nil
}

// newSettings are the settings of a store created now.
func newSettings(o StoreOptions) settings {
	end := time.Now().UTC().Truncate(time.Second)
	set := settings{Version: 1, Seed: DefaultSeed, Products: o.Products, Orders: o.Orders,
		Start: end.AddDate(0, 0, -90), End: end}
	if set.Products <= 0 {
		set.Products = DefaultProducts
	}
	if set.Orders <= 0 {
		set.Orders = DefaultOrders
	}
	return set
}

// replay applies the journal to the freshly seeded store, each entry at its own time.
func (s *Store) replay() error {
	f, err := os.Open(filepath.Join(s.dir, journalFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("demo store: read journal: %w", err)
	}
	defer f.Close()
	s.srv.SetRateLimit(false)
	defer s.srv.SetRateLimit(true)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	n := 0
	for sc.Scan() {
		var e entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			// A line cut short by a crash ends the journal.
			s.log.Warn("demo store: journal ends with an unreadable line", "line", n+1)
			break
		}
		s.clock.pin(e.At)
		switch e.Kind {
		case kindShopper:
			_, _ = s.shopper.Step()
		case kindGraphQL:
			req := httptest.NewRequest(http.MethodPost, "/admin/api/"+e.Version+"/graphql.json", strings.NewReader(e.Body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Shopify-Access-Token", Token)
			s.srv.ServeHTTP(httptest.NewRecorder(), req)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("demo store: read journal: %w", err)
	}
	if n > 0 {
		s.log.Info("demo store: journal replayed", "entries", n)
	}
	return nil
}

// reachableURL is the address a client on this computer connects to for a listener: 127.0.0.1
// when it listens on every interface (0.0.0.0 or ::, which are nowhere to connect to).
func reachableURL(a net.Addr) string {
	if tcp, ok := a.(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		return "http://" + net.JoinHostPort("127.0.0.1", fmt.Sprint(tcp.Port))
	}
	return "http://" + a.String()
}

// URL is the store's address (http://127.0.0.1:PORT).
func (s *Store) URL() string { return s.url }

// Server is the in-memory store itself.
func (s *Store) Server() *shopifytest.Server { return s.srv }

// Seeded says what seeding created (before the journal was replayed).
func (s *Store) Seeded() shopifytest.SeedResult { return s.seeded }

// Close stops serving and closes the journal.
func (s *Store) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.http.Shutdown(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	if s.journal != nil {
		if cerr := s.journal.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	return err
}

// PlaceOrder lets the simulated shopper place one order now (and sometimes refund or cancel an
// earlier one), and records it in the journal.
func (s *Store) PlaceOrder() (shopifytest.OrderInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return shopifytest.OrderInfo{}, errors.New("demo store: closed")
	}
	at := s.clock.pinNow()
	defer s.clock.unpin()
	oi, err := s.shopper.Step()
	// Every step is journaled, even one that placed nothing: it used the shopper's random numbers.
	if jerr := s.record(entry{At: at, Kind: kindShopper}); jerr != nil {
		return oi, jerr
	}
	return oi, err
}

// RunShopper places an order every interval until ctx is done.
func (s *Store) RunShopper(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = DefaultShopperEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			oi, err := s.PlaceOrder()
			if err != nil {
				s.log.Debug("demo shopper placed no order", "err", err)
				continue
			}
			s.log.Debug("demo shopper placed an order", "order", oi.Name)
		}
	}
}

func (s *Store) record(e entry) error {
	if s.journal == nil {
		return nil
	}
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("demo store: journal: %w", err)
	}
	if _, err := s.journal.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("demo store: journal: %w", err)
	}
	return nil
}

var graphqlPath = regexp.MustCompile(`^/admin/api/(\d{4}-\d{2}|unstable)/graphql\.json$`)

// ServeHTTP serves the store. Queries go straight through; a mutation runs alone with the clock
// held still, and is journaled when the store carried it out.
func (s *Store) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m := graphqlPath.FindStringSubmatch(r.URL.Path)
	if r.Method != http.MethodPost || m == nil {
		s.srv.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		http.Error(w, "cannot read the request", http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if !isMutation(body) {
		s.srv.ServeHTTP(w, r)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	at := s.clock.pinNow()
	defer s.clock.unpin()
	rec := &teeWriter{ResponseWriter: w, status: http.StatusOK}
	s.srv.ServeHTTP(rec, r)
	if s.closed || rec.status != http.StatusOK || !executed(rec.body.Bytes()) {
		return
	}
	if err := s.record(entry{At: at, Kind: kindGraphQL, Version: m[1], Body: string(body)}); err != nil {
		s.log.Error("demo store: journal", "err", err)
	}
}

// isMutation reports whether a GraphQL request body holds a mutation.
func isMutation(body []byte) bool {
	var req struct {
		Query         string `json:"query"`
		OperationName string `json:"operationName"`
	}
	if json.Unmarshal(body, &req) != nil {
		return false
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: req.Query})
	if err != nil {
		return false
	}
	for _, op := range doc.Operations {
		if op.Operation == ast.Mutation && (req.OperationName == "" || req.OperationName == op.Name) {
			return true
		}
	}
	return false
}

// executed reports whether a GraphQL response carries data: the request ran (it was not refused
// for its token, its cost, a throttle or a validation error).
func executed(resp []byte) bool {
	var r struct {
		Data json.RawMessage `json:"data"`
	}
	if json.Unmarshal(resp, &r) != nil {
		return false
	}
	d := bytes.TrimSpace(r.Data)
	return len(d) > 0 && !bytes.Equal(d, []byte("null"))
}

// teeWriter passes a response through and keeps a copy of its status and body.
type teeWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (t *teeWriter) WriteHeader(code int) {
	t.status = code
	t.ResponseWriter.WriteHeader(code)
}

func (t *teeWriter) Write(b []byte) (int, error) {
	t.body.Write(b)
	return t.ResponseWriter.Write(b)
}

// clock is the store's clock: the wall clock, never going back past the last moment it was held
// at, and held still while a write runs or the journal is replayed.
type clock struct {
	mu     sync.Mutex
	pinned time.Time
	floor  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.pinned.IsZero() {
		return c.pinned
	}
	return c.nowLocked()
}

func (c *clock) nowLocked() time.Time {
	now := time.Now().UTC()
	if now.Before(c.floor) {
		return c.floor
	}
	return now
}

func (c *clock) pin(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pinned = t
	if t.After(c.floor) {
		c.floor = t
	}
}

// pinNow holds the clock at the present moment and returns it.
func (c *clock) pinNow() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pinned = c.nowLocked()
	c.floor = c.pinned
	return c.pinned
}

func (c *clock) unpin() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pinned = time.Time{}
}
