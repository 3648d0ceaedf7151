//! The medication round: recording a dose given, held, refused or not
//! available (PRN doses with their indication), correcting a wrong record
//! by a new one that names it, an admitted patient's medication
//! administration record (MAR) for a day, and a ward's doses due now.

use crate::auth::Session;
use crate::domain::audit::AuditAction;
use crate::domain::care::Sections;
use crate::domain::clock::{Clock, day_bounds, local_date};
use crate::domain::ids::Id;
use crate::domain::prescribing::mar::{DoseState, OVERDUE_LOOKBACK, Outcome, dose_state};
use crate::domain::prescribing::{Frequency, MAX_REASON, Status, check_text};
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::ops::clinical::{self, event};
use crate::store::Db;
use crate::store::prescriptions::{
    self as store, Administration, NewAdministration, Prescription, WardPatient,
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::Connection;
use std::collections::{HashMap, HashSet};

/// How far ahead of now a dose's time may be recorded (clocks on the ward
/// differ).
const FUTURE_SLACK: Duration = Duration::minutes(5);

/// A dose to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoseInput {
    pub prescription: Id,
    /// The scheduled time of the dose; none for a PRN dose.
    pub due_at: Option<DateTime<Utc>>,
    pub outcome: Outcome,
    /// When it was given (or held, refused, found not available).
    pub at: DateTime<Utc>,
    /// Why it was not given.
    pub reason: String,
    /// A PRN dose's indication (the prescription's when empty).
    pub prn_indication: String,
}

fn get(conn: &Connection, id: &Id) -> Result<Prescription> {
    store::get(conn, id)?
        .ok_or_else(|| Error::NotFound("that prescription is not in this hospital file".into()))
}

fn explain_duplicate(e: Error) -> Error {
    match &e {
        Error::Store(crate::store::StoreError::Sqlite(se))
            if se.to_string().contains("medication_administrations.prescription_id") =>
        {
            Error::Refused(
                "this dose is recorded already (perhaps from another terminal): look at the chart again, and correct that record if it is wrong".into(),
            )
        }
        Error::Store(crate::store::StoreError::Sqlite(se))
            if se.to_string().contains("medication_administrations.corrects_id") =>
        {
            Error::Refused(
                "that record was corrected already: correct the latest record of the dose".into(),
            )
        }
        _ => e,
    }
}

fn check_time(at: DateTime<Utc>, clock: Clock) -> Result<()> {
    if at > clock.now + FUTURE_SLACK {
        return Err(Error::Refused(
            "the time of the dose is in the future: type when it was given".into(),
        ));
    }
    Ok(())
}

fn summary(
    rx: &Prescription,
    outcome: Outcome,
    due: Option<DateTime<Utc>>,
    clock: Clock,
) -> String {
    let when = match due {
        Some(d) => format!("dose of {}", clock.at(d).format("%Y-%m-%d %H:%M")),
        None => "PRN dose".to_string(),
    };
    format!("{when} {}: {}", outcome.label(), rx.label())
}

