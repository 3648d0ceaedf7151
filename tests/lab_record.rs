//! The laboratory on the clinician's side: results on the record (verified
//! values only, corrections marked, pending and rejected orders shown), an
//! analyte's trend in order, critical results alerting the orderer and the
//! patient's carers until one of them acknowledges (once), a corrected
//! critical result no longer alerting, the bed board's counts and the
//! rejected specimens of a clinician's orders.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::clinic::{
    self as fixture, Clinic, DOCTOR, LAB_TECH, LAB_TECH_2, LOCUM, NURSE, RECEPTIONIST,
};
use wardline::auth::Session;
use wardline::domain::beds::WardKind;
use wardline::domain::clock::Clock;
use wardline::domain::ids::Id;
use wardline::domain::lab::order::RejectReason;
use wardline::domain::patient::Patient;
use wardline::domain::prescribing::Priority;
use wardline::domain::visit::VisitKind;
use wardline::error::Error;
use wardline::ops;
use wardline::ops::lab::record;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 4, 9, 0, 0).unwrap()
}

fn at(t: DateTime<Utc>) -> Clock {
    Clock::new(t, chrono_tz::UTC)
}

struct Ward {
    c: Clinic,
    doctor: Session,
    locum: Session,
    nurse: Session,
    lab: Session,
    lab2: Session,
    /// Admitted under the doctor to a bed of the nurse's ward.
    admitted: Patient,
    /// Seen by the doctor in clinic (an open visit), not admitted.
    outpatient: Patient,
    outpatient_visit: Id,
}

fn ward() -> Ward {
    let early = now() - Duration::days(30);
    let mut c = Clinic::new(chrono_tz::UTC, early, now() - Duration::days(10));
    c.staff(&[DOCTOR, LOCUM, NURSE, LAB_TECH, LAB_TECH_2, RECEPTIONIST]);
    let t = now() - Duration::days(10);
    let doctor = c.signed_in("doctor", t);
    let locum = c.signed_in("locum", t);
    let nurse = c.signed_in("nurse", t);
    let lab = c.signed_in("lab", t);
    let lab2 = c.signed_in("lab2", t);
    let w = c.ward("Medical", WardKind::Medical);
    c.nurse_on("nurse", &w);
    let bed = c.bed(&w, "MED-01");
    let person = fixture::person("Amina", "Yusuf", "1970-03-02", "F");
    let admitted = fixture::register(&mut c.db, &c.admin, &person, early);
    fixture::admit(
        &mut c.db,
        &nurse,
        &admitted.id,
        &bed,
        &doctor.user.id,
        "diabetic ketoacidosis",
        t,
    );
    let person = fixture::person("Omar", "Haddad", "1981-07-12", "M");
    let outpatient = fixture::register(&mut c.db, &c.admin, &person, early);
    // Booked with the doctor: the visit is theirs to open.
    let desk = c.signed_in("desk", t);
    let clinic_day = (now() - Duration::days(5)).date_naive();
    fixture::book(
        &mut c.db,
        &desk,
        &outpatient.id,
        &doctor.user.id,
        clinic_day,
        540,
        t,
    );
    let visit = ops::visits::start(
        &mut c.db,
        &doctor,
        &outpatient.id,
        VisitKind::Outpatient,
        at(now() - Duration::days(5)),
    )
    .unwrap();
    Ward {
        c,
        doctor,
        locum,
        nurse,
        lab,
        lab2,
        admitted,
        outpatient,
        outpatient_visit: visit.id,
    }
}

impl Ward {
    /// The doctor orders `tests` (of one specimen) for the admitted patient
    /// at `t`; the order is collected an hour later, `values` entered two
    /// hours later and, when `verify`, verified by the second technician at
    /// three.
    fn resulted(
        &mut self,
        tests: &[&str],
        values: &[(&str, &str)],
        t: DateTime<Utc>,
        verify: bool,
    ) -> Vec<ops::lab::LabOrder> {
        let patient = self.admitted.id.clone();
        self.resulted_for(&patient, None, tests, values, t, verify)
    }

