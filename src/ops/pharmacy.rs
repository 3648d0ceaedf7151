//! The pharmacy's changes and reads: the catalogue, receiving, dispensing
//! first-expiry-first-out, returns, adjustments, disposal, stock counts and
//! the reports. Each change checks the role, validates, then writes its
//! ledger rows and audit event in one transaction through [`Db::write`].

use crate::auth::{Session, authorize};
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::clock::Clock;
use crate::domain::pharmacy::{
    AdjustReason, Batch, Item, ItemDetails, ItemField, MAX_QUANTITY, MovementKind, PlanError,
    StockLevel, Take, plan_dispense, stock_level, usable, validate_item,
};
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::ops::csv_file::LineCounter;
use crate::store::Db;
use crate::store::pharmacy::{self as store, Dispensed, MovementRow, NewBatch, NewMovement};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Transaction;
use std::collections::HashMap;
use strum::IntoEnumIterator;

/// The pharmacy's "today": the later of the hospital's date and the UTC
/// date, so that a batch is never issued on its expiry date in the
/// hospital's zone, nor in UTC (which the schema's trigger checks, holding
/// even with the program bypassed). West of UTC, in the evening, a batch
/// thus stops being issued a few hours before its local expiry day begins.
pub fn today(clock: &Clock) -> NaiveDate {
    clock.now.date_naive().max(clock.today())
}

/// How many ledger rows an item's view shows.
pub const LEDGER_ROWS: usize = 200;

fn item_event(action: AuditAction, item: &Item, summary: impl Into<String>) -> AuditEvent {
    AuditEvent::new(action, "stock_item", summary).on(item.id.as_str())
}

fn checked(d: &ItemDetails) -> Result<ItemDetails> {
    validate_item(|f| d.text(f)).map_err(|problems| {
        Error::Refused(format!(
            "please correct: {}",
            problems
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        ))
    })
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

/// Adds an item to the catalogue.
pub fn add_item(db: &mut Db, by: &Session, d: &ItemDetails, now: DateTime<Utc>) -> Result<Item> {
    by.require(Permission::ManageStock, "change the catalogue")?;
    let d = checked(d)?;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::ManageStock, "change the catalogue")?;
        let item = store::insert_item(tx, &d, now)?;
        let e = item_event(
            AuditAction::Create,
            &item,
            format!("catalogue: added {}", item.details.label()),
        );
        Ok::<_, Error>((item, vec![e]))
    })
}

/// Saves an edit of an item made from `version`.
pub fn edit_item(
    db: &mut Db,
    by: &Session,
    id: &str,
    version: i64,
    d: &ItemDetails,
    now: DateTime<Utc>,
) -> Result<Item> {
    by.require(Permission::ManageStock, "change the catalogue")?;
    let d = checked(d)?;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::ManageStock, "change the catalogue")?;
        let before = get_item(tx, id)?;
        store::update_item(tx, id, version, &d, now)?;
        let after = get_item(tx, id)?;
        let changed: Vec<&str> = ItemField::iter()
            .filter(|f| before.details.text(*f) != d.text(*f))
            .map(|f| f.column())
            .collect();
        let summary = if changed.is_empty() {
            format!("catalogue: {} saved without changes", after.details.label())
        } else {
            format!(
                "catalogue: {} changed {}",
                after.details.label(),
                changed.join(", ")
            )
        };
        Ok::<_, Error>((
            after.clone(),
            vec![item_event(AuditAction::Update, &after, summary)],
        ))
    })
}

/// Deactivates an item (it can no longer be received or dispensed; its
/// history stays) or makes it active again.
pub fn set_active(
    db: &mut Db,
    by: &Session,
    id: &str,
    active: bool,
    now: DateTime<Utc>,
) -> Result<Item> {
    by.require(Permission::ManageStock, "change the catalogue")?;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::ManageStock, "change the catalogue")?;
        let before = get_item(tx, id)?;
        if before.active == active {
            return Err(Error::Refused(format!(
                "{} is already {}",
                before.details.label(),
                if active { "active" } else { "deactivated" }
            )));
        }
        store::set_active(tx, id, active, now)?;
        let after = get_item(tx, id)?;
        let summary = format!(
            "catalogue: {} {}",
            after.details.label(),
            if active { "reactivated" } else { "deactivated" }
        );
        Ok::<_, Error>((
            after.clone(),
            vec![item_event(AuditAction::Update, &after, summary)],
        ))
    })
}

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
/// and expiry. An expiry today or in the past is refused.
pub fn receive(db: &mut Db, by: &Session, r: &Receipt, now: DateTime<Utc>) -> Result<Batch> {
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
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::ManageStock, "receive stock")?;
        let item = get_item(tx, &r.item_id)?;
        if !item.active {
            return Err(Error::Refused(format!(
                "{} is deactivated: reactivate it before receiving stock",
                item.details.label()
            )));
        }
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
        Ok::<_, Error>((b, vec![item_event(AuditAction::Receive, &item, summary)]))
    })
}

