//! A patient's prescriptions as FHIR resources: a MedicationRequest per
//! prescription (its dose, timing, route, quantity to dispense and the
//! overridden checks as notes), a MedicationDispense per dispense against
//! it, and a MedicationAdministration per record of a dose (not given ones
//! `not-done` with their reason; a record later corrected is
//! `entered-in-error`, its correction a new resource naming it). Medicines
//! carry text only: the formulary has no code system to cite.

use super::{SNOMED, UCUM, by_name, entry, instant, reference};
use crate::domain::prescribing::mar::Outcome;
use crate::domain::prescribing::{Dose, DoseUnit, Frequency, Priority, Route, Status, show_milli};
use crate::store::prescriptions::{Administration, Overridden, Prescription, RxDispense};
use serde_json::{Value, json};
use std::collections::HashSet;

/// A prescription with what the file holds against it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RxRecord {
    pub prescription: Prescription,
    pub overrides: Vec<Overridden>,
    pub dispenses: Vec<RxDispense>,
    /// Every record of doses, corrections included, in the order written.
    pub administrations: Vec<Administration>,
}

/// The SNOMED CT route codes that hold internationally; the others go as
/// text.
fn route(r: Route) -> Value {
    let code = match r {
        Route::Oral => Some(("26643006", "Oral route")),
        Route::Iv => Some(("47625008", "Intravenous route")),
        Route::Im => Some(("78421000", "Intramuscular route")),
        Route::Sc => Some(("34206005", "Subcutaneous route")),
        Route::Topical => Some(("6064005", "Topical route")),
        Route::Rectal => Some(("37161004", "Rectal route")),
        Route::Vaginal => Some(("16857009", "Vaginal route")),
        Route::Inhaled | Route::Other => None,
    };
    match code {
        Some((c, d)) => json!({
            "coding": [{ "system": SNOMED, "code": c, "display": d }],
            "text": r.label(),
        }),
        None => json!({ "text": r.label() }),
    }
}

/// The dose as a Quantity: UCUM for the units of mass and volume, the
/// unit's name otherwise.
fn dose_quantity(d: Dose) -> Value {
    let value: f64 = show_milli(d.milli)
        .parse()
        .unwrap_or(d.milli as f64 / 1000.0);
    let ucum = match d.unit {
        DoseUnit::Mg => Some("mg"),
        DoseUnit::G => Some("g"),
        DoseUnit::Mcg => Some("ug"),
        DoseUnit::Ml => Some("mL"),
        _ => None,
    };
    match ucum {
        Some(u) => json!({ "value": value, "unit": u, "system": UCUM, "code": u }),
        None => json!({ "value": value, "unit": d.unit.to_string() }),
    }
}

fn ucum_duration(value: u32, unit: &str) -> Value {
    json!({ "value": value, "unit": unit, "system": UCUM, "code": unit })
}

/// The timing of a course: how often in a period, for how many days.
fn timing(rx: &Prescription) -> Value {
    let c = &rx.course;
    let mut repeat = match c.frequency {
        Frequency::Once | Frequency::Stat => json!({ "count": 1 }),
        Frequency::Q4h => json!({ "frequency": 1, "period": 4, "periodUnit": "h" }),
        Frequency::Q6h => json!({ "frequency": 1, "period": 6, "periodUnit": "h" }),
        Frequency::Q8h => json!({ "frequency": 1, "period": 8, "periodUnit": "h" }),
        Frequency::Nocte => {
            json!({ "frequency": 1, "period": 1, "periodUnit": "d", "when": ["NIGHT"] })
        }
        Frequency::Weekly => json!({ "frequency": 1, "period": 1, "periodUnit": "wk" }),
        Frequency::Prn => json!({}),
        f => json!({ "frequency": f.per_day().unwrap_or(1), "period": 1, "periodUnit": "d" }),
    };
    if let Some(days) = c.duration_days {
        repeat["boundsDuration"] = ucum_duration(days, "d");
    }
    let mut t = json!({ "code": { "text": c.frequency.words() } });
    if repeat.as_object().is_some_and(|o| !o.is_empty()) {
        t["repeat"] = repeat;
    }
    t
}

fn medication(rx: &Prescription) -> Value {
    json!({ "text": format!("{} ({})", rx.generic_name, rx.medicine) })
}

fn dosage_instruction(rx: &Prescription) -> Value {
    let mut d = json!({
        "text": rx.label(),
        "timing": timing(rx),
        "route": route(rx.route),
        "doseAndRate": [{ "doseQuantity": dose_quantity(rx.dose) }],
    });
    if !rx.instructions.is_empty() {
        d["patientInstruction"] = json!(rx.instructions);
    }
    if rx.course.frequency == Frequency::Prn {
        match &rx.course.prn_indication {
            Some(i) => d["asNeededCodeableConcept"] = json!({ "text": i }),
            None => d["asNeededBoolean"] = json!(true),
        }
        if let Some(n) = rx.course.prn_max_daily {
            d["maxDosePerPeriod"] = json!({
                "numerator": { "value": n, "unit": "doses" },
                "denominator": ucum_duration(1, "d"),
            });
        }
    }
    d
}

