//! `wardline wards …`, `wardline beds …` and `wardline report census`:
//! setting up wards and beds (administrators), listing them, and the day's
//! ward census.

use super::{AsUser, Passwords, ReportFormat, as_user, open_hospital};
use crate::cli::Cli;
use crate::paths::DataDir;
use crate::store::Db;
use anyhow::Result;
use chrono::Utc;
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum WardsCommand {
    /// List the wards in use with their beds and occupancy.
    List {
        #[command(flatten)]
        by: AsUser,
    },
    /// Add a ward.
    Add {
        /// The ward's name, e.g. "Medical ward".
        #[arg(long)]
        name: String,
        /// general, medical, surgical, maternity, paediatric, icu, isolation or other.
        #[arg(long, default_value = "general")]
        kind: String,
        /// F or M for a ward that takes only women or only men; any by default.
        #[arg(long, default_value = "any")]
        sex: String,
        #[command(flatten)]
        by: AsUser,
    },
    /// Rename a ward.
    Rename {
        /// The ward's current name.
        #[arg(long)]
        ward: String,
        /// Its new name.
        #[arg(long)]
        to: String,
        #[command(flatten)]
        by: AsUser,
    },
    /// Retire a ward and its beds (refused while a bed holds a patient or a
    /// reservation); its history is kept.
    Retire {
        #[arg(long)]
        ward: String,
        #[command(flatten)]
        by: AsUser,
    },
}

#[derive(Debug, Subcommand)]
pub enum BedsCommand {
    /// List the beds in use and their status.
    List {
        /// Only this ward's beds.
        #[arg(long)]
        ward: Option<String>,
        #[command(flatten)]
        by: AsUser,
    },
    /// Add a bed to a ward; it starts available.
    Add {
        /// The ward's name.
        #[arg(long)]
        ward: String,
        /// The bed's label, unique in the hospital, e.g. MED-01.
        #[arg(long)]
        label: String,
        /// standard, icu, cot, bassinet, isolation or bariatric.
        #[arg(long, default_value = "standard")]
        kind: String,
        #[command(flatten)]
        by: AsUser,
    },
    /// Relabel a bed.
    Rename {
        /// The bed's current label.
        #[arg(long)]
        bed: String,
        /// Its new label.
        #[arg(long)]
        to: String,
        #[command(flatten)]
        by: AsUser,
    },
    /// Retire a bed (refused while a patient is in it or it is reserved);
    /// its history is kept.
    Retire {
        #[arg(long)]
        bed: String,
        #[command(flatten)]
        by: AsUser,
    },
}

#[derive(Debug, Args)]
pub struct CensusArgs {
    /// The day, YYYY-MM-DD; today when left out.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    #[command(flatten)]
    pub by: AsUser,
}

/// A kind typed on the command line (`--kind icu`), or a message listing
/// the kinds there are.
fn parse_kind<T: std::str::FromStr>(text: &str, what: &str, all: String) -> Result<T> {
    text.trim()
        .to_lowercase()
        .parse()
        .map_err(|_| anyhow::anyhow!("unknown {what} {text:?}: use one of {all}"))
}

