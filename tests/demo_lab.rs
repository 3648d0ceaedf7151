//! The demo's laboratory morning, on the demo hospital as `wardline demo`
//! builds it at fixed instants (never the machine's time): orders in every
//! state of the lab's day, one stat, a haemolysed specimen the ordering
//! doctor sees, results verified by the second technician, a critical
//! potassium acknowledged and a critical value not yet acknowledged on an
//! admitted patient, and a diabetic patient's HbA1c over eighteen months.

use chrono::{DateTime, Utc};
use wardline::auth;
use wardline::domain::ids::Id;
use wardline::ops;
use wardline::paths::DataDir;
use wardline::store::Db;

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

#[test]
fn the_demo_has_a_lab_morning_early_on_a_monday() {
    // 06:10 in Nairobi.
    the_demo_has_a_lab_morning(at("2026-03-09T03:10:00Z"));
}

#[test]
fn the_demo_has_a_lab_morning_late_on_a_sunday() {
    // 22:30 in Nairobi.
    the_demo_has_a_lab_morning(at("2026-03-15T19:30:00Z"));
}

fn the_demo_has_a_lab_morning(now: DateTime<Utc>) {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::resolve(Some(dir.path().to_path_buf())).unwrap();
    let path = wardline::demo::ensure_at(&data, false, now, chrono_tz::Africa::Nairobi)
        .expect("the demo builds");
    let mut db = Db::open(&path).unwrap();
    let conn = db.conn();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    let user = |name: &str| -> String {
        conn.query_row("SELECT id FROM users WHERE user_name = ?1", [name], |r| {
            r.get(0)
        })
        .unwrap()
    };
    let (doctor, lab2) = (user("doctor"), user("labtech2"));

    // Every state of the lab's morning, stat first among the waiting.
    for status in [
        "ordered",
        "collected",
        "in_progress",
        "resulted",
        "verified",
        "rejected",
    ] {
        let n = count(&format!(
            "SELECT count(*) FROM lab_orders WHERE status = '{status}'"
        ));
        assert!(n >= 1, "no order {status}");
    }
    assert!(
        count("SELECT count(*) FROM lab_orders WHERE status = 'ordered' AND priority = 'stat'")
            >= 1
    );
    // Nothing happened after the demo's clock.
    let now_text = wardline::domain::time::format_ts(now);
    let later: i64 = conn
        .query_row(
            "SELECT count(*) FROM lab_orders WHERE ordered_at > ?1 OR collected_at > ?1
             OR verified_at > ?1 OR ended_at > ?1",
            [&now_text],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(later, 0);

    // The haemolysed specimen, rejected by the lab, ordered by the doctor.
    let rejected_by: String = conn
        .query_row(
            "SELECT ordered_by FROM lab_orders WHERE status = 'rejected' AND reject_reason = 'haemolysed'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rejected_by, doctor);

    // Verified by the second technician, never by the one who entered.
    assert_eq!(
        count("SELECT count(*) FROM lab_results WHERE verified_by = entered_by"),
        0
    );
    let by_second: i64 = conn
        .query_row(
            "SELECT count(*) FROM lab_results WHERE verified_by = ?1",
            [&lab2],
            |r| r.get(0),
        )
        .unwrap();
    assert!(by_second >= 10);

    // A critical potassium, verified and acknowledged by the doctor.
    let acknowledged_by: String = conn
        .query_row(
            "SELECT r.acknowledged_by FROM lab_results r JOIN lab_analytes a ON a.id = r.analyte_id
             WHERE a.code = 'K' AND r.flag = 'HH' AND r.verified_at IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(acknowledged_by, doctor);
    // A critical value verified, not yet acknowledged, of an admitted
    // patient: the doctor sees it in the order's detail.
    let (order, patient): (String, String) = conn
        .query_row(
            "SELECT r.order_id, r.patient_id FROM lab_results r
             WHERE r.flag IN ('LL', 'HH') AND r.verified_at IS NOT NULL
               AND r.acknowledged_at IS NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let admitted: i64 = conn
        .query_row(
            "SELECT count(*) FROM admissions WHERE patient_id = ?1 AND discharged_at IS NULL",
            [&patient],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(admitted, 1);

    // The diabetic patient: diabetes diagnosed, HbA1c every three months
    // over eighteen, rising then falling, with a glucose each time.
    let (diabetic, n, first, last): (String, i64, String, String) = conn
        .query_row(
            "SELECT r.patient_id, count(*), min(o.collected_at), max(o.collected_at)
             FROM lab_results r JOIN lab_analytes a ON a.id = r.analyte_id
             JOIN lab_orders o ON o.id = r.order_id
             WHERE a.code = 'HBA1C' AND r.verified_at IS NOT NULL
             GROUP BY r.patient_id ORDER BY count(*) DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert!(n >= 6, "{n} HbA1c results");
    let span = at(&last) - at(&first);
    assert!(
        span.num_days() >= 15 * 30,
        "HbA1c over {} days",
        span.num_days()
    );
    let series: Vec<f64> = {
        let mut s = conn
            .prepare(
                "SELECT r.value_number FROM lab_results r JOIN lab_analytes a ON a.id = r.analyte_id
                 JOIN lab_orders o ON o.id = r.order_id
                 WHERE a.code = 'HBA1C' AND r.patient_id = ?1 ORDER BY o.collected_at",
            )
            .unwrap();
        s.query_map([&diabetic], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    let peak = series
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(i, _)| i)
        .unwrap();
    assert!(
        peak > 0 && peak + 1 < series.len(),
        "rising then falling: {series:?}"
    );
    assert!(
        series[..=peak].windows(2).all(|w| w[0] < w[1]),
        "{series:?}"
    );
    assert!(series[peak..].windows(2).all(|w| w[0] > w[1]), "{series:?}");
    let glucose: i64 = conn
        .query_row(
            "SELECT count(*) FROM lab_results r JOIN lab_analytes a ON a.id = r.analyte_id
             WHERE a.code = 'GLU' AND r.patient_id = ?1 AND r.verified_at IS NOT NULL",
            [&diabetic],
            |r| r.get(0),
        )
        .unwrap();
    assert!(glucose >= 6);
    let diagnosed: i64 = conn
        .query_row(
            "SELECT count(*) FROM diagnoses d JOIN visits v ON v.id = d.visit_id
             WHERE v.patient_id = ?1 AND d.code LIKE 'E11%'",
            [&diabetic],
            |r| r.get(0),
        )
        .unwrap();
    assert!(diagnosed >= 1);

    let session = auth::sign_in(&mut db, "doctor", wardline::demo::PASSWORD, now).unwrap();
    let clock = db.clock(now).unwrap();
    let d = ops::lab::detail(&mut db, &session, &Id::from_stored(order), clock).unwrap();
    let critical = d
        .tests
        .iter()
        .flat_map(|t| &t.analytes)
        .filter_map(|a| a.current.as_ref())
        .find(|r| r.is_critical())
        .expect("the doctor sees the critical value");
    assert!(critical.acknowledged_at.is_none());
}
