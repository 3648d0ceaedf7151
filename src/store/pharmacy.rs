//! Pharmacy stock rows: catalogue items, batches and the movement ledger.
//!
//! A batch's `on_hand` is never written here: inserting a movement makes the
//! schema's trigger add it to the batch, and the schema refuses any quantity
//! that differs from the ledger's sum or goes below zero.

use super::StoreError;
use crate::domain::ids::Id;
use crate::domain::pharmacy::{Batch, Item, ItemDetails, MovementKind};
use crate::domain::time::format_ts;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

const DATE: &str = "%Y-%m-%d";

const ITEM_COLUMNS: &str = "id, name, generic_name, strength, form, unit, category, reorder_level, active, version, max_dispense";

fn item(r: &Row) -> rusqlite::Result<Item> {
    Ok(Item {
        id: r.get(0)?,
        details: ItemDetails {
            name: r.get(1)?,
            generic_name: r.get(2)?,
            strength: r.get(3)?,
            form: r.get(4)?,
            unit: r.get(5)?,
            category: r.get(6)?,
            reorder_level: r.get(7)?,
            max_dispense: r.get(10)?,
        },
        active: r.get(8)?,
        version: r.get(9)?,
    })
}

const BATCH_COLUMNS: &str =
    "id, item_id, batch_no, expiry, on_hand, unit_cost, price, supplier, received_at";

fn date(r: &Row, i: usize) -> rusqlite::Result<NaiveDate> {
    let s: String = r.get(i)?;
    NaiveDate::parse_from_str(&s, DATE).map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, "date".into())
    })
}

fn batch(r: &Row) -> rusqlite::Result<Batch> {
    Ok(Batch {
        id: r.get(0)?,
        item_id: r.get(1)?,
        batch_no: r.get(2)?,
        expiry: date(r, 3)?,
        on_hand: r.get(4)?,
        unit_cost: r.get(5)?,
        price: r.get(6)?,
        supplier: r.get(7)?,
        received_at: r.get(8)?,
    })
}

fn duplicate(e: rusqlite::Error, d: &ItemDetails) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation)
            if e.to_string().contains("identity_key") =>
        {
            StoreError::Conflict(format!(
                "{} is already in the catalogue: open it instead, or change the name, strength or form",
                d.label()
            ))
        }
        _ => StoreError::Sqlite(e),
    }
}

/// Adds an item to the catalogue.
pub fn insert_item(
    tx: &Transaction,
    d: &ItemDetails,
    now: DateTime<Utc>,
) -> Result<Item, StoreError> {
    let id = Id::new();
    let at = format_ts(now);
    tx.execute(
        "INSERT INTO stock_items (id, name, generic_name, strength, form, unit, category,
             reorder_level, identity_key, created_at, updated_at, max_dispense)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11)",
        params![
            id.as_str(),
            d.name,
            d.generic_name,
            d.strength,
            d.form,
            d.unit,
            d.category,
            d.reorder_level,
            d.identity_key(),
            at,
            d.max_dispense
        ],
    )
    .map_err(|e| duplicate(e, d))?;
    Ok(Item {
        id: id.to_string(),
        details: d.clone(),
        active: true,
        version: 1,
    })
}

/// Whether an item with the same name, strength and form exists.
pub fn find_identity(conn: &Connection, d: &ItemDetails) -> Result<Option<Item>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {ITEM_COLUMNS} FROM stock_items WHERE identity_key = ?1"),
            [d.identity_key()],
            item,
        )
        .optional()?)
}

fn conflict_if_none(changed: usize) -> Result<(), StoreError> {
    if changed == 0 {
        return Err(StoreError::Conflict(
            "another terminal changed this item first: your edit was not saved; look at it again and redo the change"
                .into(),
        ));
    }
    Ok(())
}

/// Saves an edit made from `version`.
pub fn update_item(
    tx: &Transaction,
    id: &str,
    version: i64,
    d: &ItemDetails,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let n = tx
        .execute(
            "UPDATE stock_items SET name = ?3, generic_name = ?4, strength = ?5, form = ?6,
                 unit = ?7, category = ?8, reorder_level = ?9, identity_key = ?10,
                 updated_at = ?11, max_dispense = ?12, version = version + 1
             WHERE id = ?1 AND version = ?2",
            params![
                id,
                version,
                d.name,
                d.generic_name,
                d.strength,
                d.form,
                d.unit,
                d.category,
                d.reorder_level,
                d.identity_key(),
                format_ts(now),
                d.max_dispense
            ],
        )
        .map_err(|e| duplicate(e, d))?;
    conflict_if_none(n)
}

