//! The machine's own time zone, read once where a hospital's zone is first
//! chosen: the default `init` offers, the demo's zone, and the zone an older
//! hospital file is pinned to when it is upgraded (it was shown in the
//! machine's zone until then). Nothing else reads the machine's zone: every
//! date and time follows the hospital's `time_zone` setting.

use crate::domain::clock::{Tz, parse_zone};

/// The machine's IANA zone: `TZ` when it names one, else the system's
/// setting; UTC when neither can be read.
pub fn machine_zone() -> Tz {
    let from_env = std::env::var("TZ")
        .ok()
        .and_then(|tz| parse_zone(tz.trim_start_matches(':')).ok());
    from_env
        .or_else(|| {
            iana_time_zone::get_timezone()
                .ok()
                .and_then(|name| parse_zone(&name).ok())
        })
        .unwrap_or_else(|| {
            tracing::warn!("the machine's time zone could not be read; UTC is used");
            chrono_tz::UTC
        })
}
