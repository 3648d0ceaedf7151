//! The beds tab driven by keys: the board at 80×24 and 160×48, moving
//! between beds, a bed's detail, admitting with the patients search,
//! transferring, discharging, cleaning, out of service, the filters, the
//! census, and an admin setting up a ward.

mod common;

use common::clinic as fixture;
mod tui_harness;

use chrono::Duration;
use ratatui::crossterm::event::KeyCode;
use tui_harness::{Harness, PASSWORD, t0};
use wardline::auth;
use wardline::domain::beds::{BedKind, BedStatus, SexRestriction, WardKind};
use wardline::ops;
use wardline::ops::beds::AdmitInput;
use wardline::store::Db;

/// Two wards through another terminal: Medical (6 beds: two patients, one
/// bed cleaning, one out of service, one reserved) and Maternity (3 beds,
/// women only, one patient).
fn wards(h: &Harness) {
    let mut db = Db::open(h.app.db().path()).unwrap();
    let admin = auth::sign_in(&mut db, "admin", PASSWORD, t0()).unwrap();
    let nurse = auth::sign_in(&mut db, "nurse", PASSWORD, t0()).unwrap();
    let set_up = t0() - Duration::days(30);
    let med = ops::beds::add_ward(
        &mut db,
        &admin,
        "Medical ward",
        WardKind::Medical,
        None,
        set_up,
    )
    .unwrap();
    let mat = ops::beds::add_ward(
        &mut db,
        &admin,
        "Maternity",
        WardKind::Maternity,
        Some(SexRestriction::Female),
        set_up,
    )
    .unwrap();
    let mut beds = Vec::new();
    for i in 1..=6 {
        let label = format!("MED-0{i}");
        beds.push(
            ops::beds::add_bed(&mut db, &admin, &med.id, &label, BedKind::Standard, set_up)
                .unwrap()
                .id,
        );
    }
    for i in 1..=3 {
        let label = format!("MAT-{i}");
        beds.push(
            ops::beds::add_bed(&mut db, &admin, &mat.id, &label, BedKind::Standard, set_up)
                .unwrap()
                .id,
        );
    }
    let mut patients = Vec::new();
    for (g, f, b, s) in [
        ("John", "Doe", "1980-05-01", "M"),
        ("Amina", "Okafor", "1988-02-29", "F"),
        ("José", "García", "1975-11-30", "M"),
        ("Wanjiru", "Kamau", "1995-06-12", "F"),
        ("Peter", "Otieno", "1962-01-20", "M"),
    ] {
        let input = fixture::person(g, f, b, s);
        patients.push(fixture::register(&mut db, &admin, &input, set_up));
    }
    let attending = nurse.user.id.clone();
    let admit = |db: &mut Db, p: usize, bed: usize, days: i64| {
        ops::beds::admit(
            db,
            &nurse,
            &AdmitInput {
                patient: &patients[p].id,
                bed: &beds[bed],
                attending: &attending,
                reason: "pneumonia",
            },
            t0() - Duration::days(days) - Duration::hours(2),
        )
        .unwrap()
    };
    admit(&mut db, 0, 0, 3);
    admit(&mut db, 2, 1, 0);
    let gone = admit(&mut db, 4, 2, 5);
    ops::beds::discharge(
        &mut db,
        &nurse,
        &gone.id,
        wardline::domain::beds::Disposition::Home,
        "",
        t0() - Duration::hours(1),
    )
    .unwrap();
    ops::beds::out_of_service(
        &mut db,
        &nurse,
        &beds[3],
        "broken rail",
        t0() - Duration::days(1),
    )
    .unwrap();
    ops::beds::reserve(
        &mut db,
        &nurse,
        &beds[4],
        &patients[3].id,
        t0() + Duration::hours(6),
        t0() - Duration::hours(1),
    )
    .unwrap();
    admit(&mut db, 1, 6, 1);
}

fn board(w: u16, hgt: u16) -> Harness {
    let mut h = Harness::sized(w, hgt, false);
    wards(&h);
    h.sign_in_to("nurse", KeyCode::F(4));
    h
}

fn status_of(h: &Harness, label: &str) -> BedStatus {
    ops::beds::find_bed(h.app.db(), label).unwrap().status
}

#[test]
fn the_board_at_80_by_24() {
    let mut h = board(80, 24);
    let s = h.screen();
    assert!(s.contains("Hospital 3/9 occupied 33%"), "{s}");
    assert!(s.contains("O MED-01"), "{s}");
    assert!(s.contains("John Doe"), "{s}");
    snapshot!("beds_board_80x24", s);
    assert!(h.actions().iter().any(|a| a == "READ"));
}

