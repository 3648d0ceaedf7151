//! The demo's medicines, written through the prescribing, dispensing and
//! round ops: each consultation's prescription for its diagnosis (the
//! malnourished child's amoxicillin written over a rash on penicillin as
//! a baby, the override's reason kept), the pharmacy's morning (some dispensed in full, some
//! waiting, the ferrous and folic acid short of stock), and the ward
//! orders written on yesterday's rounds with their doses recorded since:
//! given, one held with its reason, one left overdue.

use super::Staff;
use super::clinic::Consulted;
use crate::domain::clock::Clock;
use crate::domain::ids::Id;
use crate::domain::pharmacy::Item;
use crate::domain::prescribing::checks::CheckKind;
use crate::domain::prescribing::mar::Outcome;
use crate::domain::prescribing::{Course, Dose, Frequency, Priority, Route};
use crate::ops::mar::{self, DoseInput};
use crate::ops::prescriptions::{self, Medicine, PrescriptionInput};
use crate::ops::{dispensing, pharmacy};
use crate::store::Db;
use anyhow::{Context, Result};
use chrono::{DateTime, Duration, Utc};

/// The allergy of the patient whose amoxicillin is written anyway.
pub const CHILDHOOD_RASH: (&str, &str) = ("penicillin", "mild rash as a baby, during a cold");
/// Why the doctor went ahead.
const OVERRIDE: &str = "rash was viral; needs amoxicillin for severe malnutrition; mother to stop it and return if a rash";
/// Why the ward's amlodipine dose was held.
const HELD: &str = "BP 96/58 lying: held, doctor informed";

/// An order: (item name, strength, dose, route, frequency, days).
type Order = (
    &'static str,
    &'static str,
    &'static str,
    Route,
    Frequency,
    u32,
);

/// What the clinic prescribes for a diagnosis, by its code.
fn clinic_order(code: &str) -> Option<Order> {
    Some(match code {
        "B54" => (
            "Artemether with lumefantrine",
            "20 mg + 120 mg",
            "4 tablets",
            Route::Oral,
            Frequency::Bd,
            3,
        ),
        "B50.9" => (
            "Artemether with lumefantrine",
            "20 mg + 120 mg",
            "1 tablet",
            Route::Oral,
            Frequency::Bd,
            3,
        ),
        "I10" => ("Amlodipine", "5 mg", "5 mg", Route::Oral, Frequency::Od, 28),
        "E11.9" => (
            "Metformin",
            "500 mg",
            "500 mg",
            Route::Oral,
            Frequency::Bd,
            28,
        ),
        "J18.9" => (
            "Amoxicillin",
            "500 mg",
            "1 g",
            Route::Oral,
            Frequency::Tds,
            5,
        ),
        "E44.0" => (
            "Amoxicillin",
            "250 mg",
            "250 mg",
            Route::Oral,
            Frequency::Bd,
            5,
        ),
        "Z34.90" => (
            "Ferrous sulfate with folic acid",
            "60 mg + 400 micrograms",
            "1 tablet",
            Route::Oral,
            Frequency::Od,
            30,
        ),
        _ => return None,
    })
}

/// The ward's orders, one per patient on a round in turn: the first's
/// doses all given, the second's last dose held, the third's left overdue.
const WARD: [Order; 3] = [
    (
        "Paracetamol",
        "500 mg",
        "1 g",
        Route::Oral,
        Frequency::Qid,
        5,
    ),
    ("Amlodipine", "5 mg", "5 mg", Route::Oral, Frequency::Bd, 5),
    (
        "Metronidazole",
        "400 mg",
        "400 mg",
        Route::Oral,
        Frequency::Tds,
        5,
    ),
];

fn at(clock: Clock, t: DateTime<Utc>) -> Clock {
    Clock::new(t, clock.zone)
}

fn item<'a>(items: &'a [Item], name: &str, strength: &str) -> Result<&'a Item> {
    items
        .iter()
        .find(|i| i.details.name == name && i.details.strength == strength)
        .with_context(|| format!("the demo formulary needs {name} {strength}"))
}

