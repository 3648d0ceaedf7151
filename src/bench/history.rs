//! The bench hospital's clinical record at scale: five years of past visits
//! before the bench day. A tenth of the patients (drawn by the seeded
//! generator) come back, about three visits and ten vitals sets each; the
//! rest came once. Each visit has a signed note, vitals and a coded
//! diagnosis, a few an addendum; some patients have allergies or "no known
//! allergies", the chronic ones a problem. One patient, the busiest
//! record, has [`BUSIEST_VISITS`] visits and [`BUSIEST_SETS`] sets. Every
//! admission of the wards gets its daily ward rounds and three vitals sets
//! a day with NEWS2 for adults.
//!
//! Written in bulk through `store::clinical::bulk` (cached statements, one
//! transaction per [`CHUNK`] patients), each visit with its CREATE audit
//! event, so that the audit chain covers it as it covers the patients.

use super::cases::{self, Case, Signs};
use super::{SEED, clinic_now, fixed_now, today};
use crate::domain::audit::{Actor, AuditAction, AuditEvent};
use crate::domain::conditions::{Certainty, Coded, Rank};
use crate::domain::ids::Id;
use crate::domain::news2;
use crate::domain::patient::age_years;
use crate::domain::visit::VisitKind;
use crate::ops::codes;
use crate::store::Db;
use crate::store::clinical::bulk::{self, PastDiagnosis, PastVisit, PatientRow};
use crate::store::clinical::vitals::NewVitals;
use anyhow::{Context, Result, bail};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::Transaction;
use std::collections::HashMap;

/// Patients written per transaction.
const CHUNK: i64 = 25_000;
/// The share of patients who come back.
const RETURNING: f64 = 0.1;
/// Years of history before the bench day.
const YEARS: i64 = 5;
/// The busiest record's visits and vitals sets.
pub const BUSIEST_VISITS: usize = 200;
pub const BUSIEST_SETS: usize = 1_000;

/// Who writes the history: the doctors who saw the patients (the bench's
/// doctor first) and the nurse who took vitals between visits.
pub struct Team {
    pub doctors: Vec<Id>,
    pub nurse: Id,
}

/// What was written.
#[derive(Debug, Clone, Copy, Default)]
pub struct Written {
    pub visits: u64,
    pub sets: u64,
    pub busiest_seq: i64,
}

/// The seq of the busiest record: the first adult from the middle of the
/// register on (chosen while writing).
pub fn busiest_from(patients: u64) -> i64 {
    (patients as i64 / 2).max(1)
}

/// The shipped list's entries for every code the bench records; fails
/// on a code the list does not hold.
fn coded(db: &Db) -> Result<HashMap<&'static str, Coded>> {
    let mut out = HashMap::new();
    for code in cases::all_codes() {
        let Some(c) = codes::lookup(db, codes::SHIPPED_SYSTEM, code)? else {
            bail!("the bench records {code}, which the shipped ICD-10-CM list does not hold");
        };
        out.insert(
            code,
            Coded {
                system: c.system,
                code: c.code,
                text: c.description,
            },
        );
    }
    Ok(out)
}

fn at_day(day: NaiveDate, minutes: i64) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
        + Duration::minutes(minutes)
}

/// The writing state: the draw, the codes, the team.
struct Writer<'a> {
    rng: StdRng,
    codes: HashMap<&'static str, Coded>,
    team: &'a Team,
    written: Written,
    busiest_from: i64,
}

fn event(entity: &'static str, id: &Id, patient: &Id, summary: String) -> AuditEvent {
    AuditEvent::new(AuditAction::Create, entity, summary)
        .on(id.as_str())
        .for_patient(patient.as_str())
}

