-- The notes Mizan writes itself on the documents it records (an inbound requisition's "store
-- quantity of …", an adjustment's reason) in words a window can translate: the code of the
-- engine's sentence and its arguments (JSON), beside the English kept in note and reason. Older
-- documents and the merchant's own notes have no code and are shown as written.
ALTER TABLE requisitions ADD COLUMN note_code TEXT NOT NULL DEFAULT '';
ALTER TABLE requisitions ADD COLUMN note_args TEXT NOT NULL DEFAULT '';
ALTER TABLE adjustments ADD COLUMN note_code TEXT NOT NULL DEFAULT '';
ALTER TABLE adjustments ADD COLUMN note_args TEXT NOT NULL DEFAULT '';
