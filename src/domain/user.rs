//! Staff account names and the state an account can be in.

use crate::domain::role::Role;
use chrono::{DateTime, Utc};

/// Why a user name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "user name {0:?} is not valid: use 2 to 32 lower-case letters, digits, dots, dashes or underscores, e.g. amina.okafor"
)]
pub struct InvalidUserName(pub String);

/// Normalises and checks a user name (case-insensitive: stored lower-case).
pub fn parse_user_name(s: &str) -> Result<String, InvalidUserName> {
    let n = s.trim().to_lowercase();
    let ok = (2..=32).contains(&n.len())
        && n.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_')
        })
        && n.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric());
    if ok {
        Ok(n)
    } else {
        Err(InvalidUserName(s.to_string()))
    }
}

/// A staff account as the rest of the program sees it (never its hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: crate::domain::ids::Id,
    pub user_name: String,
    pub full_name: String,
    pub role: Role,
    pub must_change_password: bool,
    pub disabled_at: Option<DateTime<Utc>>,
    pub locked_until: Option<DateTime<Utc>>,
    pub last_login_at: Option<DateTime<Utc>>,
}

impl User {
    /// Whether the account is locked out at `now`.
    pub fn is_locked(&self, now: DateTime<Utc>) -> bool {
        self.locked_until.is_some_and(|t| t > now)
    }

    /// One word for lists: active, locked, disabled, or must change password.
    pub fn status(&self, now: DateTime<Utc>) -> &'static str {
        if self.disabled_at.is_some() {
            "disabled"
        } else if self.is_locked(now) {
            "locked"
        } else if self.must_change_password {
            "must change"
        } else {
            "active"
        }
    }
}

/// A doctor or nurse who sees patients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clinician {
    pub id: crate::domain::ids::Id,
    pub user_name: String,
    pub full_name: String,
    pub role: crate::domain::role::Role,
}

impl Clinician {
    /// The name shown at the desk (the full name, else the user name).
    pub fn name(&self) -> &str {
        if self.full_name.trim().is_empty() {
            &self.user_name
        } else {
            &self.full_name
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_are_lowercased_and_checked() {
        assert_eq!(parse_user_name(" Amina.Okafor ").unwrap(), "amina.okafor");
        assert!(parse_user_name("a").is_err());
        assert!(parse_user_name("amina okafor").is_err());
        assert!(parse_user_name(".amina").is_err());
        assert!(parse_user_name(&"a".repeat(33)).is_err());
    }
}
