//! Laboratory orders, specimens, results and their verification on real
//! hospital files, in a hospital east of UTC (Africa/Nairobi, UTC+3) with
//! fixed clocks: the whole loop (a doctor orders, the lab collects, enters
//! and a second technician verifies, the doctor acknowledges a critical
//! value), ranges by sex and age at collection, second-user verification
//! and its self-verify exception, the rules the file holds with the
//! program bypassed, corrections, rejection and cancellation, who may do
//! what, the worklist, and edits made on a stale version.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::clinic::{self as fixture, Clinic};
use wardline::auth::Session;
use wardline::domain::beds::WardKind;
use wardline::domain::clock::{Clock, Tz};
use wardline::domain::ids::Id;
use wardline::domain::lab::order::{OrderStatus, RejectReason, SELF_VERIFY_WORD};
use wardline::domain::patient::Patient;
use wardline::domain::prescribing::Priority;
use wardline::domain::visit::VisitKind;
use wardline::error::Error;
use wardline::ops;
use wardline::ops::lab::{LabOrder, OrderInput, WorklistRow, WorklistView};

const ZONE: Tz = chrono_tz::Africa::Nairobi;

/// A local time in Nairobi (UTC+3) on a day of March 2026.
fn nairobi(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, 0, m, 0).unwrap() + Duration::hours(i64::from(h) - 3)
}

/// 09:00 on Monday 9 March 2026 in Nairobi.
/// Every row of a worklist view, read.
fn listed(
    db: &mut wardline::store::Db,
    by: &Session,
    view: WorklistView,
    when: Clock,
) -> Vec<WorklistRow> {
    let mut list = ops::lab::worklist(db, by, view, when).unwrap();
    let n = list.len();
    ops::lab::read_rows(db, by, &mut list, 0..n, when).unwrap();
    assert_eq!(list.rows().count(), n, "every row of {view:?} read");
    list.rows().cloned().collect()
}

fn t0() -> DateTime<Utc> {
    nairobi(9, 9, 0)
}

fn at(t: DateTime<Utc>) -> Clock {
    Clock::new(t, ZONE)
}

/// A hospital with a medical ward, its doctor and nurse, two lab
/// technicians, the desk and the pharmacy.
struct Lab {
    c: Clinic,
    doctor: Session,
    nurse: Session,
    lab: Session,
    lab2: Session,
    desk: Session,
    pharm: Session,
    locum: Session,
    beds: Vec<Id>,
}

fn lab() -> Lab {
    let mut c = Clinic::new(ZONE, t0() - Duration::days(10), t0());
    c.staff(&[
        fixture::DOCTOR,
        fixture::LOCUM,
        fixture::NURSE,
        fixture::LAB_TECH,
        fixture::LAB_TECH_2,
        fixture::RECEPTIONIST,
        fixture::PHARMACIST,
    ]);
    let mut s = |n: &str| c.signed_in(n, t0());
    let (doctor, nurse, lab, lab2, desk, pharm, locum) = (
        s("doctor"),
        s("nurse"),
        s("lab"),
        s("lab2"),
        s("desk"),
        s("pharm"),
        s("locum"),
    );
    let ward = c.ward("Medical", WardKind::Medical);
    c.nurse_on("nurse", &ward);
    let beds = ["MED-01", "MED-02", "MED-03", "MED-04"]
        .iter()
        .map(|label| c.bed(&ward, label))
        .collect();
    Lab {
        c,
        doctor,
        nurse,
        lab,
        lab2,
        desk,
        pharm,
        locum,
        beds,
    }
}

impl Lab {
    fn patient(&mut self, given: &str, birth: &str, sex: &str) -> Patient {
        let input = fixture::person(given, "Tester", birth, sex);
        fixture::register(&mut self.c.db, &self.desk, &input, t0() - Duration::days(9))
    }

    /// `p` admitted to the `n`th bed under the doctor, two hours ago.
    fn admitted(&mut self, given: &str, birth: &str, sex: &str, n: usize) -> Patient {
        let p = self.patient(given, birth, sex);
        let attending = self.doctor.user.id.clone();
        let bed = self.beds[n].clone();
        fixture::admit(
            &mut self.c.db,
            &self.nurse,
            &p.id,
            &bed,
            &attending,
            "sepsis",
            t0() - Duration::hours(2),
        );
        p
    }

    /// An admitted woman's potassium, ordered by the doctor at t0 and
    /// collected ten minutes later.
    fn collected_k(&mut self, n: usize) -> (Patient, LabOrder) {
        let p = self.admitted(&format!("Pat{n}"), "1980-05-01", "F", n);
        let doctor = self.doctor.clone();
        let lab = self.lab.clone();
        let o = self
            .c
            .lab_order(&doctor, &p.id, None, &["K"], Priority::Routine, t0())
            .remove(0);
        self.c.collect(&lab, &o, t0() + Duration::minutes(10));
        (p, o)
    }

    /// As [`Lab::collected_k`], with `value` entered by the first
    /// technician and verified by the second.
    fn verified_k(&mut self, n: usize, value: &str) -> (Patient, LabOrder) {
        let (p, o) = self.collected_k(n);
        let (lab, lab2) = (self.lab.clone(), self.lab2.clone());
        self.c
            .results(&lab, &o, &[("K", value)], t0() + Duration::minutes(30));
        self.c.verify(&lab2, &o, t0() + Duration::minutes(40));
        (p, o)
    }

