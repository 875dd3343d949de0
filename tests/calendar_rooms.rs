//! At 80×24 a long room name is shortened from the middle, so that
//! 旭区外部特別会議室1 and …2 never look the same; wider, it is whole.

mod support;

use support::harness::started;

#[test]
fn two_rooms_that_differ_at_the_end_stay_different_at_80x24() {
    let mut h = started();
    let s = h.render(80, 24);
    let rows: Vec<&str> = s
        .lines()
        .filter(|l| l.contains("第1回 ") || l.contains("第2回 "))
        .collect();
    assert_eq!(rows.len(), 2, "{s}");
    assert!(rows[0].ends_with("旭区外..会議室1"), "{s}");
    assert!(rows[1].ends_with("旭区外..会議室2"), "{s}");
    let s = h.render(120, 30);
    assert!(
        s.contains("第1回  4月20日(木) 13:00-14:30  旭区外部特別会議室1"),
        "{s}"
    );
}

#[test]
fn shorten_middle_keeps_both_ends_and_the_width() {
    use kusei::widget::width::{display_width, shorten_middle};
    assert_eq!(shorten_middle("旭区外部特別会議室1", 16), "旭区外..会議室1");
    assert_eq!(
        shorten_middle("旭区外部特別会議室1", 40),
        "旭区外部特別会議室1"
    );
    for w in 0..22 {
        let s = shorten_middle("旭区外部特別会議室1", w);
        assert!(display_width(&s) <= w, "{w}: {s}");
    }
    assert_ne!(
        shorten_middle("旭区外部特別会議室1", 10),
        shorten_middle("旭区外部特別会議室2", 10)
    );
}
