//! Stock changes that are allowed but implausible: a single dispense larger
//! than the item's usual maximum, a receipt or an adjustment of many
//! months' use, an expiry date far in the future. Each is asked once (most
//! are typing slips: a `0` too many, a mistyped year) and never blocks a
//! real need; the answer goes into the audit event.

use chrono::{Datelike, NaiveDate};

/// One question to ask before a stock change is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StockConcern {
    /// More than the item's largest plausible single dispense.
    LargeDispense { quantity: i64, usual_max: i64 },
    /// A receipt or an adjustment of more than `months` of average use.
    LargeChange {
        quantity: i64,
        monthly_use: i64,
        months: u32,
    },
    /// An expiry date more than `years` ahead.
    FarExpiry { expiry: NaiveDate, years: u32 },
}

impl StockConcern {
    /// The question, naming the figures: `unit` names the item's unit
    /// ("210 ampoules").
    pub fn question(&self, unit: impl Fn(i64) -> String) -> String {
        match self {
            StockConcern::LargeDispense {
                quantity,
                usual_max,
            } => format!(
                "{} is more than the usual largest dispense of {}",
                unit(*quantity),
                unit(*usual_max)
            ),
            StockConcern::LargeChange {
                quantity,
                monthly_use,
                months,
            } => {
                if *monthly_use == 0 {
                    format!(
                        "{} is more than {months} times the item's reorder level, and none has been used in the past year",
                        unit(quantity.abs())
                    )
                } else {
                    format!(
                        "{} is more than {months} months of use (about {} a month)",
                        unit(quantity.abs()),
                        unit(*monthly_use)
                    )
                }
            }
            StockConcern::FarExpiry { expiry, years } => format!(
                "the expiry date {expiry} is more than {years} years ahead (a mistyped year?)"
            ),
        }
    }
}

/// A single dispense of `quantity` against the item's usual maximum.
pub fn dispense_concern(quantity: i64, usual_max: Option<i64>) -> Option<StockConcern> {
    let usual_max = usual_max?;
    (quantity > usual_max).then_some(StockConcern::LargeDispense {
        quantity,
        usual_max,
    })
}

/// A receipt or an adjustment of `quantity` (signed) against `months` of
/// the item's average monthly use. With no use in the past year the
/// reorder level stands for a month's use; with neither, nothing is asked
/// (a new item has no measure yet).
pub fn change_concern(
    quantity: i64,
    monthly_use: i64,
    reorder_level: i64,
    months: u32,
) -> Option<StockConcern> {
    let per_month = if monthly_use > 0 {
        monthly_use
    } else {
        reorder_level
    };
    if per_month <= 0 {
        return None;
    }
    let limit = per_month.saturating_mul(i64::from(months));
    (quantity.saturating_abs() > limit).then_some(StockConcern::LargeChange {
        quantity,
        monthly_use,
        months,
    })
}

/// An expiry date more than `years` after `today`.
pub fn expiry_concern(expiry: NaiveDate, today: NaiveDate, years: u32) -> Option<StockConcern> {
    let limit = today
        .with_year(today.year() + years as i32)
        .or_else(|| (today - chrono::Duration::days(1)).with_year(today.year() + years as i32))?;
    (expiry > limit).then_some(StockConcern::FarExpiry { expiry, years })
}

/// The questions joined into one, to ask once: "… and …. Go ahead?"
pub fn ask(concerns: &[StockConcern], unit: impl Fn(i64) -> String) -> Option<String> {
    if concerns.is_empty() {
        return None;
    }
    let parts: Vec<String> = concerns.iter().map(|c| c.question(&unit)).collect();
    Some(parts.join("; and "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn ampoules(n: i64) -> String {
        format!("{n} ampoules")
    }

    #[test]
    fn a_dispense_above_the_usual_largest_asks() {
        assert_eq!(dispense_concern(10, Some(10)), None);
        assert_eq!(dispense_concern(210, None), None);
        let c = dispense_concern(210, Some(10)).unwrap();
        assert_eq!(
            c.question(ampoules),
            "210 ampoules is more than the usual largest dispense of 10 ampoules"
        );
    }

    #[test]
    fn a_change_of_more_than_the_months_of_use_asks_either_way() {
        assert_eq!(change_concern(1200, 100, 0, 12), None);
        assert!(change_concern(1201, 100, 0, 12).is_some());
        assert!(change_concern(-1201, 100, 0, 12).is_some());
        assert!(change_concern(1_000_000, 0, 2000, 12).is_some());
        assert_eq!(change_concern(1_000_000, 0, 0, 12), None);
        assert_eq!(change_concern(i64::MAX, i64::MAX, 0, 12), None);
    }

    #[test]
    fn an_expiry_more_than_the_years_ahead_asks() {
        let today = d("2026-12-03");
        assert_eq!(expiry_concern(d("2032-12-03"), today, 6), None);
        assert!(expiry_concern(d("2032-12-04"), today, 6).is_some());
        let c = expiry_concern(d("2099-01-01"), today, 6).unwrap();
        assert!(c.question(ampoules).contains("2099-01-01"), "{c:?}");
        // A leap day today still has a limit.
        assert!(expiry_concern(d("2099-01-01"), d("2028-02-29"), 6).is_some());
    }
}
