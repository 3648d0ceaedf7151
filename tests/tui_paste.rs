//! Pasted text is text, never keys (issue 23): a paste goes into the field
//! with the cursor — folded to one line there, its lines kept in a note —
//! and never opens, edits or deletes a record; where no field has the
//! cursor it changes nothing and says so. Keys that come in a burst as a
//! question opens (a terminal without bracketed paste) never answer it.
//! And Enter on an appointment or a queue row opens the patient's record.

mod common;
mod tui_harness;

use chrono::Duration;
use common::clinic as fixture;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_harness::{Harness, PASSWORD, t0};
use wardline::domain::appointment::Status;
use wardline::domain::clock::Clock;
use wardline::domain::patient::Patient;
use wardline::store::audit;
use wardline::tui::keymap::Tab;

const NOT_PASTED: &str = "Pasted text is only taken into a text field";

/// Registers patients through another terminal's connection.
fn register(h: &Harness, people: &[(&str, &str, &str, &str)]) -> Vec<Patient> {
    let early = t0() - Duration::days(10);
    let mut c = fixture::Clinic::on(h.app.db().path(), early);
    people
        .iter()
        .map(|(g, f, b, s)| {
            fixture::register(&mut c.db, &c.admin, &fixture::person(g, f, b, s), early)
        })
        .collect()
}

/// The number in a patient's MRN (`TST-000002-V` → `000002`), as a clerk
/// copies it from a spreadsheet.
fn number(p: &Patient) -> String {
    p.mrn.split('-').nth(1).unwrap().to_string()
}

/// Text pasted a second after the last key.
fn paste(h: &mut Harness, text: &str) {
    h.now += Duration::seconds(1);
    h.app.handle_paste(text, h.now);
}

/// A key `ms` milliseconds after the last one: a burst, as a terminal
/// without bracketed paste sends a paste.
fn key_after(h: &mut Harness, ms: i64, code: KeyCode) {
    h.now += Duration::milliseconds(ms);
    h.app
        .handle_key(KeyEvent::new(code, KeyModifiers::NONE), h.now);
}

/// The text typed as a burst, a key every 2 ms, a line break as Enter.
fn burst(h: &mut Harness, text: &str) {
    for c in text.chars() {
        let code = if c == '\n' {
            KeyCode::Enter
        } else {
            KeyCode::Char(c)
        };
        key_after(h, 2, code);
    }
}

fn reads(h: &Harness) -> usize {
    h.actions().iter().filter(|a| *a == "READ").count()
}

#[test]
fn a_pasted_mrn_then_a_line_break_and_d_stays_text_in_the_search() {
    let mut h = Harness::new(false);
    let people = register(
        &h,
        &[
            ("Madonna", "Ciccone", "1980-01-01", "F"),
            ("Bilal", "Patel", "1992-03-04", "M"),
        ],
    );
    h.sign_in("admin", PASSWORD);
    let mrn = number(&people[1]);
    paste(&mut h, &format!("{mrn}\nd"));
    let s = h.screen();
    assert!(
        s.contains(&format!("Find {mrn} d")),
        "the newline folded:\n{s}"
    );
    assert!(!s.contains("Delete"), "no delete dialog:\n{s}");
    assert!(!s.contains("Demographics"), "no record opened:\n{s}");
    assert_eq!(reads(&h), 0);
    assert!(
        !h.actions().iter().any(|a| a == "DELETE"),
        "nothing deleted"
    );
    // What is pasted is typed text like any other: the search box edits it.
    h.press(KeyCode::Backspace);
    h.press(KeyCode::Backspace);
    assert!(h.screen().contains("Bilal Patel"), "{}", h.screen());
}

#[test]
fn a_pasted_name_on_two_lines_never_opens_an_edit_form() {
    let mut h = Harness::new(false);
    let people = register(&h, &[("Peter", "Kamau", "1970-05-05", "M")]);
    h.sign_in("reception", PASSWORD);
    paste(&mut h, "kamau\npeter");
    let s = h.screen();
    assert!(s.contains("Find kamau peter"), "{s}");
    assert!(!s.contains("Edit TST-"), "no edit form:\n{s}");
    assert!(s.contains("Peter Kamau"), "the search finds him:\n{s}");
    assert!(
        !h.actions().iter().any(|a| a == "UPDATE" || a == "READ"),
        "his record neither opened nor changed"
    );
    let _ = people;
}

