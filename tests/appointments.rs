//! Appointments on real hospital files: booking and its refusals (overlap of
//! clinician or patient, outside hours), the status machine by role, the
//! administrator's undo, rescheduling history, walk-ins and the queue, the
//! next free slot over hours and days off, set-up by administrators only,
//! the reminder-call export, the overlap rule held by the file itself, and
//! an audit event for every change.

mod common;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use common::clinic as fixture;
use wardline::auth::Session;
use wardline::domain::appointment::{Span, Status, parse_time};
use wardline::domain::ids::Id;
use wardline::domain::patient::{Field, Patient, PatientInput};
use wardline::domain::role::Role;
use wardline::error::Error;
use wardline::ops;
use wardline::ops::appointments::{Allow, Booking, Clock};
use wardline::store::Db;
use wardline::store::appointments as store;

/// A Monday some way ahead, so that bookings are in the future.
fn monday() -> NaiveDate {
    let mut d = NaiveDate::from_ymd_opt(2031, 3, 1).unwrap();
    while d.weekday() != Weekday::Mon {
        d = d.succ_opt().unwrap();
    }
    d
}

/// Outside working hours agreed to, as the screen's question does.
const OUTSIDE_HOURS: Allow = Allow {
    outside_hours: true,
    far_ahead: false,
    back_entry: None,
};

fn sp(a: &str, b: &str) -> Span {
    Span::new(parse_time(a).unwrap(), parse_time(b).unwrap()).unwrap()
}

/// The clinic's clock at a local time on `day` (the clinic is in Nairobi, UTC+3).
fn clock(day: NaiveDate, time: &str) -> Clock {
    let zone = chrono_tz::Africa::Nairobi;
    let local =
        day.and_hms_opt(0, 0, 0).unwrap() + Duration::minutes(i64::from(parse_time(time).unwrap()));
    Clock {
        now: zone
            .from_local_datetime(&local)
            .unwrap()
            .with_timezone(&Utc),
        zone,
    }
}

struct Clinic {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    db: Db,
    admin: Session,
    desk: Session,
    doctor: Session,
    nurse: Session,
    pharmacist: Session,
    amina: Patient,
    bao: Patient,
    carlos: Patient,
    consultation: Id,
}

/// The desk's clock when it books: a week before [`monday`], so that every
/// booking is ahead and within the booking horizon whatever the real date.
fn now() -> DateTime<Utc> {
    clock(monday() - Duration::days(7), "08:00").now
}

fn clinic() -> Clinic {
    let dir = tempfile::tempdir().unwrap();
    let common::Hospital { mut db, admin, .. } = common::hospital(dir.path());
    for (u, r) in [
        ("desk", Role::Receptionist),
        ("rahman", Role::Doctor),
        ("chen", Role::Nurse),
        ("pharm", Role::Pharmacist),
    ] {
        common::add_user(&mut db, &admin, u, r);
    }
    let desk = common::sign_in_user(&mut db, "desk", now());
    let doctor = common::sign_in_user(&mut db, "rahman", now());
    let nurse = common::sign_in_user(&mut db, "chen", now());
    let pharmacist = common::sign_in_user(&mut db, "pharm", now());
    let mut patient = |given: &str, family: &str| {
        let input = fixture::person(given, family, "1980-01-01", "U");
        fixture::register(&mut db, &desk, &input, now())
    };
    let amina = patient("Amina", "Okafor");
    let bao = patient("Bao", "Tran");
    let carlos = patient("Carlos", "Mendes");
    // Both clinicians work Monday to Friday, 08:00–12:00 and 13:00–17:00.
    for who in [&doctor, &nurse] {
        for wd in 0..5 {
            ops::appointments::set_hours(
                &mut db,
                &admin,
                &who.user.id,
                wd,
                "08:00-12:00, 13:00-17:00",
            )
            .unwrap();
        }
    }
    let types = store::types(db.conn(), false).unwrap();
    let id_of = |n: &str| types.iter().find(|t| t.name == n).unwrap().id.clone();
    Clinic {
        path: db.path().to_path_buf(),
        consultation: id_of("consultation"),
        _dir: dir,
        db,
        admin,
        desk,
        doctor,
        nurse,
        pharmacist,
        amina,
        bao,
        carlos,
    }
}

