// Package jsonnum reads the numbers store APIs send (money, quantities, ids) exactly, whether
// they come as JSON strings ("12.50", "12.015") or numbers (12.5), never through float64.
package jsonnum

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// Num is a number read leniently; null, false (which some WordPress fields send for "none") and
// an empty string leave it unset.
type Num struct {
	decimal.Decimal
	Valid bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (n *Num) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) || bytes.Equal(b, []byte("false")) {
		*n = Num{}
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	s = strings.TrimSpace(s)
	if s == "" {
		*n = Num{}
		return nil
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return fmt.Errorf("not a number: %q", s)
	}
	*n = Num{Decimal: d, Valid: true}
	return nil
}
