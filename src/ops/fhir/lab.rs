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
use crate::domain::lab::{Analyte, ResultType};
use crate::domain::prescribing::Priority;
use chrono::{DateTime, Utc};
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

/// One order as the export needs it.
#[derive(Debug, Clone)]
pub struct OrderFacts {
    pub id: String,
    /// With its check character (`LAB-000123-K`).
    pub accession: String,
    pub visit_id: Option<String>,
    pub ordered_by: String,
    pub ordered_at: DateTime<Utc>,
    pub priority: Priority,
    /// As stored: `ordered`, `collected`, `in_progress`, `resulted`,
    /// `verified`, `rejected`, `cancelled`.
    pub status: String,
    pub specimen: String,
    pub clinical_notes: String,
    pub collected: Option<(DateTime<Utc>, String)>,
    /// When it was rejected or cancelled, and by whom.
    pub ended: Option<(DateTime<Utc>, String)>,
    /// The stored reason word (`haemolysed`) and its words for people.
    pub reject_reason: Option<(String, String)>,
    pub end_note: Option<String>,
    pub tests: Vec<TestFacts>,
}

/// One test of an order, its analytes each with the result to export.
#[derive(Debug, Clone)]
pub struct TestFacts {
    pub code: String,
    pub name: String,
    pub analytes: Vec<(Analyte, Option<ResultFacts>)>,
}

/// A verified result (the newest verified version of its analyte).
#[derive(Debug, Clone)]
pub struct ResultFacts {
    pub id: String,
    pub value: String,
    pub number: Option<f64>,
    /// The stored flag letters (`""`, `L`, `H`, `LL`, `HH`, `A`).
    pub flag: String,
    pub range_low: Option<f64>,
    pub range_high: Option<f64>,
    pub verified_at: DateTime<Utc>,
    pub verified_by: String,
    /// The reason, when this version corrects an earlier one.
    pub correction: Option<String>,
}

/// How many resources of each kind the orders gave.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LabCounts {
    pub service_requests: usize,
    pub specimens: usize,
    pub observations: usize,
    pub reports: usize,
}

fn request_id(o: &OrderFacts, test: &str) -> String {
    derived_id(&o.id, &format!("service-request:{test}"))
}

fn specimen_id(o: &OrderFacts) -> String {
    derived_id(&o.id, "specimen")
}

fn report_id(o: &OrderFacts) -> String {
    derived_id(&o.id, "diagnostic-report")
}

fn accession_identifier(o: &OrderFacts, hospital: &str) -> Value {
    json!({
        "system": format!("urn:wardline:{}:accession", hospital.to_ascii_lowercase()),
        "value": o.accession,
    })
}

/// The request's status: still active while the lab works, completed once
/// verified, revoked when cancelled or its specimen rejected.
fn request_status(status: &str) -> &'static str {
    match status {
        "verified" => "completed",
        "rejected" | "cancelled" => "revoked",
        _ => "active",
    }
}

/// A test's code: the LOINC code of a single-analyte test (the catalogue
/// gives LOINC per analyte, so a panel keeps the hospital's own code)
/// beside the hospital's code, with the test's name as text.
fn test_code(t: &TestFacts, hospital: &str) -> Value {
    let mut codings = Vec::new();
    if let [(a, _)] = t.analytes.as_slice()
        && let Some(loinc) = &a.loinc
    {
        codings.push(coding(LOINC, loinc, &a.name));
    }
    codings.push(coding(
        &format!("urn:wardline:{}:lab-tests", hospital.to_ascii_lowercase()),
        &t.code,
        &t.name,
    ));
    json!({ "coding": codings, "text": t.name })
}

fn notes(texts: &[String]) -> Option<Value> {
    let notes: Vec<Value> = texts
        .iter()
        .filter(|t| !t.trim().is_empty())
        .map(|t| json!({ "text": t }))
        .collect();
    (!notes.is_empty()).then(|| json!(notes))
}

/// Why an order ended, in words (`specimen rejected by … at …: haemolysed`).
fn end_text(o: &OrderFacts) -> Option<String> {
    let (at, by) = o.ended.as_ref()?;
    let what = match &o.reject_reason {
        Some((_, words)) => format!("specimen rejected ({words})"),
        None => "cancelled".to_string(),
    };
    let note = o
        .end_note
        .as_deref()
        .map(|n| format!(": {n}"))
        .unwrap_or_default();
    Some(format!("{what} by {by} at {}{note}", instant(*at)))
}

