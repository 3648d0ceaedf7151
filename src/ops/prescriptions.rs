//! Prescribing in a visit: the order checked and its quantity computed,
//! the safety checks (allergy, duplicate, child's dose) each overridable
//! only with a typed reason that the prescription keeps, stopping, the
//! patient's current and past medicines, the formulary's paediatric
//! maximum, and inpatient orders completed at discharge.

use crate::auth::{Session, authorize};
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::clock::Clock;
use crate::domain::ids::Id;
use crate::domain::patient::age_years;
use crate::domain::pharmacy::MAX_QUANTITY;
use crate::domain::prescribing::checks::{
    self, ActiveMedicine, CheckKind, ChildDose, Finding, KnownAllergy,
};
use crate::domain::prescribing::quantity::{
    QuantityInput, dose_nanograms, parse_strength, quantity_to_dispense,
};
use crate::domain::prescribing::{
    Course, Dose, Frequency, MAX_INSTRUCTIONS, MAX_REASON, Priority, Route, Status, check_course,
    check_text,
};
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::ops::clinical::{self, event};
use crate::store::Db;
use crate::store::clinical::{conditions, visits};
use crate::store::prescriptions::{self as store, NewPrescription, Overridden, Prescription};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, Transaction};

/// How far back an order may be written to have started (a stat dose
/// written up after the emergency).
const START_BACK: Duration = Duration::hours(24);
/// How far ahead an order may start.
const START_AHEAD: Duration = Duration::days(30);
/// How many prescriptions the record lists.
pub const LISTED: usize = 500;

/// What is prescribed: a formulary item, or a medicine named and bought
/// outside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Medicine {
    Item(String),
    Outside(String),
}

/// A prescription as the prescriber fills it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrescriptionInput {
    pub visit: Id,
    pub medicine: Medicine,
    /// The generic name; for an item, empty takes the formulary's.
    pub generic_name: String,
    pub dose: Dose,
    pub route: Route,
    pub course: Course,
    pub instructions: String,
    /// The quantity to dispense when it is not the computed one (or cannot
    /// be computed), in the item's unit.
    pub quantity: Option<i64>,
    /// Why the quantity differs from the computed one.
    pub quantity_reason: String,
    pub priority: Priority,
    /// When the order starts (now when empty; a stat dose always now).
    pub starts_at: Option<DateTime<Utc>>,
    /// The reasons typed for going ahead despite a failed check.
    pub overrides: Vec<(CheckKind, String)>,
}

/// What the form shows before saving: the computed quantity and the
/// checks that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// In the item's unit; `None` when it must be typed.
    pub computed_quantity: Option<i64>,
    pub item_unit: String,
    pub findings: Vec<Finding>,
}

/// The order checked and completed, ready to write.
struct Prepared {
    patient: Id,
    mrn: String,
    admission: Option<Id>,
    item: Option<String>,
    outside_name: Option<String>,
    generic: String,
    label: String,
    course: Course,
    instructions: String,
    computed: Option<i64>,
    quantity: i64,
    quantity_reason: Option<String>,
    starts_at: DateTime<Utc>,
    item_unit: String,
    findings: Vec<Finding>,
}

fn refused(e: String) -> Error {
    Error::Refused(e)
}

