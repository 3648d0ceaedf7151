//! `wardline label` in the real binary: the label of a dispensed
//! prescription as 80 and 58 mm receipt text (every line within its
//! columns) and as a PDF that `pdftotext` reads back with the accents of
//! the patient's and the hospital's names; the refusals say what to do.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::cli::{pdf_words, refused};
use common::clinic::{self as fixture, PASSWORD};
use std::path::Path;
use std::process::Output;
use wardline::domain::clock::Clock;
use wardline::domain::ids::Id;
use wardline::domain::prescribing::Frequency;
use wardline::domain::role::Role;
use wardline::domain::visit::VisitKind;
use wardline::ops;
use wardline::ops::prescriptions::PrescriptionInput;
use wardline::store::Db;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 9, 8, 30, 0).unwrap()
}

fn run(data: &Path, args: &[&str]) -> Output {
    common::cli::run(data, args, &format!("{PASSWORD}\n"))
}

fn ok(data: &Path, args: &[&str]) -> Output {
    let out = run(data, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn order(visit: &Id, item: &str) -> PrescriptionInput {
    PrescriptionInput {
        instructions: "Take after food with a full glass of water; finish the course".into(),
        ..fixture::order(visit, item, "500 mg", Frequency::Tds, Some(5))
    }
}

/// A hospital with one dispensed prescription and one waiting; returns
/// their IDs.
fn hospital(data: &Path) -> (Id, Id) {
    let path = data.join("hospitals").join("TST.db");
    let zone = chrono_tz::UTC;
    let early = t0() - Duration::hours(2);
    let mut c = fixture::Clinic::create(&path, "Clínica São Tomé", zone, early, early);
    c.staff(&[
        fixture::DOCTOR,
        ("pharm", "Olu Adeyemi", Role::Pharmacist),
        fixture::RECEPTIONIST,
    ]);
    let doctor = c.signed_in("doctor", early);
    let pharm = c.signed_in("pharm", early);
    let amx = c.item("Amoxicillin", "amoxicillin", "500 mg", "capsule");
    let r = fixture::receipt(&amx, "AMX-1", t0().date_naive() + Duration::days(300), 100);
    fixture::receive(&mut c.db, &c.admin, &r, early);
    let input = fixture::person("Tomás", "Ortega Núñez", "1970-01-01", "M");
    let p = fixture::register(&mut c.db, &c.admin, &input, early).id;
    let mut db = c.db;
    let at = Clock::new(t0(), zone);
    ops::clinical::break_glass(&mut db, &doctor, &p, "walk-in at the desk", at).unwrap();
    let v = ops::visits::start(&mut db, &doctor, &p, VisitKind::WalkIn, at)
        .unwrap()
        .id;
    let done = ops::prescriptions::prescribe(&mut db, &doctor, &order(&v, &amx), at)
        .unwrap()
        .id;
    ops::dispensing::dispense(&mut db, &pharm, &done, None, t0()).unwrap();
    let mut other = order(&v, &amx);
    other.overrides = ops::prescriptions::review(&db, &doctor, &other, at)
        .unwrap()
        .findings
        .iter()
        .map(|f| (f.kind, "second course on purpose".to_string()))
        .collect();
    let waiting = ops::prescriptions::prescribe(&mut db, &doctor, &other, at)
        .unwrap()
        .id;
    (done, waiting)
}

#[test]
fn a_dispensed_prescription_prints_as_text_and_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let (done, waiting) = hospital(data);
    let id = done.as_str();

    for (width, columns) in [("80", 48), ("58", 32)] {
        let out = ok(
            data,
            &[
                "label",
                "--prescription",
                id,
                "--width",
                width,
                "--as",
                "pharm",
            ],
        );
        let text = String::from_utf8(out.stdout).unwrap();
        for line in text.lines() {
            assert!(
                line.chars().count() <= columns,
                "{line:?} wider than {columns}"
            );
        }
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for words in [
            "Clínica São Tomé",
            "Patient: Tomás Ortega Núñez",
            "MRN: TST-",
            "Medicine: Amoxicillin capsule",
            "Strength: 500 mg",
            "Dose: 500 mg oral",
            "How often: three times a day (TDS)",
            "For: 5 days",
            "Quantity: 15 capsule",
            "Instructions: Take after food with a full glass of water; finish the course",
            "Date: ",
        ] {
            assert!(flat.contains(words), "{words:?} missing from\n{text}");
        }
    }

    let pdf = data.join("label.pdf");
    let pdf_arg = pdf.to_str().unwrap();
    ok(
        data,
        &[
            "label",
            "--prescription",
            id,
            "--format",
            "pdf",
            "--out",
            pdf_arg,
            "--as",
            "pharm",
        ],
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&pdf).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    let err = refused(
        data,
        &[
            "label",
            "--prescription",
            id,
            "--format",
            "pdf",
            "--out",
            pdf_arg,
            "--as",
            "pharm",
        ],
    );
    assert!(err.contains("already exists"), "{err}");

    if let Some(flat) = pdf_words(&pdf) {
        for words in [
            "Clínica São Tomé",
            "Patient: Tomás Ortega Núñez",
            "Medicine: Amoxicillin capsule",
            "Quantity: 15 capsule",
        ] {
            assert!(
                flat.contains(words),
                "{words:?} missing from the PDF's text:\n{flat}"
            );
        }
    }

    let err = refused(
        data,
        &[
            "label",
            "--prescription",
            id,
            "--width",
            "70",
            "--as",
            "pharm",
        ],
    );
    assert!(
        err.contains("type 58 (32 columns) or 80 (48 columns)"),
        "{err}"
    );
    let err = refused(
        data,
        &["label", "--prescription", waiting.as_str(), "--as", "pharm"],
    );
    assert!(err.contains("dispense it first"), "{err}");
    let err = refused(data, &["label", "--prescription", id, "--as", "desk"]);
    assert!(err.contains("print medicine labels"), "{err}");
    let db = Db::open(&data.join("hospitals").join("TST.db")).unwrap();
    let exports: i64 = db
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'EXPORT' AND entity = 'prescription'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(exports, 3, "each label written is recorded");
}