impl Clinic {
    fn booking(&self, p: &Patient, who: &Session, time: &str, minutes: u16) -> Booking {
        let start = parse_time(time).unwrap();
        Booking {
            patient: p.id.clone(),
            clinician: who.user.id.clone(),
            type_id: self.consultation.clone(),
            day: monday(),
            span: Span::new(start, start + minutes).unwrap(),
            notes: String::new(),
        }
    }

    fn book(&mut self, b: &Booking) -> Result<wardline::domain::appointment::Booked, Error> {
        ops::appointments::book(&mut self.db, &self.desk, b, &Allow::default(), now())
    }

    fn audit_summaries(&self) -> Vec<String> {
        let conn = common::raw(&self.path);
        let mut stmt = conn
            .prepare("SELECT action || ' ' || summary FROM audit_log WHERE entity = 'appointment' ORDER BY seq")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }
}

#[test]
fn the_initial_types_are_there_with_their_lengths() {
    let c = clinic();
    let types: Vec<(String, u16)> = store::types(c.db.conn(), false)
        .unwrap()
        .into_iter()
        .map(|t| (t.name, t.minutes))
        .collect();
    for want in [
        ("consultation", 15),
        ("follow-up", 10),
        ("antenatal", 20),
        ("procedure", 30),
    ] {
        assert!(types.contains(&(want.0.to_string(), want.1)), "{types:?}");
    }
}

#[test]
fn an_overlap_with_the_same_clinician_or_patient_is_refused_naming_the_clash() {
    let mut c = clinic();
    let first = c.booking(&c.amina.clone(), &c.doctor.clone(), "09:00", 15);
    c.book(&first).unwrap();

    // Same clinician, another patient, overlapping by five minutes.
    let b = c.booking(&c.bao.clone(), &c.doctor.clone(), "09:10", 15);
    let e = c.book(&b).unwrap_err().to_string();
    assert!(
        e.contains("is already booked") && e.contains("Amina Okafor"),
        "{e}"
    );
    assert!(e.contains("09:00–09:15") && e.contains(&c.amina.mrn), "{e}");

    // Same patient with the nurse at that time.
    let b = c.booking(&c.amina.clone(), &c.nurse.clone(), "09:05", 10);
    let e = c.book(&b).unwrap_err().to_string();
    assert!(
        e.contains("Amina Okafor") && e.contains("already has an appointment"),
        "{e}"
    );

    // Back to back is fine; so is another patient with another clinician.
    c.book(&c.booking(&c.bao.clone(), &c.doctor.clone(), "09:15", 15))
        .unwrap();
    c.book(&c.booking(&c.carlos.clone(), &c.nurse.clone(), "09:00", 15))
        .unwrap();
    assert_eq!(store::day(c.db.conn(), monday()).unwrap().len(), 3);
}

#[test]
fn cancelled_and_no_show_appointments_free_their_time() {
    let mut c = clinic();
    let a = c
        .book(&c.booking(&c.amina.clone(), &c.doctor.clone(), "09:00", 15))
        .unwrap();
    let e = ops::appointments::advance(
        &mut c.db,
        &c.desk,
        &a.appt.id,
        a.appt.version,
        Status::Cancelled,
        Some("  "),
        clock(monday(), "08:00"),
    )
    .unwrap_err();
    assert!(e.to_string().contains("reason is required"), "{e}");
    ops::appointments::advance(
        &mut c.db,
        &c.desk,
        &a.appt.id,
        a.appt.version,
        Status::Cancelled,
        Some("feels better"),
        clock(monday(), "08:00"),
    )
    .unwrap();
    let b = c
        .book(&c.booking(&c.bao.clone(), &c.doctor.clone(), "09:00", 15))
        .unwrap();
    ops::appointments::advance(
        &mut c.db,
        &c.desk,
        &b.appt.id,
        b.appt.version,
        Status::NoShow,
        None,
        clock(monday(), "09:20"),
    )
    .unwrap();
    c.book(&c.booking(&c.carlos.clone(), &c.doctor.clone(), "09:00", 15))
        .unwrap();
}

