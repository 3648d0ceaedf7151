//! The formulary as a prescriber searches it: active items holding the
//! typed words in their name, strength, form or generic name, with the
//! stock on hand that has not expired, a page at a time.

use super::StoreError;
use crate::domain::pharmacy::{Item, ItemDetails};
use chrono::NaiveDate;
use rusqlite::Connection;

/// An item found, with its usable stock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormularyHit {
    pub item: Item,
    /// On hand in batches that expire after today, in the item's unit.
    pub on_hand: i64,
}

/// `%word%` for LIKE, its wildcards escaped.
fn like(word: &str, prefix_only: bool) -> String {
    let escaped: String = word
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    if prefix_only {
        format!("{escaped}%")
    } else {
        format!("%{escaped}%")
    }
}

/// How many typed words the search uses.
const WORDS: usize = 4;

/// Active items holding every typed word (any case) in their name,
/// strength, form or generic name, at most `limit`: names that start with
/// the first word first, then names that hold it, then the rest; by name
/// within each.
pub fn search(
    conn: &Connection,
    text: &str,
    today: NaiveDate,
    limit: usize,
) -> Result<Vec<FormularyHit>, StoreError> {
    let words: Vec<&str> = text.split_whitespace().take(WORDS).collect();
    let Some(first) = words.first() else {
        return Ok(Vec::new());
    };
    let mut sql = String::from(
        "SELECT i.id, i.name, i.generic_name, i.strength, i.form, i.unit, i.category,
                i.reorder_level, i.active, i.version, i.max_dispense,
                coalesce((SELECT sum(b.on_hand) FROM stock_batches b
                          WHERE b.item_id = i.id AND b.on_hand > 0 AND b.expiry > ?1), 0)
         FROM stock_items i
         WHERE i.active = 1",
    );
    let mut values: Vec<String> = vec![today.format("%Y-%m-%d").to_string()];
    for w in &words {
        values.push(like(w, false));
        sql.push_str(&format!(
            " AND (i.name || ' ' || i.strength || ' ' || i.form || ' ' || i.generic_name)
                  LIKE ?{} ESCAPE '\\'",
            values.len()
        ));
    }
    values.push(like(first, true));
    let prefix = values.len();
    values.push(like(first, false));
    let within = values.len();
    values.push(i64::try_from(limit).unwrap_or(i64::MAX).to_string());
    sql.push_str(&format!(
        " ORDER BY CASE WHEN i.name LIKE ?{prefix} ESCAPE '\\' THEN 0
                       WHEN i.name LIKE ?{within} ESCAPE '\\' THEN 1 ELSE 2 END,
                  i.name COLLATE NOCASE, i.strength, i.form
         LIMIT CAST(?{} AS INTEGER)",
        values.len()
    ));
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(values.iter()), |r| {
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
                    max_dispense: r.get(10)?,
                },
                active: r.get(8)?,
                version: r.get(9)?,
            },
            on_hand: r.get(11)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
