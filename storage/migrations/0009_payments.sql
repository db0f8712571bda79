-- Payments: the money behind invoices. Treasury accounts (the cash box, bank accounts) hold it;
-- each payment is an issued document that brings money into an account (a customer paying an
-- invoice) or takes it out (a refund paid back), numbered per branch without gaps. Like
-- invoices, an issued payment is never changed or deleted: a mistake is corrected by a reversing
-- payment that names it. Amounts are canonical decimal strings, always positive: the direction
-- says which way the money went.

CREATE TABLE treasury_accounts (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE CHECK (name <> ''),
    kind       TEXT NOT NULL CHECK (kind IN ('cash', 'bank')),
    iban       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
-- The cash box every set of books starts with; payment methods not mapped yet go to it.
INSERT INTO treasury_accounts(id, name, kind, created_at) VALUES (1, 'Cash', 'cash', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

CREATE TABLE payments (
    id                 INTEGER PRIMARY KEY,
    branch_id          INTEGER NOT NULL REFERENCES branches(id),
    seq                INTEGER NOT NULL,
    number             TEXT NOT NULL UNIQUE,
    direction          TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    account_id         INTEGER NOT NULL REFERENCES treasury_accounts(id),
    invoice_id         INTEGER NOT NULL REFERENCES invoices(id),
    currency           TEXT NOT NULL CHECK (length(currency) = 3),
    amount             TEXT NOT NULL,
    date               TEXT NOT NULL,
    method             TEXT NOT NULL DEFAULT '',
    method_title       TEXT NOT NULL DEFAULT '',
    reverses_id        INTEGER UNIQUE REFERENCES payments(id),
    notes              TEXT NOT NULL DEFAULT '',
    source_connection  TEXT NOT NULL DEFAULT '',
    source_platform    TEXT NOT NULL DEFAULT '',
    source_external_id TEXT NOT NULL DEFAULT '',
    source_order_name  TEXT NOT NULL DEFAULT '',
    created_at         TEXT NOT NULL,
    UNIQUE (branch_id, direction, seq)
);
CREATE INDEX payments_invoice ON payments(invoice_id);
CREATE INDEX payments_account ON payments(account_id, date);
CREATE TRIGGER payments_no_update BEFORE UPDATE ON payments
BEGIN SELECT RAISE(ABORT, 'issued payments cannot be changed'); END;
CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments
BEGIN SELECT RAISE(ABORT, 'issued payments cannot be deleted'); END;

-- The payment methods each connection's store has used, and the account each one pays into
-- (NULL: not chosen yet, so the cash box).
CREATE TABLE payment_methods (
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    method        TEXT NOT NULL CHECK (method <> ''),
    title         TEXT NOT NULL DEFAULT '',
    account_id    INTEGER REFERENCES treasury_accounts(id),
    first_seen_at TEXT NOT NULL,
    PRIMARY KEY (connection_id, method)
) WITHOUT ROWID;

-- The store payments (a Shopify transaction, a WooCommerce order's payment or refund) each
-- connection has brought into the books, so that reading an order again never pays it twice.
CREATE TABLE sync_payments (
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    external_id   TEXT NOT NULL,
    payment_id    INTEGER NOT NULL REFERENCES payments(id),
    PRIMARY KEY (connection_id, external_id)
) WITHOUT ROWID;

-- The tax document a store issued itself for an invoice's order or refund, when a connection's
-- store issues the tax invoices: its number and the text of its QR code, kept with the invoice
-- (set when the invoice is issued, never changed after).
ALTER TABLE invoices ADD COLUMN store_doc_number TEXT NOT NULL DEFAULT '';
ALTER TABLE invoices ADD COLUMN store_doc_qr TEXT NOT NULL DEFAULT '';
