package shopifytest

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"github.com/vektah/gqlparser/v2/parser"

	"mizan/platforms/storetest"
)

// Bulk operations
//
// Each 250 orders an operation reads count as a page served for FaultOrderChangesBetweenPages:
// the order changes while the operation reads (after the server's snapshot of it).
//
// bulkOperationRunQuery(query:) checks the query as Shopify's guide describes (one top-level
// field, a connection, not node or nodes; at most five connections; nested connections at most
// two levels below the top-level one, as the guide's products → variants → images example
// allows; no connection inside a list field; the node a nested connection sits in selects its
// id, unaliased, which its records name as __parentId), then reads it at once against the store as it is at that
// moment, every connection to its end. The operation's progress is modelled on the server's
// clock: CREATED for BulkOptions.StartDelay, then RUNNING while objectCount grows at
// BulkOptions.ObjectsPerSecond, then COMPLETED with a url to the JSONL result, valid for
// BulkOptions.URLLifetime (then the operation is EXPIRED and its url null). An operation left
// CREATED, RUNNING or CANCELING (for a second of the clock after bulkOperationCancel) holds one
// of the app's places: one before API 2026-01, five from it ("In API versions 2026-01 and higher,
// you can run up to five bulk query operations at a time per shop"). Starting one more is refused
// with the userError OPERATION_IN_PROGRESS naming the operations under way.
// currentBulkOperation is the app's most recent one, node(id:) finds any, and bulkOperations
// (from 2026-01) lists them, newest first, by status:, operation_type:, created_at: and id:.
//
// The result is JSONL, one object per line: each node of the top-level connection, and after
// it the nodes of its nested connections, each with "__parentId" (the id of the node whose line
// the connection was read under, also when it sits inside one of the node's object fields, as
// an agreement's refund's lines do), so children follow their parent (the grouped output
// Shopify gives with groupObjects: true; the argument, from 2025-07, is accepted and the output
// is always grouped). Fields come as selected: __typename only where the query asks for it.
//
// The result is served under bulkFilesPath, on the API's host unless BulkOptions.FilesBase
// names another (a test serves FilesHandler on a second listener to have a foreign host), with
// a signature in its query string instead of a token: it stands for Shopify's storage, which
// needs and must never see the access token (Stats.BulkDownloadsWithToken counts requests that
// carried one). Range requests are answered, so a cut download can be resumed.

// BulkOptions models bulk operations.
type BulkOptions struct {
	// StartDelay is how long an operation stays CREATED (default 2s).
	StartDelay time.Duration
	// ObjectsPerSecond is how many objects a running operation reads per
	// second of the clock (default 500); the running time is objects ÷ rate.
	ObjectsPerSecond float64
	// URLLifetime is how long a result's url works after completion
	// (default 7 days).
	URLLifetime time.Duration
	// FilesBase, when set, is the scheme://host[:port] results are served
	// from (FilesHandler on another listener); else the API's own host.
	FilesBase string
}

// KindBulkOperation is the GID kind of bulk operations.
const KindBulkOperation = "BulkOperation"

const bulkFilesPath = "/bulk-results/"

type bulkState struct {
	ops []*bulkOp
}

type bulkOp struct {
	id        int64
	query     string
	createdAt time.Time
	objects   int
	roots     int
	data      bulkFile
	partial   bulkFile // what a failing operation had read
	failCode  string   // set when the operation fails (FaultBulkFails)
	cancelAt  time.Time
	signature string
	host      string // scheme://host of the request that started it
}

func (s *Server) bulkOpts() BulkOptions {
	o := s.opts.Bulk
	if o.StartDelay <= 0 {
		o.StartDelay = 2 * time.Second
	}
	if o.ObjectsPerSecond <= 0 {
		o.ObjectsPerSecond = 500
	}
	if o.URLLifetime <= 0 {
		o.URLLifetime = 7 * 24 * time.Hour
	}
	return o
}

