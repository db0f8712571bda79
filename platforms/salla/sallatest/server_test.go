package sallatest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/platforms/storetest"
)

func TestEnvelopeAndPaging(t *testing.T) {
	c := start(t, Options{RateLimit: -1})
	c.s.Seed(SeedOptions{Products: 10, Orders: 130, Seed: 3})
	seen := map[string]bool{}
	pages := 0
	for pg := 1; ; pg++ {
		body := c.get(fmt.Sprintf("/orders?sort_by=updated_at-desc&per_page=100&page=%d", pg))
		pages++
		if body["status"] != json.Number("200") || body["success"] != true {
			t.Fatalf("envelope: status %v success %v", body["status"], body["success"])
		}
		p := obj(body["pagination"])
		if p["perPage"] != json.Number("60") || p["currentPage"] != json.Number(strconv.Itoa(pg)) || p["total"] != json.Number("130") ||
			p["totalPages"] != json.Number("3") {
			t.Fatalf("page %d: pagination %v", pg, p)
		}
		links := obj(p["links"])
		if (pg < 3) != (links["next"] != nil) || (pg > 1) != (links["previous"] != nil) {
			t.Fatalf("page %d: links %v", pg, links)
		}
		for _, row := range list(body) {
			o := obj(row)
			if _, has := o["updated_at"]; has {
				t.Fatalf("the list has updated_at: %v", o)
			}
			if obj(o["total"])["currency"] != "SAR" || obj(o["date"])["timezone"] != "Asia/Riyadh" {
				t.Fatalf("money or date shape: %v %v", o["total"], o["date"])
			}
			seen[fmt.Sprint(o["id"])] = true
		}
		if p["currentPage"] == p["totalPages"] {
			break
		}
	}
	if pages != 3 || len(seen) != 130 {
		t.Fatalf("%d pages, %d orders", pages, len(seen))
	}
	// updated_at-desc really sorts by the detail's updated_at.
	body := c.get("/orders?sort_by=updated_at-desc&per_page=60")
	var last time.Time
	for i, row := range list(body) {
		d := c.get("/orders/" + fmt.Sprint(obj(row)["id"]) + "?format=light")
		ts, err := time.Parse("2006-01-02 15:04:05.000000", obj(obj(d["data"])["updated_at"])["date"].(string))
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 && ts.After(last) {
			t.Fatalf("row %d updated %s after the row before (%s)", i, ts, last)
		}
		last = ts
		if _, has := obj(d["data"])["items"]; has {
			t.Fatal("a light detail has items")
		}
	}
	// A single page has links {}.
	one := c.get("/branches")
	if links := obj(obj(one["pagination"])["links"]); len(links) != 0 {
		t.Fatalf("single page links %v", links)
	}
}

func TestTokenRotationAndReusedRefresh(t *testing.T) {
	c := start(t, Options{RateLimit: -1, ExpiresIn: true})
	form := func(refresh string) url.Values {
		return url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}, "client_id": {c.s.ClientID()},
			"client_secret": {c.s.ClientSecret()}}
	}
	old := c.tok
	c.s.Clock().Advance(time.Hour)
	code, body := c.token(form(old.RefreshToken))
	if code != http.StatusOK {
		t.Fatalf("refresh: %d %v", code, body)
	}
	newAccess, newRefresh := body["access_token"].(string), body["refresh_token"].(string)
	if newAccess == old.AccessToken || newRefresh == old.RefreshToken {
		t.Fatal("refresh did not rotate both tokens")
	}
	if exp, _ := body["expires"].(float64); int64(exp) != c.s.Clock().Now().Add(14*24*time.Hour).Unix() {
		t.Fatalf("expires %v is not the absolute Unix time 14 days on", body["expires"])
	}
	if body["expires_in"] != float64(14*24*3600) {
		t.Fatalf("expires_in %v", body["expires_in"])
	}
	if got := c.s.TokenState(old.AccessToken); got != "revoked" {
		t.Fatalf("the old access token is %s after a refresh", got)
	}
	c.tok.AccessToken = newAccess
	c.get("/branches")

	// The spent refresh token again: both pairs are revoked.
	code, body = c.token(form(old.RefreshToken))
	if code != http.StatusUnauthorized || body["error"] != "invalid_grant" {
		t.Fatalf("reused refresh: %d %v", code, body)
	}
	if c.s.TokenState(newAccess) != "revoked" {
		t.Fatal("the new pair still works after the old refresh token was reused")
	}
	resp, errBody := c.do(http.MethodGet, "/branches", nil)
	if resp.StatusCode != http.StatusUnauthorized || errBody["success"] != false || obj(errBody["error"])["code"] == nil {
		t.Fatalf("revoked token: %d %v", resp.StatusCode, errBody)
	}
	if code, _ := c.token(form(newRefresh)); code != http.StatusUnauthorized {
		t.Fatalf("the new refresh token still refreshes after the chain was revoked: %d", code)
	}
}

