package core

import (
	"errors"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"mizan/storage"
)

// pullProducts brings the store's product changes into the books. A product that cannot be
// brought in (the platform could not read it, or the books refuse it: a negative price, a SKU two
// store variants share) is logged, queued for retry, and holds the watermark back, so the next
// run reads it again; the run goes on with the others. Only a read that reached the end of the
// catalogue sets productsOK.
func (s *syncer) pullProducts() error {
	since, err := s.watermark("products")
	if err != nil {
		return err
	}
	if s.req.FullProducts {
		since = timeZero
	}
	if err := s.loadProductRetries(); err != nil {
		return err
	}
	var newest = since
	hold := maxTime // the watermark may not pass a product that failed
	done := 0
	err = s.store.Products(s.ctx, since, func(page []StoreProduct) error {
		for _, sp := range page {
			if err := s.ctx.Err(); err != nil {
				return err
			}
			err := s.importProduct(sp)
			if err != nil {
				if fatal(err) {
					return err
				}
				s.failProduct(sp, err)
				at := sp.UpdatedAt
				if at.IsZero() || at.Before(since) {
					at = since
				}
				if at.Before(hold) {
					hold = at
				}
			} else if s.productsFailed[sp.ExternalID] {
				if err := s.update(func(tx *storage.Tx) error { return clearRetry(tx, s.conn.ID, "product", sp.ExternalID) }); err != nil {
					return err
				}
				delete(s.productsFailed, sp.ExternalID)
			}
			if sp.UpdatedAt.After(newest) {
				newest = sp.UpdatedAt
			}
			done++
		}
		s.progress("products", done, 0)
		return nil
	})
	if err != nil {
		return sayErr("product.read_failed", err)
	}
	s.productsOK = true
	until := s.seenUntil(newest)
	if hold.Before(until) {
		// The next read starts an overlap before the watermark: at the failed product's change
		// time, it is read again.
		until = hold
	}
	return s.setWatermark("products", until)
}

// loadProductRetries notes the store products an earlier run could not bring into the books.
func (s *syncer) loadProductRetries() error {
	return s.e.db.View(s.ctx, func(tx *storage.Tx) error {
		rows, err := tx.Query(`SELECT external_id FROM sync_retries WHERE connection_id = ? AND kind = 'product'`, s.conn.ID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			s.productsFailed[id] = true
		}
		return rows.Err()
	})
}

// failProduct logs why a store product could not be brought into the books and queues it for
// retry: the products watermark stays before it, and Retry in the log syncs again.
func (s *syncer) failProduct(sp StoreProduct, err error) {
	s.productsFailed[sp.ExternalID] = true
	ref := productRef(sp)
	if ref == "" {
		ref = sp.ExternalID
	}
	msg := say("product.failed", ref, err)
	uerr := s.e.db.Update(s.ctx, func(tx *storage.Tx) error {
		if err := queueRetry(tx, s.conn.ID, "product", sp.ExternalID, ref, msg.English()); err != nil {
			return err
		}
		return s.run.add(tx, LogEntry{Level: Error, Kind: "product", Say: msg, StoreRef: ref, ExternalID: sp.ExternalID})
	})
	if uerr != nil {
		s.e.log.Error("record failed product", "product", ref, "err", uerr)
	}
}

func productRef(sp StoreProduct) string {
	if sp.SKU != "" {
		return sp.SKU
	}
	return sp.Name
}

// importProduct binds a store product to a local one (binding, then exact code = SKU, then exact
// barcode; never by name) or creates it locally, and settles changed fields by ownership.
func (s *syncer) importProduct(sp StoreProduct) error {
	if sp.Unreadable != "" {
		return sayErr("product.unreadable", sp.Unreadable)
	}
	sp.Name, sp.SKU, sp.Barcode, sp.Category = strings.TrimSpace(sp.Name), strings.TrimSpace(sp.SKU),
		strings.TrimSpace(sp.Barcode), strings.TrimSpace(sp.Category)
	var push FieldSet
	var pushTo binding
	err := s.update(func(tx *storage.Tx) error {
		b, found, err := findBinding(tx, s.conn.ID, "product", sp.ExternalID)
		if err != nil {
			return err
		}
		if found {
			push, pushTo, err = s.settleProduct(tx, b, sp)
			return err
		}
		local, how, err := matchProduct(tx, s.conn.ID, sp.SKU, sp.Barcode)
		if err != nil {
			return err
		}
		if local != nil {
			push, pushTo, err = s.linkProduct(tx, *local, how, sp)
			return err
		}
		return s.createLocalProduct(tx, sp)
	})
	if err != nil || len(push) == 0 {
		return err
	}
	return s.pushFields(pushTo, push)
}

