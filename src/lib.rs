//! wardline: the front desk, the wards and the pharmacy of a small hospital,
//! in a terminal, on one SQLite file per hospital.
//!
//! `domain` holds the rules, `store` the SQL, `ops` the changes that combine
//! the two (validate, write, audit), `tui` the screens. `main.rs` and `cli`
//! are the edges.

pub mod auth;
pub mod bench;
pub mod central;
pub mod checkpoint;
pub mod cli;
pub mod commands;
pub mod demo;
pub mod domain;
pub mod error;
pub mod health;
pub mod logging;
pub mod machine_zone;
pub mod ops;
pub mod paths;
pub mod portal;
pub mod process_guard;
pub mod procs;
#[cfg(unix)]
pub mod pty;
pub mod ssh;
pub mod store;
pub mod tui;

pub use error::Error;
