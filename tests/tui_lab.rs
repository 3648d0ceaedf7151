//! The lab tab driven by keys, as a lab technician works it: the worklist
//! (stat first, then urgent, then routine; counts in the lists' titles),
//! finding an order by its accession number (a mistyped one refused in
//! words), collecting and rejecting specimens, entering results (the flag
//! shown as the value is typed, a bad number refused in the form),
//! verification by a second technician, self-verification refused and
//! then allowed under the hospital's setting with the typed word, a
//! correction of a verified value, and another terminal changing the order
//! first.

mod common;
mod tui_harness;

use chrono::{DateTime, Duration, Utc};
use common::clinic::{self as fixture, Clinic};
use ratatui::crossterm::event::KeyCode;
use tui_harness::{Harness, PASSWORD, t0};
use wardline::domain::beds::WardKind;
use wardline::domain::clock::Clock;
use wardline::domain::ids::Id;
use wardline::domain::lab::order::OrderStatus;
use wardline::domain::prescribing::Priority;
use wardline::domain::visit::VisitKind;
use wardline::ops;
use wardline::ops::lab::LabOrder;

fn clock(t: DateTime<Utc>) -> Clock {
    Clock::new(t, chrono_tz::UTC)
}

fn ago(minutes: i64) -> DateTime<Utc> {
    t0() - Duration::minutes(minutes)
}

/// The lab's morning, put in through another terminal.
struct Morning {
    clinic: Clinic,
    /// Amina's stat potassium and creatinine (serum), 20 minutes old; she
    /// is on Medical, bed M1.
    stat: LabOrder,
    /// Tomás's urgent full blood count, 45 minutes old.
    urgent: LabOrder,
    /// Tomás's routine malaria test, an hour old.
    routine: LabOrder,
}

fn morning(h: &Harness) -> Morning {
    let early = t0() - Duration::days(30);
    let mut c = Clinic::on(h.app.db().path(), early);
    c.staff(&[fixture::DOCTOR, fixture::LAB_TECH, fixture::LAB_TECH_2]);
    let doctor = c.signed_in("doctor", ago(180));
    let ward = c.ward("Medical", WardKind::General);
    let bed = c.bed(&ward, "M1");
    let amina = fixture::register(
        &mut c.db,
        &c.admin,
        &fixture::person("Amina", "Okafor", "1988-02-28", "F"),
        early,
    )
    .id;
    let tomas = fixture::register(
        &mut c.db,
        &c.admin,
        &fixture::person("Tomás", "Ortega", "1970-01-01", "M"),
        early,
    )
    .id;
    fixture::admit(
        &mut c.db,
        &c.admin,
        &amina,
        &bed,
        &doctor.user.id,
        "pneumonia",
        ago(2 * 24 * 60),
    );
    ops::clinical::break_glass(&mut c.db, &doctor, &tomas, "walk-in", clock(ago(90))).unwrap();
    let visit = ops::visits::start(
        &mut c.db,
        &doctor,
        &tomas,
        VisitKind::WalkIn,
        clock(ago(89)),
    )
    .unwrap()
    .id;
    let routine = c
        .lab_order(
            &doctor,
            &tomas,
            Some(&visit),
            &["MRDT"],
            Priority::Routine,
            ago(60),
        )
        .remove(0);
    let urgent = c
        .lab_order(
            &doctor,
            &tomas,
            Some(&visit),
            &["FBC"],
            Priority::Urgent,
            ago(45),
        )
        .remove(0);
    let stat = c
        .lab_order(
            &doctor,
            &amina,
            None,
            &["K", "CREA"],
            Priority::Stat,
            ago(20),
        )
        .remove(0);
    Morning {
        clinic: c,
        stat,
        urgent,
        routine,
    }
}

/// Signs `user` in: a lab technician starts on the lab tab (F9 opens it
/// again).
fn at_the_lab(h: &mut Harness, user: &str) {
    h.sign_in(user, PASSWORD);
    assert_eq!(h.tab(), Some(wardline::tui::keymap::Tab::Lab));
    h.press(KeyCode::F(9));
}

/// The stat order collected and its potassium and creatinine entered by
/// Lara (`lab`), on another terminal.
fn resulted(m: &mut Morning, potassium: &str) -> Id {
    let lab = m.clinic.signed_in("lab", ago(15));
    let o = m.clinic.collect(&lab, &m.stat, ago(15));
    m.clinic
        .results(&lab, &o, &[("K", potassium), ("CREA", "80")], ago(10));
    o.id.clone()
}

