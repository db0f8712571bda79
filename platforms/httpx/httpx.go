// Package httpx is the HTTP plumbing shared by the platform packages: a client that gives every
// attempt its own timeout, retries network errors, 5xx, 429 and unreadable bodies with capped
// exponential backoff and full jitter (honouring Retry-After), stays within a retry budget,
// respects cancellation while it waits, and reports its retries without ever logging a header,
// a query string or a body.
//
// It also holds the one redirect policy of every platform: requests carry credentials (in
// headers, bodies or query strings), so a redirect to another host, or from https to http, is
// never followed, whatever http.Client the caller passes (see checkRedirect).
//
// Errors after the budget is spent are *core.StoreError values wrapping core.ErrUnreachable.
package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"mizan/core"
)

// Policy is a retry budget.
type Policy struct {
	// MaxAttempts is the most attempts one request makes, the first included (default 6).
	MaxAttempts int
	// BaseDelay is the backoff before the first retry, doubled for each further one (default 500ms).
	BaseDelay time.Duration
	// MaxDelay caps one backoff wait before jitter (default 30s).
	MaxDelay time.Duration
	// MaxRetryAfter caps a server's Retry-After (default 60s).
	MaxRetryAfter time.Duration
	// MaxWait caps the total time spent waiting between attempts of one request (default 2m).
	// A wait that would exceed it ends the request instead.
	MaxWait time.Duration
}

// DefaultPolicy is the budget used when a Client's Policy is zero.
var DefaultPolicy = Policy{
	MaxAttempts:   6,
	BaseDelay:     500 * time.Millisecond,
	MaxDelay:      30 * time.Second,
	MaxRetryAfter: 60 * time.Second,
	MaxWait:       2 * time.Minute,
}

func (p Policy) withDefaults() Policy {
	d := DefaultPolicy
	if p.MaxAttempts > 0 {
		d.MaxAttempts = p.MaxAttempts
	}
	if p.BaseDelay > 0 {
		d.BaseDelay = p.BaseDelay
	}
	if p.MaxDelay > 0 {
		d.MaxDelay = p.MaxDelay
	}
	if p.MaxRetryAfter > 0 {
		d.MaxRetryAfter = p.MaxRetryAfter
	}
	if p.MaxWait > 0 {
		d.MaxWait = p.MaxWait
	}
	return d
}

// DefaultTimeout is the per-attempt timeout used when a Client's Timeout is zero.
const DefaultTimeout = 30 * time.Second

// maxBody bounds how much of a response body is read.
const maxBody = 64 << 20

// Client sends requests with retries. The zero value is usable; fields left zero take defaults.
// A Client is safe for concurrent use.
type Client struct {
	// HTTP is the underlying client (default: a client with no overall timeout, the per-attempt
	// Timeout bounding each attempt instead).
	HTTP *http.Client
	// Timeout bounds one attempt, from sending the request to reading the whole body.
	Timeout time.Duration
	// Policy is the retry budget.
	Policy Policy
	// Log receives one line per retry ("retrying after …"); nil discards them.
	Log *slog.Logger
	// Platform names the platform in log lines, e.g. "shopify".
	Platform string
	// ReportRedirects returns a redirect that stays on the request's host as the 3xx response
	// instead of following it, for a platform that explains such redirects itself. A redirect
	// to another host, or from https to http, is refused either way.
	ReportRedirects bool
	// Pacer, when set, spaces requests by the store's rate-limit headers (see Pacer).
	Pacer *Pacer

	// Sleep waits d or until ctx is done (default: a timer). Tests inject a fake.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock used to read HTTP-date Retry-After values (default time.Now).
	Now func() time.Time
	// Jitter returns a number in [0, 1) scaling each backoff (default math/rand).
	Jitter func() float64
}

// Request is one logical request; the client may send it several times.
type Request struct {
	// Op says what is being done, for errors and logs, e.g. "list orders".
	Op     string
	Method string // default POST when Body is set, else GET
	URL    string
	Header http.Header
	Body   []byte
	// ExpectJSON makes a 2xx response whose body is not valid JSON a retryable failure (a
	// truncated or garbled body).
	ExpectJSON bool
	// Inspect, when set, looks at every response read in full (429 and 5xx included) and may ask
	// for another attempt, or a longer wait before it (for example a rate-limit error inside a 200
	// body, or a 429 whose body says how long the bucket needs). A nil result changes nothing.
	Inspect func(*Response) *Retry
}

// Retry asks the client for another attempt.
type Retry struct {
	Reason string        // for the log line, e.g. "throttled"; never a secret
	Wait   time.Duration // how long to wait; 0 uses the policy's backoff
}

// Response is a response read in full.
type Response struct {
	Status   int
	Header   http.Header
	Body     []byte
	Attempts int // attempts made, this one included
}

