//! Charges that post themselves from consultations and bed-days (#17): a
//! completed consultation once on its visit's bill at the price of its
//! day, reversed when the completion is undone; each bed-day of an
//! admission at the ward kind of its midnight, posted at transfer,
//! discharge and when the bill is opened, never twice; nothing when the
//! tariff has no price. The hospital is in London, whose clocks go back on
//! 25 October 2026 (a 25-hour day).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use common::clinic::{self as fixture, Clinic};
use wardline::auth::Session;
use wardline::domain::appointment::{Booked, Status};
use wardline::domain::beds::{Disposition, WardKind};
use wardline::domain::billing::ServiceGroup;
use wardline::domain::clock::{Clock, Tz};
use wardline::domain::ids::Id;
use wardline::ops;
use wardline::ops::billing::{self, Source, bills, tariff};
use wardline::store::billing::BillOf;

const ZONE: Tz = chrono_tz::Europe::London;

/// A London local time on a day of October 2026.
fn london(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    ZONE.with_ymd_and_hms(2026, 10, day, h, m, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

fn october(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 10, day).unwrap()
}

fn at(day: u32, h: u32) -> Clock {
    Clock::new(london(day, h, 0), ZONE)
}

struct Hospital {
    c: Clinic,
    doctor: Session,
    desk: Session,
    patient: Id,
}

impl Hospital {
    fn new() -> Hospital {
        let mut c = Clinic::new(ZONE, london(1, 7, 0), london(1, 8, 0));
        c.staff(&[fixture::DOCTOR, fixture::NURSE, fixture::RECEPTIONIST]);
        let doctor = c.signed_in("doctor", london(1, 8, 0));
        let desk = c.signed_in("desk", london(1, 8, 0));
        let admin = c.admin.clone();
        let patient = fixture::register(
            &mut c.db,
            &admin,
            &fixture::person("Amina", "Otieno", "1980-05-01", "female"),
            london(1, 8, 10),
        )
        .id;
        Hospital {
            c,
            doctor,
            desk,
            patient,
        }
    }

    /// The administrator adds `code` to the tariff in `group`.
    fn item(&mut self, code: &str, name: &str, group: ServiceGroup) {
        let admin = self.c.admin.clone();
        tariff::add_item(&mut self.c.db, &admin, code, name, group, at(1, 9)).unwrap();
    }

    /// The generic consultation item and the consultation type's own.
    fn consultation_items(&mut self) {
        self.item("CONSULT", "Consultation", ServiceGroup::Consultation);
        self.item(
            "CONSULT-CONSULTATION",
            "Doctor's consultation",
            ServiceGroup::Consultation,
        );
    }

    /// The administrator prices `code` from `from` (set on 1 October).
    fn price(&mut self, code: &str, price: i64, from: NaiveDate) {
        let admin = self.c.admin.clone();
        tariff::set_price(&mut self.c.db, &admin, code, price, from, at(1, 9)).unwrap();
    }

    /// Every line of the patient's bills: where it came from and its amount.
    fn lines(&self) -> Vec<(Source, i64)> {
        let admin = &self.c.admin;
        let mut lines = Vec::new();
        for (b, _) in billing::bills_of_patient(&self.c.db, admin, &self.patient).unwrap() {
            for c in billing::bill_detail(&self.c.db, admin, &b.id)
                .unwrap()
                .charges
            {
                lines.push((c.source, c.amount));
            }
        }
        lines.sort_by_key(|(s, _)| format!("{s:?}"));
        lines
    }

    fn owed(&self) -> i64 {
        billing::outstanding(&self.c.db, &self.c.admin, &self.patient).unwrap()
    }

    /// A consultation booked on `day` at 10:00, checked in and called in.
    fn called_in(&mut self, day: u32) -> Booked {
        let doctor_id = self.doctor.user.id.clone();
        let b = fixture::book(
            &mut self.c.db,
            &self.desk,
            &self.patient,
            &doctor_id,
            october(day),
            600,
            london(1, 9, 0),
        );
        let b = fixture::advance(
            &mut self.c.db,
            &self.desk,
            &b,
            Status::CheckedIn,
            at(day, 9),
        );
        fixture::advance(
            &mut self.c.db,
            &self.doctor,
            &b,
            Status::InConsultation,
            at(day, 10),
        )
    }

    fn open_visit(&mut self, b: &Booked, clock: Clock) -> Id {
        ops::visits::open_for_appointment(&mut self.c.db, &self.doctor, &b.appt.id, clock)
            .unwrap()
            .id
    }

    fn ward_bed(&mut self, ward: &str, kind: WardKind, bed: &str) -> Id {
        let w = self.c.ward(ward, kind);
        self.c.bed(&w, bed)
    }

    fn admit(&mut self, bed: &Id, when: DateTime<Utc>) -> Id {
        let admin = self.c.admin.clone();
        let doctor_id = self.doctor.user.id.clone();
        fixture::admit(
            &mut self.c.db,
            &admin,
            &self.patient,
            bed,
            &doctor_id,
            "observation",
            when,
        )
    }

    fn transfer(&mut self, admission: &Id, bed: &Id, when: DateTime<Utc>) {
        let doctor = self.doctor.clone();
        ops::beds::transfer(
            &mut self.c.db,
            &doctor,
            admission,
            bed,
            "needs more care",
            when,
        )
        .unwrap();
    }

    fn discharge(&mut self, admission: &Id, when: DateTime<Utc>) {
        let doctor = self.doctor.clone();
        ops::beds::discharge(
            &mut self.c.db,
            &doctor,
            admission,
            Disposition::Home,
            "",
            when,
        )
        .unwrap();
    }
}

fn day(admission: &Id, d: u32) -> Source {
    Source::AdmissionDay(admission.clone(), october(d))
}

#[test]
fn a_completed_consultation_is_charged_once_at_the_price_of_its_day() {
    let mut h = Hospital::new();
    h.consultation_items();
    h.price("CONSULT", 30_000, october(1));
    h.price("CONSULT-CONSULTATION", 50_000, october(1));
    // A new price from the day after: the consultation of the 20th keeps
    // the price of the 20th.
    h.price("CONSULT-CONSULTATION", 65_000, october(21));
    let b = h.called_in(20);
    let visit = h.open_visit(&b, at(20, 10));
    assert!(h.lines().is_empty(), "calling in charges nothing");
    let done = fixture::advance(&mut h.c.db, &h.doctor, &b, Status::Completed, at(20, 11));
    assert_eq!(h.lines(), [(Source::Visit(visit.clone()), 50_000)]);
    let bills = billing::bills_of_patient(&h.c.db, &h.c.admin, &h.patient).unwrap();
    assert_eq!(bills.len(), 1);
    assert_eq!(bills[0].0.visit_id.as_ref(), Some(&visit));
    // Opening the visit again posts nothing more.
    h.open_visit(&done, at(20, 12));
    assert_eq!(h.owed(), 50_000);

    // The completion undone: the charge is reversed; completed again: one
    // charge stands, at the day's price.
    let admin = h.c.admin.clone();
    let back = ops::appointments::undo(
        &mut h.c.db,
        &admin,
        &done.appt.id,
        done.appt.version,
        "completed the wrong patient",
        at(20, 12),
    )
    .unwrap();
    assert_eq!(h.owed(), 0);
    assert_eq!(h.lines().len(), 2);
    fixture::advance(&mut h.c.db, &h.doctor, &back, Status::Completed, at(20, 13));
    assert_eq!(h.owed(), 50_000);
    assert_eq!(h.lines().len(), 3);

    // The file itself posts a standing line once: a copy of it is refused
    // with the program bypassed.
    let conn = common::raw(&h.c.path);
    let e = conn
        .execute(
            "INSERT INTO charges (id, bill_id, source_kind, source_id, source_day, tariff_item_id,
                 lab_test_id, batch_id, description, quantity, unit_price, amount, patient_share,
                 scheme_share, co_payment, posted_at, posted_by)
             SELECT 'again', bill_id, source_kind, source_id, source_day, tariff_item_id,
                 lab_test_id, batch_id, description, quantity, unit_price, amount, patient_share,
                 scheme_share, co_payment, posted_at, posted_by
             FROM charges c
             WHERE reverses IS NULL AND NOT EXISTS (SELECT 1 FROM charges r WHERE r.reverses = c.id)",
            [],
        )
        .unwrap_err();
    assert!(
        e.to_string().contains("this event is already charged"),
        "{e}"
    );
}

