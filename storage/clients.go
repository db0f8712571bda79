package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"
)

func (c *Client) normalize() error {
	c.Name = strings.TrimSpace(c.Name)
	c.Email = strings.TrimSpace(c.Email)
	c.Phone = strings.TrimSpace(c.Phone)
	if c.Name == "" {
		return refuseField("name", "client_name_required")
	}
	if c.Email != "" {
		if _, err := mail.ParseAddress(c.Email); err != nil || strings.ContainsAny(c.Email, " <>") {
			return refuseField("email", "client_email_invalid", c.Name, c.Email)
		}
	}
	c.PhoneE164 = NormalizePhone(c.Phone)
	return nil
}

// CreateClient adds a client. A phone that cannot be normalised is kept as written, unmatched.
func (t *Tx) CreateClient(c Client) (Client, error) {
	return atomicOp(t, func() (Client, error) { return t.createClient(c) })
}

func (t *Tx) createClient(c Client) (Client, error) {
	if err := c.normalize(); err != nil {
		return Client{}, err
	}
	now := formatTime(t.now)
	res, err := t.Exec(`INSERT INTO clients(name, email, phone, phone_e164, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
		c.Name, c.Email, c.Phone, c.PhoneE164, now, now)
	if err != nil {
		return Client{}, fmt.Errorf("create client %q: %w", c.Name, err)
	}
	c.ID, _ = res.LastInsertId()
	return c, nil
}

// UpdateClient edits a client's name, email and phone.
func (t *Tx) UpdateClient(c Client) (Client, error) {
	return atomicOp(t, func() (Client, error) { return t.updateClient(c) })
}

func (t *Tx) updateClient(c Client) (Client, error) {
	if c.ID == 0 {
		return Client{}, refuse("client_none")
	}
	if err := c.normalize(); err != nil {
		return Client{}, err
	}
	res, err := t.Exec(`UPDATE clients SET name = ?, email = ?, phone = ?, phone_e164 = ?, updated_at = ? WHERE id = ?`,
		c.Name, c.Email, c.Phone, c.PhoneE164, formatTime(t.now), c.ID)
	if err != nil {
		return Client{}, fmt.Errorf("edit client %q: %w", c.Name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Client{}, refuse("client_missing", c.ID)
	}
	return c, nil
}

const clientCols = `id, name, email, phone, phone_e164`

func scanClient(r scanner) (Client, error) {
	var c Client
	return c, r.Scan(&c.ID, &c.Name, &c.Email, &c.Phone, &c.PhoneE164)
}

// Client reads a client by id.
func (t *Tx) Client(id int64) (Client, error) {
	c, err := scanClient(t.QueryRow(`SELECT `+clientCols+` FROM clients WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, refuse("client_missing", id)
	}
	return c, err
}

// The client lookups a sync makes for every order. Each repeats its index's condition (the value
// looked for is never empty), without which SQLite cannot use the partial index and reads every
// client instead.
const (
	clientByPhoneQuery = `SELECT ` + clientCols + ` FROM clients WHERE phone_e164 = ? AND phone_e164 <> '' ORDER BY id LIMIT 1`
	clientByEmailQuery = `SELECT ` + clientCols + ` FROM clients WHERE lower(email) = ? AND email <> '' ORDER BY id LIMIT 1`
)

// ClientByPhone finds the oldest client whose phone is the same number as phone, in any of its
// written forms; ErrNotFound when none is.
func (t *Tx) ClientByPhone(phone string) (Client, error) {
	e164 := NormalizePhone(phone)
	if e164 == "" {
		return Client{}, ErrNotFound
	}
	c, err := scanClient(t.QueryRow(clientByPhoneQuery, e164))
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	return c, err
}

// ClientByEmail finds the oldest client with this email, ignoring case; ErrNotFound when none has it.
func (t *Tx) ClientByEmail(email string) (Client, error) {
	email = NormalizeEmail(email)
	if email == "" {
		return Client{}, ErrNotFound
	}
	c, err := scanClient(t.QueryRow(clientByEmailQuery, email))
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	return c, err
}