fn service_request(
    o: &OrderFacts,
    t: &TestFacts,
    patient: &str,
    hospital: &str,
    encounters: &HashSet<&str>,
    specimen: bool,
) -> Value {
    let id = request_id(o, &t.code);
    let mut r = json!({
        "resourceType": "ServiceRequest",
        "id": id,
        "requisition": accession_identifier(o, hospital),
        "status": request_status(&o.status),
        "intent": "order",
        "category": [{
            "coding": [coding(SNOMED, LABORATORY_PROCEDURE, "Laboratory procedure")],
        }],
        "priority": o.priority.to_string(),
        "code": test_code(t, hospital),
        "subject": reference(patient),
        "authoredOn": instant(o.ordered_at),
        "requester": by_name(&o.ordered_by),
    });
    if let Some(v) = o.visit_id.as_deref().filter(|v| encounters.contains(v)) {
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
fn condition_code(reason: &str) -> Option<(&'static str, &'static str)> {
    match reason {
        "haemolysed" => Some(("HEM", "Hemolyzed")),
        "clotted" => Some(("CLOT", "Clotted")),
        "contaminated" => Some(("CON", "Contaminated")),
        _ => None,
    }
}

/// The specimen of an order collected or rejected (an order still waiting
/// or cancelled has none yet).
fn specimen(o: &OrderFacts, patient: &str, hospital: &str) -> Option<Value> {
    if o.collected.is_none() && o.reject_reason.is_none() {
        return None;
    }
    let id = specimen_id(o);
    let requests: Vec<Value> = o
        .tests
        .iter()
        .map(|t| reference(&request_id(o, &t.code)))
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
    if let Some((at, by)) = &o.collected {
        r["collection"] = json!({ "collector": by_name(by), "collectedDateTime": instant(*at) });
    }
    if let Some((word, words)) = &o.reject_reason {
        let mut condition = json!({ "text": words });
        if let Some((code, display)) = condition_code(word) {
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

fn observation(
    o: &OrderFacts,
    t: &TestFacts,
    a: &Analyte,
    res: &ResultFacts,
    patient: &str,
    encounters: &HashSet<&str>,
) -> Value {
    let mut code = json!({ "text": a.name });
    if let Some(loinc) = &a.loinc {
        code["coding"] = json!([coding(LOINC, loinc, &a.name)]);
    }
    let mut r = json!({
        "resourceType": "Observation",
        "id": res.id,
        "basedOn": [reference(&request_id(o, &t.code))],
        "status": if res.correction.is_some() { "corrected" } else { "final" },
        "category": [{
            "coding": [coding(OBSERVATION_CATEGORY, "laboratory", "Laboratory")],
        }],
        "code": code,
        "subject": reference(patient),
        "issued": instant(res.verified_at),
        "performer": [by_name(&res.verified_by)],
        "specimen": reference(&specimen_id(o)),
    });
    if let Some((at, _)) = &o.collected {
        r["effectiveDateTime"] = json!(instant(*at));
    }
    if let Some(v) = o.visit_id.as_deref().filter(|v| encounters.contains(v)) {
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
    if let Some(reason) = &res.correction {
        r["note"] = json!([{ "text": format!("corrected: {reason}") }]);
    }
    entry(&res.id, r)
}

/// The report's status: final once the order is verified (corrected when
/// a result was corrected since), partial while some results wait,
/// cancelled for a rejected specimen.
fn report_status(o: &OrderFacts, corrected: bool) -> &'static str {
    match (o.status.as_str(), corrected) {
        ("rejected", _) => "cancelled",
        ("verified", false) => "final",
        ("verified", true) => "corrected",
        _ => "partial",
    }
}

fn diagnostic_report(
    o: &OrderFacts,
    results: &[&ResultFacts],
    patient: &str,
    encounters: &HashSet<&str>,
) -> Value {
    let id = report_id(o);
    let names: Vec<&str> = o.tests.iter().map(|t| t.name.as_str()).collect();
    let corrected = results.iter().any(|r| r.correction.is_some());
    let mut r = json!({
        "resourceType": "DiagnosticReport",
        "id": id,
        "basedOn": o.tests.iter().map(|t| reference(&request_id(o, &t.code))).collect::<Vec<_>>(),
        "status": report_status(o, corrected),
        "category": [{ "coding": [coding(REPORT_CATEGORY, "LAB", "Laboratory")] }],
        "code": {
            "coding": [coding(LOINC, LABORATORY_REPORT, "Laboratory report")],
            "text": format!("{}: {}", o.accession, names.join(", ")),
        },
        "subject": reference(patient),
        "specimen": [reference(&specimen_id(o))],
        "result": results.iter().map(|res| reference(&res.id)).collect::<Vec<_>>(),
    });
    if let Some((at, _)) = &o.collected {
        r["effectiveDateTime"] = json!(instant(*at));
    }
    if let Some(at) = results.iter().map(|res| res.verified_at).max() {
        r["issued"] = json!(instant(at));
    }
    if let Some(v) = o.visit_id.as_deref().filter(|v| encounters.contains(v)) {
        r["encounter"] = reference(v);
    }
    if let Some(why) = end_text(o).filter(|_| o.reject_reason.is_some()) {
        r["conclusion"] = json!(why);
    }
    entry(&id, r)
}

/// The entries of the patient's lab orders, oldest first: per order its
/// requests, its specimen, its verified results and their report.
/// `hospital` is the hospital's code (for the identifiers' systems).
pub fn of_orders(
    orders: &[OrderFacts],
    patient: &str,
    hospital: &str,
    encounters: &HashSet<&str>,
) -> (Vec<Value>, LabCounts) {
    let mut out = Vec::new();
    let mut n = LabCounts::default();
    for o in orders {
        let spec = specimen(o, patient, hospital);
        for t in &o.tests {
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
        for t in &o.tests {
            for (a, res) in &t.analytes {
                if let Some(res) = res {
                    out.push(observation(o, t, a, res, patient, encounters));
                    n.observations += 1;
                    results.push(res);
                }
            }
        }
        if !results.is_empty() || o.reject_reason.is_some() {
            out.push(diagnostic_report(o, &results, patient, encounters));
            n.reports += 1;
        }
    }
    (out, n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    const PATIENT: &str = "0190c5a0-0000-7000-8000-000000000001";
    const VISIT: &str = "0190c5a0-0000-7000-8000-000000000002";

    fn potassium() -> Analyte {
        Analyte {
            code: "K".into(),
            name: "Potassium".into(),
            loinc: Some("2823-3".into()),
            unit: Some("mmol/L".into()),
            kind: ResultType::Number {
                decimals: 1,
                min: 0.0,
                max: 20.0,
            },
            ranges: Vec::new(),
            critical_low: Some(2.5),
            critical_high: Some(6.5),
        }
    }

    fn malaria() -> Analyte {
        Analyte {
            code: "MRDT".into(),
            name: "Malaria RDT".into(),
            loinc: Some("70569-9".into()),
            unit: None,
            kind: ResultType::Choice {
                options: vec!["negative".into(), "positive".into()],
                abnormal: vec!["positive".into()],
            },
            ranges: Vec::new(),
            critical_low: None,
            critical_high: None,
        }
    }

    fn at(m: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 9, 14, 0, 0).unwrap() + Duration::minutes(m)
    }

    fn order(n: u8, status: &str) -> OrderFacts {
        OrderFacts {
            id: format!("0190c5a0-0000-7000-8000-0000000001{n:02}"),
            accession: format!("LAB-0000{n:02}-X"),
            visit_id: Some(VISIT.into()),
            ordered_by: "Dr. Aisha Rahman".into(),
            ordered_at: at(0),
            priority: Priority::Stat,
            status: status.into(),
            specimen: "serum".into(),
            clinical_notes: "weak, on diuretics".into(),
            collected: Some((at(10), "Lara Lab".into())),
            ended: None,
            reject_reason: None,
            end_note: None,
            tests: Vec::new(),
        }
    }

    fn result(id: &str, value: &str, number: Option<f64>, flag: &str) -> ResultFacts {
        ResultFacts {
            id: id.into(),
            value: value.into(),
            number,
            flag: flag.into(),
            range_low: number.map(|_| 3.5),
            range_high: number.map(|_| 5.1),
            verified_at: at(40),
            verified_by: "Lou Lab".into(),
            correction: None,
        }
    }

    fn kinds(entries: &[Value]) -> Vec<String> {
        entries
            .iter()
            .map(|e| {
                e["resource"]["resourceType"]
                    .as_str()
                    .unwrap_or("")
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn a_verified_order_gives_requests_specimen_results_and_report() {
        let mut o = order(1, "verified");
        o.tests = vec![
            TestFacts {
                code: "K".into(),
                name: "Potassium".into(),
                analytes: vec![(
                    potassium(),
                    Some(result(
                        "0190c5a0-0000-7000-8000-000000000201",
                        "6.9",
                        Some(6.9),
                        "HH",
                    )),
                )],
            },
            TestFacts {
                code: "MRDT".into(),
                name: "Malaria RDT".into(),
                analytes: vec![(
                    malaria(),
                    Some(result(
                        "0190c5a0-0000-7000-8000-000000000202",
                        "positive",
                        None,
                        "A",
                    )),
                )],
            },
        ];
        let encounters: HashSet<&str> = [VISIT].into();
        let (e, n) = of_orders(&[o], PATIENT, "TST", &encounters);
        assert_eq!(
            kinds(&e),
            [
                "ServiceRequest",
                "ServiceRequest",
                "Specimen",
                "Observation",
                "Observation",
                "DiagnosticReport"
            ]
        );
        assert_eq!(
            n,
            LabCounts {
                service_requests: 2,
                specimens: 1,
                observations: 2,
                reports: 1
            }
        );
        let sr = &e[0]["resource"];
        assert_eq!(sr["status"], "completed");
        assert_eq!(sr["priority"], "stat");
        assert_eq!(sr["code"]["coding"][0]["code"], "2823-3");
        assert_eq!(sr["requisition"]["value"], "LAB-000001-X");
        assert_eq!(sr["encounter"]["reference"], format!("urn:uuid:{VISIT}"));
        let spec = &e[2]["resource"];
        assert_eq!(spec["accessionIdentifier"]["value"], "LAB-000001-X");
        assert_eq!(spec["status"], "available");
        let k = &e[3]["resource"];
        assert_eq!(k["status"], "final");
        assert_eq!(k["valueQuantity"]["value"], 6.9);
        assert_eq!(k["valueQuantity"]["code"], "mmol/L");
        assert_eq!(k["interpretation"][0]["coding"][0]["code"], "HH");
        assert_eq!(k["referenceRange"][0]["high"]["value"], 5.1);
        let m = &e[4]["resource"];
        assert_eq!(m["valueCodeableConcept"]["text"], "positive");
        assert_eq!(m["interpretation"][0]["coding"][0]["code"], "A");
        let dr = &e[5]["resource"];
        assert_eq!(dr["status"], "final");
        assert_eq!(dr["category"][0]["coding"][0]["code"], "LAB");
        assert_eq!(dr["result"].as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn a_rejected_specimen_is_unsatisfactory_with_its_reason() {
        let mut o = order(2, "rejected");
        o.ended = Some((at(20), "Lara Lab".into()));
        o.reject_reason = Some(("haemolysed".into(), "haemolysed".into()));
        o.tests = vec![TestFacts {
            code: "K".into(),
            name: "Potassium".into(),
            analytes: vec![(potassium(), None)],
        }];
        let (e, n) = of_orders(&[o], PATIENT, "TST", &HashSet::new());
        assert_eq!(
            kinds(&e),
            ["ServiceRequest", "Specimen", "DiagnosticReport"]
        );
        assert_eq!(n.observations, 0);
        assert_eq!(e[0]["resource"]["status"], "revoked");
        assert!(e[0]["resource"].get("encounter").is_none());
        let spec = &e[1]["resource"];
        assert_eq!(spec["status"], "unsatisfactory");
        assert_eq!(spec["condition"][0]["coding"][0]["code"], "HEM");
        assert_eq!(e[2]["resource"]["status"], "cancelled");
        let why = e[2]["resource"]["conclusion"].as_str().unwrap_or("");
        assert!(
            why.contains("specimen rejected (haemolysed) by Lara Lab"),
            "{why}"
        );
    }

    #[test]
    fn a_waiting_order_is_only_its_requests() {
        let mut o = order(3, "ordered");
        o.collected = None;
        o.tests = vec![TestFacts {
            code: "K".into(),
            name: "Potassium".into(),
            analytes: vec![(potassium(), None)],
        }];
        let (e, _) = of_orders(&[o], PATIENT, "TST", &HashSet::new());
        assert_eq!(kinds(&e), ["ServiceRequest"]);
        assert_eq!(e[0]["resource"]["status"], "active");
        assert!(e[0]["resource"].get("specimen").is_none());
    }
}
