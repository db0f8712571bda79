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
