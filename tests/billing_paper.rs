//! Billing's reports and receipts on a hospital file in Nairobi (UTC+3)
//! with fixed clocks: the day's takings by method and cashier (two
//! cashiers, cash, mobile money and card, a refund, a payment just after
//! midnight left to the next day), revenue by service group net of a
//! reversal with its day edges in the hospital's zone, a scheme's claims
//! with its shares, the CSV forms, who may read them; and the receipt
//! printed by the real binary as text (within 32 and 48 columns) and as a
//! PDF, each an EXPORT in the audit trail.

mod common;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use common::cli::{assert_fits, assert_private_pdf, assert_says, pdf_words, said};
use common::clinic::{self as fixture, Clinic, PASSWORD};
use std::path::Path;
use wardline::auth::Session;
use wardline::domain::beds::WardKind;
use wardline::domain::billing::{Method, ServiceGroup};
use wardline::domain::clock::{Clock, Tz};
use wardline::domain::ids::Id;
use wardline::domain::role::Role;
use wardline::error::Error;
use wardline::ops::billing::desk::{self, PaymentInput, RefundInput};
use wardline::ops::billing::outstanding;
use wardline::ops::billing::reports::{self, GroupRevenue, Month, Takings, TakingsLine};
use wardline::ops::billing::tariff::{self, PatientSchemeInput};
use wardline::ops::billing::{self, bills};
use wardline::ops::lab::reports::Period;
use wardline::store::billing::BillOf;

const ZONE: Tz = chrono_tz::Africa::Nairobi;

/// A local time in Nairobi (UTC+3) on a day of March 2026.
fn nairobi(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, 0, m, 0).unwrap() + Duration::hours(i64::from(h) - 3)
}

fn march(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, day).unwrap()
}

fn at(day: u32, h: u32, m: u32) -> Clock {
    Clock::new(nairobi(day, h, m), ZONE)
}

const TILL: fixture::Staff = ("till", "Cass Till", Role::Cashier);
const TILL2: fixture::Staff = ("till2", "Bo Banda", Role::Cashier);

/// The day's work on 2 March: Amina (NHIF 80%, co-payment 50.00) has a
/// dressing (150.00: she pays 70.00) and a consultation (500.00: she pays
/// 100.00); Baraka (self-pay) has a consultation, two dressings reversed,
/// and consultations at 23:30 and, after midnight, 00:10. Cass takes
/// 170.00 cash from Amina (200.00 tendered) and 500.00 by mobile money
/// from Baraka; Bo takes 100.00 by card from Baraka; the administrator
/// refunds Baraka 50.00 cash; Cass takes 10.00 cash at 00:30 on the 3rd.
struct Day {
    c: Clinic,
    till: Session,
    doctor: Session,
    desk: Session,
    amina: Id,
}

/// `by` takes `amount` of `method` (with what was tendered and the
/// reference) on `bill`.
fn pay(
    c: &mut Clinic,
    by: &Session,
    bill: &Id,
    taken: (Method, i64, Option<i64>, &str),
    clock: Clock,
) {
    let (method, amount, tendered, reference) = taken;
    let input = PaymentInput {
        bill,
        method,
        amount,
        tendered,
        reference,
    };
    desk::take_payment(&mut c.db, by, &input, clock)
        .unwrap_or_else(|e| panic!("payment of {amount}: {e}"));
}

fn open_bill(c: &Clinic, by: &Session, patient: &Id) -> Id {
    billing::bills_of_patient(&c.db, by, patient)
        .unwrap()
        .into_iter()
        .find(|(b, _)| b.closed_at.is_none())
        .map(|(b, _)| b.id)
        .expect("an open bill")
}

