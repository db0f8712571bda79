package salla

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"mizan/core"
	"mizan/platforms/categories"
	"mizan/platforms/httpx"
	"mizan/platforms/jsontime"
	"mizan/platforms/options"
)

// Options tune a Store beyond its connection settings; the zero value is right for production.
type Options struct {
	// Tuning's Now is also the clock the access token's expiry is read on.
	httpx.Tuning
	// RefreshEarly is how long before its expiry the access token is renewed (default a day).
	RefreshEarly time.Duration
}

// Store is a connection to one Salla store. It implements core.Store and is safe for
// concurrent use.
type Store struct {
	ep      Endpoints
	http    *httpx.Client // API requests: retried and paced by Salla's rate-limit headers
	once    *httpx.Client // token renewals: one attempt, as a refresh token is spent by any that arrives
	writes  *httpx.Client // relative stock changes: retried only on 429 (see AdjustStock)
	log     *slog.Logger
	now     func() time.Time
	early   time.Duration
	rotate  core.RotateFunc
	branchO string // the branch option as the merchant wrote it
	// restockNotes: the items of a credit note went back into stock (the connection's setting).
	restockNotes bool
	skew         atomic.Int64
	clocked      atomic.Bool // skew is known: the store has sent a Date header
	noEarly      atomic.Bool // renewed tokens expire within the margin: renew only on a 401

	// tok guards the tokens; refreshing holds it, so renewals never overlap in this Store.
	tok      sync.Mutex
	access   string
	refresh  string
	expires  time.Time // zero when unknown
	clientID string
	secret   string

	mu       sync.Mutex
	branchID string // the stock branch, once resolved
	branchNm string
	statuses map[string]string // the store's status ids (custom ones included) → original slug
	// The catalogue as last read, to name the variant of an order item (which has no id):
	// variant ids by lower-case SKU, and by their option value ids (sorted, comma-joined).
	bySKU     map[string]string
	byOptions map[string]string
	byName    map[string]string // by lower-case full name, "" when two items share it
	// cats are the store's category ids by name, as found or created (none once Salla refused
	// the app access to categories: its scopes).
	cats categories.Cache
}

var _ core.Store = (*Store)(nil)

// riyadh is Salla's zone: times written without a zone are in it.
var riyadh = func() *time.Location {
	loc, err := jsontime.Zone("Asia/Riyadh")
	if err != nil {
		return time.FixedZone("Asia/Riyadh", 3*3600)
	}
	return loc
}()

