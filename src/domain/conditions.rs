//! Diagnoses, allergies and the problem list: their kinds, the checks on a
//! coded entry, and the allergy state ("no known allergies" is an answer;
//! a patient never asked has no state at all).

use chrono::NaiveDate;
use strum::{Display, EnumString, IntoStaticStr};

/// The code list a hospital ships (ICD-10-CM); another may be loaded.
pub const DEFAULT_CODE_SYSTEM: &str = "ICD-10-CM";

/// Primary or secondary diagnosis of a visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumString, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Rank {
    Primary,
    Secondary,
}

/// How sure the diagnosis is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumString, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Certainty {
    Provisional,
    Confirmed,
}

/// An allergy's severity.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Display, EnumString, IntoStaticStr,
)]
#[strum(serialize_all = "snake_case")]
pub enum Severity {
    Mild,
    Moderate,
    Severe,
}

/// A coded entry (a diagnosis or a problem) as checked: the code system,
/// the code in capitals, and the text as the clinician recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coded {
    pub system: String,
    pub code: String,
    pub text: String,
}

/// Checks a code system, code and text; the code is upper-cased (`j18.9`
/// is J18.9).
pub fn check_coded(system: &str, code: &str, text: &str) -> Result<Coded, String> {
    let system = system.trim();
    if system.is_empty()
        || system.len() > 20
        || !system
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    {
        return Err(format!(
            "the code system {system:?} is not valid: use a name such as {DEFAULT_CODE_SYSTEM}"
        ));
    }
    let code = code.trim().to_ascii_uppercase();
    if code.is_empty()
        || code.len() > 16
        || !code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    {
        return Err(format!(
            "the code {code:?} is not valid: choose a code from the list (letters, digits and dots, e.g. J18.9)"
        ));
    }
    let text = text.trim();
    if text.is_empty() {
        return Err("type the diagnosis in words as well as its code".into());
    }
    if text.chars().count() > 300 {
        return Err("the text is too long: at most 300 characters".into());
    }
    crate::domain::text::refuse_control("diagnosis text", text, false)?;
    Ok(Coded {
        system: system.to_string(),
        code,
        text: text.to_string(),
    })
}

/// Checks an allergy's substance and reaction, returned trimmed.
pub fn check_allergy(substance: &str, reaction: &str) -> Result<(String, String), String> {
    let s = substance.trim();
    let r = reaction.trim();
    if s.is_empty() {
        return Err("type the substance the patient is allergic to".into());
    }
    if s.chars().count() > 100 {
        return Err("the substance is too long: at most 100 characters".into());
    }
    if r.chars().count() > 200 {
        return Err("the reaction is too long: at most 200 characters".into());
    }
    crate::domain::text::refuse_control("substance", s, false)?;
    crate::domain::text::refuse_control("reaction", r, false)?;
    Ok((s.to_string(), r.to_string()))
}

/// Checks a problem's onset and resolution dates against today.
pub fn check_problem_dates(
    onset: Option<NaiveDate>,
    resolved: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), String> {
    if onset.is_some_and(|d| d > today) {
        return Err("the onset is in the future: type the day it began".into());
    }
    if let Some(r) = resolved {
        if r > today {
            return Err("the resolution is in the future: resolve it on the day".into());
        }
        if onset.is_some_and(|o| r < o) {
            return Err("the problem cannot resolve before its onset: check both dates".into());
        }
    }
    Ok(())
}

/// What is known of a patient's allergies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllergyState {
    /// Never asked (no allergy and no "no known allergies" recorded).
    NotAsked,
    /// Asked, and the answer was none.
    NoKnownAllergies,
    /// At least one allergy stands.
    Allergic,
}

impl AllergyState {
    /// The state, from the count of standing allergies and whether "no
    /// known allergies" was ever recorded.
    pub fn of(standing: usize, no_known_recorded: bool) -> AllergyState {
        if standing > 0 {
            AllergyState::Allergic
        } else if no_known_recorded {
            AllergyState::NoKnownAllergies
        } else {
            AllergyState::NotAsked
        }
    }

    /// How the banner names it when no allergy is listed.
    pub fn label(self) -> &'static str {
        match self {
            AllergyState::NotAsked => "allergies not recorded: ask",
            AllergyState::NoKnownAllergies => "no known allergies",
            AllergyState::Allergic => "ALLERGIES",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_checked_and_upper_cased() {
        let c = check_coded("ICD-10-CM", " j18.9 ", " Pneumonia, unspecified ").unwrap();
        assert_eq!(c.code, "J18.9");
        assert_eq!(c.text, "Pneumonia, unspecified");
        assert!(check_coded("ICD-10-CM", "J18 9", "x").is_err());
        assert!(check_coded("", "J18.9", "x").is_err());
        assert!(check_coded("ICD-10-CM", "J18.9", " ").is_err());
    }

    #[test]
    fn the_allergy_state_tells_not_asked_from_none() {
        assert_eq!(AllergyState::of(0, false), AllergyState::NotAsked);
        assert_eq!(AllergyState::of(0, true), AllergyState::NoKnownAllergies);
        assert_eq!(AllergyState::of(2, true), AllergyState::Allergic);
        assert!(check_allergy(" ", "rash").is_err());
        assert_eq!(
            check_allergy(" penicillin ", " rash "),
            Ok(("penicillin".into(), "rash".into()))
        );
    }

    #[test]
    fn problem_dates() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        let today = d(2026, 3, 9).unwrap();
        assert!(check_problem_dates(d(2020, 1, 1), None, today).is_ok());
        assert!(check_problem_dates(d(2027, 1, 1), None, today).is_err());
        assert!(check_problem_dates(d(2020, 1, 1), d(2019, 1, 1), today).is_err());
        assert!(check_problem_dates(None, d(2026, 3, 10), today).is_err());
    }
}
