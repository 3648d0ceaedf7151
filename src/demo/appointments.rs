//! The demo's clinic day: the doctor's and the nurse's working hours, a day
//! off, and appointments from last week to next week; today has patients
//! done, a few no-shows, one late, one in consultation, some waiting, and
//! the rest still booked, around the time the demo is built. Whatever the
//! hour, what has happened lies in the past and what is to come in the
//! future: today's weekday gets a clinic session around the building time
//! (an early or an evening session when built outside the usual hours).

use crate::auth::Session;
use crate::domain::appointment::{Span, Status, parse_ranges};
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::ids::Id;
use crate::store::Db;
use crate::store::appointments::{self as store, NewAppointment, StatusChange};
use anyhow::{Context, Result};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

const SEED: u64 = 0x0041_5050_4F49_4E54;

/// Weekly hours (Monday first) of the demo's doctor and nurse.
const HOURS: &[(&str, [&str; 7])] = &[
    (
        "doctor",
        [
            "08:00-12:00, 13:00-17:00",
            "08:00-12:00, 13:00-17:00",
            "08:00-12:00, 13:00-17:00",
            "08:00-12:00, 13:00-17:00",
            "08:00-12:00, 13:00-17:00",
            "09:00-13:00",
            "09:00-13:00",
        ],
    ),
    (
        "nurse",
        [
            "07:30-12:30, 13:30-16:00",
            "07:30-12:30, 13:30-16:00",
            "07:30-12:30, 13:30-16:00",
            "07:30-12:30, 13:30-16:00",
            "07:30-12:30, 13:30-16:00",
            "08:00-12:00",
            "08:00-12:00",
        ],
    ),
];

/// `ranges` with a session from about three hours before `minute` to
/// three hours after it (within the day) merged in, so that a day built
/// at any hour has a clinic running with a morning's worth behind it.
fn with_session_around(ranges: &[Span], minute: u16) -> Vec<Span> {
    let start = minute.saturating_sub(180) / 30 * 30;
    let end = (minute + 180).min(crate::domain::appointment::DAY_END);
    let mut all: Vec<Span> = ranges.to_vec();
    all.push(Span { start, end });
    all.sort_by_key(|s| s.start);
    let mut merged: Vec<Span> = Vec::new();
    for s in all {
        match merged.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => merged.push(s),
        }
    }
    merged
}

/// One appointment of the demo, before it is written.
struct Planned {
    patient: Id,
    clinician: Id,
    type_id: Id,
    day: NaiveDate,
    span: Span,
    status: Status,
    /// Minutes after the start the patient arrived (may be negative: early).
    arrived: i64,
    notes: &'static str,
}

