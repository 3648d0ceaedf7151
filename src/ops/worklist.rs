//! A clinician's worklist for a day in the hospital's zone — their patients
//! called in and waiting, then their ward round: the admitted patients they
//! attend or who lie on a ward they are assigned to (a high or rising NEWS2
//! first, then by ward and bed), each with what is still pending — plus
//! their own drafts left unsigned too long; and the latest NEWS2 of every
//! admission for the bed board.
//!
//! A ward round may hold hundreds of admitted patients, of whom a screen
//! shows a few dozen: [`worklist`] reads who is on the list and in which
//! order (the admissions, their latest NEWS2, the day's queue), and
//! [`read_facts`] what is pending for the rows asked, so that a refresh
//! reads what the screen shows.

use crate::auth::Session;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::clock::{Clock, day_bounds};
use crate::domain::conditions::AllergyState;
use crate::domain::ids::Id;
use crate::domain::news2::{self, Band, Trend};
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::store::Db;
use crate::store::beds::{self, PatientTag};
use crate::store::clinical::care::{self, QueuedAppointment};
use crate::store::clinical::pending;
use crate::store::clinical::visits::{self, Note, Visit};
use crate::store::clinical::vitals::{self, AdmissionScore};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use std::collections::HashMap;
use std::ops::Range;

/// Why a patient is on the worklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// In consultation with the clinician now.
    CalledIn(QueuedAppointment),
    /// Checked in and waiting in the clinician's queue.
    Waiting(QueuedAppointment),
    /// Admitted under the clinician, or to a bed of a ward they work on.
    Admitted(Box<beds::InCare>),
}

/// What is still to do for a patient today.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pending {
    /// No standing vitals set taken today.
    pub vitals: bool,
    /// The visit's note is missing or unsigned (for an admitted patient:
    /// no signed note of the clinician today, or one left unsigned).
    pub note: bool,
    /// No standing diagnosis (of the appointment's visit; for an admitted
    /// patient, since admission). Only a doctor's worklist asks for one:
    /// diagnosing is not a nurse's task.
    pub diagnosis: bool,
}

/// A NEWS2 score as the board and the worklist show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Score {
    pub score: u8,
    pub band: Band,
    pub trend: Trend,
    pub taken_at: DateTime<Utc>,
}

impl Score {
    fn of(s: &AdmissionScore) -> Score {
        Score {
            score: s.score,
            band: s.band,
            trend: news2::trend(s.previous, s.score),
            taken_at: s.taken_at,
        }
    }

    /// Whether the nurse should look first: a high band or a rising score.
    pub fn alarming(&self) -> bool {
        self.band == Band::High || self.trend == Trend::Rising
    }
}

/// One patient of the worklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub patient_id: Id,
    pub reason: Reason,
    /// The appointment's visit, when opened; for an admitted patient, the
    /// clinician's latest visit of the day.
    pub visit: Option<Visit>,
    pub news2: Option<Score>,
    /// Who the patient is and what is pending, once read with
    /// [`read_facts`] (a screen reads them for the rows it shows).
    pub facts: Option<RowFacts>,
}

impl Entry {
    /// The patient's MRN, name and sex, when the row's facts are read.
    pub fn patient(&self) -> Option<&PatientTag> {
        self.facts.as_ref().map(|f| &f.patient)
    }

    /// What is pending, when the row's facts are read.
    pub fn pending(&self) -> Option<Pending> {
        self.facts.as_ref().map(|f| f.pending)
    }
}

/// What a row of the worklist shows besides where the patient is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowFacts {
    pub patient: PatientTag,
    pub pending: Pending,
    pub birth: Option<NaiveDate>,
    pub allergy: AllergyState,
}

/// An unsigned draft older than the `draft_warn_hours` setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleDraft {
    pub visit: Visit,
    pub note: Note,
    pub patient: PatientTag,
}

/// A clinician's worklist of one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worklist {
    pub clinician: Id,
    pub day: chrono::NaiveDate,
    pub entries: Vec<Entry>,
    pub stale_drafts: Vec<StaleDraft>,
    /// Whether the list asks for diagnoses (a doctor's).
    asks_diagnosis: bool,
    /// The day's bounds, and when diagnoses are counted until.
    day_from: DateTime<Utc>,
    day_to: DateTime<Utc>,
    diagnosed_until: DateTime<Utc>,
    /// The clinician's visits of the day of each admitted patient, by patient.
    round_visits: HashMap<Id, Vec<Id>>,
}

