package zid

import (
	"mizan/core"
	"mizan/platforms/oauth"
)

// oauthRedirectHint is the redirect address the merchant registers for the app: a loopback
// address, so that Mizan receives the browser's return by itself.
const oauthRedirectHint = "http://127.0.0.1:8765/callback"

// oauthConnect is how a Zid store is connected from the window and the CLI. Zid sets an app's
// permissions in its partner dashboard, so the authorize address asks for no scope. The code is
// exchanged for the manager token (access_token), the app's Authorization token, the refresh
// token and their expiry; the redirect address is kept too, as Zid's refreshes send it again.
// AddConnection then asks Zid's profile (through the Store's Info) for the store's id, its
// identity, before anything is saved.
var oauthConnect = oauth.Connect(core.OAuthConnect{
	RedirectHint:    oauthRedirectHint,
	ClientIDKey:     CredClientID,
	ClientSecretKey: CredClientSecret,
	AccessTokenKey:  CredAccessToken,
	RefreshTokenKey: CredRefreshToken,
	ExpiresAtKey:    CredExpiresAt,
}, oauth.Config{
	Platform:    "zid",
	ExtraKeys:   map[string]string{"Authorization": CredAuthorization},
	RedirectKey: CredRedirect,
	Endpoint: func(storeURL string) (oauth.Endpoint, error) {
		ep, err := EndpointsFor(storeURL)
		return ep.OAuth, err
	},
})
