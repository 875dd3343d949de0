//! The configuration as a user meets it: the shipped default file and
//! themes load clean; a config full of mistakes gives warnings with line
//! numbers (in the status line and from `kusei config --check`) and the app
//! still runs with everything that was right.

mod support;

use std::process::Command;

use kusei::app::settings::{self, Overrides, Terminal};
use kusei::config::dates::DateStyle;
use kusei::config::DEFAULT_TOML;
use kusei::ui::theme::color::ColorDepth;
use kusei::ui::theme::file::{self as theme_file, SHIPPED};
use kusei::ui::Theme;
use support::harness::{sample_today, Harness};

const TRUECOLOR: Terminal = Terminal {
    no_color: false,
    depth: ColorDepth::TrueColor,
};

#[test]
fn the_shipped_default_config_and_every_shipped_theme_load_without_warnings() {
    let s = settings::resolve(
        Some((DEFAULT_TOML, "config.toml")),
        None,
        &Overrides::default(),
        TRUECOLOR,
    );
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    assert_eq!(s.theme, Theme::default_dark());
    assert_eq!(SHIPPED.len(), 4);
    for (name, _) in SHIPPED {
        let (theme, warnings) = theme_file::load(name, None);
        assert!(warnings.is_empty(), "{name}: {warnings:?}");
        let s = settings::resolve(
            Some((&format!("theme = \"{name}\"\n"), "config.toml")),
            None,
            &Overrides::default(),
            TRUECOLOR,
        );
        assert!(s.warnings.is_empty(), "{name}: {:?}", s.warnings);
        assert_eq!(s.theme, theme, "{name}");
    }
    let names: Vec<_> = SHIPPED.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["16color", "dark", "light", "high-contrast"]);
}