var errAlreadyBound = errors.New("already bound")

// matchProduct finds an unbound local product by exact code, then exact barcode.
func matchProduct(tx *storage.Tx, connID int64, sku, barcode string) (*storage.Product, string, error) {
	try := func(p storage.Product, err error) (*storage.Product, string, error) {
		how := "code"
		if sku == "" || p.Code != sku {
			how = "barcode"
		}
		if errors.Is(err, storage.ErrNotFound) {
			return nil, "", nil
		}
		if err != nil {
			return nil, "", err
		}
		if other, bound, err := bindingOfLocal(tx, connID, "product", p.ID); err != nil {
			return nil, "", err
		} else if bound {
			return nil, "", fmt.Errorf("%w: the books' product %s (%s) is already linked to another store variant (%s): two store variants share this %s",
				errAlreadyBound, p.Code, p.Name, other.ExternalID, how)
		}
		return &p, how, nil
	}
	if sku != "" {
		if p, how, err := try(tx.ProductByCode(sku)); p != nil || err != nil {
			return p, how, err
		}
	}
	if barcode != "" {
		return try(tx.ProductByBarcode(barcode))
	}
	return nil, "", nil
}

func (s *syncer) createLocalProduct(tx *storage.Tx, sp StoreProduct) error {
	f := sp.Fields()
	if f.Code == "" {
		f.Code = generatedCode(s.conn.Platform, sp.ExternalID)
	}
	if !sp.HasCost {
		f.PurchasePrice = decimal.Zero
	}
	p, err := tx.CreateProduct(applyFields(storage.Product{}, f))
	var dropped string // a barcode left out
	if err != nil && f.Barcode != "" && storage.InvalidField(err) == "barcode" {
		// The barcode belongs to a product whose code differs: keep the product, drop the barcode.
		dropped = f.Barcode
		f.Barcode = ""
		p, err = tx.CreateProduct(applyFields(storage.Product{}, f))
	}
	if err != nil {
		return err
	}
	msg := say("product.imported", p.Code, p.Name)
	if dropped != "" {
		msg = say("product.imported_barcode", p.Code, p.Name, dropped)
	}
	docType, docID := "product", p.ID
	if sp.TracksStock && sp.Quantity.IsPositive() {
		note := say("note.store_quantity", p.Code, s.conn.Name)
		r, err := tx.PostRequisition(storage.Requisition{Kind: storage.Inbound, WarehouseID: s.conn.WarehouseID, ConnectionID: s.conn.ID,
			Note: note.English(), NoteWords: noteWords(note), Lines: []storage.RequisitionLine{{ProductID: p.ID, Quantity: sp.Quantity}}})
		if err != nil {
			return err
		}
		msg = say("product.imported_stock", p.Code, p.Name, sp.Quantity, r.Number)
		if dropped != "" {
			msg = say("product.imported_barcode_stock", p.Code, p.Name, dropped, sp.Quantity, r.Number)
		}
	}
	snap := storeSnapshot{Fields: sp.Fields(), Tracked: sp.TracksStock, NoCost: !sp.HasCost}
	if err := bind(tx, s.conn.ID, binding{Kind: "product", ExternalID: sp.ExternalID, LocalID: p.ID, ParentID: sp.ProductID,
		StockRef: sp.StockRef, Store: mustJSON(snap), Books: mustJSON(booksFieldsOf(p)), Origin: "store"}); err != nil {
		return err
	}
	s.run.count(func(c *Counts) { c.ProductsCreated++ })
	return s.run.add(tx, LogEntry{Level: Info, Kind: "product", Say: msg, StoreRef: productRef(sp),
		ExternalID: sp.ExternalID, DocType: docType, DocID: docID})
}

// generatedCode names a store product that has no SKU.
func generatedCode(platform, externalID string) string {
	id := externalID
	if i := strings.LastIndex(id, "/"); i >= 0 {
		id = id[i+1:]
	}
	return strings.ToUpper(platform) + "-" + id
}

