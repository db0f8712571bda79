package shopifytest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestFaults(t *testing.T) {
	const q = `{ orders(first: 5) { nodes { id } } }`
	tests := []struct {
		name  string
		fault Fault
		check func(t *testing.T, status int, h http.Header, body []byte, err error)
	}{
		{"throttled 200", Fault{Kind: FaultThrottled}, func(t *testing.T, status int, _ http.Header, body []byte, err error) {
			if status != 200 || !strings.Contains(string(body), `"code":"THROTTLED"`) || !strings.Contains(string(body), `"throttleStatus"`) {
				t.Fatalf("%d %s", status, body)
			}
		}},
		{"429", Fault{Kind: FaultHTTP429, RetryAfter: 3}, func(t *testing.T, status int, h http.Header, body []byte, err error) {
			if status != 429 || h.Get("Retry-After") != "3" {
				t.Fatalf("%d %v", status, h)
			}
		}},
		{"500", Fault{Kind: FaultHTTP500}, func(t *testing.T, status int, _ http.Header, body []byte, err error) {
			if status != 500 {
				t.Fatalf("%d", status)
			}
		}},
		{"502 html", Fault{Kind: FaultHTTP502}, func(t *testing.T, status int, h http.Header, body []byte, err error) {
			if status != 502 || !strings.HasPrefix(h.Get("Content-Type"), "text/html") || !bytes.Contains(body, []byte("<html>")) {
				t.Fatalf("%d %s", status, body)
			}
		}},
		{"503", Fault{Kind: FaultHTTP503}, func(t *testing.T, status int, _ http.Header, body []byte, err error) {
			if status != 503 {
				t.Fatalf("%d", status)
			}
		}},
		{"truncated", Fault{Kind: FaultTruncated}, func(t *testing.T, status int, _ http.Header, body []byte, err error) {
			if err == nil || json.Valid(body) {
				t.Fatalf("want a truncated body, got err=%v body=%s", err, body)
			}
		}},
		{"slow", Fault{Kind: FaultSlow, Delay: 150 * time.Millisecond}, func(t *testing.T, status int, _ http.Header, body []byte, err error) {
			if status != 200 || err != nil {
				t.Fatalf("%d %v", status, err)
			}
		}},
		{"reset", Fault{Kind: FaultReset}, func(t *testing.T, status int, _ http.Header, body []byte, err error) {
			if err == nil || status != 0 {
				t.Fatalf("want a dropped connection, got %d %s", status, body)
			}
		}},
		{"internal error in a 200", Fault{Kind: FaultInternalError}, func(t *testing.T, status int, _ http.Header, body []byte, err error) {
			var r struct {
				Data   json.RawMessage
				Errors []struct {
					Message    string
					Extensions struct{ Code, RequestID string }
				}
			}
			if status != 200 || json.Unmarshal(body, &r) != nil || len(r.Data) != 0 || len(r.Errors) != 1 ||
				r.Errors[0].Extensions.Code != "INTERNAL_SERVER_ERROR" || r.Errors[0].Extensions.RequestID == "" ||
				!strings.Contains(r.Errors[0].Message, "Request ID: "+r.Errors[0].Extensions.RequestID) {
				t.Fatalf("%d %s", status, body)
			}
		}},
		{"data null in a 200", Fault{Kind: FaultDataNull}, func(t *testing.T, status int, _ http.Header, body []byte, err error) {
			if status != 200 || !strings.Contains(string(body), `"data":null`) || !strings.Contains(string(body), `"errors":[{"message":`) {
				t.Fatalf("%d %s", status, body)
			}
		}},
		{"web page in a 200", Fault{Kind: FaultNotJSON}, func(t *testing.T, status int, h http.Header, body []byte, err error) {
			if status != 200 || json.Valid(body) || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
				t.Fatalf("%d %s", status, body)
			}
		}},
		{"a token endpoint fault leaves GraphQL alone", Fault{Kind: FaultHTTP503, Match: MatchTokenGrant}, func(t *testing.T, status int, _ http.Header, body []byte, err error) {
			if status != 200 {
				t.Fatalf("%d", status)
			}
		}},
		{"non-matching fault is ignored", Fault{Kind: FaultHTTP500, Match: "products"}, func(t *testing.T, status int, _ http.Header, body []byte, err error) {
			if status != 200 {
				t.Fatalf("%d", status)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, Options{})
			e.srv.InjectFaults(tc.fault)
			body, _ := json.Marshal(map[string]any{"query": q})
			req, _ := http.NewRequest(http.MethodPost, e.http.URL+"/admin/api/2025-01/graphql.json", bytes.NewReader(body))
			req.Header.Set("X-Shopify-Access-Token", e.token)
			start := time.Now()
			resp, err := http.DefaultClient.Do(req)
			var raw []byte
			status := 0
			var h http.Header
			if err == nil {
				status, h = resp.StatusCode, resp.Header
				raw, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			tc.check(t, status, h, raw, err)
			if tc.fault.Kind == FaultSlow && time.Since(start) < tc.fault.Delay {
				t.Fatal("slow fault did not wait")
			}
			// The next request is healthy.
			if r := e.post(e.token, q, nil); r.Status != 200 || len(r.Errors) != 0 {
				t.Fatalf("after the fault: %d %s", r.Status, r.Raw)
			}
		})
	}
}

