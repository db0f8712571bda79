package zid

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"mizan/core"
	"mizan/platforms/categories"
	"mizan/platforms/httpx"
	"mizan/platforms/jsontime"
	"mizan/platforms/oauth"
)

// Options tune a Store beyond its connection settings; the zero value is right for production.
type Options struct {
	httpx.Tuning
	// ProductLimit is how many requests a minute Zid allows on its product endpoints (default
	// 60); negative turns the pacing off (a test store without the limit).
	ProductLimit int
}

// ProductLimit is Zid's documented limit on its product endpoints: 60 requests a minute per app
// and store.
const ProductLimit = 60

// Store is a connection to one Zid store. It implements core.Store and is safe for concurrent
// use.
type Store struct {
	ep       Endpoints
	api      *httpx.Client // manager endpoints: retried, not limited
	products *httpx.Client // product and location endpoints: retried and paced to Zid's limit
	once     *httpx.Client // token renewals: one attempt, as a refresh token may be spent by any that arrives
	log      *slog.Logger
	now      func() time.Time
	rotate   core.RotateFunc
	locO     string // the location option as the merchant wrote it
	skew     atomic.Int64

	tok   sync.Mutex // guards creds; a renewal holds it, so renewals never overlap in this Store
	creds map[string]string

	mu      sync.Mutex
	storeID string // the store's id, once known
	locID   string // the stock location, once resolved
	locName string
	// keepsCancelled: the store's profile says it does not put a cancelled order's units back
	// into stock (is_restock_cancelled_orders_enabled false); by default it does.
	keepsCancelled bool
	// levels are the quantities a full read of the catalogue found, page by page as each was
	// read (levelsAt: when the read began), which Stock hands over instead of reading every page
	// again; a write drops them.
	levels   []core.StockPage
	levelsAt time.Time

	// cats are the store's category ids by name, as found or created (none once Zid refused the
	// app access to them).
	cats categories.Cache

	// storeDocs: the connection says the store issues the tax invoices, so their QR text is read
	// (storedoc.go).
	storeDocs bool
}

// dropLevels forgets the quantities read with the catalogue.
func (s *Store) dropLevels() {
	s.mu.Lock()
	s.levels, s.levelsAt = nil, time.Time{}
	s.mu.Unlock()
}

var _ core.Store = (*Store)(nil)

// New opens a connection. It checks the settings but does not contact the store (Info does).
func New(cfg core.StoreConfig, o Options) (*Store, error) {
	ep, err := EndpointsFor(cfg.StoreURL)
	if err != nil {
		return nil, err
	}
	creds := map[string]string{}
	for k, v := range cfg.Credentials {
		if v = strings.TrimSpace(v); v != "" {
			creds[k] = v
		}
	}
	if creds[CredAccessToken] == "" || creds[CredAuthorization] == "" {
		return nil, errors.New("zid: the manager token (access_token) and the Authorization token are both needed: connect the store with Zid first")
	}
	if v := creds[CredExpiresAt]; v != "" {
		if _, err := parseExpiry(v); err != nil {
			return nil, fmt.Errorf("zid: the token expiry %w", err)
		}
	}
	s := &Store{ep: ep, now: o.Now, rotate: cfg.Rotate, creds: creds, storeID: strings.TrimSpace(cfg.Options[OptStoreID]),
		locO: strings.TrimSpace(cfg.Options[OptLocation]), storeDocs: cfg.StoreIssuesInvoices}
	if s.now == nil {
		s.now = time.Now
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s.log = log.With("platform", "zid")
	limit := o.ProductLimit
	if limit == 0 {
		limit = ProductLimit
	}
	pacer := &httpx.Pacer{}
	if limit > 0 {
		pacer.Limit, pacer.Window = limit, time.Minute
	}
	s.api = o.Client(cfg.HTTPClient, s.log, "zid", nil)
	s.products = o.Client(cfg.HTTPClient, s.log, "zid", pacer)
	s.once = o.Once(cfg.HTTPClient, s.log, "zid", nil)
	return s, nil
}

// parseExpiry reads expires_at: Unix seconds, or a time.
func parseExpiry(v string) (time.Time, error) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 || n > 1e11 {
			return time.Time{}, fmt.Errorf("%q is not a time", v)
		}
		return time.Unix(n, 0).UTC(), nil
	}
	t, err := jsontime.Parse(v, time.UTC)
	if err != nil || !t.Valid {
		return time.Time{}, fmt.Errorf("%q is not a time", v)
	}
	return t.Time, nil
}

// scheme says which credentials a request carries.
type scheme int

