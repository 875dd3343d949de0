-- 0003: a draft belongs to one session (one running app: process id and
-- start time), not to the OS user, so two sessions of one user never
-- overwrite each other's unsent text. A draft whose session is no longer
-- running is handed to the next session of the same user at its start.
-- Drafts from before this migration keep their text under the session
-- 'before-0003' (no such session runs: the next start adopts them).
CREATE TABLE drafts_by_session (
    id         INTEGER PRIMARY KEY,
    os_user    TEXT NOT NULL,
    session    TEXT NOT NULL,
    context    TEXT NOT NULL,
    text       TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (session, context)
);
INSERT INTO drafts_by_session (id, os_user, session, context, text, updated_at)
    SELECT id, os_user, 'before-0003', context, text, updated_at FROM drafts;
DROP TABLE drafts;
ALTER TABLE drafts_by_session RENAME TO drafts;
CREATE INDEX drafts_by_user ON drafts (os_user);
