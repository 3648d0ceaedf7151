//! The laboratory as the clinician's record shows it (SQL only): a
//! patient's orders newest first with their tests' analytes and results,
//! an analyte's verified values over time, the open critical results and
//! the rejected specimens of a clinician's orders. Every statement reads by
//! an index (`lab_orders_patient`, `lab_results_order`,
//! `lab_results_patient`, `lab_results_critical_open`,
//! `lab_orders_rejected`): the file may hold millions of results.

use super::StoreError;
use crate::domain::ids::Id;
use crate::domain::lab::accession::Accession;
use crate::domain::patient::full_name;
use crate::domain::time::format_ts;
use crate::store::clinical::{json_ids, opt_ts, ts};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, Row, params};
use std::collections::HashMap;

fn accession(r: &Row, i: usize) -> rusqlite::Result<Accession> {
    Ok(Accession(r.get::<_, i64>(i)?.unsigned_abs()))
}

/// A patient's order as the record lists it (its progress as stored).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordOrder {
    pub id: Id,
    pub accession: Accession,
    pub ordered_at: DateTime<Utc>,
    pub ordered_by: String,
    /// As stored: `routine`, `urgent` or `stat`.
    pub priority: String,
    pub specimen: String,
    /// As stored: `ordered`, `collected`, … `rejected`, `cancelled`.
    pub status: String,
    pub collected_at: Option<DateTime<Utc>>,
    pub verified_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub reject_reason: Option<String>,
    pub end_note: Option<String>,
}

/// The latest `limit` orders of a patient, newest first (by
/// `lab_orders_patient`).
pub fn orders_of(
    conn: &Connection,
    patient: &Id,
    limit: usize,
) -> Result<Vec<RecordOrder>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.id, o.accession, o.ordered_at, u.full_name, o.priority, o.specimen, o.status,
                o.collected_at, o.verified_at, o.ended_at, o.reject_reason, o.end_note
         FROM lab_orders o JOIN users u ON u.id = o.ordered_by
         WHERE o.patient_id = ?1
         ORDER BY o.ordered_at DESC, o.accession DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![patient.as_str(), limit as i64], |r| {
        Ok(RecordOrder {
            id: Id::from_stored(r.get(0)?),
            accession: accession(r, 1)?,
            ordered_at: ts(r, 2)?,
            ordered_by: r.get(3)?,
            priority: r.get(4)?,
            specimen: r.get(5)?,
            status: r.get(6)?,
            collected_at: opt_ts(r, 7)?,
            verified_at: opt_ts(r, 8)?,
            ended_at: opt_ts(r, 9)?,
            reject_reason: r.get(10)?,
            end_note: r.get(11)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One analyte an order asks for, through one of its tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderedAnalyte {
    pub test_code: String,
    pub test_name: String,
    pub analyte_id: Id,
    pub code: String,
    pub name: String,
    pub unit: Option<String>,
    /// A number (so it has a trend).
    pub numeric: bool,
}

/// The analytes each order's tests ask for, in the order's and the tests'
/// order (by the primary keys of the order's tests and the analytes): one
/// statement for a page of orders.
pub fn analytes_of(
    conn: &Connection,
    orders: &[Id],
) -> Result<HashMap<Id, Vec<OrderedAnalyte>>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.order_id, lt.code, lt.name, a.id, a.code, a.name, a.unit, a.result_type
         FROM lab_order_tests t JOIN lab_tests lt ON lt.id = t.test_id
              JOIN lab_analytes a ON a.test_id = t.test_id AND a.active = 1
         WHERE t.order_id IN (SELECT value FROM json_each(?1))
         ORDER BY t.order_id, t.position, a.position",
    )?;
    let rows = stmt.query_map([json_ids(orders)], |r| {
        Ok((
            Id::from_stored(r.get(0)?),
            OrderedAnalyte {
                test_code: r.get(1)?,
                test_name: r.get(2)?,
                analyte_id: Id::from_stored(r.get(3)?),
                code: r.get(4)?,
                name: r.get(5)?,
                unit: r.get(6)?,
                numeric: r.get::<_, String>(7)? == "number",
            },
        ))
    })?;
    let mut by_order: HashMap<Id, Vec<OrderedAnalyte>> = HashMap::new();
    for row in rows {
        let (order, analyte) = row?;
        by_order.entry(order).or_default().push(analyte);
    }
    Ok(by_order)
}

/// A result row of an order, verified or not (the ops decide who sees it).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredResult {
    pub id: Id,
    pub analyte_id: Id,
    pub value: String,
    pub number: Option<f64>,
    /// The stored letters: '', L, H, LL, HH, A.
    pub flag: String,
    pub range_low: Option<f64>,
    pub range_high: Option<f64>,
    pub entered_at: DateTime<Utc>,
    pub verified_at: Option<DateTime<Utc>>,
    pub corrects_id: Option<Id>,
    pub correction_reason: Option<String>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<String>,
}

