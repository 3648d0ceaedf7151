//! Prescribing in a visit, driven by keys: a doctor finds amoxicillin by
//! part of its name and sees the quantity computed; an allergy, a duplicate
//! generic and a child's dose above the maximum each show with their reason
//! and refuse the order until a reason is typed, which the file keeps;
//! stopping asks why; a nurse sees the medicines but is offered no
//! prescribing; the record's clinical page lists current and past
//! medicines. The hospital is on UTC; every write is at a fixed time.

mod common;
mod tui_harness;

use chrono::Duration;
use common::clinic as fixture;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use tui_harness::{Harness, PASSWORD, t0};
use wardline::domain::beds::WardKind;
use wardline::domain::clock::Clock;
use wardline::domain::conditions::Severity;
use wardline::domain::ids::Id;
use wardline::domain::patient::Patient;
use wardline::domain::prescribing::checks::CheckKind;
use wardline::domain::prescribing::{Frequency, Status};
use wardline::domain::visit::VisitKind;
use wardline::domain::vitals::Vitals;
use wardline::ops;
use wardline::ops::pharmacy::Receipt;
use wardline::ops::prescriptions::PrescriptionInput;
use wardline::ops::vitals::VitalsInput;

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

struct Clinic {
    /// An outpatient with an appointment with the doctor today.
    amina: Patient,
    /// Admitted under the doctor, allergic to penicillin, on paracetamol
    /// (and amoxicillin before, stopped).
    peter: Patient,
    /// A child of four weighing 16 kg, admitted under the doctor.
    kofi: Patient,
    paracetamol: String,
}

/// An order with no instructions.
fn order(visit: &Id, item: &str, dose: &str, f: Frequency, days: Option<u32>) -> PrescriptionInput {
    PrescriptionInput {
        instructions: String::new(),
        ..fixture::order(visit, item, dose, f, days)
    }
}

/// The doctor (`doctor`), the formulary with stock, and three patients;
/// through another terminal.
fn clinic(h: &Harness) -> Clinic {
    let early = t0() - Duration::days(10);
    let mut c = fixture::Clinic::on(h.app.db().path(), early);
    c.staff(&[fixture::DOCTOR]);
    let desk = c.signed_in("reception", t0());
    let doctor = c.signed_in("doctor", t0());
    let nurse = c.signed_in("nurse", t0());
    let amoxicillin = c.item("Amoxicillin", "amoxicillin", "500 mg", "capsule");
    let paracetamol = c.item("Paracetamol", "paracetamol", "500 mg", "tablet");
    c.item("Panadol", "paracetamol", "500 mg", "tablet");
    ops::prescriptions::set_paediatric_max(&mut c.db, &c.admin, &paracetamol, Some(15_000), early)
        .unwrap();
    for (it, batch, n) in [(&amoxicillin, "AMX-1", 100), (&paracetamol, "PCM-1", 200)] {
        let r = Receipt {
            supplier: "Medisupply".into(),
            ..fixture::receipt(it, batch, clock().today() + Duration::days(400), n)
        };
        fixture::receive(&mut c.db, &c.admin, &r, early);
    }
    let mut patient = |g: &str, f: &str, b: &str, s: &str| {
        fixture::register(&mut c.db, &c.admin, &fixture::person(g, f, b, s), early)
    };
    let amina = patient("Amina", "Okafor", "1988-02-20", "F");
    let peter = patient("Peter", "Otieno", "1962-01-20", "M");
    let kofi = patient("Kofi", "Mensah", "2021-11-02", "M");
    fixture::book(
        &mut c.db,
        &desk,
        &amina.id,
        &doctor.user.id,
        clock().today(),
        540,
        t0() - Duration::days(1),
    );
    let ward = c.ward("Medical", WardKind::Medical);
    c.nurse_on("nurse", &ward);
    for (p, label) in [(&peter, "MED-01"), (&kofi, "MED-02")] {
        let bed = c.bed(&ward, label);
        fixture::admit(
            &mut c.db,
            &nurse,
            &p.id,
            &bed,
            &doctor.user.id,
            "pneumonia",
            t0() - Duration::days(3),
        );
    }
    let mut db = c.db;
    ops::allergies::record(
        &mut db,
        &doctor,
        &peter.id,
        "penicillin",
        "rash",
        Severity::Moderate,
        clock(),
    )
    .unwrap();
    ops::vitals::record(
        &mut db,
        &nurse,
        &VitalsInput {
            patient: &kofi.id,
            visit: None,
            taken_at: t0() - Duration::days(1),
            vitals: Vitals {
                weight_g: Some(16_000),
                ..Vitals::default()
            },
        },
        clock(),
    )
    .unwrap();
    let round = Clock::new(t0() - Duration::days(2), chrono_tz::UTC);
    let visit = ops::visits::start(&mut db, &doctor, &peter.id, VisitKind::WardRound, round)
        .unwrap()
        .id;
    ops::prescriptions::prescribe(
        &mut db,
        &doctor,
        &order(&visit, &paracetamol, "1 g", Frequency::Qid, Some(5)),
        round,
    )
    .unwrap();
    let mut amox = order(&visit, &amoxicillin, "500 mg", Frequency::Tds, Some(7));
    amox.overrides = vec![(CheckKind::Allergy, "rash only, no alternative".into())];
    let stopped = ops::prescriptions::prescribe(&mut db, &doctor, &amox, round).unwrap();
    ops::prescriptions::stop(
        &mut db,
        &doctor,
        &stopped.id,
        "rash on day 2",
        Clock::new(t0() - Duration::days(1), chrono_tz::UTC),
    )
    .unwrap();
    Clinic {
        amina,
        peter,
        kofi,
        paracetamol,
    }
}