impl Writer<'_> {
    fn code(&self, code: &str) -> Result<&Coded> {
        self.codes
            .get(code)
            .with_context(|| format!("the bench has no text for {code}"))
    }

    /// One visit with its vitals sets, signed note, diagnoses and maybe an
    /// addendum; returns its audit event.
    #[allow(clippy::too_many_arguments)]
    fn visit(
        &mut self,
        tx: &Transaction,
        p: &PatientRow,
        kind: VisitKind,
        admission: Option<&Id>,
        clinician: &Id,
        started: DateTime<Utc>,
        note: &crate::domain::visit::NoteText,
        codes: (&str, Option<&str>),
        sets: &[crate::domain::vitals::Vitals],
    ) -> Result<AuditEvent> {
        let id = bulk::insert_visit(
            tx,
            &PastVisit {
                patient: &p.id,
                clinician,
                kind,
                admission,
                started_at: started,
            },
        )?;
        for (k, v) in sets.iter().enumerate() {
            vitals_taken(
                tx,
                &NewVitals {
                    patient: &p.id,
                    visit: Some(&id),
                    admission,
                    taken_at: started + Duration::minutes(3 + 4 * k as i64),
                    taken_by: clinician,
                    vitals: v,
                    news2: None,
                },
            )?;
        }
        let signed = started + Duration::minutes(self.rng.gen_range(10..30));
        bulk::insert_signed_note(tx, &id, note, clinician, signed)?;
        let certainty = if self.rng.gen_bool(0.85) {
            Certainty::Confirmed
        } else {
            Certainty::Provisional
        };
        let primary = self.code(codes.0)?.clone();
        let mut shown = primary.code.clone();
        bulk::insert_diagnosis(
            tx,
            &PastDiagnosis {
                visit: &id,
                patient: &p.id,
                coded: &primary,
                rank: Rank::Primary,
                certainty,
                by: clinician,
                at: signed,
            },
        )?;
        if let Some(second) = codes.1.filter(|c| *c != codes.0) {
            let second = self.code(second)?.clone();
            shown.push_str(&format!(", {}", second.code));
            bulk::insert_diagnosis(
                tx,
                &PastDiagnosis {
                    visit: &id,
                    patient: &p.id,
                    coded: &second,
                    rank: Rank::Secondary,
                    certainty: Certainty::Confirmed,
                    by: clinician,
                    at: signed,
                },
            )?;
        }
        let mut addendum = "";
        if self.rng.gen_bool(0.03) {
            let (reason, body) = cases::ADDENDA[self.rng.gen_range(0..cases::ADDENDA.len())];
            let later = signed + Duration::hours(self.rng.gen_range(1..20));
            bulk::insert_addendum(tx, &id, clinician, reason, body, later)?;
            addendum = ", an addendum";
        }
        self.written.visits += 1;
        self.written.sets += sets.len() as u64;
        Ok(event(
            "visit",
            &id,
            &p.id,
            format!(
                "bench history: {} of {} with {} vitals sets, signed note{addendum}, diagnosis {shown}",
                kind.label(),
                started.format("%Y-%m-%d"),
                sets.len()
            ),
        ))
    }

    /// A patient's past visits, allergies and problems.
    fn patient(&mut self, tx: &Transaction, p: &PatientRow) -> Result<Vec<AuditEvent>> {
        let now = fixed_now();
        let born = at_day(p.birth_date, 8 * 60);
        let start = (now - Duration::days(365 * YEARS)).max(born + Duration::days(1));
        let end = now - Duration::days(1);
        let returning = self.rng.gen_bool(RETURNING);
        if start >= end {
            return Ok(Vec::new());
        }
        let age_now = age_years(p.birth_date, today());
        let busiest = self.written.busiest_seq == 0 && p.seq >= self.busiest_from && age_now >= 30;
        if busiest {
            self.written.busiest_seq = p.seq;
        }
        let (visits, sets) = match (busiest, returning) {
            (true, _) => (BUSIEST_VISITS, BUSIEST_SETS),
            (false, true) => (self.rng.gen_range(2..=4), self.rng.gen_range(8..=12)),
            (false, false) => (1, 1),
        };
        let suits = |c: &&Case, age: i32| cases::suits(c, age, &p.sex);
        let chronic: Option<&Case> = if busiest {
            cases::CHRONIC.first()
        } else if self.rng.gen_bool(if returning { 0.5 } else { 0.04 }) {
            let fit: Vec<&Case> = cases::CHRONIC
                .iter()
                .filter(|c| suits(c, age_now))
                .collect();
            (!fit.is_empty()).then(|| fit[self.rng.gen_range(0..fit.len())])
        } else {
            None
        };
        let span = (end - start).num_minutes().max(1);
        let mut days: Vec<NaiveDate> = (0..visits)
            .map(|_| (start + Duration::minutes(self.rng.gen_range(0..span))).date_naive())
            .collect();
        days.sort_unstable();
        let build = cases::build_of(age_now, &mut self.rng);
        let per_visit = if busiest {
            BUSIEST_SETS / BUSIEST_VISITS
        } else {
            1
        };
        let mut events = Vec::new();
        let mut chronic_since: Option<NaiveDate> = None;
        for (i, day) in days.iter().enumerate() {
            let age = age_years(p.birth_date, *day);
            let follow_up = chronic.is_some() && (i == 0 || self.rng.gen_bool(0.6));
            let case = match chronic {
                Some(c) if follow_up => c,
                _ => {
                    let fit: Vec<&Case> = cases::ACUTE.iter().filter(|c| suits(c, age)).collect();
                    match fit.len() {
                        0 => &cases::ACUTE[0],
                        n => fit[self.rng.gen_range(0..n)],
                    }
                }
            };
            if follow_up && chronic_since.is_none() {
                chronic_since = Some(*day);
            }
            let kind = match case.who {
                cases::For::Pregnant => VisitKind::Antenatal,
                _ if self.rng.gen_bool(0.12) => VisitKind::WalkIn,
                _ => VisitKind::Outpatient,
            };
            let doctors = &self.team.doctors;
            let clinician = if busiest || doctors.len() == 1 {
                doctors[0].clone()
            } else {
                doctors[self.rng.gen_range(0..doctors.len())].clone()
            };
            let started = at_day(*day, self.rng.gen_range(8 * 60..16 * 60 + 30));
            let note = cases::note(case, &mut self.rng);
            let sets: Vec<_> = (0..per_visit)
                .map(|_| cases::vitals(age, case.signs, build, &mut self.rng))
                .collect();
            let second =
                chronic.filter(|c| !follow_up && chronic_since.is_some() && c.code != case.code);
            let e = self.visit(
                tx,
                p,
                kind,
                None,
                &clinician,
                started,
                &note,
                (case.code, second.map(|c| c.code)),
                &sets,
            )?;
            events.push(e);
        }
        // Sets taken by the nurse between visits (blood pressure and
        // weight checks), for those who come back.
        let first = at_day(days[0], 9 * 60);
        let extra = sets.saturating_sub(visits * per_visit);
        let signs = chronic.map_or(Signs::default(), |c| c.signs);
        for _ in 0..extra {
            let t = start + Duration::minutes(self.rng.gen_range(0..span));
            let v = cases::vitals(
                age_years(p.birth_date, t.date_naive()),
                signs,
                build,
                &mut self.rng,
            );
            vitals_taken(
                tx,
                &NewVitals {
                    patient: &p.id,
                    visit: None,
                    admission: None,
                    taken_at: t,
                    taken_by: &self.team.nurse,
                    vitals: &v,
                    news2: None,
                },
            )?;
        }
        self.written.sets += extra as u64;
        let mut said = Vec::new();
        if extra > 0 {
            said.push(format!("{extra} vitals sets between visits"));
        }
        let doctor = &self.team.doctors[0];
        if self.rng.gen_bool(0.05) {
            let (s, r, sev) = cases::ALLERGIES[self.rng.gen_range(0..cases::ALLERGIES.len())];
            bulk::insert_allergy(tx, &p.id, (s, r, sev), doctor, first)?;
            said.push(format!("allergy to {s}"));
        } else if self.rng.gen_bool(0.3) {
            bulk::insert_no_known(tx, &p.id, doctor, first)?;
            said.push("no known allergies".into());
        }
        if let (Some(c), Some(since)) = (chronic, chronic_since) {
            let coded = self.code(c.code)?.clone();
            bulk::insert_problem(tx, &p.id, &coded, since, doctor, at_day(since, 17 * 60))?;
            said.push(format!("problem {}", coded.code));
        }
        if !said.is_empty() {
            events.push(event(
                "clinical_record",
                &p.id,
                &p.id,
                format!("bench history: {}", said.join(", ")),
            ));
        }
        Ok(events)
    }
}

