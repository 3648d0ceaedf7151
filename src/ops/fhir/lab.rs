//! The laboratory's part of the record's FHIR bundle. An order (one
//! specimen, one accession number) becomes a ServiceRequest per test, the
//! tests of one order sharing its accession number as their `requisition`
//! (FHIR's way of grouping the requests made together); its Specimen
//! (the accession number as `accessionIdentifier`, `unsatisfactory` with
//! the reason when rejected); an Observation per verified result (category
//! laboratory, LOINC-coded, the value as a UCUM quantity, a coded choice or
//! text, the v3 interpretation, the reference range the flag was made
//! against; `corrected` for a correction); and a DiagnosticReport (category
//! LAB) gathering the order's results. Unverified values never leave the
//! file: a clinician does not see them either.

use super::{LOINC, SNOMED, UCUM, by_name, coding, derived_id, entry, instant, reference};
use crate::domain::lab::order::{OrderStatus, RejectReason};
use crate::domain::lab::{Analyte, ResultType};
use crate::ops::lab::{LabOrder, LabResult, OrderDetail, TestResults};
use serde_json::{Value, json};
use std::collections::HashSet;

const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
const INTERPRETATION: &str = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
const REPORT_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/v2-0074";
const SPECIMEN_CONDITION: &str = "http://terminology.hl7.org/CodeSystem/v2-0493";
/// SNOMED CT "Laboratory procedure", the requests' category.
const LABORATORY_PROCEDURE: &str = "108252007";
/// LOINC "Laboratory report", the reports' code.
const LABORATORY_REPORT: &str = "11502-2";

/// How many resources of each kind the orders gave.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LabCounts {
    pub service_requests: usize,
    pub specimens: usize,
    pub observations: usize,
    pub reports: usize,
}

fn request_id(o: &LabOrder, test: &str) -> String {
    derived_id(o.id.as_str(), &format!("service-request:{test}"))
}

fn specimen_id(o: &LabOrder) -> String {
    derived_id(o.id.as_str(), "specimen")
}

fn report_id(o: &LabOrder) -> String {
    derived_id(o.id.as_str(), "diagnostic-report")
}

fn accession_identifier(o: &LabOrder, hospital: &str) -> Value {
    json!({
        "system": format!("urn:wardline:{}:accession", hospital),
        "value": o.accession.to_string(),
    })
}

/// The request's status: still active while the lab works, completed once
/// verified, revoked when cancelled or its specimen rejected.
fn request_status(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Verified => "completed",
        OrderStatus::Rejected | OrderStatus::Cancelled => "revoked",
        _ => "active",
    }
}

/// A test's code: the LOINC code of a single-analyte test (the catalogue
/// gives LOINC per analyte, so a panel keeps the hospital's own code)
/// beside the hospital's code, with the test's name as text.
fn test_code(t: &TestResults, hospital: &str) -> Value {
    let mut codings = Vec::new();
    if let [a] = t.analytes.as_slice()
        && let Some(loinc) = &a.analyte.loinc
    {
        codings.push(coding(LOINC, loinc, &a.analyte.name));
    }
    codings.push(coding(
        &format!("urn:wardline:{}:lab-tests", hospital),
        &t.test.code,
        &t.test.name,
    ));
    json!({ "coding": codings, "text": t.test.name })
}

fn notes(texts: &[String]) -> Option<Value> {
    let notes: Vec<Value> = texts
        .iter()
        .filter(|t| !t.trim().is_empty())
        .map(|t| json!({ "text": t }))
        .collect();
    (!notes.is_empty()).then(|| json!(notes))
}

/// Why an order ended, in words (`specimen rejected (haemolysed) by … at …`).
fn end_text(o: &LabOrder) -> Option<String> {
    let at = o.ended_at?;
    let by = o.ended_by_name.as_deref().unwrap_or("unknown");
    let what = match o.reject_reason {
        Some(r) => format!("specimen rejected ({})", r.label()),
        None => "cancelled".to_string(),
    };
    let note = o
        .end_note
        .as_deref()
        .map(|n| format!(": {n}"))
        .unwrap_or_default();
    Some(format!("{what} by {by} at {}{note}", instant(at)))
}

/// The order's encounter, when the bundle holds it.
fn encounter_of<'a>(o: &'a LabOrder, encounters: &HashSet<&str>) -> Option<&'a str> {
    o.visit_id
        .as_ref()
        .map(|v| v.as_str())
        .filter(|v| encounters.contains(v))
}

