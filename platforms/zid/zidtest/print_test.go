package zidtest

import (
	"encoding/base64"
	"fmt"
	"testing"

	"mizan/core/invoicepdf"
)

// The print payload, filtered by order_id: only the orders named, each with the QR text of its
// tax invoice (the store's name and VAT number, the order's time, its total and VAT), beside the
// default payload's products.
func TestPrintPayload(t *testing.T) {
	c := start(t, Options{RateLimit: -1})
	dates, _ := c.s.AddProduct(ProductInput{Name: Names{Ar: "تمر سكري"}, SKU: "DAT", Price: d("49.90"), Quantity: 60})
	var ids []int64
	for i := 0; i < 3; i++ {
		id, err := c.s.PlaceOrder(OrderInput{Guest: CustomerInput{Name: "ضيف", Mobile: fmt.Sprint(966555000100 + i)},
			Lines: []LineInput{{dates, 1 + i}}, Shipping: d("25")})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	infos := map[int64]OrderInfo{}
	for _, o := range c.s.Orders() {
		infos[o.ID] = o
	}
	body := c.get(fmt.Sprintf("/v1/managers/store/orders?payload_type=print&per_page=100&page=1&order_id=%d,%d", ids[0], ids[2]))
	orders := body["orders"].([]any)
	if len(orders) != 2 {
		t.Fatalf("%d orders, want the two named", len(orders))
	}
	for _, x := range orders {
		o := obj(x)
		id := int64(dec(o["id"]).IntPart())
		info := infos[id]
		if id == ids[1] || len(o["products"].([]any)) == 0 {
			t.Fatalf("order %d: %v", id, o)
		}
		qr, _ := obj(o["zatca"])["qr_code_data"].(string)
		raw, err := base64.StdEncoding.DecodeString(qr)
		if err != nil {
			t.Fatalf("order %d: QR %q: %v", id, qr, err)
		}
		fields, err := invoicepdf.DecodeTLV(raw)
		if err != nil || len(fields) != 5 {
			t.Fatalf("order %d: QR fields %v (%v)", id, fields, err)
		}
		want := []string{"متجر نخلة للتمور", vatNumber, info.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"), info.Total.StringFixed(2),
			info.VAT.Round(2).StringFixed(2)}
		for i, f := range fields {
			if f.Tag != byte(i+1) || f.Value != want[i] {
				t.Errorf("order %d: QR field %d is %d %q, want %q", id, i+1, f.Tag, f.Value, want[i])
			}
		}
	}
	if n := len(c.get("/v1/managers/store/orders?payload_type=default&per_page=100")["orders"].([]any)); n != 3 {
		t.Fatalf("without order_id the list has %d orders, want 3", n)
	}
}
