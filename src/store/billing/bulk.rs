//! The rows the bench hospital's billing is built from, read in bulk: the
//! consultations, priced lab orders and priced dispenses of a period, and
//! what the built file holds. The writes go through the row functions of
//! [`super`], so that every trigger of migrations 17 and 18 checks them.

use super::StoreError;
use crate::domain::ids::Id;
use crate::domain::time::{format_ts, parse_ts};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, Row, params};

fn ts(r: &Row, i: usize) -> rusqlite::Result<DateTime<Utc>> {
    Ok(parse_ts(&r.get::<_, String>(i)?).unwrap_or_default())
}

fn opt_id(r: &Row, i: usize) -> rusqlite::Result<Option<Id>> {
    Ok(r.get::<_, Option<String>>(i)?.map(Id::from_stored))
}

/// A consultation: an outpatient, walk-in or antenatal visit.
#[derive(Debug, Clone)]
pub struct Consultation {
    pub id: Id,
    pub patient_id: Id,
    pub clinician_id: Id,
    pub antenatal: bool,
    pub started_at: DateTime<Utc>,
}

/// The consultations started from `start` (included) to `end` (excluded),
/// oldest first.
pub fn consultations_between(
    conn: &Connection,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<Consultation>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT id, patient_id, kind, started_at, clinician_id FROM visits
         WHERE kind IN ('outpatient', 'walk_in', 'antenatal')
           AND started_at >= ?1 AND started_at < ?2
         ORDER BY started_at, id",
    )?;
    let rows = stmt.query_map(params![format_ts(start), format_ts(end)], |r| {
        Ok(Consultation {
            id: Id::from_stored(r.get(0)?),
            patient_id: Id::from_stored(r.get(1)?),
            antenatal: r.get::<_, String>(2)? == "antenatal",
            started_at: ts(r, 3)?,
            clinician_id: Id::from_stored(r.get(4)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A lab order with its first priced test (the lab's catalogue price).
#[derive(Debug, Clone)]
pub struct PricedOrder {
    pub id: Id,
    pub patient_id: Id,
    pub visit_id: Option<Id>,
    pub admission_id: Option<Id>,
    pub ordered_by: Id,
    pub ordered_at: DateTime<Utc>,
    /// Cancelled or rejected: its line is reversed when it ended.
    pub ended_at: Option<DateTime<Utc>>,
    pub accession: i64,
    pub test_id: Id,
    pub test_name: String,
    pub price: i64,
}

/// The lab orders made from `start` (included) to `end` (excluded) that
/// have a priced test, oldest first, each with its first priced test (a
/// line stands once per order: `charges_once_per_source`).
pub fn priced_orders_between(
    conn: &Connection,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<PricedOrder>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT o.id, o.patient_id, o.visit_id, o.admission_id, o.ordered_at,
                CASE WHEN o.status IN ('cancelled', 'rejected') THEN o.ended_at END,
                o.accession, t.id, t.name, t.price, o.ordered_by
         FROM lab_orders o INDEXED BY lab_orders_ordered
              JOIN lab_order_tests ot ON ot.order_id = o.id
              JOIN lab_tests t ON t.id = ot.test_id
         WHERE o.ordered_at >= ?1 AND o.ordered_at < ?2 AND t.price > 0
         ORDER BY o.ordered_at, o.accession, t.code",
    )?;
    let rows = stmt.query_map(params![format_ts(start), format_ts(end)], |r| {
        Ok(PricedOrder {
            id: Id::from_stored(r.get(0)?),
            patient_id: Id::from_stored(r.get(1)?),
            visit_id: opt_id(r, 2)?,
            admission_id: opt_id(r, 3)?,
            ordered_at: ts(r, 4)?,
            ended_at: r.get::<_, Option<String>>(5)?.as_deref().and_then(parse_ts),
            accession: r.get(6)?,
            test_id: Id::from_stored(r.get(7)?),
            test_name: r.get(8)?,
            price: r.get(9)?,
            ordered_by: Id::from_stored(r.get(10)?),
        })
    })?;
    let mut out: Vec<PricedOrder> = Vec::new();
    for row in rows {
        let o = row?;
        if out.last().is_none_or(|l| l.id != o.id) {
            out.push(o);
        }
    }
    Ok(out)
}

/// A dispense against a prescription from a batch with a selling price.
#[derive(Debug, Clone)]
pub struct PricedDispense {
    /// The ledger row's number: the charge's source.
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub quantity: i64,
    pub batch_id: Id,
    pub batch_no: String,
    pub price: i64,
    pub medicine: String,
    pub patient_id: Id,
    pub visit_id: Id,
    pub admission_id: Option<Id>,
    /// The pharmacist who handed it over.
    pub by: Option<Id>,
}

/// The dispenses against prescriptions from `start` (included) to `end`
/// (excluded) from batches with a price, in ledger order.
pub fn priced_dispenses_between(
    conn: &Connection,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<PricedDispense>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT m.seq, m.at, -m.quantity, b.id, b.batch_no, b.price,
                i.name || CASE WHEN i.strength <> '' THEN ' ' || i.strength ELSE '' END,
                p.patient_id, p.visit_id, p.admission_id, m.actor_id
         FROM prescription_dispenses d
              JOIN stock_movements m ON m.seq = d.movement_seq
              JOIN prescriptions p ON p.id = d.prescription_id
              JOIN stock_batches b ON b.id = m.batch_id
              JOIN stock_items i ON i.id = m.item_id
         WHERE m.at >= ?1 AND m.at < ?2 AND b.price > 0
         ORDER BY m.seq",
    )?;
    let rows = stmt.query_map(params![format_ts(start), format_ts(end)], |r| {
        Ok(PricedDispense {
            seq: r.get(0)?,
            at: ts(r, 1)?,
            quantity: r.get(2)?,
            batch_id: Id::from_stored(r.get(3)?),
            batch_no: r.get(4)?,
            price: r.get(5)?,
            medicine: r.get(6)?,
            patient_id: Id::from_stored(r.get(7)?),
            visit_id: Id::from_stored(r.get(8)?),
            admission_id: opt_id(r, 9)?,
            by: opt_id(r, 10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every patient's id in the order of the register.
pub fn patient_ids(conn: &Connection) -> Result<Vec<Id>, StoreError> {
    let mut stmt = conn.prepare("SELECT id FROM patients ORDER BY seq")?;
    let rows = stmt.query_map([], |r| Ok(Id::from_stored(r.get(0)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What billing's tables hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub patient_schemes: i64,
    pub bills: i64,
    pub closed_bills: i64,
    pub charges: i64,
    pub reversals: i64,
    pub payments: i64,
    pub refunds: i64,
    pub cash_ups: i64,
    /// Days with at least one payment.
    pub days: i64,
}

pub fn counts(conn: &Connection) -> Result<Counts, StoreError> {
    let one = |sql: &str| -> Result<i64, StoreError> { Ok(conn.query_row(sql, [], |r| r.get(0))?) };
    Ok(Counts {
        patient_schemes: one("SELECT count(*) FROM patient_schemes")?,
        bills: one("SELECT count(*) FROM bills")?,
        closed_bills: one("SELECT count(*) FROM bills WHERE closed_at IS NOT NULL")?,
        charges: one("SELECT count(*) FROM charges WHERE reverses IS NULL")?,
        reversals: one("SELECT count(*) FROM charges WHERE reverses IS NOT NULL")?,
        payments: one("SELECT count(*) FROM payments WHERE amount > 0")?,
        refunds: one("SELECT count(*) FROM payments WHERE amount < 0")?,
        cash_ups: one("SELECT count(*) FROM cash_ups")?,
        days: one("SELECT count(DISTINCT day) FROM payments")?,
    })
}

/// The day with the most payments before `before` (a `YYYY-MM-DD`), and
/// how many it had.
pub fn busiest_day_before(
    conn: &Connection,
    before: chrono::NaiveDate,
) -> Result<Option<(chrono::NaiveDate, i64)>, StoreError> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT day, count(*) FROM payments INDEXED BY payments_day WHERE day < ?1
             GROUP BY day ORDER BY count(*) DESC, day DESC LIMIT 1",
            [before.to_string()],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
        )
        .optional()?
        .and_then(|(d, n)| d.parse().ok().map(|d| (d, n))))
}
