//! The clinical record on real hospital files, in a hospital west of UTC
//! (America/Lima, UTC−5) with a fixed clock: the rules the file holds with
//! the program bypassed, NEWS2 stored for admitted adults and its trend on
//! the board, drafts saved over a stale version refused, signing and
//! addenda, diagnoses, allergies and problems, who sees what for every role
//! with break the glass, and the worklist's pending flags.

mod common;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use common::clinic::{self as fixture, news2_set as complete};
use std::path::PathBuf;
use tempfile::TempDir;
use wardline::auth::{self, Session};
use wardline::domain::appointment::Status;
use wardline::domain::beds::{BedKind, WardKind};
use wardline::domain::care::Sections;
use wardline::domain::clock::{Clock, Tz};
use wardline::domain::conditions::{AllergyState, Certainty, Rank, Severity};
use wardline::domain::ids::Id;
use wardline::domain::news2::{Band, Consciousness, Trend};
use wardline::domain::patient::Patient;
use wardline::domain::role::Role;
use wardline::domain::visit::{NoteText, VisitKind};
use wardline::domain::vitals::Vitals;
use wardline::error::Error;
use wardline::ops;
use wardline::ops::diagnoses::DiagnosisInput;
use wardline::ops::vitals::VitalsInput;
use wardline::ops::worklist::Reason;
use wardline::store::Db;
use wardline::store::clinical::visits::Visit;

const ZONE: Tz = chrono_tz::America::Lima;

/// 09:00 on Monday 9 March 2026 in Lima.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 9, 14, 0, 0).unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 9).unwrap()
}

fn at(t: DateTime<Utc>) -> Clock {
    Clock::new(t, ZONE)
}

struct Clinic {
    _dir: Option<TempDir>,
    path: PathBuf,
    db: Db,
    admin: Session,
    doctor: Session,
    locum: Session,
    nurse: Session,
    pharm: Session,
    lab: Session,
    desk: Session,
    bed: Id,
}

fn clinic() -> Clinic {
    let mut c = fixture::Clinic::new(ZONE, t0() - Duration::days(10), t0());
    c.staff(&[
        fixture::DOCTOR,
        fixture::LOCUM,
        fixture::NURSE,
        fixture::PHARMACIST,
        fixture::LAB_TECH,
        fixture::RECEPTIONIST,
    ]);
    let mut s = |n: &str| c.signed_in(n, t0());
    let (doctor, locum, nurse, pharm, lab, desk) = (
        s("doctor"),
        s("locum"),
        s("nurse"),
        s("pharm"),
        s("lab"),
        s("desk"),
    );
    let ward = c.ward("Medical", WardKind::Medical);
    c.nurse_on("nurse", &ward);
    let bed = c.bed(&ward, "MED-01");
    c.bed(&ward, "MED-02");
    Clinic {
        _dir: c.dir,
        path: c.path,
        db: c.db,
        admin: c.admin,
        doctor,
        locum,
        nurse,
        pharm,
        lab,
        desk,
        bed,
    }
}

fn normal_set() -> Vitals {
    complete(16, 97, false, 125, 72, Consciousness::Alert, 369)
}

impl Clinic {
    fn patient(&mut self, given: &str, birth: &str) -> Patient {
        let input = fixture::person(given, "Tester", birth, "F");
        fixture::register(&mut self.db, &self.desk, &input, t0() - Duration::days(9))
    }

    /// Books `p` with the doctor today at `minute`, checks them in, and
    /// (when `call`) calls them in; returns the appointment.
    fn appointment(&mut self, p: &Patient, minute: u16, call: bool) -> Id {
        let doctor = self.doctor.user.id.clone();
        let b = fixture::book(
            &mut self.db,
            &self.desk,
            &p.id,
            &doctor,
            today(),
            minute,
            t0() - Duration::days(1),
        );
        let b = fixture::advance(&mut self.db, &self.desk, &b, Status::CheckedIn, at(t0()));
        if call {
            fixture::advance(
                &mut self.db,
                &self.doctor,
                &b,
                Status::InConsultation,
                at(t0()),
            );
        }
        b.appt.id
    }

    fn admit(&mut self, p: &Patient, when: DateTime<Utc>) -> Id {
        let attending = self.doctor.user.id.clone();
        let bed = self.bed.clone();
        fixture::admit(
            &mut self.db,
            &self.nurse,
            &p.id,
            &bed,
            &attending,
            "pneumonia",
            when,
        )
    }

    fn vitals(
        &mut self,
        by: Role,
        p: &Patient,
        v: Vitals,
        when: DateTime<Utc>,
    ) -> Result<ops::vitals::Recorded, Error> {
        let s = self.session(by);
        ops::vitals::record(
            &mut self.db,
            &s,
            &VitalsInput {
                patient: &p.id,
                visit: None,
                taken_at: when,
                vitals: v,
            },
            at(when.max(t0())),
        )
    }

    fn session(&self, r: Role) -> Session {
        match r {
            Role::Admin => self.admin.clone(),
            Role::Doctor => self.doctor.clone(),
            Role::Nurse => self.nurse.clone(),
            Role::Pharmacist => self.pharm.clone(),
            Role::LabTech => self.lab.clone(),
            _ => self.desk.clone(),
        }
    }

    fn events(&self, action: &str, patient: &Id) -> i64 {
        self.db
            .conn()
            .query_row(
                "SELECT count(*) FROM audit_log WHERE action = ?1 AND patient_id = ?2",
                [action, patient.as_str()],
                |r| r.get(0),
            )
            .unwrap()
    }

