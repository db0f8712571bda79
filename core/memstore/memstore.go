// Package memstore is an in-memory store that implements core.Store, for the engine's tests: a
// twin of a real platform with none of its wire format. It keeps variants, quantities, orders and
// refunds with the times they changed, pages its answers, and can be told to fail.
package memstore

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
)

// Store is the in-memory store. Its methods are safe for concurrent use.
type Store struct {
	mu       sync.Mutex
	now      func() time.Time
	products map[string]*core.StoreProduct
	levelAt  map[string]time.Time
	orders   map[string]*core.StoreOrder
	seq      int
	keys     map[string]bool
	calls    map[string]int
	fail     map[string]error
	// PageSize is how many items each page holds.
	PageSize int
	// ID is what the store says it is (StoreInfo.StoreID): different for each store made by New.
	ID string
	// tok holds the credentials that rotate, once RotateTokens is called (see tokens.go).
	tok *tokenState
}

var storeSeq atomic.Int64

// New makes an empty store on the given clock.
func New(now func() time.Time) *Store {
	return &Store{now: now, products: map[string]*core.StoreProduct{}, levelAt: map[string]time.Time{},
		orders: map[string]*core.StoreOrder{}, keys: map[string]bool{}, calls: map[string]int{}, fail: map[string]error{}, PageSize: 3,
		ID: fmt.Sprintf("memory-store-%d", storeSeq.Add(1))}
}

// Platform describes the twin as a platform the engine can open. A store whose credentials
// rotate (RotateTokens, called first) takes a refresh token too.
func Platform(s *Store) core.Platform {
	creds := []core.CredentialField{{Key: "token", Label: "Token"}}
	if s.rotating() {
		creds = append(creds, core.CredentialField{Key: KeyRefresh, Label: "Refresh token"})
	}
	return core.Platform{Name: "memory", Title: "Test store", States: []string{"pending", "paid", "refunded", "partially_refunded"},
		DefaultStates: []string{"paid", "refunded", "partially_refunded"},
		Credentials:   creds,
		Open: func(cfg core.StoreConfig) (core.Store, error) {
			if cfg.Credentials["token"] == "" {
				return nil, fmt.Errorf("no token")
			}
			if s.rotating() {
				return &session{s: s, rotate: cfg.Rotate, creds: cfg.Credentials}, nil
			}
			return s, nil
		}}
}

func (s *Store) id(kind string) string {
	s.seq++
	return fmt.Sprintf("%s/%d", kind, s.seq)
}

// FailNext makes the next call of method (e.g. "Orders") return err.
func (s *Store) FailNext(method string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail[method] = err
}

// Calls counts the calls made to each method.
func (s *Store) Calls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

func (s *Store) call(method string) error {
	s.calls[method]++
	if err, ok := s.fail[method]; ok {
		delete(s.fail, method)
		return err
	}
	return nil
}

// AddProduct adds a variant; an empty ExternalID gets one.
func (s *Store) AddProduct(p core.StoreProduct) core.StoreProduct {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.ExternalID == "" {
		p.ExternalID = s.id("Variant")
	}
	if p.ProductID == "" {
		p.ProductID = s.id("Product")
	}
	if p.StockRef == "" {
		p.StockRef = "Item/" + p.ExternalID
	}
	p.UpdatedAt = s.now()
	s.levelAt[p.ExternalID] = s.now()
	cp := p
	s.products[p.ExternalID] = &cp
	return p
}

// EditProduct changes a variant as a merchant would in the store admin.
func (s *Store) EditProduct(id string, edit func(*core.StoreProduct)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.products[id]
	edit(p)
	p.UpdatedAt = s.now()
}

// SetQuantity sets a variant's quantity by hand.
func (s *Store) SetQuantity(id string, q decimal.Decimal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.products[id].Quantity = q
	s.levelAt[id] = s.now()
}

// Product returns a copy of a variant.
func (s *Store) Product(id string) core.StoreProduct {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.products[id]
}

// ProductBySKU finds a variant by SKU.
func (s *Store) ProductBySKU(sku string) (core.StoreProduct, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.products {
		if p.SKU == sku {
			return *p, true
		}
	}
	return core.StoreProduct{}, false
}

