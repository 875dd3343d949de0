//! East Asian Width "A" (Ambiguous) ranges, from the Unicode Character
//! Database's EastAsianWidth.txt (Unicode 15.1), for the blocks a terminal
//! chrome could draw from: Latin-1 punctuation, Greek and Cyrillic letters,
//! general punctuation, letterlike symbols and number forms, arrows,
//! mathematical operators, enclosed alphanumerics, box drawing, block
//! elements, geometric shapes, miscellaneous symbols and dingbats. A terminal
//! in a CJK setting draws these two columns wide while the layout counts one.
//! (Combining marks, variation selectors and private use are left out: no
//! glyph of ours is one.)

const RANGES: &[(u32, u32)] = &[
    (0x00A1, 0x00A1),
    (0x00A4, 0x00A4),
    (0x00A7, 0x00A8),
    (0x00AA, 0x00AA),
    (0x00AD, 0x00AE),
    (0x00B0, 0x00B4),
    (0x00B6, 0x00BA),
    (0x00BC, 0x00BF),
    (0x00C6, 0x00C6),
    (0x00D0, 0x00D0),
    (0x00D7, 0x00D8),
    (0x00DE, 0x00E1),
    (0x00E6, 0x00E6),
    (0x00E8, 0x00EA),
    (0x00EC, 0x00ED),
    (0x00F0, 0x00F0),
    (0x00F2, 0x00F3),
    (0x00F7, 0x00FA),
    (0x00FC, 0x00FC),
    (0x00FE, 0x00FE),
    (0x0391, 0x03A1),
    (0x03A3, 0x03A9),
    (0x03B1, 0x03C1),
    (0x03C3, 0x03C9),
    (0x0401, 0x0401),
    (0x0410, 0x044F),
    (0x0451, 0x0451),
    (0x2010, 0x2010),
    (0x2013, 0x2016),
    (0x2018, 0x2019),
    (0x201C, 0x201D),
    (0x2020, 0x2022),
    (0x2024, 0x2027),
    (0x2030, 0x2030),
    (0x2032, 0x2033),
    (0x2035, 0x2035),
    (0x203B, 0x203B),
    (0x203E, 0x203E),
    (0x2074, 0x2074),
    (0x207F, 0x207F),
    (0x2081, 0x2084),
    (0x20AC, 0x20AC),
    (0x2103, 0x2103),
    (0x2105, 0x2105),
    (0x2109, 0x2109),
    (0x2113, 0x2113),
    (0x2116, 0x2116),
    (0x2121, 0x2122),
    (0x2126, 0x2126),
    (0x212B, 0x212B),
    (0x2153, 0x2154),
    (0x215B, 0x215E),
    (0x2160, 0x216B),
    (0x2170, 0x2179),
    (0x2189, 0x2189),
    (0x2190, 0x2199),
    (0x21B8, 0x21B9),
    (0x21D2, 0x21D2),
    (0x21D4, 0x21D4),
    (0x21E7, 0x21E7),
    (0x2200, 0x2200),
    (0x2202, 0x2203),
    (0x2207, 0x2208),
    (0x220B, 0x220B),
    (0x220F, 0x220F),
    (0x2211, 0x2211),
    (0x2215, 0x2215),
    (0x221A, 0x221A),
    (0x221D, 0x2220),
    (0x2223, 0x2223),
    (0x2225, 0x2225),
    (0x2227, 0x222C),
    (0x222E, 0x222E),
    (0x2234, 0x2237),
    (0x223C, 0x223D),
    (0x2248, 0x2248),
    (0x224C, 0x224C),
    (0x2252, 0x2252),
    (0x2260, 0x2261),
    (0x2264, 0x2267),
    (0x226A, 0x226B),
    (0x226E, 0x226F),
    (0x2282, 0x2283),
    (0x2286, 0x2287),
    (0x2295, 0x2295),
    (0x2299, 0x2299),
    (0x22A5, 0x22A5),
    (0x22BF, 0x22BF),
    (0x2312, 0x2312),
    (0x2460, 0x24E9),
    (0x24EB, 0x254B),
    (0x2550, 0x2573),
    (0x2580, 0x258F),
    (0x2592, 0x2595),
    (0x25A0, 0x25A1),
    (0x25A3, 0x25A9),
    (0x25B2, 0x25B3),
    (0x25B6, 0x25B7),
    (0x25BC, 0x25BD),
    (0x25C0, 0x25C1),
    (0x25C6, 0x25C8),
    (0x25CB, 0x25CB),
    (0x25CE, 0x25D1),
    (0x25E2, 0x25E5),
    (0x25EF, 0x25EF),
    (0x2605, 0x2606),
    (0x2609, 0x2609),
    (0x260E, 0x260F),
    (0x261C, 0x261C),
    (0x261E, 0x261E),
    (0x2640, 0x2640),
    (0x2642, 0x2642),
    (0x2660, 0x2661),
    (0x2663, 0x2665),
    (0x2667, 0x266A),
    (0x266C, 0x266D),
    (0x266F, 0x266F),
    (0x269E, 0x269F),
    (0x26BF, 0x26BF),
    (0x26C6, 0x26CD),
    (0x26CF, 0x26D3),
    (0x26D5, 0x26E1),
    (0x26E3, 0x26E3),
    (0x26E8, 0x26E9),
    (0x26EB, 0x26F1),
    (0x26F4, 0x26F4),
    (0x26F6, 0x26F9),
    (0x26FB, 0x26FC),
    (0x26FE, 0x26FF),
    (0x273D, 0x273D),
    (0x2776, 0x277F),
    (0x2B56, 0x2B59),
    (0x3248, 0x324F),
    (0xFFFD, 0xFFFD),
    (0x1F100, 0x1F10A),
    (0x1F110, 0x1F12D),
    (0x1F130, 0x1F169),
    (0x1F170, 0x1F18D),
    (0x1F18F, 0x1F190),
    (0x1F19B, 0x1F1AC),
];

