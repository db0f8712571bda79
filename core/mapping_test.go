package core_test

import (
	"errors"
	"strings"
	"testing"

	"mizan/core"
	"mizan/core/memstore"
	"mizan/storage"
)

func (e *env) mapping() map[string]core.MappingRow {
	e.t.Helper()
	rows, err := e.eng.Mapping(ctx, e.conn.ID)
	if err != nil {
		e.t.Fatalf("mapping: %v", err)
	}
	out := map[string]core.MappingRow{}
	for _, r := range rows {
		key := r.Store.SKU
		if r.HasLocal {
			key = r.Local.Code
		}
		if r.State == core.LinkStoreOnly {
			key = "store:" + r.Store.SKU
		}
		out[key] = r
	}
	return out
}

func (e *env) addLocal(code, name, barcode string) storage.Product {
	e.t.Helper()
	var p storage.Product
	must(e.t, e.db.Update(ctx, func(tx *storage.Tx) error {
		var err error
		p, err = tx.CreateProduct(storage.Product{Code: code, Name: name, Barcode: barcode, SalePrice: d("10")})
		return err
	}))
	return p
}

func TestMappingStates(t *testing.T) {
	e := newEnv(t)
	e.catalogue()
	e.sync()
	e.addLocal("HONEY-1", "عسل سدر", "")
	e.addLocal("OIL-1", "Olive oil", "6280000000001")
	e.store.AddProduct(core.StoreProduct{Name: "تمر سكري", SKU: "DATES-1", SalePrice: d("45"), Quantity: d("7"), TracksStock: true})
	e.store.AddProduct(core.StoreProduct{Name: "Oil", SKU: "OIL-STORE", Barcode: "6280000000001", SalePrice: d("30")})
	// The store edits tea's name and the books edit it too, to another value: a conflict.
	must(t, e.db.Update(ctx, func(tx *storage.Tx) error {
		p := e.product("TEA-100")
		p.Name = "Tea (books)"
		_, err := tx.UpdateProduct(p)
		return err
	}))
	e.store.EditProduct(e.mustSKU("TEA-100").ExternalID, func(p *core.StoreProduct) { p.Name = "Tea (store)" })

	rows := e.mapping()
	tests := []struct {
		key   string
		state core.LinkState
		note  string
	}{
		{"COF-250", core.LinkLinked, ""},
		{"COF-1000", core.LinkLinked, ""},
		{"TEA-100", core.LinkConflict, "changed on both sides: name"},
		{"HONEY-1", core.LinkLocalOnly, "creates it in the store"},
		{"store:DATES-1", core.LinkStoreOnly, "imports it"},
		{"store:OIL-STORE", core.LinkStoreOnly, "links it to OIL-1 (same barcode)"},
	}
	for _, tc := range tests {
		r, ok := rows[tc.key]
		if !ok {
			t.Errorf("%s: no row (rows: %v)", tc.key, rows)
			continue
		}
		if r.State != tc.state || !strings.Contains(r.Note, tc.note) {
			t.Errorf("%s: %s %q, want %s %q", tc.key, r.State, r.Note, tc.state, tc.note)
		}
	}
	if r := rows["store:OIL-STORE"]; r.Match != e.product("OIL-1").ID {
		t.Errorf("oil's match: %d", r.Match)
	}
}

func TestLinkUnlinkImportPushByHand(t *testing.T) {
	e := newEnv(t)
	e.catalogue()
	e.sync()
	honey := e.addLocal("HONEY-1", "عسل سدر", "")
	dates := e.store.AddProduct(core.StoreProduct{Name: "تمر سكري", SKU: "DATES-1", SalePrice: d("45"), Quantity: d("7"), TracksStock: true})

	// Link the store's dates to the books' honey: the books' code and name win and go to the store.
	sum, err := e.eng.Link(ctx, e.conn.ID, dates.ExternalID, honey.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Trigger != core.TriggerMapping || sum.Counts.ProductsLinked != 1 || sum.Outcome != core.OutcomeOK {
		t.Fatalf("link run: %+v", sum)
	}
	if got := e.store.Product(dates.ExternalID); got.SKU != "HONEY-1" || got.Name != "عسل سدر" {
		t.Fatalf("store product after the link: %+v", got)
	}
	if !e.logHas(core.Info, "HONEY-1 \"عسل سدر\" to the store product by hand") {
		t.Fatal("the log does not record the link")
	}
	if r := e.mapping()["HONEY-1"]; r.State != core.LinkLinked || r.Store.ExternalID != dates.ExternalID {
		t.Fatalf("honey after the link: %+v", r)
	}
	// Linking either side again is refused, and records no run.
	runs, _ := e.eng.Runs(ctx, e.conn.ID, 0)
	if _, err := e.eng.Link(ctx, e.conn.ID, dates.ExternalID, e.product("TEA-100").ID); !storage.IsValidation(err) {
		t.Fatalf("linking a linked store product: %v", err)
	}
	if _, err := e.eng.Link(ctx, e.conn.ID, e.mustSKU("TEA-100").ExternalID, honey.ID); !storage.IsValidation(err) {
		t.Fatalf("linking a linked local product: %v", err)
	}
	if again, _ := e.eng.Runs(ctx, e.conn.ID, 0); len(again) != len(runs) {
		t.Fatal("a refused link recorded a run")
	}

	// Unlink: both sides stay, unbound.
	if _, err := e.eng.Unlink(ctx, e.conn.ID, dates.ExternalID); err != nil {
		t.Fatal(err)
	}
	rows := e.mapping()
	if rows["HONEY-1"].State != core.LinkLocalOnly || rows["store:HONEY-1"].State != core.LinkStoreOnly {
		t.Fatalf("after unlink: %+v / %+v", rows["HONEY-1"], rows["store:HONEY-1"])
	}
	if _, err := e.eng.Unlink(ctx, e.conn.ID, dates.ExternalID); !storage.IsValidation(err) {
		t.Fatalf("unlinking twice: %v", err)
	}

	// Import a store-only product, and push a local-only one.
	mint := e.store.AddProduct(core.StoreProduct{Name: "شاي نعناع", SKU: "MINT-1", SalePrice: d("15"), Quantity: d("12"), TracksStock: true})
	sum, err = e.eng.ImportProduct(ctx, e.conn.ID, mint.ExternalID)
	if err != nil || sum.Counts.ProductsCreated != 1 {
		t.Fatalf("import: %v %+v", err, sum.Counts)
	}
	if e.product("MINT-1").Name != "شاي نعناع" || e.qty("MINT-1") != "12" {
		t.Fatalf("imported mint: %+v, qty %s", e.product("MINT-1"), e.qty("MINT-1"))
	}
	oil := e.addLocal("OIL-1", "Olive oil", "")
	sum, err = e.eng.PushProduct(ctx, e.conn.ID, oil.ID)
	if err != nil || sum.Counts.StoreCreated != 1 {
		t.Fatalf("push: %v %+v", err, sum.Counts)
	}
	if r := e.mapping()["OIL-1"]; r.State != core.LinkLinked || e.mustSKU("OIL-1").Name != "Olive oil" {
		t.Fatalf("pushed oil: %+v", r)
	}
	// Importing a product the store lacks says so.
	if _, err := e.eng.ImportProduct(ctx, e.conn.ID, "Variant/404"); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("importing a missing product: %v", err)
	}
}

