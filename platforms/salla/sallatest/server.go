package sallatest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"mizan/platforms/storetest"
)

// Options configure a Server.
type Options struct {
	// Clock drives the store's timestamps and token expiry (default: stopped at 2026-03-01 09:00 UTC).
	Clock *storetest.Clock
	// ClientID and ClientSecret are the app's (defaults given).
	ClientID, ClientSecret string
	// RedirectURI is the app's registered redirect address; empty accepts any loopback
	// http://127.0.0.1:PORT/… or http://localhost:PORT/… address.
	RedirectURI string
	// MerchantID is the store's id (merchant.id in user info); StoreName its name.
	MerchantID int64
	StoreName  string
	// TokenLifetime is how long an access token lives (default 14 days).
	TokenLifetime time.Duration
	// ExpiresIn also sends expires_in (seconds) beside expires in token answers.
	ExpiresIn bool

	// RateLimit is the store plan's requests a minute: 0 is Plus (120); a negative value turns
	// the limit off (the headers are still sent, and Remaining never drops). Pro is 360,
	// Special 720.
	RateLimit int
	// LeakPerSecond is how fast the bucket drains (default RateLimit/60: the limit spread over
	// the minute). The docs also say that past the limit "1 request per second" gets through;
	// set it to 1 to model that reading.
	LeakPerSecond float64
	// RateNow is the time the rate limiter runs on (default the wall clock: a client waits
	// real seconds for Retry-After, whatever the store's clock says).
	RateNow func() time.Time

	// ListOmitsSKUs makes GET /products leave out skus[] (then only /products/{id} and
	// /products/{id}/variants have them).
	ListOmitsSKUs bool
	// ExtendedDetail makes GET /orders/{id} without format=light answer the deprecated
	// extended form (with items); by default the detail is light whatever is asked, as for
	// apps created after 15 August 2024.
	ExtendedDetail bool
	// NoInvoices: the store issues no Tax Invoices or Credit Notes (/orders/invoices is empty);
	// returns show only as the restored status.
	NoInvoices bool
	// SlowDelay is how long a Slow fault waits by default (300ms).
	SlowDelay time.Duration
}

// Server is one Salla store. Its methods are safe for concurrent use.
type Server struct {
	mu    sync.Mutex
	opt   Options
	clock *storetest.Clock
	st    *state

	// Traffic counts the requests (API ones by their path after /admin/v2, OAuth ones under
	// /oauth2) and holds the faults: a fault's Path is matched against the path after /admin/v2
	// ("/orders", "/products/quantities"); one whose Path starts with "/oauth2" reaches the OAuth
	// endpoints instead, and only such a fault does.
	storetest.Traffic
	bucket  storetest.Bucket // Salla's leaky bucket
	custBkt storetest.Bucket
	url     string
}

// NewServer makes an empty store with its default branch.
func NewServer(o Options) *Server {
	if o.Clock == nil {
		o.Clock = storetest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	}
	if o.ClientID == "" {
		o.ClientID = "0f8c51e4-7e52-4d1b-9bb5-3c1e5a7d2f10"
	}
	if o.ClientSecret == "" {
		o.ClientSecret = "5b9e7a41c0d3f2e68a1b4c7d9e0f2a3b"
	}
	if o.MerchantID == 0 {
		o.MerchantID = 847769313
	}
	if o.StoreName == "" {
		o.StoreName = "متجر الواحة للتمور"
	}
	if o.TokenLifetime == 0 {
		o.TokenLifetime = 14 * 24 * time.Hour
	}
	if o.RateLimit == 0 {
		o.RateLimit = 120
	}
	if o.RateNow == nil {
		o.RateNow = time.Now
	}
	if o.SlowDelay == 0 {
		o.SlowDelay = 300 * time.Millisecond
	}
	limit := o.RateLimit
	leak := o.LeakPerSecond
	if leak <= 0 {
		leak = math.Abs(float64(limit)) / 60
	}
	s := &Server{opt: o, clock: o.Clock, st: newState(o.Clock.Now())}
	s.bucket = storetest.Bucket{Limit: limit, Leak: leak}
	s.custBkt = storetest.Bucket{Limit: 500, Leak: 500.0 / 600} // customers: 500 per 10 minutes
	if limit < 0 {
		s.custBkt.Limit = -500
	}
	return s
}

// Start serves the store on a loopback httptest server; the API is under URL+"/admin/v2" and
// OAuth under URL+"/oauth2".
func (s *Server) Start() *httptest.Server {
	hs := httptest.NewServer(s)
	s.mu.Lock()
	s.url = hs.URL
	s.mu.Unlock()
	return hs
}

// Clock is the store's clock.
func (s *Server) Clock() *storetest.Clock { return s.clock }

// ClientID and ClientSecret are the app's credentials.
func (s *Server) ClientID() string     { return s.opt.ClientID }
func (s *Server) ClientSecret() string { return s.opt.ClientSecret }

