package storage

import (
	"database/sql"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
)

// likeSearch is the invoice search as it was before the search indexes: LIKE over every invoice's
// number, client name and store order name, newest first. The indexed search must find the same.
func likeSearch(t testing.TB, db *DB, text string) []string {
	t.Helper()
	like := "%" + escapeLike(strings.TrimSpace(text)) + "%"
	rows, err := db.SQL().Query(`SELECT i.number FROM invoices i JOIN clients c ON c.id = i.client_id
		WHERE i.number LIKE ? ESCAPE '\' OR c.name LIKE ? ESCAPE '\' OR i.source_order_name LIKE ? ESCAPE '\'
		ORDER BY i.issue_date DESC, i.id DESC`, like, like, like)
	must(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		must(t, rows.Scan(&n))
		out = append(out, n)
	}
	must(t, rows.Err())
	return out
}

// searched runs the search as the invoice window and the command line do: the count, every match,
// and the first page; it fails the test when they disagree.
func searched(t testing.TB, db *DB, text string) []string {
	t.Helper()
	f := InvoiceFilter{Search: text}
	all, err := db.Invoices(ctx, f)
	must(t, err)
	n, err := db.CountInvoices(ctx, f)
	must(t, err)
	var out []string
	for _, inv := range all {
		out = append(out, inv.Number)
	}
	if n != len(out) {
		t.Fatalf("search %q: %d counted, %d listed", text, n, len(out))
	}
	f.Limit = 2
	page, err := db.Invoices(ctx, f)
	must(t, err)
	for i, inv := range page {
		if inv.Number != out[i] || inv.Client.Name == "" || inv.BranchName == "" {
			t.Fatalf("search %q: page row %d is %s (client %q), want %s", text, i, inv.Number, inv.Client.Name, out[i])
		}
	}
	if len(page) != min(2, len(out)) {
		t.Fatalf("search %q: a page of %d, want %d", text, len(page), min(2, len(out)))
	}
	return out
}

// searchBooks issues five sales and a return to clients with Arabic, Latin and odd names, then
// renames one client.
func searchBooks(t *testing.T) *fixture {
	f := newFixture(t)
	sales := []struct{ client, order string }{
		{"أمل الحربي", "#1001"},
		{"محمد العتيبي", "#1002"},
		{"John SMITH", "WC-5001"},
		{"Nora_100%", ""},
		{"Émile Zola", "#2001"},
	}
	var first Invoice
	for i, s := range sales {
		var c Client
		must(t, f.db.Update(ctx, func(tx *Tx) error {
			var err error
			c, err = tx.CreateClient(Client{Name: s.client})
			return err
		}))
		inv := f.sale(InvoiceLine{ProductID: f.coffee.ID, Quantity: d("1"), UnitPrice: d("32")})
		inv.ClientID = c.ID
		inv.IssueDate = inv.IssueDate.AddDate(0, 0, i)
		if s.order != "" {
			inv.Source = Source{Connection: "Store", Platform: "shopify", ExternalID: fmt.Sprint(i), OrderName: s.order}
		}
		out := f.issue(t, inv)
		if i == 0 {
			first = out
		}
	}
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		_, err := tx.IssueReturnInvoice(Invoice{OriginalID: first.ID, IssueDate: first.IssueDate.AddDate(0, 0, 10),
			Source: Source{Connection: "Store", Platform: "shopify", ExternalID: "r1", OrderName: "#1001"},
			Lines:  []InvoiceLine{{ProductID: f.coffee.ID, Quantity: d("1"), UnitPrice: d("32")}}})
		return err
	}))
	clients, err := f.db.SearchClients(ctx, "محمد العتيبي", 0)
	must(t, err)
	if len(clients) != 1 {
		t.Fatalf("%d clients named محمد العتيبي", len(clients))
	}
	renamed := clients[0]
	renamed.Name = "محمد القحطاني"
	must(t, f.db.Update(ctx, func(tx *Tx) error { _, err := tx.UpdateClient(renamed); return err }))
	return f
}

