package zidtest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
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
	// StoreID is the store's id (user.store.id in the profile, the Store-Id header); StoreName
	// its title.
	StoreID   int64
	StoreName string
	// TokenLifetime is how long the tokens live (default a year, as Zid's docs say).
	TokenLifetime time.Duration
	// LowercaseAuthorization sends the token answer's Authorization as "authorization", the
	// spelling some answers use.
	LowercaseAuthorization bool

	// RateLimit is the requests an app may make to the product endpoints (/v1/products…) in
	// a minute: 0 is Zid's announced 60; a negative value turns the limit off.
	RateLimit int
	// RateNow is the time the rate limiter runs on (default the wall clock: a client waits
	// real seconds for Retry-After, whatever the store's clock says).
	RateNow func() time.Time
	// SlowDelay is how long a Slow fault waits by default (300ms).
	SlowDelay time.Duration
}

// Server is one Zid store. Its methods are safe for concurrent use.
type Server struct {
	mu    sync.Mutex
	opt   Options
	clock *storetest.Clock
	st    *state

	// Traffic counts the requests (API ones under /v1, OAuth ones under /oauth) and holds the
	// faults: a fault's Path is matched against the request's path ("/v1/products",
	// "/v1/managers/store/orders"); one whose Path starts with "/oauth" reaches the OAuth
	// endpoints instead, and only such a fault does.
	storetest.Traffic
	bucket storetest.Bucket // the product endpoints' limit
}

// NewServer makes an empty store with its default location.
func NewServer(o Options) *Server {
	if o.Clock == nil {
		o.Clock = storetest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	}
	if o.RateNow == nil {
		o.RateNow = time.Now
	}
	o.ClientID, o.ClientSecret = cmp.Or(o.ClientID, "4127"), cmp.Or(o.ClientSecret, "Zk3q9VbXr2LmP7sT1cYw8NhD4fGjA6eU0oIiRtQy")
	o.StoreID, o.StoreName = cmp.Or(o.StoreID, 204857), cmp.Or(o.StoreName, "متجر نخلة للتمور")
	o.TokenLifetime = cmp.Or(o.TokenLifetime, 365*24*time.Hour) // a year, as Zid's docs say
	o.SlowDelay = cmp.Or(o.SlowDelay, 300*time.Millisecond)
	o.RateLimit = cmp.Or(o.RateLimit, 60)
	leak := math.Abs(float64(o.RateLimit)) / 60 // the limit spread over the minute
	return &Server{opt: o, clock: o.Clock, st: newState(), bucket: storetest.Bucket{Limit: o.RateLimit, Leak: leak}}
}

// Start serves the store on a loopback httptest server: the API under URL+"/v1" and OAuth under
// URL+"/oauth".
func (s *Server) Start() *httptest.Server { return httptest.NewServer(s) }

// Clock is the store's clock.
func (s *Server) Clock() *storetest.Clock { return s.clock }

// ClientID and ClientSecret are the app's credentials; StoreID the store's id.
func (s *Server) ClientID() string     { return s.opt.ClientID }
func (s *Server) ClientSecret() string { return s.opt.ClientSecret }
func (s *Server) StoreID() int64       { return s.opt.StoreID }

// scheme is how an endpoint wants its credentials.
type scheme int

const (
	// manager endpoints: Authorization: Bearer <Authorization> and X-Manager-Token.
	manager scheme = iota
	// product, location and reverse-order endpoints: Authorization: Bearer, Access-Token,
	// Store-Id and Role: Manager. Their errors are Django REST framework's {"detail": …}.
	catalogue
)

// schemeOf: the docs send the store token as Access-Token with Store-Id and Role on the
// product, location and reverse-order endpoints, and as X-Manager-Token everywhere else (the
// reverse orders' totals preview, under /managers/reverse-credit-note, included).
func schemeOf(path string) scheme {
	switch {
	case strings.HasPrefix(path, "/v1/products"), strings.HasPrefix(path, "/v1/locations"),
		strings.HasPrefix(path, "/v1/managers/store/reverse-orders"):
		return catalogue
	}
	return manager
}

// drf: the product and location endpoints are a Django REST framework service (DRF paging,
// {"detail": …} errors); the reverse orders take the catalogue's headers but answer as the
// manager endpoints do.
func drf(path string) bool {
	return strings.HasPrefix(path, "/v1/products") || strings.HasPrefix(path, "/v1/locations")
}

