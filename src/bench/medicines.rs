//! The medicines measures (`--only medicines`): the pharmacist's
//! prescription queue and the nurse's due-now round, each read again and
//! drawn; prescribing in the doctor's morning visits with the safety
//! checks, and dispensing those prescriptions first-expiry-first-out, each
//! its own commit with synchronous=FULL.

use super::frames::{NONE, Screen};
use super::stats::{Summary, timed};
use super::{DOCTOR, NURSE, PASSWORD, PHARMACIST, clinic_now, today};
use crate::auth::{self, Session};
use crate::domain::ids::Id;
use crate::domain::patient::age_years;
use crate::domain::prescribing::checks::CheckKind;
use crate::domain::prescribing::{Course, Dose, Frequency, Priority, Route};
use crate::ops::pharmacy::{self, Receipt};
use crate::ops::prescriptions::{self, Medicine, PrescriptionInput};
use crate::store::Db;
use crate::store::prescriptions_bulk::{VisitRow, visits_of_clinician};
use crate::store::sessions::EndReason;
use anyhow::{Context, Result, bail};
use chrono::{DateTime, Duration, TimeZone, Utc};
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

/// The hour of the midday round at which the nurse's due-now list is read:
/// the doses of 12:00 due, the morning's unrecorded ones overdue.
pub fn round_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 9, 11, 45, 0)
        .single()
        .unwrap_or_default()
}

const REFRESH: (KeyCode, KeyModifiers) = (KeyCode::Char('r'), KeyModifiers::CONTROL);