/// Records a dose of an active order.
pub fn record_dose(
    db: &mut Db,
    by: &Session,
    input: &DoseInput,
    clock: Clock,
) -> Result<Administration> {
    check_time(input.at, clock)?;
    let reason = check_text(
        &input.reason,
        "reason the dose was not given",
        input.outcome.needs_reason(),
        MAX_REASON,
    )
    .map_err(Error::Refused)?;
    let typed_indication = check_text(&input.prn_indication, "PRN indication", false, MAX_REASON)
        .map_err(Error::Refused)?;
    let rounds = db.settings()?.medication_rounds;
    clinical::write(db, by, Permission::GiveDoses, "record doses", |tx| {
        let rx = get(tx, &input.prescription)?;
        if rx.status != Status::Active {
            return Err(Error::Refused(format!(
                "{} is {}: no more doses are recorded against it",
                rx.medicine, rx.status
            )));
        }
        let p = clinical::patient_in_use(tx, &rx.patient_id)?;
        clinical::require_whole_record(tx, by, &rx.patient_id, clock)?;
        let prn = rx.course.frequency == Frequency::Prn;
        let indication = match (prn, input.due_at) {
            (true, Some(_)) => {
                return Err(Error::Refused(
                    "a PRN dose has no scheduled time: record it without one".into(),
                ));
            }
            (true, None) => Some(if typed_indication.is_empty() {
                rx.course.prn_indication.clone().unwrap_or_default()
            } else {
                typed_indication.clone()
            }),
            (false, None) => {
                return Err(Error::Refused(
                    "choose which scheduled dose this is: the order is not PRN".into(),
                ));
            }
            (false, Some(due)) => {
                let day = local_date(clock.zone, due);
                if !rx.timing().due_on(day, clock.zone, &rounds).contains(&due) {
                    return Err(Error::Refused(
                        "no dose of this order is due at that time: look at the chart again".into(),
                    ));
                }
                None
            }
        };
        if prn && input.outcome == Outcome::Given {
            let max = i64::from(rx.course.prn_max_daily.unwrap_or(24));
            let given = standing(&store::administrations_between(
                tx,
                &rx.id,
                input.at - Duration::hours(24),
                input.at + Duration::seconds(1),
            )?)
            .filter(|a| a.due_at.is_none() && a.outcome == Outcome::Given)
            .count() as i64;
            if given >= max {
                return Err(Error::Refused(format!(
                    "{given} PRN doses of {} were given in the 24 hours before: the order allows at most {max}; ask the prescriber",
                    rx.medicine
                )));
            }
        }
        let id = store::insert_administration(
            tx,
            &NewAdministration {
                prescription: &rx.id,
                patient: &rx.patient_id,
                due_at: input.due_at,
                outcome: input.outcome,
                at: input.at,
                by: &by.user.id,
                reason: (!reason.is_empty()).then_some(reason.as_str()),
                prn_indication: indication.as_deref(),
                corrects: None,
            },
            clock.now,
        )
        .map_err(|e| explain_duplicate(Error::Store(e)))?;
        let a = store::administration_by_id(tx, &id)?
            .ok_or_else(|| Error::NotFound("the new record vanished".into()))?;
        let mut s = format!(
            "{} for {}",
            summary(&rx, input.outcome, input.due_at, clock),
            p.mrn
        );
        if !reason.is_empty() {
            s.push_str(&format!(": {reason}"));
        }
        if let Some(i) = &indication {
            s.push_str(&format!(" (for {i})"));
        }
        let e = event(
            AuditAction::RecordDose,
            "administration",
            &id,
            &rx.patient_id,
            s,
        );
        Ok((a, vec![e]))
    })
}

/// What a correction records instead of the wrong entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub wrong: Id,
    pub outcome: Outcome,
    pub at: DateTime<Utc>,
    /// Why the dose was not given, under the corrected outcome.
    pub reason: String,
    /// Why the first record was wrong.
    pub why: String,
}

/// Corrects a wrong administration record by a new one that names it
/// (the wrong one stays, append-only). Works after the order ended too.
pub fn correct_dose(
    db: &mut Db,
    by: &Session,
    c: &Correction,
    clock: Clock,
) -> Result<Administration> {
    check_time(c.at, clock)?;
    let why = check_text(&c.why, "reason for the correction", true, MAX_REASON)
        .map_err(Error::Refused)?;
    let reason = check_text(
        &c.reason,
        "reason the dose was not given",
        c.outcome.needs_reason(),
        MAX_REASON,
    )
    .map_err(Error::Refused)?;
    clinical::write(
        db,
        by,
        Permission::GiveDoses,
        "correct dose records",
        |tx| {
            let wrong = store::administration_by_id(tx, &c.wrong)?.ok_or_else(|| {
                Error::NotFound("that dose record is not in this hospital file".into())
            })?;
            let rx = get(tx, &wrong.prescription_id)?;
            clinical::require_whole_record(tx, by, &rx.patient_id, clock)?;
            let id = store::insert_administration(
                tx,
                &NewAdministration {
                    prescription: &rx.id,
                    patient: &rx.patient_id,
                    due_at: wrong.due_at,
                    outcome: c.outcome,
                    at: c.at,
                    by: &by.user.id,
                    reason: (!reason.is_empty()).then_some(reason.as_str()),
                    prn_indication: wrong.prn_indication.as_deref(),
                    corrects: Some((&wrong.id, &why)),
                },
                clock.now,
            )
            .map_err(|e| explain_duplicate(clinical::explain(e)))?;
            let a = store::administration_by_id(tx, &id)?
                .ok_or_else(|| Error::NotFound("the correction vanished".into()))?;
            let e = event(
                AuditAction::CorrectDose,
                "administration",
                &id,
                &rx.patient_id,
                format!(
                    "record of {} ({}) corrected to {}: {why}",
                    summary(&rx, wrong.outcome, wrong.due_at, clock),
                    wrong.id,
                    c.outcome.label()
                ),
            );
            Ok((a, vec![e]))
        },
    )
}

/// The records no other record corrects: what stands.
fn standing(records: &[Administration]) -> impl Iterator<Item = &Administration> {
    records.iter().filter(|a| {
        !records
            .iter()
            .any(|o| o.corrects.as_ref().is_some_and(|(c, _)| *c == a.id))
    })
}

