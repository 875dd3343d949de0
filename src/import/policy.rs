//! Published operating-policy pages (運営方針, seed 001).
//!
//! ```text
//! 平成29年度 旭区運営方針                       ← title
//! 【区の目標(何をめざすのか)】  ・ …             ← 目標 nodes, one per bullet
//! 【区の使命(どのような役割を担うのか)】 ・ …     ← 使命 nodes
//! 【平成29年度 区運営の基本的な考え方(区長の方針)】 … ← 区長の方針
//! 【経営課題1 …】 body
//! 【戦略1-1 …】 body
//! 【具体的取組1-1-1 …】 body, (平成29年度予算額:7,133千円) or (…:-円)
//! 【取組項目】 ・ title   【取組内容】 ・ body    ← 市政改革プラン pairs
//! ```

use super::lines::{bullet_text, fiscal_year_prefix, fold, is_footer, leading_number, Line};
use super::ImportError;
use crate::model::{Dataset, Node, Plan};

/// Does this page look like an operating-policy page?
pub fn looks_like_policy(lines: &[Line]) -> bool {
    lines.iter().any(|l| {
        let f = fold(&l.text);
        f.starts_with("【経営課題") || f.starts_with("【区の目標") || f.starts_with("【具体的取組")
    })
}

struct Flat {
    node: Node,
    parent: Option<usize>,
}

#[derive(Clone, Copy, PartialEq)]
enum Expect {
    /// Before the first 【…】: page meta, ignored.
    Preamble,
    /// Each bullet is a node of this level.
    BulletNodes(&'static str),
    /// Lines are the body of the last node.
    Body,
    /// The next bullet is the title of a new 取組項目.
    ItemTitle,
}

pub fn parse(file: &str, lines: &[Line]) -> Result<Dataset, ImportError> {
    let err = |line: usize, message: String| ImportError {
        file: file.to_string(),
        line: Some(line),
        message,
    };
    let title_idx = lines
        .iter()
        .position(|l| fiscal_year_prefix(&l.text).is_some_and(|(_, r)| r.contains("運営方針")));
    let Some(title_idx) = title_idx else {
        return Err(ImportError {
            file: file.to_string(),
            line: None,
            message: "運営方針の題名（例「平成29年度 旭区運営方針」）が見つかりません".into(),
        });
    };
    let title = lines[title_idx].text.clone();
    let (fy, rest) = fiscal_year_prefix(&title).unwrap_or_default();
    let organisation = rest
        .split("運営方針")
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();

    let mut flat: Vec<Flat> = Vec::new();
    let mut expect = Expect::Preamble;
    for line in &lines[title_idx + 1..] {
        let text = line.text.as_str();
        let folded = fold(text);
        if is_footer(text) || (expect != Expect::Preamble && folded.starts_with(&fold(&title))) {
            break;
        }
        if let Some(inner) = folded.strip_prefix('【').and_then(|s| s.strip_suffix('】')) {
            expect = heading(inner, &mut flat).map_err(|m| err(line.no, m))?;
            continue;
        }
        read_line(&mut expect, &mut flat, text, &folded).map_err(|m| err(line.no, m))?;
    }
    if flat.is_empty() {
        return Err(ImportError {
            file: file.to_string(),
            line: None,
            message: "運営方針の項目（【経営課題…】など）が一つもありません".into(),
        });
    }
    Ok(Dataset {
        plans: vec![Plan {
            kind: "運営方針".into(),
            title,
            organisation,
            fiscal_year: Some(fy),
            status_scale: Vec::new(),
            nodes: build_tree(flat),
        }],
        ..Dataset::default()
    })
}

/// One line inside a section, read as the section `expect`s.
fn read_line(
    expect: &mut Expect,
    flat: &mut Vec<Flat>,
    text: &str,
    folded: &str,
) -> Result<(), String> {
    match *expect {
        Expect::Preamble => {}
        _ if is_section_line(folded) => {}
        Expect::BulletNodes(level) => {
            let Some(t) = bullet_text(text) else {
                return Err(format!(
                    "{level}は「・」で始まる行のはずですが「{text}」でした"
                ));
            };
            flat.push(Flat {
                node: node(level, "", t),
                parent: None,
            });
        }
        Expect::ItemTitle => {
            let Some(t) = bullet_text(text) else {
                return Err(format!(
                    "【取組項目】の次は「・」で始まる項目名のはずですが「{text}」でした"
                ));
            };
            flat.push(Flat {
                node: node("取組項目", "", t),
                parent: None,
            });
            *expect = Expect::Body;
        }
        Expect::Body => body_line(flat, text, folded)?,
    }
    Ok(())
}

/// A line of the last node's body, or its budget.
fn body_line(flat: &mut [Flat], text: &str, folded: &str) -> Result<(), String> {
    let Some(last) = flat.last_mut() else {
        return Err(format!("どの項目の本文か分かりません: 「{text}」"));
    };
    if let Some(budget) = budget_line(folded) {
        if last.node.level != "具体的取組" {
            return Err(format!(
                "予算額は具体的取組に書くものですが、{}の中にあります",
                last.node.level
            ));
        }
        last.node.budget_kyen = budget?;
        return Ok(());
    }
    if !last.node.body.is_empty() {
        last.node.body.push('\n');
    }
    last.node.body.push_str(text);
    Ok(())
}

fn node(level: &str, code: &str, title: &str) -> Node {
    Node {
        level: level.to_string(),
        code: code.to_string(),
        title: title.to_string(),
        ..Node::default()
    }
}

/// "1 重点的に取り組む主な経営課題": a section heading of the page.
fn is_section_line(folded: &str) -> bool {
    leading_number(folded).is_some_and(|(_, n)| folded[n..].starts_with(' ') && n <= 2)
}

/// Handle a 【…】 heading; returns what the following lines are.
fn heading(inner: &str, flat: &mut Vec<Flat>) -> Result<Expect, String> {
    if inner.starts_with("区の目標") {
        return Ok(Expect::BulletNodes("目標"));
    }
    if inner.starts_with("区の使命") {
        return Ok(Expect::BulletNodes("使命"));
    }
    if inner.contains("区長の方針") || inner.contains("基本的な考え方") {
        let title = fiscal_year_prefix(inner)
            .map(|(_, r)| r)
            .unwrap_or_else(|| inner.to_string());
        flat.push(Flat {
            node: node("区長の方針", "", &title),
            parent: None,
        });
        return Ok(Expect::Body);
    }
    if inner == "取組項目" {
        return Ok(Expect::ItemTitle);
    }
    if inner == "取組内容" {
        return match flat.last() {
            Some(f) if f.node.level == "取組項目" => Ok(Expect::Body),
            _ => Err("【取組内容】の前に【取組項目】がありません".into()),
        };
    }
    for level in ["経営課題", "戦略", "具体的取組"] {
        if let Some(rest) = inner.strip_prefix(level) {
            let code: String = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '-')
                .collect();
            if code.is_empty() {
                return Err(format!("【{level}…】に番号（例 1-1）がありません"));
            }
            let title = rest[code.len()..].trim().to_string();
            let parent = match code.rsplit_once('-') {
                None => None,
                Some((parent_code, _)) => {
                    let want = match level {
                        "戦略" => "経営課題",
                        _ => "戦略",
                    };
                    let found = flat
                        .iter()
                        .rposition(|f| f.node.level == want && f.node.code == parent_code);
                    if found.is_none() {
                        return Err(format!(
                            "{level}{code} の上位の {want}{parent_code} がこれより前にありません"
                        ));
                    }
                    found
                }
            };
            flat.push(Flat {
                node: node(level, &code, &title),
                parent,
            });
            return Ok(Expect::Body);
        }
    }
    Err(format!(
        "知らない見出しです: 【{inner}】（区の目標・区の使命・区長の方針・経営課題・戦略・具体的取組・取組項目・取組内容 のいずれか）"
    ))
}

