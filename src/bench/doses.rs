//! The medication administration record of the bench's ward orders up to
//! the bench day's morning: doses given on time or a little late, some held
//! or refused with a reason, a few of the morning's left overdue, and PRN
//! doses with their indication. Written in bulk, each chunk with one audit
//! event per order.

use super::prescriptions::Planned;
use super::{clinic_now, today};
use crate::domain::audit::{Actor, AuditAction, AuditEvent};
use crate::domain::clock::local_date;
use crate::domain::ids::Id;
use crate::domain::prescribing::mar::Outcome;
use crate::domain::prescribing::schedule::Timing;
use crate::store::Db;
use crate::store::prescriptions::{self as rx, NewAdministration};
use anyhow::Result;
use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand::rngs::StdRng;

/// Orders whose doses are written per transaction.
const CHUNK: usize = 5_000;
/// The share of the morning's doses left unrecorded (overdue at
/// [`clinic_now`]).
const OVERDUE_SHARE: f64 = 0.06;
/// Why a dose was held or refused.
const HELD: &[&str] = &[
    "nil by mouth before theatre",
    "BP 92/55: held, doctor informed",
    "patient asleep, to give at next round",
];
const REFUSED: &[&str] = &[
    "patient refused: nauseated",
    "patient refused: feels better",
];

/// The ward orders' doses up to [`clinic_now`]: each scheduled dose due
/// more than half an hour ago recorded (given ten to forty minutes after
/// its time; a few held or refused with a reason), except today's of
/// every eighth order and a share of the others', left overdue; two PRN
/// doses at most for each PRN order.
pub fn record_doses(
    db: &mut Db,
    orders: &[(Id, &Planned)],
    nurse: &Id,
    rng: &mut StdRng,
) -> Result<()> {
    let now = clinic_now();
    let settings = db.settings()?;
    let zone = db.clock(now)?.zone;
    let recorded_before = now - Duration::minutes(30);
    for chunk in orders.chunks(CHUNK) {
        let mut doses: Vec<(usize, NewDose)> = Vec::new();
        for (k, (_, p)) in chunk.iter().enumerate() {
            let w = p.what;
            let timing = Timing {
                frequency: w.course.frequency,
                starts_at: p.at,
                duration_days: w.course.duration_days,
                ended_at: None,
            };
            if let Some((indication, _)) = w.order.6 {
                let span = (now - Duration::hours(1) - p.at).num_minutes();
                for _ in 0..rng.gen_range(0..=2) {
                    if span > 0 {
                        let at = p.at + Duration::minutes(rng.gen_range(0..span));
                        doses.push((k, NewDose::prn(at, indication)));
                    }
                }
                continue;
            }
            let missed = k % 8 == 0;
            let mut day = local_date(zone, p.at);
            while day <= today() {
                for t in timing.due_on(day, zone, &settings.medication_rounds) {
                    let overdue = day == today() && (missed || rng.gen_bool(OVERDUE_SHARE));
                    if t > recorded_before || overdue {
                        continue;
                    }
                    let at = (t + Duration::minutes(rng.gen_range(10..40))).min(recorded_before);
                    let roll = rng.gen_range(0..100);
                    let (outcome, reason) = match roll {
                        0..=3 => (Outcome::Held, Some(HELD[roll % HELD.len()])),
                        4..=6 => (Outcome::Refused, Some(REFUSED[roll % REFUSED.len()])),
                        _ => (Outcome::Given, None),
                    };
                    doses.push((
                        k,
                        NewDose {
                            due_at: Some(t),
                            outcome,
                            at,
                            reason,
                            prn: None,
                        },
                    ));
                }
                day += Duration::days(1);
            }
        }
        db.write(&Actor::system(), |tx| {
            let mut counts = vec![0usize; chunk.len()];
            for (k, d) in &doses {
                let (id, p) = &chunk[*k];
                rx::insert_administration(
                    tx,
                    &NewAdministration {
                        prescription: id,
                        patient: &p.visit.patient_id,
                        due_at: d.due_at,
                        outcome: d.outcome,
                        at: d.at,
                        by: nurse,
                        reason: d.reason,
                        prn_indication: d.prn,
                        corrects: None,
                    },
                    (d.at + Duration::minutes(2)).min(now),
                )?;
                counts[*k] += 1;
            }
            let events = chunk
                .iter()
                .zip(&counts)
                .filter(|(_, n)| **n > 0)
                .map(|((id, p), n)| {
                    AuditEvent::new(
                        AuditAction::RecordDose,
                        "prescription",
                        format!("bench medicines: {n} doses of {} recorded", p.what.label()),
                    )
                    .on(id.as_str())
                    .for_patient(p.visit.patient_id.as_str())
                })
                .collect();
            Ok::<_, anyhow::Error>(((), events))
        })?;
    }
    Ok(())
}

/// A dose record to write.
struct NewDose {
    due_at: Option<DateTime<Utc>>,
    outcome: Outcome,
    at: DateTime<Utc>,
    reason: Option<&'static str>,
    prn: Option<&'static str>,
}

impl NewDose {
    fn prn(at: DateTime<Utc>, indication: &'static str) -> NewDose {
        NewDose {
            due_at: None,
            outcome: Outcome::Given,
            at,
            reason: None,
            prn: Some(indication),
        }
    }
}
