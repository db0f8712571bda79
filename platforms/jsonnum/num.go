// Package jsonnum reads the numbers store APIs send (money, quantities, ids) exactly, whether
// they come as JSON strings ("12.50", "12.015") or numbers (12.5), never through float64.
package jsonnum

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
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
		if numeric.MatchString(s) { // written as a number, but its exponent is beyond any use
			if strings.ContainsAny(s, "eE") && strings.Contains(strings.ToLower(s), "e-") {
				return fmt.Errorf("%q: %w: more than %d decimal places", shorten(s), ErrRange, MaxPlaces)
			}
			return fmt.Errorf("%q: %w: beyond ±10^%d", shorten(s), ErrRange, maxPower)
		}
		return fmt.Errorf("not a number: %q", shorten(s))
	}
	if err := CheckRange(d); err != nil {
		return fmt.Errorf("%q: %w", shorten(s), err)
	}
	*n = Num{Decimal: d, Valid: true}
	return nil
}

// The sane range of a store's number (an amount, a quantity, a rate): at most MaxDigits
// significant digits and at most MaxPlaces decimal places, and no further from zero than 10^12.
// Beyond it a number is a store's bug or a hostile value (1e1000000000 would be written out with
// a billion digits), never a price: it is refused, not stored.
const (
	MaxDigits = 15
	MaxPlaces = 15
	maxPower  = 12
)

// ErrRange says a number is beyond the sane range.
var ErrRange = errors.New("number out of range")

var limit = decimal.New(1, maxPower)

var numeric = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`)

// CheckRange refuses a number beyond the sane range. It never writes the number out, so a huge
// exponent costs nothing.
func CheckRange(d decimal.Decimal) error {
	coef, exp := new(big.Int).Abs(d.Coefficient()), int64(d.Exponent())
	if coef.Sign() == 0 {
		return nil
	}
	ten, rem := big.NewInt(10), new(big.Int)
	for {
		q, r := new(big.Int).QuoRem(coef, ten, rem)
		if r.Sign() != 0 {
			break
		}
		coef, exp = q, exp+1
	}
	digits := int64(len(coef.String()))
	switch {
	case digits+exp-1 > maxPower || (digits+exp-1 == maxPower && d.Abs().GreaterThan(limit)):
		return fmt.Errorf("%w: beyond ±10^%d", ErrRange, maxPower)
	case digits > MaxDigits:
		return fmt.Errorf("%w: more than %d significant digits", ErrRange, MaxDigits)
	case -exp > MaxPlaces:
		return fmt.Errorf("%w: more than %d decimal places", ErrRange, MaxPlaces)
	}
	return nil
}

// shorten keeps an error message short when a store sends a very long number.
func shorten(s string) string {
	if len(s) > 32 {
		return s[:24] + "…(" + strconv.Itoa(len(s)) + " characters)"
	}
	return s
}

// Long is an amount a store writes with more digits than it means, to be rounded by the caller
// (Zid's 14-decimal strings carried over from floating point, such as "1612.90323278410030"):
// read exactly like Num, but allowed up to MaxLongDigits significant digits and places, still no
// further from zero than 10^12 and never with an exponent. Null and an empty string leave it unset.
type Long struct {
	decimal.Decimal
	Valid bool
}

// MaxLongDigits bounds a Long's significant digits and decimal places.
const MaxLongDigits = 24

var plainNumber = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)$`)

// UnmarshalJSON implements json.Unmarshaler.
func (n *Long) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*n = Long{}
	if bytes.Equal(b, []byte("null")) {
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
		return nil
	}
	if len(s) > 2*MaxLongDigits+2 || !plainNumber.MatchString(s) {
		return fmt.Errorf("not an amount: %q", shorten(s))
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return fmt.Errorf("not an amount: %q", shorten(s))
	}
	if d.Abs().GreaterThan(limit) {
		return fmt.Errorf("%q: %w: beyond ±10^%d", shorten(s), ErrRange, maxPower)
	}
	if -d.Exponent() > MaxLongDigits {
		return fmt.Errorf("%q: %w: more than %d decimal places", shorten(s), ErrRange, MaxLongDigits)
	}
	*n = Long{Decimal: d, Valid: true}
	return nil
}

// Describe says what was wrong with a JSON value a store sent, for the merchant: the field and
// what it held where the API has another type, or the decoder's own words.
func Describe(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return fmt.Sprintf("field %s: %s where the API has %s", te.Field, te.Value, te.Type)
	}
	return err.Error()
}
