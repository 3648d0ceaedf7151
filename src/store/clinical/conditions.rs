//! Diagnoses, allergies, "no known allergies" and problems in SQL.

use super::{ErrorMark, error_mark, opt_date, parsed, ts, who};
use crate::domain::conditions::{Certainty, Coded, Rank, Severity};
use crate::domain::ids::Id;
use crate::domain::time::format_ts;
use crate::store::StoreError;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A coded diagnosis of a visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    pub id: Id,
    pub visit_id: Id,
    pub patient_id: Id,
    pub coded: Coded,
    pub rank: Rank,
    pub certainty: Certainty,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    pub error: Option<ErrorMark>,
}

fn diagnosis(r: &Row) -> rusqlite::Result<Diagnosis> {
    Ok(Diagnosis {
        id: Id::from_stored(r.get(0)?),
        visit_id: Id::from_stored(r.get(1)?),
        patient_id: Id::from_stored(r.get(2)?),
        coded: Coded {
            system: r.get(3)?,
            code: r.get(4)?,
            text: r.get(5)?,
        },
        rank: parsed(r, 6, "rank")?,
        certainty: parsed(r, 7, "certainty")?,
        recorded_by: r.get::<_, Option<String>>(8)?.unwrap_or_default(),
        recorded_at: ts(r, 9)?,
        error: error_mark(r, 10)?,
    })
}

fn diagnoses_where(
    conn: &Connection,
    tail: &str,
    p: impl rusqlite::Params,
) -> Result<Vec<Diagnosis>, StoreError> {
    let sql = format!(
        "SELECT id, visit_id, patient_id, code_system, code, text, rank, certainty, {}, recorded_at,
                error_at, {}, error_reason FROM diagnoses {tail}",
        who("recorded_by"),
        who("error_by")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(p, diagnosis)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Records a diagnosis of a visit.
#[allow(clippy::too_many_arguments)]
pub fn insert_diagnosis(
    tx: &Transaction,
    visit: &Id,
    patient: &Id,
    coded: &Coded,
    rank: Rank,
    certainty: Certainty,
    by: &Id,
    now: DateTime<Utc>,
) -> Result<Id, StoreError> {
    let id = Id::new();
    tx.execute(
        "INSERT INTO diagnoses (id, visit_id, patient_id, code_system, code, text, rank, certainty,
                                recorded_by, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            id.as_str(),
            visit.as_str(),
            patient.as_str(),
            coded.system,
            coded.code,
            coded.text,
            rank.to_string(),
            certainty.to_string(),
            by.as_str(),
            format_ts(now),
        ],
    )?;
    Ok(id)
}

/// One diagnosis.
pub fn diagnosis_by_id(conn: &Connection, id: &Id) -> Result<Option<Diagnosis>, StoreError> {
    Ok(diagnoses_where(conn, "WHERE id = ?1", [id.as_str()])?
        .into_iter()
        .next())
}

/// A patient's diagnoses, newest first (those in error included).
pub fn diagnoses_of(conn: &Connection, patient: &Id) -> Result<Vec<Diagnosis>, StoreError> {
    diagnoses_where(
        conn,
        "WHERE patient_id = ?1 ORDER BY recorded_at DESC, id DESC",
        [patient.as_str()],
    )
}

/// The diagnoses of some visits, newest first (as [`diagnoses_of`]).
pub fn diagnoses_of_visits(conn: &Connection, visits: &[Id]) -> Result<Vec<Diagnosis>, StoreError> {
    diagnoses_where(
        conn,
        "WHERE visit_id IN (SELECT value FROM json_each(?1))
         ORDER BY recorded_at DESC, id DESC",
        [super::json_ids(visits)],
    )
}

/// A patient's latest `limit` standing diagnoses, newest first.
pub fn standing_diagnoses(
    conn: &Connection,
    patient: &Id,
    limit: usize,
) -> Result<Vec<Diagnosis>, StoreError> {
    diagnoses_where(
        conn,
        "WHERE patient_id = ?1 AND error_at IS NULL ORDER BY recorded_at DESC, id DESC LIMIT ?2",
        params![patient.as_str(), limit as i64],
    )
}

/// A visit's diagnoses, primary first.
pub fn diagnoses_of_visit(conn: &Connection, visit: &Id) -> Result<Vec<Diagnosis>, StoreError> {
    diagnoses_where(
        conn,
        "WHERE visit_id = ?1 ORDER BY rank = 'secondary', recorded_at",
        [visit.as_str()],
    )
}

/// Whether a patient has a standing diagnosis recorded in `[from, to)`.
pub fn diagnosed_between(
    conn: &Connection,
    patient: &Id,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM diagnoses WHERE patient_id = ?1 AND recorded_at >= ?2
                            AND recorded_at < ?3 AND error_at IS NULL)",
        )?
        .query_row(
            params![patient.as_str(), format_ts(from), format_ts(to)],
            |r| r.get(0),
        )?)
}

/// A patient's allergy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allergy {
    pub id: Id,
    pub patient_id: Id,
    pub substance: String,
    pub reaction: String,
    pub severity: Severity,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    pub error: Option<ErrorMark>,
}

