//! The medication round: what was recorded of a dose (given, held, refused,
//! not available), and where a due dose stands at an instant — not yet due,
//! due now, overdue, or given late beyond the `dose_late_minutes` setting.

use chrono::{DateTime, Duration, Utc};
use strum::{Display, EnumIter, EnumString, IntoEnumIterator, IntoStaticStr};

/// What happened to a dose. Stored in snake_case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumString, EnumIter, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Outcome {
    Given,
    /// Withheld on purpose (nil by mouth, low blood pressure…).
    Held,
    /// The patient refused it.
    Refused,
    /// No stock on the ward.
    NotAvailable,
}

impl Outcome {
    /// How the outcome reads on the chart.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Given => "given",
            Outcome::Held => "held",
            Outcome::Refused => "refused",
            Outcome::NotAvailable => "not available",
        }
    }

    /// Every outcome but given needs a reason.
    pub fn needs_reason(self) -> bool {
        self != Outcome::Given
    }

    /// The outcome typed, or a unique start of one (`g`, `not`).
    pub fn parse(typed: &str) -> Option<Outcome> {
        let t = typed.trim().to_lowercase().replace('_', " ");
        if t.is_empty() {
            return None;
        }
        let all: Vec<Outcome> = Outcome::iter().collect();
        let starts: Vec<&Outcome> = all.iter().filter(|o| o.label().starts_with(&t)).collect();
        match starts.as_slice() {
            [one] => Some(**one),
            _ => all.iter().find(|o| o.label() == t).copied(),
        }
    }
}

/// Where a scheduled dose stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DoseState {
    /// Not yet within the round's window.
    Upcoming,
    /// Within `dose_late_minutes` either side of its time, not recorded.
    DueNow,
    /// Past its time by more than `dose_late_minutes`, not recorded.
    Overdue,
    /// Given; `late` when beyond `dose_late_minutes` after its time.
    Given {
        late: bool,
    },
    Held,
    Refused,
    NotAvailable,
}

impl DoseState {
    /// How the state reads on the chart, in words (never colour alone).
    pub fn label(self) -> &'static str {
        match self {
            DoseState::Upcoming => "due later",
            DoseState::DueNow => "due now",
            DoseState::Overdue => "OVERDUE",
            DoseState::Given { late: false } => "given",
            DoseState::Given { late: true } => "given LATE",
            DoseState::Held => "held",
            DoseState::Refused => "refused",
            DoseState::NotAvailable => "not available",
        }
    }

    /// Whether the nurse on the round still has to do something.
    pub fn waiting(self) -> bool {
        matches!(self, DoseState::DueNow | DoseState::Overdue)
    }
}

/// Where the dose due at `due` stands at `now`, given what was recorded
/// of it last (its outcome and when), if anything.
pub fn dose_state(
    due: DateTime<Utc>,
    recorded: Option<(Outcome, DateTime<Utc>)>,
    now: DateTime<Utc>,
    late_minutes: u32,
) -> DoseState {
    let late = Duration::minutes(i64::from(late_minutes));
    match recorded {
        Some((Outcome::Given, at)) => DoseState::Given {
            late: at > due + late,
        },
        Some((Outcome::Held, _)) => DoseState::Held,
        Some((Outcome::Refused, _)) => DoseState::Refused,
        Some((Outcome::NotAvailable, _)) => DoseState::NotAvailable,
        None if now < due - late => DoseState::Upcoming,
        None if now <= due + late => DoseState::DueNow,
        None => DoseState::Overdue,
    }
}

/// How far back the round looks for doses never recorded.
pub const OVERDUE_LOOKBACK: Duration = Duration::hours(24);

/// One record of a dose, as the chain of corrections is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub corrects: Option<String>,
    pub outcome: Outcome,
    pub at: DateTime<Utc>,
}

/// The record that stands for a dose: the last of its chain of
/// corrections (the entry no other entry corrects).
pub fn standing(entries: &[Entry]) -> Option<&Entry> {
    entries.iter().find(|e| {
        !entries
            .iter()
            .any(|o| o.corrects.as_deref() == Some(e.id.as_str()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 9, h, m, 0).unwrap()
    }

    #[test]
    fn a_dose_is_due_within_the_window_and_overdue_after_it() {
        let due = t(13, 0);
        assert_eq!(dose_state(due, None, t(11, 59), 60), DoseState::Upcoming);
        assert_eq!(dose_state(due, None, t(12, 0), 60), DoseState::DueNow);
        assert_eq!(dose_state(due, None, t(14, 0), 60), DoseState::DueNow);
        assert_eq!(dose_state(due, None, t(14, 1), 60), DoseState::Overdue);
        assert_eq!(dose_state(due, None, t(13, 31), 30), DoseState::Overdue);
        assert!(DoseState::Overdue.waiting() && DoseState::DueNow.waiting());
        assert!(!DoseState::Upcoming.waiting());
    }

    #[test]
    fn a_dose_given_beyond_the_setting_is_late() {
        let due = t(13, 0);
        let given = |h, m| dose_state(due, Some((Outcome::Given, t(h, m))), t(20, 0), 60);
        assert_eq!(given(12, 30), DoseState::Given { late: false });
        assert_eq!(given(14, 0), DoseState::Given { late: false });
        assert_eq!(given(14, 1), DoseState::Given { late: true });
        assert_eq!(given(14, 1).label(), "given LATE");
        assert_eq!(
            dose_state(due, Some((Outcome::Held, t(13, 0))), t(20, 0), 60),
            DoseState::Held
        );
        assert_eq!(
            dose_state(due, Some((Outcome::NotAvailable, t(13, 0))), t(20, 0), 60).label(),
            "not available"
        );
    }

    #[test]
    fn outcomes_are_typed_by_their_start() {
        assert_eq!(Outcome::parse("g"), Some(Outcome::Given));
        assert_eq!(Outcome::parse("not"), Some(Outcome::NotAvailable));
        assert_eq!(Outcome::parse("not_available"), Some(Outcome::NotAvailable));
        assert_eq!(Outcome::parse("re"), Some(Outcome::Refused));
        assert_eq!(Outcome::parse("x"), None);
        assert!(Outcome::Held.needs_reason() && !Outcome::Given.needs_reason());
    }

    #[test]
    fn the_last_correction_stands() {
        let e = |id: &str, corrects: Option<&str>, o| Entry {
            id: id.into(),
            corrects: corrects.map(String::from),
            outcome: o,
            at: t(13, 0),
        };
        let chain = [
            e("a", None, Outcome::Given),
            e("b", Some("a"), Outcome::Held),
            e("c", Some("b"), Outcome::Refused),
        ];
        assert_eq!(standing(&chain).map(|x| x.id.as_str()), Some("c"));
        assert_eq!(
            standing(&chain[..1]).map(|x| x.outcome),
            Some(Outcome::Given)
        );
        assert_eq!(standing(&[]), None);
    }
}
