//! Reference ranges by sex and age band, and the flag a value earns.
//!
//! A range is written `[M|F] [FROM..TO:] [LOW]..[HIGH]`, ranges joined by
//! `|`: `M 18y..: 13.0..17.0 | F 18y..: 12.0..15.5 | 6m..18y: 11.0..14.5`.
//! Ages are whole days, weeks, months or years (`28d`, `6w`, `6m`, `18y`);
//! a band holds its start and not its end, so a child is in `..18y` until
//! the eighteenth birthday and in `18y..` from that day on. Either end of a
//! band or of the limits may be left open.

use crate::domain::patient::Sex;
use chrono::{Days, Months, NaiveDate};
use std::fmt;

/// The unit of an age limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgeUnit {
    Days,
    Weeks,
    Months,
    Years,
}

/// An age, as the edge of a band: `18y`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgeLimit {
    pub n: u32,
    pub unit: AgeUnit,
}

impl AgeLimit {
    /// The day someone born on `birth` reaches this age.
    pub fn reached_on(self, birth: NaiveDate) -> Option<NaiveDate> {
        match self.unit {
            AgeUnit::Days => birth.checked_add_days(Days::new(u64::from(self.n))),
            AgeUnit::Weeks => birth.checked_add_days(Days::new(u64::from(self.n) * 7)),
            AgeUnit::Months => birth.checked_add_months(Months::new(self.n)),
            AgeUnit::Years => birth.checked_add_months(Months::new(self.n.checked_mul(12)?)),
        }
    }

    /// About how many days the age is, to compare bands written in
    /// different units.
    fn approx_days(self) -> f64 {
        let per = match self.unit {
            AgeUnit::Days => 1.0,
            AgeUnit::Weeks => 7.0,
            AgeUnit::Months => 30.44,
            AgeUnit::Years => 365.25,
        };
        f64::from(self.n) * per
    }

    /// Reads `28d`, `6w`, `6m` or `18y`.
    pub fn parse(text: &str) -> Result<AgeLimit, String> {
        let text = text.trim();
        let bad = || {
            format!(
                "the age {text:?} is not understood: write a whole number and d, w, m or y, e.g. 28d or 18y"
            )
        };
        let Some((at, unit)) = text.char_indices().last() else {
            return Err(bad());
        };
        let digits = &text[..at];
        let unit = match unit {
            'd' => AgeUnit::Days,
            'w' => AgeUnit::Weeks,
            'm' => AgeUnit::Months,
            'y' => AgeUnit::Years,
            _ => return Err(bad()),
        };
        let n: u32 = digits.parse().map_err(|_| bad())?;
        if n > 150 * 366 {
            return Err(bad());
        }
        Ok(AgeLimit { n, unit })
    }
}

impl fmt::Display for AgeLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit {
            AgeUnit::Days => 'd',
            AgeUnit::Weeks => 'w',
            AgeUnit::Months => 'm',
            AgeUnit::Years => 'y',
        };
        write!(f, "{}{unit}", self.n)
    }
}

/// One reference range: for one sex or both, an age band, and its limits.
#[derive(Debug, Clone, PartialEq)]
pub struct RefRange {
    /// `Some(M)` or `Some(F)`; `None` for everyone.
    pub sex: Option<Sex>,
    /// The band starts at this age (birth when `None`).
    pub from: Option<AgeLimit>,
    /// The band ends before this age (never when `None`).
    pub to: Option<AgeLimit>,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

impl RefRange {
    /// Whether someone born on `birth` is in this range's age band on `on`.
    /// A date past the calendar's end counts as never reached.
    pub fn covers_age(&self, birth: NaiveDate, on: NaiveDate) -> bool {
        let started = self
            .from
            .is_none_or(|a| a.reached_on(birth).is_some_and(|d| d <= on));
        let ended = self
            .to
            .is_some_and(|a| a.reached_on(birth).is_some_and(|d| d <= on));
        started && !ended
    }

    fn band_days(&self) -> (f64, f64) {
        (
            self.from.map_or(0.0, AgeLimit::approx_days),
            self.to.map_or(f64::INFINITY, AgeLimit::approx_days),
        )
    }

