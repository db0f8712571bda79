package core

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"mizan/storage"
)

// Phrase is a sentence of the sync log as words a window can translate. A phrase is one of:
//   - a sentence of the catalogue (Code, see logText), whose places (%[1]s, %[2]q, …) Args fill in order;
//   - a list (List names its separator: "comma" or "semicolon"), whose items are Args;
//   - words shown as they are (Text): a store's or the books' own (a name, a SKU, an amount, an
//     order number, the store's error).
//
// The English text is kept beside it (LogEntry.Message): the command line, exports, older rows
// and any window without a translation read that.
type Phrase struct {
	Code string   `json:"c,omitempty"`
	List string   `json:"l,omitempty"`
	Text string   `json:"t,omitempty"`
	Args []Phrase `json:"a,omitempty"`
}

// Words is a catalogue sentence: its English, and for a sentence about a number of things its
// singular form too, chosen by the number in place Count (1-based).
type Words struct {
	English string
	One     string // the English when the count is 1; empty for a sentence without a count
	Count   int    // the place holding the count
}

// logText is every sentence the engine writes to the sync log, by code, and the other words it
// gives a window to show (a product's state in a store, the notes of the documents it records).
// The window translates "log.<code>"; each place is an indexed verb so a translation may put them
// in another order.
var logText = map[string]Words{
	"sep.comma":     {English: ", "},
	"sep.semicolon": {English: "; "},

	"field.name":           {English: "name"},
	"field.code":           {English: "code"},
	"field.barcode":        {English: "barcode"},
	"field.category":       {English: "category"},
	"field.purchase_price": {English: "purchase_price"},
	"field.sale_price":     {English: "sale_price"},
	"field.quantity":       {English: "quantity"},
	"field.changed":        {English: "%[1]s from %[2]q to %[3]q"},
	"field.kept_books":     {English: "%[1]s (store %[2]q, books %[3]q: kept the books' value)"},
	"field.kept_store":     {English: "%[1]s (store %[2]q, books %[3]q: kept the store's value)"},
	"field.set_back":       {English: "%[1]s changed in the store to %[2]q, but the books own it: set back to %[3]q"},

	"step.products":      {English: "products"},
	"step.push_products": {English: "push products"},
	"step.stock":         {English: "stock"},
	"step.orders":        {English: "orders"},
	"step.push_stock":    {English: "push stock"},

	"run.step_failed":    {English: "%[1]s: %[2]s"},
	"run.stopped":        {English: "sync stopped: %[1]s"},
	"run.cancelled":      {English: "cancelled"},
	"run.connect_failed": {English: "connect to %[1]s: %[2]s"},
	// Written by storage when it opens books whose last run never ended.
	"run.interrupted": {English: "sync stopped: interrupted (Mizan was stopped before the sync ended); the next sync carries on"},

	"order.before_start": {One: "%[1]s order created before the integration start date (%[2]s) was not imported",
		English: "%[1]s orders created before the integration start date (%[2]s) were not imported", Count: 1},
	"order.not_found":        {English: "order %[1]s was not found in the store"},
	"order.unreadable":       {English: "the store's data for it could not be read: %[1]s"},
	"order.unreadable_no_id": {English: "an order (store id %[1]q) was not invoiced: %[2]s. It will be read again on the next sync"},
	"order.waits":            {English: "Order %[1]s is %[2]s: not invoiced (its state does not create invoices in this connection's settings)"},
	"order.cancelled_early":  {English: "Order %[1]s was cancelled before it was invoiced: not imported"},
	"order.mismatch": {English: "order %[1]s was not invoiced: its lines, shipping, discounts and taxes add up to %[2]s %[3]s, " +
		"but the store's total is %[4]s %[3]s (%[5]s): %[6]s. Nothing was posted; it will be tried again on the next sync"},
	"order.more":                {English: "%[1]s more"},
	"order.less":                {English: "%[1]s less"},
	"order.parts":               {English: "lines %[1]s - discount %[2]s + shipping %[3]s + other charges %[4]s + tax %[5]s (%[6]s)"},
	"order.tax_included":        {English: "prices include tax"},
	"order.tax_excluded":        {English: "prices exclude tax"},
	"order.invoiced":            {English: "Invoice %[1]s for order %[2]s: %[3]s %[4]s"},
	"order.invoiced_notes":      {English: "Invoice %[1]s for order %[2]s: %[3]s %[4]s (%[5]s)"},
	"order.created_product":     {English: "created product %[1]s"},
	"order.not_invoiced":        {English: "order %[1]s was not invoiced: %[2]s. Nothing was posted; it will be tried again on the next sync"},
	"order.line_failed":         {English: "line %[1]q: %[2]s"},
	"order.no_lines":            {English: "order %[1]s has no lines with a quantity to invoice"},
	"order.read_numbers_failed": {English: "read orders %[1]s: %[2]s"},
	"order.currency": {English: "it is in %[1]s, but the store's currency, in which this connection's invoices are kept, is %[2]s. " +
		"Mizan does not convert currencies: record the sale by hand in %[2]s if it belongs in the books, or have the store report its orders in %[2]s"},
	"order.no_currency":          {English: "no currency"},
	"order.waits_catalogue":      {English: "%[1]s this run, so its product %[2]s is not made from the order line (the store may have it): the order waits for a sync that reads the catalogue"},
	"order.waits_product":        {English: "%[1]s: its product %[2]s could not be brought into the books (see its own entry), so the order waits for it"},
	"stock.read_failed":          {English: "read the store's stock: %[1]s"},
	"stock.of":                   {English: "stock of %[1]s: %[2]s"},
	"stock.push_failed":          {English: "push stock of %[1]s: %[2]s (it will be settled again next run)"},
	"product.read_failed":        {English: "read the store's products: %[1]s"},
	"product.unreadable":         {English: "the store's data for it could not be read: %[1]s"},
	"order.catalogue_incomplete": {English: "the store's catalogue was not read in full"},
	"refund.unknown_line":        {English: "the refund returns line %[1]s, which the invoiced order does not have"},
	"payment.bad_amount":         {English: "the store gives its amount as %[1]s"},
	"order.changed": {English: "Order %[1]s changed in the store after it was invoiced as %[2]s: %[3]s. " +
		"The invoice was not changed; issue a correcting document if needed"},
	"change.total":        {English: "total from %[1]s to %[2]s"},
	"change.line_added":   {English: "line %[1]q added (%[2]s × %[3]s)"},
	"change.quantity":     {English: "%[1]q quantity from %[2]s to %[3]s"},
	"change.prices":       {English: "%[1]q price/discount/tax from %[2]s/%[3]s/%[4]s to %[5]s/%[6]s/%[7]s"},
	"change.line_removed": {English: "line %[1]q removed"},
	"change.charges":      {English: "shipping or charges changed"},
	"product.from_line": {English: "Created %[1]s %[2]q from a line of order %[3]s (the product is not in the store's catalogue), " +
		"with inbound requisition %[4]s of %[5]s"},
	"client.created": {English: "Created client %[1]q from order %[2]s"},

	"refund.posted":          {English: "Return invoice %[1]s for a refund of order %[2]s: %[3]s %[4]s"},
	"refund.posted_restock":  {English: "Return invoice %[1]s for a refund of order %[2]s: %[3]s %[4]s, %[5]s items back in stock"},
	"refund.posted_no_items": {English: "Return invoice %[1]s for a refund of order %[2]s: %[3]s %[4]s (amount only, no items returned)"},
	"refund.failed": {English: "the return for refund %[1]s of order %[2]s (%[3]s %[4]s) was not posted: %[5]s. " +
		"The order's invoice and its other returns are not held back; this return will be tried again on the next sync"},
	"cancel.posted": {English: "Return invoice %[1]s: order %[2]s was cancelled after it was invoiced as %[3]s " +
		"(%[4]s %[5]s returned; nothing restocked, as the store did not restock it)"},
	"cancel.failed": {English: "the return for the cancellation of order %[1]s was not posted: %[2]s. It will be tried again on the next sync"},

	"payment.received": {English: "Payment %[1]s: %[2]s %[3]s received for invoice %[4]s (order %[5]s) by %[6]s, into %[7]s"},
	"payment.refunded": {English: "Payment %[1]s: %[2]s %[3]s refunded for %[4]s (order %[5]s) by %[6]s, out of %[7]s"},
	"payment.method":   {English: "%[1]s (%[2]s)"},
	"payment.unnamed":  {English: "an unnamed method"},
	"payment.failed": {English: "the payment %[1]s of order %[2]s (%[3]s %[4]s) was not recorded: %[5]s. " +
		"The order's invoice is not held back; this payment will be tried again on the next sync"},
	"payment.refund_failed": {English: "the refund payment %[1]s of order %[2]s (%[3]s %[4]s) was not recorded: %[5]s. " +
		"The order's invoice is not held back; this payment will be tried again on the next sync"},

	"stock.not_settled": {English: "Stock was not settled this run because the store's stock or orders could not all be read; it will be next run"},
	"stock.adjusted":    {English: "%[1]s: %[2]s (from %[3]s to %[4]s in %[5]s)"},
	"stock.opening":     {English: "opening count from the store (its quantity plus what open store orders hold)"},
	"stock.hand_edit":   {English: "quantity changed by hand in the store (from %[1]s to %[2]s)"},
	"stock.set_back":    {English: "%[1]s was changed by hand in the store (from %[2]s to %[3]s); the books own quantity, so the store is set back"},
	"stock.pushed":      {English: "Stock of %[1]s set in the store from %[2]s to %[3]s (%[4]s)"},
	"stock.pushed_reread": {One: "Stock of %[1]s set in the store from %[2]s to %[3]s (%[4]s); the store's quantity changed while writing and was read again %[5]s time",
		English: "Stock of %[1]s set in the store from %[2]s to %[3]s (%[4]s); the store's quantity changed while writing and was read again %[5]s times", Count: 5},
	"stock.interrupted": {One: "The last sync stopped while changing the stock of %[1]s product in the store; its stock is settled again from a fresh count",
		English: "The last sync stopped while changing the stock of %[1]s products in the store; their stock is settled again from a fresh count", Count: 1},

	"product.failed":           {English: "store product %[1]s was not synced: %[2]s. It will be read and tried again on the next sync"},
	"product.imported":         {English: "Imported %[1]s %[2]q from the store"},
	"product.imported_stock":   {English: "Imported %[1]s %[2]q from the store, %[3]s in stock (inbound requisition %[4]s)"},
	"product.imported_barcode": {English: "Imported %[1]s %[2]q from the store (barcode %[3]s left out: another product has it)"},
	"product.imported_barcode_stock": {English: "Imported %[1]s %[2]q from the store (barcode %[3]s left out: another product has it), " +
		"%[4]s in stock (inbound requisition %[5]s)"},
	"product.linked":      {English: "Linked %[1]s %[2]q to the store product %[3]s"},
	"product.linked_took": {English: "Linked %[1]s %[2]q to the store product %[3]s; took the store's %[4]s"},
	"product.by_code":     {English: "by its code"},
	"product.by_barcode":  {English: "by its barcode"},
	"product.by_hand":     {English: "by hand"},
	"product.pulled":      {English: "Updated %[1]s from the store: %[2]s"},
	"product.conflicts":   {English: "%[1]s changed on both sides: %[2]s"},
	"product.pushed":      {English: "Updated %[1]s in the store: %[2]s"},
	"product.push_failed": {English: "update %[1]s in the store: %[2]s"},
	"product.not_created_yet": {One: "%[1]s product of the books was not created in the store this run: the store's catalogue could not be read in full. It will be on the next sync",
		English: "%[1]s products of the books were not created in the store this run: the store's catalogue could not be read in full. They will be on the next sync", Count: 1},
	"product.create_failed":  {English: "create %[1]s in the store: %[2]s"},
	"product.created":        {English: "Created %[1]s %[2]q in the store"},
	"product.unlinked":       {English: "Unlinked store product %[1]s by hand"},
	"product.unlinked_named": {English: "Unlinked %[1]s %[2]q from store product %[3]s by hand"},

	// The notes Mizan writes on the documents it records (storage.NoteWords).
	"note.store_quantity": {English: "Store quantity of %[1]s on %[2]s"},
	"note.opening_stock":  {English: "Opening stock of %[1]s, sold in order %[2]s before it was in the books"},
	"note.opening":        {English: "Opening stock"}, // the demo books' opening requisitions

	// How a product of the books stands in a store (ProductLink), beside "pending", "not in the store".
	"link.changed":     {English: "changed in the books: the next sync sends the change"},
	"link.archived":    {English: "archived: not created in the store"},
	"link.will_create": {English: "the next sync creates it in the store"},
	"link.no_push":     {English: "this connection does not create products in the store"},

	// A row of Product mapping (MappingRow): a conflict, or what the next sync does with it.
	"mapping.local_gone":     {English: "linked to a product that is no longer in the books: unlink it"},
	"mapping.store_gone":     {English: "linked to store product %[1]s, which the store no longer has: unlink it"},
	"mapping.same_as_linked": {English: "has the same %[1]s as %[2]s, which is linked to another store product (%[3]s): change the %[1]s on one side, or unlink the other"},
	"mapping.will_link":      {English: "the next sync links it to %[1]s (same %[2]s)"},
	"mapping.will_import":    {English: "the next sync imports it into the books"},
	"mapping.no_push":        {English: "not in the store (this connection does not create products in the store)"},
	"mapping.both_changed":   {English: "changed on both sides: %[1]s"},
	"mapping.keeps_books":    {English: "%[1]s (store %[2]q, books %[3]q: the next sync keeps the books' value)"},
	"mapping.keeps_store":    {English: "%[1]s (store %[2]q, books %[3]q: the next sync keeps the store's value)"},

	// A connection refused as it is added, edited or removed.
	"connection.name_required":  {English: "a connection needs a name"},
	"connection.name_reserved":  {English: "connection names ending in \"(removed #N)\" are kept for removed connections: choose another name"},
	"connection.name_taken":     {English: "a connection named %[1]q already exists"},
	"connection.url_advice":     {English: "enter the address alone, such as %[1]s, and the credentials in their own fields (they are kept in the system keyring only)"},
	"connection.url_userinfo":   {English: "the store address must not contain a user name or password: %[1]s"},
	"connection.url_secret":     {English: "the store address is not a web address and seems to hold a credential: %[1]s"},
	"connection.url_not_web":    {English: "store address %[1]q is not a web address such as %[2]s"},
	"connection.url_query":      {English: "the store address must not carry credentials (%[1]q in its query): %[2]s"},
	"connection.url_carries":    {English: "the store address must not carry credentials: %[1]s"},
	"connection.needs":          {English: "%[1]s needs %[2]s"},
	"connection.no_credentials": {English: "%[1]s takes no credentials"},
	"connection.already":        {English: "this store is already connected as %[1]q: a second connection to the same store would bring its orders in twice. Edit %[1]q instead (its address, credentials or settings)"},
	"connection.same_store": {English: "%[1]q reaches the same store as the connection %[2]q, so it was not synced (its orders would come in twice): " +
		"remove one of the two connections"},
	"connection.other_store": {English: "the address or credentials of %[1]q now reach another store (it answers as %[2]s, %[3]q; the connection is to %[4]s), " +
		"so nothing was done with it: check the address and the credentials, or add the other store as a connection of its own"},
	"connection.credential_missing": {English: "the %[1]s credential of %[2]q is missing from the keyring: enter it again"},
	"connection.platform_fixed":     {English: "a connection's platform cannot change (remove it and add a new one)"},
	"connection.syncing":            {English: "the connection is syncing: cancel the sync first"},
}

