package core

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"mizan/storage"
)

// pullOrders turns store orders changed since the last run, and orders waiting for a retry, into
// invoices and return invoices.
func (s *syncer) pullOrders() error {
	since, err := s.watermark("orders")
	if err != nil {
		return err
	}
	newest := since
	hold := maxTime // the watermark may not pass an unreadable order that has no number to retry by
	done := 0
	err = s.readOrders(since, func(page []StoreOrder) error {
		err := s.postPage(page, func(o StoreOrder) {
			if o.Unreadable != "" && o.Name == "" {
				at := o.UpdatedAt
				if at.IsZero() || at.Before(since) {
					at = since
				}
				if at.Before(hold) {
					hold = at
				}
			}
			if o.UpdatedAt.After(newest) {
				newest = o.UpdatedAt
			}
			done++
		})
		s.progress("orders", done, 0)
		return err
	})
	if err != nil {
		return err
	}
	if err := s.retryOrders(); err != nil {
		return err
	}
	s.ordersOK = true
	if s.skippedOld > 0 {
		s.run.note(LogEntry{Level: Info, Kind: "order", Say: say("order.before_start", s.skippedOld, s.conn.StartDate.Format("2006-01-02"))})
	}
	if !s.productsOK {
		// Orders seen without the catalogue could not all be tied to their products (an order
		// that waits for a state, a line's stock effect): they are read again next run.
		return nil
	}
	until := s.seenUntil(newest)
	if hold.Before(until) {
		until = hold
	}
	return s.setWatermark("orders", until)
}

// retryOrders fetches again the orders that failed on an earlier run.
func (s *syncer) retryOrders() error {
	var refs []string
	err := s.e.db.View(s.ctx, func(tx *storage.Tx) error {
		// Orders, and returns (a refund's or a cancellation's) queued on their own: each is
		// fetched again by its order's number.
		rows, err := tx.Query(`SELECT kind, external_id, store_ref FROM sync_retries WHERE connection_id = ?
			AND kind IN ('order', 'refund', 'cancel', 'payment') ORDER BY updated_at`, s.conn.ID)
		if err != nil {
			return err
		}
		defer rows.Close()
		seen := map[string]bool{}
		for rows.Next() {
			var kind, id, ref string
			if err := rows.Scan(&kind, &id, &ref); err != nil {
				return err
			}
			if (kind == "order" && s.ordersDone[id]) || seen[normalizeNumber(ref)] {
				continue
			}
			seen[normalizeNumber(ref)] = true
			refs = append(refs, ref)
		}
		return rows.Err()
	})
	if err != nil || len(refs) == 0 {
		return err
	}
	for len(refs) > 0 {
		n := min(len(refs), 50)
		if err := s.fetchAndProcess(refs[:n]); err != nil {
			return err
		}
		refs = refs[n:]
	}
	return nil
}

func (s *syncer) fetchAndProcess(numbers []string) error {
	orders, err := s.store.OrdersByNumber(s.ctx, numbers)
	if err != nil {
		return sayErr("order.read_numbers_failed", strings.Join(numbers, ", "), err)
	}
	found := map[string]bool{}
	var todo []StoreOrder
	taken := map[string]bool{}
	for _, o := range orders {
		found[normalizeNumber(o.Name)] = true
		if !s.ordersDone[o.ExternalID] && !taken[o.ExternalID] {
			taken[o.ExternalID] = true
			todo = append(todo, o)
		}
	}
	if err := s.postPage(todo, nil); err != nil {
		return err
	}
	for _, n := range numbers {
		if !found[normalizeNumber(n)] {
			s.run.note(LogEntry{Level: Error, Kind: "order", StoreRef: n, Say: say("order.not_found", n)})
		}
	}
	return nil
}

func normalizeNumber(n string) string { return strings.TrimPrefix(strings.TrimSpace(n), "#") }

// ordersByNumber syncs just the given orders ("Sync orders by number").
func (s *syncer) ordersByNumber(numbers []string) error {
	var clean []string
	seen := map[string]bool{}
	for _, n := range numbers {
		if n = strings.TrimSpace(n); n != "" && !seen[normalizeNumber(n)] {
			seen[normalizeNumber(n)] = true
			clean = append(clean, n)
		}
	}
	s.progress("orders", 0, len(clean))
	for len(clean) > 0 {
		n := min(len(clean), 50)
		if err := s.fetchAndProcess(clean[:n]); err != nil {
			return err
		}
		clean = clean[n:]
	}
	return nil
}

