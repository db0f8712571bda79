package salla

import (
	"mizan/core"
	"mizan/platforms/oauth"
)

// oauthScopes are the permissions Mizan's app needs: offline_access for a refresh token,
// products.read_write for products, variants and quantities, categories.read_write to file a
// product made in the books under its category, orders.read for orders, their items, histories
// and credit notes, customers.read and branches.read for stock by branch.
var oauthScopes = []string{"offline_access", "products.read_write", "categories.read_write", "orders.read", "customers.read", "branches.read"}

// oauthRedirectHint is the redirect address the README asks the merchant to register: a
// loopback address, so that Mizan receives the browser's return by itself.
const oauthRedirectHint = "http://127.0.0.1:8765/callback"

// oauthConnect is how a Salla store is connected from the window and the CLI: Platform's OAuth
// field is set to it (core.Platform{…, OAuth: oauthConnect}). The authorize page and the token
// endpoint are Salla's accounts host, or the loopback test store's /oauth2/… when the store
// address is http://127.0.0.1:PORT (EndpointsFor). The code is exchanged for the tokens and their
// expiry (Salla's `expires`, absolute); AddConnection then asks /oauth2/user/info (through the
// Store's Info) for the merchant id, the store's identity, before anything is saved.
var oauthConnect = oauth.Connect(core.OAuthConnect{
	Scopes:          oauthScopes,
	RedirectHint:    oauthRedirectHint,
	ClientIDKey:     CredClientID,
	ClientSecretKey: CredClientSecret,
	AccessTokenKey:  CredAccessToken,
	RefreshTokenKey: CredRefreshToken,
	ExpiresAtKey:    CredExpiresAt,
}, oauth.Config{
	Platform: "salla",
	Endpoint: func(storeURL string) (oauth.Endpoint, error) {
		ep, err := EndpointsFor(storeURL)
		return ep.OAuth, err
	},
})
