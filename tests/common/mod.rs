//! Kept so `mod common;` still works: the same code as `support::db`.
//! New tests: `mod support;` and `use support::db::…`.
#[path = "../support/db.rs"]
mod db;
#[allow(unused_imports)]
pub use db::*;
