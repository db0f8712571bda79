package core

import (
	"bytes"
	"database/sql/driver"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf16"
	"unicode/utf8"

	"mizan/storage"
)

// The searches of the sync log running, by the id their SQL names them with.
var (
	logSearches  sync.Map // int64 → *logSearch
	logSearchIDs atomic.Int64
)

// sync_log_may_hold(search, kind, level, code, store_ref, message, args) is 1 when each word of
// the search (by its id) may be in the entry as read: in its kind or level as shown, in its
// sentence's own words, in its store reference, in its English message (passed for an entry
// written before codes, else empty), or in a word of its arguments or the sentences and lists
// inside them; else 0. It picks the entries a search checks without reading each into Go.
func init() {
	if err := storage.RegisterFunction("sync_log_may_hold", 7, logMayHold); err != nil {
		panic(err)
	}
}

func logMayHold(v []driver.Value) (driver.Value, error) {
	id, _ := v[0].(int64)
	found, ok := logSearches.Load(id)
	if !ok {
		return int64(1), nil // checked on its text as read
	}
	text := func(i int) string {
		s, _ := v[i].(string)
		return s
	}
	buf := foldBuffers.Get().(*[]byte)
	defer foldBuffers.Put(buf)
	kind, level, code, ref, message, args := text(1), Level(text(2)), text(3), text(4), text(5), text(6)
	for _, w := range found.(*logSearch).words {
		if !(w.kinds[kind] || w.levels[level] || w.codes[code] || w.holds(ref, buf) || w.holds(message, buf) || w.argsHold(args, buf)) {
			return int64(0), nil
		}
	}
	return int64(1), nil
}

var foldBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

func (w *wordSearch) holds(s string, buf *[]byte) bool {
	if s == "" {
		return false
	}
	*buf = appendFold((*buf)[:0], s) // a column's plain text, not JSON: a backslash is itself
	return bytes.Contains(*buf, w.needle)
}

// argsHold reads a phrase's arguments as the engine writes them (JSON of []Phrase): the words
// shown as they are ("t"), and the sentences ("c") and lists ("l") inside.
func (w *wordSearch) argsHold(js string, buf *[]byte) bool {
	key := ""
	for i := 0; i < len(js); {
		if js[i] != '"' {
			i++
			continue
		}
		j := i + 1
		for j < len(js) && js[j] != '"' {
			if js[j] == '\\' {
				j++
			}
			j++
		}
		if j > len(js) {
			j = len(js)
		}
		s := js[i+1 : j]
		i = j + 1
		if i < len(js) && js[i] == ':' {
			key, i = s, i+1
			continue
		}
		switch key {
		case "t":
			*buf = appendFoldJSON((*buf)[:0], s)
			if bytes.Contains(*buf, w.needle) || (strings.IndexByte(s, '\\') >= 0 && w.quotedHolds(s, buf)) {
				return true
			}
		case "c":
			if w.inside[s] {
				return true
			}
		case "l":
			if w.lists[s] {
				return true
			}
		}
	}
	return false
}

// quotedHolds reports whether the word is in the text of a JSON string (one with escapes) as a
// sentence quotes it (%q: a quote or backslash in it, or a character not shown, written escaped).
func (w *wordSearch) quotedHolds(raw string, buf *[]byte) bool {
	var text string
	if json.Unmarshal([]byte(`"`+raw+`"`), &text) != nil {
		return true // checked on its text as read
	}
	*buf = appendFold((*buf)[:0], strconv.Quote(text))
	return bytes.Contains(*buf, w.needle)
}

// appendFoldJSON appends the fold of a JSON string's text (its escapes read) to buf.
func appendFoldJSON(buf []byte, raw string) []byte {
	for i := 0; i < len(raw); {
		j := strings.IndexByte(raw[i:], '\\')
		if j < 0 {
			return appendFold(buf, raw[i:])
		}
		buf = appendFold(buf, raw[i:i+j])
		i += j
		if i+1 >= len(raw) {
			return buf
		}
		switch e := raw[i+1]; e {
		case 'u':
			r, ok := hexRune(raw[i+2:])
			if !ok {
				return buf
			}
			i += 6
			if utf16.IsSurrogate(r) && strings.HasPrefix(raw[i:], `\u`) {
				if r2, ok := hexRune(raw[i+2:]); ok {
					r = utf16.DecodeRune(r, r2)
					i += 6
				}
			}
			if r, keep := foldRune(r); keep {
				buf = utf8.AppendRune(buf, r)
			}
		default:
			c := e
			switch e {
			case 'n':
				c = '\n'
			case 't':
				c = '\t'
			case 'r':
				c = '\r'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			}
			buf = append(buf, c)
			i += 2
		}
	}
	return buf
}

func hexRune(s string) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	n, err := strconv.ParseUint(s[:4], 16, 32)
	return rune(n), err == nil
}
