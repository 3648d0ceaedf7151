//! The rows of a dispense made in error and their reversal: which ledger
//! rows one dispense wrote (one per batch it took), whether they were
//! reversed, and the reversal's pairing of each with its return movement.
//! The schema keeps each dispense row reversed at most once, and gives a
//! prescription back what a reversed row had issued against it.

use super::StoreError;
use crate::domain::time::format_ts;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

/// One ledger row of a dispense: the batch it took from and how much.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispenseRow {
    pub seq: i64,
    pub batch_id: String,
    pub item_id: String,
    /// What left the batch, as a positive number of units.
    pub quantity: i64,
    pub patient_id: Option<String>,
    /// The prescription the row was dispensed against, if any.
    pub prescription_id: Option<String>,
}

/// The rows of the dispense that ledger row `seq` belongs to, in ledger
/// order: the dispense rows written together with it (same item, instant,
/// pharmacist, patient and reference, with no other row between them).
/// Empty when `seq` is not a dispense row.
pub fn dispense_rows(conn: &Connection, seq: i64) -> Result<Vec<DispenseRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.seq, m.batch_id, m.item_id, -m.quantity, m.patient_id, d.prescription_id
         FROM stock_movements m
         JOIN stock_movements o ON o.seq = ?1 AND o.kind = 'dispense'
         LEFT JOIN prescription_dispenses d ON d.movement_seq = m.seq
         WHERE m.kind = 'dispense' AND m.item_id = o.item_id AND m.at = o.at
           AND m.actor_id IS o.actor_id AND m.patient_id IS o.patient_id
           AND m.reference = o.reference
         ORDER BY m.seq",
    )?;
    let rows: Vec<DispenseRow> = stmt
        .query_map([seq], |r| {
            Ok(DispenseRow {
                seq: r.get(0)?,
                batch_id: r.get(1)?,
                item_id: r.get(2)?,
                quantity: r.get(3)?,
                patient_id: r.get(4)?,
                prescription_id: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let Some(at) = rows.iter().position(|r| r.seq == seq) else {
        return Ok(Vec::new());
    };
    // The run of consecutive sequence numbers around `seq`: one dispense
    // writes its rows one after another in one transaction.
    let mut start = at;
    while start > 0 && rows[start - 1].seq + 1 == rows[start].seq {
        start -= 1;
    }
    let mut end = at;
    while end + 1 < rows.len() && rows[end].seq + 1 == rows[end + 1].seq {
        end += 1;
    }
    Ok(rows[start..=end].to_vec())
}

/// Whether dispense row `seq` has been reversed.
pub fn is_reversed(conn: &Connection, seq: i64) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM dispense_reversals WHERE movement_seq = ?1")?
        .query_row([seq], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Records that dispense row `movement_seq` was reversed by the return
/// movement `return_seq`; the schema refuses a second reversal.
pub fn insert_reversal(
    tx: &Transaction,
    movement_seq: i64,
    return_seq: i64,
    reason: &str,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO dispense_reversals (movement_seq, return_seq, reason, reversed_by, reversed_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![movement_seq, return_seq, reason, by, format_ts(now)],
    )?;
    Ok(())
}
