//! Moving patients: admit into a free bed (or one reserved for them),
//! transfer to another bed with a reason, and discharge with a disposition
//! (the admission's medication orders complete with it). The bed left
//! behind goes to cleaning.

use super::{admission_event, get_bed, get_patient, get_ward, refused, write};
use crate::auth::Session;
use crate::domain::audit::AuditAction;
use crate::domain::beds::{self as rules, BedStatus, Disposition};
use crate::domain::clock::{Clock, Tz};
use crate::domain::ids::Id;
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::ops::billing::events as bed_day_charges;
use crate::store::Db;
use crate::store::beds::{self, Admission, Bed, PatientTag, StatusExtras, Ward};
use chrono::{DateTime, Utc};
use rusqlite::Transaction;

fn hhmm(t: DateTime<Utc>, zone: Tz) -> String {
    t.with_timezone(&zone).format("%d %b %H:%M").to_string()
}

/// Why a bed cannot take a patient now, as a sentence; `None` if it can.
fn bed_refusal(b: &Bed, patient: &PatientTag, ward: &Ward, zone: Tz) -> Option<String> {
    match b.status {
        BedStatus::Available => {}
        BedStatus::Reserved if b.reserved_for.as_ref() == Some(&patient.id) => {}
        BedStatus::Reserved => {
            return Some(format!(
                "bed {} is reserved for another patient until {}: choose another bed, or cancel that reservation first",
                b.label,
                b.reserved_until.map(|t| hhmm(t, zone)).unwrap_or_default()
            ));
        }
        BedStatus::Occupied => {
            return Some(format!(
                "bed {} is occupied: choose an available bed (A on the board)",
                b.label
            ));
        }
        other => {
            return Some(format!(
                "bed {} is {}, not free: choose an available bed (A on the board)",
                b.label,
                other.label()
            ));
        }
    }
    if let Some(r) = ward.sex
        && !r.admits(patient.sex)
    {
        return Some(format!(
            "{} is {}, and {} ({}) is not recorded with that sex: choose a bed in another ward, or correct the patient's record",
            ward.name,
            r.label(),
            patient.name,
            patient.mrn
        ));
    }
    None
}

/// What the board knows before a patient is placed in a bed: the refusal
/// that admitting, transferring or reserving would meet, in the words the
/// change itself would use (said before any reason is typed), and a concern to ask about once (a cot for an adult).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Placement {
    pub refusal: Option<String>,
    pub age_concern: Option<String>,
}

/// Whether `patient` can be placed in `bed` now, without writing anything.
pub fn placement(
    db: &Db,
    by: &Session,
    bed: &Id,
    patient: &Id,
    now: DateTime<Utc>,
) -> Result<Placement> {
    by.require(Permission::ViewBedBoard, "look at the bed board")?;
    let zone = db.settings()?.time_zone;
    let conn = db.conn();
    let b = beds::bed_by_id(conn, bed)?.ok_or_else(|| {
        Error::NotFound("that bed is not in this hospital file: look at the board again".into())
    })?;
    let ward = beds::ward_by_id(conn, &b.ward_id)?
        .ok_or_else(|| Error::NotFound("that ward is not in this hospital file".into()))?;
    let tag = beds::patient_tag(conn, patient)?
        .ok_or_else(|| Error::NotFound("that patient is not in this hospital file".into()))?;
    let p = crate::store::patients::get(conn, patient)?
        .ok_or_else(|| Error::NotFound("that patient is not in this hospital file".into()))?;
    let refusal = bed_refusal(&b, &tag, &ward, zone);
    let today = Clock::new(now, zone).today();
    let age_concern = b.kind.age_concern(
        &b.label,
        &format!("{} ({})", tag.name, tag.mrn),
        p.details.birth_date,
        today,
    );
    Ok(Placement {
        refusal,
        age_concern,
    })
}

/// What an admission needs.
#[derive(Debug, Clone)]
pub struct AdmitInput<'a> {
    pub patient: &'a Id,
    pub bed: &'a Id,
    pub attending: &'a Id,
    pub reason: &'a str,
}

