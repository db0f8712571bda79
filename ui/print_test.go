package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mizan/storage"
)

func TestPrintAnInvoiceToPDF(t *testing.T) {
	m, db := openApp(t, seededDir(t, 3))
	invs, err := db.Invoices(context.Background(), storage.InvoiceFilter{Type: storage.SalesInvoice, Limit: 1})
	if err != nil || len(invs) == 0 {
		t.Fatalf("no invoice: %v", err)
	}
	v := m.Invoices.View
	if !v.Print.Disabled() {
		t.Fatal("Print is enabled with no invoice shown")
	}
	m.OpenInvoice(invs[0].ID)
	m.Idle()
	if v.Print.Disabled() || v.Invoice.ID != invs[0].ID {
		t.Fatalf("the invoice view shows %d, Print disabled %v", v.Invoice.ID, v.Print.Disabled())
	}
	v.PrintLayout.SetSelectedIndex(1) // receipt
	path := filepath.Join(t.TempDir(), "invoice.pdf")
	if err := v.SavePDF(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil || !strings.HasPrefix(string(data), "%PDF-") {
		t.Fatalf("saved %d bytes: %v", len(data), err)
	}

	// Ctrl+P opens the save dialog on the invoice view, and does nothing on the list.
	overlays := func() int { return len(m.Window.Canvas().Overlays().List()) }
	before := overlays()
	typeShortcut(m, keyPrint)
	m.Idle()
	if overlays() != before+1 {
		t.Fatalf("Ctrl+P on an invoice: %d overlays, want %d", overlays(), before+1)
	}
	m.Window.Canvas().Overlays().Top().Hide()
	m.Window.Canvas().Overlays().Remove(m.Window.Canvas().Overlays().Top())
	test.Tap(v.Back)
	m.Idle()
	typeShortcut(m, keyPrint)
	m.Idle()
	if overlays() != before {
		t.Fatalf("Ctrl+P on the list: %d overlays, want %d", overlays(), before)
	}
}

func TestSettingsSayWhichFieldIsWrong(t *testing.T) {
	m, db := openApp(t, seededDir(t, 1))
	m.Show(ScreenSettings)
	m.Idle()
	s := m.Settings
	test.Type(s.Fields["name_ar"], "متجر الميزان")
	s.Fields["vat_number"].SetText("310123456789004")
	test.Tap(s.Save)
	m.Idle()
	if !strings.Contains(s.Status.Text, "VAT registration number") {
		t.Fatalf("a bad VAT number: status %q", s.Status.Text)
	}
	if seller, _ := db.Seller(context.Background(), 0); seller.NameAR != "" {
		t.Fatalf("a refused form saved the name %q", seller.NameAR)
	}
	s.Fields["vat_number"].SetText("310123456789003")
	test.Tap(s.Save)
	m.Idle()
	seller, err := db.Seller(context.Background(), 0)
	if err != nil || seller.NameAR != "متجر الميزان" || seller.VATNumber != "310123456789003" {
		t.Fatalf("saved %+v, %v (status %q)", seller, err, s.Status.Text)
	}
	var _ *widget.Select = s.Branch
}
