//! `kusei check`: diagnose the database file and its setting instead of
//! failing on the first thing wrong. Each finding is one line; a summary
//! ends the report; the exit status is 1 when there is a problem.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::db::diagnose::{self, Facts};
use crate::db::{files, OpenOptions, Store, StoreError};

/// Free space below this (or below the database's own size) is a problem:
/// a checkpoint, a backup or a large import could not finish.
const LOW_SPACE: u64 = 64 * 1024 * 1024;

/// What the check found; `--json` prints it whole at the end instead of
/// a line per finding.
#[derive(Default, serde::Serialize)]
struct Findings {
    path: String,
    ok: bool,
    problems: Vec<String>,
    notes: Vec<String>,
    audit_rows: Option<i64>,
    schema: Option<i64>,
    free: String,
    #[serde(skip)]
    json: bool,
}

impl Findings {
    fn problem(&mut self, s: impl Into<String>) {
        let s = s.into();
        if !self.json {
            crate::outln!("問題: {s}");
        }
        self.problems.push(s);
    }

    fn note(&mut self, s: impl Into<String>) {
        let s = s.into();
        if !self.json {
            crate::outln!("注意（共有）: {s}");
        }
        self.notes.push(s);
    }
}

pub fn run(path: &Path, read_only: bool, json: bool) -> Result<ExitCode> {
    let mut f = Findings {
        json,
        path: path.display().to_string(),
        ..Findings::default()
    };
    let facts = Facts::of(path);
    files_and_space(&facts, &mut f);
    let mut checked = None;
    if facts.db.is_some() && facts.refusal(false).is_none() {
        match Store::open(
            path,
            OpenOptions {
                read_only,
                defer_check: true,
            },
        ) {
            Ok(store) => checked = contents(&store, &mut f),
            Err(e) => f.problem(e.to_string()),
        }
    }
    f.ok = f.problems.is_empty();
    f.free = facts.free_said();
    if json {
        (f.audit_rows, f.schema) = checked.unzip();
        crate::outln!("{}", crate::sanitize::json(serde_json::to_string(&f)?));
        return Ok(if f.ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    if let Some((audit_rows, schema)) = checked {
        let lead = if f.problems.is_empty() {
            "問題ありません"
        } else {
            "中身"
        };
        crate::outln!(
            "{lead}: 整合性 ok、外部キー ok、監査ログ {audit_rows} 件の連鎖 ok（スキーマ {schema}）"
        );
    }
    crate::outln!(
        "まとめ: {}: 問題 {} 件、注意 {} 件（空き {}）",
        path.display(),
        f.problems.len(),
        f.notes.len(),
        facts.free_said()
    );
    Ok(if f.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// What stat, access and statvfs show: permissions, a colleague's
/// -wal/-shm, a read-only file or filesystem, free space, the group setup.
fn files_and_space(facts: &Facts, f: &mut Findings) {
    if facts.db.is_none() {
        // Missing, or in a folder we may not enter.
        let p = facts
            .refusal(true)
            .unwrap_or_else(|| diagnose::Problem::Missing(facts.path.display().to_string()));
        f.problem(p.to_string());
        return;
    }
    if let Some(p) = facts.refusal(false).or_else(|| facts.forced_read_only()) {
        f.problem(p.to_string());
    }
    let size = facts.db.as_ref().map_or(0, |_| {
        std::fs::metadata(&facts.path).map_or(0, |m| m.len()) + facts.wal_bytes
    });
    if let Some(free) = facts.free_bytes.filter(|_| !facts.fs_read_only) {
        if free < LOW_SPACE.max(size) {
            f.problem(format!(
                "{} の空きが {}しかありません（データベースは {}）。書き込み、バックアップ、-wal の片付けができなくなります。不要なファイルを消して空きを作ってください",
                files::dir_of(&facts.path).display(),
                diagnose::size_said(free),
                diagnose::size_said(size)
            ));
        }
    }
    for s in files::sharing_problems(&facts.path) {
        f.note(s);
    }
    if let Some(dir) = &facts.dir {
        if !diagnose::in_group(dir.gid) {
            let (_, me) = crate::db::osuser::current();
            f.note(format!(
                "{me} はフォルダ {} のグループ {} に入っていません（ほかの人の -wal/-shm を開けないことがあります）: sudo usermod -aG {} {me}",
                dir.path.display(),
                dir.group(),
                dir.group()
            ));
        }
    }
}

/// Integrity, foreign keys and the audit chain; (audit rows, schema) when
/// the contents could be checked.
fn contents(store: &Store, f: &mut Findings) -> Option<(i64, i64)> {
    // A read-only file or filesystem was said above; a damaged header is
    // the one read-only reason left to report.
    if let Some(reason) = store.read_only_reason() {
        if reason.contains("データベースが壊れています") {
            f.problem(reason);
        }
    }
    let shown = crate::progress::Progress::start("検査中（整合性・外部キー・監査ログ）");
    let checked = store.check();
    drop(shown);
    match checked {
        Ok(report) => {
            for line in &report.problems {
                f.problem(line.clone());
            }
            report
                .problems
                .is_empty()
                .then_some((report.audit_rows, report.schema_version))
        }
        Err(StoreError::Sql(e)) if crate::db::is_corrupt(&e) => {
            f.problem(
                diagnose::Problem::Corrupt {
                    path: store.path().display().to_string(),
                    detail: e.to_string(),
                }
                .to_string(),
            );
            None
        }
        Err(e) => {
            f.problem(e.to_string());
            None
        }
    }
}
