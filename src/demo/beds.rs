//! The demo hospital's wards: five wards and their beds with a working
//! week behind them (admissions, transfers, discharges, cleaning), so the
//! board shows every status and the census has something to count; the
//! nurse is assigned to every ward.

use crate::auth::{self, Session};
use crate::domain::beds::{BedKind, Disposition, SexRestriction, WardKind};
use crate::domain::ids::Id;
use crate::ops::beds::{self as ops, AdmitInput};
use crate::store::Db;
use crate::store::sessions::EndReason;
use anyhow::Result;
use chrono::{DateTime, Datelike, TimeDelta, Utc};

/// A demo ward: name, kind, sex restriction, label prefix, beds, bed kind.
type DemoWard = (
    &'static str,
    WardKind,
    Option<SexRestriction>,
    &'static str,
    usize,
    BedKind,
);

const WARDS: &[DemoWard] = &[
    (
        "Medical ward",
        WardKind::Medical,
        None,
        "MED",
        12,
        BedKind::Standard,
    ),
    (
        "Surgical ward",
        WardKind::Surgical,
        None,
        "SUR",
        8,
        BedKind::Standard,
    ),
    (
        "Maternity",
        WardKind::Maternity,
        Some(SexRestriction::Female),
        "MAT",
        6,
        BedKind::Standard,
    ),
    (
        "Children's ward",
        WardKind::Paediatric,
        None,
        "PAE",
        6,
        BedKind::Cot,
    ),
    ("ICU", WardKind::Icu, None, "ICU", 4, BedKind::Icu),
];

const REASONS: &[&str] = &[
    "community-acquired pneumonia",
    "observation after a fall",
    "uncontrolled diabetes",
    "appendicectomy",
    "hip fracture repair",
    "severe malaria",
    "dehydration",
    "heart failure, fluid overload",
    "post-operative care",
    "asthma exacerbation",
];

/// Patients to admit: adults of either sex, women, children.
struct Pool {
    adults: Vec<Id>,
    women: Vec<Id>,
    children: Vec<Id>,
}

impl Pool {
    fn load(db: &Db, now: DateTime<Utc>) -> Result<Pool> {
        let mut stmt = db.conn().prepare(
            "SELECT id, sex, birth_date FROM patients
             WHERE deleted_at IS NULL AND merged_into IS NULL ORDER BY seq LIMIT 600",
        )?;
        let year = now.year();
        let mut pool = Pool {
            adults: Vec::new(),
            women: Vec::new(),
            children: Vec::new(),
        };
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (id, sex, born) = row?;
            let age = born
                .get(..4)
                .and_then(|y| y.parse::<i32>().ok())
                .map_or(40, |y| year - y);
            let id = Id::from_stored(id);
            if age < 14 {
                pool.children.push(id);
            } else if sex == "F" && (18..45).contains(&age) {
                pool.women.push(id);
            } else if age >= 18 {
                pool.adults.push(id);
            }
        }
        Ok(pool)
    }

    fn take(&mut self, kind: WardKind) -> Option<Id> {
        match kind {
            WardKind::Maternity => self.women.pop(),
            WardKind::Paediatric => self.children.pop(),
            _ => self.adults.pop(),
        }
    }
}

/// Sets up the demo's wards and a week of their life, as the admin, a
/// doctor and a nurse of the demo.
pub fn demo_beds(db: &mut Db, admin: &Session, password: &str, now: DateTime<Utc>) -> Result<()> {
    let doctor = auth::sign_in(db, "doctor", password, now)?;
    let nurse = auth::sign_in(db, "nurse", password, now)?;
    let result = build(db, admin, &doctor, &nurse, now);
    auth::sign_out(db, &doctor, EndReason::Logout, now)?;
    auth::sign_out(db, &nurse, EndReason::Logout, now)?;
    result
}

