//! Rows of `staff_ssh_keys`: SSH public keys registered to staff accounts.
//! A key is added, then perhaps removed (a new state of the row); it is
//! never changed or deleted, so who could sign in with what stays known.

use super::StoreError;
use crate::domain::ids::Id;
use crate::domain::ssh_key::StaffKey;
use crate::domain::time::{format_ts, parse_ts};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction};

/// A registered key, current or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRow {
    pub id: Id,
    pub user_id: Id,
    pub algorithm: String,
    pub fingerprint: String,
    pub comment: String,
    pub added_at: DateTime<Utc>,
    /// Who added it (user name).
    pub added_by: String,
    pub removed_at: Option<DateTime<Utc>>,
    pub removed_by: Option<String>,
}

const SELECT: &str = "SELECT k.id, k.user_id, k.algorithm, k.fingerprint, k.comment,
                             k.added_at, a.user_name, k.removed_at, r.user_name
                      FROM staff_ssh_keys k JOIN users a ON a.id = k.added_by
                      LEFT JOIN users r ON r.id = k.removed_by";

fn row(r: &Row) -> rusqlite::Result<KeyRow> {
    let when = |i: usize| -> rusqlite::Result<Option<DateTime<Utc>>> {
        Ok(r.get::<_, Option<String>>(i)?.as_deref().and_then(parse_ts))
    };
    Ok(KeyRow {
        id: Id::from_stored(r.get(0)?),
        user_id: Id::from_stored(r.get(1)?),
        algorithm: r.get(2)?,
        fingerprint: r.get(3)?,
        comment: r.get(4)?,
        added_at: when(5)?.unwrap_or_default(),
        added_by: r.get(6)?,
        removed_at: when(7)?,
        removed_by: r.get(8)?,
    })
}

/// The account a current key belongs to, by the key's fingerprint.
pub fn owner(conn: &Connection, fingerprint: &str) -> Result<Option<Id>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT user_id FROM staff_ssh_keys WHERE fingerprint = ?1 AND removed_at IS NULL",
    )?;
    Ok(stmt
        .query_row([fingerprint], |r| r.get::<_, String>(0))
        .optional()?
        .map(Id::from_stored))
}

/// Registers `key` to `user_id`; refused when the key is already someone's.
pub fn add(
    tx: &Transaction,
    user_id: &Id,
    key: &StaffKey,
    by: &Id,
    now: DateTime<Utc>,
) -> Result<Id, StoreError> {
    let holder: Option<String> = tx
        .query_row(
            "SELECT u.user_name FROM staff_ssh_keys k JOIN users u ON u.id = k.user_id
             WHERE k.fingerprint = ?1 AND k.removed_at IS NULL",
            [&key.fingerprint],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(holder) = holder {
        return Err(StoreError::Conflict(format!(
            "the key {} is already registered to {holder}: one key signs in to one account; remove it there first",
            key.fingerprint
        )));
    }
    let id = Id::new();
    tx.execute(
        "INSERT INTO staff_ssh_keys (id, user_id, algorithm, public_key, fingerprint, comment,
                                     added_at, added_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        rusqlite::params![
            id.as_str(),
            user_id.as_str(),
            key.algorithm,
            key.public_key,
            key.fingerprint,
            key.comment,
            format_ts(now),
            by.as_str()
        ],
    )?;
    Ok(id)
}

/// Marks the current key with this fingerprint on `user_id` removed;
/// returns the key's id, or `None` when the account has no such key.
pub fn remove(
    tx: &Transaction,
    user_id: &Id,
    fingerprint: &str,
    by: &Id,
    now: DateTime<Utc>,
) -> Result<Option<Id>, StoreError> {
    let id: Option<String> = tx
        .query_row(
            "SELECT id FROM staff_ssh_keys
             WHERE user_id = ?1 AND fingerprint = ?2 AND removed_at IS NULL",
            [user_id.as_str(), fingerprint],
            |r| r.get(0),
        )
        .optional()?;
    let Some(id) = id else {
        return Ok(None);
    };
    tx.execute(
        "UPDATE staff_ssh_keys SET removed_at = ?2, removed_by = ?3 WHERE id = ?1",
        rusqlite::params![id, format_ts(now), by.as_str()],
    )?;
    Ok(Some(Id::from_stored(id)))
}

/// Every key an account has had, current ones first, newest first.
pub fn of_user(conn: &Connection, user_id: &Id) -> Result<Vec<KeyRow>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE k.user_id = ?1 ORDER BY k.removed_at IS NOT NULL, k.added_at DESC"
    ))?;
    let rows = stmt.query_map([user_id.as_str()], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
