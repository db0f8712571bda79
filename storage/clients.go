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
		return invalid("a client needs a name")
	}
	if c.Email != "" {
		if _, err := mail.ParseAddress(c.Email); err != nil || strings.ContainsAny(c.Email, " <>") {
			return invalid("client %q: %q is not an email address", c.Name, c.Email)
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
		return Client{}, invalid("no client given to edit")
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
		return Client{}, invalid("client %d does not exist", c.ID)
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
		return c, invalid("client %d does not exist", id)
	}
	return c, err
}

// ClientByPhone finds the oldest client whose phone is the same number as phone, in any of its
// written forms; ErrNotFound when none is.
func (t *Tx) ClientByPhone(phone string) (Client, error) {
	e164 := NormalizePhone(phone)
	if e164 == "" {
		return Client{}, ErrNotFound
	}
	c, err := scanClient(t.QueryRow(`SELECT `+clientCols+` FROM clients WHERE phone_e164 = ? ORDER BY id LIMIT 1`, e164))
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
	c, err := scanClient(t.QueryRow(`SELECT `+clientCols+` FROM clients WHERE lower(email) = ? ORDER BY id LIMIT 1`, email))
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	return c, err
}

// Clients lists the clients by name.
func (d *DB) Clients(ctx context.Context) ([]Client, error) {
	return queryList(ctx, d, `SELECT `+clientCols+` FROM clients ORDER BY name, id`, scanClient)
}
