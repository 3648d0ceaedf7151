//! The pharmacy's prescription queue driven by keys: stat before routine
//! and the oldest first, each patient's allergy mark and banner, the FEFO
//! plan (a batch expiring within the course passed over), dispensing in
//! full (the prescription leaves the queue, its label is written), short
//! stock (what is owed shown, the prescription stays), a label written
//! again, and another terminal dispensing first.

mod common;
mod tui_harness;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::clinic::{self as fixture, order};
use ratatui::crossterm::event::KeyCode;
use tui_harness::{Harness, PASSWORD, t0};
use wardline::auth;
use wardline::domain::clock::Clock;
use wardline::domain::conditions::Severity;
use wardline::domain::ids::Id;
use wardline::domain::prescribing::{Frequency, Priority};
use wardline::domain::visit::VisitKind;
use wardline::ops;
use wardline::ops::prescriptions::PrescriptionInput;
use wardline::store::Db;

fn clock(t: DateTime<Utc>) -> Clock {
    Clock::new(t, chrono_tz::UTC)
}

fn day(n: i64) -> NaiveDate {
    t0().date_naive() + Duration::days(n)
}

/// The prescriptions put in through another terminal.
struct Rx {
    /// Tomás's amoxicillin, 15 capsules, routine, 40 minutes old.
    amoxicillin: Id,
    /// Amina's paracetamol, 16 tablets, routine, 90 minutes old: 10 in stock.
    paracetamol: Id,
    /// Amina's stat amoxicillin, 5 minutes old.
    stat: Id,
}

fn setup(h: &Harness) -> Rx {
    let early = t0() - Duration::days(30);
    let mut c = fixture::Clinic::on(h.app.db().path(), early);
    c.staff(&[fixture::DOCTOR]);
    let doctor = c.signed_in("doctor", t0() - Duration::hours(3));
    let amx = c.item("Amoxicillin", "amoxicillin", "500 mg", "capsule");
    let pcm = c.item("Paracetamol", "paracetamol", "500 mg", "tablet");
    for (item, batch, expiry, qty) in [
        (&amx, "AMX-SHORT", day(3), 50),
        (&amx, "AMX-LONG", day(300), 100),
        (&pcm, "PCM-1", day(200), 10),
    ] {
        let r = fixture::receipt(item, batch, expiry, qty);
        fixture::receive(&mut c.db, &c.admin, &r, t0() - Duration::days(20));
    }
    let mut patient = |given: &str, family: &str, birth: &str| {
        let input = fixture::person(given, family, birth, "F");
        fixture::register(&mut c.db, &c.admin, &input, early).id
    };
    let tomas = patient("Tomás", "Ortega", "1970-01-01");
    let amina = patient("Amina", "Okafor", "1988-02-28");
    let mut db = c.db;
    let at = |minutes: i64| clock(t0() - Duration::minutes(minutes));
    // Walk-ins seen without an appointment: the doctor opens their records.
    let visit = |db: &mut Db, p: &Id, minutes: i64| {
        ops::clinical::break_glass(db, &doctor, p, "walk-in at the desk", at(minutes + 2)).unwrap();
        ops::visits::start(db, &doctor, p, VisitKind::WalkIn, at(minutes + 1))
            .unwrap()
            .id
    };
    let v_amina = visit(&mut db, &amina, 90);
    let v_tomas = visit(&mut db, &tomas, 40);
    ops::allergies::record(
        &mut db,
        &doctor,
        &tomas,
        "Latex",
        "rash",
        Severity::Moderate,
        at(40),
    )
    .unwrap();
    let mut prescribe = |o: PrescriptionInput, minutes: i64| {
        ops::prescriptions::prescribe(&mut db, &doctor, &o, at(minutes))
            .unwrap()
            .id
    };
    let paracetamol = prescribe(order(&v_amina, &pcm, "1 g", Frequency::Qid, Some(2)), 90);
    let amoxicillin = prescribe(order(&v_tomas, &amx, "500 mg", Frequency::Tds, Some(5)), 40);
    let mut stat = order(&v_amina, &amx, "500 mg", Frequency::Stat, None);
    stat.priority = Priority::Stat;
    let stat = prescribe(stat, 5);
    Rx {
        amoxicillin,
        paracetamol,
        stat,
    }
}

fn open_queue(h: &mut Harness) -> Rx {
    let rx = setup(h);
    h.sign_in_to("pharm", KeyCode::F(5));
    h.press(KeyCode::Char('p'));
    rx
}

