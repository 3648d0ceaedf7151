//! `wardline central push`: everything a hospital file changed since its
//! last acknowledged push (read by `source`), sent to the central store one
//! way.
//!
//! What changed is found without scanning a table: a new row of a table
//! with rowids by its rowid above the table's pushed position (the file's
//! rowids only grow, one writer at a time), a changed row, and every row of
//! a table without rowids, by the outbox the file fills in the writing
//! transaction itself (migration 27). The first push of a table without
//! rowids walks it once by its key. Each batch is read in one read
//! transaction of the file (a terminal is never blocked) and written in one
//! PostgreSQL transaction that upserts its rows and moves the hospital's
//! cursors with them: a push killed at any moment, or a link that drops,
//! resumes from the last batch that committed, nothing lost and, rows
//! being keyed, nothing doubled.

use super::CentralError;
use super::cell::Cell;
use super::source::{Batch, Change, Cursors, Source, Walk};
use super::tables::{Mirror, quote};
use postgres::Client;
use postgres::types::ToSql;

/// Rows a batch carries unless told otherwise.
pub const DEFAULT_BATCH_ROWS: usize = 5_000;

/// PostgreSQL takes at most 65,535 parameters in one statement.
const MAX_PARAMETERS: usize = 65_000;

/// How a push went.
#[derive(Debug, Clone, Default)]
pub struct PushReport {
    /// Rows sent (upserted or removed).
    pub rows: u64,
    pub batches: u32,
    pub cursors: Cursors,
}

/// Told after each committed batch.
pub struct Progress<'a> {
    pub rows: u64,
    pub batches: u32,
    pub cursors: &'a Cursors,
}

/// Pushes every change of `source` not yet acknowledged by the central
/// store, batch by batch, until none is left.
pub fn push(
    source: &mut Source,
    client: &mut Client,
    batch_rows: usize,
    progress: &mut dyn FnMut(&Progress),
) -> Result<PushReport, CentralError> {
    super::schema::require_current(client)?;
    super::schema::check_mirrors(client, &source.mirrors)?;
    let locked: bool = client
        .query_one(
            "SELECT pg_try_advisory_lock(2026, hashtext($1))",
            &[&source.code],
        )?
        .get(0);
    if !locked {
        return Err(CentralError::Busy(format!(
            "another push of {} to this central store is running; this one stops (the next one resumes where it ends)",
            source.code
        )));
    }
    let started: std::time::SystemTime = std::time::SystemTime::now();
    register(client, source)?;
    let mut cursors = load_cursors(client, &source.code)?;
    check_continuity(client, source, &cursors)?;
    let mut report = PushReport::default();
    loop {
        let batch = source.read_batch(&cursors, batch_rows.max(1))?;
        if batch.entries == 0 {
            break;
        }
        let sent = write_batch(client, source, &batch, &cursors)?;
        cursors = batch.next;
        report.rows += sent;
        report.batches += 1;
        progress(&Progress {
            rows: report.rows,
            batches: report.batches,
            cursors: &cursors,
        });
    }
    if report.batches > 0 {
        client.execute(
            "INSERT INTO pushes (hospital, started_at, finished_at, rows, batches)
             VALUES ($1, $2, now(), $3, $4)",
            &[
                &source.code,
                &started,
                &(report.rows as i64),
                &(report.batches as i32),
            ],
        )?;
    }
    client.execute(
        "SELECT pg_advisory_unlock(2026, hashtext($1))",
        &[&source.code],
    )?;
    report.cursors = cursors;
    Ok(report)
}

