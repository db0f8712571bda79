package core

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
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
	// Rotate, when set, is how a platform replaces credentials that the store rotates (an OAuth
	// access token renewed with a single-use refresh token, a client-credentials grant). See
	// RotateFunc for the rules. It is nil for credentials not saved yet (testing a connection
	// before it is added): the platform then keeps what it renews in memory only.
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
