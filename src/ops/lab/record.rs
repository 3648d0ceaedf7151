//! The laboratory on the clinician's side: a patient's results on the
//! record (by order, newest first; a clinician sees only verified values),
//! an analyte's trend, the open critical results a clinician must
//! acknowledge (orders they placed and patients in their care), the count
//! of them per patient for the bed board, and the specimens of their orders
//! the lab rejected.

use crate::auth::Session;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::care::Sections;
use crate::domain::clock::Clock;
use crate::domain::ids::Id;
use crate::domain::lab::order::{OrderStatus, RejectReason};
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::ops::clinical;
use crate::store::Db;
use crate::store::lab_record::{self as store, OrderedAnalyte, RecordOrder, StoredResult};
pub use crate::store::lab_record::{OpenCritical, RejectedSpecimen, TrendPoint};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// How many of a patient's orders the record shows (the latest).
pub const ORDERS_SHOWN: usize = 60;

/// A verified value as a clinician sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownValue {
    pub result_id: Id,
    pub value: String,
    pub number: Option<f64>,
    /// The flag's letters ('' for a value within its range).
    pub flag: String,
    pub range_low: Option<f64>,
    pub range_high: Option<f64>,
    pub verified_at: DateTime<Utc>,
    /// The earlier verified values this one corrected (newest first), with
    /// the lab's reason for each correction.
    pub corrected: Vec<(String, String)>,
    /// The lab has entered a correction not yet verified.
    pub correction_pending: bool,
    /// Who acknowledged it (a critical value) and when.
    pub acknowledged: Option<(String, DateTime<Utc>)>,
}

/// One analyte of an order on the record.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultLine {
    pub test_code: String,
    pub test_name: String,
    pub analyte_id: Id,
    pub code: String,
    pub name: String,
    pub unit: Option<String>,
    /// A number: its trend can be drawn.
    pub numeric: bool,
    /// `None` while no verified value exists ("pending").
    pub value: Option<ShownValue>,
}

/// An order with what the clinician may see of its results.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderResults {
    pub order: RecordOrder,
    pub lines: Vec<ResultLine>,
}

impl OrderResults {
    /// The order's state in the clinician's words: pending, rejected with
    /// its reason, cancelled, partly or wholly verified.
    pub fn state(&self) -> String {
        let o = &self.order;
        let note = o
            .end_note
            .as_deref()
            .map_or(String::new(), |n| format!(" ({n})"));
        match o.status.parse::<OrderStatus>() {
            Ok(OrderStatus::Rejected) => {
                let reason = o
                    .reject_reason
                    .as_deref()
                    .and_then(|r| r.parse::<RejectReason>().ok())
                    .unwrap_or(RejectReason::Other);
                format!("specimen rejected: {}{note}", reason.label())
            }
            Ok(OrderStatus::Cancelled) => format!("cancelled{note}"),
            Ok(OrderStatus::Ordered) => {
                format!("pending: {}", OrderStatus::Ordered.label())
            }
            Ok(OrderStatus::Verified) => OrderStatus::Verified.label().into(),
            _ if self.lines.iter().any(|l| l.value.is_some()) => "partly verified".into(),
            _ => "pending".into(),
        }
    }
}

/// The record's results section of a patient.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    pub patient: Id,
    /// Newest order first.
    pub orders: Vec<OrderResults>,
}

fn require_record(db: &Db, by: &Session, patient: &Id, clock: Clock) -> Result<String> {
    by.require(Permission::ViewClinicalRecord, "see laboratory results")?;
    let p = clinical::patient_in_use(db.conn(), patient)?;
    if clinical::open_sections(db.conn(), by, patient, clock)? != Sections::ALL {
        return Err(Error::NotPermitted(format!(
            "a {} may not see laboratory results: ask a doctor or nurse",
            by.role().label()
        )));
    }
    Ok(p.mrn.to_string())
}

/// What a clinician sees of an analyte's result rows: the newest verified
/// version, the verified ones it corrected, and whether a correction is
/// waiting for verification.
fn shown(rows: &[&StoredResult]) -> Option<ShownValue> {
    let verified: Vec<&&StoredResult> = rows.iter().filter(|r| r.verified_at.is_some()).collect();
    let newest = verified
        .iter()
        .max_by_key(|r| (r.verified_at, r.entered_at))?;
    let verified_at = newest.verified_at?;
    let mut chain = Vec::new();
    let mut at = newest.corrects_id.clone();
    let mut reason = newest.correction_reason.clone();
    while let Some(id) = at {
        let Some(old) = rows.iter().find(|r| r.id == id) else {
            break;
        };
        chain.push((old.value.clone(), reason.unwrap_or_default()));
        at = old.corrects_id.clone();
        reason = old.correction_reason.clone();
    }
    Some(ShownValue {
        result_id: newest.id.clone(),
        value: newest.value.clone(),
        number: newest.number,
        flag: newest.flag.clone(),
        range_low: newest.range_low,
        range_high: newest.range_high,
        verified_at,
        corrected: chain,
        correction_pending: rows
            .iter()
            .any(|r| r.verified_at.is_none() && r.corrects_id.as_ref() == Some(&newest.id)),
        acknowledged: match (&newest.acknowledged_by, newest.acknowledged_at) {
            (Some(who), Some(at)) => Some((who.clone(), at)),
            _ => None,
        },
    })
}

pub(crate) fn lines_of(analytes: Vec<OrderedAnalyte>, results: &[StoredResult]) -> Vec<ResultLine> {
    analytes
        .into_iter()
        .map(|a| {
            let rows: Vec<&StoredResult> = results
                .iter()
                .filter(|r| r.analyte_id == a.analyte_id)
                .collect();
            ResultLine {
                value: shown(&rows),
                test_code: a.test_code,
                test_name: a.test_name,
                analyte_id: a.analyte_id,
                code: a.code,
                name: a.name,
                unit: a.unit,
                numeric: a.numeric,
            }
        })
        .collect()
}

