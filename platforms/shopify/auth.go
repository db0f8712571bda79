package shopify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"mizan/core"
	"mizan/platforms/httpx"
)

// The credentials a client credentials grant gives, kept with the connection's own through
// StoreConfig.Rotate: the granted token and when it expires (Unix seconds). A process that
// starts while the saved token is fresh uses it instead of asking for another.
const (
	CredGrantedToken   = "granted_token"
	CredGrantedExpires = "granted_token_expires"
)

// tokens supplies the X-Shopify-Access-Token value: a static Admin API token, or one obtained with
// the client credentials grant (POST /admin/oauth/access_token), renewed shortly before it
// expires (see renewMargin) or when the API refuses it. With a RotateFunc (a saved connection)
// the granted token and its expiry are saved through it, so every caller and every later process
// shares one token; without one (a connection being tested before it is saved) they are kept in
// memory.
type tokens struct {
	static       string
	clientID     string
	clientSecret string
	tokenURL     string
	http         *httpx.Client
	now          func() time.Time
	rotate       core.RotateFunc

	// granting holds one token while a grant is under way, so that one grant runs at a time;
	// waiting for it honours the caller's context.
	granting chan struct{}

	// mu guards current and renewAt only. It is never held while a request is sent or a line is
	// logged: the retry layer logs through the scrubber, which reads current under mu.
	mu      sync.Mutex
	current string
	renewAt time.Time
	// refusedTok is the last token the API refused: a saved copy of it is not fresh.
	refusedTok string
}

// newTokens makes the token source of a connection. A granted token saved with its credentials
// is used while it is fresh.
func newTokens(set settings, cfg core.StoreConfig, tokenURL string, now func() time.Time) *tokens {
	t := &tokens{static: set.accessToken, clientID: set.clientID, clientSecret: set.clientSecret,
		tokenURL: tokenURL, now: now, rotate: cfg.Rotate, granting: make(chan struct{}, 1)}
	if t.granted() {
		if tok, due, ok := t.saved(cfg.Credentials); ok {
			t.current, t.renewAt = tok, due
		}
	}
	return t
}

// defaultTokenLifetime is assumed when a grant does not say how long its token lasts.
const defaultTokenLifetime = 24 * time.Hour

// renewMargin is how long before it expires a granted token is renewed: ten minutes, or a
// tenth of its life for one that lasts less than 100 minutes.
func renewMargin(life time.Duration) time.Duration {
	return min(life/10, 10*time.Minute)
}

// saved reads a granted token and its expiry from credentials, with the time it is due for
// renewal; ok is false when there is none, it is the one the API refused, or it is due.
func (t *tokens) saved(creds map[string]string) (tok string, due time.Time, ok bool) {
	tok = strings.TrimSpace(creds[CredGrantedToken])
	secs, err := strconv.ParseInt(strings.TrimSpace(creds[CredGrantedExpires]), 10, 64)
	if tok == "" || err != nil || secs <= 0 {
		return "", time.Time{}, false
	}
	t.mu.Lock()
	refused := tok == t.refusedTok
	t.mu.Unlock()
	// How long it was granted for is not saved: the margin of a token of the usual lifetime.
	due = time.Unix(secs, 0).Add(-renewMargin(defaultTokenLifetime))
	if refused || !t.now().Before(due) {
		return "", time.Time{}, false
	}
	return tok, due, true
}

// granted reports whether tokens come from the client credentials grant.
func (t *tokens) granted() bool { return t.static == "" }

// get returns a token, asking for a new one when there is none or it is due for renewal. One
// grant runs at a time; callers that arrive meanwhile wait for it (or for their context to end)
// and use the token it got.
func (t *tokens) get(ctx context.Context) (string, error) {
	if t.static != "" {
		return t.static, nil
	}
	if tok, ok := t.fresh(); ok {
		return tok, nil
	}
	select {
	case t.granting <- struct{}{}:
	case <-ctx.Done():
		return "", fmt.Errorf("get an access token: %w", ctx.Err())
	}
	defer func() { <-t.granting }()
	if tok, ok := t.fresh(); ok {
		return tok, nil // granted while this caller waited
	}
	if t.rotate != nil {
		return t.renewSaved(ctx)
	}
	tok, life, err := t.grant(ctx) // no lock held: the retries log through the scrubber
	if err != nil {
		return "", err
	}
	t.mu.Lock()
	t.current = tok
	t.renewAt = t.now().Add(life - renewMargin(life))
	t.mu.Unlock()
	return tok, nil
}

