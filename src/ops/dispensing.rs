//! Dispensing against prescriptions: the pharmacy's queue (stat and urgent
//! first, then the oldest; partly dispensed ones stay in it), the batches
//! a dispense would take first-expiry-first-out, and the dispense itself.
//! When stock is short what there is goes out and the rest stays owed; the
//! ledger rows name the prescription, and the file refuses more than is
//! owed. A batch that would expire before the course ends is passed over
//! for a later one, and flagged in the plan when none is left.

use crate::auth::Session;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::ids::Id;
use crate::domain::pharmacy::{Item, Take};
use crate::domain::prescribing::Status;
use crate::domain::prescribing::supply::{course_last_day, expires_in_course, plan_for_course};
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::ops::billing::bills;
use crate::ops::clinical;
use crate::store::Db;
use crate::store::billing::BillOf;
use crate::store::prescriptions::{self as store, Prescription, Waiting};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;

/// How many waiting prescriptions the queue shows.
pub const QUEUE_ROWS: usize = 200;

/// The prescriptions waiting to be dispensed, stat and urgent first, then
/// the oldest; partly dispensed ones included.
pub fn queue(db: &Db, by: &Session) -> Result<Vec<Waiting>> {
    by.require(Permission::Dispense, "see the pharmacy's queue")?;
    Ok(store::queue(db.conn(), QUEUE_ROWS)?)
}

/// What a dispense against a prescription takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RxPlan {
    pub prescription: Prescription,
    /// The batches, first expiry first.
    pub takes: Vec<Take>,
    /// What this dispense issues.
    pub quantity: i64,
    /// What was owed before it.
    pub owed: i64,
    /// The course's last day when this dispense is taken from today; a
    /// batch expiring by then is passed over while lasting stock is left.
    pub last_day: Option<NaiveDate>,
}

impl RxPlan {
    /// What stays owed after this dispense (stock was short).
    pub fn still_owed(&self) -> i64 {
        self.owed - self.quantity
    }

    /// Whether a batch of the plan expires before the course ends (taken
    /// only because no lasting stock was left): the pharmacist is told.
    pub fn short_dated(&self, take: &Take) -> bool {
        expires_in_course(take.expiry, self.last_day)
    }
}

fn plan_in(conn: &Connection, rx: &Prescription, today: NaiveDate) -> Result<(Item, RxPlan)> {
    let Some(item_id) = &rx.item_id else {
        return Err(Error::Refused(format!(
            "{} is bought outside: the pharmacy does not dispense it",
            rx.medicine
        )));
    };
    if rx.status != Status::Active {
        return Err(Error::Refused(format!(
            "the prescription of {} is {}: nothing more is dispensed against it",
            rx.medicine, rx.status
        )));
    }
    let owed = rx.owed();
    if owed == 0 {
        return Err(Error::Refused(format!(
            "{} is fully dispensed ({} {})",
            rx.medicine, rx.dispensed, rx.item_unit
        )));
    }
    let item = crate::store::pharmacy::get_item(conn, item_id)?
        .ok_or_else(|| Error::NotFound("the prescribed item is not in the catalogue".into()))?;
    if !item.active {
        return Err(Error::Refused(format!(
            "{} is deactivated: it cannot be dispensed",
            item.details.label()
        )));
    }
    let batches = crate::store::pharmacy::batches(conn, &item.id)?;
    let last_day = course_last_day(today, rx.course.duration_days);
    let takes = plan_for_course(&batches, owed, today, last_day);
    if takes.is_empty() {
        return Err(Error::Refused(format!(
            "no usable stock of {} (expired stock is never issued): nothing can be dispensed; the prescription stays in the queue with {owed} {} owed",
            item.details.label(),
            item.details.unit
        )));
    }
    let quantity = takes.iter().map(|t| t.quantity).sum();
    Ok((
        item,
        RxPlan {
            prescription: rx.clone(),
            takes,
            quantity,
            owed,
            last_day,
        },
    ))
}

fn get(conn: &Connection, id: &Id) -> Result<Prescription> {
    store::get(conn, id)?
        .ok_or_else(|| Error::NotFound("that prescription is not in this hospital file".into()))
}

/// The batches a dispense against the prescription would take on `today`
/// (the pharmacy's today, see [`crate::ops::pharmacy::today`]): all that is
/// owed, or what usable stock there is when short.
pub fn plan(db: &Db, by: &Session, prescription: &Id, today: NaiveDate) -> Result<RxPlan> {
    by.require(Permission::Dispense, "dispense")?;
    let rx = get(db.conn(), prescription)?;
    Ok(plan_in(db.conn(), &rx, today)?.1)
}

/// Dispenses against a prescription first-expiry-first-out: what is owed,
/// or what there is when stock is short (the rest stays owed). `shown` is
/// the choice the pharmacist confirmed: if the stock moved meanwhile
/// nothing is dispensed.
pub fn dispense(
    db: &mut Db,
    by: &Session,
    prescription: &Id,
    shown: Option<&[Take]>,
    now: DateTime<Utc>,
) -> Result<RxPlan> {
    let clock = db.clock(now)?;
    let today = crate::ops::pharmacy::today(&clock);
    clinical::write(db, by, Permission::Dispense, "dispense", |tx| {
        let rx = get(tx, prescription)?;
        let patient = clinical::patient_in_use(tx, &rx.patient_id)?;
        let (item, plan) = plan_in(tx, &rx, today)?;
        if let Some(shown) = shown
            && shown != plan.takes.as_slice()
        {
            return Err(Error::Refused(
                "the stock moved since the batches were shown: nothing was dispensed; check the new choice".into(),
            ));
        }
        let reference = format!("prescription {}", rx.id);
        let seqs = crate::ops::pharmacy::issue(
            tx,
            by,
            &item,
            &plan.takes,
            Some(rx.patient_id.as_str()),
            &reference,
            now,
        )?;
        for (seq, take) in seqs.iter().zip(&plan.takes) {
            store::link_dispense(tx, *seq, &rx.id, take.quantity)?;
        }
        // An inpatient's medicines go on the admission's bill, an
        // outpatient's on the bill of the visit that prescribed them.
        let admission = match &rx.admission_id {
            Some(a) => Some(a.clone()),
            None => crate::store::beds::active_admission_of(tx, &rx.patient_id)?.map(|a| a.id),
        };
        let bill_of = match &admission {
            Some(a) => BillOf::Admission(a),
            None => BillOf::Visit(&rx.visit_id),
        };
        let dispensed: Vec<(i64, &Take)> = seqs.iter().copied().zip(&plan.takes).collect();
        let charges = bills::post_dispense_in(
            tx,
            bill_of,
            &item.details.label(),
            &dispensed,
            &by.user.id,
            clock,
        )?;
        let batches = plan
            .takes
            .iter()
            .map(|t| format!("{} from {}", t.quantity, t.batch_no))
            .collect::<Vec<_>>()
            .join(", ");
        let rest = match plan.still_owed() {
            0 => String::new(),
            n => format!("; {n} {} still owed", item.details.unit),
        };
        let e = AuditEvent::new(
            AuditAction::Dispense,
            "prescription",
            format!(
                "dispensed {} {} of {} to {} against prescription ({batches}){rest}",
                plan.quantity,
                item.details.unit,
                item.details.label(),
                patient.mrn
            ),
        )
        .on(rx.id.as_str())
        .for_patient(rx.patient_id.as_str());
        let after = get(tx, prescription)?;
        Ok((
            RxPlan {
                prescription: after,
                ..plan
            },
            std::iter::once(e).chain(charges).collect(),
        ))
    })
}