fn plan_in(
    conn: &rusqlite::Connection,
    item: &Item,
    quantity: i64,
    today: NaiveDate,
) -> Result<Vec<Take>> {
    quantity_ok(quantity)?;
    let batches = store::batches(conn, &item.id)?;
    plan_dispense(&batches, quantity, today).map_err(|e| match e {
        PlanError::NotPositive => Error::Refused("the quantity must be at least 1".into()),
        PlanError::Short { available: 0 } => Error::Refused(format!(
            "no usable stock of {}: none can be dispensed (expired stock is never issued)",
            item.details.label()
        )),
        PlanError::Short { available } => Error::Refused(format!(
            "only {} usable in stock (expired batches left out): ask for {available} or less",
            units(available, item)
        )),
    })
}

/// The batches a dispense of `quantity` would take on `today`, to show
/// before confirming. Refused with the quantity available when short.
pub fn plan(
    db: &Db,
    by: &Session,
    item_id: &str,
    quantity: i64,
    today: NaiveDate,
) -> Result<Vec<Take>> {
    by.require(Permission::Dispense, "dispense")?;
    let item = get_item(db.conn(), item_id)?;
    if !item.active {
        return Err(Error::Refused(format!(
            "{} is deactivated: it cannot be dispensed",
            item.details.label()
        )));
    }
    plan_in(db.conn(), &item, quantity, today)
}

/// Dispenses first-expiry-first-out. `shown` is the choice the user saw
/// and confirmed: when the stock changed meanwhile the dispense is refused
/// so that nothing is issued that was not shown.
pub fn dispense(
    db: &mut Db,
    by: &Session,
    item_id: &str,
    quantity: i64,
    patient_id: Option<&str>,
    shown: Option<&[Take]>,
    now: DateTime<Utc>,
) -> Result<Vec<Take>> {
    by.require(Permission::Dispense, "dispense")?;
    quantity_ok(quantity)?;
    let today = today(&db.clock(now)?);
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::Dispense, "dispense")?;
        let item = get_item(tx, item_id)?;
        if !item.active {
            return Err(Error::Refused(format!(
                "{} is deactivated: it cannot be dispensed",
                item.details.label()
            )));
        }
        let mrn = match patient_id {
            Some(pid) => Some(patient_mrn(tx, pid)?),
            None => None,
        };
        let plan = plan_in(tx, &item, quantity, today)?;
        if let Some(shown) = shown
            && shown != plan.as_slice()
        {
            return Err(Error::Refused(
                "the stock moved since the batches were shown: nothing was dispensed; check the new choice".into(),
            ));
        }
        issue(tx, by, &item, &plan, patient_id, "", now)?;
        let batches = plan
            .iter()
            .map(|t| format!("{} from {}", t.quantity, t.batch_no))
            .collect::<Vec<_>>()
            .join(", ");
        let to = mrn.map(|m| format!(" to {m}")).unwrap_or_default();
        let mut e = item_event(
            AuditAction::Dispense,
            &item,
            format!(
                "dispensed {} of {}{to} ({batches})",
                units(quantity, &item),
                item.details.label()
            ),
        );
        if let Some(pid) = patient_id {
            e = e.for_patient(pid);
        }
        Ok::<_, Error>((plan, vec![e]))
    })
}

