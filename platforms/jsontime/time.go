// Package jsontime reads the times store APIs send, leniently: RFC 3339 strings, plain
// "YYYY-MM-DD HH:MM:SS[.ffffff]" or "YYYY-MM-DD" strings in the store's zone, and PHP's DateTime
// objects {"date": "2024-02-15 08:23:05.000000", "timezone_type": 3, "timezone": "Asia/Riyadh"}
// as Salla sends them. It also holds the one rule for the order numbers a merchant types.
package jsontime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Time is a store time read leniently; null, false, an empty string and an all-zero date leave it
// unset. A time written without a zone (a plain string) is Zoneless: its wall clock is kept in
// UTC until In reads it in the store's zone.
type Time struct {
	time.Time
	Valid    bool
	Zoneless bool
}

// In returns the time, a zoneless one being read as wall-clock time in loc; the result is in UTC.
func (t Time) In(loc *time.Location) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	if t.Zoneless && loc != nil {
		y, mo, d := t.Date()
		h, mi, s := t.Clock()
		return time.Date(y, mo, d, h, mi, s, t.Nanosecond(), loc).UTC()
	}
	return t.UTC()
}

// phpDate is PHP's DateTime as JSON.
type phpDate struct {
	Date         string          `json:"date"`
	TimezoneType json.RawMessage `json:"timezone_type"`
	Timezone     string          `json:"timezone"`
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*t = Time{}
	if len(b) == 0 || bytes.Equal(b, []byte("null")) || bytes.Equal(b, []byte("false")) {
		return nil
	}
	switch b[0] {
	case '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		v, err := Parse(s, nil)
		if err != nil {
			return err
		}
		*t = v
		return nil
	case '{':
		var d phpDate
		if err := json.Unmarshal(b, &d); err != nil {
			return fmt.Errorf("not a date object: %w", err)
		}
		loc, err := Zone(d.Timezone)
		if err != nil {
			return err
		}
		v, err := Parse(d.Date, loc)
		if err != nil {
			return err
		}
		*t = v
		return nil
	}
	if n, err := strconv.ParseInt(string(b), 10, 64); err == nil && n > 0 && n < 1e11 {
		*t = Time{Time: time.Unix(n, 0).UTC(), Valid: true}
		return nil
	}
	return fmt.Errorf("not a time: %.40s", b)
}

var zonelessLayouts = []string{"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04", "2006-01-02"}

// Parse reads a time string. With loc, a string without a zone is in loc; without it, such a
// string gives a Zoneless time.
func Parse(s string, loc *time.Location) (Time, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasPrefix(s, "0000-00-00") {
		return Time{}, nil
	}
	if v, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return Time{Time: v.UTC(), Valid: true}, nil
	}
	if v, err := time.Parse("2006-01-02 15:04:05.999999999Z07:00", s); err == nil {
		return Time{Time: v.UTC(), Valid: true}, nil
	}
	for _, l := range zonelessLayouts {
		v, err := time.Parse(l, s)
		if err != nil {
			continue
		}
		if loc != nil {
			return Time{Time: Time{Time: v, Valid: true, Zoneless: true}.In(loc), Valid: true}, nil
		}
		return Time{Time: v, Valid: true, Zoneless: true}, nil
	}
	return Time{}, fmt.Errorf("not a time: %q", shorten(s))
}

// fixedZones are zones stores name, for systems without a time zone database: none of them has
// daylight saving time.
var fixedZones = map[string]int{"Asia/Riyadh": 3, "Asia/Kuwait": 3, "Asia/Bahrain": 3, "Asia/Qatar": 3,
	"Asia/Dubai": 4, "Asia/Muscat": 4, "Africa/Cairo": 2, "UTC": 0, "Z": 0, "GMT": 0}

// Zone reads a zone as PHP writes it: a name ("Asia/Riyadh"), an offset ("+03:00") or an
// abbreviation PHP knows ("AST" is Arabia Standard Time here). Empty is UTC.
func Zone(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return time.UTC, nil
	}
	if name[0] == '+' || name[0] == '-' {
		v, err := time.Parse("-07:00", name)
		if err != nil {
			if v, err = time.Parse("-0700", name); err != nil {
				return nil, fmt.Errorf("not a time zone: %q", shorten(name))
			}
		}
		_, off := v.Zone()
		return time.FixedZone(name, off), nil
	}
	if strings.EqualFold(name, "AST") {
		name = "Asia/Riyadh"
	}
	if loc, err := time.LoadLocation(name); err == nil {
		return loc, nil
	}
	if h, ok := fixedZones[name]; ok {
		return time.FixedZone(name, h*3600), nil
	}
	return nil, fmt.Errorf("unknown time zone %q", shorten(name))
}

func shorten(s string) string {
	if len(s) > 40 {
		return s[:32] + "…"
	}
	return s
}

// OrderNumber is the order number a merchant typed, as stores write it: without spaces and
// without a leading "#" ("#1001" and " 1001" are 1001).
func OrderNumber(n string) string {
	return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(n), "#"))
}

// UTC is a store time whose strings without a zone are UTC (Shopify's DateTime, WooCommerce's
// *_gmt fields), read as leniently as Time; null, false and an empty string leave it zero.
type UTC struct{ time.Time }

// UnmarshalJSON implements json.Unmarshaler.
func (t *UTC) UnmarshalJSON(b []byte) error {
	var v Time
	if err := v.UnmarshalJSON(b); err != nil {
		return err
	}
	t.Time = v.In(time.UTC)
	return nil
}
