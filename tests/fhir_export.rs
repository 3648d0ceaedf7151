//! The clinical record exported as a FHIR R4 Bundle, on a real hospital
//! file with a fixed clock: the resources and their codes (LOINC, UCUM,
//! ICD-10-CM, SNOMED CT), references that resolve inside the bundle, what
//! each role's export holds, and the bundle checked by the `fhir.resources`
//! validator (tests/fhir/validate.py). Without python3 or the package the
//! validation says what to install and is skipped, except under CI=true.

mod common;

use common::fhir::{references, validate};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use common::clinic as fixture;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use tempfile::TempDir;
use wardline::auth::{self, Session};
use wardline::domain::appointment::Status;
use wardline::domain::beds::WardKind;
use wardline::domain::clock::{Clock, Tz};
use wardline::domain::conditions::{Certainty, Rank, Severity};
use wardline::domain::ids::Id;
use wardline::domain::news2::Consciousness;
use wardline::domain::patient::{Field, Patient};
use wardline::domain::role::Role;
use wardline::domain::visit::{NoteText, VisitKind};
use wardline::domain::vitals::Vitals;
use wardline::error::Error;
use wardline::ops;
use wardline::ops::diagnoses::DiagnosisInput;
use wardline::ops::fhir::Exported;
use wardline::ops::vitals::VitalsInput;
use wardline::store::Db;

const ZONE: Tz = chrono_tz::America::Lima;

/// 09:00 on Monday 9 March 2026 in Lima.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 9, 14, 0, 0).unwrap()
}

fn at(t: DateTime<Utc>) -> Clock {
    Clock::new(t, ZONE)
}

struct Clinic {
    dir: TempDir,
    db: Db,
    doctor: Session,
    locum: Session,
    nurse: Session,
    pharm: Session,
    desk: Session,
    bed: Id,
}

fn clinic() -> Clinic {
    let mut c = fixture::Clinic::new(ZONE, t0() - Duration::days(10), t0());
    c.staff(&[
        fixture::DOCTOR,
        fixture::LOCUM,
        fixture::NURSE,
        fixture::PHARMACIST,
        fixture::RECEPTIONIST,
    ]);
    let mut s = |n: &str| c.signed_in(n, t0());
    let (doctor, locum, nurse, pharm, desk) =
        (s("doctor"), s("locum"), s("nurse"), s("pharm"), s("desk"));
    let ward = c.ward("Medical", WardKind::Medical);
    let bed = c.bed(&ward, "MED-01");
    let fixture::Clinic { dir, db, .. } = c;
    Clinic {
        dir: dir.expect("a new clinic's folder"),
        db,
        doctor,
        locum,
        nurse,
        pharm,
        desk,
        bed,
    }
}

fn full_set() -> Vitals {
    Vitals {
        temperature_dc: Some(384),
        pulse: Some(104),
        respiratory_rate: Some(22),
        systolic: Some(128),
        diastolic: Some(84),
        spo2: Some(95),
        on_oxygen: Some(false),
        consciousness: Some(Consciousness::Alert),
        weight_g: Some(72_500),
        height_mm: Some(1_680),
        pain: Some(4),
        glucose_dmmol: Some(61),
        ..Vitals::default()
    }
}

impl Clinic {
    fn patient(&mut self, given: &str, birth: &str, sex: &str) -> Patient {
        let input = fixture::person(given, "Tester", birth, sex)
            .with(Field::Phone, "+255 700 000 111")
            .with(Field::City, "Arusha");
        fixture::register(&mut self.db, &self.desk, &input, t0() - Duration::days(9))
    }

    /// A consultation with the doctor today: called in, a signed note.
    fn consultation(&mut self, p: &Patient, minute: u16) -> (Id, Id) {
        let doctor = self.doctor.user.id.clone();
        let b = fixture::book(
            &mut self.db,
            &self.desk,
            &p.id,
            &doctor,
            NaiveDate::from_ymd_opt(2026, 3, 9).unwrap(),
            minute,
            t0() - Duration::days(1),
        );
        let b = fixture::advance(&mut self.db, &self.desk, &b, Status::CheckedIn, at(t0()));
        fixture::advance(
            &mut self.db,
            &self.doctor,
            &b,
            Status::InConsultation,
            at(t0()),
        );
        let v = ops::visits::open_for_appointment(&mut self.db, &self.doctor, &b.appt.id, at(t0()))
            .unwrap();
        let note = NoteText {
            presenting_complaint: "fever for 3 days".into(),
            assessment: "malaria".into(),
            plan: "artemether-lumefantrine".into(),
            ..NoteText::default()
        };
        let n = ops::visits::save_draft(&mut self.db, &self.doctor, &v.id, &note, None, at(t0()))
            .unwrap();
        ops::visits::sign(&mut self.db, &self.doctor, &v.id, n.version, at(t0())).unwrap();
        (v.id, b.appt.id)
    }