/// Writes one dispense ledger row per batch of `plan`; returns their
/// sequence numbers, in the plan's order. Dispensing against a
/// prescription writes its rows through here too.
pub(crate) fn issue(
    tx: &Transaction,
    by: &Session,
    item: &Item,
    plan: &[Take],
    patient_id: Option<&str>,
    reference: &str,
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let mut seqs = Vec::with_capacity(plan.len());
    for t in plan {
        seqs.push(store::insert_movement(
            tx,
            &NewMovement {
                batch_id: &t.batch_id,
                item_id: &item.id,
                kind: MovementKind::Dispense,
                quantity: -t.quantity,
                reason: "",
                reference,
                patient_id,
                actor_id: Some(by.user.id.as_str()),
            },
            now,
        )?);
    }
    Ok(seqs)
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
/// Damaged and lost can only take stock away.
pub fn adjust(
    db: &mut Db,
    by: &Session,
    batch_id: &str,
    delta: i64,
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
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::ManageStock, "adjust stock")?;
        let (batch, item) = get_batch(tx, batch_id)?;
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
        let e = item_event(
            AuditAction::Adjust,
            &item,
            format!(
                "adjusted batch {} of {} by {delta:+} ({reason})",
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

/// Batches with stock on hand expiring within `days` of `today` (expired
/// ones included), earliest first, with their items.
pub fn expiry_report(
    db: &Db,
    by: &Session,
    today: NaiveDate,
    days: i64,
) -> Result<Vec<(Item, Batch)>> {
    by.require(Permission::ViewStock, "see the stock")?;
    let horizon = today + chrono::Duration::days(days);
    let items: HashMap<String, Item> = store::items(db.conn())?
        .into_iter()
        .map(|i| (i.id.clone(), i))
        .collect();
    let mut out: Vec<(Item, Batch)> = store::batches_in_stock(db.conn())?
        .into_iter()
        .filter(|b| b.expiry <= horizon)
        .filter_map(|b| items.get(&b.item_id).cloned().map(|i| (i, b)))
        .collect();
    out.sort_by(|a, b| {
        (a.1.expiry, a.0.details.name.to_lowercase())
            .cmp(&(b.1.expiry, b.0.details.name.to_lowercase()))
    });
    Ok(out)
}

/// The medicines dispensed to a patient, newest first, for the record
/// (shown to the roles that see the pharmacy).
pub fn dispensed_to(db: &Db, by: &Session, patient_id: &str) -> Result<Vec<Dispensed>> {
    by.require(Permission::FindPatients, "open patient records")?;
    by.require(Permission::ViewStock, "see the medicines dispensed")?;
    Ok(store::dispensed_to(db.conn(), patient_id, 50)?)
}

/// What `import items` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemImport {
    pub imported: usize,
    /// Items already in the catalogue (same name, strength and form): left as they are.
    pub existing: Vec<String>,
    /// One sentence per invalid row; any invalid row refuses the whole file.
    pub invalid: Vec<String>,
}

/// Loads catalogue items from CSV whose header names the columns
/// (name, generic_name, strength, form, unit, category, reorder_level).
/// All rows are checked first; one invalid row refuses the file. Items
/// already in the catalogue are reported and left unchanged.
pub fn import_items(
    db: &mut Db,
    by: &Session,
    reader: impl std::io::Read,
    source: &str,
    now: DateTime<Utc>,
) -> Result<ItemImport> {
    by.require(Permission::ManageStock, "import catalogue items")?;
    let mut csv = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(LineCounter::new(reader));
    let header = csv
        .headers()
        .map_err(|e| {
            Error::BadFile(format!(
                "{source} could not be read as CSV ({e}): save it as UTF-8 CSV with a header row"
            ))
        })?
        .clone();
    let allowed: Vec<&str> = ItemField::iter().map(|f| f.column()).collect();
    let columns: Vec<String> = header
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_lowercase())
        .collect();
    let unknown: Vec<String> = columns
        .iter()
        .filter(|c| !allowed.contains(&c.as_str()))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        return Err(Error::UnknownColumns {
            unknown,
            allowed: allowed.join(", "),
        });
    }
    for required in ["name", "form", "unit"] {
        if !columns.iter().any(|c| c == required) {
            return Err(Error::BadFile(format!(
                "{source} has no {required} column: the header must name at least name, form and unit"
            )));
        }
    }
    let mut report = ItemImport::default();
    let mut valid: Vec<ItemDetails> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut record = csv::StringRecord::new();
    loop {
        let read = csv.read_record(&mut record);
        // The physical line where the row (or the unreadable one) starts.
        let position = match &read {
            Ok(_) => record.position(),
            Err(e) => e.position(),
        };
        let line = match position {
            Some(p) => csv.get_mut().line_at(p.byte()),
            None => csv.position().line(),
        };
        match read {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let what = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!(
                        "has {len} fields where the header has {expected_len}: check this row's commas and quotes"
                    ),
                    csv::ErrorKind::Utf8 { .. } => {
                        "is not UTF-8 text: save the file as UTF-8 (CSV UTF-8)".to_string()
                    }
                    _ => format!("could not be read ({e}): check that it is a complete CSV file"),
                };
                return Err(Error::BadFile(format!(
                    "{source} line {line} {what}, and import it again"
                )));
            }
        }
        let get = |f: ItemField| {
            columns
                .iter()
                .position(|c| c == f.column())
                .and_then(|i| record.get(i))
                .unwrap_or("")
                .to_string()
        };
        match validate_item(get) {
            Ok(d) => {
                if !seen.insert(d.identity_key()) {
                    report.invalid.push(format!(
                        "line {line}: {} appears twice in the file; remove one",
                        d.label()
                    ));
                } else {
                    valid.push(d);
                }
            }
            Err(problems) => report.invalid.push(format!(
                "line {line}: {}",
                problems
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
        }
    }
    if !report.invalid.is_empty() {
        return Ok(report);
    }
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::ManageStock, "import catalogue items")?;
        for d in &valid {
            if store::find_identity(tx, d)?.is_some() {
                report.existing.push(d.label());
                continue;
            }
            store::insert_item(tx, d, now)?;
            report.imported += 1;
        }
        let e = AuditEvent::new(
            AuditAction::Import,
            "stock_item",
            format!(
                "catalogue: imported {} items from {source} ({} already there)",
                report.imported,
                report.existing.len()
            ),
        );
        Ok::<_, Error>((report, vec![e]))
    })
}

