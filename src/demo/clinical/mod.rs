//! The demo's clinical morning, written through the clinical ops as the
//! doctor and the nurse would: today's consultations seen with signed
//! notes, vitals and diagnoses (`clinic`), the patient in the room with an
//! open draft and the waiting ones with the nurse's vitals, the ward's
//! vitals over each admission with one adult's NEWS2 rising into the high
//! band this morning, yesterday's ward rounds and one stale draft (`ward`),
//! allergies and problems on several patients, the morning's medicines
//! (`medicines`) and the laboratory's morning with a diabetic patient's
//! HbA1c over eighteen months (`lab`).

mod clinic;
mod lab;
mod medicines;
mod ward;

use crate::auth::{self, Session};
use crate::domain::clock::Clock;
use crate::domain::conditions::Severity;
use crate::domain::ids::Id;
use crate::domain::vitals::age_months;
use crate::ops::allergies::{self, ProblemInput};
use crate::store::Db;
use crate::store::sessions::EndReason;
use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};

/// The code list the demo's diagnoses and problems use.
const ICD: &str = "ICD-10-CM";

/// The sessions the morning is written by.
struct Staff {
    /// The administrator, who enters the laboratory's prices.
    admin: Session,
    reception: Session,
    doctor: Session,
    nurse: Session,
    pharmacist: Session,
    /// The lab technician who collects and enters, and the second one
    /// who verifies.
    lab: Session,
    lab2: Session,
}

/// Adds the clinical morning; `now` is the demo's clock (the same instant
/// the rest of the demo is built at); `admin` stays signed in.
pub fn demo_clinical(
    db: &mut Db,
    admin: &Session,
    password: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let staff = Staff {
        admin: admin.clone(),
        reception: auth::sign_in(db, "reception", password, now)?,
        doctor: auth::sign_in(db, "doctor", password, now)?,
        nurse: auth::sign_in(db, "nurse", password, now)?,
        pharmacist: auth::sign_in(db, "pharmacist", password, now)?,
        lab: auth::sign_in(db, "labtech", password, now)?,
        lab2: auth::sign_in(db, "labtech2", password, now)?,
    };
    let clock = db.clock(now)?;
    let result = build(db, &staff, clock);
    for s in [
        &staff.reception,
        &staff.doctor,
        &staff.nurse,
        &staff.pharmacist,
        &staff.lab,
        &staff.lab2,
    ] {
        auth::sign_out(db, s, EndReason::Logout, now)?;
    }
    result
}

/// A child under five and a woman of 18 to 44 with no appointment today
/// and not admitted, for the visits before the clinic opened.
fn extra_patients(db: &Db, clock: Clock) -> Result<(Id, Id)> {
    let mut stmt = db.conn().prepare(
        "SELECT id, sex, birth_date FROM patients p
         WHERE deleted_at IS NULL AND merged_into IS NULL
           AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.patient_id = p.id AND a.day = ?1)
           AND NOT EXISTS (SELECT 1 FROM admissions d WHERE d.patient_id = p.id AND d.discharged_at IS NULL)
         ORDER BY seq LIMIT 1500",
    )?;
    let today = clock.today();
    let rows = stmt.query_map([today.format("%Y-%m-%d").to_string()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let (mut child, mut woman) = (None, None);
    for row in rows {
        let (id, sex, born) = row?;
        let Ok(born) = NaiveDate::parse_from_str(&born, "%Y-%m-%d") else {
            continue;
        };
        let months = age_months(born, today);
        if child.is_none() && (12..60).contains(&months) {
            child = Some(Id::from_stored(id));
        } else if woman.is_none() && sex == "F" && (18 * 12..45 * 12).contains(&months) {
            woman = Some(Id::from_stored(id));
        }
    }
    match (child, woman) {
        (Some(c), Some(w)) => Ok((c, w)),
        _ => anyhow::bail!(
            "the demo needs a child under five and a woman of 18 to 44 among its patients"
        ),
    }
}

const PROBLEMS: [(&str, &str, i32); 4] = [
    ("I10", "Essential (primary) hypertension", 2019),
    (
        "E11.9",
        "Type 2 diabetes mellitus without complications",
        2021,
    ),
    (
        "B20",
        "Human immunodeficiency virus [HIV] disease, on ART",
        2016,
    ),
    ("J45.909", "Unspecified asthma, uncomplicated", 2010),
];

fn build(db: &mut Db, staff: &Staff, clock: Clock) -> Result<()> {
    let (child, woman) = extra_patients(db, clock)?;
    let seen = clinic::morning_clinic(db, staff, clock, (&child, &woman))?;
    let ward = ward::ward_morning(db, staff, clock)?;
    // Allergies: asked of everyone the doctor saw, has waiting or has on
    // the ward; a few have one, most none known, some not asked yet.
    let allergic: [(&str, &str, Severity); 3] = [
        ("penicillin", "rash", Severity::Moderate),
        (
            "sulfa drugs (co-trimoxazole)",
            "rash and fever",
            Severity::Moderate,
        ),
        ("NSAIDs (ibuprofen)", "wheeze", Severity::Severe),
    ];
    // The malnourished child had a rash on penicillin as a baby: the
    // amoxicillin prescribed is an override with its reason.
    let overridden = seen
        .consulted
        .iter()
        .find(|c| c.code == "E44.0")
        .map(|c| c.patient.clone());
    let mut everyone: Vec<&Id> = Vec::new();
    for p in seen.patients.iter().chain(ward.patients.iter()) {
        if !everyone.contains(&p) {
            everyone.push(p);
        }
    }
    for (i, p) in everyone.iter().enumerate() {
        if Some(*p) == overridden.as_ref() {
            let (substance, reaction) = medicines::CHILDHOOD_RASH;
            allergies::record(
                db,
                &staff.doctor,
                p,
                substance,
                reaction,
                Severity::Mild,
                clock,
            )?;
            continue;
        }
        match allergic.get(i / 4).filter(|_| i % 4 == 1) {
            Some((substance, reaction, severity)) => {
                allergies::record(db, &staff.doctor, p, substance, reaction, *severity, clock)?;
            }
            None if i % 5 != 3 => allergies::record_no_known(db, &staff.doctor, p, clock)?,
            None => {} // not asked yet
        }
    }
    let chronic = ward.chronic.iter().zip(PROBLEMS);
    let found = seen.problems.iter().map(|(p, c, t)| (p, (*c, *t, 2023)));
    for (patient, (code, text, year)) in chronic.chain(found) {
        allergies::add_problem(
            db,
            &staff.doctor,
            &ProblemInput {
                patient,
                code_system: ICD,
                code,
                text,
                onset: NaiveDate::from_ymd_opt(year, 6, 1),
            },
            clock,
        )?;
    }
    medicines::morning(
        db,
        staff,
        clock,
        &seen.consulted,
        &ward.rounds,
        overridden.as_ref(),
    )?;
    // The second of the chronic patients has diabetes on the problem list.
    lab::lab_morning(db, staff, clock, ward.chronic.get(1))
}
