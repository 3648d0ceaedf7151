//! Results: the lab enters them (each checked and flagged against the
//! patient's range on the collection date), verifies them (a second
//! technician, or the one who entered them where the hospital allows it,
//! with the typed word, audited apart), corrects a verified one by a new
//! version with a reason; a clinician acknowledges a critical one.

use super::{
    LabResult, OrderDetail, TestAnalytes, analytes_of_order, chain, check_version, detail_from,
    load,
};
use crate::auth::Session;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::clock::Clock;
use crate::domain::ids::Id;
use crate::domain::lab::entry::{ResultValue, check_value, flag};
use crate::domain::lab::order::{OrderStatus, SELF_VERIFY_WORD, check_note};
use crate::domain::lab::ranges::choose;
use crate::domain::lab::{Analyte, ResultType};
use crate::domain::patient::Sex;
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::ops::clinical::{self, event};
use crate::store::lab_orders::results::{self as store, NewResult, Value};
use crate::store::lab_orders::{self as orders, LabOrder};
use crate::store::{Db, patients};
use chrono::NaiveDate;
use rusqlite::Connection;

/// A typed value checked, flagged and ready to write.
struct Checked {
    text: String,
    number: Option<f64>,
    flag: &'static str,
    low: Option<f64>,
    high: Option<f64>,
}

impl Checked {
    fn value(&self) -> Value<'_> {
        Value {
            text: &self.text,
            number: self.number,
            flag: self.flag,
            range_low: self.low,
            range_high: self.high,
        }
    }
}

/// The patient an order's values are flagged for: their sex and birth
/// date, and the day the specimen was collected (hospital zone).
struct FlaggedFor {
    sex: Sex,
    birth: NaiveDate,
    on: NaiveDate,
}

impl FlaggedFor {
    fn of(conn: &Connection, o: &LabOrder, clock: Clock) -> Result<FlaggedFor> {
        let p = patients::get(conn, &o.patient_id)?.ok_or_else(|| {
            Error::NotFound("that order's patient is not in this hospital file".into())
        })?;
        Ok(FlaggedFor {
            sex: p.details.sex,
            birth: p.details.birth_date,
            on: clock
                .at(o.collected_at.unwrap_or(o.ordered_at))
                .date_naive(),
        })
    }

    /// Checks `typed` for `analyte` and flags it for this patient.
    fn check(&self, analyte: &Analyte, typed: &str) -> std::result::Result<Checked, String> {
        let value = check_value(analyte, typed)?;
        let f = flag(analyte, &value, self.sex, self.birth, self.on);
        let range = match analyte.kind {
            ResultType::Number { .. } => choose(&analyte.ranges, self.sex, self.birth, self.on),
            _ => None,
        };
        let (text, number) = match value {
            ResultValue::Number { value, text } => (text, Some(value)),
            ResultValue::Choice(t) | ResultValue::Text(t) => (t, None),
        };
        Ok(Checked {
            text,
            number,
            flag: f.letters(),
            low: range.as_ref().and_then(|r| r.low),
            high: range.as_ref().and_then(|r| r.high),
        })
    }
}

/// Every analyte of the order has a current result (and, with
/// `verified`, a verified one).
fn complete(tests: &[TestAnalytes], all: &[LabResult], verified: bool) -> bool {
    tests.iter().flat_map(|(_, a)| a).all(|(id, _)| {
        chain(all, id)
            .last()
            .is_some_and(|r| !verified || r.is_verified())
    })
}

/// Finds an analyte of the order by its code, or `TEST.CODE` where two of
/// its tests share the code.
fn find_analyte<'a>(
    tests: &'a [super::TestAnalytes],
    typed: &str,
    accession: impl std::fmt::Display,
) -> std::result::Result<(&'a Id, &'a Analyte), String> {
    let (test, code) = match typed.trim().split_once('.') {
        Some((t, c)) => (Some(t), c),
        None => (None, typed.trim()),
    };
    let hits: Vec<(&str, &Id, &Analyte)> = tests
        .iter()
        .filter(|(t, _)| test.is_none_or(|x| t.code.eq_ignore_ascii_case(x)))
        .flat_map(|(t, a)| a.iter().map(move |(id, a)| (t.code.as_str(), id, a)))
        .filter(|(_, _, a)| a.code.eq_ignore_ascii_case(code))
        .collect();
    match hits.as_slice() {
        [(_, id, a)] => Ok((id, a)),
        [] => Err(format!(
            "{typed:?} is not an analyte of {accession}: enter only the tests it asks for"
        )),
        many => Err(format!(
            "{code} is in several tests of {accession}: type it as {}",
            many.iter()
                .map(|(t, _, a)| format!("{t}.{}", a.code))
                .collect::<Vec<_>>()
                .join(" or ")
        )),
    }
}