const apiPrefix = "/admin/v2"

// apiError is an error answer: {status, success:false, error{code, message, fields}}.
type apiError struct {
	status        int
	code, message string
	fields        map[string][]string
}

func (e *apiError) Error() string { return e.message }

func errorf(status int, code, format string, a ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, a...)}
}

func invalid(field, msg string) *apiError {
	return &apiError{status: http.StatusUnprocessableEntity, code: "validation_failed", message: "alert.invalid_fields",
		fields: map[string][]string{field: {msg}}}
}

// page is a list answer's paging.
type page struct {
	total, perPage, current int
}

// answer is what an API handler returns.
type answer struct {
	status int
	data   any
	page   *page
	// afterServe runs once the answer is written (with the lock released).
	orderIDs []int64
}

func ok(data any) answer { return answer{status: http.StatusOK, data: data} }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Every answer is dated by the store's clock, the time its records carry (the rate limiter
	// alone runs on RateNow).
	w.Header().Set("Date", s.clock.Now().UTC().Format(http.TimeFormat))
	path := r.URL.Path
	switch {
	case strings.HasPrefix(path, "/oauth2/"):
		s.CountOAuth()
		// Only faults aimed at the OAuth endpoints reach them.
		oauthOnly := func(f storetest.Fault) bool { return strings.HasPrefix(f.Path, "/oauth2") }
		if f, hit := s.Faults.Take(path, oauthOnly); hit {
			if s.writeFault(w, r, f) {
				return
			}
			if f.Kind == storetest.Truncated {
				s.serveOAuth(&truncWriter{ResponseWriter: w}, r)
				return
			}
		}
		s.serveOAuth(w, r)
	case path == apiPrefix || strings.HasPrefix(path, apiPrefix+"/"):
		s.serveAPI(w, r, strings.TrimPrefix(path, apiPrefix))
	default:
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, "<!DOCTYPE html><html><head><title>404</title></head><body>Not Found</body></html>")
	}
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, path string) {
	s.CountAPI(path)

	// A fault aimed at the API (not at the OAuth endpoints).
	f, hit := s.Faults.Take(path, func(f storetest.Fault) bool {
		return f.Kind != storetest.ChangesMidPaging || path == "/orders" // only a list of orders has pages to change between
	})
	if hit && f.Kind == storetest.TokenExpires {
		s.mu.Lock()
		s.st.grants.ExpireAll(s.clock.Now())
		s.mu.Unlock()
		hit = false // the request goes on, and meets its expired token
	}
	if hit && f.Kind != storetest.ChangesMidPaging && f.Kind != storetest.Truncated && f.Kind != storetest.CutJSON {
		if s.writeFault(w, r, f) {
			return
		}
	}

	// Rate limit: every request counts, refused ones too.
	s.mu.Lock()
	b := &s.bucket
	if strings.HasPrefix(path, "/customers") {
		b = &s.custBkt
	}
	allowed, retry := b.Take(s.opt.RateNow())
	rateHeaders(b, w.Header(), s.opt.RateNow())
	s.mu.Unlock()
	if !allowed {
		w.Header().Set("Retry-After", strconv.Itoa(retry))
		writeError(w, errorf(http.StatusTooManyRequests, "too_many_requests", "Too Many Attempts."))
		return
	}

	s.mu.Lock()
	if e := s.st.authorize(r.Header.Get("Authorization"), s.clock.Now()); e != nil {
		s.mu.Unlock()
		writeError(w, e)
		return
	}
	if hit && f.Kind == storetest.CutJSON {
		s.mu.Unlock()
		body, _ := json.Marshal(map[string]any{"status": 200, "success": true, "data": []map[string]any{{"id": 1, "name": "x"}}})
		storetest.WriteCutJSON(w, body)
		return
	}
	ans, err := s.route(r, path)
	s.mu.Unlock()
	if err != nil {
		writeError(w, err)
		return
	}
	body := map[string]any{"status": ans.status, "success": true, "data": ans.data}
	if ans.page != nil {
		body["pagination"] = s.pagination(r, *ans.page)
	}
	raw, _ := json.Marshal(body)
	if hit && f.Kind == storetest.Truncated {
		storetest.WriteTruncated(w, ans.status, "application/json", raw)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(ans.status)
	_, _ = w.Write(raw)
	if hit && f.Kind == storetest.ChangesMidPaging && len(ans.orderIDs) > 0 {
		s.changeOrder(ans.orderIDs[0])
	}
}

// pagination is the list envelope's paging, with links to the pages beside this one.
func (s *Server) pagination(r *http.Request, p page) map[string]any {
	pages := (p.total + p.perPage - 1) / p.perPage
	if pages < 1 {
		pages = 1
	}
	count := p.perPage
	if rest := p.total - (p.current-1)*p.perPage; rest < count {
		count = max(rest, 0)
	}
	links := map[string]any{}
	link := func(n int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		u := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawQuery: q.Encode()}
		return u.String()
	}
	if p.current < pages {
		links["next"] = link(p.current + 1)
	}
	if p.current > 1 {
		links["previous"] = link(p.current - 1)
	}
	return map[string]any{"count": count, "total": p.total, "perPage": p.perPage, "currentPage": p.current,
		"totalPages": pages, "links": links}
}

