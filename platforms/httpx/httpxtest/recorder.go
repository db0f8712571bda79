// Package httpxtest helps tests of the shared HTTP layer and of every platform watch what crosses
// the wire.
package httpxtest

import (
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
)

// Recorder is an HTTP handler that notes every request it receives (method, address, headers and
// body) and answers 200 with Reply, a JSON body ("{}" when empty). A test sends a store's
// redirect to it to show that nothing, and no credential above all, reached another host.
type Recorder struct {
	Reply string

	mu   sync.Mutex
	seen []string
}

// ServeHTTP records the request and answers it.
func (r *Recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	keys := make([]string, 0, len(req.Header))
	for k := range req.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(req.Method + " " + req.URL.String() + "\n")
	for _, k := range keys {
		b.WriteString(k + ": " + strings.Join(req.Header[k], ",") + "\n")
	}
	b.Write(body)
	r.mu.Lock()
	r.seen = append(r.seen, b.String())
	r.mu.Unlock()
	reply := r.Reply
	if reply == "" {
		reply = "{}"
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, reply)
}

// Requests returns what was received so far, one text per request.
func (r *Recorder) Requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.seen...)
}
