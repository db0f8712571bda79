package ui

import (
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"mizan/storage"
)

// money shows an amount with two decimals (more when the amount really has them) and thousands
// separators: 12,345.50.
func money(d decimal.Decimal) string {
	s := d.StringFixed(2)
	if !d.Equal(d.Round(2)) {
		s = d.String()
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String()
	if frac != "" {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// quantity shows a quantity as entered (no trailing zeros), with a sign when asked.
func quantity(d decimal.Decimal, signed bool) string {
	s := d.String()
	if signed && d.IsPositive() {
		s = "+" + s
	}
	return s
}

func localDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02")
}

func localDateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04")
}

func invoiceTypeName(t storage.InvoiceType) string {
	if t == storage.ReturnInvoice {
		return tr("invoice.type.return", "Return")
	}
	return tr("invoice.type.sales", "Sale")
}

func movementKindName(k storage.MovementKind) string {
	switch k {
	case storage.MoveInbound:
		return tr("movement.inbound", "Inbound")
	case storage.MoveOutbound:
		return tr("movement.outbound", "Outbound")
	case storage.MoveSale:
		return tr("movement.sale", "Sale")
	case storage.MoveReturn:
		return tr("movement.return", "Return")
	case storage.MoveAdjustment:
		return tr("movement.adjustment", "Adjustment")
	case storage.MoveTransfer:
		return tr("movement.transfer", "Transfer")
	}
	return string(k)
}

func chargeKindName(k storage.ChargeKind) string {
	switch k {
	case storage.ChargeShipping:
		return tr("charge.shipping", "Shipping")
	case storage.ChargeFee:
		return tr("charge.fee", "Fee")
	}
	return tr("charge.other", "Other")
}
