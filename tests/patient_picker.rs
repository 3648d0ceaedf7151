//! The patients search as a picker for other screens: choosing a patient
//! (audited as a READ), cancelling, and registering one without leaving.

mod common;

use common::clinic as fixture;
mod tui_harness;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_harness::{PASSWORD, t0};
use wardline::auth::{self, Session};
use wardline::domain::settings::Settings;
use wardline::store::{Db, audit};
use wardline::tui::keymap;
use wardline::tui::screen::Screen as _;
use wardline::tui::screens::patients::{Ctx, Patients, PickOutcome};

fn setup() -> (tempfile::TempDir, Db, Session, Settings) {
    let dir = tempfile::tempdir().unwrap();
    let mut db = tui_harness::hospital(dir.path());
    let s = auth::sign_in(&mut db, "reception", PASSWORD, t0()).unwrap();
    let input = fixture::person("Amina", "Okafor", "1988-02-29", "F");
    fixture::register(&mut db, &s, &input, t0());
    let settings = wardline::store::settings::load(db.conn(), &"TST".parse().unwrap()).unwrap();
    (dir, db, s, settings)
}

/// One key into the picker the way the app routes it: its table first, then
/// text to the field under the cursor.
fn key(p: &mut Patients, ctx: &mut Ctx, code: KeyCode, mods: KeyModifiers) {
    let e = KeyEvent::new(code, mods);
    match keymap::lookup(p.table(), &e) {
        Some(action) => {
            p.perform(action, ctx);
        }
        None => {
            p.type_key(e, ctx);
        }
    }
}

fn typed(p: &mut Patients, ctx: &mut Ctx, text: &str) {
    for c in text.chars() {
        key(p, ctx, KeyCode::Char(c), KeyModifiers::NONE);
    }
}

#[test]
fn enter_chooses_the_selected_patient_and_audits_the_read() {
    let (_dir, mut db, session, mut settings) = setup();
    let mut ctx = Ctx {
        db: &mut db,
        session: &session,
        settings: &mut settings,
        now: t0(),
    };
    let mut p = Patients::picker(&mut ctx, "Book an appointment for which patient?");
    assert_eq!(p.title(), "Choose a patient");
    typed(&mut p, &mut ctx, "okaf am");
    assert!(p.outcome().is_none());
    key(&mut p, &mut ctx, KeyCode::Enter, KeyModifiers::NONE);
    match p.outcome() {
        Some(PickOutcome::Chosen(patient)) => {
            assert_eq!(patient.details.full_name(), "Amina Okafor")
        }
        other => panic!("expected a chosen patient, got {other:?}"),
    }
    assert!(p.outcome().is_none(), "the outcome is taken once");
    let actions: Vec<String> = audit::recent(db.conn(), 20)
        .unwrap()
        .into_iter()
        .map(|e| e.action.to_string())
        .collect();
    assert!(actions.iter().any(|a| a == "READ"), "{actions:?}");
    assert!(actions.iter().any(|a| a == "SEARCH"), "{actions:?}");
}

#[test]
fn escape_cancels_without_choosing() {
    let (_dir, mut db, session, mut settings) = setup();
    let mut ctx = Ctx {
        db: &mut db,
        session: &session,
        settings: &mut settings,
        now: t0(),
    };
    let mut p = Patients::picker(&mut ctx, "Admit which patient?");
    key(&mut p, &mut ctx, KeyCode::Esc, KeyModifiers::NONE);
    assert!(matches!(p.outcome(), Some(PickOutcome::Cancelled)));
}

#[test]
fn a_patient_registered_inside_the_picker_is_chosen() {
    let (_dir, mut db, session, mut settings) = setup();
    let mut ctx = Ctx {
        db: &mut db,
        session: &session,
        settings: &mut settings,
        now: t0(),
    };
    let mut p = Patients::picker(&mut ctx, "Book an appointment for which patient?");
    key(&mut p, &mut ctx, KeyCode::Char('n'), KeyModifiers::CONTROL);
    assert_eq!(p.title(), "Patient form");
    typed(&mut p, &mut ctx, "Kwame");
    key(&mut p, &mut ctx, KeyCode::Tab, KeyModifiers::NONE);
    key(&mut p, &mut ctx, KeyCode::Tab, KeyModifiers::NONE);
    typed(&mut p, &mut ctx, "Mensah");
    key(&mut p, &mut ctx, KeyCode::Tab, KeyModifiers::NONE);
    typed(&mut p, &mut ctx, "1990-04-12");
    key(&mut p, &mut ctx, KeyCode::Tab, KeyModifiers::NONE);
    key(&mut p, &mut ctx, KeyCode::Tab, KeyModifiers::NONE);
    typed(&mut p, &mut ctx, "M");
    key(&mut p, &mut ctx, KeyCode::Char('s'), KeyModifiers::CONTROL);
    match p.outcome() {
        Some(PickOutcome::Chosen(patient)) => {
            assert_eq!(patient.details.full_name(), "Kwame Mensah");
            assert!(patient.mrn.to_string().starts_with("TST-"));
        }
        other => panic!("expected the new patient, got {other:?}"),
    }
}