// linkProduct binds an existing local product to a store product met for the first time. Fields
// that differ are settled by ownership; an empty value never overwrites a filled one.
func (s *syncer) linkProduct(tx *storage.Tx, p storage.Product, how string, sp StoreProduct) (FieldSet, binding, error) {
	books := booksFieldsOf(p)
	storeF := sp.Fields()
	if !sp.HasCost {
		storeF.PurchasePrice = books.PurchasePrice
	}
	newBooks, push := books, FieldSet{}
	var taken []string
	for _, f := range syncedFields {
		if fieldsEqual(f, books, storeF) {
			continue
		}
		storeEmpty, booksEmpty := fieldValue(f, storeF) == "" || fieldValue(f, storeF) == "0", fieldValue(f, books) == "" || fieldValue(f, books) == "0"
		switch {
		case booksEmpty && !storeEmpty:
			// The books have no value (a cost never entered is unknown, not zero): whoever owns
			// the field, the store's value is taken rather than overwritten by nothing.
			setField(f, &newBooks, storeF)
			taken = append(taken, string(f))
		case storeEmpty && !booksEmpty:
			if s.conn.pushAllowed(f) {
				push[f] = true
			}
		case s.conn.Owner(f) == OwnerStore:
			setField(f, &newBooks, storeF)
			taken = append(taken, string(f))
		case s.conn.pushAllowed(f):
			push[f] = true
		}
	}
	if len(taken) > 0 {
		var err error
		if p, err = tx.UpdateProduct(applyFields(p, newBooks)); err != nil {
			return nil, binding{}, err
		}
	}
	b := binding{Kind: "product", ExternalID: sp.ExternalID, LocalID: p.ID, ParentID: sp.ProductID, StockRef: sp.StockRef,
		Store: mustJSON(storeSnapshot{Fields: storeF, Tracked: sp.TracksStock, NoCost: !sp.HasCost}), Books: mustJSON(booksFieldsOf(p)), Origin: "linked"}
	if err := bind(tx, s.conn.ID, b); err != nil {
		return nil, b, err
	}
	by := say("product.by_" + how)
	if how == "" {
		by = say("product.by_hand")
	}
	msg := say("product.linked", p.Code, p.Name, by)
	if len(taken) > 0 {
		fields := make([]Phrase, len(taken))
		for i, f := range taken {
			fields[i] = fieldWord(Field(f))
		}
		msg = say("product.linked_took", p.Code, p.Name, by, listOf("comma", fields))
	}
	s.run.count(func(c *Counts) { c.ProductsLinked++ })
	return push, b, s.run.add(tx, LogEntry{Level: Info, Kind: "product", Say: msg, StoreRef: productRef(sp),
		ExternalID: sp.ExternalID, DocType: "product", DocID: p.ID})
}