func (s *Store) move(variant string, delta decimal.Decimal) {
	if p, ok := s.products[variant]; ok && p.TracksStock {
		p.Quantity = p.Quantity.Add(delta)
		s.levelAt[variant] = s.now()
	}
}

// PlaceOrder adds an order; ids are filled in, stock is taken when StockReduced.
func (s *Store) PlaceOrder(o core.StoreOrder) core.StoreOrder {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o.ExternalID == "" {
		o.ExternalID = s.id("Order")
	}
	if o.Name == "" {
		o.Name = fmt.Sprintf("#%d", 1000+len(s.orders)+1)
	}
	if o.Currency == "" {
		o.Currency = "SAR"
	}
	for i := range o.Lines {
		if o.Lines[i].ExternalID == "" {
			o.Lines[i].ExternalID = s.id("LineItem")
		}
		if o.StockReduced && o.Lines[i].ProductID != "" {
			s.move(o.Lines[i].ProductID, o.Lines[i].Quantity.Neg())
		}
	}
	if o.CreatedAt.IsZero() {
		o.CreatedAt = s.now()
	}
	o.UpdatedAt = s.now()
	cp := o
	s.orders[o.ExternalID] = &cp
	return o
}

// UpdateOrder changes an order (its state, an edit) and bumps its update time.
func (s *Store) UpdateOrder(id string, edit func(*core.StoreOrder)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orders[id]
	edit(o)
	o.UpdatedAt = s.now()
}

// Refund adds a refund to an order; restocked lines go back into stock.
func (s *Store) Refund(orderID string, r core.StoreRefund) core.StoreRefund {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orders[orderID]
	if r.ExternalID == "" {
		r.ExternalID = s.id("Refund")
	}
	r.CreatedAt = s.now()
	for _, rl := range r.Lines {
		if rl.Restock {
			for _, l := range o.Lines {
				if l.ExternalID == rl.LineID && l.ProductID != "" {
					s.move(l.ProductID, rl.Quantity)
				}
			}
		}
	}
	o.Refunds = append(o.Refunds, r)
	o.UpdatedAt = s.now()
	return r
}

// Order returns a copy of an order.
func (s *Store) Order(id string) core.StoreOrder {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.orders[id]
}

// Info implements core.Store.
func (s *Store) Info(ctx context.Context) (core.StoreInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.call("Info"); err != nil {
		return core.StoreInfo{}, err
	}
	return core.StoreInfo{Name: "Test store", Platform: "memory", Currency: "SAR", Location: "Main", Now: s.now(), StoreID: s.ID}, nil
}

func page[T any](ctx context.Context, items []T, size int, fn func([]T) error) error {
	for start := 0; start < len(items); start += size {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(items[start:min(start+size, len(items))]); err != nil {
			return err
		}
	}
	return nil
}

// Products implements core.Store.
func (s *Store) Products(ctx context.Context, since time.Time, fn func([]core.StoreProduct) error) error {
	s.mu.Lock()
	if err := s.call("Products"); err != nil {
		s.mu.Unlock()
		return err
	}
	var out []core.StoreProduct
	for _, p := range s.products {
		if !p.UpdatedAt.Before(since) {
			out = append(out, *p)
		}
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ExternalID < out[j].ExternalID })
	return page(ctx, out, s.PageSize, fn)
}

// Stock implements core.Store.
func (s *Store) Stock(ctx context.Context, since time.Time, fn func(core.StockPage) error) error {
	s.mu.Lock()
	if err := s.call("Stock"); err != nil {
		s.mu.Unlock()
		return err
	}
	readAt := s.now()
	var out []core.StockLevel
	for id, p := range s.products {
		if p.TracksStock && !s.levelAt[id].Before(since) {
			out = append(out, core.StockLevel{ExternalID: id, StockRef: p.StockRef, Quantity: p.Quantity, UpdatedAt: s.levelAt[id]})
		}
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ExternalID < out[j].ExternalID })
	return page(ctx, out, s.PageSize, func(ls []core.StockLevel) error { return fn(core.StockPage{ReadAt: readAt, Levels: ls}) })
}

