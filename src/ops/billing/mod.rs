//! Billing as the hospital sees it: the tariff and payer schemes
//! (tariff.rs), bills and their charges (bills.rs), and the cash desk's
//! payments, refunds and cash-up (desk.rs); the charges that post
//! themselves from consultations and bed-days (events.rs); the reports on
//! them (reports.rs, and outstanding.rs who still owes) and the receipts
//! printed from payments (receipts.rs).
//! Every change takes the one write path (role checked again inside the
//! transaction, audit event appended, the file's refusals in words); the
//! reads here check the role.

pub mod bills;
pub mod desk;
pub mod events;
pub mod outstanding;
pub mod receipts;
pub mod reports;
pub mod tariff;

use crate::auth::Session;
use crate::domain::billing::shares::Left;
use crate::domain::ids::Id;
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::store::Db;
use crate::store::billing as store;

pub use crate::store::billing::{
    Bill, ByMethod, CashUp, Charge, Charged, Payment, Scheme, Source, TariffItem, Totals,
};
pub use receipts::receipt_of;

/// A patient's bills, newest first, each with its totals.
pub fn bills_of_patient(db: &Db, by: &Session, patient: &Id) -> Result<Vec<(Bill, Totals)>> {
    by.require(Permission::ViewBills, "see bills")?;
    Ok(store::bills_of_patient(db.conn(), patient)?)
}

/// What the patient owes over all their bills (lines less payments).
pub fn outstanding(db: &Db, by: &Session, patient: &Id) -> Result<i64> {
    Ok(bills_of_patient(db, by, patient)?
        .iter()
        .map(|(_, t)| t.balance)
        .sum())
}

/// One bill with its totals, lines and payments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillDetail {
    pub bill: Bill,
    pub totals: Totals,
    pub charges: Vec<Charge>,
    pub payments: Vec<Payment>,
}

impl BillDetail {
    /// What the patient and the scheme each have left to pay.
    pub fn left(&self) -> Left {
        Left::of(
            self.totals.patient_share,
            self.totals.scheme_share,
            self.payments.iter().map(|p| (p.method, p.amount)),
        )
    }
}

/// One bill with its totals, lines and payments, for anyone who sees bills.
pub fn bill_detail(db: &Db, by: &Session, bill: &Id) -> Result<BillDetail> {
    by.require(Permission::ViewBills, "see bills")?;
    let conn = db.conn();
    let b = store::bill_by_id(conn, bill)?.ok_or_else(missing_bill)?;
    detail_of(conn, b)
}

/// `bill` with its totals, lines and payments as `conn` reads them.
fn detail_of(conn: &rusqlite::Connection, bill: Bill) -> Result<BillDetail> {
    Ok(BillDetail {
        totals: store::totals(conn, &bill.id)?,
        charges: store::charges_of_bill(conn, &bill.id)?,
        payments: store::payments_of_bill(conn, &bill.id)?,
        bill,
    })
}

fn missing_bill() -> Error {
    Error::NotFound("that bill is not in this hospital file: open the patient's bills again".into())
}
