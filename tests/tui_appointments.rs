//! The appointments tab driven by keys: the day view at 80×24 (grid and one
//! clinician's list), booking through the patient picker with the next free
//! slot, a clashing booking refused with its clash named, outside hours
//! asked once, check-in in one key, the queue and call-next, roles, and a
//! disabled doctor's appointments kept in sight.

mod common;

use common::clinic as fixture;
mod tui_harness;

use chrono::{Duration, NaiveDate};
use ratatui::crossterm::event::KeyCode;
use tui_harness::{Harness, PASSWORD, t0};
use wardline::auth;
use wardline::domain::appointment::{Span, Status, parse_time};
use wardline::domain::patient::Field;
use wardline::domain::role::Role;
use wardline::ops::accounts;
use wardline::ops::accounts::NewAccount;
use wardline::ops::appointments::{self as appts, Booking, Clock};
use wardline::store::appointments as store;
use wardline::store::{Db, audit};

fn day() -> NaiveDate {
    t0().date_naive()
}

fn at(time: &str) -> Clock {
    let m = i64::from(parse_time(time).unwrap());
    Clock {
        now: day().and_hms_opt(0, 0, 0).unwrap().and_utc() + Duration::minutes(m),
        zone: chrono_tz::UTC,
    }
}

fn sp(a: &str, b: &str) -> Span {
    Span::new(parse_time(a).unwrap(), parse_time(b).unwrap()).unwrap()
}

/// A doctor joins the nurse; on weekdays the doctor works 08:00–12:00 and
/// 13:00–17:00, the nurse 08:30–12:00 and 13:00–16:00; five patients; the morning of Monday 9 March 2026 booked, some
/// done, one no-show, one late, one in consultation, two waiting.
fn clinic(h: &Harness) {
    let mut db = Db::open(h.app.db().path()).unwrap();
    let admin = auth::sign_in(&mut db, "admin", PASSWORD, t0()).unwrap();
    let doctor = NewAccount {
        user_name: "doctor",
        full_name: "Dr. Aisha Rahman",
        role: Role::Doctor,
        password: PASSWORD,
    };
    accounts::add(&mut db, &admin, &doctor, false, t0()).unwrap();
    let clinicians = store::clinicians(db.conn()).unwrap();
    for (c, hours) in clinicians
        .iter()
        .zip(["08:00-12:00, 13:00-17:00", "08:30-12:00, 13:00-16:00"])
    {
        for wd in 0..5 {
            appts::set_hours(&mut db, &admin, &c.id, wd, hours).unwrap();
        }
    }
    let (doc, nurse) = (clinicians[0].id.clone(), clinicians[1].id.clone());
    let mut ids = Vec::new();
    for (g, f) in [
        ("Amina", "Okafor"),
        ("Bao", "Tran"),
        ("Carlos", "Mendes"),
        ("Dina", "Haddad"),
        ("Emeka", "Eze"),
        ("Farah", "Qureshi"),
    ] {
        let input = fixture::person(g, f, "1985-06-01", "U").with(Field::Phone, "0700 000 000");
        ids.push(fixture::register(&mut db, &admin, &input, t0()).id);
    }
    let types = store::types(db.conn(), false).unwrap();
    let consult = types
        .iter()
        .find(|t| t.name == "consultation")
        .unwrap()
        .id
        .clone();
    let antenatal = types
        .iter()
        .find(|t| t.name == "antenatal")
        .unwrap()
        .id
        .clone();
    let mut book = |p: usize,
                    c: &wardline::domain::ids::Id,
                    t: &wardline::domain::ids::Id,
                    a: &str,
                    b: &str| {
        let booking = Booking {
            patient: ids[p].clone(),
            clinician: c.clone(),
            type_id: t.clone(),
            day: day(),
            span: sp(a, b),
            notes: String::new(),
        };
        appts::book(
            &mut db,
            &admin,
            &booking,
            &Default::default(),
            t0() - Duration::days(3),
        )
        .unwrap()
    };
    let a1 = book(0, &doc, &consult, "08:00", "08:15");
    let a2 = book(1, &doc, &consult, "08:15", "08:30");
    let a3 = book(2, &doc, &consult, "08:30", "08:45");
    let a4 = book(3, &doc, &consult, "08:45", "09:00");
    let n1 = book(4, &nurse, &antenatal, "08:30", "08:50");
    let n2 = book(5, &nurse, &antenatal, "09:00", "09:20");
    book(1, &doc, &consult, "10:00", "10:15");
    let mut go = |a: &wardline::domain::appointment::Booked, to: &[Status], when: &str| {
        let mut v = a.appt.version;
        for s in to {
            v = appts::advance(&mut db, &admin, &a.appt.id, v, *s, None, at(when))
                .unwrap()
                .appt
                .version;
        }
    };
    go(
        &a1,
        &[Status::CheckedIn, Status::InConsultation, Status::Completed],
        "07:58",
    );
    go(&a2, &[Status::CheckedIn, Status::InConsultation], "08:16");
    go(&a3, &[Status::CheckedIn], "08:20");
    go(&a4, &[Status::CheckedIn], "08:25");
    go(&n1, &[Status::NoShow], "08:30");
    let _ = n2;
}

