//! One batch changed by hand: returned packs back on the shelf, an
//! adjustment for a reason (damaged and lost only take away), and expired
//! stock disposed of.

use super::{
    Change, asked, batch_movement, get_batch, item_event, monthly_use, patient_mrn, quantity_ok,
    reason_required, today, units,
};
use crate::auth::{Session, authorize};
use crate::domain::audit::AuditAction;
use crate::domain::pharmacy::{AdjustReason, Batch, MovementKind, usable};
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::store::Db;
use chrono::{DateTime, Utc};

/// Brings dispensed stock back into a batch (unused medicine returned).
/// Refused into a batch on or past its expiry: dispose of it instead.
pub fn return_to_stock(
    db: &mut Db,
    by: &Session,
    batch_id: &str,
    quantity: i64,
    reason: &str,
    patient_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Batch> {
    by.require(Permission::Dispense, "return stock")?;
    let clock = db.clock(now)?;
    quantity_ok(quantity)?;
    let reason = reason_required(reason)?;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::Dispense, "return stock")?;
        let (batch, item) = get_batch(tx, batch_id)?;
        if !usable(batch.expiry, today(&clock)) {
            return Err(Error::Refused(format!(
                "batch {} has expired: returned packs of it cannot go back on the shelf; dispose of them instead",
                batch.batch_no
            )));
        }
        let mrn = match patient_id {
            Some(pid) => Some(patient_mrn(tx, pid)?),
            None => None,
        };
        batch_movement(
            tx,
            by,
            &batch,
            Change {
                kind: MovementKind::Return,
                quantity,
                reason: &reason,
                patient_id,
            },
            now,
        )?;
        let from = mrn.map(|m| format!(" from {m}")).unwrap_or_default();
        let mut e = item_event(
            AuditAction::Adjust,
            &item,
            format!(
                "returned {} of {} to batch {}{from}: {reason}",
                units(quantity, &item),
                item.details.label(),
                batch.batch_no
            ),
        );
        if let Some(pid) = patient_id {
            e = e.for_patient(pid);
        }
        let after = get_batch(tx, batch_id)?.0;
        Ok::<_, Error>((after, vec![e]))
    })
}

/// Adjusts a batch by `delta` (negative takes stock away) for a reason.
/// Damaged and lost can only take stock away. A change of more than the
/// `stock_large_change` setting's months of use is refused with the
/// question ([`Error::AskFirst`]) until asked: see [`adjust_confirmed`].
pub fn adjust(
    db: &mut Db,
    by: &Session,
    batch_id: &str,
    delta: i64,
    why: AdjustReason,
    note: &str,
    now: DateTime<Utc>,
) -> Result<Batch> {
    adjust_as(db, by, batch_id, (delta, false), why, note, now)
}

/// [`adjust`] after the person was asked its question and said yes; the
/// question and the answer go into the audit event.
pub fn adjust_confirmed(
    db: &mut Db,
    by: &Session,
    batch_id: &str,
    delta: i64,
    why: AdjustReason,
    note: &str,
    now: DateTime<Utc>,
) -> Result<Batch> {
    adjust_as(db, by, batch_id, (delta, true), why, note, now)
}

fn adjust_as(
    db: &mut Db,
    by: &Session,
    batch_id: &str,
    (delta, confirmed): (i64, bool),
    why: AdjustReason,
    note: &str,
    now: DateTime<Utc>,
) -> Result<Batch> {
    by.require(Permission::ManageStock, "adjust stock")?;
    quantity_ok(delta.abs())?;
    if why.only_removes() && delta > 0 {
        return Err(Error::Refused(format!(
            "stock marked {} can only be taken away: type a negative quantity, e.g. -{delta}",
            why.label()
        )));
    }
    let note = reason_required(note)?;
    let reason = format!("{}: {note}", why.label());
    let months = db.settings()?.stock_large_change;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::ManageStock, "adjust stock")?;
        let (batch, item) = get_batch(tx, batch_id)?;
        let concerns: Vec<_> = crate::domain::stock_concerns::change_concern(
            delta,
            monthly_use(tx, &item.id, now)?,
            item.details.reorder_level,
            months,
        )
        .into_iter()
        .collect();
        batch_movement(
            tx,
            by,
            &batch,
            Change {
                kind: MovementKind::Adjust,
                quantity: delta,
                reason: &reason,
                patient_id: None,
            },
            now,
        )?;
        // Asked after the refusals: a question before a "no" is pointless.
        let answer = asked(&concerns, &item, confirmed)?;
        let e = item_event(
            AuditAction::Adjust,
            &item,
            format!(
                "adjusted batch {} of {} by {delta:+} ({reason}){answer}",
                batch.batch_no,
                item.details.label()
            ),
        );
        let after = get_batch(tx, batch_id)?.0;
        Ok::<_, Error>((after, vec![e]))
    })
}

/// Takes expired stock out of a batch to be destroyed. Only a batch on or
/// past its expiry date can be disposed of; damaged stock is an adjustment.
pub fn dispose(
    db: &mut Db,
    by: &Session,
    batch_id: &str,
    quantity: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Batch> {
    by.require(Permission::ManageStock, "dispose of stock")?;
    let clock = db.clock(now)?;
    quantity_ok(quantity)?;
    let reason = reason_required(reason)?;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::ManageStock, "dispose of stock")?;
        let (batch, item) = get_batch(tx, batch_id)?;
        if usable(batch.expiry, today(&clock)) {
            return Err(Error::Refused(format!(
                "batch {} has not expired (expiry {}): only expired stock is disposed of; use an adjustment for damaged or lost stock",
                batch.batch_no,
                batch.expiry.format("%Y-%m-%d")
            )));
        }
        batch_movement(
            tx,
            by,
            &batch,
            Change {
                kind: MovementKind::Dispose,
                quantity: -quantity,
                reason: &reason,
                patient_id: None,
            },
            now,
        )?;
        let e = item_event(
            AuditAction::Adjust,
            &item,
            format!(
                "disposed of {} of {} batch {} (expired {}): {reason}",
                units(quantity, &item),
                item.details.label(),
                batch.batch_no,
                batch.expiry.format("%Y-%m-%d")
            ),
        );
        let after = get_batch(tx, batch_id)?.0;
        Ok::<_, Error>((after, vec![e]))
    })
}