fn request(r: &RxRecord, encounters: &HashSet<&str>) -> Value {
    let rx = &r.prescription;
    let status = match rx.status {
        Status::Active => "active",
        Status::Stopped => "stopped",
        Status::Completed => "completed",
    };
    let priority = match rx.priority {
        Priority::Stat => "stat",
        Priority::Urgent => "urgent",
        Priority::Routine => "routine",
    };
    let mut res = json!({
        "resourceType": "MedicationRequest",
        "id": rx.id.as_str(),
        "status": status,
        "intent": "order",
        "priority": priority,
        "medicationCodeableConcept": medication(rx),
        "subject": reference(rx.patient_id.as_str()),
        "authoredOn": instant(rx.prescribed_at),
        "requester": by_name(&rx.prescriber),
        "dosageInstruction": [dosage_instruction(rx)],
    });
    if encounters.contains(rx.visit_id.as_str()) {
        res["encounter"] = reference(rx.visit_id.as_str());
    }
    if !rx.outside() {
        res["dispenseRequest"] = json!({
            "quantity": { "value": rx.quantity, "unit": rx.item_unit },
        });
    }
    let mut notes: Vec<Value> = r
        .overrides
        .iter()
        .map(|o| {
            json!({ "text": format!(
                "{} check overridden ({}): {}",
                o.kind.label(),
                o.finding,
                o.reason
            ) })
        })
        .collect();
    if let Some(reason) = &rx.quantity_reason {
        notes.push(json!({ "text": format!("quantity: {reason}") }));
    }
    if let Some((at, by, why)) = &rx.ended {
        notes.push(json!({ "text": format!("{status} by {by} at {}: {why}", instant(*at)) }));
    }
    if !notes.is_empty() {
        res["note"] = json!(notes);
    }
    entry(rx.id.as_str(), res)
}

fn dispense(rx: &Prescription, d: &RxDispense) -> Value {
    let id = super::derived_id(rx.id.as_str(), &format!("dispense {}", d.seq));
    entry(
        &id,
        json!({
            "resourceType": "MedicationDispense",
            "id": id,
            "status": "completed",
            "medicationCodeableConcept": medication(rx),
            "subject": reference(rx.patient_id.as_str()),
            "performer": [{ "actor": by_name(&d.by) }],
            "authorizingPrescription": [reference(rx.id.as_str())],
            "quantity": { "value": d.quantity, "unit": rx.item_unit },
            "whenHandedOver": instant(d.at),
        }),
    )
}

fn administration(rx: &Prescription, a: &Administration, corrected: &HashSet<&str>) -> Value {
    let status = if corrected.contains(a.id.as_str()) {
        "entered-in-error"
    } else if a.outcome == Outcome::Given {
        "completed"
    } else {
        "not-done"
    };
    let mut res = json!({
        "resourceType": "MedicationAdministration",
        "id": a.id.as_str(),
        "status": status,
        "medicationCodeableConcept": medication(rx),
        "subject": reference(rx.patient_id.as_str()),
        "effectiveDateTime": instant(a.at),
        "performer": [{ "actor": by_name(&a.by) }],
        "request": reference(rx.id.as_str()),
        "dosage": {
            "route": route(rx.route),
            "dose": dose_quantity(rx.dose),
        },
    });
    if a.outcome != Outcome::Given {
        let why = a.reason.as_deref().unwrap_or_default();
        let text = if why.is_empty() {
            a.outcome.label().to_string()
        } else {
            format!("{}: {why}", a.outcome.label())
        };
        res["statusReason"] = json!([{ "text": text }]);
    }
    let mut notes = Vec::new();
    if let Some(due) = a.due_at {
        notes.push(json!({ "text": format!("dose due at {}", instant(due)) }));
    }
    if let Some(i) = &a.prn_indication {
        notes.push(json!({ "text": format!("given for: {i}") }));
    }
    if let Some((original, reason)) = &a.corrects {
        notes.push(
            json!({ "text": format!("corrects MedicationAdministration/{original}: {reason}") }),
        );
    }
    if !notes.is_empty() {
        res["note"] = json!(notes);
    }
    entry(a.id.as_str(), res)
}

/// The resources of the prescriptions, oldest first: each request, then
/// its dispenses and its records of doses. Returns the entries and how
/// many of each (requests, dispenses, administrations).
pub fn of_prescriptions(
    rxs: &[RxRecord],
    encounters: &HashSet<&str>,
) -> (Vec<Value>, (usize, usize, usize)) {
    let mut out = Vec::new();
    let mut n = (0, 0, 0);
    for r in rxs {
        out.push(request(r, encounters));
        n.0 += 1;
        for d in &r.dispenses {
            out.push(dispense(&r.prescription, d));
            n.1 += 1;
        }
        let corrected: HashSet<&str> = r
            .administrations
            .iter()
            .filter_map(|a| a.corrects.as_ref().map(|(id, _)| id.as_str()))
            .collect();
        for a in &r.administrations {
            out.push(administration(&r.prescription, a, &corrected));
            n.2 += 1;
        }
    }
    (out, n)
}
