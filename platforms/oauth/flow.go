package oauth

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// AuthorizeURL is the address the merchant's browser opens: ep.AuthURL with client_id,
// response_type=code, redirect_uri, scope (space-separated, written %20) and state added to any
// query it has.
func AuthorizeURL(ep Endpoint, clientID, redirect string, scopes []string, state string) (string, error) {
	u, err := url.Parse(ep.AuthURL)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("the authorize address %q is not an address", ep.AuthURL)
	}
	q := u.Query()
	q.Set("client_id", clientID)
	q.Set("response_type", "code")
	q.Set("redirect_uri", redirect)
	if len(scopes) > 0 {
		q.Set("scope", strings.Join(scopes, " "))
	}
	q.Set("state", state)
	// Spaces as %20 rather than +: every server reads that as a space (a + in a value is %2B).
	u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20")
	return u.String(), nil
}

// stateLetters are the characters of a state: URL-safe letters and digits only, because some
// servers change anything else (Salla strips hyphens).
const stateLetters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// NewState returns a random state of 32 letters and digits (about 190 bits).
func NewState() string {
	const n = 32
	b := make([]byte, n)
	out := make([]byte, 0, n)
	for len(out) < n {
		if _, err := rand.Read(b); err != nil {
			panic(err) // crypto/rand does not fail on supported systems
		}
		for _, c := range b {
			// 62·4 = 248: bytes ≥ 248 are dropped so every letter is equally likely.
			if c < 248 && len(out) < n {
				out = append(out, stateLetters[c%62])
			}
		}
	}
	return string(out)
}

// sameState compares states as a server may return them: with hyphens stripped.
func sameState(got, want string) bool {
	return got != "" && strings.ReplaceAll(got, "-", "") == strings.ReplaceAll(want, "-", "")
}

// IsLoopback reports whether redirect is an address this machine can listen on for the
// browser's return: http://127.0.0.1:PORT/… , http://localhost:PORT/… or http://[::1]:PORT/…
func IsLoopback(redirect string) bool {
	_, _, err := loopback(redirect)
	return err == nil
}

// loopback checks a loopback redirect address and returns the host to bind and the path.
func loopback(redirect string) (host string, u *url.URL, err error) {
	u, err = url.Parse(strings.TrimSpace(redirect))
	if err != nil || u.Host == "" {
		return "", nil, fmt.Errorf("the redirect address %q is not an address", redirect)
	}
	if u.Scheme != "http" {
		return "", nil, fmt.Errorf("the redirect address must start with http:// to be received on this computer")
	}
	switch h := strings.ToLower(u.Hostname()); h {
	case "127.0.0.1", "localhost", "::1":
		host = h
	default:
		return "", nil, fmt.Errorf("the redirect address's host is %s, not 127.0.0.1 or localhost: it cannot be received on this computer", u.Hostname())
	}
	return host, u, nil
}

// ListenLimit is how long a Listener waits for the browser.
const ListenLimit = 5 * time.Minute

// Listener receives one browser redirect on a loopback address.
type Listener struct {
	redirect  string
	path      string
	listeners []net.Listener
	srv       *http.Server
	state     string
	once      sync.Once
	result    chan result
}

type result struct {
	code string
	err  error
}

// Listen starts listening on a loopback redirect address (see IsLoopback), on the loopback
// interface only, never on every interface: 127.0.0.1 for 127.0.0.1 and localhost (and [::1] as
// well for localhost, where the machine has it, since a browser may try either). It fails when
// the port is taken. state is the state sent to the authorize page. Call Wait, then Close.
func Listen(redirect, state string) (*Listener, error) {
	host, u, err := loopback(redirect)
	if err != nil {
		return nil, err
	}
	port := u.Port()
	if port == "" {
		port = "80"
	}
	hosts := []string{host}
	if host == "localhost" {
		hosts = []string{"127.0.0.1", "::1"}
	}
	l := &Listener{path: u.EscapedPath(), state: state, result: make(chan result, 1)}
	if l.path == "" {
		l.path = "/"
	}
	for i, h := range hosts {
		ln, err := net.Listen("tcp", net.JoinHostPort(h, port))
		if err != nil {
			if i > 0 {
				continue // ::1 is a second chance only
			}
			return nil, fmt.Errorf("listen on %s for the browser's return: %w (is another program using port %s?)", net.JoinHostPort(h, port), err, port)
		}
		l.listeners = append(l.listeners, ln)
		if i == 0 {
			// Port 0 (tests) picks a free port: every host listens on the one picked.
			_, port, _ = net.SplitHostPort(ln.Addr().String())
			r := *u
			r.Host = net.JoinHostPort(u.Hostname(), port)
			l.redirect = r.String()
		}
	}
	l.srv = &http.Server{Handler: http.HandlerFunc(l.serve), ReadHeaderTimeout: 10 * time.Second}
	for _, ln := range l.listeners {
		go func() { _ = l.srv.Serve(ln) }()
	}
	return l, nil
}

