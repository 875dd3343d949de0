//! The policy reader's line pass: each line after the title becomes a
//! node (by its heading), part of a node's body or budget, a list entry, or
//! skipped page chrome, and the report says which.

use super::budget;
use super::lines::{bullet_text, norm, unradical, Line};
use super::policy_flat::{Flat, Options, PART_LEVEL};
use super::policy_heading::{classify, Heading, Kind, INITIATIVE, ISSUE, STRATEGY};
use super::policy_lines::{is_chrome, is_section_line, label, list_entry, node};
use super::policy_report::{Placed, Report};
use super::ImportError;
use crate::model::Node;

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Mode {
    /// Before the first heading: page meta, skipped.
    Preamble,
    /// Each entry (bullet, numbered, 《…》, or the first plain line) is a
    /// node of this level under `parent`; other lines are the last one's body.
    List {
        level: &'static str,
        parent: Option<usize>,
        last: Option<usize>,
    },
    /// Lines are the body of node `current`.
    Body(usize),
    /// The next line is the title of a new 取組項目.
    ItemTitle,
}

pub(super) struct Reader<'a> {
    pub(super) file: &'a str,
    pub(super) flat: Vec<Flat>,
    pub(super) mode: Mode,
    /// The level the last `①【…】` heading had, until another heading.
    pub(super) circled: Option<&'static str>,
    pub(super) report: Report,
    pub(super) warnings: Vec<String>,
    /// The heading (line) of a list that has had no text yet.
    pub(super) empty_list: Option<(usize, &'static str)>,
    /// The page's part heading its 取組項目 go under ("2 「市政改革プラン
    /// 2.0」に基づく取組等"), kept as a node of level [`PART_LEVEL`].
    pub(super) part: Option<usize>,
}

