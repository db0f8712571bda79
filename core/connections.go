package core

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"mizan/storage"
)

// Owner says which side's changes to a product field travel to the other.
type Owner string

// Field owners.
const (
	OwnerStore Owner = "store" // store changes come into the books; book changes stay local
	OwnerBooks Owner = "books" // book changes go to the store; store changes are overwritten
	OwnerBoth  Owner = "both"  // either side's change travels; when both changed, the books win
)

// DefaultOwners are the field owners a new connection starts with.
func DefaultOwners() map[Field]Owner {
	return map[Field]Owner{
		FieldName: OwnerBoth, FieldCode: OwnerBoth, FieldBarcode: OwnerBoth, FieldCategory: OwnerBoth,
		FieldPurchasePrice: OwnerBooks, FieldSalePrice: OwnerBoth, FieldQuantity: OwnerBoth,
	}
}

// DefaultPollInterval is how often an open app syncs a connection unless told otherwise.
const DefaultPollInterval = 5 * time.Minute

// Connection is one connected store and its settings.
type Connection struct {
	ID            int64
	Name          string
	Platform      string
	StoreURL      string
	ClientID      int64     // default client: guest orders go to it
	WarehouseID   int64     // default warehouse: the store's stock lives here
	BranchID      int64     // default branch: every document of the store is issued in it
	StartDate     time.Time // orders created before it are not imported
	InvoiceStates []string  // order states that create invoices
	PollInterval  time.Duration
	Owners        map[Field]Owner
	PushProducts  bool              // create local products that the store lacks
	Options       map[string]string // platform options (API version, location …)
	SecretKeys    []string          // names of the credentials kept in the keyring
	// StoreID is what the store said it is (StoreInfo.StoreID) when the connection was added,
	// edited or first synced; empty until then for connections made before stores said so.
	StoreID string
	// Reconnect, when not empty, says that the store refused for good to renew the connection's
	// credentials (ErrReconnect) and what the merchant should do; the connection is not synced
	// until they connect it again (an edit of its credentials). ReconnectAt is when it happened.
	Reconnect   string
	ReconnectAt time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// Reattached is set on what AddConnection returns when the books already knew the store from
	// a removed connection: its history (products bound, invoices, stock, runs) is this
	// connection's again and nothing is imported twice. PreviousName is the name it had.
	Reattached   bool
	PreviousName string
}

// NeedsReconnect reports whether the merchant must connect the store again before it syncs.
func (c Connection) NeedsReconnect() bool { return c.Reconnect != "" }

// Owner returns the owner of a field, defaulting as a new connection would.
func (c Connection) Owner(f Field) Owner {
	if o, ok := c.Owners[f]; ok {
		return o
	}
	return DefaultOwners()[f]
}

// pullAllowed: a store change of f may come into the books.
func (c Connection) pullAllowed(f Field) bool { return c.Owner(f) != OwnerBooks }

// pushAllowed: a books change of f may go to the store.
func (c Connection) pushAllowed(f Field) bool { return c.Owner(f) != OwnerStore }

// SecretKey is where a connection's credential lives in the keyring: named by the books' id
// (storage's BooksID) and the connection, so that two sets of books never share an entry.
func SecretKey(booksID string, connID int64, field string) string {
	return fmt.Sprintf("books/%s/connection/%d/%s", booksID, connID, field)
}

// legacySecretKey is where a credential lived before the books had an id.
func legacySecretKey(connID int64, field string) string {
	return fmt.Sprintf("connection/%d/%s", connID, field)
}

// ConnectionInput is what the merchant fills in to add or edit a connection. Zero settings take
// the defaults; on edit, credentials left empty keep the stored ones.
type ConnectionInput struct {
	Name          string
	Platform      string
	StoreURL      string
	ClientID      int64
	WarehouseID   int64
	BranchID      int64
	StartDate     time.Time
	InvoiceStates []string
	PollInterval  time.Duration
	Owners        map[Field]Owner
	PushProducts  *bool
	Options       map[string]string
	Credentials   map[string]string
}