#[test]
fn the_board_at_160_by_48() {
    let mut h = board(160, 48);
    let s = h.screen();
    assert!(s.contains("Occupancy by ward"), "{s}");
    snapshot!("beds_board_160x48", s);
}

#[test]
fn arrows_move_and_enter_opens_the_bed_with_its_history() {
    let mut h = board(80, 24);
    h.press(KeyCode::PageDown);
    let s = h.screen();
    assert!(s.contains("▸O MED-01"), "{s}");
    h.press(KeyCode::PageUp);
    h.press(KeyCode::Right);
    h.press(KeyCode::Down);
    let s = h.screen();
    assert!(s.contains("▸O MED-02"), "{s}");
    h.press(KeyCode::Right);
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Bed MED-03") && s.contains("C cleaning"), "{s}");
    assert!(s.contains("Peter Otieno"), "{s}");
    snapshot!("beds_detail", s);
    h.press(KeyCode::Esc);
    // the filters
    h.press(KeyCode::Char('f'));
    let s = h.screen();
    assert!(s.contains("free beds only"), "{s}");
    assert!(!s.contains("John Doe"), "{s}");
    h.press(KeyCode::Char('f'));
    h.press(KeyCode::Char('w'));
    let s = h.screen();
    assert!(
        s.contains("ward Maternity") && s.contains("Amina Okafor"),
        "{s}"
    );
    assert!(!s.contains("MED-01"), "{s}");
}

#[test]
fn admit_transfer_discharge_and_clean_by_keyboard() {
    let mut h = board(80, 24);
    // MED-06 is available: the last bed
    h.press(KeyCode::End);
    let s = h.screen();
    assert!(s.contains("▸A MED-06"), "{s}");
    h.press(KeyCode::Char('a'));
    let s = h.screen();
    assert!(s.contains("Admit which patient into bed MED-06"), "{s}");
    // John Doe is in MED-01 already: told at once
    h.typed("doe");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(
        s.contains("John Doe is already admitted, in bed MED-01"),
        "{s}"
    );
    h.press(KeyCode::Char('a'));
    h.typed("otieno");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Peter Otieno") && s.contains("Attending"), "{s}");
    snapshot!("beds_admit_form", s);
    // The form starts on its first field, the attending; Tab to the reason.
    h.press(KeyCode::Tab);
    h.typed("chest pain");
    h.ctrl('s');
    let s = h.screen();
    assert!(s.contains("Peter Otieno admitted to bed MED-06"), "{s}");
    assert_eq!(status_of(&h, "MED-06"), BedStatus::Occupied);

    // a man into the women's ward is refused as the bed is chosen, before
    // any reason is typed, the whole refusal shown
    h.press(KeyCode::Char('t'));
    h.press(KeyCode::Home);
    h.press(KeyCode::Right);
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Maternity is women only"), "{s}");
    assert!(!s.contains("Type the reason"), "{s}");
    let words: String = s
        .lines()
        .map(|l| l.trim_matches(['"', ' ']))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        words.contains("choose a bed in another ward, or correct the patient's record."),
        "the refusal's advice is cut: {s}"
    );
    h.press(KeyCode::Esc);

    // John Doe (MED-01) cannot go to MED-03 while it is cleaning
    h.press(KeyCode::Home);
    for _ in 0..3 {
        h.press(KeyCode::Right);
    }
    h.press(KeyCode::Char('t'));
    h.press(KeyCode::Right);
    h.press(KeyCode::Right);
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("MED-03 is cleaning"), "{s}");
    h.press(KeyCode::Esc);
    // clean MED-03, then transfer
    h.press(KeyCode::Char('c'));
    let s = h.screen();
    assert!(s.contains("Bed MED-03 marked clean at 08:3"), "{s}");
    h.press(KeyCode::Left);
    h.press(KeyCode::Left);
    h.press(KeyCode::Char('t'));
    let s = h.screen();
    assert!(s.contains("Transfer John Doe from MED-01"), "{s}");
    h.press(KeyCode::Right);
    h.press(KeyCode::Right);
    h.press(KeyCode::Enter);
    h.typed("nearer the nurses' station");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("John Doe moved to bed MED-03"), "{s}");
    assert_eq!(status_of(&h, "MED-01"), BedStatus::Cleaning);

    // discharge him from MED-03
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(
        s.contains("MED-01") && s.contains("nearer the nurses"),
        "{s}"
    );
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('d'));
    let s = h.screen();
    assert!(s.contains("Discharge") && s.contains("◂ home ▸"), "{s}");
    snapshot!("beds_discharge_form", s);
    h.press(KeyCode::Right);
    h.press(KeyCode::Tab);
    h.typed("to district hospital");
    h.ctrl('s');
    let s = h.screen();
    assert!(s.contains("John Doe discharged (referred)"), "{s}");
    assert_eq!(status_of(&h, "MED-03"), BedStatus::Cleaning);
    let actions = h.actions();
    for a in ["ADMIT", "TRANSFER", "DISCHARGE"] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }
}

