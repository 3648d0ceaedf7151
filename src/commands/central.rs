//! `wardline central …`: setting up the district's central store, pushing
//! a hospital to it (once, from cron, or watching), and each hospital's
//! push status. The work is in `central`.

use crate::central::connect::Target;
use crate::central::push::{self, Source};
use crate::central::{CentralError, schema, state};
use crate::cli::Cli;
use crate::domain::display::thousands;
use crate::paths::DataDir;
use crate::store::Db;
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::path::Path;
use std::time::{Duration, Instant};

#[derive(Debug, Subcommand)]
pub enum CentralCommand {
    /// Create the central store's schema, or bring it up to date.
    Init(DbArgs),
    /// Send everything this hospital changed since its last acknowledged
    /// push (fit for cron); --watch keeps sending as changes come.
    Push(PushArgs),
    /// Each hospital's last push, its lag (changes not yet pushed) and any
    /// error; with --db, also what the central store holds of every hospital.
    Status(StatusArgs),
}

#[derive(Debug, Args)]
pub struct DbArgs {
    /// The central store, a postgresql:// URL (default: WARDLINE_CENTRAL_URL);
    /// its password from ~/.pgpass or PGPASSWORD, never on the command line.
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
}

#[derive(Debug, Args)]
pub struct PushArgs {
    /// The central store, a postgresql:// URL (default: WARDLINE_CENTRAL_URL);
    /// its password from ~/.pgpass or PGPASSWORD, never on the command line.
    #[arg(long, value_name = "URL")]
    pub to: Option<String>,
    /// Keep running, pushing each change soon after it is written.
    #[arg(long)]
    pub watch: bool,
    /// Rows per batch (one PostgreSQL transaction each).
    #[arg(long, value_name = "ROWS", default_value_t = push::DEFAULT_BATCH_ROWS as u32,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub batch: u32,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Also ask the central store (default: WARDLINE_CENTRAL_URL, when set).
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
}

pub fn central(data: &DataDir, cli: &Cli, cmd: &CentralCommand) -> Result<()> {
    match cmd {
        CentralCommand::Init(args) => init(args),
        CentralCommand::Push(args) => {
            let (code, path) = data.choose_hospital(cli.hospital.as_deref())?;
            if args.watch {
                watch(data, code.as_str(), &path, args)
            } else {
                push_once(data, code.as_str(), &path, args)
            }
        }
        CentralCommand::Status(args) => status(data, args),
    }
}

fn init(args: &DbArgs) -> Result<()> {
    let target = Target::from_arg_or_env(args.db.as_deref())?;
    let mut client = target.connect()?;
    let (from, to) = schema::init(&mut client)?;
    if from == to {
        say!(
            "The central store at {} is up to date (schema {to}).",
            target.shown()
        );
    } else if from == 0 {
        say!(
            "The central store at {} is set up (schema {to}).",
            target.shown()
        );
    } else {
        say!(
            "The central store at {} is brought from schema {from} to {to}.",
            target.shown()
        );
    }
    Ok(())
}

/// Opens the hospital file once read-write, so that an older file is
/// upgraded (it gains its site id and outbox), then read-only for the push.
fn open_source(path: &Path) -> Result<Source> {
    drop(
        Db::open(path)
            .with_context(|| format!("could not open the hospital file {}", path.display()))?,
    );
    Ok(Source::open(path)?)
}

fn now_text() -> String {
    crate::domain::time::format_ts(chrono::Utc::now())
}

/// One push to its end; what it did, or why it stopped, is remembered for
/// `central status`.
fn push_once(data: &DataDir, code: &str, path: &Path, args: &PushArgs) -> Result<()> {
    let target = Target::from_arg_or_env(args.to.as_deref())?;
    let mut source = open_source(path)?;
    let mut remembered = state::load(data, code)?;
    remembered.central = Some(target.shown().to_string());
    remembered.last_attempt_at = Some(now_text());
    let started = Instant::now();
    let result = target.connect().and_then(|mut client| {
        run(
            &mut source,
            &mut client,
            args.batch as usize,
            &mut remembered,
            data,
            code,
        )
    });
    finish(data, code, &mut remembered, &result)?;
    let report = result?;
    let lag = source.lag(&report.cursors)?;
    if report.rows == 0 {
        say!(
            "Nothing new to push from {code}: the central store at {} has everything.",
            target.shown()
        );
    } else {
        say!(
            "Pushed {} rows of {code} to {} in {} batches, {:.1} s; {} changes left.",
            thousands(report.rows),
            target.shown(),
            report.batches,
            started.elapsed().as_secs_f64(),
            thousands(lag)
        );
    }
    Ok(())
}

