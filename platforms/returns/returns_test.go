package returns

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func order() *core.StoreOrder {
	return &core.StoreOrder{ExternalID: "100", Total: d("230"), Lines: []core.StoreLine{
		{ExternalID: "L1", ProductID: "P1", SKU: "DATE-1", Name: "Dates", Quantity: d("2"), UnitPrice: d("50")},
		{ExternalID: "L2", ProductID: "P2", SKU: "", Name: "Coffee - Light", Quantity: d("1"), UnitPrice: d("100")},
		{ExternalID: "L3", ProductID: "P2", SKU: "cup-1", Name: " ", Quantity: d("3"), UnitPrice: d("10")},
	}}
}

func TestTake(t *testing.T) {
	for _, tc := range []struct {
		desc string
		item Item
		want string // the line's id, "" for none
	}{
		{"by the line's id", Item{LineIDs: []string{"L2"}, ProductID: "P1", SKU: "DATE-1"}, "L2"},
		{"by the second id when the first is not the order's", Item{LineIDs: []string{"X", "L3"}}, "L3"},
		{"an empty id is skipped", Item{LineIDs: []string{"", "L1"}}, "L1"},
		{"by product when no id matches", Item{LineIDs: []string{"X"}, ProductID: "P1", SKU: "cup-1"}, "L1"},
		{"a product two lines share finds the later", Item{ProductID: "P2"}, "L3"},
		{"by SKU, letter case and spaces aside", Item{ProductID: "P9", SKU: " Cup-1 "}, "L3"},
		{"by name, letter case and spaces aside", Item{SKU: "NONE", Name: "  coffee - LIGHT"}, "L2"},
		{"an unknown item", Item{LineIDs: []string{"X"}, ProductID: "P9", SKU: "X-1", Name: "Tea"}, ""},
		{"an item that says nothing finds no line, even one with no SKU or name", Item{Name: " "}, ""},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			o := order()
			ret := Of(o)
			l, ok := ret.Take(tc.item, d("1"))
			if l.ExternalID != tc.want || ok != (tc.want != "") {
				t.Fatalf("Take(%+v) = %q, %v; want %q", tc.item, l.ExternalID, ok, tc.want)
			}
			// The unit taken is no longer part of the rest.
			left := map[string]string{}
			for _, rl := range ret.Rest(core.StoreRefund{}, whole)[0].Lines {
				left[rl.LineID] = rl.Quantity.String()
			}
			for _, l := range o.Lines {
				want := l.Quantity
				if l.ExternalID == tc.want {
					want = want.Sub(d("1"))
				}
				if got := left[l.ExternalID]; got != want.String() && !(got == "" && want.IsZero()) {
					t.Errorf("line %s: %s left, want %s", l.ExternalID, got, want)
				}
			}
		})
	}
}

// whole books the units left of a line at its unit price, restocked.
func whole(l core.StoreLine, left decimal.Decimal) core.StoreRefundLine {
	return core.StoreRefundLine{LineID: l.ExternalID, Quantity: left, Subtotal: left.Mul(l.UnitPrice), Restock: true}
}

func TestRest(t *testing.T) {
	type note struct {
		total string
		items map[string]string // line id → units returned
	}
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		desc  string
		notes []note
		want  string // the rest: its total and its lines (id×units), "" for none
	}{
		{"no note: the whole order", nil, "230: L1×2 L2×1 L3×3"},
		{"a partial note: what it leaves", []note{{"57.5", map[string]string{"L1": "1"}}}, "172.5: L1×1 L2×1 L3×3"},
		{"two notes add up", []note{{"50", map[string]string{"L1": "1"}}, {"60", map[string]string{"L1": "1", "L3": "1"}}}, "120: L2×1 L3×2"},
		{"every unit back and the money too: nothing", []note{{"230", map[string]string{"L1": "2", "L2": "1", "L3": "3"}}}, ""},
		{"every unit back, money left (shipping): money only", []note{{"200", map[string]string{"L1": "2", "L2": "1", "L3": "3"}}}, "30:"},
		{"more returned than sold: the line is done", []note{{"0", map[string]string{"L3": "5"}}}, "230: L1×2 L2×1"},
		{"the notes paid more than the order: units only", []note{{"250", map[string]string{"L2": "1"}}}, "0: L1×2 L3×3"},
		{"an item the order lacks counts nothing, its money does", []note{{"20", map[string]string{"X": "1"}}}, "210: L1×2 L2×1 L3×3"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			o := order()
			ret := Of(o)
			for i, n := range tc.notes {
				rf := core.StoreRefund{ExternalID: fmt.Sprint("note-", i), Total: d(n.total)}
				for id, q := range n.items {
					if _, ok := ret.Take(Item{LineIDs: []string{id}}, d(q)); ok {
						rf.Lines = append(rf.Lines, core.StoreRefundLine{LineID: id, Quantity: d(q)})
					}
				}
				ret.Book(rf)
			}
			if got := len(ret.Booked()); got != len(tc.notes) {
				t.Fatalf("%d booked, want %d", got, len(tc.notes))
			}
			head := core.StoreRefund{ExternalID: "reversed-100", CreatedAt: at, Note: "Order reversed", Shipping: d("15"),
				Total: d("999"), Lines: []core.StoreRefundLine{{LineID: "stale"}}}
			out := ret.Rest(head, whole)
			got := ""
			if len(out) == len(tc.notes)+1 {
				r := out[len(out)-1]
				if r.ExternalID != head.ExternalID || !r.CreatedAt.Equal(at) || r.Note != head.Note || !r.Shipping.Equal(d("15")) {
					t.Errorf("the rest's head = %+v, want %+v's", r, head)
				}
				var lines []string
				for _, l := range r.Lines {
					lines = append(lines, l.LineID+"×"+l.Quantity.String())
				}
				got = strings.TrimSpace(r.Total.String() + ": " + strings.Join(lines, " "))
			} else if len(out) != len(tc.notes) {
				t.Fatalf("%d refunds, want the %d notes and perhaps the rest", len(out), len(tc.notes))
			}
			for i := range tc.notes {
				if out[i].ExternalID != fmt.Sprint("note-", i) {
					t.Errorf("refund %d is %q, want the note booked %d", i, out[i].ExternalID, i)
				}
			}
			if got != tc.want {
				t.Errorf("the rest = %q, want %q", got, tc.want)
			}
		})
	}
}