func (e *Engine) checkInput(ctx context.Context, in *ConnectionInput, editing bool) (Platform, error) {
	in.Name = strings.TrimSpace(in.Name)
	in.StoreURL = strings.TrimRight(strings.TrimSpace(in.StoreURL), "/")
	p, err := e.platforms.Get(in.Platform)
	if err != nil {
		return p, &storage.ValidationError{Msg: err.Error()}
	}
	if in.Name == "" {
		return p, sayInvalid("connection.name_required")
	}
	if removedName.MatchString(in.Name) {
		return p, sayInvalid("connection.name_reserved")
	}
	if err := checkStoreURL(p, in.StoreURL); err != nil {
		return p, err
	}
	if in.WarehouseID == 0 || in.BranchID == 0 || in.ClientID == 0 {
		d, err := e.defaults(ctx)
		if err != nil {
			return p, err
		}
		if in.WarehouseID == 0 {
			in.WarehouseID = d.warehouse
		}
		if in.BranchID == 0 {
			in.BranchID = d.branch
		}
		if in.ClientID == 0 {
			in.ClientID = d.client
		}
	}
	if len(in.InvoiceStates) == 0 {
		in.InvoiceStates = append([]string(nil), p.DefaultStates...)
	}
	known := map[string]bool{}
	for _, s := range p.States {
		known[s] = true
	}
	for _, s := range in.InvoiceStates {
		if !known[s] {
			return p, invalid("%q is not a %s order state (choose from %s)", s, p.Title, strings.Join(p.States, ", "))
		}
	}
	if in.PollInterval == 0 {
		in.PollInterval = DefaultPollInterval
	}
	if in.PollInterval < time.Minute {
		return p, invalid("poll interval %s is too short: use a minute or more", in.PollInterval)
	}
	for f, o := range in.Owners {
		if o != OwnerStore && o != OwnerBooks && o != OwnerBoth {
			return p, invalid("owner of %s must be store, books or both, not %q", f, o)
		}
	}
	if !editing {
		if err := checkCredentials(p, in.Credentials); err != nil {
			return p, err
		}
	}
	return p, nil
}

// removedName is the form of the name a removed connection keeps (its own name is freed).
var removedName = regexp.MustCompile(`\(removed #\d+\)$`)

// secretParams are query parameter names that carry credentials.
var secretParams = regexp.MustCompile(`(?i)(^|[_-])(access_?token|token|consumer_?key|consumer_?secret|key|secret|api_?key|password|passwd|pass|pwd|auth|signature|client_?secret)$`)

// secretValues are what platforms' credentials begin with (WooCommerce keys, Shopify tokens).
var secretValues = regexp.MustCompile(`(?i)(^|[^a-z0-9])((ck|cs)_[0-9a-f]{20,}|shp(at|ca|pa|ss)_[0-9a-f]{16,})`)

// checkStoreURL: a store address is a web address and carries no credential. Credentials go to
// the keyring only; an address is kept in the books and shown in lists, so user info
// (https://user:pass@…) or a key or token in its query is refused, and the address is not
// echoed back.
func checkStoreURL(p Platform, raw string) error {
	advice := say("connection.url_advice", p.StoreURLHint)
	u, err := url.Parse(raw)
	switch {
	case err == nil && u.User != nil, err != nil && strings.Contains(raw, "@"):
		return sayInvalid("connection.url_userinfo", advice)
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
		if secretValues.MatchString(raw) {
			return sayInvalid("connection.url_secret", advice)
		}
		return sayInvalid("connection.url_not_web", raw, p.StoreURLHint)
	}
	q, _ := url.ParseQuery(u.RawQuery)
	for k := range q {
		if secretParams.MatchString(strings.TrimSpace(k)) {
			return sayInvalid("connection.url_query", k, advice)
		}
	}
	if secretValues.MatchString(u.RawQuery) || secretValues.MatchString(u.Fragment) {
		return sayInvalid("connection.url_carries", advice)
	}
	return nil
}

