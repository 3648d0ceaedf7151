//! Laboratory orders in SQL (`lab_orders`, `lab_order_tests`): making an
//! order with its accession number, moving it along (each step names the
//! version it was made on), and reading orders back. Results are in
//! [`results`]. The rules that hold with the program bypassed are the
//! triggers of migration 16.

pub mod results;
pub mod worklist;

use super::StoreError;
use super::clinical::{opt_ts, parsed, ts, who};
use crate::domain::ids::Id;
use crate::domain::lab::accession::Accession;
use crate::domain::lab::order::{OrderStatus, RejectReason};
use crate::domain::prescribing::Priority;
use crate::domain::time::format_ts;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

/// A test an order asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderedTest {
    pub test_id: Id,
    pub code: String,
    pub name: String,
}

/// A laboratory order: the tests of one specimen for one patient, and
/// where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct LabOrder {
    pub id: Id,
    pub accession: Accession,
    pub patient_id: Id,
    pub visit_id: Option<Id>,
    pub admission_id: Option<Id>,
    pub ordered_by: Id,
    pub ordered_by_name: String,
    pub ordered_at: DateTime<Utc>,
    pub priority: Priority,
    pub specimen: String,
    pub clinical_notes: String,
    pub status: OrderStatus,
    pub collected_at: Option<DateTime<Utc>>,
    pub collected_by: Option<Id>,
    pub collected_by_name: Option<String>,
    /// When every result was first verified.
    pub verified_at: Option<DateTime<Utc>>,
    /// When it was rejected or cancelled, and by whom.
    pub ended_at: Option<DateTime<Utc>>,
    pub ended_by: Option<Id>,
    pub ended_by_name: Option<String>,
    pub reject_reason: Option<RejectReason>,
    /// The note of a cancellation or rejection.
    pub end_note: Option<String>,
    /// Raised by every step; a step names the version it was made on.
    pub version: i64,
    /// In the order they were asked for.
    pub tests: Vec<OrderedTest>,
}

fn order_columns() -> String {
    format!(
        "o.id, o.accession, o.patient_id, o.visit_id, o.admission_id, o.ordered_by, {}, o.ordered_at,
         o.priority, o.specimen, o.clinical_notes, o.status, o.collected_at, o.collected_by, {},
         o.verified_at, o.ended_at, o.ended_by, {}, o.reject_reason, o.end_note, o.version",
        who("o.ordered_by"),
        who("o.collected_by"),
        who("o.ended_by")
    )
}

fn opt_id(r: &Row, i: usize) -> rusqlite::Result<Option<Id>> {
    Ok(r.get::<_, Option<String>>(i)?.map(Id::from_stored))
}

fn order_row(r: &Row) -> rusqlite::Result<LabOrder> {
    let accession: i64 = r.get(1)?;
    Ok(LabOrder {
        id: Id::from_stored(r.get(0)?),
        accession: Accession(accession.unsigned_abs()),
        patient_id: Id::from_stored(r.get(2)?),
        visit_id: opt_id(r, 3)?,
        admission_id: opt_id(r, 4)?,
        ordered_by: Id::from_stored(r.get(5)?),
        ordered_by_name: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
        ordered_at: ts(r, 7)?,
        priority: parsed(r, 8, "priority")?,
        specimen: r.get(9)?,
        clinical_notes: r.get(10)?,
        status: parsed(r, 11, "order status")?,
        collected_at: opt_ts(r, 12)?,
        collected_by: opt_id(r, 13)?,
        collected_by_name: r.get(14)?,
        verified_at: opt_ts(r, 15)?,
        ended_at: opt_ts(r, 16)?,
        ended_by: opt_id(r, 17)?,
        ended_by_name: r.get(18)?,
        reject_reason: match r.get::<_, Option<String>>(19)? {
            Some(_) => Some(parsed(r, 19, "reject reason")?),
            None => None,
        },
        end_note: r.get(20)?,
        version: r.get(21)?,
        tests: Vec::new(),
    })
}