func TestTokenExpiresByClock(t *testing.T) {
	c := start(t, Options{RateLimit: -1, TokenLifetime: time.Hour})
	c.get("/branches")
	c.s.Clock().Advance(time.Hour)
	if resp, _ := c.do(http.MethodGet, "/branches", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("an expired token got %d", resp.StatusCode)
	}
	// The fault: a token expiring mid-run.
	c.tok = c.s.IssueTokens()
	c.s.InjectFaults(storetest.Fault{Kind: storetest.TokenExpires, Path: "/orders"})
	c.get("/branches")
	if resp, _ := c.do(http.MethodGet, "/orders", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("after the token-expires fault: %d", resp.StatusCode)
	}
}

func TestAuthorizationCodeFlow(t *testing.T) {
	c := start(t, Options{RateLimit: -1})
	hc := c.hs.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	redirect := "http://127.0.0.1:53682/callback"
	q := url.Values{"client_id": {c.s.ClientID()}, "response_type": {"code"}, "redirect_uri": {redirect},
		"scope": {DefaultScope}, "state": {"3f2a-91bc-77de"}}
	resp, err := hc.Get(c.hs.URL + "/oauth2/auth?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc.String(), redirect) || loc.Query().Get("state") != "3f2a91bc77de" {
		t.Fatalf("authorize: %d to %s", resp.StatusCode, loc)
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "redirect_uri": {redirect},
		"client_id": {c.s.ClientID()}, "client_secret": {c.s.ClientSecret()}}
	code, body := c.token(form)
	if code != http.StatusOK || body["refresh_token"] == nil || body["token_type"] != "bearer" {
		t.Fatalf("exchange: %d %v", code, body)
	}
	if code, _ := c.token(form); code != http.StatusBadRequest {
		t.Fatalf("a code used twice: %d", code)
	}
	c.tok.AccessToken = body["access_token"].(string)
	req, _ := http.NewRequest(http.MethodGet, c.hs.URL+"/oauth2/user/info", nil)
	req.Header.Set("Authorization", "Bearer "+c.tok.AccessToken)
	r2, err := c.hs.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Body.Close()
	var info map[string]any
	_ = json.NewDecoder(r2.Body).Decode(&info)
	if m := obj(obj(info["data"])["merchant"]); m["id"] != float64(847769313) {
		t.Fatalf("user info: %v", info)
	}
	if resp, _ := hc.Get(c.hs.URL + "/oauth2/auth?" + strings.Replace(q.Encode(), "53682", "9", 1) + "&x=" + url.QueryEscape("https://evil.example")); resp.StatusCode == http.StatusFound {
		// a loopback address on another port is still loopback: allowed
		resp.Body.Close()
	}
	q.Set("redirect_uri", "https://evil.example/cb")
	if resp, _ := hc.Get(c.hs.URL + "/oauth2/auth?" + q.Encode()); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("a foreign redirect: %d", resp.StatusCode)
	}
}

func TestRateLimitHeadersAnd429(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	c := start(t, Options{RateNow: func() time.Time { return now }})
	for i := 1; i <= 120; i++ {
		resp, _ := c.do(http.MethodGet, "/branches", nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d: %d", i, resp.StatusCode)
		}
		if got := resp.Header.Get("X-RateLimit-Remaining"); got != strconv.Itoa(120-i) {
			t.Fatalf("request %d: remaining %s", i, got)
		}
		if resp.Header.Get("X-RateLimit-Limit") != "120" {
			t.Fatalf("limit %s", resp.Header.Get("X-RateLimit-Limit"))
		}
	}
	resp, body := c.do(http.MethodGet, "/branches", nil)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" ||
		obj(body["error"])["code"] != "too_many_requests" {
		t.Fatalf("the 121st request: %d Retry-After %q %v", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if reset := resp.Header.Get("X-RateLimit-Reset"); reset != strconv.FormatInt(now.Add(time.Minute).Unix(), 10) {
		t.Fatalf("reset %s, want the full bucket drained a minute on", reset)
	}
	// Customers have their own bucket: 500 per 10 minutes.
	resp, _ = c.do(http.MethodGet, "/customers", nil)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-RateLimit-Limit") != "500" || resp.Header.Get("X-RateLimit-Remaining") != "499" {
		t.Fatalf("customers: %d, limit %s remaining %s", resp.StatusCode, resp.Header.Get("X-RateLimit-Limit"), resp.Header.Get("X-RateLimit-Remaining"))
	}
	now = now.Add(time.Second) // two requests leak out a second
	for i := 0; i < 2; i++ {
		if resp, _ := c.do(http.MethodGet, "/branches", nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("after a second, request %d: %d", i, resp.StatusCode)
		}
	}
	if resp, _ := c.do(http.MethodGet, "/branches", nil); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("a third request in that second: %d", resp.StatusCode)
	}
}

