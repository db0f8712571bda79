package httpx

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"mizan/core"
)

func TestRedact(t *testing.T) {
	cases := []struct{ in, want string }{
		{"token at-12345 refused", "token [redacted] refused"},
		{"short abc stays", "short abc stays"},
		{"both at-12345 and cs_secret", "both [redacted] and [redacted]"},
	}
	for _, tc := range cases {
		if got := Redact(tc.in, "at-12345", "cs_secret", "abc", ""); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	se := &core.StoreError{Op: "read at-12345", Status: 401, Message: "bad at-12345", Err: core.ErrUnauthorized}
	got := RedactError(fmt.Errorf("sync: %w", se), "at-12345")
	var out *core.StoreError
	if !errors.As(got, &out) || out.Message != "bad [redacted]" || out.Op != "read [redacted]" || !errors.Is(got, core.ErrUnauthorized) || out.Status != 401 {
		t.Errorf("RedactError(store error) = %#v", got)
	}
	if got := RedactError(errors.New("dial at-12345"), "at-12345"); got.Error() != "dial [redacted]" {
		t.Errorf("RedactError(plain) = %v", got)
	}
	plain := errors.New("nothing secret")
	if got := RedactError(plain, "at-12345"); got != plain || RedactError(nil, "x") != nil {
		t.Errorf("an error without a secret changed: %v", got)
	}
}

func TestRetryCutJSON(t *testing.T) {
	cases := []struct {
		status int
		ctype  string
		body   string
		retry  bool
	}{
		{200, "application/json", `{"a":1}`, false},
		{200, "application/json", `{"a":`, true},
		{200, "text/html", `<html>login</html>`, false},
		{200, "", `  <!doctype html>`, false},
		{404, "application/json", `{"a":`, false},
	}
	for _, tc := range cases {
		r := &Response{Status: tc.status, Header: http.Header{"Content-Type": {tc.ctype}}, Body: []byte(tc.body)}
		if got := RetryCutJSON(r) != nil; got != tc.retry {
			t.Errorf("%d %s %q: retry %v, want %v", tc.status, tc.ctype, tc.body, got, tc.retry)
		}
	}
}
