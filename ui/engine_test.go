package ui

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/core/memstore"
	"mizan/platforms/shopify"
	"mizan/platforms/shopify/shopifytest"
	"mizan/storage"
)

// notifyingApp records the desktop notifications the window sends.
type notifyingApp struct {
	fyne.App
	mu   sync.Mutex
	sent []*fyne.Notification
}

func (a *notifyingApp) SendNotification(n *fyne.Notification) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.sent = append(a.sent, n)
}

func (a *notifyingApp) notifications() []*fyne.Notification {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]*fyne.Notification(nil), a.sent...)
}

type engineEnv struct {
	m       *App
	db      *storage.DB
	eng     *core.Engine
	secrets *core.MemorySecrets
	app     *notifyingApp
	srv     *shopifytest.Server // Shopify environments
	url     string
	mem     *memstore.Store // memory-store environments
}

// shopifyEnv opens empty books with an engine that knows Shopify, and a test Shopify store
// served over real HTTP.
func shopifyEnv(t *testing.T, seed shopifytest.SeedOptions, deps Deps) *engineEnv {
	t.Helper()
	srv := shopifytest.NewServer(shopifytest.Options{DisableRateLimit: true})
	if seed.Products > 0 {
		if _, err := srv.Seed(seed); err != nil {
			t.Fatal(err)
		}
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		srv.ClearFaults()
		ts.Close()
	})
	e := openEngineApp(t, deps, func(db *storage.DB, secrets core.Secrets) *core.Engine {
		return core.New(db, secrets, core.NewPlatforms(shopify.Platform()), core.Options{HTTPClient: ts.Client()})
	})
	e.srv, e.url = srv, ts.URL
	return e
}

// memoryEnv opens empty books with an engine over the in-memory store twin.
func memoryEnv(t *testing.T, deps Deps) *engineEnv {
	t.Helper()
	now := deps.Now
	if now == nil {
		now = time.Now
	}
	st := memstore.New(now)
	e := openEngineApp(t, deps, func(db *storage.DB, secrets core.Secrets) *core.Engine {
		return core.New(db, secrets, core.NewPlatforms(memstore.Platform(st)), core.Options{Now: now})
	})
	e.mem = st
	return e
}