    fn vitals(&mut self, p: &Patient, visit: Option<&Id>, v: Vitals, when: DateTime<Utc>) -> Id {
        ops::vitals::record(
            &mut self.db,
            &self.nurse,
            &VitalsInput {
                patient: &p.id,
                visit,
                taken_at: when,
                vitals: v,
            },
            at(t0() + Duration::hours(3)),
        )
        .expect("vitals")
        .record
        .id
    }

    fn diagnosis(&mut self, visit: &Id, code: &str, text: &str, rank: Rank, c: Certainty) -> Id {
        ops::diagnoses::add(
            &mut self.db,
            &self.doctor,
            &DiagnosisInput {
                visit,
                code_system: "ICD-10-CM",
                code,
                text,
                rank,
                certainty: c,
            },
            at(t0()),
        )
        .expect("diagnosis")
        .id
    }

    fn problem(&mut self, p: &Patient, code: &str, text: &str) -> Id {
        ops::allergies::add_problem(
            &mut self.db,
            &self.doctor,
            &ops::allergies::ProblemInput {
                patient: &p.id,
                code_system: "ICD-10-CM",
                code,
                text,
                onset: NaiveDate::from_ymd_opt(2020, 1, 1),
            },
            at(t0()),
        )
        .expect("problem")
        .id
    }

    /// An adult with a signed consultation (vitals, two diagnoses and one
    /// in error), then admitted with a ward round still in draft and two
    /// sets on the ward (one entered in error); an allergy, one in error,
    /// and two problems (one resolved).
    fn full_record(&mut self) -> Patient {
        let p = self.patient("Amina", "1980-02-03", "F");
        let (visit, _) = self.consultation(&p, 540);
        self.vitals(&p, Some(&visit), full_set(), t0() + Duration::minutes(5));
        self.diagnosis(
            &visit,
            "B54",
            "Unspecified malaria",
            Rank::Primary,
            Certainty::Confirmed,
        );
        self.diagnosis(
            &visit,
            "I10",
            "Essential (primary) hypertension",
            Rank::Secondary,
            Certainty::Provisional,
        );
        let wrong = self.diagnosis(
            &visit,
            "J18.9",
            "Pneumonia, unspecified organism",
            Rank::Secondary,
            Certainty::Provisional,
        );
        ops::diagnoses::mark_in_error(
            &mut self.db,
            &self.doctor,
            &wrong,
            "wrong patient",
            at(t0()),
        )
        .unwrap();
        ops::allergies::record(
            &mut self.db,
            &self.doctor,
            &p.id,
            "penicillin",
            "rash",
            Severity::Moderate,
            at(t0()),
        )
        .unwrap();
        let sulfa = ops::allergies::record(
            &mut self.db,
            &self.doctor,
            &p.id,
            "sulfa",
            "",
            Severity::Mild,
            at(t0()),
        )
        .unwrap();
        ops::allergies::mark_in_error(
            &mut self.db,
            &self.doctor,
            &sulfa.id,
            "another patient's",
            at(t0()),
        )
        .unwrap();
        self.problem(&p, "I10", "Essential (primary) hypertension");
        let dm = self.problem(
            &p,
            "E11.9",
            "Type 2 diabetes mellitus without complications",
        );
        ops::allergies::resolve_problem(
            &mut self.db,
            &self.doctor,
            &dm,
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            at(t0()),
        )
        .unwrap();
        let admitted = t0() + Duration::hours(1);
        let attending = self.doctor.user.id.clone();
        let bed = self.bed.clone();
        fixture::admit(
            &mut self.db,
            &self.nurse,
            &p.id,
            &bed,
            &attending,
            "malaria",
            admitted,
        );
        let round = ops::visits::start(
            &mut self.db,
            &self.doctor,
            &p.id,
            VisitKind::WardRound,
            at(admitted),
        )
        .expect("ward round");
        let draft = NoteText {
            presenting_complaint: "review".into(),
            ..NoteText::default()
        };
        ops::visits::save_draft(
            &mut self.db,
            &self.doctor,
            &round.id,
            &draft,
            None,
            at(admitted),
        )
        .unwrap();
        self.vitals(&p, None, full_set(), admitted + Duration::minutes(30));
        let bad = self.vitals(&p, None, full_set(), admitted + Duration::minutes(40));
        ops::vitals::mark_in_error(
            &mut self.db,
            &self.nurse,
            &bad,
            "wrong patient",
            at(admitted + Duration::hours(1)),
        )
        .unwrap();
        p
    }

