//! The pharmacy's changes and reads: the catalogue, receiving, dispensing
//! first-expiry-first-out, returns, adjustments, disposal, stock counts and
//! the reports. Each change checks the role, validates, then writes its
//! ledger rows and audit event in one transaction through [`Db::write`].
//!
//! This module holds what the changes share (the pharmacy's today, the
//! re-reads of an item or batch, the checks of a quantity and a reason, one
//! batch's movement by hand); the changes live by area: `catalogue`,
//! `stock`, `receiving`, `dispense`, `reversal`, `adjustments`, `count`,
//! `reports`.

mod adjustments;
mod catalogue;
mod count;
mod dispense;
mod receiving;
mod reports;
mod reversal;
mod stock;

pub use adjustments::{adjust, adjust_confirmed, dispose, return_to_stock};
pub use catalogue::{ItemImport, add_item, edit_item, import_items, set_active};
pub use count::{Counted, post_count};
pub(crate) use dispense::issue;
pub use dispense::{dispense, dispense_confirmed, plan};
pub use receiving::{Receipt, receive, receive_confirmed};
pub use reports::{expiry_report, write_expiry_csv, write_stock_csv};
pub use reversal::{DispenseReversed, reverse_dispense};
pub use stock::{ItemView, LEDGER_ROWS, dispensed_to, item_view, open_item, stock_list};

use crate::auth::Session;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::clock::Clock;
use crate::domain::pharmacy::{Batch, Item, MAX_QUANTITY, MovementKind};
use crate::error::{Error, Result};
use crate::store::pharmacy::{self as store, NewMovement};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Transaction;

/// The pharmacy's "today": the later of the hospital's date and the UTC
/// date, so that a batch is never issued on its expiry date in the
/// hospital's zone, nor in UTC (which the schema's trigger checks, holding
/// even with the program bypassed). West of UTC, in the evening, a batch
/// thus stops being issued a few hours before its local expiry day begins.
pub fn today(clock: &Clock) -> NaiveDate {
    clock.now.date_naive().max(clock.today())
}

fn item_event(action: AuditAction, item: &Item, summary: impl Into<String>) -> AuditEvent {
    AuditEvent::new(action, "stock_item", summary).on(item.id.as_str())
}

fn get_item(tx: &rusqlite::Connection, id: &str) -> Result<Item> {
    store::get_item(tx, id)?.ok_or_else(|| {
        Error::NotFound("that item is not in this hospital's catalogue: refresh the list".into())
    })
}

fn get_batch(tx: &rusqlite::Connection, id: &str) -> Result<(Batch, Item)> {
    let b = store::get_batch(tx, id)?.ok_or_else(|| {
        Error::NotFound("that batch is not in this hospital file: refresh the list".into())
    })?;
    let item = get_item(tx, &b.item_id)?;
    Ok((b, item))
}

fn quantity_ok(q: i64) -> Result<()> {
    if (1..=MAX_QUANTITY).contains(&q) {
        Ok(())
    } else {
        Err(Error::Refused(format!(
            "the quantity must be a whole number from 1 to {MAX_QUANTITY}: type it again"
        )))
    }
}

fn reason_required(reason: &str) -> Result<String> {
    let r = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    if r.is_empty() {
        return Err(Error::Refused(
            "type a reason: it is kept in the stock ledger".into(),
        ));
    }
    if r.chars().count() > 200 {
        return Err(Error::Refused(
            "the reason is too long: at most 200 characters".into(),
        ));
    }
    Ok(r)
}

fn units(n: i64, item: &Item) -> String {
    format!("{n} {}", item.details.unit)
}

/// Asks the concerns of a change once: refused with the question when
/// there are concerns and the person has not said yes; with a yes, the
/// words to add to the audit event's summary.
fn asked(
    concerns: &[crate::domain::stock_concerns::StockConcern],
    item: &Item,
    confirmed: bool,
) -> Result<String> {
    let unit = |n| crate::domain::display::quantity_of(n, &item.details.unit);
    match crate::domain::stock_concerns::ask(concerns, unit) {
        None => Ok(String::new()),
        Some(q) if confirmed => Ok(format!(" (asked: {q}; answered yes)")),
        Some(q) => Err(Error::AskFirst(q)),
    }
}

/// The item's average monthly use: what was dispensed in the year before
/// `now`, a twelfth of it, rounded up.
fn monthly_use(tx: &rusqlite::Connection, item_id: &str, now: DateTime<Utc>) -> Result<i64> {
    let year = store::dispensed_since(tx, item_id, now - chrono::Duration::days(365))?;
    Ok((year + 11) / 12)
}

fn patient_mrn(tx: &rusqlite::Connection, id: &str) -> Result<String> {
    let p = crate::store::patients::get(tx, &crate::domain::ids::Id::from_stored(id.to_string()))?
        .ok_or_else(|| Error::NotFound("that patient is not in this hospital file".into()))?;
    if p.deleted_at.is_some() || p.merged_into.is_some() {
        return Err(Error::Refused(format!(
            "{} is deleted or merged: choose the patient's current record",
            p.mrn
        )));
    }
    Ok(p.mrn)
}

/// The MRN of a patient stock is dispensed to: one in use who has not died.
fn recipient_mrn(tx: &rusqlite::Connection, id: &str) -> Result<String> {
    let mrn = patient_mrn(tx, id)?;
    if let Some(p) =
        crate::store::patients::get(tx, &crate::domain::ids::Id::from_stored(id.to_string()))?
    {
        crate::ops::deaths::refuse_if_deceased(&p, "dispensed to")?;
    }
    Ok(mrn)
}

/// One movement of one batch by hand: return, adjust, dispose or count.
struct Change<'a> {
    kind: MovementKind,
    quantity: i64,
    reason: &'a str,
    patient_id: Option<&'a str>,
}

fn batch_movement(
    tx: &Transaction,
    by: &Session,
    batch: &Batch,
    c: Change,
    now: DateTime<Utc>,
) -> Result<()> {
    if batch.on_hand + c.quantity < 0 {
        return Err(Error::Refused(format!(
            "batch {} holds only {}: it cannot go below zero",
            batch.batch_no, batch.on_hand
        )));
    }
    store::insert_movement(
        tx,
        &NewMovement {
            batch_id: &batch.id,
            item_id: &batch.item_id,
            kind: c.kind,
            quantity: c.quantity,
            reason: c.reason,
            reference: "",
            patient_id: c.patient_id,
            actor_id: Some(by.user.id.as_str()),
        },
        now,
    )?;
    Ok(())
}
