package wootest

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"mizan/platforms/storetest"
)

// FaultKind is a way for the host or WordPress to misbehave: the kinds every test store shares
// (storetest), and WordPress's own beside them.
type FaultKind = storetest.Kind

// The faults a Server can inject.
const (
	Fault429                       = storetest.TooManyRequests  // 429 with Retry-After
	Fault429NoRetryAfter FaultKind = "429-bare"                 // 429 without Retry-After
	Fault500                       = storetest.ServerError      // a PHP fatal error page (JSON-less 500)
	Fault503                       = storetest.Unavailable      // 503 without Retry-After
	Fault503RetryAfter   FaultKind = "503-retry-after"          // 503 with Retry-After
	FaultHTML                      = storetest.NotJSON          // 200 with a web page (a firewall challenge)
	FaultSlow                      = storetest.Slow             // the answer waits SlowDelay
	FaultTruncated                 = storetest.Truncated        // the body stops half-way
	FaultLoginRedirect   FaultKind = "login-redirect"           // 302 to wp-login.php
	FaultNoRoute         FaultKind = "rest_no_route"            // WordPress without pretty permalinks
	FaultChangeMidPaging           = storetest.ChangesMidPaging // an order changes after a page of orders is served
)

// FaultCutJSON answers 200 with a JSON body that stops half-way although the answer itself ends
// cleanly (its Content-Length matches what is sent): PHP stopped while writing it, out of time or
// memory. The request is not carried out.
const FaultCutJSON = storetest.CutJSON

// Fault is a fault waiting to happen.
type Fault struct {
	Kind FaultKind
	// Path limits it to API paths (after /wp-json/wc/v3) starting with this; empty: any.
	Path string
	// Times is how many requests it hits (default 1).
	Times int
	// RetryAfter is the header value for the kinds that send one (default "1").
	RetryAfter string
}

// InjectFaults queues faults; each hits the next matching requests.
func (s *Server) InjectFaults(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range faults {
		f := f
		if f.Times <= 0 {
			f.Times = 1
		}
		s.faults = append(s.faults, &f)
	}
}

// ClearFaults drops the faults not yet used.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

func (s *Server) takeFault(path string) *Fault {
	for i, f := range s.faults {
		if f.Path != "" && !strings.HasPrefix(path, f.Path) {
			continue
		}
		if f.Kind == FaultChangeMidPaging && !strings.HasPrefix(path, "/orders") {
			continue
		}
		f.Times--
		if f.Times <= 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		c := *f
		return &c
	}
	return nil
}

// writeFault answers for a fault; false means the request goes on (slow, truncated, mid-paging).
func (s *Server) writeFault(w http.ResponseWriter, r *http.Request, f *Fault) bool {
	ra := f.RetryAfter
	if ra == "" {
		ra = "1"
	}
	html := func(status int, title string) {
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<!DOCTYPE html><html><head><title>%s</title></head><body><h1>%s</h1></body></html>", title, title)
	}
	switch f.Kind {
	case Fault429:
		w.Header().Set("Retry-After", ra)
		html(http.StatusTooManyRequests, "429 Too Many Requests")
	case Fault429NoRetryAfter:
		html(http.StatusTooManyRequests, "429 Too Many Requests")
	case Fault500:
		html(http.StatusInternalServerError, "There has been a critical error on this website.")
	case Fault503:
		html(http.StatusServiceUnavailable, "503 Service Unavailable")
	case Fault503RetryAfter:
		w.Header().Set("Retry-After", ra)
		html(http.StatusServiceUnavailable, "Briefly unavailable for scheduled maintenance. Check back in a minute.")
	case FaultHTML:
		html(http.StatusOK, "Just a moment...")
	case FaultCutJSON:
		body := `[{"id":1,"name":"`
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, body)
	case FaultLoginRedirect:
		w.Header().Set("Location", "/wp-login.php?redirect_to=%2Fwp-json%2F")
		w.WriteHeader(http.StatusFound)
	case FaultNoRoute:
		writeError(w, errorf(http.StatusNotFound, "rest_no_route", "No route was found matching the URL and request method."))
	case FaultSlow:
		select {
		case <-time.After(s.opt.SlowDelay):
		case <-r.Context().Done():
			return true
		}
		return false
	default:
		return false
	}
	return true
}