const BAD: &str = "\
# a config with one mistake of each kind
dates = \"seireki\"
colour = \"red\"
glyphs = 3
theme = \"dark\"
draft_interval_ms = \"fast\"
[keymap.calendar]
start_minutes = [\"F5\", \"Hyper-m\"]
make_coffee = [\"c\"]
";

const BAD_THEME: &str = "\
inherits = \"dark\"
title = { fg = \"not-a-colour\", bg = \"black\" }
muted = \"#12345g\"
heading = { fg = \"cyan\", sparkle = true }
";

#[test]
fn a_bad_config_warns_with_line_numbers_and_the_app_runs() {
    let dir = tempfile::TempDir::new().unwrap();
    std::fs::create_dir(dir.path().join("themes")).unwrap();
    std::fs::write(dir.path().join("themes/dark.toml"), BAD_THEME).unwrap();
    let s = settings::resolve(
        Some((BAD, "config.toml")),
        Some(dir.path()),
        &Overrides::default(),
        TRUECOLOR,
    );
    let shown: Vec<String> = s.warnings.iter().map(|w| w.to_string()).collect();
    for want in [
        "config.toml:3: colour: ",
        "config.toml:4: glyphs: ",
        "config.toml:6: draft_interval_ms: ",
        "config.toml:8: keymap.calendar.start_minutes: キー \"Hyper-m\"",
        "config.toml:9: keymap.calendar.make_coffee: 操作 \"make_coffee\"",
        ":2: title.fg: ",
        ":3: muted: ",
        ":4: heading.sparkle: ",
    ] {
        assert!(
            shown.iter().any(|w| w.contains(want)),
            "no warning like {want:?} in\n{}",
            shown.join("\n")
        );
    }
    assert_eq!(s.warnings.len(), 8, "{}", shown.join("\n"));
    // What was right applies.
    assert_eq!(s.config.dates, DateStyle::Seireki);
    let (dark, _) = theme_file::load("dark", None);
    assert_eq!(
        s.theme.selection, dark.selection,
        "the user theme inherits dark"
    );
    assert_eq!(
        s.theme.title, dark.title,
        "a bad role keeps the inherited one"
    );

    // The app starts and says so in the status line.
    let mut h = Harness::new(sample_today());
    kusei::app::apply_settings(&mut h.state, &s.config, &s.warnings);
    h.theme = s.theme.clone();
    let screen = h.screen(80, 24);
    let status = screen.row(23);
    assert!(status.contains("設定の注意"), "{}", screen.text);
    assert!(status.contains("config.toml:3"), "{}", screen.text);
    assert!(screen.contains("2017年度"), "西暦 applies: {}", screen.text);
    // Keys still work.
    h.key("n");
    assert_eq!(h.selected_number(), Some(4));
}

fn kusei(config: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kusei"));
    c.env("KUSEI_CONFIG", config)
        .env_remove("NO_COLOR")
        .env("KUSEI_DB", config.with_file_name("never-opened.db"));
    c
}

#[test]
fn config_check_prints_the_warnings_and_print_default_the_file() {
    let dir = tempfile::TempDir::new().unwrap();
    let bad = dir.path().join("config.toml");
    std::fs::write(&bad, BAD).unwrap();
    let out = kusei(&bad).args(["config", "--check"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("config.toml:3: colour"), "{err}");
    assert!(
        err.contains("config.toml:9: keymap.calendar.make_coffee"),
        "{err}"
    );
    assert!(
        !dir.path().join("never-opened.db").exists(),
        "config opens no database"
    );

    let out = kusei(&bad)
        .args(["config", "--print-default"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), DEFAULT_TOML);

    // The printed default is itself a clean config.
    let good = dir.path().join("default.toml");
    std::fs::write(&good, DEFAULT_TOML).unwrap();
    let out = kusei(&good).args(["config", "--check"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty());

    let out = kusei(&good).args(["config", "--keys"]).output().unwrap();
    let keys = String::from_utf8_lossy(&out.stdout);
    assert!(keys.contains("calendar\tstart_minutes\tm\t"), "{keys}");
}

#[test]
fn the_database_path_comes_from_the_config_when_no_flag_or_env_says() {
    let dir = tempfile::TempDir::new().unwrap();
    let db = dir.path().join("from-config.db");
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, format!("database = {:?}\n", db.display().to_string())).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kusei"))
        .env("KUSEI_CONFIG", &cfg)
        .env_remove("KUSEI_DB")
        .args(["check"])
        .output()
        .unwrap();
    // A command that only read never creates the database: it names the
    // configured path as missing.
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(&format!(
            "kusei: {}: データベースのファイルがありません",
            db.display()
        )),
        "{err}"
    );
    assert!(!db.exists(), "kusei check created nothing");
}

#[test]
fn config_keys_shows_a_bidi_control_in_a_key_as_a_marker_not_raw() {
    let dir = tempfile::TempDir::new().unwrap();
    let cfg = dir.path().join("config.toml");
    // A right-to-left override is not a control character, so it is a
    // valid one-character key; printed raw it would reverse the line.
    std::fs::write(&cfg, "[keymap.calendar]\nstart_minutes = [\"\u{202E}\"]\n").unwrap();
    let out = kusei(&cfg).args(["config", "--keys"]).output().unwrap();
    let keys = String::from_utf8_lossy(&out.stdout);
    assert!(
        keys.contains("calendar\tstart_minutes\t⟨U+202E⟩\t"),
        "{keys}"
    );
    assert!(!keys.contains('\u{202E}'), "raw bidi control in: {keys:?}");
}

#[test]
fn config_shows_the_theme_in_force_and_the_mouse_switch() {
    let dir = tempfile::TempDir::new().unwrap();
    let file = dir.path().join("config.toml");
    std::fs::write(&file, "theme = \"nonexistent\"\n[ui]\nmouse = false\n").unwrap();
    let out = kusei(&file)
        .env("TERM", "xterm")
        .arg("config")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("テーマ: 16color（\"nonexistent\" はないので既定のテーマ）、16 色"),
        "{text}"
    );
    assert!(text.contains("マウス: 使わない"), "{text}");
    assert!(err.contains("テーマ \"nonexistent\" がありません"), "{err}");
    assert_eq!(out.status.code(), Some(1));

    std::fs::write(
        &file,
        "theme = \"light\"\n[ui]\nmouse = \"yes\"\nwheel = 1\n",
    )
    .unwrap();
    let out = kusei(&file)
        .env("TERM", "xterm-256color")
        .env_remove("COLORTERM")
        .arg("config")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("テーマ: light、256 色"), "{text}");
    assert!(text.contains("マウス: 使う"), "the default stays: {text}");
    assert!(err.contains("config.toml:3: ui.mouse"), "{err}");
    assert!(err.contains("config.toml:4: ui.wheel"), "{err}");
}