/// Tab from the first list to the orders to verify.
fn to_verify(h: &mut Harness) {
    for _ in 0..3 {
        h.press(KeyCode::Tab);
    }
}

/// Where `order` stands now, read through another terminal.
fn status(h: &Harness, order: &LabOrder) -> OrderStatus {
    let mut db = wardline::store::Db::open(h.app.db().path()).unwrap();
    let lab = wardline::auth::sign_in(&mut db, "lab2", PASSWORD, t0()).unwrap();
    ops::lab::detail(&mut db, &lab, &order.id, clock(t0()))
        .unwrap()
        .order
        .status
}

#[test]
fn the_worklist_puts_stat_first_then_urgent_then_routine_with_counts() {
    let mut h = Harness::sized(100, 30, false);
    let m = morning(&h);
    at_the_lab(&mut h, "lab");
    let s = h.screen();
    let stat = s.find("STAT").expect("the stat order");
    let urgent = s.find("URGENT").expect("the urgent order");
    let routine = s.find("routine").expect("the routine order");
    assert!(stat < urgent && urgent < routine, "{s}");
    assert!(
        s.contains("F9 Lab") && s.contains("Waiting 3  Collected 0"),
        "{s}"
    );
    assert!(s.contains("Waiting for collection (3)"), "{s}");
    assert!(s.contains(&m.stat.accession.to_string()), "{s}");
    assert!(s.contains("Medical M1") || s.contains("Medical"), "{s}");
    assert!(s.contains("20 min") && s.contains("1 h 00"), "{s}");
    snapshot!("lab_worklist", s);
    // The other lists, by Tab and Shift+Tab.
    h.press(KeyCode::Tab);
    assert!(h.screen().contains("Collected (0)"));
    h.press(KeyCode::Tab);
    assert!(h.screen().contains("In progress (0)"));
    h.press(KeyCode::BackTab);
    h.press(KeyCode::BackTab);
    h.press(KeyCode::BackTab);
    assert!(h.screen().contains("Rejected today (0)"));
}

#[test]
fn an_accession_is_found_as_scanned_and_a_mistyped_one_refused_in_words() {
    let mut h = Harness::sized(100, 30, false);
    let m = morning(&h);
    at_the_lab(&mut h, "lab");
    let number = m.urgent.accession.to_string();
    // One digit wrong: the check character catches it.
    let wrong = number.replace("0002", "0003");
    assert_ne!(wrong, number);
    h.press(KeyCode::Char('/'));
    h.typed(&wrong);
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("does not check out"), "{s}");
    for _ in 0..wrong.len() {
        h.press(KeyCode::Backspace);
    }
    h.typed(&number.to_lowercase());
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(
        s.contains("Full blood count") && s.contains("Haemoglobin"),
        "{s}"
    );
    assert!(s.contains("Tomás Ortega"), "{s}");
}

#[test]
fn collecting_now_moves_the_order_to_the_collected_list() {
    let mut h = Harness::sized(100, 30, false);
    let m = morning(&h);
    at_the_lab(&mut h, "lab");
    h.press(KeyCode::Char('c'));
    let s = h.screen();
    assert!(s.contains(&format!("Collect {}", m.stat.accession)), "{s}");
    // A time still to come is refused; empty is now.
    h.typed("23:59");
    h.press(KeyCode::Enter);
    assert!(h.screen().contains("still to come"));
    for _ in 0..5 {
        h.press(KeyCode::Backspace);
    }
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("collected"), "{s}");
    assert_eq!(status(&h, &m.stat), OrderStatus::Collected);
    h.press(KeyCode::Esc);
    let s = h.screen();
    assert!(s.contains("Waiting 2  Collected 1"), "{s}");
}

#[test]
fn a_specimen_is_rejected_with_its_reason() {
    let mut h = Harness::sized(100, 30, false);
    let m = morning(&h);
    at_the_lab(&mut h, "lab");
    h.press(KeyCode::End);
    h.press(KeyCode::Char('r'));
    let s = h.screen();
    assert!(
        s.contains("Reject the specimen") && s.contains("Malaria"),
        "{s}"
    );
    h.press(KeyCode::Right);
    h.press(KeyCode::Tab);
    h.typed("only a drop");
    h.ctrl('s');
    let s = h.screen();
    assert!(s.contains("rejected (insufficient"), "{s}");
    assert_eq!(status(&h, &m.routine), OrderStatus::Rejected);
    h.press(KeyCode::Esc);
    h.press(KeyCode::BackTab);
    let s = h.screen();
    assert!(
        s.contains("Rejected today (1)") && s.contains("MRDT"),
        "{s}"
    );
}

