//! A patient's death (#22): discharged as deceased, the death is recorded
//! with its time, the patient's appointments still to come are cancelled
//! and named, and nobody can book, admit or dispense to them, with the
//! program bypassed too; an administrator corrects a wrong record with a
//! reason.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use common::clinic::{self as fixture, Clinic};
use wardline::domain::appointment::Status;
use wardline::domain::beds::WardKind;
use wardline::domain::clock::{Clock, Tz};
use wardline::error::Error;
use wardline::ops;
use wardline::store::{appointments, patients};

const ZONE: Tz = chrono_tz::Africa::Nairobi;

fn nairobi(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    ZONE.with_ymd_and_hms(2026, 11, day, h, m, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

fn november(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
}

#[test]
fn discharged_as_deceased_the_patient_is_marked_and_refused_everywhere() {
    let mut c = Clinic::new(ZONE, nairobi(1, 7, 0), nairobi(2, 8, 0));
    c.staff(&[
        fixture::DOCTOR,
        fixture::NURSE,
        fixture::RECEPTIONIST,
        fixture::PHARMACIST,
    ]);
    let (nurse, desk, doctor) = (
        c.signed_in("nurse", nairobi(2, 8, 0)),
        c.signed_in("desk", nairobi(2, 8, 0)),
        c.signed_in("doctor", nairobi(2, 8, 0)),
    );
    let ward = c.ward("Medical", WardKind::Medical);
    let bed = c.bed(&ward, "M1");
    let spare = c.bed(&ward, "M2");
    let p = fixture::register(
        &mut c.db,
        &desk,
        &fixture::person("Bao", "Tran", "1950-02-02", "M"),
        nairobi(2, 8, 0),
    );
    // A review booked for later this month, and one already done.
    let review = fixture::book(
        &mut c.db,
        &desk,
        &p.id,
        &doctor.user.id,
        november(20),
        9 * 60,
        nairobi(2, 8, 5),
    );
    let admission = fixture::admit(
        &mut c.db,
        &nurse,
        &p.id,
        &bed,
        &doctor.user.id,
        "pneumonia",
        nairobi(3, 10, 0),
    );
    let clock = Clock::new(nairobi(5, 6, 0), ZONE);
    let to_come = ops::deaths::still_to_come(&c.db, &p.id, clock).unwrap();
    assert_eq!(to_come.len(), 1);
    assert_eq!(
        ops::deaths::describe(&to_come[0]),
        "Fri 20 Nov 2026 09:00–09:15 consultation with Dr. Aisha Rahman"
    );

    // The time of death is between the admission and now.
    let e = ops::beds::discharge_deceased(
        &mut c.db,
        &nurse,
        &admission,
        nairobi(3, 9, 0),
        "",
        clock.now,
    )
    .unwrap_err();
    assert!(e.to_string().contains("before the admission"), "{e}");
    let e = ops::beds::discharge_deceased(
        &mut c.db,
        &nurse,
        &admission,
        nairobi(5, 7, 0),
        "",
        clock.now,
    )
    .unwrap_err();
    assert!(e.to_string().contains("later than now"), "{e}");

    ops::beds::discharge_deceased(
        &mut c.db,
        &nurse,
        &admission,
        nairobi(5, 5, 40),
        "",
        clock.now,
    )
    .unwrap();
    let after = patients::get(c.db.conn(), &p.id).unwrap().unwrap();
    assert_eq!(after.died_at, Some(nairobi(5, 5, 40)));
    let review = appointments::get(c.db.conn(), &review.appt.id)
        .unwrap()
        .unwrap();
    assert_eq!(review.appt.status, Status::Cancelled);
    assert_eq!(
        review.appt.cancel_reason.as_deref(),
        Some("the patient died")
    );
    let row = &patients::rows(c.db.conn(), &[1]).unwrap()[0];
    assert!(row.deceased);

    // Booking, admitting and dispensing are refused, naming the patient.
    let later = nairobi(6, 9, 0);
    let any_hours = ops::appointments::Allow {
        outside_hours: true,
        ..Default::default()
    };
    let b = wardline::ops::appointments::Booking {
        patient: p.id.clone(),
        clinician: doctor.user.id.clone(),
        type_id: review.appt.type_id.clone(),
        day: november(23),
        span: review.appt.span,
        notes: String::new(),
    };
    let e = ops::appointments::book(&mut c.db, &desk, &b, &any_hours, later).unwrap_err();
    assert!(
        matches!(&e, Error::Refused(m) if m.contains("Bao Tran") && m.contains("has died")),
        "{e}"
    );
    let e = ops::beds::admit(
        &mut c.db,
        &nurse,
        &ops::beds::AdmitInput {
            patient: &p.id,
            bed: &spare,
            attending: &doctor.user.id,
            reason: "readmission",
        },
        later,
    )
    .unwrap_err();
    assert!(e.to_string().contains("has died"), "{e}");
    let item = c.item("Paracetamol", "paracetamol", "500 mg", "tablet");
    fixture::receive(
        &mut c.db,
        &c.admin.clone(),
        &fixture::receipt(&item, "PCM-1", november(30) + Duration::days(400), 100),
        nairobi(2, 8, 0),
    );
    let pharm = c.signed_in("pharm", later);
    let e = ops::pharmacy::dispense(
        &mut c.db,
        &pharm,
        &item,
        10,
        Some(p.id.as_str()),
        None,
        later,
    )
    .unwrap_err();
    assert!(e.to_string().contains("has died"), "{e}");

    // An administrator corrects a wrong record, with a reason.
    let e = ops::deaths::correct(&mut c.db, &nurse, &p.id, "wrong patient", later).unwrap_err();
    assert!(matches!(e, Error::NotPermitted(_)), "{e}");
    let admin = c.admin.clone();
    let fixed = ops::deaths::correct(
        &mut c.db,
        &admin,
        &p.id,
        "recorded on the wrong patient",
        later,
    )
    .unwrap();
    assert_eq!(fixed.died_at, None);
    let last = wardline::store::audit::recent(c.db.conn(), 1)
        .unwrap()
        .remove(0);
    assert!(
        last.summary
            .ends_with("the death was recorded in error: recorded on the wrong patient"),
        "{}",
        last.summary
    );
    ops::appointments::book(&mut c.db, &desk, &b, &any_hours, later).unwrap();
}

#[test]
fn the_file_refuses_booking_admitting_or_dispensing_to_the_dead_with_the_program_bypassed() {
    let mut c = Clinic::new(ZONE, nairobi(1, 7, 0), nairobi(2, 8, 0));
    c.staff(&[fixture::DOCTOR, fixture::RECEPTIONIST]);
    let desk = c.signed_in("desk", nairobi(2, 8, 0));
    let p = fixture::register(
        &mut c.db,
        &desk,
        &fixture::person("Bao", "Tran", "1950-02-02", "M"),
        nairobi(2, 8, 0),
    );
    let conn = common::raw(&c.path);
    conn.execute(
        "UPDATE patients SET died_at = '2026-11-02T05:00:00Z' WHERE id = ?1",
        [p.id.as_str()],
    )
    .unwrap();
    for (sql, what) in [
        (
            "INSERT INTO appointments (id, patient_id, clinician_id, type_id, day, start_min, end_min, status, created_at, updated_at)
             SELECT 'x', ?1, u.id, t.id, '2026-11-20', 540, 555, 'scheduled', '2026-11-02T06:00:00Z', '2026-11-02T06:00:00Z'
             FROM users u, appointment_types t WHERE u.user_name = 'doctor' LIMIT 1",
            "no appointment can be booked",
        ),
        (
            "INSERT INTO admissions (id, patient_id, bed_id, attending_id, reason, admitted_at)
             SELECT 'x', ?1, 'nobed', u.id, 'r', '2026-11-02T06:00:00Z' FROM users u LIMIT 1",
            "they cannot be admitted",
        ),
        (
            "INSERT INTO stock_movements (batch_id, item_id, kind, quantity, patient_id, at)
             VALUES ('b', 'i', 'dispense', -1, ?1, '2026-11-02T06:00:00Z')",
            "nothing is dispensed to them",
        ),
    ] {
        let e = conn.execute(sql, [p.id.as_str()]).unwrap_err();
        assert!(e.to_string().contains(what), "{sql}: {e}");
    }
}
