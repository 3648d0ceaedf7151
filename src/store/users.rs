//! Staff account rows and the per-name sign-in throttle (a name no account
//! has is counted under its tag, see `domain::sign_in_name`).

use super::StoreError;
use crate::domain::ids::Id;
use crate::domain::role::Role;
use crate::domain::time::{format_ts, parse_ts};
use crate::domain::user::{Clinician, User};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction};

/// A new account, ready to insert (the hash is already computed).
pub struct NewUser<'a> {
    pub user_name: &'a str,
    pub full_name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    pub must_change_password: bool,
}

const SELECT: &str = "SELECT u.id, u.user_name, u.full_name, u.role, u.must_change_password,
                             u.disabled_at, t.locked_until, u.last_login_at, u.password_hash
                      FROM users u LEFT JOIN login_throttle t ON t.user_name = u.user_name";

fn ts(r: &Row, i: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    Ok(r.get::<_, Option<String>>(i)?.as_deref().and_then(parse_ts))
}

fn user(r: &Row) -> rusqlite::Result<(User, String)> {
    let role: String = r.get(3)?;
    let role = role.parse().map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, role.into())
    })?;
    Ok((
        User {
            id: Id::from_stored(r.get(0)?),
            user_name: r.get(1)?,
            full_name: r.get(2)?,
            role,
            must_change_password: r.get(4)?,
            disabled_at: ts(r, 5)?,
            locked_until: ts(r, 6)?,
            last_login_at: ts(r, 7)?,
        },
        r.get(8)?,
    ))
}

pub fn insert(tx: &Transaction, u: &NewUser, now: DateTime<Utc>) -> Result<User, StoreError> {
    let exists: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM users WHERE user_name = ?1)",
        [u.user_name],
        |r| r.get(0),
    )?;
    if exists {
        return Err(StoreError::Conflict(format!(
            "an account named {:?} already exists: choose another user name",
            u.user_name
        )));
    }
    let id = Id::new();
    let now = format_ts(now);
    tx.execute(
        "INSERT INTO users (id, user_name, full_name, role, password_hash, must_change_password,
                            created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        rusqlite::params![
            id.as_str(),
            u.user_name,
            u.full_name,
            u.role.to_string(),
            u.password_hash,
            u.must_change_password,
            now
        ],
    )?;
    find(tx, u.user_name)?
        .map(|(u, _)| u)
        .ok_or_else(|| StoreError::Conflict("the new account vanished while it was written".into()))
}

/// The account with this user name and its password hash.
pub fn find(conn: &Connection, user_name: &str) -> Result<Option<(User, String)>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} WHERE u.user_name = ?1"))?;
    Ok(stmt.query_row([user_name], user).optional()?)
}

/// Every account, by user name.
pub fn list(conn: &Connection) -> Result<Vec<User>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} ORDER BY u.user_name"))?;
    let rows = stmt.query_map([], |r| user(r).map(|(u, _)| u))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many enabled admin accounts there are.
pub fn active_admins(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row(
        "SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL",
        [],
        |r| r.get(0),
    )?)
}

pub fn set_password(
    tx: &Transaction,
    id: &Id,
    hash: &str,
    must_change: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE users SET password_hash = ?2, must_change_password = ?3, updated_at = ?4,
                          version = version + 1
         WHERE id = ?1",
        rusqlite::params![id.as_str(), hash, must_change, format_ts(now)],
    )?;
    Ok(())
}

/// Gives an account another role (the rules are the caller's; the file
/// keeps a clinician on wards a clinician, and a patient's account a
/// patient's).
pub fn set_role(
    tx: &Transaction,
    id: &Id,
    role: Role,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE users SET role = ?2, updated_at = ?3, version = version + 1 WHERE id = ?1",
        (id.as_str(), role.to_string(), format_ts(now)),
    )?;
    Ok(())
}

pub fn set_disabled(
    tx: &Transaction,
    id: &Id,
    disabled_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE users SET disabled_at = ?2, updated_at = ?3, version = version + 1 WHERE id = ?1",
        (id.as_str(), disabled_at.map(format_ts), format_ts(now)),
    )?;
    Ok(())
}

pub fn record_login(tx: &Transaction, id: &Id, now: DateTime<Utc>) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE users SET last_login_at = ?2 WHERE id = ?1",
        (id.as_str(), format_ts(now)),
    )?;
    Ok(())
}