func (s *syncer) invoiceable(o StoreOrder) bool {
	for _, st := range s.conn.InvoiceStates {
		if strings.EqualFold(st, o.Status) {
			return true
		}
	}
	return false
}

// processOrder handles one order. Its own failures are logged and queued for retry; only a fatal
// error (the store or the books unusable) comes back.
func (s *syncer) processOrder(o StoreOrder) error {
	s.ordersDone[o.ExternalID] = true
	if o.Unreadable != "" {
		// Nothing of it can be trusted (its date included): it is queued by its number, and an
		// order without one holds the orders watermark back (see pullOrders).
		s.run.count(func(c *Counts) { c.OrdersSeen++ })
		err := sayErr("order.unreadable", o.Unreadable)
		if o.Name == "" {
			s.note(LogEntry{Level: Error, Kind: "order", ExternalID: o.ExternalID, Say: say("order.unreadable_no_id", o.ExternalID, err)})
			return nil
		}
		s.failOrder(o, err)
		return nil
	}
	if !s.conn.StartDate.IsZero() && o.CreatedAt.Before(s.conn.StartDate) {
		s.skippedOld++
		return nil
	}
	s.run.count(func(c *Counts) { c.OrdersSeen++ })
	var paid map[string]bool // payments the invoice's own transaction took care of
	ob, invoiced, err := s.orderBinding(o.ExternalID)
	if err != nil {
		return err
	}
	if !invoiced {
		if o.Cancelled || !s.invoiceable(o) {
			return s.orderWaits(o)
		}
		if err := s.checkCurrency(o); err != nil {
			s.failOrder(o, err)
			return nil
		}
		var err error
		if ob, invoiced, paid, err = s.postInvoice(o); err != nil || !invoiced {
			return err
		}
	} else if err := s.checkEdits(o, ob); err != nil {
		return err
	}
	for _, r := range o.Refunds {
		if err := s.postRefund(o, ob, r); err != nil {
			return err
		}
	}
	if o.Cancelled {
		if err := s.postCancellation(o, ob); err != nil {
			return err
		}
	}
	return s.postPayments(o, ob, paid)
}

// checkCurrency applies the currency policy: the books keep a connection's invoices in the store's
// own currency (as the store reports it when a sync connects). An order in another currency (a
// multi-currency plugin, a store whose currency was changed) is not invoiced: posting it would
// book foreign amounts as if they were the store's currency, or mix currencies in one client's
// account. It is logged as an error naming both currencies and what the merchant can do, and
// queued for retry like any order that could not be posted, so it holds back no other order and
// is posted by itself if the store's currency comes to match it.
func (s *syncer) checkCurrency(o StoreOrder) error {
	want, got := strings.ToUpper(strings.TrimSpace(s.info.Currency)), strings.ToUpper(strings.TrimSpace(o.Currency))
	if want == "" || got == want {
		return nil
	}
	if got == "" {
		return sayErr("order.currency", say("order.no_currency"), want)
	}
	return sayErr("order.currency", got, want)
}

// orderWaits records an order that is not invoiced (yet): its stock effect in the store still counts.
func (s *syncer) orderWaits(o StoreOrder) error {
	return s.update(func(tx *storage.Tx) error {
		if err := s.recordEvents(tx, o, nil, false); err != nil {
			return err
		}
		msg := say("order.waits", o.Name, o.Status)
		if o.Cancelled {
			msg = say("order.cancelled_early", o.Name)
		}
		return s.run.add(tx, LogEntry{Level: Info, Kind: "order", Say: msg, StoreRef: o.Name, ExternalID: o.ExternalID})
	})
}

// orderLine is what the engine keeps of an invoiced order line, to build its returns.
type orderLine struct {
	ProductID int64           `json:"product_id"`
	Name      string          `json:"name"`
	Quantity  decimal.Decimal `json:"quantity"`
	UnitPrice decimal.Decimal `json:"unit_price"`
	Discount  decimal.Decimal `json:"discount"`
	Tax       decimal.Decimal `json:"tax"`
}

