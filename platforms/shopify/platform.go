// Package shopify connects Mizan to a Shopify store through the GraphQL Admin API (never the
// legacy REST API). It implements core.Store: products (one per variant), stock at one location,
// orders with their refunds, product writes and relative stock adjustments.
//
// Every GraphQL document the package sends is a file under queries/, embedded at build time.
// Requests carry X-Shopify-Access-Token: either a static Admin API token (a custom app made in the
// Shopify admin before 2026) or a token obtained with the client credentials grant (a Dev
// Dashboard app), renewed before it expires. The calculated-cost rate limit is paced from the
// extensions.cost of each response, and THROTTLED answers (HTTP 200 or 429) are retried.
//
// Large reads (the first import, "Sync all products", an incremental read past the connection's
// bulk threshold) go through a bulk operation instead of pages: see bulk.go.
package shopify

import (
	"fmt"
	"strconv"
	"strings"

	"mizan/core"
	"mizan/platforms/httpx"
)

// Credential and option keys.
const (
	CredAccessToken  = "access_token"
	CredClientID     = "client_id"
	CredClientSecret = "client_secret"

	OptAPIVersion = "api_version"
	OptLocationID = "location_id"
)

// DefaultAPIVersion is the Admin API version used unless the connection names another.
//
// Shopify releases a version each quarter and supports each for at least twelve months. 2026-10
// is the newest stable version at the time of writing (2027-01 is still a release candidate),
// which gives the longest support window. The fields this package reads exist unchanged from
// 2025-01 (the schema its tests check against); the one construct that depends on the version is
// the @idempotent directive on inventoryAdjustQuantities (accepted from 2026-01, required from
// 2026-04), which the client adds or leaves out by version.
const DefaultAPIVersion = "2026-10"

// States are the displayFinancialStatus values, lower-cased.
var States = []string{"pending", "authorized", "partially_paid", "paid", "partially_refunded", "refunded", "voided", "expired"}

// DefaultStates are the states invoiced unless the merchant chooses otherwise. Refunded orders
// are included: they were sold first, and their refunds become return invoices.
var DefaultStates = []string{"paid", "partially_paid", "partially_refunded", "refunded"}

// Platform describes Shopify for the engine.
func Platform() core.Platform {
	return core.Platform{
		Name:  "shopify",
		Title: "Shopify",
		Credentials: []core.CredentialField{
			{Key: CredAccessToken, Label: "Admin API access token", Group: "token",
				Help: "The token of a custom app made in the Shopify admin (starts with shpat_)."},
			{Key: CredClientID, Label: "Client ID", Group: "app",
				Help: "From the app's settings in the Shopify Dev Dashboard."},
			{Key: CredClientSecret, Label: "Client secret", Group: "app",
				Help: "From the app's settings in the Shopify Dev Dashboard; the app must be installed on this store."},
		},
		Options: []core.OptionField{
			{Key: OptAPIVersion, Label: "API version", Default: DefaultAPIVersion,
				Help: "The Admin API version, YYYY-MM. Leave the default unless told otherwise."},
			{Key: OptLocationID, Label: "Stock location",
				Help: "The id of the location whose stock is synced (a number or gid://shopify/Location/…); empty means the shop's primary location."},
			{Key: OptBulkThreshold, Label: "Bulk reads from", Default: strconv.Itoa(DefaultBulkThreshold),
				Help: "The first import reads orders and products with one bulk operation instead of pages; a later sync switches to one after this many orders or products. \"off\" always reads by pages."},
		},
		States:        States,
		DefaultStates: DefaultStates,
		StoreURLHint:  "https://your-shop.myshopify.com",
		Open: func(cfg core.StoreConfig) (core.Store, error) {
			return New(cfg, Options{})
		},
	}
}

// settings are a connection's validated configuration.
type settings struct {
	base         string // scheme://host, no trailing slash
	version      string
	locationID   string // a Location GID, or "" for the primary location
	accessToken  string
	clientID     string
	clientSecret string
	// bulkThreshold: reads by bulk operation from this many items on; 0 never.
	bulkThreshold int
}

func parseSettings(cfg core.StoreConfig) (settings, error) {
	var s settings
	base, err := normaliseStoreURL(cfg.StoreURL)
	if err != nil {
		return s, err
	}
	s.base = base
	p := Platform()
	s.version = p.Option(cfg.Options, OptAPIVersion)
	if !validVersion(s.version) {
		return s, fmt.Errorf("shopify: API version %q is not of the form YYYY-MM", s.version)
	}
	if loc := strings.TrimSpace(cfg.Options[OptLocationID]); loc != "" {
		s.locationID, err = locationGID(loc)
		if err != nil {
			return s, err
		}
	}
	switch v := strings.ToLower(p.Option(cfg.Options, OptBulkThreshold)); v {
	case "off", "no", "0":
	default:
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return s, fmt.Errorf("shopify: the bulk threshold %q is not a number of orders (or \"off\")", v)
		}
		s.bulkThreshold = n
	}
	cred := func(k string) string { return strings.TrimSpace(cfg.Credentials[k]) }
	s.accessToken = cred(CredAccessToken)
	s.clientID, s.clientSecret = cred(CredClientID), cred(CredClientSecret)
	switch {
	case s.accessToken != "":
		s.clientID, s.clientSecret = "", ""
	case s.clientID != "" && s.clientSecret != "":
	case s.clientID != "" || s.clientSecret != "":
		return s, fmt.Errorf("shopify: both the client ID and the client secret are needed")
	default:
		return s, fmt.Errorf("shopify: enter an Admin API access token, or a client ID and client secret")
	}
	return s, nil
}

// normaliseStoreURL checks a store address and reduces it to scheme://host[:port]. HTTPS is
// required except for loopback hosts (tests and the built-in demo store).
func normaliseStoreURL(raw string) (string, error) {
	u, err := httpx.ParseStoreAddress("shopify", raw, "https://your-shop.myshopify.com")
	if err != nil {
		return "", err
	}
	if u.User != nil || u.RawQuery != "" {
		return "", fmt.Errorf("shopify: the store address must not contain a user name or query")
	}
	if !httpx.SafeForCredentials(u) {
		return "", fmt.Errorf("shopify: the store address must use https://")
	}
	if p := strings.TrimRight(u.Path, "/"); p != "" && p != "/admin" {
		return "", fmt.Errorf("shopify: give the store address without a path, e.g. https://your-shop.myshopify.com")
	}
	return u.Scheme + "://" + u.Host, nil
}

func validVersion(v string) bool {
	if v == "unstable" {
		return true
	}
	if len(v) != 7 || v[4] != '-' {
		return false
	}
	for i, c := range v {
		if i != 4 && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// versionAtLeast compares API versions; "unstable" is newer than every dated one.
func versionAtLeast(v, min string) bool {
	if v == "unstable" {
		return true
	}
	return v >= min
}

// locationGID accepts a numeric location id or a Location GID.
func locationGID(s string) (string, error) {
	const prefix = "gid://shopify/Location/"
	id := strings.TrimPrefix(s, prefix)
	if id == "" {
		return "", fmt.Errorf("shopify: location %q is not a location id", s)
	}
	for _, c := range id {
		if c < '0' || c > '9' {
			return "", fmt.Errorf("shopify: location %q is not a location id", s)
		}
	}
	return prefix + id, nil
}
