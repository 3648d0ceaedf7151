//! The hospital's clock: an instant and the hospital's own time zone.
//!
//! Every local date and time the program shows, accepts or reasons with —
//! today, a census day, an expiry date, an appointment — is in the zone of
//! the hospital (its `time_zone` setting), never the machine's. The instant
//! comes from the caller, so tests fix it; the zone carries its
//! daylight-saving rules, so a day may have 23 or 25 hours.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
pub use chrono_tz::Tz;

/// An instant as seen from one hospital.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub now: DateTime<Utc>,
    pub zone: Tz,
}

/// What a time zone setting takes, for messages.
pub const ZONE_HINT: &str = "an IANA time zone name such as Africa/Nairobi, America/Lima, Europe/London or UTC (`timedatectl list-timezones` lists them)";

/// Why a time zone name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name:?} is not a time zone: type {}", hint(.suggestion))]
pub struct UnknownZone {
    pub name: String,
    /// The zone a city name alone most likely meant (`Nairobi`).
    pub suggestion: Option<Tz>,
}

fn hint(suggestion: &Option<Tz>) -> String {
    match suggestion {
        Some(z) => format!("its full name, {}", z.name()),
        None => ZONE_HINT.to_string(),
    }
}

/// The zone whose last part is `name` (`lima` → America/Lima), if one.
fn zone_of_city(name: &str) -> Option<Tz> {
    let wanted = name.replace(' ', "_");
    chrono_tz::TZ_VARIANTS.iter().copied().find(|z| {
        z.name()
            .rsplit('/')
            .next()
            .is_some_and(|city| city.eq_ignore_ascii_case(&wanted))
            && z.name().contains('/')
    })
}

/// Reads an IANA zone name, ignoring case (`africa/nairobi` works).
pub fn parse_zone(name: &str) -> Result<Tz, UnknownZone> {
    let name = name.trim();
    name.parse::<Tz>()
        .ok()
        .or_else(|| {
            chrono_tz::TZ_VARIANTS
                .iter()
                .find(|z| z.name().eq_ignore_ascii_case(name))
                .copied()
        })
        .ok_or_else(|| UnknownZone {
            name: name.to_string(),
            suggestion: zone_of_city(name),
        })
}

/// The instant a local wall-clock time names in `zone`. A time that the
/// clocks skip when they go forward is read as the same time after the jump
/// (02:30 on a spring-forward night is 03:30); a time that happens twice when
/// they go back is the first of the two.
pub fn instant(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        LocalResult::None => {
            // Read it with the offset in force before the jump: no jump is
            // longer than a day, so a day earlier is before it.
            use chrono::Offset;
            let before = zone
                .offset_from_utc_datetime(&(local - Duration::days(1)))
                .fix()
                .local_minus_utc();
            (local - Duration::seconds(i64::from(before))).and_utc()
        }
    }
}

/// The local date of an instant in `zone`.
pub fn local_date(zone: Tz, t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&zone).date_naive()
}

/// The first instant of a local day and the first of the next: a day is the
/// half-open range `[start, end)`, 23 or 25 hours long on the days the
/// clocks change.
pub fn day_bounds(zone: Tz, day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = instant(zone, day.and_time(chrono::NaiveTime::MIN));
    let next = day.succ_opt().unwrap_or(day);
    let end = instant(zone, next.and_time(chrono::NaiveTime::MIN));
    (start, end)
}

impl Clock {
    pub fn new(now: DateTime<Utc>, zone: Tz) -> Clock {
        Clock { now, zone }
    }

    /// The hospital's local date and time now.
    pub fn local(&self) -> NaiveDateTime {
        self.now.with_timezone(&self.zone).naive_local()
    }

    /// The hospital's date now.
    pub fn today(&self) -> NaiveDate {
        local_date(self.zone, self.now)
    }

    /// An instant in the hospital's zone, for showing.
    pub fn at(&self, t: DateTime<Utc>) -> DateTime<Tz> {
        t.with_timezone(&self.zone)
    }

