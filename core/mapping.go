package core

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"mizan/storage"
)

// TriggerMapping marks the runs that record a change made by hand in Product mapping (a link, an
// unlink, an import or a push of one product), so the Sync log shows who did what.
const TriggerMapping Trigger = "product mapping"

// LinkState says how a store product and a local product stand with each other.
type LinkState string

// Link states.
const (
	LinkLinked    LinkState = "linked"     // bound: the two sync with each other
	LinkStoreOnly LinkState = "store only" // a store product bound to nothing in the books
	LinkLocalOnly LinkState = "local only" // a product of the books bound to nothing in the store
	LinkConflict  LinkState = "conflict"   // needs the merchant: see the row's Note
)

// MappingRow is one line of Product mapping: a store product, a local product, or both.
type MappingRow struct {
	State    LinkState
	Store    StoreProduct // meaningful when HasStore
	HasStore bool
	Local    storage.Product // meaningful when HasLocal
	HasLocal bool
	// Match is the unbound local product a store-only product has the same code or barcode as:
	// the next sync links the two.
	Match int64
	// Note explains a conflict, or what the next sync will do with the row; Say is the same in
	// words a window translates.
	Note string
	Say  Phrase
}

// Mapping lists a connection's store products beside the books' products with their link state.
// It reads the store's whole catalogue.
func (e *Engine) Mapping(ctx context.Context, connID int64) ([]MappingRow, error) {
	conn, err := e.Connection(ctx, connID)
	if err != nil {
		return nil, err
	}
	st, _, err := e.openStore(conn)
	if err != nil {
		return nil, err
	}
	var storeProducts []StoreProduct
	if err := st.Products(ctx, timeZero, func(page []StoreProduct) error {
		storeProducts = append(storeProducts, page...)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("read the products of %s: %w", conn.Name, err)
	}
	var bindings []binding
	if err := e.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		bindings, err = productBindings(tx, connID)
		return err
	}); err != nil {
		return nil, fmt.Errorf("read the product links of %s: %w", conn.Name, err)
	}
	locals, err := e.db.Products(ctx)
	if err != nil {
		return nil, err
	}
	return buildMapping(conn, storeProducts, bindings, locals), nil
}

