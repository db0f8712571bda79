package core

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Platform describes one kind of store and opens connections to it. Platform packages provide
// one; cmd/mizan hands them to the engine, which never imports a platform itself.
type Platform struct {
	Name  string // "shopify", "woocommerce", "salla", "zid"
	Title string // shown to the merchant: "Shopify"
	// Credentials are the secret fields the merchant fills in; they go to the keyring.
	Credentials []CredentialField
	// Options are the platform's non-secret settings (API version, stock location, …).
	Options []OptionField
	// States are the order states a merchant can choose to invoice, and DefaultStates those
	// chosen unless they change it.
	States        []string
	DefaultStates []string
	// StoreURLHint shows what a store address looks like, e.g. "https://your-shop.myshopify.com".
	StoreURLHint string
	// Open makes a Store for a connection. It must not contact the store (Info does that).
	Open func(cfg StoreConfig) (Store, error)
	// OAuth, when set, says the platform's stores are connected through OAuth's authorization
	// code flow, with an app the merchant registers: the window and the CLI offer "connect in
	// the browser" through it, and "I already have tokens" through its keys.
	OAuth *OAuthConnect
}

// OAuthConnect is how a platform's stores are connected with OAuth, described for the window
// and the CLI, which import no platform. The credentials it gives are saved as the platform's
// Credentials; AddConnection then asks the store who it is with them before saving anything.
type OAuthConnect struct {
	// Scopes are the permissions the merchant's app must be granted, for help texts.
	Scopes []string
	// RedirectHint is a redirect address to register for the app, e.g.
	// "http://127.0.0.1:8765/callback": a loopback address lets Mizan finish by itself.
	RedirectHint string
	// The credential keys the flow fills: the app's client ID and secret (entered by the
	// merchant), the access and refresh tokens, and the access token's expiry (absolute Unix
	// seconds, as text). The "I already have tokens" path fills the same keys.
	ClientIDKey, ClientSecretKey, AccessTokenKey, RefreshTokenKey, ExpiresAtKey string
	// Start begins one connection attempt: it listens on the redirect address when that is a
	// loopback address (so a port in use is known before the browser opens) and returns the
	// authorize address for the browser. Close the attempt when done.
	Start func(ctx context.Context, req OAuthRequest) (*OAuthAttempt, error)
}

// OAuthRequest is what starting an OAuth connection needs.
type OAuthRequest struct {
	StoreURL     string // the store's address, as for a connection; may choose the OAuth server
	ClientID     string
	ClientSecret string
	Redirect     string // the redirect address registered for the app, exactly
	HTTPClient   *http.Client
	Log          *slog.Logger
}

// OAuthAttempt is one connection attempt under way.
type OAuthAttempt struct {
	// URL is the authorize address to open in the merchant's browser (and to show, so that it
	// can be copied where no browser opens).
	URL string
	// Loopback is true when the browser's return is received on this computer: call Wait.
	// Otherwise the merchant pastes the address the browser ended on: call Paste with it.
	Loopback bool
	// Wait waits for the browser's return (at most a few minutes) and exchanges its code; Paste
	// takes the code from a pasted address and exchanges it. Both give the credentials to save,
	// client ID and secret included.
	Wait  func(ctx context.Context) (map[string]string, error)
	Paste func(ctx context.Context, pasted string) (map[string]string, error)
	// Close stops listening; it may be called more than once.
	Close func()
}

// TokenCredentials are the credentials of the "I already have tokens" path: the app's client
// ID and secret, the tokens and the access token's expiry, under the platform's keys.
func (o *OAuthConnect) TokenCredentials(clientID, secret, access, refresh string, expiry time.Time) map[string]string {
	creds := map[string]string{
		o.ClientIDKey:     strings.TrimSpace(clientID),
		o.ClientSecretKey: strings.TrimSpace(secret),
		o.AccessTokenKey:  strings.TrimSpace(access),
		o.RefreshTokenKey: strings.TrimSpace(refresh),
	}
	if !expiry.IsZero() {
		creds[o.ExpiresAtKey] = strconv.FormatInt(expiry.Unix(), 10)
	}
	return creds
}

