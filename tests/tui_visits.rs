//! The visits tab driven by keys: the worklist with what is pending,
//! calling a patient in from the queue into their visit, a note that
//! survives the lock, signing and an addendum, vitals refused beside the
//! field and NEWS2 of an admitted adult, a diagnosis found by words in any
//! order, breaking the glass, who has the tab, and its help.

mod common;
mod tui_harness;

use chrono::Duration;
use common::clinic as fixture;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use tui_harness::{Harness, PASSWORD, t0};
use wardline::auth;
use wardline::domain::appointment::Status;
use wardline::domain::beds::WardKind;
use wardline::domain::clock::Clock;
use wardline::domain::patient::Patient;
use wardline::ops;
use wardline::store::Db;
use wardline::tui::keymap::Tab;

struct Setup {
    waiting: Patient,
    admitted: Patient,
    stranger: Patient,
}

fn clock() -> Clock {
    Clock::new(t0(), chrono_tz::UTC)
}

/// A doctor (`doctor`) with one patient checked in and waiting in their
/// queue, one admitted under them (allergic to penicillin), and a patient
/// of no one's care; through another terminal.
fn clinic(h: &Harness) -> Setup {
    let early = t0() - Duration::days(10);
    let mut c = fixture::Clinic::on(h.app.db().path(), early);
    c.staff(&[fixture::DOCTOR]);
    let desk = c.signed_in("reception", t0());
    let doctor = c.signed_in("doctor", t0());
    let nurse = c.signed_in("nurse", t0());
    let mut patient = |g: &str, f: &str, b: &str, s: &str| {
        fixture::register(&mut c.db, &c.admin, &fixture::person(g, f, b, s), early)
    };
    let waiting = patient("Amina", "Okafor", "1988-02-20", "F");
    let admitted = patient("Peter", "Otieno", "1962-01-20", "M");
    let stranger = patient("José", "García", "1975-11-30", "M");
    let b = fixture::book(
        &mut c.db,
        &desk,
        &waiting.id,
        &doctor.user.id,
        clock().today(),
        540,
        t0() - Duration::days(1),
    );
    fixture::advance(&mut c.db, &desk, &b, Status::CheckedIn, clock());
    let ward = c.ward("Medical", WardKind::Medical);
    // The nurse works on the medical ward: she charts its patients.
    c.nurse_on("nurse", &ward);
    let bed = c.bed(&ward, "MED-01");
    fixture::admit(
        &mut c.db,
        &nurse,
        &admitted.id,
        &bed,
        &doctor.user.id,
        "pneumonia",
        t0() - Duration::days(3),
    );
    ops::allergies::record(
        &mut c.db,
        &doctor,
        &admitted.id,
        "penicillin",
        "rash",
        wardline::domain::conditions::Severity::Moderate,
        clock(),
    )
    .unwrap();
    Setup {
        waiting,
        admitted,
        stranger,
    }
}

fn doctor_at_work() -> (Harness, Setup) {
    let mut h = Harness::sized(120, 36, false);
    let s = clinic(&h);
    h.sign_in("doctor", PASSWORD);
    (h, s)
}

/// Masks the clock's times in a snapshot.
macro_rules! masked {
    ($name:expr, $screen:expr) => {
        insta::with_settings!({filters => vec![(r"\d\d:\d\d", "HH:MM")]}, {
            insta::assert_snapshot!($name, $screen);
        });
    };
}

#[test]
fn a_receptionist_has_no_visits_tab() {
    let mut h = Harness::sized(120, 36, false);
    clinic(&h);
    h.sign_in_to("reception", KeyCode::F(7));
    assert_ne!(h.tab(), Some(Tab::Visits));
    assert!(!h.screen().contains("F7 Visits"));
}