/// Deactivates (hides from dispensing) or reactivates an item.
pub fn set_active(
    tx: &Transaction,
    id: &str,
    active: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE stock_items SET active = ?2, updated_at = ?3, version = version + 1 WHERE id = ?1",
        params![id, active, format_ts(now)],
    )?;
    Ok(())
}

/// One catalogue item by its key.
pub fn get_item(conn: &Connection, id: &str) -> Result<Option<Item>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {ITEM_COLUMNS} FROM stock_items WHERE id = ?1"),
            [id],
            item,
        )
        .optional()?)
}

/// The whole catalogue, by name (a hospital's formulary is hundreds of items).
pub fn items(conn: &Connection) -> Result<Vec<Item>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ITEM_COLUMNS} FROM stock_items ORDER BY name COLLATE NOCASE, strength, form"
    ))?;
    let rows = stmt.query_map([], item)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every batch with stock on hand, for the stock list.
pub fn batches_in_stock(conn: &Connection) -> Result<Vec<Batch>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {BATCH_COLUMNS} FROM stock_batches WHERE on_hand > 0 ORDER BY item_id, expiry"
    ))?;
    let rows = stmt.query_map([], batch)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// An item's batches, earliest expiry first (then the first received).
pub fn batches(conn: &Connection, item_id: &str) -> Result<Vec<Batch>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {BATCH_COLUMNS} FROM stock_batches WHERE item_id = ?1
         ORDER BY expiry, received_at, batch_no"
    ))?;
    let rows = stmt.query_map([item_id], batch)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One batch by its key.
pub fn get_batch(conn: &Connection, id: &str) -> Result<Option<Batch>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {BATCH_COLUMNS} FROM stock_batches WHERE id = ?1"),
            [id],
            batch,
        )
        .optional()?)
}

/// The batch of an item with this number, if received before.
pub fn find_batch(
    conn: &Connection,
    item_id: &str,
    batch_no: &str,
) -> Result<Option<Batch>, StoreError> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {BATCH_COLUMNS} FROM stock_batches WHERE item_id = ?1 AND batch_no = ?2"
            ),
            [item_id, batch_no],
            batch,
        )
        .optional()?)
}

/// A new, empty batch; its stock comes from the receive movement after it.
pub struct NewBatch<'a> {
    pub item_id: &'a str,
    pub batch_no: &'a str,
    pub expiry: NaiveDate,
    pub unit_cost: i64,
    pub price: i64,
    pub supplier: &'a str,
}

/// Inserts an empty batch and returns its key.
pub fn insert_batch(
    tx: &Transaction,
    b: &NewBatch,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    let id = Id::new().to_string();
    tx.execute(
        "INSERT INTO stock_batches (id, item_id, batch_no, expiry, unit_cost, price, supplier, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            id,
            b.item_id,
            b.batch_no,
            b.expiry.format(DATE).to_string(),
            b.unit_cost,
            b.price,
            b.supplier,
            format_ts(now)
        ],
    )?;
    Ok(id)
}

/// One ledger row to append.
pub struct NewMovement<'a> {
    pub batch_id: &'a str,
    pub item_id: &'a str,
    pub kind: MovementKind,
    pub quantity: i64,
    pub reason: &'a str,
    pub reference: &'a str,
    pub patient_id: Option<&'a str>,
    pub actor_id: Option<&'a str>,
}