/// Adds the demo's hours and appointments in one transaction.
pub fn demo_appointments(db: &mut Db, session: &Session, now: DateTime<Utc>) -> Result<()> {
    let clock = db.clock(now)?;
    let local = clock.local();
    let today = local.date();
    let mut rng = StdRng::seed_from_u64(SEED);
    let conn = db.conn();
    let types = store::types(conn, false)?;
    let type_of = |name: &str| {
        types
            .iter()
            .find(|t| t.name == name)
            .map(|t| (t.id.clone(), t.minutes))
            .with_context(|| format!("the demo needs the appointment type {name}"))
    };
    let doctor_types = [
        type_of("consultation")?,
        type_of("follow-up")?,
        type_of("procedure")?,
    ];
    let nurse_types = [
        type_of("antenatal")?,
        type_of("vaccination")?,
        type_of("dressing")?,
    ];
    let mut clinicians = Vec::new();
    for (user, week) in HOURS {
        let c = store::clinician_named(conn, user)?
            .with_context(|| format!("the demo needs the clinician {user}"))?;
        let mut hours = crate::domain::appointment::WorkingHours::default();
        for (d, text) in week.iter().enumerate() {
            hours.week[d] = parse_ranges(text).map_err(anyhow::Error::msg)?;
        }
        let weekday = chrono::Datelike::weekday(&today).num_days_from_monday() as usize;
        hours.week[weekday] = with_session_around(
            &hours.week[weekday],
            crate::domain::appointment::minute_of(local),
        );
        clinicians.push((c, hours));
    }
    let patient_ids: Vec<Id> = {
        let mut stmt = conn.prepare(
            "SELECT id FROM patients WHERE deleted_at IS NULL AND merged_into IS NULL ORDER BY seq LIMIT 600",
        )?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.map(|r| r.map(Id::from_stored))
            .collect::<rusqlite::Result<_>>()?
    };
    if patient_ids.is_empty() {
        return Ok(());
    }
    let nurse_off = today + Duration::days(8);

    let mut plan: Vec<Planned> = Vec::new();
    for offset_days in -7..=7i64 {
        let day = today + Duration::days(offset_days);
        let mut patients = patient_ids.clone();
        patients.shuffle(&mut rng);
        let mut patients = patients.into_iter();
        for (ci, (c, hours)) in clinicians.iter().enumerate() {
            if ci == 1 && day == nurse_off {
                continue;
            }
            let kinds = if ci == 0 { &doctor_types } else { &nurse_types };
            let fill = if offset_days == 0 {
                0.8
            } else if offset_days > 0 {
                0.45 - 0.04 * offset_days as f64
            } else {
                0.6
            };
            let ranges = hours.on(day).to_vec();
            if ranges.is_empty() {
                continue;
            }
            // Today turns around the moment the demo is built.
            let pivot = crate::domain::appointment::minute_of(local);
            let mut in_room = false;
            let mut past = 0;
            for r in ranges {
                let mut t = r.start;
                loop {
                    let (type_id, minutes) = kinds[rng.gen_range(0..kinds.len())].clone();
                    if t + minutes > r.end {
                        break;
                    }
                    let span = Span {
                        start: t,
                        end: t + minutes,
                    };
                    t += minutes;
                    if !rng.gen_bool(fill.clamp(0.05, 0.95)) {
                        continue;
                    }
                    let Some(patient) = patients.next() else {
                        break;
                    };
                    let status = if offset_days < 0 {
                        if rng.gen_bool(0.1) {
                            Status::NoShow
                        } else {
                            Status::Completed
                        }
                    } else if offset_days > 0 {
                        Status::Scheduled
                    } else if span.end + 20 <= pivot {
                        past += 1;
                        match past {
                            3 => Status::Scheduled, // late: past its end, not come yet
                            5 | 9 => Status::NoShow,
                            _ => Status::Completed,
                        }
                    } else if span.start <= pivot && !in_room {
                        in_room = true;
                        Status::InConsultation
                    } else if span.start <= pivot + 25 {
                        Status::CheckedIn
                    } else {
                        Status::Scheduled
                    };
                    plan.push(Planned {
                        patient,
                        clinician: c.id.clone(),
                        type_id,
                        day,
                        span,
                        status,
                        arrived: rng.gen_range(-15..10),
                        notes: match rng.gen_range(0..14) {
                            0 => "wheelchair access",
                            1 => "interpreter: Swahili",
                            2 => "fasting bloods",
                            _ => "",
                        },
                    });
                }
            }
        }
    }

    let user_id = session.user.id.as_str().to_string();
    let to_utc = |day: NaiveDate, minute: i64| -> DateTime<Utc> {
        let t = day.and_time(NaiveTime::MIN) + Duration::minutes(minute);
        clock.instant(t)
    };
    let count = plan.len();
    db.write(&session.actor(), |tx| {
        for (c, hours) in &clinicians {
            for (d, spans) in hours.week.iter().enumerate() {
                store::set_weekday(tx, &c.id, d, spans)?;
            }
        }
        if let Some((nurse, _)) = clinicians.get(1) {
            store::add_day_off(tx, &nurse.id, nurse_off, "study leave")?;
        }
        let mut reschedule_candidate = None;
        for p in &plan {
            let created = to_utc(p.day - Duration::days(10), 9 * 60);
            let new = NewAppointment {
                patient: &p.patient,
                clinician: &p.clinician,
                type_id: &p.type_id,
                day: p.day,
                span: p.span,
                notes: p.notes,
                walk_in: false,
                checked_in_at: None,
                rescheduled_from: None,
            };
            let id = store::insert(tx, &new, Some(&user_id), created)?;
            if p.status == Status::Scheduled && p.day > today && reschedule_candidate.is_none() {
                reschedule_candidate = Some(id.clone());
            }
            if p.status == Status::Scheduled {
                continue;
            }
            let start = i64::from(p.span.start);
            // Nobody arrives after the moment the demo is built, nor before
            // the day of their appointment began (an early arrival for a
            // session that starts at midnight).
            let arrived = to_utc(p.day, (start + p.arrived).max(0))
                .min(now - Duration::minutes(2))
                .max(to_utc(p.day, 0));
            let called = to_utc(p.day, start + p.arrived.max(0) + 5).max(arrived);
            let done = to_utc(p.day, i64::from(p.span.end) + 5).max(called);
            let stamps = match p.status {
                Status::NoShow => StatusChange::default(),
                Status::CheckedIn => StatusChange {
                    checked_in_at: Some(arrived),
                    ..StatusChange::default()
                },
                Status::InConsultation => StatusChange {
                    checked_in_at: Some(arrived),
                    called_at: Some(called),
                    ..StatusChange::default()
                },
                _ => StatusChange {
                    checked_in_at: Some(arrived),
                    called_at: Some(called),
                    completed_at: Some(done),
                    ..StatusChange::default()
                },
            };
            store::set_status(
                tx,
                &id,
                1,
                p.status,
                &stamps,
                Some(&user_id),
                done.max(created),
            )?;
        }
        // One booking was moved a day later when the patient rang: the history shows it.
        if let Some(old) = reschedule_candidate
            && let Some(b) = store::get(tx, &old)?
        {
            let day = b.appt.day + Duration::days(1);
            let span = Span {
                start: 16 * 60,
                end: 16 * 60 + b.appt.span.minutes(),
            };
            let free = store::clashes(
                tx,
                day,
                &span,
                &b.appt.clinician_id,
                &b.appt.patient_id,
                None,
            )?
            .is_empty();
            if free {
                let cancelled = StatusChange {
                    cancel_reason: Some("rescheduled".into()),
                    ..StatusChange::default()
                };
                store::set_status(
                    tx,
                    &old,
                    b.appt.version,
                    Status::Cancelled,
                    &cancelled,
                    Some(&user_id),
                    now,
                )?;
                let new = NewAppointment {
                    patient: &b.appt.patient_id,
                    clinician: &b.appt.clinician_id,
                    type_id: &b.appt.type_id,
                    day,
                    span,
                    notes: "moved: patient asked for a later time",
                    walk_in: false,
                    checked_in_at: None,
                    rescheduled_from: Some(&old),
                };
                let new_id = store::insert(tx, &new, Some(&user_id), now)?;
                tx.execute(
                    "UPDATE appointments SET rescheduled_to = ?2 WHERE id = ?1",
                    rusqlite::params![old.as_str(), new_id.as_str()],
                )?;
            }
        }
        let event = AuditEvent::new(
            AuditAction::Import,
            "appointment",
            format!(
                "demo data: working hours of {} clinicians and {count} appointments from {} to {}",
                clinicians.len(),
                today - Duration::days(7),
                today + Duration::days(7)
            ),
        );
        Ok::<_, anyhow::Error>(((), vec![event]))
    })
}
