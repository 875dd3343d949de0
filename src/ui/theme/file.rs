//! Theme files: TOML naming the semantic roles of [`Theme`], shipped in
//! `themes/` (embedded in the binary) or the user's `themes/NAME.toml` in
//! the config directory.
//!
//! ```toml
//! inherits = "dark"          # optional: start from another theme
//! title = { fg = "black", bg = "#5fafd7", modifiers = ["bold"] }
//! muted = "bright-black"     # a colour alone is the foreground
//! ```
//! A role given is replaced as a whole; a role left out keeps the value of
//! the inherited theme (or of the built-in 16-colour default).

use std::path::Path;

use ratatui::style::{Modifier, Style};
use toml::de::DeValue;
use toml::Spanned;

use super::color::{parse_color_index, parse_color_name, parse_modifier};
use super::Theme;
use crate::config::doc::{join_key, Doc, Warning};

/// The themes shipped with kusei, by name.
pub const SHIPPED: &[(&str, &str)] = &[
    ("16color", include_str!("../../../themes/16color.toml")),
    ("dark", include_str!("../../../themes/dark.toml")),
    ("light", include_str!("../../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../../themes/high-contrast.toml"),
    ),
];

/// The name of the default theme (the same as [`Theme::default_dark`]).
pub use crate::config::DEFAULT_THEME;

/// Every role a theme file may set, in the order of [`Theme`]'s fields.
pub const ROLES: &[&str] = &[
    "base",
    "title",
    "tab_active",
    "tab",
    "selection",
    "cursor_day",
    "meeting_day",
    "today",
    "muted",
    "heading",
    "decision",
    "action",
    "saved",
    "pending",
    "warning",
    "error",
    "status_bar",
    "input",
    "sunday",
    "saturday",
    "status_ahead",
    "status_on_track",
    "status_late",
    "status_not_started",
    "status_done",
    "overdue",
    "match_highlight",
];

pub(super) fn role_mut<'t>(t: &'t mut Theme, role: &str) -> Option<&'t mut Style> {
    Some(match role {
        "base" => &mut t.base,
        "title" => &mut t.title,
        "tab_active" => &mut t.tab_active,
        "tab" => &mut t.tab,
        "selection" => &mut t.selection,
        "cursor_day" => &mut t.cursor_day,
        "meeting_day" => &mut t.meeting_day,
        "today" => &mut t.today,
        "muted" => &mut t.muted,
        "heading" => &mut t.heading,
        "decision" => &mut t.decision,
        "action" => &mut t.action,
        "saved" => &mut t.saved,
        "pending" => &mut t.pending,
        "warning" => &mut t.warning,
        "error" => &mut t.error,
        "status_bar" => &mut t.status_bar,
        "input" => &mut t.input,
        "sunday" => &mut t.sunday,
        "saturday" => &mut t.saturday,
        "status_ahead" => &mut t.status_ahead,
        "status_on_track" => &mut t.status_on_track,
        "status_late" => &mut t.status_late,
        "status_not_started" => &mut t.status_not_started,
        "status_done" => &mut t.status_done,
        "overdue" => &mut t.overdue,
        "match_highlight" => &mut t.match_highlight,
        _ => return None,
    })
}

/// The names of the themes one can choose: shipped, then the user's.
pub fn available(config_dir: Option<&Path>) -> Vec<String> {
    let mut names: Vec<String> = SHIPPED.iter().map(|(n, _)| n.to_string()).collect();
    if let Some(Ok(dir)) = config_dir.map(|d| std::fs::read_dir(d.join("themes"))) {
        let mut user: Vec<String> = dir
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let p = e.path();
                (p.extension()? == "toml").then(|| p.file_stem()?.to_str().map(str::to_owned))?
            })
            .filter(|n| !names.contains(n))
            .collect();
        user.sort();
        names.extend(user);
    }
    names
}

/// The theme called `name`: the user's `themes/NAME.toml` if there is
/// one, else a shipped theme; an unknown name is a warning and gives the
/// default. Every problem in the file is a warning; what is good applies.
pub fn load(name: &str, config_dir: Option<&Path>) -> (Theme, Vec<Warning>) {
    let mut warnings = Vec::new();
    let theme = load_depth(name, config_dir, 0, &mut warnings).unwrap_or_else(|| {
        warnings.push(Warning {
            file: "config.toml".into(),
            line: None,
            key: "theme".into(),
            message: format!(
                "テーマ {name:?} がありません（{}）。{DEFAULT_THEME} を使います",
                available(config_dir).join("、")
            ),
        });
        Theme::default_dark()
    });
    (theme, warnings)
}

