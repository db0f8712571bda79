-- The business's details printed on its invoices, and who issues the tax invoice of a store's sale.

-- One row per detail: branch_id 0 holds the business's own value, a branch's row overrides it on
-- that branch's invoices. Keys: name_ar, name_en, vat_number, cr_number, address_ar, address_en
-- (text) and logo (the image file's bytes, PNG or JPEG).
CREATE TABLE seller_settings (
    branch_id  INTEGER NOT NULL DEFAULT 0,
    key        TEXT NOT NULL CHECK (key IN ('name_ar', 'name_en', 'vat_number', 'cr_number', 'address_ar', 'address_en', 'logo')),
    value      BLOB NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (branch_id, key)
) WITHOUT ROWID;

-- Who issues the tax invoice of a connection's sales: 'mizan' (its own simplified tax invoice with
-- the QR) or 'store' (the store issues and reports it; Mizan's document prints as a copy). A
-- connection without a row is 'mizan'.
CREATE TABLE invoice_issuers (
    connection_id INTEGER PRIMARY KEY REFERENCES connections(id),
    issuer        TEXT NOT NULL CHECK (issuer IN ('mizan', 'store')),
    updated_at    TEXT NOT NULL
);
