//! The patients tab driven by keys: search, registration with errors and
//! duplicate suggestions, the record view, edits racing another terminal,
//! and the admin's delete, restore and merge.

mod common;

use common::clinic as fixture;
mod tui_harness;

use ratatui::crossterm::event::KeyCode;
use tui_harness::{Harness, PASSWORD, t0};
use wardline::auth;
use wardline::domain::patient::{Field, PatientInput};
use wardline::ops::patients;
use wardline::store::{Db, audit};

fn input(given: &str, family: &str, born: &str, sex: &str, phone: &str) -> PatientInput {
    fixture::person(given, family, born, sex).with(Field::Phone, phone)
}

/// Registers a few patients through another terminal's connection.
fn register_some(h: &Harness) {
    let mut db = Db::open(h.app.db().path()).unwrap();
    let admin = auth::sign_in(&mut db, "admin", PASSWORD, t0()).unwrap();
    for (g, f, b, s, p) in [
        ("John", "Doe", "1980-05-01", "M", "0712 345 678"),
        ("Johnny", "Doe", "1991-07-14", "M", ""),
        ("José", "García", "1975-11-30", "M", "+34 612 000 111"),
        ("Amina", "Okafor", "1988-02-29", "F", "+234 803 123 4567"),
        ("", "Suharto", "1950-01-01", "M", ""),
    ] {
        patients::register(&mut db, &admin, &input(g, f, b, s, p), &[], t0()).unwrap();
    }
}

fn searches(h: &Harness) -> Vec<String> {
    audit::recent(h.app.db().conn(), 500)
        .unwrap()
        .into_iter()
        .filter(|r| r.action == "SEARCH")
        .map(|r| r.summary)
        .collect()
}

#[test]
fn search_as_you_type_and_open_a_record() {
    let mut h = Harness::new(false);
    register_some(&h);
    h.sign_in("reception", PASSWORD);
    let s = h.screen();
    assert!(s.contains("Latest 5 registrations"), "{s}");
    h.typed("doe jo");
    let s = h.screen();
    assert!(
        s.contains("2 found") && s.contains("John Doe") && s.contains("Johnny Doe"),
        "{s}"
    );
    assert!(!s.contains("García"));
    snapshot!("patients_search", s);
    assert!(searches(&h).is_empty(), "no SEARCH event per keystroke");
    h.press(KeyCode::Down);
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(
        s.contains("Johnny Doe") && s.contains("Demographics"),
        "{s}"
    );
    assert_eq!(searches(&h), ["searched \"doe jo\": 2 found"]);
    let last = &audit::recent(h.app.db().conn(), 1).unwrap()[0];
    assert_eq!(last.action, "READ");
    assert!(last.patient_id.is_some());
}

#[test]
fn leaving_the_search_writes_one_search_event() {
    let mut h = Harness::new(false);
    register_some(&h);
    h.sign_in("reception", PASSWORD);
    h.typed("jose");
    assert!(h.screen().contains("José García"), "accents are folded");
    h.press(KeyCode::F(3));
    h.press(KeyCode::F(2));
    assert_eq!(searches(&h), ["searched \"jose\": 1 found"]);
    h.ctrl('l');
    assert_eq!(searches(&h).len(), 1, "nothing new to record");
}

#[test]
fn a_wrong_check_character_says_so() {
    let mut h = Harness::new(false);
    register_some(&h);
    h.sign_in("reception", PASSWORD);
    let mrn = wardline::domain::mrn::Mrn::new("TST", 1).to_string();
    let check = mrn.chars().last().unwrap();
    let wrong = if check == 'A' { 'C' } else { 'A' };
    h.typed(&format!("{}{wrong}", &mrn[..mrn.len() - 1]));
    let s = h.screen();
    assert!(s.contains("does not match its digits"), "{s}");
    h.key(
        KeyCode::Char('u'),
        ratatui::crossterm::event::KeyModifiers::CONTROL,
    );
    h.typed(&mrn);
    assert!(h.screen().contains("John Doe"));
}

#[test]
fn a_long_error_is_wrapped_under_its_field_never_cut_off() {
    let mut h = Harness::new(false);
    h.sign_in("reception", PASSWORD);
    h.ctrl('n');
    h.typed("Amina");
    for _ in 0..4 {
        h.press(KeyCode::Tab);
    }
    let s = h.screen();
    let at = |text: &str| {
        s.lines()
            .position(|l| l.contains(text))
            .unwrap_or_else(|| panic!("{text:?} not shown:\n{s}"))
    };
    let first = at("↳ Required: type the birth date (YYYY-MM-DD)");
    assert_eq!(at("age (about 45)"), first + 1, "{s}");
}

