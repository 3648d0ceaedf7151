//! `wardline import patients` and `wardline export patients`: patients
//! brought in from another system, and written out for one.

use super::{AsUser, Passwords, as_user, export_to_new_file, open_hospital, refuse_existing};
use crate::cli::Cli;
use crate::domain::display::thousands;
use crate::ops::{export, import};
use crate::paths::DataDir;
use anyhow::{Context, Result, bail};
use chrono::Utc;
use clap::{Args, ValueEnum};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV file (UTF-8, with or without a BOM).
    #[arg(value_name = "FILE.csv")]
    pub file: PathBuf,
    /// Import the valid rows and report the invalid ones.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Import a file that was imported before (every patient of it is
    /// registered again).
    #[arg(long)]
    pub again: bool,
    /// Import even though other terminals are signed in (their changes wait
    /// until the import ends), without asking: for scripts.
    #[arg(long)]
    pub yes: bool,
    #[command(flatten)]
    pub by: AsUser,
}

/// Asks before an import when other terminals are signed in: their changes
/// wait until it ends. `--yes` answers for scripts; without a person to ask
/// (standard input not a terminal, or answering passwords) it is refused.
fn confirm_others_wait(
    db: &crate::store::Db,
    session: &crate::auth::Session,
    yes: bool,
    pw: &Passwords,
) -> Result<()> {
    use std::io::{BufRead, IsTerminal};
    let now = Utc::now();
    let others = crate::store::sessions::open_elsewhere(
        db.conn(),
        &session.id,
        now - crate::auth::MAX_SESSION,
    )?;
    if others.is_empty() || yes {
        return Ok(());
    }
    let mut names: Vec<&str> = Vec::new();
    for name in &others {
        if !names.contains(&name.as_str()) {
            names.push(name);
        }
    }
    let signed_in = format!(
        "{} {} signed in ({})",
        count(others.len(), "other terminal", "other terminals"),
        if others.len() == 1 { "is" } else { "are" },
        names.join(", ")
    );
    if pw.from_stdin() || !std::io::stdin().is_terminal() {
        bail!(
            "{signed_in}; their changes would wait until the import ends. Nothing was imported: add --yes to import anyway, or import when they have signed out"
        );
    }
    eprint!("{signed_in}; their changes wait until the import ends. Import? [y/N] ");
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .context("could not read the answer from the terminal")?;
    if !matches!(answer.trim(), "y" | "Y" | "yes" | "Yes" | "YES") {
        bail!("nothing was imported: you answered no");
    }
    Ok(())
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        thousands(n as u64),
        if n == 1 { one } else { many }
    )
}

/// What an export is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// The import's columns, mrn first: it imports again.
    Csv,
    /// A FHIR R4 Bundle (type collection) of Patient resources.
    Fhir,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to write.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: ExportFormat,
    /// Write to this new file (made readable by you only) instead of
    /// standard output; an existing file is never overwritten.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub by: AsUser,
}

/// `wardline import patients FILE.csv`: the report goes to standard output,
/// one line per invalid row and per possible duplicate. Refused (nothing
/// imported) when a row is invalid, unless `skip_invalid`.
pub fn import_patients(
    data: &DataDir,
    cli: &Cli,
    args: &ImportArgs,
    pw: &mut Passwords,
) -> Result<bool> {
    let (file, skip_invalid, by) = (args.file.as_path(), args.skip_invalid, &args.by);
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    let open = || {
        std::fs::File::open(file)
            .with_context(|| format!("could not open {}: check the file name", file.display()))
    };
    let sha256 = import::fingerprint(open()?)
        .with_context(|| format!("could not read {}", file.display()))?;
    let reader = open()?;
    let size = reader.metadata().ok().map(|m| m.len());
    let source = file.display().to_string();
    let noted = format!("{source} ({})", import::fingerprint_note(&sha256));
    let report = as_user(&mut db, by, pw, |db, s, pw| {
        if !args.again
            && let Some(earlier) = import::earlier_import(db, s, &sha256)?
        {
            let when = earlier
                .at
                .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_else(|| "an earlier day".into());
            bail!(
                "{source} was imported already, on {when} by {} ({}): importing it again would register each of its patients a second time. Check the patients it brought in; if they really must be registered again, add --again",
                earlier.by,
                earlier.summary
            );
        }
        confirm_others_wait(db, s, args.yes, pw)?;
        Ok(import::import_patients_sized(
            db,
            s,
            reader,
            size,
            &noted,
            skip_invalid,
            Utc::now(),
        )?)
    })?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    let written = (|| -> std::io::Result<()> {
        for note in report
            .invalid
            .iter()
            .chain(&report.already_on_file)
            .chain(&report.duplicates)
        {
            writeln!(out, "{note}")?;
        }
        if report.committed {
            writeln!(
                out,
                "Imported {} from {source}.",
                count(report.imported as usize, "patient", "patients")
            )?;
            if !report.invalid.is_empty() {
                writeln!(
                    out,
                    "Skipped {} (listed above).",
                    count(report.invalid.len(), "invalid row", "invalid rows")
                )?;
            }
        }
        if !report.already_on_file.is_empty() {
            writeln!(
                out,
                "Skipped {} already on file (listed above): their old MRN is held by a patient registered before.",
                count(report.already_on_file.len(), "row", "rows")
            )?;
        }
        if !report.duplicates.is_empty() {
            writeln!(
                out,
                "{} (listed above): check them; an administrator can merge records of the same person.",
                count(
                    report.duplicates.len(),
                    "possible duplicate",
                    "possible duplicates"
                )
            )?;
        }
        out.flush()
    })();
    written.context("could not write the import report to standard output")?;
    if !report.committed {
        let invalid = report.invalid.len();
        bail!(
            "nothing was imported: {source} has {} (listed above). Correct {} and import the file again, or add --skip-invalid to import only the {}",
            count(invalid, "invalid row", "invalid rows"),
            if invalid == 1 { "it" } else { "them" },
            count(report.valid as usize, "valid row", "valid rows"),
        );
    }
    Ok(true)
}

/// `wardline export patients`: to standard output, or to a new file made
/// readable by its owner only. A failed export leaves no partial file.
pub fn export_patients(
    data: &DataDir,
    cli: &Cli,
    args: &ExportArgs,
    pw: &mut Passwords,
) -> Result<()> {
    let (format, out, by) = (args.format, args.out.as_deref(), &args.by);
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    if let Some(path) = out {
        refuse_existing(path)?;
    }
    let format = match format {
        ExportFormat::Csv => export::Format::Csv,
        ExportFormat::Fhir => export::Format::Fhir,
    };
    let count = as_user(&mut db, by, pw, |db, s, _| match out {
        None => {
            let stdout = BufWriter::new(std::io::stdout().lock());
            Ok(export::export_patients(db, s, format, stdout, Utc::now())?)
        }
        Some(path) => {
            s.require(
                crate::domain::role::Permission::FindPatients,
                "export patients",
            )?;
            export_to_new_file(path, |w| {
                Ok(export::export_patients(db, s, format, w, Utc::now())?)
            })
        }
    })?;
    let message = format!(
        "Exported {} {} as {}",
        thousands(count),
        if count == 1 { "patient" } else { "patients" },
        format.name()
    );
    match out {
        Some(path) => say!("{message} to {}.", path.display()),
        None => eprintln!("{message}."),
    }
    Ok(())
}
