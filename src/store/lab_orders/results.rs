//! Laboratory results in SQL (`lab_results`): entered per analyte,
//! re-entered until verified, verified once, corrected by a new row naming
//! the verified one, a critical one acknowledged once.

use crate::domain::ids::Id;
use crate::domain::time::format_ts;
use crate::store::StoreError;
use crate::store::clinical::{opt_ts, ts, who};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, Row, Transaction, params};

/// One version of a result of one analyte of an order.
#[derive(Debug, Clone, PartialEq)]
pub struct LabResult {
    pub id: Id,
    pub order_id: Id,
    pub analyte_id: Id,
    /// As typed (trimmed; a choice as the catalogue spells it).
    pub value: String,
    /// The number, for a number.
    pub number: Option<f64>,
    /// The flag's letters (`""`, `L`, `H`, `LL`, `HH`, `A`), against the
    /// range the patient had at collection.
    pub flag: String,
    pub range_low: Option<f64>,
    pub range_high: Option<f64>,
    pub entered_by: Id,
    pub entered_by_name: String,
    pub entered_at: DateTime<Utc>,
    pub verified_by: Option<Id>,
    pub verified_by_name: Option<String>,
    pub verified_at: Option<DateTime<Utc>>,
    /// Verified by the one who entered it, under `lab_self_verify`.
    pub self_verified: bool,
    /// The verified result this one corrects.
    pub corrects_id: Option<Id>,
    pub correction_reason: Option<String>,
    pub acknowledged_by: Option<Id>,
    pub acknowledged_by_name: Option<String>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// 1 for the first entry, one more for each correction (counted where
    /// an order's results are read together; 1 when read alone).
    pub version: u32,
}

impl LabResult {
    /// Whether the flag is critical (LL or HH).
    pub fn is_critical(&self) -> bool {
        matches!(self.flag.as_str(), "LL" | "HH")
    }

    /// Whether a second technician (or the same one, where allowed)
    /// verified it.
    pub fn is_verified(&self) -> bool {
        self.verified_at.is_some()
    }
}

fn result_columns() -> String {
    format!(
        "r.id, r.order_id, r.analyte_id, r.value, r.value_number, r.flag, r.range_low, r.range_high,
         r.entered_by, {}, r.entered_at, r.verified_by, {}, r.verified_at, r.self_verified,
         r.corrects_id, r.correction_reason, r.acknowledged_by, {}, r.acknowledged_at",
        who("r.entered_by"),
        who("r.verified_by"),
        who("r.acknowledged_by")
    )
}

fn opt_id(r: &Row, i: usize) -> rusqlite::Result<Option<Id>> {
    Ok(r.get::<_, Option<String>>(i)?.map(Id::from_stored))
}

fn result_row(r: &Row) -> rusqlite::Result<LabResult> {
    Ok(LabResult {
        id: Id::from_stored(r.get(0)?),
        order_id: Id::from_stored(r.get(1)?),
        analyte_id: Id::from_stored(r.get(2)?),
        value: r.get(3)?,
        number: r.get(4)?,
        flag: r.get(5)?,
        range_low: r.get(6)?,
        range_high: r.get(7)?,
        entered_by: Id::from_stored(r.get(8)?),
        entered_by_name: r.get::<_, Option<String>>(9)?.unwrap_or_default(),
        entered_at: ts(r, 10)?,
        verified_by: opt_id(r, 11)?,
        verified_by_name: r.get(12)?,
        verified_at: opt_ts(r, 13)?,
        self_verified: r.get::<_, i64>(14)? == 1,
        corrects_id: opt_id(r, 15)?,
        correction_reason: r.get(16)?,
        acknowledged_by: opt_id(r, 17)?,
        acknowledged_by_name: r.get(18)?,
        acknowledged_at: opt_ts(r, 19)?,
        version: 1,
    })
}

