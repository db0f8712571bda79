package zid

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/shopspring/decimal"

	"mizan/core"
)

// A stock change reads the quantity at the location, reads it again while it moves (a sale
// came in between), and writes the quantity it found plus the change: the sale is kept. An item
// without a row at the location gets one.
func TestAdjustStock(t *testing.T) {
	const loc = "59be4f1d-3b59-4b34-ba47-9f7293894b47"
	row := func(q int) string {
		return fmt.Sprintf(`{"id":"p-1","sku":"A","name":{"ar":"أ"},"price":1,"stocks":[{"id":"s-1","location":{"id":%q,"name":{"ar":"الدمام"}},"available_quantity":%d,"is_infinite":false}]}`, loc, q)
	}
	cases := []struct {
		name     string
		reads    []string // what each read of the product answers
		expected int64
		delta    int64
		wantPut  string // the write's path and body
		rereads  int
	}{
		{name: "unchanged", reads: []string{row(12)}, expected: 12, delta: -2,
			wantPut: `PATCH /v1/products/p-1/stocks/s-1/ {"available_quantity":10,"is_infinite":false}`},
		{name: "a sale in between", reads: []string{row(11), row(11)}, expected: 12, delta: -2, rereads: 1,
			wantPut: `PATCH /v1/products/p-1/stocks/s-1/ {"available_quantity":9,"is_infinite":false}`},
		{name: "still moving, then settled", reads: []string{row(11), row(10), row(10)}, expected: 12, delta: 5, rereads: 2,
			wantPut: `PATCH /v1/products/p-1/stocks/s-1/ {"available_quantity":15,"is_infinite":false}`},
		{name: "no row at the location", reads: []string{`{"id":"p-1","sku":"A","name":{"ar":"أ"},"price":1,"stocks":[]}`}, expected: 0, delta: 4,
			wantPut: `POST /v1/products/p-1/stocks/ {"available_quantity":4,"is_infinite":false,"location":"` + loc + `"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wr := newWire(t)
			wr.on("GET /v1/locations/", locationsJSON)
			n := 0
			wr.handle("GET /v1/products/p-1/", func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.WriteString(w, tc.reads[min(n, len(tc.reads)-1)])
				n++
			})
			var put string
			write := func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				put = r.Method + " " + r.URL.Path + " " + string(b)
				_, _ = io.WriteString(w, `{"id":"s-1","available_quantity":null,"is_infinite":false}`)
			}
			wr.handle("PATCH /v1/products/p-1/stocks/s-1/", write)
			wr.handle("POST /v1/products/p-1/stocks/", write)
			s := open(t, wr, nil, map[string]string{OptStoreID: "1"}, nil)
			res, err := s.AdjustStock(context.Background(), []core.StockChange{{ExternalID: "p-1", StockRef: "s-1",
				Expected: decimal.NewFromInt(tc.expected), Delta: decimal.NewFromInt(tc.delta)}})
			if err != nil {
				t.Fatal(err)
			}
			if put != tc.wantPut || res[0].Reread != tc.rereads || n != len(tc.reads) {
				t.Errorf("wrote %s after %d reads (%d again), want %s", put, n, res[0].Reread, tc.wantPut)
			}
		})
	}
}
