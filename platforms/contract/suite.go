package contract

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/storage"
)

// Run runs the whole suite against the platform whose test store open starts. open is called
// once per test with a fresh store whose clock starts at the same instant, so that two stores
// seeded alike are alike.
//
// The crash test runs the test binary again as a child process: when the suite finds itself in
// such a child it does the child's work and exits.
func Run(t *testing.T, open func(t *testing.T) Harness) {
	if childRequested() {
		runChild(t, open)
		return
	}
	tr := &tracker{root: t.TempDir()}
	t.Run("import", func(t *testing.T) { testImport(t, open(t), tr) })
	t.Run("faults", func(t *testing.T) { testFaults(t, open, tr) })
	t.Run("two-way products", func(t *testing.T) { testTwoWay(t, open(t), tr) })
	t.Run("books products reach the store whole", func(t *testing.T) { testPushedWhole(t, open(t), tr) })
	t.Run("a variant's category", func(t *testing.T) { testVariantCategory(t, open(t), tr) })
	t.Run("products unreadable for a run", func(t *testing.T) { testProductsDown(t, open, tr) })
	t.Run("re-attach", func(t *testing.T) { testReattach(t, open, tr) })
	t.Run("crash", func(t *testing.T) { testCrash(t, open, tr) })
	t.Run("no secrets at rest", func(t *testing.T) { tr.checkSecrets(t) })
}

// tracker remembers every set of books and every secret the suite used, for the final scan.
type tracker struct {
	root    string // books live under it until the whole suite has ended
	mu      sync.Mutex
	books   []*Books
	secrets map[string]bool
	n       int
}

func (tr *tracker) connect(t testing.TB, h Harness, dir string, in core.ConnectionInput) *Books {
	t.Helper()
	if dir == "" {
		dir = tr.dir(t)
	}
	b := Connect(t, h, dir, in)
	tr.add(b, h.Config())
	return b
}

// dir is a new directory for books that outlives the test that made it.
func (tr *tracker) dir(t testing.TB) string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.n++
	d := filepath.Join(tr.root, fmt.Sprintf("books-%03d", tr.n))
	if err := os.Mkdir(d, 0o700); err != nil {
		t.Fatal(err)
	}
	return d
}

func (tr *tracker) add(b *Books, cfg Config) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.books = append(tr.books, b)
	if tr.secrets == nil {
		tr.secrets = map[string]bool{}
	}
	for _, v := range cfg.Credentials {
		if len(v) >= 6 { // shorter values would match by chance
			tr.secrets[v] = true
		}
	}
}

// checkSecrets scans every database file and every log the suite produced for credential values.
// It runs last, after the books of the earlier tests were written (their directories are kept
// until the whole suite ends).
func (tr *tracker) checkSecrets(t *testing.T) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if len(tr.secrets) == 0 || len(tr.books) == 0 {
		t.Fatal("the suite connected no books with credentials: nothing to scan")
	}
	var scanned int
	for _, b := range tr.books {
		if b.DB != nil {
			// Checkpoint so the write-ahead log's content is in the main file too; both are read.
			_, _ = b.DB.SQL().Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
		}
		raw := b.FileBytes()
		scanned += len(raw)
		logs := b.Logs.String()
		for s := range tr.secrets {
			if strings.Contains(string(raw), s) {
				t.Errorf("a credential value is stored in the books at %s", b.Dir)
			}
			if strings.Contains(logs, s) {
				t.Errorf("a credential value appears in the engine's log")
			}
		}
		if b.Secrets != nil && len(b.Secrets.Keys()) == 0 {
			t.Errorf("the credentials were not kept in the secret store")
		}
	}
	t.Logf("scanned %d bytes of books and the logs of %d connections for %d secret values", scanned, len(tr.books), len(tr.secrets))
}

// ---- import ----

// scenario is a small store covering every case the books must carry exactly.
type scenario struct {
	coffee, dates  []string // variant ids: a product with three variants, one with one
	soap           string   // English name, tax-exclusive orders
	guest          string   // a guest order with a discount, shipping and tax
	member         string   // a customer's order, tax-exclusive, with shipping
	member2        string   // the same customer, written differently
	partial        string   // refunded in part, with restock
	amountOnly     string   // refunded by an amount only
	shipRefund     string   // one unit returned and restocked, then the shipping refunded on its own
	cancelled      string   // cancelled after it was invoiced
	customerName   string
	customerPhone  string
	refundsPhase2  int
	ordersPhase1   int
	totalsExpected int
}

