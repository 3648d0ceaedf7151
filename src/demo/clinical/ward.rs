//! The wards' clinical record in the demo: sets of vitals through each
//! admission at the nursing rounds' hours (06, 10, 14, 18 and 22 o'clock,
//! give or take), the first adult on the medical ward deteriorating so that
//! NEWS2 climbs into the high band this morning, yesterday's ward rounds
//! signed with a diagnosis for some, and one round left in draft since
//! yesterday (stale on the doctor's worklist).

use super::{ICD, Staff};
use crate::domain::clock::Clock;
use crate::domain::conditions::{Certainty, Rank};
use crate::domain::ids::Id;
use crate::domain::news2::Consciousness;
use crate::domain::visit::{NoteText, VisitKind};
use crate::domain::vitals::{Vitals, age_months};
use crate::ops::diagnoses::{self, DiagnosisInput};
use crate::ops::{beds, clinical, visits, vitals};
use crate::store::Db;
use anyhow::Result;
use chrono::{DateTime, Duration, NaiveTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const SEED: u64 = 0x0057_4152_4456_4954;
/// Nursing rounds, local hour.
const ROUNDS: [u32; 5] = [6, 10, 14, 18, 22];
/// How far back the ward's charts go (the board shows the latest anyway).
const CHART_HOURS: i64 = 40;

/// What the ward leaves for the allergies and problem lists.
pub struct Ward {
    /// The admitted patients, by ward and bed.
    pub patients: Vec<Id>,
    /// Four admitted adults for the problem lists.
    pub chronic: Vec<Id>,
    /// The patient whose NEWS2 is rising.
    pub rising: Option<Id>,
    /// Yesterday's signed ward rounds: (patient, visit, when signed), for
    /// the orders written on them.
    pub rounds: Vec<(Id, Id, DateTime<Utc>)>,
}

/// A stable adult's set, a little different each time.
fn stable(rng: &mut StdRng) -> Vitals {
    let sbp = rng.gen_range(112..=138);
    Vitals {
        temperature_dc: Some(rng.gen_range(363..=374)),
        pulse: Some(rng.gen_range(66..=88)),
        respiratory_rate: Some(rng.gen_range(14..=18)),
        systolic: Some(sbp),
        diastolic: Some(sbp - rng.gen_range(38..=50)),
        spo2: Some(rng.gen_range(96..=99)),
        on_oxygen: Some(false),
        consciousness: Some(Consciousness::Alert),
        pain: Some(rng.gen_range(0..=3)),
        ..Vitals::default()
    }
}

/// The deteriorating patient's sets, oldest first; the last three score
/// 4 (low), 5 (medium) and 8 (high) on the NEWS2 chart.
fn deteriorating(step_from_end: usize, rng: &mut StdRng) -> Vitals {
    let base = stable(rng);
    let (rr, spo2, sbp, pulse, temp) = match step_from_end {
        0 => (23, 93, 105, 112, 383),
        1 => (21, 95, 112, 98, 382),
        2 => (21, 95, 118, 94, 376),
        _ => return base,
    };
    Vitals {
        respiratory_rate: Some(rr),
        spo2: Some(spo2),
        systolic: Some(sbp),
        diastolic: Some(sbp - 40),
        pulse: Some(pulse),
        temperature_dc: Some(temp),
        ..base
    }
}

/// A child's set (no NEWS2: it is for adults).
fn child(rng: &mut StdRng, under_five: bool) -> Vitals {
    Vitals {
        temperature_dc: Some(rng.gen_range(366..=382)),
        pulse: Some(rng.gen_range(96..=128)),
        respiratory_rate: Some(rng.gen_range(22..=32)),
        spo2: Some(rng.gen_range(95..=99)),
        on_oxygen: Some(false),
        muac_mm: under_five.then(|| rng.gen_range(128..=150)),
        ..Vitals::default()
    }
}

/// The nursing rounds' times from `from` to `now`, jittered.
fn round_times(from: DateTime<Utc>, clock: Clock, rng: &mut StdRng) -> Vec<DateTime<Utc>> {
    let mut out = Vec::new();
    let first = clock.today() - Duration::days(2);
    for d in 0..=2 {
        let day = first + Duration::days(d);
        for h in ROUNDS {
            let jitter = rng.gen_range(-25..=25);
            let local = day.and_time(NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_default())
                + Duration::minutes(jitter);
            let t = clock.instant(local);
            if t > from && t <= clock.now && clock.now - t <= Duration::hours(CHART_HOURS) {
                out.push(t);
            }
        }
    }
    out
}

/// A diagnosis for an admission's reason, when the demo knows one.
fn diagnosis_for(reason: &str) -> Option<(&'static str, &'static str)> {
    let r = reason.to_ascii_lowercase();
    [
        ("pneumonia", "J18.9", "Pneumonia, unspecified organism"),
        (
            "malaria",
            "B50.9",
            "Plasmodium falciparum malaria, unspecified",
        ),
        (
            "diabetes",
            "E11.65",
            "Type 2 diabetes mellitus with hyperglycemia",
        ),
        (
            "asthma",
            "J45.901",
            "Unspecified asthma with (acute) exacerbation",
        ),
        ("heart failure", "I50.9", "Heart failure, unspecified"),
        ("dehydration", "E86.0", "Dehydration"),
    ]
    .into_iter()
    .find(|(k, _, _)| r.contains(k))
    .map(|(_, c, t)| (c, t))
}

fn at(clock: Clock, t: DateTime<Utc>) -> Clock {
    Clock::new(t, clock.zone)
}

/// Charts, rounds and the stale draft of the demo's admitted patients.
pub fn ward_morning(db: &mut Db, staff: &Staff, clock: Clock) -> Result<Ward> {
    let mut rng = StdRng::seed_from_u64(SEED);
    let board = beds::board(db, &staff.nurse, clock.now, false)?;
    let admissions: Vec<_> = board.beds.into_iter().filter_map(|b| b.occupant).collect();
    let mut ward = Ward {
        patients: Vec::new(),
        chronic: Vec::new(),
        rising: None,
        rounds: Vec::new(),
    };
    let yesterday = clock.instant(
        (clock.today() - Duration::days(1))
            .and_time(NaiveTime::from_hms_opt(10, 0, 0).unwrap_or_default()),
    );
    let mut stale_done = false;
    for (i, a) in admissions.iter().enumerate() {
        let p = clinical::patient_in_use(db.conn(), &a.patient.id)?;
        let months = age_months(p.details.birth_date, clock.today());
        let adult = months >= 18 * 12;
        let times = round_times(a.admitted_at, clock, &mut rng);
        let rising = adult
            && ward.rising.is_none()
            && a.ward_name.starts_with("Medical")
            && times.len() >= 4;
        if rising {
            ward.rising = Some(p.id.clone());
        } else if adult && ward.chronic.len() < 4 {
            ward.chronic.push(p.id.clone());
        }
        let n = times.len();
        for (k, t) in times.into_iter().enumerate() {
            let v = if rising {
                deteriorating(n - 1 - k, &mut rng)
            } else if adult {
                stable(&mut rng)
            } else {
                child(&mut rng, months < 60)
            };
            let input = vitals::VitalsInput {
                patient: &p.id,
                visit: None,
                taken_at: t,
                vitals: v,
            };
            vitals::record(db, &staff.nurse, &input, at(clock, t))?;
        }
        // Yesterday's round: signed, with the diagnosis, for every other
        // patient admitted before it; one left in draft for over a day.
        let stale = !stale_done && i % 2 == 1;
        let started = if stale {
            clock.now - Duration::hours(27)
        } else {
            yesterday
        };
        if (i.is_multiple_of(2) || stale) && !rising && a.admitted_at < started - Duration::hours(1)
        {
            let v = visits::start(
                db,
                &staff.doctor,
                &p.id,
                VisitKind::WardRound,
                at(clock, started),
            )?;
            let note = NoteText {
                presenting_complaint: format!("Ward round: {}.", a.reason),
                examination: "Comfortable at rest. Observations stable.".into(),
                assessment: "Improving.".into(),
                plan: "Continue treatment. Mobilise. Review tomorrow.".into(),
                ..NoteText::default()
            };
            let saved = started + Duration::minutes(10);
            let n = visits::save_draft(db, &staff.doctor, &v.id, &note, None, at(clock, saved))?;
            if stale {
                stale_done = true;
            } else {
                if let Some((code, text)) = diagnosis_for(&a.reason) {
                    let input = DiagnosisInput {
                        visit: &v.id,
                        code_system: ICD,
                        code,
                        text,
                        rank: Rank::Primary,
                        certainty: Certainty::Confirmed,
                    };
                    diagnoses::add(db, &staff.doctor, &input, at(clock, saved))?;
                }
                let signed = saved + Duration::minutes(5);
                visits::sign(db, &staff.doctor, &v.id, n.version, at(clock, signed))?;
                ward.rounds.push((p.id.clone(), v.id.clone(), signed));
            }
        }
        ward.patients.push(p.id.clone());
    }
    Ok(ward)
}
