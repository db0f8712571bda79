package core

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
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
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

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

// SecretKey is where a connection's credential lives in the keyring.
func SecretKey(connID int64, field string) string { return secretKey(connID, field) }

func secretKey(connID int64, field string) string {
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
		return p, invalid("a connection needs a name")
	}
	u, err := url.Parse(in.StoreURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return p, invalid("store address %q is not a web address such as %s", in.StoreURL, p.StoreURLHint)
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
	return invalid("%s needs %s", p.Title, strings.Join(missing, ", or "))
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
func (e *Engine) AddConnection(ctx context.Context, in ConnectionInput) (Connection, error) {
	if _, err := e.checkInput(ctx, &in, false); err != nil {
		return Connection{}, err
	}
	var c Connection
	err := e.db.Update(ctx, func(tx *storage.Tx) error {
		if err := checkRefs(tx, in); err != nil {
			return err
		}
		now := tx.Now()
		keys := credentialKeys(in.Credentials)
		res, err := tx.Exec(`INSERT INTO connections(name, platform, store_url, client_id, warehouse_id, branch_id, start_date,
			invoice_states, poll_seconds, field_owners, push_products, options, secret_keys, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			in.Name, in.Platform, in.StoreURL, in.ClientID, in.WarehouseID, in.BranchID, fmtTime(in.StartDate),
			mustJSON(in.InvoiceStates), int64(in.PollInterval/time.Second), mustJSON(ownersOrDefault(in.Owners)),
			in.PushProducts == nil || *in.PushProducts, mustJSON(nonNil(in.Options)), mustJSON(keys), fmtTime(now), fmtTime(now))
		if err != nil {
			if strings.Contains(err.Error(), "UNIQUE") {
				return invalid("a connection named %q already exists", in.Name)
			}
			return fmt.Errorf("save connection: %w", err)
		}
		id, _ := res.LastInsertId()
		// The keyring write happens inside the transaction: if it fails, the connection is not saved.
		for _, k := range keys {
			if err := e.secrets.Set(secretKey(id, k), in.Credentials[k]); err != nil {
				for _, done := range keys {
					e.secrets.Delete(secretKey(id, done))
				}
				return err
			}
		}
		c, err = connectionByID(tx, id)
		return err
	})
	return c, err
}

// UpdateConnection changes a connection's settings. Credentials given replace the stored ones;
// the stored ones are never read back to the caller.
//
// Credentials left empty keep the stored ones. Credentials given must, with the stored ones,
// complete one group of the platform's credentials (say a client ID and secret in place of an
// access token); stored credentials of the other groups are then dropped.
func (e *Engine) UpdateConnection(ctx context.Context, id int64, in ConnectionInput) (Connection, error) {
	p, err := e.checkInput(ctx, &in, true)
	if err != nil {
		return Connection{}, err
	}
	var c Connection
	var drop []string
	err = e.db.Update(ctx, func(tx *storage.Tx) error {
		old, err := connectionByID(tx, id)
		if err != nil {
			return err
		}
		if old.Platform != in.Platform {
			return invalid("a connection's platform cannot change (remove it and add a new one)")
		}
		if err := checkRefs(tx, in); err != nil {
			return err
		}
		keys, dropped, err := mergeCredentialKeys(p, old.SecretKeys, credentialKeys(in.Credentials))
		if err != nil {
			return err
		}
		drop = dropped
		if _, err := tx.Exec(`UPDATE connections SET name = ?, store_url = ?, client_id = ?, warehouse_id = ?, branch_id = ?,
			start_date = ?, invoice_states = ?, poll_seconds = ?, field_owners = ?, push_products = ?, options = ?,
			secret_keys = ?, updated_at = ? WHERE id = ?`,
			in.Name, in.StoreURL, in.ClientID, in.WarehouseID, in.BranchID, fmtTime(in.StartDate), mustJSON(in.InvoiceStates),
			int64(in.PollInterval/time.Second), mustJSON(ownersOrDefault(in.Owners)), in.PushProducts == nil || *in.PushProducts,
			mustJSON(nonNil(in.Options)), mustJSON(keys), fmtTime(tx.Now()), id); err != nil {
			if strings.Contains(err.Error(), "UNIQUE") {
				return invalid("a connection named %q already exists", in.Name)
			}
			return fmt.Errorf("save connection: %w", err)
		}
		for _, k := range credentialKeys(in.Credentials) {
			if err := e.secrets.Set(secretKey(id, k), in.Credentials[k]); err != nil {
				return err
			}
		}
		c, err = connectionByID(tx, id)
		return err
	})
	if err != nil {
		return c, err
	}
	for _, k := range drop {
		// The connection no longer names the key, so a leftover value is never used.
		if derr := e.secrets.Delete(secretKey(id, k)); derr != nil {
			e.log.Warn("cannot delete a replaced credential from the keyring", "key", secretKey(id, k), "err", derr)
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
		return nil, nil, invalid("%s takes no credentials", p.Title)
	}
	return nil, nil, invalid("%s needs %s", p.Title, strings.Join(options, ", or "))
}

// RemoveConnection forgets a connection, its bindings, runs and keyring entries. Invoices it
// brought in stay in the books, still naming their source.
func (e *Engine) RemoveConnection(ctx context.Context, id int64) error {
	if e.running(id) {
		return invalid("the connection is syncing: cancel the sync first")
	}
	var keys []string
	err := e.db.Update(ctx, func(tx *storage.Tx) error {
		c, err := connectionByID(tx, id)
		if err != nil {
			return err
		}
		keys = c.SecretKeys
		for _, q := range []string{`DELETE FROM sync_log WHERE connection_id = ?`, `DELETE FROM sync_runs WHERE connection_id = ?`,
			`DELETE FROM sync_bindings WHERE connection_id = ?`, `DELETE FROM sync_stock_events WHERE connection_id = ?`,
			`DELETE FROM sync_pushes WHERE connection_id = ?`, `DELETE FROM sync_watermarks WHERE connection_id = ?`,
			`DELETE FROM sync_retries WHERE connection_id = ?`, `DELETE FROM connections WHERE id = ?`} {
			if _, err := tx.Exec(q, id); err != nil {
				return fmt.Errorf("remove connection: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	var errs []error
	for _, k := range keys {
		if err := e.secrets.Delete(secretKey(id, k)); err != nil {
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
		rows, err := tx.Query(`SELECT ` + connCols + ` FROM connections ORDER BY name`)
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
	return Connection{}, invalid("no connection is named %q", name)
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
	poll_seconds, field_owners, push_products, options, secret_keys, created_at, updated_at`

type rowScanner interface{ Scan(...any) error }

func scanConnection(r rowScanner) (Connection, error) {
	var c Connection
	var start, states, owners, opts, keys, created, updated string
	var poll int64
	err := r.Scan(&c.ID, &c.Name, &c.Platform, &c.StoreURL, &c.ClientID, &c.WarehouseID, &c.BranchID, &start, &states,
		&poll, &owners, &c.PushProducts, &opts, &keys, &created, &updated)
	if err != nil {
		return c, err
	}
	c.StartDate, c.CreatedAt, c.UpdatedAt = parseTime(start), parseTime(created), parseTime(updated)
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
	c, err := scanConnection(tx.QueryRow(`SELECT `+connCols+` FROM connections WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, invalid("connection %d does not exist", id)
	}
	return c, err
}

// credentials reads a connection's credentials from the keyring for one use.
func (e *Engine) credentials(c Connection) (map[string]string, error) {
	out := map[string]string{}
	for _, k := range c.SecretKeys {
		v, err := e.secrets.Get(secretKey(c.ID, k))
		if errors.Is(err, ErrNoSecret) {
			return nil, fmt.Errorf("the %s credential of %q is missing from the keyring: enter it again in Connections", k, c.Name)
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
