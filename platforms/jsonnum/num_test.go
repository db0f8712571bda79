package jsonnum

import (
	"encoding/json"
	"testing"
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
		{`"0.1234567890123456789"`, "0.1234567890123456789", true, false},
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
		if err == nil && (n.Valid != tc.valid || n.String() != tc.want) {
			t.Errorf("%s: got %s valid=%v, want %s valid=%v", tc.in, n.String(), n.Valid, tc.want, tc.valid)
		}
	}
}
