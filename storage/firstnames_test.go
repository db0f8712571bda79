package storage

import "testing"

// New books start with a branch, a warehouse and a client named in the language of the first
// run; books opened again later, in another language, keep the names they have.
func TestFirstRecordsInTheFirstRunsLanguage(t *testing.T) {
	arabic := FirstNames{Branch: "الفرع الرئيسي", Warehouse: "المستودع الرئيسي", Client: "عميل نقدي"}
	english := FirstNames{Branch: "Main branch", Warehouse: "Main warehouse", Client: "Walk-in customer"}
	for _, c := range []struct {
		language    string
		first, then FirstNames // the names opened with first and then
		want        FirstNames
	}{
		{"ar_SA.UTF-8", DefaultNames("ar_SA.UTF-8"), DefaultNames("en_US.UTF-8"), arabic},
		{"ar", DefaultNames("ar"), FirstNames{}, arabic},
		{"en_GB.UTF-8", DefaultNames("en_GB.UTF-8"), DefaultNames("ar"), english},
		{"fr_FR", DefaultNames("fr_FR"), DefaultNames("ar"), english},
		{"arn (not Arabic)", DefaultNames("arn_CL"), FirstNames{}, english},
		{"none given", FirstNames{}, DefaultNames("ar"), english},
	} {
		t.Run(c.language, func(t *testing.T) {
			dir := t.TempDir()
			for _, names := range []FirstNames{c.first, c.then} {
				db, err := Open(ctx, dir, Options{Names: names})
				must(t, err)
				branches, err := db.Branches(ctx)
				must(t, err)
				warehouses, err := db.Warehouses(ctx)
				must(t, err)
				clients, err := db.Clients(ctx)
				must(t, err)
				must(t, db.Close())
				if len(branches) != 1 || len(warehouses) != 1 || len(clients) != 1 {
					t.Fatalf("seeded %d branches, %d warehouses, %d clients", len(branches), len(warehouses), len(clients))
				}
				got := FirstNames{Branch: branches[0].Name, Warehouse: warehouses[0].Name, Client: clients[0].Name}
				if got != c.want {
					t.Errorf("opened with %+v: the books start with %+v, want %+v", names, got, c.want)
				}
			}
		})
	}
}