fn signed_in(user: &str) -> Harness {
    let mut h = Harness::new(false);
    clinic(&h);
    h.sign_in_to(user, KeyCode::F(3));
    h
}

#[test]
fn the_day_view_shows_each_clinicians_column_with_status_and_shading() {
    let mut h = signed_in("reception");
    let s = h.screen();
    assert!(s.contains("Mon 09 Mar 2026 (today)"), "{s}");
    assert!(
        s.contains("Dr. Aisha Rahman") && s.contains("Mei Lin Chen"),
        "{s}"
    );
    assert!(
        s.contains("done") && s.contains("in room") && s.contains("arrived"),
        "{s}"
    );
    assert!(s.contains("no-show") && s.contains("Dina Haddad"), "{s}");
    // Before the nurse's hours the grid is shaded.
    assert!(s.contains("░░░"), "{s}");
    assert!(s.contains("booked"), "{s}");
    assert!(s.contains("2 waiting"), "{s}");
    snapshot!("appointments_day", s);
    // A day later: nothing booked, the same hours.
    h.press(KeyCode::Char(']'));
    let s = h.screen();
    assert!(
        s.contains("Tue 10 Mar 2026 (tomorrow)") && s.contains("0 booked"),
        "{s}"
    );
    h.press(KeyCode::Char('t'));
    assert!(h.screen().contains("(today)"));
    // Reading the day is an audit event, once per day shown.
    let reads = h.actions().iter().filter(|a| *a == "READ").count();
    assert_eq!(reads, 1);
}

#[test]
fn a_narrow_choice_shows_one_clinicians_list_and_late_appointments() {
    let mut h = signed_in("reception");
    h.press(KeyCode::Char('c'));
    h.press(KeyCode::Char('c'));
    let s = h.screen();
    assert!(
        s.contains("Mei Lin Chen · hours 08:30–12:00, 13:00–16:00"),
        "{s}"
    );
    assert!(
        s.contains("Farah Qureshi") && !s.contains("Amina Okafor"),
        "{s}"
    );
    snapshot!("appointments_one_clinician", s);
}

#[test]
fn a_disabled_doctors_appointments_stay_on_the_day_and_booking_offers_only_the_others() {
    let mut h = Harness::new(false);
    clinic(&h);
    {
        let mut db = Db::open(h.app.db().path()).unwrap();
        let admin = auth::sign_in(&mut db, "admin", PASSWORD, t0()).unwrap();
        accounts::disable(&mut db, &admin, "doctor", t0()).unwrap();
    }
    h.sign_in_to("reception", KeyCode::F(3));
    let s = h.screen();
    // Her patients still come: her column stays, after the bookable ones.
    assert!(
        s.contains("│Mei Lin Chen") && s.contains("│Dr. Aisha Rahman (inactive)"),
        "{s}"
    );
    assert!(
        s.contains("Carlos Mendes") && s.contains("Dina Haddad") && s.contains("7 booked"),
        "{s}"
    );
    // Her list, on its own, says what to do.
    h.press(KeyCode::Char('c'));
    h.press(KeyCode::Char('c'));
    let s = h.screen();
    assert!(
        s.contains("Dr. Aisha Rahman (inactive): book these patients with someone else"),
        "{s}"
    );
    assert!(
        s.contains("Bao Tran") && !s.contains("Farah Qureshi"),
        "{s}"
    );
    // Booking from her list offers the nurse, and only the nurse.
    h.press(KeyCode::Char('n'));
    h.typed("tran");
    h.press(KeyCode::Enter);
    for _ in 0..3 {
        let s = h.screen();
        assert!(
            s.contains("Mei Lin Chen") && !s.contains("Aisha Rahman"),
            "{s}"
        );
        h.press(KeyCode::Right);
    }
    // The next day has nothing of hers: no column.
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('y'));
    h.press(KeyCode::Char(']'));
    let s = h.screen();
    assert!(!s.contains("Aisha Rahman"), "{s}");
}

