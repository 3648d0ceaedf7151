//! The laboratory in the record's FHIR export, on a real hospital file with
//! fixed clocks: a patient's orders as ServiceRequests (grouped by their
//! accession number), Specimens (a rejected one unsatisfactory, with its
//! reason), Observations of verified results only (LOINC, UCUM, the v3
//! interpretation, the reference range; a correction `corrected`) and
//! DiagnosticReports; none of it in a pharmacist's export; the bundle
//! checked by the `fhir.resources` validator like the record's other tests.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::clinic::{self as fixture, Clinic};
use common::fhir::{references, validate};
use serde_json::Value;
use std::collections::HashSet;
use wardline::auth::Session;
use wardline::domain::beds::WardKind;
use wardline::domain::clock::Tz;
use wardline::domain::ids::Id;
use wardline::domain::lab::order::RejectReason;
use wardline::domain::prescribing::Priority;
use wardline::ops;
use wardline::ops::fhir::Exported;
use wardline::ops::lab::LabOrder;

const ZONE: Tz = chrono_tz::Africa::Nairobi;

/// 09:00 on Monday 9 March 2026 in Nairobi (UTC+3), plus `m` minutes.
fn t(m: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 9, 6, 0, 0).unwrap() + Duration::minutes(m)
}

struct Ward {
    c: Clinic,
    doctor: Session,
    pharm: Session,
    lab: Session,
    patient: Id,
}

impl Ward {
    fn order(&mut self, tests: &[&str], p: Priority, at: DateTime<Utc>) -> LabOrder {
        let (doctor, patient) = (self.doctor.clone(), self.patient.clone());
        let mut o = self.c.lab_order(&doctor, &patient, None, tests, p, at);
        assert_eq!(o.len(), 1, "one specimen");
        o.remove(0)
    }

    fn resulted(&mut self, tests: &[&str], values: &[(&str, &str)], at: DateTime<Utc>) -> LabOrder {
        let o = self.order(tests, Priority::Stat, at);
        let lab = self.lab.clone();
        self.c.collect(&lab, &o, at + Duration::minutes(5));
        self.c.results(&lab, &o, values, at + Duration::minutes(20));
        o
    }

    fn export(&mut self, by: &Session) -> (Value, Exported) {
        let mut out = Vec::new();
        let clock = self.c.clock(t(600));
        let n = ops::fhir::export_record(&mut self.c.db, by, &self.patient, &mut out, clock)
            .expect("the export");
        (serde_json::from_slice(&out).expect("JSON"), n)
    }
}

/// An admitted patient's morning: a critical potassium and a positive
/// malaria test verified; a urea verified, then corrected and the
/// correction verified; a glucose entered but not verified; a full blood
/// count rejected (clotted); a CRP waiting for collection.
fn ward() -> Ward {
    let early = t(-60 * 24 * 3);
    let mut c = Clinic::new(ZONE, early, early);
    c.staff(&[
        fixture::DOCTOR,
        fixture::NURSE,
        fixture::PHARMACIST,
        fixture::LAB_TECH,
        fixture::LAB_TECH_2,
        fixture::RECEPTIONIST,
    ]);
    let mut s = |n: &str| c.signed_in(n, early);
    let (doctor, nurse, pharm, lab, lab2, desk) = (
        s("doctor"),
        s("nurse"),
        s("pharm"),
        s("lab"),
        s("lab2"),
        s("desk"),
    );
    let ward = c.ward("Medical", WardKind::Medical);
    let bed = c.bed(&ward, "MED-01");
    let input = fixture::person("Wanjiru", "Kamau", "1958-11-02", "F");
    let p = fixture::register(&mut c.db, &desk, &input, early);
    let attending = doctor.user.id.clone();
    fixture::admit(
        &mut c.db, &nurse, &p.id, &bed, &attending, "weakness", early,
    );
    let mut w = Ward {
        c,
        doctor,
        pharm,
        lab: lab.clone(),
        patient: p.id,
    };
    let k = w.resulted(&["K"], &[("K", "6.9")], t(0));
    w.c.verify(&lab2, &k, t(40));
    let m = w.resulted(&["MRDT"], &[("MRDT", "positive")], t(10));
    w.c.verify(&lab2, &m, t(45));
    let urea = w.resulted(&["UREA"], &[("UREA", "14.0")], t(15));
    let d = w.c.verify(&lab2, &urea, t(50));
    let first = d
        .analyte("UREA")
        .and_then(|a| a.current.clone())
        .expect("the verified urea");
    let clock = w.c.clock(t(90));
    ops::lab::correct(
        &mut w.c.db,
        &lab,
        &first.id,
        "4.0",
        "typed 14.0 for 4.0",
        clock,
    )
    .expect("correct the urea");
    w.c.verify(&lab2, &urea, t(100));
    w.resulted(&["GLU"], &[("GLU", "5.4")], t(20));
    let fbc = w.order(&["FBC"], Priority::Urgent, t(30));
    w.c.collect(&lab, &fbc, t(35));
    let (clock, v) = (w.c.clock(t(60)), w.c.order_version(&fbc));
    ops::lab::reject(
        &mut w.c.db,
        &lab,
        &fbc.id,
        v,
        RejectReason::Clotted,
        Some("clot in the tube"),
        clock,
    )
    .expect("reject the clotted specimen");
    w.order(&["CRP"], Priority::Routine, t(70));
    w
}

fn of_type<'a>(b: &'a Value, kind: &str) -> Vec<&'a Value> {
    b["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == kind)
        .collect()
}

fn loinc(o: &Value) -> &str {
    o["code"]["coding"][0]["code"].as_str().unwrap_or("")
}

