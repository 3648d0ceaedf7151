//! Prescriptions and the medication round on real hospital files, in a
//! hospital west of UTC (America/Lima, UTC−5) with fixed clocks: the whole
//! loop (a doctor prescribes, a pharmacist dispenses first-expiry-first-out,
//! a nurse gives the doses, discharge completes the orders), short stock,
//! the rules the file holds with the program bypassed (never more dispensed
//! than prescribed, administrations append-only, a prescription fixed),
//! each check and its override, lateness, and who may do what.

mod common;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use common::clinic::{self as fixture, order};
use rusqlite::Connection;
use std::path::PathBuf;
use tempfile::TempDir;
use wardline::auth::Session;
use wardline::domain::beds::{Disposition, WardKind};
use wardline::domain::clock::{Clock, Tz};
use wardline::domain::conditions::Severity;
use wardline::domain::ids::Id;
use wardline::domain::patient::Patient;
use wardline::domain::prescribing::checks::CheckKind;
use wardline::domain::prescribing::mar::{DoseState, Outcome};
use wardline::domain::prescribing::{Frequency, Priority, Status};
use wardline::domain::visit::VisitKind;
use wardline::domain::vitals::Vitals;
use wardline::error::Error;
use wardline::ops;
use wardline::ops::mar::{Correction, DoseInput};
use wardline::ops::prescriptions::{Medicine, PrescriptionInput};
use wardline::ops::vitals::VitalsInput;
use wardline::store::Db;
use wardline::store::prescriptions::Prescription;

const ZONE: Tz = chrono_tz::America::Lima;

/// A local time in Lima (UTC−5) on a day of March 2026.
fn lima(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, 5, m, 0).unwrap() + Duration::hours(i64::from(h))
}

/// 09:00 on Monday 9 March 2026 in Lima.
fn t0() -> DateTime<Utc> {
    lima(9, 9, 0)
}

fn at(t: DateTime<Utc>) -> Clock {
    Clock::new(t, ZONE)
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
}

struct Ward {
    _dir: Option<TempDir>,
    path: PathBuf,
    db: Db,
    admin: Session,
    doctor: Session,
    nurse: Session,
    pharm: Session,
    desk: Session,
    ward: Id,
    beds: Vec<Id>,
    amoxicillin: String,
    paracetamol: String,
}

fn ward() -> Ward {
    let mut c = fixture::Clinic::new(ZONE, t0() - Duration::days(10), t0());
    c.staff(&[
        fixture::DOCTOR,
        fixture::NURSE,
        fixture::PHARMACIST,
        fixture::RECEPTIONIST,
    ]);
    let mut s = |n: &str| c.signed_in(n, t0());
    let (doctor, nurse, pharm, desk) = (s("doctor"), s("nurse"), s("pharm"), s("desk"));
    let ward = c.ward("Medical", WardKind::Medical);
    c.nurse_on("nurse", &ward);
    let beds = ["MED-01", "MED-02", "MED-03"]
        .iter()
        .map(|label| c.bed(&ward, label))
        .collect();
    let amoxicillin = c.item("Amoxicillin", "amoxicillin", "500 mg", "capsule");
    let paracetamol = c.item("Paracetamol", "paracetamol", "500 mg", "tablet");
    Ward {
        _dir: c.dir,
        path: c.path,
        db: c.db,
        admin: c.admin,
        doctor,
        nurse,
        pharm,
        desk,
        ward,
        beds,
        amoxicillin,
        paracetamol,
    }
}

impl Ward {
    fn patient(&mut self, given: &str, birth: &str) -> Patient {
        let input = fixture::person(given, "Tester", birth, "F");
        fixture::register(&mut self.db, &self.desk, &input, t0() - Duration::days(9))
    }

    /// Admits `p` into the `n`th bed under the doctor and opens the
    /// doctor's ward round; returns the visit.
    fn admitted(&mut self, p: &Patient, n: usize) -> Id {
        let attending = self.doctor.user.id.clone();
        let bed = self.beds[n].clone();
        fixture::admit(
            &mut self.db,
            &self.nurse,
            &p.id,
            &bed,
            &attending,
            "pneumonia",
            t0() - Duration::hours(2),
        );
        ops::visits::start(
            &mut self.db,
            &self.doctor,
            &p.id,
            VisitKind::WardRound,
            at(t0()),
        )
        .expect("ward round")
        .id
    }

    fn receive(&mut self, item: &str, batch: &str, expiry: NaiveDate, quantity: i64) {
        let r = fixture::receipt(item, batch, expiry, quantity);
        fixture::receive(&mut self.db, &self.admin, &r, t0() - Duration::days(5));
    }

