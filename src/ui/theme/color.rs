//! Colours as theme files write them ("red", "bright-blue", "#4fa3d1", 208)
//! and the terminal's colour depth, with a fallback that maps a colour the
//! terminal cannot show to the nearest one it can.

use ratatui::style::{Color, Modifier, Style};

/// How many colours the terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorDepth {
    TrueColor,
    Ansi256,
    Ansi16,
}

impl ColorDepth {
    /// `COLORTERM=truecolor` or `24bit` → true colour; a `TERM` naming
    /// 256color → 256; anything else → the 16 ANSI colours.
    pub fn detect(colorterm: Option<&str>, term: Option<&str>) -> ColorDepth {
        let ct = colorterm.unwrap_or("").to_ascii_lowercase();
        if ct == "truecolor" || ct == "24bit" {
            ColorDepth::TrueColor
        } else if term.unwrap_or("").contains("256color") {
            ColorDepth::Ansi256
        } else {
            ColorDepth::Ansi16
        }
    }

    pub fn from_env() -> ColorDepth {
        let ct = std::env::var("COLORTERM").ok();
        let term = std::env::var("TERM").ok();
        ColorDepth::detect(ct.as_deref(), term.as_deref())
    }
}

/// The 16 ANSI colours by their usual names, with ratatui's (whose `Gray`
/// is ANSI 7 "white" and `White` is ANSI 15 "bright white").
const NAMES: &[(&str, Color)] = &[
    ("black", Color::Black),
    ("red", Color::Red),
    ("green", Color::Green),
    ("yellow", Color::Yellow),
    ("blue", Color::Blue),
    ("magenta", Color::Magenta),
    ("cyan", Color::Cyan),
    ("white", Color::Gray),
    ("bright-black", Color::DarkGray),
    ("bright-red", Color::LightRed),
    ("bright-green", Color::LightGreen),
    ("bright-yellow", Color::LightYellow),
    ("bright-blue", Color::LightBlue),
    ("bright-magenta", Color::LightMagenta),
    ("bright-cyan", Color::LightCyan),
    ("bright-white", Color::White),
];

const ALIASES: &[(&str, Color)] = &[
    ("gray", Color::Gray),
    ("grey", Color::Gray),
    ("dark-gray", Color::DarkGray),
    ("dark-grey", Color::DarkGray),
    ("default", Color::Reset),
    ("reset", Color::Reset),
];

/// xterm's default RGB for the 16 ANSI colours (for the fallback).
const ANSI_RGB: [(u8, u8, u8); 16] = [
    (0, 0, 0),
    (205, 0, 0),
    (0, 205, 0),
    (205, 205, 0),
    (0, 0, 238),
    (205, 0, 205),
    (0, 205, 205),
    (229, 229, 229),
    (127, 127, 127),
    (255, 0, 0),
    (0, 255, 0),
    (255, 255, 0),
    (92, 92, 255),
    (255, 0, 255),
    (0, 255, 255),
    (255, 255, 255),
];

pub fn parse_color_name(s: &str) -> Result<Color, String> {
    let t = s.trim().to_ascii_lowercase().replace('_', "-");
    if let Some(hex) = t.strip_prefix('#') {
        let ok = hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit());
        let byte = |i: usize| {
            hex.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        };
        return match (byte(0), byte(2), byte(4)) {
            (Some(r), Some(g), Some(b)) if ok => Ok(Color::Rgb(r, g, b)),
            _ => Err(format!("色 {s:?} は #rrggbb の形ではありません")),
        };
    }
    if let Ok(n) = t.parse::<i64>() {
        return parse_color_index(n);
    }
    NAMES
        .iter()
        .chain(ALIASES)
        .find(|(n, _)| *n == t)
        .map(|(_, c)| *c)
        .ok_or_else(|| {
            format!(
                "色 {s:?} がわかりません（red、bright-blue などの名前、#rrggbb、0〜255 の番号）"
            )
        })
}

pub fn parse_color_index(n: i64) -> Result<Color, String> {
    match u8::try_from(n) {
        Ok(i) if i < 16 => Ok(NAMES[i as usize].1),
        Ok(i) => Ok(Color::Indexed(i)),
        Err(_) => Err(format!("色の番号 {n} は 0〜255 の範囲外です")),
    }
}

pub fn parse_modifier(s: &str) -> Result<Modifier, String> {
    match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
        "bold" => Ok(Modifier::BOLD),
        "dim" => Ok(Modifier::DIM),
        "italic" => Ok(Modifier::ITALIC),
        "underlined" | "underline" => Ok(Modifier::UNDERLINED),
        "reversed" | "reverse" => Ok(Modifier::REVERSED),
        "crossed-out" | "strikethrough" => Ok(Modifier::CROSSED_OUT),
        _ => Err(format!(
            "修飾 {s:?} がわかりません（bold、dim、italic、underlined、reversed、crossed-out）"
        )),
    }
}

