package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"

	"mizan/storage"
)

func TestProducts(t *testing.T) {
	b := seedBooks(t)

	t.Run("list", func(t *testing.T) {
		code, out, errOut := run(t, b.dir, "products", "list")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
		if len(lines) != 3 {
			t.Fatalf("want header and 2 products, got:\n%s", out)
		}
		for _, want := range [][]string{
			{"CODE", "BARCODE", "NAME", "CATEGORY", "PURCHASE PRICE", "SALE PRICE", "QUANTITY"},
			{"COF-1", "6281000000011", "قهوة عربية", "مشروبات", "20.00", "35.50", "12"},
			{"TEA-1", "شاي أخضر", "8.25", "12.00", "3"},
		} {
			found := false
			for _, l := range lines {
				if containsInOrder(l, want) {
					found = true
				}
			}
			if !found {
				t.Errorf("no line has %q in order:\n%s", want, out)
			}
		}
		// Aligned: every column starts at the same offset on every line.
		if i, j := strings.Index(lines[0], "SALE PRICE"), runeIndex(lines[1], "35.50"); i != j {
			t.Errorf("SALE PRICE column not aligned (%d vs %d):\n%s", i, j, out)
		}
	})

	t.Run("export csv", func(t *testing.T) {
		code, out, errOut := run(t, b.dir, "products", "export")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want := [][]string{
			{"id", "code", "barcode", "name", "category", "purchase_price", "sale_price", "created_at", "updated_at",
				"quantity", "quantity: Main warehouse", "quantity: مستودع جدة"},
			{"1", "COF-1", "6281000000011", "قهوة عربية", "مشروبات", "20", "35.5", "2024-04-30T09:00:00Z",
				"2024-04-30T09:00:00Z", "12", "9", "3"},
			{"2", "TEA-1", "", "شاي أخضر", "", "8.25", "12", "2024-04-30T09:00:00Z", "2024-04-30T09:00:00Z", "3", "3", "0"},
		}
		if !reflect.DeepEqual(recs, want) {
			t.Errorf("csv:\n got %q\nwant %q", recs, want)
		}
	})

	t.Run("export json to file with bom refused", func(t *testing.T) {
		code, _, errOut := run(t, b.dir, "products", "export", "--format", "json", "--bom")
		if code != 2 || !strings.Contains(errOut, "--bom applies only to --format csv") {
			t.Errorf("exit %d, stderr %q", code, errOut)
		}
	})

	t.Run("export json", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "products.json")
		code, out, errOut := run(t, b.dir, "products", "export", "--format=json", "--out", path)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if out != "" {
			t.Errorf("stdout should be empty with --out, got %q", out)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var got []productJSON
		if err := json.Unmarshal(data, &got); err != nil {
			t.Fatalf("%v:\n%s", err, data)
		}
		if len(got) != 2 {
			t.Fatalf("want 2 products, got %d", len(got))
		}
		c := got[0]
		if c.Name != "قهوة عربية" || c.Quantity != "12" || c.SalePrice != "35.5" || c.Category != "مشروبات" {
			t.Errorf("coffee: %+v", c)
		}
		wantWh := []warehouseQuantityJSON{{"Main warehouse", "9"}, {"مستودع جدة", "3"}}
		if !reflect.DeepEqual(c.Warehouses, wantWh) {
			t.Errorf("coffee warehouses %+v, want %+v", c.Warehouses, wantWh)
		}
		if got[1].Quantity != "3" {
			t.Errorf("tea quantity %s, want 3", got[1].Quantity)
		}
		assertNoTempFiles(t, filepath.Dir(path))
	})

	t.Run("export to - is stdout", func(t *testing.T) {
		code, out, errOut := run(t, b.dir, "products", "export", "--out", "-")
		if code != 0 || !strings.HasPrefix(out, "id,code,") || errOut != "" {
			t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
		}
	})

	t.Run("export csv with bom", func(t *testing.T) {
		code, out, _ := run(t, b.dir, "products", "export", "--bom")
		if code != 0 || !strings.HasPrefix(out, "\uFEFFid,code,") {
			t.Errorf("exit %d, output starts %q", code, out[:min(20, len(out))])
		}
	})
}