impl Writer<'_> {
    /// An admission's ward rounds (one a day after the day of admission,
    /// today's for a third of those still in) and its three vitals sets a
    /// day, NEWS2 scored for adults.
    fn admission(
        &mut self,
        tx: &Transaction,
        a: &bulk::AdmissionSpan,
        p: &PatientRow,
    ) -> Result<Vec<AuditEvent>> {
        let until = a.discharged_at.unwrap_or_else(clinic_now);
        let reason = a.reason.to_lowercase();
        let code = cases::ADMISSION_CODES
            .iter()
            .find(|(words, _)| reason.contains(words))
            .map_or(cases::ADMISSION_OTHER, |(_, c)| *c);
        let unwell = Signs {
            fever: reason.contains("pneumonia") || reason.contains("malaria"),
            breathless: reason.contains("pneumonia")
                || reason.contains("asthma")
                || reason.contains("heart failure"),
            high_bp: reason.contains("heart failure"),
            glucose: reason.contains("diabetes"),
            thin: false,
        };
        let build = cases::build_of(age_years(p.birth_date, today()), &mut self.rng);
        let mut events = Vec::new();
        let mut sets = 0u64;
        let first_day = a.admitted_at.date_naive();
        let mut day = first_day;
        let mut diagnosed = false;
        while at_day(day, 0) < until {
            let n = (day - first_day).num_days();
            let age = age_years(p.birth_date, day);
            // Better after the first two days.
            let signs = if n < 2 { unwell } else { Signs::default() };
            for minute in [6 * 60, 14 * 60, 22 * 60] {
                let t = at_day(day, minute + self.rng.gen_range(0..40));
                if t <= a.admitted_at || t >= until {
                    continue;
                }
                let v = cases::vitals(age, signs, build, &mut self.rng);
                let score = (age >= news2::ADULT_FROM_YEARS)
                    .then(|| v.observations().map(|o| news2::score(&o)))
                    .flatten();
                vitals_taken(
                    tx,
                    &NewVitals {
                        patient: &p.id,
                        visit: None,
                        admission: Some(&a.id),
                        taken_at: t,
                        taken_by: &self.team.nurse,
                        vitals: &v,
                        news2: score.map(|s| (s.total, s.band)),
                    },
                )?;
                sets += 1;
            }
            let round = at_day(day, 8 * 60 + 30 + self.rng.gen_range(0..90));
            let today_pending = day == today() && !self.rng.gen_bool(1.0 / 3.0);
            if n >= 1 && round < until && !today_pending {
                let note = cases::round_note(n, &a.reason);
                let e = self.visit(
                    tx,
                    p,
                    VisitKind::WardRound,
                    Some(&a.id),
                    &a.attending_id,
                    round,
                    &note,
                    (
                        if diagnosed {
                            cases::ADMISSION_OTHER
                        } else {
                            code
                        },
                        None,
                    ),
                    &[],
                )?;
                diagnosed = true;
                events.push(e);
            }
            day = day.succ_opt().unwrap_or(day);
            if day == first_day {
                break;
            }
        }
        self.written.sets += sets;
        if sets > 0 {
            events.push(event(
                "vitals",
                &a.id,
                &p.id,
                format!("bench history: {sets} vitals sets over the admission"),
            ));
        }
        Ok(events)
    }
}

