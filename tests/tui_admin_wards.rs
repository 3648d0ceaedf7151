//! Staff on wards on the screen: an administrator opens the wards check
//! list of the nurse in the Admin tab, checks the medical ward and saves;
//! the accounts list shows her ward, the audit trail has the assignment,
//! and the nurse's worklist (F7) then lists that ward's admitted patients
//! and not the other ward's. A pharmacist's account gets no check list.

mod common;
mod tui_harness;

use chrono::Duration;
use common::clinic as fixture;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use tui_harness::{Harness, PASSWORD, t0};
use wardline::domain::beds::WardKind;

/// Through another terminal: a doctor, a medical and a surgical ward with
/// a patient admitted to each under the doctor.
fn wards(h: &Harness) {
    let early = t0() - Duration::days(10);
    let mut c = fixture::Clinic::on(h.app.db().path(), early);
    c.staff(&[fixture::DOCTOR]);
    let doctor = c.signed_in("doctor", early);
    for (ward, kind, label, given, family) in [
        ("Medical", WardKind::Medical, "MED-01", "Peter", "Otieno"),
        ("Surgical", WardKind::Surgical, "SUR-01", "José", "García"),
    ] {
        let w = c.ward(ward, kind);
        let bed = c.bed(&w, label);
        let input = fixture::person(given, family, "1962-01-20", "M");
        let p = fixture::register(&mut c.db, &c.admin, &input, early);
        fixture::admit(
            &mut c.db,
            &c.admin,
            &p.id,
            &bed,
            &doctor.user.id,
            "pneumonia",
            t0() - Duration::days(1),
        );
    }
}

/// Selects the account `user_name` in the Admin tab's list (by user name:
/// admin, doctor, nurse, pharm, reception).
fn select(h: &mut Harness, user_name: &str) {
    let at = ["admin", "doctor", "nurse", "pharm", "reception"]
        .iter()
        .position(|u| *u == user_name)
        .unwrap_or_else(|| panic!("no account {user_name}"));
    h.press(KeyCode::Home);
    for _ in 0..at {
        h.press(KeyCode::Down);
    }
}

fn sign_in_again(h: &mut Harness, user: &str) {
    h.ctrl('l');
    h.key(KeyCode::BackTab, KeyModifiers::SHIFT);
    for _ in 0.."admin".len() {
        h.press(KeyCode::Backspace);
    }
    h.typed(user);
    h.press(KeyCode::Tab);
    h.typed(PASSWORD);
    h.press(KeyCode::Enter);
}

#[test]
fn an_admin_assigns_the_nurse_to_a_ward_and_her_worklist_lists_its_patients() {
    let mut h = Harness::sized(120, 36, false);
    wards(&h);
    h.sign_in_to("admin", KeyCode::F(6));
    let screen = h.screen();
    assert!(screen.contains("w set wards"), "{screen}");
    assert!(screen.contains("Wards"), "the wards column: {screen}");

    // Nothing to choose for a pharmacist.
    select(&mut h, "pharm");
    h.press(KeyCode::Char('w'));
    let screen = h.screen();
    assert!(
        screen.contains("only doctors and nurses are assigned to wards"),
        "{screen}"
    );

    select(&mut h, "nurse");
    assert!(h.screen().contains("nurse: no ward"));
    h.press(KeyCode::Char('w'));
    let screen = h.screen();
    assert!(
        screen.contains("The wards Mei Lin Chen (nurse) works on"),
        "{screen}"
    );
    assert!(
        screen.contains("[ ] Medical") && screen.contains("[ ] Surgical"),
        "{screen}"
    );
    assert!(screen.contains("Space check or uncheck"), "{screen}");
    // Space checks the medical ward; Esc would leave it unsaved.
    h.press(KeyCode::Char(' '));
    // The box hides part of the audit trail's title, head hash included.
    insta::with_settings!({filters => vec![
        (r"\d\d-\d\d \d\d:\d\d", "[time]     "),
        (r"head [0-9a-f]+", "head [hash]"),
    ]}, {
        insta::assert_snapshot!("admin_wards_checklist", h.screen());
    });
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("nurse works on Medical now."), "{screen}");
    assert!(!screen.contains("[x]"), "the check list closed: {screen}");
    let row = screen
        .lines()
        .find(|l| l.contains("│nurse "))
        .unwrap_or_default()
        .to_string();
    assert!(
        row.contains("Medical") && !row.contains("Surgical"),
        "{row}"
    );
    assert!(screen.contains("nurse: Medical"), "{screen}");
    assert!(h.actions().iter().any(|a| a == "ASSIGN_WARD"));

    // The list opens again with the medical ward checked; Esc leaves it as it was.
    h.press(KeyCode::Char('w'));
    let screen = h.screen();
    assert!(
        screen.contains("[x] Medical") && screen.contains("[ ] Surgical"),
        "{screen}"
    );
    h.press(KeyCode::Esc);
    assert!(!h.screen().contains("[x] Medical"));

    // The nurse's worklist: the medical ward's patient with their bed, not the surgical one.
    sign_in_again(&mut h, "nurse");
    assert_eq!(
        h.app.session().map(|s| s.user.user_name.as_str()),
        Some("nurse")
    );
    h.press(KeyCode::F(7));
    let screen = h.screen();
    assert!(screen.contains("Peter Otieno"), "{screen}");
    assert!(screen.contains("MED-01"), "{screen}");
    assert!(!screen.contains("José García"), "{screen}");
}
