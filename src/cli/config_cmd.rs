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
            "テーマ: {}  記号: {}  日付: {}  下書きの保存間隔: {} ms  マウス: {}",
            clean(&theme_in_force(s)),
            clean(s.config.glyphs.name),
            s.config.dates.name(),
            s.config.draft_interval.as_millis(),
            if s.config.mouse {
                "使う"
            } else {
                "使わない"
            }
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

/// The theme the app would draw with: the one named if it exists, else
/// the default (the warning says why), as this terminal shows it.
fn theme_in_force(s: &Settings) -> String {
    use crate::ui::theme::{color::ColorDepth, file, no_color};
    let dir = s
        .path
        .as_deref()
        .and_then(std::path::Path::parent)
        .map(std::path::Path::to_path_buf)
        .or_else(|| crate::config::config_path().and_then(|(p, _)| p.parent().map(Into::into)));
    let named = &s.config.theme;
    let mut shown = if file::available(dir.as_deref()).contains(named) {
        named.clone()
    } else {
        format!(
            "{}（{named:?} はないので既定のテーマ）",
            crate::config::DEFAULT_THEME
        )
    };
    shown.push_str(if no_color() {
        "、NO_COLOR で色なし"
    } else {
        match ColorDepth::from_env() {
            ColorDepth::TrueColor => "、24 ビット色",
            ColorDepth::Ansi256 => "、256 色",
            ColorDepth::Ansi16 => "、16 色",
        }
    });
    shown
}
