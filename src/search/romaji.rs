//! Romaji as people type it into an IME, turned into hiragana: Hepburn and
//! kunrei (shi/si, chi/ti, tsu/tu, fu/hu, ji/zi), `n` / `nn` / `n'` for ん,
//! a doubled consonant for っ (`gakkou`, `matcha`), `-` for ー, and the
//! small kana (`xa`, `ltu`). A consonant still being typed at the end is
//! left off (`danc` looks for だん), so every keystroke finds something.

/// Syllables, longest spellings first within each length.
#[rustfmt::skip]
const SYLLABLES: &[(&str, &str)] = &[
    // Three letters.
    ("kya", "きゃ"), ("kyu", "きゅ"), ("kye", "きぇ"), ("kyo", "きょ"),
    ("gya", "ぎゃ"), ("gyu", "ぎゅ"), ("gye", "ぎぇ"), ("gyo", "ぎょ"),
    ("sha", "しゃ"), ("shi", "し"), ("shu", "しゅ"), ("she", "しぇ"), ("sho", "しょ"),
    ("sya", "しゃ"), ("syu", "しゅ"), ("sye", "しぇ"), ("syo", "しょ"),
    ("zya", "じゃ"), ("zyu", "じゅ"), ("zye", "じぇ"), ("zyo", "じょ"),
    ("jya", "じゃ"), ("jyu", "じゅ"), ("jye", "じぇ"), ("jyo", "じょ"),
    ("cha", "ちゃ"), ("chi", "ち"), ("chu", "ちゅ"), ("che", "ちぇ"), ("cho", "ちょ"),
    ("cya", "ちゃ"), ("cyu", "ちゅ"), ("cye", "ちぇ"), ("cyo", "ちょ"),
    ("tya", "ちゃ"), ("tyu", "ちゅ"), ("tye", "ちぇ"), ("tyo", "ちょ"),
    ("dya", "ぢゃ"), ("dyu", "ぢゅ"), ("dyo", "ぢょ"),
    ("tsu", "つ"), ("thi", "てぃ"), ("dhi", "でぃ"), ("twu", "とぅ"), ("dwu", "どぅ"),
    ("nya", "にゃ"), ("nyu", "にゅ"), ("nye", "にぇ"), ("nyo", "にょ"),
    ("hya", "ひゃ"), ("hyu", "ひゅ"), ("hye", "ひぇ"), ("hyo", "ひょ"),
    ("bya", "びゃ"), ("byu", "びゅ"), ("bye", "びぇ"), ("byo", "びょ"),
    ("pya", "ぴゃ"), ("pyu", "ぴゅ"), ("pye", "ぴぇ"), ("pyo", "ぴょ"),
    ("mya", "みゃ"), ("myu", "みゅ"), ("mye", "みぇ"), ("myo", "みょ"),
    ("rya", "りゃ"), ("ryu", "りゅ"), ("rye", "りぇ"), ("ryo", "りょ"),
    ("xtu", "っ"), ("ltu", "っ"), ("xya", "ゃ"), ("xyu", "ゅ"), ("xyo", "ょ"),
    ("lya", "ゃ"), ("lyu", "ゅ"), ("lyo", "ょ"), ("xwa", "ゎ"), ("lwa", "ゎ"),
    // Two letters.
    ("ka", "か"), ("ki", "き"), ("ku", "く"), ("ke", "け"), ("ko", "こ"),
    ("ga", "が"), ("gi", "ぎ"), ("gu", "ぐ"), ("ge", "げ"), ("go", "ご"),
    ("sa", "さ"), ("si", "し"), ("su", "す"), ("se", "せ"), ("so", "そ"),
    ("za", "ざ"), ("zi", "じ"), ("zu", "ず"), ("ze", "ぜ"), ("zo", "ぞ"),
    ("ja", "じゃ"), ("ji", "じ"), ("ju", "じゅ"), ("je", "じぇ"), ("jo", "じょ"),
    ("ta", "た"), ("ti", "ち"), ("tu", "つ"), ("te", "て"), ("to", "と"),
    ("da", "だ"), ("di", "ぢ"), ("du", "づ"), ("de", "で"), ("do", "ど"),
    ("na", "な"), ("ni", "に"), ("nu", "ぬ"), ("ne", "ね"), ("no", "の"),
    ("ha", "は"), ("hi", "ひ"), ("hu", "ふ"), ("he", "へ"), ("ho", "ほ"),
    ("fa", "ふぁ"), ("fi", "ふぃ"), ("fu", "ふ"), ("fe", "ふぇ"), ("fo", "ふぉ"),
    ("ba", "ば"), ("bi", "び"), ("bu", "ぶ"), ("be", "べ"), ("bo", "ぼ"),
    ("pa", "ぱ"), ("pi", "ぴ"), ("pu", "ぷ"), ("pe", "ぺ"), ("po", "ぽ"),
    ("ma", "ま"), ("mi", "み"), ("mu", "む"), ("me", "め"), ("mo", "も"),
    ("ya", "や"), ("yu", "ゆ"), ("ye", "いぇ"), ("yo", "よ"),
    ("ra", "ら"), ("ri", "り"), ("ru", "る"), ("re", "れ"), ("ro", "ろ"),
    ("la", "ら"), ("li", "り"), ("lu", "る"), ("le", "れ"), ("lo", "ろ"),
    ("wa", "わ"), ("wi", "うぃ"), ("we", "うぇ"), ("wo", "を"),
    ("va", "ゔぁ"), ("vi", "ゔぃ"), ("vu", "ゔ"), ("ve", "ゔぇ"), ("vo", "ゔぉ"),
    ("xa", "ぁ"), ("xi", "ぃ"), ("xu", "ぅ"), ("xe", "ぇ"), ("xo", "ぉ"),
    ("n'", "ん"),
    // One letter.
    ("a", "あ"), ("i", "い"), ("u", "う"), ("e", "え"), ("o", "お"), ("-", "ー"),
];

