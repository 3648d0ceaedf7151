//! A laboratory order's life in the lab's words: its progress from
//! "waiting for collection" to verified (or rejected, or cancelled), why a
//! specimen is rejected, the word a technician types to verify their own
//! results, and how the tests asked for at once become one order per
//! specimen (one accession number, one label, one tube each).

use strum::{Display, EnumIter, EnumString, IntoStaticStr};

/// What a lab technician types to verify results they entered themselves,
/// where the hospital's `lab_self_verify` setting allows it.
pub const SELF_VERIFY_WORD: &str = "VERIFY";
/// The longest clinical note on an order.
pub const NOTES_MAX: usize = 500;
/// The longest note of a cancellation or rejection, and a correction's reason.
pub const NOTE_MAX: usize = 200;

/// Where an order stands. Stored in snake_case (`in_progress`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumString, EnumIter, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum OrderStatus {
    /// Waiting for collection.
    Ordered,
    Collected,
    /// Some results entered.
    InProgress,
    /// Every result entered, not all verified.
    Resulted,
    Verified,
    /// The specimen was rejected, with a reason the clinician sees.
    Rejected,
    /// Cancelled by a clinician before collection.
    Cancelled,
}

impl OrderStatus {
    /// How the lab says it.
    pub fn label(self) -> &'static str {
        match self {
            OrderStatus::Ordered => "waiting for collection",
            OrderStatus::Collected => "collected",
            OrderStatus::InProgress => "in progress",
            OrderStatus::Resulted => "resulted",
            OrderStatus::Verified => "verified",
            OrderStatus::Rejected => "rejected",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    /// Whether the lab still has work to do on it.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            OrderStatus::Ordered
                | OrderStatus::Collected
                | OrderStatus::InProgress
                | OrderStatus::Resulted
        )
    }

    /// Whether results may be entered: a collected specimen, not yet
    /// wholly verified.
    pub fn takes_results(self) -> bool {
        matches!(
            self,
            OrderStatus::Collected | OrderStatus::InProgress | OrderStatus::Resulted
        )
    }
}

/// Why a specimen is rejected. Stored in snake_case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumString, EnumIter, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum RejectReason {
    Haemolysed,
    /// Too little to run the tests.
    Insufficient,
    Mislabelled,
    Clotted,
    Contaminated,
    /// Named in the note.
    Other,
}

impl RejectReason {
    /// How the lab says it.
    pub fn label(self) -> &'static str {
        match self {
            RejectReason::Haemolysed => "haemolysed",
            RejectReason::Insufficient => "insufficient quantity",
            RejectReason::Mislabelled => "mislabelled",
            RejectReason::Clotted => "clotted",
            RejectReason::Contaminated => "contaminated",
            RejectReason::Other => "other",
        }
    }
}

/// The tests of one specimen type, as one order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecimenGroup<T> {
    pub specimen: String,
    pub tests: Vec<T>,
}

/// Groups the tests asked for by their specimen, in the order each
/// specimen first appears, each test once (the first time it is asked).
pub fn group_by_specimen<T: Clone>(
    tests: &[T],
    specimen: impl Fn(&T) -> &str,
    same: impl Fn(&T, &T) -> bool,
) -> Vec<SpecimenGroup<T>> {
    let mut groups: Vec<SpecimenGroup<T>> = Vec::new();
    for t in tests {
        if groups.iter().any(|g| g.tests.iter().any(|u| same(u, t))) {
            continue;
        }
        match groups.iter_mut().find(|g| g.specimen == specimen(t)) {
            Some(g) => g.tests.push(t.clone()),
            None => groups.push(SpecimenGroup {
                specimen: specimen(t).to_string(),
                tests: vec![t.clone()],
            }),
        }
    }
    groups
}

/// Checks a note (of a cancellation, a rejection or a correction): trimmed,
/// not empty when `required`, at most [`NOTE_MAX`] characters.
pub fn check_note(text: &str, what: &str, required: bool) -> Result<Option<String>, String> {
    let t = text.trim();
    if t.is_empty() {
        return if required {
            Err(format!("type the {what}"))
        } else {
            Ok(None)
        };
    }
    crate::domain::text::refuse_control(what, t, true)?;
    if t.chars().count() > NOTE_MAX {
        return Err(format!(
            "the {what} is longer than {NOTE_MAX} characters: shorten it"
        ));
    }
    Ok(Some(t.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn statuses_are_stored_in_snake_case_and_said_in_the_labs_words() {
        assert_eq!(OrderStatus::InProgress.to_string(), "in_progress");
        assert_eq!("in_progress".parse(), Ok(OrderStatus::InProgress));
        assert_eq!(OrderStatus::Ordered.label(), "waiting for collection");
        let open: Vec<_> = OrderStatus::iter().filter(|s| s.is_open()).collect();
        assert_eq!(
            open,
            [
                OrderStatus::Ordered,
                OrderStatus::Collected,
                OrderStatus::InProgress,
                OrderStatus::Resulted
            ]
        );
        assert!(!OrderStatus::Ordered.takes_results());
        assert!(!OrderStatus::Verified.takes_results());
        for r in RejectReason::iter() {
            assert_eq!(r.to_string().parse(), Ok(r));
            assert!(!r.label().is_empty());
        }
    }

    #[test]
    fn tests_are_grouped_by_specimen_in_the_order_asked_each_once() {
        let asked = [
            ("K", "serum"),
            ("FBC", "whole blood (EDTA)"),
            ("NA", "serum"),
            ("UA", "urine"),
            ("K", "serum"),
        ];
        let groups = group_by_specimen(&asked, |t| t.1, |a, b| a.0 == b.0);
        let shape: Vec<(&str, Vec<&str>)> = groups
            .iter()
            .map(|g| (g.specimen.as_str(), g.tests.iter().map(|t| t.0).collect()))
            .collect();
        assert_eq!(
            shape,
            [
                ("serum", vec!["K", "NA"]),
                ("whole blood (EDTA)", vec!["FBC"]),
                ("urine", vec!["UA"]),
            ]
        );
        assert!(group_by_specimen(&[] as &[(&str, &str)], |t| t.1, |a, b| a == b).is_empty());
    }

    #[test]
    fn notes_are_trimmed_required_and_limited() {
        assert_eq!(
            check_note("  gone home ", "note", true),
            Ok(Some("gone home".into()))
        );
        assert_eq!(check_note(" ", "note", false), Ok(None));
        assert!(
            check_note("", "reason", true)
                .unwrap_err()
                .contains("type the reason")
        );
        assert!(check_note(&"x".repeat(NOTE_MAX + 1), "note", false).is_err());
    }
}
