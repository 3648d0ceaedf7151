//! The allergy banner, drawn the same wherever a clinician or pharmacist
//! sees a patient (the record, the picker, the bed, the dispense form): the
//! allergies in warning style with their reaction and severity, or the
//! words "No known allergies" or "Allergies not asked" — never colour alone.

use crate::domain::conditions::AllergyState;
use crate::ops::record::AllergyBanner;
use crate::tui::theme::Theme;
use ratatui::text::{Line, Span};

/// The banner as one line of text (the allergies most severe first).
pub fn words(b: &AllergyBanner) -> String {
    match b.state {
        AllergyState::Allergic => {
            let list = b
                .allergies
                .iter()
                .map(|a| {
                    if a.reaction.is_empty() {
                        format!("{} ({})", a.substance, a.severity)
                    } else {
                        format!("{} ({}, {})", a.substance, a.reaction, a.severity)
                    }
                })
                .collect::<Vec<_>>()
                .join("; ");
            format!("⚠ ALLERGIES: {list}")
        }
        AllergyState::NoKnownAllergies => "No known allergies".to_string(),
        AllergyState::NotAsked => {
            "⚠ Allergies not asked: ask the patient and record the answer".to_string()
        }
    }
}

/// The banner's style: an error for allergies, a warning when nobody asked.
pub fn style(b: &AllergyBanner, theme: &Theme) -> ratatui::style::Style {
    match b.state {
        AllergyState::Allergic => theme.error(),
        AllergyState::NotAsked => theme.warn(),
        AllergyState::NoKnownAllergies => theme.ok(),
    }
}

/// The banner as a styled line, prefixed by `indent`.
pub fn line(b: &AllergyBanner, indent: &str, theme: &Theme) -> Line<'static> {
    Line::from(Span::styled(
        format!("{indent}{}", words(b)),
        style(b, theme),
    ))
}

/// The banner, or why it could not be read, as a styled line.
pub fn line_or_error(
    b: &Result<AllergyBanner, String>,
    indent: &str,
    theme: &Theme,
) -> Line<'static> {
    match b {
        Ok(b) => line(b, indent, theme),
        Err(e) => Line::from(Span::styled(
            format!("{indent}Allergies could not be read: {e}"),
            theme.error(),
        )),
    }
}
