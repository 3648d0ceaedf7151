//! The demo hospital: a ready clinic to try wardline on, with one account per
//! staff role. Later areas add their synthetic data here.

use crate::auth;
use crate::domain::hospital::HospitalCode;
use crate::domain::role::Role;
use crate::ops::{accounts, settings};
use crate::paths::DataDir;
use crate::store::Db;
use crate::store::sessions::EndReason;
use anyhow::{Context, Result};
use chrono::Utc;
use std::path::PathBuf;

pub const CODE: &str = "DEMO";
pub const NAME: &str = "Riverside Community Hospital";
/// Every demo account's password, shown on the demo's sign-in screen.
pub const PASSWORD: &str = "wardline-demo";

/// A demo account: user name, full name, role.
pub const ACCOUNTS: &[(&str, &str, Role)] = &[
    ("admin", "Grace Mwangi", Role::Admin),
    ("reception", "Tomás Herrera", Role::Receptionist),
    ("doctor", "Dr. Aisha Rahman", Role::Doctor),
    ("nurse", "Mei Lin Chen", Role::Nurse),
    ("pharmacist", "Olusegun Adeyemi", Role::Pharmacist),
    ("labtech", "Priya Natarajan", Role::LabTech),
];

fn code() -> Result<HospitalCode> {
    Ok(CODE.parse()?)
}

/// The demo hospital's file, created when missing (or rebuilt with `reset`).
pub fn ensure(data: &DataDir, reset: bool) -> Result<PathBuf> {
    let code = code()?;
    let path = data.hospital_file(&code);
    if reset {
        for suffix in ["", "-wal", "-shm"] {
            let p = PathBuf::from(format!("{}{suffix}", path.display()));
            match std::fs::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(e).with_context(|| format!("could not remove {}", p.display()));
                }
            }
        }
        let _ = std::fs::remove_file(data.checkpoint_file(&code));
    }
    if !path.exists() {
        build(data, &code, &path)
            .with_context(|| format!("could not build the demo hospital at {}", path.display()))?;
    }
    Ok(path)
}

fn build(data: &DataDir, code: &HospitalCode, path: &std::path::Path) -> Result<()> {
    let mut db = Db::create(path, code, NAME)?;
    let result = populate(&mut db);
    if result.is_err() {
        drop(db);
        let _ = std::fs::remove_file(path);
        return result;
    }
    crate::checkpoint::write(&db, data)?;
    Ok(())
}

fn populate(db: &mut Db) -> Result<()> {
    let now = Utc::now();
    let (admin, admin_name, _) = ACCOUNTS[0];
    accounts::create_first_admin(db, admin, admin_name, PASSWORD, now)?;
    let session = auth::sign_in(db, admin, PASSWORD, now)?;
    for (user, full_name, role) in &ACCOUNTS[1..] {
        let account = accounts::NewAccount {
            user_name: user,
            full_name,
            role: *role,
            password: PASSWORD,
        };
        accounts::add(db, &session, &account, false, now)?;
    }
    settings::set(db, &session, "currency", "KES")?;
    auth::sign_out(db, &session, EndReason::Logout, now)?;
    // The morning's sign-ins, so the audit trail reads like a working day.
    for (user, _, _) in &ACCOUNTS[1..4] {
        let s = auth::sign_in(db, user, PASSWORD, now)?;
        auth::sign_out(db, &s, EndReason::Logout, now)?;
    }
    Ok(())
}

/// The accounts, as printed by `wardline demo --no-tui` and shown on screen.
pub fn accounts_text() -> Vec<String> {
    ACCOUNTS
        .iter()
        .map(|(user, name, role)| format!("{user:<11} {:<15} {name}", role.label()))
        .collect()
}