/// The tests of an order, in the order asked.
pub fn tests_of(conn: &Connection, order: &Id) -> Result<Vec<OrderedTest>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, t.code, t.name FROM lab_order_tests ot JOIN lab_tests t ON t.id = ot.test_id
         WHERE ot.order_id = ?1 ORDER BY ot.position",
    )?;
    let rows = stmt.query_map([order.as_str()], |r| {
        Ok(OrderedTest {
            test_id: Id::from_stored(r.get(0)?),
            code: r.get(1)?,
            name: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Orders matching `tail` (a WHERE clause and more), each with its tests.
pub(crate) fn orders_where(
    conn: &Connection,
    tail: &str,
    p: impl rusqlite::Params,
) -> Result<Vec<LabOrder>, StoreError> {
    let sql = format!("SELECT {} FROM lab_orders o {tail}", order_columns());
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(p, order_row)?;
    let mut orders: Vec<LabOrder> = rows.collect::<rusqlite::Result<_>>()?;
    for o in &mut orders {
        o.tests = tests_of(conn, &o.id)?;
    }
    Ok(orders)
}

/// One order.
pub fn get(conn: &Connection, id: &Id) -> Result<Option<LabOrder>, StoreError> {
    Ok(orders_where(conn, "WHERE o.id = ?1", [id.as_str()])?
        .into_iter()
        .next())
}

/// The order with this accession number.
pub fn by_accession(conn: &Connection, a: Accession) -> Result<Option<LabOrder>, StoreError> {
    let n = i64::try_from(a.0).unwrap_or(i64::MAX);
    Ok(orders_where(conn, "WHERE o.accession = ?1", [n])?
        .into_iter()
        .next())
}

/// The accession number the next order gets.
pub fn next_accession(tx: &Transaction) -> Result<Accession, StoreError> {
    let n: i64 = tx
        .prepare_cached("SELECT coalesce(max(accession), 0) + 1 FROM lab_orders")?
        .query_row([], |r| r.get(0))?;
    Ok(Accession(n.unsigned_abs()))
}

/// What a new order records.
#[derive(Debug, Clone)]
pub struct NewOrder<'a> {
    pub accession: Accession,
    pub patient: &'a Id,
    pub visit: Option<&'a Id>,
    pub admission: Option<&'a Id>,
    pub ordered_by: &'a Id,
    pub priority: Priority,
    pub specimen: &'a str,
    pub clinical_notes: &'a str,
    /// The tests' ids, in the order asked.
    pub tests: &'a [Id],
}

/// Inserts an order, waiting for collection, with its tests.
pub fn insert(tx: &Transaction, n: &NewOrder, now: DateTime<Utc>) -> Result<Id, StoreError> {
    let id = Id::new();
    tx.prepare_cached(
        "INSERT INTO lab_orders (id, accession, patient_id, visit_id, admission_id, ordered_by,
                                 ordered_at, priority, specimen, clinical_notes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        id.as_str(),
        i64::try_from(n.accession.0).unwrap_or(i64::MAX),
        n.patient.as_str(),
        n.visit.map(Id::as_str),
        n.admission.map(Id::as_str),
        n.ordered_by.as_str(),
        format_ts(now),
        n.priority.to_string(),
        n.specimen,
        n.clinical_notes
    ])?;
    let mut stmt = tx.prepare_cached(
        "INSERT INTO lab_order_tests (order_id, test_id, position) VALUES (?1, ?2, ?3)",
    )?;
    for (position, test) in n.tests.iter().enumerate() {
        stmt.execute(params![id.as_str(), test.as_str(), position as i64])?;
    }
    Ok(id)
}

fn changed(rows: usize) -> Result<(), StoreError> {
    if rows == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict(
            "another terminal changed this lab order first: open it again to see where it stands, then try again".into(),
        ))
    }
}

/// Marks the specimen collected at `at` by `by`.
pub fn collect(
    tx: &Transaction,
    id: &Id,
    version: i64,
    by: &Id,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let n = tx
        .prepare_cached(
            "UPDATE lab_orders SET status = 'collected', collected_at = ?3, collected_by = ?4,
                 version = version + 1
             WHERE id = ?1 AND version = ?2",
        )?
        .execute(params![id.as_str(), version, format_ts(at), by.as_str()])?;
    changed(n)
}

/// How an order ends before its results: rejected (with a reason) or
/// cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending<'a> {
    Rejected(RejectReason, Option<&'a str>),
    Cancelled(&'a str),
}

/// Ends an order at `at` by `by`.
pub fn end(
    tx: &Transaction,
    id: &Id,
    version: i64,
    how: Ending,
    by: &Id,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (status, reason, note) = match how {
        Ending::Rejected(r, note) => (OrderStatus::Rejected, Some(r.to_string()), note),
        Ending::Cancelled(note) => (OrderStatus::Cancelled, None, Some(note)),
    };
    let n = tx
        .prepare_cached(
            "UPDATE lab_orders SET status = ?3, ended_at = ?4, ended_by = ?5, reject_reason = ?6,
                 end_note = ?7, version = version + 1
             WHERE id = ?1 AND version = ?2",
        )?
        .execute(params![
            id.as_str(),
            version,
            status.to_string(),
            format_ts(at),
            by.as_str(),
            reason,
            note
        ])?;
    changed(n)
}

/// Moves an order's progress on (results entered, verified, corrected);
/// `verified_at` is written only the first time the order is verified.
pub fn progress(
    tx: &Transaction,
    id: &Id,
    version: i64,
    status: OrderStatus,
    verified_at: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    let n = tx
        .prepare_cached(
            "UPDATE lab_orders SET status = ?3, verified_at = coalesce(verified_at, ?4),
                 version = version + 1
             WHERE id = ?1 AND version = ?2",
        )?
        .execute(params![
            id.as_str(),
            version,
            status.to_string(),
            verified_at.map(format_ts)
        ])?;
    changed(n)
}

/// The version an order stands at now, if it exists.
pub fn version_of(conn: &Connection, id: &Id) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT version FROM lab_orders WHERE id = ?1")?
        .query_row([id.as_str()], |r| r.get(0))
        .optional()?)
}

/// Whether a catalogue test is still offered.
pub fn test_is_active(conn: &Connection, test: &Id) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT active = 1 FROM lab_tests WHERE id = ?1")?
        .query_row([test.as_str()], |r| r.get(0))
        .optional()?
        .unwrap_or(false))
}