#[test]
fn the_worklist_shows_pending_work_news2_and_allergies() {
    let (mut h, _) = doctor_at_work();
    h.press(KeyCode::F(7));
    assert_eq!(h.tab(), Some(Tab::Visits));
    let screen = h.screen();
    assert!(screen.contains("Amina Okafor"), "{screen}");
    assert!(screen.contains("queue 1"), "{screen}");
    assert!(screen.contains("Peter Otieno"), "{screen}");
    assert!(screen.contains("MED-01"), "{screen}");
    assert!(screen.contains("vitals, note, diagnosis"), "{screen}");
    assert!(screen.contains("ALLERGY"), "{screen}");
    assert!(screen.contains("not asked"), "{screen}");
    masked!("visits_worklist", screen);
}

#[test]
fn calling_in_lands_in_the_visit_and_the_note_survives_the_lock() {
    let (mut h, s) = doctor_at_work();
    h.press(KeyCode::F(3));
    h.press(KeyCode::Char('q'));
    h.press(KeyCode::Char('n'));
    assert_eq!(h.tab(), Some(Tab::Visits));
    let screen = h.screen();
    assert!(screen.contains("Amina Okafor"), "{screen}");
    assert!(screen.contains("Outpatient consultation"), "{screen}");
    assert!(screen.contains("Presenting complaint"), "{screen}");
    assert!(screen.contains("Allergies not asked"), "{screen}");
    h.typed("fever for 3 days");
    h.press(KeyCode::Tab);
    h.typed("no travel");
    h.press(KeyCode::Enter);
    h.typed("lives in Kisumu");
    h.ctrl('l');
    assert!(h.tab().is_none());
    h.typed(PASSWORD);
    h.press(KeyCode::Enter);
    // Unlocked, the doctor is back in the note, its text as typed.
    assert_eq!(h.tab(), Some(Tab::Visits));
    let screen = h.screen();
    assert!(screen.contains("fever for 3 days"), "{screen}");
    assert!(screen.contains("lives in Kisumu"), "{screen}");
    let _ = s.waiting;
    masked!("visits_visit", screen);
}

#[test]
fn a_pause_in_typing_saves_the_draft_on_a_tick() {
    let (mut h, _) = doctor_at_work();
    h.press(KeyCode::F(7));
    h.press(KeyCode::Enter);
    h.typed("cough");
    h.now += Duration::seconds(5);
    h.app.tick(h.now);
    assert!(h.actions().iter().any(|a| a == "UPDATE"));
    assert!(h.screen().contains("draft saved"));
}

#[test]
fn signing_makes_the_note_read_only_and_an_addendum_shows_beneath() {
    let (mut h, _) = doctor_at_work();
    h.press(KeyCode::F(7));
    h.press(KeyCode::Enter);
    h.typed("headache");
    h.ctrl('s');
    assert!(h.screen().contains("never changes"));
    h.press(KeyCode::Char('y'));
    let screen = h.screen();
    assert!(screen.contains("Signed note (read-only)"), "{screen}");
    assert!(screen.contains("signed by"), "{screen}");
    h.press(KeyCode::Enter);
    assert!(h.screen().contains("never changes: a adds an addendum"));
    h.press(KeyCode::Char('a'));
    h.typed("late result");
    h.press(KeyCode::Enter);
    h.typed("malaria smear negative");
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("Addendum by Dr. Aisha Rahman"), "{screen}");
    assert!(screen.contains("late result"), "{screen}");
    assert!(screen.contains("malaria smear negative"), "{screen}");
}

fn open_round(h: &mut Harness) {
    h.press(KeyCode::F(7));
    h.press(KeyCode::Down);
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("Ward round"), "{screen}");
    assert!(
        screen.contains("Allergies: penicillin (rash, moderate)"),
        "{screen}"
    );
    h.press(KeyCode::Esc);
}