/// Checks the order as typed against the file, in `conn`: the visit and
/// its patient open to `by`, the medicine, the course, the quantity, and
/// runs the safety checks (their findings are not refusals here).
fn prepare(
    conn: &Connection,
    by: &Session,
    input: &PrescriptionInput,
    weight_valid_days: u32,
    clock: Clock,
) -> Result<Prepared> {
    let visit = visits::visit_by_id(conn, &input.visit)?
        .ok_or_else(|| Error::NotFound("that visit is not in this hospital file".into()))?;
    let patient = clinical::patient_in_use(conn, &visit.patient_id)?;
    clinical::require_whole_record(conn, by, &patient.id, clock)?;
    let admission = crate::store::beds::active_admission_of(conn, &patient.id)?.map(|a| a.id);
    let course = check_course(&input.course, admission.is_some()).map_err(refused)?;
    let instructions = check_text(&input.instructions, "instructions", false, MAX_INSTRUCTIONS)
        .map_err(refused)?;
    let starts_at = match input.starts_at {
        Some(t) if course.frequency != Frequency::Stat => t,
        _ => clock.now,
    };
    if starts_at < clock.now - START_BACK || starts_at > clock.now + START_AHEAD {
        return Err(Error::Refused(
            "the order must start between 24 hours ago and 30 days ahead: check the start time"
                .into(),
        ));
    }
    let typed_generic =
        check_text(&input.generic_name, "generic name", false, 100).map_err(refused)?;
    let (item, outside_name, generic, medicine, unit, strength, paed_max) = match &input.medicine {
        Medicine::Item(id) => {
            let it = crate::store::pharmacy::get_item(conn, id)?.ok_or_else(|| {
                Error::NotFound(
                    "that item is not in this hospital's formulary: search again".into(),
                )
            })?;
            if !it.active {
                return Err(Error::Refused(format!(
                    "{} is deactivated in the formulary: choose another item, or prescribe it as bought outside",
                    it.details.label()
                )));
            }
            let generic = [&typed_generic, &it.details.generic_name, &it.details.name]
                .into_iter()
                .find(|g| !g.trim().is_empty())
                .cloned()
                .unwrap_or_default();
            let max = store::paediatric_max(conn, &it.id)?;
            (
                Some(it.id.clone()),
                None,
                generic,
                it.details.label(),
                it.details.unit.clone(),
                parse_strength(&it.details.strength),
                max,
            )
        }
        Medicine::Outside(name) => {
            let name = check_text(name, "name of the medicine", true, 100).map_err(refused)?;
            let generic = if typed_generic.is_empty() {
                name.clone()
            } else {
                typed_generic.clone()
            };
            (
                None,
                Some(name.clone()),
                generic,
                name,
                String::new(),
                None,
                None,
            )
        }
    };
    let computed = match &item {
        Some(_) => quantity_to_dispense(&QuantityInput {
            dose: input.dose,
            frequency: course.frequency,
            duration_days: course.duration_days,
            prn_max_daily: course.prn_max_daily,
            item_unit: &unit,
            strength,
        }),
        None => None,
    };
    let reason = check_text(
        &input.quantity_reason,
        "reason for the quantity",
        false,
        MAX_REASON,
    )
    .map_err(refused)?;
    let (quantity, quantity_reason) = match (&item, computed, input.quantity) {
        (None, _, Some(_)) => {
            return Err(Error::Refused(
                "a medicine bought outside is not dispensed here: leave the quantity empty".into(),
            ));
        }
        (None, _, None) => (0, None),
        (Some(_), _, Some(q)) if !(1..=MAX_QUANTITY).contains(&q) => {
            return Err(Error::Refused(format!(
                "the quantity must be a whole number from 1 to {MAX_QUANTITY} {unit}"
            )));
        }
        (Some(_), Some(c), None) => (c, None),
        (Some(_), Some(c), Some(q)) if q == c => (c, None),
        (Some(_), Some(c), Some(q)) => {
            if reason.is_empty() {
                return Err(Error::Refused(format!(
                    "the computed quantity is {c} {unit}: type why {q} is dispensed instead"
                )));
            }
            (q, Some(reason))
        }
        (Some(_), None, Some(q)) => (q, (!reason.is_empty()).then_some(reason)),
        (Some(_), None, None) => {
            return Err(Error::Refused(format!(
                "the quantity cannot be computed from this order (a {unit} of {medicine}, or no duration): type the quantity to dispense"
            )));
        }
    };
    let now = clock.now;
    let allergies: Vec<KnownAllergy> = conditions::allergies_of(conn, &patient.id)?
        .into_iter()
        .filter(|a| a.error.is_none())
        .map(|a| KnownAllergy {
            substance: a.substance,
            reaction: a.reaction,
            severity: a.severity.to_string(),
        })
        .collect();
    let active: Vec<ActiveMedicine> = store::active_of_patient(conn, &patient.id)?
        .into_iter()
        .filter(|p| p.timing().current(now))
        .map(|p| ActiveMedicine {
            generic: p.generic_name.clone(),
            label: p.label(),
            prescribed_at: p.prescribed_at,
        })
        .collect();
    let dose_label = input.dose.to_string();
    let child = ChildDose {
        age_years: age_years(patient.details.birth_date, clock.today()),
        max_mcg_per_kg: paed_max,
        dose_ng: dose_nanograms(input.dose, strength),
        dose_label: &dose_label,
        weight: store::latest_weight(conn, &patient.id)?,
        weight_valid_days,
        now,
    };
    let findings: Vec<Finding> = [
        checks::allergy_check(&allergies, &generic),
        checks::duplicate_check(&active, &generic),
        checks::paediatric_check(&child),
    ]
    .into_iter()
    .flatten()
    .collect();
    let label = format!(
        "{medicine} {} {} {}",
        input.dose,
        input.route.label(),
        course.frequency.short()
    );
    Ok(Prepared {
        patient: patient.id,
        mrn: patient.mrn,
        admission,
        item,
        outside_name,
        generic,
        label,
        course,
        instructions,
        computed,
        quantity,
        quantity_reason,
        starts_at,
        item_unit: unit,
        findings,
    })
}