fn tag(conn: &rusqlite::Connection, patient: &Id) -> Result<PatientTag> {
    beds::patient_tag(conn, patient)?.ok_or_else(|| {
        Error::NotFound("a patient of the worklist is not in this hospital file".into())
    })
}

/// The worklist of `clinician` for today at `clock` (doctors and nurses;
/// `c` on the screen cycles to other clinicians). A doctor's ward round
/// holds the patients they attend and, like a nurse's, those on the wards
/// they are assigned to. `audit` writes one READ event for the list.
pub fn worklist(
    db: &mut Db,
    by: &Session,
    clinician: &Id,
    clock: Clock,
    audit: bool,
) -> Result<Worklist> {
    by.require(Permission::ClinicalWorklist, "see clinicians' worklists")?;
    let conn = db.conn();
    let who = crate::store::users::clinician_by_id(conn, clinician)?.ok_or_else(|| {
        Error::NotFound(
            "that clinician is not an enabled doctor or nurse account: choose another".into(),
        )
    })?;
    let diagnoses = who.role == crate::domain::role::Role::Doctor;
    let today = clock.today();
    let (start, end) = day_bounds(clock.zone, today);
    let mut entries: Vec<Entry> = Vec::new();
    for q in care::queued(conn, clinician, today)? {
        if entries.iter().any(|e| e.patient_id == q.patient_id) {
            continue;
        }
        let visit = visits::visit_of_appointment(conn, &q.id)?;
        let patient_id = q.patient_id.clone();
        let news2 = vitals::latest_score_of(conn, &q.patient_id)?
            .as_ref()
            .map(Score::of);
        let reason = if q.called_in {
            Reason::CalledIn(q)
        } else {
            Reason::Waiting(q)
        };
        entries.push(Entry {
            patient_id,
            reason,
            visit,
            news2,
            facts: None,
        });
    }
    let admitted: Vec<beds::InCare> = beds::in_care_of(conn, clinician)?
        .into_iter()
        .filter(|a| !entries.iter().any(|e| e.patient_id == a.patient_id))
        .collect();
    let mut todays: HashMap<Id, Vec<Visit>> = HashMap::new();
    for v in pending::visits_of_clinician_between(conn, clinician, start, end)? {
        todays.entry(v.patient_id.clone()).or_default().push(v);
    }
    let mut round_visits = HashMap::new();
    let mut round: Vec<Entry> = Vec::new();
    for a in admitted {
        let seen = todays.remove(&a.patient_id).unwrap_or_default();
        let visit = seen.last().cloned();
        round_visits.insert(
            a.patient_id.clone(),
            seen.into_iter().map(|v| v.id).collect(),
        );
        round.push(Entry {
            patient_id: a.patient_id.clone(),
            news2: a.news2.as_ref().map(Score::of),
            visit,
            reason: Reason::Admitted(Box::new(a)),
            facts: None,
        });
    }
    round.sort_by_cached_key(round_order);
    entries.extend(round);
    let warn = Duration::hours(i64::from(db.settings()?.draft_warn_hours));
    let conn = db.conn();
    let mut stale_drafts = Vec::new();
    for (visit, note) in visits::stale_drafts(conn, clinician, clock.now - warn)? {
        let patient = tag(conn, &visit.patient_id)?;
        stale_drafts.push(StaleDraft {
            visit,
            note,
            patient,
        });
    }
    if audit {
        let summary = format!(
            "viewed the worklist of {} for {today}: {} patients, {} old drafts",
            who.user_name,
            entries.len(),
            stale_drafts.len()
        );
        db.write(&by.actor(), |_| {
            let e = AuditEvent::new(AuditAction::Read, "worklist", summary).on(clinician.as_str());
            Ok::<_, Error>(((), vec![e]))
        })?;
    }
    Ok(Worklist {
        clinician: clinician.clone(),
        day: today,
        entries,
        stale_drafts,
        asks_diagnosis: diagnoses,
        day_from: start,
        day_to: end,
        diagnosed_until: end.max(clock.now),
        round_visits,
    })
}

/// The worklist of `clinician` with the facts of every row read (for a
/// report or a test; a screen reads those of the rows it shows).
pub fn worklist_with_facts(
    db: &mut Db,
    by: &Session,
    clinician: &Id,
    clock: Clock,
    audit: bool,
) -> Result<Worklist> {
    let mut list = worklist(db, by, clinician, clock, audit)?;
    let all = 0..list.entries.len();
    read_facts(db, by, &mut list, all)?;
    Ok(list)
}

