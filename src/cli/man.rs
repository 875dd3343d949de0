//! `kusei man [SUBCOMMAND]`: the man page in Japanese, from the same clap
//! definition as `--help`. kusei(1) holds a section per subcommand, so it
//! refers to no other page (`kusei-export(1)` pages are not installed):
//! clap_mangen's references become the names of those sections.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

use super::clap_ja::help_text;
use super::help::{command, subcommand_names, write_stdout, ROOT_AFTER_HELP};

/// Every environment variable kusei reads, with what it does (also in
/// `kusei --help`).
pub const ENVIRONMENT: &[(&str, &str)] = &[
    ("KUSEI_DB", "データベースのファイル（--db と同じ。--db が優先）"),
    (
        "KUSEI_CONFIG",
        "設定ファイル（既定 $XDG_CONFIG_HOME/kusei/config.toml）。指定したファイルがなければ警告",
    ),
    (
        "KUSEI_LOG",
        "ログ（$XDG_STATE_HOME/kusei/kusei.log）の詳しさ: error、warn、info、debug、trace",
    ),
    ("NO_COLOR", "空でなければ色を使わない（太字と反転だけ）"),
    (
        "COLORTERM",
        "truecolor か 24bit なら、テーマの #rrggbb の色をそのまま使う",
    ),
    (
        "TERM",
        "色の数（256color を含めば 256 色、ほかは 16 色で、色は SGR 30〜37・90〜97）。dumb か未設定なら画面を開かない。screen・tmux では y の引用のコピーを中継の形で送る（TMUX も見ます）",
    ),
    (
        "XDG_CONFIG_HOME",
        "config.toml と自作のテーマ themes/NAME.toml の場所（既定 ~/.config/kusei）",
    ),
    (
        "XDG_DATA_HOME",
        "既定のデータベースの場所（既定 ~/.local/share/kusei/kusei.db）",
    ),
    (
        "XDG_STATE_HOME",
        "復元ファイルとログの場所（既定 ~/.local/state/kusei）",
    ),
    ("HOME", "上の既定の場所の基準"),
    (
        "SOURCE_DATE_EPOCH",
        "export --format ics の DTSTAMP（同じ内容なら同じファイルになります）",
    ),
];

/// clap_mangen's English headings and words, and ours.
const ROFF_WORDS: &[(&str, &str)] = &[
    (".SH NAME\n", ".SH 名前\n"),
    (".SH SYNOPSIS\n", ".SH 書式\n"),
    (".SH DESCRIPTION\n", ".SH 説明\n"),
    (".SH OPTIONS\n", ".SH オプション\n"),
    (".SH SUBCOMMANDS\n", ".SH コマンド\n"),
    (".SH VERSION\n", ".SH 版\n"),
    (".SH AUTHORS\n", ".SH 作者\n"),
];

/// A page's text in Japanese, with references to pages that do not exist
/// (`kusei\-audit\-verify(1)`) turned into the command's name.
fn finish(roff: &str) -> String {
    let mut text = help_text(roff);
    for (en, ja) in ROFF_WORDS {
        text = text.replace(en, ja);
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end();
        match bare
            .strip_prefix("kusei\\-")
            .and_then(|r| r.strip_suffix("(1)"))
        {
            Some(rest) => {
                out.push_str(&format!("\\fBkusei {}\\fR\n", rest.replace("\\-", " ")));
            }
            None => out.push_str(line),
        }
    }
    out
}

fn environment_section() -> String {
    let mut s = String::from(".SH 環境変数\n");
    for (name, what) in ENVIRONMENT {
        s.push_str(&format!(
            ".TP\n\\fB{name}\\fR\n{}\n",
            what.replace('-', "\\-")
        ));
    }
    s
}