fn day(path: &Path) -> Day {
    let early = nairobi(1, 7, 0);
    let mut c = Clinic::create(path, "Riverside Hospital", ZONE, early, early);
    c.staff(&[fixture::DOCTOR, fixture::RECEPTIONIST, TILL, TILL2]);
    let admin = c.admin.clone();
    wardline::ops::settings::set(&mut c.db, &admin, "currency", "KES").unwrap();
    let setup = at(1, 7, 0);
    for (code, name, group, price) in [
        ("DRESS", "Wound dressing", ServiceGroup::Procedure, 15_000),
        (
            "CONSULT",
            "Consultation",
            ServiceGroup::Consultation,
            50_000,
        ),
    ] {
        tariff::add_item(&mut c.db, &admin, code, name, group, setup).unwrap();
        tariff::set_price(&mut c.db, &admin, code, price, march(1), setup).unwrap();
    }
    tariff::add_scheme(&mut c.db, &admin, &fixture::NHIF).unwrap();
    let ward = c.ward("Ward A", WardKind::General);
    let beds = [c.bed(&ward, "A1"), c.bed(&ward, "A2")];
    let doctor = c.signed_in("doctor", nairobi(2, 8, 0));
    let till = c.signed_in("till", nairobi(2, 8, 0));
    let till2 = c.signed_in("till2", nairobi(2, 8, 0));
    let desk = c.signed_in("desk", nairobi(2, 8, 0));
    let mut admissions = Vec::new();
    let mut patients = Vec::new();
    for (i, (given, family)) in [("Amina", "Otieno"), ("Baraka", "Mwangi")]
        .into_iter()
        .enumerate()
    {
        let p = fixture::register(
            &mut c.db,
            &admin,
            &fixture::person(given, family, "1980-05-01", "female"),
            nairobi(2, 8, 10),
        );
        admissions.push(fixture::admit(
            &mut c.db,
            &admin,
            &p.id,
            &beds[i],
            &doctor.user.id,
            "cellulitis",
            nairobi(2, 8, 20),
        ));
        patients.push(p.id);
    }
    tariff::set_patient_scheme(
        &mut c.db,
        &till,
        &PatientSchemeInput {
            patient: &patients[0],
            scheme_code: "NHIF",
            member_number: "NH-44817",
            valid_from: march(1),
            valid_to: None,
        },
        at(2, 8, 30),
    )
    .unwrap();
    let post = |c: &mut Clinic, who: usize, code: &str, quantity: i64, clock: Clock| {
        bills::post_manual(
            &mut c.db,
            &doctor,
            BillOf::Admission(&admissions[who]),
            code,
            quantity,
            clock,
        )
        .unwrap_or_else(|e| panic!("post {code}: {e}"))
    };
    post(&mut c, 0, "DRESS", 1, at(2, 9, 0));
    post(&mut c, 0, "CONSULT", 1, at(2, 9, 5));
    post(&mut c, 1, "CONSULT", 1, at(2, 9, 10));
    let twice = post(&mut c, 1, "DRESS", 2, at(2, 9, 15));
    bills::reverse(&mut c.db, &doctor, &twice.id, "dressed once", at(2, 9, 20)).unwrap();
    post(&mut c, 1, "CONSULT", 1, at(2, 23, 30));
    post(&mut c, 1, "CONSULT", 1, at(3, 0, 10));
    let (a, b) = (
        open_bill(&c, &till, &patients[0]),
        open_bill(&c, &till, &patients[1]),
    );
    for (by, bill, taken, clock) in [
        (
            &till,
            &a,
            (Method::Cash, 17_000, Some(20_000), ""),
            at(2, 10, 0),
        ),
        (
            &till,
            &b,
            (Method::MobileMoney, 50_000, None, "QK7H2X9"),
            at(2, 10, 30),
        ),
        (&till2, &b, (Method::Card, 10_000, None, ""), at(2, 11, 0)),
    ] {
        pay(&mut c, by, bill, taken, clock);
    }
    desk::refund(
        &mut c.db,
        &admin,
        &RefundInput {
            bill: &b,
            method: Method::Cash,
            amount: 5_000,
            reason: "charged twice for the consultation",
            reference: "",
        },
        at(2, 12, 0),
    )
    .unwrap();
    pay(
        &mut c,
        &till,
        &b,
        (Method::Cash, 1_000, None, ""),
        at(3, 0, 30),
    );
    Day {
        c,
        till,
        doctor,
        desk,
        amina: patients[0].clone(),
    }
}

