//! The password rules: length, not the user name, not a common password.
//!
//! No composition rules (NIST SP 800-63B): length and a deny list do more for
//! security than forcing a digit and a symbol.

/// Hard limits no hospital setting can move.
pub const ABSOLUTE_MIN_LENGTH: usize = 8;
pub const MAX_LENGTH: usize = 128;
/// The minimum length a new hospital starts with.
pub const DEFAULT_MIN_LENGTH: usize = 12;

const COMMON: &str = include_str!("../../assets/common-passwords.txt");

/// Why a new password was refused; each message says what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error(
        "the password is too short: use at least {min} characters (a few words make a good one)"
    )]
    TooShort { min: usize },
    #[error("the password is too long: use at most {MAX_LENGTH} characters")]
    TooLong,
    #[error("the password must not be the user name: choose something else")]
    SameAsUserName,
    #[error("that password is one of the most common ones and easy to guess: choose another")]
    Common,
    #[error("the two passwords differ: type the same password twice")]
    Mismatch,
}

/// The rules in force for a hospital.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub min_length: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            min_length: DEFAULT_MIN_LENGTH,
        }
    }
}

impl PasswordPolicy {
    /// Checks a new password for the given user name.
    pub fn check(&self, user_name: &str, password: &str) -> Result<(), PasswordError> {
        let len = password.chars().count();
        let min = self.min_length.max(ABSOLUTE_MIN_LENGTH);
        if len < min {
            return Err(PasswordError::TooShort { min });
        }
        if len > MAX_LENGTH {
            return Err(PasswordError::TooLong);
        }
        if password.trim().eq_ignore_ascii_case(user_name.trim()) {
            return Err(PasswordError::SameAsUserName);
        }
        if is_common(password) {
            return Err(PasswordError::Common);
        }
        Ok(())
    }
}

fn is_common(password: &str) -> bool {
    let p = password.to_lowercase();
    COMMON
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .any(|l| l == p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enforces_length_name_and_deny_list() {
        let p = PasswordPolicy::default();
        assert_eq!(
            p.check("amina", "short"),
            Err(PasswordError::TooShort { min: 12 })
        );
        assert_eq!(
            p.check("amina", &"x".repeat(129)),
            Err(PasswordError::TooLong)
        );
        assert_eq!(
            p.check("amina.okafor", "Amina.Okafor"),
            Err(PasswordError::SameAsUserName)
        );
        assert_eq!(p.check("amina", "Password1234"), Err(PasswordError::Common));
        assert_eq!(p.check("amina", "green ward lantern"), Ok(()));
    }

    #[test]
    fn a_setting_never_goes_below_the_floor() {
        let p = PasswordPolicy { min_length: 4 };
        assert_eq!(
            p.check("amina", "abcdefg"),
            Err(PasswordError::TooShort { min: 8 })
        );
        assert_eq!(p.check("amina", "tulip-river"), Ok(()));
    }

    #[test]
    fn counts_characters_not_bytes() {
        let p = PasswordPolicy { min_length: 8 };
        assert_eq!(
            p.check("amina", "ééééééé"),
            Err(PasswordError::TooShort { min: 8 })
        );
    }
}
