//! Wards, beds and admissions on real hospital files: the invariants the
//! schema holds when the program is bypassed, every bed status move,
//! admit / transfer / discharge with their refusals, reservations that
//! lapse, cleaning and out of service, set-up by admins, the census across
//! midnights, two terminals racing for one bed, and merge refused while a
//! patient is admitted.

mod common;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use common::clinic::{self as fixture, PASSWORD};
use rusqlite::{Connection, params};
use std::path::PathBuf;
use std::sync::{Arc, Barrier};
use strum::IntoEnumIterator;
use tempfile::TempDir;
use wardline::auth::Session;
use wardline::domain::beds::{BedKind, BedStatus, Disposition, SexRestriction, WardKind};
use wardline::domain::ids::Id;
use wardline::domain::patient::Patient;
use wardline::domain::time::format_ts;
use wardline::error::Error;
use wardline::ops;
use wardline::ops::beds::AdmitInput;
use wardline::store::Db;
use wardline::store::beds::{Bed, Ward};

struct Hospital {
    _dir: TempDir,
    path: PathBuf,
    db: Db,
    admin: Session,
    nurse: Session,
    doctor: Session,
    desk: Session,
    ward: Ward,
    women: Ward,
}

/// Now, to the microsecond the file keeps.
fn now() -> DateTime<Utc> {
    use chrono::SubsecRound;
    Utc::now().trunc_subsecs(6)
}

fn hospital() -> Hospital {
    let mut c = fixture::Clinic::new(chrono_tz::UTC, now(), now());
    c.staff(&[fixture::RECEPTIONIST, fixture::NURSE, fixture::DOCTOR]);
    let nurse = c.signed_in("nurse", now());
    let doctor = c.signed_in("doctor", now());
    let desk = c.signed_in("desk", now());
    let ward = ops::beds::add_ward(
        &mut c.db,
        &c.admin,
        "Medical",
        WardKind::Medical,
        None,
        now(),
    )
    .expect("ward");
    let women = ops::beds::add_ward(
        &mut c.db,
        &c.admin,
        "Women's",
        WardKind::General,
        Some(SexRestriction::Female),
        now(),
    )
    .expect("women's ward");
    for label in ["MED-01", "MED-02", "MED-03"] {
        c.bed(&ward.id, label);
    }
    c.bed(&women.id, "W-01");
    Hospital {
        _dir: c.dir.expect("a new clinic's folder"),
        path: c.path,
        db: c.db,
        admin: c.admin,
        nurse,
        doctor,
        desk,
        ward,
        women,
    }
}

impl Hospital {
    fn patient(&mut self, given: &str, sex: &str) -> Patient {
        let input = fixture::person(given, "Tester", "1970-05-06", sex);
        fixture::register(&mut self.db, &self.desk, &input, now())
    }

    fn bed(&self, label: &str) -> Bed {
        ops::beds::find_bed(&self.db, label).expect("bed")
    }

    fn status(&self, label: &str) -> BedStatus {
        self.bed(label).status
    }

    fn admit_at(
        &mut self,
        p: &Patient,
        label: &str,
        at: DateTime<Utc>,
    ) -> Result<wardline::store::beds::Admission, Error> {
        let bed = self.bed(label).id;
        let attending = self.doctor.user.id.clone();
        ops::beds::admit(
            &mut self.db,
            &self.nurse,
            &AdmitInput {
                patient: &p.id,
                bed: &bed,
                attending: &attending,
                reason: "pneumonia",
            },
            at,
        )
    }

    fn admit(
        &mut self,
        p: &Patient,
        label: &str,
    ) -> Result<wardline::store::beds::Admission, Error> {
        self.admit_at(p, label, now())
    }

    fn raw(&self) -> Connection {
        let c = Connection::open(&self.path).expect("raw connection");
        c.pragma_update(None, "foreign_keys", "ON").unwrap();
        c
    }