func buildScenario(h Harness) *scenario {
	sc := &scenario{customerName: "سارة القحطاني", customerPhone: "+966501234567"}
	sc.coffee = h.AddProduct(Product{Title: "قهوة عربية شقراء", Category: "قهوة", Variants: []Variant{
		{Title: "250g", SKU: "CT-COF-250", Barcode: "6281000000011", Price: dec("35.00"), Cost: dec("18.50"), Quantity: 40},
		{Title: "500g", SKU: "CT-COF-500", Barcode: "6281000000028", Price: dec("65.00"), Cost: dec("34.00"), Quantity: 25},
		{Title: "1kg", SKU: "CT-COF-1K", Barcode: "6281000000035", Price: dec("120.00"), Cost: dec("63.00"), Quantity: 12},
	}})
	sc.dates = h.AddProduct(Product{Title: "تمر سكري فاخر", Category: "تمور", Variants: []Variant{
		{SKU: "CT-DAT-1K", Barcode: "6281000000042", Price: dec("49.90"), Cost: dec("30.00"), Quantity: 60},
	}})
	sc.soap = h.AddProduct(Product{Title: "Olive oil soap", Category: "Care", Variants: []Variant{
		{SKU: "CT-SOAP", Price: dec("12.35"), Cost: dec("4.10"), Quantity: 100},
	}})[0]
	h.Advance(minute)
	member := &Customer{Name: sc.customerName, Email: "sara@example.com", Phone: sc.customerPhone}
	sc.guest = h.PlaceOrder(Order{Lines: []OrderLine{{VariantID: sc.coffee[0], Quantity: 2}, {VariantID: sc.dates[0], Quantity: 3}},
		Discount: dec("10.00"), Shipping: dec("25.00")})
	h.Advance(minute)
	sc.member = h.PlaceOrder(Order{Lines: []OrderLine{{VariantID: sc.soap, Quantity: 7}, {VariantID: sc.coffee[2], Quantity: 1}},
		Customer: member, Shipping: dec("15.00"), TaxExclusive: true})
	h.Advance(minute)
	// The same person, her phone written the local way: one client in the books.
	sc.member2 = h.PlaceOrder(Order{Lines: []OrderLine{{VariantID: sc.coffee[1], Quantity: 1}},
		Customer: &Customer{Name: sc.customerName, Phone: "0501234567"}})
	h.Advance(minute)
	sc.partial = h.PlaceOrder(Order{Lines: []OrderLine{{VariantID: sc.coffee[1], Quantity: 3}, {VariantID: sc.dates[0], Quantity: 2}},
		Customer: &Customer{Name: "Omar Haddad", Email: "omar@example.com"}, Shipping: dec("20.00"), Discount: dec("7.77")})
	h.Advance(minute)
	sc.amountOnly = h.PlaceOrder(Order{Lines: []OrderLine{{VariantID: sc.soap, Quantity: 3}}})
	h.Advance(minute)
	sc.cancelled = h.PlaceOrder(Order{Lines: []OrderLine{{VariantID: sc.coffee[0], Quantity: 1}, {VariantID: sc.soap, Quantity: 2}},
		Customer: member, Shipping: dec("10.00")})
	h.Advance(minute)
	sc.shipRefund = h.PlaceOrder(Order{Lines: []OrderLine{{VariantID: sc.dates[0], Quantity: 2}}, Shipping: dec("18.00")})
	h.Advance(minute)
	sc.ordersPhase1 = 7
	return sc
}

func (sc *scenario) phase2(h Harness) {
	h.Refund(sc.partial, Refund{Lines: []RefundLine{{Line: 0, Quantity: 2, Restock: true}}})
	h.Advance(minute)
	h.Refund(sc.amountOnly, Refund{Amount: dec("5.00")})
	h.Advance(minute)
	h.Cancel(sc.cancelled)
	h.Advance(minute)
	// A late delivery: one unit comes back and is restocked, then the shipping is refunded alone.
	h.Refund(sc.shipRefund, Refund{Lines: []RefundLine{{Line: 0, Quantity: 1, Restock: true}}})
	h.Advance(minute)
	h.Refund(sc.shipRefund, Refund{Shipping: true})
	h.Advance(minute)
	sc.refundsPhase2 = 5
}

