//! The bench hospital's pharmacy: the shipped formulary, a delivery of each
//! item every month, and four months of dispensing to bench patients at the
//! scale of the hospital (40,000 dispenses at a million patients), most of
//! it of a few common items as in a real pharmacy. Written through
//! `ops::pharmacy` by the bench's pharmacist.

use super::{SEED, fixed_now};
use crate::auth::Session;
use crate::demo::pharmacy::FORMULARY;
use crate::domain::pharmacy::{Item, matches_query};
use crate::error::Error;
use crate::ops::pharmacy::{self as ops, Receipt};
use crate::store::Db;
use anyhow::{Context, Result, ensure};
use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

/// The search that finds the most dispensed item, whose view the frame
/// measure opens: it is the first item of the stock list it keeps.
pub const BUSIEST_ITEM: &str = "paracetamol 500 tablet";
/// Dispenses per million patients.
const DISPENSES_PER_MILLION: u64 = 40_000;
/// The fewest dispenses, so that a tiny bench still has a ledger.
const MIN_DISPENSES: u64 = 300;
/// The days of dispensing, and the days between deliveries.
const DAYS: i64 = 120;
const DELIVERY_DAYS: i64 = 30;
/// Patients the dispenses go to, at most.
const PATIENTS: u64 = 5_000;

const SUPPLIERS: &[&str] = &[
    "MEDS Kenya",
    "Kenya Medical Supplies Authority",
    "Surgipharm Ltd",
    "Laborex Kenya",
];

/// The dispenses of a hospital of `patients` patients.
pub fn dispense_count(patients: u64) -> u64 {
    (patients.saturating_mul(DISPENSES_PER_MILLION) / 1_000_000).max(MIN_DISPENSES)
}

fn by_the_pack(item: &Item) -> bool {
    matches!(
        item.details.form.as_str(),
        "tablet" | "capsule" | "sachet" | "pessary"
    )
}

/// One dispense to be made: item index, quantity, patient index, when.
struct Planned {
    item: usize,
    quantity: i64,
    patient: Option<usize>,
    at: DateTime<Utc>,
}

