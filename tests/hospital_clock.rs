//! The hospital's own clock: every local date follows the hospital's
//! `time_zone` setting, never the machine's. Each rule is tried west of UTC
//! in the evening (Lima, already tomorrow in UTC), east of UTC after
//! midnight (Nairobi, still yesterday in UTC), and across a daylight-saving
//! change (London). No test reads the real clock or the machine's zone.

mod common;
mod tui_harness;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use common::clinic as fixture;
use ratatui::crossterm::event::KeyCode;
use tui_harness::{Harness, PASSWORD};
use wardline::auth::Session;
use wardline::domain::appointment::{Span, Status, parse_time};
use wardline::domain::beds::WardKind;
use wardline::domain::clock::Clock;
use wardline::domain::patient::Patient;
use wardline::domain::pharmacy::ItemDetails;
use wardline::domain::role::Role;
use wardline::ops;
use wardline::store::Db;
use wardline::tui::app::Mode;

const LIMA: Tz = chrono_tz::America::Lima;
const NAIROBI: Tz = chrono_tz::Africa::Nairobi;
const LONDON: Tz = chrono_tz::Europe::London;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// 20:30 on 3 December in Lima: 01:30 on the 4th in UTC.
fn lima_evening() -> DateTime<Utc> {
    utc("2026-12-04T01:30:00Z")
}

/// 00:30 on 4 December in Nairobi: 21:30 on the 3rd in UTC.
fn nairobi_after_midnight() -> DateTime<Utc> {
    utc("2026-12-03T21:30:00Z")
}

struct Hospital {
    _dir: Option<tempfile::TempDir>,
    db: Db,
    admin: Session,
    nurse: Session,
    doctor: Session,
    pharm: Session,
}

/// A hospital in `zone` whose accounts, ward and beds were set up at `t0`.
fn hospital(zone: Tz, t0: DateTime<Utc>) -> Hospital {
    let mut c = fixture::Clinic::new(zone, t0, t0);
    c.staff(&[
        fixture::NURSE,
        fixture::DOCTOR,
        ("pharm", "Olu Adeyemi", Role::Pharmacist),
    ]);
    let nurse = c.signed_in("nurse", t0);
    let doctor = c.signed_in("doctor", t0);
    let pharm = c.signed_in("pharm", t0);
    let ward = c.ward("Medical", WardKind::Medical);
    for label in ["MED-01", "MED-02"] {
        c.bed(&ward, label);
    }
    let fixture::Clinic { dir, db, admin, .. } = c;
    Hospital {
        _dir: dir,
        db,
        admin,
        nurse,
        doctor,
        pharm,
    }
}

impl Hospital {
    fn patient(&mut self, given: &str, at: DateTime<Utc>) -> Patient {
        let input = fixture::person(given, "Tester", "1970-05-06", "F");
        fixture::register(&mut self.db, &self.admin, &input, at)
    }

    fn admit(&mut self, p: &Patient, label: &str, at: DateTime<Utc>) {
        let bed = ops::beds::find_bed(&self.db, label).unwrap().id;
        let attending = self.doctor.user.id.clone();
        fixture::admit(
            &mut self.db,
            &self.nurse,
            &p.id,
            &bed,
            &attending,
            "pneumonia",
            at,
        );
    }

    /// (patients at 00:00, admitted, patients at 24:00) on `day`, all wards.
    fn census(&self, day: &str) -> (i64, i64, i64) {
        let c = ops::census::census(&self.db, &self.nurse, date(day)).unwrap();
        let total = c.lines.last().unwrap();
        (total.at_start, total.admitted, total.at_end)
    }
}

// ---- the census -------------------------------------------------------------

#[test]
fn the_census_counts_an_evening_admission_west_of_utc_on_the_local_day() {
    let mut h = hospital(LIMA, utc("2026-12-01T12:00:00Z"));
    let p = h.patient("Rosa", utc("2026-12-01T12:00:00Z"));
    h.admit(&p, "MED-01", lima_evening());
    assert_eq!(
        h.census("2026-12-03"),
        (0, 1, 1),
        "admitted on the 3rd in Lima"
    );
    assert_eq!(h.census("2026-12-04"), (1, 0, 1), "in since the 4th began");
}