fn load_depth(
    name: &str,
    config_dir: Option<&Path>,
    depth: usize,
    warnings: &mut Vec<Warning>,
) -> Option<Theme> {
    let (src, file) = source(name, config_dir, warnings)?;
    if depth > 4 {
        warnings.push(Warning {
            file,
            line: None,
            key: "inherits".into(),
            message: "inherits の連鎖が深すぎます（循環していませんか）".into(),
        });
        return Some(Theme::default_dark());
    }
    let (theme, mut w) = crate::config::doc::read(&src, &file, |doc, table| {
        let base = table
            .get_ref()
            .iter()
            .find(|(k, _)| k.get_ref() == "inherits")
            .and_then(|(_, v)| doc.string("inherits", v).map(|n| (n, v.span())));
        let mut theme = match base {
            // A user theme named like a shipped one and inheriting that name
            // means the shipped theme, not itself.
            Some((parent, span)) => match load_depth(
                &parent,
                config_dir.filter(|_| parent != name),
                depth + 1,
                warnings,
            ) {
                Some(t) => t,
                None => {
                    doc.warn(span, "inherits", format!("テーマ {parent:?} がありません"));
                    Theme::default_dark()
                }
            },
            None => Theme::default_dark(),
        };
        apply(doc, table, &mut theme);
        theme
    });
    warnings.append(&mut w);
    Some(theme)
}

/// Parse a theme from text over `base` (for tests and `config --check`).
pub fn parse(src: &str, file: &str, base: Theme) -> (Theme, Vec<Warning>) {
    crate::config::doc::read(src, file, |doc, table| {
        let mut theme = base;
        apply(doc, table, &mut theme);
        theme
    })
}

fn source(
    name: &str,
    config_dir: Option<&Path>,
    warnings: &mut Vec<Warning>,
) -> Option<(String, String)> {
    let safe = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if safe {
        if let Some(dir) = config_dir {
            let path = dir.join("themes").join(format!("{name}.toml"));
            if path.exists() {
                let shown = crate::config::display_path(&path);
                match std::fs::read_to_string(&path) {
                    Ok(s) => return Some((s, shown)),
                    Err(e) => warnings.push(Warning {
                        file: shown,
                        line: None,
                        key: String::new(),
                        message: format!("読めません: {}", crate::os_error::ja(&e)),
                    }),
                }
            }
        }
    }
    SHIPPED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, s)| (s.to_string(), format!("themes/{n}.toml")))
}

fn apply(doc: &mut Doc, table: &Spanned<toml::de::DeTable>, theme: &mut Theme) {
    for (k, v) in table.get_ref().iter() {
        let key = k.get_ref().as_ref();
        if key == "inherits" || key == "name" || key == "description" {
            continue;
        }
        if !ROLES.contains(&key) {
            doc.unknown_key(k.span(), key, ROLES);
            continue;
        }
        if let (Some(style), Some(slot)) = (parse_style(doc, key, v), role_mut(theme, key)) {
            *slot = style;
        }
    }
}

