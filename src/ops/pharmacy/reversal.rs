//! A dispense made in error, reversed by the pharmacy with a reason: every
//! batch it took gets its stock back as a return naming the dispense row,
//! the charges it posted are reversed on their bill, and a prescription it
//! was dispensed against owes that quantity again, all in one transaction.

use super::{get_batch, get_item, item_event, reason_required, today, units};
use crate::auth::{Session, authorize};
use crate::domain::audit::AuditAction;
use crate::domain::ids::Id;
use crate::domain::pharmacy::{MovementKind, usable};
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::ops::billing::bills;
use crate::store::Db;
use crate::store::billing::Source;
use crate::store::dispense_reversals as store;
use crate::store::pharmacy::{self as ledger, NewMovement};
use chrono::{DateTime, Utc};

/// What a reversal gave back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispenseReversed {
    /// The item as the catalogue names it.
    pub item: String,
    pub unit: String,
    /// Each batch number with the units returned to it.
    pub batches: Vec<(String, i64)>,
    /// How many charge lines were reversed.
    pub charges_reversed: usize,
    /// The prescription that owes the quantity again, if any.
    pub prescription: Option<Id>,
}

impl DispenseReversed {
    /// Everything returned to stock.
    pub fn quantity(&self) -> i64 {
        self.batches.iter().map(|(_, q)| q).sum()
    }
}

/// A pharmacist reverses the dispense that ledger row `seq` belongs to
/// (any of its rows names it), with a reason. Refused when it was
/// reversed already, and when a batch it took has expired since (its packs
/// are disposed of instead).
pub fn reverse_dispense(
    db: &mut Db,
    by: &Session,
    seq: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<DispenseReversed> {
    by.require(Permission::Dispense, "reverse a dispense")?;
    let reason = reason_required(reason)?;
    let clock = db.clock(now)?;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::Dispense, "reverse a dispense")?;
        let rows = store::dispense_rows(tx, seq)?;
        let Some(first) = rows.first() else {
            return Err(Error::NotFound(format!(
                "ledger row {seq} is not a dispense: check the number in the item's ledger"
            )));
        };
        for r in &rows {
            if store::is_reversed(tx, r.seq)? {
                return Err(Error::Refused(format!(
                    "dispense {} was reversed already: its stock and charges are back; nothing to do",
                    first.seq
                )));
            }
        }
        let item = get_item(tx, &first.item_id)?;
        let mut batches = Vec::with_capacity(rows.len());
        for r in &rows {
            let (batch, _) = get_batch(tx, &r.batch_id)?;
            if !usable(batch.expiry, today(&clock)) {
                return Err(Error::Refused(format!(
                    "batch {} has expired since: its packs cannot go back on the shelf, so the dispense is not reversed; dispose of them instead",
                    batch.batch_no
                )));
            }
            batches.push(batch);
        }
        let mut charges = Vec::new();
        for r in &rows {
            let reference = format!("reversal of dispense {}", r.seq);
            let back = ledger::insert_movement(
                tx,
                &NewMovement {
                    batch_id: &r.batch_id,
                    item_id: &r.item_id,
                    kind: MovementKind::Return,
                    quantity: r.quantity,
                    reason: &reason,
                    reference: &reference,
                    patient_id: r.patient_id.as_deref(),
                    actor_id: Some(by.user.id.as_str()),
                },
                now,
            )?;
            store::insert_reversal(tx, r.seq, back, &reason, by.user.id.as_str(), now)?;
            charges.extend(bills::reverse_source_in(
                tx,
                &Source::Dispense(Id::from_stored(r.seq.to_string())),
                &reason,
                &by.user.id,
                clock,
            )?);
        }
        let returned = rows
            .iter()
            .zip(&batches)
            .map(|(r, b)| format!("{} to {}", r.quantity, b.batch_no))
            .collect::<Vec<_>>()
            .join(", ");
        let total: i64 = rows.iter().map(|r| r.quantity).sum();
        let mut e = item_event(
            AuditAction::ReverseDispense,
            &item,
            format!(
                "reversed dispense {} of {} of {} ({returned}): {reason}",
                first.seq,
                units(total, &item),
                item.details.label()
            ),
        );
        if let Some(pid) = &first.patient_id {
            e = e.for_patient(pid.as_str());
        }
        let charges_reversed = charges
            .iter()
            .filter(|c| c.action == AuditAction::ReverseCharge)
            .count();
        let done = DispenseReversed {
            item: item.details.label(),
            unit: item.details.unit.clone(),
            batches: rows
                .iter()
                .zip(&batches)
                .map(|(r, b)| (b.batch_no.clone(), r.quantity))
                .collect(),
            charges_reversed,
            prescription: first
                .prescription_id
                .as_ref()
                .map(|p| Id::from_stored(p.clone())),
        };
        Ok::<_, Error>((done, std::iter::once(e).chain(charges).collect()))
    })
}
