//! Minutes files that end in the middle of a meeting or an opinion (issue
//! 18, Minutes pages, last bullet): refused with a message naming the last
//! complete part (file and line); with `--partial` read up to it with a
//! warning. A normal page is never refused: every fixture and seed is read.

mod support;

use kusei::import::{parse_bytes, parse_bytes_with, policy::Options};
use support::bin::{run, stderr};
use support::db::root;

fn fixture(name: &str) -> (String, Vec<u8>) {
    let path = root().join("tests/fixtures/minutes").join(name);
    (name.to_string(), std::fs::read(&path).expect("fixture"))
}

const PARTIAL: Options = Options { partial: true };

/// (file, line of the error, what it says, meetings and opinions kept with --partial)
const CUTS: &[(&str, usize, &str, usize, usize)] = &[
    (
        "cut_meeting_no_agenda.txt",
        17,
        "第2回 に「議事概要」がありません",
        1,
        2,
    ),
    (
        "cut_after_opinions_marker.txt",
        24,
        "第2回 (1) の(主な意見)の後に意見がありません",
        2,
        2,
    ),
    ("cut_mid_opinion.txt", 15, "文の途中で終わっています", 1, 2),
    ("cut_open_bracket.txt", 15, "文の途中で終わっています", 1, 2),
    (
        "cut_speaker_only.txt",
        15,
        "発言者や箇条書きの印だけで、本文がありません",
        1,
        2,
    ),
];

#[test]
fn a_cut_file_is_refused_naming_the_last_complete_part() {
    for (name, line, phrase, _, _) in CUTS {
        let (file, bytes) = fixture(name);
        let e = parse_bytes(&file, &bytes).expect_err(name);
        assert_eq!(e.line, Some(*line), "{name}: {e}");
        assert!(e.message.contains(phrase), "{name}: {e}");
        assert!(e.message.contains("途中で切れたファイルのようです"), "{e}");
        assert!(e.message.contains("最後まで揃っている"), "{e}");
        // The last complete part is named with its file and line.
        assert!(e.message.contains(&format!("{file}:")), "{e}");
        assert!(e.message.contains("kusei import --partial"), "{e}");
    }
}

#[test]
fn with_partial_a_cut_file_is_read_up_to_its_last_complete_part() {
    for (name, line, _, meetings, opinions) in CUTS {
        let (file, bytes) = fixture(name);
        let p = parse_bytes_with(&file, &bytes, PARTIAL).expect(name);
        let m = &p.dataset.meetings;
        assert_eq!(m.len(), *meetings, "{name}");
        let n: usize = m
            .iter()
            .flat_map(|m| &m.items)
            .map(|i| i.opinions.len())
            .sum();
        assert_eq!(n, *opinions, "{name}: {:#?}", m);
        let warned = format!("{file}:{line}: ");
        assert!(
            p.warnings
                .iter()
                .any(|w| w.starts_with(&warned) && w.contains("そこまでを読み込みます")),
            "{name}: {:?}",
            p.warnings
        );
        // The cut-off text is nowhere in what is kept.
        for o in m.iter().flat_map(|m| &m.items).flat_map(|i| &i.opinions) {
            assert!(
                !o.text.contains("若い世代") && !o.text.contains("窓口"),
                "{o:?}"
            );
        }
    }
}

#[test]
fn a_page_without_its_last_line_end_is_whole_unless_its_last_line_is_cut() {
    // Notepad leaves the last line end off; an opinion typed without 。
    // (the others without it too) is kept as typed.
    for name in [
        "whole_no_final_newline.txt",
        "whole_last_opinion_no_period.txt",
    ] {
        let (file, bytes) = fixture(name);
        let p = parse_bytes(&file, &bytes).unwrap_or_else(|e| panic!("{e}"));
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let last = p.dataset.meetings[0].items[0]
            .opinions
            .last()
            .expect("opinion");
        assert!(last.text.ends_with("ほしい") || last.text.ends_with("防災の話"));
    }
}

/// Every page the project has (fixtures of every kind, the seeds) except
/// the deliberately cut ones.
#[test]
fn no_normal_page_is_refused() {
    let mut files = Vec::new();
    for dir in [
        "tests/fixtures/minutes",
        "tests/fixtures/variants",
        "tests/fixtures/policy",
        "data",
    ] {
        for e in std::fs::read_dir(root().join(dir)).expect("dir") {
            let path = e.expect("entry").path();
            // data/ also holds tables (data/holidays/): pages only.
            if path.is_file() {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut read = 0;
    for path in &files {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.starts_with("cut_") || name.starts_with("14_truncated") {
            continue;
        }
        let bytes = std::fs::read(path).expect("read");
        let p = parse_bytes(&name, &bytes).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            !p.warnings.iter().any(|w| w.contains("途中で切れた")),
            "{name}: {:?}",
            p.warnings
        );
        read += 1;
    }
    assert!(read >= 40, "only {read} pages");
}

#[test]
fn the_command_refuses_then_takes_with_partial() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    let page = root().join("tests/fixtures/minutes/cut_meeting_no_agenda.txt");
    let page = page.display().to_string();
    let count = |db: &std::path::Path| -> i64 {
        let conn = rusqlite::Connection::open(db).expect("open");
        conn.query_row("SELECT count(*) FROM meetings", [], |r| r.get(0))
            .unwrap_or(0)
    };
    let refused = run(&db, &["import", &page]);
    assert_eq!(refused.status.code(), Some(1));
    let err = stderr(&refused);
    assert!(err.contains("cut_meeting_no_agenda.txt:17:"), "{err}");
    assert!(err.contains("第1回（"), "the last complete meeting: {err}");
    assert_eq!(count(&db), 0, "a refused file writes nothing");

    let taken = run(&db, &["import", "--partial", &page]);
    assert!(taken.status.success(), "{}", stderr(&taken));
    assert!(stderr(&taken).contains("そこまでを読み込みます"));
    assert_eq!(count(&db), 1, "第1回 only");
}