#[test]
fn registering_shows_errors_beside_fields_then_the_new_mrn() {
    let mut h = Harness::new(false);
    h.sign_in("reception", PASSWORD);
    h.ctrl('n');
    h.typed("Wanjiru");
    h.press(KeyCode::Tab);
    h.press(KeyCode::Tab);
    h.typed("Kamau");
    h.press(KeyCode::Tab);
    h.typed("31/02/1990");
    h.press(KeyCode::Tab);
    h.press(KeyCode::Tab);
    h.typed("x");
    h.press(KeyCode::Tab);
    h.typed("12");
    h.press(KeyCode::Tab);
    let s = h.screen();
    assert!(
        s.contains("Not a date")
            && s.contains("Type M (male), F (female)")
            && s.contains("Has 2 digits"),
        "{s}"
    );
    snapshot!("patient_form_errors", s);
    h.ctrl('s');
    assert!(h.screen().contains("Some fields need correcting"));
    // Fix them: the cursor went to the first field in error.
    h.key(
        KeyCode::Char('u'),
        ratatui::crossterm::event::KeyModifiers::CONTROL,
    );
    h.typed("1990-02-27");
    h.press(KeyCode::Tab);
    h.press(KeyCode::Tab);
    h.key(
        KeyCode::Char('u'),
        ratatui::crossterm::event::KeyModifiers::CONTROL,
    );
    h.typed("F");
    h.press(KeyCode::Tab);
    h.key(
        KeyCode::Char('u'),
        ratatui::crossterm::event::KeyModifiers::CONTROL,
    );
    h.typed("0722 111 222");
    h.ctrl('s');
    let s = h.screen();
    assert!(s.contains("Registered TST-000001-"), "{s}");
    assert!(s.contains("Wanjiru Kamau") && s.contains("Demographics"));
    let last = &audit::recent(h.app.db().conn(), 1).unwrap()[0];
    assert_eq!(last.action, "CREATE");
    assert!(last.summary.starts_with("registered TST-000001-"));
}

#[test]
fn possible_duplicates_appear_and_saving_over_them_asks_once() {
    let mut h = Harness::new(false);
    register_some(&h);
    h.sign_in("reception", PASSWORD);
    h.ctrl('n');
    h.typed("Jon");
    h.press(KeyCode::Tab);
    h.press(KeyCode::Tab);
    h.typed("Doe");
    h.press(KeyCode::Tab);
    h.typed("1980-09-01");
    let s = h.screen();
    assert!(
        s.contains("Possible duplicates (1)") && s.contains("similar name and birth date"),
        "{s}"
    );
    h.press(KeyCode::Tab);
    h.press(KeyCode::Tab);
    h.press(KeyCode::Tab);
    h.typed("0712-345-678");
    let s = h.screen();
    assert!(s.contains("same phone"), "{s}");
    snapshot!("patient_form_duplicates", s);
    h.ctrl('s');
    let s = h.screen();
    assert!(s.contains("Register a new patient anyway?"), "{s}");
    h.press(KeyCode::Char('n'));
    assert!(
        h.screen().contains("Register a new patient"),
        "still on the form"
    );
    h.ctrl('s');
    h.press(KeyCode::Char('y'));
    let s = h.screen();
    assert!(s.contains("Registered TST-000006-"), "{s}");
    let last = &audit::recent(h.app.db().conn(), 1).unwrap()[0];
    assert!(
        last.summary
            .contains("despite possible duplicates TST-000001-"),
        "{}",
        last.summary
    );
}

#[test]
fn enter_on_a_duplicate_opens_that_record_instead() {
    let mut h = Harness::new(false);
    register_some(&h);
    h.sign_in("reception", PASSWORD);
    h.ctrl('n');
    h.typed("Amina");
    h.press(KeyCode::Tab);
    h.press(KeyCode::Tab);
    h.typed("Okafor");
    h.press(KeyCode::Tab);
    h.typed("1988-03-01");
    h.ctrl('d');
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Opened the existing record instead"), "{s}");
    assert!(s.contains("TST-000004-") && s.contains("Amina Okafor"));
    let count: i64 = h
        .app
        .db()
        .conn()
        .query_row("SELECT count(*) FROM patients", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 5, "nothing registered");
}

#[test]
fn the_record_view_shows_every_section() {
    let mut h = Harness::new(false);
    {
        let mut db = Db::open(h.app.db().path()).unwrap();
        let admin = auth::sign_in(&mut db, "admin", PASSWORD, t0()).unwrap();
        let full = input("Mei", "Chen", "1972-06-15", "F", "+254 712 000 111")
            .with(Field::MiddleName, "Lin")
            .with(Field::Email, "mei.chen@example.org")
            .with(Field::AddressLine1, "14 Riverside Drive")
            .with(Field::City, "Kisumu")
            .with(Field::Country, "Kenya")
            .with(Field::NationalId, "28374651")
            .with(Field::EmergencyName, "Wei Chen")
            .with(Field::EmergencyRelation, "husband")
            .with(Field::EmergencyPhone, "+254 712 000 222")
            .with(Field::InsuranceProvider, "NHIF")
            .with(Field::InsurancePolicy, "NH-99812")
            .with(Field::InsuranceValidUntil, "2027-01-31")
            .with(Field::Notes, "Prefers Mandarin or English.");
        patients::register(&mut db, &admin, &full, &[], t0()).unwrap();
    }
    h.sign_in("nurse", PASSWORD);
    h.typed("mei");
    h.press(KeyCode::Enter);
    let s = h.screen();
    for part in [
        "Mei Lin Chen",
        "Kisumu",
        "Wei Chen · husband",
        "NHIF",
        "2027-01-31",
        "not verified",
        "Mandarin",
    ] {
        assert!(s.contains(part), "{part} missing:\n{s}");
    }
    snapshot!("patient_record", s);
    h.press(KeyCode::Char('v'));
    let s = h.screen();
    assert!(s.contains("Verified") && s.contains("by nurse"), "{s}");
}

#[test]
fn an_edit_racing_another_terminal_is_not_overwritten() {
    let mut h = Harness::new(false);
    register_some(&h);
    h.sign_in("reception", PASSWORD);
    h.typed("suharto");
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('e'));
    assert!(h.screen().contains("Edit TST-000005-"));
    // Another terminal changes the phone first.
    {
        let mut db = Db::open(h.app.db().path()).unwrap();
        let admin = auth::sign_in(&mut db, "admin", PASSWORD, t0()).unwrap();
        let p = wardline::store::patients::get_by_seq(db.conn(), 5)
            .unwrap()
            .unwrap();
        let changed = PatientInput::from_details(&p.details, "%Y-%m-%d", t0().date_naive())
            .with(Field::Phone, "0700 000 001");
        patients::update(&mut db, &admin, &p.id, p.version, &changed, t0()).unwrap();
    }
    for _ in 0..6 {
        h.press(KeyCode::Tab);
    }
    h.typed("0799 999 999");
    h.ctrl('s');
    let s = h.screen();
    assert!(s.contains("changed in another terminal"), "{s}");
    assert!(
        s.contains("0700 000 001"),
        "the form shows the new values:\n{s}"
    );
    let p = wardline::store::patients::get_by_seq(h.app.db().conn(), 5)
        .unwrap()
        .unwrap();
    assert_eq!(p.details.phone, "0700 000 001");
    // Saving again from the fresh values works.
    h.ctrl('s');
    assert!(h.screen().contains("Saved TST-000005-"));
}

#[test]
fn an_admin_deletes_restores_and_merges_by_keyboard() {
    let mut h = Harness::new(false);
    register_some(&h);
    h.sign_in("admin", PASSWORD);
    // Delete Johnny Doe with a reason.
    h.typed("johnny");
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('d'));
    let s = h.screen();
    assert!(
        s.contains("Delete TST-000002-") && s.contains("Johnny Doe"),
        "the popup names the record:\n{s}"
    );
    h.press(KeyCode::Enter);
    assert!(h.screen().contains("type a reason") || h.screen().contains("Type a reason"));
    h.typed("registered twice by mistake");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(
        s.contains("TST-000002-V deleted") || s.contains("deleted."),
        "{s}"
    );
    assert!(
        !s.contains("Johnny Doe"),
        "back on the search, hidden from it:\n{s}"
    );
    h.press(KeyCode::Tab);
    h.press(KeyCode::Char('x'));
    let s = h.screen();
    assert!(s.contains("DELETED Johnny Doe"), "{s}");
    h.press(KeyCode::End);
    h.press(KeyCode::Enter);
    assert!(
        h.screen().contains("DELETED on"),
        "the record says it is deleted"
    );
    h.press(KeyCode::Char('r'));
    assert!(h.screen().contains("restored"));
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('x'));
    h.press(KeyCode::Char('/'));
    assert!(h.screen().contains("Johnny Doe"));

    // Merge John Doe (TST-000001) into Johnny Doe's record.
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('m'));
    h.typed("TST-000001");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(
        s.contains("Merge TST-000001-X into TST-000002-")
            && s.contains("the birth dates are 11 years apart"),
        "the preview names both and warns about their ages:\n{s}"
    );
    h.typed("MERGE");
    h.press(KeyCode::Tab);
    h.typed("one man, registered twice");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Merged into TST-000002-"), "{s}");
    assert!(
        s.contains("0712 345 678"),
        "the survivor gained the phone:\n{s}"
    );
    // Back on the search, whose box still holds the old MRN.
    h.press(KeyCode::Esc);
    let s = h.screen();
    assert!(s.contains("Find TST-000001"), "{s}");
    assert!(
        s.contains("TST-000002-") && s.contains("Johnny Doe"),
        "the old MRN finds the survivor:\n{s}"
    );
    assert!(
        !s.contains("John Doe "),
        "the merged record is no longer listed:\n{s}"
    );
}

#[test]
fn a_receptionist_cannot_delete_or_see_deleted_patients() {
    let mut h = Harness::new(false);
    register_some(&h);
    h.sign_in("reception", PASSWORD);
    h.typed("suharto");
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('d'));
    assert!(h.screen().contains("may not delete patients"));
    h.press(KeyCode::Esc);
    h.press(KeyCode::Tab);
    h.press(KeyCode::Char('x'));
    assert!(h.screen().contains("may not see deleted patients"));
}

/// Issue #22: at 80 columns the search list cut phones
/// (`+254 (0) 767 097`); a phone number shows whole, the name gives room.
#[test]
fn a_long_phone_shows_whole_in_the_search_list_at_80_columns() {
    let mut h = Harness::new(false);
    let mut db = Db::open(h.app.db().path()).unwrap();
    let admin = auth::sign_in(&mut db, "admin", PASSWORD, t0()).unwrap();
    let p = input(
        "Wanjiku Njeri Achieng",
        "Kamau-Otieno",
        "1990-03-14",
        "F",
        "+254 (0) 767 097 582",
    );
    patients::register(&mut db, &admin, &p, &[], t0()).unwrap();
    h.sign_in("reception", PASSWORD);
    h.typed("kamau");
    let s = h.screen();
    assert!(s.contains("1 found"), "{s}");
    assert!(s.contains("+254 (0) 767 097 582"), "{s}");
    let row = s.lines().find(|l| l.contains("TST-")).unwrap_or_default();
    assert!(row.contains('…'), "the long name is cut and marked: {s}");
    assert!(
        s.contains("Name: Wanjiku Njeri Achieng Kamau-Otieno"),
        "the cut name in full under the list: {s}"
    );
}

#[test]
fn the_duplicates_panel_shows_birth_dates_and_phones_ranked_by_fields_agreeing_with_sex() {
    let mut h = Harness::sized(100, 40, false);
    {
        let mut db = Db::open(h.app.db().path()).unwrap();
        let admin = auth::sign_in(&mut db, "admin", PASSWORD, t0()).unwrap();
        for (g, f, b, s, p) in [
            ("Grace", "Mwangi", "2024-06-05", "M", "0711 000 001"),
            ("Grace", "Mwangi", "2024-03-01", "F", "0722 000 002"),
        ] {
            patients::register(&mut db, &admin, &input(g, f, b, s, p), &[], t0()).unwrap();
        }
    }
    h.sign_in("reception", PASSWORD);
    h.ctrl('n');
    h.typed("Grace");
    h.press(KeyCode::Tab);
    h.press(KeyCode::Tab);
    h.typed("Mwangi");
    h.press(KeyCode::Tab);
    h.typed("2024-06-05");
    h.press(KeyCode::Tab);
    h.press(KeyCode::Tab);
    h.typed("F");
    let s = h.screen();
    assert!(s.contains("Possible duplicates (2)"), "{s}");
    // Each shows its birth date and phone.
    assert!(s.contains("born 2024-03-01 · 0722 000 002"), "{s}");
    assert!(s.contains("born 2024-06-05 · 0711 000 001"), "{s}");
    // The girl (name and sex agree) comes before the boy born that day
    // (name and birth date agree, but not sex).
    let girl = s.find("born 2024-03-01").expect(&s);
    let boy = s.find("born 2024-06-05").expect(&s);
    assert!(girl < boy, "{s}");
    assert!(s.contains("but recorded M: less likely"), "{s}");
}
