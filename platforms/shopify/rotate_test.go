package shopify

import (
	"context"
	"errors"
	"slices"
	"testing"

	"mizan/core"
	"mizan/storage"
)

// TestGrantedTokenSavedAcrossEngines: a saved connection keeps the token its client credentials
// grant gave, with its expiry, in the keyring through the engine's RotateFunc. Every later call,
// and a later process on the same books, uses it while it is fresh: the token endpoint is asked
// once, when the connection is added. A token the API refuses is replaced (and saved) once; a grant refused for a wrong client
// secret is ErrUnauthorized, and the connection is not marked as needing reconnecting.
func TestGrantedTokenSavedAcrossEngines(t *testing.T) {
	ctx := context.Background()
	srv := grantServer()
	hs := srv.Start()
	t.Cleanup(hs.Close)
	dir := t.TempDir()
	secrets := core.NewMemorySecrets()
	open := func() (*storage.DB, *core.Engine) {
		t.Helper()
		db, err := storage.Open(ctx, dir, storage.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return db, core.New(db, secrets, core.NewPlatforms(Platform()), core.Options{HTTPClient: hs.Client()})
	}
	db, eng := open()
	conn, err := eng.AddConnection(ctx, core.ConnectionInput{Name: "Grant shop", Platform: "shopify", StoreURL: hs.URL,
		Credentials: map[string]string{CredClientID: grantClientID, CredClientSecret: grantClientSecret}})
	if err != nil {
		t.Fatal(err)
	}
	grants := func() int { return srv.Stats().TokenGrants }
	const added = 0 // the token granted while the store was asked who it is was saved with the connection
	test := func(eng *core.Engine) error {
		t.Helper()
		_, err := eng.TestConnection(ctx, conn.ID)
		return err
	}
	for i := 0; i < 3; i++ {
		if err := test(eng); err != nil {
			t.Fatal(err)
		}
	}
	if g := grants() - added; g != 1 {
		t.Errorf("first engine: %d grants for three tests, want 1", g)
	}
	books, err := eng.BooksID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	saved := func() string {
		v, _ := secrets.Get(core.SecretKey(books, conn.ID, CredGrantedToken))
		return v
	}
	first := saved()
	if first == "" {
		t.Fatal("the granted token was not saved")
	}
	c, err := eng.Connection(ctx, conn.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(c.SecretKeys, CredGrantedToken) || !slices.Contains(c.SecretKeys, CredGrantedExpires) {
		t.Errorf("secret keys %v lack the granted token", c.SecretKeys)
	}
	db.Close()

	db, eng = open() // the next process
	defer db.Close()
	if err := test(eng); err != nil {
		t.Fatal(err)
	}
	if g := grants() - added; g != 1 {
		t.Errorf("second engine: %d grants in all, want still 1", g)
	}
	srv.RevokeTokens()
	if err := test(eng); err != nil {
		t.Fatal(err)
	}
	if g := grants() - added; g != 2 {
		t.Errorf("after a revoked token: %d grants in all, want 2", g)
	}
	if saved() == first || saved() == "" {
		t.Errorf("the new token was not saved")
	}

	// The app's secret changed in Shopify: the grant is refused as wrong credentials.
	if err := secrets.Set(core.SecretKey(books, conn.ID, CredClientSecret), "shpss_not_the_secret_0000"); err != nil {
		t.Fatal(err)
	}
	srv.RevokeTokens()
	err = test(eng)
	if !errors.Is(err, core.ErrUnauthorized) || errors.Is(err, core.ErrReconnect) {
		t.Fatalf("wrong secret: %v, want ErrUnauthorized", err)
	}
	if c, err := eng.Connection(ctx, conn.ID); err != nil || c.NeedsReconnect() {
		t.Errorf("connection marked as needing reconnecting (%v)", err)
	}
	checkNoSecrets(t, err.Error(), grantClientSecret, "shpss_not_the_secret_0000", first)
}
