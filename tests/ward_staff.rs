//! Staff on wards on a real hospital file with a fixed clock: a nurse on
//! ward A is in the care of A's admitted patients and must break the glass
//! for a patient on ward B, while the attending doctor still sees theirs;
//! ending the assignment (kept as history) or a transfer moves the care
//! with it; the worklist's ward round (a high or rising NEWS2 first, then
//! by bed); the administrator's rules and audit events; and what the file
//! itself refuses with the program bypassed.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::clinic::{self as fixture, PASSWORD};
use tempfile::TempDir;
use wardline::auth::{self, Session};
use wardline::domain::beds::WardKind;
use wardline::domain::clock::Clock;
use wardline::domain::ids::Id;
use wardline::domain::news2::Consciousness;
use wardline::domain::patient::Patient;
use wardline::domain::role::Role;
use wardline::domain::vitals::Vitals;
use wardline::error::Error;
use wardline::ops;
use wardline::ops::worklist::Reason;
use wardline::store::Db;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 9, 8, 30, 0).unwrap()
}

fn at(t: DateTime<Utc>) -> Clock {
    Clock::new(t, chrono_tz::UTC)
}

struct Wards {
    _dir: Option<TempDir>,
    path: std::path::PathBuf,
    db: Db,
    admin: Session,
    doctor: Session,
    nurse: Session,
    pharm: Session,
    a: Id,
    b: Id,
    /// Beds and B-1, B-2.
    beds: Vec<Id>,
}

fn hospital() -> Wards {
    let mut c = fixture::Clinic::new(chrono_tz::UTC, t0() - Duration::days(10), t0());
    c.staff(&[fixture::DOCTOR, fixture::NURSE, fixture::PHARMACIST]);
    let doctor = c.signed_in("doctor", t0());
    let nurse = c.signed_in("nurse", t0());
    let pharm = c.signed_in("pharm", t0());
    let a = c.ward("Ward A", WardKind::Medical);
    let b = c.ward("Ward B", WardKind::Surgical);
    let mut beds = Vec::new();
    for (ward, label) in [
        (&a, "A-1"),
        (&a, "A-2"),
        (&a, "A-3"),
        (&b, "B-1"),
        (&b, "B-2"),
    ] {
        beds.push(c.bed(ward, label));
    }
    Wards {
        _dir: c.dir,
        path: c.path,
        db: c.db,
        admin: c.admin,
        doctor,
        nurse,
        pharm,
        a,
        b,
        beds,
    }
}

impl Wards {
    fn patient(&mut self, given: &str) -> Patient {
        let input = fixture::person(given, "Tester", "1960-01-01", "F");
        fixture::register(&mut self.db, &self.admin, &input, t0() - Duration::days(9))
    }

    /// Admits `p` to bed `bed` under the doctor; returns the admission.
    fn admit(&mut self, p: &Patient, bed: usize) -> Id {
        let attending = self.doctor.user.id.clone();
        let bed = self.beds[bed].clone();
        fixture::admit(
            &mut self.db,
            &self.admin,
            &p.id,
            &bed,
            &attending,
            "observation",
            t0() - Duration::days(2),
        )
    }

    fn opens(&mut self, who: &Session, p: &Patient) -> Result<bool, Error> {
        ops::record::open(&mut self.db, who, &p.id, at(t0())).map(|r| !r.via_glass)
    }

    fn events(&self, action: &str) -> i64 {
        self.db
            .conn()
            .query_row(
                "SELECT count(*) FROM audit_log WHERE action = ?1",
                [action],
                |r| r.get(0),
            )
            .unwrap()
    }
}

fn needs_glass(r: Result<bool, Error>) -> bool {
    matches!(r, Err(Error::BreakGlassNeeded(_)))
}

