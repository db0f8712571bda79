-- Invoice search entries written once a transaction, when it commits. The trigger of migration
-- 0010 wrote an invoice's entry as the invoice was written, and SQLite's full-text index writes
-- what it holds to disk at every savepoint: a page of orders posted in one transaction, each
-- order in a savepoint of its own, flushed the index once per order. The transaction that writes
-- invoices now writes their entries itself, all in one statement before it commits (see
-- Tx.writeSearch), so the index is written once per page. What the trigger wrote stays: every
-- invoice of books written before has its entry, and the entries are the same.
DROP TRIGGER invoice_search_insert;
