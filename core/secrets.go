package core

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/zalando/go-keyring"
)

// Secrets keeps credentials (tokens, keys, client secrets) outside the books. Values never appear
// in errors, logs or the database.
type Secrets interface {
	// Get returns the secret stored under key, or ErrNoSecret.
	Get(key string) (string, error)
	// Set stores value under key, replacing any earlier value.
	Set(key, value string) error
	// Delete removes key; deleting a missing key is not an error.
	Delete(key string) error
}

// ErrNoSecret is returned by Get when nothing is stored under the key.
var ErrNoSecret = errors.New("no secret stored")

// KeyringService is the service name Mizan's secrets are filed under in the OS keyring.
const KeyringService = "Mizan"

// Keyring is the OS keyring: Secret Service on Linux, Keychain on macOS, Credential Manager on
// Windows.
type Keyring struct{ Service string }

// NewKeyring returns the OS keyring under Mizan's service name.
func NewKeyring() Keyring { return Keyring{Service: KeyringService} }

// Get reads a secret.
func (k Keyring) Get(key string) (string, error) {
	v, err := keyring.Get(k.Service, key)
	if errors.Is(err, keyring.ErrNotFound) {
		return "", ErrNoSecret
	}
	if err != nil {
		return "", keyringError("read", key, err)
	}
	return v, nil
}

// Set writes a secret.
func (k Keyring) Set(key, value string) error {
	if err := keyring.Set(k.Service, key, value); err != nil {
		return keyringError("save", key, err)
	}
	return nil
}

// Delete removes a secret.
func (k Keyring) Delete(key string) error {
	err := keyring.Delete(k.Service, key)
	if err == nil || errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return keyringError("remove", key, err)
}

// KeyringError says why the OS keyring could not be used and what the user can do. It names the
// key, never the value.
type KeyringError struct {
	Op     string // read, save, remove
	Key    string
	Cause  string // what went wrong, in the user's words
	Advice string // what to do about it
	Err    error
}

func (e *KeyringError) Error() string {
	return fmt.Sprintf("cannot %s %q in the system keyring: %s. %s", e.Op, e.Key, e.Cause, e.Advice)
}

func (e *KeyringError) Unwrap() error { return e.Err }

// ErrKeyringUnavailable is wrapped by every KeyringError about a keyring that cannot be reached
// or used (as opposed to a single failed call).
var ErrKeyringUnavailable = errors.New("system keyring unavailable")

func (e *KeyringError) Is(target error) bool { return target == ErrKeyringUnavailable }

// keyringError turns the keyring library's errors into ones a merchant can act on. The library's
// messages are about the transport (D-Bus), never about values, so they are safe to keep.
func keyringError(op, key string, err error) error {
	msg := err.Error()
	e := &KeyringError{Op: op, Key: key, Err: err}
	switch {
	case strings.Contains(msg, "dbus-launch") || strings.Contains(msg, "DBUS_SESSION_BUS_ADDRESS") ||
		strings.Contains(msg, "session bus"):
		e.Cause = "there is no desktop session bus (D-Bus), so no keyring can be reached"
		e.Advice = "Start Mizan from a desktop session, or install and start dbus (package dbus)"
	case strings.Contains(msg, "org.freedesktop.secrets"):
		e.Cause = "no keyring service is installed or running"
		e.Advice = "Install a keyring such as GNOME Keyring (package gnome-keyring) or KeePassXC with Secret Service enabled, then try again"
	case strings.Contains(msg, "unlock") || strings.Contains(msg, "locked"):
		e.Cause = "the keyring is locked"
		e.Advice = "Unlock your login keyring (it usually unlocks when you log in) and try again"
	case errors.Is(err, keyring.ErrSetDataTooBig):
		e.Cause = "the secret is too long for this keyring"
		e.Advice = "Check that the pasted value is the token itself"
	default:
		e.Cause = msg
		e.Advice = "Check that your system keyring works, then try again"
	}
	return e
}

// MissingCredentialError is a connection's credential that is not in the keyring when a sync or a
// store call needs it (the keyring was reset or replaced, or the books were moved to another
// computer): the merchant enters it again in Connections. It names the field, never a value.
type MissingCredentialError struct {
	Field      string // the credential's field, such as access_token
	Connection string // the connection's name
}

func (e *MissingCredentialError) Error() string {
	return fmt.Sprintf("the %s credential of %q is missing from the keyring: enter it again in Connections", e.Field, e.Connection)
}

