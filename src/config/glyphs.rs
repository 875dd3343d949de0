//! The few markers the chrome draws (saved, meeting day, attendance,
//! milestones, bullets, the newline marker), as a set chosen at start:
//! `unicode` (the default) or `ascii` for terminals that draw East Asian
//! ambiguous-width characters double (Tera Term and PuTTY in CJK mode).
//! Neither set has an ambiguous-width glyph (tested against the Unicode
//! East Asian Width data in `glyphs/ambiguous.rs`).

#[cfg(test)]
mod ambiguous;

/// One glyph per marker. Each is one grapheme or a short ASCII string;
/// the width each must have is noted on the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Glyphs {
    /// The set's name in the config (`glyphs = "ascii"`).
    pub name: &'static str,
    /// An entry saved to the database (1 column).
    pub saved: &'static str,
    /// A day with a meeting in the month grid (1 column).
    pub meeting_day: &'static str,
    /// Attended / absent in the attendance matrix.
    pub attended: &'static str,
    pub absent: &'static str,
    /// A milestone done / still open (progress grid and detail).
    pub milestone_done: &'static str,
    pub milestone_open: &'static str,
    /// Before each opinion in a meeting's detail (2 columns).
    pub bullet: &'static str,
    /// A line break inside a one-line input (1 column).
    pub newline: &'static str,
}

/// The default: the markers of the Japanese office (〇 出席, ・ 欠席). 〇 and
/// ・ are wide (W), ✓ and ⏎ neutral (N): the same width in every terminal.
pub const UNICODE: Glyphs = Glyphs {
    name: "unicode",
    saved: "\u{2713}",
    meeting_day: "*",
    attended: "\u{3007}",
    absent: "\u{30FB}",
    milestone_done: "\u{3007}",
    milestone_open: "\u{30FB}",
    bullet: "\u{30FB}",
    newline: "\u{23CE}",
};

/// Plain printable ASCII only.
pub const ASCII: Glyphs = Glyphs {
    name: "ascii",
    saved: "+",
    meeting_day: "*",
    attended: "o",
    absent: ".",
    milestone_done: "o",
    milestone_open: ".",
    bullet: "- ",
    newline: "|",
};

pub const ALL: [&Glyphs; 2] = [&UNICODE, &ASCII];

impl Glyphs {
    /// The set named `name` ("unicode", "ascii"), if there is one.
    pub fn named(name: &str) -> Option<Glyphs> {
        ALL.iter()
            .find(|g| g.name.eq_ignore_ascii_case(name.trim()))
            .map(|g| **g)
    }

    /// Every glyph with its field name (for tests and `config --check`).
    pub fn each(&self) -> [(&'static str, &'static str); 8] {
        [
            ("saved", self.saved),
            ("meeting_day", self.meeting_day),
            ("attended", self.attended),
            ("absent", self.absent),
            ("milestone_done", self.milestone_done),
            ("milestone_open", self.milestone_open),
            ("bullet", self.bullet),
            ("newline", self.newline),
        ]
    }

    /// Whether a line's leading character is one of this set's markers
    /// (for the hanging indent of wrapped bullet lines).
    pub fn is_marker_char(&self, c: char) -> bool {
        [self.saved, self.bullet]
            .iter()
            .any(|g| g.trim_end().chars().eq(std::iter::once(c)))
    }
}

impl Default for Glyphs {
    fn default() -> Self {
        UNICODE
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widget::text_input::display_width;

    #[test]
    fn no_glyph_is_east_asian_ambiguous() {
        for set in ALL {
            for (field, g) in set.each() {
                for c in g.chars() {
                    assert!(
                        !ambiguous::is_ambiguous(c),
                        "{}.{field}: {c:?} (U+{:04X}) is East Asian Ambiguous",
                        set.name,
                        c as u32
                    );
                }
            }
        }
    }

    #[test]
    fn ascii_glyphs_are_printable_ascii() {
        for (field, g) in ASCII.each() {
            assert!(!g.is_empty(), "{field} is empty");
            assert!(
                g.chars().all(|c| c.is_ascii_graphic() || c == ' '),
                "ascii.{field} = {g:?} is not printable ASCII"
            );
        }
    }

    #[test]
    fn widths_fit_the_layout() {
        for set in ALL {
            for (field, g) in set.each() {
                let want = match field {
                    "saved" | "meeting_day" | "newline" => 1..=1,
                    "bullet" => 2..=2,
                    _ => 1..=2,
                };
                assert!(
                    want.contains(&display_width(g)),
                    "{}.{field} = {g:?} is {} columns",
                    set.name,
                    display_width(g)
                );
            }
        }
    }

    #[test]
    fn sets_are_found_by_name() {
        assert_eq!(Glyphs::named("ASCII"), Some(ASCII));
        assert_eq!(Glyphs::named("unicode"), Some(UNICODE));
        assert_eq!(Glyphs::named("emoji"), None);
    }
}
