-- 0004: what search shows changed, numbered, in the same transaction as the
-- change (triggers), so every process brings its search index up to date
-- by reading the tail of this log from the last number it applied instead
-- of rebuilding. Writes search does not show (drafts, presence, audit,
-- batches …) add nothing here. The log keeps about the last 50 000 changes;
-- a process whose last number was pruned rebuilds its index in full.
CREATE TABLE search_changes (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    tbl    TEXT NOT NULL,      -- opinions, agenda_items, plan_nodes
    row_id INTEGER NOT NULL
);

CREATE TRIGGER search_changes_prune AFTER INSERT ON search_changes
WHEN NEW.seq % 1000 = 0
BEGIN DELETE FROM search_changes WHERE seq <= NEW.seq - 50000; END;

CREATE TRIGGER search_opinion_insert AFTER INSERT ON opinions
BEGIN INSERT INTO search_changes (tbl, row_id) VALUES ('opinions', NEW.id); END;
CREATE TRIGGER search_opinion_delete AFTER DELETE ON opinions
BEGIN INSERT INTO search_changes (tbl, row_id) VALUES ('opinions', OLD.id); END;
CREATE TRIGGER search_opinion_update AFTER UPDATE OF id, text, kind, speaker_title_id, item_id ON opinions
BEGIN
    INSERT INTO search_changes (tbl, row_id) VALUES ('opinions', OLD.id);
    INSERT INTO search_changes (tbl, row_id) SELECT 'opinions', NEW.id WHERE NEW.id <> OLD.id;
END;

CREATE TRIGGER search_item_insert AFTER INSERT ON agenda_items
BEGIN INSERT INTO search_changes (tbl, row_id) VALUES ('agenda_items', NEW.id); END;
CREATE TRIGGER search_item_delete AFTER DELETE ON agenda_items
BEGIN INSERT INTO search_changes (tbl, row_id) VALUES ('agenda_items', OLD.id); END;
CREATE TRIGGER search_item_update AFTER UPDATE OF id, title, summary, meeting_id ON agenda_items
BEGIN
    INSERT INTO search_changes (tbl, row_id) VALUES ('agenda_items', OLD.id);
    INSERT INTO search_changes (tbl, row_id) SELECT 'agenda_items', NEW.id WHERE NEW.id <> OLD.id;
    -- Its opinions take their date and meeting from it.
    INSERT INTO search_changes (tbl, row_id)
        SELECT 'opinions', id FROM opinions
        WHERE item_id = NEW.id AND (NEW.meeting_id <> OLD.meeting_id OR NEW.id <> OLD.id);
END;

-- A meeting's date, fiscal year and number are in every entry under it.
CREATE TRIGGER search_meeting_update AFTER UPDATE OF id, date, fiscal_year, number ON meetings
BEGIN
    INSERT INTO search_changes (tbl, row_id)
        SELECT 'agenda_items', id FROM agenda_items WHERE meeting_id IN (OLD.id, NEW.id);
    INSERT INTO search_changes (tbl, row_id)
        SELECT 'opinions', o.id FROM opinions o JOIN agenda_items i ON i.id = o.item_id
        WHERE i.meeting_id IN (OLD.id, NEW.id);
END;

CREATE TRIGGER search_node_insert AFTER INSERT ON plan_nodes
BEGIN INSERT INTO search_changes (tbl, row_id) VALUES ('plan_nodes', NEW.id); END;
CREATE TRIGGER search_node_delete AFTER DELETE ON plan_nodes
BEGIN INSERT INTO search_changes (tbl, row_id) VALUES ('plan_nodes', OLD.id); END;
CREATE TRIGGER search_node_update AFTER UPDATE OF id, title, body, plan_id ON plan_nodes
BEGIN
    INSERT INTO search_changes (tbl, row_id) VALUES ('plan_nodes', OLD.id);
    INSERT INTO search_changes (tbl, row_id) SELECT 'plan_nodes', NEW.id WHERE NEW.id <> OLD.id;
END;

-- A plan's fiscal year dates its nodes.
CREATE TRIGGER search_plan_update AFTER UPDATE OF id, fiscal_year ON plans
BEGIN
    INSERT INTO search_changes (tbl, row_id)
        SELECT 'plan_nodes', id FROM plan_nodes WHERE plan_id IN (OLD.id, NEW.id);
END;

-- The speaker filter (@職名) reads the job title's name, and whether a
-- title of exactly that name exists.
CREATE TRIGGER search_title_update AFTER UPDATE OF name ON job_titles
BEGIN
    INSERT INTO search_changes (tbl, row_id) VALUES ('job_titles', NEW.id);
    INSERT INTO search_changes (tbl, row_id)
        SELECT 'opinions', id FROM opinions WHERE speaker_title_id = NEW.id;
END;
CREATE TRIGGER search_title_insert AFTER INSERT ON job_titles
BEGIN INSERT INTO search_changes (tbl, row_id) VALUES ('job_titles', NEW.id); END;
CREATE TRIGGER search_title_delete AFTER DELETE ON job_titles
BEGIN INSERT INTO search_changes (tbl, row_id) VALUES ('job_titles', OLD.id); END;
