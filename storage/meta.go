package storage

import (
	"context"
	"fmt"
)

// BooksID is the books' own identity: a random id made with the database. It names the books'
// entries in the system keyring, so that two sets of books (another data directory, the demo's)
// never read or overwrite each other's.
func (d *DB) BooksID(ctx context.Context) (string, error) {
	var id string
	if err := d.sql.QueryRowContext(ctx, `SELECT books_id FROM books_meta WHERE id = 1`).Scan(&id); err != nil {
		return "", fmt.Errorf("read the books' id: %w", err)
	}
	return id, nil
}

// LegacySecretsCopied reports whether the keyring entries named before the books had an id were
// copied to the books' own names.
func (d *DB) LegacySecretsCopied(ctx context.Context) (bool, error) {
	var done bool
	if err := d.sql.QueryRowContext(ctx, `SELECT legacy_secrets FROM books_meta WHERE id = 1`).Scan(&done); err != nil {
		return false, fmt.Errorf("read the books' keyring state: %w", err)
	}
	return done, nil
}

// SetLegacySecretsCopied records that the old keyring entries were copied.
func (d *DB) SetLegacySecretsCopied(ctx context.Context) error {
	if _, err := d.sql.ExecContext(ctx, `UPDATE books_meta SET legacy_secrets = 1 WHERE id = 1`); err != nil {
		return fmt.Errorf("record the books' keyring state: %w", err)
	}
	return nil
}
