//! A patient's clinical record as a FHIR R4 (4.0.1) Bundle of type
//! `collection`, for another system: the Patient, an Encounter per visit,
//! Observations for the vital signs (LOINC codes, UCUM units) and NEWS2,
//! a Condition per diagnosis and per problem, the AllergyIntolerances, and
//! the prescriptions with their dispenses and doses (`medications`), and
//! the lab orders with their specimens, verified results and reports
//! (`lab`) when the whole record is open to the reader.
//!
//! The export opens the record through [`crate::ops::record::open`], so it
//! holds exactly what the reader may see (a pharmacist's export has no
//! Encounter and no Observation) and leaves its READ event; an EXPORT event
//! is committed before the first byte leaves the program. Every entry's
//! `fullUrl` is `urn:uuid:<id>` and references point at those, so the
//! bundle stands on its own; the clinicians are named by display only.

mod lab;
mod medications;
mod observations;

pub use medications::RxRecord;

use crate::auth::Session;
use crate::domain::audit::AuditAction;
use crate::domain::clock::Clock;
use crate::domain::conditions::Certainty;
use crate::domain::ids::Id;
use crate::domain::patient::Patient;
use crate::domain::time::format_ts;
use crate::domain::visit::VisitKind;
use crate::error::{Error, Result};
use crate::ops::clinical;
use crate::ops::export::fhir_entry;
use crate::ops::lab::OrderDetail;
use crate::ops::record::{self, ClinicalRecord, VisitEntry};
use crate::store::Db;
use crate::store::clinical::ErrorMark;
use crate::store::clinical::conditions::{Allergy, Diagnosis, Problem};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::io::Write;

/// The FHIR version the bundle follows.
pub const FHIR_VERSION: &str = "4.0.1";
/// LOINC's system URI.
pub const LOINC: &str = "http://loinc.org";
/// UCUM's system URI.
pub const UCUM: &str = "http://unitsofmeasure.org";
/// SNOMED CT's system URI.
pub const SNOMED: &str = "http://snomed.info/sct";
/// SNOMED CT "No known allergy".
pub const NO_KNOWN_ALLERGY: &str = "716186003";
const ACT_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
const CONDITION_CLINICAL: &str = "http://terminology.hl7.org/CodeSystem/condition-clinical";
const CONDITION_VERIFICATION: &str = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
const CONDITION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/condition-category";
const ALLERGY_CLINICAL: &str = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
const ALLERGY_VERIFICATION: &str =
    "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";

/// What an export wrote: resources per type, for the command's message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exported {
    pub encounters: usize,
    pub observations: usize,
    pub conditions: usize,
    pub allergies: usize,
    pub medication_requests: usize,
    pub dispenses: usize,
    pub administrations: usize,
    pub service_requests: usize,
    pub specimens: usize,
    pub lab_results: usize,
    pub lab_reports: usize,
}

impl Exported {
    /// Every resource in the bundle, the Patient included.
    pub fn total(&self) -> usize {
        1 + self.encounters
            + self.observations
            + self.conditions
            + self.allergies
            + self.medication_requests
            + self.dispenses
            + self.administrations
            + self.service_requests
            + self.specimens
            + self.lab_results
            + self.lab_reports
    }
}

/// `urn:uuid:<id>`, the fullUrl of an entry and the target of references.
pub(crate) fn urn(id: &str) -> String {
    format!("urn:uuid:{id}")
}

pub(crate) fn reference(id: &str) -> Value {
    json!({ "reference": urn(id) })
}

pub(crate) fn instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(crate) fn by_name(name: &str) -> Value {
    json!({ "display": if name.is_empty() { "unknown" } else { name } })
}

pub(crate) fn coding(system: &str, code: &str, display: &str) -> Value {
    json!({ "system": system, "code": code, "display": display })
}

pub(crate) fn entry(id: &str, resource: Value) -> Value {
    json!({ "fullUrl": urn(id), "resource": resource })
}