fn service_request(
    o: &LabOrder,
    t: &TestResults,
    patient: &str,
    hospital: &str,
    encounters: &HashSet<&str>,
    specimen: bool,
) -> Value {
    let id = request_id(o, &t.test.code);
    let mut r = json!({
        "resourceType": "ServiceRequest",
        "id": id,
        "requisition": accession_identifier(o, hospital),
        "status": request_status(o.status),
        "intent": "order",
        "category": [{
            "coding": [coding(SNOMED, LABORATORY_PROCEDURE, "Laboratory procedure")],
        }],
        "priority": o.priority.to_string(),
        "code": test_code(t, hospital),
        "subject": reference(patient),
        "authoredOn": instant(o.ordered_at),
        "requester": by_name(&o.ordered_by_name),
    });
    if let Some(v) = encounter_of(o, encounters) {
        r["encounter"] = reference(v);
    }
    if specimen {
        r["specimen"] = json!([reference(&specimen_id(o))]);
    }
    let texts: Vec<String> = [Some(o.clinical_notes.clone()), end_text(o)]
        .into_iter()
        .flatten()
        .collect();
    if let Some(n) = notes(&texts) {
        r["note"] = n;
    }
    entry(&id, r)
}

/// The HL7 v2 specimen condition of a rejection reason, where the table
/// has one.
fn condition_code(reason: RejectReason) -> Option<(&'static str, &'static str)> {
    match reason {
        RejectReason::Haemolysed => Some(("HEM", "Hemolyzed")),
        RejectReason::Clotted => Some(("CLOT", "Clotted")),
        RejectReason::Contaminated => Some(("CON", "Contaminated")),
        _ => None,
    }
}

/// The specimen of an order collected or rejected (an order still waiting
/// or cancelled has none yet).
fn specimen(d: &OrderDetail, patient: &str, hospital: &str) -> Option<Value> {
    let o = &d.order;
    if o.collected_at.is_none() && o.reject_reason.is_none() {
        return None;
    }
    let id = specimen_id(o);
    let requests: Vec<Value> = d
        .tests
        .iter()
        .map(|t| reference(&request_id(o, &t.test.code)))
        .collect();
    let mut r = json!({
        "resourceType": "Specimen",
        "id": id,
        "accessionIdentifier": accession_identifier(o, hospital),
        "status": if o.reject_reason.is_some() { "unsatisfactory" } else { "available" },
        "type": { "text": o.specimen },
        "subject": reference(patient),
        "request": requests,
    });
    if let Some(at) = o.collected_at {
        let by = o.collected_by_name.as_deref().unwrap_or("");
        r["collection"] = json!({ "collector": by_name(by), "collectedDateTime": instant(at) });
    }
    if let Some(reason) = o.reject_reason {
        let mut condition = json!({ "text": reason.label() });
        if let Some((code, display)) = condition_code(reason) {
            condition["coding"] = json!([coding(SPECIMEN_CONDITION, code, display)]);
        }
        r["condition"] = json!([condition]);
        if let Some(n) = notes(&end_text(o).into_iter().collect::<Vec<_>>()) {
            r["note"] = n;
        }
    }
    Some(entry(&id, r))
}

/// The v3 ObservationInterpretation of a flag; `N` within the range, none
/// when there was no range to compare with.
fn interpretation(flag: &str, has_range: bool) -> Option<Value> {
    let (code, display) = match flag {
        "L" => ("L", "Low"),
        "H" => ("H", "High"),
        "LL" => ("LL", "Critical low"),
        "HH" => ("HH", "Critical high"),
        "A" => ("A", "Abnormal"),
        "" if has_range => ("N", "Normal"),
        _ => return None,
    };
    Some(json!([{ "coding": [coding(INTERPRETATION, code, display)] }]))
}

fn quantity(value: f64, unit: Option<&str>) -> Value {
    match unit.filter(|u| !u.is_empty()) {
        Some(u) => json!({ "value": value, "unit": u, "system": UCUM, "code": u }),
        None => json!({ "value": value }),
    }
}