func TestWritesChangeState(t *testing.T) {
	c := start(t, Options{RateLimit: -1})
	resp, body := c.do(http.MethodPost, "/products", map[string]any{"name": "تمر سكري", "price": "49.90", "quantity": 10,
		"sku": "DAT-1", "cost_price": 30, "product_type": "product"})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %v", resp.StatusCode, body)
	}
	id := fmt.Sprint(obj(body["data"])["id"])
	resp, body = c.do(http.MethodPut, "/products/"+id, map[string]any{"name": "تمر سكري فاخر", "price": 55})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("update: %d %v", resp.StatusCode, body)
	}
	p := obj(c.get("/products/" + id)["data"])
	if p["name"] != "تمر سكري فاخر" || obj(p["price"])["amount"] != json.Number("55") {
		t.Fatalf("after update: %v %v", p["name"], p["price"])
	}
	// Relative stock changes by SKU and by id.
	resp, body = c.do(http.MethodPost, "/products/quantities/bulk", map[string]any{"products": []any{
		map[string]any{"identifer_type": "sku", "identifer": "DAT-1", "quantity": 3, "mode": "decrement"},
		map[string]any{"identifer_type": "id", "identifer": id, "quantity": 5, "mode": "increment"},
	}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("bulk: %d %v", resp.StatusCode, body)
	}
	n, _ := strconv.ParseInt(id, 10, 64)
	if q, _ := c.s.Stock(n, 0); q != 12 {
		t.Fatalf("stock %d after -3 +5 from 10", q)
	}
	rows := list(c.get("/products/quantities?keyword=DAT-1"))
	if len(rows) != 1 || obj(rows[0])["quantity"] != json.Number("12") {
		t.Fatalf("quantities: %v", rows)
	}
	// A bad row applies nothing.
	resp, _ = c.do(http.MethodPost, "/products/quantities/bulk", map[string]any{"products": []any{
		map[string]any{"identifer_type": "sku", "identifer": "DAT-1", "quantity": 1, "mode": "decrement"},
		map[string]any{"identifer_type": "sku", "identifer": "NOPE", "quantity": 1, "mode": "decrement"},
	}})
	if q, _ := c.s.Stock(n, 0); resp.StatusCode != http.StatusUnprocessableEntity || q != 12 {
		t.Fatalf("bad bulk: %d, stock %d", resp.StatusCode, q)
	}
	// Variants: created from options, written by variant id.
	resp, body = c.do(http.MethodPost, "/products", map[string]any{"name": "قهوة", "price": 35, "options": []any{
		map[string]any{"name": "الحجم", "values": []any{map[string]any{"name": "250g", "quantity": 4}, map[string]any{"name": "500g", "price": 30, "quantity": 2}}}}})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create with options: %d %v", resp.StatusCode, body)
	}
	skus := obj(body["data"])["skus"].([]any)
	vid := fmt.Sprint(obj(skus[1])["id"])
	if resp, body := c.do(http.MethodPut, "/products/variants/"+vid, map[string]any{"sku": "COF-500", "barcode": "6281000000028", "cost_price": "20.50"}); resp.StatusCode != http.StatusOK {
		t.Fatalf("variant update: %d %v", resp.StatusCode, body)
	}
	c.do(http.MethodPost, "/products/quantities/bulk", map[string]any{"products": []any{
		map[string]any{"identifer_type": "variant_id", "identifer": vid, "quantity": 7, "mode": "increment"}}})
	v, ok := c.s.SellableBySKU("COF-500")
	if !ok || v.Quantity != 9 || v.Barcode != "6281000000028" || v.Cost == nil || !v.Cost.Equal(decimal.RequireFromString("20.5")) ||
		!v.Price.Equal(decimal.NewFromInt(65)) {
		t.Fatalf("variant after writes: %+v", v)
	}
}

