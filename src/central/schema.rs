//! The central store's schema: numbered migrations, as for the hospital
//! file, recorded in `central_migrations`; and the check, before a push,
//! that the store has every column the hospital file pushes.

use super::CentralError;
use super::tables::Mirror;
use postgres::Client;
use std::collections::{HashMap, HashSet};

/// Every central migration in order; migration `n` is at index `n - 1`.
pub const MIGRATIONS: &[&str] = &[
    include_str!("../../central-migrations/0001_mirror.sql"),
    include_str!("../../central-migrations/0002_patient_index.sql"),
    include_str!("../../central-migrations/0003_reports.sql"),
];

/// The schema version this program writes.
pub fn current_version() -> i32 {
    MIGRATIONS.len() as i32
}

/// Creates or brings up to date the central schema, in one transaction that
/// holds a lock so that two `central init` at once migrate it once.
/// Returns the version before and after.
pub fn init(client: &mut Client) -> Result<(i32, i32), CentralError> {
    let mut tx = client.transaction()?;
    tx.batch_execute(
        "SELECT pg_advisory_xact_lock(2026, 0);
         CREATE TABLE IF NOT EXISTS central_migrations (
             version     integer PRIMARY KEY,
             applied_at  timestamptz NOT NULL DEFAULT now()
         );",
    )?;
    let from: i32 = tx
        .query_one(
            "SELECT coalesce(max(version), 0) FROM central_migrations",
            &[],
        )?
        .get(0);
    let to = current_version();
    if from > to {
        return Err(CentralError::Schema(format!(
            "the central store is at schema {from}, newer than this wardline's {to}: use a newer wardline"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(from as usize) {
        tx.batch_execute(sql)?;
        tx.execute(
            "INSERT INTO central_migrations (version) VALUES ($1)",
            &[&(i as i32 + 1)],
        )?;
    }
    tx.commit()?;
    Ok((from, to))
}

/// Refuses a central store that was never initialised or is at another
/// schema version than this program's.
pub fn require_current(client: &mut Client) -> Result<(), CentralError> {
    let exists: bool = client
        .query_one("SELECT to_regclass('central_migrations') IS NOT NULL", &[])?
        .get(0);
    let version: i32 = if exists {
        client
            .query_one(
                "SELECT coalesce(max(version), 0) FROM central_migrations",
                &[],
            )?
            .get(0)
    } else {
        0
    };
    let current = current_version();
    if version < current {
        return Err(CentralError::Schema(format!(
            "the central store is at schema {version}, this wardline needs {current}: \
             run `wardline central init --db URL` first"
        )));
    }
    if version > current {
        return Err(CentralError::Schema(format!(
            "the central store is at schema {version}, newer than this wardline's {current}: use a newer wardline"
        )));
    }
    Ok(())
}

/// Refuses to push a file whose pushed columns the central store lacks (a
/// hospital on a newer wardline than the one that set the store up).
pub fn check_mirrors(client: &mut Client, mirrors: &[Mirror]) -> Result<(), CentralError> {
    let rows = client.query(
        "SELECT table_name::text, column_name::text FROM information_schema.columns
          WHERE table_schema = current_schema()",
        &[],
    )?;
    let mut have: HashMap<String, HashSet<String>> = HashMap::new();
    for row in rows {
        have.entry(row.get(0)).or_default().insert(row.get(1));
    }
    for m in mirrors {
        let Some(columns) = have.get(&m.name) else {
            return Err(CentralError::Schema(format!(
                "the central store has no table {}: this hospital file is newer than the store; \
                 run `wardline central init --db URL` with this version of wardline",
                m.name
            )));
        };
        if let Some(c) = m.columns.iter().find(|c| !columns.contains(&c.name)) {
            return Err(CentralError::Schema(format!(
                "the central store has no column {}.{}: this hospital file is newer than the store; \
                 run `wardline central init --db URL` with this version of wardline",
                m.name, c.name
            )));
        }
    }
    Ok(())
}
