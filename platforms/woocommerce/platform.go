// Package woocommerce connects Mizan to a WooCommerce store through the WooCommerce REST API
// (wc/v3). It implements core.Store: products (one per simple product or variation), stock,
// orders with their refunds, product writes and stock changes by read-compare-write.
//
// Requests carry the REST API consumer key and secret with HTTP Basic auth over HTTPS. When the
// web server strips the Authorization header (WooCommerce then answers 401
// woocommerce_rest_cannot_view), the keys are sent as the consumer_key and consumer_secret query
// parameters instead, and the connection remembers it. Query strings never reach logs or errors.
package woocommerce

import (
	"fmt"
	"strings"

	"mizan/core"
	"mizan/platforms/httpx"
	"mizan/platforms/options"
)

// Credential and option keys.
const (
	CredConsumerKey    = "consumer_key"
	CredConsumerSecret = "consumer_secret"

	// OptRestock says whether refunded items went back into the store's stock. WooCommerce asks
	// at each refund but does not tell afterwards, so the connection says what its staff do.
	OptRestock = "restock_refunds"
)

// States are WooCommerce's order statuses.
var States = []string{"pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed"}

// DefaultStates are the statuses invoiced unless the merchant chooses otherwise.
var DefaultStates = []string{"processing", "completed"}

// Platform describes WooCommerce for the engine.
func Platform() core.Platform {
	return core.Platform{
		Name:  "woocommerce",
		Title: "WooCommerce",
		Credentials: []core.CredentialField{
			{Key: CredConsumerKey, Label: "Consumer key",
				Help: "From WooCommerce › Settings › Advanced › REST API: a key with Read/Write access (starts with ck_)."},
			{Key: CredConsumerSecret, Label: "Consumer secret",
				Help: "Shown once when the key is made (starts with cs_)."},
		},
		Options: []core.OptionField{
			{Key: OptRestock, Label: "Refunded items go back into stock", Default: "yes",
				Help: "yes or no. WooCommerce does not report whether a refund restocked its items; say what your staff usually do."},
		},
		States:        States,
		DefaultStates: DefaultStates,
		StoreURLHint:  "https://your-store.com",
		Open: func(cfg core.StoreConfig) (core.Store, error) {
			return New(cfg, Options{})
		},
	}
}

// settings are a connection's validated configuration.
type settings struct {
	base    string // scheme://host[:port][/path], no trailing slash
	key     string
	secret  string
	restock bool
}

func parseSettings(cfg core.StoreConfig) (settings, error) {
	var s settings
	base, err := normaliseStoreURL(cfg.StoreURL)
	if err != nil {
		return s, err
	}
	s.base = base
	s.key = strings.TrimSpace(cfg.Credentials[CredConsumerKey])
	s.secret = strings.TrimSpace(cfg.Credentials[CredConsumerSecret])
	if s.key == "" || s.secret == "" {
		return s, fmt.Errorf("woocommerce: both the consumer key and the consumer secret are needed (WooCommerce › Settings › Advanced › REST API)")
	}
	s.restock, err = options.YesNo("woocommerce", OptRestock, Platform().Option(cfg.Options, OptRestock))
	return s, err
}

// normaliseStoreURL checks a store address: the WordPress site's address, which may have a path
// (a site in a sub-folder). HTTPS is required except for loopback hosts.
func normaliseStoreURL(raw string) (string, error) {
	u, err := httpx.ParseStoreAddress("woocommerce", raw, "https://your-store.com")
	if err != nil {
		return "", err
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("woocommerce: the store address must not contain a user name, query or fragment")
	}
	switch {
	case httpx.SafeForCredentials(u):
	case u.Scheme == "http":
		return "", fmt.Errorf("woocommerce: the store address must use https://: the API keys go with every request, and over plain http:// anyone on the way could read them (WooCommerce also refuses key authentication without HTTPS)")
	default:
		return "", fmt.Errorf("woocommerce: the store address must use https://")
	}
	path := strings.TrimRight(u.Path, "/")
	if i := strings.Index(path, "/wp-json"); i >= 0 {
		path = path[:i]
	}
	return u.Scheme + "://" + u.Host + path, nil
}
