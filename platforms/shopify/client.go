package shopify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"mizan/core"
	"mizan/platforms/httpx"
)

// Options tune a Store beyond its connection settings; the zero value is right for production.
// Tests inject a clock and a sleep.
type Options struct {
	// Now is the local clock (token renewal, rate-limit pacing, Retry-After dates).
	Now func() time.Time
	// Sleep waits d or until ctx ends (rate-limit pacing and retries).
	Sleep func(ctx context.Context, d time.Duration) error
	// Retry is the retry budget of each request (default httpx.DefaultPolicy).
	Retry httpx.Policy
	// Timeout bounds one attempt of a request (default httpx.DefaultTimeout).
	Timeout time.Duration
	// Jitter scales retry backoffs, in [0, 1) (default random).
	Jitter func() float64
}

// Store is a connection to one Shopify store. It implements core.Store and is safe for
// concurrent use.
type Store struct {
	set       settings
	endpoint  string
	http      *httpx.Client
	tokens    *tokens
	throttle  *throttle
	log       *slog.Logger
	now       func() time.Time
	sleep     func(ctx context.Context, d time.Duration) error
	adjustDoc string // inventory_adjust, with @idempotent only for versions that have it
	bulkDoc   string // bulk_run, with groupObjects only for versions that have it

	mu         sync.Mutex
	location   *locationRef // the stock location once known
	sizes      pageSizes
	warnedVers bool
	early      *ordersBulkStart // a read of orders begun by PlanReads
}

var _ core.ReadPlanner = (*Store)(nil)

var _ core.Store = (*Store)(nil)

// locationRef is the stock location.
type locationRef struct {
	ID   string
	Name string
}

// idempotentSince is the first API version with the @idempotent directive.
const idempotentSince = "2026-01"

// groupObjectsSince is the first API version whose bulkOperationRunQuery takes groupObjects
// (true by default in 2025-07 and 2025-10, false from 2026-01; earlier versions always group).
const groupObjectsSince = "2025-07"

