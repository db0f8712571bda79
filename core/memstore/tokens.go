package memstore

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"time"

	"mizan/core"
)

// The credential keys of a store with rotating credentials: the access token every call needs,
// and the single-use refresh token that renews it.
const (
	KeyToken   = "token"
	KeyRefresh = "refresh_token"
)

// tokenState is a store's OAuth-like credentials: one valid access token and one refresh token.
// A refresh spends the refresh token and issues a new pair; a spent refresh token used again is
// refused and revokes the pair it led to, as Salla does, so only the merchant can connect the
// store again.
type tokenState struct {
	access, refresh string
	accessOK        bool
	gen             int
	spent           map[string]bool
	// onRefresh runs after a new pair was issued and before it is handed to the platform.
	onRefresh func()
}

// RotateTokens makes the store take credentials that rotate: every call needs access as its
// "token" credential, and refresh (the "refresh_token" credential) renews it once. Calls to the
// token endpoint are counted as "Refresh" in Calls, and FailNext("Refresh", err) fails one.
func (s *Store) RotateTokens(access, refresh string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tok = &tokenState{access: access, refresh: refresh, accessOK: true, spent: map[string]bool{}}
}

// ExpireToken ends the current access token's life: the next call must renew it.
func (s *Store) ExpireToken() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tok.accessOK = false
}

// OnRefresh sets a function run after each refresh issued a new pair, before the platform gets
// it: where a process dies or a caller gives up between receiving and saving new tokens.
func (s *Store) OnRefresh(fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tok.onRefresh = fn
}

// Tokens returns the store's valid access and refresh tokens (empty once revoked).
func (s *Store) Tokens() (access, refresh string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.tok.accessOK {
		return "", s.tok.refresh
	}
	return s.tok.access, s.tok.refresh
}

func (s *Store) rotating() bool {
	if s == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tok != nil
}

func (s *Store) accepts(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tok.accessOK && token != "" && token == s.tok.access
}

// renew is the store's token endpoint: a refresh token for a new pair.
func (s *Store) renew(refresh string) (access, next string, err error) {
	s.mu.Lock()
	if err := s.call("Refresh"); err != nil {
		s.mu.Unlock()
		return "", "", err
	}
	t := s.tok
	if refresh == "" || refresh != t.refresh {
		if t.spent[refresh] {
			// A refresh token used twice: the pair it led to is revoked.
			t.access, t.refresh, t.accessOK = "", "", false
		}
		s.mu.Unlock()
		return "", "", &core.StoreError{Op: "renew the access token", Status: 400,
			Message: "invalid_grant: the refresh token is invalid, expired or already used", Err: core.ErrReconnect}
	}
	t.spent[refresh] = true
	t.gen++
	t.access = fmt.Sprintf("mem_access_%d_%d", t.gen, time.Now().UnixNano())
	t.refresh = fmt.Sprintf("mem_refresh_%d_%d", t.gen, time.Now().UnixNano())
	t.accessOK = true
	access, next, hook := t.access, t.refresh, t.onRefresh
	s.mu.Unlock()
	if hook != nil {
		hook()
	}
	return access, next, nil
}

// session is the store as a platform opened with rotating credentials sees it: each call first
// makes sure it holds a valid access token, renewing it through the engine's RotateFunc (or in
// memory when there is none).
type session struct {
	s      *Store
	rotate core.RotateFunc
	mu     sync.Mutex
	creds  map[string]string
}

func (c *session) auth(ctx context.Context) error {
	c.mu.Lock()
	token := c.creds[KeyToken]
	c.mu.Unlock()
	if c.s.accepts(token) {
		return nil
	}
	renew := func(cur map[string]string) (map[string]string, error) {
		if c.s.accepts(cur[KeyToken]) {
			return nil, nil // renewed meanwhile
		}
		access, refresh, err := c.s.renew(cur[KeyRefresh])
		if err != nil {
			return nil, err
		}
		return map[string]string{KeyToken: access, KeyRefresh: refresh}, nil
	}
	var creds map[string]string
	if c.rotate != nil {
		var err error
		if creds, err = c.rotate(ctx, renew); err != nil {
			return err
		}
	} else {
		c.mu.Lock()
		cur := maps.Clone(c.creds)
		c.mu.Unlock()
		changed, err := renew(maps.Clone(cur))
		if err != nil {
			return err
		}
		creds = cur
		maps.Copy(creds, changed)
	}
	c.mu.Lock()
	c.creds = creds
	token = creds[KeyToken]
	c.mu.Unlock()
	if !c.s.accepts(token) {
		return &core.StoreError{Op: "call the store", Status: 401, Message: "invalid access token", Err: core.ErrUnauthorized}
	}
	return nil
}

// Info implements core.Store.
func (c *session) Info(ctx context.Context) (core.StoreInfo, error) {
	if err := c.auth(ctx); err != nil {
		return core.StoreInfo{}, err
	}
	return c.s.Info(ctx)
}

// Products implements core.Store.
func (c *session) Products(ctx context.Context, since time.Time, fn func([]core.StoreProduct) error) error {
	if err := c.auth(ctx); err != nil {
		return err
	}
	return c.s.Products(ctx, since, fn)
}

// Stock implements core.Store.
func (c *session) Stock(ctx context.Context, since time.Time, fn func(core.StockPage) error) error {
	if err := c.auth(ctx); err != nil {
		return err
	}
	return c.s.Stock(ctx, since, fn)
}

// Orders implements core.Store.
func (c *session) Orders(ctx context.Context, since time.Time, fn func([]core.StoreOrder) error) error {
	if err := c.auth(ctx); err != nil {
		return err
	}
	return c.s.Orders(ctx, since, fn)
}

// OrdersByNumber implements core.Store.
func (c *session) OrdersByNumber(ctx context.Context, numbers []string) ([]core.StoreOrder, error) {
	if err := c.auth(ctx); err != nil {
		return nil, err
	}
	return c.s.OrdersByNumber(ctx, numbers)
}

// CreateProduct implements core.Store.
func (c *session) CreateProduct(ctx context.Context, p core.ProductFields) (core.StoreProduct, error) {
	if err := c.auth(ctx); err != nil {
		return core.StoreProduct{}, err
	}
	return c.s.CreateProduct(ctx, p)
}

// UpdateProduct implements core.Store.
func (c *session) UpdateProduct(ctx context.Context, ref core.StoreProduct, p core.ProductFields, fields core.FieldSet) (core.StoreProduct, error) {
	if err := c.auth(ctx); err != nil {
		return core.StoreProduct{}, err
	}
	return c.s.UpdateProduct(ctx, ref, p, fields)
}

// AdjustStock implements core.Store.
func (c *session) AdjustStock(ctx context.Context, changes []core.StockChange) ([]core.StockResult, error) {
	if err := c.auth(ctx); err != nil {
		return nil, err
	}
	return c.s.AdjustStock(ctx, changes)
}
