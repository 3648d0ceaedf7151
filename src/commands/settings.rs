//! `wardline settings …`: listing the hospital's settings and changing one.

use super::{AsUser, Passwords, as_user, open_hospital};
use crate::cli::Cli;
use crate::domain::settings::SettingKey;
use crate::ops::settings;
use crate::paths::DataDir;
use anyhow::Result;
use clap::Subcommand;
use strum::IntoEnumIterator;

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// Show every setting with its value.
    List {
        #[command(flatten)]
        by: AsUser,
    },
    /// Change one setting.
    Set {
        key: String,
        value: String,
        #[command(flatten)]
        by: AsUser,
    },
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
                say!(
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
            say!("{key} = {stored}");
        }
    }
    Ok(())
}
