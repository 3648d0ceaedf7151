//! The ward's changes and reads: setting up wards and beds (admins), the
//! bed board, admit, transfer, discharge (which completes the admission's
//! medication orders), reservations, cleaning, out of
//! service, and the census. Each change checks the role, validates, and
//! writes with its audit event in one transaction; each re-reads the bed
//! inside that transaction, so of two terminals racing for one bed the
//! second is told what happened instead of overwriting the first.

use crate::auth::{Session, authorize};
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::beds::{
    self as rules, BedKind, BedStatus, Disposition, SexRestriction, WardKind,
};
use crate::domain::clock::Tz;
use crate::domain::ids::Id;
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::store::beds::{self, Admission, Bed, PatientTag, StatusExtras, Stay, Ward};
use crate::store::{Db, StoreError, patients};
use chrono::{DateTime, Utc};
use rusqlite::Transaction;

fn refused(text: String) -> Error {
    Error::Refused(text)
}

fn hhmm(t: DateTime<Utc>, zone: Tz) -> String {
    t.with_timezone(&zone).format("%d %b %H:%M").to_string()
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
    beds::patient_tag(tx, id)?
        .ok_or_else(|| Error::NotFound("that patient is not in this hospital file".into()))
}

// ---- set-up ----------------------------------------------------------------

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

// ---- the board -------------------------------------------------------------

/// One tile of the board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardBed {
    pub bed: Bed,
    pub occupant: Option<Admission>,
    /// Whom a reserved bed is held for.
    pub reserved: Option<PatientTag>,
}

/// The whole board: every ward in use and its beds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Board {
    pub wards: Vec<Ward>,
    /// Beds by ward name then label.
    pub beds: Vec<BoardBed>,
}

impl Board {
    /// Occupied and total beds of a ward (`None`: the whole hospital).
    pub fn occupancy(&self, ward: Option<&Id>) -> (i64, i64) {
        let of = self
            .beds
            .iter()
            .filter(|b| ward.is_none_or(|w| &b.bed.ward_id == w));
        let (mut occupied, mut total) = (0, 0);
        for b in of {
            total += 1;
            if b.bed.status == BedStatus::Occupied {
                occupied += 1;
            }
        }
        (occupied, total)
    }
}

/// Reads the board, lapsing due reservations first. `audit` records that
/// the patients on it were seen (when the board is opened or refreshed;
/// a board without patients shows no patient data).
pub fn board(db: &mut Db, by: &Session, now: DateTime<Utc>, audit: bool) -> Result<Board> {
    by.require(Permission::ViewBedBoard, "see the bed board")?;
    if beds::reservations_due(db.conn(), now)? {
        write(
            db,
            by,
            Permission::ViewBedBoard,
            "see the bed board",
            now,
            |_| Ok(((), Vec::new())),
        )?;
    }
    let wards = beds::wards(db.conn(), false)?;
    let all = beds::beds(db.conn(), None)?;
    let mut occupants: std::collections::HashMap<String, Admission> =
        beds::active_admissions(db.conn())?
            .into_iter()
            .map(|a| (a.bed_id.as_str().to_string(), a))
            .collect();
    let mut out = Vec::with_capacity(all.len());
    for bed in all {
        let occupant = occupants.remove(bed.id.as_str());
        let reserved = match &bed.reserved_for {
            Some(p) => beds::patient_tag(db.conn(), p)?,
            None => None,
        };
        out.push(BoardBed {
            bed,
            occupant,
            reserved,
        });
    }
    let board = Board { wards, beds: out };
    let shown = board.beds.iter().filter(|b| b.occupant.is_some()).count();
    if audit && shown > 0 {
        db.write(&by.actor(), |_| {
            let e = AuditEvent::new(
                AuditAction::Read,
                "bed_board",
                format!("viewed the bed board: {shown} patients in beds"),
            );
            Ok::<_, Error>(((), vec![e]))
        })?;
    }
    Ok(board)
}

