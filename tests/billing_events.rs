//! Charges that post themselves from consultations and bed-days (#17): a
//! completed consultation once on its visit's bill at the price of its
//! day, reversed when the completion is undone; each bed-day of an
//! admission at the ward kind of its midnight, posted at transfer,
//! discharge and when the bill is opened, never twice; nothing when the
//! tariff has no price. A dispense made in error reversed: its stock back
//! in each batch, its charges reversed, its prescription owing again, once
//! only (held by the file too), never into an expired batch. A visit
//! started from the record charged its consultation when its note is
//! signed, once; a ward round never. The hospital is in London, whose
//! clocks go back on 25 October 2026 (a 25-hour day).

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
use wardline::domain::prescribing::Frequency;
use wardline::domain::visit::{NoteText, VisitKind};
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

/// A pharmacy with amoxicillin in two batches (4 at 20, then 50 at 35),
/// the patient's outpatient visit, and a course of 15 capsules prescribed
/// from it; returns the item, the prescription and the pharmacist.
fn prescribed(h: &mut Hospital) -> (String, Id, Session) {
    h.c.staff(&[fixture::PHARMACIST]);
    let pharm = h.c.signed_in("pharm", london(2, 9, 30));
    let admin = h.c.admin.clone();
    let item = h.c.item("Amoxil", "amoxicillin", "500 mg", "capsule");
    fixture::receive(
        &mut h.c.db,
        &admin,
        &fixture::receipt(
            &item,
            "EARLY",
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            4,
        ),
        london(1, 8, 30),
    );
    let mut later = fixture::receipt(
        &item,
        "LATE",
        NaiveDate::from_ymd_opt(2027, 3, 31).unwrap(),
        50,
    );
    later.price = 35;
    fixture::receive(&mut h.c.db, &admin, &later, london(1, 8, 30));
    let doctor = h.doctor.clone();
    let v = walk_in(h, VisitKind::Outpatient, at(2, 9));
    let rx = ops::prescriptions::prescribe(
        &mut h.c.db,
        &doctor,
        &fixture::order(&v, &item, "500 mg", Frequency::Tds, Some(5)),
        at(2, 9),
    )
    .unwrap();
    assert_eq!(rx.quantity, 15);
    (item, rx.id, pharm)
}

/// The doctor starts a visit of `kind` from the patient's record.
fn walk_in(h: &mut Hospital, kind: VisitKind, clock: Clock) -> Id {
    h.doctor = h.c.signed_in("doctor", clock.now);
    let doctor = h.doctor.clone();
    if let Err(e) =
        ops::clinical::break_glass(&mut h.c.db, &doctor, &h.patient, "seen at the desk", clock)
    {
        assert!(e.to_string().contains("open to you already"), "{e}");
    }
    ops::visits::start(&mut h.c.db, &doctor, &h.patient, kind, clock)
        .unwrap()
        .id
}

/// The doctor writes and signs the visit's note.
fn sign(h: &mut Hospital, visit: &Id, clock: Clock) -> wardline::error::Result<()> {
    let doctor = h.doctor.clone();
    let note = NoteText {
        presenting_complaint: "cough for a week".into(),
        assessment: "bronchitis".into(),
        plan: "rest and fluids".into(),
        ..NoteText::default()
    };
    let n = ops::visits::save_draft(&mut h.c.db, &doctor, visit, &note, None, clock).unwrap();
    ops::visits::sign(&mut h.c.db, &doctor, visit, n.version, clock).map(|_| ())
}

/// Each batch of the item with what it holds, by batch number.
fn on_hand(h: &Hospital, item: &str) -> Vec<(String, i64)> {
    let mut held: Vec<(String, i64)> = wardline::store::pharmacy::batches(h.c.db.conn(), item)
        .unwrap()
        .into_iter()
        .map(|b| (b.batch_no, b.on_hand))
        .collect();
    held.sort();
    held
}

