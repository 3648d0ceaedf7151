//! The lab's worklist in SQL: orders in one state, stat first, then
//! urgent, then routine, oldest first, with their patient, where the
//! patient lies and whether a result is critical. Open orders are read by
//! the `lab_orders_open` index; today's verified and rejected ones by the
//! day they were ordered (`lab_orders_ordered`), looking back a fortnight.

use crate::domain::ids::Id;
use crate::domain::lab::accession::Accession;
use crate::domain::lab::order::OrderStatus;
use crate::domain::patient::Sex;
use crate::domain::prescribing::Priority;
use crate::domain::time::format_ts;
use crate::store::StoreError;
use crate::store::clinical::{opt_ts, parsed, ts, who};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, Row, params};

/// Which orders a worklist query reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// Orders in this open state.
    Open(OrderStatus),
    /// Every open order.
    AllOpen,
    /// Orders that reached this state (verified, rejected) within
    /// `[from, to)`, ordered since `since`.
    EndedWithin {
        status: OrderStatus,
        since: DateTime<Utc>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    },
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
    pub version: i64,
    /// A result of the order is flagged LL or HH.
    pub has_critical: bool,
}

const OPEN: &str = "o.status IN ('ordered', 'collected', 'in_progress', 'resulted')";

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
    })
}

/// The orders `filter` names, stat first, then urgent, then routine,
/// oldest first; at most `limit`.
pub fn lines(
    conn: &Connection,
    filter: Filter,
    limit: usize,
) -> Result<Vec<WorklistLine>, StoreError> {
    let (condition, status, since, from, to) = match filter {
        Filter::Open(s) => (format!("{OPEN} AND o.status = ?1"), s, None, None, None),
        Filter::AllOpen => (
            format!("{OPEN} AND ?1 IS NOT NULL"),
            OrderStatus::Ordered,
            None,
            None,
            None,
        ),
        Filter::EndedWithin {
            status,
            since,
            from,
            to,
        } => {
            let column = if status == OrderStatus::Verified {
                "o.verified_at"
            } else {
                "o.ended_at"
            };
            (
                format!(
                    "o.ordered_at >= ?2 AND o.status = ?1 AND {column} >= ?3 AND {column} < ?4"
                ),
                status,
                Some(format_ts(since)),
                Some(format_ts(from)),
                Some(format_ts(to)),
            )
        }
    };
    let sql = format!(
        "SELECT o.id, o.accession, o.priority, o.status, p.id, p.given_name, p.middle_name,
                p.family_name, p.mrn, p.sex, p.birth_date, w.name, b.label,
                (SELECT group_concat(code, ' ') FROM
                    (SELECT t.code FROM lab_order_tests ot JOIN lab_tests t ON t.id = ot.test_id
                     WHERE ot.order_id = o.id ORDER BY ot.position)),
                o.specimen, o.ordered_at, {}, o.collected_at, o.version,
                EXISTS (SELECT 1 FROM lab_results r
                        WHERE r.order_id = o.id AND r.flag IN ('LL', 'HH'))
         FROM lab_orders o
         JOIN patients p ON p.id = o.patient_id
         LEFT JOIN admissions a ON a.patient_id = o.patient_id AND a.discharged_at IS NULL
         LEFT JOIN beds b ON b.id = a.bed_id
         LEFT JOIN wards w ON w.id = b.ward_id
         WHERE {condition}
         ORDER BY CASE o.priority WHEN 'stat' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END,
                  o.ordered_at, o.accession
         LIMIT ?5",
        who("o.ordered_by")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![status.to_string(), since, from, to, limit as i64],
        line,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
