//! `wardline label`: the medicine label of a dispensed prescription, as
//! text for a 58 or 80 mm receipt printer (standard output, or a file) or
//! as a PDF (a file: `--out`, else one in `<data dir>/labels/`); and
//! `wardline label specimen ACCESSION`, the label of a lab order's
//! specimen (in `lab_label`). Writing one is recorded in the audit trail as
//! an EXPORT.

use super::{
    AsUser, Passwords, as_user, export_to_new_file, hospital_clock, open_hospital, refuse_existing,
};
use crate::cli::Cli;
use crate::domain::ids::Id;
use crate::domain::label::Paper;
use crate::ops::labels;
use crate::paths::DataDir;
use anyhow::{Result, anyhow};
use clap::{Args, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

/// What a label is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LabelFormat {
    /// Plain text, for a receipt printer (`lp -d PRINTER FILE`).
    Text,
    /// A one-page PDF 80 mm wide.
    Pdf,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct LabelArgs {
    #[command(subcommand)]
    pub other: Option<LabelCommand>,
    /// The prescription's ID (shown by the pharmacy's queue and the record).
    #[arg(long, value_name = "ID", required = true)]
    pub prescription: Option<String>,
    /// What to write.
    #[arg(long, value_enum, default_value = "text")]
    pub format: LabelFormat,
    /// The receipt paper's width in millimetres (text labels): 58 (32
    /// columns) or 80 (48 columns).
    #[arg(long, default_value_t = 80, value_name = "MM")]
    pub width: u32,
    /// Write to this new file (made readable by you only); an existing file
    /// is never overwritten. Without it a text label goes to standard
    /// output and a PDF into the data directory's labels folder.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub by: Option<AsUser>,
}

/// Labels other than the medicine label.
#[derive(Debug, Subcommand)]
pub enum LabelCommand {
    /// The label of a lab order's specimen: patient, MRN, sex, birth date,
    /// the accession number (large), tests, specimen, priority and times.
    Specimen(super::lab_label::SpecimenLabelArgs),
}

/// `wardline label --prescription ID` and `wardline label specimen …`.
pub fn label(data: &DataDir, cli: &Cli, args: &LabelArgs, pw: &mut Passwords) -> Result<()> {
    let (prescription, by) = match (&args.other, &args.prescription, &args.by) {
        (Some(LabelCommand::Specimen(a)), ..) => {
            return super::lab_label::specimen_label(data, cli, a, pw);
        }
        (None, Some(p), Some(by)) => (p, by),
        _ => {
            return Err(anyhow!(
                "say which label: --prescription ID --as USER, or specimen ACCESSION --as USER"
            ));
        }
    };
    let paper = Paper::from_mm(args.width).ok_or_else(|| {
        anyhow!(
            "--width {} is not a receipt paper: type 58 (32 columns) or 80 (48 columns)",
            args.width
        )
    })?;
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    if let Some(path) = &args.out {
        refuse_existing(path)?;
    }
    let id = Id::from_stored(prescription.trim().to_string());
    let written = as_user(&mut db, by, pw, |db, s, _| {
        let clock = hospital_clock(db)?;
        let (rx, l) = labels::label(db, s, &id, None, &clock)?;
        let bytes = match args.format {
            LabelFormat::Text => l.text(paper).into_bytes(),
            LabelFormat::Pdf => labels::pdf(&l),
        };
        let path = match (&args.out, args.format) {
            (Some(path), _) => {
                export_to_new_file(path, |w| Ok(w.write_all(&bytes)?))?;
                Some(path.clone())
            }
            (None, LabelFormat::Text) => {
                let mut out = std::io::stdout().lock();
                let text = String::from_utf8_lossy(&bytes);
                out.write_all(crate::domain::text::printable(&text).as_bytes())?;
                out.flush()?;
                None
            }
            (None, LabelFormat::Pdf) => {
                let path = data
                    .root()
                    .join("labels")
                    .join(format!("{}.pdf", labels::file_stem(&rx, &clock)));
                labels::write_private(&path, &bytes)?;
                Some(path)
            }
        };
        let whereto = path
            .clone()
            .unwrap_or_else(|| PathBuf::from("standard output"));
        labels::record_export(db, s, &rx, &whereto)?;
        Ok(path)
    })?;
    if let Some(path) = written {
        eprintln!("Wrote the label to {}", path.display());
    }
    Ok(())
}