#[test]
fn booking_through_the_picker_with_the_next_free_slot_then_a_clash_is_refused() {
    let mut h = signed_in("reception");
    h.press(KeyCode::Char('n'));
    let s = h.screen();
    assert!(s.contains("Book an appointment for"), "{s}");
    h.typed("okafor");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Amina Okafor") && s.contains("Clinician"), "{s}");
    // f: the doctor's next free consultation from now (08:30 + keys).
    h.press(KeyCode::Char('f'));
    let s = h.screen();
    assert!(
        s.contains("Next free 15 min for Dr. Aisha Rahman: Mon 09 Mar 09:00–09:15"),
        "{s}"
    );
    h.ctrl('s');
    let s = h.screen();
    assert!(
        s.contains("Booked Mon 09 Mar 2026 09:00–09:15 Amina Okafor"),
        "{s}"
    );

    // Bao Tran at 10:05 with the doctor: he has 10:00–10:15 already.
    h.press(KeyCode::Char('n'));
    h.typed("tran");
    h.press(KeyCode::Enter);
    for _ in 0..3 {
        h.press(KeyCode::Tab);
    }
    h.typed("10:05");
    h.ctrl('s');
    let s = h.screen();
    assert!(
        s.contains("already booked then") && s.contains("Bao Tran"),
        "{s}"
    );
    snapshot!("appointments_clash", s);
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('y'));
    assert!(h.screen().contains("Nothing booked"));
}

#[test]
fn outside_working_hours_asks_once() {
    let mut h = signed_in("reception");
    h.press(KeyCode::Char('n'));
    h.typed("eze");
    h.press(KeyCode::Enter);
    for _ in 0..3 {
        h.press(KeyCode::Tab);
    }
    h.typed("12:15");
    h.ctrl('s');
    let s = h.screen();
    assert!(
        s.contains("Mon 09 Mar 2026 12:15–12:30 is outside Dr. Aisha Rahman's"),
        "{s}"
    );
    h.press(KeyCode::Char('y'));
    let s = h.screen();
    assert!(
        s.contains("Booked Mon 09 Mar 2026 12:15–12:30 Emeka Eze"),
        "{s}"
    );
}

#[test]
fn check_in_in_one_key_then_the_queue_and_call_next() {
    let mut h = signed_in("nurse");
    // The nurse starts on her own list; c goes on to all clinicians.
    assert!(h.screen().contains("Mei Lin Chen · hours 08:30–12:00"));
    h.press(KeyCode::Char('c'));
    assert!(h.screen().contains("all clinicians"));
    // Select the nurse's 09:00 antenatal visit and check Farah in.
    for _ in 0..20 {
        if h.screen().contains("Farah Qureshi · antenatal") && h.screen().contains(" 09:00–09:20 ")
        {
            break;
        }
        h.press(KeyCode::Down);
    }
    h.press(KeyCode::Char('i'));
    let s = h.screen();
    assert!(s.contains("Farah Qureshi (Mei Lin Chen) checked in"), "{s}");
    h.press(KeyCode::Char('q'));
    let s = h.screen();
    assert!(
        s.contains("3 waiting") && s.contains("Carlos Mendes") && s.contains("10 min"),
        "{s}"
    );
    snapshot!("appointments_queue", s);
    // Dr. Rahman already has Bao in the room: calling Carlos asks once.
    h.press(KeyCode::Char('n'));
    let s = h.screen();
    assert!(
        s.contains("Dr. Aisha Rahman already has Bao Tran in consultation since")
            && s.contains("08:16. Call Carlos Mendes in too?"),
        "{s}"
    );
    h.press(KeyCode::Char('y'));
    let s = h.screen();
    assert!(
        s.contains("Carlos Mendes (Dr. Aisha Rahman) called into consultation"),
        "{s}"
    );
    assert!(s.contains("2 waiting"), "{s}");
}

