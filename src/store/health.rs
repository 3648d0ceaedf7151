//! The SQL of the file checks (`wardline check`, and every backup's check):
//! SQLite's own integrity and foreign-key checks. The stock ledger's check is
//! in `pharmacy`, the audit chain's in `audit`.

use super::StoreError;
use rusqlite::Connection;

/// A row that refers to a missing row of another table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKeyProblem {
    pub table: String,
    pub rowid: i64,
    pub parent: String,
}

/// What `PRAGMA integrity_check` reports: `["ok"]` when the file is sound.
pub fn integrity_check(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every row whose foreign key points nowhere.
pub fn foreign_key_problems(conn: &Connection) -> Result<Vec<ForeignKeyProblem>, StoreError> {
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    let rows = stmt.query_map([], |r| {
        Ok(ForeignKeyProblem {
            table: r.get(0)?,
            rowid: r.get::<_, Option<i64>>(1)?.unwrap_or_default(),
            parent: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