/// Failed attempts in a row and the lock, under the name a sign-in is kept
/// by: an account's user name, or the tag of a name no account has.
pub fn throttle(
    conn: &Connection,
    user_name: &str,
) -> Result<(i64, Option<DateTime<Utc>>), StoreError> {
    let row = conn
        .query_row(
            "SELECT failures, locked_until FROM login_throttle WHERE user_name = ?1",
            [user_name],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?)),
        )
        .optional()?;
    Ok(row
        .map(|(f, l)| (f, l.as_deref().and_then(parse_ts)))
        .unwrap_or((0, None)))
}

/// What a sign-in attempt may do, decided before its password is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// The user name is locked until then: the password is not checked.
    Locked(DateTime<Utc>),
    /// The password may be checked. `locks` is the lock this attempt set
    /// as the last one allowed: it stays if the password is wrong, and a
    /// right one clears it.
    Check { locks: Option<DateTime<Utc>> },
}

/// Counts an attempt as a failure before its password is checked (a right
/// password clears the count), in the caller's write transaction: however
/// many attempts arrive at once, each sees the ones before it, so no more
/// than `threshold` passwords are checked before the name is locked.
pub fn claim_attempt(
    tx: &Transaction,
    user_name: &str,
    threshold: u32,
    lock_minutes: u32,
    now: DateTime<Utc>,
) -> Result<Attempt, StoreError> {
    let (failures, locked_until) = throttle(tx, user_name)?;
    if let Some(until) = locked_until.filter(|t| *t > now) {
        return Ok(Attempt::Locked(until));
    }
    let failures = if locked_until.is_some() {
        1
    } else {
        failures + 1
    };
    let locks = (failures >= i64::from(threshold))
        .then(|| now + chrono::Duration::minutes(i64::from(lock_minutes)));
    tx.execute(
        "INSERT INTO login_throttle (user_name, failures, locked_until) VALUES (?1, ?2, ?3)
         ON CONFLICT (user_name) DO UPDATE SET failures = excluded.failures,
                                               locked_until = excluded.locked_until",
        (user_name, failures, locks.map(format_ts)),
    )?;
    Ok(Attempt::Check { locks })
}

/// After the attempt that set the lock failed: the lock stays, the count
/// starts again from nothing for when it ends.
pub fn keep_lock(tx: &Transaction, user_name: &str) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE login_throttle SET failures = 0 WHERE user_name = ?1",
        [user_name],
    )?;
    Ok(())
}

/// Forgets failures and any lock (a good sign-in, or an admin's unlock).
pub fn clear_throttle(tx: &Transaction, user_name: &str) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM login_throttle WHERE user_name = ?1",
        [user_name],
    )?;
    Ok(())
}

/// Doctors and nurses whose accounts are enabled, doctors first, by name:
/// who can attend an admission or hold appointments.
pub fn clinicians(conn: &Connection) -> Result<Vec<Clinician>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, user_name, full_name, role FROM users
         WHERE role IN ('doctor', 'nurse') AND disabled_at IS NULL
         ORDER BY role, full_name, user_name",
    )?;
    let rows = stmt.query_map([], clinician)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A doctor's or nurse's account by id, whatever its state now (disabled,
/// or its role changed): appointments booked with them still name them.
pub fn clinician_by_id(conn: &Connection, id: &Id) -> Result<Option<Clinician>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT id, user_name, full_name, role FROM users WHERE id = ?1")?;
    Ok(stmt.query_row([id.as_str()], clinician).optional()?)
}

/// Reads a clinician from `id, user_name, full_name, role`.
pub fn clinician(r: &Row) -> rusqlite::Result<Clinician> {
    let role: String = r.get(3)?;
    Ok(Clinician {
        id: Id::from_stored(r.get(0)?),
        user_name: r.get(1)?,
        full_name: r.get(2)?,
        role: role.parse().map_err(|_| {
            rusqlite::Error::FromSqlConversionFailure(
                3,
                rusqlite::types::Type::Text,
                "role".to_string().into(),
            )
        })?,
    })
}

/// The patient a patient (portal) account belongs to; `None` for a staff
/// account. The portal reads a patient's own record through this link only,
/// never through an id the patient could type or change.
pub fn linked_patient(conn: &Connection, user_id: &Id) -> Result<Option<Id>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT patient_id FROM users WHERE id = ?1")?;
    Ok(stmt
        .query_row([user_id.as_str()], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten()
        .map(Id::from_stored))
}

/// The patient account linked to a patient, if one was made.
pub fn account_of_patient(conn: &Connection, patient_id: &Id) -> Result<Option<User>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} WHERE u.patient_id = ?1"))?;
    Ok(stmt
        .query_row([patient_id.as_str()], |r| user(r).map(|(u, _)| u))
        .optional()?)
}
