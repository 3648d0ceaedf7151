//! `wardline tariff …`, `wardline schemes …` and `wardline patients scheme`:
//! the tariff and the payer schemes set by an administrator, and the scheme
//! covering a patient set at a desk, from the command line. Amounts are
//! typed in the hospital's money ("1500", "1,500.50") and coverages in
//! percent.

use super::appointments::parse_day;
use super::{AsUser, Passwords, as_user, fit, open_hospital};
use crate::cli::Cli;
use crate::domain::billing::{SchemeKind, ServiceGroup, money, parse_money, parse_percent};
use crate::ops::billing::tariff::{self, PatientSchemeInput, SchemeInput};
use crate::paths::DataDir;
use crate::store::Db;
use anyhow::{Context, Result, anyhow, bail};
use chrono::{NaiveDate, Utc};
use clap::Subcommand;
use strum::IntoEnumIterator;

#[derive(Debug, Subcommand)]
pub enum TariffCommand {
    /// List the tariff: each item with its group and its price on a day.
    List {
        /// The day whose prices are shown, YYYY-MM-DD; today when left out.
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
        #[command(flatten)]
        by: AsUser,
    },
    /// Add an item to the tariff with its price (administrators).
    Add {
        /// The item's code: letters, digits and hyphens, e.g. XRAY-CHEST.
        code: String,
        /// The item's name as bills print it.
        #[arg(long)]
        name: String,
        /// consultation, bed_day, lab, procedure, service or medicine.
        #[arg(long)]
        group: String,
        /// The price in the hospital's money, e.g. 1500 or 1,500.50.
        #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true)]
        price: String,
        /// The first day of the price, YYYY-MM-DD; today when left out.
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        #[command(flatten)]
        by: AsUser,
    },
    /// Set an item's price from a day; earlier prices stay for earlier
    /// bills (administrators).
    Price {
        /// The item's code.
        code: String,
        /// The price in the hospital's money, e.g. 1500 or 1,500.50.
        #[arg(allow_hyphen_values = true)]
        amount: String,
        /// The first day of the new price, YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        from: String,
        #[command(flatten)]
        by: AsUser,
    },
}

#[derive(Debug, Subcommand)]
pub enum SchemesCommand {
    /// List the payer schemes with their cover.
    List {
        #[command(flatten)]
        by: AsUser,
    },
    /// Add a payer scheme (administrators).
    Add {
        /// The scheme's code: letters, digits and hyphens, e.g. NHIF.
        code: String,
        /// The scheme's name as bills and claims print it.
        #[arg(long)]
        name: String,
        /// insurance or waiver.
        #[arg(long)]
        kind: String,
        /// The percentage of each line an insurance scheme pays, e.g. 80.
        #[arg(long, value_name = "PCT")]
        coverage: Option<String>,
        /// What the patient pays first on each bill of an insurance scheme,
        /// in the hospital's money; none when left out.
        #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true)]
        co_payment: Option<String>,
        #[command(flatten)]
        by: AsUser,
    },
}

#[derive(Debug, Subcommand)]
pub enum PatientsCommand {
    /// Set the payer scheme covering a patient from a day (receptionists,
    /// cashiers and administrators); earlier cover stays as history.
    Scheme {
        /// The patient's MRN.
        mrn: String,
        /// The scheme's code (see `wardline schemes list`).
        #[arg(long)]
        scheme: String,
        /// The member number on the patient's card (needed for insurance).
        #[arg(long, value_name = "NUMBER", default_value = "")]
        member: String,
        /// The first day of the cover, YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        from: String,
        /// The last day of the cover, YYYY-MM-DD; open-ended when left out.
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        #[command(flatten)]
        by: AsUser,
    },
    /// Turn a patient's portal access off or on (receptionists and
    /// administrators): off ends their portal sign-in at once.
    #[command(group(clap::ArgGroup::new("switch").required(true).args(["off", "on"])))]
    Portal {
        /// The patient's MRN.
        mrn: String,
        /// Turn portal access off.
        #[arg(long)]
        off: bool,
        /// Turn portal access on again.
        #[arg(long)]
        on: bool,
        #[command(flatten)]
        by: AsUser,
    },
}