    /// A child of two with a consultation, a MUAC of 11.2 cm and "no
    /// known allergies".
    fn child(&mut self) -> Patient {
        let p = self.patient("Baraka", "2024-01-15", "M");
        let (visit, _) = self.consultation(&p, 600);
        let v = Vitals {
            temperature_dc: Some(371),
            weight_g: Some(8_900),
            height_mm: Some(820),
            muac_mm: Some(112),
            ..Vitals::default()
        };
        self.vitals(&p, Some(&visit), v, t0() + Duration::minutes(65));
        self.diagnosis(
            &visit,
            "E44.0",
            "Moderate protein-calorie malnutrition",
            Rank::Primary,
            Certainty::Confirmed,
        );
        ops::allergies::record_no_known(&mut self.db, &self.doctor, &p.id, at(t0())).unwrap();
        p
    }

    fn export(&mut self, by: Role, p: &Patient) -> Result<(Value, Exported), Error> {
        let s = match by {
            Role::Doctor => self.doctor.clone(),
            Role::Nurse => self.nurse.clone(),
            Role::Pharmacist => self.pharm.clone(),
            Role::Receptionist => self.desk.clone(),
            _ => self.locum.clone(),
        };
        let mut out = Vec::new();
        let n = ops::fhir::export_record(
            &mut self.db,
            &s,
            &p.id,
            &mut out,
            at(t0() + Duration::hours(3)),
        )?;
        let v: Value = serde_json::from_slice(&out).expect("the export is JSON");
        Ok((v, n))
    }

    fn events(&self, action: &str, p: &Patient) -> i64 {
        self.db
            .conn()
            .query_row(
                "SELECT count(*) FROM audit_log WHERE action = ?1 AND patient_id = ?2",
                [action, p.id.as_str()],
                |r| r.get(0),
            )
            .unwrap()
    }
}

fn resources<'a>(b: &'a Value, kind: &str) -> Vec<&'a Value> {
    b["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == kind)
        .collect()
}

fn counts(b: &Value) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for e in b["entry"].as_array().unwrap() {
        *m.entry(e["resource"]["resourceType"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    m
}

fn loinc_of(o: &Value) -> &str {
    o["code"]["coding"][0]["code"].as_str().unwrap_or("")
}

fn observation<'a>(b: &'a Value, loinc: &str) -> Vec<&'a Value> {
    resources(b, "Observation")
        .into_iter()
        .filter(|o| loinc_of(o) == loinc)
        .collect()
}

