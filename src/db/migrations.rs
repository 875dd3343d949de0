//! Numbered schema migrations, embedded in the binary and applied on open.
//! A released migration is never edited; a change is a new file.
//! `PRAGMA user_version` holds the number of the last one applied.

use rusqlite::{Connection, TransactionBehavior};

use super::Result;

/// (version, why, SQL)
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "initial schema",
        include_str!("migrations/0001_initial.sql"),
    ),
    (
        2,
        "who is minuting which meeting",
        include_str!("migrations/0002_presence.sql"),
    ),
    (
        3,
        "drafts per session, not per OS user",
        include_str!("migrations/0003_drafts_by_session.sql"),
    ),
    (
        4,
        "a log of what search shows, for incremental indexes",
        include_str!("migrations/0004_search_changes.sql"),
    ),
    (
        5,
        "search everything: progress, evaluations, milestones, indicators, places, owners",
        include_str!("migrations/0005_search_everything.sql"),
    ),
    (
        6,
        "the audit log stores long runs of inserts compactly (packs)",
        include_str!("migrations/0006_audit_packs.sql"),
    ),
    (
        7,
        "a big import logs its new rows for search in one statement per table",
        include_str!("migrations/0007_search_log_bulk.sql"),
    ),
    (
        8,
        "CHECK constraints without IN lists (no temporary b-tree per insert)",
        include_str!("migrations/0008_checks_without_in.sql"),
    ),
];

/// The schema version this build writes.
pub const LATEST_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// Apply every migration newer than `current`, each in its own transaction
/// together with the bump of `user_version`.
pub fn apply(conn: &mut Connection, current: i64) -> Result<()> {
    for (version, _why, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Another process may have migrated while we waited for the lock.
        let now: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if now >= *version {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.execute_batch(&format!("PRAGMA user_version = {version}"))?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_consecutive_from_one() {
        for (i, (v, why, sql)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*v, i as i64 + 1);
            assert!(!why.is_empty());
            assert!(!sql.trim().is_empty());
        }
    }
}
