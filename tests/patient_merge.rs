//! Merging two patient records carries what later areas attached to the
//! other record: its appointments (refused, naming both, when the two would
//! overlap), its past admissions and its bed reservation move to the
//! survivor; the medicines dispensed to it, kept in the append-only ledger,
//! are listed with the survivor's along any chain of merges; and the merge's
//! audit events say what moved. Data is set up through each area's own ops.

mod common;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use common::clinic as fixture;
use wardline::auth::Session;
use wardline::domain::appointment::{Booked, Span, Status, parse_time};
use wardline::domain::beds::{BedKind, Disposition, SexRestriction, WardKind};
use wardline::domain::ids::Id;
use wardline::domain::patient::Patient;
use wardline::domain::pharmacy::ItemDetails;
use wardline::domain::role::Role;
use wardline::error::Error;
use wardline::ops;
use wardline::ops::appointments::{Booking, Clock};
use wardline::ops::beds::AdmitInput;
use wardline::ops::pharmacy::Receipt;
use wardline::store::Db;

/// The hospital's clock: fixed, some days before [`monday`]'s bookings.
fn now() -> DateTime<Utc> {
    chrono::TimeZone::with_ymd_and_hms(&Utc, 2031, 2, 20, 8, 0, 0).unwrap()
}

/// A Monday some way ahead, so that bookings are in the future.
fn monday() -> NaiveDate {
    let mut d = NaiveDate::from_ymd_opt(2031, 3, 1).unwrap();
    while d.weekday() != Weekday::Mon {
        d = d.succ_opt().unwrap();
    }
    d
}

struct H {
    _dir: tempfile::TempDir,
    db: Db,
    admin: Session,
    doctor: Session,
    nurse: Session,
    consultation: Id,
}

fn hospital() -> H {
    let dir = tempfile::tempdir().unwrap();
    let common::Hospital { mut db, admin, .. } = common::hospital(dir.path());
    common::add_user(&mut db, &admin, "rahman", Role::Doctor);
    common::add_user(&mut db, &admin, "chen", Role::Nurse);
    let doctor = common::sign_in_user(&mut db, "rahman", now());
    let nurse = common::sign_in_user(&mut db, "chen", now());
    for who in [&doctor, &nurse] {
        ops::appointments::set_hours(&mut db, &admin, &who.user.id, 0, "08:00-12:00").unwrap();
    }
    let consultation = wardline::store::appointments::type_named(db.conn(), "consultation")
        .unwrap()
        .unwrap()
        .id;
    H {
        _dir: dir,
        db,
        admin,
        doctor,
        nurse,
        consultation,
    }
}

impl H {
    fn patient(&mut self, given: &str, sex: &str) -> Patient {
        let input = fixture::person(given, "Okafor", "1980-01-01", sex);
        fixture::register(&mut self.db, &self.admin, &input, now())
    }

    /// Books `p` on [`monday`] at `time` for 15 minutes with `who`.
    fn book(&mut self, p: &Patient, who_nurse: bool, time: &str) -> Booked {
        let start = parse_time(time).unwrap();
        let clinician = if who_nurse { &self.nurse } else { &self.doctor };
        let b = Booking {
            patient: p.id.clone(),
            clinician: clinician.user.id.clone(),
            type_id: self.consultation.clone(),
            day: monday(),
            span: Span::new(start, start + 15).unwrap(),
            notes: String::new(),
        };
        ops::appointments::book(&mut self.db, &self.admin, &b, &Default::default(), now()).unwrap()
    }

    fn merge(&mut self, survivor: &Patient, other: &Patient) -> Result<Patient, Error> {
        ops::patients::merge(&mut self.db, &self.admin, &survivor.id, &other.id, now())
    }

    /// A merge of records that differ, confirmed with `MERGE` and a reason.
    fn merge_anyway(&mut self, survivor: &Patient, other: &Patient) -> Result<Patient, Error> {
        let confirmation = ops::patients::MergeConfirmation {
            word: "MERGE".into(),
            reason: "same person: registered twice by the night desk".into(),
        };
        ops::patients::merge_confirmed(
            &mut self.db,
            &self.admin,
            &survivor.id,
            &other.id,
            &confirmation,
            now(),
        )
    }

