//! `wardline receipt NUMBER`: a payment's or refund's receipt printed
//! again, as receipt-printer text on standard output or as a PDF in a new
//! file (`--pdf FILE`). Reading it is a READ and writing it an EXPORT in
//! the audit trail.

use super::{
    AsUser, Passwords, as_user, export_to_new_file, hospital_clock, open_hospital, refuse_existing,
};
use crate::cli::Cli;
use crate::domain::label::Paper;
use crate::ops::billing::{self, receipts};
use crate::paths::DataDir;
use anyhow::{Result, anyhow};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ReceiptArgs {
    /// The receipt's number as printed (`000123` or `123`).
    #[arg(value_name = "NUMBER")]
    pub number: String,
    /// The receipt paper's width in millimetres: 58 (32 columns) or 80 (48
    /// columns).
    #[arg(long, default_value_t = 80, value_name = "MM")]
    pub width: u32,
    /// Write the receipt as a PDF to this new file (made readable by you
    /// only) instead of text on standard output; an existing file is never
    /// overwritten.
    #[arg(long, value_name = "FILE")]
    pub pdf: Option<PathBuf>,
    #[command(flatten)]
    pub by: AsUser,
}

/// `wardline receipt NUMBER [--width 58|80] [--pdf FILE]`.
pub fn receipt(data: &DataDir, cli: &Cli, args: &ReceiptArgs, pw: &mut Passwords) -> Result<()> {
    let paper = Paper::from_mm(args.width).ok_or_else(|| {
        anyhow!(
            "--width {} is not a receipt paper: type 58 (32 columns) or 80 (48 columns)",
            args.width
        )
    })?;
    let typed = args.number.trim();
    let number = typed
        .parse::<i64>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| {
            anyhow!("{typed:?} is not a receipt number: type the number printed on it, e.g. 000123")
        })?;
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    if let Some(path) = &args.pdf {
        refuse_existing(path)?;
    }
    as_user(&mut db, &args.by, pw, |db, s, _| {
        let clock = hospital_clock(db)?;
        let r = billing::receipt_of(db, s, number, clock)?;
        let whereto = match &args.pdf {
            Some(path) => {
                export_to_new_file(path, |w| Ok(w.write_all(&r.pdf())?))?;
                path.clone()
            }
            None => {
                let mut out = std::io::stdout().lock();
                out.write_all(crate::domain::text::printable(&r.text(paper)).as_bytes())?;
                out.flush()?;
                PathBuf::from("standard output")
            }
        };
        receipts::record_export(db, s, number, &whereto)?;
        if args.pdf.is_some() {
            eprintln!("Wrote receipt {} to {}", r.number, whereto.display());
        }
        Ok(())
    })
}