#[test]
fn roles_the_receptionist_cannot_call_in_and_the_pharmacist_has_no_tab() {
    let mut h = signed_in("reception");
    h.press(KeyCode::Char('q'));
    h.press(KeyCode::Char('n'));
    let s = h.screen();
    assert!(
        s.contains("A receptionist may not call patients into consultation"),
        "{s}"
    );
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('h'));
    assert!(h.screen().contains("may not change appointment types"));

    let mut p = Harness::new(false);
    p.sign_in("pharm", PASSWORD);
    p.press(KeyCode::F(3));
    let s = p.screen();
    assert!(s.contains("cannot open Appointments"), "{s}");
}

#[test]
fn the_admin_sets_hours_and_types_in_the_screen() {
    let mut h = signed_in("admin");
    h.press(KeyCode::Char('h'));
    let s = h.screen();
    assert!(s.contains("consultation") && s.contains("15 min"), "{s}");
    // Types by name: antenatal, then consultation; make it 20 minutes.
    h.press(KeyCode::Down);
    h.press(KeyCode::Enter);
    h.press(KeyCode::Tab);
    h.ctrl('u');
    h.typed("20");
    h.ctrl('s');
    let s = h.screen();
    assert!(s.contains("Type consultation saved (20 min)"), "{s}");
    assert_eq!(
        store::type_named(h.app.db().conn(), "consultation")
            .unwrap()
            .unwrap()
            .minutes,
        20
    );
}

#[test]
fn the_patient_record_lists_upcoming_and_past_appointments() {
    let mut h = signed_in("reception");
    h.open_record("tran");
    let s = h.screen();
    assert!(s.contains("Appointments") && s.contains("Bao Tran"), "{s}");
    // Bao's visits: 08:15 in consultation and 10:00 booked, both today.
    assert!(s.contains("2026-03-09 08:15 in consultation"), "{s}");
    assert!(s.contains("2026-03-09 10:00 scheduled"), "{s}");
    assert!(s.contains("consultation · Dr. Aisha Rahman"), "{s}");
    snapshot!("appointments_in_the_record", s);
}

#[test]
fn an_open_day_view_follows_another_terminals_check_in() {
    let mut h = signed_in("reception");
    assert!(h.screen().contains("2 waiting"));
    let mut db = Db::open(h.app.db().path()).unwrap();
    let desk = auth::sign_in(&mut db, "reception", PASSWORD, t0()).unwrap();
    let farah = store::day(db.conn(), day())
        .unwrap()
        .into_iter()
        .find(|b| b.patient_name == "Farah Qureshi")
        .unwrap();
    appts::advance(
        &mut db,
        &desk,
        &farah.appt.id,
        farah.appt.version,
        Status::CheckedIn,
        None,
        at("08:31"),
    )
    .unwrap();
    assert!(
        h.screen().contains("2 waiting"),
        "not before the next reading"
    );
    h.now += Duration::seconds(31);
    let now = h.now;
    h.app.tick(now);
    let s = h.screen();
    assert!(s.contains("3 waiting"), "{s}");
}