// settleProduct compares a bound product's store and books values with what they were at the
// last sync. A change on one side travels if ownership allows; a change on both is settled by
// ownership and logged. It returns the fields to push to the store.
func (s *syncer) settleProduct(tx *storage.Tx, b binding, sp StoreProduct) (FieldSet, binding, error) {
	p, err := tx.Product(b.LocalID)
	if err != nil {
		return nil, b, err
	}
	lastStore, lastBooks := b.storeSnapshot().Fields, b.booksFields()
	storeNow, booksNow := sp.Fields(), booksFieldsOf(p)
	if !sp.HasCost {
		storeNow.PurchasePrice = lastStore.PurchasePrice
	}
	newBooks, push := booksNow, FieldSet{}
	var pulled, conflicts []Phrase
	if b.storeSnapshot().FromLine {
		// The first read of a product the books made from an order line: what the books still
		// hold as made is a guess and gives way to the store's values (a cost the store does not
		// expose stays unknown); what the merchant has changed since is the books' and travels.
		if !sp.HasCost {
			storeNow.PurchasePrice = booksNow.PurchasePrice
		}
		for _, f := range syncedFields {
			switch {
			case fieldsEqual(f, storeNow, booksNow):
			case !fieldsEqual(f, booksNow, lastBooks):
				if s.conn.pushAllowed(f) {
					push[f] = true
				}
			default:
				setField(f, &newBooks, storeNow)
				pulled = append(pulled, say("field.changed", fieldWord(f), fieldValue(f, booksNow), fieldValue(f, storeNow)))
			}
		}
		lastStore, lastBooks = storeNow, booksNow // settled above: nothing below sees a change
	} else if b.storeSnapshot().NoCost && sp.HasCost {
		// The store shows a cost for the first time: it is met as at a first link. An empty
		// value never overwrites a filled one; two different values are settled by ownership.
		bc, sc := booksNow.PurchasePrice, storeNow.PurchasePrice
		switch {
		case bc.Equal(sc):
		case bc.IsZero() || (!sc.IsZero() && s.conn.Owner(FieldPurchasePrice) == OwnerStore):
			setField(FieldPurchasePrice, &newBooks, storeNow)
			pulled = append(pulled, say("field.changed", fieldWord(FieldPurchasePrice), bc, sc))
		case s.conn.pushAllowed(FieldPurchasePrice):
			push[FieldPurchasePrice] = true
		}
		lastStore.PurchasePrice, lastBooks.PurchasePrice = sc, bc
	}
	for _, f := range syncedFields {
		storeChanged := !fieldsEqual(f, storeNow, lastStore)
		booksChanged := !fieldsEqual(f, booksNow, lastBooks)
		switch {
		case !storeChanged:
			if booksChanged && s.conn.pushAllowed(f) {
				push[f] = true
			}
		case booksChanged && !fieldsEqual(f, storeNow, booksNow):
			kept := "field.kept_books"
			if s.conn.Owner(f) == OwnerStore {
				kept = "field.kept_store"
				setField(f, &newBooks, storeNow)
			} else {
				push[f] = true
			}
			conflicts = append(conflicts, say(kept, fieldWord(f), fieldValue(f, storeNow), fieldValue(f, booksNow)))
		case booksChanged: // both sides made the same change
		case s.conn.pullAllowed(f):
			setField(f, &newBooks, storeNow)
			pulled = append(pulled, say("field.changed", fieldWord(f), fieldValue(f, booksNow), fieldValue(f, storeNow)))
		default:
			push[f] = true // the books own it: the store's edit is undone
			conflicts = append(conflicts, say("field.set_back", fieldWord(f), fieldValue(f, storeNow), fieldValue(f, booksNow)))
		}
	}
	if len(pulled) > 0 || len(conflicts) > 0 {
		if newBooks != booksNow {
			if p, err = tx.UpdateProduct(applyFields(p, newBooks)); err != nil {
				return nil, b, err
			}
		}
	}
	b.StockRef, b.ParentID = sp.StockRef, sp.ProductID
	snap := b.storeSnapshot()
	snap.Fields, snap.Tracked, snap.FromLine, snap.NoCost = storeNow, sp.TracksStock, false, !sp.HasCost
	b.Store, b.Books = mustJSON(snap), mustJSON(booksFieldsOf(p))
	if err := saveBinding(tx, s.conn.ID, b); err != nil {
		return nil, b, err
	}
	if len(pulled) > 0 {
		s.run.count(func(c *Counts) { c.ProductsUpdated++ })
		if err := s.run.add(tx, LogEntry{Level: Info, Kind: "product", Say: say("product.pulled", p.Code, listOf("semicolon", pulled)), StoreRef: productRef(sp), ExternalID: sp.ExternalID, DocType: "product", DocID: p.ID}); err != nil {
			return nil, b, err
		}
	}
	if len(conflicts) > 0 {
		if err := s.run.add(tx, LogEntry{Level: Warning, Kind: "product", Say: say("product.conflicts", p.Code, listOf("semicolon", conflicts)), StoreRef: productRef(sp), ExternalID: sp.ExternalID, DocType: "product", DocID: p.ID}); err != nil {
			return nil, b, err
		}
	}
	return push, b, nil
}

// pushFields writes the books' values of the given fields to the store and records what the
// store then has, so the change is not read back as a store edit.
func (s *syncer) pushFields(b binding, fields FieldSet) error {
	var p storage.Product
	if err := s.e.db.View(s.ctx, func(tx *storage.Tx) error {
		var err error
		p, err = tx.Product(b.LocalID)
		return err
	}); err != nil {
		return err
	}
	ref := StoreProduct{ExternalID: b.ExternalID, ProductID: b.ParentID, StockRef: b.StockRef}
	got, err := s.store.UpdateProduct(s.ctx, ref, booksFieldsOf(p), fields)
	if err != nil {
		return sayErr("product.push_failed", p.Code, err)
	}
	var names []Phrase
	for _, f := range syncedFields {
		if fields[f] {
			names = append(names, fieldWord(f))
		}
	}
	return s.update(func(tx *storage.Tx) error {
		cur, found, err := findBinding(tx, s.conn.ID, "product", b.ExternalID)
		if err != nil || !found {
			return err
		}
		snap := cur.storeSnapshot()
		snap.Fields, snap.NoCost = got.Fields(), !got.HasCost
		if !got.HasCost {
			snap.Fields.PurchasePrice = p.PurchasePrice
		}
		cur.Store, cur.Books = mustJSON(snap), mustJSON(booksFieldsOf(p))
		if err := saveBinding(tx, s.conn.ID, cur); err != nil {
			return err
		}
		s.run.count(func(c *Counts) { c.StoreUpdated++ })
		return s.run.add(tx, LogEntry{Level: Info, Kind: "product", Say: say("product.pushed", p.Code, listOf("comma", names)), StoreRef: p.Code, ExternalID: b.ExternalID, DocType: "product", DocID: p.ID})
	})
}