    fn resulted_for(
        &mut self,
        patient: &Id,
        visit: Option<&Id>,
        tests: &[&str],
        values: &[(&str, &str)],
        t: DateTime<Utc>,
        verify: bool,
    ) -> Vec<ops::lab::LabOrder> {
        let orders = self
            .c
            .lab_order(&self.doctor, patient, visit, tests, Priority::Stat, t);
        for o in &orders {
            self.c.collect(&self.lab, o, t + Duration::hours(1));
            self.c.results(&self.lab, o, values, t + Duration::hours(2));
            if verify {
                self.c.verify(&self.lab2, o, t + Duration::hours(3));
            }
        }
        orders
    }

    fn criticals(&mut self, who: &Session) -> Vec<record::OpenCritical> {
        let who = who.clone();
        record::open_criticals(&mut self.c.db, &who, at(now()), false).unwrap()
    }
}

#[test]
fn the_record_shows_clinicians_only_verified_values_and_the_state_of_each_order() {
    let mut w = ward();
    let t = now() - Duration::days(1);
    w.resulted(&["K"], &[("K", "4.2")], t, true);
    w.resulted(
        &["GLU"],
        &[("GLU", "5.0")],
        t + Duration::minutes(10),
        false,
    );
    let waiting = w.c.lab_order(
        &w.doctor,
        &w.admitted.id.clone(),
        None,
        &["CREA"],
        Priority::Routine,
        t + Duration::minutes(20),
    );
    assert_eq!(waiting.len(), 1);
    let r = record::results_of(&mut w.c.db, &w.doctor, &w.admitted.id, at(now())).unwrap();
    assert_eq!(r.orders.len(), 3);
    // Newest first.
    assert_eq!(r.orders[0].order.id, waiting[0].id);
    assert_eq!(r.orders[0].state(), "pending: waiting for collection");
    assert!(r.orders[0].lines.iter().all(|l| l.value.is_none()));
    let glucose = &r.orders[1];
    assert_eq!(glucose.lines.len(), 1);
    assert!(
        glucose.lines[0].value.is_none(),
        "an unverified value is pending for a clinician: {glucose:?}"
    );
    assert_eq!(glucose.state(), "pending");
    let k = &r.orders[2];
    assert_eq!(k.state(), "verified");
    let v = k.lines[0].value.as_ref().expect("verified potassium shown");
    assert_eq!(v.value, "4.2");
    assert_eq!(v.flag, "");
    assert_eq!((v.range_low, v.range_high), (Some(3.5), Some(5.1)));
    assert!(k.lines[0].numeric);
    // The opening is a READ of the patient.
    let reads: i64 =
        w.c.db
            .conn()
            .query_row(
                "SELECT count(*) FROM audit_log WHERE action = 'READ' AND entity = 'lab_results'
               AND patient_id = ?1",
                [w.admitted.id.as_str()],
                |r| r.get(0),
            )
            .unwrap();
    assert_eq!(reads, 1);
    // Outside the care of the locum: the glass first; never for the lab.
    let locum = w.locum.clone();
    assert!(matches!(
        record::results_of(&mut w.c.db, &locum, &w.admitted.id, at(now())),
        Err(Error::BreakGlassNeeded(_))
    ));
    let lab = w.lab.clone();
    assert!(record::results_of(&mut w.c.db, &lab, &w.admitted.id, at(now())).is_err());
}

