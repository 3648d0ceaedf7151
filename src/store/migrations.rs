//! Schema versions: `schema.sql` for new files, numbered migrations for old ones.
//!
//! `PRAGMA user_version` is the number of migrations a file has had. A shipped
//! migration is never edited; a change to the schema is a new numbered file
//! and the same change in `schema.sql`.

use super::StoreError;
use crate::domain::audit::{Actor, AuditAction, AuditEvent};
use rusqlite::{Connection, TransactionBehavior};

/// The whole current schema.
pub const SCHEMA: &str = include_str!("../../schema.sql");

/// Every migration in order; migration `n` is at index `n - 1`.
pub const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_foundation.sql"),
    include_str!("../../migrations/0002_patients.sql"),
    include_str!("../../migrations/0003_name_pairs.sql"),
    include_str!("../../migrations/0004_pharmacy.sql"),
    include_str!("../../migrations/0005_beds.sql"),
    include_str!("../../migrations/0006_appointments.sql"),
    include_str!("../../migrations/0007_time_zone.sql"),
    include_str!("../../migrations/0008_backups.sql"),
    include_str!("../../migrations/0009_clinical.sql"),
    include_str!("../../migrations/0010_code_lists.sql"),
    include_str!("../../migrations/0011_staff_wards.sql"),
    include_str!("../../migrations/0012_prescriptions.sql"),
    include_str!("../../migrations/0013_worklist_indexes.sql"),
    include_str!("../../migrations/0014_admission_news2.sql"),
    include_str!("../../migrations/0015_lab_catalogue.sql"),
    include_str!("../../migrations/0016_lab_orders.sql"),
    include_str!("../../migrations/0017_billing.sql"),
    include_str!("../../migrations/0018_secrets_and_deaths.sql"),
    include_str!("../../migrations/0019_dispense_reversals.sql"),
    include_str!("../../migrations/0020_charges_once_per_item.sql"),
    include_str!("../../migrations/0021_patient_accounts.sql"),
    include_str!("../../migrations/0022_patient_merges.sql"),
    include_str!("../../migrations/0023_largest_dispense.sql"),
    include_str!("../../migrations/0024_audit_trail_indexes.sql"),
    include_str!("../../migrations/0025_staff_ssh_keys.sql"),
    include_str!("../../migrations/0026_audit_patient_covering.sql"),
    include_str!("../../migrations/0027_central_outbox.sql"),
];

/// What a migration needs the program for, after its script: index rows
/// computed in Rust (folded names, sounds-alike keys) for the rows already in
/// the file. Keyed by the version the migration brings the file to.
type Step = fn(&rusqlite::Transaction) -> Result<(), StoreError>;
const STEPS: &[(i64, Step)] = &[
    (3, super::patients::fill_name_pairs),
    (7, super::settings::pin_time_zone),
    (15, super::lab::load_shipped),
    (17, reread_schema),
];

/// Makes every connection, this one included, read the schema's text again
/// after a migration rewrote a stored definition in place (migration 17's
/// wider list of roles): SQLite rereads it when the schema cookie moves.
fn reread_schema(tx: &rusqlite::Transaction) -> Result<(), StoreError> {
    let cookie: i64 = tx.query_row("PRAGMA schema_version", [], |r| r.get(0))?;
    tx.pragma_update(None, "schema_version", cookie + 1)?;
    Ok(())
}

/// The schema version this program writes.
pub fn current_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// Brings the file up to `migrations.len()` in one IMMEDIATE transaction,
/// re-reading the version inside it so that two terminals opening an old file
/// at once migrate it only once. A failing migration leaves the file as it was.
/// Returns whether this connection migrated it (and so appended its event).
pub fn migrate(conn: &mut Connection, migrations: &[&str]) -> Result<bool, StoreError> {
    let target = migrations.len() as i64;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version >= target {
        return Ok(false);
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let from: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if from >= target {
        return Ok(false);
    }
    let Ok(done) = usize::try_from(from) else {
        return Err(StoreError::Conflict(format!(
            "the file says it has had {from} migrations, which no wardline file can: it was left untouched; check the path"
        )));
    };
    for (i, sql) in migrations.iter().enumerate().skip(done) {
        tx.execute_batch(sql)?;
        let version = i as i64 + 1;
        for (_, step) in STEPS.iter().filter(|(v, _)| *v == version) {
            step(&tx)?;
        }
    }
    tx.pragma_update(None, "user_version", target)?;
    super::audit::append(
        &tx,
        &Actor::system(),
        &[AuditEvent::new(
            AuditAction::Update,
            "schema",
            format!("schema upgraded from version {from} to {target}"),
        )],
    )?;
    tx.commit()?;
    tracing::info!(from, to = target, "hospital file migrated");
    Ok(true)
}