    /// Reads one range: `M 18y..: 13.0..17.0`, `..5.2`, `F: 1.20..`.
    pub fn parse(text: &str) -> Result<RefRange, String> {
        let text = text.trim();
        let (who, limits) = match text.split_once(':') {
            Some((who, limits)) => (who.trim(), limits.trim()),
            None => ("", text),
        };
        let (sex, band) = match who.split_once(' ') {
            Some((s, band)) => (Some(s), band.trim()),
            None if who == "M" || who == "F" => (Some(who), ""),
            None => (None, who),
        };
        let sex = match sex {
            None => None,
            Some("M") => Some(Sex::M),
            Some("F") => Some(Sex::F),
            Some(other) => {
                return Err(format!(
                    "the range {text:?} names the sex {other:?}: write M or F, or leave it out for both"
                ));
            }
        };
        let (from, to) = if band.is_empty() {
            (None, None)
        } else {
            let (from, to) = band.split_once("..").ok_or_else(|| {
                format!(
                    "the age band {band:?} needs two dots between its ends, e.g. 1y..18y or 18y.."
                )
            })?;
            let age = |s: &str| {
                (!s.trim().is_empty())
                    .then(|| AgeLimit::parse(s))
                    .transpose()
            };
            (age(from)?, age(to)?)
        };
        let (low, high) = limits.split_once("..").ok_or_else(|| {
            format!(
                "the range {text:?} needs its limits as LOW..HIGH, e.g. 3.5..5.1, ..5.2 or 1.0.."
            )
        })?;
        let number = |s: &str| -> Result<Option<f64>, String> {
            let s = s.trim();
            if s.is_empty() {
                return Ok(None);
            }
            s.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .map(Some)
                .ok_or_else(|| format!("the limit {s:?} in {text:?} is not a number"))
        };
        let range = RefRange {
            sex,
            from,
            to,
            low: number(low)?,
            high: number(high)?,
        };
        if range.low.is_none() && range.high.is_none() {
            return Err(format!(
                "the range {text:?} has neither a low nor a high limit"
            ));
        }
        if let (Some(l), Some(h)) = (range.low, range.high)
            && l > h
        {
            return Err(format!(
                "the range {text:?} has its low limit above its high one"
            ));
        }
        if range.band_days().0 >= range.band_days().1 {
            return Err(format!("the age band of {text:?} ends before it starts"));
        }
        Ok(range)
    }
}

impl fmt::Display for RefRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut who = Vec::new();
        if let Some(sex) = self.sex {
            who.push(format!("{sex:?}"));
        }
        if self.from.is_some() || self.to.is_some() {
            let end = |a: Option<AgeLimit>| a.map(|a| a.to_string()).unwrap_or_default();
            who.push(format!("{}..{}", end(self.from), end(self.to)));
        }
        if !who.is_empty() {
            write!(f, "{}: ", who.join(" "))?;
        }
        let end = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        write!(f, "{}..{}", end(self.low), end(self.high))
    }
}

/// Reads the ranges of an analyte, joined by `|`; refuses two ranges for
/// the same sex whose age bands overlap, since the patient's range would
/// then be ambiguous.
pub fn parse_ranges(text: &str) -> Result<Vec<RefRange>, String> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let ranges = text
        .split('|')
        .map(RefRange::parse)
        .collect::<Result<Vec<_>, _>>()?;
    for (i, a) in ranges.iter().enumerate() {
        for b in &ranges[i + 1..] {
            let (af, at) = a.band_days();
            let (bf, bt) = b.band_days();
            if a.sex == b.sex && af < bt && bf < at {
                return Err(format!(
                    "the ranges {a} and {b} overlap in age for the same patients: make their age bands meet without overlapping, e.g. ..18y and 18y.."
                ));
            }
        }
    }
    Ok(ranges)
}

