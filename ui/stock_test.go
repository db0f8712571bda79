package ui

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http/httptest"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/shopify"
	"mizan/platforms/shopify/shopifytest"
	"mizan/platforms/woocommerce"
	"mizan/platforms/woocommerce/wootest"
	"mizan/storage"
)

// twoStores opens empty books with a Shopify and a WooCommerce test store connected, each
// creating the books' products it lacks. The WooCommerce store has Cost of Goods Sold on and one
// product of its own.
type twoStores struct {
	*engineEnv
	shop *shopifytest.Server
	woo  *wootest.Server
}

func twoStoresEnv(t *testing.T) *twoStores {
	t.Helper()
	shop := shopifytest.NewServer(shopifytest.Options{DisableRateLimit: true})
	shopTS := httptest.NewServer(shop)
	t.Cleanup(shopTS.Close)
	woo := wootest.NewServer(wootest.Options{COGS: true})
	cost := decimal.RequireFromString("3")
	woo.AddProduct(wootest.ProductInput{Name: "Tea", SKU: "TEA-1", Price: "9", Stock: wootest.IntPtr(5), Cost: &cost})
	wooTS := woo.Start()
	t.Cleanup(wooTS.Close)
	e := openEngineApp(t, Deps{}, func(db *storage.DB, secrets core.Secrets) *core.Engine {
		return core.New(db, secrets, core.NewPlatforms(shopify.Platform(), woocommerce.Platform()), core.Options{HTTPClient: shopTS.Client()})
	})
	push := true
	for _, in := range []core.ConnectionInput{
		{Name: "Shopify shop", Platform: "shopify", StoreURL: shopTS.URL, PushProducts: &push,
			Credentials: map[string]string{shopify.CredAccessToken: "shpat_test"}},
		{Name: "Woo shop", Platform: "woocommerce", StoreURL: wooTS.URL, PushProducts: &push,
			Credentials: map[string]string{woocommerce.CredConsumerKey: woo.Key(), woocommerce.CredConsumerSecret: woo.Secret()}},
	} {
		if _, err := e.eng.AddConnection(context.Background(), in); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.m.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.m.Idle()
	return &twoStores{engineEnv: e, shop: shop, woo: woo}
}

// syncNow taps Sync all on the dashboard and waits for both syncs.
func (e *twoStores) syncNow(t *testing.T) {
	t.Helper()
	test.Tap(e.m.Nav[ScreenDashboard])
	test.Tap(e.m.Dashboard.SyncAll)
	e.m.Idle()
	runs, err := e.eng.Runs(context.Background(), 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if r.Counts.Errors > 0 {
			entries, _ := e.eng.Log(context.Background(), core.LogFilter{RunID: r.ID, Level: core.Error})
			t.Fatalf("the sync of %s had errors: %+v", r.Connection, entries)
		}
	}
}

// storeProduct is what each test store has for a SKU, in the six synced fields and quantity.
type storeProduct struct {
	name, barcode, category, price, cost, qty string
}

func (e *twoStores) inStores(t *testing.T, sku string) (shop, woo storeProduct) {
	t.Helper()
	v, ok := e.shop.VariantBySKU(sku)
	if !ok {
		t.Fatalf("the Shopify store has no %s", sku)
	}
	p, _ := e.shop.Product(v.ProductID)
	shop = storeProduct{name: p.Title, barcode: v.Barcode, category: p.ProductType, price: v.Price.String(), qty: decimal.NewFromInt(int64(v.Available)).String()}
	if v.Cost != nil {
		shop.cost = v.Cost.String()
	}
	w, ok := e.woo.ProductBySKU(sku)
	if !ok {
		t.Fatalf("the WooCommerce store has no %s", sku)
	}
	price, _ := decimal.NewFromString(w.Price)
	woo = storeProduct{name: w.Name, barcode: w.Barcode, category: w.Category, price: price.String(), qty: w.Stock.String()}
	if w.Cost != nil {
		woo.cost = w.Cost.String()
	}
	return shop, woo
}

func (e *twoStores) bothHave(t *testing.T, sku string, want storeProduct) {
	t.Helper()
	shop, woo := e.inStores(t, sku)
	if shop != want {
		t.Errorf("Shopify has %+v, want %+v", shop, want)
	}
	if woo != want {
		t.Errorf("WooCommerce has %+v, want %+v", woo, want)
	}
}

// postDocument fills the new document form as a merchant does and posts it.
func postDocument(t *testing.T, m *App, kind string, warehouse, to string, lines ...[3]string) {
	t.Helper()
	test.Tap(m.Nav[ScreenStock])
	test.Tap(m.Stock.New)
	m.Idle()
	f := m.Stock.Form
	if f == nil {
		t.Fatal("New document opened no form")
	}
	c := m.Window.Canvas()
	pick(t, c, f.Kind, kind)
	if warehouse != "" {
		pick(t, c, f.Warehouse, warehouse)
	}
	if to != "" {
		pick(t, c, f.ToWarehouse, to)
	}
	for i, l := range lines {
		if i > 0 {
			test.Tap(f.AddLine)
		}
		row := f.Lines[i]
		test.Type(row.Product, l[0])
		test.Type(row.Quantity, l[1])
		if l[2] != "" {
			test.Type(row.Cost, l[2])
		}
	}
	test.Tap(f.Post)
	m.Idle()
	if m.Stock.Form != nil {
		t.Fatalf("the document was not posted: %q", f.Problem.Text)
	}
}

// The merchant's own products and stock documents, made in the window, reach both stores.
func TestProductsAndStockDocumentsReachTheStores(t *testing.T) {
	e := twoStoresEnv(t)
	m := e.m
	e.syncNow(t) // the stores' catalogues are read once (WooCommerce says it has costs)

	// A new product, with all six fields, in the window: Ctrl+N opens its form from any screen.
	test.Tap(m.Nav[ScreenStock])
	m.Products.newShortcut()
	m.Idle()
	if m.Current != ScreenProducts {
		t.Fatalf("Ctrl+N showed %s", m.Current)
	}
	f := m.Products.Form
	if f == nil {
		t.Fatal("New product opened no form")
	}
	test.Type(f.Name, "عود كمبودي 12 مل")
	test.Type(f.Code, "OUD-12")
	test.Type(f.Barcode, "6281234500012")
	test.Type(f.Category, "Perfume")
	test.Type(f.PurchasePrice, "80.5")
	test.Type(f.SalePrice, "149.95")
	test.Tap(f.Save)
	m.Idle()
	if m.Products.Form != nil {
		t.Fatalf("the product was not saved: %q", f.Problem.Text)
	}
	mustShow(t, m.Products.Content, "OUD-12")
	if !strings.Contains(m.Products.Links.Text, "Shopify shop: pending") || !strings.Contains(m.Products.Links.Text, "Woo shop: pending") {
		t.Fatalf("before the sync the stores show %q", m.Products.Links.Text)
	}

	e.syncNow(t)
	want := storeProduct{name: "عود كمبودي 12 مل", barcode: "6281234500012", category: "Perfume", price: "149.95", cost: "80.5", qty: "0"}
	e.bothHave(t, "OUD-12", want)
	test.Tap(m.Nav[ScreenProducts])
	m.Idle()
	if !strings.Contains(m.Products.Links.Text, "Shopify shop: linked") || !strings.Contains(m.Products.Links.Text, "Woo shop: linked") {
		t.Fatalf("after the sync the stores show %q", m.Products.Links.Text)
	}

	// A new price reaches both stores at once with Push now.
	test.Tap(m.Products.Edit)
	f = m.Products.Form
	f.SalePrice.SetText("")
	test.Type(f.SalePrice, "139")
	test.Tap(f.Save)
	m.Idle()
	test.Tap(m.Products.PushNow)
	m.Idle()
	want.price = "139"
	e.bothHave(t, "OUD-12", want)

	// Goods received: both stores' quantity rises by 10, and the price paid is the product's
	// purchase price now, in the books and in both stores.
	postDocument(t, m, "Goods received", "", "", [3]string{"OUD-12", "10", "78.25"})
	e.syncNow(t)
	want.qty, want.cost = "10", "78.25"
	e.bothHave(t, "OUD-12", want)
	if p, err := e.db.Product(context.Background(), m.Stock.selected.Lines[0].ProductID); err != nil || p.PurchasePrice.String() != "78.25" {
		t.Fatalf("the books' purchase price after the receipt: %v %v", p.PurchasePrice, err)
	}
	doc := m.Stock.selected
	if doc.Number != "REC-000001" || len(doc.Lines) != 1 || !doc.Lines[0].UnitCost.Equal(decimal.RequireFromString("78.25")) {
		t.Fatalf("the receipt: %+v", doc)
	}

	// A second warehouse, added on Warehouses & clients; a transfer of 4 there leaves 6 in the
	// stores' warehouse.
	test.Tap(m.Nav[ScreenMaster])
	m.Master.Tabs.SelectIndex(1)
	test.Tap(m.Master.AddWarehouse)
	test.Type(m.Master.Form.Name, "مستودع جدة")
	pick(t, m.Window.Canvas(), m.Master.Form.Branch, storage.DefaultBranchName) // tied to the branch
	test.Tap(m.Master.Form.Save)
	m.Idle()
	if m.Master.Form != nil {
		t.Fatalf("the warehouse was not added: %q", m.Master.Form.Problem.Text)
	}
	if whs, _ := e.db.Warehouses(context.Background()); len(whs) != 2 || whs[1].BranchID != 1 {
		t.Fatalf("warehouses: %+v", whs)
	}
	mustShow(t, m.Master.Warehouses, visual("مستودع جدة · "+storage.DefaultBranchName))
	postDocument(t, m, "Transfer", storage.DefaultWarehouseName, "مستودع جدة", [3]string{"OUD-12", "4", ""})
	e.syncNow(t)
	want.qty = "6"
	e.bothHave(t, "OUD-12", want)

	// A count of 5 books −1 as an adjustment, and the stores follow.
	postDocument(t, m, "Stock count", storage.DefaultWarehouseName, "", [3]string{"OUD-12", "5", ""})
	if l := m.Stock.selected.Lines[0]; !l.Quantity.Equal(decimal.NewFromInt(-1)) || !l.Before.Equal(decimal.NewFromInt(6)) {
		t.Fatalf("the count booked %s (books had %s)", l.Quantity, l.Before)
	}
	e.syncNow(t)
	want.qty = "5"
	e.bothHave(t, "OUD-12", want)

	// A posted document is corrected by reversing it: the count's −1 is booked back.
	test.Tap(m.Nav[ScreenStock])
	count := m.Stock.selected.Number
	m.Stock.ReverseSelected()
	m.Idle()
	if rev := m.Stock.selected; rev.ReversesNumber != count || rev.Number != "CNT-000002" {
		t.Fatalf("the reversal: %+v", rev)
	}
	e.syncNow(t)
	want.qty = "6"
	e.bothHave(t, "OUD-12", want)

	// The ledger shows each document, dated by it.
	test.Tap(m.Nav[ScreenProducts])
	p, err := e.db.Products(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range p {
		if x.Code == "OUD-12" {
			m.Products.SelectProduct(x.ID)
		}
	}
	m.Window.Resize(DefaultSize.AddWidthHeight(0, 120)) // room for the ledger's five rows at once
	m.Idle()
	mustShow(t, m.Products.Ledger, "REC-000001", "TRF-000001", "CNT-000001", "Transfer")
	if n := len(m.Products.ledger); n != 5 || m.Products.ledger[n-1].m.SourceRef != "CNT-000002" {
		t.Fatalf("the ledger has %d rows: %+v", n, m.Products.ledger)
	}

	// A duplicate code is refused, naming the field.
	test.Tap(m.Products.New)
	f = m.Products.Form
	test.Type(f.Name, "Another oud")
	test.Type(f.Code, "OUD-12")
	test.Tap(f.Save)
	m.Idle()
	// The line is put in reading order as a whole (it holds the Arabic name): it starts with a
	// left-to-right mark.
	if m.Products.Form == nil || !f.Problem.Visible() || !strings.HasPrefix(strings.TrimPrefix(f.Problem.Text, "\u200e"), "Code (SKU): ") ||
		!strings.Contains(f.Problem.Text, `"OUD-12" is already used`) {
		t.Fatalf("a duplicate code: form open %v, %q", m.Products.Form != nil, f.Problem.Text)
	}
	f.Code.SetText("")
	test.Type(f.Code, "OUD-13")
	f.SalePrice.SetText("")
	test.Type(f.SalePrice, "-5")
	test.Tap(f.Save)
	m.Idle()
	if !strings.HasPrefix(f.Problem.Text, "Sale price: ") {
		t.Fatalf("a negative price: %q", f.Problem.Text)
	}
	test.Tap(f.Cancel)
}

func TestStockDocumentFormRefusesAndExports(t *testing.T) {
	m, db := openApp(t, seededDir(t, 5))
	products, err := db.ActiveProducts(context.Background())
	if err != nil || len(products) == 0 {
		t.Fatal(err)
	}
	code := products[0].Code
	level, _ := db.StockLevel(context.Background(), products[0].ID, 1)

	test.Tap(m.Nav[ScreenStock])
	test.Tap(m.Stock.New)
	m.Idle()
	f := m.Stock.Form
	pick(t, m.Window.Canvas(), f.Kind, "Goods issued")
	test.Type(f.Lines[0].Product, code)
	test.Type(f.Lines[0].Quantity, level.Add(decimal.NewFromInt(1)).String())
	test.Tap(f.Post)
	m.Idle()
	if m.Stock.Form == nil || !strings.Contains(f.Problem.Text, "not enough") {
		t.Fatalf("issuing more than there is: %q", f.Problem.Text)
	}
	f.Lines[0].Quantity.SetText("")
	test.Type(f.Lines[0].Quantity, "1")
	f.Date.SetText("")
	test.Type(f.Date, "2026-02-30")
	test.Tap(f.Post)
	m.Idle()
	if !strings.HasPrefix(f.Problem.Text, "Date: ") {
		t.Fatalf("a bad date: %q", f.Problem.Text)
	}
	f.Date.SetText("")
	test.Type(f.Date, "2026-03-01")
	test.Tap(f.Post)
	m.Idle()
	if m.Stock.Form != nil {
		t.Fatalf("not posted: %q", f.Problem.Text)
	}
	mustShow(t, m.Stock.Content, "ISS-000001", "2026-03-01", "Goods issued")
	var b bytes.Buffer
	if err := m.Stock.ExportSelected(&b); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(recs) != 2 || recs[1][0] != "ISS-000001" || recs[1][8] != code || recs[1][10] != "1" {
		t.Fatalf("export: %v %q", err, recs)
	}
	if !m.Stock.Print.Disabled() {
		pdf, err := m.Stock.PDF(context.Background(), m.Stock.selected)
		if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Fatalf("the document's PDF: %v", err)
		}
	} else {
		t.Fatal("Print is disabled on a selected document")
	}
}

func TestClientsAreFoundAndToldApart(t *testing.T) {
	m, _ := openApp(t, t.TempDir())
	test.Tap(m.Nav[ScreenMaster]) // it opens on the clients
	add := func(name, phone, email string) string {
		test.Tap(m.Master.AddClient)
		f := m.Master.Form
		test.Type(f.Name, name)
		test.Type(f.Phone, phone)
		test.Type(f.Email, email)
		test.Tap(f.Save)
		m.Idle()
		if m.Master.Form == nil {
			return ""
		}
		problem := f.Problem.Text
		test.Tap(f.Cancel)
		return problem
	}
	if p := add("أمل الحربي", "0501234567", ""); p != "" {
		t.Fatal(p)
	}
	if p := add("أمل الحربي", "", "amal@example.com"); p != "" {
		t.Fatal(p)
	}
	if p := add("Amal H.", "+966 50 123 4567", ""); p != visual("Phone: أمل الحربي already has this phone") {
		t.Fatalf("a second client with the same phone: %q", p)
	}
	for _, tc := range []struct {
		search string
		want   []string
	}{{"أمل", []string{"0501234567", "amal@example.com"}}, {"966501234567", []string{"0501234567"}}, {"AMAL@", []string{"amal@example.com"}}} {
		m.Master.ClientSearch.SetText("")
		test.Type(m.Master.ClientSearch, tc.search)
		m.Idle()
		if len(m.Master.clients) != len(tc.want) {
			t.Fatalf("search %q found %d clients", tc.search, len(m.Master.clients))
		}
		mustShow(t, m.Master.Clients, tc.want...)
	}
}

// A product with a history is archived rather than deleted, leaves the list (unless archived
// ones are shown) and comes back with Restore; one without a history is deleted.
func TestDeleteOrArchiveAProduct(t *testing.T) {
	m, db := openApp(t, seededDir(t, 5))
	ctx := context.Background()
	var fresh storage.Product
	if err := db.Update(ctx, func(tx *storage.Tx) error {
		var err error
		fresh, err = tx.CreateProduct(storage.Product{Code: "NEW-1", Name: "Never sold"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := m.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	m.Idle()
	moves, _ := db.AllMovements(ctx)
	used, _ := db.Product(ctx, moves[0].ProductID)
	test.Tap(m.Nav[ScreenProducts])
	before := len(m.Products.all)

	m.Products.SelectProduct(used.ID)
	m.Idle()
	test.Tap(m.Products.Archive)
	closeDialog(t, m, shownDialog(t, m, "Delete or archive "+used.Code+"?", "Yes", "No"), "Yes")
	if p, _ := db.Product(ctx, used.ID); !p.Archived || len(m.Products.all) != before-1 ||
		!strings.Contains(m.Products.Status.Text, "archived rather than deleted") {
		t.Fatalf("archiving %s: archived %v, %d products listed of %d, status %q", used.Code, p.Archived, len(m.Products.all), before, m.Products.Status.Text)
	}
	if !m.Products.Edit.Disabled() || m.Products.selected != 0 {
		t.Fatal("the archived product, no longer listed, is still the one selected")
	}
	test.Tap(m.Products.ShowArchived)
	m.Idle()
	if len(m.Products.all) != before {
		t.Fatalf("with the archived shown: %d of %d", len(m.Products.all), before)
	}
	m.Products.SelectProduct(used.ID)
	m.Idle()
	if m.Products.Archive.Text != "Restore" {
		t.Fatalf("an archived product offers %q", m.Products.Archive.Text)
	}
	test.Tap(m.Products.Archive)
	m.Idle()
	if p, _ := db.Product(ctx, used.ID); p.Archived {
		t.Fatal("Restore left it archived")
	}

	m.Products.SelectProduct(fresh.ID)
	m.Idle()
	test.Tap(m.Products.Archive)
	closeDialog(t, m, shownDialog(t, m, "Yes", "No"), "Yes")
	if _, err := db.Product(ctx, fresh.ID); err == nil {
		t.Fatal("a product without a history was not deleted")
	}
}
