//! Rebinding through config.toml: `[keymap.calendar] start_minutes =
//! ["F5"]` makes F5 start minute taking, `m` no longer does, and the help
//! overlay and the status-line hints show F5. The keymap is installed once
//! per process (as `kusei` does at start), so this file is its own test
//! binary and every test in it sees the same rebinding.

mod support;

use kusei::app::keymap;
use kusei::app::settings::{self, Overrides, Terminal};
use kusei::app::state::Mode;
use kusei::ui::theme::color::ColorDepth;
use support::harness::{sample_today, Harness};

const USER: &str = "\
[keymap.calendar]
start_minutes = [\"F5\"]

[keymap.global]
quit = [\"q\", \"C-q\"]
help = [\"?\", \"F1\", \"F12\"]
";

fn install() {
    let s = settings::resolve(
        Some((USER, "config.toml")),
        None,
        &Overrides::default(),
        Terminal {
            no_color: true,
            depth: ColorDepth::Ansi16,
        },
    );
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    // Each test installs the same map; whichever runs first wins.
    let _ = keymap::install(s.keymap);
    assert_eq!(
        keymap::current().keys_for(
            keymap::Scope::Calendar,
            kusei::app::action::Action::StartMinutes
        ),
        ["F5"]
    );
}

#[test]
fn f5_starts_minute_taking_and_m_does_not() {
    install();
    let mut h = Harness::new(sample_today());
    h.key("m");
    assert_eq!(h.mode(), Mode::Normal, "m is no longer bound");
    h.key("F5");
    assert_eq!(h.mode(), Mode::MinutesInput);
    assert!(h.state.minutes.is_some());
    h.key("Esc").key("Esc");
    assert_eq!(h.mode(), Mode::Normal);
    h.key("C-q");
    assert!(h.state.quit, "C-q was added to quit");
}

#[test]
fn help_and_hints_show_the_real_bindings() {
    install();
    let mut h = Harness::new(sample_today());
    let s = h.screen(80, 24);
    let status = s.row(23);
    assert!(status.contains("F5 記録"), "{status}");
    assert!(!status.contains("m 記録"), "{status}");
    assert!(s.row(0).contains("? / F1 / F12 ヘルプ"), "{}", s.row(0));
    h.key("F12");
    assert!(h.state.help, "F12 opens help");
    let s = h.screen(80, 24);
    let line = s
        .text
        .lines()
        .find(|l| l.contains("この会議の記録をとる"))
        .unwrap_or_else(|| panic!("no start_minutes row in help:\n{}", s.text));
    assert!(line.contains("F5"), "{line}");
    insta::assert_snapshot!("help_calendar_with_f5_80x24", s.text);
}