/// The patient's latest [`ORDERS_SHOWN`] orders, newest first, each with
/// its state and, per analyte, the verified value (unverified ones are
/// "pending"); corrected values carry what they replaced. For a doctor or
/// nurse with the record open to them; a READ event names the patient.
pub fn results_of(db: &mut Db, by: &Session, patient: &Id, clock: Clock) -> Result<Results> {
    let mrn = require_record(db, by, patient, clock)?;
    let conn = db.conn();
    let listed = store::orders_of(conn, patient, ORDERS_SHOWN)?;
    let ids: Vec<Id> = listed.iter().map(|o| o.id.clone()).collect();
    let mut analytes = store::analytes_of(conn, &ids)?;
    let mut results = store::results_of_orders(conn, &ids)?;
    let mut orders = Vec::with_capacity(listed.len());
    for order in listed {
        let results = results.remove(&order.id).unwrap_or_default();
        orders.push(OrderResults {
            lines: lines_of(analytes.remove(&order.id).unwrap_or_default(), &results),
            order,
        });
    }
    let summary = format!(
        "viewed the laboratory results of {mrn} ({} orders)",
        orders.len()
    );
    db.write(&by.actor(), |_| {
        let e = clinical::event(AuditAction::Read, "lab_results", patient, patient, summary);
        Ok::<_, Error>(((), vec![e]))
    })?;
    Ok(Results {
        patient: patient.clone(),
        orders,
    })
}

/// An analyte's trend: what it is and its verified current values.
#[derive(Debug, Clone, PartialEq)]
pub struct Trend {
    pub code: String,
    pub name: String,
    pub unit: Option<String>,
    /// Oldest collection first.
    pub points: Vec<TrendPoint>,
}

/// The patient's verified current values of an analyte over time, oldest
/// first (each with its collection time, flag and the range it was flagged
/// against), with a READ event.
pub fn trend(db: &mut Db, by: &Session, patient: &Id, analyte: &Id, clock: Clock) -> Result<Trend> {
    let mrn = require_record(db, by, patient, clock)?;
    let (code, name, unit) = store::analyte(db.conn(), analyte)?.ok_or_else(|| {
        Error::NotFound("that analyte is not in the laboratory catalogue: choose another".into())
    })?;
    let points = store::trend(db.conn(), patient, analyte)?;
    let summary = format!(
        "viewed the trend of {code} of {mrn} ({} values)",
        points.len()
    );
    db.write(&by.actor(), |_| {
        let e = clinical::event(AuditAction::Read, "lab_results", patient, patient, summary);
        Ok::<_, Error>(((), vec![e]))
    })?;
    Ok(Trend {
        code,
        name,
        unit,
        points,
    })
}

/// The patients in `by`'s care that their worklist holds: admitted under
/// them or on their wards, and in their clinic queue today.
fn worklist_patients(db: &Db, by: &Session, clock: Clock) -> Result<Vec<Id>> {
    let conn = db.conn();
    let mut ids: Vec<Id> = crate::store::beds::in_care_of(conn, &by.user.id)?
        .into_iter()
        .map(|a| a.patient_id)
        .collect();
    for q in crate::store::clinical::care::queued(conn, &by.user.id, clock.today())? {
        if !ids.contains(&q.patient_id) {
            ids.push(q.patient_id);
        }
    }
    Ok(ids)
}

/// The verified critical (LL, HH) results no clinician has acknowledged,
/// of the orders `by` placed and of the patients in their care (admitted
/// under them or on their wards, in their queue today), the latest first.
/// A corrected result no longer alerts (its correction does, when
/// critical). `audit` writes one READ event when there are any.
pub fn open_criticals(
    db: &mut Db,
    by: &Session,
    clock: Clock,
    audit: bool,
) -> Result<Vec<OpenCritical>> {
    by.require(
        Permission::ClinicalWorklist,
        "see critical laboratory results",
    )?;
    let patients = worklist_patients(db, by, clock)?;
    let found = store::open_criticals(db.conn(), &by.user.id, &patients)?;
    if audit && !found.is_empty() {
        let summary = format!("viewed {} open critical laboratory results", found.len());
        db.write(&by.actor(), |_| {
            let e =
                AuditEvent::new(AuditAction::Read, "lab_results", summary).on(by.user.id.as_str());
            Ok::<_, Error>(((), vec![e]))
        })?;
    }
    Ok(found)
}

/// How many open critical results each of `patients` has (only those
/// with any), for the bed board's tiles: one seek of the partial index
/// per patient.
pub fn criticals_of(db: &Db, by: &Session, patients: &[Id]) -> Result<HashMap<Id, usize>> {
    by.require(
        Permission::ClinicalWorklist,
        "see critical laboratory results",
    )?;
    let mut counts = HashMap::new();
    for p in patients {
        let n = store::critical_count(db.conn(), p)?;
        if n > 0 {
            counts.insert(p.clone(), n);
        }
    }
    Ok(counts)
}

/// The specimens of `by`'s orders the lab rejected at or after `since`,
/// newest first, with the reason and the lab's note.
pub fn rejected_for(
    db: &Db,
    by: &Session,
    since: DateTime<Utc>,
    clock: Clock,
) -> Result<Vec<RejectedSpecimen>> {
    by.require(Permission::ClinicalWorklist, "see rejected specimens")?;
    let since = since.min(clock.now);
    Ok(store::rejected_for(db.conn(), &by.user.id, since)?)
}
