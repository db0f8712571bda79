package jsonnum

import (
	"encoding/json"
	"testing"
)

func TestID(t *testing.T) {
	tests := []struct {
		in   string
		want string
		err  bool
	}{
		{`39018491`, "39018491", false},
		{`"39018491"`, "39018491", false},
		{`"a1477bb2-72ea-4be9-b2cf-093cefc721bb"`, "a1477bb2-72ea-4be9-b2cf-093cefc721bb", false},
		{`" 7 "`, "7", false},
		{`null`, "", false},
		{`false`, "", false},
		{`1.5`, "", true},
		{`1e3`, "", true},
		{`{}`, "", true},
		{`true`, "", true},
	}
	for _, tc := range tests {
		var id ID
		err := json.Unmarshal([]byte(tc.in), &id)
		if (err != nil) != tc.err || (err == nil && id.String() != tc.want) {
			t.Errorf("%s: got %q, %v", tc.in, id, err)
		}
	}
}
