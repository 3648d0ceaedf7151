//! Plain types and rules of the hospital: no SQL, no terminal, no I/O.
//!
//! Everything here can be tested with ordinary unit tests; the store and the
//! screens build on these types.

pub mod appointment;
pub mod audit;
pub mod audit_filter;
pub mod backup;
pub mod bed_days;
pub mod beds;
pub mod billing;
pub mod care;
pub mod clock;
pub mod code_list;
pub mod conditions;
pub mod display;
pub mod duplicates;
pub mod front_desk;
pub mod hospital;
pub mod ids;
pub mod lab;
pub mod label;
pub mod merge;
pub mod mrn;
pub mod names;
pub mod news2;
pub mod password;
pub mod patient;
pub mod pharmacy;
pub mod prescribing;
pub mod role;
pub mod settings;
pub mod sign_in_name;
pub mod ssh_key;
pub mod stock_concerns;
pub mod temporary_password;
pub mod text;
pub mod time;
pub mod user;
pub mod visit;
pub mod vitals;