    fn prescribe(
        &mut self,
        input: &PrescriptionInput,
        when: DateTime<Utc>,
    ) -> Result<Prescription, Error> {
        ops::prescriptions::prescribe(&mut self.db, &self.doctor, input, at(when))
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

    fn raw(&self) -> Connection {
        common::raw(&self.path)
    }
}

fn refused(r: Result<impl std::fmt::Debug, Error>, words: &str) {
    match r {
        Err(e) => assert!(e.to_string().contains(words), "{e}"),
        Ok(v) => panic!("expected a refusal saying {words:?}, got {v:?}"),
    }
}

fn dose(
    rx: &Prescription,
    due: DateTime<Utc>,
    outcome: Outcome,
    given: DateTime<Utc>,
    reason: &str,
) -> DoseInput {
    DoseInput {
        prescription: rx.id.clone(),
        due_at: Some(due),
        outcome,
        at: given,
        reason: reason.into(),
        prn_indication: String::new(),
    }
}

#[test]
fn a_doctor_prescribes_a_pharmacist_dispenses_and_a_nurse_gives_the_doses() {
    let mut w = ward();
    let p = w.patient("Amina", "1980-02-03");
    let visit = w.admitted(&p, 0);
    w.receive(
        &w.amoxicillin.clone(),
        "LATE",
        day(9) + Duration::days(400),
        100,
    );
    w.receive(
        &w.amoxicillin.clone(),
        "SOON",
        day(9) + Duration::days(60),
        10,
    );

    // 500 mg TDS for 5 days of 500 mg capsules: 15 capsules.
    let amox = w.amoxicillin.clone();
    let rx = w
        .prescribe(
            &order(&visit, &amox, "500 mg", Frequency::Tds, Some(5)),
            t0(),
        )
        .unwrap();
    assert_eq!(
        (rx.quantity_computed, rx.quantity, rx.dispensed),
        (Some(15), 15, 0)
    );
    assert_eq!(rx.status, Status::Active);
    assert!(
        rx.admission_id.is_some(),
        "an inpatient's prescription is an order of the admission"
    );
    assert_eq!(
        rx.label(),
        "Amoxicillin 500 mg capsule 500 mg oral TDS 5 days"
    );
    assert_eq!(w.events("PRESCRIBE"), 1);

    // The pharmacy's queue, then a dispense first-expiry-first-out.
    let queue = ops::dispensing::queue(&w.db, &w.pharm).unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].mrn, p.mrn);
    let plan = ops::dispensing::plan(&w.db, &w.pharm, &rx.id, day(9)).unwrap();
    let split: Vec<(&str, i64)> = plan
        .takes
        .iter()
        .map(|t| (t.batch_no.as_str(), t.quantity))
        .collect();
    assert_eq!(split, vec![("SOON", 10), ("LATE", 5)]);
    let done =
        ops::dispensing::dispense(&mut w.db, &w.pharm, &rx.id, Some(&plan.takes), t0()).unwrap();
    assert_eq!((done.quantity, done.still_owed()), (15, 0));
    assert_eq!(done.prescription.dispensed, 15);
    assert!(ops::dispensing::queue(&w.db, &w.pharm).unwrap().is_empty());
    // The ledger rows name the prescription and its patient.
    let (rows, linked, patient): (i64, i64, String) = w
        .db
        .conn()
        .query_row(
            "SELECT count(*), (SELECT sum(quantity) FROM prescription_dispenses WHERE prescription_id = ?1),
                    min(patient_id)
             FROM stock_movements WHERE kind = 'dispense' AND reference = 'prescription ' || ?1",
            [rx.id.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((rows, linked, patient.as_str()), (2, 15, p.id.as_str()));
    refused(
        ops::dispensing::dispense(&mut w.db, &w.pharm, &rx.id, None, t0()),
        "fully dispensed",
    );

    // The day's chart: 12:00 and 18:00 (the order started at 09:00).
    let chart = ops::mar::chart(&w.db, &w.nurse, &p.id, day(9), at(lima(9, 11, 30))).unwrap();
    let line = &chart.lines[0];
    assert_eq!(
        line.doses
            .iter()
            .map(|d| (d.due_at, d.state))
            .collect::<Vec<_>>(),
        vec![
            (lima(9, 12, 0), DoseState::DueNow),
            (lima(9, 18, 0), DoseState::Upcoming)
        ]
    );
    let due = ops::mar::due_now(&w.db, &w.nurse, &w.ward, at(lima(9, 11, 30))).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(
        (due[0].patient.bed.as_str(), due[0].due_at),
        ("MED-01", lima(9, 12, 0))
    );

    // Given at 12:10: on time. The 18:00 dose is forgotten until 19:30.
    ops::mar::record_dose(
        &mut w.db,
        &w.nurse,
        &dose(&rx, lima(9, 12, 0), Outcome::Given, lima(9, 12, 10), ""),
        at(lima(9, 12, 10)),
    )
    .unwrap();
    let due = ops::mar::due_now(&w.db, &w.nurse, &w.ward, at(lima(9, 19, 5))).unwrap();
    assert_eq!(
        due.iter().map(|d| (d.due_at, d.state)).collect::<Vec<_>>(),
        vec![(lima(9, 18, 0), DoseState::Overdue)]
    );
    ops::mar::record_dose(
        &mut w.db,
        &w.nurse,
        &dose(&rx, lima(9, 18, 0), Outcome::Given, lima(9, 19, 30), ""),
        at(lima(9, 19, 30)),
    )
    .unwrap();
    let chart = ops::mar::chart(&w.db, &w.nurse, &p.id, day(9), at(lima(9, 20, 0))).unwrap();
    let states: Vec<DoseState> = chart.lines[0].doses.iter().map(|d| d.state).collect();
    assert_eq!(
        states,
        vec![
            DoseState::Given { late: false },
            DoseState::Given { late: true }
        ]
    );
    assert!(
        ops::mar::due_now(&w.db, &w.nurse, &w.ward, at(lima(9, 20, 0)))
            .unwrap()
            .is_empty()
    );

    // A second record of the same dose is refused: correct the first.
    refused(
        ops::mar::record_dose(
            &mut w.db,
            &w.doctor,
            &dose(&rx, lima(9, 12, 0), Outcome::Given, lima(9, 12, 20), ""),
            at(lima(9, 20, 0)),
        ),
        "recorded already",
    );
    let first = chart.lines[0].doses[0].record.clone().unwrap();
    let fixed = ops::mar::correct_dose(
        &mut w.db,
        &w.nurse,
        &Correction {
            wrong: first.id.clone(),
            outcome: Outcome::Refused,
            at: lima(9, 12, 10),
            reason: "vomiting".into(),
            why: "recorded on the wrong patient's chart first".into(),
        },
        at(lima(9, 20, 5)),
    )
    .unwrap();
    assert_eq!(fixed.corrects.as_ref().map(|(id, _)| id), Some(&first.id));
    refused(
        ops::mar::correct_dose(
            &mut w.db,
            &w.nurse,
            &Correction {
                wrong: first.id.clone(),
                outcome: Outcome::Given,
                at: lima(9, 12, 10),
                reason: String::new(),
                why: "again".into(),
            },
            at(lima(9, 20, 6)),
        ),
        "corrected already",
    );
    let chart = ops::mar::chart(&w.db, &w.nurse, &p.id, day(9), at(lima(9, 20, 10))).unwrap();
    assert_eq!(chart.lines[0].doses[0].state, DoseState::Refused);
    assert_eq!(chart.lines[0].history.len(), 3, "the wrong record stays");
    assert_eq!((w.events("RECORD_DOSE"), w.events("CORRECT_DOSE")), (2, 1));

    // Discharge completes the order in the same transaction.
    let admission = chart.admission.clone();
    ops::beds::discharge(
        &mut w.db,
        &w.nurse,
        &admission,
        Disposition::Home,
        "well",
        lima(10, 10, 0),
    )
    .unwrap();
    let after =
        ops::prescriptions::medicines_of(&w.db, &w.doctor, &p.id, at(lima(10, 10, 5))).unwrap();
    assert!(after.current.is_empty());
    assert_eq!(after.past[0].status, Status::Completed);
    assert_eq!(
        after.past[0].ended.as_ref().map(|e| e.2.as_str()),
        Some("patient discharged")
    );
    assert_eq!(w.events("COMPLETE_PRESCRIPTION"), 1);
    refused(
        ops::mar::record_dose(
            &mut w.db,
            &w.nurse,
            &dose(&rx, lima(10, 12, 0), Outcome::Given, lima(10, 12, 0), ""),
            at(lima(10, 12, 0)),
        ),
        "completed",
    );
}

#[test]
fn short_stock_dispenses_what_there_is_and_the_rest_stays_owed() {
    let mut w = ward();
    let p = w.patient("Bora", "1975-05-05");
    let q = w.patient("Chen", "1966-06-06");
    let visit = w.admitted(&p, 0);
    let other = w.admitted(&q, 1);
    let (amox, para) = (w.amoxicillin.clone(), w.paracetamol.clone());
    w.receive(&amox, "A1", day(9) + Duration::days(300), 10);

    let routine = w
        .prescribe(
            &order(&visit, &amox, "500 mg", Frequency::Tds, Some(5)),
            t0(),
        )
        .unwrap();
    let mut urgent_order = order(&other, &para, "1 g", Frequency::Qid, Some(2));
    urgent_order.priority = Priority::Urgent;
    let urgent = w
        .prescribe(&urgent_order, t0() + Duration::minutes(5))
        .unwrap();
    assert_eq!(urgent.quantity, 16);
    let stat = w
        .prescribe(
            &order(&other, &amox, "1 g", Frequency::Stat, None),
            t0() + Duration::minutes(10),
        )
        .unwrap();
    assert_eq!((stat.priority, stat.quantity), (Priority::Stat, 2));
    let queue: Vec<Id> = ops::dispensing::queue(&w.db, &w.pharm)
        .unwrap()
        .into_iter()
        .map(|x| x.prescription.id)
        .collect();
    assert_eq!(
        queue,
        vec![stat.id.clone(), urgent.id.clone(), routine.id.clone()],
        "stat, urgent, then the oldest"
    );

    // No paracetamol at all: nothing is dispensed, it stays waiting.
    refused(
        ops::dispensing::plan(&w.db, &w.pharm, &urgent.id, day(9)),
        "no usable stock",
    );
    // 10 capsules for 15 owed: the 10 go out, 5 stay owed.
    let plan = ops::dispensing::plan(&w.db, &w.pharm, &routine.id, day(9)).unwrap();
    assert_eq!((plan.quantity, plan.still_owed()), (10, 5));
    let done = ops::dispensing::dispense(&mut w.db, &w.pharm, &routine.id, Some(&plan.takes), t0())
        .unwrap();
    assert_eq!(
        (done.prescription.dispensed, done.prescription.owed()),
        (10, 5)
    );
    let waiting = ops::dispensing::queue(&w.db, &w.pharm).unwrap();
    let partly = waiting
        .iter()
        .find(|x| x.prescription.id == routine.id)
        .expect("still in the queue");
    assert_eq!(partly.prescription.dispensed, 10);
    // The stock moved after a plan was shown: nothing is dispensed.
    w.receive(&amox, "A2", day(9) + Duration::days(200), 50);
    let stale = ops::dispensing::plan(&w.db, &w.pharm, &routine.id, day(9)).unwrap();
    w.receive(&amox, "A3", day(9) + Duration::days(100), 50);
    refused(
        ops::dispensing::dispense(&mut w.db, &w.pharm, &routine.id, Some(&stale.takes), t0()),
        "stock moved",
    );
    let rest = ops::dispensing::dispense(&mut w.db, &w.pharm, &routine.id, None, t0()).unwrap();
    assert_eq!((rest.quantity, rest.prescription.owed()), (5, 0));
    assert_eq!(rest.takes[0].batch_no, "A3", "first expiry first");
    assert!(
        !ops::dispensing::queue(&w.db, &w.pharm)
            .unwrap()
            .iter()
            .any(|x| x.prescription.id == routine.id)
    );
    // A stopped prescription is not dispensed any more.
    let later = at(t0() + Duration::minutes(15));
    ops::prescriptions::stop(
        &mut w.db,
        &w.doctor,
        &stat.id,
        "given from the ward's emergency box",
        later,
    )
    .unwrap();
    refused(
        ops::dispensing::plan(&w.db, &w.pharm, &stat.id, day(9)),
        "stopped",
    );
    refused(
        ops::prescriptions::stop(&mut w.db, &w.doctor, &stat.id, "again", later),
        "stopped already",
    );
}

#[test]
fn the_file_never_dispenses_more_than_prescribed_with_the_program_bypassed() {
    let mut w = ward();
    let p = w.patient("Dana", "1990-01-01");
    let q = w.patient("Eve", "1991-01-01");
    let visit = w.admitted(&p, 0);
    let amox = w.amoxicillin.clone();
    w.receive(&amox, "B1", day(9) + Duration::days(300), 100);
    let rx = w
        .prescribe(
            &order(&visit, &amox, "500 mg", Frequency::Bd, Some(3)),
            t0(),
        )
        .unwrap();
    assert_eq!(rx.quantity, 6);
    let raw = w.raw();
    let batch: String = raw
        .query_row(
            "SELECT id FROM stock_batches WHERE batch_no = 'B1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let movement = |patient: &Id, quantity: i64| -> i64 {
        raw.execute(
            "INSERT INTO stock_movements (batch_id, item_id, kind, quantity, patient_id, at)
             VALUES (?1, ?2, 'dispense', ?3, ?4, '2026-03-09T15:00:00.000000Z')",
            rusqlite::params![batch, amox, -quantity, patient.as_str()],
        )
        .unwrap();
        raw.last_insert_rowid()
    };
    let link = |seq: i64, quantity: i64| {
        raw.execute(
            "INSERT INTO prescription_dispenses (movement_seq, prescription_id, quantity) VALUES (?1, ?2, ?3)",
            rusqlite::params![seq, rx.id.as_str(), quantity],
        )
    };
    let no = |r: rusqlite::Result<usize>, words: &str| {
        let e = r.expect_err(words);
        assert!(e.to_string().contains(words), "{e}");
    };
    // Four of six: fine; then three more is beyond what is owed.
    let four = movement(&p.id, 4);
    link(four, 4).expect("four of six");
    let three = movement(&p.id, 3);
    no(
        link(three, 3),
        "never exceeds what is prescribed and still owed",
    );
    let dispensed: i64 = raw
        .query_row(
            "SELECT dispensed FROM prescriptions WHERE id = ?1",
            [rx.id.as_str()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(dispensed, 4);
    // A movement of another patient, or a quantity that is not the movement's.
    let theirs = movement(&q.id, 1);
    no(link(theirs, 1), "of the prescribed item to its patient");
    let two = movement(&p.id, 2);
    no(link(two, 1), "of the same quantity");
    // The dispensed quantity is the ledger's; the prescription is fixed.
    let one = |sql: &str| raw.execute(sql, [rx.id.as_str()]);
    no(
        one("UPDATE prescriptions SET dispensed = 0 WHERE id = ?1"),
        "sum of its dispenses",
    );
    no(
        one("UPDATE prescriptions SET quantity = 600 WHERE id = ?1"),
        "never changes",
    );
    no(
        one("UPDATE prescriptions SET dose_milli = 1 WHERE id = ?1"),
        "never changes",
    );
    no(
        one("UPDATE prescriptions SET item_id = NULL, outside_name = 'x' WHERE id = ?1"),
        "never changes",
    );
    no(
        raw.execute("UPDATE prescriptions SET patient_id = ?1", [q.id.as_str()]),
        "never changes",
    );
    no(
        raw.execute(
            "UPDATE prescriptions SET prescriber_id = ?1",
            [w.nurse.user.id.as_str()],
        ),
        "never changes",
    );
    no(
        one("DELETE FROM prescriptions WHERE id = ?1"),
        "never deleted",
    );
    no(
        raw.execute("DELETE FROM prescription_dispenses", []),
        "append-only",
    );
    no(
        raw.execute("UPDATE prescription_dispenses SET quantity = 1", []),
        "append-only",
    );
    no(
        raw.execute(
            "INSERT INTO prescriptions (id, visit_id, patient_id, prescriber_id, item_id, generic_name, dose_milli,
                 dose_unit, route, frequency, quantity, priority, starts_at, prescribed_at)
             SELECT 'x', visit_id, ?1, prescriber_id, item_id, generic_name, dose_milli, dose_unit, route,
                    frequency, quantity, priority, starts_at, prescribed_at FROM prescriptions",
            [q.id.as_str()],
        ),
        "belongs to its visit",
    );
    // Stopped once; its end never changes, and nothing more is dispensed.
    one(
        "UPDATE prescriptions SET status = 'stopped', ended_at = '2026-03-09T16:00:00.000000Z',
             ended_by = prescriber_id, end_reason = 'rash' WHERE id = ?1",
    )
    .expect("the end, once");
    no(
        one("UPDATE prescriptions SET end_reason = 'other' WHERE id = ?1"),
        "never changes",
    );
    no(
        one(
            "UPDATE prescriptions SET status = 'active', ended_at = NULL, ended_by = NULL, end_reason = NULL WHERE id = ?1",
        ),
        "never changes",
    );
    let last = movement(&p.id, 1);
    no(link(last, 1), "no longer active");
}

#[test]
fn administrations_are_append_only_in_the_file() {
    let mut w = ward();
    let p = w.patient("Fay", "1985-01-01");
    let visit = w.admitted(&p, 0);
    let para = w.paracetamol.clone();
    let rx = w
        .prescribe(
            &with_quantity(order(&visit, &para, "1 g", Frequency::Qid, None), 8),
            t0(),
        )
        .unwrap();
    let mut prn = order(&visit, &para, "500 mg", Frequency::Prn, Some(3));
    prn.course.prn_indication = Some("pain".into());
    prn.course.prn_max_daily = Some(2);
    prn.overrides = vec![(
        CheckKind::Duplicate,
        "low dose top-up, QID paused at night".into(),
    )];
    let prn = w.prescribe(&prn, t0()).unwrap();
    assert_eq!(prn.quantity, 6, "at most 2 a day for 3 days, a tablet each");
    ops::mar::record_dose(
        &mut w.db,
        &w.nurse,
        &dose(
            &rx,
            lima(9, 12, 0),
            Outcome::Held,
            lima(9, 12, 0),
            "nil by mouth for theatre",
        ),
        at(lima(9, 12, 5)),
    )
    .unwrap();
    // Not given needs a reason; a time that is not a dose of the order is refused.
    refused(
        ops::mar::record_dose(
            &mut w.db,
            &w.nurse,
            &dose(&rx, lima(9, 18, 0), Outcome::Refused, lima(9, 18, 0), " "),
            at(lima(9, 18, 5)),
        ),
        "reason the dose was not given",
    );
    refused(
        ops::mar::record_dose(
            &mut w.db,
            &w.nurse,
            &dose(&rx, lima(9, 13, 0), Outcome::Given, lima(9, 13, 0), ""),
            at(lima(9, 13, 5)),
        ),
        "no dose of this order is due",
    );
    // PRN doses with their indication, at most the order's number a day.
    let prn_dose = |t: DateTime<Utc>| DoseInput {
        prescription: prn.id.clone(),
        due_at: None,
        outcome: Outcome::Given,
        at: t,
        reason: String::new(),
        prn_indication: "headache".into(),
    };
    let a = ops::mar::record_dose(
        &mut w.db,
        &w.nurse,
        &prn_dose(lima(9, 10, 0)),
        at(lima(9, 10, 0)),
    )
    .unwrap();
    assert_eq!(a.prn_indication.as_deref(), Some("headache"));
    ops::mar::record_dose(
        &mut w.db,
        &w.nurse,
        &prn_dose(lima(9, 16, 0)),
        at(lima(9, 16, 0)),
    )
    .unwrap();
    refused(
        ops::mar::record_dose(
            &mut w.db,
            &w.nurse,
            &prn_dose(lima(9, 20, 0)),
            at(lima(9, 20, 0)),
        ),
        "at most 2",
    );
    let chart = ops::mar::chart(&w.db, &w.nurse, &p.id, day(9), at(lima(9, 20, 0))).unwrap();
    let prn_line = chart
        .lines
        .iter()
        .find(|l| l.prescription.id == prn.id)
        .unwrap();
    assert_eq!(prn_line.prn.len(), 2);

    let raw = w.raw();
    let no = |r: rusqlite::Result<usize>, words: &str| {
        let e = r.expect_err(words);
        assert!(e.to_string().contains(words), "{e}");
    };
    no(
        raw.execute(
            "UPDATE medication_administrations SET outcome = 'given'",
            [],
        ),
        "append-only",
    );
    no(
        raw.execute("DELETE FROM medication_administrations", []),
        "append-only",
    );
    let insert = |order: &Prescription,
                  due: Option<&str>,
                  corrects: Option<&str>,
                  indication: Option<&str>| {
        raw.execute(
            "INSERT INTO medication_administrations (id, prescription_id, patient_id, due_at, outcome, at,
                 recorded_at, by_id, prn_indication, corrects_id, correction_reason)
             VALUES (hex(randomblob(16)), ?1, ?2, ?3, 'given', '2026-03-09T17:00:00.000000Z',
                     '2026-03-09T17:00:00.000000Z', ?4, ?5, ?6, CASE WHEN ?6 IS NULL THEN NULL ELSE 'why' END)",
            rusqlite::params![
                order.id.as_str(),
                p.id.as_str(),
                due,
                w.nurse.user.id.as_str(),
                indication,
                corrects
            ],
        )
    };
    // A second first record of the 12:00 dose.
    let noon = "2026-03-09T17:00:00.000000Z";
    let e = insert(&rx, Some(noon), None, None).expect_err("a second record of one dose");
    assert!(e.to_string().contains("UNIQUE"), "{e}");
    // A correction must name a record of the same dose.
    let held: String = raw
        .query_row(
            "SELECT id FROM medication_administrations WHERE due_at = ?1",
            [noon],
            |r| r.get(0),
        )
        .unwrap();
    no(
        insert(&rx, Some("2026-03-09T23:00:00.000000Z"), Some(&held), None),
        "same dose",
    );
    insert(&rx, Some(noon), Some(&held), None).expect("a correction of the same dose");
    // PRN doses name their indication and have no due time; scheduled ones
    // have a due time.
    no(
        insert(&rx, None, None, Some("pain")),
        "a PRN dose names its indication",
    );
    no(
        insert(&prn, Some(noon), None, None),
        "a PRN dose names its indication",
    );
    no(insert(&rx, None, None, None), "CHECK constraint failed");
    insert(&prn, None, None, Some("pain")).expect("a PRN dose of the PRN order");
}

/// An order with a typed quantity.
fn with_quantity(mut o: PrescriptionInput, q: i64) -> PrescriptionInput {
    o.quantity = Some(q);
    o
}

#[test]
fn each_check_refuses_until_overridden_with_a_reason() {
    let mut w = ward();
    let p = w.patient("Gita", "1970-01-01");
    let visit = w.admitted(&p, 0);
    ops::allergies::record(
        &mut w.db,
        &w.doctor,
        &p.id,
        "Penicillins",
        "anaphylaxis",
        Severity::Severe,
        at(t0()),
    )
    .unwrap();
    let (amox, para) = (w.amoxicillin.clone(), w.paracetamol.clone());

    // The allergy: shown by the review, refused without a reason.
    let input = order(&visit, &amox, "500 mg", Frequency::Tds, Some(5));
    let review = ops::prescriptions::review(&w.db, &w.doctor, &input, at(t0())).unwrap();
    assert_eq!(review.computed_quantity, Some(15));
    assert_eq!(review.findings.len(), 1);
    assert_eq!(
        review.findings[0].reason,
        "allergic to Penicillins (severe, anaphylaxis): amoxicillin is a penicillin"
    );
    refused(
        w.prescribe(&input, t0()),
        "not prescribed: allergy: allergic to Penicillins",
    );
    let mut blank = input.clone();
    blank.overrides = vec![(CheckKind::Allergy, "   ".into())];
    refused(
        w.prescribe(&blank, t0()),
        "override each check with a reason",
    );
    let mut overridden = input.clone();
    overridden.overrides = vec![(
        CheckKind::Allergy,
        "tolerated amoxicillin in 2024, allergy doubtful".into(),
    )];
    let rx = w.prescribe(&overridden, t0()).unwrap();
    let (_, kept) = ops::prescriptions::open(&w.db, &w.pharm, &rx.id, at(t0())).unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        (kept[0].kind, kept[0].reason.as_str()),
        (
            CheckKind::Allergy,
            "tolerated amoxicillin in 2024, allergy doubtful"
        )
    );
    assert_eq!(w.events("OVERRIDE_CHECK"), 1);

    // The same generic already active, even in another form.
    let para_order = order(&visit, &para, "1 g", Frequency::Qid, Some(3));
    w.prescribe(&para_order, t0()).unwrap();
    let mut outside = para_order.clone();
    outside.medicine = Medicine::Outside("Panadol Extra".into());
    outside.generic_name = "Paracetamol + caffeine".into();
    outside.course.duration_days = Some(3);
    let review = ops::prescriptions::review(&w.db, &w.doctor, &outside, at(t0())).unwrap();
    assert_eq!(
        review.findings.iter().map(|f| f.kind).collect::<Vec<_>>(),
        vec![CheckKind::Duplicate]
    );
    refused(
        w.prescribe(&outside, t0()),
        "same medicine already active: paracetamol is already active",
    );
    outside.overrides = vec![(CheckKind::Duplicate, "hospital course stops today".into())];
    let bought = w.prescribe(&outside, t0()).unwrap();
    assert!(bought.outside());
    assert_eq!(bought.quantity, 0);
    assert!(
        !ops::dispensing::queue(&w.db, &w.pharm)
            .unwrap()
            .iter()
            .any(|x| x.prescription.id == bought.id),
        "bought outside: not in the queue"
    );
    // A stopped one is no duplicate any more.
    let all = ops::prescriptions::medicines_of(&w.db, &w.doctor, &p.id, at(t0())).unwrap();
    for rx in all
        .current
        .iter()
        .filter(|r| r.generic_name.to_lowercase().contains("paracetamol"))
    {
        ops::prescriptions::stop(&mut w.db, &w.doctor, &rx.id, "pain settled", at(t0())).unwrap();
    }
    assert!(
        ops::prescriptions::review(&w.db, &w.doctor, &para_order, at(t0()))
            .unwrap()
            .findings
            .is_empty()
    );
}

