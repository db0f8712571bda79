-- Invoice search. The invoice list finds an invoice by any part of its number, its store order's
-- name or its client's name. Those used to be matched with LIKE '%…%' against every invoice; these
-- trigram indexes (every three characters of a text, case folded) find the few invoices and clients
-- holding a typed text of three characters or more, and the search then checks each of them with
-- the same LIKE, so it finds exactly what it found before. Shorter texts still read every invoice.
--
-- An issued invoice never changes, so its entry is written once, when it is issued. A client can be
-- renamed: the client's own entry follows, and the invoices find the client by id, so an invoice is
-- found by the name its client has now.
CREATE VIRTUAL TABLE invoice_search USING fts5(
    number, source_order_name,
    content = 'invoices', content_rowid = 'id', tokenize = 'trigram', detail = 'none'
);
INSERT INTO invoice_search(invoice_search) VALUES ('rebuild');
CREATE TRIGGER invoice_search_insert AFTER INSERT ON invoices BEGIN
    INSERT INTO invoice_search(rowid, number, source_order_name) VALUES (new.id, new.number, new.source_order_name);
END;

CREATE VIRTUAL TABLE client_search USING fts5(
    name,
    content = 'clients', content_rowid = 'id', tokenize = 'trigram', detail = 'none'
);
INSERT INTO client_search(client_search) VALUES ('rebuild');
CREATE TRIGGER client_search_insert AFTER INSERT ON clients BEGIN
    INSERT INTO client_search(rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER client_search_update AFTER UPDATE OF name ON clients BEGIN
    INSERT INTO client_search(client_search, rowid, name) VALUES ('delete', old.id, old.name);
    INSERT INTO client_search(rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER client_search_delete AFTER DELETE ON clients BEGIN
    INSERT INTO client_search(client_search, rowid, name) VALUES ('delete', old.id, old.name);
END;
