package storage

import "testing"

func TestSpreadsheetSafe(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"قهوة عربية", "قهوة عربية"},
		{"=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"},
		{"+966501234567", "+966501234567"},
		{"+SUM(A1)", "'+SUM(A1)"},
		{"-12.50", "-12.50"},
		{"-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"},
		{"@SUM(1)", "'@SUM(1)"},
		{"\tx", "'\tx"},
		{"MAIN-INV-000001", "MAIN-INV-000001"},
	}
	for _, tc := range tests {
		if got := SpreadsheetSafe(tc.in); got != tc.want {
			t.Errorf("SpreadsheetSafe(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