#[test]
fn the_record_exports_its_lab_work_as_valid_fhir() {
    let mut w = ward();
    let doctor = w.doctor.clone();
    let (b, n) = w.export(&doctor);
    // K, MRDT, UREA, GLU, FBC and CRP: one request each.
    assert_eq!(
        (
            n.service_requests,
            n.specimens,
            n.lab_results,
            n.lab_reports
        ),
        (6, 5, 3, 4)
    );

    let requests = of_type(&b, "ServiceRequest");
    let status = |code: &str| {
        requests
            .iter()
            .find(|r| {
                r["code"]["coding"]
                    .as_array()
                    .is_some_and(|c| c.iter().any(|x| x["code"] == code))
            })
            .map(|r| r["status"].as_str().unwrap_or("").to_string())
            .unwrap_or_default()
    };
    assert_eq!(status("K"), "completed");
    assert_eq!(status("FBC"), "revoked");
    assert_eq!(status("CRP"), "active");
    assert_eq!(status("GLU"), "active");
    let k = requests
        .iter()
        .find(|r| r["code"]["text"] == "Potassium")
        .expect("the potassium request");
    assert_eq!(k["code"]["coding"][0]["system"], "http://loinc.org");
    assert_eq!(k["code"]["coding"][0]["code"], "2823-3");
    assert_eq!(k["priority"], "stat");
    assert_eq!(k["intent"], "order");
    assert_eq!(k["requester"]["display"], "Dr. Aisha Rahman");
    assert!(
        k["requisition"]["value"]
            .as_str()
            .is_some_and(|a| a.starts_with("LAB-")),
        "{k}"
    );
    let crp = requests
        .iter()
        .find(|r| r["code"]["text"] == "C-reactive protein")
        .unwrap();
    assert!(
        crp.get("specimen").is_none(),
        "not collected: no specimen yet"
    );

    let specimens = of_type(&b, "Specimen");
    let rejected = specimens
        .iter()
        .find(|s| s["status"] == "unsatisfactory")
        .expect("the rejected specimen");
    assert_eq!(rejected["type"]["text"], "whole blood (EDTA)");
    assert_eq!(rejected["condition"][0]["coding"][0]["code"], "CLOT");
    let note = rejected["note"][0]["text"].as_str().unwrap_or("");
    assert!(note.contains("clot in the tube"), "{note}");
    assert!(specimens.iter().all(|s| {
        s["accessionIdentifier"]["value"]
            .as_str()
            .is_some_and(|a| a.starts_with("LAB-"))
    }));

    let obs: Vec<&Value> = of_type(&b, "Observation")
        .into_iter()
        .filter(|o| o["category"][0]["coding"][0]["code"] == "laboratory")
        .collect();
    let mut codes: Vec<&str> = obs.iter().map(|o| loinc(o)).collect();
    codes.sort_unstable();
    assert_eq!(
        codes,
        ["22664-7", "2823-3", "50687-3"],
        "the glucose is not verified"
    );
    let potassium = obs.iter().find(|o| loinc(o) == "2823-3").unwrap();
    assert_eq!(potassium["status"], "final");
    assert_eq!(potassium["valueQuantity"]["value"], 6.9);
    assert_eq!(
        potassium["valueQuantity"]["system"],
        "http://unitsofmeasure.org"
    );
    assert_eq!(potassium["valueQuantity"]["code"], "mmol/L");
    assert_eq!(
        potassium["interpretation"][0]["coding"][0]["system"],
        "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
    );
    assert_eq!(potassium["interpretation"][0]["coding"][0]["code"], "HH");
    assert_eq!(potassium["referenceRange"][0]["low"]["value"], 3.5);
    assert_eq!(potassium["referenceRange"][0]["high"]["value"], 5.1);
    assert_eq!(potassium["performer"][0]["display"], "Lou Lab");
    let malaria = obs.iter().find(|o| loinc(o) == "50687-3").unwrap();
    assert_eq!(malaria["valueCodeableConcept"]["text"], "positive");
    assert_eq!(malaria["interpretation"][0]["coding"][0]["code"], "A");
    let urea = obs.iter().find(|o| loinc(o) == "22664-7").unwrap();
    assert_eq!(urea["status"], "corrected");
    assert_eq!(urea["valueQuantity"]["value"], 4.0);
    assert_eq!(urea["interpretation"][0]["coding"][0]["code"], "N");
    let why = urea["note"][0]["text"].as_str().unwrap_or("");
    assert!(why.contains("typed 14.0 for 4.0"), "{why}");

    let reports = of_type(&b, "DiagnosticReport");
    let mut statuses: Vec<&str> = reports
        .iter()
        .filter_map(|r| r["status"].as_str())
        .collect();
    statuses.sort_unstable();
    assert_eq!(statuses, ["cancelled", "corrected", "final", "final"]);
    for r in &reports {
        assert_eq!(r["category"][0]["coding"][0]["code"], "LAB");
    }
    let cancelled = reports.iter().find(|r| r["status"] == "cancelled").unwrap();
    let why = cancelled["conclusion"].as_str().unwrap_or("");
    assert!(why.contains("specimen rejected (clotted)"), "{why}");

    // Every reference resolves inside the bundle.
    let urls: HashSet<&str> = b["entry"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["fullUrl"].as_str())
        .collect();
    let mut refs = Vec::new();
    references(&b, &mut refs);
    for r in &refs {
        assert!(urls.contains(r.as_str()), "{r} does not resolve");
    }

    let pharm = w.pharm.clone();
    let (pb, pn) = w.export(&pharm);
    assert_eq!((pn.service_requests, pn.lab_results), (0, 0));
    assert!(of_type(&pb, "DiagnosticReport").is_empty());

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lab.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&b).unwrap()).unwrap();
    validate(&[&file]);
}