/// The number just before `word` in `text` (`" 87 waiting"` → 87).
fn count_before(text: &str, word: &str) -> Option<u64> {
    let (head, _) = text.split_once(word)?;
    head.trim_end()
        .rsplit(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// The pharmacist's prescription queue (F5, `p`) read again and drawn
/// (Ctrl+R), `samples` times; fails unless prescriptions are waiting.
pub fn pharmacy_queue(db: Db, samples: usize) -> Result<Summary> {
    let mut s = Screen::new(db, Some(clinic_now()))?;
    s.sign_in(PHARMACIST, PASSWORD)?;
    s.key(KeyCode::F(5), NONE);
    s.expect("On hand", "pharmacy stock")?;
    s.key(KeyCode::Char('p'), NONE);
    s.expect(" Prescription queue ", "prescription queue")?;
    let waiting = count_before(&s.text()?, " waiting · stat and urgent first");
    if waiting.is_none_or(|n| n == 0) {
        bail!(
            "the prescription queue shows no prescription waiting: the bench hospital lacks its medicines"
        );
    }
    let out = s.measure(samples, [REFRESH, REFRESH])?;
    s.expect(" waiting · stat and urgent first", "prescription queue")?;
    s.shutdown();
    Ok(out)
}

/// The ward the single-ward round shows: the bench's largest.
pub const ROUND_WARD: &str = "Medical ward A";

/// The nurse's medication round (F8) at [`round_now`], read again and
/// drawn (Ctrl+R), `samples` times: on [`ROUND_WARD`] alone (chosen with
/// `w`) when `one_ward`, else on all her wards (every ward of the bench).
/// Fails unless doses are due, and on all the wards unless some are
/// overdue.
pub fn ward_due_now(db: Db, samples: usize, one_ward: bool) -> Result<Summary> {
    let mut s = Screen::new(db, Some(round_now()))?;
    s.sign_in(NURSE, PASSWORD)?;
    s.key(KeyCode::F(8), NONE);
    s.expect(" Medication round · ", "medication round")?;
    let shown = if one_ward {
        format!(" Medication round · {ROUND_WARD} · ")
    } else {
        " Medication round · all my wards · ".to_string()
    };
    for _ in 0..super::wards::WARDS.len() {
        if one_ward && !s.text()?.contains(&shown) {
            s.key(KeyCode::Char('w'), NONE);
        }
    }
    s.expect(&shown, "medication round")?;
    let text = s.text()?;
    if count_before(&text, " due").is_none_or(|n| n == 0)
        || (!one_ward && !text.contains(" OVERDUE"))
    {
        bail!(
            "the medication round shows no dose due or overdue: the bench hospital lacks its MAR"
        );
    }
    let out = s.measure(samples, [REFRESH, REFRESH])?;
    s.expect(&shown, "medication round")?;
    s.shutdown();
    Ok(out)
}

/// An order of the prescribe measure: item name, strength, dose, route,
/// frequency, days (short courses, so that the delivery stays small).
type Order = (
    &'static str,
    &'static str,
    &'static str,
    Route,
    Frequency,
    u32,
);

#[rustfmt::skip]
const ADULT: &[Order] = &[
    ("Paracetamol", "500 mg", "1 g", Route::Oral, Frequency::Tds, 2),
    ("Amoxicillin", "500 mg", "500 mg", Route::Oral, Frequency::Tds, 5),
    ("Ibuprofen", "400 mg", "400 mg", Route::Oral, Frequency::Tds, 3),
    ("Omeprazole", "20 mg", "20 mg", Route::Oral, Frequency::Od, 7),
    ("Metronidazole", "400 mg", "400 mg", Route::Oral, Frequency::Tds, 5),
    ("Ciprofloxacin", "500 mg", "500 mg", Route::Oral, Frequency::Bd, 3),
];
#[rustfmt::skip]
const CHILD: &[Order] = &[
    ("Paracetamol", "120 mg/5 ml", "5 ml", Route::Oral, Frequency::Tds, 3),
    ("Amoxicillin", "125 mg/5 ml", "5 ml", Route::Oral, Frequency::Tds, 5),
];

/// Why the bench prescribes past a check that finds something (the same
/// medicine again for the same visit as the samples cycle).
const OVERRIDE: &str = "bench: prescribed again on purpose";

/// `samples` prescriptions by the doctor in the visits of her morning, a
/// medicine in turn, each checked (allergy, same generic, child's dose)
/// and written in its own commit with synchronous=FULL; the write-ahead
/// log is folded in between, untimed. Returns the prescriptions written.
pub fn prescribe(db: &mut Db, samples: usize) -> Result<(Summary, Vec<Id>)> {
    let start = clinic_now();
    let doctor =
        auth::sign_in(db, DOCTOR, PASSWORD, start).context("the bench doctor could not sign in")?;
    let midnight = Utc.from_utc_datetime(&today().and_hms_opt(0, 0, 0).unwrap_or_default());
    let visits = visits_of_clinician(db.conn(), &doctor.user.id, midnight, start)?;
    if visits.is_empty() {
        bail!("the bench doctor saw nobody this morning: the bench hospital is incomplete");
    }
    stop_earlier_runs(db, &doctor, &visits)?;
    let items = crate::store::pharmacy::items(db.conn())?;
    db.defer_wal_checkpoints()?;
    let mut times = Vec::with_capacity(samples);
    let mut written = Vec::with_capacity(samples);
    for i in 0..samples {
        db.checkpoint_wal()?;
        let v = &visits[i % visits.len()];
        let child = age_years(v.birth_date, today()) < 12;
        let list = if child { CHILD } else { ADULT };
        let o = list[(i / visits.len()) % list.len()];
        let item = items
            .iter()
            .find(|i| i.details.name == o.0 && i.details.strength == o.1)
            .with_context(|| format!("the bench formulary needs {} {}", o.0, o.1))?;
        let input = PrescriptionInput {
            visit: v.id.clone(),
            medicine: Medicine::Item(item.id.clone()),
            generic_name: String::new(),
            dose: Dose::parse_text(o.2).map_err(anyhow::Error::msg)?,
            route: o.3,
            course: Course {
                frequency: o.4,
                prn_indication: None,
                prn_max_daily: None,
                duration_days: Some(o.5),
            },
            instructions: String::new(),
            // A syrup's bottles are not computed from the dose: one lasts.
            quantity: child.then_some(1),
            quantity_reason: if child {
                "one bottle lasts the course".into()
            } else {
                String::new()
            },
            priority: Priority::Routine,
            starts_at: None,
            overrides: [
                CheckKind::Allergy,
                CheckKind::Duplicate,
                CheckKind::PaediatricDose,
            ]
            .into_iter()
            .map(|k| (k, OVERRIDE.to_string()))
            .collect(),
        };
        let clock = db.clock(start + Duration::seconds(i as i64 + 1))?;
        let (rx, t) = timed(|| prescriptions::prescribe(db, &doctor, &input, clock));
        let rx = rx.context("prescribing in the bench doctor's visit failed")?;
        if rx.quantity < 1 || rx.dispensed != 0 {
            bail!(
                "the bench prescription has nothing to dispense: {}",
                rx.label()
            );
        }
        times.push(t);
        written.push(rx.id);
    }
    auth::sign_out(db, &doctor, EndReason::Logout, start)?;
    Ok((Summary::of(&times), written))
}

/// Stops, untimed, what earlier runs prescribed in the morning's visits
/// (written after [`clinic_now`]), so that the checks of this run read the
/// patients' medicines as the morning left them, not every run's.
fn stop_earlier_runs(db: &mut Db, doctor: &Session, visits: &[VisitRow]) -> Result<()> {
    let clock = db.clock(clinic_now())?;
    let mut earlier = Vec::new();
    for v in visits {
        earlier.extend(
            crate::store::prescriptions::active_of_patient(db.conn(), &v.patient_id)?
                .into_iter()
                .filter(|rx| rx.visit_id == v.id && rx.prescribed_at > clinic_now())
                .map(|rx| rx.id),
        );
    }
    if !earlier.is_empty() {
        eprintln!(
            "bench: stopping the {} prescriptions of earlier runs",
            earlier.len()
        );
    }
    for id in earlier {
        prescriptions::stop(db, doctor, &id, "bench: an earlier run's, measured", clock)
            .context("stopping an earlier run's bench prescription failed")?;
    }
    Ok(())
}

/// Dispenses each of `waiting` in full, first expiry first out, by the
/// pharmacist, each its own commit with synchronous=FULL (the log folded
/// in between, untimed). A delivery covering them is received first,
/// untimed, so that every run finds the stock it dispenses.
pub fn dispense(db: &mut Db, waiting: &[Id]) -> Result<Summary> {
    let start = clinic_now() + Duration::hours(1);
    let pharmacist = auth::sign_in(db, PHARMACIST, PASSWORD, start)
        .context("the bench pharmacist could not sign in")?;
    receive_for(db, &pharmacist, waiting, start)?;
    db.defer_wal_checkpoints()?;
    let mut times = Vec::with_capacity(waiting.len());
    for (i, id) in waiting.iter().enumerate() {
        db.checkpoint_wal()?;
        let at = start + Duration::seconds(i as i64 + 1);
        let (plan, t) = timed(|| crate::ops::dispensing::dispense(db, &pharmacist, id, None, at));
        let plan = plan.context("dispensing a bench prescription failed")?;
        if plan.still_owed() != 0 || plan.quantity < 1 {
            bail!(
                "a bench prescription was not dispensed in full: {} owed",
                plan.still_owed()
            );
        }
        times.push(t);
    }
    auth::sign_out(db, &pharmacist, EndReason::Logout, start)?;
    Ok(Summary::of(&times))
}

/// Receives what `waiting` owes of each item into the bench's delivery
/// batch of that item (topped up run after run).
fn receive_for(db: &mut Db, by: &Session, waiting: &[Id], at: DateTime<Utc>) -> Result<()> {
    let mut owed: std::collections::BTreeMap<String, i64> = Default::default();
    for id in waiting {
        let rx = crate::store::prescriptions::get(db.conn(), id)?
            .context("a bench prescription vanished")?;
        if let Some(item) = &rx.item_id {
            *owed.entry(item.clone()).or_default() += rx.owed();
        }
    }
    for (item, quantity) in owed {
        let receipt = Receipt {
            item_id: item,
            batch_no: "BENCH-RX-DELIVERY".into(),
            expiry: today() + Duration::days(720),
            quantity,
            unit_cost: 500,
            price: 750,
            supplier: "MEDS Kenya".into(),
            reference: "bench dispense measure".into(),
        };
        // A large delivery's question was asked and answered yes.
        pharmacy::receive_confirmed(db, by, &receipt, at)
            .context("receiving the bench delivery failed")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_read_before_their_word() {
        assert_eq!(count_before(" 87 waiting · stat", " waiting"), Some(87));
        assert_eq!(count_before(" ward A · 3 due, 1 OVERDUE", " due"), Some(3));
        assert_eq!(count_before("none waiting", " waiting"), None);
    }
}