func TestMappingWaitsForASync(t *testing.T) {
	e := newEnv(t)
	e.catalogue()
	e.sync()
	honey := e.addLocal("HONEY-1", "Honey", "")
	block, started := make(chan struct{}), make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.eng.SyncNow(ctx, e.conn.ID, core.SyncRequest{Progress: func(p core.Progress) {
			if p.Phase == "products" {
				select {
				case <-started:
				default:
					close(started)
					<-block
				}
			}
		}})
	}()
	<-started
	if _, err := e.eng.PushProduct(ctx, e.conn.ID, honey.ID); !errors.Is(err, core.ErrBusy) {
		t.Fatalf("push during a sync: %v", err)
	}
	close(block)
	<-done
}

func TestUpdateConnectionCredentials(t *testing.T) {
	e := newEnv(t)
	secrets := core.NewMemorySecrets()
	grouped := memstore.Platform(e.store)
	grouped.Name = "grouped"
	grouped.Credentials = []core.CredentialField{{Key: "token", Label: "Token", Group: "token"},
		{Key: "id", Label: "Client ID", Group: "app"}, {Key: "secret", Label: "Client secret", Group: "app"}}
	open := grouped.Open
	grouped.Open = func(cfg core.StoreConfig) (core.Store, error) {
		if cfg.Credentials["token"] == "" && (cfg.Credentials["id"] == "" || cfg.Credentials["secret"] == "") {
			return nil, errors.New("no credentials")
		}
		cfg.Credentials = map[string]string{"token": "x"}
		return open(cfg)
	}
	eng := core.New(e.db, secrets, core.NewPlatforms(grouped), core.Options{})
	in := core.ConnectionInput{Name: "Grouped", Platform: "grouped", StoreURL: "https://g.example",
		Credentials: map[string]string{"token": "tok-1"}}
	c, err := eng.AddConnection(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	books, err := eng.BooksID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	key := func(k string) string { return core.SecretKey(books, c.ID, k) }
	tests := []struct {
		name     string
		creds    map[string]string
		wantErr  bool
		wantKeys []string
		want     map[string]string // secrets in the keyring afterwards ("" = absent)
	}{
		{"empty fields keep the stored token", map[string]string{"token": "", "id": "", "secret": ""}, false, []string{"token"},
			map[string]string{"token": "tok-1"}},
		{"a new token replaces it", map[string]string{"token": "tok-2"}, false, []string{"token"}, map[string]string{"token": "tok-2"}},
		{"half an app is refused", map[string]string{"id": "app-id"}, true, []string{"token"}, map[string]string{"token": "tok-2", "id": ""}},
		{"a whole app replaces the token", map[string]string{"id": "app-id", "secret": "s3"}, false, []string{"id", "secret"},
			map[string]string{"token": "", "id": "app-id", "secret": "s3"}},
		{"the secret alone is replaced", map[string]string{"secret": "s4"}, false, []string{"id", "secret"},
			map[string]string{"id": "app-id", "secret": "s4"}},
	}
	for _, tc := range tests {
		in.Credentials = tc.creds
		got, err := eng.UpdateConnection(ctx, c.ID, in)
		if (err != nil) != tc.wantErr {
			t.Fatalf("%s: error %v", tc.name, err)
		}
		if err == nil && strings.Join(got.SecretKeys, ",") != strings.Join(tc.wantKeys, ",") {
			t.Errorf("%s: keys %v, want %v", tc.name, got.SecretKeys, tc.wantKeys)
		}
		for k, want := range tc.want {
			v, gerr := secrets.Get(key(k))
			if want == "" && !errors.Is(gerr, core.ErrNoSecret) || want != "" && v != want {
				t.Errorf("%s: keyring %s = %q (%v), want %q", tc.name, k, v, gerr, want)
			}
		}
	}
	if _, err := eng.TestConnection(ctx, c.ID); err != nil {
		t.Fatalf("the edited credentials do not open the store: %v", err)
	}
}
