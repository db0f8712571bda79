package httpx

import (
	"strings"
	"testing"
)

func TestStoreAddress(t *testing.T) {
	tests := []struct {
		in      string
		safe    bool
		wantErr string
	}{
		{"shop.example.com", true, ""},
		{" https://shop.example.com/ ", true, ""},
		{"http://shop.example.com", false, ""},
		{"http://127.0.0.1:8080", true, ""},
		{"http://[::1]:8080", true, ""},
		{"http://LocalHost:8080", true, ""},
		{"ftp://127.0.0.1", false, ""},
		{"", false, "the store address is empty (it looks like https://x.example)"},
		{"https://", false, "is not a store address"},
	}
	for _, tc := range tests {
		u, err := ParseStoreAddress("test", tc.in, "https://x.example")
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%q: error %v, want one saying %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if got := SafeForCredentials(u); got != tc.safe {
			t.Errorf("%q: safe for credentials %v, want %v", tc.in, got, tc.safe)
		}
	}
}

func TestTestOrigin(t *testing.T) {
	tests := []struct {
		in, want, wantErr string
	}{
		{"", "", ""},
		{"https://salla.sa/my-store", "", ""},
		{"my-store.zid.store", "", ""},
		{"http://127.0.0.1:8123/", "http://127.0.0.1:8123", ""},
		{"https://localhost:9443/x", "https://localhost:9443", ""},
		{"http://my-store.zid.store", "", "must use https://"},
		{"ftp://my-store.zid.store", "", "must use https://"},
		{"https://me:pw@my-store.zid.store", "", "user name"},
	}
	for _, tc := range tests {
		got, err := TestOrigin("test", tc.in, "https://x.example")
		if (err != nil) != (tc.wantErr != "") || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) || got != tc.want {
			t.Errorf("%q: %q, %v", tc.in, got, err)
		}
	}
}
