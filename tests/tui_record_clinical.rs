//! The clinical record where staff already look, driven by keys: the
//! record's clinical page for a doctor in the patient's care, the
//! pharmacist's part of it, nothing for the receptionist, the admin who
//! must break the glass (an empty reason refused), the allergy banner in the
//! patient picker, on the bed and on the dispense confirmation, and the
//! NEWS2 on the bed board. The hospital is on UTC; every write is at a
//! fixed time before the screen's fixed clock.

mod common;
mod tui_harness;

use chrono::{DateTime, Duration, Utc};
use common::clinic as fixture;
use ratatui::crossterm::event::KeyCode;
use tui_harness::{Harness, PASSWORD, t0};
use wardline::auth::Session;
use wardline::domain::beds::WardKind;
use wardline::domain::clock::Clock;
use wardline::domain::conditions::{Certainty, Rank, Severity};
use wardline::domain::news2::Consciousness;
use wardline::domain::pharmacy::ItemDetails;
use wardline::domain::visit::{NoteText, VisitKind};
use wardline::domain::vitals::Vitals;
use wardline::ops;
use wardline::ops::allergies::ProblemInput;
use wardline::ops::diagnoses::DiagnosisInput;
use wardline::ops::pharmacy::Receipt;
use wardline::ops::vitals::VitalsInput;
use wardline::store::{Db, audit};

fn at(t: DateTime<Utc>) -> Clock {
    Clock::new(t, chrono_tz::UTC)
}

fn set(rr: i64, spo2: i64, oxygen: bool, sbp: i64, pulse: i64, temp: i64) -> Vitals {
    fixture::news2_set(rr, spo2, oxygen, sbp, pulse, Consciousness::Alert, temp)
}

fn register(
    db: &mut Db,
    by: &Session,
    given: &str,
    family: &str,
    born: &str,
) -> wardline::domain::patient::Patient {
    let input = fixture::person(given, family, born, "M");
    fixture::register(db, by, &input, t0() - Duration::days(5))
}

/// Through another terminal: a doctor; a ward with two beds; Bao Tran
/// admitted under the doctor, allergic to penicillin, hypertensive, seen on
/// a signed ward round with an addendum and a diagnosis, with three vitals
/// sets whose NEWS2 rises to 14; Amina Okafor never asked about allergies;
/// amoxicillin in stock.
fn hospital(h: &Harness) {
    let early = t0() - Duration::days(6);
    let mut clinic = fixture::Clinic::on(h.app.db().path(), early);
    clinic.staff(&[fixture::DOCTOR]);
    let doctor = clinic.signed_in("doctor", early);
    let nurse = clinic.signed_in("nurse", early);
    let pharm = clinic.signed_in("pharm", early);
    let ward = clinic.ward("Medical", WardKind::Medical);
    // The nurse works on the medical ward: she charts its patients.
    clinic.nurse_on("nurse", &ward);
    let bed = clinic.bed(&ward, "MED-01");
    clinic.bed(&ward, "MED-02");
    let fixture::Clinic { mut db, admin, .. } = clinic;
    let bao = register(&mut db, &admin, "Bao", "Tran", "1960-01-01");
    register(&mut db, &admin, "Amina", "Okafor", "1988-02-28");
    let admitted = t0() - Duration::days(2);
    fixture::admit(
        &mut db,
        &nurse,
        &bao.id,
        &bed,
        &doctor.user.id,
        "pneumonia",
        admitted,
    );
    let c = at(admitted + Duration::hours(1));
    ops::allergies::record(
        &mut db,
        &doctor,
        &bao.id,
        "Penicillin",
        "anaphylaxis",
        Severity::Severe,
        c,
    )
    .unwrap();
    ops::allergies::add_problem(
        &mut db,
        &doctor,
        &ProblemInput {
            patient: &bao.id,
            code_system: "ICD-10-CM",
            code: "I10",
            text: "Essential hypertension",
            onset: chrono::NaiveDate::from_ymd_opt(2015, 1, 1),
        },
        c,
    )
    .unwrap();
    let round = at(t0() - Duration::days(1));
    let visit = ops::visits::start(&mut db, &doctor, &bao.id, VisitKind::WardRound, round).unwrap();
    let text = NoteText {
        presenting_complaint: "Cough and fever for five days".into(),
        examination: "Crackles right base".into(),
        assessment: "Community-acquired pneumonia, improving".into(),
        plan: "Continue antibiotics".into(),
        ..NoteText::default()
    };
    let note = ops::visits::save_draft(&mut db, &doctor, &visit.id, &text, None, round).unwrap();
    ops::visits::sign(&mut db, &doctor, &visit.id, note.version, round).unwrap();
    ops::visits::add_addendum(
        &mut db,
        &doctor,
        &visit.id,
        "wrong antibiotic named",
        "Ceftriaxone, not amoxicillin: penicillin allergy",
        at(t0() - Duration::hours(20)),
    )
    .unwrap();
    ops::diagnoses::add(
        &mut db,
        &doctor,
        &DiagnosisInput {
            visit: &visit.id,
            code_system: "ICD-10-CM",
            code: "J18.9",
            text: "Pneumonia, unspecified organism",
            rank: Rank::Primary,
            certainty: Certainty::Confirmed,
        },
        round,
    )
    .unwrap();
    for (hours, v) in [
        (30, set(16, 97, false, 125, 72, 369)),
        (12, set(22, 95, false, 115, 95, 385)),
        (1, set(25, 91, true, 100, 120, 392)),
    ] {
        let when = t0() - Duration::hours(hours);
        ops::vitals::record(
            &mut db,
            &nurse,
            &VitalsInput {
                patient: &bao.id,
                visit: None,
                taken_at: when,
                vitals: v,
            },
            at(when),
        )
        .unwrap();
    }
    let amx = fixture::add_item(
        &mut db,
        &pharm,
        &ItemDetails {
            category: "Test".into(),
            reorder_level: 10,
            max_dispense: None,
            ..fixture::formulary_item("Amoxicillin", "amoxicillin", "500 mg", "capsule")
        },
        early,
    );
    let delivery = Receipt {
        unit_cost: 100,
        price: 200,
        supplier: "MEDS".into(),
        reference: "INV-1".into(),
        ..fixture::receipt(&amx, "AMX-1", t0().date_naive() + Duration::days(300), 100)
    };
    fixture::receive(&mut db, &pharm, &delivery, early);
}