fn input(visit: &Id, item: &Item, o: &Order) -> Result<PrescriptionInput> {
    Ok(PrescriptionInput {
        visit: visit.clone(),
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
        quantity: None,
        quantity_reason: String::new(),
        priority: Priority::Routine,
        starts_at: None,
        overrides: Vec::new(),
    })
}

/// Prescribes for the clinic's consultations and the ward's rounds, has
/// the pharmacist dispense some, and the nurse record the ward's doses.
/// `overridden` is the patient with [`CHILDHOOD_RASH`].
pub fn morning(
    db: &mut Db,
    staff: &Staff,
    clock: Clock,
    consulted: &[Consulted],
    rounds: &[(Id, Id, DateTime<Utc>)],
    overridden: Option<&Id>,
) -> Result<()> {
    let pharmacist = &staff.pharmacist;
    let items: Vec<Item> = pharmacy::stock_list(db, pharmacist, pharmacy::today(&clock))?
        .into_iter()
        .map(|l| l.item)
        .collect();
    for (k, c) in consulted.iter().enumerate() {
        let Some(o) = clinic_order(c.code) else {
            continue;
        };
        let it = item(&items, o.0, o.1)?;
        let mut rx_input = input(&c.visit, it, &o)?;
        if Some(&c.patient) == overridden {
            rx_input.overrides = vec![(CheckKind::Allergy, OVERRIDE.into())];
        }
        let written = c.done + Duration::minutes(1);
        let rx = prescriptions::prescribe(db, &staff.doctor, &rx_input, at(clock, written))
            .with_context(|| format!("prescribing {} {}", o.0, o.1))?;
        // The pharmacy dispenses every other one; the antenatal iron is
        // short of stock and goes out in part; the rest wait.
        if k % 2 == 0 || o.0.starts_with("Ferrous") {
            // Never after the demo's instant, unless the visit itself is.
            let handed = (written + Duration::minutes(25)).min(clock.now.max(written));
            dispensing::dispense(db, pharmacist, &rx.id, None, handed)
                .with_context(|| format!("dispensing {} {}", o.0, o.1))?;
        }
    }
    for (k, ((_, visit, signed), o)) in rounds.iter().zip(WARD.iter()).enumerate() {
        let it = item(&items, o.0, o.1)?;
        let written = *signed + Duration::minutes(5);
        let rx =
            prescriptions::prescribe(db, &staff.doctor, &input(visit, it, o)?, at(clock, written))
                .with_context(|| format!("ordering {} {} on the ward", o.0, o.1))?;
        // Every dose due before the last hour and a half, recorded at the
        // round ten minutes after; the last one held or left undone.
        let settings = db.settings()?;
        let timing = rx.timing();
        let mut due = Vec::new();
        let mut day = crate::domain::clock::local_date(clock.zone, written);
        while day <= clock.today() {
            due.extend(
                timing
                    .due_on(day, clock.zone, &settings.medication_rounds)
                    .into_iter()
                    .filter(|t| *t <= clock.now - Duration::minutes(90)),
            );
            day += Duration::days(1);
        }
        let last = due.len().saturating_sub(1);
        for (n, t) in due.iter().enumerate() {
            let outcome = match (k, n == last) {
                (1, true) => Outcome::Held,
                (2, true) => continue,
                _ => Outcome::Given,
            };
            let given = *t + Duration::minutes(10);
            let dose = DoseInput {
                prescription: rx.id.clone(),
                due_at: Some(*t),
                outcome,
                at: given,
                reason: if outcome == Outcome::Held {
                    HELD.into()
                } else {
                    String::new()
                },
                prn_indication: String::new(),
            };
            mar::record_dose(db, &staff.nurse, &dose, at(clock, given))
                .with_context(|| format!("recording a dose of {} {}", o.0, o.1))?;
        }
    }
    Ok(())
}
