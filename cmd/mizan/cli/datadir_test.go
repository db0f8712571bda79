package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"mizan/cmd/mizan/demo"
	"mizan/cmd/mizan/logs"
	"mizan/storage"
)

// TestDataDirWindows: the books go to %LocalAppData%\Mizan and the demo's beside them, with
// spaces and Arabic letters in the user's name; without %LocalAppData%, to the same folder
// through %USERPROFILE%; with neither, nowhere (the merchant is asked for --data or MIZAN_DATA).
func TestDataDirWindows(t *testing.T) {
	const user = `C:\Users\أمل الحربي`
	local := user + `\AppData\Local`
	tests := []struct {
		name string
		env  map[string]string
		want string // "" for the error
	}{
		{"LocalAppData", map[string]string{"LocalAppData": local, "USERPROFILE": `D:\other`}, local + `\Mizan`},
		{"with a trailing separator", map[string]string{"LocalAppData": local + `\`}, local + `\Mizan`},
		{"on a network share", map[string]string{"LocalAppData": `\\fileserver\profiles\Amal\AppData\Local`}, `\\fileserver\profiles\Amal\AppData\Local\Mizan`},
		{"no LocalAppData", map[string]string{"USERPROFILE": user}, local + `\Mizan`},
		{"an empty LocalAppData", map[string]string{"LocalAppData": " ", "USERPROFILE": user + `\`}, local + `\Mizan`},
		{"a relative LocalAppData", map[string]string{"LocalAppData": `AppData\Local`, "USERPROFILE": user}, local + `\Mizan`},
		{"neither", map[string]string{"HOME": "/home/amal"}, ""},
		{"a relative profile only", map[string]string{"USERPROFILE": `Users\amal`}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := func(k string) string { return tc.env[k] }
			got, err := resolveDataDir(parseGlobals(nil), env, "windows")
			if tc.want == "" {
				if !errors.Is(err, errNoHome) {
					t.Errorf("got %q, %v; want the error that asks for --data", got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
			if d := demo.Dir(got); d != tc.want+"-demo" {
				t.Errorf("demo's books in %q, want %q", d, tc.want+"-demo")
			}
			if l := logs.Dir(env, "windows"); l != tc.want+`\Logs` {
				t.Errorf("logs in %q, want %q", l, tc.want+`\Logs`)
			}
		})
	}
}

// TestBooksUnderAnArabicName: books in a data directory whose path holds spaces, Arabic letters
// and characters that mean something in a URL (SQLite is opened by a file: URI) are made, locked,
// read, checked and reopened under exactly that path, and so are the demo's books and the log
// beside them; a second Mizan is refused with the lock's message.
func TestBooksUnderAnArabicName(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"أمل الحربي", "O'Brien & Sons #1 100% (2)"} {
		t.Run(name, func(t *testing.T) {
			home := filepath.Join(t.TempDir(), name)
			vars := map[string]string{"HOME": home, "LocalAppData": filepath.Join(home, "AppData", "Local")}
			env := func(k string) string { return vars[k] }
			dir, err := DataDir(nil, env)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(dir, name) {
				t.Fatalf("data directory %q does not hold the user's name", dir)
			}
			db, err := storage.Open(ctx, dir, storage.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := storage.Open(ctx, dir, storage.Options{}); !errors.Is(err, storage.ErrLocked) {
				t.Errorf("a second Mizan on the same books: %v", err)
			}
			ro, err := storage.Open(ctx, dir, storage.Options{ReadOnly: true})
			if err != nil {
				t.Errorf("read-only beside an open Mizan: %v", err)
			} else {
				ro.Close()
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			for _, want := range []string{storage.FileName, "mizan.lock"} {
				if !slices.Contains(names, want) {
					t.Errorf("%s is not in %q: %q", want, dir, names)
				}
			}
			for _, n := range names {
				if strings.Contains(n, "%") || strings.Contains(n, "?") || strings.Contains(n, "file:") {
					t.Errorf("a file named from a URL was made: %q", n)
				}
			}
			if problems, err := storage.Check(ctx, dir); err != nil || len(problems) > 0 && problems[0] != "ok" {
				t.Errorf("check: %q, %v", problems, err)
			}
			if code, out, errOut := run(t, dir, "products", "list"); code != 0 {
				t.Errorf("products list: exit %d, %q, %q", code, out, errOut)
			}

			demoDir, err := DataDir([]string{"--demo"}, env)
			if err != nil || demoDir != dir+"-demo" {
				t.Fatalf("demo's books in %q, %v; want %q", demoDir, err, dir+"-demo")
			}
			ddb, err := storage.Open(ctx, demoDir, storage.Options{})
			if err != nil {
				t.Fatal(err)
			}
			ddb.Close()
			if _, err := os.Stat(filepath.Join(demoDir, storage.FileName)); err != nil {
				t.Error(err)
			}

			log, closer, err := logs.Open(logs.Dir(env, runtime.GOOS), logs.Options{})
			if err != nil {
				t.Fatal(err)
			}
			log.Info("opened", "books", dir)
			closer.Close()
			if raw, err := os.ReadFile(filepath.Join(logs.Dir(env, runtime.GOOS), logs.FileName)); err != nil || !strings.Contains(string(raw), name) {
				t.Errorf("log: %q, %v", raw, err)
			}
		})
	}
}
