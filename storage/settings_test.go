package storage

import (
	"strings"
	"testing"
)

func TestCheckVATNumber(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string // want: the cleaned value; err: part of the message, "" when valid
	}{
		{in: "300000000000003", want: "300000000000003"},
		{in: " 310 1234 5678 9003 ", want: "310123456789003"},
		{in: "٣١٠١٢٣٤٥٦٧٨٩٠٠٣", want: "310123456789003"}, // Arabic-Indic digits
		{in: "", want: ""},                         // cleared
		{in: "30000000000003", err: "15 digits"},   // 14
		{in: "3000000000000003", err: "15 digits"}, // 16
		{in: "200000000000003", err: "start and end with 3"},
		{in: "300000000000002", err: "start and end with 3"},
		{in: "30000000000000A", err: "digits only"},
	} {
		got, err := CheckSellerField("vat_number", tc.in)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%q: %v", tc.in, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "VAT registration number")):
			t.Errorf("%q: error %v, want one naming the field and saying %q", tc.in, err, tc.err)
		case tc.err == "" && got != tc.want:
			t.Errorf("%q: cleaned to %q, want %q", tc.in, got, tc.want)
		case tc.err != "" && !IsValidation(err):
			t.Errorf("%q: %v is not a validation error", tc.in, err)
		}
	}
}

func TestSellerFieldsRefuseWhatTheyCannotHold(t *testing.T) {
	for _, tc := range []struct{ key, value, err string }{
		{"cr_number", "101012345", "Commercial registration"},
		{"name_en", strings.Repeat("x", 301), "Legal name (English)"},
		{"colour", "red", "no seller detail"},
		{"logo", "x", "no seller detail"},
	} {
		if _, err := CheckSellerField(tc.key, tc.value); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s=%q: error %v, want one saying %q", tc.key, tc.value, err, tc.err)
		}
	}
	if err := CheckLogo([]byte("GIF89a")); err == nil || !strings.Contains(err.Error(), "PNG or JPEG") {
		t.Errorf("a GIF logo: %v", err)
	}
}

func TestSellerBranchOverridesTheBusiness(t *testing.T) {
	db := openTest(t)
	var branch Branch
	png := []byte("\x89PNG\r\n\x1a\nrest")
	must(t, db.Update(ctx, func(tx *Tx) (err error) {
		if branch, err = tx.CreateBranch("JED", "Jeddah"); err != nil {
			return err
		}
		for k, v := range map[string]string{"name_ar": "متجر الميزان", "name_en": "Mizan Store", "vat_number": "310123456789003",
			"address_en": "Riyadh"} {
			if err := tx.SetSeller(0, k, v); err != nil {
				return err
			}
		}
		if err := tx.SetSellerLogo(0, png); err != nil {
			return err
		}
		return tx.SetSeller(branch.ID, "address_en", "Jeddah, Tahlia St.")
	}))
	s, err := db.Seller(ctx, branch.ID)
	must(t, err)
	if s.NameAR != "متجر الميزان" || s.VATNumber != "310123456789003" || s.AddressEN != "Jeddah, Tahlia St." || string(s.Logo) != string(png) {
		t.Fatalf("the branch's seller: %+v", s)
	}
	main, err := db.Seller(ctx, 1)
	must(t, err)
	if main.AddressEN != "Riyadh" {
		t.Fatalf("the main branch took another branch's address: %q", main.AddressEN)
	}
	// Clearing a branch's value gives it the business's again.
	must(t, db.Update(ctx, func(tx *Tx) error { return tx.SetSeller(branch.ID, "address_en", " ") }))
	if s, _ := db.Seller(ctx, branch.ID); s.AddressEN != "Riyadh" {
		t.Fatalf("after clearing, the branch's address is %q", s.AddressEN)
	}
	// A refused value leaves the saved one.
	if err := db.Update(ctx, func(tx *Tx) error { return tx.SetSeller(0, "vat_number", "123") }); !IsValidation(err) {
		t.Fatalf("a bad VAT number: %v", err)
	}
	if s, _ := db.Seller(ctx, 0); s.VATNumber != "310123456789003" {
		t.Fatalf("the VAT number became %q", s.VATNumber)
	}
}

func TestInvoiceIssuerPerConnection(t *testing.T) {
	f := newFixture(t)
	db := f.db
	_, err := db.SQL().ExecContext(ctx, `INSERT INTO connections(id, name, platform, store_url, client_id, warehouse_id, branch_id,
		start_date, invoice_states, poll_seconds, field_owners, created_at, updated_at)
		VALUES (7, 'Salla shop', 'salla', 'https://s.example', 1, 1, 1, '2026-01-01', '[]', 300, '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`)
	must(t, err)
	inv := Invoice{Number: "MAIN-INV-000001", Source: Source{Connection: "Salla shop"}}
	check := func(want Issuer) {
		t.Helper()
		must(t, db.View(ctx, func(tx *Tx) error {
			got, err := tx.InvoiceIssuerOf(inv)
			if err == nil && got != want {
				t.Errorf("issuer %q, want %q", got, want)
			}
			return err
		}))
	}
	check(IssuerMizan)
	must(t, db.Update(ctx, func(tx *Tx) error { return tx.SetInvoiceIssuer(7, IssuerStore) }))
	check(IssuerStore)
	if err := db.Update(ctx, func(tx *Tx) error { return tx.SetInvoiceIssuer(8, IssuerStore) }); !IsValidation(err) {
		t.Fatalf("an unknown connection: %v", err)
	}
	if _, err := ParseIssuer("zatca"); err == nil {
		t.Fatal("ParseIssuer took zatca")
	}
}

// Issued documents are fixed: no statement changes or removes an invoice, a line or a charge.
func TestIssuedInvoicesCannotBeChanged(t *testing.T) {
	f := newFixture(t)
	f.inbound(t, f.coffee, "5")
	var inv Invoice
	must(t, f.db.Update(ctx, func(tx *Tx) (err error) {
		inv, err = tx.IssueSalesInvoice(Invoice{BranchID: f.branch, WarehouseID: f.warehouse, ClientID: f.client, Currency: "SAR",
			Lines:   []InvoiceLine{{ProductID: f.coffee.ID, Quantity: d("1"), UnitPrice: d("32"), Tax: d("4.8")}},
			Charges: []Charge{{Kind: ChargeShipping, Description: "Shipping", Amount: d("10"), Tax: d("1.5")}}})
		return err
	}))
	for _, stmt := range []string{
		`UPDATE invoices SET total = '1' WHERE id = ?`,
		`UPDATE invoices SET notes = 'changed' WHERE id = ?`,
		`UPDATE invoice_lines SET unit_price = '1' WHERE invoice_id = ?`,
		`DELETE FROM invoice_lines WHERE invoice_id = ?`,
		`UPDATE invoice_charges SET amount = '0' WHERE invoice_id = ?`,
		`DELETE FROM invoice_charges WHERE invoice_id = ?`,
		`DELETE FROM invoices WHERE id = ?`,
	} {
		if _, err := f.db.SQL().Exec(stmt, inv.ID); err == nil || !strings.Contains(err.Error(), "cannot be") {
			t.Errorf("%s: %v", stmt, err)
		}
	}
	got, err := f.db.Invoice(ctx, inv.ID)
	must(t, err)
	if !got.Total.Equal(d("48.3")) || len(got.Lines) != 1 || len(got.Charges) != 1 || got.Notes != "" {
		t.Fatalf("the invoice changed: total %s, %d lines, %d charges, notes %q", got.Total, len(got.Lines), len(got.Charges), got.Notes)
	}
}
