-- 0005 (branch readings, issue 13): search shows progress entries (plan,
-- actual, notes), evaluations and other node notes, milestones,
-- indicators, meeting places and 宿題 owners too, so their changes go into
-- the search change log (0004) like the rest.

CREATE TRIGGER search_progress_insert AFTER INSERT ON progress
BEGIN INSERT INTO search_changes (tbl, row_id) VALUES ('progress', NEW.id); END;
CREATE TRIGGER search_progress_delete AFTER DELETE ON progress
BEGIN INSERT INTO search_changes (tbl, row_id) VALUES ('progress', OLD.id); END;
CREATE TRIGGER search_progress_update
AFTER UPDATE OF id, node_id, fiscal_year, half, plan, actual, note ON progress
BEGIN
    INSERT INTO search_changes (tbl, row_id) VALUES ('progress', OLD.id);
    INSERT INTO search_changes (tbl, row_id) SELECT 'progress', NEW.id WHERE NEW.id <> OLD.id;
END;

CREATE TRIGGER search_note_insert AFTER INSERT ON node_notes
BEGIN INSERT INTO search_changes (tbl, row_id) VALUES ('node_notes', NEW.id); END;
CREATE TRIGGER search_note_delete AFTER DELETE ON node_notes
BEGIN INSERT INTO search_changes (tbl, row_id) VALUES ('node_notes', OLD.id); END;
CREATE TRIGGER search_note_update
AFTER UPDATE OF id, node_id, fiscal_year, label, text ON node_notes
BEGIN
    INSERT INTO search_changes (tbl, row_id) VALUES ('node_notes', OLD.id);
    INSERT INTO search_changes (tbl, row_id) SELECT 'node_notes', NEW.id WHERE NEW.id <> OLD.id;
END;

CREATE TRIGGER search_milestone_insert AFTER INSERT ON milestones
BEGIN INSERT INTO search_changes (tbl, row_id) VALUES ('milestones', NEW.id); END;
CREATE TRIGGER search_milestone_delete AFTER DELETE ON milestones
BEGIN INSERT INTO search_changes (tbl, row_id) VALUES ('milestones', OLD.id); END;
CREATE TRIGGER search_milestone_update AFTER UPDATE OF id, node_id, text ON milestones
BEGIN
    INSERT INTO search_changes (tbl, row_id) VALUES ('milestones', OLD.id);
    INSERT INTO search_changes (tbl, row_id) SELECT 'milestones', NEW.id WHERE NEW.id <> OLD.id;
END;

CREATE TRIGGER search_indicator_insert AFTER INSERT ON indicators
BEGIN INSERT INTO search_changes (tbl, row_id) VALUES ('indicators', NEW.id); END;
CREATE TRIGGER search_indicator_delete AFTER DELETE ON indicators
BEGIN INSERT INTO search_changes (tbl, row_id) VALUES ('indicators', OLD.id); END;
CREATE TRIGGER search_indicator_update AFTER UPDATE OF id, node_id, name ON indicators
BEGIN
    INSERT INTO search_changes (tbl, row_id) VALUES ('indicators', OLD.id);
    INSERT INTO search_changes (tbl, row_id) SELECT 'indicators', NEW.id WHERE NEW.id <> OLD.id;
END;

-- A node moved to another plan (or renumbered): what hangs under it is
-- dated by the plan.
CREATE TRIGGER search_node_children_update AFTER UPDATE OF id, plan_id ON plan_nodes
BEGIN
    INSERT INTO search_changes (tbl, row_id)
        SELECT 'progress', id FROM progress WHERE node_id IN (OLD.id, NEW.id);
    INSERT INTO search_changes (tbl, row_id)
        SELECT 'node_notes', id FROM node_notes WHERE node_id IN (OLD.id, NEW.id);
    INSERT INTO search_changes (tbl, row_id)
        SELECT 'milestones', id FROM milestones WHERE node_id IN (OLD.id, NEW.id);
    INSERT INTO search_changes (tbl, row_id)
        SELECT 'indicators', id FROM indicators WHERE node_id IN (OLD.id, NEW.id);
END;

CREATE TRIGGER search_plan_children_update AFTER UPDATE OF id, fiscal_year ON plans
BEGIN
    INSERT INTO search_changes (tbl, row_id)
        SELECT 'progress', x.id FROM progress x JOIN plan_nodes n ON n.id = x.node_id
        WHERE n.plan_id IN (OLD.id, NEW.id);
    INSERT INTO search_changes (tbl, row_id)
        SELECT 'node_notes', x.id FROM node_notes x JOIN plan_nodes n ON n.id = x.node_id
        WHERE n.plan_id IN (OLD.id, NEW.id);
    INSERT INTO search_changes (tbl, row_id)
        SELECT 'milestones', x.id FROM milestones x JOIN plan_nodes n ON n.id = x.node_id
        WHERE n.plan_id IN (OLD.id, NEW.id);
    INSERT INTO search_changes (tbl, row_id)
        SELECT 'indicators', x.id FROM indicators x JOIN plan_nodes n ON n.id = x.node_id
        WHERE n.plan_id IN (OLD.id, NEW.id);
END;

-- Meeting places.
CREATE TRIGGER search_meeting_insert AFTER INSERT ON meetings
BEGIN INSERT INTO search_changes (tbl, row_id) VALUES ('meetings', NEW.id); END;
CREATE TRIGGER search_meeting_delete AFTER DELETE ON meetings
BEGIN INSERT INTO search_changes (tbl, row_id) VALUES ('meetings', OLD.id); END;
CREATE TRIGGER search_meeting_place_update
AFTER UPDATE OF id, date, fiscal_year, number, place ON meetings
BEGIN
    INSERT INTO search_changes (tbl, row_id) VALUES ('meetings', OLD.id);
    INSERT INTO search_changes (tbl, row_id) SELECT 'meetings', NEW.id WHERE NEW.id <> OLD.id;
END;

-- Who a 宿題 is for.
CREATE TRIGGER search_opinion_owner_update AFTER UPDATE OF owner ON opinions
BEGIN INSERT INTO search_changes (tbl, row_id) VALUES ('opinions', NEW.id); END;
