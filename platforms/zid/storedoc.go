package zid

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"mizan/core"
	"mizan/platforms/jsonnum"
)

// printEntry is what the books take from an order of the print payload (GET
// /managers/store/orders?payload_type=print): its id and zatca.qr_code_data, the text of the QR
// code on Zid's tax invoice. Zid's SDK models zatca as an object holding only that text; any
// other shape (null, an empty list) is read as no QR.
type printEntry struct {
	ID    jsonnum.ID      `json:"id"`
	Zatca json.RawMessage `json:"zatca"`
}

// qrText is the entry's QR text, empty when it has none.
func (e printEntry) qrText() string {
	var z struct {
		QRCodeData *string `json:"qr_code_data"`
	}
	if json.Unmarshal(e.Zatca, &z) != nil || z.QRCodeData == nil {
		return ""
	}
	return strings.TrimSpace(*z.QRCodeData)
}

// storeQRs gives the orders the QR text of the tax invoice Zid issued for each, when the
// connection says the store issues the tax invoices; otherwise it asks nothing. Zid gives the
// text only in the list's print payload, so it is read with one list request per page of orders
// read (at most 100, the list's largest page), filtered to those orders by order_id. An order the
// answer leaves out, or gives no QR for, keeps none.
func (s *Store) storeQRs(ctx context.Context, orders []core.StoreOrder) error {
	if !s.storeDocs {
		return nil
	}
	at := map[string][]int{}
	var ids []string
	for i, o := range orders {
		if o.Unreadable != "" || o.ExternalID == "" {
			continue
		}
		if _, seen := at[o.ExternalID]; !seen {
			ids = append(ids, o.ExternalID)
		}
		at[o.ExternalID] = append(at[o.ExternalID], i)
	}
	for len(ids) > 0 {
		n := min(len(ids), perPage)
		batch := ids[:n]
		ids = ids[n:]
		q := url.Values{"payload_type": {"print"}, "order_id": {strings.Join(batch, ",")}, "page": {"1"},
			"per_page": {strconv.Itoa(perPage)}}
		var l struct {
			Orders []printEntry `json:"orders"`
		}
		if _, err := s.do(ctx, request{op: fmt.Sprintf("read the QR codes of %d orders' tax invoices", len(batch)), scheme: manager,
			method: http.MethodGet, path: "/managers/store/orders", query: q}, &l); err != nil {
			return err
		}
		for _, e := range l.Orders {
			qr := e.qrText()
			if qr == "" {
				continue
			}
			for _, i := range at[e.ID.String()] {
				orders[i].Invoice.QR = qr
			}
		}
	}
	return nil
}
