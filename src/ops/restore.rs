//! Replacing a hospital with a backup (admin only). The backup must be a
//! wardline file of the same hospital that the program can read and that
//! passes every check; no other process may hold the hospital open. The
//! backup itself is never changed: it is copied beside the hospital file,
//! the restore is recorded in the copy (a RESTORE_BACKUP event), both files
//! are folded out of WAL mode, and only then is the hospital file renamed to
//! `<CODE>.db.replaced-<time>` (kept, never deleted) and the copy put in its
//! place. A restore line in the checkpoint log keeps `audit verify` coherent.

use crate::auth::Session;
use crate::checkpoint::{self, Scope};
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::hospital::HospitalCode;
use crate::domain::role::Permission;
use crate::health::{self, HealthReport};
use crate::paths::DataDir;
use crate::procs::Holder;
use crate::store::sessions::EndReason;
use crate::store::{self, Db, StoreError, audit};
use anyhow::Context;
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

/// Why a restore was refused. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error(
        "the backup is of hospital {backup}, not {hospital}: restore it into the data directory of {backup} (--data-dir), or choose the right backup"
    )]
    OtherHospital {
        backup: HospitalCode,
        hospital: String,
    },
    #[error("{}", describe_holders(.0))]
    InUse(Vec<Holder>),
    #[error(
        "the backup fails its check, so it was not restored: {}. Run `wardline backup --verify FILE` for every finding, and choose another backup",
        problems(.0)
    )]
    Damaged(Box<HealthReport>),
    #[error("{} already exists: wait a moment and restore again", .0.display())]
    NameTaken(PathBuf),
}

fn describe_holders(holders: &[Holder]) -> String {
    let list: Vec<String> = holders
        .iter()
        .map(|h| {
            format!(
                "PID {} ({}) holds {}",
                h.pid,
                if h.command.is_empty() {
                    "command line unknown"
                } else {
                    &h.command
                },
                h.file.display()
            )
        })
        .collect();
    format!(
        "the hospital file is open in another program, so it was not replaced: {}. Close those wardline screens (Ctrl+Q) or stop those processes (kill PID), then restore again",
        list.join("; ")
    )
}

fn problems(report: &HealthReport) -> String {
    let found: Vec<String> = report
        .lines()
        .into_iter()
        .filter(|l| l.contains("PROBLEM"))
        .take(3)
        .collect();
    found.join("; ")
}

/// What a restore did.
#[derive(Debug, Clone)]
pub struct Restored {
    pub code: HospitalCode,
    /// The hospital file, now holding the backup.
    pub path: PathBuf,
    /// Where the file it replaced was kept (none when there was none).
    pub replaced: Option<PathBuf>,
    /// The restored file's events (the RESTORE_BACKUP one included) and head.
    pub events: i64,
    pub head: String,
    /// The checks the backup passed.
    pub report: HealthReport,
}

/// A file name beside `path`: `<path><suffix>`.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// The hospital file and the two files SQLite keeps beside it.
fn with_side_files(path: &Path) -> Vec<PathBuf> {
    vec![
        path.to_path_buf(),
        beside(path, "-wal"),
        beside(path, "-shm"),
    ]
}

/// Refuses when another process holds the hospital file (or its WAL or
/// shared-memory file) open.
fn refuse_if_open(target: &Path) -> anyhow::Result<()> {
    match crate::procs::holders(&with_side_files(target)) {
        Some(h) if !h.is_empty() => Err(RestoreError::InUse(h).into()),
        Some(_) => Ok(()),
        None => {
            tracing::warn!("cannot tell which processes hold the hospital file on this system");
            Ok(())
        }
    }
}

/// Removes the staged copy (and its side files) unless the restore went through.
struct Staged {
    path: PathBuf,
    done: bool,
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.done {
            for p in with_side_files(&self.path)
                .into_iter()
                .chain([beside(&self.path, "-journal")])
            {
                let _ = std::fs::remove_file(p);
            }
        }
    }
}

