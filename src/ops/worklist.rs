//! A clinician's worklist for a day in the hospital's zone — their patients
//! called in and waiting, then their ward round: the admitted patients they
//! attend or who lie on a ward they are assigned to (a high or rising NEWS2
//! first, then by ward and bed), each with what is still pending — plus
//! their own drafts left unsigned too long; and the latest NEWS2 of every
//! admission for the bed board.

use crate::auth::Session;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::clock::{Clock, day_bounds};
use crate::domain::ids::Id;
use crate::domain::news2::{self, Band, Trend};
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::store::Db;
use crate::store::beds::{self, PatientTag};
use crate::store::clinical::care::{self, QueuedAppointment};
use crate::store::clinical::conditions;
use crate::store::clinical::pending;
use crate::store::clinical::visits::{self, Note, Visit};
use crate::store::clinical::vitals::{self, AdmissionScore};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;

/// Why a patient is on the worklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// In consultation with the clinician now.
    CalledIn(QueuedAppointment),
    /// Checked in and waiting in the clinician's queue.
    Waiting(QueuedAppointment),
    /// Admitted under the clinician, or to a bed of a ward they work on.
    Admitted(Box<beds::Admission>),
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
    pub patient: PatientTag,
    pub reason: Reason,
    /// The appointment's visit, when opened.
    pub visit: Option<Visit>,
    pub pending: Pending,
    pub news2: Option<Score>,
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
    let scores: HashMap<Id, AdmissionScore> = vitals::latest_scores(conn)?
        .into_iter()
        .map(|s| (s.patient_id.clone(), s))
        .collect();
    let mut entries: Vec<Entry> = Vec::new();
    for q in care::queued(conn, clinician, today)? {
        if entries.iter().any(|e| e.patient.id == q.patient_id) {
            continue;
        }
        let visit = visits::visit_of_appointment(conn, &q.id)?;
        let (note, diagnosis) = match &visit {
            Some(v) => (
                visits::note_of(conn, &v.id)?.is_none_or(|n| n.signed_at.is_none()),
                conditions::diagnoses_of_visit(conn, &v.id)?
                    .iter()
                    .all(|d| d.error.is_some()),
            ),
            None => (true, true),
        };
        let pending = Pending {
            vitals: false,
            note,
            diagnosis: diagnoses && diagnosis,
        };
        let patient = tag(conn, &q.patient_id)?;
        let news2 = scores.get(&q.patient_id).map(Score::of);
        let reason = if q.called_in {
            Reason::CalledIn(q)
        } else {
            Reason::Waiting(q)
        };
        entries.push(Entry {
            patient,
            reason,
            visit,
            pending,
            news2,
        });
    }
    let on_wards = crate::store::ward_staff::patients_on_wards_of(conn, clinician)?;
    let admitted: Vec<beds::Admission> = beds::active_admissions(conn)?
        .into_iter()
        .filter(|a| &a.attending_id == clinician || on_wards.contains(&a.patient.id))
        .filter(|a| !entries.iter().any(|e| e.patient.id == a.patient.id))
        .collect();
    // The round's pending facts are read for all its patients at once.
    let mut todays: HashMap<Id, Vec<Visit>> = HashMap::new();
    for v in pending::visits_of_clinician_between(conn, clinician, start, end)? {
        todays.entry(v.patient_id.clone()).or_default().push(v);
    }
    let round_visits: Vec<Id> = admitted
        .iter()
        .filter_map(|a| todays.get(&a.patient.id))
        .flatten()
        .map(|v| v.id.clone())
        .collect();
    let unsigned = pending::unsigned_visits(conn, &round_visits)?;
    let diagnosed = if diagnoses {
        let since: Vec<(Id, DateTime<Utc>)> = admitted
            .iter()
            .map(|a| (a.patient.id.clone(), a.admitted_at))
            .collect();
        pending::diagnosed_between(conn, &since, end.max(clock.now))?
    } else {
        Default::default()
    };
    let mut round: Vec<Entry> = Vec::new();
    for a in admitted {
        let seen = todays.remove(&a.patient.id).unwrap_or_default();
        let pending = Pending {
            vitals: false,
            note: seen.is_empty() || seen.iter().any(|v| unsigned.contains(&v.id)),
            diagnosis: diagnoses && !diagnosed.contains(&a.patient.id),
        };
        round.push(Entry {
            patient: a.patient.clone(),
            news2: scores.get(&a.patient.id).map(Score::of),
            visit: seen.last().cloned(),
            reason: Reason::Admitted(Box::new(a)),
            pending,
        });
    }
    round.sort_by_cached_key(round_order);
    entries.extend(round);
    let ids: Vec<Id> = entries.iter().map(|e| e.patient.id.clone()).collect();
    let taken = pending::vitals_taken_between(db.conn(), &ids, start, end)?;
    for e in &mut entries {
        e.pending.vitals = !taken.contains(&e.patient.id);
    }
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
    })
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

/// The birth dates of the worklist's patients (for their ages), by patient.
pub fn birth_dates(
    db: &Db,
    by: &Session,
    patients: &[Id],
) -> Result<HashMap<Id, chrono::NaiveDate>> {
    by.require(Permission::ClinicalWorklist, "see clinicians' worklists")?;
    Ok(pending::birth_dates(db.conn(), patients)?)
}