    /// A visit of the doctor's, with a signed note, an addendum, a set of
    /// vitals, a diagnosis, an allergy and a problem.
    fn full_record(&mut self, p: &Patient) -> Visit {
        let appt = self.appointment(p, 540, true);
        let v =
            ops::visits::open_for_appointment(&mut self.db, &self.doctor, &appt, at(t0())).unwrap();
        let note = NoteText {
            presenting_complaint: "fever for 3 days".into(),
            assessment: "malaria".into(),
            plan: "artemether-lumefantrine".into(),
            ..NoteText::default()
        };
        let n = ops::visits::save_draft(&mut self.db, &self.doctor, &v.id, &note, None, at(t0()))
            .unwrap();
        ops::visits::sign(&mut self.db, &self.doctor, &v.id, n.version, at(t0())).unwrap();
        ops::visits::add_addendum(
            &mut self.db,
            &self.doctor,
            &v.id,
            "result",
            "RDT positive",
            at(t0()),
        )
        .unwrap();
        self.vitals(Role::Doctor, p, normal_set(), t0()).unwrap();
        ops::diagnoses::add(
            &mut self.db,
            &self.doctor,
            &DiagnosisInput {
                visit: &v.id,
                code_system: "ICD-10-CM",
                code: "B54",
                text: "Unspecified malaria",
                rank: Rank::Primary,
                certainty: Certainty::Confirmed,
            },
            at(t0()),
        )
        .unwrap();
        ops::allergies::record(
            &mut self.db,
            &self.doctor,
            &p.id,
            "penicillin",
            "rash",
            Severity::Moderate,
            at(t0()),
        )
        .unwrap();
        ops::allergies::add_problem(
            &mut self.db,
            &self.doctor,
            &ops::allergies::ProblemInput {
                patient: &p.id,
                code_system: "ICD-10-CM",
                code: "I10",
                text: "Essential hypertension",
                onset: NaiveDate::from_ymd_opt(2020, 1, 1),
            },
            at(t0()),
        )
        .unwrap();
        // The consultation ends: the patient leaves the clinic's queue.
        let booked = ops::appointments::for_patient(&self.db, &self.desk, &p.id).unwrap();
        let b = booked.iter().find(|b| b.appt.id == appt).unwrap();
        ops::appointments::advance(
            &mut self.db,
            &self.doctor,
            &appt,
            b.appt.version,
            Status::Completed,
            None,
            at(t0()),
        )
        .expect("complete");
        v
    }
}

fn refused(e: &rusqlite::Error, words: &str) {
    assert!(e.to_string().contains(words), "{e}");
}

#[test]
fn the_file_refuses_what_the_rules_forbid_with_the_program_bypassed() {
    let mut c = clinic();
    let p = c.patient("Amina", "1980-02-03");
    let other = c.patient("Other", "1981-02-03");
    let v = c.full_record(&p);
    let raw = common::raw(&c.path);
    let one = |sql: &str| raw.execute(sql, []).expect_err(sql);

    // A signed note never changes and is never deleted.
    refused(
        &one("UPDATE visit_notes SET plan = 'rest'"),
        "corrections are addenda",
    );
    refused(
        &one("UPDATE visit_notes SET signed_at = NULL, signed_by = NULL"),
        "corrections are addenda",
    );
    refused(&one("DELETE FROM visit_notes"), "corrections are addenda");
    // Addenda are append-only.
    refused(
        &one("UPDATE note_addenda SET body = 'negative'"),
        "append-only",
    );
    refused(&one("DELETE FROM note_addenda"), "append-only");
    // A visit's patient and clinician never change; visits stay.
    refused(
        &raw.execute("UPDATE visits SET patient_id = ?1", [other.id.as_str()])
            .unwrap_err(),
        "never change",
    );
    refused(
        &raw.execute(
            "UPDATE visits SET clinician_id = ?1",
            [c.locum.user.id.as_str()],
        )
        .unwrap_err(),
        "never change",
    );
    refused(&one("DELETE FROM visits"), "never deleted");
    // Vitals: no edit, no delete; the error mark once.
    refused(&one("UPDATE vitals SET pulse = 99"), "append-only");
    refused(&one("DELETE FROM vitals"), "never deleted");
    raw.execute(
        "UPDATE vitals SET error_at = '2026-03-09T15:00:00.000000Z', error_by = ?1, error_reason = 'wrong patient'",
        [c.doctor.user.id.as_str()],
    )
    .expect("the one change a set may have");
    refused(
        &one("UPDATE vitals SET error_reason = 'other'"),
        "append-only",
    );
    // Out-of-range and empty sets are refused by CHECK.
    let ins = |cols: &str, vals: &str| {
        raw.execute(
            &format!(
                "INSERT INTO vitals (id, patient_id, taken_at, taken_by, recorded_at{cols})
                 VALUES ('x', ?1, '2026-03-09T15:00:00.000000Z', ?2, '2026-03-09T15:00:00.000000Z'{vals})"
            ),
            [p.id.as_str(), c.doctor.user.id.as_str()],
        )
    };
    refused(&ins(", temperature_dc", ", 500").unwrap_err(), "CHECK");
    refused(&ins(", pulse", ", 5").unwrap_err(), "CHECK");
    refused(&ins("", "").unwrap_err(), "CHECK");
    // Diagnoses, allergies: append-only but for the error mark.
    refused(&one("UPDATE diagnoses SET code = 'J18.9'"), "append-only");
    refused(&one("DELETE FROM diagnoses"), "never deleted");
    refused(
        &one("UPDATE allergies SET severity = 'severe'"),
        "append-only",
    );
    refused(&one("DELETE FROM allergies"), "never deleted");
    // Problems: only the resolution and the error mark, once each.
    refused(&one("UPDATE problems SET text = 'other'"), "only gains");
    raw.execute(
        "UPDATE problems SET resolved_on = '2026-03-01', resolved_by = ?1",
        [c.doctor.user.id.as_str()],
    )
    .expect("resolving once");
    refused(
        &one("UPDATE problems SET resolved_on = '2026-03-02'"),
        "only gains",
    );
    refused(&one("DELETE FROM problems"), "never deleted");
    // An addendum only on a signed note; a note signed only by its author
    // or the visit's clinician.
    let draft_visit =
        ops::visits::start(&mut c.db, &c.doctor, &p.id, VisitKind::Outpatient, at(t0())).unwrap();
    ops::visits::save_draft(
        &mut c.db,
        &c.doctor,
        &draft_visit.id,
        &NoteText {
            plan: "x".into(),
            ..NoteText::default()
        },
        None,
        at(t0()),
    )
    .unwrap();
    let raw = common::raw(&c.path);
    refused(
        &raw.execute(
            "INSERT INTO note_addenda (id, visit_id, author_id, reason, body, added_at)
             VALUES ('a', ?1, ?2, 'why', 'what', '2026-03-09T15:00:00.000000Z')",
            [draft_visit.id.as_str(), c.doctor.user.id.as_str()],
        )
        .unwrap_err(),
        "signed note",
    );
    refused(
        &raw.execute(
            "UPDATE visit_notes SET signed_at = '2026-03-09T15:00:00.000000Z', signed_by = ?2 WHERE visit_id = ?1",
            [draft_visit.id.as_str(), c.locum.user.id.as_str()],
        )
        .unwrap_err(),
        "author or the visit's clinician",
    );
    refused(
        &raw.execute(
            "DELETE FROM visit_notes WHERE visit_id = ?1",
            [draft_visit.id.as_str()],
        )
        .unwrap_err(),
        "never deleted",
    );
    // Break-the-glass grants are append-only.
    ops::clinical::break_glass(&mut c.db, &c.admin, &p.id, "audit of a complaint", at(t0()))
        .unwrap();
    let raw = common::raw(&c.path);
    refused(
        &raw.execute("UPDATE access_grants SET reason = 'x'", [])
            .unwrap_err(),
        "append-only",
    );
    refused(
        &raw.execute("DELETE FROM access_grants", []).unwrap_err(),
        "append-only",
    );
    assert_eq!(
        raw.query_row("SELECT count(*) FROM note_addenda", [], |r| r
            .get::<_, i64>(0))
            .unwrap(),
        1
    );
    let _ = v;
}