// checkCredentials: one complete group of credentials (or every ungrouped one) must be given.
func checkCredentials(p Platform, creds map[string]string) error {
	groups := map[string][]CredentialField{}
	var order []string
	for _, f := range p.Credentials {
		if _, ok := groups[f.Group]; !ok {
			order = append(order, f.Group)
		}
		groups[f.Group] = append(groups[f.Group], f)
	}
	var missing []string
	for _, g := range order {
		complete := true
		var labels []string
		for _, f := range groups[g] {
			labels = append(labels, f.Label)
			if strings.TrimSpace(creds[f.Key]) == "" {
				complete = false
			}
		}
		if complete {
			return nil
		}
		missing = append(missing, strings.Join(labels, " and "))
	}
	if len(missing) == 0 {
		return nil
	}
	return sayInvalid("connection.needs", p.Title, strings.Join(missing, ", or "))
}

type bookDefaults struct{ branch, warehouse, client int64 }

func (e *Engine) defaults(ctx context.Context) (bookDefaults, error) {
	var d bookDefaults
	err := e.db.SQL().QueryRowContext(ctx, `SELECT (SELECT MIN(id) FROM branches), (SELECT MIN(id) FROM warehouses),
		(SELECT MIN(id) FROM clients)`).Scan(&d.branch, &d.warehouse, &d.client)
	return d, err
}

func invalid(format string, args ...any) error {
	return &storage.ValidationError{Msg: fmt.Sprintf(format, args...)}
}

