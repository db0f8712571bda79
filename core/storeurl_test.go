package core

import (
	"strings"
	"testing"
)

func TestStoreAddressesCarryNoCredentials(t *testing.T) {
	p := Platform{Title: "Shop", StoreURLHint: "https://your-shop.example"}
	tests := []struct {
		url    string
		refuse string // part of the message; "" = accepted
		secret string // must not appear in the message
	}{
		{"https://shop.example.com", "", ""},
		{"https://shop.example.com/store", "", ""},
		{"http://127.0.0.1:8080", "", ""},
		{"https://my-shop.myshopify.com", "", ""},
		{"https://shop.example.com/?lang=cs_CZ", "", ""},
		{"https://shop.example.com/?page_id=12", "", ""},
		{"https://owner:hunter2pass@shop.example.com", "user name or password", "hunter2pass"},
		{"https://owner@shop.example.com", "user name or password", ""},
		{"https://owner:p%zzass@shop.example.com", "user name or password", "p%zzass"},
		{"https://my-shop.myshopify.com/?access_token=shpat_0123456789abcdef0123456789abcdef", "must not carry credentials", "shpat_0123456789abcdef"},
		{"https://shop.example.com/wp-json/wc/v3?consumer_key=ck_aaaa&consumer_secret=cs_bbbb", "must not carry credentials", "cs_bbbb"},
		{"https://shop.example.com/?consumerKey=xyz123", "must not carry credentials", "xyz123"},
		{"https://shop.example.com/?key=xyz123", "must not carry credentials", "xyz123"},
		{"https://shop.example.com/?token=xyz123", "must not carry credentials", "xyz123"},
		{"https://shop.example.com/?api_key=xyz123", "must not carry credentials", "xyz123"},
		{"https://shop.example.com/?client_secret=xyz123", "must not carry credentials", "xyz123"},
		{"https://shop.example.com/?password=xyz123", "must not carry credentials", "xyz123"},
		{"https://shop.example.com/?x=ck_0123456789abcdef0123456789abcdef", "must not carry credentials", "ck_0123456789abcdef"},
		{"https://shop.example.com/#access_token=shpat_0123456789abcdef0123", "must not carry credentials", "shpat_0123456789abcdef"},
		{"shpat_0123456789abcdef0123456789abcdef", "seems to hold a credential", "shpat_0123456789abcdef"},
		{"ftp://shop.example.com", "not a web address", ""},
	}
	for _, tc := range tests {
		err := checkStoreURL(p, tc.url)
		switch {
		case tc.refuse == "" && err != nil:
			t.Errorf("%s: refused: %v", tc.url, err)
		case tc.refuse != "" && (err == nil || !strings.Contains(err.Error(), tc.refuse)):
			t.Errorf("%s: %v, want %q", tc.url, err, tc.refuse)
		case tc.secret != "" && err != nil && strings.Contains(err.Error(), tc.secret):
			t.Errorf("%s: the message shows the credential: %v", tc.url, err)
		}
	}
}

func TestAddConnectionRefusesAnAddressWithCredentials(t *testing.T) {
	b := openTokenBooks(t, t.TempDir(), NewMemorySecrets())
	for _, url := range []string{"https://owner:hunter2pass@shop.example.com", "https://shop.example.com/?access_token=shpat_x1"} {
		_, err := b.eng.AddConnection(t.Context(), ConnectionInput{Name: "Shop", Platform: "tokens", StoreURL: url,
			Credentials: map[string]string{"token": "tok"}})
		if err == nil {
			t.Errorf("%s: saved", url)
		}
	}
	if cs, _ := b.eng.Connections(t.Context()); len(cs) != 0 {
		t.Errorf("a connection was saved: %+v", cs)
	}
}