// orderSnapshot is an invoiced order as it was invoiced.
type orderSnapshot struct {
	Lines   map[string]orderLine `json:"lines"`
	Order   []string             `json:"order"` // line ids in order
	Total   decimal.Decimal      `json:"total"`
	Charges []StoreCharge        `json:"charges"`
}

// mismatchError: the order's parts do not add up to the store's total.
type mismatchError struct {
	order       string
	computed    decimal.Decimal
	store       decimal.Decimal
	currency    string
	explanation Phrase
}

func (e *mismatchError) Error() string { return e.phrase().English() }

func (e *mismatchError) phrase() Phrase {
	diff := e.store.Sub(e.computed)
	dir := "order.more"
	if diff.IsNegative() {
		dir, diff = "order.less", diff.Neg()
	}
	return say("order.mismatch", e.order, e.computed.StringFixed(2), e.currency, e.store.StringFixed(2), say(dir, diff.String()), e.explanation)
}

// postInvoice issues an order's sales invoice, with the money received for it in the same
// transaction; it returns the payments it took care of (recorded, or refused and to be logged).
func (s *syncer) postInvoice(o StoreOrder) (binding, bool, map[string]bool, error) {
	var ob binding
	var tried []StorePayment
	var refused []refusedPayment
	err := s.update(func(tx *storage.Tx) error {
		clientID, err := s.resolveClient(tx, o)
		if err != nil {
			return err
		}
		inv := storage.Invoice{BranchID: s.conn.BranchID, WarehouseID: s.conn.WarehouseID, ClientID: clientID,
			Currency: o.Currency, IssueDate: o.CreatedAt, TaxInclusive: o.TaxesIncluded, Discount: o.Discount,
			Source: storage.Source{Connection: s.conn.Name, Platform: s.conn.Platform, ExternalID: o.ExternalID, OrderName: o.Name}}
		snap := orderSnapshot{Lines: map[string]orderLine{}, Total: o.Total, Charges: o.Charges}
		var notes []Phrase
		for _, l := range o.Lines {
			if !l.Quantity.IsPositive() {
				continue
			}
			pid, note, err := s.lineProduct(tx, o, l, true)
			if err != nil {
				return sayErr("order.line_failed", l.Name, err)
			}
			if note != "" {
				notes = append(notes, say("order.created_product", note))
			}
			inv.Lines = append(inv.Lines, storage.InvoiceLine{ProductID: pid, Description: l.Name, Quantity: l.Quantity,
				UnitPrice: l.UnitPrice, Discount: l.Discount, Tax: l.Tax})
			snap.Lines[l.ExternalID] = orderLine{ProductID: pid, Name: l.Name, Quantity: l.Quantity, UnitPrice: l.UnitPrice,
				Discount: l.Discount, Tax: l.Tax}
			snap.Order = append(snap.Order, l.ExternalID)
		}
		for _, c := range o.Charges {
			kind := storage.ChargeFee
			if c.Kind == "shipping" {
				kind = storage.ChargeShipping
			}
			inv.Charges = append(inv.Charges, storage.Charge{Kind: kind, Description: c.Title, Amount: c.Amount, Tax: c.Tax})
		}
		if len(inv.Lines) == 0 {
			return sayInvalid("order.no_lines", o.Name)
		}
		inv.ComputeTotals()
		if !inv.Total.Equal(o.Total) {
			return &mismatchError{order: o.Name, computed: inv.Total, store: o.Total, currency: o.Currency, explanation: explainParts(inv)}
		}
		if inv.StoreDoc, err = s.storeDocument(tx, o.Invoice); err != nil {
			return err
		}
		out, err := tx.IssueSalesInvoice(inv)
		if err != nil {
			return err
		}
		ob = binding{Kind: "order", ExternalID: o.ExternalID, LocalID: out.ID, Store: mustJSON(snap), Books: orderDigest(o)}
		if err := bind(tx, s.conn.ID, ob); err != nil {
			return err
		}
		if _, err := tx.SeePaymentMethod(s.conn.ID, o.PaymentMethod, o.PaymentMethodTitle); err != nil {
			return err // a method the store uses appears in the connection's settings before its money does
		}
		if err := s.recordEvents(tx, o, snap.Lines, true); err != nil {
			return err
		}
		if err := clearRetry(tx, s.conn.ID, "order", o.ExternalID); err != nil {
			return err
		}
		s.run.count(func(c *Counts) { c.Invoices++ })
		msg := say("order.invoiced", out.Number, o.Name, out.Total.StringFixed(2), out.Currency)
		if len(notes) > 0 {
			msg = say("order.invoiced_notes", out.Number, o.Name, out.Total.StringFixed(2), out.Currency, listOf("semicolon", notes))
		}
		if err := s.run.add(tx, LogEntry{Level: Info, Kind: "order", Say: msg, StoreRef: o.Name, ExternalID: o.ExternalID,
			DocType: "sales_invoice", DocID: out.ID}); err != nil {
			return err
		}
		tried, refused, err = s.payInTx(tx, o, ob, nil, false)
		return err
	})
	if err == nil {
		paid := map[string]bool{}
		for _, p := range tried {
			paid[p.ExternalID] = true
		}
		s.failPayments(o, refused)
		return ob, true, paid, nil
	}
	if fatal(err) {
		return ob, false, nil, err
	}
	s.failOrder(o, err)
	return ob, false, nil, nil
}

