//! Receiving a delivery: a new batch, or a top-up of the batch with the
//! same number, expiry and amounts. Expired stock is never received.

use super::{asked, get_item, item_event, monthly_use, quantity_ok, today, units};
use crate::auth::{Session, authorize};
use crate::domain::audit::AuditAction;
use crate::domain::pharmacy::{Batch, MovementKind, usable};
use crate::domain::role::Permission;
use crate::domain::stock_concerns::{StockConcern, change_concern, expiry_concern};
use crate::error::{Error, Result};
use crate::store::Db;
use crate::store::pharmacy::{self as store, NewBatch, NewMovement};
use chrono::{DateTime, NaiveDate, Utc};

/// A delivery of one batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub item_id: String,
    pub batch_no: String,
    pub expiry: NaiveDate,
    pub quantity: i64,
    /// Minor units of the hospital's currency.
    pub unit_cost: i64,
    pub price: i64,
    pub supplier: String,
    pub reference: String,
}

/// Receives stock into a new batch, or tops up a batch of the same number
/// and expiry. An expiry today or in the past is refused. A quantity of
/// more than the `stock_large_change` setting's months of use, or an expiry
/// more than `expiry_max_years` ahead, is refused with the question
/// ([`Error::AskFirst`]) until asked: see [`receive_confirmed`].
pub fn receive(db: &mut Db, by: &Session, r: &Receipt, now: DateTime<Utc>) -> Result<Batch> {
    receive_as(db, by, r, false, now)
}

/// [`receive`] after the person was asked its question and said yes; the
/// question and the answer go into the audit event.
pub fn receive_confirmed(
    db: &mut Db,
    by: &Session,
    r: &Receipt,
    now: DateTime<Utc>,
) -> Result<Batch> {
    receive_as(db, by, r, true, now)
}

fn receive_as(
    db: &mut Db,
    by: &Session,
    r: &Receipt,
    confirmed: bool,
    now: DateTime<Utc>,
) -> Result<Batch> {
    by.require(Permission::ManageStock, "receive stock")?;
    quantity_ok(r.quantity)?;
    let today = today(&db.clock(now)?);
    if !usable(r.expiry, today) {
        return Err(Error::Refused(format!(
            "the expiry date {} is not after today: expired stock cannot be received; check the date on the pack",
            r.expiry.format("%Y-%m-%d")
        )));
    }
    let batch_no = crate::domain::pharmacy::parse_batch_no(&r.batch_no).ok_or_else(|| {
        Error::Refused("type the batch number printed on the pack (1 to 40 characters)".into())
    })?;
    if r.unit_cost < 0 || r.price < 0 {
        return Err(Error::Refused(
            "the unit cost and price cannot be negative".into(),
        ));
    }
    let supplier = r.supplier.trim().to_string();
    let reference = r.reference.trim().to_string();
    let settings = db.settings()?;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::ManageStock, "receive stock")?;
        let item = get_item(tx, &r.item_id)?;
        if !item.active {
            return Err(Error::Refused(format!(
                "{} is deactivated: reactivate it before receiving stock",
                item.details.label()
            )));
        }
        let concerns: Vec<StockConcern> = [
            change_concern(
                r.quantity,
                monthly_use(tx, &item.id, now)?,
                item.details.reorder_level,
                settings.stock_large_change,
            ),
            expiry_concern(r.expiry, today, settings.expiry_max_years),
        ]
        .into_iter()
        .flatten()
        .collect();
        let batch_id = match store::find_batch(tx, &item.id, &batch_no)? {
            Some(b) if b.expiry != r.expiry => {
                return Err(Error::Refused(format!(
                    "batch {batch_no} of {} is already recorded with expiry {}: check the batch number and expiry on the pack",
                    item.details.label(),
                    b.expiry.format("%Y-%m-%d")
                )));
            }
            Some(b) if (b.unit_cost, b.price) != (r.unit_cost, r.price) => {
                return Err(Error::Refused(format!(
                    "batch {batch_no} is already recorded at another unit cost or price: receive it at the same amounts (see the item), or under its own batch number"
                )));
            }
            Some(b) => b.id,
            None => store::insert_batch(
                tx,
                &NewBatch {
                    item_id: &item.id,
                    batch_no: &batch_no,
                    expiry: r.expiry,
                    unit_cost: r.unit_cost,
                    price: r.price,
                    supplier: &supplier,
                },
                now,
            )?,
        };
        // Asked after the refusals (a question before a "no" is pointless);
        // a new batch written above goes with the transaction.
        let answer = asked(&concerns, &item, confirmed)?;
        store::insert_movement(
            tx,
            &NewMovement {
                batch_id: &batch_id,
                item_id: &item.id,
                kind: MovementKind::Receive,
                quantity: r.quantity,
                reason: "",
                reference: &reference,
                patient_id: None,
                actor_id: Some(by.user.id.as_str()),
            },
            now,
        )?;
        let b = store::get_batch(tx, &batch_id)?
            .ok_or_else(|| Error::NotFound("the batch just received is missing".into()))?;
        let mut summary = format!(
            "received {} of {} batch {batch_no} (expiry {})",
            units(r.quantity, &item),
            item.details.label(),
            r.expiry.format("%Y-%m-%d")
        );
        if !supplier.is_empty() {
            summary.push_str(&format!(" from {supplier}"));
        }
        if !reference.is_empty() {
            summary.push_str(&format!(", ref {reference}"));
        }
        summary.push_str(&answer);
        Ok::<_, Error>((b, vec![item_event(AuditAction::Receive, &item, summary)]))
    })
}