#[test]
fn a_paste_into_a_form_field_folds_its_lines() {
    let mut h = Harness::new(false);
    h.sign_in("reception", PASSWORD);
    h.ctrl('n');
    assert!(
        h.screen().contains("Register a new patient"),
        "{}",
        h.screen()
    );
    paste(&mut h, "Mary\r\nJane\u{1b}[2J\n");
    let s = h.screen();
    assert!(
        s.contains("Mary Jane[2J"),
        "one line, the escape dropped:\n{s}"
    );
    assert!(
        !s.contains("Registered"),
        "the line break saved nothing:\n{s}"
    );
}

#[test]
fn a_paste_on_a_list_changes_nothing_and_says_so() {
    let mut h = Harness::new(false);
    register(&h, &[("Peter", "Kamau", "1970-05-05", "M")]);
    h.sign_in("admin", PASSWORD);
    h.press(KeyCode::Tab);
    let before = h.screen();
    paste(&mut h, "d\n");
    let s = h.screen();
    assert!(s.contains(NOT_PASTED), "{s}");
    assert!(!s.contains("Delete") && !s.contains("Demographics"), "{s}");
    let unchanged =
        |screen: &str| -> Vec<String> { screen.lines().take(18).map(str::to_string).collect() };
    assert_eq!(unchanged(&before), unchanged(&s), "the list is as it was");
    h.press(KeyCode::F(4));
    paste(&mut h, "x");
    assert!(h.screen().contains(NOT_PASTED), "the bed board too");
}

#[test]
fn a_password_is_pasted_without_its_line_break() {
    let mut h = Harness::new(false);
    h.typed("admin");
    h.press(KeyCode::Tab);
    paste(&mut h, &format!("{PASSWORD}\n"));
    assert!(h.tab().is_none(), "the line break did not sign in");
    h.press(KeyCode::Enter);
    assert!(
        h.screen().contains("Signed in as Grace Mwangi"),
        "{}",
        h.screen()
    );
}

#[test]
fn a_burst_of_keys_never_answers_a_delete_or_a_merge() {
    let mut h = Harness::new(false);
    let people = register(
        &h,
        &[
            ("Testa", "Uno", "1966-01-01", "F"),
            // The same person registered twice: the merge asks a plain yes
            // (two people who differ must type MERGE and a reason).
            ("Testa", "Uno", "1966-01-01", "F"),
        ],
    );
    h.sign_in("admin", PASSWORD);
    // The report's paste, as keys: the MRN, Enter, then `d` and a reason.
    let first = number(&people[0]);
    burst(&mut h, &format!("{first}\ndmistake\n"));
    let s = h.screen();
    assert!(
        s.contains("Delete TST-"),
        "the burst opened the question:\n{s}"
    );
    assert!(
        !h.actions().iter().any(|a| a == "DELETE"),
        "but never answered it"
    );
    assert!(!s.contains("mistake"), "nor typed into it:\n{s}");
    h.press(KeyCode::Esc);

    // Merge: the other's MRN, Enter, then `y` as one burst.
    h.press(KeyCode::Char('m'));
    let second = people[1].mrn.to_string();
    burst(&mut h, &format!("{second}\ny"));
    let s = h.screen();
    assert!(s.contains("Merge TST-"), "{s}");
    assert!(
        !h.actions().iter().any(|a| a == "MERGE"),
        "y in the burst did not merge"
    );
    key_after(&mut h, 290, KeyCode::Char('y'));
    assert!(
        !h.actions().iter().any(|a| a == "MERGE"),
        "nor within 300 ms"
    );
    key_after(&mut h, 20, KeyCode::Char('y'));
    assert!(
        h.actions().iter().any(|a| a == "MERGE"),
        "300 ms after the question opened, y answers it: {}",
        h.screen()
    );
}

/// A doctor with Amina Okafor booked at 09:00 today and checked in,
/// waiting in the doctor's queue; through another terminal.
fn clinic(h: &Harness) -> Patient {
    let early = t0() - Duration::days(10);
    let clock = Clock::new(t0(), chrono_tz::UTC);
    let mut c = fixture::Clinic::on(h.app.db().path(), early);
    c.staff(&[fixture::DOCTOR]);
    let desk = c.signed_in("reception", t0());
    let doctor = c.signed_in("doctor", t0());
    let amina = fixture::register(
        &mut c.db,
        &c.admin,
        &fixture::person("Amina", "Okafor", "1988-02-20", "F"),
        early,
    );
    let b = fixture::book(
        &mut c.db,
        &desk,
        &amina.id,
        &doctor.user.id,
        clock.today(),
        540,
        t0() - Duration::days(1),
    );
    fixture::advance(&mut c.db, &desk, &b, Status::CheckedIn, clock);
    amina
}

