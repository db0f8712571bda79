package storetest

import (
	"io"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestQueue(t *testing.T) {
	var q Queue
	q.Inject(Fault{Kind: ServerError, Path: "/orders"}, Fault{Kind: Slow, Times: 2}, Fault{Kind: NotJSON, Path: "/products", Times: -1})
	steps := []struct {
		path string
		want Kind // "" for no fault
	}{
		{"/products", Slow},            // the first queued fault that matches
		{"/orders/items", ServerError}, // a path prefix
		{"/orders", Slow},
		{"/orders", ""},
		{"/products/quantities", NotJSON},
		{"/products", NotJSON}, // until cleared
	}
	for i, s := range steps {
		f, hit := q.Take(s.path, nil)
		if got := Kind(""); hit {
			got = f.Kind
			if got != s.want {
				t.Fatalf("step %d %s: %q, want %q", i, s.path, got, s.want)
			}
		} else if s.want != "" {
			t.Fatalf("step %d %s: no fault, want %q", i, s.path, s.want)
		}
	}
	if q.Pending() != 1 {
		t.Fatalf("pending %d", q.Pending())
	}
	if _, hit := q.Take("/products", func(f Fault) bool { return f.Kind != NotJSON }); hit {
		t.Fatal("a refused fault was taken")
	}
	q.Clear()
	if _, hit := q.Take("/products", nil); hit || q.Pending() != 0 {
		t.Fatal("Clear left a fault")
	}
	q.Inject(Fault{Kind: TooManyRequests})
	if f, _ := q.Take("/", nil); f.RetryAfter != 1 {
		t.Fatalf("default Retry-After %d", f.RetryAfter)
	}
}

func TestClock(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	c := NewClock(t0)
	c.Advance(time.Minute)
	if !c.Now().Equal(t0.Add(time.Minute)) {
		t.Fatal(c.Now())
	}
	c.Set(t0)
	if !c.Now().Equal(t0) {
		t.Fatal(c.Now())
	}
}

func TestWireFaults(t *testing.T) {
	body := []byte(`{"status":200,"success":true,"data":[1,2,3,4,5,6]}`)
	cases := []struct {
		name   string
		h      http.HandlerFunc
		broken bool // reading the body fails
		short  bool // the body read is cut
	}{
		{"truncated", func(w http.ResponseWriter, r *http.Request) { WriteTruncated(w, 200, "application/json", body) }, true, true},
		{"cut json", func(w http.ResponseWriter, r *http.Request) { WriteCutJSON(w, body) }, false, true},
		{"dropped", func(w http.ResponseWriter, r *http.Request) { DropConnection(w) }, true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hs := httptest.NewServer(tc.h)
			defer hs.Close()
			resp, err := hs.Client().Get(hs.URL)
			var got []byte
			if err == nil {
				got, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			if (err != nil) != tc.broken {
				t.Fatalf("error %v, want broken %v", err, tc.broken)
			}
			if tc.short && len(got) >= len(body) {
				t.Fatalf("read %d bytes of %d", len(got), len(body))
			}
		})
	}
}

func TestCounter(t *testing.T) {
	var c Counter
	for _, p := range []string{"/orders", "/orders/7", "/products", "/orders"} {
		c.Add(p)
	}
	for _, tc := range []struct {
		prefix string
		want   int
	}{{"/orders", 3}, {"/orders/", 1}, {"/products", 1}, {"", 4}, {"/customers", 0}} {
		if got := c.Prefix(tc.prefix); got != tc.want {
			t.Errorf("Prefix(%q) = %d, want %d", tc.prefix, got, tc.want)
		}
	}
}

func TestBucket(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	b := &Bucket{Limit: 3, Leak: 1}
	steps := []struct {
		at    time.Duration
		ok    bool
		retry int
	}{
		{0, true, 0}, {0, true, 0}, {0, true, 0}, // fills up
		{0, false, 1},                      // full: one drains in a second
		{500 * time.Millisecond, false, 1}, // half a request drained: still no room
		{time.Second, true, 0},             // one drained
		{time.Second, false, 1},
		{10 * time.Second, true, 0}, // empty again
	}
	for i, s := range steps {
		ok, retry := b.Take(t0.Add(s.at))
		if ok != s.ok || retry != s.retry {
			t.Fatalf("step %d: %v %d, want %v %d", i, ok, retry, s.ok, s.retry)
		}
	}
	if l := b.Level(t0.Add(10 * time.Second)); l != 1 {
		t.Errorf("level %v", l)
	}
	off := &Bucket{Limit: -3, Leak: 1}
	for i := 0; i < 10; i++ {
		if ok, _ := off.Take(t0); !ok || off.Level(t0) != 0 {
			t.Fatal("a bucket that is off refused")
		}
	}
}

func TestWriteWireFault(t *testing.T) {
	cases := []struct {
		kind     Kind
		status   int // 0: the connection drops
		answered bool
		html     bool
	}{
		{BadGateway, 502, true, true}, {Unavailable, 503, true, true}, {NotJSON, 200, true, true}, {Reset, 0, true, false},
		{Slow, 204, false, false}, {TooManyRequests, 204, false, false}, {ServerError, 204, false, false},
	}
	for _, tc := range cases {
		t.Run(string(tc.kind), func(t *testing.T) {
			var answered bool
			hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				answered = WriteWireFault(w, r, Fault{Kind: tc.kind, RetryAfter: 3}, 20*time.Millisecond)
				if !answered {
					w.WriteHeader(http.StatusNoContent) // the store's own answer
				}
			}))
			defer hs.Close()
			began := time.Now()
			resp, err := hs.Client().Get(hs.URL)
			if tc.status == 0 {
				if err == nil {
					resp.Body.Close()
					t.Fatal("the connection held")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.status || answered != tc.answered ||
				(resp.Header.Get("Content-Type") == "text/html; charset=UTF-8") != tc.html {
				t.Errorf("%d answered %v %q", resp.StatusCode, answered, resp.Header.Get("Content-Type"))
			}
			if tc.kind == Unavailable && resp.Header.Get("Retry-After") != "3" {
				t.Errorf("Retry-After %q", resp.Header.Get("Retry-After"))
			}
			if tc.kind == Slow && time.Since(began) < 20*time.Millisecond {
				t.Errorf("not slow: %s", time.Since(began))
			}
		})
	}
}