#[test]
fn outside_working_hours_is_refused_unless_confirmed() {
    let mut c = clinic();
    let b = c.booking(&c.amina.clone(), &c.doctor.clone(), "12:00", 15);
    let e = c.book(&b).unwrap_err().to_string();
    assert!(
        e.contains("outside") && e.contains("08:00–12:00, 13:00–17:00"),
        "{e}"
    );
    ops::appointments::book(&mut c.db, &c.desk, &b, &OUTSIDE_HOURS, now()).unwrap();

    // A day off counts as outside hours.
    let d = monday() + Duration::days(1);
    ops::appointments::set_day_off(&mut c.db, &c.admin, &c.doctor.user.id, d, true, "training")
        .unwrap();
    let b = Booking {
        day: d,
        ..c.booking(&c.bao.clone(), &c.doctor.clone(), "09:00", 15)
    };
    let e = c.book(&b).unwrap_err().to_string();
    assert!(e.contains("day off"), "{e}");
}

#[test]
fn the_status_machine_follows_roles_and_refuses_other_moves() {
    let mut c = clinic();
    let day = monday();
    let a = c
        .book(&c.booking(&c.amina.clone(), &c.doctor.clone(), "09:00", 15))
        .unwrap();
    let id = a.appt.id.clone();
    let at = clock(day, "08:55");
    // No-show before its time is refused.
    let e = ops::appointments::advance(&mut c.db, &c.desk, &id, 1, Status::NoShow, None, at)
        .unwrap_err();
    assert!(e.to_string().contains("has not started yet"), "{e}");
    // Completing a scheduled appointment is refused with what is possible.
    let e = ops::appointments::advance(&mut c.db, &c.doctor, &id, 1, Status::Completed, None, at)
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("can be checked in, cancelled or marked no-show"),
        "{e}"
    );

    // Not on another day.
    let yesterday = clock(day - Duration::days(1), "09:00");
    let e = ops::appointments::advance(
        &mut c.db,
        &c.desk,
        &id,
        1,
        Status::CheckedIn,
        None,
        yesterday,
    )
    .unwrap_err();
    assert!(e.to_string().contains("not today"), "{e}");
    let a = ops::appointments::advance(&mut c.db, &c.desk, &id, 1, Status::CheckedIn, None, at)
        .unwrap();
    assert_eq!(a.appt.status, Status::CheckedIn);
    assert_eq!(a.appt.checked_in_at, Some(at.now));
    // The receptionist may not start consultations.
    let e = ops::appointments::advance(
        &mut c.db,
        &c.desk,
        &id,
        a.appt.version,
        Status::InConsultation,
        None,
        at,
    )
    .unwrap_err();
    assert!(matches!(e, Error::NotPermitted(_)), "{e}");
    // A stale version is refused.
    let e = ops::appointments::advance(
        &mut c.db,
        &c.doctor,
        &id,
        1,
        Status::InConsultation,
        None,
        at,
    )
    .unwrap_err();
    assert!(e.to_string().contains("another terminal"), "{e}");
    let a = ops::appointments::advance(
        &mut c.db,
        &c.doctor,
        &id,
        a.appt.version,
        Status::InConsultation,
        None,
        at,
    )
    .unwrap();
    let a = ops::appointments::advance(
        &mut c.db,
        &c.doctor,
        &id,
        a.appt.version,
        Status::Completed,
        None,
        at,
    )
    .unwrap();
    assert_eq!(a.appt.status, Status::Completed);
    let e = ops::appointments::advance(
        &mut c.db,
        &c.doctor,
        &id,
        a.appt.version,
        Status::Cancelled,
        Some("x"),
        at,
    )
    .unwrap_err();
    assert!(e.to_string().contains("administrator can undo"), "{e}");

    // Undo: administrators only, with a reason, one step back.
    let e = ops::appointments::undo(
        &mut c.db,
        &c.doctor,
        &id,
        a.appt.version,
        "wrong patient",
        at,
    )
    .unwrap_err();
    assert!(matches!(e, Error::NotPermitted(_)), "{e}");
    let e = ops::appointments::undo(&mut c.db, &c.admin, &id, a.appt.version, "", at).unwrap_err();
    assert!(e.to_string().contains("reason"), "{e}");
    let a = ops::appointments::undo(
        &mut c.db,
        &c.admin,
        &id,
        a.appt.version,
        "pressed too early",
        at,
    )
    .unwrap();
    assert_eq!(a.appt.status, Status::InConsultation);
    assert_eq!(a.appt.completed_at, None);

    let log = c.audit_summaries();
    assert!(
        log.iter().any(|s| s.starts_with("UPDATE checked in")),
        "{log:?}"
    );
    assert!(
        log.iter().any(|s| s.starts_with("UPDATE completed")),
        "{log:?}"
    );
    assert!(
        log.iter()
            .any(|s| s.contains("undid done back to in consultation")
                && s.ends_with("pressed too early")),
        "{log:?}"
    );
}

