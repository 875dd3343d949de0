//! Where a keystroke's time goes (issue 12, point 5): with
//! `KUSEI_KEYTRACE=/path/file` set, the screen, the database thread and the
//! search thread append `micros-since-start  what  query-number` lines to
//! that file, one clock for all, so a script can split key → frame into
//! the channel hops, the scan, the ranking, the rows read back and the
//! drawing. Unset (always, in use) it costs one relaxed load per mark.

use std::fs::File;
use std::io::Write;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

struct Trace {
    start: Instant,
    file: Mutex<File>,
}

static TRACE: OnceLock<Option<Trace>> = OnceLock::new();

fn trace() -> Option<&'static Trace> {
    TRACE
        .get_or_init(|| {
            let path = std::env::var_os("KUSEI_KEYTRACE")?;
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .ok()?;
            Some(Trace {
                start: Instant::now(),
                file: Mutex::new(file),
            })
        })
        .as_ref()
}

/// Note that `what` happened now for query `seq`.
pub fn mark(what: &str, seq: u64) {
    let Some(t) = trace() else {
        return;
    };
    let us = t.start.elapsed().as_micros();
    if let Ok(mut f) = t.file.lock() {
        let _ = writeln!(f, "{us} {what} {seq}");
    }
}

/// Note the query text of `seq` (spaces as `␣`, so a line stays three
/// fields), to tell which keys were slow.
pub fn mark_text(seq: u64, text: &str) {
    if trace().is_none() {
        return;
    }
    mark(
        &format!("text:{}", text.replace(char::is_whitespace, "␣")),
        seq,
    );
}
