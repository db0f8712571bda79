package ui

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mizan/storage"
)

// The inbound requisition a sync records when it imports a store's product is in the list of
// stock documents with its number, kind, warehouse, store and lines; it is found by its kind and
// its store, exported and printed like the merchant's documents, and never reversed.
func TestSyncDocumentsInTheList(t *testing.T) {
	e := twoStoresEnv(t)
	m := e.m
	e.syncNow(t) // WooCommerce's Tea, 5 in stock, comes into the books
	test.Tap(m.Nav[ScreenStock])
	m.Idle()
	row := -1
	for i, d := range m.Stock.docs {
		if d.Kind == storage.DocInbound && d.Source == "Woo shop" {
			row = i
		}
	}
	if row < 0 {
		t.Fatalf("no inbound requisition from Woo shop is listed: %+v", m.Stock.docs)
	}
	listed := m.Stock.docs[row]
	mustShow(t, m.Stock.Table, listed.Number, "Inbound requisition", "Woo shop", storage.DefaultWarehouseName)
	m.Stock.Table.Select(widget.TableCellID{Row: row, Col: 0})
	m.Idle()
	doc := m.Stock.selected
	if doc.Number != listed.Number || doc.Kind != storage.DocInbound || len(doc.Lines) != 1 || doc.Lines[0].Code != "TEA-1" ||
		doc.Lines[0].Quantity.String() != "5" {
		t.Fatalf("the requisition selected: %+v", doc)
	}
	mustShow(t, m.Stock.Lines, "TEA-1", "Tea", "5")
	if !strings.Contains(m.Stock.DocTitle.Text, "from the store Woo shop") {
		t.Errorf("the document's title: %q", m.Stock.DocTitle.Text)
	}
	if !m.Stock.Reverse.Disabled() || m.Stock.Export.Disabled() || m.Stock.Print.Disabled() {
		t.Errorf("Reverse enabled %v, Export %v, Print %v", !m.Stock.Reverse.Disabled(), !m.Stock.Export.Disabled(), !m.Stock.Print.Disabled())
	}
	m.Stock.ReverseSelected() // even when asked, a sync's document is not reversed
	m.Idle()
	if docs, _ := e.db.StockDocuments(context.Background(), storage.StockDocumentFilter{Kind: storage.DocIssue}); len(docs) != 0 {
		t.Fatalf("reversing %s posted %+v", doc.Number, docs)
	}
	var b bytes.Buffer
	if err := m.Stock.ExportSelected(&b); err != nil || !strings.Contains(b.String(), doc.Number+",inbound,") || !strings.Contains(b.String(), ",Woo shop") {
		t.Errorf("the CSV (%v):\n%s", err, b.String())
	}
	if pdf, err := m.Stock.PDF(context.Background(), doc); err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Errorf("the PDF: %v", err)
	}

	// Found by its kind, and by its store.
	pick(t, m.Window.Canvas(), m.Stock.Kind, "Inbound requisition")
	m.Idle()
	for _, d := range m.Stock.docs {
		if d.Kind != storage.DocInbound {
			t.Errorf("the inbound requisitions list %s, a %s", d.Number, d.Kind)
		}
	}
	mustShow(t, m.Stock.Table, doc.Number)
	m.Stock.Kind.SetSelectedIndex(0)
	test.Type(m.Stock.Search, "woo")
	m.Idle()
	if len(m.Stock.docs) == 0 {
		t.Fatal("nothing found from Woo shop")
	}
	for _, d := range m.Stock.docs {
		if d.Source != "Woo shop" {
			t.Errorf("searching woo lists %s from %q", d.Number, d.Source)
		}
	}

	// And by its date: today's, not tomorrow's or yesterday's.
	today := time.Now()
	for _, c := range []struct {
		from, to string
		found    bool
	}{
		{today.Format(dayLayout), today.Format(dayLayout), true},
		{today.AddDate(0, 0, 1).Format(dayLayout), "", false},
		{"", today.AddDate(0, 0, -1).Format(dayLayout), false},
		{"", "", true},
	} {
		m.Stock.From.SetText(c.from)
		m.Stock.To.SetText(c.to)
		m.Idle()
		found := false
		for _, d := range m.Stock.docs {
			found = found || d.Number == doc.Number
		}
		if found != c.found {
			t.Errorf("from %q to %q: %s listed %v", c.from, c.to, doc.Number, found)
		}
	}
}
