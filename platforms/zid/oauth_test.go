package zid_test

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"mizan/core"
	"mizan/platforms/zid"
	"mizan/platforms/zid/zidtest"
)

// Connecting in the browser against the test store's OAuth server (a loopback store address
// points /oauth/… at it): the browser's return is received on a loopback redirect, the code is
// exchanged, and what is kept is enough to open the store, which names itself.
func TestConnectInTheBrowser(t *testing.T) {
	cases := []struct {
		name      string
		lowercase bool // the token answer spells the field "authorization"
	}{
		{name: "Authorization"},
		{name: "authorization", lowercase: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := zidtest.NewServer(zidtest.Options{LowercaseAuthorization: tc.lowercase})
			hs := s.Start()
			defer hs.Close()
			ctx := context.Background()
			oc := zid.Platform().OAuth
			att, err := oc.Start(ctx, core.OAuthRequest{StoreURL: hs.URL, ClientID: s.ClientID(), ClientSecret: s.ClientSecret(),
				Redirect: "http://127.0.0.1:0/callback", HTTPClient: hs.Client()})
			if err != nil {
				t.Fatal(err)
			}
			defer att.Close()
			if !att.Loopback {
				t.Fatal("a loopback redirect is not received on this computer")
			}
			go func() {
				resp, err := http.Get(att.URL)
				if err != nil {
					t.Errorf("browser: %v", err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}()
			wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			creds, err := att.Wait(wctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{zid.CredAuthorization, zid.CredAccessToken, zid.CredRefreshToken, zid.CredExpiresAt,
				zid.CredClientID, zid.CredClientSecret, zid.CredRedirect} {
				if creds[k] == "" {
					t.Errorf("no %s in %v", k, keys(creds))
				}
			}
			st, err := zid.New(core.StoreConfig{StoreURL: hs.URL, Credentials: creds, HTTPClient: hs.Client()}, zid.Options{})
			if err != nil {
				t.Fatal(err)
			}
			info, err := st.Info(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if info.StoreID != strconv.FormatInt(s.StoreID(), 10) {
				t.Errorf("store %q", info.StoreID)
			}
		})
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
