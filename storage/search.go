package storage

import (
	"strings"
	"unicode/utf8"
)

// searchIndexMin is the shortest text the search indexes find: they hold every three characters
// of the invoices' numbers and store order names and of the clients' names.
const searchIndexMin = 3

// invoiceSearch is the condition that selects the invoices whose number, store order name or
// client's name contains text (trimmed, not empty), with its arguments.
//
// Every invoice found matches text with LIKE (ASCII case folded, '%' and '_' literal), as the
// search always has: a text of three characters or more is first looked up in the trigram indexes
// (migration 0010), which narrow the invoices and clients to those holding it with its case folded,
// and LIKE then checks only those. A shorter text is matched with LIKE against every invoice.
func invoiceSearch(text string) (string, []any) {
	like := "%" + escapeLike(text) + "%"
	if !searchIndexed(text) {
		return `(i.number LIKE ? ESCAPE '\' OR i.source_order_name LIKE ? ESCAPE '\'
			OR i.client_id IN (SELECT id FROM clients WHERE name LIKE ? ESCAPE '\'))`,
			[]any{like, like, like}
	}
	phrase := ftsTrigrams(text)
	return `(i.id IN (SELECT rowid FROM invoice_search WHERE invoice_search MATCH ?
			AND (number LIKE ? ESCAPE '\' OR source_order_name LIKE ? ESCAPE '\'))
		OR i.client_id IN (SELECT rowid FROM client_search WHERE client_search MATCH ? AND name LIKE ? ESCAPE '\'))`,
		[]any{phrase, like, like, phrase, like}
}

// searchIndexed says whether the search indexes can find text: it has three characters or more
// (and is valid UTF-8, which the indexes' characters are).
func searchIndexed(text string) bool {
	return utf8.ValidString(text) && utf8.RuneCountInString(text) >= searchIndexMin
}

// ftsTrigrams is the FTS5 query that finds the rows holding every three consecutive characters of
// text (of three or more), each quoted so that every character is literal. The indexes keep no
// positions, so the query finds rows holding the three-character pieces anywhere: LIKE then keeps
// only those holding the whole text.
func ftsTrigrams(text string) string {
	runes := []rune(text)
	seen := make(map[string]bool, len(runes))
	var b strings.Builder
	for i := 0; i+searchIndexMin <= len(runes); i++ {
		t := string(runes[i : i+searchIndexMin])
		if seen[t] {
			continue
		}
		seen[t] = true
		if b.Len() > 0 {
			b.WriteString(" AND ")
		}
		b.WriteString(`"` + strings.ReplaceAll(t, `"`, `""`) + `"`)
	}
	return b.String()
}
