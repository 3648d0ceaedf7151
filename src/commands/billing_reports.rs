//! `wardline report takings`, `report revenue`, `report claims` and
//! `report outstanding`: billing's reports (the day's takings by method and
//! cashier, revenue by service group over a period, a scheme's claims for a
//! month, who still owes) in the
//! hospital's days, as a table or CSV on standard output.

use super::lab_reports::{LabReportArgs, day, period};
use super::{AsUser, Passwords, ReportFormat, as_user, hospital_clock};
use crate::ops::billing::outstanding;
use crate::ops::billing::reports::{self, Month};
use crate::store::Db;
use anyhow::Result;
use clap::Args;

#[derive(Debug, Args)]
pub struct TakingsArgs {
    /// The hospital day, YYYY-MM-DD.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: String,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    #[command(flatten)]
    pub by: AsUser,
}

#[derive(Debug, Args)]
pub struct OutstandingArgs {
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    #[command(flatten)]
    pub by: AsUser,
}

#[derive(Debug, Args)]
pub struct ClaimsArgs {
    /// The payer scheme's code (`NHIF`).
    #[arg(long, value_name = "CODE")]
    pub scheme: String,
    /// The month, YYYY-MM (hospital time).
    #[arg(long, value_name = "YYYY-MM")]
    pub month: String,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    #[command(flatten)]
    pub by: AsUser,
}

/// Prints a report on standard output as its text table or its CSV.
fn print<T>(
    format: ReportFormat,
    report: &T,
    text: fn(&T) -> String,
    csv: fn(&T, std::io::StdoutLock<'static>) -> crate::error::Result<()>,
) -> Result<()> {
    match format {
        ReportFormat::Text => say_text!("{}", text(report)),
        ReportFormat::Csv => csv(report, std::io::stdout().lock())?,
    }
    Ok(())
}

/// `wardline report takings --date DAY`.
pub fn report_takings(db: &mut Db, args: &TakingsArgs, pw: &mut Passwords) -> Result<()> {
    let date = day("--date", &args.date)?;
    let t = as_user(db, &args.by, pw, |db, s, _| {
        Ok(reports::takings(db, s, date)?)
    })?;
    print(
        args.format,
        &t,
        reports::takings_text,
        reports::write_takings_csv,
    )
}

/// `wardline report revenue --from DAY --to DAY`.
pub fn report_revenue(db: &mut Db, args: &LabReportArgs, pw: &mut Passwords) -> Result<()> {
    let period = period(args)?;
    let r = as_user(db, &args.by, pw, |db, s, _| {
        let clock = hospital_clock(db)?;
        Ok(reports::revenue(db, s, period, clock)?)
    })?;
    print(
        args.format,
        &r,
        reports::revenue_text,
        reports::write_revenue_csv,
    )
}

/// `wardline report claims --scheme CODE --month YYYY-MM`.
pub fn report_claims(db: &mut Db, args: &ClaimsArgs, pw: &mut Passwords) -> Result<()> {
    let month = Month::parse(&args.month)?;
    let c = as_user(db, &args.by, pw, |db, s, _| {
        let clock = hospital_clock(db)?;
        Ok(reports::claims(db, s, &args.scheme, month, clock)?)
    })?;
    print(
        args.format,
        &c,
        reports::claims_text,
        reports::write_claims_csv,
    )
}

/// `wardline report outstanding`.
pub fn report_outstanding(db: &mut Db, args: &OutstandingArgs, pw: &mut Passwords) -> Result<()> {
    let o = as_user(db, &args.by, pw, |db, s, _| {
        let clock = hospital_clock(db)?;
        Ok(outstanding::outstanding(db, s, clock)?)
    })?;
    print(
        args.format,
        &o,
        outstanding::outstanding_text,
        outstanding::write_outstanding_csv,
    )
}
