//! The published page as HTML for the city's web site: the same content as
//! [`super::publish`] in headings, paragraphs and lists, every text escaped.
//! kusei's own importer reads it back to the same data as the text page,
//! except that runs of spaces and tabs inside a text read back as one
//! space, as a browser shows them.

use crate::model::{Dataset, Meeting, Visibility};
use crate::wareki;

use super::publish::Page;

/// Text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One element per line of `text` (a multi-line summary or preamble keeps
/// its lines).
fn paragraphs(out: &mut String, text: &str) {
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        out.push_str(&format!("<p>{}</p>\n", escape(line)));
    }
}

/// The list marks the importer takes as a bullet of their own.
const BULLETS: &[char] = &['・', '･', '•', '-'];

fn list_item(text: &str) -> String {
    let lines: Vec<String> = text.lines().map(escape).collect();
    let body = lines.join("<br>");
    // A text that itself starts with a bullet keeps it, after the list's own.
    if text.starts_with(BULLETS) {
        format!("<li>- {body}</li>\n")
    } else {
        format!("<li>{body}</li>\n")
    }
}

fn write_meeting(out: &mut String, m: &Meeting) {
    out.push_str(&format!(
        "<section class=\"meeting\">\n<h2>第{}回</h2>\n",
        m.number
    ));
    out.push_str("<h3>1 日時</h3>\n");
    paragraphs(out, &wareki::format_datetime_ja(m.date, m.start, m.end));
    out.push_str("<h3>2 場所</h3>\n");
    paragraphs(out, &m.place);
    out.push_str("<h3>3 出席者</h3>\n");
    if !m.attendees.is_empty() {
        paragraphs(out, &m.attendees.join("、"));
    }
    out.push_str("<h3>4 議事概要</h3>\n");
    for item in &m.items {
        out.push_str(&format!(
            "<h4>({}){}</h4>\n",
            item.number,
            escape(&item.title)
        ));
        paragraphs(out, &item.summary);
        let public: Vec<_> = item
            .opinions
            .iter()
            .filter(|o| o.visibility == Visibility::Public)
            .collect();
        if !public.is_empty() {
            out.push_str("<p>(主な意見)</p>\n<ul>\n");
            for o in public {
                out.push_str(&list_item(&crate::model::with_speaker(
                    o.speaker.as_deref(),
                    &o.text,
                )));
            }
            out.push_str("</ul>\n");
        }
    }
    out.push_str("</section>\n");
}

/// The HTML page for one committee's meetings of one fiscal year.
pub fn publish_fiscal_year_html(
    data: &Dataset,
    fiscal_year: i32,
    committee: Option<&str>,
) -> String {
    publish_fiscal_year_html_as_of(data, fiscal_year, committee, None)
}

/// [`publish_fiscal_year_html`] dated `updated` where the page needs a
/// date (see [`super::publish::page_as_of`]).
pub fn publish_fiscal_year_html_as_of(
    data: &Dataset,
    fiscal_year: i32,
    committee: Option<&str>,
    updated: Option<chrono::NaiveDate>,
) -> String {
    let Page {
        committee,
        preamble,
        meetings,
    } = super::publish::page_as_of(data, fiscal_year, committee, updated);
    let title = escape(&format!(
        "{}{committee}",
        wareki::format_fiscal_year(fiscal_year)
    ));
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title}</title>\n</head>\n<body>\n<main>\n<h1>{title}</h1>\n"
    );
    paragraphs(&mut out, &preamble);
    for m in meetings {
        write_meeting(&mut out, m);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape("<b>A&B</b> \"x\" 'y'"),
            "&lt;b&gt;A&amp;B&lt;/b&gt; &quot;x&quot; &#39;y&#39;"
        );
        assert_eq!(list_item("・項目"), "<li>- ・項目</li>\n");
        assert_eq!(list_item("a<b"), "<li>a&lt;b</li>\n");
    }
}