/// An amount typed in the hospital's money, as minor units.
fn amount(typed: &str, currency: &str) -> Result<i64> {
    parse_money(typed, currency).ok_or_else(|| {
        anyhow!(
            "{typed:?} is not an amount of {currency}: type it like 1500 or 1,500.50, with no minus sign"
        )
    })
}

fn group(typed: &str) -> Result<ServiceGroup> {
    typed
        .trim()
        .to_lowercase()
        .replace('-', "_")
        .parse()
        .map_err(|_| {
            let all: Vec<String> = ServiceGroup::iter().map(|g| g.to_string()).collect();
            anyhow!("unknown group {typed:?}: use one of {}", all.join(", "))
        })
}

fn day_or_today(db: &Db, typed: Option<&str>) -> Result<NaiveDate> {
    match typed {
        Some(t) => parse_day(db, t),
        None => Ok(db.clock(Utc::now())?.today()),
    }
}

/// `wardline tariff …`: list the tariff; add items and set prices (admins).
pub fn tariff(data: &DataDir, cli: &Cli, cmd: &TariffCommand, pw: &mut Passwords) -> Result<()> {
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    let currency = db.settings()?.currency;
    match cmd {
        TariffCommand::List { on, by } => {
            let day = day_or_today(&db, on.as_deref())?;
            let items = as_user(&mut db, by, pw, |db, s, _| {
                Ok(tariff::tariff_on(db, s, day)?)
            })?;
            say!(
                "{:<20}  {:<40}  {:<12}  {:>16}",
                "CODE",
                "NAME",
                "GROUP",
                format!("PRICE ({currency})")
            );
            for (item, price) in &items {
                say!(
                    "{:<20}  {:<40}  {:<12}  {:>16}",
                    item.code,
                    fit(&item.name, 40),
                    item.group.to_string(),
                    price.map_or_else(
                        || "not priced".to_string(),
                        |p| crate::domain::pharmacy::amount(p, &currency)
                    )
                );
            }
            say!(
                "{} {} on the tariff; prices of {day}.",
                items.len(),
                if items.len() == 1 { "item" } else { "items" }
            );
        }
        TariffCommand::Add {
            code,
            name,
            group: typed_group,
            price,
            from,
            by,
        } => {
            let group = group(typed_group)?;
            let price = amount(price, &currency)?;
            let from = day_or_today(&db, from.as_deref())?;
            let item = as_user(&mut db, by, pw, |db, s, _| {
                let clock = db.clock(Utc::now())?;
                let item = tariff::add_item(db, s, code, name, group, clock)?;
                tariff::set_price(db, s, &item.code, price, from, clock).with_context(|| {
                    format!(
                        "{} was added without a price: set one with `wardline tariff price {} AMOUNT --from DATE`",
                        item.code, item.code
                    )
                })?;
                Ok(item)
            })?;
            say!(
                "Added {} ({}, {group}) to the tariff at {} from {from}.",
                item.code,
                item.name,
                money(price, &currency)
            );
        }
        TariffCommand::Price {
            code,
            amount: typed,
            from,
            by,
        } => {
            let price = amount(typed, &currency)?;
            let from = parse_day(&db, from)?;
            as_user(&mut db, by, pw, |db, s, _| {
                let clock = db.clock(Utc::now())?;
                Ok(tariff::set_price(db, s, code, price, from, clock)?)
            })?;
            say!(
                "The price of {} is {} from {from}; earlier bills keep their prices.",
                code.trim().to_ascii_uppercase(),
                money(price, &currency)
            );
        }
    }
    Ok(())
}

/// How a scheme's cover reads in a list.
fn cover(s: &crate::store::billing::Scheme, currency: &str) -> String {
    match s.kind {
        SchemeKind::Insurance => format!(
            "pays {}.{:02}% after a co-payment of {}",
            s.cover.coverage_bp / 100,
            s.cover.coverage_bp % 100,
            money(s.cover.co_payment, currency)
        ),
        SchemeKind::Waiver => "waives everything".to_string(),
        SchemeKind::SelfPay => "the patient pays everything".to_string(),
    }
}

