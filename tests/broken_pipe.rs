//! `kusei … | head`: when the reader goes away, a command ends quietly (as
//! other Unix tools do), never with a panic and a backtrace on stderr.

mod support;

use std::io::Read;
use std::process::Stdio;

use support::bin::{command, run};

#[test]
fn a_reader_that_goes_away_ends_the_command_quietly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    assert!(run(&db, &["sample"]).status.success());
    assert!(run(&db, &["gen", "--opinions", "3000"]).status.success());
    for args in [
        &["export", "--format", "json"][..],
        &["search", "区", "--limit", "100000"][..],
        &["link", "--suggest"][..],
    ] {
        let mut child = command(&db)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let mut out = child.stdout.take().expect("stdout");
        let mut first = [0u8; 16];
        let _ = out.read(&mut first);
        drop(out); // like `head -c 16`
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        let status = child.wait().expect("wait");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(!err.contains("Broken pipe"), "{args:?}: {err}");
        // Either it had finished, or SIGPIPE ended it: never an error exit.
        use std::os::unix::process::ExitStatusExt;
        assert!(
            status.success() || status.signal() == Some(libc::SIGPIPE),
            "{args:?}: {status:?} {err}"
        );
    }
}
