//! An HTML page saved from a city site, to the plain text lines the importers
//! read. The page is tokenized by html5ever (every named character
//! reference, comments, scripts and broken markup as a browser reads them);
//! this module only decides where lines break.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::TokenizerResult;

/// One line of text extracted from HTML, with the 1-based line number in the
/// HTML source where it starts (for error messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextLine {
    pub text: String,
    pub source_line: usize,
}

/// Whether `text` is an HTML page rather than plain text: it starts (after
/// whitespace, BOM, an XML declaration or comments) with `<!DOCTYPE html` or
/// `<html`, or has a `<body>`, `<head>`, `<div>`, `<p>` or `<table>` tag near the start.
pub fn looks_like_html(text: &str) -> bool {
    let mut rest = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
    while rest.starts_with("<?") || rest.starts_with("<!--") {
        let close = if rest.starts_with("<?") { "?>" } else { "-->" };
        let Some(i) = rest.find(close) else { break };
        rest = rest[i + close.len()..].trim_start();
    }
    let end = rest.char_indices().nth(4096).map_or(rest.len(), |(i, _)| i);
    let head = rest[..end].to_ascii_lowercase();
    head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || ["<body", "<head", "<div", "<p", "<table"]
            .iter()
            .any(|open| {
                head.match_indices(open).any(|(i, _)| {
                    let next = head.as_bytes().get(i + open.len());
                    next.is_some_and(|b| b"> /\t\n\r".contains(b))
                })
            })
}

/// Extracts the visible text of an HTML page as trimmed, non-empty lines.
pub fn html_to_lines(html: &str) -> Vec<TextLine> {
    // html5ever counts a lone CR as a line, as the decoder's output does.
    let html = html.replace("\r\n", "\n").replace('\r', "\n");
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(&html));
    let tokenizer = Tokenizer::new(Sink::default(), TokenizerOpts::default());
    while let TokenizerResult::Script(()) = tokenizer.feed(&input) {}
    tokenizer.end();
    let mut state = tokenizer.sink.0.take();
    state.out.finish_line();
    state.out.lines
}

/// Elements whose start and end tags both begin a new line.
const BLOCK: &str = "address article aside blockquote body br caption center dd details div dl dt \
    fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr html legend li main nav ol p \
    pre section summary table tbody tfoot thead tr ul";
/// Elements whose contents are never shown.
const HIDDEN: &str = "script style noscript title template";
/// Elements that may appear inside `<head>` without closing it.
const HEAD_ONLY: &str = "base link meta noscript script style template title";
/// Characters that already mark a list item.
const BULLETS: &[char] = &['・', '･', '•', '-'];
fn listed(list: &str, name: &str) -> bool {
    list.split_ascii_whitespace().any(|n| n == name)
}

#[derive(Default)]
struct Out {
    lines: Vec<TextLine>,
    text: String,
    start: usize,
    /// Whitespace seen since the last character: (contains a newline, forced).
    gap: Option<(bool, bool)>,
    /// The next non-empty line starts a list item.
    li: bool,
}

impl Out {
    fn push(&mut self, c: char, line: usize) {
        match (self.gap.take(), self.text.chars().next_back()) {
            (_, None) => self.start = line,
            (Some((newline, forced)), Some(last)) => {
                // Japanese text wrapped in the source joins without a space.
                if forced || !newline || (last.is_ascii() && c.is_ascii()) {
                    self.text.push(' ');
                }
            }
            (None, Some(_)) => {}
        }
        self.text.push(c);
    }

    fn space(&mut self, newline: bool, forced: bool) {
        if !self.text.is_empty() {
            let (n, f) = self.gap.unwrap_or((false, false));
            self.gap = Some((n || newline, f || forced));
        }
    }

    fn finish_line(&mut self) {
        self.gap = None;
        let text = self.text.trim_matches(|c: char| c.is_ascii_whitespace());
        if !text.trim().is_empty() {
            let bullet = self.li && !text.starts_with(BULLETS);
            let prefix = if bullet { "- " } else { "" };
            let text = format!("{prefix}{text}");
            self.lines.push(TextLine {
                text,
                source_line: self.start,
            });
            self.li = false;
        }
        self.text.clear();
    }
}

#[derive(Default)]
struct State {
    in_head: bool,
    /// Depth of open `<pre>` elements.
    pre: usize,
    /// Inside `<script>`, `<style>` …: its name; the text is not shown.
    hidden: Option<String>,
    out: Out,
}

