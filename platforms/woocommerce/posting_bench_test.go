//go:build unix

package woocommerce_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"mizan/core"
	"mizan/platforms/woocommerce"
	"mizan/platforms/woocommerce/wootest"
	"mizan/storage"
)

// postingChildEnv carries the importing child's job: the store to read and where to report.
const postingChildEnv = "MIZAN_POSTING_CHILD"

type postingJob struct {
	StoreURL    string
	Credentials map[string]string
	Dir         string // the books the child imports into
	Result      string // where the child writes its postingResult
	CPUProfile  string // when set, the orders phase's CPU profile is written there
}

type postingResult struct {
	Orders, Invoices, Returns, Errors int
	Sync, OrdersPhase                 time.Duration
	PeakKB                            int64 // the child's peak resident memory (VmHWM), 0 when unknown
}

// BenchmarkLocalPosting measures how fast the engine posts orders from a store that answers at
// once: the WooCommerce test store (MIZAN_POSTING_ORDERS orders, 10,000 by default, over
// MIZAN_POSTING_PRODUCTS products, 600 by default) is seeded and served by this process, and a
// child process (this test binary run again) connects new books to it and imports. The child's
// orders phase gives the posting rate, and it reads its own peak resident memory (Linux's VmHWM)
// when it ends. The same run then writes the same rows (the invoices, their lines and charges, and
// their stock movements, read back from the child's books, and the invoices' search entries) into
// new books with a plain INSERT loop, 100 invoices to a transaction, for the raw SQLite rate of
// this machine; both rates and their ratio are printed. MIZAN_POSTING_CPUPROFILE names a file for
// the orders phase's CPU profile.
//
// WooCommerce's store is the fairest source: it has no rate limit to model and pages 100
// orders at a time over plain REST, so the double does little work per order beyond encoding
// JSON; Shopify's models its cost-based throttle and runs a GraphQL executor per page.
func BenchmarkLocalPosting(b *testing.B) {
	if raw := os.Getenv(postingChildEnv); raw != "" {
		runPostingChild(b, raw)
		return
	}
	products := envCount("MIZAN_POSTING_PRODUCTS", 600)
	orders := envCount("MIZAN_POSTING_ORDERS", 10000)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		h := wootest.NewHarnessWith(b, wootest.Options{PricesIncludeTax: true, COGS: true})
		h.Seed(products, orders, 7)
		h.Advance(time.Minute)
		cfg := h.Config()
		dir := b.TempDir()
		job := postingJob{StoreURL: cfg.StoreURL, Credentials: cfg.Credentials, Dir: filepath.Join(dir, "books"),
			Result: filepath.Join(dir, "result.json"), CPUProfile: os.Getenv("MIZAN_POSTING_CPUPROFILE")}
		raw, err := json.Marshal(job)
		if err != nil {
			b.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^BenchmarkLocalPosting$", "-test.benchtime=1x", "-test.count=1")
		cmd.Env = append(os.Environ(), postingChildEnv+"="+string(raw))
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("importing child: %v\n%s", err, out)
		}
		cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		var res postingResult
		data, err := os.ReadFile(job.Result)
		if err != nil {
			b.Fatalf("importing child wrote no result: %v\n%s", err, out)
		}
		if err := json.Unmarshal(data, &res); err != nil {
			b.Fatal(err)
		}
		// The child's own high-water mark: the kernel's rusage for it also counts this process's
		// memory at the moment it was started (the child shares it until exec), here the seeded store.
		peakKB := res.PeakKB
		if peakKB == 0 {
			peakKB = cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
		}
		// The seeded store holds a few orders the books rightly refuse (a fixed coupon worth more
		// than a cheap order, about 3 in 100,000): they are logged, and posting goes on.
		if res.Errors > orders/10000+1 {
			b.Fatalf("the import logged %d errors:\n%s", res.Errors, out)
		}
		var refused []string
		for _, line := range strings.Split(string(out), "\n") {
			if strings.Contains(line, "was not invoiced") {
				refused = append(refused, strings.TrimSpace(line))
			}
		}
		rawTime, rows := rawInserts(b, job.Dir, filepath.Join(dir, "raw"))
		rate := float64(orders) / res.OrdersPhase.Seconds()
		rawRate := float64(orders) / rawTime.Seconds()
		b.ReportMetric(rate, "orders/s")
		b.ReportMetric(rawRate, "raw-orders/s")
		b.ReportMetric(rate/rawRate, "ratio")
		b.ReportMetric(float64(peakKB)/1024, "peak-MB")
		b.ReportMetric(float64(cpu.Microseconds())/float64(orders), "cpu-µs/order")
		b.Logf("%d orders (%d invoices, %d returns) posted in %v (%.0f orders/s; the whole sync %v); the importing process: peak RSS %.1f MB, CPU %v (%.0f µs an order, the whole process)",
			res.Orders, res.Invoices, res.Returns, res.OrdersPhase.Round(time.Millisecond), rate, res.Sync.Round(time.Millisecond), float64(peakKB)/1024,
			cpu.Round(time.Millisecond), float64(cpu.Microseconds())/float64(orders))
		b.Logf("raw SQLite: the same %s in %v (%.0f orders/s); engine / raw = %.2f", rows, rawTime.Round(time.Millisecond), rawRate, rate/rawRate)
		if res.Errors > 0 {
			b.Logf("the import refused %d orders:\n%s", res.Errors, strings.Join(refused, "\n"))
		}
	}
}

