//! The help people read: `--help` in Japanese with examples for every
//! subcommand, shell completions and the man page — all generated from the
//! one clap definition in `cli.rs`, so they never disagree with what kusei
//! accepts.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{bail, Result};
use clap::{Arg, ArgAction, Command, CommandFactory};

use super::Cli;

const TEMPLATE: &str =
    "{before-help}{about-with-newline}\n使い方: {usage}\n\n{all-args}{after-help}";
const OPTIONS: &str = "オプション";
const ARGUMENTS: &str = "引数";

/// What follows the options in `kusei --help`.
pub const ROOT_AFTER_HELP: &str = "\
例:
  # 画面を開く（初めてならサンプル入りのデータベースを作ります）
  kusei
  # 課で共有するデータベースで開く
  kusei --db /srv/kusei/asahi.db
  # 市のページを読み込む
  kusei import 平成29年度区づくり経営会議.html
  # 平成29年度第3回の議事録を Markdown で
  kusei export --format markdown --meeting H29:3 -o 第3回.md

環境変数:
  KUSEI_DB           データベースのファイル（--db と同じ。--db が優先）
  KUSEI_CONFIG       設定ファイル（既定 $XDG_CONFIG_HOME/kusei/config.toml）
  KUSEI_LOG          ログの詳しさ（error、warn、info、debug、trace）
  NO_COLOR           空でなければ色を使わない（太字と反転だけ）
  COLORTERM          truecolor か 24bit なら #rrggbb の色をそのまま使う
  TERM               色の数（256color を含めば 256 色、ほかは 16 色）。dumb では画面を開かない。
                     screen・tmux では y の引用のコピーを中継の形で送る（TMUX も見ます）
  XDG_CONFIG_HOME    config.toml と themes/ の場所（既定 ~/.config/kusei）
  XDG_DATA_HOME      既定のデータベースの場所（既定 ~/.local/share/kusei/kusei.db）
  XDG_STATE_HOME     復元ファイルとログの場所（既定 ~/.local/state/kusei）
  HOME               上の既定の場所の基準
  SOURCE_DATE_EPOCH  export --format ics の DTSTAMP（同じ内容なら同じファイルに）

終了コード:
  0  成功
  1  エラー（読めないファイル、データベースの問題など）。check と audit verify では問題が見つかったときも 1
  2  使い方の誤り（知らないオプション、足りない・矛盾する指定、読めない値）

結果は標準出力に、メッセージとエラーは標準エラー出力に書きます。
詳しくは kusei <コマンド> --help、または kusei man | man -l -";

