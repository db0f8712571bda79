package shopify

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"mizan/core"
	"mizan/platforms/httpx"
)

// Bulk reads
//
// A large read (the first import, "Sync all products", a read of all the stock, or an
// incremental read that turns out to hold more than the connection's bulk threshold of orders
// or products) is done by a bulk operation instead of pages: bulkOperationRunQuery starts the
// query on Shopify's side, its status is polled with backoff (node(id:)), and the JSONL result
// is downloaded from its url as a stream and turned back into orders (with lines and shipping
// lines from their __parentId records), products with their variants, or stock levels, one
// page at a time, never the whole file in memory. An operation costs 10 points to start and
// about one per poll, against some 40 per order by pages.
//
// Refund lines are a connection inside Order.refunds, a list, which a bulk query cannot hold:
// they are read by a bulk operation of their own, started just before the orders' (and, from
// API 2026-01, running beside it), through the orders' sales agreements (bulk_refunds.graphql),
// and kept by refund id until their order comes. A
// refund made after that operation ran, or all of them when it could not be done, are read in
// batches (refund_lines.graphql). The refunds' lines are the one part of a bulk read held in
// memory whole: a few records per refund.
//
// Before API 2026-01 one bulk query runs at a time per shop and app. Before starting one, the
// app's current operation is read: one of ours still running with the same query (left by a
// crash) is reused, one of ours running another query is cancelled, and one we did not start
// is left alone (the read falls back to pages). From 2026-01 five run at once: the orders' and
// the refunds' operations are started together, and every operation under way is listed
// (bulkOperations), one of ours with the same query being reused and one of ours of the same
// kind with another query cancelled (bulkStartBeside). An operation reused from before this
// read started is followed by a paged read of what changed since it was created.
//
// The result's url is on Shopify's storage, another host: it is downloaded with
// httpx.Client.Download, which sends no credential. Whatever goes wrong with the bulk read
// itself (the operation fails or is cancelled, its file expired or cannot be read) is logged
// and the read falls back to pages; orders already handed over are read again and recognised
// by their bindings.

// OptBulkThreshold is the option naming how many orders or products an incremental read pages
// through before it switches to a bulk operation for the rest ("off" never uses bulk reads).
const OptBulkThreshold = "bulk_threshold"

// DefaultBulkThreshold: paging 100 orders costs some 4,000 points (40 s of a Standard plan's
// 100 points/s); a bulk operation for the rest starts, runs and is downloaded in less.
const DefaultBulkThreshold = 100

// errBulkUnavailable marks a bulk read that could not be done; the read falls back to pages.
var errBulkUnavailable = errors.New("the bulk read could not be done")

type bulkFailure struct{ msg string }

func (e *bulkFailure) Error() string { return e.msg }
func (e *bulkFailure) Unwrap() error { return errBulkUnavailable }

func bulkFail(format string, a ...any) error { return &bulkFailure{msg: fmt.Sprintf(format, a...)} }

type bulkOperation struct {
	ID             string `json:"id"`
	Status         string `json:"status"`
	ErrorCode      string `json:"errorCode"`
	CreatedAt      stamp  `json:"createdAt"`
	ObjectCount    num    `json:"objectCount"`
	URL            string `json:"url"`
	PartialDataURL string `json:"partialDataUrl"`
	Query          string `json:"query"`
}

func (o *bulkOperation) active() bool {
	return o.Status == "CREATED" || o.Status == "RUNNING" || o.Status == "CANCELING"
}

// ourBulkQueries are the queries this package runs in bulk, by document: an operation whose
// query has the name of one of them is ours.
var ourBulkQueries = []string{docBulkOrders, docBulkRefunds, docBulkProducts, docBulkStock}

// normalQuery reduces a query text to its words, for comparison.
func normalQuery(q string) string { return strings.Join(strings.Fields(q), " ") }

func bulkKind(q string) string {
	name := operationOf(q)
	for _, d := range ourBulkQueries {
		if name != "" && operationOf(documents[d]) == name {
			return d
		}
	}
	return ""
}

var reBulkQueryName = regexp.MustCompile(`(?m)^\s*query\s+([A-Za-z_]\w*)`)

// operationOf is the name of a document's query operation, or "".
func operationOf(doc string) string {
	if m := reBulkQueryName.FindStringSubmatch(doc); m != nil {
		return m[1]
	}
	return ""
}

