package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/storage"
)

// A product of the books that waits for the next sync, or that a store refused, says so in the
// window's language: the failure is its sync log sentence, around the store's own words.
func TestProductStoreStateInArabic(t *testing.T) {
	inLanguage(t, "ar")
	e := memoryEnv(t, Deps{})
	m := e.m
	c := e.connect(t, "متجري", true)
	var p storage.Product
	if err := e.db.Update(context.Background(), func(tx *storage.Tx) error {
		var err error
		p, err = tx.CreateProduct(storage.Product{Code: "OUD-12", Name: "عود كمبودي", SalePrice: decimal.NewFromInt(150)})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	links := func() string {
		t.Helper()
		test.Tap(m.Nav[ScreenProducts])
		m.Idle()
		m.Products.SelectProduct(p.ID)
		m.Idle()
		return m.Products.Links.Text
	}
	own := []string{"OUD", "HTTP", "sku", "taken"}
	got := links()
	if !strings.Contains(got, "بانتظار المزامنة") || !hasArabic(strings.TrimPrefix(got, "متجري")) {
		t.Errorf("before the sync: %q", got)
	}
	if left := englishLeft(got, own); len(left) > 0 {
		t.Errorf("before the sync %q keeps English %q", got, left)
	}

	e.mem.FailNext("CreateProduct", errors.New("HTTP 422: sku taken"))
	if !m.StartSync(c, core.SyncRequest{Trigger: core.TriggerManual}) {
		t.Fatal("the sync did not start")
	}
	m.Idle()
	got = links()
	if !strings.Contains(got, "فشل") || !strings.Contains(got, "إنشاء") || !strings.Contains(got, "taken") {
		t.Errorf("after the failed creation: %q", got)
	}
	if left := englishLeft(got, own); len(left) > 0 {
		t.Errorf("after the failed creation %q keeps English %q", got, left)
	}
}

// The note Mizan writes on the inbound requisition a sync records for a store's quantity reads
// in Arabic in the list of stock documents and in the document's title, around the store's and
// the books' own words.
func TestEngineDocumentNoteInArabic(t *testing.T) {
	inLanguage(t, "ar")
	e := memoryEnv(t, Deps{})
	m := e.m
	c := e.connect(t, "متجري", false)
	e.mem.AddProduct(core.StoreProduct{Name: "Green tea", SKU: "TEA-100", SalePrice: decimal.NewFromInt(12), Quantity: decimal.NewFromInt(40), TracksStock: true})
	if !m.StartSync(c, core.SyncRequest{Trigger: core.TriggerManual}) {
		t.Fatal("the sync did not start")
	}
	m.Idle()
	test.Tap(m.Nav[ScreenStock])
	m.Idle()
	row := -1
	for i, d := range m.Stock.docs {
		if d.Kind == storage.DocInbound {
			row = i
		}
	}
	if row < 0 {
		t.Fatalf("no inbound requisition is listed: %+v", m.Stock.docs)
	}
	doc := m.Stock.docs[row]
	if doc.Note != "Store quantity of TEA-100 on متجري" {
		t.Fatalf("the requisition's note (its English, for the command line and exports): %q", doc.Note)
	}
	own := []string{"TEA-100", doc.Warehouse} // the books' own words (the seeded warehouse's name)
	note := docNote(doc)
	if !strings.Contains(note, "كمية") || !strings.Contains(note, "TEA-100") || len(englishLeft(note, own)) > 0 {
		t.Errorf("the note listed reads %q", note)
	}
	mustShow(t, m.Stock.Table, visual(note))
	m.Stock.Table.Select(widget.TableCellID{Row: row, Col: 0})
	m.Idle()
	if title := m.Stock.DocTitle.Text; !strings.Contains(title, "كمية") || len(englishLeft(title, append(own, doc.Number))) > 0 {
		t.Errorf("the document's title reads %q", title)
	}
	// Printed with its note in Arabic; exported with its English, as the CSV's columns are.
	if pdf, err := m.Stock.PDF(context.Background(), m.Stock.selected); err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Errorf("the PDF: %v", err)
	}
	var csv bytes.Buffer
	if err := m.Stock.ExportSelected(&csv); err != nil || !strings.Contains(csv.String(), doc.Note) {
		t.Errorf("the CSV (%v):\n%s", err, csv.String())
	}
}

// A refusal of the books reads in the window's language, around the merchant's own words, and the
// product form still names the field: a duplicate code, a negative price, and goods issued beyond
// what a warehouse holds.
func TestRefusalsInArabic(t *testing.T) {
	inLanguage(t, "ar")
	m, db := openApp(t, seededDir(t, 5))
	products, err := db.ActiveProducts(context.Background())
	if err != nil || len(products) == 0 {
		t.Fatal(err)
	}
	taken := products[0]
	own := []string{taken.Code, taken.Name, "NEW-1"}

	test.Tap(m.Nav[ScreenProducts])
	test.Tap(m.Products.New)
	m.Idle()
	f := m.Products.Form
	test.Type(f.Name, "عود جديد")
	test.Type(f.Code, taken.Code)
	test.Tap(f.Save)
	m.Idle()
	got := f.Problem.Text
	want := fmt.Sprintf("الرمز (SKU): رمز المنتج %q مستخدم للمنتج %q", taken.Code, taken.Name)
	if m.Products.Form == nil || !f.Problem.Visible() || got != visual(want) {
		t.Fatalf("a duplicate code: %q, want %q in reading order", got, want)
	}
	f.Code.SetText("")
	test.Type(f.Code, "NEW-1")
	f.SalePrice.SetText("")
	test.Type(f.SalePrice, "-5")
	test.Tap(f.Save)
	m.Idle()
	got = f.Problem.Text
	if want := "سعر البيع: المنتج \"NEW-1\": سعر البيع -5 سالب"; got != visual(want) {
		t.Fatalf("a negative price: %q, want %q in reading order", got, want)
	}
	test.Tap(f.Cancel)
	m.Idle()

	level, _ := db.StockLevel(context.Background(), taken.ID, 1)
	test.Tap(m.Nav[ScreenStock])
	test.Tap(m.Stock.New)
	m.Idle()
	sf := m.Stock.Form
	sf.Kind.SetSelected(stockDocKindName(storage.DocIssue))
	test.Type(sf.Lines[0].Product, taken.Code)
	test.Type(sf.Lines[0].Quantity, level.Add(decimal.NewFromInt(1)).String())
	test.Tap(sf.Post)
	m.Idle()
	warehouses, _ := db.Warehouses(context.Background())
	for _, w := range warehouses {
		own = append(own, w.Name)
	}
	got = sf.Problem.Text
	if m.Stock.Form == nil || !strings.Contains(got, "لا يكفي") || len(englishLeft(got, own)) > 0 {
		t.Fatalf("issuing more than there is: %q (English left: %q)", got, englishLeft(got, own))
	}
}

// Product mapping says what the next sync does with each row in the window's language.
func TestMappingNotesInArabic(t *testing.T) {
	inLanguage(t, "ar")
	e := memoryEnv(t, Deps{})
	m := e.m
	e.connect(t, "متجري", false)
	e.mem.AddProduct(core.StoreProduct{Name: "تمر سكري", SKU: "DATES-1", SalePrice: decimal.NewFromInt(30)})
	if err := e.db.Update(context.Background(), func(tx *storage.Tx) error {
		_, err := tx.CreateProduct(storage.Product{Code: "HONEY-1", Name: "عسل سدر", SalePrice: decimal.NewFromInt(90)})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	test.Tap(m.Nav[ScreenMapping])
	m.Idle()
	s := m.Mapping
	rows := s.Shown()
	if len(rows) != 2 {
		t.Fatalf("mapping rows: %+v", rows)
	}
	want := map[core.LinkState]string{core.LinkStoreOnly: "تستورده المزامنة التالية", core.LinkLocalOnly: "هذا الاتصال لا ينشئ المنتجات"}
	for i, r := range rows {
		s.Select(i)
		m.Idle()
		got := s.Detail.Text
		if !strings.Contains(got, want[r.State]) || len(englishLeft(got, []string{"DATES-1", "HONEY-1"})) > 0 {
			t.Errorf("the %s row reads %q", r.State, got)
		}
	}
}
