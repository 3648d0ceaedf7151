//! Taking and checking backups. A backup is a consistent online copy of the
//! hospital file (other terminals keep working), private to its owner, that
//! counts only once it passes the same checks as `wardline check`; then it
//! is recorded (a `backups` row and a BACKUP audit event, one transaction)
//! and a checkpoint is written.
//!
//! Taking one needs no sign-in: a nightly job has no password, and whoever
//! can run it can read the hospital file anyway. It acts as `system`, like
//! `audit checkpoint` and `check`.

use crate::auth::Session;
use crate::checkpoint::{self, Scope};
use crate::domain::audit::{Actor, AuditAction, AuditEvent};
use crate::domain::backup::{self, BackupRecord};
use crate::domain::display::thousands;
use crate::domain::role::Permission;
use crate::health::{self, HealthReport};
use crate::paths::DataDir;
use crate::store::{self, Db, StoreError};
use anyhow::Context;
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

/// Why a backup was not made, or a file is not a usable backup.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "{} already exists: a backup never overwrites a file; choose another name for --out",
        .0.display()
    )]
    Exists(PathBuf),
    #[error(
        "the copy {} failed its check, so it was deleted: {}. Run `wardline check` on the hospital to see why",
        .path.display(), first_problems(.report)
    )]
    FailedCheck {
        path: PathBuf,
        report: Box<HealthReport>,
    },
}

/// The first few problems of a report, for a one-line message.
fn first_problems(report: &HealthReport) -> String {
    let problems: Vec<String> = report
        .lines()
        .into_iter()
        .filter(|l| l.contains("PROBLEM"))
        .collect();
    let shown: Vec<&str> = problems.iter().take(3).map(String::as_str).collect();
    let more = problems.len().saturating_sub(shown.len());
    if more > 0 {
        format!("{} (and {more} more)", shown.join("; "))
    } else {
        shown.join("; ")
    }
}

/// A backup made and checked.
#[derive(Debug, Clone)]
pub struct Taken {
    pub path: PathBuf,
    pub record: BackupRecord,
    /// The checks the copy passed.
    pub report: HealthReport,
    /// Older automatic backups removed by `keep`.
    pub removed: Vec<PathBuf>,
}

/// Removes a file on drop unless told to keep it: a copy that is not
/// finished or failed its check never stays behind.
struct Partial {
    path: PathBuf,
    keep: bool,
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.keep {
            for suffix in ["", "-journal", "-wal", "-shm"] {
                let mut p = self.path.as_os_str().to_owned();
                p.push(suffix);
                let _ = std::fs::remove_file(PathBuf::from(p));
            }
        }
    }
}

/// Makes a backup of `db`: into `out` when given (a new file), else into
/// `<data>/backups/` under the automatic name. With `keep`, removes the
/// oldest automatic backups of this hospital beyond that many.
pub fn take(
    db: &mut Db,
    data: &DataDir,
    out: Option<&Path>,
    keep: Option<usize>,
    now: DateTime<Utc>,
) -> anyhow::Result<Taken> {
    let dest = match out {
        Some(p) => p.to_path_buf(),
        None => {
            let dir = data.backups_dir();
            crate::paths::create_private_dir(&dir).with_context(|| {
                format!("could not create the backups folder {}", dir.display())
            })?;
            dir.join(backup::automatic_name(db.code().as_str(), now))
        }
    };
    match crate::paths::create_private_file(&dest) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(BackupError::Exists(dest).into());
        }
        Err(e) => {
            return Err(e).with_context(|| {
                format!(
                    "could not create {}: check that its folder exists and is writable",
                    dest.display()
                )
            });
        }
    }
    let mut partial = Partial {
        path: dest.clone(),
        keep: false,
    };
    store::backup::copy(db.conn(), &dest)
        .with_context(|| format!("could not copy the hospital into {}", dest.display()))?;
    let report = check_file(data, &dest)?.1;
    if !report.ok() {
        return Err(BackupError::FailedCheck {
            path: dest.clone(),
            report: Box::new(report),
        }
        .into());
    }
    let size_bytes = std::fs::metadata(&dest)
        .with_context(|| format!("could not read the size of {}", dest.display()))?
        .len();
    let record = BackupRecord {
        taken_at: now,
        path: dest.display().to_string(),
        automatic: out.is_none(),
        size_bytes,
        events: report.audit.count,
        head_hash: report.audit.head.clone(),
    };
    let id = uuid::Uuid::now_v7().to_string();
    let event = AuditEvent::new(
        AuditAction::Backup,
        "backup",
        format!(
            "backup written to {} ({} bytes, {} events, head {})",
            record.path,
            thousands(size_bytes),
            record.events,
            record.head_hash
        ),
    )
    .on(id.clone());
    db.write(&Actor::system(), |tx| {
        store::backup::record(tx, &id, &record)?;
        Ok::<_, StoreError>(((), vec![event]))
    })
    .context("the copy is good, but recording it in the hospital file failed")?;
    partial.keep = true;
    tracing::info!(path = %dest.display(), size_bytes, events = record.events, "backup taken");
    checkpoint::write(db, data)?;
    let removed = match keep {
        Some(n) => prune(data, db.code().as_str(), n)?,
        None => Vec::new(),
    };
    Ok(Taken {
        path: dest,
        record,
        report,
        removed,
    })
}

