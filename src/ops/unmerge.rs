//! Undoing a merge of two patient records (admin only). A merge can be
//! undone for as long as neither record has changed since: both records
//! come back as they were, and every row the merge moved (appointments,
//! admissions, a bed reservation, a portal account, records merged earlier)
//! goes back to the other record. After a later change the undo is
//! refused, naming the change.

use crate::auth::{Session, authorize};
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::clock::Clock;
use crate::domain::ids::Id;
use crate::domain::patient::Patient;
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::store::Db;
use crate::store::patient_merges::{self, Kind, MergeRecord};
use crate::store::patients::{self, Stamp};
use chrono::{DateTime, Utc};
use rusqlite::Connection;

/// A merge that can be undone now, with both records as they stand.
#[derive(Debug, Clone)]
pub struct Undoable {
    pub record: MergeRecord,
    pub survivor: Patient,
    pub other: Patient,
}

/// The record holding exactly this MRN (typed with or without prefix and
/// dashes), merged away or not: unlike a search, it does not lead on to
/// the survivor.
pub fn record_by_mrn(db: &Db, by: &Session, mrn: &str) -> Result<Option<Patient>> {
    by.require(Permission::DeleteRestoreMergePatients, "undo merges")?;
    super::patients::by_typed_mrn(db, mrn)
}

/// The merge to undo from `patient`: the one that merged it away, or
/// else the latest one into it.
fn record_for(conn: &Connection, patient: &Patient) -> Result<MergeRecord> {
    let found = if patient.merged_into.is_some() {
        patient_merges::live_merging_away(conn, &patient.id)?
    } else {
        patient_merges::latest_live_into(conn, &patient.id)?
    };
    found.ok_or_else(|| {
        Error::Refused(format!(
            "{} has no merge that can be undone (a merge made before wardline kept merge records cannot be)",
            patient.mrn
        ))
    })
}

fn when(clock: &Clock, at: DateTime<Utc>, pattern: &str) -> String {
    clock.at(at).format(&format!("{pattern} %H:%M")).to_string()
}

/// Refuses the undo when either record changed after the merge, naming
/// the change; otherwise both records as they stand.
fn check(
    conn: &Connection,
    record: &MergeRecord,
    clock: &Clock,
    pattern: &str,
) -> Result<(Patient, Patient)> {
    let get = |id: &Id| {
        patients::get(conn, id)?
            .ok_or_else(|| Error::NotFound("that patient is not in this hospital file".into()))
    };
    let (s, o) = (get(&record.survivor)?, get(&record.other)?);
    if let Some(later) = &s.merged_into {
        let into = get(later)?;
        return Err(Error::Refused(format!(
            "{} was itself merged into {} later: undo that merge first",
            s.mrn, into.mrn
        )));
    }
    if let Some(later) = patient_merges::latest_live_into(conn, &s.id)?
        && later.id != record.id
    {
        let newer = get(&later.other)?;
        return Err(Error::Refused(format!(
            "{} was merged into {} on {}, after this merge: undo that merge first",
            newer.mrn,
            s.mrn,
            when(clock, later.merged_at, pattern)
        )));
    }
    for (p, version) in [(&s, record.survivor_version), (&o, record.other_version)] {
        if p.version != version {
            let (at, by) = patient_merges::last_change(conn, &p.id)?;
            let what = if p.deleted_at.is_some() {
                "deleted"
            } else {
                "edited"
            };
            return Err(Error::Refused(format!(
                "{} was {what} on {} by {} after the merge: undo is no longer possible; correct the records by hand",
                p.mrn,
                when(clock, at, pattern),
                by.as_deref().unwrap_or("the system")
            )));
        }
    }
    if let Some((at, by, what)) = patient_merges::first_change_after(conn, record)? {
        return Err(Error::Refused(format!(
            "{} or {} changed after the merge ({what}, on {} by {by}): undo is no longer possible; correct the records by hand",
            s.mrn,
            o.mrn,
            when(clock, at, pattern)
        )));
    }
    Ok((s, o))
}

/// The merge an administrator would undo from this record, checked.
pub fn undoable(db: &Db, by: &Session, patient: &Id, now: DateTime<Utc>) -> Result<Undoable> {
    by.require(Permission::DeleteRestoreMergePatients, "undo merges")?;
    let settings = db.settings()?;
    let clock = Clock::new(now, settings.time_zone);
    let p = patients::get(db.conn(), patient)?
        .ok_or_else(|| Error::NotFound("that patient is not in this hospital file".into()))?;
    let record = record_for(db.conn(), &p)?;
    let (survivor, other) = check(db.conn(), &record, &clock, settings.date_pattern())?;
    Ok(Undoable {
        record,
        survivor,
        other,
    })
}

fn moved_words(record: &MergeRecord) -> String {
    let parts: Vec<String> = [
        (Kind::Appointment, "appointment"),
        (Kind::Admission, "admission"),
        (Kind::BedReservation, "bed reservation"),
        (Kind::Account, "portal account"),
        (Kind::MergedRecord, "earlier merged record"),
    ]
    .into_iter()
    .map(|(k, what)| (record.moved.of(k).len(), what))
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}{}", if n == 1 { "" } else { "s" }))
    .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("; {} moved back", parts.join(", "))
    }
}

/// Undoes the merge found from `patient` (either record of it): both
/// records as they were before it, the moved rows back on the other, and an
/// UNMERGE event on each. Returns the survivor and the other record.
pub fn unmerge(
    db: &mut Db,
    by: &Session,
    patient: &Id,
    now: DateTime<Utc>,
) -> Result<(Patient, Patient)> {
    by.require(Permission::DeleteRestoreMergePatients, "undo merges")?;
    let settings = db.settings()?;
    let clock = Clock::new(now, settings.time_zone);
    let pattern = settings.date_pattern();
    db.write(&by.actor(), |tx| {
        authorize(
            tx,
            by,
            Permission::DeleteRestoreMergePatients,
            "undo merges",
        )?;
        let p = patients::get(tx, patient)?
            .ok_or_else(|| Error::NotFound("that patient is not in this hospital file".into()))?;
        let record = record_for(tx, &p)?;
        let (s, o) = check(tx, &record, &clock, pattern)?;
        let stamp = Stamp {
            user_id: Some(by.user.id.as_str()),
            at: now,
        };
        patient_merges::undo(tx, &record, &stamp)?;
        let get = |id: &Id| {
            patients::get(tx, id)?
                .ok_or_else(|| Error::NotFound("that patient is not in this hospital file".into()))
        };
        let (s_after, o_after) = (get(&s.id)?, get(&o.id)?);
        let summary = format!(
            "merge of {} into {} (made {}) undone: both records as they were{}",
            o.mrn,
            s.mrn,
            when(&clock, record.merged_at, pattern),
            moved_words(&record)
        );
        let events = [&s_after, &o_after]
            .into_iter()
            .map(|p| {
                AuditEvent::new(AuditAction::Unmerge, "patient", summary.clone())
                    .on(p.id.as_str())
                    .for_patient(p.id.as_str())
            })
            .collect();
        Ok::<_, Error>(((s_after, o_after), events))
    })
}
