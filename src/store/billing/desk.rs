//! What the cash desk lists: the bills with something done on them on a
//! hospital day (a line posted, a payment taken), with their patient and
//! totals; the schemes a desk may set; the tariff items priced on a day.
//! Read through the `charges_posted` and `payments_day` indexes, never the
//! whole history.

use super::{BILL_COLUMNS, Bill, Scheme, TariffItem, Totals, bill};
use crate::domain::patient::full_name;
use crate::domain::time::format_ts;
use crate::store::StoreError;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, params};

/// A bill as the desk lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskRow {
    pub bill: Bill,
    pub patient_name: String,
    pub mrn: String,
    pub totals: Totals,
}

/// A desk row's columns: the bill's, its patient's name and MRN, and its
/// totals, read in one query (`b`, `p`, `t`).
fn row_columns() -> String {
    format!(
        "{}, p.given_name, p.middle_name, p.family_name, p.mrn,
         t.charged, t.patient_share, t.scheme_share, t.paid, t.balance",
        BILL_COLUMNS
            .split(", ")
            .map(|c| format!("b.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn desk_row(r: &rusqlite::Row) -> rusqlite::Result<DeskRow> {
    Ok(DeskRow {
        bill: bill(r)?,
        patient_name: full_name(
            &r.get::<_, String>(7)?,
            &r.get::<_, String>(8)?,
            &r.get::<_, String>(9)?,
        ),
        mrn: r.get(10)?,
        totals: Totals {
            charged: r.get(11)?,
            patient_share: r.get(12)?,
            scheme_share: r.get(13)?,
            paid: r.get(14)?,
            balance: r.get(15)?,
        },
    })
}

/// The bills with a line posted in `[from, to)` or a payment on `day`,
/// the latest opened first.
pub fn bills_of_day(
    conn: &Connection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    day: NaiveDate,
) -> Result<Vec<DeskRow>, StoreError> {
    let sql = format!(
        "SELECT {} FROM bills b JOIN patients p ON p.id = b.patient_id
         JOIN bill_totals t ON t.bill_id = b.id
         WHERE b.id IN (
             SELECT bill_id FROM charges WHERE posted_at >= ?1 AND posted_at < ?2
             UNION SELECT bill_id FROM payments WHERE day = ?3)
         ORDER BY b.opened_at DESC, b.number DESC",
        row_columns()
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_map(
            params![format_ts(from), format_ts(to), day.to_string()],
            desk_row,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// A patient's bills as the desk lists them, newest first.
pub fn bills_of_patient(
    conn: &Connection,
    patient: &crate::domain::ids::Id,
) -> Result<Vec<DeskRow>, StoreError> {
    let sql = format!(
        "SELECT {} FROM bills b JOIN patients p ON p.id = b.patient_id
         JOIN bill_totals t ON t.bill_id = b.id
         WHERE b.patient_id = ?1 ORDER BY b.opened_at DESC, b.number DESC",
        row_columns()
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_map([patient.as_str()], desk_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The schemes still offered, by name.
pub fn offered_schemes(conn: &Connection) -> Result<Vec<Scheme>, StoreError> {
    let mut offered: Vec<Scheme> = super::schemes(conn)?
        .into_iter()
        .filter(|s| s.active)
        .collect();
    offered.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(offered)
}

/// The tariff's items with a price on `day`, by code, with that price.
pub fn priced_on(conn: &Connection, day: NaiveDate) -> Result<Vec<(TariffItem, i64)>, StoreError> {
    Ok(super::tariff_on(conn, day)?
        .into_iter()
        .filter_map(|(item, price)| price.map(|p| (item, p)))
        .collect())
}