// bulkConcurrentSince is the first API version in which an app may run several bulk queries at
// once per shop: "In API versions 2026-01 and higher, you can run up to five bulk query
// operations at a time per shop. In API versions prior to 2026-01, you can run only one bulk
// operation of each type (bulkOperationRunMutation or bulkOperationRunQuery) at a time per shop"
// (the bulk operations guide).
const bulkConcurrentSince = "2026-01"

// bulkConcurrent tells whether this connection's API version runs several bulk queries at once.
func (s *Store) bulkConcurrent() bool { return versionAtLeast(s.set.version, bulkConcurrentSince) }

// bulkList is the app's bulk queries under way, read once for the reads started together.
type bulkList struct {
	read bool
	ops  []bulkOperation
}

// bulkUnderWay lists the app's bulk queries under way (API 2026-01 and later).
func (s *Store) bulkUnderWay(ctx context.Context) ([]bulkOperation, error) {
	var d struct {
		List struct {
			Nodes []bulkOperation `json:"nodes"`
		} `json:"bulkOperations"`
	}
	if _, err := s.call(ctx, "find the bulk reads under way", docBulkRunning, nil, &d); err != nil {
		return nil, err
	}
	return d.List.Nodes, nil
}

// bulkStart starts a bulk query, or finds ours already running with the same text. reused says
// the operation was started before this read. under, when not nil, is the list of operations
// under way shared by reads started together (API 2026-01 and later).
func (s *Store) bulkStart(ctx context.Context, text string, under *bulkList) (op bulkOperation, reused bool, err error) {
	if s.bulkConcurrent() {
		return s.bulkStartBeside(ctx, text, under)
	}
	for attempt := 0; ; attempt++ {
		var cur struct {
			Current *bulkOperation `json:"currentBulkOperation"`
		}
		if _, err := s.call(ctx, "find a running bulk read", docBulkCurrent, nil, &cur); err != nil {
			return op, false, err
		}
		if c := cur.Current; c != nil && c.active() {
			switch {
			case normalQuery(c.Query) == normalQuery(text) && c.Status != "CANCELING":
				s.log.Info("reusing a bulk read already running", slog.String("operation", c.ID), slog.String("status", c.Status))
				return *c, true, nil
			case bulkKind(c.Query) != "":
				s.log.Warn("cancelling a bulk read of ours left running", slog.String("operation", c.ID), slog.String("status", c.Status))
				if c.Status != "CANCELING" {
					if err := s.bulkCancel(ctx, c.ID); err != nil {
						return op, false, err
					}
				}
				if _, err := s.bulkWait(ctx, c.ID, true); err != nil {
					return op, false, err
				}
			default:
				return op, false, bulkFail("another bulk read (%s) is running in the store", c.ID)
			}
		}
		started, busy, err := s.bulkRun(ctx, text, attempt == 0)
		if err != nil {
			return op, false, err
		}
		if busy {
			continue // started meanwhile: look again
		}
		return started, false, nil
	}
}

// bulkStartBeside is bulkStart where several bulk queries run at once (API 2026-01 and later).
// Every operation under way is looked at, currentBulkOperation naming only the latest: one of
// ours with the same text (left by a crash) is reused; one of ours of the same kind with another
// text (another search) is cancelled; others (ours of other kinds, which their own reads will
// reuse, and those we did not start) are left alone. A start refused because five are under
// way looks again once, then the read falls back to pages.
func (s *Store) bulkStartBeside(ctx context.Context, text string, under *bulkList) (op bulkOperation, reused bool, err error) {
	if under == nil {
		under = &bulkList{}
	}
	kind := bulkKind(text)
	for attempt := 0; ; attempt++ {
		if !under.read {
			ops, err := s.bulkUnderWay(ctx)
			if err != nil {
				return op, false, err
			}
			under.ops, under.read = ops, true
		}
		for _, c := range under.ops {
			if !c.active() || c.Status == "CANCELING" {
				continue
			}
			switch {
			case normalQuery(c.Query) == normalQuery(text):
				s.log.Info("reusing a bulk read already running", slog.String("operation", c.ID), slog.String("status", c.Status))
				return c, true, nil
			case kind != "" && bulkKind(c.Query) == kind:
				s.log.Warn("cancelling a bulk read of ours left running", slog.String("operation", c.ID), slog.String("status", c.Status))
				if err := s.bulkCancel(ctx, c.ID); err != nil {
					return op, false, err
				}
			}
		}
		started, busy, err := s.bulkRun(ctx, text, attempt == 0)
		if err != nil {
			return op, false, err
		}
		if busy {
			under.read = false // one may have ended, or started meanwhile: look again
			continue
		}
		under.ops = append(under.ops, started)
		return started, false, nil
	}
}