// Do sends req, retrying as the policy allows. It returns the response for any status other than
// 429 and 5xx (the caller maps 4xx to its own errors), a *core.StoreError wrapping
// core.ErrUnreachable when the retries are exhausted, or the context's error when ctx ends first.
func (c *Client) Do(ctx context.Context, req Request) (*Response, error) {
	pol := c.Policy.withDefaults()
	waited := time.Duration(0)
	var last failure
	for attempt := 1; ; attempt++ {
		resp, fail := c.attempt(ctx, req)
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", req.Op, err)
		}
		if resp != nil && req.Inspect != nil {
			if r := req.Inspect(resp); r != nil {
				if fail == nil {
					fail = &failure{status: resp.Status, reason: r.Reason}
				} else if r.Reason != "" {
					fail.reason = r.Reason
				}
				if r.Wait > 0 && r.Wait > fail.wait {
					fail.wait, fail.hasWait = r.Wait, true
				}
			}
		}
		if fail == nil {
			resp.Attempts = attempt
			return resp, nil
		}
		last = *fail
		if fail.final {
			return nil, &core.StoreError{Op: req.Op, Message: fail.reason, Err: fail.err}
		}
		if attempt >= pol.MaxAttempts {
			return nil, c.giveUp(req, attempt, last)
		}
		wait := c.backoff(pol, attempt)
		if fail.hasWait {
			wait = min(fail.wait, pol.MaxRetryAfter)
		}
		if waited+wait > pol.MaxWait {
			return nil, c.giveUp(req, attempt, last)
		}
		c.logRetry(req, attempt, pol.MaxAttempts, wait, last)
		if err := c.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("%s: %w", req.Op, err)
		}
		waited += wait
	}
}

// failure is a retryable outcome of one attempt.
type failure struct {
	status  int // 0 for a network failure
	reason  string
	wait    time.Duration
	hasWait bool // wait comes from the server (Retry-After) or the Inspect hook
	final   bool // not worth retrying
	err     error
}

func (c *Client) attempt(ctx context.Context, req Request) (*Response, *failure) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if err := c.pace(ctx); err != nil {
		return nil, &failure{reason: describeErr(err)}
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	method := req.Method
	if method == "" {
		method = http.MethodGet
		if req.Body != nil {
			method = http.MethodPost
		}
	}
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hr, err := http.NewRequestWithContext(actx, method, req.URL, body)
	if err != nil {
		// A malformed request will not get better: report it as final.
		return nil, &failure{reason: "bad request: " + describeErr(err), final: true}
	}
	for k, vs := range req.Header {
		for _, v := range vs {
			hr.Header.Add(k, v)
		}
	}
	hresp, err := c.httpClient().Do(hr)
	if err != nil {
		var re *RedirectError
		if errors.As(err, &re) {
			return nil, &failure{reason: re.Error(), final: true, err: re}
		}
		if ctx.Err() == nil && actx.Err() != nil {
			return nil, &failure{reason: fmt.Sprintf("no answer within %s", timeout)}
		}
		return nil, &failure{reason: describeErr(err)}
	}
	defer hresp.Body.Close()
	c.observe(hresp)
	raw, err := io.ReadAll(io.LimitReader(hresp.Body, maxBody))
	if err != nil {
		if ctx.Err() == nil && actx.Err() != nil {
			return nil, &failure{status: hresp.StatusCode, reason: fmt.Sprintf("body not read within %s", timeout)}
		}
		return nil, &failure{status: hresp.StatusCode, reason: "body cut short: " + describeErr(err)}
	}
	resp := &Response{Status: hresp.StatusCode, Header: hresp.Header, Body: raw}
	switch {
	case hresp.StatusCode == http.StatusTooManyRequests || hresp.StatusCode >= 500:
		f := &failure{status: hresp.StatusCode, reason: http.StatusText(hresp.StatusCode)}
		if d, ok := c.retryAfter(hresp.Header.Get("Retry-After")); ok {
			f.wait, f.hasWait = d, true
		}
		return resp, f
	case hresp.StatusCode >= 200 && hresp.StatusCode < 300 && req.ExpectJSON && !json.Valid(raw):
		return nil, &failure{status: hresp.StatusCode, reason: "the body is not valid JSON (cut short?)"}
	}
	return resp, nil
}

// httpClient is the caller's client (or the default one) with the redirect policy: a copy, so
// the caller's own client is never changed.
func (c *Client) httpClient() *http.Client {
	hc := http.Client{}
	if c.HTTP != nil {
		hc = *c.HTTP
	}
	hc.CheckRedirect = c.checkRedirect
	return &hc
}

// maxRedirects bounds a chain of redirects that are followed.
const maxRedirects = 5