/// `wardline schemes …`: list the payer schemes; add one (admins).
pub fn schemes(data: &DataDir, cli: &Cli, cmd: &SchemesCommand, pw: &mut Passwords) -> Result<()> {
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    let currency = db.settings()?.currency;
    match cmd {
        SchemesCommand::List { by } => {
            let list = as_user(&mut db, by, pw, |db, s, _| Ok(tariff::schemes(db, s)?))?;
            say!("{:<20}  {:<30}  {:<10}  COVER", "CODE", "NAME", "KIND");
            for s in &list {
                let offered = if s.active { "" } else { " (no longer offered)" };
                say!(
                    "{:<20}  {:<30}  {:<10}  {}{offered}",
                    s.code,
                    fit(&s.name, 30),
                    s.kind.to_string(),
                    cover(s, &currency)
                );
            }
            say!(
                "{} payer {}.",
                list.len(),
                if list.len() == 1 { "scheme" } else { "schemes" }
            );
        }
        SchemesCommand::Add {
            code,
            name,
            kind,
            coverage,
            co_payment,
            by,
        } => {
            let kind = match kind.trim().to_lowercase().as_str() {
                "insurance" => SchemeKind::Insurance,
                "waiver" => SchemeKind::Waiver,
                _ => bail!("unknown kind {kind:?}: use insurance or waiver"),
            };
            let (coverage_bp, co_payment) = match kind {
                SchemeKind::Insurance => {
                    let Some(pct) = coverage else {
                        bail!(
                            "an insurance scheme needs its coverage: add --coverage PCT, e.g. --coverage 80"
                        );
                    };
                    let bp = parse_percent(pct).ok_or_else(|| {
                        anyhow!("{pct:?} is not a coverage: type a percentage from 0 to 100, e.g. 80 or 72.5")
                    })?;
                    let co = match co_payment {
                        Some(a) => amount(a, &currency)?,
                        None => 0,
                    };
                    (bp, co)
                }
                _ => {
                    if coverage.is_some() || co_payment.is_some() {
                        bail!("a waiver covers everything: leave out --coverage and --co-payment");
                    }
                    (10_000, 0)
                }
            };
            let s = as_user(&mut db, by, pw, |db, s, _| {
                Ok(tariff::add_scheme(
                    db,
                    s,
                    &SchemeInput {
                        code,
                        name,
                        kind,
                        coverage_bp,
                        co_payment,
                        active: true,
                    },
                )?)
            })?;
            say!(
                "Added payer scheme {} ({}): {}.",
                s.code,
                s.name,
                cover(&s, &currency)
            );
        }
    }
    Ok(())
}

/// `wardline patients scheme MRN …`: the scheme covering a patient;
/// `wardline patients portal MRN --off|--on`: their portal access.
pub fn patients(
    data: &DataDir,
    cli: &Cli,
    cmd: &PatientsCommand,
    pw: &mut Passwords,
) -> Result<()> {
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    match cmd {
        PatientsCommand::Scheme {
            mrn,
            scheme,
            member,
            from,
            to,
            by,
        } => {
            let valid_from = parse_day(&db, from)?;
            let valid_to = match to {
                Some(t) => Some(parse_day(&db, t)?),
                None => None,
            };
            let shown_mrn = as_user(&mut db, by, pw, |db, s, _| {
                let p = crate::ops::patients::by_mrn(db, s, mrn)?.with_context(|| {
                    format!("no patient has the MRN {mrn:?}: check it on the patient's card")
                })?;
                let clock = db.clock(Utc::now())?;
                tariff::set_patient_scheme(
                    db,
                    s,
                    &PatientSchemeInput {
                        patient: &p.id,
                        scheme_code: scheme,
                        member_number: member,
                        valid_from,
                        valid_to,
                    },
                    clock,
                )?;
                Ok(p.mrn)
            })?;
            let until = valid_to.map(|d| format!(" to {d}")).unwrap_or_default();
            say!(
                "{shown_mrn} is covered by {} from {valid_from}{until}.",
                scheme.trim().to_ascii_uppercase()
            );
        }
        PatientsCommand::Portal { mrn, on, by, .. } => {
            super::portal_accounts::portal(&mut db, mrn, *on, by, pw)?;
        }
    }
    Ok(())
}