#[test]
fn undoing_a_cancellation_is_refused_when_the_time_was_taken_since() {
    let mut c = clinic();
    let at = clock(monday(), "08:00");
    let a = c
        .book(&c.booking(&c.amina.clone(), &c.doctor.clone(), "09:00", 15))
        .unwrap();
    let a = ops::appointments::advance(
        &mut c.db,
        &c.desk,
        &a.appt.id,
        1,
        Status::Cancelled,
        Some("called off"),
        at,
    )
    .unwrap();
    c.book(&c.booking(&c.bao.clone(), &c.doctor.clone(), "09:00", 15))
        .unwrap();
    let e = ops::appointments::undo(
        &mut c.db,
        &c.admin,
        &a.appt.id,
        a.appt.version,
        "patient rang back",
        at,
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("cannot undo") && e.to_string().contains("Bao Tran"),
        "{e}"
    );
}

#[test]
fn rescheduling_keeps_the_history_linked_both_ways() {
    let mut c = clinic();
    let old = c
        .book(&c.booking(&c.amina.clone(), &c.doctor.clone(), "09:00", 15))
        .unwrap();
    // Moving it later by ten minutes overlaps only itself: allowed.
    let to = c.booking(&c.amina.clone(), &c.doctor.clone(), "09:10", 15);
    let new = ops::appointments::reschedule(
        &mut c.db,
        &c.desk,
        &old.appt.id,
        1,
        &to,
        &Allow::default(),
        now(),
    )
    .unwrap();
    let old = store::get(c.db.conn(), &old.appt.id).unwrap().unwrap();
    assert_eq!(old.appt.status, Status::Cancelled);
    assert_eq!(old.appt.cancel_reason.as_deref(), Some("rescheduled"));
    assert_eq!(old.appt.rescheduled_to.as_ref(), Some(&new.appt.id));
    assert_eq!(new.appt.rescheduled_from.as_ref(), Some(&old.appt.id));
    assert_eq!(new.appt.span, sp("09:10", "09:25"));
    // The cancelled original cannot be rescheduled again or undone.
    let e = ops::appointments::reschedule(
        &mut c.db,
        &c.desk,
        &old.appt.id,
        old.appt.version,
        &to,
        &Allow::default(),
        now(),
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("only a scheduled appointment"),
        "{e}"
    );
    let e = ops::appointments::undo(
        &mut c.db,
        &c.admin,
        &old.appt.id,
        old.appt.version,
        "oops",
        clock(monday(), "08:00"),
    )
    .unwrap_err();
    assert!(e.to_string().contains("was rescheduled"), "{e}");
    // The patient's record lists both, the new one first.
    let mine = ops::appointments::for_patient(&c.db, &c.desk, &c.amina.id).unwrap();
    assert_eq!(mine.len(), 2);
    assert_eq!(mine[0].appt.id, new.appt.id);
    let log = c.audit_summaries();
    assert!(
        log.iter()
            .any(|s| s.starts_with("UPDATE cancelled as rescheduled")),
        "{log:?}"
    );
    assert!(
        log.iter().any(|s| s.starts_with("CREATE rescheduled")),
        "{log:?}"
    );
}