func envCount(name string, def int) int {
	var n int
	if _, err := fmt.Sscan(os.Getenv(name), &n); err == nil && n > 0 {
		return n
	}
	return def
}

// runPostingChild is the importing process: new books, one connection, one sync.
func runPostingChild(b *testing.B, raw string) {
	var job postingJob
	if err := json.Unmarshal([]byte(raw), &job); err != nil {
		b.Fatal(err)
	}
	bg := context.Background()
	db, err := storage.Open(bg, job.Dir, storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	closed := false
	defer func() {
		if !closed {
			db.Close()
		}
	}()
	eng := core.New(db, core.NewMemorySecrets(), core.NewPlatforms(woocommerce.Platform()), core.Options{Log: slog.New(slog.DiscardHandler)})
	conn, err := eng.AddConnection(bg, core.ConnectionInput{Name: "Bench store", Platform: "woocommerce", StoreURL: job.StoreURL,
		Credentials: job.Credentials})
	if err != nil {
		b.Fatal(err)
	}
	var ordersStart, ordersEnd time.Time
	var prof *os.File
	progress := func(p core.Progress) {
		switch {
		case p.Phase == "orders" && ordersStart.IsZero():
			ordersStart = time.Now()
			if job.CPUProfile != "" {
				if prof, err = os.Create(job.CPUProfile); err == nil {
					err = pprof.StartCPUProfile(prof)
				}
			}
		case p.Phase == "push stock" && ordersEnd.IsZero():
			ordersEnd = time.Now()
			if prof != nil {
				pprof.StopCPUProfile()
				prof.Close()
			}
		}
	}
	start := time.Now()
	sum, err := eng.SyncNow(bg, conn.ID, core.SyncRequest{Progress: progress})
	if err != nil {
		b.Fatal(err)
	}
	res := postingResult{Orders: sum.Counts.OrdersSeen, Invoices: sum.Counts.Invoices, Returns: sum.Counts.Returns,
		Errors: sum.Counts.Errors, Sync: time.Since(start), OrdersPhase: ordersEnd.Sub(ordersStart)}
	if sum.Counts.Errors > 0 {
		entries, _ := eng.Log(bg, core.LogFilter{ConnectionID: conn.ID, Level: core.Error, Limit: 20})
		for _, e := range entries {
			b.Logf("%s %s: %s", e.Kind, e.StoreRef, e.Message)
		}
	}
	closed = true
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	res.PeakKB = highWaterKB()
	data, _ := json.Marshal(res)
	if err := os.WriteFile(job.Result, data, 0o600); err != nil {
		b.Fatal(err)
	}
}

// highWaterKB is this process's peak resident memory in kilobytes (Linux's VmHWM), or 0.
func highWaterKB() int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &kb)
			return kb
		}
	}
	return 0
}

