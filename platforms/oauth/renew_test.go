package oauth

import (
	"context"
	"errors"
	"testing"
)

// Renew spends the refresh token once: in memory without a RotateFunc, through it otherwise,
// and not at all when the stored credentials show another caller renewed first.
func TestRenew(t *testing.T) {
	held := map[string]string{"access_token": "old", "refresh_token": "r1", "client_id": "c"}
	cases := []struct {
		name       string
		stored     map[string]string // nil: no RotateFunc
		fail       bool
		wantCalls  int
		wantAccess string
		wantErr    bool
	}{
		{name: "in memory", wantCalls: 1, wantAccess: "new"},
		{name: "through rotate", stored: map[string]string{"access_token": "old", "refresh_token": "r1"}, wantCalls: 1, wantAccess: "new"},
		{name: "another caller renewed", stored: map[string]string{"access_token": "other", "refresh_token": "r2"}, wantCalls: 0, wantAccess: "other"},
		{name: "refused", stored: map[string]string{"access_token": "old"}, fail: true, wantCalls: 1, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			refresh := func(current map[string]string) (map[string]string, error) {
				calls++
				if current["refresh_token"] == "" && tc.stored == nil {
					t.Errorf("refresh given %v", current)
				}
				if tc.fail {
					return nil, errors.New("invalid_grant")
				}
				return map[string]string{"access_token": "new", "refresh_token": "r3"}, nil
			}
			var rotate func(ctx context.Context, renew func(map[string]string) (map[string]string, error)) (map[string]string, error)
			if tc.stored != nil {
				rotate = func(ctx context.Context, renew func(map[string]string) (map[string]string, error)) (map[string]string, error) {
					changed, err := renew(tc.stored)
					if err != nil {
						return nil, err
					}
					out := map[string]string{}
					for k, v := range tc.stored {
						out[k] = v
					}
					for k, v := range changed {
						out[k] = v
					}
					return out, nil
				}
			}
			got, err := Renew(context.Background(), rotate, held, "access_token", "old", refresh)
			if (err != nil) != tc.wantErr || calls != tc.wantCalls || (err == nil && got["access_token"] != tc.wantAccess) {
				t.Errorf("got %v, %v after %d refreshes", got, err, calls)
			}
			if held["access_token"] != "old" {
				t.Errorf("the held credentials were changed: %v", held)
			}
		})
	}
}
