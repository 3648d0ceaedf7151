//! Patient (portal) account rows: the account linked to a patient, the
//! per-patient portal switch, and whether a patient account may still be
//! used. The file's own triggers (migration 21) hold the linking rules.

use super::StoreError;
use crate::domain::ids::Id;
use crate::domain::time::format_ts;
use crate::domain::user::User;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction};

/// A new patient account, ready to insert (the hash is already computed).
pub struct NewPatientAccount<'a> {
    pub user_name: &'a str,
    pub full_name: &'a str,
    pub password_hash: &'a str,
    pub patient_id: &'a Id,
}

/// Inserts a patient account linked to its patient; it must change its
/// password at first sign-in.
pub fn insert(
    tx: &Transaction,
    a: &NewPatientAccount,
    now: DateTime<Utc>,
) -> Result<User, StoreError> {
    let taken: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM users WHERE user_name = ?1)",
        [a.user_name],
        |r| r.get(0),
    )?;
    if taken {
        return Err(StoreError::Conflict(format!(
            "an account named {:?} already exists: choose another user name",
            a.user_name
        )));
    }
    let id = Id::new();
    let now = format_ts(now);
    tx.execute(
        "INSERT INTO users (id, user_name, full_name, role, password_hash, must_change_password,
                            patient_id, created_at, updated_at)
         VALUES (?1, ?2, ?3, 'patient', ?4, 1, ?5, ?6, ?6)",
        rusqlite::params![
            id.as_str(),
            a.user_name,
            a.full_name,
            a.password_hash,
            a.patient_id.as_str(),
            now
        ],
    )?;
    super::users::find(tx, a.user_name)?
        .map(|(u, _)| u)
        .ok_or_else(|| StoreError::Conflict("the new account vanished while it was written".into()))
}

/// Whether the patient's portal access is on (`None`: no such patient).
pub fn portal_enabled(conn: &Connection, patient_id: &Id) -> Result<Option<bool>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT portal_enabled FROM patients WHERE id = ?1")?;
    Ok(stmt
        .query_row([patient_id.as_str()], |r| r.get::<_, bool>(0))
        .optional()?)
}

/// Turns the patient's portal access on or off.
pub fn set_portal_enabled(
    tx: &Transaction,
    patient_id: &Id,
    on: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE patients SET portal_enabled = ?2, updated_at = ?3 WHERE id = ?1",
        (patient_id.as_str(), on, format_ts(now)),
    )?;
    Ok(())
}

/// Whether an account may be used now. A staff account: when it is
/// enabled. A patient account: when it is enabled and its patient's record
/// is neither deleted nor merged and has portal access on.
pub fn may_sign_in(conn: &Connection, user_id: &Id) -> Result<bool, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.disabled_at IS NULL
                AND (u.patient_id IS NULL
                     OR (p.portal_enabled = 1 AND p.deleted_at IS NULL AND p.merged_into IS NULL))
         FROM users u LEFT JOIN patients p ON p.id = u.patient_id
         WHERE u.id = ?1",
    )?;
    Ok(stmt
        .query_row([user_id.as_str()], |r| r.get::<_, bool>(0))
        .optional()?
        .unwrap_or(false))
}

/// Links a patient account to another patient (a merge: the account
/// follows the person to the surviving record).
pub fn move_account(
    tx: &Transaction,
    account: &Id,
    to: &Id,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE users SET patient_id = ?2, updated_at = ?3, version = version + 1 WHERE id = ?1",
        (account.as_str(), to.as_str(), format_ts(now)),
    )?;
    Ok(())
}