#[test]
fn a_walk_in_arrives_checked_in_and_an_admin_undoes_it_with_a_reason() {
    let mut h = signed_in("admin");
    h.press(KeyCode::Char('w'));
    assert!(h.screen().contains("Walk-in: who has arrived?"));
    h.typed("eze");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(
        s.contains("Walk-in") && s.contains("Emeka Eze") && !s.contains("Minutes"),
        "{s}"
    );
    h.ctrl('s');
    let s = h.screen();
    // The doctor's first free quarter hour from 08:30 is 09:00.
    assert!(
        s.contains("Emeka Eze checked in as a walk-in for Dr. Aisha Rahman, 09:00–09:15"),
        "{s}"
    );
    assert!(s.contains("walk-in") && s.contains("3 waiting"), "{s}");
    h.press(KeyCode::Char('u'));
    assert!(
        h.screen()
            .contains("Undo Emeka Eze's arrived back to scheduled? Why:")
    );
    h.press(KeyCode::Enter);
    assert!(h.screen().contains("A reason is required"));
    h.typed("pressed on the wrong patient");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(
        s.contains("09:00–09:15 Emeka Eze is scheduled again"),
        "{s}"
    );
    let last = &wardline::store::audit::recent(h.app.db().conn(), 1).unwrap()[0];
    assert!(
        last.summary.ends_with("pressed on the wrong patient"),
        "{}",
        last.summary
    );
}

/// The latest booking's audit event.
fn created_event(h: &Harness) -> wardline::domain::audit::AuditRecord {
    audit::recent(h.app.db().conn(), 5)
        .unwrap()
        .into_iter()
        .find(|e| e.action == "CREATE")
        .expect("a CREATE event")
}

/// The booking form for Emeka Eze at `date` (typed over the form's day)
/// and `time`, saved.
fn book_eze_on(h: &mut Harness, date: &str, time: &str) -> String {
    h.press(KeyCode::Char('n'));
    h.typed("eze");
    h.press(KeyCode::Enter);
    for _ in 0..2 {
        h.press(KeyCode::Tab);
    }
    h.ctrl('u');
    h.typed(date);
    h.press(KeyCode::Tab);
    h.typed(time);
    h.ctrl('s');
    h.screen()
}

#[test]
fn a_past_day_is_refused_and_a_far_one_asks_once_with_the_year_shown() {
    let mut h = signed_in("reception");
    let s = book_eze_on(&mut h, "2020-01-01", "10:00");
    assert!(
        s.contains("Wed 01 Jan 2020 is in the past: choose a day from today on"),
        "{s}"
    );
    assert!(s.contains("Book an appointment"), "still on the form: {s}");
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('y'));

    let s = book_eze_on(&mut h, "2099-01-01", "10:00");
    assert!(
        s.contains("Thu 01 Jan 2099 is 26,596 days away") && s.contains("Book anyway?"),
        "{s}"
    );
    h.press(KeyCode::Char('y'));
    let s = h.screen();
    assert!(
        s.contains("Booked Thu 01 Jan 2099 10:00–10:15 Emeka Eze"),
        "{s}"
    );
    let created = created_event(&h);
    assert!(
        created.summary.contains("2099-01-01"),
        "{}",
        created.summary
    );
}

#[test]
fn an_admin_back_enters_a_past_booking_with_a_reason_kept_in_the_trail() {
    let mut h = signed_in("admin");
    let s = book_eze_on(&mut h, "2026-03-02", "10:00");
    assert!(
        s.contains("Mon 02 Mar 2026 is in the past. Why is this booking entered now?"),
        "{s}"
    );
    h.press(KeyCode::Enter);
    assert!(
        h.screen()
            .contains("Type why this booking is entered on a past day")
    );
    h.typed("paper register of the outreach clinic");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(
        s.contains("Booked Mon 02 Mar 2026 10:00–10:15 Emeka Eze"),
        "{s}"
    );
    let created = created_event(&h);
    assert!(
        created
            .summary
            .ends_with("(a past day, entered because: paper register of the outreach clinic)"),
        "{}",
        created.summary
    );
}

/// The status of the named patient's appointment at `start` today.
fn status_of(h: &Harness, patient: &str, start: &str) -> Status {
    store::day(h.app.db().conn(), day())
        .unwrap()
        .into_iter()
        .find(|b| {
            b.patient_name == patient
                && wardline::domain::appointment::hhmm(b.appt.span.start) == start
        })
        .unwrap()
        .appt
        .status
}

