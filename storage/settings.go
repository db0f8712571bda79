package storage

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Seller is the business as its invoices present it: the seller details a simplified tax
// invoice must carry. Empty fields are not set.
type Seller struct {
	NameAR    string // legal name in Arabic
	NameEN    string // legal name in English
	VATNumber string // VAT registration number: 15 digits, starting and ending with 3
	CRNumber  string // commercial registration number
	AddressAR string
	AddressEN string
	Logo      []byte // a PNG or JPEG image file
}

// SellerField names one seller detail; its key is what the books and the command line call it.
type SellerField struct {
	Key   string
	Label string // what the field is called to the merchant
}

// The seller details, in the order they are shown.
var SellerFields = []SellerField{
	{"name_ar", "Legal name (Arabic)"},
	{"name_en", "Legal name (English)"},
	{"vat_number", "VAT registration number"},
	{"cr_number", "Commercial registration"},
	{"address_ar", "Address (Arabic)"},
	{"address_en", "Address (English)"},
	{"logo", "Logo"},
}

// Get returns the text of a field by key ("" for the logo and unknown keys).
func (s Seller) Get(key string) string {
	switch key {
	case "name_ar":
		return s.NameAR
	case "name_en":
		return s.NameEN
	case "vat_number":
		return s.VATNumber
	case "cr_number":
		return s.CRNumber
	case "address_ar":
		return s.AddressAR
	case "address_en":
		return s.AddressEN
	}
	return ""
}

func (s *Seller) set(key string, value []byte) {
	switch key {
	case "name_ar":
		s.NameAR = string(value)
	case "name_en":
		s.NameEN = string(value)
	case "vat_number":
		s.VATNumber = string(value)
	case "cr_number":
		s.CRNumber = string(value)
	case "address_ar":
		s.AddressAR = string(value)
	case "address_en":
		s.AddressEN = string(value)
	case "logo":
		s.Logo = value
	}
}

// Name is the legal name to print where one name fits: the Arabic one, else the English one.
func (s Seller) Name() string {
	if s.NameAR != "" {
		return s.NameAR
	}
	return s.NameEN
}

// sellerFieldWord names a seller detail in a refusal: its label, as a sentence a window translates.
func sellerFieldWord(key string) *ValidationError { return refusal("seller_field_" + key) }

func sellerLabel(key string) (string, bool) {
	for _, f := range SellerFields {
		if f.Key == key {
			return f.Label, true
		}
	}
	return "", false
}

// CheckVATNumber checks a Saudi VAT registration number as ZATCA does: exactly 15 digits, the
// first and the last of them 3. The message names the field.
func CheckVATNumber(v string) error {
	if len(v) != 15 {
		return refuse("vat_length", v, utf8.RuneCountInString(v))
	}
	for _, r := range v {
		if r < '0' || r > '9' {
			return refuse("vat_digits", v)
		}
	}
	if v[0] != '3' || v[14] != '3' {
		return refuse("vat_three", v)
	}
	return nil
}

// CheckSellerField cleans and checks a seller detail's text; the error names the field.
func CheckSellerField(key, value string) (string, error) {
	_, ok := sellerLabel(key)
	if !ok || key == "logo" {
		return "", refuse("seller_unknown", key, sellerKeys())
	}
	value = strings.TrimSpace(value)
	switch {
	case value == "":
		return "", nil
	case key == "vat_number":
		value = toASCIIDigits(strings.ReplaceAll(value, " ", ""))
		return value, CheckVATNumber(value)
	case key == "cr_number":
		value = toASCIIDigits(strings.ReplaceAll(value, " ", ""))
		if len(value) != 10 || strings.Trim(value, "0123456789") != "" {
			return value, refuse("seller_ten_digits", sellerFieldWord(key), value)
		}
	case strings.ContainsAny(value, "\x00\r"):
		return value, refuse("seller_plain_text", sellerFieldWord(key))
	case utf8.RuneCountInString(value) > 300:
		return value, refuse("seller_too_long", sellerFieldWord(key))
	}
	return value, nil
}

// CheckLogo checks a logo image file: PNG or JPEG, at most 1 MB.
func CheckLogo(data []byte) error {
	switch {
	case len(data) == 0:
		return nil
	case len(data) > 1<<20:
		return refuse("logo_too_large", len(data)>>10)
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")), bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return nil
	}
	return refuse("logo_format")
}

