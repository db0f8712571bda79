-- The books: branches, warehouses, catalogue, stock ledger, clients and invoices.
-- Every amount and quantity is a canonical decimal string (never REAL).

CREATE TABLE branches (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE CHECK (code <> ''),
    name       TEXT NOT NULL UNIQUE CHECK (name <> ''),
    created_at TEXT NOT NULL
);

CREATE TABLE warehouses (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE CHECK (name <> ''),
    branch_id  INTEGER REFERENCES branches(id),
    created_at TEXT NOT NULL
);

CREATE TABLE categories (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (name <> '')
);

CREATE TABLE products (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE CHECK (code <> ''),
    barcode        TEXT,
    name           TEXT NOT NULL CHECK (name <> ''),
    category_id    INTEGER REFERENCES categories(id),
    purchase_price TEXT NOT NULL DEFAULT '0',
    sale_price     TEXT NOT NULL DEFAULT '0',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX products_barcode ON products(barcode) WHERE barcode IS NOT NULL AND barcode <> '';
CREATE INDEX products_name ON products(name);

-- Requisitions: manual inbound and outbound stock documents.
CREATE TABLE requisitions (
    id           INTEGER PRIMARY KEY,
    number       TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL CHECK (kind IN ('inbound', 'outbound')),
    warehouse_id INTEGER NOT NULL REFERENCES warehouses(id),
    date         TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);
CREATE TABLE requisition_lines (
    id             INTEGER PRIMARY KEY,
    requisition_id INTEGER NOT NULL REFERENCES requisitions(id),
    product_id     INTEGER NOT NULL REFERENCES products(id),
    quantity       TEXT NOT NULL
);

-- Stock adjustments (a counted or externally observed quantity that differs from the books).
CREATE TABLE adjustments (
    id           INTEGER PRIMARY KEY,
    number       TEXT NOT NULL UNIQUE,
    warehouse_id INTEGER NOT NULL REFERENCES warehouses(id),
    product_id   INTEGER NOT NULL REFERENCES products(id),
    quantity     TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    date         TEXT NOT NULL,
    created_at   TEXT NOT NULL
);

-- The stock ledger: append-only. Stock per product and warehouse is the sum of its movements;
-- stock_levels holds that sum, maintained in the same transaction as each movement.
CREATE TABLE stock_movements (
    id           INTEGER PRIMARY KEY,
    product_id   INTEGER NOT NULL REFERENCES products(id),
    warehouse_id INTEGER NOT NULL REFERENCES warehouses(id),
    quantity     TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('inbound', 'outbound', 'sale', 'return', 'adjustment')),
    source_type  TEXT NOT NULL CHECK (source_type IN ('requisition', 'sales_invoice', 'return_invoice', 'adjustment')),
    source_id    INTEGER NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX stock_movements_product ON stock_movements(product_id, warehouse_id);
CREATE INDEX stock_movements_source ON stock_movements(source_type, source_id);
CREATE TRIGGER stock_movements_no_update BEFORE UPDATE ON stock_movements
BEGIN SELECT RAISE(ABORT, 'stock movements are append-only'); END;
CREATE TRIGGER stock_movements_no_delete BEFORE DELETE ON stock_movements
BEGIN SELECT RAISE(ABORT, 'stock movements are append-only'); END;

CREATE TABLE stock_levels (
    product_id   INTEGER NOT NULL REFERENCES products(id),
    warehouse_id INTEGER NOT NULL REFERENCES warehouses(id),
    quantity     TEXT NOT NULL,
    PRIMARY KEY (product_id, warehouse_id)
) WITHOUT ROWID;

CREATE TABLE clients (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL CHECK (name <> ''),
    email      TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    phone_e164 TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX clients_phone ON clients(phone_e164) WHERE phone_e164 <> '';
CREATE INDEX clients_email ON clients(lower(email)) WHERE email <> '';
CREATE INDEX clients_name ON clients(name);

-- Gap-free document numbering: one counter per branch and document type, advanced in the
-- same transaction as the document it numbers.
CREATE TABLE number_sequences (
    branch_id INTEGER NOT NULL REFERENCES branches(id),
    doc_type  TEXT NOT NULL,
    last      INTEGER NOT NULL,
    PRIMARY KEY (branch_id, doc_type)
) WITHOUT ROWID;

CREATE TABLE invoices (
    id                  INTEGER PRIMARY KEY,
    type                TEXT NOT NULL CHECK (type IN ('sales', 'return')),
    branch_id           INTEGER NOT NULL REFERENCES branches(id),
    seq                 INTEGER NOT NULL,
    number              TEXT NOT NULL UNIQUE,
    client_id           INTEGER NOT NULL REFERENCES clients(id),
    warehouse_id        INTEGER NOT NULL REFERENCES warehouses(id),
    currency            TEXT NOT NULL CHECK (length(currency) = 3),
    issue_date          TEXT NOT NULL,
    tax_inclusive       INTEGER NOT NULL DEFAULT 0,
    original_invoice_id INTEGER REFERENCES invoices(id),
    subtotal            TEXT NOT NULL,
    discount            TEXT NOT NULL,
    shipping            TEXT NOT NULL,
    other_charges       TEXT NOT NULL,
    tax                 TEXT NOT NULL,
    total               TEXT NOT NULL,
    notes               TEXT NOT NULL DEFAULT '',
    source_connection   TEXT NOT NULL DEFAULT '',
    source_platform     TEXT NOT NULL DEFAULT '',
    source_external_id  TEXT NOT NULL DEFAULT '',
    source_order_name   TEXT NOT NULL DEFAULT '',
    created_at          TEXT NOT NULL,
    UNIQUE (branch_id, type, seq),
    CHECK ((type = 'return') = (original_invoice_id IS NOT NULL))
);
CREATE INDEX invoices_date ON invoices(issue_date);
CREATE INDEX invoices_client ON invoices(client_id);
CREATE INDEX invoices_original ON invoices(original_invoice_id);
CREATE INDEX invoices_order_name ON invoices(source_order_name) WHERE source_order_name <> '';

CREATE TABLE invoice_lines (
    id               INTEGER PRIMARY KEY,
    invoice_id       INTEGER NOT NULL REFERENCES invoices(id),
    position         INTEGER NOT NULL,
    product_id       INTEGER REFERENCES products(id),
    description      TEXT NOT NULL,
    quantity         TEXT NOT NULL,
    unit_price       TEXT NOT NULL,
    discount         TEXT NOT NULL,
    tax              TEXT NOT NULL,
    total            TEXT NOT NULL,
    restock          INTEGER NOT NULL DEFAULT 1,
    UNIQUE (invoice_id, position)
);
CREATE INDEX invoice_lines_product ON invoice_lines(product_id);

-- Shipping and other additional costs of an invoice.
CREATE TABLE invoice_charges (
    id          INTEGER PRIMARY KEY,
    invoice_id  INTEGER NOT NULL REFERENCES invoices(id),
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('shipping', 'fee', 'other')),
    description TEXT NOT NULL,
    amount      TEXT NOT NULL,
    tax         TEXT NOT NULL,
    UNIQUE (invoice_id, position)
);

CREATE TRIGGER invoices_no_delete BEFORE DELETE ON invoices
BEGIN SELECT RAISE(ABORT, 'issued invoices cannot be deleted'); END;
