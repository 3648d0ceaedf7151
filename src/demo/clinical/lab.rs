//! The demo's laboratory morning, written through `ops::lab` as the staff
//! would: the doctor's orders for admitted patients over the last hours,
//! taken by the lab as far as each got by now (waiting for collection,
//! one of them stat; collected; in progress; resulted and waiting for the
//! second technician; verified by `labtech2`), one specimen rejected as
//! haemolysed, a critical potassium verified and acknowledged by the
//! doctor, another critical value verified and not yet acknowledged; and
//! a diabetic patient's HbA1c and glucose every three months over the
//! last eighteen, from outpatient visits, rising then falling (written
//! first, before the lab's prices: those reviews were charged nothing).

use super::{ICD, Staff};
use crate::domain::clock::Clock;
use crate::domain::conditions::{Certainty, Rank};
use crate::domain::ids::Id;
use crate::domain::lab::order::RejectReason;
use crate::domain::prescribing::Priority;
use crate::domain::visit::{NoteText, VisitKind};
use crate::ops::diagnoses::{self, DiagnosisInput};
use crate::ops::lab::{self, LabOrder, OrderInput};
use crate::ops::{beds, visits};
use crate::store::Db;
use anyhow::{Context, Result, bail};
use chrono::{DateTime, Duration, Utc};

/// How far the lab took an order by now.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Reach {
    Ordered,
    Collected,
    InProgress,
    Resulted,
    Verified,
}

/// One order of the morning: its tests, how urgent, the values the lab
/// typed (the first `partly` of them only when in progress), how far it
/// got, and whether it was rejected.
struct Morning {
    tests: &'static [&'static str],
    priority: Priority,
    notes: &'static str,
    values: &'static [(&'static str, &'static str)],
    reach: Reach,
    rejected: bool,
    acknowledged: bool,
}

/// The morning's orders, one admitted patient each, oldest first.
const MORNING: [Morning; 9] = [
    Morning {
        tests: &["K"],
        priority: Priority::Urgent,
        notes: "On IV fluids with KCl; weakness, peaked T waves on ECG.",
        values: &[("K", "6.9")],
        reach: Reach::Verified,
        rejected: false,
        acknowledged: true,
    },
    Morning {
        tests: &["GLU"],
        priority: Priority::Urgent,
        notes: "Sweaty and drowsy before breakfast.",
        values: &[("GLU", "2.1")],
        reach: Reach::Verified,
        rejected: false,
        acknowledged: false,
    },
    Morning {
        tests: &["UE"],
        priority: Priority::Routine,
        notes: "Day 3 of IV antibiotics: renal function.",
        values: &[
            ("UREA", "5.8"),
            ("CREA", "88"),
            ("NA", "138"),
            ("K", "4.2"),
            ("CL", "101"),
        ],
        reach: Reach::Verified,
        rejected: false,
        acknowledged: false,
    },
    Morning {
        tests: &["K"],
        priority: Priority::Routine,
        notes: "On furosemide.",
        values: &[],
        reach: Reach::Collected,
        rejected: true,
        acknowledged: false,
    },
    Morning {
        tests: &["LYTES"],
        priority: Priority::Routine,
        notes: "Vomiting since yesterday.",
        values: &[("NA", "133"), ("K", "3.4"), ("CL", "97"), ("HCO3", "23")],
        reach: Reach::Resulted,
        rejected: false,
        acknowledged: false,
    },
    Morning {
        tests: &["LFT"],
        priority: Priority::Routine,
        notes: "Jaundice on TB treatment.",
        values: &[("ALT", "96"), ("AST", "81"), ("ALP", "140")],
        reach: Reach::InProgress,
        rejected: false,
        acknowledged: false,
    },
    Morning {
        tests: &["CRP"],
        priority: Priority::Routine,
        notes: "Fever on day 2 after surgery.",
        values: &[],
        reach: Reach::Collected,
        rejected: false,
        acknowledged: false,
    },
    Morning {
        tests: &["FBC"],
        priority: Priority::Routine,
        notes: "Pale; Hb on admission 8.9.",
        values: &[],
        reach: Reach::Ordered,
        rejected: false,
        acknowledged: false,
    },
    Morning {
        tests: &["UE", "GLU"],
        priority: Priority::Stat,
        notes: "Confused, not drinking: dehydration?",
        values: &[],
        reach: Reach::Ordered,
        rejected: false,
        acknowledged: false,
    },
];

/// The diabetic patient's HbA1c and glucose, every three months from
/// eighteen months ago: rising while the metformin was not taken, then
/// falling once it was, with insulin.
const SERIES: [(&str, &str); 6] = [
    ("7.4", "9.8"),
    ("8.2", "11.6"),
    ("9.1", "13.9"),
    ("8.4", "10.7"),
    ("7.6", "8.9"),
    ("7.0", "7.8"),
];

fn at(clock: Clock, t: DateTime<Utc>) -> Clock {
    Clock::new(t, clock.zone)
}