/// The lab enters results of a collected specimen: `values` pairs an
/// analyte's code with the value as typed. Each is checked and flagged; a
/// refused one names the analyte and what to type, and nothing is saved.
/// An unverified value entered again is replaced. The order is then
/// resulted when every analyte has a value, else in progress.
pub fn enter_results(
    db: &mut Db,
    by: &Session,
    order: &Id,
    version: i64,
    values: &[(&str, &str)],
    clock: Clock,
) -> Result<OrderDetail> {
    if values.is_empty() {
        return Err(Error::Refused("type at least one result".into()));
    }
    clinical::write(
        db,
        by,
        Permission::RunLab,
        "enter laboratory results",
        |tx| {
            let o = load(tx, order)?;
            check_version(&o, version)?;
            if !o.status.takes_results() {
                return Err(Error::Refused(match o.status {
                    OrderStatus::Ordered => format!(
                        "{} is waiting for collection: record the specimen collected first",
                        o.accession
                    ),
                    OrderStatus::Verified => format!(
                        "{} is verified: correct a result with a reason instead",
                        o.accession
                    ),
                    s => format!("{} is {}: it takes no results", o.accession, s.label()),
                }));
            }
            let tests = analytes_of_order(tx, &o)?;
            let all = store::of_order(tx, &o.id)?;
            let patient = FlaggedFor::of(tx, &o, clock)?;
            let mut problems = Vec::new();
            let mut ready: Vec<(&Id, Checked, Option<LabResult>)> = Vec::new();
            for (code, typed) in values {
                let (id, analyte) = match find_analyte(&tests, code, o.accession) {
                    Ok(hit) => hit,
                    Err(e) => {
                        problems.push(e);
                        continue;
                    }
                };
                let current = chain(&all, id).pop();
                if current.as_ref().is_some_and(LabResult::is_verified) {
                    problems.push(format!(
                        "{}: its result is verified; enter a correction with a reason",
                        analyte.name
                    ));
                    continue;
                }
                match patient.check(analyte, typed) {
                    Ok(c) => ready.push((id, c, current)),
                    Err(e) => problems.push(e),
                }
            }
            if !problems.is_empty() {
                return Err(Error::Refused(format!(
                    "nothing was saved: {}",
                    problems.join("; ")
                )));
            }
            for (analyte, c, current) in &ready {
                match current {
                    Some(r) => store::reenter(tx, &r.id, &c.value(), &by.user.id, clock.now)?,
                    None => {
                        store::insert(
                            tx,
                            &NewResult {
                                order: &o.id,
                                patient: &o.patient_id,
                                analyte,
                                value: c.value(),
                                corrects: None,
                            },
                            &by.user.id,
                            clock.now,
                        )?;
                    }
                }
            }
            let entered = ready.len();
            let status = if complete(&tests, &store::of_order(tx, &o.id)?, false) {
                OrderStatus::Resulted
            } else {
                OrderStatus::InProgress
            };
            orders::progress(tx, &o.id, version, status, None)?;
            let e = event(
                AuditAction::EnterResults,
                "lab_order",
                &o.id,
                &o.patient_id,
                format!("entered {entered} results of {}", o.accession),
            );
            Ok((detail_from(tx, load(tx, order)?, tests, true)?, vec![e]))
        },
    )
}

/// A lab technician verifies every entered, unverified result of the
/// order; the order is verified when all its results are. Results this
/// technician entered are verified only where the hospital's
/// `lab_self_verify` setting is on and `self_confirmation` is
/// [`SELF_VERIFY_WORD`], and the event says so (LAB_SELF_VERIFY).
pub fn verify(
    db: &mut Db,
    by: &Session,
    order: &Id,
    version: i64,
    self_confirmation: Option<&str>,
    clock: Clock,
) -> Result<OrderDetail> {
    let allowed = db.settings()?.lab_self_verify;
    clinical::write(
        db,
        by,
        Permission::RunLab,
        "verify laboratory results",
        |tx| {
            let o = load(tx, order)?;
            check_version(&o, version)?;
            if !matches!(o.status, OrderStatus::InProgress | OrderStatus::Resulted) {
                return Err(Error::Refused(format!(
                    "{} is {}: there are no results waiting for verification",
                    o.accession,
                    o.status.label()
                )));
            }
            let all = store::of_order(tx, &o.id)?;
            let tests = analytes_of_order(tx, &o)?;
            let mut waiting = Vec::new();
            for (_, analytes) in &tests {
                for (id, _) in analytes {
                    if let Some(r) = chain(&all, id).pop().filter(|r| !r.is_verified()) {
                        waiting.push(r);
                    }
                }
            }
            if waiting.is_empty() {
                return Err(Error::Refused(format!(
                    "{}: every entered result is verified already; enter the rest first",
                    o.accession
                )));
            }
            let own = waiting
                .iter()
                .filter(|r| r.entered_by == by.user.id)
                .count();
            if own > 0 {
                if !allowed {
                    return Err(Error::Refused(format!(
                        "you entered {own} of these results: a second lab technician verifies them (or an administrator sets lab_self_verify to yes)"
                    )));
                }
                if self_confirmation.map(str::trim) != Some(SELF_VERIFY_WORD) {
                    return Err(Error::Refused(format!(
                        "you entered {own} of these results yourself: type {SELF_VERIFY_WORD} to verify them as their only checker"
                    )));
                }
            }
            for r in &waiting {
                store::verify(
                    tx,
                    &r.id,
                    &by.user.id,
                    r.entered_by == by.user.id,
                    clock.now,
                )?;
            }
            let (status, verified_at) = if complete(&tests, &store::of_order(tx, &o.id)?, true) {
                (OrderStatus::Verified, Some(clock.now))
            } else {
                (o.status, None)
            };
            orders::progress(tx, &o.id, version, status, verified_at)?;
            let (action, how) = if own > 0 {
                (
                    AuditAction::LabSelfVerify,
                    format!(", {own} entered by the verifier"),
                )
            } else {
                (AuditAction::VerifyResults, String::new())
            };
            let e = event(
                action,
                "lab_order",
                &o.id,
                &o.patient_id,
                format!("verified {} results of {}{how}", waiting.len(), o.accession),
            );
            Ok((detail_from(tx, load(tx, order)?, tests, true)?, vec![e]))
        },
    )
}