/// Enters the hospital in the central store on its first push, and refuses
/// a file that is not the hospital the store knows by that code.
fn register(client: &mut Client, source: &Source) -> Result<(), CentralError> {
    let mut tx = client.transaction()?;
    let known = tx.query(
        "SELECT code, site_id::text FROM hospitals WHERE code = $1 OR site_id = $2::text::uuid",
        &[&source.code, &source.site_id],
    )?;
    for row in &known {
        let (code, site): (String, String) = (row.get(0), row.get(1));
        if code == source.code && site != source.site_id {
            return Err(CentralError::NotThisHospital(format!(
                "the central store already holds a hospital {code} from another file (site {site}, this file is site {}): \
                 two hospitals cannot share a code; if this file replaced that one, ask the district office",
                source.site_id
            )));
        }
        if code != source.code {
            return Err(CentralError::NotThisHospital(format!(
                "the central store knows this file's site {} as hospital {code}, not {}: ask the district office",
                source.site_id, source.code
            )));
        }
    }
    tx.execute(
        "INSERT INTO hospitals (code, site_id, name, time_zone, schema_version)
         VALUES ($1, $2::text::uuid, $3, $4, $5)
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, time_zone = EXCLUDED.time_zone,
             schema_version = EXCLUDED.schema_version",
        &[
            &source.code,
            &source.site_id,
            &source.name,
            &source.time_zone,
            &(source.schema_version as i32),
        ],
    )?;
    tx.commit()?;
    Ok(())
}

/// Where the central store says this hospital's push has reached.
pub fn load_cursors(client: &mut Client, code: &str) -> Result<Cursors, CentralError> {
    let mut cursors = Cursors::default();
    for row in client.query(
        "SELECT stream, position, walk_key, done FROM push_cursors WHERE hospital = $1",
        &[&code],
    )? {
        let stream: String = row.get(0);
        let position: i64 = row.get(1);
        if stream == "outbox" {
            cursors.outbox = position;
        } else if let Some(table) = stream.strip_prefix("rows:") {
            cursors.rows.insert(table.to_string(), position);
        } else if let Some(table) = stream.strip_prefix("walk:") {
            let key: Option<String> = row.get(2);
            let after = match key {
                Some(text) => Some(serde_json::from_str(&text).map_err(|_| {
                    CentralError::Central(format!(
                        "the central store's walk position for {table} cannot be read: \
                         delete its 'walk:{table}' cursor row to walk the table again"
                    ))
                })?),
                None => None,
            };
            cursors.walks.insert(
                table.to_string(),
                Walk {
                    after,
                    done: row.get(3),
                },
            );
        }
    }
    Ok(cursors)
}

/// Refuses to push a file that is not a continuation of what was pushed
/// from it: a copy restored from an older backup, whose new rows would take
/// rowids the central store already holds other rows under.
fn check_continuity(
    client: &mut Client,
    source: &Source,
    cursors: &Cursors,
) -> Result<(), CentralError> {
    let Some(&seq) = cursors.rows.get("audit_log") else {
        return Ok(());
    };
    let central: Option<String> = client
        .query_opt(
            "SELECT hash FROM audit_log WHERE hospital = $1 AND seq = $2",
            &[&source.code, &seq],
        )?
        .map(|r| r.get(0));
    let local = source.audit_hash(seq)?;
    if central.is_some() && central == local {
        return Ok(());
    }
    Err(CentralError::Behind(format!(
        "hospital {}'s file does not continue what it pushed: the central store holds audit event {seq} {}, \
         and this file {}. Was it restored from an older backup? Pushing would put new records over ones the \
         central store already holds, so nothing was sent: ask the district office to compare the two",
        source.code,
        if central.is_some() {
            "with one hash"
        } else {
            "as missing"
        },
        match local {
            Some(_) => "has another",
            None => "has no such event",
        }
    )))
}

