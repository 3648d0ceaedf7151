//! The laboratory's turnaround and workload reports on a real hospital
//! file in Lima (UTC-5) with fixed clocks: exact medians and 90th
//! percentiles on a small known set, the day's edges in the hospital's
//! zone (not UTC's), rejected, cancelled and unverified orders counted
//! apart, the CSV's header and rows, and who may read them.

mod common;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use common::clinic::{self as fixture, Clinic};
use wardline::auth::Session;
use wardline::domain::beds::WardKind;
use wardline::domain::clock::Tz;
use wardline::domain::ids::Id;
use wardline::domain::lab::order::RejectReason;
use wardline::domain::prescribing::Priority;
use wardline::error::Error;
use wardline::ops;
use wardline::ops::lab::LabOrder;
use wardline::ops::lab::reports::{self, Period, Spread};

const ZONE: Tz = chrono_tz::America::Lima;

/// A local time in Lima (UTC-5) on a day of March 2026.
fn lima(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, 0, 0, 0).unwrap()
        + Duration::hours(i64::from(h) + 5)
        + Duration::minutes(i64::from(m))
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
}

struct Lab {
    c: Clinic,
    doctor: Session,
    lab: Session,
    lab2: Session,
    nurse: Session,
    patient: Id,
}

impl Lab {
    fn order(&mut self, test: &str, p: Priority, at: DateTime<Utc>) -> LabOrder {
        let patient = self.patient.clone();
        let doctor = self.doctor.clone();
        let mut orders = self.c.lab_order(&doctor, &patient, None, &[test], p, at);
        assert_eq!(orders.len(), 1);
        orders.remove(0)
    }

    /// A potassium order made at `at`, collected `collect` minutes later
    /// and verified `verify` minutes after that.
    fn verified_k(&mut self, p: Priority, at: DateTime<Utc>, collect: i64, verify: i64) {
        let o = self.order("K", p, at);
        let collected = at + Duration::minutes(collect);
        let (lab, lab2) = (self.lab.clone(), self.lab2.clone());
        self.c.collect(&lab, &o, collected);
        self.c
            .results(&lab, &o, &[("K", "4.2")], collected + Duration::minutes(1));
        self.c
            .verify(&lab2, &o, collected + Duration::minutes(verify));
    }
}

/// A clinic in Lima with one admitted patient and this morning's orders:
/// four stat potassiums verified (order→collection 10, 20, 30, 5 minutes;
/// collection→verification 30, 40, 60, 15), a routine one resulted but
/// not verified, one rejected after collection, one cancelled, an urgent
/// full blood count at 23:30 (04:30 UTC the next day, still the 9th in
/// Lima), and two orders just outside the day: 23:50 on the 8th (04:50
/// UTC on the 9th) and 00:30 on the 10th.
fn lab() -> Lab {
    let early = lima(1, 8, 0);
    let mut c = Clinic::new(ZONE, early, early);
    c.staff(&[
        fixture::DOCTOR,
        fixture::NURSE,
        fixture::LAB_TECH,
        fixture::LAB_TECH_2,
        fixture::RECEPTIONIST,
    ]);
    let mut s = |n: &str| c.signed_in(n, early);
    let (doctor, nurse, lab, lab2, desk) =
        (s("doctor"), s("nurse"), s("lab"), s("lab2"), s("desk"));
    let ward = c.ward("Medical", WardKind::Medical);
    c.nurse_on("nurse", &ward);
    let bed = c.bed(&ward, "MED-01");
    let input = fixture::person("Rosa", "Quispe", "1970-05-04", "F");
    let p = fixture::register(&mut c.db, &desk, &input, early);
    let attending = doctor.user.id.clone();
    fixture::admit(&mut c.db, &nurse, &p.id, &bed, &attending, "sepsis", early);
    let mut l = Lab {
        c,
        doctor,
        lab,
        lab2,
        nurse,
        patient: p.id,
    };
    l.order("K", Priority::Stat, lima(8, 23, 50));
    l.verified_k(Priority::Stat, lima(9, 8, 0), 10, 30);
    l.verified_k(Priority::Stat, lima(9, 8, 30), 20, 40);
    l.verified_k(Priority::Stat, lima(9, 9, 0), 30, 60);
    l.verified_k(Priority::Stat, lima(9, 9, 30), 5, 15);
    let (labt, lab2) = (l.lab.clone(), l.lab2.clone());
    let resulted = l.order("K", Priority::Routine, lima(9, 10, 0));
    l.c.collect(&labt, &resulted, lima(9, 10, 20));
    l.c.results(&labt, &resulted, &[("K", "5.0")], lima(9, 10, 40));
    let rejected = l.order("K", Priority::Routine, lima(9, 10, 30));
    l.c.collect(&labt, &rejected, lima(9, 10, 35));
    let clock = l.c.clock(lima(9, 10, 50));
    let v = l.c.order_version(&rejected);
    ops::lab::reject(
        &mut l.c.db,
        &lab2,
        &rejected.id,
        v,
        RejectReason::Haemolysed,
        None,
        clock,
    )
    .expect("reject the haemolysed specimen");
    let cancelled = l.order("K", Priority::Routine, lima(9, 11, 0));
    let clock = l.c.clock(lima(9, 11, 5));
    let v = l.c.order_version(&cancelled);
    let doctor = l.doctor.clone();
    ops::lab::cancel(
        &mut l.c.db,
        &doctor,
        &cancelled.id,
        v,
        "ordered twice",
        clock,
    )
    .expect("cancel the order");
    l.order("FBC", Priority::Urgent, lima(9, 23, 30));
    l.order("K", Priority::Stat, lima(10, 0, 30));
    l
}

