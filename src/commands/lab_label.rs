//! `wardline label specimen ACCESSION`: the label of a lab order's
//! specimen, as receipt-printer text on standard output or as a PDF in a
//! new file (`--pdf FILE`). Writing one is an EXPORT in the audit trail.

use super::{
    AsUser, Passwords, as_user, export_to_new_file, hospital_clock, open_hospital, refuse_existing,
};
use crate::cli::Cli;
use crate::domain::lab::accession::Accession;
use crate::domain::label::Paper;
use crate::ops::lab::label;
use crate::paths::DataDir;
use anyhow::{Result, anyhow};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct SpecimenLabelArgs {
    /// The order's accession number as on its worklist (`LAB-000123-K`).
    #[arg(value_name = "ACCESSION")]
    pub accession: String,
    /// Write the label as a PDF to this new file (made readable by you
    /// only) instead of text on standard output; an existing file is never
    /// overwritten.
    #[arg(long, value_name = "FILE")]
    pub pdf: Option<PathBuf>,
    /// The receipt paper's width in millimetres (text labels): 58 (32
    /// columns) or 80 (48 columns).
    #[arg(long, default_value_t = 80, value_name = "MM")]
    pub width: u32,
    #[command(flatten)]
    pub by: AsUser,
}

/// `wardline label specimen ACCESSION [--pdf FILE]`.
pub fn specimen_label(
    data: &DataDir,
    cli: &Cli,
    args: &SpecimenLabelArgs,
    pw: &mut Passwords,
) -> Result<()> {
    let paper = Paper::from_mm(args.width).ok_or_else(|| {
        anyhow!(
            "--width {} is not a receipt paper: type 58 (32 columns) or 80 (48 columns)",
            args.width
        )
    })?;
    let accession = Accession::parse(&args.accession).map_err(|e| anyhow!(e))?;
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    if let Some(path) = &args.pdf {
        refuse_existing(path)?;
    }
    as_user(&mut db, &args.by, pw, |db, s, _| {
        let clock = hospital_clock(db)?;
        let (order, l) = label::specimen_label(db, s, accession, clock)?;
        let whereto = match &args.pdf {
            Some(path) => {
                export_to_new_file(path, |w| Ok(w.write_all(&l.pdf())?))?;
                path.clone()
            }
            None => {
                let mut out = std::io::stdout().lock();
                out.write_all(crate::domain::text::printable(&l.text(paper)).as_bytes())?;
                out.flush()?;
                PathBuf::from("standard output")
            }
        };
        label::record_export(db, s, &order, &whereto)?;
        if args.pdf.is_some() {
            eprintln!("Wrote the label of {accession} to {}", whereto.display());
        }
        Ok(())
    })
}
