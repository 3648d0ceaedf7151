//! The bench hospital's laboratory (revision 6): two orders of three
//! analytes from each doctor's visit (electrolytes and creatinine, a
//! renal profile, liver tests, lipids, an inflammation and bone profile,
//! HbA1c with ESR and reticulocytes), accession numbers in the order they
//! were made. Everything older than a day is verified (a few
//! rejected or cancelled); the last day's orders are open in every status
//! (waiting, collected, in progress, resulted), some verified, rejected or
//! cancelled. About 1% of the orders carry a critical value, acknowledged
//! by the ordering doctor except some of the last day's.
//!
//! Values are drawn within each analyte's possible bounds around the
//! patient's reference range at collection and flagged by
//! `domain::lab::entry::flag`. Written in bulk (one transaction per
//! [`CHUNK`] visits, one audit event per order) through
//! `store::lab_bulk`'s row functions, each step of an order its own row
//! change, so that every trigger of migration 16 checks it.

use super::{BENCH_USER, LAB_TECH, LAB_TECH_2, PASSWORD, SEED, clinic_now};
use crate::auth;
use crate::domain::audit::{Actor, AuditAction, AuditEvent};
use crate::domain::ids::Id;
use crate::domain::lab::entry::{ResultValue, check_value, flag};
use crate::domain::lab::ranges::{self, Flag};
use crate::domain::lab::{Analyte, ResultType};
use crate::domain::patient::Sex;
use crate::domain::role::Role;
use crate::ops::accounts;
use crate::store::Db;
use crate::store::lab_bulk::{self as bulk, Counts, LabVisit, NewOrder, NewResult, Step};
use anyhow::{Context, Result};
use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Visits whose orders are written per transaction.
const CHUNK: usize = 2_000;
/// The tests of each kind of order (one specimen, three analytes).
const KINDS: [&[&str]; 6] = [
    &["NA", "K", "CREA"],
    &["UREA", "CREA", "K"],
    &["ALT", "AST", "TBIL"],
    &["LIPID"],
    &["CRP", "ALB", "CA"],
    &["HBA1C", "ESR", "RETIC"],
];
/// Orders made since this long before [`clinic_now`] are the lab's open
/// day; older ones are finished.
const OPEN_HOURS: i64 = 24;

/// A kind of order as the catalogue holds it.
struct Kind {
    specimen: String,
    tests: Vec<Id>,
    analytes: Vec<(Id, Analyte)>,
}

/// Reads the kinds of order from the catalogue.
fn kinds(db: &Db) -> Result<Vec<Kind>> {
    let mut out = Vec::new();
    for codes in KINDS {
        let mut kind = Kind {
            specimen: String::new(),
            tests: Vec::new(),
            analytes: Vec::new(),
        };
        for code in codes {
            let stored = crate::store::lab::by_code(db.conn(), code)?
                .with_context(|| format!("the catalogue has no test {code}"))?;
            let analytes = crate::store::lab::analytes_with_ids(db.conn(), stored.id.as_str())?;
            kind.analytes.extend(analytes);
            kind.specimen = stored.test.specimen;
            kind.tests.push(stored.id);
        }
        out.push(kind);
    }
    Ok(out)
}

/// How far an order got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Reach {
    Cancelled,
    Ordered,
    Rejected,
    Collected,
    InProgress,
    Resulted,
    Verified,
}

/// The times of an order's steps, each after the one before.
struct Times {
    ordered: DateTime<Utc>,
    collected: DateTime<Utc>,
    entered: DateTime<Utc>,
    verified: DateTime<Utc>,
    acknowledged: DateTime<Utc>,
}

fn times(ordered: DateTime<Utc>, stat: bool, rng: &mut StdRng) -> Times {
    let collect = if stat { 5..20 } else { 15..90 };
    let collected = ordered + Duration::minutes(rng.gen_range(collect));
    let entered = collected + Duration::minutes(rng.gen_range(20..120));
    let verified = entered + Duration::minutes(rng.gen_range(10..60));
    let acknowledged = verified + Duration::minutes(rng.gen_range(5..60));
    Times {
        ordered,
        collected,
        entered,
        verified,
        acknowledged,
    }
}

