-- Invoice search: what finds an invoice by number, client or store order quickly (reserved; schema follows).
SELECT 1;
