//! The round tab (F8) driven by keys on a fixed clock (11:30 on Monday 9
//! March 2026, UTC): a nurse on the medical ward sees the doses due and
//! overdue there, overdue first; giving one records it and it leaves the
//! list; holding asks for a reason and refuses an empty one; a dose given
//! beyond the late limit shows late on the MAR; a correction shows beneath
//! the record it corrects; a PRN dose asks its indication; a nurse on no
//! ward is told how to be assigned; receptionists and pharmacists have no
//! tab; the bed board marks a bed whose patient has a dose overdue; the
//! help lists the keys.

mod common;
mod tui_harness;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::clinic as fixture;
use ratatui::crossterm::event::KeyCode;
use tui_harness::{Harness, PASSWORD};
use wardline::domain::beds::WardKind;
use wardline::domain::clock::Clock;
use wardline::domain::patient::Patient;
use wardline::domain::prescribing::Frequency;
use wardline::domain::role::Role;
use wardline::domain::visit::VisitKind;
use wardline::ops;
use wardline::ops::prescriptions::PrescriptionInput;
use wardline::tui::keymap::Tab;

/// A time on Monday 9 March 2026, UTC (the hospital's zone).
fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 9, h, m, 0)
        .single()
        .unwrap_or_default()
}

/// The screen's clock: 11:30, the 08:00 doses overdue and the 12:00 due.
fn now() -> DateTime<Utc> {
    at(11, 30)
}

struct Setup {
    peter: Patient,
    mary: Patient,
}

/// Five days of `dose`, after food; a PRN dose for pain, three a day at most.
fn order(
    visit: &wardline::domain::ids::Id,
    item: &str,
    dose: &str,
    f: Frequency,
) -> PrescriptionInput {
    let mut o = fixture::order(visit, item, dose, f, Some(5));
    if f == Frequency::Prn {
        o.course.prn_indication = Some("pain".to_string());
        o.course.prn_max_daily = Some(3);
    }
    o
}

/// A medical ward (MED-01, MED-02) with the nurse on it and a surgical
/// ward; Peter (allergic to penicillin) in MED-01 on paracetamol QID and
/// ibuprofen PRN, Mary in MED-02 on amoxicillin TDS, all ordered by the
/// doctor at 07:00; a second nurse on no ward. Through another terminal.
fn ward(h: &Harness) -> Setup {
    let early = at(7, 0) - Duration::days(10);
    let mut c = fixture::Clinic::on(h.app.db().path(), early);
    c.staff(&[fixture::DOCTOR, ("nurse2", "Joy Banda", Role::Nurse)]);
    let doctor = c.signed_in("doctor", at(7, 0));
    let nurse = c.signed_in("nurse", at(7, 0));
    let mut patient = |g: &str, f: &str, b: &str, s: &str| {
        fixture::register(&mut c.db, &c.admin, &fixture::person(g, f, b, s), early)
    };
    let peter = patient("Peter", "Otieno", "1962-01-20", "M");
    let mary = patient("Mary", "Achieng", "1975-05-02", "F");
    let medical = c.ward("Medical", WardKind::Medical);
    c.ward("Surgical", WardKind::Surgical);
    c.nurse_on("nurse", &medical);
    let mut item =
        |name: &str, strength: &str, form: &str| c.item(name, &name.to_lowercase(), strength, form);
    let paracetamol = item("Paracetamol", "500 mg", "tablet");
    let ibuprofen = item("Ibuprofen", "200 mg", "tablet");
    let amoxicillin = item("Amoxicillin", "500 mg", "capsule");
    let clock = Clock::new(at(7, 0), chrono_tz::UTC);
    for (p, label, orders) in [
        (
            &peter,
            "MED-01",
            vec![
                (paracetamol.clone(), "1 g", Frequency::Qid),
                (ibuprofen.clone(), "400 mg", Frequency::Prn),
            ],
        ),
        (
            &mary,
            "MED-02",
            vec![(amoxicillin.clone(), "500 mg", Frequency::Tds)],
        ),
    ] {
        let bed = c.bed(&medical, label);
        fixture::admit(
            &mut c.db,
            &nurse,
            &p.id,
            &bed,
            &doctor.user.id,
            "pneumonia",
            at(7, 0) - Duration::days(1),
        );
        let visit = ops::visits::start(&mut c.db, &doctor, &p.id, VisitKind::WardRound, clock)
            .unwrap()
            .id;
        for (item, dose, f) in orders {
            ops::prescriptions::prescribe(
                &mut c.db,
                &doctor,
                &order(&visit, &item, dose, f),
                clock,
            )
            .unwrap();
        }
    }
    ops::allergies::record(
        &mut c.db,
        &doctor,
        &peter.id,
        "penicillin",
        "rash",
        wardline::domain::conditions::Severity::Moderate,
        clock,
    )
    .unwrap();
    Setup { peter, mary }
}

