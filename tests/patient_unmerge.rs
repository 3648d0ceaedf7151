//! Undoing a merge: while neither record has changed since, an
//! administrator gets both records back as they were, with the
//! appointments and admissions the merge moved back on the other record,
//! and an UNMERGE event on each; after a later edit the undo is refused,
//! naming the edit. The merge record is kept in the file, append-only
//! except for its undo stamp, with the program bypassed too.

mod common;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use common::clinic as fixture;
use wardline::auth::Session;
use wardline::domain::appointment::{Span, parse_time};
use wardline::domain::beds::{BedKind, Disposition, WardKind};
use wardline::domain::ids::Id;
use wardline::domain::patient::{Field, Patient, PatientInput};
use wardline::domain::role::Role;
use wardline::error::Error;
use wardline::ops;
use wardline::ops::appointments::Booking;
use wardline::ops::beds::AdmitInput;
use wardline::store::Db;

fn now() -> DateTime<Utc> {
    chrono::TimeZone::with_ymd_and_hms(&Utc, 2031, 2, 20, 8, 0, 0).unwrap()
}

fn monday() -> NaiveDate {
    let mut d = NaiveDate::from_ymd_opt(2031, 3, 1).unwrap();
    while d.weekday() != Weekday::Mon {
        d = d.succ_opt().unwrap();
    }
    d
}

struct H {
    dir: tempfile::TempDir,
    db: Db,
    admin: Session,
    doctor: Session,
    nurse: Session,
}

fn hospital() -> H {
    let dir = tempfile::tempdir().unwrap();
    let common::Hospital { mut db, admin, .. } = common::hospital(dir.path());
    common::add_user(&mut db, &admin, "rahman", Role::Doctor);
    common::add_user(&mut db, &admin, "chen", Role::Nurse);
    let doctor = common::sign_in_user(&mut db, "rahman", now());
    let nurse = common::sign_in_user(&mut db, "chen", now());
    ops::appointments::set_hours(&mut db, &admin, &doctor.user.id, 0, "08:00-12:00").unwrap();
    H {
        dir,
        db,
        admin,
        doctor,
        nurse,
    }
}

impl H {
    fn register(&mut self, input: &PatientInput) -> Patient {
        fixture::register(&mut self.db, &self.admin, input, now())
    }

    fn get(&self, p: &Patient) -> Patient {
        wardline::store::patients::get(self.db.conn(), &p.id)
            .unwrap()
            .unwrap()
    }

    fn book(&mut self, p: &Patient, time: &str) -> Id {
        let start = parse_time(time).unwrap();
        let consultation =
            wardline::store::appointments::type_named(self.db.conn(), "consultation")
                .unwrap()
                .unwrap()
                .id;
        let b = Booking {
            patient: p.id.clone(),
            clinician: self.doctor.user.id.clone(),
            type_id: consultation,
            day: monday(),
            span: Span::new(start, start + 15).unwrap(),
            notes: String::new(),
        };
        ops::appointments::book(&mut self.db, &self.admin, &b, &Default::default(), now())
            .unwrap()
            .appt
            .id
    }

    /// A past stay of `p`, discharged yesterday.
    fn past_stay(&mut self, p: &Patient) -> Id {
        let ward = ops::beds::add_ward(
            &mut self.db,
            &self.admin,
            "Medical",
            WardKind::Medical,
            None,
            now(),
        )
        .unwrap();
        ops::beds::add_bed(
            &mut self.db,
            &self.admin,
            &ward.id,
            "MED-01",
            BedKind::Standard,
            now(),
        )
        .unwrap();
        let bed = ops::beds::find_bed(&self.db, "MED-01").unwrap().id;
        let attending = self.doctor.user.id.clone();
        let stay = ops::beds::admit(
            &mut self.db,
            &self.nurse,
            &AdmitInput {
                patient: &p.id,
                bed: &bed,
                attending: &attending,
                reason: "pneumonia",
            },
            now() - Duration::days(3),
        )
        .unwrap();
        ops::beds::discharge(
            &mut self.db,
            &self.nurse,
            &stay.id,
            Disposition::Home,
            "",
            now() - Duration::days(1),
        )
        .unwrap();
        stay.id
    }

    fn appointments(&self, p: &Patient) -> Vec<Id> {
        let mut ids: Vec<Id> = ops::appointments::for_patient(&self.db, &self.admin, &p.id)
            .unwrap()
            .into_iter()
            .map(|b| b.appt.id)
            .collect();
        ids.sort();
        ids
    }

    fn admissions(&self, p: &Patient) -> Vec<Id> {
        ops::beds::admissions_of(&self.db, &self.admin, &p.id)
            .unwrap()
            .into_iter()
            .map(|(a, _)| a.id)
            .collect()
    }

    fn unmerge(&mut self, p: &Patient, at: DateTime<Utc>) -> Result<(Patient, Patient), Error> {
        ops::unmerge::unmerge(&mut self.db, &self.admin, &p.id, at)
    }