func openEngineApp(t *testing.T, deps Deps, engine func(*storage.DB, core.Secrets) *core.Engine) *engineEnv {
	t.Helper()
	a := &notifyingApp{App: test.NewTempApp(t)}
	db, err := storage.Open(context.Background(), t.TempDir(), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	secrets := core.NewMemorySecrets()
	eng := engine(db, secrets)
	deps.Engine = eng
	m := NewApp(a, db, deps)
	t.Cleanup(func() {
		m.Close()
		db.Close()
	})
	m.Window.Resize(DefaultSize)
	m.Window.Show()
	if err := m.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	m.Idle()
	return &engineEnv{m: m, db: db, eng: eng, secrets: secrets, app: a}
}

// connect adds a connection through the engine, as a saved form would, and shows it.
func (e *engineEnv) connect(t *testing.T, name string, push bool) core.Connection {
	t.Helper()
	in := core.ConnectionInput{Name: name, PushProducts: &push}
	if e.srv != nil {
		in.Platform, in.StoreURL, in.Credentials = "shopify", e.url, map[string]string{shopify.CredAccessToken: "shpat_test"}
	} else {
		in.Platform, in.StoreURL, in.Credentials = "memory", "https://shop.example", map[string]string{"token": "tok"}
	}
	c, err := e.eng.AddConnection(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.m.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.m.Idle()
	return c
}

// topDialog is what the window's top overlay (a dialog) shows.
func topDialog(t *testing.T, m *App) fyne.CanvasObject {
	t.Helper()
	top := m.Window.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog is shown")
	}
	return top
}

func TestAddAndEditConnection(t *testing.T) {
	e := shopifyEnv(t, shopifytest.SeedOptions{Products: 3, Orders: 1, Seed: 1}, Deps{})
	m := e.m
	f := openNewConnection(t, m) // the form's dropdowns fill from the books in the background
	if f == nil || f.Platform.Selected != "Shopify" {
		t.Fatalf("the form does not offer Shopify: %+v", f)
	}
	// Shopify takes an access token, or a client ID and secret: two groups of password entries.
	mustShow(t, f.Content, "Either:", "Or:", "Admin API access token", "Client ID", "Client secret")
	if !f.Credentials[shopify.CredAccessToken].Password {
		t.Fatal("the token is typed in the clear")
	}
	test.Type(f.Name, "متجري")
	test.Type(f.StoreURL, e.url)

	// A wrong token: the test says what the store answered.
	test.Type(f.Credentials[shopify.CredAccessToken], "shpat_wrong")
	test.Tap(f.Test)
	m.Idle()
	if !strings.Contains(f.TestResult.Text, "The test failed") {
		t.Fatalf("test with a wrong token: %q", f.TestResult.Text)
	}
	mustShow(t, topDialog(t, m), "The store refused the credentials", "Test connection")
	m.Window.Canvas().Overlays().Top().Hide()
	m.Window.Canvas().Overlays().Remove(m.Window.Canvas().Overlays().Top())

	f.Credentials[shopify.CredAccessToken].SetText("")
	test.Type(f.Credentials[shopify.CredAccessToken], "shpat_test")
	test.Tap(f.Test)
	m.Idle()
	for _, want := range []string{"Connected to Mizan Demo", "currency SAR"} {
		if !strings.Contains(f.TestResult.Text, want) {
			t.Fatalf("test result %q lacks %q", f.TestResult.Text, want)
		}
	}

	// Defaults come from dropdowns of the books; a warehouse is added on the spot.
	if len(f.Warehouse.Options) != 1 || f.Warehouse.Selected != "Main warehouse" || f.Client.Selected != storage.DefaultClientName ||
		f.Branch.Selected != "Main branch" {
		t.Fatalf("default choices: %v %q %q %q", f.Warehouse.Options, f.Warehouse.Selected, f.Client.Selected, f.Branch.Selected)
	}
	test.Tap(f.NewWarehouse)
	if f.Quick == nil {
		t.Fatal("New… opened no form")
	}
	test.Type(f.Quick.Name, "Online stock")
	test.Tap(f.Quick.Create)
	m.Idle()
	if f.Quick != nil || f.Warehouse.Selected != "Online stock" || len(f.Warehouse.Options) != 2 {
		t.Fatalf("after adding a warehouse: %v, chosen %q", f.Warehouse.Options, f.Warehouse.Selected)
	}
	test.Tap(f.NewClient)
	test.Type(f.Quick.Name, "Online guests")
	test.Type(f.Quick.Email, "not an email")
	test.Tap(f.Quick.Create)
	m.Idle()
	if f.Quick == nil || !strings.Contains(f.Quick.Status.Text, "not an email address") {
		t.Fatal("a bad email was not refused in the New client form")
	}
	f.Quick.Email.SetText("")
	test.Tap(f.Quick.Create)
	m.Idle()
	pick(t, m.Window.Canvas(), f.Client, storage.DefaultClientName)
	pick(t, m.Window.Canvas(), f.Client, "Online guests")
	pick(t, m.Window.Canvas(), f.Branch, "Main branch")
	// The order states are offered in the merchant's words and saved as Shopify's.
	if opts := strings.Join(f.States.Options, ","); !strings.Contains(opts, "Paid,Partially refunded") || strings.Contains(opts, "_") {
		t.Fatalf("order states offered: %s", opts)
	}
	f.States.SetSelected([]string{"Paid"})
	pick(t, m.Window.Canvas(), f.Owners[core.FieldSalePrice], "Books")
	f.PollMinutes.SetText("10")
	test.Tap(f.Save)
	m.Idle()
	if !m.Connections.ShowingList() {
		t.Fatalf("save did not return to the list: %q", f.Status.Text)
	}
	conns, _ := e.eng.Connections(context.Background())
	if len(conns) != 1 {
		t.Fatalf("%d connections saved", len(conns))
	}
	c := conns[0]
	whs, _ := e.db.Warehouses(context.Background())
	clients, _ := e.db.Clients(context.Background())
	var guests int64
	for _, cl := range clients {
		if cl.Name == "Online guests" {
			guests = cl.ID
		}
	}
	if c.Name != "متجري" || c.WarehouseID != whs[1].ID || c.ClientID != guests || guests == 0 || c.PollInterval != 10*time.Minute ||
		strings.Join(c.InvoiceStates, ",") != "paid" || c.Owner(core.FieldSalePrice) != core.OwnerBooks {
		t.Fatalf("saved connection: %+v", c)
	}
	books, _ := e.eng.BooksID(context.Background())
	if v, err := e.secrets.Get(core.SecretKey(books, c.ID, "access_token")); err != nil || v != "shpat_test" {
		t.Fatalf("keyring: %q %v", v, err)
	}
	mustShow(t, m.Connections.Content, visual("متجري"))

	// Editing never shows the stored token; leaving it empty keeps it.
	test.Tap(m.Connections.Rows[c.ID].Edit)
	m.Idle()
	f = m.Connections.Form
	tok := f.Credentials[shopify.CredAccessToken]
	if tok.Text != "" || tok.PlaceHolder != "unchanged — type to replace" || f.Platform.Disabled() == false {
		t.Fatalf("edit form token %q (%q)", tok.Text, tok.PlaceHolder)
	}
	if f.Warehouse.Selected != "Online stock" || f.Client.Selected != "Online guests" {
		t.Fatalf("edit form choices %q %q", f.Warehouse.Selected, f.Client.Selected)
	}
	test.Tap(f.Test) // with the stored token
	m.Idle()
	if !strings.Contains(f.TestResult.Text, "Connected to Mizan Demo") {
		t.Fatalf("testing the saved connection: %q", f.TestResult.Text)
	}
	f.Name.SetText("Shopify KSA")
	test.Tap(f.Save)
	m.Idle()
	c, _ = e.eng.Connection(context.Background(), c.ID)
	if v, _ := e.secrets.Get(core.SecretKey(books, c.ID, "access_token")); c.Name != "Shopify KSA" || v != "shpat_test" {
		t.Fatalf("after edit: %q, token %q", c.Name, v)
	}

	// A keyring that cannot be reached: saving says what happened and what to do. (The store is
	// connected once only: the first connection is removed, so the store's history would be
	// re-attached.)
	if err := e.eng.RemoveConnection(context.Background(), c.ID); err != nil {
		t.Fatal(err)
	}
	e.secrets.Fail = &core.KeyringError{Op: "save", Key: "connection/2/access_token", Cause: "the keyring is locked",
		Advice: "Unlock your login keyring and try again", Err: core.ErrKeyringUnavailable}
	test.Tap(m.Connections.New)
	f = m.Connections.Form
	test.Type(f.Name, "Second")
	test.Type(f.StoreURL, e.url)
	test.Type(f.Credentials[shopify.CredAccessToken], "shpat_test")
	m.Idle()
	test.Tap(f.Save)
	m.Idle()
	openDetails(t, topDialog(t, m))
	mustShow(t, topDialog(t, m), "The system keyring cannot be used", "the keyring is locked", "Unlock your login keyring")
	if conns, _ := e.eng.Connections(context.Background()); len(conns) != 0 || m.Connections.ShowingList() {
		t.Fatal("a connection was saved without its credentials")
	}
}

func TestSyncNowFillsTheInvoices(t *testing.T) {
	e := shopifyEnv(t, shopifytest.SeedOptions{Products: 6, Orders: 40, Seed: 3}, Deps{})
	m := e.m
	c := e.connect(t, "Shopify", true)
	test.Tap(m.Nav[ScreenDashboard])
	card := m.Dashboard.Cards[c.ID]
	if card == nil {
		t.Fatal("no dashboard card for the connection")
	}
	mustShow(t, card.Content, "Not synced yet", "Next sync")
	var seen []float64
	var phasesSeen []string
	m.OnProgress = func(id int64, p core.Progress) {
		seen = append(seen, card.Progress.Value)
		phasesSeen = append(phasesSeen, p.Phase)
	}
	test.Tap(card.SyncNow)
	if !card.SyncNow.Disabled() || !m.Dashboard.SyncAll.Disabled() || m.StartSync(c, core.SyncRequest{}) {
		t.Fatal("a second sync can be started while one runs")
	}
	m.Idle()
	between := map[float64]bool{}
	for _, v := range seen {
		if v > 0 && v < 1 {
			between[v] = true
		}
	}
	if len(between) < 3 || seen[len(seen)-1] != 1 {
		t.Fatalf("progress values seen: %v (phases %v)", seen, phasesSeen)
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] < seen[i-1] {
			t.Fatalf("the progress bar went back: %v", seen)
		}
	}
	card = m.Dashboard.Cards[c.ID]
	if card.SyncNow.Disabled() || card.Progress.Visible() || !strings.Contains(card.LastSync.Text, "done") {
		t.Fatalf("after the sync: %q, sync now disabled %v", card.LastSync.Text, card.SyncNow.Disabled())
	}
	ctx := context.Background()
	n, _ := e.db.CountInvoices(ctx, storage.InvoiceFilter{})
	if n == 0 || m.Invoices.List.Length() != n {
		t.Fatalf("the books have %d invoices, the list %d", n, m.Invoices.List.Length())
	}
	mustShow(t, card.Content, itoa(n-mustCount(t, e.db, storage.ReturnInvoice))+" invoices")

	// Open a sale with a return, and the return, from the invoice list.
	rets, _ := e.db.Invoices(ctx, storage.InvoiceFilter{Type: storage.ReturnInvoice, Limit: 1})
	if len(rets) == 0 {
		t.Fatal("the store's refunds made no return invoice")
	}
	sale, _ := e.db.Invoice(ctx, rets[0].OriginalID)
	test.Tap(m.Nav[ScreenInvoices])
	test.Type(m.Invoices.Search, sale.Number)
	m.Idle()
	tapText(t, m.Window, sale.Number)
	m.Idle()
	v := m.Invoices.View
	if v.Invoice.ID != sale.ID || len(v.ReturnLinks) == 0 {
		t.Fatalf("opened %d with %d return links", v.Invoice.ID, len(v.ReturnLinks))
	}
	mustShow(t, v.Content, sale.Source.OrderName, "Shopify", "shopify")
	test.Tap(v.ReturnLinks[0])
	m.Idle()
	if v.Invoice.Type != storage.ReturnInvoice || v.Invoice.OriginalID != sale.ID {
		t.Fatalf("the return link opened %+v", v.Invoice.Number)
	}
}