// SetBulkFilesBase makes bulk results be served from base (scheme://host:port), where the test
// serves FilesHandler.
func (s *Server) SetBulkFilesBase(base string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.Bulk.FilesBase = strings.TrimRight(base, "/")
}

// FilesHandler serves bulk operation results only (the storage host).
func (s *Server) FilesHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.stats.Requests++
		s.mu.Unlock()
		if !strings.HasPrefix(r.URL.Path, bulkFilesPath) {
			http.NotFound(w, r)
			return
		}
		s.serveBulkFile(w, r)
	})
}

// BulkOperationInfo describes a bulk operation for tests.
type BulkOperationInfo struct {
	ID      string
	Status  string
	Query   string
	Objects int
	Roots   int
	Bytes   int // the result file's size
}

// BulkOperations lists the bulk operations started, oldest first.
func (s *Server) BulkOperations() []BulkOperationInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	out := make([]BulkOperationInfo, 0, len(s.bulk.ops))
	for _, op := range s.bulk.ops {
		out = append(out, BulkOperationInfo{ID: GID(KindBulkOperation, op.id), Status: s.bulkStatus(op, now),
			Query: op.query, Objects: op.objects, Roots: op.roots, Bytes: int(op.data.size)})
	}
	return out
}

func (s *Server) bulkByGID(gid string) *bulkOp {
	kind, id, ok := ParseGID(gid)
	if !ok || kind != KindBulkOperation {
		return nil
	}
	for _, op := range s.bulk.ops {
		if op.id == id {
			return op
		}
	}
	return nil
}

// bulkRunTime is how long an operation runs: its objects at the configured pace.
func (s *Server) bulkRunTime(op *bulkOp) time.Duration {
	return time.Duration(float64(op.objects) / s.bulkOpts().ObjectsPerSecond * float64(time.Second))
}

// SetBulkSpeed changes how many objects a second bulk operations read, those running included
// (their running time is their objects at the new pace, from their start).
func (s *Server) SetBulkSpeed(objectsPerSecond float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.Bulk.ObjectsPerSecond = objectsPerSecond
}

// times of an operation: when it starts running, completes (or fails).
func (s *Server) bulkTimes(op *bulkOp) (start, end time.Time) {
	start = op.createdAt.Add(s.bulkOpts().StartDelay)
	end = start.Add(s.bulkRunTime(op))
	if op.failCode != "" {
		end = start.Add(s.bulkRunTime(op) / 2)
	}
	return start, end
}

// bulkStatus is an operation's status at now. Called with s.mu held.
func (s *Server) bulkStatus(op *bulkOp, now time.Time) string {
	start, end := s.bulkTimes(op)
	switch {
	case !op.cancelAt.IsZero() && now.Before(op.cancelAt.Add(time.Second)):
		return "CANCELING"
	case !op.cancelAt.IsZero():
		return "CANCELED"
	case now.Before(start):
		return "CREATED"
	case now.Before(end):
		return "RUNNING"
	case op.failCode != "":
		return "FAILED"
	case !now.Before(end.Add(s.bulkOpts().URLLifetime)):
		return "EXPIRED"
	}
	return "COMPLETED"
}

func bulkActive(status string) bool {
	return status == "CREATED" || status == "RUNNING" || status == "CANCELING"
}

// bulkConcurrentSince is the first API version in which an app may run several bulk query
// operations at once per shop (bulkConcurrentMax); before it, one.
const (
	bulkConcurrentSince = "2026-01"
	bulkConcurrentMax   = 5
)

func bulkConcurrency(version string) int {
	if versionAtLeast(version, bulkConcurrentSince) {
		return bulkConcurrentMax
	}
	return 1
}

// newerFields are the fields of the subset that the published 2025-01 schema does not have, with
// the first version that has them; a request for an older version is answered as Shopify
// answers a field it does not know (undefinedField).
var newerFields = map[string]string{
	"QueryRoot.bulkOperations": bulkConcurrentSince,
}