#[test]
fn a_childs_dose_is_checked_against_the_maximum_per_kilogram() {
    let mut w = ward();
    let child = w.patient("Hana", "2022-01-15");
    let visit = w.admitted(&child, 0);
    let para = w.paracetamol.clone();
    let input = order(&visit, &para, "500 mg", Frequency::Qid, Some(3));
    // No maximum in the formulary yet: no check.
    assert!(
        ops::prescriptions::review(&w.db, &w.doctor, &input, at(t0()))
            .unwrap()
            .findings
            .is_empty()
    );
    refused(
        ops::prescriptions::set_paediatric_max(&mut w.db, &w.doctor, &para, Some(15_000), t0()),
        "may not change the formulary",
    );
    ops::prescriptions::set_paediatric_max(&mut w.db, &w.admin, &para, Some(15_000), t0()).unwrap();
    // No weight: the maximum cannot be checked.
    let f = ops::prescriptions::review(&w.db, &w.doctor, &input, at(t0()))
        .unwrap()
        .findings;
    assert_eq!(f.len(), 1);
    assert!(
        f[0].reason
            .starts_with("no weight recorded in the last 30 days"),
        "{}",
        f[0].reason
    );
    // 16 kg weighed 40 days ago: too old; weighed today: 500 mg is 31.3 mg/kg.
    let weigh = |w: &mut Ward, grams: i64, when: DateTime<Utc>| {
        ops::vitals::record(
            &mut w.db,
            &w.nurse,
            &VitalsInput {
                patient: &child.id,
                visit: None,
                taken_at: when,
                vitals: Vitals {
                    weight_g: Some(grams),
                    ..Vitals::default()
                },
            },
            at(t0()),
        )
        .unwrap();
    };
    weigh(&mut w, 16_000, t0() - Duration::days(40));
    let f = ops::prescriptions::review(&w.db, &w.doctor, &input, at(t0()))
        .unwrap()
        .findings;
    assert!(
        f[0].reason
            .starts_with("no weight recorded in the last 30 days"),
        "{}",
        f[0].reason
    );
    weigh(&mut w, 16_000, t0() - Duration::hours(1));
    let f = ops::prescriptions::review(&w.db, &w.doctor, &input, at(t0()))
        .unwrap()
        .findings;
    assert_eq!(f[0].kind, CheckKind::PaediatricDose);
    assert_eq!(
        f[0].reason,
        "500 mg is 31.3 mg/kg for 16 kg: above the maximum of 15 mg/kg a dose (240 mg)"
    );
    refused(w.prescribe(&input, t0()), "child's dose");
    // 240 mg (half a tablet would be 250 mg: too much; a syrup would do).
    let right = order(&visit, &para, "240 mg", Frequency::Qid, Some(3));
    let rx = w.prescribe(&right, t0()).unwrap();
    assert_eq!(
        rx.quantity_computed,
        Some(6),
        "0.48 tablet a dose, 12 doses"
    );
    // Overridden with a reason, the larger dose goes ahead.
    let mut over = input.clone();
    over.overrides = vec![
        (
            CheckKind::PaediatricDose,
            "loading dose on the consultant's advice".into(),
        ),
        (CheckKind::Duplicate, "replaces the 240 mg order".into()),
    ];
    let big = w.prescribe(&over, t0()).unwrap();
    let (_, kept) = ops::prescriptions::open(&w.db, &w.doctor, &big.id, at(t0())).unwrap();
    assert_eq!(
        kept.iter().map(|k| k.kind).collect::<Vec<_>>(),
        vec![CheckKind::Duplicate, CheckKind::PaediatricDose]
    );
    // The setting's days count.
    ops::settings::set(&mut w.db, &w.admin, "weight_valid_days", "1").unwrap();
    let f = ops::prescriptions::review(&w.db, &w.doctor, &right, at(t0() + Duration::days(2)))
        .unwrap()
        .findings;
    assert!(
        f.iter().any(|f| f
            .reason
            .starts_with("no weight recorded in the last 1 days")),
        "{f:?}"
    );
}

