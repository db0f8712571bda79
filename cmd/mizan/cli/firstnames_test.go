package cli

import (
	"context"
	"testing"

	"mizan/storage"
)

// The command line's first run names the books' first branch, warehouse and client in the
// language of the environment's locale.
func TestFirstRunNamesInTheLocalesLanguage(t *testing.T) {
	for _, c := range []struct {
		name string
		env  map[string]string
		want storage.FirstNames
	}{
		{"LANG Arabic", map[string]string{"LANG": "ar_SA.UTF-8"},
			storage.FirstNames{Branch: "الفرع الرئيسي", Warehouse: "المستودع الرئيسي", Client: "عميل نقدي"}},
		{"LANG English", map[string]string{"LANG": "en_US.UTF-8"},
			storage.FirstNames{Branch: "Main branch", Warehouse: "Main warehouse", Client: "Walk-in customer"}},
		{"LC_ALL over LANG", map[string]string{"LC_ALL": "ar_EG.UTF-8", "LANG": "en_US.UTF-8"},
			storage.FirstNames{Branch: "الفرع الرئيسي", Warehouse: "المستودع الرئيسي", Client: "عميل نقدي"}},
		{"LANGUAGE's first", map[string]string{"LANGUAGE": "en_GB:ar", "LANG": "ar_SA.UTF-8"},
			storage.FirstNames{Branch: "Main branch", Warehouse: "Main warehouse", Client: "Walk-in customer"}},
		{"no locale", map[string]string{},
			storage.FirstNames{Branch: "Main branch", Warehouse: "Main warehouse", Client: "Walk-in customer"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, name := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
				t.Setenv(name, c.env[name])
			}
			dir := t.TempDir()
			if code, out, errOut := run(t, dir, "clients", "list"); code != 0 {
				t.Fatalf("clients list: %d %s %s", code, out, errOut)
			}
			ctx := context.Background()
			db, err := storage.Open(ctx, dir, storage.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			branches, _ := db.Branches(ctx)
			warehouses, _ := db.Warehouses(ctx)
			clients, _ := db.Clients(ctx)
			if len(branches) != 1 || len(warehouses) != 1 || len(clients) != 1 {
				t.Fatalf("%d branches, %d warehouses, %d clients", len(branches), len(warehouses), len(clients))
			}
			got := storage.FirstNames{Branch: branches[0].Name, Warehouse: warehouses[0].Name, Client: clients[0].Name}
			if got != c.want {
				t.Errorf("the books start with %+v, want %+v", got, c.want)
			}
		})
	}
}