/// A lab technician corrects a verified result: a new version naming it,
/// with a reason; the old one is kept (shown as corrected) and the order is
/// resulted again until the correction is verified.
pub fn correct(
    db: &mut Db,
    by: &Session,
    result: &Id,
    typed: &str,
    reason: &str,
    clock: Clock,
) -> Result<OrderDetail> {
    let reason = check_note(reason, "reason for the correction", true)
        .map_err(Error::Refused)?
        .unwrap_or_default();
    clinical::write(
        db,
        by,
        Permission::RunLab,
        "correct laboratory results",
        |tx| {
            let old = store::get(tx, result)?.ok_or_else(|| {
                Error::NotFound("that result is not in this hospital file".into())
            })?;
            let o = load(tx, &old.order_id)?;
            if !old.is_verified() {
                return Err(Error::Refused(format!(
                    "that result of {} is not verified yet: enter the value again instead",
                    o.accession
                )));
            }
            let all = store::of_order(tx, &o.id)?;
            if all.iter().any(|r| r.corrects_id.as_ref() == Some(&old.id)) {
                return Err(Error::Refused(format!(
                    "that result of {} was corrected already: correct its newest version",
                    o.accession
                )));
            }
            let tests = analytes_of_order(tx, &o)?;
            let analyte = tests
                .iter()
                .flat_map(|(_, a)| a)
                .find(|(id, _)| *id == old.analyte_id)
                .map(|(_, a)| a)
                .ok_or_else(|| {
                    Error::Refused(
                    "that analyte is no longer in the catalogue: ask an administrator to restore it"
                        .into(),
                )
                })?;
            let c = FlaggedFor::of(tx, &o, clock)?
                .check(analyte, typed)
                .map_err(Error::Refused)?;
            store::insert(
                tx,
                &NewResult {
                    order: &o.id,
                    patient: &o.patient_id,
                    analyte: &old.analyte_id,
                    value: c.value(),
                    corrects: Some((&old.id, &reason)),
                },
                &by.user.id,
                clock.now,
            )?;
            let status = match o.status {
                OrderStatus::Verified => OrderStatus::Resulted,
                s => s,
            };
            orders::progress(tx, &o.id, o.version, status, None)?;
            let e = event(
                AuditAction::CorrectResult,
                "lab_order",
                &o.id,
                &o.patient_id,
                format!(
                    "corrected the {} result of {}: {reason}",
                    analyte.name, o.accession
                ),
            );
            Ok((super::build_detail(tx, load(tx, &o.id)?, true)?, vec![e]))
        },
    )
}

/// A doctor or nurse whose patient it is acknowledges a verified critical
/// result (LL or HH), once: who and when are kept.
pub fn acknowledge(db: &mut Db, by: &Session, result: &Id, clock: Clock) -> Result<()> {
    clinical::write(
        db,
        by,
        Permission::OrderLabTests,
        "acknowledge critical results",
        |tx| {
            let r = store::get(tx, result)?.ok_or_else(|| {
                Error::NotFound("that result is not in this hospital file".into())
            })?;
            let o = load(tx, &r.order_id)?;
            clinical::require_whole_record(tx, by, &o.patient_id, clock)?;
            if !r.is_verified() || !r.is_critical() {
                return Err(Error::Refused(format!(
                    "only a verified critical result (LL or HH) is acknowledged; this result of {} is not one",
                    o.accession
                )));
            }
            if let (Some(at), Some(who)) = (r.acknowledged_at, &r.acknowledged_by_name) {
                return Err(Error::Refused(format!(
                    "{who} acknowledged this result of {} at {} already",
                    o.accession,
                    clock.at(at).format("%Y-%m-%d %H:%M")
                )));
            }
            store::acknowledge(tx, &r.id, &by.user.id, clock.now)?;
            let e: AuditEvent = event(
                AuditAction::AcknowledgeResult,
                "lab_order",
                &o.id,
                &o.patient_id,
                format!("acknowledged a critical result of {}", o.accession),
            );
            Ok(((), vec![e]))
        },
    )
}