/// Reads what is pending, the birth date and the allergy state of the
/// entries in `rows` whose facts are not read yet (rows past the end are
/// left out). The list's READ event covers them.
pub fn read_facts(db: &Db, by: &Session, list: &mut Worklist, rows: Range<usize>) -> Result<()> {
    by.require(Permission::ClinicalWorklist, "see clinicians' worklists")?;
    by.require(Permission::ViewAllergiesAndDiagnoses, "see allergies")?;
    let end = rows.end.min(list.entries.len());
    let wanted: Vec<usize> = (rows.start.min(end)..end)
        .filter(|&i| list.entries[i].facts.is_none())
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let conn = db.conn();
    let patients: Vec<Id> = wanted
        .iter()
        .map(|&i| list.entries[i].patient_id.clone())
        .collect();
    let mut visits: Vec<Id> = Vec::new();
    let mut admitted_since: Vec<(Id, DateTime<Utc>)> = Vec::new();
    for &i in &wanted {
        let e = &list.entries[i];
        match &e.reason {
            Reason::Admitted(a) => {
                admitted_since.push((e.patient_id.clone(), a.admitted_at));
                if let Some(seen) = list.round_visits.get(&e.patient_id) {
                    visits.extend(seen.iter().cloned());
                }
            }
            Reason::CalledIn(_) | Reason::Waiting(_) => {
                visits.extend(e.visit.as_ref().map(|v| v.id.clone()));
            }
        }
    }
    let unsigned = pending::unsigned_visits(conn, &visits)?;
    let (diagnosed_visits, diagnosed_since) = if list.asks_diagnosis {
        (
            pending::diagnosed_visits(conn, &visits)?,
            pending::diagnosed_between(conn, &admitted_since, list.diagnosed_until)?,
        )
    } else {
        Default::default()
    };
    let taken = pending::vitals_taken_between(conn, &patients, list.day_from, list.day_to)?;
    let mut tags = pending::patient_tags(conn, &patients)?;
    let allergies = pending::allergy_states(conn, &patients)?;
    for i in wanted {
        let e = &list.entries[i];
        let id = &e.patient_id;
        let Some((patient, birth)) = tags.remove(id) else {
            return Err(Error::NotFound(
                "a patient of the worklist is not in this hospital file".into(),
            ));
        };
        let (note, diagnosis) = match &e.reason {
            Reason::Admitted(_) => {
                let seen = list.round_visits.get(id).map_or(&[][..], Vec::as_slice);
                (
                    seen.is_empty() || seen.iter().any(|v| unsigned.contains(v)),
                    !diagnosed_since.contains(id),
                )
            }
            Reason::CalledIn(_) | Reason::Waiting(_) => match &e.visit {
                Some(v) => (unsigned.contains(&v.id), !diagnosed_visits.contains(&v.id)),
                None => (true, true),
            },
        };
        let facts = RowFacts {
            patient,
            pending: Pending {
                vitals: !taken.contains(id),
                note,
                diagnosis: list.asks_diagnosis && diagnosis,
            },
            birth,
            allergy: allergies.get(id).copied().unwrap_or(AllergyState::NotAsked),
        };
        list.entries[i].facts = Some(facts);
    }
    Ok(())
}

/// Where an admitted patient stands on the round: a high or rising NEWS2
/// first (the highest score first among them), then by ward and bed.
fn round_order(e: &Entry) -> (bool, std::cmp::Reverse<u8>, String, String) {
    let alarming = e.news2.filter(Score::alarming).map_or(0, |s| s.score);
    let (ward, bed) = match &e.reason {
        Reason::Admitted(a) => (a.ward_name.to_lowercase(), a.bed_label.clone()),
        _ => (String::new(), String::new()),
    };
    (
        e.news2.is_none_or(|s| !s.alarming()),
        std::cmp::Reverse(alarming),
        ward,
        bed,
    )
}

/// The latest NEWS2 of every active admission that has one, by admission,
/// for the bed board (doctors and nurses). `audit` writes one READ event.
pub fn board_scores(db: &mut Db, by: &Session, audit: bool) -> Result<HashMap<Id, Score>> {
    by.require(Permission::ClinicalWorklist, "see early-warning scores")?;
    let scores: HashMap<Id, Score> = vitals::latest_scores(db.conn())?
        .iter()
        .map(|s| (s.admission_id.clone(), Score::of(s)))
        .collect();
    if audit && !scores.is_empty() {
        let summary = format!(
            "viewed the NEWS2 scores of {} admitted patients",
            scores.len()
        );
        db.write(&by.actor(), |_| {
            let e = AuditEvent::new(AuditAction::Read, "news2", summary);
            Ok::<_, Error>(((), vec![e]))
        })?;
    }
    Ok(scores)
}
