//! The cash desk: payments (cash with its change, mobile money with its
//! reference, card, the scheme's settlement), each with the next receipt
//! number; refunds by an administrator with a reason; and the cashier's
//! cash-up, which closes their day to further payments.

use super::missing_bill;
use crate::auth::Session;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::billing::shares::Left;
use crate::domain::billing::{
    self, Method, REASON_MAX, REFERENCE_MAX, ServiceGroup, bill_number, check_text, money,
    receipt_number,
};
use crate::domain::clock::Clock;
use crate::domain::ids::Id;
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::ops::clinical::{self, event};
use crate::store::Db;
use crate::store::billing::desk::DeskRow;
use crate::store::billing::{
    self as store, Bill, ByMethod, CashUp, NewCashUp, NewPayment, Payment, Scheme, TariffItem,
};
use chrono::NaiveDate;
use rusqlite::Transaction;

/// A payment as the cashier types it (amounts in minor units).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaymentInput<'a> {
    pub bill: &'a Id,
    pub method: Method,
    pub amount: i64,
    /// Cash handed over, when more than the amount; none is the exact amount.
    pub tendered: Option<i64>,
    /// The mobile money transaction reference (or a card slip's number).
    pub reference: &'a str,
}

/// The transaction reference as typed, required for mobile money.
fn reference_for(method: Method, typed: &str) -> Result<String> {
    let reference =
        check_text(typed, "transaction reference", false, REFERENCE_MAX).map_err(Error::Refused)?;
    if method == Method::MobileMoney && reference.is_empty() {
        return Err(Error::Refused(
            "mobile money needs its transaction reference: type it from the confirmation message"
                .into(),
        ));
    }
    Ok(reference)
}

/// Refuses when `by`'s day is closed by their cash-up.
/// Why a payment by `method` is more than its side has left to pay: the
/// patient is not asked for the scheme's share, nor the scheme for the
/// patient's.
fn share_refusal(bill: &super::Bill, left: Left, method: Method, currency: &str) -> String {
    let number = bill_number(bill.number);
    if method == Method::Scheme {
        format!(
            "bill {number}'s scheme share left to settle is {}: a scheme settlement takes at most that (the patient's part, {}, is paid by the patient)",
            money(left.scheme.max(0), currency),
            money(left.patient.max(0), currency)
        )
    } else {
        format!(
            "bill {number}'s patient share left to pay is {}: take at most that from the patient (the scheme's share, {}, is settled with the method Scheme)",
            money(left.patient.max(0), currency),
            money(left.scheme.max(0), currency)
        )
    }
}

fn day_open(tx: &Transaction, by: &Session, day: NaiveDate) -> Result<()> {
    if store::cash_up_of(tx, &by.user.id, day)?.is_some() {
        return Err(Error::Refused(format!(
            "your day {day} is closed by its cash-up: no more payments can be taken on it"
        )));
    }
    Ok(())
}

/// A cashier or administrator takes a payment on a bill, up to its balance.
pub fn take_payment(
    db: &mut Db,
    by: &Session,
    input: &PaymentInput,
    clock: Clock,
) -> Result<Payment> {
    let currency = db.settings()?.currency;
    if input.amount <= 0 {
        return Err(Error::Refused(
            "a payment is more than zero: type the amount taken (a refund is done apart)".into(),
        ));
    }
    let reference = reference_for(input.method, input.reference)?;
    let (tendered, change) = match (input.method, input.tendered) {
        (Method::Cash, t) => {
            let t = t.unwrap_or(input.amount);
            let c = billing::change(input.amount, t).map_err(|_| {
                Error::Refused(format!(
                    "the cash tendered ({}) is less than the amount ({}): take at least the amount, or take less",
                    money(t, &currency),
                    money(input.amount, &currency)
                ))
            })?;
            (Some(t), Some(c))
        }
        (_, Some(_)) => {
            return Err(Error::Refused(
                "only cash is tendered with change: leave the tendered amount empty".into(),
            ));
        }
        (_, None) => (None, None),
    };
    let day = clock.today();
    clinical::write(db, by, Permission::TakePayments, "take payments", |tx| {
        let bill = store::bill_by_id(tx, input.bill)?.ok_or_else(missing_bill)?;
        day_open(tx, by, day)?;
        let totals = store::totals(tx, &bill.id)?;
        if input.amount > totals.balance {
            return Err(Error::Refused(format!(
                "bill {} has {} to pay, less than {}: take at most the balance",
                bill_number(bill.number),
                money(totals.balance.max(0), &currency),
                money(input.amount, &currency)
            )));
        }
        let payments = store::payments_of_bill(tx, &bill.id)?;
        let left = Left::of(
            totals.patient_share,
            totals.scheme_share,
            payments.iter().map(|p| (p.method, p.amount)),
        );
        if input.amount > left.for_method(input.method) {
            return Err(Error::Refused(share_refusal(
                &bill,
                left,
                input.method,
                &currency,
            )));
        }
        let change_text = change
            .map(|c| format!(", change {}", money(c, &currency)))
            .unwrap_or_default();
        record(
            tx,
            &bill,
            &NewPayment {
                bill: &bill.id,
                method: input.method,
                amount: input.amount,
                reference: Some(reference.as_str()).filter(|r| !r.is_empty()),
                tendered,
                change,
                reason: None,
                cashier: &by.user.id,
                day,
            },
            AuditAction::TakePayment,
            format!(
                "{} by {}",
                money(input.amount, &currency),
                input.method.label()
            ),
            &change_text,
            clock,
        )
    })
}