#[test]
fn out_of_service_and_back_and_the_census() {
    let mut h = board(80, 24);
    for _ in 0..6 {
        h.press(KeyCode::Right);
    }
    h.press(KeyCode::Char('o'));
    h.press(KeyCode::Char('y'));
    let s = h.screen();
    assert!(s.contains("Bed MED-04 is back in service"), "{s}");
    h.press(KeyCode::Char('o'));
    h.typed("mattress torn");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Bed MED-04 is out of service"), "{s}");
    h.press(KeyCode::Char('s'));
    let s = h.screen();
    assert!(s.contains("Census for Mon 09 Mar 2026"), "{s}");
    assert!(s.contains("Hospital"), "{s}");
    snapshot!("beds_census", s);
    h.press(KeyCode::Left);
    let s = h.screen();
    assert!(s.contains("Census for Sun 08 Mar 2026"), "{s}");
    h.press(KeyCode::Char('g'));
    h.ctrl('u');
    h.typed("2026-02-30");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("2026-02-30: February has no 30th."), "{s}");
    h.ctrl('u');
    h.typed("2026-03-01");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Census for Sun 01 Mar 2026"), "{s}");
    h.press(KeyCode::Esc);
    let s = h.screen();
    assert!(s.contains("X MED-04") && s.contains("mattress torn"), "{s}");
}

#[test]
fn an_admin_sets_up_a_ward_and_a_bed() {
    let mut h = Harness::sized(80, 24, false);
    h.sign_in_to("admin", KeyCode::F(4));
    let s = h.screen();
    assert!(s.contains("No beds yet"), "{s}");
    h.press(KeyCode::Char('m'));
    h.press(KeyCode::Char('n'));
    h.typed("ICU");
    h.press(KeyCode::Tab);
    for _ in 0..5 {
        h.press(KeyCode::Right);
    }
    h.ctrl('s');
    let s = h.screen();
    assert!(s.contains("Ward ICU added"), "{s}");
    assert!(s.contains("ICU · ICU · any sex"), "{s}");
    h.press(KeyCode::Char('b'));
    h.typed("icu-1");
    h.ctrl('s');
    let s = h.screen();
    assert!(s.contains("Bed ICU-1 added to ICU"), "{s}");
    h.press(KeyCode::Down);
    h.press(KeyCode::Char('x'));
    h.press(KeyCode::Char('y'));
    let s = h.screen();
    assert!(s.contains("Bed ICU-1 retired"), "{s}");
}

#[test]
fn the_patients_list_marks_admitted_patients_and_the_record_lists_admissions() {
    let mut h = board(100, 30);
    h.press(KeyCode::F(2));
    h.typed("doe");
    let s = h.screen();
    assert!(s.contains("John Doe · IN MED-01"), "{s}");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Admissions"), "{s}");
    assert!(s.contains("NOW IN MED-01 · Medical ward"), "{s}");
    assert!(s.contains("MED-01 2026-03-06 06:30 → now"), "{s}");
}

#[test]
fn a_receptionist_sees_the_board_but_may_not_admit_or_clean() {
    let mut h = Harness::sized(80, 24, false);
    wards(&h);
    h.sign_in_to("reception", KeyCode::F(4));
    let s = h.screen();
    assert!(s.contains("Hospital 3/9 occupied"), "{s}");
    // The hint bar and help offer only what a receptionist may do.
    let hints = s.lines().last().unwrap_or_default().to_string();
    for forbidden in ["admit", "transfer", "discharge", "clean"] {
        assert!(!hints.contains(forbidden), "{forbidden} offered: {hints}");
    }
    h.press(KeyCode::F(1));
    let s = h.screen();
    assert!(s.contains("census") || s.contains("free only"), "{s}");
    for forbidden in ["admit", "transfer", "discharge", "reserve", "F5 ", "F6 "] {
        assert!(!s.contains(forbidden), "{forbidden} in help: {s}");
    }
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('a'));
    let s = h.screen();
    // The refusal names who can help.
    assert!(
        s.contains("A receptionist may not admit patients: ask a doctor, a nurse or an"),
        "{s}"
    );
    for _ in 0..5 {
        h.press(KeyCode::Right);
    }
    h.press(KeyCode::Char('c'));
    let s = h.screen();
    assert!(s.contains("A receptionist may not mark beds clean"), "{s}");
    assert_eq!(status_of(&h, "MED-03"), BedStatus::Cleaning);
    h.press(KeyCode::Char('m'));
    let s = h.screen();
    assert!(s.contains("may not set up wards and beds"), "{s}");
}