/// The computed quantity and the checks of an order as typed, for the
/// form (nothing is written).
pub fn review(db: &Db, by: &Session, input: &PrescriptionInput, clock: Clock) -> Result<Review> {
    by.require(Permission::Prescribe, "prescribe")?;
    let p = prepare(
        db.conn(),
        by,
        input,
        db.settings()?.weight_valid_days,
        clock,
    )?;
    Ok(Review {
        computed_quantity: p.computed,
        item_unit: p.item_unit,
        findings: p.findings,
    })
}

/// Writes a prescription. Refused unless every check that fails has an
/// override with a typed reason; the overrides are kept with it.
pub fn prescribe(
    db: &mut Db,
    by: &Session,
    input: &PrescriptionInput,
    clock: Clock,
) -> Result<Prescription> {
    let weight_valid_days = db.settings()?.weight_valid_days;
    clinical::write(db, by, Permission::Prescribe, "prescribe", |tx| {
        let p = prepare(tx, by, input, weight_valid_days, clock)?;
        let mut kept = Vec::new();
        let mut missing = Vec::new();
        for f in &p.findings {
            let reason = input
                .overrides
                .iter()
                .find(|(k, _)| *k == f.kind)
                .map(|(_, r)| r.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|r| !r.is_empty());
            match reason {
                Some(r) if r.chars().count() > MAX_REASON => {
                    return Err(Error::Refused(format!(
                        "the reason for overriding the {} check is too long: at most {MAX_REASON} characters",
                        f.kind.label()
                    )));
                }
                Some(r) => kept.push((f, r)),
                None => missing.push(format!("{}: {}", f.kind.label(), f.reason)),
            }
        }
        if !missing.is_empty() {
            return Err(Error::Refused(format!(
                "not prescribed: {}. Change the order, or override each check with a reason",
                missing.join("; ")
            )));
        }
        let id = store::insert(
            tx,
            &NewPrescription {
                visit: &input.visit,
                patient: &p.patient,
                admission: p.admission.as_ref(),
                prescriber: &by.user.id,
                item: p.item.as_deref(),
                outside_name: p.outside_name.as_deref(),
                generic_name: &p.generic,
                dose: input.dose,
                route: input.route,
                course: &p.course,
                instructions: &p.instructions,
                quantity_computed: p.computed,
                quantity: p.quantity,
                quantity_reason: p.quantity_reason.as_deref(),
                priority: if p.course.frequency == Frequency::Stat {
                    Priority::Stat
                } else {
                    input.priority
                },
                starts_at: p.starts_at,
            },
            clock.now,
        )?;
        let mut events = vec![event(
            AuditAction::Prescribe,
            "prescription",
            &id,
            &p.patient,
            format!(
                "prescribed for {}: {}{}",
                p.mrn,
                p.label,
                if p.item.is_some() {
                    format!(", {} {} to dispense", p.quantity, p.item_unit)
                } else {
                    ", bought outside".to_string()
                }
            ),
        )];
        for (f, reason) in kept {
            store::insert_override(tx, &id, f.kind, &f.reason, &reason)?;
            events.push(event(
                AuditAction::OverrideCheck,
                "prescription",
                &id,
                &p.patient,
                format!(
                    "{} check overridden ({}): {reason}",
                    f.kind.label(),
                    f.reason
                ),
            ));
        }
        let rx = store::get(tx, &id)?
            .ok_or_else(|| Error::NotFound("the new prescription vanished".into()))?;
        Ok((rx, events))
    })
}

fn get(conn: &Connection, id: &Id) -> Result<Prescription> {
    store::get(conn, id)?
        .ok_or_else(|| Error::NotFound("that prescription is not in this hospital file".into()))
}

