//! A patient account on the terminal: the first sign-in forces the password
//! change, then the patient sees only their own record's sections and who
//! opened it; every key that leads elsewhere on a staff screen leaves them
//! on their record; turning their portal access off ends the session at the
//! next key.

mod tui_harness;

use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use tui_harness::{Harness, PASSWORD, t0};
use wardline::auth;
use wardline::domain::patient::{Field, PatientInput};
use wardline::ops::{patient_accounts, patients};
use wardline::store::Db;
use wardline::tui::app::Mode;
use wardline::tui::keymap::Tab;

const OWN: &str = "amber kettle under lighthouse";

/// A verified patient with an account, whose record the nurse opened:
/// the patient's user name and temporary password.
fn patient_with_account(h: &Harness) -> (String, String) {
    let mut db = Db::open(h.app.db().path()).unwrap();
    let desk = auth::sign_in(&mut db, "reception", PASSWORD, t0()).unwrap();
    let input = PatientInput::default()
        .with(Field::GivenName, "Ama")
        .with(Field::FamilyName, "Mensah")
        .with(Field::BirthDate, "1980-01-01")
        .with(Field::Sex, "F")
        .with(Field::Phone, "0712 345 678");
    let p = patients::register(&mut db, &desk, &input, &[], t0()).unwrap();
    patients::verify_identity(&mut db, &desk, &p.id, t0()).unwrap();
    let issued = patient_accounts::create(&mut db, &desk, &p.id, None, t0()).unwrap();
    let nurse = auth::sign_in(&mut db, "nurse", PASSWORD, t0()).unwrap();
    patients::open(&mut db, &nurse, &p.id).unwrap();
    (issued.user.user_name, issued.password.reveal().to_string())
}

fn signed_in_patient() -> (Harness, String) {
    let mut h = Harness::sized(120, 30, false);
    let (user, temporary) = patient_with_account(&h);
    h.sign_in(&user, &temporary);
    assert!(
        matches!(h.app.mode, Mode::ChangePassword { .. }),
        "the first sign-in forces a new password:\n{}",
        h.screen()
    );
    h.typed(OWN);
    h.press(KeyCode::Tab);
    h.typed(OWN);
    h.press(KeyCode::Enter);
    assert_eq!(h.tab(), Some(Tab::MyRecord), "{}", h.screen());
    (h, user)
}

#[test]
fn the_patient_changes_the_password_and_sees_their_sections() {
    let (mut h, _) = signed_in_patient();
    assert_eq!(h.app.tabs(), vec![Tab::MyRecord]);
    let screen = h.screen();
    assert!(screen.contains("My record"), "{screen}");
    assert!(screen.contains("Ama Mensah"), "{screen}");
    assert!(screen.contains("0712 345 678"), "{screen}");
    for (key, says) in [
        ('2', "No upcoming appointments."),
        ('3', "You have not been admitted"),
        ('4', "No current medicines."),
        ('5', "No verified results yet."),
        ('6', "No bills."),
    ] {
        h.press(KeyCode::Char(key));
        let screen = h.screen();
        assert!(screen.contains(says), "{key}: {screen}");
    }
    h.press(KeyCode::Char('7'));
    let screen = h.screen();
    assert!(screen.contains("Mei Lin Chen (nurse) opened"), "{screen}");
    assert!(
        !screen.contains("Tomás Herrera (receptionist) opened"),
        "{screen}"
    );
    h.press(KeyCode::Right);
    assert!(h.screen().contains("Record number"));

    let reads = wardline::store::audit::recent(h.app.db().conn(), 100)
        .unwrap()
        .into_iter()
        .filter(|r| r.action == "READ" && r.entity == "portal")
        .count();
    assert!(reads >= 8, "every section shown is a READ: {reads}");
}

#[test]
fn no_key_leads_the_patient_anywhere_else() {
    let (mut h, _) = signed_in_patient();
    let mut keys: Vec<(KeyCode, KeyModifiers)> = (2..=12)
        .map(|n| (KeyCode::F(n), KeyModifiers::NONE))
        .collect();
    keys.extend(
        "1234567890"
            .chars()
            .map(|c| (KeyCode::Char(c), KeyModifiers::ALT)),
    );
    for c in "/nedvmxcgRlVirDu?sq".chars() {
        keys.push((KeyCode::Char(c), KeyModifiers::NONE));
    }
    for c in "nrsdkf".chars() {
        keys.push((KeyCode::Char(c), KeyModifiers::CONTROL));
    }
    for code in [
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::PageDown,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::Backspace,
    ] {
        keys.push((code, KeyModifiers::NONE));
    }
    for (code, mods) in keys {
        h.key(code, mods);
        // A confirmation or the help may open; Esc closes it.
        h.press(KeyCode::Esc);
        assert_eq!(h.tab(), Some(Tab::MyRecord), "after {code:?} {mods:?}");
        let screen = h.screen();
        assert!(screen.contains("My record"), "after {code:?}: {screen}");
        for staff in ["Patients", "Appointments", "Beds", "Pharmacy", "Search"] {
            assert!(
                !screen.contains(&format!("F2 {staff}"))
                    && !screen.contains(&format!("{staff} tab")),
                "after {code:?}: {screen}"
            );
        }
    }
}

