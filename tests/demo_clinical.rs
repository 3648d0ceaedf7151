//! The demo's clinical morning, on the demo hospital as `wardline demo`
//! builds it: consultations seen with signed notes, vitals and the
//! diagnoses a clinic sees, the malnourished child by MUAC, the antenatal
//! visit, allergies and problems, the ward's charts with one adult's NEWS2
//! rising into the high band, and the doctor's worklist with a morning's
//! work on it. The demo is built at fixed instants of a hospital's day
//! (early, mid-morning, late evening), never at the machine's time: the
//! assertions hold at every one of them.

use chrono::{DateTime, Utc};
use std::collections::HashSet;
use wardline::auth;
use wardline::domain::ids::Id;
use wardline::domain::news2::{Band, Trend};
use wardline::domain::prescribing::mar::DoseState;
use wardline::ops;
use wardline::ops::worklist::Reason;
use wardline::paths::DataDir;
use wardline::store::Db;

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

#[test]
fn the_demo_has_a_clinical_morning_for_the_doctor_early_on_a_monday() {
    // 06:10 in Nairobi.
    the_demo_has_a_clinical_morning_for_the_doctor(at("2026-03-09T03:10:00Z"));
}

#[test]
fn the_demo_has_a_clinical_morning_for_the_doctor_mid_morning_on_a_thursday() {
    // 10:45 in Nairobi.
    the_demo_has_a_clinical_morning_for_the_doctor(at("2026-03-12T07:45:00Z"));
}

#[test]
fn the_demo_has_a_clinical_morning_for_the_doctor_late_on_a_sunday() {
    // 22:30 in Nairobi.
    the_demo_has_a_clinical_morning_for_the_doctor(at("2026-03-15T19:30:00Z"));
}

