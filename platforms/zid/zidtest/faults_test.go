package zidtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"mizan/platforms/storetest"
)

// TestFaults: each fault of storetest's vocabulary looks on the wire as it should, once, and
// then the store answers again.
func TestFaults(t *testing.T) {
	c := start(t, Options{RateLimit: -1, SlowDelay: 50 * time.Millisecond})
	id, _ := c.s.AddProduct(ProductInput{Name: Names{Ar: "تمر"}, SKU: "D", Price: d("10"), Infinite: true})
	for i := 0; i < 3; i++ {
		c.s.PlaceOrder(OrderInput{Guest: CustomerInput{Name: "ضيف"}, Lines: []LineInput{{id, 1}}})
	}
	const products, orders = "/v1/products/", "/v1/managers/store/orders?per_page=2&date_attribute=updated_at"
	cases := []struct {
		kind   storetest.Kind
		path   string
		status int  // 0: the connection breaks
		json   bool // the body is JSON that parses
	}{
		{storetest.TooManyRequests, products, 429, true},
		{storetest.Throttle, orders, 429, true},
		{storetest.ServerError, products, 500, true},
		{storetest.BadGateway, orders, 502, false},
		{storetest.Unavailable, products, 503, false},
		{storetest.NotJSON, products, 200, false},
		{storetest.CutJSON, orders, 200, false},
		{storetest.Truncated, products, 0, false},
		{storetest.Reset, orders, 0, false},
		{storetest.Slow, products, 200, true},
	}
	for _, tc := range cases {
		t.Run(string(tc.kind), func(t *testing.T) {
			u, _ := url.Parse(tc.path)
			c.s.InjectFaults(storetest.Fault{Kind: tc.kind, Path: u.Path, RetryAfter: 7})
			req, _ := http.NewRequest(http.MethodGet, c.hs.URL+tc.path, nil)
			req.Header = c.headers(u.Path)
			began := time.Now()
			resp, err := c.hs.Client().Do(req)
			var raw []byte
			if err == nil {
				raw, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			switch {
			case tc.status == 0:
				if err == nil {
					t.Fatalf("the connection held: %d %s", resp.StatusCode, raw)
				}
				return
			case err != nil:
				t.Fatal(err)
			case resp.StatusCode != tc.status:
				t.Fatalf("%d %s", resp.StatusCode, raw)
			}
			if parsed := json.Unmarshal(raw, new(any)) == nil; parsed != tc.json {
				t.Errorf("body %s", raw)
			}
			if tc.status == 429 && resp.Header.Get("Retry-After") != "7" {
				t.Errorf("Retry-After %q", resp.Header.Get("Retry-After"))
			}
			if tc.kind == storetest.Slow && time.Since(began) < 50*time.Millisecond {
				t.Errorf("answered in %s", time.Since(began))
			}
			c.get(tc.path) // once only
		})
	}
	// An order changes between two pages: the first order served moves on.
	c.s.InjectFaults(storetest.Fault{Kind: storetest.ChangesMidPaging, Path: ordersPath})
	first := c.get(orders + "&sort_by=asc&order_by=updated_at")["orders"].([]any)
	moved, _ := obj(first[0])["id"].(json.Number).Int64()
	for _, o := range c.s.Orders() {
		if o.ID == moved && o.Status != StatusPreparing {
			t.Errorf("the order served first is %s", o.Status)
		}
	}
	second := c.get(orders + "&sort_by=asc&order_by=updated_at&page=2")["orders"].([]any)
	if fmt.Sprint(obj(second[0])["id"]) != fmt.Sprint(moved) {
		t.Errorf("page 2 starts with %v, want the order that moved to the end", obj(second[0])["id"])
	}
	// Tokens expire: the request and every later one are refused until renewed.
	c.s.InjectFaults(storetest.Fault{Kind: storetest.TokenExpires})
	if resp, _ := c.do(http.MethodGet, products, nil); resp.StatusCode != 401 {
		t.Errorf("token expires: %d", resp.StatusCode)
	}
	// OAuth faults reach only the token endpoint.
	c.s.InjectFaults(storetest.Fault{Kind: storetest.ServerError, Path: "/oauth/token"})
	status, _ := c.token(url.Values{"grant_type": {"refresh_token"}})
	if status != 500 {
		t.Errorf("token endpoint fault: %d", status)
	}
	if c.s.PendingFaults() != 0 {
		t.Errorf("%d faults left", c.s.PendingFaults())
	}
}

// TestRateLimit: 60 product requests a minute, the 61st is 429 with Retry-After and the
// product service's message; orders are not limited; every answer is dated by the store's clock.
func TestRateLimit(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c := start(t, Options{RateNow: func() time.Time { return now }})
	for i := 0; i < 60; i++ {
		c.get("/v1/products/")
	}
	resp, body := c.do(http.MethodGet, "/v1/products/", nil)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "1" || !strings.Contains(fmt.Sprint(body["detail"]), "throttled") {
		t.Fatalf("61st request: %d %q %v", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	for i := 0; i < 70; i++ {
		c.get("/v1/managers/store/orders")
	}
	now = now.Add(30 * time.Second)
	for i := 0; i < 30; i++ {
		c.get("/v1/products/")
	}
	if resp, _ := c.do(http.MethodGet, "/v1/products/", nil); resp.StatusCode != 429 {
		t.Errorf("past 30 more after 30 s: %d", resp.StatusCode)
	}
	if date, _ := http.ParseTime(resp.Header.Get("Date")); !date.Equal(c.s.Clock().Now()) {
		t.Errorf("Date %s, the store's clock %s", resp.Header.Get("Date"), c.s.Clock().Now())
	}
	if c.s.RequestsTo("/v1/products") != 92 || c.s.Requests() != 162 {
		t.Errorf("requests %d to products, %d in all", c.s.RequestsTo("/v1/products"), c.s.Requests())
	}
}
