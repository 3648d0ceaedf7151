//! The command-line commands: thin edges over `ops`, `auth` and `store`.

pub mod backup;

use crate::auth::{self, Session};
use crate::checkpoint;
use crate::cli::{
    AppointmentsCommand, AppointmentsFormat, AsUser, AuditCommand, Cli, ExportFormat, InitArgs,
    SettingsCommand, UsersCommand,
};
use crate::domain::clock::{Clock, Tz, parse_zone};
use crate::domain::display::thousands;
use crate::domain::hospital::HospitalCode;
use crate::domain::role::Role;
use crate::domain::settings::SettingKey;
use crate::ops::appointments as appointment_ops;
use crate::ops::{accounts, export, import, settings};
use crate::paths::DataDir;
use crate::store::Db;
use crate::store::sessions::EndReason;
use anyhow::{Context, Result, bail};
use chrono::Utc;
use std::io::{BufRead, BufWriter, Write};
use std::path::Path;
use strum::IntoEnumIterator;

/// Where passwords come from: the terminal without echo, or standard input.
pub struct Passwords {
    stdin: bool,
}

impl Passwords {
    pub fn new(stdin: bool) -> Self {
        Passwords { stdin }
    }

    /// Whether answers come from standard input rather than a person.
    pub fn from_stdin(&self) -> bool {
        self.stdin
    }

    /// Asks for an existing password.
    pub fn ask(&mut self, prompt: &str) -> Result<String> {
        if self.stdin {
            let mut line = String::new();
            let n = std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("could not read a password from standard input")?;
            if n == 0 {
                bail!(
                    "standard input ended before the password for \"{prompt}\": give one password per line"
                );
            }
            Ok(line.trim_end_matches(['\n', '\r']).to_string())
        } else {
            rpassword::prompt_password(format!("{prompt}: ")).context(
                "could not read a password from the terminal: use --password-stdin to pipe it in",
            )
        }
    }