// apiError is an error answer. On the DRF endpoints the body is {"detail": message} (or
// {field: [message]} for a field); on the manager endpoints it is Zid's envelope with the
// message object its successful answers carry: {"status": "error", "message": {"type":
// "error", "code", "name", "description"}}.
type apiError struct {
	status        int
	code, message string
	field         string
}

func errorf(status int, code, format string, a ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, a...)}
}

func invalid(field, format string, a ...any) *apiError {
	return &apiError{status: http.StatusUnprocessableEntity, code: "validation_error", field: field, message: fmt.Sprintf(format, a...)}
}

func notFound() *apiError { return errorf(http.StatusNotFound, "not_found", "Not found.") }

// httpStatus: Django REST framework answers a field's error with 400, the manager endpoints
// with 422.
func (e *apiError) httpStatus(path string) int {
	if e.status == http.StatusUnprocessableEntity && drf(path) {
		return http.StatusBadRequest
	}
	return e.status
}

func (e *apiError) body(path string) any {
	if drf(path) {
		if e.field != "" {
			return map[string]any{e.field: []string{e.message}}
		}
		return map[string]any{"detail": e.message}
	}
	name := http.StatusText(e.status)
	out := map[string]any{"status": "error", "message": map[string]any{"type": "error", "code": e.code, "name": name,
		"description": e.message}}
	if e.field != "" {
		out["errors"] = map[string]any{e.field: []string{e.message}}
	}
	return out
}

// answer is what an API handler returns.
type answer struct {
	status int
	body   any
	// orderIDs are the orders a list served, for the ChangesMidPaging fault.
	orderIDs []int64
}

