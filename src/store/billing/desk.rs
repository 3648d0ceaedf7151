//! What the cash desk lists: the bills with something done on them on a
//! hospital day (a line posted, a payment taken), with their patient and
//! totals; the schemes a desk may set; the tariff items priced on a day.
//! Read through the `charges_posted` and `payments_day` indexes, never the
//! whole history.

use super::{BILL_COLUMNS, Bill, Scheme, TariffItem, Totals, bill, totals};
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

/// The bills with a line posted in `[from, to)` or a payment on `day`,
/// the latest opened first.
pub fn bills_of_day(
    conn: &Connection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    day: NaiveDate,
) -> Result<Vec<DeskRow>, StoreError> {
    let sql = format!(
        "SELECT {BILL_COLUMNS} FROM bills WHERE id IN (
             SELECT bill_id FROM charges WHERE posted_at >= ?1 AND posted_at < ?2
             UNION SELECT bill_id FROM payments WHERE day = ?3)
         ORDER BY opened_at DESC, number DESC"
    );
    let bills = conn
        .prepare_cached(&sql)?
        .query_map(
            params![format_ts(from), format_ts(to), day.to_string()],
            bill,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    bills.into_iter().map(|b| row_of(conn, b)).collect()
}

/// A patient's bills as the desk lists them, newest first.
pub fn bills_of_patient(
    conn: &Connection,
    patient: &crate::domain::ids::Id,
) -> Result<Vec<DeskRow>, StoreError> {
    let bills = conn
        .prepare_cached(&format!(
            "SELECT {BILL_COLUMNS} FROM bills WHERE patient_id = ?1 ORDER BY opened_at DESC, number DESC"
        ))?
        .query_map([patient.as_str()], bill)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    bills.into_iter().map(|b| row_of(conn, b)).collect()
}

fn row_of(conn: &Connection, bill: Bill) -> Result<DeskRow, StoreError> {
    let (given, middle, family, mrn): (String, String, String, String) = conn
        .prepare_cached(
            "SELECT given_name, middle_name, family_name, mrn FROM patients WHERE id = ?1",
        )?
        .query_row([bill.patient_id.as_str()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
    Ok(DeskRow {
        totals: totals(conn, &bill.id)?,
        bill,
        patient_name: full_name(&given, &middle, &family),
        mrn,
    })
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
