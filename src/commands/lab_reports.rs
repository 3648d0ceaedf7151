//! `wardline report lab-turnaround` and `wardline report lab-workload`: the
//! laboratory's reports over the orders made from one day to another
//! (hospital time), as a table or CSV on standard output, like the census.

use super::{AsUser, Passwords, ReportFormat, as_user};
use crate::ops::lab::reports::{self, Period};
use crate::store::Db;
use anyhow::{Result, anyhow};
use chrono::NaiveDate;
use clap::Args;

#[derive(Debug, Args)]
pub struct LabReportArgs {
    /// The first day, YYYY-MM-DD (hospital time).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: String,
    /// The last day, YYYY-MM-DD, included.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: String,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    #[command(flatten)]
    pub by: AsUser,
}

/// A day typed for `flag` as YYYY-MM-DD, refused in words otherwise.
pub(super) fn day(flag: &str, typed: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(typed.trim(), "%Y-%m-%d").map_err(|_| {
        anyhow!("{flag} {typed:?} is not a date: type it as YYYY-MM-DD, e.g. 2026-03-14")
    })
}

/// The period typed with --from and --to.
pub(super) fn period(args: &LabReportArgs) -> Result<Period> {
    Ok(Period::new(
        day("--from", &args.from)?,
        day("--to", &args.to)?,
    )?)
}

/// `wardline report lab-turnaround --from DAY --to DAY`.
pub fn report_turnaround(db: &mut Db, args: &LabReportArgs, pw: &mut Passwords) -> Result<()> {
    let period = period(args)?;
    let t = as_user(db, &args.by, pw, |db, s, _| {
        Ok(reports::turnaround(db, s, period)?)
    })?;
    match args.format {
        ReportFormat::Text => say_text!("{}", reports::turnaround_text(&t)),
        ReportFormat::Csv => reports::write_turnaround_csv(&t, std::io::stdout().lock())?,
    }
    Ok(())
}

/// `wardline report lab-workload --from DAY --to DAY`.
pub fn report_workload(db: &mut Db, args: &LabReportArgs, pw: &mut Passwords) -> Result<()> {
    let period = period(args)?;
    let w = as_user(db, &args.by, pw, |db, s, _| {
        Ok(reports::workload(db, s, period)?)
    })?;
    match args.format {
        ReportFormat::Text => say_text!("{}", reports::workload_text(&w)),
        ReportFormat::Csv => reports::write_workload_csv(&w, std::io::stdout().lock())?,
    }
    Ok(())
}