// writeFault answers a fault; false means the request goes on (a slow answer after its wait).
func (s *Server) writeFault(w http.ResponseWriter, r *http.Request, f storetest.Fault) bool {
	switch f.Kind {
	case storetest.Throttle, storetest.TooManyRequests:
		s.mu.Lock()
		rateHeaders(&s.bucket, w.Header(), s.opt.RateNow())
		s.mu.Unlock()
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
		writeError(w, errorf(http.StatusTooManyRequests, "too_many_requests", "Too Many Attempts."))
	case storetest.ServerError:
		writeError(w, errorf(http.StatusInternalServerError, "server_error", "Server Error"))
	default:
		return storetest.WriteWireFault(w, r, f, s.opt.SlowDelay)
	}
	return true
}

// truncWriter cuts an OAuth answer in half.
type truncWriter struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (t *truncWriter) WriteHeader(code int)        { t.status = code }
func (t *truncWriter) Write(p []byte) (int, error) { return t.buf.Write(p) }
func (t *truncWriter) flush() {
	if t.status == 0 {
		t.status = http.StatusOK
	}
	storetest.WriteTruncated(t.ResponseWriter, t.status, t.Header().Get("Content-Type"), t.buf.Bytes())
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	raw, _ := json.Marshal(body)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(raw)
	if t, ok := w.(*truncWriter); ok {
		t.flush()
	}
}

func writeError(w http.ResponseWriter, e *apiError) {
	er := map[string]any{"code": e.code, "message": e.message}
	if e.fields != nil {
		er["fields"] = e.fields
	}
	writeJSON(w, e.status, map[string]any{"status": e.status, "success": false, "error": er})
}

// rateHeaders sets X-RateLimit-Limit, -Remaining and -Reset (the Unix second the bucket is
// empty).
func rateHeaders(b *storetest.Bucket, h http.Header, now time.Time) {
	limit := b.Limit
	if limit < 0 {
		h.Set("X-RateLimit-Limit", strconv.Itoa(-limit))
		h.Set("X-RateLimit-Remaining", strconv.Itoa(-limit))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(now.Unix(), 10))
		return
	}
	level := b.Level(now)
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(max(0, limit-int(math.Ceil(level)))))
	reset := now.Add(time.Duration(level / b.Leak * float64(time.Second)))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(int64(math.Ceil(float64(reset.UnixNano())/1e9)), 10))
}

// Formats.

// money is Salla's {amount, currency}; amounts are JSON numbers.
func money(d decimal.Decimal) map[string]any {
	f, _ := d.Round(2).Float64()
	return map[string]any{"amount": f, "currency": "SAR"}
}

// moneyText is the same with the amount as a string with two decimals, as some answers send it.
func moneyText(d decimal.Decimal) map[string]any {
	return map[string]any{"amount": d.StringFixed(2), "currency": "SAR"}
}

// dateObj is Salla's {date, timezone_type, timezone} in the store's time.
func dateObj(t time.Time) map[string]any {
	return map[string]any{"date": t.In(riyadh).Format("2006-01-02 15:04:05.000000"), "timezone_type": 3, "timezone": "Asia/Riyadh"}
}

// plainTime is a product's updated_at: "YYYY-MM-DD HH:MM:SS", store time.
func plainTime(t time.Time) string { return t.In(riyadh).Format("2006-01-02 15:04:05") }

func num(d decimal.Decimal) float64 {
	f, _ := d.Float64()
	return f
}

// paging reads page and per_page (default 15, at most 60: a larger per_page is cut to 60). The
// Pagination doc gives 60 as the maximum while the OpenAPI Pagination schema says 65; the
// double keeps to the doc.
func paging(q url.Values) (pageNo, perPage int, err *apiError) {
	pageNo, perPage = 1, 15
	if v := q.Get("page"); v != "" {
		n, e := strconv.Atoi(v)
		if e != nil || n < 1 {
			return 0, 0, invalid("page", "The page must be at least 1.")
		}
		pageNo = n
	}
	if v := q.Get("per_page"); v != "" {
		n, e := strconv.Atoi(v)
		if e != nil || n < 1 {
			return 0, 0, invalid("per_page", "The per page must be at least 1.")
		}
		perPage = min(n, 60)
	}
	return pageNo, perPage, nil
}

// slice cuts one page out of n items.
func slice(n, pageNo, perPage int) (int, int) {
	from := min((pageNo-1)*perPage, n)
	return from, min(from+perPage, n)
}
