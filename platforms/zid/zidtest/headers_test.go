package zidtest

import (
	"net/http"
	"testing"
)

// TestHeaders: each endpoint takes its documented credentials and refuses the others with
// Zid's status and body.
func TestHeaders(t *testing.T) {
	c := start(t, Options{RateLimit: -1})
	id, _ := c.s.AddProduct(ProductInput{Name: Names{Ar: "تمر"}, SKU: "D-1", Price: d("10")})
	other := c.s.IssueTokens()
	const products, profile = "/v1/products/", "/v1/managers/account/profile"
	cases := []struct {
		name   string
		path   string
		edit   func(h http.Header)
		status int
		detail bool // a DRF {"detail"} body (else Zid's {"status": "error", "message": {…}})
	}{
		{"products as documented", products, func(h http.Header) {}, 200, false},
		{"products without Authorization", products, func(h http.Header) { h.Del("Authorization") }, 401, true},
		{"products with an unknown Authorization", products, func(h http.Header) { h.Set("Authorization", "Bearer nope") }, 401, true},
		{"products with X-Manager-Token instead of Access-Token", products, func(h http.Header) {
			h.Set("X-Manager-Token", h.Get("Access-Token"))
			h.Del("Access-Token")
		}, 401, true},
		{"products with another grant's token", products, func(h http.Header) { h.Set("Access-Token", other.AccessToken) }, 401, true},
		{"products without Store-Id", products, func(h http.Header) { h.Del("Store-Id") }, 403, true},
		{"products with another Store-Id", products, func(h http.Header) { h.Set("Store-Id", "1") }, 403, true},
		{"products without Role", products, func(h http.Header) { h.Del("Role") }, 403, true},
		{"product detail without Role", products + id + "/", func(h http.Header) { h.Del("Role") }, 403, true},
		{"locations as documented", "/v1/locations/", func(h http.Header) {}, 200, false},
		{"locations without Access-Token", "/v1/locations/", func(h http.Header) { h.Del("Access-Token") }, 401, true},
		{"profile as documented", profile, func(h http.Header) {}, 200, false},
		{"profile with Access-Token instead of X-Manager-Token", profile, func(h http.Header) {
			h.Set("Access-Token", h.Get("X-Manager-Token"))
			h.Del("X-Manager-Token")
		}, 401, false},
		{"profile without Authorization", profile, func(h http.Header) { h.Del("Authorization") }, 401, false},
		{"profile with the manager token as the bearer", profile, func(h http.Header) { h.Set("Authorization", "Bearer "+c.tok.AccessToken) }, 401, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := c.headers(tc.path)
			tc.edit(h)
			resp, body := c.send(http.MethodGet, tc.path, h, nil)
			if resp.StatusCode != tc.status {
				t.Fatalf("%d %v, want %d", resp.StatusCode, body, tc.status)
			}
			if tc.status == 200 {
				return
			}
			if _, has := body["detail"]; has != tc.detail {
				t.Errorf("body %v", body)
			}
			if !tc.detail && (body["status"] != "error" || obj(body["message"])["description"] == nil) {
				t.Errorf("body %v", body)
			}
		})
	}
	// An expired grant is refused everywhere until renewed.
	c.s.ExpireTokens()
	if resp, _ := c.do(http.MethodGet, profile, nil); resp.StatusCode != 401 {
		t.Errorf("expired: %d", resp.StatusCode)
	}
}
