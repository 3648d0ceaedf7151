//! Sign-in sessions: started at login, ended by logout, replacement or expiry.

use super::StoreError;
use crate::domain::ids::Id;
use crate::domain::time::format_ts;
use chrono::{DateTime, Utc};
use rusqlite::Transaction;

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::Display, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum EndReason {
    /// The user signed out or quit.
    Logout,
    /// Another user signed in at this terminal's lock screen.
    Replaced,
    /// The session reached its maximum length.
    Expired,
}

pub fn start(tx: &Transaction, user_id: &Id, now: DateTime<Utc>) -> Result<Id, StoreError> {
    let id = Id::new();
    tx.execute(
        "INSERT INTO sessions (id, user_id, started_at) VALUES (?1, ?2, ?3)",
        (id.as_str(), user_id.as_str(), format_ts(now)),
    )?;
    Ok(id)
}

pub fn end(
    tx: &Transaction,
    id: &Id,
    reason: EndReason,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let reason: &'static str = reason.into();
    tx.execute(
        "UPDATE sessions SET ended_at = ?2, end_reason = ?3 WHERE id = ?1 AND ended_at IS NULL",
        (id.as_str(), format_ts(now), reason),
    )?;
    Ok(())
}
