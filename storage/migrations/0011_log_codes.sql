-- The sync log's sentences in words a window can translate: the code of the engine's sentence and
-- its arguments (JSON), beside the English message. Older rows have neither and keep their message.
ALTER TABLE sync_log ADD COLUMN code TEXT NOT NULL DEFAULT '';
ALTER TABLE sync_log ADD COLUMN args TEXT NOT NULL DEFAULT '';