func testImport(t *testing.T, h Harness, tr *tracker) {
	h.Seed(25, 60, 7)
	h.Advance(minute)
	sc := buildScenario(h)
	b := tr.connect(t, h, "", core.ConnectionInput{})

	first := b.Sync(core.SyncRequest{Trigger: core.TriggerManual})
	t.Logf("first sync: %+v", first.Counts)
	if first.Counts.Errors > 0 {
		t.Errorf("first sync logged %d errors:\n%s", first.Counts.Errors, b.errorLog())
	}
	b.checkAgainstStore(t, h)
	b.checkScenarioPhase1(t, h, sc)

	sc.phase2(h)
	second := b.Sync(core.SyncRequest{Trigger: core.TriggerManual})
	if second.Counts.Errors > 0 {
		t.Errorf("second sync logged %d errors:\n%s", second.Counts.Errors, b.errorLog())
	}
	b.checkAgainstStore(t, h)
	b.checkScenarioPhase2(t, h, sc)

	// Nothing new: nothing changes, and the store is asked as little as possible. A sync re-reads
	// what changed in the few minutes before the last one (a safety overlap), so the store first
	// stays idle past it and one sync passes over it.
	h.Advance(5 * minute)
	b.Sync(core.SyncRequest{Trigger: core.TriggerManual})
	before := b.Dump()
	storeBefore := storeDump(b, h)
	h.Advance(minute)
	req0 := h.Requests()
	idle := b.Sync(core.SyncRequest{Trigger: core.TriggerManual})
	calls := h.Requests() - req0
	if after := b.Dump(); after != before {
		t.Errorf("a sync that found nothing new changed the books:\n%s", diff(before, after))
	}
	if after := storeDump(b, h); after != storeBefore {
		t.Errorf("a sync that found nothing new changed the store:\n%s", diff(storeBefore, after))
	}
	if c := idle.Counts; c.Errors+c.Invoices+c.Returns+c.Clients+c.ProductsCreated+c.ProductsUpdated+c.StoreCreated+c.StoreUpdated+c.StockPushed+c.Adjustments > 0 {
		t.Errorf("idle sync counts %+v, want nothing done", c)
	}
	want := h.Config().IdleRequests
	switch {
	case want > 0 && calls != want:
		t.Errorf("a sync that found nothing new made %d API requests; the minimum is %d", calls, want)
	case want == 0 && calls > 8:
		t.Errorf("a sync that found nothing new made %d API requests", calls)
	}
	t.Logf("idle sync: %d API requests (minimum %d)", calls, want)
}