// usesNewerRootField tells whether a document selects one of newerFields at its root, which
// the published schema given in Options.Schema (2025-01) cannot validate.
func usesNewerRootField(query string) bool {
	if !strings.Contains(query, "bulkOperations") {
		return false
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return false
	}
	for _, op := range doc.Operations {
		for _, sel := range op.SelectionSet {
			if f, ok := sel.(*ast.Field); ok && newerFields["QueryRoot."+f.Name] != "" {
				return true
			}
		}
	}
	return false
}

// bulkActiveIDs are the ids of the operations still CREATED, RUNNING or CANCELING, oldest
// first. Called with s.mu held.
func (s *Server) bulkActiveIDs(now time.Time) []string {
	var out []string
	for _, op := range s.bulk.ops {
		if bulkActive(s.bulkStatus(op, now)) {
			out = append(out, GID(KindBulkOperation, op.id))
		}
	}
	return out
}

// bulkOperationsQuery resolves bulkOperations (API 2026-01): the app's operations matching the
// search (status:, operation_type:, created_at:, id:), newest first unless reverse.
func bulkOperationsQuery(ec *execCtx, _ any, args map[string]any) (any, error) {
	s := ec.s
	now := s.opts.Now()
	terms := parseSearch(stringArg(args, "query"))
	sortBy, _ := args["sortKey"].(string)
	var items []item
	for _, op := range s.bulk.ops {
		rec := s.bulkRecord(op)
		match := func(t searchTerm) (bool, bool) {
			switch t.field {
			case "status":
				return strings.EqualFold(s.bulkStatus(op, now), t.value), true
			case "operation_type":
				return strings.EqualFold(t.value, "query"), true
			case "created_at":
				return matchTime(op.createdAt, t, time.UTC), true
			case "id":
				return matchID(op.id, t), true
			}
			return false, false
		}
		if !matchAll(terms, match) {
			continue
		}
		k := sortKey{id: op.id, num: op.createdAt.Unix()}
		if sortBy == "COMPLETED_AT" {
			k.num = 0
			if c, ok := rec["completedAt"].(string); ok {
				if t, err := time.Parse(time.RFC3339, c); err == nil {
					k.num = t.Unix()
				}
			}
		}
		items = append(items, item{k, rec})
	}
	return paginate(items, args, !boolArg(args, "reverse"))
}

// bulkRecord is the BulkOperation object as it stands now. Called with s.mu held.
func (s *Server) bulkRecord(op *bulkOp) record {
	now := s.opts.Now()
	status := s.bulkStatus(op, now)
	start, end := s.bulkTimes(op)
	count, roots := 0, 0
	switch status {
	case "CREATED":
	case "RUNNING", "CANCELING", "CANCELED", "FAILED":
		upTo := now
		if status != "RUNNING" {
			upTo = end
			if !op.cancelAt.IsZero() && op.cancelAt.Before(upTo) {
				upTo = op.cancelAt
			}
		}
		if run := s.bulkRunTime(op); run > 0 && upTo.After(start) {
			frac := min(1, float64(upTo.Sub(start))/float64(run))
			count, roots = int(frac*float64(op.objects)), int(frac*float64(op.roots))
		}
	default:
		count, roots = op.objects, op.roots
	}
	r := record{"__typename": "BulkOperation", "id": GID(KindBulkOperation, op.id), "type": "QUERY", "status": status,
		"query": op.query, "createdAt": fmtTime(op.createdAt), "completedAt": nil, "errorCode": nil,
		"objectCount": strconv.Itoa(count), "rootObjectCount": strconv.Itoa(roots), "fileSize": nil, "url": nil, "partialDataUrl": nil}
	switch status {
	case "COMPLETED":
		r["completedAt"] = fmtTime(end)
		if op.data.size > 0 { // an operation that found nothing has no file
			r["url"] = s.bulkURL(op, "", end)
			r["fileSize"] = strconv.FormatInt(op.data.size, 10)
		}
	case "EXPIRED":
		r["completedAt"] = fmtTime(end)
	case "FAILED":
		r["errorCode"] = op.failCode
		if op.partial.size > 0 {
			r["partialDataUrl"] = s.bulkURL(op, "partial-", end)
		}
	case "CANCELED":
		r["completedAt"] = fmtTime(op.cancelAt.Add(time.Second))
	}
	return r
}

