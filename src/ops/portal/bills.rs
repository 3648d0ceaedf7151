//! The patient's own bills: their lines, the patient's share, payments and
//! refunds with their receipt numbers, and what is left to pay.

use super::{Section, own_patient, viewed};
use crate::auth::Session;
use crate::domain::billing::shares::Left;
use crate::domain::billing::{bill_number, receipt_number};
use crate::domain::clock::{Clock, Tz};
use crate::domain::pharmacy::money;
use crate::error::Result;
use crate::store::Db;
use crate::store::billing::{self as store, Totals};
use chrono::DateTime;

/// One line of a bill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillLine {
    pub posted_at: DateTime<Tz>,
    pub description: String,
    pub quantity: i64,
    /// In the currency's minor units, as every amount here.
    pub unit_price: i64,
    pub amount: i64,
    /// What the patient pays of it (the rest is the payer scheme's).
    pub patient_share: i64,
    /// A line taking back an earlier one (negative amounts), with why.
    pub reversal: Option<String>,
}

/// One payment (or refund, negative) on a bill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentLine {
    /// The receipt's number as printed (`000123`).
    pub receipt: String,
    pub taken_at: DateTime<Tz>,
    /// `Cash`, `Mobile money`, `Card` or `Scheme`.
    pub method: &'static str,
    pub amount: i64,
}

/// One bill with its lines, payments and totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillView {
    /// The bill's number as printed (`B-000045`).
    pub number: String,
    /// `visit` or `admission`.
    pub of: &'static str,
    pub opened_at: DateTime<Tz>,
    pub closed_at: Option<DateTime<Tz>>,
    pub lines: Vec<BillLine>,
    pub payments: Vec<PaymentLine>,
    pub totals: Totals,
    /// What the patient and their scheme each have left to pay.
    pub left: Left,
}

/// The patient's bills, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bills {
    /// The hospital's currency (`KES`).
    pub currency: String,
    pub bills: Vec<BillView>,
    /// What the patient has left to pay over all the bills (their own
    /// shares; a scheme settles its own).
    pub balance: i64,
}

impl Bills {
    /// An amount in minor units with the currency: `KES 1,234.56`.
    pub fn money(&self, minor: i64) -> String {
        money(minor, &self.currency)
    }
}

/// The patient's bills with their lines, payments and receipts (a READ
/// event).
pub fn bills(db: &mut Db, by: &Session, clock: Clock) -> Result<Bills> {
    let own = own_patient(db, by)?;
    let zone = clock.zone;
    let currency = db.settings()?.currency;
    let conn = db.conn();
    let mut bills = Vec::new();
    for (bill, totals) in store::bills_of_patient(conn, own.id())? {
        let lines = store::charges_of_bill(conn, &bill.id)?
            .into_iter()
            .map(|c| BillLine {
                posted_at: c.posted_at.with_timezone(&zone),
                description: c.description,
                quantity: c.quantity,
                unit_price: c.unit_price,
                amount: c.amount,
                patient_share: c.patient_share,
                reversal: c.reverses.map(|_| c.reason.unwrap_or_default()),
            })
            .collect();
        let paid = store::payments_of_bill(conn, &bill.id)?;
        let left = Left::of(
            totals.patient_share,
            totals.scheme_share,
            paid.iter().map(|p| (p.method, p.amount)),
        );
        let payments = paid
            .into_iter()
            .map(|p| PaymentLine {
                receipt: receipt_number(p.receipt),
                taken_at: p.taken_at.with_timezone(&zone),
                method: p.method.label(),
                amount: p.amount,
            })
            .collect();
        bills.push(BillView {
            number: bill_number(bill.number),
            of: if bill.admission_id.is_some() {
                "admission"
            } else {
                "visit"
            },
            opened_at: bill.opened_at.with_timezone(&zone),
            closed_at: bill.closed_at.map(|t| t.with_timezone(&zone)),
            lines,
            payments,
            totals,
            left,
        });
    }
    let balance = bills.iter().map(|b| b.left.patient).sum();
    viewed(
        db,
        by,
        &own,
        Section::Bills,
        format!("{} bills", bills.len()),
    )?;
    Ok(Bills {
        currency,
        bills,
        balance,
    })
}
