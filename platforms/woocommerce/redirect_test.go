package woocommerce_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"mizan/core"
	"mizan/platforms/httpx"
	"mizan/platforms/httpx/httpxtest"
	"mizan/platforms/woocommerce"
	"mizan/platforms/woocommerce/wootest"
)

// TestRedirectToAnotherHost: a store that redirects API requests to another host, with the keys
// in the Authorization header or (on a host that strips it) in the query string, which a
// redirect carries on. Nothing may reach the other host, and the error names both hosts and no
// key.
func TestRedirectToAnotherHost(t *testing.T) {
	other := &httpxtest.Recorder{Reply: `[]`}
	os := httptest.NewServer(other)
	defer os.Close()
	tests := []struct {
		name       string
		code       int
		queryAuth  bool
		onlyWrites bool
	}{
		{"307, keys in the header", http.StatusTemporaryRedirect, false, false},
		{"301, keys in the header", http.StatusMovedPermanently, false, false},
		{"302, keys in the query", http.StatusFound, true, false},
		{"308, keys in the query", http.StatusPermanentRedirect, true, false},
		{"307 on a write", http.StatusTemporaryRedirect, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := wootest.NewServer(wootest.Options{StripAuthorization: tc.queryAuth})
			srv.Seed(wootest.SeedOptions{Products: 3, Orders: 0, Seed: 1})
			front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				redirect := strings.HasPrefix(r.URL.Path, "/wp-json/wc/")
				if tc.queryAuth {
					redirect = redirect && r.URL.Query().Get("consumer_key") != "" // once the client has moved the keys there
				}
				if tc.onlyWrites {
					redirect = redirect && r.Method != http.MethodGet
				}
				if redirect {
					http.Redirect(w, r, os.URL+r.URL.RequestURI(), tc.code)
					return
				}
				srv.ServeHTTP(w, r)
			}))
			defer front.Close()
			logs := &logBuf{}
			st, err := woocommerce.New(core.StoreConfig{StoreURL: front.URL, HTTPClient: front.Client(),
				Credentials: map[string]string{woocommerce.CredConsumerKey: srv.Key(), woocommerce.CredConsumerSecret: srv.Secret()},
				Log:         slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))},
				woocommerce.Options{Tuning: httpx.Tuning{Retry: httpx.Policy{MaxAttempts: 2, BaseDelay: time.Millisecond}, Timeout: 2 * time.Second}})
			if err != nil {
				t.Fatal(err)
			}
			before := len(other.Requests())
			if tc.onlyWrites {
				_, err = st.CreateProduct(ctx, core.ProductFields{Name: "Redirected", Code: "RD-1", SalePrice: d("5")})
			} else {
				err = st.Products(ctx, time.Time{}, func([]core.StoreProduct) error { return nil })
			}
			for _, r := range other.Requests()[before:] {
				t.Errorf("the other host received a request:\n%s", r)
			}
			if err == nil || !strings.Contains(err.Error(), "another host") {
				t.Fatalf("err = %v, want a refused redirect", err)
			}
			fh, _ := url.Parse(front.URL)
			oh, _ := url.Parse(os.URL)
			if !strings.Contains(err.Error(), fh.Host) || !strings.Contains(err.Error(), oh.Host) {
				t.Errorf("the error does not name both hosts: %v", err)
			}
			for _, secret := range []string{srv.Key(), srv.Secret()} {
				if strings.Contains(err.Error()+logs.String(), secret) {
					t.Errorf("%q appears in the error or the log", secret)
				}
			}
			t.Logf("%v", err)
		})
	}
}
