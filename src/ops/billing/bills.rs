//! Bills and their lines: the bill of a visit or of an admission (opened
//! when first needed; an admission's interim bill closed so the next one
//! opens), charges posted with the patient's and the scheme's shares of the
//! day, and reversals. Other areas post their charges through
//! [`post_in`] inside their own transaction.

use super::missing_bill;
use crate::auth::Session;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::billing::shares::{self, Cover};
use crate::domain::billing::{REASON_MAX, bill_number, check_text};
use crate::domain::clock::Clock;
use crate::domain::ids::Id;
use crate::domain::pharmacy::Take;
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::ops::clinical::{self, event, patient_in_use};
use crate::store::billing::{self as store, Bill, BillOf, Charge, Charged, NewCharge, Source};
use crate::store::clinical::visits;
use crate::store::{Db, beds};
use rusqlite::Transaction;

/// The open bill of `of`, opened now if it has none, with the event of its
/// opening when it was opened.
pub fn open_or_find_in(
    tx: &Transaction,
    of: BillOf,
    clock: Clock,
) -> Result<(Bill, Option<AuditEvent>)> {
    if let Some(b) = store::open_bill(tx, of)? {
        return Ok((b, None));
    }
    let (patient, what) = match of {
        BillOf::Visit(v) => {
            let visit = visits::visit_by_id(tx, v)?
                .ok_or_else(|| Error::NotFound("that visit is not in this hospital file".into()))?;
            (visit.patient_id, "visit")
        }
        BillOf::Admission(a) => {
            let adm = beds::admission_by_id(tx, a)?.ok_or_else(|| {
                Error::NotFound("that admission is not in this hospital file".into())
            })?;
            (adm.patient.id, "admission")
        }
    };
    let patient = patient_in_use(tx, &patient)?;
    let bill = store::insert_bill(tx, &patient.id, of, clock.now)?;
    let e = event(
        AuditAction::OpenBill,
        "bill",
        &bill.id,
        &patient.id,
        format!(
            "bill {} opened for {} ({what})",
            bill_number(bill.number),
            patient.mrn
        ),
    );
    Ok((bill, Some(e)))
}

/// The open bill of a visit or admission, opened if it has none; an
/// admission's bed-days due by the clock are posted on it first.
pub fn open_or_find(db: &mut Db, by: &Session, of: BillOf, clock: Clock) -> Result<Bill> {
    clinical::write(db, by, Permission::ViewBills, "open a bill", |tx| {
        let mut events = match of {
            BillOf::Admission(a) => super::events::post_bed_days_in(tx, a, &by.user.id, clock)?,
            BillOf::Visit(_) => Vec::new(),
        };
        let (bill, e) = open_or_find_in(tx, of, clock)?;
        events.extend(e);
        Ok((bill, events))
    })
}

/// A bill read for payment (an audited READ): an admission's bed-days due
/// by the clock are posted first (on its open bill), then the bill is shown
/// with its totals, lines and payments.
pub fn for_payment(
    db: &mut Db,
    by: &Session,
    bill: &Id,
    clock: Clock,
) -> Result<super::BillDetail> {
    clinical::write(db, by, Permission::ViewBills, "open a bill", |tx| {
        let b = store::bill_by_id(tx, bill)?.ok_or_else(missing_bill)?;
        let mut events = match &b.admission_id {
            Some(a) => super::events::post_bed_days_in(tx, a, &by.user.id, clock)?,
            None => Vec::new(),
        };
        events.push(event(
            AuditAction::Read,
            "bill",
            &b.id,
            &b.patient_id,
            format!("bill {} read for payment", bill_number(b.number)),
        ));
        Ok((super::detail_of(tx, b)?, events))
    })
}

/// Closes a bill (an admission's interim bill, or a settled visit's): its
/// lines stay, and the next charge of the stay opens a new bill.
pub fn close(db: &mut Db, by: &Session, bill: &Id, clock: Clock) -> Result<Bill> {
    clinical::write(db, by, Permission::TakePayments, "close a bill", |tx| {
        let b = store::bill_by_id(tx, bill)?.ok_or_else(missing_bill)?;
        if !store::close_bill(tx, &b.id, &by.user.id, clock.now)? {
            return Err(Error::Refused(format!(
                "bill {} is closed already: the stay's next charges open a new bill",
                bill_number(b.number)
            )));
        }
        let e = event(
            AuditAction::CloseBill,
            "bill",
            &b.id,
            &b.patient_id,
            format!("bill {} closed", bill_number(b.number)),
        );
        let closed = store::bill_by_id(tx, bill)?.ok_or_else(missing_bill)?;
        Ok((closed, vec![e]))
    })
}

