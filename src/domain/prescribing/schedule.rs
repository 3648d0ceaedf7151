//! When the doses of an order fall due: the ward's four medication rounds
//! (a setting), the times of day of each frequency, the course's end, and
//! the due instants of a local day in the hospital's zone (days when the
//! clocks change included).

use super::Frequency;
use crate::domain::clock::{Tz, day_bounds, instant, local_date};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Timelike, Utc};

/// The ward's medication rounds: morning, midday, evening and night.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundTimes {
    pub morning: NaiveTime,
    pub midday: NaiveTime,
    pub evening: NaiveTime,
    pub night: NaiveTime,
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

impl Default for RoundTimes {
    /// 08:00, 12:00, 18:00 and 22:00, the rounds of a common drug chart.
    fn default() -> Self {
        RoundTimes {
            morning: hm(8, 0),
            midday: hm(12, 0),
            evening: hm(18, 0),
            night: hm(22, 0),
        }
    }
}

impl RoundTimes {
    /// Four times of day in order, as typed (`08:00 12:00 18:00 22:00`,
    /// commas or spaces between).
    pub fn parse(typed: &str) -> Result<RoundTimes, String> {
        let wrong = || {
            format!(
                "{typed:?} is not four round times: type the morning, midday, evening and night rounds in order, e.g. 08:00 12:00 18:00 22:00"
            )
        };
        let times: Vec<NaiveTime> = typed
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(|s| NaiveTime::parse_from_str(s, "%H:%M").map_err(|_| wrong()))
            .collect::<Result<_, _>>()?;
        match times.as_slice() {
            [m, d, e, n] if m < d && d < e && e < n => Ok(RoundTimes {
                morning: *m,
                midday: *d,
                evening: *e,
                night: *n,
            }),
            _ => Err(wrong()),
        }
    }

    /// The four rounds in order.
    pub fn all(&self) -> [NaiveTime; 4] {
        [self.morning, self.midday, self.evening, self.night]
    }
}

impl std::fmt::Display for RoundTimes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let all: Vec<String> = self
            .all()
            .iter()
            .map(|t| t.format("%H:%M").to_string())
            .collect();
        f.write_str(&all.join(" "))
    }
}

/// The times of day a frequency's doses fall due, earliest first (none for
/// a single dose or PRN, which have no round).
pub fn times_of_day(f: Frequency, r: &RoundTimes) -> Vec<NaiveTime> {
    let every = |hours: u32| {
        let mut t: Vec<NaiveTime> = (0..24 / hours)
            .map(|k| {
                let h = (r.morning.hour() + k * hours) % 24;
                hm(h, r.morning.minute())
            })
            .collect();
        t.sort();
        t
    };
    match f {
        Frequency::Od | Frequency::Weekly => vec![r.morning],
        Frequency::Bd => vec![r.morning, r.evening],
        Frequency::Tds => vec![r.morning, r.midday, r.evening],
        Frequency::Qid => r.all().to_vec(),
        Frequency::Nocte => vec![r.night],
        Frequency::Q4h => every(4),
        Frequency::Q6h => every(6),
        Frequency::Q8h => every(8),
        Frequency::Once | Frequency::Stat | Frequency::Prn => Vec::new(),
    }
}

/// An order's timing: from when, how often, until when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    pub frequency: Frequency,
    pub starts_at: DateTime<Utc>,
    pub duration_days: Option<u32>,
    /// When it was stopped or completed, if it was.
    pub ended_at: Option<DateTime<Utc>>,
}

impl Timing {
    /// When the course runs out by itself: a single dose a day after it
    /// starts, a course its duration after; `None` runs until stopped.
    pub fn course_end(&self) -> Option<DateTime<Utc>> {
        if self.frequency.single() {
            return Some(self.starts_at + Duration::days(1));
        }
        self.duration_days
            .map(|d| self.starts_at + Duration::days(i64::from(d)))
    }