// bulkRun asks the store to start a bulk query. busy says the store refused it because
// operations are under way (OPERATION_IN_PROGRESS), when mayRetry lets the caller look again;
// any other refusal, or a second busy one, is an error.
func (s *Store) bulkRun(ctx context.Context, text string, mayRetry bool) (op bulkOperation, busy bool, err error) {
	var d struct {
		Run struct {
			BulkOperation *bulkOperation `json:"bulkOperation"`
			UserErrors    []userError    `json:"userErrors"`
		} `json:"bulkOperationRunQuery"`
	}
	if _, err := s.call(ctx, "start a bulk read", docBulkRun, map[string]any{"query": text}, &d); err != nil {
		return op, false, err
	}
	if len(d.Run.UserErrors) > 0 {
		if d.Run.UserErrors[0].Code == "OPERATION_IN_PROGRESS" && mayRetry {
			return op, true, nil
		}
		return op, false, bulkFail("the store refused the bulk read: %s", userErrorsMessage(d.Run.UserErrors))
	}
	if d.Run.BulkOperation == nil {
		return op, false, bulkFail("the store started no bulk read")
	}
	return *d.Run.BulkOperation, false, nil
}

// bulkRunning tells whether the app's current bulk operation is this document's query with
// these variables, still running.
func (s *Store) bulkRunning(ctx context.Context, doc string, vars map[string]any) (bool, error) {
	text, err := inlineVariables(documents[doc], vars)
	if err != nil {
		return false, fmt.Errorf("shopify: bulk query %s: %w", doc, err)
	}
	var cur struct {
		Current *bulkOperation `json:"currentBulkOperation"`
	}
	if _, err := s.call(ctx, "find a running bulk read", docBulkCurrent, nil, &cur); err != nil {
		return false, err
	}
	c := cur.Current
	return c != nil && c.active() && c.Status != "CANCELING" && normalQuery(c.Query) == normalQuery(text), nil
}

func (s *Store) bulkCancel(ctx context.Context, id string) error {
	var d struct {
		Cancel struct {
			UserErrors []userError `json:"userErrors"`
		} `json:"bulkOperationCancel"`
	}
	if _, err := s.call(ctx, "cancel a bulk read", docBulkCancel, map[string]any{"id": id}, &d); err != nil {
		return err
	}
	if len(d.Cancel.UserErrors) > 0 {
		s.log.Info("the bulk read could not be cancelled", slog.String("operation", id), slog.String("why", userErrorsMessage(d.Cancel.UserErrors)))
	}
	return nil
}

// Polling backoff: the first poll after bulkPollFirst, each next one twice as late, at most
// bulkPollMax apart, or a bulkPollShare of the time already waited when that is longer. An
// operation's end is only seen at the next poll, so the interval is what a read may wait past
// it: at most 4 s, or 1/16 (6 %) of a long operation's running time. A poll costs one point;
// a ten-minute operation is polled about 55 times.
const (
	bulkPollFirst = time.Second
	bulkPollMax   = 4 * time.Second
	bulkPollShare = 16
)

// bulkPollNext is the wait before the next poll, after waiting last, waited in all.
func bulkPollNext(last, waited time.Duration) time.Duration {
	return min(last*2, max(bulkPollMax, waited/bulkPollShare))
}

