package logs

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func TestDir(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cases := []struct {
		goos string
		env  map[string]string
		want string
	}{
		{"linux", map[string]string{"XDG_STATE_HOME": "/x/state", "HOME": "/home/u"}, "/x/state/mizan/logs"},
		{"linux", map[string]string{"XDG_STATE_HOME": "relative", "HOME": "/home/u"}, "/home/u/.local/state/mizan/logs"},
		{"freebsd", map[string]string{"HOME": "/home/u"}, "/home/u/.local/state/mizan/logs"},
		{"darwin", map[string]string{"HOME": "/Users/u"}, "/Users/u/Library/Logs/Mizan"},
		{"windows", map[string]string{"LocalAppData": `C:\Users\u\AppData\Local`}, `C:\Users\u\AppData\Local\Mizan\Logs`},
	}
	for _, c := range cases {
		if c.goos != "windows" && filepath.Separator != '/' {
			continue // Unix paths are told absolute by the system the test runs on
		}
		if got := Dir(env(c.env), c.goos); got != filepath.FromSlash(c.want) && got != c.want {
			t.Errorf("%s %v: %q, want %q", c.goos, c.env, got, c.want)
		}
	}
	// No home at all: a directory is still given.
	if got := Dir(env(nil), runtime.GOOS); got == "" || !strings.Contains(got, "mizan") {
		t.Errorf("fallback: %q", got)
	}
}

func TestRotation(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	r, err := NewRotator(path, 1000, 3)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Repeat("x", 99) + "\n" // 100 bytes
	for i := 0; i < 55; i++ {
		if _, err := fmt.Fprint(r, line); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	// 55 lines of 100 bytes, 10 per file: the current file has 5, three full backups are kept,
	// and the two oldest files are gone.
	sizes := map[string]int64{}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		info, _ := e.Info()
		sizes[e.Name()] = info.Size()
	}
	want := map[string]int64{"mizan.log": 500, "mizan.log.1": 1000, "mizan.log.2": 1000, "mizan.log.3": 1000}
	if fmt.Sprint(sizes) != fmt.Sprint(want) {
		t.Fatalf("files %v, want %v", sizes, want)
	}
	if _, err := r.Write([]byte("late")); err != ErrClosed {
		t.Fatalf("write after close: %v", err)
	}

	// Reopening appends to the current file and keeps counting its size.
	r, err = NewRotator(path, 1000, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 6; i++ {
		fmt.Fprint(r, line)
	}
	r.Close()
	if info, _ := os.Stat(path); info.Size() != 100 {
		t.Fatalf("after reopening, the current file has %d bytes, want 100", info.Size())
	}
	// A record bigger than a whole file still goes in, alone.
	r, _ = NewRotator(path, 1000, 3)
	big := strings.Repeat("y", 2500)
	if n, err := r.Write([]byte(big)); err != nil || n != len(big) {
		t.Fatalf("big write: %d %v", n, err)
	}
	r.Close()
	if b, _ := os.ReadFile(path); string(b) != big {
		t.Fatalf("the big record is not alone in its file (%d bytes)", len(b))
	}
}

func TestConcurrentWrites(t *testing.T) {
	dir := t.TempDir()
	log, closer, err := Open(dir, Options{MaxSize: 4096, Keep: 50})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				log.Info("sync step", "worker", g, "i", i)
			}
		}()
	}
	wg.Wait()
	closer.Close()
	entries, _ := os.ReadDir(dir)
	lines := 0
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if !strings.Contains(l, "msg=\"sync step\"") {
				t.Fatalf("torn record in %s: %q", e.Name(), l)
			}
			lines++
		}
	}
	if lines != 800 {
		t.Fatalf("%d records, want 800", lines)
	}
}

func TestCredentialAttributesRedacted(t *testing.T) {
	dir := t.TempDir()
	log, closer, err := Open(dir, Options{Level: slog.LevelDebug})
	if err != nil {
		t.Fatal(err)
	}
	const secret = "shpat_0123456789abcdef_secret_value"
	log.Info("connect", "access_token", secret, "store", "https://shop.example")
	log.Debug("grant", slog.Group("request", "client_secret", secret, "Authorization", "Bearer "+secret))
	log.With("consumer_key", secret).Warn("woo", "password", secret)
	closer.Close()
	b, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	out := string(b)
	if strings.Contains(out, secret) || strings.Contains(out, "0123456789abcdef") {
		t.Fatalf("a credential reached the log:\n%s", out)
	}
	if strings.Count(out, Redacted) != 5 || !strings.Contains(out, "store=https://shop.example") {
		t.Fatalf("unexpected log:\n%s", out)
	}
}

func TestParseLevel(t *testing.T) {
	for in, want := range map[string]slog.Level{"": slog.LevelInfo, "debug": slog.LevelDebug, "WARN": slog.LevelWarn, "error": slog.LevelError} {
		if got, err := ParseLevel(in); err != nil || got != want {
			t.Errorf("%q: %v %v", in, got, err)
		}
	}
	if _, err := ParseLevel("loud"); err == nil {
		t.Error("loud is not a level")
	}
}

// TestDirWindows: the logs go to %LocalAppData%\Mizan\Logs whatever the user's name holds, and
// to the same place through %USERPROFILE% when %LocalAppData% is not set (the data directory's
// rule, cli.DataDir), never to a relative path.
func TestDirWindows(t *testing.T) {
	const user = `C:\Users\أمل الحربي`
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"LocalAppData", map[string]string{"LocalAppData": user + `\AppData\Local`, "USERPROFILE": `D:\other`}, user + `\AppData\Local\Mizan\Logs`},
		{"with a trailing separator", map[string]string{"LocalAppData": user + `\AppData\Local\`}, user + `\AppData\Local\Mizan\Logs`},
		{"written with slashes", map[string]string{"LocalAppData": "C:/Users/Amal/AppData/Local"}, `C:/Users/Amal/AppData/Local\Mizan\Logs`},
		{"on a network share", map[string]string{"LocalAppData": `\\fileserver\profiles\أمل\AppData\Local`}, `\\fileserver\profiles\أمل\AppData\Local\Mizan\Logs`},
		{"no LocalAppData", map[string]string{"USERPROFILE": user}, user + `\AppData\Local\Mizan\Logs`},
		{"a relative LocalAppData", map[string]string{"LocalAppData": `AppData\Local`, "USERPROFILE": user + `\`}, user + `\AppData\Local\Mizan\Logs`},
	}
	for _, tc := range tests {
		if got := Dir(func(k string) string { return tc.env[k] }, "windows"); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	// Neither: the user cache or temporary directory of the system Mizan runs on.
	if got := Dir(func(string) string { return "" }, "windows"); !filepath.IsAbs(got) || !strings.Contains(got, "mizan") {
		t.Errorf("fallback: %q", got)
	}
}
