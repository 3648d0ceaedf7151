//! The ward's changes and reads: setting up wards and beds (admins), the
//! bed board, admit, transfer, discharge (which completes the admission's
//! medication orders), reservations, cleaning and out of service (the
//! census is `ops::census`). Each change checks the role, validates, and
//! writes with its audit event in one transaction; each re-reads the bed
//! inside that transaction, so of two terminals racing for one bed the
//! second is told what happened instead of overwriting the first.
//!
//! This module holds what every change shares (the transaction with its
//! lapsed reservations, the re-reads, the refusals in words); the changes
//! live by area: `setup`, `board`, `admissions`, `bed_status`, `merge`.

mod admissions;
mod bed_status;
mod board;
mod merge;
mod setup;

pub use admissions::{
    AdmitInput, Placement, admit, balance_at_discharge, discharge, discharge_deceased, placement,
    transfer,
};
pub use bed_status::{back_in_service, cancel_reservation, mark_clean, out_of_service, reserve};
pub use board::{
    BedDetail, Board, BoardBed, HISTORY, admissions_of, bed_detail, board, clinicians,
    current_admission,
};
pub(crate) use merge::move_for_merge;
pub use setup::{
    add_bed, add_ward, beds_of, find_bed, find_ward, rename_bed, rename_ward, retire_bed,
    retire_ward, wards,
};

use crate::auth::{Session, authorize};
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::ids::Id;
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::store::beds::{self, Bed, PatientTag, Ward};
use crate::store::{Db, StoreError, patients};
use chrono::{DateTime, Utc};
use rusqlite::Transaction;

fn refused(text: String) -> Error {
    Error::Refused(text)
}

fn bed_event(action: AuditAction, b: &Bed, summary: String) -> AuditEvent {
    AuditEvent::new(action, "bed", summary).on(b.id.as_str())
}

fn admission_event(action: AuditAction, id: &Id, patient: &Id, summary: String) -> AuditEvent {
    AuditEvent::new(action, "admission", summary)
        .on(id.as_str())
        .for_patient(patient.as_str())
}

/// Turns the schema's refusals (a unique index or trigger hit because
/// another terminal won a race, or the code was bypassed) into sentences.
fn explain(e: StoreError) -> Error {
    if let StoreError::Sqlite(se) = &e {
        let text = se.to_string();
        if text.contains("admissions.patient_id") {
            return refused(
                "this patient is already admitted (another terminal admitted them a moment ago): look at the board again".into(),
            );
        }
        if text.contains("admissions.bed_id") || text.contains("bed_stays.bed_id") {
            return refused(
                "that bed already has a patient (another terminal was quicker): choose another bed"
                    .into(),
            );
        }
        if text.contains("wards_name") || text.contains("lower(name)") {
            return refused("a ward with that name exists: choose another name".into());
        }
        if text.contains("beds.label") {
            return refused("a bed with that label exists: choose another label".into());
        }
        if text.contains("cannot move between these statuses")
            || text.contains("still has a patient")
        {
            return refused(format!(
                "the bed's status does not allow that ({text}): look at the board again"
            ));
        }
    }
    Error::Store(e)
}

/// Runs a bed write: the role is checked again inside the transaction, and
/// reservations past their time lapse first (each an audit event).
fn write<T>(
    db: &mut Db,
    by: &Session,
    p: Permission,
    doing: &str,
    now: DateTime<Utc>,
    change: impl FnOnce(&Transaction) -> Result<(T, Vec<AuditEvent>)>,
) -> Result<T> {
    by.require(p, doing)?;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, p, doing)?;
        let mut events = lapse(tx, now)?;
        let (value, mut more) = change(tx).map_err(|e| match e {
            Error::Store(s) => explain(s),
            other => other,
        })?;
        events.append(&mut more);
        Ok((value, events))
    })
}

fn lapse(tx: &Transaction, now: DateTime<Utc>) -> Result<Vec<AuditEvent>> {
    let lapsed = beds::lapse_reservations(tx, now)?;
    Ok(lapsed
        .into_iter()
        .map(|(b, patient)| {
            bed_event(
                AuditAction::Update,
                &b,
                format!("{}: reservation lapsed", b.label),
            )
            .for_patient(patient.as_str())
        })
        .collect())
}

fn get_bed(tx: &Transaction, id: &Id) -> Result<Bed> {
    match beds::bed_by_id(tx, id)? {
        Some(b) if b.retired_at.is_none() => Ok(b),
        Some(b) => Err(refused(format!(
            "bed {} was retired: choose a bed in use",
            b.label
        ))),
        None => Err(Error::NotFound(
            "that bed is not in this hospital file: look at the board again".into(),
        )),
    }
}

fn get_ward(tx: &Transaction, id: &Id) -> Result<Ward> {
    match beds::ward_by_id(tx, id)? {
        Some(w) if w.retired_at.is_none() => Ok(w),
        Some(w) => Err(refused(format!(
            "ward {} was retired: choose a ward in use",
            w.name
        ))),
        None => Err(Error::NotFound(
            "that ward is not in this hospital file".into(),
        )),
    }
}

fn get_patient(tx: &Transaction, id: &Id) -> Result<PatientTag> {
    let p = patients::get(tx, id)?
        .ok_or_else(|| Error::NotFound("that patient is not in this hospital file".into()))?;
    if p.deleted_at.is_some() {
        return Err(refused(format!(
            "{} is deleted: an administrator must restore the record first",
            p.mrn
        )));
    }
    if p.merged_into.is_some() {
        return Err(refused(format!(
            "{} was merged into another record: choose the surviving record",
            p.mrn
        )));
    }
    crate::ops::deaths::refuse_if_deceased(&p, "admitted or given a bed")?;
    beds::patient_tag(tx, id)?
        .ok_or_else(|| Error::NotFound("that patient is not in this hospital file".into()))
}
