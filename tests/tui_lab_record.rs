//! The laboratory on the clinician's screens, driven by keys: ordering
//! tests from a visit, the patient's results and an analyte's trend chart,
//! the critical alert at the top of the worklist and acknowledging it, and
//! the bed tile's mark.

mod common;
mod tui_harness;

use chrono::{DateTime, Duration, Utc};
use common::clinic::{self as fixture, Clinic, DOCTOR, LAB_TECH, LAB_TECH_2};
use ratatui::crossterm::event::KeyCode;
use tui_harness::{Harness, PASSWORD, t0};
use wardline::domain::appointment::Status;
use wardline::domain::beds::WardKind;
use wardline::domain::clock::Clock;
use wardline::domain::patient::Patient;
use wardline::domain::prescribing::Priority;

fn clock() -> Clock {
    Clock::new(t0(), chrono_tz::UTC)
}

/// Masks the clock's times in a snapshot.
macro_rules! masked {
    ($name:expr, $screen:expr) => {
        insta::with_settings!({filters => vec![(r"\d\d:\d\d", "HH:MM")]}, {
            insta::assert_snapshot!($name, $screen);
        });
    };
}

struct Setup {
    c: Clinic,
    waiting: Patient,
    admitted: Patient,
}

/// The doctor with Amina checked in and waiting in their queue, and Peter
/// admitted under them to MED-01 of the nurse's ward; two lab technicians.
fn clinic(h: &Harness) -> Setup {
    let early = t0() - Duration::days(20);
    let mut c = Clinic::on(h.app.db().path(), early);
    c.staff(&[DOCTOR, LAB_TECH, LAB_TECH_2]);
    let desk = c.signed_in("reception", t0());
    let doctor = c.signed_in("doctor", t0());
    let nurse = c.signed_in("nurse", t0());
    let mut patient = |g: &str, f: &str, b: &str, s: &str| {
        fixture::register(&mut c.db, &c.admin, &fixture::person(g, f, b, s), early)
    };
    let waiting = patient("Amina", "Okafor", "1988-02-20", "F");
    let admitted = patient("Peter", "Otieno", "1962-01-20", "M");
    let b = fixture::book(
        &mut c.db,
        &desk,
        &waiting.id,
        &doctor.user.id,
        clock().today(),
        540,
        t0() - Duration::days(1),
    );
    fixture::advance(&mut c.db, &desk, &b, Status::CheckedIn, clock());
    let ward = c.ward("Medical", WardKind::Medical);
    c.nurse_on("nurse", &ward);
    let bed = c.bed(&ward, "MED-01");
    fixture::admit(
        &mut c.db,
        &nurse,
        &admitted.id,
        &bed,
        &doctor.user.id,
        "renal failure",
        t0() - Duration::days(10),
    );
    Setup {
        c,
        waiting,
        admitted,
    }
}

impl Setup {
    /// A potassium of the admitted patient ordered at `t`, collected,
    /// resulted `value` and verified.
    fn potassium(&mut self, value: &str, t: DateTime<Utc>) {
        let doctor = self.c.signed_in("doctor", t);
        let lab = self.c.signed_in("lab", t);
        let lab2 = self.c.signed_in("lab2", t);
        let patient = self.admitted.id.clone();
        let orders = self
            .c
            .lab_order(&doctor, &patient, None, &["K"], Priority::Stat, t);
        let o = &orders[0];
        self.c.collect(&lab, o, t + Duration::minutes(10));
        self.c
            .results(&lab, o, &[("K", value)], t + Duration::minutes(40));
        self.c.verify(&lab2, o, t + Duration::minutes(50));
    }
}

