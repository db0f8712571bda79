-- Short invoice searches. A text of one or two characters is too short for the trigram indexes of
-- migration 0010, so it is matched with LIKE against every invoice. This index holds what such a
-- search reads (the number, the store order's name and the client) in the list's order (newest
-- first), so the search reads this narrow index instead of the invoices' rows, and a page of
-- results stops as soon as it is full.
CREATE INDEX invoices_search_scan ON invoices(issue_date, id, number, source_order_name, client_id);