/// Writes the clinical history of a hospital of `patients` patients whose
/// wards are filled.
pub fn fill(db: &mut Db, team: &Team, patients: u64) -> Result<Written> {
    if team.doctors.is_empty() {
        bail!("the bench history needs a doctor");
    }
    let mut w = Writer {
        rng: StdRng::seed_from_u64(SEED ^ 0x0048_4953_544f_5259),
        codes: coded(db)?,
        team,
        written: Written::default(),
        busiest_from: busiest_from(patients),
    };
    let last = patients as i64;
    let mut from = 1i64;
    while from <= last {
        let to = (from + CHUNK).min(last + 1);
        let rows = bulk::patients_by_seq(db.conn(), from, to)?;
        db.write(&Actor::system(), |tx| {
            let mut events = Vec::new();
            for p in &rows {
                events.extend(w.patient(tx, p)?);
            }
            Ok::<_, anyhow::Error>(((), events))
        })?;
        from = to;
    }
    let admissions = bulk::admission_spans(db.conn())?;
    let mut rows = Vec::with_capacity(admissions.len());
    for a in &admissions {
        let p = crate::store::patients::get(db.conn(), &a.patient_id)?
            .context("an admitted bench patient is missing")?;
        rows.push(PatientRow {
            seq: 0,
            id: p.id.clone(),
            sex: p.details.sex.to_string(),
            birth_date: p.details.birth_date,
        });
    }
    db.write(&Actor::system(), |tx| {
        let mut events = Vec::new();
        for (a, p) in admissions.iter().zip(&rows) {
            events.extend(w.admission(tx, a, p)?);
        }
        Ok::<_, anyhow::Error>(((), events))
    })?;
    Ok(w.written)
}

/// A vitals set of the history, recorded when it was taken.
fn vitals_taken(tx: &Transaction, n: &NewVitals) -> Result<()> {
    crate::store::clinical::vitals::insert(tx, n, n.taken_at)?;
    Ok(())
}