#[test]
fn a_doctor_orders_tests_from_a_visit_and_is_told_the_accession_numbers() {
    let mut h = Harness::sized(100, 30, false);
    let s = clinic(&h);
    h.sign_in("doctor", PASSWORD);
    h.press(KeyCode::F(7));
    h.press(KeyCode::Enter);
    assert!(h.screen().contains("Amina Okafor"));
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('l'));
    assert!(h.screen().contains("Laboratory order"));
    h.typed("potass");
    let screen = h.screen();
    assert!(screen.contains("K Potassium · serum"), "{screen}");
    h.press(KeyCode::Enter);
    h.typed("14749-6");
    let screen = h.screen();
    assert!(
        screen.contains("GLU Plasma glucose"),
        "found by LOINC: {screen}"
    );
    h.press(KeyCode::Enter);
    h.press(KeyCode::Tab);
    h.press(KeyCode::Right);
    h.press(KeyCode::Tab);
    h.typed("vomiting, on furosemide");
    let screen = h.screen();
    assert!(screen.contains("On the order: 2 tests"), "{screen}");
    masked!("lab_order_form", screen);
    h.ctrl('s');
    let screen = h.screen();
    assert!(screen.contains("Ordered, urgent"), "{screen}");
    let orders: Vec<(i64, String, String)> = {
        let conn = s.c.db.conn();
        let mut stmt = conn
            .prepare(
                "SELECT accession, specimen, priority FROM lab_orders
                 WHERE patient_id = ?1 ORDER BY accession",
            )
            .unwrap();
        stmt.query_map([s.waiting.id.as_str()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    assert_eq!(orders.len(), 2, "one order per specimen: {orders:?}");
    for (n, _, priority) in &orders {
        let accession = wardline::domain::lab::accession::Accession(*n as u64).to_string();
        assert!(screen.contains(&accession), "{accession} told: {screen}");
        assert_eq!(priority, "urgent");
    }
}

#[test]
fn the_results_show_flags_in_letters_and_a_numeric_analyte_its_trend_chart() {
    let mut h = Harness::sized(100, 30, false);
    let mut s = clinic(&h);
    s.potassium("4.1", t0() - Duration::days(3));
    s.potassium("5.6", t0() - Duration::days(2));
    s.potassium("6.9", t0() - Duration::days(1));
    let doctor = s.c.signed_in("doctor", t0());
    let patient = s.admitted.id.clone();
    s.c.lab_order(
        &doctor,
        &patient,
        None,
        &["CREA"],
        Priority::Routine,
        t0() - Duration::hours(1),
    );
    h.sign_in("doctor", PASSWORD);
    h.press(KeyCode::F(7));
    h.press(KeyCode::Down);
    h.press(KeyCode::Enter);
    assert!(h.screen().contains("Peter Otieno"));
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('R'));
    let screen = h.screen();
    assert!(screen.contains("Laboratory results · 4 orders"), "{screen}");
    assert!(
        screen.contains("pending: waiting for collection"),
        "{screen}"
    );
    assert!(screen.contains("6.9 mmol/L HH"), "{screen}");
    assert!(screen.contains("5.6 mmol/L H"), "{screen}");
    assert!(screen.contains("(3.5–5.1)"), "{screen}");
    // The first line is the creatinine, pending: nothing to draw yet.
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        screen.contains("Trend of CREA Creatinine (umol/L) · 0 values"),
        "{screen}"
    );
    assert!(
        screen.contains("No verified value to draw yet."),
        "{screen}"
    );
    h.press(KeyCode::Esc);
    // The next is the latest potassium.
    h.press(KeyCode::Down);
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        screen.contains("Trend of K Potassium (mmol/L) · 3 values"),
        "{screen}"
    );
    assert!(screen.contains("4.1"), "{screen}");
    assert!(screen.contains("6.9 HH"), "{screen}");
    assert!(screen.contains("range 3.5–5.1 mmol/L"), "{screen}");
    masked!("lab_trend_chart", screen);
    h.press(KeyCode::Esc);
    assert!(h.screen().contains("Laboratory results"));
    h.press(KeyCode::Esc);
    assert!(!h.screen().contains("Laboratory results"));
}

