package shopifytest

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

const (
	runBulk = `mutation($q: String!) { bulkOperationRunQuery(query: $q) {
		bulkOperation { id status objectCount rootObjectCount url errorCode }
		userErrors { field message code } } }`
	pollBulk   = `query($id: ID!) { node(id: $id) { ... on BulkOperation { id status objectCount url errorCode partialDataUrl completedAt } } }`
	cancelBulk = `mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { status } userErrors { message } } }`
	bulkOrders = `{ orders { edges { node { id name lineItems { edges { node { id quantity } } } } } } }`
)

// TestBulkQueryRules: a bulk query must be one top-level connection, with at most five
// connections nested at most two deep and none inside a list field; node and nodes are refused.
func TestBulkQueryRules(t *testing.T) {
	tests := []struct {
		name, query, problem string
	}{
		{"orders with lines", bulkOrders, ""},
		{"products with variants", `{ products { edges { node { id variants { edges { node { id sku } } } } } } }`, ""},
		{"connection in a list", `{ orders { edges { node { id refunds { id refundLineItems { edges { node { quantity } } } } } } } }`, "within a list field"},
		// The guide's limit: nested connections two levels deep (variants, then a variant's
		// levels, which sit in an object field); a third level is refused.
		{"two levels", `{ products { edges { node { id variants { edges { node { id inventoryItem { inventoryLevels { edges { node { id } } } } } } } } } } }`, ""},
		{"refund lines through agreements", `{ orders { edges { node { id agreements { edges { node { __typename id ... on RefundAgreement { refund { id refundLineItems { edges { node { quantity } } } refundShippingLines { edges { node { id } } } } } } } } } } } }`, ""},
		{"three levels", `{ products { edges { node { id variants { edges { node { id inventoryItem { inventoryLevels { edges { node { id location { inventoryLevels { edges { node { id } } } } } } } } } } } } } } }`, "more than 2 levels"},
		{"six connections", `{ orders { edges { node { id lineItems { edges { node { id } } } shippingLines { edges { node { id } } } agreements { edges { node { id ... on RefundAgreement { refund { refundLineItems { edges { node { quantity } } } refundShippingLines { edges { node { id } } } } } } } } } } } }`, "more than 5 connections"},
		// A nested connection's parent node must select its id: its records name it.
		{"parent without id", `{ products { edges { node { title variants { edges { node { id } } } } } } }`, "Connection fields without 'id': variants."},
		{"parent id aliased", `{ products { edges { node { pid: id variants { edges { node { id } } } } } } }`, "must select the 'id' field without an alias"},
		{"parent id in an object", `{ orders { edges { node { id agreements { edges { node { ... on RefundAgreement { refund { id refundLineItems { edges { node { quantity } } } } } } } } } } } }`, "Connection fields without 'id': refundLineItems."},
		{"node at the top", `{ node(id: "gid://shopify/Order/1") { id } }`, "node and nodes"},
		{"no connection", `{ shop { name } }`, "must be a connection"},
		{"not a query", `mutation { bulkOperationCancel(id: "x") { userErrors { message } } }`, "single query operation"},
		{"invalid", `{ orders { edges { node { nope } } } }`, "Invalid bulk query"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, Options{})
			if _, err := e.srv.Seed(SeedOptions{Products: 5, Orders: 6, Seed: 1}); err != nil {
				t.Fatal(err)
			}
			d := e.query(runBulk, map[string]any{"q": tc.query})
			msg := digStr(d, "bulkOperationRunQuery", "userErrors", 0, "message")
			if tc.problem == "" {
				if msg != "" || digStr(d, "bulkOperationRunQuery", "bulkOperation", "status") != "CREATED" {
					t.Fatalf("refused: %v", d)
				}
				return
			}
			if !strings.Contains(msg, tc.problem) || digStr(d, "bulkOperationRunQuery", "userErrors", 0, "code") != "INVALID" {
				t.Errorf("userError %q, want INVALID saying %q", msg, tc.problem)
			}
		})
	}
}

