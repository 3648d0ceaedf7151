//! One file per screen. Each holds its own state, draws itself, and turns
//! the actions of its key table into changes of that state; the app performs
//! anything that touches the database.

pub mod admin;
pub mod appointment_form;
pub mod appointment_setup;
pub mod appointments;
pub mod bed_board;
pub mod bed_views;
pub mod beds;
pub mod change_password;
pub mod help;
pub mod notice;
pub mod patient_form;
pub mod patient_record;
pub mod patients;
pub mod pharmacy;
pub mod pharmacy_forms;
pub mod picker;
pub mod sign_in;
