//! `wardline audit …` and `wardline check`: verifying the audit trail,
//! writing a checkpoint outside the file, searching the trail (and writing
//! what a search finds to CSV), and checking the whole file.

use super::lab_reports::day;
use super::{AsUser, Passwords, as_user, hospital_clock, open_hospital};
use crate::checkpoint;
use crate::cli::Cli;
use crate::domain::audit_filter::{AuditFilter, PatientRef, parse_action};
use crate::ops::audit_trail::{self, Page};
use crate::paths::DataDir;
use crate::store::Db;
use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain and the checkpoints; print the count and head.
    Verify,
    /// Record the event count and head hash outside the hospital file.
    Checkpoint,
    /// Search the trail (administrators): by patient, staff member, action
    /// and local dates; prints the newest page, or writes every event found
    /// to a new CSV file with --csv (an EXPORT event).
    Search(SearchArgs),
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Events about this patient (and the records merged into it).
    #[arg(long, value_name = "MRN")]
    pub patient: Option<String>,
    /// Events by this member of staff (their user name).
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,
    /// Events of this action (READ, EXPORT, BREAK_GLASS, LOGIN_FAILED, …).
    #[arg(long, value_name = "ACTION")]
    pub action: Option<String>,
    /// From this local date (the hospital's time zone), YYYY-MM-DD.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<String>,
    /// Up to this local date, included, YYYY-MM-DD.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<String>,
    /// Write every event found to this new file (never overwritten), 0600.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    #[command(flatten)]
    pub by: AsUser,
}

pub fn audit(data: &DataDir, cli: &Cli, cmd: &AuditCommand, pw: &mut Passwords) -> Result<bool> {
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    match cmd {
        AuditCommand::Search(args) => {
            search(&mut db, args, pw)?;
            Ok(true)
        }
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

/// `wardline audit search …`: the newest page of what the filters find, or
/// all of it into a CSV file.
fn search(db: &mut Db, args: &SearchArgs, pw: &mut Passwords) -> Result<()> {
    let action = args
        .action
        .as_deref()
        .map(parse_action)
        .transpose()
        .map_err(|e| anyhow!("--action {e}"))?;
    let from = args.from.as_deref().map(|d| day("--from", d)).transpose()?;
    let to = args.to.as_deref().map(|d| day("--to", d)).transpose()?;
    as_user(db, &args.by, pw, |db, s, _| {
        let patient = match &args.patient {
            None => None,
            Some(mrn) => {
                let p = audit_trail::patient_by_mrn(db, s, mrn)?.with_context(|| {
                    format!("no patient has the MRN {mrn:?}: check it on the patient's card")
                })?;
                Some(PatientRef {
                    id: p.id,
                    mrn: p.mrn,
                })
            }
        };
        let filter = AuditFilter {
            patient,
            staff: args.user.as_deref().map(str::trim).map(String::from),
            action,
            from,
            to,
        };
        let zone = hospital_clock(db)?.zone;
        if let Some(path) = &args.csv {
            let rows = audit_trail::export_csv(db, s, &filter, zone, path)?;
            say!(
                "Wrote {} events ({}) to {}.",
                crate::domain::display::thousands(rows as u64),
                filter.describe(),
                path.display()
            );
            return Ok(());
        }
        let page = audit_trail::search(db, s, &filter, zone, Page::First, audit_trail::PAGE)?;
        if page.events.is_empty() {
            say!("No event matches ({}).", filter.describe());
        }
        for e in &page.events {
            let at = crate::domain::time::parse_ts(&e.at)
                .map(|t| {
                    t.with_timezone(&zone)
                        .format("%Y-%m-%d %H:%M:%S")
                        .to_string()
                })
                .unwrap_or_else(|| e.at.clone());
            say!(
                "{:>9}  {at}  {} ({})  {}  {}  {}",
                e.seq,
                e.actor_name,
                e.actor_role.as_deref().unwrap_or("-"),
                e.action,
                e.entity,
                e.summary
            );
        }
        if page.older.is_some() {
            say!(
                "The newest {} are shown; older events match too: narrow the filters, or write them all with --csv FILE.",
                page.events.len()
            );
        }
        Ok(())
    })
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
