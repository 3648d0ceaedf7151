//! The bench hospital's medicines (revision 5): each admitted patient's
//! active ward orders (two to four, scheduled, PRN and stat) written at
//! the admission's first ward round, supplied to the ward, and their
//! medication administration record up to [`clinic_now`] (given, some held
//! or refused, a few of the morning's doses overdue); the bench day's
//! consultations of the other clinics with their prescriptions, most
//! waiting at the pharmacy, some partly dispensed; and one prescription
//! dispensed for each consultation of the pharmacy's ledger window
//! ([`HISTORY_DAYS`] before the bench day: its stock starts there).
//!
//! Written in bulk like the clinical history (one transaction per
//! [`CHUNK`] prescriptions, each with its audit event) through the store's
//! row functions, so that every trigger of the schema checks every row:
//! prescriptions start active with nothing dispensed, dispenses are ledger
//! movements of weekly batches received for them and never exceed what
//! is owed, doses are recorded against active orders.

use super::orders::{CLINIC_ADULT, CLINIC_CHILD, Resolved, WARD_ADULT, WARD_CHILD, resolve};
use super::{SEED, clinic_now, today};
use crate::auth::{self, Session};
use crate::domain::audit::{Actor, AuditAction, AuditEvent};
use crate::domain::ids::Id;
use crate::domain::patient::age_years;
use crate::domain::pharmacy::MovementKind;
use crate::domain::prescribing::{Frequency, Priority};
use crate::domain::role::Role;
use crate::store::Db;
use crate::store::pharmacy::{self as stock, NewBatch, NewMovement};
use crate::store::prescriptions::{self as rx, NewPrescription};
use crate::store::prescriptions_bulk::{self as bulk, Counts, VisitRow};
use anyhow::{Context, Result, bail};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;

/// Days of past consultations that get their dispensed prescription: the
/// bench pharmacy's ledger window (see `stock`).
pub const HISTORY_DAYS: i64 = 120;
/// Prescriptions written per transaction.
const CHUNK: usize = 5_000;
/// The bench day's consultations of the other clinics: 60 plus 60 per
/// million patients.
fn today_consultations(patients: u64) -> usize {
    (60 + patients.saturating_mul(60) / 1_000_000).min(120) as usize
}

/// A prescription to write: in which visit, what, when, how urgent, and
/// what the pharmacy dispensed of it and when.
pub struct Planned<'a> {
    pub visit: &'a VisitRow,
    pub what: &'a Resolved,
    pub at: DateTime<Utc>,
    pub priority: Priority,
    pub dispensed: Option<(i64, DateTime<Utc>)>,
}

/// What the layer wrote.
#[derive(Debug, Clone, Copy, Default)]
pub struct Written {
    pub counts: Counts,
    pub batches: usize,
}

/// The Monday of `t`'s week: the week's delivery.
fn week_of(t: DateTime<Utc>) -> NaiveDate {
    let d = t.date_naive();
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

fn at_day(day: NaiveDate, minutes: i64) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
        + Duration::minutes(minutes)
}

/// The bench staff signed in for the layer.
struct Staff {
    admin: Session,
    nurse: Session,
    pharmacist: Session,
}

