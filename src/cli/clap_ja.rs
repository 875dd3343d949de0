//! clap in Japanese: clap has no Japanese locale, so its errors are
//! rendered here from their kind and context, and the few English words it
//! puts in help (`[OPTIONS]`, `[default: …]`, `Possible values:` …) are
//! replaced in the rendered text.

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// clap's English fragments in rendered help and usage, and ours.
const HELP_WORDS: &[(&str, &str)] = &[
    ("[OPTIONS]", "[オプション]"),
    ("[default: ", "[既定: "),
    ("[possible values: ", "[値: "),
    ("Possible values:", "値:"),
    ("[env: ", "[環境変数: "),
    ("[aliases: ", "[別名: "),
    ("[short aliases: ", "[短い別名: "),
    ("[deprecated]", "[廃止予定]"),
];

/// Help or usage text with clap's English fragments in Japanese.
pub fn help_text(text: &str) -> String {
    HELP_WORDS
        .iter()
        .fold(text.to_string(), |t, (en, ja)| t.replace(en, ja))
}

fn string(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::Strings(v) => Some(v.join("、")),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn strings(e: &clap::Error, kind: ContextKind) -> Vec<String> {
    match e.get(kind) {
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::StyledStrs(v)) => v.iter().map(ToString::to_string).collect(),
        Some(ContextValue::StyledStr(s)) => vec![s.to_string()],
        _ => Vec::new(),
    }
}

/// The first line: what is wrong, named.
fn headline(e: &clap::Error) -> String {
    let arg = string(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = string(e, ContextKind::InvalidValue).unwrap_or_default();
    let sub = string(e, ContextKind::InvalidSubcommand).unwrap_or_default();
    match e.kind() {
        ErrorKind::UnknownArgument => format!("知らない引数 '{arg}' があります"),
        ErrorKind::InvalidSubcommand => format!("知らないコマンド '{sub}' です"),
        ErrorKind::InvalidValue if value.is_empty() => {
            format!("'{arg}' に値がありません")
        }
        ErrorKind::InvalidValue => format!("'{arg}' に '{value}' は使えません"),
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e)
                .map(|s| format!(": {}", why_invalid(s)))
                .unwrap_or_default();
            format!("'{arg}' の値 '{value}' が読めません{why}")
        }
        ErrorKind::NoEquals => format!("'{arg}' の値は = でつないでください"),
        ErrorKind::ArgumentConflict => conflict(e, &arg, &sub),
        ErrorKind::MissingRequiredArgument => format!(
            "次の指定が必要です: {}",
            strings(e, ContextKind::InvalidArg).join("、")
        ),
        ErrorKind::MissingSubcommand => format!("'{sub}' にはコマンドが必要です"),
        ErrorKind::TooManyValues => {
            format!("'{arg}' の値が多すぎます（余分な '{value}'）")
        }
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => format!(
            "'{arg}' の値の数が違います（{} 個必要、{} 個）",
            string(e, ContextKind::ExpectedNumValues)
                .or_else(|| string(e, ContextKind::MinValues))
                .unwrap_or_default(),
            string(e, ContextKind::ActualNumValues).unwrap_or_default()
        ),
        ErrorKind::InvalidUtf8 => "引数が UTF-8 ではありません".to_string(),
        ErrorKind::Io | ErrorKind::Format => "使い方を書き出せません".to_string(),
        _ => "使い方が違います".to_string(),
    }
}