/// Signs in as `user` and opens a new visit of the patient found by
/// `name` from the record, with the note left for the overview.
fn visit_of(h: &mut Harness, user: &str, name: &str) {
    h.sign_in(user, PASSWORD);
    h.open_record(name);
    h.press(KeyCode::Char('V'));
    let screen = h.screen();
    assert!(screen.contains("open: type the note"), "{screen}");
    h.press(KeyCode::Esc);
}

fn prescriptions_of(h: &Harness, p: &Patient) -> Vec<wardline::store::prescriptions::Prescription> {
    wardline::store::prescriptions::of_patient(h.app.db().conn(), &p.id, 50).unwrap()
}

/// Types a medicine's name, chooses the first line found, and fills the
/// dose and frequency (right presses from OD) and days.
fn fill(h: &mut Harness, name: &str, dose: &str, rights: usize, days: &str) {
    h.press(KeyCode::Char('m'));
    h.typed(name);
    h.press(KeyCode::Enter);
    h.typed(dose);
    h.press(KeyCode::Tab); // unit
    h.press(KeyCode::Tab); // route
    h.press(KeyCode::Tab); // frequency
    for _ in 0..rights {
        h.press(KeyCode::Right);
    }
    h.press(KeyCode::Tab); // days
    h.typed(days);
}

#[test]
fn a_doctor_finds_amoxicillin_by_part_of_its_name_and_sees_the_quantity() {
    let mut h = Harness::sized(100, 30, false);
    let c = clinic(&h);
    visit_of(&mut h, "doctor", "okafor");
    h.press(KeyCode::Char('m'));
    h.typed("amox");
    let screen = h.screen();
    assert!(screen.contains("Amoxicillin 500 mg capsule"), "{screen}");
    assert!(screen.contains("100 capsule in stock"), "{screen}");
    assert!(
        screen.contains("\"amox\" not stocked: bought outside"),
        "{screen}"
    );
    // Words in any order, the strength and form included.
    for _ in 0..4 {
        h.press(KeyCode::Backspace);
    }
    h.typed("caps 500 amoxi");
    let screen = h.screen();
    assert!(screen.contains("›Amoxicillin 500 mg capsule"), "{screen}");
    h.typed(" tablet");
    assert!(h.screen().contains("No stocked medicine matches"));
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('y'));
    fill(&mut h, "amox", "500", 2, "5");
    let screen = h.screen();
    assert!(screen.contains("Quantity computed: 15 capsule"), "{screen}");
    assert!(screen.contains("TDS (three times a day)"), "{screen}");
    masked!("prescribing_form", screen);
    // Seven days: the quantity follows.
    h.press(KeyCode::Backspace);
    h.typed("7");
    assert!(h.screen().contains("Quantity computed: 21 capsule"));
    h.ctrl('s');
    let screen = h.screen();
    assert!(
        screen.contains(
            "Prescribed Amoxicillin 500 mg capsule 500 mg oral TDS 7 days: 21 capsule to dispense"
        ),
        "{screen}"
    );
    assert!(screen.contains("Medicines"), "{screen}");
    assert!(screen.contains("0/21"), "{screen}");
    assert!(screen.contains("21 owed"), "{screen}");
    let rx = prescriptions_of(&h, &c.amina);
    assert_eq!(rx.len(), 1);
    assert_eq!(rx[0].quantity, 21);
    assert_eq!(rx[0].course.duration_days, Some(7));
    assert!(h.actions().contains(&"PRESCRIBE".to_string()));
}

