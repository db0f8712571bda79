package core

import (
	"os/exec"
	"strings"
	"testing"
)

// TestArchitecture holds the shape of the code: core imports neither the screens nor any platform,
// and only cmd/... links the windowing app package (so everything else tests without cgo).
func TestArchitecture(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on PATH")
	}
	out, err := exec.Command("go", "list", "-e", "-f", `{{.ImportPath}} {{join .Deps " "}}`, "mizan/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, deps, _ := strings.Cut(line, " ")
		has := func(prefix string) bool {
			for _, d := range strings.Fields(deps) {
				if d == prefix || strings.HasPrefix(d, prefix+"/") {
					return true
				}
			}
			return false
		}
		if pkg == "mizan/core" || strings.HasPrefix(pkg, "mizan/core/") {
			for _, banned := range []string{"mizan/ui", "mizan/platforms", "fyne.io/fyne/v2"} {
				if has(banned) {
					t.Errorf("%s depends on %s", pkg, banned)
				}
			}
		}
		if !strings.HasPrefix(pkg, "mizan/cmd/") && has("fyne.io/fyne/v2/app") {
			t.Errorf("%s links fyne.io/fyne/v2/app: only cmd/... may", pkg)
		}
		if (pkg == "mizan/storage" || strings.HasPrefix(pkg, "mizan/platforms")) && has("mizan/ui") {
			t.Errorf("%s depends on the screens", pkg)
		}
	}
}