// toASCIIDigits turns Arabic-Indic and Eastern Arabic-Indic digits into 0-9.
func toASCIIDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '٠' && r <= '٩':
			return '0' + (r - '٠')
		case r >= '۰' && r <= '۹':
			return '0' + (r - '۰')
		}
		return r
	}, s)
}

func sellerKeys() string {
	keys := make([]string, 0, len(SellerFields))
	for _, f := range SellerFields {
		keys = append(keys, f.Key)
	}
	return strings.Join(keys, ", ")
}

// SetSeller writes a seller detail for the business (branchID 0) or as a branch's own value. An
// empty value removes it: the business then has none, and a branch takes the business's.
func (t *Tx) SetSeller(branchID int64, key, value string) error {
	value, err := CheckSellerField(key, value)
	if err != nil {
		return err
	}
	return t.setSeller(branchID, key, []byte(value))
}

// SetSellerLogo writes the logo image file (PNG or JPEG) of the business or a branch; nil removes it.
func (t *Tx) SetSellerLogo(branchID int64, data []byte) error {
	if err := CheckLogo(data); err != nil {
		return err
	}
	return t.setSeller(branchID, "logo", data)
}

func (t *Tx) setSeller(branchID int64, key string, value []byte) error {
	if branchID != 0 {
		if _, err := t.Branch(branchID); err != nil {
			return err
		}
	}
	if len(value) == 0 {
		if _, err := t.Exec(`DELETE FROM seller_settings WHERE branch_id = ? AND key = ?`, branchID, key); err != nil {
			return fmt.Errorf("clear seller detail %s: %w", key, err)
		}
		return nil
	}
	_, err := t.Exec(`INSERT INTO seller_settings(branch_id, key, value, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT(branch_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		branchID, key, value, formatTime(t.now))
	if err != nil {
		return fmt.Errorf("save seller detail %s: %w", key, err)
	}
	return nil
}

// SellerOwn reads the details set at one level: the business's (branchID 0) or a branch's own
// overrides, without the business's values filled in.
func (t *Tx) SellerOwn(branchID int64) (Seller, error) {
	var s Seller
	rows, err := t.Query(`SELECT key, value FROM seller_settings WHERE branch_id = ?`, branchID)
	if err != nil {
		return s, fmt.Errorf("read seller details: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var value []byte
		if err := rows.Scan(&key, &value); err != nil {
			return s, fmt.Errorf("read seller details: %w", err)
		}
		s.set(key, value)
	}
	return s, rows.Err()
}

// Seller reads the details a branch's invoices carry: the branch's own values, the business's
// where the branch has none. Branch 0 gives the business's.
func (t *Tx) Seller(branchID int64) (Seller, error) {
	s, err := t.SellerOwn(0)
	if err != nil || branchID == 0 {
		return s, err
	}
	own, err := t.SellerOwn(branchID)
	if err != nil {
		return s, err
	}
	for _, f := range SellerFields {
		if v := own.Get(f.Key); v != "" {
			s.set(f.Key, []byte(v))
		}
	}
	if len(own.Logo) > 0 {
		s.Logo = own.Logo
	}
	return s, nil
}

// Seller reads the details a branch's invoices carry (see Tx.Seller).
func (d *DB) Seller(ctx context.Context, branchID int64) (s Seller, err error) {
	err = d.View(ctx, func(tx *Tx) error {
		s, err = tx.Seller(branchID)
		return err
	})
	return s, err
}

// SellerOwn reads the details set at one level (see Tx.SellerOwn).
func (d *DB) SellerOwn(ctx context.Context, branchID int64) (s Seller, err error) {
	err = d.View(ctx, func(tx *Tx) error {
		s, err = tx.SellerOwn(branchID)
		return err
	})
	return s, err
}

// Issuer says who issues the tax invoice of a connection's sales.
type Issuer string

// The invoice issuers.
const (
	// IssuerMizan: Mizan's invoice is the simplified tax invoice, with the QR.
	IssuerMizan Issuer = "mizan"
	// IssuerStore: the store issues (and reports) the tax invoice; Mizan's document is a copy.
	IssuerStore Issuer = "store"
)

// ParseIssuer reads "mizan" or "store".
func ParseIssuer(s string) (Issuer, error) {
	switch Issuer(strings.ToLower(strings.TrimSpace(s))) {
	case IssuerMizan:
		return IssuerMizan, nil
	case IssuerStore:
		return IssuerStore, nil
	}
	return "", refuse("issuer_unknown", s)
}

// SetInvoiceIssuer records who issues the tax invoices of a connection's sales.
func (t *Tx) SetInvoiceIssuer(connectionID int64, issuer Issuer) error {
	if _, err := ParseIssuer(string(issuer)); err != nil {
		return err
	}
	var n int
	if err := t.QueryRow(`SELECT COUNT(*) FROM connections WHERE id = ?`, connectionID).Scan(&n); err != nil {
		return fmt.Errorf("set the invoice issuer: %w", err)
	}
	if n == 0 {
		return refuse("connection_missing", connectionID)
	}
	_, err := t.Exec(`INSERT INTO invoice_issuers(connection_id, issuer, updated_at) VALUES (?, ?, ?)
		ON CONFLICT(connection_id) DO UPDATE SET issuer = excluded.issuer, updated_at = excluded.updated_at`,
		connectionID, string(issuer), formatTime(t.now))
	if err != nil {
		return fmt.Errorf("set the invoice issuer: %w", err)
	}
	return nil
}

// InvoiceIssuer says who issues the tax invoices of a connection's sales (IssuerMizan unless set).
func (t *Tx) InvoiceIssuer(connectionID int64) (Issuer, error) {
	var s string
	err := t.QueryRow(`SELECT issuer FROM invoice_issuers WHERE connection_id = ?`, connectionID).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return IssuerMizan, nil
	}
	if err != nil {
		return "", fmt.Errorf("read the invoice issuer: %w", err)
	}
	return Issuer(s), nil
}

// InvoiceIssuerOf says who issued the tax invoice of an invoice: the issuer of the connection it
// came from (found by the name it had; a removed connection by the name it had then), IssuerMizan
// for invoices made in the books.
func (t *Tx) InvoiceIssuerOf(inv Invoice) (Issuer, error) {
	if inv.Source.Connection == "" {
		return IssuerMizan, nil
	}
	var s string
	err := t.QueryRow(`SELECT COALESCE(ii.issuer, 'mizan') FROM connections c LEFT JOIN invoice_issuers ii ON ii.connection_id = c.id
		WHERE (c.removed_at = '' AND c.name = ?) OR (c.removed_at <> '' AND c.removed_name = ?)
		ORDER BY c.removed_at = '' DESC, c.id DESC LIMIT 1`, inv.Source.Connection, inv.Source.Connection).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return IssuerMizan, nil
	}
	if err != nil {
		return "", fmt.Errorf("read the invoice issuer of %s: %w", inv.Number, err)
	}
	return Issuer(s), nil
}

// ConnectionIssuer is a live connection and who issues the tax invoices of its sales.
type ConnectionIssuer struct {
	ConnectionID int64
	Name         string
	Platform     string
	Issuer       Issuer
}

// InvoiceIssuers lists the live connections with their invoice issuer, by name.
func (d *DB) InvoiceIssuers(ctx context.Context) ([]ConnectionIssuer, error) {
	return queryList(ctx, d, `SELECT c.id, c.name, c.platform, COALESCE(ii.issuer, 'mizan') FROM connections c
		LEFT JOIN invoice_issuers ii ON ii.connection_id = c.id WHERE c.removed_at = '' ORDER BY c.name`,
		func(r scanner) (ConnectionIssuer, error) {
			var c ConnectionIssuer
			var issuer string
			err := r.Scan(&c.ConnectionID, &c.Name, &c.Platform, &issuer)
			c.Issuer = Issuer(issuer)
			return c, err
		})
}

// SetInvoiceIssuerByName records who issues the tax invoices of the live connection with this name
// (matched regardless of case).
func (t *Tx) SetInvoiceIssuerByName(name string, issuer Issuer) error {
	var id int64
	err := t.QueryRow(`SELECT id FROM connections WHERE removed_at = '' AND lower(name) = lower(?)`, strings.TrimSpace(name)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return refuse("connection_name_unknown", name)
	}
	if err != nil {
		return fmt.Errorf("find connection %q: %w", name, err)
	}
	return t.SetInvoiceIssuer(id, issuer)
}