// Clients lists the clients by name.
func (d *DB) Clients(ctx context.Context) ([]Client, error) {
	return queryList(ctx, d, `SELECT `+clientCols+` FROM clients ORDER BY name, id`, scanClient)
}

// SearchClients lists the clients whose name, email or phone contains text (case-insensitive),
// or whose phone is the same number as text in any written form, by name. Empty text lists
// every client. limit 0 is no limit.
func (d *DB) SearchClients(ctx context.Context, text string, limit int) ([]Client, error) {
	text = strings.TrimSpace(text)
	q := `SELECT ` + clientCols + ` FROM clients`
	var args []any
	if text != "" {
		like := "%" + likeEscape(strings.ToLower(text)) + "%"
		q += ` WHERE lower(name) LIKE ? ESCAPE '\' OR lower(email) LIKE ? ESCAPE '\' OR phone LIKE ? ESCAPE '\'`
		args = append(args, like, like, like)
		if digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, text); len(digits) >= 3 {
			q += ` OR replace(replace(replace(phone, ' ', ''), '-', ''), '+', '') LIKE ? OR phone_e164 LIKE ?`
			args = append(args, "%"+digits+"%", "%"+digits+"%")
		}
		if e164 := NormalizePhone(text); e164 != "" {
			q += ` OR phone_e164 = ?`
			args = append(args, e164)
		}
	}
	q += ` ORDER BY name, id`
	if limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, limit)
	}
	return queryList(ctx, d, q, scanClient, args...)
}

// ClientDuplicate finds another client (not except) with the same phone number, in any written
// form, or the same email: what tells two clients of one name apart. The field says which
// ("phone" or "email"); ok is false when there is none.
func (t *Tx) ClientDuplicate(c Client, except int64) (other Client, field string, ok bool, err error) {
	if e164 := NormalizePhone(c.Phone); e164 != "" {
		other, err = scanClient(t.QueryRow(`SELECT `+clientCols+` FROM clients WHERE phone_e164 = ? AND id <> ? ORDER BY id LIMIT 1`, e164, except))
		if err == nil {
			return other, "phone", true, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return other, "", false, err
		}
	}
	if email := NormalizeEmail(c.Email); email != "" {
		other, err = scanClient(t.QueryRow(`SELECT `+clientCols+` FROM clients WHERE lower(email) = ? AND id <> ? ORDER BY id LIMIT 1`, email, except))
		if err == nil {
			return other, "email", true, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return other, "", false, err
		}
	}
	return Client{}, "", false, nil
}

// AddClient adds a client the merchant enters: one whose phone or email another client already
// has is refused, naming that client, since the two could not be told apart.
func (t *Tx) AddClient(c Client) (Client, error) {
	return atomicOp(t, func() (Client, error) {
		if err := c.normalize(); err != nil {
			return c, err
		}
		if other, field, dup, err := t.ClientDuplicate(c, 0); err != nil {
			return c, err
		} else if dup {
			return c, clientTaken(field, other)
		}
		return t.createClient(c)
	})
}

// clientTaken refuses a client whose phone or email (field) another client has.
func clientTaken(field string, other Client) error {
	if field == "email" {
		return refuseField("email", "client_email_taken", other.Name)
	}
	return refuseField("phone", "client_phone_taken", other.Name)
}

// EditClient changes a client's name, email and phone, refusing a phone or email another client has.
func (t *Tx) EditClient(c Client) (Client, error) {
	return atomicOp(t, func() (Client, error) {
		if err := c.normalize(); err != nil {
			return c, err
		}
		if other, field, dup, err := t.ClientDuplicate(c, c.ID); err != nil {
			return c, err
		} else if dup {
			return c, clientTaken(field, other)
		}
		return t.updateClient(c)
	})
}
