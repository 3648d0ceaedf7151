//! The rows behind the laboratory's turnaround and workload reports: each
//! test of each order made in a period, with the order's priority, status
//! and time stamps. Read by the `lab_orders_ordered` index (orders by the
//! instant they were made), so a period costs its own orders, never the
//! whole history. Also a patient's orders, for the record's FHIR export.

use super::StoreError;
use super::clinical::{opt_ts, parsed, ts};
use crate::domain::ids::Id;
use crate::domain::prescribing::Priority;
use crate::domain::time::format_ts;
use chrono::{DateTime, Utc};
use rusqlite::Connection;

/// One test of one order, as the reports count it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderedTest {
    pub test_code: String,
    pub test_name: String,
    pub priority: Priority,
    /// The order's status as stored (`ordered`, `collected`, …, `rejected`,
    /// `cancelled`).
    pub status: String,
    pub ordered_at: DateTime<Utc>,
    pub collected_at: Option<DateTime<Utc>>,
    /// When every result was first verified (kept through a correction).
    pub verified_at: Option<DateTime<Utc>>,
}

/// Every test of the orders made from `start` (included) to `end`
/// (excluded), oldest order first, its tests in the order they were asked
/// for.
pub fn ordered_tests(
    conn: &Connection,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<OrderedTest>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.code, t.name, o.priority, o.status, o.ordered_at, o.collected_at,
                o.verified_at
         FROM lab_orders o INDEXED BY lab_orders_ordered
         JOIN lab_order_tests ot ON ot.order_id = o.id
         JOIN lab_tests t ON t.id = ot.test_id
         WHERE o.ordered_at >= ?1 AND o.ordered_at < ?2
         ORDER BY o.ordered_at, o.id, ot.position",
    )?;
    let rows = stmt.query_map([format_ts(start), format_ts(end)], |r| {
        Ok(OrderedTest {
            test_code: r.get(0)?,
            test_name: r.get(1)?,
            priority: parsed(r, 2, "priority")?,
            status: r.get(3)?,
            ordered_at: ts(r, 4)?,
            collected_at: opt_ts(r, 5)?,
            verified_at: opt_ts(r, 6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The ids of a patient's lab orders, oldest first (by the
/// `lab_orders_patient` index), for the record's export.
pub fn orders_of_patient(conn: &Connection, patient: &Id) -> Result<Vec<Id>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM lab_orders INDEXED BY lab_orders_patient
         WHERE patient_id = ?1 ORDER BY ordered_at, accession",
    )?;
    let rows = stmt.query_map([patient.as_str()], |r| Ok(Id::from_stored(r.get(0)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
