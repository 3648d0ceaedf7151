//! `wardline pharmacy reverse-dispense` in the real binary: a pharmacist
//! reverses a prescription's dispense by its ledger number with a reason;
//! it says what went back (stock, its charge, the prescription), and a
//! second time, or a number that is no dispense, is refused in words.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use common::clinic::{self as fixture, PASSWORD};
use std::path::Path;
use wardline::domain::clock::Clock;
use wardline::domain::prescribing::Frequency;
use wardline::domain::role::Role;
use wardline::domain::visit::VisitKind;
use wardline::ops;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 9, 8, 30, 0).unwrap()
}

/// A hospital whose pharmacist dispensed a course of 15 capsules against a
/// prescription; returns the dispense's ledger number.
fn dispensed(data: &Path) -> i64 {
    let path = data.join("hospitals").join("TST.db");
    let zone = chrono_tz::UTC;
    let early = t0() - Duration::hours(2);
    let mut c = fixture::Clinic::create(&path, "Test Clinic", zone, early, early);
    c.staff(&[fixture::DOCTOR, ("pharm", "Olu Adeyemi", Role::Pharmacist)]);
    let doctor = c.signed_in("doctor", early);
    let pharm = c.signed_in("pharm", early);
    let amx = c.item("Amoxicillin", "amoxicillin", "500 mg", "capsule");
    // Far from expiry, whatever day the test runs.
    let r = fixture::receipt(
        &amx,
        "AMX-1",
        NaiveDate::from_ymd_opt(2099, 12, 31).unwrap(),
        100,
    );
    fixture::receive(&mut c.db, &c.admin, &r, early);
    let input = fixture::person("Tomás", "Ortega", "1970-01-01", "M");
    let p = fixture::register(&mut c.db, &c.admin, &input, early).id;
    let mut db = c.db;
    let at = Clock::new(t0(), zone);
    ops::clinical::break_glass(&mut db, &doctor, &p, "walk-in at the desk", at).unwrap();
    let v = ops::visits::start(&mut db, &doctor, &p, VisitKind::WalkIn, at)
        .unwrap()
        .id;
    let rx = ops::prescriptions::prescribe(
        &mut db,
        &doctor,
        &fixture::order(&v, &amx, "500 mg", Frequency::Tds, Some(5)),
        at,
    )
    .unwrap()
    .id;
    ops::dispensing::dispense(&mut db, &pharm, &rx, None, t0()).unwrap();
    db.conn()
        .query_row(
            "SELECT seq FROM stock_movements WHERE kind = 'dispense'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn a_pharmacist_reverses_a_dispense_by_its_ledger_number() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let seq = dispensed(data);
    let number = seq.to_string();
    let args = [
        "pharmacy",
        "reverse-dispense",
        number.as_str(),
        "--reason",
        "dispensed to the wrong patient",
        "--as",
        "pharm",
    ];
    let (done, out) = common::cli::said(data, &args, &format!("{PASSWORD}\n"));
    assert!(done, "{out}");
    assert!(
        out.contains(&format!(
            "Reversed dispense {seq} of 15 capsules of Amoxicillin 500 mg capsule: 15 capsules to batch AMX-1; its charge was reversed on the bill; the prescription owes it again."
        )),
        "{out}"
    );
    let (done, out) = common::cli::said(data, &args, &format!("{PASSWORD}\n"));
    assert!(!done);
    assert!(
        out.contains(&format!("dispense {seq} was reversed already")),
        "{out}"
    );
    let (done, out) = common::cli::said(
        data,
        &[
            "pharmacy",
            "reverse-dispense",
            "1",
            "--reason",
            "typo",
            "--as",
            "pharm",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(!done);
    assert!(
        out.contains("ledger row 1 is not a dispense: check the number in the item's ledger"),
        "{out}"
    );
}
