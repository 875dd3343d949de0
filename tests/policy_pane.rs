//! The policy pane driven headless: keys in, state and screen out.

mod policy_support;

use policy_support::*;

#[test]
fn probe() {
    let mut app = App::with_seeds(&[SEED_000, SEED_001, SEED_002, SEED_004]);
    app.keys("3");
    println!("{}", app.screen(80, 24));
    app.keys("jjjjjjjj");
    println!("{}", app.screen(160, 48));
}
