package zid

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mizan/core"
)

func TestEndpointsFor(t *testing.T) {
	cases := []struct {
		in, api, token string
		err            bool
	}{
		{in: "", api: "https://api.zid.sa/v1", token: "https://oauth.zid.sa/oauth/token"},
		{in: "https://my-store.zid.store", api: "https://api.zid.sa/v1", token: "https://oauth.zid.sa/oauth/token"},
		{in: "my-store.zid.store", api: "https://api.zid.sa/v1", token: "https://oauth.zid.sa/oauth/token"},
		{in: "http://127.0.0.1:8123", api: "http://127.0.0.1:8123/v1", token: "http://127.0.0.1:8123/oauth/token"},
		{in: "http://localhost:8123/", api: "http://localhost:8123/v1", token: "http://localhost:8123/oauth/token"},
		{in: "http://my-store.zid.store", err: true},
		{in: "ftp://my-store.zid.store", err: true},
		{in: "https://user:pw@my-store.zid.store", err: true},
	}
	for _, tc := range cases {
		ep, err := EndpointsFor(tc.in)
		if (err != nil) != tc.err {
			t.Errorf("%q: error %v", tc.in, err)
			continue
		}
		if err == nil && (ep.API != tc.api || ep.OAuth.TokenURL != tc.token || !strings.HasSuffix(ep.OAuth.AuthURL, "/oauth/authorize")) {
			t.Errorf("%q: %+v", tc.in, ep)
		}
	}
}

// Each endpoint gets the credentials the docs give it: the profile (a manager endpoint)
// Authorization and X-Manager-Token; the locations (a catalogue endpoint) Authorization,
// Access-Token, Store-Id and Role: Manager.
func TestHeaders(t *testing.T) {
	wr := newWire(t)
	wr.on("GET /v1/managers/account/profile", profileJSON)
	wr.on("GET /v1/locations/", locationsJSON)
	s := open(t, wr, nil, nil, nil)
	info, err := s.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if info.StoreID != "1" || info.Name != "Test Store" || info.Currency != "SAR" || info.LocationID != "59be4f1d-3b59-4b34-ba47-9f7293894b47" || info.Location != "الدمام" {
		t.Errorf("info %+v", info)
	}
	want := map[string]map[string]string{
		"/v1/managers/account/profile": {"Authorization": "Bearer auth-token-aaaa", "X-Manager-Token": "manager-token-bbbb", "Access-Token": "", "Store-Id": "", "Role": ""},
		"/v1/locations/":               {"Authorization": "Bearer auth-token-aaaa", "X-Manager-Token": "", "Access-Token": "manager-token-bbbb", "Store-Id": "1", "Role": "Manager"},
	}
	for _, r := range wr.requests() {
		for h, v := range want[r.URL.Path] {
			if got := r.Header.Get(h); got != v {
				t.Errorf("%s: %s = %q, want %q", r.URL.Path, h, got, v)
			}
		}
	}
}

func TestLocationOption(t *testing.T) {
	cases := []struct {
		option, id string
		err        bool
	}{
		{option: "", id: "59be4f1d-3b59-4b34-ba47-9f7293894b47"},
		{option: "الرياض", id: "8ee590fe-d02d-4c50-9184-f628bb8b115a"},
		{option: "dammam", id: "59be4f1d-3b59-4b34-ba47-9f7293894b47"},
		{option: "8ee590fe-d02d-4c50-9184-f628bb8b115a", id: "8ee590fe-d02d-4c50-9184-f628bb8b115a"},
		{option: "Jeddah", err: true},
	}
	for _, tc := range cases {
		wr := newWire(t)
		wr.on("GET /v1/locations/", locationsJSON)
		s := open(t, wr, nil, map[string]string{OptLocation: tc.option, OptStoreID: "1"}, nil)
		id, _, err := s.stockLocation(context.Background())
		if (err != nil) != tc.err || id != tc.id {
			t.Errorf("%q: %q, %v", tc.option, id, err)
		}
	}
}

// A store id given with the tokens must be the one the tokens are for.
func TestStoreIDMismatch(t *testing.T) {
	wr := newWire(t)
	wr.on("GET /v1/managers/account/profile", profileJSON)
	wr.on("GET /v1/locations/", locationsJSON)
	s := open(t, wr, nil, map[string]string{OptStoreID: "77"}, nil)
	if _, err := s.Info(context.Background()); !errors.Is(err, core.ErrUnauthorized) || !strings.Contains(err.Error(), "77") {
		t.Fatalf("err = %v", err)
	}
}