/// A report written by `write` as CSV.
fn csv<T>(
    report: &T,
    write: impl FnOnce(&T, &mut Vec<u8>) -> wardline::error::Result<()>,
) -> String {
    let mut out = Vec::new();
    write(report, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// A report's lines as (name, takings).
fn named(lines: &[TakingsLine]) -> Vec<(&str, Takings)> {
    lines.iter().map(|l| (l.name.as_str(), l.takings)).collect()
}

fn takings(payments: i64, refunds: i64) -> Takings {
    Takings { payments, refunds }
}

#[test]
fn the_days_takings_sum_by_method_and_cashier_in_the_hospitals_day() {
    let dir = tempfile::tempdir().unwrap();
    let d = day(&dir.path().join("hospitals/TST.db"));
    let t = reports::takings(&d.c.db, &d.till, march(2)).unwrap();
    assert_eq!(
        named(&t.by_method),
        [
            ("Cash", takings(17_000, 5_000)),
            ("Mobile money", takings(50_000, 0)),
            ("Card", takings(10_000, 0)),
            ("Scheme", takings(0, 0)),
        ]
    );
    assert_eq!(
        named(&t.by_cashier),
        [
            ("Ada Admin", takings(0, 5_000)),
            ("Bo Banda", takings(10_000, 0)),
            ("Cass Till", takings(67_000, 0)),
        ]
    );
    assert_eq!(t.total, takings(77_000, 5_000));
    assert_eq!(t.total.net(), 72_000);
    // 00:30 on the 3rd in Nairobi is still the 2nd in UTC: the next day's.
    let next = reports::takings(&d.c.db, &d.till, march(3)).unwrap();
    assert_eq!(next.total, takings(1_000, 0));
    assert_eq!(next.by_cashier.len(), 1);

    let text = reports::takings_text(&t);
    assert!(text.contains("Takings of 2026-03-02"), "{text}");
    assert!(text.contains("KES 720.00"), "{text}");
    let csv = csv(&t, |x, out| reports::write_takings_csv(x, out));
    let lines: Vec<_> = csv.lines().collect();
    assert_eq!(lines[0], "date,by,name,payments,refunds,net");
    assert_eq!(lines[1], "2026-03-02,method,Cash,170.00,50.00,120.00");
    assert!(
        lines.contains(&"2026-03-02,cashier,Ada Admin,0.00,50.00,-50.00"),
        "{csv}"
    );
    assert_eq!(lines.last(), Some(&"2026-03-02,total,,770.00,50.00,720.00"));
    assert_eq!(lines.len(), 1 + 4 + 3 + 1);
}

#[test]
fn revenue_is_net_of_reversals_by_service_group_within_the_hospitals_days() {
    let dir = tempfile::tempdir().unwrap();
    let d = day(&dir.path().join("hospitals/TST.db"));
    let revenue_of = |day: u32| {
        let period = Period::new(march(day), march(day)).unwrap();
        reports::revenue(&d.c.db, &d.till, period, at(5, 9, 0)).unwrap()
    };
    let r = revenue_of(2);
    let group = |g: ServiceGroup| r.lines.iter().find(|(x, _)| *x == g).unwrap().1;
    // 23:30 on the 2nd counts; 00:10 on the 3rd does not.
    assert_eq!(
        group(ServiceGroup::Consultation),
        GroupRevenue {
            charged: 150_000,
            reversed: 0,
            patient_share: 110_000,
            scheme_share: 40_000,
        }
    );
    assert_eq!(
        group(ServiceGroup::Procedure),
        GroupRevenue {
            charged: 45_000,
            reversed: 30_000,
            patient_share: 7_000,
            scheme_share: 8_000,
        }
    );
    assert_eq!(group(ServiceGroup::Lab), GroupRevenue::default());
    assert_eq!(
        r.total,
        GroupRevenue {
            charged: 195_000,
            reversed: 30_000,
            patient_share: 117_000,
            scheme_share: 48_000,
        }
    );
    assert_eq!(r.total.net(), 165_000);
    assert_eq!(revenue_of(3).total.charged, 50_000);

    let csv = csv(&r, |x, out| reports::write_revenue_csv(x, out));
    let lines: Vec<_> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "from,to,service_group,charged,reversed,net,patient_share,scheme_share"
    );
    assert!(
        lines.contains(&"2026-03-02,2026-03-02,procedure,450.00,300.00,150.00,70.00,80.00"),
        "{csv}"
    );
    assert_eq!(
        lines.last(),
        Some(&"2026-03-02,2026-03-02,TOTAL,1950.00,300.00,1650.00,1170.00,480.00")
    );
    assert!(reports::revenue_text(&r).contains("KES 1,650.00"));
}

#[test]
fn a_schemes_claims_list_each_bill_with_its_lines_and_share() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = day(&dir.path().join("hospitals/TST.db"));
    let month = Month::parse("2026-03").unwrap();
    let claims = reports::claims(&mut d.c.db, &d.till, "nhif", month, at(5, 9, 0)).unwrap();
    assert_eq!(claims.claims.len(), 1);
    let claim = &claims.claims[0];
    let mrn = wardline::store::patients::get(d.c.db.conn(), &d.amina)
        .unwrap()
        .unwrap()
        .mrn;
    assert_eq!(
        (
            claim.patient.as_str(),
            claim.mrn.as_str(),
            claim.member_number.as_str()
        ),
        ("Amina Otieno", mrn.as_str(), "NH-44817")
    );
    assert_eq!(
        claim.lines,
        [
            ("Wound dressing".to_string(), 15_000, 8_000),
            ("Consultation".to_string(), 50_000, 40_000),
        ]
    );
    assert_eq!((claim.scheme_share, claims.total), (48_000, 48_000));
    // The claims name patients: reading them is audited.
    let read: String = common::raw(&d.c.path)
        .query_row(
            "SELECT summary FROM audit_log WHERE action = 'READ' ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(read, "claims on NHIF for 2026-03 read: 1 bill");
    let text = reports::claims_text(&claims);
    assert!(text.contains("member NH-44817"), "{text}");
    assert!(
        text.contains("Total claimed: KES 480.00 on 1 bill(s)"),
        "{text}"
    );
    let csv = csv(&claims, |x, out| reports::write_claims_csv(x, out));
    let lines: Vec<_> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "scheme,month,bill,patient,mrn,member_number,line,amount,scheme_share"
    );
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(
        lines[2].ends_with(",NH-44817,Consultation,500.00,400.00"),
        "{csv}"
    );
    assert_eq!(lines[3], "NHIF,2026-03,TOTAL,,,,,,480.00");
    // No lines in February; an unknown scheme is named.
    let feb = Month::parse("2026-02").unwrap();
    let none = reports::claims(&mut d.c.db, &d.till, "NHIF", feb, at(5, 9, 0)).unwrap();
    assert_eq!((none.claims.len(), none.total), (0, 0));
    assert!(matches!(
        reports::claims(&mut d.c.db, &d.till, "AAR", month, at(5, 9, 0)),
        Err(Error::NotFound(m)) if m.contains("AAR")
    ));
}