fn signed_in(user: &str, w: u16, hgt: u16) -> Harness {
    let mut h = Harness::sized(w, hgt, false);
    hospital(&h);
    h.sign_in(user, PASSWORD);
    h
}

/// Opens Bao Tran's record from the patients tab.
fn open_bao(h: &mut Harness) {
    h.open_record("tran");
}

/// The audit events of one action whose summary holds `about`.
fn events(h: &Harness, action: &str, about: &str) -> usize {
    audit::recent(h.app.db().conn(), 1000)
        .unwrap()
        .into_iter()
        .filter(|r| r.action == action && r.summary.contains(about))
        .count()
}

#[test]
fn a_doctor_in_care_sees_the_clinical_sections_and_reads_a_note() {
    let mut h = signed_in("doctor", 120, 36);
    open_bao(&mut h);
    let s = h.screen();
    assert!(
        s.contains("⚠ ALLERGIES: Penicillin (anaphylaxis, severe)"),
        "{s}"
    );
    assert!(
        s.contains("Demographics") && s.contains("c clinical record"),
        "{s}"
    );
    h.press(KeyCode::Char('c'));
    let s = h.screen();
    for part in [
        "Problems",
        "I10 Essential hypertension · since 2015-01-01",
        "ward round · Dr. Aisha Rahman · signed",
        "J18.9 Pneumonia, unspecified organism",
        "Latest vitals",
        "NEWS2 14 (high risk)",
        "Trends over this admission (3 sets)",
        "pulse",
        "72→120",
    ] {
        assert!(s.contains(part), "{part} missing:\n{s}");
    }
    snapshot!("record_clinical_page", s);
    h.press(KeyCode::Enter);
    let s = h.screen();
    for part in [
        "Signed by Dr. Aisha Rahman",
        "Community-acquired pneumonia, improving",
        "Addendum by Dr. Aisha Rahman",
        "Why: wrong antibiotic named",
        "Ceftriaxone, not amoxicillin",
    ] {
        assert!(s.contains(part), "{part} missing:\n{s}");
    }
    snapshot!("record_visit_note", s);
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('c'));
    let _ = h.screen();
    let _ = h.screen();
    assert_eq!(
        events(&h, "READ", "opened the clinical record"),
        1,
        "one READ per opening, not per frame or page"
    );
    assert_eq!(events(&h, "BREAK_GLASS", ""), 0);
}

#[test]
fn a_pharmacist_sees_allergies_diagnoses_and_problems_only() {
    let mut h = signed_in("pharm", 120, 36);
    open_bao(&mut h);
    let s = h.screen();
    assert!(s.contains("ALLERGIES: Penicillin"), "{s}");
    h.press(KeyCode::Char('c'));
    let s = h.screen();
    assert!(s.contains("Problems") && s.contains("I10"), "{s}");
    assert!(s.contains("Diagnoses") && s.contains("J18.9"), "{s}");
    for hidden in ["Visits", "Latest vitals", "NEWS2", "improving", "Trends"] {
        assert!(!s.contains(hidden), "{hidden} shown to a pharmacist:\n{s}");
    }
    assert_eq!(events(&h, "READ", "(diagnoses, allergies, problems)"), 1);
}