// Orders implements core.Store.
func (s *Store) Orders(ctx context.Context, since time.Time, fn func([]core.StoreOrder) error) error {
	s.mu.Lock()
	if err := s.call("Orders"); err != nil {
		s.mu.Unlock()
		return err
	}
	var out []core.StoreOrder
	for _, o := range s.orders {
		if !o.UpdatedAt.Before(since) {
			out = append(out, cloneOrder(*o))
		}
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if !out[i].UpdatedAt.Equal(out[j].UpdatedAt) {
			return out[i].UpdatedAt.Before(out[j].UpdatedAt)
		}
		return out[i].ExternalID < out[j].ExternalID
	})
	return page(ctx, out, s.PageSize, fn)
}

func cloneOrder(o core.StoreOrder) core.StoreOrder {
	o.Lines = append([]core.StoreLine(nil), o.Lines...)
	o.Charges = append([]core.StoreCharge(nil), o.Charges...)
	o.Refunds = append([]core.StoreRefund(nil), o.Refunds...)
	return o
}

// OrdersByNumber implements core.Store.
func (s *Store) OrdersByNumber(ctx context.Context, numbers []string) ([]core.StoreOrder, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.call("OrdersByNumber"); err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, n := range numbers {
		want[strings.TrimPrefix(n, "#")] = true
	}
	var out []core.StoreOrder
	for _, o := range s.orders {
		if want[strings.TrimPrefix(o.Name, "#")] {
			out = append(out, cloneOrder(*o))
		}
	}
	return out, nil
}

// CreateProduct implements core.Store.
func (s *Store) CreateProduct(ctx context.Context, f core.ProductFields) (core.StoreProduct, error) {
	s.mu.Lock()
	if err := s.call("CreateProduct"); err != nil {
		s.mu.Unlock()
		return core.StoreProduct{}, err
	}
	for _, p := range s.products {
		if f.Code != "" && p.SKU == f.Code {
			s.mu.Unlock()
			return *p, nil
		}
	}
	s.mu.Unlock()
	return s.AddProduct(core.StoreProduct{Name: f.Name, SKU: f.Code, Barcode: f.Barcode, Category: f.Category,
		SalePrice: f.SalePrice, PurchasePrice: f.PurchasePrice, HasCost: true, TracksStock: true}), nil
}

// UpdateProduct implements core.Store.
func (s *Store) UpdateProduct(ctx context.Context, ref core.StoreProduct, f core.ProductFields, fields core.FieldSet) (core.StoreProduct, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.call("UpdateProduct"); err != nil {
		return core.StoreProduct{}, err
	}
	p, ok := s.products[ref.ExternalID]
	if !ok {
		return core.StoreProduct{}, core.ErrNotFound
	}
	if fields.Has(core.FieldName) {
		p.Name = f.Name
	}
	if fields.Has(core.FieldCode) {
		p.SKU = f.Code
	}
	if fields.Has(core.FieldBarcode) {
		p.Barcode = f.Barcode
	}
	if fields.Has(core.FieldCategory) {
		p.Category = f.Category
	}
	if fields.Has(core.FieldSalePrice) {
		p.SalePrice = f.SalePrice
	}
	if fields.Has(core.FieldPurchasePrice) {
		p.PurchasePrice = f.PurchasePrice
	}
	p.UpdatedAt = s.now()
	return *p, nil
}

// AdjustStock implements core.Store with relative changes, applying each key once.
func (s *Store) AdjustStock(ctx context.Context, changes []core.StockChange) ([]core.StockResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.call("AdjustStock"); err != nil {
		return nil, err
	}
	var out []core.StockResult
	for _, c := range changes {
		p, ok := s.products[c.ExternalID]
		if !ok {
			return nil, core.ErrNotFound
		}
		if !s.keys[c.Key] {
			s.keys[c.Key] = true
			s.move(c.ExternalID, c.Delta)
		}
		out = append(out, core.StockResult{ExternalID: c.ExternalID, Quantity: p.Quantity})
	}
	return out, nil
}
