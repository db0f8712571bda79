// Package wootest is an in-memory WooCommerce store answering the WooCommerce REST API (wc/v3)
// over HTTP, for tests and demos.
//
// A Server holds one store's state (categories, simple and variable products with variations,
// customers, orders, refunds) and answers, under /wp-json/wc/v3:
//
//	GET  /system_status, /data/currencies/current
//	GET  /products (page, per_page ≤ 100, orderby, order, include, sku — which matches variations
//	     too —, type, modified_after with dates_are_gmt), GET /products/{id} (a variation too)
//	POST /products, PUT /products/{id}, POST /products/batch (create/update, at most 100)
//	GET  /products/{id}/variations (include), PUT /products/{id}/variations/{vid},
//	     POST /products/{id}/variations/batch
//	GET  /products/categories (search), POST /products/categories
//	GET  /orders (status, include, search, modified_after, after, dates_are_gmt, orderby, order)
//	GET  /orders/{id}, GET /orders/{id}/refunds
//
// and GET /wp-json/ (the site index, without authentication). Bodies are plain JSON arrays or
// objects with WooCommerce's shapes: ids are numbers, money is strings (two decimals for order
// amounts, product prices as stored, line taxes[] and coupon discounts raw and unrounded), dates
// come as date_* (site time, Asia/Riyadh) and date_*_gmt, lists carry X-WP-Total and
// X-WP-TotalPages. Errors are {"code","message","data":{"status"}}.
//
// Authentication: HTTP Basic (consumer key and secret) or the consumer_key and consumer_secret
// query parameters. With Options.StripAuthorization the Authorization header is ignored, as on
// hosts that drop it, and only query keys work.
//
// Money model (per order): a line's before-tax subtotal is price × quantity (÷ (1 + rate) when
// prices include tax), kept to 6 places; a coupon takes a percentage of each line, or a fixed
// amount spread over the lines in proportion (the last line takes the remainder); line tax is
// total × rate, raw. Lines, shipping and fees are shown rounded to 2 places; the order's cart
// tax and shipping tax are rounded once over the order, so the rounded line taxes may differ
// from them by a cent, as with "round tax at subtotal level". The total is Σ rounded line totals
// + shipping + fees + total tax.
package wootest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shopspring/decimal"

	"mizan/platforms/storetest"
)

// Options configure a Server.
type Options struct {
	Key, Secret string // default ck_test… / cs_test…
	Clock       *Clock // default: a clock at 2026-03-01 09:00 UTC
	// StripAuthorization ignores the Authorization header, like hosts that drop it.
	StripAuthorization bool
	Currency           string // default SAR
	Name               string // site title
	Version            string // WooCommerce version, default 9.8.5
	PricesIncludeTax   bool
	// COGS turns on the Cost of Goods Sold fields.
	COGS bool
	// SlowDelay is how long a FaultSlow response waits (default 300ms).
	SlowDelay time.Duration
	// SiteURL is the site's address as WordPress reports it (home_url() and siteurl, in the site
	// index and the system status report); default: the address the request reached.
	SiteURL string
}

// Server is the store. Its methods are safe for concurrent use.
type Server struct {
	mu    sync.Mutex
	opt   Options
	clock *Clock
	st    *state

	faults     []*Fault
	requests   atomic.Int64
	byPath     storetest.Counter
	stockHook  func()
	midPaging  bool
	lastSearch string
}

// NewServer makes an empty store.
func NewServer(o Options) *Server {
	if o.Key == "" {
		o.Key = "ck_test_0123456789abcdef0123456789abcdef0123"
	}
	if o.Secret == "" {
		o.Secret = "cs_test_fedcba9876543210fedcba9876543210fedc"
	}
	if o.Clock == nil {
		o.Clock = NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	}
	if o.Currency == "" {
		o.Currency = "SAR"
	}
	if o.Name == "" {
		o.Name = "متجر التمور &amp; Dates"
	}
	if o.Version == "" {
		o.Version = "9.8.5"
	}
	if o.SlowDelay == 0 {
		o.SlowDelay = 300 * time.Millisecond
	}
	return &Server{opt: o, clock: o.Clock, st: newState()}
}

// siteURL is the site's address: the configured one, or the one the request reached.
func (s *Server) siteURL(r *http.Request) string {
	if s.opt.SiteURL != "" {
		return s.opt.SiteURL
	}
	return "http://" + r.Host
}

// Start serves the store on a loopback httptest server.
func (s *Server) Start() *httptest.Server { return httptest.NewServer(s) }

// Clock is the store's clock.
func (s *Server) Clock() *Clock { return s.clock }

// Key and Secret are the store's API keys.
func (s *Server) Key() string    { return s.opt.Key }
func (s *Server) Secret() string { return s.opt.Secret }

// SetStripAuthorization turns the header-stripping host behaviour on or off.
func (s *Server) SetStripAuthorization(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opt.StripAuthorization = on
}

// OnStockWrite sets a function run when a request that writes stock_quantity arrives, before it
// is applied (to simulate a sale in between). It runs without the store's lock held.
func (s *Server) OnStockWrite(fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stockHook = fn
}

// Requests counts every HTTP request received (the site index and other pages included).
func (s *Server) Requests() int { return int(s.requests.Load()) }

// RequestsTo counts API requests whose path (after /wp-json/wc/v3) starts with prefix.
func (s *Server) RequestsTo(prefix string) int {
	return s.byPath.Prefix(prefix)
}