#[test]
fn walk_ins_arrive_checked_in_and_the_queue_calls_them_in_arrival_order() {
    let mut c = clinic();
    let day = monday();
    let booked = c
        .book(&c.booking(&c.amina.clone(), &c.doctor.clone(), "10:00", 15))
        .unwrap();
    // Bao walks in at 09:58: the doctor is free from 09:58 → 10:00 is taken, so
    // the walk-in goes in the first free time of that length.
    let walk = ops::appointments::walk_in(
        &mut c.db,
        &c.desk,
        &c.bao.id,
        &c.doctor.user.id,
        &c.consultation,
        clock(day, "09:58"),
    )
    .unwrap();
    assert_eq!(walk.appt.status, Status::CheckedIn);
    assert!(walk.appt.walk_in);
    assert_eq!(walk.appt.span, sp("10:15", "10:30"));
    ops::appointments::advance(
        &mut c.db,
        &c.desk,
        &booked.appt.id,
        1,
        Status::CheckedIn,
        None,
        clock(day, "10:01"),
    )
    .unwrap();
    let q = ops::appointments::queue(&c.db, &c.desk, day).unwrap();
    let names: Vec<&str> = q.iter().map(|b| b.patient_name.as_str()).collect();
    assert_eq!(names, ["Bao Tran", "Amina Okafor"]);
    let e =
        ops::appointments::call_next(&mut c.db, &c.desk, None, clock(day, "10:02")).unwrap_err();
    assert!(matches!(e, Error::NotPermitted(_)), "{e}");
    let called =
        ops::appointments::call_next(&mut c.db, &c.doctor, None, clock(day, "10:02")).unwrap();
    assert_eq!(called.patient_name, "Bao Tran");
    assert_eq!(called.appt.status, Status::InConsultation);
    assert_eq!(
        ops::appointments::queue(&c.db, &c.desk, day).unwrap().len(),
        1
    );
    let e = ops::appointments::call_next(
        &mut c.db,
        &c.doctor,
        Some(&c.nurse.user.id),
        clock(day, "10:03"),
    )
    .unwrap_err();
    assert!(e.to_string().contains("nobody is waiting"), "{e}");
}

#[test]
fn the_next_free_slot_skips_taken_time_lunch_and_days_off() {
    let mut c = clinic();
    let day = monday();
    for (p, t) in [
        (c.amina.clone(), "08:00"),
        (c.bao.clone(), "08:15"),
        (c.carlos.clone(), "11:45"),
    ] {
        c.book(&c.booking(&p, &c.doctor.clone(), t, 15)).unwrap();
    }
    let from = clock(day, "07:30").local();
    let doctor = c.doctor.user.id.clone();
    let slot = ops::appointments::next_free(&c.db, &doctor, None, 15, from, None).unwrap();
    assert_eq!(slot, Some((day, sp("08:30", "08:45"))));
    // Carlos is busy at 11:45 with the doctor; for him the nurse's first
    // free time from 11:40 is after lunch.
    let nurse = c.nurse.user.id.clone();
    let slot = ops::appointments::next_free(
        &c.db,
        &nurse,
        Some(&c.carlos.id),
        15,
        clock(day, "11:40").local(),
        None,
    )
    .unwrap();
    assert_eq!(slot, Some((day, sp("13:00", "13:15"))));
    // A day off on Tuesday: from Monday 16:50 the next 30 minutes are Wednesday.
    ops::appointments::set_day_off(
        &mut c.db,
        &c.admin,
        &doctor,
        day + Duration::days(1),
        true,
        "",
    )
    .unwrap();
    let slot =
        ops::appointments::next_free(&c.db, &doctor, None, 30, clock(day, "16:50").local(), None)
            .unwrap();
    assert_eq!(slot, Some((day + Duration::days(2), sp("08:00", "08:30"))));
}

#[test]
fn roles_decide_who_books_and_who_sets_up() {
    let mut c = clinic();
    let b = c.booking(&c.amina.clone(), &c.doctor.clone(), "09:00", 15);
    let e = ops::appointments::book(&mut c.db, &c.pharmacist, &b, &Allow::default(), now())
        .unwrap_err();
    assert!(matches!(e, Error::NotPermitted(_)), "{e}");
    let e = ops::appointments::day(&mut c.db, &c.pharmacist, monday(), true).unwrap_err();
    assert!(matches!(e, Error::NotPermitted(_)), "{e}");
    ops::appointments::book(&mut c.db, &c.nurse, &b, &Allow::default(), now()).unwrap();
    let e = ops::appointments::add_type(&mut c.db, &c.desk, "ultrasound", "20").unwrap_err();
    assert!(matches!(e, Error::NotPermitted(_)), "{e}");
    let e = ops::appointments::set_hours(&mut c.db, &c.desk, &c.doctor.user.id, 0, "").unwrap_err();
    assert!(matches!(e, Error::NotPermitted(_)), "{e}");
    let t = ops::appointments::add_type(&mut c.db, &c.admin, "Ultrasound", "20").unwrap();
    assert_eq!((t.name.as_str(), t.minutes), ("ultrasound", 20));
    let e = ops::appointments::add_type(&mut c.db, &c.admin, "ultrasound", "25").unwrap_err();
    assert!(e.to_string().contains("already a type"), "{e}");
    let t =
        ops::appointments::edit_type(&mut c.db, &c.admin, &t, "ultrasound", "25", true).unwrap();
    assert!(t.retired);
    assert!(
        store::types(c.db.conn(), false)
            .unwrap()
            .iter()
            .all(|x| x.name != "ultrasound")
    );
    let e =
        ops::appointments::set_hours(&mut c.db, &c.admin, &c.doctor.user.id, 0, "9-8").unwrap_err();
    assert!(e.to_string().contains("earlier time first"), "{e}");
    // Only doctors and nurses have hours.
    let e = ops::appointments::set_hours(&mut c.db, &c.admin, &c.desk.user.id, 0, "08:00-12:00")
        .unwrap_err();
    assert!(e.to_string().contains("doctor or nurse"), "{e}");
}