#[test]
fn a_nurse_on_ward_a_sees_its_patients_and_breaks_the_glass_for_ward_b() {
    let mut w = hospital();
    let on_a = w.patient("Anna");
    let on_b = w.patient("Bella");
    w.admit(&on_a, 0);
    let b_admission = w.admit(&on_b, 3);
    let (admin, nurse, doctor, a) = (
        w.admin.clone(),
        w.nurse.clone(),
        w.doctor.clone(),
        w.a.clone(),
    );

    // Before any assignment the nurse is in no admitted patient's care.
    assert!(needs_glass(w.opens(&nurse, &on_a)));
    ops::ward_staff::assign(&mut w.db, &admin, "nurse", &a, t0()).unwrap();
    assert_eq!(w.events("ASSIGN_WARD"), 1);

    // Ward A's patient opens without breaking the glass; ward B's does not.
    assert!(w.opens(&nurse, &on_a).unwrap());
    assert!(needs_glass(w.opens(&nurse, &on_b)));
    // She records vitals on ward A only.
    fn set(p: &Patient) -> ops::vitals::VitalsInput<'_> {
        ops::vitals::VitalsInput {
            patient: &p.id,
            visit: None,
            taken_at: t0(),
            vitals: Vitals {
                pulse: Some(80),
                ..Vitals::default()
            },
        }
    }
    assert!(ops::vitals::record(&mut w.db, &nurse, &set(&on_a), at(t0())).is_ok());
    assert!(ops::vitals::record(&mut w.db, &nurse, &set(&on_b), at(t0())).is_err());

    // The attending doctor, on no ward, still sees both of their patients.
    assert!(w.opens(&doctor, &on_a).unwrap());
    assert!(w.opens(&doctor, &on_b).unwrap());

    // Ward B's patient moves to ward A: now in the nurse's care.
    ops::beds::transfer(
        &mut w.db,
        &admin,
        &b_admission,
        &w.beds[1].clone(),
        "closer to the station",
        t0() - Duration::hours(1),
    )
    .unwrap();
    assert!(w.opens(&nurse, &on_b).unwrap());

    // The assignment ends: the glass again, and the history kept.
    ops::ward_staff::end(&mut w.db, &admin, "nurse", &a, t0() + Duration::hours(8)).unwrap();
    assert_eq!(w.events("END_WARD_ASSIGNMENT"), 1);
    let nurse_later = auth::sign_in(&mut w.db, "nurse", PASSWORD, t0()).unwrap();
    assert!(needs_glass(w.opens(&nurse_later, &on_a)));
    let history = ops::ward_staff::history_of(&w.db, &admin, "nurse").unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].ward_name, "Ward A");
    assert_eq!(history[0].ended_at, Some(t0() + Duration::hours(8)));
    assert_eq!(history[0].ended_by.as_ref(), Some(&admin.user.id));
    assert!(
        ops::ward_staff::wards_of(&w.db, &admin, "nurse")
            .unwrap()
            .is_empty()
    );
}

fn vitals_set(rr: i64, pulse: i64) -> Vitals {
    Vitals {
        respiratory_rate: Some(rr),
        spo2: Some(97),
        on_oxygen: Some(false),
        systolic: Some(125),
        diastolic: Some(80),
        pulse: Some(pulse),
        consciousness: Some(Consciousness::Alert),
        temperature_dc: Some(369),
        ..Vitals::default()
    }
}

