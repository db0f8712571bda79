package woocommerce

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"mizan/core"
	"mizan/platforms/httpx"
)

// Options tune a Store beyond its connection settings; the zero value is right for production.
type Options struct {
	httpx.Tuning
	// StockAttempts bounds the read-compare-write rounds of one stock change (default 4).
	StockAttempts int
}

// Store is a connection to one WooCommerce store. It implements core.Store and is safe for
// concurrent use.
type Store struct {
	set  settings
	api  string // base + /wp-json/wc/v3
	http *httpx.Client
	log  *slog.Logger
	now  func() time.Time

	stockAttempts int
	queryAuth     atomic.Bool  // the server strips Authorization: keys go in the query string
	skew          atomic.Int64 // the store's clock minus the local one, from Date headers (ns)

	mu   sync.Mutex
	cogs bool            // the store has reported Cost of Goods Sold fields
	cats map[string]wcID // category ids by lower-case name
}

var _ core.Store = (*Store)(nil)

// New opens a connection. It checks the settings but does not contact the store (Info does).
func New(cfg core.StoreConfig, o Options) (*Store, error) {
	set, err := parseSettings(cfg)
	if err != nil {
		return nil, err
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.StockAttempts <= 0 {
		o.StockAttempts = 4
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Store{set: set, api: set.base + "/wp-json/wc/v3", log: log.With("platform", "woocommerce"), now: o.Now,
		stockAttempts: o.StockAttempts, cats: map[string]wcID{}}
	// The redirect policy is httpx's: a redirect to another host or to plain http is refused, as
	// the keys go with every request. One on the store's own host is reported, not followed
	// (check explains it: it leads to a login page, or the address lacks its www.).
	s.http = o.Client(cfg.HTTPClient, s.log, "woocommerce", nil)
	s.http.ReportRedirects = true
	return s, nil
}

// reply is a decoded answer's metadata.
type reply struct {
	Date       time.Time // the store's clock (Date header), or the local clock
	Total      int       // X-WP-Total, -1 when absent
	TotalPages int       // X-WP-TotalPages, -1 when absent
}

// call sends one API request and decodes a JSON answer into out. path is relative to wc/v3.
func (s *Store) call(ctx context.Context, op, method, path string, q url.Values, body any, out any) (reply, error) {
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return reply{}, fmt.Errorf("%s: %w", op, err)
		}
	}
	for fellBack := false; ; fellBack = true {
		viaQuery := s.queryAuth.Load()
		params := url.Values{}
		for k, v := range q {
			params[k] = v
		}
		h := http.Header{"Accept": {"application/json"}}
		if raw != nil {
			h.Set("Content-Type", "application/json")
		}
		if viaQuery {
			params.Set("consumer_key", s.set.key)
			params.Set("consumer_secret", s.set.secret)
		} else {
			h.Set("Authorization", "Basic "+basic(s.set.key, s.set.secret))
		}
		u := s.api + path
		if strings.HasPrefix(path, "/wp-json") {
			u = s.set.base + path
		}
		if len(params) > 0 {
			u += "?" + params.Encode()
		}
		resp, err := s.http.Do(ctx, httpx.Request{Op: op, Method: method, URL: u, Header: h, Body: raw, Inspect: httpx.RetryCutJSON})
		if err != nil {
			return reply{}, s.clean(err)
		}
		rep := s.replyOf(resp)
		if resp.Status == http.StatusUnauthorized && !viaQuery && !fellBack {
			if e, ok := errorBody(resp.Body); ok && headerStripped(e) {
				s.queryAuth.Store(true)
				s.log.Info("the web server drops the Authorization header; sending the API keys as query parameters from now on",
					slog.String("op", op))
				continue
			}
		}
		if err := s.check(op, resp); err != nil {
			return rep, err
		}
		if out != nil {
			if err := json.Unmarshal(resp.Body, out); err != nil {
				return rep, s.storeErr(op, 0, "unexpected answer: "+err.Error(), nil)
			}
		}
		return rep, nil
	}
}

// headerStripped: WooCommerce saw no credentials at all, which over HTTPS with Basic auth means
// something on the way removed the Authorization header.
func headerStripped(e wcError) bool {
	return e.Code == "woocommerce_rest_cannot_view" || e.Code == "woocommerce_rest_cannot_create" ||
		e.Code == "woocommerce_rest_cannot_edit" || e.Code == "woocommerce_rest_cannot_batch" ||
		strings.Contains(strings.ToLower(e.Message), "consumer key is missing")
}

func basic(user, pass string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
}

func errorBody(b []byte) (wcError, bool) {
	var e wcError
	if json.Unmarshal(b, &e) != nil || e.Code == "" {
		return e, false
	}
	return e, true
}

func (s *Store) replyOf(resp *httpx.Response) reply {
	rep := reply{Date: s.now().UTC(), Total: -1, TotalPages: -1}
	if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		rep.Date = d.UTC()
		s.skew.Store(int64(d.Sub(s.now())))
	}
	if n, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("X-WP-Total"))); err == nil {
		rep.Total = n
	}
	if n, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("X-WP-TotalPages"))); err == nil {
		rep.TotalPages = n
	}
	return rep
}

const permalinkHelp = `WordPress found no WooCommerce REST API at this address: check that WooCommerce is active, and set Settings › Permalinks in WordPress to anything but "Plain" (the REST API needs pretty permalinks)`

var reTitle = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