#[test]
fn a_consultation_completed_before_its_visit_is_charged_when_the_visit_opens() {
    let mut h = Hospital::new();
    // Only the generic item is priced: the type falls back to it.
    h.consultation_items();
    h.price("CONSULT", 30_000, october(1));
    let b = h.called_in(20);
    let done = fixture::advance(&mut h.c.db, &h.doctor, &b, Status::Completed, at(20, 11));
    assert!(h.lines().is_empty(), "no visit yet, no bill to charge");
    let visit = h.open_visit(&done, at(20, 12));
    assert_eq!(h.lines(), [(Source::Visit(visit.clone()), 30_000)]);
    h.open_visit(&done, at(20, 13));
    assert_eq!(h.lines(), [(Source::Visit(visit), 30_000)]);
}

#[test]
fn an_unpriced_tariff_posts_nothing() {
    let mut h = Hospital::new();
    h.item("CONSULT", "Consultation", ServiceGroup::Consultation);
    h.item("BED-DAY", "Bed-day", ServiceGroup::BedDay);
    // A price in another group does not make a consultation's price.
    h.item("CONSULT-CONSULTATION", "Odd item", ServiceGroup::Procedure);
    h.price("CONSULT-CONSULTATION", 99_000, october(1));
    // Priced only from later on: not on the day charged.
    h.price("BED-DAY", 7_000, october(28));
    let b = h.called_in(20);
    h.open_visit(&b, at(20, 10));
    fixture::advance(&mut h.c.db, &h.doctor, &b, Status::Completed, at(20, 11));
    let bed = h.ward_bed("Ward A", WardKind::General, "A1");
    let admission = h.admit(&bed, london(21, 9, 0));
    h.discharge(&admission, london(23, 9, 0));
    assert!(h.lines().is_empty(), "{:?}", h.lines());
    assert!(
        billing::bills_of_patient(&h.c.db, &h.c.admin, &h.patient)
            .unwrap()
            .is_empty(),
        "no bill is opened for nothing"
    );
}