#[test]
fn results_are_flagged_as_typed_and_a_bad_number_is_refused_in_the_form() {
    let mut h = Harness::sized(100, 30, false);
    let mut m = morning(&h);
    let lab = m.clinic.signed_in("lab", ago(15));
    m.clinic.collect(&lab, &m.stat, ago(15));
    at_the_lab(&mut h, "lab");
    h.press(KeyCode::Tab);
    h.press(KeyCode::Char('e'));
    let s = h.screen();
    assert!(s.contains("Potassium") && s.contains("Creatinine"), "{s}");
    assert!(s.contains("3.5–5.1") && s.contains("mmol/L"), "{s}");
    // The cursor starts on the first analyte (creatinine or potassium, in
    // the catalogue's order): type into each by moving with Tab.
    let first_is_k = {
        let k = s.find("Potassium").unwrap_or(usize::MAX);
        let c = s.find("Creatinine").unwrap_or(usize::MAX);
        k < c
    };
    let (first, second) = if first_is_k {
        ("6.9", "4,2")
    } else {
        ("4,2", "6.9")
    };
    h.typed(first);
    h.press(KeyCode::Tab);
    h.typed(second);
    let s = h.screen();
    let k_line = s
        .lines()
        .find(|l| l.contains("Potassium") && l.contains("mmol/L"))
        .unwrap_or_default()
        .to_string();
    assert!(k_line.contains("6.9") && k_line.contains("HH"), "{s}");
    assert!(s.contains("not a number"), "{s}");
    h.ctrl('s');
    let s = h.screen();
    assert!(s.contains("cannot be saved"), "{s}");
    assert_eq!(status(&h, &m.stat), OrderStatus::Collected);
    // Correct the creatinine: the order is resulted.
    if !first_is_k {
        h.press(KeyCode::BackTab);
    }
    for _ in 0..3 {
        h.press(KeyCode::Backspace);
    }
    h.typed("88");
    h.ctrl('s');
    let s = h.screen();
    assert!(s.contains("resulted"), "{s}");
    assert!(s.contains("HH"), "the order view shows the flag too: {s}");
    assert_eq!(status(&h, &m.stat), OrderStatus::Resulted);
}

#[test]
fn a_second_technician_verifies_the_results() {
    let mut h = Harness::sized(100, 30, false);
    let mut m = morning(&h);
    resulted(&mut m, "6.9");
    at_the_lab(&mut h, "lab2");
    to_verify(&mut h);
    let s = h.screen();
    assert!(
        s.contains("Resulted: to verify (1)") && s.contains("!! crit"),
        "{s}"
    );
    h.press(KeyCode::Char('v'));
    let s = h.screen();
    assert!(s.contains("Verify 2 results of"), "{s}");
    h.press(KeyCode::Char('y'));
    let s = h.screen();
    assert!(
        s.contains("verified: the clinician sees the results"),
        "{s}"
    );
    assert!(s.contains("Lou Lab"), "{s}");
    assert_eq!(status(&h, &m.stat), OrderStatus::Verified);
    // The day's verified list says how long each order took, not how long
    // it has waited since.
    h.press(KeyCode::Esc);
    h.press(KeyCode::Tab);
    let s = h.screen();
    assert!(s.contains("Verified today (1)"), "{s}");
    let header = s
        .lines()
        .find(|l| l.contains("Accession"))
        .unwrap_or_default();
    assert!(
        header.contains("Took") && !header.contains("Waiting"),
        "{s}"
    );
    let row = s
        .lines()
        .find(|l| l.contains(&m.stat.accession.to_string()))
        .unwrap_or_default();
    assert!(row.contains("08:10") && row.contains(" 20 min│"), "{s}");
}