// rawInserts writes the invoices of the books in src (with their lines, charges and stock
// movements, and their search entries) into new books in dst with plain INSERTs, 100 invoices to
// a transaction, and returns
// the time the inserts took. The clients and products they refer to are copied first, untimed.
func rawInserts(b *testing.B, src, dst string) (time.Duration, string) {
	b.Helper()
	bg := context.Background()
	db, err := storage.Open(bg, dst, storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	conn, err := db.SQL().Conn(bg)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	exec := func(q string, args ...any) {
		if _, err := conn.ExecContext(bg, q, args...); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
	}
	exec(`ATTACH DATABASE ? AS src`, "file:"+filepath.Join(src, storage.FileName)+"?mode=ro")
	exec(`INSERT OR IGNORE INTO main.clients SELECT * FROM src.clients`)
	exec(`INSERT OR IGNORE INTO main.categories SELECT * FROM src.categories`)
	exec(`INSERT OR IGNORE INTO main.products SELECT * FROM src.products`)

	type table struct {
		name, key string // rows are grouped by the invoice they belong to, through key
		cols      []string
		rows      map[int64][][]any
		n         int
	}
	load := func(name, key, where string) *table {
		t := &table{name: name, key: key, rows: map[int64][][]any{}}
		rows, err := conn.QueryContext(bg, `SELECT * FROM src.`+name+` `+where)
		if err != nil {
			b.Fatal(err)
		}
		defer rows.Close()
		t.cols, _ = rows.Columns()
		ki := -1
		for i, c := range t.cols {
			if c == key {
				ki = i
			}
		}
		for rows.Next() {
			vals := make([]any, len(t.cols))
			ptrs := make([]any, len(vals))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				b.Fatal(err)
			}
			id := vals[ki].(int64)
			t.rows[id] = append(t.rows[id], vals)
			t.n++
		}
		if err := rows.Err(); err != nil {
			b.Fatal(err)
		}
		return t
	}
	invoices := load("invoices", "id", "ORDER BY id")
	tables := []*table{invoices, load("invoice_lines", "invoice_id", ""), load("invoice_charges", "invoice_id", ""),
		load("stock_movements", "source_id", "WHERE source_type IN ('sales_invoice', 'return_invoice')")}
	exec(`DETACH DATABASE src`)
	var ids []int64
	for id := range invoices.rows {
		ids = append(ids, id)
	}
	slices.Sort(ids)

	start := time.Now()
	for len(ids) > 0 {
		n := min(len(ids), 100)
		tx, err := conn.BeginTx(bg, nil)
		if err != nil {
			b.Fatal(err)
		}
		stmts := make([]*sql.Stmt, len(tables))
		for i, t := range tables {
			marks := strings.TrimSuffix(strings.Repeat("?, ", len(t.cols)), ", ")
			if stmts[i], err = tx.PrepareContext(bg, `INSERT INTO main.`+t.name+`(`+strings.Join(t.cols, ", ")+`) VALUES (`+marks+`)`); err != nil {
				b.Fatal(err)
			}
		}
		for _, id := range ids[:n] {
			for i, t := range tables {
				for _, row := range t.rows[id] {
					if _, err := stmts[i].ExecContext(bg, row...); err != nil {
						b.Fatalf("insert into %s: %v", t.name, err)
					}
				}
			}
		}
		// The invoices' search entries, written at the end of the transaction as the books write them.
		if _, err := tx.ExecContext(bg, `INSERT INTO main.invoice_search(rowid, number, source_order_name)
			SELECT id, number, source_order_name FROM main.invoices WHERE id BETWEEN ? AND ?`, ids[0], ids[n-1]); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		ids = ids[n:]
	}
	elapsed := time.Since(start)
	return elapsed, fmt.Sprintf("%d invoices, %d lines, %d charges and %d stock movements", invoices.n, tables[1].n, tables[2].n, tables[3].n)
}