fn build(
    db: &mut Db,
    admin: &Session,
    doctor: &Session,
    nurse: &Session,
    now: DateTime<Utc>,
) -> Result<()> {
    let h = |hours: i64| now - TimeDelta::hours(hours);
    let set_up = h(24 * 30);
    let mut beds: Vec<(WardKind, Vec<Id>)> = Vec::new();
    for (name, kind, sex, prefix, n, bed_kind) in WARDS {
        let w = ops::add_ward(db, admin, name, *kind, *sex, set_up)?;
        // The demo's one nurse covers every ward: she charts them all, and
        // her worklist is the whole ward round.
        crate::ops::ward_staff::assign(db, admin, &nurse.user.user_name, &w.id, set_up)?;
        let mut ids = Vec::new();
        for i in 1..=*n {
            let label = if *n < 10 {
                format!("{prefix}-{i}")
            } else {
                format!("{prefix}-{i:02}")
            };
            ids.push(ops::add_bed(db, admin, &w.id, &label, *bed_kind, set_up)?.id);
        }
        beds.push((*kind, ids));
    }
    let mut pool = Pool::load(db, now)?;
    let attending = doctor.user.id.clone();
    let mut reason = REASONS.iter().cycle();
    let mut admit =
        |db: &mut Db, kind: WardKind, bed: &Id, at: DateTime<Utc>| -> Result<Option<Id>> {
            let Some(patient) = pool.take(kind) else {
                return Ok(None);
            };
            let a = ops::admit(
                db,
                nurse,
                &AdmitInput {
                    patient: &patient,
                    bed,
                    attending: &attending,
                    reason: reason.next().copied().unwrap_or("observation"),
                },
                at,
            )?;
            Ok(Some(a.id))
        };
    let dispositions = [
        Disposition::Home,
        Disposition::Home,
        Disposition::Referred,
        Disposition::Home,
        Disposition::LeftAgainstAdvice,
    ];
    let mut transfer_to = None;
    let mut step_down = None;
    let mut reserve: Vec<Id> = Vec::new();
    for (w, (kind, ids)) in beds.iter().enumerate() {
        for (i, bed) in ids.iter().enumerate() {
            let k = (w * 7 + i) as i64;
            let mut free_since = 24 * 9;
            // last week's patient: admitted 6 to 9 days ago, gone 2 to 5 days ago
            if i % 2 == 0
                && let Some(a) = admit(db, *kind, bed, h(24 * (6 + k % 4) + k % 9))?
            {
                free_since = 24 * (2 + k % 4) + 1;
                ops::discharge(
                    db,
                    doctor,
                    &a,
                    dispositions[(k % 5) as usize],
                    "",
                    h(free_since + 2),
                )?;
                ops::mark_clean(db, nurse, bed, h(free_since))?;
            }
            let label = (*kind, i + 1);
            match label {
                // discharged this morning, waiting for cleaning
                (WardKind::Medical, 4) | (WardKind::Surgical, 6) => {
                    if let Some(a) = admit(db, *kind, bed, h(30 + k % 20))? {
                        ops::discharge(db, doctor, &a, Disposition::Home, "", h(2 + k % 3))?;
                    }
                }
                (WardKind::Medical, 8) => {
                    ops::out_of_service(db, nurse, bed, "broken bed rail", h(20))?;
                }
                (WardKind::Icu, 4) => {
                    ops::out_of_service(db, nurse, bed, "ventilator service", h(8))?;
                }
                (WardKind::Medical, 11) | (WardKind::Surgical, 7) => reserve.push(bed.clone()),
                (WardKind::Medical, 12) => transfer_to = Some(bed.clone()),
                (WardKind::Icu, 3) => {
                    step_down = admit(db, *kind, bed, h(96))?;
                }
                (WardKind::Surgical, 8)
                | (WardKind::Maternity, 5 | 6)
                | (WardKind::Paediatric, 6) => {}
                _ => {
                    admit(db, *kind, bed, h(1 + (k * 13) % (free_since - 1)))?;
                }
            }
        }
    }
    if let (Some(a), Some(to)) = (step_down, transfer_to) {
        ops::transfer(db, nurse, &a, &to, "stepped down from ICU", h(40))?;
        if let Some((_, icu)) = beds.iter().find(|(k, _)| *k == WardKind::Icu)
            && let Some(bed) = icu.get(2)
        {
            ops::mark_clean(db, nurse, bed, h(38))?;
        }
    }
    for (n, bed) in reserve.iter().enumerate() {
        if let Some(patient) = pool.adults.pop() {
            ops::reserve(
                db,
                nurse,
                bed,
                &patient,
                now + TimeDelta::hours(3 + 3 * n as i64),
                h(1),
            )?;
        }
    }
    Ok(())
}