/// Stocks the pharmacy and dispenses from it; returns the dispenses made.
pub fn fill(db: &mut Db, pharmacist: &Session, patients: u64) -> Result<u64> {
    let now = fixed_now();
    let start = now - Duration::days(DAYS);
    let report = ops::import_items(
        db,
        pharmacist,
        FORMULARY.as_bytes(),
        "assets/formulary.csv",
        start - Duration::days(1),
    )?;
    ensure!(
        report.invalid.is_empty(),
        "the shipped formulary has invalid rows: {:?}",
        report.invalid
    );
    let items: Vec<Item> = ops::stock_list(db, pharmacist, ops::today(&db.clock(now)?))?
        .into_iter()
        .map(|l| l.item)
        .collect();
    let busiest = items
        .iter()
        .position(|i| matches_query(&i.details, BUSIEST_ITEM))
        .context("the shipped formulary has no paracetamol 500 mg tablets")?;
    let people: Vec<String> = {
        let mut stmt = db.conn().prepare(
            "SELECT id FROM patients WHERE deleted_at IS NULL AND merged_into IS NULL
             ORDER BY seq LIMIT ?1",
        )?;
        let rows = stmt.query_map([patients.min(PATIENTS) as i64], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut rng = StdRng::seed_from_u64(SEED ^ 0x5048_4152);

    // Popularity: a Zipf law over a fixed shuffle, the busiest item first;
    // every thirteenth item is never stocked.
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.shuffle(&mut rng);
    order.retain(|&i| i != busiest);
    order.insert(0, busiest);
    let stocked = |i: usize| i == busiest || i % 13 != 12;
    let mut cumulative = Vec::new();
    let mut total = 0.0;
    for (rank, &i) in order.iter().enumerate() {
        if stocked(i) {
            total += 1.0 / (rank as f64 + 1.0);
        }
        cumulative.push(total);
    }
    let mut plan: Vec<Planned> = (0..dispense_count(patients))
        .map(|_| {
            let x = rng.gen_range(0.0..total);
            let rank = cumulative.partition_point(|&c| c <= x).min(order.len() - 1);
            let item = order[rank];
            let quantity = if by_the_pack(&items[item]) {
                [6, 10, 14, 20, 21, 28, 30, 42][rng.gen_range(0..8)]
            } else {
                rng.gen_range(1..=3)
            };
            let patient = (!people.is_empty() && rng.gen_range(0..4) != 3)
                .then(|| rng.gen_range(0..people.len()));
            let at = start + Duration::minutes(rng.gen_range(0..DAYS * 24 * 60));
            Planned {
                item,
                quantity,
                patient,
                at,
            }
        })
        .collect();
    plan.sort_by_key(|p| p.at);

    // Each month's delivery covers the month's dispensing with a margin;
    // every seventh item gets no margin, so it ends the period low.
    let months = (DAYS / DELIVERY_DAYS) as usize;
    let mut demand = vec![vec![0i64; items.len()]; months];
    for p in &plan {
        let m = ((p.at - start).num_days() / DELIVERY_DAYS) as usize;
        demand[m.min(months - 1)][p.item] += p.quantity;
    }
    let mut batches = 0u32;
    let mut next = 0usize;
    let mut dispensed = 0u64;
    for (month, wanted) in demand.iter().enumerate() {
        let delivered = start + Duration::days(month as i64 * DELIVERY_DAYS);
        for (i, item) in items.iter().enumerate() {
            if !stocked(i) {
                continue;
            }
            let reorder = item.details.reorder_level.max(10);
            let want = wanted[i];
            let quantity = match (month, want) {
                (0, 0) => reorder * 2,
                (_, 0) => continue,
                _ if i % 7 == 3 => want + reorder / 10,
                _ => want + want / 4 + reorder / 2,
            };
            let cost: i64 = if by_the_pack(item) {
                rng.gen_range(100..3_000)
            } else {
                rng.gen_range(5_000..80_000)
            };
            batches += 1;
            let prefix: String = item
                .details
                .name
                .chars()
                .filter(char::is_ascii_alphabetic)
                .take(3)
                .collect::<String>()
                .to_uppercase();
            let receipt = Receipt {
                item_id: item.id.clone(),
                batch_no: format!("{prefix}{:06}", 310_000 + batches * 7),
                expiry: (delivered + Duration::days(rng.gen_range(400..900))).date_naive(),
                quantity,
                unit_cost: cost,
                price: cost * rng.gen_range(130..170) / 100,
                supplier: SUPPLIERS[i % SUPPLIERS.len()].to_string(),
                reference: format!("GRN-{:05}", 40_000 + batches),
            };
            let at = delivered + Duration::minutes(i as i64);
            // The bench's deliveries are as planned: a question about a
            // large one was asked and answered yes.
            ops::receive_confirmed(db, pharmacist, &receipt, at)
                .with_context(|| format!("receiving {}", item.details.label()))?;
        }
        let until = delivered + Duration::days(DELIVERY_DAYS);
        while let Some(p) = plan
            .get(next)
            .filter(|p| month + 1 == months || p.at < until)
        {
            next += 1;
            let patient = p.patient.map(|k| people[k].as_str());
            // The plan's quantities are the bench's own: one above an
            // item's usual largest dispense was asked and answered yes.
            match ops::dispense_confirmed(
                db,
                pharmacist,
                &items[p.item].id,
                p.quantity,
                patient,
                None,
                p.at,
            ) {
                Ok(_) => dispensed += 1,
                // Short of stock: the pharmacist dispensed what the next
                // delivery brings instead; the bench skips it.
                Err(Error::Refused(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(dispensed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispensing_scales_with_the_hospital() {
        assert_eq!(dispense_count(1_000_000), 40_000);
        assert_eq!(dispense_count(300), MIN_DISPENSES);
    }
}