#[test]
fn a_receptionist_sees_no_clinical_content() {
    let mut h = signed_in("reception", 120, 36);
    open_bao(&mut h);
    h.press(KeyCode::Char('c'));
    h.press(KeyCode::Char('g'));
    let s = h.screen();
    assert!(s.contains("Demographics") && s.contains("Bao Tran"), "{s}");
    for hidden in [
        "Penicillin",
        "ALLERGIES",
        "Allergies",
        "Problems",
        "Clinical record",
        "break the glass",
        "NEWS2",
    ] {
        assert!(
            !s.contains(hidden),
            "{hidden} shown to a receptionist:\n{s}"
        );
    }
    assert_eq!(events(&h, "READ", "clinical record"), 0);
}

#[test]
fn an_admin_must_break_the_glass_with_a_reason() {
    let mut h = signed_in("admin", 120, 36);
    open_bao(&mut h);
    let s = h.screen();
    assert!(
        s.contains("Clinical record: not in your care — press g to break the glass"),
        "{s}"
    );
    assert!(
        s.contains("Demographics") && !s.contains("Penicillin"),
        "{s}"
    );
    h.press(KeyCode::Char('g'));
    let s = h.screen();
    assert!(s.contains("type why"), "{s}");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(
        s.contains("type why"),
        "an empty reason keeps the prompt open:\n{s}"
    );
    assert_eq!(events(&h, "BREAK_GLASS", ""), 0);
    assert_eq!(events(&h, "READ", "opened the clinical record"), 0);
    h.typed("coroner's request 2026/114");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Glass broken for"), "{s}");
    assert!(s.contains("Penicillin") && s.contains("Problems"), "{s}");
    assert!(s.contains("Latest vitals"), "{s}");
    assert_eq!(events(&h, "BREAK_GLASS", "coroner's request 2026/114"), 1);
    assert_eq!(events(&h, "READ", "glass broken"), 1);
}

#[test]
fn the_picker_shows_the_allergy_banner_to_clinicians_and_pharmacists_only() {
    // A nurse admitting into the free bed.
    let mut h = signed_in("nurse", 100, 30);
    h.press(KeyCode::F(4));
    h.press(KeyCode::Right);
    h.press(KeyCode::Char('a'));
    h.typed("tran");
    let s = h.screen();
    assert!(s.contains("Bao Tran: ⚠ ALLERGIES: Penicillin"), "{s}");
    h.press(KeyCode::Esc);

    // A pharmacist dispensing.
    let mut h = signed_in("pharm", 100, 30);
    h.press(KeyCode::F(5));
    h.press(KeyCode::Char('d'));
    h.typed("2");
    h.ctrl('p');
    h.typed("okafor");
    let s = h.screen();
    assert!(s.contains("Amina Okafor: ⚠ Allergies not asked"), "{s}");
    let reads = events(&h, "READ", "viewed the allergies");
    assert_eq!(reads, 0, "browsing the picker writes no event");

    // A receptionist booking.
    let mut h = signed_in("reception", 100, 30);
    h.press(KeyCode::F(3));
    h.press(KeyCode::Char('n'));
    h.typed("tran");
    let s = h.screen();
    assert!(s.contains("Bao Tran"), "{s}");
    assert!(!s.contains("ALLERGIES") && !s.contains("Penicillin"), "{s}");
}

#[test]
fn the_bed_tile_shows_a_high_rising_news2_and_the_bed_its_allergies() {
    let mut h = signed_in("nurse", 80, 24);
    h.press(KeyCode::F(4));
    let s = h.screen();
    assert!(s.contains("O MED-01 N14!↑ 2d"), "{s}");
    snapshot!("beds_board_news2", s);
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(
        s.contains("⚠ ALLERGIES: Penicillin (anaphylaxis, severe)"),
        "{s}"
    );
    assert!(
        s.contains("NEWS2 N14!↑ (high risk) · RISING since the set before · taken"),
        "{s}"
    );
    assert_eq!(events(&h, "READ", "viewed the allergies"), 1);

    let mut r = signed_in("reception", 80, 24);
    r.press(KeyCode::F(4));
    let s = r.screen();
    assert!(s.contains("O MED-01") && !s.contains("N14"), "{s}");
}

#[test]
fn the_dispense_confirmation_shows_the_allergy() {
    let mut h = signed_in("pharm", 80, 24);
    h.press(KeyCode::F(5));
    h.press(KeyCode::Char('d'));
    h.typed("2");
    h.ctrl('p');
    h.typed("tran");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(
        s.contains("⚠ ALLERGIES: Penicillin (anaphylaxis, severe)"),
        "{s}"
    );
    h.ctrl('s');
    let s = h.screen();
    assert!(s.contains("Dispense 2 capsules of Amoxicillin"), "{s}");
    assert!(
        s.contains("⚠ ALLERGIES: Penicillin (anaphylaxis, severe)"),
        "{s}"
    );
    snapshot!("dispense_confirmation_allergy", s);
}
