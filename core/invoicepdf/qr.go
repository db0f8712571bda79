package invoicepdf

import (
	"encoding/base64"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// The tags of ZATCA's phase-1 QR code (the e-invoicing "generation" phase): each a TLV field.
const (
	TagSellerName byte = 1 // the seller's name
	TagVATNumber  byte = 2 // the seller's VAT registration number
	TagTimestamp  byte = 3 // when the invoice was issued, ISO 8601
	TagTotal      byte = 4 // the invoice total with VAT
	TagVATTotal   byte = 5 // the VAT total
)

// Field is one TLV field of the QR code.
type Field struct {
	Tag   byte
	Value string
}

// EncodeTLV writes fields as tag, length, value: one byte of tag, one byte of length, and the
// value's UTF-8 bytes, so the length counts bytes, not characters (an Arabic letter is two).
// A value longer than 255 bytes cannot be written.
func EncodeTLV(fields []Field) ([]byte, error) {
	var out []byte
	for _, f := range fields {
		if len(f.Value) > 255 {
			return nil, fmt.Errorf("QR field %d is %d bytes long; a field holds at most 255", f.Tag, len(f.Value))
		}
		out = append(out, f.Tag, byte(len(f.Value)))
		out = append(out, f.Value...)
	}
	return out, nil
}

// DecodeTLV reads what EncodeTLV wrote.
func DecodeTLV(b []byte) ([]Field, error) {
	var out []Field
	for len(b) > 0 {
		if len(b) < 2 {
			return nil, fmt.Errorf("QR data ends inside a field's tag and length")
		}
		tag, n := b[0], int(b[1])
		if len(b) < 2+n {
			return nil, fmt.Errorf("QR field %d says %d bytes, but only %d follow", tag, n, len(b)-2)
		}
		out = append(out, Field{Tag: tag, Value: string(b[2 : 2+n])})
		b = b[2+n:]
	}
	return out, nil
}

// QRFields are the phase-1 QR fields of a simplified tax invoice (or its credit note): seller
// name, VAT number, the time of issue in UTC, the total with VAT and the VAT, both to the halala.
func QRFields(sellerName, vatNumber string, issued time.Time, total, vat decimal.Decimal) []Field {
	return []Field{
		{TagSellerName, sellerName},
		{TagVATNumber, vatNumber},
		{TagTimestamp, issued.UTC().Format("2006-01-02T15:04:05Z")},
		{TagTotal, total.StringFixed(2)},
		{TagVATTotal, vat.StringFixed(2)},
	}
}

// QRText is what the QR code holds: the base64 of the fields' TLV encoding.
func QRText(fields []Field) (string, error) {
	b, err := EncodeTLV(fields)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b), nil
}
