//! `wardline users ssh-key …`: the SSH public keys with which staff sign in
//! to `wardline serve --ssh` (registered by an administrator).

use super::{AsUser, Passwords, as_user};
use crate::domain::clock::Tz;
use crate::ops::ssh_keys;
use crate::store::Db;
use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum SshKeyCommand {
    /// Register a public key (the .pub file ssh-keygen made) to a staff
    /// account: its holder signs in over SSH without a password, under the
    /// account's rules. One key belongs to one account.
    Add {
        /// The account the key signs in to.
        user: String,
        /// The public key file (one OpenSSH line, e.g. id_ed25519.pub).
        #[arg(long, value_name = "FILE.pub")]
        key_file: PathBuf,
        #[command(flatten)]
        by: AsUser,
    },
    /// The keys an account has, current and removed.
    List {
        user: String,
        #[command(flatten)]
        by: AsUser,
    },
    /// Remove a key from an account (it is kept in the account's history).
    Remove {
        user: String,
        /// The key's fingerprint, SHA256:…, as `list` shows it.
        fingerprint: String,
        #[command(flatten)]
        by: AsUser,
    },
}

/// Runs a `users ssh-key` command.
pub fn ssh_key(
    db: &mut Db,
    cmd: &SshKeyCommand,
    pw: &mut Passwords,
    zone: Tz,
    now: DateTime<Utc>,
) -> Result<()> {
    match cmd {
        SshKeyCommand::Add { user, key_file, by } => {
            let text = std::fs::read_to_string(key_file)
                .with_context(|| format!("could not read the key file {}", key_file.display()))?;
            let key = crate::domain::ssh_key::parse(&text).map_err(|e| anyhow::anyhow!("{e}"))?;
            let u = as_user(db, by, pw, |db, s, _| {
                Ok(ssh_keys::add(db, s, user, &key, now)?)
            })?;
            say!(
                "Registered the {} key {} to {}: they can now sign in with it over SSH.",
                key.algorithm,
                key.fingerprint,
                u.user_name
            );
        }
        SshKeyCommand::List { user, by } => {
            let (u, keys) = as_user(db, by, pw, |db, s, _| Ok(ssh_keys::list(db, s, user)?))?;
            if keys.is_empty() {
                say!("{} has no SSH key.", u.user_name);
                return Ok(());
            }
            let when =
                |t: DateTime<Utc>| t.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string();
            say!(
                "{:<50}  {:<12}  {:<24}  {:<28}  STATE",
                "FINGERPRINT",
                "TYPE",
                "COMMENT",
                "ADDED"
            );
            for k in keys {
                let state = match (k.removed_at, &k.removed_by) {
                    (Some(t), Some(by)) => format!("removed {} by {by}", when(t)),
                    (Some(t), None) => format!("removed {}", when(t)),
                    _ => "current".to_string(),
                };
                say!(
                    "{:<50}  {:<12}  {:<24}  {:<28}  {state}",
                    k.fingerprint,
                    k.algorithm,
                    k.comment,
                    format!("{} by {}", when(k.added_at), k.added_by)
                );
            }
        }
        SshKeyCommand::Remove {
            user,
            fingerprint,
            by,
        } => {
            let u = as_user(db, by, pw, |db, s, _| {
                Ok(ssh_keys::remove(db, s, user, fingerprint, now)?)
            })?;
            say!(
                "Removed the key {} from {}: it signs in no more.",
                fingerprint.trim(),
                u.user_name
            );
        }
    }
    Ok(())
}