#[test]
fn the_latest_news2_of_each_admission_is_kept_by_the_file_from_its_sets() {
    let mut c = clinic();
    let adult = c.patient("Grace", "1950-01-01");
    let admission = c.admit(&adult, t0() - Duration::days(2));
    let score = |c: &mut Clinic| {
        let nurse = c.nurse.clone();
        ops::worklist::board_scores(&mut c.db, &nurse, false)
            .unwrap()
            .get(&admission)
            .map(|s| (s.score, s.trend))
    };
    let worse = || complete(24, 93, true, 105, 112, Consciousness::Alert, 384);
    c.vitals(Role::Nurse, &adult, normal_set(), t0() - Duration::hours(4))
        .unwrap();
    let high = c.vitals(Role::Nurse, &adult, worse(), t0()).unwrap();
    assert_eq!(score(&mut c), Some((10, Trend::Rising)));
    // A set taken earlier but recorded later is not the latest; it is the
    // one before the latest.
    c.vitals(Role::Nurse, &adult, worse(), t0() - Duration::hours(1))
        .unwrap();
    assert_eq!(score(&mut c), Some((10, Trend::Same)));
    // Every scored set in error: no score.
    let raw = common::raw(&c.path);
    let ids: Vec<String> = raw
        .prepare("SELECT id FROM vitals WHERE admission_id = ?1 AND news2_score IS NOT NULL")
        .unwrap()
        .query_map([admission.as_str()], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(ids.len(), 3);
    for id in &ids {
        let id = Id::from_stored(id.clone());
        ops::vitals::mark_in_error(&mut c.db, &c.nurse, &id, "wrong patient", at(t0())).unwrap();
    }
    assert_eq!(score(&mut c), None);
    c.vitals(Role::Nurse, &adult, worse(), t0() + Duration::hours(1))
        .unwrap();
    assert_eq!(score(&mut c), Some((10, Trend::First)));

    // With the program bypassed, the file refuses a score its sets do not
    // say, and keeps the one they do.
    for sql in [
        "UPDATE admission_news2 SET score = 0",
        "DELETE FROM admission_news2",
        "INSERT OR REPLACE INTO admission_news2 (admission_id, taken_at, score, band)
         SELECT admission_id, taken_at, 0, 'low' FROM admission_news2",
    ] {
        refused(
            &raw.execute(sql, []).unwrap_err(),
            "follows its vitals sets",
        );
    }
    assert_eq!(score(&mut c), Some((10, Trend::First)));
    let _ = high;

    // A file of schema 13 (without the later migrations' tables) gets the
    // scores of its admissions' sets when migrated.
    drop(raw);
    let before = score(&mut c);
    let Clinic { path, db, .. } = c;
    drop(db);
    common::raw(&path)
        .execute_batch(common::UNDO_SINCE_BILLING)
        .unwrap();
    common::raw(&path)
        .execute_batch(
            "DROP TABLE lab_results; DROP TABLE lab_order_tests; DROP TABLE lab_orders;
             DROP TABLE lab_ranges; DROP TABLE lab_analytes; DROP TABLE lab_tests;
             DROP TRIGGER admission_news2_on_set; DROP TRIGGER admission_news2_on_error;
             DROP VIEW admission_news2_of_sets; DROP TABLE admission_news2;
             CREATE INDEX vitals_standing_taken ON vitals (taken_at, patient_id)
                 WHERE error_at IS NULL;
             PRAGMA user_version = 13;",
        )
        .unwrap();
    let mut db = wardline::store::Db::open(&path).unwrap();
    let n: i64 = db
        .conn()
        .query_row("SELECT count(*) FROM admission_news2", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
    let (s, band, previous): (i64, String, Option<i64>) = db
        .conn()
        .query_row(
            "SELECT score, band, previous FROM admission_news2 WHERE admission_id = ?1",
            [admission.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((s, band.as_str(), previous), (10, "high", None));
    assert_eq!(before, Some((10, Trend::First)));
    let _ = &mut db;
}

#[test]
fn news2_is_stored_for_admitted_adults_with_a_complete_set_and_its_trend_reaches_the_board() {
    let mut c = clinic();
    let adult = c.patient("Grace", "1950-01-01");
    let outpatient = c.patient("Out", "1960-01-01");
    let admission = c.admit(&adult, t0() - Duration::days(2));

    // Not admitted: no score.
    c.appointment(&outpatient, 600, true);
    let r = c
        .vitals(Role::Doctor, &outpatient, normal_set(), t0())
        .unwrap();
    assert_eq!(r.record.news2, None);
    assert_eq!(r.trend, None);

    // Admitted adult, complete set: scored and stored.
    let first = c
        .vitals(Role::Nurse, &adult, normal_set(), t0() - Duration::hours(4))
        .unwrap();
    assert_eq!(first.record.news2, Some((0, Band::Low)));
    assert_eq!(first.trend, Some(Trend::First));
    assert_eq!(first.record.admission_id.as_ref(), Some(&admission));

    // Incomplete (no ACVPU): not scored.
    let mut partial = normal_set();
    partial.consciousness = None;
    assert_eq!(
        c.vitals(Role::Nurse, &adult, partial, t0() - Duration::hours(3))
            .unwrap()
            .record
            .news2,
        None
    );

    // Worse: RR 24, SpO2 93 on oxygen, SBP 105, pulse 112, 38.4 °C = 10, high, rising.
    let worse = complete(24, 93, true, 105, 112, Consciousness::Alert, 384);
    let r = c.vitals(Role::Nurse, &adult, worse, t0()).unwrap();
    assert_eq!(r.record.news2, Some((10, Band::High)));
    assert_eq!(r.trend, Some(Trend::Rising));
    let board = ops::worklist::board_scores(&mut c.db, &c.nurse, true).unwrap();
    let s = board.get(&admission).expect("the admission's score");
    assert_eq!((s.score, s.band, s.trend), (10, Band::High, Trend::Rising));
    assert!(s.alarming());

    // Marked in error, the set leaves the board; the earlier one is back.
    ops::vitals::mark_in_error(&mut c.db, &c.nurse, &r.record.id, "wrong patient", at(t0()))
        .unwrap();
    let again = ops::vitals::mark_in_error(&mut c.db, &c.nurse, &r.record.id, "again", at(t0()));
    assert!(matches!(again, Err(Error::Refused(_))), "{again:?}");
    let board = ops::worklist::board_scores(&mut c.db, &c.nurse, false).unwrap();
    assert_eq!(
        board.get(&admission).map(|s| (s.score, s.trend)),
        Some((0, Trend::First))
    );

    // A child admitted: no NEWS2 (it is for adults), but values flagged for the age band.
    ops::beds::discharge(
        &mut c.db,
        &c.nurse,
        &admission,
        wardline::domain::beds::Disposition::Home,
        "",
        t0(),
    )
    .unwrap();
    let raw = common::raw(&c.path);
    raw.execute(
        "UPDATE beds SET status = 'available' WHERE label = 'MED-01'",
        [],
    )
    .unwrap();
    let child = c.patient("Kito", "2023-06-01");
    c.admit(&child, t0());
    let kid = Vitals {
        pulse: Some(170),
        ..complete(30, 97, false, 90, 130, Consciousness::Alert, 372)
    };
    let r = c.vitals(Role::Nurse, &child, kid, t0()).unwrap();
    assert_eq!(r.record.news2, None);
    assert!(
        r.flags.iter().any(|f| f
            .words
            .contains("pulse 170 /min is high for a child of 1–4 years")),
        "{:?}",
        r.flags
    );

    // Impossible values are refused with the plausible range.
    let e = c
        .vitals(
            Role::Nurse,
            &child,
            Vitals {
                temperature_dc: Some(520),
                ..Vitals::default()
            },
            t0(),
        )
        .unwrap_err();
    assert!(e.to_string().contains("25.0–45.0 °C"), "{e}");
    // MUAC for a child under five only.
    let thin = c
        .vitals(
            Role::Nurse,
            &child,
            Vitals {
                muac_mm: Some(110),
                ..Vitals::default()
            },
            t0(),
        )
        .unwrap();
    assert!(thin.flags[0].words.contains("severe acute malnutrition"));
    let e = c.vitals(
        Role::Nurse,
        &adult,
        Vitals {
            muac_mm: Some(250),
            ..Vitals::default()
        },
        t0(),
    );
    assert!(e.is_err());
}

#[test]
fn drafts_save_over_their_version_only_and_signed_notes_take_addenda() {
    let mut c = clinic();
    let p = c.patient("Joy", "1990-04-04");
    let appt = c.appointment(&p, 540, true);
    let v = ops::visits::open_for_appointment(&mut c.db, &c.doctor, &appt, at(t0())).unwrap();
    assert_eq!(v.kind, VisitKind::Outpatient);
    // Reopening gives the same visit.
    let again = ops::visits::open_for_appointment(&mut c.db, &c.doctor, &appt, at(t0())).unwrap();
    assert_eq!(again.id, v.id);

    let mut text = NoteText {
        presenting_complaint: "cough".into(),
        ..NoteText::default()
    };
    let n1 = ops::visits::save_draft(&mut c.db, &c.doctor, &v.id, &text, None, at(t0())).unwrap();
    assert_eq!(n1.version, 1);
    text.history = "two weeks".into();
    let n2 =
        ops::visits::save_draft(&mut c.db, &c.doctor, &v.id, &text, Some(1), at(t0())).unwrap();
    assert_eq!(n2.version, 2);

    // A second terminal still at version 1 is refused, not overwriting.
    text.history = "three days".into();
    let stale = ops::visits::save_draft(&mut c.db, &c.doctor, &v.id, &text, Some(1), at(t0()));
    match stale {
        Err(Error::Refused(m)) => assert!(m.contains("reload"), "{m}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(ops::visits::save_draft(&mut c.db, &c.doctor, &v.id, &text, None, at(t0())).is_err());
    let now = ops::record::open(&mut c.db, &c.doctor, &p.id, at(t0())).unwrap();
    assert_eq!(
        now.visits[0].note.as_ref().unwrap().text.history,
        "two weeks"
    );

    // Someone else may not sign (nor change) it.
    let other = ops::visits::sign(&mut c.db, &c.locum, &v.id, 2, at(t0()));
    assert!(other.is_err(), "{other:?}");
    // A stale sign is refused; the right version signs.
    assert!(ops::visits::sign(&mut c.db, &c.doctor, &v.id, 1, at(t0())).is_err());
    let addendum_early =
        ops::visits::add_addendum(&mut c.db, &c.doctor, &v.id, "why", "what", at(t0()));
    assert!(addendum_early.is_err());
    let signed = ops::visits::sign(&mut c.db, &c.doctor, &v.id, 2, at(t0())).unwrap();
    assert!(signed.signed_at.is_some());
    assert_eq!(c.events("SIGN", &p.id), 1);

    // Signed: never changes; corrections are addenda.
    let after = ops::visits::save_draft(&mut c.db, &c.doctor, &v.id, &text, Some(3), at(t0()));
    match after {
        Err(Error::Refused(m)) => assert!(m.contains("addendum"), "{m}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(ops::visits::sign(&mut c.db, &c.doctor, &v.id, 3, at(t0())).is_err());
    assert!(ops::visits::add_addendum(&mut c.db, &c.doctor, &v.id, " ", "text", at(t0())).is_err());
    let a = ops::visits::add_addendum(
        &mut c.db,
        &c.doctor,
        &v.id,
        "history corrected",
        "three days, not two weeks",
        at(t0()),
    )
    .unwrap();
    assert_eq!(a.reason, "history corrected");
    assert_eq!(c.events("ADDENDUM", &p.id), 1);
    let rec = ops::record::open(&mut c.db, &c.doctor, &p.id, at(t0())).unwrap();
    assert_eq!(rec.visits[0].addenda.len(), 1);
    assert_eq!(
        rec.visits[0].note.as_ref().unwrap().text.history,
        "two weeks"
    );

    // An empty note cannot be signed.
    let empty =
        ops::visits::start(&mut c.db, &c.doctor, &p.id, VisitKind::WalkIn, at(t0())).unwrap();
    let n = ops::visits::save_draft(
        &mut c.db,
        &c.doctor,
        &empty.id,
        &NoteText::default(),
        None,
        at(t0()),
    )
    .unwrap();
    assert!(ops::visits::sign(&mut c.db, &c.doctor, &empty.id, n.version, at(t0())).is_err());
}

#[test]
fn visits_open_from_appointments_records_and_beds_by_their_rules() {
    let mut c = clinic();
    let p = c.patient("Ward", "1970-01-01");
    // A ward round needs an admission.
    let e = ops::visits::start(&mut c.db, &c.doctor, &p.id, VisitKind::WardRound, at(t0()));
    assert!(e.is_err());
    let admission = c.admit(&p, t0() - Duration::days(1));
    let round =
        ops::visits::start(&mut c.db, &c.doctor, &p.id, VisitKind::WardRound, at(t0())).unwrap();
    assert_eq!(round.admission_id.as_ref(), Some(&admission));
    // Nurses write nursing notes only.
    let note =
        ops::visits::start(&mut c.db, &c.nurse, &p.id, VisitKind::NursingNote, at(t0())).unwrap();
    assert_eq!(note.admission_id.as_ref(), Some(&admission));
    let e = ops::visits::start(&mut c.db, &c.nurse, &p.id, VisitKind::Outpatient, at(t0()));
    assert!(matches!(e, Err(Error::NotPermitted(_))), "{e:?}");
    // Another clinician's appointment does not open as theirs.
    let q = c.patient("Queue", "1975-01-01");
    let appt = c.appointment(&q, 600, true);
    let e = ops::visits::open_for_appointment(&mut c.db, &c.locum, &appt, at(t0()));
    assert!(e.is_err(), "{e:?}");
    assert!(c.events("CREATE", &p.id) >= 2);
}

#[test]
fn diagnoses_allergies_and_problems() {
    let mut c = clinic();
    let p = c.patient("Dx", "1970-01-01");
    let v = c.full_record(&p);
    let dx = |rank, code: &'static str| DiagnosisInput {
        visit: &v.id,
        code_system: "ICD-10-CM",
        code,
        text: "as recorded",
        rank,
        certainty: Certainty::Provisional,
    };
    // One standing primary per visit.
    let e = ops::diagnoses::add(&mut c.db, &c.doctor, &dx(Rank::Primary, "J18.9"), at(t0()));
    assert!(matches!(e, Err(Error::Refused(_))), "{e:?}");
    let second = ops::diagnoses::add(
        &mut c.db,
        &c.doctor,
        &dx(Rank::Secondary, "e11.9"),
        at(t0()),
    )
    .unwrap();
    assert_eq!(second.coded.code, "E11.9");
    // A code that is not in the list is refused, saying what to do.
    let e = ops::diagnoses::add(
        &mut c.db,
        &c.doctor,
        &dx(Rank::Secondary, "B99.999"),
        at(t0()),
    );
    match e {
        Err(Error::Refused(m)) => assert!(m.contains("not a code of ICD-10-CM"), "{m}"),
        other => panic!("{other:?}"),
    }
    // Nurses do not diagnose.
    let e = ops::diagnoses::add(&mut c.db, &c.nurse, &dx(Rank::Secondary, "I10"), at(t0()));
    assert!(matches!(e, Err(Error::NotPermitted(_))), "{e:?}");
    // A wrong primary is marked in error; a new primary may then be recorded.
    let rec = ops::record::open(&mut c.db, &c.doctor, &p.id, at(t0())).unwrap();
    let primary = rec
        .diagnoses
        .iter()
        .find(|d| d.rank == Rank::Primary)
        .unwrap()
        .id
        .clone();
    assert!(ops::diagnoses::mark_in_error(&mut c.db, &c.doctor, &primary, " ", at(t0())).is_err());
    ops::diagnoses::mark_in_error(
        &mut c.db,
        &c.doctor,
        &primary,
        "was a viral fever",
        at(t0()),
    )
    .unwrap();
    ops::diagnoses::add(&mut c.db, &c.doctor, &dx(Rank::Primary, "J18.9"), at(t0())).unwrap();
    assert_eq!(c.events("ENTERED_IN_ERROR", &p.id), 1);

    // Allergies: not asked, no known allergies, allergic.
    let q = c.patient("Nka", "1970-01-01");
    c.appointment(&q, 600, false);
    let banner = ops::record::allergy_banner(&mut c.db, &c.pharm, &q.id, true).unwrap();
    assert_eq!(banner.state, AllergyState::NotAsked);
    ops::allergies::record_no_known(&mut c.db, &c.doctor, &q.id, at(t0())).unwrap();
    let banner = ops::record::allergy_banner(&mut c.db, &c.pharm, &q.id, true).unwrap();
    assert_eq!(banner.state, AllergyState::NoKnownAllergies);
    assert_eq!(c.events("READ", &q.id), 2);
    let a = ops::allergies::record(
        &mut c.db,
        &c.doctor,
        &q.id,
        "sulfa",
        "hives",
        Severity::Severe,
        at(t0()),
    )
    .unwrap();
    assert_eq!(
        ops::record::allergy_banner(&mut c.db, &c.doctor, &q.id, false)
            .unwrap()
            .state,
        AllergyState::Allergic
    );
    assert!(ops::allergies::record_no_known(&mut c.db, &c.doctor, &q.id, at(t0())).is_err());
    assert!(
        ops::allergies::record(
            &mut c.db,
            &c.doctor,
            &q.id,
            "Sulfa",
            "",
            Severity::Mild,
            at(t0())
        )
        .is_err()
    );
    ops::allergies::mark_in_error(&mut c.db, &c.doctor, &a.id, "another patient's", at(t0()))
        .unwrap();
    assert_eq!(
        ops::record::allergy_banner(&mut c.db, &c.doctor, &q.id, false)
            .unwrap()
            .state,
        AllergyState::NoKnownAllergies
    );
    assert!(ops::record::allergy_banner(&mut c.db, &c.desk, &q.id, false).is_err());

    // Problems: resolved once; marked in error once.
    let rec = ops::record::open(&mut c.db, &c.doctor, &p.id, at(t0())).unwrap();
    let problem = rec.problems[0].id.clone();
    let early = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap();
    assert!(
        ops::allergies::resolve_problem(&mut c.db, &c.doctor, &problem, early, at(t0())).is_err()
    );
    ops::allergies::resolve_problem(&mut c.db, &c.doctor, &problem, today(), at(t0())).unwrap();
    assert!(
        ops::allergies::resolve_problem(&mut c.db, &c.doctor, &problem, today(), at(t0())).is_err()
    );
    ops::allergies::mark_problem_in_error(&mut c.db, &c.doctor, &problem, "duplicate", at(t0()))
        .unwrap();
}

#[test]
fn who_sees_what_for_every_role_and_breaking_the_glass() {
    let mut c = clinic();
    let p = c.patient("Private", "1970-01-01");
    c.full_record(&p);
    let clock = at(t0() + Duration::hours(1));
    let open = |c: &mut Clinic, s: &Session| ops::record::open(&mut c.db, s, &p.id, clock);

    // The doctor whose patient it is: everything, one READ event per opening.
    let reads = c.events("READ", &p.id);
    let doctor = c.doctor.clone();
    let rec = open(&mut c, &doctor).unwrap();
    assert_eq!(rec.sections, Sections::ALL);
    assert!(!rec.via_glass);
    assert_eq!(rec.visits.len(), 1);
    assert_eq!(c.events("READ", &p.id), reads + 1);

    // A pharmacist: allergies, diagnoses and problems, no notes or vitals.
    let pharm = c.pharm.clone();
    let rec = open(&mut c, &pharm).unwrap();
    assert_eq!(rec.sections, Sections::MEDICATION_SAFETY);
    assert!(rec.visits.is_empty() && rec.vitals.is_empty());
    assert_eq!(rec.diagnoses.len(), 1);
    assert_eq!(rec.allergies.allergies.len(), 1);
    assert_eq!(c.events("READ", &p.id), reads + 2);

    // Receptionist and lab technician: nothing.
    for s in [c.desk.clone(), c.lab.clone()] {
        let e = open(&mut c, &s);
        assert!(
            matches!(e, Err(Error::NotPermitted(_))),
            "{:?} {e:?}",
            s.role()
        );
    }
    // A patient account's role sees nothing of it either.
    let mut patient_session = c.desk.clone();
    patient_session.user.role = Role::Patient;
    assert!(matches!(
        open(&mut c, &patient_session),
        Err(Error::NotPermitted(_))
    ));

    // Outside the patient's care: the locum, the nurse, the admin must break the glass.
    for s in [c.locum.clone(), c.nurse.clone(), c.admin.clone()] {
        let e = open(&mut c, &s);
        assert!(
            matches!(e, Err(Error::BreakGlassNeeded(_))),
            "{:?} {e:?}",
            s.role()
        );
        // Nor may they write.
        let w = ops::allergies::record_no_known(&mut c.db, &s, &p.id, clock);
        assert!(w.is_err(), "{:?}", s.role());
    }
    assert_eq!(c.events("READ", &p.id), reads + 2);
    let e = ops::clinical::break_glass(&mut c.db, &c.nurse, &p.id, "  ", clock);
    assert!(e.is_err());
    for s in [c.locum.clone(), c.nurse.clone(), c.admin.clone()] {
        ops::clinical::break_glass(&mut c.db, &s, &p.id, "covering the night shift", clock)
            .unwrap();
        let rec = open(&mut c, &s).unwrap();
        assert_eq!(rec.sections, Sections::ALL);
        assert!(rec.via_glass);
    }
    assert_eq!(c.events("BREAK_GLASS", &p.id), 3);
    assert_eq!(c.events("READ", &p.id), reads + 5);
    let reason: String = c
        .db
        .conn()
        .query_row(
            "SELECT summary FROM audit_log WHERE action = 'BREAK_GLASS' ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(reason.contains("covering the night shift"), "{reason}");
    // The doctor in care has nothing to break.
    assert!(ops::clinical::break_glass(&mut c.db, &c.doctor, &p.id, "why", clock).is_err());
    // Pharmacists and receptionists cannot break the glass.
    assert!(matches!(
        ops::clinical::break_glass(&mut c.db, &c.pharm, &p.id, "curious", clock),
        Err(Error::NotPermitted(_))
    ));
    assert!(matches!(
        ops::clinical::break_glass(&mut c.db, &c.desk, &p.id, "curious", clock),
        Err(Error::NotPermitted(_))
    ));

    // The grant is this session's, for the rest of it (12 hours).
    let late = at(c.nurse.started_at + Duration::hours(12));
    assert!(matches!(
        ops::record::open(&mut c.db, &c.nurse, &p.id, late),
        Err(Error::BreakGlassNeeded(_))
    ));
    let nurse_again = auth::sign_in(&mut c.db, "nurse", fixture::PASSWORD, clock.now).unwrap();
    assert!(matches!(
        open(&mut c, &nurse_again),
        Err(Error::BreakGlassNeeded(_))
    ));
    // Once the patient is admitted to her ward the nurse is in their care.
    c.admit(&p, clock.now);
    let rec = open(&mut c, &nurse_again).unwrap();
    assert!(!rec.via_glass);
    // The nurse records vitals; the admin never writes.
    assert!(c.vitals(Role::Nurse, &p, normal_set(), clock.now).is_ok());
    assert!(matches!(
        c.vitals(Role::Admin, &p, normal_set(), clock.now),
        Err(Error::NotPermitted(_))
    ));
    assert!(matches!(
        c.vitals(Role::Pharmacist, &p, normal_set(), clock.now),
        Err(Error::NotPermitted(_))
    ));
}

#[test]
fn the_worklist_shows_what_is_pending_in_the_hospitals_day() {
    let mut c = clinic();
    let called = c.patient("Called", "1970-01-01");
    let waiting = c.patient("Waiting", "1971-01-01");
    let ward = c.patient("Ward", "1950-01-01");
    let appt = c.appointment(&called, 540, true);
    c.appointment(&waiting, 570, false);
    let admitted_at = t0() - Duration::days(3);
    c.admit(&ward, admitted_at);

    // A draft left 25 hours ago on the ward patient, and one 23 hours ago.
    let old = ops::visits::start(
        &mut c.db,
        &c.doctor,
        &ward.id,
        VisitKind::WardRound,
        at(t0() - Duration::hours(25)),
    )
    .unwrap();
    let text = NoteText {
        plan: "continue".into(),
        ..NoteText::default()
    };
    ops::visits::save_draft(
        &mut c.db,
        &c.doctor,
        &old.id,
        &text,
        None,
        at(t0() - Duration::hours(25)),
    )
    .unwrap();
    let recent = ops::visits::start(
        &mut c.db,
        &c.doctor,
        &ward.id,
        VisitKind::WardRound,
        at(t0() - Duration::hours(23)),
    )
    .unwrap();
    ops::visits::save_draft(
        &mut c.db,
        &c.doctor,
        &recent.id,
        &text,
        None,
        at(t0() - Duration::hours(23)),
    )
    .unwrap();

    // Vitals at 20:00 yesterday in Lima are 01:00 today in UTC: not today's.
    let yesterday_evening = Utc.with_ymd_and_hms(2026, 3, 9, 1, 0, 0).unwrap();
    c.vitals(Role::Nurse, &ward, normal_set(), yesterday_evening)
        .unwrap();

    let doctor = c.doctor.clone();
    let list =
        ops::worklist::worklist_with_facts(&mut c.db, &c.nurse, &doctor.user.id, at(t0()), true)
            .unwrap();
    assert_eq!(list.day, today());
    let names: Vec<&str> = list
        .entries
        .iter()
        .map(|e| e.patient().unwrap().name.as_str())
        .collect();
    assert_eq!(names, ["Called Tester", "Waiting Tester", "Ward Tester"]);
    assert!(matches!(list.entries[0].reason, Reason::CalledIn(_)));
    assert!(matches!(list.entries[1].reason, Reason::Waiting(_)));
    assert!(matches!(list.entries[2].reason, Reason::Admitted(_)));
    for e in &list.entries {
        assert!(
            e.pending().unwrap().vitals
                && e.pending().unwrap().note
                && e.pending().unwrap().diagnosis,
            "{e:?}"
        );
    }
    assert_eq!(list.entries[2].news2.map(|s| s.score), Some(0));
    assert_eq!(list.stale_drafts.len(), 1);
    assert_eq!(list.stale_drafts[0].visit.id, old.id);

    // 00:30 today in Lima counts; the called-in patient is seen and signed.
    let after_midnight = Utc.with_ymd_and_hms(2026, 3, 9, 5, 30, 0).unwrap();
    c.vitals(Role::Nurse, &ward, normal_set(), after_midnight)
        .unwrap();
    c.vitals(Role::Doctor, &called, normal_set(), t0()).unwrap();
    let v = ops::visits::open_for_appointment(&mut c.db, &c.doctor, &appt, at(t0())).unwrap();
    let n = ops::visits::save_draft(&mut c.db, &c.doctor, &v.id, &text, None, at(t0())).unwrap();
    ops::visits::sign(&mut c.db, &c.doctor, &v.id, n.version, at(t0())).unwrap();
    ops::diagnoses::add(
        &mut c.db,
        &c.doctor,
        &DiagnosisInput {
            visit: &v.id,
            code_system: "ICD-10-CM",
            code: "I10",
            text: "Essential hypertension",
            rank: Rank::Primary,
            certainty: Certainty::Confirmed,
        },
        at(t0()),
    )
    .unwrap();
    let list =
        ops::worklist::worklist_with_facts(&mut c.db, &c.doctor, &doctor.user.id, at(t0()), false)
            .unwrap();
    let p = |i: usize| list.entries[i].pending().unwrap();
    assert!(!p(0).vitals && !p(0).note && !p(0).diagnosis, "{:?}", p(0));
    assert!(p(1).vitals && p(1).note && p(1).diagnosis);
    // The ward patient: vitals taken today; today's round (23 hours ago was
    // yesterday in Lima) not written; no diagnosis since admission.
    assert!(!p(2).vitals && p(2).note && p(2).diagnosis, "{:?}", p(2));

    // A longer warning hides the old draft.
    ops::settings::set(&mut c.db, &c.admin, "draft_warn_hours", "48").unwrap();
    let list =
        ops::worklist::worklist_with_facts(&mut c.db, &c.doctor, &doctor.user.id, at(t0()), false)
            .unwrap();
    assert!(list.stale_drafts.is_empty());

    // Receptionists and pharmacists have no worklist.
    assert!(
        ops::worklist::worklist_with_facts(&mut c.db, &c.desk, &doctor.user.id, at(t0()), false)
            .is_err()
    );
    assert!(ops::worklist::board_scores(&mut c.db, &c.pharm, false).is_err());
    // Audit: one READ for the worklist opened with audit.
    let reads: i64 =
        c.db.conn()
            .query_row(
                "SELECT count(*) FROM audit_log WHERE action = 'READ' AND entity = 'worklist'",
                [],
                |r| r.get(0),
            )
            .unwrap();
    assert_eq!(reads, 1);
}

#[test]
fn a_nurse_takes_the_vitals_of_a_patient_waiting_in_the_clinic_without_breaking_the_glass() {
    let mut c = clinic();
    let p = c.patient("Waiting", "1980-05-05");
    let nurse = c.nurse.clone();
    let open = |c: &mut Clinic, s: &Session| ops::record::open(&mut c.db, s, &p.id, at(t0()));

    // Booked with the doctor but not yet arrived: not the nurse's patient.
    assert!(matches!(
        open(&mut c, &nurse),
        Err(Error::BreakGlassNeeded(_))
    ));

    // Checked in: in today's queue, so the clinic's nurse opens the record
    // (and the locum doctor still does not).
    c.appointment(&p, 9 * 60, false);
    let rec = open(&mut c, &nurse).expect("the queue's nurse opens the record");
    assert_eq!(rec.sections, Sections::ALL);
    assert!(!rec.via_glass);
    let locum = c.locum.clone();
    assert!(matches!(
        open(&mut c, &locum),
        Err(Error::BreakGlassNeeded(_))
    ));
}

/// The worklist reads its ward round's pending flags and the rows' allergy
/// states for all patients at once: on a round of many admissions in every
/// state they are what the per-patient reads say, patient by patient.
#[test]
fn a_round_of_many_admissions_has_the_pending_flags_of_each_patient() {
    use wardline::store::clinical::{conditions, visits, vitals};
    let mut c = clinic();
    let early = t0() - Duration::days(10);
    let ward = ops::beds::add_ward(
        &mut c.db,
        &c.admin,
        "Surgical",
        WardKind::Surgical,
        None,
        early,
    )
    .unwrap();
    ops::ward_staff::assign(&mut c.db, &c.admin, "nurse", &ward.id, early).unwrap();
    let text = NoteText {
        plan: "continue".into(),
        ..NoteText::default()
    };
    let mut admitted = Vec::new();
    for i in 0..12_i64 {
        let bed = ops::beds::add_bed(
            &mut c.db,
            &c.admin,
            &ward.id,
            &format!("SUR-{i:02}"),
            BedKind::Standard,
            early,
        )
        .unwrap()
        .id;
        let p = c.patient(&format!("Round{i}"), "1960-01-01");
        let doctor = c.doctor.user.id.clone();
        fixture::admit(
            &mut c.db,
            &c.nurse,
            &p.id,
            &bed,
            &doctor,
            "observation",
            t0() - Duration::days(1 + i % 3),
        );
        // Vitals today, only yesterday, or none.
        match i % 3 {
            0 => {
                c.vitals(Role::Nurse, &p, normal_set(), t0() - Duration::hours(1))
                    .unwrap();
            }
            1 => {
                c.vitals(Role::Nurse, &p, normal_set(), t0() - Duration::hours(30))
                    .unwrap();
            }
            _ => {}
        }
        // Today's round: signed (with or without a diagnosis), a draft, or
        // only the nurse's note.
        let round = |c: &mut Clinic, by: Session, kind: VisitKind| {
            ops::visits::start(&mut c.db, &by, &p.id, kind, at(t0())).unwrap()
        };
        let (doctor, nurse) = (c.doctor.clone(), c.nurse.clone());
        match i % 4 {
            0 | 1 => {
                let v = round(&mut c, doctor, VisitKind::WardRound);
                let n = ops::visits::save_draft(&mut c.db, &c.doctor, &v.id, &text, None, at(t0()))
                    .unwrap();
                ops::visits::sign(&mut c.db, &c.doctor, &v.id, n.version, at(t0())).unwrap();
                if i % 4 == 0 {
                    let input = DiagnosisInput {
                        visit: &v.id,
                        code_system: "ICD-10-CM",
                        code: "I10",
                        text: "Essential hypertension",
                        rank: Rank::Primary,
                        certainty: Certainty::Confirmed,
                    };
                    ops::diagnoses::add(&mut c.db, &c.doctor, &input, at(t0())).unwrap();
                }
            }
            2 => {
                let v = round(&mut c, doctor, VisitKind::WardRound);
                ops::visits::save_draft(&mut c.db, &c.doctor, &v.id, &text, None, at(t0()))
                    .unwrap();
            }
            _ => {
                let v = round(&mut c, nurse.clone(), VisitKind::NursingNote);
                let n = ops::visits::save_draft(&mut c.db, &nurse, &v.id, &text, None, at(t0()))
                    .unwrap();
                ops::visits::sign(&mut c.db, &nurse, &v.id, n.version, at(t0())).unwrap();
            }
        }
        match i % 3 {
            0 => {
                ops::allergies::record(
                    &mut c.db,
                    &c.doctor,
                    &p.id,
                    "penicillin",
                    "rash",
                    Severity::Moderate,
                    at(t0()),
                )
                .unwrap();
            }
            1 => ops::allergies::record_no_known(&mut c.db, &c.doctor, &p.id, at(t0())).unwrap(),
            _ => {}
        }
        admitted.push(p);
    }

    let (start, end) = wardline::domain::clock::day_bounds(ZONE, today());
    for who in [c.doctor.clone(), c.nurse.clone()] {
        let list =
            ops::worklist::worklist_with_facts(&mut c.db, &who, &who.user.id, at(t0()), false)
                .unwrap();
        let round: Vec<_> = list
            .entries
            .iter()
            .filter_map(|e| match &e.reason {
                Reason::Admitted(a) => Some((e, a)),
                _ => None,
            })
            .collect();
        assert_eq!(round.len(), admitted.len(), "{}", who.user.user_name);
        let conn = c.db.conn();
        let mut seen = [[0; 2]; 3];
        for (e, a) in &round {
            let p = &e.patient_id;
            let todays: Vec<Visit> = visits::visits_between(conn, p, start, end)
                .unwrap()
                .into_iter()
                .filter(|v| v.clinician_id == who.user.id)
                .collect();
            let note = todays.is_empty()
                || todays.iter().any(|v| {
                    visits::note_of(conn, &v.id)
                        .unwrap()
                        .is_none_or(|n| n.signed_at.is_none())
                });
            let diagnosis = who.role() == Role::Doctor
                && !conditions::diagnosed_between(conn, p, a.admitted_at, end.max(t0())).unwrap();
            let vitals = !vitals::taken_between(conn, p, start, end).unwrap();
            assert_eq!(
                (
                    e.pending().unwrap().vitals,
                    e.pending().unwrap().note,
                    e.pending().unwrap().diagnosis
                ),
                (vitals, note, diagnosis),
                "{} for {}",
                e.patient().unwrap().name,
                who.user.user_name
            );
            assert_eq!(
                e.visit.as_ref().map(|v| &v.id),
                todays.last().map(|v| &v.id)
            );
            for (k, flag) in [vitals, note, diagnosis].into_iter().enumerate() {
                seen[k][usize::from(flag)] += 1;
            }
        }
        // The round holds patients with and without each pending task
        // (a nurse is never asked for a diagnosis).
        let doctor = who.role() == Role::Doctor;
        assert!(seen[0][0] > 0 && seen[0][1] > 0, "{seen:?}");
        assert!(seen[1][0] > 0 && seen[1][1] > 0, "{seen:?}");
        assert!(seen[2][1] > 0 || !doctor, "{seen:?}");
        assert!(seen[2][0] > 0, "{seen:?}");
    }

    // Each row's allergy state is the record's banner's, its birth date
    // the patient's.
    let doctor = c.doctor.clone();
    let whole =
        ops::worklist::worklist_with_facts(&mut c.db, &doctor, &doctor.user.id, at(t0()), false)
            .unwrap();
    let mut states = Vec::new();
    for e in &whole.entries {
        let facts = e.facts.clone().unwrap();
        let banner = ops::record::allergy_banner(&mut c.db, &doctor, &e.patient_id, false).unwrap();
        assert_eq!(facts.allergy, banner.state, "{}", e.patient().unwrap().name);
        assert_eq!(
            facts.birth.map(|b| b.to_string()).as_deref(),
            Some("1960-01-01")
        );
        states.push(facts.allergy);
    }
    for state in [
        AllergyState::Allergic,
        AllergyState::NoKnownAllergies,
        AllergyState::NotAsked,
    ] {
        assert!(states.contains(&state), "{states:?}");
    }

    // A screen reads the facts of the rows it shows: the same facts, and
    // none of the rows it does not.
    let mut list =
        ops::worklist::worklist(&mut c.db, &doctor, &doctor.user.id, at(t0()), false).unwrap();
    assert!(list.entries.iter().all(|e| e.facts.is_none()));
    assert_eq!(list.entries.len(), whole.entries.len());
    ops::worklist::read_facts(&c.db, &doctor, &mut list, 2..5).unwrap();
    for (i, (e, w)) in list.entries.iter().zip(&whole.entries).enumerate() {
        assert_eq!(e.patient_id, w.patient_id);
        if (2..5).contains(&i) {
            assert_eq!(e.facts, w.facts, "row {i}");
        } else {
            assert_eq!(e.facts, None, "row {i}");
        }
    }
    // Rows past the end are left out; a receptionist reads no facts.
    let n = list.entries.len();
    ops::worklist::read_facts(&c.db, &doctor, &mut list, n - 1..n + 10).unwrap();
    assert_eq!(list.entries[n - 1].facts, whole.entries[n - 1].facts);
    let desk = c.desk.clone();
    assert!(ops::worklist::read_facts(&c.db, &desk, &mut list, 0..n).is_err());
}
