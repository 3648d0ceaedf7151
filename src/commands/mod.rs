//! The command-line commands, thin edges over `ops`, `auth` and `store`:
//! one module per command group, each holding its clap arguments beside the
//! code that runs them, so that a command's flags and what it does with them
//! are read in one place (`cli` keeps the top of the tree). This module keeps
//! what the groups share: where passwords come from, signing in and out
//! around a command, opening the hospital, `--as`, the report format, and
//! writing an export to a new file.

/// Prints a line of a command's output with any control character that
/// text from the file holds shown, not obeyed (`domain::text::printable`):
/// a name saved by an older version with an escape sequence in it cannot
/// rewrite the terminal it is listed on.
macro_rules! say {
    () => {
        println!()
    };
    ($($t:tt)*) => {
        println!("{}", $crate::domain::text::printable(&format!($($t)*)))
    };
}

/// [`say!`] without the line's end.
macro_rules! say_text {
    ($($t:tt)*) => {
        print!("{}", $crate::domain::text::printable(&format!($($t)*)))
    };
}

pub mod appointments;
pub mod audit;
pub mod backup;
pub mod beds;
pub mod billing_reports;
pub mod central;
pub mod codes;
pub mod hospital;
pub mod lab;
pub mod lab_label;
pub mod lab_reports;
pub mod label;
pub mod patients;
pub mod pharmacy;
pub mod portal;
pub mod portal_accounts;
pub mod receipt;
pub mod record;
pub mod serve;
pub mod settings;
pub mod ssh_keys;
pub mod tariff;
pub mod unmerge;
pub mod users;

use crate::auth::{self, Session};
use crate::cli::{Cli, ReportCommand};
use crate::domain::clock::Clock;
use crate::paths::DataDir;
use crate::store::Db;
use crate::store::sessions::EndReason;
use anyhow::{Context, Result, bail};
use chrono::Utc;
use clap::{Args, ValueEnum};
use std::io::{BufRead, BufWriter, Write};
use std::path::Path;
use zeroize::Zeroizing;

/// Where passwords come from: the terminal without echo, or standard input.
/// Every password read is held in a buffer wiped when it is dropped.
pub struct Passwords {
    stdin: bool,
}

/// Room for a line of standard input without the buffer moving (a move
/// would leave a copy behind that is not wiped); a longer line still works.
const LINE_ROOM: usize = 1024;

impl Passwords {
    pub fn new(stdin: bool) -> Self {
        Passwords { stdin }
    }

    /// Whether answers come from standard input rather than a person.
    pub fn from_stdin(&self) -> bool {
        self.stdin
    }

    /// Asks for an existing password.
    pub fn ask(&mut self, prompt: &str) -> Result<Zeroizing<String>> {
        if self.stdin {
            let mut line = Zeroizing::new(String::with_capacity(LINE_ROOM));
            let n = std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("could not read a password from standard input")?;
            if n == 0 {
                bail!(
                    "standard input ended before the password for \"{prompt}\": give one password per line"
                );
            }
            let end = line.trim_end_matches(['\n', '\r']).len();
            line.truncate(end);
            Ok(line)
        } else {
            rpassword::prompt_password(format!("{prompt}: "))
                .map(Zeroizing::new)
                .context(
                    "could not read a password from the terminal: use --password-stdin to pipe it in",
                )
        }
    }

    /// Asks for a new password; on a terminal, twice, to catch a typo.
    pub fn ask_new(&mut self, prompt: &str) -> Result<Zeroizing<String>> {
        let first = self.ask(prompt)?;
        if !self.stdin {
            let again = self.ask(&format!("{prompt} (again)"))?;
            if again != first {
                bail!(
                    "the two passwords differ: run the command again and type the same password twice"
                );
            }
        }
        Ok(first)
    }
}

/// Opens the hospital a command names (or the only one). When the command
/// ends, its audit events are anchored (see [`CommandHospital`]).
pub fn open_hospital(data: &DataDir, code: Option<&str>) -> Result<CommandHospital> {
    let (_, path) = data.choose_hospital(code)?;
    let mut db = Db::open(&path)
        .with_context(|| format!("could not open the hospital file {}", path.display()))?;
    db.on_import_wait(Box::new(|progress| {
        eprintln!("{}", progress.waiting_message());
    }));
    Ok(CommandHospital {
        db,
        data: data.clone(),
    })
}

/// The hospital file a command-line command works on. When the command
/// ends, successfully or not, the audit events it appended (a sign-in, a
/// read and an export count as much as a change) are anchored by a
/// checkpoint, so that none can later be cut off or rewritten unseen.
pub struct CommandHospital {
    db: Db,
    data: DataDir,
}

impl std::ops::Deref for CommandHospital {
    type Target = Db;

    fn deref(&self) -> &Db {
        &self.db
    }
}

impl std::ops::DerefMut for CommandHospital {
    fn deref_mut(&mut self) -> &mut Db {
        &mut self.db
    }
}