const apiPrefix = "/wp-json/wc/v3"

// apiError is a WordPress error.
type apiError struct {
	status        int
	code, message string
	extra         map[string]any
}

func (e *apiError) Error() string { return e.message }

func errorf(status int, code, format string, a ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, a...)}
}

// answer is what a handler returns: a body and the list headers.
type answer struct {
	status     int
	body       any
	total      int
	totalPages int
	list       bool
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Date", s.clock.Now().Format(http.TimeFormat))
	s.requests.Add(1)
	switch {
	case r.URL.Path == "/wp-login.php":
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		fmt.Fprint(w, `<!DOCTYPE html><html><head><title>Log In &lsaquo; Store &#8212; WordPress</title></head><body class="login"><form name="loginform"></form></body></html>`)
		return
	case r.URL.Path == "/wp-json" || r.URL.Path == "/wp-json/":
		site := s.siteURL(r)
		writeJSON(w, http.StatusOK, map[string]any{"name": s.opt.Name, "description": "", "url": site, "home": site,
			"gmt_offset": 3, "timezone_string": "Asia/Riyadh", "namespaces": []string{"wp/v2", "wc/v3", "wc/store/v1"}})
		return
	case !strings.HasPrefix(r.URL.Path, apiPrefix):
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `<!DOCTYPE html><html><head><title>Page not found &#8211; Store</title></head><body>Nothing here</body></html>`)
		return
	}
	path := strings.TrimPrefix(r.URL.Path, apiPrefix)
	s.byPath.Add(path)
	s.mu.Lock()
	f := s.takeFault(path)
	s.mu.Unlock()
	if f != nil && s.writeFault(w, r, f) {
		return
	}
	if e := s.authenticate(r); e != nil {
		writeError(w, e)
		return
	}
	var body []byte
	if r.Body != nil {
		body, _ = readAll(r)
	}
	if r.Method != http.MethodGet && s.writesStock(body) {
		s.mu.Lock()
		hook := s.stockHook
		s.mu.Unlock()
		if hook != nil {
			hook()
		}
	}
	s.mu.Lock()
	ans, err := s.route(r, path, body)
	if err == nil && f != nil && f.Kind == FaultChangeMidPaging {
		s.midPaging = true
	}
	mid := s.midPaging && err == nil && ans.list && strings.HasPrefix(path, "/orders") && r.URL.Query().Get("page") != "" && r.URL.Query().Get("page") != "0"
	s.mu.Unlock()
	if err != nil {
		writeError(w, err)
		return
	}
	raw, _ := json.Marshal(ans.body)
	if ans.list {
		w.Header().Set("X-WP-Total", strconv.Itoa(ans.total))
		w.Header().Set("X-WP-TotalPages", strconv.Itoa(ans.totalPages))
	}
	if f != nil && f.Kind == FaultTruncated {
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(raw)))
		w.WriteHeader(http.StatusOK)
		w.Write(raw[:len(raw)/2])
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(ans.status)
	w.Write(raw)
	if mid {
		s.changeAfterPage(ans.body)
	}
}

// changeAfterPage changes the first order of a page just served (a note, a status change), so
// the next page is read while the store changes.
func (s *Server) changeAfterPage(body any) {
	list, ok := body.([]any)
	if !ok || len(list) == 0 {
		return
	}
	m, ok := list[0].(map[string]any)
	if !ok {
		return
	}
	id, _ := m["id"].(int64)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.midPaging = false
	if o := s.st.orders[id]; o != nil {
		if o.Status == "processing" {
			s.setStatus(o, "completed")
		} else {
			o.Changed = s.clock.Now()
		}
	}
}

func readAll(r *http.Request) ([]byte, error) {
	var b bytes.Buffer
	_, err := b.ReadFrom(r.Body)
	return b.Bytes(), err
}

func (s *Server) writesStock(body []byte) bool {
	return bytes.Contains(body, []byte(`"stock_quantity"`))
}

func (s *Server) authenticate(r *http.Request) *apiError {
	s.mu.Lock()
	strip := s.opt.StripAuthorization
	s.mu.Unlock()
	key, secret, ok := "", "", false
	if !strip {
		if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Basic ") {
			if raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(h, "Basic ")); err == nil {
				if k, sec, found := strings.Cut(string(raw), ":"); found {
					key, secret, ok = k, sec, true
				}
			}
		}
	}
	if !ok {
		q := r.URL.Query()
		if q.Get("consumer_key") != "" {
			key, secret, ok = q.Get("consumer_key"), q.Get("consumer_secret"), true
		}
	}
	if !ok {
		return errorf(http.StatusUnauthorized, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
	}
	if key != s.opt.Key {
		return errorf(http.StatusUnauthorized, "woocommerce_rest_authentication_error", "Consumer key is invalid.")
	}
	if secret != s.opt.Secret {
		return errorf(http.StatusUnauthorized, "woocommerce_rest_authentication_error", "Consumer secret is invalid.")
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, err error) {
	e, ok := err.(*apiError)
	if !ok {
		e = errorf(http.StatusInternalServerError, "internal_error", "%s", err.Error())
	}
	data := map[string]any{"status": e.status}
	for k, v := range e.extra {
		data[k] = v
	}
	writeJSON(w, e.status, map[string]any{"code": e.code, "message": e.message, "data": data})
}

func dec(s string) decimal.Decimal {
	d, err := decimal.NewFromString(strings.TrimSpace(s))
	if err != nil {
		return decimal.Zero
	}
	return d
}
