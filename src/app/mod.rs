//! The full-screen app.

use std::process::ExitCode;

use crate::db::Store;

pub fn run(store: Store) -> anyhow::Result<ExitCode> {
    let data = store.export()?;
    println!("{} meetings, {} plans", data.meetings.len(), data.plans.len());
    Ok(ExitCode::SUCCESS)
}