// New opens a connection. It checks the settings but does not contact the store (Info does).
func New(cfg core.StoreConfig, o Options) (*Store, error) {
	ep, err := EndpointsFor(cfg.StoreURL)
	if err != nil {
		return nil, err
	}
	cred := func(k string) string { return strings.TrimSpace(cfg.Credentials[k]) }
	s := &Store{ep: ep, now: o.Now, early: o.RefreshEarly, rotate: cfg.Rotate,
		access: cred(CredAccessToken), refresh: cred(CredRefreshToken), clientID: cred(CredClientID), secret: cred(CredClientSecret),
		branchO: strings.TrimSpace(cfg.Options[OptBranch])}
	if s.restockNotes, err = options.YesNo("salla", OptRestock, Platform().Option(cfg.Options, OptRestock)); err != nil {
		return nil, err
	}
	if s.access == "" && s.refresh == "" {
		return nil, errors.New("salla: the access token (or a refresh token to get one) is needed: connect the store with Salla first")
	}
	if v := cred(CredExpiresAt); v != "" {
		exp, err := parseExpiry(v)
		if err != nil {
			return nil, fmt.Errorf("salla: the access token expiry %w", err)
		}
		s.expires = exp
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.early <= 0 {
		s.early = 24 * time.Hour
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s.log = log.With("platform", "salla")
	pacer := &httpx.Pacer{}
	s.http = o.Client(cfg.HTTPClient, s.log, "salla", pacer)
	s.once = o.Once(cfg.HTTPClient, s.log, "salla", nil)
	s.writes = o.Once(cfg.HTTPClient, s.log, "salla", pacer)
	return s, nil
}

// parseExpiry reads expires_at: Unix seconds (what Salla's `expires` gives), or a time.
func parseExpiry(v string) (time.Time, error) {
	if n, err := strconv.ParseFloat(v, 64); err == nil {
		if n <= 0 || n > 1e11 {
			return time.Time{}, fmt.Errorf("%q is not a time", v)
		}
		return time.Unix(int64(n), 0).UTC(), nil
	}
	t, err := jsontime.Parse(v, time.UTC)
	if err != nil || !t.Valid {
		return time.Time{}, fmt.Errorf("%q is not a time", v)
	}
	return t.Time, nil
}

// reply is a decoded answer's metadata.
type reply struct {
	Date       time.Time // the store's clock (Date header), or the local clock
	Page       int       // pagination.currentPage, 0 when absent
	TotalPages int       // pagination.totalPages, -1 when absent
}

// call sends one API request with the access token and decodes the envelope's data into out.
// path is relative to the API's base (or a full address on the OAuth host). A 401 renews the
// token once (when the connection can) and tries again.
func (s *Store) call(ctx context.Context, op, method, path string, q url.Values, body any, out any) (reply, error) {
	return s.callWith(ctx, s.http, op, method, path, q, body, out)
}

func (s *Store) callWith(ctx context.Context, c *httpx.Client, op, method, path string, q url.Values, body any, out any) (reply, error) {
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return reply{}, fmt.Errorf("%s: %w", op, err)
		}
	}
	u := path
	if !strings.HasPrefix(path, "http://") && !strings.HasPrefix(path, "https://") {
		u = s.ep.API + path
	}
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	for renewed := false; ; renewed = true {
		token, err := s.token(ctx)
		if err != nil {
			return reply{}, err
		}
		h := http.Header{"Accept": {"application/json"}, "Authorization": {"Bearer " + token}}
		if raw != nil {
			h.Set("Content-Type", "application/json")
		}
		resp, err := c.Do(ctx, httpx.Request{Op: op, Method: method, URL: u, Header: h, Body: raw, Inspect: httpx.RetryCutJSON})
		if err != nil {
			return reply{}, s.clean(err)
		}
		rep := s.replyOf(resp)
		if resp.Status == http.StatusUnauthorized && !renewed && s.canRenew() && !scopeRefusal(resp.Body) {
			if err := s.renewAfter(ctx, token); err != nil {
				return rep, err
			}
			continue
		}
		env, err := s.check(op, resp)
		if err != nil {
			return rep, err
		}
		if env.Pagination != nil {
			rep.Page = int(env.Pagination.CurrentPage.IntPart())
			if env.Pagination.TotalPages.Valid {
				rep.TotalPages = int(env.Pagination.TotalPages.IntPart())
			}
		}
		if out != nil {
			data := env.Data
			if len(data) == 0 { // an answer without the envelope (user/info)
				data = resp.Body
			}
			if err := json.Unmarshal(data, out); err != nil {
				return rep, s.storeErr(op, 0, "unexpected answer: "+err.Error(), nil)
			}
		}
		return rep, nil
	}
}

// scopeRefusal: a 401 that says the app lacks a scope, which a new token would not change.
func scopeRefusal(body []byte) bool {
	var env envelope
	if json.Unmarshal(body, &env) != nil || env.Error == nil {
		return false
	}
	t := strings.ToLower(env.Error.code() + " " + env.Error.text())
	return strings.Contains(t, "scope")
}

func (s *Store) replyOf(resp *httpx.Response) reply {
	rep := reply{Date: s.now().UTC(), TotalPages: -1}
	if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		rep.Date = d.UTC()
		s.skew.Store(int64(d.Sub(s.now())))
		s.clocked.Store(true)
	}
	return rep
}