#[derive(Default)]
struct Sink(RefCell<State>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        let mut st = self.0.borrow_mut();
        let line = usize::try_from(line).unwrap_or(usize::MAX);
        match token {
            Token::CharacterTokens(text) if st.hidden.is_none() => {
                for c in text.chars() {
                    st.emit(c, line);
                }
            }
            Token::TagToken(tag) => return st.tag(&tag),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

impl State {
    /// Outputs one text character.
    fn emit(&mut self, c: char, line: usize) {
        let space = c.is_ascii_whitespace() || c == '\u{A0}';
        if self.in_head && space {
            return;
        }
        self.in_head = false; // text in <head> starts the body, as in browsers
        let newline = matches!(c, '\n' | '\r');
        match (self.pre > 0, space) {
            (true, _) if newline => self.out.finish_line(),
            (true, true) if !self.out.text.is_empty() => self.out.text.push(' '),
            (false, true) => self.out.space(newline, c == '\u{A0}'),
            (_, true) => {}
            (_, false) => self.out.push(c, line),
        }
    }

    fn tag(&mut self, tag: &Tag) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        if let Some(open) = &self.hidden {
            if tag.kind == TagKind::EndTag && open == name {
                self.hidden = None;
            }
            return TokenSinkResult::Continue;
        }
        match tag.kind {
            TagKind::StartTag => self.start_tag(name, tag.self_closing),
            TagKind::EndTag => {
                self.end_tag(name);
                TokenSinkResult::Continue
            }
        }
    }

    fn start_tag(&mut self, name: &str, self_closing: bool) -> TokenSinkResult<()> {
        if name == "head" {
            self.in_head = !self_closing;
            return TokenSinkResult::Continue;
        }
        self.in_head &= listed(HEAD_ONLY, name);
        if listed(HIDDEN, name) && !self_closing {
            self.hidden = Some(name.to_string());
            let kind = match name {
                "script" => RawKind::ScriptData,
                "title" => RawKind::Rcdata,
                _ => RawKind::Rawtext,
            };
            return TokenSinkResult::RawData(kind);
        }
        if listed(BLOCK, name) {
            self.out.finish_line();
        }
        match name {
            "li" => self.out.li = true,
            "ul" | "ol" => self.out.li = false,
            "td" | "th" => self.out.space(false, true), // cells are separated by a space
            "pre" if !self_closing => self.pre += 1,
            _ => {}
        }
        TokenSinkResult::Continue
    }

    fn end_tag(&mut self, name: &str) {
        match name {
            "head" => self.in_head = false,
            "pre" => self.pre = self.pre.saturating_sub(1),
            _ => {}
        }
        if listed(BLOCK, name) {
            self.out.finish_line();
            self.out.li &= !matches!(name, "li" | "ul" | "ol");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PAGE: &str = r#"<!DOCTYPE html><html><head><title>平成29年度区づくり経営会議</title><script>var a="<p>";</script></head><body>
<h1>平成29年度区づくり経営会議</h1>
<h2>第1回</h2><h3>1 日時</h3><p>平成29年4月20日(木曜日)午後1時00分から2時30分</p>
<h3>4 議事概要</h3><p>(1)平成29年度改革推進委員会の発足について<br>実施要領(案)をもとに協議しました。</p>
<p>(主な意見)</p><ul><li>職員が改革推進委員会の活動に積極的に参加できるよう、職場がしっかりと&nbsp;支援すべき。</li></ul>
</body></html>
"#;

    #[test]
    fn yokohama_minutes_page() {
        let got = html_to_lines(PAGE)
            .into_iter()
            .map(|l| (l.text, l.source_line));
        let want = [
            ("平成29年度区づくり経営会議", 2),
            ("第1回", 3),
            ("1 日時", 3),
            ("平成29年4月20日(木曜日)午後1時00分から2時30分", 3),
            ("4 議事概要", 4),
            ("(1)平成29年度改革推進委員会の発足について", 4),
            ("実施要領(案)をもとに協議しました。", 4),
            ("(主な意見)", 5),
            ("- 職員が改革推進委員会の活動に積極的に参加できるよう、職場がしっかりと 支援すべき。", 5),
        ];
        assert_eq!(
            got.collect::<Vec<_>>(),
            want.map(|(t, l)| (t.to_owned(), l))
        );
        assert!(looks_like_html(PAGE));
    }

    /// `html => [expected lines];` cases (a brace macro keeps them one per line).
    macro_rules! cases {
        ($($html:expr => [$($line:expr),*];)*) => { [$(($html, &[$($line),*] as &[&str])),*] };
    }

    #[test]
    fn cases() {
        let cases = cases! {
            // Character references as browsers read them (html5ever): unknown
            // or malformed ones stay as written, a legacy "&amp" without ";"
            // is "&", "&#0;" is U+FFFD.
            "&amp; &lt;x&gt; &quot;q&quot; &#39;s&apos;" => ["& <x> \"q\" 's'"];
            "&#12354;&#x3042;&#X3042; &yen;1&times;2&hellip;" => ["あああ ¥1×2…"];
            "&mdash;&ndash;&rarr;&laquo;&raquo;&middot;" => ["—–→«»·"];
            "&unknown; &amp &#xZZ; &#0; &#; AT&T" => ["&unknown; & &#xZZ; \u{FFFD} &#; AT&T"];
            "&rArr;&hearts;&frac12;&alpha;&nbsp;&copy;&reg;&trade;" => ["⇒♥½α ©®™"];
            "a&nbsp;&nbsp; b&ensp;c&emsp;d&thinsp;e" => ["a b\u{2002}c\u{2003}d\u{2009}e"];
            "<p>&lt;p&gt;本文&lt;/p&gt;</p>" => ["<p>本文</p>"];
            // Hidden content and comments.
            "<style>p{}</style><meta charset=utf-8></head>本文" => ["本文"];
            "<script>if (a < b) { w('</div>'); }</SCRIPT>本<!-- <p>x</p> -->文" => ["本文"];
            "<noscript><p>JavaScriptを有効に</p></noscript>" => [];
            "<p>前</p><!-- 閉じないコメント <p>後</p>" => ["前"];
            "<script>var x = 1;" => [];
            "<head><title>題</title>本文だけ" => ["本文だけ"];
            // Attributes containing '>' and quotes.
            "<p title=\"a > b\" data-x='<li>'>本文</p><a href=x>リンク</a><img alt=\"1>0\"/>終" => ["本文", "リンク終"];
            // An unclosed quote runs to the end of the file, as in a browser.
            "<p class=\"broken>テキスト</p>" => [];
            // Joining across source lines; whitespace collapsing.
            "<p>発足について協議\nしました。</p>" => ["発足について協議しました。"];
            "<p>English\ntext and 日本語\n  <b>資料</b>\n1 件</p>" => ["English text and 日本語資料1 件"];
            "<p>日本 語　全角\u{3000}空白 \t  あり</p>" => ["日本 語　全角\u{3000}空白 あり"];
            "<p>\u{3000}字下げ</p><p>\u{3000}</p>" => ["\u{3000}字下げ"];
            "<pre>  一行目\n  二行目   空白\n</pre>" => ["一行目", "二行目   空白"];
            // Lists and tables.
            "<ul><li>意見1</li><li>・既に中黒</li><li>- 既にハイフン</li><li></li>" => ["- 意見1", "・既に中黒", "- 既にハイフン"];
            "<li><p>段落入り</p></li><li>改行<br>あり</li></ul><p>本文</p>" => ["- 段落入り", "- 改行", "あり", "本文"];
            "<table><tr><th>日時</th><td>4月20日</td></tr>" => ["日時 4月20日"];
            "<tr><td>場所</td><td></td><td>会議室</td></tr></table>" => ["場所 会議室"];
            // Malformed HTML.
            "a < b <3 <> </ > <p>x" => ["a < b <3 <>", "x"]; // "</ >" is a bogus comment
            "<div>開いたまま<p>段落<span>未閉じ" => ["開いたまま", "段落未閉じ"];
            "<p>閉じないタグ <a href=x" => ["閉じないタグ"]; // a tag cut off by the end of the file
            "" => [];
        };
        for (html, want) in cases {
            let got: Vec<String> = html_to_lines(html).into_iter().map(|l| l.text).collect();
            assert_eq!(got, want, "{html}");
        }
    }

    #[test]
    fn source_lines_after_hidden_content() {
        let html = "<head><style>\n</style></head>\n<script>\n</script><p>\n\n本文</p><!--\n-->\n<p>次</p>";
        let got: Vec<_> = html_to_lines(html)
            .into_iter()
            .map(|l| l.source_line)
            .collect();
        assert_eq!(got, [6, 8]);
    }

    #[test]
    fn detects_html() {
        assert!(looks_like_html("\u{FEFF}  <!doctype HTML>\n<html>"));
        assert!(looks_like_html(
            "<?xml version=\"1.0\"?>\n<!-- saved -->\n<html lang=ja>"
        ));
        assert!(looks_like_html(
            "<meta charset=utf-8>\n<div class=main>本文</div>"
        ));
        assert!(looks_like_html("<p>本文</p>"));
        assert!(!looks_like_html("第1回\n1 日時\n平成29年4月20日\n"));
        assert!(!looks_like_html("a <pre-text> b <photo>"));
    }

    const SOUP: &[&str] = &[
        "<", ">", "</", "/>", "<!--", "-->", "<!", "<?", "&", ";", "#", "x", "&#", "&#x", "amp",
        "\"", "'", "=", " ", "\n", "\r", "p", "li", "td", "pre", "head", "script", "br", "あ",
        "漢字", "・",
    ];

    proptest! {
        #[test]
        fn never_panics(s in any::<String>()) {
            check_lines(&s)?;
        }

        #[test]
        fn never_panics_on_tag_soup(parts in prop::collection::vec(prop::sample::select(SOUP), 0..60)) {
            check_lines(&parts.concat())?;
        }
    }

    fn check_lines(html: &str) -> Result<(), TestCaseError> {
        // Lines as the decoder gives them: CR LF and a lone CR end a line.
        let source_lines = html.replace("\r\n", "\n").matches(['\n', '\r']).count() + 1;
        for line in html_to_lines(html) {
            prop_assert!(!line.text.trim().is_empty() && !line.text.contains('\n'));
            prop_assert!(line.text.trim_matches(|c: char| c.is_ascii_whitespace()) == line.text);
            prop_assert!((1..=source_lines).contains(&line.source_line));
        }
        let _ = looks_like_html(html);
        Ok(())
    }
}