/// Admits a patient with no active admission into an available bed (or one
/// reserved for them).
pub fn admit(
    db: &mut Db,
    by: &Session,
    input: &AdmitInput,
    now: DateTime<Utc>,
) -> Result<Admission> {
    let reason = rules::reason(input.reason, "reason for admission", false).map_err(refused)?;
    let zone = db.settings()?.time_zone;
    write(
        db,
        by,
        Permission::AdmitTransferDischarge,
        "admit patients",
        now,
        |tx| {
            let patient = get_patient(tx, input.patient)?;
            if let Some(a) = beds::active_admission_of(tx, &patient.id)? {
                return Err(refused(format!(
                    "{} ({}) is already admitted, in bed {} of {}: transfer them instead, or discharge them first",
                    patient.name, patient.mrn, a.bed_label, a.ward_name
                )));
            }
            let bed = get_bed(tx, input.bed)?;
            let ward = get_ward(tx, &bed.ward_id)?;
            if let Some(why) = bed_refusal(&bed, &patient, &ward, zone) {
                return Err(refused(why));
            }
            let clinician = crate::store::users::clinicians(tx)?
                .into_iter()
                .find(|c| c.id == *input.attending)
                .ok_or_else(|| {
                    refused("choose the attending clinician: an enabled doctor or nurse".into())
                })?;
            beds::set_status(
                tx,
                &bed.id,
                bed.status,
                BedStatus::Occupied,
                &StatusExtras::default(),
                now,
            )?;
            let id = beds::insert_admission(
                tx,
                &patient.id,
                &bed,
                &clinician.id,
                &reason,
                Some(by.user.id.as_str()),
                now,
            )?;
            let a = beds::admission_by_id(tx, &id)?
                .ok_or_else(|| Error::NotFound("the new admission vanished".into()))?;
            let e = admission_event(
                AuditAction::Admit,
                &id,
                &patient.id,
                format!(
                    "{} admitted to {} ({}) under {}",
                    patient.mrn, bed.label, ward.name, clinician.user_name
                ),
            );
            Ok((a, vec![e]))
        },
    )
}

fn active(tx: &Transaction, admission: &Id) -> Result<Admission> {
    let a = beds::admission_by_id(tx, admission)?
        .ok_or_else(|| Error::NotFound("that admission is not in this hospital file".into()))?;
    if a.discharged_at.is_some() {
        return Err(refused(format!(
            "{} ({}) was discharged meanwhile: look at the board again",
            a.patient.name, a.patient.mrn
        )));
    }
    Ok(a)
}

