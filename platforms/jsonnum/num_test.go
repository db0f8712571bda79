package jsonnum

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func TestNum(t *testing.T) {
	tests := []struct {
		in    string
		want  string
		valid bool
		err   bool
	}{
		{`"12.50"`, "12.5", true, false},
		{`12.5`, "12.5", true, false},
		{`"0.123456789012345"`, "0.123456789012345", true, false},
		{`"999999999999.99"`, "999999999999.99", true, false},
		{`"-1000000000000"`, "-1000000000000", true, false},
		{`"123456789012345000"`, "", false, true}, // beyond 10^12
		{`"1000000000000.01"`, "", false, true},
		{`"-1e13"`, "", false, true},
		{`1e1000000000`, "", false, true},
		{`"1e-1000000000"`, "", false, true},
		{`"0.1234567890123456789"`, "", false, true}, // more than 15 significant digits
		{`"12.0000000000000000000000"`, "12", true, false},
		{`"NaN"`, "", false, true},
		{`"Infinity"`, "", false, true},
		{`1e2`, "100", true, false},
		{`" 7 "`, "7", true, false},
		{`""`, "0", false, false},
		{`null`, "0", false, false},
		{`false`, "0", false, false},
		{`"abc"`, "", false, true},
		{`true`, "", false, true},
	}
	for _, tc := range tests {
		var n Num
		err := json.Unmarshal([]byte(tc.in), &n)
		if (err != nil) != tc.err {
			t.Errorf("%s: error %v", tc.in, err)
			continue
		}
		if err == nil && (n.Valid != tc.valid || !n.Equal(decimal.RequireFromString(tc.want))) {
			t.Errorf("%s: got %s valid=%v, want %s valid=%v", tc.in, n.String(), n.Valid, tc.want, tc.valid)
		}
	}
}

// A number written with hundreds of digits is refused with a short message naming the rule.
func TestNumRangeMessage(t *testing.T) {
	long := `"1` + strings.Repeat("0", 400) + `"`
	var n Num
	err := json.Unmarshal([]byte(long), &n)
	if !errors.Is(err, ErrRange) || len(err.Error()) > 120 || !strings.Contains(err.Error(), "beyond ±10^12") {
		t.Fatalf("err = %v", err)
	}
}

func TestLong(t *testing.T) {
	tests := []struct {
		in    string
		want  string
		valid bool
		err   bool
	}{
		{`"223.56000086523000"`, "223.56000086523", true, false},
		{`"1612.90323278410030"`, "1612.9032327841003", true, false}, // beyond Num's 15 digits
		{`223.56000086523`, "223.56000086523", true, false},
		{`"-1.00000000000000"`, "-1", true, false},
		{`100`, "100", true, false},
		{`null`, "0", false, false},
		{`""`, "0", false, false},
		{`"1000000000000.01"`, "", false, true},
		{`"1e3"`, "", false, true},
		{`"0.` + strings.Repeat("1", 30) + `"`, "", false, true},
		{`"223.56 SAR"`, "", false, true},
		{`true`, "", false, true},
	}
	for _, tc := range tests {
		var n Long
		err := json.Unmarshal([]byte(tc.in), &n)
		if (err != nil) != tc.err {
			t.Errorf("%s: error %v", tc.in, err)
			continue
		}
		if err == nil && (n.Valid != tc.valid || !n.Equal(decimal.RequireFromString(tc.want))) {
			t.Errorf("%s: got %s valid=%v, want %s valid=%v", tc.in, n.String(), n.Valid, tc.want, tc.valid)
		}
	}
}

func TestDescribe(t *testing.T) {
	var v struct {
		Price struct {
			Amount int `json:"amount"`
		} `json:"price"`
	}
	cases := []struct{ in, want string }{
		{`{"price":{"amount":"x"}}`, "field price.amount: string where the API has int"},
		{`{"price":`, "unexpected end of JSON input"},
	}
	for _, tc := range cases {
		err := json.Unmarshal([]byte(tc.in), &v)
		if got := Describe(err); got != tc.want {
			t.Errorf("%s: %q", tc.in, got)
		}
	}
}
