//! Reading the clinical record: the whole record as the patient's record
//! screen shows it (only the sections open to the reader), and the allergy
//! banner shown wherever a clinician or pharmacist sees the patient. Each
//! opening is a READ event naming the patient.

use crate::auth::Session;
use crate::domain::audit::AuditAction;
use crate::domain::care::Sections;
use crate::domain::clock::Clock;
use crate::domain::conditions::AllergyState;
use crate::domain::ids::Id;
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::ops::clinical;
use crate::store::Db;
use crate::store::clinical::conditions::{self, Allergy, Diagnosis, Problem};
use crate::store::clinical::visits::{self, Addendum, Note, Visit};
use crate::store::clinical::vitals::{self, VitalsRecord};
use chrono::{DateTime, Utc};
use rusqlite::Connection;

/// How many vitals sets the whole record reads (newest first).
pub const VITALS_SHOWN: usize = 500;

/// How much of the clinical record to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extent {
    /// All of it (the FHIR export): every visit and diagnosis, the latest
    /// [`VITALS_SHOWN`] vitals sets.
    Whole,
    /// What the record's clinical page shows, so that a record of hundreds
    /// of visits opens as fast as a short one: the latest `visits` visits
    /// (and how many there are), their diagnoses (or, for a reader without
    /// the notes, the latest standing ones), and the standing vitals sets
    /// of the trends (see [`vitals::for_page`]).
    Page { visits: usize, trend_sets: usize },
}

/// How many standing diagnoses a page shows to a reader without the notes.
pub const DIAGNOSES_ON_PAGE: usize = 10;

/// A visit as the record shows it: its note and the addenda beneath.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitEntry {
    pub visit: Visit,
    pub note: Option<Note>,
    pub addenda: Vec<Addendum>,
}

/// What is known of a patient's allergies: the state, the standing
/// allergies (most severe first), and who recorded "no known allergies".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllergyBanner {
    pub state: AllergyState,
    pub allergies: Vec<Allergy>,
    pub no_known: Option<(String, DateTime<Utc>)>,
}

/// The clinical record of a patient, as far as it opened to the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClinicalRecord {
    pub patient: Id,
    pub sections: Sections,
    /// Opened by breaking the glass (not in the reader's care).
    pub via_glass: bool,
    /// Newest first (on a page, only the latest).
    pub visits: Vec<VisitEntry>,
    /// How many visits the patient has in all.
    pub visit_count: usize,
    /// Newest first, those entered in error included (marked); on a page,
    /// only the standing sets of the trends.
    pub vitals: Vec<VitalsRecord>,
    /// Newest first, those entered in error included (marked); on a page,
    /// those of the visits read, or the latest standing ones without notes.
    pub diagnoses: Vec<Diagnosis>,
    pub allergies: AllergyBanner,
    /// Every allergy ever recorded, those in error included.
    pub allergy_history: Vec<Allergy>,
    pub problems: Vec<Problem>,
}

fn banner_of(conn: &Connection, patient: &Id) -> Result<(AllergyBanner, Vec<Allergy>)> {
    let all = conditions::allergies_of(conn, patient)?;
    let standing: Vec<Allergy> = all.iter().filter(|a| a.error.is_none()).cloned().collect();
    let no_known = conditions::latest_no_known(conn, patient)?;
    let banner = AllergyBanner {
        state: AllergyState::of(standing.len(), no_known.is_some()),
        allergies: standing,
        no_known,
    };
    Ok((banner, all))
}

fn sections_named(s: &Sections) -> String {
    let names = [
        (s.notes, "notes"),
        (s.vitals, "vitals"),
        (s.diagnoses, "diagnoses"),
        (s.allergies, "allergies"),
        (s.problems, "problems"),
    ];
    names
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, n)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Opens a patient's whole clinical record: the sections open to `by` (the
/// whole record in their care or after breaking the glass; allergies,
/// diagnoses and problems for a pharmacist), with a READ event. Outside
/// their care a doctor, nurse or admin is told to break the glass first.
pub fn open(db: &mut Db, by: &Session, patient: &Id, clock: Clock) -> Result<ClinicalRecord> {
    open_extent(db, by, patient, clock, Extent::Whole)
}

