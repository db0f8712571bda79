package zidtest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// client talks to a started store with a live grant, sending each endpoint the headers the
// docs give it.
type client struct {
	t   testing.TB
	hs  *httptest.Server
	s   *Server
	tok Tokens
}

func start(t testing.TB, o Options) *client {
	t.Helper()
	s := NewServer(o)
	hs := s.Start()
	t.Cleanup(hs.Close)
	return &client{t: t, hs: hs, s: s, tok: s.IssueTokens()}
}

// headers are the documented ones for path.
func (c *client) headers(path string) http.Header {
	h := http.Header{}
	h.Set("Authorization", "Bearer "+c.tok.Authorization)
	h.Set("Accept-Language", "ar")
	if schemeOf(path) == catalogue {
		h.Set("Access-Token", c.tok.AccessToken)
		h.Set("Store-Id", strconv.FormatInt(c.s.StoreID(), 10))
		h.Set("Role", "Manager")
	} else {
		h.Set("X-Manager-Token", c.tok.AccessToken)
	}
	return h
}

// send makes a request with the given headers and decodes its answer.
func (c *client) send(method, target string, h http.Header, body any) (*http.Response, map[string]any) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = strings.NewReader(string(raw))
	}
	if !strings.HasPrefix(target, "http") {
		target = c.hs.URL + target
	}
	req, _ := http.NewRequest(method, target, rd)
	req.Header = h
	req.Header.Set("Content-Type", "application/json")
	return c.roundTrip(req)
}

// roundTrip sends a request and decodes its JSON answer, numbers as json.Number (nil when the
// answer has no body).
func (c *client) roundTrip(req *http.Request) (*http.Response, map[string]any) {
	c.t.Helper()
	resp, err := c.hs.Client().Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if len(raw) == 0 {
		return resp, nil
	}
	var out map[string]any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		c.t.Fatalf("%s %s: %d, not JSON: %s", req.Method, req.URL, resp.StatusCode, raw)
	}
	return resp, out
}

func (c *client) do(method, path string, body any) (*http.Response, map[string]any) {
	c.t.Helper()
	u, _ := url.Parse(path)
	return c.send(method, path, c.headers(u.Path), body)
}

func (c *client) get(path string) map[string]any {
	c.t.Helper()
	resp, body := c.do(http.MethodGet, path, nil)
	if resp.StatusCode != http.StatusOK {
		c.t.Fatalf("GET %s: %d %v", path, resp.StatusCode, body)
	}
	return body
}

// token posts a form to /oauth/token; numbers in the answer come as json.Number.
func (c *client) token(form url.Values) (int, map[string]any) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.hs.URL+"/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body := c.roundTrip(req)
	return resp.StatusCode, body
}

func results(body map[string]any) []any {
	d, _ := body["results"].([]any)
	return d
}

func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func dec(v any) decimal.Decimal {
	switch x := v.(type) {
	case json.Number:
		return decimal.RequireFromString(string(x))
	case string:
		return decimal.RequireFromString(x)
	}
	panic("not a number")
}

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func dp(s string) *decimal.Decimal {
	x := d(s)
	return &x
}