/// Why a value did not parse: Rust's number errors in Japanese, ours as
/// they are.
fn why_invalid(source: &(dyn std::error::Error + 'static)) -> String {
    use std::num::IntErrorKind;
    match source.downcast_ref::<std::num::ParseIntError>() {
        Some(p) => match p.kind() {
            IntErrorKind::Empty => "空です",
            IntErrorKind::InvalidDigit => "半角の整数で書いてください",
            IntErrorKind::PosOverflow => "大きすぎます",
            IntErrorKind::NegOverflow => "小さすぎます",
            IntErrorKind::Zero => "0 は使えません",
            _ => "整数として読めません",
        }
        .to_string(),
        None if source.is::<std::num::ParseFloatError>() => "数として読めません".to_string(),
        None => source.to_string(),
    }
}

fn conflict(e: &clap::Error, arg: &str, sub: &str) -> String {
    let prior = strings(e, ContextKind::PriorArg);
    if !arg.is_empty() && prior.iter().any(|p| p == arg) {
        return format!("'{arg}' は一度しか指定できません");
    }
    let who = if arg.is_empty() {
        format!("コマンド '{sub}'")
    } else {
        format!("'{arg}'")
    };
    if prior.is_empty() {
        format!("{who} はほかの指定と一緒に使えません")
    } else {
        format!("{who} は {} と一緒に使えません", prior.join("、"))
    }
}

/// Hints clap offers: the values it knows, a likely spelling.
fn hints(e: &clap::Error) -> Vec<String> {
    let mut out = Vec::new();
    let valid = strings(e, ContextKind::ValidValue);
    if !valid.is_empty() {
        out.push(format!("使える値: {}", valid.join("、")));
    }
    let subs = strings(e, ContextKind::ValidSubcommand);
    if !subs.is_empty() {
        out.push(format!("コマンド: {}", subs.join("、")));
    }
    for kind in [
        ContextKind::SuggestedArg,
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedValue,
    ] {
        let s = strings(e, kind);
        if !s.is_empty() {
            out.push(format!("もしかして: '{}'", s.join("'、'")));
        }
    }
    if let Some(t) = string(e, ContextKind::TrailingArg) {
        out.push(format!(
            "'-' で始まる値をそのまま渡すには、前に '-- {t}' のように -- を置きます"
        ));
    }
    out
}

/// A usage error as the user reads it: what is wrong, hints, the usage
/// line and where to read more — all in Japanese. Ends with a newline.
pub fn render_error(e: &clap::Error) -> String {
    if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        // `kusei audit` alone: the help of what is missing.
        return help_text(&e.render().to_string());
    }
    let mut out = format!("kusei: {}\n", headline(e));
    for h in hints(e) {
        out.push_str(&format!("  {h}\n"));
    }
    if let Some(usage) = string(e, ContextKind::Usage) {
        let usage = usage.trim().trim_start_matches("Usage:").trim();
        if !usage.is_empty() {
            out.push_str(&format!("\n使い方: {}\n", help_text(usage)));
        }
    }
    out.push_str("\n詳しくは --help を付けて実行してください。\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_for(args: &[&str]) -> String {
        let e = crate::cli::help::command()
            .try_get_matches_from(args)
            .expect_err("a usage error");
        render_error(&e)
    }

    #[test]
    fn errors_are_japanese_and_name_what_is_wrong() {
        for (args, want) in [
            (&["kusei", "--bogus"][..], "知らない引数 '--bogus'"),
            (&["kusei", "exprot"], "知らないコマンド 'exprot'"),
            (
                &["kusei", "export", "--format", "xx"],
                "'--format <FORMAT>' に 'xx' は使えません",
            ),
            (&["kusei", "export", "--format"], "値がありません"),
            (&["kusei", "search"], "次の指定が必要です"),
            (
                &["kusei", "audit"],
                "使い方: kusei audit [オプション] <コマンド>",
            ),
            (
                &["kusei", "gen", "--opinions", "x"],
                "'--opinions <N>' の値 'x' が読めません",
            ),
        ] {
            let text = error_for(args);
            assert!(text.contains(want), "{args:?}:\n{text}");
            for english in [
                "error:",
                "Usage",
                "For more information",
                "[OPTIONS]",
                "found",
            ] {
                assert!(!text.contains(english), "{args:?}: {english}\n{text}");
            }
            if args.len() > 2 || args[1] != "audit" {
                assert!(text.starts_with("kusei: "), "{args:?}:\n{text}");
                assert!(text.contains("詳しくは --help"), "{args:?}:\n{text}");
            }
        }
    }

    #[test]
    fn suggestions_are_kept() {
        let text = error_for(&["kusei", "exprt"]);
        assert!(
            text.contains("もしかして: ") && text.contains("'export'"),
            "{text}"
        );
        assert!(
            text.contains("使い方: kusei [オプション] [コマンド]"),
            "{text}"
        );
        let text = error_for(&["kusei", "export", "--formt", "json"]);
        assert!(text.contains("もしかして: '--format'"), "{text}");
    }
}