/// How far an order made at `t.ordered` got by `now`: finished when old,
/// anywhere when of the last day (no step after `now`).
fn reach(t: &Times, now: DateTime<Utc>, rng: &mut StdRng) -> Reach {
    let roll = rng.gen_range(0..1000);
    if t.ordered < now - Duration::hours(OPEN_HOURS) {
        return match roll {
            0..=9 => Reach::Rejected,
            10..=14 => Reach::Cancelled,
            _ => Reach::Verified,
        };
    }
    let wanted = match roll {
        0..=49 => Reach::Rejected,
        50..=79 => Reach::Cancelled,
        80..=259 => Reach::Ordered,
        260..=439 => Reach::Collected,
        440..=599 => Reach::InProgress,
        600..=799 => Reach::Resulted,
        _ => Reach::Verified,
    };
    let possible = if t.verified <= now {
        Reach::Verified
    } else if t.entered <= now {
        Reach::Resulted
    } else if t.collected <= now {
        Reach::Collected
    } else {
        Reach::Ordered
    };
    match wanted {
        Reach::Cancelled => Reach::Cancelled,
        Reach::Rejected if possible >= Reach::Collected => Reach::Rejected,
        w => w.min(possible),
    }
}

/// What a drawn value should look like.
#[derive(Clone, Copy)]
enum Want {
    Normal,
    Low,
    High,
    Critical,
}

/// A value typed for `a` in the shape it is reported (its decimals),
/// within its possible bounds, near the range as `want` says; `None` for
/// an analyte that is not a number.
fn draw(
    a: &Analyte,
    range: Option<&ranges::RefRange>,
    want: Want,
    rng: &mut StdRng,
) -> Option<String> {
    let ResultType::Number { decimals, min, max } = a.kind else {
        return None;
    };
    let (low, high) = match range {
        Some(r) => match (r.low, r.high) {
            (Some(l), Some(h)) => (l, h),
            (Some(l), None) => (l, l * 2.0),
            (None, Some(h)) => (h * 0.5, h),
            (None, None) => (min, max),
        },
        None => (min + (max - min) * 0.05, min + (max - min) * 0.2),
    };
    let span = (high - low).max(1e-6);
    let (from, to) = match want {
        Want::Normal => (low, high),
        Want::High => (
            high,
            a.critical_high.unwrap_or(high + span).min(high + span),
        ),
        Want::Low => (
            a.critical_low
                .unwrap_or(low - span / 2.0)
                .max(low - span / 2.0),
            low,
        ),
        Want::Critical => match (a.critical_high, a.critical_low) {
            (Some(h), _) => (h + span * 0.05, h + span * 0.6),
            (None, Some(l)) => (l - span * 0.3, l - span * 0.05),
            (None, None) => (high, high + span),
        },
    };
    let v = if to > from {
        rng.gen_range(from..to)
    } else {
        from
    };
    let step = 10f64.powi(i32::from(decimals));
    let v = ((v * step).round() / step).clamp(min, max);
    Some(format!("{v:.*}", usize::from(decimals)))
}

/// A result to write: its analyte, the value as typed and as checked,
/// its flag and range.
struct Drawn<'a> {
    analyte: &'a Id,
    typed: String,
    value: ResultValue,
    flag: Flag,
    range: (Option<f64>, Option<f64>),
}

/// The three values of an order for this patient on the collection day,
/// one of them critical when `critical` and the kind has a limit.
fn values<'a>(
    kind: &'a Kind,
    v: &LabVisit,
    on: DateTime<Utc>,
    critical: bool,
    rng: &mut StdRng,
) -> Vec<Drawn<'a>> {
    let sex = Sex::parse(&v.sex).unwrap_or(Sex::U);
    let day = on.date_naive();
    let critical_at = kind
        .analytes
        .iter()
        .position(|(_, a)| a.critical_high.is_some() || a.critical_low.is_some())
        .filter(|_| critical);
    let mut out = Vec::new();
    for (i, (id, a)) in kind.analytes.iter().enumerate() {
        let range = ranges::choose(&a.ranges, sex, v.birth_date, day);
        let want = if critical_at == Some(i) {
            Want::Critical
        } else {
            match rng.gen_range(0..10) {
                0 => Want::Low,
                1 => Want::High,
                _ => Want::Normal,
            }
        };
        let Some(typed) = draw(a, range.as_ref(), want, rng) else {
            continue;
        };
        let Ok(value) = check_value(a, &typed) else {
            continue;
        };
        let f = flag(a, &value, sex, v.birth_date, day);
        out.push(Drawn {
            analyte: id,
            typed,
            value,
            flag: f,
            range: range.map_or((None, None), |r| (r.low, r.high)),
        });
    }
    out
}

/// The lab's staff: the technician who enters and the one who verifies
/// swap from one order to the next.
struct Lab {
    techs: [Id; 2],
}