func isMismatch(err error) bool {
	var m *mismatchError
	return errors.As(err, &m)
}

// failOrder logs why an order could not be posted and queues it for the next run.
func (s *syncer) failOrder(o StoreOrder, err error) {
	msg := errPhrase(err)
	if !isMismatch(err) {
		msg = say("order.not_invoiced", o.Name, err)
	}
	uerr := s.update(func(tx *storage.Tx) error {
		if err := s.recordEvents(tx, o, nil, false); err != nil {
			return err
		}
		if err := queueRetry(tx, s.conn.ID, "order", o.ExternalID, o.Name, msg.English()); err != nil {
			return err
		}
		return s.run.add(tx, LogEntry{Level: Error, Kind: "order", Say: msg, StoreRef: o.Name, ExternalID: o.ExternalID})
	})
	if uerr != nil {
		s.e.log.Error("record failed order", "order", o.Name, "err", uerr)
	}
}

func explainParts(inv storage.Invoice) Phrase {
	return say("order.parts", inv.Subtotal.StringFixed(2), inv.Discount.StringFixed(2), inv.Shipping.StringFixed(2), inv.OtherCharges.StringFixed(2),
		inv.Tax.StringFixed(2), say(map[bool]string{true: "order.tax_included", false: "order.tax_excluded"}[inv.TaxInclusive]))
}

// orderDigest is a fingerprint of what an invoice was made from, to notice later edits.
func orderDigest(o StoreOrder) string {
	var b strings.Builder
	fmt.Fprintf(&b, "total=%s;", o.Total)
	for _, l := range o.Lines {
		fmt.Fprintf(&b, "%s|%s|%s|%s|%s|%s;", l.ExternalID, l.SKU, l.Quantity, l.UnitPrice, l.Discount, l.Tax)
	}
	for _, c := range o.Charges {
		fmt.Fprintf(&b, "%s|%s|%s;", c.Kind, c.Amount, c.Tax)
	}
	return b.String()
}

// checkEdits warns when an invoiced order changed in the store: the invoice is not rewritten.
func (s *syncer) checkEdits(o StoreOrder, ob binding) error {
	digest := orderDigest(o)
	if digest == ob.Books {
		return nil
	}
	var snap orderSnapshot
	if err := json.Unmarshal([]byte(ob.Store), &snap); err != nil {
		return err
	}
	var changes []Phrase
	if !snap.Total.Equal(o.Total) {
		changes = append(changes, say("change.total", snap.Total.StringFixed(2), o.Total.StringFixed(2)))
	}
	seen := map[string]bool{}
	for _, l := range o.Lines {
		seen[l.ExternalID] = true
		old, ok := snap.Lines[l.ExternalID]
		switch {
		case !ok:
			changes = append(changes, say("change.line_added", l.Name, l.Quantity, l.UnitPrice))
		case !old.Quantity.Equal(l.Quantity):
			changes = append(changes, say("change.quantity", l.Name, old.Quantity, l.Quantity))
		case !old.UnitPrice.Equal(l.UnitPrice) || !old.Discount.Equal(l.Discount) || !old.Tax.Equal(l.Tax):
			changes = append(changes, say("change.prices", l.Name, old.UnitPrice, old.Discount, old.Tax, l.UnitPrice, l.Discount, l.Tax))
		}
	}
	for _, id := range snap.Order {
		if !seen[id] {
			changes = append(changes, say("change.line_removed", snap.Lines[id].Name))
		}
	}
	if len(changes) == 0 {
		changes = append(changes, say("change.charges"))
	}
	sort.SliceStable(changes, func(i, j int) bool { return changes[i].English() < changes[j].English() })
	return s.update(func(tx *storage.Tx) error {
		ob.Books = digest
		if err := saveBinding(tx, s.conn.ID, ob); err != nil {
			return err
		}
		inv, err := tx.Invoice(ob.LocalID)
		if err != nil {
			return err
		}
		return s.run.add(tx, LogEntry{Level: Warning, Kind: "order", StoreRef: o.Name, ExternalID: o.ExternalID,
			DocType: "sales_invoice", DocID: ob.LocalID, Say: say("order.changed", o.Name, inv.Number, listOf("semicolon", changes))})
	})
}

