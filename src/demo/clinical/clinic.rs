//! Today's clinic of the demo's doctor: the consultations already done
//! (vitals, a signed note, a coded diagnosis), two seen before the clinic
//! opened (a child under five with moderate malnutrition by MUAC, and an
//! antenatal visit), the patient in the room with the note in draft, and
//! the waiting patients, most with the triage nurse's vitals.

use super::{ICD, Staff};
use crate::domain::appointment::{Span, Status};
use crate::domain::clock::Clock;
use crate::domain::conditions::{Certainty, Rank};
use crate::domain::ids::Id;
use crate::domain::patient::Patient;
use crate::domain::visit::NoteText;
use crate::domain::vitals::{Vitals, age_months};
use crate::ops::appointments::{self, Booking};
use crate::ops::diagnoses::{self, DiagnosisInput};
use crate::ops::{clinical, visits, vitals};
use crate::store::Db;
use anyhow::{Context, Result};
use chrono::{DateTime, Duration, Utc};

/// What the clinic leaves for the allergies and problem lists.
pub struct Seen {
    /// Everyone the doctor saw or has waiting, in order.
    pub patients: Vec<Id>,
    /// Chronic problems found in clinic: (patient, code, text).
    pub problems: Vec<(Id, &'static str, &'static str)>,
    /// The consultations signed with a diagnosis, for the prescriptions.
    pub consulted: Vec<Consulted>,
}

/// A signed consultation: whose, which visit, its diagnosis and when it ended.
pub struct Consulted {
    pub patient: Id,
    pub visit: Id,
    pub code: &'static str,
    pub done: DateTime<Utc>,
}

/// A presentation: the note, the diagnosis and the vitals that go with it.
struct Case {
    complaint: &'static str,
    history: &'static str,
    examination: &'static str,
    assessment: &'static str,
    plan: &'static str,
    code: &'static str,
    text: &'static str,
    vitals: Vitals,
    chronic: bool,
}

fn set(temp: i64, pulse: i64, rr: i64, bp: Option<(i64, i64)>, spo2: i64) -> Vitals {
    Vitals {
        temperature_dc: Some(temp),
        pulse: Some(pulse),
        respiratory_rate: Some(rr),
        systolic: bp.map(|b| b.0),
        diastolic: bp.map(|b| b.1),
        spo2: Some(spo2),
        on_oxygen: Some(false),
        ..Vitals::default()
    }
}

fn adult_cases() -> [Case; 4] {
    [
        Case {
            complaint: "Fever, headache and joint pains for 3 days.",
            history: "No travel. Sleeps without a net. No cough.",
            examination: "Febrile, mild pallor, no neck stiffness. Chest clear.",
            assessment: "Uncomplicated malaria, RDT positive.",
            plan: "Artemether-lumefantrine 80/480 mg twice daily for 3 days. Paracetamol. Review if vomiting or worse.",
            code: "B54",
            text: "Unspecified malaria",
            vitals: set(386, 102, 20, Some((118, 76)), 97),
            chronic: false,
        },
        Case {
            complaint: "Headaches, routine BP check.",
            history: "BP 158/96 at the pharmacy last month. Father had a stroke.",
            examination: "BP 162/98 and 158/94 seated. Fundi normal. BMI 31.",
            assessment: "Essential hypertension, newly diagnosed.",
            plan: "Amlodipine 5 mg daily. Salt advice. U&E, lipids. Review in 4 weeks.",
            code: "I10",
            text: "Essential (primary) hypertension",
            vitals: Vitals {
                weight_g: Some(88_000),
                height_mm: Some(1_690),
                ..set(366, 84, 16, Some((162, 98)), 98)
            },
            chronic: true,
        },
        Case {
            complaint: "Thirst and passing urine often for 2 months.",
            history: "Weight loss of 4 kg. Mother diabetic.",
            examination: "Well. Random glucose 14.2 mmol/L. Feet: sensation intact.",
            assessment: "Type 2 diabetes mellitus.",
            plan: "Metformin 500 mg twice daily. HbA1c. Diet advice. Review in 2 weeks.",
            code: "E11.9",
            text: "Type 2 diabetes mellitus without complications",
            vitals: Vitals {
                glucose_dmmol: Some(142),
                weight_g: Some(79_500),
                ..set(368, 78, 16, Some((134, 84)), 98)
            },
            chronic: true,
        },
        Case {
            complaint: "Cough with yellow sputum and fever for 5 days.",
            history: "Breathless on walking. Non-smoker.",
            examination: "Crackles right base, bronchial breathing.",
            assessment: "Community-acquired pneumonia, CURB-65 score 1.",
            plan: "Amoxicillin 1 g three times daily for 5 days. Review in 48 hours, sooner if worse.",
            code: "J18.9",
            text: "Pneumonia, unspecified organism",
            vitals: set(384, 104, 24, Some((124, 78)), 94),
            chronic: false,
        },
    ]
}

