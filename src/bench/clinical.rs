//! The clinical measures, as the bench's doctor at [`clinic_now`] on the
//! bench day: opening the busiest record (its READ event written, the
//! clinical page drawn), the worklist frame, and saving a vitals set with
//! synchronous=FULL.

use super::frames::{NONE, Screen};
use super::stats::{Summary, timed};
use super::{DOCTOR, PASSWORD, SEED, clinic_now, history, today};
use crate::auth;
use crate::domain::patient::{Patient, age_years};
use crate::ops::vitals::{self, VitalsInput};
use crate::store::Db;
use crate::store::clinical::bulk;
use anyhow::{Context, Result, bail};
use chrono::Duration;
use rand::SeedableRng;
use rand::rngs::StdRng;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

/// The busiest record of a hospital of `patients` patients, as the build
/// chose it: the first patient of 30 or over from the middle of the
/// register on.
pub fn busiest(db: &Db, patients: u64) -> Result<Patient> {
    let mut from = history::busiest_from(patients);
    loop {
        let rows = bulk::patients_by_seq(db.conn(), from, from + 1_000)?;
        if rows.is_empty() {
            bail!("the bench hospital has no busiest record: it is incomplete");
        }
        if let Some(p) = rows.iter().find(|p| age_years(p.birth_date, today()) >= 30) {
            return crate::store::patients::get(db.conn(), &p.id)?
                .context("the busiest record vanished");
        }
        from += 1_000;
    }
}

/// `samples` openings of the busiest record by the doctor through the
/// patients tab: Enter on the search result (the record and its clinical
/// record read, one READ event each) and `c` to its clinical page, drawn.
/// Going back to the search between two (Esc, Esc) is not timed.
pub fn open_record(db: Db, patient: &Patient, samples: usize) -> Result<Summary> {
    let mut s = Screen::new(db, Some(clinic_now()))?;
    s.sign_in(DOCTOR, PASSWORD)?;
    s.key(KeyCode::F(2), NONE);
    s.typed(&patient.mrn);
    s.expect("found", "patient search")?;
    let earlier = format!("and {} earlier", history::BUSIEST_VISITS - 8);
    let mut times = Vec::with_capacity(samples);
    for i in 0..samples {
        let (drawn, t) = timed(|| {
            s.key(KeyCode::Enter, NONE);
            s.key(KeyCode::Char('c'), NONE);
            s.draw()
        });
        drawn?;
        times.push(t);
        if i == 0 || i + 1 == samples {
            s.expect("Visits (Tab chooses", "busiest record")?;
            s.expect(&earlier, "busiest record")?;
            s.expect("Trends over", "busiest record")?;
        }
        // Esc to the details, Esc to the search.
        s.key(KeyCode::Esc, NONE);
        s.key(KeyCode::Esc, NONE);
        if i == 0 {
            s.expect("found", "patient search after the record")?;
        }
    }
    s.expect_no_error("busiest record")?;
    s.shutdown();
    Ok(Summary::of(&times))
}

/// The doctor's worklist (F7) read again and drawn (Ctrl+R), `samples`
/// times: the morning's queue and the admitted patients.
pub fn worklist(db: Db, samples: usize) -> Result<Summary> {
    let mut s = Screen::new(db, Some(clinic_now()))?;
    s.sign_in(DOCTOR, PASSWORD)?;
    s.key(KeyCode::F(7), NONE);
    s.expect("in room", "worklist")?;
    s.expect("queue 1", "worklist")?;
    s.expect("-0", "worklist")?;
    let refresh = (KeyCode::Char('r'), KeyModifiers::CONTROL);
    let out = s.measure(samples, [refresh, refresh])?;
    s.expect_no_error("worklist")?;
    s.shutdown();
    Ok(out)
}

/// `samples` vitals sets recorded by the doctor for admitted adults
/// (NEWS2 scored, compared with the admission's last), each its own commit
/// with synchronous=FULL; the write-ahead log is folded in between, not
/// timed, as the terminal screen does between keys.
pub fn save_vitals(db: &mut Db, samples: usize) -> Result<Summary> {
    let start = clinic_now();
    let session =
        auth::sign_in(db, DOCTOR, PASSWORD, start).context("the bench doctor could not sign in")?;
    let mut adults = Vec::new();
    for a in bulk::admission_spans(db.conn())? {
        if a.discharged_at.is_some() {
            continue;
        }
        if let Some(p) = crate::store::patients::get(db.conn(), &a.patient_id)? {
            let age = age_years(p.details.birth_date, today());
            if age >= crate::domain::news2::ADULT_FROM_YEARS {
                adults.push((p.id, age));
            }
        }
    }
    if adults.is_empty() {
        bail!("the bench hospital has no admitted adult: it is incomplete");
    }
    let mut rng = StdRng::seed_from_u64(SEED ^ 0x5649_5441_4c53);
    db.defer_wal_checkpoints()?;
    let mut times = Vec::with_capacity(samples);
    for i in 0..samples {
        db.checkpoint_wal()?;
        let (patient, age) = &adults[i % adults.len()];
        let build = super::cases::build_of(*age, &mut rng);
        let set = super::cases::vitals(*age, Default::default(), build, &mut rng);
        let at = start + Duration::seconds(i as i64 + 1);
        let clock = db.clock(at)?;
        let input = VitalsInput {
            patient,
            visit: None,
            taken_at: at,
            vitals: set,
        };
        let (saved, t) = timed(|| vitals::record(db, &session, &input, clock));
        saved.context("recording a bench vitals set failed")?;
        times.push(t);
    }
    auth::sign_out(
        db,
        &session,
        crate::store::sessions::EndReason::Logout,
        start,
    )?;
    Ok(Summary::of(&times))
}
