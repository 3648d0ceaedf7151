//! Reads for writing prescriptions in bulk (the bench hospital's medicines
//! layer): the consultations of a span of time, the first ward round of
//! each open admission, and the counts of what was written. The rows
//! themselves go in through `store::prescriptions` and `store::pharmacy`,
//! so that every trigger of the schema checks them.

use super::StoreError;
use crate::domain::ids::Id;
use crate::domain::time::{format_ts, parse_ts};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, Row, params};

/// A visit that a prescription can be written in: whose, by whom, when,
/// and the patient's date of birth (the child's dose).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitRow {
    pub id: Id,
    pub patient_id: Id,
    pub clinician_id: Id,
    pub started_at: DateTime<Utc>,
    pub birth_date: NaiveDate,
    /// The admission of a ward round.
    pub admission_id: Option<Id>,
}

fn visit_row(r: &Row) -> rusqlite::Result<VisitRow> {
    let conversion = |i: usize, what: &str| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            what.to_string().into(),
        )
    };
    let started: String = r.get(3)?;
    let born: String = r.get(4)?;
    Ok(VisitRow {
        id: Id::from_stored(r.get(0)?),
        patient_id: Id::from_stored(r.get(1)?),
        clinician_id: Id::from_stored(r.get(2)?),
        started_at: parse_ts(&started).ok_or_else(|| conversion(3, "time"))?,
        birth_date: NaiveDate::parse_from_str(&born, "%Y-%m-%d")
            .map_err(|_| conversion(4, "date of birth"))?,
        admission_id: r.get::<_, Option<String>>(5)?.map(Id::from_stored),
    })
}

const VISIT_COLUMNS: &str =
    "v.id, v.patient_id, v.clinician_id, v.started_at, p.birth_date, v.admission_id";

/// The consultations (outpatient, walk-in, antenatal) started in
/// `[from, to)`, oldest first.
pub fn consultations_between(
    conn: &Connection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<VisitRow>, StoreError> {
    let sql = format!(
        "SELECT {VISIT_COLUMNS} FROM visits v JOIN patients p ON p.id = v.patient_id
         WHERE v.kind IN ('outpatient', 'walk_in', 'antenatal')
           AND v.started_at >= ?1 AND v.started_at < ?2
         ORDER BY v.started_at, v.id"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![format_ts(from), format_ts(to)], visit_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The first ward round of each open admission, by admission time.
pub fn first_rounds_of_open_admissions(conn: &Connection) -> Result<Vec<VisitRow>, StoreError> {
    let sql = format!(
        "SELECT {VISIT_COLUMNS} FROM admissions a
         JOIN visits v ON v.id = (SELECT w.id FROM visits w
                                  WHERE w.admission_id = a.id AND w.kind = 'ward_round'
                                  ORDER BY w.started_at, w.id LIMIT 1)
         JOIN patients p ON p.id = a.patient_id
         WHERE a.discharged_at IS NULL
         ORDER BY a.admitted_at, a.id"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], visit_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The visits a clinician started in `[from, to)`, oldest first.
pub fn visits_of_clinician(
    conn: &Connection,
    clinician: &Id,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<VisitRow>, StoreError> {
    let sql = format!(
        "SELECT {VISIT_COLUMNS} FROM visits v JOIN patients p ON p.id = v.patient_id
         WHERE v.clinician_id = ?1 AND v.started_at >= ?2 AND v.started_at < ?3
         ORDER BY v.started_at, v.id"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(
        params![clinician.as_str(), format_ts(from), format_ts(to)],
        visit_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What the medicines of a hospital add up to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub prescriptions: i64,
    /// Active orders of open admissions.
    pub inpatient_orders: i64,
    /// Active prescriptions of formulary items still owed something.
    pub waiting: i64,
    /// Of those, the ones partly dispensed.
    pub partly_dispensed: i64,
    pub dispenses: i64,
    pub administrations: i64,
}

/// Counts the prescriptions, the queue, the dispenses and the MAR.
pub fn counts(conn: &Connection) -> Result<Counts, StoreError> {
    Ok(conn.query_row(
        "SELECT (SELECT count(*) FROM prescriptions),
                (SELECT count(*) FROM prescriptions p JOIN admissions a ON a.id = p.admission_id
                 WHERE p.status = 'active' AND a.discharged_at IS NULL),
                (SELECT count(*) FROM prescriptions WHERE status = 'active' AND dispensed < quantity),
                (SELECT count(*) FROM prescriptions
                 WHERE status = 'active' AND dispensed < quantity AND dispensed > 0),
                (SELECT count(*) FROM prescription_dispenses),
                (SELECT count(*) FROM medication_administrations)",
        [],
        |r| {
            Ok(Counts {
                prescriptions: r.get(0)?,
                inpatient_orders: r.get(1)?,
                waiting: r.get(2)?,
                partly_dispensed: r.get(3)?,
                dispenses: r.get(4)?,
                administrations: r.get(5)?,
            })
        },
    )?)
}