func TestInvoiceSearch(t *testing.T) {
	f := searchBooks(t)
	const (
		inv1, inv2, inv3, inv4, inv5 = "MAIN-INV-000001", "MAIN-INV-000002", "MAIN-INV-000003", "MAIN-INV-000004", "MAIN-INV-000005"
		ret1                         = "MAIN-RET-000001"
	)
	allSales := []string{inv5, inv4, inv3, inv2, inv1}
	tests := []struct {
		name, q string
		want    []string // newest first
	}{
		{"arabic family name, part", "الحرب", []string{ret1, inv1}},
		{"arabic, three letters", "حرب", []string{ret1, inv1}},
		{"arabic, two letters", "أم", []string{ret1, inv1}},
		{"arabic, whole name", "أمل الحربي", []string{ret1, inv1}},
		{"renamed client, new name", "القحطاني", []string{inv2}},
		{"renamed client, old name", "العتيبي", nil},
		{"renamed client, the name kept", "محمد", []string{inv2}},
		{"latin, lower case", "smith", []string{inv3}},
		{"latin, mixed case", "SmItH", []string{inv3}},
		{"latin, with a space", "john s", []string{inv3}},
		{"latin accented, as written", "Émile", []string{inv5}},
		{"latin accented, other case (LIKE folds ASCII only)", "émile", nil},
		{"order number without its #", "1001", []string{ret1, inv1}},
		{"order name", "#1002", []string{inv2}},
		{"order name part", "#100", []string{ret1, inv2, inv1}},
		{"order name, two characters", "#1", []string{ret1, inv2, inv1}},
		{"woocommerce order, lower case", "wc-5", []string{inv3}},
		{"whole number", inv5, []string{inv5}},
		{"number without its prefix", "000003", []string{inv3}},
		{"number part, lower case", "inv-00000", allSales},
		{"return number", "RET-000001", []string{ret1}},
		{"returns", "ret", []string{ret1}},
		{"surrounding spaces", "  smith ", []string{inv3}},
		{"underscore is literal", "_10", []string{inv4}},
		{"percent is literal", "100%", []string{inv4}},
		{"percent alone", "%", []string{inv4}},
		{"quote", `"`, nil},
		{"quoted text", `"#1001"`, nil},
		{"fts syntax is literal", "smi*", nil},
		{"fts operator is literal", "#1001 OR #1002", nil},
		{"no match", "zzqx", nil},
		{"one character", "z", []string{inv5}},
		{"not UTF-8", "Zol\xff", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := searched(t, f.db, tc.q)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("search %q found %v, want %v", tc.q, got, tc.want)
			}
			if before := likeSearch(t, f.db, tc.q); !slices.Equal(got, before) {
				t.Fatalf("search %q found %v, the search before the indexes %v", tc.q, got, before)
			}
		})
	}
	// The earlier filters still apply beside a search.
	f2 := InvoiceFilter{Search: "#100", Type: ReturnInvoice}
	if n, err := f.db.CountInvoices(ctx, f2); err != nil || n != 1 {
		t.Fatalf("returns found by #100: %d, %v", n, err)
	}
}

// TestInvoiceSearchUsesIndexes: a search of three characters or more reads the search indexes, not
// every invoice.
func TestInvoiceSearchUsesIndexes(t *testing.T) {
	f := searchBooks(t)
	for _, q := range []string{"الحرب", "smith", "#1001", "MAIN-INV-000001"} {
		filter := InvoiceFilter{Search: q}
		where, args := filter.where()
		for _, sq := range []string{`SELECT COUNT(*)` + filter.selectFrom() + where,
			`SELECT i.id` + filter.selectFrom() + where + ` ORDER BY i.issue_date DESC, i.id DESC LIMIT 200`} {
			plan := queryPlan(t, f.db.SQL(), sq, args...)
			if !strings.Contains(plan, "invoice_search") || !strings.Contains(plan, "client_search") ||
				strings.Contains(plan, "SCAN i\n") || strings.Contains(plan, "SCAN i USING") {
				t.Fatalf("search %q reads every invoice:\n%s", q, plan)
			}
		}
	}
}

func queryPlan(t testing.TB, db *sql.DB, q string, args ...any) string {
	t.Helper()
	rows, err := db.Query(`EXPLAIN QUERY PLAN `+q, args...)
	must(t, err)
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		must(t, rows.Scan(&id, &parent, &unused, &detail))
		b.WriteString(detail + "\n")
	}
	must(t, rows.Err())
	return b.String()
}