// New opens a connection. It checks the settings but does not contact the store (Info does).
func New(cfg core.StoreConfig, o Options) (*Store, error) {
	set, err := parseSettings(cfg)
	if err != nil {
		return nil, err
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = httpx.Sleep
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	s := &Store{
		set:      set,
		endpoint: set.base + "/admin/api/" + set.version + "/graphql.json",
		throttle: newThrottle(),
		now:      o.Now,
		sleep:    o.Sleep,
		sizes:    defaultPageSizes,
	}
	s.tokens = newTokens(set, cfg, set.base+"/admin/oauth/access_token", o.Now)
	s.log = slog.New(&scrubHandler{inner: log.Handler(), scrub: s.tokens.scrub})
	s.http = &httpx.Client{HTTP: hc, Timeout: o.Timeout, Policy: o.Retry, Log: s.log, Platform: "shopify",
		Sleep: o.Sleep, Now: o.Now, Jitter: o.Jitter}
	s.tokens.http = s.http
	s.adjustDoc = documents[docInventoryAdjust]
	s.bulkDoc = documents[docBulkRun]
	if !versionAtLeast(set.version, groupObjectsSince) {
		if s.bulkDoc, err = withoutArgument(s.bulkDoc, "groupObjects"); err != nil {
			return nil, fmt.Errorf("shopify: %w", err)
		}
	}
	if !versionAtLeast(set.version, idempotentSince) {
		if s.adjustDoc, err = withoutDirective(s.adjustDoc, "idempotent"); err != nil {
			return nil, fmt.Errorf("shopify: %w", err)
		}
	}
	return s, nil
}

// gqlError is one entry of a response's "errors".
type gqlError struct {
	Message    string `json:"message"`
	Extensions struct {
		Code    string `json:"code"`
		Cost    num    `json:"cost"`
		MaxCost num    `json:"maxCost"`
	} `json:"extensions"`
}

type envelope struct {
	Data       json.RawMessage `json:"data"`
	Errors     json.RawMessage `json:"errors"`
	Extensions struct {
		Cost *costReport `json:"cost"`
	} `json:"extensions"`
}

// errorList reads "errors", which is a list of objects for GraphQL errors but a string or an
// object on some HTTP errors.
func (e *envelope) errorList() []gqlError {
	if len(e.Errors) == 0 || bytes.Equal(e.Errors, []byte("null")) {
		return nil
	}
	var list []gqlError
	if json.Unmarshal(e.Errors, &list) == nil {
		return list
	}
	var s string
	if json.Unmarshal(e.Errors, &s) == nil {
		return []gqlError{{Message: s}}
	}
	var m map[string]any
	if json.Unmarshal(e.Errors, &m) == nil {
		parts := []string{}
		for k, v := range m {
			parts = append(parts, fmt.Sprintf("%s: %v", k, v))
		}
		return []gqlError{{Message: strings.Join(parts, "; ")}}
	}
	return []gqlError{{Message: "unreadable error"}}
}

// costExceeded is a query asking for more than the single-query maximum; callers shrink their
// page sizes and ask again.
type costExceeded struct {
	op        string
	cost, max int
}

func (e *costExceeded) Error() string {
	return fmt.Sprintf("%s: the query costs %d, above the store's limit of %d per query", e.op, e.cost, e.max)
}

// reply is what a successful call reports besides its data.
type reply struct {
	Date time.Time // the store's clock when it answered (the HTTP Date header), or local time
}

// call runs a GraphQL document and decodes its data into out.
func (s *Store) call(ctx context.Context, op, doc string, vars map[string]any, out any) (reply, error) {
	text := documents[doc]
	switch doc {
	case docInventoryAdjust:
		text = s.adjustDoc
	case docBulkRun:
		text = s.bulkDoc
	}
	if text == "" {
		return reply{}, fmt.Errorf("shopify: no document %q", doc)
	}
	body, err := json.Marshal(map[string]any{"query": text, "variables": vars})
	if err != nil {
		return reply{}, fmt.Errorf("%s: %w", op, err)
	}
	for renewed := false; ; renewed = true {
		tok, err := s.tokens.get(ctx)
		if err != nil {
			return reply{}, s.clean(err)
		}
		if d := s.throttle.delay(doc, costGuess(text), s.now()); d > 0 {
			s.log.Debug("waiting for the rate limit", slog.String("op", op), slog.Duration("wait", d))
			if err := s.sleep(ctx, d); err != nil {
				return reply{}, fmt.Errorf("%s: %w", op, err)
			}
		}
		resp, err := s.http.Do(ctx, httpx.Request{
			Op: op, Method: http.MethodPost, URL: s.endpoint,
			Header: http.Header{
				"Content-Type":           {"application/json"},
				"Accept":                 {"application/json"},
				"X-Shopify-Access-Token": {tok},
			},
			Body:       body,
			ExpectJSON: true,
			Inspect:    func(r *httpx.Response) *httpx.Retry { return s.inspect(doc, r) },
		})
		if err != nil {
			return reply{}, s.clean(err)
		}
		if resp.Status == http.StatusUnauthorized && !renewed && s.tokens.refused(tok) {
			continue // a granted token may have been revoked or expired early: get a new one once
		}
		return s.decode(op, resp, out)
	}
}

var reMutation = regexp.MustCompile(`(?m)^\s*mutation\b`)

// costGuess is the cost assumed for a document before the store has reported it: a mutation
// costs 10, a query at most the single-query maximum.
func costGuess(doc string) int {
	if reMutation.MatchString(doc) {
		return 10
	}
	return 1000
}

// inspect reads the rate-limit report of every response and asks for a retry of THROTTLED ones
// and of a 200 whose body is a transient failure instead of data (see transientIn200).
func (s *Store) inspect(doc string, r *httpx.Response) *httpx.Retry {
	var env envelope
	if json.Unmarshal(r.Body, &env) != nil {
		return nil
	}
	s.throttle.observe(doc, env.Extensions.Cost, s.now())
	list := env.errorList()
	for _, e := range list {
		if e.Extensions.Code == "THROTTLED" {
			return &httpx.Retry{Reason: "throttled by the store's rate limit", Wait: throttledWait(env.Extensions.Cost)}
		}
	}
	if r.Status == http.StatusTooManyRequests {
		return &httpx.Retry{Reason: "throttled by the store's rate limit", Wait: throttledWait(env.Extensions.Cost)}
	}
	if r.Status == http.StatusOK {
		if reason := transientIn200(&env, list); reason != "" {
			return &httpx.Retry{Reason: reason}
		}
	}
	return nil
}

// transientIn200 says why a 200 answer is a failure on Shopify's side worth asking again, like a
// 5xx, or "" when it is not one. Shopify answers an internal error with HTTP 200 and
// {"errors":[{"message":"Internal error. Looks like something went wrong on our end. …",
// "extensions":{"code":"INTERNAL_SERVER_ERROR","requestId":"…"}}]}; an execution that failed
// as a whole answers "data": null with its errors. A request Shopify refuses for what it asks
// (a validation error, which has errors and no "data" at all; ACCESS_DENIED; MAX_COST_EXCEEDED)
// would get the same answer again and is not retried. (A body that is not JSON at all is retried
// by the HTTP layer: the request says it expects JSON.)
func transientIn200(env *envelope, list []gqlError) string {
	if len(list) == 0 {
		return ""
	}
	for _, e := range list {
		switch e.Extensions.Code {
		case "INTERNAL_SERVER_ERROR":
			return "the store reported an internal error (INTERNAL_SERVER_ERROR)"
		case "ACCESS_DENIED", "MAX_COST_EXCEEDED":
			return ""
		}
	}
	if bytes.Equal(bytes.TrimSpace(env.Data), []byte("null")) {
		return "the store answered with errors and no data: " + joinMessages(list)
	}
	return ""
}

const scopesHelp = "the app needs the scopes read_products, write_products, read_inventory, write_inventory, read_orders, read_customers and read_locations"

func (s *Store) decode(op string, resp *httpx.Response, out any) (reply, error) {
	rep := reply{Date: s.now().UTC()}
	if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		rep.Date = d.UTC()
	}
	s.noteVersion(resp.Header.Get("X-Shopify-API-Version"))
	var env envelope
	jsonErr := json.Unmarshal(resp.Body, &env)
	switch resp.Status {
	case http.StatusOK:
	case http.StatusUnauthorized:
		msg := "Shopify refused the access token: it may have been revoked, or the app uninstalled"
		if s.tokens.granted() {
			msg = "Shopify refused the app's access token: check the client ID and secret, and that the app is still installed"
		}
		return rep, s.storeErr(op, resp.Status, msg, core.ErrUnauthorized)
	case http.StatusForbidden:
		return rep, s.storeErr(op, resp.Status, "Shopify refused the request: "+scopesHelp, core.ErrUnauthorized)
	case http.StatusNotFound:
		return rep, s.storeErr(op, resp.Status, fmt.Sprintf("no Shopify Admin API at this address for version %s: check the store address and the API version", s.set.version), core.ErrNotFound)
	case http.StatusPaymentRequired:
		return rep, s.storeErr(op, resp.Status, "the shop is frozen (its Shopify plan is unpaid)", nil)
	case http.StatusLocked:
		return rep, s.storeErr(op, resp.Status, "the shop is locked by Shopify", nil)
	default:
		msg := http.StatusText(resp.Status)
		if jsonErr == nil {
			if list := env.errorList(); len(list) > 0 {
				msg = joinMessages(list)
			}
		}
		return rep, s.storeErr(op, resp.Status, msg, nil)
	}
	if jsonErr != nil {
		return rep, s.storeErr(op, 0, "the store's answer is not valid JSON", core.ErrUnreachable)
	}
	if list := env.errorList(); len(list) > 0 {
		for _, e := range list {
			switch e.Extensions.Code {
			case "MAX_COST_EXCEEDED":
				return rep, &costExceeded{op: op, cost: int(e.Extensions.Cost.IntPart()), max: int(e.Extensions.MaxCost.IntPart())}
			case "ACCESS_DENIED":
				return rep, s.storeErr(op, 0, e.Message+" ("+scopesHelp+")", core.ErrUnauthorized)
			}
		}
		return rep, s.storeErr(op, 0, joinMessages(list), nil)
	}
	if out != nil {
		if len(env.Data) == 0 || bytes.Equal(env.Data, []byte("null")) {
			return rep, s.storeErr(op, 0, "the store's answer has no data", nil)
		}
		if err := json.Unmarshal(env.Data, out); err != nil {
			return rep, s.storeErr(op, 0, "unexpected answer: "+err.Error(), nil)
		}
	}
	return rep, nil
}

