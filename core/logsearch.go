package core

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"mizan/storage"
)

// LogReading is how someone reads the sync log (a window in its language), so that a search
// finds what they read there: the engine's sentences in their words with the store's and the
// books' own words in them, the kind and level of each entry as shown, and its store reference.
// An entry written before the engine gave its sentences codes reads in English as written.
type LogReading struct {
	// Sentence is a catalogue sentence's wording, as Phrase.Render takes it: count is the number a
	// sentence about a number of things is about, else nil. A sentence it lacks reads in English.
	Sentence func(code string, count *int) (string, bool)
	// Kind and Level are an entry's kind and level as shown; nil shows them as stored.
	Kind  func(kind string) string
	Level func(Level) string
}

// EnglishReading reads the log in the engine's English, kinds and levels as stored.
var EnglishReading = &LogReading{Sentence: englishFormat}

func (r *LogReading) sentence(code string, count *int) (string, bool) {
	if r.Sentence == nil {
		return "", false
	}
	return r.Sentence(code, count)
}

// line is an entry's message as the reader reads it.
func (r *LogReading) line(en LogEntry) string {
	if en.Say.Code == "" && en.Say.List == "" {
		return en.Message
	}
	return en.Say.Render(r.sentence)
}

// pluralSamples are counts that take each plural form of English and Arabic (zero, one, two,
// few, many, other), for the wordings a sentence about a number of things may have.
var pluralSamples = []int{0, 1, 2, 3, 11, 100}