fn is_consonant(b: u8) -> bool {
    b.is_ascii_lowercase() && !b"aiueo".contains(&b)
}

/// One run of ASCII letters (lower case, and `-` `'`) to kana; None when
/// some part is no romaji.
fn run_to_kana(run: &str, at_end: bool) -> Option<String> {
    let b = run.as_bytes();
    let mut out = String::with_capacity(run.len() * 2);
    let mut i = 0;
    'outer: while i < b.len() {
        // っ: a doubled consonant (not n), or t before ch.
        if i + 1 < b.len()
            && is_consonant(b[i])
            && b[i] != b'n'
            && (b[i] == b[i + 1] || (b[i] == b't' && b[i + 1] == b'c'))
        {
            out.push('っ');
            i += 1;
            continue;
        }
        // nn: ん, and a vowel or y after it starts a new syllable with the
        // second n (kanna → かんな, konnichiha → こんにちは).
        if b[i] == b'n' && b.get(i + 1) == Some(&b'n') {
            out.push('ん');
            let next = b.get(i + 2).copied();
            i += if next.is_some_and(|c| b"aiueoy".contains(&c)) {
                1
            } else {
                2
            };
            continue;
        }
        for (spelling, kana) in SYLLABLES {
            if b[i..].starts_with(spelling.as_bytes()) {
                out.push_str(kana);
                i += spelling.len();
                continue 'outer;
            }
        }
        if b[i] == b'n' {
            // ん before a consonant (not y) and at the end.
            let next = b.get(i + 1).copied();
            if next.is_none_or(|n| is_consonant(n) && n != b'y') {
                out.push('ん');
                i += 1;
                continue;
            }
        }
        // A consonant (cluster) still being typed at the end of the query
        // (not before other characters: `zぃ` keeps its z).
        // A run that is nothing but that stays as typed (`1z` is not `1`).
        if at_end && b[i..].iter().all(|&c| is_consonant(c)) && b.len() - i <= 2 {
            if out.is_empty() {
                return None;
            }
            break;
        }
        return None;
    }
    Some(out)
}

/// `text` with every run of ASCII letters that is romaji turned into
/// hiragana (other runs and characters stay as they are).
pub fn to_kana(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len() * 2);
    let mut run_start: Option<usize> = None;
    let flush = |out: &mut String, run: &str, at_end: bool| match run_to_kana(run, at_end) {
        Some(k) => out.push_str(&k),
        None => out.push_str(run),
    };
    for (i, c) in text.char_indices() {
        let romaji = c.is_ascii_lowercase() || ((c == '-' || c == '\'') && run_start.is_some());
        match (romaji, run_start) {
            (true, None) => run_start = Some(i),
            (false, Some(s)) => {
                flush(&mut out, &text[s..i], false);
                run_start = None;
                out.push(c);
            }
            (false, None) => out.push(c),
            (true, Some(_)) => {}
        }
    }
    if let Some(s) = run_start {
        flush(&mut out, &text[s..], true);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> String {
        to_kana(s).expect("kana")
    }

    #[test]
    fn an_unfinished_consonant_is_dropped_only_at_the_end() {
        // Still being typed: the finished part is looked for.
        assert_eq!(k("danch"), "だん");
        // Before other characters it is what was meant: kept as typed
        // (proptest case: `zぃ` had become `ぃ` and highlighted another ぃ).
        assert_eq!(k("zぃ"), "zぃ");
        assert_eq!(k("dz団地"), "dz団地");
        assert_eq!(k("1z"), "1z");
    }

    #[test]
    fn hepburn_and_kunrei_agree() {
        for (a, b) in [
            ("shi", "si"),
            ("chi", "ti"),
            ("tsu", "tu"),
            ("fu", "hu"),
            ("ji", "zi"),
            ("sha", "sya"),
            ("cho", "tyo"),
            ("ja", "zya"),
        ] {
            assert_eq!(k(a), k(b), "{a} {b}");
        }
        assert_eq!(k("danchi"), "だんち");
        assert_eq!(k("dantI".to_lowercase().as_str()), "だんち");
    }

    #[test]
    fn n_small_tsu_and_long_vowels() {
        assert_eq!(k("shuunen"), "しゅうねん");
        assert_eq!(k("kanna"), "かんな");
        assert_eq!(k("kan'i"), "かんい");
        assert_eq!(k("kani"), "かに");
        assert_eq!(k("konnichiha"), "こんにちは");
        assert_eq!(k("konnnichiha"), "こんにちは");
        assert_eq!(k("shinnen"), "しんねん");
        assert_eq!(k("shinbun"), "しんぶん");
        assert_eq!(k("gakkou"), "がっこう");
        assert_eq!(k("matcha"), "まっちゃ");
        assert_eq!(k("to-kyo-"), "とーきょー");
        assert_eq!(k("danc"), "だん");
        assert_eq!(k("大規模danchi"), "大規模だんち");
    }
}