#[test]
fn the_desk_finds_a_patient_in_the_day_by_name_or_mrn_and_checks_her_in() {
    let mut h = signed_in("reception");
    // `/`, a few letters: the selection is on Farah's 09:00 antenatal visit.
    h.press(KeyCode::Char('/'));
    h.typed("qur");
    let s = h.screen();
    assert!(s.contains("Find qur"), "{s}");
    assert!(s.contains(" 09:00–09:20 TST-"), "{s}");
    assert!(
        s.contains("Farah Qureshi · antenatal · Mei Lin Chen"),
        "{s}"
    );
    // Enter keeps it; `i` checks her in: five keys besides the letters.
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('i'));
    let s = h.screen();
    assert!(s.contains("Farah Qureshi (Mei Lin Chen) checked in"), "{s}");
    assert_eq!(status_of(&h, "Farah Qureshi", "09:00"), Status::CheckedIn);

    // By MRN digits, any word of the name; Esc goes back to where it was.
    h.press(KeyCode::Home);
    let mrn_of_dina = store::day(h.app.db().conn(), day())
        .unwrap()
        .into_iter()
        .find(|b| b.patient_name == "Dina Haddad")
        .unwrap()
        .mrn;
    h.press(KeyCode::Char('/'));
    h.typed(&mrn_of_dina[4..10]);
    assert!(
        h.screen().contains("Dina Haddad · consultation"),
        "{}",
        h.screen()
    );
    h.press(KeyCode::Esc);
    let s = h.screen();
    assert!(
        s.contains("Amina Okafor · consultation · Dr. Aisha Rahman · done"),
        "{s}"
    );
    assert!(!s.contains("Find "), "{s}");
    // Two of Bao's appointments today: ↓ goes to the next match.
    h.press(KeyCode::Char('/'));
    h.typed("tran b");
    assert!(h.screen().contains(" 08:15–08:30 "), "{}", h.screen());
    h.press(KeyCode::Down);
    assert!(h.screen().contains(" 10:00–10:15 "), "{}", h.screen());
    // Nobody by that name: the line says so and the selection stays.
    h.typed("zz");
    let s = h.screen();
    assert!(
        s.contains("nobody on this day matches") && s.contains(" 10:00–10:15 "),
        "{s}"
    );
}

#[test]
fn the_desk_checks_in_from_the_patients_record_the_next_appointment_today() {
    let mut h = signed_in("reception");
    // Bao is in consultation at 08:15 and booked again at 10:00: `i` on his
    // record checks in the 10:00 one.
    h.open_record("tran");
    h.press(KeyCode::Char('i'));
    let s = h.screen();
    assert!(
        s.contains("Bao Tran checked in for 10:00–10:15 consultation with Dr. Aisha Rahman"),
        "{s}"
    );
    assert_eq!(status_of(&h, "Bao Tran", "10:00"), Status::CheckedIn);
    assert_eq!(status_of(&h, "Bao Tran", "08:15"), Status::InConsultation);
    assert!(s.contains("2026-03-09 10:00 arrived"), "{s}");
    // Nothing left to check in today: the record says what to do instead.
    h.press(KeyCode::Char('i'));
    let s = h.screen();
    assert!(
        s.contains("Bao Tran has no appointment to check in today: book one"),
        "{s}"
    );

    // The pharmacist may find the patient but not check him in.
    let mut p = Harness::new(false);
    clinic(&p);
    p.sign_in("pharm", PASSWORD);
    p.open_record("qureshi");
    p.press(KeyCode::Char('i'));
    let s = p.screen();
    assert!(s.contains("may not check patients in"), "{s}");
    assert_eq!(status_of(&p, "Farah Qureshi", "09:00"), Status::Scheduled);
}