#[test]
fn discharging_a_patient_who_owes_asks_once_and_says_how_much() {
    let mut h = board(80, 24);
    {
        let mut db = Db::open(h.app.db().path()).unwrap();
        let admin = auth::sign_in(&mut db, "admin", PASSWORD, t0()).unwrap();
        let set_up = t0() - Duration::days(30);
        let clock = wardline::domain::clock::Clock::new(set_up, chrono_tz::UTC);
        let from = set_up.date_naive();
        for (code, price) in [("BED-MEDICAL", 150_000), ("BED-DAY", 2_000)] {
            ops::billing::tariff::add_item(
                &mut db,
                &admin,
                code,
                "Bed-day",
                wardline::domain::billing::ServiceGroup::BedDay,
                clock,
            )
            .unwrap();
            ops::billing::tariff::set_price(&mut db, &admin, code, price, from, clock).unwrap();
        }
    }
    // José García came to MED-02 this morning: a day case, one medical
    // bed-day, which the discharge would post.
    h.press(KeyCode::Home);
    for _ in 0..4 {
        h.press(KeyCode::Right);
    }
    h.press(KeyCode::Char('d'));
    let s = h.screen();
    assert!(s.contains("José García"), "{s}");
    h.ctrl('s');
    let s = h.screen();
    assert!(
        s.contains("has USD 1,500.00 outstanding") && s.contains("Discharge anyway?"),
        "{s}"
    );
    h.press(KeyCode::Char('n'));
    let s = h.screen();
    assert!(s.contains("Nothing was changed"), "{s}");
    assert_eq!(status_of(&h, "MED-02"), BedStatus::Occupied);
    // The form is still open: saving asks again, and yes discharges.
    h.ctrl('s');
    let s = h.screen();
    assert!(s.contains("USD 1,500.00"), "{s}");
    h.press(KeyCode::Char('y'));
    let s = h.screen();
    assert!(s.contains("José García discharged (home)"), "{s}");
    assert_eq!(status_of(&h, "MED-02"), BedStatus::Cleaning);
    // The day charged once, at the medical ward's price.
    let conn = rusqlite::Connection::open(h.app.db().path()).unwrap();
    let charged: (i64, i64) = conn
        .query_row(
            "SELECT count(*), total(amount) FROM charges WHERE source_kind = 'admission_day'",
            [],
            |r| Ok((r.get(0)?, r.get::<_, f64>(1)? as i64)),
        )
        .unwrap();
    assert_eq!(charged, (1, 150_000));
}

#[test]
fn discharging_as_deceased_asks_the_time_names_the_patient_and_marks_them_everywhere() {
    let mut h = board(100, 30);
    // José García in MED-02, admitted this morning.
    h.press(KeyCode::Home);
    for _ in 0..4 {
        h.press(KeyCode::Right);
    }
    h.press(KeyCode::Char('d'));
    for _ in 0..4 {
        h.press(KeyCode::Right);
    }
    let s = h.screen();
    assert!(s.contains("◂ deceased ▸"), "{s}");
    h.ctrl('s');
    let s = h.screen();
    assert!(s.contains("When did José García (TST-"), "{s}");
    h.typed("25:99");
    h.press(KeyCode::Enter);
    assert!(h.screen().contains("is not a time"));
    h.ctrl('u');
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(
        s.contains("Record that José García (TST-") && s.contains("died Mon 09 Mar 2026"),
        "{s}"
    );
    assert_eq!(status_of(&h, "MED-02"), BedStatus::Occupied, "nothing yet");
    h.press(KeyCode::Char('y'));
    let s = h.screen();
    assert!(
        s.contains("José García recorded as deceased (died Mon 09 Mar 2026"),
        "{s}"
    );
    assert_eq!(status_of(&h, "MED-02"), BedStatus::Cleaning);

    // Marked in the search, and in the record's title and body.
    h.press(KeyCode::F(2));
    h.typed("garcía");
    let s = h.screen();
    assert!(s.contains("DECEASED José García"), "{s}");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(
        s.contains("José García  DECEASED") && s.contains("DECEASED: died Mon 09 Mar 2026"),
        "{s}"
    );
    h.press(KeyCode::Char('u'));
    assert!(
        h.screen().contains("an administrator"),
        "a nurse cannot undo it"
    );

    // The administrator takes a death recorded in error off, with a reason.
    h.ctrl('l');
    h.key(
        KeyCode::BackTab,
        ratatui::crossterm::event::KeyModifiers::SHIFT,
    );
    for _ in 0.."nurse".len() {
        h.press(KeyCode::Backspace);
    }
    h.sign_in("admin", PASSWORD);
    h.press(KeyCode::F(2));
    h.typed("garcía");
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('u'));
    let s = h.screen();
    assert!(s.contains("José García is recorded as deceased."), "{s}");
    h.typed("recorded on the wrong patient");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("is no longer recorded as deceased"), "{s}");
    assert!(!s.contains("DECEASED"), "{s}");
}

