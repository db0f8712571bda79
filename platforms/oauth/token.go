// Package oauth is the OAuth 2.0 authorization-code flow shared by the platforms whose stores
// hand out tokens to an app the merchant registers (Salla, Zid): building the authorize address,
// a random state, a one-shot loopback listener for the browser's redirect, reading the address a
// merchant pastes when the redirect is not on this machine, and the token endpoint calls that
// exchange a code and refresh a token.
//
// It holds no platform's particulars: endpoints, scopes, extra form fields and extra response
// fields are the caller's. Requests go through platforms/httpx (retries, redirect policy).
// No error from this package carries a token, a code, a client secret or a client ID.
package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/httpx"
	"mizan/platforms/jsonnum"
)

// Endpoint is where a platform's OAuth server answers.
type Endpoint struct {
	AuthURL  string // the authorize page the merchant's browser opens
	TokenURL string // where codes are exchanged and tokens refreshed
}

// Token is a token endpoint's answer.
type Token struct {
	AccessToken  string
	RefreshToken string // empty when the server gave none
	TokenType    string
	Scope        string
	// Expiry is when the access token stops working, from the answer's `expires` (an absolute
	// Unix time) or `expires_in` (seconds from now); zero when the answer says neither.
	Expiry time.Time
	// Extra holds every other top-level field of the answer whose value is a string or a number,
	// as text (for example Zid's `Authorization`). Platforms take what they know by name.
	Extra map[string]string
}

// ExtraField is the answer's field name, matched regardless of case; "" when it has none.
func (t Token) ExtraField(name string) string {
	if v, ok := t.Extra[name]; ok {
		return v
	}
	for k, v := range t.Extra {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// Exchange trades an authorization code for tokens (grant_type=authorization_code). The form
// carries code, redirect_uri, client_id and client_secret, plus extra when given. redirect must be
// the redirect address sent to the authorize page, exactly.
//
// The answer is read leniently (see Token). A refused code (OAuth `invalid_grant`: used already,
// expired, or issued for another redirect) wraps core.ErrReconnect; refused app credentials
// (`invalid_client`, `unauthorized_client` or a bare 401) wrap core.ErrUnauthorized; 5xx and 429
// are retried by the client. Errors are *core.StoreError values and never carry the code, the
// tokens or the client's ID and secret.
func Exchange(ctx context.Context, c *httpx.Client, ep Endpoint, clientID, secret, code, redirect string, extra url.Values) (Token, error) {
	form := url.Values{
		"grant_type":   {"authorization_code"},
		"code":         {code},
		"redirect_uri": {redirect},
	}
	return call(ctx, c, ep, "exchange the authorization code for tokens", form, clientID, secret, extra, code)
}

// Refresh renews the access token with a refresh token (grant_type=refresh_token), sending
// refresh_token, client_id and client_secret, plus extra when given (Zid also wants
// redirect_uri). Its errors follow Exchange's: a refresh token the server refuses for good
// (`invalid_grant`: revoked, expired or spent) wraps core.ErrReconnect.
//
// Where refresh tokens are single use, the caller must save the new pair before using it (see
// core.RotateFunc). The answer may omit refresh_token: the old one then stays valid and the
// returned Token's RefreshToken is the one passed in. The client c retries network failures,
// 5xx and 429 as its policy says; a platform whose server may rotate on a request whose answer
// was lost can pass a client with Policy.MaxAttempts 1.
func Refresh(ctx context.Context, c *httpx.Client, ep Endpoint, clientID, secret, refreshToken string, extra url.Values) (Token, error) {
	form := url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {refreshToken},
	}
	tok, err := call(ctx, c, ep, "refresh the access token", form, clientID, secret, extra, refreshToken)
	if err == nil && tok.RefreshToken == "" {
		tok.RefreshToken = refreshToken
	}
	return tok, err
}

// call posts form to the token endpoint and reads the answer. secrets are scrubbed from what the
// server says before it goes into an error.
func call(ctx context.Context, c *httpx.Client, ep Endpoint, op string, form url.Values, clientID, secret string, extra url.Values, grant string) (Token, error) {
	if c == nil {
		c = &httpx.Client{}
	}
	for k, vs := range extra {
		form[k] = append([]string(nil), vs...)
	}
	form.Set("client_id", clientID)
	form.Set("client_secret", secret)
	resp, err := c.Do(ctx, httpx.Request{
		Op: op, Method: http.MethodPost, URL: ep.TokenURL,
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Accept": {"application/json"}},
		Body:   []byte(form.Encode()),
	})
	if err != nil {
		return Token{}, err
	}
	secrets := []string{clientID, secret, grant}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	tok, oerr, perr := parse(resp.Body, now())
	if tok.AccessToken != "" {
		secrets = append(secrets, tok.AccessToken, tok.RefreshToken)
		for _, v := range tok.Extra {
			secrets = append(secrets, v)
		}
	}
	switch {
	case resp.Status >= 200 && resp.Status < 300 && oerr.Code == "" && perr == nil && tok.AccessToken != "":
		return tok, nil
	case oerr.Code != "" || resp.Status == http.StatusUnauthorized:
		return Token{}, oauthError(op, resp.Status, oerr, secrets)
	case perr != nil && httpx.LooksHTML(resp):
		return Token{}, &core.StoreError{Op: op, Status: resp.Status, Message: "the token endpoint answered with a web page, not tokens; check the store's address"}
	case perr != nil:
		return Token{}, &core.StoreError{Op: op, Status: resp.Status, Message: "the token endpoint's answer could not be read: " + httpx.Redact(perr.Error(), secrets...)}
	case resp.Status >= 200 && resp.Status < 300:
		return Token{}, &core.StoreError{Op: op, Status: resp.Status, Message: "the token endpoint answered without an access token"}
	case resp.Status == http.StatusNotFound:
		return Token{}, &core.StoreError{Op: op, Status: resp.Status, Message: "no token endpoint answers at this address", Err: core.ErrNotFound}
	}
	return Token{}, &core.StoreError{Op: op, Status: resp.Status, Message: "the token endpoint refused the request"}
}

// Error is an OAuth error answer: `error` and `error_description`.
type Error struct {
	Code        string
	Description string
}

// oauthError turns an OAuth error answer into a *core.StoreError with the right sentinel.
func oauthError(op string, status int, e Error, secrets []string) error {
	var sentinel error
	var advice string
	switch e.Code {
	case "invalid_grant":
		sentinel = core.ErrReconnect
		advice = "the store refused the grant (the code or refresh token is used, expired or revoked); connect the store again"
	case "invalid_client", "unauthorized_client":
		sentinel = core.ErrUnauthorized
		advice = "the store refused the app's client ID or client secret; check them in the app's settings"
	case "":
		sentinel = core.ErrUnauthorized
		advice = "the store refused the app's credentials"
	default:
		advice = "the store refused the request"
		if status == http.StatusUnauthorized {
			sentinel = core.ErrUnauthorized
		}
	}
	msg := advice
	if e.Code != "" {
		detail := e.Code
		if d := strings.TrimSpace(e.Description); d != "" {
			detail += ": " + shorten(d, 200)
		}
		msg += " (" + httpx.Redact(detail, secrets...) + ")"
	}
	return &core.StoreError{Op: op, Status: status, Message: msg, Err: sentinel}
}

// known are the answer's fields Token has a place for.
var known = map[string]bool{
	"access_token": true, "refresh_token": true, "token_type": true, "scope": true,
	"expires": true, "expires_in": true, "error": true, "error_description": true,
}

// parse reads a token endpoint's JSON answer. It returns the token (AccessToken empty when there
// is none), the OAuth error when the answer has one, and an error when the body is not a JSON
// object. Numbers and strings are both accepted for expires and expires_in; an answer wrapped in
// a `data` object is read from inside it.
func parse(body []byte, now time.Time) (Token, Error, error) {
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&fields); err != nil || fields == nil {
		return Token{}, Error{}, fmt.Errorf("not a JSON object")
	}
	if _, ok := fields["access_token"]; !ok {
		if inner, ok := fields["data"]; ok {
			var in map[string]json.RawMessage
			if json.Unmarshal(inner, &in) == nil && in["access_token"] != nil {
				fields = in
			}
		}
	}
	var tok Token
	tok.AccessToken = text(fields["access_token"])
	tok.RefreshToken = text(fields["refresh_token"])
	tok.TokenType = text(fields["token_type"])
	tok.Scope = text(fields["scope"])
	oerr := readError(fields["error"])
	if oerr.Description == "" {
		oerr.Description = text(fields["error_description"])
	}
	if exp, err := number(fields["expires"]); err != nil {
		return Token{}, oerr, fmt.Errorf("expires: %w", err)
	} else if exp.Valid && exp.IsPositive() {
		tok.Expiry = expiryAt(exp.Decimal, now)
	}
	if tok.Expiry.IsZero() {
		if in, err := number(fields["expires_in"]); err != nil {
			return Token{}, oerr, fmt.Errorf("expires_in: %w", err)
		} else if in.Valid && in.IsPositive() {
			tok.Expiry = now.Add(time.Duration(in.IntPart()) * time.Second)
		}
	}
	for k, raw := range fields {
		if known[k] {
			continue
		}
		if v := text(raw); v != "" {
			if tok.Extra == nil {
				tok.Extra = map[string]string{}
			}
			tok.Extra[k] = v
		}
	}
	return tok, oerr, nil
}

