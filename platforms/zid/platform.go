// Package zid connects Mizan to a Zid store through Zid's Merchant API v1. It implements
// core.Store: products (one per sellable variant, from the DRF-paged product list with its
// variants), stock at one inventory location (absolute quantities, written by read, compare and
// write), orders with their products and invoice figures, credit notes as returns, and product
// writes.
//
// Every request carries two credentials: the app's Authorization token (Authorization: Bearer)
// and the store's manager token, sent as X-Manager-Token on manager endpoints and as
// Access-Token, with Store-Id and Role: Manager, on product and location endpoints. Both come
// from Zid's OAuth server and last a year; the connection renews them when Zid refuses them,
// through core.StoreConfig.Rotate, so the new ones are saved before they are used. The tokens go
// only to Zid's API and OAuth hosts (or, for tests, to the loopback address the connection names).
package zid

import (
	"mizan/core"
	"mizan/platforms/httpx"
	"mizan/platforms/oauth"
)

// Credential keys.
const (
	CredAuthorization = "authorization" // the app's token: Authorization: Bearer
	CredAccessToken   = "access_token"  // the store's manager token: X-Manager-Token / Access-Token
	CredRefreshToken  = "refresh_token"
	CredExpiresAt     = "expires_at" // the tokens' expiry, absolute Unix seconds as text
	CredClientID      = "client_id"
	CredClientSecret  = "client_secret"
	CredRedirect      = "redirect_uri" // the redirect address the tokens were issued for (refreshes send it)
)

// Option keys.
const (
	// OptLocation is the inventory location whose stock the connection reads and writes (its id
	// or name); empty: the store's first location.
	OptLocation = "location"
	// OptStoreID is the store's id, sent as Store-Id; empty: asked of Zid (its profile). It is
	// the store's identity, kept in the books, so it is a setting and not a credential.
	OptStoreID = "store_id"
)

// Zid's production addresses.
const (
	ProductionAPI   = "https://api.zid.sa/v1"
	ProductionOAuth = "https://oauth.zid.sa"
)

// States are Zid's order status codes that an order moves through, as its documentation spells
// them. An order its answers call "cancelled" is in "canceled"; one being returned or returned
// (reverse_in_progress, partially_reversed, reversed) was delivered first, and is read as
// delivered with its returns.
var States = []string{"new", "preparing", "ready", "indelivery", "delivered", "canceled"}

// DefaultStates are the statuses invoiced unless the merchant chooses otherwise: a delivered
// order, as Daftra invoices a completed one.
var DefaultStates = []string{"delivered"}

// Platform describes Zid for the engine.
func Platform() core.Platform {
	return core.Platform{
		Name:  "zid",
		Title: "Zid",
		Credentials: []core.CredentialField{
			{Key: CredAccessToken, Label: "Manager token",
				Help: "The store's access_token from Zid's OAuth answer; sent as X-Manager-Token."},
			{Key: CredRefreshToken, Label: "Refresh token",
				Help: "Given with the tokens. Mizan renews them when Zid refuses them (they last a year)."},
			{Key: CredExpiresAt, Label: "Token expiry",
				Help: "When the tokens expire, as Zid gave it (expires_in from the day they were issued)."},
			{Key: CredClientID, Label: "Client ID", Help: "Your app's client ID, from Zid's partner dashboard › your app."},
			{Key: CredClientSecret, Label: "Client secret", Help: "Your app's client secret, from the same page."},
			{Key: CredAuthorization, Label: "Authorization token",
				Help: "The Authorization value from Zid's OAuth answer (the app's token for this store)."},
			{Key: CredRedirect, Label: "Redirect address",
				Help: "The redirect address registered for your app, which the tokens were issued for: Zid's renewals send it again."},
		},
		Options: []core.OptionField{
			{Key: OptStoreID, Label: "Store ID",
				Help: "Your store's id in Zid, if you have it with the tokens. Empty: Mizan asks Zid."},
			{Key: OptLocation, Label: "Stock location",
				Help: "The Zid inventory location whose stock Mizan reads and changes (its name or id). Empty: the store's first location."},
		},
		States:        States,
		DefaultStates: DefaultStates,
		StoreURLHint:  "https://your-store.zid.store",
		Open: func(cfg core.StoreConfig) (core.Store, error) {
			return New(cfg, Options{})
		},
		OAuth: oauthConnect, // connecting in the browser: oauth.go
	}
}

// Endpoints are where a connection's requests go.
type Endpoints struct {
	API   string // the Merchant API, e.g. https://api.zid.sa/v1
	OAuth oauth.Endpoint
}

// EndpointsFor gives the addresses for a store address: Zid's production hosts for the store's
// own https address (or none), or, for a loopback http://127.0.0.1:PORT (a test store), that
// address for both the API (/v1) and OAuth (/oauth/…). Any other http address is refused: the
// tokens must never travel unencrypted.
func EndpointsFor(storeURL string) (Endpoints, error) {
	base, err := httpx.TestOrigin("zid", storeURL, "https://your-store.zid.store")
	if err != nil {
		return Endpoints{}, err
	}
	api, auth := base+"/v1", base
	if base == "" {
		api, auth = ProductionAPI, ProductionOAuth
	}
	return Endpoints{API: api, OAuth: oauth.Endpoint{AuthURL: auth + "/oauth/authorize", TokenURL: auth + "/oauth/token"}}, nil
}