/// The RGB of a 256-colour palette entry (xterm's palette).
fn indexed_rgb(i: u8) -> (u8, u8, u8) {
    match i {
        0..=15 => ANSI_RGB[i as usize],
        16..=231 => {
            let level = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
            let n = i - 16;
            (level(n / 36), level(n / 6 % 6), level(n % 6))
        }
        _ => {
            let g = 8 + (i - 232) * 10;
            (g, g, g)
        }
    }
}

fn distance(a: (u8, u8, u8), b: (u8, u8, u8)) -> u32 {
    let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).pow(2) as u32;
    // Weighted for the eye: green counts most, blue least.
    3 * d(a.0, b.0) + 4 * d(a.1, b.1) + 2 * d(a.2, b.2)
}

/// The nearest entry of the 6×6×6 cube or the grey ramp (16–255).
pub fn nearest_256(rgb: (u8, u8, u8)) -> u8 {
    (16..=255u8)
        .min_by_key(|&i| distance(rgb, indexed_rgb(i)))
        .unwrap_or(16)
}

/// The nearest of the 16 ANSI colours, as ratatui's named colour.
pub fn nearest_16(rgb: (u8, u8, u8)) -> Color {
    let i = (0..16usize)
        .min_by_key(|&i| distance(rgb, ANSI_RGB[i]))
        .unwrap_or(0);
    NAMES[i].1
}

/// `c` as the terminal of `depth` can show it.
pub fn fit_color(c: Color, depth: ColorDepth) -> Color {
    match (c, depth) {
        (_, ColorDepth::TrueColor) => c,
        (Color::Rgb(r, g, b), ColorDepth::Ansi256) => Color::Indexed(nearest_256((r, g, b))),
        (Color::Rgb(r, g, b), ColorDepth::Ansi16) => nearest_16((r, g, b)),
        (Color::Indexed(i), ColorDepth::Ansi16) => nearest_16(indexed_rgb(i)),
        (Color::Indexed(i), ColorDepth::Ansi256) if i < 16 => NAMES[i as usize].1,
        _ => c,
    }
}

pub fn fit_style(s: Style, depth: ColorDepth) -> Style {
    Style {
        fg: s.fg.map(|c| fit_color(c, depth)),
        bg: s.bg.map(|c| fit_color(c, depth)),
        ..s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_forms() {
        assert_eq!(parse_color_name("red"), Ok(Color::Red));
        assert_eq!(parse_color_name("Bright-Blue"), Ok(Color::LightBlue));
        assert_eq!(parse_color_name("bright_black"), Ok(Color::DarkGray));
        assert_eq!(parse_color_name("white"), Ok(Color::Gray));
        assert_eq!(
            parse_color_name("#1A2b3c"),
            Ok(Color::Rgb(0x1a, 0x2b, 0x3c))
        );
        assert_eq!(parse_color_name("208"), Ok(Color::Indexed(208)));
        assert_eq!(parse_color_index(4), Ok(Color::Blue));
        assert!(parse_color_name("#12345").is_err());
        assert!(parse_color_name("#gggggg").is_err());
        assert!(parse_color_name("bluish").is_err());
        assert!(parse_color_index(256).is_err());
        assert!(parse_color_index(-1).is_err());
    }

    #[test]
    fn depth_from_the_environment() {
        use ColorDepth::*;
        assert_eq!(
            ColorDepth::detect(Some("truecolor"), Some("xterm")),
            TrueColor
        );
        assert_eq!(ColorDepth::detect(Some("24bit"), None), TrueColor);
        assert_eq!(ColorDepth::detect(None, Some("screen-256color")), Ansi256);
        assert_eq!(ColorDepth::detect(None, Some("xterm")), Ansi16);
        assert_eq!(ColorDepth::detect(None, None), Ansi16);
    }

    #[test]
    fn fallback_picks_the_nearest_colour() {
        assert_eq!(nearest_256((255, 0, 0)), 196);
        assert_eq!(nearest_256((0, 0, 0)), 16);
        assert_eq!(nearest_256((128, 128, 128)), 244);
        assert_eq!(nearest_16((250, 10, 10)), Color::LightRed);
        assert_eq!(nearest_16((200, 0, 0)), Color::Red);
        assert_eq!(nearest_16((20, 20, 30)), Color::Black);
        assert_eq!(
            fit_color(Color::Rgb(0, 95, 135), ColorDepth::Ansi256),
            Color::Indexed(24)
        );
        assert_eq!(
            fit_color(Color::Indexed(196), ColorDepth::Ansi16),
            Color::LightRed
        );
        assert_eq!(fit_color(Color::Cyan, ColorDepth::Ansi16), Color::Cyan);
        let rgb = Color::Rgb(1, 2, 3);
        assert_eq!(fit_color(rgb, ColorDepth::TrueColor), rgb);
    }
}