#[test]
fn the_nurses_worklist_is_her_wards_round_with_a_rising_news2_first() {
    let mut w = hospital();
    let (admin, nurse, doctor, a) = (
        w.admin.clone(),
        w.nurse.clone(),
        w.doctor.clone(),
        w.a.clone(),
    );
    ops::ward_staff::assign(&mut w.db, &admin, "nurse", &a, t0()).unwrap();
    let first = w.patient("First");
    let second = w.patient("Second");
    let third = w.patient("Third");
    let elsewhere = w.patient("Elsewhere");
    w.admit(&first, 0);
    w.admit(&second, 1);
    w.admit(&third, 2);
    w.admit(&elsewhere, 3);
    // The patient in A-3 is deteriorating: 0, then 5 (rising).
    for (hours, v) in [(4, vitals_set(16, 72)), (1, vitals_set(23, 115))] {
        let when = t0() - Duration::hours(hours);
        let input = ops::vitals::VitalsInput {
            patient: &third.id,
            visit: None,
            taken_at: when,
            vitals: v,
        };
        ops::vitals::record(&mut w.db, &nurse, &input, at(when)).unwrap();
    }

    let list =
        ops::worklist::worklist_with_facts(&mut w.db, &nurse, &nurse.user.id, at(t0()), false)
            .unwrap();
    let beds: Vec<String> = list
        .entries
        .iter()
        .map(|e| match &e.reason {
            Reason::Admitted(a) => a.bed_label.clone(),
            other => panic!("only the ward round: {other:?}"),
        })
        .collect();
    assert_eq!(beds, ["A-3", "A-1", "A-2"]);
    let rising = list.entries[0].news2.expect("a score");
    assert!(rising.alarming(), "{rising:?}");
    assert!(list.entries[1].news2.is_none() && list.entries[1].pending().unwrap().vitals);
    // Diagnosing is the doctor's task: the nurse's round never asks for it,
    // the doctor's does for the same undiagnosed patients.
    assert!(list.entries.iter().all(|e| !e.pending().unwrap().diagnosis));

    // The doctor attends all four; her round is sorted the same way.
    let list =
        ops::worklist::worklist_with_facts(&mut w.db, &doctor, &doctor.user.id, at(t0()), false)
            .unwrap();
    let names: Vec<&str> = list
        .entries
        .iter()
        .map(|e| e.patient().unwrap().name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Third Tester",
            "First Tester",
            "Second Tester",
            "Elsewhere Tester"
        ]
    );
    assert!(list.entries.iter().all(|e| e.pending().unwrap().diagnosis));

    // A second doctor on ward B has its patient on his round, though he
    // does not attend it, and is in its care.
    common::add_user(&mut w.db, &admin, "warddoc", Role::Doctor);
    let b = w.b.clone();
    ops::ward_staff::assign(&mut w.db, &admin, "warddoc", &b, t0()).unwrap();
    let ward_doctor = common::sign_in_user(&mut w.db, "warddoc", t0());
    let list = ops::worklist::worklist_with_facts(
        &mut w.db,
        &ward_doctor,
        &ward_doctor.user.id,
        at(t0()),
        false,
    )
    .unwrap();
    let names: Vec<&str> = list
        .entries
        .iter()
        .map(|e| e.patient().unwrap().name.as_str())
        .collect();
    assert_eq!(names, ["Elsewhere Tester"]);
    assert!(w.opens(&ward_doctor, &elsewhere).unwrap());
    assert!(needs_glass(w.opens(&ward_doctor, &first)));
}

#[test]
fn an_administrator_sets_a_clinicians_wards_with_an_event_for_each_change() {
    let mut w = hospital();
    let (admin, nurse, pharm, a, b) = (
        w.admin.clone(),
        w.nurse.clone(),
        w.pharm.clone(),
        w.a.clone(),
        w.b.clone(),
    );
    // Only an administrator assigns staff.
    let e = ops::ward_staff::assign(&mut w.db, &nurse, "nurse", &a, t0());
    assert!(matches!(e, Err(Error::NotPermitted(_))), "{e:?}");
    assert!(matches!(
        ops::ward_staff::wards_of(&w.db, &pharm, "nurse"),
        Err(Error::NotPermitted(_))
    ));
    // Only doctors and nurses work on wards.
    match ops::ward_staff::assign(&mut w.db, &admin, "pharm", &a, t0()) {
        Err(Error::Refused(m)) => assert!(m.contains("only doctors and nurses"), "{m}"),
        other => panic!("{other:?}"),
    }
    match ops::ward_staff::assign(&mut w.db, &admin, "nobody", &a, t0()) {
        Err(Error::NotFound(m)) => assert!(m.contains("users list"), "{m}"),
        other => panic!("{other:?}"),
    }

    let set = ops::ward_staff::set_wards(&mut w.db, &admin, "nurse", &[a.clone(), b.clone()], t0())
        .unwrap();
    assert_eq!(set.assigned, ["Ward A", "Ward B"]);
    assert!(set.ended.is_empty());
    assert_eq!(set.wards, ["Ward A", "Ward B"]);
    match ops::ward_staff::assign(&mut w.db, &admin, "nurse", &a, t0()) {
        Err(Error::Refused(m)) => assert!(m.contains("already"), "{m}"),
        other => panic!("{other:?}"),
    }
    // Setting the same wards again changes nothing and records nothing.
    let before = w.events("ASSIGN_WARD");
    let same =
        ops::ward_staff::set_wards(&mut w.db, &admin, "nurse", &[b.clone(), a.clone()], t0())
            .unwrap();
    assert!(same.assigned.is_empty() && same.ended.is_empty());
    assert_eq!(w.events("ASSIGN_WARD"), before);

    let later = t0() + Duration::hours(1);
    let set =
        ops::ward_staff::set_wards(&mut w.db, &admin, "nurse", std::slice::from_ref(&b), later)
            .unwrap();
    assert_eq!(set.ended, ["Ward A"]);
    assert_eq!(set.wards, ["Ward B"]);
    let staff = ops::ward_staff::staff_of(&w.db, &admin, &b).unwrap();
    assert_eq!(staff.len(), 1);
    assert_eq!(staff[0].user_name, "nurse");
    assert!(
        ops::ward_staff::staff_of(&w.db, &admin, &a)
            .unwrap()
            .is_empty()
    );
    let all = ops::ward_staff::all_wards(&w.db, &admin).unwrap();
    assert_eq!(
        all.get(&nurse.user.id).cloned(),
        Some(vec!["Ward B".into()])
    );
    // Assigned again later: a new row, the old one kept.
    ops::ward_staff::assign(&mut w.db, &admin, "nurse", &a, later).unwrap();
    assert_eq!(
        ops::ward_staff::history_of(&w.db, &admin, "nurse")
            .unwrap()
            .len(),
        3
    );
    assert_eq!(w.events("ASSIGN_WARD"), 3);
    assert_eq!(w.events("END_WARD_ASSIGNMENT"), 1);

    // Retiring a ward ends its staff's assignments.
    ops::beds::retire_ward(&mut w.db, &admin, &b, later).unwrap();
    assert_eq!(
        ops::ward_staff::set_wards(&mut w.db, &admin, "nurse", std::slice::from_ref(&a), later)
            .unwrap()
            .wards,
        ["Ward A"]
    );
    assert_eq!(w.events("END_WARD_ASSIGNMENT"), 2);
    match ops::ward_staff::assign(&mut w.db, &admin, "nurse", &b, later) {
        Err(Error::Refused(m)) => assert!(m.contains("retired"), "{m}"),
        other => panic!("{other:?}"),
    }
    // An empty list takes the nurse off every ward.
    let set = ops::ward_staff::set_wards(&mut w.db, &admin, "nurse", &[], later).unwrap();
    assert_eq!(set.ended, ["Ward A"]);
    assert!(set.wards.is_empty());
}