// renewSaved gets a token through the connection's RotateFunc: the saved one when it is fresh
// (another caller or process got it), else a new grant, saved before it is used.
func (t *tokens) renewSaved(ctx context.Context) (string, error) {
	var due time.Time
	creds, err := t.rotate(ctx, func(current map[string]string) (map[string]string, error) {
		if _, _, ok := t.saved(current); ok {
			return nil, nil
		}
		tok, life, err := t.grant(ctx) // no lock held: the retries log through the scrubber
		if err != nil {
			return nil, err
		}
		expires := t.now().Add(life)
		due = expires.Add(-renewMargin(life))
		return map[string]string{CredGrantedToken: tok, CredGrantedExpires: strconv.FormatInt(expires.Unix(), 10)}, nil
	})
	if err != nil {
		return "", err
	}
	tok := creds[CredGrantedToken]
	if due.IsZero() { // the saved token was fresh
		var ok bool
		if tok, due, ok = t.saved(creds); !ok {
			return "", fmt.Errorf("get an access token: the saved token is missing or already due for renewal")
		}
	}
	t.mu.Lock()
	t.current, t.renewAt = tok, due
	t.mu.Unlock()
	return tok, nil
}

// fresh returns the current token when there is one not yet due for renewal.
func (t *tokens) fresh() (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.current != "" && t.now().Before(t.renewAt) {
		return t.current, true
	}
	return "", false
}

// refused forgets tok after the API refused it, so that the next get asks for a new one. It
// reports whether a new token can be asked for.
func (t *tokens) refused(tok string) bool {
	if t.static != "" {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.current == tok {
		t.current = ""
	}
	t.refusedTok = tok
	return true
}

type grantResponse struct {
	AccessToken string `json:"access_token"`
	Scope       string `json:"scope"`
	ExpiresIn   num    `json:"expires_in"`
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

func (t *tokens) grant(ctx context.Context) (string, time.Duration, error) {
	const op = "get an access token"
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {t.clientID},
		"client_secret": {t.clientSecret},
	}
	resp, err := t.http.Do(ctx, httpx.Request{
		Op: op, Method: http.MethodPost, URL: t.tokenURL,
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Accept": {"application/json"}},
		Body:   []byte(form.Encode()),
	})
	if err != nil {
		return "", 0, err
	}
	var g grantResponse
	jsonErr := json.Unmarshal(resp.Body, &g)
	switch {
	case resp.Status == http.StatusOK && jsonErr == nil && g.AccessToken != "":
	case resp.Status == http.StatusBadRequest || resp.Status == http.StatusUnauthorized || resp.Status == http.StatusForbidden:
		msg := "the client ID or client secret was refused; check them in the Shopify Dev Dashboard and that the app is installed on this store"
		if g.Error != "" {
			msg += " (" + g.Error + ")"
		}
		return "", 0, &core.StoreError{Op: op, Status: resp.Status, Message: msg, Err: core.ErrUnauthorized}
	case resp.Status == http.StatusNotFound:
		return "", 0, &core.StoreError{Op: op, Status: resp.Status, Message: "no Shopify store answers at this address", Err: core.ErrNotFound}
	default:
		return "", 0, &core.StoreError{Op: op, Status: resp.Status, Message: "unexpected answer to the client credentials grant"}
	}
	life := defaultTokenLifetime
	if g.ExpiresIn.Valid && g.ExpiresIn.IsPositive() {
		life = time.Duration(g.ExpiresIn.IntPart()) * time.Second
	}
	return g.AccessToken, life, nil
}

// scrub removes every credential value from s: error messages and logs pass through it.
func (t *tokens) scrub(s string) string {
	t.mu.Lock()
	cur := t.current
	t.mu.Unlock()
	return httpx.Redact(s, t.static, t.clientSecret, t.clientID, cur)
}
