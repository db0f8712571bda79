package httpx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"mizan/core"
)

// Download streams a file a store handed out the address of (a bulk export's result on the
// platform's storage, a signed address on another host) to fn, without reading it into memory.
//
// The request carries no credential of any kind, by construction: it is a GET with no header
// but Accept and Range, whatever host the address names, because such an address is not the
// store's and a credential goes to the store's own host and nowhere else. The address itself
// (its query holds a signature) is never logged whole (see RedactURL). The redirect policy is
// the client's usual one.
//
// A download cut short (a dropped connection, a body that ends before its length) is resumed
// where it stopped with a Range request, within the client's retry budget, so fn reads the file
// once from start to end; a server that ignores Range is read from the start again, skipping
// what fn already has. 429 and 5xx answers are retried; any other status that is not 2xx ends
// the download with a *core.StoreError carrying the status (an expired address answers 403 or
// 400). The download's own failures come as a *DownloadError; an error fn returns, as is.
func (c *Client) Download(ctx context.Context, op, url string, fn func(io.Reader) error) error {
	r := &resumable{c: c, ctx: ctx, op: op, url: url, pol: c.Policy.withDefaults()}
	defer r.close()
	err := fn(r)
	if r.err != nil && (err == nil || errors.Is(err, r.err)) {
		return &DownloadError{Err: r.err}
	}
	return err
}

// DownloadError is a download that failed (as opposed to an error of the caller's reading).
type DownloadError struct{ Err error }

func (e *DownloadError) Error() string { return e.Err.Error() }
func (e *DownloadError) Unwrap() error { return e.Err }

// resumable is a file's body that reopens itself after a failure.
type resumable struct {
	c        *Client
	ctx      context.Context
	op, url  string
	pol      Policy
	body     io.ReadCloser
	off      int64 // bytes handed to the reader so far
	failures int
	err      error // the error that ended the download, if any
}

func (r *resumable) close() {
	if r.body != nil {
		_ = r.body.Close()
		r.body = nil
	}
}

func (r *resumable) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	for {
		if r.body == nil {
			if err := r.open(); err != nil {
				r.err = err
				return 0, err
			}
		}
		n, err := r.body.Read(p)
		r.off += int64(n)
		if err == nil || err == io.EOF {
			return n, err
		}
		// Cut short: reopen from r.off on the next read.
		r.close()
		if cerr := r.ctx.Err(); cerr != nil {
			r.err = fmt.Errorf("%s: %w", r.op, cerr)
			return n, r.err
		}
		if ferr := r.fail(0, "body cut short: "+describeErr(err)); ferr != nil {
			r.err = ferr
			return n, ferr
		}
		if n > 0 {
			return n, nil
		}
	}
}

// fail counts a failed attempt and waits before the next, or gives up.
func (r *resumable) fail(status int, reason string) error {
	r.failures++
	if r.failures >= r.pol.MaxAttempts {
		return &core.StoreError{Op: r.op, Status: status, Message: fmt.Sprintf("gave up after %d attempts: %s", r.failures, reason), Err: core.ErrUnreachable}
	}
	wait := r.c.backoff(r.pol, r.failures)
	r.c.logRetry(Request{Op: r.op, URL: r.url}, r.failures, r.pol.MaxAttempts, wait, failure{status: status, reason: reason})
	if err := r.c.sleep(r.ctx, wait); err != nil {
		return fmt.Errorf("%s: %w", r.op, err)
	}
	return nil
}

// open requests the file from r.off on.
func (r *resumable) open() error {
	for {
		req, err := http.NewRequestWithContext(r.ctx, http.MethodGet, r.url, nil)
		if err != nil {
			return &core.StoreError{Op: r.op, Message: "bad address: " + describeErr(err)}
		}
		req.Header = http.Header{"Accept": {"*/*"}} // nothing else: no credential travels here
		if r.off > 0 {
			req.Header.Set("Range", "bytes="+strconv.FormatInt(r.off, 10)+"-")
		}
		resp, err := r.c.httpClient().Do(req)
		if err != nil {
			if cerr := r.ctx.Err(); cerr != nil {
				return fmt.Errorf("%s: %w", r.op, cerr)
			}
			var re *RedirectError
			if errors.As(err, &re) {
				return &core.StoreError{Op: r.op, Message: re.Error(), Err: re}
			}
			if ferr := r.fail(0, describeErr(err)); ferr != nil {
				return ferr
			}
			continue
		}
		switch {
		case resp.StatusCode == http.StatusPartialContent && r.off > 0,
			resp.StatusCode == http.StatusOK && r.off == 0:
			r.body = resp.Body
			return nil
		case resp.StatusCode == http.StatusOK:
			// Range ignored: skip what was already read.
			if _, err := io.CopyN(io.Discard, resp.Body, r.off); err != nil {
				_ = resp.Body.Close()
				if ferr := r.fail(resp.StatusCode, "body cut short: "+describeErr(err)); ferr != nil {
					return ferr
				}
				continue
			}
			r.body = resp.Body
			return nil
		case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
			_ = resp.Body.Close()
			if ferr := r.fail(resp.StatusCode, http.StatusText(resp.StatusCode)); ferr != nil {
				return ferr
			}
		default:
			_ = resp.Body.Close()
			return &core.StoreError{Op: r.op, Status: resp.StatusCode,
				Message: "the file's address was refused (" + http.StatusText(resp.StatusCode) + "): it may have expired"}
		}
	}
}
