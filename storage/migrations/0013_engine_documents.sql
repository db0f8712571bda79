-- The stock documents Mizan records itself (a store's quantity brought in by an inbound
-- requisition when a product is imported, an adjustment when a sync sets the books to a store's
-- count) are listed beside the merchant's own: each says which store connection it came from.
-- Connections are never deleted (a removed one keeps its name in removed_name), so the link holds.
ALTER TABLE requisitions ADD COLUMN connection_id INTEGER REFERENCES connections(id);
ALTER TABLE adjustments ADD COLUMN connection_id INTEGER REFERENCES connections(id);

-- The documents list reads them newest first and counts each requisition's lines (and so does
-- what follows).
CREATE INDEX requisitions_date ON requisitions(date);
CREATE INDEX adjustments_date ON adjustments(date);
CREATE INDEX requisition_lines_requisition ON requisition_lines(requisition_id);

-- Documents recorded before: a requisition whose number a sync's log entry about its product
-- names came from that entry's connection.
UPDATE requisitions SET connection_id = (
    SELECT l.connection_id FROM sync_log l
    WHERE l.doc_type = 'product'
      AND l.doc_id IN (SELECT rl.product_id FROM requisition_lines rl WHERE rl.requisition_id = requisitions.id)
      AND instr(l.message, requisitions.number) > 0
    LIMIT 1);

-- Otherwise (an adjustment's log entry does not name it, and a log may have been cleared) the
-- one connection that has the product and books its stock in the document's warehouse; none
-- when two connections share the product and the warehouse.
UPDATE requisitions SET connection_id = (
    SELECT MIN(c.id) FROM connections c
    WHERE c.warehouse_id = requisitions.warehouse_id AND EXISTS (
        SELECT 1 FROM requisition_lines rl
        JOIN sync_bindings b ON b.connection_id = c.id AND b.kind = 'product' AND b.local_id = rl.product_id
        WHERE rl.requisition_id = requisitions.id)
    HAVING COUNT(*) = 1)
WHERE connection_id IS NULL;
UPDATE adjustments SET connection_id = (
    SELECT MIN(c.id) FROM connections c
    WHERE c.warehouse_id = adjustments.warehouse_id AND EXISTS (
        SELECT 1 FROM sync_bindings b
        WHERE b.connection_id = c.id AND b.kind = 'product' AND b.local_id = adjustments.product_id)
    HAVING COUNT(*) = 1)
WHERE connection_id IS NULL;
