//! The log file: what happened on a shared server that leaves no trace on
//! screen — opening a database, waiting for a colleague's lock, a conflict
//! between two saves, checks, imports, errors. Written with `tracing` to
//! `$XDG_STATE_HOME/kusei/kusei.log` (or `~/.local/state/kusei/kusei.log`),
//! never to the screen.
//!
//! - Level: `KUSEI_LOG` (`error`, `warn`, `info`, `debug`, `trace`, `off`,
//!   or any `tracing` filter such as `kusei::db=debug`), else `debug` with
//!   `--debug`, else `info`.
//! - The file is the user's own: the folder is made 0700 and the file 0600
//!   (a group-shared umask does not widen them); an existing file keeps the
//!   mode it has.
//! - Rotation by size (`tracing-appender` rotates by time and names every
//!   file with a date): past [`MAX_BYTES`] the file becomes `kusei.log.1`
//!   (the previous `.1` is dropped) and a new one starts. Several kusei
//!   processes append to the same file; each line is one write.
//! - Logging never stops kusei: an unwritable folder, a full disk or a bad
//!   `KUSEI_LOG` only mean fewer lines in the log.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

/// A log file grows to this size before it is rotated.
pub const MAX_BYTES: u64 = 4 * 1024 * 1024;

/// Where the log goes: `$XDG_STATE_HOME/kusei/kusei.log` when that is an
/// absolute path, else `~/.local/state/kusei/kusei.log`.
pub fn path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(base.join("kusei").join("kusei.log"))
}

/// The filter: `KUSEI_LOG` when set and readable, else `debug` or `info`.
pub fn filter(env: Option<&str>, debug: bool) -> EnvFilter {
    let default = if debug { "debug" } else { "info" };
    env.map(str::trim)
        .filter(|s| !s.is_empty())
        .and_then(|s| EnvFilter::try_new(s).ok())
        .unwrap_or_else(|| EnvFilter::new(default))
}

/// The file, appended to by this process, rotated by size.
struct LogFile {
    path: PathBuf,
    file: Option<File>,
    written: u64,
}

impl LogFile {
    fn open(path: &Path) -> Option<LogFile> {
        if let Some(dir) = path.parent() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .ok()?;
        }
        let mut log = LogFile {
            path: path.to_path_buf(),
            file: None,
            written: 0,
        };
        log.reopen();
        log.file.is_some().then_some(log)
    }

    fn reopen(&mut self) {
        let size = std::fs::metadata(&self.path).map_or(0, |m| m.len());
        if size >= MAX_BYTES {
            let _ = std::fs::rename(&self.path, self.path.with_extension("log.1"));
        }
        self.file = OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(&self.path)
            .ok();
        self.written = std::fs::metadata(&self.path).map_or(0, |m| m.len());
    }

    fn write_line(&mut self, buf: &[u8]) {
        if self.written >= MAX_BYTES {
            self.reopen();
        }
        if let Some(f) = &mut self.file {
            // A full disk or a vanished file: the line is lost, nothing else.
            if f.write_all(buf).is_ok() {
                self.written += buf.len() as u64;
            }
        }
    }
}

/// Hands `tracing` a writer per event; the event's line is written whole.
struct Sink(Mutex<LogFile>);

struct Line<'a> {
    sink: &'a Sink,
    buf: Vec<u8>,
}

impl Write for Line<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for Line<'_> {
    fn drop(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        let mut line = format!("[{}] ", std::process::id()).into_bytes();
        line.append(&mut self.buf);
        if let Ok(mut f) = self.sink.0.lock() {
            f.write_line(&line);
        }
    }
}

impl<'a> MakeWriter<'a> for Sink {
    type Writer = Line<'a>;
    fn make_writer(&'a self) -> Self::Writer {
        Line {
            sink: self,
            buf: Vec::new(),
        }
    }
}

/// Starts logging to [`path`] at the level `KUSEI_LOG` or `debug` says.
/// Returns where the log goes, or None when it cannot be written (then
/// nothing is logged and kusei goes on).
pub fn init(debug: bool) -> Option<PathBuf> {
    let env = std::env::var("KUSEI_LOG").ok();
    if env.as_deref().map(str::trim) == Some("off") {
        return None;
    }
    let path = path()?;
    init_at(&path, env.as_deref(), debug).then_some(path)
}

/// Starts logging to `path` at the level `env` (a `KUSEI_LOG` value) or
/// `debug` says; false when the file cannot be opened or a logger is
/// already set.
pub fn init_at(path: &Path, env: Option<&str>, debug: bool) -> bool {
    let Some(file) = LogFile::open(path) else {
        return false;
    };
    tracing_subscriber::fmt()
        .with_writer(Sink(Mutex::new(file)))
        .with_ansi(false)
        .with_env_filter(filter(env, debug))
        .try_init()
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotates_past_the_size_and_keeps_one_old_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("kusei").join("kusei.log");
        let mut log = LogFile::open(&path).expect("opens");
        let line = vec![b'x'; 1024];
        for _ in 0..(MAX_BYTES / 1024) {
            log.write_line(&line);
        }
        assert!(
            !path.with_extension("log.1").exists(),
            "not before the size"
        );
        log.write_line(b"after\n");
        let old = std::fs::metadata(path.with_extension("log.1")).expect("rotated");
        assert_eq!(old.len(), MAX_BYTES);
        assert_eq!(std::fs::read(&path).expect("new file"), b"after\n");
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn an_unwritable_place_is_no_log_and_no_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("plain");
        std::fs::write(&file, "not a folder").expect("write");
        assert!(LogFile::open(&file.join("kusei").join("kusei.log")).is_none());
    }
}
