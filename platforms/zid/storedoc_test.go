package zid_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/contract"
	"mizan/platforms/zid"
	"mizan/platforms/zid/zidtest"
	"mizan/storage"
)

// When the connection says the store issues the tax invoices, each invoice keeps Zid's invoice
// number and the QR text of Zid's tax invoice, read from the print payload with one request per
// page of orders; when Mizan issues them, nothing of Zid's is kept and no such request is made.
func TestZidInvoiceQR(t *testing.T) {
	const orders, pages = 101, 2 // the list's pages hold 100 orders
	requests := map[storage.Issuer]int{}
	for _, issuer := range []storage.Issuer{storage.IssuerMizan, storage.IssuerStore} {
		t.Run(string(issuer), func(t *testing.T) {
			h := zidtest.NewHarness(t, zidtest.HarnessOptions{Platform: zid.Platform()})
			_, ids := h.S.AddProduct(zidtest.ProductInput{Name: zidtest.Names{Ar: "تمر سكري"}, SKU: "DAT-1", Price: decimal.NewFromInt(55), Quantity: 50})
			b := contract.Connect(t, h, "", core.ConnectionInput{InvoiceStates: []string{"delivered"}})
			if err := b.DB.Update(context.Background(), func(tx *storage.Tx) error { return tx.SetInvoiceIssuer(b.Conn.ID, issuer) }); err != nil {
				t.Fatal(err)
			}
			var placed []int64
			for i := 0; i < orders; i++ {
				id, err := h.S.PlaceOrder(zidtest.OrderInput{Status: zidtest.StatusDelivered, Lines: []zidtest.LineInput{{ID: ids[0], Quantity: 1 + i}},
					Guest: zidtest.CustomerInput{Name: "ضيف", Mobile: strconv.Itoa(966500000000 + i)}})
				if err != nil {
					t.Fatal(err)
				}
				placed = append(placed, id)
			}
			h.Advance(time.Minute)
			before := h.S.RequestsTo("/v1/managers/store/orders")
			if sum := b.Sync(core.SyncRequest{}); sum.Counts.Errors != 0 || sum.Counts.Invoices != orders {
				t.Fatalf("sync: %+v\n%s", sum.Counts, b.Logs)
			}
			requests[issuer] = h.S.RequestsTo("/v1/managers/store/orders") - before
			for _, id := range placed {
				name := "#" + strconv.FormatInt(id, 10)
				doc := contract.MoneyOf(t, b.DB, name).Sales.StoreDoc
				want := storage.StoreDocument{}
				if issuer == storage.IssuerStore {
					want = storage.StoreDocument{Number: strconv.FormatInt(id, 10), QR: h.S.InvoiceQR(id)}
					if want.QR == "" {
						t.Fatalf("the test store gives %s no QR", name)
					}
				}
				if doc != want {
					t.Errorf("%s keeps the store's document %+v, want %+v", name, doc, want)
				}
			}
		})
	}
	t.Logf("requests to the orders list in the first sync: %v", requests)
	if requests[storage.IssuerStore] != requests[storage.IssuerMizan]+pages {
		t.Errorf("a store issuing its invoices needs %d requests to the orders list, Mizan issuing them %d: want one more per page, for its QR codes",
			requests[storage.IssuerStore], requests[storage.IssuerMizan])
	}
}

// Orders fetched by number for a store that issues its invoices get their QR texts from one print
// request for all of them, besides each order's detail.
func TestZidInvoiceQRByNumber(t *testing.T) {
	srv := zidtest.NewServer(zidtest.Options{})
	hs := srv.Start()
	t.Cleanup(hs.Close)
	tok := srv.IssueTokens()
	st, err := zid.New(core.StoreConfig{StoreURL: hs.URL, StoreIssuesInvoices: true, HTTPClient: &http.Client{Timeout: 10 * time.Second},
		Credentials: map[string]string{zid.CredAuthorization: tok.Authorization, zid.CredAccessToken: tok.AccessToken,
			zid.CredRefreshToken: tok.RefreshToken, zid.CredClientID: srv.ClientID(), zid.CredClientSecret: srv.ClientSecret()},
		Options: map[string]string{zid.OptStoreID: strconv.FormatInt(srv.StoreID(), 10)}}, zid.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, ids := srv.AddProduct(zidtest.ProductInput{Name: zidtest.Names{Ar: "هيل"}, SKU: "SPC-1", Price: decimal.NewFromInt(75), Quantity: 20})
	var numbers []string
	want := map[string]string{}
	for i := 0; i < 2; i++ {
		id, err := srv.PlaceOrder(zidtest.OrderInput{Status: zidtest.StatusDelivered, Lines: []zidtest.LineInput{{ID: ids[0], Quantity: 1 + i}},
			Guest: zidtest.CustomerInput{Name: "ضيف", Mobile: strconv.Itoa(966500000100 + i)}})
		if err != nil {
			t.Fatal(err)
		}
		n := strconv.FormatInt(id, 10)
		numbers = append(numbers, "#"+n)
		want[n] = srv.InvoiceQR(id)
	}
	before := srv.RequestsTo("/v1/managers/store/orders")
	got, err := st.OrdersByNumber(context.Background(), append(numbers, "#1"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d orders, want 2", len(got))
	}
	for _, o := range got {
		if o.Invoice.QR == "" || o.Invoice.QR != want[o.ExternalID] {
			t.Errorf("order %s: QR %q, want %q", o.ExternalID, o.Invoice.QR, want[o.ExternalID])
		}
	}
	if n := srv.RequestsTo("/v1/managers/store/orders") - before; n != 3+1 {
		t.Errorf("%d requests, want 4: three details (one order missing) and one print list", n)
	}
}
