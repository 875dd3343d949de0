//! Drafts: the unsent text of an input line, per session (one running app:
//! process id and start time) and place. Two sessions of one OS user keep
//! separate drafts; a draft whose session is no longer running (a crash,
//! `kill -9`, a hang-up) is adopted by the next session of the same user
//! at its start, so it is offered back instead of overwritten or lost.

use rusqlite::{params, OptionalExtension};

use super::{now_stamp, Result, Store, Tx};

/// A draft handed over from a session that is no longer running.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdoptedDraft {
    pub context: String,
    pub text: String,
    /// The session that left it.
    pub from: String,
}

impl Store {
    /// This session's draft of an input line.
    pub fn draft(&self, context: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT text FROM drafts WHERE session = ?1 AND context = ?2",
                params![self.session(), context],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Every draft of this OS user, any session (context, text), newest
    /// first.
    pub fn drafts(&self) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn().prepare(
            "SELECT context, text FROM drafts WHERE os_user = ?1 ORDER BY updated_at DESC, id DESC",
        )?;
        let rows = stmt
            .query_map([self.user()], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Save this session's unsent text of an input line (not audited: it
    /// is scratch). An empty text removes the draft.
    pub fn save_draft(&mut self, context: &str, text: &str) -> Result<()> {
        let (user, session) = (self.user().to_string(), self.session().to_string());
        self.write(|tx| {
            if text.is_empty() {
                clear(tx, &session, context)?;
                return Ok(());
            }
            put(tx, &user, &session, context, text)
        })
    }

    /// Add `text` to this session's draft of `context` (after what is
    /// there, if anything): how recovered text is given back.
    pub fn append_draft(&mut self, context: &str, text: &str) -> Result<String> {
        let (user, session) = (self.user().to_string(), self.session().to_string());
        self.write(|tx| append(tx, &user, &session, context, text))
    }

    /// Take over the drafts this OS user's sessions left behind when they
    /// stopped without saving them (their process is gone): each is added
    /// to this session's draft of the same place, in one transaction, and
    /// returned so the screen can say so. Live sessions are left alone.
    pub fn adopt_orphan_drafts(&mut self) -> Result<Vec<AdoptedDraft>> {
        let (user, session) = (self.user().to_string(), self.session().to_string());
        let orphans: Vec<(i64, AdoptedDraft)> = {
            let mut stmt = self.conn().prepare(
                "SELECT id, context, text, session FROM drafts
                 WHERE os_user = ?1 AND session <> ?2 ORDER BY updated_at, id",
            )?;
            let rows = stmt
                .query_map(params![user, session], |r| {
                    Ok((
                        r.get(0)?,
                        AdoptedDraft {
                            context: r.get(1)?,
                            text: r.get(2)?,
                            from: r.get(3)?,
                        },
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.into_iter()
                .filter(|(_, d)| !session_running(&d.from))
                .collect()
        };
        if orphans.is_empty() {
            return Ok(Vec::new());
        }
        self.write(|tx| {
            let mut adopted = Vec::new();
            for (id, d) in &orphans {
                // Another session may have adopted it meanwhile.
                let gone = tx
                    .conn()
                    .execute("DELETE FROM drafts WHERE id = ?1", [id])?
                    == 0;
                if !gone && !d.text.is_empty() {
                    append(tx, &user, &session, &d.context, &d.text)?;
                    adopted.push(d.clone());
                }
            }
            Ok(adopted)
        })
    }
}

/// Whether the session named `session` ("pid-nanos") is still running on
/// this machine. Everyone runs on the same server, so a process id that no
/// longer exists means the session ended; a name that is not ours (such as
/// the drafts from before migration 0003) belongs to no running session.
pub fn session_running(session: &str) -> bool {
    if let Ok(open) = OPEN.lock() {
        if open.iter().any(|s| s == session) {
            return true;
        }
    }
    let Some(pid) = session
        .split_once('-')
        .and_then(|(p, _)| p.parse::<i32>().ok())
        .filter(|p| *p > 0)
    else {
        return false;
    };
    // Our own process: only the stores still open here are running.
    if pid as u32 == std::process::id() {
        return false;
    }
    // SAFETY: signal 0 only checks that the process exists.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// The sessions of the stores open in this process.
static OPEN: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// A store of this process opened (`open`) or closed as `session`.
pub(super) fn track(session: &str, open: bool) {
    if let Ok(mut all) = OPEN.lock() {
        all.retain(|s| s != session);
        if open {
            all.push(session.to_string());
        }
    }
}

/// Remove this session's draft of `context` (in the transaction that saves
/// the entry it became).
pub(super) fn clear(tx: &Tx, session: &str, context: &str) -> Result<()> {
    tx.conn().execute(
        "DELETE FROM drafts WHERE session = ?1 AND context = ?2",
        params![session, context],
    )?;
    Ok(())
}

fn put(tx: &Tx, user: &str, session: &str, context: &str, text: &str) -> Result<()> {
    tx.conn().execute(
        "INSERT INTO drafts (os_user, session, context, text, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (session, context) DO UPDATE SET text = excluded.text,
           updated_at = excluded.updated_at",
        params![user, session, context, text, now_stamp()],
    )?;
    Ok(())
}

fn append(tx: &Tx, user: &str, session: &str, context: &str, text: &str) -> Result<String> {
    let mine: Option<String> = tx
        .conn()
        .query_row(
            "SELECT text FROM drafts WHERE session = ?1 AND context = ?2",
            params![session, context],
            |r| r.get(0),
        )
        .optional()?;
    let joined = match mine.filter(|m| !m.trim().is_empty()) {
        Some(m) if m.contains(text) => m,
        Some(m) => format!("{m} {text}"),
        None => text.to_string(),
    };
    put(tx, user, session, context, &joined)?;
    Ok(joined)
}
