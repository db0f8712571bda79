package woocommerce

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"

	"mizan/core"
)

type systemStatus struct {
	Environment struct {
		Version    string `json:"version"`
		SiteURL    string `json:"site_url"`
		WPVersion  string `json:"wp_version"`
		HomeURL    string `json:"home_url"`
		Timezone   string `json:"timezone"`
		SecureConn *bool  `json:"secure_connection"`
	} `json:"environment"`
	Settings struct {
		Currency string `json:"currency"`
	} `json:"settings"`
}

// Info checks the keys and describes the store: its WooCommerce version (from the system status
// report), currency and name (the WordPress site title).
func (s *Store) Info(ctx context.Context) (core.StoreInfo, error) {
	const op = "read the store's system status"
	var st systemStatus
	rep, err := s.call(ctx, op, http.MethodGet, "/system_status", url.Values{"_fields": {"environment,settings"}}, nil, &st)
	var se *core.StoreError
	switch {
	case err == nil:
	case errors.As(err, &se) && (se.Status == http.StatusForbidden || errors.Is(err, core.ErrNotFound)) && !strings.Contains(se.Message, "Permalinks"):
		// Some hosts block the system status report: the currency endpoint still proves the keys.
		var cur struct {
			Code string `json:"code"`
		}
		if rep, err = s.call(ctx, "read the store's currency", http.MethodGet, "/data/currencies/current", nil, nil, &cur); err != nil {
			return core.StoreInfo{}, err
		}
		st.Settings.Currency = cur.Code
	default:
		return core.StoreInfo{}, err
	}
	var site struct {
		Name string `json:"name"`
		URL  string `json:"url"`
		Home string `json:"home"`
	}
	name := ""
	if _, err := s.call(ctx, "read the site's name", http.MethodGet, "/wp-json/", url.Values{"_fields": {"name,url,home"}}, nil, &site); err == nil {
		name = html.UnescapeString(strings.TrimSpace(site.Name))
	}
	// The store is what the site says its address is: its home address, from the site index or
	// else the system status report (both give WordPress's home_url()).
	storeID := siteID(site.Home)
	if storeID == "" {
		storeID = siteID(st.Environment.HomeURL)
	}
	if name == "" {
		if u, err := url.Parse(s.set.base); err == nil {
			name = u.Host
		}
	}
	version := st.Environment.Version
	if version == "" {
		version = "unknown"
	}
	var details []string
	if st.Environment.WPVersion != "" {
		details = append(details, "WordPress "+st.Environment.WPVersion)
	}
	if st.Environment.Timezone != "" {
		details = append(details, "time zone "+st.Environment.Timezone)
	}
	if s.queryAuth.Load() {
		details = append(details, "the web server drops the Authorization header, so the keys go as query parameters")
	}
	return core.StoreInfo{
		Name: name, Platform: "woocommerce", Version: "WooCommerce " + version, Currency: strings.ToUpper(st.Settings.Currency),
		Location: "Store stock", Details: strings.Join(details, " · "), Now: rep.Date, StoreID: storeID,
	}, nil
}

// siteID normalises a site address into the store's identity: scheme and host in lower case,
// no trailing slash, no query or fragment. It is empty when the address is not a web address.
func siteID(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + strings.TrimRight(u.EscapedPath(), "/")
}

func errf(op, format string, a ...any) error {
	return &core.StoreError{Op: op, Message: fmt.Sprintf(format, a...)}
}
