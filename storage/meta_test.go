package storage

import (
	"regexp"
	"testing"
)

func TestBooksIDIsRandomAndStable(t *testing.T) {
	dirA, dirB := t.TempDir(), t.TempDir()
	ids := map[string]string{}
	for _, dir := range []string{dirA, dirB, dirA} {
		db, err := Open(ctx, dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		id, err := db.BooksID(ctx)
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(id) {
			t.Fatalf("books id %q is not 32 hex digits", id)
		}
		if prev, ok := ids[dir]; ok && prev != id {
			t.Errorf("reopening the books changed their id from %s to %s", prev, id)
		}
		ids[dir] = id
	}
	if ids[dirA] == ids[dirB] {
		t.Errorf("two sets of books have the same id %s", ids[dirA])
	}
}

func TestLegacySecretsFlag(t *testing.T) {
	db := openTest(t)
	done, err := db.LegacySecretsCopied(ctx)
	if err != nil || done {
		t.Fatalf("new books: copied %v, %v", done, err)
	}
	must(t, db.SetLegacySecretsCopied(ctx))
	if done, err := db.LegacySecretsCopied(ctx); err != nil || !done {
		t.Fatalf("after setting: copied %v, %v", done, err)
	}
}
