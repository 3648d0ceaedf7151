//! Reading the stock: the stock list with its flags, an item with its
//! batches and ledger (opening it is a READ of the patients the ledger
//! names), and the medicines dispensed to a patient.

use super::get_item;
use crate::auth::Session;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::pharmacy::{Batch, Item, StockLevel, stock_level};
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::store::Db;
use crate::store::pharmacy::{self as store, Dispensed, MovementRow};
use chrono::NaiveDate;
use std::collections::HashMap;

/// How many ledger rows an item's view shows.
pub const LEDGER_ROWS: usize = 200;

/// Every item with its stock and flags on `today`, by name.
pub fn stock_list(db: &Db, by: &Session, today: NaiveDate) -> Result<Vec<StockLevel>> {
    by.require(Permission::ViewStock, "see the stock")?;
    let window = i64::from(db.settings()?.expiry_window_days);
    let mut by_item: HashMap<String, Vec<Batch>> = HashMap::new();
    for b in store::batches_in_stock(db.conn())? {
        by_item.entry(b.item_id.clone()).or_default().push(b);
    }
    Ok(store::items(db.conn())?
        .into_iter()
        .map(|item| {
            let batches = by_item.remove(&item.id).unwrap_or_default();
            stock_level(item, &batches, today, window)
        })
        .collect())
}

/// An item with its batches (earliest expiry first) and its newest ledger rows.
pub struct ItemView {
    pub item: Item,
    pub batches: Vec<Batch>,
    pub ledger: Vec<MovementRow>,
}

/// Opens an item for a person to look at. Its ledger names the patients
/// stock was dispensed to or returned by, so each patient shown is a READ
/// event, as opening their record would be.
pub fn open_item(db: &mut Db, by: &Session, id: &str) -> Result<ItemView> {
    let view = item_view(db, by, id)?;
    let mut shown: Vec<(&str, &str)> = Vec::new();
    for m in &view.ledger {
        if let (Some(pid), Some(mrn)) = (m.patient_id.as_deref(), m.patient_mrn.as_deref())
            && !shown.iter().any(|(p, _)| *p == pid)
        {
            shown.push((pid, mrn));
        }
    }
    if !shown.is_empty() {
        let label = view.item.details.label();
        db.write(&by.actor(), |_| {
            let events = shown
                .iter()
                .map(|(pid, mrn)| {
                    AuditEvent::new(
                        AuditAction::Read,
                        "patient",
                        format!("{mrn} seen in the stock ledger of {label}"),
                    )
                    .on(*pid)
                    .for_patient(*pid)
                })
                .collect();
            Ok::<_, Error>(((), events))
        })?;
    }
    Ok(view)
}

/// An item's view without an audit event (a refresh of what is open).
pub fn item_view(db: &Db, by: &Session, id: &str) -> Result<ItemView> {
    by.require(Permission::ViewStock, "see the stock")?;
    Ok(ItemView {
        item: get_item(db.conn(), id)?,
        batches: store::batches(db.conn(), id)?,
        ledger: store::movements(db.conn(), id, LEDGER_ROWS)?,
    })
}

/// The medicines dispensed to a patient, newest first, for the record
/// (shown to the roles that see the pharmacy).
pub fn dispensed_to(db: &Db, by: &Session, patient_id: &str) -> Result<Vec<Dispensed>> {
    by.require(Permission::FindPatients, "open patient records")?;
    by.require(Permission::ViewStock, "see the medicines dispensed")?;
    Ok(store::dispensed_to(db.conn(), patient_id, 50)?)
}