/// Adds the medicines to a hospital whose wards, pharmacy and clinical
/// record are written, and puts the bench nurse on every ward.
pub fn add(db: &mut Db, patients: u64) -> Result<Written> {
    let now = clinic_now();
    let sign_in = |db: &mut Db, user: &str| {
        auth::sign_in(db, user, super::PASSWORD, now)
            .with_context(|| format!("the bench account {user} could not sign in"))
    };
    let staff = Staff {
        admin: sign_in(db, super::BENCH_USER)?,
        nurse: sign_in(db, super::NURSE)?,
        pharmacist: sign_in(db, super::PHARMACIST)?,
    };
    for w in crate::ops::beds::wards(db, &staff.admin)? {
        crate::ops::ward_staff::assign(db, &staff.admin, super::NURSE, &w.id, now)
            .with_context(|| format!("could not put the bench nurse on {}", w.name))?;
    }
    let items = stock::items(db.conn())?;
    let kinds = [CLINIC_ADULT, CLINIC_CHILD, WARD_ADULT, WARD_CHILD]
        .into_iter()
        .map(|o| resolve(&items, o))
        .collect::<Result<Vec<_>>>()?;
    let mut rng = StdRng::seed_from_u64(SEED ^ 0x0050_5245_5343_5249);
    let today_visits = consultations_today(db, patients, &mut rng)?;
    let past = bulk::consultations_between(
        db.conn(),
        at_day(today(), 0) - Duration::days(HISTORY_DAYS),
        at_day(today(), 0),
    )?;
    let rounds = bulk::first_rounds_of_open_admissions(db.conn())?;

    let child = |v: &VisitRow| age_years(v.birth_date, v.started_at.date_naive()) < 12;
    let mut plan: Vec<Planned> = Vec::new();
    for v in &past {
        let list = &kinds[usize::from(child(v))];
        let what = &list[rng.gen_range(0..list.len())];
        let at = v.started_at + Duration::minutes(rng.gen_range(10..30));
        let handed = at + Duration::minutes(rng.gen_range(15..60));
        plan.push(Planned {
            visit: v,
            what,
            at,
            priority: Priority::Routine,
            dispensed: Some((what.quantity(), handed)),
        });
    }
    for v in &rounds {
        let list = &kinds[2 + usize::from(child(v))];
        let mut picked: Vec<usize> = Vec::new();
        let n = rng.gen_range(2..=4).min(list.len());
        while picked.len() < n {
            let k = rng.gen_range(0..list.len());
            if !picked.contains(&k) {
                picked.push(k);
            }
        }
        let at = v.started_at + Duration::minutes(5);
        for k in picked {
            let what = &list[k];
            let supplied = at + Duration::minutes(rng.gen_range(40..90));
            let stat = what.order.4 == Frequency::Stat;
            plan.push(Planned {
                visit: v,
                what,
                at,
                priority: if stat {
                    Priority::Stat
                } else {
                    Priority::Routine
                },
                // The ward's supply; this morning's new orders still wait.
                dispensed: (supplied < now && at.date_naive() < today())
                    .then(|| (what.quantity(), supplied)),
            });
        }
    }
    for (k, v) in today_visits.iter().enumerate() {
        let list = &kinds[usize::from(child(v))];
        let what = &list[rng.gen_range(0..list.len())];
        let at = v.started_at + Duration::minutes(rng.gen_range(10..20));
        let handed = (at + Duration::minutes(20)).min(now);
        let q = what.quantity();
        plan.push(Planned {
            visit: v,
            what,
            at,
            priority: if k % 12 == 5 {
                Priority::Urgent
            } else {
                Priority::Routine
            },
            // A third were dispensed, a sixth in part (short of stock);
            // the rest wait.
            dispensed: match k % 6 {
                0 | 3 => Some((q, handed)),
                1 if q > 1 => Some((q / 2, handed)),
                _ => None,
            },
        });
    }
    plan.sort_by_key(|p| p.at);

    let batches = receive_weekly(db, &staff.pharmacist, &plan, &mut rng)?;
    let batch_count = batches.len();
    let mut orders: Vec<(Id, &Planned)> = Vec::new();
    for chunk in plan.chunks(CHUNK) {
        let written = db.write(&Actor::system(), |tx| {
            let mut events = Vec::with_capacity(chunk.len());
            let mut ids = Vec::with_capacity(chunk.len());
            for p in chunk {
                let (id, e) = write_one(tx, p, &batches, &staff.pharmacist.user.id)?;
                events.push(e);
                ids.push(id);
            }
            Ok::<_, anyhow::Error>((ids, events))
        })?;
        for (id, p) in written.into_iter().zip(chunk) {
            if p.visit.admission_id.is_some() {
                orders.push((id, p));
            }
        }
    }
    super::doses::record_doses(db, &orders, &staff.nurse.user.id, &mut rng)?;
    for s in [&staff.admin, &staff.nurse, &staff.pharmacist] {
        auth::sign_out(db, s, crate::store::sessions::EndReason::Logout, now)?;
    }
    Ok(Written {
        counts: bulk::counts(db.conn())?,
        batches: batch_count,
    })
}

