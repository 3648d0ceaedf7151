//! The laboratory's operations.

pub mod label;
pub mod reports;
