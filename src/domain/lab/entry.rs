//! Checking a result as it is typed, by its analyte's type, and flagging
//! it against the patient's reference range.

use super::ranges::{self, Flag};
use super::{Analyte, ResultType};
use crate::domain::patient::Sex;
use chrono::NaiveDate;

/// The longest text result.
pub const TEXT_MAX: usize = 2000;

/// A result value that passed its analyte's checks.
#[derive(Debug, Clone, PartialEq)]
pub enum ResultValue {
    /// The number, and the text as typed (trimmed), which keeps its
    /// decimals (`4.0` is not `4`).
    Number {
        value: f64,
        text: String,
    },
    /// One of the analyte's options, spelled as the catalogue spells it.
    Choice(String),
    Text(String),
}

/// Checks a typed value against the analyte: a number where a number is
/// expected (a point for decimals, no more decimals than the analyte is
/// reported with, within the physically possible bounds), one of the
/// options for a choice (any case), some text for a text.
pub fn check_value(analyte: &Analyte, typed: &str) -> Result<ResultValue, String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(format!("{}: enter a result", analyte.name));
    }
    match &analyte.kind {
        ResultType::Number { decimals, min, max } => {
            check_number(analyte, typed, *decimals, *min, *max)
        }
        ResultType::Choice { options, .. } => options
            .iter()
            .find(|o| o.eq_ignore_ascii_case(typed))
            .map(|o| ResultValue::Choice(o.clone()))
            .ok_or_else(|| {
                format!(
                    "{}: {typed:?} is not one of its results: choose {}",
                    analyte.name,
                    options.join(", ")
                )
            }),
        ResultType::Text => {
            if typed.chars().count() > TEXT_MAX {
                Err(format!(
                    "{}: the result is longer than {TEXT_MAX} characters: shorten it",
                    analyte.name
                ))
            } else {
                Ok(ResultValue::Text(typed.to_string()))
            }
        }
    }
}

fn check_number(
    analyte: &Analyte,
    typed: &str,
    decimals: u8,
    min: f64,
    max: f64,
) -> Result<ResultValue, String> {
    let unit = analyte
        .unit
        .as_deref()
        .map(|u| format!(" {u}"))
        .unwrap_or_default();
    let shaped = {
        let body = typed.strip_prefix('-').unwrap_or(typed);
        let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
        !whole.is_empty()
            && whole.bytes().all(|b| b.is_ascii_digit())
            && fraction.bytes().all(|b| b.is_ascii_digit())
            && !(body.contains('.') && fraction.is_empty())
    };
    if !shaped {
        let hint = if typed.contains(',') {
            " (use a point for decimals, not a comma)"
        } else {
            ""
        };
        return Err(format!(
            "{}: {typed:?} is not a number{hint}: type the value in digits{}",
            analyte.name,
            analyte
                .unit
                .as_deref()
                .map(|u| format!(", in {u}"))
                .unwrap_or_default()
        ));
    }
    let places = typed.split_once('.').map_or(0, |(_, f)| f.len());
    if places > usize::from(decimals) {
        return Err(match decimals {
            0 => format!("{}: enter a whole number", analyte.name),
            1 => format!("{}: enter at most 1 decimal", analyte.name),
            d => format!("{}: enter at most {d} decimals", analyte.name),
        });
    }
    let value: f64 = typed
        .parse()
        .map_err(|_| format!("{}: {typed:?} is not a number", analyte.name))?;
    if value < min || value > max {
        return Err(format!(
            "{}: {typed}{unit} is not possible (between {min} and {max}{unit}): check the value and its unit",
            analyte.name
        ));
    }
    Ok(ResultValue::Number {
        value,
        text: typed.to_string(),
    })
}

