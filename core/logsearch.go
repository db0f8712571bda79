package core

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
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

// meets reports whether a search (folded) found in a sentence could take any of the piece's own
// words (folded): the search lies in the piece, holds it, or runs from its end into the place
// after it or from the place before it into its start.
func meets(piece, search string) bool {
	if piece == "" {
		return false
	}
	if strings.Contains(piece, search) || strings.Contains(search, piece) {
		return true
	}
	for i := 1; i < len(piece) && i < len(search); i++ {
		if strings.HasSuffix(piece, search[:i]) || strings.HasPrefix(piece, search[len(search)-i:]) {
			return true
		}
	}
	return false
}

// logSearch is a search of the log as a reading reads it: the entries it could find, told by
// SQL, and the check of each of them on the text as read.
type logSearch struct {
	reading *LogReading
	folded  string
	like    string          // likeFolded(folded)
	kinds   map[string]bool // kinds whose name as shown holds the search
	levels  map[Level]bool
	codes   []string // sentences whose own words the search may take
	inArgs  []string // the same, and lists by their separator, as they are written inside arguments
}

func newLogSearch(r *LogReading, search string) logSearch {
	s := logSearch{reading: r, folded: FoldText(search), kinds: map[string]bool{}, levels: map[Level]bool{}}
	s.like = likeFolded(s.folded)
	for _, k := range LogKinds {
		shown := k
		if r.Kind != nil {
			shown = r.Kind(k)
		}
		if strings.Contains(FoldText(shown), s.folded) {
			s.kinds[k] = true
		}
	}
	for _, l := range []Level{Info, Warning, Error} {
		shown := string(l)
		if r.Level != nil {
			shown = r.Level(l)
		}
		if strings.Contains(FoldText(shown), s.folded) {
			s.levels[l] = true
		}
	}
	for code, w := range logText {
		if !s.wordsMeet(code, w) {
			continue
		}
		if list, ok := strings.CutPrefix(code, "sep."); ok {
			s.inArgs = append(s.inArgs, `"l":"`+list+`"`)
			continue
		}
		s.codes = append(s.codes, code)
		s.inArgs = append(s.inArgs, `"c":"`+code+`"`)
	}
	return s
}

func (s *logSearch) wordsMeet(code string, w Words) bool {
	for _, f := range s.reading.wordings(code, w) {
		for _, piece := range wordingPieces(f) {
			if meets(FoldText(piece), s.folded) {
				return true
			}
		}
	}
	return false
}

// finds reports whether the entry, as read, holds the search.
func (s *logSearch) finds(en LogEntry) bool {
	if s.kinds[en.Kind] || s.levels[en.Level] || strings.Contains(FoldText(en.StoreRef), s.folded) {
		return true
	}
	return strings.Contains(FoldText(s.reading.line(en)), s.folded)
}

// unmarked is SQL for a text with the marks FoldText leaves out taken out of it.
func unmarked(text string) string {
	for _, r := range foldedAwayRunes() {
		text = fmt.Sprintf("replace(%s, char(%d), '')", text, r)
	}
	return text
}

// markedGlob finds a text with any mark FoldText leaves out.
var markedGlob = func() string {
	var b strings.Builder
	b.WriteString("*[")
	for _, r := range foldedAwayRunes() {
		b.WriteRune(r)
	}
	b.WriteString("]*")
	return b.String()
}()

const logColumns = `id, run_id, connection_id, at, level, kind, message, code, args, store_ref, external_id, doc_type, doc_id`

// where is the SQL that picks every entry the search may find (and some it does not), with its
// arguments.
func (s *logSearch) where() (string, []any) {
	var or []string
	var args []any
	in := func(column string, values []string) {
		if len(values) == 0 {
			return
		}
		or = append(or, column+" IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(values)), ", ")+")")
		for _, v := range values {
			args = append(args, v)
		}
	}
	var kinds, levels []string
	for k := range s.kinds {
		kinds = append(kinds, k)
	}
	for l := range s.levels {
		levels = append(levels, string(l))
	}
	in("kind", kinds)
	in("level", levels)
	in("code", s.codes)
	or = append(or, `store_ref LIKE ? ESCAPE '\'`, `(code = '' AND message LIKE ? ESCAPE '\')`, `args LIKE ? ESCAPE '\'`)
	args = append(args, s.like, s.like, s.like)
	for _, m := range s.inArgs {
		or = append(or, "instr(args, ?) > 0")
		args = append(args, m)
	}
	// Text stored with marks inside its words (a name written with harakat or tatweel) is read
	// without them.
	all := `(store_ref || char(10) || message || char(10) || args)`
	or = append(or, "("+all+" GLOB ? AND "+unmarked(all)+` LIKE ? ESCAPE '\')`)
	args = append(args, markedGlob, s.like)
	return "(" + strings.Join(or, " OR ") + ")", args
}

// searchLog is Log for a search as a reading reads it: SQL picks the entries that could hold the
// search, and each is checked on its text as read until the limit is reached.
func (e *Engine) searchLog(ctx context.Context, f LogFilter) ([]LogEntry, error) {
	s := newLogSearch(f.Reading, strings.TrimSpace(f.Search))
	where, args := s.where()
	var filters []string
	var fargs []any
	if f.RunID != 0 {
		filters, fargs = append(filters, "run_id = ?"), append(fargs, f.RunID)
	}
	if f.ConnectionID != 0 {
		filters, fargs = append(filters, "connection_id = ?"), append(fargs, f.ConnectionID)
	}
	if f.Level != "" {
		filters, fargs = append(filters, "level = ?"), append(fargs, string(f.Level))
	}
	filters = append(filters, where)
	fargs = append(fargs, args...)
	var out []LogEntry
	err := e.db.View(ctx, func(tx *storage.Tx) error {
		rows, err := tx.Query(`SELECT `+logColumns+` FROM sync_log WHERE `+strings.Join(filters, " AND ")+
			` ORDER BY run_id DESC, id`, fargs...)
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
