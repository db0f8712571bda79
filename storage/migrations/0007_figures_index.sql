-- The dashboard's figures and the VAT report read a period's invoices by issue date; this index
-- holds every column the figures sum, so they are read from the index alone, in date order.
CREATE INDEX invoices_figures ON invoices(issue_date, currency, source_connection, type, total, tax);