/// Moves an admitted patient to another free bed, with a reason; the old
/// bed goes to cleaning.
pub fn transfer(
    db: &mut Db,
    by: &Session,
    admission: &Id,
    to: &Id,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Admission> {
    let reason = rules::reason(reason, "reason for the transfer", false).map_err(refused)?;
    let zone = db.settings()?.time_zone;
    write(
        db,
        by,
        Permission::AdmitTransferDischarge,
        "transfer patients",
        now,
        |tx| {
            let a = active(tx, admission)?;
            if &a.bed_id == to {
                return Err(refused(format!(
                    "{} is already in bed {}: choose another bed",
                    a.patient.name, a.bed_label
                )));
            }
            let from = get_bed(tx, &a.bed_id)?;
            let bed = get_bed(tx, to)?;
            let ward = get_ward(tx, &bed.ward_id)?;
            if let Some(why) = bed_refusal(&bed, &a.patient, &ward, zone) {
                return Err(refused(why));
            }
            beds::set_status(
                tx,
                &bed.id,
                bed.status,
                BedStatus::Occupied,
                &StatusExtras::default(),
                now,
            )?;
            beds::move_admission(tx, &a.id, &bed, &reason, now)?;
            beds::set_status(
                tx,
                &from.id,
                BedStatus::Occupied,
                BedStatus::Cleaning,
                &StatusExtras::default(),
                now,
            )?;
            let after = active(tx, admission)?;
            // The days up to the transfer, each at the ward of its midnight.
            let charges =
                bed_day_charges::post_bed_days_in(tx, &a.id, &by.user.id, Clock::new(now, zone))?;
            let e = admission_event(
                AuditAction::Transfer,
                &a.id,
                &a.patient.id,
                format!(
                    "{} moved from {} to {} ({}): {reason}",
                    a.patient.mrn, from.label, bed.label, ward.name
                ),
            );
            Ok((after, std::iter::once(e).chain(charges).collect()))
        },
    )
}

/// Ends an admission with a disposition and a note; the bed goes to
/// cleaning. Discharged as deceased, the patient's death is recorded as
/// now ([`discharge_deceased`] takes the time of death).
pub fn discharge(
    db: &mut Db,
    by: &Session,
    admission: &Id,
    disposition: Disposition,
    note: &str,
    now: DateTime<Utc>,
) -> Result<Admission> {
    let died_at = (disposition == Disposition::Deceased).then_some(now);
    discharge_with(db, by, admission, disposition, died_at, note, now)
}

/// Discharges a patient who died at `died_at` (between their admission and
/// now): their death is recorded and their appointments still to come are
/// cancelled, in the discharge's transaction.
pub fn discharge_deceased(
    db: &mut Db,
    by: &Session,
    admission: &Id,
    died_at: DateTime<Utc>,
    note: &str,
    now: DateTime<Utc>,
) -> Result<Admission> {
    discharge_with(
        db,
        by,
        admission,
        Disposition::Deceased,
        Some(died_at),
        note,
        now,
    )
}

fn discharge_with(
    db: &mut Db,
    by: &Session,
    admission: &Id,
    disposition: Disposition,
    died_at: Option<DateTime<Utc>>,
    note: &str,
    now: DateTime<Utc>,
) -> Result<Admission> {
    let note = rules::reason(note, "discharge note", true).map_err(refused)?;
    let zone = db.settings()?.time_zone;
    write(
        db,
        by,
        Permission::AdmitTransferDischarge,
        "discharge patients",
        now,
        |tx| {
            let a = active(tx, admission)?;
            let death = match died_at {
                Some(at) => {
                    if at < a.admitted_at {
                        return Err(Error::Refused(
                            "the time of death is before the admission: check the date and time"
                                .into(),
                        ));
                    }
                    let patient = crate::store::patients::get(tx, &a.patient.id)?
                        .ok_or_else(|| Error::NotFound("the patient vanished".into()))?;
                    crate::ops::deaths::record_in(tx, by, &patient, at, Clock::new(now, zone))?
                }
                None => Vec::new(),
            };
            beds::discharge(
                tx,
                &a.id,
                disposition,
                &note,
                Some(by.user.id.as_str()),
                now,
            )?;
            beds::set_status(
                tx,
                &a.bed_id,
                BedStatus::Occupied,
                BedStatus::Cleaning,
                &StatusExtras::default(),
                now,
            )?;
            let orders =
                crate::ops::prescriptions::complete_at_discharge(tx, &by.user.id, &a.id, now)?;
            // The stay's last days (a day case's one day) are charged now.
            let charges =
                bed_day_charges::post_bed_days_in(tx, &a.id, &by.user.id, Clock::new(now, zone))?;
            let after = beds::admission_by_id(tx, &a.id)?
                .ok_or_else(|| Error::NotFound("the admission vanished".into()))?;
            let e = admission_event(
                AuditAction::Discharge,
                &a.id,
                &a.patient.id,
                format!(
                    "{} discharged from {} ({}){}",
                    a.patient.mrn,
                    a.bed_label,
                    disposition.label(),
                    if note.is_empty() {
                        String::new()
                    } else {
                        format!(": {note}")
                    }
                ),
            );
            Ok((
                after,
                std::iter::once(e)
                    .chain(death)
                    .chain(orders)
                    .chain(charges)
                    .collect(),
            ))
        },
    )
}

/// What the patient of `admission` would owe if discharged now: the
/// balance over all their bills and the bed-days the discharge would post
/// (zero or less: nothing owed). The discharge asks once when it is more.
pub fn balance_at_discharge(
    db: &Db,
    by: &Session,
    admission: &Id,
    now: DateTime<Utc>,
) -> Result<i64> {
    by.require(Permission::AdmitTransferDischarge, "discharge patients")?;
    let zone = db.settings()?.time_zone;
    let a = beds::admission_by_id(db.conn(), admission)?
        .ok_or_else(|| Error::NotFound("that admission is not in this hospital file".into()))?;
    let owed = crate::ops::billing::outstanding(db, by, &a.patient.id)?;
    let days: i64 = if a.discharged_at.is_none() {
        bed_day_charges::days_due_at_discharge(db.conn(), &a.id, Clock::new(now, zone))?
            .iter()
            .map(|d| d.price)
            .sum()
    } else {
        0
    };
    Ok(owed + days)
}