/// Examples for each subcommand, by name: a comment line, then the command.
const EXAMPLES: &[(&str, &str)] = &[
    (
        "import",
        "\
例:
  # 市のページ（HTML で保存したもの）を読み込む
  kusei import 平成29年度区づくり経営会議.html
  # 複数のファイルを一度に（どれかに問題があれば何も書き込みません）
  kusei import 会議録_H29.txt 運営方針_H29.txt
  # 確かめるだけで書き込まない
  kusei import --dry-run 会議録_R5.txt
  # kusei の JSON を共有のデータベースへ
  kusei --db /srv/kusei/asahi.db import export.json",
    ),
    (
        "export",
        "\
例:
  # 一年度の議事録（Markdown）
  kusei export --format markdown --fiscal-year H29 -o 議事録_H29.md
  # 平成29年度第3回の議事録
  kusei export --format markdown --meeting H29:3
  # 会議の一覧と意見の一覧（Excel 用 CSV）
  kusei export --format csv --table meetings --fiscal-year 2017 -o 会議.csv
  kusei export --format csv --table opinions --encoding cp932 -o 意見.csv
  # 出席マトリクス
  kusei export --format csv --table attendance --fiscal-year R5 -o 出席.csv
  # 予定表アプリに取り込む会議の予定
  kusei export --format ics --fiscal-year R6 -o 区づくり経営会議.ics
  # 市のページ（HTML）
  kusei export --format publish --fiscal-year H29 --html -o h29.html
  # データベース全体を JSON で
  kusei export --format json -o バックアップ.json

CSV は Excel でそのまま開けるよう BOM 付き UTF-8 で書きます。--encoding cp932 では、
CP932 にない文字（𠮷 など）があるとその行と文字を示して止まります。
--meeting は 年度:回 で書きます（2017:3、H29:3、令和元年度:2）。",
    ),
    (
        "link",
        "\
例:
  # 題名に共通の話題がある議題と運営方針の項目の候補
  kusei link --suggest
  # 候補をすべて関連づける（画面の u で取り消せる一つの変更）
  kusei link --suggest --accept-all",
    ),
    (
        "config",
        "\
例:
  # 注釈つきの既定の設定を書き出して、自分用に直す
  kusei config --print-default > ~/.config/kusei/config.toml
  # 設定の問題（行番号つき）を調べる
  kusei config --check
  # 使われているキー割り当ての一覧
  kusei config --keys",
    ),
    (
        "search",
        "\
例:
  # 団地について話したことを探す（ひらがなでもカタカナでも）
  kusei search 団地
  # 平成29年度の区長の発言だけ、決定だけ
  kusei search fy:H29 @区長 kind:決定 予算
  # 第5回のなかから、完全に一致する言い回しを
  kusei search '#5 \"モデル構築\"'
  # スクリプト用に JSON で 10 件
  kusei search --json --limit 10 大規模団地",
    ),
    (
        "gen",
        "\
例:
  # 試験用のデータベースに 100 万件の意見を作る（同じ種なら同じ内容）
  kusei --db 試験.db gen --opinions 1000000 --seed 7",
    ),
    (
        "sample",
        "\
例:
  # 練習用のデータベースにサンプルを入れる
  kusei --db 練習.db sample",
    ),
    (
        "check",
        "\
例:
  # 既定のデータベースを検査する
  kusei check
  # 共有のデータベースと、グループで使える権限かを検査する
  kusei --db /srv/kusei/asahi.db check",
    ),
    (
        "backup",
        "\
例:
  # 使用中でも一貫したコピーを作る
  kusei backup /srv/kusei/backup/asahi-$(date +%F).db
  # 戻す（全員が kusei を閉じてから）
  cp /srv/kusei/backup/asahi-2025-04-01.db /srv/kusei/asahi.db",
    ),
    (
        "audit",
        "\
例:
  # 監査ログが改ざんされていないか
  kusei audit verify
  # tanaka さんの令和7年4月1日以降の変更
  kusei audit log --user tanaka --since R7.4.1",
    ),
    (
        "verify",
        "\
例:
  # 書き換え・削除・記録なしの変更があれば、表・行・監査ログの番号を示して終了コード 1
  kusei audit verify
  # 以前に控えた先頭の指紋とも照合する（連鎖の作り直しが分かる）
  kusei audit verify --head 351:3b973770e5af5d86",
    ),
    (
        "head",
        "\
例:
  # 先頭の指紋を控える（メールや紙に。後で verify --head で照合）
  kusei audit head",
    ),
    (
        "log",
        "\
例:
  # 最近の 20 件
  kusei audit log --limit 20
  # 意見 42 番の変更の履歴
  kusei audit log --table opinions --row 42
  # sato さんの今年度の変更
  kusei audit log --since 2025-04-01 --user sato",
    ),
    (
        "completions",
        "\
例:
  # bash
  kusei completions bash > ~/.local/share/bash-completion/completions/kusei
  # zsh（~/.zfunc を fpath に加えておく）
  kusei completions zsh > ~/.zfunc/_kusei
  # fish
  kusei completions fish > ~/.config/fish/completions/kusei.fish",
    ),
    (
        "man",
        "\
例:
  # 画面で読む
  kusei man | man -l -
  # man kusei で読めるようにする
  kusei man > ~/.local/share/man/man1/kusei.1
  # export だけのページ
  kusei man export | man -l -",
    ),
];

