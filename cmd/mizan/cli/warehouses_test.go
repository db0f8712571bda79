package cli

import (
	"strings"
	"testing"
)

// A warehouse added on the command line can be tied to a branch, named or by its code.
func TestWarehousesAddWithABranch(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"warehouses", "add", "--name", "مستودع جدة", "--branch", "MAIN"}, 0, "Added warehouse مستودع جدة."},
		{[]string{"warehouses", "add", "--name", "Online", "--branch", "main branch"}, 0, "Added warehouse Online."},
		{[]string{"warehouses", "add", "--name", "Loose"}, 0, "Added warehouse Loose."},
		{[]string{"warehouses", "add", "--name", "Riyadh", "--branch", "Riyadh branch"}, 2, `no branch is named or coded "Riyadh branch"`},
		{[]string{"warehouses", "add", "--name", "Online"}, 1, `a warehouse named "Online" already exists`},
	} {
		code, out, errOut := run(t, dir, tc.args...)
		if code != tc.code || !strings.Contains(out+errOut, tc.want) {
			t.Fatalf("%v: exit %d, %q %q; want exit %d and %q", tc.args, code, out, errOut, tc.code, tc.want)
		}
	}
	_, out, _ := run(t, dir, "warehouses", "list")
	for _, want := range [][]string{{"Main warehouse"}, {"مستودع جدة", "Main branch"}, {"Online", "Main branch"}, {"Loose"}} {
		if !containsInOrder(out, want) {
			t.Errorf("missing %q:\n%s", want, out)
		}
	}
	if containsInOrder(out, []string{"Loose", "Main branch"}) {
		t.Errorf("Loose is listed under a branch:\n%s", out)
	}
}
