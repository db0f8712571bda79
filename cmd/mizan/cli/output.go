package cli

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/shopspring/decimal"

	"mizan/storage"
)

// utf8BOM marks a file as UTF-8 for spreadsheet programs that would otherwise guess a legacy
// code page and garble Arabic.
const utf8BOM = "\uFEFF"

// exportFlags are the output flags shared by the export commands.
type exportFlags struct {
	format  string
	out     string
	bom     bool
	formats []string // the formats define allowed
}

func (o *exportFlags) define(fs *flag.FlagSet, formats ...string) {
	o.formats = formats
	fs.StringVar(&o.format, "format", formats[0], "output format: "+strings.Join(formats, ", "))
	fs.StringVar(&o.out, "out", "", "write to `FILE` (replaced atomically) instead of standard output (-)")
	fs.BoolVar(&o.bom, "bom", false, "start CSV output with a UTF-8 byte order mark (helps Excel show Arabic)")
}

// check refuses a format define did not allow, and --bom without CSV.
func (o *exportFlags) check() error {
	if err := oneOf("format", o.format, o.formats...); err != nil {
		return err
	}
	if o.bom && o.format != "csv" {
		return Usagef("--bom applies only to --format csv")
	}
	return nil
}

// writeOutput runs write on the file at path, replaced atomically when write succeeds, or on
// stdout when path is empty or "-".
func writeOutput(env *Env, path string, write func(w io.Writer) error) error {
	if path == "" || path == "-" {
		bw := bufio.NewWriter(env.Stdout)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	return writeFileAtomic(path, write)
}

// writeFileAtomic writes a temporary file next to path and renames it over path, so readers see
// the old file or the whole new one, never a part.
func writeFileAtomic(path string, write func(w io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriter(f)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// writeJSON writes v as indented JSON, leaving non-ASCII text and &, <, > as they are.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}

// writeCSV writes a header and rows, optionally after a byte order mark.
func writeCSV(w io.Writer, bom bool, header []string, rows [][]string) error {
	if bom {
		if _, err := io.WriteString(w, utf8BOM); err != nil {
			return fmt.Errorf("write CSV: %w", err)
		}
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	for _, r := range rows {
		if err := cw.Write(storage.SpreadsheetSafeRow(r)); err != nil {
			return fmt.Errorf("write CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	return nil
}

// table writes aligned columns. Tabs, line breaks, control characters and bidirectional overrides
// in cells are shown escaped (see cleanCell), so a name cannot break the layout or drive the
// terminal.
type table struct {
	w   io.Writer
	buf bytes.Buffer
	tw  *tabwriter.Writer
}

func newTable(w io.Writer, header ...string) *table {
	t := &table{w: w}
	t.tw = tabwriter.NewWriter(&t.buf, 0, 0, 2, ' ', 0)
	if len(header) > 0 {
		t.row(header...)
	}
	return t
}

func (t *table) row(cells ...string) {
	for i, c := range cells {
		if i > 0 {
			t.tw.Write([]byte{'\t'})
		}
		t.tw.Write([]byte(cleanCell(c)))
	}
	t.tw.Write([]byte{'\n'})
}

// flush writes the table out, without the padding an empty last column leaves at line ends.
func (t *table) flush() error {
	if err := t.tw.Flush(); err != nil {
		return err
	}
	for _, line := range strings.SplitAfter(t.buf.String(), "\n") {
		if line == "" {
			continue
		}
		trimmed := strings.TrimRight(line, " \n")
		if strings.HasSuffix(line, "\n") {
			trimmed += "\n"
		}
		if _, err := io.WriteString(t.w, trimmed); err != nil {
			return err
		}
	}
	t.buf.Reset()
	return nil
}

// cleanCell shows the characters that would break a table or drive the terminal as visible
// escapes: control characters (\n, \t, \x00, \x1b, …), the bidirectional embeddings, overrides and
// isolates (\u202e, …, which would reorder the rest of the line), and the Unicode line and paragraph
// separators. Everything else, Arabic text and its marks included, is shown as it is.
func cleanCell(s string) string {
	if strings.IndexFunc(s, needsEscape) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if !needsEscape(r) {
			b.WriteRune(r)
			continue
		}
		switch r {
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x80 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		}
	}
	return b.String()
}

func needsEscape(r rune) bool {
	switch {
	case unicode.IsControl(r):
		return true
	case r >= '\u202a' && r <= '\u202e', // LRE, RLE, PDF, LRO, RLO
		r >= '\u2066' && r <= '\u2069', // LRI, RLI, FSI, PDI
		r == '\u2028', r == '\u2029':   // line and paragraph separators
		return true
	}
	return false
}

// amount shows money with at least two decimal places (12.50), keeping any further places the
// amount really has (1.125).
func amount(d decimal.Decimal) string {
	if d.Equal(d.Round(2)) {
		return d.StringFixed(2)
	}
	return d.String()
}

// utcTime is a timestamp in export form: RFC 3339 in UTC.
func utcTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// localTime is a timestamp for people: date and minute in the user's time zone.
func (e *Env) localTime(t time.Time) string {
	return t.In(e.loc()).Format("2006-01-02 15:04")
}

// parseDay reads a YYYY-MM-DD date flag as midnight at the start of that day in the user's zone.
func (e *Env) parseDay(flagName, s string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(s), e.loc())
	if err != nil {
		return time.Time{}, Usagef("--%s %q is not a date in the form YYYY-MM-DD", flagName, s)
	}
	return t, nil
}