// bulkWait polls an operation until it ends. With anyEnd, any end is fine (a cancellation
// awaited); otherwise only COMPLETED is, and any other end is a bulkFailure.
func (s *Store) bulkWait(ctx context.Context, id string, anyEnd bool) (bulkOperation, error) {
	wait, waited := bulkPollFirst, time.Duration(0)
	for {
		if err := s.sleep(ctx, wait); err != nil {
			return bulkOperation{}, fmt.Errorf("wait for a bulk read: %w", err)
		}
		waited += wait
		wait = bulkPollNext(wait, waited)
		var d struct {
			Node *bulkOperation `json:"node"`
		}
		if _, err := s.call(ctx, "follow a bulk read", docBulkPoll, map[string]any{"id": id}, &d); err != nil {
			return bulkOperation{}, err
		}
		if d.Node == nil {
			return bulkOperation{}, bulkFail("the bulk read %s is gone", id)
		}
		op := *d.Node
		if op.active() {
			continue
		}
		if anyEnd || op.Status == "COMPLETED" {
			return op, nil
		}
		why := strings.ToLower(op.Status)
		if op.ErrorCode != "" {
			why += " (" + op.ErrorCode + ")"
		}
		return op, bulkFail("the bulk read %s ended %s", id, why)
	}
}

// bulkRead runs a bulk query to its end and streams its result to read, with the time the
// operation was created. It returns that time too, which is before this read when it reused
// an operation.
func (s *Store) bulkRead(ctx context.Context, doc string, vars map[string]any, read func(r io.Reader, created time.Time) error) (created time.Time, reused bool, err error) {
	op, reused, err := s.bulkBegin(ctx, doc, vars, nil)
	if err != nil {
		return time.Time{}, false, err
	}
	return op.CreatedAt.Time, reused, s.bulkFinish(ctx, op, read)
}

// bulkBegin starts a bulk query of a document with its variables (or finds it running).
func (s *Store) bulkBegin(ctx context.Context, doc string, vars map[string]any, under *bulkList) (bulkOperation, bool, error) {
	text, err := inlineVariables(documents[doc], vars)
	if err != nil {
		return bulkOperation{}, false, fmt.Errorf("shopify: bulk query %s: %w", doc, err)
	}
	op, reused, err := s.bulkStart(ctx, text, under)
	if err != nil {
		return op, false, err
	}
	s.log.Info("bulk read started", slog.String("operation", op.ID), slog.Bool("reused", reused))
	return op, reused, nil
}

// bulkFinish waits for a started bulk query to end and streams its result to read.
func (s *Store) bulkFinish(ctx context.Context, op bulkOperation, read func(r io.Reader, created time.Time) error) error {
	done, err := s.bulkWait(ctx, op.ID, false)
	if err != nil {
		return err
	}
	s.log.Info("bulk read done", slog.String("operation", op.ID), slog.String("objects", done.ObjectCount.String()))
	if done.URL == "" {
		return nil // nothing matched
	}
	err = s.http.Download(ctx, "download a bulk read", done.URL, func(r io.Reader) error { return read(r, op.CreatedAt.Time) })
	var de *httpx.DownloadError
	if err != nil && errors.As(err, &de) && ctx.Err() == nil {
		// the storage host, not the store: the read falls back to pages
		return bulkFail("%s", de.Error())
	}
	return err
}

