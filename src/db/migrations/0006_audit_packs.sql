-- 0006 (issue 12): the audit log stores a long run of inserts compactly.
-- A "pack" row holds up to 512 inserted rows of one table: their
-- after-images deflated in `pack` (JSON: ids, the column names once, one
-- array of values per row), how many in `pack_rows`, and the range of their
-- row ids in `row_id`..`row_last`. It takes the audit ids id ..
-- id + pack_rows - 1, one per row, so the numbering has no holes. Plain
-- rows (updates, deletes, small change sets) are unchanged; rows written
-- before this migration stay as they are and keep their hashes.
ALTER TABLE audit_log ADD COLUMN pack BLOB;
ALTER TABLE audit_log ADD COLUMN pack_rows INTEGER;
ALTER TABLE audit_log ADD COLUMN row_last INTEGER;
-- A row's packs (history, undo conflicts).
CREATE INDEX audit_pack_rows ON audit_log(tbl, row_id, row_last) WHERE pack IS NOT NULL;