// TestInvoiceSearchMigration: books written before the search indexes have every invoice and client
// indexed by the migration, and invoices issued and clients renamed afterwards are found too.
func TestInvoiceSearchMigration(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(ctx, dir, Options{schemaVersion: 9})
	must(t, err)
	f := &fixture{db: db, branch: 1, warehouse: 1, client: 1}
	var amal Client
	must(t, db.Update(ctx, func(tx *Tx) error {
		var err error
		if amal, err = tx.CreateClient(Client{Name: "أمل الحربي"}); err != nil {
			return err
		}
		inv := f.sale(InvoiceLine{Description: "Gift wrap", Quantity: d("1"), UnitPrice: d("10")})
		inv.ClientID = amal.ID
		inv.Source = Source{Connection: "Store", Platform: "shopify", ExternalID: "1", OrderName: "#1001"}
		_, err = tx.IssueSalesInvoice(inv)
		return err
	}))
	if schemaHas(t, db, "table", "invoice_search") {
		t.Fatal("books at schema version 9 have the search indexes")
	}
	must(t, db.Close())

	db, err = Open(ctx, dir, Options{})
	must(t, err)
	defer db.Close()
	f.db = db
	for _, q := range []string{"الحرب", "#1001", "INV-000001", "walk-in"} {
		want := 1
		if q == "walk-in" {
			want = 0
		}
		if got := searched(t, db, q); len(got) != want {
			t.Fatalf("after the migration, %q found %v", q, got)
		}
	}
	f.issue(t, f.sale(InvoiceLine{Description: "Gift wrap", Quantity: d("1"), UnitPrice: d("10")}))
	amal.Name = "أمل الشمري"
	must(t, db.Update(ctx, func(tx *Tx) error { _, err := tx.UpdateClient(amal); return err }))
	for q, want := range map[string]int{"INV-000002": 1, "walk-in": 1, "الشمري": 1, "الحرب": 0, "#1001": 1} {
		if got := searched(t, db, q); len(got) != want {
			t.Fatalf("%q found %v, want %d", q, got, want)
		}
	}
	var fts int
	must(t, db.SQL().QueryRow(`SELECT count(*) FROM pragma_compile_options WHERE compile_options = 'ENABLE_FTS5'`).Scan(&fts))
	if fts != 1 {
		t.Fatal("SQLite is built without FTS5")
	}
}

// TestInvoiceSearchRandom compares the indexed search with the search before it on random books and
// random texts: parts of the names, numbers and order names with their case changed, and texts made
// of the same letters.
func TestInvoiceSearchRandom(t *testing.T) {
	f := newFixture(t)
	rng := rand.New(rand.NewSource(20261203))
	letters := []rune("abcABCxyz أبتحرملي_%\"*#-0123")
	word := func(n int) string {
		r := make([]rune, n)
		for i := range r {
			r[i] = letters[rng.Intn(len(letters))]
		}
		return string(r)
	}
	var texts []string
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		var clients []Client
		for i := 0; i < 20; i++ {
			c, err := tx.CreateClient(Client{Name: word(3 + rng.Intn(8))})
			if err != nil {
				return err
			}
			clients = append(clients, c)
			texts = append(texts, c.Name)
		}
		for i := 0; i < 60; i++ {
			inv := f.sale(InvoiceLine{Description: "x", Quantity: d("1"), UnitPrice: d("1")})
			inv.ClientID = clients[rng.Intn(len(clients))].ID
			if rng.Intn(3) > 0 {
				inv.Source = Source{Connection: "S", Platform: "shopify", ExternalID: fmt.Sprint(i), OrderName: word(2 + rng.Intn(6))}
				texts = append(texts, inv.Source.OrderName)
			}
			out, err := tx.IssueSalesInvoice(inv)
			if err != nil {
				return err
			}
			texts = append(texts, out.Number)
		}
		return nil
	}))
	for i := 0; i < 400; i++ {
		var q string
		if i%4 == 0 {
			q = word(1 + rng.Intn(5))
		} else {
			r := []rune(texts[rng.Intn(len(texts))])
			from := rng.Intn(len(r))
			q = string(r[from : from+1+rng.Intn(len(r)-from)])
			if rng.Intn(2) == 0 {
				q = strings.ToUpper(q)
			}
		}
		if got, before := searched(t, f.db, q), likeSearch(t, f.db, q); !slices.Equal(got, before) {
			t.Fatalf("search %q found %v, the search before the indexes %v", q, got, before)
		}
	}
}

// TestShortSearchReadsNarrowIndex: a search of one or two characters, which the trigram indexes
// cannot find, reads the narrow search index in the list's order rather than the invoices' rows.
func TestShortSearchReadsNarrowIndex(t *testing.T) {
	f := searchBooks(t)
	for _, q := range []string{"#", "10", "أم", "z"} {
		filter := InvoiceFilter{Search: q}
		where, args := filter.where()
		for _, sq := range []string{`SELECT COUNT(*)` + filter.selectFrom() + where,
			`SELECT i.id` + filter.selectFrom() + where + ` ORDER BY i.issue_date DESC, i.id DESC LIMIT 200`} {
			plan := queryPlan(t, f.db.SQL(), sq, args...)
			if !strings.Contains(plan, "USING COVERING INDEX invoices_search_scan") || strings.Contains(plan, "TEMP B-TREE") {
				t.Fatalf("search %q does not read the narrow index in order:\n%s", q, plan)
			}
		}
	}
}