/// Adds the bench's two lab technicians.
fn add_technicians(db: &mut Db) -> Result<Lab> {
    let now = super::fixed_now();
    let admin = auth::sign_in(db, BENCH_USER, PASSWORD, now)?;
    let mut techs = Vec::new();
    for (user_name, full_name) in [
        (LAB_TECH, "Bench Lab Technician"),
        (LAB_TECH_2, "Bench Lab Technician Two"),
    ] {
        let account = accounts::NewAccount {
            user_name,
            full_name,
            role: Role::LabTech,
            password: PASSWORD,
        };
        let user = accounts::add(db, &admin, &account, false, now)
            .with_context(|| format!("could not create the bench account {user_name}"))?;
        techs.push(user.id);
    }
    auth::sign_out(db, &admin, crate::store::sessions::EndReason::Logout, now)?;
    let [a, b]: [Id; 2] = techs
        .try_into()
        .map_err(|_| anyhow::anyhow!("the bench lab needs two technicians"))?;
    Ok(Lab { techs: [a, b] })
}

/// Adds the laboratory to a hospital whose clinical record is written.
pub fn add(db: &mut Db, _patients: u64) -> Result<Counts> {
    let now = clinic_now();
    let lab = add_technicians(db)?;
    let kinds = kinds(db)?;
    let mut rng = StdRng::seed_from_u64(SEED ^ 0x004c_4142);
    let mut starts = bulk::visit_starts(db.conn(), now)?;
    starts.sort_by_key(|s| (s.1, s.0));
    let mut accession = bulk::next_accession(db.conn())?;
    let mut n = 0usize;
    for chunk in starts.chunks(CHUNK) {
        let visits = chunk
            .iter()
            .map(|(rowid, _)| bulk::visit(db.conn(), *rowid))
            .collect::<Result<Vec<_>, _>>()?;
        let mut planned: Vec<(&LabVisit, usize, DateTime<Utc>)> = Vec::new();
        for v in &visits {
            let first = rng.gen_range(0..kinds.len());
            let second = (first + rng.gen_range(1..kinds.len())) % kinds.len();
            for k in [first, second] {
                let at = v.started_at + Duration::minutes(rng.gen_range(10..40));
                if at < now {
                    planned.push((v, k, at));
                }
            }
        }
        planned.sort_by_key(|p| p.2);
        db.write(&Actor::system(), |tx| {
            let mut events = Vec::with_capacity(planned.len());
            for (v, k, at) in &planned {
                let e = write_order(tx, &lab, n, v, &kinds[*k], *at, accession, now, &mut rng)?;
                events.push(e);
                accession += 1;
                n += 1;
            }
            Ok::<_, anyhow::Error>(((), events))
        })?;
    }
    Ok(bulk::counts(db.conn())?)
}