// checkAgainstStore checks the books against everything the store reports: one local product per
// variant with its quantity, one sales invoice per invoiced order and one return per refund, each
// with the store's total to the cent.
func (b *Books) checkAgainstStore(t *testing.T, h Harness) {
	t.Helper()
	invs, err := b.DB.FullInvoices(ctx, storage.InvoiceFilter{})
	must(t, err)
	sales := map[string][]storage.Invoice{}
	returns := map[string][]storage.Invoice{}
	for _, inv := range invs {
		name := strings.TrimPrefix(inv.Source.OrderName, "#")
		if inv.Type == storage.SalesInvoice {
			sales[name] = append(sales[name], inv)
		} else {
			returns[name] = append(returns[name], inv)
		}
		if sum := inv.Subtotal.Sub(inv.Discount).Add(inv.Shipping).Add(inv.OtherCharges).Add(taxOnTop(inv)); !sum.Equal(inv.Total) {
			t.Errorf("invoice %s: parts add up to %s, total %s", inv.Number, sum, inv.Total)
		}
	}
	var nSales, nReturns int
	for _, o := range h.Orders() {
		name := strings.TrimPrefix(o.Name, "#")
		s := sales[name]
		switch {
		case len(s) == 0 && (o.Cancelled || !o.Paid):
			// never invoiced: cancelled before, or never in a state that creates invoices
			if len(returns[name]) > 0 {
				t.Errorf("order %s has no sales invoice but %d returns", o.Name, len(returns[name]))
			}
			continue
		case !o.Paid && !o.Cancelled:
			t.Errorf("order %s is in a state that is not invoiced, yet has %d invoices", o.Name, len(s))
			continue
		}
		nSales++
		if len(s) != 1 {
			t.Errorf("order %s: %d sales invoices, want 1", o.Name, len(s))
			continue
		}
		if !s[0].Total.Equal(o.Total) {
			t.Errorf("order %s: invoice %s total %s, store total %s (off by %s)", o.Name, s[0].Number, s[0].Total, o.Total, s[0].Total.Sub(o.Total))
		}
		if o.Guest && s[0].ClientID != b.Conn.ClientID {
			t.Errorf("guest order %s went to client %d, not the default client %d", o.Name, s[0].ClientID, b.Conn.ClientID)
		}
		var refunded decimal.Decimal
		var got []string
		for _, r := range returns[name] {
			got = append(got, r.Total.String())
			if r.OriginalID != s[0].ID {
				t.Errorf("return %s of order %s does not reference its sales invoice", r.Number, o.Name)
			}
		}
		var want []string
		for _, r := range o.RefundTotals {
			refunded = refunded.Add(r)
			if r.IsPositive() {
				want = append(want, r.String())
			}
		}
		if o.Cancelled && refunded.LessThan(o.Total) {
			want = append(want, o.Total.Sub(refunded).String())
		}
		nReturns += len(want)
		sort.Strings(got)
		sort.Strings(want)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("order %s: returns with totals [%s], store refunds [%s]", o.Name, strings.Join(got, ","), strings.Join(want, ","))
		}
	}
	var nS, nR int
	for _, inv := range invs {
		if inv.Type == storage.SalesInvoice {
			nS++
		} else {
			nR++
		}
	}
	if nS != nSales || nR != nReturns {
		t.Errorf("books have %d sales and %d return invoices; the store's orders give %d and %d", nS, nR, nSales, nReturns)
	}

	// Units held by open orders that are not invoiced are still on the books' shelves.
	held := map[string]int{}
	for _, o := range h.Orders() {
		if !o.Paid && !o.Cancelled {
			for sku, q := range o.Lines {
				held[sku] += q
			}
		}
	}
	products, err := b.DB.Products(ctx)
	must(t, err)
	var checked int
	for _, p := range products {
		v, ok := h.VariantBySKU(p.Code)
		if !ok {
			continue
		}
		checked++
		if v.Untracked {
			continue // the store keeps no count: the books' stock is their own
		}
		if q := b.Qty(p.Code); !dec(q).Equal(decimal.NewFromInt(int64(v.Quantity + held[p.Code]))) {
			t.Errorf("product %s: %s in the books' warehouse; the store has %d available and %d held by open orders\n%s",
				p.Code, q, v.Quantity, held[p.Code], b.history(p))
		}
		if !p.SalePrice.Equal(v.Price) {
			t.Errorf("product %s: sale price %s, store %s", p.Code, p.SalePrice, v.Price)
		}
		if v.Barcode != "" && p.Barcode != v.Barcode {
			t.Errorf("product %s: barcode %q, store %q", p.Code, p.Barcode, v.Barcode)
		}
	}
	if checked == 0 {
		t.Errorf("no local product matches a store variant")
	}
}

// history is a product's movements and the log entries that name it, for failure messages.
func (b *Books) history(p storage.Product) string {
	var out []string
	moves, err := b.DB.Movements(ctx, p.ID)
	must(b.T, err)
	for _, m := range moves {
		out = append(out, fmt.Sprintf("  move %s %s (%s %s)", m.Kind, m.Quantity, m.SourceType, m.SourceRef))
	}
	entries, err := b.Engine.Log(ctx, core.LogFilter{ConnectionID: b.Conn.ID, Search: p.Code})
	must(b.T, err)
	for _, e := range entries {
		out = append(out, fmt.Sprintf("  log %s %s %s: %s", e.Level, e.Kind, e.StoreRef, e.Message))
	}
	return strings.Join(out, "\n")
}

// taxOnTop is the tax an invoice adds to its lines (none when its prices include tax).
func taxOnTop(inv storage.Invoice) decimal.Decimal {
	if inv.TaxInclusive {
		return decimal.Zero
	}
	return inv.Tax
}

