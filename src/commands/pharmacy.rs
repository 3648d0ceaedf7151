//! `wardline import items`, `wardline report stock`, `wardline report
//! expiry` and `wardline pharmacy reverse-dispense`: the pharmacy's
//! catalogue loaded from a file, what its stock is worth and when it
//! expires, and a dispense made in error taken back.

use super::{AsUser, Passwords, ReportFormat, as_user, fit, open_hospital};
use crate::cli::Cli;
use crate::domain::display::{quantity_of, thousands};
use crate::paths::DataDir;
use crate::store::Db;
use anyhow::{Context, Result, bail};
use chrono::Utc;
use clap::{Args, Subcommand};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum PharmacyCommand {
    /// Reverse a dispense made in error (pharmacists): every batch it took
    /// gets its stock back, its charges are reversed on the bill, and a
    /// prescription it was dispensed against owes the quantity again.
    /// Refused when a batch has expired since (dispose of it instead).
    ReverseDispense {
        /// The dispense's number: the No. of one of its rows in the item's
        /// ledger.
        number: i64,
        /// Why it is reversed; kept in the ledger and on the bill.
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        by: AsUser,
    },
}

/// `wardline pharmacy …`: the pharmacy's corrections.
pub fn pharmacy(
    data: &DataDir,
    cli: &Cli,
    cmd: &PharmacyCommand,
    pw: &mut Passwords,
) -> Result<()> {
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    match cmd {
        PharmacyCommand::ReverseDispense { number, reason, by } => {
            let done = as_user(&mut db, by, pw, |db, s, _| {
                Ok(crate::ops::pharmacy::reverse_dispense(
                    db,
                    s,
                    *number,
                    reason,
                    Utc::now(),
                )?)
            })?;
            let batches = done
                .batches
                .iter()
                .map(|(batch, q)| format!("{} to batch {batch}", quantity_of(*q, &done.unit)))
                .collect::<Vec<_>>()
                .join(", ");
            let charges = match done.charges_reversed {
                0 => "it had no charges".to_string(),
                1 => "its charge was reversed on the bill".to_string(),
                n => format!("its {n} charges were reversed on the bill"),
            };
            let owed = if done.prescription.is_some() {
                "; the prescription owes it again"
            } else {
                ""
            };
            say!(
                "Reversed dispense {number} of {} of {}: {batches}; {charges}{owed}.",
                quantity_of(done.quantity(), &done.unit),
                done.item
            );
        }
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV file (UTF-8, with or without a BOM).
    #[arg(value_name = "FILE.csv")]
    pub file: PathBuf,
    #[command(flatten)]
    pub by: AsUser,
}

#[derive(Debug, Args)]
pub struct StockArgs {
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    #[command(flatten)]
    pub by: AsUser,
}

#[derive(Debug, Args)]
pub struct ExpiryArgs {
    /// How many days ahead to look.
    #[arg(long, default_value_t = 90, value_name = "N")]
    pub days: u32,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    #[command(flatten)]
    pub by: AsUser,
}

/// `wardline import items FILE.csv`: refused (nothing imported) when a row
/// is invalid; items already in the catalogue are listed and kept.
pub fn import_items(
    data: &DataDir,
    cli: &Cli,
    args: &ImportArgs,
    pw: &mut Passwords,
) -> Result<bool> {
    let (file, by) = (args.file.as_path(), &args.by);
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    let reader = std::fs::File::open(file)
        .with_context(|| format!("could not open {}: check the file name", file.display()))?;
    let source = file.display().to_string();
    let report = as_user(&mut db, by, pw, |db, s, _| {
        Ok(crate::ops::pharmacy::import_items(
            db,
            s,
            reader,
            &source,
            Utc::now(),
        )?)
    })?;
    for line in &report.invalid {
        say!("{line}");
    }
    if !report.invalid.is_empty() {
        bail!(
            "nothing was imported: {source} has {} invalid {} (listed above). Correct them and import the file again",
            report.invalid.len(),
            if report.invalid.len() == 1 {
                "row"
            } else {
                "rows"
            }
        );
    }
    for label in &report.existing {
        say!("already in the catalogue, left as it is: {label}");
    }
    say!(
        "Imported {} {} from {source}.",
        report.imported,
        if report.imported == 1 {
            "item"
        } else {
            "items"
        }
    );
    Ok(true)
}

/// `wardline report stock`: on hand and value at cost per item, with alerts.
pub fn report_stock(db: &mut Db, args: &StockArgs, pw: &mut Passwords) -> Result<()> {
    let (format, by) = (args.format, &args.by);
    let today = crate::ops::pharmacy::today(&db.clock(Utc::now())?);
    let list = as_user(db, by, pw, |db, s, _| {
        Ok(crate::ops::pharmacy::stock_list(db, s, today)?)
    })?;
    let settings = db.settings()?;
    let currency = settings.currency.as_str();
    if format == ReportFormat::Csv {
        crate::ops::pharmacy::write_stock_csv(&list, currency, std::io::stdout().lock())?;
        return Ok(());
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    let written = (|| -> std::io::Result<()> {
        writeln!(
            out,
            "{:<44}  {:>9}  {:>9}  {:>16}  {:<10}  FLAGS",
            "ITEM",
            "ON HAND",
            "REORDER",
            format!("VALUE ({currency})"),
            "UNIT"
        )?;
        let mut total = 0i64;
        for l in list.iter().filter(|l| l.item.active || l.on_hand > 0) {
            total += l.value;
            let mut flags = Vec::new();
            if l.flags.below_reorder {
                flags.push("LOW");
            }
            if l.flags.expiring {
                flags.push("EXPIRING");
            }
            if l.flags.expired {
                flags.push("EXPIRED");
            }
            if !l.item.active {
                flags.push("INACTIVE");
            }
            writeln!(
                out,
                "{:<44}  {:>9}  {:>9}  {:>16}  {:<10}  {}",
                fit(&l.item.details.label(), 44),
                thousands(l.on_hand as u64),
                thousands(l.item.details.reorder_level as u64),
                crate::domain::pharmacy::amount(l.value, currency),
                l.item.details.unit,
                flags.join(" ")
            )?;
        }
        writeln!(
            out,
            "Total value at cost: {} ({} items, stock as of {}).",
            crate::domain::pharmacy::money(total, currency),
            list.len(),
            today.format(settings.date_pattern())
        )?;
        out.flush()
    })();
    written.context("could not write the report to standard output")?;
    Ok(())
}

/// `wardline report expiry --days N`: batches with stock that expire within
/// N days, expired ones first.
pub fn report_expiry(db: &mut Db, args: &ExpiryArgs, pw: &mut Passwords) -> Result<()> {
    let (days, format, by) = (args.days, args.format, &args.by);
    let today = crate::ops::pharmacy::today(&db.clock(Utc::now())?);
    let rows = as_user(db, by, pw, |db, s, _| {
        Ok(crate::ops::pharmacy::expiry_report(
            db,
            s,
            today,
            i64::from(days),
        )?)
    })?;
    let settings = db.settings()?;
    if format == ReportFormat::Csv {
        crate::ops::pharmacy::write_expiry_csv(
            &rows,
            today,
            &settings.currency,
            std::io::stdout().lock(),
        )?;
        return Ok(());
    }
    let pattern = settings.date_pattern();
    let mut out = BufWriter::new(std::io::stdout().lock());
    let written = (|| -> std::io::Result<()> {
        writeln!(
            out,
            "{:<10}  {:<9}  {:<40}  {:<16}  {:>9}  {:>16}",
            "EXPIRY",
            "STATE",
            "ITEM",
            "BATCH",
            "ON HAND",
            format!("VALUE ({})", settings.currency)
        )?;
        for (item, b) in &rows {
            let left = (b.expiry - today).num_days();
            let state = if left <= 0 {
                "EXPIRED".to_string()
            } else {
                format!("{left} days")
            };
            writeln!(
                out,
                "{:<10}  {:<9}  {:<40}  {:<16}  {:>9}  {:>16}",
                b.expiry.format(pattern).to_string(),
                state,
                fit(&item.details.label(), 40),
                b.batch_no,
                thousands(b.on_hand as u64),
                crate::domain::pharmacy::amount(b.on_hand * b.unit_cost, &settings.currency)
            )?;
        }
        writeln!(
            out,
            "{} {} with stock expire by {} ({days} days from today; expired stock included).",
            rows.len(),
            if rows.len() == 1 { "batch" } else { "batches" },
            (today + chrono::Duration::days(i64::from(days))).format(pattern)
        )?;
        out.flush()
    })();
    written.context("could not write the report to standard output")?;
    Ok(())
}
