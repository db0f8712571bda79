-- A connection whose store refused to renew its credentials for good (a refresh token revoked,
-- expired or already spent) needs the merchant to connect it again. Until they do, it is not
-- synced: reconnect_message says what happened and what to do (never a credential), reconnect_at
-- when it was found. Editing the connection's credentials clears both.
ALTER TABLE connections ADD COLUMN reconnect_message TEXT NOT NULL DEFAULT '';
ALTER TABLE connections ADD COLUMN reconnect_at TEXT NOT NULL DEFAULT '';
