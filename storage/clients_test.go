package storage

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizePhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0501234567", "+966501234567"},
		{"966501234567", "+966501234567"},
		{"+966 50 123 4567", "+966501234567"},
		{"00966501234567", "+966501234567"},
		{"+966 050 123 4567", "+966501234567"},
		{"501234567", "+966501234567"},
		{"(050) 123-4567", "+966501234567"},
		{"٠٥٠١٢٣٤٥٦٧", "+966501234567"},
		{"+٩٦٦٥٠١٢٣٤٥٦٧", "+966501234567"},
		{"+971 50 123 4567", "+971501234567"},
		{"0114567890", "+966114567890"},
		{"", ""},
		{"n/a", ""},
		{"12345", ""},
		{"+96650123", ""},    // too short for Saudi
		{"050123456789", ""}, // too long for Saudi
		{"+966 50 123 4567 x12", ""},
	}
	for _, tc := range tests {
		if got := NormalizePhone(tc.in); got != tc.want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestClients(t *testing.T) {
	f := newFixture(t)
	var c Client
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		var err error
		c, err = tx.CreateClient(Client{Name: "محمد العتيبي", Email: "Mohammed@Example.com", Phone: "0501234567"})
		return err
	}))
	if c.PhoneE164 != "+966501234567" {
		t.Fatalf("phone_e164 %q", c.PhoneE164)
	}
	must(t, f.db.View(ctx, func(tx *Tx) error {
		for _, p := range []string{"966501234567", "+966 50 123 4567", "0501234567"} {
			got, err := tx.ClientByPhone(p)
			if err != nil || got.ID != c.ID {
				t.Errorf("by phone %q: %+v %v", p, got, err)
			}
		}
		if got, err := tx.ClientByEmail(" mohammed@example.COM "); err != nil || got.ID != c.ID {
			t.Errorf("by email: %+v %v", got, err)
		}
		if _, err := tx.ClientByPhone("0509999999"); !errors.Is(err, ErrNotFound) {
			t.Errorf("other phone matched: %v", err)
		}
		if _, err := tx.ClientByPhone("garbage"); !errors.Is(err, ErrNotFound) {
			t.Errorf("garbage phone matched: %v", err)
		}
		return nil
	}))

	c.Phone, c.Name = "+966 55 000 1111", "محمد"
	must(t, f.db.Update(ctx, func(tx *Tx) error { _, err := tx.UpdateClient(c); return err }))
	must(t, f.db.View(ctx, func(tx *Tx) error {
		got, err := tx.ClientByPhone("0550001111")
		if err != nil || got.Name != "محمد" {
			t.Errorf("after edit: %+v %v", got, err)
		}
		return nil
	}))

	bad := []struct {
		name string
		c    Client
		want string
		edit bool
	}{
		{"no name", Client{Email: "a@b.c"}, "needs a name", false},
		{"bad email", Client{Name: "x", Email: "not an email"}, "is not an email address", false},
		{"edit missing", Client{ID: 999, Name: "x"}, "does not exist", true},
		{"edit without id", Client{Name: "x"}, "no client", true},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			err := f.db.Update(ctx, func(tx *Tx) error {
				var err error
				if tc.edit {
					_, err = tx.UpdateClient(tc.c)
				} else {
					_, err = tx.CreateClient(tc.c)
				}
				return err
			})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !IsValidation(err) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestClientLookupsUseTheirIndexes: the lookups a sync makes for each order's client read an
// index, not every client (an import of 100,000 orders makes tens of thousands of clients).
func TestClientLookupsUseTheirIndexes(t *testing.T) {
	f := newFixture(t)
	for name, q := range map[string]string{"phone": clientByPhoneQuery, "email": clientByEmailQuery} {
		rows, err := f.db.sql.Query(`EXPLAIN QUERY PLAN `+q, "x")
		must(t, err)
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			must(t, rows.Scan(&id, &parent, &notused, &detail))
			plan = append(plan, detail)
		}
		must(t, rows.Err())
		rows.Close()
		if got := strings.Join(plan, "; "); strings.Contains(got, "SCAN clients") || !strings.Contains(got, "INDEX") {
			t.Errorf("client by %s: the plan is %q, want a search of its index", name, got)
		}
	}
}
