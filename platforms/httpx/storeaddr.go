package httpx

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// ParseStoreAddress reads a store address as a merchant types it: spaces trimmed, https://
// assumed when no scheme is given, and a host required. platform and example name the platform
// and show what an address looks like in the errors. What the path and query may hold is the
// platform's own rule; whether credentials may travel to the address is SafeForCredentials.
func ParseStoreAddress(platform, raw, example string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, fmt.Errorf("%s: the store address is empty (it looks like %s)", platform, example)
	}
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("%s: %q is not a store address (it looks like %s)", platform, raw, example)
	}
	return u, nil
}

// SafeForCredentials reports whether credentials may be sent to u: over https, or over plain
// http only to this computer (a test store or the built-in demo store on a loopback address).
func SafeForCredentials(u *url.URL) bool {
	switch u.Scheme {
	case "https":
		return true
	case "http":
		return IsLoopback(u.Hostname())
	}
	return false
}

// IsLoopback reports whether host names this computer: localhost or a loopback IP address.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// TestOrigin reads the store address of a platform whose API and OAuth server live at fixed
// hosts (Salla, Zid), where the address only says which store is meant: empty, or the store's
// own https address, gives "" (the platform's production hosts); a loopback
// http(s)://127.0.0.1:PORT, a test store on this computer, gives that origin, where the API and
// OAuth answer instead. Any other address is refused: a user name in it, or plain http, which
// would carry the tokens unencrypted.
func TestOrigin(platform, raw, example string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	u, err := ParseStoreAddress(platform, raw, example)
	if err != nil {
		return "", err
	}
	switch {
	case u.User != nil:
		return "", fmt.Errorf("%s: the store address must not contain a user name", platform)
	case IsLoopback(u.Hostname()) && (u.Scheme == "http" || u.Scheme == "https"):
		return u.Scheme + "://" + u.Host, nil
	case u.Scheme == "https":
		return "", nil
	case u.Scheme == "http":
		return "", fmt.Errorf("%s: the store address must use https:// (plain http:// is only for a test store on this computer, http://127.0.0.1:PORT)", platform)
	}
	return "", fmt.Errorf("%s: the store address must use https://", platform)
}
