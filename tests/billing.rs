//! Billing on real hospital files, in Nairobi (UTC+3) with fixed clocks:
//! prices over time, a patient's scheme and the shares it gives, manual
//! charges and their reversal, payments with change and references,
//! receipts without gaps, refunds, the cashier's cash-up closing the day,
//! who may do what, and the rules the file holds with the program bypassed
//! (append-only charges and payments, gapless receipts, a closed day).
//! A property test runs any mix of charges, reversals, payments and refunds
//! and checks each bill's balance is its lines less its payments.

mod common;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use common::clinic::{self as fixture, Clinic};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rusqlite::Connection;
use std::cell::RefCell;
use wardline::auth::Session;
use wardline::domain::beds::WardKind;
use wardline::domain::billing::{Method, SchemeKind, ServiceGroup};
use wardline::domain::clock::{Clock, Tz};
use wardline::domain::ids::Id;
use wardline::domain::role::Role;
use wardline::error::Error;
use wardline::ops::billing::desk::{PaymentInput, RefundInput};
use wardline::ops::billing::tariff::{PatientSchemeInput, SchemeInput};
use wardline::ops::billing::{self, Bill, bills, desk, tariff};
use wardline::store::billing::BillOf;

const ZONE: Tz = chrono_tz::Africa::Nairobi;

/// A local time in Nairobi (UTC+3) on a day of March 2026.
fn nairobi(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, 0, m, 0).unwrap() + Duration::hours(i64::from(h) - 3)
}

fn march(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, day).unwrap()
}

fn at(day: u32, h: u32) -> Clock {
    Clock::new(nairobi(day, h, 0), ZONE)
}

const CASHIER: fixture::Staff = ("till", "Cass Till", Role::Cashier);

/// A clinic with a cashier, a doctor, the tariff's dressing (150.00 from
/// 1 March, 200.00 from 10 March) and suturing (1,000.00), and one admitted
/// patient.
struct Desk {
    c: Clinic,
    cashier: Session,
    doctor: Session,
    patient: Id,
    admission: Id,
}

impl Desk {
    fn new() -> Desk {
        let mut c = Clinic::new(ZONE, nairobi(1, 7, 0), nairobi(2, 8, 0));
        c.staff(&[
            fixture::DOCTOR,
            fixture::NURSE,
            fixture::RECEPTIONIST,
            CASHIER,
        ]);
        let admin = c.admin.clone();
        let early = at(1, 7);
        tariff::add_item(
            &mut c.db,
            &admin,
            "DRESS",
            "Wound dressing",
            ServiceGroup::Procedure,
            early,
        )
        .unwrap();
        tariff::add_item(
            &mut c.db,
            &admin,
            "suture",
            "Suturing",
            ServiceGroup::Procedure,
            early,
        )
        .unwrap();
        tariff::set_price(&mut c.db, &admin, "DRESS", 15_000, march(1), early).unwrap();
        tariff::set_price(&mut c.db, &admin, "DRESS", 20_000, march(10), early).unwrap();
        tariff::set_price(&mut c.db, &admin, "SUTURE", 100_000, march(1), early).unwrap();
        let ward = c.ward("Ward A", WardKind::General);
        let bed = c.bed(&ward, "A1");
        let doctor = c.signed_in("doctor", nairobi(2, 8, 0));
        let cashier = c.signed_in("till", nairobi(2, 8, 0));
        let desk_user = c.admin.clone();
        let patient = fixture::register(
            &mut c.db,
            &desk_user,
            &fixture::person("Amina", "Otieno", "1980-05-01", "female"),
            nairobi(2, 8, 10),
        )
        .id;
        let admission = fixture::admit(
            &mut c.db,
            &admin,
            &patient,
            &bed,
            &doctor.user.id,
            "cellulitis",
            nairobi(2, 8, 20),
        );
        Desk {
            c,
            cashier,
            doctor,
            patient,
            admission,
        }
    }

    fn charge(&mut self, code: &str, quantity: i64, clock: Clock) -> billing::Charge {
        bills::post_manual(
            &mut self.c.db,
            &self.doctor,
            BillOf::Admission(&self.admission),
            code,
            quantity,
            clock,
        )
        .unwrap_or_else(|e| panic!("post {code}: {e}"))
    }

    fn pay(
        &mut self,
        bill: &Id,
        method: Method,
        amount: i64,
        tendered: Option<i64>,
        reference: &str,
    ) -> Result<billing::Payment, Error> {
        let cashier = self.cashier.clone();
        desk::take_payment(
            &mut self.c.db,
            &cashier,
            &PaymentInput {
                bill,
                method,
                amount,
                tendered,
                reference,
            },
            at(2, 10),
        )
    }

