package core_test

import (
	"encoding/json"
	"testing"

	"mizan/core"
)

// TestLogRowsAsEncoded: every sync log row a sync writes holds its sentence's English and its
// arguments' JSON as encoding/json writes them (the engine writes them without it).
func TestLogRowsAsEncoded(t *testing.T) {
	e := newPagedEnv(t, func(*env, int) error { return nil })
	placeOrders(e)
	e.sync()
	rows, err := e.db.SQL().Query(`SELECT message, code, args FROM sync_log`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n, withArgs := 0, 0
	for rows.Next() {
		var message, code, args string
		if err := rows.Scan(&message, &code, &args); err != nil {
			t.Fatal(err)
		}
		n++
		if args == "" {
			continue
		}
		withArgs++
		p := core.Phrase{Code: code}
		if err := json.Unmarshal([]byte(args), &p.Args); err != nil {
			t.Fatalf("args %s: %v", args, err)
		}
		want, err := json.Marshal(p.Args)
		if err != nil {
			t.Fatal(err)
		}
		if args != string(want) {
			t.Errorf("args stored as %s, encoding/json writes %s", args, want)
		}
		if message != p.English() {
			t.Errorf("message %q, its sentence reads %q", message, p.English())
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if withArgs < 100 {
		t.Fatalf("%d log rows, %d with arguments: the sync logged less than it should", n, withArgs)
	}
}
