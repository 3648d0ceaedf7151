//! Backups in SQL: the online copy (SQLite's backup API, which reads one
//! consistent snapshot while other terminals keep writing), folding a file's
//! write-ahead log so it stands alone, and the `backups` table that records
//! each checked copy.

use super::StoreError;
use crate::domain::backup::BackupRecord;
use crate::domain::time::{format_ts, parse_ts};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction};
use std::path::Path;
use std::time::Duration;

/// How often a copy step waits for a lock before giving up (10 ms each).
const BUSY_STEPS: u32 = 1_500;

/// Copies the whole database behind `src` into the existing, empty file
/// `dest` in one step (one read snapshot, so the copy is consistent even
/// while others write), then leaves `dest` in rollback-journal mode, so
/// that it is one self-contained file, and synced to disk.
pub fn copy(src: &Connection, dest: &Path) -> Result<(), StoreError> {
    let mut out = Connection::open_with_flags(
        dest,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    {
        let backup = Backup::new(src, &mut out)?;
        let mut waits = 0;
        loop {
            match backup.step(-1)? {
                StepResult::Done => break,
                StepResult::More => {}
                StepResult::Busy | StepResult::Locked => {
                    waits += 1;
                    if waits > BUSY_STEPS {
                        return Err(StoreError::Busy);
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
                _ => {}
            }
        }
    }
    stand_alone(&out)?;
    drop(out);
    std::fs::File::open(dest)?.sync_all()?;
    Ok(())
}

/// Folds the write-ahead log into the file and leaves WAL mode, so that the
/// file holds everything by itself and no `-wal` or `-shm` stays beside it.
/// Fails while another connection has the file open.
pub fn stand_alone(conn: &Connection) -> Result<(), StoreError> {
    conn.pragma_update(None, "synchronous", "FULL")?;
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
    if mode.eq_ignore_ascii_case("wal") {
        let (busy, _, _): (i64, i64, i64) =
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        if busy != 0 {
            return Err(StoreError::Busy);
        }
    }
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(StoreError::Busy);
    }
    Ok(())
}

/// Records a checked backup; called inside the BACKUP event's write.
pub fn record(tx: &Transaction, id: &str, b: &BackupRecord) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO backups (id, taken_at, path, automatic, size_bytes, events, head_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        rusqlite::params![
            id,
            format_ts(b.taken_at),
            b.path,
            b.automatic,
            i64::try_from(b.size_bytes).unwrap_or(i64::MAX),
            b.events,
            b.head_hash
        ],
    )?;
    Ok(())
}

/// The most recent backup, read by index.
pub fn latest(conn: &Connection) -> Result<Option<BackupRecord>, StoreError> {
    let row = conn
        .query_row(
            "SELECT taken_at, path, automatic, size_bytes, events, head_hash
             FROM backups ORDER BY taken_at DESC LIMIT 1",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    BackupRecord {
                        taken_at: chrono::DateTime::default(),
                        path: r.get(1)?,
                        automatic: r.get(2)?,
                        size_bytes: u64::try_from(r.get::<_, i64>(3)?).unwrap_or_default(),
                        events: r.get(4)?,
                        head_hash: r.get(5)?,
                    },
                ))
            },
        )
        .optional()?;
    Ok(row.and_then(|(at, mut b)| {
        b.taken_at = parse_ts(&at)?;
        Some(b)
    }))
}

/// Every recorded backup, newest first (the Admin tab's list).
pub fn list(conn: &Connection) -> Result<Vec<BackupRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT taken_at, path, automatic, size_bytes, events, head_hash
         FROM backups ORDER BY taken_at DESC",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            BackupRecord {
                taken_at: chrono::DateTime::default(),
                path: r.get(1)?,
                automatic: r.get(2)?,
                size_bytes: u64::try_from(r.get::<_, i64>(3)?).unwrap_or_default(),
                events: r.get(4)?,
                head_hash: r.get(5)?,
            },
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (at, mut b) = row?;
        if let Some(t) = parse_ts(&at) {
            b.taken_at = t;
            out.push(b);
        }
    }
    Ok(out)
}