/// `"red"`, `208`, or `{ fg = …, bg = …, modifiers = [ … ] }`. None (with
/// a warning) when nothing usable is there.
fn parse_style(doc: &mut Doc, key: &str, v: &Spanned<DeValue>) -> Option<Style> {
    let color = |doc: &mut Doc, key: &str, v: &Spanned<DeValue>| {
        let r = match v.get_ref() {
            DeValue::String(s) => parse_color_name(s),
            DeValue::Integer(_) => match doc.integer(key, v) {
                Some(i) => parse_color_index(i),
                None => return None,
            },
            other => Err(format!(
                "色は名前、#rrggbb か 0〜255 の番号で書きます（{}が書かれています）",
                crate::config::doc::type_ja(other)
            )),
        };
        r.map_err(|e| doc.warn(v.span(), key, e)).ok()
    };
    match v.get_ref() {
        DeValue::String(_) | DeValue::Integer(_) => {
            color(doc, key, v).map(|c| Style::default().fg(c))
        }
        DeValue::Table(t) => {
            let mut style = Style::default();
            for (sk, sv) in t.iter() {
                let sub = sk.get_ref().as_ref();
                let full = join_key(key, sub);
                match sub {
                    "fg" => style = style.fg(color(doc, &full, sv)?),
                    "bg" => style = style.bg(color(doc, &full, sv)?),
                    "modifiers" => {
                        let mut m = Modifier::empty();
                        for (name, span) in doc.strings(&full, sv)? {
                            match parse_modifier(&name) {
                                Ok(x) => m |= x,
                                Err(e) => doc.warn(span, &full, e),
                            }
                        }
                        style = style.add_modifier(m);
                    }
                    _ => doc.unknown_key(sk.span(), &full, &["fg", "bg", "modifiers"]),
                }
            }
            Some(style)
        }
        other => {
            doc.warn(
                v.span(),
                key,
                format!(
                    "色（\"red\"）か {{ fg = …, bg = …, modifiers = [ … ] }} が必要です（{}が書かれています）",
                    crate::config::doc::type_ja(other)
                ),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Color;

    #[test]
    fn every_shipped_theme_sets_every_role_without_warnings() {
        for (name, src) in SHIPPED {
            let (_, warnings) = parse(src, name, Theme::default_dark());
            assert!(warnings.is_empty(), "{name}: {warnings:?}");
            let (keys, _) = crate::config::doc::read(src, name, |_, table| {
                let keys: Vec<String> = table
                    .get_ref()
                    .iter()
                    .map(|(k, _)| k.get_ref().to_string())
                    .collect();
                keys
            });
            for role in ROLES {
                assert!(
                    keys.iter().any(|k| k == role),
                    "themes/{name}.toml does not set {role}"
                );
            }
        }
    }

    #[test]
    fn the_16_colour_theme_is_the_built_in_default() {
        let (t, w) = load(DEFAULT_THEME, None);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(t, Theme::default_dark());
    }

    #[test]
    fn the_16_colour_theme_uses_named_ansi_colours_only() {
        let (t, _) = load("16color", None);
        for role in ROLES {
            let mut t = t.clone();
            let s = *role_mut(&mut t, role).unwrap();
            for c in [s.fg, s.bg].into_iter().flatten() {
                assert!(
                    !matches!(c, Color::Rgb(..) | Color::Indexed(_)),
                    "16color.{role} uses {c:?}"
                );
            }
        }
    }

    #[test]
    fn bad_entries_warn_and_the_rest_applies() {
        let src = "title = { fg = \"purple-ish\", bg = \"blue\" }\n\
                   muted = \"#123456\"\n\
                   frobnicate = \"red\"\n\
                   heading = { fg = 300 }\n\
                   warning = { fg = \"red\", modifiers = [\"bold\", \"sparkly\"] }\n\
                   error = true\n";
        let (t, w) = parse(src, "mine.toml", Theme::default_dark());
        let lines: Vec<_> = w.iter().map(|w| (w.line, w.key.as_str())).collect();
        assert!(lines.contains(&(Some(1), "title.fg")), "{w:?}");
        assert!(lines.contains(&(Some(3), "frobnicate")), "{w:?}");
        assert!(lines.contains(&(Some(4), "heading.fg")), "{w:?}");
        assert!(lines.contains(&(Some(5), "warning.modifiers")), "{w:?}");
        assert!(lines.contains(&(Some(6), "error")), "{w:?}");
        assert_eq!(t.muted, Style::default().fg(Color::Rgb(0x12, 0x34, 0x56)));
        assert_eq!(
            t.title,
            Theme::default_dark().title,
            "a bad role keeps its value"
        );
        assert_eq!(
            t.warning,
            Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
        );
    }

    #[test]
    fn user_themes_come_from_the_config_directory_and_inherit() {
        let dir = tempfile::TempDir::new().unwrap();
        std::fs::create_dir(dir.path().join("themes")).unwrap();
        std::fs::write(
            dir.path().join("themes/mine.toml"),
            "inherits = \"light\"\nmuted = \"bright-magenta\"\n",
        )
        .unwrap();
        let (t, w) = load("mine", Some(dir.path()));
        assert!(w.is_empty(), "{w:?}");
        let (light, _) = load("light", None);
        assert_eq!(t.muted, Style::default().fg(Color::LightMagenta));
        assert_eq!(t.title, light.title);
        assert!(available(Some(dir.path())).contains(&"mine".to_string()));
        let (t, w) = load("nosuch", Some(dir.path()));
        assert_eq!(t, Theme::default_dark());
        assert_eq!(w.len(), 1);
    }
}