func TestFaults(t *testing.T) {
	c := start(t, Options{RateLimit: -1})
	c.s.Seed(SeedOptions{Products: 3, Orders: 5, Seed: 1})
	cases := []struct {
		kind storetest.Kind
		want int
	}{{storetest.TooManyRequests, 429}, {storetest.ServerError, 500}, {storetest.BadGateway, 502}, {storetest.Unavailable, 503}}
	for _, tc := range cases {
		c.s.InjectFaults(storetest.Fault{Kind: tc.kind, Path: "/orders"})
		resp, err := c.hs.Client().Get(c.hs.URL + "/admin/v2/branches")
		if err != nil || resp.StatusCode == tc.want {
			t.Fatalf("%s hit another path", tc.kind)
		}
		resp.Body.Close()
		req, _ := http.NewRequest(http.MethodGet, c.hs.URL+"/admin/v2/orders", nil)
		req.Header.Set("Authorization", "Bearer "+c.tok.AccessToken)
		resp, err = c.hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: %d", tc.kind, resp.StatusCode)
		}
	}
	// A truncated body fails to read.
	c.s.InjectFaults(storetest.Fault{Kind: storetest.Truncated})
	req, _ := http.NewRequest(http.MethodGet, c.hs.URL+"/admin/v2/orders", nil)
	req.Header.Set("Authorization", "Bearer "+c.tok.AccessToken)
	resp, err := c.hs.Client().Do(req)
	if err == nil {
		var v any
		err = json.NewDecoder(resp.Body).Decode(&v)
		resp.Body.Close()
	}
	if err == nil {
		t.Error("a truncated answer read whole")
	}
	// An order changes between two pages: its status moves on (never into or out of
	// completed), or it gets a comment, and its updated_at moves it to the top.
	c.s.Clock().Advance(time.Minute)
	c.s.InjectFaults(storetest.Fault{Kind: storetest.ChangesMidPaging, Path: "/orders"})
	first := c.get("/orders?sort_by=updated_at-desc&per_page=2&page=2")
	row := obj(list(first)[0])
	detail := obj(c.get(fmt.Sprint("/orders/", row["id"]))["data"])
	top := obj(list(c.get("/orders?sort_by=updated_at-desc&per_page=2&page=1"))[0])
	if top["id"] != row["id"] || obj(detail["updated_at"])["date"] != dateObj(c.s.Clock().Now().Add(time.Second))["date"] {
		t.Errorf("the order changed on page 2 is not first now: %v, updated %v", top["id"], detail["updated_at"])
	}
	before, after := obj(row["status"]), obj(detail["status"])
	if (before["slug"] == StatusCompleted) != (after["slug"] == StatusCompleted) {
		t.Errorf("the change moved the order into or out of completed: %v → %v", before, after)
	}
	// Each status moves as said.
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	for _, tc := range []struct{ from, to string }{{StatusPaymentPending, StatusUnderReview}, {StatusUnderReview, StatusInProgress},
		{StatusInProgress, StatusInProgress}, {StatusCompleted, StatusCompleted}, {StatusShipped, StatusDelivered},
		{StatusCanceled, StatusCanceled}, {StatusRestored, StatusRestored}} {
		from := c.s.st.bySlug[tc.from]
		next := c.s.nextStatus(from)
		if next.slug != tc.to || (tc.from == StatusCompleted && next == from) {
			t.Errorf("%s moves to %s (%s)", tc.from, next.slug, next.name)
		}
	}
	if c.s.PendingFaults() != 0 {
		t.Errorf("%d faults left", c.s.PendingFaults())
	}
}

// TestOAuthFaults: a fault aimed at the token endpoint hits it, and an API fault is not used up
// by an OAuth request.
func TestOAuthFaults(t *testing.T) {
	c := start(t, Options{RateLimit: -1})
	c.s.InjectFaults(storetest.Fault{Kind: storetest.ServerError})
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {c.tok.RefreshToken}, "client_id": {c.s.ClientID()},
		"client_secret": {c.s.ClientSecret()}}
	if code, body := c.token(form); code != http.StatusOK {
		t.Fatalf("an API fault hit the token endpoint: %d %v", code, body)
	}
	if c.s.PendingFaults() != 1 {
		t.Fatal("an OAuth request used up an API fault")
	}
	c.s.ClearFaults()
	c.s.InjectFaults(storetest.Fault{Kind: storetest.Unavailable, Path: "/oauth2/token"})
	if code, _ := c.token(form); code != http.StatusServiceUnavailable {
		t.Fatalf("a token-endpoint fault: %d", code)
	}
}