#[test]
fn a_full_record_exports_as_a_valid_fhir_r4_bundle() {
    let mut c = clinic();
    let p = c.full_record();
    let child = c.child();
    let (b, n) = c.export(Role::Doctor, &p).expect("the doctor exports");
    let (cb, _) = c
        .export(Role::Doctor, &child)
        .expect("the doctor exports the child's");

    assert_eq!(b["resourceType"], "Bundle");
    assert_eq!(b["type"], "collection");
    // 1 patient; the consultation and the ward round; 3 sets × 10
    // observations (9 signs + blood pressure; NEWS2 only once admitted: 2);
    // 3 diagnoses + 2 problems; 2 allergies.
    let want: BTreeMap<String, usize> = [
        ("AllergyIntolerance", 2),
        ("Condition", 5),
        ("Encounter", 2),
        ("Observation", 32),
        ("Patient", 1),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(counts(&b), want);
    assert_eq!(n.total(), 42);

    // The patient: MRN under the hospital's system, gender, birth date.
    let pt = resources(&b, "Patient")[0];
    assert_eq!(pt["identifier"][0]["system"], "urn:wardline:TST:mrn");
    assert_eq!(pt["identifier"][0]["value"], p.mrn.as_str());
    assert_eq!(pt["gender"], "female");
    assert_eq!(pt["birthDate"], "1980-02-03");
    assert_eq!(pt["telecom"][0]["value"], "+255 700 000 111");

    // Encounters: the signed consultation finished (ambulatory), the
    // ward round in draft in progress (inpatient).
    let enc = resources(&b, "Encounter");
    let finished: Vec<_> = enc.iter().filter(|e| e["status"] == "finished").collect();
    let open: Vec<_> = enc
        .iter()
        .filter(|e| e["status"] == "in-progress")
        .collect();
    assert_eq!((finished.len(), open.len()), (1, 1));
    assert_eq!(finished[0]["class"]["code"], "AMB");
    assert!(finished[0]["period"]["end"].is_string());
    assert_eq!(open[0]["class"]["code"], "IMP");
    assert_eq!(
        open[0]["class"]["system"],
        "http://terminology.hl7.org/CodeSystem/v3-ActCode"
    );
    assert_eq!(
        open[0]["participant"][0]["individual"]["display"],
        "Dr. Aisha Rahman"
    );

    // Vital signs: LOINC codes and UCUM units.
    for (loinc, unit, value, sets) in [
        ("8310-5", "Cel", 38.4, 3),
        ("8867-4", "/min", 104.0, 3),
        ("9279-1", "/min", 22.0, 3),
        ("59408-5", "%", 95.0, 3),
        ("29463-7", "kg", 72.5, 3),
        ("8302-2", "cm", 168.0, 3),
        ("39156-5", "kg/m2", 25.7, 3),
        ("72514-3", "{score}", 4.0, 3),
        ("15074-8", "mmol/L", 6.1, 3),
    ] {
        let obs = observation(&b, loinc);
        assert_eq!(obs.len(), sets, "{loinc}");
        for o in obs {
            let q = &o["valueQuantity"];
            assert_eq!(q["system"], "http://unitsofmeasure.org", "{loinc}");
            assert_eq!(q["code"], unit, "{loinc}");
            assert_eq!(q["value"].as_f64(), Some(value), "{loinc}");
            assert_eq!(o["category"][0]["coding"][0]["code"], "vital-signs");
            assert!(o["effectiveDateTime"].is_string());
            assert_eq!(o["performer"][0]["display"], "Mei Lin Chen");
        }
    }
    let spo2 = observation(&b, "59408-5")[0];
    assert_eq!(spo2["code"]["coding"][1]["code"], "2708-6");
    let bp = observation(&b, "85354-9");
    assert_eq!(bp.len(), 3);
    assert_eq!(bp[0]["component"][0]["code"]["coding"][0]["code"], "8480-6");
    assert_eq!(bp[0]["component"][0]["valueQuantity"]["code"], "mm[Hg]");
    assert_eq!(bp[0]["component"][0]["valueQuantity"]["value"], 128);
    assert_eq!(bp[0]["component"][1]["code"]["coding"][0]["code"], "8462-4");
    assert_eq!(bp[0]["component"][1]["valueQuantity"]["value"], 84);
    // NEWS2 for the admitted adult's sets: 1 (temp 38.4) + 1 (pulse 104)
    // + 2 (RR 22) + 1 (SpO2 95) = 5, medium.
    let news: Vec<_> = resources(&b, "Observation")
        .into_iter()
        .filter(|o| {
            o["code"]["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("NEWS2"))
        })
        .collect();
    assert_eq!(news.len(), 2);
    assert_eq!(news[0]["valueInteger"], 5);
    assert_eq!(news[0]["interpretation"][0]["text"], "medium clinical risk");
    // The set entered in error: its observations carry the status.
    let in_error = resources(&b, "Observation")
        .into_iter()
        .filter(|o| o["status"] == "entered-in-error")
        .count();
    assert_eq!(in_error, 11);
    // The consultation's set points at its encounter.
    let linked = observation(&b, "8310-5")
        .into_iter()
        .filter(|o| o["encounter"]["reference"].is_string())
        .count();
    assert_eq!(linked, 1);

    // Conditions: ICD-10-CM, verification and clinical status.
    let conds = resources(&b, "Condition");
    let by_code = |code: &str, cat: &str| {
        conds
            .iter()
            .filter(|c| {
                c["code"]["coding"][0]["code"] == code
                    && c["category"][0]["coding"][0]["code"] == cat
            })
            .copied()
            .collect::<Vec<_>>()
    };
    let malaria = by_code("B54", "encounter-diagnosis")[0];
    assert_eq!(
        malaria["code"]["coding"][0]["system"],
        "http://hl7.org/fhir/sid/icd-10-cm"
    );
    assert_eq!(
        malaria["verificationStatus"]["coding"][0]["code"],
        "confirmed"
    );
    assert_eq!(
        malaria["verificationStatus"]["coding"][0]["system"],
        "http://terminology.hl7.org/CodeSystem/condition-ver-status"
    );
    assert!(malaria["encounter"]["reference"].is_string());
    assert_eq!(
        by_code("I10", "encounter-diagnosis")[0]["verificationStatus"]["coding"][0]["code"],
        "provisional"
    );
    let wrong = by_code("J18.9", "encounter-diagnosis")[0];
    assert_eq!(
        wrong["verificationStatus"]["coding"][0]["code"],
        "entered-in-error"
    );
    assert!(wrong.get("clinicalStatus").is_none());
    let htn = by_code("I10", "problem-list-item")[0];
    assert_eq!(htn["clinicalStatus"]["coding"][0]["code"], "active");
    assert_eq!(
        htn["clinicalStatus"]["coding"][0]["system"],
        "http://terminology.hl7.org/CodeSystem/condition-clinical"
    );
    assert_eq!(htn["onsetDateTime"], "2020-01-01");
    let dm = by_code("E11.9", "problem-list-item")[0];
    assert_eq!(dm["clinicalStatus"]["coding"][0]["code"], "resolved");
    assert_eq!(dm["abatementDateTime"], "2026-03-01");

    // Allergies: the penicillin rash, and sulfa entered in error.
    let allergies = resources(&b, "AllergyIntolerance");
    let pen = allergies
        .iter()
        .find(|a| a["code"]["text"] == "penicillin")
        .unwrap();
    assert_eq!(pen["reaction"][0]["manifestation"][0]["text"], "rash");
    assert_eq!(pen["reaction"][0]["severity"], "moderate");
    assert_eq!(pen["verificationStatus"]["coding"][0]["code"], "confirmed");
    assert_eq!(pen["clinicalStatus"]["coding"][0]["code"], "active");
    let sulfa = allergies
        .iter()
        .find(|a| a["code"]["text"] == "sulfa")
        .unwrap();
    assert_eq!(
        sulfa["verificationStatus"]["coding"][0]["code"],
        "entered-in-error"
    );
    assert!(sulfa.get("clinicalStatus").is_none());

    // The child: MUAC 11.2 cm, malnutrition, "no known allergies".
    let muac = observation(&cb, "56072-2");
    assert_eq!(muac.len(), 1);
    assert_eq!(muac[0]["valueQuantity"]["value"].as_f64(), Some(11.2));
    assert_eq!(muac[0]["valueQuantity"]["code"], "cm");
    assert_eq!(resources(&cb, "Patient")[0]["gender"], "male");
    let nka = resources(&cb, "AllergyIntolerance");
    assert_eq!(nka.len(), 1);
    assert_eq!(
        nka[0]["code"]["coding"][0]["system"],
        "http://snomed.info/sct"
    );
    assert_eq!(nka[0]["code"]["coding"][0]["code"], "716186003");

    // Every fullUrl is a urn:uuid, unique, and every reference resolves.
    for bundle in [&b, &cb] {
        let urls: Vec<&str> = bundle["entry"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["fullUrl"].as_str().unwrap())
            .collect();
        let set: HashSet<&str> = urls.iter().copied().collect();
        assert_eq!(set.len(), urls.len(), "fullUrls are unique");
        for u in &urls {
            let id = u.strip_prefix("urn:uuid:").expect("urn:uuid");
            assert!(uuid::Uuid::parse_str(id).is_ok(), "{u}");
        }
        let mut refs = Vec::new();
        references(bundle, &mut refs);
        assert!(!refs.is_empty());
        for r in refs {
            assert!(set.contains(r.as_str()), "{r} resolves inside the bundle");
        }
    }

    // Each export is a READ of the record and an EXPORT event.
    assert_eq!(c.events("EXPORT", &p), 1);
    assert!(c.events("READ", &p) >= 1);

    let files = [
        c.dir.path().join("adult.json"),
        c.dir.path().join("child.json"),
    ];
    std::fs::write(&files[0], serde_json::to_vec_pretty(&b).unwrap()).unwrap();
    std::fs::write(&files[1], serde_json::to_vec_pretty(&cb).unwrap()).unwrap();
    validate(&[&files[0], &files[1]]);
}

#[test]
fn each_role_exports_what_it_may_see() {
    let mut c = clinic();
    let p = c.full_record();

    // A pharmacist: allergies, diagnoses and problems; no encounter, no
    // observation (vitals are not theirs to see).
    let (b, n) = c
        .export(Role::Pharmacist, &p)
        .expect("the pharmacist exports");
    assert_eq!(counts(&b).get("Observation"), None);
    assert_eq!(counts(&b).get("Encounter"), None);
    assert_eq!(counts(&b).get("Condition"), Some(&5));
    assert_eq!(counts(&b).get("AllergyIntolerance"), Some(&2));
    assert_eq!((n.encounters, n.observations), (0, 0));
    let mut refs = Vec::new();
    references(&b, &mut refs);
    let urls: HashSet<&str> = b["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["fullUrl"].as_str().unwrap())
        .collect();
    assert!(
        refs.iter().all(|r| urls.contains(r.as_str())),
        "no dangling encounter reference"
    );

    // The nurse on the ward: the whole record.
    let (b, _) = c.export(Role::Nurse, &p).expect("the nurse exports");
    assert_eq!(counts(&b).get("Observation"), Some(&32));

    // A receptionist sees no clinical content; nothing is written.
    let e = c.export(Role::Receptionist, &p).unwrap_err();
    assert!(matches!(e, Error::NotPermitted(_)), "{e}");

    // A doctor outside the patient's care (the child seen in clinic by
    // another doctor; not admitted) breaks the glass first.
    let child = c.child();
    let e = c.export(Role::LabTech, &child).unwrap_err();
    assert!(matches!(e, Error::BreakGlassNeeded(_)), "{e}");
    let locum = c.locum.clone();
    ops::clinical::break_glass(
        &mut c.db,
        &locum,
        &child.id,
        "transfer to the district hospital",
        at(t0() + Duration::hours(3)),
    )
    .unwrap();
    let (b, _) = c
        .export(Role::LabTech, &child)
        .expect("after breaking the glass");
    assert_eq!(counts(&b).get("Encounter"), Some(&1));
    assert_eq!(counts(&b).get("Observation"), Some(&5));
    // Exports written: pharmacist and nurse of the adult, the locum of the
    // child; none for the refused.
    assert_eq!(c.events("EXPORT", &p), 2);
    assert_eq!(c.events("EXPORT", &child), 1);
    assert_eq!(c.events("BREAK_GLASS", &child), 1);
}

fn wardline(data: &Path, args: &[&str]) -> (bool, String) {
    common::cli::said(data, args, &format!("{}\n", wardline::demo::PASSWORD))
}

#[test]
fn the_command_exports_the_demo_childs_record() {
    let dir = tempfile::tempdir().unwrap();
    let data = wardline::paths::DataDir::resolve(Some(dir.path().to_path_buf())).unwrap();
    // Built at a fixed instant (10:45 in Nairobi), not the machine's time.
    let now: chrono::DateTime<chrono::Utc> = "2026-03-12T07:45:00Z".parse().unwrap();
    let path = wardline::demo::ensure_at(&data, false, now, chrono_tz::Africa::Nairobi)
        .expect("the demo builds");
    let mrn: String = Db::open(&path)
        .unwrap()
        .conn()
        .query_row(
            "SELECT p.mrn FROM diagnoses d JOIN patients p ON p.id = d.patient_id WHERE d.code = 'E44.0'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let out = dir.path().join("child.json");
    let export = |user: &str, extra: &[&str]| {
        let mut args = vec!["export", "record", "--patient", &mrn, "--format", "fhir"];
        args.extend_from_slice(extra);
        args.extend(["--as", user]);
        wardline(dir.path(), &args)
    };

    let (ok, text) = export("reception", &[]);
    assert!(
        !ok && text.contains("a receptionist may not see the clinical record"),
        "{text}"
    );
    // The nurse on the ward is not in the clinic child's care any more.
    let (ok, text) = export("nurse", &[]);
    assert!(!ok && text.contains("--break-glass"), "{text}");
    let (ok, text) = export(
        "nurse",
        &[
            "--break-glass",
            "referral to the nutrition clinic",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(ok && text.contains("Exported the record of"), "{text}");
    let b: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(
        observation(&b, "56072-2")[0]["valueQuantity"]["value"].as_f64(),
        Some(11.2)
    );
    // An existing file is never overwritten.
    let (ok, text) = export("doctor", &["--out", out.to_str().unwrap()]);
    assert!(!ok && text.contains("already exists"), "{text}");
    validate(&[&out]);
}

/// The entries of one resource type.
fn of_type<'a>(b: &'a Value, t: &str) -> Vec<&'a Value> {
    b["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == t)
        .collect()
}

#[test]
fn the_demo_patients_medicines_export_as_valid_fhir() {
    let dir = tempfile::tempdir().unwrap();
    let data = wardline::paths::DataDir::resolve(Some(dir.path().to_path_buf())).unwrap();
    // Built at a fixed instant (10:45 in Nairobi), not the machine's time.
    let now: DateTime<Utc> = "2026-03-12T07:45:00Z".parse().unwrap();
    let path = wardline::demo::ensure_at(&data, false, now, chrono_tz::Africa::Nairobi)
        .expect("the demo builds");
    let mut db = Db::open(&path).unwrap();
    let clock = db.clock(now).unwrap();
    let one = |db: &Db, sql: &str, p: &str| -> i64 {
        db.conn().query_row(sql, [p], |r| r.get(0)).unwrap()
    };
    let patient_of =
        |db: &Db, sql: &str| -> String { db.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
    // The child whose amoxicillin was written over an allergy, and the
    // inpatient whose dose was held.
    let child = patient_of(
        &db,
        "SELECT p.patient_id FROM prescription_overrides o JOIN prescriptions p ON p.id = o.prescription_id",
    );
    let inpatient = patient_of(
        &db,
        "SELECT patient_id FROM medication_administrations WHERE outcome = 'held'",
    );
    let doctor = auth::sign_in(&mut db, "doctor", wardline::demo::PASSWORD, now).unwrap();
    let nurse = auth::sign_in(&mut db, "nurse", wardline::demo::PASSWORD, now).unwrap();
    // On the patient with the most doses given, one charted as given by
    // mistake, corrected by the nurse.
    let busiest = patient_of(
        &db,
        "SELECT patient_id FROM medication_administrations WHERE outcome = 'given'
         GROUP BY patient_id ORDER BY count(*) DESC LIMIT 1",
    );
    let (wrong, given_at): (String, String) = db
        .conn()
        .query_row(
            "SELECT id, at FROM medication_administrations WHERE patient_id = ?1 AND outcome = 'given' ORDER BY at LIMIT 1",
            [&busiest],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let correction = ops::mar::correct_dose(
        &mut db,
        &nurse,
        &ops::mar::Correction {
            wrong: Id::from_stored(wrong.clone()),
            outcome: wardline::domain::prescribing::mar::Outcome::Refused,
            at: given_at.parse().unwrap(),
            reason: "said it makes her dizzy".into(),
            why: "charted as given by mistake".into(),
        },
        clock,
    )
    .expect("the correction");
    let mut files = Vec::new();
    let mut bundles = Vec::new();
    for (by, patient) in [(&doctor, &child), (&nurse, &inpatient), (&nurse, &busiest)] {
        let mut out = Vec::new();
        let n = ops::fhir::export_record(
            &mut db,
            by,
            &Id::from_stored(patient.clone()),
            &mut out,
            clock,
        )
        .expect("the record exports");
        let b: Value = serde_json::from_slice(&out).unwrap();
        let c = counts(&b);
        let requests = one(
            &db,
            "SELECT count(*) FROM prescriptions WHERE patient_id = ?1",
            patient,
        );
        let dispenses = one(
            &db,
            "SELECT count(*) FROM prescription_dispenses d JOIN prescriptions p ON p.id = d.prescription_id WHERE p.patient_id = ?1",
            patient,
        );
        let doses = one(
            &db,
            "SELECT count(*) FROM medication_administrations WHERE patient_id = ?1",
            patient,
        );
        assert!(requests >= 1);
        let got = |t: &str| c.get(t).copied().unwrap_or(0) as i64;
        assert_eq!(got("MedicationRequest"), requests);
        assert_eq!(got("MedicationDispense"), dispenses);
        assert_eq!(got("MedicationAdministration"), doses);
        assert_eq!(
            (n.medication_requests, n.dispenses, n.administrations),
            (requests as usize, dispenses as usize, doses as usize)
        );
        assert_eq!(n.total(), b["entry"].as_array().unwrap().len());
        let mut refs = Vec::new();
        references(&b, &mut refs);
        let urls: HashSet<&str> = b["entry"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["fullUrl"].as_str().unwrap())
            .collect();
        assert!(refs.iter().all(|r| urls.contains(r.as_str())), "{refs:?}");
        let file = dir.path().join(format!("{patient}.json"));
        std::fs::write(&file, &out).unwrap();
        files.push(file);
        bundles.push(b);
    }

    // The child's amoxicillin: an order with its dose in UCUM, the oral
    // route in SNOMED CT, the override as a note, dispensed in full.
    let b = &bundles[0];
    let rq = of_type(b, "MedicationRequest");
    let amox = rq
        .iter()
        .find(|r| {
            r["medicationCodeableConcept"]["text"]
                .as_str()
                .unwrap()
                .contains("amoxicillin")
        })
        .expect("the amoxicillin order");
    assert_eq!(amox["intent"], "order");
    assert_eq!(amox["status"], "active");
    assert!(
        amox["medicationCodeableConcept"].get("coding").is_none(),
        "no invented codes"
    );
    let dosage = &amox["dosageInstruction"][0];
    assert_eq!(dosage["route"]["coding"][0]["code"], "26643006");
    assert_eq!(dosage["doseAndRate"][0]["doseQuantity"]["code"], "mg");
    assert_eq!(
        dosage["doseAndRate"][0]["doseQuantity"]["value"].as_f64(),
        Some(250.0)
    );
    assert_eq!(dosage["timing"]["repeat"]["frequency"], 2);
    assert_eq!(dosage["timing"]["repeat"]["periodUnit"], "d");
    assert!(
        amox["note"][0]["text"]
            .as_str()
            .unwrap()
            .contains("allergy check overridden")
    );
    let ordered = amox["dispenseRequest"]["quantity"]["value"]
        .as_i64()
        .unwrap();
    let handed: i64 = of_type(b, "MedicationDispense")
        .iter()
        .filter(|d| {
            d["authorizingPrescription"][0]["reference"]
                == format!("urn:uuid:{}", amox["id"].as_str().unwrap())
        })
        .map(|d| d["quantity"]["value"].as_i64().unwrap())
        .sum();
    assert_eq!(handed, ordered, "dispensed in full");

    // The inpatient's round: the dose held with its reason.
    let b = &bundles[1];
    let given = of_type(b, "MedicationAdministration");
    let held = given
        .iter()
        .find(|a| a["status"] == "not-done")
        .expect("the held dose");
    assert!(
        held["statusReason"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("held: BP")
    );
    // The busiest: doses given; the corrected record stays, entered in
    // error, and its correction names it.
    let b = &bundles[2];
    let given = of_type(b, "MedicationAdministration");
    assert!(
        given
            .iter()
            .any(|a| a["status"] == "completed" && a["effectiveDateTime"].is_string())
    );
    let by_id = |id: &str| {
        given
            .iter()
            .find(|a| a["id"] == id)
            .copied()
            .expect("the record is exported")
    };
    assert_eq!(by_id(&wrong)["status"], "entered-in-error");
    let fixed = by_id(correction.id.as_str());
    assert_eq!(fixed["status"], "not-done");
    assert!(
        fixed["note"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["text"].as_str().unwrap().contains(&wrong)),
        "{fixed}"
    );
    validate(&files.iter().map(|f| f.as_path()).collect::<Vec<_>>());
}
