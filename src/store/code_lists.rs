//! The hospital's own diagnosis code list (`code_list`, `code_list_entries`):
//! at most one, replaced whole by an import and removed to go back to the
//! shipped ICD-10-CM.

use super::StoreError;
use crate::domain::code_list::{NewCode, code_key};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

/// What describes the loaded list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListInfo {
    /// New at every load: a terminal holding an older index builds it again.
    pub version: String,
    pub system: String,
    /// The file it was loaded from.
    pub source: String,
    pub codes: i64,
    pub loaded_at: String,
}

/// The hospital's list, if one is loaded.
pub fn info(conn: &Connection) -> Result<Option<ListInfo>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT version, system, source, codes, loaded_at FROM code_list WHERE id = 1",
    )?;
    Ok(stmt
        .query_row([], |r| {
            Ok(ListInfo {
                version: r.get(0)?,
                system: r.get(1)?,
                source: r.get(2)?,
                codes: r.get(3)?,
                loaded_at: r.get(4)?,
            })
        })
        .optional()?)
}

/// Every code of the hospital's list (none when no list is loaded).
pub fn entries(conn: &Connection) -> Result<Vec<NewCode>, StoreError> {
    let mut stmt =
        conn.prepare("SELECT code, description, billable FROM code_list_entries ORDER BY code")?;
    let rows = stmt.query_map([], |r| {
        Ok(NewCode {
            code: r.get(0)?,
            description: r.get(1)?,
            billable: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Removes the hospital's list, returning what it was.
pub fn clear(tx: &Transaction) -> Result<Option<ListInfo>, StoreError> {
    let before = info(tx)?;
    tx.execute("DELETE FROM code_list_entries", [])?;
    tx.execute("DELETE FROM code_list", [])?;
    Ok(before)
}

/// Replaces the hospital's list with `codes` (normalized, keys unique),
/// returning the list it replaced.
pub fn replace(
    tx: &Transaction,
    list: &ListInfo,
    loaded_by: Option<&str>,
    codes: &[NewCode],
) -> Result<Option<ListInfo>, StoreError> {
    let before = clear(tx)?;
    tx.execute(
        "INSERT INTO code_list (id, version, system, source, codes, loaded_at, loaded_by)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            list.version,
            list.system,
            list.source,
            list.codes,
            list.loaded_at,
            loaded_by
        ],
    )?;
    let mut insert = tx.prepare(
        "INSERT INTO code_list_entries (code, code_key, description, billable)
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    for c in codes {
        insert.execute(params![
            c.code,
            code_key(&c.code),
            c.description,
            c.billable
        ])?;
    }
    Ok(before)
}