#[test]
fn vitals_refuse_impossible_values_beside_the_field_and_score_news2() {
    let (mut h, _) = doctor_at_work();
    open_round(&mut h);
    h.press(KeyCode::Char('v'));
    h.typed("50");
    h.ctrl('s');
    let screen = h.screen();
    assert!(screen.contains("25"), "{screen}");
    assert!(screen.contains("45"), "{screen}");
    assert!(screen.contains("not possible"), "{screen}");
    h.ctrl('u');
    h.typed("39.5");
    for v in ["120", "26", "95", "60"] {
        h.press(KeyCode::Tab);
        h.typed(v);
    }
    h.press(KeyCode::Tab);
    h.typed("92");
    h.press(KeyCode::Tab);
    h.press(KeyCode::Right);
    h.press(KeyCode::Tab);
    h.press(KeyCode::Tab);
    h.press(KeyCode::Right);
    h.ctrl('s');
    let screen = h.screen();
    assert!(screen.contains("Vitals recorded: NEWS2"), "{screen}");
    assert!(
        screen.contains("values out of the normal range"),
        "{screen}"
    );
    assert!(screen.contains("NEWS2"), "{screen}");
    assert!(screen.contains("high"), "{screen}");
    assert!(screen.contains("pulse 120 /min is high"), "{screen}");
    h.press(KeyCode::Char('t'));
    assert!(h.screen().contains("Trends"));
}

#[test]
fn a_diagnosis_is_found_by_words_in_any_order_and_added() {
    let (mut h, _) = doctor_at_work();
    open_round(&mut h);
    h.press(KeyCode::Char('d'));
    h.typed("pneumonia lobar");
    let screen = h.screen();
    assert!(screen.contains("J18.1"), "{screen}");
    for _ in 0..10 {
        if h.screen().contains("J18.1") {
            break;
        }
    }
    let rows: Vec<String> = h.screen().lines().map(str::to_string).collect();
    let first = rows.iter().position(|l| l.contains("J18.1")).unwrap();
    let top = rows
        .iter()
        .position(|l| l.contains("J1") && !l.contains("Find"))
        .unwrap();
    for _ in top..first {
        h.press(KeyCode::Down);
    }
    h.press(KeyCode::Enter);
    h.ctrl('s');
    let screen = h.screen();
    assert!(screen.contains("Diagnosis added"), "{screen}");
    assert!(screen.contains("J18.1"), "{screen}");
    assert!(screen.contains("primary provisional"), "{screen}");
}

#[test]
fn breaking_the_glass_asks_a_reason_then_opens() {
    let (mut h, s) = doctor_at_work();
    h.press(KeyCode::F(7));
    h.press(KeyCode::Char('n'));
    h.typed("garcia");
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("Which kind of visit"), "{screen}");
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("not in your care"), "{screen}");
    h.press(KeyCode::Enter);
    assert!(h.screen().contains("Type why"));
    h.typed("called to the emergency room");
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("GLASS BROKEN"), "{screen}");
    assert!(screen.contains("José García"), "{screen}");
    assert!(h.actions().iter().any(|a| a == "BREAK_GLASS"));
    let _ = s.stranger;
}

#[test]
fn help_lists_the_visits_keys() {
    let (mut h, _) = doctor_at_work();
    h.press(KeyCode::F(7));
    h.press(KeyCode::Char('?'));
    let screen = h.screen();
    assert!(screen.contains("open visit"), "{screen}");
    assert!(screen.contains("other clinician"), "{screen}");
    h.press(KeyCode::Esc);
    h.press(KeyCode::Enter);
    h.press(KeyCode::Esc);
    h.key(KeyCode::F(1), KeyModifiers::NONE);
    let screen = h.screen();
    assert!(screen.contains("vitals"), "{screen}");
    assert!(screen.contains("addendum"), "{screen}");
}

/// The visit of the patient waiting, opened by the doctor through another
/// terminal, and that terminal's sessions.
fn other_terminal(h: &Harness) -> (Db, wardline::auth::Session) {
    let mut db = Db::open(h.app.db().path()).unwrap();
    let doctor = auth::sign_in(&mut db, "doctor", PASSWORD, t0()).unwrap();
    (db, doctor)
}