/// A verified result as an Observation: `final`, or `corrected` when it
/// corrects an earlier version.
fn observation(
    o: &LabOrder,
    test: &str,
    a: &Analyte,
    res: &LabResult,
    patient: &str,
    encounters: &HashSet<&str>,
) -> Value {
    let mut code = json!({ "text": a.name });
    if let Some(loinc) = &a.loinc {
        code["coding"] = json!([coding(LOINC, loinc, &a.name)]);
    }
    let mut r = json!({
        "resourceType": "Observation",
        "id": res.id.as_str(),
        "basedOn": [reference(&request_id(o, test))],
        "status": if res.corrects_id.is_some() { "corrected" } else { "final" },
        "category": [{
            "coding": [coding(OBSERVATION_CATEGORY, "laboratory", "Laboratory")],
        }],
        "code": code,
        "subject": reference(patient),
        "performer": [by_name(res.verified_by_name.as_deref().unwrap_or(""))],
        "specimen": reference(&specimen_id(o)),
    });
    if let Some(at) = res.verified_at {
        r["issued"] = json!(instant(at));
    }
    if let Some(at) = o.collected_at {
        r["effectiveDateTime"] = json!(instant(at));
    }
    if let Some(v) = encounter_of(o, encounters) {
        r["encounter"] = reference(v);
    }
    match (&a.kind, res.number) {
        (ResultType::Number { .. }, Some(n)) => {
            r["valueQuantity"] = quantity(n, a.unit.as_deref());
        }
        (ResultType::Choice { .. }, _) => {
            r["valueCodeableConcept"] = json!({ "text": res.value });
        }
        _ => r["valueString"] = json!(res.value),
    }
    let has_range = res.range_low.is_some() || res.range_high.is_some();
    if let Some(i) = interpretation(&res.flag, has_range) {
        r["interpretation"] = i;
    }
    if has_range {
        let mut range = json!({});
        if let Some(l) = res.range_low {
            range["low"] = quantity(l, a.unit.as_deref());
        }
        if let Some(h) = res.range_high {
            range["high"] = quantity(h, a.unit.as_deref());
        }
        r["referenceRange"] = json!([range]);
    }
    if let Some(reason) = &res.correction_reason {
        r["note"] = json!([{ "text": format!("corrected: {reason}") }]);
    }
    entry(res.id.as_str(), r)
}

/// The report's status: final once the order is verified (corrected when
/// a result was corrected), partial while some results wait, cancelled for
/// a rejected specimen.
fn report_status(o: &LabOrder, corrected: bool) -> &'static str {
    match (o.status, corrected) {
        (OrderStatus::Rejected, _) => "cancelled",
        (OrderStatus::Verified, false) => "final",
        (OrderStatus::Verified, true) => "corrected",
        _ => "partial",
    }
}

fn diagnostic_report(
    d: &OrderDetail,
    results: &[&LabResult],
    patient: &str,
    encounters: &HashSet<&str>,
) -> Value {
    let o = &d.order;
    let id = report_id(o);
    let names: Vec<&str> = d.tests.iter().map(|t| t.test.name.as_str()).collect();
    let requests: Vec<Value> = d
        .tests
        .iter()
        .map(|t| reference(&request_id(o, &t.test.code)))
        .collect();
    let corrected = results.iter().any(|r| r.corrects_id.is_some());
    let mut r = json!({
        "resourceType": "DiagnosticReport",
        "id": id,
        "basedOn": requests,
        "status": report_status(o, corrected),
        "category": [{ "coding": [coding(REPORT_CATEGORY, "LAB", "Laboratory")] }],
        "code": {
            "coding": [coding(LOINC, LABORATORY_REPORT, "Laboratory report")],
            "text": format!("{}: {}", o.accession, names.join(", ")),
        },
        "subject": reference(patient),
        "specimen": [reference(&specimen_id(o))],
        "result": results.iter().map(|res| reference(res.id.as_str())).collect::<Vec<_>>(),
    });
    if let Some(at) = o.collected_at {
        r["effectiveDateTime"] = json!(instant(at));
    }
    if let Some(at) = results.iter().filter_map(|res| res.verified_at).max() {
        r["issued"] = json!(instant(at));
    }
    if let Some(v) = encounter_of(o, encounters) {
        r["encounter"] = reference(v);
    }
    if let Some(why) = end_text(o).filter(|_| o.reject_reason.is_some()) {
        r["conclusion"] = json!(why);
    }
    entry(&id, r)
}

/// The entries of the patient's lab orders, in the order given: per order
/// its requests, its specimen, its verified results and their report.
/// `hospital` is the hospital's code (for the identifiers' systems).
pub fn of_orders(
    orders: &[OrderDetail],
    patient: &str,
    hospital: &str,
    encounters: &HashSet<&str>,
) -> (Vec<Value>, LabCounts) {
    let mut out = Vec::new();
    let mut n = LabCounts::default();
    for d in orders {
        let o = &d.order;
        let spec = specimen(d, patient, hospital);
        for t in &d.tests {
            out.push(service_request(
                o,
                t,
                patient,
                hospital,
                encounters,
                spec.is_some(),
            ));
            n.service_requests += 1;
        }
        if let Some(s) = spec {
            out.push(s);
            n.specimens += 1;
        }
        let mut results = Vec::new();
        for t in &d.tests {
            for a in &t.analytes {
                if let Some(res) = a.current.as_ref().filter(|r| r.is_verified()) {
                    out.push(observation(
                        o,
                        &t.test.code,
                        &a.analyte,
                        res,
                        patient,
                        encounters,
                    ));
                    n.observations += 1;
                    results.push(res);
                }
            }
        }
        if !results.is_empty() || o.reject_reason.is_some() {
            out.push(diagnostic_report(d, &results, patient, encounters));
            n.reports += 1;
        }
    }
    (out, n)
}