// The books' refusals of a product or a stock document (storage.Refusals) are sentences of the
// catalogue too, as "invalid.<code>": a sync logs them when a store's data is refused, and a
// window shows them when the merchant's input is.
func init() {
	for code, english := range storage.Refusals() {
		logText[refusalCode(code)] = Words{English: english}
	}
}

func refusalCode(code string) string { return "invalid." + code }

// LogKinds are the kinds of the sync log's entries (LogEntry.Kind).
var LogKinds = []string{"product", "order", "refund", "cancel", "stock", "client", "payment", "run"}

// LogWords is the catalogue of the sync log's sentences, by code (a copy).
func LogWords() map[string]Words {
	out := make(map[string]Words, len(logText))
	for k, v := range logText {
		out[k] = v
	}
	return out
}

// say makes a phrase of a catalogue sentence. An argument that is a Phrase (or a list of them)
// is translated in turn; any other is words shown as they are.
func say(code string, args ...any) Phrase {
	p := Phrase{Code: code}
	for _, a := range args {
		p.Args = append(p.Args, asPhrase(a))
	}
	return p
}

func asPhrase(a any) Phrase {
	switch v := a.(type) {
	case Phrase:
		return v
	case string:
		return Phrase{Text: v}
	case error:
		return errPhrase(v)
	case fmt.Stringer:
		return Phrase{Text: v.String()}
	}
	return Phrase{Text: fmt.Sprint(a)}
}