func mustCount(t *testing.T, db *storage.DB, typ storage.InvoiceType) int {
	n, err := db.CountInvoices(context.Background(), storage.InvoiceFilter{Type: typ})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRetryAFailedOrder(t *testing.T) {
	e := memoryEnv(t, Deps{})
	m := e.m
	c := e.connect(t, "Test shop", true)
	tea := e.mem.AddProduct(core.StoreProduct{Name: "Green tea", SKU: "TEA-100", SalePrice: decimal.RequireFromString("11.50"),
		Quantity: decimal.NewFromInt(40), TracksStock: true})
	good := decimal.RequireFromString("11.50")
	order := e.mem.PlaceOrder(core.StoreOrder{Status: "paid", Currency: "SAR", TaxesIncluded: true, StockReduced: true,
		Lines: []core.StoreLine{{ProductID: tea.ExternalID, SKU: "TEA-100", Name: "Green tea", Quantity: decimal.NewFromInt(1),
			UnitPrice: good, Tax: decimal.RequireFromString("1.50")}},
		Total: good.Add(decimal.RequireFromString("0.01"))}) // a total its parts do not add up to

	test.Tap(m.Nav[ScreenDashboard])
	test.Tap(m.Dashboard.Cards[c.ID].SyncNow)
	m.Idle()
	if n := mustCount(t, e.db, ""); n != 0 {
		t.Fatalf("%d invoices from a mismatched order", n)
	}
	sent := e.app.notifications()
	if len(sent) != 1 || sent[0].Title != "Sync of Test shop ended with errors" || !strings.Contains(sent[0].Content, "See the Sync log") {
		t.Fatalf("notifications: %+v", sent)
	}

	test.Tap(m.Nav[ScreenSyncLog])
	s := m.SyncLog
	m.Idle()
	pick(t, m.Window.Canvas(), s.Level, "Error")
	m.Idle()
	entries := s.Shown()
	if len(entries) != 1 || entries[0].StoreRef != order.Name {
		t.Fatalf("errors of the run: %+v", entries)
	}
	tapText(t, m.Window, order.Name)
	if s.Retry.Disabled() || s.Open.Text != "Show store reference" {
		t.Fatalf("retry disabled %v, open %q", s.Retry.Disabled(), s.Open.Text)
	}
	test.Tap(s.Open)
	mustShow(t, topDialog(t, m), "Store reference: "+order.Name)
	m.Window.Canvas().Overlays().Remove(m.Window.Canvas().Overlays().Top())

	// The merchant fixes the order in the store, then retries it from the log.
	e.mem.UpdateOrder(order.ExternalID, func(o *core.StoreOrder) { o.Total = good })
	test.Tap(s.Retry)
	m.Idle()
	if n := mustCount(t, e.db, storage.SalesInvoice); n != 1 || m.Invoices.List.Length() != 1 {
		t.Fatalf("after retry: %d invoices, list %d", n, m.Invoices.List.Length())
	}
	runs, _ := e.eng.Runs(context.Background(), c.ID, 0)
	if runs[0].Trigger != core.TriggerRetry || s.runID != runs[0].ID {
		t.Fatalf("newest run %+v, shown %d", runs[0], s.runID)
	}
	s.Level.SetSelected("All levels")
	m.Idle()
	var opened bool
	for i, en := range s.Shown() {
		if en.DocType == "sales_invoice" {
			s.SelectEntry(i)
			test.Tap(s.Open)
			m.Idle()
			opened = m.Current == ScreenInvoices && m.Invoices.View.Invoice.ID == en.DocID
		}
	}
	if !opened {
		t.Fatal("the retried order's entry does not open its invoice")
	}

	// Sync orders by number: more than 100 are refused with a clear message.
	test.Tap(m.Nav[ScreenSyncLog])
	var many []string
	for i := 0; i < 101; i++ {
		many = append(many, "#"+itoa(2000+i))
	}
	s.Orders.SetText(strings.Join(many, "\n"))
	test.Tap(s.SyncOrders)
	m.Idle()
	if !strings.Contains(s.OrdersStatus.Text, "You typed 101 order numbers; at most 100") {
		t.Fatalf("101 numbers: %q", s.OrdersStatus.Text)
	}
	if again, _ := e.eng.Runs(context.Background(), c.ID, 0); len(again) != len(runs) {
		t.Fatal("101 numbers started a sync")
	}
	s.Orders.SetText(order.Name + "\n#9999")
	test.Tap(s.SyncOrders)
	m.Idle()
	runs, _ = e.eng.Runs(context.Background(), c.ID, 0)
	if runs[0].Trigger != core.TriggerNumbers || runs[0].Counts.Errors != 1 || mustCount(t, e.db, storage.SalesInvoice) != 1 {
		t.Fatalf("orders by number: %+v", runs[0])
	}
	mustShow(t, s.Entries, "order #9999 was not found in the store")
}

func TestLinkAProductByHand(t *testing.T) {
	e := shopifyEnv(t, shopifytest.SeedOptions{Products: 2, Orders: 1, Seed: 5}, Deps{})
	m := e.m
	c := e.connect(t, "Shopify", false)
	ctx := context.Background()
	if err := e.db.Update(ctx, func(tx *storage.Tx) error {
		_, err := tx.CreateProduct(storage.Product{Code: "MY-COFFEE", Name: "My coffee", SalePrice: decimal.NewFromInt(40)})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	test.Tap(m.Nav[ScreenMapping])
	m.Idle()
	s := m.Mapping
	rows := s.Shown()
	var store core.MappingRow
	for _, r := range rows {
		if r.State == core.LinkStoreOnly && store.Store.SKU == "" {
			store = r
		}
	}
	if len(rows) < 3 || store.Store.SKU == "" {
		t.Fatalf("mapping rows: %+v", rows)
	}
	mustShow(t, s.Status, "1 books only")
	pick(t, m.Window.Canvas(), s.Filter, "Store only")
	test.Type(s.Search, store.Store.SKU)
	if got := s.Shown(); len(got) != 1 || got[0].Store.ExternalID != store.Store.ExternalID {
		t.Fatalf("search %s: %+v", store.Store.SKU, got)
	}
	tapText(t, m.Window, store.Store.SKU)
	if s.Link.Disabled() || s.Import.Disabled() || !s.Unlink.Disabled() || !s.Push.Disabled() {
		t.Fatal("the actions offered for a store-only product are wrong")
	}
	test.Tap(s.Link)
	if s.Chooser == nil {
		t.Fatal("Link to… opened no chooser")
	}
	s.Chooser.Product.SetSelected("MY-COFFEE — My coffee")
	test.Tap(s.Chooser.Link)
	m.Idle()
	mapping, err := e.eng.Mapping(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var linked bool
	for _, r := range mapping {
		if r.HasLocal && r.Local.Code == "MY-COFFEE" {
			linked = r.State == core.LinkLinked && r.Store.ExternalID == store.Store.ExternalID && r.Store.SKU == "MY-COFFEE"
		}
	}
	if !linked {
		t.Fatalf("MY-COFFEE is not linked to %s: %+v", store.Store.ExternalID, mapping)
	}
	s.Filter.SetSelected("Linked")
	s.Search.SetText("")
	m.Idle()
	if got := s.Shown(); len(got) != 1 || got[0].Local.Code != "MY-COFFEE" {
		t.Fatalf("linked rows shown: %+v", got)
	}
	// Unlink it again.
	s.Select(0)
	s.UnlinkSelected()
	m.Idle()
	s.Filter.SetSelected("All states")
	mustShow(t, s.Status, "0 linked")
}

func TestCancelASlowSync(t *testing.T) {
	e := shopifyEnv(t, shopifytest.SeedOptions{Products: 3, Orders: 2, Seed: 9}, Deps{})
	m := e.m
	c := e.connect(t, "Slow shop", true)
	e.srv.InjectFaults(shopifytest.Fault{Kind: shopifytest.FaultSlow, Delay: 5 * time.Second, Times: -1, Match: "products"})
	card := m.Dashboard.Cards[c.ID]
	test.Tap(card.SyncNow)
	deadline := time.Now().Add(5 * time.Second)
	for !e.eng.IsSyncing(c.ID) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // let it reach the slow request
	if card.Cancel.Hidden || card.Cancel.Disabled() {
		t.Fatal("no Cancel while syncing")
	}
	start := time.Now()
	test.Tap(card.Cancel)
	m.Idle()
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("cancel took %s", d)
	}
	runs, _ := e.eng.Runs(context.Background(), c.ID, 0)
	if len(runs) != 1 || runs[0].Outcome != core.OutcomeCancelled {
		t.Fatalf("runs after cancel: %+v", runs)
	}
	card = m.Dashboard.Cards[c.ID]
	if !strings.Contains(card.LastSync.Text, "cancelled") || card.SyncNow.Disabled() {
		t.Fatalf("card after cancel: %q", card.LastSync.Text)
	}
	if len(e.app.notifications()) != 0 {
		t.Fatal("a cancelled sync sent a notification")
	}
}

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestSchedulerSyncsAtThePollInterval(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	e := memoryEnv(t, Deps{Now: clock.Now, SchedulerTick: 10 * time.Millisecond})
	c := e.connect(t, "Scheduled shop", true) // polls every 5 minutes
	e.mem.AddProduct(core.StoreProduct{Name: "Tea", SKU: "TEA-1", SalePrice: decimal.NewFromInt(10)})
	time.Sleep(100 * time.Millisecond)
	e.m.Idle()
	if runs, _ := e.eng.Runs(context.Background(), c.ID, 0); len(runs) != 0 {
		t.Fatalf("synced before the interval: %+v", runs)
	}
	clock.Advance(6 * time.Minute)
	deadline := time.Now().Add(5 * time.Second)
	var runs []core.RunSummary
	for len(runs) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		e.m.Idle()
		runs, _ = e.eng.Runs(context.Background(), c.ID, 0)
	}
	if len(runs) != 1 || runs[0].Trigger != core.TriggerSchedule || runs[0].Counts.ProductsCreated != 1 {
		t.Fatalf("scheduled runs: %+v", runs)
	}
	// The next one is due an interval after that run, not at once.
	time.Sleep(100 * time.Millisecond)
	e.m.Idle()
	if runs, _ = e.eng.Runs(context.Background(), c.ID, 0); len(runs) != 1 {
		t.Fatalf("synced again before the interval: %d runs", len(runs))
	}
	e.m.sched.Stop()
	clock.Advance(time.Hour)
	time.Sleep(100 * time.Millisecond)
	if runs, _ = e.eng.Runs(context.Background(), c.ID, 0); len(runs) != 1 {
		t.Fatal("the scheduler synced after it was stopped")
	}
}

func TestDashboardOffersTheDemoStore(t *testing.T) {
	var e *engineEnv
	started := false
	e = memoryEnv(t, Deps{StartDemo: func(ctx context.Context) error {
		started = true
		push := true
		_, err := e.eng.AddConnection(ctx, core.ConnectionInput{Name: "Demo store", Platform: "memory",
			StoreURL: "http://127.0.0.1:9", PushProducts: &push, Credentials: map[string]string{"token": "demo"}})
		return err
	}})
	m := e.m
	test.Tap(m.Nav[ScreenDashboard])
	mustShow(t, m.Dashboard.Content, "Connect a store", "Try the demo store", "Connect your store")
	if !m.Dashboard.TryDemo.Visible() || m.Dashboard.ConnectStore.Disabled() {
		t.Fatal("the empty dashboard does not offer both ways in")
	}
	test.Tap(m.Dashboard.TryDemo)
	m.Idle()
	if !started || len(m.Dashboard.Cards) != 1 {
		t.Fatalf("after the demo started: %d cards", len(m.Dashboard.Cards))
	}
	mustShow(t, m.Dashboard.Content, "Demo store", "Sync now")
	test.Tap(m.Dashboard.ConnectStore)
	if m.Current != ScreenConnections || m.Connections.Form == nil {
		t.Fatal("Connect your store does not open the connection form")
	}
}