#[test]
fn bed_days_follow_the_ward_of_each_midnight_across_a_transfer_and_a_clock_change() {
    let mut h = Hospital::new();
    h.item("BED-DAY", "Bed-day", ServiceGroup::BedDay);
    h.item("BED-ICU", "Intensive care bed-day", ServiceGroup::BedDay);
    h.price("BED-DAY", 10_000, october(1));
    h.price("BED-ICU", 50_000, october(1));
    h.price("BED-ICU", 60_000, october(26));
    let medical = h.ward_bed("Medical", WardKind::Medical, "M1");
    let icu = h.ward_bed("ICU", WardKind::Icu, "I1");
    let admission = h.admit(&medical, london(24, 12, 0));
    assert!(h.lines().is_empty(), "admitting charges nothing yet");
    // The 25th is 25 hours long (clocks go back at 02:00); the transfer
    // comes after its midnight and one 02:00 passed twice.
    h.transfer(&admission, &icu, london(25, 10, 0));
    assert_eq!(h.lines(), [(day(&admission, 24), 10_000)]);
    h.discharge(&admission, london(27, 12, 0));
    let lines = h.lines();
    assert_eq!(
        lines,
        [
            (day(&admission, 24), 10_000),
            (day(&admission, 25), 50_000),
            (day(&admission, 26), 60_000),
        ]
    );
    // Opened and read for payment afterwards: nothing more.
    let admin = h.c.admin.clone();
    let bill = bills::open_or_find(
        &mut h.c.db,
        &admin,
        BillOf::Admission(&admission),
        at(28, 9),
    )
    .unwrap();
    let detail = bills::for_payment(&mut h.c.db, &admin, &bill.id, at(29, 9)).unwrap();
    assert_eq!(detail.charges.len(), 3);
    assert_eq!(detail.totals.balance, 120_000);
    assert_eq!(h.lines(), lines);
}

