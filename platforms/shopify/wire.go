package shopify

import (
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"mizan/platforms/jsonnum"
	"mizan/platforms/jsontime"
)

// num is a number read leniently and exactly (see jsonnum).
type num = jsonnum.Num

// money is a MoneyBag with the shop money selected.
type money struct {
	ShopMoney struct {
		Amount num `json:"amount"`
	} `json:"shopMoney"`
}

func (m *money) amount() decimal.Decimal {
	if m == nil {
		return decimal.Zero
	}
	return m.ShopMoney.Amount.Decimal
}

type pageInfo struct {
	HasNextPage bool   `json:"hasNextPage"`
	EndCursor   string `json:"endCursor"`
}

// conn is a connection selected with pageInfo and nodes.
type conn[T any] struct {
	PageInfo pageInfo `json:"pageInfo"`
	Nodes    []T      `json:"nodes"`
}

// stamp is a DateTime that may be null.
type stamp = jsontime.UTC

// userError is a mutation's userErrors entry.
type userError struct {
	Field   []string `json:"field"`
	Message string   `json:"message"`
	Code    string   `json:"code"`
}

func userErrorsMessage(errs []userError) string {
	parts := make([]string, 0, len(errs))
	for _, e := range errs {
		m := e.Message
		if len(e.Field) > 0 {
			m = strings.Join(e.Field, ".") + ": " + m
		}
		if e.Code != "" {
			m += " (" + e.Code + ")"
		}
		parts = append(parts, m)
	}
	return strings.Join(parts, "; ")
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// searchTime formats a time for a search filter (UTC, whole seconds, rounded down so that
// ">=" keeps everything at or after t).
func searchTime(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format(time.RFC3339)
}

// searchValue quotes a value for the search syntax.
func searchValue(v string) string {
	v = strings.ReplaceAll(v, `\`, `\\`)
	v = strings.ReplaceAll(v, `"`, `\"`)
	return `"` + v + `"`
}
