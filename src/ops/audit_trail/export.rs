//! The filtered audit events written out as CSV, every page of them, for an
//! investigation outside wardline: into a new file readable by its owner
//! only (an existing file is never overwritten), then an EXPORT event
//! saying the filter and how many rows left the file.

use super::{READING, patient_event, record, trail_filter};
use crate::auth::Session;
use crate::domain::audit::{AuditAction, AuditRecord};
use crate::domain::audit_filter::AuditFilter;
use crate::domain::clock::{Clock, Tz};
use crate::domain::role::Permission;
use crate::domain::time::parse_ts;
use crate::error::{Error, Result};
use crate::ops::csv_file::SafeWriter;
use crate::store::Db;
use crate::store::audit_search;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The columns, in order: every field the chain hashes (so a row can be
/// checked against its hash) and the time in the hospital's zone.
const HEADER: [&str; 13] = [
    "seq",
    "at_utc",
    "at_local",
    "actor_id",
    "actor_name",
    "actor_role",
    "action",
    "entity",
    "entity_id",
    "patient_id",
    "summary",
    "prev_hash",
    "hash",
];

/// Where the screen offers to write an export: `<data dir>/exports/`,
/// beside the `hospitals/` folder of the hospital file, named by the
/// hospital and the local time (`audit-TST-20260309-083000.csv`).
pub fn default_export_path(db: &Db, clock: &Clock) -> PathBuf {
    let folder = db
        .path()
        .parent()
        .and_then(Path::parent)
        .unwrap_or_else(|| Path::new("."))
        .join("exports");
    let stamp = clock.local().format("%Y%m%d-%H%M%S");
    folder.join(format!("audit-{}-{stamp}.csv", db.code()))
}

fn cells(r: &AuditRecord, zone: Tz) -> [String; 13] {
    let local = parse_ts(&r.at)
        .map(|t| {
            t.with_timezone(&zone)
                .format("%Y-%m-%d %H:%M:%S %Z")
                .to_string()
        })
        .unwrap_or_default();
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    [
        r.seq.to_string(),
        r.at.clone(),
        local,
        opt(&r.actor_id),
        r.actor_name.clone(),
        opt(&r.actor_role),
        r.action.clone(),
        r.entity.clone(),
        opt(&r.entity_id),
        opt(&r.patient_id),
        r.summary.clone(),
        r.prev_hash.clone(),
        r.hash.clone(),
    ]
}

/// Opens `path` as a new file, 0600; refuses an existing one.
fn create_new(path: &Path) -> Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map_err(|e| {
        Error::Refused(match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!(
                "{} already exists and is never overwritten: choose another file name",
                path.display()
            ),
            _ => format!(
                "{} could not be created: {e}; check that the folder exists and can be written",
                path.display()
            ),
        })
    })
}

/// Writes every event matching `filter` (newest first, dates in `zone`)
/// to the new file `path` and records the EXPORT event; returns how many
/// rows were written (administrators only). A missing folder of the
/// default export place is created. If the file cannot be written whole,
/// or the event cannot be recorded, the file is removed and nothing counts
/// as exported.
pub fn export_csv(
    db: &mut Db,
    by: &Session,
    filter: &AuditFilter,
    zone: Tz,
    path: &Path,
) -> Result<usize> {
    by.require(Permission::Administer, READING)?;
    let f = trail_filter(db, filter, zone)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.exists()
    {
        crate::paths::create_private_dir(dir).map_err(|e| {
            Error::Refused(format!(
                "the folder {} could not be created: {e}; choose another place",
                dir.display()
            ))
        })?;
    }
    let file = create_new(path)?;
    let written = write_rows(db, &f, zone, file, path);
    let rows = match written {
        Ok(n) => n,
        Err(e) => {
            let _ = std::fs::remove_file(path);
            return Err(e);
        }
    };
    let summary = format!(
        "exported the audit trail ({}) to {}: {rows} rows",
        filter.describe(),
        path.display()
    );
    let event = patient_event(AuditAction::Export, summary, filter.patient.as_ref());
    if let Err(e) = record(db, by, event) {
        let _ = std::fs::remove_file(path);
        return Err(e);
    }
    Ok(rows)
}

fn write_rows(
    db: &Db,
    f: &audit_search::TrailFilter,
    zone: Tz,
    file: std::fs::File,
    path: &Path,
) -> Result<usize> {
    let failed = |e: std::io::Error| {
        Error::Refused(format!(
            "{} could not be written: {e}; nothing was exported",
            path.display()
        ))
    };
    let mut out = SafeWriter::new(std::io::BufWriter::new(file));
    out.write_row(HEADER).map_err(failed)?;
    let mut rows = 0usize;
    audit_search::each(db.conn(), f, |r| {
        out.write_row(cells(r, zone)).map_err(failed)?;
        rows += 1;
        Ok::<_, Error>(())
    })?;
    out.flush().map_err(failed)?;
    let mut inner = out.into_inner().map_err(failed)?;
    inner.flush().map_err(failed)?;
    inner.get_ref().sync_all().map_err(failed)?;
    Ok(rows)
}