fn the_demo_has_a_clinical_morning_for_the_doctor(now: DateTime<Utc>) {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::resolve(Some(dir.path().to_path_buf())).unwrap();
    let path = wardline::demo::ensure_at(&data, false, now, chrono_tz::Africa::Nairobi)
        .expect("the demo builds");
    let mut db = Db::open(&path).unwrap();
    let conn = db.conn();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };

    // Whatever the hour, nothing has happened after the moment the demo
    // was built: no arrival, call, completion or any other event is in the
    // future (#22).
    let built = wardline::domain::time::format_ts(now);
    for sql in [
        "SELECT count(*) FROM appointments WHERE checked_in_at > ?1 OR called_at > ?1 OR completed_at > ?1",
        "SELECT count(*) FROM vitals WHERE taken_at > ?1",
        "SELECT count(*) FROM visit_notes WHERE signed_at > ?1",
    ] {
        let n: i64 = conn.query_row(sql, [&built], |r| r.get(0)).unwrap();
        assert_eq!(n, 0, "{sql} at {built}");
    }

    // Consultations seen today and yesterday's ward rounds, signed; the
    // patient in the room and one stale round in draft.
    assert!(count("SELECT count(*) FROM visit_notes WHERE signed_at IS NOT NULL") >= 6);
    assert!(count("SELECT count(*) FROM visit_notes WHERE signed_at IS NULL") >= 1);
    assert_eq!(
        count("SELECT count(*) FROM visits WHERE kind = 'antenatal'"),
        1
    );
    assert!(count("SELECT count(*) FROM visits WHERE kind = 'ward_round'") >= 3);
    let codes: HashSet<String> = {
        let mut s = conn.prepare("SELECT code FROM diagnoses").unwrap();
        s.query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    for code in ["E44.0", "Z34.90"] {
        assert!(codes.contains(code), "{code} in {codes:?}");
    }
    assert!(
        codes
            .iter()
            .filter(|c| ["B54", "B50.9", "I10", "E11.9", "J18.9"].contains(&c.as_str()))
            .count()
            >= 2,
        "{codes:?}"
    );
    // The child flagged by MUAC (11.2 cm).
    assert_eq!(count("SELECT count(*) FROM vitals WHERE muac_mm = 112"), 1);
    // Allergies on several patients, "no known allergies" on others, and
    // problem lists with the chronic conditions.
    assert!(count("SELECT count(*) FROM allergies") >= 3);
    assert!(count("SELECT count(DISTINCT patient_id) FROM no_known_allergies") >= 5);
    let problems: HashSet<String> = {
        let mut s = conn.prepare("SELECT code FROM problems").unwrap();
        s.query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    for code in ["I10", "E11.9", "B20", "J45.909"] {
        assert!(problems.contains(code), "{code} in {problems:?}");
    }
    // Several sets a day on the wards, NEWS2 for the adults.
    assert!(count("SELECT count(*) FROM vitals WHERE admission_id IS NOT NULL") >= 40);
    assert!(count("SELECT count(*) FROM vitals WHERE news2_score IS NOT NULL") >= 20);

    // The doctor's worklist this morning.
    let doctor = auth::sign_in(&mut db, "doctor", wardline::demo::PASSWORD, now).unwrap();
    let clock = db.clock(now).unwrap();
    let w = ops::worklist::worklist_with_facts(&mut db, &doctor, &doctor.user.id, clock, false)
        .unwrap();
    assert!(!w.entries.is_empty());
    let in_clinic = w
        .entries
        .iter()
        .filter(|e| matches!(e.reason, Reason::CalledIn(_) | Reason::Waiting(_)))
        .count();
    assert!(in_clinic >= 1, "someone in the doctor's clinic");
    assert!(
        w.entries.iter().any(
            |e| matches!(e.reason, Reason::CalledIn(_) | Reason::Waiting(_))
                && !e.pending().unwrap().vitals
        ),
        "a patient in the clinic with the triage nurse's vitals"
    );
    let admitted: Vec<_> = w
        .entries
        .iter()
        .filter(|e| matches!(e.reason, Reason::Admitted(_)))
        .collect();
    assert!(admitted.len() >= 5);
    assert!(
        admitted.iter().any(|e| e.pending().unwrap().note),
        "rounds pending"
    );
    assert_eq!(w.stale_drafts.len(), 1, "one stale draft from yesterday");
    // One adult's NEWS2 rising into the high band.
    let high: Vec<_> = admitted
        .iter()
        .filter_map(|e| e.news2)
        .filter(|s| s.band == Band::High)
        .collect();
    assert_eq!(high.len(), 1, "one patient in the high band");
    assert_eq!(high[0].score, 8);
    assert_eq!(high[0].trend, Trend::Rising);
    drop(w);
    the_demo_has_the_mornings_medicines(&mut db, now);
}

/// The clinic's prescriptions at the pharmacy (dispensed, waiting, one
/// short of stock), the override with its reason, and the ward's round:
/// doses given, one held with its reason, one overdue.
fn the_demo_has_the_mornings_medicines(db: &mut Db, now: DateTime<Utc>) {
    let count = |db: &Db, sql: &str| -> i64 { db.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
    let outpatient = "FROM prescriptions WHERE admission_id IS NULL";
    assert!(count(db, &format!("SELECT count(*) {outpatient}")) >= 4);
    assert!(
        count(
            db,
            &format!("SELECT count(*) {outpatient} AND dispensed = quantity")
        ) >= 2,
        "dispensed in full"
    );
    assert!(
        count(
            db,
            &format!("SELECT count(*) {outpatient} AND dispensed = 0")
        ) >= 1,
        "waiting at the pharmacy"
    );
    assert_eq!(
        count(
            db,
            &format!("SELECT count(*) {outpatient} AND dispensed > 0 AND dispensed < quantity")
        ),
        1,
        "one partly dispensed for lack of stock"
    );
    // Each dispense is a ledger row linked to its prescription.
    assert_eq!(
        count(db, "SELECT sum(dispensed) FROM prescriptions"),
        count(db, "SELECT sum(quantity) FROM prescription_dispenses")
    );
    let (kind, finding, reason): (String, String, String) = db
        .conn()
        .query_row(
            "SELECT check_kind, finding, reason FROM prescription_overrides",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(kind, "allergy");
    assert!(finding.contains("amoxicillin"), "{finding}");
    assert!(reason.contains("severe malnutrition"), "{reason}");

    // The wards' orders and their doses.
    assert!(
        count(
            db,
            "SELECT count(*) FROM prescriptions WHERE admission_id IS NOT NULL"
        ) >= 3
    );
    assert!(
        count(
            db,
            "SELECT count(*) FROM medication_administrations WHERE outcome = 'given'"
        ) >= 3
    );
    let held: String = db
        .conn()
        .query_row(
            "SELECT reason FROM medication_administrations WHERE outcome = 'held'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(held.contains("BP"), "{held}");
    let nurse = auth::sign_in(db, "nurse", wardline::demo::PASSWORD, now).unwrap();
    let clock = db.clock(now).unwrap();
    let wards: Vec<String> = {
        let mut s = db.conn().prepare("SELECT id FROM wards").unwrap();
        s.query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    let overdue: usize = wards
        .into_iter()
        .map(|w| {
            ops::mar::due_now(db, &nurse, &Id::from_stored(w), clock)
                .unwrap()
                .into_iter()
                .filter(|d| d.state == DoseState::Overdue)
                .count()
        })
        .sum();
    assert!(overdue >= 1, "an overdue dose on the round");
}

#[test]
fn the_demo_nurse_works_on_every_ward_and_her_round_starts_with_the_rising_news2() {
    // 10:45 in Nairobi.
    let now = at("2026-03-12T07:45:00Z");
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::resolve(Some(dir.path().to_path_buf())).unwrap();
    let path = wardline::demo::ensure_at(&data, false, now, chrono_tz::Africa::Nairobi)
        .expect("the demo builds");
    let mut db = Db::open(&path).unwrap();
    let count = |db: &Db, sql: &str| -> i64 { db.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
    let wards = count(&db, "SELECT count(*) FROM wards WHERE retired_at IS NULL");
    let admitted = count(
        &db,
        "SELECT count(*) FROM admissions WHERE discharged_at IS NULL",
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM ward_staff s JOIN users u ON u.id = s.user_id
             WHERE u.user_name = 'nurse' AND s.ended_at IS NULL"
        ),
        wards
    );

    let nurse = auth::sign_in(&mut db, "nurse", wardline::demo::PASSWORD, now).unwrap();
    let clock = db.clock(now).unwrap();
    let w =
        ops::worklist::worklist_with_facts(&mut db, &nurse, &nurse.user.id, clock, false).unwrap();
    let round: Vec<_> = w
        .entries
        .iter()
        .filter(|e| matches!(e.reason, Reason::Admitted(_)))
        .collect();
    assert_eq!(round.len() as i64, admitted, "every admitted patient");
    let first = round[0].news2.expect("the first of the round has a score");
    assert_eq!(first.band, Band::High);
    assert_eq!(first.trend, Trend::Rising);
    assert!(
        round[1..]
            .iter()
            .filter_map(|e| e.news2)
            .all(|s| !s.alarming()),
        "one patient to look at first"
    );
    assert!(round.iter().filter(|e| e.news2.is_some()).count() >= 5);
}
