//! What an administrator asks of the audit trail: events about one patient,
//! by one member of staff, of one action, between two of the hospital's
//! local dates. Pure: the dates become UTC bounds here, the rows are read
//! by the store.

use crate::domain::audit::AuditAction;
use crate::domain::clock::{Tz, day_bounds};
use crate::domain::ids::Id;
use chrono::{DateTime, NaiveDate, Utc};
use std::str::FromStr;
use strum::IntoEnumIterator;

/// A patient the trail is filtered on: the record chosen (its MRN for
/// saying so).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientRef {
    pub id: Id,
    pub mrn: String,
}

/// The filters of an audit trail search; every one left empty matches all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Events about this patient and the records merged into it.
    pub patient: Option<PatientRef>,
    /// Events by the account of this user name (as the trail records it).
    pub staff: Option<String>,
    pub action: Option<AuditAction>,
    /// The first local date included.
    pub from: Option<NaiveDate>,
    /// The last local date included.
    pub to: Option<NaiveDate>,
}

/// The filter's dates as UTC instants: from the first instant of `from`
/// (included) to the first instant after `to` (excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcRange {
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// Why a filter cannot be searched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    #[error("the first date ({from}) is after the last ({to}): swap them, or clear one")]
    DatesReversed { from: NaiveDate, to: NaiveDate },
    #[error(
        "{typed:?} is not an action of the audit trail: use one of {}",
        all_actions()
    )]
    UnknownAction { typed: String },
}

/// Every action code, comma-separated, for a message.
fn all_actions() -> String {
    AuditAction::iter()
        .map(|a| a.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// An action code as typed (`read`, `break-glass`, `BREAK_GLASS`).
pub fn parse_action(typed: &str) -> Result<AuditAction, FilterError> {
    let code = typed.trim().to_ascii_uppercase().replace(['-', ' '], "_");
    AuditAction::from_str(&code).map_err(|_| FilterError::UnknownAction {
        typed: typed.trim().to_string(),
    })
}

impl AuditFilter {
    /// Whether no filter is set (the whole trail).
    pub fn is_empty(&self) -> bool {
        *self == AuditFilter::default()
    }

    /// The dates as UTC bounds in the hospital's `zone`; refused when the
    /// first date is after the last.
    pub fn utc_range(&self, zone: Tz) -> Result<UtcRange, FilterError> {
        if let (Some(from), Some(to)) = (self.from, self.to)
            && from > to
        {
            return Err(FilterError::DatesReversed { from, to });
        }
        Ok(UtcRange {
            from: self.from.map(|d| day_bounds(zone, d).0),
            until: self.to.map(|d| day_bounds(zone, d).1),
        })
    }

    /// The filter in words, for an audit event and the screen's title:
    /// `patient TST-000001-X, staff nurse, action READ, 2026-03-01 to
    /// 2026-03-09`, or `all events`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(p) = &self.patient {
            parts.push(format!("patient {}", p.mrn));
        }
        if let Some(s) = &self.staff {
            parts.push(format!("staff {s}"));
        }
        if let Some(a) = self.action {
            parts.push(format!("action {a}"));
        }
        match (self.from, self.to) {
            (Some(f), Some(t)) if f == t => parts.push(format!("on {f}")),
            (Some(f), Some(t)) => parts.push(format!("{f} to {t}")),
            (Some(f), None) => parts.push(format!("from {f}")),
            (None, Some(t)) => parts.push(format!("up to {t}")),
            (None, None) => {}
        }
        if parts.is_empty() {
            "all events".into()
        } else {
            parts.join(", ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    #[test]
    fn local_dates_become_utc_bounds_in_the_zone() {
        let f = AuditFilter {
            from: Some(day(9)),
            to: Some(day(9)),
            ..AuditFilter::default()
        };
        let r = f.utc_range(chrono_tz::Africa::Nairobi).unwrap();
        assert_eq!(
            r.from.unwrap().to_rfc3339(),
            "2026-03-08T21:00:00+00:00",
            "midnight in Nairobi is 21:00 UTC the day before"
        );
        assert_eq!(r.until.unwrap().to_rfc3339(), "2026-03-09T21:00:00+00:00");
        // New York moves its clocks on 8 March 2026: that day is 23 hours.
        let f = AuditFilter {
            from: Some(day(8)),
            to: Some(day(8)),
            ..AuditFilter::default()
        };
        let r = f.utc_range(chrono_tz::America::New_York).unwrap();
        assert_eq!((r.until.unwrap() - r.from.unwrap()).num_hours(), 23);
    }

    #[test]
    fn reversed_dates_and_unknown_actions_are_refused_with_what_to_do() {
        let f = AuditFilter {
            from: Some(day(9)),
            to: Some(day(1)),
            ..AuditFilter::default()
        };
        let e = f.utc_range(chrono_tz::UTC).unwrap_err().to_string();
        assert!(e.contains("swap them"), "{e}");
        assert_eq!(parse_action("break-glass"), Ok(AuditAction::BreakGlass));
        assert_eq!(parse_action(" read "), Ok(AuditAction::Read));
        let e = parse_action("peek").unwrap_err().to_string();
        assert!(e.contains("LOGIN_FAILED"), "{e}");
    }

    #[test]
    fn a_filter_says_what_it_holds() {
        assert_eq!(AuditFilter::default().describe(), "all events");
        let f = AuditFilter {
            patient: Some(PatientRef {
                id: Id::new(),
                mrn: "TST-000001-X".into(),
            }),
            staff: Some("nurse".into()),
            action: Some(AuditAction::Read),
            from: Some(day(1)),
            to: Some(day(9)),
        };
        assert_eq!(
            f.describe(),
            "patient TST-000001-X, staff nurse, action READ, 2026-03-01 to 2026-03-09"
        );
    }
}