/// The bench day's consultations of the other clinics (their doctors; the
/// bench doctor's own morning is written by `morning`): a signed note
/// each, started between 07:30 and [`clinic_now`] less an hour.
fn consultations_today(db: &mut Db, patients: u64, rng: &mut StdRng) -> Result<Vec<VisitRow>> {
    let doctor = crate::store::users::find(db.conn(), super::DOCTOR)?
        .context("the bench doctor is missing")?
        .0
        .id;
    let mut doctors: Vec<Id> = crate::store::users::clinicians(db.conn())?
        .into_iter()
        .filter(|c| c.role == Role::Doctor && c.id != doctor)
        .map(|c| c.id)
        .collect();
    if doctors.is_empty() {
        doctors.push(doctor);
    }
    let n = today_consultations(patients);
    let first = at_day(today(), 7 * 60 + 30);
    let span = (clinic_now() - Duration::hours(1) - first)
        .num_minutes()
        .max(1);
    let mut people = Vec::with_capacity(n);
    while people.len() < n {
        let seq = rng.gen_range(1..=patients.max(1) as i64);
        people.extend(crate::store::clinical::bulk::patients_by_seq(
            db.conn(),
            seq,
            seq + 1,
        )?);
        if people.len() > n * 4 {
            bail!("the bench hospital has too few patients for the day's clinics");
        }
    }
    people.truncate(n);
    let mut rows = Vec::with_capacity(n);
    let started: Vec<DateTime<Utc>> = (0..n)
        .map(|_| first + Duration::minutes(rng.gen_range(0..span)))
        .collect();
    let ids = db.write(&Actor::system(), |tx| {
        let mut ids = Vec::with_capacity(n);
        let mut events = Vec::with_capacity(n);
        for (k, (p, at)) in people.iter().zip(&started).enumerate() {
            let age = age_years(p.birth_date, today());
            let fit: Vec<_> = super::cases::ACUTE
                .iter()
                .filter(|c| super::cases::suits(c, age, &p.sex))
                .collect();
            let case = fit
                .get(rng.gen_range(0..fit.len().max(1)))
                .copied()
                .unwrap_or(&super::cases::ACUTE[0]);
            let clinician = &doctors[k % doctors.len()];
            let id = crate::store::clinical::bulk::insert_visit(
                tx,
                &crate::store::clinical::bulk::PastVisit {
                    patient: &p.id,
                    clinician,
                    kind: crate::domain::visit::VisitKind::Outpatient,
                    admission: None,
                    started_at: *at,
                },
            )?;
            let note = super::cases::note(case, rng);
            crate::store::clinical::bulk::insert_signed_note(
                tx,
                &id,
                &note,
                clinician,
                *at + Duration::minutes(8),
            )?;
            events.push(
                AuditEvent::new(
                    AuditAction::Create,
                    "visit",
                    "bench medicines: the day's consultation with a signed note".to_string(),
                )
                .on(id.as_str())
                .for_patient(p.id.as_str()),
            );
            ids.push((id, clinician.clone(), *at));
        }
        Ok::<_, anyhow::Error>((ids, events))
    })?;
    for ((id, clinician, at), p) in ids.into_iter().zip(&people) {
        rows.push(VisitRow {
            id,
            patient_id: p.id.clone(),
            clinician_id: clinician,
            started_at: at,
            birth_date: p.birth_date,
            admission_id: None,
        });
    }
    Ok(rows)
}

