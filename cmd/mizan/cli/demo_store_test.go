package cli

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// storeOutput is output a running command writes while the test reads it.
type storeOutput struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *storeOutput) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *storeOutput) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestDemoStoreAddress runs demo-store on the addresses a merchant may give: one that every
// interface answers gets a warning, and the address printed is one a browser or Mizan can use.
func TestDemoStoreAddress(t *testing.T) {
	storeURL := regexp.MustCompile(`Demo Shopify store: (http://\S+) `)
	for _, tc := range []struct {
		addr, wantHost string
		warn           bool
	}{
		{"0.0.0.0:0", "127.0.0.1", true},
		{":0", "127.0.0.1", true},
		{"127.0.0.1:0", "127.0.0.1", false},
		{"localhost:0", "127.0.0.1", false},
	} {
		t.Run(tc.addr, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			var out, errOut storeOutput
			done := make(chan int)
			go func() {
				done <- Run(ctx, []string{"--data", t.TempDir(), "demo-store", "--addr", tc.addr}, nil, &out, &errOut)
			}()
			deadline := time.Now().Add(30 * time.Second)
			for !strings.Contains(out.String(), "Serving until interrupted") && time.Now().Before(deadline) {
				select {
				case code := <-done:
					t.Fatalf("demo-store ended (%d): %s %s", code, out.String(), errOut.String())
				case <-time.After(20 * time.Millisecond):
				}
			}
			m := storeURL.FindStringSubmatch(out.String())
			if m == nil {
				cancel()
				<-done
				t.Fatalf("no store address printed: %s", out.String())
			}
			if !strings.HasPrefix(m[1], "http://"+tc.wantHost+":") {
				t.Errorf("printed %s, want an address on %s", m[1], tc.wantHost)
			}
			if strings.Contains(out.String(), "[::]") || strings.Contains(out.String(), "0.0.0.0") {
				t.Errorf("an address no one can connect to was printed: %s", out.String())
			}
			resp, err := http.Get(m[1] + "/")
			if err != nil {
				t.Errorf("the printed address does not answer: %v", err)
			} else {
				resp.Body.Close()
			}
			warned := strings.Contains(errOut.String(), "warning: the demo store listens on every network interface")
			if warned != tc.warn {
				t.Errorf("warning %v, want %v: %q", warned, tc.warn, errOut.String())
			}
			cancel()
			if code := <-done; code != 0 {
				t.Errorf("exit %d: %s", code, errOut.String())
			}
		})
	}
}

func TestWarnIfReachable(t *testing.T) {
	for _, tc := range []struct {
		addr, want string
	}{
		{"", ""},
		{"127.0.0.1:8080", ""},
		{"[::1]:8080", ""},
		{"localhost:8080", ""},
		{"0.0.0.0:8080", "every network interface (0.0.0.0:8080)"},
		{"[::]:8080", "every network interface ([::]:8080)"},
		{":8080", "every network interface (:8080)"},
		{"192.0.2.7:8080", "listens on 192.0.2.7:8080, which other computers may reach"},
		{"shop.example:8080", "listens on shop.example:8080, which other computers may reach"},
	} {
		var b bytes.Buffer
		warnIfReachable(&b, "demo-store", tc.addr)
		if got := b.String(); tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("%q: %q, want %q", tc.addr, got, tc.want)
		}
	}
}
