//! CSV that opens correctly in Excel on Japanese Windows: UTF-8 with a BOM
//! by default, or CP932 (Shift_JIS) on request — refusing, with the line
//! and character named, anything CP932 cannot hold rather than writing "?".
//!
//! Text a spreadsheet could take for a formula (OWASP's CSV injection
//! advice: a cell starting with `=`, `+`, `-`, `@`, a tab or a CR) is
//! written with a leading `'`, so `=HYPERLINK(…)` from an opinion shows as
//! text instead of becoming a live link; a plain number (`-5`, `-1,234`)
//! is left alone. Codes (`1-1`, `1-1-1`) are written as they are: CSV has
//! no way to say "text" that Excel honours when it opens the file (`="1-1"`
//! is a formula, and a leading `'` would stay visible in the cell), so the
//! README sends Excel users to `--format xlsx`, where codes are text cells,
//! or to データ → テキストまたは CSV から with the column set to 文字列.

use encoding_rs::SHIFT_JIS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// UTF-8 with a byte-order mark (Excel needs the BOM to read UTF-8).
    #[default]
    Utf8Bom,
    /// CP932 / Shift_JIS, for older tools.
    Cp932,
}

impl Encoding {
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" | "utf-8-bom" | "utf8bom" => Some(Self::Utf8Bom),
            "cp932" | "sjis" | "shift_jis" | "shift-jis" | "windows-31j" => Some(Self::Cp932),
            _ => None,
        }
    }
}

/// Characters CP932 cannot hold, with where they are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("CP932 で表せない文字があります: {}。--encoding utf-8 で出力してください", self.describe())]
pub struct Cp932Error {
    /// (line, column in characters, the character), 1-based.
    pub chars: Vec<(usize, usize, char)>,
}

impl Cp932Error {
    fn describe(&self) -> String {
        let mut parts: Vec<String> = self
            .chars
            .iter()
            .take(10)
            .map(|(l, c, ch)| format!("{l}行{c}文字目「{ch}」(U+{:04X})", *ch as u32))
            .collect();
        if self.chars.len() > 10 {
            parts.push(format!("ほか {} 文字", self.chars.len() - 10));
        }
        parts.join("、")
    }
}

/// Excel's last row: a sheet holds 1,048,576 rows, header included.
pub const EXCEL_MAX_ROWS: usize = 1_048_576;

/// The warning for a table of `rows` rows (header included) when Excel
/// cannot show them all (`limit` is [`EXCEL_MAX_ROWS`] but for tests).
pub fn row_limit_warning(rows: usize, limit: usize) -> Option<String> {
    (rows > limit).then(|| {
        format!(
            "注意: {rows} 行あります。Excel で開けるのは {limit} 行までで、それより後の {} 行は表示されません（--fiscal-year で分けて書き出してください）",
            rows - limit
        )
    })
}

/// Whether a spreadsheet could take `s` for a formula (OWASP): it starts
/// with `=`, `+`, `-`, `@`, a tab or a CR and is not a plain number.
pub fn looks_like_formula(s: &str) -> bool {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    risky && !is_plain_number(s)
}

/// `-5`, `+3.5`, `-1,234`: a number a spreadsheet reads as one.
fn is_plain_number(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let mut digits = 0;
    let mut dots = 0;
    for c in body.chars() {
        match c {
            '0'..='9' => digits += 1,
            '.' => dots += 1,
            ',' => {}
            _ => return false,
        }
    }
    digits > 0 && dots <= 1 && !body.starts_with([',', '.'])
}

/// A cell's text made safe from formula injection: a leading `'` where a
/// spreadsheet could read a formula.
pub fn neutralise(s: &str) -> std::borrow::Cow<'_, str> {
    if looks_like_formula(s) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// One field, neutralised (see [`neutralise`]) and quoted when it must be
/// (comma, quote, newline, leading or trailing space).
pub fn field(s: &str) -> String {
    let s = &*neutralise(s);
    let needs = s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ');
    if needs {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Rows to CSV text with CRLF line ends (what Excel writes).
pub fn to_csv<S: AsRef<str>>(rows: &[Vec<S>]) -> String {
    let mut out = String::new();
    for row in rows {
        let line: Vec<String> = row.iter().map(|f| field(f.as_ref())).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The bytes to write for `text` in `enc`.
pub fn encode(text: &str, enc: Encoding) -> Result<Vec<u8>, Cp932Error> {
    match enc {
        Encoding::Utf8Bom => {
            let mut out = vec![0xEF, 0xBB, 0xBF];
            out.extend_from_slice(text.as_bytes());
            Ok(out)
        }
        Encoding::Cp932 => {
            let mut bad = Vec::new();
            for (l, line) in text.split('\n').enumerate() {
                for (c, ch) in line.chars().enumerate() {
                    let mut buf = [0u8; 4];
                    let (_, _, unmappable) = SHIFT_JIS.encode(ch.encode_utf8(&mut buf));
                    if unmappable {
                        bad.push((l + 1, c + 1, ch));
                    }
                }
            }
            if !bad.is_empty() {
                return Err(Cp932Error { chars: bad });
            }
            let (bytes, _, _) = SHIFT_JIS.encode(text);
            Ok(bytes.into_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        let csv = to_csv(&[vec!["職名", "出席"], vec!["区長, 代理", "say \"hi\""]]);
        assert_eq!(csv, "職名,出席\r\n\"区長, 代理\",\"say \"\"hi\"\"\"\r\n");
    }

    #[test]
    fn formula_looking_cells_get_a_quote_and_numbers_do_not() {
        for (cell, want) in [
            (
                "=HYPERLINK(\"http://x\",\"押す\")",
                "\"'=HYPERLINK(\"\"http://x\"\",\"\"押す\"\")\"",
            ),
            ("+81-3-1234", "'+81-3-1234"),
            ("-1+2", "'-1+2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "\"'\r=1\""),
            ("-", "'-"),
            ("-5", "-5"),
            ("-1,234", "\"-1,234\""),
            ("+3.5", "+3.5"),
            ("1-1", "1-1"),
            ("区長=議長", "区長=議長"),
        ] {
            assert_eq!(field(cell), want, "{cell:?}");
        }
    }

    #[test]
    fn the_row_limit_warns_only_past_it() {
        assert_eq!(row_limit_warning(EXCEL_MAX_ROWS, EXCEL_MAX_ROWS), None);
        let w = row_limit_warning(12, 10).expect("warns");
        assert!(
            w.contains("12 行") && w.contains("10 行まで") && w.contains("2 行"),
            "{w}"
        );
    }

    #[test]
    fn utf8_has_a_bom() {
        let b = encode("区長\r\n", Encoding::Utf8Bom).expect("utf8");
        assert_eq!(&b[..3], &[0xEF, 0xBB, 0xBF]);
    }

    #[test]
    fn cp932_round_trips_japanese_and_names_what_it_cannot_hold() {
        let b = encode("区長,①髙～\r\n", Encoding::Cp932).expect("cp932");
        let (back, _, bad) = SHIFT_JIS.decode(&b);
        assert!(!bad);
        assert_eq!(back, "区長,①髙～\r\n");
        let e = encode("区長\n𠮷野家と😀", Encoding::Cp932).expect_err("unmappable");
        assert_eq!(e.chars, vec![(2, 1, '𠮷'), (2, 5, '😀')]);
        assert!(e.to_string().contains("2行1文字目「𠮷」"));
    }
}