const (
	manager scheme = iota // Authorization + X-Manager-Token
	catalog               // Authorization + Access-Token + Store-Id + Role: Manager (products, locations)
)

// request is one API call.
type request struct {
	op     string
	scheme scheme
	method string
	path   string // relative to the API's base, or a full address already checked (a next link)
	query  url.Values
	body   any        // sent as JSON
	form   url.Values // sent as a form instead (the manager endpoints that take one)
}

// reply is an answer's metadata.
type reply struct {
	Date   time.Time // the store's clock (Date header), or the local clock
	Status int
}

// do sends one request and decodes the answer into out. A 401 renews the tokens once (when the
// connection can) and tries again.
func (s *Store) do(ctx context.Context, r request, out any) (reply, error) {
	var raw []byte
	ctype := "application/json"
	switch {
	case r.form != nil:
		raw, ctype = []byte(r.form.Encode()), "application/x-www-form-urlencoded"
	case r.body != nil:
		var err error
		if raw, err = json.Marshal(r.body); err != nil {
			return reply{}, fmt.Errorf("%s: %w", r.op, err)
		}
	}
	u := r.path
	if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		u = s.ep.API + r.path
	}
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	c := s.api
	var storeID string
	if r.scheme == catalog {
		c = s.products
		var err error
		if storeID, err = s.storeIdentity(ctx); err != nil {
			return reply{}, err
		}
	}
	for renewed := false; ; renewed = true {
		creds := s.current()
		h := http.Header{"Accept": {"application/json"}, "Accept-Language": {"en"},
			"Authorization": {"Bearer " + creds[CredAuthorization]}}
		if r.scheme == catalog {
			h.Set("Access-Token", creds[CredAccessToken])
			h.Set("Store-Id", storeID)
			h.Set("Role", "Manager")
		} else {
			h.Set("X-Manager-Token", creds[CredAccessToken])
		}
		if raw != nil {
			h.Set("Content-Type", ctype)
		}
		resp, err := c.Do(ctx, httpx.Request{Op: r.op, Method: r.method, URL: u, Header: h, Body: raw, Inspect: httpx.RetryCutJSON})
		if err != nil {
			return reply{}, s.clean(err)
		}
		rep := s.replyOf(resp)
		if resp.Status == http.StatusUnauthorized && !renewed && s.canRenew() {
			if err := s.renew(ctx, creds[CredAccessToken]); err != nil {
				return rep, s.clean(err)
			}
			continue
		}
		if err := s.check(r.op, resp); err != nil {
			return rep, err
		}
		if out != nil && len(bytes.TrimSpace(resp.Body)) > 0 {
			if err := json.Unmarshal(resp.Body, out); err != nil {
				return rep, s.storeErr(r.op, 0, "unexpected answer: "+err.Error(), nil)
			}
		}
		return rep, nil
	}
}

func (s *Store) replyOf(resp *httpx.Response) reply {
	rep := reply{Date: s.now().UTC(), Status: resp.Status}
	if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		rep.Date = d.UTC()
		s.skew.Store(int64(d.Sub(s.now())))
	}
	return rep
}

// storeNow is the store's clock as last seen through Date headers.
func (s *Store) storeNow() time.Time {
	return s.now().Add(time.Duration(s.skew.Load())).UTC()
}

// apiError is what Zid says when it refuses a request: its manager endpoints write
// {message: {code, name, description}} or {message: "…"}, its product endpoints DRF's
// {detail: "…"} or {field: ["…"]}.
func apiError(body []byte) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return ""
	}
	for _, k := range []string{"message", "detail", "error_description", "error"} {
		raw := bytes.TrimSpace(m[k])
		if len(raw) == 0 {
			continue
		}
		var str string
		if json.Unmarshal(raw, &str) == nil && strings.TrimSpace(str) != "" {
			return strings.TrimSpace(str)
		}
		var obj struct {
			Description, Name, Code, Message json.RawMessage
		}
		if raw[0] == '{' && json.Unmarshal(raw, &obj) == nil {
			for _, v := range []json.RawMessage{obj.Description, obj.Message, obj.Name, obj.Code} {
				if json.Unmarshal(v, &str) == nil && strings.TrimSpace(str) != "" {
					return strings.TrimSpace(str)
				}
			}
		}
	}
	var fields []string
	for k, raw := range m {
		var msgs []string
		if json.Unmarshal(raw, &msgs) == nil && len(msgs) > 0 {
			fields = append(fields, k+": "+strings.Join(msgs, "; "))
		}
	}
	sortStrings(fields)
	return strings.Join(fields, ", ")
}

