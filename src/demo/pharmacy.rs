//! The demo hospital's pharmacy: the shipped formulary, stock received over
//! the past months (some of it low, some expiring soon, one batch expired on
//! the shelf), and the last days' dispensing to demo patients. Everything
//! goes through the same operations a pharmacist uses, so the ledger and the
//! audit trail read as real work.

use crate::auth;
use crate::domain::pharmacy::Item;
use crate::ops::pharmacy::{self as ops, Receipt};
use crate::store::Db;
use crate::store::sessions::EndReason;
use anyhow::{Context, Result};
use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The starting formulary shipped in `assets/`, built into the program.
pub const FORMULARY: &str = include_str!("../../assets/formulary.csv");

const SEED: u64 = 0x5048_4152_4D41;
/// The item the demo's pharmacy is short of, and how many units are left.
const SHORT: &str = "Ferrous sulfate with folic acid";
const SHORT_QUANTITY: i64 = 20;
const SUPPLIERS: &[&str] = &[
    "MEDS Kenya",
    "Kenya Medical Supplies Authority",
    "Surgipharm Ltd",
    "Laborex Kenya",
];

/// Stocks the demo pharmacy as the pharmacist `user` (password `password`).
pub fn demo_pharmacy(db: &mut Db, user: &str, password: &str, now: DateTime<Utc>) -> Result<()> {
    let s = auth::sign_in(db, user, password, now)?;
    let result = stock(db, &s, now);
    auth::sign_out(db, &s, EndReason::Logout, now)?;
    result
}

fn stock(db: &mut Db, s: &auth::Session, now: DateTime<Utc>) -> Result<()> {
    let report = ops::import_items(db, s, FORMULARY.as_bytes(), "assets/formulary.csv", now)?;
    anyhow::ensure!(
        report.invalid.is_empty(),
        "the shipped formulary has invalid rows: {:?}",
        report.invalid
    );
    let today = ops::today(&db.clock(now)?);
    let items: Vec<Item> = ops::stock_list(db, s, today)?
        .into_iter()
        .map(|l| l.item)
        .collect();
    let mut rng = StdRng::seed_from_u64(SEED);
    let mut batch_no = 0u32;
    let mut next_batch = |prefix: &str| {
        batch_no += 1;
        let p: String = prefix
            .chars()
            .filter(char::is_ascii_alphabetic)
            .take(3)
            .collect::<String>()
            .to_uppercase();
        format!("{p}{:05}", 24000 + batch_no * 7)
    };
    // Most items stocked well; every seventh left low; every eleventh
    // with a second batch expiring within the window; a few not stocked.
    let mut stocked = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if i % 13 == 12 {
            continue;
        }
        let reorder = item.details.reorder_level.max(10);
        let quantity = if i % 7 == 3 {
            (reorder / 2).max(5)
        } else {
            reorder * rng.gen_range(2..5)
        };
        // The antenatal iron ran short: a month's course goes out in part.
        let quantity = if item.details.name == SHORT {
            SHORT_QUANTITY
        } else {
            quantity
        };
        // Per unit, in cents of the demo's shillings: a tablet costs a
        // few shillings, a vial or a bottle a few hundred.
        let cost: i64 = match item.details.form.as_str() {
            "tablet" | "capsule" | "sachet" | "pessary" => rng.gen_range(100..3000),
            _ => rng.gen_range(5000..80000),
        };
        let received = now - Duration::days(rng.gen_range(20..120)) - Duration::minutes(i as i64);
        let receipt = Receipt {
            item_id: item.id.clone(),
            batch_no: next_batch(&item.details.name),
            expiry: today + Duration::days(rng.gen_range(200..900)),
            quantity,
            unit_cost: cost,
            price: cost * rng.gen_range(130..170) / 100,
            supplier: SUPPLIERS[i % SUPPLIERS.len()].to_string(),
            reference: format!("GRN-{:04}", 1200 + i),
        };
        ops::receive(db, s, &receipt, received)
            .with_context(|| format!("receiving {}", item.details.label()))?;
        if i % 11 == 5 {
            let soon = Receipt {
                batch_no: next_batch(&item.details.name),
                expiry: today + Duration::days(rng.gen_range(10..80)),
                quantity: (reorder / 3).max(5),
                reference: format!("GRN-{:04}", 900 + i),
                ..receipt.clone()
            };
            ops::receive(db, s, &soon, received - Duration::days(300))?;
        }
        stocked.push((item.clone(), receipt.unit_cost));
    }
    // One batch expired on the shelf, waiting to be disposed of.
    if let Some((item, cost)) = stocked.iter().find(|(i, _)| i.details.name == "Oxytocin") {
        let expired = Receipt {
            item_id: item.id.clone(),
            batch_no: next_batch(&item.details.name),
            expiry: today - Duration::days(12),
            quantity: 40,
            unit_cost: *cost,
            price: cost * 3 / 2,
            supplier: SUPPLIERS[0].to_string(),
            reference: "GRN-0777".into(),
        };
        ops::receive(db, s, &expired, now - Duration::days(500))?;
    }
    dispense_some(db, s, &stocked, now, &mut rng)
}

/// The last three days' dispensing to the first demo patients.
fn dispense_some(
    db: &mut Db,
    s: &auth::Session,
    stocked: &[(Item, i64)],
    now: DateTime<Utc>,
    rng: &mut StdRng,
) -> Result<()> {
    let patients: Vec<String> = {
        let mut stmt = db.conn().prepare(
            "SELECT id FROM patients WHERE deleted_at IS NULL AND merged_into IS NULL
             ORDER BY seq DESC LIMIT 30",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    if stocked.is_empty() {
        return Ok(());
    }
    let mut times: Vec<DateTime<Utc>> = (0..40)
        .map(|_| now - Duration::minutes(rng.gen_range(30..(3 * 24 * 60))))
        .collect();
    times.sort();
    for (k, at) in times.into_iter().enumerate() {
        let (item, _) = &stocked[rng.gen_range(0..stocked.len())];
        let patient = (k % 4 != 3)
            .then(|| patients.get(k % patients.len().max(1)))
            .flatten();
        // Within the item's usual largest dispense: ten bottles of syrup
        // to one patient would ask.
        let quantity = rng
            .gen_range(1..=30)
            .min(item.details.max_dispense.unwrap_or(30));
        match ops::dispense(
            db,
            s,
            &item.id,
            quantity,
            patient.map(String::as_str),
            None,
            at,
        ) {
            Ok(_) => {}
            Err(crate::error::Error::Refused(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}
