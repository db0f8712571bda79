-- An issued invoice or return, with its lines and charges, is never altered or deleted: a
-- correction is a new document (a return) that names it. The books already refused deleting an
-- invoice; these refuse every other change, as ZATCA's rules for e-invoicing solutions require.
CREATE TRIGGER invoices_no_update BEFORE UPDATE ON invoices
BEGIN SELECT RAISE(ABORT, 'issued invoices cannot be changed'); END;
CREATE TRIGGER invoice_lines_no_update BEFORE UPDATE ON invoice_lines
BEGIN SELECT RAISE(ABORT, 'issued invoices cannot be changed'); END;
CREATE TRIGGER invoice_lines_no_delete BEFORE DELETE ON invoice_lines
BEGIN SELECT RAISE(ABORT, 'issued invoices cannot be changed'); END;
CREATE TRIGGER invoice_charges_no_update BEFORE UPDATE ON invoice_charges
BEGIN SELECT RAISE(ABORT, 'issued invoices cannot be changed'); END;
CREATE TRIGGER invoice_charges_no_delete BEFORE DELETE ON invoice_charges
BEGIN SELECT RAISE(ABORT, 'issued invoices cannot be changed'); END;