/// Pushes and keeps the remembered position in step with each batch.
fn run(
    source: &mut Source,
    client: &mut postgres::Client,
    batch: usize,
    remembered: &mut state::PushState,
    data: &DataDir,
    code: &str,
) -> Result<push::PushReport, CentralError> {
    let mut last_told = Instant::now();
    let mut since_saved = 0u32;
    push::push(source, client, batch, &mut |p| {
        remembered.cursors = p.cursors.clone();
        remembered.last_rows = p.rows;
        since_saved += 1;
        if since_saved >= 20 {
            since_saved = 0;
            let _ = state::save(data, code, remembered);
        }
        if last_told.elapsed() >= Duration::from_secs(10) {
            last_told = Instant::now();
            eprintln!("… {} rows of {code} pushed so far", thousands(p.rows));
        }
    })
}

fn finish(
    data: &DataDir,
    code: &str,
    remembered: &mut state::PushState,
    result: &Result<push::PushReport, CentralError>,
) -> Result<()> {
    match result {
        Ok(report) => {
            remembered.cursors = report.cursors.clone();
            remembered.last_rows = report.rows;
            remembered.last_success_at = Some(now_text());
            remembered.last_error = None;
        }
        Err(e) => remembered.last_error = Some(e.to_string()),
    }
    state::save(data, code, remembered)
}

/// Pushes, then waits for the file to change and pushes again, until
/// stopped; a failed push is retried after a pause that grows to a minute.
fn watch(data: &DataDir, code: &str, path: &Path, args: &PushArgs) -> Result<()> {
    let target = Target::from_arg_or_env(args.to.as_deref())?;
    let mut source = open_source(path)?;
    let probe = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("could not open {}", path.display()))?;
    say!(
        "Pushing {code} to {} as changes come (Ctrl+C stops; nothing is lost by stopping).",
        target.shown()
    );
    let mut client: Option<postgres::Client> = None;
    let mut pause = Duration::from_secs(1);
    let mut seen: Option<i64> = None;
    loop {
        let version: i64 = probe
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .context("could not read the hospital file")?;
        if seen != Some(version) {
            let mut remembered = state::load(data, code)?;
            remembered.central = Some(target.shown().to_string());
            remembered.last_attempt_at = Some(now_text());
            let result = match client.take() {
                Some(c) if !c.is_closed() => Ok(c),
                _ => target.connect(),
            }
            .and_then(|mut c| {
                let r = run(
                    &mut source,
                    &mut c,
                    args.batch as usize,
                    &mut remembered,
                    data,
                    code,
                );
                client = Some(c);
                r
            });
            finish(data, code, &mut remembered, &result)?;
            match result {
                Ok(report) => {
                    seen = Some(version);
                    pause = Duration::from_secs(1);
                    if report.rows > 0 {
                        say!("{} pushed {} rows", now_text(), thousands(report.rows));
                    }
                }
                Err(e) => {
                    client = None;
                    eprintln!(
                        "{} push failed, trying again in {} s: {e}",
                        now_text(),
                        pause.as_secs()
                    );
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_secs(60));
                    continue;
                }
            }
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}

fn status(data: &DataDir, args: &StatusArgs) -> Result<()> {
    let hospitals = data.hospitals()?;
    if hospitals.is_empty() {
        say!("{}", crate::paths::no_hospital_message(data));
    }
    for (code, path) in &hospitals {
        let remembered = state::load(data, code.as_str())?;
        say!("{code}");
        match &remembered.central {
            None => say!("  never pushed"),
            Some(url) => {
                say!("  central store    {url}");
                say!(
                    "  last push        {}",
                    remembered
                        .last_success_at
                        .as_deref()
                        .unwrap_or("none has run to its end")
                );
            }
        }
        match open_source(path).and_then(|s| Ok(s.lag(&remembered.cursors)?)) {
            Ok(lag) => say!("  not yet pushed   {} changes", thousands(lag)),
            Err(e) => say!("  not yet pushed   unknown: {e:#}"),
        }
        if let Some(err) = &remembered.last_error {
            say!(
                "  last error       {} (at {})",
                err,
                remembered.last_attempt_at.as_deref().unwrap_or("?")
            );
        }
    }
    let url = match (
        &args.db,
        std::env::var(crate::central::connect::URL_VARIABLE),
    ) {
        (Some(_), _) | (None, Ok(_)) => Some(Target::from_arg_or_env(args.db.as_deref())?),
        _ => None,
    };
    if let Some(target) = url {
        let mut client = target.connect()?;
        schema::require_current(&mut client)?;
        say!();
        say!("The central store at {}:", target.shown());
        let rows = client.query(
            "SELECT code, name, to_char(last_push_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
                    pushed_rows
               FROM hospitals ORDER BY code",
            &[],
        )?;
        if rows.is_empty() {
            say!("  no hospital has pushed yet");
        }
        for row in rows {
            let code: String = row.get(0);
            let name: String = row.get(1);
            let at: Option<String> = row.get(2);
            let pushed: i64 = row.get(3);
            say!(
                "  {code:<8} {name:<30} last push {}  {} rows received",
                at.as_deref().unwrap_or("never"),
                thousands(pushed.max(0) as u64)
            );
        }
    }
    Ok(())
}