/// Replaces hospital `hospital` (or the backup's own hospital) in `data`
/// with the backup at `backup`. `sign_in` checks the administrator's
/// password against the hospital file, or against the backup when there is
/// no hospital file yet (a new machine).
pub fn restore(
    data: &DataDir,
    hospital: Option<&str>,
    backup: &Path,
    sign_in: impl FnOnce(&mut Db) -> anyhow::Result<Session>,
    now: DateTime<Utc>,
) -> anyhow::Result<Restored> {
    let copy = Db::open_read_only(backup)
        .with_context(|| format!("could not restore {}", backup.display()))?;
    let code = copy.code().clone();
    let target = target_file(data, hospital, &code)?;
    refuse_if_open(&target)?;

    // The administrator first, so that a wrong password costs no time. A
    // hospital file too damaged to open is replaced all the same (that is
    // what backups are for); the admin then signs in against the backup.
    let exists = target.exists();
    let mut live = if exists {
        match Db::open(&target) {
            Ok(db) => Some(db),
            Err(e @ (StoreError::Damaged { .. } | StoreError::NotWardline(_))) => {
                tracing::warn!(error = %e, "the hospital file cannot be opened; restoring over it");
                None
            }
            Err(e) => {
                return Err(anyhow::Error::new(e).context(format!(
                    "could not open the hospital file {}",
                    target.display()
                )));
            }
        }
    } else {
        None
    };
    let mut sign_in = Some(sign_in);
    let mut session = match (live.as_mut(), sign_in.take()) {
        (Some(db), Some(f)) => Some(signed_in_admin(db, f, now)?),
        (None, f) => {
            sign_in = f;
            None
        }
        (Some(_), None) => None,
    };

    let report = health::check(&copy, data, Scope::Copy)
        .with_context(|| format!("could not check the backup {}", backup.display()))?;
    if !report.ok() {
        if let (Some(db), Some(s)) = (live.as_mut(), session.as_ref()) {
            crate::auth::sign_out(db, s, EndReason::Logout, now)?;
        }
        return Err(RestoreError::Damaged(Box::new(report)).into());
    }

    let dir = data.hospitals_dir();
    crate::paths::create_private_dir(&dir)
        .with_context(|| format!("could not create {}", dir.display()))?;
    let stamp = now.format("%Y%m%dT%H%M%S%.3fZ");
    let mut staged = Staged {
        path: dir.join(format!("{code}.db.restoring-{stamp}")),
        done: false,
    };
    crate::paths::create_private_file(&staged.path)
        .with_context(|| format!("could not create {}", staged.path.display()))?;
    store::backup::copy(copy.conn(), &staged.path).with_context(|| {
        format!(
            "could not copy the backup to {}: check the free disk space",
            staged.path.display()
        )
    })?;
    drop(copy);
    let mut db = Db::open(&staged.path)
        .with_context(|| format!("could not open the copy {}", staged.path.display()))?;
    let session = match (session.take(), live.as_mut()) {
        (Some(s), Some(live_db)) => {
            crate::auth::sign_out(live_db, &s, EndReason::Logout, now)?;
            s
        }
        _ => {
            let f = sign_in.take().context(NO_PASSWORD)?;
            let s = signed_in_admin(&mut db, f, now)?;
            crate::auth::sign_out(&mut db, &s, EndReason::Logout, now)?;
            s
        }
    };

    let replaced = exists.then(|| dir.join(format!("{code}.db.replaced-{stamp}")));
    let backup_name = backup
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| backup.display().to_string());
    let from_events = report.audit.count;
    let summary = match &replaced {
        Some(r) => format!(
            "hospital restored from backup {backup_name} ({from_events} events); the replaced file is kept as {}",
            r.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        ),
        None => format!("hospital restored from backup {backup_name} ({from_events} events)"),
    };
    db.write(&session.actor(), |_| {
        Ok::<_, StoreError>((
            (),
            vec![
                AuditEvent::new(AuditAction::RestoreBackup, "hospital", summary).on(code.as_str()),
            ],
        ))
    })?;
    let (events, head) = audit::head(db.conn())?;
    store::backup::stand_alone(db.conn()).context("could not finish the restored copy")?;
    drop(db);

    if let Some(live_db) = live.take() {
        store::backup::stand_alone(live_db.conn()).map_err(|e| match e {
            StoreError::Busy => anyhow::anyhow!(
                "another program opened the hospital file during the restore, so it was not replaced: close every wardline and restore again"
            ),
            other => anyhow::Error::new(other).context("could not fold the hospital file's write-ahead log"),
        })?;
        drop(live_db);
    }
    refuse_if_open(&target)?;
    if let Some(r) = &replaced {
        if r.exists() {
            return Err(RestoreError::NameTaken(r.clone()).into());
        }
        std::fs::rename(&target, r)
            .with_context(|| format!("could not rename {} to {}", target.display(), r.display()))?;
        private(r)?;
        for suffix in ["-wal", "-shm"] {
            let side = beside(&target, suffix);
            if side.exists() {
                std::fs::rename(&side, beside(r, suffix))
                    .with_context(|| format!("could not move {} aside", side.display()))?;
            }
        }
    }
    if let Err(e) = std::fs::rename(&staged.path, &target) {
        if let Some(r) = &replaced {
            let _ = std::fs::rename(r, &target);
        }
        return Err(e)
            .with_context(|| format!("could not put the backup in place at {}", target.display()));
    }
    staged.done = true;
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    tracing::info!(
        backup = %backup.display(),
        replaced = ?replaced,
        events,
        "hospital restored from a backup"
    );
    checkpoint::write_restore(data, &code, events, &head, report.audit.count)?;
    Ok(Restored {
        code,
        path: target,
        replaced,
        events,
        head,
        report,
    })
}

/// The hospital file the backup of `code` replaces.
fn target_file(
    data: &DataDir,
    hospital: Option<&str>,
    code: &HospitalCode,
) -> anyhow::Result<PathBuf> {
    if let Some(h) = hospital {
        let wanted: HospitalCode = h.parse()?;
        if &wanted != code {
            return Err(RestoreError::OtherHospital {
                backup: code.clone(),
                hospital: wanted.to_string(),
            }
            .into());
        }
    } else {
        let all = data.hospitals()?;
        if !all.is_empty() && !all.iter().any(|(c, _)| c == code) {
            let codes: Vec<String> = all.iter().map(|(c, _)| c.to_string()).collect();
            return Err(RestoreError::OtherHospital {
                backup: code.clone(),
                hospital: codes.join(", "),
            }
            .into());
        }
    }
    Ok(data.hospital_file(code))
}

/// Said if the password prompt was somehow used up before it was needed.
const NO_PASSWORD: &str = "the administrator could not be asked for a password: restore again";

fn signed_in_admin(
    db: &mut Db,
    sign_in: impl FnOnce(&mut Db) -> anyhow::Result<Session>,
    now: DateTime<Utc>,
) -> anyhow::Result<Session> {
    let s = sign_in(db)?;
    if let Err(e) = s.require(Permission::Administer, "restore a backup") {
        crate::auth::sign_out(db, &s, EndReason::Logout, now)?;
        return Err(e.into());
    }
    Ok(s)
}

/// Makes a file readable by its owner only.
fn private(path: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("could not make {} private", path.display()))?;
    }
    Ok(())
}