#[test]
fn a_cot_for_an_adult_asks_once_before_the_admission_form() {
    let mut h = board(100, 30);
    {
        let mut db = Db::open(h.app.db().path()).unwrap();
        let admin = auth::sign_in(&mut db, "admin", PASSWORD, t0()).unwrap();
        let paeds = ops::beds::add_ward(
            &mut db,
            &admin,
            "Paediatric",
            WardKind::Paediatric,
            None,
            t0() - Duration::days(1),
        )
        .unwrap();
        ops::beds::add_bed(
            &mut db,
            &admin,
            &paeds.id,
            "COT-1",
            BedKind::Cot,
            t0() - Duration::days(1),
        )
        .unwrap();
    }
    h.ctrl('r');
    h.press(KeyCode::End);
    assert!(h.screen().contains("COT-1"));
    h.press(KeyCode::Char('a'));
    h.typed("otieno");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(
        s.contains("Bed COT-1 is a cot (for children under 3), and Peter Otieno")
            && s.contains("is 64. Admit them to it anyway?"),
        "{s}"
    );
    h.press(KeyCode::Char('n'));
    assert!(!h.screen().contains("Attending"));
    h.press(KeyCode::Char('a'));
    h.typed("otieno");
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('y'));
    let s = h.screen();
    assert!(s.contains("Peter Otieno") && s.contains("Attending"), "{s}");
}

#[test]
fn the_admit_form_starts_on_the_attending_and_typing_picks_one() {
    let mut h = Harness::sized(80, 24, false);
    wards(&h);
    {
        let mut db = Db::open(h.app.db().path()).unwrap();
        let admin = auth::sign_in(&mut db, "admin", PASSWORD, t0()).unwrap();
        let doctor = wardline::ops::accounts::NewAccount {
            user_name: "drk",
            full_name: "Kwame Asante",
            role: wardline::domain::role::Role::Doctor,
            password: PASSWORD,
        };
        wardline::ops::accounts::add(&mut db, &admin, &doctor, false, t0()).unwrap();
    }
    h.sign_in_to("nurse", KeyCode::F(4));
    h.press(KeyCode::End);
    h.press(KeyCode::Char('a'));
    h.typed("otieno");
    h.press(KeyCode::Enter);
    let attending = |h: &mut Harness| {
        h.screen()
            .lines()
            .find(|l| l.contains("Attending"))
            .unwrap_or_default()
            .to_string()
    };
    assert!(attending(&mut h).contains("Mei Lin Chen"), "the user first");
    // The focus is on the attending: a typed letter picks the clinician.
    h.typed("k");
    assert!(
        attending(&mut h).contains("Kwame Asante (drk)"),
        "{}",
        h.screen()
    );
    h.press(KeyCode::Tab);
    h.typed("chest pain");
    h.ctrl('s');
    let s = h.screen();
    assert!(s.contains("Peter Otieno admitted to bed MED-06"), "{s}");
}

#[test]
fn the_census_date_prompt_replaces_its_date_and_names_a_day_that_does_not_exist() {
    let mut h = board(80, 24);
    h.press(KeyCode::Char('s'));
    h.press(KeyCode::Char('g'));
    // The prompt opens on today's date, selected: typing replaces it.
    h.typed("2026-02-30");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("2026-02-30: February has no 30th."), "{s}");
    h.ctrl('u');
    h.typed("2026-03-01");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Census for Sun 01 Mar 2026"), "{s}");
}

#[test]
fn the_reservation_prompt_replaces_its_suggested_time() {
    let mut h = board(80, 24);
    h.press(KeyCode::End);
    h.press(KeyCode::Char('r'));
    h.typed("otieno");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("until when?"), "{s}");
    h.typed("18:30");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(
        s.contains("Bed MED-06 reserved for Peter Otieno until 09 Mar 18:30."),
        "{s}"
    );
}