impl Reader<'_> {
    fn err(&self, line: usize, message: String) -> ImportError {
        ImportError {
            file: self.file.to_string(),
            line: Some(line),
            message,
        }
    }

    pub(super) fn line(&mut self, line: &Line, normed: &str) -> Result<(), ImportError> {
        if is_chrome(normed) {
            self.report.push(line, Placed::Skipped("ページの飾り"));
            return Ok(());
        }
        if let Some(h) = classify(normed) {
            return self.heading(line, h);
        }
        if is_section_line(normed) {
            return self.part_heading(line, normed);
        }
        self.text_line(line, normed)
    }

    /// "1 重点的に取り組む主な経営課題" is skipped (its 経営課題 are the
    /// plan's top nodes); any other part ("2 「市政改革プラン2.0」に基づく
    /// 取組等") becomes a node, and the 取組項目 after it go under it.
    fn part_heading(&mut self, line: &Line, normed: &str) -> Result<(), ImportError> {
        if normed.contains("経営課題") {
            self.report
                .push(line, Placed::Skipped("ページの章の見出し"));
            return Ok(());
        }
        let text = line.text.trim();
        let (code, title) = match text.split_once(|c: char| c.is_whitespace()) {
            Some((c, t))
                if c.chars()
                    .all(|ch| ch.is_ascii_digit() || ('０'..='９').contains(&ch)) =>
            {
                (crate::wareki::normalize_digits(c), t.trim())
            }
            _ => (String::new(), text),
        };
        let i = self.push(node(PART_LEVEL, &code, &unradical(title)), None, line.no);
        self.report.push(line, Placed::Entry(i));
        self.part = Some(i);
        Ok(())
    }

    /// A line that is not a heading, where the current section puts it.
    fn text_line(&mut self, line: &Line, normed: &str) -> Result<(), ImportError> {
        match self.mode {
            Mode::Preamble => self
                .report
                .push(line, Placed::Skipped("最初の見出しより前")),
            Mode::List {
                level,
                parent,
                last,
            } => self.list_line(line, normed, level, parent, last),
            Mode::ItemTitle => {
                let t = bullet_text(&line.text).unwrap_or(&line.text);
                let i = self.push(node("取組項目", "", &unradical(t)), self.part, line.no);
                self.report.push(line, Placed::Entry(i));
                self.mode = Mode::Body(i);
            }
            Mode::Body(i) => self.body_line(line, normed, i)?,
        }
        Ok(())
    }

    fn push(&mut self, n: Node, parent: Option<usize>, line: usize) -> usize {
        self.flat.push(Flat {
            node: n,
            parent,
            line,
            amount_later: false,
            title_pending: false,
            budget_at: None,
        });
        self.flat.len() - 1
    }

    fn list_line(
        &mut self,
        line: &Line,
        normed: &str,
        level: &'static str,
        parent: Option<usize>,
        last: Option<usize>,
    ) {
        self.empty_list = None;
        let entry = list_entry(&line.text, normed);
        match (entry, last) {
            (None, Some(i)) => {
                self.append_body(i, &line.text);
                self.report.push(line, Placed::Body(i));
            }
            (entry, _) => {
                let title = unradical(entry.unwrap_or(&line.text));
                let i = self.push(node(level, "", &title), parent, line.no);
                self.report.push(line, Placed::Entry(i));
                self.mode = Mode::List {
                    level,
                    parent,
                    last: Some(i),
                };
            }
        }
    }

    fn append_body(&mut self, i: usize, text: &str) {
        let body = &mut self.flat[i].node.body;
        if !body.is_empty() {
            body.push('\n');
        }
        body.push_str(&unradical(text));
    }

    fn set_budget(
        &mut self,
        line: usize,
        i: usize,
        b: Result<Option<i64>, String>,
    ) -> Result<Option<i64>, ImportError> {
        let kyen = b.map_err(|m| self.err(line, m))?;
        if let Some(before) = self.flat[i].budget_at {
            let name = label(&self.flat[i].node);
            return Err(self.err(
                line,
                format!("「{name}」に予算額が二つあります（{before}行目とこの行）"),
            ));
        }
        let f = &mut self.flat[i];
        f.node.budget_kyen = kyen;
        f.budget_at = Some(line);
        f.amount_later = false;
        Ok(kyen)
    }

    fn body_line(&mut self, line: &Line, normed: &str, i: usize) -> Result<(), ImportError> {
        if let Some(b) = budget::budget_line(normed) {
            let kyen = self.set_budget(line.no, i, b)?;
            self.report.push(line, Placed::Budget(i, kyen));
            return Ok(());
        }
        if self.flat[i].amount_later {
            if let Some((chars, b)) = budget::split_trailing_amount(normed) {
                let kyen = self.set_budget(line.no, i, b)?;
                let text: String = line.text.chars().take(chars).collect();
                self.append_body(i, text.trim_end());
                self.report.push(line, Placed::Body(i));
                self.report.push(line, Placed::Budget(i, kyen));
                return Ok(());
            }
        }
        if self.flat[i].title_pending {
            self.flat[i].title_pending = false;
            self.flat[i].node.title = unradical(&line.text);
            self.report.push(line, Placed::Entry(i));
            return Ok(());
        }
        self.append_body(i, &line.text);
        self.report.push(line, Placed::Body(i));
        Ok(())
    }

    fn heading(&mut self, line: &Line, mut h: Heading) -> Result<(), ImportError> {
        let rest = std::mem::take(&mut h.rest);
        self.open(line, h)?;
        if rest.is_empty() {
            return Ok(());
        }
        // "【区の目標】にぎわいのあるまち": the text after the name.
        let after = Line {
            text: rest,
            no: line.no,
        };
        self.text_line(&after, &norm(&after.text))
    }

    fn open(&mut self, line: &Line, h: Heading) -> Result<(), ImportError> {
        if let Some((at, name)) = self.empty_list.take() {
            self.warnings.push(format!(
                "{}:{at}: {name}の見出しの下に文字がありません（画像だけかもしれません）。{name}は読み込みません",
                self.file
            ));
        }
        if !matches!(h.kind, Kind::Circled) {
            self.circled = None;
        }
        let level = match h.kind {
            Kind::Goals | Kind::Missions => {
                let level = if h.kind == Kind::Goals {
                    "目標"
                } else {
                    "使命"
                };
                self.mode = Mode::List {
                    level,
                    parent: None,
                    last: None,
                };
                self.empty_list = Some((line.no, level));
                self.report.push(line, Placed::Skipped("見出し"));
                return Ok(());
            }
            Kind::StrategyList => {
                let parent = self.flat.iter().rposition(|f| f.node.level == ISSUE);
                self.mode = Mode::List {
                    level: STRATEGY,
                    parent,
                    last: None,
                };
                self.report
                    .push(line, Placed::Skipped("見出し（主な戦略の一覧）"));
                return Ok(());
            }
            Kind::ItemTitle => {
                self.mode = Mode::ItemTitle;
                self.report.push(line, Placed::Skipped("見出し"));
                return Ok(());
            }
            Kind::ItemBody => {
                return match self.flat.last() {
                    Some(f) if f.node.level == "取組項目" => {
                        self.mode = Mode::Body(self.flat.len() - 1);
                        self.report.push(line, Placed::Skipped("見出し"));
                        Ok(())
                    }
                    _ => {
                        Err(self.err(line.no, "【取組内容】の前に【取組項目】がありません".into()))
                    }
                };
            }
            Kind::Policy => {
                let i = self.push(node("区長の方針", "", &h.title), None, line.no);
                self.mode = Mode::Body(i);
                self.report.push(line, Placed::Heading(i));
                return Ok(());
            }
            Kind::Circled => self.circled_level(),
            Kind::Level(level) => level,
        };
        let i = self.level_node(line, level, &h)?;
        if let Some(b) = h.budget {
            let kyen = self.set_budget(line.no, i, b)?;
            self.report.push(line, Placed::Budget(i, kyen));
        } else {
            self.report.push(line, Placed::Heading(i));
        }
        self.flat[i].amount_later |= h.amount_later;
        self.mode = Mode::Body(i);
        Ok(())
    }

    /// `①【…】`: the level below the last node of the tree, or the same as
    /// the circled heading before it.
    fn circled_level(&mut self) -> &'static str {
        let level = self.circled.unwrap_or_else(|| {
            match self
                .flat
                .iter()
                .rev()
                .map(|f| f.node.level.as_str())
                .find(|l| [ISSUE, STRATEGY, INITIATIVE].contains(l))
            {
                Some(ISSUE) => STRATEGY,
                Some(_) => INITIATIVE,
                None => ISSUE,
            }
        });
        self.circled = Some(level);
        level
    }

    /// A node of the tree, or the node it repeats (an overview list of the
    /// 経営課題 before their sections).
    fn level_node(
        &mut self,
        line: &Line,
        level: &'static str,
        h: &Heading,
    ) -> Result<usize, ImportError> {
        if !h.code.is_empty() {
            if let Some(i) = self
                .flat
                .iter()
                .position(|f| f.node.level == level && f.node.code == h.code)
            {
                let before = &self.flat[i];
                let same = before.node.title == h.title || h.title.is_empty();
                let empty = before.node.body.is_empty()
                    && before.budget_at.is_none()
                    && !self.flat.iter().any(|f| f.parent == Some(i));
                if same || empty {
                    if !h.title.is_empty() {
                        self.flat[i].node.title = h.title.clone();
                    }
                    return Ok(i);
                }
                return Err(self.err(
                    line.no,
                    format!(
                        "{level}{} が二つあります（{}行目「{}」と、この行「{}」）",
                        h.code, before.line, before.node.title, h.title
                    ),
                ));
            }
        }
        let parent = self
            .parent_for(level, &h.code)
            .map_err(|m| self.err(line.no, m))?;
        let i = self.push(node(level, &h.code, &h.title), parent, line.no);
        self.flat[i].title_pending = h.title.is_empty();
        Ok(i)
    }

    /// The parent by the code (1-1-1 under 1-1, or under 1 when the page has
    /// no 戦略 1-1), else by position when the codes are missing.
    fn parent_for(&self, level: &str, code: &str) -> Result<Option<usize>, String> {
        let wants: &[&str] = match level {
            STRATEGY => &[ISSUE],
            INITIATIVE => &[STRATEGY, ISSUE],
            _ => return Ok(None),
        };
        let mut prefix = code;
        while let Some((p, _)) = prefix.rsplit_once('-') {
            if let Some(i) = self
                .flat
                .iter()
                .rposition(|f| wants.contains(&f.node.level.as_str()) && f.node.code == p)
            {
                return Ok(Some(i));
            }
            if let Some(i) = self.nth_unnumbered(p) {
                return Ok(Some(i));
            }
            prefix = p;
        }
        let last = |l: &str| self.flat.iter().rposition(|f| f.node.level == l);
        let by_position = match (last(ISSUE), last(STRATEGY)) {
            (i, Some(s)) if level == INITIATIVE && i.is_none_or(|i| s > i) => Some(s),
            (i, _) => i,
        };
        match (by_position, code.rsplit_once('-')) {
            // "戦略1-1" must find 経営課題1; a numbered node may sit under an
            // unnumbered one.
            (Some(p), Some(_)) if self.flat[p].node.code.is_empty() => Ok(Some(p)),
            (_, Some((parent_code, _))) => Err(format!(
                "{level}{code} の上位の {}{parent_code} がこれより前にありません",
                wants[0]
            )),
            (p, None) => Ok(p),
        }
    }

    /// "1-2" when 経営課題1's strategies have no numbers (a 主な戦略 list):
    /// its second strategy.
    fn nth_unnumbered(&self, code: &str) -> Option<usize> {
        let (issue_code, nth) = code.split_once('-')?;
        let nth: usize = nth.parse().ok().filter(|n| *n >= 1)?;
        let issue = self
            .flat
            .iter()
            .rposition(|f| f.node.level == ISSUE && f.node.code == issue_code)?;
        let mut unnumbered = self.flat.iter().enumerate().filter(|(_, f)| {
            f.parent == Some(issue) && f.node.level == STRATEGY && f.node.code.is_empty()
        });
        unnumbered.nth(nth - 1).map(|(i, _)| i)
    }

    pub(super) fn finish(&mut self, opts: Options, ended_by_page: bool) -> Result<(), ImportError> {
        if let Some((at, name)) = self.empty_list.take() {
            self.warnings.push(format!(
                "{}:{at}: {name}の見出しの下に文字がありません（画像だけかもしれません）",
                self.file
            ));
        }
        let last_i = self.flat.len().saturating_sub(1);
        for (i, f) in self.flat.iter().enumerate() {
            if f.amount_later && (ended_by_page || i < last_i) {
                self.warnings.push(format!(
                    "{}:{}: 「{}」の見出しに予算額とありますが、金額が本文の終わりに見つかりません",
                    self.file,
                    f.line,
                    label(&f.node)
                ));
            }
        }
        let Some(last) = self.flat.len().checked_sub(1) else {
            return Ok(());
        };
        let f = &self.flat[last];
        let cut = f.title_pending
            || f.amount_later
            || (f.node.body.is_empty()
                && f.budget_at.is_none()
                && f.node.level != "目標"
                && f.node.level != "使命");
        if !cut || ended_by_page {
            return Ok(());
        }
        let complete = self.flat[..last]
            .iter()
            .rev()
            .find(|g| {
                [ISSUE, STRATEGY, INITIATIVE, "区長の方針", "取組項目"]
                    .contains(&g.node.level.as_str())
            })
            .map_or_else(
                || "（なし）".to_string(),
                |g| format!("「{}」", label(&g.node)),
            );
        let message = format!(
            "ファイルが「{}」の途中で終わっています（{}行目の見出しのあと）。途中で切れたファイルのようです。最後まで揃っている項目は{complete}です",
            label(&f.node),
            f.line
        );
        if !opts.partial {
            return Err(self.err(
                f.line,
                format!("{message}。そこまでを読み込むには kusei import --partial"),
            ));
        }
        self.warnings.push(format!(
            "{}:{}: {message}。そこまでを読み込みます",
            self.file, f.line
        ));
        self.flat.truncate(last);
        Ok(())
    }
}