/// Records a payment or refund on `bill` with the next receipt number, and
/// its event: the receipt, `what`, the bill, then `after`.
fn record(
    tx: &Transaction,
    bill: &Bill,
    new: &NewPayment,
    action: AuditAction,
    what: String,
    after: &str,
    clock: Clock,
) -> Result<(Payment, Vec<AuditEvent>)> {
    let p = store::insert_payment(tx, new, clock.now)?;
    let e = event(
        action,
        "payment",
        &p.id,
        &bill.patient_id,
        format!(
            "receipt {}: {what} on bill {}{after}",
            receipt_number(p.receipt),
            bill_number(bill.number)
        ),
    );
    Ok((p, vec![e]))
}

/// A refund as an administrator types it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefundInput<'a> {
    pub bill: &'a Id,
    pub method: Method,
    /// What is given back, more than zero.
    pub amount: i64,
    pub reason: &'a str,
    pub reference: &'a str,
}

/// An administrator refunds up to what was paid on a bill, with a reason;
/// the refund is a negative payment with its own receipt number.
pub fn refund(db: &mut Db, by: &Session, input: &RefundInput, clock: Clock) -> Result<Payment> {
    let currency = db.settings()?.currency;
    let reason = check_text(input.reason, "reason for the refund", true, REASON_MAX)
        .map_err(Error::Refused)?;
    let reference = reference_for(input.method, input.reference)?;
    let day = clock.today();
    clinical::write(
        db,
        by,
        Permission::RefundPayments,
        "refund payments",
        |tx| {
            let bill = store::bill_by_id(tx, input.bill)?.ok_or_else(missing_bill)?;
            day_open(tx, by, day)?;
            let paid = store::totals(tx, &bill.id)?.paid;
            billing::check_refund(input.amount, paid).map_err(|_| {
                Error::Refused(format!(
                    "bill {} has {} paid on it: refund more than zero and at most that",
                    bill_number(bill.number),
                    money(paid, &currency)
                ))
            })?;
            record(
                tx,
                &bill,
                &NewPayment {
                    bill: &bill.id,
                    method: input.method,
                    amount: -input.amount,
                    reference: Some(reference.as_str()).filter(|r| !r.is_empty()),
                    tendered: None,
                    change: None,
                    reason: Some(&reason),
                    cashier: &by.user.id,
                    day,
                },
                AuditAction::RefundPayment,
                format!(
                    "{} refunded by {}",
                    money(input.amount, &currency),
                    input.method.label()
                ),
                &format!(": {reason}"),
                clock,
            )
        },
    )
}

/// What the signed-in cashier took today, by method, as the file says.
pub fn my_takings(db: &Db, by: &Session, clock: Clock) -> Result<ByMethod> {
    by.require(Permission::TakePayments, "see the day's takings")?;
    Ok(store::takings(db.conn(), &by.user.id, clock.today())?)
}