/// Books the named patient with the doctor today, `from`–`to`, and checks
/// them in when `arrived`.
fn book_with_doctor(h: &Harness, patient: &str, from: &str, to: &str, arrived: bool) {
    let mut db = Db::open(h.app.db().path()).unwrap();
    let admin = auth::sign_in(&mut db, "admin", PASSWORD, t0()).unwrap();
    let doctor = store::clinicians(db.conn()).unwrap()[0].id.clone();
    let consult = store::type_named(db.conn(), "consultation")
        .unwrap()
        .unwrap()
        .id;
    let patient_id = store::day(db.conn(), day())
        .unwrap()
        .into_iter()
        .find(|b| b.patient_name == patient)
        .unwrap()
        .appt
        .patient_id;
    let booking = Booking {
        patient: patient_id,
        clinician: doctor,
        type_id: consult,
        day: day(),
        span: sp(from, to),
        notes: String::new(),
    };
    let b = appts::book(&mut db, &admin, &booking, &Default::default(), t0()).unwrap();
    if arrived {
        appts::advance(
            &mut db,
            &admin,
            &b.appt.id,
            b.appt.version,
            Status::CheckedIn,
            None,
            at("08:29"),
        )
        .unwrap();
    }
}

#[test]
fn two_appointments_in_one_grid_cell_are_both_named_and_each_selected_in_turn() {
    let mut h = Harness::sized(120, 30, false);
    clinic(&h);
    book_with_doctor(&h, "Amina Okafor", "09:00", "09:10", false);
    book_with_doctor(&h, "Emeka Eze", "09:10", "09:25", true);
    h.sign_in_to("reception", KeyCode::F(3));
    // The 09:00 cell names both: Amina's booking and Emeka, who arrived.
    let s = h.screen();
    assert!(s.contains("09:00 booked  Amina Okafor +1 Emeka Eze"), "{s}");
    // ↓ from Amina's 09:00 reaches Emeka's 09:10 (past the nurse's 09:00).
    for _ in 0..10 {
        if h.screen().contains(" 09:00–09:10 ") {
            break;
        }
        h.press(KeyCode::Down);
    }
    let s = h.screen();
    assert!(
        s.contains("also here: 09:10 Emeka Eze arrived (↑↓ select)"),
        "{s}"
    );
    h.press(KeyCode::Down);
    h.press(KeyCode::Down);
    let s = h.screen();
    assert!(
        s.contains(" 09:10–09:25 ") && s.contains("Emeka Eze · consultation"),
        "{s}"
    );
    assert!(s.contains("09:10 arrived Emeka Eze +1 Amina Okafor"), "{s}");
    assert!(s.contains("also here: 09:00 Amina Okafor scheduled"), "{s}");
}

#[test]
fn calling_a_second_patient_in_asks_once_and_no_leaves_them_waiting() {
    let mut h = signed_in("doctor");
    for _ in 0..10 {
        if h.screen().contains(" 08:30–08:45 ") {
            break;
        }
        h.press(KeyCode::Down);
    }
    h.press(KeyCode::Char('s'));
    let s = h.screen();
    assert!(
        s.contains("Dr. Aisha Rahman already has Bao Tran in consultation since")
            && s.contains("Call Carlos Mendes in too?"),
        "{s}"
    );
    h.press(KeyCode::Char('n'));
    assert_eq!(status_of(&h, "Carlos Mendes", "08:30"), Status::CheckedIn);
    // Once Bao's consultation is done, Carlos is called in without a question.
    for _ in 0..10 {
        if h.screen().contains(" 08:15–08:30 ") {
            break;
        }
        h.press(KeyCode::Up);
    }
    h.press(KeyCode::Char('d'));
    assert_eq!(status_of(&h, "Bao Tran", "08:15"), Status::Completed);
    h.press(KeyCode::Down);
    h.press(KeyCode::Char('s'));
    assert_eq!(
        status_of(&h, "Carlos Mendes", "08:30"),
        Status::InConsultation
    );
}

#[test]
fn typing_on_the_type_of_a_booking_picks_the_type_starting_with_it() {
    let mut h = signed_in("reception");
    h.press(KeyCode::Char('n'));
    h.typed("okafor");
    h.press(KeyCode::Enter);
    h.press(KeyCode::Tab);
    let type_line = |h: &mut Harness| {
        h.screen()
            .lines()
            .find(|l| l.contains("Type"))
            .unwrap_or_default()
            .to_string()
    };
    assert!(type_line(&mut h).contains("consultation"), "{}", h.screen());
    h.typed("a");
    assert!(type_line(&mut h).contains("antenatal"), "{}", h.screen());
}

