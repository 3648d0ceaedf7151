//! Reusable pieces of screens.

pub mod allergies;
pub mod bars;
pub mod field;
pub mod form;
pub mod popup;
pub mod table;