/// The nurse signed in at 11:30 on a 120×30 screen, on the round tab.
fn nurse_on_round() -> (Harness, Setup) {
    let mut h = Harness::at(chrono_tz::UTC, now(), 120, 30);
    let s = ward(&h);
    h.sign_in_to("nurse", KeyCode::F(8));
    assert_eq!(h.tab(), Some(Tab::Round));
    (h, s)
}

/// The line of the screen holding `words`.
fn line_with(screen: &str, words: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains(words))
        .unwrap_or_default()
        .to_string()
}

fn position(screen: &str, words: &str) -> usize {
    screen
        .lines()
        .position(|l| l.contains(words))
        .unwrap_or(usize::MAX)
}

fn recorded(h: &Harness) -> i64 {
    h.app
        .db()
        .conn()
        .query_row("SELECT count(*) FROM medication_administrations", [], |r| {
            r.get(0)
        })
        .unwrap()
}

#[test]
fn the_nurse_sees_her_wards_doses_overdue_first() {
    let (mut h, s) = nurse_on_round();
    let screen = h.screen();
    assert!(
        screen.contains("Medication round · Medical · 4 due, 2 OVERDUE"),
        "{screen}"
    );
    let rows: Vec<String> = screen
        .lines()
        .filter(|l| l.contains("MED-0"))
        .map(String::from)
        .collect();
    assert_eq!(rows.len(), 4, "{screen}");
    assert!(
        rows[0].contains("08:00") && rows[0].contains("MED-01"),
        "{screen}"
    );
    assert!(
        rows[0].contains("OVERDUE") && rows[0].contains("Paracetamol"),
        "{screen}"
    );
    assert!(
        rows[0].contains("ALLERGY"),
        "Peter's allergy is marked: {screen}"
    );
    assert!(
        rows[1].contains("08:00") && rows[1].contains("MED-02"),
        "{screen}"
    );
    assert!(
        rows[1].contains("OVERDUE") && rows[1].contains("not asked"),
        "{screen}"
    );
    assert!(
        rows[2].contains("12:00") && rows[2].contains("due now"),
        "{screen}"
    );
    assert!(
        rows[3].contains("12:00") && rows[3].contains("Amoxicillin"),
        "{screen}"
    );
    assert!(rows[0].contains(&s.peter.mrn[..8]), "{screen}");
    assert!(rows[1].contains("Mary Achieng"), "{}", s.mary.mrn);
    assert!(
        !screen.contains("Ibuprofen"),
        "a PRN order has no due doses: {screen}"
    );
    insta::assert_snapshot!("round_due_list", screen);
    assert!(h.actions().iter().any(|a| a == "READ"));
}

#[test]
fn giving_a_dose_confirms_it_by_name_records_it_and_it_leaves_the_list() {
    let (mut h, s) = nurse_on_round();
    h.press(KeyCode::Down);
    h.press(KeyCode::Char('g'));
    let screen = h.screen();
    assert!(
        screen.contains("Give Amoxicillin 500 mg capsule 500 mg oral"),
        "{screen}"
    );
    assert!(screen.contains("Mary Achieng"), "{screen}");
    assert_eq!(recorded(&h), 0, "nothing is recorded before yes");
    h.press(KeyCode::Char('y'));
    let screen = h.screen();
    assert_eq!(recorded(&h), 1);
    assert!(
        screen.contains("Given at 11:30, LATE (over 60 min after 08:00): Amoxicillin"),
        "given 3½ hours after 08:00: {screen}"
    );
    assert!(screen.contains("3 due, 1 OVERDUE"), "{screen}");
    assert!(!line_with(&screen, "MED-02").contains("08:00"), "{screen}");
    assert!(
        h.actions().iter().any(|a| a == "RECORD_DOSE"),
        "{:?}",
        h.actions()
    );
    let _ = s;
}

