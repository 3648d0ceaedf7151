//! Laboratory orders, specimens, results and their verification on real
//! hospital files, in a hospital east of UTC (Africa/Nairobi, UTC+3) with
//! fixed clocks: the whole loop (a doctor orders, the lab collects, enters
//! and a second technician verifies, the doctor acknowledges a critical
//! value), ranges by sex and age at collection, second-user verification
//! and its self-verify exception, the rules the file holds with the
//! program bypassed, corrections, rejection and cancellation, who may do
//! what, the worklist, and edits made on a stale version.

mod common;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use common::clinic::{self as fixture, Clinic};
use wardline::auth::Session;
use wardline::domain::beds::WardKind;
use wardline::domain::clock::{Clock, Tz};
use wardline::domain::ids::Id;
use wardline::domain::lab::order::OrderStatus;
use wardline::domain::patient::Patient;
use wardline::domain::prescribing::Priority;
use wardline::error::Error;
use wardline::ops;

const ZONE: Tz = chrono_tz::Africa::Nairobi;

/// A local time in Nairobi (UTC+3) on a day of March 2026.
fn nairobi(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, 0, m, 0).unwrap() + Duration::hours(i64::from(h) - 3)
}

/// 09:00 on Monday 9 March 2026 in Nairobi.
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
    let _ = (&l.pharm, &l.locum, NaiveDate::MIN);
}
