package core

import (
	"strings"

	"mizan/storage"
)

// storeDocument is what the books keep of a tax document the store issued itself: all of it when
// the connection says the store issues the tax invoices (Mizan's own then prints as a copy that
// names it), nothing otherwise (Mizan's invoice is the tax invoice, and a second number would
// only confuse).
func (s *syncer) storeDocument(tx *storage.Tx, d StoreDocument) (storage.StoreDocument, error) {
	d.Number, d.QR = strings.TrimSpace(d.Number), strings.TrimSpace(d.QR)
	if d.Number == "" && d.QR == "" {
		return storage.StoreDocument{}, nil
	}
	issuer, err := tx.InvoiceIssuer(s.conn.ID)
	if err != nil || issuer != storage.IssuerStore {
		return storage.StoreDocument{}, err
	}
	return storage.StoreDocument{Number: d.Number, QR: d.QR}, nil
}
