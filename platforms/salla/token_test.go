package salla

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"mizan/core"
)

const userInfoBody = `{"id":7,"name":"Huda","merchant":{"id":1305146709,"username":"dates-shop","name":"متجر التمور","domain":"https://salla.sa/dates-shop"}}`

// tokenServer answers refreshes: each refresh token works once (a reused one is refused with
// invalid_grant), and the API takes only the newest access token.
type tokenServer struct {
	mu       sync.Mutex
	n        int
	valid    map[string]bool // refresh tokens not yet spent
	current  string          // the access token the API takes
	refreshs atomic.Int32
	expires  string // the "expires" field to send, empty: 14 days ahead
}

func (ts *tokenServer) install(wr *wire) {
	wr.handle("POST /oauth2/token", func(w http.ResponseWriter, r *http.Request) {
		ts.refreshs.Add(1)
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		ts.mu.Lock()
		defer ts.mu.Unlock()
		rt := form.Get("refresh_token")
		if form.Get("grant_type") != "refresh_token" || !ts.valid[rt] || form.Get("client_secret") != "csecret" {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"error":"invalid_grant","error_description":"The refresh token is invalid."}`)
			return
		}
		delete(ts.valid, rt)
		ts.n++
		ts.current = fmt.Sprintf("at-%d", ts.n+1)
		next := fmt.Sprintf("rt-%d", ts.n+1)
		ts.valid[next] = true
		exp := ts.expires
		if exp == "" {
			exp = fmt.Sprint(time.Now().Add(14 * 24 * time.Hour).Unix())
		}
		_, _ = fmt.Fprintf(w, `{"access_token":%q,"refresh_token":%q,"token_type":"bearer","expires":%s,"scope":"offline_access"}`, ts.current, next, exp)
	})
	wr.handle("GET /oauth2/user/info", func(w http.ResponseWriter, r *http.Request) {
		ts.mu.Lock()
		ok := r.Header.Get("Authorization") == "Bearer "+ts.current
		ts.mu.Unlock()
		if !ok {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"status":401,"success":false,"error":{"code":"Unauthorized","message":"The access token is invalid or expired"}}`)
			return
		}
		_, _ = io.WriteString(w, userInfoBody)
	})
	wr.on("GET /admin/v2/branches", `[{"id":11,"name":"الرياض","is_default":true}]`)
}

