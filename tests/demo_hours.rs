//! The demo hospital builds at any hour of the day (fixed instants, never
//! the machine's time): just after local midnight too, when yesterday's
//! work and today's meet.

use chrono::{DateTime, Utc};
use wardline::paths::DataDir;

fn builds(now: &str, zone: chrono_tz::Tz) {
    let now: DateTime<Utc> = now.parse().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::resolve(Some(dir.path().to_path_buf())).unwrap();
    if let Err(e) = wardline::demo::ensure_at(&data, false, now, zone) {
        panic!("the demo did not build at {now} in {zone}: {e:#}");
    }
}

#[test]
fn the_demo_builds_just_after_midnight() {
    // 00:01, 00:05 and 00:39 in Nairobi; 00:02 in Lima.
    builds("2026-03-09T21:01:00Z", chrono_tz::Africa::Nairobi);
    builds("2026-03-09T21:05:00Z", chrono_tz::Africa::Nairobi);
    builds("2026-03-09T21:39:00Z", chrono_tz::Africa::Nairobi);
    builds("2026-03-10T05:02:00Z", chrono_tz::America::Lima);
}

#[test]
fn the_demo_builds_just_before_midnight() {
    // 23:58 in Nairobi.
    builds("2026-03-09T20:58:00Z", chrono_tz::Africa::Nairobi);
}
