//! `wardline export record`: one patient's clinical record for another
//! system, as a FHIR R4 Bundle, opened with the same rules as the screen
//! (and breaking the glass with `--break-glass REASON` when the patient is
//! not in the user's care).

use super::{
    AsUser, Passwords, as_user, export_to_new_file, hospital_clock, open_hospital, refuse_existing,
};
use crate::cli::Cli;
use crate::error::Error;
use crate::ops::{clinical, fhir, patients};
use crate::paths::DataDir;
use anyhow::{Result, anyhow};
use clap::{Args, ValueEnum};
use std::io::BufWriter;
use std::path::PathBuf;

/// What a record export is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RecordFormat {
    /// A FHIR R4 (4.0.1) Bundle, type collection, in JSON.
    Fhir,
}

#[derive(Debug, Args)]
pub struct RecordExportArgs {
    /// The patient's MRN.
    #[arg(long, value_name = "MRN")]
    pub patient: String,
    /// What to write.
    #[arg(long, value_enum, default_value = "fhir")]
    pub format: RecordFormat,
    /// Write to this new file (made readable by you only) instead of
    /// standard output; an existing file is never overwritten.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The patient is not in your care: open the record anyway, for this
    /// reason (recorded in the audit trail as BREAK_GLASS).
    #[arg(long, value_name = "REASON")]
    pub break_glass: Option<String>,
    #[command(flatten)]
    pub by: AsUser,
}

fn explained(e: Error) -> anyhow::Error {
    match e {
        Error::BreakGlassNeeded(_) => anyhow!(
            "this patient is not in your care: to export the record, run the command again with --break-glass \"REASON\" (the reason is recorded in the audit trail)"
        ),
        other => other.into(),
    }
}

/// `wardline export record --patient MRN --format fhir`.
pub fn export_record(
    data: &DataDir,
    cli: &Cli,
    args: &RecordExportArgs,
    pw: &mut Passwords,
) -> Result<()> {
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    if let Some(path) = &args.out {
        refuse_existing(path)?;
    }
    let mrn = args.patient.trim().to_string();
    let done = as_user(&mut db, &args.by, pw, |db, s, _| {
        let p = patients::by_mrn(db, s, &mrn)?.ok_or_else(|| {
            anyhow!("no patient has the MRN {mrn}: check it, or search for the patient by name")
        })?;
        let clock = hospital_clock(db)?;
        if let Some(reason) = &args.break_glass {
            clinical::break_glass(db, s, &p.id, reason, clock)?;
        }
        let n = match &args.out {
            None => {
                let stdout = BufWriter::new(std::io::stdout().lock());
                fhir::export_record(db, s, &p.id, stdout, clock).map_err(explained)?
            }
            Some(path) => export_to_new_file(path, |w| {
                fhir::export_record(db, s, &p.id, w, clock).map_err(explained)
            })?,
        };
        Ok((p.mrn, n))
    })?;
    let (mrn, n) = done;
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let message = format!(
        "Exported the record of {mrn} as FHIR: {} ({}, {}, {}, {}, {})",
        count(n.total(), "resource", "resources"),
        count(n.encounters, "encounter", "encounters"),
        count(n.observations, "observation", "observations"),
        count(n.conditions, "condition", "conditions"),
        count(n.allergies, "allergy statement", "allergy statements"),
        count(n.lab_results, "lab result", "lab results"),
    );
    match &args.out {
        Some(path) => say!("{message} to {}.", path.display()),
        None => eprintln!("{message}."),
    }
    Ok(())
}
