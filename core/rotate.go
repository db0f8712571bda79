package core

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"sort"
	"strings"
	"sync"

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
// A process that dies after the store issued them and before they are saved leaves the keyring
// with the values it had. When the store spent the old refresh token with that renewal, the next
// renewal presents it, the store refuses it (invalid_grant), and the connection is marked after
// that one request; while the old access token lasts it is used as before.
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
		current, err := e.credentials(conn)
		if err != nil {
			return nil, err
		}
		changed, err := renew(maps.Clone(current))
		if errors.Is(err, ErrReconnect) {
			if merr := e.markReconnect(ctx, conn, err); merr != nil {
				return nil, errors.Join(err, merr)
			}
			return nil, err
		}
		if err != nil {
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
			return current, nil
		}
		sort.Strings(keys)
		// What the store issued is saved even when the caller gave up meanwhile: the store may
		// have spent the old values.
		if err := e.saveRenewed(context.WithoutCancel(ctx), conn, current, changed, keys); err != nil {
			return nil, err
		}
		out := maps.Clone(current)
		for _, k := range keys {
			out[k] = changed[k]
		}
		return out, nil
	}
}

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
	msg := fmt.Sprintf("the store refused to renew Mizan's access (%v), so the connection is not synced until it is "+
		"connected again: choose Reconnect on it in Connections, or give it new credentials with \"mizan connections edit\"", cause)
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
	return maps.Clone(p.creds), nil
}

// current returns the credentials with every renewal made so far.
func (p *pendingCreds) current() map[string]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.creds)
}
