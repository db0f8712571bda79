package shopifytest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
)

// Options configures a Server. The zero value is usable: a shop named
// "Mizan Demo" in SAR with the access token "shpat_test".
type Options struct {
	ShopName string // default "Mizan Demo"
	Domain   string // myshopify domain, default "mizan-demo.myshopify.com"
	Email    string
	Currency string // default "SAR"
	Timezone string // IANA name, default "Asia/Riyadh"
	// PrimaryLocationName names the location created with the store
	// (default "المستودع الرئيسي").
	PrimaryLocationName string

	// AccessTokens are static tokens accepted in X-Shopify-Access-Token.
	// When AccessTokens, ClientID and ClientSecret are all empty the token
	// "shpat_test" is accepted.
	AccessTokens []string
	// ClientID and ClientSecret enable the client credentials grant.
	ClientID, ClientSecret string
	// Scope is returned by the grant (default "read_products,write_products,
	// read_inventory,write_inventory,read_orders,read_customers").
	Scope string
	// TokenTTL is the lifetime of granted tokens (default 86399s).
	TokenTTL time.Duration

	// Now is the server clock (default time.Now).
	Now func() time.Time

	// Bucket configures the cost-based rate limit.
	Bucket BucketOptions
	// ThrottleHTTPStatus is the status of a throttled response: 200 (the
	// default, as the Admin API answers) or 429.
	ThrottleHTTPStatus int
	// DisableRateLimit turns the bucket off (costs are still reported).
	DisableRateLimit bool

	// Schema, when set (tests pass the published Admin schema), validates
	// every request against it as well as against the embedded subset.
	Schema *ast.Schema
	// APIVersion, when set, is reported in X-Shopify-API-Version instead of
	// the version in the request path (simulating version fall-forward).
	APIVersion string

	// Bulk models bulk operations: how long they take and where their
	// results are served (see bulk.go).
	Bulk BulkOptions
}

// Stats counts the requests the server has seen.
type Stats struct {
	// Requests is every HTTP request received.
	Requests int
	// GraphQL is every request to the GraphQL endpoint, whatever its outcome.
	GraphQL int
	// Executed is the GraphQL requests that ran (not refused by auth,
	// validation, cost limits, throttling or an injected fault).
	Executed int
	// ByRootField counts GraphQL requests by operation root field name
	// (each root field of a request counts once), whatever the outcome.
	ByRootField  map[string]int
	Unauthorized int
	Invalid      int
	Throttled    int
	MaxCost      int
	Faults       int
	TokenGrants  int
	// CostSpent is the sum of actual query costs charged; CostByRootField
	// splits it by the request's root field names (joined with "+").
	CostSpent       int
	CostByRootField map[string]int
	// BulkDownloads counts requests for bulk operation results (the
	// storage host, not the API); BulkDownloadsWithToken those of them that
	// carried an X-Shopify-Access-Token header, which must never happen.
	BulkDownloads          int
	BulkDownloadsWithToken int
}

// Server is an in-memory Shopify Admin API. It implements http.Handler.
type Server struct {
	opts   Options
	subset *ast.Schema
	loc    *time.Location

	mu     sync.Mutex // guards everything below
	st     *store
	bucket *bucket
	tokens map[string]time.Time // granted token → expiry
	stats  Stats
	faults []*Fault
	pages  map[*Fault]int
	bulk   bulkState
}

// NewServer returns a store with one primary location and no products.
func NewServer(opts Options) *Server {
	if opts.ShopName == "" {
		opts.ShopName = "Mizan Demo"
	}
	if opts.Domain == "" {
		opts.Domain = "mizan-demo.myshopify.com"
	}
	if opts.Email == "" {
		opts.Email = "owner@" + strings.TrimSuffix(opts.Domain, ".myshopify.com") + ".example"
	}
	if opts.Currency == "" {
		opts.Currency = "SAR"
	}
	if opts.Timezone == "" {
		opts.Timezone = "Asia/Riyadh"
	}
	if opts.PrimaryLocationName == "" {
		opts.PrimaryLocationName = "المستودع الرئيسي"
	}
	if opts.Scope == "" {
		opts.Scope = "read_products,write_products,read_inventory,write_inventory,read_orders,read_customers"
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = 86399 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if len(opts.AccessTokens) == 0 && opts.ClientID == "" && opts.ClientSecret == "" {
		opts.AccessTokens = []string{"shpat_test"}
	}
	if opts.ThrottleHTTPStatus == 0 {
		opts.ThrottleHTTPStatus = http.StatusOK
	}
	loc, err := time.LoadLocation(opts.Timezone)
	if err != nil {
		loc = time.FixedZone("AST", 3*3600)
	}
	s := &Server{opts: opts, subset: mustSubsetSchema(), loc: loc, tokens: map[string]time.Time{}, pages: map[*Fault]int{}}
	s.st = newStore()
	s.st.shopName, s.st.domain, s.st.currency, s.st.timezone, s.st.email = opts.ShopName, opts.Domain, opts.Currency, opts.Timezone, opts.Email
	now := s.now()
	s.st.addLocation(opts.PrimaryLocationName, true, now)
	s.bucket = newBucket(opts.Bucket, now)
	s.stats.ByRootField = map[string]int{}
	s.stats.CostByRootField = map[string]int{}
	return s
}

// Start serves s on a new httptest server; the caller closes it.
func (s *Server) Start() *httptest.Server { return httptest.NewServer(s) }

func (s *Server) now() time.Time { return s.opts.Now().UTC().Truncate(time.Second) }

// Stats returns a copy of the request counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.stats
	out.ByRootField = make(map[string]int, len(s.stats.ByRootField))
	for k, v := range s.stats.ByRootField {
		out.ByRootField[k] = v
	}
	out.CostByRootField = make(map[string]int, len(s.stats.CostByRootField))
	for k, v := range s.stats.CostByRootField {
		out.CostByRootField[k] = v
	}
	return out
}