// lineProduct resolves an order line to a local product: the variant's binding, then exact code =
// SKU, then exact barcode. With create, a product the books lack is made from the line, with an
// inbound requisition of the line's quantity so the sale does not leave the books short; the
// code of a product so made is returned too.
func (s *syncer) lineProduct(tx *storage.Tx, o StoreOrder, l StoreLine, create bool) (int64, string, error) {
	if l.ProductID != "" {
		if id, found, err := boundID(tx, s.conn.ID, "product", l.ProductID); err != nil || found {
			return id, "", err
		}
	}
	if sku := strings.TrimSpace(l.SKU); sku != "" {
		if p, err := tx.ProductByCode(sku); err == nil {
			return p.ID, "", nil
		} else if !errors.Is(err, storage.ErrNotFound) {
			return 0, "", err
		}
	}
	if bc := strings.TrimSpace(l.Barcode); bc != "" {
		if p, err := tx.ProductByBarcode(bc); err == nil {
			return p.ID, "", nil
		} else if !errors.Is(err, storage.ErrNotFound) {
			return 0, "", err
		}
	}
	if !create {
		return 0, "", nil
	}
	if err := s.catalogueComplete(l); err != nil {
		return 0, "", err
	}
	code := strings.TrimSpace(l.SKU)
	if code == "" {
		ref := l.ProductID
		if ref == "" {
			ref = "LINE-" + l.ExternalID
		}
		code = generatedCode(s.conn.Platform, ref)
	}
	name := strings.TrimSpace(l.Name)
	if name == "" {
		name = code
	}
	p, err := tx.CreateProduct(storage.Product{Code: code, Barcode: strings.TrimSpace(l.Barcode), Name: name, SalePrice: l.UnitPrice})
	if err != nil {
		return 0, "", err
	}
	note := say("note.opening_stock", code, o.Name)
	r, err := tx.PostRequisition(storage.Requisition{Kind: storage.Inbound, WarehouseID: s.conn.WarehouseID, ConnectionID: s.conn.ID,
		Note: note.English(), NoteWords: noteWords(note),
		Lines: []storage.RequisitionLine{{ProductID: p.ID, Quantity: l.Quantity}}})
	if err != nil {
		return 0, "", err
	}
	if l.ProductID != "" {
		if err := bind(tx, s.conn.ID, binding{Kind: "product", ExternalID: l.ProductID, LocalID: p.ID,
			Store: mustJSON(storeSnapshot{Fields: booksFieldsOf(p), Tracked: true, FromLine: true}), Books: mustJSON(booksFieldsOf(p)), Origin: "store"}); err != nil {
			return 0, "", err
		}
	}
	s.run.count(func(c *Counts) { c.ProductsCreated++ })
	if err := s.run.add(tx, LogEntry{Level: Info, Kind: "product", StoreRef: code, ExternalID: l.ProductID, DocType: "product", DocID: p.ID,
		Say: say("product.from_line", code, name, o.Name, r.Number, l.Quantity)}); err != nil {
		return 0, "", err
	}
	return p.ID, code, nil
}

// errCatalogueIncomplete: an order line's product is not in the books, and the store's catalogue
// was not read in full, so the engine cannot tell that the store lacks it.
var errCatalogueIncomplete error = &saidError{p: say("order.catalogue_incomplete")}

