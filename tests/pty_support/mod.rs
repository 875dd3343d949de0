//! Kept so `mod pty_support;` still works: the same code as `support::pty`.
//! New tests: `mod support;` and `use support::pty::…`.
#[path = "../support/pty.rs"]
mod pty;
#[allow(unused_imports)]
pub use pty::*;