// pushProducts sends local product edits to the store and, when the connection pushes products,
// creates in the store the local products it lacks.
func (s *syncer) pushProducts() error {
	type change struct {
		b      binding
		fields FieldSet
	}
	var changes []change
	var missing []storage.Product
	err := s.e.db.View(s.ctx, func(tx *storage.Tx) error {
		rows, err := tx.Query(`SELECT `+bindingCols+` FROM sync_bindings WHERE connection_id = ? AND kind = 'product'`, s.conn.ID)
		if err != nil {
			return err
		}
		var bs []binding
		for rows.Next() {
			b, err := scanBinding(rows)
			if err != nil {
				rows.Close()
				return err
			}
			bs = append(bs, b)
		}
		rows.Close()
		for _, b := range bs {
			p, err := tx.Product(b.LocalID)
			if err != nil {
				return err
			}
			now, last := booksFieldsOf(p), b.booksFields()
			fs := FieldSet{}
			for _, f := range syncedFields {
				if !fieldsEqual(f, now, last) && s.conn.pushAllowed(f) {
					fs[f] = true
				}
			}
			if len(fs) > 0 {
				changes = append(changes, change{b, fs})
			}
		}
		if !s.conn.PushProducts {
			return nil
		}
		// An archived product is not created in a store.
		prows, err := tx.Query(`SELECT p.id FROM products p WHERE p.archived_at IS NULL AND NOT EXISTS (SELECT 1 FROM sync_bindings b
			WHERE b.connection_id = ? AND b.kind = 'product' AND b.local_id = p.id) ORDER BY p.id`, s.conn.ID)
		if err != nil {
			return err
		}
		var ids []int64
		for prows.Next() {
			var id int64
			if err := prows.Scan(&id); err != nil {
				prows.Close()
				return err
			}
			ids = append(ids, id)
		}
		prows.Close()
		for _, id := range ids {
			p, err := tx.Product(id)
			if err != nil {
				return err
			}
			missing = append(missing, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(missing) > 0 && !s.productsOK {
		// The store may have them (a read that failed could not say): creating them now could
		// make a second copy, or bind them to store values the books never settled with.
		s.run.note(LogEntry{Level: Warning, Kind: "product", Say: say("product.not_created_yet", len(missing))})
		missing = nil
	}
	total := len(changes) + len(missing)
	for i, c := range changes {
		if err := s.pushFields(c.b, c.fields); err != nil {
			if fatal(err) {
				return err
			}
			s.itemErr("product", c.b.ExternalID, c.b.ExternalID, err)
		}
		s.progress("push products", i+1, total)
	}
	for i, p := range missing {
		if err := s.createStoreProduct(p); err != nil {
			if fatal(err) {
				return err
			}
			s.run.note(LogEntry{Level: Error, Kind: "product", Say: say("product.create_failed", p.Code, err),
				StoreRef: p.Code, DocType: "product", DocID: p.ID})
		}
		s.progress("push products", len(changes)+i+1, total)
	}
	return nil
}

func (s *syncer) createStoreProduct(p storage.Product) error {
	sp, err := s.store.CreateProduct(s.ctx, booksFieldsOf(p))
	if err != nil {
		return err
	}
	return s.update(func(tx *storage.Tx) error {
		if _, found, err := findBinding(tx, s.conn.ID, "product", sp.ExternalID); err != nil || found {
			return err // already bound (the store had it): nothing to add
		}
		storeF := sp.Fields()
		if !sp.HasCost {
			storeF.PurchasePrice = p.PurchasePrice
		}
		if err := bind(tx, s.conn.ID, binding{Kind: "product", ExternalID: sp.ExternalID, LocalID: p.ID, ParentID: sp.ProductID,
			StockRef: sp.StockRef, Store: mustJSON(storeSnapshot{Fields: storeF, Tracked: sp.TracksStock, NoCost: !sp.HasCost}),
			Books: mustJSON(booksFieldsOf(p)), Origin: "books"}); err != nil {
			return err
		}
		s.run.count(func(c *Counts) { c.StoreCreated++ })
		return s.run.add(tx, LogEntry{Level: Info, Kind: "product", Say: say("product.created", p.Code, p.Name),
			StoreRef: p.Code, ExternalID: sp.ExternalID, DocType: "product", DocID: p.ID})
	})
}