#[test]
fn turning_access_off_ends_the_session_at_the_next_key() {
    let (mut h, _) = signed_in_patient();
    let mut db = Db::open(h.app.db().path()).unwrap();
    let desk = auth::sign_in(&mut db, "reception", PASSWORD, t0()).unwrap();
    let p = patients::by_mrn(&db, &desk, "TST-000001").unwrap().unwrap();
    patient_accounts::set_portal(&mut db, &desk, &p.id, false, t0()).unwrap();
    h.press(KeyCode::Char('2'));
    assert!(matches!(h.app.mode, Mode::SignIn(_)));
    let screen = h.screen();
    assert!(screen.contains("portal access has ended"), "{screen}");
    assert!(!screen.contains("Ama Mensah"), "{screen}");
}

/// The screen with the temporary password, when shown, masked.
fn masked(screen: &str, password: &str) -> String {
    screen.replace(password, &"*".repeat(password.len()))
}

#[test]
fn a_receptionist_creates_the_account_from_the_record() {
    let mut h = Harness::sized(100, 30, false);
    {
        let mut db = Db::open(h.app.db().path()).unwrap();
        let desk = auth::sign_in(&mut db, "reception", PASSWORD, t0()).unwrap();
        let input = PatientInput::default()
            .with(Field::GivenName, "Kofi")
            .with(Field::FamilyName, "Boateng")
            .with(Field::BirthDate, "1975-06-01")
            .with(Field::Sex, "M");
        let p = patients::register(&mut db, &desk, &input, &[], t0()).unwrap();
        patients::verify_identity(&mut db, &desk, &p.id, t0()).unwrap();
    }
    h.sign_in("reception", PASSWORD);
    h.open_record("Boateng");
    assert!(h.screen().contains("no account"), "{}", h.screen());
    h.press(KeyCode::Char('P'));
    let screen = h.screen();
    assert!(screen.contains("has no portal account"), "{screen}");
    assert!(screen.contains("Boateng"), "{screen}");
    h.press(KeyCode::Enter);
    let screen = h.screen();
    let password = screen
        .lines()
        .find_map(|l| l.split("Temporary password: ").nth(1))
        .map(|rest| rest.split_whitespace().next().unwrap_or("").to_string())
        .expect("the temporary password is shown");
    assert!(password.len() >= 19, "{password}");
    assert!(screen.contains("it is not shown again"), "{screen}");
    insta::assert_snapshot!(masked(&screen, &password));
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(!screen.contains(&password), "shown once: {screen}");
    assert!(screen.contains("tst-000001"), "{screen}");
    assert!(screen.contains("(on)"), "{screen}");

    // Turning access off from the popup shows on the record.
    h.press(KeyCode::Char('P'));
    h.press(KeyCode::Char('o'));
    h.press(KeyCode::Esc);
    assert!(h.screen().contains("(off)"), "{}", h.screen());

    let mut db = Db::open(h.app.db().path()).unwrap();
    assert!(matches!(
        auth::sign_in(&mut db, "tst-000001-x", &password, t0()),
        Err(wardline::error::Error::InvalidCredentials)
    ));
}

#[test]
fn the_lock_hides_the_record_and_the_patient_unlocks_it() {
    let (mut h, _) = signed_in_patient();
    h.ctrl('l');
    assert!(matches!(h.app.mode, Mode::Locked { .. }));
    let screen = h.screen();
    assert!(
        !screen.contains("0712 345 678"),
        "no record data behind the lock: {screen}"
    );
    assert!(!screen.contains("Record number"), "{screen}");
    h.typed(OWN);
    h.press(KeyCode::Enter);
    assert_eq!(h.tab(), Some(Tab::MyRecord), "{}", h.screen());
    assert!(h.screen().contains("0712 345 678"));
}
