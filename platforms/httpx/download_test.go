package httpx

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"mizan/core"
)

// TestDownload: a file is read once from start to end whatever cuts its body (resumed by Range,
// or read again from the start by a server that ignores Range), 5xx answers are retried, another
// status ends the download, and no request carries more than Accept and Range.
func TestDownload(t *testing.T) {
	file := strings.Repeat("0123456789abcdef\n", 4000)
	tests := []struct {
		name     string
		cuts     int  // answers cut half-way before whole ones
		noRange  bool // the server ignores Range
		status   int  // the first answers' status (0: 200)
		statuses int  // how many answers have it
		want     string
		wantErr  string
		requests int
	}{
		{name: "whole", want: file, requests: 1},
		{name: "cut twice, resumed", cuts: 2, want: file, requests: 3},
		{name: "cut, Range ignored", cuts: 1, noRange: true, want: file, requests: 2},
		{name: "503 then the file", status: http.StatusServiceUnavailable, statuses: 2, want: file, requests: 3},
		{name: "expired", status: http.StatusForbidden, statuses: 1, wantErr: "403", requests: 1},
		{name: "cut every time", cuts: 10, wantErr: "gave up after 6 attempts", requests: 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			n := 0
			var headers []http.Header
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				n++
				i := n
				headers = append(headers, r.Header.Clone())
				mu.Unlock()
				if i <= tc.statuses {
					w.WriteHeader(tc.status)
					return
				}
				body, status := file, http.StatusOK
				if rg := r.Header.Get("Range"); rg != "" && !tc.noRange {
					from, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(rg, "bytes="), "-"))
					body, status = file[from:], http.StatusPartialContent
				}
				w.Header().Set("Content-Length", strconv.Itoa(len(body)))
				w.WriteHeader(status)
				if i-tc.statuses <= tc.cuts {
					_, _ = io.WriteString(w, body[:len(body)/2])
					w.(http.Flusher).Flush()
					panic(http.ErrAbortHandler)
				}
				_, _ = io.WriteString(w, body)
			}))
			defer srv.Close()
			c := &Client{HTTP: srv.Client(), Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() }}
			var got strings.Builder
			err := c.Download(context.Background(), "download", srv.URL+"/f.jsonl?signature=x", func(r io.Reader) error {
				_, err := io.Copy(&got, r)
				return err
			})
			if tc.wantErr != "" {
				var de *DownloadError
				var se *core.StoreError
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !errors.As(err, &de) || !errors.As(err, &se) {
					t.Fatalf("err = %v, want a DownloadError saying %q", err, tc.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			} else if got.String() != tc.want {
				t.Errorf("got %d bytes, want %d, the same", got.Len(), len(tc.want))
			}
			if n != tc.requests {
				t.Errorf("%d requests, want %d", n, tc.requests)
			}
			for _, h := range headers {
				for k := range h {
					switch k {
					case "Accept", "Range", "Accept-Encoding", "User-Agent":
					default:
						t.Errorf("the download sent %s", k)
					}
				}
			}
		})
	}
}

// TestDownloadReaderError: an error of the caller's reading is returned as is, not as a
// download failure.
func TestDownloadReaderError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "x\n") }))
	defer srv.Close()
	mine := errors.New("mine")
	err := (&Client{HTTP: srv.Client()}).Download(context.Background(), "download", srv.URL, func(io.Reader) error { return mine })
	var de *DownloadError
	if !errors.Is(err, mine) || errors.As(err, &de) {
		t.Fatalf("err = %v, want the reader's own", err)
	}
}
