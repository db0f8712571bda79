package sallatest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// client talks to a started store with a live token.
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

// do sends a request to the API (path after /admin/v2) and decodes the JSON answer.
func (c *client) do(method, path string, body any) (*http.Response, map[string]any) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = strings.NewReader(string(raw))
	}
	req, _ := http.NewRequest(method, c.hs.URL+"/admin/v2"+path, rd)
	req.Header.Set("Authorization", "Bearer "+c.tok.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.hs.Client().Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		c.t.Fatalf("%s %s: %d, not JSON: %s", method, path, resp.StatusCode, raw)
	}
	return resp, out
}

func (c *client) get(path string) map[string]any {
	c.t.Helper()
	resp, body := c.do(http.MethodGet, path, nil)
	if resp.StatusCode != http.StatusOK {
		c.t.Fatalf("GET %s: %d %v", path, resp.StatusCode, body)
	}
	return body
}

// token posts to /oauth2/token.
func (c *client) token(form url.Values) (int, map[string]any) {
	c.t.Helper()
	resp, err := c.hs.Client().PostForm(c.hs.URL+"/oauth2/token", form)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func list(body map[string]any) []any {
	d, _ := body["data"].([]any)
	return d
}

func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}