// TestBulkLifecycle: an operation goes CREATED, RUNNING, COMPLETED on the store's clock; while it
// runs a second one is refused with OPERATION_IN_PROGRESS; its JSONL has each order followed by
// its lines (with __parentId) and is served without a token, by Range too; after the url's
// lifetime the operation is EXPIRED. A cancelled one goes CANCELING, then CANCELED.
func TestBulkLifecycle(t *testing.T) {
	e := newEnv(t, Options{Bulk: BulkOptions{ObjectsPerSecond: 10}})
	if _, err := e.srv.Seed(SeedOptions{Products: 5, Orders: 6, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	d := e.query(runBulk, map[string]any{"q": bulkOrders})
	id := digStr(d, "bulkOperationRunQuery", "bulkOperation", "id")
	status := func() map[string]any { return e.query(pollBulk, map[string]any{"id": id})["node"].(map[string]any) }
	if s := status()["status"]; s != "CREATED" {
		t.Fatalf("status %v, want CREATED", s)
	}
	d = e.query(runBulk, map[string]any{"q": bulkOrders})
	if c := digStr(d, "bulkOperationRunQuery", "userErrors", 0, "code"); c != "OPERATION_IN_PROGRESS" {
		t.Errorf("a second operation: %v, want OPERATION_IN_PROGRESS", d)
	}
	e.clock.Advance(3 * time.Second)
	if s := status(); s["status"] != "RUNNING" || s["url"] != nil {
		t.Errorf("after 3s: %v, want RUNNING without url", s)
	}
	e.clock.Advance(time.Hour)
	s := status()
	url, _ := s["url"].(string)
	if s["status"] != "COMPLETED" || url == "" {
		t.Fatalf("after an hour: %v", s)
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	parent, orders, lines := "", 0, 0
	sc := bufio.NewScanner(strings.NewReader(string(body)))
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		if p, ok := rec["__parentId"].(string); ok {
			lines++
			if p != parent {
				t.Errorf("line %v does not follow its order %s", rec["id"], p)
			}
			continue
		}
		orders++
		parent, _ = rec["id"].(string)
	}
	if orders != 6 || lines < orders {
		t.Errorf("%d orders and %d lines in\n%s", orders, lines, body)
	}
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Range", "bytes=10-")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent || string(rest) != string(body[10:]) {
		t.Errorf("Range: %d, %d bytes", resp.StatusCode, len(rest))
	}
	e.clock.Advance(8 * 24 * time.Hour)
	if s := status(); s["status"] != "EXPIRED" || s["url"] != nil {
		t.Errorf("after 8 days: %v, want EXPIRED", s)
	}
	if resp, err := http.Get(url); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("the expired address: %v %v, want 403", resp.StatusCode, err)
	}

	d = e.query(runBulk, map[string]any{"q": bulkOrders})
	id = digStr(d, "bulkOperationRunQuery", "bulkOperation", "id")
	e.query(cancelBulk, map[string]any{"id": id})
	if s := status()["status"]; s != "CANCELING" {
		t.Errorf("status %v, want CANCELING", s)
	}
	e.clock.Advance(2 * time.Second)
	if s := status()["status"]; s != "CANCELED" {
		t.Errorf("status %v, want CANCELED", s)
	}
	if st := e.srv.Stats(); st.BulkDownloadsWithToken != 0 || st.BulkDownloads != 3 {
		t.Errorf("downloads %d, with a token %d", st.BulkDownloads, st.BulkDownloadsWithToken)
	}
}