func joinMessages(list []gqlError) string {
	parts := make([]string, 0, len(list))
	for _, e := range list {
		m := e.Message
		if e.Extensions.Code != "" {
			m += " (" + e.Extensions.Code + ")"
		}
		parts = append(parts, m)
	}
	return strings.Join(parts, "; ")
}

// noteVersion warns once when Shopify answers with another API version than asked for (an
// unsupported version falls forward to the oldest supported one).
func (s *Store) noteVersion(v string) {
	if v == "" || v == s.set.version {
		return
	}
	s.mu.Lock()
	warned := s.warnedVers
	s.warnedVers = true
	s.mu.Unlock()
	if !warned {
		s.log.Warn("Shopify answered with another API version than configured", slog.String("asked", s.set.version), slog.String("got", v))
	}
}

func (s *Store) storeErr(op string, status int, msg string, sentinel error) error {
	return &core.StoreError{Op: op, Status: status, Message: s.tokens.scrub(msg), Err: sentinel}
}

// clean scrubs credentials from an error's message, keeping what it wraps.
func (s *Store) clean(err error) error {
	var se *core.StoreError
	if errors.As(err, &se) {
		c := *se
		c.Message = s.tokens.scrub(c.Message)
		c.Op = s.tokens.scrub(c.Op)
		return &c
	}
	if msg := s.tokens.scrub(err.Error()); msg != err.Error() {
		return errors.New(msg)
	}
	return err
}

// scrubHandler removes credential values from every log record's message and string attributes.
type scrubHandler struct {
	inner slog.Handler
	scrub func(string) string
}

func (h *scrubHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.inner.Enabled(ctx, l)
}

func (h *scrubHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, h.scrub(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.inner.Handle(ctx, out)
}

func (h *scrubHandler) attr(a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.scrub(a.Value.String()))
	case slog.KindGroup:
		attrs := a.Value.Group()
		out := make([]any, 0, len(attrs))
		for _, x := range attrs {
			out = append(out, h.attr(x))
		}
		return slog.Group(a.Key, out...)
	case slog.KindAny:
		return slog.String(a.Key, h.scrub(fmt.Sprint(a.Value.Any())))
	}
	return a
}

func (h *scrubHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, 0, len(attrs))
	for _, a := range attrs {
		clean = append(clean, h.attr(a))
	}
	return &scrubHandler{inner: h.inner.WithAttrs(clean), scrub: h.scrub}
}

func (h *scrubHandler) WithGroup(name string) slog.Handler {
	return &scrubHandler{inner: h.inner.WithGroup(name), scrub: h.scrub}
}