// TestTokenEndpointFaults: faults aimed at the client credentials grant, and only those, fail it;
// the grant works again once they are used up.
func TestTokenEndpointFaults(t *testing.T) {
	srv := NewServer(Options{ClientID: "id-1", ClientSecret: "secret-1"})
	hs := srv.Start()
	defer hs.Close()
	grant := func() (int, error) {
		resp, err := http.PostForm(hs.URL+MatchTokenGrant, map[string][]string{
			"grant_type": {"client_credentials"}, "client_id": {"id-1"}, "client_secret": {"secret-1"}})
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		var g struct {
			AccessToken string `json:"access_token"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&g)
		if resp.StatusCode == 200 && g.AccessToken == "" {
			t.Fatal("a 200 grant without a token")
		}
		return resp.StatusCode, nil
	}
	srv.InjectFaults(Fault{Kind: FaultHTTP500, Times: 3}) // GraphQL faults: not for the grant
	if st, err := grant(); st != 200 || err != nil {
		t.Fatalf("a GraphQL fault hit the grant: %d %v", st, err)
	}
	srv.ClearFaults()
	srv.InjectFaults(Fault{Kind: FaultHTTP503, Match: MatchTokenGrant}, Fault{Kind: FaultHTTP429, Match: MatchTokenGrant, RetryAfter: 2},
		Fault{Kind: FaultReset, Match: MatchTokenGrant})
	for _, want := range []int{503, 429, 0, 200} {
		st, err := grant()
		if st != want || (want == 0) != (err != nil) {
			t.Fatalf("grant: %d %v, want %d", st, err, want)
		}
	}
	if g := srv.Stats().TokenGrants; g != 2 {
		t.Errorf("%d grants, want 2", g)
	}
}

func TestFaultTimesAndMatch(t *testing.T) {
	e := newEnv(t, Options{})
	e.srv.InjectFaults(Fault{Kind: FaultThrottled, Times: 2, Match: "orders"})
	if r := e.post(e.token, `{ shop { name } }`, nil); len(r.Errors) != 0 {
		t.Fatal("fault matched another root field")
	}
	for i := 0; i < 2; i++ {
		if r := e.post(e.token, `{ orders(first: 1) { nodes { id } } }`, nil); len(r.Errors) == 0 {
			t.Fatalf("request %d not throttled", i)
		}
	}
	if r := e.post(e.token, `{ orders(first: 1) { nodes { id } } }`, nil); len(r.Errors) != 0 {
		t.Fatal("fault used more than Times")
	}
	s := e.srv.Stats()
	if s.Faults != 2 || s.ByRootField["orders"] != 3 || s.Executed != 2 || s.GraphQL != 4 {
		t.Fatalf("stats %+v", s)
	}
}

func TestOrderChangesBetweenPages(t *testing.T) {
	e := newEnv(t, Options{})
	a, _, _ := catalogueFor(t, e.srv)
	for i := 0; i < 6; i++ {
		if _, err := e.srv.PlaceOrder(OrderInput{Lines: []OrderLine{{VariantID: a.ID, Quantity: 1}}}); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Minute)
	}
	e.srv.InjectFaults(Fault{Kind: FaultOrderChangesBetweenPages, AfterPage: 1})
	var names []string
	var after any
	for {
		d := e.query(`query($a: String) { orders(first: 3, after: $a, sortKey: UPDATED_AT) { nodes { name updatedAt } pageInfo { hasNextPage endCursor } } }`, map[string]any{"a": after})
		for _, n := range dig(d, "orders", "nodes").([]any) {
			names = append(names, digStr(n, "name"))
		}
		if dig(d, "orders", "pageInfo", "hasNextPage") != true {
			break
		}
		after = dig(d, "orders", "pageInfo", "endCursor")
	}
	// #1001 was on page 1, changed, and shows up again at the end.
	if strings.Join(names, ",") != "#1001,#1002,#1003,#1004,#1005,#1006,#1001" {
		t.Fatalf("pages: %v", names)
	}
	o, _ := e.srv.OrderByName("#1001")
	if o.UpdatedAt.Before(t0.Add(6 * time.Minute)) {
		t.Fatalf("order not touched: %v", o.UpdatedAt)
	}
}