/// Every result row of each order, oldest entry first (by
/// `lab_results_order`): one statement for a page of orders.
pub fn results_of_orders(
    conn: &Connection,
    orders: &[Id],
) -> Result<HashMap<Id, Vec<StoredResult>>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.order_id, r.id, r.analyte_id, r.value, r.value_number, r.flag, r.range_low,
                r.range_high, r.entered_at, r.verified_at, r.corrects_id, r.correction_reason,
                r.acknowledged_at, u.full_name
         FROM lab_results r LEFT JOIN users u ON u.id = r.acknowledged_by
         WHERE r.order_id IN (SELECT value FROM json_each(?1))
         ORDER BY r.order_id, r.entered_at, r.id",
    )?;
    let rows = stmt.query_map([json_ids(orders)], |r| {
        Ok((
            Id::from_stored(r.get(0)?),
            StoredResult {
                id: Id::from_stored(r.get(1)?),
                analyte_id: Id::from_stored(r.get(2)?),
                value: r.get(3)?,
                number: r.get(4)?,
                flag: r.get(5)?,
                range_low: r.get(6)?,
                range_high: r.get(7)?,
                entered_at: ts(r, 8)?,
                verified_at: opt_ts(r, 9)?,
                corrects_id: r.get::<_, Option<String>>(10)?.map(Id::from_stored),
                correction_reason: r.get(11)?,
                acknowledged_at: opt_ts(r, 12)?,
                acknowledged_by: r.get(13)?,
            },
        ))
    })?;
    let mut by_order: HashMap<Id, Vec<StoredResult>> = HashMap::new();
    for row in rows {
        let (order, result) = row?;
        by_order.entry(order).or_default().push(result);
    }
    Ok(by_order)
}

/// An analyte's code, name and unit (by its primary key).
pub fn analyte(
    conn: &Connection,
    id: &Id,
) -> Result<Option<(String, String, Option<String>)>, StoreError> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached("SELECT code, name, unit FROM lab_analytes WHERE id = ?1")?
        .query_row([id.as_str()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?)
}

/// One verified value of an analyte's trend.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendPoint {
    pub result_id: Id,
    /// When the specimen was collected (the time the value describes).
    pub collected_at: DateTime<Utc>,
    pub value: String,
    pub number: Option<f64>,
    pub flag: String,
    pub range_low: Option<f64>,
    pub range_high: Option<f64>,
}