fn minutes(m: f64) -> f64 {
    m * 60.0
}

#[test]
fn turnaround_medians_and_p90_are_exact_and_the_rest_counted_apart() {
    let l = lab();
    let t = reports::turnaround(&l.c.db, &l.lab, Period::new(day(9), day(9)).unwrap())
        .expect("the lab reads its turnaround");
    let keys: Vec<(&str, Priority)> = t
        .lines
        .iter()
        .map(|x| (x.test_code.as_str(), x.priority))
        .collect();
    assert_eq!(
        keys,
        [
            ("FBC", Priority::Urgent),
            ("K", Priority::Stat),
            ("K", Priority::Routine)
        ]
    );
    let stat = &t.lines[1];
    assert_eq!(
        stat.verified, 4,
        "the order of the 8th and of the 10th are outside"
    );
    assert_eq!(
        (stat.not_verified, stat.rejected, stat.cancelled),
        (0, 0, 0)
    );
    // Order→collection 5, 10, 20, 30: median 15, p90 the 4th of 4.
    assert_eq!(
        stat.ordered_to_collected,
        Some(Spread {
            median: minutes(15.0),
            p90: minutes(30.0)
        })
    );
    // Collection→verification 15, 30, 40, 60.
    assert_eq!(
        stat.collected_to_verified,
        Some(Spread {
            median: minutes(35.0),
            p90: minutes(60.0)
        })
    );
    // Order→verification 20, 40, 60, 90.
    assert_eq!(
        stat.ordered_to_verified,
        Some(Spread {
            median: minutes(50.0),
            p90: minutes(90.0)
        })
    );
    let routine = &t.lines[2];
    assert_eq!(
        (
            routine.verified,
            routine.not_verified,
            routine.rejected,
            routine.cancelled
        ),
        (0, 1, 1, 1)
    );
    assert_eq!(routine.ordered_to_verified, None);
    let fbc = &t.lines[0];
    assert_eq!((fbc.verified, fbc.not_verified), (0, 1));

    let text = reports::turnaround_text(&t);
    assert!(
        text.contains("orders made 2026-03-09 to 2026-03-09"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|x| x.starts_with("K ") && x.contains("stat") && x.contains("15.0 / 30.0")),
        "{text}"
    );

    let mut csv = Vec::new();
    reports::write_turnaround_csv(&t, &mut csv).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "from,to,test,test_name,priority,verified,ordered_to_collected_median_min,ordered_to_collected_p90_min,collected_to_verified_median_min,collected_to_verified_p90_min,ordered_to_verified_median_min,ordered_to_verified_p90_min,not_verified,rejected,cancelled"
    );
    assert_eq!(
        &lines[1..],
        [
            "2026-03-09,2026-03-09,FBC,Full blood count,urgent,0,,,,,,,1,0,0",
            "2026-03-09,2026-03-09,K,Potassium,stat,4,15.0,30.0,35.0,60.0,50.0,90.0,0,0,0",
            "2026-03-09,2026-03-09,K,Potassium,routine,0,,,,,,,1,1,1",
        ]
    );
}

