//! `wardline users …`: staff accounts from the command line (add, list,
//! unlock, reset a password, disable, enable, change a role, change your
//! own password,
//! show or set the wards a doctor or nurse works on).

use super::{AsUser, Passwords, as_user, open_hospital, sign_out};
use crate::auth;
use crate::auth::Session;
use crate::cli::Cli;
use crate::domain::clock::Tz;
use crate::domain::role::Role;
use crate::ops::{accounts, beds, ward_staff};
use crate::paths::DataDir;
use crate::store::Db;
use anyhow::Result;
use chrono::{DateTime, Utc};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create an account (asks the admin's password, then the new user's).
    /// With `--role patient --patient MRN` (an admin or a receptionist): the
    /// patient's portal account, with a temporary password printed once.
    Add {
        /// The user name; for a patient account, the MRN in lower case
        /// when left out.
        #[arg(long)]
        user: Option<String>,
        /// admin, receptionist, doctor, nurse, pharmacist, lab_tech, cashier,
        /// or patient (with --patient).
        #[arg(long)]
        role: String,
        /// The MRN of the patient a patient account belongs to (a verified
        /// patient).
        #[arg(long, value_name = "MRN")]
        patient: Option<String>,
        /// The person's full name.
        #[arg(long, default_value = "")]
        full_name: String,
        #[command(flatten)]
        by: AsUser,
    },
    /// List the accounts and their state.
    List {
        #[command(flatten)]
        by: AsUser,
    },
    /// Lift a lockout after failed sign-ins.
    Unlock {
        #[arg(long)]
        user: String,
        #[command(flatten)]
        by: AsUser,
    },
    /// Set a temporary password that must be changed at next sign-in
    /// (asks the admin's password, then the temporary one).
    ResetPassword {
        #[arg(long)]
        user: String,
        #[command(flatten)]
        by: AsUser,
    },
    /// Stop an account from signing in.
    Disable {
        #[arg(long)]
        user: String,
        #[command(flatten)]
        by: AsUser,
    },
    /// Let a disabled account sign in again.
    Enable {
        #[arg(long)]
        user: String,
        #[command(flatten)]
        by: AsUser,
    },
    /// Give an account another role: never your own, never the last
    /// administrator's, never between a patient's account and a staff one.
    Role {
        /// The account's user name.
        user: String,
        /// admin, receptionist, doctor, nurse, pharmacist, lab_tech or cashier.
        #[arg(long)]
        role: String,
        #[command(flatten)]
        by: AsUser,
    },
    /// Show the wards a doctor or nurse works on; with `--ward` (once per
    /// ward) make those their wards, with `--none` take them off every ward.
    Wards {
        #[arg(long)]
        user: String,
        /// A ward's name, as `wardline wards list` shows it.
        #[arg(long = "ward", value_name = "WARD")]
        wards: Vec<String>,
        /// Take the user off every ward.
        #[arg(long, conflicts_with = "wards")]
        none: bool,
        #[command(flatten)]
        by: AsUser,
    },
    /// SSH public keys with which staff sign in to `wardline serve --ssh`.
    #[command(subcommand)]
    SshKey(super::ssh_keys::SshKeyCommand),
    /// Change your own password (asks the current one, then the new one).
    Passwd {
        #[command(flatten)]
        by: AsUser,
    },
}