#[test]
fn a_rejected_specimen_shows_with_its_reason_on_the_record_and_to_its_orderer() {
    let mut w = ward();
    let t = now() - Duration::hours(5);
    let orders = w.c.lab_order(
        &w.doctor,
        &w.admitted.id.clone(),
        None,
        &["K"],
        Priority::Urgent,
        t,
    );
    let o = w.c.collect(&w.lab, &orders[0], t + Duration::hours(1));
    let lab = w.lab.clone();
    ops::lab::reject(
        &mut w.c.db,
        &lab,
        &o.id,
        o.version,
        RejectReason::Haemolysed,
        Some("pink serum"),
        at(t + Duration::hours(2)),
    )
    .unwrap();
    let r = record::results_of(&mut w.c.db, &w.doctor, &w.admitted.id, at(now())).unwrap();
    let state = r.orders[0].state();
    assert!(state.contains("rejected"), "{state}");
    assert!(state.contains("haemolysed"), "{state}");
    assert!(state.contains("pink serum"), "{state}");
    let since = now() - Duration::days(1);
    let mine = record::rejected_for(&w.c.db, &w.doctor, since, at(now())).unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].accession, o.accession);
    assert_eq!(mine[0].reason, "haemolysed");
    assert_eq!(mine[0].note.as_deref(), Some("pink serum"));
    assert_eq!(mine[0].tests, "K");
    // Only the orderer's, and only recent ones.
    assert!(
        record::rejected_for(&w.c.db, &w.locum, since, at(now()))
            .unwrap()
            .is_empty()
    );
    let later = now() + Duration::days(3);
    assert!(
        record::rejected_for(&w.c.db, &w.doctor, later - Duration::days(1), at(later))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn the_trend_holds_the_verified_current_values_oldest_first() {
    let mut w = ward();
    let day = |n: i64| now() - Duration::days(n);
    w.resulted(&["K"], &[("K", "5.5")], day(3), true);
    w.resulted(&["K"], &[("K", "4.0")], day(5), true);
    let last = w.resulted(&["K"], &[("K", "3.2")], day(1), false);
    let r = record::results_of(&mut w.c.db, &w.doctor, &w.admitted.id, at(now())).unwrap();
    let analyte = r.orders[0].lines[0].analyte_id.clone();
    let t = record::trend(&mut w.c.db, &w.doctor, &w.admitted.id, &analyte, at(now())).unwrap();
    assert_eq!(t.code, "K");
    assert_eq!(t.unit.as_deref(), Some("mmol/L"));
    let values: Vec<&str> = t.points.iter().map(|p| p.value.as_str()).collect();
    assert_eq!(
        values,
        ["4.0", "5.5"],
        "oldest collection first, verified only"
    );
    assert_eq!(t.points[0].collected_at, day(5) + Duration::hours(1));
    assert_eq!(t.points[1].flag, "H");
    w.c.verify(&w.lab2, &last[0], now());
    let t = record::trend(&mut w.c.db, &w.doctor, &w.admitted.id, &analyte, at(now())).unwrap();
    let values: Vec<&str> = t.points.iter().map(|p| p.value.as_str()).collect();
    assert_eq!(values, ["4.0", "5.5", "3.2"]);
    assert_eq!(t.points[2].flag, "L");
}

#[test]
fn a_critical_result_alerts_the_orderer_and_the_carers_until_one_acknowledges_it_once() {
    let mut w = ward();
    let t = now() - Duration::hours(6);
    w.resulted(&["K"], &[("K", "6.9")], t, true);
    let (doctor, nurse, locum) = (w.doctor.clone(), w.nurse.clone(), w.locum.clone());
    let alert = w.criticals(&doctor);
    assert_eq!(alert.len(), 1);
    let a = &alert[0];
    assert_eq!((a.analyte_code.as_str(), a.value.as_str()), ("K", "6.9"));
    assert_eq!(a.flag, "HH");
    assert_eq!(a.unit.as_deref(), Some("mmol/L"));
    assert_eq!(a.name, "Amina Yusuf");
    assert_eq!(a.mrn, w.admitted.mrn.to_string());
    // The ward's nurse cares for her; the locum does not.
    assert_eq!(w.criticals(&nurse), alert);
    assert!(w.criticals(&locum).is_empty());
    // An outpatient's critical glucose alerts the doctor who ordered it.
    let (patient, visit) = (w.outpatient.id.clone(), w.outpatient_visit.clone());
    w.resulted_for(&patient, Some(&visit), &["GLU"], &[("GLU", "1.9")], t, true);
    let both = w.criticals(&doctor);
    assert_eq!(both.len(), 2);
    assert!(
        both.iter()
            .any(|c| c.analyte_code == "GLU" && c.flag == "LL")
    );
    assert_eq!(w.criticals(&nurse).len(), 1);
    // The nurse acknowledges the potassium: it no longer alerts anyone.
    let result = a.result_id.clone();
    ops::lab::acknowledge(&mut w.c.db, &nurse, &result, at(now())).unwrap();
    assert!(w.criticals(&nurse).is_empty());
    let left = w.criticals(&doctor);
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].analyte_code, "GLU");
    // Once.
    assert!(ops::lab::acknowledge(&mut w.c.db, &doctor, &result, at(now())).is_err());
    let r = record::results_of(&mut w.c.db, &doctor, &w.admitted.id, at(now())).unwrap();
    let v = r.orders[0].lines[0].value.as_ref().unwrap();
    assert_eq!(
        v.acknowledged
            .as_ref()
            .map(|(who, when)| (who.as_str(), *when)),
        Some(("Mei Lin Chen", now()))
    );
}