func TestTokenRenewal(t *testing.T) {
	soon := fmt.Sprint(time.Now().Add(2 * time.Hour).Unix())
	later := fmt.Sprint(time.Now().Add(10 * 24 * time.Hour).Unix())
	cases := []struct {
		name        string
		creds       map[string]string
		apiToken    string // what the API takes at the start
		rotate      bool
		stored      map[string]string // the keyring, when it differs from creds
		wantRefresh int32
		wantErr     error
		wantAccess  string
		no401       bool // the token is renewed before Salla refuses it
	}{
		{name: "a token expiring within a day is renewed first", creds: map[string]string{CredExpiresAt: soon}, apiToken: "at-1",
			rotate: true, wantRefresh: 1, wantAccess: "at-2", no401: true},
		{name: "without Rotate a token expiring within a day is used until refused", creds: map[string]string{CredExpiresAt: soon}, apiToken: "at-1",
			rotate: false, wantRefresh: 0, wantAccess: "at-1", no401: true},
		{name: "a token far from expiry is used as it is", creds: map[string]string{CredExpiresAt: later}, apiToken: "at-1",
			rotate: true, wantRefresh: 0, wantAccess: "at-1"},
		{name: "a 401 renews once and retries", creds: map[string]string{CredExpiresAt: later}, apiToken: "at-2",
			rotate: true, wantRefresh: 1, wantAccess: "at-2"},
		{name: "without Rotate the new pair is kept in memory", creds: map[string]string{CredExpiresAt: soon}, apiToken: "at-2",
			rotate: false, wantRefresh: 1, wantAccess: "at-2"},
		{name: "a pair renewed by another caller is taken, not renewed again", creds: map[string]string{CredExpiresAt: soon},
			apiToken: "at-9", rotate: true, stored: map[string]string{CredAccessToken: "at-9", CredRefreshToken: "rt-9", CredExpiresAt: later},
			wantRefresh: 0, wantAccess: "at-9"},
		{name: "a spent refresh token asks to reconnect", creds: map[string]string{CredExpiresAt: soon, CredRefreshToken: "rt-spent"},
			apiToken: "at-2", rotate: true, wantRefresh: 1, wantErr: core.ErrReconnect},
		{name: "a 401 without a refresh token is refused credentials", creds: map[string]string{CredExpiresAt: later, CredRefreshToken: ""},
			apiToken: "at-2", rotate: true, wantRefresh: 0, wantErr: core.ErrUnauthorized},
		{name: "no expiry known: used until a 401", creds: map[string]string{CredExpiresAt: ""}, apiToken: "at-1",
			rotate: true, wantRefresh: 0, wantAccess: "at-1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wr := newWire(t)
			ts := &tokenServer{valid: map[string]bool{"rt-1": true}, current: tc.apiToken}
			ts.install(wr)
			var rotate core.RotateFunc
			kr := &keyring{creds: map[string]string{CredAccessToken: "at-1", CredRefreshToken: "rt-1", CredClientID: "cid", CredClientSecret: "csecret"}}
			for k, v := range tc.creds {
				kr.creds[k] = v
			}
			for k, v := range tc.stored {
				kr.creds[k] = v
			}
			if tc.rotate {
				rotate = kr.rotate
			}
			s := wr.open(tc.creds, rotate)
			info, err := s.Info(context.Background())
			if err == nil { // a sync's request, once the store's clock is known
				var u userInfo
				_, err = s.call(context.Background(), "read", http.MethodGet, s.ep.UserInfo, nil, nil, &u)
			}
			if tc.no401 && wr.count("GET /oauth2/user/info") != 2 {
				t.Errorf("requests %v: want no request refused", wr.requests())
			}
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err %v, want %v", err, tc.wantErr)
				}
				for _, secret := range []string{"rt-spent", "rt-1", "at-1", "csecret"} {
					if strings.Contains(err.Error(), secret) {
						t.Errorf("the error %q shows a credential", err)
					}
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if got := ts.refreshs.Load(); got != tc.wantRefresh {
				t.Errorf("%d refreshes, want %d", got, tc.wantRefresh)
			}
			if tc.wantErr == nil {
				if info.StoreID != "1305146709" || info.Name != "متجر التمور" || info.LocationID != "11" || info.Now.IsZero() {
					t.Errorf("info %+v", info)
				}
				s.tok.Lock()
				got := s.access
				s.tok.Unlock()
				if got != tc.wantAccess {
					t.Errorf("using %q, want %q", got, tc.wantAccess)
				}
				if tc.rotate && tc.wantRefresh > 0 && kr.creds[CredAccessToken] != tc.wantAccess {
					t.Errorf("keyring holds %q, want the new token saved", kr.creds[CredAccessToken])
				}
				if tc.rotate && tc.wantRefresh > 0 && kr.creds[CredRefreshToken] == "rt-1" {
					t.Error("the spent refresh token is still stored")
				}
			}
		})
	}
}

// Many requests meeting an expired token at once spend the refresh token once.
func TestConcurrentRequestsRenewOnce(t *testing.T) {
	wr := newWire(t)
	ts := &tokenServer{valid: map[string]bool{"rt-1": true}, current: "at-2"}
	ts.install(wr)
	kr := &keyring{creds: map[string]string{CredAccessToken: "at-1", CredRefreshToken: "rt-1", CredClientID: "cid", CredClientSecret: "csecret"}}
	s := wr.open(map[string]string{CredExpiresAt: ""}, kr.rotate)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var u userInfo
			_, err := s.call(context.Background(), "read", http.MethodGet, s.ep.UserInfo, nil, nil, &u)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if got := ts.refreshs.Load(); got != 1 {
		t.Errorf("%d refreshes, want 1", got)
	}
}

