//! `y` copies a citation: the key queues an effect (no bytes are written
//! by the state update), which the app loop turns into OSC 52 after the
//! frame is drawn.

mod support;

use kusei::app::clipboard::{osc52, Effect, Wrap};
use kusei::app::keymap::{help_rows, Scope};
use kusei::app::state::Mode;
use support::harness::{sample_today, Harness};

const THIRD: &str = "平成29年度第3回区づくり経営会議(平成29年6月21日)";

#[test]
fn y_in_the_calendar_copies_the_selected_meetings_citation() {
    let mut h = Harness::new(sample_today());
    assert!(h.state.effects.is_empty());
    h.key("y");
    assert_eq!(h.state.effects, vec![Effect::Copy(THIRD.into())]);
    assert_eq!(h.message(), Some("引用をコピーしました"));
    // The status line says so on screen.
    assert!(h.screen(80, 24).contains("引用をコピーしました"));
    h.key("n").key("y");
    assert_eq!(
        h.state.effects.last(),
        Some(&Effect::Copy(
            "平成29年度第4回区づくり経営会議(平成29年7月19日)".into()
        ))
    );
}

#[test]
fn y_in_the_minutes_list_copies_the_selected_opinion() {
    let mut h = Harness::new(sample_today());
    h.key("m");
    // Typing: y is a letter of the entry, not a copy.
    h.key("y");
    assert!(h.state.effects.is_empty());
    h.keys("C-u Esc ] ]");
    assert_eq!(h.mode(), Mode::MinutesList);
    assert_eq!(h.current_item().number, 3);
    h.key("y");
    assert_eq!(
        h.state.effects,
        vec![Effect::Copy(format!(
            "{THIRD} 議事(3): 大規模団地の課題は多岐に渡るため、ワールドカフェなどを通じて、区職員の知識・経験を結集してほしい。"
        ))]
    );
    assert_eq!(h.message(), Some("引用をコピーしました"));
}

#[test]
fn help_lists_y_where_it_works() {
    kusei::app::bindings::register();
    for scope in [Scope::Calendar, Scope::MinutesList] {
        assert!(
            help_rows(scope)
                .iter()
                .any(|(key, help)| key == "y" && help.contains("引用をコピー")),
            "{scope:?}"
        );
    }
}

#[test]
fn the_bytes_for_a_known_citation() {
    // "平成29年度第3回区づくり経営会議(平成29年6月21日)" in base64.
    let b64 = "5bmz5oiQMjnlubTluqbnrKwz5Zue5Yy644Gl44GP44KK57WM5Za25Lya6K2wKOW5s+aIkDI55bm0NuaciDIx5pelKQ==";
    assert_eq!(
        osc52(THIRD, Wrap::None),
        format!("\x1b]52;c;{b64}\x07").into_bytes()
    );
    assert_eq!(
        osc52(THIRD, Wrap::Tmux),
        format!("\x1bPtmux;\x1b\x1b]52;c;{b64}\x07\x1b\\").into_bytes()
    );
    // screen: the payload in pieces of at most 76 bytes.
    let (a, b) = b64.split_at(76);
    assert_eq!(
        osc52(THIRD, Wrap::Screen),
        format!("\x1bP\x1b]52;c;{a}\x1b\\\x1bP{b}\x07\x1b\\").into_bytes()
    );
}