    fn appointments(&self, p: &Patient) -> Vec<Id> {
        ops::appointments::for_patient(&self.db, &self.admin, &p.id)
            .unwrap()
            .into_iter()
            .map(|b| b.appt.id)
            .collect()
    }

    fn merge_summaries(&self) -> Vec<String> {
        let mut stmt = self
            .db
            .conn()
            .prepare("SELECT summary FROM audit_log WHERE action = 'MERGE' ORDER BY seq")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    fn audit_rows(&self) -> i64 {
        common::audit_count(self.db.conn())
    }

    fn merged_into(&self, p: &Patient) -> Option<Id> {
        wardline::store::patients::get(self.db.conn(), &p.id)
            .unwrap()
            .unwrap()
            .merged_into
    }
}

#[test]
fn appointments_move_to_the_survivor_and_the_merge_says_so() {
    let mut h = hospital();
    let ann = h.patient("Ann", "F");
    let dup = h.patient("Anne", "F");
    let mine = h.book(&ann, false, "09:00");
    let later = h.book(&dup, false, "10:00");
    // A cancelled appointment at the survivor's time holds no time: it
    // moves, and does not stop the merge.
    let gone = h.book(&dup, true, "09:05");
    let clock = Clock {
        now: now(),
        zone: chrono_tz::UTC,
    };
    ops::appointments::advance(
        &mut h.db,
        &h.admin,
        &gone.appt.id,
        gone.appt.version,
        Status::Cancelled,
        Some("patient phoned"),
        clock,
    )
    .unwrap();

    h.merge(&ann, &dup).expect("merge");

    let mut got = h.appointments(&ann);
    got.sort();
    let mut want = vec![mine.appt.id, later.appt.id, gone.appt.id];
    want.sort();
    assert_eq!(got, want);
    assert!(h.appointments(&dup).is_empty());
    let summaries = h.merge_summaries();
    assert_eq!(summaries.len(), 2, "{summaries:?}");
    for s in &summaries {
        assert!(
            s.starts_with(&format!(
                "{} merged into {}: 2 appointments moved; {} was: Given name Ann",
                dup.mrn, ann.mrn, ann.mrn
            )),
            "{s}"
        );
    }
    // Each moved appointment has its own event, on the survivor.
    let moved: i64 =
        h.db.conn()
            .query_row(
                "SELECT count(*) FROM audit_log WHERE entity = 'appointment' AND action = 'UPDATE'
               AND patient_id = ?1 AND summary LIKE '%moved from%'",
                [ann.id.as_str()],
                |r| r.get(0),
            )
            .unwrap();
    assert_eq!(moved, 2);
}

#[test]
fn overlapping_appointments_refuse_the_merge_naming_both_and_change_nothing() {
    let mut h = hospital();
    let ann = h.patient("Ann", "F");
    let dup = h.patient("Anne", "F");
    h.book(&ann, false, "09:00");
    let theirs = h.book(&dup, true, "09:10");
    let before = h.audit_rows();

    let m = match h.merge(&ann, &dup) {
        Err(e @ Error::Refused(_)) => e.to_string(),
        other => panic!("expected a refusal, got {other:?}"),
    };
    let day = monday().format("%Y-%m-%d").to_string();
    for part in [
        ann.mrn.as_str(),
        dup.mrn.as_str(),
        "both have an appointment on",
        day.as_str(),
        "09:00–09:15",
        "09:10–09:25",
        "rahman",
        "chen",
        "cancel one of them, then merge",
    ] {
        assert!(m.contains(part), "{part:?} missing from {m}");
    }
    assert_eq!(h.appointments(&dup), vec![theirs.appt.id]);
    assert_eq!(h.appointments(&ann).len(), 1);
    assert_eq!(h.merged_into(&dup), None);
    assert_eq!(h.audit_rows(), before);
}

#[test]
fn past_admissions_and_a_reservation_move_to_the_survivor() {
    let mut h = hospital();
    let medical = ops::beds::add_ward(
        &mut h.db,
        &h.admin,
        "Medical",
        WardKind::Medical,
        None,
        now(),
    )
    .unwrap();
    for label in ["MED-01", "MED-02"] {
        ops::beds::add_bed(
            &mut h.db,
            &h.admin,
            &medical.id,
            label,
            BedKind::Standard,
            now(),
        )
        .unwrap();
    }
    let ann = h.patient("Ann", "F");
    let dup = h.patient("Anne", "F");
    let bed = ops::beds::find_bed(&h.db, "MED-01").unwrap().id;
    let attending = h.doctor.user.id.clone();
    let stay = ops::beds::admit(
        &mut h.db,
        &h.nurse,
        &AdmitInput {
            patient: &dup.id,
            bed: &bed,
            attending: &attending,
            reason: "pneumonia",
        },
        now() - Duration::days(3),
    )
    .unwrap();
    ops::beds::discharge(
        &mut h.db,
        &h.nurse,
        &stay.id,
        Disposition::Home,
        "",
        now() - Duration::days(1),
    )
    .unwrap();
    let held = ops::beds::find_bed(&h.db, "MED-02").unwrap().id;
    ops::beds::reserve(
        &mut h.db,
        &h.nurse,
        &held,
        &dup.id,
        now() + Duration::days(1),
        now(),
    )
    .unwrap();

    h.merge(&ann, &dup).expect("merge");

    let admissions = ops::beds::admissions_of(&h.db, &h.admin, &ann.id).unwrap();
    assert_eq!(admissions.len(), 1);
    assert_eq!(admissions[0].0.id, stay.id);
    assert_eq!(admissions[0].0.patient.mrn, ann.mrn);
    assert_eq!(admissions[0].1.len(), 1, "the bed history follows");
    assert!(
        ops::beds::admissions_of(&h.db, &h.admin, &dup.id)
            .unwrap()
            .is_empty()
    );
    let bed = ops::beds::find_bed(&h.db, "MED-02").unwrap();
    assert_eq!(bed.reserved_for, Some(ann.id.clone()));
    let summary = &h.merge_summaries()[0];
    assert!(
        summary.starts_with(&format!(
            "{} merged into {}: 1 admission, 1 bed reservation moved;",
            dup.mrn, ann.mrn
        )),
        "{summary}"
    );
}

#[test]
fn two_reservations_or_a_ward_the_survivor_does_not_fit_refuse_the_merge() {
    let mut h = hospital();
    let medical = ops::beds::add_ward(
        &mut h.db,
        &h.admin,
        "Medical",
        WardKind::Medical,
        None,
        now(),
    )
    .unwrap();
    let women = ops::beds::add_ward(
        &mut h.db,
        &h.admin,
        "Women's",
        WardKind::General,
        Some(SexRestriction::Female),
        now(),
    )
    .unwrap();
    ops::beds::add_bed(
        &mut h.db,
        &h.admin,
        &medical.id,
        "MED-01",
        BedKind::Standard,
        now(),
    )
    .unwrap();
    ops::beds::add_bed(
        &mut h.db,
        &h.admin,
        &women.id,
        "W-01",
        BedKind::Standard,
        now(),
    )
    .unwrap();
    let sam = h.patient("Sam", "M");
    let sama = h.patient("Sama", "F");
    let until = now() + Duration::days(1);
    let w = ops::beds::find_bed(&h.db, "W-01").unwrap().id;
    ops::beds::reserve(&mut h.db, &h.nurse, &w, &sama.id, until, now()).unwrap();
    let m = h.merge_anyway(&sam, &sama).unwrap_err().to_string();
    assert!(
        m.contains("W-01") && m.contains("cancel the reservation, then merge"),
        "{m}"
    );

    let med = ops::beds::find_bed(&h.db, "MED-01").unwrap().id;
    ops::beds::reserve(&mut h.db, &h.nurse, &med, &sam.id, until, now()).unwrap();
    let m = h.merge_anyway(&sam, &sama).unwrap_err().to_string();
    assert!(
        m.contains("MED-01") && m.contains("W-01") && m.contains("cancel one of the reservations"),
        "{m}"
    );
    assert_eq!(h.merged_into(&sama), None);
    assert_eq!(
        ops::beds::find_bed(&h.db, "W-01").unwrap().reserved_for,
        Some(sama.id.clone())
    );
}

fn paracetamol() -> ItemDetails {
    ItemDetails {
        name: "Paracetamol".into(),
        generic_name: "paracetamol".into(),
        strength: "500 mg".into(),
        form: "tablet".into(),
        unit: "tablet".into(),
        category: "Analgesic".into(),
        reorder_level: 10,
        max_dispense: None,
    }
}

#[test]
fn medicines_dispensed_along_a_chain_of_merges_show_for_the_survivor() {
    let mut h = hospital();
    let item = ops::pharmacy::add_item(&mut h.db, &h.admin, &paracetamol(), now()).unwrap();
    ops::pharmacy::receive(
        &mut h.db,
        &h.admin,
        &Receipt {
            item_id: item.id.clone(),
            batch_no: "B-1".into(),
            expiry: now().date_naive() + Duration::days(300),
            quantity: 100,
            unit_cost: 10,
            price: 20,
            supplier: "MEDS Ltd".into(),
            reference: "INV-1".into(),
        },
        now(),
    )
    .unwrap();
    let a = h.patient("Ann", "F");
    let b = h.patient("Anne", "F");
    let c = h.patient("Anna", "F");
    for (p, n) in [(&a, 1), (&b, 2), (&c, 3)] {
        ops::pharmacy::dispense(
            &mut h.db,
            &h.nurse,
            &item.id,
            n,
            Some(p.id.as_str()),
            None,
            now(),
        )
        .unwrap();
    }
    h.merge(&b, &a).expect("A into B");
    let given = |h: &H, p: &Patient| -> Vec<i64> {
        let mut q: Vec<i64> = ops::pharmacy::dispensed_to(&h.db, &h.nurse, p.id.as_str())
            .unwrap()
            .into_iter()
            .map(|d| d.quantity)
            .collect();
        q.sort();
        q
    };
    assert_eq!(given(&h, &b), vec![1, 2]);
    h.merge(&c, &b).expect("B into C");
    assert_eq!(given(&h, &c), vec![1, 2, 3]);
    // The ledger itself is untouched: its rows keep the patient they were
    // given to.
    let own: i64 =
        h.db.conn()
            .query_row(
                "SELECT count(*) FROM stock_movements WHERE patient_id = ?1",
                [a.id.as_str()],
                |r| r.get(0),
            )
            .unwrap();
    assert_eq!(own, 1);
}

/// What the patient record loads for its sections (admissions,
/// appointments, medicines), through the same ops calls.
#[test]
fn the_survivors_record_lists_what_the_other_had() {
    let mut h = hospital();
    let ward = ops::beds::add_ward(
        &mut h.db,
        &h.admin,
        "Medical",
        WardKind::Medical,
        None,
        now(),
    )
    .unwrap();
    ops::beds::add_bed(
        &mut h.db,
        &h.admin,
        &ward.id,
        "MED-01",
        BedKind::Standard,
        now(),
    )
    .unwrap();
    let item = ops::pharmacy::add_item(&mut h.db, &h.admin, &paracetamol(), now()).unwrap();
    ops::pharmacy::receive(
        &mut h.db,
        &h.admin,
        &Receipt {
            item_id: item.id.clone(),
            batch_no: "B-1".into(),
            expiry: now().date_naive() + Duration::days(300),
            quantity: 100,
            unit_cost: 10,
            price: 20,
            supplier: "MEDS Ltd".into(),
            reference: "INV-1".into(),
        },
        now(),
    )
    .unwrap();
    let ann = h.patient("Ann", "F");
    let dup = h.patient("Anne", "F");
    h.book(&dup, false, "11:00");
    let bed = ops::beds::find_bed(&h.db, "MED-01").unwrap().id;
    let attending = h.doctor.user.id.clone();
    let stay = ops::beds::admit(
        &mut h.db,
        &h.nurse,
        &AdmitInput {
            patient: &dup.id,
            bed: &bed,
            attending: &attending,
            reason: "observation",
        },
        now() - Duration::hours(5),
    )
    .unwrap();
    ops::beds::discharge(&mut h.db, &h.nurse, &stay.id, Disposition::Home, "", now()).unwrap();
    ops::pharmacy::dispense(
        &mut h.db,
        &h.nurse,
        &item.id,
        4,
        Some(dup.id.as_str()),
        None,
        now(),
    )
    .unwrap();

    let survivor = h.merge(&ann, &dup).expect("merge");
    let opened = ops::patients::open(&mut h.db, &h.nurse, &survivor.id).unwrap();
    let admissions = ops::beds::admissions_of(&h.db, &h.nurse, &opened.id).unwrap();
    let appointments = ops::appointments::for_patient(&h.db, &h.nurse, &opened.id).unwrap();
    let medicines = ops::pharmacy::dispensed_to(&h.db, &h.nurse, opened.id.as_str()).unwrap();
    assert_eq!(admissions.len(), 1);
    assert_eq!(admissions[0].0.reason, "observation");
    assert_eq!(appointments.len(), 1);
    assert_eq!(appointments[0].mrn, ann.mrn);
    assert_eq!(medicines.len(), 1);
    assert_eq!(
        (medicines[0].item.as_str(), medicines[0].quantity),
        ("Paracetamol 500 mg tablet", 4)
    );
}

/// The hands-on test's merge: a woman of about 60, registered with an
/// estimated age, and a man born in 2000. The merge asks for `MERGE` and a
/// reason, and the survivor keeps its estimated birth date: a known date 34
/// years off is another person's, not a better guess. A known date within
/// the estimate's five years does replace it.
#[test]
fn the_survivors_estimated_birth_date_is_not_overwritten_by_a_far_off_date() {
    let mut h = hospital();
    let uno = fixture::register(
        &mut h.db,
        &h.admin,
        &fixture::person("Testa", "Uno", "", "F")
            .with(wardline::domain::patient::Field::EstimatedAge, "60"),
        now(),
    );
    assert!(uno.details.birth_date_estimated);
    let due = fixture::register(
        &mut h.db,
        &h.admin,
        &fixture::person("Testb", "Due", "2000-01-01", "M"),
        now(),
    );
    let refused = h.merge(&uno, &due).unwrap_err().to_string();
    assert!(
        refused.contains("may be two different people")
            && refused.contains("the sex differs (F and M)")
            && refused.contains("type MERGE and a reason"),
        "{refused}"
    );
    assert_eq!(h.merged_into(&due), None);

    let after = h.merge_anyway(&uno, &due).expect("merge confirmed");
    assert_eq!(after.details.birth_date, uno.details.birth_date);
    assert!(after.details.birth_date_estimated);
    assert_eq!(after.details.sex, uno.details.sex);
    assert_eq!(after.details.given_name, "Testa");
    let summary = &h.merge_summaries()[0];
    for part in [
        "merged although the sex differs (F and M)",
        "reason: same person: registered twice by the night desk",
        "(est.)",
        "Born 2000-01-01",
    ] {
        assert!(summary.contains(part), "{part:?} missing from {summary}");
    }

    let mut near = fixture::person("Testa", "Uno", "", "F");
    let born = uno.details.birth_date + Duration::days(400);
    near = near.with(
        wardline::domain::patient::Field::BirthDate,
        born.format("%Y-%m-%d").to_string(),
    );
    let known = fixture::register(&mut h.db, &h.admin, &near, now());
    let after = h.merge(&after, &known).expect("one person");
    assert_eq!(after.details.birth_date, born);
    assert!(!after.details.birth_date_estimated);
}
