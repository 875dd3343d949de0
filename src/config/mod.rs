//! config.toml: the shipped defaults (`default.toml`, embedded) with the
//! user's file over them, key by key. Nothing in a config file can stop
//! kusei from starting: each unknown or bad entry is a [`Warning`] naming
//! its line and key, and the default stays in force for it.

pub mod dates;
pub mod doc;
pub mod glyphs;

use std::path::{Path, PathBuf};
use std::time::Duration;

use dates::DateStyle;
pub use doc::Warning;
use doc::{join_key, Doc};
use glyphs::Glyphs;

/// The theme used when none is named (or the named one is missing).
pub const DEFAULT_THEME: &str = "16color";

/// How long typing rests before its draft is written, unless configured.
pub const DRAFT_INTERVAL: Duration = Duration::from_millis(250);

/// One `action = [keys]` line of config.toml, not yet checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeymapEntry {
    pub scope: String,
    pub action: String,
    /// Each key as written, with its line.
    pub keys: Vec<(String, usize)>,
    /// Where it was written, for warnings.
    pub file: String,
    pub line: usize,
    /// The dotted key ("keymap.calendar.start_minutes", "submit_key").
    pub path: String,
}

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
    "ui",
    "keymap",
];

/// The keys of `[ui]`.
pub const UI_KEYS: &[&str] = &["mouse"];

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
    /// `[ui] mouse`: the app takes clicks and the wheel (and the
    /// terminal's own selection then needs Shift).
    pub mouse: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database: None,
            dates: DateStyle::Wareki,
            theme: DEFAULT_THEME.into(),
            theme_at: None,
            glyphs: Glyphs::default(),
            draft_interval: DRAFT_INTERVAL,
            keymap: Vec::new(),
            mouse: true,
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

/// The shipped defaults, then `user` (source, file name) over them.
pub fn read_files(user: Option<(&str, &str)>) -> (Config, Vec<Warning>) {
    let mut config = Config::default();
    let mut warnings = Vec::new();
    // The shipped file goes through the same reader: a mistake in it shows.
    for (src, file) in std::iter::once((DEFAULT_TOML, "既定の設定")).chain(user) {
        let ((), mut w) = doc::read(src, file, |doc, table| read(doc, table, &mut config));
        warnings.append(&mut w);
    }
    (config, warnings)
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
            "submit_key" => read_submit_key(doc, key, v, config),
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
            "ui" => {
                if let Some(t) = doc.table(key, v) {
                    read_ui(doc, t, config);
                }
            }
            _ => doc.unknown_key(k.span(), key, KEYS),
        }
    }
}

/// `submit_key = "…"`: the minutes input's submit key, kept as the first
/// keymap entry (before every `[keymap]` entry).
fn read_submit_key(
    doc: &mut Doc,
    key: &str,
    v: &toml::Spanned<toml::de::DeValue<'_>>,
    config: &mut Config,
) {
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

fn read_ui(doc: &mut Doc, table: &toml::de::DeTable, config: &mut Config) {
    for (k, v) in table.iter() {
        let path = join_key("ui", k.get_ref());
        match k.get_ref().as_ref() {
            "mouse" => {
                if let Some(b) = doc.boolean(&path, v) {
                    config.mouse = b;
                }
            }
            _ => doc.unknown_key(k.span(), &path, UI_KEYS),
        }
    }
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
