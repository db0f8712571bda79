-- Store connections and the sync engine's bookkeeping.

CREATE TABLE connections (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE CHECK (name <> ''),
    platform        TEXT NOT NULL,
    store_url       TEXT NOT NULL,
    client_id       INTEGER NOT NULL REFERENCES clients(id),
    warehouse_id    INTEGER NOT NULL REFERENCES warehouses(id),
    branch_id       INTEGER NOT NULL REFERENCES branches(id),
    start_date      TEXT NOT NULL,
    invoice_states  TEXT NOT NULL,          -- JSON array of platform states
    poll_seconds    INTEGER NOT NULL,
    field_owners    TEXT NOT NULL,          -- JSON object: field -> store | books | both
    push_products   INTEGER NOT NULL DEFAULT 1,
    options         TEXT NOT NULL DEFAULT '{}',
    secret_keys     TEXT NOT NULL DEFAULT '[]', -- names (never values) of the secrets in the keyring
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

-- A store object bound to its local record: a variant to a product, a customer to a client, an
-- order to its sales invoice, a refund or cancellation to its return invoice.
CREATE TABLE sync_bindings (
    connection_id   INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('product', 'customer', 'order', 'refund', 'cancel')),
    external_id     TEXT NOT NULL,
    local_id        INTEGER NOT NULL,
    parent_id       TEXT NOT NULL DEFAULT '',
    stock_ref       TEXT NOT NULL DEFAULT '',
    store_values    TEXT NOT NULL DEFAULT '',   -- last synced values, store side (JSON)
    books_values    TEXT NOT NULL DEFAULT '',   -- last synced values, books side (JSON)
    store_qty       TEXT,                       -- the store's quantity as last accounted
    baseline_at     TEXT,                       -- when stock was first reconciled
    origin          TEXT NOT NULL DEFAULT '',   -- store, books or linked: who had the product first
    synced_at       TEXT NOT NULL,
    PRIMARY KEY (connection_id, kind, external_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX sync_bindings_product ON sync_bindings(connection_id, local_id) WHERE kind = 'product';
CREATE INDEX sync_bindings_local ON sync_bindings(connection_id, kind, local_id);

-- The store-side stock effect of a store document (a sale, a restock), once per document line.
CREATE TABLE sync_stock_events (
    connection_id   INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    key             TEXT NOT NULL,
    doc_kind        TEXT NOT NULL,      -- order or refund
    doc_id          TEXT NOT NULL,      -- the store document's id
    product_id      INTEGER NOT NULL REFERENCES products(id),
    delta           TEXT NOT NULL,
    store_at        TEXT NOT NULL,
    posted          INTEGER NOT NULL DEFAULT 0,  -- the document is in the books
    applied         INTEGER NOT NULL DEFAULT 0,  -- folded into the binding's store_qty
    PRIMARY KEY (connection_id, key)
) WITHOUT ROWID;
CREATE INDEX sync_stock_events_product ON sync_stock_events(connection_id, product_id);
CREATE INDEX sync_stock_events_doc ON sync_stock_events(connection_id, doc_kind, doc_id);

-- Stock changes sent to a store but not yet confirmed, so a crash in between can be finished.
CREATE TABLE sync_pushes (
    connection_id   INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    key             TEXT NOT NULL,
    product_id      INTEGER NOT NULL REFERENCES products(id),
    external_id     TEXT NOT NULL,
    stock_ref       TEXT NOT NULL,
    expected        TEXT NOT NULL,
    delta           TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (connection_id, key)
) WITHOUT ROWID;

-- Where each stream of a connection has got to.
CREATE TABLE sync_watermarks (
    connection_id   INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    stream          TEXT NOT NULL,
    value           TEXT NOT NULL,
    PRIMARY KEY (connection_id, stream)
) WITHOUT ROWID;

-- Store objects to try again next run (an order whose total did not match, a store error).
CREATE TABLE sync_retries (
    connection_id   INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    external_id     TEXT NOT NULL,
    store_ref       TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    last_error      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (connection_id, kind, external_id)
) WITHOUT ROWID;

CREATE TABLE sync_runs (
    id              INTEGER PRIMARY KEY,
    connection_id   INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    trigger         TEXT NOT NULL,
    started_at      TEXT NOT NULL,
    ended_at        TEXT,
    outcome         TEXT NOT NULL DEFAULT 'running',
    message         TEXT NOT NULL DEFAULT '',
    counts          TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX sync_runs_connection ON sync_runs(connection_id, id);

CREATE TABLE sync_log (
    id              INTEGER PRIMARY KEY,
    run_id          INTEGER NOT NULL REFERENCES sync_runs(id) ON DELETE CASCADE,
    connection_id   INTEGER NOT NULL,
    at              TEXT NOT NULL,
    level           TEXT NOT NULL CHECK (level IN ('info', 'warning', 'error')),
    kind            TEXT NOT NULL,
    message         TEXT NOT NULL,
    store_ref       TEXT NOT NULL DEFAULT '',
    external_id     TEXT NOT NULL DEFAULT '',
    doc_type        TEXT NOT NULL DEFAULT '',
    doc_id          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sync_log_run ON sync_log(run_id, id);
