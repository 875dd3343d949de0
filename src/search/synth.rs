//! Synthetic meetings for benchmarks and demonstrations (`kusei gen`): wards'
//! 区づくり経営会議 over twenty fiscal years, agenda items, and opinions of 30
//! to 120 characters in the vocabulary of ward administration, with place
//! names drawn from thousands of distinct kanji. The same seed gives the
//! same data.
//!
//! Rows are written directly in one transaction, not through the audited
//! write path (a million audit rows would only slow the benchmark down);
//! the generated committees are named `…（合成データ）`, and generating into a
//! database that already has them is refused.

mod words;

use std::io::Write;

use chrono::{Datelike, NaiveDate, Weekday};
use rusqlite::params;

use super::SearchError;
use crate::db::Store;
pub use words::JOB_TITLES;
use words::{ADJ, ENDINGS, NOUNS, PLACES, WARDS};

/// A small, fast, seeded generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.range(0, v.len() - 1)]
    }

    /// True with probability `p` percent.
    pub fn percent(&mut self, p: usize) -> bool {
        self.range(0, 99) < p
    }
}

/// The kanji of place names: a fixed spread over the CJK block, so the
/// data holds thousands of distinct characters, as real minutes do.
fn rare_kanji(rng: &mut Rng) -> char {
    let i = rng.range(0, 2999) as u32;
    char::from_u32(0x4E00 + (i * 6_763) % 20_900).unwrap_or('区')
}

fn place(rng: &mut Rng) -> String {
    let mut s = String::new();
    s.push(rare_kanji(rng));
    s.push(rare_kanji(rng));
    let p: &&str = rng.pick(PLACES);
    s.push_str(p);
    s
}

fn clause(rng: &mut Rng) -> String {
    let n = |rng: &mut Rng| (*rng.pick(NOUNS)).to_string();
    let (a, b, c) = (n(rng), n(rng), n(rng));
    let end = rng.pick(ENDINGS);
    match rng.range(0, 7) {
        0 => format!("{a}については、{b}と{c}の連携を強化し、{end}"),
        1 => format!("{}の{a}は{}ため、{b}を{end}", place(rng), rng.pick(ADJ)),
        2 => format!("{a}を進めるにあたり、{b}の意見を十分に聞いて{end}"),
        3 => format!("今後の{a}について、{b}を踏まえて{end}"),
        4 => format!("{a}の{b}が課題となっているので、{c}を通じて{end}"),
        5 => format!("{}で実施した{a}の結果を検証し、{end}", place(rng)),
        6 => format!("{a}と{b}は{}ので、{end}", rng.pick(ADJ)),
        _ => format!("{a}の取組を{}の{b}にも広げられるよう、{end}", place(rng)),
    }
}

/// One opinion of 30 to 120 characters.
pub fn opinion_text(rng: &mut Rng) -> String {
    let target = rng.range(30, 120);
    let mut text = clause(rng);
    while text.chars().count() < target {
        let more = clause(rng);
        if text.chars().count() + more.chars().count() > 120 {
            break;
        }
        text.push_str(&more);
    }
    while text.chars().count() < 30 {
        text.push_str("引き続き取り組むべき。");
    }
    text
}