// A DRF next link is followed over the API's own scheme when it names the API's host (Zid
// writes them with http://), and refused when it names another.
func TestFollow(t *testing.T) {
	s, err := New(core.StoreConfig{Credentials: testCreds}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		next, want string
	}{
		{"http://api.zid.sa/v1/products/?page=2&page_size=50", "https://api.zid.sa/v1/products/?page=2&page_size=50"},
		{"https://api.zid.sa/v1/products/?page=3", "https://api.zid.sa/v1/products/?page=3"},
		{"http://evil.example/v1/products/?page=2", ""},
		{"http://api.zid.sa.evil.example/v1/products/?page=2", ""},
		{"http://api.zid.sa/admin/?page=2", ""},
		{"/v1/products/?page=2", ""},
	}
	for _, tc := range cases {
		got, err := s.follow(tc.next)
		if (err != nil) != (tc.want == "") || got != tc.want {
			t.Errorf("%q: %q, %v", tc.next, got, err)
		}
	}
}

// A 401 renews the tokens once, through Rotate, sending the redirect address again, and the
// request is made again with the new ones; another caller's renewal is taken as it is.
func TestRenewOn401(t *testing.T) {
	cases := []struct {
		name       string
		stored     map[string]string // what the keyring holds when the renewal starts
		wantGrants int
		wantToken  string
	}{
		{name: "renewed", stored: nil, wantGrants: 1, wantToken: "manager-token-new"},
		{name: "renewed meanwhile by another", stored: map[string]string{CredAccessToken: "manager-token-other", CredAuthorization: "auth-other"}, wantGrants: 0, wantToken: "manager-token-other"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wr := newWire(t)
			grants := 0
			var form url.Values
			wr.handle("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
				grants++
				_ = r.ParseForm()
				form = r.PostForm
				_, _ = io.WriteString(w, `{"token_type":"Bearer","expires_in":31536000,"access_token":"manager-token-new","Authorization":"auth-new","refresh_token":"refresh-new"}`)
			})
			wr.handle("GET /v1/managers/account/profile", func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("X-Manager-Token") == "manager-token-bbbb" {
					w.WriteHeader(http.StatusUnauthorized)
					_, _ = io.WriteString(w, `{"status":"error","message":{"type":"error","code":"unauthenticated","name":"Unauthorized","description":"Unauthenticated."}}`)
					return
				}
				_, _ = io.WriteString(w, profileJSON)
			})
			saved := map[string]string{}
			for k, v := range testCreds {
				saved[k] = v
			}
			for k, v := range tc.stored {
				saved[k] = v
			}
			rotate := func(ctx context.Context, renew func(map[string]string) (map[string]string, error)) (map[string]string, error) {
				changed, err := renew(saved)
				if err != nil {
					return nil, err
				}
				for k, v := range changed {
					saved[k] = v
				}
				return saved, nil
			}
			s := open(t, wr, rotate, nil, nil)
			if _, _, err := s.profile(context.Background()); err != nil {
				t.Fatal(err)
			}
			if grants != tc.wantGrants || saved[CredAccessToken] != tc.wantToken || s.current()[CredAccessToken] != tc.wantToken {
				t.Errorf("grants %d, saved %v, in use %v", grants, saved, s.current())
			}
			if grants > 0 && (form.Get("grant_type") != "refresh_token" || form.Get("redirect_uri") != testCreds[CredRedirect] ||
				form.Get("refresh_token") != "refresh-token-cccc" || saved[CredAuthorization] != "auth-new") {
				t.Errorf("refresh form %v, saved %v", form, saved)
			}
		})
	}
}

// What Zid echoes back of a credential never reaches an error.
func TestErrorsCarryNoSecret(t *testing.T) {
	wr := newWire(t)
	wr.handle("GET /v1/managers/account/profile", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"status":"error","message":{"code":"bad","description":"token manager-token-bbbb with auth-token-aaaa is not valid for store"}}`)
	})
	s := open(t, wr, nil, nil, nil)
	_, _, err := s.profile(context.Background())
	if err == nil {
		t.Fatal("no error")
	}
	for _, v := range testCreds {
		if len(v) > 4 && strings.Contains(err.Error(), v) && !strings.HasPrefix(v, "http") {
			t.Errorf("the error carries a credential: %v", err)
		}
	}
	if !strings.Contains(err.Error(), "is not valid for store") {
		t.Errorf("the error lost Zid's message: %v", err)
	}
}