    /// The instant a local wall-clock time names here (see [`instant`]).
    pub fn instant(&self, local: NaiveDateTime) -> DateTime<Utc> {
        instant(self.zone, local)
    }

    /// The same zone at another instant.
    pub fn at_instant(&self, now: DateTime<Utc>) -> Clock {
        Clock {
            now,
            zone: self.zone,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn today_is_the_hospitals_date_not_utcs() {
        // 20:30 in Lima (UTC-5) is already tomorrow in UTC.
        let lima = parse_zone("America/Lima").unwrap();
        let c = Clock::new(utc("2026-12-04T01:30:00Z"), lima);
        assert_eq!(c.today(), NaiveDate::from_ymd_opt(2026, 12, 3).unwrap());
        // 00:30 in Nairobi (UTC+3) is still yesterday in UTC.
        let nairobi = parse_zone("Africa/Nairobi").unwrap();
        let c = Clock::new(utc("2026-12-02T21:30:00Z"), nairobi);
        assert_eq!(c.today(), NaiveDate::from_ymd_opt(2026, 12, 3).unwrap());
        assert_eq!(c.local().time(), NaiveTime::from_hms_opt(0, 30, 0).unwrap());
    }

    #[test]
    fn names_are_read_in_any_case_and_unknown_ones_explained() {
        assert_eq!(parse_zone("africa/nairobi"), Ok(chrono_tz::Africa::Nairobi));
        assert_eq!(parse_zone(" UTC "), Ok(chrono_tz::UTC));
        let e = parse_zone("Mars/Olympus").unwrap_err().to_string();
        assert!(e.contains("Africa/Nairobi"), "{e}");
        let e = parse_zone("nairobi").unwrap_err().to_string();
        assert!(e.ends_with("type its full name, Africa/Nairobi"), "{e}");
        let e = parse_zone("Buenos Aires").unwrap_err().to_string();
        assert!(e.ends_with("America/Argentina/Buenos_Aires"), "{e}");
        assert!(parse_zone("+03:00").is_err());
    }

    #[test]
    fn days_the_clocks_change_have_23_and_25_hours() {
        let london = parse_zone("Europe/London").unwrap();
        let (s, e) = day_bounds(london, NaiveDate::from_ymd_opt(2026, 3, 29).unwrap());
        assert_eq!(e - s, Duration::hours(23));
        assert_eq!(s, utc("2026-03-29T00:00:00Z"));
        let (s, e) = day_bounds(london, NaiveDate::from_ymd_opt(2026, 10, 25).unwrap());
        assert_eq!(e - s, Duration::hours(25));
        assert_eq!(s, utc("2026-10-24T23:00:00Z"));
    }

    #[test]
    fn a_skipped_time_moves_past_the_jump_and_a_repeated_one_is_the_first() {
        let london = parse_zone("Europe/London").unwrap();
        // 01:30 does not happen on 29 March 2026 in London: it is 02:30 BST.
        assert_eq!(
            instant(london, local("2026-03-29 01:30")),
            utc("2026-03-29T01:30:00Z")
        );
        // 01:30 happens twice on 25 October 2026: the first is BST.
        assert_eq!(
            instant(london, local("2026-10-25 01:30")),
            utc("2026-10-25T00:30:00Z")
        );
        // An ordinary time.
        assert_eq!(
            instant(london, local("2026-07-01 09:00")),
            utc("2026-07-01T08:00:00Z")
        );
        // Where midnight itself is skipped (Santiago, first Sunday of September).
        let santiago = parse_zone("America/Santiago").unwrap();
        let (s, e) = day_bounds(santiago, NaiveDate::from_ymd_opt(2026, 9, 6).unwrap());
        assert_eq!(e - s, Duration::hours(23));
        assert_eq!(
            local_date(santiago, s),
            NaiveDate::from_ymd_opt(2026, 9, 6).unwrap()
        );
    }
}