// AddConnection saves a new connection, its credentials going to the keyring. If the keyring
// cannot take them, nothing is saved anywhere.
//
// The store is asked who it is first (so it must answer with the credentials given). A store the
// books already know from a removed connection gets that connection back, with its history:
// the same bindings, invoices, stock and runs, and nothing imported twice; the result says so
// (Reattached). A store that already has a live connection is refused.
func (e *Engine) AddConnection(ctx context.Context, in ConnectionInput) (Connection, error) {
	p, err := e.checkInput(ctx, &in, false)
	if err != nil {
		return Connection{}, err
	}
	books, err := e.keyringReady(ctx)
	if err != nil {
		return Connection{}, err
	}
	info, creds, kept, err := e.identify(ctx, books, p, in.StoreURL, in.Credentials, in.Options, "connected")
	if err != nil {
		return Connection{}, err
	}
	in.Credentials = creds // with what the store renewed while it was asked
	var c Connection
	err = e.db.Update(ctx, func(tx *storage.Tx) error {
		if err := checkRefs(tx, in); err != nil {
			return err
		}
		if err := liveConflict(tx, in.Platform, info.StoreID, in.StoreURL, 0); err != nil {
			return err
		}
		now := tx.Now()
		keys := credentialKeys(in.Credentials)
		id, previous, err := removedMatch(tx, in.Platform, info.StoreID, in.StoreURL)
		if err != nil {
			return err
		}
		if id != 0 {
			_, err = tx.Exec(`UPDATE connections SET name = ?, store_url = ?, client_id = ?, warehouse_id = ?, branch_id = ?,
				start_date = ?, invoice_states = ?, poll_seconds = ?, field_owners = ?, push_products = ?, options = ?,
				secret_keys = ?, store_id = ?, removed_at = '', removed_name = '', reconnect_message = '', reconnect_at = '',
				updated_at = ? WHERE id = ?`,
				in.Name, in.StoreURL, in.ClientID, in.WarehouseID, in.BranchID, fmtTime(in.StartDate), mustJSON(in.InvoiceStates),
				int64(in.PollInterval/time.Second), mustJSON(ownersOrDefault(in.Owners)), in.PushProducts == nil || *in.PushProducts,
				mustJSON(nonNil(in.Options)), mustJSON(keys), info.StoreID, fmtTime(now), id)
		} else {
			var res sql.Result
			res, err = tx.Exec(`INSERT INTO connections(name, platform, store_url, client_id, warehouse_id, branch_id, start_date,
				invoice_states, poll_seconds, field_owners, push_products, options, secret_keys, store_id, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				in.Name, in.Platform, in.StoreURL, in.ClientID, in.WarehouseID, in.BranchID, fmtTime(in.StartDate),
				mustJSON(in.InvoiceStates), int64(in.PollInterval/time.Second), mustJSON(ownersOrDefault(in.Owners)),
				in.PushProducts == nil || *in.PushProducts, mustJSON(nonNil(in.Options)), mustJSON(keys), info.StoreID, fmtTime(now), fmtTime(now))
			if err == nil {
				id, err = res.LastInsertId()
			}
		}
		if err != nil {
			if strings.Contains(err.Error(), "UNIQUE") && strings.Contains(err.Error(), "name") {
				return sayInvalid("connection.name_taken", in.Name)
			}
			return fmt.Errorf("save connection: %w", err)
		}
		// The keyring write happens inside the transaction: if it fails, the connection is not saved.
		for _, k := range keys {
			if err := e.secrets.Set(SecretKey(books, id, k), in.Credentials[k]); err != nil {
				for _, done := range keys {
					e.secrets.Delete(SecretKey(books, id, done))
				}
				return err
			}
		}
		c, err = connectionByID(tx, id)
		c.Reattached, c.PreviousName = previous != "", previous
		return err
	})
	if err == nil {
		e.dropRenewed(kept)
	}
	if err == nil && c.Reattached {
		e.log.Info("connection re-attached to the store's history", "connection", c.Name, "previous_name", c.PreviousName,
			"platform", c.Platform)
	}
	return c, err
}

// identify asks a store who it is, with credentials that may not be saved yet. what says what
// would have happened to the connection ("connected", "saved") for the error. It returns the
// credentials with whatever the store renewed meanwhile (see pendingCreds and pendingFor):
// those are the ones to save; and the keyring entry that keeps them until they are saved.
func (e *Engine) identify(ctx context.Context, books string, p Platform, storeURL string, creds, opts map[string]string, what string) (StoreInfo, map[string]string, string, error) {
	pending, kept := e.pendingFor(books, creds)
	st, err := p.Open(StoreConfig{StoreURL: storeURL, Credentials: pending.current(), Options: opts, HTTPClient: e.HTTPClient,
		Log: e.log, Rotate: pending.rotate})
	if err != nil {
		return StoreInfo{}, nil, "", err
	}
	info, err := st.Info(ctx)
	switch {
	case err == nil:
		return info, pending.current(), kept, nil
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return StoreInfo{}, nil, "", err
	case errors.Is(err, ErrReconnect):
		return StoreInfo{}, nil, "", fmt.Errorf("the store at %s refused to renew these credentials, so the connection was not %s: "+
			"connect the store again to get new ones: %w", storeURL, what, err)
	case errors.Is(err, ErrUnauthorized):
		return StoreInfo{}, nil, "", fmt.Errorf("the store at %s refused the credentials, so the connection was not %s: %w", storeURL, what, err)
	default:
		return StoreInfo{}, nil, "", fmt.Errorf("the store at %s could not be asked which store it is, so the connection was not %s "+
			"(check the address and the network, then try again): %w", storeURL, what, err)
	}
}

// liveConflict refuses a second live connection to a store: by the store's id, or, for a
// connection made before stores said who they are, by the same platform and address.
func liveConflict(tx *storage.Tx, platform, storeID, storeURL string, except int64) error {
	var name string
	err := tx.QueryRow(`SELECT name FROM connections WHERE removed_at = '' AND platform = ? AND id <> ?
		AND ((? <> '' AND store_id = ?) OR (store_id = '' AND lower(store_url) = lower(?))) ORDER BY id LIMIT 1`,
		platform, except, storeID, storeID, storeURL).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("look for the store's connections: %w", err)
	}
	return sayInvalid("connection.already", name)
}

// removedMatch finds the removed connection to the same store, if any: by the store's id, or,
// for one removed before it had synced since stores said who they are, by the same address.
func removedMatch(tx *storage.Tx, platform, storeID, storeURL string) (id int64, name string, err error) {
	err = tx.QueryRow(`SELECT id, removed_name FROM connections WHERE removed_at <> '' AND platform = ?
		AND ((? <> '' AND store_id = ?) OR (store_id = '' AND lower(store_url) = lower(?)))
		ORDER BY store_id <> '' DESC, removed_at DESC, id DESC LIMIT 1`, platform, storeID, storeID, storeURL).Scan(&id, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", fmt.Errorf("look for the store's removed connections: %w", err)
	}
	return id, name, nil
}

// checkStoreIdentity compares the store a sync reached with the one the connection is to. A
// connection made before stores said who they are records the answer, unless another live
// connection already has that store. It refuses a store that answers as another one (the
// address or the credentials now reach a different store), so its orders never land in this
// connection's history.
func (e *Engine) checkStoreIdentity(ctx context.Context, c Connection, info StoreInfo) error {
	if info.StoreID == "" || info.StoreID == c.StoreID {
		return nil
	}
	if c.StoreID != "" {
		return otherStore(c, info)
	}
	return e.db.Update(ctx, func(tx *storage.Tx) error {
		var other string
		err := tx.QueryRow(`SELECT name FROM connections WHERE removed_at = '' AND platform = ? AND store_id = ? AND id <> ?`,
			c.Platform, info.StoreID, c.ID).Scan(&other)
		if err == nil {
			return sayInvalid("connection.same_store", c.Name, other)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		_, err = tx.Exec(`UPDATE connections SET store_id = ? WHERE id = ? AND store_id = ''`, info.StoreID, c.ID)
		return err
	})
}

func otherStore(c Connection, info StoreInfo) error {
	return sayInvalid("connection.other_store", c.Name, info.StoreID, info.Name, c.StoreID)
}

// UpdateConnection changes a connection's settings. Credentials given replace the stored ones;
// the stored ones are never read back to the caller.
//
// Credentials left empty keep the stored ones. Credentials given must, with the stored ones,
// complete one group of the platform's credentials (say a client ID and secret in place of an
// access token); stored credentials of the other groups are then dropped.
//
// When the address or the credentials change, the store is asked who it is with them: an edit
// that reaches another store than the connection's is refused, and nothing is saved.
func (e *Engine) UpdateConnection(ctx context.Context, id int64, in ConnectionInput) (Connection, error) {
	p, err := e.checkInput(ctx, &in, true)
	if err != nil {
		return Connection{}, err
	}
	books, err := e.keyringReady(ctx)
	if err != nil {
		return Connection{}, err
	}
	before, err := e.Connection(ctx, id)
	if err != nil {
		return Connection{}, err
	}
	given := credentialKeys(in.Credentials)
	if _, _, err := mergeCredentialKeys(p, before.SecretKeys, given); err != nil {
		return Connection{}, err
	}
	var info StoreInfo
	reach := len(given) > 0 || !strings.EqualFold(before.StoreURL, in.StoreURL)
	if reach {
		// A renewal of the connection's credentials under way ends first, and none starts until
		// this edit is saved: the store is asked with the stored credentials, and the ones given
		// here are never written over.
		release, err := e.turns.take(ctx, id)
		if err != nil {
			return Connection{}, err
		}
		defer release()
	}
	renewed := map[string]string{} // what the store renewed while it was asked
	kept := ""                     // where it is kept until saved
	if reach && before.Platform == in.Platform {
		keys, _, _ := mergeCredentialKeys(p, before.SecretKeys, given)
		creds := map[string]string{}
		for _, k := range keys {
			if v := strings.TrimSpace(in.Credentials[k]); v != "" {
				creds[k] = in.Credentials[k]
				continue
			}
			v, err := e.secrets.Get(SecretKey(books, id, k))
			if errors.Is(err, ErrNoSecret) {
				return Connection{}, sayInvalid("connection.credential_missing", k, before.Name)
			}
			if err != nil {
				return Connection{}, err
			}
			creds[k] = v
		}
		var final map[string]string
		if info, final, kept, err = e.identify(ctx, books, p, in.StoreURL, creds, in.Options, "saved"); err != nil {
			return Connection{}, err
		}
		for k, v := range final {
			if v != creds[k] {
				renewed[k] = v
			}
		}
		if len(given) == 0 && len(renewed) > 0 {
			// The store renewed the stored credentials: they are the connection's now, whatever
			// becomes of the rest of the edit.
			if err := e.saveRenewed(ctx, before, creds, final, sortedKeys(renewed)); err != nil {
				return Connection{}, err
			}
			e.dropRenewed(kept)
			kept = ""
		}
		if before.StoreID != "" && info.StoreID != "" && info.StoreID != before.StoreID {
			return Connection{}, otherStore(before, info)
		}
	}
	var c Connection
	var drop []string
	err = e.db.Update(ctx, func(tx *storage.Tx) error {
		old, err := connectionByID(tx, id)
		if err != nil {
			return err
		}
		if old.Platform != in.Platform {
			return sayInvalid("connection.platform_fixed")
		}
		if err := checkRefs(tx, in); err != nil {
			return err
		}
		storeID := old.StoreID
		if reach && info.StoreID != "" {
			if old.StoreID != "" && old.StoreID != info.StoreID {
				return otherStore(old, info)
			}
			if err := liveConflict(tx, old.Platform, info.StoreID, in.StoreURL, id); err != nil {
				return err
			}
			storeID = info.StoreID
		}
		keys, dropped, err := mergeCredentialKeys(p, old.SecretKeys, given)
		if err != nil {
			return err
		}
		for _, k := range dropped {
			if _, ok := renewed[k]; !ok {
				drop = append(drop, k)
			}
		}
		for k := range renewed {
			if !contains(keys, k) {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		if _, err := tx.Exec(`UPDATE connections SET name = ?, store_url = ?, client_id = ?, warehouse_id = ?, branch_id = ?,
			start_date = ?, invoice_states = ?, poll_seconds = ?, field_owners = ?, push_products = ?, options = ?,
			secret_keys = ?, store_id = ?, updated_at = ? WHERE id = ?`,
			in.Name, in.StoreURL, in.ClientID, in.WarehouseID, in.BranchID, fmtTime(in.StartDate), mustJSON(in.InvoiceStates),
			int64(in.PollInterval/time.Second), mustJSON(ownersOrDefault(in.Owners)), in.PushProducts == nil || *in.PushProducts,
			mustJSON(nonNil(in.Options)), mustJSON(keys), storeID, fmtTime(tx.Now()), id); err != nil {
			if strings.Contains(err.Error(), "UNIQUE") && strings.Contains(err.Error(), "name") {
				return sayInvalid("connection.name_taken", in.Name)
			}
			return fmt.Errorf("save connection: %w", err)
		}
		for _, k := range given {
			if err := e.secrets.Set(SecretKey(books, id, k), in.Credentials[k]); err != nil {
				return err
			}
		}
		for k, v := range renewed {
			if err := e.secrets.Set(SecretKey(books, id, k), v); err != nil {
				return err
			}
		}
		if len(given) > 0 {
			// New credentials are the merchant connecting the store again.
			if err := clearReconnect(tx, id); err != nil {
				return err
			}
		}
		c, err = connectionByID(tx, id)
		return err
	})
	if err != nil {
		return c, err
	}
	if kept != "" {
		e.dropRenewed(kept)
	}
	for _, k := range drop {
		// The connection no longer names the key, so a leftover value is never used.
		if derr := e.secrets.Delete(SecretKey(books, id, k)); derr != nil {
			e.log.Warn("cannot delete a replaced credential from the keyring", "key", SecretKey(books, id, k), "err", derr)
		}
	}
	return c, nil
}

// mergeCredentialKeys works out which credentials a connection keeps after an edit that gives
// the keys in given: the group that holds every given key and is complete with the stored keys.
// It returns the keys kept and the stored keys to drop.
func mergeCredentialKeys(p Platform, stored, given []string) (keys, drop []string, err error) {
	if len(given) == 0 {
		return stored, nil, nil
	}
	have := map[string]bool{}
	for _, k := range stored {
		have[k] = true
	}
	for _, k := range given {
		have[k] = true
	}
	groups := map[string][]string{}
	var order []string
	for _, f := range p.Credentials {
		if _, ok := groups[f.Group]; !ok {
			order = append(order, f.Group)
		}
		groups[f.Group] = append(groups[f.Group], f.Key)
	}
	var options []string
	for _, g := range order {
		fields := groups[g]
		complete := true
		for _, k := range fields {
			if !have[k] {
				complete = false
			}
		}
		for _, k := range given {
			if !contains(fields, k) {
				complete = false
			}
		}
		if !complete {
			var labels []string
			for _, f := range p.Credentials {
				if f.Group == g {
					labels = append(labels, f.Label)
				}
			}
			options = append(options, strings.Join(labels, " and "))
			continue
		}
		keys = append([]string(nil), fields...)
		for _, k := range stored {
			if !contains(fields, k) {
				drop = append(drop, k)
			}
		}
		sort.Strings(keys)
		return keys, drop, nil
	}
	if len(order) == 0 {
		return nil, nil, sayInvalid("connection.no_credentials", p.Title)
	}
	return nil, nil, sayInvalid("connection.needs", p.Title, strings.Join(options, ", or "))
}

// RemoveConnection disconnects a store: its keyring entries are deleted and it leaves the
// lists, its name free for another connection. Its history stays in the books (invoices,
// bindings, stock events, unconfirmed pushes, watermarks, runs and log), so adding the same store
// again re-attaches it instead of importing everything a second time.
func (e *Engine) RemoveConnection(ctx context.Context, id int64) error {
	if e.running(id) {
		return sayInvalid("connection.syncing")
	}
	// The books' id alone: a keyring that cannot be used does not stop a removal (it is said after).
	books, err := e.BooksID(ctx)
	if err != nil {
		return err
	}
	var keys []string
	err = e.db.Update(ctx, func(tx *storage.Tx) error {
		c, err := connectionByID(tx, id)
		if err != nil {
			return err
		}
		keys = c.SecretKeys
		if _, err := tx.Exec(`UPDATE connections SET removed_at = ?, removed_name = name, name = ?, secret_keys = '[]',
			updated_at = ? WHERE id = ?`, fmtTime(tx.Now()), fmt.Sprintf("%s (removed #%d)", c.Name, id), fmtTime(tx.Now()), id); err != nil {
			return fmt.Errorf("remove connection: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	var errs []error
	for _, k := range append(keys, renewalField) {
		if err := e.secrets.Delete(SecretKey(books, id, k)); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("the connection is removed, but its credentials could not be deleted from the keyring: %w", errors.Join(errs...))
	}
	return nil
}

// Connections lists the connections by name.
func (e *Engine) Connections(ctx context.Context) ([]Connection, error) {
	var out []Connection
	err := e.db.View(ctx, func(tx *storage.Tx) error {
		rows, err := tx.Query(`SELECT ` + connCols + ` FROM connections WHERE removed_at = '' ORDER BY name`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanConnection(rows)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}

// Connection reads one connection.
func (e *Engine) Connection(ctx context.Context, id int64) (c Connection, err error) {
	err = e.db.View(ctx, func(tx *storage.Tx) error {
		c, err = connectionByID(tx, id)
		return err
	})
	return c, err
}

// ConnectionByName finds a connection by its name.
func (e *Engine) ConnectionByName(ctx context.Context, name string) (Connection, error) {
	cs, err := e.Connections(ctx)
	if err != nil {
		return Connection{}, err
	}
	for _, c := range cs {
		if strings.EqualFold(c.Name, strings.TrimSpace(name)) {
			return c, nil
		}
	}
	return Connection{}, sayInvalid(refusalCode("connection_name_unknown"), name)
}

func checkRefs(tx *storage.Tx, in ConnectionInput) error {
	if _, err := tx.Client(in.ClientID); err != nil {
		return err
	}
	if _, err := tx.Warehouse(in.WarehouseID); err != nil {
		return err
	}
	_, err := tx.Branch(in.BranchID)
	return err
}

const connCols = `id, name, platform, store_url, client_id, warehouse_id, branch_id, start_date, invoice_states,
	poll_seconds, field_owners, push_products, options, secret_keys, store_id, reconnect_message, reconnect_at, created_at, updated_at`

type rowScanner interface{ Scan(...any) error }

func scanConnection(r rowScanner) (Connection, error) {
	var c Connection
	var start, states, owners, opts, keys, reconnectAt, created, updated string
	var poll int64
	err := r.Scan(&c.ID, &c.Name, &c.Platform, &c.StoreURL, &c.ClientID, &c.WarehouseID, &c.BranchID, &start, &states,
		&poll, &owners, &c.PushProducts, &opts, &keys, &c.StoreID, &c.Reconnect, &reconnectAt, &created, &updated)
	if err != nil {
		return c, err
	}
	c.StartDate, c.CreatedAt, c.UpdatedAt = parseTime(start), parseTime(created), parseTime(updated)
	c.ReconnectAt = parseTime(reconnectAt)
	c.PollInterval = time.Duration(poll) * time.Second
	var rawOwners map[string]string
	err = errors.Join(json.Unmarshal([]byte(states), &c.InvoiceStates), json.Unmarshal([]byte(owners), &rawOwners),
		json.Unmarshal([]byte(opts), &c.Options), json.Unmarshal([]byte(keys), &c.SecretKeys))
	c.Owners = map[Field]Owner{}
	for f, o := range rawOwners {
		c.Owners[Field(f)] = Owner(o)
	}
	return c, err
}

func connectionByID(tx *storage.Tx, id int64) (Connection, error) {
	c, err := scanConnection(tx.QueryRow(`SELECT `+connCols+` FROM connections WHERE id = ? AND removed_at = ''`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, sayInvalid(refusalCode("connection_missing"), id)
	}
	return c, err
}

// credentials reads a connection's credentials from the keyring for one use.
func (e *Engine) credentials(c Connection) (map[string]string, error) {
	books, err := e.keyringReady(context.Background())
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, k := range c.SecretKeys {
		v, err := e.secrets.Get(SecretKey(books, c.ID, k))
		if errors.Is(err, ErrNoSecret) {
			return nil, &MissingCredentialError{Field: k, Connection: c.Name}
		}
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

func credentialKeys(creds map[string]string) []string {
	var keys []string
	for k, v := range creds {
		if strings.TrimSpace(v) != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func ownersOrDefault(o map[Field]Owner) map[Field]Owner {
	out := DefaultOwners()
	for f, v := range o {
		out[f] = v
	}
	return out
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

const timeLayout = "2006-01-02T15:04:05Z"

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}
