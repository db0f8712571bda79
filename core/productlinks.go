package core

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"mizan/storage"
)

// ProductLinkState says how one product of the books stands in one connected store.
type ProductLinkState string

// Product link states.
const (
	ProductLinked  ProductLinkState = "linked"  // in the store, and the store has the books' values
	ProductPending ProductLinkState = "pending" // the next sync creates it in the store or sends its changes
	ProductFailed  ProductLinkState = "failed"  // the last attempt to create or update it failed (Note says why)
	ProductAbsent  ProductLinkState = "absent"  // not in the store, and no sync will put it there (Note says why)
)

// ProductLink is a product's state in one connection.
type ProductLink struct {
	ConnectionID int64
	Connection   string
	State        ProductLinkState
	ExternalID   string // the store variant's id when linked
	Note         string
}

// ProductLinks tells, for every connection, whether a product of the books is in the store, is
// waiting for the next sync (new, or changed since the store last had it), or failed there.
func (e *Engine) ProductLinks(ctx context.Context, productID int64) ([]ProductLink, error) {
	conns, err := e.Connections(ctx)
	if err != nil {
		return nil, err
	}
	var out []ProductLink
	err = e.db.View(ctx, func(tx *storage.Tx) error {
		p, err := tx.Product(productID)
		if err != nil {
			return err
		}
		for _, c := range conns {
			l := ProductLink{ConnectionID: c.ID, Connection: c.Name}
			b, bound, err := bindingOfLocal(tx, c.ID, "product", productID)
			if err != nil {
				return fmt.Errorf("read the link of %s to %s: %w", p.Code, c.Name, err)
			}
			failure, err := lastProductFailure(tx, c.ID, productID)
			if err != nil {
				return fmt.Errorf("read the sync log of %s: %w", c.Name, err)
			}
			changed := false
			if bound {
				now, last := booksFieldsOf(p), b.booksFields()
				for _, f := range syncedFields {
					if !fieldsEqual(f, now, last) && c.pushAllowed(f) {
						changed = true
					}
				}
			}
			switch {
			case failure != "":
				l.State, l.Note = ProductFailed, failure
			case bound && changed:
				l.State, l.Note = ProductPending, "changed in the books: the next sync sends the change"
			case bound:
				l.State = ProductLinked
			case p.Archived:
				l.State, l.Note = ProductAbsent, "archived: not created in the store"
			case c.PushProducts:
				l.State, l.Note = ProductPending, "the next sync creates it in the store"
			default:
				l.State, l.Note = ProductAbsent, "this connection does not create products in the store"
			}
			if bound {
				l.ExternalID = b.ExternalID
			}
			out = append(out, l)
		}
		return nil
	})
	return out, err
}

// lastProductFailure is the error of the connection's newest log entry about the product, when
// that entry is an error: a later success (an update or creation logged as info) clears it.
func lastProductFailure(tx *storage.Tx, connID, productID int64) (string, error) {
	var level, msg string
	err := tx.QueryRow(`SELECT level, message FROM sync_log INDEXED BY sync_log_doc WHERE doc_type = 'product' AND doc_id = ?
		AND connection_id = ? AND kind = 'product' ORDER BY id DESC LIMIT 1`, productID, connID).Scan(&level, &msg)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && level != string(Error)) {
		return "", nil
	}
	return msg, err
}
