//! `wardline init` and `wardline hospitals`: creating a hospital file with
//! its first administrator and time zone, and listing the hospitals in the
//! data directory.

use super::Passwords;
use crate::checkpoint;
use crate::domain::clock::{Tz, parse_zone};
use crate::domain::hospital::HospitalCode;
use crate::domain::settings::SettingKey;
use crate::ops::accounts;
use crate::paths::DataDir;
use crate::store::Db;
use anyhow::{Context, Result, bail};
use chrono::Utc;
use clap::Args;
use std::io::BufRead;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// 2 to 8 capital letters or digits; names the file and prefixes MRNs.
    #[arg(long)]
    pub code: String,
    /// The hospital's name, as shown on screen.
    #[arg(long)]
    pub name: String,
    /// User name of the first administrator.
    #[arg(long)]
    pub admin: String,
    /// The administrator's full name.
    #[arg(long, default_value = "")]
    pub admin_name: String,
    /// The hospital's time zone, an IANA name such as Africa/Nairobi; asked
    /// on a terminal, the machine's zone otherwise.
    #[arg(long)]
    pub time_zone: Option<String>,
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
    let policy = crate::domain::settings::Settings::defaults(&name, code.as_str(), zone)
        .password_policy()
        .in_hospital(code.as_str());
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
    checkpoint::write(&mut db, data)?;
    say!("Created hospital {code} ({name}) at {}", path.display());
    say!(
        "Time zone: {} (change it with `wardline settings set time_zone NAME --as ADMIN`).",
        zone.name()
    );
    say!("Administrator: {admin}. Open it with `wardline --hospital {code}`.");
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
        say!("{}", crate::paths::no_hospital_message(data));
        return Ok(());
    }
    say!("{:<8}  {:<40}  FILE", "CODE", "NAME");
    for (code, path) in all {
        let name = match Db::open(&path).and_then(|db| db.settings()) {
            Ok(s) => s.hospital_name,
            Err(e) => format!("(cannot open: {e})"),
        };
        say!("{:<8}  {:<40}  {}", code.as_str(), name, path.display());
    }
    Ok(())
}
