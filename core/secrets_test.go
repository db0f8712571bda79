package core

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestKeyringErrorsNameTheCause(t *testing.T) {
	tests := []struct{ lib, want string }{
		{`exec: "dbus-launch": executable file not found in $PATH`, "no desktop session bus"},
		{`The name org.freedesktop.secrets was not provided by any .service files`, "no keyring service"},
		{`failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'`, "keyring is locked"},
		{`something else`, "something else"},
	}
	for _, tc := range tests {
		err := keyringError("save", "connection/1/token", errors.New(tc.lib))
		if !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrKeyringUnavailable) {
			t.Errorf("%q → %v", tc.lib, err)
		}
		if !strings.Contains(err.Error(), "connection/1/token") {
			t.Errorf("error does not name the key: %v", err)
		}
	}
}

func TestMemorySecrets(t *testing.T) {
	s := NewMemorySecrets()
	if _, err := s.Get("a"); !errors.Is(err, ErrNoSecret) {
		t.Fatal(err)
	}
	if err := s.Set("a", "shpat_1"); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Get("a"); v != "shpat_1" {
		t.Fatal(v)
	}
	if err := s.Delete("a"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("a"); err != nil {
		t.Fatal("deleting twice:", err)
	}
	s.Fail = errors.New("down")
	if err := s.Set("b", "x"); err == nil {
		t.Fatal("a failing store accepted a secret")
	}
}

// TestRealKeyring stores, reads and deletes a secret in the real OS keyring. It needs a session
// bus and an unlocked Secret Service, so it runs only when MIZAN_REAL_KEYRING=1 (make test sets
// that up on a private bus).
func TestRealKeyring(t *testing.T) {
	if os.Getenv("MIZAN_REAL_KEYRING") != "1" {
		t.Skip("set MIZAN_REAL_KEYRING=1 on a machine with an unlocked keyring (make test-keyring does)")
	}
	k := Keyring{Service: "Mizan test"}
	const key, value = "connection/test/access_token", "shpat_real_keyring_test_value"
	if err := k.Set(key, value); err != nil {
		t.Fatal(err)
	}
	got, err := k.Get(key)
	if err != nil || got != value {
		t.Fatalf("read back %q, %v", got, err)
	}
	if err := k.Delete(key); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Get(key); !errors.Is(err, ErrNoSecret) {
		t.Fatalf("after delete: %v", err)
	}
	// A value longer than a Windows credential takes is kept in parts and read back whole.
	long := strings.Repeat("eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.أمل", 200)
	if err := k.Set(key, long); err != nil {
		t.Fatal(err)
	}
	if got, err := k.Get(key); err != nil || got != long {
		t.Fatalf("read back %d bytes of %d, %v", len(got), len(long), err)
	}
	if err := k.Delete(key); err != nil {
		t.Fatal(err)
	}
	for _, e := range []string{key, partKey(key, "a", 1), partKey(key, "a", 2)} {
		if _, err := k.Get(e); !errors.Is(err, ErrNoSecret) {
			t.Fatalf("%s after delete: %v", e, err)
		}
	}
	// Two sets of books in the one keyring keep their own entries.
	twoBooksKeepTheirSecrets(t, k)
}
