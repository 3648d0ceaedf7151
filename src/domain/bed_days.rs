//! The bed-days an admission is charged: one for each of the hospital's
//! midnights the patient spends admitted (the midnight census), charged at
//! the kind of ward the patient lay in at that midnight and dated the day
//! the midnight ends; a stay that is discharged without passing a midnight
//! (a day case) is one bed-day, dated the day of admission. A transfer at
//! a midnight counts at the new ward; an admission or discharge exactly at
//! a midnight does not count that midnight.

use crate::domain::clock::{Tz, day_bounds, local_date};
use chrono::{DateTime, NaiveDate, Utc};

/// A stretch of an admission in one bed: from when, until when (open
/// while the patient is still there), and the kind of ward it was in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stay<K> {
    pub kind: K,
    pub from: DateTime<Utc>,
    pub to: Option<DateTime<Utc>>,
}

/// One bed-day: the day charged and the kind of ward it is charged at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BedDay<K> {
    pub day: NaiveDate,
    pub kind: K,
}

/// The bed-days of an admission whose stays are `stays` (in time order,
/// each starting where the one before ended) counted up to `until` (now,
/// for a patient still admitted).
pub fn bed_days<K: Clone>(stays: &[Stay<K>], zone: Tz, until: DateTime<Utc>) -> Vec<BedDay<K>> {
    let (Some(first), Some(last)) = (stays.first(), stays.last()) else {
        return Vec::new();
    };
    let admitted = first.from;
    let discharged = last.to;
    let end = discharged.map_or(until, |d| d.min(until));
    let mut days = Vec::new();
    let mut day = local_date(zone, admitted);
    while let Some(next) = day.succ_opt() {
        let midnight = day_bounds(zone, next).0;
        if midnight > end {
            break;
        }
        if midnight > admitted
            && discharged.is_none_or(|d| midnight < d)
            && let Some(s) = stays
                .iter()
                .find(|s| s.from <= midnight && s.to.is_none_or(|t| midnight < t))
        {
            days.push(BedDay {
                day,
                kind: s.kind.clone(),
            });
        }
        day = next;
    }
    if days.is_empty() && discharged.is_some_and(|d| d <= until) {
        days.push(BedDay {
            day: local_date(zone, admitted),
            kind: first.kind.clone(),
        });
    }
    days
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn nairobi() -> Tz {
        chrono_tz::Africa::Nairobi
    }

    /// A Nairobi local time on December 2026.
    fn at(day: u32, h: u32, m: u32) -> DateTime<Utc> {
        nairobi()
            .with_ymd_and_hms(2026, 12, day, h, m, 0)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    fn date(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, day).unwrap_or_default()
    }

    fn stay(
        kind: &'static str,
        from: DateTime<Utc>,
        to: Option<DateTime<Utc>>,
    ) -> Stay<&'static str> {
        Stay { kind, from, to }
    }

    fn days(b: &[BedDay<&'static str>]) -> Vec<(u32, &'static str)> {
        use chrono::Datelike;
        b.iter().map(|d| (d.day.day(), d.kind)).collect()
    }

    #[test]
    fn each_midnight_spent_admitted_is_a_bed_day_at_the_ward_of_that_midnight() {
        let stays = [
            stay("medical", at(3, 14, 0), Some(at(4, 9, 30))),
            stay("icu", at(4, 9, 30), Some(at(6, 0, 0))),
            stay("medical", at(6, 0, 0), Some(at(7, 11, 0))),
        ];
        let b = bed_days(&stays, nairobi(), at(20, 0, 0));
        // The midnight ending the 3rd in medical, the 4th in the ICU; the
        // one ending the 5th is the transfer back, which counts at the new
        // ward, as does the 6th's.
        assert_eq!(
            days(&b),
            [(3, "medical"), (4, "icu"), (5, "medical"), (6, "medical")]
        );
    }

    #[test]
    fn a_patient_still_admitted_is_counted_up_to_now() {
        let stays = [stay("surgical", at(3, 22, 0), None)];
        assert!(bed_days(&stays, nairobi(), at(3, 23, 59)).is_empty());
        assert_eq!(
            days(&bed_days(&stays, nairobi(), at(4, 0, 0))),
            [(3, "surgical")]
        );
        assert_eq!(
            days(&bed_days(&stays, nairobi(), at(5, 8, 0))),
            [(3, "surgical"), (4, "surgical")]
        );
    }

    #[test]
    fn a_day_case_is_one_bed_day_and_midnight_edges_do_not_count() {
        let day_case = [stay("maternity", at(3, 8, 0), Some(at(3, 18, 0)))];
        let b = bed_days(&day_case, nairobi(), at(9, 0, 0));
        assert_eq!(
            b,
            [BedDay {
                day: date(3),
                kind: "maternity"
            }]
        );
        // Not yet discharged as far as `until` knows: nothing yet.
        assert!(bed_days(&day_case, nairobi(), at(3, 12, 0)).is_empty());
        // Admitted exactly at a midnight, discharged exactly at the next.
        let edges = [stay("medical", at(4, 0, 0), Some(at(5, 0, 0)))];
        assert_eq!(
            days(&bed_days(&edges, nairobi(), at(9, 0, 0))),
            [(4, "medical")]
        );
        let two = [stay("medical", at(4, 0, 0), Some(at(6, 0, 0)))];
        assert_eq!(
            days(&bed_days(&two, nairobi(), at(9, 0, 0))),
            [(4, "medical")]
        );
    }

    #[test]
    fn midnights_are_the_hospitals_even_when_its_clocks_change() {
        // London's clocks went back at 02:00 on 25 October 2026: the day is
        // 25 hours long, and still one midnight ends it.
        let zone: Tz = chrono_tz::Europe::London;
        let t = |d: u32, h: u32| {
            zone.with_ymd_and_hms(2026, 10, d, h, 0, 0)
                .single()
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_default()
        };
        let stays = [stay("medical", t(24, 12), Some(t(27, 12)))];
        let b = bed_days(&stays, zone, t(30, 0));
        let dates: Vec<_> = b.iter().map(|d| d.day.to_string()).collect();
        assert_eq!(dates, ["2026-10-24", "2026-10-25", "2026-10-26"]);
        assert!(bed_days::<&str>(&[], zone, t(30, 0)).is_empty());
    }
}