// ResetStats zeroes the request counters.
func (s *Server) ResetStats() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats = Stats{ByRootField: map[string]int{}, CostByRootField: map[string]int{}}
}

// ResetBucket fills the cost bucket.
func (s *Server) ResetBucket() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bucket.available = s.bucket.opts.MaximumAvailable
	s.bucket.last = s.now()
}

// SetBucketAvailable sets the points currently available in the bucket (a test uses it to
// start with a nearly empty bucket, as after another app's burst of queries).
func (s *Server) SetBucketAvailable(points float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bucket.available = points
	s.bucket.last = s.opts.Now()
}

// BucketAvailable reports the points currently available in the bucket.
func (s *Server) BucketAvailable() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bucket.refill(s.opts.Now())
	return s.bucket.available
}

// SetRateLimit turns the cost bucket on or off (costs are still reported).
func (s *Server) SetRateLimit(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.DisableRateLimit = !on
}

// Domain returns the shop's myshopify domain.
func (s *Server) Domain() string { return s.opts.Domain }

var graphqlPath = regexp.MustCompile(`^/admin/api/(\d{4}-\d{2}|unstable)/graphql\.json$`)

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.stats.Requests++
	s.mu.Unlock()
	// The store's clock, as Shopify's Date header gives it.
	w.Header().Set("Date", s.opts.Now().UTC().Format(http.TimeFormat))
	switch {
	case r.URL.Path == "/admin/oauth/access_token":
		s.serveToken(w, r)
	case strings.HasPrefix(r.URL.Path, bulkFilesPath):
		s.serveBulkFile(w, r)
	case graphqlPath.MatchString(r.URL.Path):
		s.serveGraphQL(w, r, graphqlPath.FindStringSubmatch(r.URL.Path)[1])
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"errors": "Not Found"})
	}
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	b, _ := marshalNoEscape(body)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"errors": "Method Not Allowed"})
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	s.mu.Lock()
	fault := s.takeFault([]string{MatchTokenGrant})
	if fault != nil {
		s.stats.Faults++
	}
	s.mu.Unlock()
	if fault != nil && s.answerFault(w, r, fault) {
		return
	}
	vals := url.Values{}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		var m map[string]string
		if json.Unmarshal(body, &m) == nil {
			for k, v := range m {
				vals.Set(k, v)
			}
		}
	} else {
		vals, _ = url.ParseQuery(string(body))
	}
	for k, v := range r.URL.Query() {
		if vals.Get(k) == "" && len(v) > 0 {
			vals.Set(k, v[0])
		}
	}
	if vals.Get("grant_type") != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "unsupported_grant_type", "error_description": "The grant type is not supported: " + vals.Get("grant_type")})
		return
	}
	if s.opts.ClientID == "" || vals.Get("client_id") != s.opts.ClientID || vals.Get("client_secret") != s.opts.ClientSecret {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_client", "error_description": "Client authentication failed: the client_id or client_secret is not valid."})
		return
	}
	var raw [16]byte
	_, _ = rand.Read(raw[:])
	token := "shpat_" + hex.EncodeToString(raw[:])
	s.mu.Lock()
	s.tokens[token] = s.opts.Now().Add(s.opts.TokenTTL)
	s.stats.TokenGrants++
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": token,
		"scope":        s.opts.Scope,
		"expires_in":   int(s.opts.TokenTTL / time.Second),
	})
}

// authorized reports whether token is a configured or unexpired granted token.
// Called with s.mu held.
func (s *Server) authorized(token string) bool {
	if token == "" {
		return false
	}
	for _, t := range s.opts.AccessTokens {
		if t == token {
			return true
		}
	}
	exp, ok := s.tokens[token]
	if !ok {
		return false
	}
	if !s.opts.Now().Before(exp) {
		delete(s.tokens, token)
		return false
	}
	return true
}

// RevokeTokens forgets every granted token.
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = map[string]time.Time{}
}
