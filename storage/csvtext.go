package storage

import (
	"strings"

	"github.com/shopspring/decimal"
)

// SpreadsheetSafe makes a text cell of a CSV export safe to open in a spreadsheet: a cell that
// starts with =, +, -, @ or a tab or carriage return would be read as a formula (a client named
// "=HYPERLINK(…)" could run one), so it gets a leading apostrophe, which spreadsheets hide.
// Numbers, negative ones included, are left as they are.
func SpreadsheetSafe(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return s
	}
	if _, err := decimal.NewFromString(s); err == nil {
		return s
	}
	return "'" + s
}

// SpreadsheetSafeRow applies SpreadsheetSafe to every cell of a row, in place, and returns it.
func SpreadsheetSafeRow(row []string) []string {
	for i, c := range row {
		row[i] = SpreadsheetSafe(c)
	}
	return row
}