    /// The first instant no dose falls due any more: the course's end or
    /// the order's, whichever is first.
    pub fn last_instant(&self) -> Option<DateTime<Utc>> {
        match (self.course_end(), self.ended_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether the order still runs at `now` (its course not run out, not
    /// ended).
    pub fn current(&self, now: DateTime<Utc>) -> bool {
        self.last_instant().is_none_or(|end| now < end)
    }

    /// The doses due on a local `day` in `zone`, earliest first: each round
    /// of the frequency at or after the start and before the end. A single
    /// dose falls due when the order starts; PRN doses never fall due.
    pub fn due_on(&self, day: NaiveDate, zone: Tz, rounds: &RoundTimes) -> Vec<DateTime<Utc>> {
        let end = self.last_instant();
        let in_course = |t: &DateTime<Utc>| *t >= self.starts_at && end.is_none_or(|e| *t < e);
        if self.frequency.single() {
            let (from, to) = day_bounds(zone, day);
            return [self.starts_at]
                .into_iter()
                .filter(|t| *t >= from && *t < to && self.ended_at.is_none_or(|e| *t < e))
                .collect();
        }
        if self.frequency == Frequency::Weekly {
            let start_day = local_date(zone, self.starts_at);
            let first = if instant(zone, start_day.and_time(rounds.morning)) >= self.starts_at {
                start_day
            } else {
                start_day + Duration::days(1)
            };
            let since = (day - first).num_days();
            if since < 0 || since % 7 != 0 {
                return Vec::new();
            }
        }
        let mut due: Vec<DateTime<Utc>> = times_of_day(self.frequency, rounds)
            .into_iter()
            .map(|t| instant(zone, day.and_time(t)))
            .filter(in_course)
            .collect();
        due.dedup();
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const LIMA: Tz = chrono_tz::America::Lima;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    /// A local time in Lima (UTC−5) on a March 2026 day.
    fn lima(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, d, h + 5, m, 0).unwrap()
    }

    fn timing(f: Frequency, start: DateTime<Utc>, days: Option<u32>) -> Timing {
        Timing {
            frequency: f,
            starts_at: start,
            duration_days: days,
            ended_at: None,
        }
    }

    #[test]
    fn round_times_are_four_in_order() {
        let r = RoundTimes::parse("06:00, 13:00 17:30 21:00").unwrap();
        assert_eq!(r.to_string(), "06:00 13:00 17:30 21:00");
        assert_eq!(RoundTimes::default().to_string(), "08:00 12:00 18:00 22:00");
        assert!(RoundTimes::parse("08:00 12:00 18:00").is_err());
        assert!(RoundTimes::parse("08:00 07:00 18:00 22:00").is_err());
        let e = RoundTimes::parse("8am noon 6pm 10pm").unwrap_err();
        assert!(e.contains("e.g. 08:00 12:00 18:00 22:00"), "{e}");
    }

    #[test]
    fn each_frequency_falls_on_its_rounds() {
        let r = RoundTimes::default();
        let t = |f| {
            times_of_day(f, &r)
                .iter()
                .map(|t| t.format("%H:%M").to_string())
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(t(Frequency::Od), "08:00");
        assert_eq!(t(Frequency::Bd), "08:00 18:00");
        assert_eq!(t(Frequency::Tds), "08:00 12:00 18:00");
        assert_eq!(t(Frequency::Qid), "08:00 12:00 18:00 22:00");
        assert_eq!(t(Frequency::Nocte), "22:00");
        assert_eq!(t(Frequency::Q4h), "00:00 04:00 08:00 12:00 16:00 20:00");
        assert_eq!(t(Frequency::Q6h), "02:00 08:00 14:00 20:00");
        assert_eq!(t(Frequency::Q8h), "00:00 08:00 16:00");
        assert_eq!(t(Frequency::Prn), "");
        for f in [
            Frequency::Od,
            Frequency::Bd,
            Frequency::Tds,
            Frequency::Qid,
            Frequency::Q4h,
            Frequency::Q6h,
            Frequency::Q8h,
            Frequency::Nocte,
        ] {
            assert_eq!(
                times_of_day(f, &r).len() as i64,
                f.per_day().unwrap(),
                "{f}"
            );
        }
    }

    #[test]
    fn a_course_starts_at_the_next_round_and_ends_after_its_days() {
        let r = RoundTimes::default();
        // TDS for 2 days from 10:30 on the 9th: 12:00 and 18:00, then three
        // on the 10th, then the 08:00 of the 11th (before 10:30).
        let o = timing(Frequency::Tds, lima(9, 10, 30), Some(2));
        assert_eq!(
            o.due_on(day(9), LIMA, &r),
            vec![lima(9, 12, 0), lima(9, 18, 0)]
        );
        assert_eq!(o.due_on(day(10), LIMA, &r).len(), 3);
        assert_eq!(o.due_on(day(11), LIMA, &r), vec![lima(11, 8, 0)]);
        assert!(o.due_on(day(12), LIMA, &r).is_empty());
        assert!(o.due_on(day(8), LIMA, &r).is_empty());
        let total: usize = (8..13).map(|d| o.due_on(day(d), LIMA, &r).len()).sum();
        assert_eq!(total, 6, "two days of TDS");
        assert!(o.current(lima(11, 10, 29)));
        assert!(!o.current(lima(11, 10, 30)));
    }

    #[test]
    fn a_stopped_order_has_no_more_doses_and_an_open_one_runs_on() {
        let r = RoundTimes::default();
        let mut o = timing(Frequency::Qid, lima(9, 7, 0), None);
        assert_eq!(o.due_on(day(20), LIMA, &r).len(), 4);
        assert!(o.current(lima(30, 0, 0)));
        o.ended_at = Some(lima(20, 13, 0));
        assert_eq!(
            o.due_on(day(20), LIMA, &r),
            vec![lima(20, 8, 0), lima(20, 12, 0)]
        );
        assert!(o.due_on(day(21), LIMA, &r).is_empty());
        assert!(!o.current(lima(20, 13, 0)));
    }

    #[test]
    fn single_doses_weekly_and_prn() {
        let r = RoundTimes::default();
        let stat = timing(Frequency::Stat, lima(9, 10, 17), Some(5));
        assert_eq!(stat.due_on(day(9), LIMA, &r), vec![lima(9, 10, 17)]);
        assert!(stat.due_on(day(10), LIMA, &r).is_empty());
        assert_eq!(stat.course_end(), Some(lima(10, 10, 17)));
        // Weekly from 09:00 on the 9th: the first morning round after it is
        // the 10th's, then the 17th's.
        let w = timing(Frequency::Weekly, lima(9, 9, 0), Some(14));
        let days: Vec<u32> = (1..31)
            .filter(|d| !w.due_on(day(*d), LIMA, &r).is_empty())
            .collect();
        assert_eq!(days, vec![10, 17]);
        let prn = timing(Frequency::Prn, lima(9, 9, 0), Some(3));
        assert!(prn.due_on(day(9), LIMA, &r).is_empty());
    }

    #[test]
    fn rounds_follow_the_hospitals_clock_across_a_change() {
        // London springs forward on 29 March 2026: 08:00 is BST (07:00 UTC).
        let london = chrono_tz::Europe::London;
        let r = RoundTimes::default();
        let o = timing(
            Frequency::Od,
            Utc.with_ymd_and_hms(2026, 3, 27, 12, 0, 0).unwrap(),
            Some(5),
        );
        assert_eq!(
            o.due_on(day(28), london, &r),
            vec![Utc.with_ymd_and_hms(2026, 3, 28, 8, 0, 0).unwrap()]
        );
        assert_eq!(
            o.due_on(day(29), london, &r),
            vec![Utc.with_ymd_and_hms(2026, 3, 29, 7, 0, 0).unwrap()]
        );
    }
}