pub fn is_ambiguous(c: char) -> bool {
    let c = c as u32;
    RANGES.iter().any(|&(lo, hi)| (lo..=hi).contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthChar;

    #[test]
    fn table_is_sorted_and_disjoint() {
        for w in RANGES.windows(2) {
            assert!(w[0].0 <= w[0].1 && w[0].1 < w[1].0, "{:X?}", w);
        }
    }

    #[test]
    fn the_usual_suspects_are_ambiguous() {
        for c in "●○…※★☆■□◆◇×▲▼→←↑↓─│┌①§°±¶´ΑАα".chars()
        {
            assert!(is_ambiguous(c), "{c:?}");
        }
        for c in "✓⏎〇・*o.-+|A あ漢".chars() {
            assert!(!is_ambiguous(c), "{c:?}");
        }
    }

    /// The table and unicode-width (which the layout uses) agree: every
    /// symbol of the table is one it draws wider in a CJK setting, and every
    /// such character of these blocks is in the table. (unicode-width
    /// deliberately keeps ambiguous letters, spacing accents and the soft
    /// hyphen narrow even there; those are the exceptions.)
    #[test]
    fn table_agrees_with_unicode_width() {
        let wider = |c: char| (c.width(), c.width_cjk()) == (Some(1), Some(2));
        let letter_like =
            |c: char| c.is_alphabetic() || matches!(c, '\u{A8}' | '\u{AD}' | '\u{B4}' | '\u{B8}');
        for &(lo, hi) in RANGES {
            for c in (lo..=hi).filter_map(char::from_u32) {
                assert!(wider(c) || letter_like(c), "U+{:04X} {c:?}", c as u32);
            }
        }
        // Characters with a canonical decomposition (↚ = ← + U+0338,
        // U+0387 = U+00B7) are
        // measured by unicode-width as what they decompose to.
        use unicode_normalization::UnicodeNormalization;
        let composed = |c: char| c.to_string().nfd().ne(std::iter::once(c));
        for c in ('\u{A0}'..='\u{2BFF}').filter(|&c| wider(c) && !composed(c)) {
            assert!(is_ambiguous(c), "U+{:04X} {c:?} is missing", c as u32);
        }
    }
}
