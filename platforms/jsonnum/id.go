package jsonnum

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// ID is an id a store sends as a whole number (an order's 39018491) or as a string (a UUID, or
// the same number quoted), kept as text. Null and false leave it empty; a fraction or any other
// value is refused.
type ID string

// UnmarshalJSON implements json.Unmarshaler.
func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*id = ""
	switch {
	case bytes.Equal(b, []byte("null")), bytes.Equal(b, []byte("false")):
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = ID(strings.TrimSpace(s))
		return nil
	}
	if _, err := strconv.ParseInt(string(b), 10, 64); err != nil {
		return fmt.Errorf("not an id: %q", shorten(string(b)))
	}
	*id = ID(b)
	return nil
}

// String is the id's text.
func (id ID) String() string { return string(id) }