#[test]
fn the_census_counts_an_admission_after_midnight_east_of_utc_on_the_new_day() {
    let mut h = hospital(NAIROBI, utc("2026-12-01T12:00:00Z"));
    let p = h.patient("Wanjiru", utc("2026-12-01T12:00:00Z"));
    h.admit(&p, "MED-01", nairobi_after_midnight());
    assert_eq!(
        h.census("2026-12-03"),
        (0, 0, 0),
        "still the 3rd in UTC only"
    );
    assert_eq!(h.census("2026-12-04"), (0, 1, 1));
}

#[test]
fn the_census_day_has_23_hours_when_the_clocks_go_forward() {
    let mut h = hospital(LONDON, utc("2026-03-20T12:00:00Z"));
    let early = h.patient("Early", utc("2026-03-20T12:00:00Z"));
    let late = h.patient("Late", utc("2026-03-20T12:00:00Z"));
    // 23:30 BST on Sunday 29 March is 22:30 UTC: that Sunday.
    h.admit(&early, "MED-01", utc("2026-03-29T22:30:00Z"));
    // 00:30 BST on Monday 30 March is 23:30 UTC on the Sunday: the Monday.
    h.admit(&late, "MED-02", utc("2026-03-29T23:30:00Z"));
    assert_eq!(h.census("2026-03-29"), (0, 1, 1));
    assert_eq!(h.census("2026-03-30"), (1, 1, 2));
}

// ---- the pharmacy's today ---------------------------------------------------

fn paracetamol() -> ItemDetails {
    ItemDetails {
        name: "Paracetamol".into(),
        generic_name: "paracetamol".into(),
        strength: "500 mg".into(),
        form: "tablet".into(),
        unit: "tablet".into(),
        category: "Analgesic".into(),
        reorder_level: 10,
        max_dispense: None,
    }
}

/// An item with a batch of 10 expiring on `soon` and 10 expiring on `later`.
fn stocked(h: &mut Hospital, at: DateTime<Utc>, soon: &str, later: &str) -> String {
    let item = ops::pharmacy::add_item(&mut h.db, &h.pharm, &paracetamol(), at).unwrap();
    for (batch, expiry) in [("SOON", soon), ("LATER", later)] {
        let r = ops::pharmacy::Receipt {
            item_id: item.id.clone(),
            batch_no: batch.into(),
            expiry: date(expiry),
            quantity: 10,
            unit_cost: 100,
            price: 150,
            supplier: "MEDS Ltd".into(),
            reference: "INV-1".into(),
        };
        ops::pharmacy::receive(&mut h.db, &h.pharm, &r, at).unwrap();
    }
    item.id
}

fn batches_taken(h: &mut Hospital, item: &str, at: DateTime<Utc>) -> Vec<String> {
    ops::pharmacy::dispense(&mut h.db, &h.pharm, item, 5, None, None, at)
        .unwrap()
        .into_iter()
        .map(|t| t.batch_no)
        .collect()
}

#[test]
fn east_of_utc_after_midnight_a_batch_expiring_that_day_is_not_issued() {
    let t0 = utc("2026-12-01T12:00:00Z");
    let mut h = hospital(NAIROBI, t0);
    let item = stocked(&mut h, t0, "2026-12-04", "2027-06-30");
    let now = nairobi_after_midnight();
    assert_eq!(
        ops::pharmacy::today(&Clock::new(now, NAIROBI)),
        date("2026-12-04")
    );
    // UTC still says the 3rd; the hospital's day is the batch's expiry day.
    assert_eq!(batches_taken(&mut h, &item, now), ["LATER"]);
    // Two hours earlier, before local midnight, it was still good.
    assert_eq!(
        batches_taken(&mut h, &item, now - Duration::hours(2)),
        ["SOON"]
    );
}

