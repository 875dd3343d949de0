//! The one test-support module every integration test uses (`mod support;`).
//!
//! - [`db`]: a real SQLite file in a temporary directory, the seed files,
//!   queries for checking what was written.
//! - [`driver`]: the headless app — real state, real database worker run
//!   synchronously, keys in, responses fed back until quiet.
//! - [`edits`]: random edits of a sample database (search index tests).
//! - [`keys`]: keys as tests write them ("C-t", "f団地<Enter>").
//! - [`screen`]: frames drawn by the real `ui::draw` into a `TestBackend`
//!   and read back as text, for assertions and insta snapshots.
//! - [`bin`]: the real binary run as a process (`kusei --db …`).
//! - [`shared`]: many processes on one file (apps in ptys, every command,
//!   the sqlite3 tool), for `shared_file.rs` and `soak.rs`.
//! - [`pty`]: the real binary in a pseudo-terminal, with a small terminal
//!   emulator to read its screen.
//! - [`harness`], [`attendance`], [`policy`], [`progress`], [`search`]: the
//!   driver with each group of tests' conveniences (their key notation,
//!   seeds and "today").
//!
//! Snapshots are asserted in the test files, never here, so their names and
//! paths stay `tests/snapshots/<test file>__<name>.snap`.
#![allow(dead_code, unused_imports)]

pub mod attendance;
pub mod bin;
pub mod db;
pub mod driver;
pub mod edits;
pub mod harness;
pub mod keys;
pub mod policy;
pub mod progress;
pub mod pty;
pub mod screen;
pub mod search;
pub mod shared;