// words is a phrase of words shown as they are.
func words(s string) Phrase { return Phrase{Text: s} }

// listOf joins phrases with a comma ("comma") or a semicolon ("semicolon").
func listOf(sep string, items []Phrase) Phrase { return Phrase{List: sep, Args: items} }

// fieldWord names a product field in the log.
func fieldWord(f Field) Phrase { return Phrase{Code: "field." + string(f)} }

// stepWord names a step of a run ("push products") in the log.
func stepWord(step string) Phrase { return Phrase{Code: "step." + strings.ReplaceAll(step, " ", "_")} }

// English is the phrase in English.
func (p Phrase) English() string { return p.Render(englishFormat) }

func englishFormat(code string, count *int) (string, bool) {
	w, ok := logText[code]
	if ok && count != nil && *count == 1 && w.One != "" {
		return w.One, true
	}
	return w.English, ok
}

// Render writes the phrase with the format lookup gives for each code (a translation: count is
// the number a sentence about a number of things is about, else nil); a code it lacks is written
// in English, and one the catalogue lacks too as its arguments.
func (p Phrase) Render(lookup func(code string, count *int) (string, bool)) string {
	format := func(code string, count *int) (string, bool) {
		if f, ok := lookup(code, count); ok {
			return f, true
		}
		return englishFormat(code, count)
	}
	switch {
	case p.List != "":
		sep, ok := format("sep."+p.List, nil)
		if !ok {
			sep = "; "
		}
		parts := make([]string, len(p.Args))
		for i, a := range p.Args {
			parts[i] = a.Render(lookup)
		}
		return strings.Join(parts, sep)
	case p.Code == "":
		return p.Text
	}
	args := make([]any, len(p.Args))
	parts := make([]string, len(p.Args))
	for i, a := range p.Args {
		parts[i] = a.Render(lookup)
		args[i] = parts[i]
	}
	var count *int
	if w := logText[p.Code]; w.Count > 0 && w.Count <= len(p.Args) {
		if n, err := strconv.Atoi(p.Args[w.Count-1].Text); err == nil {
			count = &n
		}
	}
	f, ok := format(p.Code, count)
	if !ok {
		return strings.Join(parts, " ")
	}
	return fmt.Sprintf(f, args...)
}