// catalogueComplete says whether an order line whose product the books lack may be made from the
// line: only when this run read the store's catalogue to the end and the line's product is not
// one the books failed to bring in (it waits in the retry queue). Otherwise the product may well
// be in the store, and a product made from the line would carry guesses (no cost, the line's
// price) where the store has real values: the order waits for the next sync instead.
func (s *syncer) catalogueComplete(l StoreLine) error {
	ref := strings.TrimSpace(l.SKU)
	if ref == "" {
		ref = l.ProductID
	}
	switch {
	case !s.productsOK:
		return sayErr("order.waits_catalogue", errCatalogueIncomplete, ref)
	case l.ProductID != "" && s.productsFailed[l.ProductID]:
		return sayErr("order.waits_product", errCatalogueIncomplete, ref)
	}
	return nil
}

// resolveClient finds the order's client: the customer's binding, then the same phone, then the
// same email, else a new client. A guest order goes to the connection's default client.
func (s *syncer) resolveClient(tx *storage.Tx, o StoreOrder) (int64, error) {
	c := o.Customer
	if c == nil {
		return s.conn.ClientID, nil
	}
	if id, found, err := boundID(tx, s.conn.ID, "customer", c.ExternalID); err != nil || found {
		return id, err
	}
	phone, email := strings.TrimSpace(c.Phone), strings.TrimSpace(c.Email)
	if phone == "" {
		phone = o.GuestPhone
	}
	if email == "" {
		email = o.GuestEmail
	}
	var id int64
	if cl, err := tx.ClientByPhone(phone); err == nil {
		id = cl.ID
	} else if !errors.Is(err, storage.ErrNotFound) {
		return 0, err
	} else if cl, err := tx.ClientByEmail(email); err == nil {
		id = cl.ID
	} else if !errors.Is(err, storage.ErrNotFound) {
		return 0, err
	}
	if id == 0 {
		name := strings.TrimSpace(c.Name)
		for _, alt := range []string{email, phone, "Customer " + c.ExternalID} {
			if name == "" {
				name = alt
			}
		}
		cl, err := tx.CreateClient(storage.Client{Name: name, Email: email, Phone: phone})
		if err != nil && storage.IsValidation(err) && email != "" {
			cl, err = tx.CreateClient(storage.Client{Name: name, Phone: phone}) // a malformed email is left out
		}
		if err != nil {
			return 0, err
		}
		id = cl.ID
		s.run.count(func(c *Counts) { c.Clients++ })
		if err := s.run.add(tx, LogEntry{Level: Info, Kind: "client", StoreRef: name, ExternalID: c.ExternalID, DocType: "client",
			DocID: cl.ID, Say: say("client.created", name, o.Name)}); err != nil {
			return 0, err
		}
	}
	return id, bind(tx, s.conn.ID, binding{Kind: "customer", ExternalID: c.ExternalID, LocalID: id})
}

// boundKey names a binding in a transaction's memo.
type boundKey struct {
	conn           int64
	kind, external string
}

// boundID is the local record a store object is bound to, read once per transaction: a page of
// orders names the same products and customers again and again. The transaction forgets it if
// a binding is changed or removed, or a savepoint undone (see storage.Memo).
func boundID(tx *storage.Tx, connID int64, kind, externalID string) (int64, bool, error) {
	return storage.Memo(tx, boundKey{connID, kind, externalID}, func() (int64, bool, error) {
		b, found, err := findBinding(tx, connID, kind, externalID)
		return b.LocalID, found, err
	}, "sync_bindings")
}