func (b *Books) checkScenarioPhase1(t *testing.T, h Harness, sc *scenario) {
	t.Helper()
	// Arabic names and categories arrive intact; every variant is its own product.
	for i, id := range sc.coffee {
		v, ok := h.Variant(id)
		if !ok {
			t.Fatalf("variant %s is gone from the store", id)
		}
		p := b.Product(v.SKU)
		if !strings.Contains(p.Name, "قهوة عربية شقراء") || p.Category != "قهوة" {
			t.Errorf("variant %d: local product %q in %q", i, p.Name, p.Category)
		}
	}
	if p := b.Product("CT-COF-250"); !p.PurchasePrice.Equal(dec("18.50")) {
		t.Errorf("purchase price %s, want the store's cost 18.50", p.PurchasePrice)
	}
	inv := b.invoiceOf(sc.guest, storage.SalesInvoice)
	if inv.ClientID != b.Conn.ClientID {
		t.Errorf("guest order: client %d, want the default %d", inv.ClientID, b.Conn.ClientID)
	}
	if !inv.Discount.IsPositive() && !lineDiscounts(inv).IsPositive() {
		t.Errorf("guest order: no discount carried")
	}
	// The shipping with its tax is what the shopper paid for it, whether the invoice's prices
	// include tax or not: a platform that cannot say whether an order's prices include VAT
	// (Salla) books it before VAT with the VAT on top, and a platform whose shipping is always
	// priced before VAT (WooCommerce) charges its VAT on top of the 25.00.
	if paid, want := shippingPaid(inv), storeOrder(h, sc.guest).Shipping; !want.IsPositive() || !paid.Equal(want) || !inv.Tax.IsPositive() {
		t.Errorf("guest order: shipping %s with its tax (inclusive=%v, shipping %s), tax %s; the shopper paid %s",
			paid, inv.TaxInclusive, inv.Shipping, inv.Tax, want)
	}
	m := b.invoiceOf(sc.member, storage.SalesInvoice)
	m2 := b.invoiceOf(sc.member2, storage.SalesInvoice)
	if m.ClientID != m2.ClientID || m.ClientID == b.Conn.ClientID {
		t.Errorf("one customer became clients %d and %d", m.ClientID, m2.ClientID)
	}
	if m.Client.Name != sc.customerName || m.Client.PhoneE164 != sc.customerPhone {
		t.Errorf("client %q %q, want %q %q", m.Client.Name, m.Client.PhoneE164, sc.customerName, sc.customerPhone)
	}
	if m.TaxInclusive || !m.Tax.IsPositive() {
		t.Errorf("tax-exclusive order: inclusive=%v tax %s", m.TaxInclusive, m.Tax)
	}
}

func (b *Books) checkScenarioPhase2(t *testing.T, h Harness, sc *scenario) {
	t.Helper()
	r := b.invoiceOf(sc.partial, storage.ReturnInvoice)
	var restocked int
	for _, l := range r.Lines {
		if l.Restock && l.ProductCode == "CT-COF-500" && l.Quantity.Equal(decimal.NewFromInt(2)) {
			restocked++
		}
	}
	if restocked != 1 {
		t.Errorf("partial refund: return lines %+v, want 2 × CT-COF-500 restocked", r.Lines)
	}
	a := b.invoiceOf(sc.amountOnly, storage.ReturnInvoice)
	if !a.Total.Equal(dec("5.00")) {
		t.Errorf("amount-only refund: return total %s, want 5.00", a.Total)
	}
	for _, l := range a.Lines {
		if l.Restock {
			t.Errorf("amount-only refund restocked %s × %s", l.Quantity, l.ProductCode)
		}
	}
	c := b.invoiceOf(sc.cancelled, storage.ReturnInvoice)
	s := b.invoiceOf(sc.cancelled, storage.SalesInvoice)
	if !c.Total.Equal(s.Total) {
		t.Errorf("cancellation: return total %s, sales total %s", c.Total, s.Total)
	}
	b.checkShippingRefund(t, h, sc)
}

// checkShippingRefund: an item refund and then a shipping-only refund are one sales invoice and
// two returns linked to it that add up to the store's refunds to the cent; the shipping return
// carries the shipping with its VAT and no line, and the stock moved once (the restocked unit).
func (b *Books) checkShippingRefund(t *testing.T, h Harness, sc *scenario) {
	t.Helper()
	sale := b.invoiceOf(sc.shipRefund, storage.SalesInvoice)
	invs, err := b.DB.FullInvoices(ctx, storage.InvoiceFilter{Type: storage.ReturnInvoice})
	must(t, err)
	var returns []storage.Invoice
	numbers := map[string]bool{}
	got := decimal.Zero
	for _, inv := range invs {
		if strings.TrimPrefix(inv.Source.OrderName, "#") == strings.TrimPrefix(sc.shipRefund, "#") {
			returns = append(returns, inv)
			numbers[inv.Number] = true
			got = got.Add(inv.Total)
			if inv.OriginalID != sale.ID {
				t.Errorf("shipping refund: return %s is not linked to %s", inv.Number, sale.Number)
			}
		}
	}
	want := decimal.Zero
	for _, o := range h.Orders() {
		if strings.TrimPrefix(o.Name, "#") == strings.TrimPrefix(sc.shipRefund, "#") {
			for _, r := range o.RefundTotals {
				want = want.Add(r)
			}
		}
	}
	if len(returns) != 2 || !got.Equal(want) {
		t.Fatalf("item and shipping refunds: %d returns adding up to %s; want 2 adding up to the store's refunds, %s\n%s", len(returns), got, want, b.errorLog())
	}
	var shipOnly int
	for _, r := range returns {
		if len(r.Lines) == 0 && r.Shipping.IsPositive() && r.Tax.IsPositive() {
			shipOnly++
		}
	}
	if shipOnly != 1 {
		t.Errorf("no return of the shipping alone (with its VAT): %+v", returns)
	}
	moves, err := b.DB.Movements(ctx, b.Product("CT-DAT-1K").ID)
	must(t, err)
	back := decimal.Zero
	for _, m := range moves {
		if m.SourceType == "return_invoice" && numbers[m.SourceRef] {
			back = back.Add(m.Quantity)
		}
	}
	if !back.Equal(decimal.NewFromInt(1)) {
		t.Errorf("the returns of %s moved %s units back into stock, want 1", sc.shipRefund, back)
	}
}