impl Drop for CommandHospital {
    fn drop(&mut self) {
        if std::thread::panicking() || !self.db.has_unanchored_events() {
            return;
        }
        if let Err(e) = crate::checkpoint::write(&mut self.db, &self.data) {
            tracing::warn!(error = %e, "no checkpoint after a command");
            eprintln!(
                "wardline: {}",
                crate::domain::text::printable(&format!(
                    "this command's audit events were saved, but no checkpoint could be written for them ({e:#}): run `wardline audit checkpoint`"
                ))
            );
        }
    }
}

pub(crate) fn sign_in(db: &mut Db, by: &AsUser, pw: &mut Passwords) -> Result<Session> {
    let password = pw.ask(&format!("Password for {}", by.name))?;
    Ok(auth::sign_in_for_command(
        db,
        &by.name,
        &password,
        Utc::now(),
    )?)
}

fn sign_out(db: &mut Db, session: &Session) -> Result<()> {
    auth::sign_out(db, session, EndReason::Logout, Utc::now())?;
    Ok(())
}

/// Runs `work` as a signed-in user, signing out afterwards whatever happens.
fn as_user<T>(
    db: &mut Db,
    by: &AsUser,
    pw: &mut Passwords,
    work: impl FnOnce(&mut Db, &Session, &mut Passwords) -> Result<T>,
) -> Result<T> {
    let session = sign_in(db, by, pw)?;
    let result = work(db, &session, pw);
    sign_out(db, &session)?;
    result
}

/// Who runs a command that touches accounts or patient data.
#[derive(Debug, Args)]
pub struct AsUser {
    /// Your user name; you are asked for your password.
    #[arg(long = "as", id = "as_user", value_name = "USER")]
    pub name: String,
}

/// How a report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// An aligned table for people.
    Text,
    /// Comma-separated values with a header, for spreadsheets.
    Csv,
}

/// `wardline report …`: reports printed to standard output; the census is
/// in `beds`, stock and expiry in `pharmacy`, the laboratory's in
/// `lab_reports`, billing's in `billing_reports`.
pub fn report(data: &DataDir, cli: &Cli, cmd: &ReportCommand, pw: &mut Passwords) -> Result<()> {
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    match cmd {
        ReportCommand::Census(args) => beds::report_census(&mut db, args, pw)?,
        ReportCommand::Stock(args) => pharmacy::report_stock(&mut db, args, pw)?,
        ReportCommand::Expiry(args) => pharmacy::report_expiry(&mut db, args, pw)?,
        ReportCommand::LabTurnaround(args) => lab_reports::report_turnaround(&mut db, args, pw)?,
        ReportCommand::LabWorkload(args) => lab_reports::report_workload(&mut db, args, pw)?,
        ReportCommand::Takings(args) => billing_reports::report_takings(&mut db, args, pw)?,
        ReportCommand::Revenue(args) => billing_reports::report_revenue(&mut db, args, pw)?,
        ReportCommand::Claims(args) => billing_reports::report_claims(&mut db, args, pw)?,
        ReportCommand::Outstanding(args) => billing_reports::report_outstanding(&mut db, args, pw)?,
    }
    Ok(())
}

/// Refuses an output file that already exists (asked before signing in, so
/// that nobody types a password for nothing).
fn refuse_existing(path: &Path) -> Result<()> {
    if path.exists() {
        return Err(already_exists(path));
    }
    Ok(())
}

fn already_exists(path: &Path) -> anyhow::Error {
    anyhow::anyhow!(
        "{} already exists: choose another file name, or move that file away first",
        path.display()
    )
}

/// Runs `export` into `path`, created new and readable by its owner only,
/// then syncs it: a file already there is refused, and a failed export
/// leaves no partial file behind.
fn export_to_new_file<T>(
    path: &Path,
    export: impl FnOnce(&mut BufWriter<std::fs::File>) -> Result<T>,
) -> Result<T> {
    match crate::paths::create_private_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(already_exists(path));
        }
        Err(e) => {
            return Err(e).with_context(|| format!("could not create {}", path.display()));
        }
    }
    let result = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .with_context(|| format!("could not open {}", path.display()))
        .and_then(|file| {
            let mut w = BufWriter::new(file);
            let n = export(&mut w)?;
            w.flush()
                .and_then(|()| w.get_ref().sync_all())
                .with_context(|| format!("could not save {}", path.display()))?;
            Ok(n)
        });
    if result.is_err() {
        let _ = std::fs::remove_file(path);
    }
    result
}

/// Text cut to `width` characters, with "…" when cut.
fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(width.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// The hospital's clock now.
fn hospital_clock(db: &Db) -> Result<Clock> {
    Ok(db.clock(Utc::now())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every password a command reads (`--password-stdin` or the terminal)
    /// is held in a buffer that wipes itself when dropped.
    #[test]
    fn passwords_a_command_reads_are_held_in_zeroizing_buffers() {
        fn zeroizing(_: fn(&mut Passwords, &str) -> Result<Zeroizing<String>>) {}
        zeroizing(Passwords::ask);
        zeroizing(Passwords::ask_new);
    }
}
