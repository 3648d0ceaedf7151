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

/// Ends as expired the user's sessions still open that started before
/// `started_before` (a command killed mid-way, a terminal switched off):
/// no session stays open past its maximum length. Returns their ids.
pub fn expire_stale(
    tx: &Transaction,
    user_id: &Id,
    started_before: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<Id>, StoreError> {
    let mut stmt = tx.prepare_cached(
        "UPDATE sessions SET ended_at = ?3, end_reason = 'expired'
         WHERE user_id = ?1 AND ended_at IS NULL AND started_at < ?2
         RETURNING id",
    )?;
    let rows = stmt.query_map(
        (user_id.as_str(), format_ts(started_before), format_ts(now)),
        |r| r.get::<_, String>(0),
    )?;
    let mut ids = rows
        .map(|r| r.map(Id::from_stored))
        .collect::<Result<Vec<_>, _>>()?;
    ids.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    Ok(ids)
}

/// The user names of the sessions open elsewhere (other than `own`) that
/// started at or after `started_since`, one per session, in start order:
/// the terminals signed in now (older open sessions were left by a command
/// killed mid-way or a terminal switched off).
pub fn open_elsewhere(
    conn: &rusqlite::Connection,
    own: &Id,
    started_since: DateTime<Utc>,
) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.user_name FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.ended_at IS NULL AND s.id <> ?1 AND s.started_at >= ?2
         ORDER BY s.started_at, s.id",
    )?;
    let names = stmt
        .query_map((own.as_str(), format_ts(started_since)), |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(names)
}