// saidError is an error the engine words itself, so the log can translate it.
type saidError struct {
	p   Phrase
	err error // what it wraps, if anything
}

func (e *saidError) Error() string { return e.p.English() }
func (e *saidError) Unwrap() error { return e.err }

// sayErr is an error worded by a catalogue sentence; an argument that is an error is wrapped.
func sayErr(code string, args ...any) error {
	e := &saidError{p: say(code, args...)}
	for _, a := range args {
		if err, ok := a.(error); ok {
			e.err = err
		}
	}
	return e
}

// sayInvalid is a refusal (a storage.ValidationError: the item is logged and retried, the run
// goes on) worded by a catalogue sentence.
func sayInvalid(code string, args ...any) error {
	p := say(code, args...)
	return &saidError{p: p, err: &storage.ValidationError{Msg: p.English()}}
}

// PhraseOf is an error the engine returned as a phrase a window can translate: the engine's own
// words around the store's, a refusal of the books, or its text when neither worded it.
func PhraseOf(err error) Phrase { return errPhrase(err) }

// errPhrase is an error as a phrase: its own words when the engine made it, else its text.
func errPhrase(err error) Phrase {
	var se *saidError
	if errors.As(err, &se) && se.Error() == err.Error() {
		return se.p
	}
	var me *mismatchError
	if errors.As(err, &me) && me.Error() == err.Error() {
		return me.phrase()
	}
	var ve *storage.ValidationError
	if errors.As(err, &ve) && ve.Code != "" && ve.Error() == err.Error() {
		return refusalPhrase(ve)
	}
	return Phrase{Text: err.Error()}
}