fn child_malaria(weight_g: i64) -> Case {
    Case {
        complaint: "Fever and vomiting since yesterday.",
        history: "Eating less. No convulsions. Immunisations up to date.",
        examination: "Febrile, alert, drinking. No pallor. Spleen not felt.",
        assessment: "Uncomplicated falciparum malaria, RDT positive.",
        plan: "Artemether-lumefantrine by weight. Paracetamol. Return at once if unable to drink.",
        code: "B50.9",
        text: "Plasmodium falciparum malaria, unspecified",
        vitals: Vitals {
            weight_g: Some(weight_g),
            ..set(387, 124, 28, None, 97)
        },
        chronic: false,
    }
}

fn malnutrition() -> Case {
    Case {
        complaint: "Poor weight gain, brought by mother.",
        history: "Weaned early. Diarrhoea twice this month.",
        examination: "Thin, alert. MUAC 11.2 cm. No oedema. Appetite test passed.",
        assessment: "Moderate acute malnutrition by MUAC (11.5 cm and below 12.5 cm: moderate).",
        plan: "Supplementary feeding programme. Vitamin A. Weekly weight and MUAC.",
        code: "E44.0",
        text: "Moderate protein-calorie malnutrition",
        vitals: Vitals {
            temperature_dc: Some(368),
            pulse: Some(118),
            respiratory_rate: Some(30),
            weight_g: Some(8_100),
            height_mm: Some(780),
            muac_mm: Some(112),
            ..Vitals::default()
        },
        chronic: false,
    }
}

fn antenatal() -> Case {
    Case {
        complaint: "Antenatal visit at 24 weeks.",
        history: "Second pregnancy. No bleeding. Feels the baby move.",
        examination: "Fundal height 24 cm. Fetal heart 144/min. No oedema.",
        assessment: "Normal pregnancy.",
        plan: "Iron and folic acid. Tetanus toxoid. Next visit in 4 weeks.",
        code: "Z34.90",
        text: "Encounter for supervision of normal pregnancy, unspecified, unspecified trimester",
        vitals: Vitals {
            weight_g: Some(67_000),
            ..set(367, 86, 16, Some((116, 72)), 99)
        },
        chronic: false,
    }
}

fn note(c: &Case) -> NoteText {
    NoteText {
        presenting_complaint: c.complaint.into(),
        history: c.history.into(),
        examination: c.examination.into(),
        assessment: c.assessment.into(),
        plan: c.plan.into(),
    }
}

fn at(clock: Clock, t: DateTime<Utc>) -> Clock {
    Clock::new(t, clock.zone)
}

/// Records a set of vitals, taken at `t`, by `by`.
fn take(
    db: &mut Db,
    by: &crate::auth::Session,
    patient: &Id,
    visit: Option<&Id>,
    v: Vitals,
    t: DateTime<Utc>,
    clock: Clock,
) -> Result<()> {
    let input = vitals::VitalsInput {
        patient,
        visit,
        taken_at: t,
        vitals: v,
    };
    vitals::record(db, by, &input, at(clock, t))?;
    Ok(())
}

