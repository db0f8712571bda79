package core

import (
	"testing"
	"time"
)

func TestParseTokenExpiry(t *testing.T) {
	riyadh := time.FixedZone("AST", 3*3600)
	now := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{in: "", want: time.Time{}},
		{in: "2026-12-17", want: time.Date(2026, 12, 17, 0, 0, 0, 0, riyadh)},
		{in: "2026-12-17 10:30", want: time.Date(2026, 12, 17, 10, 30, 0, 0, riyadh)},
		{in: "2026-12-17T10:30:00Z", want: time.Date(2026, 12, 17, 10, 30, 0, 0, time.UTC)},
		{in: " 1797500000 ", want: time.Unix(1797500000, 0)},
		{in: "14d", want: now.AddDate(0, 0, 14)},
		{in: "14 D", want: now.AddDate(0, 0, 14)},
		{in: "tomorrow", bad: true},
		{in: "0d", bad: true},
		{in: "1209600", bad: true}, // seconds from now are ambiguous: refused
	}
	for _, tc := range cases {
		got, err := ParseTokenExpiry(tc.in, now, riyadh)
		if tc.bad {
			if err == nil {
				t.Errorf("%q: accepted as %v", tc.in, got)
			}
			continue
		}
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("%q: %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestTokenCredentials(t *testing.T) {
	o := &OAuthConnect{ClientIDKey: "client_id", ClientSecretKey: "client_secret", AccessTokenKey: "access_token",
		RefreshTokenKey: "refresh_token", ExpiresAtKey: "expires_at"}
	got := o.TokenCredentials(" cid ", "sec", "acc", "ref", time.Unix(1797500000, 0))
	want := map[string]string{"client_id": "cid", "client_secret": "sec", "access_token": "acc", "refresh_token": "ref", "expires_at": "1797500000"}
	if len(got) != len(want) {
		t.Fatalf("%v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if _, ok := o.TokenCredentials("c", "s", "a", "r", time.Time{})["expires_at"]; ok {
		t.Error("no expiry given, yet one saved")
	}
}