/// The patient's verified values of an analyte that no verified
/// correction replaced, oldest collection first (by `lab_results_patient`).
pub fn trend(conn: &Connection, patient: &Id, analyte: &Id) -> Result<Vec<TrendPoint>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, o.collected_at, r.value, r.value_number, r.flag, r.range_low, r.range_high
         FROM lab_results r JOIN lab_orders o ON o.id = r.order_id
         WHERE r.patient_id = ?1 AND r.analyte_id = ?2 AND r.verified_at IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM lab_results c
                           WHERE c.corrects_id = r.id AND c.verified_at IS NOT NULL)
         ORDER BY o.collected_at, r.verified_at",
    )?;
    let rows = stmt.query_map(params![patient.as_str(), analyte.as_str()], |r| {
        Ok(TrendPoint {
            result_id: Id::from_stored(r.get(0)?),
            collected_at: ts(r, 1)?,
            value: r.get(2)?,
            number: r.get(3)?,
            flag: r.get(4)?,
            range_low: r.get(5)?,
            range_high: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A verified critical result no clinician has acknowledged and no
/// correction replaced.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenCritical {
    pub result_id: Id,
    pub patient_id: Id,
    pub mrn: String,
    pub name: String,
    pub analyte_code: String,
    pub analyte_name: String,
    pub unit: Option<String>,
    pub value: String,
    /// LL or HH.
    pub flag: String,
    pub verified_at: DateTime<Utc>,
    pub accession: Accession,
    pub ordered_by: Id,
}

/// The open critical results of orders `clinician` placed or of
/// `patients`, the latest verified first. Reads the partial index
/// `lab_results_critical_open` (only the open criticals are in it).
pub fn open_criticals(
    conn: &Connection,
    clinician: &Id,
    patients: &[Id],
) -> Result<Vec<OpenCritical>, StoreError> {
    let list = json_ids(patients);
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, r.patient_id, p.mrn, p.given_name, p.middle_name, p.family_name,
                a.code, a.name, a.unit, r.value, r.flag, r.verified_at, o.accession, o.ordered_by
         FROM lab_results r INDEXED BY lab_results_critical_open
              JOIN lab_orders o ON o.id = r.order_id
              JOIN lab_analytes a ON a.id = r.analyte_id
              JOIN patients p ON p.id = r.patient_id
         WHERE r.flag IN ('LL', 'HH') AND r.acknowledged_at IS NULL
           AND r.verified_at IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM lab_results c WHERE c.corrects_id = r.id)
           AND (o.ordered_by = ?1 OR r.patient_id IN (SELECT value FROM json_each(?2)))
         ORDER BY r.verified_at DESC, r.id",
    )?;
    let rows = stmt.query_map(params![clinician.as_str(), list], |r| {
        Ok(OpenCritical {
            result_id: Id::from_stored(r.get(0)?),
            patient_id: Id::from_stored(r.get(1)?),
            mrn: r.get(2)?,
            name: full_name(
                &r.get::<_, String>(3)?,
                &r.get::<_, String>(4)?,
                &r.get::<_, String>(5)?,
            ),
            analyte_code: r.get(6)?,
            analyte_name: r.get(7)?,
            unit: r.get(8)?,
            value: r.get(9)?,
            flag: r.get(10)?,
            verified_at: ts(r, 11)?,
            accession: accession(r, 12)?,
            ordered_by: Id::from_stored(r.get(13)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many open critical results `patient` has (a seek of
/// `lab_results_critical_open`).
pub fn critical_count(conn: &Connection, patient: &Id) -> Result<usize, StoreError> {
    let n: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM lab_results r INDEXED BY lab_results_critical_open
             WHERE r.patient_id = ?1 AND r.flag IN ('LL', 'HH') AND r.acknowledged_at IS NULL
               AND r.verified_at IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM lab_results c WHERE c.corrects_id = r.id)",
        )?
        .query_row([patient.as_str()], |r| r.get(0))?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// A rejected specimen of a clinician's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedSpecimen {
    pub order_id: Id,
    pub accession: Accession,
    pub patient_id: Id,
    pub mrn: String,
    pub name: String,
    pub specimen: String,
    /// The tests' codes, in the order's order.
    pub tests: String,
    /// As stored: `haemolysed`, `insufficient`, ….
    pub reason: String,
    pub note: Option<String>,
    pub rejected_at: DateTime<Utc>,
}

/// The specimens of `clinician`'s orders rejected at or after `since`,
/// newest first (by `lab_orders_rejected`).
pub fn rejected_for(
    conn: &Connection,
    clinician: &Id,
    since: DateTime<Utc>,
) -> Result<Vec<RejectedSpecimen>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.id, o.accession, o.patient_id, p.mrn, p.given_name, p.middle_name,
                p.family_name, o.specimen,
                (SELECT group_concat(code, ', ') FROM
                    (SELECT lt.code FROM lab_order_tests t JOIN lab_tests lt ON lt.id = t.test_id
                     WHERE t.order_id = o.id ORDER BY t.position)),
                o.reject_reason, o.end_note, o.ended_at
         FROM lab_orders o INDEXED BY lab_orders_rejected
              JOIN patients p ON p.id = o.patient_id
         WHERE o.ordered_by = ?1 AND o.status = 'rejected' AND o.ended_at >= ?2
         ORDER BY o.ended_at DESC",
    )?;
    let rows = stmt.query_map(params![clinician.as_str(), format_ts(since)], |r| {
        Ok(RejectedSpecimen {
            order_id: Id::from_stored(r.get(0)?),
            accession: accession(r, 1)?,
            patient_id: Id::from_stored(r.get(2)?),
            mrn: r.get(3)?,
            name: full_name(
                &r.get::<_, String>(4)?,
                &r.get::<_, String>(5)?,
                &r.get::<_, String>(6)?,
            ),
            specimen: r.get(7)?,
            tests: r.get::<_, Option<String>>(8)?.unwrap_or_default(),
            reason: r.get::<_, Option<String>>(9)?.unwrap_or_default(),
            note: r.get(10)?,
            rejected_at: ts(r, 11)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_statement_reads_by_an_index() {
        let conn = crate::store::plans::shipped_schema();
        let cases = [
            (
                "SELECT o.id FROM lab_orders o JOIN users u ON u.id = o.ordered_by
                 WHERE o.patient_id = 'p' ORDER BY o.ordered_at DESC, o.accession DESC LIMIT 5",
                "lab_orders_patient",
            ),
            (
                "SELECT r.id FROM lab_results r LEFT JOIN users u ON u.id = r.acknowledged_by
                 WHERE r.order_id IN (SELECT value FROM json_each('[\"o\"]'))
                 ORDER BY r.order_id, r.entered_at, r.id",
                "lab_results_order",
            ),
            (
                "SELECT t.order_id FROM lab_order_tests t JOIN lab_tests lt ON lt.id = t.test_id
                      JOIN lab_analytes a ON a.test_id = t.test_id AND a.active = 1
                 WHERE t.order_id IN (SELECT value FROM json_each('[\"o\"]'))
                 ORDER BY t.order_id, t.position, a.position",
                "USING PRIMARY KEY (order_id=?)",
            ),
            (
                "SELECT r.id FROM lab_results r JOIN lab_orders o ON o.id = r.order_id
                 WHERE r.patient_id = 'p' AND r.analyte_id = 'a' AND r.verified_at IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM lab_results c
                                   WHERE c.corrects_id = r.id AND c.verified_at IS NOT NULL)
                 ORDER BY o.collected_at",
                "lab_results_patient",
            ),
            (
                "SELECT r.id FROM lab_results r INDEXED BY lab_results_critical_open
                      JOIN lab_orders o ON o.id = r.order_id
                 WHERE r.flag IN ('LL', 'HH') AND r.acknowledged_at IS NULL
                   AND r.verified_at IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM lab_results c WHERE c.corrects_id = r.id)
                   AND (o.ordered_by = 'u' OR r.patient_id IN (SELECT value FROM json_each('[]')))",
                "lab_results_critical_open",
            ),
            (
                "SELECT o.id FROM lab_orders o INDEXED BY lab_orders_rejected
                 WHERE o.ordered_by = 'u' AND o.status = 'rejected' AND o.ended_at >= 'x'",
                "lab_orders_rejected",
            ),
        ];
        crate::store::plans::assert_read_by_index(&conn, &cases);
    }
}