// check turns a refusal into a *core.StoreError with what Zid said.
func (s *Store) check(op string, resp *httpx.Response) error {
	st := resp.Status
	if st >= 200 && st < 300 {
		if len(bytes.TrimSpace(resp.Body)) > 0 && !json.Valid(resp.Body) {
			if httpx.LooksHTML(resp) {
				return s.storeErr(op, st, "the store answered with a web page instead of API data: something between Mizan and Zid (a proxy, a captive portal) answered in its place", nil)
			}
			return s.storeErr(op, st, "the store's answer is not valid JSON", core.ErrUnreachable)
		}
		return nil
	}
	msg := apiError(resp.Body)
	if msg == "" {
		msg = http.StatusText(st)
	}
	switch {
	case st >= 300 && st < 400:
		return s.storeErr(op, st, "the store redirected the API request: not followed", nil)
	case st == http.StatusUnauthorized:
		return s.storeErr(op, st, "Zid refused the tokens: "+msg+". Connect the store again if this persists", core.ErrUnauthorized)
	case st == http.StatusForbidden:
		return s.storeErr(op, st, "Zid refused the request: "+msg+". The app may lack a permission in Zid's partner dashboard (products, inventory, orders)", core.ErrUnauthorized)
	case st == http.StatusNotFound || st == http.StatusGone:
		return s.storeErr(op, st, msg, core.ErrNotFound)
	}
	return s.storeErr(op, st, msg, nil)
}

// storeErr is Zid's refusal as an error, with any credential it echoes redacted.
func (s *Store) storeErr(op string, status int, msg string, sentinel error) error {
	return s.clean(&core.StoreError{Op: op, Status: status, Message: msg, Err: sentinel})
}

// clean scrubs credentials from an error's message, keeping what it wraps.
func (s *Store) clean(err error) error { return httpx.RedactError(err, s.secrets()...) }

func (s *Store) secrets() []string {
	s.tok.Lock()
	defer s.tok.Unlock()
	return []string{s.creds[CredAccessToken], s.creds[CredAuthorization], s.creds[CredRefreshToken],
		s.creds[CredClientSecret], s.creds[CredClientID]}
}

// current is a copy of the credentials in use.
func (s *Store) current() map[string]string {
	s.tok.Lock()
	defer s.tok.Unlock()
	return maps.Clone(s.creds)
}

// canRenew says whether the connection has what a renewal needs.
func (s *Store) canRenew() bool {
	s.tok.Lock()
	defer s.tok.Unlock()
	return s.creds[CredRefreshToken] != "" && s.creds[CredClientID] != "" && s.creds[CredClientSecret] != ""
}

// renew renews the tokens after Zid refused used, unless they changed since (another request
// renewed them meanwhile). Zid's tokens last a year, so they are renewed only when refused: a
// renewal is one request, never repeated (the old refresh token may be spent by one whose answer
// was lost), and the new tokens are used only once Rotate has saved them.
func (s *Store) renew(ctx context.Context, used string) error {
	s.tok.Lock()
	defer s.tok.Unlock()
	if s.creds[CredAccessToken] != used {
		return nil
	}
	held := maps.Clone(s.creds)
	creds, err := oauth.Renew(ctx, s.rotate, held, CredAccessToken, used, func(current map[string]string) (map[string]string, error) {
		rt := current[CredRefreshToken]
		if rt == "" {
			rt = held[CredRefreshToken]
		}
		var extra url.Values
		if r := current[CredRedirect]; r != "" {
			extra = url.Values{"redirect_uri": {r}}
		}
		tok, err := oauth.Refresh(ctx, s.once, s.ep.OAuth, held[CredClientID], held[CredClientSecret], rt, extra)
		if err != nil {
			return nil, fmt.Errorf("zid: %w", err)
		}
		auth := tok.ExtraField("Authorization")
		if auth == "" {
			return nil, &core.StoreError{Op: "refresh the access token", Message: "Zid's answer has no Authorization token"}
		}
		changed := map[string]string{CredAccessToken: tok.AccessToken, CredAuthorization: auth, CredRefreshToken: tok.RefreshToken}
		if !tok.Expiry.IsZero() {
			changed[CredExpiresAt] = strconv.FormatInt(tok.Expiry.Unix(), 10)
		}
		return changed, nil
	})
	if err != nil {
		return err
	}
	for k, v := range creds {
		if strings.TrimSpace(v) != "" {
			s.creds[k] = v
		}
	}
	if s.rotate == nil {
		s.log.Info("renewed the tokens (kept in memory: the connection is not saved yet)")
	} else {
		s.log.Info("renewed the tokens")
	}
	return nil
}
