//! Single-line text input (minute taking, search line), correct for Japanese.
//!
//! The caret is a byte index always on an extended grapheme cluster boundary,
//! so `か` + U+3099 or an emoji with a skin-tone modifier move and delete as
//! one unit. Widths are display columns from `unicode-width`, summed per
//! grapheme cluster exactly as drawn. [`TextInput::render`] and
//! [`TextInput::cursor_position`] are pure functions of `(text, caret, area)`
//! sharing one scroll computation, so the hardware cursor (where the terminal
//! draws the IME preedit and candidate window) is always on the caret's cell.
//! Needs `unicode-segmentation = "1"` (already in Cargo.lock via ratatui).

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use unicode_segmentation::{GraphemeCursor, UnicodeSegmentation};

/// Default cap on the total text size: 1 MiB.
pub const DEFAULT_MAX_BYTES: usize = 1 << 20;

/// Glyph drawn (muted) for a `'\n'` in the single-line view. U+23CE RETURN
/// SYMBOL has East Asian Width N (neutral) and no emoji presentation, so it is
/// one column in every terminal, including ones that draw ambiguous-width
/// characters wide (common with Japanese locales). `¶` and the U+2190 arrows
/// are A (ambiguous) and would shift the rest of the line there.
pub const NEWLINE_MARKER: &str = "\u{23CE}";

const MAX_UNDO_STEPS: usize = 200;
const MAX_UNDO_BYTES: usize = 16 << 20;

pub use super::width::{
    cluster_width, display_cluster, display_safe, display_width, pad_to_width, truncate_to_width,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    /// The edit would make the text `attempted_bytes` long, over `limit_bytes`.
    TooLarge {
        limit_bytes: usize,
        attempted_bytes: usize,
    },
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self::TooLarge {
            limit_bytes: limit,
            attempted_bytes: tried,
        } = *self;
        let limit = match limit {
            l if l >= 1 << 20 && l.is_multiple_of(1 << 20) => format!("{} MiB", l >> 20),
            l => format!("{}バイト", group_thousands(l)),
        };
        let tried = group_thousands(tried);
        write!(f, "貼り付けが大きすぎます（{tried}バイト。上限は{limit}）")
    }
}

impl std::error::Error for InputError {}

fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Result of [`TextInput::handle_key`] / [`TextInput::handle_paste`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputOutcome {
    /// The text changed.
    Changed,
    /// Only the caret moved.
    Moved,
    /// An editing key that had no effect (e.g. Backspace at the start).
    Unchanged,
    /// Not an editing key; the caller may use it (Enter, Esc, Tab, Up, …).
    Unhandled,
    /// The edit was refused; the reason is in [`TextInput::take_error`].
    Error,
}

/// One undo step: at byte `at`, `removed` was replaced by `inserted`.
#[derive(Debug, Clone)]
struct Edit {
    at: usize,
    removed: String,
    inserted: String,
    caret_before: usize,
    caret_after: usize,
}

#[derive(Debug, Clone)]
pub struct TextInput {
    text: String,
    caret: usize,
    undo: Vec<Edit>,
    redo: Vec<Edit>,
    /// The last undo step is an open run of typing that the next insert joins.
    typing_run: bool,
    max_bytes: usize,
    placeholder: String,
    error: Option<InputError>,
}

impl Default for TextInput {
    fn default() -> Self {
        Self::new()
    }
}

impl TextInput {
    pub fn new() -> Self {
        Self {
            text: String::new(),
            caret: 0,
            undo: Vec::new(),
            redo: Vec::new(),
            typing_run: false,
            max_bytes: DEFAULT_MAX_BYTES,
            placeholder: String::new(),
            error: None,
        }
    }

    /// Sanitised like a paste (not capped); caret at the end; no history.
    pub fn with_text(s: &str) -> Self {
        let mut t = Self::new();
        t.set_text(s);
        t
    }

    /// Cap on the total text size in bytes (existing text is kept as is).
    pub fn with_max_bytes(mut self, n: usize) -> Self {
        self.max_bytes = n;
        self
    }

    /// Text shown in the muted style while the input is empty.
    pub fn with_placeholder(mut self, s: &str) -> Self {
        self.placeholder = sanitize(s).replace('\n', " ");
        self
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Replace the text (sanitised, not capped); caret to end; clears history.
    pub fn set_text(&mut self, s: &str) {
        self.text = sanitize(s);
        self.caret = self.text.len();
        self.reset_history();
    }

    /// Empty the text as one undoable step.
    pub fn clear(&mut self) {
        self.remove(0, self.text.len());
    }

    /// Return the text and reset to empty with no history.
    pub fn take(&mut self) -> String {
        self.caret = 0;
        self.reset_history();
        std::mem::take(&mut self.text)
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn caret(&self) -> usize {
        self.caret
    }

    /// Move the caret to `byte`, clamped to the text and down to a boundary.
    pub fn set_caret(&mut self, byte: usize) {
        self.move_to(snap(&self.text, byte, false));
    }

    /// Display column of the caret from the start of the text.
    pub fn caret_column(&self) -> usize {
        display_width(self.text.get(..self.caret).unwrap_or(""))
    }

    /// The last edit refused by [`Self::handle_key`] / [`Self::handle_paste`].
    pub fn take_error(&mut self) -> Option<InputError> {
        self.error.take()
    }

    /// Type one character (consecutive typing coalesces into one undo step
    /// until a space or punctuation, a caret move or another kind of edit).
    pub fn insert_char(&mut self, c: char) -> Result<(), InputError> {
        self.insert_str(c.encode_utf8(&mut [0; 4]))
    }

    /// Type a string (e.g. an IME commit); joins the current run of typing.
    pub fn insert_str(&mut self, s: &str) -> Result<(), InputError> {
        self.edit(self.caret, self.caret, &sanitize(s), true)
            .map(drop)
    }

    /// Insert clipboard text as one undo step: CRLF/CR become LF, tabs a
    /// space, other control characters are dropped; refused whole (nothing
    /// changes) if the text would exceed the size cap.
    pub fn paste(&mut self, s: &str) -> Result<(), InputError> {
        self.edit(self.caret, self.caret, &sanitize(s), false)
            .map(drop)
    }

    /// [`Self::paste`] for `Event::Paste`, reported as an outcome.
    pub fn handle_paste(&mut self, s: &str) -> InputOutcome {
        let r = self.edit(self.caret, self.caret, &sanitize(s), false);
        self.outcome(r)
    }

    pub fn backspace(&mut self) -> bool {
        self.remove(boundary(&self.text, self.caret, false), self.caret)
    }

    pub fn delete(&mut self) -> bool {
        self.remove(self.caret, boundary(&self.text, self.caret, true))
    }

    pub fn move_left(&mut self) -> bool {
        self.move_to(boundary(&self.text, self.caret, false))
    }

    pub fn move_right(&mut self) -> bool {
        self.move_to(boundary(&self.text, self.caret, true))
    }

    /// Back over whitespace, then over one run of the same character class.
    pub fn word_left(&mut self) -> bool {
        self.move_to(self.word_edge(false))
    }

    /// Forward over whitespace, then over one run of the same character class.
    pub fn word_right(&mut self) -> bool {
        self.move_to(self.word_edge(true))
    }

    pub fn home(&mut self) -> bool {
        self.move_to(0)
    }

    pub fn end(&mut self) -> bool {
        self.move_to(self.text.len())
    }

    pub fn kill_to_start(&mut self) -> bool {
        self.remove(0, self.caret)
    }

    /// Delete whitespace before the caret, then one word (shell Ctrl-W).
    pub fn kill_word_back(&mut self) -> bool {
        self.remove(self.word_edge(false), self.caret)
    }

    pub fn kill_to_end(&mut self) -> bool {
        self.remove(self.caret, self.text.len())
    }

    pub fn undo(&mut self) -> bool {
        self.step_history(true)
    }

    pub fn redo(&mut self) -> bool {
        self.step_history(false)
    }

    /// Map a key to an edit. Plain characters (with or without Shift) insert;
    /// Backspace, Delete, Left/Right, Home/End, Ctrl/Alt-Left/Right, Alt-b/f,
    /// Ctrl-A/E/U/W/K, Ctrl/Alt-Backspace (kill word), Ctrl-Z and Ctrl-_ (also
    /// seen as Ctrl-7 or Ctrl-/) undo, Ctrl-Y and Ctrl-Shift-Z redo. Ctrl-H is
    /// Backspace, since Tera Term and other legacy terminals send ^H for it.
    /// Everything else is `Unhandled`; only Press/Repeat events act.
    pub fn handle_key(&mut self, key: &KeyEvent) -> InputOutcome {
        use InputOutcome::{Changed, Moved, Unchanged, Unhandled};
        let (m, extra) = (key.modifiers, KeyModifiers::SUPER | KeyModifiers::HYPER);
        let pressed = matches!(key.kind, KeyEventKind::Press | KeyEventKind::Repeat);
        if !pressed || m.intersects(extra | KeyModifiers::META) {
            return Unhandled;
        }
        let ctrl = m.contains(KeyModifiers::CONTROL);
        let shift = m.contains(KeyModifiers::SHIFT);
        let moved = |b: bool| if b { Moved } else { Unchanged };
        let changed = |b: bool| if b { Changed } else { Unchanged };
        match (key.code, ctrl, m.contains(KeyModifiers::ALT)) {
            (KeyCode::Char(c), false, false) => {
                let r = self.edit(self.caret, self.caret, &sanitize(&c.to_string()), true);
                self.outcome(r)
            }
            (KeyCode::Char(c), true, false) => match (c, shift) {
                ('a', false) => moved(self.home()),
                ('e', false) => moved(self.end()),
                ('h', false) => changed(self.backspace()),
                ('u', false) => changed(self.kill_to_start()),
                ('w', false) => changed(self.kill_word_back()),
                ('k', false) => changed(self.kill_to_end()),
                ('z', false) | ('_' | '7' | '/', _) | ('-', true) => changed(self.undo()),
                ('y', false) | ('z' | 'Z', true) => changed(self.redo()),
                _ => Unhandled,
            },
            (KeyCode::Char('b'), false, true) => moved(self.word_left()),
            (KeyCode::Char('f'), false, true) => moved(self.word_right()),
            (KeyCode::Backspace, false, false) => changed(self.backspace()),
            (KeyCode::Backspace, _, _) => changed(self.kill_word_back()),
            (KeyCode::Delete, false, false) => changed(self.delete()),
            (KeyCode::Left, false, false) => moved(self.move_left()),
            (KeyCode::Left, _, _) => moved(self.word_left()),
            (KeyCode::Right, false, false) => moved(self.move_right()),
            (KeyCode::Right, _, _) => moved(self.word_right()),
            (KeyCode::Home, false, false) => moved(self.home()),
            (KeyCode::End, false, false) => moved(self.end()),
            _ => Unhandled,
        }
    }

    /// First visible display column for a field `width` columns wide.
    /// Stateless policy: 0 while the caret and the whole grapheme under it
    /// fit; otherwise scroll so that grapheme ends in the last column (at the
    /// end of the text the caret sits on column `width - 1`), showing as much
    /// text before the caret as fits. A grapheme wider than the field puts
    /// the caret on column 0.
    pub fn scroll_for_width(&self, width: u16) -> usize {
        self.view(width).1
    }

    /// (caret column, scroll) for a field `width` columns wide.
    pub(super) fn view(&self, width: u16) -> (usize, usize) {
        let (w, col) = (usize::from(width.max(1)), self.caret_column());
        let rest = self.text.get(self.caret..).unwrap_or("");
        let under = rest
            .graphemes(true)
            .next()
            .map_or(1, |g| cluster_width(g).max(1));
        let scroll = if col + under <= w {
            0
        } else {
            col.min(col + under - w)
        };
        (col, scroll)
    }

    fn outcome(&mut self, r: Result<bool, InputError>) -> InputOutcome {
        match r {
            Ok(true) => InputOutcome::Changed,
            Ok(false) => InputOutcome::Unchanged,
            Err(e) => {
                self.error = Some(e);
                InputOutcome::Error
            }
        }
    }

    /// Skip whitespace, then one run of one character class, in a direction.
    fn word_edge(&self, forward: bool) -> usize {
        let (s, mut p, mut class) = (&self.text, self.caret, Class::Space);
        while (forward && p < s.len()) || (!forward && p > 0) {
            let q = boundary(s, p, forward);
            let g = s.get(p.min(q)..p.max(q)).unwrap_or("");
            let c = g.chars().next().map_or(Class::Other, class_of);
            if class == Class::Space {
                class = c;
            } else if c != class {
                break;
            }
            p = q;
        }
        p
    }

    fn move_to(&mut self, p: usize) -> bool {
        self.typing_run = false;
        std::mem::replace(&mut self.caret, p) != p
    }

    fn reset_history(&mut self) {
        self.undo.clear();
        self.redo.clear();
        self.typing_run = false;
        self.error = None;
    }

    fn remove(&mut self, start: usize, end: usize) -> bool {
        self.edit(start, end, "", false).unwrap_or(false)
    }

    /// Replace `start..end` by sanitised `ins` as one undo step, or as part of
    /// the open typing run when `typing`. `Ok(false)` if nothing changed.
    fn edit(
        &mut self,
        start: usize,
        end: usize,
        ins: &str,
        typing: bool,
    ) -> Result<bool, InputError> {
        let removed = match self.text.get(start..end) {
            Some(r) if !r.is_empty() || !ins.is_empty() => r.to_string(),
            _ => return Ok(false),
        };
        let attempted = (self.text.len() - removed.len()).saturating_add(ins.len());
        if !ins.is_empty() && attempted > self.max_bytes {
            let limit_bytes = self.max_bytes;
            return Err(InputError::TooLarge {
                limit_bytes,
                attempted_bytes: attempted,
            });
        }
        let join = typing
            && self.typing_run
            && removed.is_empty()
            && matches!(self.undo.last(), Some(e) if e.removed.is_empty() && e.at + e.inserted.len() == start);
        self.text.replace_range(start..end, ins);
        let caret_after = snap(&self.text, start + ins.len(), !ins.is_empty());
        let caret_before = std::mem::replace(&mut self.caret, caret_after);
        self.redo.clear();
        match self.undo.last_mut() {
            Some(e) if join => {
                e.inserted.push_str(ins);
                e.caret_after = caret_after;
            }
            _ => {
                let inserted = ins.to_string();
                self.undo.push(Edit {
                    at: start,
                    removed,
                    inserted,
                    caret_before,
                    caret_after,
                });
                let size = |e: &Edit| e.removed.len() + e.inserted.len();
                let mut total: usize = self.undo.iter().map(size).sum();
                while self.undo.len() > MAX_UNDO_STEPS
                    || (self.undo.len() > 1 && total > MAX_UNDO_BYTES)
                {
                    total -= size(&self.undo.remove(0));
                }
            }
        }
        // A space or punctuation closes the run; the next character starts a new step.
        let last = ins.chars().last().map(class_of);
        self.typing_run = typing && !matches!(last, None | Some(Class::Space | Class::Other));
        Ok(true)
    }

    fn step_history(&mut self, back: bool) -> bool {
        self.typing_run = false;
        let from = if back { &mut self.undo } else { &mut self.redo };
        let Some(e) = from.pop() else { return false };
        let (old, new, caret) = match back {
            true => (&e.inserted, &e.removed, e.caret_before),
            false => (&e.removed, &e.inserted, e.caret_after),
        };
        let range = e.at..e.at + old.len();
        if self.text.get(range.clone()) != Some(old.as_str()) {
            self.reset_history(); // cannot happen; never corrupt the text
            return false;
        }
        self.text.replace_range(range, new);
        self.caret = snap(&self.text, caret, false);
        let to = if back { &mut self.redo } else { &mut self.undo };
        to.push(e);
        true
    }
}

/// CRLF/CR/NEL/LS/PS → LF, tab → space, other control characters dropped.
fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                chars.next_if(|&n| c == '\r' && n == '\n');
                out.push('\n');
            }
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Space,
    Kanji,
    Hiragana,
    Katakana,
    Alnum,
    Other,
}

/// Word class of a character (a grapheme takes the class of its first char).
fn class_of(c: char) -> Class {
    match c {
        c if c.is_whitespace() => Class::Space,
        '々' | '〆' | '〇' | '〻' | 'ヵ' | 'ヶ' => Class::Kanji,
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' => Class::Kanji,
        '\u{20000}'..='\u{3FFFF}' => Class::Kanji,
        '\u{3041}'..='\u{309F}' => Class::Hiragana,
        '\u{30A1}'..='\u{30FA}' | '\u{30FC}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' => {
            Class::Katakana
        }
        '\u{FF66}'..='\u{FF9F}' => Class::Katakana, // half-width, incl. ｰ ﾞ ﾟ
        c if c.is_alphanumeric() => Class::Alnum,   // Latin, digits, full-width Ａ１
        _ => Class::Other,
    }
}

/// The next (or previous) grapheme boundary from `pos`, a char boundary.
fn boundary(s: &str, pos: usize, forward: bool) -> usize {
    let mut cursor = GraphemeCursor::new(pos, s.len(), true);
    let found = match forward {
        true => cursor.next_boundary(s, 0),
        false => cursor.prev_boundary(s, 0),
    };
    match found {
        Ok(Some(p)) => p,
        _ if forward => s.len(),
        _ => 0,
    }
}

/// The grapheme boundary at or after (`up`) / at or before `pos`, clamped.
fn snap(s: &str, pos: usize, up: bool) -> usize {
    let mut p = pos.min(s.len());
    while !s.is_char_boundary(p) {
        p = if up { p + 1 } else { p - 1 };
    }
    match GraphemeCursor::new(p, s.len(), true).is_boundary(s, 0) {
        Ok(false) => boundary(s, p, up),
        _ => p,
    }
}

mod multiline;
mod render;
pub use multiline::RowSpan;
#[cfg(test)]
mod tests;