    fn bill(&self) -> Bill {
        let bills = billing::bills_of_patient(&self.c.db, &self.cashier, &self.patient).unwrap();
        bills
            .into_iter()
            .map(|(b, _)| b)
            .find(|b| b.closed_at.is_none())
            .expect("an open bill")
    }

    fn raw(&self) -> Connection {
        common::raw(&self.c.path)
    }
}

fn refused(r: Result<impl std::fmt::Debug, Error>, words: &str) {
    match r {
        Err(Error::Refused(m)) => assert!(m.contains(words), "{m:?} should say {words:?}"),
        other => panic!("expected a refusal saying {words:?}, got {other:?}"),
    }
}

#[test]
fn a_price_holds_from_its_date_and_is_never_changed() {
    let mut d = Desk::new();
    let before = d.charge("DRESS", 1, at(9, 10));
    let after = d.charge("DRESS", 2, at(10, 10));
    assert_eq!((before.unit_price, before.amount), (15_000, 15_000));
    assert_eq!((after.unit_price, after.amount), (20_000, 40_000));
    let admin = d.c.admin.clone();
    refused(
        tariff::set_price(&mut d.c.db, &admin, "DRESS", 1, march(10), at(2, 9)),
        "later date",
    );
    let cashier = d.cashier.clone();
    assert!(matches!(
        tariff::set_price(&mut d.c.db, &cashier, "DRESS", 1, march(20), at(2, 9)),
        Err(Error::NotPermitted(_))
    ));
    let raw = d.raw();
    for sql in [
        "UPDATE tariff_prices SET price = 1",
        "DELETE FROM tariff_prices",
    ] {
        let e = raw.execute(sql, []).unwrap_err().to_string();
        assert!(e.contains("never"), "{sql}: {e}");
    }
}

