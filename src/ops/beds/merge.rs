//! The ward's part of merging two patient records: their admissions and
//! reservations follow the surviving record.

use super::{admission_event, bed_event, refused};
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::error::Result;
use crate::store::beds;
use rusqlite::Transaction;

/// Moves the other patient's admissions (all discharged: an admitted
/// patient is not merged) and any bed reserved for them to the survivor of
/// a merge, inside the merge's transaction. Returns how many admissions and
/// reservations moved, and an event for each. Refused when both hold a
/// reservation (a patient holds one bed at a time) or when the other's
/// reserved bed is in a ward the survivor's recorded sex does not fit.
pub(crate) fn move_for_merge(
    tx: &Transaction,
    survivor: &crate::domain::patient::Patient,
    other: &crate::domain::patient::Patient,
) -> Result<(usize, usize, Vec<AuditEvent>)> {
    let mut events = Vec::new();
    let held = beds::reservation_of(tx, &other.id)?;
    if let Some(theirs) = &held {
        if let Some(mine) = beds::reservation_of(tx, &survivor.id)? {
            return Err(refused(format!(
                "{} has bed {} reserved and {} has bed {}: cancel one of the reservations, then merge",
                survivor.mrn, mine.label, other.mrn, theirs.label
            )));
        }
        if let Some(ward) = beds::ward_by_id(tx, &theirs.ward_id)?
            && let Some(r) = ward.sex
            && !r.admits(survivor.details.sex)
        {
            return Err(refused(format!(
                "bed {} is reserved for {} in {} ({}), and {} is not recorded with that sex: cancel the reservation, then merge",
                theirs.label,
                other.mrn,
                ward.name,
                r.label(),
                survivor.mrn
            )));
        }
    }
    let admissions = beds::admissions_of(tx, &other.id)?;
    let moved = beds::move_admissions(tx, &other.id, &survivor.id)?;
    for a in &admissions {
        events.push(admission_event(
            AuditAction::Update,
            &a.id,
            &survivor.id,
            format!(
                "admission to {} ({}) moved from {} to {} (records merged)",
                a.ward_name, a.bed_label, other.mrn, survivor.mrn
            ),
        ));
    }
    let reserved = beds::move_reservations(tx, &other.id, &survivor.id)?;
    if let Some(b) = &held {
        events.push(
            bed_event(
                AuditAction::Update,
                b,
                format!(
                    "bed {} now reserved for {} ({} merged into it)",
                    b.label, survivor.mrn, other.mrn
                ),
            )
            .for_patient(survivor.id.as_str()),
        );
    }
    Ok((moved, reserved, events))
}