// storeOrder is the store's report of one order.
func storeOrder(h Harness, name string) OrderTotals {
	for _, o := range h.Orders() {
		if strings.TrimPrefix(o.Name, "#") == strings.TrimPrefix(name, "#") {
			return o
		}
	}
	return OrderTotals{}
}

// shippingPaid is what an invoice charges for shipping with the shipping's tax, whether its
// prices include tax or not.
func shippingPaid(inv storage.Invoice) decimal.Decimal {
	var paid decimal.Decimal
	for _, c := range inv.Charges {
		if c.Kind != storage.ChargeShipping {
			continue
		}
		paid = paid.Add(c.Amount)
		if !inv.TaxInclusive {
			paid = paid.Add(c.Tax)
		}
	}
	return paid
}

func lineDiscounts(inv storage.Invoice) decimal.Decimal {
	var d decimal.Decimal
	for _, l := range inv.Lines {
		d = d.Add(l.Discount)
	}
	return d
}

// invoiceOf is the one invoice of a type made from a store order.
func (b *Books) invoiceOf(orderName string, typ storage.InvoiceType) storage.Invoice {
	b.T.Helper()
	invs, err := b.DB.FullInvoices(ctx, storage.InvoiceFilter{Type: typ})
	must(b.T, err)
	var found []storage.Invoice
	for _, inv := range invs {
		if strings.TrimPrefix(inv.Source.OrderName, "#") == strings.TrimPrefix(orderName, "#") {
			found = append(found, inv)
		}
	}
	if len(found) != 1 {
		b.T.Fatalf("order %s: %d %s invoices, want 1\n%s", orderName, len(found), typ, b.errorLog())
	}
	return found[0]
}

// errorLog is the engine's error and warning entries, for failure messages.
func (b *Books) errorLog() string {
	entries, err := b.Engine.Log(ctx, core.LogFilter{ConnectionID: b.Conn.ID})
	if err != nil {
		return err.Error()
	}
	var out []string
	for _, e := range entries {
		if e.Level == core.Error || e.Level == core.Warning {
			out = append(out, fmt.Sprintf("  %s %s %s: %s", e.Level, e.Kind, e.StoreRef, e.Message))
		}
	}
	return strings.Join(out, "\n")
}

// storeDump is the store's side of every local product: quantity, price, name.
func storeDump(b *Books, h Harness) string {
	products, err := b.DB.Products(ctx)
	must(b.T, err)
	var out strings.Builder
	for _, p := range products {
		if v, ok := h.VariantBySKU(p.Code); ok {
			fmt.Fprintf(&out, "%s|%s|%s|%d\n", v.SKU, v.Name, v.Price, v.Quantity)
		}
	}
	return out.String()
}

// diff shows the lines that differ between two dumps.
func diff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	in := func(l []string) map[string]bool {
		m := map[string]bool{}
		for _, s := range l {
			m[s] = true
		}
		return m
	}
	am, bm := in(al), in(bl)
	var out []string
	for _, s := range al {
		if !bm[s] {
			out = append(out, "- "+s)
		}
	}
	for _, s := range bl {
		if !am[s] {
			out = append(out, "+ "+s)
		}
	}
	if len(out) > 40 {
		out = append(out[:40], fmt.Sprintf("… %d more", len(out)-40))
	}
	return strings.Join(out, "\n")
}

const minute = time.Minute

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }
