//! Merging two people by keyboard as an administrator: the side-by-side
//! preview, the word `MERGE` and a reason asked for records that differ
//! (the hands-on test's woman of about 60 and man born in 2000), the
//! survivor's estimated birth date kept, and the merge undone with `M`.

mod common;
mod tui_harness;

use common::clinic as fixture;
use ratatui::crossterm::event::KeyCode;
use tui_harness::{Harness, PASSWORD, t0};
use wardline::auth;
use wardline::domain::patient::{Field, Patient};
use wardline::ops::patients;
use wardline::store::Db;

/// Testa Uno, F, about 60, with a phone; Testb Due, M, born 2000-01-01,
/// with a national ID: registered through another terminal.
fn two_people(h: &Harness) -> (Patient, Patient) {
    let mut db = Db::open(h.app.db().path()).unwrap();
    let admin = auth::sign_in(&mut db, "admin", PASSWORD, t0()).unwrap();
    let uno = fixture::person("Testa", "Uno", "", "F")
        .with(Field::EstimatedAge, "60")
        .with(Field::Phone, "0712 000 111");
    let due =
        fixture::person("Testb", "Due", "2000-01-01", "M").with(Field::NationalId, "29001122");
    let uno = patients::register(&mut db, &admin, &uno, &[], t0()).unwrap();
    let due = patients::register(&mut db, &admin, &due, &[], t0()).unwrap();
    (uno, due)
}

fn record(h: &Harness, p: &Patient) -> Patient {
    wardline::store::patients::get(h.app.db().conn(), &p.id)
        .unwrap()
        .unwrap()
}

#[test]
fn merging_two_different_people_asks_for_merge_and_a_reason_and_can_be_undone() {
    let mut h = Harness::new(false);
    let (uno, due) = two_people(&h);
    h.sign_in("admin", PASSWORD);
    h.typed("testa uno");
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('m'));
    h.typed(&due.mrn);
    h.press(KeyCode::Enter);
    let s = h.screen();
    for part in [
        "These may be two different people",
        "the sex differs (F and M)",
        "Type MERGE",
        "Reason",
        "After the merge",
        "+ 29001122",
    ] {
        assert!(s.contains(part), "{part:?} missing:\n{s}");
    }
    snapshot!("merge_preview_two_people", s);

    // Enter alone, or a wrong word, merges nothing.
    h.press(KeyCode::Enter);
    assert!(h.screen().contains("Type MERGE in capitals"));
    h.typed("merge");
    h.press(KeyCode::Enter);
    assert!(h.screen().contains("Type MERGE in capitals"));
    assert_eq!(record(&h, &due).merged_into, None);
    for _ in 0..5 {
        h.press(KeyCode::Backspace);
    }
    h.typed("MERGE");
    h.press(KeyCode::Enter);
    assert!(h.screen().contains("Type the reason"), "{}", h.screen());
    h.typed("same woman: registered again with her son's papers");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains(&format!("Merged into {}", uno.mrn)), "{s}");

    let after = record(&h, &uno);
    assert_eq!(after.details.birth_date, uno.details.birth_date);
    assert!(after.details.birth_date_estimated, "the estimate is kept");
    assert_eq!(after.details.national_id, "29001122");
    assert_eq!(record(&h, &due).merged_into, Some(uno.id.clone()));
    let merge_event: String = h
        .app
        .db()
        .conn()
        .query_row(
            "SELECT summary FROM audit_log WHERE action = 'MERGE' ORDER BY seq LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        merge_event.contains("reason: same woman: registered again with her son's papers")
            && merge_event.contains("the sex differs (F and M)"),
        "{merge_event}"
    );

    // Undo it from the survivor's record.
    h.press(KeyCode::Char('M'));
    let s = h.screen();
    assert!(
        s.contains(&format!("Undo the merge of {}", due.mrn)) && s.contains(&uno.mrn),
        "{s}"
    );
    h.press(KeyCode::Char('y'));
    let s = h.screen();
    assert!(s.contains("Merge undone"), "{s}");
    assert_eq!(record(&h, &due).merged_into, None);
    assert_eq!(record(&h, &uno).details, uno.details);
    assert!(h.actions().iter().any(|a| a == "UNMERGE"));
}

#[test]
fn two_records_of_one_person_merge_with_a_plain_confirmation_naming_both() {
    let mut h = Harness::new(false);
    let mut db = Db::open(h.app.db().path()).unwrap();
    let admin = auth::sign_in(&mut db, "admin", PASSWORD, t0()).unwrap();
    let ann = patients::register(
        &mut db,
        &admin,
        &fixture::person("Ann", "Okafor", "1980-01-01", "F"),
        &[],
        t0(),
    )
    .unwrap();
    let anne = patients::register(
        &mut db,
        &admin,
        &fixture::person("Anne", "Okafor", "1980-01-01", "F").with(Field::Phone, "0700 123 456"),
        &[],
        t0(),
    )
    .unwrap();
    drop(db);
    h.sign_in("admin", PASSWORD);
    h.typed(&ann.mrn);
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('m'));
    h.typed(&anne.mrn);
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(
        s.contains(&format!("Merge {}", anne.mrn)) && s.contains(&format!("INTO {}", ann.mrn)),
        "{s}"
    );
    assert!(!s.contains("Type MERGE"), "{s}");
    h.press(KeyCode::Enter);
    assert!(h.screen().contains(&format!("Merged into {}", ann.mrn)));
    let merged = record(&h, &ann);
    assert_eq!(merged.details.phone, "0700 123 456");

    // Another terminal edits the survivor: the undo is refused, naming it.
    let mut db = Db::open(h.app.db().path()).unwrap();
    let admin = auth::sign_in(&mut db, "admin", PASSWORD, t0()).unwrap();
    let edit = wardline::domain::patient::PatientInput::from_details(
        &merged.details,
        "%Y-%m-%d",
        t0().date_naive(),
    )
    .with(Field::City, "Mombasa");
    patients::update(&mut db, &admin, &ann.id, merged.version, &edit, t0()).unwrap();
    drop(db);
    h.press(KeyCode::Char('M'));
    let s = h.screen();
    assert!(
        s.contains(&format!("{} was edited on 2026-03-09 08:30", ann.mrn)),
        "{s}"
    );
    assert_eq!(record(&h, &anne).merged_into, Some(ann.id.clone()));
}