func ok(body any) answer { return answer{status: http.StatusOK, body: body} }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Every answer is dated by the store's clock, the time its records carry (the rate limiter
	// alone runs on RateNow).
	w.Header().Set("Date", s.clock.Now().UTC().Format(http.TimeFormat))
	path := r.URL.Path
	switch {
	case strings.HasPrefix(path, "/oauth/"):
		s.CountOAuth()
		s.serveOAuth(w, r)
	case strings.HasPrefix(path, "/v1/"):
		s.CountAPI(path)
		s.serveAPI(w, r)
	default:
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, "<!DOCTYPE html><html><head><title>404</title></head><body>Not Found</body></html>")
	}
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	w.Header().Set("X-Request-Id", uuid("request", s.Requests()))

	// A fault aimed at the API (not at the OAuth endpoints).
	f, hit := s.Faults.Take(path, func(f storetest.Fault) bool {
		if strings.HasPrefix(f.Path, "/oauth") {
			return false
		}
		// only a list of orders has pages to change between
		return f.Kind != storetest.ChangesMidPaging || path == "/v1/managers/store/orders"
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

	// The product endpoints' limit: every request counts, refused ones too.
	if strings.HasPrefix(path, "/v1/products") {
		s.mu.Lock()
		allowed, retry := s.bucket.Take(s.opt.RateNow())
		s.mu.Unlock()
		if !allowed {
			s.throttled(w, r, retry)
			return
		}
	}

	s.mu.Lock()
	if e := s.authorize(r); e != nil {
		s.mu.Unlock()
		writeJSON(w, e.httpStatus(path), e.body(path))
		return
	}
	if hit && f.Kind == storetest.CutJSON {
		s.mu.Unlock()
		var body any = map[string]any{"status": "object", "orders": []any{map[string]any{"id": 1, "code": "x"}}, "total_order_count": 1}
		if drf(path) {
			body = map[string]any{"count": 1, "next": nil, "previous": nil, "results": []any{map[string]any{"id": "x"}}}
		}
		raw, _ := json.Marshal(body)
		storetest.WriteCutJSON(w, raw)
		return
	}
	ans, e := s.route(r)
	s.mu.Unlock()
	if e != nil {
		writeJSON(w, e.httpStatus(path), e.body(path))
		return
	}
	if ans.body == nil {
		w.WriteHeader(ans.status)
		return
	}
	raw, _ := json.Marshal(ans.body)
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

// throttled is the answer past the product endpoints' limit. Zid documents only the 429 and
// its Retry-After (the SDK waits for it, 60 s when absent) and no rate-limit headers; the body
// is the product service's (Django REST framework's) throttling message.
func (s *Server) throttled(w http.ResponseWriter, r *http.Request, retry int) {
	w.Header().Set("Retry-After", strconv.Itoa(retry))
	unit := "seconds"
	if retry == 1 {
		unit = "second"
	}
	writeJSON(w, http.StatusTooManyRequests, map[string]any{
		"detail": fmt.Sprintf("Request was throttled. Expected available in %d %s.", retry, unit)})
}

// authorize checks a request's credentials as its endpoint wants them. Called with s.mu held.
// A missing, unknown or expired Authorization is 401; so is a missing or unknown store token, or
// one of another grant. On the catalogue endpoints a Store-Id other than the store's, or a Role
// other than Manager, is 403.
func (s *Server) authorize(r *http.Request) *apiError {
	now := s.clock.Now()
	bearer, found := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	bearer = strings.TrimSpace(bearer)
	if !found || bearer == "" {
		return errorf(http.StatusUnauthorized, "unauthorized", "Authentication credentials were not provided.")
	}
	g := s.st.grants.Find(func(g *storetest.Grant) bool { return g.Extra == bearer })
	switch {
	case g == nil || g.Revoked:
		return errorf(http.StatusUnauthorized, "unauthorized", "Invalid token.")
	case !now.Before(g.Expires):
		return errorf(http.StatusUnauthorized, "unauthorized", "Token has expired.")
	}
	header := "X-Manager-Token"
	if schemeOf(r.URL.Path) == catalogue {
		header = "Access-Token"
	}
	token := strings.TrimSpace(r.Header.Get(header))
	// The SDK creates products with X-Manager-Token; the docs send Access-Token there as on
	// every product endpoint. Both are taken on that one endpoint.
	if token == "" && r.Method == http.MethodPost && r.URL.Path == "/v1/products/" {
		token, header = strings.TrimSpace(r.Header.Get("X-Manager-Token")), "X-Manager-Token"
	}
	switch {
	case token == "":
		return errorf(http.StatusUnauthorized, "unauthorized", "The %s header is missing.", header)
	case token != g.Access:
		return errorf(http.StatusUnauthorized, "unauthorized", "The %s does not belong to this authorization.", header)
	}
	if schemeOf(r.URL.Path) == catalogue {
		if r.Header.Get("Store-Id") != strconv.FormatInt(s.opt.StoreID, 10) {
			return errorf(http.StatusForbidden, "forbidden", "You do not have permission to perform this action.")
		}
		if r.Header.Get("Role") != "Manager" {
			return errorf(http.StatusForbidden, "forbidden", "You do not have permission to perform this action.")
		}
	}
	return nil
}

// writeFault answers a fault; false means the request goes on (a slow answer after its wait).
func (s *Server) writeFault(w http.ResponseWriter, r *http.Request, f storetest.Fault) bool {
	switch f.Kind {
	case storetest.Throttle, storetest.TooManyRequests:
		s.throttled(w, r, f.RetryAfter)
	case storetest.ServerError:
		writeJSON(w, http.StatusInternalServerError, (&apiError{status: 500, code: "server_error", message: "Server Error"}).body(r.URL.Path))
	default:
		return storetest.WriteWireFault(w, r, f, s.opt.SlowDelay)
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	raw, _ := json.Marshal(body)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(raw)
}

// Formats.

// fixed14 is Zid's money string: 14 decimals ("223.56000086523000").
func fixed14(d decimal.Decimal) string { return d.StringFixed(14) }

// num is a JSON number for the amounts Zid sends as numbers (prices, line totals,
// transaction_amount), with the decimals it has (at most 13: an 11-decimal amount times 1.15).
func num(d decimal.Decimal) json.Number {
	d = d.Round(13)
	if d.IsInteger() {
		return json.Number(d.StringFixed(0))
	}
	return json.Number(d.String())
}

// formatted is a *_string companion: "1,234.50 SAR", rounded to the halala.
func formatted(d decimal.Decimal) string {
	s := d.StringFixed(2)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String() + "." + frac + " SAR"
	if neg {
		out = "-" + out
	}
	return out
}

// orderTime is an order's date: "YYYY-MM-DD HH:MM:SS" in UTC, with no zone written.
func orderTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") }

// isoTime is a product's date: ISO-8601 in UTC with microseconds and "Z".
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

// issueDate is an order's issue_date: local display text, "31-01-2026 | 03:56 ص".
func issueDate(t time.Time) string {
	l := t.In(riyadh)
	half := "ص"
	if l.Hour() >= 12 {
		half = "م"
	}
	return l.Format("02-01-2006 | 03:04") + " " + half
}
