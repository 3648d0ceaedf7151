//! Access to the clinical record: who may open which part of a patient's
//! record now (the care rule of [`crate::domain::care`] over the file's
//! facts), breaking the glass, and the one write path every clinical change
//! takes (role checked again inside the transaction, the patient's record
//! open to the writer, the schema's refusals turned into sentences).

use crate::auth::{MAX_SESSION, Session, authorize};
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::care::{self, Access, Sections};
use crate::domain::clock::Clock;
use crate::domain::ids::Id;
use crate::domain::role::Permission;
use crate::domain::visit::check_reason;
use crate::error::{Error, Result};
use crate::store::clinical::care as store;
use crate::store::{Db, StoreError, patients};
use rusqlite::{Connection, Transaction};

/// What `by` may open of `patient`'s record at `clock`.
pub fn access(conn: &Connection, by: &Session, patient: &Id, clock: Clock) -> Result<Access> {
    let facts = store::care_facts(conn, &by.user.id, patient, clock.today())?;
    let in_care = care::in_care(by.role(), &facts);
    let glass = store::grant_active(conn, &by.id, patient, clock.now)?;
    Ok(care::access(by.role(), in_care, glass))
}

/// Whether `by` is in the patient's care (without any grant).
pub fn in_care(conn: &Connection, by: &Session, patient: &Id, clock: Clock) -> Result<bool> {
    let facts = store::care_facts(conn, &by.user.id, patient, clock.today())?;
    Ok(care::in_care(by.role(), &facts))
}

fn break_glass_message() -> Error {
    Error::BreakGlassNeeded(
        "this patient is not in your care: to open the record, break the glass and type why (it is recorded in the audit trail)".into(),
    )
}

fn refused_for(by: &Session, what: &str) -> Error {
    Error::NotPermitted(format!(
        "a {} may not see {what} of the clinical record",
        by.role().label()
    ))
}

/// The sections `by` may open, or why not.
pub fn open_sections(
    conn: &Connection,
    by: &Session,
    patient: &Id,
    clock: Clock,
) -> Result<Sections> {
    match access(conn, by, patient, clock)? {
        Access::Open(s) => Ok(s),
        Access::BreakGlass => Err(break_glass_message()),
        Access::Refused => Err(refused_for(by, "any part")),
    }
}

/// Refuses unless the whole record is open to `by` (every clinical write).
pub fn require_whole_record(
    conn: &Connection,
    by: &Session,
    patient: &Id,
    clock: Clock,
) -> Result<()> {
    let s = open_sections(conn, by, patient, clock)?;
    if s == Sections::ALL {
        Ok(())
    } else {
        Err(refused_for(by, "the notes"))
    }
}

/// A patient in use (not deleted, not merged away), or why not.
pub fn patient_in_use(conn: &Connection, patient: &Id) -> Result<crate::domain::patient::Patient> {
    let p = patients::get(conn, patient)?
        .ok_or_else(|| Error::NotFound("that patient is not in this hospital file".into()))?;
    if p.deleted_at.is_some() {
        return Err(Error::Refused(format!(
            "{} is deleted: an administrator must restore the record first",
            p.mrn
        )));
    }
    if p.merged_into.is_some() {
        return Err(Error::Refused(format!(
            "{} was merged into another record: open the surviving record",
            p.mrn
        )));
    }
    Ok(p)
}

/// Turns the schema's refusals (a trigger, a unique index) into sentences.
pub fn explain(e: StoreError) -> Error {
    if let StoreError::Sqlite(se) = &e {
        let text = se.to_string();
        if text.contains("diagnoses.visit_id") {
            return Error::Refused(
                "this visit has a primary diagnosis already: record this one as secondary, or mark the other entered in error first".into(),
            );
        }
        if text.contains("visits.appointment_id") {
            return Error::Refused(
                "that appointment has its visit already (opened from another terminal): open it from the worklist".into(),
            );
        }
        if se.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation)
            && !text.contains("constraint failed")
        {
            return Error::Refused(text);
        }
    }
    Error::Store(e)
}

/// The write path of every clinical change: the role, checked before and
/// again inside the transaction; the change (which checks the patient's
/// record is open to `by`); its audit events; all or nothing.
pub fn write<T>(
    db: &mut Db,
    by: &Session,
    p: Permission,
    doing: &str,
    change: impl FnOnce(&Transaction) -> Result<(T, Vec<AuditEvent>)>,
) -> Result<T> {
    by.require(p, doing)?;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, p, doing)?;
        change(tx).map_err(|e| match e {
            Error::Store(s) => explain(s),
            other => other,
        })
    })
}

/// An audit event about a patient's clinical record.
pub fn event(
    action: AuditAction,
    entity: &'static str,
    id: &Id,
    patient: &Id,
    summary: impl Into<String>,
) -> AuditEvent {
    AuditEvent::new(action, entity, summary)
        .on(id.as_str())
        .for_patient(patient.as_str())
}

/// Breaks the glass: `by` (an admin, or a doctor or nurse outside the
/// patient's care) opens the record with a typed reason. The grant lasts
/// the rest of the session; the BREAK_GLASS event names the reason.
pub fn break_glass(
    db: &mut Db,
    by: &Session,
    patient: &Id,
    reason: &str,
    clock: Clock,
) -> Result<()> {
    let reason = check_reason(reason, "reason for opening this record").map_err(Error::Refused)?;
    let expires = by.started_at + MAX_SESSION;
    if expires <= clock.now {
        return Err(Error::Refused(
            "your session has reached its end: sign in again, then open the record".into(),
        ));
    }
    write(db, by, Permission::BreakTheGlass, "break the glass", |tx| {
        let p = patient_in_use(tx, patient)?;
        match access(tx, by, patient, clock)? {
            Access::BreakGlass => {}
            Access::Open(_) => {
                return Err(Error::Refused(format!(
                    "the record of {} is open to you already: no need to break the glass",
                    p.mrn
                )));
            }
            Access::Refused => return Err(refused_for(by, "any part")),
        }
        let id = store::insert_grant(
            tx,
            &by.id,
            &by.user.id,
            patient,
            &reason,
            clock.now,
            expires,
        )?;
        let e = event(
            AuditAction::BreakGlass,
            "clinical_record",
            &id,
            patient,
            format!("broke the glass to open the record of {}: {reason}", p.mrn),
        );
        Ok(((), vec![e]))
    })
}