#[test]
fn the_worklist_alerts_a_critical_result_until_the_doctor_acknowledges_it() {
    let mut h = Harness::sized(100, 30, false);
    let mut s = clinic(&h);
    s.potassium("6.9", t0() - Duration::hours(3));
    h.sign_in("doctor", PASSWORD);
    h.press(KeyCode::F(7));
    let screen = h.screen();
    let line = format!(
        "!! CRITICAL K 6.9 mmol/L HH — Peter Otieno {}",
        s.admitted.mrn
    );
    assert!(screen.contains(&line), "{screen}");
    assert!(screen.contains("K acknowledge critical"), "{screen}");
    masked!("lab_worklist_critical", screen);
    h.press(KeyCode::Char('K'));
    let screen = h.screen();
    assert!(screen.contains("Acknowledge CRITICAL K 6.9"), "{screen}");
    h.press(KeyCode::Char('y'));
    let screen = h.screen();
    assert!(screen.contains("Critical result acknowledged."), "{screen}");
    assert!(!screen.contains("!! CRITICAL"), "{screen}");
    let who: (String, String) =
        s.c.db
            .conn()
            .query_row(
                "SELECT u.user_name, r.acknowledged_at FROM lab_results r
             JOIN users u ON u.id = r.acknowledged_by",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
    assert_eq!(who.0, "doctor");
    // The key goes with the last alert.
    assert!(!screen.contains("K acknowledge critical"), "{screen}");
}

#[test]
fn the_bed_tile_of_a_patient_with_an_open_critical_is_marked() {
    let mut h = Harness::sized(80, 24, false);
    let mut s = clinic(&h);
    s.potassium("6.9", t0() - Duration::hours(3));
    h.sign_in("nurse", PASSWORD);
    h.press(KeyCode::F(4));
    let screen = h.screen();
    assert!(screen.contains("!LAB"), "{screen}");
    let nurse = s.c.signed_in("nurse", t0());
    let alert =
        wardline::ops::lab::record::open_criticals(&mut s.c.db, &nurse, clock(), false).unwrap();
    wardline::ops::lab::acknowledge(&mut s.c.db, &nurse, &alert[0].result_id, clock()).unwrap();
    h.ctrl('r');
    let screen = h.screen();
    assert!(!screen.contains("!LAB"), "{screen}");
}

#[test]
fn the_patient_record_opens_the_results_from_its_clinical_page() {
    let mut h = Harness::sized(100, 30, false);
    let mut s = clinic(&h);
    s.potassium("2.5", t0() - Duration::hours(5));
    h.sign_in("doctor", PASSWORD);
    h.open_record("otieno");
    h.press(KeyCode::Char('c'));
    h.press(KeyCode::Char('R'));
    let screen = h.screen();
    assert!(screen.contains("Laboratory results · 1 order,"), "{screen}");
    assert!(screen.contains("2.5 mmol/L LL"), "{screen}");
    h.press(KeyCode::Enter);
    assert!(h.screen().contains("Trend of K Potassium"));
    h.press(KeyCode::Esc);
    h.press(KeyCode::Esc);
    let screen = h.screen();
    assert!(!screen.contains("Laboratory results"), "{screen}");
    assert!(screen.contains("Peter Otieno"), "{screen}");
}

#[test]
fn an_admitted_patient_gets_tests_ordered_from_the_record() {
    let mut h = Harness::sized(100, 30, false);
    let s = clinic(&h);
    h.sign_in("doctor", PASSWORD);
    h.open_record("otieno");
    h.press(KeyCode::Char('c'));
    h.press(KeyCode::Char('l'));
    assert!(h.screen().contains("Laboratory order"));
    h.typed("UE");
    h.press(KeyCode::Enter);
    h.ctrl('s');
    let screen = h.screen();
    assert!(screen.contains("Ordered, routine: LAB-"), "{screen}");
    assert!(screen.contains("(UE)"), "{screen}");
    let admission: Option<String> =
        s.c.db
            .conn()
            .query_row(
                "SELECT admission_id FROM lab_orders WHERE patient_id = ?1",
                [s.admitted.id.as_str()],
                |r| r.get(0),
            )
            .unwrap();
    assert!(admission.is_some(), "ordered for the admission");
    assert!(!screen.contains("Laboratory order ·"), "{screen}");
}