#[test]
fn cash_gives_change_mobile_money_needs_its_reference_and_receipts_run_on() {
    let mut d = Desk::new();
    d.charge("DRESS", 1, at(2, 9));
    let bill = d.bill().id;
    // A self-paying patient's bill has no scheme share to settle.
    refused(
        d.pay(&bill, Method::Scheme, 100, None, ""),
        "scheme share left to settle is USD 0.00",
    );
    let cash = d.pay(&bill, Method::Cash, 5_000, Some(10_000), "").unwrap();
    assert_eq!(
        (cash.receipt, cash.tendered, cash.change),
        (1, Some(10_000), Some(5_000))
    );
    refused(
        d.pay(&bill, Method::Cash, 5_000, Some(4_000), ""),
        "less than the amount",
    );
    refused(
        d.pay(&bill, Method::MobileMoney, 5_000, None, " "),
        "transaction reference",
    );
    refused(
        d.pay(&bill, Method::Card, 5_000, Some(6_000), ""),
        "only cash",
    );
    let mobile = d
        .pay(&bill, Method::MobileMoney, 5_000, None, "QK7H2X9")
        .unwrap();
    assert_eq!(
        (mobile.receipt, mobile.reference.as_deref()),
        (2, Some("QK7H2X9"))
    );
    refused(
        d.pay(&bill, Method::Card, 5_001, None, ""),
        "at most the balance",
    );
    let card = d.pay(&bill, Method::Card, 5_000, None, "").unwrap();
    assert_eq!(card.receipt, 3);
    let totals = billing::bill_detail(&d.c.db, &d.cashier, &bill)
        .unwrap()
        .totals;
    assert_eq!(
        (totals.charged, totals.paid, totals.balance),
        (15_000, 15_000, 0)
    );
    let doctor = d.doctor.clone();
    assert!(matches!(
        desk::take_payment(
            &mut d.c.db,
            &doctor,
            &PaymentInput {
                bill: &bill,
                method: Method::Cash,
                amount: 1,
                tendered: None,
                reference: ""
            },
            at(2, 10)
        ),
        Err(Error::NotPermitted(_))
    ));
    let events: Vec<String> = d
        .raw()
        .prepare("SELECT action FROM audit_log WHERE action = 'TAKE_PAYMENT'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(events.len(), 3);
}

#[test]
fn a_refund_is_an_admins_with_a_reason_and_at_most_what_was_paid() {
    let mut d = Desk::new();
    d.charge("SUTURE", 1, at(2, 9));
    let bill = d.bill().id;
    d.pay(&bill, Method::Cash, 60_000, None, "").unwrap();
    let refund = |d: &mut Desk, by: &Session, amount: i64, reason: &str| {
        desk::refund(
            &mut d.c.db,
            by,
            &RefundInput {
                bill: &bill,
                method: Method::Cash,
                amount,
                reason,
                reference: "",
            },
            at(2, 11),
        )
    };
    let cashier = d.cashier.clone();
    let admin = d.c.admin.clone();
    assert!(matches!(
        refund(&mut d, &cashier, 10_000, "overcharged"),
        Err(Error::NotPermitted(_))
    ));
    refused(refund(&mut d, &admin, 10_000, "  "), "reason");
    refused(refund(&mut d, &admin, 60_001, "overcharged"), "at most");
    let r = refund(&mut d, &admin, 10_000, "overcharged").unwrap();
    assert_eq!(
        (r.amount, r.receipt, r.reason.as_deref()),
        (-10_000, 2, Some("overcharged"))
    );
    let totals = billing::bill_detail(&d.c.db, &admin, &bill).unwrap().totals;
    assert_eq!((totals.paid, totals.balance), (50_000, 50_000));
    refused(refund(&mut d, &admin, 50_001, "overcharged"), "at most");
    // The file refuses a refund beyond what was paid, the program bypassed.
    let e = d
        .raw()
        .execute(
            "INSERT INTO payments (id, receipt, bill_id, method, amount, reason, cashier_id, taken_at, day)
             VALUES ('x', 3, ?1, 'cash', -50001, 'too much', ?2, '2026-03-02T08:00:00Z', '2026-03-02')",
            [bill.as_str(), admin.user.id.as_str()],
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("at most what was paid"), "{e}");
}

#[test]
fn an_insured_patient_pays_the_co_payment_then_their_share_and_a_waiver_nothing() {
    let mut d = Desk::new();
    let admin = d.c.admin.clone();
    tariff::add_scheme(&mut d.c.db, &admin, &fixture::NHIF).unwrap();
    tariff::add_scheme(
        &mut d.c.db,
        &admin,
        &SchemeInput {
            code: "WAIVE",
            name: "Hardship waiver",
            kind: SchemeKind::Waiver,
            coverage_bp: 0,
            co_payment: 0,
            active: true,
        },
    )
    .unwrap();
    let cashier = d.cashier.clone();
    let patient = d.patient.clone();
    let set = |d: &mut Desk, code: &str, member: &str, from: u32, to: Option<u32>| {
        tariff::set_patient_scheme(
            &mut d.c.db,
            &cashier,
            &PatientSchemeInput {
                patient: &patient,
                scheme_code: code,
                member_number: member,
                valid_from: march(from),
                valid_to: to.map(march),
            },
            at(2, 9),
        )
    };
    refused(set(&mut d, "NHIF", "", 1, None), "member number");
    refused(
        set(&mut d, "NHIF", "1", 5, Some(4)),
        "ends before it starts",
    );
    set(&mut d, "NHIF", "NH-44817", 1, Some(15)).unwrap();
    // 150.00: the co-payment's 50.00 first, then 80% of the 100.00 left.
    let first = d.charge("DRESS", 1, at(3, 9));
    assert_eq!(
        (first.patient_share, first.scheme_share, first.co_payment),
        (5_000 + 2_000, 8_000, 5_000)
    );
    // The co-payment is paid once per bill.
    let second = d.charge("SUTURE", 1, at(3, 9));
    assert_eq!(
        (second.patient_share, second.scheme_share, second.co_payment),
        (20_000, 80_000, 0)
    );
    // After the cover ends the patient pays for themselves.
    let late = d.charge("DRESS", 1, at(16, 9));
    assert_eq!((late.patient_share, late.scheme_share), (20_000, 0));
    set(&mut d, "WAIVE", "", 16, None).unwrap();
    let waived = d.charge("DRESS", 1, at(16, 10));
    assert_eq!((waived.patient_share, waived.scheme_share), (0, 20_000));
    let totals = billing::bill_detail(&d.c.db, &cashier, &d.bill().id)
        .unwrap()
        .totals;
    assert_eq!(totals.patient_share + totals.scheme_share, totals.charged);
    assert_eq!(
        (totals.patient_share, totals.scheme_share),
        (47_000, 108_000)
    );
    // The patient is asked only for their share; the scheme settles its own.
    let bill = d.bill().id;
    refused(
        d.pay(&bill, Method::Scheme, 108_001, None, ""),
        "scheme share left to settle is USD 1,080.00",
    );
    refused(
        d.pay(&bill, Method::Cash, 47_001, None, ""),
        "patient share left to pay is USD 470.00",
    );
    d.pay(&bill, Method::Cash, 40_000, None, "").unwrap();
    refused(
        d.pay(&bill, Method::Card, 7_001, None, ""),
        "patient share left to pay is USD 70.00",
    );
    d.pay(&bill, Method::Card, 7_000, None, "").unwrap();
    d.pay(&bill, Method::Scheme, 108_000, None, "").unwrap();
    let detail = billing::bill_detail(&d.c.db, &cashier, &bill).unwrap();
    assert_eq!(detail.totals.balance, 0);
    assert_eq!((detail.left().patient, detail.left().scheme), (0, 0));
    let doctor = d.doctor.clone();
    assert!(matches!(
        tariff::set_patient_scheme(
            &mut d.c.db,
            &doctor,
            &PatientSchemeInput {
                patient: &patient,
                scheme_code: "WAIVE",
                member_number: "",
                valid_from: march(1),
                valid_to: None,
            },
            at(2, 9),
        ),
        Err(Error::NotPermitted(_))
    ));
}

#[test]
fn a_reversal_undoes_its_charge_once() {
    let mut d = Desk::new();
    let original = d.charge("SUTURE", 2, at(2, 9));
    let doctor = d.doctor.clone();
    let cashier = d.cashier.clone();
    assert!(matches!(
        bills::reverse(
            &mut d.c.db,
            &cashier,
            &original.id,
            "wrong patient",
            at(2, 10)
        ),
        Err(Error::NotPermitted(_))
    ));
    refused(
        bills::reverse(&mut d.c.db, &doctor, &original.id, " ", at(2, 10)),
        "reason",
    );
    let r = bills::reverse(
        &mut d.c.db,
        &doctor,
        &original.id,
        "posted twice",
        at(2, 10),
    )
    .unwrap();
    assert_eq!(
        (r.quantity, r.amount, r.reverses.as_ref()),
        (-2, -200_000, Some(&original.id))
    );
    refused(
        bills::reverse(&mut d.c.db, &doctor, &original.id, "again", at(2, 10)),
        "reversed already",
    );
    refused(
        bills::reverse(&mut d.c.db, &doctor, &r.id, "undo", at(2, 10)),
        "itself a reversal",
    );
    let bill = d.bill().id;
    assert_eq!(
        billing::bill_detail(&d.c.db, &cashier, &bill)
            .unwrap()
            .totals
            .balance,
        0
    );
    assert_eq!(
        billing::outstanding(&d.c.db, &cashier, &d.patient).unwrap(),
        0
    );
    // A second reversal of the same line is refused by the file.
    let e = d
        .raw()
        .execute(
            "INSERT INTO charges (id, bill_id, source_kind, tariff_item_id, description, quantity,
                                  unit_price, amount, patient_share, scheme_share, co_payment,
                                  reverses, reason, posted_at, posted_by)
             SELECT 'y', bill_id, source_kind, tariff_item_id, description, -quantity, unit_price,
                    -amount, -patient_share, -scheme_share, -co_payment, id, 'again', posted_at,
                    posted_by
             FROM charges WHERE id = ?1",
            [original.id.as_str()],
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("UNIQUE"), "{e}");
}

