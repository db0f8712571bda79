-- Payments: treasury and bank accounts, payment records (reserved; schema follows).
SELECT 1;