/// A consultation seen from `called` to `done`: the visit, the vitals, the
/// note signed, the diagnosis.
fn consult(
    db: &mut Db,
    staff: &Staff,
    appointment: &Id,
    case: &Case,
    called: DateTime<Utc>,
    done: DateTime<Utc>,
    clock: Clock,
) -> Result<Id> {
    let doctor = &staff.doctor;
    let v = visits::open_for_appointment(db, doctor, appointment, at(clock, called))?;
    take(
        db,
        doctor,
        &v.patient_id,
        Some(&v.id),
        case.vitals,
        called + (done - called) / 4,
        clock,
    )?;
    let n = visits::save_draft(
        db,
        doctor,
        &v.id,
        &note(case),
        None,
        at(clock, called + (done - called) / 2),
    )?;
    let input = DiagnosisInput {
        visit: &v.id,
        code_system: ICD,
        code: case.code,
        text: case.text,
        rank: Rank::Primary,
        certainty: Certainty::Confirmed,
    };
    diagnoses::add(db, doctor, &input, at(clock, done))?;
    visits::sign(db, doctor, &v.id, n.version, at(clock, done))?;
    Ok(v.id)
}

fn years(p: &Patient, clock: Clock) -> i32 {
    age_months(p.details.birth_date, clock.today()) / 12
}

/// Books `patient` with the doctor today at `minute` (before the clinic
/// opens), checks them in, calls them in and sees them.
fn early_visit(
    db: &mut Db,
    staff: &Staff,
    patient: &Id,
    type_name: &str,
    minute: u16,
    case: &Case,
    clock: Clock,
) -> Result<Consulted> {
    let t = appointments::type_named(db, &staff.reception, type_name)?
        .with_context(|| format!("the demo needs the appointment type {type_name}"))?;
    let span = Span::new(minute, minute + 15).context("the early visit's time")?;
    let start = clock.instant(clock.today().and_hms_opt(0, 0, 0).unwrap_or_default())
        + Duration::minutes(i64::from(minute));
    let b = appointments::book(
        db,
        &staff.reception,
        &Booking {
            patient: patient.clone(),
            clinician: staff.doctor.user.id.clone(),
            type_id: t.id,
            day: clock.today(),
            span,
            notes: "seen before the clinic opened".into(),
        },
        &appointments::Allow {
            outside_hours: true,
            ..Default::default()
        },
        start - Duration::days(2),
    )?;
    let arrived = start - Duration::minutes(10);
    let b = appointments::advance(
        db,
        &staff.reception,
        &b.appt.id,
        b.appt.version,
        Status::CheckedIn,
        None,
        at(clock, arrived),
    )?;
    take(
        db,
        &staff.nurse,
        patient,
        None,
        case.vitals,
        arrived + Duration::minutes(4),
        clock,
    )?;
    // The early visit is history written after the morning's seeded
    // statuses: the doctor's patient in consultation now came in later.
    let b = appointments::advance_allowing(
        db,
        &staff.doctor,
        &b.appt.id,
        b.appt.version,
        Status::InConsultation,
        None,
        appointments::AllowCallIn {
            second_in_consultation: true,
            ..Default::default()
        },
        at(clock, start),
    )?;
    let v = visits::open_for_appointment(db, &staff.doctor, &b.appt.id, at(clock, start))?;
    let n = visits::save_draft(
        db,
        &staff.doctor,
        &v.id,
        &note(case),
        None,
        at(clock, start + Duration::minutes(8)),
    )?;
    let input = DiagnosisInput {
        visit: &v.id,
        code_system: ICD,
        code: case.code,
        text: case.text,
        rank: Rank::Primary,
        certainty: Certainty::Confirmed,
    };
    let done = start + Duration::minutes(14);
    diagnoses::add(db, &staff.doctor, &input, at(clock, done))?;
    visits::sign(db, &staff.doctor, &v.id, n.version, at(clock, done))?;
    appointments::advance(
        db,
        &staff.doctor,
        &b.appt.id,
        b.appt.version,
        Status::Completed,
        None,
        at(clock, done),
    )?;
    Ok(Consulted {
        patient: patient.clone(),
        visit: v.id,
        code: case.code,
        done,
    })
}

