//! The billing tab driven by keys, as the cash desk works it: today's bills
//! to pay, a bill's lines with the patient's and the scheme's shares, cash
//! taken with its change and the receipt written as printer text and PDF,
//! mobile money refused without its reference, the day closed by the
//! cash-up (a difference needs a note) and no payment after it; a patient's
//! bills through the picker and their payer scheme set; a nurse's manual
//! charge and its reversal; an administrator's refund; and the keys each
//! role is shown.

mod common;
mod tui_harness;

use chrono::{DateTime, Duration, Utc};
use common::clinic::{self as fixture, Clinic};
use ratatui::crossterm::event::KeyCode;
use tui_harness::{Harness, t0};
use wardline::auth::Session;
use wardline::domain::beds::WardKind;
use wardline::domain::billing::ServiceGroup;
use wardline::domain::ids::Id;
use wardline::domain::role::Role;
use wardline::ops::billing::{bills, tariff};
use wardline::store::billing::BillOf;

const CASHIER: fixture::Staff = ("till", "Cass Till", Role::Cashier);

fn ago(minutes: i64) -> DateTime<Utc> {
    t0() - Duration::minutes(minutes)
}

fn clock(t: DateTime<Utc>) -> wardline::domain::clock::Clock {
    wardline::domain::clock::Clock::new(t, chrono_tz::UTC)
}

/// The morning at the desk, put in through another terminal: the tariff
/// (a dressing at 300.00, an injection at 120.50), the NHIF scheme, and
/// two admitted patients with charges posted today: Amina owes 300.00,
/// Tomás 241.00.
struct Morning {
    clinic: Clinic,
    amina: Id,
    amina_stay: Id,
}

fn morning(h: &Harness) -> Morning {
    let early = t0() - Duration::days(30);
    let mut c = Clinic::on(h.app.db().path(), early);
    c.staff(&[fixture::DOCTOR, CASHIER]);
    let admin = c.admin.clone();
    wardline::ops::settings::set(&mut c.db, &admin, "currency", "KES").unwrap();
    for (code, name, price) in [
        ("DRESS", "Wound dressing", 30_000),
        ("INJ", "Injection", 12_050),
    ] {
        tariff::add_item(
            &mut c.db,
            &admin,
            code,
            name,
            ServiceGroup::Procedure,
            clock(early),
        )
        .unwrap();
        tariff::set_price(
            &mut c.db,
            &admin,
            code,
            price,
            early.date_naive(),
            clock(early),
        )
        .unwrap();
    }
    tariff::add_scheme(&mut c.db, &admin, &fixture::NHIF).unwrap();
    let doctor = c.signed_in("doctor", ago(120));
    let ward = c.ward("Medical", WardKind::General);
    let mut stays = Vec::new();
    for (i, (given, family)) in [("Amina", "Otieno"), ("Tomás", "Ortega")]
        .iter()
        .enumerate()
    {
        let bed = c.bed(&ward, &format!("M{}", i + 1));
        let p = fixture::register(
            &mut c.db,
            &admin,
            &fixture::person(given, family, "1980-05-01", "F"),
            early,
        )
        .id;
        let stay = fixture::admit(
            &mut c.db,
            &admin,
            &p,
            &bed,
            &doctor.user.id,
            "cellulitis",
            ago(100),
        );
        stays.push((p, stay));
    }
    charge(&mut c, &doctor, &stays[0].1, "DRESS", 1, ago(60));
    charge(&mut c, &doctor, &stays[1].1, "INJ", 2, ago(50));
    Morning {
        amina: stays[0].0.clone(),
        amina_stay: stays[0].1.clone(),
        clinic: c,
    }
}

fn charge(c: &mut Clinic, by: &Session, stay: &Id, code: &str, n: i64, at: DateTime<Utc>) {
    bills::post_manual(&mut c.db, by, BillOf::Admission(stay), code, n, clock(at)).unwrap();
}

