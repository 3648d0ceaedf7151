//! A hospital file as a push reads it: opened read-only, what changed since
//! a position (new rows by rowid, the outbox, the first walk through a table
//! without rowids), read a batch at a time in one read transaction each, so
//! that a terminal is never blocked; and the position itself.

use super::CentralError;
use super::cell::Cell;
use super::tables::{self, Mirror, quote};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::Duration;

/// A hospital file opened for reading what it pushes.
pub struct Source {
    conn: Connection,
    pub code: String,
    pub site_id: String,
    pub name: String,
    pub time_zone: String,
    pub schema_version: i64,
    pub mirrors: Vec<Mirror>,
    by_name: HashMap<String, usize>,
}

impl Source {
    /// Opens the file read-only: a push never writes to the hospital.
    pub fn open(path: &Path) -> Result<Source, CentralError> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(30))?;
        let (code, site_id): (String, Option<String>) =
            conn.query_row("SELECT code, site_id FROM hospital WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        let Some(site_id) = site_id else {
            return Err(CentralError::Schema(format!(
                "hospital {code} has no site id yet: open it once with this version of wardline \
                 (for example `wardline check`) so that it is upgraded"
            )));
        };
        let setting = |key: &str| -> Result<Option<String>, rusqlite::Error> {
            conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
        };
        let name = setting("hospital_name")?.unwrap_or_else(|| code.clone());
        let time_zone = setting("time_zone")?.unwrap_or_else(|| "UTC".to_string());
        let schema_version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let mirrors = tables::mirrors(&conn)?;
        let by_name = mirrors
            .iter()
            .enumerate()
            .map(|(i, m)| (m.name.clone(), i))
            .collect();
        Ok(Source {
            conn,
            code,
            site_id,
            name,
            time_zone,
            schema_version,
            mirrors,
            by_name,
        })
    }

    /// Changes not yet pushed past `at`: outbox entries, new rows by rowid,
    /// and the rows a walk not yet done has still to read (all of them).
    pub fn lag(&self, at: &Cursors) -> Result<u64, CentralError> {
        let mut lag: i64 = self.conn.query_row(
            "SELECT count(*) FROM central_outbox WHERE seq > ?1",
            [at.outbox],
            |r| r.get(0),
        )?;
        for m in &self.mirrors {
            if m.by_rowid {
                let after = at.rows.get(&m.name).copied().unwrap_or(0);
                lag += self.conn.query_row(
                    &format!("SELECT count(*) FROM {} WHERE rowid > ?1", quote(&m.name)),
                    [after],
                    |r| r.get::<_, i64>(0),
                )?;
            } else if !at.walks.get(&m.name).is_some_and(|w| w.done) {
                lag += self.conn.query_row(
                    &format!("SELECT count(*) FROM {}", quote(&m.name)),
                    [],
                    |r| r.get::<_, i64>(0),
                )?;
            }
        }
        Ok(lag.max(0) as u64)
    }

    /// The hash of the file's audit event `seq`, if it has one.
    pub(super) fn audit_hash(&self, seq: i64) -> Result<Option<String>, CentralError> {
        Ok(self
            .conn
            .query_row("SELECT hash FROM audit_log WHERE seq = ?1", [seq], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Reads the next batch of at most `budget` changes after `from`, in one
    /// read transaction.
    pub(super) fn read_batch(
        &mut self,
        from: &Cursors,
        budget: usize,
    ) -> Result<Batch, CentralError> {
        let tx = self.conn.transaction()?;
        let mut batch = Batch {
            changes: vec![BTreeMap::new(); self.mirrors.len()],
            entries: 0,
            next: from.clone(),
        };
        let mut left = budget;
        for (i, m) in self.mirrors.iter().enumerate().filter(|(_, m)| m.by_rowid) {
            if left == 0 {
                break;
            }
            let after = from.rows.get(&m.name).copied().unwrap_or(0);
            let mut stmt = tx.prepare_cached(&format!(
                "SELECT rowid, {} FROM {} WHERE rowid > ?1 ORDER BY rowid LIMIT ?2",
                m.column_list(),
                quote(&m.name)
            ))?;
            let mut rows = stmt.query((after, left as i64))?;
            let mut last = after;
            while let Some(row) = rows.next()? {
                last = row.get(0)?;
                let cells = Cell::from_sqlite_row(row, 1, m.columns.len())?;
                batch.changes[i].insert(key_text(m, &cells), Change::Upsert(cells));
                batch.entries += 1;
                left -= 1;
            }
            if last > after {
                batch.next.rows.insert(m.name.clone(), last);
            }
        }
        for (i, m) in self.mirrors.iter().enumerate().filter(|(_, m)| !m.by_rowid) {
            if left == 0 {
                break;
            }
            let walk = from.walks.get(&m.name).cloned().unwrap_or_default();
            if walk.done {
                continue;
            }
            let keys = m.key_list();
            let sql = match &walk.after {
                None => format!(
                    "SELECT {} FROM {} ORDER BY {keys} LIMIT ?1",
                    m.column_list(),
                    quote(&m.name)
                ),
                Some(_) => format!(
                    "SELECT {} FROM {} WHERE ({keys}) > ({}) ORDER BY {keys} LIMIT ?1",
                    m.column_list(),
                    quote(&m.name),
                    (0..m.key.len())
                        .map(|k| format!("?{}", k + 2))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            let mut params: Vec<rusqlite::types::Value> =
                vec![rusqlite::types::Value::Integer(left as i64)];
            if let Some(after) = &walk.after {
                for v in after {
                    let cell = Cell::from_json(v).ok_or_else(|| {
                        CentralError::Central(format!(
                            "the central store's walk position for {} cannot be read: \
                             delete its 'walk:{}' cursor row to walk the table again",
                            m.name, m.name
                        ))
                    })?;
                    params.push(cell.to_sqlite());
                }
            }
            let mut stmt = tx.prepare_cached(&sql)?;
            let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
            let asked = left;
            let mut read = 0;
            let mut last_key = walk.after.clone();
            while let Some(row) = rows.next()? {
                let cells = Cell::from_sqlite_row(row, 0, m.columns.len())?;
                last_key = Some(m.key.iter().map(|&k| cells[k].to_json()).collect());
                batch.changes[i].insert(key_text(m, &cells), Change::Upsert(cells));
                batch.entries += 1;
                read += 1;
                left -= 1;
            }
            batch.next.walks.insert(
                m.name.clone(),
                Walk {
                    after: last_key,
                    done: read < asked,
                },
            );
        }
        if left > 0 {
            let mut stmt = tx.prepare_cached(
                "SELECT seq, table_name, row_key FROM central_outbox WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            )?;
            let entries = stmt
                .query_map((from.outbox, left as i64), |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        Cell::from_sqlite(r.get_ref(2)?),
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            for (seq, table, key) in entries {
                batch.next.outbox = seq;
                batch.entries += 1;
                let Some(&i) = self.by_name.get(&table) else {
                    continue;
                };
                let m = &self.mirrors[i];
                match (m.by_rowid, key) {
                    (true, Cell::Integer(rowid)) => {
                        let mut one = tx.prepare_cached(&format!(
                            "SELECT {} FROM {} WHERE rowid = ?1",
                            m.column_list(),
                            quote(&m.name)
                        ))?;
                        let found = one
                            .query_row([rowid], |row| {
                                Cell::from_sqlite_row(row, 0, m.columns.len())
                            })
                            .optional()?;
                        if let Some(cells) = found {
                            batch.changes[i].insert(key_text(m, &cells), Change::Upsert(cells));
                        }
                    }
                    (false, Cell::Text(json)) => {
                        let key = parse_key(m, &json)?;
                        let mut one = tx.prepare_cached(&format!(
                            "SELECT {} FROM {} WHERE {}",
                            m.column_list(),
                            quote(&m.name),
                            m.key
                                .iter()
                                .enumerate()
                                .map(|(n, &k)| format!(
                                    "{} IS ?{}",
                                    quote(&m.columns[k].name),
                                    n + 1
                                ))
                                .collect::<Vec<_>>()
                                .join(" AND ")
                        ))?;
                        let params: Vec<_> = key.iter().map(Cell::to_sqlite).collect();
                        let found = one
                            .query_row(rusqlite::params_from_iter(params.iter()), |row| {
                                Cell::from_sqlite_row(row, 0, m.columns.len())
                            })
                            .optional()?;
                        let text = key_of(&key);
                        match found {
                            Some(cells) => batch.changes[i].insert(text, Change::Upsert(cells)),
                            None => batch.changes[i].insert(text, Change::Delete(key)),
                        };
                    }
                    (_, other) => {
                        return Err(CentralError::Central(format!(
                            "outbox entry {seq} for {table} holds {other:?}, not a key of that table: \
                             the file may be damaged; run `wardline check`"
                        )));
                    }
                }
            }
        }
        tx.commit()?;
        Ok(batch)
    }
}

/// Where a hospital's push has reached.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Cursors {
    /// The last outbox entry sent.
    pub outbox: i64,
    /// The highest rowid sent, by table.
    pub rows: BTreeMap<String, i64>,
    /// The first push's walk through each table without rowids.
    pub walks: BTreeMap<String, Walk>,
}

/// A walk through a table without rowids, by its key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Walk {
    /// The key of the last row sent.
    pub after: Option<Vec<serde_json::Value>>,
    pub done: bool,
}

#[derive(Debug, Clone)]
pub(super) enum Change {
    Upsert(Vec<Cell>),
    Delete(Vec<Cell>),
}

pub(super) struct Batch {
    /// By mirror, keyed by the row's key so that a row read twice in one
    /// batch is sent once.
    pub(super) changes: Vec<BTreeMap<String, Change>>,
    /// Rows read and outbox entries passed, counted against the budget.
    pub(super) entries: usize,
    pub(super) next: Cursors,
}

fn key_text(m: &Mirror, cells: &[Cell]) -> String {
    key_of(&m.key.iter().map(|&k| cells[k].clone()).collect::<Vec<_>>())
}

fn key_of(key: &[Cell]) -> String {
    serde_json::Value::Array(key.iter().map(Cell::to_json).collect()).to_string()
}

fn parse_key(m: &Mirror, json: &str) -> Result<Vec<Cell>, CentralError> {
    let bad = || {
        CentralError::Central(format!(
            "an outbox entry for {} holds {json:?}, not a key of that table: \
             the file may be damaged; run `wardline check`",
            m.name
        ))
    };
    let value: serde_json::Value = serde_json::from_str(json).map_err(|_| bad())?;
    let parts = value.as_array().ok_or_else(bad)?;
    if parts.len() != m.key.len() {
        return Err(bad());
    }
    parts
        .iter()
        .map(|v| Cell::from_json(v).ok_or_else(bad))
        .collect()
}
