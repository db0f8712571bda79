package oauth

import (
	"context"
	"maps"

	"mizan/core"
)

// Renew renews a connection's tokens once, starting from the credentials as stored now when
// rotate is set (core.RotateFunc: the engine saves what refresh returns before handing it back),
// or from held (a connection not saved yet, whose renewal is kept in memory by the caller).
//
// used is the access token the caller sent, stored under accessKey: when the stored credentials
// hold another one, another caller has renewed meanwhile, and they are returned as they are,
// without spending the refresh token again. refresh makes the one request and returns only the
// credentials that changed. The result is every credential after the renewal.
func Renew(ctx context.Context, rotate core.RotateFunc, held map[string]string, accessKey, used string,
	refresh func(current map[string]string) (changed map[string]string, err error)) (map[string]string, error) {
	if rotate == nil {
		changed, err := refresh(maps.Clone(held))
		if err != nil {
			return nil, err
		}
		out := maps.Clone(held)
		maps.Copy(out, changed)
		return out, nil
	}
	return rotate(ctx, func(stored map[string]string) (map[string]string, error) {
		if a := stored[accessKey]; a != "" && a != used {
			return nil, nil
		}
		return refresh(stored)
	})
}
