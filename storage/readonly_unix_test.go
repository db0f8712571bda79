//go:build unix

package storage

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// unprivileged is the user a test run as root runs its read-only child as (root may write
// anywhere, so a read-only directory would prove nothing).
const unprivileged = 65534 // nobody

// TestReadOnlyDirectory opens books in a directory nobody may write to (chmod a-w), in a child
// process that is not root, once after a clean close (no -wal, no -shm) and once after a session
// that ended without closing them (-wal and -shm left behind, holding the newest writes).
func TestReadOnlyDirectory(t *testing.T) {
	if dir := os.Getenv("MIZAN_TEST_RO_DIR"); dir != "" {
		readOnlyChild(dir)
		return
	}
	for _, tc := range []struct {
		name  string
		clean bool
	}{{"closed cleanly", true}, {"left open", false}} {
		t.Run(tc.name, func(t *testing.T) {
			base := sharedTempDir(t)
			dir := filepath.Join(base, "books")
			f := newFixtureIn(t, dir)
			f.inbound(t, f.coffee, "7")
			if tc.clean {
				must(t, f.db.Close())
			} else {
				// Copy the files as a session that died now would leave them: the WAL holds the stock.
				dir = filepath.Join(base, "left")
				must(t, os.Mkdir(dir, 0o755))
				for _, name := range []string{FileName, FileName + "-wal", FileName + "-shm", "mizan.lock"} {
					copyFile(t, filepath.Join(f.db.Dir(), name), filepath.Join(dir, name))
				}
				must(t, f.db.Close())
			}
			for _, name := range []string{FileName, FileName + "-wal", FileName + "-shm", "mizan.lock"} {
				os.Chmod(filepath.Join(dir, name), 0o444)
			}
			must(t, os.Chmod(dir, 0o555))
			t.Cleanup(func() { os.Chmod(dir, 0o755) })

			out := runReadOnlyChild(t, base, dir)
			if !strings.Contains(out, "READ stock=7 readonly=true") {
				t.Fatalf("the child could not read the books: %s", out)
			}
			if !strings.Contains(out, "WRITE refused") {
				t.Fatalf("the child wrote to read-only books: %s", out)
			}
			if !strings.Contains(out, "LOCKED refused") || !strings.Contains(out, "cannot be written") {
				t.Fatalf("a writing open in a read-only directory did not fail: %s", out)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				switch e.Name() {
				case FileName, FileName + "-wal", FileName + "-shm", "mizan.lock":
				default:
					t.Fatalf("the read-only open left %s", e.Name())
				}
			}
		})
	}
}

// readOnlyChild runs in the child: it reads the books read-only, tries to write through them, and
// tries a writing open (which needs the lock file).
func readOnlyChild(dir string) {
	db, err := Open(ctx, dir, Options{ReadOnly: true})
	if err != nil {
		fmt.Println("OPEN failed:", err)
		os.Exit(3)
	}
	q, err := db.StockLevel(ctx, 1, 1)
	if err != nil {
		fmt.Println("READ failed:", err)
		os.Exit(3)
	}
	fmt.Printf("READ stock=%s readonly=%v\n", q, db.ReadOnly())
	if err := db.Update(ctx, func(tx *Tx) error {
		_, err := tx.CreateProduct(Product{Code: "NEW", Name: "New", SalePrice: d("1")})
		return err
	}); err != nil {
		fmt.Println("WRITE refused:", err)
	} else {
		fmt.Println("WRITE done")
	}
	db.Close()
	if _, err := Open(ctx, dir, Options{}); err != nil {
		fmt.Println("LOCKED refused:", err)
	}
	os.Exit(0)
}

// runReadOnlyChild runs this test binary as a user that is not root, on dir.
func runReadOnlyChild(t *testing.T, base, dir string) string {
	t.Helper()
	bin := os.Args[0]
	cmd := exec.Command(bin, "-test.run=^TestReadOnlyDirectory$")
	if os.Geteuid() == 0 {
		// The test binary's own directory is root's alone: run a copy from a directory all may read.
		bin = filepath.Join(base, "storage.test")
		copyFile(t, os.Args[0], bin)
		must(t, os.Chmod(bin, 0o755))
		cmd = exec.Command(bin, "-test.run=^TestReadOnlyDirectory$")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: unprivileged, Gid: unprivileged}}
	}
	cmd.Env = append(os.Environ(), "MIZAN_TEST_RO_DIR="+dir, "HOME="+base, "TMPDIR="+base)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("child: %v", err)
	}
	if err != nil {
		t.Fatalf("child: %v: %s", err, out)
	}
	return string(out)
}

// sharedTempDir is a temporary directory the unprivileged child may enter.
func sharedTempDir(t *testing.T) string {
	t.Helper()
	base, err := os.MkdirTemp("", "mizan-ro-")
	must(t, err)
	must(t, os.Chmod(base, 0o755))
	t.Cleanup(func() {
		filepath.Walk(base, func(p string, fi os.FileInfo, err error) error {
			if err == nil && fi.IsDir() {
				os.Chmod(p, 0o755)
			}
			return nil
		})
		os.RemoveAll(base)
	})
	return base
}

func newFixtureIn(t *testing.T, dir string) *fixture {
	t.Helper()
	db, err := Open(ctx, dir, Options{})
	must(t, err)
	must(t, os.Chmod(dir, 0o755))
	f := &fixture{db: db, branch: 1, warehouse: 1, client: 1}
	must(t, db.Update(ctx, func(tx *Tx) error {
		var err error
		f.coffee, err = tx.CreateProduct(Product{Code: "COF-250", Name: "قهوة", SalePrice: d("32")})
		return err
	}))
	t.Cleanup(func() { db.Close() })
	return f
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	must(t, err)
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	must(t, err)
	_, err = io.Copy(dst, src)
	must(t, err)
	must(t, dst.Close())
}