// bulkURL is the signed address of a result file.
func (s *Server) bulkURL(op *bulkOp, prefix string, from time.Time) string {
	base := s.opts.Bulk.FilesBase
	if base == "" {
		base = op.host
	}
	exp := from.Add(s.bulkOpts().URLLifetime).Unix()
	return fmt.Sprintf("%s%s%sbulk-%d.jsonl?expires=%d&signature=%s", base, bulkFilesPath, prefix, op.id, exp, op.signature)
}

func mutBulkRunQuery(ec *execCtx, _ any, args map[string]any) (any, error) {
	s := ec.s
	payload := record{"bulkOperation": nil, "userErrors": []record{}}
	bad := func(code, msg string) (any, error) {
		payload["userErrors"] = []record{codedError("BulkOperationUserError", code, []string{"query"}, msg)}
		return payload, nil
	}
	now := s.opts.Now()
	if active := s.bulkActiveIDs(now); len(active) >= bulkConcurrency(ec.version) {
		return bad("OPERATION_IN_PROGRESS", "A bulk query operation for this app and shop is already in progress: "+strings.Join(active, ", ")+".")
	}
	text := stringArg(args, "query")
	doc, errs := gqlparser.LoadQuery(s.subset, text)
	if len(errs) > 0 {
		return bad("INVALID", "Invalid bulk query: "+errs[0].Message)
	}
	if msg := bulkQueryProblem(doc); msg != "" {
		return bad("INVALID", msg)
	}
	bec := &execCtx{s: s, schema: s.subset, doc: doc, vars: map[string]any{}, now: s.now(), version: ec.version, bulk: true}
	var out bulkFile
	w := out.writer()
	objects, roots, err := s.runBulk(bec, doc, w)
	ec.afterRun = append(ec.afterRun, bec.afterRun...) // an order changing while the operation reads
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		return bad("INVALID", "Invalid bulk query: "+err.Error())
	}
	var sig [16]byte
	_, _ = rand.Read(sig[:])
	op := &bulkOp{id: s.st.newID(KindBulkOperation), query: text, createdAt: now.UTC().Truncate(time.Second), objects: objects, roots: roots,
		data: out, signature: hex.EncodeToString(sig[:]), host: ec.host}
	if f := ec.fault; f != nil && f.Kind == FaultBulkFails {
		op.failCode = f.ErrorCode
		if op.failCode == "" {
			op.failCode = "INTERNAL_SERVER_ERROR"
		}
		all := op.data.bytes()
		op.partial = newBulkFile(firstLines(all, len(all)/2))
	}
	s.bulk.ops = append(s.bulk.ops, op)
	payload["bulkOperation"] = s.bulkRecord(op)
	return payload, nil
}

func mutBulkCancel(ec *execCtx, _ any, args map[string]any) (any, error) {
	s := ec.s
	payload := record{"bulkOperation": nil, "userErrors": []record{}}
	op := s.bulkByGID(stringArg(args, "id"))
	if op == nil {
		payload["userErrors"] = []record{userError([]string{"id"}, "Bulk operation does not exist")}
		return payload, nil
	}
	now := s.opts.Now()
	if st := s.bulkStatus(op, now); st != "CREATED" && st != "RUNNING" {
		payload["bulkOperation"] = s.bulkRecord(op)
		payload["userErrors"] = []record{userError(nil, "A bulk operation cannot be canceled when it is "+strings.ToLower(st))}
		return payload, nil
	}
	op.cancelAt = now
	payload["bulkOperation"] = s.bulkRecord(op)
	return payload, nil
}

