package demo

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/storage"
)

var ctx = context.Background()

func small(dir string) Options {
	return Options{Dir: dir, Store: StoreOptions{Products: 30, Orders: 120}}
}

func mustStart(t *testing.T, o Options) *Session {
	t.Helper()
	s, err := Start(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func mustSync(t *testing.T, s *Session) core.RunSummary {
	t.Helper()
	sum, err := s.Sync(ctx, core.SyncRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Counts.Errors != 0 || sum.Outcome == core.OutcomeFailed {
		t.Fatalf("sync: %s %+v", sum.Outcome, sum.Counts)
	}
	return sum
}

// The store comes back the same after a restart: the seed gives the same ids, and the journal
// brings back the shopper's orders and what the books wrote to the store. The books' bindings
// and watermarks therefore still hold: nothing is imported twice.
func TestRestartKeepsTheStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "books-demo")
	s := mustStart(t, small(dir))
	first := mustSync(t, s)
	if first.Counts.ProductsCreated == 0 || first.Counts.Invoices == 0 || first.Counts.Returns == 0 {
		t.Fatalf("first sync brought in too little: %+v", first.Counts)
	}
	// A product made in the books is created in the store (a journaled write), and the shopper
	// places orders (journaled steps).
	err := s.DB.Update(ctx, func(tx *storage.Tx) error {
		_, err := tx.CreateProduct(storage.Product{Code: "MZN-DEMO-1", Name: "هيل — Cardamom", SalePrice: decimal.RequireFromString("19.5")})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum := mustSync(t, s); sum.Counts.StoreCreated != 1 {
		t.Fatalf("the local product was not pushed: %+v", sum.Counts)
	}
	placed := 0
	for i := 0; i < 6; i++ {
		if _, err := s.Store.PlaceOrder(); err == nil {
			placed++
		}
	}
	if placed == 0 {
		t.Fatal("the shopper placed no order")
	}
	before := s.Store.Server().Snapshot()
	conn := s.Connection
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if kinds := journalKinds(t, dir); kinds[kindGraphQL] == 0 || kinds[kindShopper] != 6 {
		t.Fatalf("journal: %v", kinds)
	}

	s = mustStart(t, small(dir))
	if after := s.Store.Server().Snapshot(); !reflect.DeepEqual(before, after) {
		t.Fatal("the store is not the same after a restart")
	}
	if s.Connection.ID != conn.ID || s.Connection.StoreURL == conn.StoreURL {
		t.Fatalf("the connection should be the same one at the new address: %+v then %+v", conn, s.Connection)
	}
	sum := mustSync(t, s)
	if n := sum.Counts; n.Invoices < 1 || n.Invoices > placed || n.ProductsCreated != 0 || n.StoreCreated != 0 || n.Clients > placed {
		t.Fatalf("after a restart only the shopper's orders are new: %+v", n)
	}
	s.Close()
	s = mustStart(t, small(dir))
	if sum := mustSync(t, s); sum.Message != "nothing new" {
		t.Fatalf("third start: %s %+v", sum.Message, sum.Counts)
	}
}

func journalKinds(t *testing.T, dir string) map[string]int {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, journalFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	kinds := map[string]int{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		for _, k := range []string{kindGraphQL, kindShopper} {
			if strings.Contains(sc.Text(), `"kind":"`+k+`"`) {
				kinds[k]++
			}
		}
	}
	return kinds
}

// The full-size store is the same every time it is seeded for a directory.
func TestSeedIsStable(t *testing.T) {
	dir := t.TempDir()
	a, err := OpenStore(dir, StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	snapA := a.Server().Snapshot()
	n := a.Seeded()
	a.Close()
	if n.Products != DefaultProducts || n.Orders != DefaultOrders || n.Variants < 300 || n.Refunded == 0 || n.Cancelled == 0 {
		t.Fatalf("seeded %+v", n)
	}
	b, err := OpenStore(dir, StoreOptions{Products: 5, Orders: 5}) // the directory's settings win
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if !reflect.DeepEqual(snapA, b.Server().Snapshot()) {
		t.Fatal("the same directory gave a different store")
	}
	var arabic, english, guests, discounted, shipped, taxed int
	categories := map[string]bool{}
	for _, p := range snapA.Products {
		categories[p.ProductType] = true
		if strings.ContainsAny(p.Title, "ابتثجحخدذرزسشصضطظعغفقكلمنهوي") {
			arabic++
		}
		if strings.ContainsAny(p.Title, "abcdefghijklmnopqrstuvwxyz") {
			english++
		}
	}
	for _, o := range snapA.Orders {
		if o.CustomerID == 0 {
			guests++
		}
		if o.DiscountCode != "" {
			discounted++
		}
		if o.Money.TotalShipping.IsPositive() {
			shipped++
		}
		if o.Money.TotalTax.IsPositive() {
			taxed++
		}
	}
	if len(categories) < 5 || arabic < 150 || english < 100 || guests < 50 || discounted < 100 || shipped < 300 || taxed < 900 {
		t.Fatalf("catalogue or orders not varied enough: %d categories, %d arabic, %d english, %d guests, %d discounted, %d shipped, %d taxed",
			len(categories), arabic, english, guests, discounted, shipped, taxed)
	}
}

func TestShopperRuns(t *testing.T) {
	dir := t.TempDir()
	o := small(dir)
	o.ShopperEvery = 20 * time.Millisecond
	s := mustStart(t, o)
	n := len(s.Store.Server().Snapshot().Orders)
	deadline := time.Now().Add(5 * time.Second)
	for len(s.Store.Server().Snapshot().Orders) < n+3 {
		if time.Now().After(deadline) {
			t.Fatal("the shopper placed no orders")
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.Close()
	if _, err := s.Store.PlaceOrder(); err == nil {
		t.Fatal("a closed store took an order")
	}
}

func TestRemove(t *testing.T) {
	root := t.TempDir()
	real := filepath.Join(root, "books")
	db, err := storage.Open(ctx, real, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	dir := Dir(real)
	if dir != real+"-demo" {
		t.Fatalf("Dir: %s", dir)
	}
	if err := Remove(ctx, real); !errors.Is(err, ErrNotDemo) {
		t.Fatalf("removing real books: %v", err)
	}
	if err := Remove(ctx, filepath.Join(root, "nothing")); err != nil {
		t.Fatalf("removing nothing: %v", err)
	}
	s := mustStart(t, small(dir))
	if err := Remove(ctx, dir); !errors.Is(err, storage.ErrLocked) {
		t.Fatalf("removing an open demo: %v", err)
	}
	s.Close()
	if err := Remove(ctx, dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(real, storage.FileName)); err != nil {
		t.Fatalf("the real books are gone: %v", err)
	}
}

func TestSecrets(t *testing.T) {
	s := NewSecrets()
	if v, err := s.Get("connection/7/access_token"); err != nil || v != Token {
		t.Fatalf("demo token: %q %v", v, err)
	}
	if _, err := s.Get("connection/7/client_secret"); !errors.Is(err, core.ErrNoSecret) {
		t.Fatalf("other key: %v", err)
	}
	if err := s.Set("connection/8/access_token", "shpat_other"); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Get("connection/8/access_token"); v != "shpat_other" {
		t.Fatalf("a token given is kept: %q", v)
	}
	s.Delete("connection/8/access_token")
	if v, _ := s.Get("connection/8/access_token"); v != Token {
		t.Fatalf("after delete: %q", v)
	}
}