fn last_read(h: &Harness) -> Option<String> {
    audit::recent(h.app.db().conn(), 1)
        .unwrap()
        .into_iter()
        .find(|r| r.action == "READ")
        .and_then(|r| r.patient_id)
}

#[test]
fn enter_on_an_appointment_opens_the_patients_record() {
    let mut h = Harness::sized(120, 36, false);
    let amina = clinic(&h);
    h.sign_in_to("doctor", KeyCode::F(3));
    assert!(h.screen().contains("Amina Okafor"), "{}", h.screen());
    assert!(
        h.screen().contains("Enter open record"),
        "the hint bar shows it"
    );
    h.press(KeyCode::Enter);
    assert_eq!(h.tab(), Some(Tab::Patients));
    let s = h.screen();
    assert!(
        s.contains("Amina Okafor") && s.contains("Demographics"),
        "{s}"
    );
    assert_eq!(
        last_read(&h),
        Some(amina.id.to_string()),
        "audited as the record's READ"
    );
}

#[test]
fn enter_on_a_queue_row_opens_the_patients_record() {
    let mut h = Harness::sized(120, 36, false);
    let amina = clinic(&h);
    h.sign_in_to("reception", KeyCode::F(3));
    h.press(KeyCode::Char('q'));
    assert!(h.screen().contains("1 waiting"), "{}", h.screen());
    h.press(KeyCode::Enter);
    assert_eq!(h.tab(), Some(Tab::Patients));
    let s = h.screen();
    assert!(
        s.contains("Amina Okafor") && s.contains("Demographics"),
        "{s}"
    );
    assert_eq!(last_read(&h), Some(amina.id.to_string()));
    // Back on the queue, it is as it was.
    h.press(KeyCode::F(3));
    assert!(h.screen().contains("1 waiting"), "{}", h.screen());
}

#[test]
fn a_paste_into_the_note_keeps_its_lines() {
    let mut h = Harness::sized(120, 36, false);
    clinic(&h);
    h.sign_in_to("doctor", KeyCode::F(3));
    h.press(KeyCode::Char('q'));
    h.press(KeyCode::Char('n'));
    assert_eq!(h.tab(), Some(Tab::Visits));
    assert!(
        h.screen().contains("Presenting complaint"),
        "{}",
        h.screen()
    );
    paste(&mut h, "fever\r\nfor three days\u{7}");
    let s = h.screen();
    let fever = s.lines().position(|l| l.contains("fever")).expect(&s);
    assert!(
        s.lines()
            .nth(fever + 1)
            .is_some_and(|l| l.contains("for three days")),
        "the second line is its own:\n{s}"
    );
}

#[test]
fn a_paste_goes_into_the_pickers_search_and_a_choice_takes_none() {
    let mut h = Harness::sized(120, 36, false);
    clinic(&h);
    h.sign_in_to("reception", KeyCode::F(3));
    h.press(KeyCode::Char('n'));
    paste(&mut h, "okafor\n");
    let s = h.screen();
    assert!(
        s.contains("Find okafor") && s.contains("Amina Okafor"),
        "{s}"
    );
    assert!(
        !s.contains("Clinician"),
        "the line break chose no one:\n{s}"
    );
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Clinician"), "the booking form:\n{s}");
    paste(&mut h, "Dr");
    let s = h.screen();
    assert!(s.contains(NOT_PASTED), "a choice takes no paste:\n{s}");
}

#[test]
fn enter_on_a_queue_row_keeps_a_half_typed_patient_form() {
    let mut h = Harness::sized(120, 36, false);
    clinic(&h);
    h.sign_in_to("reception", KeyCode::F(2));
    h.ctrl('n');
    h.typed("Halfway");
    h.press(KeyCode::F(3));
    h.press(KeyCode::Char('q'));
    h.press(KeyCode::Enter);
    assert_eq!(h.tab(), Some(Tab::Patients));
    let s = h.screen();
    assert!(s.contains("Halfway"), "the form as typed:\n{s}");
    assert!(s.contains("holds a form you were typing"), "{s}");
    assert_eq!(last_read(&h), None, "no record opened");
}