func TestSeedHelpers(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 20; i++ {
		code := EAN13(r)
		sum := 0
		for k, c := range code {
			n := int(c - '0')
			if k%2 == 1 {
				n *= 3
			}
			sum += n
		}
		if len(code) != 13 || sum%10 != 0 || code[:3] != "628" {
			t.Fatalf("EAN-13 %s", code)
		}
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := Spread(t0, t0.Add(10*time.Hour), 3, 4); !got.Equal(t0.Add(450 * time.Minute)) {
		t.Errorf("Spread %s", got)
	}
	stock := map[string]int{"a": 5, "b": 0, "c": 2}
	for i := 0; i < 50; i++ {
		picked, qty := PickLines(r, []string{"a", "b", "c"}, 3, func(u string, q int) bool { return stock[u] >= q })
		seen := map[string]bool{}
		for k, u := range picked {
			if seen[u] || u == "b" || qty[k] < 1 || qty[k] > stock[u] {
				t.Fatalf("picked %v %v", picked, qty)
			}
			seen[u] = true
		}
	}
	a, b := rand.New(rand.NewSource(7)), rand.New(rand.NewSource(7))
	var variants, arabicOnly, noSKU int
	for i := 0; i < 200; i++ {
		p := Seeded(a, i)
		if q := Seeded(b, i); p.Name != q.Name || !p.Price.Equal(q.Price) || len(p.Variants) != len(q.Variants) {
			t.Fatalf("product %d differs for the same seed", i)
		}
		variants += len(p.Variants)
		if p.NameEn == "" {
			arabicOnly++
		}
		if p.SKU == "" && len(p.Variants) == 0 {
			noSKU++
		}
		if !p.Price.IsPositive() {
			t.Errorf("product %d price %s", i, p.Price)
		}
	}
	if variants == 0 || arabicOnly == 0 || noSKU == 0 {
		t.Errorf("variants %d, Arabic-only %d, without SKU %d", variants, arabicOnly, noSKU)
	}
}

func TestGrants(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	var gs Grants
	a := gs.Issue(&Grant{Access: "a1", Refresh: "r1", Expires: t0.Add(time.Hour)}, 0)
	other := gs.Issue(&Grant{Access: "b1", Refresh: "s1", Expires: t0.Add(time.Hour)}, 0)
	if a.Family == other.Family {
		t.Fatal("two first grants share a family")
	}
	a.Spent = true
	renewed := gs.Issue(&Grant{Access: "a2", Refresh: "r2", Expires: t0.Add(time.Hour)}, a.Family)
	if gs.Latest(a.Family) != renewed || gs.ByRefresh("r1") != a || gs.ByAccess("") != nil {
		t.Fatal("lookups")
	}
	renewed.Spent = true // renewed in turn, by a grant not issued yet
	if gs.Latest(a.Family) != nil {
		t.Fatal("a spent grant is the latest")
	}
	renewed.Spent = false
	for _, tc := range []struct{ access, want string }{{"a2", "live"}, {"zz", "unknown"}} {
		if got := gs.State(tc.access, t0); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.access, got, tc.want)
		}
	}
	gs.ExpireAll(t0)
	if gs.State("b1", t0) != "expired" {
		t.Error("ExpireAll")
	}
	gs.RevokeFamily(a.Family)
	if gs.State("a2", t0) != "revoked" || gs.Latest(a.Family) != nil || other.Revoked {
		t.Error("RevokeFamily")
	}
	for _, tc := range []struct {
		registered, raw string
		ok              bool
	}{
		{"", "http://127.0.0.1:8765/callback", true}, {"", "http://localhost:9/cb", true}, {"", "https://127.0.0.1/cb", false},
		{"", "http://evil.example/cb", false}, {"https://app.example/cb", "https://app.example/cb", true},
		{"https://app.example/cb", "http://127.0.0.1:8765/callback", false},
	} {
		if got := RedirectAllowed(tc.registered, tc.raw); got != tc.ok {
			t.Errorf("RedirectAllowed(%q, %q) = %v", tc.registered, tc.raw, got)
		}
	}
}