#[test]
fn west_of_utc_in_the_evening_the_pharmacy_goes_by_the_later_of_the_two_dates() {
    let t0 = utc("2026-12-01T12:00:00Z");
    let mut h = hospital(LIMA, t0);
    let item = stocked(&mut h, t0, "2026-12-04", "2027-06-30");
    let clock = Clock::new(lima_evening(), LIMA);
    assert_eq!(clock.today(), date("2026-12-03"));
    // The schema refuses a batch on its expiry date in UTC even with the
    // program bypassed, so the program never offers it then either.
    assert_eq!(ops::pharmacy::today(&clock), date("2026-12-04"));
    assert_eq!(batches_taken(&mut h, &item, lima_evening()), ["LATER"]);
    // At 18:00 in Lima (23:00 UTC) both dates are the 3rd: it is issued.
    assert_eq!(
        batches_taken(&mut h, &item, utc("2026-12-03T23:00:00Z")),
        ["SOON"]
    );
}

#[test]
fn the_pharmacys_today_follows_the_clocks_going_forward() {
    // 00:30 BST on 30 March is 23:30 UTC on the 29th.
    let clock = Clock::new(utc("2026-03-29T23:30:00Z"), LONDON);
    assert_eq!(ops::pharmacy::today(&clock), date("2026-03-30"));
    // 23:30 GMT on 28 March: both dates agree.
    let clock = Clock::new(utc("2026-03-28T23:30:00Z"), LONDON);
    assert_eq!(ops::pharmacy::today(&clock), date("2026-03-28"));
}

// ---- the appointments day ---------------------------------------------------

/// Books `patient` with the doctor at `time` on `day` and checks them in at `now`.
fn book_and_check_in(
    h: &mut Hospital,
    p: &Patient,
    day: &str,
    time: &str,
    clock: Clock,
) -> wardline::error::Result<wardline::domain::appointment::Booked> {
    let consultation = wardline::store::appointments::type_named(h.db.conn(), "consultation")
        .unwrap()
        .unwrap();
    let start = parse_time(time).unwrap();
    let booking = ops::appointments::Booking {
        patient: p.id.clone(),
        clinician: h.doctor.user.id.clone(),
        type_id: consultation.id,
        day: date(day),
        span: Span::new(start, start + 15).unwrap(),
        notes: String::new(),
    };
    let b = ops::appointments::book(
        &mut h.db,
        &h.admin,
        &booking,
        &ops::appointments::Allow {
            outside_hours: true,
            ..Default::default()
        },
        clock.now - Duration::days(1),
    )?;
    ops::appointments::advance(
        &mut h.db,
        &h.nurse,
        &b.appt.id,
        b.appt.version,
        Status::CheckedIn,
        None,
        clock,
    )
}

#[test]
fn a_patient_is_checked_in_on_the_hospitals_day_not_utcs() {
    let t0 = utc("2026-12-01T12:00:00Z");
    let mut h = hospital(LIMA, t0);
    let p = h.patient("Rosa", t0);
    // 20:30 on the 3rd in Lima: an appointment at 20:30 that day checks in.
    let arrived = book_and_check_in(
        &mut h,
        &p,
        "2026-12-03",
        "20:30",
        Clock::new(lima_evening(), LIMA),
    );
    assert_eq!(arrived.unwrap().appt.status, Status::CheckedIn);

    let mut h = hospital(NAIROBI, t0);
    let p = h.patient("Wanjiru", t0);
    // 00:30 on the 4th in Nairobi: the 3rd's appointment is yesterday's.
    let late = book_and_check_in(
        &mut h,
        &p,
        "2026-12-03",
        "23:45",
        Clock::new(nairobi_after_midnight(), NAIROBI),
    );
    let refusal = late.unwrap_err().to_string();
    assert!(refusal.contains("today"), "{refusal}");
}

#[test]
fn the_screen_shows_the_hospitals_time_and_opens_the_clinic_on_its_day() {
    let mut h = Harness::at(LIMA, lima_evening(), 100, 30);
    h.sign_in("reception", PASSWORD);
    let s = h.screen();
    assert!(s.contains("Thu 03 Dec 20:30"), "{s}");
    h.press(KeyCode::F(3));
    let s = h.screen();
    assert!(s.contains("Thu 03 Dec 2026 (today)"), "{s}");

    let mut h = Harness::at(NAIROBI, nairobi_after_midnight(), 100, 30);
    h.sign_in_to("reception", KeyCode::F(3));
    let s = h.screen();
    assert!(s.contains("Fri 04 Dec 00:30"), "{s}");
    assert!(s.contains("Fri 04 Dec 2026 (today)"), "{s}");
}