/// `wardline wards …`: set up wards (admins) and list them.
pub fn wards(data: &DataDir, cli: &Cli, cmd: &WardsCommand, pw: &mut Passwords) -> Result<()> {
    use crate::domain::beds::{SexRestriction, WardKind};
    use crate::ops::beds;
    use WardsCommand as W;
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    let now = Utc::now();
    match cmd {
        W::List { by } => {
            let (wards, board) = as_user(&mut db, by, pw, |db, s, _| {
                Ok((beds::wards(db, s)?, beds::beds_of(db, s, None)?))
            })?;
            say!(
                "{:<30}  {:<11}  {:<11}  {:>4}  OCCUPIED",
                "WARD",
                "KIND",
                "TAKES",
                "BEDS"
            );
            for w in wards {
                let of: Vec<_> = board.iter().filter(|b| b.ward_id == w.id).collect();
                let occupied = of
                    .iter()
                    .filter(|b| b.status == crate::domain::beds::BedStatus::Occupied)
                    .count();
                say!(
                    "{:<30}  {:<11}  {:<11}  {:>4}  {occupied}",
                    w.name,
                    w.kind.label(),
                    w.sex.map_or("any sex", SexRestriction::label),
                    of.len()
                );
            }
        }
        W::Add {
            name,
            kind,
            sex,
            by,
        } => {
            let kind: WardKind = parse_kind(kind, "ward kind", WardKind::all_names())?;
            let sex = SexRestriction::parse(sex).map_err(|e| anyhow::anyhow!(e))?;
            let w = as_user(&mut db, by, pw, |db, s, _| {
                Ok(beds::add_ward(db, s, name, kind, sex, now)?)
            })?;
            say!("Added ward {} ({}).", w.name, w.kind.label());
        }
        W::Rename { ward, to, by } => {
            let w = as_user(&mut db, by, pw, |db, s, _| {
                let w = beds::find_ward(db, ward)?;
                Ok(beds::rename_ward(db, s, &w.id, to, now)?)
            })?;
            say!("Renamed ward {ward} to {}.", w.name);
        }
        W::Retire { ward, by } => {
            let w = as_user(&mut db, by, pw, |db, s, _| {
                let w = beds::find_ward(db, ward)?;
                Ok(beds::retire_ward(db, s, &w.id, now)?)
            })?;
            say!(
                "Retired ward {} and its beds; their history is kept.",
                w.name
            );
        }
    }
    Ok(())
}

/// `wardline beds …`: set up beds (admins) and list them.
pub fn beds(data: &DataDir, cli: &Cli, cmd: &BedsCommand, pw: &mut Passwords) -> Result<()> {
    use crate::domain::beds::BedKind;
    use crate::ops::beds;
    use BedsCommand as B;
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    let now = Utc::now();
    match cmd {
        B::List { ward, by } => {
            let list = as_user(&mut db, by, pw, |db, s, _| {
                let w = match ward {
                    Some(name) => Some(beds::find_ward(db, name)?.id),
                    None => None,
                };
                Ok(beds::beds_of(db, s, w.as_ref())?)
            })?;
            say!("{:<12}  {:<30}  {:<10}  STATUS", "BED", "WARD", "KIND");
            for b in list {
                say!(
                    "{:<12}  {:<30}  {:<10}  {} {}",
                    b.label,
                    b.ward_name,
                    b.kind.label(),
                    b.status.letter(),
                    b.status.label()
                );
            }
        }
        B::Add {
            ward,
            label,
            kind,
            by,
        } => {
            let kind: BedKind = parse_kind(kind, "bed kind", BedKind::all_names())?;
            let b = as_user(&mut db, by, pw, |db, s, _| {
                let w = beds::find_ward(db, ward)?;
                Ok(beds::add_bed(db, s, &w.id, label, kind, now)?)
            })?;
            say!("Added bed {} to {}; it is available.", b.label, b.ward_name);
        }
        B::Rename { bed, to, by } => {
            let b = as_user(&mut db, by, pw, |db, s, _| {
                let b = beds::find_bed(db, bed)?;
                Ok(beds::rename_bed(db, s, &b.id, to, now)?)
            })?;
            say!(
                "Relabelled bed {} as {}.",
                bed.trim().to_uppercase(),
                b.label
            );
        }
        B::Retire { bed, by } => {
            let b = as_user(&mut db, by, pw, |db, s, _| {
                let b = beds::find_bed(db, bed)?;
                Ok(beds::retire_bed(db, s, &b.id, now)?)
            })?;
            say!("Retired bed {}; its history is kept.", b.label);
        }
    }
    Ok(())
}

/// `wardline report census`: the ward census of one day, in the hospital
/// `report` opened.
pub fn report_census(db: &mut Db, args: &CensusArgs, pw: &mut Passwords) -> Result<()> {
    let CensusArgs { date, format, by } = args;
    let date = match date {
        Some(d) => chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(|_| {
            anyhow::anyhow!("{d:?} is not a date: type it as YYYY-MM-DD, e.g. 2026-03-14")
        })?,
        None => db.clock(Utc::now())?.today(),
    };
    let census = as_user(db, by, pw, |db, s, _| {
        Ok(crate::ops::census::census(db, s, date)?)
    })?;
    match format {
        ReportFormat::Text => say_text!("{}", crate::ops::census::census_text(&census)),
        ReportFormat::Csv => {
            crate::ops::census::write_census_csv(&census, std::io::stdout().lock())?
        }
    }
    Ok(())
}