/// The flag of a checked value for a patient of `sex` born on `birth`,
/// tested on `on`.
pub fn flag(
    analyte: &Analyte,
    value: &ResultValue,
    sex: Sex,
    birth: NaiveDate,
    on: NaiveDate,
) -> Flag {
    match (value, &analyte.kind) {
        (ResultValue::Number { value, .. }, _) => {
            let range = ranges::choose(&analyte.ranges, sex, birth, on);
            ranges::flag_number(
                *value,
                range.as_ref(),
                analyte.critical_low,
                analyte.critical_high,
            )
        }
        (ResultValue::Choice(c), ResultType::Choice { abnormal, .. }) => {
            if abnormal.iter().any(|a| a.eq_ignore_ascii_case(c)) {
                Flag::Abnormal
            } else {
                Flag::Normal
            }
        }
        _ => Flag::NoRange,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lab::ranges::parse_ranges;

    fn potassium() -> Analyte {
        Analyte {
            code: "K".into(),
            name: "Potassium".into(),
            loinc: Some("2823-3".into()),
            unit: Some("mmol/L".into()),
            kind: ResultType::Number {
                decimals: 1,
                min: 1.0,
                max: 12.0,
            },
            ranges: parse_ranges("3.5..5.1").expect("ranges"),
            critical_low: Some(2.8),
            critical_high: Some(6.2),
        }
    }

    fn malaria() -> Analyte {
        Analyte {
            code: "MRDT".into(),
            name: "Malaria antigen (RDT)".into(),
            loinc: Some("50687-3".into()),
            unit: None,
            kind: ResultType::Choice {
                options: vec!["negative".into(), "positive".into()],
                abnormal: vec!["positive".into()],
            },
            ranges: Vec::new(),
            critical_low: None,
            critical_high: None,
        }
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn numbers_are_checked_by_shape_decimals_and_bounds() {
        let k = potassium();
        assert_eq!(
            check_value(&k, " 4.2 "),
            Ok(ResultValue::Number {
                value: 4.2,
                text: "4.2".into()
            })
        );
        assert!(check_value(&k, "4").is_ok());
        assert!(
            check_value(&k, "4,2")
                .expect_err("comma")
                .contains("point for decimals")
        );
        assert!(
            check_value(&k, "high")
                .expect_err("word")
                .contains("not a number")
        );
        assert!(
            check_value(&k, "4.")
                .expect_err("dot")
                .contains("not a number")
        );
        assert!(
            check_value(&k, "4.25")
                .expect_err("2 places")
                .contains("at most 1 decimal")
        );
        assert!(
            check_value(&k, "42")
                .expect_err("bounds")
                .contains("not possible")
        );
        assert!(
            check_value(&k, "0.5")
                .expect_err("bounds")
                .contains("not possible")
        );
        assert!(
            check_value(&k, "")
                .expect_err("empty")
                .contains("enter a result")
        );
        assert!(check_value(&k, "1e1").is_err());
        assert!(check_value(&k, "NaN").is_err());
    }

    #[test]
    fn choices_accept_any_case_and_name_the_options() {
        let m = malaria();
        assert_eq!(
            check_value(&m, "Positive"),
            Ok(ResultValue::Choice("positive".into()))
        );
        let err = check_value(&m, "pos").expect_err("not an option");
        assert!(err.contains("negative, positive"), "{err}");
    }

    #[test]
    fn text_results_have_a_limit() {
        let mut a = malaria();
        a.kind = ResultType::Text;
        assert!(check_value(&a, "no ova seen").is_ok());
        assert!(check_value(&a, &"x".repeat(TEXT_MAX + 1)).is_err());
    }

    #[test]
    fn values_are_flagged_for_the_patient() {
        let k = potassium();
        let birth = date("1970-01-01");
        let on = date("2026-01-01");
        let f = |t: &str| {
            let v = check_value(&k, t).expect("valid");
            flag(&k, &v, Sex::F, birth, on)
        };
        assert_eq!(f("4.0"), Flag::Normal);
        assert_eq!(f("3.0"), Flag::Low);
        assert_eq!(f("2.7"), Flag::CriticalLow);
        assert_eq!(f("6.5"), Flag::CriticalHigh);
        let m = malaria();
        let pos = check_value(&m, "positive").expect("valid");
        let neg = check_value(&m, "negative").expect("valid");
        assert_eq!(flag(&m, &pos, Sex::M, birth, on), Flag::Abnormal);
        assert_eq!(flag(&m, &neg, Sex::M, birth, on), Flag::Normal);
    }
}