/// The doctor's clinic today; `extra` are a child under five and a woman
/// of childbearing age not booked today, for the two early visits.
pub fn morning_clinic(db: &mut Db, staff: &Staff, clock: Clock, extra: (&Id, &Id)) -> Result<Seen> {
    let mut seen = Seen {
        patients: Vec::new(),
        problems: Vec::new(),
        consulted: Vec::new(),
    };
    let day = appointments::day(db, &staff.reception, clock.today(), false)?;
    // The two early visits are seen before the doctor's first session of
    // the day begins (which has begun by now: see the demo's hours).
    let hours = appointments::hours(db, &staff.reception, &staff.doctor.user.id)?;
    let opens = hours.on(clock.today()).first().map_or(0, |s| s.start);
    if opens >= 40 {
        let child = early_visit(
            db,
            staff,
            extra.0,
            "consultation",
            opens - 40,
            &malnutrition(),
            clock,
        )?;
        let woman = early_visit(
            db,
            staff,
            extra.1,
            "antenatal",
            opens - 20,
            &antenatal(),
            clock,
        )?;
        seen.patients.extend([extra.0.clone(), extra.1.clone()]);
        seen.consulted.extend([child, woman]);
    }

    let mine: Vec<_> = day
        .into_iter()
        .filter(|b| b.appt.clinician_id == staff.doctor.user.id && !b.appt.walk_in)
        .collect();
    let mut adult = 0usize;
    let mut waiting = 0usize;
    for b in &mine {
        let a = &b.appt;
        let p = clinical::patient_in_use(db.conn(), &a.patient_id)?;
        let age = years(&p, clock);
        match a.status {
            Status::Completed => {
                let (Some(called), Some(done)) = (a.called_at, a.completed_at) else {
                    continue;
                };
                let case = if age < 14 {
                    child_malaria(if age < 5 { 11_000 } else { 24_000 })
                } else {
                    let cases = adult_cases();
                    let i = adult % cases.len();
                    adult += 1;
                    cases.into_iter().nth(i).unwrap_or_else(malnutrition)
                };
                let visit = consult(db, staff, &a.id, &case, called, done, clock)?;
                seen.consulted.push(Consulted {
                    patient: p.id.clone(),
                    visit,
                    code: case.code,
                    done,
                });
                if case.chronic {
                    seen.problems.push((p.id.clone(), case.code, case.text));
                }
            }
            Status::InConsultation => {
                let called = a.called_at.unwrap_or(clock.now);
                if let Some(t) = a.checked_in_at {
                    let v = if age < 14 {
                        child_malaria(20_000).vitals
                    } else {
                        adult_cases()[3].vitals
                    };
                    take(
                        db,
                        &staff.nurse,
                        &p.id,
                        None,
                        v,
                        (t + Duration::minutes(5)).min(called),
                        clock,
                    )?;
                }
                let v = visits::open_for_appointment(db, &staff.doctor, &a.id, at(clock, called))?;
                let draft = NoteText {
                    presenting_complaint: "Cough and fever for a week.".into(),
                    history: "Night sweats. Lost weight. Contact with a TB patient at home.".into(),
                    ..NoteText::default()
                };
                visits::save_draft(
                    db,
                    &staff.doctor,
                    &v.id,
                    &draft,
                    None,
                    at(clock, called + Duration::minutes(6)),
                )?;
            }
            Status::CheckedIn => {
                waiting += 1;
                // The triage nurse takes the vitals of most of the queue.
                if let Some(t) = a.checked_in_at.filter(|_| !waiting.is_multiple_of(3)) {
                    let mut v = if age < 14 {
                        child_malaria(20_000).vitals
                    } else {
                        adult_cases()[0].vitals
                    };
                    if age >= 5 {
                        v.muac_mm = None;
                    }
                    v.temperature_dc = Some(368 + (waiting as i64 % 4) * 4);
                    take(
                        db,
                        &staff.nurse,
                        &p.id,
                        None,
                        v,
                        // A few minutes after arriving, and never later than now.
                        (t + Duration::minutes(6))
                            .min(clock.now - Duration::minutes(1))
                            .max(t),
                        clock,
                    )?;
                }
            }
            _ => continue,
        }
        seen.patients.push(p.id.clone());
    }
    Ok(seen)
}