#[test]
fn a_draft_saved_elsewhere_meanwhile_is_said_and_the_typed_text_kept() {
    let (mut h, _) = doctor_at_work();
    h.press(KeyCode::F(7));
    h.press(KeyCode::Enter);
    h.typed("cough");
    h.now += Duration::seconds(5);
    h.app.tick(h.now);
    let (mut db, doctor) = other_terminal(&h);
    let w = ops::worklist::worklist_with_facts(&mut db, &doctor, &doctor.user.id, clock(), false)
        .unwrap();
    let visit = w.entries[0].visit.clone().unwrap();
    let n = wardline::store::clinical::visits::note_of(db.conn(), &visit.id)
        .unwrap()
        .unwrap();
    let other = wardline::domain::visit::NoteText {
        presenting_complaint: "cough and fever".into(),
        ..Default::default()
    };
    ops::visits::save_draft(
        &mut db,
        &doctor,
        &visit.id,
        &other,
        Some(n.version),
        clock(),
    )
    .unwrap();
    h.typed(" for a week");
    h.now += Duration::seconds(5);
    h.app.tick(h.now);
    let screen = h.screen();
    assert!(screen.contains("saved by"), "{screen}");
    assert!(screen.contains("cough for a week"), "{screen}");
    h.ctrl('r');
    let screen = h.screen();
    assert!(screen.contains("What you typed is kept"), "{screen}");
    assert!(screen.contains("cough for a week"), "{screen}");
}

#[test]
fn a_ward_round_starts_from_the_bed_board_and_a_visit_from_the_record() {
    let (mut h, s) = doctor_at_work();
    h.press(KeyCode::F(4));
    h.press(KeyCode::Char('V'));
    assert_eq!(h.tab(), Some(Tab::Visits));
    let screen = h.screen();
    assert!(
        screen.contains("Ward round of Peter Otieno open"),
        "{screen}"
    );
    h.press(KeyCode::Esc);
    h.press(KeyCode::Esc);
    h.open_record("okafor");
    h.press(KeyCode::Char('V'));
    assert_eq!(h.tab(), Some(Tab::Visits));
    let screen = h.screen();
    assert!(
        screen.contains("Outpatient consultation of Amina Okafor"),
        "{screen}"
    );
    // From the record of an admitted patient, the doctor's visit is a ward
    // round of that admission.
    h.press(KeyCode::Esc);
    h.press(KeyCode::Esc);
    h.press(KeyCode::F(2));
    h.press(KeyCode::Esc);
    h.ctrl('u');
    h.typed("otieno");
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('V'));
    assert_eq!(h.tab(), Some(Tab::Visits));
    let screen = h.screen();
    assert!(
        screen.contains("Ward round of Peter Otieno open"),
        "{screen}"
    );
    let _ = s.waiting;
}

#[test]
fn allergies_are_recorded_and_a_wrong_vitals_set_marked_in_error() {
    let (mut h, _) = doctor_at_work();
    h.press(KeyCode::F(7));
    h.press(KeyCode::Enter);
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('A'));
    h.typed("sulfa");
    h.press(KeyCode::Enter);
    assert!(h.screen().contains("substance, reaction, severity"));
    h.ctrl('u');
    h.typed("sulfonamides, hives, severe");
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        screen.contains("Allergies: sulfonamides (hives, severe)"),
        "{screen}"
    );
    h.press(KeyCode::Char('v'));
    h.press(KeyCode::Tab);
    h.typed("88");
    h.ctrl('s');
    assert!(h.screen().contains("P 88"));
    h.press(KeyCode::Char('e'));
    h.press(KeyCode::Enter);
    assert!(h.screen().contains("Type"));
    h.typed("wrong patient");
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("in error: wrong patient"), "{screen}");
}

