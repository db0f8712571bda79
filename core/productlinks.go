package core

import (
	"context"
	"database/sql"
	"encoding/json"
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
	// Say is why it is pending, failed or absent, in words a window translates (a failure is
	// its sync log entry's sentence); Note is the same in English.
	Say  Phrase
	Note string
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
			failure, failed, err := lastProductFailure(tx, c.ID, productID)
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
			case failed:
				l.State, l.Say = ProductFailed, failure
			case bound && changed:
				l.State, l.Say = ProductPending, say("link.changed")
			case bound:
				l.State = ProductLinked
			case p.Archived:
				l.State, l.Say = ProductAbsent, say("link.archived")
			case c.PushProducts:
				l.State, l.Say = ProductPending, say("link.will_create")
			default:
				l.State, l.Say = ProductAbsent, say("link.no_push")
			}
			if l.State != ProductLinked {
				l.Note = l.Say.English()
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

// lastProductFailure is the sentence of the connection's newest log entry about the product, when
// that entry is an error: a later success (an update or creation logged as info) clears it. An
// entry written before the log kept its sentences' codes is its English message.
func lastProductFailure(tx *storage.Tx, connID, productID int64) (Phrase, bool, error) {
	var level, msg, code, args string
	err := tx.QueryRow(`SELECT level, message, code, args FROM sync_log INDEXED BY sync_log_doc WHERE doc_type = 'product' AND doc_id = ?
		AND connection_id = ? AND kind = 'product' ORDER BY id DESC LIMIT 1`, productID, connID).Scan(&level, &msg, &code, &args)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && level != string(Error)) {
		return Phrase{}, false, nil
	}
	if err != nil {
		return Phrase{}, false, err
	}
	p := Phrase{Code: code}
	if code == "" || (args != "" && json.Unmarshal([]byte(args), &p.Args) != nil) {
		p = words(msg)
	}
	return p, true, nil
}
