-- A store's identity, removed connections that keep their history, and the books' own identity.

-- What the store says it is (Shopify: the shop's id; WooCommerce: the site's address). A store is
-- recognised by it when it is connected again, so its history is re-attached, never duplicated.
ALTER TABLE connections ADD COLUMN store_id TEXT NOT NULL DEFAULT '';
-- A removed connection keeps its row, bindings, stock events, pushes, watermarks and runs; it is
-- hidden, its name freed (removed_name keeps the name it had), and its keyring entries deleted.
ALTER TABLE connections ADD COLUMN removed_at TEXT NOT NULL DEFAULT '';
ALTER TABLE connections ADD COLUMN removed_name TEXT NOT NULL DEFAULT '';

-- At most one live connection per store.
CREATE UNIQUE INDEX connections_live_store ON connections(platform, store_id) WHERE store_id <> '' AND removed_at = '';
CREATE INDEX connections_store ON connections(platform, store_id);

-- The books' identity: a random id made with the database (or on the first open of books made
-- before it existed). Keyring entries are named by it, so two sets of books never share one.
CREATE TABLE books_meta (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    books_id        TEXT NOT NULL CHECK (length(books_id) = 32),
    -- 1 once the keyring entries named before books had an id were copied to this books' names
    legacy_secrets  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO books_meta(id, books_id) VALUES (1, lower(hex(randomblob(16))));
