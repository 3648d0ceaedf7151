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

/// How many vitals sets the record reads (newest first).
pub const VITALS_SHOWN: usize = 500;

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
    /// Newest first.
    pub visits: Vec<VisitEntry>,
    /// Newest first, those entered in error included (marked).
    pub vitals: Vec<VitalsRecord>,
    /// Newest first, those entered in error included (marked).
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

/// Opens a patient's clinical record: the sections open to `by` (the whole
/// record in their care or after breaking the glass; allergies, diagnoses
/// and problems for a pharmacist), with a READ event. Outside their care a
/// doctor, nurse or admin is told to break the glass first.
pub fn open(db: &mut Db, by: &Session, patient: &Id, clock: Clock) -> Result<ClinicalRecord> {
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
    if sections.notes {
        // Notes and addenda read for the whole record at once: a patient
        // with hundreds of visits opens in three queries, not hundreds.
        let mut notes = visits::notes_of_patient(conn, patient)?;
        let mut addenda = visits::addenda_of_patient(conn, patient)?;
        for v in visits::visits_of(conn, patient)? {
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
    let vitals = if sections.vitals {
        vitals::of_patient(conn, patient, VITALS_SHOWN)?
    } else {
        Vec::new()
    };
    let diagnoses = if sections.diagnoses {
        conditions::diagnoses_of(conn, patient)?
    } else {
        Vec::new()
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
    db.write(&by.actor(), |_| {
        let e = clinical::event(
            AuditAction::Read,
            "clinical_record",
            patient,
            patient,
            summary,
        );
        Ok::<_, Error>(((), vec![e]))
    })?;
    Ok(ClinicalRecord {
        patient: patient.clone(),
        sections,
        via_glass,
        visits: entries,
        vitals,
        diagnoses,
        allergies,
        allergy_history,
        problems,
    })
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
