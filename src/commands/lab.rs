//! `wardline import tests`: a hospital's own laboratory catalogue, in the
//! shape of the shipped `assets/lab_tests.csv`.

use super::{AsUser, Passwords, as_user, open_hospital};
use crate::cli::Cli;
use crate::ops::lab_catalogue;
use crate::paths::DataDir;
use anyhow::{Context, Result};
use chrono::Utc;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV file (UTF-8), one line per analyte, with the columns of the
    /// shipped assets/lab_tests.csv.
    #[arg(value_name = "FILE.csv")]
    pub file: PathBuf,
    #[command(flatten)]
    pub by: AsUser,
}

/// `wardline import tests FILE`.
pub fn import_tests(
    data: &DataDir,
    cli: &Cli,
    args: &ImportArgs,
    pw: &mut Passwords,
) -> Result<bool> {
    let file = args.file.as_path();
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    let bytes = std::fs::read(file)
        .with_context(|| format!("could not read {}: check the file name", file.display()))?;
    let source = file.display().to_string();
    let report = as_user(&mut db, &args.by, pw, |db, s, _| {
        Ok(lab_catalogue::import_tests(
            db,
            s,
            &bytes,
            &source,
            Utc::now(),
        )?)
    })?;
    let list = |codes: &[String]| {
        if codes.is_empty() {
            String::new()
        } else {
            format!(": {}", codes.join(", "))
        }
    };
    say!(
        "Added {} {}{}.",
        report.added.len(),
        tests(report.added.len()),
        list(&report.added)
    );
    say!(
        "Changed {} {}{}.",
        report.changed.len(),
        tests(report.changed.len()),
        list(&report.changed)
    );
    say!(
        "{} {} already as the file says; tests the file leaves out are kept as they were.",
        report.unchanged,
        tests(report.unchanged)
    );
    Ok(true)
}

fn tests(n: usize) -> &'static str {
    if n == 1 { "test" } else { "tests" }
}