// wordings is every wording a catalogue sentence may take in the reading.
func (r *LogReading) wordings(code string, w Words) []string {
	word := func(count *int) string {
		if f, ok := r.sentence(code, count); ok {
			return f
		}
		f, _ := englishFormat(code, count)
		return f
	}
	if w.Count == 0 {
		return []string{word(nil)}
	}
	var out []string
	seen := map[string]bool{}
	for _, n := range pluralSamples {
		if f := word(&n); !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

var placeVerb = regexp.MustCompile(`%\[\d+\]([sq])`)

// wordingPieces is a sentence's own words between its places; a quoted place's marks belong to
// the words beside it.
func wordingPieces(format string) []string {
	var out []string
	last, quoted := 0, false
	for _, m := range placeVerb.FindAllStringSubmatchIndex(format, -1) {
		piece := format[last:m[0]]
		if quoted {
			piece = `"` + piece
		}
		quoted = format[m[2]:m[3]] == "q"
		if quoted {
			piece += `"`
		}
		out = append(out, piece)
		last = m[1]
	}
	piece := format[last:]
	if quoted {
		piece = `"` + piece
	}
	return append(out, piece)
}

// meets reports whether a search (folded) found in a line could take any of a piece's own words
// (folded): the search lies in the piece, or runs on past an open end (a place, or the edge of a
// sentence inside another) from the piece's end, or from before an open start into the piece, or
// over the whole piece between two open sides.
func meets(piece, search string, openStart, openEnd bool) bool {
	if piece == "" {
		return false
	}
	if strings.Contains(piece, search) || (openStart && openEnd && strings.Contains(search, piece)) {
		return true
	}
	for i := 1; i <= len(piece) && i < len(search); i++ {
		if (openEnd && strings.HasSuffix(piece, search[:i])) || (openStart && strings.HasPrefix(piece, search[len(search)-i:])) {
			return true
		}
	}
	return false
}

// logSearch is a search of the log as a reading reads it: SQL picks the entries that may hold
// each of its words (sync_log_may_hold), and each is checked on its text as read.
type logSearch struct {
	reading *LogReading
	folded  string
	words   []wordSearch
}

// wordSearch is where one word of a search may be read.
type wordSearch struct {
	folded string
	needle []byte          // folded
	kinds  map[string]bool // kinds whose name as shown holds the word
	levels map[Level]bool
	codes  map[string]bool // sentences whose own words may take the word, as an entry's sentence
	inside map[string]bool // the same inside another sentence
	lists  map[string]bool // lists whose separator may take it, by name
}

func newLogSearch(r *LogReading, search string) *logSearch {
	s := &logSearch{reading: r, folded: FoldText(search)}
	words := strings.Fields(s.folded)
	// A word inside another one adds nothing.
	sort.Slice(words, func(i, j int) bool { return len(words[i]) > len(words[j]) })
	for _, w := range words {
		redundant := false
		for _, kept := range s.words {
			redundant = redundant || strings.Contains(kept.folded, w)
		}
		if !redundant {
			s.words = append(s.words, newWordSearch(r, w))
		}
	}
	// The word the fewest sentences may take first: it turns most entries away.
	sort.SliceStable(s.words, func(i, j int) bool { return len(s.words[i].codes) < len(s.words[j].codes) })
	return s
}

func newWordSearch(r *LogReading, word string) wordSearch {
	s := wordSearch{folded: word, needle: []byte(word), kinds: map[string]bool{}, levels: map[Level]bool{}, codes: map[string]bool{},
		inside: map[string]bool{}, lists: map[string]bool{}}
	for _, k := range LogKinds {
		shown := k
		if r.Kind != nil {
			shown = r.Kind(k)
		}
		if strings.Contains(FoldText(shown), word) {
			s.kinds[k] = true
		}
	}
	for _, l := range []Level{Info, Warning, Error} {
		shown := string(l)
		if r.Level != nil {
			shown = r.Level(l)
		}
		if strings.Contains(FoldText(shown), word) {
			s.levels[l] = true
		}
	}
	for code, w := range logText {
		entry, inside := wordsMeet(r, code, w, word)
		// Only the sentences the word may take are kept (a code not kept reads false), so that
		// the number kept says how many entries the word lets through.
		if list, ok := strings.CutPrefix(code, "sep."); ok {
			if inside {
				s.lists[list] = true
			}
			continue
		}
		if entry {
			s.codes[code] = true
		}
		if inside {
			s.inside[code] = true
		}
	}
	return s
}

// wordsMeet reports whether a word may take a sentence's own words as an entry's sentence (which
// nothing comes before or after) and inside another sentence.
func wordsMeet(r *LogReading, code string, w Words, word string) (entry, inside bool) {
	for _, f := range r.wordings(code, w) {
		pieces := wordingPieces(f)
		for i, piece := range pieces {
			piece = FoldText(piece)
			entry = entry || meets(piece, word, i > 0, i < len(pieces)-1)
			inside = inside || meets(piece, word, true, true)
		}
	}
	return entry, inside
}

// finds reports whether the entry, as read, holds the search.
func (s *logSearch) finds(en LogEntry) bool {
	for _, shown := range []string{s.reading.kind(en.Kind), s.reading.level(en.Level), en.StoreRef} {
		if strings.Contains(FoldText(shown), s.folded) {
			return true
		}
	}
	return strings.Contains(FoldText(s.reading.line(en)), s.folded)
}

func (r *LogReading) kind(kind string) string {
	if r.Kind == nil {
		return kind
	}
	return r.Kind(kind)
}

func (r *LogReading) level(l Level) string {
	if r.Level == nil {
		return string(l)
	}
	return r.Level(l)
}

const logColumns = `id, run_id, connection_id, at, level, kind, message, code, args, store_ref, external_id, doc_type, doc_id`

// searchLog is Log for a search as a reading reads it: SQL picks the entries that could hold the
// search, and each is checked on its text as read until the limit is reached.
func (e *Engine) searchLog(ctx context.Context, f LogFilter) ([]LogEntry, error) {
	s := newLogSearch(f.Reading, strings.TrimSpace(f.Search))
	id := logSearchIDs.Add(1)
	logSearches.Store(id, s)
	defer logSearches.Delete(id)
	var filters []string
	var args []any
	if f.RunID != 0 {
		filters, args = append(filters, "run_id = ?"), append(args, f.RunID)
	}
	if f.ConnectionID != 0 {
		filters, args = append(filters, "connection_id = ?"), append(args, f.ConnectionID)
	}
	if f.Level != "" {
		filters, args = append(filters, "level = ?"), append(args, string(f.Level))
	}
	filters = append(filters, `sync_log_may_hold(?, kind, level, code, store_ref, CASE WHEN code = '' THEN message ELSE '' END, args)`)
	args = append(args, id)
	var out []LogEntry
	err := e.db.View(ctx, func(tx *storage.Tx) error {
		rows, err := tx.Query(`SELECT `+logColumns+` FROM sync_log WHERE `+strings.Join(filters, " AND ")+
			` ORDER BY run_id DESC, id`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for len(out) < f.Limit && rows.Next() {
			en, err := scanLogEntry(rows)
			if err != nil {
				return err
			}
			if s.finds(en) {
				out = append(out, en)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("search the sync log: %w", err)
	}
	return out, nil
}

// scanLogEntry reads a row of logColumns.
func scanLogEntry(rows interface{ Scan(...any) error }) (LogEntry, error) {
	var en LogEntry
	var at, level, args string
	if err := rows.Scan(&en.ID, &en.RunID, &en.ConnectionID, &at, &level, &en.Kind, &en.Message, &en.Say.Code, &args,
		&en.StoreRef, &en.ExternalID, &en.DocType, &en.DocID); err != nil {
		return en, err
	}
	if args != "" {
		if err := json.Unmarshal([]byte(args), &en.Say.Args); err != nil {
			return en, fmt.Errorf("sync log entry %d: %w", en.ID, err)
		}
	}
	en.At, en.Level = parseTime(at), Level(level)
	return en, nil
}