#[test]
fn an_outpatient_order_without_days_is_refused_beside_the_field() {
    let mut h = Harness::sized(100, 30, false);
    let c = clinic(&h);
    visit_of(&mut h, "doctor", "okafor");
    fill(&mut h, "amox", "500", 2, "");
    h.ctrl('s');
    let screen = h.screen();
    assert!(
        screen.contains("an outpatient prescription needs a duration"),
        "{screen}"
    );
    assert!(
        screen.contains("↳"),
        "the refusal sits under its field: {screen}"
    );
    assert!(prescriptions_of(&h, &c.amina).is_empty());
}

#[test]
fn a_medicine_not_stocked_is_prescribed_as_bought_outside() {
    let mut h = Harness::sized(100, 30, false);
    let c = clinic(&h);
    visit_of(&mut h, "doctor", "okafor");
    h.press(KeyCode::Char('m'));
    h.typed("Artesunate");
    assert!(h.screen().contains("No stocked medicine matches"));
    h.press(KeyCode::Enter);
    h.typed("100");
    h.press(KeyCode::Tab);
    h.press(KeyCode::Tab);
    h.press(KeyCode::Tab);
    h.press(KeyCode::Tab);
    h.typed("3");
    let screen = h.screen();
    assert!(screen.contains("BOUGHT OUTSIDE"), "{screen}");
    assert!(
        !screen.contains("Quantity "),
        "nothing is dispensed: {screen}"
    );
    h.ctrl('s');
    let screen = h.screen();
    assert!(
        screen.contains("Prescribed Artesunate 100 mg oral OD 3 days (bought outside)."),
        "{screen}"
    );
    let rx = prescriptions_of(&h, &c.amina);
    assert!(rx[0].outside());
}

#[test]
fn a_penicillin_allergy_refuses_amoxicillin_until_a_reason_is_typed() {
    let mut h = Harness::sized(100, 30, false);
    let c = clinic(&h);
    visit_of(&mut h, "doctor", "otieno");
    let before = prescriptions_of(&h, &c.peter).len();
    fill(&mut h, "amox", "500", 2, "5");
    h.ctrl('s');
    let screen = h.screen();
    assert!(screen.contains("CHECKS FAILED"), "{screen}");
    assert!(screen.contains("! allergy:"), "{screen}");
    assert!(screen.contains("penicillin"), "{screen}");
    assert!(screen.contains("Allergy: why"), "{screen}");
    assert!(
        screen.contains("Not prescribed: 1 check failed"),
        "{screen}"
    );
    masked!("prescribing_findings", screen);
    // Ctrl+S again without a reason: still refused.
    h.ctrl('s');
    assert!(h.screen().contains("Not prescribed: 1 check failed"));
    assert_eq!(prescriptions_of(&h, &c.peter).len(), before);
    h.typed("rash only; no alternative for this infection");
    h.ctrl('s');
    let screen = h.screen();
    assert!(screen.contains("Prescribed Amoxicillin"), "{screen}");
    let rx = prescriptions_of(&h, &c.peter);
    assert_eq!(rx.len(), before + 1);
    let newest = rx
        .iter()
        .find(|r| r.status == Status::Active && r.medicine.starts_with("Amoxicillin"))
        .unwrap();
    let kept = wardline::store::prescriptions::overrides(h.app.db().conn(), &newest.id).unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].kind, CheckKind::Allergy);
    assert_eq!(
        kept[0].reason,
        "rash only; no alternative for this infection"
    );
    assert!(
        h.actions().contains(&"OVERRIDE_CHECK".to_string()),
        "{:?}",
        h.actions()
    );
}