fn allergies_where(
    conn: &Connection,
    tail: &str,
    p: impl rusqlite::Params,
) -> Result<Vec<Allergy>, StoreError> {
    let sql = format!(
        "SELECT id, patient_id, substance, reaction, severity, {}, recorded_at, error_at, {},
                error_reason FROM allergies {tail}",
        who("recorded_by"),
        who("error_by")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(p, |r| {
        Ok(Allergy {
            id: Id::from_stored(r.get(0)?),
            patient_id: Id::from_stored(r.get(1)?),
            substance: r.get(2)?,
            reaction: r.get(3)?,
            severity: parsed(r, 4, "severity")?,
            recorded_by: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
            recorded_at: ts(r, 6)?,
            error: error_mark(r, 7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Records an allergy.
pub fn insert_allergy(
    tx: &Transaction,
    patient: &Id,
    substance: &str,
    reaction: &str,
    severity: Severity,
    by: &Id,
    now: DateTime<Utc>,
) -> Result<Id, StoreError> {
    let id = Id::new();
    tx.execute(
        "INSERT INTO allergies (id, patient_id, substance, reaction, severity, recorded_by, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            id.as_str(),
            patient.as_str(),
            substance,
            reaction,
            severity.to_string(),
            by.as_str(),
            format_ts(now)
        ],
    )?;
    Ok(id)
}

/// One allergy.
pub fn allergy_by_id(conn: &Connection, id: &Id) -> Result<Option<Allergy>, StoreError> {
    Ok(allergies_where(conn, "WHERE id = ?1", [id.as_str()])?
        .into_iter()
        .next())
}

/// A patient's allergies, most severe first (those in error included, last).
pub fn allergies_of(conn: &Connection, patient: &Id) -> Result<Vec<Allergy>, StoreError> {
    allergies_where(
        conn,
        "WHERE patient_id = ?1
         ORDER BY error_at IS NOT NULL, CASE severity WHEN 'severe' THEN 0 WHEN 'moderate' THEN 1 ELSE 2 END,
                  recorded_at",
        [patient.as_str()],
    )
}

/// Records "no known allergies".
pub fn insert_no_known(
    tx: &Transaction,
    patient: &Id,
    by: &Id,
    now: DateTime<Utc>,
) -> Result<Id, StoreError> {
    let id = Id::new();
    tx.execute(
        "INSERT INTO no_known_allergies (id, patient_id, recorded_by, recorded_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![id.as_str(), patient.as_str(), by.as_str(), format_ts(now)],
    )?;
    Ok(id)
}

/// The latest "no known allergies": who said so, when.
pub fn latest_no_known(
    conn: &Connection,
    patient: &Id,
) -> Result<Option<(String, DateTime<Utc>)>, StoreError> {
    let sql = format!(
        "SELECT {}, recorded_at FROM no_known_allergies WHERE patient_id = ?1
         ORDER BY recorded_at DESC LIMIT 1",
        who("recorded_by")
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([patient.as_str()], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                ts(r, 1)?,
            ))
        })
        .optional()?)
}

/// An entry of the problem list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub id: Id,
    pub patient_id: Id,
    pub coded: Coded,
    pub onset: Option<NaiveDate>,
    pub resolved_on: Option<NaiveDate>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    pub error: Option<ErrorMark>,
}

fn problems_where(
    conn: &Connection,
    tail: &str,
    p: impl rusqlite::Params,
) -> Result<Vec<Problem>, StoreError> {
    let sql = format!(
        "SELECT id, patient_id, code_system, code, text, onset, resolved_on, {}, recorded_at,
                error_at, {}, error_reason FROM problems {tail}",
        who("recorded_by"),
        who("error_by")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(p, |r| {
        Ok(Problem {
            id: Id::from_stored(r.get(0)?),
            patient_id: Id::from_stored(r.get(1)?),
            coded: Coded {
                system: r.get(2)?,
                code: r.get(3)?,
                text: r.get(4)?,
            },
            onset: opt_date(r, 5)?,
            resolved_on: opt_date(r, 6)?,
            recorded_by: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
            recorded_at: ts(r, 8)?,
            error: error_mark(r, 9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Adds a problem.
pub fn insert_problem(
    tx: &Transaction,
    patient: &Id,
    coded: &Coded,
    onset: Option<NaiveDate>,
    by: &Id,
    now: DateTime<Utc>,
) -> Result<Id, StoreError> {
    let id = Id::new();
    tx.execute(
        "INSERT INTO problems (id, patient_id, code_system, code, text, onset, recorded_by, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            id.as_str(),
            patient.as_str(),
            coded.system,
            coded.code,
            coded.text,
            onset.map(date_text),
            by.as_str(),
            format_ts(now)
        ],
    )?;
    Ok(id)
}

/// One problem.
pub fn problem_by_id(conn: &Connection, id: &Id) -> Result<Option<Problem>, StoreError> {
    Ok(problems_where(conn, "WHERE id = ?1", [id.as_str()])?
        .into_iter()
        .next())
}

/// A patient's problems: unresolved first, then by onset.
pub fn problems_of(conn: &Connection, patient: &Id) -> Result<Vec<Problem>, StoreError> {
    problems_where(
        conn,
        "WHERE patient_id = ?1 ORDER BY error_at IS NOT NULL, resolved_on IS NOT NULL, onset, recorded_at",
        [patient.as_str()],
    )
}

/// Resolves a problem; `false` when it was resolved already.
pub fn resolve_problem(
    tx: &Transaction,
    id: &Id,
    on: NaiveDate,
    by: &Id,
) -> Result<bool, StoreError> {
    let n = tx.execute(
        "UPDATE problems SET resolved_on = ?2, resolved_by = ?3 WHERE id = ?1 AND resolved_on IS NULL",
        params![id.as_str(), date_text(on), by.as_str()],
    )?;
    Ok(n == 1)
}