    fn version(&self, o: &LabOrder) -> i64 {
        self.c.order_version(o)
    }

    fn events(&self, action: &str) -> Vec<(String, Option<String>, String)> {
        let conn = common::raw(&self.c.path);
        let mut stmt = conn
            .prepare(
                "SELECT entity, entity_id, summary FROM audit_log WHERE action = ?1 ORDER BY seq",
            )
            .unwrap();
        stmt.query_map([action], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }
}

fn refusal<T: std::fmt::Debug>(r: Result<T, Error>) -> String {
    r.expect_err("refused").to_string()
}

#[test]
fn a_doctor_orders_the_lab_collects_enters_and_a_second_technician_verifies() {
    let mut l = lab();
    let p = l.admitted("Amina", "1980-05-01", "F", 0);
    let doctor = l.doctor.clone();
    let orders = l.c.lab_order(
        &doctor,
        &p.id,
        None,
        &["K", "FBC", "URINE", "na"],
        Priority::Stat,
        t0(),
    );
    let shape: Vec<(String, Vec<&str>)> = orders
        .iter()
        .map(|o| {
            (
                o.specimen.clone(),
                o.tests.iter().map(|t| t.code.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        [
            ("serum".to_string(), vec!["K", "NA"]),
            ("whole blood (EDTA)".to_string(), vec!["FBC"]),
            ("urine".to_string(), vec!["URINE"]),
        ]
    );
    let numbers: Vec<u64> = orders.iter().map(|o| o.accession.0).collect();
    assert_eq!(numbers, [1, 2, 3]);
    for o in &orders {
        assert_eq!(o.status, OrderStatus::Ordered);
        assert_eq!(o.priority, Priority::Stat);
        assert_eq!(o.patient_id, p.id);
        assert!(o.visit_id.is_none() && o.admission_id.is_some());
        assert_eq!(o.ordered_by_name, "Dr. Aisha Rahman");
    }
    assert_eq!(l.events("LAB_ORDER").len(), 3);

    let serum = orders[0].clone();
    let (lab, lab2) = (l.lab.clone(), l.lab2.clone());
    let collected = l.c.collect(&lab, &serum, t0() + Duration::minutes(10));
    assert_eq!(collected.status, OrderStatus::Collected);
    assert_eq!(collected.collected_by_name.as_deref(), Some("Lara Lab"));
    let d =
        l.c.results(&lab, &serum, &[("K", "6.9")], t0() + Duration::minutes(40));
    assert_eq!(d.order.status, OrderStatus::InProgress);
    let k = d.analyte("K").unwrap().current.clone().unwrap();
    assert_eq!((k.value.as_str(), k.flag.as_str()), ("6.9", "HH"));
    assert_eq!((k.range_low, k.range_high), (Some(3.5), Some(5.1)));
    assert!(!k.is_verified());
    let d =
        l.c.results(&lab, &serum, &[("NA", "140")], t0() + Duration::minutes(41));
    assert_eq!(d.order.status, OrderStatus::Resulted);
    assert_eq!(d.analyte("NA").unwrap().current.as_ref().unwrap().flag, "");

    // The doctor sees nothing unverified: both values pending.
    let seen = ops::lab::detail(
        &mut l.c.db,
        &doctor,
        &serum.id,
        at(t0() + Duration::minutes(45)),
    )
    .unwrap();
    assert!(!seen.lab_view);
    let k_seen = seen.analyte("K").unwrap();
    assert!(k_seen.current.is_none() && k_seen.pending);

    let d = l.c.verify(&lab2, &serum, t0() + Duration::minutes(50));
    assert_eq!(d.order.status, OrderStatus::Verified);
    assert_eq!(d.order.verified_at, Some(t0() + Duration::minutes(50)));
    let k = d.analyte("K").unwrap().current.clone().unwrap();
    assert_eq!(k.verified_by_name.as_deref(), Some("Lou Lab"));
    assert!(!k.self_verified);
    assert_eq!(l.events("VERIFY_RESULTS").len(), 1);

    // The doctor sees the verified critical potassium and acknowledges it, once.
    let later = at(t0() + Duration::hours(1));
    let seen = ops::lab::detail(&mut l.c.db, &doctor, &serum.id, later).unwrap();
    let k = seen.analyte("K").unwrap().current.clone().unwrap();
    assert_eq!((k.value.as_str(), k.flag.as_str()), ("6.9", "HH"));
    assert_eq!(seen.patient.mrn, p.mrn);
    ops::lab::acknowledge(&mut l.c.db, &doctor, &k.id, later).unwrap();
    let again = refusal(ops::lab::acknowledge(&mut l.c.db, &doctor, &k.id, later));
    assert!(again.contains("acknowledged this result"), "{again}");
    let seen = ops::lab::by_accession(&mut l.c.db, &doctor, &serum.accession, later).unwrap();
    let k = seen.analyte("K").unwrap().current.clone().unwrap();
    assert_eq!(k.acknowledged_by_name.as_deref(), Some("Dr. Aisha Rahman"));
    assert_eq!(k.acknowledged_at, Some(t0() + Duration::hours(1)));
    // A normal value is not acknowledged.
    let na = seen.analyte("NA").unwrap().current.clone().unwrap();
    let normal = refusal(ops::lab::acknowledge(&mut l.c.db, &doctor, &na.id, later));
    assert!(
        normal.contains("only a verified critical result"),
        "{normal}"
    );

    // Every write and read is in the audit trail, against the order, with
    // its accession and never a value.
    for action in [
        "COLLECT_SPECIMEN",
        "ENTER_RESULTS",
        "ACKNOWLEDGE_RESULT",
        "READ",
    ] {
        let events = l.events(action);
        assert!(
            events
                .iter()
                .any(|(entity, id, summary)| entity == "lab_order"
                    && id.as_deref() == Some(serum.id.as_str())
                    && summary.contains(&serum.accession.to_string())
                    && !summary.contains("6.9")),
            "{action}: {events:?}"
        );
    }
}

#[test]
fn an_order_comes_from_a_visit_or_an_admission() {
    let mut l = lab();
    let outpatient = l.patient("Omar", "1975-02-02", "M");
    let doctor = l.doctor.clone();
    let d = t0().date_naive();
    let doctor_id = doctor.user.id.clone();
    fixture::book(
        &mut l.c.db,
        &l.desk,
        &outpatient.id,
        &doctor_id,
        d,
        600,
        t0() - Duration::days(1),
    );
    let input = |visit| OrderInput {
        patient: &outpatient.id,
        visit,
        tests: &["K"],
        priority: Priority::Urgent,
        clinical_notes: "on furosemide",
    };
    let none = refusal(ops::lab::order(
        &mut l.c.db,
        &doctor,
        &input(None),
        at(t0()),
    ));
    assert!(none.contains("not admitted"), "{none}");
    let visit = ops::visits::start(
        &mut l.c.db,
        &doctor,
        &outpatient.id,
        VisitKind::WalkIn,
        at(t0()),
    )
    .unwrap();
    let orders = ops::lab::order(&mut l.c.db, &doctor, &input(Some(&visit.id)), at(t0())).unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].visit_id.as_ref(), Some(&visit.id));
    assert_eq!(orders[0].admission_id, None);
    assert_eq!(orders[0].clinical_notes, "on furosemide");
    let other = l.admitted("Olga", "1970-01-01", "F", 1);
    let wrong = OrderInput {
        patient: &other.id,
        ..input(Some(&visit.id))
    };
    let refused = refusal(ops::lab::order(&mut l.c.db, &doctor, &wrong, at(t0())));
    assert!(refused.contains("another patient's"), "{refused}");
    for tests in [&["XYZ"][..], &[][..]] {
        let bad = OrderInput {
            patient: &other.id,
            visit: None,
            tests,
            priority: Priority::Routine,
            clinical_notes: "",
        };
        let e = refusal(ops::lab::order(&mut l.c.db, &doctor, &bad, at(t0())));
        assert!(e.contains("XYZ") || e.contains("at least one test"), "{e}");
    }
}

#[test]
fn ranges_are_those_of_the_patients_sex_and_age_on_the_collection_day() {
    let mut l = lab();
    let (doctor, lab, lab2) = (l.doctor.clone(), l.lab.clone(), l.lab2.clone());
    // She turns 18 on 10 March: collected on the 9th at 22:00, entered on
    // the 10th, her haemoglobin keeps the range of a 17-year-old.
    let girl = l.admitted("Gift", "2008-03-10", "F", 0);
    let o =
        l.c.lab_order(&doctor, &girl.id, None, &["HB"], Priority::Routine, t0())
            .remove(0);
    let v = l.version(&o);
    ops::lab::collect(
        &mut l.c.db,
        &lab,
        &o.id,
        v,
        Some(nairobi(9, 22, 0)),
        at(nairobi(9, 23, 0)),
    )
    .unwrap();
    let d = l.c.results(&lab, &o, &[("HGB", "15.8")], nairobi(10, 8, 0));
    let hgb = d.analyte("HGB").unwrap().current.clone().unwrap();
    assert_eq!(
        (hgb.flag.as_str(), hgb.range_low, hgb.range_high),
        ("", Some(12.0), Some(16.0))
    );
    // A woman's and a man's haemoglobin of 12.5 read differently.
    let woman = l.admitted("Wanjiru", "1980-01-01", "F", 1);
    let man = l.admitted("Musa", "1980-01-01", "M", 2);
    let mut flags = Vec::new();
    for p in [&woman, &man] {
        let o =
            l.c.lab_order(&doctor, &p.id, None, &["HB"], Priority::Routine, t0())
                .remove(0);
        l.c.collect(&lab, &o, t0() + Duration::minutes(5));
        let d =
            l.c.results(&lab, &o, &[("HGB", "12.5")], t0() + Duration::minutes(20));
        let r = d.analyte("HGB").unwrap().current.clone().unwrap();
        flags.push((r.flag, r.range_low));
    }
    assert_eq!(
        flags,
        [("".to_string(), Some(12.0)), ("L".to_string(), Some(13.0))]
    );
    // Critical values are LL and HH for everyone.
    let (_, o) = l.collected_k(3);
    let d =
        l.c.results(&lab, &o, &[("K", "2.5")], t0() + Duration::minutes(20));
    assert_eq!(d.analyte("K").unwrap().current.as_ref().unwrap().flag, "LL");
    let d =
        l.c.results(&lab, &o, &[("k", " 7.0 ")], t0() + Duration::minutes(21));
    let k = d.analyte("K").unwrap().current.clone().unwrap();
    assert_eq!((k.value.as_str(), k.flag.as_str()), ("7.0", "HH"));
    // Refused values name the analyte and what to type; nothing is saved.
    let v = l.version(&o);
    for (typed, says) in [
        ("4,2", "point for decimals"),
        ("42", "not possible"),
        ("4.25", "at most 1 decimal"),
        ("high", "not a number"),
    ] {
        let e = refusal(ops::lab::enter_results(
            &mut l.c.db,
            &lab,
            &o.id,
            v,
            &[("K", typed)],
            at(t0()),
        ));
        assert!(e.contains("Potassium") && e.contains(says), "{typed}: {e}");
        assert!(e.contains("nothing was saved"), "{e}");
    }
    let e = refusal(ops::lab::enter_results(
        &mut l.c.db,
        &lab,
        &o.id,
        v,
        &[("HGB", "12")],
        at(t0()),
    ));
    assert!(e.contains("not an analyte of"), "{e}");
    assert_eq!(l.version(&o), v);
    l.c.verify(&lab2, &o, t0() + Duration::minutes(30));
}

#[test]
fn results_are_verified_by_a_second_technician_unless_the_hospital_allows_self_verification() {
    let mut l = lab();
    let (_, o) = l.collected_k(0);
    let lab = l.lab.clone();
    l.c.results(&lab, &o, &[("K", "4.4")], t0() + Duration::minutes(20));
    let when = at(t0() + Duration::minutes(30));
    let v = l.version(&o);
    let e = refusal(ops::lab::verify(
        &mut l.c.db,
        &lab,
        &o.id,
        v,
        Some(SELF_VERIFY_WORD),
        when,
    ));
    assert!(
        e.contains("second lab technician") && e.contains("lab_self_verify"),
        "{e}"
    );
    let admin = l.c.admin.clone();
    ops::settings::set(&mut l.c.db, &admin, "lab_self_verify", "yes").unwrap();
    for word in [None, Some("verify please")] {
        let e = refusal(ops::lab::verify(&mut l.c.db, &lab, &o.id, v, word, when));
        assert!(e.contains("type VERIFY"), "{e}");
    }
    let d = ops::lab::verify(&mut l.c.db, &lab, &o.id, v, Some("VERIFY"), when).unwrap();
    assert_eq!(d.order.status, OrderStatus::Verified);
    let k = d.analyte("K").unwrap().current.clone().unwrap();
    assert!(k.self_verified);
    assert_eq!(k.verified_by, Some(lab.user.id.clone()));
    let events = l.events("LAB_SELF_VERIFY");
    assert_eq!(events.len(), 1);
    let (entity, id, summary) = &events[0];
    assert_eq!(
        (entity.as_str(), id.as_deref()),
        ("lab_order", Some(o.id.as_str()))
    );
    assert!(summary.contains("entered by the verifier"), "{summary}");
    assert!(l.events("VERIFY_RESULTS").is_empty());
    // Nothing left to verify.
    let v = l.version(&o);
    let e = refusal(ops::lab::verify(&mut l.c.db, &lab, &o.id, v, None, when));
    assert!(e.contains("no results waiting"), "{e}");
}

fn raw_refuses(conn: &rusqlite::Connection, sql: &str, says: &str) {
    let e = conn.execute_batch(sql).expect_err(sql).to_string();
    assert!(e.contains(says), "{sql}: {e}");
}

#[test]
fn the_file_keeps_a_verified_result_unchanged_with_the_program_bypassed() {
    let mut l = lab();
    let (_, done) = l.verified_k(0, "6.9");
    let (_, open) = l.collected_k(1);
    let lab = l.lab.clone();
    l.c.results(&lab, &open, &[("K", "4.0")], t0() + Duration::minutes(20));
    let conn = common::raw(&l.c.path);
    let result_of = |order: &LabOrder| -> String {
        conn.query_row(
            "SELECT id FROM lab_results WHERE order_id = ?1",
            [order.id.as_str()],
            |r| r.get(0),
        )
        .unwrap()
    };
    let (verified, unverified) = (result_of(&done), result_of(&open));
    raw_refuses(
        &conn,
        &format!(
            "UPDATE lab_results SET value = '4.0', value_number = 4.0 WHERE id = '{verified}'"
        ),
        "a verified result never changes",
    );
    raw_refuses(
        &conn,
        &format!("DELETE FROM lab_results WHERE id = '{verified}'"),
        "never deleted",
    );
    raw_refuses(
        &conn,
        &format!("DELETE FROM lab_orders WHERE id = '{}'", done.id),
        "never deleted",
    );
    let copy = |corrects: &str| {
        format!(
            "INSERT INTO lab_results (id, order_id, patient_id, analyte_id, value, value_number, flag,
                 entered_by, entered_at, corrects_id, correction_reason)
             SELECT 'x1', order_id, patient_id, analyte_id, '5.0', 5.0, '', entered_by,
                 '2026-03-09T07:00:00Z', {corrects} FROM lab_results WHERE id = '{unverified}'"
        )
    };
    raw_refuses(&conn, &copy("NULL, NULL"), "UNIQUE");
    raw_refuses(
        &conn,
        &copy(&format!("'{unverified}', 'typo'")),
        "a correction names the verified, current result",
    );
    raw_refuses(
        &conn,
        &format!(
            "UPDATE lab_results SET verified_by = entered_by, verified_at = '2026-03-09T07:00:00Z',
                 self_verified = 1 WHERE id = '{unverified}'"
        ),
        "second lab user",
    );
    raw_refuses(
        &conn,
        &format!(
            "UPDATE lab_orders SET status = 'verified', verified_at = '2026-03-09T07:00:00Z',
                 version = version + 1 WHERE id = '{}'",
            open.id
        ),
        "only when every one of its results is",
    );
    raw_refuses(
        &conn,
        &format!("DELETE FROM lab_order_tests WHERE order_id = '{}'", done.id),
        "tests never change",
    );
    raw_refuses(
        &conn,
        &format!(
            "INSERT INTO lab_order_tests (order_id, test_id, position)
             SELECT '{}', id, 5 FROM lab_tests WHERE code = 'NA'",
            open.id
        ),
        "only as it is made",
    );
    raw_refuses(
        &conn,
        &format!(
            "UPDATE lab_orders SET priority = 'stat', version = version + 1 WHERE id = '{}'",
            open.id
        ),
        "never changes",
    );
}

#[test]
fn a_correction_is_a_new_version_and_clinicians_see_the_verified_value_until_it_is_verified() {
    let mut l = lab();
    let (_, o) = l.verified_k(0, "6.9");
    let (doctor, lab, lab2) = (l.doctor.clone(), l.lab.clone(), l.lab2.clone());
    let first_verified = t0() + Duration::minutes(40);
    let old =
        l.c.results_seen(&lab, &o)
            .analyte("K")
            .unwrap()
            .current
            .clone()
            .unwrap();
    let when = at(t0() + Duration::hours(2));
    let e = refusal(ops::lab::correct(
        &mut l.c.db,
        &lab,
        &old.id,
        "4.1",
        " ",
        when,
    ));
    assert!(e.contains("reason for the correction"), "{e}");
    let e = refusal(ops::lab::correct(
        &mut l.c.db,
        &lab,
        &old.id,
        "41",
        "sample diluted",
        when,
    ));
    assert!(e.contains("Potassium"), "{e}");
    let d = ops::lab::correct(&mut l.c.db, &lab, &old.id, "4.1", "sample diluted", when).unwrap();
    assert_eq!(d.order.status, OrderStatus::Resulted);
    let k = d.analyte("K").unwrap();
    let now = k.current.clone().unwrap();
    assert_eq!(
        (now.value.as_str(), now.version, now.flag.as_str()),
        ("4.1", 2, "")
    );
    assert_eq!(now.corrects_id.as_ref(), Some(&old.id));
    assert_eq!(now.correction_reason.as_deref(), Some("sample diluted"));
    assert_eq!(k.history.len(), 1);
    assert_eq!(
        (k.history[0].value.as_str(), k.history[0].version),
        ("6.9", 1)
    );
    // Correcting the old version again, or the unverified new one, is refused.
    let e = refusal(ops::lab::correct(
        &mut l.c.db,
        &lab,
        &old.id,
        "4.2",
        "again",
        when,
    ));
    assert!(e.contains("corrected already"), "{e}");
    let e = refusal(ops::lab::correct(
        &mut l.c.db,
        &lab,
        &now.id,
        "4.2",
        "again",
        when,
    ));
    assert!(e.contains("not verified yet"), "{e}");
    // The doctor still sees the verified 6.9, with the correction pending.
    let seen = ops::lab::detail(&mut l.c.db, &doctor, &o.id, when).unwrap();
    let k = seen.analyte("K").unwrap();
    assert_eq!(k.current.as_ref().unwrap().value, "6.9");
    assert!(k.pending && k.history.is_empty());
    let d = l.c.verify(&lab2, &o, t0() + Duration::hours(3));
    assert_eq!(d.order.status, OrderStatus::Verified);
    assert_eq!(d.order.verified_at, Some(first_verified));
    let seen =
        ops::lab::detail(&mut l.c.db, &doctor, &o.id, at(t0() + Duration::hours(3))).unwrap();
    let k = seen.analyte("K").unwrap();
    assert_eq!(k.current.as_ref().unwrap().value, "4.1");
    assert_eq!(
        k.history
            .iter()
            .map(|r| r.value.as_str())
            .collect::<Vec<_>>(),
        ["6.9"]
    );
    assert!(!k.pending);
    assert_eq!(l.events("CORRECT_RESULT").len(), 1);
}

#[test]
fn a_rejected_specimen_says_why_and_an_order_is_cancelled_only_before_collection() {
    let mut l = lab();
    let (doctor, lab) = (l.doctor.clone(), l.lab.clone());
    let (_, o) = l.collected_k(0);
    let when = at(t0() + Duration::minutes(20));
    let v = l.version(&o);
    let e = refusal(ops::lab::reject(
        &mut l.c.db,
        &lab,
        &o.id,
        v,
        RejectReason::Other,
        None,
        when,
    ));
    assert!(e.contains("note saying why"), "{e}");
    let e = refusal(ops::lab::cancel(
        &mut l.c.db,
        &doctor,
        &o.id,
        v,
        "not needed",
        when,
    ));
    assert!(e.contains("only an order waiting for collection"), "{e}");
    let r = ops::lab::reject(
        &mut l.c.db,
        &lab,
        &o.id,
        v,
        RejectReason::Haemolysed,
        Some("tube haemolysed in transit"),
        when,
    )
    .unwrap();
    assert_eq!(r.status, OrderStatus::Rejected);
    let seen = ops::lab::detail(&mut l.c.db, &doctor, &o.id, when).unwrap();
    assert_eq!(seen.order.reject_reason, Some(RejectReason::Haemolysed));
    assert_eq!(
        seen.order.end_note.as_deref(),
        Some("tube haemolysed in transit")
    );
    assert_eq!(seen.order.ended_by_name.as_deref(), Some("Lara Lab"));
    let v = l.version(&o);
    let e = refusal(ops::lab::enter_results(
        &mut l.c.db,
        &lab,
        &o.id,
        v,
        &[("K", "4.0")],
        when,
    ));
    assert!(e.contains("rejected"), "{e}");
    // Before collection the doctor cancels, with a reason.
    let p = l.admitted("Cara", "1990-01-01", "F", 1);
    let o =
        l.c.lab_order(&doctor, &p.id, None, &["NA"], Priority::Routine, t0())
            .remove(0);
    let e = refusal(ops::lab::cancel(&mut l.c.db, &doctor, &o.id, 1, "  ", when));
    assert!(e.contains("reason for cancelling"), "{e}");
    let c = ops::lab::cancel(&mut l.c.db, &doctor, &o.id, 1, "ordered twice", when).unwrap();
    assert_eq!(
        (c.status, c.end_note.as_deref()),
        (OrderStatus::Cancelled, Some("ordered twice"))
    );
    let e = refusal(ops::lab::collect(
        &mut l.c.db,
        &lab,
        &o.id,
        c.version,
        None,
        when,
    ));
    assert!(e.contains("cancelled"), "{e}");
    assert_eq!(l.events("REJECT_SPECIMEN").len(), 1);
    assert_eq!(l.events("CANCEL_LAB_ORDER").len(), 1);
}

#[test]
fn each_role_does_only_its_part() {
    let mut l = lab();
    let (_, o) = l.verified_k(0, "6.9");
    let (doctor, lab) = (l.doctor.clone(), l.lab.clone());
    let p = l.admitted("Rita", "1990-01-01", "F", 1);
    let fresh =
        l.c.lab_order(&doctor, &p.id, None, &["K"], Priority::Routine, t0())
            .remove(0);
    let k =
        l.c.results_seen(&lab, &o)
            .analyte("K")
            .unwrap()
            .current
            .clone()
            .unwrap();
    let when = at(t0() + Duration::hours(1));
    let input = OrderInput {
        patient: &p.id,
        visit: None,
        tests: &["K"],
        priority: Priority::Routine,
        clinical_notes: "",
    };
    let (desk, pharm) = (l.desk.clone(), l.pharm.clone());
    for who in [&desk, &pharm] {
        let db = &mut l.c.db;
        let refusals = [
            ops::lab::order(db, who, &input, when).map(|_| ()),
            ops::lab::cancel(db, who, &fresh.id, 1, "no", when).map(|_| ()),
            ops::lab::collect(db, who, &fresh.id, 1, None, when).map(|_| ()),
            ops::lab::reject(db, who, &fresh.id, 1, RejectReason::Clotted, None, when).map(|_| ()),
            ops::lab::enter_results(db, who, &o.id, 1, &[("K", "4")], when).map(|_| ()),
            ops::lab::verify(db, who, &o.id, 1, None, when).map(|_| ()),
            ops::lab::correct(db, who, &k.id, "4.0", "x", when).map(|_| ()),
            ops::lab::acknowledge(db, who, &k.id, when),
            ops::lab::detail(db, who, &o.id, when).map(|_| ()),
            ops::lab::worklist(db, who, WorklistView::Open, when).map(|_| ()),
            ops::lab::count(db, who, WorklistView::Waiting, when).map(|_| ()),
        ];
        for (i, r) in refusals.into_iter().enumerate() {
            assert!(
                matches!(r, Err(Error::NotPermitted(_))),
                "{} step {i}: {r:?}",
                who.user.user_name
            );
        }
    }
    let e = ops::lab::order(&mut l.c.db, &lab, &input, when);
    assert!(matches!(e, Err(Error::NotPermitted(_))), "{e:?}");
    let e = ops::lab::acknowledge(&mut l.c.db, &lab, &k.id, when);
    assert!(matches!(e, Err(Error::NotPermitted(_))), "{e:?}");
    {
        let db = &mut l.c.db;
        let doctor_refused = [
            ops::lab::collect(db, &doctor, &fresh.id, 1, None, when).map(|_| ()),
            ops::lab::reject(db, &doctor, &fresh.id, 1, RejectReason::Clotted, None, when)
                .map(|_| ()),
            ops::lab::enter_results(db, &doctor, &o.id, 1, &[("K", "4")], when).map(|_| ()),
            ops::lab::verify(db, &doctor, &o.id, 1, None, when).map(|_| ()),
            ops::lab::correct(db, &doctor, &k.id, "4.0", "x", when).map(|_| ()),
            ops::lab::worklist(db, &doctor, WorklistView::Open, when).map(|_| ()),
            ops::lab::count(db, &doctor, WorklistView::Waiting, when).map(|_| ()),
        ];
        for (i, r) in doctor_refused.into_iter().enumerate() {
            assert!(
                matches!(r, Err(Error::NotPermitted(_))),
                "doctor step {i}: {r:?}"
            );
        }
    }
    // A doctor outside the patient's care breaks the glass first, as elsewhere.
    let locum = l.locum.clone();
    let outside = ops::lab::order(&mut l.c.db, &locum, &input, when);
    assert!(
        matches!(outside, Err(Error::BreakGlassNeeded(_))),
        "{outside:?}"
    );
    let read = ops::lab::detail(&mut l.c.db, &locum, &o.id, when);
    assert!(matches!(read, Err(Error::BreakGlassNeeded(_))), "{read:?}");
    let ack = ops::lab::acknowledge(&mut l.c.db, &locum, &k.id, when);
    assert!(matches!(ack, Err(Error::BreakGlassNeeded(_))), "{ack:?}");
    let patient = o.patient_id.clone();
    ops::clinical::break_glass(&mut l.c.db, &locum, &patient, "covering the night", when).unwrap();
    assert!(ops::lab::detail(&mut l.c.db, &locum, &o.id, when).is_ok());
    // The ward nurse orders and acknowledges for her ward's patients.
    let nurse = l.nurse.clone();
    assert_eq!(
        ops::lab::order(&mut l.c.db, &nurse, &input, when)
            .unwrap()
            .len(),
        1
    );
    ops::lab::acknowledge(&mut l.c.db, &nurse, &k.id, when).unwrap();
}

#[test]
fn a_step_made_on_a_stale_version_is_refused_with_a_sentence() {
    let mut l = lab();
    let (doctor, lab, lab2) = (l.doctor.clone(), l.lab.clone(), l.lab2.clone());
    let p = l.admitted("Sara", "1990-01-01", "F", 0);
    let o =
        l.c.lab_order(&doctor, &p.id, None, &["K"], Priority::Routine, t0())
            .remove(0);
    let when = at(t0() + Duration::minutes(10));
    // Two terminals opened the order at version 1; the first collects.
    ops::lab::collect(&mut l.c.db, &lab, &o.id, 1, None, when).unwrap();
    let e = refusal(ops::lab::collect(&mut l.c.db, &lab2, &o.id, 1, None, when));
    assert!(
        e.contains("another terminal changed") && e.contains("collected"),
        "{e}"
    );
    let e = refusal(ops::lab::cancel(
        &mut l.c.db,
        &doctor,
        &o.id,
        1,
        "no longer needed",
        when,
    ));
    assert!(e.contains("another terminal changed"), "{e}");
    ops::lab::enter_results(&mut l.c.db, &lab, &o.id, 2, &[("K", "4.0")], when).unwrap();
    let e = refusal(ops::lab::enter_results(
        &mut l.c.db,
        &lab2,
        &o.id,
        2,
        &[("K", "4.1")],
        when,
    ));
    assert!(e.contains("another terminal changed"), "{e}");
    let e = refusal(ops::lab::verify(&mut l.c.db, &lab2, &o.id, 2, None, when));
    assert!(e.contains("another terminal changed"), "{e}");
    // A collection time in the future or before the order is refused.
    let p = l.admitted("Tess", "1990-01-01", "F", 1);
    let o =
        l.c.lab_order(&doctor, &p.id, None, &["K"], Priority::Routine, t0())
            .remove(0);
    let e = refusal(ops::lab::collect(
        &mut l.c.db,
        &lab,
        &o.id,
        1,
        Some(t0() + Duration::hours(1)),
        when,
    ));
    assert!(e.contains("in the future"), "{e}");
    let e = refusal(ops::lab::collect(
        &mut l.c.db,
        &lab,
        &o.id,
        1,
        Some(t0() - Duration::hours(1)),
        when,
    ));
    assert!(e.contains("cannot be earlier"), "{e}");
}

/// A list is its orders in order; rows are read for the range a screen
/// shows and no more, and an order read later keeps its place.
#[test]
fn the_worklist_reads_the_rows_of_the_range_asked_only() {
    let mut l = lab();
    let (doctor, lab) = (l.doctor.clone(), l.lab.clone());
    let p = l.admitted("Wema", "1990-03-09", "F", 0);
    let orders: Vec<LabOrder> = (0..5)
        .map(|i| {
            l.c.lab_order(
                &doctor,
                &p.id,
                None,
                &["K"],
                Priority::Routine,
                t0() + Duration::minutes(i),
            )
            .remove(0)
        })
        .collect();
    let when = at(t0() + Duration::minutes(30));
    let mut list = ops::lab::worklist(&mut l.c.db, &lab, WorklistView::Waiting, when).unwrap();
    assert_eq!(list.len(), 5);
    assert_eq!(list.rows().count(), 0, "nothing read before asked");
    ops::lab::read_rows(&mut l.c.db, &lab, &mut list, 1..3, when).unwrap();
    let read: Vec<Option<u64>> = (0..5).map(|i| list.row(i).map(|r| r.accession.0)).collect();
    assert_eq!(
        read,
        [
            None,
            Some(orders[1].accession.0),
            Some(orders[2].accession.0),
            None,
            None
        ]
    );
    ops::lab::read_rows(&mut l.c.db, &lab, &mut list, 3..40, when).unwrap();
    assert_eq!(
        list.row(4).map(|r| r.accession.0),
        Some(orders[4].accession.0)
    );
    assert!(list.row(0).is_none());
    assert_eq!(list.position(&orders[3].id), Some(3));
}

#[test]
fn the_worklist_puts_stat_first_then_urgent_then_routine_oldest_first() {
    let mut l = lab();
    let (doctor, lab, lab2) = (l.doctor.clone(), l.lab.clone(), l.lab2.clone());
    let p = l.admitted("Wema", "1990-03-09", "F", 0);
    let order = |l: &mut Lab, test: &str, priority, minutes| {
        l.c.lab_order(
            &doctor,
            &p.id,
            None,
            &[test],
            priority,
            t0() + Duration::minutes(minutes),
        )
        .remove(0)
    };
    let routine_old = order(&mut l, "NA", Priority::Routine, 0);
    let stat = order(&mut l, "K", Priority::Stat, 20);
    let urgent = order(&mut l, "UREA", Priority::Urgent, 10);
    let routine_new = order(&mut l, "HB", Priority::Routine, 15);
    let when = at(t0() + Duration::minutes(30));
    let mut accessions = |view| -> Vec<u64> {
        listed(&mut l.c.db, &lab, view, when)
            .iter()
            .map(|r| r.accession.0)
            .collect()
    };
    let expected: Vec<u64> = [&stat, &urgent, &routine_old, &routine_new]
        .iter()
        .map(|o| o.accession.0)
        .collect();
    assert_eq!(accessions(WorklistView::Waiting), expected);
    let rows = listed(&mut l.c.db, &lab, WorklistView::Open, when);
    let top = &rows[0];
    assert_eq!(top.patient_name, "Wema Tester");
    assert_eq!((top.age, top.mrn.as_str()), (36, p.mrn.as_str()));
    assert_eq!(top.ward_bed.as_deref(), Some("Medical MED-01"));
    assert_eq!(
        (top.tests.clone(), top.specimen.as_str()),
        (vec!["K".to_string()], "serum")
    );
    assert_eq!(top.ordered_by_name, "Dr. Aisha Rahman");
    assert!(!top.has_critical && top.collected_at.is_none());
    // Through the day's steps each view holds its orders.
    let t = |m| t0() + Duration::minutes(m);
    l.c.collect(&lab, &stat, t(31));
    l.c.collect(&lab, &urgent, t(32));
    l.c.collect(&lab, &routine_old, t(33));
    l.c.results(&lab, &stat, &[("K", "6.9")], t(40));
    l.c.results(&lab, &urgent, &[("UREA", "5.0")], t(41));
    let v = l.version(&routine_old);
    ops::lab::reject(
        &mut l.c.db,
        &lab,
        &routine_old.id,
        v,
        RejectReason::Clotted,
        None,
        at(t(42)),
    )
    .unwrap();
    l.c.verify(&lab2, &urgent, t(45));
    let when = at(t(50));
    let mut accessions = |view| -> Vec<u64> {
        listed(&mut l.c.db, &lab, view, when)
            .iter()
            .map(|r| r.accession.0)
            .collect()
    };
    assert_eq!(accessions(WorklistView::Waiting), [routine_new.accession.0]);
    assert_eq!(accessions(WorklistView::Collected), Vec::<u64>::new());
    assert_eq!(accessions(WorklistView::Resulted), [stat.accession.0]);
    assert_eq!(accessions(WorklistView::Verified), [urgent.accession.0]);
    assert_eq!(
        accessions(WorklistView::Rejected),
        [routine_old.accession.0]
    );
    assert_eq!(
        accessions(WorklistView::Open),
        [stat.accession.0, routine_new.accession.0]
    );
    let rows = listed(&mut l.c.db, &lab, WorklistView::Resulted, when);
    assert!(rows[0].has_critical);
    // Each list's count is its length, counted apart.
    for view in [
        WorklistView::Waiting,
        WorklistView::Collected,
        WorklistView::InProgress,
        WorklistView::Resulted,
        WorklistView::Verified,
        WorklistView::Rejected,
        WorklistView::Open,
    ] {
        let n = ops::lab::count(&mut l.c.db, &lab, view, when).unwrap();
        assert_eq!(n, listed(&mut l.c.db, &lab, view, when).len(), "{view:?}");
    }
    // Tomorrow the day's verified and rejected orders are gone from view.
    let tomorrow = at(t0() + Duration::days(1));
    for view in [WorklistView::Verified, WorklistView::Rejected] {
        assert!(
            ops::lab::worklist(&mut l.c.db, &lab, view, tomorrow)
                .unwrap()
                .is_empty()
                && ops::lab::count(&mut l.c.db, &lab, view, tomorrow).unwrap() == 0
        );
    }
}