// checkRedirect is the redirect policy. A redirect to another host (another name or port), or
// from https to http, is refused before anything is sent there: every request carries a
// credential, and net/http would forward custom headers (X-Shopify-Access-Token), a 307/308
// body (a client secret) and the new URL's query. A redirect on the same host that keeps https
// is followed when it keeps the method (and so the body), else refused; with ReportRedirects
// it is handed back to the caller instead.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	from, to := via[0].URL, req.URL
	if !sameHost(from, to) || (from.Scheme == "https" && to.Scheme != "https") {
		return &RedirectError{From: origin(from), To: origin(to)}
	}
	if c.ReportRedirects {
		return http.ErrUseLastResponse
	}
	if req.Method != via[0].Method {
		return &RedirectError{From: origin(from), To: origin(to), Method: via[0].Method}
	}
	if len(via) > maxRedirects {
		return &RedirectError{From: origin(from), To: origin(to), TooMany: true}
	}
	return nil
}

// RedirectError is a redirect the client refused to follow. It names the hosts involved, never
// a path or a query (which may carry keys).
type RedirectError struct {
	From, To string // scheme://host[:port] of the request and of the redirect's target
	Method   string // set when following would have sent the request on without its method
	TooMany  bool   // the chain of redirects was too long
}

func (e *RedirectError) Error() string {
	switch {
	case e.TooMany:
		return fmt.Sprintf("%s redirected the request more than %d times: not followed", e.From, maxRedirects)
	case e.Method != "":
		return fmt.Sprintf("%s redirected a %s request to %s in a way that would drop its method and body: not followed; connect the store under the address it redirects to", e.From, e.Method, e.To)
	case strings.HasPrefix(e.From, "https:") && !strings.HasPrefix(e.To, "https:"):
		return fmt.Sprintf("%s redirected the request to %s, without https: not followed, so that no credential is sent unencrypted", e.From, e.To)
	}
	return fmt.Sprintf("%s redirected the request to another host, %s: not followed, so that no credential leaves the store's address; if the store has moved there, connect it under its new address", e.From, e.To)
}

// sameHost reports whether a and b name the same host name and port (a missing port being the
// scheme's default, so http://shop → https://shop is the same host).
func sameHost(a, b *url.URL) bool {
	if !strings.EqualFold(a.Hostname(), b.Hostname()) {
		return false
	}
	pa, pb := a.Port(), b.Port()
	if pa == pb {
		return true
	}
	return (pa == "" || pa == defaultPort(a.Scheme)) && (pb == "" || pb == defaultPort(b.Scheme))
}

func defaultPort(scheme string) string {
	switch strings.ToLower(scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}

// origin is scheme://host[:port] of u.
func origin(u *url.URL) string {
	return (&url.URL{Scheme: u.Scheme, Host: u.Host}).String()
}

// retryAfter parses a Retry-After value: delay seconds or an HTTP-date.
func (c *Client) retryAfter(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 || math.IsNaN(secs) || math.IsInf(secs, 0) {
			return 0, false
		}
		return time.Duration(secs * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(c.now())
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// backoff is the full-jitter wait before retry number attempt: a uniform draw from
// [0, min(MaxDelay, BaseDelay·2^(attempt−1))).
func (c *Client) backoff(p Policy, attempt int) time.Duration {
	ceil := p.BaseDelay
	for i := 1; i < attempt && ceil < p.MaxDelay; i++ {
		ceil *= 2
	}
	ceil = min(ceil, p.MaxDelay)
	j := rand.Float64
	if c.Jitter != nil {
		j = c.Jitter
	}
	return time.Duration(j() * float64(ceil))
}

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if c.Sleep != nil {
		return c.Sleep(ctx, d)
	}
	return Sleep(ctx, d)
}

// Sleep waits d or until ctx is done, returning ctx's error in that case.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Client) giveUp(req Request, attempts int, last failure) error {
	msg := fmt.Sprintf("gave up after %d attempts: %s", attempts, last.reason)
	return &core.StoreError{Op: req.Op, Status: last.status, Message: msg, Err: core.ErrUnreachable}
}

func (c *Client) logRetry(req Request, attempt, maxAttempts int, wait time.Duration, f failure) {
	if c.Log == nil {
		return
	}
	attrs := []any{
		slog.String("op", req.Op),
		slog.String("endpoint", RedactURL(req.URL)),
		slog.Int("attempt", attempt),
		slog.Int("max_attempts", maxAttempts),
		slog.Duration("wait", wait),
		slog.String("reason", f.reason),
	}
	if c.Platform != "" {
		attrs = append(attrs, slog.String("platform", c.Platform))
	}
	if f.status != 0 {
		attrs = append(attrs, slog.Int("status", f.status))
	}
	c.Log.Warn("retrying after "+wait.Round(time.Millisecond).String(), attrs...)
}

// RedactURL returns u without its query string, fragment and user information, which may carry
// keys; an unparsable URL gives "(url)".
func RedactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return "(url)"
	}
	out := url.URL{Scheme: p.Scheme, Host: p.Host, Path: p.Path}
	s := out.String()
	if p.RawQuery != "" {
		s += "?…"
	}
	return s
}

// describeErr renders a transport error without the URL net/http puts in it.
func describeErr(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Op + " " + RedactURL(ue.URL) + ": " + describeErr(ue.Err)
	}
	return err.Error()
}
