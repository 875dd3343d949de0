//! Open a meeting AT one of its entries (issues 13, 14): the calendar
//! selects the meeting, scrolls its detail to the entry (an opinion, a
//! 決定, a 宿題) or agenda item, and highlights it until another meeting
//! is shown. Used by search's Enter, the 宿題 view's Enter, a node's linked
//! items and the 関連 items under a meeting (`r` picks one, `o` opens it).

use chrono::NaiveDate;

use crate::app::msg::{Request, Requests};
use crate::app::state::{first_of_month, AppState, Tab};
use crate::db::MeetingDetail;
use crate::search::related::RelatedItem;

pub use crate::app::state::Landed;

/// Lines of `detail_lines` above the first agenda item (日時, 場所, 出席).
const HEAD_LINES: usize = 3;

/// Show meeting `meeting_id` (of `fiscal_year`, held on `date`) in the
/// calendar, landed on `at` once its detail arrives.
pub fn open_meeting_at(
    s: &mut AppState,
    meeting_id: i64,
    fiscal_year: i32,
    date: NaiveDate,
    at: Option<Landed>,
) -> Requests {
    s.tab = Tab::Meetings;
    let c = &mut s.calendar;
    c.fiscal_year = fiscal_year;
    c.cursor = date;
    c.month = first_of_month(date);
    c.meetings.clear();
    c.selected = None;
    c.detail = None;
    c.detail_scroll = 0;
    c.loading = true;
    c.year_view = false;
    c.landed = at;
    c.follow_landed = at.is_some();
    c.related_cursor = None;
    vec![Request::LoadYear {
        fiscal_year: Some(fiscal_year),
        select: Some(meeting_id),
    }]
}

/// Index in `detail_lines(d)` of the line `at` is drawn on.
pub fn landed_line(d: &MeetingDetail, at: Landed) -> Option<usize> {
    let mut line = HEAD_LINES;
    for item in &d.items {
        line += 1; // the blank line before the heading
        if at == Landed::Item(item.id) {
            return Some(line);
        }
        line += 1 + item.links.len() + item.summary.lines().count();
        for o in &item.opinions {
            if at == Landed::Entry(o.id) {
                return Some(line);
            }
            line += 1;
        }
    }
    None
}

/// A meeting's detail arrived: scroll to the landed line (two lines of
/// context above it); a detail without it drops the landing.
pub fn on_detail(s: &mut AppState) {
    let c = &mut s.calendar;
    let (Some(at), Some(d)) = (c.landed, c.detail.as_ref()) else {
        return;
    };
    match landed_line(d, at) {
        Some(line) if c.follow_landed => {
            c.detail_scroll = u16::try_from(line.saturating_sub(2)).unwrap_or(u16::MAX);
        }
        Some(_) => {}
        None => {
            c.landed = None;
            c.follow_landed = false;
        }
    }
}

/// The 関連 items listed under the shown meeting, in the order drawn.
pub fn related_items(s: &AppState) -> Vec<&RelatedItem> {
    let id = s.calendar.detail.as_ref().map(|d| d.meeting.id);
    match &s.search.related {
        Some((m, groups)) if Some(*m) == id => {
            groups.iter().flat_map(|g| g.related.iter()).collect()
        }
        _ => Vec::new(),
    }
}

/// `r`: the next 関連 item under the meeting (around to the first).
pub fn next_related(s: &mut AppState) -> Requests {
    let n = related_items(s).len();
    if n == 0 {
        s.info("この会議に関連の議題はありません");
        return Vec::new();
    }
    let next = s.calendar.related_cursor.map_or(0, |i| (i + 1) % n);
    s.calendar.related_cursor = Some(next);
    if let Some(r) = related_items(s).get(next) {
        let msg = format!(
            "関連 第{}回 ({}) {}（o で開きます）",
            r.meeting_no, r.item_no, r.title
        );
        s.info(msg);
    }
    Vec::new()
}

/// `o`: open the chosen 関連 item's meeting, landed on the item.
pub fn open_related(s: &mut AppState) -> Requests {
    let chosen = s
        .calendar
        .related_cursor
        .and_then(|i| related_items(s).get(i).map(|r| (*r).clone()));
    let Some(r) = chosen else {
        s.info("r で関連の議題を選んでから o で開きます");
        return Vec::new();
    };
    let Some(date) = r.date else {
        s.info("この議題の会議の日付がわかりません");
        return Vec::new();
    };
    let label = format!("第{}回 ({}) {}", r.meeting_no, r.item_no, r.title);
    let reqs = open_meeting_at(
        s,
        r.meeting_id,
        r.fiscal_year,
        date,
        Some(Landed::Item(r.item_id)),
    );
    s.info(format!("{label} を開きました"));
    reqs
}
