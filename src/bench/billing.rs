//! The billing measures on the bench day: a procedure posted by hand on
//! an admitted patient's bill (`ops::billing::bills::post_manual`), a
//! payment taken at the cash desk (`ops::billing::desk::take_payment`:
//! the role checked inside the transaction, the next receipt number, the
//! file's triggers, the audit event, commit with synchronous=FULL), the
//! takings report of the busiest past day and the insurance scheme's
//! claims for the last whole month.

use super::charges::{CASHIERS, INSURANCE, PROCEDURES};
use super::stats::{Summary, timed};
use super::{DOCTOR, PASSWORD, clinic_now};
use crate::auth::{self, Session};
use crate::domain::billing::Method;
use crate::domain::ids::Id;
use crate::ops::billing::desk::{self, PaymentInput};
use crate::ops::billing::reports::{self, Month};
use crate::ops::billing::{Charge, bills};
use crate::store::Db;
use crate::store::billing::BillOf;
use crate::store::sessions::EndReason;
use anyhow::{Context, Result, bail};
use chrono::{Datelike, Duration, NaiveDate};

fn sign_in(db: &mut Db, user: &str) -> Result<Session> {
    auth::sign_in(db, user, PASSWORD, clinic_now())
        .with_context(|| format!("the bench account {user} could not sign in"))
}

/// `samples` procedures posted by the bench doctor on the bills of the
/// admitted patients in turn, each its own commit with synchronous=FULL;
/// the log folded in between, untimed. Returns the lines posted.
pub fn post_manual(db: &mut Db, samples: usize) -> Result<(Summary, Vec<Charge>)> {
    let start = clinic_now();
    let doctor = sign_in(db, DOCTOR)?;
    let admitted: Vec<Id> = crate::store::clinical::bulk::admission_spans(db.conn())?
        .into_iter()
        .filter(|a| a.discharged_at.is_none())
        .map(|a| a.id)
        .collect();
    if admitted.is_empty() {
        bail!("the bench hospital has no admitted patient: it is incomplete");
    }
    db.defer_wal_checkpoints()?;
    let mut times = Vec::with_capacity(samples);
    let mut posted = Vec::with_capacity(samples);
    for i in 0..samples {
        db.checkpoint_wal()?;
        let clock = db.clock(start + Duration::seconds(i as i64))?;
        let (code, _, _) = PROCEDURES[i % PROCEDURES.len()];
        let of = BillOf::Admission(&admitted[i % admitted.len()]);
        let (charge, t) = timed(|| bills::post_manual(db, &doctor, of, code, 1, clock));
        posted.push(charge.context("posting a procedure on a bench bill failed")?);
        times.push(t);
    }
    auth::sign_out(db, &doctor, EndReason::Logout, start)?;
    Ok((Summary::of(&times), posted))
}

/// The bench cashier takes the patient's share of each line `charged`
/// (cash with change, mobile money with its reference, card in turn; the
/// scheme's settlement of a waived line),
/// each its own commit with synchronous=FULL; the log folded in between,
/// untimed.
pub fn take_payments(db: &mut Db, charged: &[Charge]) -> Result<Summary> {
    let start = clinic_now() + Duration::hours(1);
    let cashier = sign_in(db, CASHIERS[0].0)?;
    db.defer_wal_checkpoints()?;
    let mut times = Vec::with_capacity(charged.len());
    for (i, c) in charged.iter().enumerate() {
        db.checkpoint_wal()?;
        let clock = db.clock(start + Duration::seconds(i as i64))?;
        let reference = format!("MP{:010}", 4_000_000_000u64 + i as u64);
        // A waived line is the scheme's to settle.
        let (amount, method, tendered, reference) = match (c.patient_share, i % 3) {
            (0, _) => (c.amount, Method::Scheme, None, ""),
            (a, 0) => (a, Method::Cash, Some((a + 999) / 1_000 * 1_000), ""),
            (a, 1) => (a, Method::MobileMoney, None, reference.as_str()),
            (a, _) => (a, Method::Card, None, ""),
        };
        let input = PaymentInput {
            bill: &c.bill_id,
            method,
            amount,
            tendered,
            reference,
        };
        let (paid, t) = timed(|| desk::take_payment(db, &cashier, &input, clock));
        paid.context("taking a payment on a bench bill failed")?;
        times.push(t);
    }
    auth::sign_out(db, &cashier, EndReason::Logout, start)?;
    Ok(Summary::of(&times))
}

/// What the takings report found: its day, the payments and refunds
/// counted, the cashiers.
#[derive(Debug, Clone, Copy)]
pub struct DaySeen {
    pub day: NaiveDate,
    pub payments: i64,
    pub cashiers: usize,
}

/// The takings report of the past day with the most payments, `samples`
/// times, as the first cashier reads it.
pub fn takings(mut db: Db, samples: usize) -> Result<(Summary, DaySeen)> {
    let cashier = sign_in(&mut db, CASHIERS[0].0)?;
    let (day, payments) =
        crate::store::billing::bulk::busiest_day_before(db.conn(), clinic_now().date_naive())?
            .context("the bench hospital has no payment before its day: it is incomplete")?;
    let mut times = Vec::with_capacity(samples);
    let mut cashiers = 0;
    for _ in 0..samples {
        let (t, took) = timed(|| reports::takings(&db, &cashier, day));
        let t = t?;
        if t.total.payments <= 0 {
            bail!("the takings of {day} show nothing taken");
        }
        cashiers = t.by_cashier.len();
        times.push(took);
    }
    auth::sign_out(&mut db, &cashier, EndReason::Logout, clinic_now())?;
    Ok((
        Summary::of(&times),
        DaySeen {
            day,
            payments,
            cashiers,
        },
    ))
}

/// What the claims report found.
#[derive(Debug, Clone)]
pub struct ClaimsSeen {
    pub month: String,
    pub claims: usize,
    pub lines: usize,
}

/// The whole month before the bench day's.
pub fn last_month() -> Result<Month> {
    let first = clinic_now().date_naive().with_day(1).unwrap_or_default();
    let before = first - Duration::days(1);
    Ok(Month::parse(&before.format("%Y-%m").to_string())?)
}

/// The insurance scheme's claims for the last whole month, `samples`
/// times, as the first cashier reads them.
pub fn claims(mut db: Db, samples: usize) -> Result<(Summary, ClaimsSeen)> {
    let cashier = sign_in(&mut db, CASHIERS[0].0)?;
    let clock = db.clock(clinic_now())?;
    let month = last_month()?;
    let mut times = Vec::with_capacity(samples);
    let mut seen = ClaimsSeen {
        month: month.label(),
        claims: 0,
        lines: 0,
    };
    for _ in 0..samples {
        let (c, took) = timed(|| reports::claims(&mut db, &cashier, INSURANCE, month, clock));
        let c = c?;
        seen.claims = c.claims.len();
        seen.lines = c.claims.iter().map(|c| c.lines.len()).sum();
        times.push(took);
    }
    if seen.claims == 0 {
        bail!("the bench insurance scheme has no claim for {}", seen.month);
    }
    auth::sign_out(&mut db, &cashier, EndReason::Logout, clinic_now())?;
    Ok((Summary::of(&times), seen))
}
