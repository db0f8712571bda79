package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	"mizan/core"
)

// Redact replaces every secret of four characters or more in t with "[redacted]": what a store or
// a proxy echoes back (a token in an error message) passes through it before it reaches an error
// or a log. Shorter values are left alone, as they would match ordinary text.
func Redact(t string, secrets ...string) string {
	for _, s := range secrets {
		if len(s) >= 4 {
			t = strings.ReplaceAll(t, s, "[redacted]")
		}
	}
	return t
}

// RedactError is err with the secrets redacted from its message. A *core.StoreError keeps its
// status and the sentinel it wraps; another error whose message changes becomes a plain one.
func RedactError(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	var se *core.StoreError
	if errors.As(err, &se) {
		c := *se
		c.Message, c.Op = Redact(c.Message, secrets...), Redact(c.Op, secrets...)
		return &c
	}
	if msg := Redact(err.Error(), secrets...); msg != err.Error() {
		return errors.New(msg)
	}
	return err
}

// LooksHTML says whether an answer is a web page (by its type, or a body starting with '<'):
// something other than the store's API answered (a login wall, a proxy, a captive portal).
func LooksHTML(r *Response) bool {
	if strings.Contains(strings.ToLower(r.Header.Get("Content-Type")), "text/html") {
		return true
	}
	b := bytes.TrimSpace(r.Body)
	return len(b) > 0 && b[0] == '<'
}

// RetryCutJSON is an Inspect hook for JSON APIs: a successful answer that is neither JSON nor a
// web page (a body cut short on the way) is tried again. A web page is not: the caller says
// what answered instead.
func RetryCutJSON(r *Response) *Retry {
	if r.Status < 200 || r.Status >= 300 || json.Valid(r.Body) || LooksHTML(r) {
		return nil
	}
	return &Retry{Reason: "the body is not valid JSON (cut short?)"}
}
