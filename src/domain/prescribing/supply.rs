//! Which batches a dispense against a prescription takes: first expiry
//! first out, but a batch that would expire before the course ends is
//! passed over for one that lasts it, and taken (flagged) only when no
//! lasting stock is left. Pure rules over the batches on the shelf.

use crate::domain::pharmacy::{Batch, Take, plan_dispense};
use chrono::{Duration, NaiveDate};

/// The last day the medicine dispensed on `today` is taken: the course's
/// days counted from the dispense (`None` for a single dose or an order
/// without a duration, which no batch can outlast or fail to).
pub fn course_last_day(today: NaiveDate, duration_days: Option<u32>) -> Option<NaiveDate> {
    duration_days
        .filter(|d| *d > 0)
        .map(|d| today + Duration::days(i64::from(d) - 1))
}

/// Whether a batch expires before the course's last day is over (it may
/// not be used on or after its expiry date).
pub fn expires_in_course(expiry: NaiveDate, last_day: Option<NaiveDate>) -> bool {
    last_day.is_some_and(|last| expiry <= last)
}

/// Up to `wanted` from the usable batches, first those that last the
/// course (first expiry first), then those that do not; less when stock
/// is short, empty when there is none.
pub fn plan_for_course(
    batches: &[Batch],
    wanted: i64,
    today: NaiveDate,
    last_day: Option<NaiveDate>,
) -> Vec<Take> {
    let (lasting, short_dated): (Vec<Batch>, Vec<Batch>) = batches
        .iter()
        .cloned()
        .partition(|b| !expires_in_course(b.expiry, last_day));
    let mut takes = Vec::new();
    let mut left = wanted;
    for group in [lasting, short_dated] {
        if left <= 0 {
            break;
        }
        let plan = match plan_dispense(&group, left, today) {
            Ok(p) => p,
            Err(crate::domain::pharmacy::PlanError::Short { available }) if available > 0 => {
                plan_dispense(&group, available, today).unwrap_or_default()
            }
            Err(_) => Vec::new(),
        };
        left -= plan.iter().map(|t| t.quantity).sum::<i64>();
        takes.extend(plan);
    }
    takes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(n: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 9).unwrap() + Duration::days(n)
    }

    fn batch(id: &str, expiry: NaiveDate, on_hand: i64) -> Batch {
        Batch {
            id: id.into(),
            item_id: "i".into(),
            batch_no: id.into(),
            expiry,
            on_hand,
            unit_cost: 0,
            price: 0,
            supplier: String::new(),
            received_at: String::new(),
        }
    }

    fn taken(t: &[Take]) -> Vec<(&str, i64)> {
        t.iter()
            .map(|t| (t.batch_no.as_str(), t.quantity))
            .collect()
    }

    #[test]
    fn the_last_day_counts_the_dispense_day() {
        assert_eq!(course_last_day(d(0), Some(5)), Some(d(4)));
        assert_eq!(course_last_day(d(0), None), None);
        assert!(expires_in_course(d(4), Some(d(4))), "unusable on day 5");
        assert!(!expires_in_course(d(5), Some(d(4))));
        assert!(!expires_in_course(d(1), None));
    }

    #[test]
    fn a_batch_expiring_in_the_course_is_passed_over_then_used_last() {
        let shelf = [
            batch("SOON", d(3), 10),
            batch("LATE", d(100), 10),
            batch("GONE", d(0), 50),
        ];
        let last = course_last_day(d(0), Some(5));
        assert_eq!(
            taken(&plan_for_course(&shelf, 8, d(0), last)),
            [("LATE", 8)]
        );
        assert_eq!(
            taken(&plan_for_course(&shelf, 15, d(0), last)),
            [("LATE", 10), ("SOON", 5)],
            "the short-dated batch only when nothing lasting is left"
        );
        assert_eq!(
            taken(&plan_for_course(&shelf, 30, d(0), last)),
            [("LATE", 10), ("SOON", 10)],
            "short: what there is, never the expired batch"
        );
        assert_eq!(
            taken(&plan_for_course(&shelf, 8, d(0), None)),
            [("SOON", 8)],
            "a single dose: plain first expiry first out"
        );
        assert!(plan_for_course(&shelf[2..], 5, d(0), last).is_empty());
    }
}
