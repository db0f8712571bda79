package shopify

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"mizan/core"
	"mizan/platforms/httpx/httpxtest"
	"mizan/platforms/shopify/shopifytest"
)

// TestRedirectToAnotherHost: a store whose GraphQL endpoint or token endpoint redirects to
// another host. Nothing may reach that host (not the access token, not the client secret), and
// the error names both hosts and no credential.
func TestRedirectToAnotherHost(t *testing.T) {
	const token = "shpat_redirect_token_0123456789"
	const id, secret = "redirect-client-id-42", "shpss_redirect_secret_98765"
	other := &httpxtest.Recorder{Reply: `{"data":{}}`}
	os := httptest.NewServer(other)
	defer os.Close()

	tests := []struct {
		name  string
		code  int
		path  string // the path the store redirects
		creds map[string]string
	}{
		{"graphql 307", http.StatusTemporaryRedirect, "/graphql.json", map[string]string{CredAccessToken: token}},
		{"graphql 308", http.StatusPermanentRedirect, "/graphql.json", map[string]string{CredAccessToken: token}},
		{"graphql 301", http.StatusMovedPermanently, "/graphql.json", map[string]string{CredAccessToken: token}},
		{"graphql 302 with a granted token", http.StatusFound, "/graphql.json", map[string]string{CredClientID: id, CredClientSecret: secret}},
		{"token grant 307", http.StatusTemporaryRedirect, shopifytest.MatchTokenGrant, map[string]string{CredClientID: id, CredClientSecret: secret}},
		{"token grant 308", http.StatusPermanentRedirect, shopifytest.MatchTokenGrant, map[string]string{CredClientID: id, CredClientSecret: secret}},
		{"token grant 302", http.StatusFound, shopifytest.MatchTokenGrant, map[string]string{CredClientID: id, CredClientSecret: secret}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := shopifytest.NewServer(shopifytest.Options{AccessTokens: []string{token}, ClientID: id, ClientSecret: secret})
			front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, tc.path) {
					http.Redirect(w, r, os.URL+r.URL.RequestURI(), tc.code)
					return
				}
				srv.ServeHTTP(w, r)
			}))
			defer front.Close()
			logs := &syncBuffer{}
			st, err := New(core.StoreConfig{StoreURL: front.URL, Credentials: tc.creds, HTTPClient: front.Client(),
				Log: slog.New(slog.NewTextHandler(logs, nil))}, Options{Timeout: time.Second, Retry: grantRetry})
			if err != nil {
				t.Fatal(err)
			}
			before := len(other.Requests())
			_, err = st.Info(context.Background())
			for _, r := range other.Requests()[before:] {
				t.Errorf("the other host received a request:\n%s", r)
			}
			var se *core.StoreError
			if err == nil || !errors.As(err, &se) || !strings.Contains(err.Error(), "another host") {
				t.Fatalf("err = %v, want a refused redirect", err)
			}
			fh, _ := url.Parse(front.URL)
			oh, _ := url.Parse(os.URL)
			if !strings.Contains(err.Error(), fh.Host) || !strings.Contains(err.Error(), oh.Host) {
				t.Errorf("the error does not name both hosts: %v", err)
			}
			checkNoSecrets(t, err.Error()+logs.String(), token, secret, id)
			t.Logf("%v", err)
		})
	}
}
