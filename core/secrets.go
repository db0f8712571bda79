package core

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

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
// Windows. A value too long for one entry is kept in parts (see Set).
type Keyring struct {
	Service string
	store   keyringStore // nil: the OS keyring
}

// NewKeyring returns the OS keyring under Mizan's service name.
func NewKeyring() Keyring { return Keyring{Service: KeyringService} }

// keyringStore is what Keyring asks of the OS keyring: go-keyring's calls. Tests put in its
// place a keyring that holds Windows' Credential Manager's limits.
type keyringStore interface {
	Get(service, user string) (string, error)
	Set(service, user, password string) error
	Delete(service, user string) error
}

type osKeyring struct{}

func (osKeyring) Get(service, user string) (string, error) { return keyring.Get(service, user) }
func (osKeyring) Set(service, user, password string) error {
	return keyring.Set(service, user, password)
}
func (osKeyring) Delete(service, user string) error { return keyring.Delete(service, user) }

func (k Keyring) backend() keyringStore {
	if k.store == nil {
		return osKeyring{}
	}
	return k.store
}

// The most one keyring entry holds. Windows' Credential Manager keeps at most 2,560 bytes in a
// credential (CRED_MAX_CREDENTIAL_BLOB_SIZE, 5×512), and go-keyring refuses more there. macOS's
// Keychain, written through the security tool, takes about 2,900 bytes; Secret Service has no
// practical limit. A single token is well under it (Zid's, the longest, are Laravel Passport
// tokens: signed JWTs of about 1,200 bytes and refresh tokens of about 1,000), but a record that
// holds several at once is not: the renewal record (rotate.go) with Zid's new tokens is about
// 3,800 bytes, and the credentials kept until a connection is saved (pendingFor) about 3,500
// (sizes from the tokens' formats: TestZidSecretsOnWindows). Every system gets the same rule.
const (
	maxEntry = 2560
	maxParts = 16 // 40 KB: far beyond any credential
)

// partsHead begins an entry that stands for a value kept in parts. A value that itself begins
// so is kept in parts too, so a one-entry value is never taken for a head.
const partsHead = "~mizan-parts:"

// head is what the entry under a value's own key says of a value kept in parts: which set of
// part entries holds it ("a" or "b"), how many there are, its length and its digest.
type head struct {
	slot   string
	parts  int
	length int
	sum    string
}

func (h head) String() string {
	return fmt.Sprintf("%s%s:%d:%d:%s", partsHead, h.slot, h.parts, h.length, h.sum)
}

func parseHead(v string) (head, bool) {
	rest, ok := strings.CutPrefix(v, partsHead)
	if !ok {
		return head{}, false
	}
	f := strings.Split(rest, ":")
	if len(f) != 4 || (f[0] != "a" && f[0] != "b") {
		return head{}, false
	}
	n, err1 := strconv.Atoi(f[1])
	l, err2 := strconv.Atoi(f[2])
	if err1 != nil || err2 != nil || n < 1 || n > maxParts || l < 0 {
		return head{}, false
	}
	return head{slot: f[0], parts: n, length: l, sum: f[3]}, true
}

// partKey names the i-th part (from 1) of the value under key in one set of parts. No key
// Mizan makes has a '#'.
func partKey(key, slot string, i int) string { return fmt.Sprintf("%s#%s%d", key, slot, i) }

func otherSlot(slot string) string {
	if slot == "a" {
		return "b"
	}
	return "a"
}

// get reads one entry.
func (k Keyring) get(op, key string) (string, error) {
	v, err := k.backend().Get(k.Service, key)
	if errors.Is(err, keyring.ErrNotFound) {
		return "", ErrNoSecret
	}
	if err != nil {
		return "", keyringError(op, key, err)
	}
	return v, nil
}

// Get reads a secret, joining its parts when it is kept in parts. Parts that do not add up to
// what their head says (an entry deleted or changed outside Mizan) are reported as a secret that
// is not there: a connection then asks for its credentials again.
func (k Keyring) Get(key string) (string, error) {
	v, err := k.get("read", key)
	if err != nil {
		return "", err
	}
	h, ok := parseHead(v)
	if !ok {
		return v, nil
	}
	var b strings.Builder
	for i := 1; i <= h.parts; i++ {
		p, err := k.get("read", partKey(key, h.slot, i))
		if errors.Is(err, ErrNoSecret) {
			break
		}
		if err != nil {
			return "", err
		}
		b.WriteString(p)
	}
	if v := b.String(); len(v) == h.length && digest(v) == h.sum {
		return v, nil
	}
	return "", fmt.Errorf("%w: the parts of %q in the system keyring do not add up (changed outside Mizan?)", ErrNoSecret, key)
}

