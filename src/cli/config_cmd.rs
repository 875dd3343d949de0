//! `kusei config`: print the default file, check the user's, list keys.

use std::io::Write;
use std::process::ExitCode;

use crate::app::keymap::{custom::action_name, key_label, Scope};
use crate::app::settings::Settings;
use crate::config::{display_path, DEFAULT_TOML};
use crate::sanitize::clean;

pub fn run(s: &Settings, print_default: bool, check: bool, keys: bool) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    if print_default {
        out.write_all(DEFAULT_TOML.as_bytes())?;
    }
    if keys {
        for scope in Scope::ALL {
            for b in s.keymap.bindings().iter().filter(|b| b.scope == scope) {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}",
                    scope.name(),
                    action_name(b.action),
                    clean(&key_label(b.code, b.mods)),
                    clean(b.help)
                )?;
            }
        }
    }
    if print_default || keys {
        out.flush()?;
        if !check {
            return Ok(ExitCode::SUCCESS);
        }
    }
    if !check {
        match (&s.path, crate::config::config_path()) {
            (Some(p), _) => writeln!(out, "設定ファイル: {}", clean(&display_path(p)))?,
            (None, Some((p, _))) => writeln!(
                out,
                "設定ファイル: {}（まだありません。kusei config --print-default > {} で作れます）",
                clean(&display_path(&p)),
                clean(&display_path(&p))
            )?,
            (None, None) => writeln!(
                out,
                "設定ファイル: なし（HOME も XDG_CONFIG_HOME もありません）"
            )?,
        }
        writeln!(
            out,
            "テーマ: {}  記号: {}  日付: {}  下書きの保存間隔: {} ms",
            clean(&s.config.theme),
            clean(s.config.glyphs.name),
            s.config.dates.name(),
            s.config.draft_interval.as_millis()
        )?;
    }
    for w in &s.warnings {
        eprintln!("kusei: 注意: {}", clean(&w.to_string()));
    }
    if s.warnings.is_empty() {
        if check {
            writeln!(out, "設定に問題はありません")?;
        }
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::FAILURE)
    }
}
