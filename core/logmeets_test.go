package core

import "testing"

// meets finds a search that runs from a sentence's own words into its argument, also when the
// search holds all of those words; holds reads a plain column's backslash as itself.
func TestSearchPiecesAtTheEdge(t *testing.T) {
	for _, c := range []struct {
		piece, search      string
		openStart, openEnd bool
		want               bool
	}{
		{")", "paid)", true, false, true},
		{"\"", "\"abc", false, true, true},
		{"order ", "order #1001", false, true, true},
		{"order ", "der #1", false, true, true},
		{"order ", "#1001 order", false, true, false},
		{")", "paid)", false, false, false},
	} {
		if got := meets(c.piece, c.search, c.openStart, c.openEnd); got != c.want {
			t.Errorf("meets(%q, %q, %v, %v) = %v, want %v", c.piece, c.search, c.openStart, c.openEnd, got, c.want)
		}
	}
	buf := make([]byte, 0, 64)
	for _, c := range []struct{ column, word string }{
		{`C:\temp\x`, `\temp`},
		{`ref\u12 tail`, "tail"},
	} {
		w := wordSearch{needle: []byte(c.word)}
		if !w.holds(c.column, &buf) {
			t.Errorf("%q does not hold %q", c.column, c.word)
		}
	}
}
