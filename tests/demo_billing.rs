//! The demo's billing day, on the demo hospital as `wardline demo` builds
//! it at fixed instants (never the machine's time) and in more than one
//! zone: today's bills from the clinic and the wards, payments by cash and
//! mobile money, an insured patient, a waiver, one refund, yesterday's
//! closed cash-up a little short, and a cashier with today still to close.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use chrono_tz::Tz;
use wardline::auth;
use wardline::domain::clock::Clock;
use wardline::domain::time::format_ts;
use wardline::ops::billing::desk;
use wardline::paths::DataDir;
use wardline::store::Db;

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

#[test]
fn the_demo_has_a_billing_day_early_on_a_monday_in_nairobi() {
    // 06:10 in Nairobi.
    the_demo_has_a_billing_day(at("2026-03-09T03:10:00Z"), chrono_tz::Africa::Nairobi);
}

#[test]
fn the_demo_has_a_billing_day_in_the_afternoon_in_nairobi() {
    // 15:20 in Nairobi.
    the_demo_has_a_billing_day(at("2026-03-12T12:20:00Z"), chrono_tz::Africa::Nairobi);
}

#[test]
fn the_demo_has_a_billing_day_late_in_the_evening_in_lima() {
    // 23:40 on the 12th in Lima, already the 13th in UTC: the day is Lima's.
    the_demo_has_a_billing_day(at("2026-03-13T04:40:00Z"), chrono_tz::America::Lima);
}