#[test]
fn self_verification_is_refused_then_allowed_with_the_word_under_the_setting() {
    let mut h = Harness::sized(100, 30, false);
    let mut m = morning(&h);
    resulted(&mut m, "4.2");
    at_the_lab(&mut h, "lab");
    to_verify(&mut h);
    h.press(KeyCode::Char('v'));
    let s = h.screen();
    assert!(
        s.contains("a second lab technician verifies them") && s.contains("lab_self_verify"),
        "{s}"
    );
    assert_eq!(status(&h, &m.stat), OrderStatus::Resulted);
    ops::settings::set(&mut m.clinic.db, &m.clinic.admin, "lab_self_verify", "yes").unwrap();
    // The setting is read again as the user unlocks the screen, which
    // keeps where they were.
    h.ctrl('l');
    h.typed(PASSWORD);
    h.press(KeyCode::Enter);
    to_verify(&mut h);
    h.press(KeyCode::Char('v'));
    let s = h.screen();
    assert!(s.contains("type VERIFY"), "{s}");
    h.typed("yes");
    h.press(KeyCode::Enter);
    assert_eq!(status(&h, &m.stat), OrderStatus::Resulted, "the wrong word");
    for _ in 0..3 {
        h.press(KeyCode::Backspace);
    }
    h.typed("VERIFY");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("verified"), "{s}");
    assert!(s.contains("(self)"), "{s}");
    assert_eq!(status(&h, &m.stat), OrderStatus::Verified);
    assert!(h.actions().iter().any(|a| a == "LAB_SELF_VERIFY"));
}

#[test]
fn a_verified_value_is_corrected_with_a_reason_and_the_old_one_shown() {
    let mut h = Harness::sized(100, 30, false);
    let mut m = morning(&h);
    resulted(&mut m, "6.9");
    let lab2 = m.clinic.signed_in("lab2", ago(5));
    let o = m.clinic.verify(&lab2, &m.stat, ago(5));
    at_the_lab(&mut h, "lab");
    h.press(KeyCode::Char('/'));
    h.typed(&o.order.accession.to_string());
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('a'));
    let s = h.screen();
    assert!(
        s.contains("Correct a verified result") && s.contains("6.9"),
        "{s}"
    );
    // The form starts on the result: choose the potassium, then Tab to
    // the new value.
    if !s
        .lines()
        .any(|l| l.contains("Result") && l.contains("Potassium"))
    {
        h.press(KeyCode::Right);
    }
    h.press(KeyCode::Tab);
    h.typed("4.9");
    h.ctrl('s');
    assert!(h.screen().contains("say why"), "the reason is required");
    h.typed("haemolysed sample re-run");
    h.ctrl('s');
    let s = h.screen();
    assert!(s.contains("corrected"), "{s}");
    assert_eq!(status(&h, &m.stat), OrderStatus::Resulted);
    // The old value shows as corrected beside the new one.
    for _ in 0..4 {
        if h.screen().contains("Corrected: Potassium 6.9") {
            break;
        }
        h.press(KeyCode::Down);
    }
    let s = h.screen();
    assert!(s.contains("Corrected: Potassium 6.9"), "{s}");
    assert!(s.contains("4.9 (new)"), "{s}");
}

#[test]
fn another_terminal_collecting_first_is_said_and_the_order_read_again() {
    let mut h = Harness::sized(100, 30, false);
    let mut m = morning(&h);
    at_the_lab(&mut h, "lab");
    h.press(KeyCode::Enter);
    let lab2 = m.clinic.signed_in("lab2", ago(1));
    m.clinic.collect(&lab2, &m.stat, ago(1));
    // The order on screen still waits for collection.
    h.press(KeyCode::Char('c'));
    assert!(
        h.screen()
            .contains(&format!("Collect {}", m.stat.accession))
    );
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Another terminal changed"), "{s}");
    assert!(s.contains("Lou Lab"), "read again: collected by Lou: {s}");
}

#[test]
fn every_view_fits_an_80_by_24_terminal_and_help_lists_the_lab_keys() {
    let mut h = Harness::new(false);
    let mut m = morning(&h);
    let lab = m.clinic.signed_in("lab", ago(15));
    m.clinic.collect(&lab, &m.urgent, ago(15));
    at_the_lab(&mut h, "lab");
    let s = h.screen();
    assert!(
        s.contains("STAT") && s.contains("Waiting for collection (2)"),
        "{s}"
    );
    h.press(KeyCode::F(1));
    let s = h.screen();
    assert!(
        s.contains("collect") && s.contains("find accession") && s.contains("previous list"),
        "{s}"
    );
    h.press(KeyCode::Esc);
    h.press(KeyCode::Tab);
    h.press(KeyCode::Char('e'));
    let s = h.screen();
    // The full blood count's analytes under their test, the cursor's in view.
    assert!(
        s.contains("Full blood count") && s.contains("White cell count"),
        "{s}"
    );
    for _ in 0..12 {
        h.press(KeyCode::Tab);
    }
    let s = h.screen();
    assert!(s.contains("of 10 entered"), "{s}");
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('a'));
    assert!(h.screen().contains("has no verified result"));
    h.press(KeyCode::Char('r'));
    assert!(h.screen().contains("Reject the specimen"));
}