#[test]
fn workload_counts_each_day_of_the_hospital() {
    let l = lab();
    let w = reports::workload(&l.c.db, &l.lab, Period::new(day(8), day(10)).unwrap())
        .expect("the lab reads its workload");
    let rows: Vec<(NaiveDate, &str, [usize; 5])> = w
        .lines
        .iter()
        .map(|x| {
            (
                x.day,
                x.test_code.as_str(),
                [x.ordered, x.collected, x.verified, x.rejected, x.cancelled],
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (day(8), "K", [1, 0, 0, 0, 0]),
            (day(9), "FBC", [1, 0, 0, 0, 0]),
            // 4 verified, 1 resulted, 1 rejected after collection, 1 cancelled.
            (day(9), "K", [7, 6, 4, 1, 1]),
            (day(10), "K", [1, 0, 0, 0, 0]),
        ]
    );
    assert_eq!(w.total(), [10, 6, 4, 1, 1]);

    let mut csv = Vec::new();
    reports::write_workload_csv(&w, &mut csv).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert_eq!(
        csv.lines().collect::<Vec<_>>(),
        [
            "date,test,test_name,ordered,collected,verified,rejected,cancelled",
            "2026-03-08,K,Potassium,1,0,0,0,0",
            "2026-03-09,FBC,Full blood count,1,0,0,0,0",
            "2026-03-09,K,Potassium,7,6,4,1,1",
            "2026-03-10,K,Potassium,1,0,0,0,0",
            "TOTAL,,,10,6,4,1,1",
        ]
    );
    let text = reports::workload_text(&w);
    assert!(text.contains("2026-03-09  K"), "{text}");

    // One day in Lima: the order of 23:50 on the 8th (04:50 UTC on the
    // 9th) is not the 9th's; the one of 23:30 on the 9th (the 10th in UTC)
    // is.
    let one = reports::workload(&l.c.db, &l.lab, Period::new(day(9), day(9)).unwrap()).unwrap();
    assert_eq!(one.total(), [8, 6, 4, 1, 1]);
}

#[test]
fn only_the_lab_and_administrators_read_the_reports() {
    let mut l = lab();
    let period = Period::new(day(9), day(9)).unwrap();
    for s in [l.doctor.clone(), l.nurse.clone()] {
        match reports::turnaround(&l.c.db, &s, period) {
            Err(Error::NotPermitted(m)) => assert!(m.contains("laboratory's reports"), "{m}"),
            other => panic!("a {:?} read the lab's report: {other:?}", s.role()),
        }
        assert!(reports::workload(&l.c.db, &s, period).is_err());
    }
    let admin = l.c.admin.clone();
    assert!(reports::turnaround(&l.c.db, &admin, period).is_ok());
    let lab2 = l.c.signed_in("lab2", lima(9, 12, 0));
    assert!(reports::workload(&l.c.db, &lab2, period).is_ok());
    assert!(Period::new(day(10), day(9)).is_err());
}

#[test]
fn the_commands_print_the_reports() {
    let l = lab();
    let data =
        l.c.path
            .parent()
            .and_then(|p| p.parent())
            .unwrap()
            .to_path_buf();
    let pw = format!("{}\n", fixture::PASSWORD);
    let args = ["--from", "2026-03-09", "--to", "2026-03-09", "--as", "lab"];
    let run = |report: &str, extra: &[&str]| {
        let all: Vec<&str> = ["report", report]
            .iter()
            .chain(&args)
            .chain(extra)
            .copied()
            .collect();
        let (ok, out) = common::cli::said(&data, &all, &pw);
        assert!(ok, "{out}");
        out
    };
    let csv = run("lab-turnaround", &["--format", "csv"]);
    assert!(
        csv.starts_with("from,to,test,test_name,priority,verified,"),
        "{csv}"
    );
    assert!(
        csv.contains(
            "2026-03-09,2026-03-09,K,Potassium,stat,4,15.0,30.0,35.0,60.0,50.0,90.0,0,0,0"
        ),
        "{csv}"
    );
    let text = run("lab-workload", &[]);
    assert!(text.contains("Laboratory workload"), "{text}");
    let (ok, out) = common::cli::said(
        &data,
        &[
            "report",
            "lab-workload",
            "--from",
            "2026-03-10",
            "--to",
            "9 March",
            "--as",
            "lab",
        ],
        &pw,
    );
    assert!(!ok && out.contains("type it as YYYY-MM-DD"), "{out}");
}
