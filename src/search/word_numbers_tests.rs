use proptest::prelude::*;

use super::*;

proptest! {
    #[test]
    fn numbers_read_back_as_written(ns in proptest::collection::vec(
        prop_oneof![0u32..400, 0u32..20_000, 0u32..2_000_000], 0..40)) {
        let mut b = Vec::new();
        for &n in &ns {
            push_number(n, &mut b);
        }
        prop_assert!(!b.contains(&0) && !b.contains(&READING_MARK) && !b.contains(&RUN_MARK));
        let (mut i, mut back) = (0, Vec::new());
        while let Some(item) = next_item(&b, &mut i) {
            back.push(item);
        }
        prop_assert_eq!(i, b.len());
        prop_assert_eq!(back, ns.iter().map(|&n| Item::Word(n)).collect::<Vec<_>>());
    }
}

#[test]
fn number_sizes() {
    let len = |n| {
        let mut b = Vec::new();
        push_number(n, &mut b);
        b.len()
    };
    assert_eq!(len(0), 1);
    assert_eq!(len(191), 1);
    assert_eq!(len(192), 2);
    assert_eq!(len(TWO - 1), 2);
    assert_eq!(len(TWO), 4);
}

#[test]
fn bytes_no_writer_makes_end_the_numbers() {
    for bad in [
        &[0u8][..],
        &[0xFF],
        &[0xC1],
        &[0xC1, 0],
        &[WIDE, 1, 1],
        &[WIDE, 0xFE, 1, 1],
    ] {
        let mut i = 0;
        assert_eq!(next_item(bad, &mut i), None, "{bad:?}");
        assert_eq!(i, 0);
    }
}
