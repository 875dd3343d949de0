//! The configuration resolved for this run: config.toml read by
//! [`crate::config`], then turned into the pieces the app runs with — the
//! keymap (built by [`crate::app::keymap`]) and the theme (resolved by
//! [`crate::ui::theme`]), with every warning in file and line order.

use std::path::Path;
use std::path::PathBuf;

use crate::app::keymap::{self, Keymap};
use crate::config::glyphs::Glyphs;
use crate::config::{self, config_path, display_path, Config, Warning};
use crate::ui::theme::color::ColorDepth;
use crate::ui::Theme;

/// Everything the app takes from its configuration, resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    pub config: Config,
    pub keymap: Keymap,
    pub theme: Theme,
    /// Every problem found, in file and line order.
    pub warnings: Vec<Warning>,
    /// The user's config file, if one was read.
    pub path: Option<PathBuf>,
}

/// What the command line says over the config file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub theme: Option<String>,
    pub glyphs: Option<String>,
}

/// The terminal facts themes depend on.
#[derive(Debug, Clone, Copy)]
pub struct Terminal {
    pub no_color: bool,
    pub depth: ColorDepth,
}

impl Terminal {
    pub fn from_env() -> Terminal {
        Terminal {
            no_color: crate::ui::theme::no_color(),
            depth: ColorDepth::from_env(),
        }
    }
}

/// Read the user's config (wherever [`config_path`] says) and resolve it
/// for this terminal.
pub fn load(overrides: &Overrides) -> Settings {
    let mut warnings = Vec::new();
    let mut user = None;
    let mut path = None;
    if let Some((p, named)) = config_path() {
        let shown = display_path(&p);
        match std::fs::read_to_string(&p) {
            Ok(src) => {
                user = Some((src, shown));
                path = Some(p);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !named => {}
            Err(e) => warnings.push(Warning {
                file: shown,
                line: None,
                key: String::new(),
                message: format!(
                    "設定ファイルを読めません（既定値を使います）: {}",
                    crate::os_error::ja(&e)
                ),
            }),
        }
    }
    let dir = path
        .as_deref()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .or_else(|| config_path().and_then(|(p, _)| p.parent().map(Path::to_path_buf)));
    let user_ref = user.as_ref().map(|(s, f)| (s.as_str(), f.as_str()));
    let mut s = resolve(user_ref, dir.as_deref(), overrides, Terminal::from_env());
    warnings.append(&mut s.warnings);
    s.warnings = warnings;
    s.path = path;
    s
}

/// The defaults, then `user` (source, file name) over them; the theme
/// from `config_dir/themes` or the shipped ones.
pub fn resolve(
    user: Option<(&str, &str)>,
    config_dir: Option<&Path>,
    overrides: &Overrides,
    term: Terminal,
) -> Settings {
    let (mut config, mut warnings) = config::read_files(user);
    if let Some(name) = &overrides.glyphs {
        match Glyphs::named(name) {
            Some(g) => config.glyphs = g,
            None => warnings.push(flag_warning(
                "--glyphs",
                format!("{name:?} はありません（unicode か ascii）"),
            )),
        }
    }
    if let Some(name) = &overrides.theme {
        config.theme = name.clone();
        config.theme_at = None;
    }
    super::bindings::register();
    let (keymap, mut kw) = keymap::custom::build(&config.keymap);
    warnings.append(&mut kw);
    let (theme, tw) = Theme::resolve(
        &config.theme,
        config.glyphs,
        config_dir,
        term.no_color,
        term.depth,
    );
    // "No such theme" belongs to the line that named it.
    warnings.extend(tw.into_iter().map(|mut w| {
        if w.key == "theme" && w.line.is_none() {
            match &config.theme_at {
                Some((file, line)) => {
                    w.file = file.clone();
                    w.line = Some(*line);
                }
                None if overrides.theme.is_some() => {
                    w.file = "コマンドライン".into();
                    w.key = "--theme".into();
                }
                None => {}
            }
        }
        w
    }));
    sort_warnings(&mut warnings);
    Settings {
        config,
        keymap,
        theme,
        warnings,
        path: None,
    }
}

/// Each file's warnings together (files in the order first seen), by line.
fn sort_warnings(warnings: &mut [Warning]) {
    let mut files: Vec<String> = Vec::new();
    for w in warnings.iter() {
        if !files.contains(&w.file) {
            files.push(w.file.clone());
        }
    }
    let rank = |w: &Warning| files.iter().position(|f| *f == w.file);
    warnings.sort_by_key(|w| (rank(w), w.line));
}

fn flag_warning(flag: &str, message: String) -> Warning {
    Warning {
        file: "コマンドライン".into(),
        line: None,
        key: flag.into(),
        message,
    }
}

#[cfg(test)]
mod tests;
