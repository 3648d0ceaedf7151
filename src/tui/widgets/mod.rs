//! Reusable pieces of screens.

pub mod allergies;
pub mod bars;
pub mod checklist;
pub mod field;
pub mod form;
pub mod lab_order;
pub mod lab_results;
pub mod popup;
pub mod secret_text;
pub mod table;
