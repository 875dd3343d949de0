-- 0007 (issue 12, branch import3): a big import logs its new opinions,
-- agenda items and meetings in the search change log (0004) with one
-- INSERT … SELECT per table instead of one trigger run per row.
--
-- While a row is in search_log_bulk — only ever inside the importing
-- transaction, which removes it again before it commits — the three insert
-- triggers below do nothing; the import then logs every row it added (ids
-- above the highest id before the import) itself. Other connections never
-- see the row (it is not committed), so their inserts log as before; a
-- transaction that fails or is killed takes the row back with everything
-- else. The log's content after the import is the same set of changes.
CREATE TABLE search_log_bulk (
    one INTEGER PRIMARY KEY CHECK (one = 1)
);

DROP TRIGGER search_opinion_insert;
CREATE TRIGGER search_opinion_insert AFTER INSERT ON opinions
WHEN NOT EXISTS (SELECT 1 FROM search_log_bulk)
BEGIN INSERT INTO search_changes (tbl, row_id) VALUES ('opinions', NEW.id); END;

DROP TRIGGER search_item_insert;
CREATE TRIGGER search_item_insert AFTER INSERT ON agenda_items
WHEN NOT EXISTS (SELECT 1 FROM search_log_bulk)
BEGIN INSERT INTO search_changes (tbl, row_id) VALUES ('agenda_items', NEW.id); END;

DROP TRIGGER search_meeting_insert;
CREATE TRIGGER search_meeting_insert AFTER INSERT ON meetings
WHEN NOT EXISTS (SELECT 1 FROM search_log_bulk)
BEGIN INSERT INTO search_changes (tbl, row_id) VALUES ('meetings', NEW.id); END;