fn item_title(rng: &mut Rng, fy: i32) -> String {
    let a = rng.pick(NOUNS);
    match rng.range(0, 5) {
        0 => format!("{a}について"),
        1 => format!("{a}に向けた検討について"),
        2 => format!("{}{a}の状況について", crate::wareki::format_fiscal_year(fy)),
        3 => format!("{}{a}について", place(rng)),
        4 => format!("{a}の見直しについて"),
        _ => format!("{a}と{}について", rng.pick(NOUNS)),
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SynthReport {
    pub committees: usize,
    pub meetings: usize,
    pub items: usize,
    pub opinions: usize,
}

/// Fill `store` with `opinions` synthetic opinions from `seed`; if `lines`
/// is given, write each opinion's text there too, one per line.
pub fn generate(
    store: &mut Store,
    opinions: usize,
    seed: u64,
    mut lines: Option<&mut dyn Write>,
) -> Result<SynthReport, SearchError> {
    if let Some(reason) = store.read_only_reason() {
        return Err(SearchError::Build(reason.to_string()));
    }
    let conn = store.conn();
    let exists: i64 = conn.query_row(
        "SELECT count(*) FROM committees WHERE name LIKE '%（合成データ）'",
        [],
        |r| r.get(0),
    )?;
    if exists > 0 {
        return Err(SearchError::Build(
            "このデータベースにはすでに合成データがあります。新しいファイルを --db で指定してください".into(),
        ));
    }
    let mut rng = Rng::new(seed);
    let mut report = SynthReport::default();
    conn.execute_batch("BEGIN IMMEDIATE")?;
    // Every row written is audited, in the same transaction.
    let r = store.high_water().map_err(db_error).and_then(|marks| {
        fill(conn, &mut rng, opinions, &mut report, &mut lines)?;
        store
            .audit_bulk_inserts(&marks, "合成データ（kusei gen）")
            .map_err(db_error)?;
        Ok(())
    });
    match r {
        Ok(()) => {
            conn.execute_batch("COMMIT")?;
            crate::db::witness::observe(conn, store.path());
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(e);
        }
    }
    Ok(report)
}

fn fill(
    conn: &rusqlite::Connection,
    rng: &mut Rng,
    opinions: usize,
    report: &mut SynthReport,
    lines: &mut Option<&mut dyn Write>,
) -> Result<(), SearchError> {
    let mut w = Writer::new(conn)?;
    let mut committee = 0;
    while report.opinions < opinions {
        let ward = WARDS[committee % WARDS.len()];
        let cid = w.committee(ward, committee / WARDS.len())?;
        committee += 1;
        report.committees += 1;
        'years: for fy in 2006..=2025 {
            for number in 1..=12u32 {
                if report.opinions >= opinions {
                    break 'years;
                }
                let at = Meeting {
                    committee: cid,
                    ward,
                    fy,
                    number,
                };
                w.meeting(rng, &at, opinions, report, lines)?;
            }
        }
    }
    Ok(())
}

/// Which meeting to write.
struct Meeting {
    committee: i64,
    ward: &'static str,
    fy: i32,
    number: u32,
}

/// The prepared inserts, and what every row shares.
struct Writer<'c> {
    conn: &'c rusqlite::Connection,
    meeting: rusqlite::Statement<'c>,
    attend: rusqlite::Statement<'c>,
    item: rusqlite::Statement<'c>,
    opinion: rusqlite::Statement<'c>,
    /// The ids of [`JOB_TITLES`], in order.
    titles: Vec<i64>,
    stamp: String,
    user: &'static str,
}