// Set writes a secret. A value of up to maxEntry bytes is one entry, as it always was. A longer
// one is cut into parts (at character boundaries) kept under partKey, and the entry under key
// itself becomes their head.
//
// A value kept in parts is replaced in one write all the same, which is what the renewal record
// (rotate.go) relies on: the new value's parts go to the set of part entries the current head
// does not name, and only then is the head written. The head's write is a single keyring write
// (CredWrite on Windows, one item on Secret Service, one item on the Keychain), and it is the
// moment the value changes: a process that dies before it leaves the old value whole (its head
// and its parts untouched), one that dies after it leaves the new value whole. The length and
// digest in the head catch parts changed by anyone else. What is left over (the other set's
// parts, or parts written by a write that did not finish) is deleted after the head is written,
// and by the next Set in parts or Delete of the key.
func (k Keyring) Set(key, value string) error {
	old, err := k.get("save", key)
	if err != nil && !errors.Is(err, ErrNoSecret) {
		return err
	}
	oldHead, hadParts := parseHead(old)
	if len(value) <= maxEntry && !strings.HasPrefix(value, partsHead) {
		if err := k.set(key, value); err != nil {
			return err
		}
		if hadParts {
			// The value is saved; parts left over are deleted by the next Delete.
			_ = k.dropParts(key, "a", 1)
			_ = k.dropParts(key, "b", 1)
		}
		return nil
	}
	parts := split(value, maxEntry)
	if len(parts) > maxParts {
		return keyringError("save", key, keyring.ErrSetDataTooBig)
	}
	slot := "a"
	if hadParts {
		slot = otherSlot(oldHead.slot)
	}
	for i, p := range parts {
		if err := k.set(partKey(key, slot, i+1), p); err != nil {
			_ = k.dropParts(key, slot, 1)
			return err
		}
	}
	h := head{slot: slot, parts: len(parts), length: len(value), sum: digest(value)}
	if err := k.set(key, h.String()); err != nil {
		_ = k.dropParts(key, slot, 1)
		return err
	}
	// The value is saved: what is left of the one before, or of a write that did not finish, is
	// deleted now if the keyring lets, else by the next write or Delete.
	_ = k.dropParts(key, otherSlot(slot), 1)
	_ = k.dropParts(key, slot, len(parts)+1)
	return nil
}

func (k Keyring) set(key, value string) error {
	if err := k.backend().Set(k.Service, key, value); err != nil {
		return keyringError("save", key, err)
	}
	return nil
}

// split cuts s into pieces of at most n bytes, never inside a UTF-8 character.
func split(s string, n int) []string {
	var out []string
	for len(s) > n {
		cut := n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		out = append(out, s[:cut])
		s = s[cut:]
	}
	return append(out, s)
}

// Delete removes a secret and its parts. The key's own entry goes first: from then on the
// secret is gone, whatever happens to the parts.
func (k Keyring) Delete(key string) error {
	if err := k.backend().Delete(k.Service, key); err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return keyringError("remove", key, err)
	}
	return errors.Join(k.dropParts(key, "a", 1), k.dropParts(key, "b", 1))
}

// dropParts deletes the parts of key in one set from the from-th on. Parts are always written
// from the first up, so a set is the parts 1 to some m: they are counted, then deleted from the
// last down, so that one deletion that does not finish still leaves parts 1 to some m' for the
// next to find.
func (k Keyring) dropParts(key, slot string, from int) error {
	last := from - 1
	for i := from; i <= maxParts; i++ {
		if _, err := k.get("remove", partKey(key, slot, i)); errors.Is(err, ErrNoSecret) {
			break
		} else if err != nil {
			return err
		}
		last = i
	}
	for i := last; i >= from; i-- {
		pk := partKey(key, slot, i)
		if err := k.backend().Delete(k.Service, pk); err != nil && !errors.Is(err, keyring.ErrNotFound) {
			return keyringError("remove", pk, err)
		}
	}
	return nil
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
