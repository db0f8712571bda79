package storage

import (
	"strings"
	"testing"
)

func TestRequisitions(t *testing.T) {
	f := newFixture(t)
	f.inbound(t, f.coffee, "10")
	f.inbound(t, f.coffee, "2.5")
	if got := f.level(t, f.coffee); got != "12.5" {
		t.Fatalf("after inbound: %s", got)
	}
	var out Requisition
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		var err error
		out, err = tx.PostRequisition(Requisition{Kind: Outbound, WarehouseID: f.warehouse, Note: "damaged",
			Lines: []RequisitionLine{{ProductID: f.coffee.ID, Quantity: d("2.5")}}})
		return err
	}))
	if out.Number != "OUT-000003" || f.level(t, f.coffee) != "10" {
		t.Fatalf("outbound %s, level %s", out.Number, f.level(t, f.coffee))
	}

	bad := []struct {
		name string
		r    Requisition
		want string
	}{
		{"below zero", Requisition{Kind: Outbound, WarehouseID: f.warehouse, Lines: []RequisitionLine{{ProductID: f.coffee.ID, Quantity: d("10.01")}}}, "not enough"},
		{"below zero on second line", Requisition{Kind: Outbound, WarehouseID: f.warehouse, Lines: []RequisitionLine{
			{ProductID: f.coffee.ID, Quantity: d("1")}, {ProductID: f.tea.ID, Quantity: d("1")}}}, `not enough "TEA-100"`},
		{"zero quantity", Requisition{Kind: Inbound, WarehouseID: f.warehouse, Lines: []RequisitionLine{{ProductID: f.coffee.ID}}}, "more than zero"},
		{"negative quantity", Requisition{Kind: Inbound, WarehouseID: f.warehouse, Lines: []RequisitionLine{{ProductID: f.coffee.ID, Quantity: d("-1")}}}, "more than zero"},
		{"no lines", Requisition{Kind: Inbound, WarehouseID: f.warehouse}, "at least one line"},
		{"bad kind", Requisition{Kind: "sideways", WarehouseID: f.warehouse, Lines: []RequisitionLine{{ProductID: f.coffee.ID, Quantity: d("1")}}}, "inbound or outbound"},
		{"no warehouse", Requisition{Kind: Inbound, WarehouseID: 77, Lines: []RequisitionLine{{ProductID: f.coffee.ID, Quantity: d("1")}}}, "warehouse 77 does not exist"},
		{"no product", Requisition{Kind: Inbound, WarehouseID: f.warehouse, Lines: []RequisitionLine{{ProductID: 77, Quantity: d("1")}}}, "product 77 does not exist"},
		{"too precise", Requisition{Kind: Inbound, WarehouseID: f.warehouse, Lines: []RequisitionLine{{ProductID: f.coffee.ID, Quantity: d("0.0000001")}}}, "decimal places"},
	}
	movements := count(t, f.db, "stock_movements")
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			err := f.db.Update(ctx, func(tx *Tx) error { _, err := tx.PostRequisition(tc.r); return err })
			if err == nil || !strings.Contains(err.Error(), tc.want) || !IsValidation(err) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	if got := count(t, f.db, "stock_movements"); got != movements || f.level(t, f.coffee) != "10" || f.level(t, f.tea) != "0" {
		t.Fatalf("refused requisitions left movements (%d→%d) or changed stock", movements, got)
	}
	if n := count(t, f.db, "requisitions"); n != 3 {
		t.Fatalf("%d requisitions, want 3", n)
	}
}

func TestAdjust(t *testing.T) {
	f := newFixture(t)
	f.inbound(t, f.tea, "8")
	tests := []struct{ counted, delta, level string }{
		{"5", "-3", "5"},
		{"5", "0", "5"},
		{"12", "7", "12"},
		{"0", "-12", "0"},
	}
	for _, tc := range tests {
		var delta string
		must(t, f.db.Update(ctx, func(tx *Tx) error {
			q, err := tx.Adjust(f.tea.ID, f.warehouse, d(tc.counted), "counted in the store admin")
			delta = q.String()
			return err
		}))
		if delta != tc.delta || f.level(t, f.tea) != tc.level {
			t.Fatalf("adjust to %s: delta %s level %s", tc.counted, delta, f.level(t, f.tea))
		}
	}
	err := f.db.Update(ctx, func(tx *Tx) error { _, err := tx.Adjust(f.tea.ID, f.warehouse, d("-1"), ""); return err })
	if err == nil || !IsValidation(err) {
		t.Fatalf("negative count: %v", err)
	}
	ms, err := f.db.Movements(ctx, f.tea.ID)
	must(t, err)
	if len(ms) != 4 || ms[1].Kind != MoveAdjustment || ms[1].SourceRef != "ADJ-000001" || ms[0].SourceRef != "IN-000001" {
		t.Fatalf("ledger: %+v", ms)
	}
}

func TestAdjustBy(t *testing.T) {
	f := newFixture(t)
	f.inbound(t, f.tea, "2")
	tests := []struct{ delta, level string }{
		{"-5", "-3"}, // a store oversold on backorder: the books follow it below zero
		{"0", "-3"},
		{"4", "1"},
	}
	for _, tc := range tests {
		must(t, f.db.Update(ctx, func(tx *Tx) error { return tx.AdjustBy(f.tea.ID, f.warehouse, d(tc.delta), "store count") }))
		if got := f.level(t, f.tea); got != tc.level {
			t.Fatalf("adjust by %s: level %s, want %s", tc.delta, got, tc.level)
		}
	}
	ms, err := f.db.Movements(ctx, f.tea.ID)
	must(t, err)
	if len(ms) != 3 { // the inbound and two adjustments: a zero delta records nothing
		t.Fatalf("ledger: %+v", ms)
	}
	err = f.db.Update(ctx, func(tx *Tx) error { return tx.AdjustBy(999, f.warehouse, d("1"), "") })
	if err == nil {
		t.Fatal("an unknown product was adjusted")
	}
}

func TestLedgerIsAppendOnly(t *testing.T) {
	f := newFixture(t)
	f.inbound(t, f.coffee, "3")
	for _, q := range []string{`UPDATE stock_movements SET quantity = '100'`, `DELETE FROM stock_movements`} {
		if _, err := f.db.SQL().Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func TestInboundIntoNegativeStock(t *testing.T) {
	f := newFixture(t)
	f.issue(t, f.sale(InvoiceLine{ProductID: f.tea.ID, Quantity: d("5"), UnitPrice: d("1")}))
	f.inbound(t, f.tea, "2") // still −3 afterwards: booking goods in is never refused
	if got := f.level(t, f.tea); got != "-3" {
		t.Fatalf("level %s", got)
	}
}