#[test]
fn holding_asks_a_reason_and_refuses_an_empty_one() {
    let (mut h, _) = nurse_on_round();
    h.press(KeyCode::Char('h'));
    let screen = h.screen();
    assert!(screen.contains("Why is the dose held?"), "{screen}");
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("Type why the dose is held"), "{screen}");
    assert!(
        screen.contains("Why is the dose held?"),
        "the prompt stays open: {screen}"
    );
    assert_eq!(recorded(&h), 0);
    h.typed("nil by mouth");
    h.press(KeyCode::Enter);
    assert_eq!(recorded(&h), 1);
    let screen = h.screen();
    assert!(screen.contains("3 due, 1 OVERDUE"), "{screen}");
    // The MAR shows it held with its reason (Peter's next dose is the
    // second row now, after Mary's overdue one).
    h.press(KeyCode::Down);
    h.press(KeyCode::Enter);
    let screen = h.screen();
    let held = line_with(&screen, "  08:00");
    assert!(
        held.contains("held") && held.contains("nil by mouth"),
        "{screen}"
    );
}

/// Gives Peter's overdue 08:00 paracetamol, then opens his MAR.
fn give_late_and_open_mar(h: &mut Harness) {
    h.press(KeyCode::Char('g'));
    h.press(KeyCode::Char('y'));
    // Mary's overdue dose comes first now, then Peter's 12:00.
    h.press(KeyCode::Down);
    h.press(KeyCode::Char('m'));
}

#[test]
fn a_dose_given_after_the_late_limit_shows_late_on_the_mar() {
    let (mut h, _) = nurse_on_round();
    give_late_and_open_mar(&mut h);
    let screen = h.screen();
    assert!(screen.contains("MAR · Peter Otieno"), "{screen}");
    assert!(screen.contains("ALLERGIES: penicillin"), "{screen}");
    assert!(
        screen.contains("Paracetamol 500 mg tablet 1 g oral QID"),
        "{screen}"
    );
    assert!(screen.contains("after food"), "{screen}");
    let late = line_with(&screen, "  08:00");
    assert!(late.contains("given LATE"), "{screen}");
    assert!(late.contains("given 11:30 by Mei Lin Chen"), "{screen}");
    assert!(
        line_with(&screen, "  12:00").contains("due now"),
        "{screen}"
    );
    assert!(
        line_with(&screen, "  18:00").contains("due later"),
        "{screen}"
    );
    assert!(screen.contains("PRN order"), "{screen}");
    // The day before: the order had not started.
    h.press(KeyCode::Left);
    let screen = h.screen();
    assert!(!screen.contains("given LATE"), "{screen}");
    h.press(KeyCode::Right);
    assert!(h.screen().contains("given LATE"));
}

#[test]
fn a_correction_shows_beneath_the_original() {
    let (mut h, _) = nurse_on_round();
    give_late_and_open_mar(&mut h);
    h.press(KeyCode::Down); // the 08:00 dose
    h.press(KeyCode::Char('c'));
    let screen = h.screen();
    assert!(screen.contains("Correct the record of"), "{screen}");
    h.typed("held");
    h.press(KeyCode::Enter);
    h.press(KeyCode::Enter);
    assert!(
        h.screen().contains("Type why the dose was held"),
        "an empty reason is refused"
    );
    h.typed("vomiting");
    h.press(KeyCode::Enter);
    h.typed("recorded on the wrong dose");
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert_eq!(recorded(&h), 2, "the first record stays: {screen}");
    let first = position(&screen, "  08:00");
    let fix = position(&screen, "↳ corrected");
    assert_eq!(fix, first + 1, "{screen}");
    assert!(
        line_with(&screen, "  08:00").contains("(corrected below)"),
        "{screen}"
    );
    let fixed = line_with(&screen, "↳ corrected");
    assert!(
        fixed.contains("held") && fixed.contains("vomiting"),
        "{screen}"
    );
    assert!(
        fixed.contains("why: recorded on the wrong dose"),
        "{screen}"
    );
    assert!(
        line_with(&screen, "  08:00").contains(" held "),
        "the correction stands: {screen}"
    );
    insta::assert_snapshot!("round_mar", screen);
    assert!(
        h.actions().iter().any(|a| a == "CORRECT_DOSE"),
        "{:?}",
        h.actions()
    );
}

#[test]
fn a_prn_dose_asks_its_indication() {
    let (mut h, _) = nurse_on_round();
    h.press(KeyCode::Enter);
    h.press(KeyCode::End); // the PRN order
    h.press(KeyCode::Char('g'));
    let screen = h.screen();
    assert!(screen.contains("what is it for?"), "{screen}");
    for _ in 0..4 {
        h.press(KeyCode::Backspace);
    }
    h.press(KeyCode::Enter);
    assert!(h.screen().contains("Type what the dose is given for"));
    h.typed("headache");
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        line_with(&screen, "PRN given").contains("for headache"),
        "{screen}"
    );
}