// TestBulkFails: FaultBulkFails ends the operation FAILED half-way with its error code and a
// partial file.
func TestBulkFails(t *testing.T) {
	e := newEnv(t, Options{})
	if _, err := e.srv.Seed(SeedOptions{Products: 5, Orders: 30, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	e.srv.InjectFaults(Fault{Kind: FaultBulkFails, Match: "bulkOperationRunQuery", ErrorCode: "TIMEOUT"})
	id := digStr(e.query(runBulk, map[string]any{"q": bulkOrders}), "bulkOperationRunQuery", "bulkOperation", "id")
	e.clock.Advance(time.Hour)
	s := e.query(pollBulk, map[string]any{"id": id})["node"].(map[string]any)
	if s["status"] != "FAILED" || s["errorCode"] != "TIMEOUT" || s["url"] != nil || s["partialDataUrl"] == nil {
		t.Errorf("%v, want FAILED (TIMEOUT) with partial data only", s)
	}
}

// TestBulkConnectionInObject: a connection inside an object field of a node (an agreement's
// refund's lines) is taken out of the node's line like any nested connection: each of its
// nodes is a line of its own after the node, with the node's id as __parentId, and the
// object keeps its other fields. Interface nodes carry the __typename they select.
func TestBulkConnectionInObject(t *testing.T) {
	e := newEnv(t, Options{})
	if _, err := e.srv.Seed(SeedOptions{Products: 5, Orders: 60, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	want := map[string][2]int{} // refund id → lines, shipping lines
	orders := 0
	for _, o := range e.srv.Snapshot().Orders {
		orders++
		for _, r := range o.Refunds {
			want[r.GID] = [2]int{len(r.Lines), len(r.Shipping)}
		}
	}
	q := `{ orders { edges { node { id agreements { edges { node { __typename id ... on RefundAgreement { refund { id
		refundLineItems { edges { node { __typename quantity } } } refundShippingLines { edges { node { __typename id } } } } } } } } } } } }`
	id := digStr(e.query(runBulk, map[string]any{"q": q}), "bulkOperationRunQuery", "bulkOperation", "id")
	e.clock.Advance(time.Hour)
	url, _ := e.query(pollBulk, map[string]any{"id": id})["node"].(map[string]any)["url"].(string)
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	refundOf := map[string]string{} // agreement id → refund id
	got := map[string][2]int{}
	var order string
	seen := map[string]int{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		parent, _ := rec["__parentId"].(string)
		typ, _ := rec["__typename"].(string)
		seen[typ]++
		switch typ {
		case "":
			order, _ = rec["id"].(string)
		case "OrderAgreement", "RefundAgreement":
			if parent != order {
				t.Errorf("agreement %v under %s, after order %s", rec["id"], parent, order)
			}
			if typ == "RefundAgreement" {
				r, _ := rec["refund"].(map[string]any)
				if _, ok := r["refundLineItems"]; ok || r["id"] == nil {
					t.Errorf("the refund in an agreement's line: %v", r)
				}
				refundOf[rec["id"].(string)], _ = r["id"].(string)
			}
		case "RefundLineItem", "RefundShippingLine":
			r, ok := refundOf[parent]
			if !ok {
				t.Fatalf("%s under %s, which is no refund agreement before it", typ, parent)
			}
			c := got[r]
			if typ == "RefundLineItem" {
				c[0]++
			} else {
				c[1]++
			}
			got[r] = c
		default:
			t.Errorf("a line of type %q: %v", typ, rec)
		}
	}
	if seen["OrderAgreement"] != orders || seen["RefundAgreement"] != len(want) || len(want) == 0 {
		t.Errorf("lines by type %v; %d orders and %d refunds in the store", seen, orders, len(want))
	}
	for r, w := range want {
		if got[r] != w {
			t.Errorf("refund %s: %v lines and shipping lines, want %v", r, got[r], w)
		}
	}
}

// TestBulkFile: a result file kept compressed reads back whole, and from any position, a seek
// back included (Range requests).
func TestBulkFile(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 5000; i++ {
		b.WriteString(`{"id":"gid://shopify/Order/` + strings.Repeat("7", i%13) + `"}` + "\n")
	}
	data := b.String()
	f := newBulkFile([]byte(data))
	if string(f.bytes()) != data || f.size != int64(len(data)) || len(f.gz) >= len(data)/2 {
		t.Fatalf("%d bytes kept as %d, read back %d", len(data), len(f.gz), len(f.bytes()))
	}
	r := f.open()
	for _, at := range []int64{0, 70_000, 10, int64(len(data)) - 5, 3} {
		if _, err := r.Seek(at, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		got := make([]byte, 5)
		n, err := io.ReadFull(r, got)
		if err != nil || string(got[:n]) != data[at:at+5] {
			t.Errorf("at %d: %q (%v), want %q", at, got[:n], err, data[at:at+5])
		}
	}
	if end, _ := r.Seek(0, io.SeekEnd); end != int64(len(data)) {
		t.Errorf("size %d, want %d", end, len(data))
	}
}

// TestBulkConcurrency: before API 2026-01 one bulk query runs at a time and bulkOperations does
// not exist; from 2026-01 five run at once, a sixth is refused with OPERATION_IN_PROGRESS naming
// the five, an operation being cancelled still holds its place until it is CANCELED, and
// bulkOperations lists the operations by status, newest first.
func TestBulkConcurrency(t *testing.T) {
	const list = `query($q: String) { bulkOperations(first: 10, query: $q) { nodes { id status } } }`
	tests := []struct {
		version string
		max     int
	}{{"2025-10", 1}, {"2026-01", 5}, {"2026-10", 5}}
	for _, tc := range tests {
		t.Run(tc.version, func(t *testing.T) {
			e := newEnv(t, Options{Bulk: BulkOptions{ObjectsPerSecond: 1}})
			if _, err := e.srv.Seed(SeedOptions{Products: 5, Orders: 6, Seed: 1}); err != nil {
				t.Fatal(err)
			}
			run := func() (id, code, msg string) {
				r := e.postAt(tc.version, e.token, runBulk, map[string]any{"q": bulkOrders})
				if len(r.Errors) > 0 {
					t.Fatalf("bulkOperationRunQuery: %s", r.Raw)
				}
				return digStr(r.Data, "bulkOperationRunQuery", "bulkOperation", "id"),
					digStr(r.Data, "bulkOperationRunQuery", "userErrors", 0, "code"),
					digStr(r.Data, "bulkOperationRunQuery", "userErrors", 0, "message")
			}
			var ids []string
			for i := 0; i < tc.max; i++ {
				id, code, msg := run()
				if id == "" || code != "" {
					t.Fatalf("operation %d of %d refused: %s %s", i+1, tc.max, code, msg)
				}
				ids = append(ids, id)
			}
			_, code, msg := run()
			if code != "OPERATION_IN_PROGRESS" || !strings.Contains(msg, strings.Join(ids, ", ")) {
				t.Errorf("one more: %s %q, want OPERATION_IN_PROGRESS naming %v", code, msg, ids)
			}
			r := e.postAt(tc.version, e.token, list, map[string]any{"q": "status:created OR status:running"})
			if tc.max == 1 {
				if len(r.Errors) != 1 || dig(r.Errors[0], "extensions", "code") != "undefinedField" {
					t.Errorf("bulkOperations before 2026-01: %s, want undefinedField", r.Raw)
				}
				return
			}
			nodes, _ := dig(r.Data, "bulkOperations", "nodes").([]any)
			if len(nodes) != tc.max || digStr(nodes[0], "id") != ids[len(ids)-1] {
				t.Errorf("bulkOperations: %s, want the %d operations newest first", r.Raw, tc.max)
			}
			e.query(cancelBulk, map[string]any{"id": ids[0]})
			if _, code, _ := run(); code != "OPERATION_IN_PROGRESS" {
				t.Errorf("while one is CANCELING: %q, want OPERATION_IN_PROGRESS", code)
			}
			r = e.postAt(tc.version, e.token, list, map[string]any{"q": "status:canceling"})
			if nodes, _ := dig(r.Data, "bulkOperations", "nodes").([]any); len(nodes) != 1 || digStr(nodes[0], "id") != ids[0] {
				t.Errorf("bulkOperations(status:canceling): %s", r.Raw)
			}
			e.clock.Advance(time.Second)
			if id, code, msg := run(); id == "" {
				t.Errorf("once one is CANCELED: %s %s, want a new operation", code, msg)
			}
		})
	}
}