// bulkLines calls fn with each line of a JSONL stream and the id and parent id it names.
func bulkLines(r io.Reader, fn func(line []byte, id, parent string) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			var head struct {
				ID     string `json:"id"`
				Parent string `json:"__parentId"`
			}
			if jerr := json.Unmarshal(line, &head); jerr != nil {
				if err == io.EOF {
					return bulkFail("the bulk read's file ends in the middle of a line")
				}
				return bulkFail("the bulk read's file has a line that is not JSON: %v", jerr)
			}
			if ferr := fn(line, head.ID, head.Parent); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// gidKind is the kind of a global id: "LineItem" for gid://shopify/LineItem/1.
func gidKind(id string) string {
	rest, _ := strings.CutPrefix(id, "gid://shopify/")
	kind, _, _ := strings.Cut(rest, "/")
	return kind
}

// bulkPage is how many orders (or variants) go to the engine at once from a bulk read: the
// refund lines of a page's orders are read together, in as few requests as the cost allows.
const bulkPage = 250

// ordersBulk reads every order matching search by a bulk operation and hands them over in
// pages. The refunds' lines are read first, by a bulk operation of their own (refundsBulk). An
// operation reused from before is followed by a paged read of the orders changed since it was
// created.
func (s *Store) ordersBulk(ctx context.Context, search string, fn func([]core.StoreOrder) error) error {
	vars := map[string]any{"query": nullable(search)}
	var known map[string]*refundParts
	var started *bulkOperation // the orders' operation, when started beside the refunds'
	var startedReused bool
	if s.bulkConcurrent() {
		b := s.takeEarlyOrders(search)
		if b == nil {
			var err error
			if b, err = s.beginOrdersBulk(ctx, search); err != nil {
				return err
			}
		}
		if b.ordersErr != nil {
			return b.ordersErr
		}
		started, startedReused = &b.orders, b.ordersReused
		rerr := b.refundsErr
		if rerr == nil {
			known, rerr = s.refundsRead(ctx, b.refunds)
		}
		if errors.Is(rerr, errBulkUnavailable) {
			s.log.Warn("bulk read of refund lines failed: reading them in batches instead", slog.String("why", rerr.Error()))
		} else if rerr != nil {
			return rerr
		}
	} else {
		running, err := s.bulkRunning(ctx, docBulkOrders, vars)
		if err != nil {
			return err
		}
		if running {
			// a crash left this read running: reuse it rather than cancel it for the refunds'
			// read; their lines are read in batches
			s.log.Info("a bulk read of orders is running already: reading refund lines in batches")
		} else if known, err = s.refundsBulk(ctx, search); errors.Is(err, errBulkUnavailable) {
			s.log.Warn("bulk read of refund lines failed: reading them in batches instead", slog.String("why", err.Error()))
		} else if err != nil {
			return err
		}
	}
	var cur *orderNode
	var curRaw json.RawMessage
	var curErr error
	var page []*orderNode
	var bad []core.StoreOrder
	flush := func(force bool) error {
		if len(page)+len(bad) == 0 || !force && len(page)+len(bad) < bulkPage {
			return nil
		}
		out, err := s.finishOrders(ctx, page, known)
		if err != nil {
			return err
		}
		out = append(out, bad...)
		page, bad = page[:0], bad[:0]
		return fn(out)
	}
	close := func() error {
		if cur == nil && curRaw == nil {
			return nil
		}
		if curErr != nil {
			bad = append(bad, unreadableOrder(curRaw, curErr))
		} else {
			page = append(page, cur)
		}
		cur, curRaw, curErr = nil, nil, nil
		return flush(false)
	}
	read := func(r io.Reader, _ time.Time) error {
		err := bulkLines(r, func(line []byte, id, parent string) error {
			if parent == "" {
				if err := close(); err != nil {
					return err
				}
				cur = &orderNode{}
				curRaw = append(json.RawMessage(nil), line...)
				if err := json.Unmarshal(line, cur); err != nil {
					curErr = err
				}
				cur.LineItems, cur.ShippingLines = &conn[lineItemNode]{}, &conn[shippingLineNode]{}
				return nil
			}
			if cur == nil || parent != cur.ID {
				return bulkFail("the bulk read's file has a record whose order is not the one before it")
			}
			if curErr != nil {
				return nil
			}
			switch gidKind(id) {
			case "LineItem":
				var l lineItemNode
				if err := json.Unmarshal(line, &l); err != nil {
					curErr = err
					return nil
				}
				cur.LineItems.Nodes = append(cur.LineItems.Nodes, l)
			case "ShippingLine":
				var l shippingLineNode
				if err := json.Unmarshal(line, &l); err != nil {
					curErr = err
					return nil
				}
				cur.ShippingLines.Nodes = append(cur.ShippingLines.Nodes, l)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := close(); err != nil {
			return err
		}
		return flush(true)
	}
	var created time.Time
	var reused bool
	var err error
	if started != nil {
		created, reused, err = started.CreatedAt.Time, startedReused, s.bulkFinish(ctx, *started, read)
	} else {
		created, reused, err = s.bulkRead(ctx, docBulkOrders, vars, read)
	}
	if err != nil {
		return err
	}
	if reused && !created.IsZero() {
		q := "updated_at:>='" + searchTime(created.Add(-time.Minute)) + "'"
		if search != "" {
			q = search + " " + q
		}
		return s.orders(ctx, "list orders changed during a bulk read", q, fn)
	}
	return nil
}

// ordersBulkStart is a read of orders by bulk operations begun (API 2026-01 and later): the
// refunds' operation and the orders', running at once, or why either could not be started.
type ordersBulkStart struct {
	search       string
	refunds      bulkOperation
	refundsErr   error // the refunds' lines are then read in batches
	orders       bulkOperation
	ordersReused bool
	ordersErr    error // the orders are then read by pages
}

// beginOrdersBulk starts the refunds' and the orders' bulk operations for the orders matching
// search, the refunds' first (a refund made between the two starts is in the orders but not in
// the refunds' lines, and is read in batches). The orders are handed over once the refunds'
// lines are in, which their return invoices need. An error that is not a bulkFailure of either
// is returned.
func (s *Store) beginOrdersBulk(ctx context.Context, search string) (*ordersBulkStart, error) {
	vars := map[string]any{"query": nullable(search)}
	under := &bulkList{}
	b := &ordersBulkStart{search: search}
	b.refunds, _, b.refundsErr = s.bulkBegin(ctx, docBulkRefunds, vars, under)
	if b.refundsErr != nil && !errors.Is(b.refundsErr, errBulkUnavailable) {
		return nil, b.refundsErr
	}
	b.orders, b.ordersReused, b.ordersErr = s.bulkBegin(ctx, docBulkOrders, vars, under)
	if b.ordersErr != nil && !errors.Is(b.ordersErr, errBulkUnavailable) {
		return nil, b.ordersErr
	}
	return b, nil
}

// PlanReads begins a first import's read of orders at the start of the sync, when bulk reads
// are on and the API version runs several bulk queries at once: the refunds' and the orders'
// operations then run on Shopify's side while the products and the stock are read and posted,
// and Orders takes them up. They are created after the sync began, so nothing they miss is
// older than the sync (the next one reads what changed since). If they cannot be started, the
// read of orders begins them itself, or reads by pages.
func (s *Store) PlanReads(ctx context.Context, plan core.ReadPlan) {
	if !plan.AllOrders || s.bulkThreshold() == 0 || !s.bulkConcurrent() {
		return
	}
	b, err := s.beginOrdersBulk(ctx, "")
	if err != nil {
		s.log.Info("the bulk read of orders could not be begun early", slog.String("why", err.Error()))
		return
	}
	s.mu.Lock()
	s.early = b
	s.mu.Unlock()
}

// takeEarlyOrders takes the read of orders PlanReads began for this search, if any.
func (s *Store) takeEarlyOrders(search string) *ordersBulkStart {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.early
	if b == nil || b.search != search {
		return nil
	}
	s.early = nil
	return b
}

// refundParts are a refund's lines and shipping lines as a bulk read found them.
type refundParts struct {
	lines    []refundLineNode
	shipping []refundShippingNode
}

// refundsBulk reads the lines and shipping lines of every refund of the orders matching search
// by a bulk operation, by refund id. A refund's lines never change, so the result stays right
// however long ago the operation ran; a refund made since is not in it.
func (s *Store) refundsBulk(ctx context.Context, search string) (map[string]*refundParts, error) {
	op, _, err := s.bulkBegin(ctx, docBulkRefunds, map[string]any{"query": nullable(search)}, nil)
	if err != nil {
		return nil, err
	}
	return s.refundsRead(ctx, op)
}

// refundsRead waits for a started bulk read of refunds and reads its result.
func (s *Store) refundsRead(ctx context.Context, op bulkOperation) (map[string]*refundParts, error) {
	var out map[string]*refundParts
	read := func(r io.Reader, _ time.Time) error {
		var err error
		out, err = readBulkRefunds(r)
		return err
	}
	if err := s.bulkFinish(ctx, op, read); err != nil {
		return nil, err
	}
	return out, nil
}

// readBulkRefunds reads bulk_refunds' JSONL: each order, its agreements (a RefundAgreement with
// its refund's id), and after each refund agreement its refund's lines and shipping lines.
func readBulkRefunds(r io.Reader) (map[string]*refundParts, error) {
	out := map[string]*refundParts{}
	// A line's __parentId names the node whose line it was read under, the agreement; the
	// refund's own id is accepted too, the guide not saying which an object field's
	// connection names.
	of := map[string]*refundParts{}
	err := bulkLines(r, func(line []byte, id, parent string) error {
		var head struct {
			Typename string `json:"__typename"`
			Refund   *struct {
				ID string `json:"id"`
			} `json:"refund"`
		}
		if err := json.Unmarshal(line, &head); err != nil {
			return bulkFail("the bulk read of refunds has a line that cannot be read: %v", err)
		}
		switch head.Typename {
		case "RefundAgreement":
			if head.Refund == nil || head.Refund.ID == "" {
				return bulkFail("the bulk read of refunds has an agreement without its refund")
			}
			p := out[head.Refund.ID]
			if p == nil {
				p = &refundParts{}
				out[head.Refund.ID] = p
			}
			of[id], of[head.Refund.ID] = p, p
		case "RefundLineItem", "RefundShippingLine":
			p := of[parent]
			if p == nil {
				return bulkFail("the bulk read of refunds has a %s whose agreement is not before it", head.Typename)
			}
			var err error
			if head.Typename == "RefundLineItem" {
				var l refundLineNode
				err = json.Unmarshal(line, &l)
				p.lines = append(p.lines, l)
			} else {
				var l refundShippingNode
				err = json.Unmarshal(line, &l)
				p.shipping = append(p.shipping, l)
			}
			if err != nil {
				return bulkFail("the bulk read of refunds has a %s that cannot be read: %v", head.Typename, err)
			}
		}
		return nil // the orders, and their other agreements
	})
	return out, err
}

// finishOrders gives the orders' refunds their lines, from known (a bulk read of refunds, whose
// entries it takes) or else read in batches, and maps the orders.
func (s *Store) finishOrders(ctx context.Context, nodes []*orderNode, known map[string]*refundParts) ([]core.StoreOrder, error) {
	refunds := map[string]*refundNode{}
	var ids []string
	for _, o := range nodes {
		for i := range o.Refunds {
			r := &o.Refunds[i]
			if p, ok := known[r.ID]; ok {
				r.RefundLineItems = &conn[refundLineNode]{Nodes: p.lines}
				r.RefundShippingLines = &conn[refundShippingNode]{Nodes: p.shipping}
				delete(known, r.ID)
				continue
			}
			refunds[r.ID] = r
			ids = append(ids, r.ID)
		}
	}
	const batch = 25
	for start := 0; start < len(ids); start += batch {
		part := ids[start:min(start+batch, len(ids))]
		var d struct {
			Nodes []*struct {
				ID                  string                    `json:"id"`
				RefundLineItems     *conn[refundLineNode]     `json:"refundLineItems"`
				RefundShippingLines *conn[refundShippingNode] `json:"refundShippingLines"`
			} `json:"nodes"`
		}
		_, err := s.callSized(ctx, "read refunds", docRefundLines, func(sz pageSizes) map[string]any {
			return map[string]any{"ids": part, "lines": sz.RefundLines, "shipping": sz.RefundShip}
		}, func(sz *pageSizes) []*int { return []*int{&sz.RefundLines} }, func() any { d.Nodes = nil; return &d })
		if err != nil {
			return nil, err
		}
		for _, n := range d.Nodes {
			if n == nil {
				continue
			}
			if r := refunds[n.ID]; r != nil {
				r.RefundLineItems, r.RefundShippingLines = n.RefundLineItems, n.RefundShippingLines
			}
		}
	}
	out := make([]core.StoreOrder, 0, len(nodes))
	for _, o := range nodes {
		if err := s.completeOrder(ctx, o); err != nil {
			return nil, err
		}
		out = append(out, storeOrder(o))
	}
	return out, nil
}

// productsBulk reads every product matching search with its variants by a bulk operation.
func (s *Store) productsBulk(ctx context.Context, search, loc string, fn func([]core.StoreProduct) error) error {
	var cur *productNode
	var curRaw json.RawMessage
	var curErr error
	var variants []variantNode
	var raws []json.RawMessage // the variants' lines, for what can be read of an unreadable product
	var page []core.StoreProduct
	close := func() error {
		if cur == nil {
			return nil
		}
		if curErr != nil {
			page = append(page, unreadableBulkProduct(curRaw, raws, curErr)...)
		} else {
			for i := range variants {
				page = append(page, storeProduct(cur, &variants[i], len(variants) > 1))
			}
		}
		cur, curRaw, curErr, variants, raws = nil, nil, nil, nil, nil
		if len(page) >= bulkPage {
			out := page
			page = nil
			return fn(out)
		}
		return nil
	}
	read := func(r io.Reader, _ time.Time) error {
		err := bulkLines(r, func(line []byte, id, parent string) error {
			if parent == "" {
				if err := close(); err != nil {
					return err
				}
				cur = &productNode{}
				curRaw = append(json.RawMessage(nil), line...)
				if err := json.Unmarshal(line, cur); err != nil {
					curErr = err
				}
				return nil
			}
			if cur == nil || parent != cur.ID {
				return bulkFail("the bulk read's file has a record whose product is not the one before it")
			}
			raws = append(raws, append(json.RawMessage(nil), line...))
			var v variantNode
			if err := json.Unmarshal(line, &v); err != nil {
				curErr = err
				return nil
			}
			variants = append(variants, v)
			return nil
		})
		if err != nil {
			return err
		}
		if err := close(); err != nil {
			return err
		}
		if len(page) > 0 {
			return fn(page)
		}
		return nil
	}
	created, reused, err := s.bulkRead(ctx, docBulkProducts, map[string]any{"query": nullable(search), "location": loc}, read)
	if err != nil {
		return err
	}
	if reused && !created.IsZero() {
		_, _, err := s.productsPaged(ctx, "updated_at:>='"+searchTime(created.Add(-time.Minute))+"'", loc, 0, fn)
		return err
	}
	return nil
}

// unreadableBulkProduct is unreadableProducts for a product read in bulk, whose variants are
// lines of their own.
func unreadableBulkProduct(product json.RawMessage, variants []json.RawMessage, err error) []core.StoreProduct {
	var nodes []json.RawMessage
	for _, v := range variants {
		nodes = append(nodes, v)
	}
	var p map[string]json.RawMessage
	if json.Unmarshal(product, &p) != nil {
		p = map[string]json.RawMessage{}
	}
	list, _ := json.Marshal(map[string]any{"nodes": nodes})
	p["variants"] = list
	raw, _ := json.Marshal(p)
	return unreadableProducts(raw, err)
}

// bulkThreshold is the connection's bulk threshold; 0 means bulk reads are off.
func (s *Store) bulkThreshold() int { return s.set.bulkThreshold }

// fallBack logs why a bulk read could not be done before the read goes on by pages.
func (s *Store) fallBack(what string, err error) {
	s.log.Warn("bulk read failed: reading "+what+" by pages instead", slog.String("why", err.Error()))
}

// stockBulk reads the available quantity at the stock location of every tracked variant's item
// by a bulk operation and hands it over in pages. The operation reads the store's data while it
// runs; each page is dated when it was created (as a page read by a request is dated when the
// store answered), so that a store document dated after it counts as not yet in the quantities.
func (s *Store) stockBulk(ctx context.Context, fn func(core.StockPage) error) error {
	loc, err := s.locationID(ctx)
	if err != nil {
		return err
	}
	read := func(r io.Reader, created time.Time) error {
		page := core.StockPage{ReadAt: created}
		err := bulkLines(r, func(line []byte, id, parent string) error {
			var v struct {
				ID   string `json:"id"`
				Item *struct {
					ID      string `json:"id"`
					Tracked bool   `json:"tracked"`
					Level   *struct {
						UpdatedAt stamp `json:"updatedAt"`
						levelQuantities
					} `json:"inventoryLevel"`
				} `json:"inventoryItem"`
			}
			if err := json.Unmarshal(line, &v); err != nil {
				return bulkFail("the bulk read of stock has a line that cannot be read: %v", err)
			}
			if v.Item == nil || !v.Item.Tracked || v.Item.Level == nil {
				return nil // not counted, or not stocked at the location
			}
			page.Levels = append(page.Levels, core.StockLevel{ExternalID: v.ID, StockRef: v.Item.ID,
				Quantity: v.Item.Level.available(), UpdatedAt: v.Item.Level.UpdatedAt.Time})
			if len(page.Levels) < bulkPage {
				return nil
			}
			out := page
			page = core.StockPage{ReadAt: created}
			return fn(out)
		})
		if err != nil {
			return err
		}
		if len(page.Levels) > 0 {
			return fn(page)
		}
		return nil
	}
	_, _, err = s.bulkRead(ctx, docBulkStock, map[string]any{"location": loc}, read)
	return err
}