#[test]
fn only_cashiers_and_administrators_read_billings_reports() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = day(&dir.path().join("hospitals/TST.db"));
    let period = Period::new(march(2), march(2)).unwrap();
    let month = Month::parse("2026-03").unwrap();
    for who in [&d.doctor, &d.desk] {
        assert!(matches!(
            reports::takings(&d.c.db, who, march(2)),
            Err(Error::NotPermitted(_))
        ));
        assert!(matches!(
            reports::revenue(&d.c.db, who, period, at(5, 9, 0)),
            Err(Error::NotPermitted(_))
        ));
        assert!(matches!(
            reports::claims(&mut d.c.db, who, "NHIF", month, at(5, 9, 0)),
            Err(Error::NotPermitted(_))
        ));
    }
    assert!(reports::takings(&d.c.db, &d.c.admin, march(2)).is_ok());
}

#[test]
fn outstanding_balances_list_who_owes_the_largest_first_as_an_audited_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = day(&dir.path().join("hospitals/TST.db"));
    let till = d.till.clone();
    let o = outstanding::outstanding(&mut d.c.db, &till, at(5, 9, 0)).unwrap();
    // Baraka: 1,500.00 charged (the reversed dressings cancel), 560.00 paid
    // net of the refund; Amina: 650.00 charged, 170.00 paid (NHIF's share
    // is still to be settled).
    let lines: Vec<(&str, &str, i64, i64, i64)> = o
        .lines
        .iter()
        .map(|l| (l.name.as_str(), l.mrn.as_str(), l.bills, l.days, l.balance))
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(
        (lines[0].0, lines[0].2, lines[0].3, lines[0].4),
        ("Baraka Mwangi", 1, 3, 94_000)
    );
    assert_eq!(
        (lines[1].0, lines[1].2, lines[1].3, lines[1].4),
        ("Amina Otieno", 1, 3, 48_000)
    );
    assert_eq!(o.total, 142_000);
    let text = outstanding::outstanding_text(&o);
    assert!(text.contains("2 patients owing KES 1,420.00"), "{text}");
    assert!(
        text.contains("KES 940.00") && text.contains("2026-03-02"),
        "{text}"
    );
    let csv = csv(&o, |o, w| outstanding::write_outstanding_csv(o, w));
    assert!(
        csv.starts_with("as_of,mrn,patient,bills,oldest,days,balance"),
        "{csv}"
    );
    assert!(
        csv.contains(",Baraka Mwangi,1,2026-03-02,3,940.00"),
        "{csv}"
    );
    let raw = common::raw(&d.c.path);
    let read: String = raw
        .query_row(
            "SELECT summary FROM audit_log WHERE action = 'READ' AND entity = 'bill' ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        read,
        "outstanding balances read: 2 patients owing KES 1,420.00"
    );
    // NHIF settles its share, and Amina leaves the list.
    let bill = open_bill(&d.c, &till, &d.amina);
    pay(
        &mut d.c,
        &till,
        &bill,
        (Method::Scheme, 48_000, None, ""),
        at(5, 9, 5),
    );
    let o = outstanding::outstanding(&mut d.c.db, &till, at(5, 9, 10)).unwrap();
    assert_eq!(o.lines.len(), 1);
    assert_eq!(o.total, 94_000);
    let doctor = d.doctor.clone();
    assert!(matches!(
        outstanding::outstanding(&mut d.c.db, &doctor, at(5, 9, 0)),
        Err(Error::NotPermitted(_))
    ));
}