// bulkFile is a result file, kept compressed: a server holds every operation's result for its
// url's lifetime, which as plain JSONL would be tens of megabytes for a large store.
type bulkFile struct {
	gz   []byte
	size int64 // uncompressed
}

func newBulkFile(data []byte) bulkFile {
	var f bulkFile
	w := f.writer()
	_, _ = w.Write(data)
	_ = w.Close()
	return f
}

// writer compresses what is written into f; Close completes it.
func (f *bulkFile) writer() io.WriteCloser {
	buf := &bytes.Buffer{}
	zw, _ := gzip.NewWriterLevel(buf, gzip.BestSpeed)
	return &bulkFileWriter{f: f, buf: buf, zw: zw}
}

type bulkFileWriter struct {
	f   *bulkFile
	buf *bytes.Buffer
	zw  *gzip.Writer
}

func (w *bulkFileWriter) Write(p []byte) (int, error) {
	n, err := w.zw.Write(p)
	w.f.size += int64(n)
	return n, err
}

func (w *bulkFileWriter) Close() error {
	err := w.zw.Close()
	w.f.gz = w.buf.Bytes()
	return err
}

// bytes is the whole file.
func (f bulkFile) bytes() []byte {
	b, _ := io.ReadAll(f.open())
	return b
}

// open reads the file uncompressed, with Seek for Range requests (a seek back starts the
// decompression again).
func (f bulkFile) open() io.ReadSeeker { return &bulkFileReader{f: f} }

type bulkFileReader struct {
	f        bulkFile
	off, pos int64 // where the next read starts; where zr is
	zr       *gzip.Reader
}

func (r *bulkFileReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		offset += r.off
	case io.SeekEnd:
		offset += r.f.size
	}
	if offset < 0 {
		return 0, errors.New("shopifytest: seek before the start of a bulk file")
	}
	r.off = offset
	return offset, nil
}

func (r *bulkFileReader) Read(p []byte) (int, error) {
	if r.off >= r.f.size {
		return 0, io.EOF
	}
	if r.zr == nil || r.pos > r.off {
		zr, err := gzip.NewReader(bytes.NewReader(r.f.gz))
		if err != nil {
			return 0, err
		}
		r.zr, r.pos = zr, 0
	}
	if r.pos < r.off {
		n, err := io.CopyN(io.Discard, r.zr, r.off-r.pos)
		r.pos += n
		if err != nil {
			return 0, err
		}
	}
	n, err := r.zr.Read(p)
	r.pos += int64(n)
	r.off = r.pos
	return n, err
}

// firstLines is data cut at the last whole line within n bytes.
func firstLines(data []byte, n int) []byte {
	if n >= len(data) {
		return data
	}
	cut := bytes.LastIndexByte(data[:n], '\n')
	if cut < 0 {
		return nil
	}
	return append([]byte(nil), data[:cut+1]...)
}

