//! The password rules: length, not the user name, not a common password,
//! not the demo's, and hard to guess by zxcvbn's estimate (the estimator
//! Dropbox made and password managers use: it knows dictionaries, names,
//! keyboard walks, dates and the user name), at least "safely unguessable"
//! (score 3 of 4).
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
    #[error("the password is only spaces: choose a few words or other characters")]
    Blank,
    #[error("that is the demo hospital's password, which everyone knows: choose another")]
    DemoPassword,
    #[error(
        "that password is easy to guess{hint}: a few unrelated words make a strong one, such as \"tulip river lamp\""
    )]
    Guessable { hint: String },
    #[error("the two passwords differ: type the same password twice")]
    Mismatch,
}

/// The rules in force for a hospital.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub min_length: usize,
    /// Whether the demo's password is allowed: in the demo hospital only.
    pub demo: bool,
}

/// The lowest zxcvbn score a new password may have (3: "safely
/// unguessable", moderate protection from an offline slow-hash attack).
pub const MIN_SCORE: u8 = 3;

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            min_length: DEFAULT_MIN_LENGTH,
            demo: false,
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
        if password.trim().is_empty() {
            return Err(PasswordError::Blank);
        }
        if is_common(password) {
            return Err(PasswordError::Common);
        }
        if password == crate::demo::PASSWORD && !self.demo {
            return Err(PasswordError::DemoPassword);
        }
        let estimate = zxcvbn::zxcvbn(password, &[user_name.trim()]);
        if u8::from(estimate.score()) < MIN_SCORE {
            let hint = estimate
                .feedback()
                .and_then(|f| f.warning())
                .map(|w| format!(" ({})", w.to_string().trim_end_matches('.').to_lowercase()))
                .unwrap_or_default();
            return Err(PasswordError::Guessable { hint });
        }
        Ok(())
    }

    /// The policy in the hospital whose code is `code`: the demo's password
    /// is allowed in the demo hospital only.
    pub fn in_hospital(self, code: &str) -> PasswordPolicy {
        PasswordPolicy {
            demo: code == crate::demo::CODE,
            ..self
        }
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

    /// What an outside test found accepted: blanks, the demo's password
    /// in a real hospital, keyboard and name-based guesses.
    #[test]
    fn blanks_the_demo_password_and_guessable_ones_are_refused() {
        let p = PasswordPolicy::default();
        assert_eq!(p.check("amina", &" ".repeat(12)), Err(PasswordError::Blank));
        assert_eq!(
            p.check("amina", crate::demo::PASSWORD),
            Err(PasswordError::DemoPassword)
        );
        assert_eq!(
            p.in_hospital("DEMO").check("amina", crate::demo::PASSWORD),
            Ok(())
        );
        for (user, guess) in [
            ("amina", "letmein12345"),
            ("amina", "admin1234567"),
            ("okafor", "okafor123456"),
            ("amina", "qwertyuiop12"),
        ] {
            assert!(
                matches!(p.check(user, guess), Err(PasswordError::Guessable { .. })),
                "{guess} for {user}: {:?}",
                p.check(user, guess)
            );
        }
        let said = p.check("amina", "letmein12345").unwrap_err().to_string();
        assert!(said.starts_with("that password is easy to guess"), "{said}");
        for strong in [
            "quiet ward lantern",
            "tulip river lamp",
            "a nurse's own phrase 4",
        ] {
            assert_eq!(p.check("amina", strong), Ok(()), "{strong}");
        }
    }

    #[test]
    fn a_setting_never_goes_below_the_floor() {
        let p = PasswordPolicy {
            min_length: 4,
            demo: false,
        };
        assert_eq!(
            p.check("amina", "abcdefg"),
            Err(PasswordError::TooShort { min: 8 })
        );
        assert_eq!(p.check("amina", "tulip-river"), Ok(()));
    }

    #[test]
    fn counts_characters_not_bytes() {
        let p = PasswordPolicy {
            min_length: 8,
            demo: false,
        };
        assert_eq!(
            p.check("amina", "ééééééé"),
            Err(PasswordError::TooShort { min: 8 })
        );
    }
}