/// The cover of the patient's scheme on the clock's day (self-pay when
/// none is set, or the scheme is no longer offered).
fn cover_on(tx: &Transaction, patient: &Id, clock: Clock) -> Result<Cover> {
    Ok(store::scheme_of_patient_on(tx, patient, clock.today())?
        .filter(|(s, _)| s.active)
        .map(|(s, _)| s.cover)
        .unwrap_or(Cover::SELF_PAY))
}

/// A line to post on a bill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line<'a> {
    pub source: Source,
    pub charged: Charged,
    pub description: &'a str,
    pub quantity: i64,
    pub unit_price: i64,
}

/// Posts a line on `bill` inside the caller's transaction, split by the
/// patient's scheme of the day, and returns it with its POST_CHARGE event.
pub fn post_in(
    tx: &Transaction,
    bill: &Bill,
    line: &Line,
    by: &Id,
    clock: Clock,
) -> Result<(Charge, AuditEvent)> {
    if line.quantity < 1 {
        return Err(Error::Refused(
            "a charge is for 1 or more: correct the quantity".into(),
        ));
    }
    if line.unit_price < 0 {
        return Err(Error::Refused("a price is 0 or more: correct it".into()));
    }
    // Named by the program from what was charged: kept to the file's 120
    // characters rather than refused.
    let description: String = line.description.trim().chars().take(120).collect();
    if description.is_empty() {
        return Err(Error::Refused(
            "a charge needs a description: name what is charged".into(),
        ));
    }
    let amount = line.quantity.checked_mul(line.unit_price).ok_or_else(|| {
        Error::Refused("that charge is too large: check the quantity and price".into())
    })?;
    let cover = cover_on(tx, &bill.patient_id, clock)?;
    let s = shares::split(amount, cover, store::co_payment_in(tx, &bill.id)?);
    let id = store::insert_charge(
        tx,
        &NewCharge {
            bill: &bill.id,
            source: &line.source,
            charged: &line.charged,
            description: &description,
            quantity: line.quantity,
            unit_price: line.unit_price,
            patient_share: s.patient,
            scheme_share: s.scheme,
            co_payment: s.co_payment,
            reverses: None,
            reason: None,
            by,
        },
        clock.now,
    )?;
    let charge = store::charge_by_id(tx, &id)?.ok_or_else(|| {
        Error::NotFound("the charge just posted could not be read back: try again".into())
    })?;
    let e = event(
        AuditAction::PostCharge,
        "charge",
        &id,
        &bill.patient_id,
        format!(
            "{} × {description} at {} on bill {} (patient {}, scheme {})",
            line.quantity,
            line.unit_price,
            bill_number(bill.number),
            s.patient,
            s.scheme
        ),
    );
    Ok((charge, e))
}

/// Reverses a line inside the caller's transaction: a new line of the
/// opposite sign with the reason, on the same bill.
pub fn reverse_in(
    tx: &Transaction,
    original: &Charge,
    reason: &str,
    by: &Id,
    clock: Clock,
) -> Result<(Charge, AuditEvent)> {
    let reason =
        check_text(reason, "reason for the reversal", true, REASON_MAX).map_err(Error::Refused)?;
    if original.reverses.is_some() {
        return Err(Error::Refused(
            "that line is itself a reversal: post the charge again instead".into(),
        ));
    }
    if store::reversal_of(tx, &original.id)?.is_some() {
        return Err(Error::Refused(
            "that charge is reversed already: nothing to do".into(),
        ));
    }
    let bill = store::bill_by_id(tx, &original.bill_id)?.ok_or_else(missing_bill)?;
    let s = shares::reversed(shares::Shares {
        patient: original.patient_share,
        scheme: original.scheme_share,
        co_payment: original.co_payment,
    });
    let id = store::insert_charge(
        tx,
        &NewCharge {
            bill: &original.bill_id,
            source: &original.source,
            charged: &original.charged,
            description: &original.description,
            quantity: -original.quantity,
            unit_price: original.unit_price,
            patient_share: s.patient,
            scheme_share: s.scheme,
            co_payment: s.co_payment,
            reverses: Some(&original.id),
            reason: Some(&reason),
            by,
        },
        clock.now,
    )?;
    let charge = store::charge_by_id(tx, &id)?.ok_or_else(|| {
        Error::NotFound("the reversal just posted could not be read back: try again".into())
    })?;
    let e = event(
        AuditAction::ReverseCharge,
        "charge",
        &id,
        &bill.patient_id,
        format!(
            "{} reversed on bill {}: {reason}",
            original.description,
            bill_number(bill.number)
        ),
    );
    Ok((charge, e))
}

