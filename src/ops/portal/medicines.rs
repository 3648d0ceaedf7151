//! The patient's own medicines: prescriptions current and past, and what
//! the pharmacy gave them.

use super::{Section, own_patient, viewed};
use crate::auth::Session;
use crate::domain::clock::{Clock, Tz};
use crate::domain::prescribing::Status;
use crate::domain::time::parse_ts;
use crate::error::Result;
use crate::store::Db;
use crate::store::{pharmacy, prescriptions};
use chrono::DateTime;

/// How many prescriptions and dispenses the portal lists (the latest).
pub const MEDICINES_SHOWN: usize = 500;

/// One prescription as the patient sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MedicineLine {
    /// The order in one line: `Amoxicillin 500 mg capsule 500 mg oral TDS 5 days`.
    pub medicine: String,
    pub instructions: String,
    pub prescriber: String,
    pub prescribed_at: DateTime<Tz>,
    pub starts_at: DateTime<Tz>,
    /// `active`, `stopped` or `completed`.
    pub status: String,
    /// When and why it was stopped or completed.
    pub ended: Option<(DateTime<Tz>, String)>,
    /// Units prescribed and given by the pharmacy so far.
    pub quantity: i64,
    pub dispensed: i64,
    /// The stock unit (`capsule`); empty for a medicine bought outside.
    pub unit: String,
    /// A medicine to buy outside the hospital.
    pub outside: bool,
}

/// One dispense (or return) at the pharmacy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispensedLine {
    pub at: Option<DateTime<Tz>>,
    pub item: String,
    /// Negative for a return.
    pub quantity: i64,
    pub unit: String,
}

/// The patient's medicines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Medicines {
    /// Active and within their course, oldest first.
    pub current: Vec<MedicineLine>,
    /// Stopped, completed or run out, newest first.
    pub past: Vec<MedicineLine>,
    /// What the pharmacy gave (returns negative), newest first.
    pub dispensed: Vec<DispensedLine>,
}

/// The patient's current and past medicines and dispenses (a READ event).
pub fn medicines(db: &mut Db, by: &Session, clock: Clock) -> Result<Medicines> {
    let own = own_patient(db, by)?;
    let zone = clock.zone;
    let conn = db.conn();
    let mut current = Vec::new();
    let mut past = Vec::new();
    for rx in prescriptions::of_patient(conn, own.id(), MEDICINES_SHOWN)? {
        let runs = rx.status == Status::Active && rx.timing().current(clock.now);
        let line = MedicineLine {
            medicine: rx.label(),
            instructions: rx.instructions.clone(),
            prescriber: rx.prescriber.clone(),
            prescribed_at: rx.prescribed_at.with_timezone(&zone),
            starts_at: rx.starts_at.with_timezone(&zone),
            status: rx.status.to_string(),
            ended: rx
                .ended
                .as_ref()
                .map(|(at, _, why)| (at.with_timezone(&zone), why.clone())),
            quantity: rx.quantity,
            dispensed: rx.dispensed,
            unit: rx.item_unit.clone(),
            outside: rx.outside(),
        };
        if runs {
            current.push(line);
        } else {
            past.push(line);
        }
    }
    current.reverse();
    let dispensed = pharmacy::dispensed_to(conn, own.id().as_str(), MEDICINES_SHOWN)?
        .into_iter()
        .map(|d| DispensedLine {
            at: parse_ts(&d.at).map(|t| t.with_timezone(&zone)),
            item: d.item,
            quantity: d.quantity,
            unit: d.unit,
        })
        .collect::<Vec<_>>();
    let what = format!(
        "{} current, {} past, {} dispenses",
        current.len(),
        past.len(),
        dispensed.len()
    );
    viewed(db, by, &own, Section::Medicines, what)?;
    Ok(Medicines {
        current,
        past,
        dispensed,
    })
}