#[test]
fn an_interim_bill_closes_and_the_stay_goes_on_on_a_new_one() {
    let mut d = Desk::new();
    let dressing = d.charge("DRESS", 1, at(2, 9));
    d.charge("DRESS", 1, at(2, 9));
    let first = d.bill();
    let cashier = d.cashier.clone();
    let closed = bills::close(&mut d.c.db, &cashier, &first.id, at(9, 9)).unwrap();
    assert!(closed.closed_at.is_some());
    refused(
        bills::close(&mut d.c.db, &cashier, &first.id, at(9, 9)),
        "closed already",
    );
    d.charge("DRESS", 1, at(10, 9));
    let second = d.bill();
    assert_ne!(second.id, first.id);
    assert_eq!(second.number, first.number + 1);
    let all = billing::bills_of_patient(&d.c.db, &cashier, &d.patient).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(
        billing::outstanding(&d.c.db, &cashier, &d.patient).unwrap(),
        50_000
    );
    // A line of the closed bill is still reversed there, as a credit on it.
    let doctor = d.doctor.clone();
    let credit = bills::reverse(&mut d.c.db, &doctor, &dressing.id, "not done", at(10, 9)).unwrap();
    assert_eq!(credit.bill_id, first.id);
    assert_eq!(
        billing::outstanding(&d.c.db, &cashier, &d.patient).unwrap(),
        35_000
    );
    // A closed bill takes no charge, whoever writes it.
    let e = d
        .raw()
        .execute(
            "INSERT INTO charges (id, bill_id, source_kind, tariff_item_id, description, quantity,
                                  unit_price, amount, patient_share, scheme_share, co_payment,
                                  posted_at, posted_by)
             SELECT 'z', ?1, 'manual', tariff_item_id, 'late', 1, 1, 1, 1, 0, 0, posted_at, posted_by
             FROM charges LIMIT 1",
            [first.id.as_str()],
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("this bill is closed"), "{e}");
}

