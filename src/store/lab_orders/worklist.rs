//! The lab's worklist in SQL: orders in one state, stat first, then
//! urgent, then routine, oldest first, with their patient, where the
//! patient lies and whether a result is critical. A list is its orders'
//! ids, sorted within an index (`lab_orders_open`, or the day's verified
//! or rejected by `lab_orders_verified_on` and `lab_orders_rejected_on`);
//! the lines of the orders a screen shows are read for those alone.

use crate::domain::ids::Id;
use crate::domain::lab::accession::Accession;
use crate::domain::lab::order::OrderStatus;
use crate::domain::patient::Sex;
use crate::domain::prescribing::Priority;
use crate::domain::time::format_ts;
use crate::store::StoreError;
use crate::store::clinical::{json_ids, opt_ts, parsed, ts, who};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, Row, params};

/// Which orders a worklist query reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// Orders in this open state.
    Open(OrderStatus),
    /// Every open order.
    AllOpen,
    /// Orders verified within `[from, to)` (by `lab_orders_verified_on`).
    VerifiedWithin {
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    },
    /// Orders rejected within `[from, to)` (by `lab_orders_rejected_on`).
    RejectedWithin {
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    },
}

impl Filter {
    /// The condition on `lab_orders o` and its three parameters (a status,
    /// a time from, a time to), each bound whether used or not.
    fn condition(self) -> (&'static str, String, Option<String>, Option<String>) {
        match self {
            Filter::Open(s) => (
                "o.status IN ('ordered', 'collected', 'in_progress', 'resulted') AND o.status = ?1
                 AND ?2 IS NULL AND ?3 IS NULL",
                s.to_string(),
                None,
                None,
            ),
            Filter::AllOpen => (
                "o.status IN ('ordered', 'collected', 'in_progress', 'resulted') AND ?1 <> ''
                 AND ?2 IS NULL AND ?3 IS NULL",
                String::from("open"),
                None,
                None,
            ),
            Filter::VerifiedWithin { from, to } => (
                "o.status = 'verified' AND ?1 <> '' AND o.verified_at >= ?2 AND o.verified_at < ?3",
                String::from("verified"),
                Some(format_ts(from)),
                Some(format_ts(to)),
            ),
            Filter::RejectedWithin { from, to } => (
                "o.status = 'rejected' AND ?1 <> '' AND o.ended_at >= ?2 AND o.ended_at < ?3",
                String::from("rejected"),
                Some(format_ts(from)),
                Some(format_ts(to)),
            ),
        }
    }
}

/// One line of the lab's worklist.
#[derive(Debug, Clone, PartialEq)]
pub struct WorklistLine {
    pub order_id: Id,
    pub accession: Accession,
    pub priority: Priority,
    pub status: OrderStatus,
    pub patient_id: Id,
    pub given_name: String,
    pub middle_name: String,
    pub family_name: String,
    pub mrn: String,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    /// The ward and bed of the patient's active admission.
    pub ward: Option<String>,
    pub bed: Option<String>,
    /// The ordered tests' codes, in the order asked.
    pub tests: Vec<String>,
    pub specimen: String,
    pub ordered_at: DateTime<Utc>,
    pub ordered_by_name: String,
    pub collected_at: Option<DateTime<Utc>>,
    /// When the order was verified, rejected or cancelled.
    pub ended_at: Option<DateTime<Utc>>,
    pub version: i64,
    /// A result of the order is flagged LL or HH.
    pub has_critical: bool,
}

fn line(r: &Row) -> rusqlite::Result<WorklistLine> {
    let accession: i64 = r.get(1)?;
    let tests: Option<String> = r.get(13)?;
    Ok(WorklistLine {
        order_id: Id::from_stored(r.get(0)?),
        accession: Accession(accession.unsigned_abs()),
        priority: parsed(r, 2, "priority")?,
        status: parsed(r, 3, "order status")?,
        patient_id: Id::from_stored(r.get(4)?),
        given_name: r.get(5)?,
        middle_name: r.get(6)?,
        family_name: r.get(7)?,
        mrn: r.get(8)?,
        sex: parsed(r, 9, "sex")?,
        birth_date: parsed(r, 10, "birth date")?,
        ward: r.get(11)?,
        bed: r.get(12)?,
        tests: tests
            .map(|t| t.split(' ').map(str::to_string).collect())
            .unwrap_or_default(),
        specimen: r.get(14)?,
        ordered_at: ts(r, 15)?,
        ordered_by_name: r.get::<_, Option<String>>(16)?.unwrap_or_default(),
        collected_at: opt_ts(r, 17)?,
        version: r.get(18)?,
        has_critical: r.get(19)?,
        ended_at: opt_ts(r, 20)?,
    })
}

