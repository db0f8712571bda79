package core_test

import (
	"fmt"
	"testing"
	"time"

	"mizan/core"
	"mizan/core/memstore"
	"mizan/storage"
)

// bigLog writes a run of 200,000 entries, as a first import of some 57,000 orders leaves: each
// order's invoice and payment, then a client created (one of 400 names) or a stock level pushed,
// and a return for one order in 25.
func bigLog(b *testing.B) (*core.Engine, int64) { return bigLogAt(b, b.TempDir()) }

func bigLogAt(b *testing.B, dir string) (*core.Engine, int64) {
	db, err := storage.Open(ctx, dir, storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	eng := core.New(db, core.NewMemorySecrets(), core.NewPlatforms(memstore.Platform(memstore.New(time.Now))), core.Options{})
	conn, err := eng.AddConnection(ctx, core.ConnectionInput{Name: "Test shop", Platform: "memory", StoreURL: "https://shop.example",
		Credentials: map[string]string{"token": "tok"}})
	if err != nil {
		b.Fatal(err)
	}
	run, err := eng.SyncNow(ctx, conn.ID, core.SyncRequest{})
	if err != nil {
		b.Fatal(err)
	}
	first := []string{"أمل", "محمد", "إبراهيم", "نورة", "عبدالله", "سارة", "فهد", "ريم", "خالد", "هيفاء", "سلطان", "لمى", "تركي", "جواهر", "ماجد", "دانة", "ناصر", "أسماء", "بندر", "منيرة"}
	last := []string{"الحربي", "العتيبي", "القحطاني", "الشمري", "الدوسري", "الغامدي", "الزهراني", "المطيري", "السبيعي", "الشهري", "العنزي", "البقمي", "الرشيدي", "الجهني", "المالكي", "الفيفي", "العسيري", "الخالدي", "الأحمدي", "السهلي"}
	var rows []logRow
	for i := 0; len(rows) < 200000; i++ {
		order := fmt.Sprintf("#%d", 10001+i)
		inv := fmt.Sprintf("MAIN-INV-%06d", i+1)
		rows = append(rows,
			sayRow(core.Info, "order", order, "order.invoiced", inv, order, "115.00", "SAR"),
			sayRow(core.Info, "payment", order, "payment.received", fmt.Sprintf("MAIN-REC-%06d", i+1), "115.00", "SAR", inv, order,
				core.Phrase{Code: "payment.method", Args: []core.Phrase{{Text: "مدى"}, {Text: "mada"}}}, "Main cash"))
		switch {
		case i%25 == 0:
			rows = append(rows, sayRow(core.Info, "refund", order, "refund.posted", fmt.Sprintf("MAIN-RET-%06d", i/25+1), order, "20.00", "SAR"))
		case i%2 == 0:
			rows = append(rows, sayRow(core.Info, "client", order, "client.created", first[i%len(first)]+" "+last[(i/len(first))%len(last)], order))
		default:
			sku := fmt.Sprintf("SKU-%04d", i%3000)
			rows = append(rows, sayRow(core.Info, "stock", sku, "stock.pushed", sku, "12", "11", "sold in the store"))
		}
		if i%2 == 1 {
			rows = append(rows, sayRow(core.Info, "order", order, "order.invoiced", inv, order, "115.00", "SAR"))
		}
	}
	writeLog(b, db, conn.ID, run.ID, rows[:200000])
	return eng, run.ID
}

// BenchmarkLogSearch searches a run of 200,000 entries as the window does (5,000 entries at most),
// in Arabic and in English, beside the English search of the command line.
func BenchmarkLogSearch(b *testing.B) {
	eng, runID := bigLog(b)
	for _, c := range []struct {
		name, search string
		reading      *core.LogReading
	}{
		{"ar/template-rare", "مرتجع", arabicReading},
		{"ar/template-common", "الفاتورة", arabicReading},
		{"ar/arg", "الحربي", arabicReading},
		{"ar/arg-other-alef", "احمدي", arabicReading},
		{"ar/ref", "#10500", arabicReading},
		{"ar/kind", "عميل", arabicReading},
		{"ar/miss", "زعفران", arabicReading},
		{"ar/miss-latin", "xyzzy", arabicReading},
		{"ar/two-words", "ابراهيم الحربي", arabicReading},
		{"en/template-rare", "return invoice", core.EnglishReading},
		{"en/miss", "xyzzy", core.EnglishReading},
		{"cli/template-rare", "Return invoice", nil},
		{"cli/miss", "xyzzy", nil},
	} {
		b.Run(c.name, func(b *testing.B) {
			n := 0
			cpu := cpuTime()
			for b.Loop() {
				got, err := eng.Log(ctx, core.LogFilter{RunID: runID, Search: c.search, Reading: c.reading, Limit: 5000})
				if err != nil {
					b.Fatal(err)
				}
				n = len(got)
			}
			b.ReportMetric(float64(n), "found")
			b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
		})
	}
}
