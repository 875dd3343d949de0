//! The search engine on real databases: the seed data, opinions written
//! through the app's own write path, and synthetic data; and `kusei search`
//! as a process.

mod support;

use kusei::db::{EntryKind, OpenOptions, Store};
use kusei::model::OpinionKind;
use kusei::search::fold::fold;
use kusei::search::{self, load, parse, Cancel, DocKind, ResultRow, Session};

use support::db::sample_store as seed_store;

fn run(store: &Store, q: &str, limit: usize) -> (Vec<ResultRow>, usize) {
    let index = load::build(store).expect("index");
    let query = parse(q).expect("query");
    search::search(&index, store.conn(), &query, limit, Cancel::never())
        .expect("search")
        .expect("not cancelled")
}

fn texts(rows: &[ResultRow]) -> Vec<&str> {
    rows.iter().map(|r| r.text.as_str()).collect()
}

/// The first agenda item of the seed's 第N回 (平成29年度).
fn item_of_meeting(store: &Store, number: u32) -> i64 {
    store
        .conn()
        .query_row(
            "SELECT i.id FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id
             WHERE m.fiscal_year = 2017 AND m.number = ?1 ORDER BY i.number LIMIT 1",
            [number],
            |r| r.get(0),
        )
        .expect("item")
}

fn kusei(dir: &tempfile::TempDir, args: &[&str]) -> std::process::Output {
    support::bin::run(&dir.path().join("kusei.db"), args)
}

#[test]
fn danchi_ranks_the_three_opinions_that_contain_it_first() {
    let (_dir, store) = seed_store();
    let (rows, total) = run(&store, "団地", 20);
    let with_danchi: Vec<&ResultRow> = rows
        .iter()
        .filter(|r| r.kind.is_opinion() && r.text.contains("団地"))
        .collect();
    assert_eq!(with_danchi.len(), 3, "{:?}", texts(&rows));
    for r in &rows[..3] {
        assert!(r.kind.is_opinion() && r.text.contains("団地"), "{r:?}");
        assert!(r.exact);
    }
    // Then the agenda titles and summaries that say 団地.
    assert!(rows[3..].iter().all(|r| !r.kind.is_opinion()));
    assert!(total >= 9);
}

#[test]
fn danchi_from_the_command_line() {
    let (dir, store) = seed_store();
    drop(store);
    let out = kusei(&dir, &["search", "団地"]);
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    let lines: Vec<&str> = stdout.lines().collect();
    for l in &lines[..3] {
        let f: Vec<&str> = l.split('\t').collect();
        assert_eq!(f.len(), 5, "{l}");
        assert_eq!(f[3], "意見", "{l}");
        assert!(f[4].contains("団地"), "{l}");
    }
    assert!(
        lines[0].starts_with("平成29年8月21日\t第5回\t(3) "),
        "{}",
        lines[0]
    );
    // Piped: no colour codes.
    assert!(!stdout.contains('\u{1b}'));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("9 件中 9 件"), "{stderr}");
}

