-- Stock documents the merchant posts (goods received, goods issued, transfers between warehouses,
-- stock counts), archived products, and the ledger's movements dated by their documents.

-- A product with a history is archived rather than deleted: it stays in the books and its
-- documents, but is offered for nothing new and never created in a store.
ALTER TABLE products ADD COLUMN archived_at TEXT;

-- A posted stock document is never changed or deleted: a mistake is corrected by a reversing
-- document that names it (reverses_id), at most one per document.
CREATE TABLE stock_documents (
    id              INTEGER PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL CHECK (kind IN ('receive', 'issue', 'transfer', 'count')),
    seq             INTEGER NOT NULL,
    date            TEXT NOT NULL,
    warehouse_id    INTEGER NOT NULL REFERENCES warehouses(id),
    to_warehouse_id INTEGER REFERENCES warehouses(id),
    reverses_id     INTEGER UNIQUE REFERENCES stock_documents(id),
    note            TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    UNIQUE (kind, seq),
    CHECK ((kind = 'transfer') = (to_warehouse_id IS NOT NULL)),
    CHECK (to_warehouse_id IS NULL OR to_warehouse_id <> warehouse_id)
);
CREATE INDEX stock_documents_date ON stock_documents(date);

-- quantity: what the line moved (received, issued, transferred), or for a count the difference
-- it booked (either sign); unit_cost: the purchase price of goods received; counted: the
-- quantity a count found, and before: what the books held then.
CREATE TABLE stock_document_lines (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES stock_documents(id),
    position    INTEGER NOT NULL,
    product_id  INTEGER NOT NULL REFERENCES products(id),
    quantity    TEXT NOT NULL,
    unit_cost   TEXT,
    counted     TEXT,
    before      TEXT,
    UNIQUE (document_id, position)
);
CREATE INDEX stock_document_lines_product ON stock_document_lines(product_id);

CREATE TRIGGER stock_documents_no_update BEFORE UPDATE ON stock_documents
BEGIN SELECT RAISE(ABORT, 'posted stock documents cannot be changed'); END;
CREATE TRIGGER stock_documents_no_delete BEFORE DELETE ON stock_documents
BEGIN SELECT RAISE(ABORT, 'posted stock documents cannot be deleted'); END;
CREATE TRIGGER stock_document_lines_no_update BEFORE UPDATE ON stock_document_lines
BEGIN SELECT RAISE(ABORT, 'posted stock documents cannot be changed'); END;
CREATE TRIGGER stock_document_lines_no_delete BEFORE DELETE ON stock_document_lines
BEGIN SELECT RAISE(ABORT, 'posted stock documents cannot be changed'); END;

-- The ledger gains transfers, movements of stock documents, and each movement's date: its
-- document's date (an invoice's issue date, a requisition's or adjustment's date), which is
-- not when it was recorded (created_at). SQLite cannot widen a CHECK, so the table is rebuilt.
CREATE TABLE stock_movements_new (
    id           INTEGER PRIMARY KEY,
    product_id   INTEGER NOT NULL REFERENCES products(id),
    warehouse_id INTEGER NOT NULL REFERENCES warehouses(id),
    quantity     TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('inbound', 'outbound', 'sale', 'return', 'adjustment', 'transfer')),
    source_type  TEXT NOT NULL CHECK (source_type IN ('requisition', 'sales_invoice', 'return_invoice', 'adjustment', 'stock_document')),
    source_id    INTEGER NOT NULL,
    date         TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
INSERT INTO stock_movements_new(id, product_id, warehouse_id, quantity, kind, source_type, source_id, date, created_at)
SELECT m.id, m.product_id, m.warehouse_id, m.quantity, m.kind, m.source_type, m.source_id,
       COALESCE(CASE m.source_type
                    WHEN 'requisition' THEN (SELECT r.date FROM requisitions r WHERE r.id = m.source_id)
                    WHEN 'adjustment' THEN (SELECT a.date FROM adjustments a WHERE a.id = m.source_id)
                    ELSE (SELECT i.issue_date FROM invoices i WHERE i.id = m.source_id)
                END, m.created_at),
       m.created_at
FROM stock_movements m;
DROP TABLE stock_movements;
ALTER TABLE stock_movements_new RENAME TO stock_movements;
CREATE INDEX stock_movements_product ON stock_movements(product_id, warehouse_id);
CREATE INDEX stock_movements_source ON stock_movements(source_type, source_id);
CREATE TRIGGER stock_movements_no_update BEFORE UPDATE ON stock_movements
BEGIN SELECT RAISE(ABORT, 'stock movements are append-only'); END;
CREATE TRIGGER stock_movements_no_delete BEFORE DELETE ON stock_movements
BEGIN SELECT RAISE(ABORT, 'stock movements are append-only'); END;

-- A product's state in each store reads the newest log entry about it.
CREATE INDEX sync_log_doc ON sync_log(doc_type, doc_id);