#[test]
fn the_late_mark_follows_the_setting() {
    let mut w = ward();
    let p = w.patient("Ines", "1960-01-01");
    let visit = w.admitted(&p, 2);
    let para = w.paracetamol.clone();
    let rx = w
        .prescribe(
            &order(&visit, &para, "1 g", Frequency::Od, Some(3)),
            lima(9, 7, 0),
        )
        .unwrap();
    ops::mar::record_dose(
        &mut w.db,
        &w.nurse,
        &dose(&rx, lima(9, 8, 0), Outcome::Given, lima(9, 8, 45), ""),
        at(lima(9, 8, 45)),
    )
    .unwrap();
    let state = |w: &Ward| {
        ops::mar::chart(&w.db, &w.nurse, &p.id, day(9), at(lima(9, 10, 0)))
            .unwrap()
            .lines[0]
            .doses[0]
            .state
    };
    assert_eq!(state(&w), DoseState::Given { late: false });
    ops::settings::set(&mut w.db, &w.admin, "dose_late_minutes", "30").unwrap();
    assert_eq!(state(&w), DoseState::Given { late: true });
    // The rounds are a setting too: OD moves with the morning round.
    ops::settings::set(
        &mut w.db,
        &w.admin,
        "medication_rounds",
        "07:00 12:00 17:00 21:00",
    )
    .unwrap();
    let chart = ops::mar::chart(&w.db, &w.nurse, &p.id, day(10), at(lima(10, 6, 45))).unwrap();
    assert_eq!(chart.lines[0].doses[0].due_at, lima(10, 7, 0));
    assert_eq!(chart.lines[0].doses[0].state, DoseState::DueNow);
}