// bulkQueryProblem says why a document cannot be run in bulk, or "".
func bulkQueryProblem(doc *ast.QueryDocument) string {
	if len(doc.Operations) != 1 || doc.Operations[0].Operation != ast.Query {
		return "Bulk queries must be a single query operation."
	}
	var top []*ast.Field
	collect(doc.Operations[0].SelectionSet, &top)
	if len(top) != 1 {
		return "Bulk queries must select exactly one top-level field."
	}
	if top[0].Name == "node" || top[0].Name == "nodes" {
		return "The top-level node and nodes fields can't be used in a bulk query."
	}
	if !isConnection(top[0]) {
		return "The top-level field of a bulk query must be a connection."
	}
	count, depth, inList := 0, 0, false
	var withoutID []string // nested connections whose parent node does not select its id
	// parent is the selection of the node of the connection the walk is in (edges.node or
	// nodes), which a nested connection's records name as __parentId.
	var walk func(set ast.SelectionSet, level int, underList bool, parent ast.SelectionSet)
	walk = func(set ast.SelectionSet, level int, underList bool, parent ast.SelectionSet) {
		var fields []*ast.Field
		collect(set, &fields)
		for _, f := range fields {
			if f.Definition == nil {
				continue
			}
			if isConnection(f) {
				// level is how many connections this one is nested in: the top-level one is
				// at 0, its nested connections at level 1 and theirs at level 2, the deepest
				// allowed (the guide's example refuses a third level).
				count++
				if underList {
					inList = true
				}
				if level > 0 && !selectsPlainID(parent) {
					withoutID = append(withoutID, f.Alias)
				}
				depth = max(depth, level)
				walk(f.SelectionSet, level+1, false, nil)
				continue
			}
			// A connection's own edges and nodes lists are its records, not a list field.
			wrapper := (f.Name == "edges" || f.Name == "nodes") && f.ObjectDefinition != nil &&
				strings.HasSuffix(f.ObjectDefinition.Name, "Connection")
			inner := parent
			if f.Name == "nodes" && wrapper || f.Name == "node" && f.ObjectDefinition != nil &&
				strings.HasSuffix(f.ObjectDefinition.Name, "Edge") {
				inner = f.SelectionSet
			}
			walk(f.SelectionSet, level, underList || f.Definition.Type.Elem != nil && !wrapper, inner)
		}
	}
	walk(doc.Operations[0].SelectionSet, 0, false, nil)
	switch {
	case inList:
		return "Queries that contain a connection field within a list field are not currently supported."
	case count > 5:
		return fmt.Sprintf("Bulk queries cannot contain more than 5 connections (this one has %d).", count)
	case depth > 2:
		return "Bulk queries cannot contain connections nested more than 2 levels deep."
	case len(withoutID) > 0:
		// Shopify's own words for this rule: a nested connection's records name their
		// parent by its id, which the parent's node must therefore select.
		return "The parent 'node' field for a nested connection must select the 'id' field without an alias and must be of 'ID' return type. Connection fields without 'id': " +
			strings.Join(withoutID, ", ") + "."
	}
	return ""
}

// selectsPlainID tells whether a node's selection has its id field, unaliased and of type ID.
func selectsPlainID(set ast.SelectionSet) bool {
	var fields []*ast.Field
	collect(set, &fields)
	for _, f := range fields {
		if f.Name == "id" && (f.Alias == "" || f.Alias == f.Name) && f.Definition != nil && f.Definition.Type.Name() == "ID" {
			return true
		}
	}
	return false
}

func isConnection(f *ast.Field) bool {
	return f.Definition != nil && strings.HasSuffix(f.Definition.Type.Name(), "Connection")
}

// collect appends the fields of a selection set, following fragments.
func collect(set ast.SelectionSet, out *[]*ast.Field) {
	for _, sel := range set {
		switch x := sel.(type) {
		case *ast.Field:
			if x.Name != "__typename" {
				*out = append(*out, x)
			}
		case *ast.InlineFragment:
			collect(x.SelectionSet, out)
		case *ast.FragmentSpread:
			if x.Definition != nil {
				collect(x.Definition.SelectionSet, out)
			}
		}
	}
}

// resolveAll resolves a connection field to its end, page after page.
func (ec *execCtx) resolveAll(typeName, field string, parent any, args map[string]any) (any, error) {
	a := make(map[string]any, len(args)+2)
	for k, v := range args {
		a[k] = v
	}
	delete(a, "last")
	delete(a, "before")
	a["first"] = MaxPageSize
	all := &connection{}
	for {
		v, err := ec.resolve(typeName, field, parent, a)
		if err != nil {
			return nil, err
		}
		c, ok := v.(*connection)
		if !ok {
			return v, nil
		}
		all.edges = append(all.edges, c.edges...)
		if !c.hasNext || c.endCursor == "" {
			return all, nil
		}
		a["after"] = c.endCursor
	}
}

