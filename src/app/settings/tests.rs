use super::*;
use crate::app::action::Action;
use crate::app::keymap::Scope;
use crate::config::dates::DateStyle;
use crate::config::{DEFAULT_TOML, KEYS};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::Duration;

fn term() -> Terminal {
    Terminal {
        no_color: false,
        depth: ColorDepth::TrueColor,
    }
}

fn with(user: &str) -> Settings {
    resolve(
        Some((user, "config.toml")),
        None,
        &Overrides::default(),
        term(),
    )
}

#[test]
fn the_shipped_default_reads_without_warnings() {
    let s = resolve(None, None, &Overrides::default(), term());
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    let c = Config::default();
    assert_eq!(
        (
            s.config.database,
            s.config.dates,
            s.config.theme,
            s.config.glyphs
        ),
        (c.database, c.dates, c.theme, c.glyphs)
    );
    assert_eq!(s.config.draft_interval, crate::config::DRAFT_INTERVAL);
    assert_eq!(s.theme, Theme::default_dark());
    assert_eq!(s.keymap.bindings(), Keymap::defaults().bindings());
}

#[test]
fn the_default_file_mentions_every_setting() {
    for key in KEYS {
        assert!(
            DEFAULT_TOML
                .lines()
                .any(|l| l.starts_with(key) || l.starts_with(&format!("[{key}"))),
            "default.toml does not show {key}"
        );
    }
}

#[test]
fn user_settings_override_key_by_key() {
    let s = with(
        "dates = \"both\"\nglyphs = \"ascii\"\ntheme = \"light\"\ndraft_interval_ms = 1000\n\
         database = \"/srv/kusei/kusei.db\"\nsubmit_key = \"C-s\"\n",
    );
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    assert_eq!(s.config.dates, DateStyle::Both);
    assert_eq!(s.config.glyphs, crate::config::glyphs::ASCII);
    assert_eq!(s.theme.glyphs, crate::config::glyphs::ASCII);
    assert_eq!(s.config.draft_interval, Duration::from_secs(1));
    assert_eq!(
        s.config.database,
        Some(PathBuf::from("/srv/kusei/kusei.db"))
    );
    let (light, _) = crate::ui::theme::file::load("light", None);
    assert_eq!(s.theme.title, light.title);
    let ctrl_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
    let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(
        s.keymap.lookup(Scope::MinutesInput, &ctrl_s),
        Some(Action::Submit)
    );
    assert_eq!(s.keymap.lookup(Scope::MinutesInput, &enter), None);
    // Left alone: the defaults.
    let s = with("dates = \"seireki\"\n");
    assert_eq!(s.config.theme, "16color");
    assert_eq!(s.config.glyphs, crate::config::glyphs::UNICODE);
}

#[test]
fn every_bad_entry_is_a_warning_with_its_line_and_the_rest_applies() {
    let src = "\
dates = \"seireki\"
colour = \"red\"
glyphs = 3
theme = \"nosuch\"
draft_interval_ms = 5
submit_key = \"Hyper-Enter\"
this is not toml
[keymap.calendar]
start_minutes = [\"F5\", \"C-\"]
start_minutez = [\"m\"]
[keymap.nowhere]
quit = [\"q\"]
";
    let s = with(src);
    let got: Vec<(Option<usize>, &str)> = s
        .warnings
        .iter()
        .map(|w| (w.line, w.key.as_str()))
        .collect();
    for want in [
        (Some(2), "colour"),
        (Some(3), "glyphs"),
        (Some(5), "draft_interval_ms"),
        (Some(6), "submit_key"),
        (Some(7), ""),
        (Some(9), "keymap.calendar.start_minutes"),
        (Some(10), "keymap.calendar.start_minutez"),
        (Some(12), "keymap.nowhere.quit"),
        (Some(4), "theme"),
    ] {
        assert!(got.contains(&want), "missing {want:?} in {:#?}", s.warnings);
    }
    assert_eq!(
        s.config.dates,
        DateStyle::Seireki,
        "good entries still apply"
    );
    let f5 = KeyEvent::new(KeyCode::F(5), KeyModifiers::NONE);
    assert_eq!(
        s.keymap.lookup(Scope::Calendar, &f5),
        Some(Action::StartMinutes)
    );
    assert_eq!(s.theme, Theme::default_dark());
    for w in &s.warnings {
        assert!(w.to_string().starts_with("config.toml"), "{w}");
    }
}

#[test]
fn flags_win_over_the_file() {
    let o = Overrides {
        theme: Some("high-contrast".into()),
        glyphs: Some("ascii".into()),
    };
    let s = resolve(
        Some(("theme = \"dark\"\n", "config.toml")),
        None,
        &o,
        term(),
    );
    assert_eq!(s.config.theme, "high-contrast");
    assert_eq!(s.theme.glyphs.name, "ascii");
    let o = Overrides {
        glyphs: Some("fancy".into()),
        ..Default::default()
    };
    let s = resolve(None, None, &o, term());
    assert_eq!(s.warnings.len(), 1);
    assert_eq!(s.theme.glyphs.name, "unicode");
}

#[test]
fn no_color_and_colour_depth() {
    let mono = Terminal {
        no_color: true,
        depth: ColorDepth::TrueColor,
    };
    let s = resolve(
        Some(("theme = \"dark\"\nglyphs = \"ascii\"\n", "c")),
        None,
        &Overrides::default(),
        mono,
    );
    assert_eq!(
        s.theme,
        Theme::monochrome().with_glyphs(crate::config::glyphs::ASCII)
    );
    let basic = Terminal {
        no_color: false,
        depth: ColorDepth::Ansi16,
    };
    let s = resolve(
        Some(("theme = \"dark\"\n", "c")),
        None,
        &Overrides::default(),
        basic,
    );
    use ratatui::style::Color;
    for c in [s.theme.title.fg, s.theme.title.bg, s.theme.muted.fg]
        .into_iter()
        .flatten()
    {
        assert!(!matches!(c, Color::Rgb(..) | Color::Indexed(_)), "{c:?}");
    }
}