#[test]
fn who_may_prescribe_dispense_and_give_doses() {
    let mut w = ward();
    let p = w.patient("Jo", "1950-01-01");
    let visit = w.admitted(&p, 0);
    let amox = w.amoxicillin.clone();
    w.receive(&amox, "C1", day(9) + Duration::days(300), 100);
    let input = order(&visit, &amox, "500 mg", Frequency::Tds, Some(5));
    let others = [
        w.nurse.clone(),
        w.pharm.clone(),
        w.admin.clone(),
        w.desk.clone(),
    ];
    for s in &others {
        refused(
            ops::prescriptions::prescribe(&mut w.db, s, &input, at(t0())),
            "may not prescribe",
        );
    }
    let rx = w.prescribe(&input, t0()).unwrap();
    refused(
        ops::dispensing::queue(&w.db, &w.doctor),
        "may not see the pharmacy's queue",
    );
    refused(ops::dispensing::queue(&w.db, &w.desk), "may not");
    refused(
        ops::dispensing::dispense(&mut w.db, &w.doctor, &rx.id, None, t0()),
        "may not dispense",
    );
    ops::dispensing::dispense(&mut w.db, &w.nurse, &rx.id, None, t0())
        .expect("a nurse dispenses from ward stock");
    let d = dose(&rx, lima(9, 12, 0), Outcome::Given, lima(9, 12, 0), "");
    refused(
        ops::mar::record_dose(&mut w.db, &w.pharm, &d, at(lima(9, 12, 0))),
        "may not record doses",
    );
    refused(
        ops::mar::chart(&w.db, &w.desk, &p.id, day(9), at(t0())),
        "may not see the medication chart",
    );
    refused(
        ops::prescriptions::medicines_of(&w.db, &w.desk, &p.id, at(t0())),
        "may not",
    );
    assert_eq!(
        ops::prescriptions::medicines_of(&w.db, &w.pharm, &p.id, at(t0()))
            .unwrap()
            .current
            .len(),
        1
    );
    ops::mar::record_dose(&mut w.db, &w.doctor, &d, at(lima(9, 12, 0)))
        .expect("doctors give doses too");
    // An outpatient prescription needs a duration.
    let out = w.patient("Kim", "1950-01-01");
    ops::clinical::break_glass(
        &mut w.db,
        &w.doctor,
        &out.id,
        "walk-in seen in the corridor",
        at(t0()),
    )
    .unwrap();
    let v = ops::visits::start(&mut w.db, &w.doctor, &out.id, VisitKind::WalkIn, at(t0())).unwrap();
    refused(
        w.prescribe(&order(&v.id, &amox, "500 mg", Frequency::Tds, None), t0()),
        "needs a duration",
    );
    let rx = w
        .prescribe(
            &order(&v.id, &amox, "500 mg", Frequency::Tds, Some(7)),
            t0(),
        )
        .unwrap();
    assert_eq!((rx.admission_id, rx.quantity), (None, 21));
    refused(
        ops::mar::chart(&w.db, &w.doctor, &out.id, day(9), at(t0())),
        "not admitted",
    );
}