/// The latest dose of `prescription` given too short a time before now
/// (less than half the hours between its doses; none for one dose, stat
/// and PRN orders): giving another now would double it. The round says so
/// before a dose is recorded as given.
pub fn given_too_recently(
    db: &Db,
    by: &Session,
    prescription: &Id,
    clock: Clock,
) -> Result<Option<Administration>> {
    let conn = db.conn();
    let rx = get(conn, prescription)?;
    require_chart(conn, by, &rx.patient_id, clock)?;
    let at = clock.now;
    let Some(hours) = rx.course.frequency.hours_between_doses() else {
        return Ok(None);
    };
    let since = at - Duration::minutes(hours * 60 / 2);
    let records = store::administrations_since(conn, prescription, since)?;
    Ok(standing(&records)
        .filter(|a| a.outcome == Outcome::Given && a.at > since && a.at <= at)
        .max_by_key(|a| a.at)
        .cloned())
}

/// One scheduled dose on the chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDose {
    pub due_at: DateTime<Utc>,
    pub state: DoseState,
    /// The record that stands for it, if any.
    pub record: Option<Administration>,
}

/// One order on a day's chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartLine {
    pub prescription: Prescription,
    pub doses: Vec<DueDose>,
    /// PRN doses recorded that day (those standing).
    pub prn: Vec<Administration>,
    /// Every record of the day, corrections and the records they correct
    /// included, in the order written.
    pub history: Vec<Administration>,
}

/// An admitted patient's MAR for one local day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    pub patient: Id,
    pub admission: Id,
    pub day: NaiveDate,
    pub lines: Vec<ChartLine>,
}

fn chart_line(
    conn: &Connection,
    rx: Prescription,
    day: NaiveDate,
    clock: Clock,
    late_minutes: u32,
    rounds: &crate::domain::prescribing::schedule::RoundTimes,
) -> Result<ChartLine> {
    let (from, to) = day_bounds(clock.zone, day);
    let history = store::administrations_between(conn, &rx.id, from, to)?;
    let standing: Vec<Administration> = standing(&history).cloned().collect();
    let doses = rx
        .timing()
        .due_on(day, clock.zone, rounds)
        .into_iter()
        .map(|due| {
            let record = standing.iter().find(|a| a.due_at == Some(due)).cloned();
            let state = dose_state(
                due,
                record.as_ref().map(|a| (a.outcome, a.at)),
                clock.now,
                late_minutes,
            );
            DueDose {
                due_at: due,
                state,
                record,
            }
        })
        .collect();
    let prn = standing
        .into_iter()
        .filter(|a| a.due_at.is_none())
        .collect();
    Ok(ChartLine {
        prescription: rx,
        doses,
        prn,
        history,
    })
}

fn require_chart(conn: &Connection, by: &Session, patient: &Id, clock: Clock) -> Result<()> {
    by.require(Permission::GiveDoses, "see the medication chart")?;
    if clinical::open_sections(conn, by, patient, clock)? == Sections::ALL {
        Ok(())
    } else {
        Err(Error::NotPermitted(format!(
            "a {} may not see the medication chart",
            by.role().label()
        )))
    }
}

/// The MAR of an admitted patient for a local `day`: every order of the
/// admission with the day's due doses and where each stands at the
/// clock's instant, the PRN doses, and every record.
pub fn chart(db: &Db, by: &Session, patient: &Id, day: NaiveDate, clock: Clock) -> Result<Chart> {
    let settings = db.settings()?;
    let conn = db.conn();
    require_chart(conn, by, patient, clock)?;
    let admission = crate::store::beds::active_admission_of(conn, patient)?.ok_or_else(|| {
        Error::Refused(
            "this patient is not admitted: the medication chart is for inpatients".into(),
        )
    })?;
    let lines = store::of_admission(conn, &admission.id, false)?
        .into_iter()
        .map(|rx| {
            chart_line(
                conn,
                rx,
                day,
                clock,
                settings.dose_late_minutes,
                &settings.medication_rounds,
            )
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Chart {
        patient: patient.clone(),
        admission: admission.id,
        day,
        lines,
    })
}

/// A dose the nurse on the round has to give: due now, or overdue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub patient: WardPatient,
    pub prescription: Prescription,
    pub due_at: DateTime<Utc>,
    pub state: DoseState,
}

