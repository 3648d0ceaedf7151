//! `wardline label specimen ACCESSION` in the real binary: the specimen
//! label of a lab order as receipt text (every line within its columns)
//! and as a PDF that `pdftotext` reads back with the accession number,
//! the MRN and the tests; the refusals say what to do; each label written
//! is an EXPORT event.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::cli::{assert_fits, assert_private_pdf, assert_says, pdf_words, said};
use common::clinic::{self as fixture, Clinic, PASSWORD};
use std::path::Path;
use wardline::domain::beds::WardKind;
use wardline::domain::prescribing::Priority;
use wardline::store::Db;

/// 08:30 on 9 March 2026 in Lima (UTC-5).
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 9, 13, 30, 0).unwrap()
}

/// A hospital in Lima with an admitted patient and a stat order of
/// potassium and creatinine (one serum specimen), another cancelled;
/// returns the accession numbers and the patient's MRN.
fn hospital(data: &Path) -> (String, String, String) {
    let path = data.join("hospitals").join("TST.db");
    let early = t0() - Duration::days(2);
    let mut c = Clinic::create(
        &path,
        "Hospital Santa Rosa",
        chrono_tz::America::Lima,
        early,
        early,
    );
    c.staff(&[
        fixture::DOCTOR,
        fixture::NURSE,
        fixture::LAB_TECH,
        fixture::RECEPTIONIST,
        fixture::PHARMACIST,
    ]);
    let doctor = c.signed_in("doctor", early);
    let nurse = c.signed_in("nurse", early);
    let ward = c.ward("Medical", WardKind::Medical);
    let bed = c.bed(&ward, "MED-01");
    let input = fixture::person("Tomás", "Ortega Núñez", "1961-07-30", "M");
    let p = fixture::register(&mut c.db, &c.admin.clone(), &input, early);
    let attending = doctor.user.id.clone();
    fixture::admit(
        &mut c.db, &nurse, &p.id, &bed, &attending, "vomiting", early,
    );
    let o = c.lab_order(&doctor, &p.id, None, &["K", "CREA"], Priority::Stat, t0());
    let gone = c.lab_order(&doctor, &p.id, None, &["CRP"], Priority::Routine, t0());
    let (clock, v) = (
        c.clock(t0() + Duration::minutes(5)),
        c.order_version(&gone[0]),
    );
    wardline::ops::lab::cancel(&mut c.db, &doctor, &gone[0].id, v, "ordered twice", clock)
        .expect("cancel");
    (
        o[0].accession.to_string(),
        gone[0].accession.to_string(),
        p.mrn,
    )
}

fn run(data: &Path, args: &[&str]) -> (bool, String) {
    said(data, args, &format!("{PASSWORD}\n"))
}

#[test]
fn a_specimen_label_prints_as_text_and_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let (accession, cancelled, mrn) = hospital(data);

    for (width, columns) in [("80", 48), ("58", 32)] {
        let (ok, out) = run(
            data,
            &[
                "label", "specimen", &accession, "--width", width, "--as", "lab",
            ],
        );
        assert!(ok, "{out}");
        assert_fits(&out, columns);
        assert_says(
            &out,
            &[
                accession.as_str(),
                &format!("MRN: {mrn}"),
                "Patient: Tomás Ortega Núñez",
                "Sex: male",
                "Tests: Potassium, Creatinine",
                "Specimen: serum",
                "Priority: STAT",
                // 13:30 UTC is 08:30 in Lima.
                "08:30",
            ],
        );
    }

    let pdf = data.join("label.pdf");
    let pdf_arg = pdf.to_str().unwrap();
    let (ok, out) = run(
        data,
        &[
            "label",
            "specimen",
            &accession.to_lowercase(),
            "--pdf",
            pdf_arg,
            "--as",
            "lab",
        ],
    );
    assert!(ok, "{out}");
    assert_private_pdf(&pdf);
    if let Some(flat) = pdf_words(&pdf) {
        for words in [
            accession.as_str(),
            &format!("MRN: {mrn}"),
            "Tests: Potassium, Creatinine",
            "Hospital Santa Rosa",
        ] {
            assert!(
                flat.contains(words),
                "{words:?} missing from the PDF's text:\n{flat}"
            );
        }
    }
    let (ok, out) = run(
        data,
        &[
            "label", "specimen", &accession, "--pdf", pdf_arg, "--as", "lab",
        ],
    );
    assert!(!ok && out.contains("already exists"), "{out}");

    let (ok, out) = run(data, &["label", "specimen", &cancelled, "--as", "lab"]);
    assert!(!ok && out.contains("is cancelled"), "{out}");
    let mut wrong = accession.clone();
    let last = wrong.pop().unwrap();
    wrong.push(if last == '0' { '1' } else { '0' });
    let (ok, out) = run(data, &["label", "specimen", &wrong, "--as", "lab"]);
    assert!(!ok && out.contains("does not check out"), "{out}");
    let (ok, out) = run(data, &["label", "specimen", &accession, "--as", "pharm"]);
    assert!(!ok, "a pharmacist printed a specimen label: {out}");
    // The medicine label's command still reads as it did.
    let (ok, out) = run(data, &["label", "--as", "lab"]);
    assert!(!ok && out.contains("--prescription"), "{out}");

    let db = Db::open(&data.join("hospitals").join("TST.db")).unwrap();
    let exports: i64 = db
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'EXPORT' AND entity = 'lab_order'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(exports, 3, "each label written is recorded");
}
