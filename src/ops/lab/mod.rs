//! The laboratory's orders and results.

pub mod record;