/// Writes one order as far as it got, with its audit event.
#[allow(clippy::too_many_arguments)]
fn write_order(
    tx: &rusqlite::Transaction,
    lab: &Lab,
    n: usize,
    v: &LabVisit,
    kind: &Kind,
    at: DateTime<Utc>,
    accession: i64,
    now: DateTime<Utc>,
    rng: &mut StdRng,
) -> Result<AuditEvent> {
    let priority = match rng.gen_range(0..100) {
        0..=4 => "stat",
        5..=14 => "urgent",
        _ => "routine",
    };
    let t = times(at, priority == "stat", rng);
    let reach = reach(&t, now, rng);
    let id = Id::new();
    let tests: Vec<&Id> = kind.tests.iter().collect();
    bulk::insert_order(
        tx,
        &NewOrder {
            id: &id,
            accession,
            patient: &v.patient_id,
            visit: &v.id,
            admission: v.admission_id.as_ref(),
            ordered_by: &v.clinician_id,
            ordered_at: at,
            priority,
            specimen: &kind.specimen,
            clinical_notes: "",
            tests: &tests,
        },
    )?;
    let (enters, verifies) = (&lab.techs[n % 2], &lab.techs[(n + 1) % 2]);
    let said = |what: &str| {
        AuditEvent::new(
            AuditAction::Create,
            "lab_order",
            format!("bench laboratory: order {accession} {what}"),
        )
        .on(id.as_str())
        .for_patient(v.patient_id.as_str())
    };
    let step = |status: &'static str| Step {
        status,
        collected: Some((enters, t.collected)),
        verified_at: None,
        ended: None,
        reject_reason: None,
        end_note: None,
    };
    match reach {
        Reach::Ordered => return Ok(said("waiting for collection")),
        Reach::Cancelled => {
            let ended = (&v.clinician_id, (at + Duration::minutes(5)).min(now));
            let s = Step {
                collected: None,
                ended: Some(ended),
                end_note: Some("no longer needed"),
                ..step("cancelled")
            };
            bulk::step(tx, &id, &s)?;
            return Ok(said("cancelled"));
        }
        _ => {}
    }
    bulk::step(tx, &id, &step("collected"))?;
    if reach == Reach::Rejected {
        let reason = ["haemolysed", "insufficient", "clotted", "mislabelled"][rng.gen_range(0..4)];
        let ended = (enters, (t.collected + Duration::minutes(10)).min(now));
        let s = Step {
            ended: Some(ended),
            reject_reason: Some(reason),
            ..step("rejected")
        };
        bulk::step(tx, &id, &s)?;
        return Ok(said("rejected"));
    }
    if reach == Reach::Collected {
        return Ok(said("collected"));
    }
    let critical = rng.gen_range(0..100) == 0;
    let drawn = values(kind, v, t.collected, critical, rng);
    let entered = if reach == Reach::InProgress {
        2
    } else {
        drawn.len()
    };
    let mut criticals = Vec::new();
    for d in drawn.iter().take(entered) {
        let number = match &d.value {
            ResultValue::Number { value, .. } => Some(*value),
            _ => None,
        };
        let rid = bulk::insert_result(
            tx,
            &NewResult {
                order: &id,
                patient: &v.patient_id,
                analyte: d.analyte,
                value: &d.typed,
                number,
                flag: d.flag.letters(),
                range: d.range,
                entered_by: enters,
                entered_at: t.entered,
            },
        )?;
        if d.flag.is_critical() {
            criticals.push(rid);
        }
    }
    let status = if entered < drawn.len() {
        "in_progress"
    } else {
        "resulted"
    };
    bulk::step(tx, &id, &step(status))?;
    if reach < Reach::Verified {
        return Ok(said(status));
    }
    bulk::verify_results(tx, &id, verifies, t.verified)?;
    let verified = Step {
        verified_at: Some(t.verified),
        ..step("verified")
    };
    bulk::step(tx, &id, &verified)?;
    let recent = t.verified > now - Duration::hours(24);
    for r in &criticals {
        if t.acknowledged <= now && !(recent && rng.gen_bool(0.5)) {
            bulk::acknowledge(tx, r, &v.clinician_id, t.acknowledged)?;
        }
    }
    Ok(said("verified"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn potassium() -> Analyte {
        Analyte {
            code: "K".into(),
            name: "Potassium".into(),
            loinc: None,
            unit: Some("mmol/L".into()),
            kind: ResultType::Number {
                decimals: 1,
                min: 1.0,
                max: 12.0,
            },
            ranges: vec![ranges::RefRange {
                sex: None,
                from: None,
                to: None,
                low: Some(3.5),
                high: Some(5.1),
            }],
            critical_low: Some(2.8),
            critical_high: Some(6.2),
        }
    }

    #[test]
    fn drawn_values_are_typed_as_reported_and_flagged_as_wanted() {
        let k = potassium();
        let range = k.ranges[0].clone();
        let mut rng = StdRng::seed_from_u64(1);
        let born = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
        let on = chrono::NaiveDate::from_ymd_opt(2026, 3, 9).unwrap_or_default();
        for (want, flags) in [
            (Want::Normal, &[Flag::Normal][..]),
            (Want::High, &[Flag::High, Flag::Normal][..]),
            (Want::Low, &[Flag::Low, Flag::Normal][..]),
            (Want::Critical, &[Flag::CriticalHigh][..]),
        ] {
            for _ in 0..200 {
                let typed = draw(&k, Some(&range), want, &mut rng).unwrap();
                assert_eq!(typed.split_once('.').map(|(_, f)| f.len()), Some(1));
                let value = check_value(&k, &typed).unwrap();
                let f = flag(&k, &value, Sex::F, born, on);
                assert!(flags.contains(&f), "{typed} flagged {f:?}");
            }
        }
    }

    #[test]
    fn old_orders_are_finished_and_none_goes_past_now() {
        let now = clinic_now();
        let mut rng = StdRng::seed_from_u64(2);
        let mut seen = std::collections::BTreeSet::new();
        for i in 0..3000 {
            let at = now - Duration::minutes(i);
            let t = times(at, i % 7 == 0, &mut rng);
            let r = reach(&t, now, &mut rng);
            if i > OPEN_HOURS * 60 {
                assert!(matches!(
                    r,
                    Reach::Verified | Reach::Rejected | Reach::Cancelled
                ));
            }
            if r >= Reach::Resulted {
                assert!(t.entered <= now);
            }
            if r == Reach::Verified {
                assert!(t.verified <= now);
            }
            seen.insert(r);
        }
        assert_eq!(seen.len(), 7, "every status on the open day: {seen:?}");
    }
}
