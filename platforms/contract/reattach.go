package contract

import (
	"strings"
	"testing"

	"mizan/core"
)

// reattachStore is the store every re-attach test starts from: a seeded history and a product
// whose variant has no SKU (the books give it a code of their own, which must never be written
// to the store).
func reattachStore(h Harness) (skuless string) {
	h.Seed(15, 40, 9)
	h.Advance(minute)
	skuless = h.AddProduct(Product{Title: "تمر خلاص سائب", Category: "تمور", Variants: []Variant{
		{Price: dec("22.00"), Cost: dec("11.00"), Quantity: 9}}})[0]
	h.Advance(minute)
	return skuless
}

// testReattach removes a connection and adds the same store again (under the same name and
// under another), and tries a second live connection to it: each must leave the books and the
// store exactly as one import does. Nothing is imported twice, no stock is pushed, no product is
// written to the store, and a variant without a SKU keeps having none.
func testReattach(t *testing.T, open func(t *testing.T) Harness, tr *tracker) {
	ref := open(t)
	reattachStore(ref)
	rb := tr.connect(t, ref, "", core.ConnectionInput{})
	rb.Sync(core.SyncRequest{})
	ref.Advance(minute)
	rb.Sync(core.SyncRequest{})
	want, wantStore := rb.Dump(), storeDump(rb, ref)

	input := func(h Harness, name string) core.ConnectionInput {
		cfg := h.Config()
		return core.ConnectionInput{Name: name, Platform: h.Platform().Name, StoreURL: cfg.StoreURL, Credentials: cfg.Credentials,
			Options: cfg.Options}
	}
	readd := func(name string) func(t *testing.T, h Harness, b *Books) {
		return func(t *testing.T, h Harness, b *Books) {
			must(t, b.Engine.RemoveConnection(ctx, b.Conn.ID))
			if cs, err := b.Engine.Connections(ctx); err != nil || len(cs) != 0 {
				t.Fatalf("after removing: connections %+v, %v", cs, err)
			}
			c, err := b.Engine.AddConnection(ctx, input(h, name))
			if err != nil {
				t.Fatal(err)
			}
			if !c.Reattached || c.ID != b.Conn.ID || c.PreviousName != b.Conn.Name {
				t.Errorf("re-added as %q: reattached %v (previous name %q), id %d, was %d", name, c.Reattached, c.PreviousName, c.ID, b.Conn.ID)
			}
			b.Conn = c
		}
	}
	tests := []struct {
		name string
		do   func(t *testing.T, h Harness, b *Books)
	}{
		{"re-add under the same name", readd("Test store")},
		{"re-add under another name", readd("The same store, again")},
		{"a second live connection", func(t *testing.T, h Harness, b *Books) {
			_, err := b.Engine.AddConnection(ctx, input(h, "A second name"))
			if err == nil || !strings.Contains(err.Error(), `already connected as "Test store"`) {
				t.Errorf("a second live connection to the store: %v", err)
			}
			if cs, _ := b.Engine.Connections(ctx); len(cs) != 1 {
				t.Errorf("%d connections after the refused one", len(cs))
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := open(t)
			skuless := reattachStore(h)
			b := tr.connect(t, h, "", core.ConnectionInput{})
			first := b.Sync(core.SyncRequest{})
			tc.do(t, h, b)
			h.Advance(minute)
			again := b.Sync(core.SyncRequest{})
			if got := b.Dump(); got != want {
				t.Errorf("books differ from one import:\n%s\nlog:\n%s", diff(want, got), b.errorLog())
			}
			if got := storeDump(b, h); got != wantStore {
				t.Errorf("the store differs from one import:\n%s", diff(wantStore, got))
			}
			if c := again.Counts; c.Invoices+c.Returns+c.ProductsCreated+c.StoreCreated+c.StoreUpdated+c.StockPushed+c.Adjustments > 0 {
				t.Errorf("the sync after %s did something: %+v", tc.name, c)
			}
			if v, ok := h.Variant(skuless); !ok || v.SKU != "" {
				t.Errorf("the variant without a SKU now has SKU %q", v.SKU)
			}
			t.Logf("first sync: %d invoices, %d returns, %d products; after %s: %+v", first.Counts.Invoices, first.Counts.Returns,
				first.Counts.ProductsCreated, tc.name, again.Counts)
		})
	}
}