func TestTraffic(t *testing.T) {
	var tr Traffic
	tr.CountAPI("/v1/products/")
	tr.CountAPI("/v1/locations/")
	tr.CountOAuth()
	tr.InjectFaults(Fault{Kind: ServerError}, Fault{Kind: Slow})
	if tr.Requests() != 2 || tr.OAuthRequests() != 1 || tr.RequestsTo("/v1/products") != 1 || tr.PendingFaults() != 2 {
		t.Fatalf("%d %d %d %d", tr.Requests(), tr.OAuthRequests(), tr.RequestsTo("/v1/products"), tr.PendingFaults())
	}
	if f, _ := tr.Faults.Take("/v1/products/", nil); f.Kind != ServerError {
		t.Errorf("took %v", f.Kind)
	}
	tr.ClearFaults()
	if tr.PendingFaults() != 0 {
		t.Error("ClearFaults")
	}
}

func TestSeedOptionsSized(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in                          SeedOptions
		products, orders, customers int
	}{
		{SeedOptions{}, 40, 120, 40},
		{SeedOptions{Products: 3, Orders: -1}, 3, 0, 5},
		{SeedOptions{Orders: 600, Customers: 7}, 40, 600, 7},
	} {
		o := tc.in.Sized(now)
		if o.Products != tc.products || o.Orders != tc.orders || o.Customers != tc.customers || !o.End.Equal(now) ||
			!o.Start.Equal(now.AddDate(0, 0, -90)) {
			t.Errorf("%+v sized %+v", tc.in, o)
		}
	}
}