/// Every result of an order, every version, oldest entry first.
pub fn of_order(conn: &Connection, order: &Id) -> Result<Vec<LabResult>, StoreError> {
    let sql = format!(
        "SELECT {} FROM lab_results r WHERE r.order_id = ?1 ORDER BY r.entered_at, r.id",
        result_columns()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([order.as_str()], result_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One result.
pub fn get(conn: &Connection, id: &Id) -> Result<Option<LabResult>, StoreError> {
    let sql = format!(
        "SELECT {} FROM lab_results r WHERE r.id = ?1",
        result_columns()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query_map([id.as_str()], result_row)?;
    Ok(rows.next().transpose()?)
}

/// A value as checked and flagged, ready to write.
#[derive(Debug, Clone, PartialEq)]
pub struct Value<'a> {
    pub text: &'a str,
    pub number: Option<f64>,
    pub flag: &'a str,
    pub range_low: Option<f64>,
    pub range_high: Option<f64>,
}

/// A first entry, or a correction naming the verified result it corrects
/// (with its reason).
#[derive(Debug, Clone, PartialEq)]
pub struct NewResult<'a> {
    pub order: &'a Id,
    pub patient: &'a Id,
    pub analyte: &'a Id,
    pub value: Value<'a>,
    pub corrects: Option<(&'a Id, &'a str)>,
}

/// Inserts a result, unverified.
pub fn insert(
    tx: &Transaction,
    n: &NewResult,
    by: &Id,
    at: DateTime<Utc>,
) -> Result<Id, StoreError> {
    let id = Id::new();
    tx.prepare_cached(
        "INSERT INTO lab_results (id, order_id, patient_id, analyte_id, value, value_number, flag,
                                  range_low, range_high, entered_by, entered_at, corrects_id,
                                  correction_reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        id.as_str(),
        n.order.as_str(),
        n.patient.as_str(),
        n.analyte.as_str(),
        n.value.text,
        n.value.number,
        n.value.flag,
        n.value.range_low,
        n.value.range_high,
        by.as_str(),
        format_ts(at),
        n.corrects.map(|(c, _)| c.as_str()),
        n.corrects.map(|(_, why)| why)
    ])?;
    Ok(id)
}

fn one(rows: usize, what: &str) -> Result<(), StoreError> {
    if rows == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict(format!(
            "another terminal {what} this result first: open the order again, then try again"
        )))
    }
}

/// Replaces an unverified result's value (entered again, by `by`).
pub fn reenter(
    tx: &Transaction,
    id: &Id,
    v: &Value,
    by: &Id,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let n = tx
        .prepare_cached(
            "UPDATE lab_results SET value = ?2, value_number = ?3, flag = ?4, range_low = ?5,
                 range_high = ?6, entered_by = ?7, entered_at = ?8
             WHERE id = ?1 AND verified_at IS NULL",
        )?
        .execute(params![
            id.as_str(),
            v.text,
            v.number,
            v.flag,
            v.range_low,
            v.range_high,
            by.as_str(),
            format_ts(at)
        ])?;
    one(n, "verified")
}

/// Verifies an unverified result.
pub fn verify(
    tx: &Transaction,
    id: &Id,
    by: &Id,
    self_verified: bool,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let n = tx
        .prepare_cached(
            "UPDATE lab_results SET verified_by = ?2, verified_at = ?3, self_verified = ?4
             WHERE id = ?1 AND verified_at IS NULL",
        )?
        .execute(params![
            id.as_str(),
            by.as_str(),
            format_ts(at),
            i64::from(self_verified)
        ])?;
    one(n, "verified")
}

/// Records that a clinician saw a critical result.
pub fn acknowledge(
    tx: &Transaction,
    id: &Id,
    by: &Id,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let n = tx
        .prepare_cached(
            "UPDATE lab_results SET acknowledged_by = ?2, acknowledged_at = ?3
             WHERE id = ?1 AND acknowledged_at IS NULL",
        )?
        .execute(params![id.as_str(), by.as_str(), format_ts(at)])?;
    one(n, "acknowledged")
}
