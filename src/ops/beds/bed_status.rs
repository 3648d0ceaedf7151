//! The changes of a bed's own status, no patient moving: reserving it for
//! a patient until a time (or cancelling that), marking it clean, and
//! taking it out of service or back.

use super::{bed_event, get_bed, get_patient, get_ward, refused, write};
use crate::auth::Session;
use crate::domain::audit::AuditAction;
use crate::domain::beds::{self as rules, BedStatus};
use crate::domain::ids::Id;
use crate::domain::role::Permission;
use crate::error::Result;
use crate::store::beds::{self, Bed, StatusExtras};
use crate::store::{Db, StoreError};
use chrono::{DateTime, Utc};

/// Holds an available bed for a patient until `until`; after that the
/// reservation lapses by itself.
pub fn reserve(
    db: &mut Db,
    by: &Session,
    bed: &Id,
    patient: &Id,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Bed> {
    if until <= now {
        return Err(refused(
            "the reservation must end in the future: type a later time".into(),
        ));
    }
    if until > now + chrono::Duration::days(14) {
        return Err(refused(
            "a reservation can hold a bed for at most 14 days: type an earlier time".into(),
        ));
    }
    write(
        db,
        by,
        Permission::AdmitTransferDischarge,
        "reserve beds",
        now,
        |tx| {
            let p = get_patient(tx, patient)?;
            let b = get_bed(tx, bed)?;
            let ward = get_ward(tx, &b.ward_id)?;
            if b.status != BedStatus::Available {
                return Err(refused(format!(
                    "bed {} is {}: only an available bed can be reserved",
                    b.label,
                    b.status.label()
                )));
            }
            if let Some(r) = ward.sex
                && !r.admits(p.sex)
            {
                return Err(refused(format!(
                    "{} is {}, and {} ({}) is not recorded with that sex: choose a bed in another ward",
                    ward.name,
                    r.label(),
                    p.name,
                    p.mrn
                )));
            }
            let held: bool = tx
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM beds WHERE reserved_for = ?1)",
                    [p.id.as_str()],
                    |r| r.get(0),
                )
                .map_err(StoreError::from)?;
            if held {
                return Err(refused(format!(
                    "{} ({}) already has a bed reserved: cancel that reservation first",
                    p.name, p.mrn
                )));
            }
            beds::set_status(
                tx,
                &b.id,
                BedStatus::Available,
                BedStatus::Reserved,
                &StatusExtras {
                    reserved_for: Some(&p.id),
                    reserved_until: Some(until),
                    ..StatusExtras::default()
                },
                now,
            )?;
            let after = get_bed(tx, bed)?;
            let e = bed_event(
                AuditAction::Update,
                &after,
                format!(
                    "{} reserved for {} until {}",
                    b.label,
                    p.mrn,
                    crate::domain::time::format_ts(until)
                ),
            )
            .for_patient(p.id.as_str());
            Ok((after, vec![e]))
        },
    )
}

/// Cancels a reservation: the bed is available again.
pub fn cancel_reservation(db: &mut Db, by: &Session, bed: &Id, now: DateTime<Utc>) -> Result<Bed> {
    write(
        db,
        by,
        Permission::AdmitTransferDischarge,
        "cancel reservations",
        now,
        |tx| {
            let b = get_bed(tx, bed)?;
            let Some(patient) = b.reserved_for.clone() else {
                return Err(refused(format!(
                    "bed {} is not reserved (it is {})",
                    b.label,
                    b.status.label()
                )));
            };
            beds::set_status(
                tx,
                &b.id,
                BedStatus::Reserved,
                BedStatus::Available,
                &StatusExtras::default(),
                now,
            )?;
            let after = get_bed(tx, bed)?;
            let e = bed_event(
                AuditAction::Update,
                &after,
                format!("{}: reservation cancelled", b.label),
            )
            .for_patient(patient.as_str());
            Ok((after, vec![e]))
        },
    )
}

/// Marks a bed in cleaning clean: available, with the time stamped.
pub fn mark_clean(db: &mut Db, by: &Session, bed: &Id, now: DateTime<Utc>) -> Result<Bed> {
    write(
        db,
        by,
        Permission::ManageBedCleaning,
        "mark beds clean",
        now,
        |tx| {
            let b = get_bed(tx, bed)?;
            if b.status != BedStatus::Cleaning {
                return Err(refused(format!(
                    "bed {} is {}, not waiting for cleaning",
                    b.label,
                    b.status.label()
                )));
            }
            beds::set_status(
                tx,
                &b.id,
                BedStatus::Cleaning,
                BedStatus::Available,
                &StatusExtras {
                    cleaned_at: Some(now),
                    ..StatusExtras::default()
                },
                now,
            )?;
            let after = get_bed(tx, bed)?;
            let e = bed_event(
                AuditAction::Update,
                &after,
                format!("{} cleaned: available", b.label),
            );
            Ok((after, vec![e]))
        },
    )
}

/// Takes a free or cleaning bed out of service, with a reason.
pub fn out_of_service(
    db: &mut Db,
    by: &Session,
    bed: &Id,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Bed> {
    let reason = rules::reason(reason, "reason", false).map_err(refused)?;
    write(
        db,
        by,
        Permission::ManageBedCleaning,
        "take beds out of service",
        now,
        |tx| {
            let b = get_bed(tx, bed)?;
            if !b.status.can_become(BedStatus::OutOfService) {
                return Err(refused(match b.status {
                    BedStatus::Occupied => format!(
                        "bed {} has a patient in it: transfer the patient before taking it out of service",
                        b.label
                    ),
                    BedStatus::Reserved => {
                        format!("bed {} is reserved: cancel the reservation first", b.label)
                    }
                    _ => format!("bed {} is already out of service", b.label),
                }));
            }
            beds::set_status(
                tx,
                &b.id,
                b.status,
                BedStatus::OutOfService,
                &StatusExtras {
                    out_of_service_reason: Some(&reason),
                    ..StatusExtras::default()
                },
                now,
            )?;
            let after = get_bed(tx, bed)?;
            let e = bed_event(
                AuditAction::Update,
                &after,
                format!("{} out of service: {reason}", b.label),
            );
            Ok((after, vec![e]))
        },
    )
}

/// Puts an out-of-service bed back in service: available.
pub fn back_in_service(db: &mut Db, by: &Session, bed: &Id, now: DateTime<Utc>) -> Result<Bed> {
    write(
        db,
        by,
        Permission::ManageBedCleaning,
        "put beds back in service",
        now,
        |tx| {
            let b = get_bed(tx, bed)?;
            if b.status != BedStatus::OutOfService {
                return Err(refused(format!(
                    "bed {} is {}, not out of service",
                    b.label,
                    b.status.label()
                )));
            }
            beds::set_status(
                tx,
                &b.id,
                BedStatus::OutOfService,
                BedStatus::Available,
                &StatusExtras::default(),
                now,
            )?;
            let after = get_bed(tx, bed)?;
            let e = bed_event(
                AuditAction::Update,
                &after,
                format!("{} back in service", b.label),
            );
            Ok((after, vec![e]))
        },
    )
}