    fn events(&self, action: &str) -> Vec<(String, String)> {
        let mut stmt = self
            .db
            .conn()
            .prepare("SELECT patient_id, summary FROM audit_log WHERE action = ?1 ORDER BY seq")
            .unwrap();
        stmt.query_map([action], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }
}

/// Two records of one woman: the survivor with a phone only, the other
/// with a national ID and an e-mail the survivor lacks.
fn two_records(h: &mut H) -> (Patient, Patient) {
    let ann = h.register(
        &fixture::person("Ann", "Okafor", "1980-01-01", "F").with(Field::Phone, "0700 111 222"),
    );
    let dup = h.register(
        &fixture::person("Anne", "Okafor", "1980-01-01", "F")
            .with(Field::NationalId, "12345678")
            .with(Field::Email, "anne@example.org")
            .with(Field::Phone, "0700 999 888"),
    );
    (ann, dup)
}

#[test]
fn unmerge_brings_both_records_back_with_their_appointments_and_admissions() {
    let mut h = hospital();
    let (ann, dup) = two_records(&mut h);
    let mine = h.book(&ann, "09:00");
    let theirs = h.book(&dup, "10:00");
    let stay = h.past_stay(&dup);
    let merged = ops::patients::merge(&mut h.db, &h.admin, &ann.id, &dup.id, now()).unwrap();
    assert_eq!(merged.details.national_id, "12345678");
    assert_eq!(merged.details.phone, "0700 111 222");
    assert_eq!(h.appointments(&ann).len(), 2);
    assert_eq!(h.admissions(&ann), vec![stay.clone()]);

    // Found from the merged-away record's MRN, as the CLI and the TUI do.
    let found = ops::unmerge::record_by_mrn(&h.db, &h.admin, &dup.mrn)
        .unwrap()
        .unwrap();
    assert_eq!(found.id, dup.id);
    let undoable = ops::unmerge::undoable(&h.db, &h.admin, &dup.id, now()).unwrap();
    assert_eq!(undoable.survivor.id, ann.id);

    let later = now() + Duration::hours(1);
    let (s, o) = h.unmerge(&dup, later).expect("undo");
    assert_eq!(s.details, ann.details);
    assert_eq!(o.details, dup.details);
    assert_eq!(o.merged_into, None);
    assert_eq!(h.get(&dup).merged_into, None);
    assert_eq!(h.appointments(&ann), vec![mine]);
    assert_eq!(h.appointments(&dup), vec![theirs]);
    assert!(h.admissions(&ann).is_empty());
    assert_eq!(h.admissions(&dup), vec![stay]);

    // The other record is found by name again.
    let hits = ops::patients::find(&h.db, &h.admin, "anne okafor", false).unwrap();
    let rows =
        ops::patients::rows(&h.db, &hits.hits.iter().map(|x| x.seq).collect::<Vec<_>>()).unwrap();
    assert!(rows.iter().any(|r| r.id == dup.id), "{rows:?}");

    let events = h.events("UNMERGE");
    assert_eq!(events.len(), 2, "{events:?}");
    let patients: Vec<&str> = events.iter().map(|(p, _)| p.as_str()).collect();
    assert!(patients.contains(&ann.id.as_str()) && patients.contains(&dup.id.as_str()));
    assert!(
        events[0].1.starts_with(&format!(
            "merge of {} into {} (made 2031-02-20 08:00) undone: both records as they were; 1 appointment, 1 admission moved back",
            dup.mrn, ann.mrn
        )),
        "{}",
        events[0].1
    );

    // Undone once: there is nothing more to undo, and the records can be
    // merged again.
    let again = h.unmerge(&dup, later).unwrap_err().to_string();
    assert!(again.contains("has no merge that can be undone"), "{again}");
    ops::patients::merge(&mut h.db, &h.admin, &ann.id, &dup.id, later).expect("merge again");
}

#[test]
fn unmerge_is_refused_after_a_later_edit_naming_it() {
    let mut h = hospital();
    let (ann, dup) = two_records(&mut h);
    let merged = ops::patients::merge(&mut h.db, &h.admin, &ann.id, &dup.id, now()).unwrap();
    let settings = h.db.settings().unwrap();
    let edit =
        PatientInput::from_details(&merged.details, settings.date_pattern(), now().date_naive())
            .with(Field::City, "Kisumu");
    let edited_at = now() + Duration::minutes(30);
    let reception = {
        common::add_user(&mut h.db, &h.admin, "desk", Role::Receptionist);
        common::sign_in_user(&mut h.db, "desk", now())
    };
    ops::patients::update(
        &mut h.db,
        &reception,
        &ann.id,
        merged.version,
        &edit,
        edited_at,
    )
    .unwrap();
    let before = common::audit_count(h.db.conn());

    for from in [&dup, &ann] {
        let refused = h.unmerge(from, now() + Duration::hours(1)).unwrap_err();
        assert!(matches!(refused, Error::Refused(_)), "{refused:?}");
        let m = refused.to_string();
        assert!(
            m.contains(&format!(
                "{} was edited on 2031-02-20 08:30 by desk after the merge: undo is no longer possible",
                ann.mrn
            )),
            "{m}"
        );
    }
    assert_eq!(h.get(&dup).merged_into, Some(ann.id.clone()));
    assert_eq!(h.get(&ann).details.city, "Kisumu");
    assert_eq!(common::audit_count(h.db.conn()), before);
}

#[test]
fn only_an_administrator_undoes_a_merge() {
    let mut h = hospital();
    let (ann, dup) = two_records(&mut h);
    ops::patients::merge(&mut h.db, &h.admin, &ann.id, &dup.id, now()).unwrap();
    let nurse = h.nurse.clone();
    let refused = ops::unmerge::unmerge(&mut h.db, &nurse, &dup.id, now()).unwrap_err();
    assert!(matches!(refused, Error::NotPermitted(_)), "{refused:?}");
    assert_eq!(h.get(&dup).merged_into, Some(ann.id.clone()));
}

#[test]
fn the_merge_record_is_kept_with_the_program_bypassed() {
    let mut h = hospital();
    let (ann, dup) = two_records(&mut h);
    h.book(&dup, "10:00");
    ops::patients::merge(&mut h.db, &h.admin, &ann.id, &dup.id, now()).unwrap();
    let path = h.db.path().to_path_buf();
    let conn = common::raw(&path);
    let (survivor_before, other_before): (String, String) = conn
        .query_row(
            "SELECT survivor_before, other_before FROM patient_merges",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(survivor_before.contains("\"phone\":\"0700 111 222\""));
    assert!(other_before.contains("\"national_id\":\"12345678\""));

    for sql in [
        "DELETE FROM patient_merges",
        "UPDATE patient_merges SET reason = 'nothing'",
        "UPDATE patient_merges SET survivor_before = '{}'",
    ] {
        let err = conn.execute(sql, []).expect_err(sql).to_string();
        assert!(err.contains("merge record"), "{sql}: {err}");
    }
    conn.execute(
        "UPDATE patient_merges SET undone_at = '2031-02-20T09:00:00Z'",
        [],
    )
    .expect("the undo stamp is set once");
    let err = conn
        .execute(
            "UPDATE patient_merges SET undone_at = '2031-02-21T09:00:00Z'",
            [],
        )
        .expect_err("a second stamp")
        .to_string();
    assert!(err.contains("only its undo is stamped, once"), "{err}");
    for sql in [
        "DELETE FROM patient_merge_moves",
        "UPDATE patient_merge_moves SET row_id = 'another'",
    ] {
        let err = conn.execute(sql, []).expect_err(sql).to_string();
        assert!(err.contains("kept as it was"), "{sql}: {err}");
    }
    drop(h.dir);
}

#[test]
fn the_command_line_undoes_a_merge_from_the_merged_away_mrn() {
    let mut h = hospital();
    let (ann, dup) = two_records(&mut h);
    let theirs = h.book(&dup, "10:00");
    ops::patients::merge(&mut h.db, &h.admin, &ann.id, &dup.id, now()).unwrap();
    let data = h.dir.path().to_path_buf();
    let path = h.db.path().to_path_buf();
    drop(h.db);

    let stdin = format!("{}\n", common::ADMIN_PASSWORD);
    let (ok, said) = common::cli::said(
        &data,
        &["patients", "unmerge", &dup.mrn, "--as", common::ADMIN],
        &stdin,
    );
    assert!(ok, "{said}");
    assert!(
        said.contains(&format!(
            "Undid the merge of {} into {}: both records are as they were",
            dup.mrn, ann.mrn
        )),
        "{said}"
    );
    let conn = common::raw(&path);
    let (merged_into, appointment_of): (Option<String>, String) = conn
        .query_row(
            "SELECT (SELECT merged_into FROM patients WHERE id = ?1),
                    (SELECT patient_id FROM appointments WHERE id = ?2)",
            [dup.id.as_str(), theirs.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(merged_into, None);
    assert_eq!(appointment_of, dup.id.as_str());

    let (ok, said) = common::cli::said(
        &data,
        &["patients", "unmerge", &dup.mrn, "--as", common::ADMIN],
        &stdin,
    );
    assert!(
        !ok && said.contains("has no merge that can be undone"),
        "{said}"
    );
}

#[test]
fn unmerge_is_refused_after_an_appointment_is_booked_for_the_survivor() {
    let mut h = hospital();
    let (ann, dup) = two_records(&mut h);
    h.book(&dup, "10:00");
    ops::patients::merge(&mut h.db, &h.admin, &ann.id, &dup.id, now()).unwrap();
    // Opening the record changes nothing: the undo stays possible.
    ops::patients::open(&mut h.db, &h.admin, &ann.id).unwrap();
    ops::unmerge::undoable(&h.db, &h.admin, &dup.id, now()).expect("still undoable");
    h.book(&ann, "11:00");
    let m = h.unmerge(&dup, now()).unwrap_err().to_string();
    assert!(
        m.contains("changed after the merge") && m.contains("undo is no longer possible"),
        "{m}"
    );
    assert_eq!(h.get(&dup).merged_into, Some(ann.id.clone()));
}