/// The stock report as CSV for a spreadsheet, escaped against formulas:
/// one row per item in use or with stock (value at unit cost, in major
/// units of `currency`), flags as words.
pub fn write_stock_csv<W: std::io::Write>(
    list: &[StockLevel],
    currency: &str,
    out: W,
) -> Result<()> {
    let mut w = crate::ops::csv_file::SafeWriter::new(out);
    let io = Error::Output;
    w.write_row([
        "item",
        "generic_name",
        "strength",
        "form",
        "unit",
        "category",
        "on_hand",
        "usable",
        "reorder_level",
        "nearest_expiry",
        "value_at_cost",
        "currency",
        "flags",
    ])
    .map_err(io)?;
    for l in list.iter().filter(|l| l.item.active || l.on_hand > 0) {
        let d = &l.item.details;
        let flags: Vec<&str> = [
            (l.flags.below_reorder, "low"),
            (l.flags.expiring, "expiring"),
            (l.flags.expired, "expired"),
            (!l.item.active, "inactive"),
        ]
        .into_iter()
        .filter_map(|(on, word)| on.then_some(word))
        .collect();
        w.write_row([
            d.name.clone(),
            d.generic_name.clone(),
            d.strength.clone(),
            d.form.clone(),
            d.unit.clone(),
            d.category.clone(),
            l.on_hand.to_string(),
            l.usable.to_string(),
            d.reorder_level.to_string(),
            l.nearest_expiry.map(|e| e.to_string()).unwrap_or_default(),
            crate::domain::pharmacy::plain_amount(l.value, currency),
            currency.to_string(),
            flags.join(" "),
        ])
        .map_err(io)?;
    }
    w.flush().map_err(io)
}

/// The expiry report as CSV for a spreadsheet, escaped against formulas:
/// one row per batch with stock, days left on `today` (0 or less: expired).
pub fn write_expiry_csv<W: std::io::Write>(
    rows: &[(Item, Batch)],
    today: NaiveDate,
    currency: &str,
    out: W,
) -> Result<()> {
    let mut w = crate::ops::csv_file::SafeWriter::new(out);
    let io = Error::Output;
    w.write_row([
        "expiry",
        "days_left",
        "item",
        "strength",
        "form",
        "batch",
        "on_hand",
        "value_at_cost",
        "currency",
        "supplier",
    ])
    .map_err(io)?;
    for (item, b) in rows {
        w.write_row([
            b.expiry.to_string(),
            (b.expiry - today).num_days().to_string(),
            item.details.name.clone(),
            item.details.strength.clone(),
            item.details.form.clone(),
            b.batch_no.clone(),
            b.on_hand.to_string(),
            crate::domain::pharmacy::plain_amount(b.on_hand * b.unit_cost, currency),
            currency.to_string(),
            b.supplier.clone(),
        ])
        .map_err(io)?;
    }
    w.flush().map_err(io)
}