// check turns a non-success answer into a *core.StoreError saying what the store meant.
func (s *Store) check(op string, resp *httpx.Response) error {
	st := resp.Status
	if st >= 300 && st < 400 {
		loc := resp.Header.Get("Location")
		where := httpx.RedactURL(loc)
		if where == "(url)" {
			where = "another page"
		}
		if strings.Contains(strings.ToLower(loc), "wp-login") || strings.Contains(strings.ToLower(loc), "login") {
			return s.storeErr(op, st, fmt.Sprintf("the store redirected the API request to a login page (%s): a security plugin, maintenance mode or the host's login wall is blocking the REST API; allow /wp-json/ through it", where), core.ErrUnauthorized)
		}
		return s.storeErr(op, st, fmt.Sprintf("the store redirected the API request to %s: use the store's exact address (with https:// and www. as the site uses them)", where), nil)
	}
	if st >= 200 && st < 300 {
		if httpx.LooksHTML(resp) {
			return s.storeErr(op, st, "the store answered with a web page instead of API data"+pageTitle(resp.Body)+": a caching or security plugin, or the host, is answering in WooCommerce's place", nil)
		}
		if !json.Valid(resp.Body) {
			return s.storeErr(op, st, "the store's answer is not valid JSON", core.ErrUnreachable)
		}
		return nil
	}
	e, isWC := errorBody(resp.Body)
	msg := strings.TrimSpace(e.Message)
	if msg == "" {
		msg = http.StatusText(st)
	}
	if isWC {
		msg += " (" + e.Code + ")"
	}
	switch {
	case isWC && e.Code == "rest_no_route":
		return s.storeErr(op, st, permalinkHelp, nil)
	case !isWC && httpx.LooksHTML(resp) && st == http.StatusNotFound:
		return s.storeErr(op, st, "the store answered with a \"not found\" web page"+pageTitle(resp.Body)+": "+permalinkHelp, nil)
	case !isWC && httpx.LooksHTML(resp):
		return s.storeErr(op, st, "the store answered with a web page instead of API data"+pageTitle(resp.Body)+": a firewall, security plugin or the host is blocking the REST API", nil)
	case st == http.StatusUnauthorized:
		return s.storeErr(op, st, "WooCommerce refused the API keys: "+msg+". Check the consumer key and secret (WooCommerce › Settings › Advanced › REST API)", core.ErrUnauthorized)
	case st == http.StatusForbidden:
		return s.storeErr(op, st, "WooCommerce refused the request: "+msg+". The API key needs Read/Write permission, and its WordPress user must be allowed to manage WooCommerce", core.ErrUnauthorized)
	case st == http.StatusNotFound || strings.HasSuffix(e.Code, "_invalid_id"):
		return s.storeErr(op, st, msg, core.ErrNotFound)
	case st == http.StatusRequestEntityTooLarge:
		return s.storeErr(op, st, msg, nil)
	}
	return s.storeErr(op, st, msg, nil)
}

func pageTitle(body []byte) string {
	m := reTitle.FindSubmatch(body)
	if m == nil {
		return ""
	}
	t := strings.Join(strings.Fields(string(m[1])), " ")
	if len(t) > 80 {
		t = t[:80] + "…"
	}
	return fmt.Sprintf(" (%q)", t)
}

func (s *Store) storeErr(op string, status int, msg string, sentinel error) error {
	return &core.StoreError{Op: s.scrub(op), Status: status, Message: s.scrub(msg), Err: sentinel}
}

// scrub removes the keys from a text, should a store or a proxy echo them.
func (s *Store) scrub(t string) string { return httpx.Redact(t, s.set.secret, s.set.key) }

// clean scrubs credentials from an error's message, keeping what it wraps.
func (s *Store) clean(err error) error { return httpx.RedactError(err, s.set.secret, s.set.key) }

// perPage is the largest page WordPress serves.
const perPage = 100

// pages lists a collection page by page (page and per_page), in the order given by q, calling fn
// with each page's raw items. It stops at X-WP-TotalPages (read again on every page, as it
// changes when items are added meanwhile) or at a short page when the header is missing.
func (s *Store) pages(ctx context.Context, op, path string, q url.Values, fn func(rep reply, items []json.RawMessage) error) error {
	q.Set("per_page", strconv.Itoa(perPage))
	for page := 1; ; page++ {
		q.Set("page", strconv.Itoa(page))
		var items []json.RawMessage
		rep, err := s.call(ctx, fmt.Sprintf("%s (page %d)", op, page), http.MethodGet, path, q, nil, &items)
		if err != nil {
			return err
		}
		if len(items) > 0 {
			if err := fn(rep, items); err != nil {
				return err
			}
		}
		if len(items) == 0 || (rep.TotalPages >= 0 && page >= rep.TotalPages) || (rep.TotalPages < 0 && len(items) < perPage) {
			return nil
		}
	}
}

func decodeItems[T any](op string, items []json.RawMessage) ([]T, error) {
	out := make([]T, len(items))
	for i, raw := range items {
		if err := json.Unmarshal(raw, &out[i]); err != nil {
			return nil, &core.StoreError{Op: op, Message: "unexpected answer: " + err.Error()}
		}
	}
	return out, nil
}

func idList(ids []wcID) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = id.String()
	}
	return strings.Join(parts, ",")
}

// storeNow is the store's clock as last seen through Date headers.
func (s *Store) storeNow() time.Time {
	return s.now().Add(time.Duration(s.skew.Load())).UTC()
}
