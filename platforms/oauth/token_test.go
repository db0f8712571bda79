package oauth

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"mizan/core"
	"mizan/platforms/httpx"
)

const (
	testID     = "client-id-1234"
	testSecret = "client-secret-5678"
	testCode   = "auth-code-abcdef"
	testRT     = "refresh-token-0001"
)

var testNow = time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)

// answer is one scripted token endpoint answer.
type answer struct {
	status int
	ctype  string
	body   string
}

// tokenServer is a loopback token endpoint that answers from a script (repeating the last
// answer) and records the forms it was sent.
type tokenServer struct {
	*httptest.Server
	mu      sync.Mutex
	script  []answer
	n       int
	forms   []url.Values
	methods []string
}

func newTokenServer(t *testing.T, script ...answer) *tokenServer {
	ts := &tokenServer{script: script}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/oauth2/token" {
			http.NotFound(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		ts.mu.Lock()
		ts.forms = append(ts.forms, form)
		ts.methods = append(ts.methods, r.Method+" "+r.Header.Get("Content-Type"))
		a := ts.script[min(ts.n, len(ts.script)-1)]
		ts.n++
		ts.mu.Unlock()
		ct := a.ctype
		if ct == "" {
			ct = "application/json"
		}
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(a.status)
		// {grant}, {id} and {secret} echo what was sent, as a careless server might.
		grant := form.Get("code") + form.Get("refresh_token")
		_, _ = io.WriteString(w, strings.NewReplacer("{grant}", grant, "{id}", form.Get("client_id"), "{secret}", form.Get("client_secret")).Replace(a.body))
	}))
	t.Cleanup(ts.Close)
	return ts
}

func (ts *tokenServer) endpoint() Endpoint {
	return Endpoint{AuthURL: ts.URL + "/oauth2/auth", TokenURL: ts.URL + "/oauth2/token"}
}

func (ts *tokenServer) calls() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.n
}

func testClient() *httpx.Client {
	return &httpx.Client{
		Now:   func() time.Time { return testNow },
		Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() },
	}
}