// A renewed pair the keyring could not save is never used: the request fails, and the old token
// stays in use.
func TestRenewedPairNotSavedIsNotUsed(t *testing.T) {
	wr := newWire(t)
	ts := &tokenServer{valid: map[string]bool{"rt-1": true}, current: "at-2"}
	ts.install(wr)
	kr := &keyring{creds: map[string]string{CredAccessToken: "at-1", CredRefreshToken: "rt-1", CredClientID: "cid", CredClientSecret: "csecret"},
		fail: errors.New("the keyring is locked")}
	soon := fmt.Sprint(time.Now().Add(-time.Minute).Unix())
	s := wr.open(map[string]string{CredExpiresAt: soon}, kr.rotate)
	if _, err := s.Info(context.Background()); err == nil || !strings.Contains(err.Error(), "keyring is locked") {
		t.Fatalf("err %v, want the keyring's", err)
	}
	s.tok.Lock()
	defer s.tok.Unlock()
	if s.access != "at-1" || s.refresh != "rt-1" {
		t.Errorf("using %q/%q, want the saved pair", s.access, s.refresh)
	}
}

// The token refresh is sent once: an answer lost on the way is not retried with the same
// (now perhaps spent) refresh token.
func TestRefreshIsNotRetried(t *testing.T) {
	wr := newWire(t)
	var calls atomic.Int32
	wr.handle("POST /oauth2/token", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusBadGateway)
	})
	wr.handle("GET /oauth2/user/info", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"status":401,"success":false,"error":{"code":"Unauthorized","message":"The access token is invalid or expired"}}`)
	})
	s := wr.open(map[string]string{CredExpiresAt: fmt.Sprint(time.Now().Add(-time.Hour).Unix())}, nil)
	if _, err := s.Info(context.Background()); err == nil {
		t.Fatal("an expired token whose renewal failed was used")
	}
	if calls.Load() != 1 {
		t.Errorf("%d refresh requests, want 1", calls.Load())
	}
}

// A store whose renewed tokens already expire within the margin (a short lifetime, or expiry
// times at odds with its clock) does not have its refresh token spent on every request.
func TestShortLivedTokensAreNotRenewedEachRequest(t *testing.T) {
	wr := newWire(t)
	ts := &tokenServer{valid: map[string]bool{"rt-1": true}, current: "at-1", expires: fmt.Sprint(time.Now().Add(time.Hour).Unix())}
	ts.install(wr)
	kr := &keyring{creds: map[string]string{CredAccessToken: "at-1", CredRefreshToken: "rt-1", CredClientID: "cid", CredClientSecret: "csecret"}}
	s := wr.open(map[string]string{CredExpiresAt: fmt.Sprint(time.Now().Add(time.Hour).Unix())}, kr.rotate)
	for i := 0; i < 5; i++ {
		var u userInfo
		if _, err := s.call(context.Background(), "read", http.MethodGet, s.ep.UserInfo, nil, nil, &u); err != nil {
			t.Fatal(err)
		}
	}
	if got := ts.refreshs.Load(); got != 1 {
		t.Errorf("%d refreshes in 5 syncs, want 1", got)
	}
}

// Info, which also tests a connection before it is saved, never renews a working token early:
// the store may already be connected under another connection that holds the same refresh
// token.
func TestInfoDoesNotRenewEarly(t *testing.T) {
	wr := newWire(t)
	ts := &tokenServer{valid: map[string]bool{"rt-1": true}, current: "at-1"}
	ts.install(wr)
	kr := &keyring{creds: map[string]string{CredAccessToken: "at-1", CredRefreshToken: "rt-1", CredClientID: "cid", CredClientSecret: "csecret"}}
	s := wr.open(map[string]string{CredExpiresAt: fmt.Sprint(time.Now().Add(time.Hour).Unix())}, kr.rotate)
	for i := 0; i < 3; i++ {
		if _, err := s.Info(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if got := ts.refreshs.Load(); got != 0 {
		t.Errorf("%d refreshes from Info, want none", got)
	}
}