#[test]
fn the_cash_up_expects_the_files_takings_and_closes_the_day() {
    let mut d = Desk::new();
    d.charge("SUTURE", 1, at(2, 9));
    let bill = d.bill().id;
    d.pay(&bill, Method::Cash, 30_000, Some(50_000), "")
        .unwrap();
    d.pay(&bill, Method::MobileMoney, 20_000, None, "MP123")
        .unwrap();
    let cashier = d.cashier.clone();
    let takings = desk::my_takings(&d.c.db, &cashier, at(2, 17)).unwrap();
    assert_eq!(
        (takings.cash, takings.mobile_money, takings.card),
        (30_000, 20_000, 0)
    );
    refused(
        desk::close_cash_up(&mut d.c.db, &cashier, 29_500, "", at(2, 17)),
        "type a note",
    );
    let up = desk::close_cash_up(&mut d.c.db, &cashier, 29_500, "a torn note", at(2, 17)).unwrap();
    assert_eq!(
        (up.expected.cash, up.counted_cash, up.difference),
        (30_000, 29_500, -500)
    );
    assert_eq!(up.expected.mobile_money, 20_000);
    refused(
        d.pay(&bill, Method::Cash, 1_000, None, ""),
        "closed by its cash-up",
    );
    refused(
        desk::close_cash_up(&mut d.c.db, &cashier, 29_500, "again", at(2, 18)),
        "closed by its cash-up",
    );
    // The next day is open.
    let next = desk::take_payment(
        &mut d.c.db,
        &cashier,
        &PaymentInput {
            bill: &bill,
            method: Method::Cash,
            amount: 1_000,
            tendered: None,
            reference: "",
        },
        at(3, 9),
    )
    .unwrap();
    assert_eq!(next.receipt, 3);
    let raw = d.raw();
    // With the program bypassed: no payment into the closed day...
    let e = raw
        .execute(
            "INSERT INTO payments (id, receipt, bill_id, method, amount, cashier_id, taken_at, day)
             VALUES ('p', 4, ?1, 'card', 100, ?2, '2026-03-02T14:00:00Z', '2026-03-02')",
            [bill.as_str(), cashier.user.id.as_str()],
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("closed by its cash-up"), "{e}");
    // ...and a cash-up whose expected amounts are not the day's payments.
    let e = raw
        .execute(
            "INSERT INTO cash_ups (id, cashier_id, day, expected_cash, expected_mobile_money,
                                   expected_card, expected_scheme, counted_cash, difference,
                                   closed_at, closed_by)
             VALUES ('c', ?1, '2026-03-03', 0, 0, 0, 0, 0, 0, '2026-03-03T14:00:00Z', ?1)",
            [cashier.user.id.as_str()],
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("expects exactly the day's payments"), "{e}");
    for sql in ["UPDATE cash_ups SET note = 'x'", "DELETE FROM cash_ups"] {
        let e = raw.execute(sql, []).unwrap_err().to_string();
        assert!(e.contains("never"), "{sql}: {e}");
    }
}

#[test]
fn charges_and_payments_are_append_only_and_receipts_gapless_in_the_file() {
    let mut d = Desk::new();
    d.charge("DRESS", 1, at(2, 9));
    let bill = d.bill().id;
    d.pay(&bill, Method::Cash, 5_000, None, "").unwrap();
    let raw = d.raw();
    for sql in [
        "UPDATE charges SET amount = 0, patient_share = 0, quantity = 0",
        "UPDATE charges SET description = 'edited'",
        "DELETE FROM charges",
        "UPDATE payments SET amount = 1",
        "DELETE FROM payments",
    ] {
        let e = raw.execute(sql, []).unwrap_err().to_string();
        assert!(e.contains("never"), "{sql}: {e}");
    }
    let cashier = d.cashier.user.id.clone();
    let insert = |receipt: i64, id: &str| {
        raw.execute(
            "INSERT INTO payments (id, receipt, bill_id, method, amount, cashier_id, taken_at, day)
             VALUES (?1, ?2, ?3, 'card', 100, ?4, '2026-03-02T08:00:00Z', '2026-03-02')",
            rusqlite::params![id, receipt, bill.as_str(), cashier.as_str()],
        )
    };
    let skipped = insert(3, "a").unwrap_err().to_string();
    assert!(skipped.contains("without gaps"), "{skipped}");
    let again = insert(1, "b").unwrap_err().to_string();
    assert!(
        again.contains("without gaps") || again.contains("UNIQUE"),
        "{again}"
    );
    insert(2, "c").unwrap();
    let e = raw
        .execute(
            "INSERT INTO payments (id, receipt, bill_id, method, amount, cashier_id, taken_at, day)
             VALUES ('m', 3, ?1, 'mobile_money', 100, ?2, '2026-03-02T08:00:00Z', '2026-03-02')",
            [bill.as_str(), cashier.as_str()],
        )
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("CHECK"),
        "a mobile money payment without its reference: {e}"
    );
    // The balance the file gives is always the lines less the payments.
    let (balance, lines, paid): (i64, i64, i64) = raw
        .query_row(
            "SELECT balance, (SELECT sum(amount) FROM charges WHERE bill_id = ?1),
                    (SELECT sum(amount) FROM payments WHERE bill_id = ?1)
             FROM bill_totals WHERE bill_id = ?1",
            [bill.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((balance, lines, paid), (15_000 - 5_100, 15_000, 5_100));
}

#[test]
fn an_older_file_is_migrated_and_takes_a_cashier_at_once() {
    let Clinic { dir, path, db, .. } = Clinic::new(ZONE, nairobi(1, 7, 0), nairobi(2, 8, 0));
    drop(db);
    common::raw(&path)
        .execute_batch(common::UNDO_SINCE_BILLING)
        .unwrap();
    common::raw(&path)
        .execute_batch(
            "PRAGMA writable_schema = ON;
             UPDATE sqlite_schema SET sql = replace(sql, ', ''cashier''))', '))')
             WHERE type = 'table' AND name = 'users';
             PRAGMA writable_schema = OFF;
             PRAGMA user_version = 16;",
        )
        .unwrap();
    let old_text: String = common::raw(&path)
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE name = 'users'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!old_text.contains("cashier"));
    let mut c = Clinic::on(&path, nairobi(2, 8, 0));
    assert_eq!(
        common::user_version(&path),
        wardline::store::migrations::current_version()
    );
    // The same connection that migrated the file takes the new role.
    c.staff(&[CASHIER]);
    let integrity: String = common::raw(&path)
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    drop(dir);
}

