package shopifytest

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"time"

	"mizan/platforms/storetest"
)

// FaultKind is what an injected fault does: the kinds every test store shares (storetest), and
// Shopify's own beside them (an error inside a 200).
type FaultKind = storetest.Kind

// The shared kinds, answered in Shopify's words.
const (
	// FaultThrottled answers HTTP 200 with the THROTTLED error body.
	FaultThrottled = storetest.Throttle
	// FaultHTTP429 answers 429 Too Many Requests with a Retry-After header.
	FaultHTTP429 = storetest.TooManyRequests
	// FaultHTTP500 answers 500 with a JSON error body.
	FaultHTTP500 = storetest.ServerError
	// FaultHTTP502 answers 502 with an HTML body, as a proxy would.
	FaultHTTP502 = storetest.BadGateway
	// FaultHTTP503 answers 503 with a JSON error body.
	FaultHTTP503 = storetest.Unavailable
	// FaultSlow waits Delay, then answers normally.
	FaultSlow = storetest.Slow
	// FaultTruncated runs the request (its effects persist), sends half of
	// the body and drops the connection.
	FaultTruncated = storetest.Truncated
	// FaultOrderChangesBetweenPages modifies an order (bumping its
	// updatedAt) after the AfterPage-th page of an orders query is served.
	FaultOrderChangesBetweenPages = storetest.ChangesMidPaging
	// FaultReset reads the request and drops the connection without an
	// answer (TCP reset): the client sees "connection reset by peer" or EOF.
	FaultReset = storetest.Reset
	// FaultNotJSON answers HTTP 200 with a web page instead of JSON, as a
	// proxy or an error page in front of the API would. Nothing is executed.
	FaultNotJSON = storetest.NotJSON
)

// Shopify's own kinds: answers whose body is an error although the status is 200.
const (
	// FaultInternalError answers HTTP 200 with Shopify's internal error body:
	// {"errors":[{"message":"Internal error. Looks like something went wrong
	// on our end.\nRequest ID: … (include this in support requests).",
	// "extensions":{"code":"INTERNAL_SERVER_ERROR","requestId":"…"}}]}
	// and no data. Nothing is executed.
	FaultInternalError FaultKind = "internal error in 200"
	// FaultDataNull answers HTTP 200 with "data": null and an error that
	// carries no code (a failure while resolving the root field). Nothing is
	// executed.
	FaultDataNull FaultKind = "data null in 200"
	// FaultQueryError answers HTTP 200 with the GraphQL validation error of a field the
	// store's API version does not have, and no data. It is not transient: asking again gets the
	// same answer. Nothing is executed.
	FaultQueryError FaultKind = "query error in 200"
)

// Bulk operation faults (see bulk.go).
const (
	// FaultBulkFails, aimed at bulkOperationRunQuery, makes the operation it
	// starts end FAILED half-way through its running time, with Fault.ErrorCode
	// and a partialDataUrl to what it had read.
	FaultBulkFails = storetest.JobFails
	// FaultURLExpired, aimed at MatchBulkDownload, answers a result download
	// as an expired signed address would (403 and an XML error).
	FaultURLExpired = storetest.LinkExpired
)

// MatchBulkDownload, as a Fault's Match, aims the fault at the download of
// a bulk operation's result instead of a GraphQL root field. Only faults with
// this Match reach downloads; they answer FaultURLExpired, FaultTruncated
// (half the file, then the connection drops), FaultHTTP500, FaultHTTP503 and
// FaultReset.
const MatchBulkDownload = "bulk download"

// MatchTokenGrant, as a Fault's Match, aims the fault at the client
// credentials grant (POST /admin/oauth/access_token) instead of a GraphQL
// root field. Only faults with this Match reach the token endpoint; it
// answers FaultHTTP429, FaultHTTP500, FaultHTTP502, FaultHTTP503, FaultSlow
// (a Delay longer than the client's timeout is a timeout) and FaultReset.
const MatchTokenGrant = "/admin/oauth/access_token"

// Fault is one programmed failure. Faults are consumed in the order they were
// injected; each affects Times requests (0 means once, a negative value means
// every matching request until ClearFaults).
type Fault struct {
	Kind  FaultKind
	Times int
	// Match limits the fault to requests with this root field (for example
	// "orders" or "inventorySetQuantities"), or to the token endpoint with
	// MatchTokenGrant; empty matches every GraphQL request.
	Match string
	// Delay is the wait of FaultSlow.
	Delay time.Duration
	// RetryAfter is the Retry-After seconds of FaultHTTP429 (default 2).
	RetryAfter int

	// AfterPage is the orders page (1-based, counted from injection) after
	// which FaultOrderChangesBetweenPages fires (default 1).
	AfterPage int
	// OrderID is the order to change; 0 changes the first order of the page
	// just served.
	OrderID int64
	// Hook, when set, replaces the default change; it runs outside the
	// server lock and may call any Server method. pageOrderIDs are the
	// orders of the page just served.
	Hook func(s *Server, pageOrderIDs []int64)

	// ErrorCode is the BulkOperationErrorCode of FaultBulkFails (default
	// INTERNAL_SERVER_ERROR).
	ErrorCode string

	used int
}

