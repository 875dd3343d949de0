//! kusei (区政): meetings, operating policy and reform progress for Japanese
//! ward offices, kept in one shared SQLite file and shown in the terminal.

pub mod app;
pub mod cli;
pub mod config;
pub mod db;
pub mod export;
pub mod import;
pub mod keytrace;
pub mod log;
pub mod model;
pub mod os_error;
pub mod progress;
pub mod sample;
pub mod sanitize;
pub mod search;
pub mod ui;
pub mod wareki;
pub mod widget;
