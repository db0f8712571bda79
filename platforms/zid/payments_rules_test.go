package zid

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
)

// The payments an order's fields imply, one rule at a time.
func TestOrderPayments(t *testing.T) {
	created := time.Date(2026, 1, 30, 15, 56, 2, 0, time.UTC)
	updated := created.Add(48 * time.Hour)
	total := decimal.RequireFromString("230.00")
	type want struct {
		id     string
		refund bool
		amount string
		at     time.Time
	}
	cases := []struct {
		name    string
		json    string
		refunds []core.StoreRefund
		want    []want
	}{
		{"card paid at checkout", `{"payment_status":"paid","order_status":{"code":"new"},"payment":{"method":{"code":"zidpay","name":"Credit card"}}}`,
			nil, []want{{"paid-7", false, "230", created}}},
		{"card not paid yet", `{"payment_status":"pending","order_status":{"code":"delivered"},"payment":{"method":{"code":"zidpay"}}}`, nil, nil},
		{"voided", `{"payment_status":"voided","order_status":{"code":"delivered"},"payment":{"method":{"code":"zid_cod"}}}`, nil, nil},
		{"cash on its way", `{"payment_status":"pending","order_status":{"code":"indelivery"},"payment":{"method":{"code":"zid_cod"}}}`, nil, nil},
		{"cash collected on delivery", `{"payment_status":"pending","delivered_at":"2026-01-31 10:00:00","order_status":{"code":"delivered"},"payment":{"method":{"code":"zid_cod"}}}`,
			nil, []want{{"paid-7", false, "230", time.Date(2026, 1, 31, 10, 0, 0, 0, time.UTC)}}},
		{"cash collected, delivery undated", `{"payment_status":"paid","delivered_at":"someday","order_status":{"code":"delivered"},"payment":{"method":{"code":"zid_cod"}}}`,
			nil, []want{{"paid-7", false, "230", updated}}},
		{"transfer confirmed", `{"payment_status":"paid","order_status":{"code":"preparing"},"payment":{"method":{"code":"zid_bank_transfer","updated_at":"2026-01-30 18:00:00"}}}`,
			nil, []want{{"paid-7", false, "230", time.Date(2026, 1, 30, 18, 0, 0, 0, time.UTC)}}},
		{"transfer not confirmed", `{"payment_status":"pending","order_status":{"code":"preparing"},"payment":{"method":{"code":"zid_bank_transfer","transaction_status":"new"}}}`, nil, nil},
		{"a credit note paid back", `{"payment_status":"paid","order_status":{"code":"partially_reversed"},"payment":{"method":{"code":"zidpay"}}}`,
			[]core.StoreRefund{{ExternalID: "credit-note-a", Total: decimal.NewFromInt(115), CreatedAt: updated}},
			[]want{{"paid-7", false, "230", created}, {"refund-paid-credit-note-a", true, "115", updated}}},
		{"refunded beyond its refunds", `{"payment_status":"refunded","order_status":{"code":"cancelled"},"payment":{"method":{"code":"zidpay"}}}`,
			[]core.StoreRefund{{ExternalID: "credit-note-a", Total: decimal.NewFromInt(30), CreatedAt: created}},
			[]want{{"paid-7", false, "230", created}, {"refund-paid-credit-note-a", true, "30", created}, {"refund-paid-rest-7", true, "200", updated}}},
		{"nothing of an unpaid order goes back", `{"payment_status":"pending","order_status":{"code":"cancelled"},"payment":{"method":{"code":"zid_cod"}}}`,
			[]core.StoreRefund{{ExternalID: "canceled-7", Total: total}}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var d order
			if err := json.Unmarshal([]byte(c.json), &d); err != nil {
				t.Fatal(err)
			}
			o := core.StoreOrder{ExternalID: "7", Total: total, CreatedAt: created, UpdatedAt: updated, Refunds: c.refunds}
			orderPayments(&o, &d, nil)
			if len(o.Payments) != len(c.want) {
				t.Fatalf("payments %+v, want %+v", o.Payments, c.want)
			}
			for i, w := range c.want {
				p := o.Payments[i]
				if p.ExternalID != w.id || p.Refund != w.refund || !p.Amount.Equal(decimal.RequireFromString(w.amount)) || !p.PaidAt.Equal(w.at) ||
					p.Method != o.PaymentMethod {
					t.Errorf("payment %d: %+v, want %+v", i, p, w)
				}
			}
		})
	}
}

// The numbers of Zid's own documents: the order's invoice_number, and each credit note's on the
// refund made from it.
func TestStoreDocuments(t *testing.T) {
	var d order
	if err := json.Unmarshal([]byte(`{"id":39018491,"invoice_number":39018491,"payment":{"method":{"code":"zidpay"}}}`), &d); err != nil {
		t.Fatal(err)
	}
	o := core.StoreOrder{ExternalID: "39018491", Refunds: []core.StoreRefund{{ExternalID: "credit-note-abc"}, {ExternalID: "reversed-39018491"}}}
	orderPayments(&o, &d, []creditNote{{ID: "abc", InvoiceNumber: "12"}})
	if o.Invoice.Number != "39018491" || o.Invoice.QR != "" || o.Refunds[0].CreditNote.Number != "12" || o.Refunds[1].CreditNote.Number != "" {
		t.Fatalf("invoice %+v, refunds %+v", o.Invoice, o.Refunds)
	}
	if o.PaymentMethod != "zidpay" {
		t.Fatalf("method %q", o.PaymentMethod)
	}
}