// recordEvents notes the store-side stock effect of an order and its refunds (once per line).
func (s *syncer) recordEvents(tx *storage.Tx, o StoreOrder, lines map[string]orderLine, posted bool) error {
	pidOf := func(l StoreLine) (int64, error) {
		if ol, ok := lines[l.ExternalID]; ok {
			return ol.ProductID, nil
		}
		pid, _, err := s.lineProduct(tx, o, l, false)
		return pid, err
	}
	byLine := map[string]StoreLine{}
	for _, l := range o.Lines {
		byLine[l.ExternalID] = l
		if !o.StockReduced || !l.Quantity.IsPositive() {
			continue
		}
		pid, err := pidOf(l)
		if err != nil || pid == 0 {
			return err
		}
		if err := s.event(tx, "sale:"+o.ExternalID+":"+l.ExternalID, "order", o.ExternalID, pid, l.Quantity.Neg(), o.CreatedAt, posted); err != nil {
			return err
		}
	}
	for _, r := range o.Refunds {
		refundPosted := false
		if _, found, err := findBinding(tx, s.conn.ID, "refund", r.ExternalID); err != nil {
			return err
		} else if found {
			refundPosted = true
		}
		for _, rl := range r.Lines {
			if !rl.Restock || !rl.Quantity.IsPositive() {
				continue
			}
			pid, err := pidOf(byLine[rl.LineID])
			if err != nil {
				return err
			}
			if pid == 0 {
				continue
			}
			if err := s.event(tx, "restock:"+r.ExternalID+":"+rl.LineID, "refund", r.ExternalID, pid, rl.Quantity, r.CreatedAt, refundPosted); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *syncer) event(tx *storage.Tx, key, docKind, docID string, pid int64, delta decimal.Decimal, at time.Time, posted bool) error {
	baseline, known := s.baselines[pid]
	if !known {
		b, found, err := bindingOfLocal(tx, s.conn.ID, "product", pid)
		if err != nil {
			return err
		}
		if found {
			baseline = b.BaselineAt
		}
		if s.baselines != nil {
			s.baselines[pid] = baseline
		}
	}
	// applied: already in the quantity the store had when stock was first reconciled.
	applied := !baseline.IsZero() && at.Before(baseline)
	_, err := tx.Exec(`INSERT INTO sync_stock_events(connection_id, key, doc_kind, doc_id, product_id, delta, store_at, posted, applied)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(connection_id, key) DO UPDATE SET posted = MAX(posted, excluded.posted)`,
		s.conn.ID, key, docKind, docID, pid, delta.String(), fmtTime(at), posted, applied)
	return err
}

func markPosted(tx *storage.Tx, connID int64, docKind, docID string) error {
	_, err := tx.Exec(`UPDATE sync_stock_events INDEXED BY sync_stock_events_doc SET posted = 1 WHERE connection_id = ? AND doc_kind = ? AND doc_id = ?`, connID, docKind, docID)
	return err
}

func queueRetry(tx *storage.Tx, connID int64, kind, externalID, ref, msg string) error {
	_, err := tx.Exec(`INSERT INTO sync_retries(connection_id, kind, external_id, store_ref, attempts, last_error, updated_at)
		VALUES (?, ?, ?, ?, 1, ?, ?) ON CONFLICT(connection_id, kind, external_id) DO UPDATE SET attempts = attempts + 1,
		last_error = excluded.last_error, updated_at = excluded.updated_at`, connID, kind, externalID, ref, msg, fmtTime(tx.Now()))
	return err
}

// retriesKey names, in a transaction's memo, whether a connection has anything queued for retry.
type retriesKey int64

func clearRetry(tx *storage.Tx, connID int64, kind, externalID string) error {
	// Nearly every order clears its retry, and nearly always there is none: whether the
	// connection has any is read once per transaction, and again once one may have been queued.
	queued, _, err := storage.Memo(tx, retriesKey(connID), func() (bool, bool, error) {
		var queued bool
		err := tx.QueryRow(`SELECT EXISTS (SELECT 1 FROM sync_retries WHERE connection_id = ?)`, connID).Scan(&queued)
		return queued, err == nil, err
	}, "+sync_retries")
	if err != nil || !queued {
		return err
	}
	_, err = tx.Exec(`DELETE FROM sync_retries WHERE connection_id = ? AND kind = ? AND external_id = ?`, connID, kind, externalID)
	return err
}

// RetryRequest is the sync that retries the item of a sync log entry, and whether the entry has
// one: a failed order, refund, cancellation or payment is fetched again by its order's number; a store
// product the books could not take in is read again by an ordinary sync (its products
// watermark was held before it).
func RetryRequest(e LogEntry) (SyncRequest, bool) {
	if e.Level != Error {
		return SyncRequest{}, false
	}
	switch e.Kind {
	case "order", "refund", "cancel", "payment":
		if e.StoreRef == "" {
			return SyncRequest{}, false
		}
		return SyncRequest{Trigger: TriggerRetry, OrderNumbers: []string{e.StoreRef}}, true
	case "product":
		if e.ExternalID == "" && e.DocID == 0 {
			return SyncRequest{}, false
		}
		return SyncRequest{Trigger: TriggerRetry}, true
	}
	return SyncRequest{}, false
}
