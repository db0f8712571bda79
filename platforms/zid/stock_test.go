package zid

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/httpx"
)

// A stock change reads the quantity at the location (its stock row there alone, when the row
// is known), reads it again while it moves (a sale came in between), and writes the quantity it
// found plus the change: the sale is kept. An item whose row is gone is read whole; one without a
// row at the location gets one.
func TestAdjustStock(t *testing.T) {
	const loc = "59be4f1d-3b59-4b34-ba47-9f7293894b47"
	rowJSON := func(q int) string {
		return fmt.Sprintf(`{"id":"s-1","location":{"id":%q,"name":{"ar":"الدمام"}},"available_quantity":%d,"is_infinite":false}`, loc, q)
	}
	cases := []struct {
		name         string
		reads        []int // what each read of the row answers; -1: no such row; -2: a row at another location
		expected     int64
		delta        int64
		wantPut      string // the write's path and body
		rereads      int
		productReads int
	}{
		{name: "unchanged", reads: []int{12}, expected: 12, delta: -2,
			wantPut: `PATCH /v1/products/p-1/stocks/s-1/ {"available_quantity":10,"is_infinite":false}`},
		{name: "a sale in between", reads: []int{11, 11}, expected: 12, delta: -2, rereads: 1,
			wantPut: `PATCH /v1/products/p-1/stocks/s-1/ {"available_quantity":9,"is_infinite":false}`},
		{name: "still moving, then settled", reads: []int{11, 10, 10}, expected: 12, delta: 5, rereads: 2,
			wantPut: `PATCH /v1/products/p-1/stocks/s-1/ {"available_quantity":15,"is_infinite":false}`},
		{name: "no row at the location", reads: []int{-1}, expected: 0, delta: 4, productReads: 1,
			wantPut: `POST /v1/products/p-1/stocks/ {"available_quantity":4,"is_infinite":false,"location":"` + loc + `"}`},
		{name: "the row at another location", reads: []int{-2}, expected: 0, delta: 4, productReads: 1,
			wantPut: `POST /v1/products/p-1/stocks/ {"available_quantity":4,"is_infinite":false,"location":"` + loc + `"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wr := newWire(t)
			wr.on("GET /v1/locations/", locationsJSON)
			n, products := 0, 0
			wr.handle("GET /v1/products/p-1/", func(w http.ResponseWriter, r *http.Request) {
				products++
				_, _ = io.WriteString(w, `{"id":"p-1","sku":"A","name":{"ar":"أ"},"price":1,"stocks":[]}`)
			})
			var put string
			wr.handle("PATCH /v1/products/p-1/stocks/s-1/", func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				put = r.Method + " " + r.URL.Path + " " + string(b)
				_, _ = io.WriteString(w, `{"id":"s-1","available_quantity":null,"is_infinite":false}`)
			})
			wr.handle("GET /v1/products/p-1/stocks/s-1/", func(w http.ResponseWriter, r *http.Request) {
				q := tc.reads[min(n, len(tc.reads)-1)]
				n++
				if q == -2 {
					_, _ = io.WriteString(w, strings.Replace(rowJSON(7), loc, "8ee590fe-d02d-4c50-9184-f628bb8b115a", 1))
					return
				}
				if q < 0 {
					w.WriteHeader(http.StatusNotFound)
					_, _ = io.WriteString(w, `{"detail":"Not found."}`)
					return
				}
				_, _ = io.WriteString(w, rowJSON(q))
			})
			wr.handle("POST /v1/products/p-1/stocks/", func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				put = r.Method + " " + r.URL.Path + " " + string(b)
				_, _ = io.WriteString(w, `{"id":"s-2","available_quantity":4,"is_infinite":false}`)
			})
			s := open(t, wr, nil, map[string]string{OptStoreID: "1"}, nil)
			res, err := s.AdjustStock(context.Background(), []core.StockChange{{ExternalID: "p-1", StockRef: "s-1",
				Expected: decimal.NewFromInt(tc.expected), Delta: decimal.NewFromInt(tc.delta)}})
			if err != nil {
				t.Fatal(err)
			}
			if put != tc.wantPut || res[0].Reread != tc.rereads || n != len(tc.reads) || products != tc.productReads {
				t.Errorf("wrote %s after %d row reads (%d again) and %d product reads, want %s", put, n, res[0].Reread, products, tc.wantPut)
			}
		})
	}
}

// TestAdjustStockWindow: Zid has no conditional stock write, so the write must follow the read
// it is computed from at once. At Zid's product limit (here 3 a minute, on a clock that moves
// only when the client waits), each read waits until the write can go right after it; without
// that, the third change's write waited a minute after its read, a minute in which a sale made
// in the store would have been overwritten.
func TestAdjustStockWindow(t *testing.T) {
	const loc = "59be4f1d-3b59-4b34-ba47-9f7293894b47"
	now := time.Unix(1_800_000_000, 0)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	sleep := func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		now = now.Add(d)
		mu.Unlock()
		return ctx.Err()
	}
	wr := newWire(t)
	wr.on("GET /v1/locations/", locationsJSON)
	var seen []string // "read p-1 @0s", "write p-1 @0s"
	at := func() string { return clock().Sub(time.Unix(1_800_000_000, 0)).String() }
	var changes []core.StockChange
	for i := 1; i <= 3; i++ {
		id := fmt.Sprintf("p-%d", i)
		wr.handle("GET /v1/products/"+id+"/", func(w http.ResponseWriter, r *http.Request) {
			seen = append(seen, "read "+id+" @"+at())
			_, _ = fmt.Fprintf(w, `{"id":%q,"sku":"A","name":{"ar":"أ"},"price":1,"stocks":[{"id":"s-%d","location":{"id":%q,"name":{"ar":"الدمام"}},"available_quantity":5,"is_infinite":false}]}`, id, i, loc)
		})
		wr.handle(fmt.Sprintf("PATCH /v1/products/%s/stocks/s-%d/", id, i), func(w http.ResponseWriter, r *http.Request) {
			seen = append(seen, "write "+id+" @"+at())
			_, _ = io.WriteString(w, `{"available_quantity":6,"is_infinite":false}`)
		})
		changes = append(changes, core.StockChange{ExternalID: id, Expected: decimal.NewFromInt(5), Delta: decimal.NewFromInt(1)})
	}
	s, err := New(core.StoreConfig{StoreURL: wr.srv.URL, Credentials: testCreds, Options: map[string]string{OptStoreID: "1"}},
		Options{ProductLimit: 3, Tuning: httpx.Tuning{Now: clock, Sleep: sleep, Jitter: func() float64 { return 0 }}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AdjustStock(context.Background(), changes); err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(seen); i += 2 {
		r, w := strings.Split(seen[i], " @"), strings.Split(seen[i+1], " @")
		if r[0] != "read p-"+strconv.Itoa(i/2+1) || w[0] != "write p-"+strconv.Itoa(i/2+1) || r[1] != w[1] {
			t.Errorf("requests %v: each write must follow its read at once", seen)
			break
		}
	}
	if len(seen) != 6 {
		t.Errorf("requests %v", seen)
	}
}