// runBulk reads a bulk query's top-level connection a page at a time and writes each page's
// objects as JSONL, so that the whole result is never held as one tree; it counts the objects
// written and those at the root.
func (s *Server) runBulk(ec *execCtx, doc *ast.QueryDocument, w io.Writer) (objects, roots int, err error) {
	var top []*ast.Field
	collect(doc.Operations[0].SelectionSet, &top)
	f := top[0]
	fdef := s.subset.Query.Fields.ForName(f.Name)
	a := map[string]any{}
	for k, v := range f.ArgumentMap(ec.vars) {
		a[k] = v
	}
	delete(a, "last")
	delete(a, "before")
	a["first"] = MaxPageSize
	for {
		v, err := ec.resolve(s.subset.Query.Name, f.Name, nil, a)
		if err != nil {
			return objects, roots, err
		}
		c, ok := v.(*connection)
		if !ok {
			return objects, roots, fmt.Errorf("the top-level field is not a connection")
		}
		val, ok := ec.complete(fdef.Type, &connection{edges: c.edges}, f.SelectionSet, []any{f.Name}, f, true)
		if !ok || len(ec.errors) > 0 {
			msg := "the query failed"
			if len(ec.errors) > 0 {
				msg = ec.errors[0].Message
			}
			return objects, roots, errors.New(msg)
		}
		nodes, _ := connectionNodes(val)
		for _, n := range nodes {
			roots++
			k, err := writeObject(w, n, nil)
			objects += k
			if err != nil {
				return objects, roots, err
			}
		}
		if !c.hasNext || c.endCursor == "" {
			return objects, roots, nil
		}
		a["after"] = c.endCursor
	}
}

