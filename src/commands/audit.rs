//! `wardline audit …` and `wardline check`: verifying the audit trail,
//! writing a checkpoint outside the file, and checking the whole file.

use super::open_hospital;
use crate::checkpoint;
use crate::cli::Cli;
use crate::paths::DataDir;
use crate::store::Db;
use anyhow::{Context, Result, bail};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain and the checkpoints; print the count and head.
    Verify,
    /// Record the event count and head hash outside the hospital file.
    Checkpoint,
}

pub fn audit(data: &DataDir, cli: &Cli, cmd: &AuditCommand) -> Result<bool> {
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    match cmd {
        AuditCommand::Verify => {
            let report = checkpoint::verify(&db, data)?;
            Ok(print_audit_report(&report))
        }
        AuditCommand::Checkpoint => {
            let report = checkpoint::verify(&db, data)?;
            if !report.problems.is_empty() {
                print_audit_report(&report);
                bail!(
                    "no checkpoint was written: one would vouch for a trail that does not verify. Restore the hospital file from a backup (`wardline restore`) and keep this one for investigation"
                );
            }
            let cp = checkpoint::write(&mut db, data)?;
            say!("Checkpoint written: {} events, head {}", cp.count, cp.head);
            say!("Log: {}", data.checkpoint_file(db.code()).display());
            Ok(true)
        }
    }
}

fn print_audit_report(report: &checkpoint::AuditReport) -> bool {
    for line in crate::health::audit_lines(report) {
        say!("{line}");
    }
    if !report.problems.is_empty() {
        say!("{AUDIT_ADVICE}");
    }
    report.problems.is_empty()
}

/// What to do about a hospital file whose audit trail does not verify.
const AUDIT_ADVICE: &str = "The audit trail does not verify: restore the file from a backup and keep this one for investigation.";

/// `wardline check`: every problem is printed; the result says whether all passed.
pub fn check(data: &DataDir, cli: &Cli) -> Result<bool> {
    let (_, path) = data.choose_hospital(cli.hospital.as_deref())?;
    let db = Db::open_for_check(&path)
        .with_context(|| format!("could not open the hospital file {}", path.display()))?;
    let report = crate::health::check(&db, data, checkpoint::Scope::Live)?;
    for line in report.lines() {
        say!("{line}");
    }
    if !report.audit.problems.is_empty() {
        say!("{AUDIT_ADVICE}");
    }
    if report.ok() {
        say!("All checks passed.");
    }
    Ok(report.ok())
}