func TestStock(t *testing.T) {
	b := seedBooks(t)
	tests := []struct {
		name string
		args []string
		want []stockJSON
	}{
		{"all", nil, []stockJSON{
			{"COF-1", "قهوة عربية", "Main warehouse", "9"},
			{"COF-1", "قهوة عربية", "مستودع جدة", "3"},
			{"TEA-1", "شاي أخضر", "Main warehouse", "3"},
		}},
		{"one warehouse", []string{"--warehouse", "مستودع جدة"}, []stockJSON{
			{"COF-1", "قهوة عربية", "مستودع جدة", "3"},
		}},
		{"warehouse name in any case", []string{"--warehouse", "main WAREHOUSE"}, []stockJSON{
			{"COF-1", "قهوة عربية", "Main warehouse", "9"},
			{"TEA-1", "شاي أخضر", "Main warehouse", "3"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := run(t, b.dir, append([]string{"stock", "--format", "json"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var got []stockJSON
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}

	t.Run("table", func(t *testing.T) {
		code, out, _ := run(t, b.dir, "stock")
		if code != 0 || !containsInOrder(out, []string{"CODE", "NAME", "WAREHOUSE", "QUANTITY"}) ||
			!containsInOrder(out, []string{"COF-1", "قهوة عربية", "مستودع جدة", "3"}) {
			t.Errorf("exit %d:\n%s", code, out)
		}
	})
	t.Run("csv", func(t *testing.T) {
		code, out, _ := run(t, b.dir, "stock", "--format", "csv")
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if code != 0 || err != nil || len(recs) != 4 || recs[2][2] != "مستودع جدة" {
			t.Errorf("exit %d, err %v:\n%s", code, err, out)
		}
	})
	t.Run("unknown warehouse", func(t *testing.T) {
		code, _, errOut := run(t, b.dir, "stock", "--warehouse", "Riyadh")
		if code != 1 || !strings.Contains(errOut, `no warehouse is named "Riyadh"`) || !strings.Contains(errOut, "مستودع جدة") {
			t.Errorf("exit %d, stderr %q", code, errOut)
		}
	})
}

func TestInvoicesList(t *testing.T) {
	b := seedBooks(t)
	sale, ret, store := b.sale.Number, b.ret.Number, b.storeIn.Number
	if sale != "MAIN-INV-000001" || ret != "MAIN-RET-000001" || store != "MAIN-INV-000002" {
		t.Fatalf("unexpected numbers %s %s %s", sale, ret, store)
	}
	tests := []struct {
		name string
		args []string
		want []string // invoice numbers, in order
	}{
		{"all newest first", nil, []string{store, ret, sale}},
		{"sales", []string{"--type", "sales"}, []string{store, sale}},
		{"returns", []string{"--type=return"}, []string{ret}},
		{"search client", []string{"--search", "العتيبي"}, []string{ret, sale}},
		{"search order name", []string{"--search", "#1001"}, []string{store}},
		{"search number", []string{"--search", "RET"}, []string{ret}},
		{"connection", []string{"--connection", "my-shop"}, []string{store}},
		{"from", []string{"--from", "2024-05-03"}, []string{store, ret}},
		{"to is inclusive", []string{"--to", "2024-05-03"}, []string{ret, sale}},
		{"from to", []string{"--from", "2024-05-02", "--to", "2024-05-04"}, []string{ret}},
		{"limit", []string{"--limit", "2"}, []string{store, ret}},
		{"nothing", []string{"--search", "no such thing"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := run(t, b.dir, append([]string{"invoices", "list"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var got []string
			for _, l := range strings.Split(out, "\n")[1:] {
				if f := strings.Fields(l); len(f) > 0 {
					got = append(got, f[0])
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v\n%s", got, tc.want, out)
			}
		})
	}

	t.Run("columns", func(t *testing.T) {
		_, out, _ := run(t, b.dir, "invoices", "list")
		for _, want := range [][]string{
			{"NUMBER", "TYPE", "DATE", "CLIENT", "TOTAL", "CURRENCY", "ORDER"},
			{store, "sales", "2024-05-05 12:00", storage.DefaultClientName, "13.80", "SAR", "#1001"},
			{sale, "sales", "2024-05-01 12:00", "محمد العتيبي", "106.55", "SAR"},
			{ret, "return", "2024-05-03 12:00", "محمد العتيبي", "-40.825", "SAR"}, // a return's money goes back
		} {
			if !containsInOrder(out, want) {
				t.Errorf("missing %q:\n%s", want, out)
			}
		}
	})
	t.Run("no trailing spaces", func(t *testing.T) {
		_, out, _ := run(t, b.dir, "invoices", "list")
		for _, l := range strings.Split(out, "\n") {
			if strings.HasSuffix(l, " ") {
				t.Errorf("trailing spaces in %q", l)
			}
		}
	})
	t.Run("limit note", func(t *testing.T) {
		_, _, errOut := run(t, b.dir, "invoices", "list", "--limit", "1")
		if !strings.Contains(errOut, "Showing the newest 1 of 3 invoices") {
			t.Errorf("stderr %q", errOut)
		}
	})

	bad := []struct {
		args []string
		msg  string
	}{
		{[]string{"--type", "credit"}, `--type must be sales or return, not "credit"`},
		{[]string{"--from", "1/5/2024"}, "not a date in the form YYYY-MM-DD"},
		{[]string{"--from", "2024-05-04", "--to", "2024-05-01"}, "is after --to"},
		{[]string{"--limit", "-1"}, "--limit must not be negative"},
		{[]string{"--limit", "many"}, "invalid value"},
		{[]string{"--colour"}, "unknown flag --colour"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	}
	for _, tc := range bad {
		t.Run("bad "+strings.Join(tc.args, " "), func(t *testing.T) {
			code, _, errOut := run(t, b.dir, append([]string{"invoices", "list"}, tc.args...)...)
			if code != 2 || !strings.Contains(errOut, tc.msg) || !strings.Contains(errOut, "Usage: mizan invoices list") {
				t.Errorf("exit %d, stderr:\n%s", code, errOut)
			}
		})
	}
}

func TestInvoicesShow(t *testing.T) {
	b := seedBooks(t)

	t.Run("sales text", func(t *testing.T) {
		code, out, errOut := run(t, b.dir, "invoices", "show", b.sale.Number)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		for _, want := range [][]string{
			{"Sales invoice MAIN-INV-000001"},
			{"Date:", "2024-05-01 12:00"},
			{"Branch:", "Main branch"},
			{"Client:", "محمد العتيبي, m@example.com, 0501234567"},
			{"1", "COF-1", "قهوة عربية", "2", "35.50", "1.00", "10.50", "80.50"},
			{"2", "TEA-1", "شاي أخضر", "1", "12.00", "0.00", "1.80", "13.80"},
			{"shipping", "أرامكس", "15.00", "tax 2.25"},
			{"Subtotal:", "82.00"},
			{"Discount:", "-5.00"},
			{"Shipping:", "15.00"},
			{"Tax:", "14.55"},
			{"Total:", "106.55 SAR"},
			{"Returns against this invoice:"},
			{"MAIN-RET-000001", "2024-05-03 12:00", "-40.825 SAR"},
			{"Returned in all:", "-40.825 SAR"},
			{"Notes: عميل مميز"},
		} {
			if !containsInOrder(out, want) {
				t.Errorf("missing %q:\n%s", want, out)
			}
		}
	})

	t.Run("return text, number in lower case, flag first", func(t *testing.T) {
		code, out, errOut := run(t, b.dir, "invoices", "show", "--format", "text", "main-ret-000001")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		for _, want := range [][]string{
			{"Return invoice MAIN-RET-000001"},
			{"Original invoice:", "MAIN-INV-000001"},
			{"QUANTITY", "TOTAL", "BACK TO STOCK"},
			{"COF-1", "قهوة عربية", "40.825", "yes"},
			{"Total:", "-40.825 SAR"},
		} {
			if !containsInOrder(out, want) {
				t.Errorf("missing %q:\n%s", want, out)
			}
		}
	})

	t.Run("store invoice text", func(t *testing.T) {
		_, out, _ := run(t, b.dir, "invoices", "show", b.storeIn.Number)
		for _, want := range [][]string{
			{"Prices:", "include tax"},
			{"Store:", "my-shop (shopify), order #1001"},
			{"Store ID:", "gid://shopify/Order/1001"},
			{"Tax (included):", "1.80"},
			{"No returns against this invoice."},
		} {
			if !containsInOrder(out, want) {
				t.Errorf("missing %q:\n%s", want, out)
			}
		}
	})

	t.Run("sales json, flag after number", func(t *testing.T) {
		code, out, errOut := run(t, b.dir, "invoices", "show", b.sale.Number, "--format", "json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%v:\n%s", err, out)
		}
		if got["total"] != "106.55" || got["shipping"] != "15" || got["discount"] != "5" || got["notes"] != "عميل مميز" {
			t.Errorf("totals: %v", got)
		}
		returns, _ := got["returns"].([]any)
		if len(returns) != 1 || returns[0].(map[string]any)["number"] != "MAIN-RET-000001" {
			t.Errorf("returns: %v", got["returns"])
		}
		charges, _ := got["charges"].([]any)
		if len(charges) != 1 || charges[0].(map[string]any)["description"] != "أرامكس" {
			t.Errorf("charges: %v", got["charges"])
		}
		if _, ok := got["original_number"]; ok {
			t.Error("a sales invoice has no original_number")
		}
	})

	t.Run("return json", func(t *testing.T) {
		_, out, _ := run(t, b.dir, "invoices", "show", b.ret.Number, "--format=json")
		var got map[string]any
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		if got["original_number"] != b.sale.Number || got["type"] != "return" {
			t.Errorf("got %v", got)
		}
		if _, ok := got["returns"]; ok {
			t.Error("a return invoice lists no returns")
		}
	})

	errs := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"unknown number", []string{"MAIN-INV-999999"}, 1, `there is no invoice numbered "MAIN-INV-999999"`},
		{"no number", nil, 2, "which invoice?"},
		{"two numbers", []string{"A", "B"}, 2, "give one invoice number"},
		{"bad format", []string{"MAIN-INV-000001", "--format", "xml"}, 2, `--format must be text or json, not "xml"`},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := run(t, b.dir, append([]string{"invoices", "show"}, tc.args...)...)
			if code != tc.code || !strings.Contains(errOut, tc.msg) || out != "" {
				t.Errorf("exit %d (want %d), stdout %q, stderr:\n%s", code, tc.code, out, errOut)
			}
		})
	}
}

func TestInvoicesExportJSON(t *testing.T) {
	b := seedBooks(t)
	code, out, errOut := run(t, b.dir, "invoices", "export", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if len(got) != 3 {
		t.Fatalf("want 3 invoices, got %d", len(got))
	}
	base := []string{"number", "type", "date", "branch", "warehouse", "client", "currency", "lines", "subtotal",
		"discount", "shipping", "other_charges", "tax", "total", "tax_inclusive"}
	wantKeys := map[string][]string{
		b.sale.Number:    base,
		b.ret.Number:     append(append([]string{}, base...), "original_number"),
		b.storeIn.Number: append(append([]string{}, base...), "source"),
	}
	for _, inv := range got {
		num, _ := inv["number"].(string)
		if !reflect.DeepEqual(sortedKeys(inv), sorted(wantKeys[num])) {
			t.Errorf("%s keys %v, want %v", num, sortedKeys(inv), sorted(wantKeys[num]))
		}
		for _, k := range []string{"subtotal", "discount", "shipping", "other_charges", "tax", "total"} {
			if _, ok := inv[k].(string); !ok {
				t.Errorf("%s %s is %T, want a string", num, k, inv[k])
			}
		}
		if got := sortedKeys(inv["client"].(map[string]any)); !reflect.DeepEqual(got, []string{"email", "name", "phone"}) {
			t.Errorf("%s client keys %v", num, got)
		}
		for _, l := range inv["lines"].([]any) {
			line := l.(map[string]any)
			if keys := sortedKeys(line); !reflect.DeepEqual(keys, sorted([]string{"code", "name", "quantity", "unit_price", "discount", "tax", "total"})) {
				t.Errorf("%s line keys %v", num, keys)
			}
			for k, v := range line {
				if _, ok := v.(string); !ok {
					t.Errorf("%s line %s is %T, want a string", num, k, v)
				}
			}
		}
	}

	sale := got[0]
	if sale["number"] != b.sale.Number || sale["type"] != "sales" || sale["date"] != "2024-05-01T12:00:00Z" ||
		sale["branch"] != "Main branch" || sale["warehouse"] != "Main warehouse" || sale["currency"] != "SAR" ||
		sale["subtotal"] != "82" || sale["discount"] != "5" || sale["shipping"] != "15" || sale["tax"] != "14.55" ||
		sale["total"] != "106.55" || sale["other_charges"] != "0" || sale["tax_inclusive"] != false {
		t.Errorf("sales invoice: %v", sale)
	}
	if c := sale["client"].(map[string]any); c["name"] != "محمد العتيبي" || c["email"] != "m@example.com" || c["phone"] != "0501234567" {
		t.Errorf("client: %v", c)
	}
	wantLine := map[string]any{"code": "COF-1", "name": "قهوة عربية", "quantity": "2", "unit_price": "35.5",
		"discount": "1", "tax": "10.5", "total": "80.5"}
	if l := sale["lines"].([]any); len(l) != 2 || !reflect.DeepEqual(l[0], wantLine) {
		t.Errorf("lines: %v", l)
	}
	if ret := got[1]; ret["original_number"] != b.sale.Number || ret["total"] != "40.825" {
		t.Errorf("return: %v", ret)
	}
	wantSource := map[string]any{"connection": "my-shop", "platform": "shopify",
		"external_id": "gid://shopify/Order/1001", "order_name": "#1001"}
	if src := got[2]["source"]; !reflect.DeepEqual(src, wantSource) {
		t.Errorf("source %v, want %v", src, wantSource)
	}
	if got[2]["tax_inclusive"] != true {
		t.Errorf("store invoice should be tax-inclusive")
	}

	t.Run("filtered", func(t *testing.T) {
		_, out, _ := run(t, b.dir, "invoices", "export", "--format", "json", "--type", "return")
		var got []invoiceJSON
		if err := json.Unmarshal([]byte(out), &got); err != nil || len(got) != 1 || got[0].Number != b.ret.Number {
			t.Errorf("err %v, got %+v", err, got)
		}
	})
	t.Run("empty is an empty array", func(t *testing.T) {
		_, out, _ := run(t, b.dir, "invoices", "export", "--format", "json", "--search", "nobody")
		if strings.TrimSpace(out) != "[]" {
			t.Errorf("got %q", out)
		}
	})
}

func TestInvoicesExportCSV(t *testing.T) {
	b := seedBooks(t)
	path := filepath.Join(t.TempDir(), "invoices.csv")
	if err := os.WriteFile(path, []byte("old contents"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, b.dir, "invoices", "export", "--out", path, "--bom")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if out != "" || !strings.Contains(errOut, "Exported 3 invoices (4 lines) to "+path) {
		t.Errorf("stdout %q, stderr %q", out, errOut)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("\uFEFF")) {
		t.Error("no byte order mark")
	}
	assertNoTempFiles(t, filepath.Dir(path))
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(recs[0], invoiceCSVHeader) {
		t.Errorf("header %v", recs[0])
	}
	totalLines := len(b.sale.Lines) + len(b.ret.Lines) + len(b.storeIn.Lines)
	if len(recs)-1 != totalLines {
		t.Fatalf("%d rows, want one per line: %d", len(recs)-1, totalLines)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	row := func(i int) map[string]string {
		m := map[string]string{}
		for h, c := range col {
			m[h] = recs[i][c]
		}
		return m
	}
	checks := []struct {
		row  int
		want map[string]string
	}{
		{1, map[string]string{"number": b.sale.Number, "type": "sales", "date": "2024-05-01T12:00:00Z",
			"client_name": "محمد العتيبي", "line_code": "COF-1", "line_name": "قهوة عربية", "line_quantity": "2",
			"line_total": "80.5", "subtotal": "82", "shipping": "15", "total": "106.55", "original_number": "",
			"source_external_id": ""}},
		{2, map[string]string{"number": b.sale.Number, "line_code": "TEA-1", "line_name": "شاي أخضر", "total": "106.55"}},
		{3, map[string]string{"number": b.ret.Number, "type": "return", "original_number": b.sale.Number,
			"line_quantity": "1", "total": "40.825"}},
		{4, map[string]string{"number": b.storeIn.Number, "source_connection": "my-shop", "source_platform": "shopify",
			"source_external_id": "gid://shopify/Order/1001", "source_order_name": "#1001", "tax_inclusive": "true"}},
	}
	for _, c := range checks {
		got := row(c.row)
		for k, v := range c.want {
			if got[k] != v {
				t.Errorf("row %d %s = %q, want %q", c.row, k, got[k], v)
			}
		}
	}

	t.Run("invoice without lines still gets a row", func(t *testing.T) {
		rows := invoiceCSVRows(storage.Invoice{Number: "X-1", Type: storage.SalesInvoice})
		if len(rows) != 1 || rows[0][0] != "X-1" || len(rows[0]) != len(invoiceCSVHeader) {
			t.Errorf("rows %q", rows)
		}
	})
	t.Run("out into a missing directory", func(t *testing.T) {
		code, _, errOut := run(t, b.dir, "invoices", "export", "--out", filepath.Join(t.TempDir(), "no", "such.csv"))
		if code != 1 || !strings.Contains(errOut, "such.csv") {
			t.Errorf("exit %d, stderr %q", code, errOut)
		}
	})
}

func TestCommandLine(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   string // substring, when set
		stderr   string // substring, when set
		noStdout bool
	}{
		{"help flag", []string{"--help"}, 0, "invoices export", "", false},
		{"help command", []string{"help"}, 0, "products list", "", false},
		{"help for a command", []string{"help", "invoices", "show"}, 0, "Usage: mizan invoices show NUMBER", "", false},
		{"help for a group", []string{"help", "invoices"}, 0, "invoices list", "", false},
		{"command --help shows flags", []string{"invoices", "list", "--help"}, 0, "--connection NAME", "", false},
		{"group --help", []string{"products", "--help"}, 0, "products export", "", false},
		{"version flag", []string{"--version"}, 0, "mizan dev (", "", false},
		{"version command", []string{"version"}, 0, "mizan dev (", "", false},
		{"unknown command", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`, true},
		{"unknown subcommand", []string{"invoices", "delete"}, 2, "", `unknown subcommand "delete"`, true},
		{"missing subcommand", []string{"products"}, 2, "", "missing subcommand", true},
		{"unknown global flag", []string{"--colour", "stock"}, 2, "", "unknown flag --colour", true},
		{"bad command flag", []string{"stock", "--format", "xml"}, 2, "", `--format must be table, csv or json, not "xml"`, true},
		{"help of unknown", []string{"help", "nope"}, 2, "", `unknown command "nope"`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := run(t, dir, tc.args...)
			if code != tc.code || !strings.Contains(out, tc.stdout) || !strings.Contains(errOut, tc.stderr) ||
				(tc.noStdout && out != "") {
				t.Errorf("exit %d (want %d)\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errOut)
			}
			if tc.code == 2 && !strings.Contains(errOut, "Usage:") {
				t.Errorf("usage errors print usage; stderr:\n%s", errOut)
			}
		})
	}

	t.Run("no command", func(t *testing.T) {
		var out, errOut bytes.Buffer
		if code := Run(context.Background(), nil, nil, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "no command given") {
			t.Errorf("exit %d, stderr %q", code, errOut.String())
		}
	})
	t.Run("version from build", func(t *testing.T) {
		defer func(v, c, d string) { Version, Commit, Date = v, c, d }(Version, Commit, Date)
		Version, Commit, Date = "v0.1.0-3-gabc1234-dirty", "abc1234", "2026-05-01T10:00:00Z"
		want := "mizan v0.1.0-3-gabc1234-dirty (commit abc1234, built 2026-05-01T10:00:00Z, " + runtime.GOOS + "/" + runtime.GOARCH + ", "
		for _, args := range [][]string{{"--version"}, {"version"}} {
			code, out, _ := run(t, dir, args...)
			if code != 0 || !strings.HasPrefix(out, want) || !strings.HasSuffix(out, ")\n") || strings.Count(out, "\n") != 1 {
				t.Errorf("%v: got %q", args, out)
			}
		}
	})
}

func TestIsCommand(t *testing.T) {
	tests := []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{}, false},
		{[]string{"--data", "/x"}, false},
		{[]string{"--data=/x"}, false},
		{[]string{"-psn_0_12345"}, false},
		{[]string{"--help"}, true},
		{[]string{"-h"}, true},
		{[]string{"--version"}, true},
		{[]string{"--demo"}, false},
		{[]string{"--data", "/x", "--demo"}, false},
		{[]string{"--demo", "stock"}, true},
		{[]string{"--demo=yes"}, true},
		{[]string{"help"}, true},
		{[]string{"stock"}, true},
		{[]string{"--data", "/x", "invoices", "list"}, true},
		{[]string{"nonsense"}, true},
		{[]string{"--data"}, true},
		{[]string{"--bogus"}, true},
	}
	for _, tc := range tests {
		if got := IsCommand(tc.args); got != tc.want {
			t.Errorf("IsCommand(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}

func TestDataDir(t *testing.T) {
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	envOf := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	full := envOf("MIZAN_DATA", "/env/books", "HOME", "/home/sara", "XDG_DATA_HOME", "/xdg")
	tests := []struct {
		name string
		args []string
		env  func(string) string
		goos string
		want string
		err  bool
	}{
		{"flag wins", []string{"--data", "/flag/books", "stock"}, full, "linux", "/flag/books", false},
		{"flag with =", []string{"--data=/flag/books"}, full, "linux", "/flag/books", false},
		{"flag after other globals", []string{"--version", "-data", "/flag/books"}, full, "linux", "/flag/books", false},
		{"flag after the command is not global", []string{"stock", "--data", "/flag"}, full, "linux", "/env/books", false},
		{"relative flag made absolute", []string{"--data", "books"}, full, "linux", abs("books"), false},
		{"env next", []string{"stock"}, full, "linux", "/env/books", false},
		{"xdg", nil, envOf("HOME", "/home/sara", "XDG_DATA_HOME", "/xdg"), "linux", "/xdg/mizan", false},
		{"relative xdg ignored", nil, envOf("HOME", "/home/sara", "XDG_DATA_HOME", "xdg"), "linux", "/home/sara/.local/share/mizan", false},
		{"home", nil, envOf("HOME", "/home/sara"), "linux", "/home/sara/.local/share/mizan", false},
		{"no home", nil, envOf(), "linux", "", true},
		{"missing flag value", []string{"--data"}, full, "linux", "", true},
		{"empty flag value", []string{"--data="}, full, "linux", "", true},
		{"macos", nil, envOf("HOME", "/Users/sara"), "darwin", "/Users/sara/Library/Application Support/Mizan", false},
		{"windows", nil, envOf("LocalAppData", `C:\Users\sara\AppData\Local`), "windows", `C:\Users\sara\AppData\Local\Mizan`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := resolveDataDir(parseGlobals(tc.args), tc.env, tc.goos)
			if (err != nil) != tc.err || got != tc.want {
				t.Errorf("got %q, %v; want %q (error %v)", got, err, tc.want, tc.err)
			}
		})
	}
	t.Run("exported, this platform", func(t *testing.T) {
		got, err := DataDir([]string{"--data", "/a"}, full)
		if err != nil || got != abs("/a") {
			t.Errorf("got %q, %v", got, err)
		}
		got, err = DataDir(nil, full)
		if err != nil || got != abs("/env/books") {
			t.Errorf("got %q, %v", got, err)
		}
	})
}

func TestDataDirFromEnvironment(t *testing.T) {
	b := seedBooks(t)
	t.Setenv("MIZAN_DATA", b.dir)
	var out, errOut bytes.Buffer
	if code := Run(context.Background(), []string{"products", "list"}, nil, &out, &errOut); code != 0 || !strings.Contains(out.String(), "COF-1") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
}

// TestLockedBooks: commands that write are refused while another Mizan has the books open (those
// that only read open them read-only: TestReadOnlyCommandsBesideAnOpenMizan).
func TestLockedBooks(t *testing.T) {
	withMemoryStore(t)
	b := seedBooks(t)
	db, err := storage.Open(context.Background(), b.dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, args := range [][]string{{"sync"}, {"connections", "remove", "my-shop"}, {"connections", "test", "my-shop"}} {
		code, out, errOut := run(t, b.dir, args...)
		if code != 1 || !strings.Contains(errOut, "already open by another Mizan") || out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}

func TestCommandsCloseTheBooks(t *testing.T) {
	b := seedBooks(t)
	for _, args := range [][]string{{"products", "list"}, {"invoices", "show", "NOPE"}, {"stock", "--warehouse", "nope"}} {
		run(t, b.dir, args...)
		db, err := storage.Open(context.Background(), b.dir, storage.Options{})
		if err != nil {
			t.Fatalf("after %v the books are still open: %v", args, err)
		}
		db.Close()
	}
}

func TestRegister(t *testing.T) {
	var gotArgs []string
	var gotDir string
	t.Cleanup(func() { unregister("testing extra") })
	Register(Command{
		Name:    "testing extra",
		Summary: "A command registered from outside",
		Run: func(ctx context.Context, env *Env, args []string) error {
			fs := newTestFlagSet()
			pos, err := ParseFlags(fs, args)
			if err != nil {
				return err
			}
			gotArgs = pos
			gotDir, _ = env.DataDir()
			db, err := env.DB(ctx)
			if err != nil {
				return err
			}
			again, _ := env.DB(ctx)
			if again != db {
				t.Error("DB should return the same handle")
			}
			_, err = env.Stdout.Write([]byte("ran\n"))
			return err
		},
	})
	dir := t.TempDir()
	code, out, errOut := run(t, dir, "testing", "extra", "a", "--verbose", "b", "--", "--not-a-flag")
	if code != 0 || out != "ran\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if want := []string{"a", "b", "--not-a-flag"}; !reflect.DeepEqual(gotArgs, want) {
		t.Errorf("args %q, want %q", gotArgs, want)
	}
	if gotDir != dir {
		t.Errorf("data dir %q, want %q", gotDir, dir)
	}
	if _, out, _ := run(t, dir, "--help"); !strings.Contains(out, "A command registered from outside") {
		t.Errorf("help does not list the new command:\n%s", out)
	}
	// The books were closed after the command.
	db, err := storage.Open(context.Background(), dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	for _, bad := range []Command{
		{Name: "testing extra", Run: func(context.Context, *Env, []string) error { return nil }},
		{Name: "", Run: func(context.Context, *Env, []string) error { return nil }},
		{Name: "two  spaces", Run: func(context.Context, *Env, []string) error { return nil }},
		{Name: "no-run"},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Register(%q) should panic", bad.Name)
				}
			}()
			Register(bad)
		}()
	}
}

func TestExitError(t *testing.T) {
	t.Cleanup(func() { unregister("testing exit") })
	Register(Command{
		Name: "testing exit",
		Run: func(context.Context, *Env, []string) error {
			return &ExitError{Code: 3, Err: os.ErrNotExist}
		},
	})
	code, _, errOut := run(t, t.TempDir(), "testing", "exit")
	if code != 3 || !strings.Contains(errOut, "mizan testing exit: file does not exist") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// containsInOrder reports whether one line of s holds each of parts, in order.
func containsInOrder(s string, parts []string) bool {
	for _, line := range strings.Split(s, "\n") {
		rest, ok := line, true
		for _, p := range parts {
			i := strings.Index(rest, p)
			if i < 0 {
				ok = false
				break
			}
			rest = rest[i+len(p):]
		}
		if ok {
			return true
		}
	}
	return false
}

// runeIndex is the column (in characters) at which sub starts in s.
func runeIndex(s, sub string) int {
	i := strings.Index(s, sub)
	if i < 0 {
		return -1
	}
	return len([]rune(s[:i]))
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sorted(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func newTestFlagSet() *flag.FlagSet {
	fs := flag.NewFlagSet("testing extra", flag.ContinueOnError)
	fs.Bool("verbose", false, "say more")
	return fs
}

func unregister(name string) {
	registry.Lock()
	defer registry.Unlock()
	delete(registry.commands, name)
}
