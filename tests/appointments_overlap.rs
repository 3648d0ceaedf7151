//! The overlap rule as a property: whatever sequence of bookings and
//! cancellations the desk makes, a booking succeeds exactly when it overlaps
//! no appointment holding time of the same clinician or the same patient,
//! and the file never holds two such appointments that overlap.

mod common;

use chrono::{NaiveDate, Utc};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use wardline::domain::appointment::{Span, Status};
use wardline::domain::ids::Id;
use wardline::domain::patient::{Field, PatientInput};
use wardline::domain::role::Role;
use wardline::ops;
use wardline::ops::appointments::{Booking, Clock};
use wardline::store::appointments as store;

/// One thing the desk does: book (clinician, patient, start, minutes), or
/// cancel the n-th appointment booked so far.
#[derive(Debug, Clone)]
enum Step {
    Book(usize, usize, u16, u16),
    Cancel(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..2usize, 0..3usize, 0u16..24, 1u16..7)
            .prop_map(|(c, p, s, m)| Step::Book(c, p, 8 * 60 + s * 10, m * 5)),
        1 => (0..20usize).prop_map(Step::Cancel),
    ]
}

#[test]
fn a_booking_succeeds_exactly_when_it_overlaps_nothing_it_shares() {
    let dir = tempfile::tempdir().unwrap();
    let common::Hospital { mut db, admin, .. } = common::hospital(dir.path());
    common::add_user(&mut db, &admin, "doc1", Role::Doctor);
    common::add_user(&mut db, &admin, "doc2", Role::Nurse);
    common::add_user(&mut db, &admin, "desk", Role::Receptionist);
    // The desk works a week before the first day booked, whatever the date.
    let booked_at = chrono::TimeZone::with_ymd_and_hms(&Utc, 2031, 12, 25, 8, 0, 0).unwrap();
    let desk = common::sign_in_user(&mut db, "desk", booked_at);
    let clinicians: Vec<Id> = store::clinicians(db.conn())
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    let patients: Vec<Id> = ["Ann", "Ben", "Cy"]
        .iter()
        .map(|n| {
            let input = PatientInput::default()
                .with(Field::GivenName, *n)
                .with(Field::BirthDate, "1990-05-05")
                .with(Field::Sex, "U");
            ops::patients::register(&mut db, &desk, &input, &[], booked_at)
                .unwrap()
                .id
        })
        .collect();
    let type_id = store::types(db.conn(), false).unwrap()[0].id.clone();
    let first_day = NaiveDate::from_ymd_opt(2032, 1, 1).unwrap();
    let db = std::cell::RefCell::new(db);
    let case = std::cell::Cell::new(0i64);

    let mut runner = TestRunner::new(Config {
        cases: 48,
        ..Config::default()
    });
    runner
        .run(&proptest::collection::vec(step(), 1..25), |steps| {
            // Each case books on a day of its own.
            let day = first_day + chrono::Duration::days(case.get());
            case.set(case.get() + 1);
            let mut db = db.borrow_mut();
            // The model: (clinician, patient, span, holds time) of each booking made.
            let mut model: Vec<(usize, usize, Span, Id, i64)> = Vec::new();
            let mut cancelled: Vec<bool> = Vec::new();
            for s in steps {
                match s {
                    Step::Book(c, p, start, minutes) => {
                        let span = Span::new(start, start + minutes).unwrap();
                        let expect_ok =
                            !model.iter().zip(&cancelled).any(|((mc, mp, ms, _, _), x)| {
                                !*x && (*mc == c || *mp == p) && ms.overlaps(&span)
                            });
                        let b = Booking {
                            patient: patients[p].clone(),
                            clinician: clinicians[c].clone(),
                            type_id: type_id.clone(),
                            day,
                            span,
                            notes: String::new(),
                        };
                        let allow = ops::appointments::Allow {
                            outside_hours: true,
                            ..Default::default()
                        };
                        let got = ops::appointments::book(&mut db, &desk, &b, &allow, booked_at);
                        prop_assert_eq!(
                            got.is_ok(),
                            expect_ok,
                            "{:?} {:?}",
                            span,
                            got.as_ref().err().map(ToString::to_string)
                        );
                        if let Ok(a) = got {
                            model.push((c, p, span, a.appt.id, a.appt.version));
                            cancelled.push(false);
                        }
                    }
                    Step::Cancel(n) => {
                        if let Some((_, _, _, id, version)) = model.get(n) {
                            let clock = Clock {
                                now: booked_at,
                                zone: chrono_tz::UTC,
                            };
                            let r = ops::appointments::advance(
                                &mut db,
                                &desk,
                                id,
                                *version,
                                Status::Cancelled,
                                Some("test"),
                                clock,
                            );
                            prop_assert_eq!(r.is_ok(), !cancelled[n]);
                            cancelled[n] = true;
                        }
                    }
                }
            }
            // What the file holds obeys the rule.
            let held: Vec<_> = store::day(db.conn(), day)
                .unwrap()
                .into_iter()
                .filter(|b| b.appt.status.holds_time())
                .collect();
            for (i, a) in held.iter().enumerate() {
                for b in &held[i + 1..] {
                    let shares = a.appt.clinician_id == b.appt.clinician_id
                        || a.appt.patient_id == b.appt.patient_id;
                    prop_assert!(
                        !(shares && a.appt.span.overlaps(&b.appt.span)),
                        "{:?} and {:?}",
                        a.appt,
                        b.appt
                    );
                }
            }
            prop_assert_eq!(held.len(), cancelled.iter().filter(|x| !**x).count());
            Ok(())
        })
        .unwrap();
}
