package woocommerce

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"mizan/platforms/jsonnum"
	"mizan/platforms/jsontime"
)

// num is a number read leniently and exactly (see jsonnum).
type num = jsonnum.Num

// wcID is an object id, a JSON number or (from some plugins) a numeric string.
type wcID int64

func (id *wcID) UnmarshalJSON(b []byte) error {
	var n num
	if err := n.UnmarshalJSON(b); err != nil {
		return fmt.Errorf("id: %w", err)
	}
	*id = wcID(n.IntPart())
	return nil
}

func (id wcID) String() string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(int64(id), 10)
}

// wcTime is a WooCommerce date. The *_gmt fields are UTC without an offset
// ("2026-03-01T10:00:00"); an offset, when a plugin adds one, is honoured.
type wcTime = jsontime.UTC

// gmtParam formats a time for modified_after/after with dates_are_gmt=true.
func gmtParam(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format("2006-01-02T15:04:05")
}

// manageStock is a product's manage_stock: true, false, or (for a variation) "parent", meaning
// the variation shares its parent's stock.
type manageStock struct {
	On     bool
	Parent bool
}

func (m *manageStock) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("true")):
		*m = manageStock{On: true}
	case bytes.Equal(b, []byte(`"parent"`)):
		*m = manageStock{Parent: true}
	case bytes.Equal(b, []byte(`"yes"`)), bytes.Equal(b, []byte(`"1"`)):
		*m = manageStock{On: true}
	default:
		*m = manageStock{}
	}
	return nil
}

// metaItem is one entry of meta_data; value may be any JSON.
type metaItem struct {
	Key   string          `json:"key"`
	Value json.RawMessage `json:"value"`
}

func metaString(list []metaItem, key string) string {
	for _, m := range list {
		if m.Key != key {
			continue
		}
		var s string
		if json.Unmarshal(m.Value, &s) == nil {
			return strings.TrimSpace(s)
		}
		var n json.Number
		if json.Unmarshal(m.Value, &n) == nil {
			return n.String()
		}
	}
	return ""
}

// wcError is WordPress's error body: {"code", "message", "data": {"status"}}.
type wcError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Data    struct {
		Status int `json:"status"`
	} `json:"data"`
}

func decimalJSON(d decimal.Decimal) json.Number { return json.Number(d.String()) }