impl<'c> Writer<'c> {
    fn new(conn: &'c rusqlite::Connection) -> Result<Writer<'c>, SearchError> {
        let mut titles = Vec::new();
        for (i, t) in JOB_TITLES.iter().enumerate() {
            conn.execute(
                "INSERT OR IGNORE INTO job_titles (name, sort_order) VALUES (?1, ?2)",
                params![t, i as i64],
            )?;
            titles.push(
                conn.query_row("SELECT id FROM job_titles WHERE name = ?1", [t], |r| {
                    r.get::<_, i64>(0)
                })?,
            );
        }
        Ok(Writer {
            conn,
            meeting: conn.prepare(
                "INSERT INTO meetings (committee_id, fiscal_year, number, date, start_time, end_time,
                   place, status, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, '13:00', '14:30', ?5, 'published', ?6, ?7, ?6, ?7)",
            )?,
            attend: conn.prepare(
                "INSERT INTO attendance (meeting_id, job_title_id, position) VALUES (?1, ?2, ?3)",
            )?,
            item: conn.prepare(
                "INSERT INTO agenda_items (meeting_id, number, title, summary) VALUES (?1, ?2, ?3, ?4)",
            )?,
            opinion: conn.prepare(
                "INSERT INTO opinions (item_id, position, text, kind, speaker_title_id, owner, due_date,
                   created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8, ?9)",
            )?,
            titles,
            stamp: crate::db::now_stamp(),
            user: "kusei-gen",
        })
    }

    /// The `round`-th committee of `ward` (the first has no number).
    fn committee(&mut self, ward: &str, round: usize) -> Result<i64, SearchError> {
        let name = if round == 0 {
            format!("{ward}区 区づくり経営会議（合成データ）")
        } else {
            format!("{ward}区 区づくり経営会議{}（合成データ）", round + 1)
        };
        self.conn.execute(
            "INSERT INTO committees (name, organisation) VALUES (?1, ?2)",
            params![name, format!("{ward}区")],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// One meeting: its attendance, 3–6 items and their opinions, until
    /// `opinions` are written.
    fn meeting(
        &mut self,
        rng: &mut Rng,
        at: &Meeting,
        opinions: usize,
        report: &mut SynthReport,
        lines: &mut Option<&mut dyn Write>,
    ) -> Result<(), SearchError> {
        let date = meeting_date(rng, at.fy, at.number);
        self.meeting.execute(params![
            at.committee,
            at.fy,
            at.number,
            date.format("%Y-%m-%d").to_string(),
            format!("{}区役所 会議室{}", at.ward, rng.range(1, 3)),
            self.stamp,
            self.user
        ])?;
        let mid = self.conn.last_insert_rowid();
        report.meetings += 1;
        let present = rng.range(8, self.titles.len());
        for (p, t) in self.titles.iter().take(present).enumerate() {
            self.attend.execute(params![mid, t, p as i64])?;
        }
        for n in 1..=rng.range(3, 6) {
            let title = item_title(rng, at.fy);
            let summary = format!("{}について協議しました。", rng.pick(NOUNS));
            self.item.execute(params![mid, n as i64, title, summary])?;
            let iid = self.conn.last_insert_rowid();
            report.items += 1;
            for pos in 0..rng.range(3, 12) {
                if report.opinions >= opinions {
                    break;
                }
                let text = self.opinion(rng, iid, pos, date, present)?;
                if let Some(w) = lines.as_mut() {
                    writeln!(w, "{text}").map_err(|e| {
                        SearchError::Build(format!("書き出せません: {}", crate::os_error::ja(&e)))
                    })?;
                }
                report.opinions += 1;
                if report.opinions.is_multiple_of(8192) {
                    crate::progress::report(report.opinions as u64, opinions as u64);
                }
            }
        }
        Ok(())
    }

    /// One opinion at `pos` of item `iid`: mostly opinions, some decisions
    /// and 宿題 due a month after the meeting. Returns its text.
    fn opinion(
        &mut self,
        rng: &mut Rng,
        iid: i64,
        pos: usize,
        date: NaiveDate,
        present: usize,
    ) -> Result<String, SearchError> {
        let text = opinion_text(rng);
        let (kind, owner, due) = match rng.range(0, 99) {
            0..=3 => ("decision", None, None),
            4..=6 => (
                "action",
                Some(rng.pick(&JOB_TITLES[6..]).to_string()),
                date.checked_add_days(chrono::Days::new(30))
                    .map(|d| d.format("%Y-%m-%d").to_string()),
            ),
            _ => ("opinion", None, None),
        };
        let speaker = rng
            .percent(60)
            .then(|| self.titles[rng.range(0, present - 1)]);
        self.opinion.execute(params![
            iid, pos as i64, text, kind, speaker, owner, due, self.stamp, self.user
        ])?;
        Ok(text)
    }
}

fn db_error(e: crate::db::StoreError) -> SearchError {
    SearchError::Build(e.to_string())
}

/// A weekday in the `number`-th month of the fiscal year.
fn meeting_date(rng: &mut Rng, fy: i32, number: u32) -> NaiveDate {
    let month0 = 3 + number - 1;
    let (y, m) = (fy + (month0 / 12) as i32, month0 % 12 + 1);
    let mut d = NaiveDate::from_ymd_opt(y, m, rng.range(8, 24) as u32).unwrap_or(NaiveDate::MIN);
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
        d = d.succ_opt().unwrap_or(d);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opinions_are_the_promised_length_and_repeatable() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..2000 {
            let t = opinion_text(&mut a);
            let n = t.chars().count();
            assert!((30..=130).contains(&n), "{n}: {t}");
            assert_eq!(t, opinion_text(&mut b));
        }
    }

    #[test]
    fn place_names_use_thousands_of_kanji() {
        let mut rng = Rng::new(1);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..20_000 {
            seen.insert(rare_kanji(&mut rng));
        }
        assert!(seen.len() > 2500, "{}", seen.len());
        assert!(seen.iter().all(|c| ('\u{4E00}'..='\u{9FFF}').contains(c)));
    }
}