fn run(data: &Path, args: &[&str]) -> (bool, String) {
    said(data, args, &format!("{PASSWORD}\n"))
}

#[test]
fn a_receipt_prints_from_the_binary_as_text_and_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let path = data.join("hospitals/TST.db");
    drop(day(&path));

    for (width, columns) in [("80", 48), ("58", 32)] {
        let (ok, out) = run(
            data,
            &["receipt", "000001", "--width", width, "--as", "till"],
        );
        assert!(ok, "{out}");
        assert_fits(&out, columns);
        assert_says(
            &out,
            &[
                "Riverside Hospital",
                "Receipt 000001",
                "Patient: Amina Otieno",
                "Cashier: Cass Till",
                "Scheme: NHIF 80% · member NH-44817",
                "Wound dressing 70.00",
                "KES 170.00",
                "Tendered KES 200.00",
                "Change KES 30.00",
                "Balance due KES 0.00",
                // 07:00 UTC is 10:00 in Nairobi.
                "2026-03-02 10:00",
            ],
        );
    }
    let (ok, out) = run(data, &["receipt", "4", "--width", "58", "--as", "admin"]);
    assert!(ok, "{out}");
    assert_says(
        &out,
        &[
            "Refund receipt 000004",
            "Cash KES -50.00",
            "Reason: charged twice for the consultation",
            "Cashier: Ada Admin",
        ],
    );

    let pdf = data.join("receipt.pdf");
    let pdf_arg = pdf.to_str().unwrap();
    let (ok, out) = run(data, &["receipt", "2", "--pdf", pdf_arg, "--as", "till"]);
    assert!(ok, "{out}");
    assert_private_pdf(&pdf);
    if let Some(flat) = pdf_words(&pdf) {
        for words in ["Receipt 000002", "Reference: QK7H2X9", "Baraka Mwangi"] {
            assert!(
                flat.contains(words),
                "{words:?} missing from the PDF:\n{flat}"
            );
        }
    }
    let (ok, out) = run(data, &["receipt", "2", "--pdf", pdf_arg, "--as", "till"]);
    assert!(!ok && out.contains("exists"), "{out}");

    let (ok, out) = run(data, &["receipt", "1", "--as", "doctor"]);
    assert!(!ok, "a doctor printed a receipt:\n{out}");
    let (ok, out) = run(data, &["receipt", "99", "--as", "till"]);
    assert!(!ok && out.contains("000099"), "{out}");
    let (ok, out) = run(data, &["receipt", "12a", "--as", "till"]);
    assert!(!ok && out.contains("not a receipt number"), "{out}");

    let raw = common::raw(&path);
    let mut stmt = raw
        .prepare("SELECT summary FROM audit_log WHERE action = 'EXPORT' AND entity = 'payment'")
        .unwrap();
    let exports: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(exports.len(), 4, "{exports:?}");
    assert!(
        exports[3].starts_with("wrote receipt 000002 of bill B-000002 to ")
            && exports[3].ends_with("receipt.pdf"),
        "{exports:?}"
    );
}