/// Farah Qureshi (booked with the nurse at 09:00) admitted yesterday to
/// bed MED-4 of the Medical ward.
fn farah_admitted(h: &Harness) {
    {
        use wardline::domain::beds::{BedKind, WardKind};
        use wardline::ops::beds;
        let mut db = Db::open(h.app.db().path()).unwrap();
        let admin = auth::sign_in(&mut db, "admin", PASSWORD, t0()).unwrap();
        let early = t0() - Duration::days(1);
        let ward =
            beds::add_ward(&mut db, &admin, "Medical", WardKind::Medical, None, early).unwrap();
        let bed =
            beds::add_bed(&mut db, &admin, &ward.id, "MED-4", BedKind::Standard, early).unwrap();
        let farah = store::day(db.conn(), day())
            .unwrap()
            .into_iter()
            .find(|b| b.patient_name == "Farah Qureshi")
            .unwrap()
            .appt
            .patient_id;
        let doctor = store::clinicians(db.conn()).unwrap()[0].id.clone();
        fixture::admit(
            &mut db,
            &admin,
            &farah,
            &bed.id,
            &doctor,
            "pneumonia",
            early,
        );
    }
}

/// Issue #23 (hands-on test 2): a patient admitted to a ward could be
/// checked in at the outpatient desk and called in without a word. Both
/// now say the patient is an inpatient, with the ward and bed, and ask once.
#[test]
fn an_inpatient_checked_in_or_called_in_is_named_and_asked_once() {
    let mut h = Harness::new(false);
    clinic(&h);
    farah_admitted(&h);
    h.sign_in_to("nurse", KeyCode::F(3));
    h.press(KeyCode::Char('c'));
    for _ in 0..20 {
        if h.screen().contains("Farah Qureshi · antenatal") && h.screen().contains(" 09:00–09:20 ")
        {
            break;
        }
        h.press(KeyCode::Down);
    }
    h.press(KeyCode::Char('i'));
    let s = h.screen();
    assert!(
        s.contains("Farah Qureshi (TST-000006-") && s.contains("is an inpatient, admitted"),
        "{s}"
    );
    assert!(s.contains("Medical, bed MED-4"), "{s}");
    h.press(KeyCode::Char('n'));
    assert_eq!(status_of(&h, "Farah Qureshi", "09:00"), Status::Scheduled);
    h.press(KeyCode::Char('i'));
    h.press(KeyCode::Char('y'));
    let s = h.screen();
    assert!(s.contains("Farah Qureshi (Mei Lin Chen) checked in"), "{s}");
    let last = &audit::recent(h.app.db().conn(), 1).unwrap()[0];
    assert!(
        last.summary
            .contains("(an inpatient, admitted to Medical, bed MED-4: asked and answered yes)"),
        "{}",
        last.summary
    );
    // Calling her in asks again: the nurse calling is not the desk.
    h.press(KeyCode::Char('s'));
    let s = h.screen();
    assert!(
        s.contains("is an inpatient") && s.contains("Call them in for"),
        "{s}"
    );
    h.press(KeyCode::Char('y'));
    assert_eq!(
        status_of(&h, "Farah Qureshi", "09:00"),
        Status::InConsultation
    );
}

#[test]
fn an_inpatient_checked_in_from_the_record_is_asked_about_once() {
    let mut h = Harness::new(false);
    clinic(&h);
    farah_admitted(&h);
    h.sign_in("reception", PASSWORD);
    h.open_record("qureshi");
    h.press(KeyCode::Char('i'));
    let s = h.screen();
    assert!(
        s.contains("is an inpatient, admitted") && s.contains("Medical, bed MED-4"),
        "{s}"
    );
    h.press(KeyCode::Char('n'));
    assert_eq!(status_of(&h, "Farah Qureshi", "09:00"), Status::Scheduled);
    h.press(KeyCode::Char('i'));
    h.press(KeyCode::Char('y'));
    let s = h.screen();
    assert!(
        s.contains("Farah Qureshi checked in for 09:00–09:20"),
        "{s}"
    );
    assert_eq!(status_of(&h, "Farah Qureshi", "09:00"), Status::CheckedIn);
}