    fn audit_actions(&self) -> Vec<String> {
        let conn = self.raw();
        let mut stmt = conn
            .prepare(
                "SELECT action || ' ' || entity || ': ' || summary FROM audit_log ORDER BY seq",
            )
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }
}

fn refused(r: Result<impl std::fmt::Debug, Error>) -> String {
    match r {
        Err(e @ (Error::Refused(_) | Error::NotPermitted(_))) => e.to_string(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

// ---- invariants in the database itself -------------------------------------

#[test]
fn the_schema_refuses_a_second_active_admission_and_a_second_occupant() {
    let mut h = hospital();
    let ann = h.patient("Ann", "F");
    let bob = h.patient("Bob", "M");
    let a = h.admit(&ann, "MED-01").expect("admit");
    let conn = h.raw();
    let ts = format_ts(now());
    let doctor = h.doctor.user.id.to_string();
    let med2 = h.bed("MED-02").id.to_string();
    let med1 = h.bed("MED-01").id.to_string();
    conn.execute("UPDATE beds SET status = 'occupied' WHERE id = ?1", [&med2])
        .expect("mark MED-02 occupied by hand");
    // Ann again, into another bed, bypassing the program.
    let second = conn.execute(
        "INSERT INTO admissions (id, patient_id, bed_id, attending_id, reason, admitted_at)
         VALUES (?1, ?2, ?3, ?4, 'again', ?5)",
        params![Id::new().as_str(), ann.id.as_str(), med2, doctor, ts],
    );
    let e = second.expect_err("a second active admission is refused");
    assert!(e.to_string().contains("UNIQUE"), "{e}");
    // Bob into Ann's bed.
    let occupant = conn.execute(
        "INSERT INTO admissions (id, patient_id, bed_id, attending_id, reason, admitted_at)
         VALUES (?1, ?2, ?3, ?4, 'squeeze in', ?5)",
        params![Id::new().as_str(), bob.id.as_str(), med1, doctor, ts],
    );
    let e = occupant.expect_err("a second occupant is refused");
    assert!(e.to_string().contains("UNIQUE"), "{e}");
    // Bob into a bed not marked occupied.
    let med3 = h.bed("MED-03").id.to_string();
    let e = conn
        .execute(
            "INSERT INTO admissions (id, patient_id, bed_id, attending_id, reason, admitted_at)
             VALUES (?1, ?2, ?3, ?4, 'free bed', ?5)",
            params![Id::new().as_str(), bob.id.as_str(), med3, doctor, ts],
        )
        .expect_err("an admission into a bed not marked occupied is refused");
    assert!(e.to_string().contains("not marked occupied"), "{e}");
    // Ann's bed cannot be freed while she is in it.
    let e = conn
        .execute("UPDATE beds SET status = 'cleaning' WHERE id = ?1", [&med1])
        .expect_err("an occupied bed with its patient stays occupied");
    assert!(e.to_string().contains("still has a patient"), "{e}");
    // Nor retired, nor the admission deleted.
    assert!(
        conn.execute(
            "UPDATE beds SET retired_at = ?2 WHERE id = ?1",
            params![med1, ts]
        )
        .is_err()
    );
    assert!(
        conn.execute("DELETE FROM admissions WHERE id = ?1", [a.id.as_str()])
            .is_err()
    );
    assert!(conn.execute("DELETE FROM bed_stays", []).is_err());
}

#[test]
fn every_bed_status_move_is_held_by_the_schema_as_by_the_rules() {
    let mut h = hospital();
    let ann = h.patient("Ann", "F").id.to_string();
    let conn = h.raw();
    let ts = format_ts(now());
    let ward = h.ward.id.to_string();
    // the columns each status needs, so that only the move is judged
    let extras = |status: BedStatus| match status {
        BedStatus::Reserved => (Some(ann.clone()), Some(ts.clone()), None),
        BedStatus::OutOfService => (None, None, Some("broken".to_string())),
        _ => (None, None, None),
    };
    for (n, from) in BedStatus::iter().enumerate() {
        for (m, to) in BedStatus::iter().enumerate() {
            if from == to {
                continue;
            }
            let id = Id::new().to_string();
            let (rf, ru, oos) = extras(from);
            conn.execute(
                "INSERT INTO beds (id, ward_id, label, kind, status, status_since, reserved_for,
                                   reserved_until, out_of_service_reason, created_at)
                 VALUES (?1, ?2, ?3, 'standard', ?4, ?5, ?6, ?7, ?8, ?5)",
                params![
                    id,
                    ward,
                    format!("T-{n}{m}"),
                    from.to_string(),
                    ts,
                    rf,
                    ru,
                    oos
                ],
            )
            .unwrap_or_else(|e| panic!("a bed {from}: {e}"));
            let (rf, ru, oos) = extras(to);
            let result = conn.execute(
                "UPDATE beds SET status = ?2, reserved_for = ?3, reserved_until = ?4,
                        out_of_service_reason = ?5 WHERE id = ?1",
                params![id, to.to_string(), rf, ru, oos],
            );
            assert_eq!(
                result.is_ok(),
                from.can_become(to),
                "{from} -> {to}: the schema said {result:?}"
            );
        }
    }
}

// ---- admit, transfer, discharge ---------------------------------------------

#[test]
fn admit_transfer_discharge_and_clean_keep_the_history() {
    let mut h = hospital();
    let ann = h.patient("Ann", "F");
    let t0 = now() - Duration::hours(50);
    let a = h.admit_at(&ann, "MED-01", t0).expect("admit");
    assert_eq!(a.bed_label, "MED-01");
    assert_eq!(a.attending, "Dr. Aisha Rahman");
    assert_eq!(h.status("MED-01"), BedStatus::Occupied);

    let t1 = t0 + Duration::hours(20);
    let med2 = h.bed("MED-02").id;
    let moved = ops::beds::transfer(&mut h.db, &h.nurse, &a.id, &med2, "nearer the station", t1)
        .expect("transfer");
    assert_eq!(moved.bed_label, "MED-02");
    assert_eq!(h.status("MED-01"), BedStatus::Cleaning);
    assert_eq!(h.status("MED-02"), BedStatus::Occupied);

    let board = ops::beds::board(&mut h.db, &h.nurse, now(), true).expect("board");
    let tile = board.beds.iter().find(|b| b.bed.label == "MED-02").unwrap();
    assert_eq!(tile.occupant.as_ref().unwrap().patient.mrn, ann.mrn);
    assert_eq!(board.occupancy(None), (1, 4));
    assert_eq!(board.occupancy(Some(&h.ward.id)), (1, 3));

    let t2 = t1 + Duration::hours(10);
    let done = ops::beds::discharge(
        &mut h.db,
        &h.doctor,
        &a.id,
        Disposition::Home,
        "walks well",
        t2,
    )
    .expect("discharge");
    assert_eq!(done.disposition, Some(Disposition::Home));
    assert_eq!(done.discharged_at, Some(t2));
    assert_eq!(h.status("MED-02"), BedStatus::Cleaning);

    let history = ops::beds::admissions_of(&h.db, &h.nurse, &ann.id).expect("history");
    assert_eq!(history.len(), 1);
    let stays = &history[0].1;
    let beds: Vec<(&str, Option<DateTime<Utc>>)> = stays
        .iter()
        .map(|s| (s.bed_label.as_str(), s.ended_at))
        .collect();
    assert_eq!(beds, vec![("MED-01", Some(t1)), ("MED-02", Some(t2))]);
    assert_eq!(stays[1].reason, "nearer the station");

    let t3 = now();
    let bed_med_02 = h.bed("MED-02").id;
    let clean = ops::beds::mark_clean(&mut h.db, &h.nurse, &bed_med_02, t3).expect("clean");
    assert_eq!(clean.status, BedStatus::Available);
    assert_eq!(clean.cleaned_at, Some(t3));
    let bed_med_01 = h.bed("MED-01").id;
    let detail = ops::beds::bed_detail(&mut h.db, &h.nurse, &bed_med_01).expect("detail");
    assert_eq!(detail.history.len(), 1);
    assert_eq!(detail.history[0].patient.mrn, ann.mrn);

    let actions = h.audit_actions();
    for expected in [
        "ADMIT admission",
        "TRANSFER admission",
        "DISCHARGE admission",
        "UPDATE bed: MED-02 cleaned",
        "READ bed_board",
        "READ bed: opened bed MED-01",
    ] {
        assert!(
            actions.iter().any(|a| a.starts_with(expected)),
            "no {expected} in {actions:#?}"
        );
    }
}

#[test]
fn admission_refusals_say_why() {
    let mut h = hospital();
    let ann = h.patient("Ann", "F");
    let bob = h.patient("Bob", "M");
    let una = h.patient("Una", "U");
    h.admit(&ann, "MED-01").expect("admit");
    let m = refused(h.admit(&ann, "MED-02"));
    assert!(m.contains("already admitted, in bed MED-01"), "{m}");
    let m = refused(h.admit(&bob, "MED-01"));
    assert!(m.contains("MED-01 is occupied"), "{m}");
    let m = refused(h.admit(&bob, "W-01"));
    assert!(m.contains("women only"), "{m}");
    let m = refused(h.admit(&una, "W-01"));
    assert!(m.contains("women only"), "{m}");
    // out of service and cleaning beds are not free
    let med3 = h.bed("MED-03").id;
    ops::beds::out_of_service(&mut h.db, &h.nurse, &med3, "leaking oxygen valve", now())
        .expect("out of service");
    let m = refused(h.admit(&bob, "MED-03"));
    assert!(m.contains("out of service, not free"), "{m}");
    // the receptionist may not admit; the reason is required
    let med2 = h.bed("MED-02").id;
    let attending = h.doctor.user.id.clone();
    let m = refused(ops::beds::admit(
        &mut h.db,
        &h.desk,
        &AdmitInput {
            patient: &bob.id,
            bed: &med2,
            attending: &attending,
            reason: "x",
        },
        now(),
    ));
    assert!(m.contains("receptionist may not admit"), "{m}");
    let m = refused(ops::beds::admit(
        &mut h.db,
        &h.nurse,
        &AdmitInput {
            patient: &bob.id,
            bed: &med2,
            attending: &attending,
            reason: "  ",
        },
        now(),
    ));
    assert!(m.contains("reason for admission"), "{m}");
    // the attending must be a clinician
    let desk = h.desk.user.id.clone();
    let m = refused(ops::beds::admit(
        &mut h.db,
        &h.nurse,
        &AdmitInput {
            patient: &bob.id,
            bed: &med2,
            attending: &desk,
            reason: "x",
        },
        now(),
    ));
    assert!(m.contains("attending clinician"), "{m}");
    assert_eq!(h.status("MED-02"), BedStatus::Available);
}

#[test]
fn reservations_hold_a_bed_for_one_patient_and_lapse() {
    let mut h = hospital();
    let ann = h.patient("Ann", "F");
    let bob = h.patient("Bob", "M");
    let med1 = h.bed("MED-01").id;
    let t = now();
    ops::beds::reserve(
        &mut h.db,
        &h.nurse,
        &med1,
        &ann.id,
        t + Duration::hours(2),
        t,
    )
    .expect("reserve");
    assert_eq!(h.status("MED-01"), BedStatus::Reserved);
    let m = refused(h.admit(&bob, "MED-01"));
    assert!(m.contains("reserved for another patient"), "{m}");
    let a = h
        .admit(&ann, "MED-01")
        .expect("the reserved-for patient is admitted");
    assert_eq!(a.bed_label, "MED-01");
    assert_eq!(h.bed("MED-01").reserved_for, None);

    // a reservation past its time lapses, with an audit event
    let med2 = h.bed("MED-02").id;
    ops::beds::reserve(
        &mut h.db,
        &h.nurse,
        &med2,
        &bob.id,
        t + Duration::hours(1),
        t,
    )
    .expect("reserve");
    let later = t + Duration::hours(2);
    let board = ops::beds::board(&mut h.db, &h.nurse, later, false).expect("board");
    let tile = board.beds.iter().find(|b| b.bed.id == med2).unwrap();
    assert_eq!(tile.bed.status, BedStatus::Available);
    assert!(
        h.audit_actions()
            .iter()
            .any(|a| a.contains("MED-02: reservation lapsed"))
    );

    // cancel, and the refusals
    ops::beds::reserve(
        &mut h.db,
        &h.nurse,
        &med2,
        &bob.id,
        later + Duration::hours(1),
        later,
    )
    .expect("reserve again");
    let bed_med_03 = h.bed("MED-03").id;
    let m = refused(ops::beds::reserve(
        &mut h.db,
        &h.nurse,
        &bed_med_03,
        &bob.id,
        later + Duration::hours(1),
        later,
    ));
    assert!(m.contains("already has a bed reserved"), "{m}");
    let bed_med_03 = h.bed("MED-03").id;
    let m = refused(ops::beds::reserve(
        &mut h.db,
        &h.nurse,
        &bed_med_03,
        &ann.id,
        later - Duration::hours(1),
        later,
    ));
    assert!(m.contains("future"), "{m}");
    ops::beds::cancel_reservation(&mut h.db, &h.nurse, &med2, later).expect("cancel");
    assert_eq!(h.status("MED-02"), BedStatus::Available);
}

#[test]
fn cleaning_and_out_of_service_by_role() {
    let mut h = hospital();
    let med3 = h.bed("MED-03").id;
    let m = refused(ops::beds::out_of_service(
        &mut h.db,
        &h.doctor,
        &med3,
        "broken",
        now(),
    ));
    assert!(m.contains("doctor may not"), "{m}");
    let m = refused(ops::beds::out_of_service(
        &mut h.db,
        &h.nurse,
        &med3,
        "",
        now(),
    ));
    assert!(m.contains("type the reason"), "{m}");
    let b =
        ops::beds::out_of_service(&mut h.db, &h.nurse, &med3, "broken rail", now()).expect("out");
    assert_eq!(b.out_of_service_reason.as_deref(), Some("broken rail"));
    let m = refused(ops::beds::mark_clean(&mut h.db, &h.nurse, &med3, now()));
    assert!(m.contains("not waiting for cleaning"), "{m}");
    let b = ops::beds::back_in_service(&mut h.db, &h.nurse, &med3, now()).expect("back");
    assert_eq!(b.status, BedStatus::Available);
    assert_eq!(b.out_of_service_reason, None);

    // a bed waiting for cleaning may go out of service; an occupied or
    // reserved one may not
    let ann = h.patient("Ann", "F");
    let bob = h.patient("Bob", "M");
    let a = h.admit(&ann, "MED-03").expect("admit");
    let m = refused(ops::beds::out_of_service(
        &mut h.db,
        &h.nurse,
        &med3,
        "broken",
        now(),
    ));
    assert!(m.contains("has a patient in it"), "{m}");
    ops::beds::discharge(&mut h.db, &h.nurse, &a.id, Disposition::Deceased, "", now())
        .expect("discharge");
    ops::beds::out_of_service(&mut h.db, &h.nurse, &med3, "deep clean after death", now())
        .expect("cleaning to out of service");
    let med2 = h.bed("MED-02").id;
    ops::beds::reserve(
        &mut h.db,
        &h.nurse,
        &med2,
        &bob.id,
        now() + Duration::hours(1),
        now(),
    )
    .expect("reserve");
    let m = refused(ops::beds::out_of_service(
        &mut h.db,
        &h.nurse,
        &med2,
        "broken",
        now(),
    ));
    assert!(m.contains("cancel the reservation first"), "{m}");
}

#[test]
fn admins_set_up_wards_and_beds_and_an_occupied_bed_cannot_be_retired() {
    let mut h = hospital();
    let m = refused(ops::beds::add_ward(
        &mut h.db,
        &h.nurse,
        "ICU",
        WardKind::Icu,
        None,
        now(),
    ));
    assert!(m.contains("nurse may not set up wards"), "{m}");
    let m = refused(ops::beds::add_ward(
        &mut h.db,
        &h.admin,
        "medical",
        WardKind::Icu,
        None,
        now(),
    ));
    assert!(m.contains("ward with that name exists"), "{m}");
    let m = refused(ops::beds::add_bed(
        &mut h.db,
        &h.admin,
        &h.women.id,
        "med-01",
        BedKind::Cot,
        now(),
    ));
    assert!(m.contains("MED-01 exists"), "{m}");
    let w = ops::beds::rename_ward(&mut h.db, &h.admin, &h.ward.id, "Medical ward", now())
        .expect("rename");
    assert_eq!(w.name, "Medical ward");
    let bed_med_03 = h.bed("MED-03").id;
    let b =
        ops::beds::rename_bed(&mut h.db, &h.admin, &bed_med_03, "med-3a", now()).expect("relabel");
    assert_eq!(b.label, "MED-3A");

    let ann = h.patient("Ann", "F");
    h.admit(&ann, "MED-01").expect("admit");
    let bed_med_01 = h.bed("MED-01").id;
    let m = refused(ops::beds::retire_bed(
        &mut h.db,
        &h.admin,
        &bed_med_01,
        now(),
    ));
    assert!(m.contains("has a patient in it"), "{m}");
    let m = refused(ops::beds::retire_ward(
        &mut h.db,
        &h.admin,
        &h.ward.id,
        now(),
    ));
    assert!(m.contains("bed MED-01 is occupied"), "{m}");
    let bed_med_3a = h.bed("MED-3A").id;
    ops::beds::retire_bed(&mut h.db, &h.admin, &bed_med_3a, now()).expect("retire");
    assert!(ops::beds::find_bed(&h.db, "MED-3A").is_err());
    ops::beds::retire_ward(&mut h.db, &h.admin, &h.women.id, now()).expect("retire ward");
    let wards: Vec<String> = ops::beds::wards(&h.db, &h.nurse)
        .unwrap()
        .into_iter()
        .map(|w| w.name)
        .collect();
    assert_eq!(wards, vec!["Medical ward"]);
}

// ---- census --------------------------------------------------------------------

#[test]
fn the_census_counts_patients_admitted_before_the_day_and_every_move() {
    let mut h = hospital();
    let conn = h.raw();
    for table in ["wards", "beds"] {
        conn.execute(
            &format!("UPDATE {table} SET created_at = '2025-01-01T00:00:00.000000Z'"),
            [],
        )
        .unwrap();
    }
    let at = |d: u32, hour: u32| Utc.with_ymd_and_hms(2026, 3, d, hour, 0, 0).unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
    let ann = h.patient("Ann", "F");
    let bob = h.patient("Bob", "M");
    let cat = h.patient("Cat", "F");
    let dan = h.patient("Dan", "M");
    // Ann: admitted a week before, still in on the day, moved to Women's on it
    let a = h.admit_at(&ann, "MED-01", at(3, 9)).unwrap();
    let w1 = h.bed("W-01").id;
    ops::beds::transfer(
        &mut h.db,
        &h.nurse,
        &a.id,
        &w1,
        "women's ward free",
        at(10, 15),
    )
    .unwrap();
    // Bob: admitted the evening before, discharged on the day
    let b = h.admit_at(&bob, "MED-02", at(9, 20)).unwrap();
    ops::beds::discharge(
        &mut h.db,
        &h.nurse,
        &b.id,
        Disposition::Referred,
        "",
        at(10, 8),
    )
    .unwrap();
    // Cat: admitted on the day
    h.admit_at(&cat, "MED-03", at(10, 11)).unwrap();
    // Dan: admitted the day after (into the cleaned MED-02)
    let bed_med_02 = h.bed("MED-02").id;
    ops::beds::mark_clean(&mut h.db, &h.nurse, &bed_med_02, at(10, 9)).unwrap();
    h.admit_at(&dan, "MED-02", at(11, 7)).unwrap();

    let c = ops::census::census(&h.db, &h.nurse, day).expect("census");
    assert_eq!(c.wards, vec!["Medical", "Women's"]);
    let med = &c.lines[0];
    assert_eq!(
        (
            med.at_start,
            med.admitted,
            med.transferred_in,
            med.transferred_out,
            med.discharged,
            med.at_end,
            med.beds
        ),
        (2, 1, 0, 1, 1, 1, 3)
    );
    let women = &c.lines[1];
    assert_eq!(
        (women.at_start, women.transferred_in, women.at_end),
        (0, 1, 1)
    );
    assert_eq!(women.occupancy(), 100);
    let total = &c.lines[2];
    assert_eq!((total.at_start, total.at_end, total.beds), (2, 2, 4));
    // the day before: Ann and (from 20:00) Bob
    let before = ops::census::census(&h.db, &h.nurse, day.pred_opt().unwrap()).unwrap();
    assert_eq!(
        (
            before.lines[0].at_start,
            before.lines[0].admitted,
            before.lines[0].at_end
        ),
        (1, 1, 2)
    );
    let mut out = Vec::new();
    ops::census::write_census_csv(&c, &mut out).unwrap();
    let csv = String::from_utf8(out).unwrap();
    assert!(csv.starts_with("date,ward,at_start"), "{csv}");
    assert!(
        csv.contains("2026-03-10,Medical,2,1,0,1,1,1,3,33\n"),
        "{csv}"
    );
    assert!(csv.contains("2026-03-10,TOTAL,2,1,1,1,1,2,4,50\n"), "{csv}");
}

#[test]
fn the_census_csv_cannot_run_as_a_formula_in_a_spreadsheet() {
    use wardline::domain::beds::CensusLine;
    let line = |at_end| CensusLine {
        at_end,
        beds: 4,
        ..CensusLine::default()
    };
    let c = ops::census::Census {
        date: NaiveDate::from_ymd_opt(2026, 3, 10).unwrap(),
        wards: vec!["=HYPERLINK(\"http://x\",\"a\")".into(), "@Maternity".into()],
        lines: vec![line(1), line(2), line(3)],
    };
    let mut out = Vec::new();
    ops::census::write_census_csv(&c, &mut out).unwrap();
    let csv = String::from_utf8(out).unwrap();
    assert_eq!(
        csv,
        "date,ward,at_start,admitted,transferred_in,transferred_out,discharged,at_end,beds,occupancy_percent\n\
         2026-03-10,\"'=HYPERLINK(\"\"http://x\"\",\"\"a\"\")\",0,0,0,0,0,1,4,25\n\
         2026-03-10,'@Maternity,0,0,0,0,0,2,4,50\n\
         2026-03-10,TOTAL,0,0,0,0,0,3,4,75\n"
    );
}

// ---- two terminals --------------------------------------------------------------

#[test]
fn two_terminals_admitting_into_one_bed_one_wins_the_other_is_told() {
    let mut h = hospital();
    let ann = h.patient("Ann", "F");
    let bob = h.patient("Bob", "M");
    let bed = h.bed("MED-01").id;
    let attending = h.doctor.user.id.clone();
    let barrier = Arc::new(Barrier::new(2));
    let mut handles = Vec::new();
    for (patient, session) in [
        (ann.id.clone(), h.nurse.clone()),
        (bob.id.clone(), h.doctor.clone()),
    ] {
        let path = h.path.clone();
        let barrier = Arc::clone(&barrier);
        let bed = bed.clone();
        let attending = attending.clone();
        handles.push(std::thread::spawn(move || {
            let mut db = Db::open(&path).expect("second terminal opens the file");
            barrier.wait();
            ops::beds::admit(
                &mut db,
                &session,
                &AdmitInput {
                    patient: &patient,
                    bed: &bed,
                    attending: &attending,
                    reason: "chest pain",
                },
                Utc::now(),
            )
        }));
    }
    let results: Vec<_> = handles.into_iter().map(|t| t.join().unwrap()).collect();
    let won = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(won, 1, "{results:?}");
    let loser = results.into_iter().find(|r| r.is_err()).unwrap();
    let m = refused(loser);
    assert!(m.contains("MED-01 is occupied"), "{m}");
    let in_bed: i64 = h
        .raw()
        .query_row(
            "SELECT count(*) FROM admissions WHERE discharged_at IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(in_bed, 1);
}

// ---- merge ------------------------------------------------------------------------

#[test]
fn merge_is_refused_while_either_patient_is_admitted() {
    let mut h = hospital();
    let ann = h.patient("Ann", "F");
    let dup = h.patient("Anne", "F");
    let a = h.admit(&ann, "MED-01").expect("admit");
    let m = refused(ops::patients::merge(
        &mut h.db,
        &h.admin,
        &dup.id,
        &ann.id,
        now(),
    ));
    assert!(m.contains("is admitted"), "{m}");
    let m = refused(ops::patients::merge(
        &mut h.db,
        &h.admin,
        &ann.id,
        &dup.id,
        now(),
    ));
    assert!(m.contains("is admitted"), "{m}");
    ops::beds::discharge(&mut h.db, &h.nurse, &a.id, Disposition::Home, "", now())
        .expect("discharge");
    ops::patients::merge(&mut h.db, &h.admin, &ann.id, &dup.id, now())
        .expect("merge after discharge");
}

// ---- the command line -----------------------------------------------------------

fn wardline(h: &Hospital, args: &[&str]) -> (bool, String) {
    common::cli::said(h._dir.path(), args, &format!("{PASSWORD}\n"))
}

#[test]
fn the_command_line_sets_up_wards_and_beds_and_prints_the_census() {
    let mut h = hospital();
    let ann = h.patient("Ann", "F");
    h.admit(&ann, "MED-01").unwrap();
    let (ok, out) = wardline(
        &h,
        &[
            "wards", "add", "--name", "ICU", "--kind", "icu", "--as", "admin",
        ],
    );
    assert!(ok, "{out}");
    assert!(out.contains("Added ward ICU (ICU)."), "{out}");
    let (ok, out) = wardline(
        &h,
        &[
            "beds", "add", "--ward", "icu", "--label", "icu-1", "--kind", "icu", "--as", "admin",
        ],
    );
    assert!(ok, "{out}");
    assert!(out.contains("Added bed ICU-1 to ICU"), "{out}");
    let (ok, out) = wardline(&h, &["beds", "retire", "--bed", "MED-01", "--as", "admin"]);
    assert!(!ok);
    assert!(
        out.contains("has a patient in it and cannot be retired"),
        "{out}"
    );
    let (ok, out) = wardline(&h, &["wards", "add", "--name", "X", "--as", "nurse"]);
    assert!(!ok);
    assert!(out.contains("nurse may not set up wards"), "{out}");
    let (ok, out) = wardline(&h, &["wards", "list", "--as", "nurse"]);
    assert!(ok, "{out}");
    assert!(out.contains("Women's"), "{out}");

    let today = chrono::Utc::now().date_naive().to_string();
    let (ok, out) = wardline(
        &h,
        &[
            "report", "census", "--date", &today, "--format", "csv", "--as", "nurse",
        ],
    );
    assert!(ok, "{out}");
    assert!(
        out.contains(&format!("{today},Medical,0,1,0,0,0,1,3,33")),
        "{out}"
    );
    assert!(
        out.contains(&format!("{today},TOTAL,0,1,0,0,0,1,5,20")),
        "{out}"
    );
    let (ok, out) = wardline(&h, &["report", "census", "--as", "nurse"]);
    assert!(ok, "{out}");
    assert!(out.contains("Hospital"), "{out}");
    let (ok, out) = wardline(
        &h,
        &["report", "census", "--date", "14/03/2026", "--as", "nurse"],
    );
    assert!(!ok);
    assert!(out.contains("type it as YYYY-MM-DD"), "{out}");
}
