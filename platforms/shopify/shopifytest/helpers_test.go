package shopifytest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

type testEnv struct {
	t     *testing.T
	srv   *Server
	http  *httptest.Server
	clock *FakeClock
	token string
}

func newEnv(t *testing.T, opts Options) *testEnv {
	t.Helper()
	clock := NewFakeClock(t0)
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	s := NewServer(opts)
	hs := s.Start()
	t.Cleanup(hs.Close)
	return &testEnv{t: t, srv: s, http: hs, clock: clock, token: "shpat_test"}
}

type gqlResponse struct {
	Status     int
	Header     http.Header
	Raw        []byte
	Data       map[string]any
	Errors     []map[string]any
	Extensions map[string]any
}

func (e *testEnv) post(token, query string, vars map[string]any) gqlResponse {
	e.t.Helper()
	return e.postAt("2025-01", token, query, vars)
}

// postAt posts to the given API version's endpoint.
func (e *testEnv) postAt(version, token, query string, vars map[string]any) gqlResponse {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, e.http.URL+"/admin/api/"+version+"/graphql.json", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("X-Shopify-Access-Token", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("request: %v", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatalf("read: %v", err)
	}
	out := gqlResponse{Status: resp.StatusCode, Header: resp.Header, Raw: raw}
	var m struct {
		Data       map[string]any  `json:"data"`
		Errors     json.RawMessage `json:"errors"`
		Extensions map[string]any  `json:"extensions"`
	}
	if json.Unmarshal(raw, &m) == nil {
		out.Data, out.Extensions = m.Data, m.Extensions
		_ = json.Unmarshal(m.Errors, &out.Errors)
	}
	return out
}

// query posts with the default token and fails on GraphQL errors.
func (e *testEnv) query(q string, vars map[string]any) map[string]any {
	e.t.Helper()
	r := e.post(e.token, q, vars)
	if r.Status != 200 || len(r.Errors) > 0 {
		e.t.Fatalf("query failed: %d %s", r.Status, r.Raw)
	}
	return r.Data
}

// dig walks a decoded JSON value by keys and indexes.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func digStr(v any, path ...any) string {
	s, _ := dig(v, path...).(string)
	return s
}

func digDec(t *testing.T, v any, path ...any) decimal.Decimal {
	t.Helper()
	s := digStr(v, path...)
	d, err := decimal.NewFromString(s)
	if err != nil {
		t.Fatalf("not a decimal at %v: %q", path, s)
	}
	return d
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func decp(s string) *decimal.Decimal { d := dec(s); return &d }
