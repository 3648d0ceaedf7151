//! Backups as rules: the automatic file name, which old automatic backups
//! `--keep` removes, and when an administrator is warned that the latest
//! backup is too old. No I/O: the operations in `ops::backup` use these.

use chrono::{DateTime, NaiveDateTime, Utc};

/// The UTC timestamp inside an automatic backup's name, to the millisecond
/// so that two backups a second apart get two names; sorts as text.
const NAME_TIME: &str = "%Y%m%dT%H%M%S%.3fZ";

/// One backup as the hospital file records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupRecord {
    pub taken_at: DateTime<Utc>,
    /// Where the copy was written when it was taken.
    pub path: String,
    /// Made under the automatic name in `<data>/backups/` (not `--out`).
    pub automatic: bool,
    pub size_bytes: u64,
    /// The copy's audit events and head hash.
    pub events: i64,
    pub head_hash: String,
}

/// The automatic backup file name of hospital `code` taken at `at`:
/// `<CODE>-<UTC timestamp>.db`, e.g. `DMC-20260309T020000.000Z.db`.
pub fn automatic_name(code: &str, at: DateTime<Utc>) -> String {
    format!("{code}-{}.db", at.format(NAME_TIME))
}

/// When `name` is an automatic backup name of hospital `code`, the time it
/// holds; `None` for anything else (another hospital's backup, a copy made
/// with `--out`, a file someone put there).
pub fn parse_automatic_name(code: &str, name: &str) -> Option<DateTime<Utc>> {
    let stamp = name
        .strip_prefix(code)?
        .strip_prefix('-')?
        .strip_suffix(".db")?;
    // Exactly the shape automatic_name writes: 8 digits, T, 6 digits, '.', 3 digits, Z.
    let b = stamp.as_bytes();
    let shape = b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            8 => *c == b'T',
            15 => *c == b'.',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        });
    if !shape {
        return None;
    }
    NaiveDateTime::parse_from_str(stamp, NAME_TIME)
        .ok()
        .map(|n| n.and_utc())
}

/// Of the automatic backup names given (any order, anything else ignored),
/// the ones to remove so that the `keep` newest remain, oldest first.
pub fn beyond_keep<'a>(code: &str, names: &'a [String], keep: usize) -> Vec<&'a str> {
    let mut automatic: Vec<(DateTime<Utc>, &str)> = names
        .iter()
        .filter_map(|n| parse_automatic_name(code, n).map(|t| (t, n.as_str())))
        .collect();
    automatic.sort();
    let excess = automatic.len().saturating_sub(keep);
    automatic.into_iter().take(excess).map(|(_, n)| n).collect()
}

/// The warning an administrator sees on signing in when the latest backup
/// is older than `warn_hours` (or there is none); `None` when it is recent.
/// Short enough for an 80-column status line.
pub fn staleness_warning(
    latest: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    warn_hours: u32,
) -> Option<String> {
    let Some(at) = latest else {
        return Some("Warning: never backed up; run `wardline backup`.".to_string());
    };
    let age = now.signed_duration_since(at);
    if age <= chrono::Duration::hours(i64::from(warn_hours)) {
        return None;
    }
    Some(format!(
        "Warning: the latest backup is {} old (limit {warn_hours} h); run `wardline backup`.",
        describe_age(age)
    ))
}

/// An age in words: "30 hours", "3 days".
fn describe_age(age: chrono::Duration) -> String {
    let hours = age.num_hours();
    if hours < 48 {
        format!("{hours} hours")
    } else {
        format!("{} days", age.num_days())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 9, h, m, s).unwrap()
    }

    #[test]
    fn automatic_names_round_trip_and_sort_by_time() {
        let t = at(2, 0, 0) + chrono::Duration::milliseconds(7);
        let name = automatic_name("DMC", t);
        assert_eq!(name, "DMC-20260309T020000.007Z.db");
        assert_eq!(parse_automatic_name("DMC", &name), Some(t));
        assert!(automatic_name("DMC", at(2, 0, 0)) < automatic_name("DMC", at(10, 0, 0)));
    }

    #[test]
    fn other_names_are_not_automatic() {
        let name = automatic_name("DMC", at(2, 0, 0));
        for other in [
            "DMCX-20260309T020000.000Z.db".to_string(),
            "DM-20260309T020000.000Z.db".to_string(),
            name.replace(".db", ".db.bak"),
            name.replace('T', "t"),
            "DMC-20260309T020000Z.db".to_string(),
            "DMC-weekly.db".to_string(),
            "DMC-20261399T020000.000Z.db".to_string(),
        ] {
            assert_eq!(parse_automatic_name("DMC", &other), None, "{other}");
        }
    }

    #[test]
    fn keep_removes_only_the_oldest_automatic_backups() {
        let names: Vec<String> = vec![
            automatic_name("DMC", at(3, 0, 0)),
            "DMC-before-upgrade.db".into(),
            automatic_name("DMC", at(1, 0, 0)),
            automatic_name("RDH", at(0, 0, 0)),
            automatic_name("DMC", at(2, 0, 0)),
        ];
        assert_eq!(
            beyond_keep("DMC", &names, 2),
            [automatic_name("DMC", at(1, 0, 0))]
        );
        assert_eq!(beyond_keep("DMC", &names, 1).len(), 2);
        assert!(beyond_keep("DMC", &names, 3).is_empty());
    }

    #[test]
    fn warns_when_there_is_no_recent_backup() {
        let now = at(12, 0, 0);
        let never = staleness_warning(None, now, 26).unwrap();
        assert!(never.contains("never backed up"), "{never}");
        assert_eq!(staleness_warning(Some(at(1, 0, 0)), now, 26), None);
        let old = now - chrono::Duration::hours(30);
        let w = staleness_warning(Some(old), now, 26).unwrap();
        assert!(
            w.contains("30 hours old") && w.contains("limit 26 h"),
            "{w}"
        );
        let older = now - chrono::Duration::days(5);
        let w = staleness_warning(Some(older), now, 26).unwrap();
        assert!(w.contains("5 days"), "{w}");
        assert_eq!(staleness_warning(Some(old), now, 48), None);
    }
}