#[test]
fn json_limit_colour_and_exit_status() {
    let (dir, store) = seed_store();
    drop(store);
    let out = kusei(&dir, &["search", "--json", "--limit", "2", "団地"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["query"], "団地");
    assert_eq!(v["total"], 9);
    let results = v["results"].as_array().expect("results");
    assert_eq!(results.len(), 2);
    let first = &results[0];
    assert_eq!(first["rank"], 1);
    assert_eq!(first["kind"], "opinion");
    assert_eq!(first["date"], "2017-08-21");
    assert_eq!(first["meeting"]["number"], 5);
    assert_eq!(first["item"]["number"], 3);
    // 団地 is the first two characters of that opinion.
    assert_eq!(first["highlights"], serde_json::json!([[0, 2]]));

    let out = kusei(&dir, &["search", "--color", "always", "-n", "1", "団地"]);
    let s = String::from_utf8(out.stdout).expect("utf-8");
    assert!(s.contains("\u{1b}[1;33m団地\u{1b}[0m"), "{s:?}");

    let out = kusei(&dir, &["search", "存在しない語句ですよ"]);
    assert_eq!(out.status.code(), Some(1));
    let out = kusei(&dir, &["search", "kind:会議"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("kind:決定"));
}

#[test]
fn hiragana_finds_katakana_and_katakana_finds_hiragana() {
    let (_dir, store) = seed_store();
    // 「ワーキング」 is written in katakana in the minutes.
    let (rows, _) = run(&store, "わーきんぐ", 20);
    assert!(
        rows.iter().any(|r| r.text.contains("ワーキングでの議論")),
        "{:?}",
        texts(&rows)
    );
    assert!(rows.iter().all(|r| r.exact));
    // 「つなげてきた」 is written in hiragana.
    let (rows, _) = run(&store, "ツナゲテキタ", 20);
    assert_eq!(rows.len(), 1, "{:?}", texts(&rows));
    assert!(rows[0].text.contains("つなげてきたもの"));
}

#[test]
fn half_width_katakana_finds_full_width() {
    let (_dir, store) = seed_store();
    let (rows, _) = run(&store, "ｸﾞﾙｰﾌﾟ", 20);
    assert!(!rows.is_empty());
    // Full-width ones are found; so are seed 004's progress entries, which
    // are written in half-width (課長ｸﾞﾙｰﾌﾟ会議).
    assert!(
        rows.iter().all(|r| fold(&r.text).contains("ぐるーぷ")),
        "{:?}",
        texts(&rows)
    );
    assert!(rows.iter().any(|r| r.text.contains("グループ")));
    // And the other way round, with full-width letters and digits too.
    let (_dir, mut store) = seed_store();
    let item = item_of_meeting(&store, 1);
    store
        .add_opinion(item, "ｸﾞﾙｰﾌﾟ討議をＡＢＣ順に３回", None, None)
        .expect("add");
    let (rows, _) = run(&store, "グループ討議 abc順 3回", 5);
    let first = rows.first().map(|r| r.text.as_str());
    assert_eq!(first, Some("ｸﾞﾙｰﾌﾟ討議をＡＢＣ順に３回"));
}

#[test]
fn folding_never_invents_a_match() {
    let (_dir, mut store) = seed_store();
    let item = item_of_meeting(&store, 1);
    for t in ["がっこうの統合", "ハンバーグ", "パンフレット", "ﾊﾞｽ路線"] {
        store.add_opinion(item, t, None, None).expect("add");
    }
    // A voiced kana is another letter: か is not が, は not ば or ぱ.
    let (rows, _) = run(&store, "かっこう", 20);
    assert!(rows.is_empty(), "{:?}", texts(&rows));
    let (rows, _) = run(&store, "はす", 20);
    assert!(!texts(&rows).contains(&"ﾊﾞｽ路線"));
    let (rows, _) = run(&store, "ぱんふ", 20);
    assert_eq!(texts(&rows), vec!["パンフレット"]);
    // Every result holds the folded query (or its reading form): as a
    // substring when exact, in order otherwise; or in the readings of its
    // kanji words.
    for q in [
        "団地",
        "ワーキング",
        "ｸﾞﾙｰﾌﾟ",
        "区民",
        "連携",
        "ばす",
        "がっこう",
        "旭区 50",
    ] {
        let query = parse(q).expect("query");
        let (rows, _) = run(&store, q, 50);
        for r in &rows {
            let key = fold(&r.text);
            let hay = search::readings::Hay::new(&key);
            for t in &query.terms {
                let held = t.forms().any(|f| {
                    let mut it = key.chars();
                    (if r.exact {
                        key.contains(f)
                    } else {
                        f.chars().all(|c| it.any(|k| k == c))
                    }) || hay.find_in_readings(f, !r.exact).is_some()
                });
                assert!(held, "{q}: {}", r.text);
            }
        }
    }
}

#[test]
fn filters_in_the_query() {
    let (_dir, mut store) = seed_store();
    let m5 = item_of_meeting(&store, 5);
    let a = store
        .add_opinion(m5, "防災訓練は区長が先頭に立つべき。", Some("区長"), None)
        .expect("add");
    store
        .add_opinion(m5, "防災訓練の日程を調整する。", Some("副区長"), None)
        .expect("add");
    let d = store
        .add_opinion(m5, "防災訓練を十月に実施する。", None, None)
        .expect("add");
    store
        .set_opinion_kind(
            d,
            &EntryKind {
                kind: OpinionKind::Decision,
                owner: None,
                due: None,
            },
        )
        .expect("kind");
    let ids = |q: &str| -> Vec<i64> { run(&store, q, 50).0.iter().map(|r| r.id).collect() };
    // @区長 is the 区長, not the 副区長.
    assert_eq!(ids("@区長 防災"), vec![a]);
    assert_eq!(ids("@副区長 防災").len(), 1);
    assert_eq!(ids("kind:決定 防災"), vec![d]);
    assert!(ids("kind:宿題 防災").is_empty());
    assert_eq!(ids("#5 防災訓練").len(), 3);
    assert!(ids("#4 防災訓練").is_empty());
    assert_eq!(ids("fy:2017 防災訓練"), ids("fy:H29 防災訓練"));
    assert_eq!(ids("fy:平成29年度 kind:意見 防災訓練").len(), 3);
    // The 平成29年度 運営方針 speaks of 防災 … 訓練 too.
    let (rows, _) = run(&store, "fy:H29 防災訓練", 50);
    assert!(rows.iter().any(|r| r.kind.is_node()));
    assert!(ids("fy:2016 防災訓練").is_empty());
    // kind:議題 keeps agenda titles and summaries only.
    let (rows, _) = run(&store, "kind:議題 団地", 50);
    assert!(!rows.is_empty() && rows.iter().all(|r| r.kind.is_item()));
    // A quoted phrase must be there as written; a plain word may be spread.
    assert!(!ids("防災 十月").is_empty());
    assert_eq!(ids("防十").len(), 1);
    assert!(ids("\"防十\"").is_empty());
    assert_eq!(ids("\"訓練を十月\"").len(), 1);
}

#[test]
fn exact_beats_scattered_earlier_beats_later_newer_beats_older() {
    let (_dir, mut store) = seed_store();
    let m1 = item_of_meeting(&store, 1);
    let m5 = item_of_meeting(&store, 5);
    let scattered = store
        .add_opinion(m5, "地域の方と交流する図書館", None, None)
        .expect("add");
    let late = store
        .add_opinion(m5, "まずは説明の後で地域交流を図る", None, None)
        .expect("add");
    let early = store
        .add_opinion(m5, "地域交流を進める", None, None)
        .expect("add");
    let older = store
        .add_opinion(m1, "地域交流を進める", None, None)
        .expect("add");
    let (rows, _) = run(&store, "地域交流", 10);
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let pos = |id| ids.iter().position(|x| *x == id).expect("found");
    assert!(pos(early) < pos(older), "newer first on a tie: {ids:?}");
    assert!(pos(older) < pos(late), "earlier match first: {ids:?}");
    assert!(
        pos(late) < pos(scattered),
        "exact before scattered: {ids:?}"
    );
    assert!(!rows[pos(scattered)].exact);
}

#[test]
fn policy_nodes_and_agenda_items_say_what_they_are() {
    let (_dir, store) = seed_store();
    let (rows, _) = run(&store, "kind:方針 区民", 5);
    assert!(!rows.is_empty());
    for r in &rows {
        assert!(matches!(r.kind, DocKind::NodeTitle | DocKind::NodeBody));
        assert!(r.node.is_some());
    }
    let (rows, _) = run(&store, "50周年", 20);
    assert!(rows.iter().any(|r| r.kind == DocKind::ItemTitle));
    assert!(rows.iter().any(|r| r.kind == DocKind::ItemSummary));
    assert_eq!(rows[0].kind, DocKind::Opinion);
}

#[test]
fn a_newer_query_cancels_a_running_scan() {
    let (_dir, store) = seed_store();
    let index = load::build(&store).expect("index");
    let generation = std::sync::atomic::AtomicU64::new(5);
    let stale = Cancel {
        generation: &generation,
        mine: 4,
    };
    // Above the parallel threshold the check happens at the first entry.
    let q = parse("団地").expect("query");
    let r = search::scan::scan(&index, &q, 10, search::scan::Within::All, stale);
    // The seed is small: the scan may finish before its first check, but
    // it never returns results for a cancelled generation when it checks.
    if let Some(s) = r {
        assert!(index.len() < search::scan::PARALLEL_MIN || s.total == 0);
    }
    let fresh = Cancel {
        generation: &generation,
        mine: 5,
    };
    assert!(search::scan::scan(&index, &q, 10, search::scan::Within::All, fresh).is_some());
}

/// Synthetic data: narrowing from the previous keystroke, the two-thread
/// scan and a plain reference (fold every text, check in order) agree.
#[test]
fn typed_queries_agree_with_a_plain_reference_on_synthetic_data() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let path = dir.path().join("gen.db");
    let mut store = Store::open(&path, OpenOptions::default()).expect("open");
    search::synth::generate(&mut store, 30_000, 7, None).expect("generate");
    let index = load::build_from_path(&path, &|_, _| {}).expect("index");
    assert!(index.len() > search::scan::PARALLEL_MIN);
    // A newer keystroke stops a scan: a stale generation gets nothing.
    let generation = std::sync::atomic::AtomicU64::new(2);
    let stale = Cancel {
        generation: &generation,
        mine: 1,
    };
    for q in ["", "の", "地域"] {
        let query = parse(q).expect("query");
        let all = search::scan::Within::All;
        assert!(
            search::scan::scan(&index, &query, 10, all, stale).is_none(),
            "{q}"
        );
    }
    let keys: Vec<String> = (0..index.len() as u32).map(|i| index.key(i)).collect();
    for typed in [
        "だんちさいせい",
        "区民意識",
        "デジタル化",
        "ｸﾞﾙｰﾌﾟ",
        "地域 連携",
        "fy:2010 防災",
    ] {
        let mut session = Session::new();
        let chars: Vec<char> = typed.chars().collect();
        for n in 1..=chars.len() {
            let q: String = chars[..n].iter().collect();
            let Ok(query) = parse(&q) else { continue };
            let narrowed = session
                .find(&index, &query, 50, Cancel::never())
                .expect("find");
            let fresh = search::find(&index, &query, 50, Cancel::never()).expect("find");
            assert_eq!(narrowed.total, fresh.total, "{q}");
            assert_eq!(narrowed.hits, fresh.hits, "{q}");
            let reference = keys
                .iter()
                .enumerate()
                .filter(|(i, k)| {
                    let doc = index.doc(*i as u32);
                    query
                        .fiscal_year
                        .is_none_or(|fy| i32::from(doc.fiscal_year) == fy)
                        && query.terms.iter().all(|t| term_match(k, t))
                })
                .count();
            assert_eq!(fresh.total, reference, "{q}");
        }
    }
}

/// The reference match of a word: a form of it by [`plain_match`], a
/// surface it is another reading of in the text, or its kana as a word's
/// reading running on into the text after the word.
fn term_match(key: &str, t: &search::Term) -> bool {
    let text = key.split_once('\u{1F}').map_or(key, |(t, _)| t);
    let forms = || std::iter::once(t.text.as_str()).chain(t.reading.as_deref());
    forms().any(|f| plain_match(key, f))
        || t.alts.iter().any(|a| text.contains(a.as_str()))
        || t.kana_forms()
            .any(|f| search::readings::Hay::new(text).find_crossing(f).is_some())
}

/// The reference match: `f` in order in the text, or as written in the
/// readings after it (the marks between words next to each other in the
/// text ignored).
fn plain_match(key: &str, f: &str) -> bool {
    let (text, readings) = key.split_once('\u{1F}').unwrap_or((key, ""));
    let mut it = text.chars();
    let readings: String = readings.chars().filter(|&c| c != '\u{1E}').collect();
    f.chars().all(|c| it.any(|x| x == c)) || readings.contains(f)
}

#[test]
fn the_same_seed_gives_the_same_data() {
    let gen = |seed| {
        let dir = tempfile::TempDir::new().expect("tempdir");
        let mut store =
            Store::open(&dir.path().join("g.db"), OpenOptions::default()).expect("open");
        let mut lines = Vec::new();
        let r = search::synth::generate(&mut store, 2_000, seed, Some(&mut lines)).expect("gen");
        assert_eq!(r.opinions, 2_000);
        let n: i64 = store
            .conn()
            .query_row("SELECT count(DISTINCT text) FROM opinions", [], |r| {
                r.get(0)
            })
            .expect("count");
        assert!(n > 1_900, "{n} distinct");
        String::from_utf8(lines).expect("utf-8")
    };
    let a = gen(3);
    assert_eq!(a, gen(3));
    assert_ne!(a, gen(4));
    assert_eq!(a.lines().count(), 2_000);
    // Generating twice into one database is refused.
    let (_dir, mut store) = seed_store();
    search::synth::generate(&mut store, 10, 1, None).expect("first");
    let e = search::synth::generate(&mut store, 10, 1, None).expect_err("second");
    assert!(e.to_string().contains("すでに合成データ"), "{e}");
}