#[test]
fn across_the_clocks_going_forward_the_screen_shows_summer_time() {
    // 00:59 GMT, then 02:00 BST a minute later.
    let mut h = Harness::at(LONDON, utc("2026-03-29T00:59:00Z"), 100, 30);
    h.sign_in("reception", PASSWORD);
    assert!(h.screen().contains("Sun 29 Mar 00:59"));
    h.app.tick(utc("2026-03-29T01:00:30Z"));
    assert!(h.screen().contains("Sun 29 Mar 02:00"));
}

// ---- the idle and session clock ---------------------------------------------

#[test]
fn the_idle_lock_counts_minutes_not_local_dates() {
    for (zone, start) in [
        // 23:58 in Lima, locking at 00:03: a new local day in between.
        (LIMA, utc("2026-12-04T04:58:00Z")),
        // 23:58 in Nairobi.
        (NAIROBI, utc("2026-12-03T20:58:00Z")),
        // 00:58 GMT in London, the clocks jumping to 02:00 in between.
        (LONDON, utc("2026-03-29T00:58:00Z")),
    ] {
        let mut h = Harness::at(zone, start, 80, 24);
        h.sign_in("nurse", PASSWORD);
        h.app.tick(h.now + Duration::minutes(4));
        assert!(
            matches!(h.app.mode, Mode::Working(_)),
            "{zone}: locked early"
        );
        h.app.tick(h.now + Duration::minutes(5));
        assert!(
            matches!(h.app.mode, Mode::Locked { .. }),
            "{zone}: not locked"
        );
    }
}

#[test]
fn a_session_ends_after_twelve_real_hours_across_a_daylight_saving_change() {
    for (zone, start) in [
        (LONDON, utc("2026-03-28T20:00:00Z")), // spring forward at 01:00 UTC
        (LONDON, utc("2026-10-24T20:00:00Z")), // fall back at 01:00 UTC
        (LIMA, lima_evening()),
        (NAIROBI, nairobi_after_midnight()),
    ] {
        let mut h = Harness::at(zone, start, 80, 24);
        h.sign_in("nurse", PASSWORD);
        let signed_in = h.now;
        // Keys keep it from idling; twelve hours of them.
        let mut t = signed_in;
        while t < signed_in + Duration::hours(12) - Duration::minutes(2) {
            t += Duration::minutes(2);
            h.app.tick(t);
            h.now = t;
            h.press(KeyCode::Down);
        }
        assert!(
            matches!(h.app.mode, Mode::Working(_)),
            "{zone}: ended early"
        );
        h.app
            .tick(signed_in + Duration::hours(12) + Duration::seconds(1));
        assert!(matches!(h.app.mode, Mode::SignIn(_)), "{zone}: not ended");
        assert!(h.screen().contains("12-hour limit"));
    }
}

#[test]
fn the_settings_refuse_a_zone_that_is_not_one() {
    let t0 = utc("2026-12-01T12:00:00Z");
    let mut h = hospital(LIMA, t0);
    let e = ops::settings::set(&mut h.db, &h.admin, "time_zone", "+03:00")
        .unwrap_err()
        .to_string();
    assert!(e.contains("Africa/Nairobi"), "{e}");
    let stored = ops::settings::set(&mut h.db, &h.admin, "time_zone", "africa/nairobi").unwrap();
    assert_eq!(stored, "Africa/Nairobi");
    assert_eq!(h.db.settings().unwrap().time_zone, NAIROBI);
    // The census follows the new zone at once.
    let p = h.patient("Wanjiru", t0);
    h.admit(&p, "MED-01", nairobi_after_midnight());
    assert_eq!(h.census("2026-12-04"), (0, 1, 1));
}
