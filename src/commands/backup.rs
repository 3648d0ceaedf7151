//! `wardline backup` (take, or `--verify` one) and `wardline restore`: what
//! they print. The work is in `ops::backup` and `ops::restore`.

use super::{AsUser, Passwords, open_hospital, sign_in};
use crate::cli::Cli;
use crate::domain::display::thousands;
use crate::health::HealthReport;
use crate::ops::backup::{self as backup_ops, BackupError};
use crate::ops::restore as restore_ops;
use crate::paths::DataDir;
use anyhow::Result;
use chrono::Utc;
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Write the copy to this new file instead of
    /// <data dir>/backups/<CODE>-<UTC time>.db.
    #[arg(long, value_name = "FILE", conflicts_with = "verify")]
    pub out: Option<PathBuf>,
    /// Then remove this hospital's oldest automatic backups beyond the N
    /// newest (never a copy made with --out, nor any other file).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..), conflicts_with = "verify")]
    pub keep: Option<u32>,
    /// Only check this backup file, read-only, without making a backup.
    #[arg(long, value_name = "FILE")]
    pub verify: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup file to restore (it is not changed).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub by: AsUser,
}

/// A size for people: "12.4 MB, 12,402,688 bytes".
fn size(bytes: u64) -> String {
    format!(
        "{:.1} MB, {} bytes",
        bytes as f64 / 1_000_000.0,
        thousands(bytes)
    )
}

fn print_checks(report: &HealthReport) {
    for line in report.lines() {
        say!("  {line}");
    }
}

/// `wardline backup [--out FILE] [--keep N]`, or `--verify FILE`.
pub fn backup(data: &DataDir, cli: &Cli, args: &BackupArgs) -> Result<bool> {
    if let Some(file) = &args.verify {
        return verify(data, file);
    }
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    let keep = args.keep.map(|n| n as usize);
    let taken = match backup_ops::take(&mut db, data, args.out.as_deref(), keep, Utc::now()) {
        Ok(t) => t,
        Err(e) => {
            if let Some(BackupError::FailedCheck { report, .. }) = e.downcast_ref() {
                say!("The copy failed its check:");
                print_checks(report);
            }
            return Err(e);
        }
    };
    say!(
        "Backup written: {} ({})",
        taken.path.display(),
        size(taken.record.size_bytes)
    );
    say!("Checked the copy:");
    print_checks(&taken.report);
    say!(
        "Audit trail of the copy: {} events, head {}",
        taken.record.events,
        taken.record.head_hash
    );
    for old in &taken.removed {
        say!("Removed the older automatic backup {}", old.display());
    }
    Ok(true)
}

/// `wardline backup --verify FILE`: checks a backup, changing nothing.
fn verify(data: &DataDir, file: &Path) -> Result<bool> {
    let (code, report) = backup_ops::check_file(data, file)?;
    let bytes = std::fs::metadata(file).map(|m| m.len()).unwrap_or_default();
    say!(
        "Backup {} of hospital {code} ({})",
        file.display(),
        size(bytes)
    );
    print_checks(&report);
    if report.ok() {
        say!(
            "The backup passes every check: {} events, head {}. It can be restored with `wardline restore {} --as ADMIN`.",
            report.audit.count,
            report.audit.head,
            file.display()
        );
    } else {
        say!("The backup fails its check: do not rely on it; take a new backup.");
    }
    Ok(report.ok())
}

/// `wardline restore FILE --as ADMIN`.
pub fn restore(data: &DataDir, cli: &Cli, args: &RestoreArgs, pw: &mut Passwords) -> Result<bool> {
    let restored = match restore_ops::restore(
        data,
        cli.hospital.as_deref(),
        &args.file,
        |db| sign_in(db, &args.by, pw),
        Utc::now(),
    ) {
        Ok(r) => r,
        Err(e) => {
            if let Some(restore_ops::RestoreError::Damaged(report)) = e.downcast_ref() {
                say!("The backup fails its check:");
                print_checks(report);
            }
            return Err(e);
        }
    };
    say!(
        "Restored hospital {} from {}:",
        restored.code,
        args.file.display()
    );
    print_checks(&restored.report);
    say!("Hospital file: {}", restored.path.display());
    if let Some(r) = &restored.replaced {
        say!("The replaced file is kept as {}", r.display());
    }
    say!(
        "Audit trail: {} events (the last records this restore), head {}",
        restored.events,
        restored.head
    );
    say!("The checkpoint log records the restore; take a new backup now with `wardline backup`.");
    Ok(true)
}