// ParseTokenExpiry reads an access token's expiry as a merchant enters it: a date (2026-12-17),
// a date and time (2026-12-17 10:00, RFC 3339), Unix seconds (1797500000), or a number of days
// from now ("14d"). Dates without a zone are read in loc. Empty gives the zero time.
func ParseTokenExpiry(s string, now time.Time, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if d, ok := strings.CutSuffix(strings.ToLower(s), "d"); ok {
		if n, err := strconv.Atoi(strings.TrimSpace(d)); err == nil && n > 0 && n <= 3650 {
			return now.AddDate(0, 0, n), nil
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 100_000_000 {
		return time.Unix(n, 0), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an expiry: enter a date such as 2026-12-17, Unix seconds, or days from now such as 14d", s)
}

// CredentialField is one secret the merchant enters for a platform.
type CredentialField struct {
	Key   string // the key it is stored under, e.g. "access_token"
	Label string // e.g. "Admin API access token"
	Help  string
	// Group: credentials with the same non-empty group are an alternative set (fill one group).
	Group string
}

// OptionField is a platform setting that is not secret.
type OptionField struct {
	Key, Label, Help, Default string
}

// StoreConfig is what a platform needs to open a connection.
type StoreConfig struct {
	StoreURL    string
	Credentials map[string]string // read from the keyring for this call only
	Options     map[string]string
	// HTTPClient, when set, is the client to use (tests and the demo store); otherwise the
	// platform builds its own with timeouts.
	HTTPClient *http.Client
	// Log receives the platform's diagnostics (retries, throttling). Never give it a secret.
	Log *slog.Logger
	// StoreIssuesInvoices: the connection says the store issues the tax invoices (Settings), so
	// the books keep the store's own documents (StoreDocument). A platform that needs requests of
	// their own to read them makes those only then.
	StoreIssuesInvoices bool
	// Rotate, when set, is how a platform replaces credentials that the store rotates (an OAuth
	// access token renewed with a single-use refresh token, a client-credentials grant). See
	// RotateFunc for the rules. While a connection is added or edited, it keeps what the store
	// renews in memory, and the engine saves that with the connection (a spent refresh token is
	// never the one saved). It is nil only for the form's "Test connection" of credentials not
	// saved yet: the platform then keeps what it renews in memory itself.
	Rotate RotateFunc
}

// RotateFunc runs renew with the connection's credentials as they are stored now, one renewal
// at a time per connection (every caller in the process waits its turn, so a single-use refresh
// token is never spent twice). renew returns only the credentials that changed, or an error.
//
// The engine writes what renew returns to the keyring before RotateFunc returns it, and only
// then may the platform use the new values and drop the old ones: a new pair that could not be
// saved is never used. When renew finds, from current, that another caller already renewed
// (the stored token is fresh), it returns no changes and RotateFunc returns current as stored.
// renew's error is returned as is; a store that refused the renewal for good (OAuth
// invalid_grant: the refresh token was revoked or already spent) is reported by wrapping
// ErrReconnect, and the engine then marks the connection as needing the merchant to connect it
// again instead of retrying.
type RotateFunc func(ctx context.Context, renew func(current map[string]string) (changed map[string]string, err error)) (map[string]string, error)

// Option returns the option's value or the platform's default for it.
func (p Platform) Option(opts map[string]string, key string) string {
	if v := strings.TrimSpace(opts[key]); v != "" {
		return v
	}
	for _, o := range p.Options {
		if o.Key == key {
			return o.Default
		}
	}
	return ""
}

// Platforms is the set of platforms an engine knows, by name.
type Platforms map[string]Platform

// NewPlatforms indexes platforms by name.
func NewPlatforms(ps ...Platform) Platforms {
	out := Platforms{}
	for _, p := range ps {
		out[p.Name] = p
	}
	return out
}

// Get returns a platform by name.
func (ps Platforms) Get(name string) (Platform, error) {
	p, ok := ps[name]
	if !ok {
		return Platform{}, fmt.Errorf("unknown platform %q (known: %s)", name, strings.Join(ps.Names(), ", "))
	}
	return p, nil
}

// Names lists the platform names in order.
func (ps Platforms) Names() []string {
	var out []string
	for n := range ps {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