#[test]
fn a_lab_order_posts_its_priced_tests_and_cancelling_or_rejecting_it_reverses_them() {
    let mut d = Desk::new();
    d.c.staff(&[fixture::LAB_TECH]);
    let admin = d.c.admin.clone();
    for (code, price) in [("K", 45_000), ("FBC", 80_000)] {
        let version = wardline::store::lab::by_code(d.c.db.conn(), code)
            .unwrap()
            .expect("a shipped test")
            .version;
        wardline::ops::lab_catalogue::change_price(
            &mut d.c.db,
            &admin,
            code,
            price,
            version,
            "the new tariff",
            nairobi(2, 8, 30),
        )
        .unwrap();
    }
    let doctor = d.doctor.clone();
    let lab = d.c.signed_in("lab", nairobi(2, 9, 0));
    let patient = d.patient.clone();
    // Two specimens: two orders, each posting its own test.
    let orders = d.c.lab_order(
        &doctor,
        &patient,
        None,
        &["K", "FBC"],
        wardline::domain::prescribing::Priority::Routine,
        nairobi(2, 9, 0),
    );
    assert_eq!(orders.len(), 2);
    let bill = d.bill().id;
    let detail = billing::bill_detail(&d.c.db, &d.cashier, &bill).unwrap();
    let mut lines: Vec<(i64, String)> = detail
        .charges
        .iter()
        .map(|c| (c.amount, c.description.clone()))
        .collect();
    lines.sort();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(detail.totals.charged, 125_000);
    for c in &detail.charges {
        assert!(
            matches!(&c.source, billing::Source::LabOrder(o) if orders.iter().any(|x| &x.id == o))
        );
    }
    // A cancelled order and a rejected specimen each reverse their line.
    let (first, second) = (&orders[0], &orders[1]);
    let version = d.c.order_version(first);
    wardline::ops::lab::cancel(
        &mut d.c.db,
        &doctor,
        &first.id,
        version,
        "ordered on the wrong patient",
        at(2, 10),
    )
    .unwrap();
    let version = d.c.order_version(second);
    wardline::ops::lab::reject(
        &mut d.c.db,
        &lab,
        &second.id,
        version,
        wardline::domain::lab::order::RejectReason::Haemolysed,
        None,
        at(2, 10),
    )
    .unwrap();
    let detail = billing::bill_detail(&d.c.db, &d.cashier, &bill).unwrap();
    assert_eq!(detail.charges.len(), 4);
    assert_eq!(detail.totals.charged, 0);
    assert_eq!(
        detail
            .charges
            .iter()
            .filter(|c| c.reverses.is_some())
            .count(),
        2
    );
    let posted: i64 = d
        .raw()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action IN ('POST_CHARGE', 'REVERSE_CHARGE')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(posted, 4);
}

