//! One committed change → applied to another session's mapped index, at
//! 1M opinions: the CPU time (of this thread) of reading the change log's
//! tail and of applying it (rows read back, dropped entries found, the
//! layer merged, places recomputed), per change, for a new opinion, an
//! edit of an old one and a delete of an old one; medians and min–max.
//!
//! Baseline in the same run: the same index without its row lookup (every
//! change of an old row walks every entry, as before index file format 3;
//! a new row walked too there only before 0c4c95c, so the baseline's "new"
//! figure overstates main's).
//!
//! `KUSEI_APPLY_DB=path/to/gen-1000000.db cargo bench --bench apply`
//! (the database is copied first with `VACUUM INTO`; the copy gets its
//! index file written on the first run). `KUSEI_APPLY_ROUNDS` (20).

use std::path::{Path, PathBuf};
use std::time::Instant;

use kusei::db::{OpenOptions, Store};
use kusei::search::{changes, persist_delta, Index};

fn thread_cpu() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a plain syscall filling `t`.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}

fn open(path: &Path, read_only: bool) -> Store {
    Store::open(
        path,
        OpenOptions {
            read_only,
            defer_check: true,
        },
    )
    .expect("open")
}

#[derive(Default)]
struct Figures {
    tail_ms: Vec<f64>,
    apply_ms: Vec<f64>,
    wall_ms: Vec<f64>,
}

fn median_range(xs: &[f64]) -> String {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return "-".into();
    }
    format!("{:.2} ({:.2}–{:.2})", v[v.len() / 2], v[0], v[v.len() - 1])
}

/// Write one change of `kind` (round `r`) with `w`.
fn change(w: &Store, kind: &str, r: i64) {
    let sql = match kind {
        "new" => "INSERT INTO opinions (item_id, position, text, created_at, created_by, updated_at, updated_by)
                  SELECT item_id, position + 1000, '団地の防災訓練 ' || ?1, '2026-12-02', 'bench', '2026-12-02', 'bench'
                  FROM opinions ORDER BY id DESC LIMIT 1",
        "edit" => "UPDATE opinions SET text = text || ' 見直し' WHERE id = ?1 + (SELECT min(id) FROM opinions)",
        _ => "DELETE FROM opinions WHERE id = ?1 + 100 + (SELECT min(id) FROM opinions)",
    };
    let arg = if kind == "new" { r } else { r * 37 };
    w.conn().execute(sql, [arg]).expect(kind);
}

fn run(db: &Path, baseline: bool, rounds: i64) -> Vec<(String, Figures)> {
    let reader = open(db, true);
    let writer = open(db, false);
    let (ix, mut seq, _) = persist_delta::open_current(db, reader.conn()).expect("the file");
    assert!(ix.is_mapped() && ix.has_row_lookup());
    let mut ix: Index = if baseline {
        ix.without_row_lookup()
    } else {
        ix
    };
    let mut out = Vec::new();
    for kind in ["new", "edit", "delete", "bulk", "edit+layer"] {
        if kind == "bulk" {
            // A big layer: 10,000 new opinions in one transaction (as before
            // the session holding the lock rewrites the file at 3 %).
            writer.conn().execute_batch("BEGIN").expect("begin");
            for r in 0..10_000 {
                change(&writer, "new", 1_000_000 + r);
            }
            writer.conn().execute_batch("COMMIT").expect("commit");
            let tail = changes::tail(reader.conn(), seq).expect("tail");
            changes::apply(&mut ix, reader.conn(), &tail).expect("apply");
            seq = tail.seq;
            eprintln!("layer: {} entries", ix.layer_size());
            continue;
        }
        let mut f = Figures::default();
        for r in 0..rounds {
            let (kind, r) = match kind {
                "edit+layer" => ("edit", r + 1000),
                k => (k, r),
            };
            change(&writer, kind, r);
            let (c0, t0) = (thread_cpu(), Instant::now());
            let tail = changes::tail(reader.conn(), seq).expect("tail");
            let c1 = thread_cpu();
            changes::apply(&mut ix, reader.conn(), &tail).expect("apply");
            let c2 = thread_cpu();
            f.wall_ms.push(t0.elapsed().as_secs_f64() * 1e3);
            f.tail_ms.push((c1 - c0) * 1e3);
            f.apply_ms.push((c2 - c1) * 1e3);
            seq = tail.seq;
            assert!(ix.is_mapped());
        }
        out.push((kind.to_string(), f));
    }
    out
}

fn main() {
    let Ok(src) = std::env::var("KUSEI_APPLY_DB") else {
        eprintln!("KUSEI_APPLY_DB=<a kusei gen database> cargo bench --bench apply");
        return;
    };
    let rounds: i64 = std::env::var("KUSEI_APPLY_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let dir = tempfile::TempDir::new_in(Path::new(&src).parent().unwrap_or(Path::new(".")))
        .expect("tempdir");
    // Both modes start from the same file (the changes of the first are
    // in the log the second applies first: it maps a file written before).
    let mut results = Vec::new();
    // KUSEI_APPLY_TWICE=1: each mode twice.
    let runs = if std::env::var_os("KUSEI_APPLY_TWICE").is_some() {
        vec![false, true, false, true]
    } else {
        vec![false, true]
    };
    for (n, baseline) in runs.into_iter().enumerate() {
        let db: PathBuf = dir.path().join(format!("copy{n}.db"));
        let s = open(Path::new(&src), true);
        s.conn()
            .execute("VACUUM INTO ?1", [db.to_str().expect("utf-8")])
            .expect("copy");
        drop(s);
        let t = Instant::now();
        let store = open(&db, true);
        persist_delta::open_or_build(&db, store.conn(), &|_, _| {}, true).expect("build");
        drop(store);
        eprintln!("copy {n}: index file in {:.1} s", t.elapsed().as_secs_f64());
        results.push((baseline, run(&db, baseline, rounds)));
        for f in std::fs::read_dir(dir.path()).expect("dir").flatten() {
            let _ = std::fs::remove_file(f.path());
        }
    }
    println!(
        "per change, ms of CPU (this thread): median (min–max), {rounds} changes of each kind per run"
    );
    for kind in ["new", "edit", "delete", "edit+layer"] {
        for baseline in [false, true] {
            let mut f = Figures::default();
            for (b, r) in &results {
                if *b != baseline {
                    continue;
                }
                for (k, x) in r {
                    if k == kind {
                        f.tail_ms.extend(&x.tail_ms);
                        f.apply_ms.extend(&x.apply_ms);
                        f.wall_ms.extend(&x.wall_ms);
                    }
                }
            }
            let what = if baseline {
                "walk (baseline)"
            } else {
                "row lookup"
            };
            println!(
                "{kind:>6} {what:<16} tail {}  apply {}  wall {}",
                median_range(&f.tail_ms),
                median_range(&f.apply_ms),
                median_range(&f.wall_ms)
            );
        }
    }
}
