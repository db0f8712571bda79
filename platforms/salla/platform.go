// Package salla connects Mizan to a Salla store through Salla's Merchant API v2. It implements
// core.Store: products (one per sellable SKU: a product without options, or each of its
// variants), stock at one branch (read from /products/quantities, changed by relative
// increments and decrements), orders with their items, credit notes and returns, and product
// writes.
//
// Requests carry an OAuth access token (Authorization: Bearer). Salla's access tokens expire and
// their refresh tokens are single use: the connection renews the pair about a day before the
// expiry, or when Salla answers 401, one renewal at a time, through core.StoreConfig.Rotate so
// that the new pair is saved before it is used. The tokens go only to Salla's API and OAuth
// hosts (or, for tests, to the loopback address the connection names).
package salla

import (
	"mizan/core"
	"mizan/platforms/httpx"
	"mizan/platforms/oauth"
)

// Credential keys.
const (
	CredAccessToken  = "access_token"
	CredRefreshToken = "refresh_token"
	CredExpiresAt    = "expires_at" // the access token's expiry, absolute Unix seconds as text
	CredClientID     = "client_id"
	CredClientSecret = "client_secret"
)

// Option keys.
const (
	// OptBranch is the branch whose stock the connection reads and writes (its id or name);
	// empty: the store's default branch.
	OptBranch = "branch"
	// OptRestock says whether the items of Salla's credit notes went back into stock: a credit
	// note does not say, so the connection says what the merchant's returns do.
	OptRestock = "restock_credit_notes"
)

// Salla's production addresses.
const (
	ProductionAPI   = "https://api.salla.dev/admin/v2"
	ProductionOAuth = "https://accounts.salla.sa"
)

// States are Salla's order statuses (their slugs). A merchant's own statuses follow the status
// they are made from.
var States = []string{"payment_pending", "under_review", "in_progress", "completed", "delivering", "delivered",
	"shipped", "canceled", "restoring", "restored"}

// DefaultStates are the statuses invoiced unless the merchant chooses otherwise.
var DefaultStates = []string{"completed"}

// Platform describes Salla for the engine.
func Platform() core.Platform {
	return core.Platform{
		Name:  "salla",
		Title: "Salla",
		Credentials: []core.CredentialField{
			{Key: CredAccessToken, Label: "Access token",
				Help: "Given by Salla when the store installs your app (Salla Partners › your private app)."},
			{Key: CredRefreshToken, Label: "Refresh token",
				Help: "Given with the access token (the app needs the offline_access scope). Mizan renews both before the access token expires."},
			{Key: CredExpiresAt, Label: "Access token expiry",
				Help: "When the access token expires, as Salla gave it (expires: Unix seconds)."},
			{Key: CredClientID, Label: "Client ID", Help: "Your app's client ID, from Salla Partners › your app › App keys."},
			{Key: CredClientSecret, Label: "Client secret", Help: "Your app's client secret, from the same page."},
		},
		Options: []core.OptionField{
			{Key: OptBranch, Label: "Stock branch",
				Help: "The Salla branch whose stock Mizan reads and changes (its name or id). Empty: the store's default branch."},
			{Key: OptRestock, Label: "Returned items go back into stock", Default: "yes",
				Help: "yes or no. Salla's credit notes do not say whether their items were restocked; say what your staff usually do. A restored order is always restocked."},
		},
		States:        States,
		DefaultStates: DefaultStates,
		StoreURLHint:  "https://salla.sa/your-store",
		Open: func(cfg core.StoreConfig) (core.Store, error) {
			return New(cfg, Options{})
		},
		OAuth: oauthConnect, // connecting in the browser: oauth.go
	}
}

// Endpoints are where a connection's requests go.
type Endpoints struct {
	API   string // the Merchant API, e.g. https://api.salla.dev/admin/v2
	OAuth oauth.Endpoint
	// UserInfo is the OAuth server's user/info address (the merchant's identity).
	UserInfo string
}

// EndpointsFor gives the addresses for a store address: Salla's production hosts for the
// store's own https address (or none), or, for a loopback http://127.0.0.1:PORT (a test store),
// that address for both the API (/admin/v2) and OAuth (/oauth2/…). Any other http address is
// refused: the tokens must never travel unencrypted.
func EndpointsFor(storeURL string) (Endpoints, error) {
	base, err := httpx.TestOrigin("salla", storeURL, "https://salla.sa/your-store")
	if err != nil {
		return Endpoints{}, err
	}
	if base == "" {
		return Endpoints{API: ProductionAPI, OAuth: oauth.Endpoint{AuthURL: ProductionOAuth + "/oauth2/auth", TokenURL: ProductionOAuth + "/oauth2/token"},
			UserInfo: ProductionOAuth + "/oauth2/user/info"}, nil
	}
	return Endpoints{API: base + "/admin/v2", OAuth: oauth.Endpoint{AuthURL: base + "/oauth2/auth", TokenURL: base + "/oauth2/token"},
		UserInfo: base + "/oauth2/user/info"}, nil
}