func TestTokenAnswers(t *testing.T) {
	abs := testNow.Add(14 * 24 * time.Hour)
	cases := []struct {
		name    string
		script  []answer
		want    Token
		wantErr error  // sentinel the error must wrap; nil with errText set: any error
		errText string // the error must contain it
		calls   int
	}{
		{
			name:   "expires as absolute unix number",
			script: []answer{{200, "", `{"token_type":"bearer","access_token":"acc-1111","expires":` + itoa(abs.Unix()) + `,"refresh_token":"ref-2222","scope":"offline_access products.read_write"}`}},
			want:   Token{AccessToken: "acc-1111", RefreshToken: "ref-2222", TokenType: "bearer", Scope: "offline_access products.read_write", Expiry: abs},
			calls:  1,
		},
		{
			name:   "expires as absolute unix string",
			script: []answer{{200, "", `{"access_token":"acc-1111","expires":"` + itoa(abs.Unix()) + `","refresh_token":"ref-2222"}`}},
			want:   Token{AccessToken: "acc-1111", RefreshToken: "ref-2222", Expiry: abs},
			calls:  1,
		},
		{
			name:   "expires_in as number",
			script: []answer{{200, "", `{"access_token":"acc-1111","expires_in":1209600,"refresh_token":"ref-2222"}`}},
			want:   Token{AccessToken: "acc-1111", RefreshToken: "ref-2222", Expiry: abs},
			calls:  1,
		},
		{
			name:   "expires_in as string",
			script: []answer{{200, "", `{"access_token":"acc-1111","expires_in":"1209600","refresh_token":"ref-2222"}`}},
			want:   Token{AccessToken: "acc-1111", RefreshToken: "ref-2222", Expiry: abs},
			calls:  1,
		},
		{
			name:   "small expires is seconds from now",
			script: []answer{{200, "", `{"access_token":"acc-1111","expires":1209600}`}},
			want:   Token{AccessToken: "acc-1111", Expiry: abs},
			calls:  1,
		},
		{
			name:   "no expiry, extra fields kept",
			script: []answer{{200, "", `{"access_token":"acc-1111","refresh_token":"ref-2222","Authorization":"auth-3333","user":{"id":1},"count":7}`}},
			want:   Token{AccessToken: "acc-1111", RefreshToken: "ref-2222", Extra: map[string]string{"Authorization": "auth-3333", "count": "7"}},
			calls:  1,
		},
		{
			name:   "answer inside a data object",
			script: []answer{{200, "", `{"status":200,"success":true,"data":{"access_token":"acc-1111","refresh_token":"ref-2222","expires_in":1209600}}`}},
			want:   Token{AccessToken: "acc-1111", RefreshToken: "ref-2222", Expiry: abs},
			calls:  1,
		},
		{
			name:   "503 then 200",
			script: []answer{{503, "", `{"error":"unavailable"}`}, {200, "", `{"access_token":"acc-1111","refresh_token":"ref-2222","expires_in":1209600}`}},
			want:   Token{AccessToken: "acc-1111", RefreshToken: "ref-2222", Expiry: abs},
			calls:  2,
		},
		{
			name:   "429 then 200",
			script: []answer{{429, "", `{}`}, {200, "", `{"access_token":"acc-1111","refresh_token":"ref-2222","expires_in":1209600}`}},
			want:   Token{AccessToken: "acc-1111", RefreshToken: "ref-2222", Expiry: abs},
			calls:  2,
		},
		{
			name:    "invalid_grant",
			script:  []answer{{400, "", `{"error":"invalid_grant","error_description":"The grant {grant} is invalid."}`}},
			wantErr: core.ErrReconnect,
			errText: "invalid_grant",
			calls:   1,
		},
		{
			name:    "invalid_client",
			script:  []answer{{401, "", `{"error":"invalid_client","error_description":"Client authentication failed for {id} / {secret}"}`}},
			wantErr: core.ErrUnauthorized,
			errText: "invalid_client",
			calls:   1,
		},
		{
			name:    "error as an object",
			script:  []answer{{400, "", `{"status":400,"success":false,"error":{"code":"invalid_grant","message":"expired"}}`}},
			wantErr: core.ErrReconnect,
			errText: "expired",
			calls:   1,
		},
		{
			name:    "401 with an envelope error",
			script:  []answer{{401, "", `{"status":401,"success":false,"error":{"code":"Unauthorized","message":"The client is not allowed"}}`}},
			wantErr: core.ErrUnauthorized,
			errText: "not allowed",
			calls:   1,
		},
		{
			name:    "bare 401",
			script:  []answer{{401, "text/plain", `Unauthorized`}},
			wantErr: core.ErrUnauthorized,
			calls:   1,
		},
		{
			name:    "HTML body",
			script:  []answer{{200, "text/html", `<!doctype html><html><body>Login</body></html>`}},
			errText: "web page",
			calls:   1,
		},
		{
			name:    "200 without access token",
			script:  []answer{{200, "", `{"token_type":"bearer"}`}},
			errText: "without an access token",
			calls:   1,
		},
		{
			name:    "bad expires",
			script:  []answer{{200, "", `{"access_token":"acc-1111","expires":"soon"}`}},
			errText: "could not be read",
			calls:   1,
		},
	}
	for _, tc := range cases {
		for _, grant := range []string{"exchange", "refresh"} {
			t.Run(tc.name+"/"+grant, func(t *testing.T) {
				ts := newTokenServer(t, tc.script...)
				var tok Token
				var err error
				if grant == "exchange" {
					tok, err = Exchange(context.Background(), testClient(), ts.endpoint(), testID, testSecret, testCode, "http://127.0.0.1:8765/callback", nil)
				} else {
					tok, err = Refresh(context.Background(), testClient(), ts.endpoint(), testID, testSecret, testRT, nil)
				}
				if got := ts.calls(); got != tc.calls {
					t.Errorf("calls = %d, want %d", got, tc.calls)
				}
				if tc.wantErr != nil || tc.errText != "" {
					if err == nil {
						t.Fatalf("no error, token %+v", tok)
					}
					if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
						t.Errorf("error %v does not wrap %v", err, tc.wantErr)
					}
					if !strings.Contains(err.Error(), tc.errText) {
						t.Errorf("error %q does not say %q", err, tc.errText)
					}
					var se *core.StoreError
					if !errors.As(err, &se) {
						t.Errorf("error %T is not a *core.StoreError", err)
					}
					for _, secret := range []string{testID, testSecret, testCode, testRT, "acc-1111"} {
						if strings.Contains(err.Error(), secret) {
							t.Errorf("error %q carries %q", err, secret)
						}
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				want := tc.want
				if grant == "refresh" && want.RefreshToken == "" {
					want.RefreshToken = testRT // kept when the answer gives no new one
				}
				if !sameToken(tok, want) {
					t.Errorf("token = %+v\nwant    %+v", tok, want)
				}
			})
		}
	}
}

func sameToken(a, b Token) bool {
	if a.AccessToken != b.AccessToken || a.RefreshToken != b.RefreshToken || a.TokenType != b.TokenType ||
		a.Scope != b.Scope || !a.Expiry.Equal(b.Expiry) || len(a.Extra) != len(b.Extra) {
		return false
	}
	for k, v := range b.Extra {
		if a.Extra[k] != v {
			return false
		}
	}
	return true
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestTokenForms(t *testing.T) {
	ok := answer{200, "", `{"access_token":"acc-1111","refresh_token":"ref-2222","expires_in":60}`}
	ts := newTokenServer(t, ok)
	ctx := context.Background()
	if _, err := Exchange(ctx, testClient(), ts.endpoint(), testID, testSecret, testCode, "http://127.0.0.1:8765/callback", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Refresh(ctx, testClient(), ts.endpoint(), testID, testSecret, testRT, url.Values{"redirect_uri": {"https://example.com/cb"}}); err != nil {
		t.Fatal(err)
	}
	want := []url.Values{
		{"grant_type": {"authorization_code"}, "code": {testCode}, "redirect_uri": {"http://127.0.0.1:8765/callback"}, "client_id": {testID}, "client_secret": {testSecret}},
		{"grant_type": {"refresh_token"}, "refresh_token": {testRT}, "redirect_uri": {"https://example.com/cb"}, "client_id": {testID}, "client_secret": {testSecret}},
	}
	for i, w := range want {
		if got := ts.forms[i].Encode(); got != w.Encode() {
			t.Errorf("form %d = %s\nwant %s", i, got, w.Encode())
		}
		if ts.methods[i] != "POST application/x-www-form-urlencoded" {
			t.Errorf("request %d: %s", i, ts.methods[i])
		}
	}
}