/// The ledger numbers of the item's dispense rows, oldest first.
fn dispense_rows(h: &Hospital, item: &str) -> Vec<i64> {
    let conn = common::raw(h.c.db.path());
    let mut stmt = conn
        .prepare(
            "SELECT seq FROM stock_movements WHERE item_id = ?1 AND kind = 'dispense' ORDER BY seq",
        )
        .unwrap();
    stmt.query_map([item], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn a_reversed_dispense_puts_back_its_stock_charges_and_prescription() {
    let mut h = Hospital::new();
    let (item, rx, pharm) = prescribed(&mut h);
    let done = ops::dispensing::dispense(&mut h.c.db, &pharm, &rx, None, london(2, 10, 0)).unwrap();
    assert_eq!(done.prescription.owed(), 0);
    assert_eq!(
        on_hand(&h, &item),
        vec![("EARLY".into(), 0), ("LATE".into(), 39)]
    );
    assert_eq!(h.owed(), 4 * 20 + 11 * 35);
    let rows = dispense_rows(&h, &item);
    assert_eq!(rows.len(), 2, "one ledger row per batch taken");

    // Either row names the dispense; every batch it took is given back.
    let back = ops::pharmacy::reverse_dispense(
        &mut h.c.db,
        &pharm,
        rows[1],
        "dispensed to the wrong patient",
        london(2, 10, 30),
    )
    .unwrap();
    assert_eq!(back.quantity(), 15);
    assert_eq!(back.charges_reversed, 2);
    assert_eq!(back.prescription.as_ref(), Some(&rx));
    assert_eq!(
        on_hand(&h, &item),
        vec![("EARLY".into(), 4), ("LATE".into(), 50)]
    );
    assert_eq!(h.owed(), 0, "both charges reversed on the bill");
    let lines = h.lines();
    assert_eq!(lines.len(), 4);
    assert!(lines.iter().all(|(s, _)| matches!(s, Source::Dispense(_))));
    let rx_now = wardline::store::prescriptions::get(h.c.db.conn(), &rx)
        .unwrap()
        .unwrap();
    assert_eq!((rx_now.dispensed, rx_now.owed()), (0, 15));
    assert!(
        ops::dispensing::queue(&h.c.db, &pharm)
            .unwrap()
            .iter()
            .any(|w| w.prescription.id == rx),
        "the prescription is waiting in the pharmacy's queue again"
    );
    // The returns name the dispense rows they reverse.
    let conn = common::raw(h.c.db.path());
    let refs: Vec<String> = conn
        .prepare("SELECT reference FROM stock_movements WHERE kind = 'return' ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(
        refs,
        vec![
            format!("reversal of dispense {}", rows[0]),
            format!("reversal of dispense {}", rows[1])
        ]
    );

    // Twice is refused, by either row's number, and changes nothing.
    for seq in &rows {
        let e =
            ops::pharmacy::reverse_dispense(&mut h.c.db, &pharm, *seq, "again", london(2, 11, 0))
                .unwrap_err()
                .to_string();
        assert!(e.contains("reversed already"), "{e}");
    }
    assert_eq!(
        on_hand(&h, &item),
        vec![("EARLY".into(), 4), ("LATE".into(), 50)]
    );

    // What it owes is dispensed again, and charged again.
    let again =
        ops::dispensing::dispense(&mut h.c.db, &pharm, &rx, None, london(2, 12, 0)).unwrap();
    assert_eq!((again.quantity, again.prescription.owed()), (15, 0));
    assert_eq!(h.owed(), 4 * 20 + 11 * 35);
}

#[test]
fn the_file_refuses_a_second_reversal_and_any_change_to_one() {
    let mut h = Hospital::new();
    let (item, rx, pharm) = prescribed(&mut h);
    ops::dispensing::dispense(&mut h.c.db, &pharm, &rx, None, london(2, 10, 0)).unwrap();
    let rows = dispense_rows(&h, &item);
    // Reversed by its first row: both batches go back.
    ops::pharmacy::reverse_dispense(
        &mut h.c.db,
        &pharm,
        rows[0],
        "wrong strength",
        london(2, 10, 30),
    )
    .unwrap();
    let conn = common::raw(h.c.db.path());
    // A second return and reversal of the same row, the program bypassed.
    let (batch, patient, user): (String, String, String) = conn
        .query_row(
            "SELECT batch_id, patient_id, actor_id FROM stock_movements WHERE seq = ?1",
            [rows[0]],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    conn.execute(
        "INSERT INTO stock_movements (batch_id, item_id, kind, quantity, reason, patient_id, actor_id, at)
         VALUES (?1, ?2, 'return', 4, 'again', ?3, ?4, '2026-10-02T10:00:00Z')",
        rusqlite::params![batch, item, patient, user],
    )
    .unwrap();
    let second = conn.last_insert_rowid();
    let e = conn
        .execute(
            "INSERT INTO dispense_reversals (movement_seq, return_seq, reason, reversed_by, reversed_at)
             VALUES (?1, ?2, 'again', ?3, '2026-10-02T10:00:00Z')",
            rusqlite::params![rows[0], second, user],
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("UNIQUE") || e.contains("PRIMARY KEY"), "{e}");
    let e = conn
        .execute(
            "UPDATE dispense_reversals SET reason = 'nothing happened'",
            [],
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("append-only"), "{e}");
    let e = conn
        .execute("DELETE FROM dispense_reversals", [])
        .unwrap_err()
        .to_string();
    assert!(e.contains("append-only"), "{e}");
    // The prescription's dispensed quantity is its dispenses less those
    // reversed, and cannot be written otherwise.
    let e = conn
        .execute(
            "UPDATE prescriptions SET dispensed = 15 WHERE id = ?1",
            [rx.as_str()],
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("not reversed"), "{e}");
    let dispensed: i64 = conn
        .query_row(
            "SELECT dispensed FROM prescriptions WHERE id = ?1",
            [rx.as_str()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(dispensed, 0);
}

#[test]
fn a_dispense_from_a_batch_expired_since_is_not_reversed() {
    let mut h = Hospital::new();
    h.c.staff(&[fixture::PHARMACIST]);
    let pharm = h.c.signed_in("pharm", london(2, 8, 0));
    let admin = h.c.admin.clone();
    let item = h.c.item("Amoxil", "amoxicillin", "500 mg", "capsule");
    fixture::receive(
        &mut h.c.db,
        &admin,
        &fixture::receipt(&item, "SHORT", october(10), 20),
        london(1, 8, 30),
    );
    let patient = h.patient.as_str().to_string();
    ops::pharmacy::dispense(
        &mut h.c.db,
        &pharm,
        &item,
        6,
        Some(&patient),
        None,
        london(2, 9, 0),
    )
    .unwrap();
    let rows = dispense_rows(&h, &item);
    let pharm = h.c.signed_in("pharm", london(12, 8, 0));
    let e = ops::pharmacy::reverse_dispense(
        &mut h.c.db,
        &pharm,
        rows[0],
        "not needed",
        london(12, 9, 0),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("SHORT has expired") && e.contains("dispose"),
        "{e}"
    );
    assert_eq!(on_hand(&h, &item), vec![("SHORT".into(), 14)]);
    // Before its expiry the same dispense goes back.
    let pharm = h.c.signed_in("pharm", london(9, 8, 0));
    ops::pharmacy::reverse_dispense(&mut h.c.db, &pharm, rows[0], "not needed", london(9, 9, 0))
        .unwrap();
    assert_eq!(on_hand(&h, &item), vec![("SHORT".into(), 20)]);
    // A ledger row that is not a dispense names none.
    let e = ops::pharmacy::reverse_dispense(&mut h.c.db, &pharm, 1, "typo", london(9, 9, 0))
        .unwrap_err()
        .to_string();
    assert!(e.contains("not a dispense"), "{e}");
}

#[test]
fn a_visit_without_an_appointment_is_charged_when_its_note_is_signed_once() {
    let mut h = Hospital::new();
    h.consultation_items();
    h.price("CONSULT", 1_500, october(1));
    h.price("CONSULT-CONSULTATION", 2_500, october(1));
    let v = walk_in(&mut h, VisitKind::Outpatient, at(2, 10));
    assert_eq!(h.lines(), vec![], "nothing is charged before signing");
    sign(&mut h, &v, at(2, 11)).unwrap();
    // The generic consultation at the price of the day, on the visit's bill.
    assert_eq!(h.lines(), vec![(Source::Visit(v.clone()), 1_500)]);
    let doctor = h.doctor.clone();
    let e = ops::visits::sign(&mut h.c.db, &doctor, &v, 1, at(2, 12)).unwrap_err();
    assert!(e.to_string().contains("signed already"), "{e}");
    assert_eq!(h.lines(), vec![(Source::Visit(v), 1_500)]);
    assert_eq!(h.owed(), 1_500);
}

#[test]
fn a_ward_round_and_an_unpriced_visit_charge_no_consultation() {
    let mut h = Hospital::new();
    h.consultation_items();
    let v = walk_in(&mut h, VisitKind::Outpatient, at(2, 10));
    sign(&mut h, &v, at(2, 11)).unwrap();
    assert_eq!(h.lines(), vec![], "CONSULT has no price: nothing posts");
    h.price("CONSULT", 1_500, october(1));
    let bed = h.ward_bed("Medical", WardKind::Medical, "MED-1");
    let admission = h.admit(&bed, london(3, 8, 0));
    let round = walk_in(&mut h, VisitKind::WardRound, at(3, 9));
    sign(&mut h, &round, at(3, 10)).unwrap();
    assert!(
        h.lines()
            .iter()
            .all(|(s, _)| !matches!(s, Source::Visit(_))),
        "a ward round charges no consultation: {:?}",
        h.lines()
    );
    let _ = admission;
}