/// Stops an active prescription, with a reason.
pub fn stop(
    db: &mut Db,
    by: &Session,
    id: &Id,
    reason: &str,
    clock: Clock,
) -> Result<Prescription> {
    let reason = check_text(reason, "reason for stopping", true, MAX_REASON).map_err(refused)?;
    clinical::write(db, by, Permission::Prescribe, "stop prescriptions", |tx| {
        let rx = get(tx, id)?;
        clinical::require_whole_record(tx, by, &rx.patient_id, clock)?;
        if rx.status != Status::Active
            || !store::end(tx, id, Status::Stopped, &by.user.id, &reason, clock.now)?
        {
            return Err(Error::Refused(format!(
                "{} is {} already",
                rx.medicine, rx.status
            )));
        }
        let after = get(tx, id)?;
        let e = event(
            AuditAction::StopPrescription,
            "prescription",
            id,
            &rx.patient_id,
            format!("stopped {}: {reason}", rx.label()),
        );
        Ok((after, vec![e]))
    })
}

/// A patient's medicines: those that run now, and the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Medicines {
    /// Active and within their course, oldest first.
    pub current: Vec<Prescription>,
    /// Stopped, completed, or with their course run out, newest first.
    pub past: Vec<Prescription>,
}

/// Whether `by` may see the patient's medicines: a doctor or nurse with
/// the record open, or a pharmacist (medication safety).
fn require_medicines(conn: &Connection, by: &Session, patient: &Id, clock: Clock) -> Result<()> {
    clinical::open_sections(conn, by, patient, clock).map(|_| ())
}

/// The patient's current and past medicines.
pub fn medicines_of(db: &Db, by: &Session, patient: &Id, clock: Clock) -> Result<Medicines> {
    by.require(Permission::FindPatients, "open patient records")?;
    require_medicines(db.conn(), by, patient, clock)?;
    let all = store::of_patient(db.conn(), patient, LISTED)?;
    let (mut current, past): (Vec<_>, Vec<_>) = all
        .into_iter()
        .partition(|p| p.status == Status::Active && p.timing().current(clock.now));
    current.reverse();
    Ok(Medicines { current, past })
}

/// One prescription with the checks overridden when it was written.
pub fn open(
    db: &Db,
    by: &Session,
    id: &Id,
    clock: Clock,
) -> Result<(Prescription, Vec<Overridden>)> {
    let rx = get(db.conn(), id)?;
    require_medicines(db.conn(), by, &rx.patient_id, clock)?;
    let o = store::overrides(db.conn(), id)?;
    Ok((rx, o))
}

/// Sets (or clears) the formulary's paediatric maximum of an item, in
/// micrograms per kg in one dose.
pub fn set_paediatric_max(
    db: &mut Db,
    by: &Session,
    item: &str,
    mcg_per_kg: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    by.require(Permission::ManageStock, "change the formulary")?;
    if let Some(m) = mcg_per_kg
        && !(1..=1_000_000).contains(&m)
    {
        return Err(Error::Refused(
            "the maximum must be from 0.001 to 1000 mg/kg a dose".into(),
        ));
    }
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::ManageStock, "change the formulary")?;
        let it = crate::store::pharmacy::get_item(tx, item)?.ok_or_else(|| {
            Error::NotFound("that item is not in this hospital's catalogue".into())
        })?;
        store::set_paediatric_max(tx, item, mcg_per_kg, now)?;
        let what = match mcg_per_kg {
            Some(m) => format!("{} mg/kg a dose", crate::domain::prescribing::show_milli(m)),
            None => "none".to_string(),
        };
        let e = AuditEvent::new(
            AuditAction::Update,
            "stock_item",
            format!(
                "catalogue: {} paediatric maximum set to {what}",
                it.details.label()
            ),
        )
        .on(item);
        Ok::<_, Error>(((), vec![e]))
    })
}

/// Completes the active orders of an admission being discharged, in the
/// discharge's own transaction; returns their audit events.
pub(crate) fn complete_at_discharge(
    tx: &Transaction,
    by: &Id,
    admission: &Id,
    now: DateTime<Utc>,
) -> Result<Vec<AuditEvent>> {
    let mut events = Vec::new();
    for rx in store::of_admission(tx, admission, true)? {
        if store::end(tx, &rx.id, Status::Completed, by, "patient discharged", now)? {
            events.push(event(
                AuditAction::CompletePrescription,
                "prescription",
                &rx.id,
                &rx.patient_id,
                format!("completed at discharge: {}", rx.label()),
            ));
        }
    }
    Ok(events)
}
