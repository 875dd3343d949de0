-- 0001: the initial schema.
-- Dates are ISO text (YYYY-MM-DD), times HH:MM, timestamps RFC 3339 UTC.
-- Every table has an integer id so the audit log can name any row.
-- `version` counts saves of a row, for detecting concurrent edits.

CREATE TABLE committees (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    organisation TEXT NOT NULL DEFAULT '',
    preamble     TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE meetings (
    id           INTEGER PRIMARY KEY,
    committee_id INTEGER NOT NULL REFERENCES committees(id),
    fiscal_year  INTEGER NOT NULL,
    number       INTEGER NOT NULL CHECK (number > 0),
    date         TEXT NOT NULL,
    start_time   TEXT,
    end_time     TEXT,
    place        TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'held'
                 CHECK (status IN ('scheduled', 'held', 'published', 'cancelled')),
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    UNIQUE (committee_id, fiscal_year, number)
);
CREATE INDEX meetings_date ON meetings(date);

-- Job titles (職名), in the order of the organisation. A title renamed by a
-- reorganisation (組織改正) points at the title it was merged into.
CREATE TABLE job_titles (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    sort_order  INTEGER NOT NULL DEFAULT 0,
    merged_into INTEGER REFERENCES job_titles(id)
);

CREATE TABLE attendance (
    id           INTEGER PRIMARY KEY,
    meeting_id   INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    job_title_id INTEGER NOT NULL REFERENCES job_titles(id),
    position     INTEGER NOT NULL,
    UNIQUE (meeting_id, job_title_id)
);
CREATE INDEX attendance_title ON attendance(job_title_id);

CREATE TABLE agenda_items (
    id         INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    number     INTEGER NOT NULL,
    title      TEXT NOT NULL,
    summary    TEXT NOT NULL DEFAULT '',
    version    INTEGER NOT NULL DEFAULT 1,
    UNIQUE (meeting_id, number)
);

CREATE TABLE opinions (
    id               INTEGER PRIMARY KEY,
    item_id          INTEGER NOT NULL REFERENCES agenda_items(id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    text             TEXT NOT NULL,
    kind             TEXT NOT NULL DEFAULT 'opinion'
                     CHECK (kind IN ('opinion', 'decision', 'action')),
    speaker_title_id INTEGER REFERENCES job_titles(id),
    visibility       TEXT NOT NULL DEFAULT 'public'
                     CHECK (visibility IN ('public', 'internal')),
    owner            TEXT,
    due_date         TEXT,
    closed_at        TEXT,
    closed_by        TEXT,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    updated_by       TEXT NOT NULL
);
CREATE INDEX opinions_item ON opinions(item_id, position);

CREATE TABLE plans (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL DEFAULT '',
    title        TEXT NOT NULL,
    organisation TEXT NOT NULL DEFAULT '',
    fiscal_year  INTEGER,
    status_scale TEXT NOT NULL DEFAULT '[]',   -- JSON array of status names
    version      INTEGER NOT NULL DEFAULT 1
);

-- The tree: level names are data (経営課題, 戦略, 具体的取組, テーマ …).
CREATE TABLE plan_nodes (
    id              INTEGER PRIMARY KEY,
    plan_id         INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    parent_id       INTEGER REFERENCES plan_nodes(id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    level           TEXT NOT NULL,
    code            TEXT NOT NULL DEFAULT '',
    title           TEXT NOT NULL,
    body            TEXT NOT NULL DEFAULT '',
    budget_kyen     INTEGER,                   -- NULL: no budget ("-円"), not zero
    lead_department TEXT,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX plan_nodes_parent ON plan_nodes(plan_id, parent_id, position);

CREATE TABLE node_co_departments (
    id       INTEGER PRIMARY KEY,
    node_id  INTEGER NOT NULL REFERENCES plan_nodes(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name     TEXT NOT NULL,
    UNIQUE (node_id, name)
);

CREATE TABLE node_notes (
    id          INTEGER PRIMARY KEY,
    node_id     INTEGER NOT NULL REFERENCES plan_nodes(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    label       TEXT NOT NULL,
    fiscal_year INTEGER,
    text        TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE progress (
    id          INTEGER PRIMARY KEY,
    node_id     INTEGER NOT NULL REFERENCES plan_nodes(id) ON DELETE CASCADE,
    fiscal_year INTEGER NOT NULL,
    half        TEXT NOT NULL CHECK (half IN ('first', 'second', 'year')),
    plan        TEXT NOT NULL DEFAULT '',
    actual      TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT '',
    grade       TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    UNIQUE (node_id, fiscal_year, half)
);

CREATE TABLE indicators (
    id       INTEGER PRIMARY KEY,
    node_id  INTEGER NOT NULL REFERENCES plan_nodes(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name     TEXT NOT NULL,
    unit     TEXT NOT NULL DEFAULT '',
    target   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE indicator_values (
    id           INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
    fiscal_year  INTEGER NOT NULL,
    half         TEXT NOT NULL CHECK (half IN ('first', 'second', 'year')),
    actual       TEXT NOT NULL DEFAULT '',
    UNIQUE (indicator_id, fiscal_year, half)
);

CREATE TABLE milestones (
    id        INTEGER PRIMARY KEY,
    node_id   INTEGER NOT NULL REFERENCES plan_nodes(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    date      TEXT NOT NULL,
    precision TEXT NOT NULL DEFAULT 'day' CHECK (precision IN ('day', 'month', 'fiscal_year')),
    until     TEXT,
    text      TEXT NOT NULL,
    done      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE item_links (
    id         INTEGER PRIMARY KEY,
    item_id    INTEGER NOT NULL REFERENCES agenda_items(id) ON DELETE CASCADE,
    node_id    INTEGER NOT NULL REFERENCES plan_nodes(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (item_id, node_id)
);

-- Unsent text of an input line, per user and place, so nothing typed is lost.
CREATE TABLE drafts (
    id         INTEGER PRIMARY KEY,
    os_user    TEXT NOT NULL,
    context    TEXT NOT NULL,
    text       TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (os_user, context)
);

-- One row per saved change set (one write transaction); undo works on these.
CREATE TABLE batches (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    os_user TEXT NOT NULL,
    label   TEXT NOT NULL DEFAULT '',
    undoes  INTEGER REFERENCES batches(id)
);

-- Append-only: every change, in the same transaction as the change.
-- `hash` chains each row to the previous one so tampering is detectable.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    batch     INTEGER NOT NULL REFERENCES batches(id),
    at        TEXT NOT NULL,
    os_user   TEXT NOT NULL,
    uid       INTEGER NOT NULL,
    tbl       TEXT NOT NULL,
    row_id    INTEGER NOT NULL,
    action    TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    before    TEXT,
    after     TEXT,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_row ON audit_log(tbl, row_id);
CREATE INDEX audit_batch ON audit_log(batch);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