/// The orders `filter` names, stat first, then urgent, then routine,
/// oldest first; at most `limit`. Only their ids, read from the index
/// alone (`lab_orders_open` holds the priority and the time), so a long
/// list costs a sort of ids, not a join per order.
pub fn order_ids(conn: &Connection, filter: Filter, limit: usize) -> Result<Vec<Id>, StoreError> {
    let (_, status, from, to) = filter.condition();
    let mut stmt = conn.prepare_cached(&ids_sql(filter))?;
    let rows = stmt.query_map(params![status, from, to, limit as i64], |r| {
        Ok(Id::from_stored(r.get(0)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn ids_sql(filter: Filter) -> String {
    format!(
        "SELECT o.id FROM lab_orders o WHERE {}
         ORDER BY CASE o.priority WHEN 'stat' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END,
                  o.ordered_at, o.accession
         LIMIT ?4",
        filter.condition().0
    )
}

fn count_sql(filter: Filter) -> String {
    format!(
        "SELECT count(*) FROM lab_orders o WHERE {}",
        filter.condition().0
    )
}

/// How many orders `filter` names, counted in the index.
pub fn count(conn: &Connection, filter: Filter) -> Result<usize, StoreError> {
    let (_, status, from, to) = filter.condition();
    let n: i64 = conn
        .prepare_cached(&count_sql(filter))?
        .query_row(params![status, from, to], |r| r.get(0))?;
    Ok(usize::try_from(n).unwrap_or(0))
}

fn lines_sql() -> String {
    format!(
        "SELECT o.id, o.accession, o.priority, o.status, p.id, p.given_name, p.middle_name,
                p.family_name, p.mrn, p.sex, p.birth_date, w.name, b.label,
                (SELECT group_concat(code, ' ') FROM
                    (SELECT t.code FROM lab_order_tests ot JOIN lab_tests t ON t.id = ot.test_id
                     WHERE ot.order_id = o.id ORDER BY ot.position)),
                o.specimen, o.ordered_at, {}, o.collected_at, o.version,
                EXISTS (SELECT 1 FROM lab_results r
                        WHERE r.order_id = o.id AND r.flag IN ('LL', 'HH')),
                coalesce(o.verified_at, o.ended_at)
         FROM json_each(?1) j
         JOIN lab_orders o ON o.id = j.value
         JOIN patients p ON p.id = o.patient_id
         LEFT JOIN admissions a ON a.patient_id = o.patient_id AND a.discharged_at IS NULL
         LEFT JOIN beds b ON b.id = a.bed_id
         LEFT JOIN wards w ON w.id = b.ward_id
         ORDER BY j.key",
        who("o.ordered_by")
    )
}

/// The lines of the orders `ids`, in the order given (an id no longer in
/// the file is left out).
pub fn lines_of(conn: &Connection, ids: &[Id]) -> Result<Vec<WorklistLine>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare_cached(&lines_sql())?;
    let rows = stmt.query_map([json_ids(ids)], line)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(conn: &Connection, sql: &str) -> String {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let nulls = vec![rusqlite::types::Null; stmt.parameter_count()];
        let rows = stmt
            .query_map(rusqlite::params_from_iter(nulls), |r| r.get::<_, String>(3))
            .unwrap();
        rows.map(|r| r.unwrap()).collect::<Vec<_>>().join("\n")
    }

    /// Each list is read and counted in its index alone: the open lists
    /// never touch the table (the index holds what they sort by), the
    /// day's verified and rejected read only that day's entries.
    #[test]
    fn the_lists_are_read_and_counted_by_their_index() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(include_str!("../../../schema.sql"))
            .unwrap();
        let t = DateTime::<Utc>::UNIX_EPOCH;
        let cases = [
            (
                Filter::Open(OrderStatus::Ordered),
                "COVERING INDEX lab_orders_open",
            ),
            (Filter::AllOpen, "COVERING INDEX lab_orders_open"),
            (
                Filter::VerifiedWithin { from: t, to: t },
                "INDEX lab_orders_verified_on (verified_at>? AND verified_at<?)",
            ),
            (
                Filter::RejectedWithin { from: t, to: t },
                "INDEX lab_orders_rejected_on (ended_at>? AND ended_at<?)",
            ),
        ];
        for (filter, index) in cases {
            for sql in [ids_sql(filter), count_sql(filter)] {
                let p = plan(&conn, &sql);
                assert!(p.contains(index), "{filter:?}\n{p}");
                assert!(
                    p.lines()
                        .all(|l| !l.starts_with("SCAN ") || l.contains("INDEX")),
                    "{filter:?}\n{p}"
                );
            }
        }
        let p = plan(&conn, &lines_sql());
        let tables_scanned = p.lines().filter(|l| {
            l.starts_with("SCAN ") && !l.starts_with("SCAN j ") && !l.starts_with("SCAN (subquery")
        });
        assert_eq!(tables_scanned.count(), 0, "{p}");
    }
}