/// Writes one batch in one PostgreSQL transaction with the cursors it
/// reaches. Returns the rows sent.
fn write_batch(
    client: &mut Client,
    source: &Source,
    batch: &Batch,
    from: &Cursors,
) -> Result<u64, CentralError> {
    let code = &source.code;
    let mut tx = client.transaction()?;
    tx.query_one(
        "SELECT 1 FROM hospitals WHERE code = $1 FOR UPDATE",
        &[code],
    )?;
    let mut sent = 0u64;
    for (m, changes) in source.mirrors.iter().zip(&batch.changes) {
        if changes.is_empty() {
            continue;
        }
        let mut upserts: Vec<&Vec<Cell>> = Vec::new();
        for change in changes.values() {
            match change {
                Change::Upsert(cells) => upserts.push(cells),
                Change::Delete(key) => {
                    let sql = format!(
                        "DELETE FROM {} WHERE hospital = $1 AND {}",
                        quote(&m.name),
                        m.key
                            .iter()
                            .enumerate()
                            .map(|(n, &k)| format!("{} = ${}", quote(&m.columns[k].name), n + 2))
                            .collect::<Vec<_>>()
                            .join(" AND ")
                    );
                    let mut params: Vec<&(dyn ToSql + Sync)> = vec![code];
                    params.extend(key.iter().map(|c| c as &(dyn ToSql + Sync)));
                    tx.execute(&sql, &params)?;
                    sent += 1;
                }
            }
        }
        let per_statement = (MAX_PARAMETERS / m.columns.len()).clamp(1, 1_000);
        for chunk in upserts.chunks(per_statement) {
            let sql = upsert_sql(m, chunk.len());
            let mut params: Vec<&(dyn ToSql + Sync)> =
                Vec::with_capacity(1 + chunk.len() * m.columns.len());
            params.push(code);
            for row in chunk {
                params.extend(row.iter().map(|c| c as &(dyn ToSql + Sync)));
            }
            tx.execute(&sql, &params)?;
            sent += chunk.len() as u64;
        }
    }
    let next = &batch.next;
    let mut streams: Vec<(String, i64, Option<String>, bool)> = Vec::new();
    if next.outbox != from.outbox {
        streams.push(("outbox".into(), next.outbox, None, false));
    }
    for (table, &pos) in &next.rows {
        if from.rows.get(table) != Some(&pos) {
            streams.push((format!("rows:{table}"), pos, None, false));
        }
    }
    for (table, walk) in &next.walks {
        if from.walks.get(table) != Some(walk) {
            let key = walk
                .after
                .as_ref()
                .map(|k| serde_json::Value::Array(k.clone()).to_string());
            streams.push((format!("walk:{table}"), 0, key, walk.done));
        }
    }
    for (stream, position, key, done) in &streams {
        tx.execute(
            "INSERT INTO push_cursors (hospital, stream, position, walk_key, done)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (hospital, stream) DO UPDATE SET position = EXCLUDED.position,
                 walk_key = EXCLUDED.walk_key, done = EXCLUDED.done",
            &[code, stream, position, key, done],
        )?;
    }
    tx.execute(
        "UPDATE hospitals SET last_push_at = now(), pushed_rows = pushed_rows + $2 WHERE code = $1",
        &[code, &(sent as i64)],
    )?;
    tx.commit()?;
    Ok(sent)
}

/// `INSERT … ON CONFLICT DO UPDATE` of `rows` rows of a mirror, the
/// hospital's code as `$1`; a row already holding the same values is left
/// untouched.
fn upsert_sql(m: &Mirror, rows: usize) -> String {
    let n = m.columns.len();
    let mut sql = format!(
        "INSERT INTO {} AS t (hospital, {}) VALUES ",
        quote(&m.name),
        m.column_list()
    );
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push_str("($1");
        for c in 0..n {
            sql.push_str(&format!(", ${}", 2 + r * n + c));
        }
        sql.push(')');
    }
    sql.push_str(&format!(" ON CONFLICT (hospital, {}) ", m.key_list()));
    let others: Vec<&str> = m
        .columns
        .iter()
        .enumerate()
        .filter(|(i, _)| !m.key.contains(i))
        .map(|(_, c)| c.name.as_str())
        .collect();
    if others.is_empty() {
        sql.push_str("DO NOTHING");
    } else {
        let set = others
            .iter()
            .map(|c| format!("{} = EXCLUDED.{}", quote(c), quote(c)))
            .collect::<Vec<_>>()
            .join(", ");
        let old = others
            .iter()
            .map(|c| format!("t.{}", quote(c)))
            .collect::<Vec<_>>()
            .join(", ");
        let new = others
            .iter()
            .map(|c| format!("EXCLUDED.{}", quote(c)))
            .collect::<Vec<_>>()
            .join(", ");
        sql.push_str(&format!(
            "DO UPDATE SET {set} WHERE ROW({old}) IS DISTINCT FROM ROW({new})"
        ));
    }
    sql
}