#[test]
fn an_order_of_two_priced_tests_on_one_specimen_posts_both_and_cancelling_reverses_both() {
    let mut d = Desk::new();
    let admin = d.c.admin.clone();
    for (code, price) in [("K", 45_000), ("CREA", 60_000)] {
        let version = wardline::store::lab::by_code(d.c.db.conn(), code)
            .unwrap()
            .expect("a shipped test")
            .version;
        wardline::ops::lab_catalogue::change_price(
            &mut d.c.db,
            &admin,
            code,
            price,
            version,
            "the new tariff",
            nairobi(2, 8, 30),
        )
        .unwrap();
    }
    let doctor = d.doctor.clone();
    let patient = d.patient.clone();
    // Both are serum tests: one order, one specimen, two priced lines.
    let orders = d.c.lab_order(
        &doctor,
        &patient,
        None,
        &["K", "CREA"],
        wardline::domain::prescribing::Priority::Routine,
        nairobi(2, 9, 0),
    );
    assert_eq!(orders.len(), 1);
    let bill = d.bill().id;
    let detail = billing::bill_detail(&d.c.db, &d.cashier, &bill).unwrap();
    assert_eq!(detail.charges.len(), 2, "{:?}", detail.charges);
    assert_eq!(detail.totals.charged, 105_000);
    // The file still refuses the same test of the same order twice.
    let first = detail.charges[0].id.clone();
    let again = d.raw().execute(
        "INSERT INTO charges (id, bill_id, source_kind, source_id, lab_test_id, description,
                              quantity, unit_price, amount, patient_share, scheme_share,
                              co_payment, posted_at, posted_by)
         SELECT 'again', bill_id, source_kind, source_id, lab_test_id, description, quantity,
                unit_price, amount, patient_share, scheme_share, co_payment, posted_at, posted_by
         FROM charges WHERE id = ?1",
        [first.as_str()],
    );
    assert!(
        again.is_err_and(|e| e.to_string().contains("already charged")),
        "the same test of one order was charged twice"
    );
    let version = d.c.order_version(&orders[0]);
    wardline::ops::lab::cancel(
        &mut d.c.db,
        &doctor,
        &orders[0].id,
        version,
        "ordered twice",
        at(2, 10),
    )
    .unwrap();
    let detail = billing::bill_detail(&d.c.db, &d.cashier, &bill).unwrap();
    assert_eq!(detail.charges.len(), 4);
    assert_eq!(detail.totals.charged, 0);
}

#[test]
fn a_dispense_to_an_admitted_patient_is_charged_at_each_batchs_price() {
    let mut d = Desk::new();
    let admin = d.c.admin.clone();
    let item = d.c.item("Amoxil", "amoxicillin", "500 mg", "capsule");
    let expiry = NaiveDate::from_ymd_opt(2027, 1, 31).unwrap();
    // Two batches: the earlier expiry goes first (the fixture's price is 20).
    fixture::receive(
        &mut d.c.db,
        &admin,
        &fixture::receipt(&item, "EARLY", expiry, 4),
        nairobi(2, 8, 30),
    );
    let mut later = fixture::receipt(&item, "LATE", expiry + Duration::days(90), 50);
    later.price = 35;
    fixture::receive(&mut d.c.db, &admin, &later, nairobi(2, 8, 30));
    let patient = d.patient.as_str().to_string();
    wardline::ops::pharmacy::dispense(
        &mut d.c.db,
        &admin,
        &item,
        10,
        Some(&patient),
        None,
        nairobi(2, 9, 0),
    )
    .unwrap();
    let detail = billing::bill_detail(&d.c.db, &d.cashier, &d.bill().id).unwrap();
    let mut lines: Vec<(i64, i64, i64)> = detail
        .charges
        .iter()
        .map(|c| (c.quantity, c.unit_price, c.amount))
        .collect();
    lines.sort();
    assert_eq!(lines, vec![(4, 20, 80), (6, 35, 210)]);
    assert!(
        detail
            .charges
            .iter()
            .all(|c| matches!(c.source, billing::Source::Dispense(_))
                && matches!(c.charged, billing::Charged::Batch(_)))
    );
    // Stock issued to no one is charged to no one.
    wardline::ops::pharmacy::dispense(&mut d.c.db, &admin, &item, 1, None, None, nairobi(2, 9, 5))
        .unwrap();
    let count: i64 = d
        .raw()
        .query_row("SELECT count(*) FROM charges", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 2);
}

/// One step of the property test.
#[derive(Debug, Clone)]
enum Step {
    Charge { suture: bool, quantity: i64 },
    Reverse(usize),
    Pay { method: usize, percent: i64 },
    Refund { percent: i64 },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (any::<bool>(), 1i64..4).prop_map(|(suture, quantity)| Step::Charge { suture, quantity }),
        (0usize..8).prop_map(Step::Reverse),
        (0usize..3, 1i64..=120).prop_map(|(method, percent)| Step::Pay { method, percent }),
        (1i64..=120).prop_map(|percent| Step::Refund { percent }),
    ]
}

