package core

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"mizan/storage"
)

// turns serialises the renewals of each connection's credentials within the process (the data
// directory's lock keeps every other process out of the books, and so out of their keyring
// entries). A turn is a one-slot channel, so that waiting for it honours a context.
type turns struct {
	mu sync.Mutex
	m  map[int64]chan struct{}
}

// take waits for the connection's turn, or for ctx to end; release gives it back.
func (t *turns) take(ctx context.Context, connID int64) (release func(), err error) {
	t.mu.Lock()
	if t.m == nil {
		t.m = map[int64]chan struct{}{}
	}
	ch, ok := t.m[connID]
	if !ok {
		ch = make(chan struct{}, 1)
		t.m[connID] = ch
	}
	t.mu.Unlock()
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// try takes the connection's turn if it is free now.
func (t *turns) try(connID int64) (release func(), ok bool) {
	t.mu.Lock()
	if t.m == nil {
		t.m = map[int64]chan struct{}{}
	}
	ch, found := t.m[connID]
	if !found {
		ch = make(chan struct{}, 1)
		t.m[connID] = ch
	}
	t.mu.Unlock()
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, true
	default:
		return nil, false
	}
}

// rotator is the RotateFunc the engine gives a platform opened for a saved connection.
//
// Under the connection's turn it reads the credentials as stored now, calls renew with a copy,
// and writes every value renew changed to the keyring before returning them, so a platform never
// uses a value the keyring does not hold. A key the connection did not have yet is added to its
// credential names in the books. If a value cannot be saved, those already written are put
// back as they were (as far as the keyring lets), and the error says which key could not be
// saved (never a value): the platform keeps what it had.
//
// A renewal refused with ErrReconnect marks the connection as needing to be connected again:
// from then on the connection is not synced or tested, and the store is asked nothing, until an
// edit of its credentials clears the state.
//
// A caller that gives up (its context ends) after the store issued new values still saves them.
//
// A renewal is recorded in the keyring as it goes (see renewalRecord), so that a process that
// dies in the middle of one leaves the next process knowing what happened:
//
//   - Killed before the store is asked: the record says "sending" and the credentials are those
//     the renewal started from. The store never saw the request, so those still work: the next
//     renewal (the next time the platform needs one) spends the same refresh token once, and
//     succeeds.
//   - Killed after the store answered and before anything was saved: the same record, and the
//     store has spent the refresh token the keyring holds. Nothing can bring back the pair it
//     issued. The next renewal presents the spent token once, the store refuses it
//     (invalid_grant), and the connection is marked as needing reconnecting with a message that
//     says a renewal was interrupted. No request is made after that one.
//   - Killed after the store answered and while the new values were being saved: the record
//     holds every new value, written in one keyring write before any credential; the next
//     process finishes writing them before it uses the connection, so a new access token is
//     never left beside a spent refresh token.
//   - Killed after everything was saved: the credentials are the new ones; the record is dropped.
func (e *Engine) rotator(c Connection) RotateFunc {
	return func(ctx context.Context, renew func(current map[string]string) (map[string]string, error)) (map[string]string, error) {
		release, err := e.turns.take(ctx, c.ID)
		if err != nil {
			return nil, fmt.Errorf("wait to renew the credentials of %q: %w", c.Name, err)
		}
		defer release()
		conn, err := e.Connection(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		if conn.NeedsReconnect() {
			return nil, reconnectError(conn)
		}
		books, err := e.keyringReady(ctx)
		if err != nil {
			return nil, err
		}
		current, unfinished, err := e.settleRenewal(ctx, books, conn)
		if err != nil {
			return nil, err
		}
		// Before the store is asked: a process that dies from here on leaves this record.
		sending := renewalRecord{State: renewalSending, At: fmtTime(e.now()), Had: digests(current)}
		if err := e.writeRenewal(books, conn, sending); err != nil {
			return nil, fmt.Errorf("renew the credentials of %q: the keyring cannot record the renewal, so the store was not asked: %w", conn.Name, err)
		}
		changed, err := renew(maps.Clone(current))
		if errors.Is(err, ErrReconnect) {
			if unfinished != nil {
				err = &interruptedError{at: parseTime(unfinished.At), err: err}
			}
			if merr := e.markReconnect(ctx, conn, err); merr != nil {
				return nil, errors.Join(err, merr)
			}
			e.dropRenewal(books, conn)
			return nil, err
		}
		if err != nil {
			// The record stays: whether the store spent the refresh token is not known.
			return nil, err
		}
		var keys []string
		for k, v := range changed {
			if k == "" || strings.TrimSpace(v) == "" {
				return nil, fmt.Errorf("renew the credentials of %q: the renewal gave an empty %q", conn.Name, k)
			}
			if current[k] != v {
				keys = append(keys, k)
			}
		}
		if len(keys) == 0 {
			e.dropRenewal(books, conn)
			return current, nil
		}
		sort.Strings(keys)
		// What the store issued is saved even when the caller gave up meanwhile: the store may
		// have spent the old values. First all of it in one write, then each credential.
		received := renewalRecord{State: renewalReceived, At: sending.At, Had: sending.Had, Values: map[string]string{}}
		for _, k := range keys {
			received.Values[k] = changed[k]
		}
		if err := e.writeRenewal(books, conn, received); err != nil {
			e.log.Warn("cannot record the renewed credentials in one write; saving them one by one", "connection", conn.Name, "err", err)
		}
		if err := e.saveRenewed(context.WithoutCancel(ctx), conn, current, changed, keys); err != nil {
			return nil, err
		}
		e.dropRenewal(books, conn)
		out := maps.Clone(current)
		for _, k := range keys {
			out[k] = changed[k]
		}
		return out, nil
	}
}

// renewalField names the keyring entry, beside a connection's credentials, that records a
// renewal under way. No platform names a credential so.
const renewalField = "~renewal"

const (
	renewalSending  = "sending"  // the store is being asked; nothing it issued is saved
	renewalReceived = "received" // the store issued Values; they are being saved
)

// renewalRecord is what the keyring holds about a renewal while it runs.
type renewalRecord struct {
	State string `json:"state"`
	At    string `json:"at"` // when it started, by the engine's clock
	// Had is a digest of each credential the renewal started from, to tell them from credentials
	// the merchant entered since.
	Had map[string]string `json:"had"`
	// Values are the credentials the store issued (received only).
	Values map[string]string `json:"values,omitempty"`
}

// digest identifies a credential without holding it.
func digest(v string) string {
	sum := sha256.Sum256([]byte(v))
	return hex.EncodeToString(sum[:12])
}

func digests(creds map[string]string) map[string]string {
	out := make(map[string]string, len(creds))
	for k, v := range creds {
		out[k] = digest(v)
	}
	return out
}

func (e *Engine) writeRenewal(books string, c Connection, r renewalRecord) error {
	raw, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return e.secrets.Set(SecretKey(books, c.ID, renewalField), string(raw))
}

func (e *Engine) dropRenewal(books string, c Connection) {
	if err := e.secrets.Delete(SecretKey(books, c.ID, renewalField)); err != nil {
		e.log.Warn("cannot delete the record of a finished renewal from the keyring", "connection", c.Name, "err", err)
	}
}

// settleRenewal deals with what a renewal cut off by the end of a process left, and returns the
// connection's credentials as they are then. A renewal that had received new values has them
// saved now. A renewal that was asking the store is returned (unfinished): its outcome is known
// only when the next renewal presents the same refresh token. A record that does not match the
// credentials (the merchant entered new ones since) is dropped.
func (e *Engine) settleRenewal(ctx context.Context, books string, c Connection) (map[string]string, *renewalRecord, error) {
	current, err := e.credentials(c)
	if err != nil {
		return nil, nil, err
	}
	raw, err := e.secrets.Get(SecretKey(books, c.ID, renewalField))
	if errors.Is(err, ErrNoSecret) {
		return current, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	var r renewalRecord
	if json.Unmarshal([]byte(raw), &r) != nil {
		e.dropRenewal(books, c)
		return current, nil, nil
	}
	// was reports whether the credential k is still the one the renewal started from (or, with
	// the values received, already the new one).
	was := func(k string) bool {
		v, ok := current[k]
		had, hadIt := r.Had[k]
		switch {
		case ok && r.Values[k] == v:
			return true
		case ok && hadIt:
			return digest(v) == had
		}
		return !ok && !hadIt
	}
	for k := range r.Had {
		if !was(k) {
			e.dropRenewal(books, c)
			return current, nil, nil
		}
	}
	if r.State == renewalSending {
		for k := range current {
			if _, ok := r.Had[k]; !ok {
				e.dropRenewal(books, c)
				return current, nil, nil
			}
		}
		return current, &r, nil
	}
	for k := range r.Values {
		if !was(k) {
			e.dropRenewal(books, c)
			return current, nil, nil
		}
	}
	var keys []string
	for k, v := range r.Values {
		if strings.TrimSpace(v) != "" && current[k] != v {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if len(keys) > 0 {
		if err := e.saveRenewed(context.WithoutCancel(ctx), c, current, r.Values, keys); err != nil {
			return nil, nil, err
		}
		e.log.Info("saved the credentials a renewal cut off by the end of Mizan had received", "connection", c.Name)
	}
	e.dropRenewal(books, c)
	out := maps.Clone(current)
	for _, k := range keys {
		out[k] = r.Values[k]
	}
	return out, nil, nil
}

// settleBeforeOpen settles what an interrupted renewal left before a connection's store is
// opened, unless a renewal of the connection is running now (it settles it itself).
func (e *Engine) settleBeforeOpen(c Connection) error {
	release, ok := e.turns.try(c.ID)
	if !ok {
		return nil
	}
	defer release()
	books, err := e.keyringReady(context.Background())
	if err != nil {
		return err
	}
	if _, err := e.secrets.Get(SecretKey(books, c.ID, renewalField)); errors.Is(err, ErrNoSecret) {
		return nil // the usual case: no renewal was cut off
	}
	_, _, err = e.settleRenewal(context.Background(), books, c)
	return err
}

// interruptedError is a refusal for good of a renewal that followed one cut off after the
// store was asked: the store spent the refresh token then, and what it issued was lost.
type interruptedError struct {
	at  time.Time
	err error
}

func (e *interruptedError) Error() string {
	when := ""
	if !e.at.IsZero() {
		when = " (started " + e.at.Format("2006-01-02 15:04 UTC") + ")"
	}
	return "a renewal of Mizan's access to the store was interrupted" + when + " after the store was asked and before " +
		"what it issued was saved, and the store now refuses the tokens Mizan kept (" + e.err.Error() + ")"
}

func (e *interruptedError) Unwrap() error { return e.err }

// saveRenewed writes the renewed values of keys to the keyring and adds new key names to the
// connection. On failure it puts back what it had written.
func (e *Engine) saveRenewed(ctx context.Context, c Connection, current, changed map[string]string, keys []string) error {
	books, err := e.keyringReady(ctx)
	if err != nil {
		return err
	}
	var written []string
	undo := func() {
		for _, k := range written {
			key := SecretKey(books, c.ID, k)
			if old, ok := current[k]; ok {
				if err := e.secrets.Set(key, old); err != nil {
					e.log.Warn("cannot put a credential back in the keyring", "connection", c.Name, "key", k, "err", err)
				}
			} else if err := e.secrets.Delete(key); err != nil {
				e.log.Warn("cannot delete a credential from the keyring", "connection", c.Name, "key", k, "err", err)
			}
		}
	}
	for _, k := range keys {
		if err := e.secrets.Set(SecretKey(books, c.ID, k), changed[k]); err != nil {
			undo()
			return fmt.Errorf("the store renewed the %s credential of %q, but it could not be saved, so it was not used: %w", k, c.Name, err)
		}
		written = append(written, k)
	}
	var added []string
	for _, k := range keys {
		if !contains(c.SecretKeys, k) {
			added = append(added, k)
		}
	}
	if len(added) == 0 {
		return nil
	}
	err = e.db.Update(ctx, func(tx *storage.Tx) error {
		now, err := connectionByID(tx, c.ID)
		if err != nil {
			return err
		}
		names := append([]string(nil), now.SecretKeys...)
		for _, k := range added {
			if !contains(names, k) {
				names = append(names, k)
			}
		}
		sort.Strings(names)
		_, err = tx.Exec(`UPDATE connections SET secret_keys = ? WHERE id = ?`, mustJSON(names), c.ID)
		return err
	})
	if err != nil {
		undo()
		return fmt.Errorf("the store renewed the credentials of %q, but their names could not be saved in the books, so they were not used: %w", c.Name, err)
	}
	return nil
}

// markReconnect records that the store refused for good to renew the connection's credentials.
func (e *Engine) markReconnect(ctx context.Context, c Connection, cause error) error {
	why := fmt.Sprintf("the store refused to renew Mizan's access (%v)", cause)
	var interrupted *interruptedError
	if errors.As(cause, &interrupted) {
		why = interrupted.Error()
	}
	msg := why + ", so the connection is not synced until it is connected again: choose Reconnect on it in Connections, " +
		"or give it new credentials with \"mizan connections edit\""
	// A cancelled caller must not leave the state unrecorded.
	ctx = context.WithoutCancel(ctx)
	err := e.db.Update(ctx, func(tx *storage.Tx) error {
		_, err := tx.Exec(`UPDATE connections SET reconnect_message = ?, reconnect_at = ? WHERE id = ?`, msg, fmtTime(tx.Now()), c.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("record that %q needs connecting again: %w", c.Name, err)
	}
	e.log.Warn("connection needs reconnecting", "connection", c.Name, "platform", c.Platform)
	return nil
}

func clearReconnect(tx *storage.Tx, connID int64) error {
	_, err := tx.Exec(`UPDATE connections SET reconnect_message = '', reconnect_at = '' WHERE id = ? AND reconnect_message <> ''`, connID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("clear the reconnect state: %w", err)
	}
	return nil
}

// ReconnectError is why a connection that needs reconnecting was not synced.
type ReconnectError struct {
	Connection string
	Message    string // what happened and what to do
}

func (e *ReconnectError) Error() string {
	return fmt.Sprintf("%q needs to be connected again: %s", e.Connection, e.Message)
}

func (e *ReconnectError) Unwrap() error { return ErrReconnect }

func reconnectError(c Connection) error {
	return &ReconnectError{Connection: c.Name, Message: c.Reconnect}
}

// pendingCreds is the RotateFunc for credentials not saved yet (a connection being added,
// edited or tested): renewals run one at a time and are kept in memory, and the caller saves
// them with the rest. A store whose refresh token is single use has spent the one it was given
// by then, so what it renewed is what must be saved.
type pendingCreds struct {
	mu    sync.Mutex
	creds map[string]string
	// keep, when set, is given the credentials after each renewal, before they are used.
	keep func(map[string]string)
}

func newPending(creds map[string]string) *pendingCreds {
	return &pendingCreds{creds: maps.Clone(creds)}
}

func (p *pendingCreds) rotate(ctx context.Context, renew func(current map[string]string) (map[string]string, error)) (map[string]string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	changed, err := renew(maps.Clone(p.creds))
	if err != nil {
		return nil, err
	}
	for k, v := range changed {
		if k == "" || strings.TrimSpace(v) == "" {
			return nil, fmt.Errorf("renew the credentials: the renewal gave an empty %q", k)
		}
		p.creds[k] = v
	}
	if p.keep != nil {
		p.keep(maps.Clone(p.creds))
	}
	return maps.Clone(p.creds), nil
}

// current returns the credentials with every renewal made so far.
func (p *pendingCreds) current() map[string]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.creds)
}

// Credentials given to add or edit a connection that the store renews on the way.
//
// A store whose refresh token is single use spends the one the merchant gave as soon as it
// renews it, while the connection is added or edited. If the save then fails (the store is
// already connected under another name, the keyring or the books refuse the write), the
// credentials the merchant holds no longer work. So what the store renews is kept in the
// keyring the moment it arrives, under a digest of the credentials given, and the next add or
// edit given the same credentials (the form's Save pressed again, the same command run again)
// starts from the renewed ones. A successful save drops them.

// renewedKey is the keyring entry that keeps what the store renewed from the credentials given.
func renewedKey(books string, given map[string]string) string {
	h := sha256.New()
	for _, k := range slices.Sorted(maps.Keys(given)) {
		h.Write([]byte(k))
		h.Write([]byte{0})
		h.Write([]byte(given[k]))
		h.Write([]byte{0})
	}
	return fmt.Sprintf("books/%s/renewed/%s", books, hex.EncodeToString(h.Sum(nil)[:16]))
}

// pendingFor returns the pending credentials to add or edit a connection with, starting from
// what an earlier attempt with the same credentials had renewed, if anything, and keeping every
// renewal in the keyring as it comes. The key it returns is dropped once the connection is saved.
func (e *Engine) pendingFor(books string, given map[string]string) (*pendingCreds, string) {
	key := renewedKey(books, given)
	start := given
	if raw, err := e.secrets.Get(key); err == nil {
		var kept map[string]string
		if json.Unmarshal([]byte(raw), &kept) == nil && len(kept) > 0 {
			start = kept
			e.log.Info("using the credentials the store renewed at an earlier attempt with the same ones")
		}
	}
	p := newPending(start)
	p.keep = func(creds map[string]string) {
		raw, err := json.Marshal(creds)
		if err == nil {
			err = e.secrets.Set(key, string(raw))
		}
		if err != nil {
			e.log.Warn("cannot keep the credentials the store renewed until the connection is saved", "err", err)
		}
	}
	return p, key
}

// dropRenewed forgets what pendingFor kept, once the connection is saved.
func (e *Engine) dropRenewed(key string) {
	if err := e.secrets.Delete(key); err != nil {
		e.log.Warn("cannot delete renewed credentials kept until the connection was saved", "err", err)
	}
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