/// A bed with its patient, that patient's beds, and the bed's recent history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BedDetail {
    pub bed: Bed,
    pub occupant: Option<Admission>,
    /// The occupant's admission, bed by bed.
    pub occupant_stays: Vec<Stay>,
    pub reserved: Option<PatientTag>,
    /// The latest stays in this bed, newest first.
    pub history: Vec<Stay>,
}

/// How many past stays the bed detail lists.
pub const HISTORY: usize = 20;

/// Opens a bed's detail: a READ event naming the occupant when there is one.
pub fn bed_detail(db: &mut Db, by: &Session, bed: &Id) -> Result<BedDetail> {
    by.require(Permission::ViewBedBoard, "see the bed board")?;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::ViewBedBoard, "see the bed board")?;
        let b = beds::bed_by_id(tx, bed)?.ok_or_else(|| {
            Error::NotFound("that bed is not in this hospital file: look at the board again".into())
        })?;
        let occupant = beds::active_admission_in(tx, bed)?;
        let occupant_stays = match &occupant {
            Some(a) => beds::stays_of(tx, &a.id)?,
            None => Vec::new(),
        };
        let reserved = match &b.reserved_for {
            Some(p) => beds::patient_tag(tx, p)?,
            None => None,
        };
        let history = beds::bed_history(tx, bed, HISTORY)?;
        let mut e = bed_event(
            AuditAction::Read,
            &b,
            format!(
                "opened bed {} ({} past stays shown)",
                b.label,
                history.len()
            ),
        );
        if let Some(a) = &occupant {
            e = e.for_patient(a.patient.id.as_str());
        }
        Ok::<_, Error>((
            BedDetail {
                bed: b,
                occupant,
                occupant_stays,
                reserved,
                history,
            },
            vec![e],
        ))
    })
}

/// A patient's admissions, newest first, each with its beds (for the
/// patient record, which audits its own opening).
pub fn admissions_of(db: &Db, by: &Session, patient: &Id) -> Result<Vec<(Admission, Vec<Stay>)>> {
    by.require(Permission::FindPatients, "open patient records")?;
    let mut out = Vec::new();
    for a in beds::admissions_of(db.conn(), patient)? {
        let stays = beds::stays_of(db.conn(), &a.id)?;
        out.push((a, stays));
    }
    Ok(out)
}

/// The patient's current admission, if any (to tell at once that a chosen
/// patient is already in a bed).
pub fn current_admission(db: &Db, by: &Session, patient: &Id) -> Result<Option<Admission>> {
    by.require(Permission::ViewBedBoard, "see the bed board")?;
    Ok(beds::active_admission_of(db.conn(), patient)?)
}

/// Doctors and nurses who may attend an admission: (id, user name, name).
pub fn clinicians(db: &Db, by: &Session) -> Result<Vec<crate::domain::user::Clinician>> {
    by.require(Permission::ViewBedBoard, "see the bed board")?;
    Ok(crate::store::users::clinicians(db.conn())?)
}

// ---- admit, transfer, discharge ---------------------------------------------

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
            let e = admission_event(
                AuditAction::Transfer,
                &a.id,
                &a.patient.id,
                format!(
                    "{} moved from {} to {} ({}): {reason}",
                    a.patient.mrn, from.label, bed.label, ward.name
                ),
            );
            Ok((after, vec![e]))
        },
    )
}

/// Ends an admission with a disposition and a note; the bed goes to
/// cleaning.
pub fn discharge(
    db: &mut Db,
    by: &Session,
    admission: &Id,
    disposition: Disposition,
    note: &str,
    now: DateTime<Utc>,
) -> Result<Admission> {
    let note = rules::reason(note, "discharge note", true).map_err(refused)?;
    write(
        db,
        by,
        Permission::AdmitTransferDischarge,
        "discharge patients",
        now,
        |tx| {
            let a = active(tx, admission)?;
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
            Ok((after, std::iter::once(e).chain(orders).collect()))
        },
    )
}

// ---- reservations, cleaning, out of service ---------------------------------

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