#[test]
fn the_same_generic_already_active_is_flagged() {
    let mut h = Harness::sized(100, 30, false);
    let c = clinic(&h);
    visit_of(&mut h, "doctor", "otieno");
    let before = prescriptions_of(&h, &c.peter).len();
    fill(&mut h, "panad", "1000", 3, "3");
    h.ctrl('s');
    let screen = h.screen();
    assert!(
        screen.contains("! same medicine already active"),
        "{screen}"
    );
    assert!(screen.contains("Duplicate: why"), "{screen}");
    h.press(KeyCode::Esc);
    let screen = h.screen();
    assert!(screen.contains("Throw away the prescription"), "{screen}");
    h.press(KeyCode::Char('y'));
    assert!(h.screen().contains("Nothing was prescribed."));
    assert_eq!(prescriptions_of(&h, &c.peter).len(), before);
}

#[test]
fn a_childs_dose_above_the_maximum_is_flagged() {
    let mut h = Harness::sized(100, 30, false);
    let c = clinic(&h);
    visit_of(&mut h, "doctor", "mensah");
    fill(&mut h, "paracet", "500", 2, "3");
    h.ctrl('s');
    let screen = h.screen();
    assert!(screen.contains("! child's dose:"), "{screen}");
    assert!(screen.contains("16 kg"), "{screen}");
    assert!(screen.contains("Child dose: why"), "{screen}");
    assert!(prescriptions_of(&h, &c.kofi).is_empty());
    // A dose within the maximum (240 mg is 15 mg/kg) passes.
    // From the reason, round to the medicine and on to the dose.
    h.press(KeyCode::Tab);
    h.press(KeyCode::Tab);
    for _ in 0..3 {
        h.press(KeyCode::Backspace);
    }
    h.typed("240");
    h.ctrl('s');
    let screen = h.screen();
    assert!(screen.contains("Prescribed Paracetamol"), "{screen}");
    let _ = c.paracetamol;
}

#[test]
fn stopping_a_medicine_asks_why() {
    let mut h = Harness::sized(100, 30, false);
    let c = clinic(&h);
    visit_of(&mut h, "doctor", "otieno");
    let screen = h.screen();
    assert!(screen.contains("Medicines"), "{screen}");
    assert!(
        screen.contains("›Paracetamol 500 mg tablet 1 g oral QID"),
        "{screen}"
    );
    h.press(KeyCode::Char('s'));
    let screen = h.screen();
    assert!(screen.contains("Stop Paracetamol"), "{screen}");
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("reason for stopping"), "{screen}");
    h.typed("pain settled");
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("Stopped Paracetamol"), "{screen}");
    let rx = prescriptions_of(&h, &c.peter);
    let para = rx
        .iter()
        .find(|r| r.medicine.starts_with("Paracetamol"))
        .unwrap();
    assert_eq!(para.status, Status::Stopped);
    assert_eq!(
        para.ended.as_ref().map(|e| e.2.as_str()),
        Some("pain settled")
    );
}

#[test]
fn a_nurse_sees_the_medicines_but_is_offered_no_prescribing() {
    let mut h = Harness::sized(100, 30, false);
    clinic(&h);
    visit_of(&mut h, "nurse", "otieno");
    let screen = h.screen();
    assert!(screen.contains("Nursing note"), "{screen}");
    assert!(
        screen.contains("Paracetamol 500 mg tablet 1 g oral QID"),
        "{screen}"
    );
    assert!(!screen.contains("prescribe"), "{screen}");
    h.press(KeyCode::Char('m'));
    assert!(!h.screen().contains("Prescribing"));
    h.press(KeyCode::Char('s'));
    assert!(!h.screen().contains("Stop Paracetamol"));
    h.key(KeyCode::F(1), KeyModifiers::NONE);
    let screen = h.screen();
    assert!(screen.contains("vitals"), "{screen}");
    assert!(!screen.contains("prescribe"), "{screen}");
    assert!(!screen.contains("stop the medicine"), "{screen}");
}

