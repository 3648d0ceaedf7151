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
    check_lines(conn, "PRAGMA integrity_check")
}

/// The lines a check pragma reports. SQLite may report damage it found and
/// then stop with a corruption error: that error becomes the last line,
/// so that the report says what was found (the damage is not recorded
/// against this process: a check may be of a copy).
fn check_lines(conn: &Connection, sql: &str) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    loop {
        match rows.next() {
            Ok(Some(r)) => out.push(r.get::<_, String>(0)?),
            Ok(None) => return Ok(out),
            Err(e)
                if matches!(
                    e.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::DatabaseCorrupt)
                        | Some(rusqlite::ErrorCode::NotADatabase)
                ) =>
            {
                out.push(format!("the check stopped: {e}"));
                return Ok(out);
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// What `PRAGMA quick_check` reports: every page of the file read and its
/// structure checked, without the slower cross-check of indexes against
/// their tables; `["ok"]` when sound.
pub fn quick_check(conn: &Connection) -> Result<Vec<String>, StoreError> {
    check_lines(conn, "PRAGMA quick_check")
}

/// A connection that only reads the live hospital file (its write-ahead
/// log included), for a check run beside the program's own connection.
pub fn open_for_check(path: &std::path::Path) -> Result<Connection, StoreError> {
    Ok(Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?)
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