#[test]
fn the_reminder_list_is_a_csv_of_the_day_and_an_export_event() {
    let mut c = clinic();
    let a = c
        .book(&c.booking(&c.amina.clone(), &c.doctor.clone(), "09:00", 15))
        .unwrap();
    c.book(&c.booking(&c.bao.clone(), &c.nurse.clone(), "08:30", 15))
        .unwrap();
    ops::appointments::advance(
        &mut c.db,
        &c.desk,
        &a.appt.id,
        1,
        Status::Cancelled,
        Some("travel"),
        clock(monday(), "07:00"),
    )
    .unwrap();
    let mut out = Vec::new();
    let n = ops::appointments::export_day(&mut c.db, &c.desk, monday(), &mut out).unwrap();
    assert_eq!(n, 1);
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "date,start,end,mrn,patient,phone,clinician,type,status,notes"
    );
    assert!(
        lines[1].starts_with(&format!("{},08:30,08:45,{},Bao Tran,", monday(), c.bao.mrn)),
        "{text}"
    );
    assert_eq!(lines.len(), 2);
    assert!(
        c.audit_summaries()
            .iter()
            .any(|s| s.starts_with("EXPORT exported the 1 appointments"))
    );
}

#[test]
fn the_reminder_list_cannot_run_as_a_formula_in_a_spreadsheet() {
    let mut c = clinic();
    let input = PatientInput::default()
        .with(Field::GivenName, "Wanjiru")
        .with(Field::FamilyName, "'t Hooft")
        .with(Field::BirthDate, "1980-01-01")
        .with(Field::Phone, "+254 712 345 678");
    let desk = c.desk.clone();
    let p = fixture::register(&mut c.db, &desk, &input, now());
    let mut b = c.booking(&p, &c.doctor.clone(), "09:00", 15);
    b.notes = "=1+1".into();
    c.book(&b).unwrap();
    let mut b = c.booking(&c.amina.clone(), &c.nurse.clone(), "10:00", 15);
    b.notes = "-2+3 @SUM(A1)".into();
    c.book(&b).unwrap();
    let mut out = Vec::new();
    ops::appointments::export_day(&mut c.db, &desk, monday(), &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let rows: Vec<Vec<String>> = csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    // patient, phone and notes of each row
    let picked: Vec<[&str; 3]> = rows
        .iter()
        .map(|r| [r[4].as_str(), r[5].as_str(), r[9].as_str()])
        .collect();
    assert_eq!(
        picked,
        [
            ["Wanjiru 't Hooft", "'+254 712 345 678", "'=1+1"],
            ["Amina Okafor", "", "'-2+3 @SUM(A1)"],
        ],
        "{text}"
    );
    assert_eq!(rows[0][1], "09:00");
}

#[test]
fn the_file_itself_refuses_overlapping_appointments() {
    let mut c = clinic();
    let a = c
        .book(&c.booking(&c.amina.clone(), &c.doctor.clone(), "09:00", 15))
        .unwrap();
    let conn = common::raw(&c.path);
    let copy = |start: u16, end: u16, patient: &Id| {
        conn.execute(
            "INSERT INTO appointments (id, patient_id, clinician_id, type_id, day, start_min, end_min,
                status, created_at, updated_at)
             SELECT ?1, ?2, clinician_id, type_id, day, ?3, ?4, 'scheduled', created_at, updated_at
             FROM appointments WHERE id = ?5",
            rusqlite::params![Id::new().as_str(), patient.as_str(), start, end, a.appt.id.as_str()],
        )
    };
    let e = copy(9 * 60 + 14, 9 * 60 + 30, &c.bao.id).unwrap_err();
    assert!(e.to_string().contains("overlaps"), "{e}");
    copy(9 * 60 + 15, 9 * 60 + 30, &c.bao.id).unwrap();
    let e = conn
        .execute(
            "UPDATE appointments SET start_min = 550 WHERE start_min = 555",
            [],
        )
        .unwrap_err();
    assert!(e.to_string().contains("overlaps"), "{e}");
    let _ = &mut c.db;
}