/// The ward's doses due now (within `dose_late_minutes` of their time)
/// and overdue (past it, up to a day back) that nobody recorded, earliest
/// first, then by bed: three queries (the ward's patients, their active
/// orders, the records of the span), however many beds it has.
pub fn due_now(db: &Db, by: &Session, ward: &Id, clock: Clock) -> Result<Vec<Due>> {
    by.require(Permission::GiveDoses, "see the ward's medication round")?;
    let settings = db.settings()?;
    let conn = db.conn();
    let late = Duration::minutes(i64::from(settings.dose_late_minutes));
    let (from, to) = (clock.now - OVERDUE_LOOKBACK, clock.now + late);
    let patients: HashMap<Id, WardPatient> = store::ward_patients(conn, ward)?
        .into_iter()
        .map(|wp| (wp.admission_id.clone(), wp))
        .collect();
    if patients.is_empty() {
        return Ok(Vec::new());
    }
    let records = store::records_on_ward(conn, ward, from, to + Duration::seconds(1))?;
    let mut by_order: HashMap<&Id, Vec<Administration>> = HashMap::new();
    for a in &records {
        by_order
            .entry(&a.prescription_id)
            .or_default()
            .push(a.clone());
    }
    let mut due = Vec::new();
    for rx in store::active_orders_on_ward(conn, ward)? {
        let Some(wp) = rx.admission_id.as_ref().and_then(|a| patients.get(a)) else {
            continue;
        };
        let mine = by_order.get(&rx.id).map_or(&[][..], Vec::as_slice);
        for (t, state) in doses_between(&rx, mine, (from, to), clock, &settings) {
            if state.waiting() {
                due.push(Due {
                    patient: wp.clone(),
                    prescription: rx.clone(),
                    due_at: t,
                    state,
                });
            }
        }
    }
    due.sort_by(|a, b| (a.due_at, &a.patient.bed).cmp(&(b.due_at, &b.patient.bed)));
    Ok(due)
}

/// The scheduled doses of an order due within `span` (both ends included)
/// and where each stands at the clock's instant, given the order's records
/// of that span.
fn doses_between(
    rx: &Prescription,
    records: &[Administration],
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    clock: Clock,
    settings: &crate::domain::settings::Settings,
) -> Vec<(DateTime<Utc>, DoseState)> {
    let timing = rx.timing();
    let (first, last) = (local_date(clock.zone, from), local_date(clock.zone, to));
    let mut times: Vec<DateTime<Utc>> = Vec::new();
    for d in first.iter_days().take_while(|d| *d <= last) {
        times.extend(timing.due_on(d, clock.zone, &settings.medication_rounds));
    }
    times.retain(|t| *t >= from && *t <= to);
    if times.is_empty() {
        return Vec::new();
    }
    let standing: Vec<&Administration> = standing(records).collect();
    times
        .into_iter()
        .map(|t| {
            let record = standing.iter().find(|a| a.due_at == Some(t));
            let state = dose_state(
                t,
                record.map(|a| (a.outcome, a.at)),
                clock.now,
                settings.dose_late_minutes,
            );
            (t, state)
        })
        .collect()
}

/// The admissions with a dose overdue now (nobody recorded it, and its
/// time is past by more than `dose_late_minutes`, up to a day back), for
/// the bed board's mark: two queries for the whole hospital, whatever its
/// size. `audit` writes one READ event when there are any.
pub fn overdue_admissions(
    db: &mut Db,
    by: &Session,
    clock: Clock,
    audit: bool,
) -> Result<HashSet<Id>> {
    by.require(Permission::GiveDoses, "see overdue doses")?;
    let settings = db.settings()?;
    let from = clock.now - OVERDUE_LOOKBACK;
    let (orders, records) = {
        let conn = db.conn();
        (
            store::active_inpatient_orders(conn)?,
            store::active_inpatient_records(conn, from, clock.now + Duration::seconds(1))?,
        )
    };
    let mut by_order: HashMap<&Id, Vec<Administration>> = HashMap::new();
    for a in &records {
        by_order
            .entry(&a.prescription_id)
            .or_default()
            .push(a.clone());
    }
    let mut out = HashSet::new();
    for rx in &orders {
        let Some(admission) = &rx.admission_id else {
            continue;
        };
        if out.contains(admission) {
            continue;
        }
        let mine = by_order.get(&rx.id).map_or(&[][..], Vec::as_slice);
        if doses_between(rx, mine, (from, clock.now), clock, &settings)
            .iter()
            .any(|(_, s)| *s == DoseState::Overdue)
        {
            out.insert(admission.clone());
        }
    }
    if audit && !out.is_empty() {
        let summary = format!(
            "viewed which of the admitted patients have overdue doses ({})",
            out.len()
        );
        db.write(&by.actor(), |_| {
            let e = crate::domain::audit::AuditEvent::new(AuditAction::Read, "mar", summary);
            Ok::<_, Error>(((), vec![e]))
        })?;
    }
    Ok(out)
}
