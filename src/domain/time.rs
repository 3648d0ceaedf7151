//! The one text format for instants stored in the database.
//!
//! Fixed width, UTC, microseconds: sorts correctly as text and reads back exactly.

use chrono::{DateTime, NaiveDateTime, Utc};

const FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

/// Formats an instant for storage.
pub fn format_ts(t: DateTime<Utc>) -> String {
    t.format(FORMAT).to_string()
}

/// Parses an instant written by [`format_ts`]; `None` for anything else.
pub fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(s, FORMAT)
        .ok()
        .map(|n| n.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn round_trips_and_sorts_as_text() {
        let a = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        let b = a + chrono::Duration::microseconds(1);
        assert_eq!(format_ts(a), "2026-01-02T03:04:05.000000Z");
        assert_eq!(parse_ts(&format_ts(b)), Some(b));
        assert!(format_ts(a) < format_ts(b));
        assert_eq!(parse_ts("yesterday"), None);
    }
}
