package storage

import (
	"fmt"
	"slices"
	"strconv"
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

// searchAtCommitVersion is the migration from which a transaction writes the search entries of the
// invoices it wrote when it commits; before it, a trigger wrote each invoice's entry.
const searchAtCommitVersion = 14

// indexInvoice notes an invoice the transaction wrote, for its search entry.
func (t *Tx) indexInvoice(id int64) {
	if t.db.schemaVersion == 0 || t.db.schemaVersion >= searchAtCommitVersion {
		t.searchIDs = append(t.searchIDs, id)
	}
}

// writeSearch writes the search entries of the invoices the transaction wrote, in one statement
// just before it commits. SQLite's full-text index keeps what it is given in memory until the
// statement's savepoint ends, and writes it to disk then: written as each invoice was, inside the
// savepoint of each order of a page, the index was written once per order. An invoice whose
// savepoint was undone is not in the invoices any more, and gets no entry; its id may have been
// given again to a later invoice of the same transaction, which gets one entry.
func (t *Tx) writeSearch() error {
	if len(t.searchIDs) == 0 {
		return nil
	}
	ids := slices.Compact(slices.Sorted(slices.Values(t.searchIDs)))
	t.searchIDs = nil
	if _, err := t.Exec(`INSERT INTO invoice_search(rowid, number, source_order_name)
		SELECT id, number, source_order_name FROM invoices WHERE id IN (SELECT value FROM json_each(?))`, idArray(ids)); err != nil {
		return fmt.Errorf("write the invoices' search entries: %w", err)
	}
	return nil
}

// idArray writes ids as a JSON array, for a statement that reads them with json_each(?): one
// statement for a set of rows, whatever its size.
func idArray(ids []int64) string {
	list := make([]byte, 0, 8*len(ids)+2)
	list = append(list, '[')
	for i, id := range ids {
		if i > 0 {
			list = append(list, ',')
		}
		list = strconv.AppendInt(list, id, 10)
	}
	return string(append(list, ']'))
}