pub fn users(data: &DataDir, cli: &Cli, cmd: &UsersCommand, pw: &mut Passwords) -> Result<()> {
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    let now = Utc::now();
    let zone = db.settings()?.time_zone;
    match cmd {
        UsersCommand::SshKey(cmd) => super::ssh_keys::ssh_key(&mut db, cmd, pw, zone, now)?,
        UsersCommand::Add {
            user,
            role,
            patient,
            full_name,
            by,
        } => {
            let role: Role = role.parse().map_err(|_| {
                anyhow::anyhow!("unknown role {role:?}: use one of {}", Role::all_names())
            })?;
            match (role, patient) {
                (Role::Patient, Some(mrn)) => {
                    if !full_name.is_empty() {
                        anyhow::bail!(
                            "a patient account takes the patient's own name from their record: leave out --full-name"
                        );
                    }
                    return super::portal_accounts::add(&mut db, mrn, user.as_deref(), by, pw);
                }
                (Role::Patient, None) => anyhow::bail!(
                    "a patient account must be linked to a registered, verified patient: add --patient MRN, or create it from the patient's record (key P)"
                ),
                (_, Some(_)) => anyhow::bail!(
                    "--patient is only for a patient's account: use it with --role patient"
                ),
                _ => {}
            }
            let user = user
                .as_deref()
                .ok_or_else(|| anyhow::anyhow!("name the new account with --user NAME"))?;
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
                Ok(accounts::add(db, s, &account, true, now)?)
            })?;
            say!(
                "Created account {} ({}): the password you chose works once, to sign in and choose their own.",
                u.user_name,
                u.role
            );
        }
        UsersCommand::List { by } => {
            let list = as_user(&mut db, by, pw, |db, s, _| Ok(accounts::list(db, s)?))?;
            say!(
                "{:<20}  {:<28}  {:<12}  {:<22}  LAST SIGN-IN",
                "USER",
                "NAME",
                "ROLE",
                "STATUS"
            );
            for u in list {
                let last = u
                    .last_login_at
                    .map(|t| t.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_else(|| "never".into());
                say!(
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
            say!("Unlocked {}: it can sign in again.", u.user_name);
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
            say!(
                "Reset the password of {}: they must change it when they next sign in.",
                u.user_name
            );
        }
        UsersCommand::Disable { user, by } => {
            let u = as_user(&mut db, by, pw, |db, s, _| {
                Ok(accounts::disable(db, s, user, now)?)
            })?;
            say!("Disabled {}: it can no longer sign in.", u.user_name);
        }
        UsersCommand::Enable { user, by } => {
            let u = as_user(&mut db, by, pw, |db, s, _| {
                Ok(accounts::enable(db, s, user, now)?)
            })?;
            say!("Enabled {}: it can sign in again.", u.user_name);
        }
        UsersCommand::Role { user, role, by } => {
            let role: Role = role.parse().map_err(|_| {
                anyhow::anyhow!("unknown role {role:?}: use one of {}", Role::all_names())
            })?;
            let u = as_user(&mut db, by, pw, |db, s, _| {
                Ok(accounts::change_role(db, s, user, role, now)?)
            })?;
            say!(
                "{} is {} now: the new role takes effect at their next action.",
                u.user_name,
                u.role.label()
            );
        }
        UsersCommand::Wards {
            user,
            wards,
            none,
            by,
        } => {
            as_user(&mut db, by, pw, |db, s, _| {
                if wards.is_empty() && !none {
                    show_wards(db, s, user, zone)
                } else {
                    set_wards(db, s, user, wards, now)
                }
            })?;
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
            say!("Password changed for {}.", session.user.user_name);
        }
    }
    Ok(())
}

/// Prints the wards `user` works on, with when each assignment began.
fn show_wards(db: &mut Db, s: &Session, user: &str, zone: Tz) -> Result<()> {
    let wards = ward_staff::wards_of(db, s, user)?;
    let name = user.trim().to_lowercase();
    if wards.is_empty() {
        say!("{name} is assigned to no ward.");
    }
    for a in wards {
        let since = a.assigned_at.with_timezone(&zone).format("%Y-%m-%d %H:%M");
        say!("{:<24}  since {since}", a.ward_name);
    }
    Ok(())
}

/// Makes `wards` (by name) exactly the wards `user` works on.
fn set_wards(
    db: &mut Db,
    s: &Session,
    user: &str,
    wards: &[String],
    now: DateTime<Utc>,
) -> Result<()> {
    let ids = wards
        .iter()
        .map(|w| Ok(beds::find_ward(db, w)?.id))
        .collect::<Result<Vec<_>>>()?;
    let set = ward_staff::set_wards(db, s, user, &ids, now)?;
    let name = &set.user.user_name;
    if set.wards.is_empty() {
        say!("{name} is assigned to no ward now.");
    } else {
        say!("{name} works on {} now.", set.wards.join(", "));
    }
    if !set.assigned.is_empty() {
        say!("Assigned: {}.", set.assigned.join(", "));
    }
    if !set.ended.is_empty() {
        say!("Ended: {}.", set.ended.join(", "));
    }
    if set.assigned.is_empty() && set.ended.is_empty() {
        say!("Nothing changed.");
    }
    Ok(())
}
