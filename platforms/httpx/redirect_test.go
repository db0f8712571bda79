package httpx

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"mizan/core"
	"mizan/platforms/httpx/httpxtest"
)

// redirector answers every request with code and a Location on target, keeping path and query.
func redirector(code int, target func() string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("moved") != "" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"ok":true}`)
			return
		}
		q := r.URL.Query()
		q.Set("moved", "1")
		http.Redirect(w, r, target()+r.URL.Path+"?"+q.Encode(), code)
	})
}

func TestRedirectPolicy(t *testing.T) {
	const secret = "sekret_value_in_every_request"
	other := &httpxtest.Recorder{Reply: `{"ok":true}`}
	otherSrv := httptest.NewServer(other)
	defer otherSrv.Close()
	tlsOther := httptest.NewTLSServer(other)
	defer tlsOther.Close()

	tests := []struct {
		name    string
		tls     bool
		code    int
		method  string
		target  func(self string) string
		report  bool
		status  int    // when followed or reported: the final status
		wantErr string // when refused: part of the error
	}{
		{name: "another host, 307 POST", code: 307, method: "POST", target: func(string) string { return otherSrv.URL },
			wantErr: "redirected the request to another host, " + otherSrv.URL},
		{name: "another host, 302 GET", code: 302, method: "GET", target: func(string) string { return otherSrv.URL },
			wantErr: "another host"},
		{name: "another host, 301 POST, reporting", code: 301, method: "POST", report: true, target: func(string) string { return otherSrv.URL },
			wantErr: "another host"},
		{name: "another host over https", tls: true, code: 308, method: "POST", target: func(string) string { return tlsOther.URL },
			wantErr: "another host"},
		{name: "https to http on the same host", tls: true, code: 308, method: "POST",
			target:  func(self string) string { return strings.Replace(self, "https:", "http:", 1) },
			wantErr: "without https"},
		{name: "same host 307 POST is followed", code: 307, method: "POST", target: func(self string) string { return self }, status: 200},
		{name: "same host 308 over https is followed", tls: true, code: 308, method: "POST", target: func(self string) string { return self }, status: 200},
		{name: "same host 302 GET is followed", code: 302, method: "GET", target: func(self string) string { return self }, status: 200},
		{name: "same host 302 POST would become a GET", code: 302, method: "POST", target: func(self string) string { return self },
			wantErr: "would drop its method and body"},
		{name: "same host, reporting", code: 302, method: "POST", report: true, target: func(self string) string { return self }, status: 302},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var self string
			h := redirector(tc.code, func() string { return tc.target(self) })
			var hs *httptest.Server
			if tc.tls {
				hs = httptest.NewTLSServer(h)
			} else {
				hs = httptest.NewServer(h)
			}
			defer hs.Close()
			self = hs.URL
			// The caller's client: the test servers' certificates, and its own redirect
			// function, which must be neither used nor replaced.
			own := hs.Client()
			tr := own.Transport.(*http.Transport).Clone()
			if tr.TLSClientConfig == nil {
				tr.TLSClientConfig = &tls.Config{}
			}
			if tr.TLSClientConfig.RootCAs == nil {
				tr.TLSClientConfig.RootCAs = x509.NewCertPool()
			}
			tr.TLSClientConfig.RootCAs.AddCert(tlsOther.Certificate())
			own.Transport = tr
			ownCalled := false
			ownCheck := func(*http.Request, []*http.Request) error { ownCalled = true; return nil }
			own.CheckRedirect = ownCheck
			sl := &sleeper{}
			c := &Client{HTTP: own, Sleep: sl.Sleep, ReportRedirects: tc.report}
			req := Request{Op: "send", Method: tc.method, URL: hs.URL + "/api?key=" + secret,
				Header: http.Header{"X-Token": {secret}, "Authorization": {"Basic " + secret}}}
			if tc.method == "POST" {
				req.Body = []byte("client_secret=" + secret)
			}
			before := len(other.Requests())
			resp, err := c.Do(context.Background(), req)
			if got := other.Requests()[before:]; len(got) > 0 {
				t.Errorf("the other host received %d requests: %q", len(got), got)
			}
			if ownCalled {
				t.Error("the caller's CheckRedirect was used")
			}
			if own.CheckRedirect == nil || own.CheckRedirect(nil, nil) != nil {
				t.Error("the caller's client was changed")
			}
			if tc.wantErr != "" {
				var se *core.StoreError
				var re *RedirectError
				if err == nil || !errors.As(err, &se) || !errors.As(err, &re) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want a refusal with %q", err, tc.wantErr)
				}
				if errors.Is(err, core.ErrUnreachable) || len(sl.waits) > 0 {
					t.Errorf("a refused redirect was retried: %v", err)
				}
				u, _ := url.Parse(hs.URL)
				if !strings.Contains(err.Error(), u.Host) || strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "/api") {
					t.Errorf("the error should name the hosts and nothing else: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
			if resp.Status != tc.status {
				t.Errorf("status %d, want %d", resp.Status, tc.status)
			}
		})
	}
}