#[test]
fn a_past_day_needs_an_admins_reason_and_beyond_the_horizon_needs_a_yes() {
    let mut c = clinic();
    let mut past = c.booking(&c.amina.clone(), &c.doctor.clone(), "09:00", 15);
    past.day = monday() - Duration::days(14);
    let e = c.book(&past).unwrap_err();
    assert!(
        matches!(&e, Error::Refused(m) if m.contains("is in the past")),
        "{e}"
    );
    let reason = Allow {
        back_entry: Some("paper register".into()),
        ..Allow::default()
    };
    let e = ops::appointments::book(&mut c.db, &c.desk, &past, &reason, now()).unwrap_err();
    assert!(
        matches!(&e, Error::NotPermitted(m) if m.contains("only an administrator")),
        "{e}"
    );
    let b = ops::appointments::book(&mut c.db, &c.admin, &past, &reason, now()).unwrap();
    assert_eq!(b.appt.day, past.day);

    // The hospital's horizon is a setting: 30 days here.
    wardline::ops::settings::set(&mut c.db, &c.admin, "booking_horizon_days", "30").unwrap();
    let mut far = c.booking(&c.bao.clone(), &c.doctor.clone(), "09:00", 15);
    far.day = monday() + Duration::days(30);
    let e = c.book(&far).unwrap_err();
    assert!(
        e.to_string()
            .contains("days away, beyond the hospital's 30-day booking horizon"),
        "{e}"
    );
    let yes = Allow {
        far_ahead: true,
        ..Allow::default()
    };
    ops::appointments::book(&mut c.db, &c.desk, &far, &yes, now()).unwrap();
}

#[test]
fn a_second_patient_is_called_in_to_a_busy_clinician_only_when_allowed() {
    let mut c = clinic();
    let day = monday();
    // Walk-ins are checked in on arrival: Bao, then Amina, with the doctor.
    for (p, at) in [(c.bao.id.clone(), "09:58"), (c.amina.id.clone(), "09:59")] {
        ops::appointments::walk_in(
            &mut c.db,
            &c.desk,
            &p,
            &c.doctor.user.id,
            &c.consultation,
            clock(day, at),
        )
        .unwrap();
    }
    let first =
        ops::appointments::call_next(&mut c.db, &c.doctor, None, clock(day, "10:05")).unwrap();
    assert_eq!(first.patient_name, "Bao Tran");
    // Calling the next one in while Bao is in the room is refused, naming
    // both, with the way on.
    let e =
        ops::appointments::call_next(&mut c.db, &c.doctor, None, clock(day, "10:07")).unwrap_err();
    assert!(matches!(e, Error::Refused(_)), "{e}");
    let text = e.to_string();
    assert!(
        text.contains("rahman already has Bao Tran in consultation since 10:05")
            && text
                .contains("call Amina Okafor in again and answer yes to have both in consultation"),
        "{text}"
    );
    let amina = ops::appointments::queue(&c.db, &c.desk, day).unwrap()[0].clone();
    assert_eq!(amina.appt.status, Status::CheckedIn);
    // Agreed to: both are in consultation.
    let called = ops::appointments::advance_allowing(
        &mut c.db,
        &c.doctor,
        &amina.appt.id,
        amina.appt.version,
        Status::InConsultation,
        None,
        ops::appointments::AllowCallIn {
            second_in_consultation: true,
            ..Default::default()
        },
        clock(day, "10:08"),
    )
    .unwrap();
    assert_eq!(called.appt.status, Status::InConsultation);
}