// MemorySecrets is an in-memory Secrets for tests and the demo store.
type MemorySecrets struct {
	mu sync.Mutex
	m  map[string]string
	// Fail, when set, is returned by every call: a keyring that cannot be reached.
	Fail error
}

// NewMemorySecrets returns an empty in-memory store.
func NewMemorySecrets() *MemorySecrets { return &MemorySecrets{m: map[string]string{}} }

// Get reads a secret.
func (s *MemorySecrets) Get(key string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return "", s.Fail
	}
	v, ok := s.m[key]
	if !ok {
		return "", ErrNoSecret
	}
	return v, nil
}

// Set writes a secret.
func (s *MemorySecrets) Set(key, value string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return s.Fail
	}
	s.m[key] = value
	return nil
}

// Delete removes a secret.
func (s *MemorySecrets) Delete(key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return s.Fail
	}
	delete(s.m, key)
	return nil
}

// Keys lists the stored keys (for tests).
func (s *MemorySecrets) Keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k := range s.m {
		out = append(out, k)
	}
	return out
}

// keyNames knows the books' id, which names the books' keyring entries (SecretKey), and whether
// the entries named before the books had an id were copied.
type keyNames struct {
	mu      sync.Mutex
	booksID string
	copied  bool
}

// BooksID is the books' own id, which names their entries in the keyring.
func (e *Engine) BooksID(ctx context.Context) (string, error) {
	e.keys.mu.Lock()
	defer e.keys.mu.Unlock()
	return e.booksIDLocked(ctx)
}

func (e *Engine) booksIDLocked(ctx context.Context) (string, error) {
	if e.keys.booksID == "" {
		id, err := e.db.BooksID(ctx)
		if err != nil {
			return "", err
		}
		e.keys.booksID = id
	}
	return e.keys.booksID, nil
}

// keyringReady returns the books' id once the keyring entries of the books' connections are
// under their names. Before books had an id, entries were named by the connection alone
// ("connection/<id>/<field>"), so two sets of books could overwrite each other's. The first
// time a set of books uses the keyring, each credential of its live connections is copied from
// that old name to the new one, unless the new one is already there. The old entries are left as
// they are: another set of books may have shared them and not have copied them yet, and a copy
// that failed can be made again next time. Once every copy is made (or there was nothing to
// copy), the books record it and never read an old name again.
func (e *Engine) keyringReady(ctx context.Context) (string, error) {
	e.keys.mu.Lock()
	defer e.keys.mu.Unlock()
	books, err := e.booksIDLocked(ctx)
	if err != nil || e.keys.copied {
		return books, err
	}
	done, err := e.db.LegacySecretsCopied(ctx)
	if err != nil {
		return "", err
	}
	if !done {
		if err := e.copyLegacySecrets(ctx, books); err != nil {
			return "", err
		}
		if err := e.db.SetLegacySecretsCopied(ctx); err != nil {
			return "", err
		}
	}
	e.keys.copied = true
	return books, nil
}

func (e *Engine) copyLegacySecrets(ctx context.Context, books string) error {
	type conn struct {
		id   int64
		keys []string
	}
	var conns []conn
	rows, err := e.db.SQL().QueryContext(ctx, `SELECT id, secret_keys FROM connections WHERE removed_at = '' ORDER BY id`)
	if err != nil {
		return fmt.Errorf("list the connections' credentials: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c conn
		var raw string
		if err := rows.Scan(&c.id, &raw); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(raw), &c.keys); err != nil {
			return fmt.Errorf("connection %d: credential names: %w", c.id, err)
		}
		conns = append(conns, c)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var copied int
	for _, c := range conns {
		for _, k := range c.keys {
			key := SecretKey(books, c.id, k)
			if _, err := e.secrets.Get(key); err == nil {
				continue
			} else if !errors.Is(err, ErrNoSecret) {
				return err
			}
			v, err := e.secrets.Get(legacySecretKey(c.id, k))
			if errors.Is(err, ErrNoSecret) {
				continue // nothing to copy: the merchant is asked for it when it is needed
			}
			if err != nil {
				return err
			}
			if err := e.secrets.Set(key, v); err != nil {
				return err
			}
			copied++
		}
	}
	if copied > 0 {
		e.log.Info("keyring entries copied to the books' own names", "count", copied)
	}
	return nil
}