/// The man page: kusei(1) with a section per subcommand, or one
/// subcommand's page.
pub fn man_page(subcommand: Option<&str>) -> Result<Vec<u8>> {
    let root = command();
    let mut out = Vec::new();
    if let Some(name) = subcommand {
        let Some(sub) = root.find_subcommand(name).filter(|_| name != "help") else {
            return Err(super::UsageError(format!(
                "サブコマンド {name:?} はありません（{}）",
                subcommand_names().join("、")
            ))
            .into());
        };
        let page = sub.clone().display_name(format!("kusei-{name}"));
        clap_mangen::Man::new(page).render(&mut out)?;
        let text = String::from_utf8_lossy(&out).replace(".SH EXTRA", ".SH 例");
        return Ok(finish(&text).into_bytes());
    }
    // The environment gets a section of its own, not a block of the text.
    let after = match (
        ROOT_AFTER_HELP.find("環境変数:"),
        ROOT_AFTER_HELP.find("終了コード:"),
    ) {
        (Some(a), Some(b)) if a < b => {
            format!("{}{}", &ROOT_AFTER_HELP[..a], &ROOT_AFTER_HELP[b..])
        }
        _ => ROOT_AFTER_HELP.to_string(),
    };
    let man = clap_mangen::Man::new(root.clone().after_help(after));
    man.render(&mut out)?;
    let mut out = String::from_utf8_lossy(&out)
        .replace(
            ".SH EXTRA",
            &format!("{}.SH \"例・終了コード\"", environment_section()),
        )
        .into_bytes();
    for sub in root.get_subcommands().filter(|c| c.get_name() != "help") {
        let name = sub.get_name();
        writeln!(out, ".SH \"KUSEI {}\"", name.to_uppercase())?;
        let page = clap_mangen::Man::new(sub.clone().display_name(format!("kusei-{name}")));
        let mut part = Vec::new();
        page.render_synopsis_section(&mut part)?;
        page.render_description_section(&mut part)?;
        page.render_options_section(&mut part)?;
        if sub.has_subcommands() {
            page.render_subcommands_section(&mut part)?;
        }
        if sub.get_after_help().is_some() {
            page.render_extra_section(&mut part)?;
        }
        // One section per subcommand: its parts become subsections.
        let part = String::from_utf8_lossy(&part)
            .replace(".SH EXTRA", ".SH 例")
            .replace("\n.SH ", "\n.SS ");
        let part = part
            .strip_prefix(".SH ")
            .map_or(part.clone(), |rest| format!(".SS {rest}"));
        out.extend_from_slice(part.as_bytes());
    }
    Ok(finish(&String::from_utf8_lossy(&out)).into_bytes())
}

/// `kusei man [SUBCOMMAND]`.
pub fn man(subcommand: Option<&str>) -> Result<ExitCode> {
    write_stdout(&man_page(subcommand)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(sub: Option<&str>) -> String {
        String::from_utf8(man_page(sub).expect("render")).expect("utf-8")
    }

    #[test]
    fn the_man_page_mentions_every_subcommand() {
        let root = page(None);
        assert!(root.contains("\n.TH kusei 1 "), "{}", &root[..200]);
        for name in subcommand_names() {
            assert!(
                root.contains(&format!(".SH \"KUSEI {}\"", name.to_uppercase())),
                "{name}"
            );
        }
        assert!(root.contains("終了コード"));
        let export = page(Some("export"));
        assert!(export.contains("kusei\\-export") || export.contains("kusei-export"));
        assert!(man_page(Some("nothing")).is_err());
    }

    #[test]
    fn the_environment_section_is_complete() {
        let page = page(None);
        let env = page
            .split(".SH 環境変数\n")
            .nth(1)
            .and_then(|rest| rest.split("\n.SH ").next())
            .expect("an environment section");
        for name in [
            "KUSEI_DB",
            "KUSEI_CONFIG",
            "KUSEI_LOG",
            "NO_COLOR",
            "COLORTERM",
            "TERM",
            "XDG_CONFIG_HOME",
            "XDG_DATA_HOME",
            "XDG_STATE_HOME",
            "HOME",
        ] {
            assert!(env.contains(&format!("\\fB{name}\\fR")), "{name}\n{env}");
        }
        assert_eq!(page.matches(".SH 環境変数").count(), 1);
    }

    #[test]
    fn no_page_refers_to_pages_that_are_not_installed() {
        let mut pages = vec![page(None)];
        pages.extend(subcommand_names().iter().map(|n| page(Some(n))));
        for p in &pages {
            // Only kusei(1) is installed (kusei man > …/man1/kusei.1).
            assert!(!p.contains("(1)"), "{}", &p[..p.len().min(400)]);
            for english in [
                ".SH NAME",
                ".SH SYNOPSIS",
                ".SH DESCRIPTION",
                ".SH OPTIONS",
                "Possible values",
                "[default:",
                "Print help",
            ] {
                assert!(!p.contains(english), "{english}");
            }
        }
        assert!(pages[0].contains("\\fBkusei export\\fR"));
    }
}
