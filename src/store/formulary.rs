//! The formulary as a prescriber searches it: active items whose name or
//! generic name holds the typed text, with the stock on hand that has not
//! expired, a page at a time.

use super::StoreError;
use crate::domain::pharmacy::{Item, ItemDetails};
use chrono::NaiveDate;
use rusqlite::{Connection, params};

/// An item found, with its usable stock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormularyHit {
    pub item: Item,
    /// On hand in batches that expire after today, in the item's unit.
    pub on_hand: i64,
}

/// Active items whose name or generic name contains `text` (any case), at
/// most `limit`: names that start with it first, then names that hold it,
/// then generic names that do; by name within each.
pub fn search(
    conn: &Connection,
    text: &str,
    today: NaiveDate,
    limit: usize,
) -> Result<Vec<FormularyHit>, StoreError> {
    let escaped: String = text
        .trim()
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    let pattern = format!("%{escaped}%");
    let mut stmt = conn.prepare_cached(
        "SELECT i.id, i.name, i.generic_name, i.strength, i.form, i.unit, i.category,
                i.reorder_level, i.active, i.version,
                coalesce((SELECT sum(b.on_hand) FROM stock_batches b
                          WHERE b.item_id = i.id AND b.on_hand > 0 AND b.expiry > ?2), 0)
         FROM stock_items i
         WHERE i.active = 1
           AND (i.name LIKE ?1 ESCAPE '\\' OR i.generic_name LIKE ?1 ESCAPE '\\')
         ORDER BY CASE WHEN i.name LIKE ?4 ESCAPE '\\' THEN 0
                       WHEN i.name LIKE ?1 ESCAPE '\\' THEN 1 ELSE 2 END,
                  i.name COLLATE NOCASE, i.strength, i.form
         LIMIT ?3",
    )?;
    let rows = stmt.query_map(
        params![
            pattern,
            today.format("%Y-%m-%d").to_string(),
            i64::try_from(limit).unwrap_or(i64::MAX),
            format!("{escaped}%")
        ],
        |r| {
            Ok(FormularyHit {
                item: Item {
                    id: r.get(0)?,
                    details: ItemDetails {
                        name: r.get(1)?,
                        generic_name: r.get(2)?,
                        strength: r.get(3)?,
                        form: r.get(4)?,
                        unit: r.get(5)?,
                        category: r.get(6)?,
                        reorder_level: r.get(7)?,
                    },
                    active: r.get(8)?,
                    version: r.get(9)?,
                },
                on_hand: r.get(10)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
