//! The rows behind billing's reports: a day's payments and refunds summed
//! by cashier and method (by the `payments_day` index), the lines posted
//! in a period summed by service group (by the `charges_posted` index),
//! and the scheme-paid lines posted in a period with their bill and
//! patient, for a scheme's claims. A period costs its own rows, never the
//! whole history.

use super::StoreError;
use crate::domain::billing::{Method, ServiceGroup};
use crate::domain::ids::Id;
use crate::domain::time::{format_ts, parse_ts};
use crate::store::patients::name_at;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, params};

/// What one cashier took and gave back by one method on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken {
    pub cashier_id: Id,
    pub cashier: String,
    pub method: Method,
    /// The payments' sum.
    pub paid: i64,
    /// The refunds' sum, as a positive amount.
    pub refunded: i64,
}

/// Each cashier's payments and refunds of the hospital day `day`, by
/// method, ordered by cashier name then method.
pub fn takings_of_day(conn: &Connection, day: NaiveDate) -> Result<Vec<Taken>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT p.cashier_id, u.full_name, p.method,
                sum(CASE WHEN p.amount > 0 THEN p.amount ELSE 0 END),
                sum(CASE WHEN p.amount < 0 THEN -p.amount ELSE 0 END)
         FROM payments p INDEXED BY payments_day JOIN users u ON u.id = p.cashier_id
         WHERE p.day = ?1
         GROUP BY p.cashier_id, p.method
         ORDER BY u.full_name, p.cashier_id, p.method",
        )?
        .query_map([day.to_string()], |r| {
            let method: String = r.get(2)?;
            Ok(Taken {
                cashier_id: Id::from_stored(r.get(0)?),
                cashier: r.get(1)?,
                method: method.parse().unwrap_or(Method::Cash),
                paid: r.get(3)?,
                refunded: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The lines of one service group posted in a period: the charges or the
/// reversals (their amounts negative).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posted {
    pub group: ServiceGroup,
    pub reversal: bool,
    pub amount: i64,
    pub patient_share: i64,
    pub scheme_share: i64,
}

/// The lines posted from `start` (included) to `end` (excluded), summed by
/// service group (a lab test's line is `lab`, a batch's `medicine`) and
/// whether they are reversals.
pub fn posted_by_group(
    conn: &Connection,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<Posted>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT CASE WHEN c.tariff_item_id IS NOT NULL THEN t.service_group
                     WHEN c.lab_test_id IS NOT NULL THEN 'lab'
                     ELSE 'medicine' END AS grp,
                c.reverses IS NOT NULL, sum(c.amount), sum(c.patient_share),
                sum(c.scheme_share)
         FROM charges c INDEXED BY charges_posted
              LEFT JOIN tariff_items t ON t.id = c.tariff_item_id
         WHERE c.posted_at >= ?1 AND c.posted_at < ?2
         GROUP BY 1, 2",
        )?
        .query_map(params![format_ts(start), format_ts(end)], |r| {
            let group: Option<String> = r.get(0)?;
            Ok(Posted {
                group: group
                    .and_then(|g| g.parse().ok())
                    .unwrap_or(ServiceGroup::Service),
                reversal: r.get::<_, i64>(1)? == 1,
                amount: r.get(2)?,
                patient_share: r.get(3)?,
                scheme_share: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// A line with a scheme's share, with its bill and patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemeLine {
    pub bill_id: Id,
    pub bill_number: i64,
    pub patient_id: Id,
    pub patient: String,
    pub mrn: String,
    pub description: String,
    pub amount: i64,
    pub scheme_share: i64,
    /// When the line (or, for a reversal, the line it undoes) was posted:
    /// the day its cover was taken from.
    pub covered_at: DateTime<Utc>,
}

/// The lines posted from `start` (included) to `end` (excluded) that a
/// scheme pays part of, by bill number then posting.
pub fn scheme_lines(
    conn: &Connection,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<SchemeLine>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT b.id, b.number, p.id, p.given_name, p.middle_name, p.family_name, p.mrn,
                c.description, c.amount, c.scheme_share,
                coalesce((SELECT o.posted_at FROM charges o WHERE o.id = c.reverses), c.posted_at)
         FROM charges c INDEXED BY charges_posted
              JOIN bills b ON b.id = c.bill_id
              JOIN patients p ON p.id = b.patient_id
         WHERE c.posted_at >= ?1 AND c.posted_at < ?2 AND c.scheme_share <> 0
         ORDER BY b.number, c.posted_at, c.rowid",
        )?
        .query_map(params![format_ts(start), format_ts(end)], |r| {
            Ok(SchemeLine {
                bill_id: Id::from_stored(r.get(0)?),
                bill_number: r.get(1)?,
                patient_id: Id::from_stored(r.get(2)?),
                patient: name_at(r, 3)?,
                mrn: r.get(6)?,
                covered_at: parse_ts(&r.get::<_, String>(10)?).unwrap_or_default(),
                description: r.get(7)?,
                amount: r.get(8)?,
                scheme_share: r.get(9)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The payment with this receipt number.
pub fn payment_by_receipt(
    conn: &Connection,
    receipt: i64,
) -> Result<Option<super::Payment>, StoreError> {
    use rusqlite::OptionalExtension;
    let id: Option<String> = conn
        .prepare_cached("SELECT id FROM payments WHERE receipt = ?1")?
        .query_row([receipt], |r| r.get(0))
        .optional()?;
    match id {
        Some(id) => super::payment_by_id(conn, &Id::from_stored(id)),
        None => Ok(None),
    }
}

/// A user's full name, empty when unknown.
pub fn user_full_name(conn: &Connection, user: &Id) -> Result<String, StoreError> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached("SELECT full_name FROM users WHERE id = ?1")?
        .query_row([user.as_str()], |r| r.get::<_, String>(0))
        .optional()?
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    /// A day's payments, a period's lines and a receipt are each found by
    /// an index: no report reads the whole history.
    #[test]
    fn the_reports_read_by_their_indexes() {
        let conn = crate::store::plans::shipped_schema();
        let cases = [
            (
                "SELECT p.cashier_id, sum(p.amount) FROM payments p INDEXED BY payments_day
                 JOIN users u ON u.id = p.cashier_id WHERE p.day = '2026-03-02'
                 GROUP BY p.cashier_id, p.method",
                "payments_day",
            ),
            (
                "SELECT sum(c.amount) FROM charges c INDEXED BY charges_posted
                 LEFT JOIN tariff_items t ON t.id = c.tariff_item_id
                 WHERE c.posted_at >= 'a' AND c.posted_at < 'b' GROUP BY c.reverses IS NULL",
                "charges_posted",
            ),
            (
                "SELECT b.number FROM charges c INDEXED BY charges_posted
                 JOIN bills b ON b.id = c.bill_id JOIN patients p ON p.id = b.patient_id
                 WHERE c.posted_at >= 'a' AND c.posted_at < 'b' AND c.scheme_share <> 0",
                "charges_posted",
            ),
            (
                "SELECT id FROM payments WHERE receipt = 1",
                "INDEX sqlite_autoindex_payments",
            ),
        ];
        crate::store::plans::assert_read_by_index(&conn, &cases);
    }
}

/// A patient who owes money: over their bills with a balance left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owing {
    pub patient_id: Id,
    pub mrn: String,
    pub name: String,
    /// How many of their bills have a balance.
    pub bills: i64,
    /// When the oldest of those bills was opened.
    pub oldest: DateTime<Utc>,
    pub balance: i64,
}

/// Every patient with a balance left on any bill (lines less payments),
/// the largest first: one pass over the lines and one over the payments.
pub fn owing(conn: &Connection) -> Result<Vec<Owing>, StoreError> {
    Ok(conn
        .prepare_cached(
            "WITH lines AS (SELECT bill_id, sum(amount) AS charged FROM charges GROUP BY bill_id),
                  paid AS (SELECT bill_id, sum(amount) AS paid FROM payments GROUP BY bill_id),
                  left_to_pay AS (
                      SELECT b.patient_id, b.opened_at, l.charged - coalesce(p.paid, 0) AS balance
                      FROM lines l JOIN bills b ON b.id = l.bill_id
                      LEFT JOIN paid p ON p.bill_id = l.bill_id
                      WHERE l.charged - coalesce(p.paid, 0) > 0)
             SELECT o.patient_id, pt.mrn, pt.given_name, pt.middle_name, pt.family_name,
                    count(*), min(o.opened_at), sum(o.balance)
             FROM left_to_pay o JOIN patients pt ON pt.id = o.patient_id
             GROUP BY o.patient_id
             ORDER BY sum(o.balance) DESC, pt.mrn",
        )?
        .query_map([], |r| {
            Ok(Owing {
                patient_id: Id::from_stored(r.get(0)?),
                mrn: r.get(1)?,
                name: name_at(r, 2)?,
                bills: r.get(5)?,
                oldest: parse_ts(&r.get::<_, String>(6)?).unwrap_or_default(),
                balance: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}
