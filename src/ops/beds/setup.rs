//! Setting up wards and beds (admins): listing and finding them, adding,
//! renaming and retiring them. A ward or bed holding a patient or a
//! reservation is never retired; its history stays.

use super::{bed_event, get_bed, get_ward, refused, write};
use crate::auth::Session;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::beds::{self as rules, BedKind, BedStatus, SexRestriction, WardKind};
use crate::domain::ids::Id;
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::store::Db;
use crate::store::beds::{self, Bed, Ward};
use chrono::{DateTime, Utc};

/// The wards in use (for the board's filter, the set-up list, the CLI).
pub fn wards(db: &Db, by: &Session) -> Result<Vec<Ward>> {
    by.require(Permission::ViewBedBoard, "see the wards")?;
    Ok(beds::wards(db.conn(), false)?)
}

/// The beds in use, of one ward or all.
pub fn beds_of(db: &Db, by: &Session, ward: Option<&Id>) -> Result<Vec<Bed>> {
    by.require(Permission::ViewBedBoard, "see the beds")?;
    Ok(beds::beds(db.conn(), ward)?)
}

/// Finds a ward in use by its name.
pub fn find_ward(db: &Db, name: &str) -> Result<Ward> {
    beds::ward_by_name(db.conn(), name)?.ok_or_else(|| {
        Error::NotFound(format!(
            "there is no ward named {name:?}: `wardline wards list` shows them"
        ))
    })
}

/// Finds a bed in use by its label.
pub fn find_bed(db: &Db, label: &str) -> Result<Bed> {
    beds::bed_by_label(db.conn(), label)?.ok_or_else(|| {
        Error::NotFound(format!(
            "there is no bed labelled {label:?}: `wardline beds list` shows them"
        ))
    })
}

/// Adds a ward (admin).
pub fn add_ward(
    db: &mut Db,
    by: &Session,
    name: &str,
    kind: WardKind,
    sex: Option<SexRestriction>,
    now: DateTime<Utc>,
) -> Result<Ward> {
    let name = rules::ward_name(name).map_err(refused)?;
    write(db, by, Permission::Administer, "set up wards", now, |tx| {
        let w = beds::insert_ward(tx, &name, kind, sex, now)?;
        let e = AuditEvent::new(
            AuditAction::Create,
            "ward",
            format!(
                "ward {} added ({}, {})",
                w.name,
                kind.label(),
                sex.map_or("any sex", SexRestriction::label)
            ),
        )
        .on(w.id.as_str());
        Ok((w, vec![e]))
    })
}

/// Renames a ward (admin).
pub fn rename_ward(
    db: &mut Db,
    by: &Session,
    ward: &Id,
    name: &str,
    now: DateTime<Utc>,
) -> Result<Ward> {
    let name = rules::ward_name(name).map_err(refused)?;
    write(db, by, Permission::Administer, "set up wards", now, |tx| {
        let before = get_ward(tx, ward)?;
        beds::rename_ward(tx, ward, &name)?;
        let after = get_ward(tx, ward)?;
        let e = AuditEvent::new(
            AuditAction::Update,
            "ward",
            format!("ward {} renamed {}", before.name, after.name),
        )
        .on(ward.as_str());
        Ok((after, vec![e]))
    })
}

/// Retires a ward and its beds (admin), ending its staff's assignments;
/// refused while any bed holds a patient or a reservation. Its history stays.
pub fn retire_ward(db: &mut Db, by: &Session, ward: &Id, now: DateTime<Utc>) -> Result<Ward> {
    write(db, by, Permission::Administer, "set up wards", now, |tx| {
        let w = get_ward(tx, ward)?;
        let its_beds = beds::beds(tx, Some(ward))?;
        if let Some(b) = its_beds
            .iter()
            .find(|b| matches!(b.status, BedStatus::Occupied | BedStatus::Reserved))
        {
            return Err(refused(format!(
                "ward {} cannot be retired: bed {} is {}. Transfer or discharge its patients and cancel its reservations first",
                w.name,
                b.label,
                b.status.label()
            )));
        }
        let mut events = Vec::new();
        for b in &its_beds {
            beds::retire_bed(tx, &b.id, now)?;
            events.push(bed_event(
                AuditAction::Delete,
                b,
                format!("bed {} retired with ward {}", b.label, w.name),
            ));
        }
        beds::retire_ward(tx, ward, now)?;
        events.extend(crate::ops::ward_staff::end_on_retired_ward(
            tx, by, ward, now,
        )?);
        events.push(
            AuditEvent::new(
                AuditAction::Delete,
                "ward",
                format!("ward {} retired", w.name),
            )
            .on(ward.as_str()),
        );
        let after = beds::ward_by_id(tx, ward)?.unwrap_or(w);
        Ok((after, events))
    })
}

/// Adds a bed to a ward (admin); it starts available.
pub fn add_bed(
    db: &mut Db,
    by: &Session,
    ward: &Id,
    label: &str,
    kind: BedKind,
    now: DateTime<Utc>,
) -> Result<Bed> {
    let label = rules::bed_label(label).map_err(refused)?;
    write(db, by, Permission::Administer, "set up beds", now, |tx| {
        let w = get_ward(tx, ward)?;
        if beds::bed_by_label(tx, &label)?.is_some() {
            return Err(refused(format!(
                "a bed labelled {label} exists: choose another label"
            )));
        }
        let b = beds::insert_bed(tx, ward, &label, kind, now)?;
        let e = bed_event(
            AuditAction::Create,
            &b,
            format!("bed {} ({}) added to {}", b.label, kind.label(), w.name),
        );
        Ok((b, vec![e]))
    })
}

/// Relabels a bed (admin).
pub fn rename_bed(
    db: &mut Db,
    by: &Session,
    bed: &Id,
    label: &str,
    now: DateTime<Utc>,
) -> Result<Bed> {
    let label = rules::bed_label(label).map_err(refused)?;
    write(db, by, Permission::Administer, "set up beds", now, |tx| {
        let before = get_bed(tx, bed)?;
        if let Some(other) = beds::bed_by_label(tx, &label)?
            && other.id != before.id
        {
            return Err(refused(format!(
                "a bed labelled {label} exists: choose another label"
            )));
        }
        beds::relabel_bed(tx, bed, &label)?;
        let after = get_bed(tx, bed)?;
        let e = bed_event(
            AuditAction::Update,
            &after,
            format!("bed {} relabelled {}", before.label, after.label),
        );
        Ok((after, vec![e]))
    })
}

/// Retires a bed (admin); refused while a patient is in it or it is
/// reserved. Its history stays.
pub fn retire_bed(db: &mut Db, by: &Session, bed: &Id, now: DateTime<Utc>) -> Result<Bed> {
    write(db, by, Permission::Administer, "set up beds", now, |tx| {
        let b = get_bed(tx, bed)?;
        match b.status {
            BedStatus::Occupied => {
                return Err(refused(format!(
                    "bed {} has a patient in it and cannot be retired: transfer or discharge the patient first",
                    b.label
                )));
            }
            BedStatus::Reserved => {
                return Err(refused(format!(
                    "bed {} is reserved and cannot be retired: cancel the reservation first",
                    b.label
                )));
            }
            _ => {}
        }
        beds::retire_bed(tx, bed, now)?;
        let e = bed_event(
            AuditAction::Delete,
            &b,
            format!("bed {} retired from {}", b.label, b.ward_name),
        );
        let after = beds::bed_by_id(tx, bed)?.unwrap_or(b);
        Ok((after, vec![e]))
    })
}
