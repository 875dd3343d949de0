//! The real binary as a process, for the command-line tests.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_kusei");

/// `kusei --db DB`, with `KUSEI_DB` cleared so only `db` is used.
pub fn command(db: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--db").arg(db).env_remove("KUSEI_DB");
    // Witnesses and recovery files go beside the test's database, not into
    // the real home of whoever runs the tests.
    if let Some(dir) = db.parent() {
        c.env("XDG_STATE_HOME", dir.join(".state"));
    }
    c
}

/// Run `kusei --db DB ARGS…` to the end.
pub fn run(db: &Path, args: &[&str]) -> Output {
    command(db).args(args).output().expect("run kusei")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 on stdout")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