/// "(平成29年度予算額:7,133千円)" → Some(Ok(Some(7133))); "(…:-円)" → Some(Ok(None)).
fn budget_line(folded: &str) -> Option<Result<Option<i64>, String>> {
    let inner = folded.strip_prefix('(')?.strip_suffix(')')?;
    let (_, amount) = inner.split_once("予算額")?;
    let amount = amount.trim_start_matches([':', '：', ' ']).trim();
    if amount == "-円" || amount == "－円" || amount == "―円" {
        return Some(Ok(None));
    }
    let Some(num) = amount.strip_suffix("千円") else {
        return Some(Err(format!(
            "予算額「{amount}」が読めません（「7,133千円」か「-円」の形のはずです）"
        )));
    };
    let digits: String = num.chars().filter(|c| *c != ',').collect();
    Some(
        digits
            .parse::<i64>()
            .map(Some)
            .map_err(|_| format!("予算額「{amount}」が数字ではありません")),
    )
}

fn build_tree(flat: Vec<Flat>) -> Vec<Node> {
    let parents: Vec<Option<usize>> = flat.iter().map(|f| f.parent).collect();
    let mut slots: Vec<Option<Node>> = flat.into_iter().map(|f| Some(f.node)).collect();
    // Children come after their parents, so attach from the end.
    for i in (0..slots.len()).rev() {
        if let Some(p) = parents[i] {
            if let Some(child) = slots[i].take() {
                if let Some(parent) = slots[p].as_mut() {
                    parent.children.insert(0, child);
                }
            }
        }
    }
    slots.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets() {
        assert_eq!(
            budget_line("(平成29年度予算額:7,133千円)"),
            Some(Ok(Some(7133)))
        );
        assert_eq!(budget_line("(平成29年度予算額:-円)"), Some(Ok(None)));
        assert_eq!(budget_line("(平成29年度予算額:0千円)"), Some(Ok(Some(0))));
        assert!(matches!(
            budget_line("(平成29年度予算額:多め)"),
            Some(Err(_))
        ));
        assert_eq!(budget_line("(注)"), None);
    }
}