    /// Asks for a new password; on a terminal, twice, to catch a typo.
    pub fn ask_new(&mut self, prompt: &str) -> Result<String> {
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

/// Opens the hospital a command names (or the only one).
pub fn open_hospital(data: &DataDir, code: Option<&str>) -> Result<Db> {
    let (_, path) = data.choose_hospital(code)?;
    Db::open(&path).with_context(|| format!("could not open the hospital file {}", path.display()))
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

pub fn init(data: &DataDir, args: &InitArgs, pw: &mut Passwords) -> Result<()> {
    let code: HospitalCode = args.code.parse()?;
    let admin = crate::domain::user::parse_user_name(&args.admin)?;
    let name = SettingKey::HospitalName.validate(&args.name)?;
    let path = data.hospital_file(&code);
    if path.exists() {
        bail!(
            "hospital {code} already exists at {}: choose another code",
            path.display()
        );
    }
    let zone = init_zone(args.time_zone.as_deref(), pw)?;
    let policy =
        crate::domain::settings::Settings::defaults(&name, code.as_str(), zone).password_policy();
    let password = pw.ask_new(&format!("New password for {admin}"))?;
    policy.check(&admin, &password)?;
    let mut db = Db::create(&path, &code, &name, zone)?;
    if let Err(e) =
        accounts::create_first_admin(&mut db, &admin, &args.admin_name, &password, Utc::now())
    {
        drop(db);
        let _ = std::fs::remove_file(&path);
        return Err(e.into());
    }
    checkpoint::write(&db, data)?;
    println!("Created hospital {code} ({name}) at {}", path.display());
    println!(
        "Time zone: {} (change it with `wardline settings set time_zone NAME --as ADMIN`).",
        zone.name()
    );
    println!("Administrator: {admin}. Open it with `wardline --hospital {code}`.");
    Ok(())
}

/// The zone a new hospital starts in: `--time-zone`, else asked on a
/// terminal with the machine's zone as the answer to Enter, else the
/// machine's zone.
fn init_zone(given: Option<&str>, pw: &Passwords) -> Result<Tz> {
    use std::io::IsTerminal;
    let machine = crate::machine_zone::machine_zone();
    if let Some(name) = given {
        return Ok(parse_zone(name)?);
    }
    if pw.from_stdin() || !std::io::stdin().is_terminal() {
        return Ok(machine);
    }
    for _ in 0..3 {
        eprint!("Time zone of the hospital [{}]: ", machine.name());
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("could not read the time zone from the terminal: give it with --time-zone")?;
        if line.trim().is_empty() {
            return Ok(machine);
        }
        match parse_zone(&line) {
            Ok(zone) => return Ok(zone),
            Err(e) => eprintln!("{e}"),
        }
    }
    bail!("no time zone was chosen: give one with --time-zone, e.g. --time-zone Africa/Nairobi")
}

pub fn hospitals(data: &DataDir) -> Result<()> {
    let all = data.hospitals()?;
    if all.is_empty() {
        println!("{}", crate::paths::no_hospital_message(data));
        return Ok(());
    }
    println!("{:<8}  {:<40}  FILE", "CODE", "NAME");
    for (code, path) in all {
        let name = match Db::open(&path).and_then(|db| db.settings()) {
            Ok(s) => s.hospital_name,
            Err(e) => format!("(cannot open: {e})"),
        };
        println!("{:<8}  {:<40}  {}", code.as_str(), name, path.display());
    }
    Ok(())
}

pub fn users(data: &DataDir, cli: &Cli, cmd: &UsersCommand, pw: &mut Passwords) -> Result<()> {
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    let now = Utc::now();
    let zone = db.settings()?.time_zone;
    match cmd {
        UsersCommand::Add {
            user,
            role,
            full_name,
            by,
        } => {
            let role: Role = role.parse().map_err(|_| {
                anyhow::anyhow!("unknown role {role:?}: use one of {}", Role::all_names())
            })?;
            let u = as_user(&mut db, by, pw, |db, s, pw| {
                s.require(
                    crate::domain::role::Permission::Administer,
                    "create accounts",
                )?;
                let password = pw.ask_new(&format!("New password for {user}"))?;
                let account = accounts::NewAccount {
                    user_name: user,
                    full_name,
                    role,
                    password: &password,
                };
                Ok(accounts::add(db, s, &account, false, now)?)
            })?;
            println!("Created account {} ({}).", u.user_name, u.role);
        }
        UsersCommand::List { by } => {
            let list = as_user(&mut db, by, pw, |db, s, _| Ok(accounts::list(db, s)?))?;
            println!(
                "{:<20}  {:<28}  {:<12}  {:<22}  LAST SIGN-IN",
                "USER", "NAME", "ROLE", "STATUS"
            );
            for u in list {
                let last = u
                    .last_login_at
                    .map(|t| t.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_else(|| "never".into());
                println!(
                    "{:<20}  {:<28}  {:<12}  {:<22}  {last}",
                    u.user_name,
                    u.full_name,
                    u.role.to_string(),
                    u.status(now)
                );
            }
        }
        UsersCommand::Unlock { user, by } => {
            let u = as_user(&mut db, by, pw, |db, s, _| {
                Ok(accounts::unlock(db, s, user)?)
            })?;
            println!("Unlocked {}: it can sign in again.", u.user_name);
        }
        UsersCommand::ResetPassword { user, by } => {
            let u = as_user(&mut db, by, pw, |db, s, pw| {
                s.require(
                    crate::domain::role::Permission::Administer,
                    "reset passwords",
                )?;
                let temporary = pw.ask_new(&format!("Temporary password for {user}"))?;
                Ok(accounts::reset_password(db, s, user, &temporary, now)?)
            })?;
            println!(
                "Reset the password of {}: they must change it when they next sign in.",
                u.user_name
            );
        }
        UsersCommand::Disable { user, by } => {
            let u = as_user(&mut db, by, pw, |db, s, _| {
                Ok(accounts::disable(db, s, user, now)?)
            })?;
            println!("Disabled {}: it can no longer sign in.", u.user_name);
        }
        UsersCommand::Enable { user, by } => {
            let u = as_user(&mut db, by, pw, |db, s, _| {
                Ok(accounts::enable(db, s, user, now)?)
            })?;
            println!("Enabled {}: it can sign in again.", u.user_name);
        }
        UsersCommand::Passwd { by } => {
            let current = pw.ask(&format!("Current password for {}", by.name))?;
            let mut session = auth::sign_in(&mut db, &by.name, &current, now)?;
            let result = pw.ask_new("New password").and_then(|new| {
                Ok(auth::change_own_password(
                    &mut db,
                    &mut session,
                    &new,
                    &new,
                    now,
                )?)
            });
            sign_out(&mut db, &session)?;
            result?;
            println!("Password changed for {}.", session.user.user_name);
        }
    }
    Ok(())
}

pub fn settings(
    data: &DataDir,
    cli: &Cli,
    cmd: &SettingsCommand,
    pw: &mut Passwords,
) -> Result<()> {
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    match cmd {
        SettingsCommand::List { by } => {
            let s = as_user(&mut db, by, pw, |db, s, _| Ok(settings::list(db, s)?))?;
            for key in SettingKey::iter() {
                println!(
                    "{:<22}  {:<36}  {}",
                    key.to_string(),
                    s.get(key),
                    key.description()
                );
            }
        }
        SettingsCommand::Set { key, value, by } => {
            let stored = as_user(&mut db, by, pw, |db, s, _| {
                Ok(settings::set(db, s, key, value)?)
            })?;
            println!("{key} = {stored}");
        }
    }
    Ok(())
}

pub fn audit(data: &DataDir, cli: &Cli, cmd: &AuditCommand) -> Result<bool> {
    let db = open_hospital(data, cli.hospital.as_deref())?;
    match cmd {
        AuditCommand::Verify => {
            let report = checkpoint::verify(&db, data)?;
            Ok(print_audit_report(&report))
        }
        AuditCommand::Checkpoint => {
            let cp = checkpoint::write(&db, data)?;
            println!("Checkpoint written: {} events, head {}", cp.count, cp.head);
            println!("Log: {}", data.checkpoint_file(db.code()).display());
            Ok(true)
        }
    }
}

fn print_audit_report(report: &checkpoint::AuditReport) -> bool {
    for line in crate::health::audit_lines(report) {
        println!("{line}");
    }
    if !report.problems.is_empty() {
        println!("{AUDIT_ADVICE}");
    }
    report.problems.is_empty()
}

/// What to do about a hospital file whose audit trail does not verify.
const AUDIT_ADVICE: &str = "The audit trail does not verify: restore the file from a backup and keep this one for investigation.";

/// `wardline check`: every problem is printed; the result says whether all passed.
pub fn check(data: &DataDir, cli: &Cli) -> Result<bool> {
    let db = open_hospital(data, cli.hospital.as_deref())?;
    let report = crate::health::check(&db, data, checkpoint::Scope::Live)?;
    for line in report.lines() {
        println!("{line}");
    }
    if !report.audit.problems.is_empty() {
        println!("{AUDIT_ADVICE}");
    }
    if report.ok() {
        println!("All checks passed.");
    }
    Ok(report.ok())
}

/// `wardline import patients FILE.csv`: the report goes to standard output,
/// one line per invalid row and per possible duplicate. Refused (nothing
/// imported) when a row is invalid, unless `skip_invalid`.
pub fn import_patients(
    data: &DataDir,
    cli: &Cli,
    file: &Path,
    skip_invalid: bool,
    by: &AsUser,
    pw: &mut Passwords,
) -> Result<bool> {
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    let reader = std::fs::File::open(file)
        .with_context(|| format!("could not open {}: check the file name", file.display()))?;
    let source = file.display().to_string();
    let report = as_user(&mut db, by, pw, |db, s, _| {
        Ok(import::import_patients(
            db,
            s,
            reader,
            &source,
            skip_invalid,
            Utc::now(),
        )?)
    })?;
    let count = |n: usize, one: &str, many: &str| {
        format!(
            "{} {}",
            thousands(n as u64),
            if n == 1 { one } else { many }
        )
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    let written = (|| -> std::io::Result<()> {
        for note in report.invalid.iter().chain(&report.duplicates) {
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

/// `wardline export patients`: to standard output, or to a new file made
/// readable by its owner only. A failed export leaves no partial file.
pub fn export_patients(
    data: &DataDir,
    cli: &Cli,
    format: ExportFormat,
    out: Option<&Path>,
    by: &AsUser,
    pw: &mut Passwords,
) -> Result<()> {
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
        Some(path) => println!("{message} to {}.", path.display()),
        None => eprintln!("{message}."),
    }
    Ok(())
}

/// The pharmacy part of `wardline check`: every batch against its ledger.
/// `wardline import items FILE.csv`: refused (nothing imported) when a row
/// is invalid; items already in the catalogue are listed and kept.
pub fn import_items(
    data: &DataDir,
    cli: &Cli,
    file: &Path,
    by: &AsUser,
    pw: &mut Passwords,
) -> Result<bool> {
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    let reader = std::fs::File::open(file)
        .with_context(|| format!("could not open {}: check the file name", file.display()))?;
    let source = file.display().to_string();
    let report = as_user(&mut db, by, pw, |db, s, _| {
        Ok(crate::ops::pharmacy::import_items(
            db,
            s,
            reader,
            &source,
            Utc::now(),
        )?)
    })?;
    for line in &report.invalid {
        println!("{line}");
    }
    if !report.invalid.is_empty() {
        bail!(
            "nothing was imported: {source} has {} invalid {} (listed above). Correct them and import the file again",
            report.invalid.len(),
            if report.invalid.len() == 1 {
                "row"
            } else {
                "rows"
            }
        );
    }
    for label in &report.existing {
        println!("already in the catalogue, left as it is: {label}");
    }
    println!(
        "Imported {} {} from {source}.",
        report.imported,
        if report.imported == 1 {
            "item"
        } else {
            "items"
        }
    );
    Ok(true)
}

/// `wardline report stock`: on hand and value at cost per item, with alerts.
fn report_stock(
    data: &DataDir,
    cli: &Cli,
    format: crate::cli::ReportFormat,
    by: &AsUser,
    pw: &mut Passwords,
) -> Result<()> {
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    let today = crate::ops::pharmacy::today(&db.clock(Utc::now())?);
    let list = as_user(&mut db, by, pw, |db, s, _| {
        Ok(crate::ops::pharmacy::stock_list(db, s, today)?)
    })?;
    let settings = db.settings()?;
    let currency = settings.currency.as_str();
    if format == crate::cli::ReportFormat::Csv {
        crate::ops::pharmacy::write_stock_csv(&list, currency, std::io::stdout().lock())?;
        return Ok(());
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    let written = (|| -> std::io::Result<()> {
        writeln!(
            out,
            "{:<44}  {:>9}  {:>9}  {:>16}  {:<10}  FLAGS",
            "ITEM",
            "ON HAND",
            "REORDER",
            format!("VALUE ({currency})"),
            "UNIT"
        )?;
        let mut total = 0i64;
        for l in list.iter().filter(|l| l.item.active || l.on_hand > 0) {
            total += l.value;
            let mut flags = Vec::new();
            if l.flags.below_reorder {
                flags.push("LOW");
            }
            if l.flags.expiring {
                flags.push("EXPIRING");
            }
            if l.flags.expired {
                flags.push("EXPIRED");
            }
            if !l.item.active {
                flags.push("INACTIVE");
            }
            writeln!(
                out,
                "{:<44}  {:>9}  {:>9}  {:>16}  {:<10}  {}",
                fit(&l.item.details.label(), 44),
                thousands(l.on_hand as u64),
                thousands(l.item.details.reorder_level as u64),
                crate::domain::pharmacy::amount(l.value, currency),
                l.item.details.unit,
                flags.join(" ")
            )?;
        }
        writeln!(
            out,
            "Total value at cost: {} ({} items, stock as of {}).",
            crate::domain::pharmacy::money(total, currency),
            list.len(),
            today.format(settings.date_pattern())
        )?;
        out.flush()
    })();
    written.context("could not write the report to standard output")?;
    Ok(())
}

/// `wardline report expiry --days N`: batches with stock that expire within
/// N days, expired ones first.
fn report_expiry(
    data: &DataDir,
    cli: &Cli,
    days: u32,
    format: crate::cli::ReportFormat,
    by: &AsUser,
    pw: &mut Passwords,
) -> Result<()> {
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    let today = crate::ops::pharmacy::today(&db.clock(Utc::now())?);
    let rows = as_user(&mut db, by, pw, |db, s, _| {
        Ok(crate::ops::pharmacy::expiry_report(
            db,
            s,
            today,
            i64::from(days),
        )?)
    })?;
    let settings = db.settings()?;
    if format == crate::cli::ReportFormat::Csv {
        crate::ops::pharmacy::write_expiry_csv(
            &rows,
            today,
            &settings.currency,
            std::io::stdout().lock(),
        )?;
        return Ok(());
    }
    let pattern = settings.date_pattern();
    let mut out = BufWriter::new(std::io::stdout().lock());
    let written = (|| -> std::io::Result<()> {
        writeln!(
            out,
            "{:<10}  {:<9}  {:<40}  {:<16}  {:>9}  {:>16}",
            "EXPIRY",
            "STATE",
            "ITEM",
            "BATCH",
            "ON HAND",
            format!("VALUE ({})", settings.currency)
        )?;
        for (item, b) in &rows {
            let left = (b.expiry - today).num_days();
            let state = if left <= 0 {
                "EXPIRED".to_string()
            } else {
                format!("{left} days")
            };
            writeln!(
                out,
                "{:<10}  {:<9}  {:<40}  {:<16}  {:>9}  {:>16}",
                b.expiry.format(pattern).to_string(),
                state,
                fit(&item.details.label(), 40),
                b.batch_no,
                thousands(b.on_hand as u64),
                crate::domain::pharmacy::amount(b.on_hand * b.unit_cost, &settings.currency)
            )?;
        }
        writeln!(
            out,
            "{} {} with stock expire by {} ({days} days from today; expired stock included).",
            rows.len(),
            if rows.len() == 1 { "batch" } else { "batches" },
            (today + chrono::Duration::days(i64::from(days))).format(pattern)
        )?;
        out.flush()
    })();
    written.context("could not write the report to standard output")?;
    Ok(())
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

/// A kind typed on the command line (`--kind icu`), or a message listing
/// the kinds there are.
fn parse_kind<T: std::str::FromStr>(text: &str, what: &str, all: String) -> Result<T> {
    text.trim()
        .to_lowercase()
        .parse()
        .map_err(|_| anyhow::anyhow!("unknown {what} {text:?}: use one of {all}"))
}

/// `wardline wards …`: set up wards (admins) and list them.
pub fn wards(
    data: &DataDir,
    cli: &Cli,
    cmd: &crate::cli::WardsCommand,
    pw: &mut Passwords,
) -> Result<()> {
    use crate::cli::WardsCommand as W;
    use crate::domain::beds::{SexRestriction, WardKind};
    use crate::ops::beds;
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    let now = Utc::now();
    match cmd {
        W::List { by } => {
            let (wards, board) = as_user(&mut db, by, pw, |db, s, _| {
                Ok((beds::wards(db, s)?, beds::beds_of(db, s, None)?))
            })?;
            println!(
                "{:<30}  {:<11}  {:<11}  {:>4}  OCCUPIED",
                "WARD", "KIND", "TAKES", "BEDS"
            );
            for w in wards {
                let of: Vec<_> = board.iter().filter(|b| b.ward_id == w.id).collect();
                let occupied = of
                    .iter()
                    .filter(|b| b.status == crate::domain::beds::BedStatus::Occupied)
                    .count();
                println!(
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
            println!("Added ward {} ({}).", w.name, w.kind.label());
        }
        W::Rename { ward, to, by } => {
            let w = as_user(&mut db, by, pw, |db, s, _| {
                let w = beds::find_ward(db, ward)?;
                Ok(beds::rename_ward(db, s, &w.id, to, now)?)
            })?;
            println!("Renamed ward {ward} to {}.", w.name);
        }
        W::Retire { ward, by } => {
            let w = as_user(&mut db, by, pw, |db, s, _| {
                let w = beds::find_ward(db, ward)?;
                Ok(beds::retire_ward(db, s, &w.id, now)?)
            })?;
            println!(
                "Retired ward {} and its beds; their history is kept.",
                w.name
            );
        }
    }
    Ok(())
}

/// `wardline beds …`: set up beds (admins) and list them.
pub fn beds(
    data: &DataDir,
    cli: &Cli,
    cmd: &crate::cli::BedsCommand,
    pw: &mut Passwords,
) -> Result<()> {
    use crate::cli::BedsCommand as B;
    use crate::domain::beds::BedKind;
    use crate::ops::beds;
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
            println!("{:<12}  {:<30}  {:<10}  STATUS", "BED", "WARD", "KIND");
            for b in list {
                println!(
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
            println!("Added bed {} to {}; it is available.", b.label, b.ward_name);
        }
        B::Rename { bed, to, by } => {
            let b = as_user(&mut db, by, pw, |db, s, _| {
                let b = beds::find_bed(db, bed)?;
                Ok(beds::rename_bed(db, s, &b.id, to, now)?)
            })?;
            println!(
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
            println!("Retired bed {}; its history is kept.", b.label);
        }
    }
    Ok(())
}

/// `wardline report …`: reports printed to standard output.
pub fn report(
    data: &DataDir,
    cli: &Cli,
    cmd: &crate::cli::ReportCommand,
    pw: &mut Passwords,
) -> Result<()> {
    use crate::cli::{ReportCommand, ReportFormat};
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    match cmd {
        ReportCommand::Census { date, format, by } => {
            let date = match date {
                Some(d) => {
                    chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(|_| {
                        anyhow::anyhow!(
                            "{d:?} is not a date: type it as YYYY-MM-DD, e.g. 2026-03-14"
                        )
                    })?
                }
                None => db.clock(Utc::now())?.today(),
            };
            let census = as_user(&mut db, by, pw, |db, s, _| {
                Ok(crate::ops::beds::census(db, s, date)?)
            })?;
            match format {
                ReportFormat::Text => print!("{}", crate::ops::beds::census_text(&census)),
                ReportFormat::Csv => {
                    crate::ops::beds::write_census_csv(&census, std::io::stdout().lock())?
                }
            }
        }
        ReportCommand::Stock { format, by } => report_stock(data, cli, *format, by, pw)?,
        ReportCommand::Expiry { days, format, by } => {
            report_expiry(data, cli, *days, *format, by, pw)?
        }
    }
    Ok(())
}

/// Reads a day as typed on the command line: ISO or the hospital's format.
fn parse_day(db: &Db, text: &str) -> Result<chrono::NaiveDate> {
    let settings = db.settings()?;
    crate::domain::patient::parse_date(text, settings.date_pattern())
        .with_context(|| format!("{text:?} is not a date: write it as YYYY-MM-DD, like 2026-03-14"))
}

/// The hospital's clock now.
fn hospital_clock(db: &Db) -> Result<Clock> {
    Ok(db.clock(Utc::now())?)
}

fn clinician(db: &Db, user_name: &str) -> Result<crate::domain::appointment::Clinician> {
    crate::store::appointments::clinician_named(db.conn(), user_name)?.with_context(|| {
        format!(
            "{user_name:?} is not an enabled doctor or nurse account: see `wardline users list`"
        )
    })
}

fn appointment_type(db: &Db, name: &str) -> Result<crate::domain::appointment::AppointmentType> {
    crate::store::appointments::type_named(db.conn(), name)?.with_context(|| {
        format!("there is no appointment type {name:?}: see `wardline appointments types`")
    })
}

/// `wardline appointments …`: set-up, booking and the day's list.
pub fn appointments(
    data: &DataDir,
    cli: &Cli,
    cmd: &AppointmentsCommand,
    pw: &mut Passwords,
) -> Result<()> {
    use crate::domain::appointment::{self as rules, Span};
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    match cmd {
        AppointmentsCommand::Types { by } => as_user(&mut db, by, pw, |db, s, _| {
            s.require(
                crate::domain::role::Permission::ManageAppointments,
                "see appointment types",
            )?;
            for t in crate::store::appointments::types(db.conn(), true)? {
                let retired = if t.retired { "  (retired)" } else { "" };
                println!("{:<20} {:>3} min{retired}", t.name, t.minutes);
            }
            Ok(())
        }),
        AppointmentsCommand::AddType { name, minutes, by } => {
            as_user(&mut db, by, pw, |db, s, _| {
                let t = appointment_ops::add_type(db, s, name, minutes)?;
                println!("Added appointment type {} ({} min).", t.name, t.minutes);
                Ok(())
            })
        }
        AppointmentsCommand::EditType {
            name,
            new_name,
            minutes,
            retire,
            offer,
            by,
        } => as_user(&mut db, by, pw, |db, s, _| {
            let t = appointment_type(db, name)?;
            let retired = if *retire {
                true
            } else if *offer {
                false
            } else {
                t.retired
            };
            let new_name = new_name.as_deref().unwrap_or(&t.name);
            let minutes = minutes.clone().unwrap_or_else(|| t.minutes.to_string());
            let t = appointment_ops::edit_type(db, s, &t, new_name, &minutes, retired)?;
            println!(
                "Appointment type {} is {} min{}.",
                t.name,
                t.minutes,
                if t.retired { ", retired" } else { "" }
            );
            Ok(())
        }),
        AppointmentsCommand::Hours { clinician: who, by } => {
            as_user(&mut db, by, pw, |db, s, _| {
                s.require(
                    crate::domain::role::Permission::ManageAppointments,
                    "see working hours",
                )?;
                let c = clinician(db, who)?;
                let h = crate::store::appointments::hours(db.conn(), &c.id)?;
                println!("{} ({})", c.name(), c.role.label());
                for (day, spans) in rules::WEEKDAYS.iter().zip(&h.week) {
                    let text = if spans.is_empty() {
                        "not working".to_string()
                    } else {
                        rules::ranges_text(spans)
                    };
                    println!("  {day}  {text}");
                }
                let today = hospital_clock(db)?.today();
                let off: Vec<String> = h
                    .days_off
                    .iter()
                    .filter(|d| **d >= today)
                    .map(|d| d.to_string())
                    .collect();
                if !off.is_empty() {
                    println!("  days off: {}", off.join(", "));
                }
                Ok(())
            })
        }
        AppointmentsCommand::SetHours {
            clinician: who,
            day,
            ranges,
            by,
        } => as_user(&mut db, by, pw, |db, s, _| {
            let c = clinician(db, who)?;
            let wd = rules::parse_weekday(day).with_context(|| {
                format!("{day:?} is not a weekday: use mon, tue, wed, thu, fri, sat or sun")
            })?;
            let h = appointment_ops::set_hours(db, s, &c.id, wd, ranges)?;
            let spans = &h.week[wd];
            println!(
                "{} on {}: {}.",
                c.name(),
                rules::WEEKDAYS[wd],
                if spans.is_empty() {
                    "not working".to_string()
                } else {
                    rules::ranges_text(spans)
                }
            );
            Ok(())
        }),
        AppointmentsCommand::DayOff {
            clinician: who,
            date,
            reason,
            remove,
            by,
        } => as_user(&mut db, by, pw, |db, s, _| {
            let c = clinician(db, who)?;
            let day = parse_day(db, date)?;
            appointment_ops::set_day_off(db, s, &c.id, day, !remove, reason)?;
            if *remove {
                println!("{} works on {day} after all.", c.name());
            } else {
                println!("{} is off on {day}.", c.name());
            }
            Ok(())
        }),
        AppointmentsCommand::Book {
            patient,
            clinician: who,
            kind,
            date,
            time,
            minutes,
            notes,
            outside_hours,
            by,
        } => as_user(&mut db, by, pw, |db, s, _| {
            let c = clinician(db, who)?;
            let t = appointment_type(db, kind)?;
            let day = parse_day(db, date)?;
            let found = crate::ops::patients::find(db, s, patient, false)?;
            let hit = found
                .hits
                .iter()
                .find(|h| h.kind == crate::store::patient_search::MatchKind::Mrn)
                .with_context(|| {
                    format!("no patient has the MRN {patient:?}: check it, or find the patient on the Patients screen")
                })?;
            let p = crate::store::patients::get_by_seq(db.conn(), hit.seq)?
                .with_context(|| format!("no patient has the MRN {patient:?}"))?;
            let length = minutes.clone().unwrap_or_else(|| t.minutes.to_string());
            let length = rules::check_minutes(&length).map_err(anyhow::Error::msg)?;
            let span = if time.trim().eq_ignore_ascii_case("next") {
                let clock = hospital_clock(db)?;
                let from = if day <= clock.today() {
                    clock.local()
                } else {
                    day.and_time(chrono::NaiveTime::MIN)
                };
                let (d, span) = appointment_ops::next_free(db, &c.id, Some(&p.id), length, from, None)?
                    .with_context(|| {
                        format!(
                            "{} has no free {length} minutes in working hours in the next {} days: set their hours, or choose a time",
                            c.name(),
                            rules::SEARCH_DAYS
                        )
                    })?;
                (d, span)
            } else {
                let when = rules::check_when(day, time, &length.to_string())
                    .map_err(anyhow::Error::msg)?;
                (when.day, when.span)
            };
            let (day, span): (chrono::NaiveDate, Span) = span;
            let booking = appointment_ops::Booking {
                patient: p.id.clone(),
                clinician: c.id.clone(),
                type_id: t.id.clone(),
                day,
                span,
                notes: notes.clone(),
            };
            let b = appointment_ops::book(db, s, &booking, *outside_hours, Utc::now())?;
            println!("Booked {}.", b.describe());
            Ok(())
        }),
        AppointmentsCommand::List { date, by } => as_user(&mut db, by, pw, |db, s, _| {
            let clock = hospital_clock(db)?;
            let day = match date {
                Some(d) => parse_day(db, d)?,
                None => clock.today(),
            };
            let list = appointment_ops::day(db, s, day, true)?;
            if list.is_empty() {
                println!("No appointments on {day}.");
            }
            for b in list {
                let late = rules::is_late(b.appt.status, b.appt.day, &b.appt.span, clock.local());
                println!(
                    "{}  {:<16} {:<24} {:<14} {:<14} {}",
                    b.appt.span,
                    b.clinician_name,
                    format!("{} {}", b.mrn, b.patient_name),
                    b.type_name,
                    if late { "late" } else { b.appt.status.label() },
                    b.appt.notes
                );
            }
            Ok(())
        }),
    }
}

/// `wardline export appointments`: a day's list as CSV, for reminder calls.
pub fn export_appointments(
    data: &DataDir,
    cli: &Cli,
    date: &str,
    format: AppointmentsFormat,
    out: Option<&Path>,
    by: &AsUser,
    pw: &mut Passwords,
) -> Result<()> {
    let AppointmentsFormat::Csv = format;
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    let day = parse_day(&db, date)?;
    if let Some(path) = out {
        refuse_existing(path)?;
    }
    let count = as_user(&mut db, by, pw, |db, s, _| match out {
        None => {
            let stdout = BufWriter::new(std::io::stdout().lock());
            Ok(appointment_ops::export_day(db, s, day, stdout)?)
        }
        Some(path) => {
            s.require(
                crate::domain::role::Permission::ManageAppointments,
                "export appointments",
            )?;
            export_to_new_file(path, |w| Ok(appointment_ops::export_day(db, s, day, w)?))
        }
    })?;
    let message = format!(
        "Exported {count} {} of {day}",
        if count == 1 {
            "appointment"
        } else {
            "appointments"
        }
    );
    match out {
        Some(path) => println!("{message} to {}.", path.display()),
        None => eprintln!("{message}."),
    }
    Ok(())
}