// relativeBelow: an `expires` smaller than this (a date before 1973) is taken as seconds from
// now, as a few servers send it, rather than as an absolute Unix time.
const relativeBelow = 100_000_000

func expiryAt(v decimal.Decimal, now time.Time) time.Time {
	secs := v.IntPart()
	if secs < relativeBelow {
		return now.Add(time.Duration(secs) * time.Second)
	}
	return time.Unix(secs, 0)
}

// readError reads `error`, a string (RFC 6749) or an object with a code and a message (as some
// platforms' API envelopes send it).
func readError(raw json.RawMessage) Error {
	if len(raw) == 0 {
		return Error{}
	}
	if s := text(raw); s != "" {
		return Error{Code: s}
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return Error{}
	}
	e := Error{Code: text(obj["code"]), Description: text(obj["message"])}
	if e.Code == "" {
		e.Code = text(obj["error"])
	}
	if e.Description == "" {
		e.Description = text(obj["error_description"])
	}
	if e.Code == "" && e.Description != "" {
		e.Code = "error"
	}
	return e
}

// text is a JSON string's value or a JSON number's digits; anything else gives "".
func text(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return strings.TrimSpace(s)
		}
		return ""
	}
	if raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9') {
		var n json.Number
		if json.Unmarshal(raw, &n) == nil {
			return n.String()
		}
	}
	return ""
}

func number(raw json.RawMessage) (jsonnum.Num, error) {
	var n jsonnum.Num
	if len(raw) == 0 {
		return n, nil
	}
	err := json.Unmarshal(raw, &n)
	return n, err
}

func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