#[test]
fn a_nurse_on_no_ward_is_told_how_to_be_assigned() {
    let mut h = Harness::at(chrono_tz::UTC, now(), 100, 30);
    ward(&h);
    h.sign_in_to("nurse2", KeyCode::F(8));
    assert_eq!(h.tab(), Some(Tab::Round));
    let screen = h.screen();
    assert!(screen.contains("You work on no ward"), "{screen}");
    assert!(screen.contains("An administrator assigns you"), "{screen}");
    h.press(KeyCode::Char('w'));
    assert!(h.screen().contains("You work on no ward"));
}

#[test]
fn receptionists_and_pharmacists_have_no_round_tab() {
    for user in ["reception", "pharm"] {
        let mut h = Harness::at(chrono_tz::UTC, now(), 100, 30);
        h.sign_in(user, PASSWORD);
        let before = h.tab();
        h.press(KeyCode::F(8));
        assert_eq!(h.tab(), before, "{user}");
        assert!(!h.screen().contains("F8 Round"), "{user}");
    }
}

#[test]
fn the_bed_board_marks_a_bed_with_a_dose_overdue() {
    let (mut h, _) = nurse_on_round();
    h.press(KeyCode::F(4));
    let screen = h.screen();
    assert_eq!(screen.matches("Rx!").count(), 2, "{screen}");
    // Both overdue doses given: the marks go.
    h.press(KeyCode::F(8));
    h.press(KeyCode::Char('g'));
    h.press(KeyCode::Char('y'));
    h.press(KeyCode::Char('g'));
    h.press(KeyCode::Char('y'));
    h.press(KeyCode::F(4));
    let screen = h.screen();
    assert_eq!(screen.matches("Rx!").count(), 0, "{screen}");
}

#[test]
fn help_lists_the_round_keys() {
    let (mut h, _) = nurse_on_round();
    h.press(KeyCode::Char('?'));
    let screen = h.screen();
    for words in [
        "give",
        "hold",
        "refused",
        "not available",
        "patient's MAR",
        "next ward",
    ] {
        assert!(screen.contains(words), "{words}: {screen}");
    }
    h.press(KeyCode::Esc);
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('?'));
    let screen = h.screen();
    for words in ["correct", "day before", "day after", "due list"] {
        assert!(screen.contains(words), "{words}: {screen}");
    }
}

#[test]
fn the_round_fits_80_by_24() {
    let mut h = Harness::at(chrono_tz::UTC, now(), 80, 24);
    ward(&h);
    h.sign_in_to("nurse", KeyCode::F(8));
    let screen = h.screen();
    assert!(screen.contains("F8 Round"), "{screen}");
    assert!(screen.contains("OVERDUE"), "{screen}");
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("MAR · Peter Otieno"), "{screen}");
}

#[test]
fn the_due_list_follows_the_clock_without_keys() {
    let (mut h, _) = nurse_on_round();
    assert!(h.screen().contains("4 due, 2 OVERDUE"));
    // A key at 13:04 (which reads nothing), then at 13:05 the 12:00 doses
    // are past the hour's grace: overdue too.
    h.now = at(13, 4);
    h.press(KeyCode::Home);
    assert!(h.screen().contains("4 due, 2 OVERDUE"));
    h.now = at(13, 5);
    h.app.tick(h.now);
    let screen = h.screen();
    assert!(screen.contains("4 due, 4 OVERDUE"), "{screen}");
}

#[test]
fn giving_a_dose_soon_after_the_last_one_of_the_order_warns_before_yes() {
    let (mut h, _) = nurse_on_round();
    // Peter's overdue 08:00 paracetamol: nothing given yet, no warning.
    h.press(KeyCode::Char('g'));
    let screen = h.screen();
    assert!(screen.contains("Give Paracetamol"), "{screen}");
    assert!(!screen.contains("would double it"), "{screen}");
    h.press(KeyCode::Char('y'));
    // His 12:00 dose of the same QID order, half an hour early: the
    // question names the dose just given.
    h.press(KeyCode::Down);
    h.press(KeyCode::Char('g'));
    let screen = h.screen();
    assert!(screen.contains("Give Paracetamol"), "{screen}");
    assert!(screen.contains("A dose of it was"), "{screen}");
    assert!(screen.contains("given at 11:30 (0 min ago"), "{screen}");
    assert!(screen.contains("would double it"), "{screen}");
    // No: nothing more is recorded; Mary's amoxicillin is another order.
    h.press(KeyCode::Char('n'));
    assert_eq!(recorded(&h), 1);
    h.press(KeyCode::Up);
    h.press(KeyCode::Char('g'));
    let screen = h.screen();
    assert!(screen.contains("Give Amoxicillin"), "{screen}");
    assert!(!screen.contains("would double it"), "{screen}");
}
