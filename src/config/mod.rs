//! config.toml: the shipped defaults (`default.toml`, embedded) with the
//! user's file over them, key by key. Nothing in a config file can stop
//! kusei from starting: each unknown or bad entry is a [`Warning`] naming
//! its line and key, and the default stays in force for it.

pub mod cli;
pub mod doc;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::app::keymap::{self, Keymap, KeymapEntry};
use crate::ui::dates::DateStyle;
use crate::ui::glyphs::Glyphs;
use crate::ui::theme::color::ColorDepth;
use crate::ui::Theme;
pub use doc::Warning;
use doc::{join_key, Doc};

/// The commented default file, as `kusei config --print-default` writes it.
pub const DEFAULT_TOML: &str = include_str!("default.toml");

/// The top-level settings a config file may set.
pub const KEYS: &[&str] = &[
    "database",
    "dates",
    "theme",
    "glyphs",
    "submit_key",
    "draft_interval_ms",
    "keymap",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Used when neither --db nor KUSEI_DB is given.
    pub database: Option<PathBuf>,
    pub dates: DateStyle,
    pub theme: String,
    /// Where `theme` was set (file, line), for a warning about it.
    pub theme_at: Option<(String, usize)>,
    pub glyphs: Glyphs,
    /// How long typing rests before its draft is written.
    pub draft_interval: Duration,
    /// `submit_key` first, then every `[keymap]` entry, in file order.
    pub keymap: Vec<KeymapEntry>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database: None,
            dates: DateStyle::Wareki,
            theme: crate::ui::theme::file::DEFAULT_THEME.into(),
            theme_at: None,
            glyphs: Glyphs::default(),
            draft_interval: crate::app::worker::DRAFT_INTERVAL,
            keymap: Vec::new(),
        }
    }
}

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

/// The user's config file: `KUSEI_CONFIG`, else
/// `$XDG_CONFIG_HOME/kusei/config.toml`, else `~/.config/kusei/config.toml`.
/// The bool says whether `KUSEI_CONFIG` named it (then it must exist).
pub fn config_path() -> Option<(PathBuf, bool)> {
    if let Some(p) = std::env::var_os("KUSEI_CONFIG").filter(|p| !p.is_empty()) {
        return Some((PathBuf::from(p), true));
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some((base.join("kusei").join("config.toml"), false))
}

/// "~/…" for paths under $HOME, for messages.
pub fn display_path(p: &Path) -> String {
    let s = p.display().to_string();
    match std::env::var("HOME") {
        Ok(home) if !home.is_empty() && s.starts_with(&home) => format!("~{}", &s[home.len()..]),
        _ => s,
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
                message: format!("設定ファイルを読めません（既定値を使います）: {e}"),
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
    let mut config = Config::default();
    let mut warnings = Vec::new();
    // The shipped file goes through the same reader: a mistake in it shows.
    for (src, file) in std::iter::once((DEFAULT_TOML, "既定の設定")).chain(user) {
        let ((), mut w) = doc::read(src, file, |doc, table| read(doc, table, &mut config));
        warnings.append(&mut w);
    }
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

/// Apply one file's entries to `config`.
fn read(doc: &mut Doc, table: &toml::Spanned<toml::de::DeTable>, config: &mut Config) {
    for (k, v) in table.get_ref().iter() {
        let key = k.get_ref().as_ref();
        match key {
            "database" => {
                if let Some(s) = doc.string(key, v) {
                    config.database = expand_home(s.trim());
                }
            }
            "dates" => {
                if let Some(s) = doc.string(key, v) {
                    match DateStyle::parse(&s) {
                        Some(d) => config.dates = d,
                        None => doc.warn(
                            v.span(),
                            key,
                            format!("{s:?} は使えません（\"wareki\"、\"seireki\"、\"both\"）"),
                        ),
                    }
                }
            }
            "theme" => {
                if let Some(s) = doc.string(key, v) {
                    config.theme = s.trim().to_string();
                    config.theme_at = Some((doc.file.clone(), doc.line_of(v.span().start)));
                }
            }
            "glyphs" => {
                if let Some(s) = doc.string(key, v) {
                    match Glyphs::named(&s) {
                        Some(g) => config.glyphs = g,
                        None => doc.warn(
                            v.span(),
                            key,
                            format!("{s:?} はありません（\"unicode\" か \"ascii\"）"),
                        ),
                    }
                }
            }
            "submit_key" => {
                if let Some(s) = doc.string(key, v) {
                    let line = doc.line_of(v.span().start);
                    config.keymap.retain(|e| e.path != "submit_key");
                    config.keymap.insert(
                        0,
                        KeymapEntry {
                            scope: "minutes_input".into(),
                            action: "submit".into(),
                            keys: vec![(s, line)],
                            file: doc.file.clone(),
                            line,
                            path: key.into(),
                        },
                    );
                }
            }
            "draft_interval_ms" => {
                if let Some(ms) = doc.integer(key, v) {
                    if (50..=10_000).contains(&ms) {
                        config.draft_interval = Duration::from_millis(ms as u64);
                    } else {
                        doc.warn(
                            v.span(),
                            key,
                            format!("{ms} は範囲外です（50〜10000 ミリ秒）"),
                        );
                    }
                }
            }
            "keymap" => {
                if let Some(t) = doc.table(key, v) {
                    read_keymap(doc, t, config);
                }
            }
            _ => doc.unknown_key(k.span(), key, KEYS),
        }
    }
}

fn read_keymap(doc: &mut Doc, table: &toml::de::DeTable, config: &mut Config) {
    let mut entries = Vec::new();
    for (scope, actions) in table.iter() {
        let scope_key = join_key("keymap", scope.get_ref());
        let Some(actions) = doc.table(&scope_key, actions) else {
            continue;
        };
        for (action, keys) in actions.iter() {
            let path = join_key(&scope_key, action.get_ref());
            let line = doc.line_of(action.span().start);
            let Some(list) = doc.strings(&path, keys) else {
                continue;
            };
            let keys = list
                .into_iter()
                .map(|(k, span)| (k, doc.line_of(span.start)))
                .collect();
            entries.push(KeymapEntry {
                scope: scope.get_ref().to_string(),
                action: action.get_ref().to_string(),
                keys,
                file: doc.file.clone(),
                line,
                path,
            });
        }
    }
    entries.sort_by_key(|e| e.line);
    config.keymap.extend(entries);
}

/// "~/x" → $HOME/x; "" → None.
fn expand_home(s: &str) -> Option<PathBuf> {
    if s.is_empty() {
        return None;
    }
    match (s.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Some(PathBuf::from(home).join(rest)),
        _ => Some(PathBuf::from(s)),
    }
}

#[cfg(test)]
mod tests;
