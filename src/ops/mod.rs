//! Changes as the hospital sees them: each checks who may do it, validates,
//! and goes through [`crate::store::Db::write`] so that the change and its
//! audit event commit together or not at all.

pub mod accounts;
pub mod allergies;
pub mod appointments;
pub mod audit_trail;
pub mod backup;
pub mod beds;
pub mod billing;
pub mod census;
pub mod clinical;
pub mod code_import;
pub mod codes;
pub mod csv_file;
pub mod deaths;
pub mod diagnoses;
pub mod dispensing;
pub mod export;
pub mod fhir;
pub mod formulary;
pub mod import;
pub mod lab;
pub mod lab_catalogue;
pub mod labels;
pub mod mar;
pub mod patient_accounts;
pub mod patients;
pub mod pharmacy;
pub mod portal;
pub mod prescriptions;
pub mod receipt;
pub mod record;
pub mod restore;
pub mod round;
pub mod settings;
pub mod ssh_keys;
pub mod unmerge;
pub mod visits;
pub mod vitals;
pub mod ward_staff;
pub mod worklist;
