//! Stock counts: each counted difference becomes a count movement, all in
//! one transaction, refused when a batch moved after the count began.

use super::{Change, batch_movement, get_batch, get_item, item_event};
use crate::auth::{Session, authorize};
use crate::domain::audit::AuditAction;
use crate::domain::pharmacy::{MAX_QUANTITY, MovementKind};
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::store::Db;
use chrono::{DateTime, Utc};

/// One batch's line in a stock count: what the ledger held when the count
/// began, and what was counted on the shelf.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    pub batch_id: String,
    pub expected: i64,
    pub counted: i64,
}

/// Posts a stock count of an item: each difference becomes a count
/// movement, all in one transaction with one audit event. Refused when a
/// batch moved after the count began (count it again). Returns how many
/// batches changed.
pub fn post_count(
    db: &mut Db,
    by: &Session,
    item_id: &str,
    lines: &[Counted],
    now: DateTime<Utc>,
) -> Result<usize> {
    by.require(Permission::ManageStock, "post a stock count")?;
    if let Some(l) = lines
        .iter()
        .find(|l| l.counted < 0 || l.counted > MAX_QUANTITY)
    {
        return Err(Error::Refused(format!(
            "a counted quantity must be a whole number from 0 to {MAX_QUANTITY} (got {})",
            l.counted
        )));
    }
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::ManageStock, "post a stock count")?;
        let item = get_item(tx, item_id)?;
        let mut changes = Vec::new();
        for l in lines {
            let (batch, owner) = get_batch(tx, &l.batch_id)?;
            if owner.id != item.id {
                return Err(Error::Refused(
                    "the count lists a batch of another item: start the count again".into(),
                ));
            }
            if batch.on_hand != l.expected {
                return Err(Error::Refused(format!(
                    "batch {} moved since the count began: nothing was posted; count again",
                    batch.batch_no
                )));
            }
            let delta = l.counted - batch.on_hand;
            if delta != 0 {
                let reason = format!(
                    "stock count: counted {}, ledger held {}",
                    l.counted, batch.on_hand
                );
                batch_movement(
                    tx,
                    by,
                    &batch,
                    Change {
                        kind: MovementKind::Count,
                        quantity: delta,
                        reason: &reason,
                        patient_id: None,
                    },
                    now,
                )?;
                changes.push(format!("{} {delta:+}", batch.batch_no));
            }
        }
        let summary = if changes.is_empty() {
            format!(
                "stock count of {}: {} batches agreed with the ledger",
                item.details.label(),
                lines.len()
            )
        } else {
            format!(
                "stock count of {}: {}",
                item.details.label(),
                changes.join(", ")
            )
        };
        Ok::<_, Error>((
            changes.len(),
            vec![item_event(AuditAction::Adjust, &item, summary)],
        ))
    })
}
