package core

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"

	"mizan/storage"
)

// tokenStore answers Info only, and says which token reached it (in Details), so a test can tell
// which keyring entry a connection read.
type tokenStore struct {
	Store
	token string
}

func (s tokenStore) Info(context.Context) (StoreInfo, error) {
	return StoreInfo{Name: "Shop", Platform: "tokens", Details: "token " + s.token}, nil
}

var tokenPlatform = Platform{Name: "tokens", Title: "Token shop", States: []string{"paid"}, DefaultStates: []string{"paid"},
	Credentials: []CredentialField{{Key: "token", Label: "Token"}},
	Open:        func(cfg StoreConfig) (Store, error) { return tokenStore{token: cfg.Credentials["token"]}, nil }}

type booksUnderTest struct {
	t   *testing.T
	db  *storage.DB
	eng *Engine
}

func openTokenBooks(t *testing.T, dir string, secrets Secrets) *booksUnderTest {
	t.Helper()
	db, err := storage.Open(context.Background(), dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &booksUnderTest{t: t, db: db, eng: New(db, secrets, NewPlatforms(tokenPlatform), Options{})}
}

// token is the token the books' connection reaches its store with.
func (b *booksUnderTest) token(id int64) string {
	b.t.Helper()
	info, err := b.eng.TestConnection(context.Background(), id)
	if err != nil {
		b.t.Fatal(err)
	}
	return strings.TrimPrefix(info.Details, "token ")
}

func randomToken(t *testing.T, prefix string) string {
	raw := make([]byte, 8)
	if _, err := rand.Read(raw); err != nil {
		t.Fatal(err)
	}
	return prefix + hex.EncodeToString(raw)
}

// twoBooksKeepTheirSecrets: two sets of books in one keyring, each with a connection numbered 1,
// read, replace and delete their own credentials and never the other's.
func twoBooksKeepTheirSecrets(t *testing.T, secrets Secrets) {
	ctx := context.Background()
	a, b := openTokenBooks(t, t.TempDir(), secrets), openTokenBooks(t, t.TempDir(), secrets)
	tokA, tokB, tokB2 := randomToken(t, "tok-a-"), randomToken(t, "tok-b-"), randomToken(t, "tok-b2-")
	add := func(bk *booksUnderTest, tok string) Connection {
		c, err := bk.eng.AddConnection(ctx, ConnectionInput{Name: "Shop", Platform: "tokens", StoreURL: "https://shop.example",
			Credentials: map[string]string{"token": tok}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ca, cb := add(a, tokA), add(b, tokB)
	t.Cleanup(func() {
		a.eng.RemoveConnection(ctx, ca.ID)
		b.eng.RemoveConnection(ctx, cb.ID)
	})
	if ca.ID != cb.ID {
		t.Fatalf("the two connections are numbered %d and %d: the test needs the same number", ca.ID, cb.ID)
	}
	if got := a.token(ca.ID); got != tokA {
		t.Errorf("books A read %q, want its own %q", got, tokA)
	}
	if got := b.token(cb.ID); got != tokB {
		t.Errorf("books B read %q, want its own %q", got, tokB)
	}
	if _, err := b.eng.UpdateConnection(ctx, cb.ID, ConnectionInput{Name: "Shop", Platform: "tokens", StoreURL: "https://shop.example",
		Credentials: map[string]string{"token": tokB2}}); err != nil {
		t.Fatal(err)
	}
	if got := a.token(ca.ID); got != tokA {
		t.Errorf("after books B replaced its token, books A read %q, want %q", got, tokA)
	}
	if err := a.eng.RemoveConnection(ctx, ca.ID); err != nil {
		t.Fatal(err)
	}
	if got := b.token(cb.ID); got != tokB2 {
		t.Errorf("after books A removed its connection, books B read %q, want %q", got, tokB2)
	}
}

func TestTwoBooksKeepTheirSecrets(t *testing.T) {
	twoBooksKeepTheirSecrets(t, NewMemorySecrets())
}

// TestLegacyKeyringEntriesAreCopied: entries named before books had an id are copied to each set
// of books' own names on first use, left in place for other books that shared them, and never
// read again once copied.
func TestLegacyKeyringEntriesAreCopied(t *testing.T) {
	ctx := context.Background()
	secrets := NewMemorySecrets()
	dirA, dirB := t.TempDir(), t.TempDir()
	var ids []int64
	for _, dir := range []string{dirA, dirB} {
		bk := openTokenBooks(t, dir, secrets)
		c, err := bk.eng.AddConnection(ctx, ConnectionInput{Name: "Shop", Platform: "tokens", StoreURL: "https://shop.example",
			Credentials: map[string]string{"token": "placeholder"}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
		// As an older Mizan left them: no books id in the name, and not yet copied.
		books, _ := bk.eng.BooksID(ctx)
		must(t, secrets.Delete(SecretKey(books, c.ID, "token")))
		if _, err := bk.db.SQL().Exec(`UPDATE books_meta SET legacy_secrets = 0`); err != nil {
			t.Fatal(err)
		}
		bk.db.Close()
	}
	must(t, secrets.Set("connection/1/token", "tok-shared"))

	a := openTokenBooks(t, dirA, secrets)
	if got := a.token(ids[0]); got != "tok-shared" {
		t.Fatalf("books A read %q after the copy, want the old entry's value", got)
	}
	if v, err := secrets.Get("connection/1/token"); err != nil || v != "tok-shared" {
		t.Fatalf("the old entry is gone after books A copied it (%q, %v): books B still needs it", v, err)
	}
	b := openTokenBooks(t, dirB, secrets)
	if got := b.token(ids[1]); got != "tok-shared" {
		t.Fatalf("books B read %q after the copy, want the old entry's value", got)
	}
	// From now on each keeps its own: a new token in A, and an old Mizan writing the old name,
	// reach neither the other books nor these.
	if _, err := a.eng.UpdateConnection(ctx, ids[0], ConnectionInput{Name: "Shop", Platform: "tokens", StoreURL: "https://shop.example",
		Credentials: map[string]string{"token": "tok-a-new"}}); err != nil {
		t.Fatal(err)
	}
	must(t, secrets.Set("connection/1/token", "tok-written-later"))
	booksB, _ := b.eng.BooksID(ctx)
	must(t, secrets.Delete(SecretKey(booksB, ids[1], "token")))
	a.db.Close()
	b.db.Close()
	a, b = openTokenBooks(t, dirA, secrets), openTokenBooks(t, dirB, secrets)
	if got, want := a.token(ids[0]), "tok-a-new"; got != want {
		t.Errorf("books A read %q, want %q", got, want)
	}
	if _, err := b.eng.TestConnection(ctx, ids[1]); err == nil || !strings.Contains(err.Error(), "missing from the keyring") {
		t.Errorf("books B, its own entry gone, read the old name again: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
