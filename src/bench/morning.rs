//! The bench doctor's clinic on the bench day, up to [`clinic_now`]: the
//! booked patients seen so far (checked in, called in, vitals, a signed
//! note, a diagnosis, completed), the one in the room with a draft, and
//! the next few waiting. Written through the ops as the desk and the
//! doctor would, so that the doctor's worklist at that hour reads like a
//! real morning.

use super::cases::{self, Case};
use super::{SEED, clinic_now, today};
use crate::auth::Session;
use crate::domain::appointment::Status;
use crate::domain::clock::Clock;
use crate::domain::conditions::{Certainty, Rank};
use crate::domain::patient::age_years;
use crate::domain::visit::NoteText;
use crate::ops::diagnoses::{self, DiagnosisInput};
use crate::ops::{appointments, clinical, codes, visits, vitals};
use crate::store::Db;
use anyhow::{Context, Result};
use chrono::{DateTime, Duration, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// What the bench's desk and doctor answered when asked once: an inpatient
/// is checked in and called in as the morning's plan has it.
const INPATIENT_ASKED: appointments::AllowCallIn = appointments::AllowCallIn {
    second_in_consultation: false,
    inpatient: true,
};

/// Patients waiting at [`clinic_now`], at most.
const WAITING: usize = 4;

/// The morning as written: seen, in the room, waiting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Morning {
    pub seen: usize,
    pub in_room: usize,
    pub waiting: usize,
}

fn at(t: DateTime<Utc>, zone: crate::domain::clock::Tz) -> Clock {
    Clock::new(t, zone)
}

/// Sees the doctor's booked patients of the bench day up to
/// [`clinic_now`]; `desk` checks them in.
pub fn fill(db: &mut Db, desk: &Session, doctor: &Session) -> Result<Morning> {
    let zone = db.clock(clinic_now())?.zone;
    let now = clinic_now();
    let midnight = zone
        .from_local_datetime(&today().and_hms_opt(0, 0, 0).unwrap_or_default())
        .earliest()
        .map_or(now, |t| t.with_timezone(&Utc));
    let mut mine: Vec<_> = appointments::day(db, desk, today(), false)?
        .into_iter()
        .filter(|b| b.appt.clinician_id == doctor.user.id && b.appt.status == Status::Scheduled)
        .collect();
    mine.sort_by_key(|b| b.appt.span.start);
    let mut rng = StdRng::seed_from_u64(SEED ^ 0x004d_4f52_4e49_4e47);
    let mut m = Morning::default();
    for b in mine {
        let a = &b.appt;
        let start = midnight + Duration::minutes(i64::from(a.span.start));
        let p = clinical::patient_in_use(db.conn(), &a.patient_id)?;
        let age = age_years(p.details.birth_date, today());
        let sex = p.details.sex.to_string();
        let fit: Vec<&Case> = cases::ACUTE
            .iter()
            .filter(|c| cases::suits(c, age, &sex))
            .collect();
        let pick = rng.gen_range(0..fit.len().max(1));
        let case = fit.get(pick).copied().unwrap_or(&cases::ACUTE[0]);
        let seen = start + Duration::minutes(15) <= now;
        let in_room = !seen && m.in_room == 0 && start <= now;
        let waiting = !seen && !in_room && m.waiting < WAITING;
        if !(seen || in_room || waiting) {
            break;
        }
        let arrived = if waiting {
            now - Duration::minutes(5 * (WAITING - m.waiting) as i64)
        } else {
            start - Duration::minutes(10)
        };
        let b = appointments::advance_allowing(
            db,
            desk,
            &a.id,
            a.version,
            Status::CheckedIn,
            None,
            // A patient of the bench's morning who is also on a ward was
            // asked about once, and the answer was yes.
            INPATIENT_ASKED,
            at(arrived, zone),
        )
        .with_context(|| format!("checking in {}", b.mrn))?;
        if waiting {
            m.waiting += 1;
            continue;
        }
        let b = appointments::advance_allowing(
            db,
            doctor,
            &b.appt.id,
            b.appt.version,
            Status::InConsultation,
            None,
            // A patient of the bench's morning who is also on a ward was
            // asked about once, and the answer was yes.
            INPATIENT_ASKED,
            at(start, zone),
        )?;
        let v = visits::open_for_appointment(db, doctor, &b.appt.id, at(start, zone))?;
        let build = cases::build_of(age, &mut rng);
        let set = cases::vitals(age, case.signs, build, &mut rng);
        let taken = start + Duration::minutes(3);
        vitals::record(
            db,
            doctor,
            &vitals::VitalsInput {
                patient: &p.id,
                visit: Some(&v.id),
                taken_at: taken,
                vitals: set,
            },
            at(taken, zone),
        )
        .with_context(|| format!("recording the vitals of {}", p.mrn))?;
        if in_room {
            let draft = NoteText {
                presenting_complaint: cases::note(case, &mut rng).presenting_complaint,
                ..NoteText::default()
            };
            visits::save_draft(db, doctor, &v.id, &draft, None, at(now, zone))?;
            m.in_room += 1;
            continue;
        }
        let note = cases::note(case, &mut rng);
        let n = visits::save_draft(
            db,
            doctor,
            &v.id,
            &note,
            None,
            at(start + Duration::minutes(8), zone),
        )?;
        let code = codes::lookup(db, codes::SHIPPED_SYSTEM, case.code)?
            .with_context(|| format!("{} is not in the shipped list", case.code))?;
        let done = start + Duration::minutes(13);
        diagnoses::add(
            db,
            doctor,
            &DiagnosisInput {
                visit: &v.id,
                code_system: &code.system,
                code: &code.code,
                text: &code.description,
                rank: Rank::Primary,
                certainty: Certainty::Confirmed,
            },
            at(done, zone),
        )?;
        visits::sign(db, doctor, &v.id, n.version, at(done, zone))?;
        appointments::advance(
            db,
            doctor,
            &b.appt.id,
            b.appt.version,
            Status::Completed,
            None,
            at(done + Duration::minutes(1), zone),
        )?;
        m.seen += 1;
    }
    Ok(m)
}