/// [`open`], reading as much of the record as `extent` says.
pub fn open_extent(
    db: &mut Db,
    by: &Session,
    patient: &Id,
    clock: Clock,
    extent: Extent,
) -> Result<ClinicalRecord> {
    let (record, event) = read(db, by, patient, clock, extent)?;
    db.write(&by.actor(), |_| Ok::<_, Error>(((), vec![event])))?;
    Ok(record)
}

/// What opening a patient's record showed of the clinical record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opening {
    /// Nothing: not for this role (or a deleted or merged record).
    Hidden,
    /// Outside the reader's care: break the glass first.
    Glass,
    Open(Box<ClinicalRecord>),
    /// It could not be read; the message says why.
    Failed(String),
}

/// Opens a patient's record for the record screen: the patient (as
/// [`crate::ops::patients::open`]) and, for a reader who may see it, as
/// much of the clinical record as `extent` says. `searched` (the SEARCH
/// event of the search that found the patient) and both READ events are
/// committed in one transaction — one flush to disk, not three — before
/// anything is shown; nothing is written when the patient cannot be
/// opened.
pub fn open_patient(
    db: &mut Db,
    by: &Session,
    patient: &Id,
    clock: Clock,
    extent: Extent,
    searched: Option<crate::domain::audit::AuditEvent>,
) -> Result<(crate::domain::patient::Patient, Opening)> {
    by.require(Permission::FindPatients, "open patient records")?;
    let role = by.role();
    let shown = (role.can(Permission::ViewClinicalRecord)
        || role.can(Permission::ViewAllergiesAndDiagnoses))
        && crate::store::patients::get(db.conn(), patient)?
            .is_some_and(|p| p.deleted_at.is_none() && p.merged_into.is_none());
    let (opening, also) = if !shown {
        (Opening::Hidden, Vec::new())
    } else {
        match read(db, by, patient, clock, extent) {
            Ok((r, e)) => (Opening::Open(Box::new(r)), vec![e]),
            Err(Error::BreakGlassNeeded(_)) => (Opening::Glass, Vec::new()),
            Err(e) => (Opening::Failed(e.to_string()), Vec::new()),
        }
    };
    let before = searched.into_iter().collect();
    let p = crate::ops::patients::open_with(db, by, patient, before, also)?;
    Ok((p, opening))
}