// InjectFaults queues faults.
func (s *Server) InjectFaults(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range faults {
		f := f
		if f.Times == 0 {
			f.Times = 1
		}
		if f.AfterPage <= 0 {
			f.AfterPage = 1
		}
		if f.RetryAfter <= 0 {
			f.RetryAfter = 2
		}
		s.faults = append(s.faults, &f)
	}
}

// ClearFaults removes every queued fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
	s.pages = map[*Fault]int{}
}

// PendingFaults reports how many queued faults have uses left.
func (s *Server) PendingFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.faults)
}

func (f *Fault) matches(roots []string) bool {
	if f.Match == "" {
		return len(roots) != 1 || roots[0] != MatchTokenGrant
	}
	for _, r := range roots {
		if r == f.Match {
			return true
		}
	}
	return false
}

func (s *Server) consume(f *Fault) {
	f.used++
	if f.Times > 0 && f.used >= f.Times {
		for i, x := range s.faults {
			if x == f {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
				break
			}
		}
		delete(s.pages, f)
	}
}

// takeFault returns the first request-level fault matching roots and uses
// it up. Called with s.mu held.
func (s *Server) takeFault(roots []string) *Fault {
	for _, f := range s.faults {
		if f.Kind == FaultOrderChangesBetweenPages || !f.matches(roots) {
			continue
		}
		s.consume(f)
		return f
	}
	return nil
}

// answerFault carries out a request-level fault. It reports whether the
// answer has been given (or the connection dropped); false means the request
// goes on (FaultSlow after its wait, FaultTruncated, which cuts the real
// answer).
func (s *Server) answerFault(w http.ResponseWriter, r *http.Request, f *Fault) bool {
	switch f.Kind {
	case FaultThrottled:
		s.mu.Lock()
		s.bucket.refill(s.opts.Now())
		body := s.throttledBody(1)
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, body)
	case FaultHTTP429:
		w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"errors": "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."})
	case FaultHTTP500:
		writeJSON(w, http.StatusInternalServerError, map[string]any{"errors": "Internal Server Error"})
	case FaultHTTP502:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>The server received an invalid response from an upstream server.</p></body></html>\n")
	case FaultHTTP503:
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"errors": "Service Unavailable"})
	case FaultSlow:
		select {
		case <-time.After(f.Delay):
			return false
		case <-r.Context().Done():
		}
	case FaultReset:
		storetest.DropConnection(w)
	case FaultInternalError:
		id := requestID()
		writeJSON(w, http.StatusOK, map[string]any{"errors": []map[string]any{{
			"message":    "Internal error. Looks like something went wrong on our end.\nRequest ID: " + id + " (include this in support requests).",
			"extensions": map[string]any{"code": "INTERNAL_SERVER_ERROR", "requestId": id},
		}}})
	case FaultDataNull:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"data":null,"errors":[{"message":"An unexpected error occurred while resolving the query."}]}`)
	case FaultQueryError:
		writeJSON(w, http.StatusOK, map[string]any{"errors": []map[string]any{{
			"message":    "Field 'unitCost' doesn't exist on type 'InventoryItem'",
			"locations":  []map[string]any{{"line": 1, "column": 1}},
			"path":       []string{"query", "products"},
			"extensions": map[string]any{"code": "undefinedField", "typeName": "InventoryItem", "fieldName": "unitCost"},
		}}})
	case FaultNotJSON:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, "<!DOCTYPE html>\n<html><head><title>Something went wrong</title></head><body><h1>There was a problem loading this page</h1></body></html>\n")
	default:
		return false
	}
	return true
}

// requestID is a fresh X-Request-Id-like value.
func requestID() string {
	var raw [16]byte
	_, _ = rand.Read(raw[:])
	h := hex.EncodeToString(raw[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// servedOrdersPage is called when an orders connection is resolved; it
// schedules order changes for FaultOrderChangesBetweenPages. Called with
// s.mu held.
func (ec *execCtx) servedOrdersPage(c *connection) {
	s := ec.s
	if s == nil {
		return
	}
	var ids []int64
	for _, e := range c.edges {
		ids = append(ids, e.node.(*order).id)
	}
	for _, f := range append([]*Fault(nil), s.faults...) {
		if f.Kind != FaultOrderChangesBetweenPages {
			continue
		}
		s.pages[f]++
		if s.pages[f] != f.AfterPage {
			continue
		}
		s.stats.Faults++
		hook, target := f.Hook, f.OrderID
		if target == 0 && len(ids) > 0 {
			target = ids[0]
		}
		s.consume(f)
		if f.Times < 0 || f.used < f.Times {
			s.pages[f] = 0
		}
		ec.afterRun = append(ec.afterRun, func() {
			if hook != nil {
				hook(s, ids)
				return
			}
			if target != 0 {
				_ = s.TouchOrder(target, "changed between pages")
			}
		})
	}
}