/// What the file's view says of a bill, and its lines and payments summed
/// from the rows themselves.
fn balance_and_rows(conn: &Connection, bill: &Id) -> (i64, i64, i64, i64) {
    conn.query_row(
        "SELECT t.balance, t.charged, t.paid,
                coalesce((SELECT sum(amount) FROM charges WHERE bill_id = ?1), 0)
                  - coalesce((SELECT sum(amount) FROM payments WHERE bill_id = ?1), 0)
         FROM bill_totals t WHERE t.bill_id = ?1",
        [bill.as_str()],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )
    .unwrap()
}

#[test]
fn any_mix_of_charges_reversals_payments_and_refunds_keeps_balance_equal_lines_less_payments() {
    let d = RefCell::new(Desk::new());
    let mut runner = TestRunner::new(Config {
        cases: 24,
        ..Config::default()
    });
    runner
        .run(&proptest::collection::vec(step(), 1..14), |steps| {
            let mut d = d.borrow_mut();
            // Each case starts on a fresh bill of the stay.
            let cashier = d.cashier.clone();
            let admin = d.c.admin.clone();
            let doctor = d.doctor.clone();
            let admission = d.admission.clone();
            if let Ok(b) = bills::open_or_find(
                &mut d.c.db,
                &cashier,
                BillOf::Admission(&admission),
                at(2, 9),
            ) {
                bills::close(&mut d.c.db, &cashier, &b.id, at(2, 9)).unwrap();
            }
            let mut charges: Vec<Id> = Vec::new();
            let mut bill: Option<Id> = None;
            for s in &steps {
                let outcome = match s {
                    Step::Charge { suture, quantity } => {
                        let code = if *suture { "SUTURE" } else { "DRESS" };
                        let c = d.charge(code, *quantity, at(2, 9));
                        bill = Some(c.bill_id.clone());
                        charges.push(c.id);
                        Ok(())
                    }
                    Step::Reverse(i) if !charges.is_empty() => {
                        let id = charges[i % charges.len()].clone();
                        bills::reverse(&mut d.c.db, &doctor, &id, "property", at(2, 9)).map(drop)
                    }
                    Step::Pay { method, percent } if bill.is_some() => {
                        let b = bill.clone().unwrap();
                        let balance = billing::bill_detail(&d.c.db, &cashier, &b)
                            .unwrap()
                            .totals
                            .balance;
                        let amount = (balance * percent / 100).max(1);
                        let (m, reference) = [
                            (Method::Cash, ""),
                            (Method::MobileMoney, "REF1"),
                            (Method::Card, ""),
                        ][*method];
                        d.pay(&b, m, amount, None, reference).map(drop)
                    }
                    Step::Refund { percent } if bill.is_some() => {
                        let b = bill.clone().unwrap();
                        let paid = billing::bill_detail(&d.c.db, &admin, &b)
                            .unwrap()
                            .totals
                            .paid;
                        desk::refund(
                            &mut d.c.db,
                            &admin,
                            &RefundInput {
                                bill: &b,
                                method: Method::Cash,
                                amount: (paid * percent / 100).max(1),
                                reason: "property",
                                reference: "",
                            },
                            at(2, 9),
                        )
                        .map(drop)
                    }
                    _ => Ok(()),
                };
                match outcome {
                    Ok(()) | Err(Error::Refused(_)) => {}
                    Err(e) => return Err(TestCaseError::fail(format!("{s:?}: {e}"))),
                }
                if let Some(b) = &bill {
                    let (balance, charged, paid, rows) = balance_and_rows(d.c.db.conn(), b);
                    prop_assert_eq!(balance, charged - paid);
                    prop_assert_eq!(balance, rows);
                    let detail = billing::bill_detail(&d.c.db, &cashier, b).unwrap();
                    let lines: i64 = detail.charges.iter().map(|c| c.amount).sum();
                    let payments: i64 = detail.payments.iter().map(|p| p.amount).sum();
                    prop_assert_eq!(detail.totals.balance, lines - payments);
                    prop_assert_eq!(
                        detail.totals.patient_share + detail.totals.scheme_share,
                        lines
                    );
                    prop_assert!(payments >= 0, "refunds never exceed what was paid");
                }
            }
            // Receipts stay gapless over every case.
            let (count, max): (i64, i64) =
                d.c.db
                    .conn()
                    .query_row(
                        "SELECT count(*), coalesce(max(receipt), 0) FROM payments",
                        [],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .unwrap();
            prop_assert_eq!(count, max);
            Ok(())
        })
        .unwrap();
}
