//! Changes as the hospital sees them: each checks who may do it, validates,
//! and goes through [`crate::store::Db::write`] so that the change and its
//! audit event commit together or not at all.

pub mod accounts;
pub mod appointments;
pub mod backup;
pub mod beds;
pub mod census;
pub mod code_import;
pub mod codes;
pub mod csv_file;
pub mod export;
pub mod import;
pub mod patients;
pub mod pharmacy;
pub mod restore;
pub mod settings;
