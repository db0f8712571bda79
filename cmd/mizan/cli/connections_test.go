package cli

import (
	"strings"
	"testing"

	"mizan/core"
)

func TestConnectionsEditAndReattach(t *testing.T) {
	st, secrets := withMemoryStore(t)
	dir := t.TempDir()
	tea := st.AddProduct(core.StoreProduct{Name: "Green tea", SKU: "TEA-1", SalePrice: d("10"), Quantity: d("9"), TracksStock: true})
	st.PlaceOrder(core.StoreOrder{Status: "paid", Currency: "SAR", TaxesIncluded: true, Total: d("20"), StockReduced: true,
		Lines: []core.StoreLine{{ProductID: tea.ExternalID, SKU: "TEA-1", Name: "Green tea", Quantity: d("2"), UnitPrice: d("10")}}})
	run := func(stdin string, args ...string) string {
		t.Helper()
		code, out, errOut := runIn(t, dir, stdin, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s%s", args, code, out, errOut)
		}
		return out
	}
	token := func() string {
		t.Helper()
		keys := secrets.Keys()
		if len(keys) != 1 {
			t.Fatalf("keyring entries: %v", keys)
		}
		v, _ := secrets.Get(keys[0])
		return v
	}
	run(`{"token": "tok-1"}`, "connections", "add", "--platform", "memory", "--name", "Shop", "--store", "https://shop.example")
	run("", "sync", "--quiet")

	// Edit: a new token (the only field given), a new name and a poll interval; the rest stays.
	out := run(`{"token": "tok-2"}`, "connections", "edit", "Shop", "--credentials", "--name", "Tea shop", "--poll", "10m")
	if !strings.Contains(out, `Saved "Tea shop"`) || token() != "tok-2" {
		t.Fatalf("edit: %s, token %q", out, token())
	}
	if out := run("", "connections", "list"); !strings.Contains(out, "Tea shop") || !strings.Contains(out, "https://shop.example") {
		t.Fatalf("list after edit: %s", out)
	}
	code, _, errOut := runIn(t, dir, "", "connections", "edit", "Tea shop")
	if code != 2 || !strings.Contains(errOut, "say what to change") {
		t.Fatalf("edit with nothing to change: %d %s", code, errOut)
	}
	code, _, errOut = runIn(t, dir, "", "connections", "edit", "Tea shop", "--store", "https://user:pw123@shop.example")
	if code == 0 || strings.Contains(errOut, "pw123") {
		t.Fatalf("an address with a password: %d %s", code, errOut)
	}

	// A second connection to the same store is refused; remove and add again re-attaches.
	code, _, errOut = runIn(t, dir, `{"token": "tok-3"}`, "connections", "add", "--platform", "memory", "--name", "Again", "--store", "https://shop.example")
	if code == 0 || !strings.Contains(errOut, `already connected as "Tea shop"`) {
		t.Fatalf("second live connection: %d %s", code, errOut)
	}
	run("", "connections", "remove", "Tea shop")
	out = run(`{"token": "tok-3"}`, "connections", "add", "--platform", "memory", "--name", "Again", "--store", "https://shop.example")
	if !strings.Contains(out, `already knew this store (as "Tea shop")`) {
		t.Fatalf("re-add: %s", out)
	}
	out = run("", "sync", "--quiet")
	if !strings.Contains(out, "0 invoices") {
		t.Fatalf("the sync after re-adding: %s", out)
	}
	if out := run("", "invoices", "list"); strings.Count(out, "INV-") != 1 {
		t.Fatalf("invoices after re-adding:\n%s", out)
	}
}
