//! The bench hospital's clinic: doctors and nurses with weekday hours and a
//! week of appointments on the bench day's week, at the scale of its
//! patients (ten clinicians and about 1,200 appointments at a million
//! patients). Booked through `ops::appointments`, as the desk books them.

use super::{PASSWORD, SEED, fixed_now, today};
use crate::auth::Session;
use crate::domain::appointment::Span;
use crate::domain::ids::Id;
use crate::domain::role::Role;
use crate::error::Error;
use crate::ops::accounts;
use crate::ops::appointments::{self as ops, Booking};
use crate::store::Db;
use anyhow::{Context, Result};
use chrono::{Datelike, Duration};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Clinicians per 100,000 patients, and the fewest and most.
const CLINICIANS_PER_100K: u64 = 1;
const MIN_CLINICIANS: u64 = 2;
const MAX_CLINICIANS: u64 = 10;
/// The clinic's hours on weekdays.
const HOURS: &str = "08:00-12:30, 13:30-17:00";
/// How many of the fifteen-minute slots are booked.
const BOOKED_SHARE: f64 = 0.7;

/// Adds clinicians beyond the bench's doctor and nurse, gives them all
/// weekday hours, and books the bench day's week. Returns the appointments
/// booked.
pub fn fill(
    db: &mut Db,
    admin: &Session,
    desk: &Session,
    known: &[&Session],
    patients: u64,
) -> Result<usize> {
    let now = fixed_now();
    let wanted = (patients / 100_000 * CLINICIANS_PER_100K).clamp(MIN_CLINICIANS, MAX_CLINICIANS);
    let mut clinicians: Vec<Id> = known.iter().map(|s| s.user.id.clone()).collect();
    for i in clinicians.len() as u64..wanted {
        let user_name = format!("bench-clinic-{:02}", i + 1);
        let full_name = format!("Bench Clinician {:02}", i + 1);
        let account = accounts::NewAccount {
            user_name: &user_name,
            full_name: &full_name,
            role: if i % 3 == 2 {
                Role::Nurse
            } else {
                Role::Doctor
            },
            password: PASSWORD,
        };
        let user = accounts::add(db, admin, &account, false, now)
            .with_context(|| format!("could not create the bench account {user_name}"))?;
        clinicians.push(user.id);
    }
    for c in &clinicians {
        for weekday in 0..5 {
            ops::set_hours(db, admin, c, weekday, HOURS)?;
        }
    }
    let consultation = crate::store::appointments::types(db.conn(), false)?
        .into_iter()
        .find(|t| t.minutes == 15)
        .context("the bench hospital has no 15-minute appointment type")?;
    let monday = today() - Duration::days(i64::from(today().weekday().num_days_from_monday()));
    let spans: Vec<Span> = crate::domain::appointment::parse_ranges(HOURS)
        .map_err(anyhow::Error::msg)?
        .into_iter()
        .flat_map(|r| {
            (r.start..r.end)
                .step_by(15)
                .filter_map(|m| Span::new(m, m + 15))
        })
        .collect();
    let mut rng = StdRng::seed_from_u64(SEED ^ 0x434c_494e_4943);
    let mut booked = 0;
    for day in (0..5).map(|d| monday + Duration::days(d)) {
        for c in &clinicians {
            for span in &spans {
                if !rng.gen_bool(BOOKED_SHARE) {
                    continue;
                }
                let seq = rng.gen_range(1..=patients.max(1)) as i64;
                let Some(p) = crate::store::patients::get_by_seq(db.conn(), seq)? else {
                    continue;
                };
                if p.deleted_at.is_some() || p.merged_into.is_some() {
                    continue;
                }
                let booking = Booking {
                    patient: p.id,
                    clinician: c.clone(),
                    type_id: consultation.id.clone(),
                    day,
                    span: *span,
                    notes: String::new(),
                };
                match ops::book(db, desk, &booking, &ops::Allow::default(), now) {
                    Ok(_) => booked += 1,
                    // The same patient drawn twice at one time: skip.
                    Err(Error::Refused(_)) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
    }
    Ok(booked)
}