/// One delivery a week of each item the plan dispenses, of exactly what
/// it dispenses that week (received on the Monday): the keys of the
/// batches by item and week.
fn receive_weekly(
    db: &mut Db,
    pharmacist: &Session,
    plan: &[Planned],
    rng: &mut StdRng,
) -> Result<BTreeMap<(String, NaiveDate), String>> {
    let mut wanted: BTreeMap<(String, NaiveDate), i64> = BTreeMap::new();
    for p in plan {
        if let Some((q, at)) = p.dispensed {
            *wanted
                .entry((p.what.item.id.clone(), week_of(at)))
                .or_default() += q;
        }
    }
    let costs: Vec<i64> = wanted.keys().map(|_| rng.gen_range(100..3_000)).collect();
    let by = pharmacist.user.id.clone();
    db.write(&Actor::system(), |tx| {
        let mut keys = BTreeMap::new();
        let mut events = Vec::with_capacity(wanted.len());
        for (((item, monday), quantity), cost) in wanted.iter().zip(costs) {
            let received = at_day(*monday, 6 * 60);
            let batch_no = format!("RX{}", monday.format("%y%m%d"));
            let id = stock::insert_batch(
                tx,
                &NewBatch {
                    item_id: item,
                    batch_no: &batch_no,
                    expiry: *monday + Duration::days(730),
                    unit_cost: cost,
                    price: cost * 3 / 2,
                    supplier: "MEDS Kenya",
                },
                received,
            )?;
            let reference = format!("GRN-RX-{}", monday.format("%Y%m%d"));
            stock::insert_movement(
                tx,
                &NewMovement {
                    batch_id: &id,
                    item_id: item,
                    kind: MovementKind::Receive,
                    quantity: *quantity,
                    reason: "",
                    reference: &reference,
                    patient_id: None,
                    actor_id: Some(by.as_str()),
                },
                received,
            )?;
            events.push(
                AuditEvent::new(
                    AuditAction::Create,
                    "stock_batch",
                    format!("bench medicines: received {quantity} in batch {batch_no} for the week's prescriptions"),
                )
                .on(id.as_str()),
            );
            keys.insert((item.clone(), *monday), id);
        }
        Ok::<_, anyhow::Error>((keys, events))
    })
}

/// Writes one prescription and what was dispensed of it.
fn write_one(
    tx: &rusqlite::Transaction,
    p: &Planned,
    batches: &BTreeMap<(String, NaiveDate), String>,
    pharmacist: &Id,
) -> Result<(Id, AuditEvent)> {
    let w = p.what;
    let v = p.visit;
    let id = rx::insert(
        tx,
        &NewPrescription {
            visit: &v.id,
            patient: &v.patient_id,
            admission: v.admission_id.as_ref(),
            prescriber: &v.clinician_id,
            item: Some(&w.item.id),
            outside_name: None,
            generic_name: &w.item.details.generic_name,
            dose: w.dose,
            route: w.order.3,
            course: &w.course,
            instructions: "",
            quantity_computed: w.computed,
            quantity: w.quantity(),
            quantity_reason: None,
            priority: p.priority,
            starts_at: p.at,
        },
        p.at,
    )?;
    let mut said = format!(
        "bench medicines: prescribed {}, {} {} to dispense",
        w.label(),
        w.quantity(),
        w.item.details.unit
    );
    if let Some((q, at)) = p.dispensed {
        let batch = batches
            .get(&(w.item.id.clone(), week_of(at)))
            .context("the week's delivery of a bench prescription is missing")?;
        let reference = format!("prescription {id}");
        let seq = stock::insert_movement(
            tx,
            &NewMovement {
                batch_id: batch,
                item_id: &w.item.id,
                kind: MovementKind::Dispense,
                quantity: -q,
                reason: "",
                reference: &reference,
                patient_id: Some(v.patient_id.as_str()),
                actor_id: Some(pharmacist.as_str()),
            },
            at,
        )?;
        rx::link_dispense(tx, seq, &id, q)?;
        said.push_str(&format!("; dispensed {q}"));
    }
    let e = AuditEvent::new(AuditAction::Prescribe, "prescription", said)
        .on(id.as_str())
        .for_patient(v.patient_id.as_str());
    Ok((id, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_has_sixty_to_a_hundred_and_twenty_consultations() {
        assert_eq!(today_consultations(300), 60);
        assert_eq!(today_consultations(1_000_000), 120);
        assert_eq!(today_consultations(u64::MAX), 120);
    }
}