#[test]
fn the_reports_print_from_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    drop(day(&data.join("hospitals/TST.db")));
    let (ok, out) = run(
        data,
        &[
            "report",
            "takings",
            "--date",
            "2026-03-02",
            "--format",
            "csv",
            "--as",
            "till",
        ],
    );
    assert!(ok, "{out}");
    assert!(
        out.starts_with("date,by,name,payments,refunds,net\n"),
        "{out}"
    );
    assert!(
        out.contains("2026-03-02,total,,770.00,50.00,720.00"),
        "{out}"
    );
    let (ok, out) = run(
        data,
        &[
            "report",
            "revenue",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--as",
            "till",
        ],
    );
    assert!(ok, "{out}");
    assert!(out.contains("KES 2,150.00"), "{out}");
    let (ok, out) = run(
        data,
        &[
            "report", "claims", "--scheme", "NHIF", "--month", "2026-03", "--as", "admin",
        ],
    );
    assert!(ok, "{out}");
    assert!(out.contains("Total claimed: KES 480.00"), "{out}");
    let (ok, out) = run(
        data,
        &[
            "report", "claims", "--scheme", "NHIF", "--month", "March", "--as", "admin",
        ],
    );
    assert!(!ok && out.contains("YYYY-MM"), "{out}");
    let (ok, out) = run(data, &["report", "outstanding", "--as", "till"]);
    assert!(ok, "{out}");
    assert!(out.contains("2 patients owing KES 1,420.00"), "{out}");
    let (ok, out) = run(
        data,
        &["report", "outstanding", "--format", "csv", "--as", "till"],
    );
    assert!(ok && out.contains(",Amina Otieno,1,2026-03-02,"), "{out}");
    let (ok, out) = run(data, &["report", "outstanding", "--as", "doctor"]);
    assert!(!ok, "a doctor read who owes:\n{out}");
    // A doctor reads none of them.
    let day = [
        "--from",
        "2026-03-02",
        "--to",
        "2026-03-02",
        "--as",
        "doctor",
    ];
    let (ok, out) = run(data, &[&["report", "revenue"][..], &day].concat());
    assert!(!ok, "a doctor read the revenue:\n{out}");
}