/// Writes ranges back in the form [`parse_ranges`] reads.
pub fn format_ranges(ranges: &[RefRange]) -> String {
    ranges
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The reference range for a patient of `sex` born on `birth`, for a test
/// on `on` (age at the time of the test). A range for the patient's own sex
/// wins over one for both; for a patient whose sex is other or unknown the
/// men's and women's ranges of the age band are joined (the lowest low and
/// the highest high), so that only a value abnormal for both is flagged.
pub fn choose(ranges: &[RefRange], sex: Sex, birth: NaiveDate, on: NaiveDate) -> Option<RefRange> {
    let in_band = |r: &&RefRange| r.covers_age(birth, on);
    let own = match sex {
        Sex::M | Sex::F => ranges.iter().filter(in_band).find(|r| r.sex == Some(sex)),
        Sex::O | Sex::U => None,
    };
    if let Some(r) = own {
        return Some(r.clone());
    }
    if let Some(r) = ranges.iter().filter(in_band).find(|r| r.sex.is_none()) {
        return Some(r.clone());
    }
    if matches!(sex, Sex::O | Sex::U) {
        let both: Vec<&RefRange> = ranges.iter().filter(in_band).collect();
        let first = both.first()?;
        let joined = |pick: fn(&RefRange) -> Option<f64>, lower: bool| {
            both.iter().try_fold(None::<f64>, |acc, r| {
                let v = pick(r)?;
                Some(Some(match acc {
                    None => v,
                    Some(a) if lower => a.min(v),
                    Some(a) => a.max(v),
                }))
            })?
        };
        return Some(RefRange {
            sex: None,
            from: first.from,
            to: first.to,
            low: joined(|r| r.low, true),
            high: joined(|r| r.high, false),
        });
    }
    None
}

/// How a result compares with the patient's range and the critical limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    Normal,
    Low,
    High,
    CriticalLow,
    CriticalHigh,
    /// A choice the catalogue marks abnormal, such as "positive".
    Abnormal,
    /// No range for this patient and no critical limit crossed: nothing to
    /// compare with.
    NoRange,
}

impl Flag {
    /// The letters shown beside the value (never colour alone).
    pub fn letters(self) -> &'static str {
        match self {
            Flag::Normal | Flag::NoRange => "",
            Flag::Low => "L",
            Flag::High => "H",
            Flag::CriticalLow => "LL",
            Flag::CriticalHigh => "HH",
            Flag::Abnormal => "A",
        }
    }

    /// Whether the ordering clinician must be alerted.
    pub fn is_critical(self) -> bool {
        matches!(self, Flag::CriticalLow | Flag::CriticalHigh)
    }
}

