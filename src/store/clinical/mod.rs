//! The clinical record in SQL: visits and notes, vitals, diagnoses,
//! allergies and problems, and the facts the access rule reads (who is in a
//! patient's care, break-the-glass grants).
//!
//! What must hold with the program bypassed (a signed note never changes,
//! append-only records, a visit's people fixed) is in the schema's
//! triggers; these functions read and write rows.

pub mod bulk;
pub mod care;
pub mod conditions;
pub mod pending;
pub mod visits;
pub mod vitals;

use crate::domain::time::parse_ts;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Row;

fn conversion(i: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        i,
        rusqlite::types::Type::Text,
        what.to_string().into(),
    )
}

pub(crate) fn ts(r: &Row, i: usize) -> rusqlite::Result<DateTime<Utc>> {
    let s: String = r.get(i)?;
    parse_ts(&s).ok_or_else(|| conversion(i, "time"))
}

pub(crate) fn opt_ts(r: &Row, i: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    Ok(r.get::<_, Option<String>>(i)?.as_deref().and_then(parse_ts))
}

pub(crate) fn parsed<T: std::str::FromStr>(r: &Row, i: usize, what: &str) -> rusqlite::Result<T> {
    let s: String = r.get(i)?;
    s.parse().map_err(|_| conversion(i, what))
}

fn opt_date(r: &Row, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
    match r.get::<_, Option<String>>(i)? {
        Some(s) => NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| conversion(i, "date")),
        None => Ok(None),
    }
}

/// The SQL for a user's shown name (full name, else user name) from an id
/// column.
/// Ids as one JSON array, bound to a statement's `json_each(?)` so that a
/// list of any length is one statement.
pub(crate) fn json_ids(ids: &[crate::domain::ids::Id]) -> String {
    serde_json::Value::from(ids.iter().map(|i| i.as_str()).collect::<Vec<_>>()).to_string()
}

pub(crate) fn who(column: &str) -> String {
    format!(
        "(SELECT CASE WHEN full_name <> '' THEN full_name ELSE user_name END FROM users WHERE id = {column})"
    )
}

/// A record marked entered in error: when, by whom, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorMark {
    pub at: DateTime<Utc>,
    pub by: String,
    pub reason: String,
}

/// Reads the three error columns starting at `i` (at, by's name, reason).
fn error_mark(r: &Row, i: usize) -> rusqlite::Result<Option<ErrorMark>> {
    Ok(match opt_ts(r, i)? {
        Some(at) => Some(ErrorMark {
            at,
            by: r.get::<_, Option<String>>(i + 1)?.unwrap_or_default(),
            reason: r.get::<_, Option<String>>(i + 2)?.unwrap_or_default(),
        }),
        None => None,
    })
}

/// The tables whose rows may be marked entered in error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marked {
    Vitals,
    Diagnosis,
    Allergy,
    Problem,
}

impl Marked {
    fn table(self) -> &'static str {
        match self {
            Marked::Vitals => "vitals",
            Marked::Diagnosis => "diagnoses",
            Marked::Allergy => "allergies",
            Marked::Problem => "problems",
        }
    }
}

/// Marks a row entered in error; `false` when it was already marked (or
/// is not there).
pub fn mark_error(
    tx: &rusqlite::Transaction,
    what: Marked,
    id: &crate::domain::ids::Id,
    by: &crate::domain::ids::Id,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, super::StoreError> {
    let n = tx.execute(
        &format!(
            "UPDATE {} SET error_at = ?2, error_by = ?3, error_reason = ?4
             WHERE id = ?1 AND error_at IS NULL",
            what.table()
        ),
        rusqlite::params![
            id.as_str(),
            crate::domain::time::format_ts(now),
            by.as_str(),
            reason
        ],
    )?;
    Ok(n == 1)
}