/// Reads the clinical record as far as it opens to `by`, with the READ
/// event that must be committed before it is shown.
fn read(
    db: &Db,
    by: &Session,
    patient: &Id,
    clock: Clock,
    extent: Extent,
) -> Result<(ClinicalRecord, crate::domain::audit::AuditEvent)> {
    if !by.role().can(Permission::ViewClinicalRecord)
        && !by.role().can(Permission::ViewAllergiesAndDiagnoses)
    {
        return Err(Error::NotPermitted(format!(
            "a {} may not see the clinical record: ask a doctor or nurse",
            by.role().label()
        )));
    }
    let p = clinical::patient_in_use(db.conn(), patient)?;
    let sections = clinical::open_sections(db.conn(), by, patient, clock)?;
    let via_glass = sections == Sections::ALL && !clinical::in_care(db.conn(), by, patient, clock)?;
    let conn = db.conn();
    let mut entries = Vec::new();
    let mut visit_count = 0;
    if sections.notes {
        // Notes and addenda read for all the visits read at once: a
        // patient with hundreds of visits opens in three queries, not
        // hundreds.
        let (read, mut notes, mut addenda) = match extent {
            Extent::Whole => {
                let all = visits::visits_of(conn, patient)?;
                visit_count = all.len();
                (
                    all,
                    visits::notes_of_patient(conn, patient)?,
                    visits::addenda_of_patient(conn, patient)?,
                )
            }
            Extent::Page { visits: shown, .. } => {
                let (latest, total) = visits::latest_visits(conn, patient, shown)?;
                visit_count = total;
                let ids: Vec<Id> = latest.iter().map(|v| v.id.clone()).collect();
                (
                    latest,
                    visits::notes_of_visits(conn, &ids)?,
                    visits::addenda_of_visits(conn, &ids)?,
                )
            }
        };
        for v in read {
            let note = notes.remove(&v.id);
            let (mine, rest): (Vec<Addendum>, Vec<Addendum>) =
                addenda.into_iter().partition(|a| a.visit_id == v.id);
            addenda = rest;
            entries.push(VisitEntry {
                visit: v,
                note,
                addenda: mine,
            });
        }
    }
    let vitals = match (sections.vitals, extent) {
        (false, _) => Vec::new(),
        (true, Extent::Whole) => vitals::of_patient(conn, patient, VITALS_SHOWN)?,
        (true, Extent::Page { trend_sets, .. }) => vitals::for_page(conn, patient, trend_sets)?,
    };
    let diagnoses = match (sections.diagnoses, extent) {
        (false, _) => Vec::new(),
        (true, Extent::Whole) => conditions::diagnoses_of(conn, patient)?,
        (true, Extent::Page { .. }) if sections.notes => {
            let ids: Vec<Id> = entries.iter().map(|e| e.visit.id.clone()).collect();
            conditions::diagnoses_of_visits(conn, &ids)?
        }
        (true, Extent::Page { .. }) => {
            conditions::standing_diagnoses(conn, patient, DIAGNOSES_ON_PAGE)?
        }
    };
    let (allergies, allergy_history) = if sections.allergies {
        banner_of(conn, patient)?
    } else {
        (
            AllergyBanner {
                state: AllergyState::NotAsked,
                allergies: Vec::new(),
                no_known: None,
            },
            Vec::new(),
        )
    };
    let problems = if sections.problems {
        conditions::problems_of(conn, patient)?
    } else {
        Vec::new()
    };
    let summary = format!(
        "opened the clinical record of {} ({}){}",
        p.mrn,
        sections_named(&sections),
        if via_glass { ", glass broken" } else { "" }
    );
    let event = clinical::event(
        AuditAction::Read,
        "clinical_record",
        patient,
        patient,
        summary,
    );
    let record = ClinicalRecord {
        patient: patient.clone(),
        sections,
        via_glass,
        visits: entries,
        visit_count,
        vitals,
        diagnoses,
        allergies,
        allergy_history,
        problems,
    };
    Ok((record, event))
}

/// The allergy banner of a patient, for doctors, nurses and pharmacists
/// wherever they see the patient (medication safety: it needs no care
/// relation). `audit` writes its READ event (when the patient is opened,
/// not on every redraw).
pub fn allergy_banner(
    db: &mut Db,
    by: &Session,
    patient: &Id,
    audit: bool,
) -> Result<AllergyBanner> {
    by.require(Permission::ViewAllergiesAndDiagnoses, "see allergies")?;
    let (banner, _) = banner_of(db.conn(), patient)?;
    if audit {
        let summary = format!(
            "viewed the allergies: {}",
            match banner.state {
                AllergyState::Allergic => format!("{} recorded", banner.allergies.len()),
                other => other.label().to_string(),
            }
        );
        db.write(&by.actor(), |_| {
            let e = clinical::event(AuditAction::Read, "allergy", patient, patient, summary);
            Ok::<_, Error>(((), vec![e]))
        })?;
    }
    Ok(banner)
}

/// The allergy state of each of `patients`, for lists that mark it on
/// every row (the pharmacy's queue, the round), read in one query; no READ
/// event (the list writes its own).
pub fn allergy_states(
    db: &Db,
    by: &Session,
    patients: &[Id],
) -> Result<std::collections::HashMap<Id, AllergyState>> {
    by.require(Permission::ViewAllergiesAndDiagnoses, "see allergies")?;
    Ok(crate::store::clinical::pending::allergy_states(
        db.conn(),
        patients,
    )?)
}
