-- Stock documents: outbound requisitions, transfers and counts (reserved; schema follows).
SELECT 1;
