package oauth

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"mizan/core"
	"mizan/platforms/httpx"
)

// Config is what a platform adds to the shared flow to offer core.OAuthConnect.
type Config struct {
	// Platform names the platform in retry log lines, e.g. "salla".
	Platform string
	// Endpoint gives the OAuth server for a store address (a platform may point a test address
	// at a test server), or an error saying what is wrong with the address.
	Endpoint func(storeURL string) (Endpoint, error)
	// ExchangeExtra are extra form fields for the code exchange, if any.
	ExchangeExtra url.Values
	// ExtraKeys saves fields of the token answer beyond the standard ones: answer field →
	// credential key (Zid's `Authorization`). The field's name is matched regardless of case
	// (Zid writes it `Authorization` or `authorization`). A field listed but missing fails the
	// exchange.
	ExtraKeys map[string]string
	// RedirectKey, when set, saves the redirect address the code was issued for under this
	// credential key, for a platform whose refresh requests must send it again (Zid).
	RedirectKey string
}

// Connect returns desc with its Start filled by the shared flow: a state from NewState, the
// authorize address from AuthorizeURL with desc.Scopes, a Listener when the redirect is a
// loopback address, and Exchange for the code, whose Token is saved under desc's keys
// (ExpiresAtKey: the expiry in Unix seconds, left out when the answer gives none).
func Connect(desc core.OAuthConnect, cfg Config) *core.OAuthConnect {
	out := desc
	out.Start = func(ctx context.Context, req core.OAuthRequest) (*core.OAuthAttempt, error) {
		return start(desc, cfg, req)
	}
	return &out
}

func start(desc core.OAuthConnect, cfg Config, req core.OAuthRequest) (*core.OAuthAttempt, error) {
	clientID, secret := strings.TrimSpace(req.ClientID), strings.TrimSpace(req.ClientSecret)
	redirect := strings.TrimSpace(req.Redirect)
	switch {
	case clientID == "":
		return nil, fmt.Errorf("enter the app's client ID")
	case secret == "":
		return nil, fmt.Errorf("enter the app's client secret")
	case redirect == "":
		return nil, fmt.Errorf("enter the redirect address registered for the app, such as %s", desc.RedirectHint)
	}
	if u, err := url.Parse(redirect); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("the redirect address is not a web address such as %s", desc.RedirectHint)
	}
	ep, err := cfg.Endpoint(strings.TrimRight(strings.TrimSpace(req.StoreURL), "/"))
	if err != nil {
		return nil, err
	}
	state := NewState()
	att := &core.OAuthAttempt{}
	var l *Listener
	if IsLoopback(redirect) {
		if l, err = Listen(redirect, state); err != nil {
			return nil, err
		}
		redirect = l.Redirect()
		att.Loopback = true
	}
	if att.URL, err = AuthorizeURL(ep, clientID, redirect, desc.Scopes, state); err != nil {
		if l != nil {
			_ = l.Close()
		}
		return nil, err
	}
	client := &httpx.Client{HTTP: req.HTTPClient, Log: req.Log, Platform: cfg.Platform}
	exchange := func(ctx context.Context, code string) (map[string]string, error) {
		tok, err := Exchange(ctx, client, ep, clientID, secret, code, redirect, cfg.ExchangeExtra)
		if err != nil {
			return nil, err
		}
		creds := map[string]string{
			desc.ClientIDKey:     clientID,
			desc.ClientSecretKey: secret,
			desc.AccessTokenKey:  tok.AccessToken,
		}
		if tok.RefreshToken != "" {
			creds[desc.RefreshTokenKey] = tok.RefreshToken
		}
		if !tok.Expiry.IsZero() && desc.ExpiresAtKey != "" {
			creds[desc.ExpiresAtKey] = strconv.FormatInt(tok.Expiry.Unix(), 10)
		}
		if cfg.RedirectKey != "" {
			creds[cfg.RedirectKey] = redirect
		}
		for field, key := range cfg.ExtraKeys {
			v := tok.ExtraField(field)
			if v == "" {
				return nil, &core.StoreError{Op: "exchange the authorization code for tokens", Message: "the answer has no " + field}
			}
			creds[key] = v
		}
		return creds, nil
	}
	var closeOnce sync.Once
	att.Close = func() {
		closeOnce.Do(func() {
			if l != nil {
				_ = l.Close()
			}
		})
	}
	att.Wait = func(ctx context.Context) (map[string]string, error) {
		if l == nil {
			return nil, fmt.Errorf("the redirect address is not on this computer: paste the address the browser ended on")
		}
		code, err := l.Wait(ctx)
		att.Close()
		if err != nil {
			return nil, err
		}
		return exchange(ctx, code)
	}
	att.Paste = func(ctx context.Context, pasted string) (map[string]string, error) {
		code, err := ParseRedirect(pasted, state)
		if err != nil {
			return nil, err
		}
		att.Close()
		return exchange(ctx, code)
	}
	return att, nil
}