/// The FHIR system URI of a code list as the hospital names it: the two
/// ICD-10 lists have theirs; a list a hospital loaded gets a URN.
pub fn code_system_uri(system: &str) -> String {
    match system.to_ascii_uppercase().as_str() {
        "ICD-10-CM" => "http://hl7.org/fhir/sid/icd-10-cm".into(),
        "ICD-10" => "http://hl7.org/fhir/sid/icd-10".into(),
        other => format!("urn:wardline:codes:{}", other.to_ascii_lowercase()),
    }
}

/// The encounter class (HL7 v3 ActCode) of a visit: ward rounds and the
/// nursing notes of an admission are inpatient, the rest ambulatory (the
/// hospital has no emergency visit kind).
fn encounter_class(e: &VisitEntry) -> Value {
    let inpatient = e.visit.kind == VisitKind::WardRound
        || (e.visit.kind == VisitKind::NursingNote && e.visit.admission_id.is_some());
    if inpatient {
        coding(ACT_CODE, "IMP", "inpatient encounter")
    } else {
        coding(ACT_CODE, "AMB", "ambulatory")
    }
}

fn encounter(e: &VisitEntry, patient: &Id) -> Value {
    let signed = e.note.as_ref().and_then(|n| n.signed_at);
    let mut period = json!({ "start": instant(e.visit.started_at) });
    if let Some(at) = signed {
        period["end"] = json!(instant(at));
    }
    entry(
        e.visit.id.as_str(),
        json!({
            "resourceType": "Encounter",
            "id": e.visit.id.as_str(),
            "status": if signed.is_some() { "finished" } else { "in-progress" },
            "class": encounter_class(e),
            "type": [{ "text": e.visit.kind.label() }],
            "subject": reference(patient.as_str()),
            "participant": [{ "individual": by_name(&e.visit.clinician) }],
            "period": period,
        }),
    )
}

fn coded_concept(system: &str, code: &str, text: &str) -> Value {
    json!({
        "coding": [coding(&code_system_uri(system), code, text)],
        "text": text,
    })
}

fn concept(system: &str, code: &str, display: &str) -> Value {
    json!({ "coding": [coding(system, code, display)] })
}

fn diagnosis(d: &Diagnosis, encounters: &HashSet<&str>) -> Value {
    let verification = match (&d.error, d.certainty) {
        (Some(_), _) => "entered-in-error",
        (None, Certainty::Confirmed) => "confirmed",
        (None, Certainty::Provisional) => "provisional",
    };
    let mut r = json!({
        "resourceType": "Condition",
        "id": d.id.as_str(),
        "verificationStatus": concept(CONDITION_VERIFICATION, verification, verification),
        "category": [concept(CONDITION_CATEGORY, "encounter-diagnosis", "Encounter Diagnosis")],
        "code": coded_concept(&d.coded.system, &d.coded.code, &d.coded.text),
        "subject": reference(d.patient_id.as_str()),
        "recordedDate": instant(d.recorded_at),
        "recorder": by_name(&d.recorded_by),
        "note": [{ "text": format!("{} diagnosis", d.rank) }],
    });
    if encounters.contains(d.visit_id.as_str()) {
        r["encounter"] = reference(d.visit_id.as_str());
    }
    if let Some(e) = &d.error {
        r["note"] = error_note(e);
    }
    entry(d.id.as_str(), r)
}

fn error_note(e: &ErrorMark) -> Value {
    json!([{ "text": format!("entered in error by {} at {}: {}", e.by, format_ts(e.at), e.reason) }])
}

fn problem(p: &Problem) -> Value {
    let mut r = json!({
        "resourceType": "Condition",
        "id": p.id.as_str(),
        "category": [concept(CONDITION_CATEGORY, "problem-list-item", "Problem List Item")],
        "code": coded_concept(&p.coded.system, &p.coded.code, &p.coded.text),
        "subject": reference(p.patient_id.as_str()),
        "recordedDate": instant(p.recorded_at),
        "recorder": by_name(&p.recorded_by),
    });
    if let Some(e) = &p.error {
        r["verificationStatus"] = concept(
            CONDITION_VERIFICATION,
            "entered-in-error",
            "Entered in Error",
        );
        r["note"] = error_note(e);
    } else {
        let status = if p.resolved_on.is_some() {
            "resolved"
        } else {
            "active"
        };
        r["clinicalStatus"] = concept(CONDITION_CLINICAL, status, status);
        r["verificationStatus"] = concept(CONDITION_VERIFICATION, "confirmed", "Confirmed");
    }
    if let Some(d) = p.onset {
        r["onsetDateTime"] = json!(d.format("%Y-%m-%d").to_string());
    }
    if let (Some(d), None) = (p.resolved_on, &p.error) {
        r["abatementDateTime"] = json!(d.format("%Y-%m-%d").to_string());
    }
    entry(p.id.as_str(), r)
}

