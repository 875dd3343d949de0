//! Earlier queries, per user, kept across restarts in the user's state
//! directory (`$XDG_STATE_HOME/kusei/search-history`, one query a line,
//! newest last). Ctrl-R (or ↑ on the first result) steps back through the
//! queries holding what was typed, ↓ forward again, as shells do.
//!
//! The file is bounded ([`MAX_ENTRIES`], [`MAX_QUERY_BYTES`]), written
//! whole to a temporary file and renamed over the old one (a crash leaves
//! the old or the new, never half), and nothing here ever fails the app: an
//! unreadable or unwritable file means no history, silently.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Queries kept.
pub const MAX_ENTRIES: usize = 200;
/// Longer queries are not kept.
pub const MAX_QUERY_BYTES: usize = 1000;
/// A file larger than this is not read (not ours, or damaged).
const MAX_FILE_BYTES: u64 = 1 << 20;

#[derive(Debug, Clone, Default)]
pub struct History {
    /// Oldest first.
    entries: Vec<String>,
    path: Option<PathBuf>,
    /// While stepping: the entry shown, and what had been typed.
    at: Option<usize>,
    typed: String,
}

/// The history file in the user's state directory.
pub fn default_path() -> Option<PathBuf> {
    crate::app::recovery::state_dir().map(|d| d.join("search-history"))
}

impl History {
    /// The history kept at `path` (empty when there is none or it cannot
    /// be read).
    pub fn load(path: Option<PathBuf>) -> History {
        let mut entries: Vec<String> = Vec::new();
        if let Some(p) = &path {
            let small = std::fs::metadata(p).is_ok_and(|m| m.len() <= MAX_FILE_BYTES);
            if let Some(text) = small.then(|| std::fs::read(p).ok()).flatten() {
                let text = String::from_utf8_lossy(&text);
                for line in text.lines() {
                    push_unique(&mut entries, line);
                }
            }
        }
        let keep = entries.len().saturating_sub(MAX_ENTRIES);
        entries.drain(..keep);
        History {
            entries,
            path,
            ..Default::default()
        }
    }

    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    /// Stepping through earlier queries.
    pub fn browsing(&self) -> bool {
        self.at.is_some()
    }

    /// Typing again ends the stepping.
    pub fn stop(&mut self) {
        self.at = None;
    }

    /// Keep `query` as the newest (once), and save.
    pub fn record(&mut self, query: &str) {
        self.at = None;
        let q = query.trim();
        if q.is_empty() || q.len() > MAX_QUERY_BYTES || q.contains(['\n', '\r']) {
            return;
        }
        push_unique(&mut self.entries, q);
        let keep = self.entries.len().saturating_sub(MAX_ENTRIES);
        self.entries.drain(..keep);
        if let Some(p) = &self.path {
            // Never fails the app: a history not saved is only a history lost.
            let _ = save(p, &self.entries);
        }
    }

    /// The next older query holding what was typed (`current` when the
    /// stepping starts); None when there is none.
    pub fn older(&mut self, current: &str) -> Option<String> {
        if self.at.is_none() {
            self.typed = current.to_string();
        }
        let before = self.at.unwrap_or(self.entries.len());
        let i = (0..before).rev().find(|&i| {
            self.entries[i].contains(self.typed.as_str()) && self.entries[i] != current
        })?;
        self.at = Some(i);
        Some(self.entries[i].clone())
    }

    /// The next newer one; past the newest, what had been typed.
    pub fn newer(&mut self) -> Option<String> {
        let at = self.at?;
        let next =
            (at + 1..self.entries.len()).find(|&i| self.entries[i].contains(self.typed.as_str()));
        self.at = next;
        Some(match next {
            Some(i) => self.entries[i].clone(),
            None => self.typed.clone(),
        })
    }
}

fn push_unique(entries: &mut Vec<String>, q: &str) {
    let q = q.trim();
    if q.is_empty() || q.len() > MAX_QUERY_BYTES {
        return;
    }
    entries.retain(|e| e != q);
    entries.push(q.to_string());
}

/// Write the whole file beside the old one and rename it over.
fn save(path: &Path, entries: &[String]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".search-history.tmp.{}", std::process::id()));
    let mut f = std::fs::File::create(&tmp)?;
    for e in entries {
        f.write_all(e.as_bytes())?;
        f.write_all(b"\n")?;
    }
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_across_restarts_bounded_and_deduplicated() {
        let dir = tempfile::TempDir::new().expect("tempdir");
        let path = dir.path().join("state").join("search-history");
        let mut h = History::load(Some(path.clone()));
        for i in 0..(MAX_ENTRIES + 20) {
            h.record(&format!("q{i}"));
        }
        h.record("団地");
        h.record("q300");
        h.record("団地");
        h.record(&"長".repeat(MAX_QUERY_BYTES));
        let again = History::load(Some(path.clone()));
        assert_eq!(again.entries().len(), MAX_ENTRIES);
        assert_eq!(again.entries().last().map(String::as_str), Some("団地"));
        assert_eq!(again.entries().iter().filter(|e| *e == "団地").count(), 1);
        // Only the file itself is left (the temporary one was renamed).
        let names: Vec<_> = std::fs::read_dir(path.parent().expect("dir"))
            .expect("dir")
            .filter_map(|e| e.ok())
            .collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn stepping_back_and_forth_like_a_shell() {
        let mut h = History::default();
        for q in ["団地", "子育て 支援", "だんち", "fy:2017 防災"] {
            h.record(q);
        }
        assert_eq!(h.older("").as_deref(), Some("fy:2017 防災"));
        assert_eq!(h.older("fy:2017 防災").as_deref(), Some("だんち"));
        assert_eq!(h.newer().as_deref(), Some("fy:2017 防災"));
        assert_eq!(h.newer().as_deref(), Some(""));
        assert!(!h.browsing());
        // What was typed narrows the search (Ctrl-R).
        assert_eq!(h.older("団").as_deref(), Some("団地"));
        assert_eq!(h.older("団地"), None);
    }

    #[test]
    fn a_bad_file_or_place_never_fails() {
        let dir = tempfile::TempDir::new().expect("tempdir");
        let bad = dir.path().join("bin");
        std::fs::write(&bad, [0xFF, 0xFE, b'\n', b'a']).expect("write");
        let mut h = History::load(Some(bad));
        assert_eq!(h.entries().len(), 2);
        // A directory where the file should be: nothing saved, no panic.
        let mut h2 = History::load(Some(dir.path().to_path_buf()));
        h2.record("団地");
        h.record("x");
        assert_eq!(h2.entries(), ["団地"]);
    }
}