func productBindings(tx *storage.Tx, connID int64) ([]binding, error) {
	rows, err := tx.Query(`SELECT `+bindingCols+` FROM sync_bindings WHERE connection_id = ? AND kind = 'product'`, connID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []binding
	for rows.Next() {
		b, err := scanBinding(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

func buildMapping(conn Connection, storeProducts []StoreProduct, bindings []binding, locals []storage.Product) []MappingRow {
	byExt := map[string]binding{}
	boundLocal := map[int64]string{}
	for _, b := range bindings {
		byExt[b.ExternalID] = b
		boundLocal[b.LocalID] = b.ExternalID
	}
	byID := map[int64]storage.Product{}
	byCode := map[string]storage.Product{}
	byBarcode := map[string]storage.Product{}
	for _, p := range locals {
		byID[p.ID] = p
		byCode[p.Code] = p
		if p.Barcode != "" {
			byBarcode[p.Barcode] = p
		}
	}
	seenStore := map[string]bool{}
	var out []MappingRow
	for _, sp := range storeProducts {
		seenStore[sp.ExternalID] = true
		row := MappingRow{Store: sp, HasStore: true}
		if b, ok := byExt[sp.ExternalID]; ok {
			p, found := byID[b.LocalID]
			row.Local, row.HasLocal = p, found
			switch {
			case !found:
				row.State = LinkConflict
				row.Say = say("mapping.local_gone")
			default:
				row.State = LinkLinked
				if clash, ok := bothChanged(conn, b, sp, p); ok {
					row.State, row.Say = LinkConflict, clash
				}
			}
			out = append(out, row)
			continue
		}
		row.State = LinkStoreOnly
		sku, barcode := strings.TrimSpace(sp.SKU), strings.TrimSpace(sp.Barcode)
		var match storage.Product
		var how Field
		if p, ok := byCode[sku]; ok && sku != "" {
			match, how = p, FieldCode
		} else if p, ok := byBarcode[barcode]; ok && barcode != "" {
			match, how = p, FieldBarcode
		}
		if match.ID != 0 {
			if other, bound := boundLocal[match.ID]; bound {
				row.State = LinkConflict
				row.Say = say("mapping.same_as_linked", fieldWord(how), match.Code, other)
			} else {
				row.Match = match.ID
				row.Say = say("mapping.will_link", match.Code, fieldWord(how))
			}
		} else {
			row.Say = say("mapping.will_import")
		}
		out = append(out, row)
	}
	for _, b := range bindings {
		if seenStore[b.ExternalID] {
			continue
		}
		p, found := byID[b.LocalID]
		if !found {
			continue
		}
		out = append(out, MappingRow{State: LinkConflict, Local: p, HasLocal: true, Store: StoreProduct{ExternalID: b.ExternalID},
			Say: say("mapping.store_gone", b.ExternalID)})
	}
	for _, p := range locals {
		if _, bound := boundLocal[p.ID]; bound {
			continue
		}
		row := MappingRow{State: LinkLocalOnly, Local: p, HasLocal: true}
		if p.Archived {
			row.Say = say("link.archived")
		} else if conn.PushProducts {
			row.Say = say("link.will_create")
		} else {
			row.Say = say("mapping.no_push")
		}
		out = append(out, row)
	}
	for i := range out {
		if out[i].Say.Code != "" {
			out[i].Note = out[i].Say.English()
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return mappingKey(out[i]) < mappingKey(out[j]) })
	return out
}

func mappingKey(r MappingRow) string {
	if r.HasLocal {
		return strings.ToLower(r.Local.Code)
	}
	return strings.ToLower(productRef(r.Store))
}

// bothChanged describes the fields of a linked product that changed on both sides since the last
// sync, to different values ("" when none did).
func bothChanged(conn Connection, b binding, sp StoreProduct, p storage.Product) (Phrase, bool) {
	lastStore, lastBooks := b.storeSnapshot().Fields, b.booksFields()
	storeNow, booksNow := sp.Fields(), booksFieldsOf(p)
	if !sp.HasCost {
		storeNow.PurchasePrice = lastStore.PurchasePrice
	}
	var parts []Phrase
	for _, f := range syncedFields {
		if !fieldsEqual(f, storeNow, lastStore) && !fieldsEqual(f, booksNow, lastBooks) && !fieldsEqual(f, storeNow, booksNow) {
			keeps := "mapping.keeps_books"
			if conn.Owner(f) == OwnerStore {
				keeps = "mapping.keeps_store"
			}
			parts = append(parts, say(keeps, fieldWord(f), fieldValue(f, storeNow), fieldValue(f, booksNow)))
		}
	}
	if len(parts) == 0 {
		return Phrase{}, false
	}
	return say("mapping.both_changed", listOf("semicolon", parts)), true
}

// mappingRun claims the connection (no sync may run meanwhile), checks the request against the
// books, then records the change as a run of its own.
func (e *Engine) mappingRun(ctx context.Context, connID int64, check func(tx *storage.Tx) error, act func(s *syncer) error) (RunSummary, error) {
	ctx, release, err := e.claim(ctx, connID)
	if err != nil {
		return RunSummary{}, err
	}
	defer release()
	conn, err := e.Connection(ctx, connID)
	if err != nil {
		return RunSummary{}, err
	}
	if err := e.db.View(ctx, check); err != nil {
		return RunSummary{}, err
	}
	run, err := e.startRun(ctx, conn, TriggerMapping)
	if err != nil {
		return RunSummary{}, err
	}
	s := &syncer{e: e, conn: conn, run: run, req: SyncRequest{Trigger: TriggerMapping}, ctx: ctx,
		reads: map[string]stockRead{}, ordersDone: map[string]bool{}}
	actErr := func() error {
		st, _, err := e.openStore(conn)
		if err != nil {
			return err
		}
		s.store = st
		return act(s)
	}()
	return run.finish(actErr)
}

var errFound = errors.New("found")

// findStoreProduct reads the store's catalogue until it meets the variant.
func (s *syncer) findStoreProduct(externalID string) (StoreProduct, error) {
	var found StoreProduct
	err := s.store.Products(s.ctx, timeZero, func(page []StoreProduct) error {
		for _, sp := range page {
			if sp.ExternalID == externalID {
				found = sp
				return errFound
			}
		}
		return nil
	})
	if errors.Is(err, errFound) {
		return found, nil
	}
	if err != nil {
		return found, fmt.Errorf("read the store's products: %w", err)
	}
	return found, fmt.Errorf("store product %s: %w", externalID, ErrNotFound)
}

func checkStoreUnbound(tx *storage.Tx, connID int64, externalID string) error {
	if _, found, err := findBinding(tx, connID, "product", externalID); err != nil {
		return err
	} else if found {
		return invalid("store product %s is already linked: unlink it first", externalID)
	}
	return nil
}

func checkLocalUnbound(tx *storage.Tx, connID, productID int64) error {
	p, err := tx.Product(productID)
	if err != nil {
		return err
	}
	if other, bound, err := bindingOfLocal(tx, connID, "product", productID); err != nil {
		return err
	} else if bound {
		return invalid("%s (%s) is already linked to store product %s: unlink it first", p.Code, p.Name, other.ExternalID)
	}
	return nil
}

// Link binds a store product to a product of the books by hand. Fields that differ are settled as
// a sync settles a product it links by code: by each field's owner, an empty value never
// overwriting a filled one; what the books win is written to the store at once.
func (e *Engine) Link(ctx context.Context, connID int64, externalID string, productID int64) (RunSummary, error) {
	return e.mappingRun(ctx, connID, func(tx *storage.Tx) error {
		if err := checkStoreUnbound(tx, connID, externalID); err != nil {
			return err
		}
		return checkLocalUnbound(tx, connID, productID)
	}, func(s *syncer) error {
		sp, err := s.findStoreProduct(externalID)
		if err != nil {
			return err
		}
		var push FieldSet
		var b binding
		if err := s.update(func(tx *storage.Tx) error {
			p, err := tx.Product(productID)
			if err != nil {
				return err
			}
			push, b, err = s.linkProduct(tx, p, "", sp)
			return err
		}); err != nil {
			return err
		}
		if len(push) == 0 {
			return nil
		}
		return s.pushFields(b, push)
	})
}

// Unlink removes the binding of a store product. Both products stay as they are. A store product
// and a local product with the same code or barcode are linked again by the next sync that meets
// them: change the code on one side to keep them apart.
func (e *Engine) Unlink(ctx context.Context, connID int64, externalID string) (RunSummary, error) {
	return e.mappingRun(ctx, connID, func(tx *storage.Tx) error {
		if _, found, err := findBinding(tx, connID, "product", externalID); err != nil {
			return err
		} else if !found {
			return invalid("store product %s is not linked", externalID)
		}
		return nil
	}, func(s *syncer) error {
		return s.update(func(tx *storage.Tx) error {
			b, found, err := findBinding(tx, connID, "product", externalID)
			if err != nil || !found {
				return err
			}
			ref := externalID
			if snap := b.storeSnapshot(); snap.Fields.Code != "" {
				ref = snap.Fields.Code
			}
			if err := unbind(tx, connID, "product", externalID); err != nil {
				return fmt.Errorf("unlink %s: %w", ref, err)
			}
			if _, err := tx.Exec(`DELETE FROM sync_pushes WHERE connection_id = ? AND external_id = ?`, connID, externalID); err != nil {
				return fmt.Errorf("unlink %s: %w", ref, err)
			}
			msg := say("product.unlinked", ref)
			if p, err := tx.Product(b.LocalID); err == nil {
				msg = say("product.unlinked_named", p.Code, p.Name, ref)
			}
			return s.run.add(tx, LogEntry{Level: Info, Kind: "product", Say: msg, StoreRef: ref, ExternalID: externalID,
				DocType: "product", DocID: b.LocalID})
		})
	})
}

// ImportProduct creates a product in the books from one store product that is linked to nothing,
// with the store's quantity booked into the connection's warehouse.
func (e *Engine) ImportProduct(ctx context.Context, connID int64, externalID string) (RunSummary, error) {
	return e.mappingRun(ctx, connID, func(tx *storage.Tx) error {
		return checkStoreUnbound(tx, connID, externalID)
	}, func(s *syncer) error {
		sp, err := s.findStoreProduct(externalID)
		if err != nil {
			return err
		}
		return s.update(func(tx *storage.Tx) error {
			if err := checkStoreUnbound(tx, connID, externalID); err != nil {
				return err
			}
			return s.createLocalProduct(tx, sp)
		})
	})
}

// PushProduct creates one product of the books in the store. When the store already has a
// variant with its code, the two are linked instead (the store does not get a second one).
func (e *Engine) PushProduct(ctx context.Context, connID int64, productID int64) (RunSummary, error) {
	return e.mappingRun(ctx, connID, func(tx *storage.Tx) error {
		return checkLocalUnbound(tx, connID, productID)
	}, func(s *syncer) error {
		var p storage.Product
		if err := s.e.db.View(s.ctx, func(tx *storage.Tx) error {
			var err error
			p, err = tx.Product(productID)
			return err
		}); err != nil {
			return err
		}
		if err := s.createStoreProduct(p); err != nil {
			return fmt.Errorf("create %s in the store: %w", p.Code, err)
		}
		return s.e.db.View(s.ctx, func(tx *storage.Tx) error {
			if _, bound, err := bindingOfLocal(tx, connID, "product", productID); err != nil {
				return err
			} else if !bound {
				return invalid("the store already has a product with code %s, linked to another product of the books", p.Code)
			}
			return nil
		})
	})
}