/// Appends a movement; the schema applies it to the batch, refusing a
/// quantity below zero and a dispense from an expired batch.
pub fn insert_movement(
    tx: &Transaction,
    m: &NewMovement,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    tx.execute(
        "INSERT INTO stock_movements (batch_id, item_id, kind, quantity, reason, reference,
             patient_id, actor_id, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            m.batch_id,
            m.item_id,
            m.kind.to_string(),
            m.quantity,
            m.reason,
            m.reference,
            m.patient_id,
            m.actor_id,
            format_ts(now)
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// A ledger row as shown: with its batch number, patient MRN and actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovementRow {
    pub seq: i64,
    pub at: String,
    pub kind: String,
    pub batch_no: String,
    pub quantity: i64,
    pub reason: String,
    pub reference: String,
    pub patient_id: Option<String>,
    pub patient_mrn: Option<String>,
    pub actor: Option<String>,
}

/// The newest `limit` movements of an item, newest first.
pub fn movements(
    conn: &Connection,
    item_id: &str,
    limit: usize,
) -> Result<Vec<MovementRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.seq, m.at, m.kind, b.batch_no, m.quantity, m.reason, m.reference,
                m.patient_id, p.mrn, u.user_name
         FROM stock_movements m
         JOIN stock_batches b ON b.id = m.batch_id
         LEFT JOIN patients p ON p.id = m.patient_id
         LEFT JOIN users u ON u.id = m.actor_id
         WHERE m.item_id = ?1 ORDER BY m.seq DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![item_id, limit as i64], |r| {
        Ok(MovementRow {
            seq: r.get(0)?,
            at: r.get(1)?,
            kind: r.get(2)?,
            batch_no: r.get(3)?,
            quantity: r.get(4)?,
            reason: r.get(5)?,
            reference: r.get(6)?,
            patient_id: r.get(7)?,
            patient_mrn: r.get(8)?,
            actor: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A medicine given to a patient: one dispense (its batches summed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dispensed {
    pub at: String,
    pub item: String,
    pub quantity: i64,
    pub unit: String,
    pub by: Option<String>,
}

/// What was dispensed to a patient (a return as a negative quantity),
/// newest first; one dispense split across batches is one row. The ledger
/// is append-only, so a merge cannot move its rows: the records merged into
/// this patient (directly or along a chain) are listed with it.
pub fn dispensed_to(
    conn: &Connection,
    patient_id: &str,
    limit: usize,
) -> Result<Vec<Dispensed>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "WITH RECURSIVE merged(id) AS (
             SELECT ?1
             UNION SELECT p.id FROM patients p JOIN merged ON p.merged_into = merged.id)
         SELECT min(m.at), i.name, i.strength, i.form, -sum(m.quantity), i.unit, u.user_name
         FROM stock_movements m
         JOIN stock_items i ON i.id = m.item_id
         LEFT JOIN users u ON u.id = m.actor_id
         WHERE m.patient_id IN (SELECT id FROM merged) AND m.kind IN ('dispense', 'return')
         GROUP BY m.patient_id, m.kind, m.item_id, m.at
         ORDER BY min(m.seq) DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![patient_id, limit as i64], |r| {
        let label = [r.get::<_, String>(1)?, r.get(2)?, r.get(3)?]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        Ok(Dispensed {
            at: r.get(0)?,
            item: label,
            quantity: r.get(4)?,
            unit: r.get(5)?,
            by: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Batches whose quantity differs from their ledger, or is negative: each
/// as a sentence. Empty when the stock is consistent.
pub fn ledger_problems(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT i.name, b.batch_no, b.on_hand,
                (SELECT coalesce(sum(quantity), 0) FROM stock_movements m WHERE m.batch_id = b.id)
         FROM stock_batches b JOIN stock_items i ON i.id = b.item_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })?;
    let mut problems = Vec::new();
    for row in rows {
        let (item, batch_no, on_hand, ledger) = row?;
        if on_hand != ledger {
            problems.push(format!(
                "batch {batch_no} of {item} holds {on_hand} but its ledger sums to {ledger}"
            ));
        }
        if on_hand < 0 {
            problems.push(format!(
                "batch {batch_no} of {item} holds a negative quantity ({on_hand})"
            ));
        }
    }
    let orphans: i64 = conn.query_row(
        "SELECT count(*) FROM stock_movements m
         WHERE NOT EXISTS (SELECT 1 FROM stock_batches b WHERE b.id = m.batch_id AND b.item_id = m.item_id)",
        [],
        |r| r.get(0),
    )?;
    if orphans > 0 {
        problems.push(format!(
            "{orphans} ledger rows name a batch that is missing or belongs to another item"
        ));
    }
    Ok(problems)
}

/// How many batches the ledger check covered.
pub fn batch_count(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("SELECT count(*) FROM stock_batches", [], |r| r.get(0))?)
}

/// Units of an item dispensed since `since` (returns not taken off): the
/// measure of its use that a large receipt or adjustment is asked against.
pub fn dispensed_since(
    conn: &Connection,
    item_id: &str,
    since: DateTime<Utc>,
) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(-sum(quantity), 0) FROM stock_movements
             WHERE item_id = ?1 AND kind = 'dispense' AND at >= ?2",
        )?
        .query_row(params![item_id, format_ts(since)], |r| r.get(0))?)
}