#[test]
fn the_file_holds_the_assignment_rules_with_the_program_bypassed() {
    let mut w = hospital();
    let admin = w.admin.clone();
    let a = w.a.clone();
    ops::ward_staff::assign(&mut w.db, &admin, "nurse", &a, t0()).unwrap();
    let raw = common::raw(&w.path);
    let user = |name: &str| -> String {
        raw.query_row("SELECT id FROM users WHERE user_name = ?1", [name], |r| {
            r.get(0)
        })
        .unwrap()
    };
    let insert = |user_id: &str, id: &str| {
        raw.execute(
            "INSERT INTO ward_staff (id, user_id, ward_id, assigned_at, assigned_by)
             VALUES (?1, ?2, ?3, '2026-03-09T09:00:00.000000Z', ?4)",
            [id, user_id, a.as_str(), &user("admin")],
        )
    };
    let refused = |r: rusqlite::Result<usize>, why: &str| {
        let e = r.expect_err(why).to_string();
        assert!(e.contains(why), "{e}");
    };
    // A pharmacist on a ward; a second open assignment of the nurse.
    refused(
        insert(&user("pharm"), "x1"),
        "only doctors and nurses are assigned to wards",
    );
    refused(insert(&user("nurse"), "x2"), "UNIQUE");
    // Changed, deleted, or the nurse made a pharmacist while on a ward.
    refused(
        raw.execute(
            "UPDATE ward_staff SET assigned_at = '2020-01-01T00:00:00.000000Z'",
            [],
        ),
        "only gains its end",
    );
    refused(raw.execute("DELETE FROM ward_staff", []), "never deleted");
    refused(
        raw.execute(
            "UPDATE users SET role = 'pharmacist' WHERE user_name = 'nurse'",
            [],
        ),
        "assigned to wards",
    );
    // An end needs who ended it; an ended assignment stays ended.
    refused(
        raw.execute(
            "UPDATE ward_staff SET ended_at = '2026-03-09T10:00:00.000000Z'",
            [],
        ),
        "CHECK",
    );
    raw.execute(
        "UPDATE ward_staff SET ended_at = '2026-03-09T10:00:00.000000Z', ended_by = ?1",
        [user("admin")],
    )
    .unwrap();
    refused(
        raw.execute(
            "UPDATE ward_staff SET ended_at = '2026-03-09T11:00:00.000000Z'",
            [],
        ),
        "only gains its end",
    );
    // A retired ward takes no staff.
    raw.execute(
        "UPDATE wards SET retired_at = '2026-03-09T12:00:00.000000Z' WHERE id = ?1",
        [a.as_str()],
    )
    .unwrap();
    refused(insert(&user("nurse"), "x3"), "retired");
}
