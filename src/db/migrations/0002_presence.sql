-- 0002: who is taking minutes where, so that others see "記録中: USER".
-- One row per running session that is minuting; refreshed every few
-- seconds and removed when the session stops, so a row older than a few
-- heartbeats belongs to a session that died and is ignored.
CREATE TABLE presence (
    id         INTEGER PRIMARY KEY,
    os_user    TEXT NOT NULL,
    session    TEXT NOT NULL,      -- process id and start time of the session
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    seen_at    TEXT NOT NULL,
    UNIQUE (os_user, session)
);