// Addr is the first address listened on, e.g. 127.0.0.1:8765.
func (l *Listener) Addr() string { return l.listeners[0].Addr().String() }

// Redirect is the redirect address listened on: the one given, with the port picked when it
// said port 0.
func (l *Listener) Redirect() string { return l.redirect }

// Wait waits, at most ListenLimit, for the browser to come back to the redirect path with the
// state and returns the code it carries. The browser is answered with a short page saying the window
// can be closed. A return with `error` gives that error (with `error_description`), one with
// another state or without a code gives an error saying so; requests for other paths (such as
// /favicon.ico) get a 404 and are otherwise ignored. Only the first return to the path counts.
func (l *Listener) Wait(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, ListenLimit)
	defer cancel()
	select {
	case r := <-l.result:
		return r.code, r.err
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return "", fmt.Errorf("the browser did not come back within %s: start again", ListenLimit)
		}
		return "", ctx.Err()
	}
}

// Close stops listening.
func (l *Listener) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return l.srv.Shutdown(ctx)
}

func (l *Listener) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.EscapedPath() != l.path || r.Method != http.MethodGet {
		http.NotFound(w, r)
		return
	}
	first := false
	var res result
	l.once.Do(func() {
		first = true
		res.code, res.err = fromQuery(r.URL.Query(), l.state)
		l.result <- res
	})
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	switch {
	case !first:
		writePage(w, http.StatusOK, "This sign-in has already been received. You can close this window.")
	case res.err != nil:
		writePage(w, http.StatusBadRequest, "Mizan could not connect the store: "+res.err.Error()+" You can close this window and try again.")
	default:
		writePage(w, http.StatusOK, "Mizan received the store's approval. You can close this window and go back to Mizan.")
	}
}

func writePage(w http.ResponseWriter, status int, msg string) {
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!doctype html><html><head><meta charset=\"utf-8\"><title>Mizan</title></head>"+
		"<body style=\"font-family:sans-serif;margin:3em\"><p>%s</p><p dir=\"rtl\">%s</p></body></html>",
		html.EscapeString(msg), "يمكنك إغلاق هذه النافذة والعودة إلى ميزان.")
}

// ErrNoCode says a returned address carries no authorization code.
var ErrNoCode = errors.New("the address has no authorization code")

// ParseRedirect reads the address the browser ended on, pasted by the merchant when the
// redirect address is not on this machine, and returns its code. The address must carry the
// state sent (hyphens aside); an address with `error` reports it, one without a code or with
// another state says so plainly.
func ParseRedirect(pasted, state string) (string, error) {
	s := strings.TrimSpace(pasted)
	if s == "" {
		return "", fmt.Errorf("paste the address your browser shows after you approve the app")
	}
	var q url.Values
	u, err := url.Parse(s)
	switch {
	case err == nil && u.RawQuery != "":
		q = u.Query()
	case err == nil && u.Fragment != "" && strings.Contains(u.Fragment, "="):
		q, _ = url.ParseQuery(u.Fragment)
	case strings.Contains(s, "="):
		q, _ = url.ParseQuery(strings.TrimPrefix(s, "?"))
	default:
		return "", fmt.Errorf("%w: paste the whole address your browser shows after you approve the app (it contains code=…)", ErrNoCode)
	}
	return fromQuery(q, state)
}

// fromQuery takes the code from a redirect's query, checking error and state.
func fromQuery(q url.Values, state string) (string, error) {
	if e := q.Get("error"); e != "" {
		msg := "the store did not approve the connection (" + shorten(e, 80)
		if d := strings.TrimSpace(q.Get("error_description")); d != "" {
			msg += ": " + shorten(d, 200)
		}
		return "", errors.New(msg + ")")
	}
	code := q.Get("code")
	if code == "" {
		return "", fmt.Errorf("%w: paste the address your browser shows after you approve the app (it contains code=…)", ErrNoCode)
	}
	if !sameState(q.Get("state"), state) {
		return "", fmt.Errorf("the address belongs to another connection attempt (its state differs): start again and use the address of this attempt")
	}
	return code, nil
}
