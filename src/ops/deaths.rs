//! A patient's death: recorded when they are discharged as deceased, after
//! which they are marked deceased wherever they appear and are not booked,
//! admitted or dispensed to (held by migration 18's triggers too); their
//! appointments still to come are cancelled in the same transaction and
//! named to the person who recorded it. An administrator corrects a wrong
//! record with a reason.

use crate::auth::{Session, authorize};
use crate::domain::appointment::{Booked, Status, long_day};
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::clock::Clock;
use crate::domain::ids::Id;
use crate::domain::patient::Patient;
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::store::Db;
use crate::store::appointments::{self as appointments, StatusChange};
use crate::store::patients::{self, Stamp};
use chrono::{DateTime, Utc};
use rusqlite::Transaction;

/// The reason a death cancels an appointment with.
pub const CANCEL_REASON: &str = "the patient died";

fn event(action: AuditAction, p: &Patient, summary: impl Into<String>) -> AuditEvent {
    AuditEvent::new(action, "patient", summary)
        .on(p.id.as_str())
        .for_patient(p.id.as_str())
}

/// The patient's appointments from today on that are still to happen
/// (scheduled or checked in), soonest first: what a death cancels.
pub fn still_to_come(db: &Db, patient: &Id, clock: Clock) -> Result<Vec<Booked>> {
    to_come(db.conn(), patient, clock)
}

fn to_come(conn: &rusqlite::Connection, patient: &Id, clock: Clock) -> Result<Vec<Booked>> {
    let today = clock.today();
    let mut list: Vec<Booked> = appointments::for_patient(conn, patient)?
        .into_iter()
        .filter(|b| {
            b.appt.day >= today && matches!(b.appt.status, Status::Scheduled | Status::CheckedIn)
        })
        .collect();
    list.reverse();
    Ok(list)
}

/// How an appointment cancelled by a death is named: "Mon 14 Dec 2026
/// 09:00–09:15 consultation with Dr. Aisha Rahman".
pub fn describe(b: &Booked) -> String {
    format!(
        "{} {} {} with {}",
        long_day(b.appt.day),
        b.appt.span,
        b.type_name,
        b.clinician_name
    )
}

/// Records inside `tx` that `patient` died at `died_at` (not after now) and
/// cancels what is still to come; returns the audit events.
pub fn record_in(
    tx: &Transaction,
    by: &Session,
    patient: &Patient,
    died_at: DateTime<Utc>,
    clock: Clock,
) -> Result<Vec<AuditEvent>> {
    if died_at > clock.now {
        return Err(Error::Refused(
            "the time of death is later than now: check the date and time".into(),
        ));
    }
    let stamp = Stamp {
        user_id: Some(by.user.id.as_str()),
        at: clock.now,
    };
    patients::record_death(tx, &patient.id, died_at, &stamp)?;
    let mut events = vec![event(
        AuditAction::Update,
        patient,
        format!(
            "{} recorded as deceased: died {}",
            patient.mrn,
            died_at
                .with_timezone(&clock.zone)
                .format("%a %d %b %Y %H:%M")
        ),
    )];
    for b in to_come(tx, &patient.id, clock)? {
        let change = StatusChange {
            cancel_reason: Some(CANCEL_REASON.into()),
            ..StatusChange::default()
        };
        appointments::set_status(
            tx,
            &b.appt.id,
            b.appt.version,
            Status::Cancelled,
            &change,
            Some(by.user.id.as_str()),
            clock.now,
        )?;
        events.push(
            AuditEvent::new(
                AuditAction::Update,
                "appointment",
                format!("cancelled ({CANCEL_REASON}): {}", describe(&b)),
            )
            .on(b.appt.id.as_str())
            .for_patient(patient.id.as_str()),
        );
    }
    Ok(events)
}

/// An administrator takes a wrongly recorded death off a patient, with the
/// reason; appointments it cancelled stay cancelled (book them again).
pub fn correct(
    db: &mut Db,
    by: &Session,
    patient: &Id,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Patient> {
    by.require(Permission::Administer, "correct a recorded death")?;
    let reason = crate::domain::appointment::check_reason(reason).map_err(Error::Refused)?;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::Administer, "correct a recorded death")?;
        let p = patients::get(tx, patient)?
            .ok_or_else(|| Error::NotFound("that patient is not in this hospital file".into()))?;
        let stamp = Stamp {
            user_id: Some(by.user.id.as_str()),
            at: now,
        };
        patients::clear_death(tx, patient, &stamp)?;
        let after = patients::get(tx, patient)?
            .ok_or_else(|| Error::NotFound("that patient is not in this hospital file".into()))?;
        let e = event(
            AuditAction::Update,
            &after,
            format!(
                "{} is not deceased: the death was recorded in error: {reason}",
                p.mrn
            ),
        );
        Ok::<_, Error>((after, vec![e]))
    })
}

/// Refuses a change for a patient who has died, naming them, in the words
/// of `what` ("booked", "admitted", "dispensed to").
pub fn refuse_if_deceased(p: &Patient, what: &str) -> Result<()> {
    match p.died_at {
        Some(_) => Err(Error::Refused(format!(
            "{} ({}) has died and cannot be {what}: check that this is the right patient",
            p.details.full_name(),
            p.mrn
        ))),
        None => Ok(()),
    }
}