// TestInvoicePage: the page and count InvoicePage gives equal a separate count and page, whether
// the page is full, short, empty or past the end, and whether the count took one pass or two.
func TestInvoicePage(t *testing.T) {
	f := searchBooks(t)
	for _, scan := range []int{2000, 3, 1} {
		pageScan = scan
		t.Run(fmt.Sprint("scan", scan), func(t *testing.T) { testInvoicePage(t, f) })
	}
	pageScan = 2000
	if _, _, err := f.db.InvoicePage(ctx, InvoiceFilter{}, 0); err == nil {
		t.Fatal("a page of 0 invoices was read")
	}
}

func testInvoicePage(t *testing.T, f *fixture) {
	for _, tc := range []struct {
		search        string
		limit, offset int
	}{
		{"", 2, 0}, {"", 100, 0}, {"", 2, 4}, {"", 2, 6}, {"", 2, 50},
		{"#", 1, 0}, {"#", 10, 0}, {"#1001", 10, 0}, {"zzz", 10, 0}, {"zzz", 10, 3},
		{"ال", 1, 1}, {"ال", 5, 0}, {"smith", 200, 0},
	} {
		t.Run(fmt.Sprintf("%q/%d/%d", tc.search, tc.limit, tc.offset), func(t *testing.T) {
			filter := InvoiceFilter{Search: tc.search, Offset: tc.offset}
			rows, n, err := f.db.InvoicePage(ctx, filter, tc.limit)
			must(t, err)
			want, err := f.db.CountInvoices(ctx, filter)
			must(t, err)
			filter.Limit = tc.limit
			page, err := f.db.Invoices(ctx, filter)
			must(t, err)
			if n != want || len(rows) != len(page) {
				t.Fatalf("InvoicePage: %d rows of %d; separately: %d rows of %d", len(rows), n, len(page), want)
			}
			for i := range rows {
				if rows[i].ID != page[i].ID || rows[i].Client.Name != page[i].Client.Name || !rows[i].Total.Equal(page[i].Total) {
					t.Fatalf("row %d: %+v, separately %+v", i, rows[i], page[i])
				}
			}
		})
	}
}

func schemaHas(t testing.TB, db *DB, kind, name string) bool {
	t.Helper()
	var n int
	must(t, db.SQL().QueryRow(`SELECT count(*) FROM sqlite_schema WHERE type = ? AND name = ?`, kind, name).Scan(&n))
	return n == 1
}

// searchSegments counts the segments of the invoices' full-text index: each time the index writes
// what it holds in memory to disk it adds one (SQLite's FTS5 keeps a segment's pages in its data
// table under rowids whose bits from the 37th up are the segment's id), and merges some later.
func searchSegments(t testing.TB, db *DB) int {
	t.Helper()
	var n int
	must(t, db.SQL().QueryRow(`SELECT count(DISTINCT rowid >> 37) FROM invoice_search_data WHERE rowid >= (1 << 37)`).Scan(&n))
	return n
}