#[test]
fn the_record_lists_current_and_past_medicines() {
    let mut h = Harness::sized(120, 36, false);
    clinic(&h);
    h.sign_in("doctor", PASSWORD);
    h.open_record("otieno");
    h.press(KeyCode::Char('c'));
    let screen = h.screen();
    assert!(screen.contains("Current medicines"), "{screen}");
    assert!(
        screen.contains("Paracetamol 500 mg tablet 1 g oral QID"),
        "{screen}"
    );
    assert!(screen.contains("0 of 40 tablet"), "{screen}");
    assert!(screen.contains("Past medicines"), "{screen}");
    assert!(
        screen.contains("Amoxicillin 500 mg capsule 500 mg oral TDS"),
        "{screen}"
    );
    assert!(screen.contains("stopped"), "{screen}");
    assert!(screen.contains("rash on day 2"), "{screen}");
}

#[test]
fn a_quantity_changed_by_hand_asks_why() {
    let mut h = Harness::sized(100, 30, false);
    let c = clinic(&h);
    visit_of(&mut h, "doctor", "okafor");
    fill(&mut h, "amox", "500", 2, "5");
    h.press(KeyCode::Tab); // instructions
    h.press(KeyCode::Tab); // priority
    h.press(KeyCode::Tab); // quantity
    h.press(KeyCode::Backspace);
    h.press(KeyCode::Backspace);
    h.typed("20");
    let screen = h.screen();
    assert!(screen.contains("Why that qty"), "{screen}");
    assert!(screen.contains("Quantity computed: 15 capsule"), "{screen}");
    h.ctrl('s');
    let screen = h.screen();
    assert!(
        screen.contains("type why 20 is dispensed instead"),
        "{screen}"
    );
    assert!(prescriptions_of(&h, &c.amina).is_empty());
    h.typed("a whole pack of 20");
    h.ctrl('s');
    assert!(h.screen().contains("20 capsule to dispense"));
    let rx = prescriptions_of(&h, &c.amina);
    assert_eq!(rx[0].quantity, 20);
    assert_eq!(rx[0].quantity_computed, Some(15));
    assert_eq!(rx[0].quantity_reason.as_deref(), Some("a whole pack of 20"));
}

#[test]
fn a_prn_order_asks_its_indication_and_most_doses_a_day() {
    let mut h = Harness::sized(100, 30, false);
    let c = clinic(&h);
    visit_of(&mut h, "doctor", "okafor");
    h.press(KeyCode::Char('m'));
    h.typed("paracet");
    h.press(KeyCode::Enter);
    h.typed("500");
    h.press(KeyCode::Tab);
    h.press(KeyCode::Tab);
    h.press(KeyCode::Tab);
    assert!(!h.screen().contains("PRN for"));
    for _ in 0..3 {
        h.press(KeyCode::Left);
    }
    let screen = h.screen();
    assert!(screen.contains("PRN (when required)"), "{screen}");
    assert!(screen.contains("PRN for"), "{screen}");
    assert!(screen.contains("Most a day"), "{screen}");
    h.press(KeyCode::Tab);
    h.press(KeyCode::Tab);
    h.typed("4");
    h.press(KeyCode::Tab);
    h.typed("3");
    h.ctrl('s');
    let screen = h.screen();
    assert!(screen.contains("needs its indication"), "{screen}");
    assert!(prescriptions_of(&h, &c.amina).is_empty());
    h.typed("pain");
    h.ctrl('s');
    let screen = h.screen();
    assert!(
        screen.contains(
            "Prescribed Paracetamol 500 mg tablet 500 mg oral PRN for pain 3 days: 12 tablet"
        ),
        "{screen}"
    );
}

#[test]
fn a_pharmacist_sees_the_medicines_on_the_record() {
    let mut h = Harness::sized(120, 36, false);
    clinic(&h);
    h.sign_in("pharm", PASSWORD);
    h.open_record("otieno");
    h.press(KeyCode::Char('c'));
    let screen = h.screen();
    assert!(screen.contains("Current medicines"), "{screen}");
    assert!(
        screen.contains("Paracetamol 500 mg tablet 1 g oral QID"),
        "{screen}"
    );
    assert!(screen.contains("rash on day 2"), "{screen}");
}