#[test]
fn a_rising_news2_stands_out_on_the_worklist_and_c_shows_another_clinician() {
    let mut h = Harness::sized(120, 36, false);
    clinic(&h);
    let mut db = Db::open(h.app.db().path()).unwrap();
    let nurse = auth::sign_in(&mut db, "nurse", PASSWORD, t0()).unwrap();
    let doctor = auth::sign_in(&mut db, "doctor", PASSWORD, t0()).unwrap();
    let w = ops::worklist::worklist_with_facts(&mut db, &doctor, &doctor.user.id, clock(), false)
        .unwrap();
    let admitted = w.entries[1].patient_id.clone();
    use wardline::domain::news2::Consciousness;
    use wardline::domain::vitals::Vitals;
    let set = |rr: i64, pulse: i64| Vitals {
        respiratory_rate: Some(rr),
        spo2: Some(96),
        on_oxygen: Some(false),
        systolic: Some(120),
        diastolic: Some(80),
        pulse: Some(pulse),
        consciousness: Some(Consciousness::Alert),
        temperature_dc: Some(370),
        ..Vitals::default()
    };
    for (i, (rr, pulse)) in [(16, 70), (23, 115)].into_iter().enumerate() {
        let when = t0() - Duration::hours(4 - i as i64);
        ops::vitals::record(
            &mut db,
            &nurse,
            &ops::vitals::VitalsInput {
                patient: &admitted,
                visit: None,
                taken_at: when,
                vitals: set(rr, pulse),
            },
            clock(),
        )
        .unwrap();
    }
    h.sign_in_to("doctor", KeyCode::F(7));
    let screen = h.screen();
    assert!(screen.contains("! 4 low ▲ RISING"), "{screen}");
    let mut seen = Vec::new();
    for _ in 0..3 {
        h.press(KeyCode::Char('c'));
        seen.push(h.screen());
    }
    assert!(
        seen.iter().any(|s| s.contains("Worklist of Mei Lin Chen")),
        "{:?}",
        seen
    );
}

#[test]
fn the_visit_fits_80_by_24() {
    let mut h = Harness::sized(80, 24, false);
    clinic(&h);
    h.sign_in_to("doctor", KeyCode::F(7));
    let screen = h.screen();
    assert!(screen.contains("vitals note dx"), "{screen}");
    assert!(screen.contains("Amina Okafor TST-000001-X"), "{screen}");
    h.press(KeyCode::Enter);
    h.typed("fever");
    let screen = h.screen();
    assert!(screen.contains("Amina Okafor"), "{screen}");
    assert!(screen.contains("fever"), "{screen}");
    assert!(screen.contains("Allergies not asked"), "{screen}");
}

#[test]
fn an_old_unsigned_draft_is_listed_and_opens() {
    let mut h = Harness::sized(120, 36, false);
    let s = clinic(&h);
    let then = t0() - Duration::days(2);
    let mut db = Db::open(h.app.db().path()).unwrap();
    let doctor = auth::sign_in(&mut db, "doctor", PASSWORD, then).unwrap();
    let at = Clock::new(then, chrono_tz::UTC);
    let v = ops::visits::start(
        &mut db,
        &doctor,
        &s.admitted.id,
        wardline::domain::visit::VisitKind::WardRound,
        at,
    )
    .unwrap();
    let text = wardline::domain::visit::NoteText {
        assessment: "improving on antibiotics".into(),
        ..Default::default()
    };
    ops::visits::save_draft(&mut db, &doctor, &v.id, &text, None, at).unwrap();
    h.sign_in_to("doctor", KeyCode::F(7));
    let screen = h.screen();
    assert!(screen.contains("1 draft unsigned too long"), "{screen}");
    assert!(screen.contains("unsigned since"), "{screen}");
    h.press(KeyCode::End);
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("improving on antibiotics"), "{screen}");
}

#[test]
fn a_nurse_calling_in_a_doctors_patient_stays_on_the_queue() {
    let mut h = Harness::sized(120, 36, false);
    clinic(&h);
    h.sign_in_to("nurse", KeyCode::F(3));
    for _ in 0..4 {
        if h.screen().contains("Amina Okafor") {
            break;
        }
        h.press(KeyCode::Char('c'));
    }
    h.press(KeyCode::Char('s'));
    assert_eq!(h.tab(), Some(Tab::Appointments));
    let screen = h.screen();
    assert!(screen.contains("called in"), "{screen}");
}