/// The rows of a table in the raw file.
fn count(h: &Harness, sql: &str) -> i64 {
    common::raw(h.app.db().path())
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

fn harness() -> (Harness, Morning) {
    let h = Harness::sized(100, 30, false);
    let m = morning(&h);
    (h, m)
}

#[test]
fn a_cashier_takes_cash_with_change_and_the_receipt_is_written() {
    let (mut h, _m) = harness();
    h.sign_in_to("till", KeyCode::F(10));
    let s = h.screen();
    assert!(s.contains("Today's bills to pay (2 bills)"), "{s}");
    assert!(
        s.contains("Amina Otieno") && s.contains("Tomás Ortega"),
        "{s}"
    );
    assert!(s.contains("300.00") && s.contains("241.00"), "{s}");
    assert!(s.contains("Taken today (KES): cash 0.00"), "{s}");
    // The latest opened first: Tomás, then Amina.
    h.press(KeyCode::Down);
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Bill B-000001 · admission · open"), "{s}");
    assert!(s.contains("Wound dressing"), "{s}");
    assert!(s.contains("Payer today: self-pay"), "{s}");
    assert!(s.contains("To pay KES 300.00"), "{s}");
    assert!(
        h.actions().iter().any(|a| a.starts_with("READ")),
        "{:?}",
        h.actions()
    );

    h.typed("p");
    let s = h.screen();
    assert!(
        s.contains("Take a payment") && s.contains("To pay KES 300.00"),
        "{s}"
    );
    h.press(KeyCode::Tab);
    h.press(KeyCode::Tab);
    h.typed("500");
    assert!(h.screen().contains("Change to give: KES 200.00"));
    h.ctrl('s');
    let s = h.screen();
    assert!(
        s.contains("Take KES 300.00 by cash on bill B-000001 of Amina Otieno"),
        "{s}"
    );
    assert!(s.contains("change KES 200.00"), "{s}");
    h.typed("y");
    let s = h.screen();
    assert!(
        s.contains("Receipt 000001: KES 300.00 by cash, change KES 200.00"),
        "{s}"
    );
    assert!(s.contains("receipts/receipt-000001.txt + .pdf"), "{s}");
    assert!(s.contains("To pay KES 0.00"), "{s}");
    assert!(s.contains("000001") && s.contains("Cash"), "{s}");
    let text = std::fs::read_to_string(h.dir.path().join("receipts/receipt-000001.txt")).unwrap();
    assert!(
        text.contains("Receipt 000001") && text.contains("Amina Otieno"),
        "{text}"
    );
    let pdf = std::fs::read(h.dir.path().join("receipts/receipt-000001.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    assert_eq!(count(&h, "SELECT count(*) FROM payments"), 1);
    assert_eq!(
        count(
            &h,
            "SELECT tendered - amount FROM payments WHERE receipt = 1"
        ),
        20_000
    );
    let actions = h.actions();
    assert!(
        actions.iter().any(|a| a.starts_with("TAKE_PAYMENT")),
        "{actions:?}"
    );
    assert!(
        actions.iter().any(|a| a.starts_with("EXPORT")),
        "{actions:?}"
    );

    // Back on the desk, only Tomás is left to pay; Tab lists both.
    h.press(KeyCode::Esc);
    let s = h.screen();
    assert!(s.contains("Today's bills to pay (1 bill)"), "{s}");
    assert!(!s.contains("Amina Otieno"), "{s}");
    assert!(s.contains("Taken today (KES): cash 300.00"), "{s}");
    h.press(KeyCode::Tab);
    let s = h.screen();
    assert!(s.contains("All of today's bills (2 bills)"), "{s}");
    assert!(s.contains("Amina Otieno"), "{s}");
}

#[test]
fn mobile_money_needs_its_reference_and_the_cash_up_closes_the_day() {
    let (mut h, _m) = harness();
    h.sign_in_to("till", KeyCode::F(10));
    h.press(KeyCode::Enter);
    assert!(h.screen().contains("Tomás Ortega"));
    h.typed("p");
    h.press(KeyCode::Right);
    let s = h.screen();
    assert!(s.contains("Mobile money"), "{s}");
    h.ctrl('s');
    let s = h.screen();
    assert!(s.contains("transaction reference"), "{s}");
    assert_eq!(count(&h, "SELECT count(*) FROM payments"), 0);
    h.typed("QK7H2M9XLP");
    h.ctrl('s');
    assert!(h.screen().contains("by mobile money on bill B-000002"));
    h.typed("y");
    let s = h.screen();
    assert!(
        s.contains("Receipt 000001: KES 241.00 by mobile money"),
        "{s}"
    );
    assert!(s.contains("Mobile money QK7H2M9XLP"), "{s}");

    // Amina pays 100.00 cash of her 300.00.
    h.press(KeyCode::Esc);
    h.press(KeyCode::Enter);
    h.typed("p");
    h.press(KeyCode::Tab);
    h.typed("100");
    h.ctrl('s');
    h.typed("y");
    let s = h.screen();
    assert!(s.contains("To pay KES 200.00"), "{s}");
    h.press(KeyCode::Esc);

    h.typed("u");
    let s = h.screen();
    assert!(s.contains("Close the day: cash-up"), "{s}");
    assert!(
        s.contains("Expected (KES): cash 100.00 · mobile money 241.00"),
        "{s}"
    );
    h.typed("95");
    h.ctrl('s');
    let s = h.screen();
    assert!(s.contains("the count differs by KES -5.00: say why"), "{s}");
    assert_eq!(count(&h, "SELECT count(*) FROM cash_ups"), 0);
    h.typed("a coin short");
    h.ctrl('s');
    let s = h.screen();
    assert!(s.contains("cash expected KES 100.00, counted"), "{s}");
    h.typed("y");
    let s = h.screen();
    assert!(
        s.contains("is closed: cash counted KES 95.00, difference KES -5.00"),
        "{s}"
    );
    assert!(s.contains("Your day is closed"), "{s}");
    assert_eq!(
        count(
            &h,
            "SELECT difference FROM cash_ups WHERE note = 'a coin short'"
        ),
        -500
    );

    // No more payments today.
    h.press(KeyCode::Enter);
    h.typed("p");
    let s = h.screen();
    assert!(s.contains("Your day is closed by its cash-up"), "{s}");
    assert_eq!(count(&h, "SELECT count(*) FROM payments"), 2);
}

#[test]
fn a_patients_bills_through_the_picker_and_their_scheme_set() {
    let (mut h, m) = harness();
    h.sign_in_to("till", KeyCode::F(10));
    h.typed("/");
    h.typed("otieno");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Amina Otieno"), "{s}");
    assert!(s.contains("owes KES 300.00"), "{s}");
    assert!(s.contains("Payer today: self-pay"), "{s}");
    assert!(s.contains("Bills, newest first (1 bill)"), "{s}");

    h.typed("s");
    let s = h.screen();
    assert!(
        s.contains("Payer scheme") && s.contains("National Hospital Insurance"),
        "{s}"
    );
    h.ctrl('s');
    assert!(
        h.screen().contains("member number"),
        "an insurance needs it"
    );
    h.typed("NH-778812");
    h.ctrl('s');
    let s = h.screen();
    assert!(
        s.contains("Cover Amina Otieno TST-000001-X by National Hospital"),
        "{s}"
    );
    assert!(s.contains("member NH-778812 from 2026-03-09?"), "{s}");
    h.typed("y");
    let s = h.screen();
    assert!(
        s.contains("Payer scheme set: National Hospital Insurance."),
        "{s}"
    );
    assert!(
        s.contains("Payer today: National Hospital Insurance 80% · member NH-778812"),
        "{s}"
    );
    assert_eq!(
        count(
            &h,
            "SELECT count(*) FROM patient_schemes WHERE member_number = 'NH-778812'"
        ),
        1
    );
    assert!(
        h.actions()
            .iter()
            .any(|a| a.starts_with("SET_PATIENT_SCHEME")),
        "{:?}",
        h.actions()
    );
    // The bill opens from the patient's list, and Esc comes back to it.
    h.press(KeyCode::Enter);
    assert!(h.screen().contains("Bill B-000001"));
    h.press(KeyCode::Esc);
    assert!(h.screen().contains("Bills, newest first"));
    let _ = (m.amina, m.amina_stay);
}

#[test]
fn a_nurse_charges_and_reverses_a_line_but_takes_no_payment() {
    let (mut h, _m) = harness();
    h.sign_in_to("nurse", KeyCode::F(10));
    let s = h.screen();
    assert!(!s.contains("Taken today"), "{s}");
    h.press(KeyCode::Down);
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("charge") && s.contains("reverse line"), "{s}");
    assert!(!s.contains("take payment"), "{s}");
    h.typed("p");
    assert_eq!(count(&h, "SELECT count(*) FROM payments"), 0);

    h.typed("c");
    let s = h.screen();
    assert!(s.contains("Charge from the tariff"), "{s}");
    assert!(s.contains("Wound dressing · DRESS · KES 300.00"), "{s}");
    h.press(KeyCode::Right);
    assert!(h.screen().contains("Injection · INJ · KES 120.50"));
    h.ctrl('s');
    let s = h.screen();
    assert!(
        s.contains("Charge 1 × Injection at KES 120.50 (KES 120.50) to bill"),
        "{s}"
    );
    h.typed("y");
    let s = h.screen();
    assert!(s.contains("Charged 1 × Injection: KES 120.50."), "{s}");
    assert!(s.contains("To pay KES 420.50"), "{s}");

    // The dressing was not done after all.
    h.press(KeyCode::Home);
    h.typed("x");
    let s = h.screen();
    assert!(
        s.contains("Why is Wound dressing (KES 300.00) reversed?"),
        "{s}"
    );
    h.press(KeyCode::Enter);
    assert!(h.screen().contains("Type why the line is reversed"));
    h.typed("charged to the wrong patient");
    h.press(KeyCode::Enter);
    assert!(h.screen().contains("Reverse Wound dressing (KES 300.00)"));
    h.typed("y");
    let s = h.screen();
    assert!(s.contains("Reversed: Wound dressing (KES -300.00)."), "{s}");
    assert!(
        s.contains("reversal of Wound dressing: charged to the wrong patient"),
        "{s}"
    );
    assert!(s.contains("To pay KES 120.50"), "{s}");
    h.press(KeyCode::Home);
    h.typed("x");
    assert!(h.screen().contains("Wound dressing is reversed already."));
    assert_eq!(
        count(
            &h,
            "SELECT count(*) FROM charges WHERE reverses IS NOT NULL"
        ),
        1
    );
}

#[test]
fn an_administrator_refunds_with_a_reason() {
    let (mut h, mut m) = harness();
    let cashier = m.clinic.signed_in("till", ago(10));
    let bill = wardline::ops::billing::bills_of_patient(&m.clinic.db, &cashier, &m.amina).unwrap()
        [0]
    .0
    .id
    .clone();
    wardline::ops::billing::desk::take_payment(
        &mut m.clinic.db,
        &cashier,
        &wardline::ops::billing::desk::PaymentInput {
            bill: &bill,
            method: wardline::domain::billing::Method::Cash,
            amount: 30_000,
            tendered: None,
            reference: "",
        },
        clock(ago(5)),
    )
    .unwrap();
    h.sign_in_to("admin", KeyCode::F(10));
    h.press(KeyCode::Tab);
    h.press(KeyCode::Down);
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Amina Otieno") && s.contains("refund"), "{s}");
    h.typed("R");
    let s = h.screen();
    assert!(s.contains("Paid on the bill: KES 300.00"), "{s}");
    h.ctrl('s');
    assert!(h.screen().contains("say why the money is given back"));
    h.typed("dressing not done");
    h.ctrl('s');
    let s = h.screen();
    assert!(
        s.contains("Give back KES 300.00 by cash on bill B-000001"),
        "{s}"
    );
    h.typed("y");
    let s = h.screen();
    assert!(
        s.contains("Refund receipt 000002: KES 300.00 given back."),
        "{s}"
    );
    assert!(s.contains("Cash refund: dressing not done"), "{s}");
    assert_eq!(
        count(&h, "SELECT amount FROM payments WHERE receipt = 2"),
        -30_000
    );
}

#[test]
fn the_billing_tab_is_for_the_roles_that_see_bills_and_a_cashiers_first() {
    let (mut h, _m) = harness();
    h.sign_in("pharm", tui_harness::PASSWORD);
    h.press(KeyCode::F(10));
    assert_ne!(h.tab(), Some(wardline::tui::keymap::Tab::Billing));
    let (mut h, _m) = harness();
    h.sign_in("till", tui_harness::PASSWORD);
    // A cashier starts at the cash desk.
    assert_eq!(h.tab(), Some(wardline::tui::keymap::Tab::Billing));
    let s = h.screen();
    assert!(s.contains("Billing") && s.contains("Patients"), "{s}");
    assert!(!s.contains("Beds") && !s.contains("Pharmacy"), "{s}");
}

#[test]
fn a_nurse_charges_an_admitted_patient_who_has_no_bill_yet() {
    let (mut h, mut m) = harness();
    let admin = m.clinic.admin.clone();
    let doctor = m.clinic.signed_in("doctor", ago(30));
    let ward = m.clinic.ward("Surgical", WardKind::General);
    let bed = m.clinic.bed(&ward, "S1");
    let baraka = fixture::register(
        &mut m.clinic.db,
        &admin,
        &fixture::person("Baraka", "Mwangi", "1975-02-11", "M"),
        ago(40),
    )
    .id;
    fixture::admit(
        &mut m.clinic.db,
        &admin,
        &baraka,
        &bed,
        &doctor.user.id,
        "fracture",
        ago(20),
    );
    fixture::register(
        &mut m.clinic.db,
        &admin,
        &fixture::person("Zawadi", "Njeri", "1990-07-07", "F"),
        ago(40),
    );
    h.sign_in_to("nurse", KeyCode::F(10));
    h.typed("/");
    h.typed("njeri");
    h.press(KeyCode::Enter);
    h.typed("c");
    let s = h.screen();
    assert!(
        s.contains("Zawadi Njeri") && s.contains("is not admitted and has no visit today"),
        "{s}"
    );

    h.typed("/");
    h.typed("mwangi");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Bills, newest first (0 bills)"), "{s}");
    h.typed("c");
    h.ctrl('s');
    let s = h.screen();
    assert!(
        s.contains("Charge 1 × Wound dressing at KES 300.00 (KES 300.00) to the"),
        "{s}"
    );
    h.typed("y");
    let s = h.screen();
    assert!(s.contains("Charged 1 × Wound dressing: KES 300.00."), "{s}");
    assert!(
        s.contains("Bills, newest first (1 bill)") && s.contains("owes KES 300.00"),
        "{s}"
    );
    assert_eq!(count(&h, "SELECT count(*) FROM bills"), 3);
}

#[test]
fn the_receipt_is_written_for_the_hospitals_paper() {
    let (mut h, mut m) = harness();
    let admin = m.clinic.admin.clone();
    wardline::ops::settings::set(&mut m.clinic.db, &admin, "receipt_paper_mm", "58").unwrap();
    assert!(
        wardline::ops::settings::set(&mut m.clinic.db, &admin, "receipt_paper_mm", "72").is_err()
    );
    h.sign_in_to("till", KeyCode::F(10));
    h.press(KeyCode::Enter);
    h.typed("p");
    h.ctrl('s');
    h.typed("y");
    assert!(h.screen().contains("Receipt 000001"));
    let text = std::fs::read_to_string(h.dir.path().join("receipts/receipt-000001.txt")).unwrap();
    assert!(text.contains("Tomás Ortega"), "{text}");
    for line in text.lines() {
        assert!(
            line.chars().count() <= 32,
            "{line:?} is wider than 58 mm paper"
        );
    }
}

/// An insured patient's bill: the foot and the payment form ask the
/// patient only for their share; cash above it is refused on the form,
/// and the scheme's share is taken as the scheme's settlement.
#[test]
fn an_insured_patient_is_asked_only_for_their_share() {
    let (mut h, mut m) = harness();
    let admin = m.clinic.admin.clone();
    let tomas_stay = {
        let raw = common::raw(h.app.db().path());
        raw.query_row(
            "SELECT a.id FROM admissions a JOIN patients p ON p.id = a.patient_id
             WHERE p.given_name = 'Tomás'",
            [],
            |r| r.get::<_, String>(0),
        )
        .unwrap()
    };
    let tomas: String = common::raw(h.app.db().path())
        .query_row(
            "SELECT patient_id FROM admissions WHERE id = ?1",
            [&tomas_stay],
            |r| r.get(0),
        )
        .unwrap();
    tariff::set_patient_scheme(
        &mut m.clinic.db,
        &admin,
        &tariff::PatientSchemeInput {
            patient: &Id::from_stored(tomas),
            scheme_code: "NHIF",
            member_number: "NH-20931",
            valid_from: (t0() - Duration::days(1)).date_naive(),
            valid_to: None,
        },
        clock(ago(45)),
    )
    .unwrap();
    let doctor = m.clinic.signed_in("doctor", ago(40));
    // 300.00 under NHIF: the 50.00 co-payment, then 20% of 250.00 is the
    // patient's (100.00); the scheme's is 200.00. With the injections
    // (241.00, before the cover) the patient owes 341.00.
    charge(
        &mut m.clinic,
        &doctor,
        &Id::from_stored(tomas_stay),
        "DRESS",
        1,
        ago(30),
    );
    h.sign_in_to("till", KeyCode::F(10));
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Tomás Ortega"), "{s}");
    assert!(
        s.contains("Patient to pay KES 341.00 · scheme to settle KES 200.00"),
        "{s}"
    );
    h.typed("p");
    let s = h.screen();
    assert!(s.contains("Method ◂ Cash ▸"), "{s}");
    assert!(s.contains("Amount 341.00"), "{s}");
    // The whole bill in cash is more than the patient's share.
    h.press(KeyCode::Tab);
    for _ in 0..6 {
        h.press(KeyCode::Backspace);
    }
    h.typed("541.00");
    h.ctrl('s');
    let s = h.screen();
    assert!(s.contains("the patient has KES 341.00 left to pay"), "{s}");
    assert_eq!(count(&h, "SELECT count(*) FROM payments"), 0);
    for _ in 0..6 {
        h.press(KeyCode::Backspace);
    }
    h.typed("341.00");
    h.ctrl('s');
    h.typed("y");
    let s = h.screen();
    assert!(
        s.contains("Patient to pay KES 0.00 · scheme to settle KES 200.00"),
        "{s}"
    );
    // The next payment offers the scheme's settlement.
    h.typed("p");
    let s = h.screen();
    assert!(s.contains("Method ◂ Scheme ▸"), "{s}");
    assert!(s.contains("Amount 200.00"), "{s}");
    h.ctrl('s');
    h.typed("y");
    let s = h.screen();
    assert!(s.contains("To pay KES 0.00"), "{s}");
    assert_eq!(
        count(
            &h,
            "SELECT sum(amount) FROM payments WHERE method = 'scheme'"
        ),
        20_000
    );
}
