package salla

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"mizan/core"
	"mizan/platforms/oauth"
)

// Renewing the tokens.
//
// Salla's refresh token is single use: a second refresh with the same token revokes both tokens
// and the merchant must connect the store again. So a renewal is made once at a time (the
// Store's tok lock, and across the process cfg.Rotate, which the engine serialises per
// connection), in one attempt (a retry after a lost answer would spend the old token twice),
// and the new pair is used only once Rotate has saved it. Without Rotate (a connection being
// tested before it is saved), the new pair is kept in memory only.
//
// A renewal starts from the credentials as stored now: when they hold another access token
// than the one this Store has, another caller has renewed already, and that pair is taken
// instead of spending the refresh token again.

// canRenew says whether the connection has what a renewal needs.
func (s *Store) canRenew() bool {
	s.tok.Lock()
	defer s.tok.Unlock()
	return s.refresh != "" && s.clientID != "" && s.secret != ""
}

// token returns the access token to send, renewing it first when it expires within the
// RefreshEarly margin. A failed early renewal of a token that still works is logged and the
// token used; one that no longer works, or a refusal for good, is returned.
//
// The expiry is Salla's clock (an absolute time it gave), so it is compared with the store's
// clock: until an answer has shown it (its Date header), the token is sent as it is and a 401
// renews it. Info never renews early (see checking). Without Rotate (a connection being tested before it is saved) the token is never
// renewed early either, only when Salla refuses it: renewing spends the refresh token the
// merchant is about to save.
func (s *Store) token(ctx context.Context) (string, error) {
	s.tok.Lock()
	access, exp := s.access, s.expires
	canRenew := s.refresh != "" && s.clientID != "" && s.secret != ""
	s.tok.Unlock()
	now := s.storeNow()
	early := s.rotate != nil && s.clocked.Load() && !s.noEarly.Load() && ctx.Value(checking{}) == nil &&
		!exp.IsZero() && !now.Add(s.early).Before(exp)
	if canRenew && (access == "" || early) {
		err := s.renewAfter(ctx, access)
		switch {
		case err == nil:
		case errors.Is(err, core.ErrReconnect) || access == "" || !now.Before(exp) || ctx.Err() != nil:
			return "", err
		default:
			s.log.Warn("renewing the access token before it expires failed; using it while it lasts",
				slog.Time("expires", exp), slog.String("err", err.Error()))
		}
		s.tok.Lock()
		access = s.access
		s.tok.Unlock()
	}
	if access == "" {
		return "", &core.StoreError{Op: "authorise", Message: "the connection has no access token: connect the store with Salla again", Err: core.ErrUnauthorized}
	}
	return access, nil
}

// checking marks the requests of Info, which never renew the token early: Info is also how a
// connection is tested before it is saved, and a store already connected under another
// connection shares its refresh token with it; renewing there would spend the saved one's.
// A sync renews at its next request.
type checking struct{}

// renewAfter renews the tokens unless they have changed since used was sent (another request
// renewed them meanwhile).
func (s *Store) renewAfter(ctx context.Context, used string) error {
	s.tok.Lock()
	defer s.tok.Unlock()
	if s.access != used {
		return nil
	}
	if s.refresh == "" || s.clientID == "" || s.secret == "" {
		return &core.StoreError{Op: "renew the access token", Message: "the connection lacks the refresh token, client ID or client secret needed to renew it: connect the store with Salla again", Err: core.ErrUnauthorized}
	}
	held := map[string]string{CredAccessToken: s.access, CredRefreshToken: s.refresh}
	current, err := oauth.Renew(ctx, s.rotate, held, CredAccessToken, used, func(stored map[string]string) (map[string]string, error) {
		rt := stored[CredRefreshToken]
		if rt == "" {
			rt = s.refresh
		}
		tok, err := s.refreshWith(ctx, rt)
		if err != nil {
			return nil, err
		}
		return creds(tok), nil
	})
	if err != nil {
		return err
	}
	s.adopt(current)
	if s.rotate == nil {
		s.log.Info("renewed the access token (kept in memory: the connection is not saved yet)")
	} else {
		s.log.Info("renewed the access token")
	}
	s.checkLifetime()
	return nil
}

// checkLifetime stops early renewals when a renewed token already expires within the margin
// (a token lifetime shorter than it, or a store clock at odds with its expiry times): renewing
// on every request would spend a refresh token each time. Such a token is renewed when Salla
// refuses it. s.tok is held.
func (s *Store) checkLifetime() {
	if !s.expires.IsZero() && !s.storeNow().Add(s.early).Before(s.expires) && !s.noEarly.Swap(true) {
		s.log.Warn("the renewed access token expires within the renewal margin; it is renewed only when Salla refuses it",
			slog.Time("expires", s.expires))
	}
}

// refreshWith makes one refresh request.
func (s *Store) refreshWith(ctx context.Context, refreshToken string) (oauth.Token, error) {
	tok, err := oauth.Refresh(ctx, s.once, s.ep.OAuth, s.clientID, s.secret, refreshToken, nil)
	if err != nil {
		return tok, fmt.Errorf("salla: %w", err)
	}
	return tok, nil
}

// creds are the credentials a token answer changes.
func creds(tok oauth.Token) map[string]string {
	out := map[string]string{CredAccessToken: tok.AccessToken}
	if tok.RefreshToken != "" {
		out[CredRefreshToken] = tok.RefreshToken
	}
	if !tok.Expiry.IsZero() {
		out[CredExpiresAt] = strconv.FormatInt(tok.Expiry.Unix(), 10)
	}
	return out
}

// adopt takes the renewed credentials into use; s.tok is held.
func (s *Store) adopt(c map[string]string) {
	if v := c[CredAccessToken]; v != "" {
		s.access = v
	}
	if v := c[CredRefreshToken]; v != "" {
		s.refresh = v
	}
	s.expires = time.Time{}
	if v := c[CredExpiresAt]; v != "" {
		if exp, err := parseExpiry(v); err == nil {
			s.expires = exp
		}
	}
	if v := c[CredClientID]; v != "" {
		s.clientID = v
	}
	if v := c[CredClientSecret]; v != "" {
		s.secret = v
	}
}
