//! `wardline central …`: setting up the district's central store, pushing
//! a hospital to it (once, from cron, or watching), and each hospital's
//! push status. The work is in `central`.

use crate::central::connect::Target;
use crate::central::push;
use crate::central::source::Source;
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
    /// Find a person across every hospital: by name (any order, misspelt or
    /// sounding alike), national ID, phone or birth date; each hospital's
    /// MRN for them.
    Find(FindArgs),
    /// Reports across hospitals: census (beds), stock, visits (and
    /// diagnoses by month); --hospital CODE for one hospital.
    Report(ReportArgs),
    /// Check the central copy of a hospital's audit trail (--hospital CODE),
    /// and hold it against the hospital file when it is in the data directory.
    Verify(DbArgs),
}

#[derive(Debug, Args)]
pub struct FindArgs {
    /// Names, a national ID, a phone number, a birth date (YYYY-MM-DD).
    #[arg(required = true, num_args = 1.., value_name = "QUERY")]
    pub query: Vec<String>,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[arg(value_enum)]
    pub report: crate::central::report::Report,
    /// Months back for the visits report (this month included).
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(i32).range(1..=120))]
    pub months: i32,
    #[command(flatten)]
    pub db: DbArgs,
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
        CentralCommand::Find(args) => find(args),
        CentralCommand::Report(args) => report(cli, args),
        CentralCommand::Verify(args) => verify(data, cli, args),
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

fn find(args: &FindArgs) -> Result<()> {
    let target = Target::from_arg_or_env(args.db.db.as_deref())?;
    let mut client = target.connect()?;
    schema::require_current(&mut client)?;
    let people = crate::central::find::find(&mut client, &args.query.join(" "))?;
    if people.is_empty() {
        say!("No one found in any hospital. Try fewer words, or a phone number or national ID.");
        return Ok(());
    }
    let shown: usize = people.iter().map(|p| p.records.len()).sum();
    for person in &people {
        let first = &person.records[0];
        say!(
            "{}, {}, born {}{}{}",
            first.name,
            first.sex,
            first.birth_date,
            first
                .phone
                .as_deref()
                .map(|p| format!(", phone {p}"))
                .unwrap_or_default(),
            first
                .national_id
                .as_deref()
                .map(|n| format!(", national ID {n}"))
                .unwrap_or_default()
        );
        for r in &person.records {
            let as_named = if r.name == first.name {
                String::new()
            } else {
                format!("  (as {})", r.name)
            };
            say!(
                "  {:<8} {:<14} {}{as_named}",
                r.hospital,
                r.mrn,
                r.hospital_name
            );
        }
    }
    if shown as i64 >= crate::central::find::LIMIT {
        say!(
            "Only the {} best matches are shown: add a birth date, phone or national ID to narrow.",
            crate::central::find::LIMIT
        );
    }
    Ok(())
}

fn report(cli: &Cli, args: &ReportArgs) -> Result<()> {
    let target = Target::from_arg_or_env(args.db.db.as_deref())?;
    let mut client = target.connect()?;
    schema::require_current(&mut client)?;
    let sections = crate::central::report::read(
        &mut client,
        args.report,
        cli.hospital.as_deref(),
        args.months,
    )?;
    for (i, section) in sections.iter().enumerate() {
        if i > 0 {
            say!();
        }
        say!("{}", section.title);
        if section.rows.is_empty() {
            say!("  nothing to show");
            continue;
        }
        print_table(&section.header, &section.rows);
    }
    Ok(())
}

/// Columns as wide as their widest cell (text cut at 40 columns); numbers
/// to the right.
fn print_table(header: &[&str], rows: &[Vec<String>]) {
    use unicode_width::UnicodeWidthStr;
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|cell| cut(cell, 40)).collect())
        .collect();
    let rows = rows.as_slice();
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].width())
                .chain([header[c].width()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let numeric: Vec<bool> = (0..header.len())
        .map(|c| {
            rows.iter()
                .all(|r| r[c].chars().all(|ch| ch.is_ascii_digit() || ch == '-'))
        })
        .collect();
    let line = |cells: Vec<&str>| {
        let parts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(c, text)| {
                let pad = " ".repeat(widths[c].saturating_sub(text.width()));
                if numeric[c] {
                    format!("{pad}{text}")
                } else {
                    format!("{text}{pad}")
                }
            })
            .collect();
        say!("  {}", parts.join("  ").trim_end());
    };
    line(header.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}

fn verify(data: &DataDir, cli: &Cli, args: &DbArgs) -> Result<()> {
    use crate::central::verify::{CentralChain, chain};
    let Some(code) = cli.hospital.as_deref() else {
        anyhow::bail!(
            "name the hospital whose trail to verify: `wardline central verify --hospital CODE --db URL`"
        );
    };
    let code = code.to_uppercase();
    let target = Target::from_arg_or_env(args.db.as_deref())?;
    let mut client = target.connect()?;
    schema::require_current(&mut client)?;
    let (count, head) = match chain(&mut client, &code)? {
        CentralChain::Broken(b) => {
            anyhow::bail!(
                "the central copy of {code}'s audit trail is broken: {b}. The central copy was changed after it \
                 was pushed, or a push was damaged: compare with the hospital file, and ask who can write to the central store"
            );
        }
        CentralChain::Intact { count, head } => (count, head),
    };
    say!(
        "The central copy of {code}'s audit trail is intact: {} events, head {head}.",
        thousands(count.max(0) as u64)
    );
    if count == 0 {
        say!("The central store holds none of its events yet: push first.");
        return Ok(());
    }
    let local = data
        .hospitals()
        .ok()
        .and_then(|all| all.into_iter().find(|(c, _)| c.as_str() == code));
    let Some((_, path)) = local else {
        say!("The hospital file is not in this data directory, so it was not compared.");
        return Ok(());
    };
    let conn = rusqlite::Connection::open_with_flags(
        &path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("could not open {}", path.display()))?;
    let at: Option<String> = crate::store::audit::hash_at(&conn, count)?;
    let newest: i64 = conn.query_row("SELECT coalesce(max(seq), 0) FROM audit_log", [], |r| {
        r.get(0)
    })?;
    match at {
        Some(h) if h == head => say!(
            "It agrees with the hospital file, whose event {} has the same hash; the file has {} events more, not yet pushed.",
            thousands(count.max(0) as u64),
            thousands((newest - count).max(0) as u64)
        ),
        Some(_) => anyhow::bail!(
            "the hospital file's event {count} differs from the central copy's: one of the two was changed; \
             run `wardline audit verify` on the file and keep both for whoever investigates"
        ),
        None => anyhow::bail!(
            "the hospital file has {newest} events, fewer than the {count} the central store holds: \
             it was restored from an older backup or cut short; run `wardline audit verify` on it"
        ),
    }
    Ok(())
}

/// `text` cut to `columns` display columns, with an ellipsis when cut.
fn cut(text: &str, columns: usize) -> String {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if text.width() <= columns {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for ch in text.chars() {
        let w = ch.width().unwrap_or(0);
        if used + w >= columns {
            break;
        }
        used += w;
        out.push(ch);
    }
    out.push('…');
    out
}