// checkSearchEntries fails the test unless the invoices' search index holds exactly one entry for
// each invoice, as the invoice is: FTS5's integrity check with rank 1 compares the index with the
// invoices' rows, and the index keeps one size row per entry.
func checkSearchEntries(t testing.TB, db *DB) {
	t.Helper()
	if _, err := db.SQL().Exec(`INSERT INTO invoice_search(invoice_search, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Fatalf("the search index does not match the invoices: %v", err)
	}
	if entries, invoices := count(t, db, "invoice_search_docsize"), count(t, db, "invoices"); entries != invoices {
		t.Fatalf("%d search entries for %d invoices", entries, invoices)
	}
}

// TestSearchEntriesWrittenAtCommit: a transaction that writes many invoices, each in a savepoint
// of its own as a page of orders does, writes their search entries once, when it commits: the
// index gains one segment, not one per savepoint. An invoice whose savepoint is undone gets no
// entry (its id goes to the next invoice, which gets its own); a transaction that fails writes none.
func TestSearchEntriesWrittenAtCommit(t *testing.T) {
	f := newFixture(t)
	f.issue(t, f.sale(InvoiceLine{ProductID: f.coffee.ID, Quantity: d("1"), UnitPrice: d("32")}))
	segments := searchSegments(t, f.db)
	errRefused := fmt.Errorf("refused")
	var undone []int64
	var first Invoice
	kept := 0
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		for i := range 60 {
			err := tx.Savepoint(func() error {
				inv := f.sale(InvoiceLine{ProductID: f.coffee.ID, Quantity: d("1"), UnitPrice: d("32")})
				inv.Source = Source{Connection: "Store", Platform: "woocommerce", ExternalID: fmt.Sprint(i), OrderName: fmt.Sprintf("WC-%04d", i)}
				out, err := tx.IssueSalesInvoice(inv)
				if err != nil {
					return err
				}
				if i == 0 {
					first = out
				}
				if i%7 == 3 {
					undone = append(undone, out.ID)
					return errRefused
				}
				if i%10 == 5 {
					_, err = tx.IssueReturnInvoice(Invoice{OriginalID: first.ID, Source: Source{Connection: "Store",
						Platform: "woocommerce", ExternalID: fmt.Sprint("r", i), OrderName: "WC-0000"},
						Lines: []InvoiceLine{{ProductID: f.coffee.ID, Quantity: d("0.1"), UnitPrice: d("32")}}})
					kept++
				}
				kept++
				return err
			})
			if err != nil && err != errRefused {
				return err
			}
		}
		return nil
	}))
	if got := searchSegments(t, f.db); got != segments+1 {
		t.Fatalf("a transaction of 60 savepoints took the search index from %d segments to %d, want %d", segments, got, segments+1)
	}
	checkSearchEntries(t, f.db)
	if len(undone) == 0 || count(t, f.db, "invoices") != 1+kept {
		t.Fatalf("%d invoices, %d undone", count(t, f.db, "invoices"), len(undone))
	}
	for _, q := range []string{"WC-0003", "WC-0004", "WC-00", "INV-000004", "INV-0000", "RET-000001", "MAIN-RET", "wc-001", "Walk-in"} {
		if got, before := searched(t, f.db, q), likeSearch(t, f.db, q); !slices.Equal(got, before) || (q != "WC-0003" && len(got) == 0) {
			t.Fatalf("search %q found %v, LIKE over every invoice %v", q, got, before)
		}
	}

	invoices := count(t, f.db, "invoices")
	err := f.db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.IssueSalesInvoice(f.sale(InvoiceLine{ProductID: f.coffee.ID, Quantity: d("1"), UnitPrice: d("32")})); err != nil {
			return err
		}
		return errRefused
	})
	if err != errRefused || count(t, f.db, "invoices") != invoices {
		t.Fatalf("the failed transaction: %v, %d invoices (want %d)", err, count(t, f.db, "invoices"), invoices)
	}
	checkSearchEntries(t, f.db)
}

// TestSearchAtCommitMigration: books whose invoices' search entries a trigger wrote (schema 13)
// keep them, no invoice gets two, and invoices issued after the upgrade are found as before.
func TestSearchAtCommitMigration(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(ctx, dir, Options{schemaVersion: 13})
	must(t, err)
	f := &fixture{db: db, branch: 1, warehouse: 1, client: 1}
	issueMany := func(prefix string) {
		must(t, f.db.Update(ctx, func(tx *Tx) error {
			for i := range 20 {
				err := tx.Savepoint(func() error {
					inv := f.sale(InvoiceLine{Description: "Gift wrap", Quantity: d("1"), UnitPrice: d("10")})
					inv.Source = Source{Connection: "Store", Platform: "zid", ExternalID: fmt.Sprint(prefix, i), OrderName: fmt.Sprintf("%s%03d", prefix, i)}
					_, err := tx.IssueSalesInvoice(inv)
					return err
				})
				if err != nil {
					return err
				}
			}
			return nil
		}))
	}
	issueMany("قديم-")
	if !schemaHas(t, db, "trigger", "invoice_search_insert") {
		t.Fatal("books at schema version 13 have no search trigger")
	}
	checkSearchEntries(t, db)
	must(t, db.Close())

	db, err = Open(ctx, dir, Options{})
	must(t, err)
	defer db.Close()
	f.db = db
	if schemaHas(t, db, "trigger", "invoice_search_insert") {
		t.Fatal("the search trigger is still there after the upgrade")
	}
	checkSearchEntries(t, db)
	issueMany("NEW-")
	checkSearchEntries(t, db)
	for q, want := range map[string]int{"قديم-0": 20, "قديم-01": 10, "NEW-0": 20, "new-019": 1, "INV-0000": 40, "INV-000040": 1, "Walk-in": 40} {
		got, before := searched(t, db, q), likeSearch(t, db, q)
		if !slices.Equal(got, before) || len(got) != want {
			t.Fatalf("search %q found %d (%v), want %d (LIKE over every invoice %v)", q, len(got), got, want, before)
		}
	}
}
