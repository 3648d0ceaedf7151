//! `wardline import codes`: a hospital's own diagnosis code list, or back
//! to the shipped ICD-10-CM.

use super::{AsUser, Passwords, as_user, open_hospital};
use crate::cli::Cli;
use crate::domain::display::thousands;
use crate::ops::code_import::{self, DEFAULT_SYSTEM};
use crate::ops::codes::{self, SHIPPED_SYSTEM};
use crate::paths::DataDir;
use crate::store::Db;
use anyhow::{Context, Result, bail};
use chrono::Utc;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("list").required(true).args(["file", "shipped"])))]
pub struct ImportArgs {
    /// The CSV or TSV file (UTF-8); its first line names the columns:
    /// code, description, and optionally billable.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// The code system the file holds.
    #[arg(long, value_name = "NAME", default_value = DEFAULT_SYSTEM, conflicts_with = "shipped")]
    pub system: String,
    /// Remove the hospital's own list: searches use the shipped ICD-10-CM again.
    #[arg(long)]
    pub shipped: bool,
    #[command(flatten)]
    pub by: AsUser,
}

/// `wardline import codes FILE [--system NAME]` or `--shipped`.
pub fn import_codes(
    data: &DataDir,
    cli: &Cli,
    args: &ImportArgs,
    pw: &mut Passwords,
) -> Result<bool> {
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    let Some(file) = args.file.as_deref() else {
        return use_shipped(&mut db, &args.by, pw);
    };
    let bytes = std::fs::read(file)
        .with_context(|| format!("could not read {}: check the file name", file.display()))?;
    let source = file.display().to_string();
    let report = as_user(&mut db, &args.by, pw, |db, s, _| {
        Ok(code_import::import_codes(
            db,
            s,
            &bytes,
            &source,
            &args.system,
            Utc::now(),
        )?)
    })?;
    for note in &report.invalid {
        say!("{note}");
    }
    if !report.invalid.is_empty() {
        let n = report.invalid.len();
        bail!(
            "nothing was imported: {source} has {n} invalid {} (listed above). Correct them and import the file again",
            if n == 1 { "row" } else { "rows" }
        );
    }
    if !report.ignored_columns.is_empty() {
        say!("Columns not read: {}.", report.ignored_columns.join(", "));
    }
    let mut loaded = format!(
        "Loaded {} {} codes ({} billable) from {source}",
        thousands(report.imported as u64),
        report.system,
        thousands(report.billable as u64)
    );
    if let Some((system, n)) = &report.replaced {
        loaded.push_str(&format!(
            ", replacing the earlier {system} list ({} codes)",
            thousands(*n as u64)
        ));
    }
    say!("{loaded}.");
    say!(
        "Diagnosis searches now use {} ({} codes). `wardline import codes --shipped` returns to the shipped {SHIPPED_SYSTEM}.",
        report.system,
        thousands(report.imported as u64)
    );
    Ok(true)
}

fn use_shipped(db: &mut Db, by: &AsUser, pw: &mut Passwords) -> Result<bool> {
    let removed = as_user(db, by, pw, |db, s, _| {
        Ok(code_import::use_shipped_codes(db, s)?)
    })?;
    let list = codes::list_in_use(db)?;
    match removed {
        Some((system, n)) => say!(
            "Removed the hospital's {system} list ({} codes).",
            thousands(n as u64)
        ),
        None => say!("The hospital has no list of its own: nothing changed."),
    }
    say!(
        "Diagnosis searches use the shipped {} ({} codes; {}).",
        list.system,
        thousands(list.codes as u64),
        list.source
    );
    Ok(true)
}