/// The lab's morning and the diabetic patient's series; `diabetic` is an
/// admitted adult with diabetes on the problem list, when there is one.
pub fn lab_morning(db: &mut Db, staff: &Staff, clock: Clock, diabetic: Option<&Id>) -> Result<()> {
    let board = beds::board(db, &staff.nurse, clock.now, false)?;
    let mut admitted: Vec<_> = board
        .beds
        .into_iter()
        .filter_map(|b| b.occupant)
        .filter(|a| clock.now - a.admitted_at >= Duration::hours(6))
        .collect();
    admitted.sort_by_key(|a| a.admitted_at);
    let patient = match diabetic {
        Some(p) => p.clone(),
        None => match admitted.first() {
            Some(a) => a.patient.id.clone(),
            None => bail!("the demo needs an admitted patient for the diabetic's results"),
        },
    };
    // The older reviews were charged nothing: the lab priced its tests
    // only yesterday, and the morning's orders charge themselves.
    hba1c_series(db, staff, clock, &patient)?;
    crate::demo::billing::lab_prices(db, &staff.admin, clock.now)?;
    let mut ward = admitted.iter().filter(|a| Some(&a.patient.id) != diabetic);
    let first = clock.now - Duration::hours(5);
    for (k, m) in MORNING.iter().enumerate() {
        let a = ward
            .next()
            .context("the demo needs more patients admitted since this morning for the lab")?;
        let ordered = first + Duration::minutes(30 * k as i64);
        morning_order(db, staff, clock, &a.patient.id, m, ordered)?;
    }
    Ok(())
}

/// Orders `m` for an admitted patient at `ordered` and takes it as far as
/// it got, a step every half hour at most, never after now.
fn morning_order(
    db: &mut Db,
    staff: &Staff,
    clock: Clock,
    patient: &Id,
    m: &Morning,
    ordered: DateTime<Utc>,
) -> Result<()> {
    let step = |n: i64| at(clock, (ordered + Duration::minutes(25 * n)).min(clock.now));
    let orders = lab::order(
        db,
        &staff.doctor,
        &OrderInput {
            patient,
            visit: None,
            tests: m.tests,
            priority: m.priority,
            clinical_notes: m.notes,
        },
        step(0),
    )?;
    for o in orders {
        take(db, staff, &o, m, step)?;
    }
    Ok(())
}

/// The lab's steps on one order of the morning.
fn take(
    db: &mut Db,
    staff: &Staff,
    o: &LabOrder,
    m: &Morning,
    step: impl Fn(i64) -> Clock,
) -> Result<()> {
    if m.reach == Reach::Ordered {
        return Ok(());
    }
    let o = lab::collect(db, &staff.lab, &o.id, o.version, None, step(1))?;
    if m.rejected {
        lab::reject(
            db,
            &staff.lab,
            &o.id,
            o.version,
            RejectReason::Haemolysed,
            Some("Pink serum: please send a new sample, drawn without a tourniquet left on."),
            step(2),
        )?;
        return Ok(());
    }
    if m.reach == Reach::Collected {
        return Ok(());
    }
    let typed: &[(&str, &str)] = if m.reach == Reach::InProgress {
        &m.values[..2.min(m.values.len())]
    } else {
        m.values
    };
    let d = lab::enter_results(db, &staff.lab, &o.id, o.version, typed, step(2))?;
    if m.reach < Reach::Verified {
        return Ok(());
    }
    let d = lab::verify(db, &staff.lab2, &o.id, d.order.version, None, step(3))?;
    if m.acknowledged {
        for r in critical_results(&d) {
            lab::acknowledge(db, &staff.doctor, &r, step(4))?;
        }
    }
    Ok(())
}

/// The ids of an order's current critical results.
fn critical_results(d: &lab::OrderDetail) -> Vec<Id> {
    d.tests
        .iter()
        .flat_map(|t| t.analytes.iter())
        .filter_map(|a| a.current.as_ref())
        .filter(|r| r.is_critical())
        .map(|r| r.id.clone())
        .collect()
}

/// Outpatient reviews every three months over the last eighteen, each
/// with an HbA1c and a glucose, collected at the visit, resulted and
/// verified the same day; the first one diagnoses the diabetes.
fn hba1c_series(db: &mut Db, staff: &Staff, clock: Clock, patient: &Id) -> Result<()> {
    for (k, (hba1c, glucose)) in SERIES.iter().enumerate() {
        let months_ago = 18 - 3 * k as i64;
        let start = clock.now - Duration::days(months_ago * 30) - Duration::hours(2);
        let t = |minutes: i64| at(clock, start + Duration::minutes(minutes));
        let v = visits::start(db, &staff.doctor, patient, VisitKind::Outpatient, t(0))?;
        let note = NoteText {
            presenting_complaint: if k == 0 {
                "Thirst and passing urine often for a month.".into()
            } else {
                "Diabetes review.".into()
            },
            assessment: "Type 2 diabetes mellitus.".into(),
            plan: "HbA1c and glucose. Metformin. Diet advice. Review in 3 months.".into(),
            ..NoteText::default()
        };
        let n = visits::save_draft(db, &staff.doctor, &v.id, &note, None, t(5))?;
        if k == 0 {
            let input = DiagnosisInput {
                visit: &v.id,
                code_system: ICD,
                code: "E11.9",
                text: "Type 2 diabetes mellitus without complications",
                rank: Rank::Primary,
                certainty: Certainty::Confirmed,
            };
            diagnoses::add(db, &staff.doctor, &input, t(6))?;
        }
        let orders = lab::order(
            db,
            &staff.doctor,
            &OrderInput {
                patient,
                visit: Some(&v.id),
                tests: &["HBA1C", "GLU"],
                priority: Priority::Routine,
                clinical_notes: "Diabetes review.",
            },
            t(8),
        )?;
        visits::sign(db, &staff.doctor, &v.id, n.version, t(12))?;
        for o in orders {
            let o = lab::collect(db, &staff.lab, &o.id, o.version, None, t(20))?;
            let value = if o.tests.iter().any(|t| t.code == "HBA1C") {
                ("HBA1C", *hba1c)
            } else {
                ("GLU", *glucose)
            };
            let d = lab::enter_results(db, &staff.lab, &o.id, o.version, &[value], t(120))?;
            lab::verify(db, &staff.lab2, &o.id, d.order.version, None, t(150))?;
        }
    }
    Ok(())
}
