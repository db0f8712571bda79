package core_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"mizan/core"
	"mizan/storage"
)

func TestFoldText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"COF-250 Green Tea", "cof-250 green tea"},
		{"أحمد", "احمد"},
		{"إبراهيم", "ابراهيم"},
		{"آمنة", "امنه"},
		{"ٱلله", "الله"},
		{"فاتورة", "فاتوره"},
		{"مستشفى", "مستشفي"},
		{"مُحَمَّد", "محمد"},
		{"مـــحـمـد", "محمد"},
		{"\u200fالطلب #1001", "الطلب #1001"},
		{"١٠٠١", "1001"},
		{"Élan", "élan"},
	} {
		if got := core.FoldText(c.in); got != c.want {
			t.Errorf("FoldText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// arabicReading reads a few sentences, the kinds and the levels as an Arabic window does.
var arabicReading = &core.LogReading{
	Sentence: func(code string, count *int) (string, bool) {
		f, ok := map[string]string{
			"order.invoiced":   "الفاتورة %[1]s للطلب %[2]s: %[3]s %[4]s",
			"refund.posted":    "فاتورة المرتجع %[1]s لاسترداد من الطلب %[2]s: %[3]s %[4]s",
			"client.created":   "أُنشئ العميل %[1]q من الطلب %[2]s",
			"product.imported": "استُورد %[1]s %[2]q من المتجر",
			"run.stopped":      "توقفت المزامنة: %[1]s",
			"run.cancelled":    "أُلغيت",
			"cancel.failed":    "لم يُسجَّل مرتجع إلغاء الطلب %[1]s: %[2]s. يُعاد في المزامنة التالية",
			"sep.comma":        "، ",
			"order.changed":    "تغيّر الطلب %[1]s في المتجر بعد فوترته بـ%[2]s: %[3]s",
			"change.total":     "المجموع من %[1]s إلى %[2]s",
			"payment.received": "الدفعة %[1]s: استُلم %[2]s %[3]s للفاتورة %[4]s (الطلب %[5]s) عبر %[6]s، إلى %[7]s",
			"payment.method":   "%[1]s (%[2]s)",
			"stock.pushed":     "ضُبط مخزون %[1]s في المتجر من %[2]s إلى %[3]s (%[4]s)",
		}[code]
		return f, ok
	},
	Kind: func(kind string) string {
		return map[string]string{"order": "طلب", "refund": "استرداد", "client": "عميل", "product": "منتج", "run": "مزامنة",
			"cancel": "إلغاء"}[kind]
	},
	Level: func(l core.Level) string {
		return map[core.Level]string{core.Info: "معلومة", core.Warning: "تنبيه", core.Error: "خطأ"}[l]
	},
}

type logRow struct {
	level core.Level
	kind  string
	say   core.Phrase // no code: a row written before codes, with message
	msg   string
	ref   string
}

func sayRow(level core.Level, kind, ref, code string, args ...any) logRow {
	p := core.Phrase{Code: code}
	for _, a := range args {
		switch v := a.(type) {
		case core.Phrase:
			p.Args = append(p.Args, v)
		default:
			p.Args = append(p.Args, core.Phrase{Text: fmt.Sprint(v)})
		}
	}
	return logRow{level: level, kind: kind, say: p, msg: p.English(), ref: ref}
}

// writeLog writes rows into the log of a run of the connection, as the engine stores them.
func (e *env) writeLog(runID int64, rows []logRow) []int64 {
	e.t.Helper()
	return writeLog(e.t, e.db, e.conn.ID, runID, rows)
}

func writeLog(t testing.TB, db *storage.DB, connID, runID int64, rows []logRow) []int64 {
	t.Helper()
	tx, err := db.SQL().Begin()
	if err != nil {
		t.Fatal(err)
	}
	st, err := tx.Prepare(`INSERT INTO sync_log(run_id, connection_id, at, level, kind, message, code, args, store_ref)
		VALUES (?, ?, '2026-03-01T09:00:00Z', ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, r := range rows {
		args := ""
		if len(r.say.Args) > 0 {
			b, err := json.Marshal(r.say.Args)
			if err != nil {
				t.Fatal(err)
			}
			args = string(b)
		}
		res, err := st.Exec(runID, connID, string(r.level), r.kind, r.msg, r.say.Code, args, r.ref)
		if err != nil {
			t.Fatal(err)
		}
		id, _ := res.LastInsertId()
		ids = append(ids, id)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return ids
}

// The sync log's search finds what its reader reads: in an Arabic window the Arabic sentences
// with the store's and the books' own words in them, the kinds and levels in Arabic and the store
// references, however the alef, taa marbuta, alef maqsura, tatweel and harakat were typed or
// stored, and not the English the window does not show; in English the English.
func TestLogSearchFindsWhatIsRead(t *testing.T) {
	e := newEnv(t)
	run := e.sync()
	rows := []logRow{
		sayRow(core.Info, "order", "#1001", "order.invoiced", "INV-000001", "#1001", "115.00", "SAR"),
		sayRow(core.Info, "client", "#1001", "client.created", "أمل الحربي", "#1001"),
		sayRow(core.Info, "refund", "#1001", "refund.posted", "RET-000001", "#1001", "20.00", "SAR"),
		sayRow(core.Info, "product", "COF-250", "product.imported", "COF-250", "قهوة عربية - 250g"),
		{level: core.Info, kind: "product", msg: `Imported TEA-100 "Green tea" from the store`, ref: "TEA-100"},
		sayRow(core.Info, "client", "#1002", "client.created", "مُحمّد الشـــهري", "#1002"),
		sayRow(core.Warning, "run", "", "run.stopped", core.Phrase{Code: "run.cancelled"}),
		sayRow(core.Error, "cancel", "#1003", "cancel.failed", "#1003", "the store did not answer"),
		sayRow(core.Info, "order", "#1004", "order.invoiced", "INV-000002", "#1004", "40.00", "SAR"),
		sayRow(core.Info, "product", "SP-1", "product.imported", "SP-1", `Salt & Pepper <"Mix">`),
		sayRow(core.Info, "order", "#1005", "order.changed", "#1005", "INV-000003", core.Phrase{List: "comma", Args: []core.Phrase{
			{Code: "change.total", Args: []core.Phrase{{Text: "10.00"}, {Text: "12.00"}}},
			{Code: "change.line_removed", Args: []core.Phrase{{Text: "ثوب رجالي"}}}}}),
	}
	ids := e.writeLog(run.ID, rows)
	for _, c := range []struct {
		name    string
		reading *core.LogReading
		search  string
		want    []int // rows found, in order
	}{
		{"a word of a sentence", arabicReading, "مرتجع", []int{2, 7}},
		{"a word typed with haa for taa marbuta", arabicReading, "فاتوره", []int{0, 2, 8}},
		{"a client's name", arabicReading, "الحربي", []int{1}},
		{"a name typed without its hamza", arabicReading, "امل", []int{1}},
		{"a name stored with harakat and tatweel", arabicReading, "محمد الشهري", []int{5}},
		{"a product's Arabic name", arabicReading, "قهوه عربيه", []int{3}},
		{"a kind typed with another alef", arabicReading, "الغاء", []int{7}},
		{"a level", arabicReading, "تنبيه", []int{6}},
		{"a word of a sentence inside another", arabicReading, "ألغيت", []int{6}},
		{"the sentence's words and a document's number", arabicReading, "الفاتورة INV-000002", []int{8}},
		{"a document's number", arabicReading, "inv-000001", []int{0}},
		{"a store reference", arabicReading, "#1002", []int{5}},
		{"a SKU", arabicReading, "cof-250", []int{3}},
		{"an entry written before codes reads in English", arabicReading, "Green tea", []int{4}},
		{"English the Arabic window does not show", arabicReading, "Invoice", nil},
		{"the store's own English words", arabicReading, "did not answer", []int{7}},
		{"nothing", arabicReading, "زعفران", nil},
		{"a name with characters JSON escapes", arabicReading, "salt & pepper <", []int{9}},
		{"English", core.EnglishReading, "invoice", []int{0, 2, 8, 10}},
		{"a list's separator between two sentences", arabicReading, "12.00، line", []int{10}},
		{"English in another case", core.EnglishReading, "CREATED CLIENT", []int{1, 5}},
		{"an English kind", core.EnglishReading, "refund", []int{2}},
		{"Arabic in the English window", core.EnglishReading, "الحربي", []int{1}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := e.eng.Log(ctx, core.LogFilter{RunID: run.ID, Search: c.search, Reading: c.reading, Limit: 5000})
			if err != nil {
				t.Fatal(err)
			}
			var found []int
			for _, en := range got {
				for i, id := range ids {
					if en.ID == id {
						found = append(found, i)
					}
				}
			}
			if !reflect.DeepEqual(found, c.want) {
				t.Errorf("search %q found rows %v, want %v", c.search, found, c.want)
			}
		})
	}
	// Any part of what is read finds every entry that reads it (SQL turns none of them away),
	// whatever sentences and places it runs over.
	entries, err := e.eng.Log(ctx, core.LogFilter{RunID: run.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, reading := range []*core.LogReading{arabicReading, core.EnglishReading} {
		shown := func(en core.LogEntry) []string {
			line := en.Message
			if en.Say.Code != "" {
				line = en.Say.Render(reading.Sentence)
			}
			out := []string{line, en.StoreRef, string(en.Level), en.Kind}
			if reading.Kind != nil {
				out[2], out[3] = reading.Level(en.Level), reading.Kind(en.Kind)
			}
			return out
		}
		rng := rand.New(rand.NewPCG(1, 2))
		for range 300 {
			texts := shown(entries[rng.IntN(len(entries))])
			text := []rune(texts[rng.IntN(len(texts))])
			if len(text) == 0 {
				continue
			}
			from := rng.IntN(len(text))
			part := strings.TrimSpace(string(text[from : from+1+rng.IntN(min(12, len(text)-from))]))
			folded := core.FoldText(part)
			if folded == "" {
				continue
			}
			want := 0
			for _, en := range entries {
				for _, t := range shown(en) {
					if strings.Contains(core.FoldText(t), folded) {
						want++
						break
					}
				}
			}
			got, err := e.eng.Log(ctx, core.LogFilter{RunID: run.ID, Search: part, Reading: reading})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != want {
				t.Errorf("%q found %d entries, %d read it", part, len(got), want)
			}
		}
	}
	// The limit counts the entries found, in the log's order.
	got, err := e.eng.Log(ctx, core.LogFilter{RunID: run.ID, Search: "فاتوره", Reading: arabicReading, Limit: 2})
	if err != nil || len(got) != 2 || got[0].ID != ids[0] || got[1].ID != ids[2] {
		t.Fatalf("limited to 2: %+v, %v", got, err)
	}
	// Without a reading (the command line) the search reads the English message.
	got, err = e.eng.Log(ctx, core.LogFilter{RunID: run.ID, Search: "Invoice INV-000001"})
	if err != nil || len(got) != 1 || got[0].ID != ids[0] || !strings.HasPrefix(got[0].Message, "Invoice") {
		t.Fatalf("the English search: %+v, %v", got, err)
	}
}
