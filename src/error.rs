//! The core's one error type: every message says what is wrong and what to do.

use crate::domain::clock::Tz;
use crate::domain::password::PasswordError;
use crate::domain::patient::FieldError;
use crate::domain::settings::SettingError;
use crate::domain::user::InvalidUserName;
use crate::store::StoreError;
use chrono::DateTime;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("user name or password is wrong: check both and try again")]
    InvalidCredentials,
    #[error(
        "this account is locked after too many failed sign-ins, until {}: try again then, or ask an administrator to unlock it",
        until.format("%H:%M")
    )]
    Locked {
        /// In the hospital's time zone.
        until: DateTime<Tz>,
    },
    #[error(
        "the password of {0} was set by an administrator and must be changed first: sign in to the terminal screen, or run `wardline users passwd --as {0}`"
    )]
    MustChangePassword(String),
    #[error(transparent)]
    Password(#[from] PasswordError),
    #[error(transparent)]
    UserName(#[from] InvalidUserName),
    #[error(transparent)]
    Setting(#[from] SettingError),
    #[error("{0}")]
    NotPermitted(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Refused(String),
    /// A change that is allowed but unusual or implausible (a dispense above
    /// the item's usual largest, many months' use, a far expiry, an inpatient
    /// checked in at the outpatient desk): the person is asked once and the
    /// change is made again, confirmed.
    #[error("{0}: if it is right, confirm it (y on the screen, --confirm on the command line)")]
    AskFirst(String),
    /// The record opens only by breaking the glass with a typed reason.
    #[error("{0}")]
    BreakGlassNeeded(String),
    #[error("the password could not be hashed ({0}); try again")]
    Hash(String),
    #[error("{}", describe(.0))]
    Invalid(Vec<FieldError>),
    #[error(
        "the header names {} wardline does not know: {}. Use only these columns (in any order): {allowed}; rename or remove the others",
        if unknown.len() == 1 { "a column" } else { "columns" },
        unknown.join(", ")
    )]
    UnknownColumns {
        unknown: Vec<String>,
        allowed: String,
    },
    /// A file to import that cannot be read as CSV as a whole.
    #[error("{0}")]
    BadFile(String),
    /// Writing an export failed part way.
    #[error(
        "could not write the export ({0}): check the disk space or the output, and export again"
    )]
    Output(std::io::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

fn describe(errors: &[FieldError]) -> String {
    let parts: Vec<String> = errors.iter().map(ToString::to_string).collect();
    format!("please correct: {}", parts.join("; "))
}