#[test]
fn a_day_case_is_one_bed_day_and_a_stay_is_charged_as_its_bill_is_opened() {
    let mut h = Hospital::new();
    h.item("BED-DAY", "Bed-day", ServiceGroup::BedDay);
    h.item("BED-SURGICAL", "Surgical bed-day", ServiceGroup::BedDay);
    h.price("BED-DAY", 10_000, october(1));
    h.price("BED-SURGICAL", 25_000, october(1));
    let surgical = h.ward_bed("Theatre recovery", WardKind::Surgical, "S1");
    let general = h.ward_bed("General", WardKind::General, "G1");
    let day_case = h.admit(&surgical, london(20, 8, 0));
    h.discharge(&day_case, london(20, 16, 0));
    assert_eq!(h.lines(), [(day(&day_case, 20), 25_000)]);

    // A patient still admitted: the bill, opened or read for payment, has
    // the days up to now, each once.
    let stay = h.admit(&general, london(21, 10, 0));
    let nurse = h.c.signed_in("nurse", london(21, 10, 0));
    let bill =
        bills::open_or_find(&mut h.c.db, &nurse, BillOf::Admission(&stay), at(23, 9)).unwrap();
    let admin = h.c.admin.clone();
    let detail = bills::for_payment(&mut h.c.db, &admin, &bill.id, at(23, 15)).unwrap();
    let days: Vec<Source> = detail.charges.iter().map(|c| c.source.clone()).collect();
    assert_eq!(days, [day(&stay, 21), day(&stay, 22)]);
    // The discharge charges the last day only.
    h.discharge(&stay, london(24, 9, 0));
    let detail = bills::for_payment(&mut h.c.db, &admin, &bill.id, at(25, 9)).unwrap();
    assert_eq!(detail.charges.len(), 3);
    assert_eq!(detail.totals.charged, 30_000);
}

#[test]
fn the_balance_at_discharge_counts_the_bills_and_the_days_the_discharge_will_post() {
    let mut h = Hospital::new();
    h.item("BED-DAY", "Bed-day", ServiceGroup::BedDay);
    h.price("BED-DAY", 10_000, october(1));
    let bed = h.ward_bed("General", WardKind::General, "G1");
    let admission = h.admit(&bed, london(20, 10, 0));
    let doctor = h.doctor.clone();
    let balance =
        |h: &Hospital, when| ops::beds::balance_at_discharge(&h.c.db, &doctor, &admission, when);
    assert_eq!(
        balance(&h, london(20, 18, 0)).unwrap(),
        10_000,
        "a day case"
    );
    assert_eq!(balance(&h, london(22, 9, 0)).unwrap(), 20_000);
    let admin = h.c.admin.clone();
    bills::open_or_find(
        &mut h.c.db,
        &admin,
        BillOf::Admission(&admission),
        at(22, 9),
    )
    .unwrap();
    assert_eq!(h.owed(), 20_000);
    assert_eq!(
        balance(&h, london(22, 9, 0)).unwrap(),
        20_000,
        "days posted are not counted twice"
    );
    assert_eq!(balance(&h, london(23, 9, 0)).unwrap(), 30_000);
    h.discharge(&admission, london(23, 9, 0));
    assert_eq!(h.owed(), 30_000);
    assert_eq!(balance(&h, london(24, 9, 0)).unwrap(), 30_000);
    let desk = h.desk.clone();
    assert!(
        ops::beds::balance_at_discharge(&h.c.db, &desk, &admission, london(24, 9, 0)).is_err(),
        "the desk does not discharge"
    );
}