/// Checks a backup file without changing it: opens it read-only and runs
/// every check, holding its audit trail to the checkpoints as a copy.
/// Returns the hospital code it belongs to and the report.
pub fn check_file(
    data: &DataDir,
    path: &Path,
) -> anyhow::Result<(crate::domain::hospital::HospitalCode, HealthReport)> {
    let copy = Db::open_read_only(path)
        .with_context(|| format!("could not open the backup {}", path.display()))?;
    let report = health::check(&copy, data, Scope::Copy)
        .with_context(|| format!("could not check the backup {}", path.display()))?;
    Ok((copy.code().clone(), report))
}

/// Removes hospital `code`'s oldest automatic backups in `<data>/backups/`
/// beyond the `keep` newest; nothing else there is touched.
fn prune(data: &DataDir, code: &str, keep: usize) -> anyhow::Result<Vec<PathBuf>> {
    let dir = data.backups_dir();
    let names: Vec<String> = std::fs::read_dir(&dir)
        .with_context(|| format!("could not list {}", dir.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    let mut removed = Vec::new();
    for name in backup::beyond_keep(code, &names, keep) {
        let path = dir.join(name);
        std::fs::remove_file(&path)
            .with_context(|| format!("could not remove the old backup {}", path.display()))?;
        removed.push(path);
    }
    Ok(removed)
}

/// The latest backup of the hospital, for the admin tab and the sign-in
/// warning (admin only).
pub fn latest(db: &Db, by: &Session) -> crate::error::Result<Option<BackupRecord>> {
    crate::auth::authorize(db.conn(), by, Permission::Administer, "see the backups")?;
    Ok(store::backup::latest(db.conn())?)
}

/// A recorded backup and whether its file is still where it was written.
#[derive(Debug, Clone)]
pub struct Listed {
    pub record: BackupRecord,
    pub present: bool,
}

/// Every recorded backup, newest first, each with whether its file is
/// still there (admin only). Each passed its check when it was taken: a
/// copy that fails is deleted and never recorded.
pub fn list(db: &Db, by: &Session) -> crate::error::Result<Vec<Listed>> {
    crate::auth::authorize(db.conn(), by, Permission::Administer, "see the backups")?;
    Ok(store::backup::list(db.conn())?
        .into_iter()
        .map(|record| Listed {
            present: Path::new(&record.path).is_file(),
            record,
        })
        .collect())
}

/// The data directory the hospital file was opened from, where a backup
/// taken from the terminal screen goes (as `wardline backup` puts it);
/// `None` for a file opened from elsewhere.
pub fn data_dir_of(db: &Db) -> Option<DataDir> {
    DataDir::holding(db.path(), db.code())
}
