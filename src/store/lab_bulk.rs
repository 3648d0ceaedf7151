//! Writing laboratory orders in bulk (the bench hospital's laboratory
//! layer): the visits to order from, and each step of an order's life as
//! its own row change, so that every trigger of migration 16 checks every
//! row: an order inserted waiting
//! for collection, its tests, then collected, its results entered,
//! verified by a second technician, acknowledged when critical; or
//! rejected, or cancelled. And the bench's own reads of what it wrote:
//! a patient's latest order and results by date, as the record lists
//! them.

use super::StoreError;
use crate::domain::ids::Id;
use crate::domain::time::{format_ts, parse_ts};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

/// A visit a lab order can be made from: whose (sex and birth date, for
/// the reference range), by whom, when, and its admission for a ward
/// round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabVisit {
    pub id: Id,
    pub patient_id: Id,
    pub clinician_id: Id,
    pub started_at: DateTime<Utc>,
    pub birth_date: NaiveDate,
    pub sex: String,
    pub admission_id: Option<Id>,
}

fn lab_visit(r: &Row) -> rusqlite::Result<LabVisit> {
    let conversion = |i: usize, what: &str| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            what.to_string().into(),
        )
    };
    let started: String = r.get(3)?;
    let born: String = r.get(4)?;
    Ok(LabVisit {
        id: Id::from_stored(r.get(0)?),
        patient_id: Id::from_stored(r.get(1)?),
        clinician_id: Id::from_stored(r.get(2)?),
        started_at: parse_ts(&started).ok_or_else(|| conversion(3, "time"))?,
        birth_date: NaiveDate::parse_from_str(&born, "%Y-%m-%d")
            .map_err(|_| conversion(4, "date of birth"))?,
        sex: r.get(5)?,
        admission_id: r.get::<_, Option<String>>(6)?.map(Id::from_stored),
    })
}

/// The doctors' visits (consultations, walk-ins, antenatal visits and
/// ward rounds) started before `before`: each one's row number and start,
/// in no order (the file has no index by start; sort them in memory and
/// read each with [`visit`]).
pub fn visit_starts(
    conn: &Connection,
    before: DateTime<Utc>,
) -> Result<Vec<(i64, DateTime<Utc>)>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT rowid, started_at FROM visits
         WHERE kind IN ('outpatient', 'walk_in', 'antenatal', 'ward_round') AND started_at < ?1",
    )?;
    let mut rows = stmt.query([format_ts(before)])?;
    let mut found = Vec::new();
    while let Some(r) = rows.next()? {
        let at: String = r.get(1)?;
        if let Some(t) = parse_ts(&at) {
            found.push((r.get(0)?, t));
        }
    }
    Ok(found)
}

/// The visit with this row number.
pub fn visit(conn: &Connection, rowid: i64) -> Result<LabVisit, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT v.id, v.patient_id, v.clinician_id, v.started_at, p.birth_date, p.sex,
                v.admission_id
         FROM visits v JOIN patients p ON p.id = v.patient_id
         WHERE v.rowid = ?1",
    )?;
    Ok(stmt.query_row([rowid], lab_visit)?)
}

/// The accession number after the hospital's last.
pub fn next_accession(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row(
        "SELECT coalesce(max(accession), 0) + 1 FROM lab_orders",
        [],
        |r| r.get(0),
    )?)
}

/// An order as it is made: waiting for collection.
pub struct NewOrder<'a> {
    pub id: &'a Id,
    pub accession: i64,
    pub patient: &'a Id,
    pub visit: &'a Id,
    pub admission: Option<&'a Id>,
    pub ordered_by: &'a Id,
    pub ordered_at: DateTime<Utc>,
    /// `routine`, `urgent` or `stat`.
    pub priority: &'a str,
    pub specimen: &'a str,
    pub clinical_notes: &'a str,
    /// The tests, in the order they were asked for.
    pub tests: &'a [&'a Id],
}

/// Inserts an order and its tests.
pub fn insert_order(tx: &Transaction, o: &NewOrder) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO lab_orders (id, accession, patient_id, visit_id, admission_id, ordered_by,
                                 ordered_at, priority, specimen, clinical_notes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        o.id.as_str(),
        o.accession,
        o.patient.as_str(),
        o.visit.as_str(),
        o.admission.map(Id::as_str),
        o.ordered_by.as_str(),
        format_ts(o.ordered_at),
        o.priority,
        o.specimen,
        o.clinical_notes,
    ])?;
    let mut stmt = tx.prepare_cached(
        "INSERT INTO lab_order_tests (order_id, test_id, position) VALUES (?1, ?2, ?3)",
    )?;
    for (i, t) in o.tests.iter().enumerate() {
        stmt.execute(params![o.id.as_str(), t.as_str(), i as i64])?;
    }
    Ok(())
}