fn allergy(a: &Allergy) -> Value {
    let mut r = json!({
        "resourceType": "AllergyIntolerance",
        "id": a.id.as_str(),
        "code": { "text": a.substance },
        "patient": reference(a.patient_id.as_str()),
        "recordedDate": instant(a.recorded_at),
        "recorder": by_name(&a.recorded_by),
    });
    if let Some(e) = &a.error {
        r["verificationStatus"] =
            concept(ALLERGY_VERIFICATION, "entered-in-error", "Entered in Error");
        r["note"] = error_note(e);
    } else {
        r["clinicalStatus"] = concept(ALLERGY_CLINICAL, "active", "Active");
        r["verificationStatus"] = concept(ALLERGY_VERIFICATION, "confirmed", "Confirmed");
    }
    let manifestation = if a.reaction.is_empty() {
        "reaction not recorded"
    } else {
        a.reaction.as_str()
    };
    r["reaction"] = json!([{
        "manifestation": [{ "text": manifestation }],
        "severity": <&str>::from(a.severity),
    }]);
    entry(a.id.as_str(), r)
}

/// A stable identifier derived from another one (for resources the file
/// keeps no row of their own for: each vital of a set, "no known allergies").
pub(crate) fn derived_id(from: &str, what: &str) -> String {
    let base = uuid::Uuid::parse_str(from).unwrap_or(uuid::Uuid::NAMESPACE_OID);
    uuid::Uuid::new_v5(&base, what.as_bytes())
        .hyphenated()
        .to_string()
}

fn no_known_allergy(patient: &Id, by: &str, at: DateTime<Utc>) -> Value {
    let id = derived_id(patient.as_str(), "no-known-allergies");
    entry(
        &id,
        json!({
            "resourceType": "AllergyIntolerance",
            "id": id,
            "clinicalStatus": concept(ALLERGY_CLINICAL, "active", "Active"),
            "verificationStatus": concept(ALLERGY_VERIFICATION, "confirmed", "Confirmed"),
            "code": {
                "coding": [coding(SNOMED, NO_KNOWN_ALLERGY, "No known allergy")],
                "text": "no known allergies",
            },
            "patient": reference(patient.as_str()),
            "recordedDate": instant(at),
            "recorder": by_name(by),
        }),
    )
}