/// The cashier closes their day: the file's takings by method are what is
/// expected, the cash counted is typed, the difference needs a note.
pub fn close_cash_up(
    db: &mut Db,
    by: &Session,
    counted_cash: i64,
    note: &str,
    clock: Clock,
) -> Result<CashUp> {
    let currency = db.settings()?.currency;
    if counted_cash < 0 {
        return Err(Error::Refused(
            "the cash counted is 0 or more: count the drawer again".into(),
        ));
    }
    let note = check_text(note, "note", false, REASON_MAX).map_err(Error::Refused)?;
    let day = clock.today();
    clinical::write(
        db,
        by,
        Permission::TakePayments,
        "close the day's cash-up",
        |tx| {
            day_open(tx, by, day)?;
            let expected = store::takings(tx, &by.user.id, day)?;
            let difference = counted_cash - expected.cash;
            if difference != 0 && note.is_empty() {
                return Err(Error::Refused(format!(
                    "the cash counted differs from the day's cash by {}: type a note saying why",
                    money(difference, &currency)
                )));
            }
            let id = store::insert_cash_up(
                tx,
                &NewCashUp {
                    cashier: &by.user.id,
                    day,
                    expected,
                    counted_cash,
                    note: &note,
                    by: &by.user.id,
                },
                clock.now,
            )?;
            let e = AuditEvent::new(
            AuditAction::CloseCashUp,
            "cash_up",
            format!(
                "{}'s day {day} closed: cash expected {}, counted {}, difference {}; mobile money {}, card {}, scheme {}",
                by.user.user_name,
                money(expected.cash, &currency),
                money(counted_cash, &currency),
                money(difference, &currency),
                money(expected.mobile_money, &currency),
                money(expected.card, &currency),
                money(expected.scheme, &currency)
            ),
        )
        .on(id.as_str());
            let cash_up = store::cash_up_of(tx, &by.user.id, day)?.ok_or_else(|| {
                Error::NotFound("the cash-up just closed could not be read back: try again".into())
            })?;
            Ok((cash_up, vec![e]))
        },
    )
}

/// The bills the desk works on today: those with a line posted or a
/// payment taken on the hospital's day, the latest opened first.
pub fn day_bills(db: &Db, by: &Session, clock: Clock) -> Result<Vec<DeskRow>> {
    by.require(Permission::ViewBills, "see bills")?;
    let (from, to) = crate::domain::clock::day_bounds(clock.zone, clock.today());
    Ok(store::desk::bills_of_day(
        db.conn(),
        from,
        to,
        clock.today(),
    )?)
}

/// A patient's bills as the desk lists them, newest first.
pub fn patient_bills(db: &Db, by: &Session, patient: &Id) -> Result<Vec<DeskRow>> {
    by.require(Permission::ViewBills, "see bills")?;
    Ok(store::desk::bills_of_patient(db.conn(), patient)?)
}

/// The signed-in cashier's cash-up of today, when their day is closed.
pub fn my_cash_up(db: &Db, by: &Session, clock: Clock) -> Result<Option<CashUp>> {
    by.require(Permission::TakePayments, "see the day's cash-up")?;
    Ok(store::cash_up_of(db.conn(), &by.user.id, clock.today())?)
}

/// The payer schemes a desk may set on a patient.
pub fn offered_schemes(db: &Db, by: &Session) -> Result<Vec<Scheme>> {
    by.require(Permission::SetPatientScheme, "set a patient's payer scheme")?;
    Ok(store::desk::offered_schemes(db.conn())?)
}

/// The scheme covering a patient today and their member number (none is
/// self-pay).
pub fn scheme_of_patient(
    db: &Db,
    by: &Session,
    patient: &Id,
    clock: Clock,
) -> Result<Option<(Scheme, String)>> {
    by.require(Permission::ViewBills, "see bills")?;
    Ok(store::scheme_of_patient_on(
        db.conn(),
        patient,
        clock.today(),
    )?)
}

/// The procedures and services priced today, for a manual charge (the
/// other groups post themselves from their events).
pub fn priced_today(db: &Db, by: &Session, clock: Clock) -> Result<Vec<(TariffItem, i64)>> {
    by.require(Permission::PostCharges, "post charges")?;
    Ok(store::desk::priced_on(db.conn(), clock.today())?
        .into_iter()
        .filter(|(i, _)| matches!(i.group, ServiceGroup::Procedure | ServiceGroup::Service))
        .collect())
}

/// What a new manual charge for a patient goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeTo {
    /// The stay of an admitted patient.
    Stay(Id),
    /// The patient's latest visit of today.
    Visit(Id),
}

/// Where a charge for `patient` goes now: their stay while admitted, else
/// their latest visit started today; none when they have neither.
pub fn charge_to(db: &Db, by: &Session, patient: &Id, clock: Clock) -> Result<Option<ChargeTo>> {
    by.require(Permission::PostCharges, "post charges")?;
    let conn = db.conn();
    if let Some(stay) = crate::store::beds::active_admission_of(conn, patient)? {
        return Ok(Some(ChargeTo::Stay(stay.id)));
    }
    let (latest, _) = crate::store::clinical::visits::latest_visits(conn, patient, 1)?;
    Ok(latest
        .into_iter()
        .find(|v| clock.at(v.started_at).date_naive() == clock.today())
        .map(|v| ChargeTo::Visit(v.id)))
}