#[test]
fn a_corrected_critical_no_longer_alerts_and_shows_as_corrected() {
    let mut w = ward();
    let t = now() - Duration::hours(6);
    let orders = w.resulted(&["K"], &[("K", "6.9")], t, true);
    let doctor = w.doctor.clone();
    let alert = w.criticals(&doctor);
    assert_eq!(alert.len(), 1);
    let lab = w.lab.clone();
    ops::lab::correct(
        &mut w.c.db,
        &lab,
        &alert[0].result_id,
        "4.4",
        "haemolysed sample resulted by mistake",
        at(now() - Duration::hours(2)),
    )
    .unwrap();
    assert!(
        w.criticals(&doctor).is_empty(),
        "the old version no longer alerts"
    );
    w.c.verify(&w.lab2.clone(), &orders[0], now() - Duration::hours(1));
    assert!(w.criticals(&doctor).is_empty());
    let r = record::results_of(&mut w.c.db, &doctor, &w.admitted.id, at(now())).unwrap();
    let v = r.orders[0].lines[0].value.as_ref().unwrap();
    assert_eq!(v.value, "4.4");
    assert_eq!(v.flag, "");
    assert_eq!(
        v.corrected,
        [(
            "6.9".to_string(),
            "haemolysed sample resulted by mistake".to_string()
        )]
    );
    // A correction that is itself critical alerts in its turn.
    let lab = w.lab.clone();
    ops::lab::correct(
        &mut w.c.db,
        &lab,
        &v.result_id,
        "2.1",
        "second look: the value was low",
        at(now()),
    )
    .unwrap();
    w.c.verify(&w.lab2.clone(), &orders[0], now());
    let alert = w.criticals(&doctor);
    assert_eq!(alert.len(), 1);
    assert_eq!(
        (alert[0].value.as_str(), alert[0].flag.as_str()),
        ("2.1", "LL")
    );
}

#[test]
fn the_bed_board_counts_open_criticals_per_patient() {
    let mut w = ward();
    let t = now() - Duration::hours(6);
    w.resulted(
        &["UE"],
        &[
            ("NA", "118"),
            ("K", "6.5"),
            ("UREA", "5"),
            ("CREA", "80"),
            ("CL", "100"),
        ],
        t,
        true,
    );
    let patients = [w.admitted.id.clone(), w.outpatient.id.clone()];
    let counts = record::criticals_of(&w.c.db, &w.nurse, &patients).unwrap();
    assert_eq!(counts.len(), 1);
    assert_eq!(counts.get(&w.admitted.id), Some(&2));
    let doctor = w.doctor.clone();
    for c in w.criticals(&doctor) {
        ops::lab::acknowledge(&mut w.c.db, &doctor, &c.result_id, at(now())).unwrap();
    }
    assert!(
        record::criticals_of(&w.c.db, &w.nurse, &patients)
            .unwrap()
            .is_empty()
    );
    // Not for the lab's or the desk's eyes.
    assert!(record::criticals_of(&w.c.db, &w.lab, &patients).is_err());
}