#[test]
fn a_problem_is_added_from_the_code_list_and_resolved() {
    let (mut h, _) = doctor_at_work();
    open_round(&mut h);
    h.press(KeyCode::Char('p'));
    h.typed("e11.9");
    let screen = h.screen();
    assert!(screen.contains("E11.9"), "{screen}");
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("Problem E11.9"), "{screen}");
    h.typed("2019-04-01");
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("Problem added"), "{screen}");
    assert!(screen.contains("E11.9"), "{screen}");
    h.press(KeyCode::Char('r'));
    assert!(h.screen().contains("Select a problem"));
    h.press(KeyCode::Down);
    h.press(KeyCode::Char('r'));
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("Problem resolved"), "{screen}");
    assert!(screen.contains("since 2019-04-01 (resolved"), "{screen}");
    h.press(KeyCode::Up);
    h.press(KeyCode::Char('e'));
    assert!(
        h.screen()
            .contains("Mark the allergy to penicillin entered in error")
    );
    h.typed("another patient's allergy");
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        screen.contains("Allergy marked entered in error"),
        "{screen}"
    );
    assert!(screen.contains("Allergies not asked"), "{screen}");
}

#[test]
fn the_note_typed_is_saved_when_the_program_ends() {
    let (mut h, s) = doctor_at_work();
    h.press(KeyCode::F(7));
    h.press(KeyCode::Enter);
    h.typed("abdominal pain");
    h.app.shutdown();
    let mut db = Db::open(h.app.db().path()).unwrap();
    let doctor = auth::sign_in(&mut db, "doctor", PASSWORD, t0()).unwrap();
    let record = ops::record::open(&mut db, &doctor, &s.waiting.id, clock()).unwrap();
    let note = record.visits[0].note.clone().unwrap();
    assert_eq!(note.text.presenting_complaint, "abdominal pain");
    assert!(note.signed_at.is_none());
}

#[test]
fn a_long_ward_round_shows_each_rows_patient_and_pending_work_as_it_scrolls() {
    // 45 more patients admitted under the doctor than a 100 × 30 screen
    // shows: the worklist reads each row's patient and pending work as the
    // row comes into view.
    let mut h = Harness::sized(100, 30, false);
    clinic(&h);
    let early = t0() - Duration::days(10);
    let mut c = fixture::Clinic::on(h.app.db().path(), early);
    let nurse = c.signed_in("nurse", t0());
    let doctor = c.signed_in("doctor", t0());
    let ward = c.ward("Surgical", WardKind::Surgical);
    let mut names = Vec::new();
    for i in 0..45u8 {
        let family = format!("{}{}", char::from(b'A' + i / 26), char::from(b'a' + i % 26));
        let admin = c.admin.clone();
        let p = fixture::register(
            &mut c.db,
            &admin,
            &fixture::person("Round", &family, "1970-05-05", "F"),
            early,
        );
        let bed = c.bed(&ward, &format!("SUR-{:02}", i + 1));
        fixture::admit(
            &mut c.db,
            &nurse,
            &p.id,
            &bed,
            &doctor.user.id,
            "observation",
            t0() - Duration::days(1),
        );
        names.push(format!("Round {family}"));
    }
    h.sign_in("doctor", PASSWORD);
    h.press(KeyCode::F(7));
    let first = h.screen();
    assert!(first.contains("47 patients"), "{first}");
    assert!(first.contains(&names[0]), "{first}");
    assert!(!first.contains(&names[44]), "{first}");
    // End: the last bed of the round, its patient named, age and pending
    // shown; PgUp then shows rows never shown before, read as they came.
    h.press(KeyCode::End);
    let last = h.screen();
    let row = last
        .lines()
        .find(|l| l.contains("SUR-45"))
        .unwrap_or_else(|| panic!("{last}"));
    assert!(row.contains(&names[44]), "{row}");
    assert!(row.contains("55F"), "{row}");
    assert!(row.contains("vitals note dx"), "{row}");
    assert!(row.contains("not asked"), "{row}");
    h.press(KeyCode::PageUp);
    h.press(KeyCode::PageUp);
    let middle = h.screen();
    for (i, name) in names.iter().enumerate() {
        let bed = format!("SUR-{:02}", i + 1);
        if let Some(line) = middle.lines().find(|l| l.contains(&bed)) {
            assert!(line.contains(name), "{line}");
            assert!(line.contains("vitals note dx"), "{line}");
        }
    }
    for screen in [&first, &last, &middle] {
        assert!(!screen.contains('…'), "{screen}");
    }
}
