//! `wardline users …`: staff accounts from the command line (add, list,
//! unlock, reset a password, disable, enable, change your own password).

use super::{AsUser, Passwords, as_user, open_hospital, sign_out};
use crate::auth;
use crate::cli::Cli;
use crate::domain::role::Role;
use crate::ops::accounts;
use crate::paths::DataDir;
use anyhow::Result;
use chrono::Utc;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create an account (asks the admin's password, then the new user's).
    Add {
        #[arg(long)]
        user: String,
        /// admin, receptionist, doctor, nurse, pharmacist or lab_tech.
        #[arg(long)]
        role: String,
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