/// Moves an order one step: to `status`, its version raised, stamping
/// the collection, the verification or the end where given.
pub struct Step<'a> {
    pub status: &'a str,
    pub collected: Option<(&'a Id, DateTime<Utc>)>,
    pub verified_at: Option<DateTime<Utc>>,
    pub ended: Option<(&'a Id, DateTime<Utc>)>,
    pub reject_reason: Option<&'a str>,
    pub end_note: Option<&'a str>,
}

/// Writes a step of an order's progress.
pub fn step(tx: &Transaction, order: &Id, s: &Step) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE lab_orders SET status = ?2,
                collected_by = coalesce(collected_by, ?3),
                collected_at = coalesce(collected_at, ?4),
                verified_at = coalesce(verified_at, ?5),
                ended_by = ?6, ended_at = ?7, reject_reason = ?8, end_note = ?9,
                version = version + 1
         WHERE id = ?1",
    )?
    .execute(params![
        order.as_str(),
        s.status,
        s.collected.map(|c| c.0.as_str()),
        s.collected.map(|c| format_ts(c.1)),
        s.verified_at.map(format_ts),
        s.ended.map(|e| e.0.as_str()),
        s.ended.map(|e| format_ts(e.1)),
        s.reject_reason,
        s.end_note,
    ])?;
    Ok(())
}

/// A result as the lab entered it.
pub struct NewResult<'a> {
    pub order: &'a Id,
    pub patient: &'a Id,
    pub analyte: &'a Id,
    pub value: &'a str,
    pub number: Option<f64>,
    /// `''`, `L`, `H`, `LL`, `HH` or `A`.
    pub flag: &'a str,
    pub range: (Option<f64>, Option<f64>),
    pub entered_by: &'a Id,
    pub entered_at: DateTime<Utc>,
}

/// Inserts an unverified result; returns its id.
pub fn insert_result(tx: &Transaction, r: &NewResult) -> Result<Id, StoreError> {
    let id = Id::new();
    tx.prepare_cached(
        "INSERT INTO lab_results (id, order_id, patient_id, analyte_id, value, value_number, flag,
                                  range_low, range_high, entered_by, entered_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        id.as_str(),
        r.order.as_str(),
        r.patient.as_str(),
        r.analyte.as_str(),
        r.value,
        r.number,
        r.flag,
        r.range.0,
        r.range.1,
        r.entered_by.as_str(),
        format_ts(r.entered_at),
    ])?;
    Ok(id)
}

/// Verifies every unverified result of an order, by a second technician.
pub fn verify_results(
    tx: &Transaction,
    order: &Id,
    by: &Id,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE lab_results SET verified_by = ?2, verified_at = ?3
         WHERE order_id = ?1 AND verified_at IS NULL",
    )?
    .execute(params![order.as_str(), by.as_str(), format_ts(at)])?;
    Ok(())
}

/// Records a clinician's acknowledgement of a verified critical result.
pub fn acknowledge(
    tx: &Transaction,
    result: &Id,
    by: &Id,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE lab_results SET acknowledged_by = ?2, acknowledged_at = ?3 WHERE id = ?1",
    )?
    .execute(params![result.as_str(), by.as_str(), format_ts(at)])?;
    Ok(())
}

/// The patient's latest lab order.
pub fn latest_order_of(conn: &Connection, patient: &Id) -> Result<Option<Id>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT id FROM lab_orders WHERE patient_id = ?1 ORDER BY ordered_at DESC LIMIT 1",
            [patient.as_str()],
            |r| r.get::<_, String>(0),
        )
        .optional()?
        .map(Id::from_stored))
}

/// What the laboratory of a hospital adds up to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub orders: i64,
    pub results: i64,
    /// Orders not yet verified, rejected or cancelled.
    pub open: i64,
    pub rejected: i64,
    pub critical: i64,
    /// Critical results no clinician has acknowledged yet.
    pub unacknowledged: i64,
}

/// Counts the orders, results, open work and critical values.
pub fn counts(conn: &Connection) -> Result<Counts, StoreError> {
    Ok(conn.query_row(
        "SELECT (SELECT count(*) FROM lab_orders),
                (SELECT count(*) FROM lab_results),
                (SELECT count(*) FROM lab_orders
                 WHERE status IN ('ordered', 'collected', 'in_progress', 'resulted')),
                (SELECT count(*) FROM lab_orders WHERE status = 'rejected'),
                (SELECT count(*) FROM lab_results WHERE flag IN ('LL', 'HH')),
                (SELECT count(*) FROM lab_results
                 WHERE flag IN ('LL', 'HH') AND acknowledged_at IS NULL)",
        [],
        |r| {
            Ok(Counts {
                orders: r.get(0)?,
                results: r.get(1)?,
                open: r.get(2)?,
                rejected: r.get(3)?,
                critical: r.get(4)?,
                unacknowledged: r.get(5)?,
            })
        },
    )?)
}