/// The bundle of a record as opened (pure: no I/O), with its counts.
/// `hospital` is the hospital's code (it names the MRNs' and accession
/// numbers' systems); `rxs` are the patient's prescriptions and `labs` its
/// lab orders as a clinician sees them, oldest first.
pub fn bundle(
    p: &Patient,
    rec: &ClinicalRecord,
    rxs: &[RxRecord],
    labs: &[OrderDetail],
    hospital: &str,
    now: DateTime<Utc>,
) -> Result<(Value, Exported)> {
    let mrn_system = format!("urn:wardline:{hospital}:mrn");
    let patient = serde_json::to_value(fhir_entry(p, &mrn_system))
        .map_err(|e| Error::Output(std::io::Error::other(e)))?;
    let mut entries = vec![patient];
    let mut n = Exported::default();
    let encounters: HashSet<&str> = rec.visits.iter().map(|e| e.visit.id.as_str()).collect();
    // Oldest first, as a receiving system reads a history.
    for e in rec.visits.iter().rev() {
        entries.push(encounter(e, &p.id));
        n.encounters += 1;
    }
    for set in rec.vitals.iter().rev() {
        let obs = observations::of_set(set, &encounters);
        n.observations += obs.len();
        entries.extend(obs);
    }
    for d in rec.diagnoses.iter().rev() {
        entries.push(diagnosis(d, &encounters));
        n.conditions += 1;
    }
    for pr in &rec.problems {
        entries.push(problem(pr));
        n.conditions += 1;
    }
    if rec.sections.allergies {
        for a in &rec.allergy_history {
            entries.push(allergy(a));
            n.allergies += 1;
        }
        if rec.allergies.allergies.is_empty()
            && let Some((by, at)) = &rec.allergies.no_known
        {
            entries.push(no_known_allergy(&p.id, by, *at));
            n.allergies += 1;
        }
    }
    let (meds, (requests, dispenses, administrations)) =
        medications::of_prescriptions(rxs, &encounters);
    entries.extend(meds);
    n.medication_requests = requests;
    n.dispenses = dispenses;
    n.administrations = administrations;
    let (lab, counts) = lab::of_orders(labs, p.id.as_str(), hospital, &encounters);
    entries.extend(lab);
    n.service_requests = counts.service_requests;
    n.specimens = counts.specimens;
    n.lab_results = counts.observations;
    n.lab_reports = counts.reports;
    let b = json!({
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": instant(now),
        "entry": entries,
    });
    Ok((b, n))
}

/// The patient's prescriptions, oldest first, with their overrides,
/// dispenses and records of doses.
fn prescriptions_of(db: &Db, patient: &Id) -> Result<Vec<RxRecord>> {
    use crate::store::prescriptions as store;
    let conn = db.conn();
    let mut all = store::of_patient(conn, patient, crate::ops::prescriptions::LISTED)?;
    all.reverse();
    all.into_iter()
        .map(|rx| {
            Ok(RxRecord {
                overrides: store::overrides(conn, &rx.id)?,
                dispenses: store::dispenses_of(conn, &rx.id)?,
                administrations: store::administrations_of(conn, &rx.id)?,
                prescription: rx,
            })
        })
        .collect()
}

/// The patient's lab orders, oldest first, as a clinician sees them
/// (verified values only).
fn lab_orders_of(db: &Db, patient: &Id) -> Result<Vec<OrderDetail>> {
    let conn = db.conn();
    crate::store::lab_reports::orders_of_patient(conn, patient)?
        .iter()
        .map(|id| crate::ops::lab::build_detail(conn, crate::ops::lab::load(conn, id)?, false))
        .collect()
}

/// Writes `patient`'s record, as far as it opens to `by`, as a FHIR R4
/// Bundle to `out`. Opening the record refuses who may not see it (and
/// asks a clinician outside the patient's care to break the glass first);
/// the EXPORT event commits before anything is written.
pub fn export_record<W: Write>(
    db: &mut Db,
    by: &Session,
    patient: &Id,
    mut out: W,
    clock: Clock,
) -> Result<Exported> {
    let rec = record::open(db, by, patient, clock)?;
    let p = clinical::patient_in_use(db.conn(), patient)?;
    let rxs = prescriptions_of(db, patient)?;
    // Results belong with the whole record: vitals open means it is open.
    let labs = if rec.sections.vitals {
        lab_orders_of(db, patient)?
    } else {
        Vec::new()
    };
    let hospital = db.code().to_string();
    let (b, n) = bundle(&p, &rec, &rxs, &labs, &hospital, clock.now)?;
    let summary = format!(
        "exported the clinical record of {} as FHIR ({} resources)",
        p.mrn,
        n.total()
    );
    db.write(&by.actor(), |_| {
        let e = clinical::event(
            AuditAction::Export,
            "clinical_record",
            patient,
            patient,
            summary,
        );
        Ok::<_, Error>(((), vec![e]))
    })?;
    serde_json::to_writer_pretty(&mut out, &b)
        .map_err(|e| Error::Output(std::io::Error::other(e)))?;
    out.write_all(b"\n").map_err(Error::Output)?;
    out.flush().map_err(Error::Output)?;
    Ok(n)
}
