//! Which wards each doctor and nurse works on, in SQL: open assignments,
//! their history, and ending them. The schema refuses an assignment of
//! someone who is not a doctor or nurse, a second open assignment to one
//! ward, any change but the end, and deletion.

use super::StoreError;
use crate::domain::ids::Id;
use crate::domain::time::{format_ts, parse_ts};
use crate::domain::user::Clinician;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, Row, Transaction, params};

/// One assignment of a clinician to a ward, open or ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub id: Id,
    pub user_id: Id,
    pub ward_id: Id,
    pub ward_name: String,
    pub assigned_at: DateTime<Utc>,
    pub assigned_by: Id,
    pub ended_at: Option<DateTime<Utc>>,
    pub ended_by: Option<Id>,
}

const COLUMNS: &str = "s.id, s.user_id, s.ward_id, w.name, s.assigned_at, s.assigned_by,
                       s.ended_at, s.ended_by";

fn time(r: &Row, i: usize) -> rusqlite::Result<DateTime<Utc>> {
    let s: String = r.get(i)?;
    parse_ts(&s).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            "time".to_string().into(),
        )
    })
}

fn assignment(r: &Row) -> rusqlite::Result<Assignment> {
    Ok(Assignment {
        id: Id::from_stored(r.get(0)?),
        user_id: Id::from_stored(r.get(1)?),
        ward_id: Id::from_stored(r.get(2)?),
        ward_name: r.get(3)?,
        assigned_at: time(r, 4)?,
        assigned_by: Id::from_stored(r.get(5)?),
        ended_at: match r.get::<_, Option<String>>(6)? {
            Some(_) => Some(time(r, 6)?),
            None => None,
        },
        ended_by: r.get::<_, Option<String>>(7)?.map(Id::from_stored),
    })
}

/// A clinician's open assignments to wards in use, by ward name.
pub fn open_of(conn: &Connection, user: &Id) -> Result<Vec<Assignment>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM ward_staff s JOIN wards w ON w.id = s.ward_id
         WHERE s.user_id = ?1 AND s.ended_at IS NULL AND w.retired_at IS NULL
         ORDER BY lower(w.name), w.id"
    ))?;
    let rows = stmt.query_map([user.as_str()], assignment)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every open assignment to a ward in use, by clinician then ward name
/// (the admin's list of accounts shows them).
pub fn open_all(conn: &Connection) -> Result<Vec<Assignment>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM ward_staff s JOIN wards w ON w.id = s.ward_id
         WHERE s.ended_at IS NULL AND w.retired_at IS NULL
         ORDER BY s.user_id, lower(w.name), w.id"
    ))?;
    let rows = stmt.query_map([], assignment)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A clinician's assignments, open and ended, newest first.
pub fn history_of(conn: &Connection, user: &Id) -> Result<Vec<Assignment>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM ward_staff s JOIN wards w ON w.id = s.ward_id
         WHERE s.user_id = ?1 ORDER BY s.assigned_at DESC, s.id DESC"
    ))?;
    let rows = stmt.query_map([user.as_str()], assignment)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The doctors and nurses with an open assignment to a ward, doctors first,
/// by name.
pub fn staff_of(conn: &Connection, ward: &Id) -> Result<Vec<Clinician>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.id, u.user_name, u.full_name, u.role FROM ward_staff s
         JOIN users u ON u.id = s.user_id
         WHERE s.ward_id = ?1 AND s.ended_at IS NULL
         ORDER BY u.role, u.full_name, u.user_name",
    )?;
    let rows = stmt.query_map([ward.as_str()], super::users::clinician)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Opens an assignment of `user` to `ward`.
pub fn insert(
    tx: &Transaction,
    user: &Id,
    ward: &Id,
    by: &Id,
    now: DateTime<Utc>,
) -> Result<Id, StoreError> {
    let id = Id::new();
    tx.execute(
        "INSERT INTO ward_staff (id, user_id, ward_id, assigned_at, assigned_by)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            id.as_str(),
            user.as_str(),
            ward.as_str(),
            format_ts(now),
            by.as_str()
        ],
    )?;
    Ok(id)
}

/// Ends an open assignment; false when it was no longer open.
pub fn end(tx: &Transaction, id: &Id, by: &Id, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let n = tx.execute(
        "UPDATE ward_staff SET ended_at = ?2, ended_by = ?3 WHERE id = ?1 AND ended_at IS NULL",
        params![id.as_str(), format_ts(now), by.as_str()],
    )?;
    Ok(n == 1)
}

/// The open assignments to a ward, retired or not (retiring a ward ends them).
pub fn open_on(conn: &Connection, ward: &Id) -> Result<Vec<Assignment>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM ward_staff s JOIN wards w ON w.id = s.ward_id
         WHERE s.ward_id = ?1 AND s.ended_at IS NULL ORDER BY s.user_id"
    ))?;
    let rows = stmt.query_map([ward.as_str()], assignment)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