fn labels_in(h: &Harness) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(h.dir.path().join("labels"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    files
}

#[test]
fn the_queue_puts_stat_first_then_the_oldest_with_allergy_marks() {
    let mut h = Harness::new(false);
    open_queue(&mut h);
    let s = h.screen();
    let stat = s.find("STAT").expect("the stat row");
    let old = s.find("Paracetamol").expect("the 90-minute-old row");
    let newer = s.find("Tomás Ortega").expect("the 40-minute-old row");
    assert!(stat < old && old < newer, "{s}");
    assert!(
        s.contains("5 min") && s.contains("1 h") && s.contains("40 min"),
        "{s}"
    );
    assert!(s.contains("3 waiting"), "{s}");
    // Amina was never asked about allergies: the banner of the first row says so.
    assert!(s.contains("Allergies not asked"), "{s}");
    snapshot!("rx_queue", s);
    h.press(KeyCode::Down);
    h.press(KeyCode::Down);
    let s = h.screen();
    assert!(s.contains("⚠ ALLERGIES: Latex (rash, moderate)"), "{s}");
    assert!(
        s.contains("Amoxicillin 500 mg capsule 500 mg oral TDS 5 days"),
        "{s}"
    );
    // Back to the stock list and again.
    h.press(KeyCode::Esc);
    assert!(h.screen().contains("Find ___"));
    h.press(KeyCode::Char('p'));
    assert!(h.screen().contains("Prescription queue"));
}

#[test]
fn dispensing_in_full_takes_a_lasting_batch_and_leaves_the_queue_with_a_label() {
    let mut h = Harness::new(false);
    let rx = open_queue(&mut h);
    h.press(KeyCode::End);
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("This dispense: 15 capsules"), "{s}");
    assert!(
        s.contains("AMX-LONG") && !s.contains("AMX-SHORT"),
        "the batch expiring within the 5-day course is passed over: {s}"
    );
    snapshot!("rx_plan", s);
    h.press(KeyCode::Char('y'));
    let s = h.screen();
    assert!(
        s.contains("Please confirm") && s.contains("Dispense 15 capsules of Amoxicillin"),
        "{s}"
    );
    h.press(KeyCode::Char('y'));
    let s = h.screen();
    assert!(
        s.contains("Dispensed 15 capsules. Label: labels/2026"),
        "{s}"
    );
    assert!(s.contains("2 waiting") && !s.contains("Tomás"), "{s}");
    let files = labels_in(&h);
    assert_eq!(files.len(), 2, "{files:?}");
    let text = files
        .iter()
        .find(|f| f.extension().is_some_and(|e| e == "txt"))
        .unwrap();
    let label = std::fs::read_to_string(text).unwrap();
    assert!(
        label.contains("Patient: Tomás Ortega") && label.contains("Quantity: 15 capsule"),
        "{label}"
    );
    assert!(label.contains("Lakeside Clinic"), "{label}");
    #[cfg(unix)]
    for f in &files {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{f:?}");
    }
    let done = wardline::store::prescriptions::get(h.app.db().conn(), &rx.amoxicillin)
        .unwrap()
        .unwrap();
    assert_eq!(done.owed(), 0);
    assert!(h.actions().iter().any(|a| a == "EXPORT"));
}

#[test]
fn short_stock_dispenses_part_and_the_row_shows_what_is_owed() {
    let mut h = Harness::new(false);
    let rx = open_queue(&mut h);
    h.press(KeyCode::Down);
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(
        s.contains("Stock is short: 10 tablets go out now and 6 tablets stay owed"),
        "{s}"
    );
    h.press(KeyCode::Char('y'));
    h.press(KeyCode::Char('y'));
    let s = h.screen();
    assert!(
        s.contains("Dispensed 10 tablets, 6 still owed (it stays in the queue). Label:"),
        "{s}"
    );
    assert!(s.contains("3 waiting") && s.contains("6 part"), "{s}");
    assert!(
        s.contains("Partly dispensed: 10 of 16 tablets given, 6 still owed."),
        "{s}"
    );
    // The label of what was dispensed, written again.
    h.press(KeyCode::Char('l'));
    let s = h.screen();
    assert!(
        s.contains("Label: labels/2026") && s.contains(".txt + .pdf"),
        "{s}"
    );
    assert_eq!(labels_in(&h).len(), 4);
    // Nothing left to dispense: the refusal is said and the row stays.
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("No usable stock of Paracetamol"), "{s}");
    assert!(s.contains("6 part"), "{s}");
    let p = wardline::store::prescriptions::get(h.app.db().conn(), &rx.paracetamol)
        .unwrap()
        .unwrap();
    assert_eq!((p.dispensed, p.owed()), (10, 6));
}

#[test]
fn another_terminal_dispensing_first_is_refused_in_words() {
    let mut h = Harness::new(false);
    let rx = open_queue(&mut h);
    h.press(KeyCode::Enter);
    assert!(h.screen().contains("This dispense: 1 capsule"));
    let mut other = Db::open(h.app.db().path()).unwrap();
    let s = auth::sign_in(&mut other, "pharm", PASSWORD, t0()).unwrap();
    ops::dispensing::dispense(&mut other, &s, &rx.stat, None, t0()).unwrap();
    h.press(KeyCode::Char('y'));
    h.press(KeyCode::Char('y'));
    let s = h.screen();
    assert!(s.contains("is fully dispensed"), "{s}");
    assert!(s.contains("2 waiting"), "{s}");
    // A stopped prescription leaves the queue and is not dispensed.
    let mut d = Db::open(h.app.db().path()).unwrap();
    let doctor = auth::sign_in(&mut d, "doctor", PASSWORD, t0()).unwrap();
    ops::prescriptions::stop(
        &mut d,
        &doctor,
        &rx.paracetamol,
        "changed to IV",
        clock(t0()),
    )
    .unwrap();
    h.ctrl('r');
    let s = h.screen();
    assert!(s.contains("1 waiting") && !s.contains("Paracetamol"), "{s}");
}

#[test]
fn a_doctor_sees_the_stock_but_not_the_queue() {
    let mut h = Harness::new(false);
    setup(&h);
    h.sign_in_to("doctor", KeyCode::F(5));
    h.press(KeyCode::Char('p'));
    let s = h.screen();
    assert!(s.contains("see the pharmacy's queue"), "{s}");
    assert!(
        s.contains("Find ___") && !s.contains("Prescription queue"),
        "{s}"
    );
}