fn the_demo_has_a_billing_day(now: DateTime<Utc>, zone: Tz) {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::resolve(Some(dir.path().to_path_buf())).unwrap();
    let path = wardline::demo::ensure_at(&data, false, now, zone).expect("the demo builds");
    let mut db = Db::open(&path).unwrap();
    let clock = Clock::new(now, zone);
    let today = clock.today();
    let yesterday = today - Duration::days(1);
    let opened = format_ts(clock.instant(today.and_time(NaiveTime::MIN)));
    let built = format_ts(now);
    let conn = db.conn();
    let count = |sql: &str, params: &[&str]| -> i64 {
        conn.query_row(sql, rusqlite::params_from_iter(params), |r| r.get(0))
            .unwrap()
    };

    // Nothing billed, paid or closed after the moment the demo was built.
    for sql in [
        "SELECT count(*) FROM charges WHERE posted_at > ?1",
        "SELECT count(*) FROM payments WHERE taken_at > ?1",
        "SELECT count(*) FROM bills WHERE opened_at > ?1",
        "SELECT count(*) FROM cash_ups WHERE closed_at > ?1",
    ] {
        assert_eq!(count(sql, &[&built]), 0, "{sql}");
    }

    // Today's bills: the clinic's consultations, the wards' bed-days, the
    // lab's morning and the manual procedures, charged today.
    for kind in ["visit", "admission_day", "lab_order", "manual"] {
        let n = count(
            "SELECT count(*) FROM charges WHERE source_kind = ?1 AND posted_at >= ?2 AND reverses IS NULL",
            &[kind, &opened],
        );
        assert!(n >= 1, "no {kind} charge today");
    }
    // The diabetic patient's older reviews charged nothing: the lab priced
    // its tests only yesterday.
    let lab_before = format_ts(now - Duration::days(2));
    assert_eq!(
        count(
            "SELECT count(*) FROM charges WHERE source_kind = 'lab_order' AND posted_at < ?1",
            &[&lab_before]
        ),
        0
    );
    // The doctor's consultation was repriced: its history shows both.
    assert_eq!(
        count(
            "SELECT count(*) FROM tariff_prices p JOIN tariff_items i ON i.id = p.item_id
             WHERE i.code = 'CONSULT-CONSULTATION'",
            &[]
        ),
        2
    );

    // Today's payments: cash with change, mobile money with its reference.
    let day = today.to_string();
    assert!(
        count(
            "SELECT count(*) FROM payments WHERE day = ?1 AND method = 'cash' AND amount > 0
             AND change_given > 0",
            &[&day]
        ) >= 1
    );
    assert!(
        count(
            "SELECT count(*) FROM payments WHERE day = ?1 AND method = 'mobile_money'
             AND length(reference) = 10",
            &[&day]
        ) >= 1
    );
    // Receipts follow the clock.
    let times: Vec<String> = conn
        .prepare("SELECT taken_at FROM payments ORDER BY receipt")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");

    // An insured patient: lines split with the scheme after the co-payment.
    assert!(
        count(
            "SELECT count(*) FROM charges c JOIN bills b ON b.id = c.bill_id
             JOIN patient_schemes ps ON ps.patient_id = b.patient_id
             JOIN payer_schemes s ON s.id = ps.scheme_id
             WHERE s.kind = 'insurance' AND ps.member_number <> ''
               AND c.scheme_share > 0 AND c.patient_share > 0 AND c.posted_at >= ?1",
            &[&opened]
        ) >= 1
    );
    // A waiver: the patient's share of the line is nothing.
    assert!(
        count(
            "SELECT count(*) FROM charges c JOIN bills b ON b.id = c.bill_id
             JOIN patient_schemes ps ON ps.patient_id = b.patient_id
             JOIN payer_schemes s ON s.id = ps.scheme_id
             WHERE s.kind = 'waiver' AND c.amount > 0 AND c.patient_share = 0
               AND c.scheme_share = c.amount",
            &[]
        ) >= 1
    );

    // One refund, by the admin, with its reason, on a bill whose dressing
    // was reversed.
    let (refunds, refunded_by, reason): (i64, String, String) = conn
        .query_row(
            "SELECT count(*), max(u.user_name), max(p.reason) FROM payments p
             JOIN users u ON u.id = p.cashier_id WHERE p.amount < 0",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((refunds, refunded_by.as_str()), (1, "admin"));
    assert_eq!(reason, wardline::demo::billing::REFUND_REASON);
    assert_eq!(
        count(
            "SELECT count(*) FROM charges WHERE reverses IS NOT NULL AND source_kind = 'manual'",
            &[]
        ),
        1
    );

    // Yesterday's cash-up: closed by the cashier, a little short, with a note.
    let (difference, note, cashier): (i64, String, String) = conn
        .query_row(
            "SELECT c.difference, c.note, u.user_name FROM cash_ups c
             JOIN users u ON u.id = c.cashier_id WHERE c.day = ?1",
            [yesterday.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(difference, -wardline::demo::billing::YESTERDAY_SHORT);
    assert!(!note.trim().is_empty());
    assert_eq!(cashier, "cashier");
    assert!(
        count(
            "SELECT count(*) FROM payments p JOIN users u ON u.id = p.cashier_id
             WHERE p.day = ?1 AND u.user_name = 'cashier'",
            &[&yesterday.to_string()]
        ) >= 2
    );
    // Today is not closed: the cashier has the day's cash-up to do.
    assert_eq!(
        count("SELECT count(*) FROM cash_ups WHERE day = ?1", &[&day]),
        0
    );

    // Bills still owing, for the cashier to take.
    assert!(count("SELECT count(*) FROM bill_totals WHERE balance > 0", &[]) >= 3);

    // The cashier signs in and sees today's takings.
    let cashier = auth::sign_in(&mut db, "cashier", wardline::demo::PASSWORD, now).unwrap();
    let takings = desk::my_takings(&db, &cashier, clock).unwrap();
    assert!(takings.cash > 0, "{takings:?}");
    assert!(takings.mobile_money > 0, "{takings:?}");
    assert!(takings.card + takings.scheme > 0, "{takings:?}");
}

#[test]
fn the_demo_lists_the_cashier_account() {
    assert!(
        wardline::demo::accounts_text()
            .iter()
            .any(|l| l.starts_with("cashier") && l.contains("Samuel Otieno"))
    );
}