func TestTokenEndpointErrors(t *testing.T) {
	c := start(t, Options{RateLimit: -1, RedirectURI: "http://127.0.0.1:53682/callback"})
	code := func() string {
		hc := c.hs.Client()
		hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		q := url.Values{"client_id": {c.s.ClientID()}, "response_type": {"code"}, "redirect_uri": {"http://127.0.0.1:53682/callback"}}
		resp, err := hc.Get(c.hs.URL + "/oauth2/auth?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := url.Parse(resp.Header.Get("Location"))
		return loc.Query().Get("code")
	}
	base := func(v url.Values) url.Values {
		out := url.Values{"client_id": {c.s.ClientID()}, "client_secret": {c.s.ClientSecret()}}
		for k, x := range v {
			out[k] = x
		}
		return out
	}
	cases := []struct {
		name      string
		form      func() url.Values
		status    int
		errorCode string
	}{
		{"wrong secret", func() url.Values {
			return url.Values{"grant_type": {"refresh_token"}, "refresh_token": {c.tok.RefreshToken}, "client_id": {c.s.ClientID()}, "client_secret": {"nope"}}
		}, 401, "invalid_client"},
		{"unknown grant", func() url.Values { return base(url.Values{"grant_type": {"password"}}) }, 400, "unsupported_grant_type"},
		{"unknown refresh token", func() url.Values {
			return base(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"ory_rt_nope"}})
		}, 400, "invalid_grant"},
		{"another redirect", func() url.Values {
			return base(url.Values{"grant_type": {"authorization_code"}, "code": {code()}, "redirect_uri": {"http://127.0.0.1:1/callback"}})
		}, 400, "invalid_grant"},
		{"expired code", func() url.Values {
			cd := code()
			c.s.Clock().Advance(11 * time.Minute)
			return base(url.Values{"grant_type": {"authorization_code"}, "code": {cd}, "redirect_uri": {"http://127.0.0.1:53682/callback"}})
		}, 400, "invalid_grant"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := c.token(tc.form())
			if status != tc.status || body["error"] != tc.errorCode {
				t.Fatalf("%d %v, want %d %s", status, body, tc.status, tc.errorCode)
			}
		})
	}
	// Basic authentication works as well as the form.
	req, _ := http.NewRequest(http.MethodPost, c.hs.URL+"/oauth2/token", strings.NewReader(url.Values{"grant_type": {"refresh_token"},
		"refresh_token": {c.tok.RefreshToken}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(c.s.ClientID(), c.s.ClientSecret())
	resp, err := c.hs.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("refresh with Basic authentication: %d", resp.StatusCode)
	}
}

// Every answer is dated by the store's clock, not the machine's: the API's, a refused one,
// the token endpoint's, a fault's and a page outside the API. A client that reads the store's
// time from Date (as the engine's watermarks do) sees the time the store's records carry.
func TestDateIsTheStoresClock(t *testing.T) {
	clock := storetest.NewClock(time.Date(2025, 11, 30, 21, 15, 0, 0, time.UTC))
	c := start(t, Options{Clock: clock, RateLimit: -120})
	want := func(name string, resp *http.Response) {
		t.Helper()
		if got := resp.Header.Get("Date"); got != clock.Now().Format(http.TimeFormat) {
			t.Errorf("%s: Date %q, want the store's %q", name, got, clock.Now().Format(http.TimeFormat))
		}
	}
	resp, _ := c.do(http.MethodGet, "/products", nil)
	want("a list", resp)
	clock.Advance(36 * time.Hour)
	resp, _ = c.do(http.MethodGet, "/orders/1", nil)
	want("a missing order", resp)
	bad := *c
	bad.tok.AccessToken = "not-a-token"
	resp, _ = bad.do(http.MethodGet, "/orders", nil)
	want("a refused token", resp)
	c.s.InjectFaults(storetest.Fault{Kind: storetest.ServerError})
	resp, _ = c.do(http.MethodGet, "/orders", nil)
	want("a 500", resp)
	for _, path := range []string{"/oauth2/token", "/elsewhere"} {
		r, err := c.hs.Client().Post(c.hs.URL+path, "application/x-www-form-urlencoded", strings.NewReader("grant_type=refresh_token"))
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		want(path, r)
	}
}