// writeObject writes obj as a JSONL line (with __parentId when parent is set), then the nodes
// of its connections, each after it; it counts the lines written. A connection inside one of
// obj's object fields (the refund lines of an agreement's refund) is taken out of the line
// too, its nodes being obj's children: a node's __parentId is the object of the line it was
// read under.
func writeObject(w io.Writer, obj *omap, parent any) (int, error) {
	var children [][]*omap
	line := withoutConnections(obj, &children)
	if parent != nil {
		line.set("__parentId", parent)
	}
	b, err := marshalNoEscape(line)
	if err != nil {
		return 0, err
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return 0, err
	}
	n := 1
	for _, list := range children {
		for _, c := range list {
			k, err := writeObject(w, c, obj.vals["id"])
			n += k
			if err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// withoutConnections is obj without its connections, at any depth of its object fields; their
// nodes are appended to children.
func withoutConnections(obj *omap, children *[][]*omap) *omap {
	line := newOmap()
	for _, k := range obj.keys {
		v := obj.vals[k]
		if nodes, ok := connectionNodes(v); ok {
			*children = append(*children, nodes)
			continue
		}
		if m, ok := v.(*omap); ok {
			v = withoutConnections(m, children)
		}
		line.set(k, v)
	}
	return line
}

// connectionNodes is the node objects of a connection's JSON form (through nodes or
// edges.node); ok is false for anything that is not a connection.
func connectionNodes(v any) ([]*omap, bool) {
	m, ok := v.(*omap)
	if !ok {
		return nil, false
	}
	var out []*omap
	found := false
	if list, ok := m.vals["nodes"].([]any); ok {
		found = true
		for _, x := range list {
			if o, ok := x.(*omap); ok {
				out = append(out, o)
			}
		}
	}
	if list, ok := m.vals["edges"].([]any); ok {
		found = true
		if len(out) == 0 {
			for _, x := range list {
				if e, ok := x.(*omap); ok {
					if o, ok := e.vals["node"].(*omap); ok {
						out = append(out, o)
					}
				}
			}
		}
	}
	return out, found
}

// serveBulkFile serves a result (or partial result) file by its signed address.
func (s *Server) serveBulkFile(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.stats.BulkDownloads++
	if r.Header.Get("X-Shopify-Access-Token") != "" {
		s.stats.BulkDownloadsWithToken++
	}
	var fault *Fault
	for _, f := range s.faults {
		if f.Match == MatchBulkDownload {
			s.consume(f)
			s.stats.Faults++
			fault = f
			break
		}
	}
	name := strings.TrimPrefix(r.URL.Path, bulkFilesPath)
	var data bulkFile
	var op *bulkOp
	for _, o := range s.bulk.ops {
		switch name {
		case fmt.Sprintf("bulk-%d.jsonl", o.id):
			op, data = o, o.data
		case fmt.Sprintf("partial-bulk-%d.jsonl", o.id):
			op, data = o, o.partial
		}
	}
	now := s.opts.Now()
	expired := false
	if op != nil {
		exp, _ := strconv.ParseInt(r.URL.Query().Get("expires"), 10, 64)
		expired = now.Unix() >= exp
	}
	ok := op != nil && r.URL.Query().Get("signature") == op.signature
	s.mu.Unlock()

	if fault != nil {
		switch fault.Kind {
		case FaultURLExpired:
			expired = true
		case FaultHTTP500, FaultHTTP503:
			w.Header().Set("Content-Type", "application/xml; charset=UTF-8")
			code := http.StatusInternalServerError
			if fault.Kind == FaultHTTP503 {
				code = http.StatusServiceUnavailable
			}
			w.WriteHeader(code)
			_, _ = io.WriteString(w, "<?xml version='1.0' encoding='UTF-8'?><Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>")
			return
		case FaultReset:
			storetest.DropConnection(w)
			return
		}
	}
	if !ok || expired {
		w.Header().Set("Content-Type", "application/xml; charset=UTF-8")
		w.WriteHeader(http.StatusForbidden)
		msg := "<?xml version='1.0' encoding='UTF-8'?><Error><Code>AccessDenied</Code><Message>Access denied.</Message></Error>"
		if ok || expired {
			msg = "<?xml version='1.0' encoding='UTF-8'?><Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>"
		}
		_, _ = io.WriteString(w, msg)
		return
	}
	w.Header().Set("Content-Type", "application/jsonl")
	if fault != nil && fault.Kind == FaultTruncated {
		storetest.WriteTruncated(w, http.StatusOK, "application/jsonl", data.bytes())
		return
	}
	http.ServeContent(w, r, name, time.Time{}, data.open())
}

// withoutGroupObjects drops the groupObjects argument (API 2025-07 and later) from
// bulkOperationRunQuery, so that a document can be checked against the 2025-01 schemas; the
// server's output is grouped either way. Documents without it are returned as is.
func withoutGroupObjects(query string) string {
	if !strings.Contains(query, "groupObjects") {
		return query
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return query
	}
	for _, op := range doc.Operations {
		for _, sel := range op.SelectionSet {
			f, ok := sel.(*ast.Field)
			if !ok || f.Name != "bulkOperationRunQuery" {
				continue
			}
			kept := ast.ArgumentList{}
			for _, a := range f.Arguments {
				if a.Name != "groupObjects" {
					kept = append(kept, a)
				}
			}
			f.Arguments = kept
		}
		used := map[string]bool{}
		usedVars(op.SelectionSet, used)
		kept := ast.VariableDefinitionList{}
		for _, v := range op.VariableDefinitions {
			if used[v.Variable] {
				kept = append(kept, v)
			}
		}
		op.VariableDefinitions = kept
	}
	var b bytes.Buffer
	formatter.NewFormatter(&b).FormatQueryDocument(doc)
	return b.String()
}