// refusalPhrase is a refusal of the books as a phrase; a refusal it wraps (an invoice line's, a
// field's name) is a sentence of its own in its place.
func refusalPhrase(ve *storage.ValidationError) Phrase {
	if ve.Code == "" {
		return words(ve.Msg)
	}
	p := Phrase{Code: refusalCode(ve.Code)}
	for i, a := range ve.Args {
		if i < len(ve.Nested) && ve.Nested[i] != nil {
			p.Args = append(p.Args, refusalPhrase(ve.Nested[i]))
			continue
		}
		p.Args = append(p.Args, words(a))
	}
	return p
}

// noteWords is a note Mizan writes on a document (its English is p.English()), in the words the
// document keeps for a window to translate.
func noteWords(p Phrase) storage.NoteWords {
	w := storage.NoteWords{Code: p.Code}
	if len(p.Args) > 0 {
		w.Args = mustJSON(p.Args)
	}
	return w
}

// NotePhrase is a stock document's note as a phrase a window translates: the engine's sentence
// when Mizan wrote it, else the note as written (the merchant's own, or one written before the
// books kept the sentence's code).
func NotePhrase(d storage.StockDocument) Phrase {
	if d.NoteWords.Code != "" {
		p := Phrase{Code: d.NoteWords.Code}
		if _, known := logText[p.Code]; known && (d.NoteWords.Args == "" || json.Unmarshal([]byte(d.NoteWords.Args), &p.Args) == nil) {
			return p
		}
	}
	return words(d.Note)
}
