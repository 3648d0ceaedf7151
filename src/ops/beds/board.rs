//! Reading the ward: the bed board (lapsing due reservations first), a
//! bed's detail with its history, a patient's admissions and the clinicians
//! who may attend one. Opening patient data leaves its READ event.

use super::{bed_event, write};
use crate::auth::{Session, authorize};
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::beds::BedStatus;
use crate::domain::ids::Id;
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::store::Db;
use crate::store::beds::{self, Admission, Bed, PatientTag, Stay, Ward};
use chrono::{DateTime, Utc};

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