/// Flags a number: critical limits first (strictly beyond them), then the
/// range (its limits are normal).
pub fn flag_number(
    value: f64,
    range: Option<&RefRange>,
    critical_low: Option<f64>,
    critical_high: Option<f64>,
) -> Flag {
    if critical_low.is_some_and(|c| value < c) {
        return Flag::CriticalLow;
    }
    if critical_high.is_some_and(|c| value > c) {
        return Flag::CriticalHigh;
    }
    let Some(range) = range else {
        return Flag::NoRange;
    };
    if range.low.is_some_and(|l| value < l) {
        Flag::Low
    } else if range.high.is_some_and(|h| value > h) {
        Flag::High
    } else {
        Flag::Normal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    fn hb() -> Vec<RefRange> {
        parse_ranges(
            "M 18y..: 13.0..17.0 | F 18y..: 12.0..15.5 | 12y..18y: 12.0..16.0 | 6m..12y: 11.0..14.5 | 28d..6m: 9.5..14.0 | ..28d: 14.5..22.5",
        )
        .expect("hb ranges")
    }

    fn limits(r: Option<RefRange>) -> (Option<f64>, Option<f64>) {
        let r = r.expect("a range");
        (r.low, r.high)
    }

    #[test]
    fn adults_get_their_own_sex_range() {
        let birth = date("1980-05-01");
        let on = date("2026-01-01");
        assert_eq!(
            limits(choose(&hb(), Sex::M, birth, on)),
            (Some(13.0), Some(17.0))
        );
        assert_eq!(
            limits(choose(&hb(), Sex::F, birth, on)),
            (Some(12.0), Some(15.5))
        );
    }

    #[test]
    fn the_eighteenth_birthday_moves_a_patient_to_the_adult_range() {
        let birth = date("2008-03-15");
        let day_before = date("2026-03-14");
        let birthday = date("2026-03-15");
        assert_eq!(
            limits(choose(&hb(), Sex::M, birth, day_before)),
            (Some(12.0), Some(16.0))
        );
        assert_eq!(
            limits(choose(&hb(), Sex::M, birth, birthday)),
            (Some(13.0), Some(17.0))
        );
    }

    #[test]
    fn a_neonate_is_one_until_the_twenty_eighth_day() {
        let birth = date("2026-01-01");
        assert_eq!(
            limits(choose(&hb(), Sex::F, birth, birth)),
            (Some(14.5), Some(22.5))
        );
        assert_eq!(
            limits(choose(&hb(), Sex::F, birth, date("2026-01-28"))),
            (Some(14.5), Some(22.5))
        );
        assert_eq!(
            limits(choose(&hb(), Sex::F, birth, date("2026-01-29"))),
            (Some(9.5), Some(14.0))
        );
    }

    #[test]
    fn month_bands_follow_the_calendar() {
        let birth = date("2025-08-31");
        // Six months after 31 August is the last day of February.
        assert_eq!(
            limits(choose(&hb(), Sex::M, birth, date("2026-02-27"))),
            (Some(9.5), Some(14.0))
        );
        assert_eq!(
            limits(choose(&hb(), Sex::M, birth, date("2026-02-28"))),
            (Some(11.0), Some(14.5))
        );
    }

    #[test]
    fn unknown_sex_adults_get_both_ranges_joined() {
        let birth = date("1970-01-01");
        let on = date("2026-01-01");
        assert_eq!(
            limits(choose(&hb(), Sex::U, birth, on)),
            (Some(12.0), Some(17.0))
        );
        assert_eq!(
            limits(choose(&hb(), Sex::O, birth, on)),
            (Some(12.0), Some(17.0))
        );
    }

    #[test]
    fn no_range_for_an_age_the_catalogue_leaves_out() {
        let ranges = parse_ranges("28d..: 0..21").expect("ranges");
        assert_eq!(
            choose(&ranges, Sex::M, date("2026-01-01"), date("2026-01-05")),
            None
        );
    }

    #[test]
    fn a_range_for_everyone_serves_both_sexes() {
        let ranges = parse_ranges("3.5..5.1").expect("ranges");
        assert_eq!(
            limits(choose(
                &ranges,
                Sex::F,
                date("1990-01-01"),
                date("2026-01-01")
            )),
            (Some(3.5), Some(5.1))
        );
    }

    #[test]
    fn flags_follow_range_and_critical_limits() {
        let k = parse_ranges("3.5..5.1").expect("ranges");
        let r = k.first();
        let flag = |v| flag_number(v, r, Some(2.8), Some(6.2));
        assert_eq!(flag(2.7), Flag::CriticalLow);
        assert_eq!(flag(2.8), Flag::Low);
        assert_eq!(flag(3.4), Flag::Low);
        assert_eq!(flag(3.5), Flag::Normal);
        assert_eq!(flag(5.1), Flag::Normal);
        assert_eq!(flag(5.2), Flag::High);
        assert_eq!(flag(6.2), Flag::High);
        assert_eq!(flag(6.3), Flag::CriticalHigh);
        assert!(flag(6.3).is_critical() && !flag(5.2).is_critical());
        assert_eq!(flag_number(1.0, None, Some(2.5), None), Flag::CriticalLow);
        assert_eq!(flag_number(5.0, None, Some(2.5), None), Flag::NoRange);
    }

    #[test]
    fn open_ended_limits() {
        let r = parse_ranges("..5.2").expect("ranges");
        assert_eq!(flag_number(0.1, r.first(), None, None), Flag::Normal);
        assert_eq!(flag_number(5.3, r.first(), None, None), Flag::High);
    }

    #[test]
    fn ranges_round_trip_through_their_text() {
        let text = "M 18y..: 13..17 | F 18y..: 12..15.5 | 6m..12y: 11..14.5 | ..28d: 14.5.. | F ..18y: ..1.2";
        let ranges = parse_ranges(text).expect("ranges");
        assert_eq!(format_ranges(&ranges), text);
        assert_eq!(
            parse_ranges(&format_ranges(&ranges)).expect("again"),
            ranges
        );
    }

    #[test]
    fn bad_ranges_say_what_to_fix() {
        let err = |t| parse_ranges(t).expect_err(t);
        assert!(err("X 18y..: 1..2").contains("write M or F"));
        assert!(err("18q..: 1..2").contains("d, w, m or y"));
        assert!(err("5..3").contains("low limit above"));
        assert!(err("3-5").contains("LOW..HIGH"));
        assert!(err("..").contains("neither"));
        assert!(err("18y..1y: 1..2").contains("ends before"));
        assert!(err("..18y: 1..2 | 12y..: 1..3").contains("overlap"));
        assert!(err("abc..2").contains("not a number"));
        assert!(err("18é..: 1..2").contains("d, w, m or y"));
        assert!(err("é..: 1..2").contains("d, w, m or y"));
    }

    #[test]
    fn same_band_for_each_sex_is_not_an_overlap() {
        assert!(parse_ranges("M 18y..: 1..2 | F 18y..: 1..3 | ..18y: 1..4").is_ok());
    }
}