fn examples(name: &str) -> Option<&'static str> {
    EXAMPLES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// Japanese headings, help flag and examples on `cmd` and every subcommand.
fn localize(cmd: Command) -> Command {
    let name = cmd.get_name().to_string();
    let mut cmd = cmd
        .help_template(TEMPLATE)
        .subcommand_help_heading("コマンド")
        .subcommand_value_name("コマンド")
        .disable_help_flag(true)
        .mut_args(|a| {
            let heading = if a.is_positional() {
                ARGUMENTS
            } else {
                OPTIONS
            };
            // --db and --read-only, shared by every subcommand, come last.
            let late = a.is_global_set();
            let a = a.help_heading(heading);
            if late {
                a.display_order(900)
            } else {
                a
            }
        })
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("使い方を表示する")
                .help_heading(OPTIONS),
        )
        .mut_subcommands(localize);
    if let Some(text) = examples(&name) {
        cmd = cmd.after_help(text);
    }
    cmd
}

/// The whole command line as clap sees it, in Japanese.
pub fn command() -> Command {
    let mut cmd = localize(Cli::command())
        .disable_version_flag(true)
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("版を表示する")
                .help_heading(OPTIONS),
        )
        .after_help(ROOT_AFTER_HELP);
    cmd.build();
    localize_help_subcommands(&mut cmd);
    cmd
}

/// clap's own `help` subcommand (`kusei help`, `kusei audit help`) in
/// Japanese.
fn localize_help_subcommands(cmd: &mut Command) {
    let name = cmd.get_name().to_string();
    for sub in cmd.get_subcommands_mut() {
        if sub.get_name() == "help" {
            let example = if name == "kusei" {
                "help export"
            } else {
                "help log"
            };
            *sub = sub
                .clone()
                .about(format!(
                    "使い方を表示する（kusei {}{example} のようにコマンドも指定できます）",
                    if name == "kusei" {
                        String::new()
                    } else {
                        format!("{name} ")
                    }
                ))
                .mut_args(|a| a.help("このコマンドの使い方を表示する"));
        } else {
            localize_help_subcommands(sub);
        }
    }
}

/// The names of the subcommands people use (not clap's `help`).
pub fn subcommand_names() -> Vec<String> {
    command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .filter(|n| n != "help")
        .collect()
}

/// `kusei completions SHELL`.
pub fn completions(shell: clap_complete::Shell) -> Result<ExitCode> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut command(), "kusei", &mut buf);
    write_stdout(&buf)
}

pub fn write_stdout(bytes: &[u8]) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(bytes).and_then(|_| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            bail!("書き出せません: {}", crate::os_error::ja(&e));
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_definition_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn every_subcommand_has_examples() {
        fn walk(cmd: &Command, path: &str) {
            for sub in cmd.get_subcommands().filter(|c| c.get_name() != "help") {
                let path = format!("{path} {}", sub.get_name());
                let after = sub
                    .get_after_help()
                    .map(|s| s.to_string())
                    .unwrap_or_default();
                assert!(after.starts_with("例:\n  # "), "{path} has no examples");
                assert!(after.contains(&path) || after.contains("kusei"), "{path}");
                walk(sub, &path);
            }
        }
        walk(&command(), "kusei");
    }

    #[test]
    fn help_explains_exit_codes_in_japanese() {
        let help = command().render_long_help().to_string();
        for phrase in [
            "使い方: kusei",
            "コマンド:",
            "オプション:",
            "終了コード:",
            "2  使い方の誤り",
            "export",
            "completions",
        ] {
            assert!(help.contains(phrase), "{phrase}\n{help}");
        }
    }

    #[test]
    fn the_help_lists_the_environment() {
        let help = command().render_long_help().to_string();
        for (name, _) in super::super::man::ENVIRONMENT {
            assert!(help.contains(&format!("  {name} ")), "{name}");
        }
    }
}