// check turns a non-success answer into a *core.StoreError with what Salla said.
func (s *Store) check(op string, resp *httpx.Response) (envelope, error) {
	var env envelope
	st := resp.Status
	perr := json.Unmarshal(resp.Body, &env)
	if st >= 200 && st < 300 {
		if perr != nil && httpx.LooksHTML(resp) {
			return env, s.storeErr(op, st, "the store answered with a web page instead of API data: something between Mizan and Salla (a proxy, a captive portal) answered in its place", nil)
		}
		if perr != nil {
			return env, s.storeErr(op, st, "the store's answer is not valid JSON", core.ErrUnreachable)
		}
		if env.Success != nil && !*env.Success {
			msg := "the store refused the request"
			if env.Error != nil && env.Error.text() != "" {
				msg = env.Error.text()
			}
			return env, s.storeErr(op, st, msg, nil)
		}
		return env, nil
	}
	msg := ""
	if perr == nil && env.Error != nil {
		msg = env.Error.text()
		if c := env.Error.code(); c != "" && c != strconv.Itoa(st) {
			if msg == "" {
				msg = c
			} else {
				msg += " (" + c + ")"
			}
		}
	}
	if msg == "" {
		msg = http.StatusText(st)
	}
	switch {
	case st >= 300 && st < 400:
		return env, s.storeErr(op, st, "the store redirected the API request to "+redirectTarget(resp)+": not followed", nil)
	case st == http.StatusUnauthorized:
		return env, s.storeErr(op, st, "Salla refused the access token: "+msg+". Connect the store again if this persists", core.ErrUnauthorized)
	case st == http.StatusForbidden:
		return env, s.storeErr(op, st, "Salla refused the request: "+msg+". The app may lack a scope (products.read_write, categories.read_write, orders.read, customers.read, branches.read), or Salla blocked it after many errors", core.ErrUnauthorized)
	case st == http.StatusNotFound || st == http.StatusGone:
		return env, s.storeErr(op, st, msg, core.ErrNotFound)
	}
	return env, s.storeErr(op, st, msg, nil)
}

func redirectTarget(resp *httpx.Response) string {
	if w := httpx.RedactURL(resp.Header.Get("Location")); w != "(url)" {
		return w
	}
	return "another page"
}

func (s *Store) storeErr(op string, status int, msg string, sentinel error) error {
	return &core.StoreError{Op: s.scrub(op), Status: status, Message: s.scrub(msg), Err: sentinel}
}

// scrub removes the credentials from a text, should the store or a proxy echo them.
func (s *Store) scrub(t string) string { return httpx.Redact(t, s.secrets()...) }

// clean scrubs credentials from an error's message, keeping what it wraps.
func (s *Store) clean(err error) error { return httpx.RedactError(err, s.secrets()...) }

func (s *Store) secrets() []string {
	s.tok.Lock()
	defer s.tok.Unlock()
	return []string{s.access, s.refresh, s.secret, s.clientID}
}

// perPage is the largest page Salla serves (the docs say 60; the schema allows 65).
const perPage = 60

// pages lists a collection page by page, calling fn with each page's raw items. It stops at
// pagination.totalPages (read again on every page), or at a short page when there is none.
func (s *Store) pages(ctx context.Context, op, path string, q url.Values, fn func(rep reply, items []json.RawMessage) (more bool, err error)) error {
	if q == nil {
		q = url.Values{}
	}
	q.Set("per_page", strconv.Itoa(perPage))
	for page := 1; ; page++ {
		q.Set("page", strconv.Itoa(page))
		var items []json.RawMessage
		rep, err := s.call(ctx, fmt.Sprintf("%s (page %d)", op, page), http.MethodGet, path, q, nil, &items)
		if err != nil {
			return err
		}
		more := true
		if len(items) > 0 {
			if more, err = fn(rep, items); err != nil {
				return err
			}
		}
		if !more || len(items) == 0 || (rep.TotalPages >= 0 && page >= rep.TotalPages) || (rep.TotalPages < 0 && len(items) < perPage) {
			return nil
		}
	}
}

// storeNow is the store's clock as last seen through Date headers.
func (s *Store) storeNow() time.Time {
	return s.now().Add(time.Duration(s.skew.Load())).UTC()
}

func sortStrings(v []string) { sort.Strings(v) }