/// A doctor, nurse or administrator posts a manual charge (a procedure,
/// a service) from the tariff at the price of the day.
pub fn post_manual(
    db: &mut Db,
    by: &Session,
    of: BillOf,
    tariff_code: &str,
    quantity: i64,
    clock: Clock,
) -> Result<Charge> {
    let code = tariff_code.trim().to_ascii_uppercase();
    clinical::write(db, by, Permission::PostCharges, "post charges", |tx| {
        let item = store::tariff_item_by_code(tx, &code)?.ok_or_else(|| {
            Error::NotFound(format!(
                "the tariff has no item {code:?}: search the tariff and choose again"
            ))
        })?;
        let price = store::price_on(tx, &item.id, clock.today())?.ok_or_else(|| {
            Error::Refused(format!(
                "{} ({}) has no price on {}: ask an administrator to set one",
                item.code,
                item.name,
                clock.today()
            ))
        })?;
        let (bill, opened) = open_or_find_in(tx, of, clock)?;
        let (charge, e) = post_in(
            tx,
            &bill,
            &Line {
                source: Source::Manual,
                charged: Charged::Tariff(item.id.clone()),
                description: &item.name,
                quantity,
                unit_price: price,
            },
            &by.user.id,
            clock,
        )?;
        Ok((charge, opened.into_iter().chain([e]).collect()))
    })
}

/// A doctor, nurse or administrator reverses a charge, with a reason.
pub fn reverse(
    db: &mut Db,
    by: &Session,
    charge: &Id,
    reason: &str,
    clock: Clock,
) -> Result<Charge> {
    clinical::write(db, by, Permission::PostCharges, "reverse charges", |tx| {
        let original = store::charge_by_id(tx, charge)?.ok_or_else(|| {
            Error::NotFound("that charge is not in this hospital file: open the bill again".into())
        })?;
        let (c, e) = reverse_in(tx, &original, reason, &by.user.id, clock)?;
        Ok((c, vec![e]))
    })
}

/// A priced test of a new lab order: its id, name and price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PricedTest<'a> {
    pub id: &'a Id,
    pub name: &'a str,
    pub price: i64,
}

/// Posts a new lab order's tests inside its transaction: each test with a
/// price, on the admission's bill for an admitted patient, else on the
/// bill of the visit it was ordered from. Tests the lab has not priced
/// (price 0) post nothing.
pub fn post_lab_order_in(
    tx: &Transaction,
    order: &Id,
    of: BillOf,
    tests: &[PricedTest],
    by: &Id,
    clock: Clock,
) -> Result<Vec<AuditEvent>> {
    let priced: Vec<&PricedTest> = tests.iter().filter(|t| t.price > 0).collect();
    if priced.is_empty() {
        return Ok(Vec::new());
    }
    let (bill, opened) = open_or_find_in(tx, of, clock)?;
    let mut events: Vec<AuditEvent> = opened.into_iter().collect();
    for t in priced {
        let (_, e) = post_in(
            tx,
            &bill,
            &Line {
                source: Source::LabOrder(order.clone()),
                charged: Charged::LabTest(t.id.clone()),
                description: t.name,
                quantity: 1,
                unit_price: t.price,
            },
            by,
            clock,
        )?;
        events.push(e);
    }
    Ok(events)
}

/// Reverses every line still standing that came from `source` (a lab
/// order cancelled or its specimen rejected), inside its transaction.
pub fn reverse_source_in(
    tx: &Transaction,
    source: &Source,
    reason: &str,
    by: &Id,
    clock: Clock,
) -> Result<Vec<AuditEvent>> {
    store::standing_charges_of(tx, source)?
        .iter()
        .map(|c| reverse_in(tx, c, reason, by, clock).map(|(_, e)| e))
        .collect()
}

/// Posts a dispense inside its transaction: each batch taken, quantity ×
/// the batch's selling price, from its ledger row `seqs[i]` (in the order
/// of `takes`). Batches without a price post nothing.
pub fn post_dispense_in(
    tx: &Transaction,
    of: BillOf,
    medicine: &str,
    dispensed: &[(i64, &Take)],
    by: &Id,
    clock: Clock,
) -> Result<Vec<AuditEvent>> {
    let mut lines = Vec::new();
    for (seq, take) in dispensed {
        let batch = crate::store::pharmacy::get_batch(tx, &take.batch_id)?.ok_or_else(|| {
            Error::NotFound(format!("batch {} is not in the file", take.batch_no))
        })?;
        if batch.price > 0 {
            lines.push((*seq, *take, batch.price));
        }
    }
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    let (bill, opened) = open_or_find_in(tx, of, clock)?;
    let mut events: Vec<AuditEvent> = opened.into_iter().collect();
    for (seq, take, price) in lines {
        let description = format!("{medicine} (batch {})", take.batch_no);
        let (_, e) = post_in(
            tx,
            &bill,
            &Line {
                source: Source::Dispense(Id::from_stored(seq.to_string())),
                charged: Charged::Batch(Id::from_stored(take.batch_id.clone())),
                description: &description,
                quantity: take.quantity,
                unit_price: price,
            },
            by,
            clock,
        )?;
        events.push(e);
    }
    Ok(events)
}
